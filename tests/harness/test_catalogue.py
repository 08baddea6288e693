"""`qbo-sim steps`: every step readable, described in full, with an example that really is that step, and the
valid values taken from the code's own tables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pytest_bdd import parsers

from harness.articles import CASPEN_CARD_TITLES, case_ids
from harness.catalogue import catalogue, example_matches, render_markdown, render_text, search
from simulator.cli import main
from steps.types import EXTRA_TYPES
from steps.world import REGIONS

REGEX_SYNTAX = re.compile(r"\(\?P<|\\[SsdwW]|\[\^|\(\?:|[*+]\)|\|\w+\)")


def test_every_step_has_an_example_that_matches_its_own_pattern_and_keyword() -> None:
    entries = catalogue()
    assert len(entries) >= 40
    missing = [e.text for e in entries if not e.example]
    assert missing == [], f"steps without a matching example: {missing}"
    wrong = [(e.text, e.example) for e in entries if not example_matches(e.type, e.parser, e.example)]
    assert wrong == []


def test_a_wrong_example_is_not_shown() -> None:
    total = parsers.parse("the invoice total in QuickBooks is {amount:Money}", extra_types=EXTRA_TYPES)
    assert example_matches("Then", total, "Then the invoice total in QuickBooks is $198.00")
    assert example_matches("Then", total, "And the invoice total in QuickBooks is $198.00")
    assert not example_matches("Then", total, "Given the invoice total in QuickBooks is $198.00")  # wrong keyword
    assert not example_matches("Then", total, "And QuickBooks has the invoice with a total of $198.00")  # other step
    assert not example_matches("Then", total, "Then the invoice total in QuickBooks is 198")  # ambiguous value


def test_patterns_are_readable_and_descriptions_whole() -> None:
    text = render_text(catalogue())
    for entry in catalogue():
        assert not REGEX_SYNTAX.search(entry.pattern), entry.pattern
        assert entry.text in text
        for line in entry.doc.splitlines():
            assert line.strip() in text, (entry.text, line)  # nothing cut mid-sentence
    # a step defined by a regular expression reads as words, with its choices
    [renumber] = [e for e in catalogue() if e.pattern.startswith("QuickBooks already has a(n) {kind}")]
    assert [p.choices for p in renumber.parameters if p.name == "kind"] == [("invoice", "credit memo")]


def test_valid_values_come_from_the_codes_tables() -> None:
    from harness.articles import ARTICLE_CASES
    from steps.technical import FAILURES
    from sync_client.status import SYNCED_TITLE, TITLES

    text = render_text(catalogue())
    for region, (_, rates) in REGIONS.items():
        line = next(line for line in text.splitlines() if line.strip().startswith(f"{region}:"))
        for name, *_ in rates:
            assert f'"{name}"' in line, (region, name)
    for failure in FAILURES:
        assert f"    {failure}" in text
    titles = [SYNCED_TITLE, *(c.card_title for c in ARTICLE_CASES if c.card_title and c.id != "unlisted-error"),
              *CASPEN_CARD_TITLES]
    assert set(TITLES.values()) <= set(titles)  # the reference integration shows no title the catalogue lacks
    for title in titles:
        assert f'"{title}"' in text
    for case in case_ids():
        assert f"@article:{case}" in text
    assert "AUD 1,200.50" in text and "31/12/2025" in text


def test_search_reads_descriptions_and_values_and_says_when_nothing_matched(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    entries = catalogue()
    assert any("rotate" in e.doc and "rotate" not in e.pattern for e in search(entries, "rotate"))
    assert [e.pattern for e in search(entries, "timeout")] == \
        ["QuickBooks answers every invoice create with {failure}",
         "QuickBooks answers the next invoice create with {failure}"]  # "a timeout" is one of their values
    assert main(["steps", "--search", "no such words anywhere"]) == 1
    assert "No step mentions 'no such words anywhere'" in capsys.readouterr().err
    assert main(["steps", "--markdown", str(tmp_path / "steps.md")]) == 0
    markdown = (tmp_path / "steps.md").read_text()
    assert "## Valid values" in markdown and render_markdown(entries) == markdown


def test_every_example_in_a_docstring_is_used_or_reported() -> None:
    """A docstring example that matches none of its function's patterns is a typo the catalogue would hide."""
    by_function: dict[str, list] = {}
    for entry in catalogue():
        by_function.setdefault(entry.doc + entry.module, []).append(entry)
    for entries in by_function.values():
        shown = {e.example for e in entries}
        rejected_everywhere = set.intersection(*(set(e.rejected_examples) for e in entries))
        assert not rejected_everywhere, (entries[0].text, rejected_everywhere, shown)
