"""A self-contained HTML report: verdict, what failed (linked), article coverage, and per scenario its steps
and the QuickBooks requests and responses it caused (from the simulator's journal).

No scripts and no external assets: collapsible parts are ``<details>`` elements, so it opens from a CI
artifact as it is. It is laid out for a 1,400 px window: URLs are shown decoded and wrap, bodies are
pretty-printed on demand.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_plus
from xml.dom import minidom

from jinja2 import Environment, FileSystemLoader, select_autoescape

from harness.reports.summary import coverage_rows, failure_rows
from harness.results import ScenarioResult, gate_passed

__all__ = ["write_html", "render_html", "pretty_body", "readable_url"]

_ENV = Environment(loader=FileSystemLoader(Path(__file__).parent), autoescape=select_autoescape(["html", "j2"]),
                   trim_blocks=True, lstrip_blocks=True)


def pretty_body(body: str | None) -> str:
    """JSON indented, XML indented, anything else as it came; ``(empty)`` for nothing."""
    if not body:
        return "(empty)"
    text = body.strip()
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        pass
    if text.startswith("<?xml") or (text.startswith("<") and not text.lower().startswith(("<!doctype", "<html"))):
        try:
            return minidom.parseString(text).toprettyxml(indent="  ").split("\n", 1)[-1].strip()
        except Exception:  # not well-formed: show it as it came
            return text
    return text


def readable_url(entry: dict[str, Any]) -> str:
    """``GET /v3/company/1/query?query=select * from Invoice`` (percent-encoding undone)."""
    path = unquote(entry.get("path") or "")
    query = entry.get("query") or ""
    return f"{path}?{unquote_plus(query)}" if query else path


_ENV.filters["pretty"] = pretty_body
_ENV.globals["readable_url"] = readable_url


def render_html(results: list[ScenarioResult], *, require_full_coverage: bool = True) -> str:
    features: dict[str, list[ScenarioResult]] = defaultdict(list)
    for result in results:
        features[result.feature_file].append(result)
    passed = gate_passed(results) if require_full_coverage else \
        bool(results) and not any(r.outcome == "failed" for r in results)
    return _ENV.get_template("report.html.j2").render(
        passed=passed, results=results, features=sorted(features.items()),
        coverage=coverage_rows(results, require_full_coverage=require_full_coverage),
        failures=failure_rows(results),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        counts={k: sum(r.outcome == k for r in results) for k in ("passed", "failed", "skipped", "not applicable")},
    )


def write_html(results: list[ScenarioResult], path: Path, *, require_full_coverage: bool = True) -> None:
    path.write_text(render_html(results, require_full_coverage=require_full_coverage), encoding="utf-8")
