"""A self-contained HTML report: verdict, article coverage, and per scenario its steps and the
QuickBooks requests and responses it caused (from the simulator's journal). No scripts, no external
assets: collapsible parts are ``<details>`` elements, so it opens from a CI artifact as it is.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from harness.reports.summary import coverage_rows
from harness.results import ScenarioResult, gate_passed

__all__ = ["write_html"]

_ENV = Environment(loader=FileSystemLoader(Path(__file__).parent), autoescape=select_autoescape(["html", "j2"]),
                   trim_blocks=True, lstrip_blocks=True)


def write_html(results: list[ScenarioResult], path: Path, *, require_full_coverage: bool = True) -> None:
    features: dict[str, list[ScenarioResult]] = defaultdict(list)
    for result in results:
        features[result.feature].append(result)
    passed = gate_passed(results) if require_full_coverage else not any(r.outcome == "failed" for r in results)
    html = _ENV.get_template("report.html.j2").render(
        passed=passed, results=results, features=sorted(features.items()),
        coverage=coverage_rows(results, require_full_coverage=require_full_coverage),
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        counts={k: sum(r.outcome == k for r in results) for k in ("passed", "failed", "skipped", "not applicable")},
    )
    path.write_text(html, encoding="utf-8")
