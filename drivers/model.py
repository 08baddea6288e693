"""The values the driver protocol passes: plain, frozen dataclasses in Caspen's vocabulary.

Every field is a string, a number, a boolean, ``None``, a :class:`~decimal.Decimal` (money, quantities,
percentages; on the wire a decimal string such as ``"104.50"``), a timezone-aware
:class:`~datetime.datetime` (on the wire ISO 8601), a tuple of these, or another value below, so each
value has one JSON form (:mod:`drivers.codec`) and one JSON Schema (the OpenAPI document).

Documents are referred to by their Caspen number (``INV0042``, ``CN0007``): that is what a Caspen user
sees and types, so any integration, whatever its internal ids, can answer to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

__all__ = [
    "QuickBooksSite", "Company", "Client", "TaxRate", "TaxCode", "LineSpec", "Discount", "Document", "Totals",
    "StatusCard", "SyncAttempt", "ImportedPayment", "PaymentImport", "DefaultItems", "DriverInfo",
]


@dataclass(frozen=True)
class QuickBooksSite:
    """Where QuickBooks is, told to the driver once at the start of a run (the simulator's addresses).

    ``api_base_url`` ends in ``/v3`` (python-quickbooks' ``api_url_v3``); ``discovery_url`` is the
    OpenID discovery document naming the authorize, token, revoke and userinfo endpoints. The OAuth
    client is the simulator's demo client, never a real secret.
    """

    api_base_url: str
    discovery_url: str
    client_id: str
    client_secret: str
    redirect_uri: str


@dataclass(frozen=True)
class Company:
    """The QuickBooks company one scenario uses: its realm id and country (``AU``, ``GB``, ``CA``, ``US``).

    The driver opens a fresh Caspen account for it, not yet connected; the consent page approves exactly
    this realm when the account connects.
    """

    realm_id: str
    country: str


@dataclass(frozen=True)
class Client:
    """A Caspen client. QuickBooks knows them as "Full name (Caspen #####)"."""

    id: str
    full_name: str


@dataclass(frozen=True)
class TaxRate:
    """Settings → Taxes: a Caspen tax rate (percent, e.g. ``10``) and the QuickBooks tax code it is linked to."""

    name: str
    percent: Decimal
    quickbooks_tax_code_id: str | None = None


@dataclass(frozen=True)
class TaxCode:
    """One QuickBooks tax code offered by Settings → Taxes → Sync with QuickBooks (``percent`` None: purchase only)."""

    id: str
    name: str
    description: str
    active: bool
    percent: Decimal | None = None


@dataclass(frozen=True)
class LineSpec:
    """A document line: ``kind`` is ``service`` or ``product``; ``tax_rate`` a Caspen tax rate name or None."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    kind: str = "service"
    tax_rate: str | None = None


@dataclass(frozen=True)
class Discount:
    """A document discount: ``kind`` ``percent`` (value 10 = 10 %) or ``fixed`` (value in dollars)."""

    kind: str
    value: Decimal


@dataclass(frozen=True)
class Document:
    """An invoice or credit note as Caspen shows it.

    ``kind``: ``invoice``, ``adjustment`` or ``credit_note``; ``status``: ``draft``, ``finalized`` or
    ``voided`` (credit notes are issued, hence ``finalized``); ``tax_mode``: ``exclusive``, ``inclusive``
    or ``none``.
    """

    number: str
    kind: str
    status: str
    client_id: str
    tax_mode: str = "exclusive"
    lines: tuple[LineSpec, ...] = ()
    discount: Discount | None = None


@dataclass(frozen=True)
class Totals:
    """Caspen's totals of a document, in dollars: total = subtotal − discount + tax."""

    subtotal: Decimal
    discount: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True)
class StatusCard:
    """The QuickBooks status card on a document's page.

    ``state`` is ``synced`` or ``failed``; ``title`` the verbatim card title (``Synced``, ``Duplicate
    document number``, or QuickBooks' exact Message for unlisted errors). For a failure, ``message`` and
    ``detail`` are QuickBooks' exact texts, ``code`` its error code (``6140``, ``invalid_grant``),
    ``intuit_tid`` the request id support asks for, ``attempted_at`` the time of the attempt,
    ``error_text`` what the card shows and ``support_details`` the text support needs, ready to paste.
    """

    document_number: str
    state: str
    title: str
    retry_available: bool = False
    message: str | None = None
    detail: str | None = None
    code: str | None = None
    intuit_tid: str | None = None
    attempted_at: datetime | None = None
    error_text: str | None = None
    support_details: str | None = None
    warning: str | None = None


@dataclass(frozen=True)
class SyncAttempt:
    """One entry of a document's failure record: every sync attempt, successful or not.

    ``operation``: ``create``, ``update``, ``void``, ``payment``...; ``outcome``: ``synced`` or ``failed``.
    """

    document_number: str
    operation: str
    outcome: str
    attempted_at: datetime
    title: str | None = None
    message: str | None = None
    detail: str | None = None
    code: str | None = None
    intuit_tid: str | None = None


@dataclass(frozen=True)
class ImportedPayment:
    quickbooks_payment_id: str
    invoice_number: str
    amount: Decimal


@dataclass(frozen=True)
class PaymentImport:
    """What importing QuickBooks payments did: payments brought in, split payments left out (their Ids)."""

    imported: tuple[ImportedPayment, ...] = ()
    skipped_split: tuple[str, ...] = ()


@dataclass(frozen=True)
class DefaultItems:
    """The QuickBooks items Caspen posts service and product lines to."""

    service: str
    product: str


@dataclass(frozen=True)
class DriverInfo:
    """The handshake: who the driver is, which protocol version it speaks, what it can do.

    ``operations`` lists the operations it implements (an HTTP driver may leave some out; calling one
    then fails the scenario naming it); ``capabilities`` the optional abilities scenarios can need.
    """

    name: str
    protocol_version: str
    capabilities: tuple[str, ...] = ()
    operations: tuple[str, ...] = ()
