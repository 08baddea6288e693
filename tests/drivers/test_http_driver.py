"""The HTTP driver against real driver servers on loopback: the reference integration served whole, and
deliberately broken drivers (an operation missing, another protocol version, nobody listening, an
operation answering an error), each giving a message that names the driver, the operation and what it said."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from decimal import Decimal

import pytest
from broken_drivers import Crashing, NoVoid, foreign_driver
from flask import Flask

from drivers.http import HttpDriver
from drivers.loader import load_driver
from drivers.model import Company, LineSpec, QuickBooksSite
from drivers.protocol import DriverError
from drivers.reference import ReferenceDriver
from drivers.server import DriverServer, create_driver_app
from simulator.backends import DEFAULT_CLIENT
from simulator.testing import SimulatorHandle


def site(sim: SimulatorHandle) -> QuickBooksSite:
    return QuickBooksSite(api_base_url=sim.api_base, discovery_url=sim.discovery_url,
                          client_id=DEFAULT_CLIENT["client_id"], client_secret=DEFAULT_CLIENT["client_secret"],
                          redirect_uri=DEFAULT_CLIENT["redirect_uris"][0])


@pytest.fixture
def serve() -> Iterator:
    servers = []

    def start(app: Flask) -> str:
        server = DriverServer(app).start()
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.stop()


def open_driver(url: str, sim: SimulatorHandle, realm: str) -> HttpDriver:
    driver = HttpDriver(url)
    driver.handshake()
    driver.start(site(sim))
    driver.open_account(Company(realm_id=realm, country="AU"))
    return driver


def test_the_reference_integration_served_over_http_syncs_an_invoice(serve, qbo_sim: SimulatorHandle,
                                                                     qbo_company: str) -> None:
    driver = open_driver(serve(create_driver_app(ReferenceDriver, name="ref")), qbo_sim, qbo_company)
    assert driver.name.startswith("ref at http://127.0.0.1:") and "clock" in driver.capabilities
    driver.connect()
    assert driver.connection_state() == "connected"
    driver.add_tax_rate("GST", Decimal(10))
    codes = {code.name: code.id for code in driver.quickbooks_tax_codes()}
    driver.link_tax_rate("GST", codes["GST"])
    client = driver.add_client("Jo Citizen", client_id="4200042")
    draft = driver.create_draft(client.id, [LineSpec("Call-out", Decimal(1), Decimal("95.00"), tax_rate="GST")])
    edited = driver.edit_line(draft.number, 0, quantity=Decimal(2))
    assert edited.lines[0].quantity == Decimal(2)
    extra = driver.add_line(draft.number, LineSpec("Parts", Decimal(3), Decimal("10.00"), kind="product"))
    assert [line.description for line in extra.lines] == ["Call-out", "Parts"]
    assert [line.description for line in driver.delete_line(draft.number, 1).lines] == ["Call-out"]
    card = driver.finalize(draft.number)
    assert card is not None and card.state == "synced" and card.title == "Synced"
    assert driver.totals(draft.number).total == Decimal("209.00")
    assert qbo_sim.find_invoice(qbo_company, draft.number)["TotalAmt"] == 209.0
    assert [a.outcome for a in driver.failure_record(draft.number)] == ["synced"]
    with pytest.raises(DriverError, match=r'operation "delete_draft" was refused by Caspen: HTTP 422: .*'
                                          r"revert it to Draft") as refused:
        driver.delete_draft(draft.number)
    assert refused.value.kind == "refused"
    driver.close_account()
    driver.stop()


def test_an_operation_the_driver_lacks_fails_naming_it(serve, qbo_sim: SimulatorHandle, qbo_company: str) -> None:
    url = serve(create_driver_app(NoVoid))
    driver = open_driver(url, qbo_sim, qbo_company)
    assert "void" not in driver.operations
    with pytest.raises(DriverError, match=rf'^driver no-void at {url}: operation "void" is not implemented: the '
                                          r"driver does not list this operation"):
        driver.void("INV0001")
    driver.operations = driver.operations | {"void"}  # a driver whose handshake claims it: the server says no
    with pytest.raises(DriverError, match=r'operation "void" is not implemented: HTTP 404: no-void does not '
                                          r"implement void") as error:
        driver.void("INV0001")
    assert error.value.kind == "unsupported"
    driver.stop()


def test_an_operation_answering_an_error_fails_with_what_it_said(serve, qbo_sim: SimulatorHandle,
                                                                 qbo_company: str) -> None:
    url = serve(create_driver_app(Crashing))
    driver = open_driver(url, qbo_sim, qbo_company)
    with pytest.raises(DriverError, match=rf'^driver crashing at {url}: operation "totals" failed: HTTP 500: '
                                          r"RuntimeError: totals page timed out$"):
        driver.totals("INV0001")
    driver.stop()


def test_a_driver_speaking_another_protocol_version_is_refused_at_the_handshake(serve) -> None:
    url = serve(foreign_driver("2.0"))
    with pytest.raises(DriverError, match=rf'^driver {url}: operation "handshake" broke the protocol: it speaks '
                                          r"driver protocol version 2\.0; this gate speaks 1\.0"):
        load_driver(url)
    not_a_driver = serve(foreign_driver(body={"hello": "world"}))
    with pytest.raises(DriverError, match=r"did not answer a driver description .*needs the field 'name'"):
        load_driver(not_a_driver)


def test_an_unreachable_driver_is_named_with_the_address() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound but not listening: nothing answers
        with pytest.raises(DriverError, match=rf'^driver http://127.0.0.1:{port}: operation "handshake" got no '
                                              rf"answer: nothing answers at http://127.0.0.1:{port} \(connection "
                                              r"refused\); is the driver running\?") as error:
            load_driver(f"http://127.0.0.1:{port}")
    assert error.value.kind == "unreachable"
