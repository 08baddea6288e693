"""Capabilities: ``@needs:`` tags, and scenarios that do not run counting for nothing in the coverage table."""

from __future__ import annotations

import pytest

from harness.capabilities import not_applicable_reason, pytest_bdd_apply_tag
from harness.gate import render_table
from harness.results import ScenarioResult, coverage, gate_passed


def scenario(name: str, case: str, outcome: str) -> ScenarioResult:
    record = {"feature": {"name": "F", "file": "f.feature", "line": 1, "description": "", "tags": []},
              "scenario": {"name": name, "line": 3, "keyword": "Scenario", "description": "",
                           "tags": [f"article:{case}"]}, "steps": []}
    return ScenarioResult(nodeid=f"test_features.py::test_{name}", outcome=outcome, duration=0.1,
                          error="the driver x lacks the capability clock" if outcome == "not applicable" else None,
                          record=record)


def test_a_needs_tag_becomes_a_marker_and_a_misspelt_capability_stops_the_run() -> None:
    def function() -> None:
        pass

    assert pytest_bdd_apply_tag("needs:clock", function) is True
    assert [(m.name, m.args) for m in function.pytestmark] == [("needs", ("clock",))]  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match=r"unknown capability in tag @needs:clok\. Did you mean @needs:clock\? "
                                         r"Known capabilities: clock, historical, credit_notes, import_payments"):
        pytest_bdd_apply_tag("needs:clok", function)
    assert pytest_bdd_apply_tag("article:voided-invoice", function) is None  # not this plugin's tag


def test_the_reason_names_the_driver_and_each_missing_capability() -> None:
    assert not_applicable_reason("reference", frozenset({"clock"}), ["clock"]) is None
    reason = not_applicable_reason("caspen-web", frozenset(), ["clock", "import_payments"])
    assert reason is not None and reason.startswith("not applicable: the driver caspen-web lacks the capability clock")
    assert "import_payments (payments recorded in QuickBooks can be imported" in reason


def test_a_case_proved_only_by_scenarios_that_did_not_run_is_missing() -> None:
    cases = ["required-param-missing", "historical-invoice", "invalid-refresh-token", "duplicate-document-number",
             "tax-business-validation", "voided-invoice", "unlisted-error"]
    results = [scenario(f"proves_{case}", case, "passed") for case in cases if case != "historical-invoice"]
    results.append(scenario("historical_without_clock", "historical-invoice", "not applicable"))
    rows = {row.case.id: row for row in coverage(results)}
    assert rows["historical-invoice"].status == "missing" and rows["historical-invoice"].passed == []
    assert rows["historical-invoice"].not_applicable == ["historical_without_clock"]
    assert not gate_passed(results)
    table = render_table(results)
    assert "1 not applicable" in table and "MISSING" in table
    results.append(scenario("historical_with_clock", "historical-invoice", "passed"))
    assert gate_passed(results)
    assert "1 passed, 1 not applicable" in render_table(results)
