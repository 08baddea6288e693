"""Token buckets that keep one realm within QuickBooks' throttling limits.

QuickBooks counts per realm+app: 500 requests/min, 10 requests/s and 40 batch requests/min
[qbo-api §1.4]. Going over answers 429, which costs far more than waiting a little here, so
every request first takes a token from each bucket that applies. Thread-safe; the clock and
the sleep are injectable, so tests never wait for real.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sync_client.config import RateLimits

__all__ = ["TokenBucket", "RateLimiter"]


class TokenBucket:
    """``capacity`` tokens, refilled continuously at ``rate`` tokens per second."""

    def __init__(self, capacity: float, rate: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(capacity)
        self.rate = float(rate)
        self._clock = clock
        self._tokens = float(capacity)
        self._stamp = clock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def reserve(self) -> float:
        """Take a token now (going into debt if needed); return how long to wait before using it."""
        self._refill()
        self._tokens -= 1
        return 0.0 if self._tokens >= 0 else -self._tokens / self.rate


class RateLimiter:
    """The buckets for one realm. ``acquire("request")`` or ``acquire("batch")`` blocks as needed."""

    def __init__(self, limits: RateLimits | None = None, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        limits = limits or RateLimits()
        self._lock = threading.Lock()
        self._sleep = sleep
        self._buckets = {
            "second": TokenBucket(limits.requests_per_second, limits.requests_per_second, clock=clock),
            "minute": TokenBucket(limits.requests_per_minute, limits.requests_per_minute / 60, clock=clock),
            "batch": TokenBucket(limits.batches_per_minute, limits.batches_per_minute / 60, clock=clock),
        }
        self.waited = 0.0  #: total seconds spent waiting (for progress displays and tests)

    def acquire(self, kind: str = "request") -> float:
        names = ("second", "minute", "batch") if kind == "batch" else ("second", "minute")
        with self._lock:  # reserve under the lock, wait outside it: waiters queue up fairly
            wait = max(self._buckets[name].reserve() for name in names)
            self.waited += wait
        if wait > 0:
            self._sleep(wait)
        return wait
