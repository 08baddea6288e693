"""``CaspenAccount``: the public facade — what a Caspen user does, as methods with explicit arguments.

::

    account = CaspenAccount.open("caspen.db", config=SyncConfig.from_file("qbo.toml"))
    account.connect_for_tests(realm_id)            # or authorization_url() + complete_connection(url)
    client = account.add_client("Ada Lovelace", email="ada@example.com")
    account.add_tax_rate("GST", 10); account.link_tax_rate("GST", "5")
    invoice = account.create_invoice(client, lines=[{"description": "Design", "quantity": 2,
                                                     "unit_price": "150.00", "tax_rate": "GST"}])
    card = account.finalize(invoice)               # syncs; card.state == "synced"

Every argument is validated before anything is saved (no partial state), and nothing reaches
QuickBooks that Caspen would not send. All clocks, sessions and sleeps are injectable.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import requests

from sync_client.bulk import BulkReport, Progress, push_all
from sync_client.config import SyncConfig
from sync_client.domain import (
    Client,
    CreditNote,
    Discount,
    Invoice,
    InvoiceStatus,
    Line,
    NumberingScheme,
    TaxMode,
    TaxRate,
    Totals,
    cents,
    to_date,
    to_decimal,
)
from sync_client.errors import InvalidInvoiceError, RetryNotOfferedError
from sync_client.oauth import QuickBooksConnection
from sync_client.references import ImportReport, QuickBooksTaxCode
from sync_client.status import StatusCard
from sync_client.store import Store
from sync_client.sync import SyncEngine

__all__ = ["CaspenAccount"]

InvoiceRef = Invoice | str
LineSpec = Line | Mapping[str, Any]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class CaspenAccount:
    """One Caspen business: its store, its QuickBooks connection and the sync engine."""

    def __init__(self, *, store: Store, config: SyncConfig, session: requests.Session | None = None,
                 clock: Callable[[], datetime] = _utcnow, sleep: Callable[[float], None] = time.sleep,
                 rng: random.Random | None = None) -> None:
        self.store = store
        self.config = config
        self.clock = clock
        self.session = session or requests.Session()
        self.connection = QuickBooksConnection(store=store, config=config, session=self.session, clock=clock,
                                               sleep=sleep)
        self.engine = SyncEngine(store=store, config=config, connection=self.connection, session=self.session,
                                 clock=clock, sleep=sleep, rng=rng)
        row = store.account()
        assert row is not None, "use CaspenAccount.open(): it creates the account row"
        self.region = row["region"]
        self.numbering = NumberingScheme(invoice=row["invoice_format"], credit_note=row["credit_note_format"],
                                         adjustment=row["adjustment_format"])

    @classmethod
    def open(cls, store_path: str = ":memory:", *, config: SyncConfig, region: str = "AU",
             numbering: NumberingScheme | None = None, session: requests.Session | None = None,
             clock: Callable[[], datetime] = _utcnow, sleep: Callable[[float], None] = time.sleep,
             rng: random.Random | None = None) -> CaspenAccount:
        """Open (creating and migrating on first use) the account stored at ``store_path``."""
        if not isinstance(config, SyncConfig):
            raise TypeError("config must be a SyncConfig (see SyncConfig.from_dict / from_file / from_env)")
        store = Store(store_path)
        scheme = numbering or NumberingScheme()
        store.init_account(region=region, invoice_format=scheme.invoice, credit_note_format=scheme.credit_note,
                           adjustment_format=scheme.adjustment)
        return cls(store=store, config=config, session=session, clock=clock, sleep=sleep, rng=rng)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> CaspenAccount:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- Settings → Integrations → QuickBooks ----------------------------------------------------------
    @property
    def connection_state(self) -> str:
        """``connected``, ``expired`` or ``disconnected``."""
        return self.connection.state

    @property
    def realm_id(self) -> str | None:
        return self.connection.realm_id

    def authorization_url(self) -> str:
        """Step 1 of connecting: send the user here (a fresh ``state`` is remembered)."""
        return self.connection.authorization_url()

    def complete_connection(self, redirect: str | Mapping[str, str]) -> str:
        """Step 2: the redirect URL (or its parameters) QuickBooks sent the user back with; returns the realm id."""
        return self.connection.complete(redirect)

    def connect_for_tests(self, realm_id: str) -> str:
        """The whole code flow against the simulator's auto-approving consent page."""
        return self.connection.authorize_automatically(realm_id)

    def connect_with_refresh_token(self, realm_id: str, refresh_token: str) -> None:
        """Adopt a refresh token minted elsewhere (e.g. the simulator's ``--ready-file``)."""
        self.connection.adopt_refresh_token(realm_id, refresh_token)

    def disconnect(self) -> bool:
        """Revoke the tokens at Intuit and forget them; True if Intuit confirmed."""
        return self.connection.disconnect()

    def reconnect(self) -> str:
        """Disconnect, then start a fresh authorization: returns the URL to send the user to."""
        self.disconnect()
        return self.authorization_url()

    # -- Settings → Clients, Taxes --------------------------------------------------------------
    def add_client(self, full_name: str, *, email: str | None = None, address: str | None = None,
                   client_id: str | None = None) -> Client:
        if not isinstance(full_name, str) or not full_name.strip():
            raise InvalidInvoiceError("a client needs a full name")
        if client_id is not None and (not isinstance(client_id, str) or not client_id.strip()):
            raise InvalidInvoiceError(f"client id must be a non-empty string, not {client_id!r}")
        client = Client(client_id or str(self.store.next_sequence("client")), full_name.strip(), email, address)
        if self.store.client(client.id) is not None:
            raise InvalidInvoiceError(f"a client with id {client.id!r} already exists")
        self.store.add_client(client)
        return client

    def add_tax_rate(self, name: str, percent: Any) -> TaxRate:
        value = to_decimal(percent, "tax rate percent")
        if not isinstance(name, str) or not name.strip():
            raise InvalidInvoiceError("a tax rate needs a name")
        if not Decimal(0) <= value <= Decimal(100):
            raise InvalidInvoiceError(f"tax rate percent must be between 0 and 100, not {value}")
        if name in self.store.tax_rates():
            raise InvalidInvoiceError(f"tax rate {name!r} already exists")
        rate = TaxRate(name.strip(), value)
        self.store.save_tax_rate(rate)
        return rate

    def tax_rates(self) -> dict[str, TaxRate]:
        return self.store.tax_rates()

    def quickbooks_tax_codes(self) -> list[QuickBooksTaxCode]:
        """Settings → Taxes → Sync with QuickBooks: the company's tax codes (inactive ones flagged)."""
        return self.engine.refs.tax_codes(self.engine.client())

    def link_tax_rate(self, rate: TaxRate | str, qbo_tax_code: QuickBooksTaxCode | str | None) -> TaxRate:
        """Link a Caspen rate to a QuickBooks tax code (its Id), or unlink it with ``None``."""
        name = rate.name if isinstance(rate, TaxRate) else rate
        current = self.store.tax_rates().get(name)
        if current is None:
            raise InvalidInvoiceError(f"unknown tax rate {name!r}: add it under Settings → Taxes first")
        code_id = qbo_tax_code.id if isinstance(qbo_tax_code, QuickBooksTaxCode) else qbo_tax_code
        linked = TaxRate(current.name, current.percent, str(code_id) if code_id is not None else None)
        self.store.save_tax_rate(linked)
        return linked

    # -- invoices ---------------------------------------------------------------------------------
    def invoice(self, invoice: InvoiceRef) -> Invoice:
        number = invoice.number if isinstance(invoice, Invoice) else invoice
        found = self.store.invoice(number)
        if found is None:
            raise InvalidInvoiceError(f"no invoice {number!r}")
        return found

    def create_invoice(self, client: Client | str, *, lines: Iterable[LineSpec] = (), discount: Any = None,
                       tax_mode: str = TaxMode.EXCLUSIVE, due_date: Any = None, issue_date: Any = None,
                       created_at: datetime | None = None, kind: str = "invoice") -> Invoice:
        """A new **draft** (drafts never sync). ``kind`` is ``invoice`` (INV…) or ``adjustment`` (ADJ…)."""
        client_id = client.id if isinstance(client, Client) else client
        if self.store.client(client_id) is None:
            raise InvalidInvoiceError(f"unknown client {client_id!r}")
        if tax_mode not in TaxMode.ALL:
            raise InvalidInvoiceError(f"tax mode must be one of {', '.join(TaxMode.ALL)}, not {tax_mode!r}")
        if kind not in ("invoice", "adjustment"):
            raise InvalidInvoiceError(f"invoice kind must be 'invoice' or 'adjustment', not {kind!r}")
        created = created_at or self.clock()
        if not isinstance(created, datetime) or created.tzinfo is None:
            raise InvalidInvoiceError(f"created_at must be a timezone-aware datetime, not {created_at!r}")
        issued = to_date(issue_date, "issue date") or created.date()
        due = to_date(due_date, "due date")
        if due is not None and due < issued:
            raise InvalidInvoiceError(f"due date {due} is before the issue date {issued}")
        built = tuple(self._line(spec) for spec in lines)
        scheme_discount = Discount.build(discount)
        number = self.numbering.format(kind, self.store.next_sequence(kind))
        invoice = Invoice(number=number, client_id=client_id, created_at=created, lines=built, tax_mode=tax_mode,
                          discount=scheme_discount, issue_date=issued, due_date=due)
        self.store.insert_invoice(invoice, kind=kind)
        return self.invoice(number)

    def _line(self, spec: LineSpec) -> Line:
        if isinstance(spec, Line):
            spec = {"description": spec.description, "quantity": spec.quantity, "unit_price": spec.unit_price,
                    "kind": spec.kind, "tax_rate": spec.tax_rate}
        if not isinstance(spec, Mapping):
            raise InvalidInvoiceError(f"a line is a mapping of description/quantity/unit_price..., not {spec!r}")
        unknown = set(spec) - {"description", "quantity", "unit_price", "kind", "tax_rate"}
        if unknown:
            raise InvalidInvoiceError(f"unknown line field(s) {sorted(unknown)}")
        for key in ("description", "quantity", "unit_price"):
            if key not in spec:
                raise InvalidInvoiceError(f"a line needs {key}")
        return Line.build(description=spec["description"], quantity=spec["quantity"], unit_price=spec["unit_price"],
                          kind=spec.get("kind", "service"), tax_rate=spec.get("tax_rate"),
                          known_rates=self.store.tax_rates())

    def set_next_number(self, kind: str, number: str) -> None:
        """Settings → Invoices → next number: the next ``kind`` document gets exactly ``number``."""
        for digits in re.findall(r"\d+", number):
            if self.numbering.format(kind, int(digits)) == number:
                self.store.set_next_sequence(kind, int(digits))
                return
        raise InvalidInvoiceError(f"{number!r} does not follow the {kind} numbering scheme "
                                  f"({getattr(self.numbering, kind)})")

    def set_discount(self, invoice: InvoiceRef, discount: Any) -> Invoice:
        """Set (or with ``None`` remove) a draft's discount: ``"10%"`` or ``{"fixed": "50.00"}``."""
        draft = self._draft(invoice)
        built = Discount.build(discount)
        self.store.update_document("invoices", draft.number, discount_kind=built.kind if built else None,
                                   discount_value=str(built.value) if built else None)
        return self.invoice(draft.number)

    def set_line_tax_rate(self, invoice: InvoiceRef, tax_rate: str | None, *, position: int | None = None) -> Invoice:
        """Change the tax rate of one line (or of every line) of a draft."""
        draft = self._draft(invoice)
        if tax_rate is not None and tax_rate not in self.store.tax_rates():
            raise InvalidInvoiceError(f"unknown tax rate {tax_rate!r}: add it under Settings → Taxes first")
        lines = tuple(Line.build(description=line.description, quantity=line.quantity, unit_price=line.unit_price,
                                 kind=line.kind, tax_rate=tax_rate if position in (None, index) else line.tax_rate,
                                 known_rates=self.store.tax_rates())
                      for index, line in enumerate(draft.lines))
        self.store.replace_lines(draft.number, lines)
        return self.invoice(draft.number)

    def _draft(self, invoice: InvoiceRef) -> Invoice:
        found = self.invoice(invoice)
        if found.status != InvoiceStatus.DRAFT:
            raise InvalidInvoiceError(f"{found.number} is {found.status}: revert it to Draft before editing")
        return found

    def add_line(self, invoice: InvoiceRef, *, description: str, quantity: Any, unit_price: Any,
                 kind: str = "service", tax_rate: str | None = None) -> Invoice:
        draft = self._draft(invoice)
        line = self._line({"description": description, "quantity": quantity, "unit_price": unit_price,
                           "kind": kind, "tax_rate": tax_rate})
        self.store.replace_lines(draft.number, (*draft.lines, line))
        return self.invoice(draft.number)

    def edit_line(self, invoice: InvoiceRef, position: int, *, quantity: Any = None, unit_price: Any = None) -> Invoice:
        """Change the quantity and/or unit price of a draft's line (``position`` from 0)."""
        draft = self._draft(invoice)
        if not 0 <= position < len(draft.lines):
            raise InvalidInvoiceError(f"{draft.number} has no line {position}")
        lines = list(draft.lines)
        old = lines[position]
        lines[position] = self._line({"description": old.description, "kind": old.kind, "tax_rate": old.tax_rate,
                                      "quantity": old.quantity if quantity is None else quantity,
                                      "unit_price": old.unit_price if unit_price is None else unit_price})
        self.store.replace_lines(draft.number, tuple(lines))
        return self.invoice(draft.number)

    def delete_line(self, invoice: InvoiceRef, position: int) -> Invoice:
        draft = self._draft(invoice)
        if not 0 <= position < len(draft.lines):
            raise InvalidInvoiceError(f"{draft.number} has no line {position}")
        self.store.replace_lines(draft.number, draft.lines[:position] + draft.lines[position + 1:])
        return self.invoice(draft.number)

    def delete_invoice(self, invoice: InvoiceRef) -> None:
        draft = self._draft(invoice)
        if draft.qbo_id is not None:
            raise InvalidInvoiceError(f"{draft.number} exists in QuickBooks: void it instead of deleting it")
        self.store.delete_invoice(draft.number)

    def finalize(self, invoice: InvoiceRef) -> StatusCard | None:
        """Finalize a draft; finalizing syncs it (even with no lines — QuickBooks then answers 2020)."""
        draft = self._draft(invoice)
        totals = draft.totals(self.store.tax_rates())
        with self.store.transaction():
            self.store.update_document("invoices", draft.number, status=InvoiceStatus.FINALIZED,
                                       subtotal=totals.subtotal, discount_total=totals.discount, tax_total=totals.tax,
                                       total=totals.total)
            if draft.finalized_at is None:  # the first finalization is what "historical" is measured by
                self.store.update_document("invoices", draft.number, finalized_at=self.clock())
        return self.engine.sync_invoice(draft.number, trigger="finalize")

    def revert_to_draft(self, invoice: InvoiceRef) -> Invoice:
        found = self.invoice(invoice)
        if found.status != InvoiceStatus.FINALIZED:
            raise InvalidInvoiceError(f"only a finalized invoice can be reverted to Draft ({found.number} is "
                                      f"{found.status})")
        if self.store.payments(found.number):
            raise InvalidInvoiceError(f"{found.number} has payments applied; it cannot go back to Draft")
        self.store.update_document("invoices", found.number, status=InvoiceStatus.DRAFT)
        return self.invoice(found.number)

    def void(self, invoice: InvoiceRef) -> StatusCard | None:
        """Void a finalized invoice: QuickBooks gets the void and the card goes away."""
        found = self.invoice(invoice)
        if found.status != InvoiceStatus.FINALIZED:
            raise InvalidInvoiceError(f"only a finalized invoice can be voided ({found.number} is {found.status}; "
                                      "delete drafts instead)")
        self.store.update_document("invoices", found.number, status=InvoiceStatus.VOIDED)
        self.engine.sync_invoice(found.number, trigger="void")
        return self.status_card(found.number)

    def totals(self, invoice: InvoiceRef) -> Totals:
        return self.invoice(invoice).totals(self.store.tax_rates())

    def balance(self, invoice: InvoiceRef) -> Decimal:
        found = self.invoice(invoice)
        if found.status == InvoiceStatus.VOIDED:
            return Decimal("0.00")
        return cents(found.totals(self.store.tax_rates()).total - found.paid)

    def apply_payment(self, invoice: InvoiceRef, amount: Any, *, paid_on: Any = None) -> StatusCard | None:
        """Record a payment in Caspen; it syncs (QuickBooks Payment linked to the invoice)."""
        found = self.invoice(invoice)
        value = cents(to_decimal(amount, "payment amount"))
        if found.status != InvoiceStatus.FINALIZED:
            raise InvalidInvoiceError(f"payments apply to finalized invoices ({found.number} is {found.status})")
        if value <= 0:
            raise InvalidInvoiceError(f"payment amount must be positive, not {value}")
        if value > self.balance(found):
            raise InvalidInvoiceError(f"payment {value} is more than the balance {self.balance(found)} of "
                                      f"{found.number}")
        when = to_date(paid_on, "payment date") or self.clock().date()
        self.store.add_payment(found.number, value, when, source="caspen", now=self.clock())
        return self.engine.sync_invoice(found.number, trigger="payment")

    def status_card(self, document: InvoiceRef | CreditNote) -> StatusCard | None:
        """The card on the invoice page; ``None`` = no card (drafts, voided, never synced)."""
        number = document.number if isinstance(document, (Invoice, CreditNote)) else document
        return self.engine.card(number)

    def failures(self, document: InvoiceRef | CreditNote) -> list[dict[str, Any]]:
        """Every sync attempt on record (what support asks for)."""
        number = document.number if isinstance(document, (Invoice, CreditNote)) else document
        return [dict(row) for row in self.store.attempts(number)]

    def retry(self, document: InvoiceRef | CreditNote) -> StatusCard | None:
        """The card's Retry button. Refused when the card does not offer it."""
        number = document.number if isinstance(document, (Invoice, CreditNote)) else document
        card = self.engine.card(number)
        if card is not None and card.state == "failed" and not card.retry_available:
            raise RetryNotOfferedError(f"{card.title}: Retry is not offered. {card.fix or ''}".strip())
        if self.store.credit_note(number) is not None:
            return self.engine.sync_credit_note(number)
        return self.engine.sync_invoice(self.invoice(number).number, trigger="retry")

    def recreate_invoice(self, invoice: InvoiceRef) -> Invoice:
        """The historical-invoice fix: a new invoice (new number) with the same content, finalized and synced."""
        old = self.invoice(invoice)
        new = self.create_invoice(old.client_id, lines=old.lines, discount=old.discount, tax_mode=old.tax_mode,
                                  due_date=old.due_date if old.due_date and old.due_date >= self.clock().date()
                                  else None)
        self.store.update_document("invoices", new.number, recreated_from=old.number)
        self.finalize(new)
        return self.invoice(new.number)

    # -- credit notes, payments from QuickBooks, bulk, recovery ---------------------------------
    def credit_note(self, number: str) -> CreditNote:
        found = self.store.credit_note(number)
        if found is None:
            raise InvalidInvoiceError(f"no credit note {number!r}")
        return found

    def issue_credit_note(self, client: Client | str, *, lines: Iterable[LineSpec], invoice: InvoiceRef | None = None,
                          tax_mode: str = TaxMode.EXCLUSIVE, discount: Any = None, issue_date: Any = None) -> CreditNote:
        """A credit note (CN…), synced to QuickBooks as a CreditMemo."""
        client_id = client.id if isinstance(client, Client) else client
        if self.store.client(client_id) is None:
            raise InvalidInvoiceError(f"unknown client {client_id!r}")
        if tax_mode not in TaxMode.ALL:
            raise InvalidInvoiceError(f"tax mode must be one of {', '.join(TaxMode.ALL)}, not {tax_mode!r}")
        built = tuple(self._line(spec) for spec in lines)
        if not built:
            raise InvalidInvoiceError("a credit note needs at least one line")
        against = self.invoice(invoice).number if invoice is not None else None
        created = self.clock()
        number = self.numbering.format("credit_note", self.store.next_sequence("credit_note"))
        note = CreditNote(number=number, client_id=client_id, created_at=created, lines=built, tax_mode=tax_mode,
                          discount=Discount.build(discount),
                          issue_date=to_date(issue_date, "issue date") or created.date(), invoice_number=against)
        self.store.insert_credit_note(note)
        self.engine.sync_credit_note(number)
        return self.store.credit_note(number)  # type: ignore[return-value]

    def import_quickbooks_payments(self) -> ImportReport:
        now = self.clock()
        return self.engine.refs.import_payments(self.engine.client(), today=now.date(), now=now)

    def push_all(self, invoices: Iterable[InvoiceRef] | None = None, *, progress: Progress | None = None) -> BulkReport:
        numbers = None if invoices is None else [self.invoice(i).number for i in invoices]
        return push_all(self.engine, numbers, progress=progress)

    def resume(self) -> int:
        """After a crash: re-send pending QuickBooks writes with their persisted requestid."""
        if self.connection.realm_id is None:
            return 0
        return self.engine.resume_pending()

    def integrity_check(self) -> list[str]:
        return self.store.integrity_check()
