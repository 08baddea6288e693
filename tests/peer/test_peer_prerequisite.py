"""Under CI=true a missing peer folder fails the peer test instead of skipping it (evidence must be able to fail)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", "-rfs",
         "--confcutdir", "tests/peer", "tests/peer/test_peer_suite.py"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
        # no third-party plugins (schemathesis, hypothesis, bdd ...): they only cost start-up time here
        env={**os.environ, "QBO_PEER_DIR": str(tmp_path / "nowhere"), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", **env})


def test_missing_peer_folder_fails_under_ci_and_skips_otherwise(tmp_path: Path) -> None:
    under_ci = _run(tmp_path, CI="true")
    assert under_ci.returncode == 1, under_ci.stdout  # an error in setup: exit code 1, not 0 (skipped)
    assert "python-quickbooks' integration suite is not at" in under_ci.stdout
    locally = _run(tmp_path, CI="", QBO_PEER="1")
    assert locally.returncode == 0 and "1 skipped" in locally.stdout, locally.stdout
