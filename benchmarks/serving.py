"""HTTP serving: GET invoice and POST invoice create, simulator vs the bare-Flask baseline.

Both servers run in their own processes on waitress with its default 4 threads (``simulator.server.THREADS``); the load generator keeps 32
keep-alive connections busy. Rounds alternate baseline and simulator so that a burst of noise from
other work on the machine hits both; the ratio reported is the median of the per-round ratios.
Latency is measured in the same runs: with 32 clients in a closed loop the server is saturated,
so p50 ≈ 32 / throughput (Little's law) and the latency target is really a throughput target.
"""

from __future__ import annotations

import json
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.load import CONNECTIONS, LoadResult, run_load
from benchmarks.results import Figure, verdict
from benchmarks.servers import (
    _CANNED,
    INVOICE_BODY,
    ServerProcess,
    SimulatorTarget,
    cpu_seconds,
    start_baseline,
    start_simulator,
)

__all__ = ["serving", "Settings"]

GET_TARGET, POST_TARGET = 0.70, 0.50
#: issue 16: the create p99 at 32 clients within 2× the bare-Flask p99 of the same run
P99_RATIO_TARGET = 2.0


@dataclass(frozen=True)
class Settings:
    seconds: float
    rounds: int
    quick: bool = False


def serving(settings: Settings) -> list[Figure]:
    figures: list[Figure] = []
    body = json.dumps(INVOICE_BODY).encode()
    with tempfile.TemporaryDirectory(prefix="qbo-bench-") as folder:
        simulator = start_simulator()
        try:
            target = SimulatorTarget(simulator)
            _CANNED.update(
                get=target.get_answer, post=target.post_answer
            )  # the mocks benchmark sends the same
            baseline = start_baseline(target.get_answer, target.post_answer, Path(folder))
            try:
                base_urls = {
                    "get": f"{baseline.base_url}/v3/company/{target.realm_id}/invoice/1",
                    "post": f"{baseline.base_url}/v3/company/{target.realm_id}/invoice",
                }
                runs: dict[tuple[str, str], list[Run]] = {}
                for kind, method in (("get", "GET"), ("post", "POST")):
                    sim_url = target.read_url if kind == "get" else target.create_url
                    payload = body if method == "POST" else b""
                    if not settings.quick:  # warm-up: first-use caches, the allocator's arenas
                        run_load(
                            base_urls[kind], method=method, body=payload, headers=target.headers, seconds=1
                        )
                        run_load(sim_url, method=method, body=payload, headers=target.headers, seconds=1)
                    for _ in range(settings.rounds):
                        for name, server, url in (
                            ("baseline", baseline, base_urls[kind]),
                            ("simulator", simulator, sim_url),
                        ):
                            runs.setdefault((kind, name), []).append(
                                _measured(
                                    server.pid,
                                    url,
                                    method=method,
                                    body=payload,
                                    headers=target.headers,
                                    seconds=settings.seconds,
                                )
                            )
                figures += _throughput(runs, settings)
                figures += _latency(runs)
                if not settings.quick:
                    figures += _ceiling(runs, target.get_answer, settings)
            finally:
                baseline.stop()
        finally:
            simulator.stop()
    return figures


@dataclass(frozen=True)
class Run:
    """A load run and the server CPU it cost (robust to other work on the machine, unlike req/s)."""

    load: LoadResult
    cpu_seconds: float

    @property
    def rps(self) -> float:
        return self.load.rps

    @property
    def cpu_us_per_request(self) -> float:
        return self.cpu_seconds / self.load.requests * 1e6 if self.load.requests else 0.0

    def __getattr__(self, name: str) -> object:
        return getattr(self.load, name)


def _measured(pid: int, url: str, **load: object) -> Run:
    before = cpu_seconds(pid)
    result = run_load(url, **load)  # type: ignore[arg-type]
    return Run(result, cpu_seconds(pid) - before)


def _median_ratio(sim: list[Run], base: list[Run]) -> float:
    return statistics.median(s.rps / b.rps for s, b in zip(sim, base, strict=True) if b.rps)


def _throughput(runs: dict[tuple[str, str], list[Run]], settings: Settings) -> list[Figure]:
    out = []
    for kind, label, goal in (
        ("get", "GET invoice req/s", GET_TARGET),
        ("post", "POST invoice create req/s", POST_TARGET),
    ):
        sim, base = runs[(kind, "simulator")], runs[(kind, "baseline")]
        ratio = _median_ratio(sim, base)
        sim_rps = statistics.median(r.rps for r in sim)
        base_rps = statistics.median(r.rps for r in base)
        errors = sum(r.errors for r in sim) + sum(r.errors for r in base)
        per_round = ", ".join(f"{s.rps / b.rps:.2f}" for s, b in zip(sim, base, strict=True) if b.rps)
        sim_cpu = statistics.median(r.cpu_us_per_request for r in sim)
        base_cpu = statistics.median(r.cpu_us_per_request for r in base)
        note = (
            f"{settings.rounds} alternating round(s) of {settings.seconds:.0f} s, {CONNECTIONS} connections, "
            f"{sim[0].generator}; per-round ratios {per_round} (the ratio shown is their median). "
            "Server CPU per "
            f"request: {sim_cpu:.0f} µs vs {base_cpu:.0f} µs for the baseline, a CPU ratio of "
            f"{base_cpu / sim_cpu:.2f} (less sensitive to other load on the machine than req/s)"
        )
        if errors:
            note += f"; {errors} failed requests (socket errors or non-2xx)"
        figure = Figure(
            "serving",
            label,
            sim_rps,
            "req/s",
            target=f"≥ {goal:.0%} of baseline",
            verdict=verdict(ratio >= goal and not errors),
            baseline=base_rps,
            baseline_name="bare Flask",
            note=note,
            given_ratio=ratio,
            details={"cpu_us_per_request": sim_cpu, "baseline_cpu_us_per_request": base_cpu},
        )
        out.append(figure)
    return out


def _latency(runs: dict[tuple[str, str], list[Run]]) -> list[Figure]:
    out = []
    for kind, label in (("get", "GET invoice"), ("post", "POST invoice create")):
        sim, base = runs[(kind, "simulator")], runs[(kind, "baseline")]
        p50 = statistics.median(r.p50_ms for r in sim)
        p99 = statistics.median(r.p99_ms for r in sim)
        base_p50 = statistics.median(r.p50_ms for r in base)
        base_p99 = statistics.median(r.p99_ms for r in base)
        out.append(
            Figure(
                "latency",
                f"{label} p50 ({CONNECTIONS} clients)",
                p50,
                "ms",
                baseline=base_p50,
                baseline_name="bare Flask p50",
            )
        )
        held = kind == "post"
        out.append(
            Figure(
                "latency",
                f"{label} p99 ({CONNECTIONS} clients)",
                p99,
                "ms",
                target=f"≤ {P99_RATIO_TARGET:.0f}× bare Flask p99" if held else "",
                verdict=verdict(p99 <= P99_RATIO_TARGET * base_p99) if held else "info",
                baseline=base_p99,
                baseline_name="bare Flask p99",
                note=f"closed loop at saturation: {CONNECTIONS} clients / "
                f"{statistics.median(r.rps for r in sim):,.0f} req/s ≈ "
                f"{CONNECTIONS * 1000 / statistics.median(r.rps for r in sim):.1f} ms mean "
                f"(Little's law); the bare-Flask baseline on the same server has p99 "
                f"{base_p99:.1f} ms",
            )
        )
    return out


def _ceiling(runs: dict[tuple[str, str], list[Run]], body: bytes, settings: Settings) -> list[Figure]:
    """The load generator against a trivial asyncio server: what it can drive at least."""
    import sys

    with ServerProcess(
        [sys.executable, "-m", "benchmarks.load", "READY", str(len(body))], ping="/"
    ) as server:
        result = run_load(server.base_url + "/", seconds=settings.seconds)
    base = statistics.median(r.rps for r in runs[("get", "baseline")])
    return [
        Figure(
            "serving",
            f"load generator ceiling ({result.generator})",
            result.rps,
            "req/s",
            baseline=base,
            baseline_name="bare Flask GET",
            note="the generator against a canned-answer asyncio server on the same machine: a lower bound "
            "of its ceiling; a ratio well above 1 means the generator is not what limits the figures",
        )
    ]
