"""What an entity declares about its properties, and the body checks QBO makes from it.

Each :class:`~simulator.entities.base.EntityType` declares

* ``known_fields`` — every top-level property QBO's schema knows for the entity, writable or
  read-only. A property outside it is QBO's 2010 "Unrecognized field" (its JSON deserialiser rejects
  the body before any rule runs [CAP 2020, behaviour notes §Q3 block C]). Read-only properties stay
  known: clients post back what they read (python-quickbooks' ``to_json``, node-quickbooks' void).
* ``field_specs`` — the formats QBO validates: maximum lengths (2050), e-mail addresses (2210),
  enumerations (2170) and dates (2010). :func:`check_formats` checks them all and collects every
  problem, so one answer lists them all (see :class:`Problems`).

An entity that declares no ``known_fields`` (``None``) is not checked for unknown properties; the
test suite refuses such an entity (tests/simulator/test_field_validation.py), so a new entity
cannot silently accept everything for long. Nothing here imports Flask.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from simulator.faults import (
    FaultGroup,
    InvalidEmail,
    InvalidEnum,
    InvalidProperty,
    LengthExceeded,
    QBOFault,
)

__all__ = ["COMMON", "Problems", "Spec", "check_formats", "check_known", "check_lines", "is_email", "length_fault"]

#: properties every entity body may carry (identity, concurrency, envelope flags)
COMMON = frozenset({"Id", "SyncToken", "sparse", "domain", "MetaData", "status"})


@dataclass(frozen=True)
class Spec:
    """How QBO checks one property. ``path`` names a sub-field (``CustomerMemo`` → ``value``)."""

    max_length: int | None = None
    #: "single": one address (``PrimaryEmailAddr``); "list": comma-separated recipients (``BillEmail``)
    email: str | None = None
    choices: tuple[str, ...] = ()
    sub: str | None = None
    #: a ``yyyy-MM-dd`` date (a malformed one is QBO's 2010 java.util.Date message)
    date: bool = False
    #: a PhysicalAddress: each line and part has its own maximum (:data:`ADDRESS_LIMITS`)
    address: bool = False


#: PhysicalAddress limits [DOC PhysicalAddress type field text, as recalled; not re-verified]
ADDRESS_LIMITS = {"Line1": 500, "Line2": 500, "Line3": 500, "Line4": 500, "Line5": 500, "City": 255,
                  "Country": 255, "CountrySubDivisionCode": 255, "PostalCode": 30}


class Problems:
    """Collects the validation faults of one request and raises them together.

    ``add`` records a fault; ``collect(fn, ...)`` runs a check and records what it raised;
    ``raise_if_any`` raises nothing, the single fault, or a :class:`FaultGroup` rendered by
    :mod:`simulator.wire` as one ``Fault`` with one ``Error`` per problem, in the order found.
    """

    def __init__(self) -> None:
        self.faults: list[QBOFault] = []

    def __bool__(self) -> bool:
        return bool(self.faults)

    def add(self, fault: QBOFault) -> None:
        self.faults.append(fault)

    def collect(self, check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return check(*args, **kwargs)
        except FaultGroup as group:
            self.faults.extend(group.faults)
        except QBOFault as fault:
            self.add(fault)
        return None

    def raise_if_any(self) -> None:
        if len(self.faults) == 1:
            raise self.faults[0]
        if self.faults:
            raise FaultGroup(self.faults)


def check_known(entity: str, known: frozenset[str] | None, body: Mapping[str, Any]) -> None:
    """2010 for the first property the entity does not know, worded as QBO's deserialiser words it."""
    if known is None or known.issuperset(body):  # every key known: the loop below would find nothing (one C call)
        return
    for key in body:
        if key not in known and key not in COMMON:
            listed = ", ".join(f'"{name}"' for name in sorted(known)[:5])
            raise InvalidProperty(
                element=str(key),
                reason=f'Unrecognized field "{key}" (class com.intuit.schema.finance.v3.{entity}), not marked as '
                       f"ignorable ({len(known | COMMON)} known properties: {listed}, ... [truncated]])\n")


def check_lines(lines: Any, line_known: frozenset[str], details: Mapping[str, frozenset[str]]) -> None:
    """2010 for an unknown property of a line or of its detail object (``Line``, ``SalesItemLineDetail`` …)."""
    if not isinstance(lines, list):
        return
    for line in lines:
        if not isinstance(line, dict):
            continue
        check_known("Line", line_known, line)
        for detail, known in details.items():
            if isinstance(line.get(detail), dict):
                check_known(detail, known, line[detail])


def length_fault(prop: str, value: str, maximum: int) -> LengthExceeded:
    """2050; QBO prints the numbers with thousands separators ("Max:1,000") [CAP-report curbwaste]."""
    return LengthExceeded(element=prop, min=0, max=f"{maximum:,}", length=f"{len(value):,}")


# RFC 822 addr-spec, restricted to what QBO accepts in practice: a dot-atom local part of ASCII
# atext and a domain of dot-separated labels. Quoted local parts and domain literals are refused
# [INF: every captured rejection is a name, a space, a '+' decoded to a space, or a stray NBSP].
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_EMAIL = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*@{_LABEL}(?:\.{_LABEL})*")


def is_email(value: str) -> bool:
    return _EMAIL.fullmatch(value) is not None


def _email_problems(prop: str, value: Any, mode: str) -> Iterable[QBOFault]:
    if not isinstance(value, str):
        return [InvalidEmail(element=prop, value=value)]
    parts = [p.strip(" ") for p in value.split(",")] if mode == "list" else [value]
    if any(not is_email(p) for p in parts):
        return [InvalidEmail(element=prop, value=value)]
    return []


def check_formats(specs: Mapping[str, Spec], fields: Mapping[str, Any], problems: Problems,
                  *, prefix: str = "") -> None:
    """Check every declared format on ``fields`` (already without ``""``/null), adding each problem."""
    if fields.keys().isdisjoint(specs):  # nothing to check (one C call instead of a step per declared property)
        return
    for prop, spec in specs.items():
        if prop not in fields:
            continue
        value = fields[prop]
        name = f"{prefix}{prop}"
        if spec.email:
            address = value.get("Address") if isinstance(value, dict) else value
            if address is None or address == "":
                continue
            for fault in _email_problems(f"{name}.Address" if isinstance(value, dict) else name, address, spec.email):
                problems.add(fault)
            if spec.max_length and isinstance(address, str) and len(address) > spec.max_length:
                problems.add(length_fault(f"{name}.Address", address, spec.max_length))
            continue
        if spec.sub is not None:
            if not isinstance(value, dict) or spec.sub not in value:
                continue
            value, name = value[spec.sub], f"{name}.{spec.sub}"
        if spec.address:
            if isinstance(value, dict):
                for part, maximum in ADDRESS_LIMITS.items():
                    text = value.get(part)
                    if isinstance(text, str) and len(text) > maximum:
                        problems.add(length_fault(f"{name}.{part}", text, maximum))
            continue
        if spec.date:
            from simulator.entities.base import parse_date  # base imports this module

            problems.collect(parse_date, value, name)
            continue
        if spec.choices:
            if not isinstance(value, str) or value not in spec.choices:
                problems.add(InvalidEnum(element=name, value=f"{prop}:{value}"))
            continue
        if spec.max_length is not None and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            raw = str(value)
            if len(raw) > spec.max_length:
                problems.add(length_fault(name, raw, spec.max_length))
