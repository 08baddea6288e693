"""Contract fuzzing of the simulator against its own OpenAPI document (schemathesis, in-process WSGI).

* Quick profile (default ``pytest``): ``schemathesis.toml`` as written.
* ``--thorough`` (or ``QBO_CONTRACT_THOROUGH=1``): many more examples per operation, the coverage phase on,
  longer stateful runs; aims at well over 2,000 requests across every accounting, OAuth and control route.

Every request that reaches the app is counted by a WSGI wrapper (including the extra requests schemathesis'
own checks send), and the totals are printed at the end of the run: requests, per-status counts, 5xx and
conformance failures. ``QBO_CONTRACT_REPORT=path.json`` also writes them as JSON.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from .fuzzing import QUICK, STATS, THOROUGH, ContractSimulator, Stats, print_summary


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
    """An xdist worker hands its counts to the controller (tests/conftest.py prints them for the whole run)."""
    if hasattr(session.config, "workeroutput") and STATS.requests:
        summaries = session.config.workeroutput.setdefault("summaries", {})
        summaries["contract"] = {"stats": STATS.dump(), "thorough": thorough(session.config)}


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if STATS.requests:  # the tests ran in this process (without -n)
        print_summary(terminalreporter, STATS, thorough=thorough(config))


@pytest.fixture
def contract_sim() -> ContractSimulator:
    return ContractSimulator()
