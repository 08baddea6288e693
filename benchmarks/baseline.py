"""The baseline: a bare Flask app with the simulator's two benchmarked routes, served the same way.

``GET /v3/company/<realm>/invoice/<id>`` and ``POST /v3/company/<realm>/invoice`` over a dict behind
a lock, answering canned JSON of the same size as the simulator's answers (the benchmark captures
the simulator's real bodies and hands them over). It parses the POST body as JSON, as any API
would, and does nothing else: no auth, validation, tax, journal. It is served by waitress with the
options :class:`simulator.server.LiveServer` uses (same thread count), so a ratio to it measures the
simulator's own per-request work, not the server's.

``python -m benchmarks.baseline --port 0 --ready-file f --get-body g.json --post-body p.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import threading
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from simulator.heap import keep_heap_settled, settle_heap
from simulator.server import THREADS, create_waitress

__all__ = ["create_baseline_app", "main", "serve"]

JSON = "application/json;charset=UTF-8"


def create_baseline_app(get_body: bytes, post_body: bytes) -> Flask:
    app = Flask(__name__)
    records: dict[str, bytes] = {"1": get_body}
    lock = threading.Lock()
    ids = itertools.count(2)

    @app.get("/v3/company/<realm_id>/invoice/<entity_id>")
    def read(realm_id: str, entity_id: str) -> Response:
        with lock:
            body = records.get(entity_id)
        if body is None:
            return Response(b'{"Fault":{}}', status=400, content_type=JSON)
        return Response(body, content_type=JSON)

    @app.post("/v3/company/<realm_id>/invoice")
    def create(realm_id: str) -> Response:
        json.loads(request.get_data() or b"null")
        with lock:
            records[str(next(ids))] = post_body
        return Response(post_body, content_type=JSON)

    @app.get("/ping")
    def ping() -> Response:
        return Response(b"{}", content_type=JSON)

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.baseline")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--threads", type=int, default=THREADS)
    parser.add_argument("--ready-file", type=Path, required=True)
    parser.add_argument("--get-body", type=Path, required=True)
    parser.add_argument("--post-body", type=Path, required=True)
    args = parser.parse_args(argv)
    app = create_baseline_app(args.get_body.read_bytes(), args.post_body.read_bytes())
    server = serve(app, port=args.port, threads=args.threads)
    port = int(server.effective_port)  # type: ignore[union-attr]
    settle_heap()  # as `qbo-sim serve` does after start-up: neither server's collector walks its start-up heap
    keep_heap_settled()  # and as it grows (it stores nothing, so this never freezes here; like for like)
    args.ready_file.write_text(json.dumps({"base_url": f"http://127.0.0.1:{port}"}), encoding="utf-8")
    server.run()
    return 0


def serve(app: Flask, *, port: int = 0, threads: int = THREADS) -> Any:
    """waitress exactly as :class:`simulator.server.LiveServer` runs it (:func:`simulator.server.create_waitress`:
    the same options and channel class, so the baseline carries no handicap the simulator does not, and
    no advantage either).

    Not ``LiveServer`` itself: it also manages the simulator's own state (its ``Backends``), which a bare
    Flask app does not have.
    """
    return create_waitress(app, host="127.0.0.1", port=port, threads=threads, ident="qbo-sim",
                           clear_untrusted_proxy_headers=True)


if __name__ == "__main__":
    raise SystemExit(main())
