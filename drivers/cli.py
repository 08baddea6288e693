"""Command-line parts of the drivers: ``qbo-sim driver-protocol`` and ``caspen-sync serve-driver``.

``serve-driver`` is contributed to ``caspen-sync`` through the ``caspen_sync.commands`` entry point, so
``sync_client`` itself knows nothing of drivers.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

__all__ = ["register", "register_caspen_sync", "serve_driver"]


def register(commands: Any) -> None:
    """``qbo-sim driver-protocol``."""
    protocol = commands.add_parser("driver-protocol", help="print the HTTP driver protocol (OpenAPI 3.1 JSON)")
    protocol.add_argument("--output", type=Path, help="write it to this file instead")
    protocol.set_defaults(run=_print_protocol)


def _print_protocol(args: argparse.Namespace) -> int:
    from drivers.openapi import openapi_document

    text = json.dumps(openapi_document(), indent=2) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def register_caspen_sync(commands: Any) -> None:
    """``caspen-sync serve-driver``: runs without a store or QuickBooks configuration (the gate sends them)."""
    serve = commands.add_parser("serve-driver", help="serve the reference integration behind the HTTP driver "
                                                     "protocol (for qbo-sim gate --driver http://...)")
    serve.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="port; 0 picks a free one (default 8765)")
    serve.add_argument("--ready-file", type=Path, help="write {\"url\", ...} as JSON here once serving")
    serve.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    serve.set_defaults(standalone=serve_driver)


def serve_driver(args: argparse.Namespace) -> int:
    from drivers.protocol import PROTOCOL_VERSION
    from drivers.reference import ReferenceDriver
    from drivers.server import DriverServer, create_driver_app

    app = create_driver_app(ReferenceDriver, name="caspen-sync reference")
    try:
        server = DriverServer(app, host=args.host, port=args.port, threads=args.threads)
    except OSError as exc:
        print(f"caspen-sync: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    server.start()
    details = {"url": server.url, "protocol_version": PROTOCOL_VERSION, "name": "caspen-sync reference",
               "pid": os.getpid()}
    if args.ready_file:
        partial = args.ready_file.with_name(args.ready_file.name + ".partial")
        partial.write_text(json.dumps(details, indent=2) + "\n", encoding="utf-8")
        partial.replace(args.ready_file)  # readers never see half a file
    print(f"Caspen reference integration serving the driver protocol {PROTOCOL_VERSION} at {server.url}\n"
          f"  gate it with: qbo-sim gate --driver {server.url}\ncaspen-sync driver ready", flush=True)
    stop.wait()
    server.stop()
    print("caspen-sync driver stopped", flush=True)
    return 0
