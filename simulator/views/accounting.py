"""``/v3/company/<realmId>/...``: the Accounting API over HTTP.

Thin by design (moto's ``responses.py``): work out what was asked, call :mod:`simulator.service`,
render with :mod:`simulator.wire`. Around every call: the bearer check (gateway faults), the fault
plan (before the work and after the commit), ``requestid`` replay and the journal's facts in ``g``.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, current_app, g, request

from simulator import jsonbody, service, wire
from simulator.backends import Backends
from simulator.company import Company
from simulator.faultplan import RequestFacts
from simulator.faults import InvalidProperty, QBOFault, UnexpectedInternal, UnsupportedOperation
from simulator.views import injection

__all__ = ["accounting_blueprint"]

_FROM = re.compile(r"\bfrom\s+([A-Za-z]+)", re.IGNORECASE)


def backends() -> Backends:
    return current_app._get_current_object().extensions["qbo_simulator"]  # type: ignore[attr-defined,no-any-return]


def state() -> Any:
    """This request's ``g`` (one proxy lookup; each ``g.x`` through the proxy costs ~2 µs; issue 16)."""
    return g._get_current_object()  # type: ignore[attr-defined]


def company() -> Company:
    return state().company  # type: ignore[no-any-return]


def accounting_blueprint() -> Blueprint:
    bp = Blueprint("accounting", __name__, url_prefix="/v3/company/<realm_id>")

    @bp.before_request
    def _gate() -> Response | None:
        # g, request and the app through their proxies once each: every proxy lookup costs (issue 16)
        # and g's facts straight into its __dict__ (g.x = ... is a Python-level __setattr__ call)
        current: Any = g._get_current_object()  # type: ignore[attr-defined]
        req: Any = request._get_current_object()  # type: ignore[attr-defined]
        app: Any = current_app._get_current_object()  # type: ignore[attr-defined]
        sim: Backends = app.extensions["qbo_simulator"]
        known = current.__dict__
        realm_id = (req.view_args or {}).pop("realm_id", None)
        known.update(api=True, backends=sim, realm_id=realm_id)
        known["entity"], known["operation"] = classify(req.path, req.method, req.args, current, req)
        if app.config.get("REQUIRE_AUTH", True):
            sim.oauth.check_bearer(req.environ.get("HTTP_AUTHORIZATION"), realm_id)
        found = sim.company(realm_id or "")
        if found is None:
            raise UnexpectedInternal()
        known["company"] = found
        known["as_json"] = wire.wants_json(req)
        if not sim.faultplan.has_rules():  # the usual case: no need to build the facts
            return None
        return injection.before(sim.faultplan, facts())

    @bp.after_request
    def _after_commit(response: Response) -> Response:
        plan = backends().faultplan
        if plan.has_rules() and 200 <= response.status_code < 300 and not g.get("replayed", False):
            return injection.after(plan, facts(), response)
        return response

    bp.add_url_rule("/query", "query", query_view, methods=["GET", "POST"])
    bp.add_url_rule("/batch", "batch", batch_view, methods=["POST"])
    bp.add_url_rule("/cdc", "cdc", cdc_view, methods=["GET"])
    bp.add_url_rule("/taxservice/taxcode", "taxservice", taxservice_view, methods=["POST"])
    bp.add_url_rule("/preferences", "preferences", preferences_view, methods=["GET", "POST"])
    from simulator.views.attachments import add_attachment_routes
    from simulator.views.reports import add_report_routes

    add_report_routes(bp)
    add_attachment_routes(bp)
    bp.add_url_rule("/<segment>", "write", write_view, methods=["POST"])
    bp.add_url_rule("/<segment>/<entity_id>", "read", read_view, methods=["GET"])
    bp.add_url_rule("/<segment>/<entity_id>/pdf", "pdf", pdf_view, methods=["GET"])
    bp.add_url_rule("/<segment>/<entity_id>/send", "send", send_view, methods=["POST"])
    return bp


# -- what is being asked ------------------------------------------------------------------------------
def classify(path: str, method: str, args: Any, current: Any = None, req: Any = None
             ) -> tuple[str | None, str | None]:
    """``(entity, operation)`` of an accounting request, for the fault plan and the journal (``current``, ``req``:
    this request's ``g`` and request, when the caller has them)."""
    parts = path.strip("/").split("/")[3:]  # after v3/company/<realm>
    if not parts:
        return None, None
    head = parts[0].lower()
    if head == "query":
        text = args.get("query") or (request.get_data(as_text=True) if method == "POST" else "")
        found = _FROM.search(text or "")
        return (_entity_name(found.group(1)) if found else None), "query"
    if head in ("batch", "cdc"):
        return None, head
    if head == "reports":  # the report name stands for the entity, as the fault plan matches it
        return (parts[1] if len(parts) > 1 else None), "report"
    if head in ("upload", "download"):  # the body of an upload is multipart: never parsed as JSON here
        return "Attachable", head
    if head == "taxservice":
        return "TaxCode", "create"
    if head == "preferences":
        return "Preferences", "read" if method == "GET" else "update"
    entity = _entity_name(head)
    if len(parts) >= 3:
        return entity, parts[2].lower()  # pdf / send
    if len(parts) == 2:
        return entity, "read"
    operation = (args.get("operation") or "").lower()
    if operation in ("update", "delete", "void"):
        return entity, operation
    body = _json_body_or_none(current, req)
    if isinstance(body, dict) and body.get("Id") not in (None, ""):
        return entity, "update"
    return entity, "create"


def _rules(segment: str) -> service.EntityType:
    """Rules for a URL segment; the full URL (costly to rebuild) is only worked out for the fault."""
    rules = service.ENTITY_TYPES.get(segment.lower())
    if rules is None:
        raise service.unsupported_route(segment, request.url)
    return rules


def _entity_name(segment: str) -> str:
    rules = service.ENTITY_TYPES.get(segment.lower())
    return rules.name if rules else segment


def facts() -> RequestFacts:
    return RequestFacts(method=request.method, path=request.path, realm_id=g.get("realm_id"),
                        entity=g.get("entity"), operation=g.get("operation"), body=_json_body_or_none())


_UNPARSED, _NOT_JSON = object(), object()


def _json_body(current: Any = None, req: Any = None) -> Any:
    """The body parsed as JSON, once per request (classify, the fault plan and the view all need it).

    ``current``/``req``: this request's ``g`` and request when the caller has them (each proxy lookup costs)."""
    if current is None:
        current = state()
    body = current.__dict__.get("parsed_body", _UNPARSED)
    if body is _UNPARSED:
        if req is None:
            req = request._get_current_object()  # type: ignore[attr-defined]
        try:
            body = jsonbody.loads(req.get_data(cache=True) or b"null")
        except ValueError:
            body = _NOT_JSON
        current.parsed_body = body
    return body


def _json_body_or_none(current: Any = None, req: Any = None) -> Any:
    body = _json_body(current, req)
    return None if body is _NOT_JSON else body


def parse_body(current: Any = None, req: Any = None) -> Any:
    """The request body as QBO reads it: JSON, or XML when the content type says so (``current``, ``req``: as
    for :func:`_json_body`)."""
    if req is None:
        req = request._get_current_object()  # type: ignore[attr-defined]
    raw = req.get_data(cache=True)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UnsupportedOperation(operation="Could not decode the request body as UTF-8") from None
    content_type = req.environ.get("CONTENT_TYPE", "").lower()
    if "xml" in content_type:
        from simulator.xmlcodec import XMLBodyError, from_xml

        try:
            _, fields = from_xml(raw)
        except XMLBodyError as exc:
            raise InvalidProperty(reason=f"failed to parse xml object ({exc.reason}); a property") from None
        return fields
    body = _json_body(current, req)
    if body is _NOT_JSON:
        raise InvalidProperty(reason="failed to parse json object; a property")
    return body


def respond(payload: dict[str, Any], status: int = 200, *, stored: bool = False, current: Any = None) -> Response:
    """``payload`` with ``time``, as the request asked (JSON or XML).

    ``stored``: the payload is ``{"Invoice": record}`` with the record exactly as the company stores it,
    so its JSON can be kept and reused (see :mod:`simulator.encoding`). ``current``: this request's ``g``.
    """
    if current is None:
        current = state()
    return wire.render(payload, as_json=current.as_json, status=status, time_text=current.company.time_text(),
                       encoded=current.backends.encoded, stored=stored)


def _is_stored(target: Company, name: str, payload: dict[str, Any]) -> bool:
    record = payload.get(name)
    return isinstance(record, dict) and target.store(name).get(record.get("Id")) is record


def idempotent(work: Any, args: Any = None, current: Any = None) -> Response:
    """Run a write once per ``requestid``: a repeat gets the first response back, byte for byte (``args``,
    ``current``: this request's query arguments and ``g`` when the caller has them)."""
    if args is None:
        args = request._get_current_object().args  # type: ignore[attr-defined]
    request_id = args.get("requestid")
    if not request_id:
        return work()
    if current is None:
        current = state()
    target = current.company
    with target.lock:
        cached = target.replay(request_id)
        if cached is not None:
            current.replayed = True
            status, body, content_type = cached
            return Response(body, status=status, content_type=content_type, headers=wire.NO_CACHE)
        try:
            response = work()
        except QBOFault as fault:
            current.fault = fault
            response = wire.render_fault(fault, as_json=current.as_json, moment=target.now())
        target.remember(request_id, (response.status_code, response.get_data(), response.content_type))
        return response


# -- views ------------------------------------------------------------------------------------------
def write_view(segment: str) -> Response:
    rules = _rules(segment)
    if rules.name == "Preferences":
        return preferences_view()
    req: Any = request._get_current_object()  # type: ignore[attr-defined]
    args = req.args
    current = state()
    target = current.company
    op = service.new_op(target, args.get("include"))
    operation = (args.get("operation") or "create").lower()
    if operation not in service.WRITE_OPERATIONS:
        raise UnsupportedOperation(operation=f"operation={operation}")

    def work() -> Response:
        payload = service.write(target, rules, operation, parse_body(current, req), op)
        return respond(payload, stored=_is_stored(target, rules.name, payload), current=current)

    return idempotent(work, args, current)


def read_view(segment: str, entity_id: str) -> Response:
    rules = _rules(segment)
    return respond(service.read(company(), rules, entity_id, request.args.get("include")), stored=True)


def query_view() -> Response:
    text = request.args.get("query")
    if text is None and request.method == "POST":
        raw = request.get_data(cache=True)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise UnsupportedOperation(operation="Could not decode the request body as UTF-8") from None
    return respond(service.query(company(), text or "", request.args.get("include")))


def batch_view() -> Response:
    op = service.new_op(company(), request.args.get("include"))
    return idempotent(lambda: respond(service.batch(company(), parse_body(), op)))


def cdc_view() -> Response:
    return respond(service.cdc(company(), request.args.get("entities"), request.args.get("changedSince")))


def taxservice_view() -> Response:
    op = service.new_op(company())

    def work() -> Response:  # TaxService answers unwrapped and without "time" [qbo-api §8]
        return wire.render(service.tax_service(company(), parse_body(), op), as_json=g.as_json)

    return idempotent(work)


def preferences_view() -> Response:
    rules = service.entity_type("preferences")
    if request.method == "GET":
        return respond(service.read(company(), rules, "1"))
    op = service.new_op(company())
    return idempotent(lambda: respond(service.write(company(), rules, "update", parse_body(), op)))


def send_view(segment: str, entity_id: str) -> Response:
    rules = _rules(segment)
    op = service.new_op(company())
    return idempotent(lambda: respond(service.send(company(), rules, entity_id, request.args.get("sendTo"), op)))


def pdf_view(segment: str, entity_id: str) -> Response:
    from simulator.pdf import render_invoice_pdf

    rules = _rules(segment)
    if rules.name not in ("Invoice", "CreditMemo"):
        raise service.unsupported_route(f"{segment}/{entity_id}/pdf", request.url)
    record = service.read(company(), rules, entity_id)[rules.name]
    body = render_invoice_pdf(record, company_name=company().name,
                              title="Credit Memo" if rules.name == "CreditMemo" else "Invoice")
    return Response(body, content_type="application/pdf", headers=wire.NO_CACHE)
