"""pytest fixtures for testing against the simulator (registered via the ``pytest11`` entry point).

* ``qbo_sim_app`` — a fresh in-process app per test (``app.test_client()`` for fast unit tests);
* ``qbo_sim_server`` — one real HTTP server per session (waitress on an ephemeral loopback port);
* ``qbo_sim`` — a :class:`~simulator.testing.SimulatorHandle` on that server;
* ``qbo_sim_direct`` — the same, its control calls made in-process (no socket): for step libraries that
  make many (the gate's world); API clients still use the server's URL;
* ``qbo_company`` — a new Australian company on that server for this test only, removed afterwards,
  so tests (and pytest-xdist workers) never see each other's data.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from simulator.app import create_app
from simulator.server import LiveServer
from simulator.testing import SimulatorHandle


@pytest.fixture
def qbo_sim_app() -> Iterator[Any]:
    app = create_app({"TESTING": True})
    yield app
    app.extensions["qbo_simulator"].webhooks.close()


@pytest.fixture(scope="session")
def qbo_sim_server() -> Iterator[LiveServer]:
    with LiveServer(create_app({"TESTING": True, "COMPANIES": ()})) as server:
        yield server


@pytest.fixture(scope="session")
def qbo_sim(qbo_sim_server: LiveServer) -> SimulatorHandle:
    return SimulatorHandle(qbo_sim_server.url)


@pytest.fixture(scope="session")
def qbo_sim_direct(qbo_sim_server: LiveServer) -> SimulatorHandle:
    return SimulatorHandle(qbo_sim_server.url, app=qbo_sim_server.app)


@pytest.fixture
def qbo_company(qbo_sim: SimulatorHandle) -> Iterator[str]:
    realm_id = qbo_sim.create_company("AU", customers=2)
    yield realm_id
    qbo_sim.delete_company(realm_id)
