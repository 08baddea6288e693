"""Gate reports: JUnit XML, Cucumber JSON, self-contained HTML, and the coverage table as JSON/Markdown."""

from __future__ import annotations

from pathlib import Path

from harness.reports.cucumber import write_cucumber
from harness.reports.html import write_html
from harness.reports.junit import write_junit
from harness.reports.summary import write_coverage
from harness.results import ScenarioResult

__all__ = ["write_all"]


def write_all(results: list[ScenarioResult], folder: Path, *, require_full_coverage: bool = True) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "junit": folder / "junit.xml",
        "cucumber": folder / "cucumber.json",
        "html": folder / "report.html",
        "coverage_json": folder / "coverage.json",
        "coverage_md": folder / "coverage.md",
    }
    write_junit(results, paths["junit"])
    write_cucumber(results, paths["cucumber"])
    write_coverage(results, paths["coverage_json"], paths["coverage_md"], require_full_coverage=require_full_coverage)
    write_html(results, paths["html"], require_full_coverage=require_full_coverage)
    return paths
