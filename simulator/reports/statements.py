"""ProfitAndLoss, BalanceSheet and TrialBalance, computed from the ledger.

Sections and group names follow Intuit's report references per locale (ProfitAndLoss "Values based
on locales": US/GB ``Income COGS GrossProfit Expenses NetOperatingIncome OtherIncome OtherExpenses
NetOtherIncome NetIncome``, AU ``Income COGS GrossProfit OtherIncome Expenses OtherExpenses
NetIncome``, CA without ``GrossProfit``) and the captured BalanceSheet in quickbooks-ruby
(``TotalAssets > CurrentAssets > BankAccounts/AR/OtherCurrentAssets``, ``FixedAssets``,
``TotalLiabilitiesAndEquity > Liabilities > CurrentLiabilities > AP/CreditCards/
OtherCurrentLiabilities``, ``LongTermLiabilities``, ``Equity`` with a ``NetIncome`` row).

An account appears when it has postings in the report's period (even if they net to zero, as the
captured "Arizona Dept. of Revenue Payable 0.00"); rows are sorted by account name. Income and
Expenses sections are always present, other account sections only with rows, computed lines
(Gross Profit, Net Income ...) always [INF from the documented sample, whose empty Expenses
section has a blank total].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.faults import InvalidProperty
from simulator.ledger import Ledger, Posting
from simulator.reports.accounts import account_rows
from simulator.reports.cells import amount, cell, column, data_row, header, report, section, summary_section
from simulator.reports.params import MAX_COLUMNS, ReportParams, add_months, fiscal_year_start, month_end

if TYPE_CHECKING:
    from simulator.company import Company

__all__ = ["profit_and_loss", "balance_sheet", "trial_balance"]

ZERO = Decimal(0)
PL_TYPES = {"Income": "Income", "COGS": "Cost of Goods Sold", "Expenses": "Expense",
            "OtherIncome": "Other Income", "OtherExpenses": "Other Expense"}
PL_TITLES = {"Income": "Income", "COGS": "Cost of Goods Sold", "Expenses": "Expenses",
             "OtherIncome": "Other Income", "OtherExpenses": "Other Expenses"}
CREDIT_NATURE = frozenset({"Income", "Other Income", "Accounts Payable", "Credit Card", "Other Current Liability",
                           "Long Term Liability", "Equity"})
P_AND_L_ACCOUNT_TYPES = frozenset(PL_TYPES.values())
PL_LAYOUTS = {
    "US": ("Income", "COGS", "GrossProfit", "Expenses", "NetOperatingIncome", "OtherIncome", "OtherExpenses",
           "NetOtherIncome", "NetIncome"),
    "AU": ("Income", "COGS", "GrossProfit", "OtherIncome", "Expenses", "OtherExpenses", "NetIncome"),
    "CA": ("Income", "COGS", "Expenses", "OtherIncome", "OtherExpenses", "NetIncome"),
}
PL_LAYOUTS["GB"] = PL_LAYOUTS["UK"] = PL_LAYOUTS["US"]
PL_LAYOUTS["IN"] = PL_LAYOUTS["AU"]
ALWAYS_SHOWN = frozenset({"Income", "Expenses"})
COMPUTED_TITLES = {"GrossProfit": "Gross Profit", "NetOperatingIncome": "Net Operating Income",
                   "NetOtherIncome": "Net Other Income", "NetIncome": "Net Income"}


@dataclass(frozen=True)
class Col:
    """One money column: its title and which postings it adds up."""

    title: str
    key: str
    test: Callable[[Posting], bool]
    as_of: date | None = None  # balance-sheet columns: the date balances are taken at


def natural(account_type: str, debit_balance: Decimal) -> Decimal:
    """A balance as the report shows it: credit-natured accounts (income, liabilities) positive when in credit."""
    return -debit_balance if account_type in CREDIT_NATURE else debit_balance


# -- columns ---------------------------------------------------------------------------------------

def _periods(params: ReportParams, company: Company) -> list[tuple[date, date]]:
    if params.summarize == "Month":
        step = 1
    elif params.summarize == "Quarter":
        step = 3
    elif params.summarize == "Year":
        step = 12
    else:
        return [(params.start, params.end)]
    anchor = params.start.replace(day=1)
    if step == 12:
        anchor = fiscal_year_start(company, params.start)
    elif step == 3:
        fiscal = fiscal_year_start(company, params.start)
        while add_months(fiscal, 3) <= params.start:
            fiscal = add_months(fiscal, 3)
        anchor = fiscal
    if (params.end.year - anchor.year) * 12 // step > MAX_COLUMNS:
        raise InvalidProperty(element="summarize_column_by",
                              reason=f"summarize_column_by:{params.summarize} makes more than {MAX_COLUMNS} columns")
    out = []
    while anchor <= params.end:
        stop = add_months(anchor, step) - timedelta(days=1)
        out.append((max(anchor, params.start), min(stop, params.end)))
        anchor = add_months(anchor, step)
    return out


def _period_title(start: date, end: date) -> str:
    if (start.year, start.month) == (end.year, end.month):
        return start.strftime("%b %Y")
    if start.year == end.year:
        return f"{start:%b} - {end:%b %Y}"
    return f"{start:%b %Y} - {end:%b %Y}"


def _customer_test(params: ReportParams) -> Callable[[Posting], bool]:
    if not params.customers:
        return lambda p: True
    wanted = frozenset(params.customers)
    return lambda p: p.name_id in wanted


def _range_test(start: date | None, end: date, extra: Callable[[Posting], bool]) -> Callable[[Posting], bool]:
    return lambda p: (start is None or p.txn_date >= start) and p.txn_date <= end and extra(p)


def pl_columns(company: Company, ledger: Ledger, params: ReportParams) -> list[Col]:
    who = _customer_test(params)
    total = Col("Total", "total", _range_test(params.start, params.end, who))
    if params.summarize == "Total":
        return [total]
    if params.summarize == "Customers":
        names: dict[str, str] = {}
        for p in ledger.between(params.start, params.end):
            if p.name_id and who(p) and _is_pl(ledger, p.account_id):
                names.setdefault(p.name_id, p.name)
        cols = [Col(name, name_id, (lambda nid: lambda p: p.name_id == nid and total.test(p))(name_id))
                for name_id, name in sorted(names.items(), key=lambda kv: kv[1].casefold())]
        if any(not p.name_id for p in ledger.between(params.start, params.end) if _is_pl(ledger, p.account_id)):
            cols.append(Col("Not Specified", "not_specified", lambda p: not p.name_id and total.test(p)))
        return [*cols, total]
    cols = [Col(_period_title(s, e), s.isoformat()[:7], _range_test(s, e, who)) for s, e in _periods(params, company)]
    return [*cols, total]


def _is_pl(ledger: Ledger, account_id: str) -> bool:
    return ledger.account(account_id).get("AccountType") in P_AND_L_ACCOUNT_TYPES


# -- profit and loss ---------------------------------------------------------------------------

def profit_and_loss(company: Company, ledger: Ledger, params: ReportParams) -> dict[str, Any]:
    cols = pl_columns(company, ledger, params)
    in_period = [p for p in ledger.between(params.start, params.end) if _is_pl(ledger, p.account_id)]
    totals: dict[str, list[Decimal]] = {}
    rows: list[dict[str, Any]] = []
    layout = PL_LAYOUTS.get(company.country, PL_LAYOUTS["US"])
    for group in layout:
        if group in PL_TYPES:
            sec, sums = _account_section(ledger, in_period, cols, PL_TYPES[group], PL_TITLES[group], group)
            totals[group] = sums
            if sec is not None:
                rows.append(sec)
            continue
        value = _computed(group, totals, len(cols))
        rows.append(summary_section(group, [cell(COMPUTED_TITLES[group]), *[cell(amount(v)) for v in value]]))
    head = header(company, "ProfitAndLoss", params, summarize=True,
                  options=[("AccountingStandard", "GAAP")], has_data=bool(in_period))
    columns = [column("", "Account", "account"), *[column(c.title, "Money", c.key) for c in cols]]
    return report(head, columns, rows)


def _computed(group: str, totals: dict[str, list[Decimal]], width: int) -> list[Decimal]:
    def get(name: str) -> list[Decimal]:
        return totals.get(name, [ZERO] * width)

    def combine(*terms: tuple[int, str]) -> list[Decimal]:
        return [sum((sign * get(name)[i] for sign, name in terms), ZERO) for i in range(width)]

    if group == "GrossProfit":
        return combine((1, "Income"), (-1, "COGS"))
    if group == "NetOperatingIncome":
        return combine((1, "Income"), (-1, "COGS"), (-1, "Expenses"))
    if group == "NetOtherIncome":
        return combine((1, "OtherIncome"), (-1, "OtherExpenses"))
    return combine((1, "Income"), (-1, "COGS"), (-1, "Expenses"), (1, "OtherIncome"), (-1, "OtherExpenses"))


def _account_section(ledger: Ledger, postings: list[Posting], cols: list[Col], account_type: str, title: str,
                     group: str) -> tuple[dict[str, Any] | None, list[Decimal]]:
    by_account: dict[str, list[Posting]] = {}
    for p in postings:
        if ledger.account(p.account_id).get("AccountType") == account_type:
            by_account.setdefault(p.account_id, []).append(p)
    values = {account_id: [natural(account_type, sum((p.amount for p in items if c.test(p)), ZERO)) for c in cols]
              for account_id, items in by_account.items() if any(c.test(p) for c in cols for p in items)}
    rows, sums = account_rows(ledger, values, len(cols))
    if not rows and group not in ALWAYS_SHOWN:
        return None, sums
    blank = [cell("") for _ in cols]
    summary = [cell(f"Total {title}"), *([cell(amount(v)) for v in sums] if rows else blank)]
    return section([cell(title), *blank], rows, summary, group), sums


def _name(ledger: Ledger, account_id: str) -> str:
    return str(ledger.account(account_id).get("Name", ""))


# -- balance sheet -----------------------------------------------------------------------------

BS_LAYOUT: tuple[Any, ...] = (
    ("TotalAssets", "ASSETS", "TOTAL ASSETS", (
        ("CurrentAssets", "Current Assets", "Total Current Assets", (
            ("BankAccounts", "Bank Accounts", "Bank"),
            ("AR", "Accounts Receivable", "Accounts Receivable"),
            ("OtherCurrentAssets", "Other current assets", "Other Current Asset"),
        )),
        ("FixedAssets", "Fixed Assets", "Fixed Asset"),
        ("OtherAssets", "Other Assets", "Other Asset"),
    )),
    ("TotalLiabilitiesAndEquity", "LIABILITIES AND EQUITY", "TOTAL LIABILITIES AND EQUITY", (
        ("Liabilities", "Liabilities", "Total Liabilities", (
            ("CurrentLiabilities", "Current Liabilities", "Total Current Liabilities", (
                ("AP", "Accounts Payable", "Accounts Payable"),
                ("CreditCards", "Credit Cards", "Credit Card"),
                ("OtherCurrentLiabilities", "Other Current Liabilities", "Other Current Liability"),
            )),
            ("LongTermLiabilities", "Long-Term Liabilities", "Long Term Liability"),
        )),
        ("Equity", "Equity", "Equity"),
    )),
)


@dataclass
class _AsOf:
    """Balances at one date: per balance-sheet account, plus the equity lines QBO derives."""

    balances: dict[str, Decimal]  # debit-positive
    active: set[str]  # accounts with postings up to the date
    retained: Decimal  # credit-positive: P&L of earlier fiscal years + postings to Retained Earnings
    net_income: Decimal  # credit-positive: this fiscal year to the date


def _as_of(company: Company, ledger: Ledger, when: date) -> _AsOf:
    fiscal_start = fiscal_year_start(company, when)
    balances: dict[str, Decimal] = {}
    active: set[str] = set()
    retained = net = ZERO
    retained_id = _retained_earnings_id(company)
    for p in ledger.between(None, when):
        account_type = ledger.account(p.account_id).get("AccountType")
        if account_type in P_AND_L_ACCOUNT_TYPES:
            if p.txn_date >= fiscal_start:
                net -= p.amount
            else:
                retained -= p.amount
            continue
        if p.account_id == retained_id:
            retained -= p.amount
            continue
        balances[p.account_id] = balances.get(p.account_id, ZERO) + p.amount
        active.add(p.account_id)
    return _AsOf(balances, active, retained, net)


def _retained_earnings_id(company: Company) -> str:
    for record in company.store("Account"):
        if record.get("AccountSubType") == "RetainedEarnings" or record.get("Name") == "Retained Earnings":
            return str(record["Id"])
    return ""


def bs_columns(company: Company, params: ReportParams) -> list[Col]:
    if params.summarize in ("Total", "Customers"):
        return [Col("Total", "total", lambda p: True, as_of=params.end)]
    return [Col(_period_title(s, e), s.isoformat()[:7], lambda p: True, as_of=e)
            for s, e in _periods(params, company)]


def balance_sheet(company: Company, ledger: Ledger, params: ReportParams) -> dict[str, Any]:
    cols = bs_columns(company, params)
    states = [_as_of(company, ledger, c.as_of or params.end) for c in cols]
    rows = [_bs_node(company, ledger, node, states)[0] for node in BS_LAYOUT]
    has_data = any(s.active or s.net_income or s.retained for s in states)
    head = header(company, "BalanceSheet", params, summarize=True, options=[("AccountingStandard", "GAAP")],
                  has_data=has_data)
    columns = [column("", "Account", "account"), *[column(c.title, "Money", c.key) for c in cols]]
    return report(head, columns, [r for r in rows if r is not None])


def _bs_node(company: Company, ledger: Ledger, node: tuple[Any, ...], states: list[_AsOf]
             ) -> tuple[dict[str, Any] | None, list[Decimal]]:
    width = len(states)
    blank = [cell("") for _ in range(width)]
    if len(node) == 3 and isinstance(node[2], str):  # a leaf: accounts of one type
        group, title, account_type = node
        ids = {a for s in states for a in s.active if ledger.account(a).get("AccountType") == account_type}
        rows, sums = account_rows(ledger, {a: [natural(account_type, s.balances.get(a, ZERO)) for s in states]
                                           for a in ids}, width)
        if account_type == "Equity":
            retained_id = _retained_earnings_id(company)
            retained = [s.retained for s in states]
            net = [s.net_income for s in states]
            rows.append(data_row([cell("Retained Earnings", retained_id or None),
                                  *[cell(amount(v, blank_zero=True)) for v in retained]]))
            rows.append(data_row([cell("Net Income"), *[cell(amount(v, blank_zero=True)) for v in net]],
                                 group="NetIncome"))
            sums = [a + b + c for a, b, c in zip(sums, retained, net, strict=True)]
        elif not rows:
            return None, sums
        return section([cell(title), *blank], rows, [cell(f"Total {title}"), *[cell(amount(v)) for v in sums]],
                       group), sums
    group, title, total_title, children = node
    rows, sums = [], [ZERO] * width
    for child in children:
        row, child_sums = _bs_node(company, ledger, child, states)
        if row is not None:
            rows.append(row)
            sums = [a + b for a, b in zip(sums, child_sums, strict=True)]
    if not rows and group not in ("TotalAssets", "TotalLiabilitiesAndEquity", "Liabilities"):
        return None, sums
    return section([cell(title), *blank], rows, [cell(total_title), *[cell(amount(v)) for v in sums]], group), sums


# -- trial balance -----------------------------------------------------------------------------

TB_ORDER = ("Bank", "Accounts Receivable", "Other Current Asset", "Fixed Asset", "Other Asset",
            "Accounts Payable", "Credit Card", "Other Current Liability", "Long Term Liability", "Equity",
            "Income", "Cost of Goods Sold", "Expense", "Other Income", "Other Expense")


def trial_balance(company: Company, ledger: Ledger, params: ReportParams) -> dict[str, Any]:
    """Debit and credit balance of every account at ``end_date``.

    Balance-sheet accounts carry everything up to the date; income and expense accounts this
    fiscal year's postings, earlier years' profit sitting in Retained Earnings (how QBO closes a
    year) [INF].
    """
    state = _as_of(company, ledger, params.end)
    fiscal_start = fiscal_year_start(company, params.end)
    balances = dict(state.balances)
    for p in ledger.between(fiscal_start, params.end):
        if _is_pl(ledger, p.account_id):
            balances[p.account_id] = balances.get(p.account_id, ZERO) + p.amount
    retained_id = _retained_earnings_id(company) or "retained"
    if state.retained:
        balances[retained_id] = balances.get(retained_id, ZERO) - state.retained

    def order(account_id: str) -> tuple[int, str]:
        record = _account_or_retained(ledger, account_id)
        kind = record.get("AccountType", "")
        return (TB_ORDER.index(kind) if kind in TB_ORDER else len(TB_ORDER), str(record.get("Name", "")).casefold())

    rows = []
    debits = credits = ZERO
    for account_id in sorted((a for a, v in balances.items() if v), key=order):
        value = balances[account_id]
        record = _account_or_retained(ledger, account_id)
        debit, credit = (value, None) if value > 0 else (None, -value)
        debits += debit or ZERO
        credits += credit or ZERO
        rows.append(data_row([cell(record.get("Name", ""), record.get("Id") or None), cell(amount(debit)),
                              cell(amount(credit))]))
    rows.append(summary_section("GrandTotal", [cell("TOTAL"), cell(amount(debits)), cell(amount(credits))]))
    head = header(company, "TrialBalance", params, summarize=True, has_data=len(rows) > 1)
    columns = [column("", "Account", "account"), column("Debit", "Money", "debt_amt"),
               column("Credit", "Money", "credit_amt")]
    return report(head, columns, rows)


def _account_or_retained(ledger: Ledger, account_id: str) -> dict[str, Any]:
    if account_id == "retained":
        return {"Id": "", "Name": "Retained Earnings", "AccountType": "Equity"}
    return ledger.account(account_id)


def end_of_month(day: date) -> date:
    return month_end(day)
