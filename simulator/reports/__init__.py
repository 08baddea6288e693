"""Reports (``GET /v3/company/<realm>/reports/<name>``) computed from the company's ledger.

:func:`run` reads the query parameters (:mod:`.params`), builds the company's
:class:`~simulator.ledger.Ledger` on the asked basis and hands both to the report's builder, which
returns QBO's report JSON (``Header``/``Columns``/``Rows``, :mod:`.cells`). Report names are
matched case-insensitively [INF] and answered with QBO's canonical spelling in ``ReportName``;
an unknown name is the same 500 Unsupported Operation an unknown resource gets. Nothing here
imports Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from simulator.faults import UnsupportedOperation
from simulator.ledger import Ledger
from simulator.reports.general_ledger import general_ledger
from simulator.reports.params import ReportParams, read_params
from simulator.reports.receivables import aged_receivable_detail, aged_receivables, customer_balance
from simulator.reports.statements import balance_sheet, profit_and_loss, trial_balance

if TYPE_CHECKING:
    from simulator.company import Company

__all__ = ["REPORTS", "ReportType", "run", "report_names"]

Builder = Callable[["Company", Ledger, ReportParams], dict[str, Any]]


@dataclass(frozen=True)
class ReportType:
    name: str  # QBO's spelling: "ProfitAndLoss"
    build: Builder
    #: summarize_column_by values the report computes besides Total
    columns_by: frozenset[str] = frozenset()
    default_macro: str = "This Fiscal Year-to-date"


REPORTS: dict[str, ReportType] = {r.name.lower(): r for r in (
    ReportType("ProfitAndLoss", profit_and_loss, frozenset({"Month", "Quarter", "Year", "Customers"})),
    ReportType("BalanceSheet", balance_sheet, frozenset({"Month", "Quarter", "Year"})),
    ReportType("TrialBalance", trial_balance),
    ReportType("GeneralLedger", general_ledger),
    ReportType("AgedReceivables", aged_receivables),
    ReportType("AgedReceivableDetail", aged_receivable_detail),
    ReportType("CustomerBalance", customer_balance, default_macro="All"),
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
    with company.lock:  # a consistent view: no write lands half-way through reading the books
        ledger = Ledger(company, params.basis)
        return kind.build(company, ledger, params)
