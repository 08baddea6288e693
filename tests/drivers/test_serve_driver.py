"""``caspen-sync serve-driver`` as CI runs it: a ready file with the URL, the handshake, idle at ~0 CPU
(measured from the process's own counters, never wall-clock speed), a clean stop on SIGTERM, and a
clear error for a port already taken."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

IDLE_SECONDS = 3.0
BOUND = 0.10  # share of one core: a loop that never waits costs ~100 %


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


@pytest.mark.heavy
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc for another process's CPU")
def test_serve_driver_announces_itself_answers_the_handshake_idles_and_stops(tmp_path: Path) -> None:
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
        before = _cpu_seconds(process.pid)
        time.sleep(IDLE_SECONDS)
        used = _cpu_seconds(process.pid) - before
        assert used <= BOUND * IDLE_SECONDS, f"idle serve-driver used {used:.2f} s of CPU in {IDLE_SECONDS} s"
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
