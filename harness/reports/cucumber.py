"""Cucumber JSON (the format of cucumber-jvm/cucumber-js ``--format json``), read by standard report tools.

Steps keep their own status: ``passed``, ``failed`` (with ``error_message``), ``skipped`` (after a
failure) and ``undefined`` (no step definition); durations are nanoseconds.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from harness.results import ScenarioResult

__all__ = ["write_cucumber", "cucumber_document"]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def cucumber_document(results: list[ScenarioResult]) -> list[dict[str, Any]]:
    by_feature: dict[str, list[ScenarioResult]] = defaultdict(list)
    for result in results:
        if result.record:
            by_feature[result.feature_file].append(result)
    features = []
    for uri, scenarios in sorted(by_feature.items()):
        feature = scenarios[0].record["feature"]  # type: ignore[index]
        feature_id = _slug(feature["name"])
        elements = []
        for result in scenarios:
            scenario = result.record["scenario"]  # type: ignore[index]
            example_id = "".join(f";{_slug(value)}" for value in result.example.values())  # one id per example
            steps = []
            for step in result.steps:
                outcome: dict[str, Any] = {"status": step["status"], "duration": int(step["duration"] * 1e9)}
                if step["error"] and step["status"] in ("failed", "undefined"):
                    outcome["error_message"] = step["error"]
                entry: dict[str, Any] = {"keyword": f"{step['keyword']} ", "name": step["name"], "line": step["line"],
                                         "match": {"location": f"{uri}:{step['line']}"}, "result": outcome}
                if step.get("datatable"):
                    entry["rows"] = [{"cells": row} for row in step["datatable"]]
                if step.get("docstring"):
                    entry["doc_string"] = {"value": step["docstring"], "content_type": "", "line": step["line"] + 1}
                steps.append(entry)
            elements.append({
                "id": f"{feature_id};{_slug(scenario['name'])}" + example_id, "keyword": scenario["keyword"],
                "name": scenario["name"], "description": scenario["description"] or "", "line": scenario["line"],
                "type": "scenario", "tags": [{"name": f"@{t}", "line": scenario["line"] - 1} for t in scenario["tags"]],
                "steps": steps,
            })
        features.append({"uri": uri, "id": feature_id, "keyword": "Feature", "name": feature["name"],
                         "description": feature["description"] or "", "line": feature["line"],
                         "tags": [{"name": f"@{t}", "line": max(feature["line"] - 1, 1)} for t in feature["tags"]],
                         "elements": elements})
    return features


def write_cucumber(results: list[ScenarioResult], path: Path) -> None:
    path.write_text(json.dumps(cucumber_document(results), indent=2) + "\n", encoding="utf-8")
