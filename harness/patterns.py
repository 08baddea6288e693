"""Step patterns as QA reads them, and matching that tolerates one wrong value.

A step definition's parser is an exact string, a ``parse`` format (``of {amount:Money} with {rate}``) or a
regular expression. :func:`describe` turns any of them into a readable pattern (``QuickBooks already has
a(n) {kind} numbered {doc_number}``) and its parameters, with the choices a regular expression allows
(``kind``: invoice, credit memo). :func:`loose_match` matches a step text against a pattern with every
typed field widened to any text, so "the step exists but its amount did not parse" can be told apart from
"no such step" and the converter's own message (which names the accepted forms) can be shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import parse as parse_lib

__all__ = ["Parameter", "Pattern", "describe", "loose_match", "FIELD"]

#: a field of a ``parse`` format: ``{name}`` or ``{name:Type}``
FIELD = re.compile(r"{(\w+)(?::([^{}]+))?}")

#: built-in ``parse`` types QA meets, in words
_BUILTIN = {"d": "whole number", "f": "decimal number", "w": "word", "S": "text without spaces"}


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # "text", a parse type ("d") or an extra type name ("Money")
    choices: tuple[str, ...] = ()

    @property
    def kind_words(self) -> str:
        return _BUILTIN.get(self.kind, self.kind)


@dataclass(frozen=True)
class Pattern:
    text: str  # readable: fields as {name}
    parameters: tuple[Parameter, ...]


def describe(parser: Any) -> Pattern:
    """The readable form of a pytest-bdd step parser (string, parse/cfparse, or re)."""
    regex = getattr(parser, "regex", None)
    name = getattr(parser, "name", str(parser))
    if regex is not None:
        return _describe_regex(regex.pattern)
    if hasattr(parser, "parser"):  # parse / cfparse
        return Pattern(text=FIELD.sub(lambda m: "{" + m.group(1) + "}", name),
                       parameters=tuple(Parameter(n, kind or "text") for n, kind in FIELD.findall(name)))
    return Pattern(text=name, parameters=())


def converters(parser: Any) -> dict[str, Callable[[str], Any]]:
    """The extra-type converters a ``parse`` step parser was built with (``{"Money": money, ...}``)."""
    inner = getattr(parser, "parser", None)
    return dict(getattr(inner, "_extra_types", None) or {})


def loose_match(parser: Any, text: str) -> dict[str, str] | None:
    """The raw text of each field if ``text`` matches ``parser`` with every field accepting any text.

    Only ``parse`` formats are widened; other parsers return None (their own matching already failed).
    """
    if not hasattr(parser, "parser") or getattr(parser, "regex", None) is not None:
        return None
    name = getattr(parser, "name", "")
    if not FIELD.search(name):
        return None
    widened = FIELD.sub(lambda m: "{" + m.group(1) + "}", name)
    try:
        found = parse_lib.parse(widened, text, case_sensitive=False)
    except ValueError:
        return None
    return dict(found.named) if found is not None else None


def check_value(parser: Any, parameter: Parameter, raw: str) -> str | None:
    """Why ``raw`` is not a valid value for ``parameter`` (None when it is)."""
    if parameter.kind == "text":
        return None
    convert = converters(parser).get(parameter.kind)
    if convert is not None:
        try:
            convert(raw)
        except ValueError as exc:
            return str(exc)
        return None
    try:
        ok = parse_lib.parse("{value:" + parameter.kind + "}", raw) is not None
    except ValueError:
        ok = False
    return None if ok else f"{raw!r} is not a {parameter.kind_words}"


# -- regular expressions ------------------------------------------------------------------------------------
def _describe_regex(source: str) -> Pattern:
    from re import _parser as sre  # the stdlib's own regex parser: exact, no reimplementation

    parameters: list[Parameter] = []
    names = {index: name for name, index in re.compile(source).groupindex.items()}

    def render(items: Any) -> str:
        out = []
        for op, arg in items:
            kind = str(op)
            if kind == "LITERAL":
                out.append(chr(arg))
            elif kind == "SUBPATTERN":
                group, _, _, body = arg
                if group in names:
                    choices = _choices(body)
                    parameters.append(Parameter(names[group], "text", choices))
                    out.append("{" + names[group] + "}")
                else:
                    out.append(render(body))
            elif kind == "BRANCH":
                out.append("(" + " | ".join(render(branch) for branch in arg[1]) + ")")
            elif kind in ("MAX_REPEAT", "MIN_REPEAT"):
                low, high, body = arg
                inner = render(body)
                out.append(f"({inner})" if (low, high) == (0, 1) else "…")
            elif kind == "AT":
                continue
            else:
                out.append("…")
        return "".join(out)

    def _choices(body: Any) -> tuple[str, ...]:
        """Every text a group of literals and alternatives can match ("" when it is open-ended)."""
        options = [""]
        for op, arg in body:
            if str(op) == "LITERAL":
                options = [o + chr(arg) for o in options]
            elif str(op) == "BRANCH":
                alternatives = [_choices(branch) for branch in arg[1]]
                if not all(alternatives):
                    return ()
                options = [o + a for o in options for alt in alternatives for a in alt]
            else:
                return ()
        return tuple(options)

    text = render(sre.parse(source))
    return Pattern(text=text, parameters=tuple(parameters))
