"""Crashes, dropped connections, throttling, outages, stale objects: retried safely, never duplicated."""

from __future__ import annotations

import requests
from sync_helpers import api_calls, last_seq, make_config, service_line

from sync_client import CaspenAccount, QuickBooksClient, RetryPolicy


def creates(sim, realm, since=0):
    return [e for e in api_calls(sim, realm, since) if e["entity"] == "Invoice" and e["operation"] == "create"]


def test_dropped_connection_after_commit_is_retried_with_the_same_requestid(taxed, qbo_sim, qbo_company):
    qbo_sim.add_fault(action="drop", when="after", realm_id=qbo_company, entity="Invoice", operation="create",
                      times=1)
    invoice = taxed.create_invoice(taxed.add_client("Ada Lovelace"), lines=[service_line()])

    assert taxed.finalize(invoice).state == "synced"

    assert len(qbo_sim.records(qbo_company, "Invoice")) == 1  # QuickBooks saved it once
    sent = creates(qbo_sim, qbo_company)
    assert len(sent) == 2 and sent[0]["requestid"] == sent[1]["requestid"]
    assert sent[0]["status"] == 0 and sent[1]["replayed"] is True
    assert taxed.invoice(invoice).qbo_id == qbo_sim.find_invoice(qbo_company, invoice.number)["Id"]


class Crash(BaseException):
    """The process dies (not an Exception: nothing in the client may catch it)."""


class CrashAfterCreate(requests.Session):
    """A session whose process 'dies' right after QuickBooks answered the first invoice create."""

    def __init__(self) -> None:
        super().__init__()
        self.armed = True

    def request(self, method, url, *args, **kwargs):  # type: ignore[override]
        response = super().request(method, url, *args, **kwargs)
        if self.armed and method == "POST" and url.endswith("/invoice") and response.status_code == 200:
            self.armed = False
            raise Crash()
        return response


def test_process_crash_after_quickbooks_saved_the_invoice_recovers_without_duplicate(
        qbo_sim, qbo_company, tmp_path, clock, sleeps):
    path = str(tmp_path / "caspen.db")
    config = make_config(qbo_sim)
    first = CaspenAccount.open(path, config=config, clock=clock, sleep=sleeps, session=CrashAfterCreate())
    first.connect_for_tests(qbo_company)
    first.add_tax_rate("GST", 10)
    first.link_tax_rate("GST", "5")
    invoice = first.create_invoice(first.add_client("Ada Lovelace"), lines=[service_line()])
    try:
        first.finalize(invoice)
    except Crash:
        pass
    # the process is gone: no close(), the store is reopened from the file

    second = CaspenAccount.open(path, config=config, clock=clock, sleep=sleeps)
    assert second.integrity_check() == []
    assert second.invoice(invoice.number).qbo_id is None  # the answer never reached the store
    assert second.resume() >= 1

    assert len(qbo_sim.records(qbo_company, "Invoice")) == 1
    sent = creates(qbo_sim, qbo_company)
    assert len(sent) == 2 and sent[0]["requestid"] == sent[1]["requestid"] and sent[1]["replayed"]
    assert second.invoice(invoice.number).qbo_id is not None
    assert second.status_card(invoice.number).state == "synced"
    assert second.retry(invoice.number).state == "synced"  # nothing left to send
    assert len(creates(qbo_sim, qbo_company)) == 2
    assert second.integrity_check() == []
    second.close()


def test_throttling_429_is_retried_with_backoff(taxed, qbo_sim, qbo_company, sleeps):
    qbo_sim.add_fault("Throttled", realm_id=qbo_company, entity="Invoice", operation="create", times=2)
    invoice = taxed.create_invoice(taxed.add_client("Ada Lovelace"), lines=[service_line()])
    assert taxed.finalize(invoice).state == "synced"
    statuses = [e["status"] for e in creates(qbo_sim, qbo_company)]
    assert statuses == [429, 429, 200]
    assert len(sleeps) == 2 and all(0 <= s <= 0.005 for s in sleeps)


def test_outage_pages_are_retried_then_surfaced_with_the_exact_text(taxed, qbo_sim, qbo_company):
    qbo_sim.add_fault("ServiceUnavailable", realm_id=qbo_company, entity="Invoice", operation="create", times=10)
    invoice = taxed.create_invoice(taxed.add_client("Ada Lovelace"), lines=[service_line()])

    card = taxed.finalize(invoice)

    assert card.state == "failed" and card.retry_available
    assert card.title == "503 Service Temporarily Unavailable" and card.code == "503"
    assert card.intuit_tid  # the outage page still carries one
    sent = creates(qbo_sim, qbo_company)
    assert len(sent) == 4 and len({e["requestid"] for e in sent}) == 1  # max_attempts, one requestid

    qbo_sim.clear_faults(qbo_company)
    assert taxed.retry(invoice).state == "synced"
    sent = creates(qbo_sim, qbo_company)
    assert len({e["requestid"] for e in sent}) == 1  # Retry re-sent the pending write as it was
    assert len(qbo_sim.records(qbo_company, "Invoice")) == 1


def test_timeouts_are_retried(qbo_sim, qbo_company, clock, sleeps):
    config = make_config(qbo_sim, read_timeout=0.3)
    with CaspenAccount.open(config=config, clock=clock, sleep=sleeps) as account:
        account.connect_for_tests(qbo_company)
        account.add_tax_rate("GST", 10)
        account.link_tax_rate("GST", "5")
        qbo_sim.add_fault(action="timeout", seconds=1, realm_id=qbo_company, entity="Invoice", operation="create",
                          times=1)
        invoice = account.create_invoice(account.add_client("Ada Lovelace"), lines=[service_line()])
        assert account.finalize(invoice).state == "synced"
        assert len(qbo_sim.records(qbo_company, "Invoice")) == 1


def test_stale_object_on_update_rereads_and_retries_once(taxed, qbo_sim, qbo_company):
    invoice = taxed.create_invoice(taxed.add_client("Ada Lovelace"), lines=[service_line()])
    taxed.finalize(invoice)
    qbo_sim.record_payment(qbo_company, [(invoice.number, 10)])  # QuickBooks bumps the invoice's SyncToken
    taxed.revert_to_draft(invoice)
    taxed.add_line(invoice, description="Extra", quantity=2, unit_price="5.00", tax_rate="GST")
    since = last_seq(qbo_sim)

    assert taxed.finalize(invoice).state == "synced"

    calls = [(e["method"], e["operation"], e["fault_code"]) for e in api_calls(qbo_sim, qbo_company, since)]
    assert calls == [("POST", "update", "5010"), ("GET", "read", None), ("POST", "update", None)]
    assert qbo_sim.find_invoice(qbo_company, invoice.number)["TotalAmt"] == 121.0


def test_stale_object_twice_is_surfaced(taxed, qbo_sim, qbo_company):
    invoice = taxed.create_invoice(taxed.add_client("Ada Lovelace"), lines=[service_line()])
    taxed.finalize(invoice)
    qbo_sim.add_fault("StaleObject", params={"user": "Jesse"}, realm_id=qbo_company, entity="Invoice",
                      operation="update", times=2)
    taxed.revert_to_draft(invoice)
    taxed.add_line(invoice, description="Extra", quantity=1, unit_price="5.00", tax_rate="GST")
    card = taxed.finalize(invoice)
    assert card.title == "Stale Object Error" and card.code == "5010" and card.retry_available
    assert taxed.retry(invoice).state == "synced"


def test_one_retry_syncs_an_update_that_outlasted_an_outage_while_quickbooks_was_edited(taxed, qbo_sim, qbo_company):
    """The outage leaves the update pending (QuickBooks never answered); meanwhile a QuickBooks user edits
    the invoice, so the stored update is stale. One press of Retry must sync: the stored update gets 5010,
    then the push re-reads the SyncToken (found by the chaos test counting presses of Retry)."""
    invoice = taxed.create_invoice(taxed.add_client("Ada Lovelace"), lines=[service_line()])
    taxed.finalize(invoice)
    taxed.revert_to_draft(invoice)
    taxed.add_line(invoice, description="Extra", quantity=2, unit_price="5.00", tax_rate="GST")
    qbo_sim.add_fault("ServiceUnavailable", realm_id=qbo_company, entity="Invoice", operation="update",
                      times=taxed.config.retry.max_attempts)
    card = taxed.finalize(invoice)
    assert (card.state, card.title, card.code) == ("failed", "503 Service Temporarily Unavailable", "503")
    qbo_sim.record_payment(qbo_company, [(invoice.number, 10)])  # QuickBooks bumps the invoice's SyncToken
    since = last_seq(qbo_sim)

    card = taxed.retry(invoice)

    assert (card.state, card.title) == ("synced", "Synced")
    calls = [(e["method"], e["operation"], e["fault_code"]) for e in api_calls(qbo_sim, qbo_company, since)]
    assert calls[-3:] == [("POST", "update", "5010"), ("GET", "read", None), ("POST", "update", None)]
    assert qbo_sim.find_invoice(qbo_company, invoice.number)["TotalAmt"] == 121.0
    assert taxed.store.pending_outbox() == []


def test_retry_after_header_is_honoured_and_capped(config):
    client = QuickBooksClient(config=config, realm_id="1", tokens=None)  # type: ignore[arg-type]
    response = requests.Response()
    response.headers["Retry-After"] = "7"
    assert client._retry_after(response) == 7.0
    response.headers["Retry-After"] = "3600"
    assert client._retry_after(response) == config.retry.max_retry_after
    response.headers["Retry-After"] = "Wed, 21 Oct 2015 07:28:00 GMT"
    assert client._retry_after(response) == 0.0


def test_backoff_is_bounded_exponential_with_full_jitter(config):
    policy = RetryPolicy(max_attempts=8, backoff_base=0.5, backoff_cap=4.0, jitter=False)
    client = QuickBooksClient(config=make_config_like(config, retry=policy), realm_id="1", tokens=None)  # type: ignore
    assert [client.backoff(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    jittery = QuickBooksClient(config=make_config_like(config, retry=RetryPolicy(backoff_base=0.5, backoff_cap=4.0)),
                               realm_id="1", tokens=None)  # type: ignore[arg-type]
    samples = [jittery.backoff(3) for _ in range(200)]
    assert all(0 <= s <= 2.0 for s in samples) and len(set(samples)) > 100


def make_config_like(config, **changes):
    from dataclasses import replace

    return replace(config, **changes)


def test_unreachable_api_gives_a_clear_card_and_stays_retryable(qbo_sim, qbo_company, clock, sleeps):
    config = make_config(qbo_sim, api_base_url="http://127.0.0.1:9/v3", connect_timeout=0.5)
    with CaspenAccount.open(config=config, clock=clock, sleep=sleeps) as account:
        account.connect_for_tests(qbo_company)
        invoice = account.create_invoice(account.add_client("Ada Lovelace"), lines=[])
        card = account.finalize(invoice)
        assert card.state == "failed" and card.retry_available
        assert card.title == "Could not reach QuickBooks: ConnectionError"
        assert account.integrity_check() == []


def test_injected_5xx_system_fault_is_retried(taxed, qbo_sim, qbo_company):
    qbo_sim.add_fault("SystemFailure", params={"reason": "boom"}, realm_id=qbo_company, entity="Invoice",
                      operation="create", times=1)
    invoice = taxed.create_invoice(taxed.add_client("Ada Lovelace"), lines=[service_line()])
    assert taxed.finalize(invoice).state == "synced"
    assert [e["status"] for e in creates(qbo_sim, qbo_company)] == [500, 200]
