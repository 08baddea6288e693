"""Everything one simulator app holds: companies, clock, OAuth, journal, fault plan, webhooks.

One :class:`Backends` per app, stored in ``app.extensions["qbo_simulator"]``; two apps never share
state. ``reset()`` rebuilds from the app's configuration (moto's ``BaseBackend.reset``), so a
test that resets gets exactly what a fresh app would have.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from simulator.clock import SimClock
from simulator.company import Company
from simulator.encoding import EncodedRecords
from simulator.faultplan import FaultPlan
from simulator.journal import Journal
from simulator.oauth import OAuthServer
from simulator.seed import build_company
from simulator.webhooks import Webhooks

__all__ = ["Backends", "DEFAULT_COMPANIES", "DEFAULT_CLIENT"]

#: the demo companies ``qbo-sim serve`` starts with: an Australian company set up as Caspen's users
#: have theirs (custom numbers with the duplicate warning, GST and GST free, one inactive code) and a US one
DEFAULT_COMPANIES: tuple[dict[str, Any], ...] = (
    {"realm_id": "9341452700000001", "region": "AU", "name": "Harbour Plumbing Pty Ltd"},
    {"realm_id": "9341452700000002", "region": "US", "name": "Sunset Landscaping LLC"},
)
DEFAULT_CLIENT = {
    "client_id": "ABcaspenSimulatorClientId0000000000000000000001",
    "client_secret": "simulatorSecret0000000000000000000000001",
    "redirect_uris": ["http://localhost:8765/callback", "http://127.0.0.1:8765/callback",
                      "https://developer.intuit.com/v2/OAuth2Playground/RedirectUrl"],
}


class Backends:
    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self.config = dict(config or {})
        self.clock = SimClock()
        self.lock = threading.RLock()
        #: set while this app's server shuts down: held requests (latency, timeout rules) let go at once
        self.stopping = threading.Event()
        #: what a held request does with its worker while it waits: the server serving this app lends it
        #: (``simulator.server.LiveServer.spare_worker``); in-process (Flask's test client) there is none
        self.lend_worker: Callable[[], AbstractContextManager[Any]] = nullcontext
        self.journal = Journal(int(self.config.get("JOURNAL_SIZE", 10_000)))
        #: JSON of recently answered records, reused while they are current (simulator.encoding)
        self.encoded = EncodedRecords()
        self.faultplan = FaultPlan()
        self.oauth = OAuthServer(self.clock)
        self.webhooks = Webhooks(self.clock, verifier_token=self.config.get("WEBHOOK_VERIFIER_TOKEN"),
                                 retry_scale=float(self.config.get("WEBHOOK_RETRY_SCALE", 1.0)))
        self.companies: dict[str, Company] = {}
        self._initial: dict[str, dict[str, Any]] = {}
        #: configured companies as first built, by realm id: a whole-app reset restores them (see _populate)
        self._as_built: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        self._snapshots: dict[str, tuple[str, dict[str, Any]]] = {}
        self._realm_ids = itertools.count(1)
        self._snapshot_ids = itertools.count(1)
        self.client = dict(self.config.get("OAUTH_CLIENT") or DEFAULT_CLIENT)
        self._populate()

    def hold(self, seconds: float) -> None:
        """Wait like a slow QuickBooks would (latency, timeout rules): ``seconds`` at most, released at once
        when this app's server stops; the server gets a spare worker meanwhile, so other clients go on."""
        with self.lend_worker():
            self.stopping.wait(seconds)

    def _populate(self, *, as_built: bool = False) -> None:
        """The configured client, companies and scenarios. ``as_built``: configured companies with a realm id are
        restored from their first build instead of built again (see :meth:`reset`)."""
        self.oauth.add_client(self.client["client_id"], self.client["client_secret"], self.client["redirect_uris"])
        for spec in self.config.get("COMPANIES", DEFAULT_COMPANIES):
            realm_id = str(spec["realm_id"]) if spec.get("realm_id") is not None else None
            if as_built and realm_id in self._as_built:
                self._restore_as_built(realm_id)
                continue
            company = self.create_company(**spec)
            if realm_id is not None and realm_id not in self._as_built:
                identity = {"country": company.country, "name": company.name, "timezone": company.timezone}
                self._as_built[realm_id] = (identity, self._initial[realm_id])
        if self.config.get("SCENARIOS"):  # `qbo-sim serve --scenario`: part of the configuration, so reset loads them too
            from simulator.scenario import load_scenario  # here: simulator.scenario imports this module

            for scenario in self.config["SCENARIOS"]:
                load_scenario(self, scenario)

    def _restore_as_built(self, realm_id: str) -> None:
        identity, initial = self._as_built[realm_id]
        company = Company(realm_id, clock=self.clock, **identity)
        company.restore(initial)
        company.listeners.append(self.webhooks.notify)
        self.companies[realm_id] = company
        self._initial[realm_id] = initial

    # -- companies --------------------------------------------------------------------------------
    def create_company(self, *, region: str = "AU", realm_id: str | None = None, name: str | None = None,
                       customers: int = 3, custom_txn_numbers: bool | None = None, seed: int | None = None,
                       settings: dict[str, Any] | None = None) -> Company:
        with self.lock:
            if realm_id is None:
                realm_id = self._new_realm_id()
            realm_id = str(realm_id)
            if realm_id in self.companies:
                raise ValueError(f"a company with realm id {realm_id} already exists")
            if not realm_id.isdigit() or len(realm_id) > 24:
                raise ValueError(f"a realm id is a number of at most 24 digits, not {realm_id!r}")
            company = build_company(realm_id, region=region, clock=self.clock, name=name, customers=customers,
                                    custom_txn_numbers=custom_txn_numbers, seed=seed)
            if settings:
                unknown = set(settings) - set(company.settings)
                if unknown:
                    raise ValueError(f"unknown company settings {sorted(unknown)}; known: {sorted(company.settings)}")
                company.settings.update(settings)
            company.listeners.append(self.webhooks.notify)
            self.companies[realm_id] = company
            self._initial[realm_id] = company.snapshot()
            return company

    def _new_realm_id(self) -> str:
        while True:
            candidate = f"93414527{next(self._realm_ids) + 100000:08d}"
            if candidate not in self.companies:
                return candidate

    def rebase(self, realm_id: str) -> None:
        """Make a company's current state the one ``reset(realm_id)`` returns to (after seeding)."""
        with self.lock:
            self._initial[realm_id] = self.companies[realm_id].snapshot()

    def company(self, realm_id: str) -> Company | None:
        return self.companies.get(realm_id)

    def delete_company(self, realm_id: str) -> bool:
        with self.lock:
            self.oauth.revoke_realm(realm_id)
            self._initial.pop(realm_id, None)
            return self.companies.pop(realm_id, None) is not None

    # -- reset, snapshots -------------------------------------------------------------------------
    def reset(self, realm_id: str | None = None, *, as_built: bool = False) -> None:
        """One company back to how it was created, or the whole app back to its configuration.

        A whole-app reset builds the configured companies again, as a new app would: their records are created
        *now* (CDC and ``LastUpdatedTime >`` queries see them as new). ``as_built=True`` restores them from their
        first build instead: the same records, Ids and settings with the first build's MetaData times, ~0.1 ms
        against ~10 ms of Faker and entity rules a company, for a caller that resets before every one of
        hundreds of cases and never asks what changed since (tests/contract's ``fresh()``).
        """
        with self.lock:
            if realm_id is not None:
                company = self.companies[realm_id]
                company.restore(self._initial[realm_id])
                company.settings = dict(self._initial[realm_id]["settings"])
                self.faultplan.clear(realm_id)
                self.journal.clear(realm_id)
                return
            self.companies.clear()
            self._initial.clear()
            self._snapshots.clear()
            self.journal.clear()
            self.encoded.clear()
            self.faultplan.clear()
            self.clock.reset()
            self.oauth.reset()
            self.webhooks.reset()
            self._realm_ids = itertools.count(1)  # generated realm ids come out as they did at start-up
            self._populate(as_built=as_built)

    def snapshot(self, realm_id: str) -> str:
        with self.lock:
            snapshot_id = f"snap-{next(self._snapshot_ids)}"
            self._snapshots[snapshot_id] = (realm_id, self.companies[realm_id].snapshot())
            return snapshot_id

    def restore(self, snapshot_id: str) -> str:
        with self.lock:
            realm_id, snapshot = self._snapshots[snapshot_id]
            self.companies[realm_id].restore(snapshot)
            return realm_id

    def describe(self) -> dict[str, Any]:
        return {
            "companies": [c.describe() for c in self.companies.values()],
            "clock": {"now": self.clock.now().isoformat(), "offset_seconds": self.clock.offset},
            "journal": self.journal.stats(),
            "fault_rules": len(self.faultplan.rules()),
        }
