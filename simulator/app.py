"""``create_app``: the Flask application factory.

Each call builds an independent simulator (its own :class:`Backends` in
``app.extensions["qbo_simulator"]``), so tests can hold several and none shares state. This
module also owns the cross-cutting HTTP concerns: ``intuit_tid`` on every response, the journal,
and turning any fault (or an unexpected error) into QBO's wire format, never a traceback.
"""

from __future__ import annotations

import random
import time
from typing import Any

from flask import Flask, Request, Response, current_app, g, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.sansio.utils import get_content_length

from simulator import wire
from simulator.backends import Backends
from simulator.faults import QBOFault, RequestTooLarge, SystemFailure, UnsupportedOperation
from simulator.journal import captured, redact_query, redact_text
from simulator.web import SimFlask, add_trusted

__all__ = ["create_app", "DEFAULT_CONFIG", "EXTENSION"]

EXTENSION = "qbo_simulator"
DEFAULT_CONFIG: dict[str, Any] = {
    "REQUIRE_AUTH": True,
    "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
    "JOURNAL_SIZE": 10_000,
    "OAUTH_AUTO_APPROVE": True,
    "CONTROL_TOKEN": None,  # required on /_sim from non-loopback clients; without it they are refused
    "SCENARIOS": (),
}
UNJOURNALED = ("/_sim", "/openapi.json", "/static", "/favicon.ico")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """A new simulator. ``config`` overrides :data:`DEFAULT_CONFIG` (and Flask's own keys)."""
    app = SimFlask(__name__)
    app.config.from_mapping(DEFAULT_CONFIG)
    if config:
        app.config.update(config)
    if app.config.get("SCENARIOS"):
        app.config.setdefault("COMPANIES", ())
    backends = Backends(app.config)
    app.extensions[EXTENSION] = backends

    from simulator.views.accounting import accounting_blueprint
    from simulator.views.attachments import files_blueprint
    from simulator.views.control import control_blueprint
    from simulator.views.inspector import inspector_blueprint
    from simulator.views.oauth import oauth_blueprint
    from simulator.views.openapi import openapi_blueprint

    app.register_blueprint(accounting_blueprint())
    app.register_blueprint(oauth_blueprint())
    app.register_blueprint(control_blueprint())
    app.register_blueprint(openapi_blueprint())
    app.register_blueprint(inspector_blueprint())
    app.register_blueprint(files_blueprint())
    _install_hooks(app)
    _install_error_handlers(app)
    return app


def new_tid() -> str:
    """An ``intuit_tid`` in the shape Intuit has used since ~2020: ``1-<8 hex>-<24 hex>``.

    A trace id, not a secret: ``random`` (no system call per request) rather than ``secrets``.
    """
    return f"1-{int(time.time()):08x}-{random.getrandbits(96):024x}"


def _install_hooks(app: Flask) -> None:
    backends: Backends = app.extensions[EXTENSION]
    config = app.config

    @app.before_request
    def _start() -> None:
        # g's __dict__ directly: g.x = ... is a Python-level __setattr__ call (issue 16)
        g._get_current_object().__dict__["started"] = time.perf_counter()  # type: ignore[attr-defined]

    @app.after_request
    def _finish(response: Response) -> Response:
        # g and request through their proxies once each (a proxy lookup costs ~2 µs; issue 16)
        facts: dict[str, Any] = g._get_current_object().__dict__  # type: ignore[attr-defined]
        tid = new_tid()  # made here: nothing before the answer needs it
        add_trusted(response.headers, "intuit_tid", tid)  # nothing else sets it: add, no search for an old one
        req: Request = request._get_current_object()  # type: ignore[attr-defined]
        if not req.path.startswith(UNJOURNALED):
            _journal(backends, config, req, facts, response, tid)
        return response


def _journal(backends: Backends, config: Any, req: Request, facts: dict[str, Any], response: Response,
             tid: str) -> None:
    """Record the request: raw facts only (one tuple); the journal builds, decodes, redacts and formats on read."""
    fault: QBOFault | None = facts.get("fault")
    dropped = facts.get("dropped", False)
    response_type = response.headers.get("Content-Type", "")
    if dropped or response.direct_passthrough or response_type.startswith("application/pdf"):
        body: bytes | str = b""
    else:
        chunks = response.response
        # one bytes chunk (every Response built from bytes): get_data() would join it into the same bytes
        body = chunks[0] if type(chunks) is list and len(chunks) == 1 and type(chunks[0]) is bytes \
            else response.get_data()
    environ = req.environ
    request_type = environ.get("CONTENT_TYPE", "")
    request_body: bytes | str = _request_bytes(req, config.get("MAX_CONTENT_LENGTH"))
    query = environ.get("QUERY_STRING", "")
    # a requestid argument is spelt "requestid" in the query, or percent-encoded: else there is none to look up
    # (a non-ASCII query goes through request.args as before: werkzeug refuses one that is not UTF-8)
    requestid = req.args.get("requestid") if "requestid" in query or "%" in query or not query.isascii() else None
    path = req.path
    if not path.startswith("/v3/"):  # OAuth answers and forms carry secrets: never keep them raw
        request_body = redact_text(request_body.decode("utf-8", "replace") if isinstance(request_body, bytes)
                                   else request_body, request_type)
        body = redact_text(body.decode("utf-8", "replace") if isinstance(body, bytes) else body, response_type)
    now = time.perf_counter()
    backends.journal.add((
        backends.clock.epoch(), req.method, path, redact_query(query),
        0 if dropped else response.status_code, round((now - facts.get("started", now)) * 1000, 2),
        facts.get("realm_id"), facts.get("entity"), facts.get("operation"), tid, requestid,
        fault.code if fault else None, fault.message if fault else None, fault.detail if fault else None,
        facts.get("fault_rule"), facts.get("replayed", False),
        captured(request_body, request_type), request_type, captured(body, response_type), response_type,
        {"dropped": True} if dropped else None,
    ))


def _request_bytes(request: Request, limit: int | None) -> bytes | str:
    """The request body for the journal; an oversized or unreadable one is described, not read."""
    environ = request.environ
    if "CONTENT_LENGTH" not in environ and "HTTP_TRANSFER_ENCODING" not in environ:
        return b""  # most GETs: neither header, no body (as below, without the work)
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    given = environ.get("CONTENT_LENGTH")  # most GETs parse nothing
    # request.content_length, worked out from the environ as it does (without building request.headers)
    length = get_content_length(http_content_length=given,
                                http_transfer_encoding=environ.get("HTTP_TRANSFER_ENCODING")) if given else None
    if not length and not chunked:
        return b""  # no (or a zero) Content-Length and not chunked: no body (RFC 9112 §6.3)
    if limit and (length or 0) > limit:
        return f"[{length} bytes: over the {limit}-byte limit, not recorded]"
    try:
        return request.get_data(cache=True)
    except HTTPException as exc:
        return f"[body not readable: {exc.name}]"


def _moment() -> Any:
    company = g.get("company")
    if company is not None:
        return company.now()
    from zoneinfo import ZoneInfo

    return current_app.extensions[EXTENSION].clock.now(ZoneInfo("America/Los_Angeles"))


def _install_error_handlers(app: Flask) -> None:
    @app.errorhandler(QBOFault)
    def _fault(fault: QBOFault) -> Response:
        g.fault = fault
        return wire.render_fault(fault, as_json=g.get("as_json", wire.wants_json(request)), moment=_moment())

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(error: RequestEntityTooLarge) -> Response:
        # the limit this request had (uploads take more than other calls: request.max_content_length)
        return _fault(RequestTooLarge(limit=request.max_content_length or current_app.config["MAX_CONTENT_LENGTH"]))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        if request.path.startswith("/v3/"):
            return _fault(UnsupportedOperation(
                operation=f"Could not find resource for relative : {request.path} of full path: {request.url}"))
        methods = getattr(error, "valid_methods", None)  # a 405 must say what is allowed (RFC 9110 §15.5.6)
        headers = {"Allow": ", ".join(methods)} if methods else None
        body = {"error": error.name, "detail": error.description}
        response = wire.json_response(body, error.code or 500, headers)
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        current_app.logger.exception("unexpected error serving %s %s", request.method, request.path)
        if request.path.startswith("/v3/"):
            return _fault(SystemFailure(reason=f"{type(error).__name__} in the simulator (see its log)"))
        return wire.json_response({"error": "Internal Server Error",
                                   "detail": f"{type(error).__name__} in the simulator (see its log)"}, 500)
