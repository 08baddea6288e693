"""The OAuth blueprint on the wire: Flask's test client, then the real intuitlib over loopback."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from simulator import create_app
from simulator.oauth import OAuthServer
from tests.prerequisites import require_module

CLIENT, SECRET, REDIRECT = "ABclient0001", "sekret-0001", "https://app.example.com/callback"
REALM, OTHER_REALM = "9130355377425676", "4620816365178133"
SCOPE = "com.intuit.quickbooks.accounting openid profile email"
BASIC = {"Authorization": "Basic " + base64.b64encode(f"{CLIENT}:{SECRET}".encode()).decode()}
DISCOVERY_KEYS = {"issuer", "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "revocation_endpoint",
                  "jwks_uri", "response_types_supported", "subject_types_supported",
                  "id_token_signing_alg_values_supported", "scopes_supported",
                  "token_endpoint_auth_methods_supported", "claims_supported"}


def make_app(**config: Any) -> Flask:
    """A simulator with one OAuth client and the two companies the tests connect to."""
    companies = ({"realm_id": REALM, "region": "US", "name": "Sandbox Company <US>", "customers": 0},
                 {"realm_id": OTHER_REALM, "region": "AU", "name": "Craig's Design & Landscaping", "customers": 0})
    return create_app({"TESTING": True, "COMPANIES": companies,
                       "OAUTH_CLIENT": {"client_id": CLIENT, "client_secret": SECRET, "redirect_uris": [REDIRECT]},
                       **config})


@pytest.fixture
def app() -> Flask:
    return make_app()


@pytest.fixture
def http(app: Flask) -> FlaskClient:
    return app.test_client()


def _oauth(app: Flask) -> OAuthServer:
    return app.extensions["qbo_simulator"].oauth


def _authorize_query(**overrides: str) -> dict[str, str]:
    return {"client_id": CLIENT, "response_type": "code", "scope": SCOPE, "redirect_uri": REDIRECT,
            "state": "st-1", **overrides}


def _code(http: FlaskClient, realm: str = REALM) -> str:
    response = http.get("/connect/oauth2", query_string=_authorize_query(realmId=realm))
    assert response.status_code == 302
    return parse_qs(urlsplit(response.headers["Location"]).query)["code"][0]


def _exchange(http: FlaskClient, **headers: str) -> Any:
    return http.post("/oauth2/v1/tokens/bearer", headers={**BASIC, "Accept": "application/json", **headers},
                     data={"grant_type": "authorization_code", "code": _code(http), "redirect_uri": REDIRECT})


# --- discovery -----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/.well-known/openid_configuration", "/.well-known/openid_configuration/",
                                  "/.well-known/openid_sandbox_configuration",
                                  "/.well-known/openid_sandbox_configuration/"])
def test_discovery_points_at_this_server(http: FlaskClient, path: str) -> None:
    response = http.get(path, base_url="http://sim.test:8123")
    assert response.status_code == 200 and response.mimetype == "application/json"
    doc = response.get_json()
    assert set(doc) == DISCOVERY_KEYS
    assert doc["issuer"] == "https://oauth.platform.intuit.com/op/v1"
    assert doc["token_endpoint"] == "http://sim.test:8123/oauth2/v1/tokens/bearer"
    for key in ("authorization_endpoint", "userinfo_endpoint", "revocation_endpoint", "jwks_uri"):
        assert doc[key].startswith("http://sim.test:8123/")


# --- authorize and consent -----------------------------------------------------------------------

def test_authorize_with_realm_redirects_with_code_state_realm(http: FlaskClient) -> None:
    response = http.get("/connect/oauth2", query_string=_authorize_query(realmId=REALM))
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == ["st-1"] and query["realmId"] == [REALM] and query["code"][0].startswith("AB11")
    assert list(parse_qs(location.query)) == ["code", "state", "realmId"]


def test_auto_approve_with_default_realm() -> None:
    http = make_app(OAUTH_DEFAULT_REALM=OTHER_REALM).test_client()
    response = http.get("/connect/oauth2", query_string=_authorize_query())
    assert response.status_code == 302 and f"realmId={OTHER_REALM}" in response.headers["Location"]
    off = make_app(OAUTH_DEFAULT_REALM=OTHER_REALM, OAUTH_AUTO_APPROVE=False).test_client()
    assert off.get("/connect/oauth2", query_string=_authorize_query()).status_code == 200


def test_consent_page_lists_companies_and_posts_back(http: FlaskClient) -> None:
    page = http.get("/connect/oauth2", query_string=_authorize_query())
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert REALM in html and OTHER_REALM in html and "AU" in html
    assert "Sandbox Company &lt;US&gt;" in html and "Craig&#39;s Design &amp; Landscaping" in html  # escaped
    assert 'method="post"' in html and 'name="realmId"' in html and "<script" not in html
    posted = http.post("/connect/oauth2", data={**_authorize_query(), "realmId": OTHER_REALM, "action": "approve"})
    assert posted.status_code == 302 and f"realmId={OTHER_REALM}" in posted.headers["Location"]
    cancelled = http.post("/connect/oauth2", data={**_authorize_query(), "action": "cancel"})
    assert cancelled.status_code == 302
    assert parse_qs(urlsplit(cancelled.headers["Location"]).query)["error"] == ["access_denied"]
    missing = http.post("/connect/oauth2", data={**_authorize_query(), "action": "approve"})
    assert missing.status_code == 400 and "Choose a company" in missing.get_data(as_text=True)


@pytest.mark.parametrize("overrides, words", [
    ({"client_id": "nobody"}, "Unknown client_id"),
    ({"redirect_uri": REDIRECT + "/"}, "is not registered"),
    ({"redirect_uri": ""}, "redirect_uri parameter is missing"),
    ({"realmId": "123"}, "Unknown company")])
def test_unverifiable_requests_get_a_400_page_not_a_redirect(http: FlaskClient, overrides: dict[str, str],
                                                             words: str) -> None:
    response = http.get("/connect/oauth2", query_string=_authorize_query(**overrides))
    assert response.status_code == 400 and "Location" not in response.headers
    assert response.mimetype == "text/html" and words in response.get_data(as_text=True)


@pytest.mark.parametrize("overrides, error", [({"scope": "openid bogus"}, "invalid_scope"),
                                              ({"response_type": "token"}, "unsupported_response_type")])
def test_bad_scope_or_response_type_redirects_with_error(http: FlaskClient, overrides: dict[str, str],
                                                         error: str) -> None:
    response = http.get("/connect/oauth2", query_string=_authorize_query(realmId=REALM, **overrides))
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["error"] == [error] and query["state"] == ["st-1"] and "code" not in query


# --- token endpoint ------------------------------------------------------------------------------

def test_exchange_wire_format(http: FlaskClient) -> None:
    response = _exchange(http)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert response.headers["Cache-Control"] == "no-cache, no-store" and response.headers["Pragma"] == "no-cache"
    body = response.get_json()
    assert set(body) == {"id_token", "expires_in", "token_type", "x_refresh_token_expires_in", "refresh_token",
                         "access_token"}


def test_hard_expiry_header_and_client_secret_post(http: FlaskClient) -> None:
    body = _exchange(http, **{"x-include-refresh-token-hard-expires-in": "true"}).get_json()
    assert body["x_refresh_token_hard_expires_in"] > 5 * 365 * 86400
    posted = http.post("/oauth2/v1/tokens/bearer", data={"grant_type": "refresh_token", "client_id": CLIENT,
                                                         "client_secret": SECRET,
                                                         "refresh_token": body["refresh_token"]})
    assert posted.status_code == 200 and posted.get_json()["refresh_token"] == body["refresh_token"]


def test_invalid_grant_exact_body(http: FlaskClient) -> None:
    response = http.post("/oauth2/v1/tokens/bearer", headers=BASIC,
                         data={"grant_type": "refresh_token", "refresh_token": "RT1-11-H3-1785429816nope"})
    assert response.status_code == 400 and response.data == b'{"error":"invalid_grant"}'
    assert response.headers["Cache-Control"] == "no-cache, no-store"


def test_invalid_client_exact_body(http: FlaskClient) -> None:
    wrong = {"Authorization": "Basic " + base64.b64encode(f"{CLIENT}:nope".encode()).decode()}
    response = http.post("/oauth2/v1/tokens/bearer", headers=wrong,
                         data={"grant_type": "refresh_token", "refresh_token": "x"})
    assert response.status_code == 401 and response.data == b'{"error":"invalid_client"}'
    anonymous = http.post("/oauth2/v1/tokens/bearer", data={"grant_type": "refresh_token", "refresh_token": "x"})
    assert anonymous.status_code == 401


def test_unsupported_grant_and_missing_parameters(http: FlaskClient) -> None:
    unsupported = http.post("/oauth2/v1/tokens/bearer", headers=BASIC, data={"grant_type": "password"})
    assert unsupported.status_code == 400 and unsupported.get_json() == {"error": "unsupported_grant_type"}
    missing = http.post("/oauth2/v1/tokens/bearer", headers=BASIC, data={"grant_type": "authorization_code"})
    assert missing.status_code == 400 and missing.get_json()["error"] == "invalid_request"


# --- revoke, userinfo, jwks ----------------------------------------------------------------------

@pytest.mark.parametrize("as_json", [True, False])
def test_revoke(http: FlaskClient, as_json: bool) -> None:
    tokens = _exchange(http).get_json()
    payload = {"token": tokens["refresh_token"]}
    sent = (http.post("/v2/oauth2/tokens/revoke", headers=BASIC, json=payload) if as_json
            else http.post("/v2/oauth2/tokens/revoke", headers=BASIC, data=payload))
    assert sent.status_code == 200 and sent.data == b""
    again = http.post("/oauth2/v1/tokens/bearer", headers=BASIC,
                      data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    assert again.status_code == 400 and again.data == b'{"error":"invalid_grant"}'
    unknown = http.post("/v2/oauth2/tokens/revoke", headers=BASIC, json={"token": "never-issued"})
    assert unknown.status_code == 200


def test_userinfo_and_gateway_faults(app: Flask, http: FlaskClient) -> None:
    tokens = _exchange(http).get_json()
    info = http.get("/v1/openid_connect/userinfo", headers={"Authorization": "Bearer " + tokens["access_token"]})
    assert info.status_code == 200
    assert set(info.get_json()) == {"sub", "email", "emailVerified", "givenName", "familyName"}
    garbage = http.get("/v1/openid_connect/userinfo", headers={"Authorization": "Bearer abc"})
    assert garbage.status_code == 401
    assert garbage.headers["WWW-Authenticate"] == 'Bearer realm="Intuit", error="invalid_token"'
    error = garbage.get_json()["fault"]["error"][0]
    assert error["code"] == "3200" and error["detail"] == "Malformed bearer token: too short or too long"
    _oauth(app).expire_access_tokens()
    expired = http.get("/v1/openid_connect/userinfo", headers={"Authorization": "Bearer " + tokens["access_token"]})
    assert expired.status_code == 401
    assert expired.get_json()["fault"]["error"][0]["detail"].startswith("Token expired: AB0")


def test_jwks(http: FlaskClient) -> None:
    keys = http.get("/op/v1/jwks").get_json()["keys"]
    assert keys and {"kty", "e", "n", "kid", "alg", "use"} <= set(keys[0])


# --- the real intuitlib against a live server ---------------------------------------------------

@pytest.fixture
def live() -> Iterator[tuple[str, Flask]]:
    from werkzeug.serving import make_server

    app = make_app()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


def test_intuitlib_full_flow(live: tuple[str, Flask]) -> None:
    requests = require_module("requests", "pip install -e '.[test]'", allow_module_level=False)
    client_mod = require_module("intuitlib.client", "pip install -e '.[test]' (intuit-oauth)", allow_module_level=False)
    from intuitlib.enums import Scopes
    from intuitlib.exceptions import AuthClientError

    base, app = live
    auth = client_mod.AuthClient(CLIENT, SECRET, REDIRECT, environment=f"{base}/.well-known/openid_sandbox_configuration")
    assert auth.token_endpoint == f"{base}/oauth2/v1/tokens/bearer"
    url = auth.get_authorization_url([Scopes.ACCOUNTING, Scopes.OPENID, Scopes.EMAIL])
    redirected = requests.get(url + f"&realmId={REALM}", allow_redirects=False, timeout=10)
    assert redirected.status_code == 302
    query = parse_qs(urlsplit(redirected.headers["Location"]).query)
    assert query["state"] == [auth.state_token]

    auth.get_bearer_token(query["code"][0], realm_id=query["realmId"][0])
    assert auth.realm_id == REALM and auth.expires_in == 3600
    assert auth.id_token is not None  # intuitlib validated it: RS256, kid from our JWKS, iss, aud
    first_refresh, first_access = auth.refresh_token, auth.access_token
    assert _oauth(app).check_bearer("Bearer " + first_access, REALM).realm_id == REALM

    auth.refresh()
    assert auth.refresh_token == first_refresh and auth.access_token != first_access

    info = auth.get_user_info().json()
    assert info["email"] == f"admin.{REALM}@example.com" and info["emailVerified"] is True

    assert auth.revoke() is True
    with pytest.raises(AuthClientError) as caught:
        auth.refresh()
    assert caught.value.status_code == 400
    assert json.loads(caught.value.content) == {"error": "invalid_grant"}
    assert _oauth(app).connections()[0]["state"] == "revoked"
