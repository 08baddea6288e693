"""QA slips never abort the gate: one mistake per file in ``slips/``, one real gate run over the folder.

Every slip fails only its own scenarios, naming the feature file, the line and the fix, in the console,
the JSON results, JUnit, Cucumber JSON and the HTML report (seen in a real browser); the scenarios with
no mistake (and those using the accepted ``AUD 1,200.50`` and ``31/12/2025`` forms or a free-form tag)
still run and pass, and the gate fails.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import xmlschema

from harness.reports.junit import SCHEMA as JUNIT_SCHEMA
from harness.results import ScenarioResult, load_results
from simulator.cli import main

#: one gate run over the slips (module fixture) and a browser: seconds, so the module starts first under -n
pytestmark = pytest.mark.heavy
SLIPS = Path(__file__).parent / "slips"

#: file → what the failure must say: (line, words of the reason, words of the fix)
EXPECTED = {
    "misspelt_article.feature": (2, "unknown article case in the tag @article:duplicate-doc-number",
                                 "did you mean @article:duplicate-document-number?"),
    "missing_colon.feature": (3, '"Scenario Finalizing an invoice syncs it" was read as description text',
                              'write "Scenario: Finalizing an invoice syncs it"'),
    "missing_cell.feature": (7, "this table row has 4 cells but the table's first row (line 6) has 5",
                             "give every row as many cells as the first row"),
    "then_as_and.feature": (6, 'This is a Then step, but "And" continues the Given on line 3',
                            'Write: Then the QuickBooks status card shows "Synced"'),
    "us_date.feature": (4, "closing: '12/31/2025' is not a date: dates are day/month/year",
                        "Write 2025-12-31, 31/12/2025 (day/month/year) or 31 December 2025"),
    "bare_discount.feature": (8, "'0.1' is not an amount of money: a bare number is ambiguous",
                              "write $0.10 for an amount, or a percentage such as 10%"),
    "unfilled_rate.feature": (5, "The placeholder <rate> was not filled: its Examples have the columns region",
                              "Add a column named rate to the Examples"),
}
PASSING = {"good.feature", "smoke_tag.feature", "aud_amount.feature", "dmy_date.feature"}


@pytest.fixture(scope="module")
def slip_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    reports = tmp_path_factory.mktemp("slips-reports")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QBO_SIM_FEATURES", str(SLIPS))
        import contextlib
        import io

        console = io.StringIO()
        with contextlib.redirect_stdout(console):
            code = main(["gate", "--quiet", "--reports", str(reports)])
    return {"code": code, "console": console.getvalue(), "reports": reports,
            "results": load_results(reports / "results.jsonl")}


def _by_file(results: list[ScenarioResult]) -> dict[str, list[ScenarioResult]]:
    out: dict[str, list[ScenarioResult]] = {}
    for result in results:
        out.setdefault(Path(result.feature_file).name, []).append(result)
    return out


def test_every_file_ran_and_the_gate_failed(slip_run: dict[str, Any]) -> None:
    assert slip_run["code"] == 1, slip_run["console"]
    schema = json.loads((Path(__file__).parent / "cucumber.schema.json").read_text())
    jsonschema.validate(json.loads((slip_run["reports"] / "cucumber.json").read_text()), schema)
    xmlschema.XMLSchema(str(JUNIT_SCHEMA)).validate(str(slip_run["reports"] / "junit.xml"))
    by_file = _by_file(slip_run["results"])
    assert set(by_file) == set(EXPECTED) | PASSING, sorted(by_file)
    for name in PASSING:
        assert [r.outcome for r in by_file[name]] == ["passed"], (name, by_file[name][0].error)
    for name in EXPECTED:
        assert [r.outcome for r in by_file[name]] == ["failed"], name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_slip_names_file_line_and_fix_everywhere(slip_run: dict[str, Any], name: str) -> None:
    line, reason, fix = EXPECTED[name]
    [result] = _by_file(slip_run["results"])[name]
    where = f"tests/harness/slips/{name}:{line}"
    for text, channel in ((result.error or "", "results.jsonl"), (slip_run["console"], "console")):
        assert where in text and reason in text and fix in text, (channel, text[-3000:])
    cucumber = json.loads((slip_run["reports"] / "cucumber.json").read_text())
    messages = [s["result"].get("error_message", "") for f in cucumber if f["uri"].endswith(name)
                for e in f["elements"] for s in e["steps"]]
    assert any(where in m and reason in m for m in messages), messages
    junit = ET.parse(slip_run["reports"] / "junit.xml")
    failures = [c.find("failure") for c in junit.iter("testcase") if (c.get("file") or "").endswith(name)]
    assert failures and failures[0] is not None and reason in (failures[0].text or "")
    coverage = json.loads((slip_run["reports"] / "coverage.json").read_text())
    assert any(f["file"].endswith(name) and f["line"] == line and reason in f["message"]
               for f in coverage["failures"]), coverage["failures"]


def test_the_html_report_shows_each_slip(slip_run: dict[str, Any], open_report: Any) -> None:
    page = open_report(slip_run["reports"] / "report.html")
    assert page.locator("#verdict").inner_text().strip() == "FAILED"
    section = page.locator("#failures")
    assert section.is_visible() and section.locator("li").count() == len(EXPECTED)
    for name, (line, reason, fix) in EXPECTED.items():
        item = section.locator("li", has_text=f"{name}:{line}")
        assert item.get_by_text(reason, exact=False).first.is_visible(), name
        assert fix in item.inner_text(), name
