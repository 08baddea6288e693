"""The ledger without HTTP: every record's postings balance, and a new entity plugs in by registering a rule."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from simulator import ledger, reports
from simulator.clock import SimClock
from simulator.company import Company
from simulator.entities import BY_NAME
from simulator.entities.base import op_for
from simulator.ledger import Ledger, Posting, register
from simulator.seed import build_company


@pytest.fixture
def company() -> Company:
    return build_company("4620816365000001", region="AU", clock=SimClock(), customers=2)


def write(company: Company, entity: str, body: dict[str, Any]) -> dict[str, Any]:
    return BY_NAME[entity].create(company, body, op_for(company))


def applied(invoice: dict[str, Any], amount: float) -> list[dict[str, Any]]:
    return [{"Amount": amount, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}]


def sale(amount: float, code: str = "5") -> dict[str, Any]:
    return {"DetailType": "SalesItemLineDetail", "Amount": amount,
            "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": {"value": code}}}


def test_every_transaction_balances_on_both_bases(company: Company) -> None:
    invoice = write(company, "Invoice", {"CustomerRef": {"value": "1"}, "TxnDate": "2026-01-05", "Deposit": 33,
                                         "Line": [sale(333.33), sale(66.67, "6"), {
                                             "DetailType": "DiscountLineDetail", "DiscountLineDetail": {
                                                 "PercentBased": True, "DiscountPercent": 7}}]})
    write(company, "Payment", {"CustomerRef": {"value": "1"}, "TxnDate": "2026-01-20", "TotalAmt": 101.01,
                               "Line": applied(invoice, 100)})
    write(company, "CreditMemo", {"CustomerRef": {"value": "2"}, "TxnDate": "2026-01-21", "Line": [sale(12.34)]})
    for basis in ("Accrual", "Cash"):
        books = Ledger(company, basis)
        by_txn: dict[tuple[str, str], Decimal] = {}
        for posting in books:
            key = (posting.txn_type, posting.txn_id)
            by_txn[key] = by_txn.get(key, Decimal(0)) + posting.amount
        assert by_txn and all(total == 0 for total in by_txn.values()), (basis, by_txn)


def test_cash_basis_recognises_a_partial_payment_in_proportion(company: Company) -> None:
    invoice = write(company, "Invoice", {"CustomerRef": {"value": "1"}, "TxnDate": "2026-01-05",
                                         "Line": [sale(200), sale(100, "6")]})  # 300 + GST 20 = 320
    write(company, "Payment", {"CustomerRef": {"value": "1"}, "TxnDate": "2026-02-01", "TotalAmt": 80,
                               "Line": applied(invoice, 80)})
    cash = Ledger(company, "Cash")
    balances = cash.balances(cash)
    sales = ledger.account_for(company, "Income", name="Sales")
    assert balances[sales] == Decimal("-75.00")  # 300 x 80/320
    gst = ledger.tax_account(company, "1")  # the seeded GST liability account (or the agency stand-in)
    assert balances[gst] == Decimal("-5.00")  # 20 x 80/320
    assert all(p.txn_date == date(2026, 2, 1) for p in cash)


@pytest.fixture
def fee_rule() -> Iterator[None]:
    """A made-up transaction type, registered the way the other branch registers SalesReceipt and Bill."""
    def fee_postings(company: Company, record: dict[str, Any], basis: str) -> list[Posting]:
        base = {"txn_date": date.fromisoformat(record["TxnDate"]), "txn_type": "BankFee", "txn_id": record["Id"]}
        bank = ledger.account_for(company, "Bank")
        fees = ledger.account_for(company, "Cost of Goods Sold")
        amount = Decimal(str(record["Amount"]))
        return [Posting(fees, amount, **base), Posting(bank, -amount, **base)]

    register("BankFee", fee_postings)
    yield
    del ledger.RULES["BankFee"]


def test_a_registered_entity_reaches_every_report(company: Company, fee_rule: None) -> None:
    company.store("BankFee").put({"Id": "1", "TxnDate": "2026-03-02", "Amount": 12.5}, 0)
    args = {"start_date": "2026-03-01", "end_date": "2026-03-31"}
    pnl = reports.run(company, "ProfitAndLoss", args)
    cogs = next(r for r in pnl["Rows"]["Row"] if r.get("group") == "COGS")
    assert cogs["Summary"]["ColData"][1]["value"] == "12.50"
    net = next(r for r in pnl["Rows"]["Row"] if r.get("group") == "NetIncome")
    assert net["Summary"]["ColData"][1]["value"] == "-12.50"
    sheet = reports.run(company, "BalanceSheet", args)
    assets = sheet["Rows"]["Row"][0]["Summary"]["ColData"][1]["value"]
    assert assets == "-12.50"  # the bank account paid it
    ledger_report = reports.run(company, "GeneralLedger", args)
    assert any(r["ColData"][1]["value"] == "BankFee" for s in ledger_report["Rows"]["Row"] for r in s["Rows"]["Row"])
