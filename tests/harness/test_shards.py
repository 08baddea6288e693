"""``--shard i/n`` is checked before a run starts, by a controller that never imports pytest (its start-up is
paid by every ``qbo-sim gate``: importing pytest there was ~0.2 s of CPU a run, issue 16)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.collector import parse_shard as collector_parse_shard
from harness.shards import parse_shard


@pytest.mark.parametrize(("text", "expected"), [("1/1", (1, 1)), ("2/4", (2, 4)), (" 3/ 3", (3, 3))])
def test_a_shard_is_i_of_n(text: str, expected: tuple[int, int]) -> None:
    assert parse_shard(text) == collector_parse_shard(text) == expected


@pytest.mark.parametrize(("text", "message"), [("", "--shard takes i/n (e.g. 2/4), not ''"),
                                               ("2", "--shard takes i/n (e.g. 2/4), not '2'"),
                                               ("a/b", "--shard takes i/n (e.g. 2/4), not 'a/b'"),
                                               ("1/2/3", "--shard takes i/n (e.g. 2/4), not '1/2/3'"),
                                               ("0/2", "--shard 0/2: i must be between 1 and n"),
                                               ("3/2", "--shard 3/2: i must be between 1 and n")])
def test_anything_else_is_refused_naming_the_accepted_form(text: str, message: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_shard(text)
    assert str(refused.value) == message
    with pytest.raises(pytest.UsageError) as usage:  # the child pytest's own check says the same
        collector_parse_shard(text)
    assert str(usage.value) == message


@pytest.mark.parametrize("text", ["", "0/3", "x"])
def test_qbo_sim_gate_refuses_a_bad_shard_before_it_runs_anything(text: str, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from simulator.cli import main

    assert main(["gate", "--quiet", "--shard", text, "--reports", str(tmp_path / "reports")]) == 2
    assert capsys.readouterr().err.startswith("qbo-sim gate: --shard ")
    assert not (tmp_path / "reports").exists()


def test_the_gates_controller_does_not_import_pytest() -> None:
    """What ``qbo-sim gate`` imports before it starts the child pytest (harness.cli's gate command)."""
    probe = ("import sys, simulator.cli, harness.cli, harness.gate, harness.shards, harness.reports, harness.results; "
             "print(sorted(m for m in ('pytest', '_pytest', 'pytest_bdd', 'flask') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
