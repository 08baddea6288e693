"""python-quickbooks, unmodified: the happy path of invoice sync -- reference data, customers, invoices
created, read, found, updated, voided, deleted and paid, credit memos, PDF and send, batch, CDC and
``requestid`` retries (fixtures in conftest.py)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import requests
from intuitlib.client import AuthClient
from quickbooks import QuickBooks
from quickbooks.batch import batch_create, batch_delete, batch_update
from quickbooks.cdc import change_data_capture
from quickbooks.exceptions import QuickbooksException
from quickbooks.objects.base import LinkedTxn
from quickbooks.objects.company_info import CompanyInfo
from quickbooks.objects.creditmemo import CreditMemo
from quickbooks.objects.customer import Customer
from quickbooks.objects.detailline import DiscountLine, DiscountLineDetail
from quickbooks.objects.invoice import Invoice
from quickbooks.objects.item import Item
from quickbooks.objects.payment import Payment, PaymentLine
from quickbooks.objects.preferences import Preferences
from quickbooks.objects.taxagency import TaxAgency
from quickbooks.objects.taxcode import TaxCode
from quickbooks.objects.taxrate import TaxRate
from quickbooks.objects.taxservice import TaxRateDetails, TaxService

from simulator.testing import SimulatorHandle
from tests.real_clients.conftest import (
    EXPORT_INACTIVE,
    GST,
    GST_FREE,
    SERVICES_ITEM,
    assert_quickbooks_exception,
    doc_number,
    invoices,
    meta,
    new_invoice,
    sales_line,
)

# the fixture sets OAUTHLIB_INSECURE_TRANSPORT: see tests/real_clients/conftest.py
pytestmark = pytest.mark.usefixtures("_plain_http")


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
