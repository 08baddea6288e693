"""pytest plugin for the feature suite (always on, via the root conftest).

* ``@article:<case-id>`` tags become the declared marker ``article(case_id)`` plus ``article_<case_id>``
  (so ``-m article_duplicate_document_number`` selects a case). Unknown case ids are caught per file by
  :mod:`harness.featurefiles` before binding (that file's scenarios fail, the rest run); the check here
  is the last line for features bound some other way. Any other tag (``@smoke``) is a free-form marker.
* An unknown step explains itself (:func:`harness.explain.unknown_step`): wrong keyword, a value that did
  not parse, or the closest known steps. A failing step is described with its feature file and line
  (:func:`harness.explain.step_failure`); an outline placeholder no Examples column filled fails the
  scenario before any step runs.
* Every step's outcome (passed, failed, skipped after a failure, undefined) is recorded on the test
  item, with the failure text in words (``record["failure"]``), for the gate's results and reports.
"""

from __future__ import annotations

import difflib
import json
import time
from typing import Any

import pytest
from pytest_bdd.steps import step_function_context_registry

from harness import explain
from harness.articles import ARTICLE_CASES, TAG_PREFIX, case_ids, marker_name
from harness.featurefiles import FeatureFileError, declare_markers, marker_for_tag
from harness.results import RECORD_KEY

__all__ = ["UnknownStepError", "RECORD_KEY", "known_step_patterns"]

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
        declare_markers([tag])  # free-form tags are allowed under --strict-markers
        getattr(pytest.mark, marker_for_tag(tag))(function)
        return True
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
    text = explain.unknown_step(feature, scenario, step)
    _mark_step(request, step, "undefined", text)
    _set_failure(request, text)
    raise UnknownStepError(text)


# -- step records -----------------------------------------------------------------------------------
def pytest_bdd_before_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    callspec = getattr(request.node, "callspec", None)
    example = dict(callspec.params.get("_pytest_bdd_example") or {}) if callspec is not None else {}
    request.node.stash[_records] = {
        "feature": {"name": feature.name, "file": explain.display_path(feature.filename), "line": feature.line_number,
                    "description": feature.description, "tags": sorted(feature.tags)},
        "scenario": {"name": scenario.name, "line": scenario.line_number, "keyword": scenario.keyword,
                     "description": scenario.description, "tags": sorted(scenario.tags),
                     "example": {str(k): str(v) for k, v in example.items()}},
        "steps": [{"keyword": s.keyword.strip(), "name": s.name, "line": s.line_number, "status": "skipped",
                   "duration": 0.0, "error": None, "datatable": _table(s), "docstring": s.docstring}
                  for s in scenario.steps],
        "failure": None,
    }
    unfilled = explain.unfilled_placeholders(scenario, example)
    if unfilled is not None:
        step, names = unfilled
        text = explain.placeholder_message(feature, scenario, step, names, example)
        _mark_step(request, step, "failed", text)
        _set_failure(request, text)
        pytest_bdd_after_scenario(request, feature, scenario)  # pytest-bdd skips it when this hook raises
        raise FeatureFileError(text)


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
    text = explain.step_failure(feature, step, exception)
    _mark_step(request, step, "failed", text)
    _set_failure(request, text)


def pytest_bdd_after_scenario(request: pytest.FixtureRequest, feature: Any, scenario: Any) -> None:
    record = request.node.stash.get(_records, None)
    if record is not None and not record.get("_attached"):
        record["_attached"] = True
        for step in record["steps"]:
            step.pop("_started", None)
        request.node.user_properties.append((RECORD_KEY, json.dumps({k: v for k, v in record.items()
                                                                     if not k.startswith("_")})))


def _set_failure(request: pytest.FixtureRequest, text: str) -> None:
    record = request.node.stash.get(_records, None)
    if record is not None and not record.get("failure"):
        record["failure"] = text


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
