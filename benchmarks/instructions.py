"""CPU instructions per request, counted by callgrind: the simulator against the bare-Flask baseline.

Deterministic where req/s is not: a loaded machine changes how long an instruction takes, not how many
run, so a 3 % change shows. ``python -m benchmarks.instructions`` runs itself under
``valgrind --tool=callgrind --instr-atstart=no`` once per server and prints, per route, the instructions
of ``--requests`` requests (after ``--warm`` unmeasured ones) divided by their number::

    python -m benchmarks.instructions                 # the WSGI app called in-process (no sockets)
    python -m benchmarks.instructions --http          # over waitress on loopback, one keep-alive client

In-process, a request is the WSGI call with a prepared environ (what waitress hands the app, less
``wsgi.input_terminated``); ``--http`` adds waitress and the sockets (and a small Python client in the same
process, the same for both servers). Counting starts and stops around the measured requests through
callgrind's client requests, from a helper compiled on the fly (needs ``cc`` and valgrind's headers).
Both servers answer the same invoice: the baseline serves the simulator's own GET and create answers
(:mod:`benchmarks.baseline`). Neither valgrind nor a compiler is a dependency of the project.
"""

from __future__ import annotations

import argparse
import ctypes
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

__all__ = ["main", "count"]

ROOT = Path(__file__).resolve().parents[1]
_HELPER = """
#include <valgrind/callgrind.h>
void qbo_start(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; }
void qbo_stop(const char *name) { CALLGRIND_DUMP_STATS_AT(name); CALLGRIND_STOP_INSTRUMENTATION; }
"""


def count(server: str, *, requests: int = 50, warm: int = 300, http: bool = False) -> dict[str, int]:
    """``{"get": n, "post": n}``: instructions per request for ``server`` ("simulator" or "baseline")."""
    if not shutil.which("valgrind") or not shutil.which("cc"):
        raise RuntimeError("needs valgrind and a C compiler (apt-get install valgrind gcc)")
    with tempfile.TemporaryDirectory(prefix="qbo-callgrind-") as folder:
        helper = Path(folder) / "toggle.so"
        source = Path(folder) / "toggle.c"
        source.write_text(_HELPER, encoding="utf-8")
        subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", str(helper), str(source)], check=True)
        out = Path(folder) / "callgrind.out"
        command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
                   sys.executable, "-m", "benchmarks.instructions", "--child", server, "--helper", str(helper),
                   "--requests", str(requests), "--warm", str(warm), *(["--http"] if http else [])]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"callgrind run failed: {done.stderr[-2000:]}")
        figures = {}
        for dump in Path(folder).glob("callgrind.out.*"):
            text = dump.read_text(encoding="utf-8", errors="replace")
            name = re.search(r"^desc: Trigger: Client Request: (\S+)", text, re.M)
            total = re.search(r"^totals: (\d+)", text, re.M)
            if name and total:
                figures[name.group(1)] = int(total.group(1)) // requests
        return figures


# -- the measured process (under valgrind) --------------------------------------------------------------
def _child(server: str, helper: str, requests: int, warm: int, http: bool) -> None:
    from benchmarks.servers import INVOICE_BODY
    from simulator.app import create_app
    from simulator.heap import settle_heap

    toggle = ctypes.CDLL(helper)
    app = create_app({"CONTROL_TOKEN": None})
    backends = app.extensions["qbo_simulator"]
    realm = next(iter(backends.companies))
    token = backends.oauth.connect(realm)["access_token"]
    body = json.dumps(INVOICE_BODY).encode()
    post_path = f"/v3/company/{realm}/invoice"
    created = _call(app, _environ("POST", post_path, token, body))
    get_path = f"/v3/company/{realm}/invoice/{json.loads(created)['Invoice']['Id']}"
    if server == "baseline":
        from benchmarks.baseline import create_baseline_app

        get_answer = _call(app, _environ("GET", get_path, token))
        app = create_baseline_app(get_answer, _call(app, _environ("POST", post_path, token, body)))
        get_path = f"/v3/company/{realm}/invoice/1"
    settle_heap()  # as `qbo-sim serve` (and the baseline's main) do after start-up
    routes = {"get": ("GET", get_path, b""), "post": ("POST", post_path, body)}
    for kind, (method, path, payload) in routes.items():
        if http:
            one = _http_client(app, method, path, token, payload)
            for _ in range(warm):
                one()
            toggle.qbo_start()
            for _ in range(requests):
                one()
        else:
            for _ in range(warm):
                _call(app, _environ(method, path, token, payload))
            environs = [_environ(method, path, token, payload) for _ in range(requests)]
            toggle.qbo_start()
            for environ in environs:
                _call(app, environ)
        toggle.qbo_stop(f"{kind}".encode())


def _environ(method: str, path: str, token: str, body: bytes = b"") -> dict[str, Any]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": "minorversion=75",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
        "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False, "wsgi.version": (1, 0),
        "HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT": "application/json", "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_USER_AGENT": "wrk", "HTTP_CONNECTION": "keep-alive",
    }
    if body:
        environ["CONTENT_TYPE"] = "application/json"
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ


def _call(app: Any, environ: dict[str, Any]) -> bytes:
    status: list[str] = []
    chunks = app(environ, lambda line, headers, exc_info=None: status.append(line))
    try:
        data = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    if not status or not status[0].startswith("200"):
        raise RuntimeError(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']} answered {status}: {data[:300]!r}")
    return data


def _http_client(app: Any, method: str, path: str, token: str, body: bytes) -> Any:
    """One request over a keep-alive connection to ``app`` on waitress (LiveServer's options)."""
    from benchmarks.baseline import serve

    server = serve(app, port=0)
    threading.Thread(target=server.run, daemon=True).start()
    head = (f"{method} {path}?minorversion=75 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            "Accept: application/json\r\n")
    if body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    request = (head + "\r\n").encode() + body
    connection = socket.create_connection(("127.0.0.1", int(server.effective_port)))

    def one() -> None:
        connection.sendall(request)
        data = b""
        while True:
            chunk = connection.recv(65536)
            if not chunk:
                raise RuntimeError("the server closed the connection")
            data += chunk
            header, found, rest = data.partition(b"\r\n\r\n")
            if found:
                lengths = [line for line in header.split(b"\r\n") if line.lower().startswith(b"content-length:")]
                if len(rest) >= int(lengths[0].split(b":")[1]):
                    if not header.startswith(b"HTTP/1.1 200"):
                        raise RuntimeError(header.decode("latin-1"))
                    return

    return one


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.instructions")
    parser.add_argument("--requests", type=int, default=50, help="measured requests per route (default 50)")
    parser.add_argument("--warm", type=int, default=300, help="unmeasured requests first (default 300)")
    parser.add_argument("--http", action="store_true", help="over waitress and loopback sockets")
    parser.add_argument("--child", choices=("simulator", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--helper", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.helper, args.requests, args.warm, args.http)
        return 0
    figures = {name: count(name, requests=args.requests, warm=args.warm, http=args.http)
               for name in ("simulator", "baseline")}
    where = "over waitress, one keep-alive client" if args.http else "in-process WSGI call"
    print(f"instructions per request ({where}; {args.requests} measured after {args.warm}):")
    for route, label in (("get", "GET invoice"), ("post", "POST invoice create")):
        sim, base = figures["simulator"][route], figures["baseline"][route]
        print(f"  {label:20} simulator {sim / 1000:8,.0f} k   bare Flask {base / 1000:6,.0f} k   "
              f"ratio {base / sim:.2f}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
