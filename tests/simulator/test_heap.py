"""The heap stays settled as a server's data grows: full collections walk only what is new (simulator.heap).

Counted, not timed: how many objects the collector's oldest generation holds after a full collection, and how
many are frozen. The process's collector is shared with pytest, so each test uninstalls its hook; what the
tests freeze stays frozen, as the suite's own start-up heap is (tests/settled_heap.py).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from simulator import create_app
from simulator.heap import keep_heap_settled
from simulator.testing import SimulatorHandle

LINE = {"DetailType": "SalesItemLineDetail", "Amount": 10,
        "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": {"value": "5"}}}


@pytest.fixture
def collector() -> Iterator[None]:
    """The suite's process keeps what start-up and collection built frozen (tests/settled_heap.py), so full
    collections here walk only what is new and the counts start from that; the hook is uninstalled by each test."""
    gc.collect()
    yield


def _oldest() -> int:
    return len(gc.get_objects(generation=2))


def test_a_full_collection_freezes_the_survivors_once_they_reach_the_limit(collector: None) -> None:
    """A freeze would add at least the 2,000 survivors; the frozen count may also drop a little meanwhile (a frozen
    object freed by reference counting leaves it), so "nothing frozen" is "fewer than 2,000 more"."""
    survivors = [[] for _ in range(2_000)]  # tracked objects that will survive into the oldest generation
    before = gc.get_freeze_count()
    uninstall = keep_heap_settled(limit=_oldest() + 1_000_000)
    try:
        gc.collect()
        assert gc.get_freeze_count() < before + len(survivors)  # below the limit: left to the collector
    finally:
        uninstall()
    uninstall = keep_heap_settled(limit=1_000)
    try:
        gc.collect(1)  # a young collection never freezes
        assert gc.get_freeze_count() < before + len(survivors)
        gc.collect()
        assert gc.get_freeze_count() > before + 1_000
        assert _oldest() == 0
    finally:
        uninstall()
    frozen = gc.get_freeze_count()
    more = [[] for _ in range(2_000)]
    gc.collect()
    assert gc.get_freeze_count() < frozen + len(more) and _oldest() > 1_000  # uninstalled: nothing more is frozen
    assert len(survivors) == len(more) == 2_000


def test_records_stored_after_a_freeze_are_all_a_full_collection_walks_and_they_still_answer(collector: None) -> None:
    app = create_app({"TESTING": True, "COMPANIES": ()})
    sim = SimulatorHandle("http://127.0.0.1", app=app)
    realm = sim.create_company("AU", customers=1)
    uninstall = keep_heap_settled(limit=1_000)
    try:
        gc.collect()
        assert _oldest() == 0  # everything so far frozen
        for _ in range(20):
            sim.user_creates_invoice(realm, customer="1", lines=[LINE])
        gc.collect()
        new = _oldest()
        assert 0 < new < 1_000  # twenty invoices' worth, not the whole heap again
        assert len(sim.records(realm, "Invoice")) == 20
    finally:
        uninstall()


def test_full_collections_come_every_few_young_ones_while_installed_and_as_before_after(collector: None) -> None:
    """Shorter, more frequent full collections (simulator.heap.FULL_EVERY): what each walks is what a few young
    collections promoted, not ten's worth. Uninstalling restores the thresholds the process had."""
    from simulator.heap import FULL_EVERY

    before = gc.get_threshold()
    uninstall = keep_heap_settled(limit=_oldest() + 1_000_000)
    try:
        assert gc.get_threshold() == (before[0], before[1], FULL_EVERY) and FULL_EVERY < 10
    finally:
        uninstall()
    assert gc.get_threshold() == before
    uninstall()  # a second call changes nothing
    assert gc.get_threshold() == before
