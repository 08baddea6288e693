"""Why a benchmark target is missed, and what would change it: the prose RESULTS.md carries for every missed
figure (written by ``qbo-sim bench``; kept apart from the command so the command stays readable)."""

from __future__ import annotations

from typing import Any

__all__ = ["WHY", "missed_targets"]

#: why a target is missed and what would change it, by benchmark (shown only for missed figures)
WHY: dict[str, str] = {
    "serving": (
        "**Invoice create ≥ 50 % of bare Flask.** GET meets its target and one create costs the simulator "
        "1,243 k instructions in-process against bare Flask's 452 k (0.37; over waitress with one client 0.50; "
        "`python -m benchmarks.instructions`, docs/performance.md). Under wrk's 32 connections it does much "
        "worse than that ratio, and worse as the company fills: server CPU per create 1.2 ms with one "
        "connection, 2.4 ms → 12 ms over successive 4 s rounds at 32 connections, while the journal shows "
        "each create's own work at ~0.6 ms (p50) and bare Flask stays at 0.45 → 0.76 ms. The extra CPU is "
        "spent outside the request handlers: waitress' I/O-loop thread takes 50–78 % of a core in that state "
        "(per-thread CPU from /proc; py-spy shows it in send/close), with the 16 workers queued on the "
        "company's write lock. Found at the end of this pass and not yet fixed (docs/performance.md, "
        "\"Creates under 32 connections\"): what would change it is finding why the loop thread works so "
        "hard while writes queue on one company's lock (waitress' `writable()` is true while a task holds "
        "a short response, which `handle_write` then declines to send), or serving writes from more processes."
    ),
    "latency": (
        "**Create p99 ≤ 2× bare Flask's p99 at 32 clients.** At saturation p99 follows throughput (Little's "
        "law), so the create throughput collapse above (see the serving note) sets it; the garbage collector's "
        "pauses, the long tail before issue 16, are gone (`qbo-sim serve` freezes its start-up heap)."
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
        "**The README's test command ≤ 90 s.** `pytest -n auto` spreads the suite over the cores; its CPU is "
        "spent mostly in end-to-end runs: the gate's own tests (each starts a child gate), the schemathesis "
        "contract run (hypothesis' generation and a fresh simulator per case), schemathesis' CLI, the browser "
        "and real-client tests, and the quick benchmark. On two cores that CPU divided by two is the floor. "
        "What would change it: more cores, or moving the end-to-end runs to a separate CI job."
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
