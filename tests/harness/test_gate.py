"""The release gate end to end: real pytest runs of the feature suite, reports checked in a real browser."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema

from harness.gate import BUNDLED_FEATURES, FEATURE_SUITE, GateOptions, render_table, run_gate
from harness.reports.junit import SCHEMA
from harness.results import coverage
from simulator.backends import DEFAULT_CLIENT
from tests.conftest import BUNDLED_GATE_GROUP

CUCUMBER_SCHEMA = json.loads((Path(__file__).parent / "cucumber.schema.json").read_text())


@pytest.mark.xdist_group(BUNDLED_GATE_GROUP)
def test_the_gate_passes_on_main_with_valid_reports(bundled_gate: Any, open_report: Any) -> None:
    outcome = bundled_gate
    reports = outcome.reports["junit"].parent
    assert outcome.passed and outcome.exit_code == 0, render_table(outcome.results) + outcome.output[-3000:]
    assert all(row.status == "passed" for row in coverage(outcome.results))
    assert len(outcome.results) >= 30
    xmlschema.XMLSchema(str(SCHEMA)).validate(str(outcome.reports["junit"]))
    jsonschema.validate(json.loads(outcome.reports["cucumber"].read_text()), CUCUMBER_SCHEMA)
    for report in (p for p in reports.rglob("*") if p.is_file()):  # no token or secret reaches any report file
        text = report.read_text(errors="replace")
        assert not re.search(r"eyJ[A-Za-z0-9_-]{40,}|RT1-\d{2}-H0-", text), report
        assert DEFAULT_CLIENT["client_secret"] not in text, report
    journals = [r.journal for r in outcome.results if r.journal]
    assert journals and any(e["fault_code"] == "6140" for j in journals for e in j)
    # what a person sees in Chromium (tests/harness/conftest.py): the badge, the seven cases, the 6140 fault
    page = open_report(outcome.reports["html"])
    assert page.locator("#verdict").inner_text().strip() == "PASSED"
    assert page.locator("#failures").count() == 0
    rows = page.locator("#coverage tbody tr")
    assert rows.count() == 7 and all(rows.nth(i).is_visible() for i in range(7))
    assert all("passed" in rows.nth(i).locator("td").last.inner_text() for i in range(7))
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert page.get_by_text("Duplicate Document Number Error").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1400


@pytest.mark.heavy
def test_deleting_or_breaking_a_case_or_misspelling_a_step_fails_the_gate_naming_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One gate run over a damaged copy of the features: a case deleted, a case broken, a step misspelt."""
    features = tmp_path / "features"
    shutil.copytree(BUNDLED_FEATURES, features)
    (features / "invoice_sync" / "voided_invoice.feature").unlink()
    historical = features / "invoice_sync" / "historical_invoice.feature"
    historical.write_text(historical.read_text().replace('with a total of $330.00', 'with a total of $331.00'))
    (features / "typo.feature").write_text(
        "Feature: A typo\n  Scenario: Misspelt finalize\n"
        "    Given a Caspen account connected to an Australian QuickBooks company\n"
        "    When I finalise the invoice\n")
    monkeypatch.setenv("QBO_SIM_FEATURES", str(features))
    outcome = run_gate(GateOptions(reports=tmp_path / "reports", quiet=True))
    assert outcome.exit_code == 1 and not outcome.passed
    rows = {row.case.id: row.status for row in coverage(outcome.results)}
    assert rows["voided-invoice"] == "missing"
    assert rows["historical-invoice"] == "failed"
    assert {case for case, status in rows.items() if status != "passed"} == {"voided-invoice", "historical-invoice"}
    table = render_table(outcome.results)
    assert "voided-invoice" in table and "MISSING" in table and "FAILED" in table

    [typo] = [r for r in outcome.results if r.name == "Misspelt finalize"]
    assert 'typo.feature:4: unknown step "When I finalise the invoice"' in (typo.error or "")
    assert "When I finalize the invoice" in (typo.error or "")  # the closest known step is suggested
    assert [s["status"] for s in typo.steps] == ["passed", "undefined"]


def test_a_misspelt_article_tag_is_refused_with_the_known_cases() -> None:
    from harness.bdd import pytest_bdd_apply_tag

    def scenario() -> None:
        pass

    with pytest.raises(ValueError, match=r"Did you mean @article:duplicate-document-number\? Known cases: "):
        pytest_bdd_apply_tag("article:duplicate-doc-number", scenario)
    assert pytest_bdd_apply_tag("article:voided-invoice", scenario) is True
    assert {m.name for m in scenario.pytestmark} == {"article", "article_voided_invoice"}  # type: ignore[attr-defined]
    assert pytest_bdd_apply_tag("smoke", scenario) is True  # any other tag is a free-form marker
    assert {m.name for m in scenario.pytestmark} == {"article", "article_voided_invoice", "smoke"}  # type: ignore[attr-defined]


def test_step_catalogue_lists_every_step_with_an_example(tmp_path: Path) -> None:
    from harness.catalogue import catalogue
    from simulator.cli import main

    entries = catalogue()
    assert len(entries) >= 40
    missing = [e.pattern for e in entries if not e.example]
    assert missing == [], f"steps without an Example: line in their docstring: {missing}"
    assert main(["steps", "--markdown", str(tmp_path / "steps.md"), "--html", str(tmp_path / "steps.html")]) == 0
    markdown = (tmp_path / "steps.md").read_text()
    assert "Given a Caspen account connected to an Australian QuickBooks company" in markdown
    assert '<td><code>the QuickBooks status card shows &quot;{title}&quot;</code></td>' in \
        (tmp_path / "steps.html").read_text()


def test_feature_suite_location_is_the_one_pytest_runs() -> None:
    assert (FEATURE_SUITE / "test_features.py").exists() and (FEATURE_SUITE / "pytest.ini").exists()
    assert len(list(BUNDLED_FEATURES.rglob("*.feature"))) >= 14
