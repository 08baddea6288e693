"""What a gate scenario costs above pytest-bdd's own floor (issue 16).

Four suites run in the same virtualenv, each serial and with ``-n auto``: the bundled features
through ``qbo-sim gate``, the same features copied ten times (``$QBO_SIM_FEATURES``), and a bare
pytest-bdd suite of as many do-nothing scenarios, once and ten times over. The ratio of the gate's
wall time to the bare suite's is held to the target; the difference between the 10× and 1× runs,
divided by the extra scenarios, is the marginal cost of one scenario (start-up costs cancel out).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.results import INFO, NOT_MEASURABLE, Figure, verdict
from harness.gate import BUNDLED_FEATURES

__all__ = ["gate_cost", "GATE_RATIO_TARGET"]

ROOT = Path(__file__).resolve().parents[1]
FEATURES = BUNDLED_FEATURES  # the article suite the gate runs by default
GATE_RATIO_TARGET = 1.6
COPIES = 10

_BARE_TEST = '''from pytest_bdd import given, scenarios

scenarios("features")


@given("nothing happens")
def _nothing() -> None:
    pass
'''


@dataclass(frozen=True)
class Run:
    seconds: float  # wall
    scenarios: int
    passed: bool
    summary: str
    cpu: float = 0.0  # user + system CPU seconds of the run's processes (robust to other load)


def _copies(into: Path, copies: int) -> Path:
    for n in range(copies):
        shutil.copytree(FEATURES, into / f"copy{n}")
    return into


def _bare_suite(into: Path, scenarios: int) -> Path:
    (into / "features").mkdir(parents=True)
    body = "".join(f"\n  Scenario: nothing {n}\n    Given nothing happens\n" for n in range(scenarios))
    (into / "features" / "nothing.feature").write_text(f"Feature: nothing\n{body}", encoding="utf-8")
    (into / "test_nothing.py").write_text(_BARE_TEST, encoding="utf-8")
    return into


def _timed(command: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> tuple[float, str, int, float]:
    import os
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=3600,
                          env={**os.environ, **(env or {})})
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, done.stdout + done.stderr, done.returncode, cpu


def gate_run(features: Path | None, workers: str | None) -> Run:
    with tempfile.TemporaryDirectory(prefix="qbo-bench-gate-") as reports:
        command = [sys.executable, "-m", "simulator", "gate", "--quiet", "--reports", reports]
        if workers:
            command += ["-n", workers]
        env = {"QBO_SIM_FEATURES": str(features)} if features else None
        seconds, output, code, cpu = _timed(command, cwd=ROOT, env=env)
    found = re.search(r"(\d+) scenarios: (\d+) passed, (\d+) failed", output)
    return Run(seconds, int(found.group(1)) if found else 0, code == 0 and found is not None,
               found.group(0) if found else output.strip()[-300:], cpu)


def bare_run(folder: Path, workers: str | None, *, plugins_of_the_gate: bool = False) -> Run:
    """pytest on the do-nothing suite as a user would run it (every installed plugin auto-loaded), or, with
    ``plugins_of_the_gate``, loading only pytest-bdd (and xdist), as the gate loads only its own."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)]
    env = None
    if plugins_of_the_gate:
        env = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
        command += ["-p", "pytest_bdd.plugin", *(["-p", "xdist.plugin"] if workers else [])]
    if workers:
        command += ["-n", workers]
    seconds, output, code, cpu = _timed(command, cwd=folder, env=env)
    found = re.search(r"(\d+) passed", output)
    return Run(seconds, int(found.group(1)) if found else 0, code == 0, found.group(0) if found else output[-300:],
               cpu)


def gate_cost(workers_options: tuple[str | None, ...] = (None, "auto"), copies: int = COPIES) -> list[Figure]:
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="qbo-bench-gatecost-") as folder:
        base = Path(folder)
        big_features = _copies(base / "features10", copies)
        bare: dict[int, Path] = {}
        for workers in workers_options:
            flag = f" -n {workers}" if workers else ""
            gate1 = gate_run(None, workers)
            scenarios = gate1.scenarios or 1  # as many do-nothing scenarios as the gate ran
            for size in (scenarios, scenarios * copies):
                if size not in bare:
                    bare[size] = _bare_suite(base / f"bare{size}", size)
            bare1 = bare_run(bare[scenarios], workers)
            gate10, bare10 = gate_run(big_features, workers), bare_run(bare[scenarios * copies], workers)
            ok = gate1.passed and gate10.passed and bare1.passed and bare10.passed
            ratio = gate1.seconds / bare1.seconds if bare1.seconds else 0.0
            extra = scenarios * (copies - 1)
            gate_ms = (gate10.seconds - gate1.seconds) / extra * 1000
            bare_ms = (bare10.seconds - bare1.seconds) / extra * 1000
            gate_cpu_ms = (gate10.cpu - gate1.cpu) / extra * 1000
            bare_cpu_ms = (bare10.cpu - bare1.cpu) / extra * 1000
            cpu_note = (f"; CPU (user+sys of every process): gate {gate1.cpu:.1f} s vs bare {bare1.cpu:.1f} s, "
                        f"a CPU ratio of {gate1.cpu / bare1.cpu if bare1.cpu else 0:.2f}")
            held = workers is None
            figures.append(Figure(
                "gate", f"qbo-sim gate{flag} wall, {scenarios} scenarios", gate1.seconds, "s",
                target=f"≤ {GATE_RATIO_TARGET}× bare pytest-bdd" if held else "",
                verdict=(verdict(ratio <= GATE_RATIO_TARGET) if ok else NOT_MEASURABLE) if held else INFO,
                baseline=bare1.seconds, baseline_name=f"bare pytest-bdd{flag}, {scenarios} do-nothing scenarios",
                note=f"gate: {gate1.summary}; bare: {bare1.summary}" + cpu_note + ("" if ok else " (a run failed)"),
            ))
            if held:  # the same run against a bare suite that loads only pytest-bdd, as the gate loads only its own
                lean = bare_run(bare[scenarios], workers, plugins_of_the_gate=True)
                figures.append(Figure(
                    "gate", f"qbo-sim gate wall, {scenarios} scenarios, against a bare run loading only pytest-bdd",
                    gate1.seconds, "s", baseline=lean.seconds,
                    baseline_name=f"bare pytest-bdd, {scenarios} do-nothing scenarios, no plugin auto-loading",
                    note=f"the gate loads only its own plugins (harness.gate.GATE_PLUGINS); the held figure's bare run "
                         f"auto-loads every plugin installed beside it, as plain pytest does ({bare1.seconds:.2f} s "
                         f"against {lean.seconds:.2f} s here). CPU {gate1.cpu:.1f} s vs {lean.cpu:.1f} s"
                         + ("" if lean.passed else " (the bare run failed)"),
                ))
            figures.append(Figure(
                "gate", f"qbo-sim gate{flag} wall, {scenarios * copies} scenarios (features ×{copies})",
                gate10.seconds, "s", baseline=bare10.seconds,
                baseline_name=f"bare pytest-bdd{flag}, {scenarios * copies} scenarios",
                note=f"gate: {gate10.summary}; bare: {bare10.summary}; CPU {gate10.cpu:.1f} s vs {bare10.cpu:.1f} s",
            ))
            figures.append(Figure(
                "gate", f"marginal ms per scenario{flag}", gate_ms, "ms", baseline=bare_ms,
                baseline_name=f"bare pytest-bdd{flag}",
                note=f"(10× run − 1× run) / {extra} extra scenarios, wall; start-up costs cancel out. In CPU: "
                     f"{gate_cpu_ms:.0f} ms vs {bare_cpu_ms:.1f} ms per scenario",
            ))
    return figures


if __name__ == "__main__":
    for figure in gate_cost(tuple(None if w == "serial" else w for w in (sys.argv[1:] or ["serial"]))):
        print(f"{figure.name}: {figure.value:.3f} {figure.unit} vs {figure.baseline:.3f} "
              f"({(figure.ratio or 0):.2f}×) {figure.verdict} — {figure.note}")
