"""The HTML report as a person sees it in a real Chromium at 1,400 px: the verdict badge's text, the failures
section and its links, every scenario on screen, outline examples named by their values, the failing
step's line and the suggestions for an unknown step, and no horizontal scrolling even with every
request body open.

The same checks run against two broken renderings (a stylesheet that hides every scenario, a badge
that always says PASSED) and must fail on each: the proof that these checks can fail.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from harness.articles import case_ids
from harness.reports.html import render_html
from harness.results import ScenarioResult

from tests.conftest import BROWSER_GROUP

#: one Chromium for the browser tests of the whole run (tests/conftest.py: chromium, BROWSER_GROUP)
pytestmark = [pytest.mark.heavy, pytest.mark.xdist_group(BROWSER_GROUP)]

LONG_QUERY = ("query=" + "select%20*%20from%20Invoice%20where%20DocNumber%20IN%20(" + "%27INV0042%27%2C" * 60
              + "%27X%27)")
LONG_BODY = json.dumps({"Invoice": {"DocNumber": "INV0042", "PrivateNote": "x" * 3000,
                                    "Line": [{"Amount": 100.0, "Description": "Blocked drain " * 40}]}})


def _journal() -> list[dict[str, Any]]:
    return [{"method": "GET", "path": "/v3/company/9341452700000001/query", "query": LONG_QUERY, "status": 200,
             "fault_code": None, "fault_message": None, "fault_detail": None, "intuit_tid": "1-" + "a" * 40,
             "requestid": "8f3c" * 8, "request_body": "", "response_body": LONG_BODY,
             "response_type": "application/json", "replayed": False, "fault_rule": None},
            {"method": "POST", "path": "/v3/company/9341452700000001/invoice", "query": "minorversion=75",
             "status": 400, "fault_code": "6140", "fault_message": "Duplicate Document Number Error",
             "fault_detail": "Duplicate Document Number Error : You must specify a different number. This number "
                             "has already been used. DocNumber=INV0042 is assigned to TxnType=Invoice with "
                             "TxnId=130", "intuit_tid": "1-" + "b" * 40, "requestid": "r" * 36,
             "request_body": LONG_BODY, "response_body": LONG_BODY, "response_type": "application/json",
             "replayed": False, "fault_rule": None}]


def _result(name: str, case: str | None, *, outcome: str = "passed", example: dict[str, str] | None = None,
            steps: list[tuple[str, str, int, str, str | None]] | None = None, error: str | None = None,
            file: str = "features/invoice_sync/duplicate_document_number.feature") -> ScenarioResult:
    steps = steps or [("Given", "a Caspen account connected to an Australian QuickBooks company", 7, "passed", None)]
    record = {"feature": {"name": "Duplicate document numbers", "file": file, "line": 2, "description": "",
                          "tags": []},
              "scenario": {"name": name, "line": 11, "keyword": "Scenario", "description": "",
                           "tags": [f"article:{case}"] if case else ["happy_path"], "example": example or {}},
              "steps": [{"keyword": k, "name": n, "line": line, "status": s, "duration": 0.01, "error": e,
                         "datatable": None, "docstring": None} for k, n, line, s, e in steps],
              "failure": error}
    suffix = "[" + "-".join(example.values()) + "]" if example else ""
    function = "test_" + re.sub(r"\W+", "_", name.lower())
    return ScenarioResult(nodeid=f"tests/bdd/test_features.py::{function}{suffix}",
                          outcome=outcome, duration=0.3, error=error, record=record, journal=_journal())


MISMATCH = ('features/invoice_sync/duplicate_document_number.feature:17: Then the QuickBooks status card shows '
            '"Synced"\n  the QuickBooks status card of INV0042:\n    expected: "Synced"\n'
            '    actual:   "Duplicate document number"')
UNKNOWN = ('features/invoice_sync/typo.feature:4: unknown step "When I finalise the invoice" (scenario "Misspelt")\n'
           "  The closest known steps are:\n    When I finalize the invoice\n    When I void the invoice")


def failing_results() -> list[ScenarioResult]:
    results = [_result(f"proves {case}", case) for case in case_ids() if case != "duplicate-document-number"]
    results.append(_result("Renumber the clashing document, then Retry", "duplicate-document-number",
                           example={"number": "INV0042", "renumbered": "INV0042-A"}))
    results.append(_result("Renumber the clashing document, then Retry", "duplicate-document-number",
                           outcome="failed", example={"number": "INV0107", "renumbered": "ADJ0107"}, error=MISMATCH,
                           steps=[("Given", "QuickBooks already has an invoice numbered INV0107", 12, "passed", None),
                                  ("Then", 'the QuickBooks status card shows "Synced"', 17, "failed", MISMATCH),
                                  ("And", "the status card does not offer Retry", 18, "skipped", None)]))
    results.append(_result("Misspelt", None, outcome="failed", error=UNKNOWN, file="features/invoice_sync/typo.feature",
                           steps=[("When", "I finalise the invoice", 4, "undefined", UNKNOWN)]))
    return results


def passing_results() -> list[ScenarioResult]:
    return [_result(f"proves {case}", case) for case in case_ids()]


def what_a_person_sees(page: Any, results: list[ScenarioResult], *, expect_passed: bool) -> None:
    """Every check of this module, on an open page (raises AssertionError when the report misleads)."""
    badge = page.locator("#verdict")
    assert badge.is_visible(), "the verdict badge is not visible"
    assert badge.inner_text().strip() == ("PASSED" if expect_passed else "FAILED"), badge.inner_text()
    scenarios = page.locator(".scenario")
    assert scenarios.count() == len(results)
    hidden = [i for i in range(scenarios.count()) if not scenarios.nth(i).is_visible()]
    assert not hidden, f"{len(hidden)} of {len(results)} scenarios are not visible"
    failed = [r for r in results if r.outcome == "failed"]
    section = page.locator("#failures")
    if not failed:
        assert section.count() == 0
        return
    assert section.is_visible(), "the failures section is not visible"
    assert section.bounding_box()["y"] < page.locator("#coverage").bounding_box()["y"], "failures come after coverage"
    links = section.locator("a")
    assert links.count() == len(failed)
    for index, result in enumerate(failed):
        link = links.nth(index)
        assert link.is_visible() and result.name in link.inner_text()
        link.click()
        target = page.locator(f"#{result.anchor}")
        assert target.is_visible()
        box, viewport = target.bounding_box(), page.viewport_size
        assert 0 <= box["y"] < viewport["height"], f"the link to {result.title} does not bring it on screen"
        error_line = result.error.splitlines()[1].strip()
        assert target.get_by_text(error_line, exact=False).first.is_visible(), error_line
        failed_line = str(result.failure_line)
        assert target.locator("tr.step-failed td, tr.step-undefined td").first.inner_text().strip() == failed_line


@pytest.fixture
def report(tmp_path: Path) -> Any:
    def write(results: list[ScenarioResult], *, mutate: Any = None) -> Path:
        html = render_html(results)
        if mutate is not None:
            html = mutate(html)
        path = tmp_path / f"report-{len(list(tmp_path.iterdir()))}.html"
        path.write_text(html, encoding="utf-8")
        return path
    return write


def test_a_failing_report_shows_the_verdict_the_failures_and_every_scenario(open_report: Any, report: Any) -> None:
    results = failing_results()
    page = open_report(report(results))
    what_a_person_sees(page, results, expect_passed=False)
    # which scenario of the case failed, named by its example values, in the coverage table
    row = page.locator('#coverage tr[data-case="duplicate-document-number"]')
    assert row.locator("span.badge", has_text="failed").first.is_visible()
    assert "number = INV0107" in page.locator(".scenario.failed-s summary").first.inner_text()
    # the unknown step's suggestions are on screen, not only in pytest's output
    typo = page.locator(f"#{results[-1].anchor}")
    assert typo.get_by_text("When I finalize the invoice").first.is_visible()


def test_a_passing_report_says_passed_and_has_no_failures_section(open_report: Any, report: Any) -> None:
    results = passing_results()
    what_a_person_sees(open_report(report(results)), results, expect_passed=True)


def test_the_report_fits_a_1400_px_window_with_every_body_open(open_report: Any, report: Any) -> None:
    page = open_report(report(failing_results()))
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1400, f"the page is {width} px wide in a 1,400 px window"
    assert page.locator("td code", has_text="select * from Invoice where DocNumber IN ('INV0042'").first.is_visible()
    body = page.locator("table.traffic pre", has_text='"DocNumber": "INV0042"').first
    assert body.is_visible() and "\n" in body.inner_text()  # pretty-printed, not one line


@pytest.mark.parametrize("breakage, symptom", [
    (lambda html: html.replace("</style>", ".scenario { display: none; }</style>"), "scenarios are not visible"),
    (lambda html: re.sub(r'id="verdict">\w+<', 'id="verdict">PASSED<', html), "PASSED"),
    (lambda html: html.replace('<section id="failures">', '<section id="failures" hidden>'),
     "failures section is not visible"),
    (lambda html: html.replace("</style>", "table { table-layout: auto; } td, pre, code { overflow-wrap: normal;"
                               " white-space: pre; }</style>"), "px wide in a 1,400 px window"),
], ids=["css-hides-scenarios", "badge-always-passed", "failures-hidden", "traffic-too-wide"])
def test_the_checks_fail_on_a_broken_report(open_report: Any, report: Any, breakage: Any, symptom: str) -> None:
    results = failing_results()
    page = open_report(report(results, mutate=breakage))
    with pytest.raises(AssertionError, match=re.escape(symptom)):
        what_a_person_sees(page, results, expect_passed=False)
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1400, f"the page is {width} px wide in a 1,400 px window"
