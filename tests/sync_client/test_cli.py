"""The ``caspen-sync`` command line against a simulator ready-file."""

from __future__ import annotations

import io
import json

import pytest

from simulator.backends import DEFAULT_CLIENT
from sync_client.cli import main


@pytest.fixture
def ready_file(qbo_sim, qbo_company, tmp_path):
    minted = qbo_sim.connect(qbo_company)
    path = tmp_path / "ready.json"
    path.write_text(json.dumps({
        "base_url": qbo_sim.base_url, "api_base_url": qbo_sim.api_base,
        "token_url": f"{qbo_sim.base_url}/oauth2/v1/tokens/bearer",
        "revoke_url": f"{qbo_sim.base_url}/v2/oauth2/tokens/revoke", "discovery_url": qbo_sim.discovery_url,
        "authorize_url": f"{qbo_sim.base_url}/connect/oauth2",
        "client_id": DEFAULT_CLIENT["client_id"], "client_secret": DEFAULT_CLIENT["client_secret"],
        "redirect_uri": DEFAULT_CLIENT["redirect_uris"][0],
        "companies": [{"realm_id": qbo_company, "name": "Test Co", "refresh_token": minted["refresh_token"]}]}))
    return str(path)


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out)
    return code, out.getvalue()


def test_cli_connect_push_card_retry_and_bulk(ready_file, tmp_path, qbo_sim, qbo_company, capsys):
    base = ["--store", str(tmp_path / "c.db"), "--ready-file", ready_file, "--backoff", "0.001", "--retries", "3"]
    assert run(*base, "connect")[0] == 0
    assert "connected" in run(*base, "status")[1]
    assert run(*base, "client", "add", "Ada Lovelace")[0] == 0
    assert run(*base, "tax", "add", "GST", "10")[0] == 0
    code, codes = run(*base, "tax", "codes")
    assert code == 0 and "GST" in codes and "(inactive)" in codes
    assert run(*base, "tax", "link", "GST", "5")[0] == 0

    code, out = run(*base, "invoice", "create", "1", "--finalize")  # no lines: the 2020 card
    assert "Create failed: Required param missing" in out and "retry: not offered" in out
    code, out = run(*base, "invoice", "create", "1", "--line", "Design|2|150.00|GST", "--finalize")
    assert code == 0 and "INV0002: Synced" in out
    assert "INV0002: Synced" in run(*base, "card", "INV0002")[1]
    assert run(*base, "retry", "INV0001")[0] == 2  # Retry is not offered for 2020
    assert "Retry is not offered" in capsys.readouterr().err

    qbo_sim.add_fault("ServiceUnavailable", realm_id=qbo_company, entity="Invoice", operation="create", times=9)
    for n in range(3):  # QuickBooks is down while these are finalized: a backlog with 503 cards
        out = run(*base, "invoice", "create", "1", "--line", f"Item {n}|1|{n + 1}0.00|GST", "--finalize")[1]
        assert "503 Service Temporarily Unavailable" in out and "retry: available" in out
    qbo_sim.clear_faults(qbo_company)
    code, out = run(*base, "push-all", "--plain")
    assert "4 synced, 1 failed" in out and code == 1  # INV0001 still needs its documented fix
    assert "5/5" in out
    assert qbo_sim.find_invoice(qbo_company, "INV0002")["TotalAmt"] == 330.0
    assert len(qbo_sim.records(qbo_company, "Invoice")) == 4


def test_cli_bulk_push_never_back_fills_history(ready_file, tmp_path, qbo_sim, qbo_company):
    base = ["--store", str(tmp_path / "c.db"), "--ready-file", ready_file, "--backoff", "0.001", "--retries", "3"]
    run(*base, "client", "add", "Ada")
    run(*base, "tax", "add", "GST", "10")
    run(*base, "tax", "link", "GST", "5")
    for n in range(3):  # finalized while disconnected: no sync, no card
        run(*base, "invoice", "create", "1", "--line", f"Item {n}|1|10.00|GST", "--finalize")
    assert run(*base, "connect")[0] == 0
    code, out = run(*base, "push-all", "--plain")
    assert code == 1 and "0 synced, 3 failed, 0 skipped in 0 batch request(s)" in out
    assert "Update failed: Historical invoice" in run(*base, "card", "INV0001")[1]
    assert qbo_sim.records(qbo_company, "Invoice") == []


def test_cli_malformed_config_is_one_clear_line(tmp_path, capsys):
    bad = tmp_path / "qbo.toml"
    bad.write_text('api_base_url = "not a url"\nclient_id = "x"\nclient_secret = "y"\n'
                   'redirect_uri = "http://localhost:8765/callback"\ntoken_url = "http://localhost/t"\n')
    assert main(["--store", str(tmp_path / "c.db"), "--config", str(bad), "status"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == ("caspen-sync: configuration error: configuration key 'api_base_url' must be an "
                           "http(s) URL, not 'not a url'")
    assert main(["--config", str(tmp_path / "missing.json"), "status"]) == 2
    assert "cannot read configuration file" in capsys.readouterr().err


def test_cli_unreachable_endpoint_is_one_clear_line(tmp_path, capsys):
    config = tmp_path / "qbo.json"
    config.write_text(json.dumps({
        "api_base_url": "http://127.0.0.1:9/v3", "discovery_url": "http://127.0.0.1:9/.well-known/x",
        "client_id": "x", "client_secret": "y", "redirect_uri": "http://localhost:8765/callback",
        "connect_timeout": 0.5}))
    assert main(["--store", str(tmp_path / "c.db"), "--config", str(config), "connect", "--no-browser"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("caspen-sync: QuickBooks is unreachable: Could not reach the OAuth discovery document")
    assert "Traceback" not in err
