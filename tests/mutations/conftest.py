"""``--mutations`` (or ``QBO_MUTATIONS=1``): run the whole mutation catalogue through the gate (minutes)."""

from __future__ import annotations

import os

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--mutations", action="store_true", default=False,
                     help="run the release gate once per catalogued bug of the reference integration")


def mutations_enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("--mutations", default=False)) or os.environ.get("QBO_MUTATIONS") == "1"
