"""GeneralLedger: every posting of the period, one section per account, with running balances.

Columns are QBO's column keys (Intuit's GeneralLedger reference, ``columns``; the default set is
the starred one: ``tx_date, txn_type, doc_num, name, memo, split_acc, subt_nat_amount,
rbal_nat_amount``). Amounts are from the account's side (income and liabilities positive when
credited, as the documented sample shows income positive and discounts negative). An account's
section opens with its balance before the period (balance-sheet accounts since the beginning,
income and expense accounts since the fiscal year began) [INF] and ends with "Total for <account>".
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.faults import InvalidEnum
from simulator.ledger import Ledger, Posting
from simulator.reports.cells import amount, cell, column, data_row, header, report, section
from simulator.reports.params import ReportParams, fiscal_year_start
from simulator.reports.receivables import TXN_TYPE_TITLES
from simulator.reports.statements import P_AND_L_ACCOUNT_TYPES, TB_ORDER, natural

if TYPE_CHECKING:
    from simulator.company import Company

__all__ = ["general_ledger", "GL_COLUMNS", "DEFAULT_COLUMNS"]

ZERO = Decimal(0)
GL_COLUMNS = {"tx_date": "Date", "txn_type": "Transaction Type", "doc_num": "Num", "name": "Name",
              "cust_name": "Customer", "memo": "Memo/Description", "split_acc": "Split", "account_name": "Account",
              "subt_nat_amount": "Amount", "rbal_nat_amount": "Balance", "debt_amt": "Debit",
              "credit_amt": "Credit"}
DEFAULT_COLUMNS = ("tx_date", "txn_type", "doc_num", "name", "memo", "split_acc", "subt_nat_amount",
                   "rbal_nat_amount")
MONEY_COLUMNS = frozenset({"subt_nat_amount", "rbal_nat_amount", "debt_amt", "credit_amt"})


def general_ledger(company: Company, ledger: Ledger, params: ReportParams) -> dict[str, Any]:
    keys = params.columns or DEFAULT_COLUMNS
    for key in keys:
        if key not in GL_COLUMNS:
            raise InvalidEnum(element="columns", value=f"columns:{key}")
    wanted_customers = frozenset(params.customers)
    wanted_accounts = frozenset(params.accounts)

    def chosen(p: Posting) -> bool:
        return (not wanted_customers or p.name_id in wanted_customers) and \
            (not wanted_accounts or p.account_id in wanted_accounts)

    fiscal_start = fiscal_year_start(company, params.start)
    opening: dict[str, Decimal] = {}
    for p in ledger.between(None, None):
        if p.txn_date >= params.start or not chosen(p):
            continue
        pl = ledger.account(p.account_id).get("AccountType") in P_AND_L_ACCOUNT_TYPES
        if not pl or p.txn_date >= fiscal_start:
            opening[p.account_id] = opening.get(p.account_id, ZERO) + p.amount
    period = [p for p in ledger.between(params.start, params.end) if chosen(p)]
    accounts_in_txn: dict[tuple[str, str], set[str]] = {}
    for p in ledger.between(params.start, params.end):
        accounts_in_txn.setdefault((p.txn_type, p.txn_id), set()).add(p.account_id)
    by_account: dict[str, list[Posting]] = {}
    for p in period:
        by_account.setdefault(p.account_id, []).append(p)
    for account_id, value in opening.items():
        if value:
            by_account.setdefault(account_id, [])

    def order(account_id: str) -> tuple[int, str]:
        kind = ledger.account(account_id).get("AccountType", "")
        return (TB_ORDER.index(kind) if kind in TB_ORDER else len(TB_ORDER),
                str(ledger.account(account_id).get("Name", "")).casefold())

    rows = []
    for account_id in sorted(by_account, key=order):
        record = ledger.account(account_id)
        kind = str(record.get("AccountType", ""))
        balance = natural(kind, opening.get(account_id, ZERO))
        data = []
        if balance:
            data.append(data_row([_opening_cell(key, balance) for key in keys]))
        total = ZERO
        for p in by_account[account_id]:
            value = natural(kind, p.amount)
            total += value
            balance += value
            others = accounts_in_txn.get((p.txn_type, p.txn_id), set()) - {account_id}
            data.append(data_row([_cell(key, p, value, balance, record, others, ledger) for key in keys]))
        summary = [cell(f"Total for {record.get('Name', '')}") if i == 0 else
                   cell(amount(total)) if key == "subt_nat_amount" else
                   cell(amount(balance)) if key == "rbal_nat_amount" else cell("")
                   for i, key in enumerate(keys)]
        title = [cell(record.get("Name", ""), record.get("Id") or None), *[cell("") for _ in keys[1:]]]
        rows.append(section(title, data, summary))
    head = header(company, "GeneralLedger", params, has_data=bool(period))
    columns = [column(GL_COLUMNS[key], key) for key in keys]
    return report(head, columns, rows)


def _opening_cell(key: str, balance: Decimal) -> dict[str, str]:
    if key == "tx_date":
        return cell("Beginning Balance")
    if key == "rbal_nat_amount":
        return cell(amount(balance))
    return cell("")


def _cell(key: str, p: Posting, value: Decimal, balance: Decimal, record: dict[str, Any], others: set[str],
          ledger: Ledger) -> dict[str, str]:
    if key == "tx_date":
        return cell(p.txn_date.isoformat())
    if key == "txn_type":
        return cell(TXN_TYPE_TITLES.get(p.txn_type, p.txn_type), p.txn_id)
    if key == "doc_num":
        return cell(p.doc_number)
    if key in ("name", "cust_name"):
        return cell(p.name, p.name_id or None)
    if key == "memo":
        return cell(p.memo)
    if key == "split_acc":
        if len(others) == 1:
            other = ledger.account(next(iter(others)))
            return cell(other.get("Name", ""), other.get("Id") or None)
        return cell("-Split-" if others else "")
    if key == "account_name":
        return cell(record.get("Name", ""), record.get("Id") or None)
    if key == "subt_nat_amount":
        return cell(amount(value))
    if key == "rbal_nat_amount":
        return cell(amount(balance))
    if key == "debt_amt":
        return cell(amount(p.debit, blank_zero=True))
    return cell(amount(p.credit, blank_zero=True))  # credit_amt
