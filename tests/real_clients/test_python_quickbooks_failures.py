"""python-quickbooks + intuitlib, unmodified: every article failure surfaces as the exception class
python-quickbooks raises against real QBO, mapped from the fault ``code`` (see
``/work/shared/reference/real-clients.md``):

* 2020 → ``ValidationException``; 610 → ``ObjectNotFoundException``;
* 5010, 6000, 6140 → the base ``QuickbooksException`` itself (no subclass), ``error_code`` set;
* HTTP 401 → ``AuthorizationException("Application authentication failed", 401, <raw body>)``;
* ``invalid_grant`` on refresh → ``intuitlib.exceptions.AuthClientError`` (status 400).

Each failure is reproduced both from company state and from the fault plan, and each asserts that
the company is unchanged afterwards (fixtures in conftest.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from intuitlib.client import AuthClient
from intuitlib.exceptions import AuthClientError
from quickbooks import QuickBooks
from quickbooks.exceptions import (
    AuthorizationException,
    ObjectNotFoundException,
    QuickbooksException,
    ValidationException,
)
from quickbooks.objects.customer import Customer
from quickbooks.objects.invoice import Invoice

from simulator.testing import SimulatorHandle
from tests.real_clients.conftest import (
    BUSINESS_MESSAGE,
    DUPLICATE_DETAIL,
    EXPORT_INACTIVE,
    GST,
    GST_DETAIL,
    REQUIRED_MESSAGE,
    SERVICES_ITEM,
    assert_quickbooks_exception,
    authorize,
    doc_number,
    invoices,
    new_auth_client,
    new_invoice,
    new_qb,
    sales_line,
)

# the fixture sets OAUTHLIB_INSECURE_TRANSPORT: see tests/real_clients/conftest.py
pytestmark = pytest.mark.usefixtures("_plain_http")


# == article failures, from state ========================================================================

def test_required_param_missing_2020(qb: QuickBooks, customer: Customer, qbo_sim: SimulatorHandle,
                                     qbo_company: str) -> None:
    before = invoices(qbo_sim, qbo_company)
    with pytest.raises(ValidationException) as caught:
        new_invoice(customer, doc_number(), lines=[]).save(qb=qb)
    assert_quickbooks_exception(caught.value, ValidationException, 2020, REQUIRED_MESSAGE,
                                "Required parameter Line is missing in the request")
    assert invoices(qbo_sim, qbo_company) == before


def test_duplicate_document_number_6140(qb: QuickBooks, customer: Customer, qbo_sim: SimulatorHandle,
                                        qbo_company: str) -> None:
    number = doc_number()
    existing = new_invoice(customer, number).save(qb=qb)
    before = invoices(qbo_sim, qbo_company)
    with pytest.raises(QuickbooksException) as caught:
        new_invoice(customer, number, lines=[sales_line(999)]).save(qb=qb)
    assert_quickbooks_exception(caught.value, QuickbooksException, 6140, "Duplicate Document Number Error",
                                DUPLICATE_DETAIL.format(doc=number, txn_id=existing.Id))
    assert invoices(qbo_sim, qbo_company) == before  # nothing created, the existing one untouched
    assert Invoice.get(existing.Id, qb=qb).to_dict() == existing.to_dict()


def test_duplicate_number_clash_with_an_invoice_the_user_made_then_renumbered(
        qb: QuickBooks, customer: Customer, qbo_sim: SimulatorHandle, qbo_company: str) -> None:
    number = doc_number()
    theirs = qbo_sim.user_creates_invoice(qbo_company, customer=customer.Id, doc_number=number,
                                          lines=[{
        "DetailType": "SalesItemLineDetail", "Amount": 55,
        "SalesItemLineDetail": {"ItemRef": {"value": SERVICES_ITEM}, "TaxCodeRef": {"value": GST}}}])
    with pytest.raises(QuickbooksException) as caught:
        new_invoice(customer, number).save(qb=qb)
    assert type(caught.value) is QuickbooksException and caught.value.error_code == 6140
    assert f"TxnId={theirs['Id']}" in caught.value.detail
    # the documented fix: renumber theirs in QuickBooks, then Retry
    qbo_sim.renumber(qbo_company, number, number + "-1")
    retried = new_invoice(customer, number).save(qb=qb)
    assert retried.DocNumber == number and retried.Id != theirs["Id"]


@pytest.mark.parametrize("tax_code", [EXPORT_INACTIVE, None], ids=["inactive-code", "no-tax-code"])
def test_tax_business_validation_6000(qb: QuickBooks, customer: Customer, qbo_sim: SimulatorHandle,
                                      qbo_company: str, tax_code: str | None) -> None:
    before = invoices(qbo_sim, qbo_company)
    number = doc_number()
    with pytest.raises(QuickbooksException) as caught:
        new_invoice(customer, number, lines=[sales_line(100, GST), sales_line(20, tax_code)]).save(qb=qb)
    assert_quickbooks_exception(caught.value, QuickbooksException, 6000, BUSINESS_MESSAGE, GST_DETAIL)
    assert invoices(qbo_sim, qbo_company) == before
    if tax_code == EXPORT_INACTIVE:  # the documented fix: re-activate the code in QuickBooks, Retry
        qbo_sim.set_tax_code_active(qbo_company, EXPORT_INACTIVE, True)
        retried = new_invoice(customer, number, lines=[sales_line(100, GST), sales_line(20, tax_code)])
        saved = retried.save(qb=qb)
        assert saved.TotalAmt == 130.0


@pytest.mark.parametrize("how", ["revoked", "expired"])
def test_invalid_grant_on_refresh(qbo_sim: SimulatorHandle, auth_client: AuthClient, qbo_company: str,
                                  how: str) -> None:
    if how == "revoked":
        qbo_sim.revoke(qbo_company)
    else:
        qbo_sim.expire_refresh_tokens(qbo_company)
    with pytest.raises(AuthClientError) as caught:
        auth_client.refresh()
    assert caught.value.status_code == 400
    assert json.loads(caught.value.content)["error"] == "invalid_grant"
    assert caught.value.intuit_tid
    # the documented fix: a fresh authorization, after which the API works again
    fresh = authorize(new_auth_client(qbo_sim), qbo_company)
    assert Customer.all(qb=new_qb(fresh, qbo_company, qbo_sim))


def test_revoked_connection_makes_api_calls_401(qbo_sim: SimulatorHandle, qb: QuickBooks,
                                                qbo_company: str) -> None:
    qbo_sim.revoke(qbo_company)
    with pytest.raises(AuthorizationException) as caught:
        Customer.all(qb=qb)
    assert caught.value.error_code == 401


def test_expired_access_token_401(qb: QuickBooks, customer: Customer, auth_client: AuthClient,
                                  qbo_sim: SimulatorHandle, qbo_company: str) -> None:
    before = invoices(qbo_sim, qbo_company)
    qbo_sim.expire_access_tokens(qbo_company)
    with pytest.raises(AuthorizationException) as caught:
        new_invoice(customer, doc_number()).save(qb=qb)
    assert_quickbooks_exception(caught.value, AuthorizationException, 401,
                                "Application authentication failed")
    gateway = json.loads(caught.value.detail)  # the library keeps the raw body: Intuit's gateway format
    assert gateway["fault"]["error"][0]["code"] == "3200"
    assert gateway["fault"]["type"] == "AUTHENTICATION"
    assert invoices(qbo_sim, qbo_company) == before
    # recovery as a python-quickbooks user does it: refresh, new client
    auth_client.refresh()
    assert new_invoice(customer, doc_number()).save(qb=new_qb(auth_client, qbo_company, qbo_sim)).Id


def test_stale_synctoken_5010(qb: QuickBooks, customer: Customer) -> None:
    created = new_invoice(customer, doc_number()).save(qb=qb)
    mine, theirs = Invoice.get(created.Id, qb=qb), Invoice.get(created.Id, qb=qb)
    theirs.PrivateNote = "edited elsewhere"
    saved_theirs = theirs.save(qb=qb)
    mine.PrivateNote = "edited here"
    with pytest.raises(QuickbooksException) as caught:
        mine.save(qb=qb)
    assert_quickbooks_exception(caught.value, QuickbooksException, 5010, "Stale Object Error")
    assert caught.value.detail.startswith("Stale Object Error : You and ")
    current = Invoice.get(created.Id, qb=qb)
    assert current.SyncToken == saved_theirs.SyncToken == "1"
    assert current.PrivateNote == "edited elsewhere"


def test_reading_a_deleted_invoice_610(qb: QuickBooks, customer: Customer) -> None:
    created = new_invoice(customer, doc_number()).save(qb=qb)
    created.delete(qb=qb)
    with pytest.raises(ObjectNotFoundException) as caught:
        Invoice.get(created.Id, qb=qb)
    assert_quickbooks_exception(caught.value, ObjectNotFoundException, 610, "Object Not Found")
    assert caught.value.detail.startswith("Object Not Found : ")
    with pytest.raises(ObjectNotFoundException) as again:  # deleting it again
        created.delete(qb=qb)
    assert again.value.detail == "Object Not Found : Another user has deleted this transaction."


# == the same failures from the fault plan: same exception, same state guarantee =========================

FAULT_PLAN_CASES = [
    pytest.param("RequiredParamMissing", {"param": "Line"}, ValidationException, 2020, REQUIRED_MESSAGE,
                 "Required parameter Line is missing in the request", id="2020"),
    pytest.param("DuplicateDocNumber", {"doc_number": "X-1", "txn_type": "Invoice", "txn_id": "9"},
                 QuickbooksException, 6140, "Duplicate Document Number Error",
                 DUPLICATE_DETAIL.format(doc="X-1", txn_id="9"), id="6140"),
    pytest.param("TaxRateMissing", {"tax_name": "GST"}, QuickbooksException, 6000, BUSINESS_MESSAGE,
                 GST_DETAIL, id="6000"),
    pytest.param("StaleObject", {"user": "root"}, QuickbooksException, 5010, "Stale Object Error",
                 "Stale Object Error : You and root were working on this at the same time. root finished "
                 "before you did, so your work was not saved.", id="5010"),
    pytest.param("TokenExpired", {"token_hint": "AB01"}, AuthorizationException, 401,
                 "Application authentication failed", None, id="401"),
]


@pytest.mark.parametrize(("fault", "params", "cls", "code", "message", "detail"), FAULT_PLAN_CASES)
def test_fault_plan_raises_what_the_state_raises(
        qb: QuickBooks, customer: Customer, qbo_sim: SimulatorHandle, qbo_company: str,
        fault_rules: Callable[..., str], fault: str, params: dict[str, str], cls: type, code: int,
        message: str, detail: str | None) -> None:
    before = invoices(qbo_sim, qbo_company)
    fault_rules(fault, realm_id=qbo_company, entity="Invoice", operation="create", params=params, times=1)
    invoice = new_invoice(customer, doc_number())  # a perfectly good invoice: only the plan makes it fail
    with pytest.raises(QuickbooksException) as caught:
        invoice.save(qb=qb)
    assert_quickbooks_exception(caught.value, cls, code, message, detail)
    assert invoices(qbo_sim, qbo_company) == before
    entry = qbo_sim.journal(qbo_company)[-1]
    assert entry.get("fault_rule") or entry.get("fault")  # the journal says the plan did it
    # the rule was for one create only: the retry goes through
    assert invoice.save(qb=qb).Id


def test_fault_plan_invalid_grant(qbo_sim: SimulatorHandle, auth_client: AuthClient, qbo_company: str,
                                  fault_rules: Callable[..., str]) -> None:
    fault_rules("InvalidGrant", realm_id=qbo_company, operation="token", times=1)
    with pytest.raises(AuthClientError) as caught:
        auth_client.refresh()
    assert caught.value.status_code == 400
    assert json.loads(caught.value.content) == {"error": "invalid_grant"}
    auth_client.refresh()  # one refresh only; the connection itself was never broken


def test_fault_plan_610_on_read(qb: QuickBooks, customer: Customer, fault_rules: Callable[..., str],
                                qbo_company: str) -> None:
    created = new_invoice(customer, doc_number()).save(qb=qb)
    fault_rules("ObjectDeleted", realm_id=qbo_company, entity="Invoice", operation="read", times=1)
    with pytest.raises(ObjectNotFoundException) as caught:
        Invoice.get(created.Id, qb=qb)
    assert caught.value.error_code == 610
    assert caught.value.detail == "Object Not Found : Another user has deleted this transaction."
    assert Invoice.get(created.Id, qb=qb).to_dict() == created.to_dict()
