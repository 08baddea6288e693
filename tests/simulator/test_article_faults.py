"""Every article failure, over real HTTP: once arising from state and rules, once from the fault plan.

Each asserts QBO's status, code, Message, Detail and envelope, and that company state is unchanged.
"""

from __future__ import annotations

import pytest
import requests

from tests.conftest import QBOApi, fault_of

REQUIRED_MESSAGE = "Required param missing, need to supply the required value for the API"
BUSINESS_MESSAGE = "A business validation error has occurred while processing your request"
GST_DETAIL = "Business Validation Error: Make sure all your transactions have a GST rate before you save."


def invoice_count(api: QBOApi) -> int:
    return api.query("select count(*) from Invoice")["totalCount"]


# -- required-param-missing ------------------------------------------------------------------------------
@pytest.mark.parametrize("lines", [[], None], ids=["empty-Line", "no-Line"])
def test_invoice_with_no_lines_is_2020_from_state(api: QBOApi, lines: list | None) -> None:
    body = api.invoice_body("INV0001")
    if lines is None:
        del body["Line"]
    else:
        body["Line"] = lines
    response = api.post("invoice", body)
    assert response.status_code == 400
    error = fault_of(response)
    assert error == {"Message": REQUIRED_MESSAGE, "Detail": "Required parameter Line is missing in the request",
                     "code": "2020", "element": "", "type": "ValidationFault"}
    assert invoice_count(api) == 0


def test_2020_from_the_fault_plan_matches_the_state_based_one(api: QBOApi) -> None:
    api.sim.add_fault("RequiredParamMissing", realm_id=api.realm_id, entity="Invoice", operation="create",
                      params={"param": "Line"}, times=1)
    response = api.post("invoice", api.invoice_body("INV0001"))
    assert response.status_code == 400
    assert fault_of(response)["Detail"] == "Required parameter Line is missing in the request"
    assert invoice_count(api) == 0
    assert api.post("invoice", api.invoice_body("INV0001")).status_code == 200  # times=1: used up


# -- duplicate-document-number ---------------------------------------------------------------------------
def test_doc_number_clash_is_6140_naming_the_clashing_txn(api: QBOApi) -> None:
    first = api.post("invoice", api.invoice_body("INV0042")).json()["Invoice"]
    response = api.post("invoice", api.invoice_body("inv0042", amount=50))
    assert response.status_code == 400
    error = fault_of(response)
    assert error["code"] == "6140"
    assert error["Message"] == "Duplicate Document Number Error"
    assert error["Detail"] == ("Duplicate Document Number Error : You must specify a different number. This number "
                               f"has already been used. DocNumber=inv0042 is assigned to TxnType=Invoice with "
                               f"TxnId={first['Id']}")
    assert invoice_count(api) == 1
    assert api.get(f"invoice/{first['Id']}").json()["Invoice"]["SyncToken"] == "0"  # existing one untouched


def test_6140_clash_with_a_credit_memo_names_its_display_type(api: QBOApi) -> None:
    memo = api.post("creditmemo", api.invoice_body("CN0007")).json()["CreditMemo"]
    error = fault_of(api.post("invoice", api.invoice_body("CN0007")))
    assert error["Detail"].endswith(f"DocNumber=CN0007 is assigned to TxnType=Credit Memo with TxnId={memo['Id']}")


def test_6140_only_with_custom_numbers_and_the_warning_on(api: QBOApi) -> None:
    api.post("invoice", api.invoice_body("INV0042"))
    assert api.post("invoice", api.invoice_body("INV0042"), include="allowduplicatedocnum").status_code == 200
    api.sim.set_settings(api.realm_id, warn_duplicate_doc_number=False)
    assert api.post("invoice", api.invoice_body("INV0042")).status_code == 200
    assert invoice_count(api) == 3


def test_renumbering_in_quickbooks_clears_the_clash(api: QBOApi) -> None:
    api.post("invoice", api.invoice_body("INV0042"))
    api.sim.renumber(api.realm_id, "INV0042", "INV0042-A")
    assert api.post("invoice", api.invoice_body("INV0042")).status_code == 200
    numbers = sorted(i["DocNumber"] for i in api.query("select * from Invoice")["Invoice"])
    assert numbers == ["INV0042", "INV0042-A"]


def test_6140_from_the_fault_plan(api: QBOApi) -> None:
    api.sim.add_fault("DuplicateDocNumber", realm_id=api.realm_id, entity="Invoice", operation="create",
                      params={"doc_number": "INV0042", "txn_type": "Invoice", "txn_id": "77"})
    error = fault_of(api.post("invoice", api.invoice_body("INV0042")))
    assert error["code"] == "6140" and error["Detail"].endswith("DocNumber=INV0042 is assigned to TxnType=Invoice "
                                                                 "with TxnId=77")
    assert invoice_count(api) == 0


# -- tax-business-validation ---------------------------------------------------------------------------
@pytest.mark.parametrize("tax_code", ["8", "999", None], ids=["inactive-EXP", "missing-code", "no-TaxCodeRef"])
def test_unusable_tax_code_is_6000_with_gst_wording(api: QBOApi, tax_code: str | None) -> None:
    body = api.invoice_body("INV0001")
    if tax_code is None:
        del body["Line"][0]["SalesItemLineDetail"]["TaxCodeRef"]
    else:
        body["Line"][0]["SalesItemLineDetail"]["TaxCodeRef"] = {"value": tax_code}
    response = api.post("invoice", body)
    assert response.status_code == 400
    assert fault_of(response) == {"Message": BUSINESS_MESSAGE, "Detail": GST_DETAIL, "code": "6000",
                                  "element": "", "type": "ValidationFault"}
    assert invoice_count(api) == 0


def test_reactivating_the_code_in_quickbooks_fixes_6000(api: QBOApi) -> None:
    body = api.invoice_body("INV0001", tax_code="8")
    assert api.post("invoice", body).status_code == 400
    api.sim.set_tax_code_active(api.realm_id, "EXP", True)
    assert api.post("invoice", body).status_code == 200


def test_6000_wording_follows_the_company_country(qbo_sim) -> None:
    realm = qbo_sim.create_company("UK", customers=1)
    try:
        api = QBOApi(qbo_sim, realm)
        body = api.invoice_body("1", tax_code="999")
        assert fault_of(api.post("invoice", body))["Detail"].endswith("have a VAT rate before you save.")
    finally:
        qbo_sim.delete_company(realm)


# -- invalid-refresh-token -------------------------------------------------------------------------------
def _refresh(qbo_sim, refresh_token: str) -> requests.Response:
    from simulator.backends import DEFAULT_CLIENT

    return requests.post(f"{qbo_sim.base_url}/oauth2/v1/tokens/bearer",
                         data={"grant_type": "refresh_token", "refresh_token": refresh_token},
                         auth=(DEFAULT_CLIENT["client_id"], DEFAULT_CLIENT["client_secret"]),
                         headers={"Accept": "application/json"}, timeout=10)


@pytest.mark.parametrize("how", ["revoke", "expire"])
def test_revoked_or_expired_refresh_token_is_invalid_grant(qbo_sim, qbo_company: str, how: str) -> None:
    tokens = qbo_sim.connect(qbo_company)
    assert _refresh(qbo_sim, tokens["refresh_token"]).status_code == 200
    if how == "revoke":
        qbo_sim.revoke(qbo_company)
    else:
        qbo_sim.expire_refresh_tokens(qbo_company)
    response = _refresh(qbo_sim, tokens["refresh_token"])
    assert response.status_code == 400
    assert response.content == b'{"error":"invalid_grant"}'
    assert response.headers["intuit_tid"]


def test_refresh_token_unused_for_100_days_expires(qbo_sim, qbo_company: str) -> None:
    tokens = qbo_sim.connect(qbo_company)
    qbo_sim.advance_clock(days=101)
    assert _refresh(qbo_sim, tokens["refresh_token"]).json() == {"error": "invalid_grant"}


def test_invalid_grant_from_the_fault_plan(qbo_sim, qbo_company: str) -> None:
    tokens = qbo_sim.connect(qbo_company)
    qbo_sim.add_fault("InvalidGrant", realm_id=qbo_company, operation="token", times=1)
    response = _refresh(qbo_sim, tokens["refresh_token"])
    assert (response.status_code, response.json()) == (400, {"error": "invalid_grant"})
    assert _refresh(qbo_sim, tokens["refresh_token"]).status_code == 200  # the grant itself is intact


# -- voided-invoice ------------------------------------------------------------------------------------------
def test_void_keeps_the_invoice_with_zero_amounts(api: QBOApi) -> None:
    created = api.post("invoice", api.invoice_body("INV0009", amount=120)).json()["Invoice"]
    voided = api.post("invoice", {"Id": created["Id"], "SyncToken": created["SyncToken"]}, operation="void")
    assert voided.status_code == 200
    invoice = voided.json()["Invoice"]
    assert (invoice["TotalAmt"], invoice["Balance"], invoice["TxnTaxDetail"]["TotalTax"]) == (0, 0, 0)
    assert all(line.get("Amount", 0) == 0 for line in invoice["Line"])
    assert invoice["PrivateNote"].startswith("Voided")
    assert (invoice["SyncToken"], invoice["DocNumber"]) == ("1", "INV0009")
    assert api.query("select * from Invoice where DocNumber = 'INV0009'")["Invoice"][0]["TotalAmt"] == 0


# -- unlisted errors from state ------------------------------------------------------------------------------
def test_closed_books_is_6210(api: QBOApi) -> None:
    api.sim.set_settings(api.realm_id, books_closed_through="2099-12-31")
    error = fault_of(api.post("invoice", api.invoice_body("INV0001")))
    assert (error["code"], error["Message"]) == ("6210", "Account Period Closed")
    assert invoice_count(api) == 0


def test_stale_sync_token_is_5010_and_changes_nothing(api: QBOApi) -> None:
    created = api.post("invoice", api.invoice_body("INV0001")).json()["Invoice"]
    first = api.post("invoice", {"Id": created["Id"], "SyncToken": "0", "sparse": True, "PrivateNote": "a"})
    assert first.json()["Invoice"]["SyncToken"] == "1"
    stale = api.post("invoice", {"Id": created["Id"], "SyncToken": "0", "sparse": True, "PrivateNote": "b"})
    error = fault_of(stale)
    assert (error["code"], error["Message"]) == ("5010", "Stale Object Error")
    assert error["Detail"] == ("Stale Object Error : You and root were working on this at the same time. root "
                               "finished before you did, so your work was not saved.")
    assert api.get(f"invoice/{created['Id']}").json()["Invoice"]["PrivateNote"] == "a"


def test_outage_page_and_throttle_from_the_fault_plan(api: QBOApi) -> None:
    api.sim.add_fault("ServiceUnavailable", realm_id=api.realm_id, operation="create", times=1)
    outage = api.post("invoice", api.invoice_body("INV0001"))
    assert outage.status_code == 503
    assert outage.headers["Content-Type"].startswith("text/html")
    assert "503 Service Temporarily Unavailable" in outage.text and outage.headers["intuit_tid"]
    api.sim.add_fault("Throttled", realm_id=api.realm_id, operation="create", times=1)
    throttled = api.post("invoice", api.invoice_body("INV0001"))
    assert throttled.status_code == 429
    error = throttled.json()["fault"]["error"][0]
    assert (error["code"], error["detail"]) == ("3001", "The request limit was reached.  Try again later")
    assert invoice_count(api) == 0
