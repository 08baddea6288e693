"""JUnit XML that keeps the Gherkin structure: a testsuite per Feature, a testcase per Scenario, and each
Step as a property (``step.NN`` = ``Given … [passed]``) plus the Gherkin text in ``system-out``.

The shape is the Jenkins/Ant JUnit format CI tools read; ``harness/reports/junit.xsd`` describes it and
the test suite validates every report against it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from harness.results import ScenarioResult

__all__ = ["write_junit", "SCHEMA"]

SCHEMA = Path(__file__).with_name("junit.xsd")


def write_junit(results: list[ScenarioResult], path: Path) -> None:
    by_feature: dict[str, list[ScenarioResult]] = defaultdict(list)
    for result in results:
        by_feature[result.feature_file].append(result)
    root = ET.Element("testsuites", name="qbo-sim gate", tests=str(len(results)),
                      failures=str(sum(r.outcome == "failed" for r in results)),
                      skipped=str(sum(r.outcome in ("skipped", "not applicable") for r in results)), errors="0",
                      time=f"{sum(r.duration for r in results):.3f}")
    for feature_file, scenarios in sorted(by_feature.items()):
        suite = ET.SubElement(root, "testsuite", name=scenarios[0].feature, tests=str(len(scenarios)),
                              failures=str(sum(r.outcome == "failed" for r in scenarios)),
                              skipped=str(sum(r.outcome in ("skipped", "not applicable") for r in scenarios)), errors="0",
                              time=f"{sum(r.duration for r in scenarios):.3f}", file=feature_file)
        for result in scenarios:
            case = ET.SubElement(suite, "testcase", classname=result.feature, name=result.title,  # examples differ
                                 time=f"{result.duration:.3f}", file=feature_file)
            properties = ET.SubElement(case, "properties")
            for tag in result.tags:
                ET.SubElement(properties, "property", name="tag", value=f"@{tag}")
            for number, step in enumerate(result.steps, start=1):
                ET.SubElement(properties, "property", name=f"step.{number:02d}",
                              value=f"{step['keyword']} {step['name']} [{step['status']}]")
            if result.outcome == "failed":
                failure = ET.SubElement(case, "failure", message=(result.error or "failed").splitlines()[0][:500],
                                        type="ScenarioFailure")
                failure.text = result.error or ""
            elif result.outcome in ("skipped", "not applicable"):
                reason = f"not applicable: {result.error}" if result.outcome == "not applicable" else None
                ET.SubElement(case, "skipped", message=reason or result.error or "skipped")
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join(f"{s['keyword']} {s['name']}  # {s['status']}" for s in result.steps)
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
