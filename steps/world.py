"""The world of one scenario: its own QuickBooks company, its own Caspen account (through the driver), and
what the scenario refers to ("the invoice", "that invoice", "the credit note").

Every scenario gets a fresh company on the session's simulator (a real HTTP server on an ephemeral port)
and the driver opens a fresh Caspen account for it, so scenarios never see each other and run in
parallel under pytest-xdist. Caspen is reached only through the driver protocol (:mod:`drivers.protocol`);
which driver comes from the gate (``--driver``, passed down as ``$QBO_SIM_DRIVER``; default: the
reference integration in-process). At the end, the QuickBooks traffic the scenario caused is attached to
its report.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest

from drivers.loader import DRIVER_ENV, load_driver
from drivers.model import Client, Company, Document, QuickBooksSite, StatusCard
from drivers.protocol import CaspenDriver
from harness.collector import DRIVER_KEY, JOURNAL_KEY
from simulator.backends import DEFAULT_CLIENT
from simulator.testing import SimulatorHandle

__all__ = ["World", "world", "caspen_driver", "REGIONS"]

#: region words used in features → (simulator region, Caspen tax rates [(name, percent, QuickBooks code name)])
REGIONS: dict[str, tuple[str, tuple[tuple[str, int, str], ...]]] = {
    "Australia": ("AU", (("GST", 10, "GST"), ("GST free", 0, "FRE"))),
    "United Kingdom": ("UK", (("VAT", 20, "20.0% S"), ("VAT zero", 0, "0.0% Z"))),
    "Canada": ("CA", (("GST/HST", 13, "HST ON"), ("Zero-rated", 0, "Zero-rated"))),
    # QuickBooks US: lines are taxable (TAX) or not (NON); the rate comes from the invoice's sales tax code
    "United States": ("US", (("Sales tax", 8, "California"), ("Non-taxable", 0, "NON"))),
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.getgroup("qbo-gate").addoption(
        "--qbo-driver", default=None,
        help=f"the Caspen driver: reference (default), http://HOST:PORT or package.module:Class (${DRIVER_ENV})")


@dataclass
class World:
    sim: SimulatorHandle
    driver: CaspenDriver
    realm_id: str | None = None
    region: str = "Australia"
    account_open: bool = False
    clients: dict[str, Client] = field(default_factory=dict)
    #: the scenario's subject: the number of the first invoice it creates ("the invoice")
    invoice: str | None = None
    #: the most recent one ("that invoice", "another invoice")
    latest: str | None = None
    new_invoice: str | None = None
    credit_note: str | None = None
    #: the document the scenario last acted on (created, finalized, edited, retried, paid, voided): what
    #: "the QuickBooks status card" and "Retry on the status card" refer to
    current: str | None = None
    invoices: list[str] = field(default_factory=list)
    journal_mark: int = 0
    #: how far this scenario moved Caspen's clock (seconds; only with the driver's ``clock`` capability)
    caspen_clock_offset: float = 0.0
    #: every company the scenario made or loaded (all are removed afterwards)
    companies: list[str] = field(default_factory=list)

    # -- set-up -------------------------------------------------------------------------------------
    def open_account(self, region: str = "Australia", *, realm_id: str | None = None) -> CaspenDriver:
        """A QuickBooks company for the scenario (or ``realm_id``) and a fresh Caspen account for it,
        with the region's tax rates (not linked yet)."""
        sim_region, rates = REGIONS[region]
        self.realm_id = realm_id or self.sim.create_company(sim_region, customers=1)
        self.companies.append(self.realm_id)
        self.region = region
        self.driver.open_account(Company(realm_id=self.realm_id, country=self.sim.company(self.realm_id)["country"]))
        self.account_open = True
        for name, percent, _ in rates:
            self.driver.add_tax_rate(name, percent)
        return self.driver

    def use_scenario(self, name: str) -> CaspenDriver:
        """A Caspen account for the "main" company a bundled scenario creates (its fault rules apply)."""
        loaded = self.sim.load_scenario(name)
        realm = loaded["companies"].get("main")
        if realm is None:
            raise AssertionError(f"scenario {name!r} has no company with key 'main': {loaded['companies']}")
        country = self.sim.company(realm)["country"]
        region = next(word for word, (code, _) in REGIONS.items() if code == country or (code, country) == ("UK", "GB"))
        return self.open_account(region, realm_id=realm)

    def link_default_rates(self) -> None:
        codes = {code.name: code.id for code in self.caspen.quickbooks_tax_codes()}
        for name, _, code_name in REGIONS[self.region][1]:
            self.caspen.link_tax_rate(name, codes[code_name])

    # -- references ---------------------------------------------------------------------------------
    @property
    def caspen(self) -> CaspenDriver:
        """The driver, once the scenario has a Caspen account."""
        if not self.account_open:
            raise AssertionError("no Caspen account yet: start with 'Given a Caspen account connected to ...'")
        return self.driver

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

    @property
    def subject(self) -> str:
        """The number of "the invoice"."""
        if self.invoice is None:
            raise AssertionError("this scenario has no invoice yet")
        return self.invoice

    def document(self, number: str | None = None) -> Document:
        return self.caspen.document(number or self.subject)

    def remember(self, document: Document) -> str:
        if self.invoice is None:
            self.invoice = document.number
        self.latest = document.number
        if document.number not in self.invoices:
            self.invoices.append(document.number)
        self.current = document.number
        return document.number

    def act_on(self, number: str | None) -> str:
        """The scenario is about to act on document ``number``: it becomes "the document just acted on" and
        QuickBooks' request journal is marked, so request steps count only what this action caused."""
        if number is None:
            raise AssertionError("this scenario has no such document yet")
        self.mark_journal()
        self.current = number
        return number

    @property
    def acted_on(self) -> str:
        """The number of the document the scenario last acted on (its status card, its Retry)."""
        if self.current is None:
            raise AssertionError("this scenario has not created or acted on a document yet")
        return self.current

    def card(self, number: str | None = None) -> StatusCard | None:
        """The status card of ``number``, by default of the document the scenario last acted on."""
        return self.caspen.status_card(number or self.acted_on)

    def quickbooks_invoice(self, number: str | None = None, entity: str = "Invoice") -> dict[str, Any] | None:
        doc_number = number or self.subject
        found = [r for r in self.sim.records(self.realm, entity) if r.get("DocNumber") == doc_number]
        return found[0] if found else None

    def mark_journal(self) -> None:
        entries = self.sim.journal(limit=1)
        self.journal_mark = entries[-1]["seq"] if entries else 0

    def calls_since_mark(self) -> list[dict[str, Any]]:
        """Every API request for the scenario's company and every OAuth token/revoke request since the last
        action (the journal's ``seq`` after :meth:`mark_journal`)."""
        return [e for e in self.sim.journal(since=self.journal_mark) if e["seq"] > self.journal_mark
                and (e["realm_id"] == self.realm_id or e["path"].startswith(("/oauth2/", "/v2/oauth2/")))]

    def writes_since_mark(self, entity: str | None = None, operation: str | None = None) -> list[dict[str, Any]]:
        """The write requests (create, update, delete, void...) QuickBooks received since the last action,
        optionally only for ``entity`` (``Invoice``) and ``operation`` (``create``)."""
        return [e for e in self.calls_since_mark() if e["method"] == "POST" and e.get("entity")
                and e.get("operation") not in (None, "read", "query", "token", "revoke")
                and (entity is None or e["entity"] == entity) and (operation is None or e["operation"] == operation)]

    def pass_time(self, delta: timedelta) -> None:
        """QuickBooks' clock moves on; Caspen's too when the driver has the ``clock`` capability (scenarios
        that depend on it say ``@needs:clock``)."""
        self.sim.advance_clock(seconds=delta.total_seconds())
        if "clock" in self.driver.capabilities:
            self.caspen.advance_clock(delta.total_seconds())
            self.caspen_clock_offset += delta.total_seconds()

    def caspen_time_of(self, quickbooks_time: datetime) -> datetime:
        """Caspen's scenario clock at the moment QuickBooks' clock read ``quickbooks_time``: QuickBooks' clock
        runs ``offset_seconds`` from real time (other scenarios of the session moved it), Caspen's
        :attr:`caspen_clock_offset`."""
        offset = self.sim.clock()["offset_seconds"]
        return quickbooks_time - timedelta(seconds=offset - self.caspen_clock_offset)


@pytest.fixture(scope="session")
def caspen_driver(qbo_sim: SimulatorHandle, pytestconfig: pytest.Config) -> Iterator[CaspenDriver]:
    """The gate's driver for this session (one per xdist worker), told where QuickBooks is."""
    spec = pytestconfig.getoption("--qbo-driver", None) or os.environ.get(DRIVER_ENV) or None
    driver = load_driver(spec)
    driver.start(QuickBooksSite(api_base_url=qbo_sim.api_base, discovery_url=qbo_sim.discovery_url,
                                client_id=DEFAULT_CLIENT["client_id"], client_secret=DEFAULT_CLIENT["client_secret"],
                                redirect_uri=DEFAULT_CLIENT["redirect_uris"][0]))
    yield driver
    driver.stop()


@pytest.fixture
def world(qbo_sim_direct: SimulatorHandle, caspen_driver: CaspenDriver, request: pytest.FixtureRequest
          ) -> Iterator[World]:
    """A fresh QuickBooks company and Caspen account for one scenario. The steps' control calls (several per
    scenario) go to the simulator in-process; Caspen, through the driver, reaches it over HTTP."""
    state = World(sim=qbo_sim_direct, driver=caspen_driver)
    request.node.user_properties.append((DRIVER_KEY, caspen_driver.name))
    try:
        yield state
    finally:
        if state.realm_id is not None:
            # only this company's last 200 entries: the whole journal (up to 10,000 entries, ~14 MB of JSON)
            # made every teardown slower as a run went on (issue 16, benchmarks/gatecost.py)
            traffic = qbo_sim_direct.journal(state.realm_id, limit=200)
            request.node.user_properties.append((JOURNAL_KEY, json.dumps(traffic)))
        for realm in dict.fromkeys(state.companies):
            qbo_sim_direct.delete_company(realm)
        if state.account_open:
            caspen_driver.close_account()
