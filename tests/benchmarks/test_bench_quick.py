"""``qbo-sim bench --quick`` runs end to end, so the benchmark command cannot rot.

Structure and sanity only: speed is measured by the benchmark itself, never asserted in tests.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from benchmarks.cli import BENCHMARKS, main
from benchmarks.results import Figure, render_table

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, list[dict], Path]:
    folder = tmp_path_factory.mktemp("bench")
    output, figures = folder / "RESULTS.md", folder / "figures.json"
    code = main(
        [
            "--quick",
            "--only",
            "serving,idle,cold-start,scale,companies,sync",
            "--output",
            str(output),
            "--json",
            str(figures),
        ]
    )
    return code, output.read_text(encoding="utf-8"), json.loads(figures.read_text(encoding="utf-8")), folder


@pytest.mark.heavy
def test_quick_bench_runs_every_selected_benchmark_and_writes_results(quick_run):
    code, markdown, figures, _ = quick_run
    assert code == 0, [f for f in figures if f["name"] == "(failed to run)"]
    assert {f["benchmark"] for f in figures} >= {
        "serving",
        "latency",
        "idle",
        "cold start",
        "scale",
        "memory",
        "sync",
    }
    assert "| benchmark | figure | value | baseline | ratio | target | met? |" in markdown
    assert "cores (os.cpu_count)" in markdown and "waitress" in markdown and "## How it was run" in markdown
    assert "quick mode" in markdown
    probe = re.search(r"\| CPU probe: a fixed loop's CPU seconds in wall seconds, at start / end \(lower is faster; "
                      r"wall above CPU: other work held the core\) \| ([\d.]+) in ([\d.]+) / ([\d.]+) in ([\d.]+) \|",
                      markdown)
    assert probe and all(0 < float(probe[n]) for n in range(1, 5)), markdown[-1500:]


def test_quick_figures_are_sane(quick_run):
    _, _, figures, _ = quick_run
    by_name = {f["name"]: f for f in figures}
    get = by_name["GET invoice req/s"]
    assert get["value"] > 0 and get["baseline"] > 0 and 0 < get["ratio"] < 10
    assert get["details"]["cpu_us_per_request"] > 0
    assert (
        by_name["GET invoice p99 (32 clients)"]["value"]
        >= by_name["GET invoice p50 (32 clients)"]["value"]
        > 0
    )
    for name in ("idle `qbo-sim serve` CPU", "idle `caspen-sync serve-driver` CPU"):  # shares of a core, not speed
        idle = by_name[name]
        assert idle["unit"] == "% of a core" and 0 <= idle["value"] <= 200 and idle["baseline"] is not None, idle
        assert idle["target"] == "≤ 1 %" and idle["verdict"] in ("met", "MISSED"), idle
    for figure in figures:
        assert figure["verdict"] in ("met", "MISSED", "info", "skipped", "not yet measurable"), figure
        if figure["verdict"] in ("met", "MISSED"):
            assert figure["value"] is not None and figure["value"] >= 0 and figure["target"], figure


def test_only_rejects_unknown_benchmarks(capsys):
    assert main(["--quick", "--only", "nonsense"]) == 2
    assert "unknown benchmark" in capsys.readouterr().err


def test_every_benchmark_has_a_name_the_cli_accepts():
    assert list(BENCHMARKS) == [
        "serving",
        "idle",
        "cold-start",
        "scale",
        "companies",
        "gate",
        "suite",
        "sync",
        "mocks",
    ]


def test_table_renders_missing_values_and_ratios():
    table = render_table(
        [
            Figure("x", "a", 2.0, "s", baseline=1.0, baseline_name="b", target="≤ 1 s", verdict="MISSED"),
            Figure("x", "b", None, "s", verdict="skipped", note="why"),
        ]
    )
    assert "2.00×" in table and "MISSED" in table and "skipped" in table


def test_qbo_sim_cli_routes_bench_to_the_benchmarks(capsys):
    """``qbo-sim bench`` reaches benchmarks.cli: its own error for an unknown name comes back as the
    exit code (a missing subcommand would be argparse's SystemExit "invalid choice" instead)."""
    from simulator.cli import main as qbo_sim

    assert qbo_sim(["bench", "--quick", "--only", "nonsense"]) == 2
    assert "unknown benchmark" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        qbo_sim(["bench", "--help"])
    assert exited.value.code == 0
    assert "--quick" in capsys.readouterr().out
