"""``qbo-sim bench``: the performance benchmarks of issue 6, each reported against a baseline.

Machines are noisy (and CI machines are shared), so every throughput figure is a ratio to a bare
Flask app measured in the same run on the same server software (:mod:`benchmarks.baseline`); the
table says which target each figure is held to and whether it is met. ``python -m benchmarks`` is
the same command. See ``docs/performance.md`` for how to run it and read it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Figure", "Report"]


def __getattr__(name: str) -> Any:
    """``Figure`` and ``Report`` on first use: every ``qbo-sim`` command imports this package to register
    ``bench``, and :mod:`benchmarks.results` (``importlib.metadata``, ``platform``) would cost each of them
    ~40 ms of start-up, ``qbo-sim serve``'s cold start included."""
    if name in __all__:
        from benchmarks import results

        return getattr(results, name)
    raise AttributeError(f"module 'benchmarks' has no attribute {name!r}")
