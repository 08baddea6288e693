"""``GET /v3/company/<realmId>/reports/<name>``: reports over HTTP.

Registered on the accounting blueprint, so the bearer check, the fault plan and the journal
apply as to every other call. A report answers unwrapped (no ``time`` beside it: the Header
carries ``Time``), JSON or, unless JSON is asked for, XML with a ``<Report>`` root.
"""

from __future__ import annotations

from flask import Blueprint, Response, g, request

from simulator import wire

__all__ = ["add_report_routes"]


def add_report_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/reports/<name>", "report", report_view, methods=["GET"])


def report_view(name: str) -> Response:
    from simulator import reports  # on first use: the report modules cost start-up time otherwise

    payload = reports.run(g.company, name, request.args, full_path=request.url)
    return wire.render(payload, as_json=g.as_json, root="Report")
