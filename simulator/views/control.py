"""``/_sim/...``: the control API tests, steps, CI scripts and the inspector use to steer the simulator.

Loopback-only unless the app is configured with a ``CONTROL_TOKEN`` (then any client presenting
it in ``X-Control-Token`` is let in). Input errors are 4xx JSON naming what is wrong:
``{"error": "...", "detail": "..."}``. The full reference is in docs/control-api.md.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any

from flask import Blueprint, Response, current_app, request

from simulator import jsonbody, user_actions, wire
from simulator.backends import Backends
from simulator.company import Company
from simulator.faultplan import RequestFacts, RuleError
from simulator.faults import CATALOGUE, QBOFault

__all__ = ["control_blueprint", "ControlError"]


class ControlError(Exception):
    def __init__(self, status: int, error: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.error, self.detail = status, error, detail


def sim() -> Backends:
    return current_app.extensions["qbo_simulator"]


def ok(payload: Any, status: int = 200) -> Response:
    return wire.json_response(payload, status, content_type="application/json")


def body() -> dict[str, Any]:
    if not request.get_data(cache=True):
        return {}
    try:
        data = jsonbody.loads(request.get_data(cache=True))
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise ControlError(400, "Bad Request", "the body must be a JSON object")
    return data


def field(data: dict[str, Any], name: str, kind: type | tuple[type, ...] = str, *, required: bool = True,
          default: Any = None) -> Any:
    if name not in data or data[name] is None:
        if required:
            raise ControlError(400, "Bad Request", f"missing field {name!r}")
        return default
    value = data[name]
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,))):
        expected = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise ControlError(400, "Bad Request", f"field {name!r} must be {expected}, not {type(value).__name__}")
    return value


def company(realm_id: str) -> Company:
    found = sim().company(realm_id)
    if found is None:
        raise ControlError(404, "Not Found", f"no company with realm id {realm_id!r}; "
                                             f"companies: {', '.join(sim().companies) or 'none'}")
    return found


def control_blueprint() -> Blueprint:
    bp = Blueprint("control", __name__, url_prefix="/_sim")

    @bp.before_request
    def _guard() -> Response | None:
        token = current_app.config.get("CONTROL_TOKEN")
        given = request.headers.get("X-Control-Token", "")
        if token and hmac.compare_digest(str(token), given):
            return None
        if is_loopback(request.remote_addr):
            return None
        return ok({"error": "Forbidden", "detail": "the control API answers loopback clients only; "
                                                   "configure CONTROL_TOKEN and send X-Control-Token"}, 403)

    @bp.errorhandler(ControlError)
    def _control_error(error: ControlError) -> Response:
        return ok({"error": error.error, "detail": error.detail}, error.status)

    @bp.errorhandler(user_actions.ActionError)
    def _action_error(error: user_actions.ActionError) -> Response:
        return ok({"error": "Not Found", "detail": str(error.args[0])}, 404)

    @bp.errorhandler(QBOFault)
    def _rejected(fault: QBOFault) -> Response:
        """A user action QuickBooks' own rules refuse (e.g. a line with an unknown item)."""
        return ok({"error": "Rejected by QuickBooks rules", "detail": f"{fault.code} {fault.message}: {fault.detail}",
                   "code": fault.code}, 400)

    @bp.errorhandler(RuleError)
    @bp.errorhandler(ValueError)
    def _value_error(error: ValueError) -> Response:
        return ok({"error": "Bad Request", "detail": str(error)}, 400)

    from simulator.views import control_routes

    control_routes.register(bp)
    return bp


def is_loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address((address or "").split("%")[0]).is_loopback
    except ValueError:
        return False


def facts_from(data: dict[str, Any]) -> RequestFacts:
    return RequestFacts(method=field(data, "method", required=False, default="POST"),
                        path=field(data, "path", required=False, default="/"),
                        realm_id=field(data, "realm_id", required=False),
                        entity=field(data, "entity", required=False),
                        operation=field(data, "operation", required=False),
                        body=field(data, "body", dict, required=False))


def catalogue() -> list[dict[str, Any]]:
    return [cls.describe() for cls in CATALOGUE.values()]
