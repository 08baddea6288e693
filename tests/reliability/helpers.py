"""Helpers for the reliability suite: a sync-client config with tiny backoffs, invoices, journal counts."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from simulator.backends import DEFAULT_CLIENT
from simulator.testing import SimulatorHandle
from sync_client import CaspenAccount, RetryPolicy, SyncConfig
from sync_client.config import RateLimits

TOKEN_PATH = "/oauth2/v1/tokens/bearer"


def make_config(base_url: str, **overrides: Any) -> SyncConfig:
    """Backoffs of a millisecond (sleeps are no-ops anyway), rate limits that never wait in tests."""
    values: dict[str, Any] = {
        "api_base_url": f"{base_url}/v3", "discovery_url": f"{base_url}/.well-known/openid_sandbox_configuration",
        "client_id": DEFAULT_CLIENT["client_id"], "client_secret": DEFAULT_CLIENT["client_secret"],
        "redirect_uri": DEFAULT_CLIENT["redirect_uris"][0], "read_timeout": 10.0,
        "retry": RetryPolicy(max_attempts=4, backoff_base=0.001, backoff_cap=0.005),
        "rate_limits": RateLimits(requests_per_second=10_000, requests_per_minute=1_000_000,
                                  batches_per_minute=100_000, batch_size=30),
    }
    values.update(overrides)
    return SyncConfig(**values)


def line(amount: str = "100.00", tax_rate: str | None = "GST", **extra: Any) -> dict[str, Any]:
    return {"description": "Call-out", "quantity": 1, "unit_price": amount, "tax_rate": tax_rate, **extra}


def set_up_account(account: CaspenAccount, realm: str, *, clients: int = 3) -> list[Any]:
    """Connect, link GST to code 5, add ``clients`` clients; returns the clients."""
    account.connect_for_tests(realm)
    account.add_tax_rate("GST", 10)
    account.link_tax_rate("GST", "5")
    return [account.add_client(f"Client {n}", client_id=f"42{n:05d}") for n in range(clients)]


def backlog(account: CaspenAccount, clients: list[Any], count: int, *, start: int = 0) -> list[str]:
    """Finalized invoices that have not been pushed yet (as if QuickBooks had been down): bulk push's input."""
    numbers = []
    for n in range(count):
        invoice = account.create_invoice(clients[n % len(clients)], lines=[line(f"{10 + (start + n) % 900}.00")])
        account.store.update_document("invoices", invoice.number, status="finalized", finalized_at=account.clock())
        numbers.append(invoice.number)
    return numbers


def quickbooks_invoices(sim: SimulatorHandle, realm: str) -> dict[str, list[dict[str, Any]]]:
    """QuickBooks' invoices of ``realm`` by DocNumber (a list each, so duplicates show)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for record in sim.records(realm, "Invoice"):
        found.setdefault(record.get("DocNumber") or "", []).append(record)
    return found


def token_calls(sim: SimulatorHandle, since: int = 0) -> list[dict[str, Any]]:
    return [e for e in sim.journal() if e["seq"] > since and e["path"] == TOKEN_PATH]


def last_seq(sim: SimulatorHandle) -> int:
    entries = sim.journal(limit=1)
    return entries[-1]["seq"] if entries else 0


def rss_kib(pid: int) -> int:
    """Resident set size of a process (Linux /proc), in KiB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for row in status:
            if row.startswith("VmRSS:"):
                return int(row.split()[1])
    raise RuntimeError(f"no VmRSS for pid {pid}")


@contextmanager
def environment(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
