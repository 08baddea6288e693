"""``SyncConfig``: everything the sync client needs to know about the QuickBooks side.

Frozen and keyword-only, so a config is a value: two accounts never share mutable settings and
a typo in a keyword fails at construction. Every constructor funnels into :meth:`SyncConfig.from_dict`,
which names the offending key and what it expected (no ``KeyError`` tracebacks for users).

The endpoints come either explicitly (``token_url``, ``revoke_url``, ``authorize_url``) or from the
OpenID ``discovery_url`` (fetched lazily by :mod:`sync_client.oauth`), so the same code talks to the
simulator, Intuit's sandbox and production.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sync_client.errors import ConfigurationError

__all__ = ["RetryPolicy", "RateLimits", "SyncConfig", "SANDBOX_DISCOVERY_URL", "PRODUCTION_DISCOVERY_URL"]

SANDBOX_DISCOVERY_URL = "https://developer.api.intuit.com/.well-known/openid_sandbox_configuration"
PRODUCTION_DISCOVERY_URL = "https://developer.api.intuit.com/.well-known/openid_configuration"
ENV_PREFIX = "CASPEN_QBO_"


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """Bounded exponential backoff with full jitter: sleep ``uniform(0, min(cap, base * 2**n))``."""

    max_attempts: int = 5
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    jitter: bool = True
    #: the longest ``Retry-After`` honoured; longer values are capped (a UI is waiting)
    max_retry_after: float = 60.0

    def __post_init__(self) -> None:
        _check(self.max_attempts >= 1, "retry.max_attempts", "a whole number ≥ 1", self.max_attempts)
        _check(self.backoff_base >= 0, "retry.backoff_base", "seconds ≥ 0", self.backoff_base)
        _check(self.backoff_cap >= self.backoff_base, "retry.backoff_cap", "seconds ≥ backoff_base",
               self.backoff_cap)
        _check(self.max_retry_after >= 0, "retry.max_retry_after", "seconds ≥ 0", self.max_retry_after)


@dataclass(frozen=True, kw_only=True)
class RateLimits:
    """QuickBooks' documented per realm+app limits [qbo-api §1.4]; lower them, never raise them."""

    requests_per_minute: int = 500
    requests_per_second: int = 10
    batches_per_minute: int = 40
    batch_size: int = 30

    def __post_init__(self) -> None:
        for name in ("requests_per_minute", "requests_per_second", "batches_per_minute"):
            _check(getattr(self, name) >= 1, f"rate_limits.{name}", "a whole number ≥ 1", getattr(self, name))
        _check(1 <= self.batch_size <= 30, "rate_limits.batch_size", "1 to 30 (QuickBooks' batch limit)",
               self.batch_size)


@dataclass(frozen=True, kw_only=True)
class SyncConfig:
    """How to reach QuickBooks. Only ``api_base_url``, ``client_id``, ``client_secret`` and
    ``redirect_uri`` are required, plus either ``discovery_url`` or ``token_url``.

    **Parameters:**

    * ``api_base_url`` — the accounting API up to ``/v3`` (``https://quickbooks.api.intuit.com/v3``).
    * ``discovery_url`` — OpenID discovery document naming the OAuth endpoints.
    * ``token_url`` / ``revoke_url`` / ``authorize_url`` — explicit endpoints (override discovery).
    * ``client_id`` / ``client_secret`` / ``redirect_uri`` — the app's OAuth keys.
    * ``scope`` — OAuth scopes asked for at connect.
    * ``minorversion`` — sent on every call (75: QuickBooks ignores anything lower since 2025).
    * ``connect_timeout`` / ``read_timeout`` — seconds, per HTTP attempt.
    * ``refresh_margin`` — refresh the access token this many seconds before it expires.
    * ``retry`` / ``rate_limits`` — see :class:`RetryPolicy` and :class:`RateLimits`.
    * ``service_item_name`` / ``product_item_name`` — the default items all lines post to.
    """

    api_base_url: str
    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str
    discovery_url: str | None = None
    token_url: str | None = None
    revoke_url: str | None = None
    authorize_url: str | None = None
    scope: str = "com.intuit.quickbooks.accounting openid"
    minorversion: int = 75
    connect_timeout: float = 5.0
    read_timeout: float = 60.0
    refresh_margin: float = 60.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    rate_limits: RateLimits = field(default_factory=RateLimits)
    service_item_name: str = "Services"
    product_item_name: str = "Products"

    def __post_init__(self) -> None:
        for name in ("api_base_url", "redirect_uri"):
            _check_url(name, getattr(self, name))
        for name in ("discovery_url", "token_url", "revoke_url", "authorize_url"):
            if getattr(self, name) is not None:
                _check_url(name, getattr(self, name))
        for name in ("client_id", "client_secret", "service_item_name", "product_item_name"):
            value = getattr(self, name)
            _check(isinstance(value, str) and bool(value.strip()), name, "a non-empty string", value)
        _check(self.discovery_url is not None or self.token_url is not None, "token_url",
               "token_url or discovery_url (one of them is needed to obtain tokens)", None)
        _check(isinstance(self.minorversion, int) and self.minorversion >= 1, "minorversion",
               "a whole number ≥ 1", self.minorversion)
        for name in ("connect_timeout", "read_timeout"):
            _check(isinstance(getattr(self, name), (int, float)) and getattr(self, name) > 0, name,
                   "seconds > 0", getattr(self, name))
        _check(self.refresh_margin >= 0, "refresh_margin", "seconds ≥ 0", self.refresh_margin)
        object.__setattr__(self, "api_base_url", self.api_base_url.rstrip("/"))

    @property
    def timeout(self) -> tuple[float, float]:
        return (self.connect_timeout, self.read_timeout)

    # -- constructors ------------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SyncConfig:
        """Build from plain data (JSON/TOML shaped); nested ``retry`` and ``rate_limits`` tables."""
        if not isinstance(data, Mapping):
            raise ConfigurationError(f"configuration must be a mapping of settings, not {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigurationError(f"unknown configuration key {unknown[0]!r}; known keys: {', '.join(sorted(known))}",
                                     key=unknown[0])
        values = dict(data)
        for name, sub in (("retry", RetryPolicy), ("rate_limits", RateLimits)):
            if name in values and not isinstance(values[name], (RetryPolicy, RateLimits)):
                values[name] = _nested(sub, name, values[name])
        missing = [name for name in ("api_base_url", "client_id", "client_secret", "redirect_uri") if name not in values]
        if missing:
            raise ConfigurationError(f"configuration key {missing[0]!r} is missing: expected {_EXPECT[missing[0]]}",
                                     key=missing[0])
        for name, expected in _TYPES.items():
            if name in values and values[name] is not None and not isinstance(values[name], expected):
                raise ConfigurationError(
                    f"configuration key {name!r} must be {_describe(expected)}, not {values[name]!r}", key=name)
        try:
            return cls(**values)
        except TypeError as exc:  # pragma: no cover - guarded above
            raise ConfigurationError(f"invalid configuration: {exc}") from None

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> SyncConfig:
        """A ``.json`` or ``.toml`` file (a TOML file may keep the settings under ``[quickbooks]``)."""
        file = Path(path)
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise ConfigurationError(f"cannot read configuration file {file}: {exc.strerror}", key="path") from None
        try:
            if file.suffix.lower() == ".toml":
                data: Any = tomllib.loads(raw.decode("utf-8"))
                data = data.get("quickbooks", data)
            else:
                data = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ConfigurationError(f"configuration file {file} is not valid {file.suffix.lstrip('.') or 'JSON'}: "
                                     f"{exc}") from None
        return cls.from_dict(data)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, prefix: str = ENV_PREFIX) -> SyncConfig:
        """``CASPEN_QBO_API_BASE_URL``, ``CASPEN_QBO_CLIENT_ID``... (``environ`` defaults to ``os.environ``)."""
        env = os.environ if environ is None else environ
        data: dict[str, Any] = {}
        for f in fields(cls):
            if f.name in ("retry", "rate_limits"):
                continue
            value = env.get(prefix + f.name.upper())
            if value is None:
                continue
            if f.name == "minorversion":
                data[f.name] = _parse_number(f.name, value, int)
            elif f.name in ("connect_timeout", "read_timeout", "refresh_margin"):
                data[f.name] = _parse_number(f.name, value, float)
            else:
                data[f.name] = value
        return cls.from_dict(data)

    @classmethod
    def from_simulator_ready_file(cls, path: str | os.PathLike[str], **overrides: Any) -> SyncConfig:
        """The JSON ``qbo-sim serve --ready-file`` writes (base and OAuth URLs, demo client keys)."""
        data = _read_json(path)
        picked = {key: data[key] for key in ("client_id", "client_secret", "redirect_uri", "discovery_url")
                  if key in data}
        if "api_base_url" in data:
            picked["api_base_url"] = data["api_base_url"]
        if "token_url" in data:
            picked["token_url"] = data["token_url"]
        if "revoke_url" in data:
            picked["revoke_url"] = data["revoke_url"]
        if "authorize_url" in data:
            picked["authorize_url"] = data["authorize_url"]
        picked.update(overrides)
        return cls.from_dict(picked)


def read_ready_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The simulator's ready-file as a dict (``companies`` holds realm ids and refresh tokens)."""
    return _read_json(path)


def _read_json(path: str | os.PathLike[str]) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"cannot read {path}: {exc.strerror}", key="path") from None
    except ValueError as exc:
        raise ConfigurationError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigurationError(f"{path} must hold a JSON object")
    return data


_EXPECT = {
    "api_base_url": "the accounting API base URL ending in /v3, e.g. https://quickbooks.api.intuit.com/v3",
    "client_id": "the app's OAuth client id",
    "client_secret": "the app's OAuth client secret",
    "redirect_uri": "the OAuth redirect URI registered for the app",
}
_TYPES: dict[str, Any] = {
    "api_base_url": str, "client_id": str, "client_secret": str, "redirect_uri": str, "discovery_url": str,
    "token_url": str, "revoke_url": str, "authorize_url": str, "scope": str, "minorversion": int,
    "connect_timeout": (int, float), "read_timeout": (int, float), "refresh_margin": (int, float),
    "service_item_name": str, "product_item_name": str,
}


def _describe(expected: Any) -> str:
    if expected is str:
        return "a string"
    if expected is int:
        return "a whole number"
    return "a number"


def _nested(cls: Any, name: str, value: Any) -> Any:
    if not isinstance(value, Mapping):
        raise ConfigurationError(f"configuration key {name!r} must be a table of settings, not {value!r}", key=name)
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(value) - known)
    if unknown:
        raise ConfigurationError(f"unknown configuration key '{name}.{unknown[0]}'; known: {', '.join(sorted(known))}",
                                 key=f"{name}.{unknown[0]}")
    for key, item in value.items():
        if isinstance(item, bool) and key != "jitter" or not isinstance(item, (int, float, bool)):
            raise ConfigurationError(f"configuration key '{name}.{key}' must be a number, not {item!r}",
                                     key=f"{name}.{key}")
    return cls(**value)


def _parse_number(name: str, value: str, kind: type) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise ConfigurationError(f"environment variable {ENV_PREFIX}{name.upper()} must be "
                                 f"{_describe(kind)}, not {value!r}", key=name) from None


def _check(ok: bool, key: str, expected: str, value: Any) -> None:
    if not ok:
        got = "" if value is None else f", not {value!r}"
        raise ConfigurationError(f"configuration key {key!r} must be {expected}{got}", key=key)


def _check_url(key: str, value: Any) -> None:
    _check(isinstance(value, str), key, "an http(s) URL", value)
    parts = urlsplit(value)
    _check(parts.scheme in ("http", "https") and bool(parts.netloc), key, "an http(s) URL", value)
