"""The world of one scenario: its own QuickBooks company, its own Caspen account, and what it refers to.

Every scenario gets a fresh company on the session's simulator (a real HTTP server on an ephemeral port)
and a fresh Caspen account with an in-memory store, so scenarios never see each other and run in parallel
under pytest-xdist. At the end, the QuickBooks traffic the scenario caused is attached to its report.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from harness.collector import JOURNAL_KEY
from simulator.backends import DEFAULT_CLIENT
from simulator.testing import SimulatorHandle
from sync_client import CaspenAccount, Client, Invoice, RetryPolicy, StatusCard, SyncConfig

__all__ = ["World", "world", "REGIONS"]

#: region words used in features → (simulator region, Caspen tax rates [(name, percent, QuickBooks code name)])
REGIONS: dict[str, tuple[str, tuple[tuple[str, int, str], ...]]] = {
    "Australia": ("AU", (("GST", 10, "GST"), ("GST free", 0, "FRE"))),
    "United Kingdom": ("UK", (("VAT", 20, "20.0% S"), ("VAT zero", 0, "0.0% Z"))),
    "Canada": ("CA", (("GST/HST", 13, "HST ON"), ("Zero-rated", 0, "Zero-rated"))),
}


class ScenarioClock:
    """Caspen's clock for the scenario; moved together with the simulator's by "time passes" steps."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class World:
    sim: SimulatorHandle
    clock: ScenarioClock = field(default_factory=ScenarioClock)
    realm_id: str | None = None
    account: CaspenAccount | None = None
    clients: dict[str, Client] = field(default_factory=dict)
    #: the scenario's subject: the first invoice it creates ("the invoice")
    invoice: Invoice | None = None
    #: the most recent one ("that invoice", "another invoice")
    latest: Invoice | None = None
    new_invoice: Invoice | None = None
    credit_note: Any = None
    invoices: list[str] = field(default_factory=list)
    journal_mark: int = 0

    # -- set-up -------------------------------------------------------------------------------------
    def open_account(self, region: str = "Australia", *, realm_id: str | None = None) -> CaspenAccount:
        sim_region, rates = REGIONS[region]
        self.realm_id = realm_id or self.sim.create_company(sim_region, customers=1)
        config = SyncConfig(api_base_url=self.sim.api_base, discovery_url=self.sim.discovery_url,
                            client_id=DEFAULT_CLIENT["client_id"], client_secret=DEFAULT_CLIENT["client_secret"],
                            redirect_uri=DEFAULT_CLIENT["redirect_uris"][0], read_timeout=10.0,
                            retry=RetryPolicy(max_attempts=3, backoff_base=0.001, backoff_cap=0.01))
        self.account = CaspenAccount.open(":memory:", config=config, region=sim_region, clock=self.clock,
                                          sleep=lambda seconds: None)
        for name, percent, _ in rates:
            self.account.add_tax_rate(name, percent)
        self.region = region
        return self.account

    def use_scenario(self, name: str) -> CaspenAccount:
        """A Caspen account for the "main" company a bundled scenario creates (its fault rules apply)."""
        loaded = self.sim.load_scenario(name)
        realm = loaded["companies"].get("main")
        if realm is None:
            raise AssertionError(f"scenario {name!r} has no company with key 'main': {loaded['companies']}")
        country = self.sim.company(realm)["country"]
        region = next(word for word, (code, _) in REGIONS.items() if code == country or (code, country) == ("UK", "GB"))
        return self.open_account(region, realm_id=realm)

    def link_default_rates(self) -> None:
        codes = {code.name: code for code in self.caspen.quickbooks_tax_codes()}
        for name, _, code_name in REGIONS[self.region][1]:
            self.caspen.link_tax_rate(name, codes[code_name])

    # -- references ---------------------------------------------------------------------------------
    @property
    def caspen(self) -> CaspenAccount:
        if self.account is None:
            raise AssertionError("no Caspen account yet: start with 'Given a Caspen account connected to ...'")
        return self.account

    @property
    def realm(self) -> str:
        if self.realm_id is None:
            raise AssertionError("no QuickBooks company yet: start with 'Given a Caspen account connected to ...'")
        return self.realm_id

    def client(self, name: str) -> Client:
        if name not in self.clients:
            raise AssertionError(f"no client named {name!r} in this scenario; add it with "
                                 f"'Given a client \"{name}\" with client id ...'")
        return self.clients[name]

    def subject(self) -> Invoice:
        if self.invoice is None:
            raise AssertionError("this scenario has no invoice yet")
        return self.caspen.invoice(self.invoice.number)

    def remember(self, invoice: Invoice) -> Invoice:
        if self.invoice is None:
            self.invoice = invoice
        self.latest = invoice
        if invoice.number not in self.invoices:
            self.invoices.append(invoice.number)
        return invoice

    def card(self, document: Any = None) -> StatusCard | None:
        return self.caspen.status_card(document if document is not None else self.subject())

    def quickbooks_invoice(self, number: str | None = None, entity: str = "Invoice") -> dict[str, Any] | None:
        doc_number = number or self.subject().number
        found = [r for r in self.sim.records(self.realm, entity) if r.get("DocNumber") == doc_number]
        return found[0] if found else None

    def mark_journal(self) -> None:
        entries = self.sim.journal()
        self.journal_mark = entries[-1]["seq"] if entries else 0

    def calls_since_mark(self) -> list[dict[str, Any]]:
        return [e for e in self.sim.journal() if e["seq"] > self.journal_mark
                and (e["realm_id"] == self.realm_id or e["path"].startswith(("/oauth2/", "/v2/oauth2/")))]

    def pass_time(self, delta: timedelta) -> None:
        self.sim.advance_clock(seconds=delta.total_seconds())
        self.clock.advance(delta)


@pytest.fixture
def world(qbo_sim: SimulatorHandle, request: pytest.FixtureRequest) -> Iterator[World]:
    """A fresh QuickBooks company and Caspen account for one scenario."""
    state = World(sim=qbo_sim)
    yield state
    if state.realm_id is not None:
        traffic = [e for e in qbo_sim.journal() if e["realm_id"] == state.realm_id]
        request.node.user_properties.append((JOURNAL_KEY, json.dumps(traffic[-200:])))
        qbo_sim.delete_company(state.realm_id)
    if state.account is not None:
        state.account.close()
