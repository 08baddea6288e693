"""The reference driver: Caspen's reference integration (:mod:`sync_client`) in-process — the gate's default.

Each scenario gets a fresh :class:`~sync_client.CaspenAccount` with an in-memory store, its own clock
(moved by ``advance_clock`` together with the simulator's) and quick retries (no real sleeping: the
simulator's fault plan decides what fails, the backoff only spaces attempts). This module only
translates between the protocol's values and the facade's; everything Caspen does is in ``sync_client``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from drivers import model
from drivers.protocol import CAPABILITIES, DriverError
from sync_client import CaspenAccount, CreditNote, Invoice, RetryPolicy, SyncConfig, SyncError
from simulator.testing import session_for
from sync_client import StatusCard as CaspenCard

__all__ = ["ReferenceDriver", "ScenarioClock"]

T = TypeVar("T")


class ScenarioClock:
    """Caspen's clock for one scenario: the real time, plus however far the scenario moved it on."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


def _caspen(function: Callable[..., T]) -> Callable[..., T]:
    """Caspen refusing an action (its :class:`~sync_client.SyncError`) becomes a ``refused`` DriverError."""

    @functools.wraps(function)
    def call(self: ReferenceDriver, *args: Any, **kwargs: Any) -> T:
        try:
            return function(self, *args, **kwargs)
        except SyncError as error:
            raise DriverError(self.name, function.__name__, str(error), kind="refused") from error

    return call


class ReferenceDriver:
    """``CaspenDriver`` over :class:`sync_client.CaspenAccount`, one account per scenario."""

    name = "reference"
    capabilities = frozenset(CAPABILITIES)

    def __init__(self, *, retry: RetryPolicy | None = None, read_timeout: float = 10.0) -> None:
        self.retry_policy = retry or RetryPolicy(max_attempts=3, backoff_base=0.001, backoff_cap=0.01)
        self.read_timeout = read_timeout
        self.quickbooks: model.QuickBooksSite | None = None
        self.account: CaspenAccount | None = None
        self.company: model.Company | None = None
        self.clock = ScenarioClock()

    # -- the run and the scenario ------------------------------------------------------------------------
    def start(self, quickbooks: model.QuickBooksSite) -> None:
        self.quickbooks = quickbooks

    def open_account(self, company: model.Company) -> None:
        if self.quickbooks is None:
            raise DriverError(self.name, "open_account", "start() was not called: where is QuickBooks?")
        self.close_account()
        site = self.quickbooks
        config = SyncConfig(api_base_url=site.api_base_url, discovery_url=site.discovery_url,
                            client_id=site.client_id, client_secret=site.client_secret,
                            redirect_uri=site.redirect_uri, read_timeout=self.read_timeout, retry=self.retry_policy)
        self.clock = ScenarioClock()
        self.company = company
        self.account = CaspenAccount.open(":memory:", config=config, region=company.country, clock=self.clock,
                                          sleep=lambda seconds: None, session=session_for(site.api_base_url))

    def close_account(self) -> None:
        if self.account is not None:
            self.account.close()
        self.account = None

    def stop(self) -> None:
        self.close_account()

    @property
    def caspen(self) -> CaspenAccount:
        if self.account is None or self.company is None:
            raise DriverError(self.name, "(any)", "no Caspen account is open: open_account() first")
        return self.account

    # -- Settings → Integrations → QuickBooks ----------------------------------------------------------
    @_caspen
    def connect(self) -> None:
        assert self.company is not None
        self.caspen.connect_for_tests(self.company.realm_id)

    @_caspen
    def disconnect(self) -> None:
        self.caspen.disconnect()

    def connection_state(self) -> str:
        return self.caspen.connection_state

    def advance_clock(self, seconds: float) -> None:
        self.clock.advance(seconds)

    # -- settings ----------------------------------------------------------------------------------------
    @_caspen
    def add_client(self, full_name: str, client_id: str | None = None) -> model.Client:
        client = self.caspen.add_client(full_name, client_id=client_id)
        return model.Client(id=client.id, full_name=client.full_name)

    @_caspen
    def add_tax_rate(self, name: str, percent: Decimal) -> model.TaxRate:
        return _rate(self.caspen.add_tax_rate(name, percent))

    def tax_rates(self) -> list[model.TaxRate]:
        return [_rate(rate) for rate in self.caspen.tax_rates().values()]

    @_caspen
    def quickbooks_tax_codes(self) -> list[model.TaxCode]:
        return [model.TaxCode(id=code.id, name=code.name, description=code.description, active=code.active,
                              percent=code.percent) for code in self.caspen.quickbooks_tax_codes()]

    @_caspen
    def link_tax_rate(self, rate: str, tax_code_id: str | None) -> model.TaxRate:
        return _rate(self.caspen.link_tax_rate(rate, tax_code_id))

    def default_items(self) -> model.DefaultItems:
        config = self.caspen.config
        return model.DefaultItems(service=config.service_item_name, product=config.product_item_name)

    @_caspen
    def set_next_number(self, kind: str, number: str) -> None:
        self.caspen.set_next_number(kind, number)

    # -- drafts ----------------------------------------------------------------------------------------------
    @_caspen
    def create_draft(self, client_id: str, lines: list[model.LineSpec], tax_mode: str = "exclusive",
                     discount: model.Discount | None = None) -> model.Document:
        invoice = self.caspen.create_invoice(client_id, lines=[_line_spec(line) for line in lines], tax_mode=tax_mode,
                                             discount=_discount_spec(discount))
        return self._document(invoice)

    @_caspen
    def document(self, number: str) -> model.Document:
        if self.caspen.store.credit_note(number) is not None:
            return self._document(self.caspen.credit_note(number))
        return self._document(self.caspen.invoice(number))

    @_caspen
    def add_line(self, number: str, line: model.LineSpec) -> model.Document:
        return self._document(self.caspen.add_line(number, **_line_spec(line)))

    @_caspen
    def edit_line(self, number: str, position: int, quantity: Decimal | None = None,
                  unit_price: Decimal | None = None) -> model.Document:
        return self._document(self.caspen.edit_line(number, position, quantity=quantity, unit_price=unit_price))

    @_caspen
    def set_line_tax_rate(self, number: str, tax_rate: str | None, position: int | None = None) -> model.Document:
        return self._document(self.caspen.set_line_tax_rate(number, tax_rate, position=position))

    @_caspen
    def delete_line(self, number: str, position: int) -> model.Document:
        return self._document(self.caspen.delete_line(number, position))

    @_caspen
    def set_discount(self, number: str, discount: model.Discount | None) -> model.Document:
        return self._document(self.caspen.set_discount(number, _discount_spec(discount)))

    # -- the document's life --------------------------------------------------------------------------------
    @_caspen
    def finalize(self, number: str) -> model.StatusCard | None:
        return _card(self.caspen.finalize(number))

    @_caspen
    def revert_to_draft(self, number: str) -> model.Document:
        return self._document(self.caspen.revert_to_draft(number))

    @_caspen
    def delete_draft(self, number: str) -> None:
        self.caspen.delete_invoice(number)

    @_caspen
    def void(self, number: str) -> model.StatusCard | None:
        return _card(self.caspen.void(number))

    @_caspen
    def recreate(self, number: str) -> model.Document:
        return self._document(self.caspen.recreate_invoice(number))

    @_caspen
    def retry(self, number: str) -> model.StatusCard | None:
        return _card(self.caspen.retry(number))

    @_caspen
    def issue_credit_note(self, client_id: str, lines: list[model.LineSpec],
                          invoice_number: str | None = None) -> model.Document:
        note = self.caspen.issue_credit_note(client_id, lines=[_line_spec(line) for line in lines],
                                             invoice=invoice_number)
        return self._document(note)

    @_caspen
    def apply_payment(self, number: str, amount: Decimal) -> model.StatusCard | None:
        return _card(self.caspen.apply_payment(number, amount))

    @_caspen
    def import_quickbooks_payments(self) -> model.PaymentImport:
        report = self.caspen.import_quickbooks_payments()
        return model.PaymentImport(
            imported=tuple(model.ImportedPayment(quickbooks_payment_id=str(pid), invoice_number=number, amount=amount)
                           for pid, number, amount in report.imported),
            skipped_split=tuple(str(pid) for pid in report.skipped_split))

    # -- what Caspen shows ------------------------------------------------------------------------------------
    @_caspen
    def status_card(self, number: str) -> model.StatusCard | None:
        return _card(self.caspen.status_card(number))

    @_caspen
    def failure_record(self, number: str) -> list[model.SyncAttempt]:
        return [model.SyncAttempt(document_number=row["document_number"], operation=row["operation"],
                                  outcome=row["outcome"], attempted_at=datetime.fromisoformat(row["attempted_at"]),
                                  title=row["title"], message=row["message"], detail=row["detail"], code=row["code"],
                                  intuit_tid=row["intuit_tid"])
                for row in self.caspen.failures(number)]

    @_caspen
    def totals(self, number: str) -> model.Totals:
        if self.caspen.store.credit_note(number) is not None:
            note = self.caspen.credit_note(number)
            found = note.totals(self.caspen.tax_rates())
        else:
            found = self.caspen.totals(number)
        return model.Totals(subtotal=found.subtotal, discount=found.discount, tax=found.tax, total=found.total)

    @_caspen
    def balance(self, number: str) -> Decimal:
        return self.caspen.balance(number)

    # -- translation -----------------------------------------------------------------------------------------
    def _document(self, document: Invoice | CreditNote) -> model.Document:
        if isinstance(document, CreditNote):
            kind, status = "credit_note", "finalized"
        else:
            row = self.caspen.store.invoice_row(document.number)
            kind, status = (row["kind"] if row is not None else "invoice"), document.status
        discount = (model.Discount(kind=document.discount.kind, value=document.discount.value)
                    if document.discount else None)
        return model.Document(number=document.number, kind=kind, status=status, client_id=document.client_id,
                              tax_mode=document.tax_mode, discount=discount,
                              lines=tuple(model.LineSpec(description=line.description, quantity=line.quantity,
                                                         unit_price=line.unit_price, kind=line.kind,
                                                         tax_rate=line.tax_rate) for line in document.lines))


def _rate(rate: Any) -> model.TaxRate:
    return model.TaxRate(name=rate.name, percent=rate.percent, quickbooks_tax_code_id=rate.qbo_tax_code_id)


def _line_spec(line: model.LineSpec) -> dict[str, Any]:
    return {"description": line.description, "quantity": line.quantity, "unit_price": line.unit_price,
            "kind": line.kind, "tax_rate": line.tax_rate}


def _discount_spec(discount: model.Discount | None) -> dict[str, Decimal] | None:
    return None if discount is None else {discount.kind: discount.value}


def _card(card: CaspenCard | None) -> model.StatusCard | None:
    if card is None:
        return None
    failed = card.state == "failed"
    return model.StatusCard(document_number=card.document_number, state=card.state, title=card.title,
                            retry_available=card.retry_available, message=card.message, detail=card.detail,
                            code=card.code, intuit_tid=card.intuit_tid, attempted_at=card.attempted_at,
                            error_text=card.error_text, support_details=card.support_details() if failed else None,
                            warning=card.warning)
