"""The only place that turns payloads and faults into HTTP responses.

Views and rules build plain payload dicts (or raise a catalogued :class:`QBOFault`); this module
picks JSON or XML the way QBO does, adds ``time`` and the headers QBO sends, and writes each
fault envelope: service (``Fault``), gateway (lower-case ``fault``), OAuth (``error``) and the
load balancer's HTML outage page.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import Request, Response

from simulator.clock import format_time
from simulator.encoding import EncodedRecords, dumps
from simulator.faults import QBOFault
from simulator.web import SimResponse, trusted_headers

__all__ = ["JSON", "XML", "wants_json", "render", "json_answer", "render_fault", "fault_payload", "json_response"]

JSON = "application/json;charset=UTF-8"
XML = "application/xml;charset=UTF-8"
NO_CACHE = {
    "Cache-Control": "max-age=0, no-cache, no-store, must-revalidate, private",
    "Expires": "0",
    "Strict-Transport-Security": "max-age=15552000",
}


#: the headers of a JSON data-service answer, in the order they are sent
JSON_HEADERS = [("Content-Type", JSON), *NO_CACHE.items()]
for _name, _value in JSON_HEADERS:  # trusted_headers() skips werkzeug's per-response check: do it once here
    if "\n" in _value or "\r" in _value:
        raise ValueError(f"header {_name} has a line break")


def wants_json(request: Request) -> bool:
    """QBO answers XML unless the request asks for JSON (``Accept`` or ``format=json``) [qbo-api §1.2]."""
    fmt = request.args.get("format")
    if fmt:
        fmt = fmt.lower()
        if fmt == "json":
            return True
        if fmt == "xml":
            return False
    return "json" in request.environ.get("HTTP_ACCEPT", "").lower()


def json_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None,
                  content_type: str = JSON) -> Response:
    response = SimResponse(dumps(payload), status=status, content_type=content_type)
    response.headers.update(NO_CACHE)
    if headers:
        response.headers.update(headers)
    return response


def json_answer(body: bytes, status: int = 200) -> Response:
    """``SimResponse(body, status=status, headers=trusted_headers(JSON_HEADERS))``: the same headers in the same
    order, ``Content-Length`` last where ``set_data`` puts it, without werkzeug's search-and-replace of it (a
    third of building the answer; issue 16, tests/simulator/test_create_fast_paths.py)."""
    if not SimResponse.automatically_set_content_length:
        return SimResponse(body, status=status, headers=trusted_headers(JSON_HEADERS))
    response = SimResponse(None, status=status,
                           headers=trusted_headers([*JSON_HEADERS, ("Content-Length", str(len(body)))]))
    response.response = [body]
    return response


def render(payload: dict[str, Any], *, as_json: bool, status: int = 200, moment: datetime | None = None,
           root: str = "IntuitResponse", encoded: EncodedRecords | None = None, stored: bool = False,
           time_text: str | None = None) -> Response:
    """A data-service response: ``time`` added (from ``time_text``, else ``moment``), JSON or XML (``root``:
    ``Report`` for reports).

    ``encoded``: the app's cache of record JSON; with ``stored`` (the payload is one record as the
    company stores it) the record's JSON is encoded once and reused by later answers.
    """
    if time_text is None and moment is not None:
        time_text = format_time(moment)
    if as_json and encoded is not None:
        return json_answer(encoded.payload(payload, time_text, stored=stored), status)
    if time_text is not None:
        payload = {**payload, "time": time_text}
    if as_json:
        return json_response(payload, status)
    from simulator.xmlcodec import to_xml

    response = Response(to_xml(payload, root), status=status, content_type=XML)
    response.headers.update(NO_CACHE)
    return response


def fault_payload(fault: QBOFault, moment: datetime) -> dict[str, Any]:
    """The JSON body a fault is sent as (service and gateway envelopes)."""
    if fault.envelope == "gateway":
        error = {"message": fault.message, "detail": fault.detail or None, "code": fault.code, "element": None}
        return {"warnings": None, "intuitObject": None, "fault": {"error": [error], "type": fault.type},
                "report": None, "queryResponse": None, "batchItemResponse": [], "attachableResponse": [],
                "syncErrorResponse": None, "requestId": None, "time": int(moment.timestamp() * 1000),
                "status": None, "cdcresponse": []}
    if fault.envelope == "oauth":
        payload: dict[str, Any] = {"error": fault.code}
        if fault.detail:
            payload["error_description"] = fault.detail
        return payload
    return {"Fault": fault.fragment(), "time": format_time(moment)}


def render_fault(fault: QBOFault, *, as_json: bool, moment: datetime) -> Response:
    headers = dict(fault.headers)
    if fault.envelope == "outage":
        return _outage(fault, headers)
    if fault.envelope == "oauth":
        headers.update({"Cache-Control": "no-cache, no-store", "Pragma": "no-cache"})
        response = Response(json.dumps(fault_payload(fault, moment), separators=(",", ":")),
                            status=fault.status, content_type="application/json")
        response.headers.update(headers)
        return response
    if fault.envelope == "gateway" or as_json:
        return json_response(fault_payload(fault, moment), fault.status, headers)
    response = render(fault_payload(fault, moment), as_json=False, status=fault.status)
    response.headers.update(headers)
    return response


def _outage(fault: QBOFault, headers: dict[str, str]) -> Response:
    title = fault.message
    page = (f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
            "</body>\r\n</html>\r\n")
    response = Response(page, status=fault.status, content_type="text/html")
    response.headers.update(headers)
    return response
