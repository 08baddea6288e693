"""Idle servers sleep: no busy loop in the simulator's server, the webhook worker, ``qbo-sim serve`` or
``caspen-sync serve-driver`` (the driver server CI runs beside the gate).

Measured from the process's own CPU counters (``/proc`` for a child, ``os.times`` for this process),
never from wall-clock speed. The bound is generous (10 % of one core) so a loaded machine cannot make
it flaky; a loop that never waits costs ~100 % (still well above the bound when a loaded machine gives the
spinning process only a share of a core), so the bound fails on the bug it guards against (waitress given
``asyncore_loop_timeout=0.25``, which it truncates to 0). All three servers idle over one window, so the
suite waits once.
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

#: one window for every server; at 10 % its bound (0.2 s) is 20 clock ticks, a spinning loop costs ~2 s
IDLE_SECONDS = 2.0
BOUND = 0.10  # share of one core
#: another process's CPU counters are read from /proc (Linux); elsewhere only the LiveServer is measured
PROC = Path("/proc/self/stat").exists()


def _child_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def _start(tmp_path: Path, name: str, *command: str) -> tuple[subprocess.Popen[bytes], Path]:
    """``python -m <command> --port 0 --ready-file F`` with its output in a file (nothing to drain meanwhile)."""
    ready, log = tmp_path / f"{name}.json", (tmp_path / f"{name}.log").open("wb")
    with log:
        process = subprocess.Popen([sys.executable, "-m", *command, "--port", "0", "--ready-file", str(ready)],
                                   cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    return process, ready


def _ready(process: subprocess.Popen[bytes], ready: Path, name: str) -> dict[str, object]:
    deadline = time.monotonic() + 60
    while not ready.exists() or not ready.read_text():
        assert process.poll() is None, (ready.parent / f"{name}.log").read_text()
        assert time.monotonic() < deadline, f"{name} wrote no ready file within 60 s"
        time.sleep(0.05)
    return json.loads(ready.read_text())


@pytest.mark.heavy
def test_idle_servers_use_almost_no_cpu(tmp_path: Path) -> None:
    """Every server idles over the same window, so the suite waits once: ``qbo-sim serve`` and
    ``caspen-sync serve-driver`` in their own processes (their ``/proc`` counters, Linux) and a
    ``LiveServer`` thread in this one (this process's counters; nothing else runs here meanwhile: this test
    only sleeps). Each has answered a request first, so its request path has run."""
    processes = {"qbo-sim serve": _start(tmp_path, "qbo-sim-serve", "simulator", "serve")}
    if PROC:  # the driver server's CPU can only be read from /proc
        processes["serve-driver"] = _start(tmp_path, "serve-driver", "sync_client", "serve-driver")
    try:
        details = {name: _ready(process, ready, name) for name, (process, ready) in processes.items()}
        assert requests.get(f"{details['qbo-sim serve']['base_url']}/_sim/", timeout=10).status_code == 200
        if PROC:
            driver = requests.get(f"{details['serve-driver']['url']}/v1/driver", timeout=10).json()
            assert driver["name"] == "caspen-sync reference"
        with LiveServer(create_app()) as server:
            assert requests.get(f"{server.url}/_sim/", timeout=10).status_code == 200
            children_before = {name: _child_cpu_seconds(p.pid) for name, (p, _) in processes.items() if PROC}
            own_before = _own_cpu_seconds()
            time.sleep(IDLE_SECONDS)
            own_used = _own_cpu_seconds() - own_before
            children_used = {name: _child_cpu_seconds(processes[name][0].pid) - before
                             for name, before in children_before.items()}
    finally:
        for process, _ in processes.values():
            process.terminate()
        for process, _ in processes.values():
            process.wait(timeout=10)
    assert own_used <= BOUND * IDLE_SECONDS, f"an idle LiveServer used {own_used:.2f} s of CPU in {IDLE_SECONDS} s"
    for name, used in children_used.items():
        assert used <= BOUND * IDLE_SECONDS, f"idle {name} used {used:.2f} s of CPU in {IDLE_SECONDS} s"
