"""Bulk push through batch requests (≤30 per batch), with per-invoice cards and crash-safe requestids."""

from __future__ import annotations

from sync_helpers import service_line

from tests.article_titles import ARTICLE_TITLES


def batch_calls(sim, realm):
    return [e for e in sim.journal(realm) if e["path"].endswith("/batch")]


def finalized_without_sync(account, client, count, **kwargs):
    """Finalize invoices while QuickBooks is unreachable for them (simulates a backlog)."""
    numbers = []
    for n in range(count):
        invoice = account.create_invoice(client, lines=[service_line(f"{10 + n}.00")], **kwargs)
        account.store.update_document("invoices", invoice.number, status="finalized",
                                      finalized_at=account.clock())
        numbers.append(invoice.number)
    return numbers


def test_bulk_push_uses_batches_of_at_most_30(taxed, qbo_sim, qbo_company):
    client = taxed.add_client("Ada")
    numbers = finalized_without_sync(taxed, client, 35)
    empty = taxed.create_invoice(client)
    taxed.store.update_document("invoices", empty.number, status="finalized", finalized_at=taxed.clock())
    seen = []

    report = taxed.push_all(progress=lambda done, total, number, card: seen.append((done, total, number)))

    batches = batch_calls(qbo_sim, qbo_company)
    assert len(batches) == 2 and all(e["requestid"] for e in batches)
    assert len({e["requestid"] for e in batches}) == 2
    assert sorted(report.synced) == sorted(numbers) and report.failed == (empty.number,)
    assert taxed.status_card(empty).title == ARTICLE_TITLES["required-param-missing"]
    assert len(qbo_sim.records(qbo_company, "Invoice")) == 35
    assert [d for d, _, _ in seen] == list(range(1, 37)) and {t for _, t, _ in seen} == {36}
    assert taxed.integrity_check() == []

    again = taxed.push_all()  # nothing changed: no new batch
    assert again.batches == 0 and len(batch_calls(qbo_sim, qbo_company)) == 2


def test_bulk_push_after_a_dropped_batch_answer_does_not_duplicate(taxed, qbo_sim, qbo_company):
    numbers = finalized_without_sync(taxed, taxed.add_client("Ada"), 5)
    qbo_sim.add_fault(action="drop", when="after", realm_id=qbo_company, operation="batch", times=1)

    report = taxed.push_all()

    assert sorted(report.synced) == sorted(numbers)
    batches = batch_calls(qbo_sim, qbo_company)
    assert len(batches) == 2 and batches[0]["requestid"] == batches[1]["requestid"] and batches[1]["replayed"]
    assert len(qbo_sim.records(qbo_company, "Invoice")) == 5


def test_bulk_push_with_quickbooks_down_leaves_the_batch_pending_and_single_sync_resumes_it(
        taxed, qbo_sim, qbo_company):
    numbers = finalized_without_sync(taxed, taxed.add_client("Ada"), 3)
    qbo_sim.add_fault("ServiceUnavailable", realm_id=qbo_company, operation="batch", times=4)

    report = taxed.push_all()

    assert sorted(report.failed) == sorted(numbers)
    assert taxed.status_card(numbers[0]).title == "503 Service Temporarily Unavailable"
    assert taxed.retry(numbers[0]).state == "synced"  # re-sends the pending batch first, same requestid
    assert {taxed.status_card(n).state for n in numbers} == {"synced"}
    assert len({e["requestid"] for e in batch_calls(qbo_sim, qbo_company)}) == 1
    assert len(qbo_sim.records(qbo_company, "Invoice")) == 3


def test_bulk_push_updates_and_per_item_faults(taxed, qbo_sim, qbo_company):
    client = taxed.add_client("Ada")
    first = taxed.create_invoice(client, lines=[service_line()])
    taxed.finalize(first)
    taxed.revert_to_draft(first)
    taxed.add_line(first, description="More", quantity=1, unit_price="10.00", tax_rate="GST")
    taxed.store.update_document("invoices", first.number, status="finalized")
    customer = qbo_sim.records(qbo_company, "Customer")[0]["DisplayName"]
    qbo_sim.user_creates_invoice(qbo_company, customer=customer, doc_number="INV0002", lines=[
        {"DetailType": "SalesItemLineDetail", "Amount": 5,
         "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": {"value": "5"}}}])
    clash = finalized_without_sync(taxed, client, 1)[0]

    report = taxed.push_all()

    assert report.synced == (first.number,) and report.failed == (clash,)
    assert qbo_sim.find_invoice(qbo_company, first.number)["TotalAmt"] == 121.0
    card = taxed.status_card(clash)
    assert card.title == ARTICLE_TITLES["duplicate-document-number"] and card.intuit_tid
