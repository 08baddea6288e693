"""Who may use the inspector: loopback clients on loopback host names, and forms from its own origin."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from simulator import create_app
from simulator.backends import Backends

REMOTE = {"REMOTE_ADDR": "192.0.2.10"}


def test_non_loopback_clients_are_refused(ui: FlaskClient, sim: Backends) -> None:
    for method, url in (("GET", "/_sim/ui/"), ("GET", "/_sim/ui/journal"), ("POST", "/_sim/ui/reset")):
        response = ui.open(url, method=method, environ_base=REMOTE)
        assert response.status_code == 403 and "loopback clients only" in response.get_data(as_text=True)
    assert "9341452700000001" in sim.companies  # the refused reset did nothing


def test_ipv6_loopback_is_accepted(ui: FlaskClient) -> None:
    assert ui.get("/_sim/ui/", environ_base={"REMOTE_ADDR": "::1"}, base_url="http://[::1]:8000").status_code == 200


def test_the_control_token_lets_a_remote_client_in() -> None:
    app: Flask = create_app({"TESTING": True, "CONTROL_TOKEN": "s3cret"})
    client = app.test_client()
    assert client.get("/_sim/ui/", environ_base=REMOTE).status_code == 403
    assert client.get("/_sim/ui/", environ_base=REMOTE, headers={"X-Control-Token": "wrong"}).status_code == 403
    ok = client.get("/_sim/ui/", environ_base=REMOTE, headers={"X-Control-Token": "s3cret"},
                    base_url="http://sim.internal:8000")
    assert ok.status_code == 200
    app.extensions["qbo_simulator"].webhooks.close()


def test_non_loopback_host_names_are_refused_dns_rebinding(app: Flask, ui: FlaskClient) -> None:
    response = ui.get("/_sim/ui/", base_url="http://attacker.example:8000")
    assert response.status_code == 403 and "DNS rebinding" in response.get_data(as_text=True)
    for host in ("localhost", "127.0.0.1:8000", "sim.localhost:8000"):
        assert ui.get("/_sim/ui/", base_url=f"http://{host}").status_code == 200, host
    app.config["INSPECTOR_HOSTS"] = ["devbox"]
    assert ui.get("/_sim/ui/", base_url="http://devbox:8000").status_code == 200


def test_cross_site_posts_are_refused(ui: FlaskClient, sim: Backends) -> None:
    sim.clock.advance(1)
    refused = [{"Origin": "https://evil.example"}, {"Origin": "null"}, {"Referer": "https://evil.example/page"},
               {"Sec-Fetch-Site": "cross-site"}, {"Origin": "http://localhost:9999"}]
    for headers in refused:
        response = ui.post("/_sim/ui/clock/advance", data={"amount": "1", "unit": "days"}, headers=headers)
        assert response.status_code == 403 and "cross-site" in response.get_data(as_text=True), headers
    assert sim.clock.offset == 1
    same = [{"Origin": "http://localhost"}, {"Referer": "http://localhost/_sim/ui/"}, {"Sec-Fetch-Site": "same-origin"},
            {}]
    for headers in same:
        response = ui.post("/_sim/ui/clock/advance", data={"amount": "1", "unit": "seconds"}, headers=headers)
        assert response.status_code == 303, headers
    assert sim.clock.offset == 5


def test_gets_are_not_checked_for_origin(ui: FlaskClient) -> None:
    assert ui.get("/_sim/ui/", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 200
