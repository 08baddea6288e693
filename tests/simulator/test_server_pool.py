"""The simulator's worker pool: waitress' 4 threads for work, and one more for each request that only waits.

Latency and timeout rules hold a request for seconds. Held in one of the pool's few workers, a handful of them
would stall every other client of the simulator (QuickBooks never stops answering others because some requests
are slow); :meth:`simulator.server.ThreadedServer.spare_worker` lends the pool a thread for as long as a request
waits. Judged on counts and on a request that is answered while every original worker is held; the only time
bound is the generous one a hung request would exceed.
"""

from __future__ import annotations

import threading

import pytest
import requests

from simulator import LiveServer, create_app
from simulator import cli as simulator_cli
from simulator.server import THREADS
from simulator.testing import SimulatorHandle

POOL = 2  # a small pool: two held requests take every original worker
HELD = POOL + 1


def _wait_until(predicate: object, what: str, seconds: float = 30.0) -> None:
    """Sleep on an event until ``predicate()`` holds (checked every 20 ms), or fail naming ``what``."""
    woken = threading.Event()
    for _ in range(int(seconds / 0.02)):
        if predicate():  # type: ignore[operator]
            return
        woken.wait(0.02)
    pytest.fail(f"gave up waiting for {what}")


def test_requests_held_by_a_timeout_rule_do_not_stall_other_clients() -> None:
    with LiveServer(create_app({"TESTING": True}), threads=POOL) as server:
        sim = SimulatorHandle(server.url)
        realm = sim.create_company("AU", customers=1)
        token = sim.connect(realm)["access_token"]
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        sim.add_fault(action="timeout", seconds=120, realm_id=realm, entity="Invoice", operation="create",
                      times=HELD)
        url = f"{server.url}/v3/company/{realm}/invoice?minorversion=75"
        body = {"CustomerRef": {"value": "1"}, "Line": [{"DetailType": "SalesItemLineDetail", "Amount": 10.0,
                "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": {"value": "5"}}}]}
        outcomes: list[str] = []

        def held_client() -> None:
            try:
                requests.post(url, json=body, headers=headers, timeout=180)
                outcomes.append("answered")
            except requests.exceptions.RequestException as exc:
                outcomes.append(type(exc).__name__)

        clients = [threading.Thread(target=held_client) for _ in range(HELD)]
        for client in clients:
            client.start()
        _wait_until(lambda: server.workers == POOL + HELD, f"{HELD} held requests to get spare workers")

        # every original worker is held: without spare workers this waits for a hold to end (120 s)
        answer = requests.get(f"{server.url}/v3/company/{realm}/companyinfo/{realm}", headers=headers, timeout=60)
        assert answer.status_code == 200, answer.text
        assert outcomes == []  # the held requests are still held

    for client in clients:
        client.join(timeout=30)
    assert len(outcomes) == HELD and "answered" not in outcomes  # stopping released them as broken connections


def test_the_pool_shrinks_back_when_held_requests_end() -> None:
    with LiveServer(create_app({"TESTING": True}), threads=POOL) as server:
        sim = SimulatorHandle(server.url)
        realm = sim.create_company("AU", customers=1)
        token = sim.connect(realm)["access_token"]
        sim.add_fault(action="latency", latency_ms=300, realm_id=realm, entity="CompanyInfo", times=HELD)
        url = f"{server.url}/v3/company/{realm}/companyinfo/{realm}"
        statuses: list[int] = []
        clients = [threading.Thread(target=lambda: statuses.append(requests.get(
            url, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}, timeout=60).status_code))
            for _ in range(HELD)]
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=60)
        assert statuses == [200] * HELD
        assert server.workers == POOL


def test_the_default_pool_is_waitress_own_and_the_cli_says_so() -> None:
    assert THREADS == 4
    assert simulator_cli.SERVE_THREADS == THREADS
    with LiveServer(create_app({"COMPANIES": ()})) as server:
        assert server.workers == THREADS


def test_spare_workers_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("simulator.server.SPARE_LIMIT", 1)
    with LiveServer(create_app({"TESTING": True}), threads=POOL) as server:
        with server.spare_worker(), server.spare_worker():
            assert server.workers == POOL + 1  # the second hold keeps its own worker
        assert server.workers == POOL
