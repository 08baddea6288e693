"""Webhooks (signed, retried) and ``qbo-sim serve`` as a real process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

from simulator import LiveServer, create_app
from simulator.webhooks import verify
from tests.conftest import QBOApi

VERIFIER = "test-verifier-token"


class Receiver:
    """A webhook endpoint that verifies signatures and fails the first ``failures`` deliveries."""

    def __init__(self, failures: int = 0) -> None:
        self.received: list[dict] = []
        self.rejected = 0
        self.failures = failures
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if not verify(body, self.headers.get("intuit-signature", ""), VERIFIER):
                    receiver.rejected += 1
                    self.send_response(401)
                elif receiver.failures > 0:
                    receiver.failures -= 1
                    self.send_response(500)
                else:
                    receiver.received.append(json.loads(body))
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 5) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)


def test_entity_changes_are_posted_signed_and_retried() -> None:
    app = create_app({"WEBHOOK_VERIFIER_TOKEN": VERIFIER, "WEBHOOK_RETRY_SCALE": 0.001})
    receiver = Receiver(failures=2)
    with LiveServer(app) as server:
        from simulator.testing import SimulatorHandle

        sim = SimulatorHandle(server.url)
        realm = "9341452700000001"
        sim.subscribe_webhooks(realm, receiver.url, entities=["Invoice"])
        api = QBOApi(sim, realm)
        invoice = api.post("invoice", api.invoice_body("W1")).json()["Invoice"]
        receiver.wait_for(1)
        assert receiver.received == [{"eventNotifications": [{"realmId": realm, "dataChangeEvent": {"entities": [
            {"name": "Invoice", "id": invoice["Id"], "operation": "Create",
             "lastUpdated": invoice["MetaData"]["LastUpdatedTime"]}]}}]}]
        deadline = time.monotonic() + 5
        while (delivery := sim.webhooks(realm)["deliveries"][0])["state"] != "delivered" \
                and time.monotonic() < deadline:
            time.sleep(0.02)
        assert [a.get("status") for a in delivery["attempts"]] == [500, 500, 200]
    receiver.server.shutdown()
    receiver.server.server_close()


def test_a_tampered_payload_fails_verification() -> None:
    from simulator.webhooks import sign

    body = b'{"eventNotifications": []}'
    signature = sign(body, VERIFIER)
    assert verify(body, signature, VERIFIER)
    assert not verify(body.replace(b"[]", b"[1]"), signature, VERIFIER)
    assert not verify(body, signature, "another-token")


def test_serve_prints_connection_details_writes_the_ready_file_and_stops_cleanly(tmp_path: Path) -> None:
    ready = tmp_path / "ready.json"
    process = subprocess.Popen([sys.executable, "-m", "simulator", "serve", "--port", "0", "--ready-file", str(ready),
                                "--scenario", "duplicate-document-number"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               cwd=Path(__file__).resolve().parents[2], env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 20
        while not ready.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        details = json.loads(ready.read_text())
        assert set(details) >= {"base_url", "token_url", "revoke_url", "discovery_url", "client_id", "client_secret",
                                "redirect_uri", "companies"}
        company = details["companies"][0]
        assert company["country"] == "AU" and company["refresh_token"].startswith("RT1-")
        tokens = requests.post(details["token_url"], data={"grant_type": "refresh_token",
                                                           "refresh_token": company["refresh_token"]},
                               auth=(details["client_id"], details["client_secret"]), timeout=10).json()
        info = requests.get(f"{details['base_url']}/v3/company/{company['realm_id']}/companyinfo/1",
                            headers={"Authorization": f"Bearer {tokens['access_token']}",
                                     "Accept": "application/json"}, timeout=10)
        assert info.json()["CompanyInfo"]["Country"] == "AU"
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    assert "qbo-sim ready" in out and "qbo-sim stopped" in out
    assert f"realm {company['realm_id']}" in out
    assert company["refresh_token"] not in out + err  # tokens only in the ready file


def test_serve_with_a_bad_scenario_fails_with_a_clear_message() -> None:
    result = subprocess.run([sys.executable, "-m", "simulator", "serve", "--port", "0", "--scenario", "nope"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "nope: no bundled scenario of that name" in result.stderr and "Traceback" not in result.stderr
