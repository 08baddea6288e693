"""Soak (issue 7): bounded load on loopback against ``python -m simulator serve`` in its own process.

Client threads send a steady-state mix as fast as they can (reads, queries, sparse updates of their own
invoice, CDC, batch reads, and creates whose requestids repeat so the data set stays bounded) for a
warm-up (at least ``soak_warmup`` seconds, and until the journal's ring buffer has been rewritten twice, since
it holds most of the memory) and then ``soak_seconds``. The server's RSS is read from ``/proc/<pid>/status``.
Asserted: zero errors; the journal never holds more than its capacity; and (thorough profile, where the
run is long enough to mean something) RSS growth after warm-up below 10 %.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import requests

from simulator.testing import SimulatorHandle

from .helpers import rss_kib
from .profiles import Figures, Profile

ROOT = Path(__file__).resolve().parents[2]


def start_server(tmp_path: Path, journal_size: int) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    ready = tmp_path / "ready.json"
    process = subprocess.Popen([sys.executable, "-m", "simulator", "serve", "--port", "0", "--ready-file", str(ready),
                                "--journal-size", str(journal_size)], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    for row in process.stdout:
        if row.strip() == "qbo-sim ready":
            break
    else:
        raise AssertionError(f"the simulator did not start (exit {process.wait()})")
    threading.Thread(target=process.stdout.read, daemon=True).start()  # keep draining its output
    return process, json.loads(ready.read_text())


@pytest.mark.heavy
def test_soak_holds_memory_flat_with_zero_errors_and_a_bounded_journal(
        tmp_path: Path, profile: Profile, figures: Figures) -> None:
    process, details = start_server(tmp_path, profile.soak_journal)
    try:
        sim = SimulatorHandle(details["base_url"])
        realm = details["companies"][0]["realm_id"]
        stop = threading.Event()
        counts: Counter[str] = Counter()
        errors: list[str] = []
        lock = threading.Lock()

        def client(n: int) -> None:
            rng = random.Random(n)
            session = requests.Session()
            session.headers.update({"Authorization": f"Bearer {sim.connect(realm)['access_token']}",
                                    "Accept": "application/json"})
            base = f"{details['api_base_url']}/company/{realm}"
            invoice = {"CustomerRef": {"value": "1"}, "Line": [{
                "DetailType": "SalesItemLineDetail", "Amount": 100.0, "Description": "Soak",
                "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": {"value": "5"}}}]}
            mine = session.post(f"{base}/invoice", json={**invoice, "DocNumber": f"SOAK-{n}"},
                                params={"minorversion": 75}, timeout=30).json()["Invoice"]
            request_ids = [str(uuid.uuid4()) for _ in range(20)]  # creates repeat these: bounded data
            while not stop.is_set():
                kind = rng.choices(("read", "query", "update", "create", "cdc", "batch"), (4, 3, 2, 2, 1, 1))[0]
                try:
                    if kind == "read":
                        response = session.get(f"{base}/invoice/{mine['Id']}", params={"minorversion": 75},
                                               timeout=30)
                    elif kind == "query":
                        response = session.get(f"{base}/query", timeout=30, params={
                            "query": "select * from Invoice where TotalAmt > '10' maxresults 20"})
                    elif kind == "update":
                        response = session.post(f"{base}/invoice", params={"minorversion": 75}, timeout=30, json={
                            "Id": mine["Id"], "SyncToken": mine["SyncToken"], "sparse": True,
                            "PrivateNote": f"soak {time.monotonic()}"})
                        if response.status_code == 200:
                            mine = response.json()["Invoice"]
                    elif kind == "create":
                        rid = rng.choice(request_ids)
                        response = session.post(f"{base}/invoice", params={"requestid": rid, "minorversion": 75},
                                                json={**invoice, "DocNumber": f"S{n}-{rid[:8]}"}, timeout=30)
                    elif kind == "cdc":
                        response = session.get(f"{base}/cdc", params={"entities": "Invoice,Customer",
                                                                       "changedSince": "2020-01-01T00:00:00Z"},
                                               timeout=30)
                    else:
                        response = session.post(f"{base}/batch", timeout=30, json={"BatchItemRequest": [
                            {"bId": "q", "Query": "select * from Customer"},
                            {"bId": "r", "Query": f"select * from Invoice where Id = '{mine['Id']}'"}]})
                    ok = response.status_code == 200
                except requests.RequestException as exc:
                    ok, response = False, None
                    kind = f"{kind} ({type(exc).__name__})"
                with lock:
                    counts[kind] += 1
                    if not ok:
                        errors.append(f"{kind}: {response.status_code if response is not None else 'no answer'} "
                                      f"{response.text[:200] if response is not None else ''}")

        threads = [threading.Thread(target=client, args=(n,)) for n in range(profile.soak_threads)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        samples: list[tuple[float, int]] = []
        journal_peak = 0
        # Warm-up ends once soak_warmup seconds have passed and the journal (it holds the most memory) has been
        # rewritten twice over: the entries of the first round were written while the data set was still
        # growing (a CDC or query answer of a dozen invoices is smaller than one of all of them), so only a
        # journal written after that holds what it will hold from then on. Then soak_seconds are measured.
        warm: float | None = None
        while not errors:
            time.sleep(0.5)
            now = time.monotonic() - started
            stats = sim.status()["journal"]
            journal_peak = max(journal_peak, stats["size"])
            if warm is None and now >= profile.soak_warmup and stats["dropped"] >= 2 * profile.soak_journal:
                warm = now
            if warm is not None:
                samples.append((now, rss_kib(process.pid)))
                if now - warm >= profile.soak_seconds:
                    break
            assert now < profile.soak_warmup + profile.soak_seconds + 300, "the journal was not rewritten twice"
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        elapsed = time.monotonic() - started
        stats = sim.status()["journal"]
    finally:
        process.terminate()
        process.wait(timeout=20)

    assert errors == []
    requests_sent = sum(counts.values())
    assert journal_peak <= profile.soak_journal and stats["size"] <= stats["capacity"] == profile.soak_journal
    measured = [rss for _, rss in samples]
    baseline, peak, last = measured[0], max(measured), measured[-1]
    growth = (peak - baseline) / baseline * 100
    if profile.name == "thorough":
        assert stats["dropped"] > 0  # the ring buffer did wrap: the bound was exercised
        assert growth < 10, f"RSS grew {growth:.1f} % after warm-up ({baseline} → {peak} KiB)"
    figures.record("soak", seconds=round(elapsed, 1), warmup_seconds=round(warm or 0, 1),
                   measured_seconds=round(samples[-1][0] - samples[0][0], 1), threads=profile.soak_threads,
                   requests=requests_sent, requests_per_second=round(requests_sent / elapsed),
                   errors=len(errors), rss_after_warmup_kib=baseline, rss_peak_kib=peak, rss_end_kib=last,
                   rss_growth_percent=round(growth, 1), journal_capacity=stats["capacity"],
                   journal_peak=journal_peak, journal_dropped=stats["dropped"], mix=dict(counts))
