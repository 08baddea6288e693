"""Typed step parameters: money, percentages, dates, as accountants write them."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

__all__ = ["money", "percent", "iso_date", "EXTRA_TYPES", "Money"]

Money = Decimal
_MONEY = re.compile(r"^-?\$?-?[\d,]+(\.\d{1,2})?$")


def money(text: str) -> Decimal:
    """``$1,250.00`` → ``Decimal("1250.00")``; a clear error names anything else."""
    cleaned = text.strip()
    if not _MONEY.match(cleaned):
        raise ValueError(f"{text!r} is not an amount of money (write it like $1,250.00)")
    negative = cleaned.startswith("-") or cleaned.startswith("$-")
    value = Decimal(cleaned.replace("$", "").replace(",", "").replace("-", ""))
    return -value if negative else value


def percent(text: str) -> Decimal:
    """``10%`` → ``Decimal("10")``."""
    cleaned = text.strip()
    if not cleaned.endswith("%"):
        raise ValueError(f"{text!r} is not a percentage (write it like 10%)")
    try:
        return Decimal(cleaned[:-1])
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a percentage (write it like 10%)") from None


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date (write it like 2026-11-25)") from None


def number(text: str) -> Decimal:
    try:
        return Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None


#: for ``parsers.parse(..., extra_types=EXTRA_TYPES)``: ``{amount:Money}``, ``{rate:Percent}``, ``{when:Date}``
EXTRA_TYPES = {"Money": money, "Percent": percent, "Date": iso_date, "Number": number}
money.pattern = r"-?\$?-?[\d,]+(?:\.\d{1,2})?"  # type: ignore[attr-defined]
percent.pattern = r"-?[\d.]+%"  # type: ignore[attr-defined]
iso_date.pattern = r"\d{4}-\d{2}-\d{2}"  # type: ignore[attr-defined]
number.pattern = r"-?[\d,]+(?:\.\d+)?"  # type: ignore[attr-defined]
