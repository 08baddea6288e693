"""Issue 15's entities over HTTP: computed amounts checked against hand-computed books, references, lifecycle,
batch, CDC, XML, and the faults each rule raises (nothing saved when it does)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from simulator.testing import SimulatorHandle
from tests.conftest import QBOApi, fault_of


@pytest.fixture
def us(qbo_sim: SimulatorHandle) -> Iterator[QBOApi]:
    realm_id = qbo_sim.create_company("US", customers=2)
    yield QBOApi(qbo_sim, realm_id)
    qbo_sim.delete_company(realm_id)


def account(api: QBOApi, name: str) -> dict[str, str]:
    found = api.query(f"select * from Account where Name = '{name}'")["Account"][0]
    return {"value": found["Id"], "name": found["Name"]}


def first(api: QBOApi, entity: str, where: str = "") -> dict[str, Any]:
    return api.query(f"select * from {entity} {where} maxresults 1")[entity][0]


def expense_line(amount: float, account_ref: dict[str, str]) -> dict[str, Any]:
    return {"DetailType": "AccountBasedExpenseLineDetail", "Amount": amount,
            "AccountBasedExpenseLineDetail": {"AccountRef": account_ref}}


def test_bill_and_bill_payment_move_the_bill_balance_and_void_gives_it_back(us: QBOApi) -> None:
    vendor = first(us, "Vendor")
    pump = first(us, "Item", "where Name = 'Pump'")
    bill = us.post("bill", {"VendorRef": {"value": vendor["Id"]}, "Line": [
        expense_line(120.505, account(us, "Utilities")),  # rounds half-up to 120.51
        {"DetailType": "ItemBasedExpenseLineDetail",
         "ItemBasedExpenseLineDetail": {"ItemRef": {"value": pump["Id"]}, "Qty": 3, "UnitPrice": 15}},
    ]}).json()["Bill"]
    assert [line["Amount"] for line in bill["Line"]] == [120.51, 45.0]
    assert bill["TotalAmt"] == bill["Balance"] == 165.51
    assert bill["APAccountRef"]["name"] == "Accounts Payable (A/P)"
    assert bill["VendorRef"] == {"value": vendor["Id"], "name": vendor["DisplayName"]}
    assert bill["DueDate"] == bill["TxnDate"]

    payment = us.post("billpayment", {
        "VendorRef": {"value": vendor["Id"]}, "PayType": "Check", "TotalAmt": 100,
        "CheckPayment": {"BankAccountRef": account(us, "Checking")},
        "Line": [{"Amount": 100, "LinkedTxn": [{"TxnId": bill["Id"], "TxnType": "Bill"}]}]}).json()["BillPayment"]
    paid = us.get(f"bill/{bill['Id']}").json()["Bill"]
    assert (paid["Balance"], paid["SyncToken"]) == (65.51, "1")
    assert paid["LinkedTxn"] == [{"TxnId": payment["Id"], "TxnType": "BillPaymentCheck"}]

    too_much = us.post("billpayment", {
        "VendorRef": {"value": vendor["Id"]}, "PayType": "Check", "TotalAmt": 70,
        "CheckPayment": {"BankAccountRef": account(us, "Checking")},
        "Line": [{"Amount": 70, "LinkedTxn": [{"TxnId": bill["Id"], "TxnType": "Bill"}]}]})
    assert fault_of(too_much)["code"] == "6000"

    voided = us.post("billpayment", {"Id": payment["Id"], "SyncToken": "0", "sparse": True},
                     operation="update", include="void").json()["BillPayment"]
    assert (voided["TotalAmt"], voided["PrivateNote"], voided["Line"][0]["Amount"]) == (0, "Voided", 0)
    restored = us.get(f"bill/{bill['Id']}").json()["Bill"]
    assert (restored["Balance"], restored["LinkedTxn"]) == (165.51, [])


def test_sales_receipt_is_paid_at_once_and_voids_through_include_void(api: QBOApi) -> None:
    body = api.invoice_body(amount=0, DocNumber="SR-1")
    body["Line"][0]["SalesItemLineDetail"].update({"Qty": 2, "UnitPrice": 50})
    del body["Line"][0]["Amount"]
    receipt = api.post("salesreceipt", body).json()["SalesReceipt"]
    assert receipt["TxnTaxDetail"]["TotalTax"] == 10.0  # GST 10 % of 2 × 50
    assert (receipt["TotalAmt"], receipt["Balance"]) == (110.0, 0)
    assert receipt["DepositToAccountRef"]["name"] == "Undeposited Funds"
    clash = api.post("invoice", api.invoice_body("SR-1"))
    assert fault_of(clash)["code"] == "6140"  # one DocNumber space across sales forms
    voided = api.post("salesreceipt", {"Id": receipt["Id"], "SyncToken": "0", "sparse": True},
                      operation="update", include="void").json()["SalesReceipt"]
    assert (voided["TotalAmt"], voided["PrivateNote"]) == (0, "Voided")


def test_refund_receipt_needs_the_account_it_is_paid_from(api: QBOApi) -> None:
    before = api.query("select count(*) from RefundReceipt")
    error = fault_of(api.post("refundreceipt", api.invoice_body()))
    assert (error["code"], error["element"]) == ("2020", "DepositToAccountRef")
    assert api.query("select count(*) from RefundReceipt") == before
    refund = api.post("refundreceipt", api.invoice_body(DepositToAccountRef=account(api, "Cheque account"))).json()
    assert refund["RefundReceipt"]["TotalAmt"] == 110.0 and refund["RefundReceipt"]["Balance"] == 0


def test_estimate_with_a_percent_discount_and_no_void(us: QBOApi) -> None:
    estimate = us.post("estimate", {"CustomerRef": {"value": "1"}, "Line": [
        {"DetailType": "SalesItemLineDetail", "Amount": 35,
         "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "Qty": 1, "UnitPrice": 35, "TaxCodeRef": {"value": "NON"}}},
        {"DetailType": "DiscountLineDetail", "DiscountLineDetail": {"PercentBased": True, "DiscountPercent": 10}},
    ]}).json()["Estimate"]
    assert estimate["Line"][2]["Amount"] == 3.5 and estimate["TotalAmt"] == 31.5
    assert estimate["TxnStatus"] == "Pending" and "Balance" not in estimate
    assert fault_of(us.post("estimate", {"Id": estimate["Id"], "SyncToken": "0"}, operation="void"))["code"] == "500"


def test_deposit_totals_lines_less_cash_back(us: QBOApi) -> None:
    deposit = us.post("deposit", {"DepositToAccountRef": account(us, "Savings"), "Line": [
        {"Amount": 20, "DetailType": "DepositLineDetail", "DepositLineDetail": {"AccountRef": account(us, "Checking")}},
        {"Amount": 30.25, "DetailType": "DepositLineDetail",
         "DepositLineDetail": {"AccountRef": account(us, "Interest Earned")}}],
        "CashBack": {"Amount": 5, "AccountRef": account(us, "Checking")}}).json()["Deposit"]
    assert deposit["TotalAmt"] == 45.25
    income = fault_of(us.post("deposit", {"DepositToAccountRef": account(us, "Sales"), "Line": [
        {"Amount": 1, "DepositLineDetail": {"AccountRef": account(us, "Checking")}}]}))
    assert (income["code"], income["element"]) == ("6000", "DepositToAccountRef")


def test_transfer_rules(us: QBOApi) -> None:
    checking, savings = account(us, "Checking"), account(us, "Savings")
    same = fault_of(us.post("transfer", {"Amount": 10, "FromAccountRef": checking, "ToAccountRef": checking}))
    assert same["code"] == "6000" and "same account" in same["Detail"]
    income = fault_of(us.post("transfer", {"Amount": 10, "FromAccountRef": account(us, "Sales"),
                                           "ToAccountRef": savings}))
    assert (income["code"], income["element"]) == ("6000", "FromAccountRef")
    transfer = us.post("transfer", {"Amount": "100.10", "FromAccountRef": checking, "ToAccountRef": savings}).json()
    assert transfer["Transfer"]["Amount"] == 100.1
    assert us.query("select count(*) from Transfer") == {"totalCount": 1}


def test_journal_entry_must_balance(us: QBOApi) -> None:
    def line(kind: str, amount: float, name: str) -> dict[str, Any]:
        return {"Amount": amount, "DetailType": "JournalEntryLineDetail",
                "JournalEntryLineDetail": {"PostingType": kind, "AccountRef": account(us, name)}}

    error = fault_of(us.post("journalentry", {"Line": [line("Debit", 100, "Truck"), line("Credit", 99.99, "Savings")]}))
    assert error["code"] == "6000" and "not balanced" in error["Detail"]
    entry = us.post("journalentry", {"Line": [line("Debit", 100, "Truck"), line("Credit", 60, "Savings"),
                                              line("Credit", 40, "Loan Payable")]}).json()["JournalEntry"]
    assert entry["TotalAmt"] == 100.0 and [x["Id"] for x in entry["Line"]] == ["0", "1", "2"]


def test_purchase_account_must_fit_the_payment_type(us: QBOApi) -> None:
    line = expense_line(42, account(us, "Office Expenses"))
    wrong = fault_of(us.post("purchase", {"PaymentType": "CreditCard", "AccountRef": account(us, "Checking"),
                                          "Line": [line]}))
    assert (wrong["code"], wrong["element"]) == ("6000", "AccountRef")
    card = us.post("purchase", {"PaymentType": "CreditCard", "AccountRef": account(us, "Visa"), "Line": [line],
                                "EntityRef": {"value": first(us, "Vendor")["Id"], "type": "Vendor"}}).json()
    assert card["Purchase"]["TotalAmt"] == 42.0 and card["Purchase"]["Credit"] is False
    assert card["Purchase"]["EntityRef"]["type"] == "Vendor"
    missing = fault_of(us.post("purchase", {"PaymentType": "Cash", "AccountRef": {"value": "999"}, "Line": [line]}))
    assert (missing["code"], missing["element"]) == ("2500", "AccountRef")


def test_purchase_order_and_vendor_credit(us: QBOApi) -> None:
    vendor = {"value": first(us, "Vendor")["Id"]}
    order = us.post("purchaseorder", {"VendorRef": vendor, "Line": [expense_line(12.5, account(us, "Supplies"))]})
    assert order.json()["PurchaseOrder"]["POStatus"] == "Open"
    credit = us.post("vendorcredit", {"VendorRef": vendor, "Line": [expense_line(7.25, account(us, "Supplies"))]})
    assert credit.json()["VendorCredit"]["TotalAmt"] == credit.json()["VendorCredit"]["Balance"] == 7.25


def test_credit_card_payment_json_name_url_and_query(us: QBOApi) -> None:
    paid = us.post("creditcardpayment", {"Amount": 75, "BankAccountRef": account(us, "Checking"),
                                         "CreditCardAccountRef": account(us, "Visa")}).json()
    record = paid["CreditCardPaymentTxn"]
    assert us.get(f"creditcardpayment/{record['Id']}").json()["CreditCardPaymentTxn"]["Amount"] == 75
    assert us.query("select * from CreditCardPayment")["CreditCardPaymentTxn"][0]["Id"] == record["Id"]
    not_a_card = fault_of(us.post("creditcardpayment", {"Amount": 1, "BankAccountRef": account(us, "Checking"),
                                                        "CreditCardAccountRef": account(us, "Savings")}))
    assert not_a_card["element"] == "CreditCardAccountRef"


def test_a_query_of_an_entity_the_simulator_does_not_serve_fails_instead_of_an_empty_page(us: QBOApi) -> None:
    for entity in ("JournalCode", "TaxPayment", "Check"):
        error = fault_of(us.get("query", query=f"select * from {entity}"))
        detail = f"QueryValidationError: invalid context declaration: {entity}"
        assert (error["code"], error["Detail"]) == ("4001", detail)
    assert us.query("select * from Budget") == {}  # served, just empty


def test_vendor_and_employee_have_their_own_fields(us: QBOApi) -> None:
    vendor = us.post("vendor", {"DisplayName": "Tony's Tiles", "AcctNum": "A-77", "TaxIdentifier": "99-9999999",
                                "Vendor1099": True, "BillAddr": {"Line1": "1 Main"}}).json()["Vendor"]
    assert (vendor["AcctNum"], vendor["TaxIdentifier"], vendor["Vendor1099"]) == ("A-77", "XXXXXX9999", True)
    assert not {"Job", "Taxable", "BillWithParent", "ParentRef"} & set(vendor)
    customer_only = us.post("vendor", {"DisplayName": "Other Tiles", "Job": True})
    assert customer_only.status_code == 400 and fault_of(customer_only)["code"] == "2010"  # not a Vendor field
    employee = us.post("employee", {"GivenName": "Ada", "FamilyName": "Byron", "HiredDate": "2020-07-22",
                                    "PrimaryAddr": {"Line1": "45 N. Elm Street"}, "SSN": "123-45-6789"}).json()
    employee = employee["Employee"]
    assert (employee["DisplayName"], employee["HiredDate"], employee["SSN"]) == ("Ada Byron", "2020-07-22",
                                                                                 "XXXXXXX6789")
    assert employee["PrimaryAddr"]["Line1"] == "45 N. Elm Street" and "BillAddr" not in employee
    clash = fault_of(us.post("customer", {"DisplayName": "ada byron"}))
    assert clash["code"] == "6240"


def test_seeded_lists_and_hierarchies(us: QBOApi) -> None:
    methods = [m["Name"] for m in us.query("select * from PaymentMethod")["PaymentMethod"]]
    assert methods == ["Cash", "Check", "Visa", "MasterCard", "Discover", "American Express", "Diners Club"]
    parent = us.post("class", {"Name": "East"}).json()["Class"]
    child = us.post("class", {"Name": "Boston", "ParentRef": {"value": parent["Id"]}}).json()["Class"]
    assert (child["FullyQualifiedName"], child["SubClass"]) == ("East:Boston", True)
    assert fault_of(us.post("class", {"Name": "east"}))["code"] == "6240"
    assert us.post("department", {"Name": "Downtown"}).json()["Department"]["SubDepartment"] is False
    stock = us.query("select * from Item where Type = 'Inventory'")["Item"]
    assert stock and all(i["QtyOnHand"] > 0 and i["AssetAccountRef"] for i in stock)
    types = {a["AccountType"] for a in us.query("select * from Account maxresults 1000")["Account"]}
    assert {"Expense", "Cost of Goods Sold", "Bank", "Credit Card", "Accounts Payable",
            "Other Current Liability"} <= types


def test_recurring_invoice_template_schedule_query_and_delete(us: QBOApi) -> None:
    body = {"Invoice": {"CustomerRef": {"value": "1"}, "Line": [
        {"DetailType": "SalesItemLineDetail", "Amount": 100, "SalesItemLineDetail": {"ItemRef": {"value": "1"}}}],
        "RecurringInfo": {"Name": "Monthly retainer", "RecurType": "Automated", "Active": True, "ScheduleInfo": {
            "IntervalType": "Monthly", "NumInterval": 1, "DayOfMonth": 31, "StartDate": "2099-01-15"}}}}
    saved = us.post("recurringtransaction", body).json()["RecurringTransaction"]
    template = saved["Invoice"]
    assert set(saved) == {"Invoice"} and template["TotalAmt"] == 100.0 and "DocNumber" not in template
    assert template["RecurringInfo"]["ScheduleInfo"]["NextDate"] == "2099-01-31"
    assert us.query("select count(*) from Invoice") == {"totalCount": 0}  # a template is not a transaction
    assert fault_of(us.post("recurringtransaction", body))["code"] == "6240"  # template names are unique
    rows = us.query("select * from RecurringTransaction where Type = 'Invoice'")["RecurringTransaction"]
    assert rows == [{"Invoice": template}]
    assert us.query("select * from RecurringTransaction where Type = 'Bill'") == {}
    gone = us.post("recurringtransaction", {"Invoice": {"Id": template["Id"], "SyncToken": "0"}},
                   operation="delete").json()
    assert gone["RecurringTransaction"]["status"] == "Deleted"


def test_currencies_and_exchange_rates_need_multicurrency(us: QBOApi, api: QBOApi) -> None:
    assert us.get("companycurrency/1").json()["CompanyCurrency"]["Name"] == "Canadian Dollar"
    rate = us.query("select * from ExchangeRate where SourceCurrencyCode = 'EUR'")["ExchangeRate"][0]
    assert "Id" not in rate and rate["TargetCurrencyCode"] == "USD"
    updated = us.post("exchangerate", {**rate, "Rate": 1.5}).json()["ExchangeRate"]
    assert (updated["Rate"], updated["SyncToken"]) == (1.5, "1")
    assert fault_of(api.post("companycurrency", {"Code": "EUR"}))["code"] == "6000"  # AU demo: multicurrency off
    assert fault_of(us.post("companycurrency", {"Code": "USD"}))["code"] == "6000"  # the home currency


def test_time_activity(us: QBOApi) -> None:
    employee = {"value": first(us, "Employee")["Id"]}
    backwards = fault_of(us.post("timeactivity", {"NameOf": "Employee", "EmployeeRef": employee,
                                                  "StartTime": "2016-07-22T11:00:00-07:00",
                                                  "EndTime": "2016-07-22T10:00:00-07:00"}))
    assert (backwards["code"], backwards["element"]) == ("6000", "EndTime")
    made = us.post("timeactivity", {"NameOf": "Employee", "EmployeeRef": employee, "Hours": 2, "Minutes": 30,
                                    "CostRate": 50}).json()["TimeActivity"]
    assert (made["Hours"], made["Minutes"], made["CostRate"], made["BillableStatus"]) == (2, 30, 50, "NotBillable")
    assert fault_of(us.post("timeactivity", {"NameOf": "Robot", "Hours": 1}))["code"] == "2170"


def test_batch_cdc_and_xml_for_a_new_entity(us: QBOApi) -> None:
    vendor = {"value": first(us, "Vendor")["Id"]}
    answer = us.post("batch", {"BatchItemRequest": [
        {"bId": "a", "operation": "create",
         "Bill": {"VendorRef": vendor, "Line": [expense_line(10, account(us, "Travel"))]}},
        {"bId": "b", "operation": "create", "Bill": {"VendorRef": vendor, "Line": []}},
    ]}).json()["BatchItemResponse"]
    assert answer[0]["Bill"]["TotalAmt"] == 10.0 and answer[1]["Fault"]["Error"][0]["code"] == "2020"
    changed = us.get("cdc", entities="Bill", changedSince="2000-01-01T00:00:00Z").json()
    assert [b["Id"] for b in changed["CDCResponse"][0]["QueryResponse"][0]["Bill"]] == [answer[0]["Bill"]["Id"]]
    xml = us.session.get(f"{us.base}/bill/{answer[0]['Bill']['Id']}", headers={"Accept": "application/xml"}, timeout=10)
    assert xml.status_code == 200 and "<Bill" in xml.text and "<TotalAmt>10.00</TotalAmt>" in xml.text


def test_every_posting_transaction_balances(us: QBOApi, qbo_sim_app: Any) -> None:
    from simulator.clock import SimClock
    from simulator.entities import BY_NAME
    from simulator.entities.base import op_for
    from simulator.entities.receipts import sales_postings
    from simulator.seed import build_company

    company = build_company("77", region="US", clock=SimClock())
    op = op_for(company)
    ids = {a["Name"]: {"value": a["Id"]} for a in company.store("Account")}
    vendor = {"value": next(iter(company.store("Vendor")))["Id"]}
    bill = BY_NAME["Bill"].create(company, {"VendorRef": vendor, "Line": [expense_line(80, ids["Rent or Lease"])]}, op)
    records = [
        ("Bill", bill),
        ("Purchase", BY_NAME["Purchase"].create(company, {"PaymentType": "Cash", "AccountRef": ids["Checking"],
                                                          "Line": [expense_line(5, ids["Travel"])]}, op)),
        ("Transfer", BY_NAME["Transfer"].create(company, {"Amount": 9, "FromAccountRef": ids["Checking"],
                                                          "ToAccountRef": ids["Savings"]}, op)),
        ("BillPayment", BY_NAME["BillPayment"].create(company, {
            "VendorRef": vendor, "PayType": "Check", "TotalAmt": 80,
            "CheckPayment": {"BankAccountRef": ids["Checking"]},
            "Line": [{"Amount": 80, "LinkedTxn": [{"TxnId": bill["Id"], "TxnType": "Bill"}]}]}, op)),
    ]
    for entity, record in records:
        postings = BY_NAME[entity].postings(company, record)
        assert postings and sum(p.amount for p in postings) == 0, (entity, postings)
    assert company.store("Bill").get(bill["Id"])["Balance"] == 0
    receipt = BY_NAME["SalesReceipt"].create(company, {"Line": [
        {"Amount": 100, "DetailType": "SalesItemLineDetail",
         "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": {"value": "TAX"}}}],
        "TxnTaxDetail": {"TxnTaxCodeRef": {"value": "5"}}}, op)
    lines = sales_postings(company, "SalesReceipt", receipt)
    assert receipt["TotalAmt"] == 108.0 and sum(p.amount for p in lines) == 0
    assert Decimal("-8") in [p.amount for p in lines]  # California 8 % to Sales Tax Payable
    invoice = BY_NAME["Invoice"].create(company, {"CustomerRef": {"value": "1"}, "Line": [
        {"Amount": 50, "DetailType": "SalesItemLineDetail", "SalesItemLineDetail": {"ItemRef": {"value": "1"}}}]}, op)
    payment = BY_NAME["Payment"].create(company, {"CustomerRef": {"value": "1"}, "TotalAmt": 50, "Line": [
        {"Amount": 50, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}]}, op)
    receivable = ids["Accounts Receivable (A/R)"]["value"]
    assert BY_NAME["Invoice"].postings(company, invoice) == [(ids["Sales"]["value"], Decimal(-50)),
                                                             (receivable, Decimal(50))]
    assert BY_NAME["Payment"].postings(company, payment) == [(ids["Undeposited Funds"]["value"], Decimal(50)),
                                                             (receivable, Decimal(-50))]


def test_not_equal_in_a_where_clause(us: QBOApi) -> None:
    rows = us.query("select * from Account where Classification = 'Asset' and "
                    "FullyQualifiedName != 'Accounts Receivable (A/R)' maxresults 1000")["Account"]
    names = {r["Name"] for r in rows}
    assert "Checking" in names and "Accounts Receivable (A/R)" not in names
    assert all(r["Classification"] == "Asset" for r in rows)


def test_us_tax_code_pages_list_the_pseudo_codes_first_outside_maxresults(us: QBOApi) -> None:
    codes = us.query("select * from TaxCode maxresults 1")["TaxCode"]
    assert [c["Id"] for c in codes] == ["TAX", "NON", "CustomSalesTax", "5"]
    assert [c["Id"] for c in us.query("select * from TaxCode where Name = 'California'")["TaxCode"]] == ["5"]


def test_a_sales_line_without_item_gets_the_default_item(us: QBOApi) -> None:
    receipt = us.post("salesreceipt", {"Line": [
        {"Amount": 14, "DetailType": "SalesItemLineDetail",
         "SalesItemLineDetail": {"UnitPrice": 14, "Qty": 1, "TaxCodeRef": {"value": "TAX"}}},
        {"Amount": 0.28, "DetailType": "DiscountLineDetail",
         "DiscountLineDetail": {"PercentBased": True, "DiscountPercent": 2}}]}).json()["SalesReceipt"]
    assert receipt["Line"][0]["SalesItemLineDetail"]["ItemRef"]["value"] == "1"  # Services
    assert receipt["TotalAmt"] == 13.72  # 14 less 2 %


def test_a_deposited_payment_cannot_change_until_the_deposit_lets_go(us: QBOApi) -> None:
    payment = us.post("payment", {"CustomerRef": {"value": "1"}, "TotalAmt": 40}).json()["Payment"]
    assert payment["DepositToAccountRef"]["name"] == "Undeposited Funds"
    deposit = us.post("deposit", {"DepositToAccountRef": account(us, "Checking"), "Line": [
        {"Amount": 40, "LinkedTxn": [{"TxnId": payment["Id"], "TxnType": "Payment"}]}]}).json()["Deposit"]
    assert deposit["TotalAmt"] == 40.0 and "DepositLineDetail" not in deposit["Line"][0]
    again = fault_of(us.post("deposit", {"DepositToAccountRef": account(us, "Savings"), "Line": [
        {"Amount": 40, "LinkedTxn": [{"TxnId": payment["Id"], "TxnType": "Payment"}]}]}))
    assert (again["code"], again["element"]) == ("6000", "Line.LinkedTxn")
    for operation, body in (("update", {**payment, "TotalAmt": 41}), ("delete", payment)):
        error = fault_of(us.post("payment", body, operation=operation))
        assert (error["code"], error["Message"]) == ("6540", "Deposited Transaction cannot be changed")
    assert us.get(f"payment/{payment['Id']}").json()["Payment"]["TotalAmt"] == 40.0
    us.post("deposit", {"Id": deposit["Id"], "SyncToken": "0"}, operation="delete")
    assert us.post("payment", payment, operation="delete").json()["Payment"]["status"] == "Deleted"
