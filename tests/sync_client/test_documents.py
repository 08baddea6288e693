"""What an invoice becomes in QuickBooks: totals to the cent, customers, items, payments, credit notes."""

from __future__ import annotations

from decimal import Decimal

import requests
from sync_helpers import api_calls, service_line

from sync_client import customer_display_name


def lines_for(record):
    return [line for line in record["Line"] if line["DetailType"] == "SalesItemLineDetail"]


def test_realistic_au_invoice_tax_inclusive_with_gst_gst_free_and_10_percent_discount(taxed, qbo_sim, qbo_company):
    client = taxed.add_client("Harbour Café Pty Ltd", email="accounts@harbour.example", address="1 Wharf Rd")
    invoice = taxed.create_invoice(client, tax_mode="inclusive", discount="10%", due_date="2031-01-31", lines=[
        {"description": "Plumbing labour", "quantity": "3.5", "unit_price": "98.90", "tax_rate": "GST"},
        {"description": "Copper pipe 15mm", "quantity": 7, "unit_price": "12.35", "tax_rate": "GST",
         "kind": "product"},
        {"description": "Call-out fee (GST free)", "quantity": 1, "unit_price": "45.45", "tax_rate": "GST free"},
        {"description": "Water testing kit", "quantity": 2, "unit_price": "19.99", "tax_rate": "GST free",
         "kind": "product"},
    ])
    caspen = taxed.totals(invoice)

    card = taxed.finalize(invoice)

    assert card.state == "synced" and card.warning is None
    record = qbo_sim.find_invoice(qbo_company, invoice.number)
    assert Decimal(str(record["TotalAmt"])) == caspen.total
    assert Decimal(str(record["TxnTaxDetail"]["TotalTax"])) == caspen.tax
    assert record["GlobalTaxCalculation"] == "TaxInclusive" and record["DueDate"] == "2031-01-31"
    assert [line["SalesItemLineDetail"]["TaxCodeRef"]["value"] for line in lines_for(record)] == ["5", "5", "6", "6"]
    discount = next(line for line in record["Line"] if line["DetailType"] == "DiscountLineDetail")
    assert discount["DiscountLineDetail"]["DiscountPercent"] == 10
    assert Decimal(str(discount["Amount"])) == caspen.discount
    assert taxed.invoice(invoice).qbo_total == caspen.total


def test_tax_exclusive_fixed_discount_and_products(taxed, qbo_sim, qbo_company):
    invoice = taxed.create_invoice(taxed.add_client("Ada"), discount={"fixed": "12.50"}, lines=[
        {"description": "Design", "quantity": "1.25", "unit_price": "133.33", "tax_rate": "GST"},
        {"description": "Printing", "quantity": 3, "unit_price": "7.77", "tax_rate": "GST free", "kind": "product"},
    ])
    caspen = taxed.totals(invoice)
    assert taxed.finalize(invoice).warning is None
    record = qbo_sim.find_invoice(qbo_company, invoice.number)
    assert Decimal(str(record["TotalAmt"])) == caspen.total
    items = {line["SalesItemLineDetail"]["ItemRef"]["value"] for line in lines_for(record)}
    assert len(items) == 2  # one default Service item, one default Product item
    product = qbo_sim.records(qbo_company, "Item")
    assert {(i["Name"], i["Type"]) for i in product} >= {("Services", "Service"), ("Products", "NonInventory")}


def test_total_mismatch_is_reported_on_the_card(connected, qbo_sim, qbo_company):
    connected.add_tax_rate("GST (old 15%)", 15)
    connected.link_tax_rate("GST (old 15%)", "5")  # QuickBooks' GST code is 10 %
    invoice = connected.create_invoice(connected.add_client("Ada"),
                                       lines=[service_line(tax_rate="GST (old 15%)")])
    card = connected.finalize(invoice)
    assert card.state == "synced"
    assert card.warning == "Totals differ from QuickBooks (total: Caspen 115.00, QuickBooks 110.00; tax: Caspen " \
                           "15.00, QuickBooks 10.00)"
    assert connected.invoice(invoice).total_mismatch == card.warning


def test_customer_is_created_once_and_reused(taxed, qbo_sim, qbo_company):
    client = taxed.add_client("Ada Lovelace", client_id="CL-1234567")
    for amount in ("10.00", "20.00"):
        taxed.finalize(taxed.create_invoice(client, lines=[service_line(amount)]))
    customers = [c for c in qbo_sim.records(qbo_company, "Customer") if "Caspen" in c["DisplayName"]]
    assert [c["DisplayName"] for c in customers] == ["Ada Lovelace (Caspen 34567)"]
    creates = [e for e in api_calls(qbo_sim, qbo_company) if e["entity"] == "Customer" and e["operation"] == "create"]
    assert len(creates) == 1
    refs = {r["CustomerRef"]["value"] for r in qbo_sim.records(qbo_company, "Invoice")}
    assert refs == {customers[0]["Id"]}


def test_existing_customer_with_the_name_is_adopted(taxed, qbo_sim, qbo_company):
    client = taxed.add_client("O'Brien & Sons", client_id="7")
    name = customer_display_name(client)
    assert name == "O'Brien & Sons (Caspen 00007)"
    token = qbo_sim.connect(qbo_company)["access_token"]
    made = requests.post(f"{qbo_sim.api_base}/company/{qbo_company}/customer", json={"DisplayName": name},
                         headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}).json()["Customer"]
    taxed.finalize(taxed.create_invoice(client, lines=[service_line()]))
    assert qbo_sim.find_invoice(qbo_company, "INV0001")["CustomerRef"]["value"] == made["Id"]


def test_name_clash_with_an_inactive_customer_reactivates_it(taxed, qbo_sim, qbo_company):
    client = taxed.add_client("Ada Lovelace", client_id="42")
    name = customer_display_name(client)
    token = qbo_sim.connect(qbo_company)["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    made = requests.post(f"{qbo_sim.api_base}/company/{qbo_company}/customer", json={"DisplayName": name},
                         headers=headers).json()["Customer"]
    requests.post(f"{qbo_sim.api_base}/company/{qbo_company}/customer", headers=headers, json={
        "Id": made["Id"], "SyncToken": made["SyncToken"], "sparse": True, "Active": False, "DisplayName": name})

    card = taxed.finalize(taxed.create_invoice(client, lines=[service_line()]))

    assert card.state == "synced"
    customer = next(c for c in qbo_sim.records(qbo_company, "Customer") if c["Id"] == made["Id"])
    assert customer["Active"] is True
    assert qbo_sim.find_invoice(qbo_company, "INV0001")["CustomerRef"]["value"] == made["Id"]


def test_payment_applied_in_caspen_syncs_as_a_linked_quickbooks_payment(taxed, qbo_sim, qbo_company):
    invoice = taxed.create_invoice(taxed.add_client("Ada"), lines=[service_line()])
    taxed.finalize(invoice)

    card = taxed.apply_payment(invoice, "40.00")

    assert card.state == "synced"
    payments = qbo_sim.records(qbo_company, "Payment")
    assert len(payments) == 1 and payments[0]["TotalAmt"] == 40.0
    qbo_invoice = qbo_sim.find_invoice(qbo_company, invoice.number)
    assert payments[0]["Line"][0]["LinkedTxn"] == [{"TxnId": qbo_invoice["Id"], "TxnType": "Invoice"}]
    assert qbo_invoice["Balance"] == 70.0 and taxed.balance(invoice) == Decimal("70.00")
    assert taxed.import_quickbooks_payments().imported == ()  # never re-imports its own payment


def test_payment_on_an_invoice_whose_create_failed_pushes_both(taxed, qbo_sim, qbo_company):
    qbo_sim.add_fault("AccountPeriodClosed", realm_id=qbo_company, entity="Invoice", operation="create", times=1)
    invoice = taxed.create_invoice(taxed.add_client("Ada"), lines=[service_line()])
    assert taxed.finalize(invoice).state == "failed"
    assert taxed.apply_payment(invoice, "110.00").state == "synced"
    assert qbo_sim.find_invoice(qbo_company, invoice.number)["Balance"] == 0


def test_single_quickbooks_payment_is_imported_split_is_not(taxed, qbo_sim, qbo_company):
    client = taxed.add_client("Ada")
    one, two, three = (taxed.create_invoice(client, lines=[service_line(a)]) for a in ("100.00", "50.00", "20.00"))
    for invoice in (one, two, three):
        taxed.finalize(invoice)
    single = qbo_sim.record_payment(qbo_company, [(one.number, 30)])
    split = qbo_sim.record_payment(qbo_company, [(two.number, 10), (three.number, 5)])

    report = taxed.import_quickbooks_payments()

    assert report.imported == ((single["Id"], one.number, Decimal("30.00")),)
    assert report.skipped_split == (split["Id"],)
    assert taxed.balance(one) == Decimal("80.00")
    assert taxed.balance(two) == Decimal("55.00") and taxed.balance(three) == Decimal("22.00")
    assert taxed.import_quickbooks_payments().imported == ()  # idempotent
    assert [p.source for p in taxed.store.payments(one.number)] == ["quickbooks"]


def test_credit_note_syncs_as_a_credit_memo(taxed, qbo_sim, qbo_company):
    client = taxed.add_client("Ada")
    invoice = taxed.create_invoice(client, lines=[service_line("200.00")])
    taxed.finalize(invoice)

    note = taxed.issue_credit_note(client, invoice=invoice, lines=[service_line("50.00")])

    assert note.number == "CN0001" and note.qbo_id is not None
    assert taxed.status_card(note).state == "synced"
    memo = next(r for r in qbo_sim.records(qbo_company, "CreditMemo") if r["DocNumber"] == "CN0001")
    assert memo["TotalAmt"] == 55.0


def test_adjustment_invoices_use_their_own_numbering(taxed, qbo_sim, qbo_company):
    adjustment = taxed.create_invoice(taxed.add_client("Ada"), kind="adjustment", lines=[service_line("5.00")])
    assert adjustment.number == "ADJ0001"
    assert taxed.finalize(adjustment).state == "synced"
    assert qbo_sim.find_invoice(qbo_company, "ADJ0001")["TotalAmt"] == 5.5


def test_drafts_never_sync(taxed, qbo_sim, qbo_company):
    taxed.create_invoice(taxed.add_client("Ada"), lines=[service_line()])
    assert api_calls(qbo_sim, qbo_company) == []


def test_unchanged_invoice_is_not_sent_again(taxed, qbo_sim, qbo_company):
    invoice = taxed.create_invoice(taxed.add_client("Ada"), lines=[service_line()])
    taxed.finalize(invoice)
    taxed.revert_to_draft(invoice)
    before = len(api_calls(qbo_sim, qbo_company))
    assert taxed.finalize(invoice).state == "synced"
    assert len(api_calls(qbo_sim, qbo_company)) == before  # nothing changed: no update request
