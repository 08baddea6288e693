"""The mutation catalogue is sound (always), and the gate catches every bug in it (``--mutations``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.articles import case_ids
from tests.mutations import runner
from tests.mutations.catalogue import MUTATIONS, Mutation
from tests.mutations.conftest import mutations_enabled

ROOT = Path(__file__).resolve().parents[2]


def _feature_areas() -> set[str]:
    files = [p for p in ROOT.rglob("*.feature") if ".venv" not in p.parts and "tests" not in p.parts]
    return {p.stem for p in files} | {p.parent.name for p in files}


def test_the_catalogue_has_at_least_30_distinct_realistic_bugs_each_expecting_a_real_case_or_area() -> None:
    ids = [m.id for m in MUTATIONS]
    assert len(ids) >= 30 and len(set(ids)) == len(ids)
    known = set(case_ids()) | _feature_areas()
    for entry in MUTATIONS:
        assert entry.expect and set(entry.expect) <= known | {"resilience"}, (entry.id, set(entry.expect) - known)
        assert entry.rule.strip(), entry.id


@pytest.mark.parametrize("entry", MUTATIONS, ids=lambda m: m.id)
def test_every_mutation_applies_at_an_existing_seam(entry: Mutation, monkeypatch: pytest.MonkeyPatch) -> None:
    """A seam that moved would make the bug a no-op that "survives" for the wrong reason; refuse that here."""
    patched: list[tuple[Any, str]] = []

    def patch(owner: Any, attribute: str, value: Any) -> None:
        assert hasattr(owner, attribute), f"{entry.id}: {owner!r} has no {attribute!r}"
        assert getattr(owner, attribute) is not value
        monkeypatch.setattr(owner, attribute, value)
        patched.append((owner, attribute))

    entry.apply(patch)
    assert patched, f"{entry.id} patched nothing"


def test_the_gate_catches_every_catalogued_bug(request: pytest.FixtureRequest) -> None:
    if not mutations_enabled(request.config):
        pytest.skip("the whole catalogue runs the gate ~40 times: pytest tests/mutations --mutations")
    verdicts = runner.run(list(MUTATIONS), jobs=2)
    report = "\n".join(v.row() for v in verdicts)
    print(f"\n{report}\nmutation score: {sum(v.caught for v in verdicts)}/{len(verdicts)}")
    assert all(v.caught for v in verdicts), report
