"""HTTP face of Intuit's OAuth 2.0 / OpenID endpoints [qbo-api §6], all served from this host.

Views parse the request and call :class:`simulator.oauth.OAuthServer` (reached through
``current_app.extensions["qbo_simulator"].oauth``); errors are catalogued faults raised for the
app's error handler to render, except on the consent page, where an unverifiable client or redirect
gets a 400 HTML page instead of a redirect (RFC 6749 §4.1.2.1).

Config read here: ``OAUTH_AUTO_APPROVE`` (default True) with ``OAUTH_DEFAULT_REALM`` skips the
consent page, as does a ``realmId`` query parameter (a test convenience Intuit does not have).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, g, render_template, request

from simulator import jsonbody
from simulator.faultplan import RequestFacts
from simulator.oauth import ISSUER, AuthorizeError, ConsentError, OAuthServer, error_redirect
from simulator.views import injection
from simulator.wire import json_response

__all__ = ["oauth_blueprint", "discovery_document"]

OPERATIONS = {"/oauth2/v1/tokens/bearer": "token", "/v2/oauth2/tokens/revoke": "revoke",
              "/v1/openid_connect/userinfo": "userinfo"}
TOKEN_HEADERS = {"Cache-Control": "no-cache, no-store", "Pragma": "no-cache"}
HARD_EXPIRY_HEADER = "x-include-refresh-token-hard-expires-in"


def discovery_document(base_url: str) -> dict[str, Any]:
    """§6.1's document with every fetchable URL on ``base_url``; ``issuer`` stays Intuit's identifier."""
    base = base_url.rstrip("/")
    return {
        "issuer": ISSUER,
        "authorization_endpoint": f"{base}/connect/oauth2",
        "token_endpoint": f"{base}/oauth2/v1/tokens/bearer",
        "userinfo_endpoint": f"{base}/v1/openid_connect/userinfo",
        "revocation_endpoint": f"{base}/v2/oauth2/tokens/revoke",
        "jwks_uri": f"{base}/op/v1/jwks",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile", "address", "phone"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "claims_supported": ["aud", "exp", "iat", "iss", "realmid", "sub"],
    }


def _backends() -> Any:
    return current_app.extensions["qbo_simulator"]


def _server() -> OAuthServer:
    return _backends().oauth


def _companies() -> dict[str, Any]:
    return getattr(_backends(), "companies", {}) or {}


def _client_credentials() -> tuple[str | None, str | None]:
    """``client_secret_basic`` first, then ``client_secret_post`` form fields."""
    auth = request.authorization
    if auth is not None and auth.type == "basic":
        return auth.username, auth.password
    return request.form.get("client_id"), request.form.get("client_secret")


def redirect(url: str, status: int = 302) -> Response:
    """A bare redirect: no HTML body, so the code in ``Location`` is not copied into logged bodies."""
    return Response(b"", status=status, headers={"Location": url})


def _problem_page(message: str) -> Response:
    return Response(render_template("consent.html", problem=message), status=400,
                    content_type="text/html; charset=utf-8")


def _consent_page(params: dict[str, Any], scopes: tuple[str, ...], notice: str | None = None,
                  status: int = 200) -> Response:
    companies = sorted(_companies().values(), key=lambda c: str(c.realm_id))
    page = render_template("consent.html", problem=None, notice=notice, scopes=scopes, companies=companies,
                           action=request.path, **params)
    return Response(page, status=status, content_type="text/html; charset=utf-8")


def _authorize(values: Any, realm_id: str | None) -> Response:
    """Shared by GET (query) and POST (consent form): validate, then redirect or show consent."""
    server = _server()
    params = {key: values.get(key) for key in ("client_id", "redirect_uri", "scope", "state", "response_type")}
    try:
        server.check_client(params["client_id"], params["redirect_uri"])
    except ConsentError as problem:
        return _problem_page(str(problem))
    redirect_uri, state = params["redirect_uri"], params["state"]
    try:
        if params["response_type"] != "code":
            raise AuthorizeError("unsupported_response_type", "response_type must be code", redirect_uri, state)
        scopes = server.parse_scope(params["scope"], redirect_uri, state)
    except AuthorizeError as refused:
        return redirect(refused.redirect_url, 302)
    if request.method == "POST" and values.get("action") == "cancel":
        return redirect(error_redirect(redirect_uri, "access_denied", state, "The user denied access"), 302)
    if not realm_id:
        if request.method == "POST":
            return _consent_page(params, scopes, "Choose a company to connect.", 400)
        return _consent_page(params, scopes)
    if realm_id not in _companies():
        return _problem_page(f"Unknown company (realmId {realm_id!r}): no such company in this simulator.")
    code = server.authorize(params["client_id"], redirect_uri, params["scope"], state, realm_id)
    return redirect(server.approved_redirect(redirect_uri, code, state, realm_id), 302)


def oauth_blueprint() -> Blueprint:
    bp = Blueprint("oauth", __name__, template_folder=str(Path(__file__).resolve().parent.parent / "templates"))

    def discovery() -> Response:
        return json_response(discovery_document(request.host_url))

    @bp.before_request
    def _fault_plan() -> Response | None:
        """Token, revoke and userinfo calls can be failed on demand like the accounting API."""
        operation = OPERATIONS.get(request.path)
        if operation is None:
            return None
        server = _server()
        bearer = (request.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        realm_id = server.realm_of(request.form.get("refresh_token") or request.form.get("token") or bearer)
        g.realm_id, g.operation = realm_id, operation
        return injection.before(_backends().faultplan, RequestFacts(
            method=request.method, path=request.path, realm_id=realm_id, operation=operation))

    for name in ("openid_configuration", "openid_sandbox_configuration"):
        for suffix in ("", "/"):
            bp.add_url_rule(f"/.well-known/{name}{suffix}", f"{name}{suffix and '_slash'}", discovery,
                            methods=["GET"])

    @bp.get("/connect/oauth2")
    def authorize() -> Response:
        realm_id = request.args.get("realmId")
        if not realm_id and current_app.config.get("OAUTH_AUTO_APPROVE", True):
            realm_id = current_app.config.get("OAUTH_DEFAULT_REALM")
        return _authorize(request.args, realm_id)

    @bp.post("/connect/oauth2")
    def consent() -> Response:
        return _authorize(request.form, request.form.get("realmId"))

    @bp.post("/oauth2/v1/tokens/bearer")
    def token() -> Response:
        client_id, client_secret = _client_credentials()
        include = request.headers.get(HARD_EXPIRY_HEADER, "").strip().lower() == "true"
        payload = _server().token(request.form, client_id, client_secret, include_hard_expiry=include)
        response = json_response(payload, 200, TOKEN_HEADERS)
        response.headers.pop("Expires", None)  # captured token responses carry only cache-control + pragma
        return response

    @bp.post("/v2/oauth2/tokens/revoke")
    def revoke() -> Response:
        client_id, client_secret = _client_credentials()
        body = _json_or_none()
        token_value = body.get("token") if isinstance(body, dict) else request.form.get("token")
        _server().revoke(client_id, client_secret, token_value if isinstance(token_value, str) else None)
        return Response(b"", status=200)

    @bp.get("/v1/openid_connect/userinfo")
    def userinfo() -> Response:
        return json_response(_server().userinfo(request.headers.get("Authorization")))

    @bp.get("/op/v1/jwks")
    def jwks() -> Response:
        return json_response(_server().jwks())

    return bp


def _json_or_none() -> Any:
    """The revoke body as JSON, or None when it is not JSON (or nests too deep to read)."""
    try:
        return jsonbody.loads(request.get_data(cache=True))
    except ValueError:
        return None
