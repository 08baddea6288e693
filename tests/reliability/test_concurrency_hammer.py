"""16 threads hammering the same invoices and customers of several companies (issue 7, "Concurrency").

Mixed reads, sparse updates and creates, racing on purpose. Every write either applies with SyncToken + 1
or gets 5010; no update is lost (a record's final SyncToken equals the updates that applied to it); Ids
are unique per company; nothing crosses realms; a requestid sent by 16 threads at once is written once
(against ``qbo-sim serve`` in its own process, in companies that would save a duplicate: tests/served.py).
(tests/simulator/test_concurrency.py has the single-invoice and single-purpose versions of these.)
"""

from __future__ import annotations

import random
import threading
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from simulator.testing import SimulatorHandle
from tests.conftest import SERVED_GROUP, QBOApi
from tests.served import RACE_LATENCY_MS, RACE_LINES, Served, race_company, race_invoice, simultaneous_posts

from .profiles import Figures, Profile

RECORDS_PER_ENTITY = 3


@pytest.fixture
def companies(qbo_sim: SimulatorHandle, profile: Profile) -> Any:
    realms = [qbo_sim.create_company("AU", customers=RECORDS_PER_ENTITY) for _ in range(profile.hammer_companies)]
    yield realms
    for realm in realms:
        qbo_sim.delete_company(realm)


def test_hammering_shared_records_loses_no_update_and_crosses_no_realm(
        qbo_sim: SimulatorHandle, companies: list[str], profile: Profile, figures: Figures) -> None:
    setup = {realm: QBOApi(qbo_sim, realm) for realm in companies}
    shared: dict[str, dict[str, list[str]]] = {}
    for index, (realm, api) in enumerate(setup.items()):
        invoices = []
        for n in range(RECORDS_PER_ENTITY):
            response = api.post("invoice", api.invoice_body(f"R{index}-SEED{n}", customer=str(n % 2 + 1)))
            assert response.status_code == 200, response.text
            invoices.append(response.json()["Invoice"]["Id"])
        customers = [c["Id"] for c in api.query("select * from Customer")["Customer"]]
        shared[realm] = {"Invoice": invoices, "Customer": customers}

    lock = threading.Lock()
    applied: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    created: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    problems: list[str] = []

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        clients = {realm: QBOApi(qbo_sim, realm) for realm in companies}
        for step in range(profile.hammer_rounds * 5):
            realm = rng.choice(companies)
            index = companies.index(realm)
            api = clients[realm]
            entity = rng.choice(("Invoice", "Customer"))
            record_id = rng.choice(shared[realm][entity])
            action = rng.choices(("read", "update", "create", "query"), weights=(3, 4, 2, 1))[0]
            if action == "read":
                response = api.get(f"{entity.lower()}/{record_id}")
                ok = response.status_code == 200 and response.json()[entity]["Id"] == record_id
            elif action == "query":
                response = api.get("query", query=f"select * from {entity} maxresults 50")
                rows = response.json()["QueryResponse"].get(entity, []) if response.status_code == 200 else None
                ok = rows is not None and all(_realm_tag(r, entity) in (None, index) for r in rows)
            elif action == "update":
                current = api.get(f"{entity.lower()}/{record_id}").json()[entity]
                sent = int(current["SyncToken"])
                note = {"PrivateNote": f"w{seed}-{step}"} if entity == "Invoice" else {"Notes": f"w{seed}-{step}"}
                response = api.post(entity.lower(), {"Id": record_id, "SyncToken": str(sent), "sparse": True, **note})
                if response.status_code == 200:
                    got = int(response.json()[entity]["SyncToken"])
                    ok = got == sent + 1
                    with lock:
                        applied[(realm, entity, record_id)].append(got)
                else:
                    ok = response.status_code == 400 and response.json()["Fault"]["Error"][0]["code"] == "5010"
                    with lock:
                        counts["stale_5010"] += 1
            else:
                tag = f"R{index}-T{seed}-{step}"
                if entity == "Invoice":
                    response = api.post("invoice", api.invoice_body(tag))
                else:
                    response = api.post("customer", {"DisplayName": tag})
                ok = response.status_code == 200
                if ok:
                    with lock:
                        created[realm].append((entity, response.json()[entity]["Id"], tag))
            with lock:
                counts[action] += 1
                if not ok:
                    problems.append(f"{action} {entity} {record_id} in {realm}: {response.status_code} "
                                    f"{response.text[:200]}")

    with ThreadPoolExecutor(profile.hammer_threads) as pool:
        list(pool.map(worker, range(profile.hammer_threads)))
    assert problems == []

    for index, (realm, api) in enumerate(setup.items()):
        for entity in ("Invoice", "Customer"):
            for record_id in shared[realm][entity]:
                final = int(api.get(f"{entity.lower()}/{record_id}").json()[entity]["SyncToken"])
                tokens = applied[(realm, entity, record_id)]
                assert sorted(tokens) == list(range(1, final + 1)), (realm, entity, record_id)  # seeded at 0
            rows = api.query(f"select * from {entity} maxresults 1000")[entity]
            ids = [r["Id"] for r in rows]
            assert len(ids) == len(set(ids)), f"duplicate {entity} Ids in {realm}"
            mine = {(e, i, tag) for e, i, tag in created[realm] if e == entity}
            assert len(rows) == len(shared[realm][entity]) + len(mine)
            assert {r["Id"] for r in rows} >= {i for _, i, _ in mine}
            assert all(_realm_tag(r, entity) in (None, index) for r in rows), "a record crossed realms"
    figures.record("concurrency", threads=profile.hammer_threads, companies=len(companies),
                   operations=sum(counts[a] for a in ("read", "update", "create", "query")),
                   updates_applied=sum(len(v) for v in applied.values()), stale_5010=counts["stale_5010"],
                   creates=counts["create"], lost_updates=0, duplicate_ids=0, cross_realm=0)


def _realm_tag(record: dict[str, Any], entity: str) -> int | None:
    """The company index a test-created record names (``R<index>-…``); None for seeded records."""
    label = record.get("DocNumber") if entity == "Invoice" else record.get("DisplayName")
    if not label or not label.startswith("R") or "-" not in label:
        return None
    head = label.split("-", 1)[0][1:]
    return int(head) if head.isdigit() else None


@pytest.mark.heavy
@pytest.mark.xdist_group(SERVED_GROUP)
def test_one_requestid_sent_by_16_threads_at_once_writes_once_per_company(
        served_sim: Served, profile: Profile, figures: Figures) -> None:
    """``qbo-sim serve`` in its own process (shared with tests/simulator/test_concurrency.py, each in companies of
    its own); companies that would save a duplicate; a large invoice behind a latency rule so the 16 copies overlap
    inside the server (tests/served.py). Fails without the company lock around the replay check
    (docs/reliability.md, "Proofs")."""
    rounds = max(2, profile.hammer_rounds // 3)
    copies = profile.hammer_threads
    served = served_sim
    sim = served.sim
    realms = [race_company(sim) for _ in range(profile.hammer_companies)]
    headers = {realm: {"Authorization": f"Bearer {sim.connect(realm)['access_token']}",
                       "Accept": "application/json"} for realm in realms}
    plan = [(realm, str(uuid.uuid4()), f"RID{r}") for r in range(rounds) for realm in realms]
    written = replayed = 0
    for realm, request_id, doc in plan:
        answers = simultaneous_posts(served.base_url, f"/v3/company/{realm}/invoice?minorversion=75&requestid="
                                     f"{request_id}", headers[realm], race_invoice(doc), copies)
        assert {status for status, _ in answers} == {200}
        assert len({body for _, body in answers}) == 1  # every duplicate got the first answer, byte for byte
        saved = sum(1 for r in sim.records(realm, "Invoice") if r.get("DocNumber") == doc)
        assert saved == 1, (realm, doc, saved)
        written += saved
        replayed += sum(1 for e in sim.journal(realm) if e["requestid"] == request_id and e["replayed"])
    assert replayed == len(plan) * (copies - 1)
    figures.record("requestid replay", server="qbo-sim serve (own process)", companies=len(realms),
                   duplicate_warning="off", invoice_lines=RACE_LINES, latency_ms_before=RACE_LATENCY_MS,
                   concurrent_duplicates=len(plan) * copies, written=written, replayed=replayed)
