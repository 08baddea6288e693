"""Shared fixtures: a raw QBO HTTP client on the live simulator (the real-client tests use real libraries)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from simulator.testing import SimulatorHandle

#: what xdist workers handed over for the end-of-run sections, by kind ("contract", "reliability")
_FROM_WORKERS: dict[str, list[dict[str, Any]]] = {}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto`` runs the suite on one worker more than there are cores.

    A fifth of the suite's test time is waiting, not computing: child processes starting (gates, ``st run``,
    servers, Chromium), idle windows, read timeouts provoked on purpose. With one worker per core a core sits
    idle through each wait; a spare worker fills it, for one more collection (~4 s of CPU). Four alternating
    pairs on 2 cores, 2026-11-29: ``-n 2`` 100.5, 92.1, 99.9, 103.1 s; ``-n 3`` 93.0, 89.6, 98.5, 97.6 s
    (docs/performance.md). Only the test suite: the gate's own ``-n auto`` counts cores as xdist does.
    ``PYTEST_XDIST_AUTO_NUM_WORKERS`` is honoured as given; otherwise xdist's own count (``-n logical``,
    CPU affinity) plus one."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads it
    from xdist.plugin import pytest_xdist_auto_num_workers as cores

    return int(cores(config)) + 1


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """Under ``-n`` the controller never loads tests/contract's or tests/reliability's conftest (it collects
    nothing), so the sections their tests feed are gathered and printed here, once for the whole run."""
    for kind, handed in getattr(node, "workeroutput", {}).get("summaries", {}).items():
        _FROM_WORKERS.setdefault(kind, []).append(handed)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if "reliability" in _FROM_WORKERS:
        from tests.reliability.profiles import Figures, print_figures

        figures = Figures()
        for handed in _FROM_WORKERS["reliability"]:
            for area, values in handed["figures"].items():
                figures.record(area, **values)
        print_figures(terminalreporter, figures, thorough=any(h["thorough"] for h in _FROM_WORKERS["reliability"]))
    if "contract" in _FROM_WORKERS:
        from tests.contract.fuzzing import Stats, print_summary

        stats = Stats()
        for handed in _FROM_WORKERS["contract"]:
            stats.merge(handed["stats"])
        print_summary(terminalreporter, stats, thorough=any(h["thorough"] for h in _FROM_WORKERS["contract"]))


#: the xdist group of the tests sharing :func:`bundled_gate` (``--dist loadgroup`` keeps them on one worker)
BUNDLED_GATE_GROUP = "bundled-gate"


@pytest.fixture(scope="session")
def bundled_gate(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One ``qbo-sim gate`` run of the bundled article suite, in-process driver, serial: the outcome
    (``harness.gate.GateOutcome``; its reports under ``outcome.reports``). Shared by the tests that read
    it (the gate's own checks, the HTTP driver's comparison) instead of each paying for a run; mark them
    ``pytest.mark.xdist_group(BUNDLED_GATE_GROUP)``."""
    from harness.gate import GateOptions, run_gate

    return run_gate(GateOptions(reports=tmp_path_factory.mktemp("bundled-gate"), quiet=True))


#: the xdist group of the tests sharing :func:`served_sim` (``--dist loadgroup`` keeps them on one worker)
SERVED_GROUP = "served-simulator"


@pytest.fixture(scope="session")
def served_sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One ``qbo-sim serve`` in its own process (``tests.served.Served``) for the tests that race requests
    against it, each in companies of its own (``race_company``): one start-up instead of one per test. Mark
    them ``pytest.mark.xdist_group(SERVED_GROUP)``. Not for tests that reset it or revoke its tokens."""
    from tests.served import served_simulator

    with served_simulator(tmp_path_factory.mktemp("served")) as running:
        yield running


#: the Chromium the browser tests drive: Debian's ``chromium`` (``.ci/run`` installs it), never the browser
#: ``playwright install`` downloads; ``QBO_CHROMIUM`` (or ``INSPECTOR_CHROMIUM``) names another binary
CHROMIUM = (os.environ.get("QBO_CHROMIUM") or os.environ.get("INSPECTOR_CHROMIUM") or shutil.which("chromium")
            or shutil.which("chromium-browser"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


#: the xdist group of the browser tests: on one worker they share one Chromium and one Playwright driver (a
#: launch of both is ~2 s of CPU) instead of each worker that receives one of their modules launching its own
BROWSER_GROUP = "chromium"


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Chromium (a Playwright ``Browser``) per test process, shared by every browser test: the
    gate's report (tests/harness) and the inspector (tests/inspector). Each test opens its own context, so
    nothing but the process is shared; a launch costs ~1.7 s, and Playwright's sync API allows one instance per
    thread at a time anyway; mark their modules ``pytest.mark.xdist_group(BROWSER_GROUP)``. Missing locally:
    the browser tests skip and say why; under ``CI=true`` a missing browser, a missing ``playwright`` package
    or a Chromium that does not start fails them instead."""
    from tests.prerequisites import missing

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the 'playwright' package is not installed (it is in the project's test extras)")
    if not CHROMIUM or not Path(CHROMIUM).exists():
        missing("no Chromium binary: apt-get install chromium (or set QBO_CHROMIUM)")
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        except Exception as exc:  # noqa: BLE001 - any launch failure is "no browser here"
            missing(f"Chromium at {CHROMIUM} did not start: {exc}")
        yield launched
        launched.close()


class QBOApi:
    """Just enough HTTP to talk to one company as a client would: JSON, bearer token, minorversion."""

    def __init__(self, sim: SimulatorHandle, realm_id: str) -> None:
        self.sim = sim
        self.realm_id = realm_id
        self.base = f"{sim.api_base}/company/{realm_id}"
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json"})
        self.authorize()

    def authorize(self) -> None:
        tokens = self.sim.connect(self.realm_id)
        self.session.headers["Authorization"] = f"Bearer {tokens['access_token']}"

    def post(self, path: str, body: Any = None, **params: Any) -> requests.Response:
        params.setdefault("minorversion", 75)
        return self.session.post(f"{self.base}/{path}", json=body, params=params, timeout=10)

    def get(self, path: str, **params: Any) -> requests.Response:
        params.setdefault("minorversion", 75)
        return self.session.get(f"{self.base}/{path}", params=params, timeout=10)

    def query(self, text: str) -> dict[str, Any]:
        response = self.get("query", query=text)
        assert response.status_code == 200, response.text
        return response.json()["QueryResponse"]

    def invoice_body(self, doc_number: str | None = None, *, amount: float = 100.0, tax_code: str = "5",
                     customer: str = "1", **extra: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "CustomerRef": {"value": customer},
            "Line": [{"DetailType": "SalesItemLineDetail", "Amount": amount, "Description": "Plumbing",
                      "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": {"value": tax_code}}}],
            **extra,
        }
        if doc_number:
            body["DocNumber"] = doc_number
        return body


@pytest.fixture
def api(qbo_sim: SimulatorHandle, qbo_company: str) -> Iterator[QBOApi]:
    yield QBOApi(qbo_sim, qbo_company)


def fault_of(response: requests.Response) -> dict[str, Any]:
    """The single error of a service-envelope fault, after checking the envelope's shape."""
    body = response.json()
    assert set(body) == {"Fault", "time"}, body
    assert set(body["Fault"]) == {"Error", "type"}
    assert len(body["Fault"]["Error"]) == 1
    error = body["Fault"]["Error"][0]
    assert set(error) == {"Message", "Detail", "code", "element"}
    assert response.headers["intuit_tid"].startswith("1-")
    return {**error, "type": body["Fault"]["type"]}
