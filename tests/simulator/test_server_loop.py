"""waitress' I/O loop sleeps while requests' tasks write their answers: no spinning under concurrent writes.

Counted, not timed: the loop's passes (``waitress.wasyncore.poll`` calls) per request while 32 keep-alive
clients post invoice creates at once. With waitress' own channel a pass ran whenever a task held its
channel's output lock (``writable()`` true, ``handle_write`` unable to take the lock): tens to hundreds of
passes per request. :class:`simulator.server.QuietChannel` keeps it near one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import requests
from waitress import wasyncore

from simulator import LiveServer, create_app
from simulator.server import QuietChannel
from simulator.testing import SimulatorHandle

CLIENTS, CREATES = 32, 15
INVOICE = {"CustomerRef": {"value": "1"}, "Line": [{"DetailType": "SalesItemLineDetail", "Amount": 100.0,
           "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": {"value": "5"}}}]}


@pytest.fixture
def counted_passes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many times waitress' loop has polled its sockets (patched before a server starts)."""
    passes = [0]
    poll = wasyncore.poll

    def counting(*args: Any, **kwargs: Any) -> Any:
        passes[0] += 1
        return poll(*args, **kwargs)

    monkeypatch.setattr(wasyncore, "poll", counting)
    yield passes


def test_the_loop_does_not_spin_while_tasks_write_their_answers(counted_passes: list[int]) -> None:
    with LiveServer(create_app({"TESTING": True})) as server:
        sim = SimulatorHandle(server.url)
        realm = sim.create_company("AU", customers=1)
        headers = {"Authorization": f"Bearer {sim.connect(realm)['access_token']}", "Accept": "application/json"}
        url = f"{server.url}/v3/company/{realm}/invoice?minorversion=75"
        statuses: list[int] = []

        def client() -> None:
            with requests.Session() as session:
                session.trust_env = False
                statuses.extend(session.post(url, json=INVOICE, headers=headers, timeout=60).status_code
                                for _ in range(CREATES))

        before = counted_passes[0]
        workers = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        passes = counted_passes[0] - before
    assert statuses == [200] * (CLIENTS * CREATES)
    # measured: 0.2-0.5 passes per request (reads batch up); waitress' own channel: 8-170
    assert passes / len(statuses) < 3, f"{passes} loop passes for {len(statuses)} requests"


def _channel(*, requests_: int, lock_held: bool, output: int, will_close: bool = False) -> QuietChannel:
    channel = QuietChannel.__new__(QuietChannel)  # the writability rule alone, without a socket
    channel.requests = [object()] * requests_
    channel.outbuf_lock = threading.Condition()
    channel.total_outbufs_len = output
    channel.will_close = will_close
    channel.close_when_flushed = False
    channel.adj = SimpleNamespace(send_bytes=1)
    if lock_held:
        taken = threading.Event()
        threading.Thread(target=lambda: (channel.outbuf_lock.acquire(), taken.set()), daemon=True).start()
        taken.wait(5)
    return channel


@pytest.mark.parametrize("requests_, lock_held, output, will_close, writable", [
    (1, True, 1471, False, False),   # a task is writing its answer: the loop must not spin on it
    (1, False, 1471, False, True),   # the task left output it could not send: the loop sends it
    (1, False, 0, False, False),     # nothing to send
    (0, False, 1471, False, True),   # the task has ended: the loop sends what is left
    (1, True, 0, True, True),        # closing: waitress' own rule
])
def test_a_channel_is_writable_only_when_the_loop_can_write(requests_: int, lock_held: bool, output: int,
                                                            will_close: bool, writable: bool) -> None:
    assert bool(_channel(requests_=requests_, lock_held=lock_held, output=output,
                         will_close=will_close).writable()) is writable
