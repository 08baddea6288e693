"""Gate results: scenarios read from the collector's JSON lines, and the article coverage table."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.articles import ARTICLE_CASES, TAG_PREFIX, ArticleCase

__all__ = ["ScenarioResult", "CoverageRow", "load_results", "coverage", "gate_passed", "RECORD_KEY"]

#: the user property a scenario's record (feature, scenario, steps, failure) travels under to the gate
RECORD_KEY = "qbo_scenario"


@dataclass
class ScenarioResult:
    nodeid: str
    outcome: str  # passed | failed | skipped | not applicable (the driver lacks a capability; error = why)
    duration: float
    error: str | None
    record: dict[str, Any] | None
    journal: list[dict[str, Any]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.record["scenario"]["name"] if self.record else self.nodeid.split("::")[-1]

    @property
    def example(self) -> dict[str, str]:
        """The Examples row of an outline scenario (column → value); empty for a plain scenario."""
        return dict(self.record["scenario"].get("example") or {}) if self.record else {}

    @property
    def title(self) -> str:
        """The name, with the Examples values when the name does not already show them."""
        values = [f"{k} = {v if len(v) <= 40 else v[:39] + '…'}" for k, v in self.example.items() if v not in self.name]
        return f"{self.name} ({', '.join(values)})" if values else self.name

    @property
    def failure_line(self) -> int | None:
        """The feature-file line of the failing (or undefined) step, else of the scenario."""
        for step in self.steps:
            if step["status"] in ("failed", "undefined"):
                return int(step["line"])
        return int(self.record["scenario"]["line"]) if self.record and self.outcome == "failed" else None

    @property
    def anchor(self) -> str:
        """A stable HTML id for this scenario (its node id, made URL-safe)."""
        import re

        return "s-" + re.sub(r"[^A-Za-z0-9_-]+", "-", self.nodeid.split("::", 1)[-1]).strip("-")

    @property
    def feature(self) -> str:
        return self.record["feature"]["name"] if self.record else self.nodeid.split("::")[0]

    @property
    def feature_file(self) -> str:
        return self.record["feature"]["file"] if self.record else self.nodeid.split("::")[0]

    @property
    def tags(self) -> list[str]:
        if not self.record:
            return []
        return sorted(set(self.record["feature"]["tags"]) | set(self.record["scenario"]["tags"]))

    @property
    def cases(self) -> list[str]:
        return [t[len(TAG_PREFIX):] for t in self.tags if t.startswith(TAG_PREFIX)]

    @property
    def steps(self) -> list[dict[str, Any]]:
        return self.record["steps"] if self.record else []

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScenarioResult:
        return cls(nodeid=data["nodeid"], outcome=data["outcome"], duration=data["duration"],
                   error=data.get("error"), record=data.get("record"), journal=data.get("journal") or [])

    def to_json(self) -> dict[str, Any]:
        return {"nodeid": self.nodeid, "outcome": self.outcome, "duration": self.duration, "error": self.error,
                "record": self.record, "journal": self.journal}


@dataclass
class CoverageRow:
    case: ArticleCase
    passed: list[str]
    failed: list[str]
    #: scenarios for this case the driver could not run: they prove nothing either way
    not_applicable: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.failed:
            return "failed"
        return "passed" if self.passed else "missing"


def load_results(*paths: Path) -> list[ScenarioResult]:
    """Scenarios from one or more results files (shards merge by node id; a later file wins)."""
    merged: dict[str, ScenarioResult] = {}
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                result = ScenarioResult.from_json(json.loads(line))
            except (ValueError, KeyError) as exc:
                raise ValueError(f"{path}:{number}: not a gate result line ({exc})") from None
            merged[result.nodeid] = result
    return sorted(merged.values(), key=lambda r: r.nodeid)


def coverage(results: list[ScenarioResult]) -> list[CoverageRow]:
    rows = []
    for case in ARTICLE_CASES:
        proving = [r for r in results if case.id in r.cases]
        rows.append(CoverageRow(case, passed=[r.name for r in proving if r.outcome == "passed"],
                                failed=[r.name for r in proving if r.outcome == "failed"],
                                not_applicable=[r.name for r in proving if r.outcome == "not applicable"]))
    return rows


def gate_passed(results: list[ScenarioResult]) -> bool:
    """Every article case has a passing scenario and no scenario failed."""
    return bool(results) and all(row.status == "passed" for row in coverage(results)) and \
        not any(r.outcome == "failed" for r in results)
