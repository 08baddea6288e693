"""python-quickbooks + intuit-oauth (intuitlib), unmodified, against the running simulator over HTTP.

The point is that the real client libraries cannot tell the simulator from QuickBooks Online for
invoice-sync work: every call goes through the libraries' own code paths (OAuth code flow, refresh,
``save``/``get``/``filter``/``query``, void, delete, batch, CDC, PDF, send, ``requestid``), and every
article failure surfaces as the exception class python-quickbooks raises against real QBO, mapped
from the fault ``code`` (see ``/work/shared/reference/real-clients.md``):

* 2020 → ``ValidationException``; 610 → ``ObjectNotFoundException``;
* 5010, 6000, 6140 → the base ``QuickbooksException`` itself (no subclass), ``error_code`` set;
* HTTP 401 → ``AuthorizationException("Application authentication failed", 401, <raw body>)``;
* ``invalid_grant`` on refresh → ``intuitlib.exceptions.AuthClientError`` (status 400).

Each failure is reproduced both from company state and from the fault plan, and each asserts that
the company is unchanged afterwards. Nothing here patches a library: the only overrides are the
ones a real user pointing the libraries at a non-Intuit host makes (``environment=<discovery URL>``,
``qb.api_url_v3``/``sandbox_api_url_v3``, ``OAUTHLIB_INSECURE_TRANSPORT=1`` for plain http).
"""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from intuitlib.client import AuthClient
from intuitlib.enums import Scopes
from intuitlib.exceptions import AuthClientError
from quickbooks import QuickBooks
from quickbooks.batch import batch_create, batch_delete, batch_update
from quickbooks.cdc import change_data_capture
from quickbooks.exceptions import (
    AuthorizationException,
    ObjectNotFoundException,
    QuickbooksException,
    ValidationException,
)
from quickbooks.objects.base import LinkedTxn, Ref
from quickbooks.objects.company_info import CompanyInfo
from quickbooks.objects.creditmemo import CreditMemo
from quickbooks.objects.customer import Customer
from quickbooks.objects.detailline import DiscountLine, DiscountLineDetail, SalesItemLine, SalesItemLineDetail
from quickbooks.objects.invoice import Invoice
from quickbooks.objects.item import Item
from quickbooks.objects.payment import Payment, PaymentLine
from quickbooks.objects.preferences import Preferences
from quickbooks.objects.taxagency import TaxAgency
from quickbooks.objects.taxcode import TaxCode
from quickbooks.objects.taxrate import TaxRate
from quickbooks.objects.taxservice import TaxRateDetails, TaxService

from simulator.backends import DEFAULT_CLIENT
from simulator.testing import SimulatorHandle

CLIENT_ID = DEFAULT_CLIENT["client_id"]
CLIENT_SECRET = DEFAULT_CLIENT["client_secret"]
REDIRECT_URI = DEFAULT_CLIENT["redirect_uris"][0]
SCOPES = [Scopes.ACCOUNTING, Scopes.OPENID, Scopes.PROFILE, Scopes.EMAIL]
QBO_NS = "{http://schema.intuit.com/finance/v3}"

GST, GST_FREE, EXPORT_INACTIVE = "5", "6", "8"  # AU seed tax codes (simulator/seed.py)
SERVICES_ITEM = "1"

REQUIRED_MESSAGE = "Required param missing, need to supply the required value for the API"
BUSINESS_MESSAGE = "A business validation error has occurred while processing your request"
GST_DETAIL = "Business Validation Error: Make sure all your transactions have a GST rate before you save."
DUPLICATE_DETAIL = ("Duplicate Document Number Error : You must specify a different number. This number has "
                    "already been used. DocNumber={doc} is assigned to TxnType=Invoice with TxnId={txn_id}")


# -- connecting: the real OAuth 2.0 code flow through intuitlib ------------------------------------------

@pytest.fixture(autouse=True)
def _plain_http(monkeypatch: pytest.MonkeyPatch) -> None:
    # requests-oauthlib refuses http:// URLs unless told otherwise; anyone pointing at a local fake does this
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def new_auth_client(qbo_sim: SimulatorHandle) -> AuthClient:
    """intuitlib's constructor GETs the discovery document: give it the simulator's."""
    return AuthClient(CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, environment=qbo_sim.discovery_url)


def authorize(auth_client: AuthClient, realm: str) -> AuthClient:
    """The browser leg: follow the authorize URL (``realmId`` makes the simulator approve at once),
    read ``code``/``realmId``/``state`` off the redirect, then exchange the code with intuitlib."""
    url = auth_client.get_authorization_url(SCOPES)
    answer = requests.get(f"{url}&realmId={realm}", allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT_URI + "?")
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    assert query["state"] == auth_client.state_token
    assert query["realmId"] == realm
    auth_client.get_bearer_token(query["code"], realm_id=query["realmId"])
    return auth_client


def new_qb(auth_client: AuthClient, realm: str, qbo_sim: SimulatorHandle) -> QuickBooks:
    qb = QuickBooks(auth_client=auth_client, refresh_token=auth_client.refresh_token, company_id=realm,
                    minorversion=75)
    qb.api_url_v3 = qb.sandbox_api_url_v3 = qbo_sim.api_base
    return qb


@pytest.fixture
def auth_client(qbo_sim: SimulatorHandle, qbo_company: str) -> AuthClient:
    return authorize(new_auth_client(qbo_sim), qbo_company)


@pytest.fixture
def qb(auth_client: AuthClient, qbo_company: str, qbo_sim: SimulatorHandle) -> QuickBooks:
    return new_qb(auth_client, qbo_company, qbo_sim)


@pytest.fixture
def customer(qb: QuickBooks) -> Customer:
    created = Customer()
    created.DisplayName = f"Olivia O'Brien (Caspen {uuid.uuid4().int % 100000:05d})"
    created.GivenName, created.FamilyName = "Olivia", "O'Brien"
    return created.save(qb=qb)


@pytest.fixture
def fault_rules(qbo_sim: SimulatorHandle) -> Iterator[Callable[..., str]]:
    """``add(name, **rule)`` for fault-plan rules that are removed after the test, used or not."""
    added: list[str] = []

    def add(fault: str | None = None, **rule: Any) -> str:
        rule_id = qbo_sim.add_fault(fault, **rule)
        added.append(rule_id)
        return rule_id

    yield add
    for rule_id in added:
        try:
            qbo_sim.call("DELETE", f"/fault-rules/{rule_id}")
        except Exception:  # noqa: BLE001 - already gone is fine
            pass


# -- building invoices with the library's own objects ---------------------------------------------------

def ref(value: str, name: str = "") -> Ref:
    out = Ref()
    out.value, out.name = value, name
    return out


def sales_line(amount: float | None = 100, tax_code: str | None = GST, *, qty: float | None = None,
               unit_price: float | None = None, description: str = "Plumbing services") -> SalesItemLine:
    line = SalesItemLine()
    line.Description = description
    line.SalesItemLineDetail = SalesItemLineDetail()
    line.SalesItemLineDetail.ItemRef = ref(SERVICES_ITEM, "Services")
    if tax_code is not None:
        line.SalesItemLineDetail.TaxCodeRef = ref(tax_code)
    if qty is not None:
        line.SalesItemLineDetail.Qty = qty
        line.SalesItemLineDetail.UnitPrice = unit_price
        amount = round(qty * (unit_price or 0), 2) if amount is None else amount
    line.Amount = amount
    return line


def new_invoice(customer: Customer, doc_number: str | None = None, lines: list[SalesItemLine] | None = None,
                **fields: Any) -> Invoice:
    invoice = Invoice()
    invoice.CustomerRef = customer.to_ref()
    invoice.DocNumber = doc_number
    invoice.Line = [sales_line()] if lines is None else lines
    for name, value in fields.items():
        setattr(invoice, name, value)
    return invoice


def meta(obj: Any, key: str) -> str:
    """``MetaData`` is an object on some python-quickbooks classes (Invoice) and a plain dict on others."""
    data = obj.MetaData
    return data[key] if isinstance(data, dict) else getattr(data, key)


def doc_number() -> str:
    return f"INV-{uuid.uuid4().hex[:8].upper()}"


def invoices(qbo_sim: SimulatorHandle, realm: str) -> list[dict[str, Any]]:
    return qbo_sim.records(realm, "Invoice")


def assert_quickbooks_exception(exc: QuickbooksException, cls: type, code: int, message: str,
                                detail: str | None = None) -> None:
    assert type(exc) is cls, f"{type(exc).__name__} raised, {cls.__name__} expected: {exc}"
    assert exc.error_code == code
    assert exc.message == message
    if detail is not None:
        assert exc.detail == detail


# == connection, tokens ===================================================================================

def test_code_flow_connects_and_the_id_token_validates(auth_client: AuthClient, qbo_company: str) -> None:
    assert auth_client.realm_id == qbo_company
    assert auth_client.access_token and auth_client.refresh_token
    assert auth_client.expires_in == 3600
    assert auth_client.x_refresh_token_expires_in > 0
    # intuitlib only keeps an id_token that it validated: RS256 against the discovery document's jwks_uri,
    # issuer and audience checked -- so the simulator's OpenID side is right too.
    assert auth_client.id_token


def test_refresh_gives_working_tokens(qbo_sim: SimulatorHandle, auth_client: AuthClient,
                                      qbo_company: str) -> None:
    first_access = auth_client.access_token
    auth_client.refresh()
    assert auth_client.access_token and auth_client.access_token != first_access
    assert auth_client.expires_in == 3600
    # QuickBooks(...) builds its session from the refreshed tokens; the API accepts them
    qb = new_qb(auth_client, qbo_company, qbo_sim)
    assert Customer.all(qb=qb)


def test_quickbooks_constructor_refreshes_when_it_has_only_a_refresh_token(
        qbo_sim: SimulatorHandle, auth_client: AuthClient, qbo_company: str) -> None:
    # the usual server-side setup: a stored refresh token, no access token -> QuickBooks() refreshes itself
    stored = new_auth_client(qbo_sim)
    qb = QuickBooks(auth_client=stored, refresh_token=auth_client.refresh_token, company_id=qbo_company,
                    minorversion=75)
    qb.api_url_v3 = qb.sandbox_api_url_v3 = qbo_sim.api_base
    assert stored.access_token
    assert Customer.all(qb=qb)


def test_user_info_through_intuitlib(auth_client: AuthClient) -> None:
    info = auth_client.get_user_info().json()
    assert info["sub"]


# == the happy path of invoice sync ======================================================================

def test_reference_data_a_sync_client_looks_up(qb: QuickBooks, qbo_company: str) -> None:
    company = CompanyInfo.get(qbo_company, qb=qb)
    assert company.Country == "AU"
    prefs = Preferences.get(qb=qb)
    assert prefs.SalesFormsPrefs.CustomTxnNumbers is True
    items = Item.all(qb=qb)  # "SELECT *, Sku FROM Item MAXRESULTS 100": the extra column is accepted
    assert {"Services", "Hours"} <= {i.Name for i in items}
    assert [i.Id for i in Item.filter(Name="Services", qb=qb)] == [SERVICES_ITEM]
    active_codes = {c.Name: c.Id for c in TaxCode.all(qb=qb)}
    assert active_codes["GST"] == GST and active_codes["FRE"] == GST_FREE
    assert "EXP" not in active_codes  # name lists hide inactive rows unless asked
    every_code = {c.Name: c for c in TaxCode.where("Active IN (true, false)", qb=qb)}
    assert every_code["EXP"].Id == EXPORT_INACTIVE and every_code["EXP"].Active is False
    gst = TaxCode.get(GST, qb=qb)
    rate = TaxRate.get(gst.SalesTaxRateList.TaxRateDetail[0].TaxRateRef.value, qb=qb)
    assert rate.RateValue == 10


def test_tax_service_creates_a_code_usable_on_lines(qb: QuickBooks, customer: Customer) -> None:
    agency = TaxAgency.all(qb=qb)[0]
    service = TaxService()
    service.TaxCode = f"GST 15 {uuid.uuid4().hex[:4]}"
    detail = TaxRateDetails()
    detail.TaxRateName, detail.RateValue, detail.TaxAgencyId = f"{service.TaxCode} (sales)", 15, agency.Id
    service.TaxRateDetails = [detail]
    created = service.save(qb=qb)
    assert created.TaxCode == service.TaxCode and created.TaxCodeId
    assert created.TaxRateDetails[0].TaxRateId and float(created.TaxRateDetails[0].RateValue) == 15
    saved = new_invoice(customer, doc_number(), [sales_line(100, str(created.TaxCodeId))]).save(qb=qb)
    assert saved.TotalAmt == 115.0


def test_create_customer(qb: QuickBooks, customer: Customer, qbo_sim: SimulatorHandle,
                         qbo_company: str) -> None:
    assert customer.Id and customer.SyncToken == "0"
    assert customer.Active is True
    found = Customer.filter(DisplayName=customer.DisplayName, qb=qb)  # quotes escaped as \' by the library
    assert [c.Id for c in found] == [customer.Id]
    stored = next(r for r in qbo_sim.records(qbo_company, "Customer") if r["Id"] == customer.Id)
    assert stored["DisplayName"] == customer.DisplayName


def test_duplicate_customer_name_6240(qb: QuickBooks, customer: Customer, qbo_sim: SimulatorHandle,
                                      qbo_company: str) -> None:
    before = qbo_sim.records(qbo_company, "Customer")
    twin = Customer()
    twin.DisplayName = customer.DisplayName
    with pytest.raises(QuickbooksException) as caught:
        twin.save(qb=qb)
    assert_quickbooks_exception(caught.value, QuickbooksException, 6240, "Duplicate Name Exists Error")
    assert "Another customer, vendor or employee is already using this" in caught.value.detail
    assert qbo_sim.records(qbo_company, "Customer") == before


def test_create_invoice_computes_what_qbo_computes(qb: QuickBooks, customer: Customer) -> None:
    number = doc_number()
    invoice = new_invoice(customer, number, [sales_line(None, GST, qty=2, unit_price=50),
                                             sales_line(30, GST_FREE, description="Permit (GST free)")])
    saved = invoice.save(qb=qb)
    assert invoice.Id == saved.Id  # save() copies the new Id back onto the object, as against QBO
    assert saved.SyncToken == "0"
    assert saved.DocNumber == number
    assert saved.CustomerRef.value == customer.Id and saved.CustomerRef.name == customer.DisplayName
    assert saved.TotalAmt == 140.0  # 100 + 10 GST + 30 GST free
    assert saved.Balance == 140.0
    assert saved.TxnTaxDetail.TotalTax == 10.0
    sales = [line for line in saved.Line if line.DetailType == "SalesItemLineDetail"]
    assert [line.LineNum for line in sales] == [1, 2]
    assert all(line.Id for line in sales)
    assert saved.Line[-1].DetailType == "SubTotalLineDetail" and saved.Line[-1].Amount == 130.0
    assert saved.TxnDate and meta(saved, "CreateTime")


def discount_line(*, percent: float | None = None, amount: float | None = None) -> DiscountLine:
    line = DiscountLine()
    line.DiscountLineDetail = DiscountLineDetail()
    if percent is not None:
        line.DiscountLineDetail.PercentBased = True
        line.DiscountLineDetail.DiscountPercent = percent
    line.Amount = amount if amount is not None else 0
    return line


@pytest.mark.parametrize("discount", [{"percent": 10}, {"amount": 30}], ids=["10-percent", "fixed-30"])
def test_discounts_reduce_the_gst_base(qb: QuickBooks, customer: Customer,
                                       discount: dict[str, float]) -> None:
    lines = [sales_line(200, GST), sales_line(100, GST_FREE), discount_line(**discount)]
    saved = new_invoice(customer, doc_number(), lines).save(qb=qb)
    # AU (non-US) discounts apply before tax, spread across the lines: GST on 200 - 20
    assert saved.TxnTaxDetail.TotalTax == 18.0
    assert saved.TotalAmt == 288.0
    assert next(line for line in saved.Line if line.DetailType == "DiscountLineDetail").Amount == 30.0


def test_tax_inclusive_amounts(qb: QuickBooks, customer: Customer) -> None:
    # Amount is the net, TaxInclusiveAmt the gross (what QBO returns for inclusive invoices)
    gst = sales_line(100, GST)
    gst.SalesItemLineDetail.TaxInclusiveAmt = 110
    free = sales_line(50, GST_FREE)
    free.SalesItemLineDetail.TaxInclusiveAmt = 50
    saved = new_invoice(customer, doc_number(), [gst, free], GlobalTaxCalculation="TaxInclusive").save(qb=qb)
    assert saved.GlobalTaxCalculation == "TaxInclusive"
    assert saved.TxnTaxDetail.TotalTax == 10.0 and saved.TotalAmt == 160.0
    assert [line.SalesItemLineDetail.TaxInclusiveAmt for line in saved.Line[:2]] == [110.0, 50.0]

    # the library's default TaxInclusiveAmt of 0 on a line with an Amount is not a gross of zero
    default = new_invoice(customer, doc_number(), [sales_line(100, GST), sales_line(50, GST_FREE)],
                          GlobalTaxCalculation="TaxInclusive").save(qb=qb)
    assert default.TxnTaxDetail.TotalTax == 10.0 and default.TotalAmt == 160.0


def test_find_by_docnumber_with_filter_query_where_and_count(qb: QuickBooks, customer: Customer) -> None:
    number = doc_number()
    created = new_invoice(customer, number).save(qb=qb)
    new_invoice(customer, doc_number()).save(qb=qb)

    by_filter = Invoice.filter(DocNumber=number, qb=qb)
    assert [i.Id for i in by_filter] == [created.Id]
    by_query = Invoice.query(f"SELECT * FROM Invoice WHERE DocNumber = '{number}'", qb=qb)
    assert [i.Id for i in by_query] == [created.Id]
    by_where = Invoice.where(f"CustomerRef = '{customer.Id}'", order_by="DocNumber", qb=qb)
    assert created.Id in [i.Id for i in by_where] and len(by_where) == 2
    assert Invoice.count(f"CustomerRef = '{customer.Id}'", qb=qb) == 2
    assert Invoice.filter(DocNumber="NO-SUCH-NUMBER", qb=qb) == []
    everything = Invoice.all(order_by="DocNumber DESC", max_results=10, qb=qb)  # "ORDER BY" spelling
    assert [i.DocNumber for i in everything] == sorted((i.DocNumber for i in everything), reverse=True)
    assert created.Id in [i.Id for i in everything]
    assert [i.Id for i in Invoice.choose([created.Id], qb=qb)] == [created.Id]


def test_get_reads_back_what_was_created(qb: QuickBooks, customer: Customer) -> None:
    created = new_invoice(customer, doc_number()).save(qb=qb)
    read = Invoice.get(created.Id, qb=qb)
    assert read.Id == created.Id and read.SyncToken == created.SyncToken
    assert read.to_dict() == created.to_dict()


def test_full_update_with_save(qb: QuickBooks, customer: Customer) -> None:
    created = new_invoice(customer, doc_number()).save(qb=qb)
    invoice = Invoice.get(created.Id, qb=qb)
    invoice.PrivateNote = "Edited in Caspen"
    invoice.Line = [line for line in invoice.Line if line.DetailType == "SalesItemLineDetail"]
    invoice.Line[0].Amount = 200
    invoice.Line[0].SalesItemLineDetail.UnitPrice = 0  # as the library echoes it: Qty 0/UnitPrice 0 + Amount
    invoice.Line.append(sales_line(50, GST_FREE, description="Materials"))
    updated = invoice.save(qb=qb)
    assert updated.Id == created.Id
    assert updated.SyncToken == "1"
    assert updated.PrivateNote == "Edited in Caspen"
    assert updated.TotalAmt == 270.0  # 200 + 20 GST + 50
    assert updated.Balance == 270.0
    assert meta(updated, "LastUpdatedTime") >= meta(created, "LastUpdatedTime")


def test_read_modify_save_echoes_everything_back(qb: QuickBooks, customer: Customer) -> None:
    # the common python-quickbooks pattern: get, change one field, save -- the SubTotal line, TxnTaxDetail,
    # MetaData, totals and every other read-only field are posted back as read
    created = new_invoice(customer, doc_number(), [sales_line(None, GST, qty=3, unit_price=20)]).save(qb=qb)
    invoice = Invoice.get(created.Id, qb=qb)
    invoice.CustomerMemo = None
    invoice.PrivateNote = "echo"
    updated = invoice.save(qb=qb)
    assert updated.SyncToken == "1" and updated.PrivateNote == "echo"
    assert updated.TotalAmt == created.TotalAmt == 66.0
    assert [line.DetailType for line in updated.Line] == [line.DetailType for line in created.Line]


def test_decimal_mode_round_trip(qbo_sim: SimulatorHandle, auth_client: AuthClient, customer: Customer,
                                 qbo_company: str) -> None:
    # use_decimal=True parses amounts as Decimal and posts them back as JSON strings ("110.0")
    qb = QuickBooks(auth_client=auth_client, refresh_token=auth_client.refresh_token, company_id=qbo_company,
                    minorversion=75, use_decimal=True)
    qb.api_url_v3 = qb.sandbox_api_url_v3 = qbo_sim.api_base
    created = new_invoice(customer, doc_number(), [sales_line(Decimal("99.95"), GST)]).save(qb=qb)
    assert created.TotalAmt == Decimal("109.95") and isinstance(created.TotalAmt, Decimal)
    invoice = Invoice.get(created.Id, qb=qb)
    invoice.PrivateNote = "decimal"
    updated = invoice.save(qb=qb)
    assert updated.TotalAmt == Decimal("109.95") and updated.SyncToken == "1"


def test_sparse_update(qb: QuickBooks, customer: Customer) -> None:
    created = new_invoice(customer, doc_number(), PrivateNote="keep me").save(qb=qb)
    # python-quickbooks serialises every default, so a true sparse update goes through the client directly
    body = {"Id": created.Id, "SyncToken": created.SyncToken, "sparse": True, "DueDate": "2031-01-31"}
    result = qb.update_object("Invoice", json.dumps(body))
    updated = Invoice.from_json(result["Invoice"])
    assert updated.SyncToken == "1" and updated.sparse is False
    assert updated.DueDate == "2031-01-31"
    assert updated.PrivateNote == "keep me"
    assert updated.TotalAmt == created.TotalAmt
    assert len(updated.Line) == len(created.Line)


def test_void(qb: QuickBooks, customer: Customer) -> None:
    created = new_invoice(customer, doc_number()).save(qb=qb)
    result = created.void(qb=qb)
    assert result["Invoice"]["Id"] == created.Id
    voided = Invoice.get(created.Id, qb=qb)
    assert voided.SyncToken == "1"
    assert voided.TotalAmt == 0 and voided.Balance == 0
    assert voided.PrivateNote.startswith("Voided")
    assert voided.DocNumber == created.DocNumber
    assert all(line.Amount == 0 for line in voided.Line)
    assert [i.Id for i in Invoice.filter(DocNumber=created.DocNumber, qb=qb)] == [created.Id]  # still there


def test_delete(qb: QuickBooks, customer: Customer, qbo_sim: SimulatorHandle, qbo_company: str) -> None:
    created = new_invoice(customer, doc_number()).save(qb=qb)
    result = created.delete(qb=qb)
    assert result["Invoice"]["status"] == "Deleted" and result["Invoice"]["Id"] == created.Id
    assert Invoice.filter(DocNumber=created.DocNumber, qb=qb) == []
    assert created.Id not in [r["Id"] for r in invoices(qbo_sim, qbo_company)]


def test_payment_applied_to_an_invoice(qb: QuickBooks, customer: Customer) -> None:
    invoice = new_invoice(customer, doc_number()).save(qb=qb)  # 110.00 incl. GST
    payment = Payment()
    payment.CustomerRef = customer.to_ref()
    payment.TotalAmt = 40
    line = PaymentLine()
    line.Amount = 40
    linked = LinkedTxn()
    linked.TxnId, linked.TxnType = invoice.Id, "Invoice"
    line.LinkedTxn = [linked]
    payment.Line = [line]
    saved = payment.save(qb=qb)
    assert saved.Id and saved.TotalAmt == 40

    after = Invoice.get(invoice.Id, qb=qb)
    assert after.Balance == 70.0
    assert after.TotalAmt == 110.0
    assert after.SyncToken == "1"
    assert any(t.TxnType == "Payment" and t.TxnId == saved.Id for t in after.LinkedTxn)


def test_a_paid_invoice_cannot_be_voided(qb: QuickBooks, customer: Customer, qbo_sim: SimulatorHandle,
                                         qbo_company: str) -> None:
    invoice = new_invoice(customer, doc_number()).save(qb=qb)
    qbo_sim.record_payment(qbo_company, [(invoice.DocNumber, 110)])  # paid in QuickBooks by the user
    paid = Invoice.get(invoice.Id, qb=qb)
    assert paid.Balance == 0
    with pytest.raises(QuickbooksException) as caught:
        paid.void(qb=qb)
    assert type(caught.value) is QuickbooksException and caught.value.error_code == 6000
    assert Invoice.get(invoice.Id, qb=qb).to_dict() == paid.to_dict()


def test_credit_memo_shares_the_number_sequence(qb: QuickBooks, customer: Customer) -> None:
    number = f"CN{uuid.uuid4().int % 10**8:08d}"
    memo = CreditMemo()
    memo.CustomerRef = customer.to_ref()
    memo.DocNumber = number
    memo.Line = [sales_line(50, GST)]
    memo = memo.save(qb=qb)
    assert memo.TotalAmt == 55.0 and memo.RemainingCredit == 55.0
    with pytest.raises(QuickbooksException) as caught:
        new_invoice(customer, number).save(qb=qb)
    assert type(caught.value) is QuickbooksException and caught.value.error_code == 6140
    assert caught.value.detail.endswith(
        f"DocNumber={number} is assigned to TxnType=Credit Memo with TxnId={memo.Id}")


def test_send_and_pdf(qb: QuickBooks, customer: Customer) -> None:
    invoice = new_invoice(customer, doc_number()).save(qb=qb)
    pdf = invoice.download_pdf(qb)
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF")
    assert pdf.rstrip().endswith(b"%%EOF")

    sent = invoice.send(qb=qb, send_to="accounts@example.com.au")
    assert sent["Invoice"]["Id"] == invoice.Id
    assert sent["Invoice"]["EmailStatus"] == "EmailSent"
    assert sent["Invoice"]["DeliveryInfo"]["DeliveryType"] == "Email"


def test_batch_create_update_delete(qb: QuickBooks, customer: Customer, qbo_sim: SimulatorHandle,
                                    qbo_company: str) -> None:
    numbers = [doc_number() for _ in range(3)]
    created = batch_create([new_invoice(customer, n) for n in numbers], qb=qb)
    assert created.faults == []
    assert sorted(i.DocNumber for i in created.successes) == sorted(numbers)
    assert all(i.Id and i.SyncToken == "0" for i in created.successes)

    for invoice in created.successes:
        invoice.PrivateNote = "batch edit"
    updated = batch_update(created.successes, qb=qb)
    assert updated.faults == []
    assert all(i.SyncToken == "1" and i.PrivateNote == "batch edit" for i in updated.successes)

    deleted = batch_delete(updated.successes, qb=qb)
    assert deleted.faults == []
    assert all(i.status == "Deleted" for i in deleted.successes)
    left = {r.get("DocNumber") for r in invoices(qbo_sim, qbo_company)}
    assert not left & set(numbers)


def test_batch_reports_a_per_item_fault(qb: QuickBooks, customer: Customer) -> None:
    good, bad = new_invoice(customer, doc_number()), new_invoice(customer, doc_number(), lines=[])
    result = batch_create([good, bad], qb=qb)
    assert [i.DocNumber for i in result.successes] == [good.DocNumber]
    assert len(result.faults) == 1
    fault = result.faults[0]
    assert fault.original_object is bad
    assert fault.type == "ValidationFault"
    assert fault.Error[0].code == "2020"
    assert fault.Error[0].Detail == "Required parameter Line is missing in the request"


def test_change_data_capture(qb: QuickBooks, customer: Customer) -> None:
    since = datetime.fromisoformat(meta(customer, "CreateTime")).replace(tzinfo=None) - timedelta(days=1)
    kept = new_invoice(customer, doc_number()).save(qb=qb)
    gone = new_invoice(customer, doc_number()).save(qb=qb)
    gone.delete(qb=qb)

    cdc = change_data_capture([Invoice, Customer], since, qb=qb)
    changed = {i.Id: i for i in cdc.Invoice}
    assert changed[kept.Id].DocNumber == kept.DocNumber
    assert changed[gone.Id].status == "Deleted"
    assert customer.Id in [c.Id for c in cdc.Customer]


def test_requestid_makes_a_retried_create_idempotent(qb: QuickBooks, customer: Customer,
                                                     qbo_sim: SimulatorHandle, qbo_company: str) -> None:
    request_id = str(uuid.uuid4())
    number = doc_number()
    first = new_invoice(customer, number).save(qb=qb, request_id=request_id)
    second = new_invoice(customer, number).save(qb=qb, request_id=request_id)  # a retry: no 6140, no write
    assert second.Id == first.Id
    assert [r["Id"] for r in invoices(qbo_sim, qbo_company) if r.get("DocNumber") == number] == [first.Id]


def test_requestid_survives_a_lost_response(qb: QuickBooks, customer: Customer, qbo_sim: SimulatorHandle,
                                            qbo_company: str, fault_rules: Callable[..., str]) -> None:
    # QuickBooks saved the invoice but the connection dropped before the answer arrived
    fault_rules(action="drop", when="after", realm_id=qbo_company, entity="Invoice", operation="create",
                times=1)
    request_id = str(uuid.uuid4())
    invoice = new_invoice(customer, doc_number())
    with pytest.raises(requests.exceptions.RequestException):
        invoice.save(qb=qb, request_id=request_id)
    assert invoice.Id is None
    retried = invoice.save(qb=qb, request_id=request_id)
    matching = [r for r in invoices(qbo_sim, qbo_company) if r.get("DocNumber") == invoice.DocNumber]
    assert [r["Id"] for r in matching] == [retried.Id]


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


# == XML: what a client that does not ask for JSON gets ====================================================

def test_xml_when_json_is_not_requested(qb: QuickBooks, customer: Customer, auth_client: AuthClient,
                                        qbo_sim: SimulatorHandle, qbo_company: str) -> None:
    created = new_invoice(customer, doc_number()).save(qb=qb)
    base = f"{qbo_sim.api_base}/company/{qbo_company}"
    bearer = {"Authorization": f"Bearer {auth_client.access_token}"}

    answer = requests.get(f"{base}/invoice/{created.Id}", headers=bearer, params={"minorversion": 75},
                          timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/xml")
    assert answer.headers["intuit_tid"]
    root = ET.fromstring(answer.content)
    assert root.tag == f"{QBO_NS}IntuitResponse" and root.get("time")
    invoice = root.find(f"{QBO_NS}Invoice")
    assert invoice is not None
    assert invoice.findtext(f"{QBO_NS}Id") == created.Id
    assert invoice.findtext(f"{QBO_NS}DocNumber") == created.DocNumber
    assert Decimal(invoice.findtext(f"{QBO_NS}TotalAmt")) == Decimal("110")

    missing = requests.get(f"{base}/invoice/999999", headers=bearer, timeout=10)
    assert missing.status_code == 400
    fault = ET.fromstring(missing.content).find(f"{QBO_NS}Fault")
    assert fault is not None and fault.get("type") == "ValidationFault"
    error = fault.find(f"{QBO_NS}Error")
    assert error is not None and error.get("code") == "610"
    assert error.findtext(f"{QBO_NS}Message") == "Object Not Found"
