"""Parallel writes to one company never lose an update and never cross realms; requestid is exactly-once
(that one against ``qbo-sim serve`` in its own process: see tests/served.py)."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import SERVED_GROUP, QBOApi
from tests.served import Served, race_company, race_invoice, simultaneous_posts


def test_racing_updates_either_apply_with_synctoken_plus_one_or_get_5010(api: QBOApi) -> None:
    created = api.post("invoice", api.invoice_body("INV0001")).json()["Invoice"]
    outcomes: list[tuple[int, str]] = []
    lock = threading.Lock()

    def writer(n: int) -> None:
        client = QBOApi(api.sim, api.realm_id)
        for _ in range(10):
            current = client.get(f"invoice/{created['Id']}").json()["Invoice"]
            response = client.post("invoice", {"Id": created["Id"], "SyncToken": current["SyncToken"],
                                               "sparse": True, "PrivateNote": f"writer {n}"})
            body = response.json()
            with lock:
                if response.status_code == 200:
                    outcomes.append((200, body["Invoice"]["SyncToken"]))
                    assert int(body["Invoice"]["SyncToken"]) == int(current["SyncToken"]) + 1
                else:
                    assert body["Fault"]["Error"][0]["code"] == "5010"
                    outcomes.append((400, "5010"))

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(writer, range(16)))
    applied = [token for status, token in outcomes if status == 200]
    final = api.get(f"invoice/{created['Id']}").json()["Invoice"]
    assert len(outcomes) == 160
    assert len(applied) == len(set(applied)) == int(final["SyncToken"])  # no update lost, none applied twice


def test_parallel_creates_across_companies_get_unique_ids_and_stay_in_their_realm(qbo_sim) -> None:
    realms = [qbo_sim.create_company("AU", customers=1) for _ in range(3)]
    try:
        apis = [QBOApi(qbo_sim, realm) for realm in realms]

        def create(n: int) -> tuple[str, str]:
            client = apis[n % 3]
            doc = f"R{n % 3}-{n:04d}"
            response = client.post("invoice", client.invoice_body(doc))
            assert response.status_code == 200, response.text
            return client.realm_id, response.json()["Invoice"]["Id"]

        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(create, range(96)))
        for index, client in enumerate(apis):
            invoices = client.query("select * from Invoice maxresults 1000")["Invoice"]
            assert len(invoices) == 32
            assert all(i["DocNumber"].startswith(f"R{index}-") for i in invoices)
            ids = [i["Id"] for i in invoices]
            assert len(set(ids)) == 32
            assert sorted(ids) == sorted(i for realm, i in results if realm == client.realm_id)
    finally:
        for realm in realms:
            qbo_sim.delete_company(realm)


@pytest.mark.xdist_group(SERVED_GROUP)
def test_concurrent_duplicates_of_one_requestid_create_exactly_once(served_sim: Served) -> None:
    """16 copies of one create with one requestid, at once, against ``qbo-sim serve`` in its own process, in a
    company that would save a duplicate (tests/served.py): one invoice, 15 byte-identical replays. Without
    the company lock around the replay check, copies pass the check before the first write is remembered
    and several invoices are saved (docs/reliability.md, "Proofs")."""
    served = served_sim
    sim = served.sim
    realm = race_company(sim)
    headers = {"Authorization": f"Bearer {sim.connect(realm)['access_token']}", "Accept": "application/json"}
    for attempt in range(4):
        doc, request_id = f"INV01{attempt:02d}", str(uuid.uuid4())
        answers = simultaneous_posts(served.base_url, f"/v3/company/{realm}/invoice?minorversion=75&requestid="
                                     f"{request_id}", headers, race_invoice(doc), copies=16)
        assert {status for status, _ in answers} == {200}
        assert len({content for _, content in answers}) == 1  # byte-identical replays
        assert sum(1 for r in sim.records(realm, "Invoice") if r.get("DocNumber") == doc) == 1, doc
        journal = [e for e in sim.journal(realm, entity="Invoice") if e["requestid"] == request_id]
        assert len(journal) == 16 and sum(1 for e in journal if e["replayed"]) == 15
        assert all(e["fault_rule"] for e in journal)  # every copy was held by the latency rule


def test_a_token_for_one_company_is_refused_by_another(qbo_sim, qbo_company: str) -> None:
    other = qbo_sim.create_company("US", customers=0)
    try:
        client = QBOApi(qbo_sim, qbo_company)
        response = client.session.get(f"{qbo_sim.api_base}/company/{other}/companyinfo/{other}", timeout=10)
        assert response.status_code == 403
        assert response.json()["fault"]["error"][0]["code"] == "3100"
    finally:
        qbo_sim.delete_company(other)
