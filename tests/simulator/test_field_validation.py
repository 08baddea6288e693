"""Issue 14 over raw HTTP: formats, several errors in one Fault, unknown properties, "" fields,
reference errors by position, deep bodies, invoiceLink and Preferences sections.

Each fault test asserts status, code, Message, Detail, the envelope and that nothing was saved.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from simulator.entities import ENTITY_TYPES
from simulator.entities.fields import COMMON
from tests.conftest import QBOApi, fault_of

RFC822 = "Email Address does not conform to the syntax rules of RFC 822. Supplied value:"


def faults_of(response: requests.Response) -> list[dict[str, Any]]:
    """Every error of a service-envelope fault (HTTP 400, ValidationFault)."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert set(body) == {"Fault", "time"} and body["Fault"]["type"] == "ValidationFault"
    for error in body["Fault"]["Error"]:
        assert set(error) == {"Message", "Detail", "code", "element"}
    return body["Fault"]["Error"]


def count(api: QBOApi, entity: str) -> int:
    return len(api.sim.records(api.realm_id, entity))


# -- 1. formats --------------------------------------------------------------------------------------
@pytest.mark.parametrize("field, value", [
    ("BillEmail", "Dana Whitlock"), ("BillEmail", "dana@@example.com"), ("BillEmailCc", "a@x.com, not an address"),
    ("BillEmailBcc", "dana whitlock@example.com"), ("BillEmail", "\u00a0dana@example.com"),
])
def test_invalid_email_on_an_invoice_is_2210_and_nothing_is_saved(api: QBOApi, field: str, value: str) -> None:
    before = count(api, "Invoice")
    response = api.post("invoice", api.invoice_body("INV0900", **{field: {"Address": value}}))
    assert response.status_code == 400
    error = fault_of(response)
    assert (error["code"], error["Message"], error["type"]) == ("2210", "Invalid Email Address format",
                                                                "ValidationFault")
    assert error["Detail"] == RFC822 + value
    assert error["element"] == f"{field}.Address"
    assert count(api, "Invoice") == before


def test_valid_addresses_and_recipient_lists_are_accepted(api: QBOApi) -> None:
    body = api.invoice_body("INV0901", BillEmail={"Address": "dana.whitlock+ap@example.com.au"},
                            BillEmailCc={"Address": "a@example.com, b@example.org"})
    assert api.post("invoice", body).status_code == 200


def test_customer_primary_email_takes_one_address(api: QBOApi) -> None:
    before = count(api, "Customer")
    response = api.post("customer", {"DisplayName": "Two Inboxes", "PrimaryEmailAddr": {"Address": "a@x.com, b@y.com"}})
    error = fault_of(response)
    assert (response.status_code, error["code"], error["Detail"]) == (400, "2210", RFC822 + "a@x.com, b@y.com")
    assert count(api, "Customer") == before


def test_send_to_is_checked_and_a_plus_decoded_as_space_fails(api: QBOApi) -> None:
    invoice = api.post("invoice", api.invoice_body("INV0902")).json()["Invoice"]
    url = f"{api.base}/invoice/{invoice['Id']}/send?sendTo=abc.xyz+01@gmail.com&minorversion=75"
    response = api.session.post(url, headers={"Content-Type": "application/octet-stream"}, timeout=10)
    error = fault_of(response)
    assert (response.status_code, error["code"], error["Detail"]) == (400, "2210", RFC822 + "abc.xyz 01@gmail.com")
    assert api.get(f"invoice/{invoice['Id']}").json()["Invoice"]["EmailStatus"] == "NotSet"
    sent = api.post(f"invoice/{invoice['Id']}/send", sendTo="abc.xyz+01@gmail.com")
    assert sent.json()["Invoice"]["EmailStatus"] == "EmailSent"


@pytest.mark.parametrize("field, value, element, maximum", [
    ("DocNumber", "X" * 22, "DocNumber", "21"),
    ("PrivateNote", "n" * 4001, "PrivateNote", "4,000"),
    ("CustomerMemo", {"value": "m" * 1001}, "CustomerMemo.value", "1,000"),
    ("TrackingNum", "T" * 32, "TrackingNum", "31"),
])
def test_lengths_are_2050_with_qbo_number_format(api: QBOApi, field: str, value: Any, element: str,
                                                 maximum: str) -> None:
    before = count(api, "Invoice")
    error = fault_of(api.post("invoice", api.invoice_body(**{field: value})))
    supplied = len(value["value"]) if isinstance(value, dict) else len(value)
    assert (error["code"], error["element"]) == ("2050", element)
    assert error["Message"] == "String length is either shorter or longer than supported by specification"
    assert error["Detail"] == (f"String length specified does not match the supported length. Min:0 Max:{maximum} "
                               f"supported. Supplied length:{supplied:,}")
    assert count(api, "Invoice") == before


def test_line_description_and_customer_name_part_lengths(api: QBOApi) -> None:
    invoices, customers = count(api, "Invoice"), count(api, "Customer")
    body = api.invoice_body()
    body["Line"][0]["Description"] = "d" * 4001
    error = fault_of(api.post("invoice", body))
    assert (error["code"], error["element"]) == ("2050", "Line.Description")
    assert error["Detail"].endswith("Max:4,000 supported. Supplied length:4,001")
    error = fault_of(api.post("customer", {"DisplayName": "Titled", "Title": "T" * 17}))
    assert (error["code"], error["element"]) == ("2050", "Title")
    assert (count(api, "Invoice"), count(api, "Customer")) == (invoices, customers)


@pytest.mark.parametrize("field, value", [("PrintStatus", "Printed"), ("EmailStatus", "Sent"),
                                          ("GlobalTaxCalculation", "TaxIncluded")])
def test_enumerations_are_checked(api: QBOApi, field: str, value: str) -> None:
    before = count(api, "Invoice")
    error = fault_of(api.post("invoice", api.invoice_body(**{field: value})))
    assert (error["code"], error["Message"], error["Detail"]) == ("2170", "Invalid Enumeration",
                                                                  f"Invalid Enumeration : {field}:{value}")
    assert count(api, "Invoice") == before


def test_a_malformed_date_is_2010(api: QBOApi) -> None:
    before = count(api, "Invoice")
    response = api.post("invoice", api.invoice_body(TxnDate="31/12/2030"))
    error = fault_of(response)
    assert (response.status_code, error["code"], error["Message"]) == (
        400, "2010", "Request has invalid or unsupported property")
    assert error["Detail"] == ("Property Name:Can not construct instance of java.util.Date from String value "
                               "'31/12/2030': not a valid representation specified is unsupported or invalid")
    assert count(api, "Invoice") == before


# -- 2. several errors in one Fault ------------------------------------------------------------------
def test_missing_customer_and_bad_email_arrive_together(api: QBOApi) -> None:
    before = count(api, "Invoice")
    body = api.invoice_body("INV0903", BillEmail={"Address": "Kim Carpenter"}, PrintStatus="Bogus")
    del body["CustomerRef"]
    errors = faults_of(api.post("invoice", body))
    assert [(e["code"], e["Message"], e["Detail"]) for e in errors] == [
        ("6560", "CustomerRef is required", "CustomerRef is missing in the request"),
        ("2210", "Invalid Email Address format", RFC822 + "Kim Carpenter"),
        ("2170", "Invalid Enumeration", "Invalid Enumeration : PrintStatus:Bogus"),
    ]
    assert count(api, "Invoice") == before


def test_several_errors_in_xml_and_in_a_batch_item(api: QBOApi) -> None:
    body = {"Line": [], "BillEmail": {"Address": "nope"}, "DocNumber": "Y" * 30}
    xml = api.session.post(f"{api.base}/invoice", json=body, headers={"Accept": "application/xml"}, timeout=10)
    assert xml.status_code == 400 and xml.text.count("<Error ") == 4, xml.text
    batch = api.post("batch", {"BatchItemRequest": [{"bId": "1", "operation": "create", "Invoice": body}]}).json()
    codes = [e["code"] for e in batch["BatchItemResponse"][0]["Fault"]["Error"]]
    assert codes == ["6560", "2020", "2050", "2210"]


# -- 8. unknown properties ---------------------------------------------------------------------------
@pytest.mark.parametrize("entity, body", [
    ("Customer", {"DisplayName": "C1", "Bogus": "x"}),
    ("Item", {"Name": "Widget", "Type": "Service", "IncomeAccountRef": {"value": "1"}, "Colour": "red"}),
    ("Invoice", None),
    ("Payment", {"CustomerRef": {"value": "1"}, "TotalAmt": 5, "Tip": 1}),
])
def test_an_unknown_property_is_2010_naming_it(api: QBOApi, entity: str, body: Any) -> None:
    if body is None:
        body = {**api.invoice_body(), "Discount": 5}
    bogus = next(k for k in body if k not in ENTITY_TYPES[entity.lower()].known_fields)
    before = count(api, entity)
    error = fault_of(api.post(entity.lower(), body))
    assert (error["code"], error["Message"]) == ("2010", "Request has invalid or unsupported property")
    assert error["Detail"].startswith(f'Property Name:Unrecognized field "{bogus}" (class '
                                      f"com.intuit.schema.finance.v3.{entity}), not marked as ignorable (")
    assert error["Detail"].endswith("[truncated]])\n specified is unsupported or invalid")
    assert count(api, entity) == before


def test_every_writable_entity_declares_its_fields() -> None:
    undeclared = [rules.name for rules in ENTITY_TYPES.values() if not rules.read_only and rules.known_fields is None]
    assert undeclared == [], f"declare known_fields on {undeclared} (docs/architecture.md, 'Entity fields')"


def test_what_the_simulator_returns_can_be_posted_back(api: QBOApi) -> None:
    """Clients post back what they read (node-quickbooks' void, python-quickbooks' full update)."""
    invoice = api.post("invoice", api.invoice_body("INV0904", BillEmail={"Address": "a@example.com"})).json()
    records = {"Invoice": invoice["Invoice"], "Customer": api.get("customer/1").json()["Customer"],
               "Item": api.get("item/1").json()["Item"], "Preferences": api.get("preferences").json()["Preferences"],
               "CompanyInfo": api.get("companyinfo/1").json()["CompanyInfo"]}
    for name, record in records.items():
        unknown = set(record) - ENTITY_TYPES[name.lower()].known_fields - COMMON
        assert not unknown, f"{name} returns properties it would refuse: {unknown}"


# -- 4. "" is not always absent ----------------------------------------------------------------------
def test_blank_doc_number_on_an_auto_numbering_company_saves_no_number(api: QBOApi) -> None:
    api.sim.set_preference(api.realm_id, "SalesFormsPrefs.CustomTxnNumbers", False)
    blank = api.post("invoice", api.invoice_body(DocNumber="")).json()["Invoice"]
    absent = api.post("invoice", api.invoice_body()).json()["Invoice"]
    assert "DocNumber" not in blank
    assert absent["DocNumber"] == "1001"
    note = api.post("invoice", api.invoice_body(PrivateNote="", TxnDate="")).json()["Invoice"]
    assert "PrivateNote" not in note and note["TxnDate"]  # these "" stay "not supplied"


# -- 5. references by position -----------------------------------------------------------------------
def test_reference_errors_name_the_position(api: QBOApi) -> None:
    before = count(api, "Invoice")
    line_item = api.invoice_body()
    line_item["Line"][0]["SalesItemLineDetail"]["ItemRef"] = {"value": "999"}
    error = fault_of(api.post("invoice", line_item))
    assert (error["code"], error["Message"], error["Detail"], error["element"]) == (
        "2500", "Invalid Reference Id", "Invalid Reference Id : Line.SalesItemLineDetail.ItemRef",
        "Line.SalesItemLineDetail.ItemRef")
    error = fault_of(api.post("invoice", api.invoice_body(customer="999")))
    assert (error["code"], error["Detail"]) == ("2500", "Invalid Reference Id : Names element id 999 not found")
    assert count(api, "Invoice") == before
    error = fault_of(api.post("payment", {"CustomerRef": {"value": "1"}, "TotalAmt": 5,
                                          "DepositToAccountRef": {"value": "999"}}))
    assert (error["code"], error["Detail"]) == ("2500", "Invalid Reference Id : Accounts element id 999 not found")


def test_payment_linking_another_customers_invoice_is_620(api: QBOApi) -> None:
    invoice = api.post("invoice", api.invoice_body("INV0905", customer="1")).json()["Invoice"]
    before = count(api, "Payment")
    response = api.post("payment", {"CustomerRef": {"value": "2"}, "TotalAmt": 10, "Line": [
        {"Amount": 10, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}]})
    error = fault_of(response)
    assert (response.status_code, error["code"], error["Message"]) == (400, "620", "TxnID Cannot Be Linked")
    assert error["Detail"].startswith("TxnID Cannot Be Linked : Cannot validate linked transactions: ")
    assert count(api, "Payment") == before
    assert api.get(f"invoice/{invoice['Id']}").json()["Invoice"]["Balance"] == invoice["Balance"]


# -- 10. bodies that exhaust a parser ----------------------------------------------------------------
@pytest.mark.parametrize("depth", [100, 100_000])
@pytest.mark.parametrize("kind", ["json", "xml"])
def test_deeply_nested_bodies_are_a_2010_never_a_500(api: QBOApi, kind: str, depth: int) -> None:
    before = count(api, "Customer")
    if kind == "json":
        data, content_type = '{"DisplayName": "Deep", "Notes": ' + "[" * depth + "]" * depth + "}", "application/json"
    else:
        data, content_type = "<Customer>" + "<a>" * depth + "</a>" * depth + "</Customer>", "application/xml"
    response = api.session.post(f"{api.base}/customer", data=data.encode(), timeout=30,
                                headers={"Content-Type": content_type})
    error = fault_of(response)
    assert (response.status_code, error["code"]) == (400, "2010")
    assert error["Detail"].startswith(f"Property Name:failed to parse {kind} object")
    assert count(api, "Customer") == before
    batch = api.session.post(f"{api.base}/batch", data=b'{"BatchItemRequest":' + b"[" * depth + b"]" * depth + b"}",
                             headers={"Content-Type": "application/json"}, timeout=30)
    assert (batch.status_code, fault_of(batch)["code"]) == (400, "2010")


# -- 9. links and preferences ------------------------------------------------------------------------
def test_invoice_link_on_read_and_query_when_asked_and_payable_online(api: QBOApi) -> None:
    payable = api.post("invoice", api.invoice_body("INV0906", BillEmail={"Address": "ap@example.com"},
                                                   AllowOnlineCreditCardPayment=True)).json()["Invoice"]
    plain = api.post("invoice", api.invoice_body("INV0907")).json()["Invoice"]
    assert "InvoiceLink" not in api.get(f"invoice/{payable['Id']}").json()["Invoice"]
    linked = api.get(f"invoice/{payable['Id']}", include="invoiceLink").json()["Invoice"]
    assert linked["InvoiceLink"].startswith("https://") and payable["Id"] in linked["InvoiceLink"]
    assert "InvoiceLink" not in api.get(f"invoice/{plain['Id']}", include="invoiceLink").json()["Invoice"]
    rows = api.get("query", query=f"select * from Invoice where Id = '{payable['Id']}'",
                   include="invoiceLink").json()["QueryResponse"]["Invoice"]
    assert rows[0]["InvoiceLink"] == linked["InvoiceLink"]


def test_preferences_have_every_section(api: QBOApi) -> None:
    prefs = api.get("preferences").json()["Preferences"]
    for section in ("AccountingInfoPrefs", "ProductAndServicesPrefs", "SalesFormsPrefs", "EmailMessagesPrefs",
                    "VendorAndPurchasesPrefs", "TimeTrackingPrefs", "TaxPrefs", "CurrencyPrefs", "ReportPrefs",
                    "OtherPrefs"):
        assert prefs[section], section
    assert set(prefs["EmailMessagesPrefs"]) == {"InvoiceMessage", "EstimateMessage", "SalesReceiptMessage",
                                                "StatementMessage"}
    assert set(prefs["EmailMessagesPrefs"]["InvoiceMessage"]) == {"Subject", "Message"}
    assert prefs["TimeTrackingPrefs"]["WorkWeekStartDate"] == "Monday"
    assert prefs["AccountingInfoPrefs"]["FirstMonthOfFiscalYear"] == "July"  # AU


@pytest.mark.parametrize("where, cls", [("line", "Line"), ("detail", "SalesItemLineDetail")])
def test_an_unknown_property_on_a_line_or_its_detail_is_2010(api: QBOApi, where: str, cls: str) -> None:
    body = api.invoice_body()
    target = body["Line"][0] if where == "line" else body["Line"][0]["SalesItemLineDetail"]
    target["Colour"] = "red"
    before = count(api, "Invoice")
    error = fault_of(api.post("invoice", body))
    assert error["code"] == "2010"
    assert error["Detail"].startswith(
        f'Property Name:Unrecognized field "Colour" (class com.intuit.schema.finance.v3.{cls})')
    assert count(api, "Invoice") == before
    payment = {"CustomerRef": {"value": "1"}, "TotalAmt": 5, "Line": [{"Amount": 5, "Discount": 1, "LinkedTxn": []}]}
    assert fault_of(api.post("payment", payment))["Detail"].startswith('Property Name:Unrecognized field "Discount"')


def test_customer_format_problems_are_listed_together(api: QBOApi) -> None:
    before = count(api, "Customer")
    errors = faults_of(api.post("customer", {"DisplayName": "Two Problems", "Title": "Dr" * 9,
                                             "PrimaryEmailAddr": {"Address": "not-an-address"}}))
    assert [(e["code"], e["element"]) for e in errors] == [("2050", "Title"), ("2210", "PrimaryEmailAddr.Address")]
    assert count(api, "Customer") == before


def test_company_info_email_and_item_dates_are_checked(api: QBOApi) -> None:
    info = api.get("companyinfo/1").json()["CompanyInfo"]
    error = fault_of(api.post("companyinfo", {"Id": "1", "SyncToken": info["SyncToken"], "sparse": True,
                                              "Email": {"Address": "accounts at example"}}))
    assert (error["code"], error["Detail"]) == ("2210", RFC822 + "accounts at example")
    assert api.get("companyinfo/1").json()["CompanyInfo"]["SyncToken"] == info["SyncToken"]
    item = {"Name": "Dated", "Type": "Service", "IncomeAccountRef": {"value": "1"}, "InvStartDate": "2030-02-30"}
    assert fault_of(api.post("item", item))["code"] == "2010"


def test_address_parts_have_their_own_lengths(api: QBOApi) -> None:
    before = count(api, "Customer")
    errors = faults_of(api.post("customer", {"DisplayName": "Long Address",
                                             "BillAddr": {"Line1": "L" * 501, "PostalCode": "2" * 31}}))
    assert [(e["code"], e["element"]) for e in errors] == [("2050", "BillAddr.Line1"), ("2050", "BillAddr.PostalCode")]
    assert errors[1]["Detail"].endswith("Max:30 supported. Supplied length:31")
    assert count(api, "Customer") == before
    error = fault_of(api.post("invoice", api.invoice_body(ShipAddr={"City": "C" * 256})))
    assert (error["code"], error["element"]) == ("2050", "ShipAddr.City")
