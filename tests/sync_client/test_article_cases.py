"""Each case of Caspen's support article: the failure, its card, and the documented fix to "Synced"."""

from __future__ import annotations

import pytest
from sync_helpers import api_calls, last_seq, service_line, token_calls

from sync_client import RetryNotOfferedError
from tests.article_titles import ARTICLE_TITLES


# -- required-param-missing ------------------------------------------------------------------------
def test_required_param_missing_then_revert_add_line_finalize(taxed, qbo_sim, qbo_company):
    client = taxed.add_client("Grace Hopper")
    invoice = taxed.create_invoice(client)  # no line items

    card = taxed.finalize(invoice)

    assert card.title == "Create failed: Required param missing"
    assert card.state == "failed" and card.code == "2020" and not card.retry_available
    assert card.detail == "Required parameter Line is missing in the request"
    assert qbo_sim.find_invoice(qbo_company, invoice.number) is None  # nothing created in QuickBooks
    with pytest.raises(RetryNotOfferedError):
        taxed.retry(invoice)

    taxed.revert_to_draft(invoice)
    taxed.add_line(invoice, description="Site visit", quantity=1, unit_price="80.00", tax_rate="GST")
    card = taxed.finalize(invoice)  # finalizing re-syncs automatically

    assert card.state == "synced"
    assert qbo_sim.find_invoice(qbo_company, invoice.number)["TotalAmt"] == 88.0


def test_required_param_missing_fix_by_deleting_the_draft(taxed, qbo_sim, qbo_company):
    invoice = taxed.create_invoice(taxed.add_client("Grace Hopper"))
    assert taxed.finalize(invoice).title == ARTICLE_TITLES["required-param-missing"]
    taxed.revert_to_draft(invoice)
    taxed.delete_invoice(invoice)
    assert taxed.status_card(invoice) is None
    assert qbo_sim.records(qbo_company, "Invoice") == []


# -- historical-invoice ----------------------------------------------------------------------------
def test_historical_invoice_payment_makes_no_request_then_recreate(account, qbo_sim, qbo_company, clock):
    account.add_tax_rate("GST", 10)
    account.link_tax_rate("GST", "5")
    client = account.add_client("Alan Turing")
    old = account.create_invoice(client, lines=[service_line("200.00")])
    assert account.finalize(old) is None  # not connected: nothing to sync, no card
    clock.advance(days=3)
    account.connect_for_tests(qbo_company)
    since = last_seq(qbo_sim)

    card = account.apply_payment(old, "50.00")

    assert card.title == "Update failed: Historical invoice"
    assert not card.retry_available
    assert api_calls(qbo_sim, qbo_company, since) == []  # no request reached QuickBooks
    assert account.balance(old) == pytest.approx(170)  # Caspen still records the payment
    with pytest.raises(RetryNotOfferedError):
        account.retry(old)

    new = account.recreate_invoice(old)

    assert new.number != old.number
    assert account.status_card(new).state == "synced"
    record = qbo_sim.find_invoice(qbo_company, new.number)
    assert record["TotalAmt"] == 220.0
    assert qbo_sim.find_invoice(qbo_company, old.number) is None
    assert account.status_card(old).title == ARTICLE_TITLES["historical-invoice"]


def test_draft_created_before_connecting_syncs_as_a_create_when_finalized_after(account, qbo_sim, qbo_company,
                                                                                 clock):
    account.add_tax_rate("GST", 10)
    account.link_tax_rate("GST", "5")
    draft = account.create_invoice(account.add_client("Alan Turing"), lines=[service_line()])
    clock.advance(hours=1)
    account.connect_for_tests(qbo_company)
    assert account.finalize(draft).state == "synced"


# -- invalid-refresh-token -------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["revoke", "expire_refresh"])
def test_invalid_refresh_token_cards_no_storm_then_reconnect_and_retry(taxed, qbo_sim, qbo_company, how):
    client = taxed.add_client("Katherine Johnson")
    first = taxed.create_invoice(client, lines=[service_line()])
    taxed.finalize(first)
    if how == "revoke":
        qbo_sim.revoke(qbo_company)
    else:
        qbo_sim.expire_refresh_tokens(qbo_company)
        qbo_sim.expire_access_tokens(qbo_company)
    second = taxed.create_invoice(client, lines=[service_line("40.00")])
    third = taxed.create_invoice(client, lines=[service_line("60.00")])

    card = taxed.finalize(second)

    assert card.title == "Invalid refresh token" and card.retry_available
    assert taxed.connection_state == "expired"
    since = last_seq(qbo_sim)
    card3 = taxed.finalize(third)  # a second push: fails fast, no token request, no API call
    assert card3.title == "Invalid refresh token"
    assert token_calls(qbo_sim, since) == []
    assert api_calls(qbo_sim, qbo_company, since) == []

    taxed.disconnect()
    taxed.connect_for_tests(qbo_company)  # Settings → Integrations → reconnect (fresh authorization)
    assert taxed.connection_state == "connected"
    assert taxed.retry(second).state == "synced"
    assert taxed.retry(third).state == "synced"
    assert {r["DocNumber"] for r in qbo_sim.records(qbo_company, "Invoice")} == {
        first.number, second.number, third.number}


# -- duplicate-document-number ---------------------------------------------------------------------
def test_duplicate_document_number_then_renumber_in_quickbooks_and_retry(taxed, qbo_sim, qbo_company):
    customer = qbo_sim.records(qbo_company, "Customer")[0]["DisplayName"]
    existing = qbo_sim.user_creates_invoice(qbo_company, customer=customer, doc_number="INV0001", lines=[
        {"DetailType": "SalesItemLineDetail", "Amount": 30,
         "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": {"value": "5"}}}])
    invoice = taxed.create_invoice(taxed.add_client("Dorothy Vaughan"), lines=[service_line()])
    assert invoice.number == "INV0001"

    card = taxed.finalize(invoice)

    assert card.title == "Duplicate document number" and card.code == "6140" and card.retry_available
    untouched = qbo_sim.record(qbo_company, "Invoice", existing["Id"])["record"]
    assert untouched["SyncToken"] == existing["SyncToken"] and untouched["TotalAmt"] == existing["TotalAmt"]

    qbo_sim.renumber(qbo_company, "INV0001", "INV0001-A")
    assert taxed.retry(invoice).state == "synced"
    ours = qbo_sim.find_invoice(qbo_company, "INV0001")
    assert ours["Id"] != existing["Id"] and ours["TotalAmt"] == 110.0


# -- tax-business-validation -----------------------------------------------------------------------
def test_tax_rate_not_linked_then_link_and_retry(connected, qbo_sim, qbo_company):
    connected.add_tax_rate("GST", 10)  # not linked to a QuickBooks tax code
    invoice = connected.create_invoice(connected.add_client("Mary Jackson"), lines=[service_line()])

    card = connected.finalize(invoice)

    assert card.title == "Business validation error (tax)" and card.code == "6000" and card.retry_available
    assert "GST rate" in card.detail
    codes = {c.name: c for c in connected.quickbooks_tax_codes()}  # Settings → Taxes → Sync with QuickBooks
    connected.link_tax_rate("GST", codes["GST"])
    assert connected.retry(invoice).state == "synced"
    assert qbo_sim.find_invoice(qbo_company, invoice.number)["TxnTaxDetail"]["TotalTax"] == 10.0


def test_linked_tax_code_inactive_then_reactivate_in_quickbooks_and_retry(taxed, qbo_sim, qbo_company):
    qbo_sim.set_tax_code_active(qbo_company, "GST", False)
    invoice = taxed.create_invoice(taxed.add_client("Mary Jackson"), lines=[service_line()])
    assert taxed.finalize(invoice).title == ARTICLE_TITLES["tax-business-validation"]
    assert {c.name: c.active for c in taxed.quickbooks_tax_codes()}["GST"] is False
    qbo_sim.set_tax_code_active(qbo_company, "GST", True)
    assert taxed.retry(invoice).state == "synced"


def test_tax_code_missing_in_quickbooks_then_create_link_and_retry(connected, qbo_sim, qbo_company):
    connected.add_tax_rate("Luxury", 33)
    connected.link_tax_rate("Luxury", "999")  # linked to a code that does not exist in QuickBooks
    invoice = connected.create_invoice(connected.add_client("Mary Jackson"),
                                       lines=[service_line("100.00", tax_rate="Luxury")])
    assert connected.finalize(invoice).title == ARTICLE_TITLES["tax-business-validation"]

    qbo_sim.create_tax_code(qbo_company, "LUX", 33)
    code = next(c for c in connected.quickbooks_tax_codes() if c.name == "LUX")
    assert code.percent == 33 and code.active
    connected.link_tax_rate("Luxury", code)
    assert connected.retry(invoice).state == "synced"
    assert qbo_sim.find_invoice(qbo_company, invoice.number)["TotalAmt"] == 133.0


def test_rate_missing_in_caspen_then_add_link_and_retry(connected, qbo_sim, qbo_company):
    client = connected.add_client("Mary Jackson")
    with pytest.raises(Exception, match="unknown tax rate 'GST'"):
        connected.create_invoice(client, lines=[service_line()])  # Caspen refuses a rate it does not have
    invoice = connected.create_invoice(client, lines=[service_line(tax_rate=None)])
    assert connected.finalize(invoice).title == ARTICLE_TITLES["tax-business-validation"]

    connected.revert_to_draft(invoice)
    connected.add_tax_rate("GST", 10)
    connected.link_tax_rate("GST", "5")
    connected.delete_line(invoice, 0)
    connected.add_line(invoice, description="Consulting", quantity=1, unit_price="100.00", tax_rate="GST")
    assert connected.finalize(invoice).state == "synced"


# -- voided-invoice ----------------------------------------------------------------------------------
def test_void_sends_the_void_and_removes_the_card(taxed, qbo_sim, qbo_company):
    invoice = taxed.create_invoice(taxed.add_client("Hedy Lamarr"), lines=[service_line("250.00")])
    assert taxed.finalize(invoice).state == "synced"

    assert taxed.void(invoice) is None

    record = qbo_sim.find_invoice(qbo_company, invoice.number)
    assert record["TotalAmt"] == 0 and record["Balance"] == 0 and record["PrivateNote"].startswith("Voided")
    assert all(line.get("Amount", 0) == 0 for line in record["Line"])
    assert taxed.status_card(invoice) is None
    assert taxed.invoice(invoice).status == "voided"


def test_void_of_an_invoice_paid_in_quickbooks_asks_to_unlink_the_payment_then_retry_voids_it(
        taxed, qbo_sim, qbo_company):
    invoice = taxed.create_invoice(taxed.add_client("Hedy Lamarr"), lines=[service_line("200.00")])
    assert taxed.finalize(invoice).state == "synced"
    qbo_sim.record_payment(qbo_company, [(invoice.number, 220.0)])

    taxed.void(invoice)

    card = taxed.status_card(invoice)
    assert card.title == "Void failed: payment recorded in QuickBooks" and card.retry_available
    assert "unlink" in card.detail.lower() and "unlink" in card.fix.lower()
    assert qbo_sim.find_invoice(qbo_company, invoice.number)["TotalAmt"] == 220.0  # not voided in QuickBooks yet
    qbo_sim.unlink_payments(qbo_company, invoice.number)

    assert taxed.retry(invoice) is None  # Retry re-sends the void, and the card goes

    record = qbo_sim.find_invoice(qbo_company, invoice.number)
    assert record["TotalAmt"] == 0 and record["PrivateNote"].startswith("Voided")
    assert taxed.status_card(invoice) is None
    payment = qbo_sim.records(qbo_company, "Payment")[0]
    assert payment["TotalAmt"] == 220.0 and payment["UnappliedAmt"] == 220.0  # the customer's credit


def test_void_of_a_failed_invoice_removes_its_card_without_a_request(taxed, qbo_sim, qbo_company):
    invoice = taxed.create_invoice(taxed.add_client("Hedy Lamarr"))
    taxed.finalize(invoice)  # 2020 card
    since = last_seq(qbo_sim)
    assert taxed.void(invoice) is None
    assert taxed.status_card(invoice) is None
    assert api_calls(qbo_sim, qbo_company, since) == []


# -- unlisted-error ----------------------------------------------------------------------------------
def test_unlisted_fault_shows_exact_text_and_keeps_support_details(taxed, qbo_sim, qbo_company, clock):
    qbo_sim.add_fault("AccountPeriodClosed", realm_id=qbo_company, entity="Invoice", operation="create", times=1)
    invoice = taxed.create_invoice(taxed.add_client("Ada Lovelace"), lines=[service_line()])

    card = taxed.finalize(invoice)

    assert card.state == "failed" and card.retry_available
    assert card.title == "Account Period Closed"
    assert card.detail.startswith("The account period has closed")
    assert card.code == "6210" and card.attempted_at == clock.now
    journal = [e for e in qbo_sim.journal(qbo_company) if e["fault_code"] == "6210"]
    assert card.intuit_tid == journal[-1]["intuit_tid"]
    record = taxed.failures(invoice)[-1]
    assert (record["document_number"], record["code"], record["intuit_tid"], record["message"]) == (
        invoice.number, "6210", card.intuit_tid, "Account Period Closed")
    assert invoice.number in card.support_details() and card.intuit_tid in card.support_details()

    assert taxed.retry(invoice).state == "synced"


# -- a US company: sales tax ---------------------------------------------------------------------------------
def test_a_us_invoice_sends_tax_and_non_lines_with_the_sales_tax_code_and_matches_caspen(config, clock, sleeps,
                                                                                       qbo_sim):
    from sync_client import CaspenAccount

    realm = qbo_sim.create_company("US", customers=1)
    try:
        with CaspenAccount.open(":memory:", config=config, region="US", clock=clock, sleep=sleeps) as us:
            us.connect_for_tests(realm)
            codes = {code.name: code.id for code in us.quickbooks_tax_codes()}
            us.add_tax_rate("Sales tax", 8)
            us.link_tax_rate("Sales tax", codes["California"])
            us.add_tax_rate("Non-taxable", 0)
            us.link_tax_rate("Non-taxable", codes["NON"])
            invoice = us.create_invoice(us.add_client("Ada Lovelace"), lines=[
                service_line("150.00", "Sales tax"), service_line("50.00", "Non-taxable")])

            assert us.finalize(invoice).state == "synced" and us.status_card(invoice).warning is None

            record = qbo_sim.find_invoice(realm, invoice.number)
            sent = [line["SalesItemLineDetail"]["TaxCodeRef"]["value"] for line in record["Line"]
                    if line["DetailType"] == "SalesItemLineDetail"]
            assert sent == ["TAX", "NON"]
            assert record["TxnTaxDetail"]["TxnTaxCodeRef"]["value"] == codes["California"]
            assert record["TxnTaxDetail"]["TotalTax"] == 12.0 and record["TotalAmt"] == 212.0
    finally:
        qbo_sim.delete_company(realm)
