"""A faithful QuickBooks Online Accounting API v3 + OAuth 2.0 simulator.

``create_app()`` builds an independent simulator (a Flask app); ``LiveServer`` serves it over
real HTTP; ``simulator.testing.SimulatorHandle`` drives its control API from tests and steps.

Both are imported on first use: ``qbo-sim gate`` and the other commands that serve nothing (and any
``import simulator.<module>``) do not pay for Flask and the whole app (about 0.6 s without a bytecode cache).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.app import create_app
    from simulator.server import LiveServer

__all__ = ["create_app", "LiveServer"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from simulator.app import create_app

        return create_app
    if name == "LiveServer":
        from simulator.server import LiveServer

        return LiveServer
    try:  # simulator.app, simulator.seed ...: submodules, as when this package imported them eagerly
        return importlib.import_module(f"simulator.{name}")
    except ModuleNotFoundError as missing:
        if missing.name != f"simulator.{name}":
            raise
    raise AttributeError(f"module 'simulator' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
