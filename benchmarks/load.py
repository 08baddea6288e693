"""Load generation: ``wrk`` when installed, else a multi-process Python client; and its own ceiling.

Both keep 32 keep-alive connections busy (a closed loop: each connection sends its next request
as soon as the answer arrives) and report requests/s with the p50/p99 latency of those requests.
``wrk`` is C and epoll and spends a few percent of a core at the rates a Python server reaches,
so it does not steal the CPU the server needs on a 2-core machine; the Python client does, and
the table says which one ran. :func:`ceiling` measures the generator against a trivial asyncio
server that answers a canned response, which is a lower bound of what the generator can drive.

Install wrk with ``apt-get install wrk`` (Debian/Ubuntu) or ``brew install wrk``.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["LoadResult", "run_load", "generator_name", "ceiling_server", "percentile"]

CONNECTIONS = 32


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    errors: int  # socket errors, timeouts and non-2xx answers
    p50_ms: float
    p99_ms: float
    generator: str

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def generator_name() -> str:
    return "wrk" if shutil.which("wrk") else "python"


def run_load(
    url: str,
    *,
    method: str = "GET",
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    seconds: float = 5.0,
    connections: int = CONNECTIONS,
    generator: str | None = None,
) -> LoadResult:
    """Drive ``url`` with ``connections`` concurrent keep-alive clients for ``seconds``."""
    generator = generator or generator_name()
    if generator == "wrk":
        return _wrk(url, method, body, headers or {}, seconds, connections)
    return _python(url, method, body, headers or {}, seconds, connections)


# -- wrk ------------------------------------------------------------------------------------------------
_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH_JSON {"requests":%d,"duration_us":%d,"errors":%d,"p50_us":%d,"p99_us":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def _lua_string(text: str) -> str:
    level = "=" * 4
    while f"]{level}]" in text:
        level += "="
    return f"[{level}[{text}]{level}]"


def _wrk(
    url: str, method: str, body: bytes, headers: dict[str, str], seconds: float, connections: int
) -> LoadResult:
    lines = [f"wrk.method = {_lua_string(method)}"]
    if body:
        lines.append(f"wrk.body = {_lua_string(body.decode('utf-8'))}")
    lines += [f"wrk.headers[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in headers.items()]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lines) + _DONE)
    try:
        threads = max(1, min(2, connections))
        completed = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
    finally:
        os.unlink(script.name)
    found = re.search(r"^BENCH_JSON (.*)$", completed.stdout, re.MULTILINE)
    if not found:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr or completed.stdout}")
    data = json.loads(found.group(1))
    return LoadResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=data["errors"],
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        generator="wrk",
    )


# -- the Python client ----------------------------------------------------------------------------------
def _python(
    url: str, method: str, body: bytes, headers: dict[str, str], seconds: float, connections: int
) -> LoadResult:
    processes = max(1, min(os.cpu_count() or 1, connections))
    per_process = [
        connections // processes + (1 if i < connections % processes else 0) for i in range(processes)
    ]
    context = multiprocessing.get_context("spawn")
    deadline = time.time() + 1.0 + seconds  # a second for the workers to start
    with context.Pool(processes) as pool:
        parts = pool.starmap(_python_worker, [(url, method, body, headers, n, deadline) for n in per_process])
    latencies = sorted(lat for part in parts for lat in part[0])
    errors = sum(part[1] for part in parts)
    return LoadResult(
        requests=len(latencies),
        seconds=seconds,
        errors=errors,
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        generator="python",
    )


def _python_worker(
    url: str, method: str, body: bytes, headers: dict[str, str], threads: int, deadline: float
) -> tuple[list[float], int]:
    import threading

    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    results: list[tuple[list[float], int]] = []

    def client() -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        latencies, errors = [], 0
        while (now := time.time()) < deadline:
            try:
                connection.request(method, path, body=body or None, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status >= 300:
                    errors += 1
                else:
                    latencies.append(time.time() - now)
            except (OSError, http.client.HTTPException):
                errors += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        connection.close()
        results.append((latencies, errors))

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return [lat for r in results for lat in r[0]], sum(r[1] for r in results)


def percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(pct / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


# -- the generator's ceiling ----------------------------------------------------------------------------
def ceiling_server(ready_file: Path, body_size: int) -> None:
    """A trivial asyncio HTTP/1.1 server answering every request with a canned body, until killed."""
    body = b"{" + b" " * max(0, body_size - 2) + b"}"
    answer = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )

    class Answer(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = transport
            self.buffer = b""

        def data_received(self, data: bytes) -> None:
            self.buffer += data
            count = self.buffer.count(b"\r\n\r\n")  # GET requests only: no bodies to skip
            if count:
                self.buffer = self.buffer[self.buffer.rfind(b"\r\n\r\n") + 4 :]
                self.transport.write(answer * count)  # type: ignore[attr-defined]

    async def serve() -> None:
        server = await asyncio.get_running_loop().create_server(Answer, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        ready_file.write_text(json.dumps({"base_url": f"http://127.0.0.1:{port}"}), encoding="utf-8")
        await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":  # python -m benchmarks.load READY_FILE BODY_SIZE: the ceiling server
    ceiling_server(Path(sys.argv[1]), int(sys.argv[2]))
