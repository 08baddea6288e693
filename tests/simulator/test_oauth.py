"""OAuthServer rules without HTTP: codes, rotation, idle and 5-year expiry, bearer checks, secrecy."""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from typing import Any

import pytest

from simulator.clock import SimClock
from tests.simulator.clocks import FrozenClock
from simulator.faults import (
    AuthorizationFailed,
    InvalidClient,
    InvalidGrant,
    InvalidRequest,
    ScopeInsufficient,
    TokenExpired,
    TokenInvalid,
    UnsupportedGrantType,
)
from simulator.oauth import MALFORMED, AuthorizeError, ConsentError, OAuthServer
from tests.prerequisites import require_module

CLIENT, SECRET, REDIRECT = "ABclient0001", "sekret-0001", "https://app.example.com/callback"
OTHER, OTHER_SECRET = "ABclient0002", "sekret-0002"
REALM = "9130355377425676"
SCOPE = "com.intuit.quickbooks.accounting openid profile email"
DAY = 24 * 3600


@pytest.fixture
def clock() -> SimClock:
    return FrozenClock()


@pytest.fixture
def server(clock: SimClock) -> OAuthServer:
    return OAuthServer(clock, clients={
        CLIENT: {"client_secret": SECRET, "redirect_uris": [REDIRECT]},
        OTHER: {"client_secret": OTHER_SECRET, "redirect_uris": [REDIRECT]},
    })


def _exchange(server: OAuthServer, scope: str = SCOPE, **kwargs: Any) -> dict[str, Any]:
    code = server.authorize(CLIENT, REDIRECT, scope, "st", REALM)
    return server.exchange_code(CLIENT, SECRET, code, REDIRECT, **kwargs)


def _bearer(tokens: dict[str, Any]) -> str:
    return "Bearer " + tokens["access_token"]


def _claims(jwt_text: str) -> tuple[dict[str, Any], dict[str, Any]]:
    def part(text: str) -> dict[str, Any]:
        return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))

    header, payload, _ = jwt_text.split(".")
    return part(header), part(payload)


# --- code exchange -------------------------------------------------------------------------------

def test_exchange_returns_intuits_token_response(server: OAuthServer) -> None:
    tokens = _exchange(server)
    assert list(tokens) == ["id_token", "expires_in", "token_type", "x_refresh_token_expires_in",
                            "refresh_token", "access_token"]
    assert tokens["expires_in"] == 3600 and tokens["token_type"] == "bearer"
    assert tokens["x_refresh_token_expires_in"] == 100 * DAY
    assert re.fullmatch(r"RT1-\d\d-H3-\d{10}[a-z0-9]{24}", tokens["refresh_token"])
    assert tokens["access_token"].startswith("eyJ") and 100 <= len(tokens["access_token"]) <= 300


def test_id_token_claims_and_rs256_signature(server: OAuthServer, clock: SimClock) -> None:
    jwt = require_module("jwt", "pip install -e '.[test]' (PyJWT comes with intuit-oauth)", allow_module_level=False)
    issued_after = int(time.time())
    tokens = _exchange(server)
    issued_before = time.time()
    header, claims = _claims(tokens["id_token"])
    assert header["alg"] == "RS256" and header["kid"]
    assert claims["aud"] == [CLIENT] and claims["realmid"] == REALM
    assert claims["iss"] == "https://oauth.platform.intuit.com/op/v1"
    # iat/exp are wall time by design (clients check them against their own clock): bracketed, never timed
    assert issued_after <= claims["iat"] <= issued_before and claims["exp"] - claims["iat"] == 3600
    assert claims["auth_time"] == claims["iat"]  # the frozen simulated clock did not move since consent
    key = jwt.PyJWKSet.from_dict(server.jwks())[header["kid"]].key
    assert jwt.decode(tokens["id_token"], key, audience=CLIENT, algorithms=["RS256"])["sub"] == claims["sub"]


def test_every_server_signs_with_the_one_published_key_as_intuit_does(server: OAuthServer, clock: SimClock) -> None:
    """Intuit publishes one JWKS for every app: a second server (another company's) publishes the same key
    and its ID tokens verify against the first server's JWKS."""
    jwt = require_module("jwt", "pip install -e '.[test]' (PyJWT comes with intuit-oauth)", allow_module_level=False)
    other = OAuthServer(clock, clients={CLIENT: {"client_secret": SECRET, "redirect_uris": [REDIRECT]}})
    assert other.jwks() == server.jwks() and len(server.jwks()["keys"]) == 1
    header, _ = _claims(_exchange(other)["id_token"])
    key = jwt.PyJWKSet.from_dict(server.jwks())[header["kid"]].key
    assert jwt.decode(_exchange(other)["id_token"], key, audience=CLIENT, algorithms=["RS256"])["realmid"] == REALM



def test_no_id_token_without_openid_and_hard_expiry_on_request(server: OAuthServer) -> None:
    tokens = _exchange(server, scope="com.intuit.quickbooks.accounting", include_hard_expiry=True)
    assert "id_token" not in tokens
    assert 5 * 365 * DAY <= tokens["x_refresh_token_hard_expires_in"] <= 5 * 366 * DAY


def test_code_is_single_use_and_replay_revokes_the_grant(server: OAuthServer) -> None:
    code = server.authorize(CLIENT, REDIRECT, SCOPE, "st", REALM)
    tokens = server.exchange_code(CLIENT, SECRET, code, REDIRECT)
    with pytest.raises(InvalidGrant):
        server.exchange_code(CLIENT, SECRET, code, REDIRECT)
    with pytest.raises(InvalidGrant):
        server.refresh(CLIENT, SECRET, tokens["refresh_token"])
    with pytest.raises(TokenInvalid, match="Token revoked"):
        server.check_bearer(_bearer(tokens), REALM)


def test_code_expires_after_five_minutes(server: OAuthServer, clock: SimClock) -> None:
    code = server.authorize(CLIENT, REDIRECT, SCOPE, "st", REALM)
    clock.advance(300)
    with pytest.raises(InvalidGrant):
        server.exchange_code(CLIENT, SECRET, code, REDIRECT)


def test_code_needs_same_redirect_and_client(server: OAuthServer) -> None:
    code = server.authorize(CLIENT, REDIRECT, SCOPE, "st", REALM)
    with pytest.raises(InvalidGrant):
        server.exchange_code(CLIENT, SECRET, code, REDIRECT + "/")
    with pytest.raises(InvalidGrant):
        server.exchange_code(OTHER, OTHER_SECRET, code, REDIRECT)
    assert server.exchange_code(CLIENT, SECRET, code, REDIRECT)["access_token"]  # not burnt by the misses


def test_client_authentication_and_missing_parameters(server: OAuthServer) -> None:
    code = server.authorize(CLIENT, REDIRECT, SCOPE, "st", REALM)
    for client_id, secret in ((CLIENT, "wrong"), ("nobody", SECRET), (None, None), (CLIENT, None)):
        with pytest.raises(InvalidClient):
            server.token({"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
                         client_id, secret)
    with pytest.raises(InvalidRequest):
        server.token({"grant_type": "authorization_code", "code": code}, CLIENT, SECRET)
    with pytest.raises(InvalidRequest):
        server.token({}, CLIENT, SECRET)
    with pytest.raises(InvalidRequest):
        server.refresh(CLIENT, SECRET, "")
    with pytest.raises(UnsupportedGrantType):
        server.token({"grant_type": "client_credentials"}, CLIENT, SECRET)


# --- authorize -----------------------------------------------------------------------------------

@pytest.mark.parametrize("client_id, redirect", [
    ("nobody", REDIRECT), (CLIENT, REDIRECT + "/"), (CLIENT, "http://app.example.com/callback"),
    (CLIENT, REDIRECT.upper()), (CLIENT, ""), (CLIENT, None)])
def test_bad_client_or_redirect_is_a_consent_error(server: OAuthServer, client_id: str, redirect: Any) -> None:
    with pytest.raises(ConsentError):
        server.authorize(client_id, redirect, SCOPE, "st", REALM)


@pytest.mark.parametrize("scope", ["", "com.intuit.quickbooks.payroll", "openid bogus"])
def test_bad_scope_is_an_error_redirect(server: OAuthServer, scope: str) -> None:
    with pytest.raises(AuthorizeError) as caught:
        server.authorize(CLIENT, REDIRECT, scope, "xyz 1", REALM)
    assert caught.value.error == "invalid_scope"
    assert caught.value.redirect_url.startswith(REDIRECT + "?error=invalid_scope&")
    assert caught.value.redirect_url.endswith("&state=xyz+1")


def test_approved_redirect_keeps_existing_query(server: OAuthServer) -> None:
    url = server.approved_redirect("https://a.example/cb?x=1", "AB11code", "s", REALM)
    assert url == f"https://a.example/cb?x=1&code=AB11code&state=s&realmId={REALM}"


# --- refresh rotation, idle expiry, 5-year cap ---------------------------------------------------

def test_refresh_within_24h_keeps_refresh_token(server: OAuthServer, clock: SimClock) -> None:
    first = _exchange(server)
    clock.advance(DAY - 60)
    second = server.refresh(CLIENT, SECRET, first["refresh_token"])
    assert second["refresh_token"] == first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert second["x_refresh_token_expires_in"] == 100 * DAY - (DAY - 60)  # counts down
    assert "id_token" not in second


def test_refresh_after_24h_rotates_and_old_token_dies(server: OAuthServer, clock: SimClock) -> None:
    first = _exchange(server)
    clock.advance(DAY)
    second = server.refresh(CLIENT, SECRET, first["refresh_token"])
    assert second["refresh_token"] != first["refresh_token"]
    assert second["x_refresh_token_expires_in"] == 100 * DAY
    with pytest.raises(InvalidGrant):
        server.refresh(CLIENT, SECRET, first["refresh_token"])
    assert server.refresh(CLIENT, SECRET, second["refresh_token"])["refresh_token"] == second["refresh_token"]


def test_refresh_token_of_another_client_is_invalid_grant(server: OAuthServer) -> None:
    tokens = _exchange(server)
    with pytest.raises(InvalidGrant):
        server.refresh(OTHER, OTHER_SECRET, tokens["refresh_token"])


def test_unused_for_100_days_expires(server: OAuthServer, clock: SimClock) -> None:
    tokens = _exchange(server)
    clock.advance(100 * DAY - 1)
    survivor = server.refresh(CLIENT, SECRET, tokens["refresh_token"])
    clock.advance(100 * DAY)
    with pytest.raises(InvalidGrant):
        server.refresh(CLIENT, SECRET, survivor["refresh_token"])
    assert server.connections()[0]["state"] == "expired"


def test_five_year_hard_cap(server: OAuthServer, clock: SimClock) -> None:
    tokens = _exchange(server, include_hard_expiry=True)
    hard = tokens["x_refresh_token_hard_expires_in"]
    refresh_token, elapsed = tokens["refresh_token"], 0
    while elapsed + 90 * DAY < hard:
        clock.advance(90 * DAY)
        elapsed += 90 * DAY
        tokens = server.refresh(CLIENT, SECRET, refresh_token, include_hard_expiry=True)
        refresh_token = tokens["refresh_token"]
        assert tokens["x_refresh_token_hard_expires_in"] == hard - elapsed
    assert tokens["x_refresh_token_expires_in"] == hard - elapsed  # capped by the hard expiry
    assert tokens["expires_in"] == 3600
    clock.advance(hard - elapsed + 2)
    with pytest.raises(InvalidGrant):
        server.refresh(CLIENT, SECRET, refresh_token)
    with pytest.raises(TokenExpired):
        server.check_bearer(_bearer(tokens), REALM)


def test_concurrent_refreshes_in_window_agree(server: OAuthServer) -> None:
    tokens = _exchange(server)
    results: list[str] = []

    def work() -> None:
        results.append(server.refresh(CLIENT, SECRET, tokens["refresh_token"])["refresh_token"])

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [tokens["refresh_token"]] * 8


# --- bearer checks -------------------------------------------------------------------------------

def test_bearer_ok_then_expired_with_public_hint(server: OAuthServer, clock: SimClock) -> None:
    tokens = _exchange(server)
    grant = server.check_bearer(_bearer(tokens), REALM)
    assert (grant.realm_id, grant.client_id) == (REALM, CLIENT)
    clock.advance(3600)
    with pytest.raises(TokenExpired) as caught:
        server.check_bearer(_bearer(tokens), REALM)
    hint = caught.value.params["token_hint"]
    assert re.fullmatch(r"AB0\d{10}[A-Za-z0-9]{37}", hint)
    assert hint not in tokens["access_token"] and tokens["access_token"] not in str(caught.value)


def test_previous_access_token_survives_refresh(server: OAuthServer, clock: SimClock) -> None:
    first = _exchange(server)
    clock.advance(600)
    second = server.refresh(CLIENT, SECRET, first["refresh_token"])
    assert server.check_bearer(_bearer(first), REALM) is server.check_bearer(_bearer(second), REALM)
    clock.advance(3000)
    with pytest.raises(TokenExpired):  # its own hour is up; the newer one still has 10 minutes
        server.check_bearer(_bearer(first), REALM)
    assert server.check_bearer(_bearer(second), REALM)


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer abc", "Basic " + "x" * 200, "Bearer " + "x" * 5000])
def test_malformed_bearer(server: OAuthServer, header: Any) -> None:
    with pytest.raises(TokenInvalid) as caught:
        server.check_bearer(header, REALM)
    assert caught.value.detail == MALFORMED


def test_unknown_bearer_and_wrong_realm_and_scope(server: OAuthServer) -> None:
    with pytest.raises(TokenInvalid, match="Token invalid"):
        server.check_bearer("Bearer eyJ" + "A" * 150, REALM)
    tokens = _exchange(server)
    with pytest.raises(AuthorizationFailed):
        server.check_bearer(_bearer(tokens), "123")
    openid_only = server.connect(REALM, scopes=["openid", "email"])
    with pytest.raises(ScopeInsufficient) as lacking:
        server.check_bearer(_bearer(openid_only), REALM)
    assert (lacking.value.status, lacking.value.code) == (403, "3100")
    assert lacking.value.detail == "The access token does not have sufficient scope"
    with pytest.raises(ScopeInsufficient):  # scope is checked before the company
        server.check_bearer(_bearer(openid_only), "123")
    assert server.check_bearer(_bearer(openid_only), REALM, scope=None).realm_id == REALM


# --- revoke and userinfo -------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["refresh_token", "access_token"])
def test_revoke_kills_whole_grant(server: OAuthServer, which: str) -> None:
    tokens = _exchange(server)
    server.revoke(CLIENT, SECRET, tokens[which])
    with pytest.raises(InvalidGrant):
        server.refresh(CLIENT, SECRET, tokens["refresh_token"])
    with pytest.raises(TokenInvalid, match="Token revoked: AB0"):
        server.check_bearer(_bearer(tokens), REALM)
    assert server.connections()[0]["state"] == "revoked"


def test_revoke_unknown_or_foreign_token_is_silent(server: OAuthServer) -> None:
    tokens = _exchange(server)
    server.revoke(CLIENT, SECRET, "RT1-00-H3-nothing")
    server.revoke(OTHER, OTHER_SECRET, tokens["refresh_token"])
    assert server.check_bearer(_bearer(tokens), REALM)
    with pytest.raises(InvalidClient):
        server.revoke(CLIENT, "wrong", tokens["refresh_token"])
    with pytest.raises(InvalidRequest):
        server.revoke(CLIENT, SECRET, None)


def test_userinfo_follows_scopes(server: OAuthServer) -> None:
    full = server.connect(REALM, scopes=["openid", "profile", "email", "phone", "address"])
    info = server.userinfo(_bearer(full))
    assert set(info) == {"sub", "email", "emailVerified", "givenName", "familyName", "phoneNumber",
                         "phoneNumberVerified", "address"}
    assert info["sub"] == _claims(full["id_token"])[1]["sub"]
    server.set_user(REALM, givenName="Ada")
    assert server.userinfo(_bearer(server.connect(REALM, scopes=["openid", "profile"]))) == {
        "sub": info["sub"], "givenName": "Ada", "familyName": "Admin"}
    with pytest.raises(AuthorizationFailed):
        server.userinfo(_bearer(server.connect(REALM, scopes=["com.intuit.quickbooks.accounting"])))


# --- control helpers -----------------------------------------------------------------------------

def test_control_helpers(server: OAuthServer) -> None:
    a = server.connect(REALM)
    b = server.connect("42", client_id=OTHER)
    assert a["realmId"] == REALM and "x_refresh_token_hard_expires_in" in a
    assert server.expire_access_tokens(REALM) == 1
    with pytest.raises(TokenExpired):
        server.check_bearer(_bearer(a), REALM)
    assert server.check_bearer(_bearer(b), "42")
    assert server.expire_refresh_tokens(REALM) == 1
    with pytest.raises(InvalidGrant):
        server.refresh(CLIENT, SECRET, a["refresh_token"])
    assert server.revoke_realm("42") == 1
    assert {(c["realm_id"], c["state"]) for c in server.connections()} == {(REALM, "expired"), ("42", "revoked")}
    assert [c["client_id"] for c in server.connections("42")] == [OTHER]
    with pytest.raises(ValueError):
        server.connect(REALM, client_id="nobody")
    server.reset()
    assert server.connections() == []
    assert server.connect(REALM)["access_token"]  # clients survive reset


def test_secrets_never_leak(server: OAuthServer) -> None:
    code = server.authorize(CLIENT, REDIRECT, SCOPE, "st", REALM)
    tokens = server.exchange_code(CLIENT, SECRET, code, REDIRECT)
    secrets_ = [SECRET, OTHER_SECRET, code, tokens["access_token"], tokens["refresh_token"], tokens["id_token"]]
    listing = json.dumps(server.connections())
    row = server.connections()[0]
    assert row["refresh_token"]["fingerprint"] == "…" + tokens["refresh_token"][-4:]
    grant = server.check_bearer(_bearer(tokens), REALM)
    shown = [listing, repr(server), repr(grant), repr(server._clients), repr(server.__dict__)]
    for text in shown:
        for secret in secrets_:
            assert secret not in text
    # nothing reachable from the server's state holds a token or code (the client secret must stay)
    for secret in secrets_[2:]:
        assert secret not in _all_strings(server.__dict__)


def _all_strings(obj: Any, seen: set[int] | None = None) -> str:
    seen = seen if seen is not None else set()
    if id(obj) in seen:
        return ""
    seen.add(id(obj))
    if isinstance(obj, str):
        return obj + "\n"
    if isinstance(obj, dict):
        return "".join(_all_strings(k, seen) + _all_strings(v, seen) for k, v in obj.items())
    if isinstance(obj, (list, tuple, set, frozenset)):
        return "".join(_all_strings(v, seen) for v in obj)
    if hasattr(obj, "__dict__"):
        return _all_strings(vars(obj), seen)
    return ""
