"""``GET /openapi.json``: the simulator's own OpenAPI 3.1 document (built in :mod:`simulator.openapi`)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from simulator import wire
from simulator.openapi import document

__all__ = ["openapi_blueprint"]


def openapi_blueprint() -> Blueprint:
    bp = Blueprint("openapi", __name__)

    @bp.get("/openapi.json")
    def openapi() -> Response:
        return wire.json_response(document(request.host_url.rstrip("/")), content_type="application/json")

    return bp
