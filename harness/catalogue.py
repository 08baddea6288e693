"""The step catalogue QA writes features from (``qbo-sim steps``): every step, readable, with what it does,
a ready-to-paste example that is known to match, and the values its parameters accept.

Steps document themselves: the docstring says what the step does, and a line ``Example: When I finalize
the invoice`` gives an example (several ``Example:`` lines are allowed). Each shown example is checked
against its own pattern and keyword; a step with several patterns gets, for each pattern, the example
that matches it, or one built from another pattern's example with the same values. Valid values come
from the tables the code itself uses: ``steps.world.REGIONS`` (regions and their Caspen tax rates),
``steps.technical.FAILURES`` (failure kinds), ``sync_client.status`` (card titles),
``harness.articles`` (article tags), ``steps.types.FORMS`` (money, percentages, dates).
"""

from __future__ import annotations

import html
import importlib
import inspect
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pytest_bdd.steps import step_function_context_registry

from harness.patterns import FIELD, Parameter, describe, loose_match

__all__ = ["StepEntry", "catalogue", "render_text", "render_markdown", "render_html", "search", "valid_values",
           "example_matches", "STEP_MODULES"]

#: the step library, in reading order (the library's own list where it declares one)
STEP_MODULES: tuple[str, ...] = getattr(importlib.import_module("steps"), "STEP_MODULES", None) or (
    "steps.world", "steps.connection", "steps.invoices", "steps.quickbooks", "steps.status_card", "steps.tax",
    "steps.payments", "steps.technical")
_KEYWORDS = ("Given", "When", "Then", "And", "But", "*")
_TYPE_ORDER = ["Given", "When", "Then", "Step"]


@dataclass(frozen=True)
class StepEntry:
    type: str  # Given | When | Then | Step (any keyword)
    pattern: str  # readable: fields as {name}, never a raw regular expression
    parameters: tuple[Parameter, ...]
    doc: str  # the whole description (the docstring without its Example lines)
    example: str  # an example known to match this pattern ("" when the step has none)
    module: str
    parser: Any = field(default=None, compare=False, repr=False)
    rejected_examples: tuple[str, ...] = ()  # docstring examples that do not match this pattern

    @property
    def text(self) -> str:
        return f"{self.type} {self.pattern}"


def example_matches(entry_type: str, parser: Any, example: str) -> bool:
    """Whether ``example`` (with its keyword) is a step this pattern runs: keyword fits, text matches."""
    keyword, _, text = example.strip().partition(" ")
    if keyword not in _KEYWORDS or not text:
        return False
    if keyword in ("Given", "When", "Then") and entry_type not in (keyword, "Step"):
        return False
    try:
        return bool(parser.is_matching(text.strip()))
    except Exception:  # noqa: BLE001 - a converter that raises is a non-match
        return False


def _doc_and_examples(func: Any) -> tuple[str, list[str]]:
    doc = inspect.getdoc(func) or ""
    examples, lines = [], []
    for line in doc.splitlines():
        if line.strip().lower().startswith("example:"):
            examples.append(line.split(":", 1)[1].strip())
        else:
            lines.append(line)
    return "\n".join(lines).strip(), examples


def _built_example(ctx: Any, others: Iterable[Any], examples: list[str]) -> str:
    """An example for ``ctx`` from another pattern's matching example, with the same parameter values."""
    name = getattr(ctx.parser, "name", "")
    if not hasattr(ctx.parser, "parser") or getattr(ctx.parser, "regex", None) is not None:
        return ""
    for other in others:
        for example in examples:
            keyword, _, text = example.partition(" ")
            raw = loose_match(other.parser, text) if example_matches(_type(other), other.parser, example) else None
            if not raw:
                continue
            try:
                candidate = f"{_type(ctx) if _type(ctx) != 'Step' else keyword} " + \
                    FIELD.sub(lambda m, raw=raw: raw[m.group(1)], name)
            except KeyError:
                continue
            if example_matches(_type(ctx), ctx.parser, candidate):
                return candidate
    return ""


def _type(ctx: Any) -> str:
    return (ctx.type or "step").capitalize()


def catalogue() -> list[StepEntry]:
    """Every step of :data:`STEP_MODULES`, one entry per pattern, in reading order."""
    for module in STEP_MODULES:
        importlib.import_module(module)
    by_func: dict[Any, list[Any]] = {}
    seen = set()
    for ctx in list(step_function_context_registry.values()):
        key = (ctx.type, getattr(ctx.parser, "name", str(ctx.parser)))
        if key in seen or not getattr(ctx.step_func, "__module__", "").startswith("steps."):
            continue
        seen.add(key)
        by_func.setdefault(ctx.step_func, []).append(ctx)
    entries = []
    for func, contexts in by_func.items():
        doc, examples = _doc_and_examples(func)
        for ctx in contexts:
            readable = describe(ctx.parser)
            matching = [e for e in examples if example_matches(_type(ctx), ctx.parser, e)]
            example = matching[0] if matching else _built_example(ctx, [c for c in contexts if c is not ctx], examples)
            entries.append(StepEntry(type=_type(ctx), pattern=readable.text, parameters=readable.parameters,
                                     doc=doc, example=example, module=func.__module__, parser=ctx.parser,
                                     rejected_examples=tuple(e for e in examples if e not in matching)))
    order = {name: index for index, name in enumerate(STEP_MODULES)}
    return sorted(entries, key=lambda e: (order.get(e.module, 99),
                                          _TYPE_ORDER.index(e.type) if e.type in _TYPE_ORDER else 9, e.pattern))


# -- valid values ---------------------------------------------------------------------------------------------
def _region_rates() -> list[tuple[str, list[tuple[str, ...]]]]:
    """``[(region, [(Caspen rate name, percent, QuickBooks code name), ...])]`` read from steps.world.REGIONS."""
    try:
        from steps.world import REGIONS
    except ImportError:
        return []
    out = []
    for region, value in REGIONS.items():
        candidates = value[1] if isinstance(value, tuple) and len(value) > 1 else getattr(value, "rates", ())
        rates = []
        for rate in candidates or ():
            if isinstance(rate, tuple) and rate and isinstance(rate[0], str):
                rates.append(tuple(str(part) for part in rate))
            elif isinstance(getattr(rate, "name", None), str):
                rates.append((rate.name,))
        out.append((str(region), rates))
    return out


def _regions() -> list[str]:
    out = []
    for region, rates in _region_rates():
        described = [f'"{r[0]}"' + (f" {r[1]}%" if len(r) > 1 else "") + (f" (QuickBooks tax code {r[2]})"
                                                                          if len(r) > 2 else "") for r in rates]
        out.append(f"{region}: Caspen tax rates {', '.join(described)}" if described else region)
    return out


def _card_titles() -> list[str]:
    """The article's card titles and Caspen's own (harness.articles), after the title of a synced document."""
    from harness.articles import ARTICLE_CASES, CASPEN_CARD_TITLES, SYNCED_TITLE

    literal = [case.card_title for case in ARTICLE_CASES if case.card_title and case.id != "unlisted-error"]
    return [f'"{title}"' for title in [SYNCED_TITLE, *literal, *CASPEN_CARD_TITLES]] + [
        "for any other QuickBooks fault: QuickBooks' own error text, exactly",
        "(no card): the step 'there is no QuickBooks status card'"]


def _failures() -> list[str]:
    try:
        from steps.technical import FAILURES
    except ImportError:
        return []
    return list(FAILURES)


def _tags() -> list[str]:
    from harness.articles import ARTICLE_CASES

    tags = [f"@article:{case.id} — {case.cause}" for case in ARTICLE_CASES]
    return tags + ["any other tag (@smoke, @happy_path, @wip, …) is free-form: select with qbo-sim gate --tags"]


def _forms() -> list[str]:
    from steps.types import FORMS

    names = {"Money": "amounts", "Percent": "percentages", "Date": "dates", "Number": "quantities",
             "d": "whole numbers"}
    return [f"{names.get(kind, kind)}: {forms}" for kind, forms in FORMS.items()]


def valid_values() -> dict[str, list[str]]:
    """Section title → lines, from the code's own tables."""
    return {"Regions (Given a Caspen account connected to a QuickBooks company in {region})": _regions(),
            "Status card titles": _card_titles(),
            "Failure kinds (QuickBooks answers the next invoice create with {failure})": _failures(),
            "Tags": _tags(),
            "How to write values": _forms()}


def _parameter_values() -> dict[str, str]:
    """Parameter name → the values it accepts, for parameters named alike across steps."""
    from simulator.scenario import bundled_scenarios

    regions = _region_rates()
    rates = "; ".join(f"{region}: {', '.join(r[0] for r in names)}" for region, names in regions if names)
    values = {"region": ", ".join(region for region, _ in regions),
              "failure": ", ".join(_failures()),
              "title": ", ".join(t for t in _card_titles() if t.startswith('"')),
              "rate": f"a Caspen tax rate of the company's region, quoted or not ({rates}), or no tax rate",
              "scenario": ", ".join(s["name"] for s in bundled_scenarios())}
    try:
        from steps.invoices import TAX_MODES
        values["mode"] = ", ".join(TAX_MODES)
    except ImportError:
        pass
    return values


_KIND_WORDS = {"Money": "amount of money", "Percent": "percentage", "Date": "date", "Number": "number",
               "d": "whole number"}


def _param_text(parameter: Parameter, known: dict[str, str]) -> str:
    from steps.types import FORMS

    if parameter.choices:
        return f"{parameter.name}: one of " + ", ".join(parameter.choices)
    if parameter.kind in FORMS:
        return f"{parameter.name}: {_KIND_WORDS.get(parameter.kind, parameter.kind)}, e.g. {FORMS[parameter.kind]}"
    if known.get(parameter.name):
        prefix = "" if parameter.name == "rate" else "one of "
        return f"{parameter.name}: {prefix}{known[parameter.name]}"
    return f"{parameter.name}: {parameter.kind_words}"


def search(entries: list[StepEntry], words: str) -> list[StepEntry]:
    """Steps whose pattern, description, example or parameter values contain every word (any case)."""
    known = _parameter_values()
    terms = words.lower().split()

    def haystack(entry: StepEntry) -> str:
        return " ".join([entry.text, entry.doc, entry.example] + [_param_text(p, known) for p in entry.parameters])

    return [e for e in entries if all(term in haystack(e).lower() for term in terms)]


# -- rendering ------------------------------------------------------------------------------------------------
def _section(module: str) -> str:
    return module.split(".")[-1].replace("_", " ")


def render_text(entries: list[StepEntry], *, values: bool = True) -> str:
    known = _parameter_values()
    out: list[str] = []
    module = None
    for entry in entries:
        if entry.module != module:
            module = entry.module
            out.append(f"\n== {_section(module)} ==")
        out.append(entry.text)
        for parameter in entry.parameters:
            out.append(f"    - {_param_text(parameter, known)}")
        for line in entry.doc.splitlines():
            out.append(f"    {line}" if line.strip() else "")
        if entry.example:
            out.append(f"    e.g. {entry.example}")
    if values:
        out.append("")
        for title, lines in valid_values().items():
            out.append(f"== {title} ==")
            out += [f"    {line}" for line in lines]
    return "\n".join(out).lstrip("\n")


def render_markdown(entries: list[StepEntry]) -> str:
    known = _parameter_values()
    out = ["# Step catalogue", "", "Generated by `qbo-sim steps --markdown`. Every step a `.feature` file can use; "
           "`And`/`But` continue the keyword of the step before them.", ""]
    module = None
    for entry in entries:
        if entry.module != module:
            module = entry.module
            out += [f"## {_section(module).capitalize()}", ""]
        out += [f"### {entry.type} `{entry.pattern}`", ""]
        if entry.doc:
            out += [entry.doc, ""]
        if entry.parameters:
            out += [f"- {_param_text(p, known)}" for p in entry.parameters] + [""]
        if entry.example:
            out += ["```gherkin", entry.example, "```", ""]
    out += ["## Valid values", ""]
    for title, lines in valid_values().items():
        out += [f"### {title}", ""] + [f"- {line}" for line in lines] + [""]
    return "\n".join(out)


def render_html(entries: list[StepEntry]) -> str:
    known = _parameter_values()
    rows = "\n".join(
        f"<tr><td>{html.escape(e.type)}</td><td><code>{html.escape(e.pattern)}</code></td>"
        f"<td>{'<br>'.join(html.escape(_param_text(p, known)) for p in e.parameters)}</td>"
        f"<td>{html.escape(e.doc).replace(chr(10), '<br>')}</td><td><code>{html.escape(e.example)}</code></td></tr>"
        for e in entries)
    values = "".join(f"<h2>{html.escape(title)}</h2><ul>{''.join(f'<li>{html.escape(v)}</li>' for v in lines)}</ul>"
                     for title, lines in valid_values().items())
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Step catalogue</title>"
            "<style>body{font:14px system-ui,sans-serif;margin:2rem;max-width:1400px}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;overflow-wrap:anywhere}</style>"
            "</head><body><h1>Step catalogue</h1><table><thead><tr><th>Keyword</th><th>Step</th><th>Parameters</th>"
            f"<th>What it does</th><th>Example</th></tr></thead><tbody>{rows}</tbody></table>{values}</body></html>\n")
