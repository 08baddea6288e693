"""pytest plugin the gate loads (``-p harness.collector``): one JSON line per finished scenario.

It runs in the controller (also under pytest-xdist, where worker reports arrive here), so the
results file is written by one process. ``--qbo-shard i/n`` keeps every n-th scenario, counted in
node-id order, so shards on separate CI machines partition the suite exactly.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from harness import shards
from harness.bdd import RECORD_KEY
from harness.capabilities import NOT_APPLICABLE

__all__ = ["DRIVER_KEY", "JOURNAL_KEY", "NOT_APPLICABLE_OUTCOME", "parse_shard"]

JOURNAL_KEY = "qbo_journal"
#: the name of the driver the scenario ran against (set by the world)
DRIVER_KEY = "qbo_driver"
#: a scenario the driver cannot run (it lacks a capability); ``error`` holds the reason
NOT_APPLICABLE_OUTCOME = "not applicable"
_lock = threading.Lock()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("qbo-gate")
    group.addoption("--qbo-results", default=None, help="write one JSON line per scenario to this file")
    group.addoption("--qbo-shard", default=None, help="run only shard i of n (e.g. 2/4)")


def parse_shard(text: str) -> tuple[int, int]:
    """:func:`harness.shards.parse_shard`, its refusal as pytest's usage error."""
    try:
        return shards.parse_shard(text)
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    shard = config.getoption("--qbo-shard")
    if not shard:
        return
    index, total = parse_shard(shard)
    ordered = sorted(items, key=lambda item: item.nodeid)
    keep = {item.nodeid for position, item in enumerate(ordered) if position % total == index - 1}
    deselected = [item for item in items if item.nodeid not in keep]
    items[:] = [item for item in items if item.nodeid in keep]
    config.hook.pytest_deselected(items=deselected)


class _Results:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.pending: dict[str, dict[str, Any]] = {}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")

    def add(self, report: pytest.TestReport) -> None:
        entry = self.pending.setdefault(report.nodeid, {"nodeid": report.nodeid, "outcome": "passed",
                                                        "duration": 0.0, "error": None, "record": None,
                                                        "journal": []})
        entry["duration"] += report.duration
        for key, value in report.user_properties:
            if key == RECORD_KEY:
                entry["record"] = json.loads(value)
            elif key == JOURNAL_KEY:
                entry["journal"] = json.loads(value)
            elif key == DRIVER_KEY:
                entry["driver"] = value
        if report.failed and entry["outcome"] != "failed":
            entry["outcome"] = "failed"
            # the step's failure in words, with file and line (harness.bdd), else pytest's crash line
            explained = (entry["record"] or {}).get("failure") if report.when == "call" else None
            entry["error"] = explained or _short(report)
            entry["phase"] = report.when
        elif report.skipped and report.when in ("setup", "call") and entry["outcome"] == "passed":
            reason = _skip_reason(report)
            if reason.startswith(NOT_APPLICABLE):  # the driver lacks a capability the scenario needs
                entry["outcome"] = NOT_APPLICABLE_OUTCOME
                entry["error"] = reason[len(NOT_APPLICABLE):]
            else:
                entry["outcome"] = "skipped"
        if report.when == "teardown":
            with _lock, self.path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(self.pending.pop(report.nodeid)) + "\n")


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:  # (file, line, "Skipped: reason")
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr or "")


def _short(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    return text[:4000]


def pytest_configure(config: pytest.Config) -> None:
    target = config.getoption("--qbo-results")
    if target and not hasattr(config, "workerinput"):  # xdist workers send reports to the controller
        config.pluginmanager.register(_Reporter(_Results(Path(target))), "qbo-results")


class _Reporter:
    def __init__(self, results: _Results) -> None:
        self.results = results

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.results.add(report)
