"""Why a benchmark target is missed, and what would change it: the prose RESULTS.md carries for every missed
figure (written by ``qbo-sim bench``; kept apart from the command so the command stays readable)."""

from __future__ import annotations

from typing import Any

__all__ = ["WHY", "missed_targets"]

#: why a target is missed and what would change it, by benchmark (shown only for missed figures)
WHY: dict[str, str] = {
    "serving": (
        "**Serving (GET ≥ 70 %, POST ≥ 50 % of bare Flask).** Both servers are bound by one core of Python under "
        "the GIL, so the ratio is the ratio of CPU per request (see the notes). Issue 16 took the simulator's "
        "in-process cost from 1,275 k to ~660 k instructions per GET and from 2,239 k to ~1,360 k per create "
        "(bare Flask: ~385 k / ~470 k; docs/performance.md lists each change). What is left, per GET: the "
        "journal entry (~65 k), the accounting gate (bearer hash and lookup, classification, ~45 k), rendering "
        "(~45 k), Flask's hooks; per create also the invoice rules (body cleaning, Decimal line and tax "
        "arithmetic, DocNumber checks, indexes, history) and encoding the new invoice's JSON once (~180 k: "
        "float repr). What would change it: a cheaper journal (a tuple per request, materialised on read), "
        "building lines in wire order instead of re-ordering them, or several server processes (the ratio is "
        "per process; see docs/performance.md)."
    ),
    "latency": (
        "**Create p99 ≤ 2× bare Flask's p99 at 32 clients.** At saturation p99 follows throughput (Little's "
        "law) plus waitress' scheduling of 16 threads under the GIL; with a create costing ~2.7× the baseline's "
        "CPU, its p99 sits near 2.4× the baseline's. The garbage collector's pauses, the long tail before issue "
        "16, are gone (`qbo-sim serve` freezes its start-up heap); what remains is CPU per request."
    ),
    "gate": (
        "**Gate ≤ 1.6× a bare pytest-bdd run.** The marginal cost of a scenario grows with the run: each "
        "scenario's teardown (steps/world.py) reads the whole request journal (up to 10,000 entries with bodies, "
        "~14 MB of JSON once full) to keep its own realm's entries. `qbo_sim.journal(realm_id, limit=200)` "
        "costs 2–4 ms instead (a one-line change in steps/, which the driver branch owns). Set-up itself is "
        "cheap: company 4 ms, OAuth connection 2.5 ms, Caspen account 1.6 ms of CPU."
    ),
    "suite": (
        "**pytest ≤ 120 s.** The slowest tests are the gate's own end-to-end tests (each runs a child gate), the "
        "schemathesis contract run and real-client/browser tests; together they are most of the wall time. "
        "`-n auto` helps little on 2 shared cores. What would change it: mark the child-gate and contract tests "
        "`slow` and run them in a separate CI job, or more cores for `-n auto`."
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
