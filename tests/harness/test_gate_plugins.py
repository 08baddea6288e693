"""The gate loads only its own pytest plugins: one installed in the environment cannot change a verdict."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.gate import GateOptions, _command, run_gate

INTRUDER = '''
import os
import pathlib

pathlib.Path(os.environ["INTRUDER_MARK"]).write_text("loaded")


def pytest_runtest_call(item):
    raise AssertionError("the intruder plugin ran")
'''


@pytest.fixture
def intruder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A pytest plugin installed the way pip installs one (a distribution with a ``pytest11`` entry point)
    that fails every test it sees; returns the file it writes when pytest loads it."""
    site = tmp_path / "site"
    (site / "intruder-1.0.dist-info").mkdir(parents=True)
    (site / "intruder_plugin.py").write_text(INTRUDER)
    (site / "intruder-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: intruder\nVersion: 1.0\n")
    (site / "intruder-1.0.dist-info" / "entry_points.txt").write_text("[pytest11]\nintruder = intruder_plugin\n")
    monkeypatch.setenv("PYTHONPATH", str(site))
    mark = tmp_path / "intruder-loaded"
    monkeypatch.setenv("INTRUDER_MARK", str(mark))
    return mark


@pytest.mark.heavy
def test_an_installed_plugin_is_one_pytest_would_load_but_the_gate_does_not(intruder: Path, tmp_path: Path) -> None:
    # the plugin is installed as pytest sees plugins: a pytest11 entry point, which plain pytest loads at start
    seen = subprocess.run([sys.executable, "-c", "from importlib.metadata import entry_points; "
                           "print([e.value for e in entry_points(group='pytest11')])"],
                          capture_output=True, text=True, timeout=60)
    assert "intruder_plugin" in seen.stdout, seen.stdout + seen.stderr

    outcome = run_gate(GateOptions(reports=tmp_path / "reports", quiet=True, tags="@article:voided-invoice"))
    assert outcome.passed, outcome.output[-2000:]
    assert not intruder.exists()


@pytest.mark.heavy
def test_steps_load_a_plugin_the_gate_would_not(intruder: Path, tmp_path: Path) -> None:
    outcome = run_gate(GateOptions(reports=tmp_path / "reports", quiet=True, tags="@article:voided-invoice",
                                   steps=("intruder_plugin",)))
    assert not outcome.passed and intruder.exists()
    assert any("the intruder plugin ran" in (result.error or "") for result in outcome.results)


SECRET_PLUGIN = '''
import pytest


@pytest.fixture
def shared_secret():
    return "s3cret"
'''

OUR_STEPS = '''
from pytest_bdd import given


@given("the shared secret is known")
def _(shared_secret):
    assert shared_secret == "s3cret"
'''


@pytest.mark.heavy
def test_a_fixture_only_an_installed_plugin_provides_fails_naming_the_fix(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    (site / "secret-1.0.dist-info").mkdir(parents=True)
    (site / "secretplugin.py").write_text(SECRET_PLUGIN)
    (site / "secret-1.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: secret\nVersion: 1.0\n")
    (site / "secret-1.0.dist-info" / "entry_points.txt").write_text("[pytest11]\nsecret = secretplugin\n")
    (tmp_path / "our_steps.py").write_text(OUR_STEPS)
    (tmp_path / "features").mkdir()
    (tmp_path / "features" / "secret.feature").write_text(
        "Feature: A plugin's fixture\n  Scenario: The step uses it\n    Given the shared secret is known\n")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(site), str(tmp_path)]))
    monkeypatch.chdir(tmp_path)

    def outcomes(*steps: str) -> list[tuple[str, str]]:
        run = run_gate(GateOptions(reports=tmp_path / "reports", quiet=True, features=(tmp_path / "features",),
                                   steps=("our_steps", *steps)))
        return [(result.outcome, result.error or "") for result in run.results]

    [(outcome, error)] = outcomes()
    assert outcome == "failed" and "'shared_secret'" in error and "--steps" in error, error
    assert outcomes("secretplugin") == [("passed", "")]


def test_steps_naming_a_plugin_the_gate_loads_anyway_load_it_once() -> None:
    command = _command(GateOptions(steps=("qbo_simulator", "pytest-bdd", "simulator.pytest_plugin", "our_steps")),
                       Path("results.jsonl"))
    loaded = [command[i + 1] for i, word in enumerate(command) if word == "-p"]
    assert loaded.count("simulator.pytest_plugin") == 1 and "qbo_simulator" not in loaded
    assert "pytest-bdd" not in loaded and loaded[-1] == "our_steps"
