"""The cyclic garbage collector and a long-running simulator: keep full collections short.

A full collection walks every tracked container the process holds. A simulator's heap is mostly data that
lives as long as the process (modules, Faker's locale data, companies and their records), so walking it again
and again only costs: tens to hundreds of milliseconds with the GIL held, which every request in flight
waits out (the long tail of invoice-create latency, issue 16). ``gc.freeze`` takes objects out of the
collector's way for good; they are still freed by reference counting when nothing refers to them, only a
*cycle* among frozen objects would never be collected. Both functions here are for a process the simulator
owns (``qbo-sim serve``, the benchmark's servers), not for a library user's process.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

__all__ = ["settle_heap", "keep_heap_settled", "SETTLE_AFTER"]

#: how many objects may survive a full collection before they are frozen: a full collection then walks at
#: most about this many long-lived objects plus what was new since the last one
SETTLE_AFTER = 10_000
#: young (generation 1) collections between two full ones (CPython's default is 10): see keep_heap_settled
FULL_EVERY = 3


def settle_heap() -> None:
    """Collect once, then move everything start-up built out of the cyclic collector's way.

    Modules, Faker's locale data and the seeded companies live as long as the process; left in the
    collector's oldest generation, every full collection walks them again (hundreds of thousands of
    objects), holding the GIL for tens of milliseconds: on a write-heavy load that was ~20 % of the
    CPU per invoice create and the long tail of its latency (issue 16). ``gc.freeze`` keeps them
    out of collections; objects created later are collected as usual. For a long-running process
    (``qbo-sim serve``), called once after start-up and after bulk seeding.
    """
    gc.collect()
    gc.freeze()


def keep_heap_settled(limit: int = SETTLE_AFTER, full_every: int = FULL_EVERY) -> Callable[[], None]:
    """After each full collection that leaves ``limit`` or more objects in the oldest generation, freeze them.

    What a running server stores (invoices created by a load test, a company seeded over the control API) is
    otherwise walked by every later full collection: 13 tracked containers per stored invoice, so after 30,000
    creates each full collection held the GIL for 100–190 ms against 11–33 ms with this (in-process, loaded
    2-core machine; docs/performance.md). Right after a full collection every object left is reachable, so a
    freeze takes only live data; what it could keep forever is a cycle that becomes garbage later, in
    practice the few requests in flight at that moment (werkzeug's router leaves 8 cyclic objects per request,
    collected at once when not frozen): bounded by one freeze per ``limit`` objects of growth. Returns a
    function that uninstalls the hook (and restores the thresholds). Freezing is O(1) (the generation's list is
    moved as a whole); counting the oldest generation copies it into a list once per full collection, small
    beside the collection itself.

    A full collection also runs every ``full_every`` young collections instead of CPython's 10: each then walks
    what a third as many creates stored since the last freeze. 20,000 invoice creates in-process (2026-11-29):
    7 full collections of 12.7 ms (p50; up to 17 ms) with the default, 18 of 4.4 ms (up to 5.7 ms) with 3, in
    about the same total; every request in flight waits out each one, so the shorter pauses narrow the long tail
    of create latency under load (issue 16).
    """

    def on_collection(phase: str, info: dict[str, Any]) -> None:
        if phase == "stop" and info.get("generation") == 2 and len(gc.get_objects(generation=2)) >= limit:
            gc.freeze()

    gc.callbacks.append(on_collection)
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], full_every)

    def uninstall() -> None:
        if on_collection in gc.callbacks:
            gc.callbacks.remove(on_collection)
            gc.set_threshold(*thresholds)

    return uninstall
