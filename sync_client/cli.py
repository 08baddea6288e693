"""``caspen-sync``: connect a QuickBooks company, push invoices, read status cards, retry, bulk push.

::

    caspen-sync --ready-file sim.json connect                  # the simulator (qbo-sim serve --ready-file)
    caspen-sync --config qbo.toml connect                      # a real app: browser + local callback
    caspen-sync client add "Ada Lovelace" --email ada@example.com
    caspen-sync tax add GST 10 && caspen-sync tax codes && caspen-sync tax link GST 5
    caspen-sync invoice create 1 --line "Design|2|150.00|GST" --finalize
    caspen-sync card INV0001 ; caspen-sync retry INV0001
    caspen-sync push-all                                       # batch requests, with a progress bar

Configuration comes from ``--ready-file``, ``--config`` (JSON/TOML) or ``CASPEN_QBO_*`` variables. The
store defaults to ``caspen.db`` (``--store``). Errors print one clear line (exit 2 for bad input or
configuration, 3 when QuickBooks cannot be reached); no tracebacks.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import webbrowser
from collections.abc import Sequence
from typing import Any, TextIO

from sync_client.account import CaspenAccount
from sync_client.config import SyncConfig, read_ready_file
from sync_client.errors import ConfigurationError, QuickBooksUnavailableError, SyncError
from sync_client.oauth import wait_for_redirect
from sync_client.status import StatusCard

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="caspen-sync", description="Caspen ↔ QuickBooks Online invoice sync")
    parser.add_argument("--store", default="caspen.db", help="SQLite store (default caspen.db)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--config", help="JSON or TOML configuration file")
    source.add_argument("--ready-file", help="the simulator's --ready-file JSON")
    parser.add_argument("--retries", type=int, help="attempts per QuickBooks request (overrides the config)")
    parser.add_argument("--backoff", type=float, help="base backoff seconds (overrides the config)")
    sub = parser.add_subparsers(dest="command", required=True)

    connect = sub.add_parser("connect", help="connect a QuickBooks company")
    connect.add_argument("--realm", help="company (realm id) from the ready-file; default: the first")
    connect.add_argument("--no-browser", action="store_true", help="print the authorization URL only")
    connect.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the redirect")
    sub.add_parser("disconnect", help="revoke the tokens and forget them")
    sub.add_parser("status", help="connection state")

    client = sub.add_parser("client", help="clients").add_subparsers(dest="action", required=True)
    add_client = client.add_parser("add")
    add_client.add_argument("name")
    add_client.add_argument("--email")
    add_client.add_argument("--address")
    add_client.add_argument("--id", dest="client_id")

    tax = sub.add_parser("tax", help="Settings → Taxes").add_subparsers(dest="action", required=True)
    add_tax = tax.add_parser("add")
    add_tax.add_argument("name")
    add_tax.add_argument("percent")
    link = tax.add_parser("link", help="Sync with QuickBooks: link a rate to a tax code Id")
    link.add_argument("name")
    link.add_argument("code_id")
    tax.add_parser("codes", help="list QuickBooks tax codes")

    invoice = sub.add_parser("invoice", help="invoices").add_subparsers(dest="action", required=True)
    create = invoice.add_parser("create")
    create.add_argument("client_id")
    create.add_argument("--line", action="append", default=[], metavar="DESC|QTY|PRICE[|RATE[|KIND]]")
    create.add_argument("--tax-mode", default="exclusive", choices=("exclusive", "inclusive", "none"))
    create.add_argument("--discount", help="'10%%' or a fixed amount")
    create.add_argument("--due-date")
    create.add_argument("--finalize", action="store_true", help="finalize (and so sync) at once")

    push = sub.add_parser("push", help="finalize a draft, or sync a finalized invoice again")
    push.add_argument("number")
    card = sub.add_parser("card", help="show an invoice's QuickBooks status card")
    card.add_argument("number")
    retry = sub.add_parser("retry", help="the card's Retry button")
    retry.add_argument("number")
    push_all = sub.add_parser("push-all", help="push every finalized invoice with batch requests")
    push_all.add_argument("--plain", action="store_true", help="plain-text progress even if rich is installed")
    sub.add_parser("import-payments", help="bring single QuickBooks payments into Caspen")
    for register in _extra_commands():
        register(sub)
    return parser


def _extra_commands() -> list[Any]:
    """Subcommands other installed packages contribute (entry point group ``caspen_sync.commands``); a
    command that sets ``standalone`` runs without opening a store or reading QuickBooks configuration."""
    from importlib.metadata import entry_points

    return [entry.load() for entry in entry_points(group="caspen_sync.commands")]


def load_config(args: argparse.Namespace) -> SyncConfig:
    if args.ready_file:
        config = SyncConfig.from_simulator_ready_file(args.ready_file)
    elif args.config:
        config = SyncConfig.from_file(args.config)
    else:
        config = SyncConfig.from_env()
    changes: dict[str, Any] = {}
    if args.retries is not None:
        changes["max_attempts"] = args.retries
    if args.backoff is not None:
        changes["backoff_base"] = args.backoff
        changes["backoff_cap"] = max(args.backoff, min(config.retry.backoff_cap, args.backoff * 16))
    if changes:
        config = dataclasses.replace(config, retry=dataclasses.replace(config.retry, **changes))
    return config


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    if getattr(args, "standalone", None) is not None:
        return int(args.standalone(args) or 0)
    try:
        config = load_config(args)
        with CaspenAccount.open(args.store, config=config) as account:
            return run(account, args, out)
    except ConfigurationError as error:
        print(f"caspen-sync: configuration error: {error}", file=sys.stderr)
        return 2
    except QuickBooksUnavailableError as error:
        print(f"caspen-sync: QuickBooks is unreachable: {error}", file=sys.stderr)
        return 3
    except SyncError as error:
        print(f"caspen-sync: {error}", file=sys.stderr)
        return 2


def run(account: CaspenAccount, args: argparse.Namespace, out: TextIO) -> int:  # noqa: C901 - a flat dispatch
    command = args.command
    if command == "connect":
        return _connect(account, args, out)
    if command == "disconnect":
        revoked = account.disconnect()
        print("disconnected" + ("" if revoked else " (Intuit did not confirm the revocation)"), file=out)
    elif command == "status":
        print(f"connection: {account.connection_state}  realm: {account.realm_id or '-'}", file=out)
    elif command == "client":
        client = account.add_client(args.name, email=args.email, address=args.address, client_id=args.client_id)
        print(f"client {client.id}: {client.full_name}", file=out)
    elif command == "tax" and args.action == "add":
        print(f"tax rate {account.add_tax_rate(args.name, args.percent).name} added", file=out)
    elif command == "tax" and args.action == "link":
        rate = account.link_tax_rate(args.name, args.code_id)
        print(f"tax rate {rate.name} linked to QuickBooks tax code {rate.qbo_tax_code_id}", file=out)
    elif command == "tax":
        for code in account.quickbooks_tax_codes():
            state = "" if code.active else "  (inactive)"
            percent = "-" if code.percent is None else f"{code.percent}%"
            print(f"{code.id:>4}  {code.name:<12} {percent:>7}  {code.description}{state}", file=out)
    elif command == "invoice":
        lines = [_parse_line(spec) for spec in args.line]
        discount = args.discount if not args.discount or args.discount.endswith("%") else {"fixed": args.discount}
        invoice = account.create_invoice(args.client_id, lines=lines, tax_mode=args.tax_mode, discount=discount,
                                         due_date=args.due_date)
        print(f"invoice {invoice.number} created (draft)", file=out)
        if args.finalize:
            _print_card(invoice.number, account.finalize(invoice), out)
    elif command == "push":
        invoice = account.invoice(args.number)
        card = account.finalize(invoice) if invoice.is_draft else account.retry(invoice)
        _print_card(args.number, card, out)
    elif command == "card":
        _print_card(args.number, account.status_card(args.number), out)
    elif command == "retry":
        _print_card(args.number, account.retry(args.number), out)
    elif command == "push-all":
        return _push_all(account, out, plain=args.plain)
    elif command == "import-payments":
        report = account.import_quickbooks_payments()
        for payment_id, number, amount in report.imported:
            print(f"imported QuickBooks payment {payment_id}: {amount} on {number}", file=out)
        print(f"{len(report.imported)} imported, {len(report.skipped_split)} split payments not imported", file=out)
    return 0


def _connect(account: CaspenAccount, args: argparse.Namespace, out: TextIO) -> int:
    if args.ready_file:
        details = read_ready_file(args.ready_file)
        companies = details.get("companies") or []
        chosen = next((c for c in companies if not args.realm or c.get("realm_id") == args.realm), None)
        if chosen is None:
            raise ConfigurationError(f"the ready-file has no company {args.realm or ''}".strip(), key="companies")
        account.connect_with_refresh_token(str(chosen["realm_id"]), str(chosen["refresh_token"]))
        account.quickbooks_tax_codes()  # proves the connection (and refreshes the token) now
        print(f"connected to QuickBooks company {chosen['realm_id']} ({chosen.get('name', '')})", file=out)
        return 0
    url = account.authorization_url()
    print(f"Open this URL to connect QuickBooks:\n  {url}", file=out)
    if args.no_browser:
        return 0
    webbrowser.open(url)
    realm = account.complete_connection(wait_for_redirect(account.config.redirect_uri, timeout=args.timeout))
    print(f"connected to QuickBooks company {realm}", file=out)
    return 0


def _parse_line(spec: str) -> dict[str, Any]:
    parts = [p.strip() for p in spec.split("|")]
    if not 3 <= len(parts) <= 5:
        raise SyncError(f"--line must look like 'Description|Qty|Price[|Tax rate[|service/product]]', not {spec!r}")
    line: dict[str, Any] = {"description": parts[0], "quantity": parts[1], "unit_price": parts[2]}
    if len(parts) >= 4 and parts[3]:
        line["tax_rate"] = parts[3]
    if len(parts) == 5 and parts[4]:
        line["kind"] = parts[4]
    return line


def _print_card(number: str, card: StatusCard | None, out: TextIO) -> None:
    if card is None:
        print(f"{number}: no QuickBooks card (draft, voided or not connected)", file=out)
        return
    print(f"{number}: {card.title}", file=out)
    if card.state == "failed":
        for label, value in (("error", card.error_text), ("code", card.code), ("intuit_tid", card.intuit_tid),
                             ("time", card.attempted_at.isoformat()),
                             ("retry", "available" if card.retry_available else "not offered"), ("fix", card.fix)):
            if value:
                print(f"  {label}: {value}", file=out)
    elif card.warning:
        print(f"  warning: {card.warning}", file=out)


def _push_all(account: CaspenAccount, out: TextIO, *, plain: bool) -> int:
    try:
        if plain:
            raise ImportError
        from rich.progress import Progress
    except ImportError:
        def progress(done: int, total: int, number: str, card: StatusCard | None) -> None:
            width = 30
            filled = int(width * done / total) if total else width
            print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {number:<12}", end="", file=out)

        report = account.push_all(progress=progress)
        print(file=out)
    else:
        with Progress(transient=False) as bar:
            task = bar.add_task("Pushing invoices", total=None)

            def progress(done: int, total: int, number: str, card: StatusCard | None) -> None:
                bar.update(task, completed=done, total=total, description=f"Pushing {number}")

            report = account.push_all(progress=progress)
    print(f"{len(report.synced)} synced, {len(report.failed)} failed, {len(report.skipped)} skipped "
          f"in {report.batches} batch request(s)", file=out)
    return 1 if report.failed else 0
