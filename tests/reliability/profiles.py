"""The two profiles' numbers, and the figures each test reports."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Profile:
    name: str
    #: concurrency: threads, companies, rounds of operations per thread
    hammer_threads: int
    hammer_companies: int
    hammer_rounds: int
    #: soak: seconds of measured load after warm-up, warm-up seconds, client threads, journal capacity
    soak_seconds: float
    soak_warmup: float
    soak_threads: int
    soak_journal: int
    #: chaos: invoices pushed one by one, invoices pushed with push_all, chance that a sync gets a fault rule
    #: (0.25 makes ~20 % of all write requests fail: retries and replays dilute it)
    chaos_single: int
    chaos_bulk: int
    fault_rate: float
    #: crash recovery: invoices in the backlog, SIGKILLs to land
    crash_invoices: int
    crash_kills: int
    #: auth lifecycle: invoices pushed while tokens expire
    auth_invoices: int


FAST = Profile("fast", hammer_threads=16, hammer_companies=2, hammer_rounds=3,
               soak_seconds=1.5, soak_warmup=1.0, soak_threads=4, soak_journal=200,
               chaos_single=40, chaos_bulk=20, fault_rate=0.25,
               crash_invoices=20, crash_kills=5, auth_invoices=20)
THOROUGH = Profile("thorough", hammer_threads=16, hammer_companies=4, hammer_rounds=60,
                   soak_seconds=60.0, soak_warmup=15.0, soak_threads=8, soak_journal=10_000,
                   chaos_single=600, chaos_bulk=400, fault_rate=0.25,
                   crash_invoices=300, crash_kills=24, auth_invoices=100)


class Figures:
    """What each test tried and found, by area (printed at the end of the run)."""

    def __init__(self) -> None:
        self.data: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def record(self, area: str, **values: Any) -> None:
        with self._lock:
            self.data.setdefault(area, {}).update(values)


def print_figures(terminalreporter: Any, figures: Figures, *, thorough: bool) -> None:
    """The run's reliability section (and ``QBO_RELIABILITY_REPORT=path.json``, the same as JSON)."""
    profile = "thorough" if thorough else "fast"
    terminalreporter.section(f"reliability figures ({profile} profile)")
    for area, values in figures.data.items():
        terminalreporter.write_line(f"{area}: " + ", ".join(f"{k}={v}" for k, v in values.items()))
    target = os.environ.get("QBO_RELIABILITY_REPORT")
    if target:
        Path(target).write_text(json.dumps({"profile": profile, **figures.data}, indent=2) + "\n")
