"""Intuit's OAuth 2.0 / OpenID endpoints as the simulator serves them: discovery, authorize and consent,
token, revoke, UserInfo and JWKS."""

from __future__ import annotations

from typing import Any

from simulator.backends import DEFAULT_CLIENT
from simulator.openapi.common import (
    DEFAULT_REALMS,
    JSON,
    html_response,
    json_response,
    operation,
    query_param,
    ref,
)

#: the token and revoke endpoints take client_id:client_secret as Basic auth or in the form
CLIENT_AUTH: list[Any] = [{"clientBasic": []}, {}]


def _oauth_op(op_id: str, summary: str, responses: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return operation(op_id, summary, responses, tags=("oauth",), **kw)


def _oauth_error(description: str) -> dict[str, Any]:
    return json_response(description, ref("OAuthError"))


def _form(schema: dict[str, Any], *, required: bool) -> dict[str, Any]:
    return {"required": required, "content": {"application/x-www-form-urlencoded": {"schema": schema}}}


def _discovery_paths() -> dict[str, Any]:
    discovery = {"200": json_response("OpenID discovery document", ref("Discovery"))}
    paths: dict[str, Any] = {}
    for name in ("openid_configuration", "openid_sandbox_configuration"):
        for suffix in ("", "/"):
            paths[f"/.well-known/{name}{suffix}"] = {
                "get": _oauth_op(
                    f"{name}{'_slash' if suffix else ''}",
                    "OpenID discovery (intuitlib fetches it on start)",
                    discovery,
                    security=[],
                )
            }
    return paths


def _authorize_path() -> dict[str, Any]:
    examples = {
        "client_id": DEFAULT_CLIENT["client_id"],
        "redirect_uri": DEFAULT_CLIENT["redirect_uris"][0],
        "scope": "com.intuit.quickbooks.accounting openid",
        "state": "xyz",
        "response_type": "code",
        "realmId": DEFAULT_REALMS[0],
    }
    responses = {
        "302": {
            "description": "redirect to redirect_uri with code, state, realmId (or an OAuth error)",
            "headers": {"Location": {"required": True, "schema": {"type": "string"}}},
        },
        "200": html_response("consent page: pick a company"),
        "400": html_response("problem page: unknown client or redirect_uri (never redirected to)"),
    }
    form = {
        "type": "object",
        "properties": {
            k: {"type": "string"}
            for k in ("client_id", "redirect_uri", "scope", "state", "response_type", "realmId", "action")
        },
    }
    return {
        "get": _oauth_op(
            "authorize",
            "authorization endpoint (auto-approves with realmId or a default realm)",
            responses,
            params=[query_param(key, example=value) for key, value in examples.items()],
            security=[],
        ),
        "post": _oauth_op(
            "consent", "consent form submit", responses, security=[], body=_form(form, required=False)
        ),
    }


def oauth_paths() -> dict[str, Any]:
    paths = _discovery_paths()
    paths["/connect/oauth2"] = _authorize_path()
    token_form = {
        "type": "object",
        "properties": {
            "grant_type": {"enum": ["authorization_code", "refresh_token"]},
            "code": {"type": "string"},
            "redirect_uri": {"type": "string"},
            "refresh_token": {"type": "string"},
            "client_id": {"type": "string"},
            "client_secret": {"type": "string"},
        },
        "required": ["grant_type"],
    }
    paths["/oauth2/v1/tokens/bearer"] = {
        "post": _oauth_op(
            "token",
            "token endpoint: code exchange and refresh (rotation after 24 h)",
            {
                "200": json_response("tokens", ref("TokenResponse")),
                "400": _oauth_error("invalid_grant / invalid_request / unsupported_grant_type"),
                "401": _oauth_error("invalid_client"),
            },
            security=CLIENT_AUTH,
            body=_form(token_form, required=True),
        )
    }
    revoke_body = {"type": "object", "properties": {"token": {"type": "string"}}, "required": ["token"]}
    paths["/v2/oauth2/tokens/revoke"] = {
        "post": _oauth_op(
            "revoke",
            "revoke a refresh or access token (and its whole grant)",
            {
                "200": {"description": "revoked, or unknown token (RFC 7009)"},
                "400": _oauth_error("invalid_request: no token"),
                "401": _oauth_error("invalid_client"),
            },
            security=CLIENT_AUTH,
            body={"required": True, "content": {JSON: {"schema": revoke_body}}},
        )
    }
    paths["/v1/openid_connect/userinfo"] = {
        "get": _oauth_op(
            "userinfo",
            "OpenID UserInfo (camelCase)",
            {
                "200": json_response("the consenting user", ref("UserInfo")),
                "401": json_response("gateway 3200", ref("GatewayFault")),
                "403": json_response("token without openid scope", ref("GatewayFault")),
            },
        )
    }
    paths["/op/v1/jwks"] = {
        "get": _oauth_op(
            "jwks", "keys that sign id_tokens", {"200": json_response("JWKS", ref("JWKS"))}, security=[]
        )
    }
    return paths
