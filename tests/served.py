"""``qbo-sim serve`` in its own process, for evidence that one process cannot give.

Clients and an in-process server share one interpreter and one GIL, which serialises far more than a
real deployment does: a race inside the server can stay closed however many client threads there are.
Here the simulator is the command a user runs (``python -m simulator serve --port 0 --ready-file …``),
and the test talks to it over loopback like any client.
"""

from __future__ import annotations

import http.client
import json
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from simulator.testing import SimulatorHandle

__all__ = ["RACE_LATENCY_MS", "RACE_LINES", "Served", "race_company", "race_invoice", "served_simulator",
           "simultaneous_posts"]

ROOT = Path(__file__).resolve().parents[1]
#: a large invoice (lines): its write keeps the server busy long enough for every duplicate to arrive during it
RACE_LINES = 300
#: a fault-plan latency rule before invoice creates: every duplicate is inside the server before the first
#: write starts, rather than still being read off the socket while it runs
RACE_LATENCY_MS = 300
#: generous: start-up imports Flask, cryptography and the seed data on a loaded two-core machine
START_TIMEOUT = 120.0


@dataclass
class Served:
    process: subprocess.Popen[str]
    details: dict[str, Any]  # the --ready-file JSON: base_url, companies, client_id, ...
    sim: SimulatorHandle

    @property
    def base_url(self) -> str:
        return str(self.details["base_url"])


@contextmanager
def served_simulator(tmp_path: Path, *arguments: str) -> Iterator[Served]:
    """Start ``qbo-sim serve`` (extra ``arguments`` appended), wait for ``qbo-sim ready``, stop it with SIGTERM."""
    ready = tmp_path / "qbo-sim-ready.json"
    process = subprocess.Popen([sys.executable, "-m", "simulator", "serve", "--port", "0", "--ready-file", str(ready),
                                *arguments], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    output: list[str] = []
    started = threading.Event()

    def drain() -> None:  # reads the banner, then keeps the pipe from filling up
        assert process.stdout is not None
        for row in process.stdout:
            output.append(row)
            if row.strip() == "qbo-sim ready":
                started.set()
        started.set()

    threading.Thread(target=drain, daemon=True).start()
    try:
        if not started.wait(START_TIMEOUT) or process.poll() is not None:
            raise AssertionError(f"qbo-sim serve did not start (exit {process.poll()}): {''.join(output)[-2000:]}")
        details = json.loads(ready.read_text())
        yield Served(process, details, SimulatorHandle(details["base_url"]))
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


def simultaneous_posts(base_url: str, path: str, headers: dict[str, str], body: dict[str, Any],
                       copies: int) -> list[tuple[int, bytes]]:
    """POST ``body`` to ``path`` ``copies`` times at once: ``[(status, body bytes)]``, one per copy.

    The requests are encoded once and the connections opened beforehand; a barrier releases one thread per
    copy and each only writes its prepared bytes to its socket, so the copies reach the server within a
    fraction of a millisecond of each other (``requests`` would spend milliseconds per call building them).
    """
    where = urlsplit(base_url)
    payload = json.dumps(body).encode()
    head = "".join(f"{name}: {value}\r\n" for name, value in {
        "Host": where.netloc, "Content-Type": "application/json", "Content-Length": str(len(payload)),
        "Connection": "close", **headers}.items())
    request = f"POST {path} HTTP/1.1\r\n{head}\r\n".encode() + payload
    sockets = [socket.create_connection((where.hostname, where.port), timeout=120) for _ in range(copies)]
    barrier = threading.Barrier(copies)
    answers: list[tuple[int, bytes]] = [(0, b"")] * copies
    failures: list[BaseException] = []

    def send(index: int) -> None:
        try:
            barrier.wait(timeout=120)
            sockets[index].sendall(request)
            response = http.client.HTTPResponse(sockets[index])
            response.begin()
            answers[index] = (response.status, response.read())
        except BaseException as exc:  # noqa: BLE001 - reported below, in the test's thread
            failures.append(exc)
        finally:
            sockets[index].close()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return answers


def race_company(sim: SimulatorHandle) -> str:
    """An AU company in which a second invoice with the same number WOULD be saved, with the race rule on.

    Caspen's users keep "warn if duplicate invoice number is used" on, and then QuickBooks itself refuses
    the second document (6140) and hides a broken ``requestid`` check. Here the warning is off and two plain
    creates of one body really give two invoices (asserted), so an exactly-once count means something.
    """
    from tests.conftest import QBOApi

    realm = sim.create_company("AU", customers=1)
    sim.set_settings(realm, warn_duplicate_doc_number=False)
    api = QBOApi(sim, realm)
    assert [api.post("invoice", api.invoice_body("PROBE")).status_code for _ in range(2)] == [200, 200]
    assert sum(1 for r in sim.records(realm, "Invoice") if r.get("DocNumber") == "PROBE") == 2
    sim.add_fault(action="latency", latency_ms=RACE_LATENCY_MS, realm_id=realm, entity="Invoice", operation="create")
    return realm


def race_invoice(doc_number: str) -> dict[str, Any]:
    """An invoice of :data:`RACE_LINES` lines (customer 1, GST code 5) numbered ``doc_number``."""
    line = {"DetailType": "SalesItemLineDetail", "Amount": 10.0, "Description": "Plumbing",
            "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": {"value": "5"}}}
    return {"CustomerRef": {"value": "1"}, "DocNumber": doc_number, "Line": [dict(line) for _ in range(RACE_LINES)]}
