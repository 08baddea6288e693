"""A clock for tests whose claims must not depend on the wall clock."""

from __future__ import annotations

from simulator.clock import SimClock


class FrozenClock(SimClock):
    """A SimClock stopped at one instant: only ``advance`` moves it, so no claim depends on the wall clock
    (a loaded machine once took 2.3 s between two calls)."""

    START = 1_790_000_000.0  # 2026-09-21T14:13:20Z

    def epoch(self) -> float:
        return self.START + self.offset
