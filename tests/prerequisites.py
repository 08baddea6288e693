"""A missing prerequisite skips on a developer's machine and fails under ``CI=true``.

A skip is invisible in a green CI run: a browser that cannot start, a missing ``node``, a client package
that is not installed or a reference folder that is not beside the checkout would silently turn evidence
off. ``.ci/run`` installs every prerequisite, so on CI (``CI=true``, as GitHub Actions and most CI
services set it) a missing one is a failure that names what is missing and how to install it.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import NoReturn

import pytest

__all__ = ["in_ci", "missing", "require_module"]


def in_ci() -> bool:
    """``CI`` set to ``true``/``1``/``yes`` (any case): prerequisites are mandatory."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def missing(reason: str, *, allow_module_level: bool = False) -> NoReturn:
    """Skip with ``reason``; under ``CI=true`` fail with it instead (``pytrace=False``: the reason is the story)."""
    if in_ci():
        pytest.fail(f"CI=true and a prerequisite is missing: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=allow_module_level)


def require_module(name: str, install: str, *, allow_module_level: bool = True) -> ModuleType:
    """``importlib.import_module(name)``, or :func:`missing` naming what to ``install``."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        missing(f"the {name!r} module cannot be imported ({exc}); {install}", allow_module_level=allow_module_level)
