"""The accounting API over HTTP: computed fields, lifecycle, batch, CDC, formats and bad input."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import requests

from tests.conftest import QBOApi, fault_of


def test_create_computes_what_qbo_computes(api: QBOApi) -> None:
    body = {
        "CustomerRef": {"value": "1", "name": ""}, "SyncToken": 0, "TotalAmt": "", "TxnDate": "", "DueDate": "",
        "GlobalTaxCalculation": "TaxExcluded", "DocNumber": "INV0042",
        "Line": [
            {"DetailType": "SalesItemLineDetail", "Amount": 200, "LineNum": 0,
             "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "Qty": 2, "UnitPrice": 100, "TaxCodeRef": {"value": "5"}}},
            {"DetailType": "SalesItemLineDetail", "Amount": 50,
             "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "Qty": 0, "UnitPrice": 0, "TaxCodeRef": {"value": "6"}}},
            {"DetailType": "DiscountLineDetail", "DiscountLineDetail": {"PercentBased": True, "DiscountPercent": 10}},
        ],
    }
    invoice = api.post("invoice", body).json()["Invoice"]
    assert (invoice["Id"], invoice["SyncToken"], invoice["domain"], invoice["sparse"]) == ("1", "0", "QBO", False)
    assert [line.get("LineNum") for line in invoice["Line"]] == [1, 2, None, None]
    assert invoice["Line"][2] == {"Amount": 250.0, "DetailType": "SubTotalLineDetail", "SubTotalLineDetail": {}}
    assert invoice["Line"][3]["Amount"] == 25.0
    tax = invoice["TxnTaxDetail"]
    assert tax["TotalTax"] == 18.0  # 10 % of (200 - 10 % discount); GST free line adds 0
    assert [t["TaxLineDetail"]["NetAmountTaxable"] for t in tax["TaxLine"]] == [180.0, 45.0]
    assert invoice["TotalAmt"] == invoice["Balance"] == 243.0
    assert invoice["CustomerRef"]["name"] and invoice["BillAddr"]["Line1"]
    created = datetime.fromisoformat(invoice["MetaData"]["CreateTime"])
    assert created.utcoffset() in (timedelta(hours=10), timedelta(hours=11))  # Australia/Sydney
    assert invoice["DueDate"] == (created.date() + timedelta(days=30)).isoformat()  # Net 30


def test_tax_inclusive_invoice_takes_the_gross_and_returns_nets(api: QBOApi) -> None:
    body = api.invoice_body("INV0001", GlobalTaxCalculation="TaxInclusive")
    body["Line"][0]["SalesItemLineDetail"].update({"TaxInclusiveAmt": 305.46, "Qty": 3})
    del body["Line"][0]["Amount"]
    invoice = api.post("invoice", body).json()["Invoice"]
    line = invoice["Line"][0]
    assert line["Amount"] == 277.69 and line["SalesItemLineDetail"]["UnitPrice"] == 92.5633333
    assert invoice["TxnTaxDetail"]["TotalTax"] == 27.77
    assert invoice["TotalAmt"] == 305.46


def test_auto_numbering_when_custom_numbers_are_off(api: QBOApi) -> None:
    api.sim.set_preference(api.realm_id, "SalesFormsPrefs.CustomTxnNumbers", False)
    first = api.post("invoice", api.invoice_body()).json()["Invoice"]
    second = api.post("invoice", api.invoice_body()).json()["Invoice"]
    assert (first["DocNumber"], second["DocNumber"]) == ("1001", "1002")


def test_sparse_update_void_delete_and_610(api: QBOApi) -> None:
    invoice = api.post("invoice", api.invoice_body("INV0001")).json()["Invoice"]
    updated = api.post("invoice", {"Id": invoice["Id"], "SyncToken": 0, "sparse": True, "DueDate": "2030-01-31"},
                       operation="update").json()["Invoice"]
    assert (updated["SyncToken"], updated["DueDate"], updated["TotalAmt"]) == ("1", "2030-01-31", 110.0)
    deleted = api.post("invoice", {"Id": invoice["Id"], "SyncToken": "1"}, operation="delete").json()
    assert deleted["Invoice"] == {"status": "Deleted", "domain": "QBO", "Id": invoice["Id"]}
    error = fault_of(api.get(f"invoice/{invoice['Id']}"))
    assert (error["code"], error["Detail"]) == ("610", "Object Not Found : Another user has deleted this transaction.")
    assert api.query("select * from Invoice") == {}


def test_payment_changes_balance_and_blocks_void(api: QBOApi) -> None:
    invoice = api.post("invoice", api.invoice_body("INV0001")).json()["Invoice"]
    payment = api.post("payment", {"CustomerRef": {"value": "1"}, "TotalAmt": 50, "Line": [
        {"Amount": 50, "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]}]}).json()["Payment"]
    after = api.get(f"invoice/{invoice['Id']}").json()["Invoice"]
    assert (after["Balance"], after["SyncToken"]) == (60.0, "1")
    assert after["LinkedTxn"] == [{"TxnId": payment["Id"], "TxnType": "Payment"}]
    refused = api.post("invoice", {"Id": invoice["Id"], "SyncToken": "1"}, operation="void")
    assert fault_of(refused)["code"] == "6000"
    api.post("payment", {"Id": payment["Id"], "SyncToken": "0"}, operation="delete")
    assert api.get(f"invoice/{invoice['Id']}").json()["Invoice"]["Balance"] == 110.0


def test_batch_items_are_independent_with_per_bid_faults(api: QBOApi) -> None:
    response = api.post("batch", {"BatchItemRequest": [
        {"bId": "b1", "operation": "create", "Invoice": api.invoice_body("B1")},
        {"bId": "b2", "operation": "create", "Invoice": api.invoice_body("B1")},
        {"bId": "b3", "Query": "select count(*) from Invoice"},
        {"bId": "b4", "operation": "create", "Invoice": {**api.invoice_body("B4"), "Line": []}},
    ]})
    assert response.status_code == 200
    items = {item["bId"]: item for item in response.json()["BatchItemResponse"]}
    assert items["b1"]["Invoice"]["DocNumber"] == "B1"
    assert items["b2"]["Fault"]["Error"][0]["code"] == "6140"
    assert items["b3"]["QueryResponse"] == {"totalCount": 1}
    assert items["b4"]["Fault"]["Error"][0]["code"] == "2020"


def test_batch_limits(api: QBOApi) -> None:
    assert fault_of(api.post("batch", {"BatchItemRequest": []}))["Detail"] == "Batch Request is Empty"
    too_many = [{"bId": str(i), "Query": "select * from Item"} for i in range(31)]
    assert fault_of(api.post("batch", {"BatchItemRequest": too_many}))["code"] == "1040"


def test_cdc_reports_changes_and_deletions(api: QBOApi) -> None:
    since = api.sim.advance_clock(seconds=1)
    kept = api.post("invoice", api.invoice_body("C1")).json()["Invoice"]
    gone = api.post("invoice", api.invoice_body("C2")).json()["Invoice"]
    api.post("invoice", {"Id": gone["Id"], "SyncToken": "0"}, operation="delete")
    response = api.get("cdc", entities="Invoice,Customer", changedSince=since).json()
    invoices, customers = response["CDCResponse"][0]["QueryResponse"]
    ids = {(i["Id"], i.get("status")) for i in invoices["Invoice"]}
    assert ids == {(kept["Id"], None), (gone["Id"], "Deleted")}
    assert customers == {}


def test_xml_is_the_default_and_json_on_request(api: QBOApi) -> None:
    invoice = api.post("invoice", api.invoice_body("X1")).json()["Invoice"]
    bare = requests.get(f"{api.base}/invoice/{invoice['Id']}", headers={
        "Authorization": api.session.headers["Authorization"]}, timeout=10)
    assert bare.headers["Content-Type"].startswith("application/xml")
    assert b"<IntuitResponse" in bare.content and b"<DocNumber>X1</DocNumber>" in bare.content
    forced = requests.get(f"{api.base}/invoice/{invoice['Id']}?format=json", headers={
        "Authorization": api.session.headers["Authorization"]}, timeout=10)
    assert forced.json()["Invoice"]["DocNumber"] == "X1"


def test_xml_request_body(api: QBOApi) -> None:
    xml = (b'<Invoice xmlns="http://schema.intuit.com/finance/v3"><DocNumber>XML1</DocNumber>'
           b'<Line><Amount>10</Amount><DetailType>SalesItemLineDetail</DetailType><SalesItemLineDetail>'
           b'<ItemRef>1</ItemRef><TaxCodeRef>5</TaxCodeRef></SalesItemLineDetail></Line>'
           b'<CustomerRef>1</CustomerRef></Invoice>')
    response = api.session.post(f"{api.base}/invoice", data=xml, headers={"Content-Type": "application/xml"},
                                timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()["Invoice"]["TotalAmt"] == 11.0


@pytest.mark.parametrize(("data", "content_type", "code"), [
    (b"{not json", "application/json", "2010"),
    (b"\xff\xfe\xfa", "application/json", "500"),
    (json.dumps({"Invoice": {"Line": []}}).encode(), "application/json", "2010"),
    (b"[1, 2]", "application/json", "2010"),
    (b"<!DOCTYPE x [<!ENTITY a 'b'>]><Invoice>&a;</Invoice>", "application/xml", "2010"),
], ids=["broken-json", "not-utf8", "wrapped-entity", "not-an-object", "xml-entities"])
def test_bad_bodies_get_qbo_faults_and_change_nothing(api: QBOApi, data: bytes, content_type: str, code: str) -> None:
    response = api.session.post(f"{api.base}/invoice", data=data, headers={"Content-Type": content_type}, timeout=10)
    assert response.status_code == 400
    assert fault_of(response)["code"] == code
    assert api.query("select count(*) from Invoice")["totalCount"] == 0


def test_oversized_body_is_refused(api: QBOApi) -> None:
    response = api.session.post(f"{api.base}/invoice", data=b"{" + b" " * (11 * 1024 * 1024) + b"}",
                                headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 413
    assert fault_of(response)["code"] == "500"


def test_unknown_route_and_wrong_realm(api: QBOApi) -> None:
    assert fault_of(api.get("nosuchentity/1"))["Message"] == "Unsupported Operation"
    error = api.session.get(f"{api.sim.api_base}/company/123/invoice/1", timeout=10).json()
    assert error["fault"]["error"][0]["code"] == "3100"


def test_pdf_and_send(api: QBOApi) -> None:
    invoice = api.post("invoice", api.invoice_body("P1")).json()["Invoice"]
    pdf = api.session.get(f"{api.base}/invoice/{invoice['Id']}/pdf", headers={"Accept": "application/pdf"}, timeout=10)
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-1.")
    sent = api.session.post(f"{api.base}/invoice/{invoice['Id']}/send", params={"sendTo": "jo@example.com"},
                            headers={"Content-Type": "application/octet-stream"}, timeout=10).json()["Invoice"]
    assert (sent["EmailStatus"], sent["SyncToken"]) == ("EmailSent", "0")
    assert sent["DeliveryInfo"]["DeliveryType"] == "Email"


def test_requestid_replays_the_first_response_even_a_fault(api: QBOApi) -> None:
    first = api.post("invoice", api.invoice_body("R1"), requestid="abc-1")
    again = api.post("invoice", api.invoice_body("R1"), requestid="abc-1")
    assert first.content == again.content and first.status_code == again.status_code == 200
    failing = api.post("invoice", {**api.invoice_body("R2"), "Line": []}, requestid="abc-2")
    fixed = api.post("invoice", api.invoice_body("R2"), requestid="abc-2")
    assert fixed.status_code == 400 and fixed.content == failing.content  # a new attempt needs a new requestid
    assert api.query("select count(*) from Invoice")["totalCount"] == 1


def test_dropped_connection_after_commit_and_the_retry_with_the_same_requestid(api: QBOApi) -> None:
    api.sim.add_fault(action="drop", when="after", realm_id=api.realm_id, operation="create", times=1)
    with pytest.raises(requests.exceptions.RequestException):
        api.post("invoice", api.invoice_body("D1"), requestid="drop-1")
    assert api.query("select count(*) from Invoice")["totalCount"] == 1  # QuickBooks committed it
    retried = api.post("invoice", api.invoice_body("D1"), requestid="drop-1")
    assert retried.status_code == 200
    assert api.query("select count(*) from Invoice")["totalCount"] == 1


def test_timeout_before_the_write(api: QBOApi) -> None:
    api.sim.add_fault(action="timeout", seconds=5, realm_id=api.realm_id, operation="create", times=1)
    with pytest.raises(requests.exceptions.Timeout):
        api.session.post(f"{api.base}/invoice", json=api.invoice_body("T1"), timeout=0.5)
    assert api.query("select count(*) from Invoice")["totalCount"] == 0


def test_journal_redacts_secrets(api: QBOApi) -> None:
    tokens = api.sim.connect(api.realm_id)
    api.session.post(f"{api.sim.base_url}/oauth2/v1/tokens/bearer",
                     data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}, timeout=10)
    api.post("invoice", api.invoice_body("J1"))
    dump = json.dumps(api.sim.journal())
    for secret in (tokens["refresh_token"], tokens["access_token"], api.session.headers["Authorization"][7:]):
        assert secret not in dump


def test_an_array_where_text_belongs_is_2010(api: QBOApi) -> None:
    response = api.post("customer", {"DisplayName": "Array Person", "GivenName": ["a"]})
    assert fault_of(response)["code"] == "2010"
    assert api.query("select count(*) from Customer where DisplayName = 'Array Person'")["totalCount"] == 0


def test_stopping_another_server_does_not_release_this_ones_timeouts(api: QBOApi) -> None:
    from simulator import LiveServer, create_app

    with LiveServer(create_app({"COMPANIES": ()})):
        pass  # another app's server starts and stops in the same process
    api.sim.add_fault(action="timeout", seconds=5, realm_id=api.realm_id, operation="create", times=1)
    with pytest.raises(requests.exceptions.Timeout):
        api.session.post(f"{api.base}/invoice", json=api.invoice_body("T2"), timeout=0.5)
