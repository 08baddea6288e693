"""The query parameters every report shares, read and checked the way QBO documents them.

Sources: Intuit's report references (ProfitAndLoss, BalanceSheet, TrialBalance, GeneralLedger,
AgedReceivables, CustomerBalance: developer.intuit.com .../report-entities/*). The period comes from
``start_date``/``end_date`` (either may be given alone), else ``date_macro``, else the documented
default "This Fiscal Year-to-date"; macros are relative to the company's today (its time zone and
the simulated clock) and its fiscal year (``CompanyInfo.FiscalYearStartMonth``).

Bad values are QBO faults, never a 500: a date that is not ``YYYY-MM-DD`` is 2010 (as a bad
``TxnDate`` is), an unknown ``date_macro``/``accounting_method``/``summarize_column_by``/
``aging_method`` is 2170 Invalid Enumeration, ``start_date`` after ``end_date`` is 2010 [INF: QBO's
answers to bad report parameters are not documented; these reuse its validation faults].
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from simulator.faults import InvalidDate, InvalidEnum, InvalidProperty, UnsupportedOperation

if TYPE_CHECKING:
    from simulator.company import Company

__all__ = ["ReportParams", "read_params", "period_for_macro", "MACROS", "SUMMARIZE_BY"]

MONTHS = {name: number for number, name in enumerate(calendar.month_name) if name}

#: summarize_column_by values QBO documents; the simulator computes the first five
SUMMARIZE_BY = ("Total", "Month", "Quarter", "Year", "Customers", "Week", "Days", "Vendors", "Classes",
                "Departments", "Employees", "ProductsAndServices")
SUMMARIZE_COMPUTED = frozenset({"Total", "Month", "Quarter", "Year", "Customers"})
AGING_METHODS = ("Report_Date", "Current")
MIN_YEAR, MAX_YEAR = 1900, 9000
#: the most columns a summarize_column_by may make (a Month report over a century would be 1,200) [INF]
MAX_COLUMNS = 400


@dataclass
class ReportParams:
    """What a report request asked for, resolved to dates and canonical spellings."""

    start: date
    end: date
    macro: str | None  # as given (for the Header's DateMacro), lower-cased
    basis: str  # "Accrual" | "Cash"
    summarize: str = "Total"
    customers: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    report_date: date | None = None
    aging_period: int = 30
    num_periods: int = 4
    aging_method: str = "Report_Date"
    columns: tuple[str, ...] = ()
    sort_descending: bool = False
    explicit_dates: bool = False
    raw: dict[str, str] = field(default_factory=dict)


def read_params(company: Company, args: Mapping[str, str], *, default_macro: str = "This Fiscal Year-to-date"
                ) -> ReportParams:
    """Parse and check a report's query string (``request.args``)."""
    raw = {k: v for k, v in args.items()}
    today = company.now().date()
    fiscal_month = MONTHS.get(str(company.company_info.get("FiscalYearStartMonth", "January")), 1)
    start = _date_arg(raw, "start_date")
    end = _date_arg(raw, "end_date")
    macro = raw.get("date_macro") or None
    if start is None and end is None:
        chosen = macro or default_macro
        start, end = period_for_macro(chosen, today, fiscal_month)
        macro = chosen.lower()
    else:
        if macro is not None:
            period_for_macro(macro, today, fiscal_month)  # still checked, as given
        # one bound alone: the fiscal year the end falls in, or up to today [INF]
        start = start or _fiscal_year_start(end or today, fiscal_month)
        end = end or today
        macro = None
    if start > end:
        raise InvalidProperty(element="start_date",
                              reason=f"start_date {start.isoformat()} must be less than end_date {end.isoformat()}")
    basis = _enum(raw, "accounting_method", ("Cash", "Accrual")) or \
        str(company.preferences.get("ReportPrefs", {}).get("ReportBasis", "Accrual"))
    summarize = _enum(raw, "summarize_column_by", SUMMARIZE_BY) or "Total"
    if summarize not in SUMMARIZE_COMPUTED:
        raise UnsupportedOperation(operation=f"summarize_column_by={summarize} in the simulator")
    params = ReportParams(start=start, end=end, macro=macro, basis=basis, summarize=summarize, raw=raw,
                          explicit_dates="start_date" in raw or "end_date" in raw)
    params.customers = _ids(raw.get("customer"))
    params.accounts = _ids(raw.get("account"))
    params.report_date = _date_arg(raw, "report_date")
    params.aging_period = _positive(raw, "aging_period", 30)
    params.num_periods = _positive(raw, "num_periods", 4)
    params.aging_method = _enum(raw, "aging_method", AGING_METHODS) or "Report_Date"
    params.columns = tuple(c.strip() for c in (raw.get("columns") or "").split(",") if c.strip())
    sort = _enum(raw, "sort_order", ("ascend", "descend"))
    params.sort_descending = sort == "descend"
    return params


def _date_arg(raw: Mapping[str, str], name: str) -> date | None:
    value = raw.get(name)
    if value is None or value == "":
        return None
    try:
        if len(value) != 10:
            raise ValueError
        parsed = date.fromisoformat(value)
    except ValueError:
        raise InvalidDate(element=name, value=value) from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:  # [INF] QBO keeps no books before 1900
        raise InvalidDate(element=name, value=value)
    return parsed


def _enum(raw: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    value = raw.get(name)
    if value is None or value == "":
        return None
    for choice in allowed:
        if choice.lower() == value.lower():
            return choice
    raise InvalidEnum(element=name, value=f"{name}:{value}")


def _positive(raw: Mapping[str, str], name: str, default: int) -> int:
    value = raw.get(name)
    if value is None or value == "":
        return default
    if not value.isdigit() or int(value) == 0 or int(value) > 1000:
        raise InvalidProperty(element=name, reason=f"{name}:{value}")
    return int(value)


def _ids(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


# -- date macros -----------------------------------------------------------------------------------

def _quarter_start(day: date, fiscal_month: int) -> date:
    offset = (day.month - fiscal_month) % 3
    month = day.month - offset
    year = day.year
    if month < 1:
        month += 12
        year -= 1
    return date(year, month, 1)


def _fiscal_year_start(day: date, fiscal_month: int) -> date:
    year = day.year if day.month >= fiscal_month else day.year - 1
    return date(year, fiscal_month, 1)


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def period_for_macro(macro: str, today: date, fiscal_month: int = 1) -> tuple[date, date]:
    """``(start, end)`` of a documented ``date_macro`` (case-insensitive); 2170 for anything else."""
    key = macro.strip().lower()
    builder = MACROS.get(key)
    if builder is None:
        raise InvalidEnum(element="date_macro", value=f"date_macro:{macro}")
    return builder(today, fiscal_month)


def _week_start(day: date) -> date:
    return day - timedelta(days=(day.weekday() + 1) % 7)  # QBO weeks start on Sunday [INF: US locale]


def _this_quarter(t: date, f: int) -> tuple[date, date]:
    start = _quarter_start(t, f)
    return start, _add_months(start, 3) - timedelta(days=1)


def _this_year(t: date, f: int) -> tuple[date, date]:
    start = _fiscal_year_start(t, f)
    return start, _add_months(start, 12) - timedelta(days=1)


MACROS = {
    "all": lambda t, f: (date(1900, 1, 1), t),  # [INF] "all dates": from the beginning of the books
    "today": lambda t, f: (t, t),
    "yesterday": lambda t, f: (t - timedelta(days=1), t - timedelta(days=1)),
    "this week": lambda t, f: (_week_start(t), _week_start(t) + timedelta(days=6)),
    "last week": lambda t, f: (_week_start(t) - timedelta(days=7), _week_start(t) - timedelta(days=1)),
    "this week-to-date": lambda t, f: (_week_start(t), t),
    "last week-to-date": lambda t, f: (_week_start(t) - timedelta(days=7), t - timedelta(days=7)),
    "next week": lambda t, f: (_week_start(t) + timedelta(days=7), _week_start(t) + timedelta(days=13)),
    "next 4 weeks": lambda t, f: (_week_start(t) + timedelta(days=7), _week_start(t) + timedelta(days=34)),
    "this month": lambda t, f: (t.replace(day=1), _month_end(t)),
    "last month": lambda t, f: (_add_months(t.replace(day=1), -1), t.replace(day=1) - timedelta(days=1)),
    "this month-to-date": lambda t, f: (t.replace(day=1), t),
    "last month-to-date": lambda t, f: (_add_months(t.replace(day=1), -1), _add_months(t, -1)),
    "next month": lambda t, f: (_add_months(t.replace(day=1), 1), _month_end(_add_months(t.replace(day=1), 1))),
    "this fiscal quarter": _this_quarter,
    "last fiscal quarter": lambda t, f: _this_quarter(_add_months(_quarter_start(t, f), -3), f),
    "this fiscal quarter-to-date": lambda t, f: (_quarter_start(t, f), t),
    "last fiscal quarter-to-date": lambda t, f: (_add_months(_quarter_start(t, f), -3), _add_months(t, -3)),
    "next fiscal quarter": lambda t, f: _this_quarter(_add_months(_quarter_start(t, f), 3), f),
    "this fiscal year": _this_year,
    "last fiscal year": lambda t, f: _this_year(_add_months(_fiscal_year_start(t, f), -12), f),
    "this fiscal year-to-date": lambda t, f: (_fiscal_year_start(t, f), t),
    "last fiscal year-to-date": lambda t, f: (_add_months(_fiscal_year_start(t, f), -12), _add_months(t, -12)),
    "next fiscal year": lambda t, f: _this_year(_add_months(_fiscal_year_start(t, f), 12), f),
}


def fiscal_year_start(company: Company, day: date) -> date:
    """The first day of the fiscal year ``day`` falls in."""
    month = MONTHS.get(str(company.company_info.get("FiscalYearStartMonth", "January")), 1)
    return _fiscal_year_start(day, month)


def add_months(day: date, months: int) -> date:
    return _add_months(day, months)


def month_end(day: date) -> date:
    return _month_end(day)
