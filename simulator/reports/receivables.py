"""AgedReceivables, AgedReceivableDetail and CustomerBalance: what customers owe, from the A/R postings.

Every A/R posting names its open item (the invoice, credit memo or unapplied payment it belongs
to), so what is open at ``report_date`` is the sum per open item of the postings dated up to it;
an item is aged by its due date (credit memos and payments by their date) [INF]: ``Current`` when
not yet due, then ``aging_period``-day buckets, the last one open-ended ("91 and over" with the
defaults 30 × 4). Shapes: Intuit's ARAgingSummary, ARAgingDetail and CustomerBalance references
(customer rows with blank empty buckets, a ``GrandTotal`` section "TOTAL" whose zeros print 0.00).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.ledger import AR_TYPE, Ledger, Posting
from simulator.reports.cells import amount, cell, column, data_row, header, report, section, summary_section
from simulator.reports.params import ReportParams

if TYPE_CHECKING:
    from simulator.company import Company

__all__ = ["aged_receivables", "aged_receivable_detail", "customer_balance", "open_items"]

ZERO = Decimal(0)
TXN_TYPE_TITLES = {"Invoice": "Invoice", "CreditMemo": "Credit Memo", "Payment": "Payment",
                   "SalesReceipt": "Sales Receipt", "RefundReceipt": "Refund", "JournalEntry": "Journal Entry"}


@dataclass
class OpenItem:
    origin: Posting  # the posting that opened it (the invoice's own A/R debit ...)
    original: Decimal  # its amount when opened
    open: Decimal  # what is still open at the report date
    customer_id: str
    customer: str

    @property
    def due(self) -> date:
        return self.origin.due_date or self.origin.txn_date


def open_items(company: Company, ledger: Ledger, as_of: date, customers: tuple[str, ...] = ()) -> list[OpenItem]:
    """Open A/R items at ``as_of`` (non-zero balances), oldest first."""
    sums: dict[tuple[str, str], Decimal] = {}
    origins: dict[tuple[str, str], Posting] = {}
    for p in ledger.between(None, as_of):
        if p.open_item is None or ledger.account(p.account_id).get("AccountType") != AR_TYPE:
            continue
        sums[p.open_item] = sums.get(p.open_item, ZERO) + p.amount
        if (p.txn_type, p.txn_id) == p.open_item:
            origins[p.open_item] = p
    wanted = frozenset(customers)
    out = []
    for key, balance in sums.items():
        origin = origins.get(key)
        if not balance or origin is None or (wanted and origin.name_id not in wanted):
            continue
        record = company.store("Customer").get(origin.name_id) or {}
        out.append(OpenItem(origin, origin.amount, balance, origin.name_id,
                            str(record.get("DisplayName") or origin.name)))
    out.sort(key=lambda item: (item.origin.txn_date, item.origin.txn_type, item.origin.txn_id))
    return out


def _buckets(params: ReportParams) -> list[str]:
    period, count = params.aging_period, params.num_periods
    titles = [f"{i * period + 1} - {(i + 1) * period}" for i in range(count - 1)]
    return ["Current", *titles, f"{(count - 1) * period + 1} and over"]


def _bucket(item: OpenItem, aged_on: date, params: ReportParams) -> int:
    days = (aged_on - item.due).days
    if days <= 0:
        return 0
    return min((days - 1) // params.aging_period, params.num_periods - 1) + 1


def _aged_on(company: Company, params: ReportParams, as_of: date) -> date:
    return company.now().date() if params.aging_method == "Current" else as_of


def _as_of(params: ReportParams) -> date:
    return params.report_date or params.end


def _header(company: Company, name: str, params: ReportParams, as_of: date, has_data: bool, *,
            period: bool = True) -> dict[str, Any]:
    """An explicit ``report_date`` is the report's only date (``EndPeriod``), as in the AR aging detail
    sample; a period (macro or dates) shows as every report shows it [DOC samples]."""
    if params.report_date is None:
        return header(company, name, params, basis=False, period=period,
                      options=[("report_date", as_of.isoformat())], has_data=has_data)
    shown = replace(params, macro=None)
    head = header(company, name, shown, basis=False, period=False,
                  options=[("report_date", as_of.isoformat())], has_data=has_data)
    return {**{k: v for k, v in head.items() if k in ("Time", "ReportName")}, "EndPeriod": as_of.isoformat(),
            **{k: v for k, v in head.items() if k not in ("Time", "ReportName")}}


def aged_receivables(company: Company, ledger: Ledger, params: ReportParams) -> dict[str, Any]:
    as_of = _as_of(params)
    titles = _buckets(params)
    aged_on = _aged_on(company, params, as_of)
    per_customer: dict[str, tuple[str, list[Decimal]]] = {}
    for item in open_items(company, ledger, as_of, params.customers):
        name, values = per_customer.setdefault(item.customer_id, (item.customer, [ZERO] * len(titles)))
        values[_bucket(item, aged_on, params)] += item.open
    rows = []
    totals = [ZERO] * len(titles)
    for customer_id, (name, values) in sorted(per_customer.items(), key=lambda kv: kv[1][0].casefold(),
                                              reverse=params.sort_descending):
        totals = [a + b for a, b in zip(totals, values, strict=True)]
        rows.append(data_row([cell(name, customer_id), *[cell(amount(v, blank_zero=True)) for v in values],
                              cell(amount(sum(values, ZERO)))]))
    rows.append(summary_section("GrandTotal", [cell("TOTAL"), *[cell(amount(v)) for v in totals],
                                               cell(amount(sum(totals, ZERO)))]))
    head = _header(company, "AgedReceivables", params, as_of, len(rows) > 1)
    columns = [column("", "Customer"), *[column(t, "Money") for t in titles], column("Total", "Money")]
    return report(head, columns, rows)


DETAIL_COLUMNS = (("tx_date", "Date"), ("txn_type", "Transaction Type"), ("doc_num", "Num"),
                  ("cust_name", "Customer"), ("due_date", "Due Date"), ("subt_amount", "Amount"),
                  ("subt_open_bal", "Open Balance"))


def aged_receivable_detail(company: Company, ledger: Ledger, params: ReportParams) -> dict[str, Any]:
    as_of = _as_of(params)
    titles = _buckets(params)
    detail_titles = ["Current", *[f"{t} days past due" for t in titles[1:-1]],
                     f"{(params.num_periods - 1) * params.aging_period + 1} or more days past due"]
    aged_on = _aged_on(company, params, as_of)
    groups: list[list[OpenItem]] = [[] for _ in titles]
    for item in open_items(company, ledger, as_of, params.customers):
        groups[_bucket(item, aged_on, params)].append(item)
    width = len(DETAIL_COLUMNS)
    rows = []
    grand_amount = grand_open = ZERO
    for index in reversed(range(len(titles))):  # oldest first, as QBO lists them [INF]
        items = groups[index]
        if not items:
            continue
        sum_amount = sum((i.original for i in items), ZERO)
        sum_open = sum((i.open for i in items), ZERO)
        grand_amount += sum_amount
        grand_open += sum_open
        data = [data_row([cell(i.origin.txn_date.isoformat()),
                          cell(TXN_TYPE_TITLES.get(i.origin.txn_type, i.origin.txn_type), i.origin.txn_id),
                          cell(i.origin.doc_number), cell(i.customer, i.customer_id), cell(i.due.isoformat()),
                          cell(amount(i.original)), cell(amount(i.open))]) for i in items]
        rows.append(section([cell(detail_titles[index]), *[cell("") for _ in range(width - 1)]], data,
                            [cell(f"Total for {detail_titles[index]}"), *[cell("") for _ in range(width - 3)],
                             cell(amount(sum_amount)), cell(amount(sum_open))]))
    if rows:
        rows.append(summary_section("GrandTotal", [cell("TOTAL"), *[cell("") for _ in range(width - 3)],
                                                   cell(amount(grand_amount)), cell(amount(grand_open))]))
    head = _header(company, "AgedReceivableDetail", params, as_of, bool(rows))
    columns = [column(title, key) for key, title in DETAIL_COLUMNS]
    return report(head, columns, rows)


def customer_balance(company: Company, ledger: Ledger, params: ReportParams) -> dict[str, Any]:
    as_of = _as_of(params)
    per_customer: dict[str, tuple[str, Decimal]] = {}
    for item in open_items(company, ledger, as_of, params.customers):
        name, value = per_customer.get(item.customer_id, (item.customer, ZERO))
        per_customer[item.customer_id] = (name, value + item.open)
    rows = []
    total = ZERO
    for customer_id, (name, value) in sorted(per_customer.items(), key=lambda kv: kv[1][0].casefold(),
                                             reverse=params.sort_descending):
        if not value:
            continue
        total += value
        rows.append(data_row([cell(name, customer_id), cell(amount(value))]))
    rows.append(summary_section("GrandTotal", [cell("TOTAL"), cell(amount(total))]))
    head = _header(company, "CustomerBalance", params, as_of, len(rows) > 1, period=False)
    return report(head, [column("", "Customer"), column("Total", "Money")], rows)
