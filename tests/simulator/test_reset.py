"""A whole-app reset: the app back to its configuration, the configured companies restored as first built.

Judged on what a client can read (every record, the settings, which companies exist) and on how many companies
were built (counted, not timed): restoring is what makes a reset per contract case cheap.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from simulator import create_app, seed, service
from simulator.backends import DEFAULT_COMPANIES, Backends

INVOICE = {"CustomerRef": {"value": "1"}, "Line": [{"DetailType": "SalesItemLineDetail", "Amount": 10,
           "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": {"value": "5"}}}]}


def _everything(backends: Backends) -> dict[str, Any]:
    return {realm: ({name: list(store) for name, store in company.stores.items() if len(store)},
                    dict(company.settings), dict(company.sequences), company.name, company.timezone)
            for realm, company in sorted(backends.companies.items())}


def changed_since(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Realm ids of the companies built from scratch (Faker and the entity rules) from now on."""
    built: list[str] = []
    original = seed.build_company

    def counting(realm_id: str, **kwargs: Any) -> Any:
        built.append(realm_id)
        return original(realm_id, **kwargs)

    monkeypatch.setattr("simulator.backends.build_company", counting)
    return built


def test_a_reset_as_built_restores_the_configured_companies_without_building_them(builds: list[str]) -> None:
    app = create_app({"TESTING": True})
    backends: Backends = app.extensions["qbo_simulator"]
    as_built = _everything(backends)
    first, second = (spec["realm_id"] for spec in DEFAULT_COMPANIES)
    client = app.test_client()
    token = backends.oauth.connect(first)["access_token"]
    created = client.post(f"/v3/company/{first}/invoice", json=INVOICE,
                          headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
    assert created.status_code == 200, created.get_data(as_text=True)
    backends.companies[first].settings["books_closed_through"] = "2026-01-31"
    backends.delete_company(second)
    extra = backends.create_company(region="US").realm_id
    assert _everything(backends) != as_built
    builds.clear()

    backends.reset(as_built=True)

    assert _everything(backends) == as_built  # records to the second of their MetaData, settings, sequences
    assert extra not in backends.companies
    assert builds == []  # restored, not rebuilt: even the deleted one
    assert all(c.listeners == [backends.webhooks.notify] for c in backends.companies.values())  # webhooks still hear
    again = client.post(f"/v3/company/{first}/invoice", json=INVOICE,
                        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})
    assert again.status_code == 401  # tokens are part of the app's state: gone with the reset
    token = backends.oauth.connect(first)["access_token"]
    answer = client.post(f"/v3/company/{first}/invoice", json=INVOICE,
                         headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}).get_json()
    assert answer["Invoice"]["Id"] == created.get_json()["Invoice"]["Id"]  # the same Id sequence again


def test_a_plain_reset_builds_the_companies_anew_so_their_records_are_new_now(
        builds: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """As a new app would: a sync client asking what changed since a moment before the reset sees them all."""
    backends = Backends({"TESTING": True})
    realm = DEFAULT_COMPANIES[0]["realm_id"]
    started = time.time()
    monkeypatch.setattr(time, "time", lambda: started + 3600)  # the reset an hour after start-up
    backends.reset()
    assert len(builds) == 2 * len(DEFAULT_COMPANIES)
    changed = service.cdc(backends.companies[realm], "Customer", changed_since(started + 3000))
    assert len(changed["CDCResponse"][0]["QueryResponse"][0]["Customer"]) == 3


def test_a_company_configured_without_a_realm_id_is_built_anew(builds: list[str]) -> None:
    backends = Backends({"COMPANIES": ({"region": "AU"}, {"region": "US", "realm_id": "4620816365000000001"})})
    assert len(builds) == 2
    builds.clear()
    backends.reset(as_built=True)
    assert len(builds) == 1 and builds[0] != "4620816365000000001"
    assert "4620816365000000001" in backends.companies and len(backends.companies) == 2


def test_a_whole_reset_loads_the_configured_scenarios_again_under_the_same_realm_ids() -> None:
    app = create_app({"TESTING": True, "SCENARIOS": ("duplicate-document-number", "unlisted-error")})
    backends: Backends = app.extensions["qbo_simulator"]
    as_started = {realm: company.counts() for realm, company in backends.companies.items()}
    rules = [(rule.fault, rule.realm_id) for rule in backends.faultplan.rules()]
    assert rules  # unlisted-error plans a fault
    backends.create_company(region="US")
    backends.faultplan.clear()

    backends.reset()  # `POST /_sim/reset` on `qbo-sim serve --scenario ... --scenario ...`

    assert {realm: company.counts() for realm, company in backends.companies.items()} == as_started
    assert [(rule.fault, rule.realm_id) for rule in backends.faultplan.rules()] == rules
