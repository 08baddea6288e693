"""``qbo-sim gate``, ``qbo-sim gate-merge`` and ``qbo-sim steps`` (registered into :mod:`simulator.cli`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["register"]


def register(commands: Any) -> None:
    gate = commands.add_parser("gate", help="run every feature against a fresh simulator; fail unless every "
                                            "article case has a passing scenario")
    gate.add_argument("--reports", type=Path, default=Path("reports"),
                      help="folder for junit.xml, cucumber.json, report.html, coverage.json/.md (default ./reports)")
    gate.add_argument("--tags", help="run scenarios matching a tag expression, e.g. "
                                     "'@article:duplicate-document-number and not @wip'")
    gate.add_argument("-n", "--workers", default=None, metavar="N|auto",
                      help="run scenarios in parallel with pytest-xdist (e.g. auto)")
    gate.add_argument("--shard", metavar="I/N", help="run shard I of N (combine with `qbo-sim gate-merge`)")
    gate.add_argument("--quiet", action="store_true", help="no progress bar")
    gate.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                      help="feature files or folders to run (default: the bundled article suite)")
    gate.add_argument("--driver", metavar="SPEC", default=None,
                      help="the Caspen integration to gate: reference (default, in-process), http://HOST:PORT "
                           "(the HTTP driver protocol) or package.module:ClassName (docs/driver-guide.md)")
    gate.add_argument("--with-bundled", action="store_true",
                      help="run the bundled article suite too, with the PATHs (one verdict over both)")
    gate.add_argument("--steps", action="append", default=[], metavar="MODULE",
                      help="also register your own step module, or any other pytest plugin your steps need (importable "
                           "from this folder; repeatable): the gate does not load installed plugins by itself")
    gate.set_defaults(run=_gate)

    merge = commands.add_parser("gate-merge", help="merge the results of sharded gate runs into one verdict")
    merge.add_argument("folders", nargs="+", type=Path, help="report folders of the shards")
    merge.add_argument("--reports", type=Path, default=Path("reports"), help="folder for the merged reports")
    merge.set_defaults(run=_merge)

    steps = commands.add_parser("steps", help="print the step catalogue for writing .feature files")
    steps.add_argument("--markdown", type=Path, help="also write it as Markdown here")
    steps.add_argument("--html", type=Path, help="also write it as HTML here")
    steps.add_argument("--search", metavar="WORDS", help="only steps whose pattern, description, example or "
                                                         "accepted values contain every word")
    steps.set_defaults(run=_steps)


def _gate(args: argparse.Namespace) -> int:
    from harness.gate import GateOptions, render_table, run_gate
    from harness.shards import parse_shard

    if args.shard is not None:  # "" too: an empty value is a mistake, not "no sharding"
        try:
            parse_shard(args.shard)
        except ValueError as exc:
            print(f"qbo-sim gate: {exc}", file=sys.stderr)
            return 2
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        print(f"qbo-sim gate: no such feature file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    problem = _check_driver(args.driver)
    if problem:
        print(f"qbo-sim gate: {problem}\nThe gate did not start.", file=sys.stderr)
        return 2
    features = tuple(args.paths)
    if args.with_bundled and features:
        from harness.gate import BUNDLED_FEATURES

        features = (BUNDLED_FEATURES, *features)
    outcome = run_gate(GateOptions(reports=args.reports, tags=args.tags, workers=args.workers, shard=args.shard,
                                   quiet=args.quiet, features=features, driver=args.driver, steps=tuple(args.steps)))
    if not outcome.results:
        print("qbo-sim gate: no scenario ran. pytest said:\n" + outcome.output[-4000:], file=sys.stderr)
        if "unrecognized arguments" in outcome.output:
            print("The gate's pytest loads only its own plugins (harness.gate.GATE_PLUGINS), not every installed "
                  "one: an option of another plugin (in PYTEST_ADDOPTS, say) needs that plugin loaded with "
                  "--steps MODULE.", file=sys.stderr)
        return 2 if outcome.pytest_exit in (2, 3, 4) else 1
    failed = [r for r in outcome.results if r.outcome == "failed"]
    for result in failed:  # file:line and the reason in words (harness.explain), as in every report
        print(f"FAILED  {result.feature_file} — {result.title}")
        print("\n".join(f"        {line}" for line in (result.error or "failed").splitlines()[:20]))
    print(render_table(outcome.results, partial=bool(args.tags or args.shard)))
    counts = {k: sum(r.outcome == k for r in outcome.results)
              for k in ("passed", "failed", "skipped", "not applicable")}
    for result in (r for r in outcome.results if r.outcome == "not applicable"):
        print(f"NOT APPLICABLE  {result.feature_file} — {result.name}\n        {result.error}")
    print(f"\n{len(outcome.results)} scenarios: {counts['passed']} passed, {counts['failed']} failed, "
          f"{counts['skipped']} skipped, {counts['not applicable']} not applicable. "
          f"Reports: {', '.join(str(p) for p in outcome.reports.values())}")
    print("GATE PASSED" if outcome.passed else "GATE FAILED")
    return outcome.exit_code


def _check_driver(spec: str | None) -> str | None:
    """Before any scenario: can the driver be loaded, and does an HTTP driver answer in our protocol version?"""
    from drivers.loader import DriverSpecError, check_driver
    from drivers.protocol import DriverError

    try:
        check_driver(spec)
    except (DriverSpecError, DriverError) as exc:
        return str(exc)
    return None


def _merge(args: argparse.Namespace) -> int:
    from harness.gate import merge, render_table

    try:
        outcome = merge(args.folders, args.reports)
    except (FileNotFoundError, ValueError) as exc:
        print(f"qbo-sim gate-merge: {exc}", file=sys.stderr)
        return 2
    print(render_table(outcome.results))
    print("GATE PASSED" if outcome.passed else "GATE FAILED")
    return outcome.exit_code


def _steps(args: argparse.Namespace) -> int:
    from harness.catalogue import catalogue, render_html, render_markdown, render_text, search

    entries = catalogue()
    if args.search:
        entries = search(entries, args.search)
        if not entries:
            print(f"No step mentions {args.search!r} (searched patterns, descriptions, examples and values). "
                  "Try one shorter word, or run `qbo-sim steps` for the whole catalogue.", file=sys.stderr)
            return 1
    print(render_text(entries, values=not args.search))
    if args.markdown:
        args.markdown.write_text(render_markdown(entries), encoding="utf-8")
    if args.html:
        args.html.write_text(render_html(entries), encoding="utf-8")
    return 0
