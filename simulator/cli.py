"""``qbo-sim``: serve the simulator, and (as they land) run the release gate, list steps, benchmark.

Subcommands live in their own modules and register here; this file only parses arguments.
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

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="qbo-sim", description="QuickBooks Online simulator and contract-test harness")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _serve_parser(commands)
    for register in _extra_commands():
        register(commands)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    return int(args.run(args) or 0)


def _extra_commands() -> list[Any]:
    """Subcommands contributed by other modules (gate, steps, bench), when present."""
    found = []
    for module_name in ("harness.cli", "harness.starter", "drivers.cli", "benchmarks.cli"):  # optional parts
        try:
            module = __import__(module_name, fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name is not None and module_name.startswith(exc.name):
                continue  # that part is not installed
            raise
        found.append(module.register)
    return found


# -- serve ---------------------------------------------------------------------------------------------
#: simulator.server.THREADS, written out so that ``--help`` need not import waitress (a test keeps them equal)
SERVE_THREADS = 4


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def _serve_parser(commands: Any) -> None:
    serve = commands.add_parser("serve", help="serve the simulator over HTTP until interrupted")
    serve.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port; 0 picks a free one (default 8000)")
    serve.add_argument("--scenario", action="append", default=[], metavar="NAME|PATH",
                       help="load a scenario (repeatable); without it: a demo AU and a US company")
    serve.add_argument("--ready-file", type=Path, help="write connection details as JSON here once ready")
    serve.add_argument("--threads", type=_positive, default=SERVE_THREADS,
                       help=f"worker threads (default {SERVE_THREADS}, waitress' own; requests held by latency "
                            "or timeout rules get extra ones)")
    serve.add_argument("--journal-size", type=int, default=None, metavar="N",
                       help="request journal capacity (a ring buffer; default 10000)")
    serve.add_argument("--control-token", default=os.environ.get("QBO_SIM_CONTROL_TOKEN"),
                       help="allow /_sim from non-loopback clients presenting this X-Control-Token")
    serve.set_defaults(run=serve_command)


def serve_command(args: argparse.Namespace) -> int:
    from simulator.app import create_app
    from simulator.scenario import ScenarioError
    from simulator.heap import keep_heap_settled, settle_heap
    from simulator.server import LiveServer

    config: dict[str, Any] = {"CONTROL_TOKEN": args.control_token}
    if args.journal_size is not None:
        if args.journal_size < 1:
            print("qbo-sim: --journal-size must be at least 1", file=sys.stderr)
            return 2
        config["JOURNAL_SIZE"] = args.journal_size
    if args.scenario:
        config["SCENARIOS"] = tuple(args.scenario)
    try:
        app = create_app(config)
    except ScenarioError as exc:
        print(f"qbo-sim: {exc}", file=sys.stderr)
        return 2
    try:
        server = LiveServer(app, host=args.host, port=args.port, threads=args.threads)
    except OSError as exc:
        print(f"qbo-sim: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    details = connection_details(app, server.url)
    _announce(details)
    if args.ready_file:  # written aside, then renamed: a script polling for the file never reads half of it
        partial = args.ready_file.with_name(args.ready_file.name + ".partial")
        partial.write_text(json.dumps(details, indent=2) + "\n", encoding="utf-8")
        partial.replace(args.ready_file)
    stop = threading.Event()

    def _stop(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    settle_heap()
    keep_heap_settled()  # what the server stores later is frozen as it accumulates (simulator.heap)
    server.start()
    print("qbo-sim ready", flush=True)
    stop.wait()
    server.stop()
    print("qbo-sim stopped", flush=True)
    return 0


def connection_details(app: Any, base_url: str) -> dict[str, Any]:
    """What a client needs to connect; also the ``--ready-file`` JSON."""
    sim = app.extensions["qbo_simulator"]
    companies = []
    for company in sim.companies.values():
        tokens = sim.oauth.connect(company.realm_id)
        companies.append({"realm_id": company.realm_id, "name": company.name, "country": company.country,
                          "refresh_token": tokens["refresh_token"]})
    return {
        "base_url": base_url,
        "api_base_url": f"{base_url}/v3",
        "token_url": f"{base_url}/oauth2/v1/tokens/bearer",
        "revoke_url": f"{base_url}/v2/oauth2/tokens/revoke",
        "discovery_url": f"{base_url}/.well-known/openid_sandbox_configuration",
        "authorize_url": f"{base_url}/connect/oauth2",
        "control_url": f"{base_url}/_sim",
        "client_id": sim.client["client_id"],
        "client_secret": sim.client["client_secret"],
        "redirect_uri": sim.client["redirect_uris"][0],
        "companies": companies,
    }


def _announce(details: dict[str, Any]) -> None:
    lines = [
        f"QuickBooks Online simulator at {details['base_url']}",
        f"  accounting API base: {details['api_base_url']}   (python-quickbooks: qb.api_url_v3 = this)",
        f"  OpenID discovery:    {details['discovery_url']}",
        f"  client id:           {details['client_id']}",
        f"  client secret:       {details['client_secret']}   (the simulator's demo client, not a real secret)",
        f"  redirect URI:        {details['redirect_uri']}",
        "  companies:",
    ]
    lines += [f"    realm {c['realm_id']}  {c['country']}  {c['name']}" for c in details["companies"]]
    lines += ["  refresh tokens for each company are in the --ready-file JSON;",
              f"  control API: {details['control_url']}/  (docs/control-api.md)"]
    print("\n".join(lines), flush=True)
