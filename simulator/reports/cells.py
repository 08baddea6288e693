"""Building blocks of QBO's report JSON: Header, Columns, Rows of Section/Data with ColData cells.

Shape (Intuit's report references and captured reports, e.g. quickbooks-ruby ``balancesheet.xml``):

* ``Header``: ``Time``, ``ReportName``, ``DateMacro`` (when the period came from one),
  ``ReportBasis``, ``StartPeriod``, ``EndPeriod``, ``SummarizeColumnsBy``, ``Currency``, the filter
  ids given (``Customer``: "1,4"), ``Option`` name/value pairs (``NoReportData`` always);
* ``Columns.Column[]``: ``ColTitle``, ``ColType``, ``MetaData`` (``ColKey``);
* ``Rows.Row[]``: a ``Data`` row has ``ColData`` (``{"value", "id"?}``, amounts as text with two
  decimals); a ``Section`` has ``Header``/``Rows``/``Summary`` and, for the report's fixed
  sections, a ``group`` name.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.clock import format_meta
from simulator.entities.base import cents

if TYPE_CHECKING:
    from simulator.company import Company
    from simulator.reports.params import ReportParams

__all__ = ["amount", "cell", "data_row", "section", "summary_section", "header", "column", "report"]

ZERO = Decimal(0)


def amount(value: Decimal | None, *, blank_zero: bool = False) -> str:
    """A money cell as QBO prints it: ``"1201.00"``, ``"-46.00"``; ``""`` for nothing."""
    if value is None or (blank_zero and value == 0):
        return ""
    return format(cents(value) + ZERO, "f")  # + 0 turns -0.00 into 0.00


def cell(value: Any, cell_id: str | None = None) -> dict[str, str]:
    out = {"value": "" if value is None else str(value)}
    if cell_id:
        out["id"] = str(cell_id)
    return out


def data_row(cells: list[dict[str, str]], group: str | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {"ColData": cells, "type": "Data"}
    if group:
        row["group"] = group
    return row


def section(title_cells: list[dict[str, str]] | None, rows: list[dict[str, Any]],
            summary_cells: list[dict[str, str]] | None, group: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if title_cells is not None:
        out["Header"] = {"ColData": title_cells}
    if rows:
        out["Rows"] = {"Row": rows}
    if summary_cells is not None:
        out["Summary"] = {"ColData": summary_cells}
    out["type"] = "Section"
    if group:
        out["group"] = group
    return out


def summary_section(group: str, cells: list[dict[str, str]]) -> dict[str, Any]:
    """A total-only section (``GrossProfit``, ``NetIncome``, ``GrandTotal``)."""
    return section(None, [], cells, group)


def column(title: str, col_type: str, key: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"ColTitle": title, "ColType": col_type}
    if key is not None:
        out["MetaData"] = [{"Name": "ColKey", "Value": key}]
    return out


def header(company: Company, name: str, params: ReportParams | None, *, basis: bool = True, period: bool = True,
           summarize: bool = False, options: list[tuple[str, str]] = (), has_data: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"Time": format_meta(company.now()), "ReportName": name}
    if params is not None:
        if params.macro:
            out["DateMacro"] = params.macro
        if basis:
            out["ReportBasis"] = params.basis
        if period:
            out["StartPeriod"] = params.start.isoformat()
            out["EndPeriod"] = params.end.isoformat()
        if summarize:
            out["SummarizeColumnsBy"] = params.summarize
    out["Currency"] = company.preferences.get("CurrencyPrefs", {}).get("HomeCurrency", {}).get("value", "USD")
    if params is not None and params.customers:
        out["Customer"] = ",".join(params.customers)
    if params is not None and params.accounts:
        out["Account"] = ",".join(params.accounts)
    out["Option"] = [{"Name": n, "Value": v} for n, v in options] + \
        [{"Name": "NoReportData", "Value": "false" if has_data else "true"}]
    return out


def report(head: dict[str, Any], columns: list[dict[str, Any]], rows: list[dict[str, Any]]) -> dict[str, Any]:
    body: dict[str, Any] = {"Header": head, "Columns": {"Column": columns}}
    body["Rows"] = {"Row": rows} if rows else {}
    return body
