"""pytest plugin: apply the mutation named by ``QBO_SIM_MUTATION`` to ``sync_client`` before anything runs.

Loaded into the gate's own pytest process by :mod:`tests.mutations.runner` (``PYTEST_ADDOPTS=-p ...``), so
the reference integration the scenarios drive is the broken one. Without the variable it does nothing.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

ENV = "QBO_SIM_MUTATION"


def pytest_configure(config: pytest.Config) -> None:
    name = os.environ.get(ENV)
    if not name:
        return
    from tests.mutations.catalogue import by_id

    def patch(owner: Any, attribute: str, value: Any) -> None:
        if not hasattr(owner, attribute):
            raise pytest.UsageError(f"mutation {name}: {owner!r} has no attribute {attribute!r} (the seam moved)")
        setattr(owner, attribute, value)

    by_id(name).apply(patch)
