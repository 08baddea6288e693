"""The driver protocol: the one seam between the scenarios and Caspen's QuickBooks integration.

::

    scenarios (features/ + steps/) ──► CaspenDriver ◄── ReferenceDriver   (sync_client, in-process, default)
                                                    ◄── HttpDriver        (any language, JSON over HTTP)
                                                    ◄── your own class    (--driver package.module:Class)

Steps call only these operations (plus the simulator's control handle for the QuickBooks side). Every
operation is named in Caspen's vocabulary and passes the plain values of :mod:`drivers.model`, so the
same list is the Python protocol, the HTTP protocol (one route per operation, ``drivers/openapi``) and
the documentation (docs/driver-guide.md).

Life of a run: ``start(QuickBooksSite)`` once; per scenario ``open_account(Company)`` (a fresh Caspen
account, not yet connected), the scenario's operations, ``close_account()``; ``stop()`` at the end.

A driver declares :attr:`~CaspenDriver.capabilities` (names from :data:`CAPABILITIES`); a scenario tagged
``@needs:<capability>`` is *not applicable* to a driver without it. An operation that cannot be done
raises :class:`DriverError` naming the driver, the operation and what it said.
"""

from __future__ import annotations

import inspect
import typing
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from drivers.model import (
    Client,
    Company,
    DefaultItems,
    Discount,
    Document,
    LineSpec,
    PaymentImport,
    QuickBooksSite,
    StatusCard,
    SyncAttempt,
    TaxCode,
    TaxRate,
    Totals,
)

__all__ = ["CaspenDriver", "DriverError", "Operation", "OPERATIONS", "LIFECYCLE", "CAPABILITIES",
           "PROTOCOL_VERSION", "NEEDS"]

#: the protocol version (major.minor): a driver must speak the same major version; minor additions are
#: new optional operations, which an older driver simply lacks
PROTOCOL_VERSION = "1.0"

#: what a driver may be able to do beyond the core operations → what it means
CAPABILITIES: dict[str, str] = {
    "clock": "Caspen's clock can be moved forward together with QuickBooks' (token expiry, idle refresh tokens); "
             "operation advance_clock",
    "historical": "a Caspen account can finalize invoices before it is connected to QuickBooks "
                  "(the article's historical invoices)",
    "credit_notes": "credit notes can be issued; operation issue_credit_note",
    "import_payments": "payments recorded in QuickBooks can be imported; operation import_quickbooks_payments",
}

#: operations that exist only with a capability
NEEDS: dict[str, str] = {"advance_clock": "clock", "issue_credit_note": "credit_notes",
                         "import_quickbooks_payments": "import_payments"}

#: the run and scenario lifecycle (on the HTTP protocol these are their own routes)
LIFECYCLE = ("start", "open_account", "close_account", "stop")


class DriverError(Exception):
    """An operation could not be done. ``kind``:

    * ``refused`` — Caspen itself refused it, as a user would see (e.g. voiding a draft);
    * ``unsupported`` — the driver does not implement the operation;
    * ``unreachable`` — the driver did not answer (HTTP: connection refused, timeout);
    * ``protocol`` — the driver answered something that is not the protocol (wrong version, bad JSON);
    * ``failed`` — anything else the driver reported.
    """

    def __init__(self, driver: str, operation: str, message: str, *, kind: str = "failed") -> None:
        self.driver = driver
        self.operation = operation
        self.message = message
        self.kind = kind
        super().__init__(f'driver {driver}: operation "{operation}" {_VERBS.get(kind, "failed")}: {message}')


_VERBS = {"refused": "was refused by Caspen", "unsupported": "is not implemented", "unreachable": "got no answer",
          "protocol": "broke the protocol", "failed": "failed"}


@runtime_checkable
class CaspenDriver(Protocol):
    """Everything the scenarios ask of Caspen. Amounts are :class:`~decimal.Decimal` dollars, percentages
    Decimal percent (10 = 10 %), documents are referred to by their Caspen number."""

    #: a short name for messages and reports ("reference", "http://127.0.0.1:8765", "caspen-web")
    name: str
    #: names from :data:`CAPABILITIES`
    capabilities: frozenset[str]

    # -- the run and the scenario ------------------------------------------------------------------------
    def start(self, quickbooks: QuickBooksSite) -> None:
        """Once per run: where QuickBooks is (API base URL, OpenID discovery URL, OAuth client)."""

    def open_account(self, company: Company) -> None:
        """A fresh Caspen account for one scenario, to be connected to ``company`` (not connected yet)."""

    def close_account(self) -> None:
        """The scenario is over: its Caspen account may be discarded."""

    def stop(self) -> None:
        """The run is over."""

    # -- Settings → Integrations → QuickBooks ----------------------------------------------------------
    def connect(self) -> None:
        """Connect to the scenario's company: the OAuth authorization-code flow; the simulator's consent page
        approves the realm of ``Company.realm_id`` (authorize with ``realmId=<realm>`` to choose it)."""

    def disconnect(self) -> None:
        """Settings → Integrations → QuickBooks → Disconnect (revokes the tokens at Intuit)."""

    def connection_state(self) -> str:
        """``connected``, ``expired`` (invalid_grant seen; no calls until reconnected) or ``disconnected``."""

    def advance_clock(self, seconds: float) -> None:
        """Capability ``clock``: Caspen's clock moves forward ``seconds`` (QuickBooks' moves with it)."""

    # -- Settings → Clients, Taxes, Invoices ----------------------------------------------------------
    def add_client(self, full_name: str, client_id: str | None = None) -> Client:
        """A new client; ``client_id`` chooses its Caspen id (its last five digits name it in QuickBooks)."""

    def add_tax_rate(self, name: str, percent: Decimal) -> TaxRate:
        """Settings → Taxes → Add: a rate not yet linked to QuickBooks."""

    def tax_rates(self) -> list[TaxRate]:
        """Settings → Taxes: every Caspen tax rate with its QuickBooks link."""

    def quickbooks_tax_codes(self) -> list[TaxCode]:
        """Settings → Taxes → Sync with QuickBooks: the company's tax codes as Caspen lists them."""

    def link_tax_rate(self, rate: str, tax_code_id: str | None) -> TaxRate:
        """Sync a Caspen rate with a QuickBooks tax code (its Id), or unlink it with ``None``."""

    def default_items(self) -> DefaultItems:
        """The QuickBooks items service and product lines post to."""

    def set_next_number(self, kind: str, number: str) -> None:
        """Settings → Invoices: the next ``kind`` (``invoice``, ``credit_note``, ``adjustment``) gets ``number``."""

    # -- drafts ----------------------------------------------------------------------------------------------
    def create_draft(self, client_id: str, lines: list[LineSpec], tax_mode: str = "exclusive",
                     discount: Discount | None = None) -> Document:
        """A new draft invoice (drafts never sync); ``tax_mode`` ``exclusive``, ``inclusive`` or ``none``."""

    def document(self, number: str) -> Document:
        """An invoice or credit note as Caspen shows it now."""

    def add_line(self, number: str, line: LineSpec) -> Document:
        """Add a line to a draft."""

    def edit_line(self, number: str, position: int, quantity: Decimal | None = None,
                  unit_price: Decimal | None = None) -> Document:
        """Change the quantity and/or unit price of a draft's line (``position`` from 0)."""

    def set_line_tax_rate(self, number: str, tax_rate: str | None, position: int | None = None) -> Document:
        """Set the tax rate of one line of a draft, or of every line when ``position`` is None."""

    def delete_line(self, number: str, position: int) -> Document:
        """Remove a draft's line (``position`` from 0)."""

    def set_discount(self, number: str, discount: Discount | None) -> Document:
        """Set (or with None remove) a draft's discount."""

    # -- the document's life --------------------------------------------------------------------------------
    def finalize(self, number: str) -> StatusCard | None:
        """Finalize a draft; finalizing syncs it. Returns the card afterwards (None: no card)."""

    def revert_to_draft(self, number: str) -> Document:
        """Revert a finalized invoice to Draft."""

    def delete_draft(self, number: str) -> None:
        """Delete a draft that never reached QuickBooks."""

    def void(self, number: str) -> StatusCard | None:
        """Void a finalized invoice; the void is sent to QuickBooks and the card goes away."""

    def recreate(self, number: str) -> Document:
        """The historical-invoice fix: a new invoice (new number) with the same content, finalized."""

    def retry(self, number: str) -> StatusCard | None:
        """The status card's Retry button (refused when the card does not offer it)."""

    def issue_credit_note(self, client_id: str, lines: list[LineSpec], invoice_number: str | None = None) -> Document:
        """Capability ``credit_notes``: issue a credit note (it syncs as a QuickBooks credit memo)."""

    def apply_payment(self, number: str, amount: Decimal) -> StatusCard | None:
        """Record a payment against a finalized invoice in Caspen (it syncs)."""

    def import_quickbooks_payments(self) -> PaymentImport:
        """Capability ``import_payments``: bring single QuickBooks payments on Caspen invoices into Caspen."""

    # -- what Caspen shows ------------------------------------------------------------------------------------
    def status_card(self, number: str) -> StatusCard | None:
        """The document's QuickBooks status card; None when there is none (drafts, voided, never synced)."""

    def failure_record(self, number: str) -> list[SyncAttempt]:
        """Every sync attempt on record for the document, oldest first (what support asks for)."""

    def totals(self, number: str) -> Totals:
        """Caspen's totals of the document."""

    def balance(self, number: str) -> Decimal:
        """What is still owed on an invoice in Caspen (0 for voided ones)."""


@dataclass(frozen=True)
class Operation:
    """One operation of the protocol, read from :class:`CaspenDriver` itself (so there is one list)."""

    name: str
    doc: str
    parameters: tuple[tuple[str, Any, Any], ...]  # (name, type, default or inspect.Parameter.empty)
    returns: Any
    capability: str | None

    def bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """Positional and keyword arguments → every parameter by name (defaults filled in)."""
        names = [name for name, _, _ in self.parameters]
        if len(args) > len(names):
            raise TypeError(f"{self.name}() takes {len(names)} arguments, {len(args)} given")
        bound = dict(zip(names, args, strict=False))
        for key, value in kwargs.items():
            if key not in names or key in bound:
                raise TypeError(f"{self.name}() got an unexpected or repeated argument {key!r}")
            bound[key] = value
        for name, _, default in self.parameters:
            if name not in bound:
                if default is inspect.Parameter.empty:
                    raise TypeError(f"{self.name}() needs the argument {name!r}")
                bound[name] = default
        return bound


def _operations() -> dict[str, Operation]:
    found = {}
    for name, function in inspect.getmembers(CaspenDriver, inspect.isfunction):
        if name.startswith("_"):
            continue
        hints = typing.get_type_hints(function)
        signature = inspect.signature(function)
        parameters = tuple((p.name, hints[p.name], p.default) for p in signature.parameters.values()
                           if p.name != "self")
        found[name] = Operation(name=name, doc=inspect.getdoc(function) or "", parameters=parameters,
                                returns=hints.get("return"), capability=NEEDS.get(name))
    order = list(CaspenDriver.__dict__)
    return dict(sorted(found.items(), key=lambda item: order.index(item[0])))


#: every operation, in the protocol's reading order (lifecycle first)
OPERATIONS: dict[str, Operation] = _operations()
