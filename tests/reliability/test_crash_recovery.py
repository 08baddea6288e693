"""Crash recovery (issue 7): SIGKILL the syncing process at random points of a bulk push, restart, finish.

The worker (``crash_worker.py``, a real subprocess on a file store) resumes and pushes the backlog in
batches; latency rules make every batch request slow, *after* QuickBooks committed it too, so kills land
while writes are in flight — including the "QuickBooks saved it, Caspen never heard" window. After the
last kill a final run finishes: every invoice in QuickBooks exactly once, none lost, every card Synced,
customers created once, no pending outbox row, ``integrity_check()`` empty. The company has the
duplicate-number warning off, so a duplicate would be saved and counted rather than refused (6140).
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from simulator.testing import SimulatorHandle
from sync_client import CaspenAccount

from .helpers import backlog, make_config, quickbooks_invoices, set_up_account
from .profiles import Figures, Profile

WORKER = Path(__file__).with_name("crash_worker.py")
ROOT = Path(__file__).resolve().parents[2]
BATCH = 5
CLIENTS = 4


@pytest.fixture
def crash_realm(qbo_sim: SimulatorHandle) -> Any:
    """An AU company that would save a second invoice with the same number (the duplicate warning off):
    a duplicate the restarted worker wrote would be counted, not refused by QuickBooks with 6140."""
    realm = qbo_sim.create_company("AU", customers=0)
    qbo_sim.set_settings(realm, warn_duplicate_doc_number=False)
    yield realm
    qbo_sim.clear_faults(realm)
    qbo_sim.delete_company(realm)


def pending(store: Path) -> int:
    with sqlite3.connect(store) as db:
        return int(db.execute("SELECT COUNT(*) FROM outbox WHERE state = 'pending'").fetchone()[0])


def unsynced(store: Path) -> int:
    with sqlite3.connect(store) as db:
        return int(db.execute("SELECT COUNT(*) FROM invoices WHERE status = 'finalized' AND qbo_id IS NULL")
                   .fetchone()[0])


@pytest.mark.heavy
def test_sigkill_at_random_points_of_a_bulk_push_loses_and_duplicates_nothing(
        qbo_sim: SimulatorHandle, crash_realm: str, profile: Profile, figures: Figures, tmp_path: Path) -> None:
    realm, rng = crash_realm, random.Random(20_26)
    store = tmp_path / "caspen.db"
    settings = tmp_path / "worker.json"
    settings.write_text(json.dumps({"store": str(store), "base_url": qbo_sim.base_url, "batch_size": BATCH}))
    config = make_config(qbo_sim.base_url)
    with CaspenAccount.open(str(store), config=config, sleep=lambda s: None) as account:
        clients = set_up_account(account, realm, clients=CLIENTS)
        numbers = backlog(account, clients, profile.crash_invoices)
    qbo_sim.add_fault(action="latency", latency_ms=40, realm_id=realm, operation="batch")
    qbo_sim.add_fault(action="latency", when="after", latency_ms=150, realm_id=realm, operation="batch")
    qbo_sim.add_fault(action="latency", when="after", latency_ms=100, realm_id=realm, entity="Customer",
                      operation="create")

    kills = in_flight = completed_runs = 0
    started = time.monotonic()
    while kills < profile.crash_kills:
        if unsynced(store) == 0:  # the backlog is done: give the next run (and kill) something to do
            with CaspenAccount.open(str(store), config=config, sleep=lambda s: None) as account:
                numbers += backlog(account, clients, BATCH * 6, start=len(numbers))
        process = subprocess.Popen([sys.executable, str(WORKER), str(settings)], cwd=ROOT,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert process.stdout is not None and process.stdout.readline().strip() == "started", process.stderr
        time.sleep(rng.uniform(0.02, 0.7))  # a random point of the push, not of Python's start-up
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
            kills += 1
            in_flight += pending(store) > 0  # a write had left (or was about to) when the process died
        else:
            out, err = process.communicate()
            assert process.returncode == 0, err[-2000:]
            completed_runs += 1

    qbo_sim.clear_faults(realm)
    final = subprocess.run([sys.executable, str(WORKER), str(settings)], cwd=ROOT, capture_output=True, text=True,
                           timeout=120)
    assert final.returncode == 0, final.stderr[-2000:]
    elapsed = time.monotonic() - started

    in_quickbooks = quickbooks_invoices(qbo_sim, realm)
    duplicates = {doc: len(records) for doc, records in in_quickbooks.items() if len(records) > 1}
    lost = [n for n in numbers if n not in in_quickbooks]
    assert duplicates == {} and lost == []
    assert len(qbo_sim.records(realm, "Invoice")) == len(numbers)
    assert len(qbo_sim.records(realm, "Customer")) == CLIENTS  # customer creates were idempotent too
    with CaspenAccount.open(str(store), config=config, sleep=lambda s: None) as account:
        assert account.integrity_check() == []
        assert account.store.pending_outbox() == []
        for number in numbers:
            assert account.status_card(number).state == "synced", number
            assert account.invoice(number).qbo_id == in_quickbooks[number][0]["Id"]
        replays = sum(1 for e in qbo_sim.journal(realm) if e["replayed"])
    figures.record("crash recovery", duplicate_warning="off", invoices=len(numbers), sigkills=kills,
                   kills_with_write_in_flight=in_flight,
                   runs_that_finished_before_the_kill=completed_runs, replayed_writes_after_restart=replays,
                   duplicates=0, lost=0, integrity_problems=0, seconds=round(elapsed, 1))
