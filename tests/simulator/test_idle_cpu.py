"""An idle simulator sleeps: no busy loop in the server, the webhook worker or ``qbo-sim serve``.

Measured from the process's own CPU counters (``/proc`` for a child, ``os.times`` for this process),
never from wall-clock speed. The bound is generous (10 % of one core) so a loaded machine cannot make
it flaky; a loop that never waits costs ~100 %, so the bound still fails on the bug it guards against
(waitress given ``asyncore_loop_timeout=0.25``, which it truncates to 0).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from simulator import LiveServer, create_app

IDLE_SECONDS = 3.0
BOUND = 0.10  # share of one core
#: another process's CPU counters are read from /proc (Linux); elsewhere only the LiveServer is measured
PROC = Path("/proc/self/stat").exists()


def _child_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


@pytest.mark.heavy
def test_idle_qbo_sim_serve_and_an_idle_live_server_use_almost_no_cpu(tmp_path: Path) -> None:
    """Both servers idle over the same window, so the suite waits once: ``qbo-sim serve`` in its own process
    (its ``/proc`` counters, Linux) and a ``LiveServer`` thread in this one (this process's counters; nothing
    else runs here meanwhile: this test only sleeps)."""
    ready = tmp_path / "ready.json"
    process = subprocess.Popen([sys.executable, "-m", "simulator", "serve", "--port", "0", "--ready-file",
                                str(ready)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists() or not ready.read_text():
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            assert time.monotonic() < deadline, "qbo-sim serve wrote no ready file within 60 s"
            time.sleep(0.05)
        base_url = json.loads(ready.read_text())["base_url"]
        assert requests.get(f"{base_url}/_sim/", timeout=10).status_code == 200  # it serves, then idles
        with LiveServer(create_app()) as server:
            assert requests.get(f"{server.url}/_sim/", timeout=10).status_code == 200
            child_before = _child_cpu_seconds(process.pid) if PROC else 0.0
            own_before = _own_cpu_seconds()
            time.sleep(IDLE_SECONDS)
            own_used = _own_cpu_seconds() - own_before
            child_used = _child_cpu_seconds(process.pid) - child_before if PROC else 0.0
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert own_used <= BOUND * IDLE_SECONDS, f"an idle LiveServer used {own_used:.2f} s of CPU in {IDLE_SECONDS} s"
    assert child_used <= BOUND * IDLE_SECONDS, f"idle qbo-sim serve used {child_used:.2f} s of CPU in {IDLE_SECONDS} s"
