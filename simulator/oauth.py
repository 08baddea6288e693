"""Intuit's OAuth 2.0 / OpenID Connect rules, without HTTP [qbo-api §6].

One :class:`OAuthServer` per app holds registered clients, authorization codes and grants (one
grant = one app-to-company connection). Views in :mod:`simulator.views.oauth` only parse requests
and call it; failures raise catalogued faults that :mod:`simulator.wire` renders.

Rules, and the choices made where Intuit's behaviour is not confirmed ([INF] = our decision):

* Authorization codes live 5 minutes and are single-use. A second use answers ``invalid_grant``
  **and revokes the grant issued from that code** (RFC 6749 §4.1.2/§10.5 "SHOULD") [INF]: a replayed
  code means it leaked, and a client that double-submits its callback must notice.
* ``redirect_uri`` must equal a registered one exactly at authorize, and equal the authorize value at
  exchange. A bad client or redirect is never redirected to (RFC 6749 §4.1.2.1): :class:`ConsentError`.
* Refresh tokens [qbo-api §6.3]: a refresh within 24 h of the current refresh token's issue returns
  the same refresh token (its ``x_refresh_token_expires_in`` keeps counting down); later refreshes
  return a new one and the old one stops working. Each refresh token expires 100 days after issue if
  not rotated, and every token of a grant stops at 5 calendar years after the original consent.
  Using a rotated-out token is just ``invalid_grant``; it does not revoke the grant [INF].
* Each refresh mints a new access token (3600 s, capped by the 5-year expiry); earlier access tokens
  stay valid until their own expiry [INF]. ``id_token`` comes only from the code exchange [INF].
* Revoking any token of a grant (refresh or access) revokes the whole grant; unknown tokens, or
  tokens of another client, are a silent 200 (RFC 7009 §2.2).
* Bearer checks answer Intuit's gateway faults: a header that is missing or not plausibly a token →
  ``Malformed bearer token: too short or too long`` [CAP]; expired → ``Token expired: <id>`` where
  ``<id>`` is a public per-token id shaped like the captured one, never the token [CAP shape];
  unknown → ``Token invalid`` and revoked → ``Token revoked: <id>`` [INF wording]; valid token for
  another realm → 403 3100 with Detail null [CAP]; a token without the accounting scope → 403 3100
  ``message=AuthorizationFailed`` "The access token does not have sufficient scope" [CAP 2019], checked
  first.

Only SHA-256 hashes of tokens and codes are kept, so state, ``repr()`` and :meth:`connections`
never show a usable secret (a 4-character fingerprint identifies a token to a human).
"""

from __future__ import annotations

import hmac
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from simulator.clock import SimClock
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
from simulator.oauth_jwt import (
    IdTokenSigner,
    new_access_token,
    new_auth_code,
    new_refresh_token,
    new_token_id,
    token_hash,
)
from simulator.oauth_model import (
    ACCESS_KEPT,
    ACCESS_LIFETIME,
    ACCOUNTING,
    CODE_LIFETIME,
    DEFAULT_SCOPES,
    HARD_YEARS,
    ISSUER,
    MALFORMED,
    REFRESH_IDLE,
    ROTATION_WINDOW,
    SCOPES,
    AccessToken,
    AuthCode,
    AuthorizeError,
    Client,
    ConsentError,
    Grant,
    error_redirect,
    iso,
    plus_years,
    with_query,
)

__all__ = [
    "ACCOUNTING", "DEFAULT_SCOPES", "ISSUER", "MALFORMED", "SCOPES", "AuthorizeError", "ConsentError", "Grant",
    "OAuthServer", "error_redirect",
]


class OAuthServer:
    """All OAuth state of one app instance; every public method is atomic under one lock."""

    def __init__(self, clock: SimClock, *, clients: dict[str, dict[str, Any]] | None = None) -> None:
        self.clock = clock
        self._lock = threading.RLock()
        self._clients: dict[str, Client] = {}
        self.signer = IdTokenSigner()
        for client_id, spec in (clients or {}).items():
            self.add_client(client_id, spec["client_secret"], list(spec.get("redirect_uris", [])))
        self.reset()

    def __repr__(self) -> str:
        return f"<OAuthServer clients={sorted(self._clients)} grants={len(self._grants)}>"

    # --- configuration ---------------------------------------------------------------------------
    def add_client(self, client_id: str, client_secret: str, redirect_uris: list[str]) -> None:
        with self._lock:
            self._clients[client_id] = Client(client_id, client_secret, list(redirect_uris))

    def reset(self) -> None:
        """Forget codes, grants and user profiles; registered clients (app keys) stay."""
        with self._lock:
            self._codes: dict[str, AuthCode] = {}
            self._grants: dict[str, Grant] = {}
            self._by_refresh: dict[str, str] = {}
            self._by_access: dict[str, str] = {}
            self._users: dict[str, dict[str, Any]] = {}

    def set_user(self, realm_id: str, **profile: Any) -> None:
        """Override the userinfo fields (camelCase) of the user who consents for ``realm_id``."""
        with self._lock:
            self._users[realm_id] = {**self._user(realm_id), **profile}

    # --- authorization ---------------------------------------------------------------------------
    def check_client(self, client_id: str | None, redirect_uri: str | None) -> Client:
        """Validate what must be right before anything can be redirected; raise :class:`ConsentError`."""
        with self._lock:
            client = self._clients.get(client_id or "")
            if client is None:
                raise ConsentError(f"Unknown client_id {client_id!r}: no app is registered with this key.")
            if not redirect_uri:
                raise ConsentError("The redirect_uri parameter is missing.")
            if redirect_uri not in client.redirect_uris:
                raise ConsentError(f"The redirect_uri {redirect_uri!r} is not registered for this app; "
                                   f"registered: {', '.join(client.redirect_uris) or '(none)'}.")
            return client

    def parse_scope(self, scope: str | None, redirect_uri: str, state: str | None) -> tuple[str, ...]:
        names = tuple(dict.fromkeys((scope or "").split()))
        unknown = [name for name in names if name not in SCOPES]
        if not names or unknown:
            why = f"unknown scope {' '.join(unknown)}" if unknown else "scope is required"
            raise AuthorizeError("invalid_scope", why, redirect_uri, state)
        return names

    def authorize(self, client_id: str, redirect_uri: str, scope: str, state: str | None, realm_id: str,
                  *, response_type: str = "code") -> str:
        """Issue a single-use code for the consent given to ``realm_id``; return the code."""
        with self._lock:
            self.check_client(client_id, redirect_uri)
            if response_type != "code":
                raise AuthorizeError("unsupported_response_type", "response_type must be code", redirect_uri, state)
            scopes = self.parse_scope(scope, redirect_uri, state)
            if not realm_id:
                raise ConsentError("No company was chosen.")
            now = self.clock.epoch()
            self._codes = {h: c for h, c in self._codes.items() if c.expires_at + 2 * CODE_LIFETIME > now}
            code = new_auth_code(now)
            self._codes[token_hash(code)] = AuthCode(client_id, redirect_uri, scopes, realm_id, now + CODE_LIFETIME)
            return code

    def approved_redirect(self, redirect_uri: str, code: str, state: str | None, realm_id: str) -> str:
        params = {"code": code}
        if state is not None:
            params["state"] = state
        params["realmId"] = realm_id
        return with_query(redirect_uri, params)

    # --- token endpoint --------------------------------------------------------------------------
    def token(self, params: Mapping[str, str], client_id: str | None, client_secret: str | None,
              *, include_hard_expiry: bool = False) -> dict[str, Any]:
        """Dispatch a token-endpoint request by ``grant_type``."""
        self._authenticate(client_id, client_secret)
        grant_type = params.get("grant_type")
        if not grant_type:
            raise InvalidRequest(reason="grant_type is required")
        if grant_type == "authorization_code":
            return self.exchange_code(client_id or "", client_secret or "", params.get("code", ""),
                                      params.get("redirect_uri", ""), include_hard_expiry=include_hard_expiry)
        if grant_type == "refresh_token":
            return self.refresh(client_id or "", client_secret or "", params.get("refresh_token", ""),
                                include_hard_expiry=include_hard_expiry)
        raise UnsupportedGrantType()

    def exchange_code(self, client_id: str, client_secret: str, code: str, redirect_uri: str,
                      *, include_hard_expiry: bool = False) -> dict[str, Any]:
        with self._lock:
            client = self._authenticate(client_id, client_secret)
            if not code or not redirect_uri:
                raise InvalidRequest(reason="code and redirect_uri are required")
            record = self._codes.get(token_hash(code))
            now = self.clock.epoch()
            if record is None or record.client_id != client_id:
                raise InvalidGrant()
            if record.used:
                if record.grant_id is not None:
                    self._revoke_grant(self._grants[record.grant_id], now)
                raise InvalidGrant()
            if now >= record.expires_at or redirect_uri != record.redirect_uri:
                raise InvalidGrant()
            record.used = True
            grant = self._new_grant(client_id, record.realm_id, record.scopes, now)
            record.grant_id = grant.grant_id
            return self._issue(grant, now, client, refresh_token=None, id_token=True,
                               include_hard_expiry=include_hard_expiry)

    def refresh(self, client_id: str, client_secret: str, refresh_token: str,
                *, include_hard_expiry: bool = False) -> dict[str, Any]:
        with self._lock:
            client = self._authenticate(client_id, client_secret)
            if not refresh_token:
                raise InvalidRequest(reason="refresh_token is required")
            grant = self._grants.get(self._by_refresh.get(token_hash(refresh_token), ""))
            now = self.clock.epoch()
            if grant is None or grant.client_id != client_id or grant.state(now) != "active":
                raise InvalidGrant()
            keep = now - grant.refresh_issued_at < ROTATION_WINDOW
            return self._issue(grant, now, client, refresh_token=refresh_token if keep else None,
                               id_token=False, include_hard_expiry=include_hard_expiry)

    def revoke(self, client_id: str | None, client_secret: str | None, token: str | None) -> None:
        with self._lock:
            self._authenticate(client_id, client_secret)
            if not token:
                raise InvalidRequest(reason="token is required")
            digest = token_hash(token)
            grant = self._grants.get(self._by_refresh.get(digest) or self._by_access.get(digest) or "")
            if grant is not None and grant.client_id == client_id:
                self._revoke_grant(grant, self.clock.epoch())

    # --- resource side ---------------------------------------------------------------------------
    def check_bearer(self, authorization_header: str | None, realm_id: str,
                     *, scope: str | None = ACCOUNTING) -> Grant:
        """The gateway's check for a data-API call to ``realm_id``; returns the grant or raises."""
        with self._lock:
            grant = self._bearer_grant(authorization_header)
            if scope is not None and scope not in grant.scopes:
                raise ScopeInsufficient()  # "The access token does not have sufficient scope" [CAP]
            if grant.realm_id != realm_id:
                raise AuthorizationFailed()  # another company's token: Detail null [CAP]
            return grant

    def userinfo(self, authorization_header: str | None) -> dict[str, Any]:
        """OpenID UserInfo with camelCase keys [qbo-api §6.4]; fields follow the granted scopes."""
        with self._lock:
            grant = self._bearer_grant(authorization_header)
            if "openid" not in grant.scopes:
                raise AuthorizationFailed()
            user = self._user(grant.realm_id)
            info: dict[str, Any] = {"sub": user["sub"]}
            wanted = {"email": ("email", "emailVerified"), "profile": ("givenName", "familyName"),
                      "phone": ("phoneNumber", "phoneNumberVerified"), "address": ("address",)}
            for scope_name, keys in wanted.items():
                if scope_name in grant.scopes:
                    info.update({key: user[key] for key in keys if key in user})
            return info

    def jwks(self) -> dict[str, Any]:
        return self.signer.jwks()

    def realm_of(self, token: str | None) -> str | None:
        """The realm a refresh or access token belongs to (for fault-plan matching), if any."""
        if not token:
            return None
        with self._lock:
            digest = token_hash(token)
            grant = self._grants.get(self._by_refresh.get(digest) or self._by_access.get(digest) or "")
            return grant.realm_id if grant else None

    # --- control / test helpers ------------------------------------------------------------------
    def connect(self, realm_id: str, client_id: str | None = None,
                scopes: Iterable[str] = DEFAULT_SCOPES) -> dict[str, Any]:
        """Mint a grant as if the user had consented and the code was exchanged; adds ``realmId``."""
        with self._lock:
            if client_id is None:
                if not self._clients:
                    raise ValueError("no OAuth client is registered")
                client_id = next(iter(self._clients))
            client = self._clients.get(client_id)
            if client is None:
                raise ValueError(f"unknown client_id {client_id!r}")
            names = tuple(dict.fromkeys(scopes))
            if not names or not set(names) <= SCOPES:
                raise ValueError(f"scopes must be a non-empty subset of {sorted(SCOPES)}")
            now = self.clock.epoch()
            grant = self._new_grant(client_id, realm_id, names, now)
            response = self._issue(grant, now, client, refresh_token=None, id_token=True, include_hard_expiry=True)
            return {**response, "realmId": realm_id}

    def expire_access_tokens(self, realm_id: str | None = None) -> int:
        with self._lock:
            now, count = self.clock.epoch(), 0
            for grant in self._select(realm_id):
                for access in grant.access.values():
                    if access.expires_at > now:
                        access.expires_at, count = now, count + 1
            return count

    def expire_refresh_tokens(self, realm_id: str | None = None) -> int:
        with self._lock:
            now = self.clock.epoch()
            grants = [g for g in self._select(realm_id) if g.state(now) == "active"]
            for grant in grants:
                grant.refresh_expires_at = now
            return len(grants)

    def revoke_realm(self, realm_id: str) -> int:
        with self._lock:
            now = self.clock.epoch()
            grants = [g for g in self._select(realm_id) if g.revoked_at is None]
            for grant in grants:
                self._revoke_grant(grant, now)
            return len(grants)

    def connections(self, realm_id: str | None = None) -> list[dict[str, Any]]:
        """Grants for humans and the control API: times and fingerprints, never token values."""
        with self._lock:
            now = self.clock.epoch()
            rows = []
            for grant in self._select(realm_id):
                latest = max(grant.access.values(), key=lambda a: a.issued_at, default=None)
                rows.append({
                    "grant_id": grant.grant_id, "client_id": grant.client_id, "realm_id": grant.realm_id,
                    "scopes": list(grant.scopes), "state": grant.state(now),
                    "authorized_at": iso(grant.authorized_at), "hard_expires_at": iso(grant.hard_expires_at),
                    "revoked_at": iso(grant.revoked_at) if grant.revoked_at is not None else None,
                    "refresh_token": {"fingerprint": "…" + grant.refresh_fingerprint,
                                      "issued_at": iso(grant.refresh_issued_at),
                                      "expires_at": iso(min(grant.refresh_expires_at, grant.hard_expires_at))},
                    "access_token": None if latest is None else {
                        "id": latest.token_id, "fingerprint": "…" + latest.fingerprint,
                        "issued_at": iso(latest.issued_at), "expires_at": iso(latest.expires_at),
                        "expired": now >= latest.expires_at},
                })
            return rows

    # --- internals -------------------------------------------------------------------------------
    def _authenticate(self, client_id: str | None, client_secret: str | None) -> Client:
        client = self._clients.get(client_id or "")
        if client is None or client_secret is None or not hmac.compare_digest(
                client.client_secret.encode("utf-8"), client_secret.encode("utf-8")):
            raise InvalidClient()
        return client

    def _select(self, realm_id: str | None) -> list[Grant]:
        return [g for g in self._grants.values() if realm_id is None or g.realm_id == realm_id]

    def _new_grant(self, client_id: str, realm_id: str, scopes: tuple[str, ...], now: float) -> Grant:
        grant = Grant(uuid.uuid4().hex, client_id, realm_id, scopes, now, plus_years(now, HARD_YEARS))
        self._grants[grant.grant_id] = grant
        return grant

    def _issue(self, grant: Grant, now: float, client: Client, *, refresh_token: str | None, id_token: bool,
               include_hard_expiry: bool) -> dict[str, Any]:
        if refresh_token is None:  # rotate: the previous refresh token stops working
            self._by_refresh.pop(grant.refresh_hash, None)
            refresh_token = new_refresh_token(now + REFRESH_IDLE)
            grant.refresh_hash, grant.refresh_fingerprint = token_hash(refresh_token), refresh_token[-4:]
            grant.refresh_issued_at, grant.refresh_expires_at = now, now + REFRESH_IDLE
            self._by_refresh[grant.refresh_hash] = grant.grant_id
        access_token = new_access_token()
        access = AccessToken(new_token_id(now), access_token[-4:], now, min(now + ACCESS_LIFETIME, grant.hard_expires_at))
        digest = token_hash(access_token)
        grant.access[digest] = access
        self._by_access[digest] = grant.grant_id
        while len(grant.access) > ACCESS_KEPT:
            self._by_access.pop(oldest := next(iter(grant.access)), None)
            del grant.access[oldest]
        response: dict[str, Any] = {}
        if id_token and "openid" in grant.scopes:
            # Clients check iat/exp against their own (real) clock, so these claims use wall time: a test
            # that advanced the simulated clock must not make later id_tokens look "issued in the future".
            wall = time.time()
            response["id_token"] = self.signer.sign({
                "sub": self._user(grant.realm_id)["sub"], "aud": [grant.client_id], "realmid": grant.realm_id,
                "auth_time": int(wall - (now - grant.authorized_at)), "iss": ISSUER,
                "exp": int(wall) + ACCESS_LIFETIME, "iat": int(wall)}, client.client_secret)
        response["expires_in"] = int(access.expires_at - now)
        response["token_type"] = "bearer"
        response["x_refresh_token_expires_in"] = int(min(grant.refresh_expires_at, grant.hard_expires_at) - now)
        if include_hard_expiry:
            response["x_refresh_token_hard_expires_in"] = int(grant.hard_expires_at - now)
        response["refresh_token"] = refresh_token
        response["access_token"] = access_token
        return response

    def _revoke_grant(self, grant: Grant, now: float) -> None:
        if grant.revoked_at is None:
            grant.revoked_at = now
        self._by_refresh.pop(grant.refresh_hash, None)  # access hashes stay: "Token revoked", not "invalid"

    def _bearer_grant(self, authorization_header: str | None) -> Grant:
        scheme, _, token = (authorization_header or "").strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not 40 <= len(token) <= 4096 or " " in token:
            raise TokenInvalid(reason=MALFORMED)
        digest = token_hash(token)
        grant = self._grants.get(self._by_access.get(digest, ""))
        if grant is None:
            raise TokenInvalid(reason="Token invalid")
        access = grant.access[digest]
        if grant.revoked_at is not None:
            raise TokenInvalid(reason=f"Token revoked: {access.token_id}")
        if self.clock.epoch() >= access.expires_at:
            raise TokenExpired(token_hint=access.token_id)
        return grant

    def _user(self, realm_id: str) -> dict[str, Any]:
        if realm_id in self._users:
            return self._users[realm_id]
        return {
            "sub": str(uuid.uuid5(uuid.NAMESPACE_URL, f"qbo-sim:user:{realm_id}")),
            "email": f"admin.{realm_id}@example.com", "emailVerified": True,
            "givenName": "Sandbox", "familyName": "Admin",
            "phoneNumber": "+1 4155550100", "phoneNumberVerified": True,
            "address": {"streetAddress": "2700 Coast Ave", "locality": "Mountain View", "region": "CA",
                        "postalCode": "94043", "country": "US"},
        }
