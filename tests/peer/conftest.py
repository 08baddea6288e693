"""The peer suite (issue 15): python-quickbooks' own integration tests, unmodified, against ``qbo-sim serve``.

It runs a whole server and 65 of someone else's tests (about half a minute, a few seconds of which are the
suite's own ``time.sleep(3)`` calls), so it is a thorough-profile test: ``pytest tests/peer --peer`` (or
``QBO_PEER=1``), and always under ``CI=true``. The suite's folder is ``QBO_PEER_DIR`` or
``../shared/peer/python-quickbooks-0.9.12`` beside the repository; without it the test skips, except under
``CI=true`` where a missing prerequisite fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEFAULT_PEER_DIR = REPO.parent / "shared" / "peer" / "python-quickbooks-0.9.12"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--peer", action="store_true", default=False,
                     help="run python-quickbooks' own integration suite against qbo-sim serve (slow)")


def ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def peer_dir(request: pytest.FixtureRequest) -> Path:
    wanted = request.config.getoption("--peer") or os.environ.get("QBO_PEER") == "1" or ci()
    if not wanted:
        pytest.skip("the peer suite is thorough-profile: pytest tests/peer --peer (always under CI=true)")
    folder = Path(os.environ.get("QBO_PEER_DIR") or DEFAULT_PEER_DIR).resolve()
    if not (folder / "tests" / "integration" / "test_base.py").is_file():
        message = (f"python-quickbooks' integration suite is not at {folder} (set QBO_PEER_DIR to the folder "
                   "holding tests/integration)")
        if ci():
            pytest.fail(message)
        pytest.skip(message)
    return folder
