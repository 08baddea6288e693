"""OAuth records and constants shared by :mod:`simulator.oauth` (rules) and its views.

Plain data, no rules: the lifetimes Intuit documents [qbo-api §6.3], the scopes it accepts, the two
authorization-request errors (shown on a page vs. sent back by redirect), and the grant/code/token
records. Records hold only hashes and 4-character fingerprints of tokens, and ``Client`` keeps its
secret out of ``repr()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urlencode, urlsplit, urlunsplit

__all__ = [
    "ACCESS_KEPT", "ACCESS_LIFETIME", "ACCOUNTING", "CODE_LIFETIME", "DEFAULT_SCOPES", "HARD_YEARS", "ISSUER",
    "MALFORMED", "REFRESH_IDLE", "ROTATION_WINDOW", "SCOPES", "AccessToken", "AuthCode", "AuthorizeError",
    "Client", "ConsentError", "Grant", "error_redirect", "iso", "plus_years", "with_query",
]

ACCOUNTING = "com.intuit.quickbooks.accounting"
SCOPES = frozenset({ACCOUNTING, "com.intuit.quickbooks.payment", "openid", "profile", "email", "phone", "address"})
DEFAULT_SCOPES = (ACCOUNTING, "openid", "profile", "email")
#: kept as Intuit's value (not this server's URL): clients such as oauth-jsclient hard-code it
ISSUER = "https://oauth.platform.intuit.com/op/v1"

CODE_LIFETIME = 5 * 60
ACCESS_LIFETIME = 3600
ROTATION_WINDOW = 24 * 3600
REFRESH_IDLE = 100 * 24 * 3600
HARD_YEARS = 5
#: access tokens remembered per grant (older ones answer "Token invalid" instead of "Token expired")
ACCESS_KEPT = 100
MALFORMED = "Malformed bearer token: too short or too long"


class ConsentError(ValueError):
    """Unknown client or unregistered redirect: shown on the consent page, never redirected."""


class AuthorizeError(Exception):
    """An authorization error the client learns by redirect (``error=...&state=...``)."""

    def __init__(self, error: str, description: str, redirect_uri: str, state: str | None) -> None:
        super().__init__(f"{error}: {description}")
        self.error, self.description, self.redirect_uri, self.state = error, description, redirect_uri, state

    @property
    def redirect_url(self) -> str:
        return error_redirect(self.redirect_uri, self.error, self.state, self.description)


def error_redirect(redirect_uri: str, error: str, state: str | None, description: str | None = None) -> str:
    """RFC 6749 §4.1.2.1 error redirect, keeping any query the registered URI already has."""
    params = {"error": error}
    if description:
        params["error_description"] = description
    if state is not None:
        params["state"] = state
    return with_query(redirect_uri, params)


def with_query(url: str, params: Mapping[str, str]) -> str:
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit(parts._replace(query=query))


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec="seconds")


def plus_years(epoch: float, years: int) -> float:
    moment = datetime.fromtimestamp(epoch, timezone.utc)
    try:
        return moment.replace(year=moment.year + years).timestamp()
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28).timestamp()


@dataclass
class Client:
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uris: list[str] = field(default_factory=list)


@dataclass
class AuthCode:
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    realm_id: str
    expires_at: float
    used: bool = False
    grant_id: str | None = None


@dataclass
class AccessToken:
    token_id: str
    fingerprint: str
    issued_at: float
    expires_at: float


@dataclass
class Grant:
    """One connection of a client to a company. Read-only for callers of :meth:`OAuthServer.check_bearer`."""

    grant_id: str
    client_id: str
    realm_id: str
    scopes: tuple[str, ...]
    authorized_at: float
    hard_expires_at: float
    refresh_hash: str = field(default="", repr=False)
    refresh_fingerprint: str = ""
    refresh_issued_at: float = 0.0
    refresh_expires_at: float = 0.0
    revoked_at: float | None = None
    access: dict[str, AccessToken] = field(default_factory=dict, repr=False)

    def state(self, now: float) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if now >= min(self.refresh_expires_at, self.hard_expires_at):
            return "expired"
        return "active"
