"""Reliability and security suite (issue 7): a fast profile in every ``pytest`` run, a thorough one on demand.

* Fast (default): scaled-down numbers so the whole folder stays well under half a minute.
* Thorough: ``pytest tests/reliability --reliability-thorough`` (or ``QBO_THOROUGH=1``): the issue's numbers
  (1,000 invoices through chaos, ≥ 20 SIGKILLs, a ≥ 60 s soak at full load).

The option has its own name: ``tests/contract`` registers ``--thorough`` and pytest refuses an option
registered twice. Every test records what it tried in :data:`FIGURES`; the run ends with a summary and
``QBO_RELIABILITY_REPORT=path.json`` writes the figures as JSON (docs/reliability.md quotes them).
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from .profiles import FAST, THOROUGH, Figures, Profile, print_figures

FIGURES = Figures()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--reliability-thorough", action="store_true", default=False,
                     help="reliability suite: the issue's full numbers (1,000 invoices, >= 20 kills, 60 s soak)")


def thorough(config: pytest.Config) -> bool:
    return bool(config.getoption("--reliability-thorough", default=False)) or os.environ.get("QBO_THOROUGH") == "1"


@pytest.fixture(scope="session")
def profile(request: pytest.FixtureRequest) -> Profile:
    return THOROUGH if thorough(request.config) else FAST


@pytest.fixture(scope="session")
def figures() -> Figures:
    return FIGURES


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker hands its figures to the controller (tests/conftest.py prints them for the whole run)."""
    if hasattr(session.config, "workeroutput") and FIGURES.data:
        summaries = session.config.workeroutput.setdefault("summaries", {})
        summaries["reliability"] = {"figures": FIGURES.data, "thorough": thorough(session.config)}


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if FIGURES.data:  # the tests ran in this process (without -n)
        print_figures(terminalreporter, FIGURES, thorough=thorough(config))
