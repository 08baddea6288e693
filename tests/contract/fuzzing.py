"""The pieces of the contract fuzzing harness (tests/contract): counting, fresh state, credentials.

Kept out of ``conftest.py`` so the tests import them as an ordinary module.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections import Counter
from pathlib import Path
from typing import Any
from unittest import mock
from xml.etree.ElementTree import ParseError

import schemathesis
from defusedxml.ElementTree import fromstring

import simulator.oauth
from simulator.app import EXTENSION, create_app
from simulator.openapi import DEFAULT_REALMS

ROOT = Path(__file__).resolve().parents[2]
CONTROL_TOKEN = "contract-tests-control-token"
#: quick = schemathesis.toml as written; thorough: more examples per operation, coverage phase on
QUICK = {"max_examples": None, "stateful_examples": 25, "stateful_steps": 10}
THOROUGH = {"max_examples": 30, "stateful_examples": 150, "stateful_steps": 10}


# --- counting every request ------------------------------------------------------------------------------
class Stats:
    """What the fuzzers did, counted at the WSGI boundary."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter[int] = Counter()
        self.routes: Counter[str] = Counter()
        self.route_statuses: Counter[str] = Counter()
        self.failures: Counter[str] = Counter()
        self.server_errors: list[str] = []
        self.lifecycle: Counter[str] = Counter()  # successful invoice lifecycle steps in stateful runs

    def record(self, app: Any, method: str, path: str, status: int) -> None:
        route = f"{method} {_route(app, method, path)}"
        with self.lock:
            self.statuses[status] += 1
            self.routes[route] += 1
            self.route_statuses[f"{route} -> {status}"] += 1
            if status >= 500:
                self.server_errors.append(f"{status} {method} {path}")

    def failed(self, where: str, error: BaseException) -> None:
        with self.lock:
            self.failures[f"{where}: {type(error).__name__}"] += 1

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def dump(self) -> dict[str, Any]:
        """Everything counted, as plain JSON-able data: what an xdist worker hands its controller."""
        with self.lock:
            return {"statuses": {str(k): v for k, v in self.statuses.items()}, "routes": dict(self.routes),
                    "route_statuses": dict(self.route_statuses), "failures": dict(self.failures),
                    "server_errors": list(self.server_errors), "lifecycle": dict(self.lifecycle)}

    def merge(self, dumped: dict[str, Any]) -> None:
        """Add a worker's :meth:`dump` to these counts."""
        with self.lock:
            self.statuses.update({int(k): v for k, v in dumped["statuses"].items()})
            self.routes.update(dumped["routes"])
            self.route_statuses.update(dumped["route_statuses"])
            self.failures.update(dumped["failures"])
            self.server_errors.extend(dumped["server_errors"])
            self.lifecycle.update(dumped["lifecycle"])

    def summary(self) -> dict[str, Any]:
        areas: Counter[str] = Counter()
        for route, count in self.routes.items():
            path = route.split(" ", 1)[1]
            areas[
                "accounting"
                if path.startswith("/v3/")
                else "control"
                if path.startswith("/_sim")
                else "other"
                if path in ("(no route)", "/openapi.json")
                else "oauth"
            ] += count
        return {
            "requests": self.requests,
            "by_area": dict(sorted(areas.items())),
            "lifecycle_steps_succeeded": dict(self.lifecycle),
            "statuses": dict(sorted(self.statuses.items())),
            "server_errors": len(self.server_errors),
            "conformance_failures": sum(self.failures.values()),
            "failures": dict(self.failures),
            "routes_hit": len(self.routes),
        }


def print_summary(terminalreporter: Any, stats: Stats, *, thorough: bool) -> None:
    """The run's contract-fuzzing section (and ``QBO_CONTRACT_REPORT=path.json``, the same as JSON)."""
    summary = stats.summary()
    write = terminalreporter.write_line
    terminalreporter.section(f"contract fuzzing ({'thorough' if thorough else 'quick'} profile)")
    write(
        f"requests made: {summary['requests']} ({summary['routes_hit']} method + URL rule pairs): "
        + ", ".join(f"{k} {v}" for k, v in summary["by_area"].items())
    )
    write("per status: " + ", ".join(f"{k}: {v}" for k, v in summary["statuses"].items()))
    write(f"5xx responses: {summary['server_errors']}")
    if summary["lifecycle_steps_succeeded"]:
        write(f"invoice lifecycle steps that succeeded: {summary['lifecycle_steps_succeeded']}")
    write(f"conformance failures: {summary['conformance_failures']} {summary['failures'] or ''}")
    for line in stats.server_errors[:10]:
        write(f"  5xx: {line}")
    target = os.environ.get("QBO_CONTRACT_REPORT")
    if target:
        report = {**summary, "routes": dict(stats.routes), "route_statuses": dict(sorted(stats.route_statuses.items()))}
        Path(target).write_text(json.dumps(report, indent=2))


def _route(app: Any, method: str, path: str) -> str:
    """The URL rule a request matched (``/v3/company/<realm_id>/<segment>``), or ``(no route)``."""
    try:
        rule, _ = app.url_map.bind("localhost").match(path, method=method, return_rule=True)
        return str(rule.rule)
    except Exception:  # 404/405: no rule
        return "(no route)"


STATS = Stats()


# --- the simulator under test ----------------------------------------------------------------------------
class ContractSimulator:
    """One app with fresh state on demand and bearer tokens that survive the reset.

    ``fresh()`` puts everything back as a new app has it (``Backends.reset()``: companies, clock, OAuth,
    fault plan, journal) and re-issues the same access-token strings for the default realms, so cases
    schemathesis built before the reset (coverage examples carry their auth from build time) stay valid.
    """

    def __init__(self) -> None:
        # in-process WSGI requests carry no REMOTE_ADDR, so they are not "loopback": use the control token
        self.app = create_app({"CONTROL_TOKEN": CONTROL_TOKEN})
        self.backends = self.app.extensions[EXTENSION]
        self.tokens: dict[str, str] = {}
        inner = self.app.wsgi_app

        def counting(environ: dict[str, Any], start_response: Any) -> Any:
            def recording_start(status: str, headers: Any, exc_info: Any = None) -> Any:
                STATS.record(
                    self.app,
                    environ.get("REQUEST_METHOD", "?"),
                    environ.get("PATH_INFO", "?"),
                    int(status[:3]),
                )
                return (
                    start_response(status, headers, exc_info) if exc_info else start_response(status, headers)
                )

            return inner(environ, recording_start)

        self.app.wsgi_app = counting  # type: ignore[method-assign]
        self._mint()

    def _mint(self) -> None:
        for realm in DEFAULT_REALMS:
            fixed = self.tokens.get(realm)
            if fixed is None:
                self.tokens[realm] = self.backends.oauth.connect(realm)["access_token"]
                continue
            with mock.patch.object(simulator.oauth, "new_access_token", lambda fixed=fixed: fixed):
                self.backends.oauth.connect(realm)

    def fresh(self) -> None:
        self.backends.reset(as_built=True)  # a case never asks what changed since: no need to build anew
        self._mint()

    def token_for(self, realm_id: Any) -> str:
        return self.tokens.get(str(realm_id), self.tokens[DEFAULT_REALMS[0]])


def load_schema(sim: ContractSimulator, profile: dict[str, Any]) -> Any:
    """The document as the app serves it, with the bearer-token auth hook and the profile applied."""
    config = schemathesis.config.SchemathesisConfig.from_path(str(ROOT / "schemathesis.toml"))
    schema = schemathesis.openapi.from_wsgi("/openapi.json", sim.app, config=config)
    if profile["max_examples"]:
        schema.config.generation.update(max_examples=profile["max_examples"])
        schema.config.phases.coverage.enabled = True

    # Credentials through schemathesis' auth hook: the fixture-minted bearer token of the realm in the path
    # (accounting, userinfo), the app's client id/secret as Basic auth (token, revoke), the control token
    # (/_sim). No caching and no reactive refresh: a 401 is an answer under test, not a reason to retry.
    @schema.auth(refresh_interval=None, retry_on=[])
    class FixtureCredentials:
        def get(self, case: Any, context: Any) -> dict[str, str]:
            return sim.tokens

        def set(self, case: Any, tokens: dict[str, str], context: Any) -> None:
            path = case.operation.path
            headers = dict(case.headers or {})
            if path.startswith("/v3/") or path.endswith("/userinfo"):
                realm = (case.path_parameters or {}).get("realmId")
                headers["Authorization"] = f"Bearer {sim.token_for(realm)}"
            elif path in ("/oauth2/v1/tokens/bearer", "/v2/oauth2/tokens/revoke"):
                client = sim.backends.client
                pair = f"{client['client_id']}:{client['client_secret']}".encode()
                headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
            elif path.startswith("/_sim"):
                headers["X-Control-Token"] = CONTROL_TOKEN
            case.headers = headers

    return schema


# --- XML answers: well-formed IntuitResponse ---------------------------------------------------------------
@schemathesis.deserializer("application/xml")
def _intuit_xml(ctx: Any, response: Any) -> str:
    """QBO's XML form: must parse (safely) and be an ``IntuitResponse`` (a ``Report`` for reports); then
    validated as a string."""
    text = response.content.decode(response.encoding or "utf-8")
    try:
        root = fromstring(text)
    except ParseError as exc:
        raise ValueError(f"malformed XML: {exc}") from None
    expected = "Report" if "/reports/" in str(getattr(response.request, "url", "")) else "IntuitResponse"
    if root.tag.rsplit("}", 1)[-1] != expected:
        raise ValueError(f"XML root is <{root.tag}>, not <{expected}>")
    return text


# --- query bodies: python-quickbooks and the Java SDK post the SELECT as `application/text` --------------
@schemathesis.serializer("application/text")
def _query_text(ctx: Any, value: Any) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else str(value).encode("utf-8")
