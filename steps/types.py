"""Typed step parameters: money, percentages, dates and quantities, as Australian accountants write them.

Accepted forms (also listed by ``qbo-sim steps`` and in every "did not parse" message, from :data:`FORMS`):

* **money** — ``$1,200.50``, ``-$5.00``, ``$-5.00``, ``£20.00`` or with an ISO currency code ``AUD 1,200.50``
  (``AUD``, ``USD``, ``GBP``, ``CAD``, ``NZD``). A currency sign or code is required: a bare ``0.1`` could be
  ten cents or ten per cent, so it is refused rather than guessed. At most two decimal places; thousands
  separators must group by three. The code is kept on the value (``Money.currency``); nothing is converted.
* **percent** — ``10%``, ``12.5%``. A bare ``0.1`` or ``10`` is refused (write ``10%``).
* **date** — ``2025-12-31`` (ISO), ``31/12/2025`` (day/month/year, as written in Australia and the UK),
  ``31 December 2025`` or ``31 Dec 2025``. Month/day/year (``12/31/2025``) and two-digit years are refused.
* **number** — ``2``, ``2.5``, ``1,000``.

Each converter raises :class:`ParameterError` (a ``ValueError``) naming the value and the accepted forms; the
gate shows it as "the value could not be read" with the step's file and line. The ``pattern`` of each
converter is deliberately wider than what it accepts, so a near miss reaches the converter and is explained
instead of making the step "unknown".
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

__all__ = ["money", "percent", "iso_date", "number", "EXTRA_TYPES", "FORMS", "Money", "ParameterError",
           "CURRENCY_CODES"]

#: currency codes a money value may carry (the currencies of the simulator's regions, plus NZD)
CURRENCY_CODES = ("AUD", "USD", "GBP", "CAD", "NZD")

#: accepted forms per parameter type, for messages and the catalogue
FORMS = {
    "Money": "$1,200.50, -$5.00 or AUD 1,200.50 (a $ or £ sign or a currency code is required)",
    "Percent": "10% or 12.5%",
    "Date": "2025-12-31, 31/12/2025 (day/month/year) or 31 December 2025",
    "Number": "2, 2.5 or 1,000",
    "d": "3 or 12",
}


class ParameterError(ValueError):
    """A step parameter that could not be read; the message names the value and the accepted forms."""

    def __init__(self, value: str, kind: str, reason: str) -> None:
        self.value = value
        self.kind = kind
        self.reason = reason
        super().__init__(f"{value!r} is not {reason}. Write {FORMS[kind]}.")


class Money(Decimal):
    """An amount from a step: a ``Decimal`` that remembers the currency code it was written with (or None)."""

    currency: str | None

    def __new__(cls, value: str | Decimal, currency: str | None = None) -> Money:
        instance = super().__new__(cls, value)
        instance.currency = currency
        return instance


_AMOUNT = re.compile(r"^(?:(?P<code>[A-Za-z]{3})\s+)?(?P<sign1>-)?(?P<symbol>[$£])?(?P<sign2>-)?"
                     r"(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<cents>\d+))?$")


def money(text: str) -> Money:
    """``$1,250.00`` → ``Money("1250.00")``; ``AUD 1,200.50`` → ``Money("1200.50", "AUD")``.

    Raises ParameterError for a bare number (ambiguous), more than two decimals, bad grouping or an unknown code.
    """
    cleaned = text.strip()
    found = _AMOUNT.match(cleaned)
    if not found or (found["sign1"] and found["sign2"]):
        raise ParameterError(text, "Money", "an amount of money")
    code = found["code"]
    if code is not None and code.upper() not in CURRENCY_CODES:
        raise ParameterError(text, "Money", f"an amount in a known currency ({', '.join(CURRENCY_CODES)})")
    if code is None and found["symbol"] is None:
        as_amount = Decimal(cleaned.lstrip("-").replace(",", ""))
        raise ParameterError(text, "Money", f"an amount of money: a bare number is ambiguous (write "
                                            f"${as_amount:,.2f} for an amount, or a percentage such as 10% "
                                            f"where the step takes one)")
    if found["cents"] is not None and len(found["cents"]) > 2:
        raise ParameterError(text, "Money", "an amount of money: at most two decimal places (cents)")
    value = Decimal(found["digits"].replace(",", "") + ("." + found["cents"] if found["cents"] else ""))
    if found["sign1"] or found["sign2"]:
        value = -value
    currency = code.upper() if code else ("GBP" if found["symbol"] == "£" else None)
    return Money(value, currency)


def percent(text: str) -> Decimal:
    """``10%`` → ``Decimal("10")``; a bare number is refused (``0.1`` could be 0.1% or 10%)."""
    cleaned = text.strip()
    if not cleaned.endswith("%"):
        raise ParameterError(text, "Percent", "a percentage: write the % sign")
    try:
        value = Decimal(cleaned[:-1].strip())
    except InvalidOperation:
        raise ParameterError(text, "Percent", "a percentage") from None
    if not value.is_finite():
        raise ParameterError(text, "Percent", "a percentage")
    return value


_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d+)$")


def iso_date(text: str) -> date:
    """``2025-12-31``, ``31/12/2025`` or ``31 December 2025`` → ``date(2025, 12, 31)``."""
    cleaned = " ".join(text.split())
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        pass
    found = _DMY.match(cleaned)
    if found:
        day, month, year = found.groups()
        if len(year) != 4:
            raise ParameterError(text, "Date", "a date: write the year with four digits")
        if int(month) > 12 and int(day) <= 12:
            raise ParameterError(text, "Date", "a date: dates are day/month/year, and there is no month "
                                               f"{int(month)}")
        try:
            return date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ParameterError(text, "Date", f"a date ({exc})") from None
    for layout in ("%d %B %Y", "%d %b %Y"):
        try:
            return datetime.strptime(cleaned, layout).date()
        except ValueError:
            continue
    raise ParameterError(text, "Date", "a date")


def number(text: str) -> Decimal:
    """``2.5`` → ``Decimal("2.5")``; ``1,000`` → ``Decimal("1000")``."""
    cleaned = text.strip()
    if not re.fullmatch(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?", cleaned):
        raise ParameterError(text, "Number", "a number")
    return Decimal(cleaned.replace(",", ""))


#: for ``parsers.parse(..., extra_types=EXTRA_TYPES)``: ``{amount:Money}``, ``{rate:Percent}``, ``{when:Date}``
EXTRA_TYPES = {"Money": money, "Percent": percent, "Date": iso_date, "Number": number}
# Wider than what is accepted, so near misses reach the converter and get its explanation.
money.pattern = r"(?:[A-Za-z]{3}\s+)?[-$£\d][-$£\d,.]*"  # type: ignore[attr-defined]
percent.pattern = r"-?[\d.,]+\s*%?"  # type: ignore[attr-defined]
iso_date.pattern = r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d+|\d{1,2} [A-Za-z]+ \d{4}"  # type: ignore[attr-defined]
number.pattern = r"-?[\d,]+(?:\.\d+)?"  # type: ignore[attr-defined]
