"""Caspen's vocabulary, with no I/O: clients, tax rates, invoices, lines, payments, credit notes.

Money is :class:`~decimal.Decimal`, rounded half-up to cents. Totals follow the same rules
QuickBooks applies (so the two can be compared to the cent, and a difference means something):

* a line's net is ``qty × price`` (tax exclusive), or, tax inclusive, ``gross / (1 + rate)`` where
  ``gross = qty × price`` — each rounded to cents;
* the discount (fixed, or a percentage of the net subtotal) comes off before tax;
* tax is computed per tax rate on the summed nets of that rate, scaled by the discount;
* total = subtotal − discount + tax.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sync_client.errors import InvalidInvoiceError

__all__ = [
    "Client", "CreditNote", "Discount", "Document", "Invoice", "Line", "Payment", "TaxRate", "Totals",
    "InvoiceStatus", "LineKind", "TaxMode", "NumberingScheme", "cents", "compute_totals", "to_decimal",
    "to_date", "customer_display_name",
]

CENT = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)


class InvoiceStatus:
    DRAFT = "draft"
    FINALIZED = "finalized"
    VOIDED = "voided"


class LineKind:
    SERVICE = "service"
    PRODUCT = "product"
    ALL = ("service", "product")


class TaxMode:
    EXCLUSIVE = "exclusive"
    INCLUSIVE = "inclusive"
    NONE = "none"
    ALL = ("exclusive", "inclusive", "none")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def to_decimal(value: Any, what: str) -> Decimal:
    """A user-supplied amount as Decimal; floats go through ``str`` so 0.1 stays 0.1."""
    if isinstance(value, bool):
        raise InvalidInvoiceError(f"{what} must be a number, not {value!r}")
    try:
        result = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise InvalidInvoiceError(f"{what} must be a number, not {value!r}") from None
    if not result.is_finite():
        raise InvalidInvoiceError(f"{what} must be a finite number, not {value!r}")
    return result


def to_date(value: Any, what: str) -> date | None:
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidInvoiceError(f"{what} must be a date (YYYY-MM-DD), not {value!r}")


@dataclass(frozen=True)
class Client:
    id: str
    full_name: str
    email: str | None = None
    address: str | None = None


def customer_display_name(client: Client) -> str:
    """``Full name (Caspen #####)``: ##### = the last five digits of the client id, zero-padded.

    QuickBooks refuses ``:`` in a DisplayName (it separates parent:job), so a colon becomes ``-``.
    """
    digits = "".join(ch for ch in client.id if ch.isdigit())
    return f"{client.full_name.strip().replace(':', '-')} (Caspen {digits[-5:].zfill(5)})"


@dataclass(frozen=True)
class TaxRate:
    name: str
    percent: Decimal
    qbo_tax_code_id: str | None = None

    @property
    def linked(self) -> bool:
        return self.qbo_tax_code_id is not None


@dataclass(frozen=True)
class Line:
    description: str
    quantity: Decimal
    unit_price: Decimal
    kind: str = LineKind.SERVICE
    tax_rate: str | None = None  # a TaxRate name
    id: int | None = None

    @classmethod
    def build(cls, *, description: str, quantity: Any, unit_price: Any, kind: str = LineKind.SERVICE,
              tax_rate: str | None = None, known_rates: Iterable[str] = (), id: int | None = None) -> Line:
        """Validated construction: Caspen refuses what it would never send to QuickBooks."""
        qty = to_decimal(quantity, "quantity")
        price = to_decimal(unit_price, "unit price")
        if qty < 0:
            raise InvalidInvoiceError(f"quantity must not be negative (line {description!r} has {qty})")
        if price < 0:
            raise InvalidInvoiceError(f"unit price must not be negative (line {description!r} has {price})")
        if kind not in LineKind.ALL:
            raise InvalidInvoiceError(f"line kind must be one of {', '.join(LineKind.ALL)}, not {kind!r}")
        if not isinstance(description, str):
            raise InvalidInvoiceError(f"line description must be text, not {description!r}")
        if tax_rate is not None and tax_rate not in set(known_rates):
            raise InvalidInvoiceError(f"unknown tax rate {tax_rate!r}: add it under Settings → Taxes first")
        return cls(description=description, quantity=qty, unit_price=price, kind=kind, tax_rate=tax_rate, id=id)

    @property
    def amount(self) -> Decimal:
        """qty × price in cents: the net (exclusive) or the gross (inclusive)."""
        return cents(self.quantity * self.unit_price)


@dataclass(frozen=True)
class Discount:
    kind: str  # "percent" | "fixed"
    value: Decimal

    @classmethod
    def build(cls, value: Any) -> Discount | None:
        """``None``, a :class:`Discount`, ``"10%"``, ``{"percent": 10}`` or ``{"fixed": "5.00"}``."""
        if value is None or isinstance(value, Discount):
            return value
        if isinstance(value, str) and value.strip().endswith("%"):
            return cls._make("percent", value.strip()[:-1])
        if isinstance(value, dict) and len(value) == 1:
            (kind, amount), = value.items()
            if kind in ("percent", "fixed"):
                return cls._make(kind, amount)
        raise InvalidInvoiceError(f"discount must be like '10%', {{'percent': 10}} or {{'fixed': '5.00'}}, "
                                  f"not {value!r}")

    @classmethod
    def _make(cls, kind: str, amount: Any) -> Discount:
        number = to_decimal(amount, f"{kind} discount")
        if number < 0 or kind == "percent" and number > 100:
            raise InvalidInvoiceError(f"{kind} discount must be between 0 and {'100' if kind == 'percent' else '∞'}, "
                                      f"not {number}")
        return cls(kind, number)


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    discount: Decimal
    tax: Decimal
    total: Decimal
    #: per tax bucket (linked QuickBooks code id, or the rate name when unlinked) → tax
    tax_by_rate: dict[str, Decimal] = field(default_factory=dict)
    #: per line: (net, gross or None)
    line_nets: tuple[Decimal, ...] = ()


def compute_totals(lines: Iterable[Line], rates: dict[str, TaxRate], *, tax_mode: str,
                   discount: Discount | None) -> Totals:
    nets: list[Decimal] = []
    buckets: dict[str, tuple[Decimal, Decimal]] = {}  # bucket -> (percent, base)
    for line in lines:
        rate = rates.get(line.tax_rate) if line.tax_rate else None
        percent = rate.percent if rate is not None and tax_mode != TaxMode.NONE else ZERO
        if tax_mode == TaxMode.INCLUSIVE:
            net = cents(line.amount / (1 + percent / HUNDRED))
        else:
            net = line.amount
        nets.append(net)
        if rate is not None and tax_mode != TaxMode.NONE:
            bucket = rate.qbo_tax_code_id or f"name:{rate.name}"
            _, base = buckets.get(bucket, (percent, ZERO))
            buckets[bucket] = (percent, base + net)
    subtotal = sum(nets, ZERO)
    off = ZERO
    if discount is not None:
        off = cents(subtotal * discount.value / HUNDRED) if discount.kind == "percent" else cents(discount.value)
    factor = (subtotal - off) / subtotal if subtotal else Decimal(1)
    tax_by_rate = {bucket: cents(cents(base * factor) * percent / HUNDRED) for bucket, (percent, base) in buckets.items()}
    tax = sum(tax_by_rate.values(), ZERO)
    return Totals(subtotal=subtotal, discount=off, tax=tax, total=subtotal - off + tax, tax_by_rate=tax_by_rate,
                  line_nets=tuple(nets))


@dataclass(frozen=True)
class Document:
    """What invoices and credit notes share."""

    number: str
    client_id: str
    created_at: datetime
    lines: tuple[Line, ...] = ()
    tax_mode: str = TaxMode.EXCLUSIVE
    discount: Discount | None = None
    issue_date: date | None = None

    def totals(self, rates: dict[str, TaxRate]) -> Totals:
        return compute_totals(self.lines, rates, tax_mode=self.tax_mode, discount=self.discount)


@dataclass(frozen=True)
class Invoice(Document):
    status: str = InvoiceStatus.DRAFT
    due_date: date | None = None
    finalized_at: datetime | None = None
    paid: Decimal = ZERO
    qbo_id: str | None = None
    qbo_sync_token: str | None = None
    qbo_total: Decimal | None = None
    total_mismatch: str | None = None

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT


@dataclass(frozen=True)
class CreditNote(Document):
    invoice_number: str | None = None
    qbo_id: str | None = None
    qbo_total: Decimal | None = None


@dataclass(frozen=True)
class Payment:
    id: int
    invoice_number: str
    amount: Decimal
    paid_on: date
    source: str  # "caspen" | "quickbooks"
    qbo_payment_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class NumberingScheme:
    """Caspen's document numbers: ``INV0001``, ``CN0001``, ``ADJ0001`` (format strings)."""

    invoice: str = "INV{sequence:04d}"
    credit_note: str = "CN{sequence:04d}"
    adjustment: str = "ADJ{sequence:04d}"

    def format(self, kind: str, sequence: int) -> str:
        template = {"invoice": self.invoice, "credit_note": self.credit_note, "adjustment": self.adjustment}[kind]
        number = template.format(sequence=sequence)
        if not number or len(number) > 21:  # QuickBooks' DocNumber limit
            raise InvalidInvoiceError(f"document number {number!r} must be 1–21 characters (QuickBooks' limit)")
        return number
