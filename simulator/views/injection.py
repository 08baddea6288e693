"""Carrying out fault-plan actions on a live request: fault, latency, dropped connection, timeout.

A dropped connection is a response that promises more bytes than it sends: the WSGI server
closes the socket after the short body, and the client sees the connection break mid-response
(``requests`` raises ``ConnectionError``/``ChunkedEncodingError``) — the same thing a client sees
when QuickBooks' load balancer drops it. A timeout holds the request first.
"""

from __future__ import annotations

from flask import Response, current_app, g

from simulator.faultplan import FaultPlan, Match, RequestFacts
from simulator.faults import CATALOGUE

__all__ = ["before", "after", "dropped", "hold"]


def hold(seconds: float) -> None:
    """Wait like a slow QuickBooks would (:meth:`simulator.backends.Backends.hold`)."""
    current_app.extensions["qbo_simulator"].hold(seconds)


def before(plan: FaultPlan, facts: RequestFacts) -> Response | None:
    match = plan.match(facts, when="before")
    if match is None:
        return None
    _note(match)
    action = match.rule.action
    if action == "fault":
        raise CATALOGUE[match.rule.fault or ""](**match.rule.params)
    if action == "latency":
        hold(match.rule.latency_ms / 1000)
        return None
    return _broken(match)


def after(plan: FaultPlan, facts: RequestFacts, response: Response) -> Response:
    match = plan.match(facts, when="after")
    if match is None:
        return response
    _note(match)
    action = match.rule.action
    if action == "fault":
        from simulator import wire

        fault = CATALOGUE[match.rule.fault or ""](**match.rule.params)
        g.fault = fault
        return wire.render_fault(fault, as_json=g.get("as_json", True), moment=g.company.now())
    if action == "latency":
        hold(match.rule.latency_ms / 1000)
        return response
    return _broken(match)


def _broken(match: Match) -> Response:
    if match.rule.action == "timeout":
        hold(match.rule.seconds)
    return dropped()


def dropped() -> Response:
    g.dropped = True
    response = Response(b"", status=200, content_type="application/json;charset=UTF-8", direct_passthrough=True)
    response.headers["Content-Length"] = "1048576"
    return response


def _note(match: Match) -> None:
    g.fault_rule = f"{match.rule.id}: {match.reason}"
    current_app.logger.debug("fault plan %s matched (%s)", match.rule.id, match.reason)
