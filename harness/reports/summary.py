"""The article coverage table as JSON (for CI tooling) and Markdown (for a PR comment or job summary)."""

from __future__ import annotations

import json
from pathlib import Path

from harness.results import ScenarioResult, coverage, gate_passed

__all__ = ["write_coverage", "coverage_rows", "failure_rows"]


def coverage_rows(results: list[ScenarioResult], *, require_full_coverage: bool = True) -> list[dict[str, object]]:
    rows = []
    for row in coverage(results):
        status = row.status
        if status == "missing" and not require_full_coverage:
            status = "not selected"
        proving = [r for r in results if row.case.id in r.cases]
        rows.append({"case": row.case.id, "card_title": row.case.card_title or "(no card)",
                     "scenarios": row.passed + row.failed, "passed": len(row.passed), "failed": len(row.failed),
                     "status": status,
                     "proofs": [{"title": r.title, "outcome": r.outcome, "anchor": r.anchor,
                                 "file": r.feature_file, "line": r.failure_line or (r.record or {}).get(
                                     "scenario", {}).get("line")} for r in proving]})
    return rows


def failure_rows(results: list[ScenarioResult]) -> list[dict[str, object]]:
    """Every failed scenario: where (feature file and line of the failing step), which cases, and why."""
    return [{"scenario": r.title, "file": r.feature_file, "line": r.failure_line, "cases": r.cases,
             "anchor": r.anchor, "message": r.error or "failed"} for r in results if r.outcome == "failed"]


def write_coverage(results: list[ScenarioResult], json_path: Path, md_path: Path, *,
                   require_full_coverage: bool = True) -> None:
    rows = coverage_rows(results, require_full_coverage=require_full_coverage)
    summary = {"passed": gate_passed(results) if require_full_coverage else
               not any(r.outcome == "failed" for r in results),
               "scenarios": len(results), "failed": sum(r.outcome == "failed" for r in results),
               "cases": rows, "failures": failure_rows(results)}
    json_path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    lines = ["| article case | card title | scenarios | result |", "|---|---|---|---|"]
    for row in rows:
        names = "<br>".join(f"{p['title']} ({p['outcome']})" for p in row["proofs"]) or "—"  # type: ignore[attr-defined]
        lines.append(f"| `{row['case']}` | {row['card_title']} | {names} | {row['status']} |")
    failures = failure_rows(results)
    if failures:
        lines += ["", "**Failed scenarios**", ""]
        for failure in failures:
            first = str(failure["message"]).splitlines()[0]
            where = f"{failure['file']}:{failure['line']}" if failure["line"] else failure["file"]
            lines.append(f"- `{where}` {failure['scenario']}: {first}")
    md_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
