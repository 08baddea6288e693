"""tests/prerequisites.py: a missing prerequisite skips locally and fails under ``CI=true`` (and says what)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.prerequisites import in_ci

ROOT = Path(__file__).resolve().parents[1]
PROBE = '''
from tests.prerequisites import missing, require_module

def test_needs_a_browser():
    missing("no Chromium binary: apt-get install chromium")

def test_needs_a_client_package():
    require_module("a_client_package_that_is_not_installed", "pip install it", allow_module_level=False)
'''


def run_probe(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_probe.py").write_text(PROBE)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # the probe needs none of the suite's plugins (start-up time)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "--rootdir",
                           str(tmp_path), str(tmp_path / "test_probe.py")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)


def test_missing_prerequisites_skip_on_a_developer_machine(tmp_path: Path) -> None:
    done = run_probe(tmp_path, None)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "2 skipped" in done.stdout and "no Chromium binary" in done.stdout


def test_missing_prerequisites_fail_under_ci_naming_what_is_missing(tmp_path: Path) -> None:
    done = run_probe(tmp_path, "true")
    assert done.returncode == 1, done.stdout[-3000:]
    assert "2 failed" in done.stdout
    assert "CI=true and a prerequisite is missing: no Chromium binary: apt-get install chromium" in done.stdout
    assert "a_client_package_that_is_not_installed" in done.stdout and "pip install it" in done.stdout


def test_in_ci_reads_the_ci_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    for value, expected in (("true", True), ("1", True), ("yes", True), ("false", False), ("", False)):
        monkeypatch.setenv("CI", value)
        assert in_ci() is expected, value
    monkeypatch.delenv("CI")
    assert in_ci() is False
