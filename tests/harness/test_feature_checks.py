"""The pieces behind "mistakes never abort the gate", without running a gate: file checks, value forms,
failure wording."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from harness.expect import Mismatch, StepFailure, describe_value, expect, money_text
from harness.explain import step_failure
from harness.featurefiles import check_file, feature_files
from steps.types import ParameterError, iso_date, money, number, percent


def write(tmp_path: Path, text: str, name: str = "x.feature") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[tuple[int, str, str]]:
    _, found = check_file(write(tmp_path, text))
    return [(p.line, p.message, p.fix) for p in found]


def test_a_valid_file_has_no_problem(tmp_path: Path) -> None:
    assert problems(tmp_path, "@smoke\nFeature: F\n  When the token endpoint answers, we say so.\n"
                              "  Examples of prose are fine here.\n\n  @article:voided-invoice\n"
                              "  Scenario: S\n    Given an hour passes\n") == []


@pytest.mark.parametrize("text, line, words", [
    ("Feature: F\n  Scenario S\n    Given an hour passes\n", 2, 'write "Scenario: S"'),
    ("Feature: F\n  Scenario: S\n    Given x:\n      | a | b |\n      | 1 |\n", 5, "as many cells as the first row"),
    ("Feature: F\n  @article:voided-invoce\n  Scenario: S\n    Given x\n", 2, "did you mean @article:voided-invoice?"),
    ("@article-historical-invoice\nFeature: F\n  Scenario: S\n    Given x\n", 1, "write @article:historical-invoice"),
    ("Feature: F\n  Scenario: S\n    Given x\n  Scenario: S\n    Given y\n", 4, "its own name"),
    ("Feature: F\n  Just words.\n", 1, "add a scenario"),
    ("", 1, 'start the file with "Feature:'),
    ("Feature: F\n  Scenario: S\n    Given x\n    I finalize\n", 4, "start every step with Given, When, Then"),
    ("Feature: F\n  Scenario: S\n    Given x\n    \"\"\"\n    text\n", 4, 'close every """ block'),
])
def test_each_mistake_is_named_with_its_line_and_fix(tmp_path: Path, text: str, line: int, words: str) -> None:
    found = problems(tmp_path, text)
    assert any(number == line and words in fix for number, _, fix in found), found


def test_feature_paths_are_files_or_folders_each_once(tmp_path: Path) -> None:
    one = write(tmp_path, "Feature: A\n", "a.feature")
    (tmp_path / "sub").mkdir()
    two = write(tmp_path / "sub", "Feature: B\n", "b.feature")
    assert feature_files([tmp_path, one]) == [one.resolve(), two.resolve()]


@pytest.mark.parametrize("text, value, currency", [
    ("$1,200.50", "1200.50", None), ("AUD 1,200.50", "1200.50", "AUD"), ("aud 1200.50", "1200.50", "AUD"),
    ("-$5.00", "-5.00", None), ("$-5.00", "-5.00", None), ("£20.00", "20.00", "GBP"), ("USD 3", "3", "USD")])
def test_money_forms_accepted(text: str, value: str, currency: str | None) -> None:
    amount = money(text)
    assert amount == Decimal(value) and amount.currency == currency


@pytest.mark.parametrize("text, reason", [
    ("0.1", "a bare number is ambiguous (write $0.10"), ("1200", "write $1,200.00"), ("$1.005", "two decimal"),
    ("$1,20.50", "not an amount"), ("EUR 5.00", "known currency"), ("1.200,50", "not an amount"),
    ("--$5", "not an amount")])
def test_money_forms_refused_with_the_accepted_forms(text: str, reason: str) -> None:
    with pytest.raises(ParameterError, match="Write \\$1,200.50, -\\$5.00 or AUD 1,200.50") as raised:
        money(text)
    assert reason in str(raised.value)


def test_dates_percentages_numbers() -> None:
    for text in ("2025-12-31", "31/12/2025", "31 December 2025", "31 Dec 2025"):
        assert iso_date(text) == date(2025, 12, 31)
    assert iso_date("1/2/2026") == date(2026, 2, 1)  # day/month/year, as in Australia
    for text, reason in (("12/31/2025", "there is no month 31"), ("31/12/25", "four digits"),
                         ("30/02/2025", "day is out of range")):
        with pytest.raises(ParameterError, match=reason):
            iso_date(text)
    assert percent("12.5%") == Decimal("12.5")
    for text in ("0.1", "10"):
        with pytest.raises(ParameterError, match="write the % sign"):
            percent(text)
    assert number("1,000") == 1000 and number("2.5") == Decimal("2.5")
    with pytest.raises(ParameterError):
        number("two")


def _raise(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:  # noqa: BLE001 - we want its traceback
        return caught


STEP = SimpleNamespace(keyword="Then ", name='the QuickBooks status card shows "Synced"', line_number=17)
FEATURE = SimpleNamespace(filename="features/invoice_sync/x.feature")


def test_failures_are_said_in_words_with_the_step_file_and_line() -> None:
    mismatch = step_failure(FEATURE, STEP, _raise(Mismatch("the QuickBooks status card of INV0042", "Synced",
                                                           "Duplicate document number")))
    assert mismatch.splitlines() == [
        'features/invoice_sync/x.feature:17: Then the QuickBooks status card shows "Synced"',
        "  the QuickBooks status card of INV0042:", '    expected: "Synced"',
        '    actual:   "Duplicate document number"']
    bare = step_failure(FEATURE, STEP, _raise(AssertionError()))
    assert "failed without saying what it expected" in bare
    assert "(raised at tests/harness/test_feature_checks.py:" in bare  # the line of code that raised
    dump = step_failure(FEATURE, STEP, _raise(AssertionError("[]")))  # `assert found, found` with nothing found
    assert "The check failed; the step found: none" in dump and "AssertionError" not in dump
    rewritten = step_failure(FEATURE, STEP, _raise(AssertionError(
        "the card shows 'Synced'\nassert 'Synced' == 'Syncd'\n  \n  - Syncd\n  + Synced")))
    assert "the card shows 'Synced'\n  The check: assert 'Synced' == 'Syncd'\n" in rewritten
    assert "- Syncd" not in rewritten  # pytest's diff stays in pytest-output.txt
    stop = step_failure(FEATURE, STEP, _raise(StopIteration()))
    assert "looked for something that is not there" in stop
    key = step_failure(FEATURE, STEP, _raise(KeyError("INV0042")))
    assert "stopped with KeyError: 'INV0042'" in key
    assert all(text.startswith("features/invoice_sync/x.feature:17:") for text in (bare, stop, key))


def test_expect_and_value_wording() -> None:
    expect("the total", Decimal("1"), Decimal("1.00"))
    with pytest.raises(Mismatch, match='expected: "Synced"\n  actual:   nothing'):
        expect("the card", "Synced", None)
    assert issubclass(Mismatch, StepFailure) and issubclass(StepFailure, AssertionError)
    assert describe_value([]) == "none"
    assert describe_value({"code": "6140", "retry": False}) == 'code: "6140"; retry: no'
    assert money_text(Decimal("1250.5")) == "$1,250.50" and money_text(Decimal("-5")) == "-$5.00"
