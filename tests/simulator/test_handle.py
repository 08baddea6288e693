"""The simulator handle: in-process control calls answer exactly as HTTP ones; loopback ignores proxies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from simulator.server import LiveServer
from simulator import create_app
from simulator.testing import ControlAPIError, SimulatorHandle, is_local_host, session_for


@pytest.fixture
def both(qbo_sim_server: LiveServer) -> Iterator[tuple[SimulatorHandle, SimulatorHandle]]:
    yield SimulatorHandle(qbo_sim_server.url), SimulatorHandle(qbo_sim_server.url, app=qbo_sim_server.app)


ODD_NAME = "GST 5/10 #2? 100%"


def _calls(sim: SimulatorHandle, realm: str) -> list[Any]:
    """A run of control calls whose answers do not depend on when they were made (after one API call, so the
    journal has an entry of this realm to filter)."""
    token = sim.connect(realm)["access_token"]
    assert requests.get(f"{sim.api_base}/company/{realm}/companyinfo/{realm}", timeout=10,
                        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"}).ok
    return [
        sim.company(realm)["country"],
        [c["DisplayName"] for c in sim.records(realm, "Customer")],
        sim.create_tax_code(realm, ODD_NAME, 5)["Name"],
        sim.set_tax_code_active(realm, ODD_NAME, False)["Active"],  # "/", "#", "?", "%" reach the route as typed
        sim.add_fault("Throttled", realm_id=realm, entity="Invoice", operation="create", times=1).startswith("rule-"),
        [(r["fault"], r["times"]) for r in sim.fault_rules() if r["realm_id"] == realm],
        sim.clear_faults(realm),
        [r for r in sim.fault_rules() if r["realm_id"] == realm],
        [(e["method"], e["path"].replace(realm, "R"), e["status"]) for e in sim.journal(realm, limit=5)],
        sim.webhooks(realm),
    ]


def test_in_process_control_calls_answer_exactly_as_over_http(both: tuple[SimulatorHandle, SimulatorHandle]) -> None:
    over_http, in_process = both
    # the same seed gives the same Faker data, so both companies must look alike in every answer
    first = over_http.create_company("AU", customers=2, seed=7, name="Twin Plumbing")
    second = in_process.create_company("AU", customers=2, seed=7, name="Twin Plumbing")
    try:
        assert first != second
        expected = _calls(over_http, first)  # first, so the journal also holds the other realm's entries
        assert _calls(in_process, second) == expected
        assert in_process.company(first) == over_http.company(first)
        assert in_process.records(first, "Customer") == over_http.records(first, "Customer")
    finally:
        over_http.delete_company(first)
        in_process.delete_company(second)


@pytest.mark.parametrize("call, status, words", [
    (lambda sim: sim.renumber("42", "A", "B"), 404, "no company with realm id '42'"),
    (lambda sim: sim.add_fault("NoSuchFault"), 400, "unknown fault 'NoSuchFault'"),
    (lambda sim: sim.create_company("XX"), 400, "unknown region 'XX'"),
])
def test_in_process_refusals_are_the_same_control_api_errors(both: tuple[SimulatorHandle, SimulatorHandle],
                                                             call: Any, status: int, words: str) -> None:
    errors = []
    for sim in both:
        with pytest.raises(ControlAPIError, match=words) as caught:
            call(sim)
        response = caught.value.response  # a requests.Response either way: what except-blocks read
        assert isinstance(response, requests.Response) and response.url.startswith(f"{sim.base_url}/_sim/")
        errors.append((caught.value.status_code, str(caught.value), response.json(), response.ok, response.reason))
    assert errors[0] == errors[1] and errors[0][0] == status


def test_in_process_calls_come_from_the_base_urls_host_so_the_control_token_still_applies() -> None:
    app = create_app({"TESTING": True, "COMPANIES": (), "CONTROL_TOKEN": "s3cret"})
    try:
        with pytest.raises(ControlAPIError, match="403") as refused:
            SimulatorHandle("http://192.0.2.2:8000", app=app).status()
        assert "loopback" in refused.value.response.json()["detail"]
        assert SimulatorHandle("http://192.0.2.2:8000", app=app, control_token="s3cret").status()["companies"] == []
        assert SimulatorHandle("http://127.0.0.1:8000", app=app).status()["companies"] == []
    finally:
        app.extensions["qbo_simulator"].webhooks.close()


def test_a_loopback_simulator_is_reached_directly_whatever_proxy_the_environment_names(
        qbo_sim_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # a proxy nobody listens on: requests would send every call there if it read the environment
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert SimulatorHandle(qbo_sim_server.url).status()["companies"] is not None
    assert session_for("http://localhost:8080").trust_env is False
    assert session_for("http://[::1]:8080/v3").trust_env is False
    assert session_for("https://sandbox-quickbooks.api.intuit.com/v3").trust_env is True


@pytest.mark.parametrize("host, local", [
    ("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True), ("LOCALHOST.", True), ("[::1]", True),
    ("::ffff:127.0.0.1", True), ("0.0.0.0", True), ("::", True),
    ("192.0.2.2", False), ("sandbox-quickbooks.api.intuit.com", False), ("localhost.example", False), ("", False),
])
def test_which_hosts_are_this_machine(host: str, local: bool) -> None:
    assert is_local_host(host) is local


def test_a_ca_bundle_named_by_the_environment_still_applies_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/local-ca.pem")
    assert session_for("https://localhost:8443").verify == "/etc/ssl/local-ca.pem"
