"""The accounting service without HTTP: one function per kind of call, payload dicts out.

Views parse a request and call these; batch calls them per item; the control API and tests can
call them in-process. Each returns the JSON payload QBO would send (without ``time``) or raises a
catalogued fault. Writes hold the company lock for the whole check-and-write, which is what makes
SyncToken checks and ``requestid`` replays exact under concurrency.
"""

from __future__ import annotations

from typing import Any

from simulator.clock import parse_datetime
from simulator.company import Company
from simulator.entities import BY_NAME, ENTITY_TYPES, EntityType, Op
from simulator.entities.base import op_for
from simulator.entities.sales import SalesForm
from simulator.entities.tax import create_tax_code
from simulator.faults import (
    BatchEmpty,
    BatchTooLarge,
    InvalidProperty,
    ObjectDeleted,
    ObjectNotFound,
    QBOFault,
    QueryValidationError,
    RequiredParamMissing,
    UnsupportedOperation,
)
from simulator.query import execute, parse

__all__ = ["entity_type", "write", "read", "query", "with_links", "batch", "cdc", "tax_service", "WRITE_OPERATIONS"]

WRITE_OPERATIONS = ("create", "update", "delete", "void")
BATCH_LIMIT = 30
CDC_LIMIT = 1000
CDC_UNSUPPORTED = frozenset({"JournalCode", "TaxAgency", "TimeActivity", "TaxCode", "TaxRate", "RecurringTransaction",
                             "ExchangeRate", "CompanyCurrency", "CreditCardPaymentTxn"})
#: US companies: the pseudo tax codes QBO lists ahead of every TaxCode page, outside MAXRESULTS [INF: the
#: "query returns 3 extra items" behaviour Intuit's forum and python-quickbooks' own suite record]
US_PSEUDO_TAX_CODES = ("TAX", "NON", "CustomSalesTax")


def entity_type(segment: str, *, full_path: str = "") -> EntityType:
    """Rules for a URL segment (``invoice``) or JSON name (``Invoice``); 500 Unsupported Operation otherwise."""
    rules = ENTITY_TYPES.get(segment.lower())
    if rules is None:
        raise unsupported_route(segment, full_path)
    return rules


def unsupported_route(segment: str, full_path: str) -> QBOFault:
    return UnsupportedOperation(
        operation=f"Could not find resource for relative : /v3/company/:realmid/{segment} of full path: {full_path}")


def write(company: Company, rules: EntityType, operation: str, body: Any, op: Op) -> dict[str, Any]:
    """create / update (full or sparse) / delete / void, as QBO decides from the operation and body."""
    if not isinstance(body, dict):
        raise InvalidProperty(reason="failed to parse json object; a property")
    if len(body) == 1 and rules.name in body and isinstance(body[rules.name], dict):
        raise InvalidProperty(reason="failed to parse json object; a property")  # wrapped body [CAP]
    if rules.read_only:
        raise UnsupportedOperation(operation=f"{operation} on {rules.name}")
    rules.check_properties(body)  # 2010 for an unknown property, as QBO's deserialiser answers
    if operation == "update" and "void" in op.include:
        operation = "void"  # ?operation=update&include=void: how python-quickbooks voids payments and receipts
    with company.lock:
        if operation == "create" and body.get("Id") not in (None, ""):
            operation = "update"  # python-quickbooks posts updates to plain POST /invoice
        if operation == "create":
            record = rules.create(company, body, op)
        elif operation == "update":
            sparse = body.get("sparse") in (True, "true")
            record = rules.update(company, body, op, sparse=sparse)
        elif operation == "delete":
            record = rules.delete(company, body, op)
        elif operation == "void":
            record = rules.void(company, body, op)
        else:
            raise UnsupportedOperation(operation=f"operation={operation}")
    if rules.presents and record.get("status") != "Deleted":
        record = rules.present(record)
    return {rules.name: record}


def read(company: Company, rules: EntityType, entity_id: str, include: str | None = None) -> dict[str, Any]:
    """One record; ``include=invoiceLink`` adds the invoice's customer-facing link (see :func:`with_links`)."""
    if rules.name in ("CompanyInfo", "Preferences"):
        entity_id = "1"
    record = company.store(rules.name).get(entity_id)
    if record is None:
        if company.was_deleted(rules.name, entity_id):
            raise ObjectDeleted()
        raise ObjectNotFound()
    if rules.presents:
        record = rules.present(record)
    if include and rules.name == "Invoice":
        record = with_links(company, record, include)
    return {rules.name: record}


def query(company: Company, text: str, include: str | None = None) -> dict[str, Any]:
    parsed = parse(text)
    response = execute(parsed, company.stores)
    rules = BY_NAME.get(parsed.entity) or ENTITY_TYPES.get(parsed.entity.lower())
    if rules is not None and rules.name in response:
        page = response[rules.name]
        if rules.presents:
            page = [rules.present(r) for r in page]
        if rules.name == "TaxCode" and company.is_us:
            page = _with_pseudo_codes(company, parsed, page)
        if include and rules.name == "Invoice":
            page = [with_links(company, r, include) for r in page]
        response[rules.name] = page
    return {"QueryResponse": response}


def with_links(company: Company, record: dict[str, Any], include: str) -> dict[str, Any]:
    """``InvoiceLink`` on a read or query with ``include=invoiceLink`` [DOC Invoice entity, qbo-api §2.5].

    QBO generates the link only for an invoice with online payment enabled and a customer e-mail
    address; otherwise the field stays absent [DOC field text]. The URL shape is the sandbox's
    ``comingSoonview?txnId=`` form [INF: production links are opaque portal URLs].
    """
    flags = {part.strip().lower() for part in include.split(",")}
    if "invoicelink" not in flags:
        return record
    online = record.get("AllowOnlineCreditCardPayment") or record.get("AllowOnlineACHPayment") \
        or record.get("AllowOnlinePayment")
    if not online or not (record.get("BillEmail") or {}).get("Address"):
        return record
    return {**record, "InvoiceLink": f"https://developer.intuit.com/comingSoonview?txnId={record['Id']}"}


def _with_pseudo_codes(company: Company, parsed: Any, page: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """US TaxCode pages: the pseudo codes first, then the rest; MAXRESULTS bounds only the rest [INF]."""
    if parsed.where or parsed.start_position != 1:
        return page
    store = company.store("TaxCode")
    pseudo = [store.get(code) for code in US_PSEUDO_TAX_CODES if store.get(code) is not None]
    rest = [r for r in page if r["Id"] not in US_PSEUDO_TAX_CODES]
    if len(rest) < parsed.max_results:  # the page was cut short by the pseudo codes at its end: refill it
        seen = {r["Id"] for r in rest}
        rest += [r for r in store if r["Id"] not in US_PSEUDO_TAX_CODES and r["Id"] not in seen
                 and r.get("Active", True)][:parsed.max_results - len(rest)]
    return pseudo + rest


def send(company: Company, rules: EntityType, entity_id: str, send_to: str | None, op: Op) -> dict[str, Any]:
    if not isinstance(rules, SalesForm):
        raise UnsupportedOperation(operation=f"send on {rules.name}")
    with company.lock:
        return {rules.name: rules.send(company, entity_id, send_to, op)}


def tax_service(company: Company, body: Any, op: Op) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise InvalidProperty(reason="failed to parse json object; a property")
    with company.lock:
        return create_tax_code(company, body, op)


def batch(company: Company, body: Any, op: Op) -> dict[str, Any]:
    """``BatchItemRequest``: each item independent, HTTP 200 with a per-``bId`` result or Fault."""
    if not isinstance(body, dict):
        raise InvalidProperty(reason="failed to parse json object; a property")
    items = body.get("BatchItemRequest")
    if not items:
        raise BatchEmpty()
    if not isinstance(items, list):
        raise InvalidProperty(reason="BatchItemRequest:failed to parse json object; a property")
    if len(items) > BATCH_LIMIT:
        raise BatchTooLarge(limit=BATCH_LIMIT)
    responses = []
    for item in items:
        if not isinstance(item, dict):
            raise InvalidProperty(reason="BatchItemRequest:failed to parse json object; a property")
        responses.append({"bId": str(item.get("bId", "")), **_batch_item(company, item, op)})
    return {"BatchItemResponse": responses}


def _batch_item(company: Company, item: dict[str, Any], op: Op) -> dict[str, Any]:
    try:
        if "Query" in item:
            return query(company, str(item["Query"]))
        entity_keys = [k for k in item if k in BY_NAME]
        if len(entity_keys) != 1:
            raise RequiredParamMissing(param="BatchItemRequest entity")
        rules = BY_NAME[entity_keys[0]]
        operation = str(item.get("operation") or "create").lower()
        if operation == "update" and str(item.get("optionsData", "")).lower() == "void":
            operation = "void"
        if operation not in WRITE_OPERATIONS:
            raise UnsupportedOperation(operation=f"operation={operation}")
        return write(company, rules, operation, item[entity_keys[0]], op)
    except QBOFault as fault:
        return {"Fault": fault.fragment()}


def cdc(company: Company, entities: str | None, changed_since: str | None) -> dict[str, Any]:
    """Change data capture: current payloads changed since a moment, deletions as tombstones."""
    if not entities:
        raise RequiredParamMissing(param="entities")
    if not changed_since:
        raise RequiredParamMissing(param="changedSince")
    try:
        since = parse_datetime(changed_since, company.tz)
    except ValueError:
        raise QueryValidationError(reason=f"Invalid changedSince value: {changed_since}") from None
    names = [n.strip() for n in entities.split(",") if n.strip()]
    responses = []
    remaining = CDC_LIMIT
    for name in names:
        rules = ENTITY_TYPES.get(name.lower())
        if rules is None or rules.name in CDC_UNSUPPORTED:
            raise QueryValidationError(reason=f"Entity {name} is not supported for CDC")
        epoch = since.timestamp()
        changed: list[dict[str, Any]] = company.store(rules.name).changed_since(epoch)
        if rules.presents:
            changed = [rules.present(r) for r in changed]
        changed += [{"domain": "QBO", "status": "Deleted", "Id": entity_id, "MetaData": {"LastUpdatedTime": stamp}}
                    for entity_id, stamp in company.deleted_since(rules.name, epoch)]
        changed = changed[:remaining]
        remaining -= len(changed)
        section: dict[str, Any] = {}
        if changed:
            section = {rules.name: changed, "startPosition": 1, "maxResults": len(changed), "totalCount": len(changed)}
        responses.append(section)
    return {"CDCResponse": [{"QueryResponse": responses}]}


_NO_FLAGS: frozenset[str] = frozenset()


def new_op(company: Company, include: str | None = None, minorversion: int = 75) -> Op:
    flags = frozenset(part.strip().lower() for part in include.split(",") if part.strip()) if include else _NO_FLAGS
    return op_for(company, include=flags, minorversion=minorversion)
