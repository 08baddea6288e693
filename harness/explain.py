"""What the gate says when a step fails or cannot be found: file and line first, then the reason in words.

* :func:`unknown_step` — a step no definition matches: the wrong keyword ("this is a Then step", with
  the Given an ``And`` continues), a value that did not parse (named, with the accepted forms), or the
  closest known steps.
* :func:`step_failure` — a step that raised: a :class:`harness.expect.StepFailure` speaks for itself;
  anything else (a bare ``assert``, ``StopIteration``, ``KeyError``) is named with the line of step code
  that raised it, so nobody has to read a traceback to find it.
* :func:`unfilled_placeholders` — an outline placeholder (``<rate>``) that no Examples column filled.
"""

from __future__ import annotations

import ast
import difflib
import linecache
import re
import traceback
from pathlib import Path
from typing import Any

from harness.expect import StepFailure, describe_value
from harness.patterns import check_value, describe, loose_match

__all__ = ["unknown_step", "step_failure", "unfilled_placeholders", "display_path", "step_location", "PROJECT"]

PROJECT = Path(__file__).resolve().parents[1]
_KEYWORDS = {"given": "Given", "when": "When", "then": "Then"}
PLACEHOLDER = re.compile(r"<([^<>\s][^<>]*)>")


def display_path(path: str | Path) -> str:
    """A feature file as people should see it: relative to the working directory or the project, else absolute."""
    resolved = Path(path).resolve()
    for base in (Path.cwd().resolve(), PROJECT):
        try:
            return str(resolved.relative_to(base))
        except ValueError:
            continue
    return str(resolved)


def step_location(feature: Any, step: Any) -> str:
    return f"{display_path(feature.filename)}:{step.line_number}"


def _definitions() -> list[Any]:
    from pytest_bdd.steps import step_function_context_registry

    seen, out = set(), []
    for ctx in list(step_function_context_registry.values()):
        key = (ctx.type, getattr(ctx.parser, "name", str(ctx.parser)))
        if key not in seen:
            seen.add(key)
            out.append(ctx)
    return out


def _keyword(ctx: Any) -> str:
    return _KEYWORDS.get(ctx.type or "", "Given/When/Then")


def _previous_explicit(scenario: Any, step: Any) -> Any:
    previous = None
    for candidate in scenario.steps:
        if candidate is step or candidate.line_number == step.line_number:
            break
        if candidate.keyword.strip().lower() in _KEYWORDS:
            previous = candidate
    return previous


def unknown_step(feature: Any, scenario: Any, step: Any, definitions: list[Any] | None = None) -> str:
    """Why no step definition matches ``step``, and what to write instead."""
    definitions = _definitions() if definitions is None else definitions
    keyword = step.keyword.strip()
    head = f'{step_location(feature, step)}: unknown step "{keyword} {step.name}" (scenario "{scenario.name}")'
    reasons: list[str] = []
    exact_other = [ctx for ctx in definitions
                   if ctx.type not in (None, step.type) and ctx.parser.is_matching(step.name)]
    if exact_other:
        kinds = sorted({_keyword(ctx) for ctx in exact_other})
        kind = " or ".join(kinds)
        if keyword.lower() in ("and", "but", "*"):
            previous = _previous_explicit(scenario, step)
            continues = (f'"{keyword}" continues the {previous.keyword.strip()} on line {previous.line_number}'
                         if previous is not None else f'"{keyword}" continues the step before it')
            reasons.append(f"This is a {kind} step, but {continues}, so it was looked up as a "
                           f"{_KEYWORDS[step.type]} step. Write: {kinds[0]} {step.name}")
        else:
            reasons.append(f"This is a {kind} step, not a {_KEYWORDS[step.type]} step. Write: {kinds[0]} {step.name}")
    else:
        for ctx in definitions:
            raw = loose_match(ctx.parser, step.name)
            if raw is None:
                continue
            problems = [f"{parameter.name}: {why}" for parameter in describe(ctx.parser).parameters
                        if parameter.name in raw and (why := check_value(ctx.parser, parameter, raw[parameter.name]))]
            if problems:
                wrong_type = "" if ctx.type in (None, step.type) else f" (and it is a {_keyword(ctx)} step)"
                reasons.append(f'The step "{_keyword(ctx)} {describe(ctx.parser).text}" matches, but a value did '
                               f"not parse{wrong_type}:\n" + "\n".join(f"    {p}" for p in problems))
                break
    if not reasons:
        by_text = {f"{_keyword(ctx)} {describe(ctx.parser).text}": ctx for ctx in definitions}

        def score(full: str) -> float:
            return difflib.SequenceMatcher(None, step.name.lower(), describe(by_text[full].parser).text.lower()).ratio()

        close = [full for full in sorted(by_text, key=score, reverse=True)[:3] if score(full) >= 0.45]
        if close:
            reasons.append("The closest known steps are:\n" + "\n".join(_suggestion(full, by_text[full])
                                                                        for full in close))
        else:
            reasons.append("No known step is close.")
        reasons.append("`qbo-sim steps --search WORD` lists the steps and their accepted values.")
    return head + "\n  " + "\n  ".join(reasons)


def _suggestion(full: str, ctx: Any) -> str:
    """A close step, with the choices of its parameters and its catalogue example when there is one."""
    lines = [f"    {full}"]
    for parameter in describe(ctx.parser).parameters:
        if parameter.choices:
            lines.append(f"        {parameter.name}: one of {', '.join(parameter.choices)}")
    example = _examples().get(id(ctx.parser))
    if example and example != full:
        lines.append(f"        e.g. {example}")
    return "\n".join(lines)


def _examples() -> dict[int, str]:
    """Catalogue examples by parser identity (only computed when a step is unknown)."""
    try:
        from harness.catalogue import catalogue

        return {id(entry.parser): entry.example for entry in catalogue() if entry.example}
    except Exception:  # noqa: BLE001 - suggestions without examples are still suggestions
        return {}


def _raising_line(exception: BaseException) -> str | None:
    """``steps/status_card.py:22: assert shown == title`` for the innermost frame of project code."""
    frames = [f for f in traceback.extract_tb(exception.__traceback__)
              if f.filename.startswith(str(PROJECT)) and "/.venv/" not in f.filename
              and not f.filename.endswith(("harness/expect.py", "harness/explain.py"))]
    if not frames:
        return None
    frame = frames[-1]
    source = (frame.line or linecache.getline(frame.filename, frame.lineno or 0)).strip()
    return f"{display_path(frame.filename)}:{frame.lineno}: {source}"


def _short(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _assertion_words(text: str) -> str:
    """A plain ``assert`` in step code, said as well as it can be: its message, then the check, no diff dump.

    pytest rewrites step modules' asserts to ``<message>\nassert <comparison>\n<introspection>``; the message
    is kept (a Python literal is worded by :func:`harness.expect.describe_value`), the comparison shortened to
    one line, and pytest's multi-line introspection dropped (it stays in reports/pytest-output.txt).
    """
    message, _, check = ("\n" + text).partition("\nassert ")
    message = message.strip()
    check_line = check.splitlines()[0].strip() if check else ""
    if message.startswith(("{", "[", "(")) or message in ("None", "True", "False"):
        try:
            message = "The check failed; the step found: " + _short(describe_value(ast.literal_eval(message)))
        except (ValueError, SyntaxError):  # pytest shortened the repr ("...")
            message = "The check failed; the step found: " + _short(message)
    lines = [_short(line) for line in message.splitlines()[:10]] if message else \
        ["A check in the step code failed without saying what it expected."]
    if check_line:
        lines.append(f"The check: assert {_short(check_line, 200)}")
    lines.append("Step authors: raise harness.expect.Mismatch to say this in Caspen's and QuickBooks' words.")
    return "\n".join(lines)


def step_failure(feature: Any, step: Any, exception: BaseException) -> str:
    """The failure of ``step`` in words, headed by the feature file and line of the step."""
    head = f"{step_location(feature, step)}: {step.keyword.strip()} {step.name}"
    if isinstance(exception, StepFailure):
        return head + "\n  " + str(exception).replace("\n", "\n  ")
    where = _raising_line(exception)
    text = str(exception).strip()
    if isinstance(exception, ValueError) and type(exception).__name__ == "ParameterError":
        body = f"A value in this step could not be read: {text}"
        where = None  # the converter's line says nothing the message does not
    elif isinstance(exception, AssertionError):
        body = _assertion_words(text)
    elif isinstance(exception, StopIteration):
        body = "The step looked for something that is not there (StopIteration)."
    elif type(exception).__name__ == "FixtureLookupError":  # pytest's: a fixture no loaded plugin defines
        body = (f"The step needs the pytest fixture {getattr(exception, 'argname', text)!r}, which nothing the "
                f"gate loaded provides. The gate loads only its own pytest plugins, not every installed one: "
                f"load the plugin or module that defines it with --steps MODULE "
                f"(for example --steps pytest_httpserver.pytest_plugin).")
        where = None
    else:
        body = f"The step stopped with {type(exception).__name__}: {text or '(no message)'}"
    lines = body.splitlines()[:25]
    if where:
        lines.append(f"(raised at {where})")
    return head + "\n  " + "\n  ".join(lines)


def unfilled_placeholders(scenario: Any, example: dict[str, Any] | None) -> tuple[Any, list[str]] | None:
    """The first step still holding ``<name>`` after the Examples were applied, with the names."""
    for step in scenario.steps:
        texts = [step.name, step.docstring or ""]
        if step.datatable is not None:
            texts += [cell.value for row in step.datatable.rows for cell in row.cells]
        names = [name for text in texts for name in PLACEHOLDER.findall(text)]
        if names:
            return step, names
    return None


def placeholder_message(feature: Any, scenario: Any, step: Any, names: list[str],
                        example: dict[str, Any] | None) -> str:
    columns = ", ".join(example) if example else ""
    available = (f"its Examples have the columns {columns}" if columns
                 else "it has no Examples table (a Scenario Outline needs one)")
    marks = ", ".join(f"<{n}>" for n in dict.fromkeys(names))
    return (f"{step_location(feature, step)}: {step.keyword.strip()} {step.name}\n"
            f"  The placeholder {marks} was not filled: {available}. Add a column named "
            f"{' / '.join(dict.fromkeys(names))} to the Examples, or write the value itself "
            f"(e.g. GST, $100.00, 10%, 31/12/2025).")
