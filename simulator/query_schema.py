"""Which properties a QBO query may name, per entity, and how each one compares.

QBO only lets a query filter or sort on the properties its entity pages mark *filterable*; naming
anything else is a 4001 ``Property X not found for Entity Y``. We keep that list static for the
entities invoice sync queries (sources: Intuit entity reference "filterable" marks, mirrored in
Nytely-Official/quickbooks-api ``src/types/enums/filters.ts``; entries marked INF are our additions
for fields clients commonly filter on, e.g. Intuit's own query examples use ``TotalAmt``). Entities
without a static list fall back to "any top-level key present on a record".

Each property has a *kind* that fixes how a query value is converted and compared, so that
``TotalAmt > '300.00'`` compares numbers, ``TxnDate`` compares dates and ``MetaData.LastUpdatedTime``
compares instants across time-zone offsets. Conversion of the query side raises
:class:`ValueError` (the caller turns it into a 4001); conversion of the record side never raises —
an unreadable stored value is treated as missing.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, NamedTuple

from simulator.clock import parse_datetime
from simulator.store import get_path

__all__ = [
    "KNOWN_ENTITIES",
    "Literal",
    "NAME_LISTS",
    "Predicate",
    "Prop",
    "SCHEMAS",
    "auto_pair",
    "getter",
    "normalizer",
    "id_key",
    "is_active",
    "order_key",
    "predicate",
    "query_value",
    "record_value",
    "resolve",
    "sort_key",
]

STRING, NUMBER, DATE, DATETIME, BOOL, REF, ID, AUTO = (
    "string", "number", "date", "datetime", "bool", "ref", "id", "auto")


class Prop(NamedTuple):
    """A queryable property: the spelling QBO uses, where it lives in the record, how it compares."""

    name: str
    path: str
    kind: str


#: entities whose queries hide inactive rows unless the WHERE names ``Active`` [CAP 2026 sandbox]
NAME_LISTS = frozenset({
    "Customer", "Item", "Account", "TaxCode", "TaxRate", "Vendor", "Employee", "Term",
    "PaymentMethod", "Class", "Department", "TaxAgency",
})

#: queryable QBO entities; one the company has no store for simply has no rows. ``Check`` and
#: ``CreditCardCredit`` are deliberately absent: QBO answers them with "invalid context declaration".
KNOWN_ENTITIES = frozenset({
    "Account", "Attachable", "Bill", "BillPayment", "Budget", "Class", "CompanyCurrency", "CompanyInfo",
    "CreditCardPayment", "CreditMemo", "Customer", "CustomerType", "Department", "Deposit", "Employee",
    "Estimate", "ExchangeRate", "Invoice", "Item", "JournalCode", "JournalEntry", "Payment",
    "PaymentMethod", "Preferences", "Purchase", "PurchaseOrder", "RecurringTransaction", "RefundReceipt",
    "ReimburseCharge", "SalesReceipt", "TaxAgency", "TaxCode", "TaxPayment", "TaxRate", "Term",
    "TimeActivity", "Transfer", "Vendor", "VendorCredit",
})

_COMMON: tuple[tuple[str, str], ...] = (
    ("Id", ID), ("MetaData.CreateTime", DATETIME), ("MetaData.LastUpdatedTime", DATETIME))

_TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "Invoice": (
        ("DocNumber", STRING), ("TxnDate", DATE), ("DueDate", DATE), ("CustomerRef", REF),
        ("SalesTermRef", REF), ("ProjectRef", REF), ("Balance", NUMBER),
        ("TotalAmt", NUMBER),  # INF: used in Intuit's query examples
        ("EmailStatus", STRING), ("PrintStatus", STRING), ("CurrencyRef", REF),  # INF
    ),
    "CreditMemo": (
        ("DocNumber", STRING), ("TxnDate", DATE), ("CustomerRef", REF), ("ProjectRef", REF),
        ("Balance", NUMBER), ("TotalAmt", NUMBER), ("RemainingCredit", NUMBER),  # INF for the amounts
    ),
    "Payment": (
        ("TxnDate", DATE), ("CustomerRef", REF), ("TotalAmt", NUMBER), ("UnappliedAmt", NUMBER),
        ("PaymentRefNum", STRING), ("PaymentMethodRef", REF), ("DepositToAccountRef", REF),
        ("ProjectRef", REF), ("CurrencyRef", REF),
    ),
    "Customer": (
        ("DisplayName", STRING), ("GivenName", STRING), ("MiddleName", STRING), ("FamilyName", STRING),
        ("CompanyName", STRING), ("PrintOnCheckName", STRING), ("FullyQualifiedName", STRING),
        ("PrimaryEmailAddr", "ref:Address"), ("Active", BOOL), ("Balance", NUMBER),
        ("Job", BOOL), ("ParentRef", REF),  # INF
    ),
    "Item": (
        ("Name", STRING), ("Sku", STRING), ("Type", STRING), ("Active", BOOL),
        ("FullyQualifiedName", STRING),
        ("ParentRef", REF), ("Taxable", BOOL), ("UnitPrice", NUMBER), ("QtyOnHand", NUMBER),  # INF
    ),
    "Account": (
        ("Name", STRING), ("AcctNum", STRING), ("SubAccount", BOOL), ("ParentRef", REF),
        ("Description", STRING), ("Active", BOOL), ("Classification", STRING),
        ("FullyQualifiedName", STRING), ("AccountType", STRING), ("AccountSubType", STRING),
        ("CurrentBalance", NUMBER), ("CurrentBalanceWithSubAccounts", NUMBER), ("CurrencyRef", REF),
    ),
    "TaxCode": (
        ("Name", STRING), ("Description", STRING), ("Active", BOOL), ("Taxable", BOOL),
        ("TaxGroup", BOOL), ("Hidden", BOOL),
    ),
    "TaxRate": (
        ("Name", STRING), ("Description", STRING), ("Active", BOOL), ("RateValue", NUMBER),
        ("AgencyRef", REF), ("SpecialTaxType", STRING), ("DisplayType", STRING),
    ),
    # filterable per Intuit's Attachable reference; a link property reads the first link [INF: the
    # reference's own query filters on one link, and attachables made through the API carry one]
    "Attachable": (
        ("FileName", STRING), ("Note", STRING), ("Category", STRING), ("ContentType", STRING),
        ("PlaceName", STRING), ("Lat", STRING), ("Long", STRING), ("Tag", STRING), ("Size", NUMBER),
        ("AttachableRef[].EntityRef.Type", STRING), ("AttachableRef[].EntityRef.value", STRING),
        ("AttachableRef[].IncludeOnSend", BOOL), ("AttachableRef[].LineInfo", STRING),
    ),
    "TaxAgency": (
        ("DisplayName", STRING), ("TaxTrackedOnSales", BOOL), ("TaxTrackedOnPurchases", BOOL),
        ("TaxRegistrationNumber", STRING),
        ("Active", BOOL),  # INF: name-list rule needs it even though agencies rarely carry it
    ),
}


def _build(rows: Iterable[tuple[str, str]]) -> dict[str, Prop]:
    props: dict[str, Prop] = {}
    for spelled, kind in (*_COMMON, *rows):
        name, path = spelled.replace("[]", ""), spelled
        if "[]" in spelled:  # a property inside a list: the list's first element is read
            path = spelled.replace("[]", ".0").replace(".Type", ".type")
        if kind == REF:
            path = f"{name}.value"
        elif kind.startswith("ref:"):
            path, kind = f"{name}.{kind[4:]}", STRING
        props[name.casefold()] = Prop(name, path, kind)
    return props


#: entity -> casefolded property name -> Prop
SCHEMAS: dict[str, dict[str, Prop]] = {entity: _build(rows) for entity, rows in _TABLES.items()}


def resolve(entity: str, name: str, records: Iterable[dict[str, Any]]) -> Prop | None:
    """The property ``name`` (any case) of ``entity``, or ``None`` when QBO would not know it.

    ``records`` is only read for entities without a static schema; the scan stops at the first
    record that has the key, so a known property costs next to nothing.
    """
    folded = name.casefold()
    schema = SCHEMAS.get(entity)
    if schema is not None:
        return schema.get(folded)
    for common, kind in _COMMON:
        if common.casefold() == folded:
            return Prop(common, common, kind)
    if folded == "active" and entity in NAME_LISTS:
        return Prop("Active", "Active", BOOL)
    head, _, rest = name.partition(".")
    for record in records:
        key = _key_like(record, head)
        if key is None:
            continue
        value = record[key]
        if not rest:
            if isinstance(value, dict) and "value" in value:
                return Prop(key, f"{key}.value", AUTO)
            return Prop(key, key, AUTO)
        if isinstance(value, dict):
            sub = _key_like(value, rest)
            if sub is not None:
                return Prop(f"{key}.{sub}", f"{key}.{sub}", AUTO)
    return None


def _key_like(mapping: dict[str, Any], name: str) -> str | None:
    if name in mapping:
        return name
    folded = name.casefold()
    for key in mapping:
        if isinstance(key, str) and key.casefold() == folded:
            return key
    return None


# --- values ---------------------------------------------------------------------------------------
# Normalised values of one kind are always mutually comparable, which is what lets ORDER BY and
# < / > work without type errors.

#: a query literal: ("string" | "number" | "bool", text as written, string unescaped)
Literal = tuple[str, str]


def _is_number_text(text: str) -> bool:
    """Plain decimal notation only: no exponents, NaN or infinity, which Java's BigDecimal rejects too."""
    body = text[1:] if text[:1] in "+-" else text
    whole, _, frac = body.partition(".")
    return bool(whole or frac) and (not whole or whole.isascii() and whole.isdigit()) and (
        not frac or frac.isascii() and frac.isdigit())


def _number(text: str) -> float:
    if not _is_number_text(text):
        raise ValueError(text)
    return float(text)


def _epoch(text: str) -> float:
    # Stored MetaData stamps repeat across queries: cache them, but never hold on to huge strings.
    return _epoch_cached(text) if len(text) <= 64 else parse_datetime(text).timestamp()


def _date(text: str) -> int:
    return _date_cached(text) if len(text) <= 64 else date.fromisoformat(text).toordinal()


@functools.lru_cache(maxsize=65536)
def _epoch_cached(text: str) -> float:
    try:  # stored stamps are canonical ISO with an offset: the C parser reads them directly
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is not None:
            return moment.timestamp()
    except ValueError:
        pass
    return parse_datetime(text).timestamp()


@functools.lru_cache(maxsize=65536)
def _date_cached(text: str) -> int:
    if len(text) > 10 and text[10] in "Tt ":
        return parse_datetime(text).date().toordinal()
    return date.fromisoformat(text).toordinal()


def id_key(text: str) -> tuple[int, Any]:
    return (0, int(text)) if text.isascii() and text.isdigit() and len(text) < 19 else (1, text.casefold())


def query_value(kind: str, literal: Literal) -> Any:
    """Convert one query literal for a property of ``kind``; ``ValueError`` when it cannot be."""
    lit_kind, text = literal
    if kind in (STRING, REF):
        return text.casefold()
    if kind == ID:
        if lit_kind == "bool":
            raise ValueError(text)
        return id_key(text)
    if kind == NUMBER:
        if lit_kind == "bool":
            raise ValueError(text)
        return _number(text.strip())
    if kind == BOOL:
        folded = text.strip().casefold()
        if folded in ("true", "false"):
            return folded == "true"
        raise ValueError(text)
    if kind == DATE:
        if lit_kind != "string":
            raise ValueError(text)
        return _date(text.strip())
    if kind == DATETIME:
        if lit_kind != "string":
            raise ValueError(text)
        return _epoch(text.strip())
    return literal  # AUTO: converted against each record's own value type


def getter(path: str) -> Callable[[dict[str, Any]], Any]:
    """A fast reader for ``path``: predicates run once per row of a 100k-row scan."""
    if ".0." in path:  # into a list's first element (AttachableRef.0.EntityRef.value)
        return lambda record: _first_element_path(record, path)
    head, _, rest = path.partition(".")
    if not rest:
        return lambda record: record.get(head)
    if "." not in rest:
        return lambda record: sub.get(rest) if isinstance(sub := record.get(head), dict) else None
    return lambda record: get_path(record, path)


def _first_element_path(record: dict[str, Any], path: str) -> Any:
    value: Any = record
    for part in path.split("."):
        if part == "0":
            value = value[0] if isinstance(value, list) and value else None
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def record_value(kind: str, raw: Any) -> Any:
    """A stored value normalised for comparison, ``None`` when missing or unreadable."""
    if raw is None:
        return None
    try:
        if kind in (STRING, REF):
            return _text(raw).casefold()
        if kind == ID:
            return id_key(_text(raw))
        if kind == NUMBER:
            if isinstance(raw, bool):
                return None
            return float(raw) if isinstance(raw, int | float) else _number(str(raw))
        if kind == BOOL:
            return raw if isinstance(raw, bool) else None
        if kind == DATE:
            return _date(str(raw))
        if kind == DATETIME:
            return _epoch(str(raw))
    except (ValueError, TypeError, OverflowError):
        return None
    return raw  # AUTO


def normalizer(kind: str) -> Callable[[Any], Any]:
    """``record_value`` for one kind, with the common wire type (str, float) short-cut for scans."""
    if kind in (STRING, REF):
        return lambda raw: raw.casefold() if type(raw) is str else record_value(kind, raw)
    if kind == NUMBER:
        return lambda raw: raw if type(raw) is float else record_value(kind, raw)
    return functools.partial(record_value, kind)


def _text(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return raw if isinstance(raw, str) else str(raw)


def auto_pair(raw: Any, literal: Literal) -> tuple[Any, Any] | None:
    """For schema-less properties: normalise record value and literal by the record value's type."""
    if isinstance(raw, dict):
        raw = raw.get("value")
        if raw is None:
            return None
    try:
        if isinstance(raw, bool):
            return raw, query_value(BOOL, literal)
        if isinstance(raw, int | float):
            return float(raw), query_value(NUMBER, literal)
        if isinstance(raw, str):
            return raw.casefold(), literal[1].casefold()
    except ValueError:
        return None
    return None


def sort_key(kind: str, value: Any) -> tuple[Any, ...]:
    """Missing values first; values of mixed Python types (schema-less data) still order totally."""
    if value is None:
        return (0,)
    if kind != AUTO:
        return (1, value)
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, bool):
        return (1, 0, int(value))
    if isinstance(value, int | float):
        return (1, 1, float(value))
    if isinstance(value, str):
        return (1, 2, value.casefold())
    return (0,)


# --- predicates -----------------------------------------------------------------------------------
Predicate = Callable[[dict[str, Any]], bool]
_COMPARE = {"=": operator.eq, "!=": operator.ne, "<": operator.lt, ">": operator.gt, "<=": operator.le,
            ">=": operator.ge}


def predicate(prop: Prop, op: str, literals: Iterable[Literal], converted: list[Any]) -> Predicate:
    """The row test for one condition; ``converted`` holds the literals already run through query_value."""
    kind, read, norm = prop.kind, getter(prop.path), normalizer(prop.kind)
    if op == "like":
        match = _like_matcher(converted[0].casefold())
        return lambda r: (raw := _raw_text(read(r))) is not None and match(raw)
    if kind == AUTO:
        pairs = list(zip(literals, converted, strict=True))
        compare = _COMPARE.get(op, operator.eq)

        def auto(record: dict[str, Any]) -> bool:
            raw = read(record)
            for literal, value in pairs:
                if value is None:
                    if raw is None:
                        return True
                    continue
                pair = auto_pair(raw, literal) if raw is not None else None
                if pair is not None and compare(*pair):
                    return True
            return False
        return auto
    if op == "in":
        wanted = set(v for v in converted if v is not None)
        with_null = None in converted
        return lambda r: (v := norm(read(r))) in wanted or (with_null and v is None)
    compare, target = _COMPARE[op], converted[0]
    return lambda r: (v := norm(read(r))) is not None and compare(v, target)


def _raw_text(raw: Any) -> str | None:
    if isinstance(raw, dict):
        raw = raw.get("value")
    if raw is None or isinstance(raw, dict | list):
        return None
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw).casefold()


def _like_matcher(pattern: str) -> Callable[[str], bool]:
    """'%' is the only wildcard [DOC]; greedy leftmost search is exact for it and never backtracks."""
    parts = pattern.split("%")
    if len(parts) == 1:
        return lambda text: text == pattern
    head, *middle, tail = parts

    def match(text: str) -> bool:
        if len(text) < len(head) + len(tail) or not text.startswith(head) or not text.endswith(tail):
            return False
        pos, stop = len(head), len(text) - len(tail)
        for part in middle:
            found = text.find(part, pos, stop)
            if found < 0:
                return False
            pos = found + len(part)
        return True
    return match


def is_active(record: dict[str, Any]) -> bool:
    """Name-list rows without an ``Active`` key count as active."""
    return record.get("Active", True) is not False


def order_key(prop: Prop) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    kind, read, norm = prop.kind, getter(prop.path), normalizer(prop.kind)
    return lambda r: sort_key(kind, norm(read(r)))
