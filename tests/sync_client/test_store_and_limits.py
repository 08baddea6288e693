"""The store (migrations, transactions, integrity) and the per-realm rate limiter."""

from __future__ import annotations

import sqlite3
import types

import pytest

import sync_client
from sync_client import RateLimiter, RateLimits, Store
from sync_client.domain import Client


def test_store_is_created_and_migrated_on_first_use(tmp_path):
    path = tmp_path / "s.db"
    store = Store(str(path))
    assert store.schema_version == 1 and store.integrity_check() == []
    assert store.one("PRAGMA journal_mode")[0] == "wal"
    store.close()
    reopened = Store(str(path))  # migrations are not re-applied
    assert reopened.schema_version == 1
    assert [r[0] for r in reopened.all("SELECT version FROM schema_version")] == [1]


def test_transactions_are_atomic_and_nest():
    store = Store()
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.add_client(Client("1", "Ada"))
            with store.transaction():
                store.add_client(Client("2", "Bob"))
            raise RuntimeError("crash mid-sync")
    assert store.client("1") is None and store.client("2") is None
    with pytest.raises(sqlite3.IntegrityError):
        store.add_client(Client("3", "Cy")) or store.add_client(Client("3", "Cy"))
    assert store.client("3") is not None


def test_integrity_check_reports_broken_invariants():
    store = Store()
    store.init_account(region="AU", invoice_format="INV{sequence:04d}", credit_note_format="CN{sequence:04d}",
                       adjustment_format="ADJ{sequence:04d}")
    store.add_client(Client("1", "Ada"))
    store.execute("INSERT INTO invoices (number, client_id, status, created_at, tax_mode, qbo_id) "
                  "VALUES ('INV0001', '1', 'finalized', '2024-01-01T00:00:00+00:00', 'exclusive', '7')")
    assert store.integrity_check() == ["synced invoice without a SyncToken: INV0001"]


def test_rate_limiter_keeps_within_requests_per_second_and_batches_per_minute():
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(RateLimits(requests_per_second=10, requests_per_minute=500, batches_per_minute=40),
                          clock=lambda: now[0], sleep=sleep)
    for _ in range(30):
        limiter.acquire()
    assert now[0] == pytest.approx(2.0)  # 10 free, then 20 more at 10/s
    now[0] = 1000.0
    for _ in range(45):
        limiter.acquire("batch")
    assert now[0] - 1000.0 == pytest.approx(5 * 60 / 40, rel=0.01)  # 40 free, 5 more at 40/min


def test_exported_members_are_explicit():
    """``__all__`` is exactly the package's public names, sorted (httpx's test_exported_members): a name
    imported into the package but not exported, or exported but not there, fails. Submodules are
    attributes of a package but not names it exports."""
    public = [name for name, value in vars(sync_client).items()
              if not name.startswith("_") and not isinstance(value, types.ModuleType)]
    assert sync_client.__all__ == sorted(public)
