"""The HTTP driver protocol served over any Python driver: ``caspen-sync serve-driver`` serves the reference
integration this way, so CI can gate it exactly as it would gate Caspen's own service.

A thin layer: the routes of :mod:`drivers.openapi`, JSON decoded and encoded by :mod:`drivers.codec`,
each call handed to a driver instance (one per account, made by ``factory``). Nothing about Caspen is
decided here. Served by waitress (like the simulator), which sleeps in ``select()`` while idle.
"""

from __future__ import annotations

import inspect
import itertools
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, request

from drivers.codec import CodecError, decode, encode
from drivers.model import Company, DriverInfo, QuickBooksSite
from drivers.openapi import ERROR_STATUS, openapi_document
from drivers.protocol import LIFECYCLE, OPERATIONS, PROTOCOL_VERSION, DriverError
from simulator.server import ThreadedServer

__all__ = ["create_driver_app", "DriverServer"]

class _Runs:
    """Runs (one per gate worker: each has its own QuickBooks) and their accounts, each its own driver."""

    def __init__(self, factory: Callable[[], Any]) -> None:
        self.factory = factory
        self.lock = threading.Lock()
        self.sites: dict[str, QuickBooksSite] = {}
        self.accounts: dict[tuple[str, str], tuple[Any, threading.Lock]] = {}
        self.ids = itertools.count(1)

    def start(self, site: QuickBooksSite) -> str:
        with self.lock:
            run = f"r{next(self.ids)}"
            self.sites[run] = site
        return run

    def stop(self, run: str) -> None:
        with self.lock:
            self._site(run)
            del self.sites[run]
            closing = [key for key in self.accounts if key[0] == run]
            drivers = [self.accounts.pop(key)[0] for key in closing]
        for driver in drivers:
            driver.close_account()

    def open(self, run: str, company: Company) -> str:
        with self.lock:
            site = self._site(run)
            account = f"a{next(self.ids)}"
        driver = self.factory()
        driver.start(site)
        driver.open_account(company)
        with self.lock:
            self.accounts[(run, account)] = (driver, threading.Lock())
        return account

    def close(self, run: str, account: str) -> None:
        with self.lock:
            driver, _ = self._account(run, account)
            del self.accounts[(run, account)]
        driver.close_account()

    def _site(self, run: str) -> QuickBooksSite:
        if run not in self.sites:
            raise _NotFound(f"no run {run!r} (start one with POST /v1/runs)")
        return self.sites[run]

    def _account(self, run: str, account: str) -> tuple[Any, threading.Lock]:
        self._site(run)
        if (run, account) not in self.accounts:
            raise _NotFound(f"no account {account!r} in run {run!r}")
        return self.accounts[(run, account)]

    def call(self, run: str, account: str, operation: str, arguments: dict[str, Any]) -> Any:
        with self.lock:
            driver, lock = self._account(run, account)
        with lock:  # one account's operations happen one at a time, as one user's clicks do
            return getattr(driver, operation)(**arguments)


class _NotFound(LookupError):
    pass


def create_driver_app(factory: Callable[[], Any], *, name: str | None = None) -> Flask:
    """A WSGI app serving the HTTP driver protocol over drivers made by ``factory()`` (one per account)."""
    probe = factory()
    name = name or str(getattr(probe, "name", type(probe).__name__))
    capabilities = tuple(sorted(getattr(probe, "capabilities", ())))
    implemented = tuple(op for op in OPERATIONS if op not in LIFECYCLE and callable(getattr(probe, op, None)))
    runs = _Runs(factory)
    app = Flask("drivers.server")
    app.json.sort_keys = False  # type: ignore[attr-defined]

    @app.get("/v1/driver")
    def handshake() -> Any:
        return encode(DriverInfo(name=name, protocol_version=PROTOCOL_VERSION, capabilities=capabilities,
                                 operations=implemented))

    @app.get("/v1/openapi.json")
    def document() -> Any:
        return openapi_document()

    @app.post("/v1/runs")
    def start() -> Any:
        body = _body()
        site = _decode(QuickBooksSite, body.get("quickbooks"), "quickbooks")
        return {"run": runs.start(site)}, 201

    @app.delete("/v1/runs/<run>")
    def stop(run: str) -> Any:
        runs.stop(run)
        return Response(status=204)

    @app.post("/v1/runs/<run>/accounts")
    def open_account(run: str) -> Any:
        company = _decode(Company, _body().get("company"), "company")
        return {"account": runs.open(run, company)}, 201

    @app.delete("/v1/runs/<run>/accounts/<account>")
    def close_account(run: str, account: str) -> Any:
        runs.close(run, account)
        return Response(status=204)

    @app.post("/v1/runs/<run>/accounts/<account>/<operation>")
    def call(run: str, account: str, operation: str) -> Any:
        if operation not in OPERATIONS or operation in LIFECYCLE:
            raise DriverError(name, operation, f"{operation!r} is not an operation of protocol {PROTOCOL_VERSION}",
                              kind="unsupported")
        if operation not in implemented:
            raise DriverError(name, operation, f"{name} does not implement {operation}", kind="unsupported")
        with runs.lock:
            runs._account(run, account)
        spec = OPERATIONS[operation]
        body = _body()
        known = {param for param, _, _ in spec.parameters}
        unknown = sorted(set(body) - known)
        if unknown:
            raise DriverError(name, operation, f"unknown argument(s) {unknown}; {operation} takes "
                                               f"{sorted(known) or 'none'}", kind="protocol")
        arguments = {}
        for param, tp, default in spec.parameters:
            if param in body:
                arguments[param] = _decode(tp, body[param], param, operation)
            elif default is inspect.Parameter.empty:
                raise DriverError(name, operation, f"missing argument {param!r}", kind="protocol")
        return {"result": encode(runs.call(run, account, operation, arguments))}

    def _decode(tp: Any, data: Any, what: str, operation: str = "(request)") -> Any:
        try:
            return decode(tp, data, what)
        except CodecError as exc:
            raise DriverError(name, operation, str(exc), kind="protocol") from None

    @app.errorhandler(DriverError)
    def driver_error(error: DriverError) -> Any:
        return {"error": {"kind": error.kind, "message": error.message}}, ERROR_STATUS.get(error.kind, 500)

    @app.errorhandler(_NotFound)
    def not_found(error: _NotFound) -> Any:
        return {"error": {"kind": "protocol", "message": str(error)}}, 404

    @app.errorhandler(404)
    def no_route(error: Any) -> Any:
        message = f"no route {request.method} {request.path} in protocol {PROTOCOL_VERSION} (see GET /v1/openapi.json)"
        return {"error": {"kind": "unsupported", "message": message}}, 404

    @app.errorhandler(405)
    def bad_method(error: Any) -> Any:
        return {"error": {"kind": "protocol", "message": f"{request.method} is not allowed on {request.path}"}}, 405

    @app.errorhandler(Exception)
    def crashed(error: Exception) -> Any:
        traceback.print_exception(error, file=sys.stderr)
        return {"error": {"kind": "failed", "message": f"{type(error).__name__}: {error}"}}, 500

    return app


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True, force=True)
    if data is None and request.get_data():
        raise DriverError("server", request.path.rsplit("/", 1)[-1], "the request body is not JSON", kind="protocol")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DriverError("server", request.path.rsplit("/", 1)[-1], "the request body must be a JSON object",
                          kind="protocol")
    return data


class DriverServer(ThreadedServer):
    """``with DriverServer(app) as server: server.url`` — waitress in a thread (port 0 picks a free one)."""

    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int = 0, threads: int = 8) -> None:
        super().__init__(app, host=host, port=port, threads=threads, ident="caspen-driver")
