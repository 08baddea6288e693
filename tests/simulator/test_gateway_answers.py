"""Issue 14 item 6: every gateway answer (401/403/429) tells its cause apart as QBO's gateway does.

Raw HTTP on the live simulator; each case asserts status, code, message, detail, the lower-case
gateway envelope, the ``WWW-Authenticate`` header where QBO sends one, and that nothing was saved.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from simulator.testing import SimulatorHandle

AUTHN = "message=AuthenticationFailed; errorCode=003200; statusCode=401"


def gateway_error(response: requests.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) >= {"fault", "time"} and isinstance(body["time"], int)
    assert len(body["fault"]["error"]) == 1
    return {**body["fault"]["error"][0], "type": body["fault"]["type"]}


def create(sim: SimulatorHandle, realm: str, authorization: str | None) -> requests.Response:
    headers = {"Accept": "application/json"}
    if authorization is not None:
        headers["Authorization"] = authorization
    return requests.post(f"{sim.api_base}/company/{realm}/customer", json={"DisplayName": "Gatecrasher"},
                         headers=headers, timeout=10)


def assert_nothing_saved(sim: SimulatorHandle, realm: str) -> None:
    assert not [c for c in sim.records(realm, "Customer") if c["DisplayName"] == "Gatecrasher"]


@pytest.mark.parametrize("authorization, detail", [
    (None, "Malformed bearer token: too short or too long"),
    ("Basic dXNlcjpwYXNz", "Malformed bearer token: too short or too long"),
    ("Bearer short", "Malformed bearer token: too short or too long"),
    ("Bearer eyJ" + "A" * 200, "Token invalid"),
])
def test_401_for_a_missing_malformed_or_unknown_token(qbo_sim: SimulatorHandle, qbo_company: str,
                                                      authorization: str | None, detail: str) -> None:
    response = create(qbo_sim, qbo_company, authorization)
    error = gateway_error(response)
    assert (response.status_code, error["code"], error["message"], error["detail"], error["type"]) == (
        401, "3200", AUTHN, detail, "AUTHENTICATION")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="Intuit", error="invalid_token"'
    assert_nothing_saved(qbo_sim, qbo_company)


def test_401_expired_and_revoked_name_the_token_not_its_value(qbo_sim: SimulatorHandle, qbo_company: str) -> None:
    token = qbo_sim.connect(qbo_company)["access_token"]
    qbo_sim.expire_access_tokens(qbo_company)
    expired = gateway_error(create(qbo_sim, qbo_company, f"Bearer {token}"))
    assert expired["detail"].startswith("Token expired: ") and token not in expired["detail"]
    fresh = qbo_sim.connect(qbo_company)["access_token"]
    qbo_sim.revoke(qbo_company)
    revoked = gateway_error(create(qbo_sim, qbo_company, f"Bearer {fresh}"))
    assert revoked["detail"].startswith("Token revoked: ") and fresh not in revoked["detail"]
    assert_nothing_saved(qbo_sim, qbo_company)


def test_403_other_company_and_403_missing_scope_are_told_apart(qbo_sim: SimulatorHandle, qbo_company: str) -> None:
    other = qbo_sim.create_company("AU")
    try:
        foreign = qbo_sim.connect(other)["access_token"]
        response = create(qbo_sim, qbo_company, f"Bearer {foreign}")
        error = gateway_error(response)
        assert (response.status_code, error["code"], error["detail"], error["type"]) == (403, "3100", None, "SERVICE")
        assert error["message"] == "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403"
    finally:
        qbo_sim.delete_company(other)
    openid_only = qbo_sim.connect(qbo_company, scopes=["openid", "email"])["access_token"]
    response = create(qbo_sim, qbo_company, f"Bearer {openid_only}")
    error = gateway_error(response)
    assert (response.status_code, error["code"], error["type"]) == (403, "3100", "SERVICE")
    assert error["message"] == "message=AuthorizationFailed; errorCode=003100; statusCode=403"
    assert error["detail"] == "The access token does not have sufficient scope"
    reads = requests.get(f"{qbo_sim.api_base}/company/{qbo_company}/query", params={"query": "select * from Item"},
                         headers={"Authorization": f"Bearer {openid_only}", "Accept": "application/json"}, timeout=10)
    assert reads.status_code == 403
    assert gateway_error(reads)["detail"] == "The access token does not have sufficient scope"
    assert_nothing_saved(qbo_sim, qbo_company)


def test_429_throttle_from_the_fault_plan(qbo_sim: SimulatorHandle, qbo_company: str) -> None:
    qbo_sim.add_fault("Throttled", realm_id=qbo_company)
    try:
        response = create(qbo_sim, qbo_company, f"Bearer {qbo_sim.connect(qbo_company)['access_token']}")
    finally:
        qbo_sim.clear_faults(qbo_company)
    error = gateway_error(response)
    assert (response.status_code, error["code"], error["type"]) == (429, "3001", "SERVICE")
    assert error["message"] == "message=ThrottleExceeded; errorCode=003001; statusCode=429"
    assert error["detail"] == "The request limit was reached.  Try again later"
    assert_nothing_saved(qbo_sim, qbo_company)
