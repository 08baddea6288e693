"""``qbo-sim gate``: run the feature suite against a fresh simulator and decide whether a release ships.

The suite runs in a child pytest process (:mod:`harness.suite` with its own ``pytest.ini``, the step
library and :mod:`harness.collector`, and no other plugin: :data:`GATE_PLUGINS`), from the folder the user
runs the gate in, so a crash in a scenario cannot take the gate down with it, and an installed
package needs no checkout: the bundled article features ship in ``harness/features``, a user's own
feature files are given as paths (``QBO_SIM_FEATURES``), their own step modules as ``--steps`` plugins,
and the driver (``--driver``) reaches the scenarios' world as ``--qbo-driver``. While it
runs, a progress bar follows the results file; afterwards the gate writes the reports, prints the article
coverage table and exits non-zero if any article case lacks a passing scenario or any scenario failed.
Shards (``--shard i/n``) each write their results; ``qbo-sim gate-merge`` combines them into one verdict.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from harness.articles import TAG_PREFIX, marker_for_tag, marker_name
from harness.reports import write_all
from harness.results import ScenarioResult, coverage, gate_passed, load_results

__all__ = ["GateOptions", "GateOutcome", "run_gate", "merge", "tag_expression", "ROOT", "FEATURE_SUITE",
           "BUNDLED_FEATURES", "GATE_PLUGINS"]

#: where the harness package sits (a checkout, or site-packages); nothing in the gate depends on a checkout
ROOT = Path(__file__).resolve().parents[1]
#: the binding module the child pytest runs, and the bundled article features (both inside the package)
FEATURE_SUITE = Path(__file__).resolve().parent / "suite"
BUNDLED_FEATURES = Path(__file__).resolve().parent / "features"
RESULTS = "results.jsonl"
#: the only pytest plugins a gate run loads (``--disable-plugin-autoload``): pytest-bdd, the
#: simulator's fixtures, the step library and the result collector; pytest-xdist with ``-n``. An installed
#: plugin (pytest-randomly, pytest-rerunfailures, hypothesis...) cannot change a verdict, and start-up does
#: not import, or rewrite the asserts of, every plugin in the environment (issue 16: 4.5 s of an 11 s gate).
#: ``--steps MODULE`` loads any other plugin a user's steps need.
GATE_PLUGINS = ("pytest_bdd.plugin", "simulator.pytest_plugin", "steps.library", "harness.collector")
XDIST_PLUGINS = ("xdist.plugin", "xdist.looponfail")


def _own_plugin_names() -> frozenset[str]:
    """The gate's plugins by module and by entry-point name (``qbo_simulator``, ``pytest-bdd``, ``xdist``):
    a ``--steps`` naming one of them is already loaded (pytest refuses a second registration)."""
    from importlib.metadata import entry_points

    modules = {*GATE_PLUGINS, *XDIST_PLUGINS}
    return frozenset(modules | {ep.name for ep in entry_points(group="pytest11") if ep.value in modules})


@dataclass(frozen=True)
class GateOptions:
    reports: Path = Path("reports")
    tags: str | None = None
    workers: str | None = None
    shard: str | None = None
    suite: Path = FEATURE_SUITE
    quiet: bool = False
    #: feature files or folders to run (empty: the bundled article suite)
    features: tuple[Path, ...] = ()
    #: the driver spec (None: the reference integration in-process); see drivers.loader
    driver: str | None = None
    #: extra step modules (importable from the current folder), registered as pytest plugins
    steps: tuple[str, ...] = ()


@dataclass
class GateOutcome:
    results: list[ScenarioResult]
    passed: bool
    exit_code: int
    reports: dict[str, Path]
    pytest_exit: int
    output: str


def tag_expression(tags: str) -> str:
    """``@article:duplicate-document-number and not @wip`` → a pytest ``-m`` expression."""
    words = []
    for word in tags.replace("(", " ( ").replace(")", " ) ").split():
        bare = word.lstrip("@")
        if bare.startswith(TAG_PREFIX):
            words.append(marker_name(bare[len(TAG_PREFIX):]))
        elif word.startswith("@"):
            words.append(marker_for_tag(bare))  # the marker the tag became (harness.bdd)
        else:
            words.append(word)
    return " ".join(words)


def _command(options: GateOptions, results: Path) -> list[str]:
    command = [sys.executable, "-m", "pytest", str(options.suite / "test_features.py"),
               "-c", str(options.suite / "pytest.ini"), "--rootdir", str(options.suite),
               "--qbo-results", str(results.resolve()), "-p", "no:cacheprovider", "-q", "--no-header"]
    parallel = bool(options.workers and options.workers not in ("0", "1"))
    own = _own_plugin_names()
    command.append("--disable-plugin-autoload")  # GATE_PLUGINS only (pytest >= 8.4; xdist workers inherit it)
    for module in (*GATE_PLUGINS, *(XDIST_PLUGINS if parallel else ()), *(m for m in options.steps if m not in own)):
        command += ["-p", module]
    if options.driver:
        command += ["--qbo-driver", options.driver]
    if options.tags:
        command += ["-m", tag_expression(options.tags)]
    if parallel:
        command += ["-n", options.workers]
    if options.shard:
        command += ["--qbo-shard", options.shard]
    return command


def run_gate(options: GateOptions) -> GateOutcome:
    options.reports.mkdir(parents=True, exist_ok=True)
    results_path = options.reports / RESULTS
    command = _command(options, results_path)
    log_path = options.reports / "pytest-output.txt"
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=_environment(options))
        _follow(process, results_path, quiet=options.quiet)
    output = log_path.read_text(encoding="utf-8")
    results = load_results(results_path) if results_path.exists() else []
    partial = bool(options.tags or options.shard)
    reports = write_all(results, options.reports, require_full_coverage=not partial)
    if partial:
        passed = bool(results) and not any(r.outcome == "failed" for r in results)
    else:
        passed = gate_passed(results)
    # pytest exit 2-4: interrupted, internal error, usage error; 5: nothing collected
    if process.returncode in (2, 3, 4) or (process.returncode == 5 and not results):
        passed = False
    return GateOutcome(results=results, passed=passed, exit_code=0 if passed else 1, reports=reports,
                       pytest_exit=process.returncode, output=output)


def _environment(options: GateOptions) -> dict[str, str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    if options.features:  # else the bundled suite (or a $QBO_SIM_FEATURES the caller set)
        env["QBO_SIM_FEATURES"] = os.pathsep.join(str(path.resolve()) for path in options.features)
    return env


def _follow(process: subprocess.Popen[bytes], results: Path, *, quiet: bool) -> None:
    """Show a progress line per finished scenario while pytest runs."""
    try:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
    except ImportError:  # rich is a dependency; degrade to a plain wait if an install lacks it
        process.wait()
        return
    if quiet:
        process.wait()
        return
    with Progress(TextColumn("[bold]gate[/]"), BarColumn(), TextColumn("{task.completed} scenarios"),
                  TextColumn("{task.fields[failed]} failed"), TimeElapsedColumn(), transient=True) as progress:
        task = progress.add_task("scenarios", total=None, failed=0)
        while process.poll() is None:
            progress.update(task, **_progress(results))
            time.sleep(0.1)
        progress.update(task, **_progress(results))


def _progress(results: Path) -> dict[str, int]:
    try:
        lines = results.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {"completed": 0, "failed": 0}
    return {"completed": len(lines), "failed": sum('"outcome": "failed"' in line for line in lines)}


def merge(folders: list[Path], reports: Path) -> GateOutcome:
    """Combine shard results into one coverage table and verdict (full coverage required)."""
    paths = [folder / RESULTS for folder in folders]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise FileNotFoundError(f"no gate results in: {', '.join(missing)}")
    results = load_results(*paths)
    written = write_all(results, reports)
    passed = gate_passed(results)
    return GateOutcome(results=results, passed=passed, exit_code=0 if passed else 1, reports=written,
                       pytest_exit=0, output="")


def render_table(results: list[ScenarioResult], *, partial: bool = False) -> str:
    """The coverage table as text for the terminal."""
    rows = [("article case", "card title", "scenarios", "result")]
    for row in coverage(results):
        status = row.status if not (partial and row.status == "missing") else "not selected"
        count = f"{len(row.passed)} passed" + (f", {len(row.failed)} failed" if row.failed else "")
        if row.not_applicable:
            count = (count + ", " if row.passed or row.failed else "") + f"{len(row.not_applicable)} not applicable"
        rows.append((row.case.id, row.case.card_title or "(no card)",
                     count if row.passed or row.failed or row.not_applicable else "—",
                     status.upper() if status in ("failed", "missing") else status))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
