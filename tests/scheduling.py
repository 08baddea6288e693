"""How the suite spreads over xdist workers (the README's ``pytest -n auto``, ``--dist loadgroup``).

* A module's tests stay on one worker (unless marked ``xdist_group``, which still groups across modules):
  a module-scoped fixture (a gate run, a browser, a 100,000-record store, ``qbo-sim bench --quick``) is
  then built once per run instead of once per worker that happens to receive one of its tests.
* Modules holding a test marked ``heavy`` (seconds of CPU: a gate run, a browser, sub-processes,
  fuzzing) are handed out first, so the run does not end with one worker busy on a long test while the
  other has nothing left; the many short tests fill in behind them.

Only the order and the grouping change: every test runs, in its module's own order. Registered from the
root ``conftest.py``; without ``-n`` nothing here applies.
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadgroup`` with a module as the unit of work for tests outside an ``xdist_group``."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class ModulesAndGroups(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)  # the group's name for an xdist_group test, else the nodeid
            return scope if scope != nodeid else nodeid.split("::", 1)[0]

    return ModulesAndGroups(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On an xdist worker: modules with a ``heavy`` test first (a stable sort: modules keep their relative
    order and their tests' order). Every worker sorts the same collection the same way, as xdist requires;
    with ``--no-loadscope-reorder`` the scheduler hands out units in this order."""
    if not hasattr(config, "workerinput"):
        return
    heavy = {item.nodeid.split("::", 1)[0] for item in items if item.get_closest_marker("heavy")}
    items.sort(key=lambda item: item.nodeid.split("::", 1)[0] not in heavy)
