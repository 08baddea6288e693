"""Auth lifecycle under load (issue 7): tokens expiring mid-run, rotation racing between two workers on one
store file, a revoked connection. Never more than one refresh in flight per connection (counted at the
token endpoint in the simulator's journal), never a retry storm after ``invalid_grant``.

(tests/sync_client/test_connection.py has the two-threads-one-account races; here the workers are two
``CaspenAccount`` objects on one SQLite file — each its own connection and its own in-process lock, exactly
what two Caspen processes are.)
"""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from simulator.testing import SimulatorHandle
from sync_client import CaspenAccount
from tests.article_titles import ARTICLE_TITLES

from .helpers import last_seq, line, make_config, quickbooks_invoices, set_up_account, token_calls
from .profiles import Figures, Profile


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def auth_realm(qbo_sim: SimulatorHandle) -> Any:
    realm = qbo_sim.create_company("AU", customers=0)
    yield realm
    qbo_sim.delete_company(realm)


def api_calls(sim: SimulatorHandle, realm: str, since: int) -> list[dict[str, Any]]:
    return [e for e in sim.journal(realm) if e["seq"] > since and e["path"].startswith("/v3/")]


def test_tokens_expiring_during_a_threaded_push_cost_one_refresh_each(
        qbo_sim: SimulatorHandle, auth_realm: str, profile: Profile, figures: Figures, tmp_path: Path) -> None:
    config = make_config(qbo_sim.base_url)
    with CaspenAccount.open(str(tmp_path / "caspen.db"), config=config, sleep=lambda s: None) as account:
        clients = set_up_account(account, auth_realm, clients=4)
        for client in clients:  # customers exist before the threads race (their creation is not under test)
            assert account.finalize(account.create_invoice(client, lines=[line()])).state == "synced"
        drafts = [account.create_invoice(clients[n % 4], lines=[line(f"{30 + n}.00")])
                  for n in range(profile.auth_invoices)]
        since = last_seq(qbo_sim)
        expiries = 0
        lock = threading.Lock()
        cards = {}

        def push(chunk: list[Any]) -> None:
            for draft in chunk:
                card = account.finalize(draft)
                with lock:
                    cards[draft.number] = card

        rounds = max(3, profile.auth_invoices // 10)
        per_round = len(drafts) // rounds
        for start in range(0, rounds * per_round, per_round):
            qbo_sim.expire_access_tokens(auth_realm)  # mid-run: the access token Caspen holds is now dead
            expiries += 1
            chunk = drafts[start:start + per_round]
            with ThreadPoolExecutor(4) as pool:
                list(pool.map(push, [chunk[i::4] for i in range(4)]))
        refreshes = token_calls(qbo_sim, since)
        assert all(card.state == "synced" for card in cards.values())
        assert len(refreshes) == expiries  # one refresh per expiry, however many threads saw the 401
        assert all(e["status"] == 200 for e in refreshes)
        assert account.integrity_check() == []
    figures.record("auth: expiry mid-run", invoices=len(cards), threads=4, expiries=expiries,
                   token_requests=len(refreshes))


def test_two_workers_on_one_store_racing_a_rotation_refresh_once_and_stay_connected(
        qbo_sim: SimulatorHandle, auth_realm: str, profile: Profile, figures: Figures, tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    config = make_config(qbo_sim.base_url)
    first = CaspenAccount.open(path, config=config, sleep=lambda s: None)
    clients = set_up_account(first, auth_realm, clients=2)
    for client in clients:
        first.finalize(first.create_invoice(client, lines=[line()]))
    second = CaspenAccount.open(path, config=config, sleep=lambda s: None)
    workers = (first, second)
    rounds = 3 if profile.name == "fast" else 12
    barrier = threading.Barrier(2)
    numbers: list[str] = []
    cards: dict[str, Any] = {}
    since = last_seq(qbo_sim)
    try:
        for _ in range(rounds):
            drafts = [w.create_invoice(clients[i], lines=[line()]) for i, w in enumerate(workers)]
            numbers += [d.number for d in drafts]
            qbo_sim.advance_clock(seconds=25 * 3600)  # past the 24 h window: the next refresh rotates
            qbo_sim.expire_access_tokens(auth_realm)

            def run(index: int, drafts: list[Any] = drafts) -> None:
                barrier.wait()  # both send with the dead token at once, both get 401, both want to refresh
                cards[drafts[index].number] = workers[index].finalize(drafts[index])

            with ThreadPoolExecutor(2) as pool:
                list(pool.map(run, range(2)))
        refreshes = token_calls(qbo_sim, since)
        assert [c.state for c in cards.values()] == ["synced"] * len(numbers), \
            {n: c.title for n, c in cards.items()}
        assert first.connection_state == second.connection_state == "connected"
        assert len(refreshes) == rounds and all(e["status"] == 200 for e in refreshes)
        in_quickbooks = quickbooks_invoices(qbo_sim, auth_realm)
        assert all(len(in_quickbooks[n]) == 1 for n in numbers)
        assert first.integrity_check() == []
    finally:
        first.close()
        second.close()
    figures.record("auth: rotation race, two workers on one store", rounds=rounds, token_requests=len(refreshes),
                   invalid_grant=0)


@pytest.mark.parametrize("access_token_state", ["expired", "still-valid"])
def test_after_invalid_grant_pushing_50_invoices_makes_no_retry_storm(
        qbo_sim: SimulatorHandle, auth_realm: str, figures: Figures, access_token_state: str) -> None:
    clock = Clock()
    config = make_config(qbo_sim.base_url)
    with CaspenAccount.open(":memory:", config=config, clock=clock, sleep=lambda s: None) as account:
        clients = set_up_account(account, auth_realm, clients=2)
        account.finalize(account.create_invoice(clients[0], lines=[line()]))
        drafts = [account.create_invoice(clients[n % 2], lines=[line()]) for n in range(50)]
        qbo_sim.revoke(auth_realm)  # the user disconnected Caspen in QuickBooks
        if access_token_state == "expired":
            clock.now += timedelta(hours=2)  # Caspen knows its access token is dead: it refreshes first
        since = last_seq(qbo_sim)
        cards = [account.finalize(draft) for draft in drafts]
        api = api_calls(qbo_sim, auth_realm, since)
        tokens = token_calls(qbo_sim, since)
        assert {card.title for card in cards} == {ARTICLE_TITLES["invalid-refresh-token"]}
        assert all(card.retry_available for card in cards)
        assert len(tokens) <= 1 and all(e["status"] == 400 for e in tokens)
        assert len(api) == (0 if access_token_state == "expired" else 1)  # at most the one that got the 401
        assert account.connection_state == "expired"

        account.connect_for_tests(auth_realm)  # the documented fix: reconnect, then Retry
        assert {account.retry(d.number).state for d in random.Random(1).sample(drafts, 10)} == {"synced"}
        assert all(len(records) == 1 for records in quickbooks_invoices(qbo_sim, auth_realm).values())
    figures.record(f"auth: revoked ({access_token_state} access token)", invoices_pushed=50,
                   api_requests=len(api), token_requests=len(tokens))
