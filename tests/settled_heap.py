"""The suite's own process keeps the cyclic garbage collector off what collection built (``gc.freeze``).

After collection a pytest process holds hundreds of thousands of objects that live until it exits: the modules
it imported (the simulator, schemathesis, hypothesis, Playwright, …), the collected items and their fixtures.
Each full collection walked them all again: ~0.1 s a time (22 full collections over ``tests/simulator``'s 534
tests, 2.5 s of one core), and at exit Python's final collections walked them once more while ``pytest -n``
waited for its workers to end (~1 s each on a loaded machine). Frozen, they are still freed by reference
counting; only a cycle among them that became garbage later would stay until the process ends. Objects the
tests create are collected as before. The same idea as ``simulator.heap.settle_heap`` for ``qbo-sim serve``.

Tests that count what ``gc.freeze`` froze count from what is frozen already (tests/simulator/test_heap.py).
Registered from the root ``conftest.py``.
"""

from __future__ import annotations

import atexit
import gc

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    gc.freeze()  # what start-up imported, as it is


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session) -> object:
    """Collection runs without the collector, then what it built is frozen. It builds what lives until the end
    (under ``-n`` every worker collects the whole suite, on the run's critical path), and as it grew the collector
    walked it again and again (~10 full collections, ~2 s of each worker's start-up)."""
    gc.disable()
    try:
        return (yield)
    finally:
        gc.enable()
        gc.collect()  # the garbage collection left behind, once
        gc.freeze()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> object:
    """After a module's last test (its module fixtures torn down), what is still alive lives on: imported modules,
    caches, session fixtures (schemathesis' and hypothesis' state after the contract tests, ~200,000 objects).
    Collected once and frozen, later full collections no longer walk it."""
    try:
        return (yield)
    finally:
        if nextitem is None or nextitem.nodeid.split("::", 1)[0] != item.nodeid.split("::", 1)[0]:
            gc.collect()
            gc.freeze()


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """After pytest's own end-of-run collections (its check for unraisable exceptions), nothing is left to find:
    the interpreter's final collections need not walk the heap again."""
    atexit.register(gc.freeze)
