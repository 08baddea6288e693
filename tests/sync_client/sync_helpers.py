"""Helpers shared by the sync client tests (imported by conftest and tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from simulator.backends import DEFAULT_CLIENT
from simulator.testing import SimulatorHandle
from sync_client import RetryPolicy, SyncConfig


class FakeClock:
    """Caspen's clock, moved by tests (the simulator's clock is moved with ``advance_clock``)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Sleeps(list):
    """Records the backoff sleeps instead of sleeping (tests never wait)."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_config(sim: SimulatorHandle, **overrides: Any) -> SyncConfig:
    values: dict[str, Any] = {
        "api_base_url": sim.api_base, "discovery_url": sim.discovery_url,
        "client_id": DEFAULT_CLIENT["client_id"], "client_secret": DEFAULT_CLIENT["client_secret"],
        "redirect_uri": DEFAULT_CLIENT["redirect_uris"][0], "read_timeout": 10.0,
        "retry": RetryPolicy(max_attempts=4, backoff_base=0.001, backoff_cap=0.005),
    }
    values.update(overrides)
    return SyncConfig(**values)


def service_line(amount: str = "100.00", tax_rate: str | None = "GST", **extra: Any) -> dict[str, Any]:
    return {"description": "Consulting", "quantity": 1, "unit_price": amount, "tax_rate": tax_rate, **extra}


def api_calls(sim: SimulatorHandle, realm: str, since: int = 0) -> list[dict[str, Any]]:
    """Journal entries of the accounting API for ``realm`` after ``since``."""
    return [e for e in sim.journal(realm) if e["seq"] > since and e["path"].startswith("/v3/")]


def token_calls(sim: SimulatorHandle, since: int = 0) -> list[dict[str, Any]]:
    return [e for e in sim.journal() if e["seq"] > since and e["path"] == "/oauth2/v1/tokens/bearer"]


def last_seq(sim: SimulatorHandle) -> int:
    entries = sim.journal()
    return entries[-1]["seq"] if entries else 0
