"""Reports (``GET /v3/company/<realm>/reports/<name>``) computed from the company's ledger.

:func:`run` reads the query parameters (:mod:`.params`), builds the company's
:class:`~simulator.ledger.Ledger` on the asked basis and hands both to the report's builder, which
returns QBO's report JSON (``Header``/``Columns``/``Rows``, :mod:`.cells`). Report names are
matched case-insensitively [INF] and answered with QBO's canonical spelling in ``ReportName``;
an unknown name is the same 500 Unsupported Operation an unknown resource gets. Nothing here
imports Flask.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from simulator.faults import UnsupportedOperation
from simulator.reports.params import ReportParams, read_params

if TYPE_CHECKING:
    from simulator.company import Company
    from simulator.ledger import Ledger

__all__ = ["REPORTS", "ReportType", "run", "report_names"]

Builder = Callable[["Company", "Ledger", ReportParams], dict[str, Any]]


@dataclass(frozen=True)
class ReportType:
    name: str  # QBO's spelling: "ProfitAndLoss"
    #: "module:function" under simulator.reports, imported on first use (start-up stays cheap)
    builder: str
    #: summarize_column_by values the report computes besides Total
    columns_by: frozenset[str] = frozenset()
    default_macro: str = "This Fiscal Year-to-date"

    @property
    def build(self) -> Builder:
        module, function = self.builder.split(":")
        return getattr(importlib.import_module(f"simulator.reports.{module}"), function)  # type: ignore[no-any-return]


REPORTS: dict[str, ReportType] = {r.name.lower(): r for r in (
    ReportType("ProfitAndLoss", "statements:profit_and_loss", frozenset({"Month", "Quarter", "Year", "Customers"})),
    ReportType("BalanceSheet", "statements:balance_sheet", frozenset({"Month", "Quarter", "Year"})),
    ReportType("TrialBalance", "statements:trial_balance"),
    ReportType("GeneralLedger", "general_ledger:general_ledger"),
    ReportType("AgedReceivables", "receivables:aged_receivables"),
    ReportType("AgedReceivableDetail", "receivables:aged_receivable_detail"),
    ReportType("CustomerBalance", "receivables:customer_balance", default_macro="All"),
)}


def report_names() -> list[str]:
    return sorted(r.name for r in REPORTS.values())


def run(company: Company, name: str, args: Mapping[str, str], *, full_path: str = "") -> dict[str, Any]:
    """The report ``name`` for ``company`` with the query parameters ``args``; faults for bad input."""
    kind = REPORTS.get(name.lower())
    if kind is None:
        raise UnsupportedOperation(
            operation=f"Could not find resource for relative : /v3/company/:realmid/reports/{name} "
                      f"of full path: {full_path}")
    params = read_params(company, args, default_macro=kind.default_macro)
    if params.summarize != "Total" and params.summarize not in kind.columns_by:
        raise UnsupportedOperation(operation=f"summarize_column_by={params.summarize} on {kind.name} in the simulator")
    from simulator.ledger import Ledger

    build = kind.build
    with company.lock:  # a consistent view: no write lands half-way through reading the books
        ledger = Ledger(company, params.basis)
        return build(company, ledger, params)
