"""The gate's pieces on synthetic results: coverage verdicts, tag expressions, report formats."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import xmlschema

from harness.articles import ARTICLE_CASES, case_ids
from harness.gate import render_table, tag_expression
from harness.reports import write_all
from harness.reports.junit import SCHEMA
from harness.results import ScenarioResult, coverage, gate_passed, load_results
from tests.article_titles import ARTICLE_TITLES
from tests.prerequisites import missing

CUCUMBER_SCHEMA = json.loads((Path(__file__).parent / "cucumber.schema.json").read_text())


def scenario(name: str, case: str | None, outcome: str = "passed", statuses: tuple[str, ...] = ("passed",)) -> ScenarioResult:
    tags = [f"article:{case}"] if case else ["happy_path"]
    steps = [{"keyword": "Given", "name": f"step {i}", "line": 5 + i, "status": s, "duration": 0.01,
              "error": "AssertionError: boom" if s == "failed" else None, "datatable": None, "docstring": None}
             for i, s in enumerate(statuses)]
    record = {"feature": {"name": f"Feature for {case}", "file": f"features/{case}.feature", "line": 2,
                          "description": "", "tags": []},
              "scenario": {"name": name, "line": 4, "keyword": "Scenario", "description": "", "tags": tags},
              "steps": steps}
    journal = [{"method": "POST", "path": "/v3/company/1/invoice", "query": "minorversion=75", "status": 400,
                "fault_code": "6140", "fault_message": "Duplicate Document Number Error", "fault_detail": "DocNumber=…",
                "intuit_tid": "1-abc", "requestid": "r1", "request_body": "{}", "response_body": "{}",
                "response_type": "application/json", "replayed": False, "fault_rule": None}]
    return ScenarioResult(nodeid=f"tests/bdd/test_features.py::test_{name}", outcome=outcome, duration=0.2,
                          error="AssertionError: boom" if outcome == "failed" else None, record=record, journal=journal)


def full_suite() -> list[ScenarioResult]:
    return [scenario(f"proves {c}", c) for c in case_ids()] + [scenario("happy", None)]


def test_articles_mirror_the_shared_reference() -> None:
    """harness.articles and tests/article_titles.py say what the article says: case ids in its order, card
    titles verbatim (the table's second column). CI has ``shared/`` beside the clone: there, missing fails."""
    reference = Path(__file__).resolve().parents[3] / "shared" / "reference" / "article-cases.md"
    if not reference.exists():
        missing(f"the article ({reference}) is not beside this checkout")
    rows = re.findall(r"^\| `([a-z-]+)` \| ([^|]+) \|", reference.read_text(), re.M)
    assert [case for case, _ in rows] == case_ids()
    verbatim = {case: cell.strip()[1:-1] for case, cell in rows if re.fullmatch(r"`[^`]+`", cell.strip())}
    assert verbatim == ARTICLE_TITLES  # the five cards with a literal title
    assert {case.id: case.card_title for case in ARTICLE_CASES if case.id in verbatim} == verbatim


def test_every_case_passing_passes_the_gate() -> None:
    assert gate_passed(full_suite())
    assert all(row.status == "passed" for row in coverage(full_suite()))


def test_a_missing_case_fails_the_gate_and_is_named() -> None:
    results = [r for r in full_suite() if "duplicate-document-number" not in r.cases]
    assert not gate_passed(results)
    table = render_table(results)
    assert re.search(r"duplicate-document-number\s+Duplicate document number\s+—\s+MISSING", table)


def test_a_failing_scenario_fails_the_gate_and_its_case() -> None:
    results = full_suite()
    results[0] = scenario("proves required-param-missing", "required-param-missing", "failed", ("passed", "failed", "skipped"))
    assert not gate_passed(results)
    assert coverage(results)[0].status == "failed"


def test_tag_expressions_map_gherkin_tags_to_markers() -> None:
    assert tag_expression("@article:duplicate-document-number and not @wip") == \
        "article_duplicate_document_number and not wip"
    assert tag_expression("(@happy_path or @article:voided-invoice)") == "( happy_path or article_voided_invoice )"


def test_reports_validate(tmp_path: Path) -> None:
    results = full_suite()
    results[1] = scenario("proves historical-invoice", "historical-invoice", "failed", ("passed", "failed", "skipped"))
    paths = write_all(results, tmp_path)
    xmlschema.XMLSchema(str(SCHEMA)).validate(str(paths["junit"]))
    junit = paths["junit"].read_text()
    assert 'name="step.02" value="Given step 1 [failed]"' in junit and "<failure" in junit
    document = json.loads(paths["cucumber"].read_text())
    jsonschema.validate(document, CUCUMBER_SCHEMA)
    statuses = [s["result"]["status"] for f in document for e in f["elements"] for s in e["steps"]]
    assert {"passed", "failed", "skipped"} <= set(statuses)
    html = paths["html"].read_text()
    assert "FAILED" in html and "Duplicate Document Number Error" in html and "<script" not in html
    summary = json.loads(paths["coverage_json"].read_text())
    assert summary["passed"] is False and summary["failed"] == 1


def test_shard_results_merge(tmp_path: Path) -> None:
    results = full_suite()
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("\n".join(json.dumps(r.to_json()) for r in results[::2]))
    second.write_text("\n".join(json.dumps(r.to_json()) for r in results[1::2]))
    merged = load_results(first, second)
    assert [r.nodeid for r in merged] == sorted(r.nodeid for r in results)
    assert gate_passed(merged)
    broken = tmp_path / "c.jsonl"
    broken.write_text("{not json")
    with pytest.raises(ValueError, match=r"c.jsonl:1: not a gate result line"):
        load_results(broken)
