"""How a step says what went wrong, in Caspen's and QuickBooks' words (for step authors).

A Then-step that finds something other than what the scenario promised raises :class:`Mismatch` (or
calls :func:`expect`) with what it looked at, what was expected and what was found, each as a person
would say it; a step that cannot go on raises :class:`StepFailure` with one plain sentence. The gate
prints the message under the feature file and line of the failing step, in the console and in every
report, so the message never needs to repeat the step::

    from harness.expect import Mismatch, StepFailure, expect

    expect("the QuickBooks status card of INV0042", "Duplicate document number", card.title,
           hint="QuickBooks said: " + card.error_text)
    raise Mismatch("QuickBooks' total for INV0042", money_text(expected), money_text(actual))
    raise StepFailure("this scenario has no credit note yet: issue one with 'When I issue a credit note ...'")

Both are ``AssertionError`` subclasses, so pytest reports them as failed checks (not errors). Any other
exception (a bare ``assert``, ``StopIteration``, ``KeyError``) is still shown with the step's file and
line, plus the line of step code that raised it, but only the step author can say it in business terms.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

__all__ = ["Mismatch", "StepFailure", "expect", "describe_value", "money_text"]


class StepFailure(AssertionError):
    """A step could not do or check what it says; the message is one plain sentence for QA."""


class Mismatch(StepFailure):
    """What a step expected against what it found, e.g. the card title, a total, the requests QuickBooks got."""

    def __init__(self, subject: str, expected: Any, actual: Any, *, hint: str = "") -> None:
        self.subject = subject
        self.expected = expected
        self.actual = actual
        self.hint = hint
        lines = [f"{subject}:", f"  expected: {describe_value(expected)}", f"  actual:   {describe_value(actual)}"]
        if hint:
            lines.append(f"  {hint}")
        super().__init__("\n".join(lines))


def expect(subject: str, expected: Any, actual: Any, *, hint: str = "") -> None:
    """Raise :class:`Mismatch` unless ``actual == expected``."""
    if actual != expected:
        raise Mismatch(subject, expected, actual, hint=hint)


def money_text(value: Decimal | float | int | None, currency: str = "$") -> str:
    """``Decimal("1250.5")`` → ``$1,250.50``; None → ``nothing``."""
    if value is None:
        return "nothing"
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    sign = "-" if amount < 0 else ""
    return f"{sign}{currency}{abs(amount):,.2f}"


def describe_value(value: Any) -> str:
    """A value as a sentence fragment: text quoted, None as "nothing", lists joined, mappings as "key: value"."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return f'"{value}"' if value else "(empty text)"
    if isinstance(value, (Decimal, int, float)):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {describe_value(item)}" for key, item in value.items()) or "nothing"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else list(value)
        return ", ".join(describe_value(item) for item in items) if items else "none"
    return str(value)
