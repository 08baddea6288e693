"""Fixtures: a Caspen account (in-memory store, injectable clock) against the live simulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sync_helpers import FakeClock, Sleeps, make_config

from simulator.testing import SimulatorHandle
from sync_client import CaspenAccount, SyncConfig


@pytest.fixture
def config(qbo_sim: SimulatorHandle) -> SyncConfig:
    return make_config(qbo_sim)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def account(config: SyncConfig, clock: FakeClock, sleeps: Sleeps) -> Iterator[CaspenAccount]:
    with CaspenAccount.open(":memory:", config=config, clock=clock, sleep=sleeps) as opened:
        yield opened


@pytest.fixture
def connected(account: CaspenAccount, qbo_company: str) -> CaspenAccount:
    account.connect_for_tests(qbo_company)
    return account


@pytest.fixture
def taxed(connected: CaspenAccount) -> CaspenAccount:
    """GST (10 %) linked to QuickBooks code 5, GST free (0 %) linked to code 6."""
    connected.add_tax_rate("GST", 10)
    connected.link_tax_rate("GST", "5")
    connected.add_tax_rate("GST free", 0)
    connected.link_tax_rate("GST free", "6")
    return connected


