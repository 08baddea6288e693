"""Why a benchmark target is missed, and what would change it: the prose RESULTS.md carries for every missed
figure (written by ``qbo-sim bench``; kept apart from the command so the command stays readable)."""

from __future__ import annotations

from typing import Any

__all__ = ["WHY", "missed_targets"]

#: why a target is missed and what would change it, by benchmark (shown only for missed figures)
WHY: dict[str, str] = {
    "serving": (
        "**Serving (GET ≥ 70 %, create ≥ 50 % of bare Flask).** Both servers are bound by one core of Python "
        "under the GIL, so the ratio follows CPU per request (see the notes): in-process the simulator costs "
        "~476 k instructions per GET and ~921 k per create against bare Flask's ~374 k and ~450 k; over "
        "waitress with one client 925 k and 1,449 k against 756 k and 889 k (`python -m benchmarks.instructions "
        "[--http]`; 1,275 k and 2,239 k in-process before issue 16). Under 32 connections and waitress' 4 "
        "workers both lose a few points more than the counts say (GIL hand-overs between the I/O thread and "
        "the workers; a create's ratio is ~0.56 on one worker, ~0.47–0.52 on four), and a loaded machine moves "
        "the create figure most. What is left of a create is the invoice rules (~344 k, ~100 small dict and "
        "Decimal operations); of a GET, the bearer check, the journal and Flask's dispatch of four hooks "
        "(docs/performance.md, fourth pass). What would change it: the rules rewritten around one pass over "
        "the body, or more server processes (the ratio is per process)."
    ),
    "idle": (
        "**An idle server ≤ 1 % of one core.** A server with no request in flight should sleep in `select()`; one "
        "that does not is spinning: waitress takes `asyncore_loop_timeout` as whole seconds, so a fraction becomes "
        "0, a loop that never waits (issue 16). What would change it: find the loop that does not wait "
        "(`py-spy dump --pid`) and give it a blocking wait or a timer; `tests/simulator/test_idle_cpu.py` guards "
        "the three servers the suite knows."
    ),
    "latency": (
        "**Create p99 ≤ 2× bare Flask's p99 at 32 clients.** At saturation p99 follows throughput (Little's "
        "law): a create at ~0.52× the baseline's throughput has a p50 ~1.9× the baseline's, so the p99 ratio sits "
        "at 2× whenever both servers' tails are alike (p99 ≈ 2.6× p50 for each), and the baseline's own tail moves "
        "from run to run (its p99 21–54 ms at the same p50). Ten runs on 2026-11-29 evening: 1.95×, 1.76×, "
        "3.11× (the baseline's p99 21 ms), 1.91×, 2.03×, 1.54×, 1.64×, 1.75×, 1.64×, 1.76×. What would change it: "
        "creates at ≥ ~0.6× (CPU per create ~840–940 µs against the baseline's ~450–520 µs over waitress; "
        "docs/performance.md), which leaves the p50 ratio room under 2×."
    ),
    "scale": (
        "**Create on a 50,000-invoice company ≥ 0.9× an empty one.** The write path keeps indexes, no scan per "
        "invoice; the figure is the median of alternating batches whose per-round ratios swing 0.5–1.0 on this "
        "2-core machine (0.99×, 0.94× and 0.89× in three quiet runs on 2026-11-29)."
    ),
    "gate": (
        "**Gate ≤ 1.6× a bare pytest-bdd run.** A scenario costs ~80 ms above pytest-bdd's floor: ~13 HTTP "
        "requests of the reference integration (requests' own cost ~1 ms each plus the simulator's), pytest-bdd's "
        "step lookup (it asks pytest for every fixture name at each step, ~2 ms a step), the integration's own "
        "work, and a company (~2 ms), an OAuth connection and a Caspen account per scenario. The gate's start-up "
        "is its own process, a child pytest loading only the gate's plugins, and the reports. What would change "
        "it: a lighter HTTP client in the reference integration, or pytest-bdd matching steps against its "
        "registered step definitions directly (docs/performance.md)."
    ),
    "suite": (
        "**The README's test command ≤ 90 s.** `pytest -n auto` spreads the suite over one worker more than "
        "there are cores; its CPU is spent mostly in end-to-end runs: the gate's own tests (~25 gate processes, "
        "each ~1.5–2 s of start-up; the whole bundled suite runs again through the HTTP driver with two workers), "
        "the schemathesis contract run (mostly schemathesis and hypothesis drawing cases), schemathesis' CLI, the "
        "browser and real-client tests, and the quick benchmark: ~165–195 s of CPU on two cores depending on the "
        "host's speed, after the session compiles the checkout once (`tests/bytecode.py`: under "
        "`PYTHONDONTWRITEBYTECODE` every process compiled it from source, ~28 s of CPU a run). Each worker still "
        "rewrites the test modules' asserts anew (pytest writes no cache under that variable). On a host shared "
        "with other work the same code took 67–80 s in quiet hours and 95–113 s in slow ones (the CPU probe in "
        "the machine table says which this run had; docs/performance.md, fifth pass). What would change it: "
        "more cores, or the end-to-end runs moved to a separate CI job."
    ),
    "sync": (
        "**Bulk push ≤ 60 s.** The work (client + simulator + HTTP) takes a few seconds; the time is QuickBooks' "
        "documented limit of 40 batch requests per minute: 334 batches need at least (334 − 40) × 1.5 s ≈ 441 s. "
        "The target cannot be met inside the documented limits; it would need a higher batch allowance from "
        "Intuit, or the target restated as the work time."
    ),
}


def missed_targets(figures: list[Any]) -> str:
    """RESULTS.md's section on the missed targets: why each is missed and what would change it."""
    missed = [f for f in figures if f.verdict == "MISSED"]
    if not missed:
        return ""
    names = list(dict.fromkeys(f.benchmark for f in missed))
    lines = ["## Targets missed: why, and what would change it", ""]
    for name in names:
        figures_text = "; ".join(
            f"{f.name} = {f.value:,.3g} {f.unit} (target {f.target})" for f in missed if f.benchmark == name
        )
        lines += [f"- {WHY.get(name, f'**{name}**.')} Measured: {figures_text}.", ""]
    return "\n".join(lines)
