"""pytest plugin for the feature suite (always on, via the root conftest).

* ``@article:<case-id>`` tags become the declared marker ``article(case_id)`` plus ``article_<case_id>``
  (so ``-m article_duplicate_document_number`` selects a case); an unknown case id stops collection
  with the list of known ids, so a typo cannot silently drop a case from the gate.
* An unknown or misspelt step fails with the closest known steps, not a bare "step not found".
* Every step's outcome (passed, failed, skipped after a failure, undefined) is recorded on the test
  item, for the gate's Cucumber JSON, JUnit and HTML reports.
"""

from __future__ import annotations

import difflib
import json
import time
from typing import Any

import pytest
from pytest_bdd.steps import step_function_context_registry

from harness.articles import ARTICLE_CASES, TAG_PREFIX, case_ids, marker_name

__all__ = ["UnknownStepError", "RECORD_KEY", "known_step_patterns"]

RECORD_KEY = "qbo_scenario"
_records = pytest.StashKey[dict[str, Any]]()


class UnknownStepError(LookupError):
    """A feature uses a step no step definition matches; the message suggests the closest ones."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "article(case_id): the scenario proves this article case")
    for case in ARTICLE_CASES:
        config.addinivalue_line("markers", f"{marker_name(case.id)}: article case {case.id}")
    for tag in ("happy_path", "developer", "technical", "wip", "region_au", "region_us", "region_uk",
                "region_ca"):
        config.addinivalue_line("markers", f"{tag}: feature suite tag @{tag}")


@pytest.hookimpl(tryfirst=True)
def pytest_bdd_apply_tag(tag: str, function: Any) -> bool | None:
    if not tag.startswith(TAG_PREFIX):
        if "-" in tag:  # a QA tag like @qa-team: marks cannot hold '-', and the gate's --tags maps it to '_'
            getattr(pytest.mark, tag.replace("-", "_"))(function)
            return True
        return None
    case_id = tag[len(TAG_PREFIX):]
    if case_id not in case_ids():
        close = difflib.get_close_matches(case_id, case_ids(), n=1)
        hint = f" Did you mean @article:{close[0]}?" if close else ""
        raise ValueError(f"unknown article case in tag @{tag}.{hint} Known cases: {', '.join(case_ids())}")
    pytest.mark.article(case_id)(function)
    getattr(pytest.mark, marker_name(case_id))(function)
    return True


def known_step_patterns() -> list[tuple[str, str]]:
    """``(type, pattern)`` of every registered step definition."""
    return sorted({(ctx.type or "step", getattr(ctx.parser, "name", str(ctx.parser)))
                   for ctx in list(step_function_context_registry.values())})


def pytest_bdd_step_func_lookup_error(request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any,
                                      exception: Exception) -> None:
    _mark_step(request, step, "undefined", f"Step definition is not found: {step.keyword} {step.name}")
    patterns = [pattern for _, pattern in known_step_patterns()]
    close = difflib.get_close_matches(step.name, patterns, n=3, cutoff=0.45)
    suggestion = ("\nThe closest known steps are:\n" + "\n".join(f"  - {p}" for p in close)) if close else \
        "\nNo known step is close; `qbo-sim steps` lists them all."
    raise UnknownStepError(
        f'Unknown step "{step.keyword} {step.name}" (line {step.line_number} of {feature.rel_filename}, '
        f'scenario "{scenario.name}").{suggestion}')


# -- step records -----------------------------------------------------------------------------------
def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    request.node.stash[_records] = {
        "feature": {"name": feature.name, "file": feature.rel_filename, "line": feature.line_number,
                    "description": feature.description, "tags": sorted(feature.tags)},
        "scenario": {"name": scenario.name, "line": scenario.line_number, "keyword": scenario.keyword,
                     "description": scenario.description, "tags": sorted(scenario.tags)},
        "steps": [{"keyword": s.keyword.strip(), "name": s.name, "line": s.line_number, "status": "skipped",
                   "duration": 0.0, "error": None, "datatable": _table(s), "docstring": s.docstring}
                  for s in scenario.steps],
    }


def pytest_bdd_before_step(request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any,
                           step_func: Any) -> None:
    record = _step(request, step)
    if record is not None:
        record["_started"] = time.perf_counter()


def pytest_bdd_after_step(request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any,
                          step_func: Any, step_func_args: Any) -> None:
    _mark_step(request, step, "passed", None)


def pytest_bdd_step_error(request: pytest.FixtureRequest, feature: Any, scenario: Any, step: Any, step_func: Any,
                          step_func_args: Any, exception: Exception) -> None:
    _mark_step(request, step, "failed", f"{type(exception).__name__}: {exception}")


def pytest_bdd_after_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    record = request.node.stash.get(_records, None)
    if record is not None:
        for step in record["steps"]:
            step.pop("_started", None)
        request.node.user_properties.append((RECORD_KEY, json.dumps(record)))


def _step(request: pytest.FixtureRequest, step: Any) -> dict[str, Any] | None:
    record = request.node.stash.get(_records, None)
    if record is None:
        return None
    for entry in record["steps"]:
        if entry["line"] == step.line_number and entry["name"] == step.name and entry["status"] == "skipped":
            return entry
    return None


def _mark_step(request: pytest.FixtureRequest, step: Any, status: str, error: str | None) -> None:
    entry = _step(request, step)
    if entry is None:
        return
    entry["status"] = status
    entry["error"] = error
    if "_started" in entry:
        entry["duration"] = round(time.perf_counter() - entry.pop("_started"), 6)


def _table(step: Any) -> list[list[str]] | None:
    table = getattr(step, "datatable", None)
    if not table:
        return None
    return [[cell.value for cell in row.cells] for row in table.rows]
