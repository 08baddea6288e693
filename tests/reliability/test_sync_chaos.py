"""Sync-client chaos (issue 7): push invoices while ~20 % of QuickBooks' answers fail in every way.

Fault kinds: 429 (Throttled), 500 SystemFault, 503 HTML outage page, a connection dropped before the
write, a connection dropped *after* QuickBooks committed it, a timeout after the commit (the client's read
timeout is short), and 5010 on updates (both injected and real: a QuickBooks user edits the invoice first).
Most faults are transient (``times=1``): the client's automatic retries must absorb them, so the card says
Synced with no press of Retry. Some outlast the retry budget (``times`` = the client's attempts): the card
must then say exactly what QuickBooks said (title and code), and one press of Retry must sync. The test
counts the presses and asserts one per outlasting fault, none otherwise (without the automatic retries it
fails at the first transient fault).

The company has the duplicate-number warning off, so a duplicate the client wrote would be saved and
counted. At the end every invoice exists in QuickBooks exactly once (by DocNumber and by count), none is
lost, every card says Synced, no outbox row is pending and the store passes its integrity check.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from simulator.testing import SimulatorHandle
from sync_client import CaspenAccount
from sync_client.config import RateLimits

from .helpers import backlog, line, make_config, quickbooks_invoices, set_up_account
from .profiles import Figures, Profile

ATTEMPTS = 4
#: the client's read timeout, which each timeout rule (holding twice as long) trips: the test waits it out once per
#: timeout rule. Invoice writes answer in milliseconds, batches of 10 in tens; a loaded machine that held one
#: answer past 1 s would cost an automatic retry (a requestid replay), never a duplicate or a failed card:
#: only four such answers in a row to one request could fail the test
READ_TIMEOUT = 1.0
BATCH = 10
#: what the card says once a fault outlasted the automatic retries: (title, code), QuickBooks' exact text
#: (faults as docs/research/qbo-behaviour-notes.md and the fault catalogue define them) or Caspen's own
OUTLASTING = {
    "Throttled": ("message=ThrottleExceeded; errorCode=003001; statusCode=429", "3001"),
    "SystemFailure": ("An application error has occurred while processing your request", "10000"),
    "ServiceUnavailable": ("503 Service Temporarily Unavailable", "503"),
    "drop-before": ("Could not reach QuickBooks: ChunkedEncodingError", None),
}
KINDS = ("Throttled", "SystemFailure", "ServiceUnavailable", "drop-before", "drop-after", "timeout-after")


def rule_for(kind: str, **match: Any) -> dict[str, Any]:
    if kind == "drop-before":
        return {"action": "drop", "when": "before", **match}
    if kind == "drop-after":
        return {"action": "drop", "when": "after", **match}
    if kind == "timeout-after":
        return {"action": "timeout", "when": "after", "seconds": READ_TIMEOUT * 2, **match}
    return {"action": "fault", "fault": kind, **match}


class Chaos:
    """Plans the faults and checks every card. A transient fault (``times=1``) must be absorbed by the
    client's automatic retries (the card says Synced without anyone pressing Retry); a fault that outlasts
    them (``times`` = the client's attempts) must show exactly its card, and then one press of Retry syncs."""

    def __init__(self, sim: SimulatorHandle, realm: str, account: CaspenAccount, rng: random.Random,
                 rate: float) -> None:
        self.sim, self.realm, self.account, self.rng, self.rate = sim, realm, account, rng, rate
        self.planned: dict[str, int] = {}
        self.outlasted = 0
        self.presses = 0

    def maybe_fault(self, operation: str, kinds: tuple[str, ...] = KINDS) -> str | None:
        if self.rng.random() >= self.rate:
            return None
        kind = self.rng.choice(kinds)
        outlast = kind in OUTLASTING and self.rng.random() < 0.15
        spec = rule_for(kind, realm_id=self.realm, entity="Invoice", operation=operation,
                        times=ATTEMPTS if outlast else 1)
        self.sim.add_fault(**spec)
        self.planned[kind] = self.planned.get(kind, 0) + 1
        return f"outlast:{kind}" if outlast else kind

    def settle(self, number: str, card: Any, fault: str | None) -> None:
        if fault and fault.startswith("outlast:"):
            kind = fault.split(":", 1)[1]
            title, code = OUTLASTING[kind]
            assert (card.state, card.title, card.code, card.retry_available) == ("failed", title, code, True), \
                (number, kind, card)
            self.outlasted += 1
            card = self.account.retry(number)
            self.presses += 1
        assert (card.state, card.title, card.code) == ("synced", "Synced", None), (number, fault, card)
@pytest.fixture
def chaos_realm(qbo_sim: SimulatorHandle) -> Any:
    """An AU company that would save a second invoice with the same number (the duplicate warning off):
    a duplicate the client wrote would be counted, not refused by QuickBooks with 6140."""
    realm = qbo_sim.create_company("AU", customers=0)
    qbo_sim.set_settings(realm, warn_duplicate_doc_number=False)
    yield realm
    qbo_sim.clear_faults(realm)
    qbo_sim.delete_company(realm)


@pytest.mark.heavy
def test_every_invoice_syncs_exactly_once_through_20_percent_failures(
        qbo_sim: SimulatorHandle, chaos_realm: str, profile: Profile, figures: Figures, tmp_path: Any) -> None:
    realm, seed = chaos_realm, 7_2026
    rng = random.Random(seed)
    config = make_config(qbo_sim.base_url, read_timeout=READ_TIMEOUT, rate_limits=RateLimits(
        requests_per_second=10_000, requests_per_minute=1_000_000, batches_per_minute=100_000, batch_size=BATCH))
    with CaspenAccount.open(str(tmp_path / "caspen.db"), config=config, sleep=lambda s: None,
                            rng=random.Random(seed)) as account:
        clients = set_up_account(account, realm, clients=5)
        chaos = Chaos(qbo_sim, realm, account, rng, profile.fault_rate)

        # 1. one by one: finalizing syncs
        singles = []
        for n in range(profile.chaos_single):
            invoice = account.create_invoice(clients[n % len(clients)], lines=[line(f"{20 + n % 500}.00")])
            fault = chaos.maybe_fault("create")
            chaos.settle(invoice.number, account.finalize(invoice), fault)
            singles.append(invoice.number)

        # 2. updates: a third of them change (revert, add a line, finalize); some were edited in QuickBooks
        updated, real_5010 = [], 0
        for number in rng.sample(singles, len(singles) // 3):
            if rng.random() < 0.25:  # a QuickBooks user edits it first: Caspen's SyncToken is now stale
                record = qbo_sim.find_invoice(realm, number)
                _user_edits(qbo_sim, realm, record)
                real_5010 += 1
            account.revert_to_draft(number)
            account.add_line(number, description="Extra", quantity=1, unit_price="5.00", tax_rate="GST")
            fault = chaos.maybe_fault("update", KINDS + ("StaleObject",) * 2)
            chaos.settle(number, account.finalize(number), fault)
            updated.append(number)

        # 3. a backlog through push_all (batch requests of 10), faults on the batch requests
        config_batches = max(1, profile.chaos_bulk // BATCH)
        bulk = backlog(account, clients, profile.chaos_bulk)
        batch_faults = 0
        for index in range(config_batches):
            if rng.random() < max(profile.fault_rate * 2, 0.5):
                kind = KINDS[batch_faults % len(KINDS)]
                qbo_sim.add_fault(**rule_for(kind, realm_id=realm, operation="batch", times=1, skip=index))
                chaos.planned[f"batch {kind}"] = chaos.planned.get(f"batch {kind}", 0) + 1
                batch_faults += 1
        report = account.push_all(bulk)
        assert list(report.failed) == []  # every batch fault was transient: the automatic retries absorb it

        # every invoice exactly once, none lost, every card Synced, store consistent
        rules = [r for r in qbo_sim.fault_rules() if r["realm_id"] == realm]
        injected = sum(r["hits"] for r in rules)
        qbo_sim.clear_faults(realm)
        in_quickbooks = quickbooks_invoices(qbo_sim, realm)
        numbers = singles + bulk
        duplicates = {doc: len(records) for doc, records in in_quickbooks.items() if len(records) > 1}
        lost = [n for n in numbers if n not in in_quickbooks]
        assert duplicates == {} and lost == []
        assert len(qbo_sim.records(realm, "Invoice")) == len(numbers)
        for number in numbers:
            invoice = account.invoice(number)
            card = account.status_card(number)
            assert (card.state, card.title, card.code) == ("synced", "Synced", None), (number, card)
            assert invoice.qbo_id == in_quickbooks[number][0]["Id"]
        # Retry was pressed once per fault that outlasted the retries, and never otherwise
        assert chaos.presses == chaos.outlasted
        for number in updated:
            assert len([ln for ln in in_quickbooks[number][0]["Line"]
                        if ln.get("DetailType") == "SalesItemLineDetail"]) == 2, number
        assert account.store.pending_outbox() == []
        assert account.integrity_check() == []
        journal = qbo_sim.journal(realm)
        stale = sum(1 for e in journal if e["fault_code"] == "5010")
        writes = sum(1 for e in journal if e["operation"] in ("create", "update", "batch")
                     and e["path"].startswith("/v3/") and e["entity"] in ("Invoice", None))
    figures.record("sync chaos", invoices=len(numbers), pushed_one_by_one=len(singles), updated=len(updated),
                   pushed_in_batches=len(bulk), batches=report.batches, faults_planned=sum(chaos.planned.values()),
                   faults_injected=injected, invoice_write_requests=writes,
                   failed_share_percent=round(100 * (injected + real_5010) / writes, 1),
                   real_5010_edits=real_5010, answers_5010=stale,
                   outlasted_retries=chaos.outlasted, retry_presses=chaos.presses, duplicate_warning="off",
                   duplicates=0, lost=0, seed=seed,
                   by_kind=dict(sorted(chaos.planned.items())))


def _user_edits(sim: SimulatorHandle, realm: str, record: dict[str, Any]) -> None:
    """The QuickBooks user changes the memo in the web UI (bumps the SyncToken behind Caspen's back)."""
    import requests

    tokens = sim.connect(realm)
    response = requests.post(f"{sim.api_base}/company/{realm}/invoice", params={"minorversion": 75},
                             json={"Id": record["Id"], "SyncToken": record["SyncToken"], "sparse": True,
                                   "CustomerMemo": {"value": "edited in QuickBooks"}},
                             headers={"Authorization": f"Bearer {tokens['access_token']}",
                                      "Accept": "application/json"}, timeout=10)
    assert response.status_code == 200, response.text
