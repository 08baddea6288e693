"""The suite's own process keeps the cyclic garbage collector off what collection built (``gc.freeze``).

After collection a pytest process holds hundreds of thousands of objects that live until it exits: the modules
it imported (the simulator, schemathesis, hypothesis, Playwright, …), the collected items and their fixtures.
Each full collection walked them all again: ~0.1 s a time (22 full collections over ``tests/simulator``'s 534
tests, 2.5 s of one core), and at exit Python's final collections walked them once more while ``pytest -n``
waited for its workers to end (~1 s each on a loaded machine). Frozen, they are still freed by reference
counting; only a cycle among them that became garbage later would stay until the process ends. Objects the
tests create are collected as before. The same idea as ``simulator.heap.settle_heap`` for ``qbo-sim serve``.

Tests that count what ``gc.freeze`` froze use the :func:`unfrozen_heap` fixture. Registered from the root
``conftest.py``.
"""

from __future__ import annotations

import atexit
import gc
from collections.abc import Iterator

import pytest


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    gc.collect()
    gc.freeze()


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """After pytest's own end-of-run collections (its check for unraisable exceptions), nothing is left to find:
    the interpreter's final collections need not walk the heap again."""
    atexit.register(gc.freeze)


@pytest.fixture
def unfrozen_heap() -> Iterator[None]:
    """For a test that counts frozen or oldest-generation objects: the process's frozen heap is thawed for the
    test (so it counts only what the code under test froze) and frozen again after it."""
    frozen = gc.get_freeze_count()
    gc.unfreeze()
    yield
    gc.unfreeze()
    if frozen:
        gc.collect()
        gc.freeze()
