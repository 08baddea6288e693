"""The QuickBooks connection: OAuth 2.0 authorization code flow, token storage and refresh.

Rules (each one is an article case or a QuickBooks fact):

* Tokens live only in the store. The access token is refreshed ``refresh_margin`` seconds before it
  expires, and once more if QuickBooks still answers 401. A rotated refresh token is stored in the
  same transaction as the new access token, so a crash can never keep the dead one.
* **At most one refresh in flight per connection**: refreshing takes a lock, then re-reads the
  tokens, because whoever held the lock before may already have refreshed. Two refreshes racing
  with the same refresh token could otherwise lose the rotated one (the loser gets ``invalid_grant``
  and the connection would look expired). The lock covers this process's threads *and* every other
  process (or ``CaspenAccount``) using the same store file: an exclusive ``flock`` on
  ``<store>.refresh-lock`` (POSIX; elsewhere, and for ``:memory:`` stores, the in-process lock only).
* ``invalid_grant`` marks the connection ``expired``. From then on :meth:`QuickBooksConnection.access_token`
  raises :class:`~sync_client.errors.ConnectionExpiredError` *without any network call*, until a fresh
  authorization (reconnect) — no retry storm against Intuit.
* ``disconnect()`` revokes the grant at Intuit's revoke endpoint and forgets the tokens.
"""

from __future__ import annotations

import http.server
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import requests

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: the in-process lock only
    fcntl = None  # type: ignore[assignment]

from sync_client.config import SyncConfig
from sync_client.errors import (
    ConfigurationError,
    ConnectionExpiredError,
    NotConnectedError,
    QuickBooksUnavailableError,
    SyncError,
)
from sync_client.store import Store

__all__ = ["OAuthEndpoints", "QuickBooksConnection", "wait_for_redirect"]

TRANSPORT_ERRORS = (requests.ConnectionError, requests.Timeout)


@dataclass(frozen=True)
class OAuthEndpoints:
    authorize_url: str
    token_url: str
    revoke_url: str | None


class QuickBooksConnection:
    """One Caspen account's link to one QuickBooks company; a :class:`~sync_client.qbo.TokenSource`."""

    def __init__(self, *, store: Store, config: SyncConfig, session: requests.Session,
                 clock: Callable[[], datetime], sleep: Callable[[float], None] = time.sleep) -> None:
        self.store = store
        self.config = config
        self.session = session
        self.clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._endpoints: OAuthEndpoints | None = None
        #: how many token-endpoint requests this object made (for diagnostics and tests)
        self.token_requests = 0

    # -- state ----------------------------------------------------------------------------------
    @property
    def realm_id(self) -> str | None:
        return self.store.connection().realm_id

    @property
    def state(self) -> str:
        """``connected``, ``expired`` (invalid_grant seen; reconnect needed) or ``disconnected``."""
        return self.store.connection().state

    @property
    def connected_at(self) -> datetime | None:
        return self.store.connection().connected_at

    def endpoints(self) -> OAuthEndpoints:
        """Explicit URLs from the config, else the discovery document (fetched once)."""
        if self._endpoints is None:
            doc: dict[str, Any] = {}
            if self.config.discovery_url and not (self.config.token_url and self.config.authorize_url):
                doc = self._discovery()
            token = self.config.token_url or doc.get("token_endpoint")
            authorize = self.config.authorize_url or doc.get("authorization_endpoint")
            if not token or not authorize:
                raise ConfigurationError("no token/authorization endpoint: set token_url and authorize_url, or a "
                                         "discovery_url whose document names them", key="discovery_url")
            self._endpoints = OAuthEndpoints(authorize, token, self.config.revoke_url or doc.get("revocation_endpoint"))
        return self._endpoints

    def _discovery(self) -> dict[str, Any]:
        url = self.config.discovery_url or ""
        try:
            response = self.session.get(url, headers={"Accept": "application/json"}, timeout=self.config.timeout)
        except TRANSPORT_ERRORS as exc:
            raise QuickBooksUnavailableError(f"Could not reach the OAuth discovery document at {url}: "
                                             f"{type(exc).__name__}", exception=exc) from exc
        try:
            doc = response.json()
        except ValueError:
            doc = None
        if response.status_code != 200 or not isinstance(doc, dict):
            raise ConfigurationError(f"discovery_url {url} did not return an OpenID configuration "
                                     f"(HTTP {response.status_code})", key="discovery_url")
        return doc

    # -- authorization code flow ----------------------------------------------------------------
    def authorization_url(self, *, realm_hint: str | None = None) -> str:
        """Where to send the user; remembers a fresh ``state`` to check on the way back."""
        state = secrets.token_urlsafe(24)
        self.store.update_connection(pending_state=state)
        params = {"client_id": self.config.client_id, "response_type": "code", "scope": self.config.scope,
                  "redirect_uri": self.config.redirect_uri, "state": state}
        if realm_hint:
            params["realmId"] = realm_hint  # the simulator's auto-approval; Intuit ignores unknown params
        return f"{self.endpoints().authorize_url}?{urlencode(params)}"

    def complete(self, redirect: str | Mapping[str, str]) -> str:
        """Finish the authorization from the redirect URL (or its query parameters); return the realm id."""
        params = dict(parse_qsl(urlsplit(redirect).query)) if isinstance(redirect, str) else dict(redirect)
        expected = self.store.connection().pending_state
        if "error" in params:
            raise SyncError(f"QuickBooks authorization was refused: {params['error']} "
                            f"{params.get('error_description', '')}".strip())
        if not expected or not secrets.compare_digest(str(params.get("state", "")), expected):
            raise SyncError("the authorization response does not match the request Caspen made (state mismatch); "
                            "start the connection again")
        code, realm_id = params.get("code"), params.get("realmId")
        if not code or not realm_id:
            raise SyncError("the authorization response lacks code or realmId")
        tokens = self._token_request({"grant_type": "authorization_code", "code": code,
                                      "redirect_uri": self.config.redirect_uri}, on_invalid_grant="raise")
        self._store_new_grant(realm_id, tokens)
        return realm_id

    def adopt_refresh_token(self, realm_id: str, refresh_token: str) -> None:
        """Connect with a refresh token obtained elsewhere (the simulator's ready-file, a migration)."""
        self._store_new_grant(realm_id, {"refresh_token": refresh_token, "access_token": None, "expires_in": 0})

    def authorize_automatically(self, realm_id: str) -> str:
        """For tests: follow the simulator's auto-approving consent redirect, then :meth:`complete`."""
        url = self.authorization_url(realm_hint=realm_id)
        response = self.session.get(url, allow_redirects=False, timeout=self.config.timeout)
        location = response.headers.get("Location")
        if response.status_code not in (302, 303) or not location:
            raise SyncError(f"the authorization endpoint did not redirect back (HTTP {response.status_code})")
        return self.complete(location)

    def _store_new_grant(self, realm_id: str, tokens: dict[str, Any]) -> None:
        now = self.clock()
        row = self.store.connection()
        with self.store.transaction():
            first = row.connected_at if row.realm_id == realm_id and row.connected_at else now
            self.store.update_connection(realm_id=realm_id, state="connected", connected_at=first,
                                         last_authorized_at=now, pending_state=None, updated_at=now)
            self._save_tokens(tokens, now)

    def _save_tokens(self, tokens: dict[str, Any], now: datetime) -> None:
        epoch = now.timestamp()
        values: dict[str, Any] = {
            "access_token": tokens.get("access_token"),
            "access_expires_at": epoch + float(tokens.get("expires_in") or 0),
            "refresh_token": tokens["refresh_token"],
            "updated_at": now,
        }
        if tokens.get("x_refresh_token_expires_in") is not None:
            values["refresh_expires_at"] = epoch + float(tokens["x_refresh_token_expires_in"])
        self.store.update_connection(**values)

    # -- tokens (TokenSource) -------------------------------------------------------------------
    def access_token(self) -> str:
        token = self._fresh_token()
        if token is not None:
            return token
        with self._single_refresh():
            token = self._fresh_token()  # another thread or process may have refreshed while we waited
            return token if token is not None else self._refresh()

    def refresh_after_unauthorized(self, stale_access_token: str) -> str:
        with self._single_refresh():
            row = self._usable_row()
            if row.access_token and row.access_token != stale_access_token:
                return row.access_token  # someone refreshed since that request was sent
            return self._refresh()

    @contextmanager
    def _single_refresh(self) -> Iterator[None]:
        """Held while deciding whether to refresh and doing it: one refresh per connection at a time.

        The thread lock orders this object's threads; the file lock orders every process (and every
        other ``CaspenAccount``) on the same store file, which do not share the thread lock. It guards
        only refreshes (the database stays free for everyone else while a token request is in flight).
        """
        with self._lock:
            if fcntl is None or self.store.path == ":memory:":
                yield
                return
            with open(f"{self.store.path}.refresh-lock", "a") as handle:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _usable_row(self) -> Any:
        row = self.store.connection()
        if row.state == "expired":
            raise ConnectionExpiredError("Invalid refresh token")
        if row.state != "connected" or not row.refresh_token:
            raise NotConnectedError("QuickBooks is not connected: connect it under Settings → Integrations")
        return row

    def _fresh_token(self) -> str | None:
        row = self._usable_row()
        if row.access_token and (row.access_expires_at or 0) - self.config.refresh_margin > self.clock().timestamp():
            return row.access_token
        return None

    def _refresh(self) -> str:
        row = self._usable_row()
        tokens = self._token_request({"grant_type": "refresh_token", "refresh_token": row.refresh_token},
                                     on_invalid_grant="expire")
        self._save_tokens(tokens, self.clock())
        return str(tokens["access_token"])

    def _token_request(self, form: dict[str, str], *, on_invalid_grant: str) -> dict[str, Any]:
        url = self.endpoints().token_url
        policy = self.config.retry
        for attempt in range(1, policy.max_attempts + 1):
            self.token_requests += 1
            try:
                response = self.session.post(url, data=form, auth=(self.config.client_id, self.config.client_secret),
                                             headers={"Accept": "application/json"}, timeout=self.config.timeout)
            except TRANSPORT_ERRORS as exc:
                if attempt == policy.max_attempts:
                    raise QuickBooksUnavailableError(f"Could not reach the QuickBooks token endpoint: "
                                                     f"{type(exc).__name__}", exception=exc, attempts=attempt) from exc
                self._sleep(min(policy.backoff_cap, policy.backoff_base * 2 ** (attempt - 1)))
                continue
            if response.status_code >= 500 or response.status_code == 429:
                if attempt == policy.max_attempts:
                    raise QuickBooksUnavailableError(f"The QuickBooks token endpoint answered HTTP "
                                                     f"{response.status_code}", response=response, attempts=attempt)
                self._sleep(min(policy.backoff_cap, policy.backoff_base * 2 ** (attempt - 1)))
                continue
            return self._token_reply(response, on_invalid_grant)
        raise AssertionError("unreachable")  # pragma: no cover

    def _token_reply(self, response: requests.Response, on_invalid_grant: str) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code == 200 and isinstance(body, dict) and body.get("access_token"):
            return body
        error = body.get("error") if isinstance(body, dict) else None
        tid = response.headers.get("intuit_tid")
        if error == "invalid_grant":
            if on_invalid_grant == "expire":
                self.store.update_connection(state="expired", access_token=None, updated_at=self.clock())
            raise ConnectionExpiredError("Invalid refresh token", response=response, intuit_tid=tid)
        if error == "invalid_client":
            raise ConfigurationError("QuickBooks rejected the app's client_id/client_secret (invalid_client)",
                                     key="client_secret")
        raise SyncError(f"the QuickBooks token endpoint answered HTTP {response.status_code}: "
                        f"{error or response.text[:200]}")

    # -- disconnect -----------------------------------------------------------------------------
    def disconnect(self) -> bool:
        """Revoke the grant at Intuit and forget the tokens. True if Intuit confirmed the revocation."""
        row = self.store.connection()
        token = row.refresh_token or row.access_token
        revoked = False
        revoke_url = self.endpoints().revoke_url if token else None
        if token and revoke_url:
            try:
                response = self.session.post(revoke_url, json={"token": token},
                                             auth=(self.config.client_id, self.config.client_secret),
                                             headers={"Accept": "application/json"}, timeout=self.config.timeout)
                revoked = response.status_code == 200
            except TRANSPORT_ERRORS:
                revoked = False
        self.store.update_connection(state="disconnected", access_token=None, access_expires_at=None,
                                     refresh_token=None, refresh_expires_at=None, updated_at=self.clock())
        return revoked


def wait_for_redirect(redirect_uri: str, *, timeout: float = 300.0) -> str:
    """Serve ``redirect_uri`` on loopback until the browser comes back; return the full redirect URL.

    For the CLI: the user approves in a browser, Intuit redirects to ``http://localhost:8765/callback?...``
    and this tiny ``http.server`` catches it. Only loopback hosts are served.
    """
    parts = urlsplit(redirect_uri)
    if parts.hostname not in ("localhost", "127.0.0.1", "::1") or parts.scheme != "http":
        raise ConfigurationError(f"redirect_uri {redirect_uri} is not a loopback http URL this tool can serve",
                                 key="redirect_uri")
    captured: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if urlsplit(self.path).path != (parts.path or "/"):
                self.send_error(404)
                return
            captured.append(f"{parts.scheme}://{parts.netloc}{self.path}")
            body = b"<html><body><p>Caspen is connected to QuickBooks. You can close this window.</p></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # the query holds the code: never log it
            return

    server = http.server.HTTPServer((parts.hostname or "127.0.0.1", parts.port or 80), Handler)
    server.timeout = 1.0
    deadline = time.monotonic() + timeout
    try:
        while not captured and time.monotonic() < deadline:
            server.handle_request()
    finally:
        server.server_close()
    if not captured:
        raise SyncError(f"no authorization came back to {redirect_uri} within {timeout:.0f} s")
    return captured[0]
