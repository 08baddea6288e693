"""Feature files checked one by one before they become tests, so one slip never stops the whole gate.

pytest-bdd's ``scenarios(folder)`` parses every file while the test module is imported: a single missing
cell or an unknown ``@article:`` id raises there and pytest collects nothing at all. :func:`bind` instead
checks each file on its own (the official Gherkin parser, then the mistakes it accepts silently: a heading
without its colon or a step outside a scenario swallowed into a description, a file without scenarios,
two scenarios with one name, unknown article case ids) and binds the good scenarios with pytest-bdd. A
file or scenario with a problem becomes a test that fails with the file, the line and the fix, and
carries a gate record, so the reports show it beside everything else that ran.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from gherkin.errors import CompositeParserException, ParserError
from gherkin.parser import Parser

from harness.articles import TAG_PREFIX, case_ids, marker_for_tag
from harness.explain import display_path
from harness.results import RECORD_KEY

__all__ = ["Problem", "feature_files", "check_file", "bind", "marker_for_tag", "declare_markers", "FeatureFileError",
           "paths_from_environment"]

_HEADINGS = ("Scenario Outline", "Scenario Template", "Background", "Scenarios", "Examples", "Scenario",
             "Example", "Feature", "Rule")
_HEADING_NO_COLON = re.compile(r"^({})\b(?!\s*:)\s*(.*)$".format("|".join(_HEADINGS)))
# in free text only these are taken as a heading that lost its colon ("Example ..." is ordinary prose)
_DESCRIPTION_HEADING = re.compile(r"^(Scenario Outline|Scenario Template|Scenario|Background|Rule)\b(?!\s*:)\s*(.*)$")
_STEP_WORD = re.compile(r"^(Given|When|Then|And|But)\s+\S")


class FeatureFileError(AssertionError):
    """A feature file or scenario the gate cannot run as written."""


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    fix: str
    scenario_line: int | None = None  # None: the whole file is affected

    def text(self) -> str:
        return f"{self.file}:{self.line}: {self.message}\n  Fix: {self.fix}"


def feature_files(paths: Iterable[str | Path]) -> list[Path]:
    """Every ``.feature`` file under the given files and folders, sorted, each once."""
    found: dict[Path, None] = {}
    for entry in paths:
        path = Path(entry)
        if path.is_dir():
            for file in sorted(path.rglob("*.feature")):
                found[file.resolve()] = None
        elif path.exists():
            found[path.resolve()] = None
    return list(found)


# -- checks --------------------------------------------------------------------------------------------------
def _line(lines: list[str], number: int) -> str:
    return lines[number - 1].strip() if 0 < number <= len(lines) else ""


def _parse_error_fix(message: str, content: str, lines: list[str], line: int) -> tuple[str, str]:
    heading = _HEADING_NO_COLON.match(content)
    if "inconsistent cell count" in message:
        cells = content.count("|") - 1
        header_line = line - 1
        while header_line > 1 and _line(lines, header_line - 1).startswith("|"):
            header_line -= 1
        expected = _line(lines, header_line).count("|") - 1
        return (f"this table row has {cells} cell{'s' if cells != 1 else ''} but the table's first row "
                f"(line {header_line}) has {expected}",
                "give every row as many cells as the first row; an empty cell is written | |")
    if heading:
        return (f'"{content}" is not understood: the heading "{heading.group(1)}" needs a colon',
                f'write "{heading.group(1)}: {heading.group(2)}"')
    if "got '" in message and content.startswith("|"):
        return ("a table row where no table can start",
                "a table belongs right under a step that ends with ':' (or under Examples:)")
    if "got '" in message:
        return (f'"{content}" is not a step or a heading',
                "start every step with Given, When, Then, And or But, and put free text only right under "
                "the Feature:, Rule: or Scenario: line")
    if "Language not supported" in message:
        return (f'"{content}" names a language Gherkin does not know',
                'remove the "# language:" line (English) or use a code such as en, en-au, de or fr')
    if "unexpected end of file" in message.lower():
        return ("the file ends in the middle of something (an unclosed \"\"\" text block?)",
                'close every """ block and finish every table')
    return (re.sub(r"^\(\d+:\d+\):\s*", "", message), "see the Gherkin reference for this line's syntax")


def _description_slips(node: dict[str, Any], lines: list[str], path: str, scope: int | None) -> list[Problem]:
    """Headings without a colon and steps outside a scenario, which Gherkin silently takes as description."""
    description = node.get("description") or ""
    if not description.strip():
        return []
    problems: list[Problem] = []
    start = node["location"]["line"]
    steps = 0
    for text in description.splitlines():
        stripped = text.strip()
        heading = _DESCRIPTION_HEADING.match(stripped)
        if heading:
            number = next((n for n in range(start + 1, len(lines) + 1) if _line(lines, n) == stripped), start)
            problems.append(Problem(path, number, f'"{stripped}" was read as description text, not as a '
                                    f"{heading.group(1).lower()}: the heading needs a colon",
                                    f'write "{heading.group(1)}: {heading.group(2)}"', scope))
            steps = 0
        elif problems and _STEP_WORD.match(stripped):
            steps += 1
            last = problems[-1]
            problems[-1] = Problem(last.file, last.line, last.message.split(" (so its")[0] +
                                   f" (so its {steps} step{'s' if steps > 1 else ''} would never run)", last.fix, scope)
    return problems


def _tag_problems(tags: list[dict[str, Any]], path: str, scope: int | None) -> list[Problem]:
    problems = []
    known = case_ids()
    for tag in tags:
        name = tag["name"].lstrip("@")
        line = tag["location"]["line"]
        if name.startswith(TAG_PREFIX):
            case = name[len(TAG_PREFIX):]
            if case not in known:
                close = difflib.get_close_matches(case, known, n=1, cutoff=0.5)
                fix = (f"did you mean @{TAG_PREFIX}{close[0]}? " if close else "") + \
                    f"The article cases are: {', '.join(known)}"
                problems.append(Problem(path, line, f"unknown article case in the tag @{name}", fix, scope))
        elif name.lower().startswith("article") and not name.startswith(TAG_PREFIX):
            close = difflib.get_close_matches(name[len("article"):].lstrip(":-_ "), known, n=1, cutoff=0.5)
            if close:
                problems.append(Problem(path, line, f"the tag @{name} looks like an article tag but is not one",
                                        f"write @{TAG_PREFIX}{close[0]}", scope))
    return problems


def check_file(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The Gherkin document (None when it cannot be parsed) and every problem found in the file."""
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(shown, 1, f"the file is not UTF-8 text ({exc.reason})", "save it as UTF-8")]
    lines = text.splitlines()
    try:
        document = Parser().parse(text)
    except CompositeParserException as exc:
        problems = []
        for error in exc.errors:
            line = (getattr(error, "location", None) or {}).get("line") or 1
            if "unexpected end of file" in str(error).lower():  # point at the block left open
                line = next((n for n in range(len(lines), 0, -1) if _line(lines, n).startswith(('"""', "```"))),
                            line)
            message, fix = _parse_error_fix(str(error), _line(lines, line), lines, line)
            problems.append(Problem(shown, line, message, fix))
        return None, problems
    except ParserError as exc:
        line = (getattr(exc, "location", None) or {}).get("line") or 1
        message, fix = _parse_error_fix(str(exc), _line(lines, line), lines, line)
        return None, [Problem(shown, line, message, fix)]
    feature = document.get("feature")
    if not feature:
        return None, [Problem(shown, 1, "the file has no \"Feature:\" line",
                              'start the file with "Feature: <what it is about>"')]
    problems = _description_slips(feature, lines, shown, None) + _tag_problems(feature.get("tags", []), shown, None)
    scenarios = []
    for child in feature.get("children", []):
        if "rule" in child:
            rule = child["rule"]
            problems += _description_slips(rule, lines, shown, None) + _tag_problems(rule.get("tags", []), shown, None)
            scenarios += [c["scenario"] for c in rule.get("children", []) if "scenario" in c]
        elif "scenario" in child:
            scenarios.append(child["scenario"])
    if not scenarios and not problems:
        problems.append(Problem(shown, feature["location"]["line"], "the file has no scenario",
                                'add a scenario: a line "Scenario: <name>" (with the colon) followed by its steps'))
    first_line: dict[str, int] = {}
    for scenario in scenarios:
        own = scenario["location"]["line"]
        problems += _description_slips(scenario, lines, shown, own)
        problems += _tag_problems(scenario.get("tags", []), shown, own)
        for examples in scenario.get("examples", []):
            problems += _tag_problems(examples.get("tags", []), shown, own)
        name = scenario.get("name", "")
        if name in first_line:
            problems.append(Problem(shown, own, f'a second scenario named "{name}" (the first is on line '
                                    f"{first_line[name]}): only one of them would run",
                                    "give every scenario of a file its own name", own))
        else:
            first_line[name] = own
    return document, problems


# -- binding -------------------------------------------------------------------------------------------------
def declare_markers(tags: Iterable[str]) -> None:
    """Declare each tag (as written and as a marker name) so ``--strict-markers`` accepts free-form tags.

    pytest-bdd applies Examples tags with ``getattr(pytest.mark, tag)`` directly, so they must be declared
    before binding, not only in the ``pytest_bdd_apply_tag`` hook.
    """
    from pytest_bdd.utils import CONFIG_STACK

    if not CONFIG_STACK:
        return
    config = CONFIG_STACK[-1]
    known = {line.split(":", 1)[0].split("(", 1)[0].strip() for line in config.getini("markers")}
    for tag in tags:
        for name in {tag, marker_for_tag(tag)}:
            if name not in known:
                config.addinivalue_line("markers", f"{name}: feature tag @{tag}")
                known.add(name)


def _all_tags(document: dict[str, Any] | None) -> set[str]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for tag in node.get("tags", []) or []:
                if isinstance(tag, dict) and "name" in tag:
                    found.add(tag["name"].lstrip("@"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    return found


def _failing_test(record: dict[str, Any], text: str, tags: Iterable[str]) -> Any:
    def test_feature_file_problem(request: pytest.FixtureRequest) -> None:
        __tracebackhide__ = True
        request.node.user_properties.append((RECORD_KEY, json.dumps(record)))
        raise FeatureFileError(text)

    for tag in tags:
        if not tag.startswith(TAG_PREFIX):
            test_feature_file_problem = getattr(pytest.mark, marker_for_tag(tag))(test_feature_file_problem)
    return test_feature_file_problem


def _problem_record(path: Path, document: dict[str, Any] | None, scenario: dict[str, Any] | None,
                    problems: list[Problem], *, lead: str | None = None) -> tuple[dict[str, Any], str]:
    shown = display_path(path)
    feature = (document or {}).get("feature") or {}
    text = "\n".join(p.text() for p in problems)
    if lead:
        text = f"{shown}:{(scenario or {}).get('location', {}).get('line', 1)}: {lead}:\n" + text
    first = problems[0]
    feature_tags = sorted(t["name"].lstrip("@") for t in feature.get("tags", []))
    scenario_tags = sorted(t["name"].lstrip("@") for t in (scenario or {}).get("tags", []))
    steps: list[dict[str, Any]] = [{"keyword": "*", "name": "the feature file can be run as written",
                                    "line": first.line, "status": "failed", "duration": 0.0, "error": text,
                                    "datatable": None, "docstring": None}]
    for step in (scenario or {}).get("steps", []):
        steps.append({"keyword": step["keyword"].strip(), "name": step["text"], "line": step["location"]["line"],
                      "status": "skipped", "duration": 0.0, "error": None, "datatable": None, "docstring": None})
    name = scenario.get("name") if scenario else None
    record = {
        "feature": {"name": feature.get("name") or path.stem, "file": shown,
                    "line": (feature.get("location") or {}).get("line", 1),
                    "description": (feature.get("description") or "").strip(), "tags": feature_tags},
        "scenario": {"name": name or f"{path.name} cannot be run", "line": (scenario or {}).get("location", {}).get(
            "line", first.line), "keyword": (scenario or {}).get("keyword", "Scenario"), "description": "",
            "tags": [t for t in scenario_tags if not t.startswith(TAG_PREFIX) or t[len(TAG_PREFIX):] in case_ids()]},
        "steps": steps,
        "failure": text,
        "problems": [{"file": p.file, "line": p.line, "message": p.message, "fix": p.fix} for p in problems],
    }
    record["feature"]["tags"] = [t for t in feature_tags if not t.startswith(TAG_PREFIX)
                                 or t[len(TAG_PREFIX):] in case_ids()]
    return record, text


def bind(paths: Iterable[str | Path], namespace: dict[str, Any] | None = None) -> list[Problem]:
    """Bind the scenarios of every feature file under ``paths`` as tests in ``namespace`` (the caller's module).

    Returns the problems found; each also became a failing test. A path that does not exist is a problem too.
    """
    from pytest_bdd.exceptions import GherkinParseError
    from pytest_bdd.feature import get_feature
    from pytest_bdd.scenario import get_python_name_generator, scenario

    namespace = namespace if namespace is not None else sys._getframe(1).f_locals
    paths = list(paths)
    all_problems: list[Problem] = []

    def add(test: Any, name: str) -> None:
        for candidate in get_python_name_generator(name):
            if candidate not in namespace:
                namespace[candidate] = test
                return

    for missing in (p for p in paths if not Path(p).exists()):
        problem = Problem(str(missing), 1, "this feature path does not exist", "check the path given to the gate")
        record, text = _problem_record(Path(missing), None, None, [problem])
        add(_failing_test(record, text, ()), f"{Path(missing).name} missing")
        all_problems.append(problem)

    files = feature_files(paths)
    if not files and all(Path(p).exists() for p in paths):
        where = ", ".join(display_path(p) for p in paths) or "(no path given)"
        problem = Problem(where, 1, "no .feature file here", "point the gate at a folder or file of .feature files")
        record, text = _problem_record(Path(where), None, None, [problem])
        add(_failing_test(record, text, ()), "no feature files")
        all_problems.append(problem)
    for path in files:
        document, problems = check_file(path)
        tags = _all_tags(document)
        declare_markers(tags)
        whole_file = [p for p in problems if p.scenario_line is None]
        if whole_file or document is None:
            all_problems += problems
            scenarios = _scenarios(document) if document is not None else _raw_scenarios(path)
            if not scenarios:
                record, text = _problem_record(path, document, None, problems)
                add(_failing_test(record, text, ()), f"{path.stem} cannot be run")
            starts = sorted(d["location"]["line"] for d in scenarios)
            for data in scenarios:
                own = [p for p in problems if p.scenario_line in (None, data["location"]["line"])]
                first = data["location"]["line"]
                end = next((line for line in starts if line > first), 10**9)
                lead = None if any(first <= p.line < end for p in own) else \
                    "this scenario cannot run because the file has a mistake elsewhere"
                record, text = _problem_record(path, document, data, own, lead=lead)
                add(_failing_test(record, text, _scenario_tags(document, data)), data.get("name") or path.stem)
            continue
        try:
            feature = get_feature(str(path.parent), path.name)
        except GherkinParseError as exc:
            problem = Problem(display_path(path), exc.line, exc.message.rstrip("."),
                              "start each scenario and background with a Given, When or Then step"
                              if "First step" in exc.message else "see the Gherkin reference for this line's syntax")
            all_problems.append(problem)
            for data in _scenarios(document) or [None]:
                record, text = _problem_record(path, document, data, [problem])
                add(_failing_test(record, text, _scenario_tags(document, data) if data else ()),
                    (data or {}).get("name") or f"{path.stem} cannot be run")
            continue
        except Exception as exc:  # noqa: BLE001 - whatever pytest-bdd chokes on fails this file, not the gate
            problem = Problem(display_path(path), 1, f"pytest-bdd could not read this file ({exc})",
                              "check the file against the Gherkin reference")
            all_problems.append(problem)
            record, text = _problem_record(path, document, None, [problem])
            add(_failing_test(record, text, ()), f"{path.stem} cannot be run")
            continue
        all_problems += problems
        by_line = {p.scenario_line: p for p in problems}
        bad_lines = {p.scenario_line for p in problems}
        for data in _scenarios(document):
            line = data["location"]["line"]
            if line in bad_lines:
                own = [p for p in problems if p.scenario_line == line]
                record, text = _problem_record(path, document, data, own)
                add(_failing_test(record, text, _scenario_tags(document, data)), data.get("name") or path.stem)
        for name, template in feature.scenarios.items():
            if template.line_number in by_line:
                continue
            try:
                test = scenario(feature.filename, name, features_base_dir=str(path.parent))(_noop)
            except Exception as exc:  # noqa: BLE001 - e.g. a tag pytest cannot apply: fail this scenario only
                problem = Problem(display_path(path), template.line_number, f"this scenario cannot be bound ({exc})",
                                  "check its tags and Examples", template.line_number)
                all_problems.append(problem)
                data = next((d for d in _scenarios(document) if d["location"]["line"] == template.line_number), None)
                record, text = _problem_record(path, document, data, [problem])
                test = _failing_test(record, text, ())
            add(test, name)
    return all_problems


def _noop() -> None:
    """The body of a bound scenario: pytest-bdd runs the steps before it."""


_RAW_HEADING = re.compile(r"^\s*(Scenario Outline|Scenario Template|Scenario|Example):\s*(.*?)\s*$")


def _raw_scenarios(path: Path) -> list[dict[str, Any]]:
    """The scenario headings of a file Gherkin cannot parse, so each of its scenarios is reported by name."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    return [{"name": found.group(2), "keyword": found.group(1), "location": {"line": number}, "tags": [],
             "steps": []}
            for number, line in enumerate(lines, start=1) if (found := _RAW_HEADING.match(line))]


def _scenarios(document: dict[str, Any] | None) -> list[dict[str, Any]]:
    feature = (document or {}).get("feature") or {}
    out = []
    for child in feature.get("children", []):
        if "rule" in child:
            out += [c["scenario"] for c in child["rule"].get("children", []) if "scenario" in c]
        elif "scenario" in child:
            out.append(child["scenario"])
    return out


def _scenario_tags(document: dict[str, Any] | None, data: dict[str, Any] | None) -> list[str]:
    feature = (document or {}).get("feature") or {}
    tags = [t["name"].lstrip("@") for t in feature.get("tags", [])]
    tags += [t["name"].lstrip("@") for t in (data or {}).get("tags", [])]
    return tags


def paths_from_environment(default: Path) -> list[Path]:
    """``$QBO_SIM_FEATURES`` (paths separated by the OS path separator), else ``default``."""
    value = os.environ.get("QBO_SIM_FEATURES")
    return [Path(p) for p in value.split(os.pathsep) if p] if value else [default]
