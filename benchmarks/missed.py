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
