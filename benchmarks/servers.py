"""Servers under test, each in its own process: the simulator (``qbo-sim serve``), the baseline, others.

A server in its own process has its own GIL, as in real use, and the benchmark's bookkeeping cannot
slow it down. :class:`ServerProcess` starts one, waits for its ``--ready-file`` and for it to
answer, and stops it (SIGTERM, then SIGKILL) however the benchmark ends.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests
from simulator.server import THREADS

__all__ = [
    "ServerProcess",
    "SimulatorTarget",
    "start_simulator",
    "start_baseline",
    "INVOICE_BODY",
    "rss_mb",
    "canned_bodies",
    "free_port",
    "peak_rss_mb",
    "cpu_seconds",
]

ROOT = Path(__file__).resolve().parents[1]

#: the invoice every create benchmark posts: one taxed service line, auto-numbered (AU demo company)
INVOICE_BODY: dict[str, Any] = {
    "CustomerRef": {"value": "1"},
    "Line": [
        {
            "DetailType": "SalesItemLineDetail",
            "Amount": 100.0,
            "Description": "Consulting",
            "SalesItemLineDetail": {
                "ItemRef": {"value": "1"},
                "Qty": 1,
                "UnitPrice": 100,
                "TaxCodeRef": {"value": "5"},
            },
        }
    ],
}


class ServerProcess:
    """``with ServerProcess([...cmd..., "--ready-file", READY]) as server: server.details["base_url"]``."""

    def __init__(
        self, command: list[str], *, ping: str = "/_sim/", timeout: float = 60.0, base_url: str | None = None,
        url_key: str = "base_url",
    ) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="qbo-bench-")
        self.ready_file = Path(self._dir.name) / "ready.json"
        self._log = (Path(self._dir.name) / "stderr.log").open("wb")
        self.command = [part if part != "READY" else str(self.ready_file) for part in command]
        self.ping = ping
        self.timeout = timeout
        self.process: subprocess.Popen[bytes] | None = None
        #: the ready file's key holding the server's URL (``qbo-sim serve``: base_url; the driver server: url)
        self.url_key = url_key
        #: a server that writes no ready file is told its port and found at ``base_url``
        self.details: dict[str, Any] = {url_key: base_url} if base_url else {}
        self.started_in = 0.0  #: seconds from spawning the process to its first answered request

    def start(self) -> ServerProcess:
        began = time.perf_counter()
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        deadline = began + self.timeout
        pause = 0.005  # short at first (cold start is measured from here), then backing off to 20 ms
        while not self._ready():
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{' '.join(self.command)} exited with {self.process.returncode}: {self.log()[-2000:]}"
                )
            if time.perf_counter() > deadline:
                self.stop()
                raise RuntimeError(f"{' '.join(self.command)} did not answer within {self.timeout:.0f} s")
            time.sleep(pause)
            pause = min(pause * 2, 0.02)
        self.started_in = time.perf_counter() - began
        return self

    def _ready(self) -> bool:
        if not self.details:
            try:
                self.details = json.loads(self.ready_file.read_text(encoding="utf-8"))
            except (OSError, ValueError):  # not written yet, or half-written
                return False
        try:
            return requests.get(self.details[self.url_key] + self.ping, timeout=2).status_code < 500
        except requests.RequestException:
            return False

    @property
    def base_url(self) -> str:
        return str(self.details[self.url_key])

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        self._dir.cleanup()

    def log(self) -> str:
        """What the server wrote to stderr so far."""
        self._log.flush()
        return (Path(self._dir.name) / "stderr.log").read_text(encoding="utf-8", errors="replace")

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def simulator_command(*extra: str, threads: int = THREADS) -> list[str]:
    return [
        sys.executable,
        "-m",
        "simulator",
        "serve",
        "--port",
        "0",
        "--ready-file",
        "READY",
        "--threads",
        str(threads),
        *extra,
    ]


class SimulatorTarget:
    """A running ``qbo-sim serve`` with an access token and one invoice, ready for load."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        details = server.details
        company = details["companies"][0]
        self.realm_id = company["realm_id"]
        tokens = requests.post(
            details["token_url"],
            auth=(details["client_id"], details["client_secret"]),
            data={"grant_type": "refresh_token", "refresh_token": company["refresh_token"]},
            headers={"Accept": "application/json"},
            timeout=10,
        )
        tokens.raise_for_status()
        self.headers = {
            "Authorization": f"Bearer {tokens.json()['access_token']}",
            "Accept": "application/json",
            "Content-Type": "application/json",
        }
        self.company_url = f"{details['api_base_url']}/company/{self.realm_id}"
        created = requests.post(self.create_url, json=INVOICE_BODY, headers=self.headers, timeout=10)
        created.raise_for_status()
        self.post_answer = created.content
        self.invoice_id = created.json()["Invoice"]["Id"]
        read = requests.get(self.read_url, headers=self.headers, timeout=10)
        read.raise_for_status()
        self.get_answer = read.content

    @property
    def create_url(self) -> str:
        return f"{self.company_url}/invoice?minorversion=75"

    @property
    def read_url(self) -> str:
        return f"{self.company_url}/invoice/{self.invoice_id}?minorversion=75"

    def journal_size(self) -> int:
        return int(requests.get(self.server.base_url + "/_sim/journal?limit=1", timeout=10).json()["size"])


def free_port() -> int:
    """A port that was free a moment ago (for servers that cannot be told ``--port 0``)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


_CANNED: dict[str, bytes] = {}


def canned_bodies() -> tuple[bytes, bytes]:
    """The simulator's real GET and POST invoice answers (captured once per run), for the other servers."""
    if not _CANNED:
        with ServerProcess(simulator_command()) as server:
            target = SimulatorTarget(server)
            _CANNED.update(get=target.get_answer, post=target.post_answer)
    return _CANNED["get"], _CANNED["post"]


def start_simulator(*extra: str) -> ServerProcess:
    return ServerProcess(simulator_command(*extra)).start()


def baseline_command(get_file: Path, post_file: Path) -> list[str]:
    """The bare Flask baseline serving the canned bodies in these files."""
    return [sys.executable, "-m", "benchmarks.baseline", "--port", "0", "--ready-file", "READY",
            "--get-body", str(get_file), "--post-body", str(post_file)]


def start_baseline(get_body: bytes, post_body: bytes, folder: Path) -> ServerProcess:
    get_file, post_file = folder / "get.json", folder / "post.json"
    get_file.write_bytes(get_body)
    post_file.write_bytes(post_body)
    return ServerProcess(baseline_command(get_file, post_file), ping="/ping").start()


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU time a process has used so far (``/proc/<pid>/stat``; 0 where there is none)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int | str = "self") -> float:
    """Resident set size of a process in MiB, from ``/proc/<pid>/status`` (Linux)."""
    return _status_kb(pid, "VmRSS") / 1024


def peak_rss_mb(pid: int | str = "self") -> float:
    return _status_kb(pid, "VmHWM") / 1024


def _status_kb(pid: int | str, key: str) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return float(line.split()[1])
    except OSError:
        pass
    import resource  # not Linux: the peak is all there is

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1 if sys.platform != "darwin" else 1024)
