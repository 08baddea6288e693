"""Reports over HTTP, every number checked against books computed by hand in this file.

The books (an Australian company: GST 10 % is tax code 5, GST free 6; item 1 "Services" earns
into the account "Sales"; the fiscal year starts in July):

=========  ==========  ========  ===================================  ===========
document   date        customer  lines                                total
=========  ==========  ========  ===================================  ===========
INV-1      2026-01-10  A         1000 GST (tax 100), due 2026-02-09   1100
INV-2      2026-02-01  B         500 GST (tax 50) + 200 GST free,     750
                                 due 2026-03-03
PAY        2026-02-20  A         600 applied to INV-1                 600
CM-1       2026-03-01  B         100 GST (tax 10)                     110
INV-3      2026-03-15  A         300 GST free, due 2026-03-15         300
=========  ==========  ========  ===================================  ===========

By hand, accrual, 1 Jan - 31 Mar 2026: income 1000 + 500 + 200 - 100 + 300 = 1900; GST owed
100 + 50 - 10 = 140; A/R 1100 + 750 - 600 - 110 + 300 = 1440; Undeposited Funds 600; so assets
2040 = liabilities 140 + net income 1900. Aging at 31 Mar: INV-1 500 open, 50 days past due
(31 - 60); INV-2 750 (28 days) and CM-1 -110 (30 days) and INV-3 300 (16 days) in 1 - 30.
Cash basis: only the payment counts: 600/1100 of INV-1 = income 545.45 + GST 54.55.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import QBOApi, fault_of

PERIOD = {"start_date": "2026-01-01", "end_date": "2026-03-31"}


def line(amount: float, code: str) -> dict[str, Any]:
    return {"DetailType": "SalesItemLineDetail", "Amount": amount,
            "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": {"value": code}}}


@pytest.fixture
def books(api: QBOApi) -> dict[str, Any]:
    def post(entity: str, body: dict[str, Any]) -> dict[str, Any]:
        response = api.post(entity.lower(), body)
        assert response.status_code == 200, response.text
        return response.json()[entity]

    a, b = "1", "2"
    inv1 = post("Invoice", {"CustomerRef": {"value": a}, "DocNumber": "INV-1", "TxnDate": "2026-01-10",
                            "DueDate": "2026-02-09", "Line": [line(1000, "5")]})
    inv2 = post("Invoice", {"CustomerRef": {"value": b}, "DocNumber": "INV-2", "TxnDate": "2026-02-01",
                            "DueDate": "2026-03-03", "Line": [line(500, "5"), line(200, "6")]})
    payment = post("Payment", {"CustomerRef": {"value": a}, "TxnDate": "2026-02-20", "TotalAmt": 600,
                               "Line": [{"Amount": 600, "LinkedTxn": [{"TxnId": inv1["Id"], "TxnType": "Invoice"}]}]})
    memo = post("CreditMemo", {"CustomerRef": {"value": b}, "DocNumber": "CM-1", "TxnDate": "2026-03-01",
                               "Line": [line(100, "5")]})
    inv3 = post("Invoice", {"CustomerRef": {"value": a}, "DocNumber": "INV-3", "TxnDate": "2026-03-15",
                            "DueDate": "2026-03-15", "Line": [line(300, "6")]})
    assert (inv1["TotalAmt"], inv2["TotalAmt"], memo["TotalAmt"], inv3["TotalAmt"]) == (1100, 750, 110, 300)
    names = {c["Id"]: c["DisplayName"] for c in api.query("select * from Customer")["Customer"]}
    accounts = {r["Name"]: r["Id"] for r in api.query("select * from Account")["Account"]}
    return {"inv1": inv1, "inv2": inv2, "payment": payment, "memo": memo, "inv3": inv3, "A": names[a],
            "B": names[b], "accounts": accounts}


def report(api: QBOApi, name: str, **params: Any) -> dict[str, Any]:
    response = api.get(f"reports/{name}", **params)
    assert response.status_code == 200, response.text
    return response.json()


def rows_by_label(rows: list[dict[str, Any]], out: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Every Data row, Section summary and computed line as ``first cell -> other cells``, flattened."""
    out = {} if out is None else out
    for row in rows:
        if "ColData" in row:
            out[row["ColData"][0]["value"]] = [c["value"] for c in row["ColData"][1:]]
        if "Rows" in row:
            rows_by_label(row["Rows"]["Row"], out)
        if "Summary" in row:
            out[row["Summary"]["ColData"][0]["value"]] = [c["value"] for c in row["Summary"]["ColData"][1:]]
    return out


def groups(rows: list[dict[str, Any]]) -> list[str]:
    found = []
    for row in rows:
        if row.get("group"):
            found.append(row["group"])
        if "Rows" in row:
            found.extend(groups(row["Rows"]["Row"]))
    return found


def test_profit_and_loss_accrual(api: QBOApi, books: dict[str, Any]) -> None:
    body = report(api, "ProfitAndLoss", **PERIOD, accounting_method="Accrual")
    head = body["Header"]
    assert (head["ReportName"], head["ReportBasis"], head["StartPeriod"], head["EndPeriod"], head["Currency"]) == \
        ("ProfitAndLoss", "Accrual", "2026-01-01", "2026-03-31", "AUD")
    assert head["SummarizeColumnsBy"] == "Total" and "DateMacro" not in head
    assert {"Name": "NoReportData", "Value": "false"} in head["Option"]
    assert body["Columns"]["Column"] == [
        {"ColTitle": "", "ColType": "Account", "MetaData": [{"Name": "ColKey", "Value": "account"}]},
        {"ColTitle": "Total", "ColType": "Money", "MetaData": [{"Name": "ColKey", "Value": "total"}]}]
    rows = body["Rows"]["Row"]
    assert [r.get("group") for r in rows] == ["Income", "GrossProfit", "Expenses", "NetIncome"]  # AU layout
    income = rows[0]
    assert income["Header"]["ColData"] == [{"value": "Income"}, {"value": ""}]
    assert income["Rows"]["Row"] == [{"ColData": [{"value": "Sales", "id": books["accounts"]["Sales"]},
                                                  {"value": "1900.00"}], "type": "Data"}]
    flat = rows_by_label(rows)
    assert flat["Total Income"] == ["1900.00"]
    assert flat["Gross Profit"] == ["1900.00"]
    assert flat["Total Expenses"] == [""]
    assert flat["Net Income"] == ["1900.00"]


def test_profit_and_loss_cash_basis_counts_only_what_was_paid(api: QBOApi, books: dict[str, Any]) -> None:
    flat = rows_by_label(report(api, "ProfitAndLoss", **PERIOD, accounting_method="Cash")["Rows"]["Row"])
    assert flat["Sales"] == ["545.45"]  # 1000 x 600/1100; the credit memo is never applied
    assert flat["Net Income"] == ["545.45"]


def test_profit_and_loss_customer_filter_and_months(api: QBOApi, books: dict[str, Any]) -> None:
    body = report(api, "ProfitAndLoss", **PERIOD, customer="2")
    assert body["Header"]["Customer"] == "2"
    assert rows_by_label(body["Rows"]["Row"])["Net Income"] == ["600.00"]  # 500 + 200 - 100
    body = report(api, "ProfitAndLoss", **PERIOD, summarize_column_by="Month")
    assert [c["ColTitle"] for c in body["Columns"]["Column"]] == ["", "Jan 2026", "Feb 2026", "Mar 2026", "Total"]
    assert rows_by_label(body["Rows"]["Row"])["Sales"] == ["1000.00", "700.00", "200.00", "1900.00"]


def test_balance_sheet_balances(api: QBOApi, books: dict[str, Any]) -> None:
    body = report(api, "BalanceSheet", **PERIOD)
    rows = body["Rows"]["Row"]
    assert groups(rows) == ["TotalAssets", "CurrentAssets", "AR", "OtherCurrentAssets",
                            "TotalLiabilitiesAndEquity", "Liabilities", "CurrentLiabilities",
                            "OtherCurrentLiabilities", "Equity", "NetIncome"]
    flat = rows_by_label(rows)
    assert flat["Accounts Receivable (A/R)"] == ["1440.00"]
    assert flat["Undeposited Funds"] == ["600.00"]
    assert flat["TOTAL ASSETS"] == ["2040.00"]
    assert flat["GST Payable"] == ["140.00"]  # the seeded GST liability account
    assert flat["Total Liabilities"] == ["140.00"]
    assert flat["Retained Earnings"] == [""] and flat["Net Income"] == ["1900.00"]
    assert flat["Total Equity"] == ["1900.00"]
    assert flat["TOTAL LIABILITIES AND EQUITY"] == ["2040.00"]


def test_balance_sheet_cash_basis_balances_too(api: QBOApi, books: dict[str, Any]) -> None:
    flat = rows_by_label(report(api, "BalanceSheet", **PERIOD, accounting_method="Cash")["Rows"]["Row"])
    assert "Accounts Receivable (A/R)" not in flat
    assert flat["TOTAL ASSETS"] == ["600.00"]
    assert flat["GST Payable"] == ["54.55"]
    assert flat["Net Income"] == ["545.45"]
    assert flat["TOTAL LIABILITIES AND EQUITY"] == ["600.00"]


def test_trial_balance(api: QBOApi, books: dict[str, Any]) -> None:
    body = report(api, "TrialBalance", **PERIOD)
    assert [c["ColTitle"] for c in body["Columns"]["Column"]] == ["", "Debit", "Credit"]
    flat = rows_by_label(body["Rows"]["Row"])
    assert flat["Accounts Receivable (A/R)"] == ["1440.00", ""]
    assert flat["Undeposited Funds"] == ["600.00", ""]
    assert flat["GST Payable"] == ["", "140.00"]
    assert flat["Sales"] == ["", "1900.00"]
    assert body["Rows"]["Row"][-1] == {"Summary": {"ColData": [{"value": "TOTAL"}, {"value": "2040.00"},
                                                               {"value": "2040.00"}]},
                                       "type": "Section", "group": "GrandTotal"}


def test_aged_receivables(api: QBOApi, books: dict[str, Any]) -> None:
    body = report(api, "AgedReceivables", report_date="2026-03-31")
    assert [c["ColTitle"] for c in body["Columns"]["Column"]] == \
        ["", "Current", "1 - 30", "31 - 60", "61 - 90", "91 and over", "Total"]
    assert {"Name": "report_date", "Value": "2026-03-31"} in body["Header"]["Option"]
    assert body["Header"]["EndPeriod"] == "2026-03-31" and "StartPeriod" not in body["Header"]
    flat = rows_by_label(body["Rows"]["Row"])
    assert flat[books["A"]] == ["", "300.00", "500.00", "", "", "800.00"]
    assert flat[books["B"]] == ["", "640.00", "", "", "", "640.00"]  # 750 - 110
    assert flat["TOTAL"] == ["0.00", "940.00", "500.00", "0.00", "0.00", "1440.00"]
    # before the payment: all of INV-1 open, and not yet due
    flat = rows_by_label(report(api, "AgedReceivables", report_date="2026-02-09")["Rows"]["Row"])
    assert flat[books["A"]] == ["1100.00", "", "", "", "", "1100.00"]
    flat = rows_by_label(report(api, "AgedReceivables", report_date="2026-03-31", customer="1",
                                aging_period="15", num_periods="3")["Rows"]["Row"])
    assert flat["TOTAL"] == ["0.00", "0.00", "300.00", "500.00", "800.00"]  # 1-15, 16-30, 31 and over


def test_aged_receivable_detail(api: QBOApi, books: dict[str, Any]) -> None:
    body = report(api, "AgedReceivableDetail", report_date="2026-03-31")
    assert [c["ColType"] for c in body["Columns"]["Column"]] == \
        ["tx_date", "txn_type", "doc_num", "cust_name", "due_date", "subt_amount", "subt_open_bal"]
    sections = body["Rows"]["Row"]
    assert [s["Header"]["ColData"][0]["value"] for s in sections[:-1]] == \
        ["31 - 60 days past due", "1 - 30 days past due"]
    older = [[c["value"] for c in r["ColData"]] for r in sections[0]["Rows"]["Row"]]
    assert older == [["2026-01-10", "Invoice", "INV-1", books["A"], "2026-02-09", "1100.00", "500.00"]]
    recent = [[c["value"] for c in r["ColData"]] for r in sections[1]["Rows"]["Row"]]
    assert [r[2] for r in recent] == ["INV-2", "CM-1", "INV-3"]
    assert recent[1][5:] == ["-110.00", "-110.00"]
    total = sections[-1]["Summary"]["ColData"][-2:]
    assert total == [{"value": "2040.00"}, {"value": "1440.00"}]  # 1100 + 750 - 110 + 300; open 1440


def test_customer_balance(api: QBOApi, books: dict[str, Any]) -> None:
    default = report(api, "CustomerBalance")["Header"]  # the documented sample's header
    assert default["DateMacro"] == "all" and "ReportBasis" not in default and "StartPeriod" not in default
    body = report(api, "CustomerBalance", report_date="2026-03-31")
    assert body["Header"]["EndPeriod"] == "2026-03-31" and "DateMacro" not in body["Header"]
    flat = rows_by_label(body["Rows"]["Row"])
    assert (flat[books["A"]], flat[books["B"]], flat["TOTAL"]) == (["800.00"], ["640.00"], ["1440.00"])
    flat = rows_by_label(report(api, "CustomerBalance", report_date="2026-02-15")["Rows"]["Row"])
    assert (flat[books["A"]], flat[books["B"]]) == (["1100.00"], ["750.00"])


def test_general_ledger(api: QBOApi, books: dict[str, Any]) -> None:
    body = report(api, "GeneralLedger", **PERIOD)
    assert [c["ColType"] for c in body["Columns"]["Column"]] == \
        ["tx_date", "txn_type", "doc_num", "name", "memo", "split_acc", "subt_nat_amount", "rbal_nat_amount"]
    sections = {s["Header"]["ColData"][0]["value"]: s for s in body["Rows"]["Row"]}
    ar = sections["Accounts Receivable (A/R)"]
    lines = [[c["value"] for c in r["ColData"]] for r in ar["Rows"]["Row"]]
    assert [(row[0], row[1], row[2], row[6], row[7]) for row in lines] == [
        ("2026-01-10", "Invoice", "INV-1", "1100.00", "1100.00"),
        ("2026-02-01", "Invoice", "INV-2", "750.00", "1850.00"),
        ("2026-02-20", "Payment", "", "-600.00", "1250.00"),
        ("2026-03-01", "Credit Memo", "CM-1", "-110.00", "1140.00"),
        ("2026-03-15", "Invoice", "INV-3", "300.00", "1440.00")]
    assert lines[2][5] == "Undeposited Funds" and lines[0][5] == "-Split-"
    assert ar["Summary"]["ColData"][0]["value"] == "Total for Accounts Receivable (A/R)"
    assert [c["value"] for c in ar["Summary"]["ColData"][-2:]] == ["1440.00", "1440.00"]
    sales = [[c["value"] for c in r["ColData"]] for r in sections["Sales"]["Rows"]["Row"]]
    assert [row[6] for row in sales] == ["1000.00", "500.00", "200.00", "-100.00", "300.00"]
    # a later period opens with the balance brought forward
    later = report(api, "GeneralLedger", start_date="2026-03-01", end_date="2026-03-31", account=books["accounts"][
        "Accounts Receivable (A/R)"], columns="tx_date,subt_nat_amount,rbal_nat_amount")
    (only,) = later["Rows"]["Row"]
    assert [[c["value"] for c in r["ColData"]] for r in only["Rows"]["Row"]] == [
        ["Beginning Balance", "", "1250.00"], ["2026-03-01", "-110.00", "1140.00"], ["2026-03-15", "300.00", "1440.00"]]


def test_voiding_and_deleting_change_the_books(api: QBOApi, books: dict[str, Any]) -> None:
    memo = books["memo"]
    response = api.post("creditmemo", {"Id": memo["Id"], "SyncToken": memo["SyncToken"]}, operation="delete")
    assert response.status_code == 200, response.text
    inv3 = books["inv3"]
    response = api.post("invoice", {"Id": inv3["Id"], "SyncToken": inv3["SyncToken"]}, operation="void")
    assert response.status_code == 200, response.text
    flat = rows_by_label(report(api, "BalanceSheet", **PERIOD)["Rows"]["Row"])
    assert flat["Accounts Receivable (A/R)"] == ["1250.00"]  # 1440 + 110 - 300
    assert flat["Net Income"] == ["1700.00"]  # 1900 + 100 - 300


def test_date_macro_and_xml(api: QBOApi, books: dict[str, Any]) -> None:
    body = report(api, "ProfitAndLoss", date_macro="Last Fiscal Year")
    assert body["Header"]["DateMacro"] == "last fiscal year"
    assert body["Header"]["StartPeriod"].endswith("-07-01") and body["Header"]["EndPeriod"].endswith("-06-30")
    response = api.session.get(f"{api.base}/reports/BalanceSheet", params={**PERIOD, "minorversion": 75},
                               headers={"Accept": "application/xml"})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/xml")
    text = response.text
    assert '<Report xmlns="http://schema.intuit.com/finance/v3">' in text
    assert '<Row type="Section" group="TotalAssets">' in text
    assert '<ColData value="TOTAL ASSETS"/><ColData value="2040.00"/>' in text


@pytest.mark.parametrize(("params", "code", "element"), [
    ({"start_date": "2026-13-01"}, "2010", "start_date"),
    ({"end_date": "31/03/2026"}, "2010", "end_date"),
    ({"start_date": "2026-04-01", "end_date": "2026-03-01"}, "2010", "start_date"),
    ({"date_macro": "Next Decade"}, "2170", "date_macro"),
    ({"accounting_method": "Modified"}, "2170", "accounting_method"),
    ({"summarize_column_by": "Fortnight"}, "2170", "summarize_column_by"),
])
def test_bad_parameters_are_faults(api: QBOApi, params: dict[str, str], code: str, element: str) -> None:
    response = api.get("reports/ProfitAndLoss", **params)
    assert response.status_code == 400
    error = fault_of(response)
    assert (error["code"], error["element"]) == (code, element)


def test_unknown_report_and_uncomputed_columns(api: QBOApi) -> None:
    response = api.get("reports/ProfitAndLossDeluxe")
    assert response.status_code == 400
    assert fault_of(response)["code"] == "500"
    response = api.get("reports/ProfitAndLoss", summarize_column_by="Classes")
    assert response.status_code == 400 and "Classes" in fault_of(response)["Detail"]
    response = api.get("reports/GeneralLedger", columns="tx_date,favourite_colour")
    assert fault_of(response)["code"] == "2170"


def test_empty_company_reports_no_data(api: QBOApi) -> None:
    body = report(api, "ProfitAndLoss", **PERIOD)
    assert {"Name": "NoReportData", "Value": "true"} in body["Header"]["Option"]
    assert rows_by_label(body["Rows"]["Row"])["Net Income"] == ["0.00"]
    body = report(api, "AgedReceivables")
    assert rows_by_label(body["Rows"]["Row"])["TOTAL"][-1] == "0.00"


def test_ledger_always_balances(api: QBOApi, books: dict[str, Any]) -> None:
    """Whatever the basis, the trial balance's debits equal its credits (the books are double entry)."""
    for basis in ("Accrual", "Cash"):
        total = report(api, "TrialBalance", **PERIOD, accounting_method=basis)["Rows"]["Row"][-1]
        debit, credit = (Decimal(c["value"]) for c in total["Summary"]["ColData"][1:])
        assert debit == credit > 0


def test_the_fault_plan_reaches_reports_and_uploads(api: QBOApi) -> None:
    """QA can throttle a report or break an upload like any other call (entity = the report's name)."""
    rule = api.sim.add_fault("Throttled", realm_id=api.realm_id, entity="ProfitAndLoss", operation="report", times=1)
    try:
        assert api.get("reports/ProfitAndLoss").status_code == 429
        assert api.get("reports/ProfitAndLoss").status_code == 200  # times=1
        assert api.get("reports/BalanceSheet").status_code == 200
        api.sim.add_fault("ServiceUnavailable", realm_id=api.realm_id, operation="upload", times=1)
        response = api.session.post(f"{api.base}/upload", data=b"--x--", timeout=10,
                                    headers={"Content-Type": "multipart/form-data; boundary=x"})
        assert response.status_code == 503
        entry = api.sim.journal(api.realm_id)[-1]
        assert (entry["entity"], entry["operation"]) == ("Attachable", "upload")
    finally:
        api.sim.clear_faults(api.realm_id)
    assert rule


def test_sub_accounts_nest_under_their_parent(api: QBOApi, books: dict[str, Any]) -> None:
    sales = books["accounts"]["Sales"]
    plumbing = api.post("account", {"Name": "Plumbing", "AccountType": "Income", "ParentRef": {"value": sales}})
    assert plumbing.status_code == 200, plumbing.text
    item = api.post("item", {"Name": "Call-out", "Type": "Service",
                             "IncomeAccountRef": {"value": plumbing.json()["Account"]["Id"]}}).json()["Item"]
    response = api.post("invoice", {"CustomerRef": {"value": "1"}, "TxnDate": "2026-03-20", "Line": [
        {"DetailType": "SalesItemLineDetail", "Amount": 80,
         "SalesItemLineDetail": {"ItemRef": {"value": item["Id"]}, "TaxCodeRef": {"value": "6"}}}]})
    assert response.status_code == 200, response.text
    income = report(api, "ProfitAndLoss", **PERIOD)["Rows"]["Row"][0]
    (parent,) = income["Rows"]["Row"]
    assert parent["type"] == "Section" and parent["Header"]["ColData"][0] == {"value": "Sales", "id": sales}
    assert [[c["value"] for c in r["ColData"]] for r in parent["Rows"]["Row"]] == [["Sales", "1900.00"],
                                                                                ["Plumbing", "80.00"]]
    assert [c["value"] for c in parent["Summary"]["ColData"]] == ["Total Sales", "1980.00"]
    assert [c["value"] for c in income["Summary"]["ColData"]] == ["Total Income", "1980.00"]


def test_transactions_of_every_entity_reach_the_books(api: QBOApi, books: dict[str, Any]) -> None:
    """A sales receipt's income and an expense paid by purchase land in the P&L (ledger.entity_postings).

    By hand: the books' income 1900 + a 50 GST-free receipt = 1950; a 30 expense; net income 1920.
    """
    accounts = books["accounts"]
    expense = next(a for a in api.query("select * from Account where AccountType = 'Expense'")["Account"])
    bank = next(a for a in api.query("select * from Account where AccountType = 'Bank'")["Account"])
    receipt = api.post("salesreceipt", {"CustomerRef": {"value": "1"}, "TxnDate": "2026-03-20",
                                        "Line": [line(50, "6")]})
    assert receipt.status_code == 200, receipt.text
    purchase = api.post("purchase", {"PaymentType": "Cash", "AccountRef": {"value": bank["Id"]},
                                     "TxnDate": "2026-03-21", "GlobalTaxCalculation": "NotApplicable",
                                     "Line": [{"DetailType": "AccountBasedExpenseLineDetail", "Amount": 30,
                                               "AccountBasedExpenseLineDetail": {"AccountRef": {"value": expense["Id"]},
                                                                                 "TaxCodeRef": {"value": "6"}}}]})
    assert purchase.status_code == 200, purchase.text
    flat = rows_by_label(report(api, "ProfitAndLoss", **PERIOD)["Rows"]["Row"])
    assert flat["Total Income"] == ["1950.00"]
    assert flat[expense["Name"]] == ["30.00"]
    assert flat["Net Income"] == ["1920.00"]
    assert accounts["Sales"]
