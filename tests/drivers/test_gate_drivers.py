"""The gate with other drivers: the whole bundled suite through the HTTP driver against
``caspen-sync serve-driver`` (same verdict and outcomes as in-process), a user's Python driver loaded
by ``module:Class`` (capabilities it lacks make scenarios not applicable, never passed), and broken
HTTP drivers (an operation missing: the scenario fails naming it; another protocol version or nobody
listening: the gate refuses to start)."""

from __future__ import annotations

import re

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from broken_drivers import NoVoid, foreign_driver

from drivers.server import DriverServer, create_driver_app
from harness.gate import GateOptions, run_gate
from tests.conftest import BUNDLED_GATE_GROUP

PYTHON = sys.executable


def outcomes(reports: Path) -> dict[str, str]:
    lines = (reports / "results.jsonl").read_text().splitlines()
    return {json.loads(line)["nodeid"]: json.loads(line)["outcome"] for line in lines}


def drivers_used(reports: Path) -> set[str]:
    return {json.loads(line).get("driver") for line in (reports / "results.jsonl").read_text().splitlines()}


@pytest.fixture
def serve_driver(tmp_path: Path) -> Iterator[str]:
    """``caspen-sync serve-driver --port 0 --ready-file F`` as CI runs it; stopped with SIGTERM afterwards."""
    ready = tmp_path / "driver.json"
    process = subprocess.Popen([PYTHON, "-m", "sync_client", "serve-driver", "--port", "0", "--ready-file",
                                str(ready)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert process.poll() is None, process.stdout.read()  # type: ignore[union-attr]
        assert time.monotonic() < deadline, "serve-driver wrote no ready file within 60 s"
        time.sleep(0.05)
    yield json.loads(ready.read_text())["url"]
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0 and "caspen-sync driver stopped" in output, output


@pytest.mark.xdist_group(BUNDLED_GATE_GROUP)
def test_the_whole_bundled_suite_through_the_http_driver_matches_in_process(tmp_path: Path, serve_driver: str,
                                                                            bundled_gate: Any) -> None:
    """The bundled suite through ``caspen-sync serve-driver`` (two gate workers sharing one driver server)
    against the same suite in-process (the run the gate's own tests read)."""
    through_http = run_gate(GateOptions(reports=tmp_path / "http", driver=serve_driver, workers="2", quiet=True))
    in_process = bundled_gate.reports["junit"].parent
    assert through_http.passed and bundled_gate.passed, through_http.output[-3000:]
    assert len(through_http.results) >= 30
    assert outcomes(tmp_path / "http") == outcomes(in_process)
    assert drivers_used(tmp_path / "http") == {f"caspen-sync reference at {serve_driver}"}
    assert drivers_used(in_process) == {"reference"}


QA_DRIVER = '''
from drivers.reference import ReferenceDriver


class NoClockCaspen(ReferenceDriver):
    """As Caspen on a staging host: its clock cannot be moved, and it cannot import QuickBooks payments."""

    name = "qa-no-clock"
    capabilities = frozenset({"historical", "credit_notes"})
'''


def gate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PYTHON, "-m", "simulator", "gate", "--quiet", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "QBO_SIM_FEATURES": ""})


@pytest.mark.heavy
def test_a_user_python_driver_loaded_by_module_class_runs_only_what_it_can(tmp_path: Path) -> None:
    (tmp_path / "qa_driver.py").write_text(QA_DRIVER)
    run = gate("--driver", "qa_driver:NoClockCaspen", "--tags", "@happy_path or @article:invalid-refresh-token",
               "-n", "2", cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    results = [json.loads(line) for line in (tmp_path / "reports" / "results.jsonl").read_text().splitlines()]
    skipped = sorted(r["record"]["scenario"]["name"] for r in results if r["outcome"] == "not applicable")
    assert skipped == ["A rotated refresh token is stored and used", "A single payment recorded in QuickBooks comes "
                       "back to Caspen", "A split payment recorded in QuickBooks is not imported", "An hour later "
                       "the access token is refreshed transparently", "The refresh token was not used for more "
                       "than 100 days"]
    assert {r["driver"] for r in results} == {"qa-no-clock"}
    assert all("lacks the capability" in r["error"] for r in results if r["outcome"] == "not applicable")
    assert {r["outcome"] for r in results} == {"passed", "not applicable"}
    assert "invalid-refresh-token" in run.stdout and "1 passed, 1 not applicable" in run.stdout
    assert re.search(r"NOT APPLICABLE  \S*connection/connection_lifecycle\.feature", run.stdout), run.stdout[-2000:]


@pytest.mark.heavy
def test_a_missing_operation_fails_the_scenario_naming_driver_and_operation(tmp_path: Path) -> None:
    with DriverServer(create_driver_app(NoVoid)) as server:
        run = gate("--driver", server.url, "--tags", "@article:voided-invoice", cwd=tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f'driver no-void at {server.url}: operation "void" is not implemented' in run.stdout
    assert "GATE FAILED" in run.stdout


@pytest.mark.parametrize("problem", ["another protocol version", "nobody listening"])
def test_the_gate_refuses_to_start_with_a_driver_it_cannot_talk_to(tmp_path: Path, problem: str) -> None:
    if problem == "another protocol version":
        with DriverServer(foreign_driver("2.0")) as server:
            run = gate("--driver", server.url, cwd=tmp_path)
        expected = "it speaks driver protocol version 2.0; this gate speaks 1.0"
    else:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            url = f"http://127.0.0.1:{sock.getsockname()[1]}"
            run = gate("--driver", url, cwd=tmp_path)
        expected = f"nothing answers at {url} (connection refused); is the driver running?"
    assert run.returncode == 2, run.stdout + run.stderr
    assert expected in run.stderr and "The gate did not start." in run.stderr
    assert not (tmp_path / "reports").exists()
