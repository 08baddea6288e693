"""What a benchmark returns (:class:`Figure`), and the table and RESULTS.md built from them."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

__all__ = ["Figure", "Report", "render_table", "render_markdown", "environment"]

#: the verdicts a figure can have
MET, MISSED, INFO, NOT_MEASURABLE, SKIPPED = "met", "MISSED", "info", "not yet measurable", "skipped"


@dataclass
class Figure:
    """One line of the table: a measured figure, what it is compared with, and its verdict.

    ``ratio`` is ``value / baseline`` when there is a baseline. ``verdict`` is ``met`` / ``MISSED`` for
    a figure held to a target, ``info`` for context (a baseline, a generator ceiling), ``skipped`` or
    ``not yet measurable`` with the reason in ``note``.
    """

    benchmark: str
    name: str
    value: float | None
    unit: str
    target: str = ""
    verdict: str = INFO
    baseline: float | None = None
    baseline_name: str = ""
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    #: the ratio when it is not ``value / baseline`` (e.g. the median of per-round ratios)
    given_ratio: float | None = None

    @property
    def ratio(self) -> float | None:
        if self.given_ratio is not None:
            return self.given_ratio
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    def to_dict(self) -> dict[str, Any]:
        return {
            "benchmark": self.benchmark,
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "baseline": self.baseline,
            "baseline_name": self.baseline_name,
            "ratio": self.ratio,
            "target": self.target,
            "verdict": self.verdict,
            "note": self.note,
            "details": self.details,
        }


def verdict(ok: bool) -> str:
    return MET if ok else MISSED


@dataclass
class Report:
    figures: list[Figure]
    started: datetime
    seconds: float
    command: str
    quick: bool
    environment: dict[str, str]

    @property
    def missed(self) -> list[Figure]:
        return [f for f in self.figures if f.verdict == MISSED]


def _num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.3g}" if value else "0"
    return f"{text} {unit}".strip()


def _rows(figures: list[Figure]) -> list[tuple[str, ...]]:
    rows = []
    for f in figures:
        ratio = f"{f.ratio:.2f}×" if f.ratio is not None else ""
        baseline = f"{_num(f.baseline, f.unit)} ({f.baseline_name})" if f.baseline is not None else ""
        rows.append((f.benchmark, f.name, _num(f.value, f.unit), baseline, ratio, f.target, f.verdict))
    return rows


HEADERS = ("benchmark", "figure", "value", "baseline", "ratio", "target", "met?")


def render_table(figures: list[Figure]) -> str:
    """The table for the terminal."""
    rows = [HEADERS, *_rows(figures)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADERS))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


#: the probe's fixed work: ~1 s of one core on the 2-core machine of record, twice
PROBE_ROUNDS = 2
PROBE_SIZE = 10_000_000


class Probe(NamedTuple):
    """:func:`cpu_probe`'s reading: seconds of CPU the loop used and seconds of wall time it took."""

    cpu: float
    wall: float

    def __str__(self) -> str:
        return f"{self.cpu:.2f} in {self.wall:.2f}"


def cpu_probe(size: int = PROBE_SIZE, rounds: int = PROBE_ROUNDS) -> Probe:
    """CPU seconds a fixed pure-Python loop (``sum(i * i for i in range(size))``) takes in this process and the
    wall seconds it took, the fastest of ``rounds`` each; lower is faster.

    Figures without a baseline from the same run (the suite's wall time, cold start, seeding) are absolute,
    and a shared host's speed moves them: on the 2-core machine of record this loop took 0.95-1.32 s within
    one evening while the suite's wall time moved with it (96-113 s; docs/performance.md, issue 16). Taken when
    the run starts and when it ends, it tells a slow host from a slow product. The CPU seconds say how fast a core
    was; the wall seconds above them say how much of a core other work took: a process sharing its core with
    another reads the same CPU seconds in twice the wall time, which is what slows a wall-clock figure."""
    cpu = wall = float("inf")
    for _ in range(rounds):
        began, began_wall = time.process_time(), time.perf_counter()
        sum(i * i for i in range(size))
        cpu, wall = min(cpu, time.process_time() - began), min(wall, time.perf_counter() - began_wall)
    return Probe(cpu, wall)


def environment() -> dict[str, str]:
    """Core count, Python and library versions: what the figures depend on."""
    info = {
        "cores (os.cpu_count)": str(os.cpu_count()),
        "cores usable (sched_getaffinity)": str(len(os.sched_getaffinity(0)))
        if hasattr(os, "sched_getaffinity")
        else "?",
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "python": f"{platform.python_implementation()} {sys.version.split()[0]}",
        "platform": platform.platform(),
    }
    for dist in (
        "flask",
        "werkzeug",
        "waitress",
        "requests",
        "faker",
        "pytest",
        "pytest-xdist",
        "pytest-bdd",
    ):
        try:
            info[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            info[dist] = "not installed"
    return info


def render_markdown(report: Report, *, extra_sections: list[str] | None = None) -> str:
    """``benchmarks/RESULTS.md``: the table, the machine, how it was run, and notes per figure."""
    out = [
        "# Benchmark results",
        "",
        "Written by `qbo-sim bench` (issue 6); re-run it to refresh this file. Throughput figures are ratios "
        "to a bare Flask app on the same server (waitress, its default 4 threads) measured in the same run, so they "
        "compare across machines; absolute numbers only describe this machine at this moment.",
        "",
        f"- run: `{report.command}`"
        + (" (quick mode: short runs, small data — not the figures of record)" if report.quick else ""),
        f"- started: {report.started.astimezone(UTC).isoformat(timespec='seconds')}, "
        f"took {report.seconds:.0f} s",
        "",
    ]
    out += ["## Figures", "", "| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    out += [
        "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in _rows(report.figures)
    ]
    notes = [f for f in report.figures if f.note]
    if notes:
        out += ["", "## Notes per figure", ""]
        out += [f"- **{f.benchmark} / {f.name}** ({f.verdict}): {f.note}" for f in notes]
    out += ["", "## Machine and versions", "", "| what | value |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in report.environment.items()]
    for section in extra_sections or []:
        out += ["", section.rstrip()]
    return "\n".join(out) + "\n"


def now() -> datetime:
    return datetime.now(UTC)
