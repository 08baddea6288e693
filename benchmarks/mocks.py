"""WireMock and Prism serving the same two canned routes, beside the bare-Flask baseline.

Neither is a dependency of the project or its tests. Both install from npm (WireMock's npm package
ships the standalone jar and needs a Java 11+ runtime; Prism is Node):

    mkdir -p ~/.cache/qbo-bench-tools && cd ~/.cache/qbo-bench-tools
    npm install wiremock@3 @stoplight/prism-cli@5

The benchmark looks in ``$QBO_BENCH_TOOLS`` (default ``~/.cache/qbo-bench-tools``) and on PATH, and
marks a tool "skipped" when it is absent. WireMock runs with its request journal off (it would
otherwise grow without bound under load); Prism runs ``prism mock`` on a two-route OpenAPI document
whose examples are the simulator's own answers.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
from pathlib import Path

from benchmarks.load import run_load
from benchmarks.results import SKIPPED, Figure
from benchmarks.servers import INVOICE_BODY, ServerProcess, canned_bodies, free_port, start_baseline

__all__ = ["mocks", "tools_dir", "wiremock_jar", "prism_bin"]

GET_PATH, POST_PATH = "/v3/company/9341452700000001/invoice/1", "/v3/company/9341452700000001/invoice"


def tools_dir() -> Path:
    return Path(os.environ.get("QBO_BENCH_TOOLS", Path.home() / ".cache" / "qbo-bench-tools")).expanduser()


def wiremock_jar() -> Path | None:
    if os.environ.get("WIREMOCK_JAR"):
        return Path(os.environ["WIREMOCK_JAR"])
    found = sorted((tools_dir() / "node_modules" / "wiremock" / "build").glob("wiremock-standalone-*.jar"))
    return found[-1] if found and shutil.which("java") else None


def prism_bin() -> str | None:
    local = tools_dir() / "node_modules" / ".bin" / "prism"
    return str(local) if local.exists() else shutil.which("prism")


def _wiremock_command(folder: Path, port: int, get_body: bytes, post_body: bytes) -> list[str]:
    mappings = folder / "wiremock" / "mappings"
    mappings.mkdir(parents=True)
    headers = {"Content-Type": "application/json;charset=UTF-8"}
    stubs = [
        {
            "request": {"method": "GET", "urlPathPattern": r"/v3/company/[0-9]+/invoice/[0-9]+"},
            "response": {"status": 200, "body": get_body.decode(), "headers": headers},
        },
        {
            "request": {"method": "POST", "urlPathPattern": r"/v3/company/[0-9]+/invoice"},
            "response": {"status": 200, "body": post_body.decode(), "headers": headers},
        },
    ]
    (mappings / "invoice.json").write_text(json.dumps({"mappings": stubs}), encoding="utf-8")
    return [
        "java",
        "-jar",
        str(wiremock_jar()),
        "--port",
        str(port),
        "--bind-address",
        "127.0.0.1",
        "--root-dir",
        str(folder / "wiremock"),
        "--no-request-journal",
        "--disable-banner",
    ]


def _prism_command(folder: Path, port: int, get_body: bytes, post_body: bytes) -> list[str]:
    def answer(body: bytes) -> dict[str, object]:
        return {
            "200": {
                "description": "the simulator's answer",
                "content": {"application/json": {"schema": {"type": "object"}, "example": json.loads(body)}},
            }
        }

    document = {
        "openapi": "3.0.3",
        "info": {"title": "two canned QBO routes", "version": "1"},
        "paths": {
            "/v3/company/{realmId}/invoice/{id}": {
                "get": {
                    "parameters": [
                        {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
                        for n in ("realmId", "id")
                    ],
                    "responses": answer(get_body),
                }
            },
            "/v3/company/{realmId}/invoice": {
                "post": {
                    "parameters": [
                        {"name": "realmId", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                    "responses": answer(post_body),
                }
            },
        },
    }
    folder.mkdir(parents=True, exist_ok=True)
    spec = folder / "prism.json"
    spec.write_text(json.dumps(document), encoding="utf-8")
    return [
        str(prism_bin()),
        "mock",
        str(spec),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--errors",
        "false",
    ]


def mocks(seconds: float) -> list[Figure]:
    available = {"WireMock": wiremock_jar() is not None, "Prism": prism_bin() is not None}
    if not any(available.values()):
        return [
            Figure(
                "mocks",
                f"{name} GET/POST req/s",
                None,
                "req/s",
                verdict=SKIPPED,
                note=f"not installed (see docs/performance.md); looked in {tools_dir()} and PATH",
            )
            for name in available
        ]
    get_body, post_body = canned_bodies()
    body = json.dumps(INVOICE_BODY).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="qbo-bench-mocks-") as folder:
        baseline = start_baseline(get_body, post_body, Path(folder))
        try:
            base = {
                method: _rps(baseline.base_url, method, body, headers, seconds) for method in ("GET", "POST")
            }
        finally:
            baseline.stop()
        for name, build in (("WireMock", _wiremock_command), ("Prism", _prism_command)):
            if not available[name]:
                figures.append(_skipped(name, "not installed (see docs/performance.md)"))
                continue
            port = free_port()
            command = build(Path(folder) / name.lower(), port, get_body, post_body)
            try:
                with ServerProcess(
                    command, ping=GET_PATH, base_url=f"http://127.0.0.1:{port}", timeout=90
                ) as server:
                    for method in ("GET", "POST"):
                        _rps(server.base_url, method, body, headers, seconds)  # warm-up (JIT, caches)
                        rps = _rps(server.base_url, method, body, headers, seconds)
                        figures.append(
                            Figure(
                                "mocks",
                                f"{name} {method} invoice req/s",
                                rps,
                                "req/s",
                                baseline=base[method],
                                baseline_name=f"bare Flask {method}",
                                note="same canned answers, same load; for the README's side-by-side",
                            )
                        )
            except RuntimeError as exc:
                figures.append(_skipped(name, f"could not start: {str(exc)[:300]}"))
    return figures


def _skipped(name: str, note: str) -> Figure:
    return Figure("mocks", f"{name} GET/POST req/s", None, "req/s", verdict=SKIPPED, note=note)


def _rps(base_url: str, method: str, body: bytes, headers: dict[str, str], seconds: float) -> float:
    url = base_url + (GET_PATH if method == "GET" else POST_PATH)
    results = [
        run_load(url, method=method, body=body if method == "POST" else b"", headers=headers, seconds=seconds)
    ]
    if results[0].errors:
        raise RuntimeError(f"{results[0].errors} failed requests against {url}")
    return statistics.median(r.rps for r in results)
