"""``qbo-sim bench``: the performance benchmarks of issue 6, each reported against a baseline.

Machines are noisy (and CI machines are shared), so every throughput figure is a ratio to a bare
Flask app measured in the same run on the same server software (:mod:`benchmarks.baseline`); the
table says which target each figure is held to and whether it is met. ``python -m benchmarks`` is
the same command. See ``docs/performance.md`` for how to run it and read it.
"""

from __future__ import annotations

from benchmarks.results import Figure, Report

__all__ = ["Figure", "Report"]
