"""The OAuth connection: code flow, refresh before expiry and on 401, rotation, one refresh at a time."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sync_helpers import api_calls, last_seq, make_config, service_line, token_calls

from simulator.backends import DEFAULT_CLIENT
from sync_client import CaspenAccount, QuickBooksUnavailableError, SyncError


def test_code_flow_by_hand(account, qbo_sim, qbo_company):
    url = account.authorization_url()
    query = parse_qs(urlsplit(url).query)
    assert query["response_type"] == ["code"] and query["client_id"] == [DEFAULT_CLIENT["client_id"]]
    assert "com.intuit.quickbooks.accounting" in query["scope"][0]
    redirect = requests.get(url + f"&realmId={qbo_company}", allow_redirects=False).headers["Location"]

    assert account.complete_connection(redirect) == qbo_company
    assert account.connection_state == "connected" and account.realm_id == qbo_company


def test_state_mismatch_is_refused(account, qbo_sim, qbo_company):
    url = account.authorization_url()
    redirect = requests.get(url + f"&realmId={qbo_company}", allow_redirects=False).headers["Location"]
    forged = redirect.replace("state=", "state=x")
    with pytest.raises(SyncError, match="state mismatch"):
        account.complete_connection(forged)
    assert account.connection_state == "disconnected"


def test_refresh_shortly_before_expiry_without_a_401(connected, qbo_sim, qbo_company, clock):
    connected.add_tax_rate("GST", 10)
    connected.link_tax_rate("GST", "5")
    clock.advance(seconds=3600 - 30)  # inside the 60 s refresh margin
    since = last_seq(qbo_sim)
    invoice = connected.create_invoice(connected.add_client("Ada"), lines=[service_line()])

    assert connected.finalize(invoice).state == "synced"

    assert len(token_calls(qbo_sim, since)) == 1
    assert all(e["status"] != 401 for e in api_calls(qbo_sim, qbo_company, since))


def test_refresh_once_on_401(taxed, qbo_sim, qbo_company):
    qbo_sim.expire_access_tokens(qbo_company)
    since = last_seq(qbo_sim)
    invoice = taxed.create_invoice(taxed.add_client("Ada"), lines=[service_line()])

    assert taxed.finalize(invoice).state == "synced"

    assert len(token_calls(qbo_sim, since)) == 1
    statuses = [e["status"] for e in api_calls(qbo_sim, qbo_company, since)]
    assert statuses[0] == 401 and statuses.count(401) == 1 and 200 in statuses


def test_refresh_token_rotation_is_stored(taxed, qbo_sim, qbo_company, clock):
    before = taxed.store.connection().refresh_token
    qbo_sim.advance_clock(days=1.5)  # > 24 h: QuickBooks rotates the refresh token on the next refresh
    clock.advance(days=1.5)
    invoice = taxed.create_invoice(taxed.add_client("Ada"), lines=[service_line()])
    assert taxed.finalize(invoice).state == "synced"
    after = taxed.store.connection().refresh_token
    assert after != before

    old = requests.post(f"{qbo_sim.base_url}/oauth2/v1/tokens/bearer",
                        data={"grant_type": "refresh_token", "refresh_token": before},
                        auth=(DEFAULT_CLIENT["client_id"], DEFAULT_CLIENT["client_secret"]))
    assert old.json()["error"] == "invalid_grant"  # the previous one is dead: it had to be stored at once

    clock.advance(hours=2)
    qbo_sim.advance_clock(seconds=7200)
    second = taxed.create_invoice(taxed.add_client("Bob"), lines=[service_line()])
    assert taxed.finalize(second).state == "synced"


def test_two_threads_racing_a_refresh_make_one_token_request(connected, qbo_sim, clock):
    clock.advance(seconds=3600)  # the access token is due for refresh in every thread's eyes
    since = last_seq(qbo_sim)
    barrier = threading.Barrier(4)
    tokens: list[str] = []

    def worker() -> None:
        barrier.wait()
        tokens.append(connected.connection.access_token())

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(token_calls(qbo_sim, since)) == 1
    assert len(set(tokens)) == 1 and len(tokens) == 4


def test_two_threads_seeing_401_with_the_same_token_refresh_once(connected, qbo_sim):
    stale = connected.connection.access_token()
    since = last_seq(qbo_sim)
    barrier = threading.Barrier(3)
    tokens: list[str] = []

    def worker() -> None:
        barrier.wait()
        tokens.append(connected.connection.refresh_after_unauthorized(stale))

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(token_calls(qbo_sim, since)) == 1
    assert len(set(tokens)) == 1 and tokens[0] != stale


def test_disconnect_revokes_the_grant(connected, qbo_sim, qbo_company):
    token = connected.store.connection().access_token
    assert connected.disconnect() is True
    assert connected.connection_state == "disconnected"
    assert connected.store.connection().refresh_token is None
    response = requests.get(f"{qbo_sim.api_base}/company/{qbo_company}/companyinfo/{qbo_company}",
                            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
    assert response.status_code == 401  # revoked at Intuit, not just forgotten locally


def test_not_connected_account_never_syncs(account, qbo_sim):
    account.add_tax_rate("GST", 10)
    invoice = account.create_invoice(account.add_client("Ada"), lines=[service_line()])
    assert account.finalize(invoice) is None and account.status_card(invoice) is None


def test_disconnected_account_shows_a_card_until_reconnected(taxed, qbo_sim, qbo_company):
    taxed.disconnect()
    invoice = taxed.create_invoice(taxed.add_client("Ada"), lines=[service_line()])
    card = taxed.finalize(invoice)
    assert card.title == "QuickBooks is not connected" and card.retry_available
    taxed.connect_for_tests(qbo_company)
    assert taxed.retry(invoice).state == "synced"


def test_unreachable_discovery_document_is_a_clear_error(qbo_sim, clock, sleeps):
    config = make_config(qbo_sim, discovery_url="http://127.0.0.1:9/.well-known/openid_configuration",
                         connect_timeout=0.5)
    with CaspenAccount.open(config=config, clock=clock, sleep=sleeps) as account:
        with pytest.raises(QuickBooksUnavailableError, match="Could not reach the OAuth discovery document"):
            account.authorization_url()


def test_adopting_a_refresh_token_from_the_simulator(account, qbo_sim, qbo_company):
    minted = qbo_sim.connect(qbo_company)
    account.connect_with_refresh_token(qbo_company, minted["refresh_token"])
    assert account.quickbooks_tax_codes()  # the first call refreshes and works
    assert repr(account.store.connection()).count("redacted") == 1
