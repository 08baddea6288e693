"""Report date macros against a fixed today, for a calendar-year and a July fiscal year."""

from __future__ import annotations

from datetime import date

import pytest

from simulator.faults import InvalidEnum
from simulator.reports.params import period_for_macro

TODAY = date(2026, 11, 18)  # a Wednesday


@pytest.mark.parametrize(("macro", "fiscal", "expected"), [
    ("Today", 1, ("2026-11-18", "2026-11-18")),
    ("Yesterday", 1, ("2026-11-17", "2026-11-17")),
    ("This Week", 1, ("2026-11-15", "2026-11-21")),  # Sunday to Saturday
    ("Last Week-to-date", 1, ("2026-11-08", "2026-11-11")),
    ("This Month-to-date", 1, ("2026-11-01", "2026-11-18")),
    ("Last Month", 1, ("2026-10-01", "2026-10-31")),
    ("Next Month", 1, ("2026-12-01", "2026-12-31")),
    ("This Fiscal Quarter", 1, ("2026-10-01", "2026-12-31")),
    ("Last Fiscal Quarter", 7, ("2026-07-01", "2026-09-30")),
    ("This Fiscal Year", 1, ("2026-01-01", "2026-12-31")),
    ("This Fiscal Year", 7, ("2026-07-01", "2027-06-30")),
    ("Last Fiscal Year", 7, ("2025-07-01", "2026-06-30")),
    ("this fiscal year-to-date", 7, ("2026-07-01", "2026-11-18")),
    ("Last Fiscal Year-to-date", 1, ("2025-01-01", "2025-11-18")),
    ("Next Fiscal Year", 7, ("2027-07-01", "2028-06-30")),
])
def test_macros(macro: str, fiscal: int, expected: tuple[str, str]) -> None:
    start, end = period_for_macro(macro, TODAY, fiscal)
    assert (start.isoformat(), end.isoformat()) == expected


def test_unknown_macro_is_2170() -> None:
    with pytest.raises(InvalidEnum) as raised:
        period_for_macro("Last Decade", TODAY)
    assert raised.value.element == "date_macro"
