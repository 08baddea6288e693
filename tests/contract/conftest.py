"""Contract fuzzing of the simulator against its own OpenAPI document (schemathesis, in-process WSGI).

* Quick profile (default ``pytest``): ``schemathesis.toml`` as written.
* ``--thorough`` (or ``QBO_CONTRACT_THOROUGH=1``): many more examples per operation, the coverage phase on,
  longer stateful runs; aims at well over 2,000 requests across every accounting, OAuth and control route.

Every request that reaches the app is counted by a WSGI wrapper (including the extra requests schemathesis'
own checks send), and the totals are printed at the end of the run: requests, per-status counts, 5xx and
conformance failures. ``QBO_CONTRACT_REPORT=path.json`` also writes them as JSON.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from .fuzzing import QUICK, STATS, THOROUGH, ContractSimulator, Stats


def pytest_addoption(parser: pytest.Parser) -> None:
    try:
        parser.addoption(
            "--thorough",
            action="store_true",
            default=False,
            help="long profiles: contract fuzzing >= 2,000 requests with the coverage phase on",
        )
    except ValueError:  # another suite's conftest (e.g. reliability) already registered it: share the flag
        pass


def thorough(config: pytest.Config) -> bool:
    return bool(config.getoption("--thorough")) or os.environ.get("QBO_CONTRACT_THOROUGH") == "1"


@pytest.fixture(scope="session")
def profile(request: pytest.FixtureRequest) -> dict[str, Any]:
    return THOROUGH if thorough(request.config) else QUICK


@pytest.fixture(scope="session")
def contract_stats() -> Stats:
    return STATS


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker hands its counts to the controller, which prints the summary for the whole run."""
    if hasattr(session.config, "workeroutput") and STATS.requests:
        session.config.workeroutput["contract_stats"] = STATS.dump()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    dumped = getattr(node, "workeroutput", {}).get("contract_stats")
    if dumped:
        STATS.merge(dumped)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if not STATS.requests:
        return
    summary = STATS.summary()
    write = terminalreporter.write_line
    terminalreporter.section(f"contract fuzzing ({'thorough' if thorough(config) else 'quick'} profile)")
    write(
        f"requests made: {summary['requests']} ({summary['routes_hit']} method + URL rule pairs): "
        + ", ".join(f"{k} {v}" for k, v in summary["by_area"].items())
    )
    write("per status: " + ", ".join(f"{k}: {v}" for k, v in summary["statuses"].items()))
    write(f"5xx responses: {summary['server_errors']}")
    if summary["lifecycle_steps_succeeded"]:
        write(f"invoice lifecycle steps that succeeded: {summary['lifecycle_steps_succeeded']}")
    write(f"conformance failures: {summary['conformance_failures']} {summary['failures'] or ''}")
    for line in STATS.server_errors[:10]:
        write(f"  5xx: {line}")
    target = os.environ.get("QBO_CONTRACT_REPORT")
    if target:
        report = {
            **summary,
            "routes": dict(STATS.routes),
            "route_statuses": dict(sorted(STATS.route_statuses.items())),
        }
        Path(target).write_text(json.dumps(report, indent=2))


@pytest.fixture
def contract_sim() -> ContractSimulator:
    return ContractSimulator()
