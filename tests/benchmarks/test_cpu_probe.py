"""benchmarks.results.cpu_probe: what the machine table's probe line reads, on clocks the test drives."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from benchmarks import results


def _clocks(monkeypatch: pytest.MonkeyPatch, cpu_per_round: list[float], wall_per_round: list[float]) -> None:
    """Fake clocks: each round's loop uses the next CPU and wall seconds (each clock is read twice a round)."""
    readings = {"process_time": [], "perf_counter": []}
    for name, steps in (("process_time", cpu_per_round), ("perf_counter", wall_per_round)):
        now = 100.0
        for step in steps:
            readings[name] += [now, now + step]
            now += step + 1
    monkeypatch.setattr(results, "time", SimpleNamespace(process_time=lambda: readings["process_time"].pop(0),
                                                         perf_counter=lambda: readings["perf_counter"].pop(0)))


def test_a_core_shared_with_other_work_shows_as_wall_time_above_the_cpu_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process on the same core leaves the loop's CPU seconds as they were and doubles its wall time:
    the slowdown a wall-clock figure (the suite's time) suffers, which CPU seconds alone cannot show."""
    _clocks(monkeypatch, cpu_per_round=[1.0, 1.25], wall_per_round=[2.0, 2.5])
    probe = results.cpu_probe(size=10, rounds=2)
    assert (probe.cpu, probe.wall) == (1.0, 2.0)
    assert str(probe) == "1.00 in 2.00"


def test_the_fastest_round_of_each_clock_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    _clocks(monkeypatch, cpu_per_round=[1.5, 1.0, 1.25], wall_per_round=[1.5, 1.75, 1.25])
    assert results.cpu_probe(size=10, rounds=3) == (1.0, 1.25)
