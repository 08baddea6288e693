"""``caspen-sync serve-driver`` as CI runs it: a ready file with the URL, the handshake, a clean stop on
SIGTERM, and a clear error for a port already taken. That it idles at ~0 CPU is measured in
tests/simulator/test_idle_cpu.py, in one idle window with the simulator's servers."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests


def test_serve_driver_announces_itself_answers_the_handshake_and_stops(tmp_path: Path) -> None:
    ready = tmp_path / "driver.json"
    process = subprocess.Popen([sys.executable, "-m", "sync_client", "serve-driver", "--port", "0", "--ready-file",
                                str(ready)], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert process.poll() is None, process.stdout.read()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "serve-driver wrote no ready file within 60 s"
            time.sleep(0.05)
        details = json.loads(ready.read_text())
        assert details["protocol_version"] == "1.0" and details["pid"] == process.pid
        info = requests.get(f"{details['url']}/v1/driver", timeout=10).json()
        assert info["name"] == "caspen-sync reference" and "finalize" in info["operations"]
        assert requests.get(f"{details['url']}/v1/openapi.json", timeout=10).json()["openapi"] == "3.1.0"
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "caspen-sync driver ready" in output and "caspen-sync driver stopped" in output
    assert f"qbo-sim gate --driver {details['url']}" in output


def test_a_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = subprocess.run([sys.executable, "-m", "sync_client", "serve-driver", "--port", str(port)],
                             capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert f"caspen-sync: cannot listen on 127.0.0.1:{port}" in run.stderr and "Traceback" not in run.stderr
