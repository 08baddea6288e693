"""What every entity rule shares: reading client bodies the way QBO does, money, refs, metadata.

Real clients send a lot of noise (python-quickbooks posts ``""`` for empty dates and amounts,
int SyncTokens, read-only fields): QBO treats ``""`` as absent and silently drops read-only
fields, so the helpers here do the same. Nothing in this package imports Flask.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, ClassVar

from simulator.clock import ZoneTimes, format_meta
from simulator.entities.fields import Spec, check_known, length_fault
from simulator.faults import (
    InvalidDate,
    InvalidNumber,
    InvalidProperty,
    InvalidReference,
    ObjectDeleted,
    ObjectNotFound,
    RequiredParamMissing,
    StaleObject,
)

if TYPE_CHECKING:
    from simulator.company import Company

CENT = Decimal("0.01")


@dataclass
class Op:
    """The context of one write: when it happens and what the request asked for."""

    now: datetime  # in the company's time zone
    epoch: float
    include: frozenset[str] = frozenset()
    minorversion: int = 75
    #: the name QBO shows in 5010 "You and <user> were working on this at the same time"
    other_user: str = "root"
    extras: dict[str, Any] = field(default_factory=dict)
    #: the company's formatter for ``now`` (reuses the current second's work); None: format ``now`` afresh
    times: ZoneTimes | None = None

    @property
    def meta_time(self) -> str:
        """``MetaData`` time of this write (formatted once: a write stamps several fields with it). Kept in the
        instance's ``__dict__`` as ``functools.cached_property`` would, without its lock (issue 16)."""
        found = self.__dict__.get("meta_time")
        if found is None:
            found = self.__dict__["meta_time"] = (self.times.meta_text(self.epoch) if self.times is not None
                                                  else format_meta(self.now))
        return found

    @property
    def today(self) -> date:
        return self.now.date()


#: read-only properties QBO returns on transactions: clients read them and post them back (python-quickbooks'
#: full updates, node-quickbooks' void), so they are known (never 2010) though a write ignores them [INF]
TXN_READ_ONLY = frozenset({"TotalAmt", "HomeTotalAmt", "Balance", "HomeBalance", "RemainingCredit", "UnappliedAmt",
                           "TxnTaxDetail", "LinkedTxn", "CurrencyRef", "ExchangeRate", "AttachableRef", "TxnStatus",
                           "RecurDataRef", "TaxExemptionRef"})


class EntityType:
    """Rules for one QBO entity. Subclasses override the operations QBO allows for it."""

    name: ClassVar[str] = ""  # "Invoice": the JSON key and query name
    name_list: ClassVar[bool] = False  # Customer/Item/...: delete = make inactive
    read_only: ClassVar[bool] = False
    #: every top-level property QBO knows for the entity (writable or read-only); None = undeclared.
    #: Unknown properties are 2010 (see :mod:`simulator.entities.fields`, docs/architecture.md).
    known_fields: ClassVar[frozenset[str] | None] = None
    #: formats QBO validates per property (lengths, e-mail addresses, enumerations)
    field_specs: ClassVar[Mapping[str, Spec]] = {}

    def check_properties(self, body: dict[str, Any]) -> None:
        """Refuse a property the entity does not know (2010), before any rule runs."""
        check_known(self.name, self.known_fields, body)
    #: the writable fields a client may send, name -> type ("string", "ref", "money", "date", "bool", "int",
    #: "number", "object", "list", "datetime"); empty for entities that predate the declaration
    field_types: ClassVar[dict[str, str]] = {}
    #: True when the stored record is not the wire form (see :meth:`present`)
    presents: ClassVar[bool] = False

    def postings(self, company: Company, record: dict[str, Any]) -> list[Any]:
        """The double entry a stored record puts in the books: ``[Posting(account Id, amount)]``, debits
        positive, summing to zero (see :mod:`simulator.entities.txn`); empty for lists and non-posting forms."""
        return []

    def present(self, record: dict[str, Any]) -> dict[str, Any]:
        """The wire form of a stored record (identity unless :attr:`presents`): RecurringTransaction wraps
        its template in the transaction's key, ExchangeRate has no Id on the wire."""
        return record

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """An entity declared by ``field_types`` (writable fields) knows them, its parent's known fields and
        the read-only properties QBO returns on transactions (:data:`TXN_READ_ONLY`), which clients post
        back; name lists derive theirs from ``writable`` (:class:`~simulator.entities.names.NameList`)."""
        super().__init_subclass__(**kwargs)
        if "field_types" in cls.__dict__ and "known_fields" not in cls.__dict__ and not cls.name_list:
            inherited = cls.known_fields or frozenset()
            cls.known_fields = frozenset(cls.field_types) | inherited | TXN_READ_ONLY

    def create(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        raise _unsupported(self.name, "create")

    def update(self, company: Company, body: dict[str, Any], op: Op, *, sparse: bool) -> dict[str, Any]:
        raise _unsupported(self.name, "update")

    def delete(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        if self.name_list:
            current = self.current(company, body)
            check_sync_token(current, body, op)
            return self.deactivate(company, current, op)
        raise _unsupported(self.name, "delete")

    def void(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        raise _unsupported(self.name, "void")

    # -- shared helpers ---------------------------------------------------------------------------
    def current(self, company: Company, body: dict[str, Any]) -> dict[str, Any]:
        """The stored record a write names by ``Id``; 610 when it is gone."""
        entity_id = text(body.get("Id"))
        if not entity_id:
            raise RequiredParamMissing(param="Id")
        record = company.store(self.name).get(entity_id)
        if record is None:
            if company.was_deleted(self.name, entity_id):
                raise ObjectDeleted()
            raise ObjectNotFound()
        return record

    def deactivate(self, company: Company, current: dict[str, Any], op: Op) -> dict[str, Any]:
        record = copy.deepcopy(current)
        record["Active"] = False
        for key in ("DisplayName", "Name", "FullyQualifiedName"):
            if key in record and not str(record[key]).endswith(" (deleted)"):
                record[key] = f"{record[key]} (deleted)"
        bump(record, op)
        company.save(self.name, record, op, operation="Delete")
        return record


def _unsupported(entity: str, operation: str) -> Exception:
    from simulator.faults import UnsupportedOperation

    return UnsupportedOperation(operation=f"{operation} on {entity}")


# -- reading client input -------------------------------------------------------------------------
def clean(value: Any) -> Any:
    """Drop ``""`` and ``None`` recursively: QBO treats an empty string as not supplied."""
    if isinstance(value, dict):
        return _clean_dict(value)
    if isinstance(value, list):
        return _clean_list(value)
    return value


def _clean_dict(value: dict[Any, Any]) -> dict[Any, Any]:
    """:func:`clean` of a dict: JSON's own types by their exact type first (issue 16), anything else as before."""
    out = {}
    for k, v in value.items():
        kind = type(v)
        if kind is str:
            if v:
                out[k] = v
        elif kind is dict:
            out[k] = _clean_dict(v)
        elif kind is list:
            out[k] = _clean_list(v)
        elif kind in _KEPT:  # never None or equal to ""
            out[k] = v
        elif v is not None and v != "":
            out[k] = clean(v) if isinstance(v, _CONTAINERS) else v
    return out


def _clean_list(value: list[Any]) -> list[Any]:
    """:func:`clean` of a list (a list of objects, as ``Line`` is, without a comparison with ``""`` per item)."""
    out = []
    for v in value:
        kind = type(v)
        if kind is dict:
            out.append(_clean_dict(v))
        elif kind is str:
            if v:
                out.append(v)
        elif kind is list:
            out.append(_clean_list(v))
        elif kind in _KEPT:
            out.append(v)
        elif v is not None and v != "":
            out.append(clean(v) if isinstance(v, _CONTAINERS) else v)
    return out


#: what :func:`clean` descends into (anything else it returns as it is: no call per scalar, issue 16)
_CONTAINERS = (dict, list)
#: the types JSON gives that are never None and never equal "": kept without comparing (issue 16)
_KEPT = frozenset({dict, list, int, float, bool})


def text(value: Any) -> str | None:
    if type(value) is str:  # the usual case, answered as below would (issue 16: ~20 calls a create)
        return value or None
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def decimal(value: Any, prop: str) -> Decimal | None:
    """A money/quantity field as Decimal; 2010 when it is not a number."""
    kind = type(value)
    if kind is int and -_BIG < value < _BIG:  # Decimal(str(value)) without the string (issue 16)
        return Decimal(value)
    if kind is float:  # as below, without comparing a float with "" and with bool
        result = Decimal(str(value))
        if not result.is_finite():
            raise InvalidProperty(reason=f"{prop}:Can not construct instance of java.math.BigDecimal from {value}")
        return result
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidProperty(reason=f"{prop}:Can not construct instance of java.math.BigDecimal from {value}")
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidProperty(
            reason=f"{prop}:Can not construct instance of java.math.BigDecimal from String value '{value}'"
        ) from None
    if not result.is_finite():
        raise InvalidProperty(reason=f"{prop}:Can not construct instance of java.math.BigDecimal from {value}")
    return result


#: integers below this go to Decimal directly (str() of a very long one raises; those keep the string path)
_BIG = 10**18


def money(value: Decimal | int) -> float:
    """JSON number for an amount, rounded half-up to cents like QBO."""
    # rounding passed by position: the keyword form costs ~1.5 k instructions more a call (issue 16)
    rounded = (value if type(value) is Decimal else Decimal(value)).quantize(CENT, ROUND_HALF_UP)
    return float(rounded)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def number(value: Decimal) -> float | int:
    """A quantity or rate as JSON: integral values stay integral (``Qty: 2``)."""
    return int(value) if value == value.to_integral_value() else float(value)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value: Any, prop: str) -> date | None:
    raw = text(value)
    if raw is None:
        return None
    raw = raw[:10] if len(raw) > 10 and raw[10] in "T " else raw
    if not _DATE.match(raw):
        raise InvalidDate(value=value)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidDate(value=value) from None


def ref(value: Any) -> dict[str, str] | None:
    """Normalise a reference (``{"value": "1", "name": ""}`` or a bare ``"1"``) to ``{"value": ...}``."""
    if type(value) is dict:  # the usual case: {"value": "1"} or {"value": "1", "name": "x"}, as below answers it
        ref_value = value.get("value")
        if type(ref_value) is str and ref_value:
            name = value.get("name")
            if name is None or name == "":
                return {"value": ref_value}
            name = text(name)
            return {"value": ref_value, "name": name} if name else {"value": ref_value}
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        ref_value = text(value.get("value"))
        if ref_value is None:
            return None
        out = {"value": ref_value}
        name = text(value.get("name"))
        if name:
            out["name"] = name
        return out
    if isinstance(value, (str, int)):
        return {"value": str(value)}
    raise InvalidProperty(reason="failed to parse json object; a property")


def check_length(value: str | None, prop: str, maximum: int) -> None:
    if value is not None and len(value) > maximum:
        raise length_fault(prop, value, maximum)


def sync_token(value: Any) -> int | None:
    raw = text(value)
    if raw is None:
        return None
    if not raw.lstrip("-").isdigit():
        raise InvalidNumber(element="SyncToken", value=raw)
    return int(raw)


def check_sync_token(current: dict[str, Any], body: dict[str, Any], op: Op) -> None:
    """Optimistic concurrency: the client must name the version it read (5010 otherwise)."""
    token = sync_token(body.get("SyncToken"))
    if token is None:
        raise RequiredParamMissing(param="SyncToken", element="SyncToken")
    if token != int(current["SyncToken"]):
        raise StaleObject(user=op.other_user)


def bump(record: dict[str, Any], op: Op) -> None:
    record["SyncToken"] = str(int(record.get("SyncToken", "0")) + 1)
    meta = dict(record.get("MetaData") or {})
    meta["LastUpdatedTime"] = op.meta_time
    record["MetaData"] = meta


def new_meta(op: Op) -> dict[str, str]:
    """``MetaData`` of a record created by ``op``: one dict shared by every record the op creates (a seeded
    company creates ~70), which is safe because records are never mutated in place (:func:`bump` copies)."""
    meta = op.extras.get("new_meta")
    if meta is None:
        stamp = op.meta_time  # formatted once: strftime and the offset are not free (issue 6)
        meta = op.extras["new_meta"] = {"CreateTime": stamp, "LastUpdatedTime": stamp}
    return meta


def resolve_ref(company: Company, entity: str, reference: dict[str, str] | None, element: str,
                *, label: str | None = None) -> dict[str, Any]:
    """The active record a reference points at, else QBO's 2500 Invalid Reference Id.

    The Detail depends on where the reference sits (docs/research/qbo-behaviour-notes.md §Q13): a
    header reference names its list and id (``Names element id 9 not found``, ``label="Names"``);
    a line reference names its path (``Invalid Reference Id : Line.SalesItemLineDetail.ItemRef``,
    ``label=None``) [CAP xml, qbo-api §5.2].
    """
    if reference is None:
        raise RequiredParamMissing(param=element, element=element)
    record = company.store(entity).get(reference["value"])
    if record is None:
        reason = element if label is None else f"{label} element id {reference['value']} not found"
        raise InvalidReference(element=element, reason=reason)
    if record.get("Active") is False:
        raise InvalidReference(
            element=element,
            reason="Something you're trying to use has been made inactive. Check the fields with accounts, "
                   "customers, items, vendors or employees.")
    return record


def op_for(company: Company, **kwargs: Any) -> Op:
    """An :class:`Op` stamped with the company's current simulated time."""
    epoch = company.clock.epoch()  # one reading: now and epoch are the same moment
    return Op(now=datetime.fromtimestamp(epoch, company.tz), epoch=epoch, other_user=company.user_name,
              times=company.times, **kwargs)
