"""python-quickbooks, unmodified, against issue 14's answers: it raises the class it raises against
QuickBooks for each code (quickbooks/client.py ``handle_exceptions``: 2000-4999 → ValidationException,
600-1999 → GeneralException, other codes → the base QuickbooksException), and its own defaults — every
null and default field its ``to_json`` sends — stay accepted by the unknown-property rule.
"""

from __future__ import annotations

import pytest
from quickbooks import QuickBooks
from quickbooks.exceptions import GeneralException, QuickbooksException, ValidationException
from quickbooks.objects.base import EmailAddress, LinkedTxn
from quickbooks.objects.creditmemo import CreditMemo
from quickbooks.objects.customer import Customer
from quickbooks.objects.payment import Payment, PaymentLine

from simulator.testing import SimulatorHandle
from tests.real_clients.conftest import assert_quickbooks_exception, invoices, new_invoice, ref, sales_line

pytestmark = pytest.mark.usefixtures("_plain_http")

RFC822 = "Email Address does not conform to the syntax rules of RFC 822. Supplied value:"


def email(address: str) -> EmailAddress:
    out = EmailAddress()
    out.Address = address
    return out


def test_bad_bill_email_is_a_validation_exception_and_nothing_is_saved(qb: QuickBooks, customer: Customer,
                                                                       qbo_sim: SimulatorHandle,
                                                                       qbo_company: str) -> None:
    before = len(invoices(qbo_sim, qbo_company))
    with pytest.raises(QuickbooksException) as caught:
        new_invoice(customer, "INV-2210", BillEmail=email("Dana Whitlock")).save(qb=qb)
    assert_quickbooks_exception(caught.value, ValidationException, 2210, "Invalid Email Address format",
                                RFC822 + "Dana Whitlock")
    assert len(invoices(qbo_sim, qbo_company)) == before


def test_first_of_several_errors_decides_the_class(qb: QuickBooks, customer: Customer) -> None:
    invoice = new_invoice(customer, "INV-MULTI", BillEmail=email("nobody"))
    invoice.CustomerRef = None
    with pytest.raises(QuickbooksException) as caught:
        invoice.save(qb=qb)
    assert_quickbooks_exception(caught.value, QuickbooksException, 6560, "CustomerRef is required",
                                "CustomerRef is missing in the request")


def test_unknown_property_is_a_validation_exception(qb: QuickBooks) -> None:
    bogus = Customer()
    bogus.DisplayName = "Has a bogus field"
    bogus.Bogus = "x"
    with pytest.raises(QuickbooksException) as caught:
        bogus.save(qb=qb)
    assert type(caught.value) is ValidationException and caught.value.error_code == 2010
    assert caught.value.detail.startswith('Property Name:Unrecognized field "Bogus"')


def test_defaults_python_quickbooks_sends_are_accepted(qb: QuickBooks, customer: Customer) -> None:
    memo = CreditMemo()  # to_json sends DocNumber "", TotalAmt 0, RemainingCredit 0, Balance 0 ...
    memo.CustomerRef = customer.to_ref()
    memo.Line = [sales_line()]
    saved = memo.save(qb=qb)
    assert saved.Id and not saved.DocNumber  # DocNumber "" is a blank number, as QBO keeps it
    again = Customer.get(customer.Id, qb=qb)
    again.Notes = "full update re-posts every field read"
    assert again.save(qb=qb).Notes == "full update re-posts every field read"


def test_payment_for_another_customers_invoice_is_a_general_exception(qb: QuickBooks, customer: Customer) -> None:
    invoice = new_invoice(customer, "INV-620").save(qb=qb)
    other = Customer()
    other.DisplayName = "Someone Else (Caspen 00620)"
    other = other.save(qb=qb)
    payment = Payment()
    payment.CustomerRef = other.to_ref()
    payment.TotalAmt = 10
    line = PaymentLine()
    line.Amount = 10
    link = LinkedTxn()
    link.TxnId, link.TxnType = invoice.Id, "Invoice"
    line.LinkedTxn = [link]
    payment.Line = [line]
    with pytest.raises(QuickbooksException) as caught:
        payment.save(qb=qb)
    assert type(caught.value) is GeneralException and caught.value.error_code == 620
    assert caught.value.message == "TxnID Cannot Be Linked"


@pytest.mark.parametrize("change, code, message", [
    (lambda inv: setattr(inv, "DocNumber", "X" * 22), 2050,
     "String length is either shorter or longer than supported by specification"),
    (lambda inv: setattr(inv, "PrintStatus", "Printed"), 2170, "Invalid Enumeration"),
    (lambda inv: setattr(inv.Line[0].SalesItemLineDetail, "ItemRef", ref("999")), 2500, "Invalid Reference Id"),
])
def test_each_validation_code_is_a_validation_exception(qb: QuickBooks, customer: Customer, qbo_sim: SimulatorHandle,
                                                        qbo_company: str, change, code: int, message: str) -> None:
    invoice = new_invoice(customer, "INV-CODES")
    change(invoice)
    before = len(invoices(qbo_sim, qbo_company))
    with pytest.raises(QuickbooksException) as caught:
        invoice.save(qb=qb)
    assert type(caught.value) is ValidationException
    assert (caught.value.error_code, caught.value.message) == (code, message)
    assert len(invoices(qbo_sim, qbo_company)) == before
