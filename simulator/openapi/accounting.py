"""The Accounting API paths under ``/v3/company/{realmId}``, with every fault envelope a route can
answer with [qbo-api §5], and the links that chain the invoice lifecycle [qbo-api §2]."""

from __future__ import annotations

from typing import Any

from simulator.openapi.common import (
    DEFAULT_REALMS,
    ENTITY_NAMES,
    JSON,
    SEGMENTS,
    XML,
    Schema,
    envelope_ref,
    html_response,
    json_response,
    operation,
    path_param,
    query_param,
    ref,
)
from simulator.openapi.schemas_requests import CREDIT_MEMO_XML

BASE = "/v3/company/{realmId}"

# --- parameters -----------------------------------------------------------------------------------------
REALM = path_param(
    "realmId",
    {"type": "string", "enum": DEFAULT_REALMS},
    description="the company (realm) id",
    example=DEFAULT_REALMS[0],
)
MINOR = query_param(
    "minorversion",
    {"type": "integer", "minimum": 1, "maximum": 75},
    description="ignored below 75 [qbo-api §1.1]",
)
FORMAT = query_param(
    "format",
    {"enum": ["json", "xml"]},
    description="json or xml; without it the Accept header decides, and XML is the default",
)
REQUEST_ID = query_param(
    "requestid",
    {"type": "string", "minLength": 1, "maxLength": 50, "pattern": "^[A-Za-z0-9-]+$"},
    description="idempotency key: a repeat gets the first response back [qbo-api §4]",
)
INCLUDE = query_param("include", {"enum": ["allowduplicatedocnum", "invoiceLink"]})
OPERATION = query_param(
    "operation",
    {"enum": ["update", "delete", "void"]},
    description="absent = create (or update when the body has an Id)",
)
ENTITY_ID = path_param("entityId", {"type": "string", "pattern": "^[0-9]{1,4}$"}, example="1")
COMMON = [REALM, MINOR, FORMAT]


def _content(schema: Schema, *, xml: bool = True) -> dict[str, Any]:
    content: dict[str, Any] = {JSON: {"schema": schema}}
    if xml:  # IntuitResponse XML; tests/contract checks it is well-formed with the right root
        content[XML] = {
            "schema": {"type": "string", "description": "<IntuitResponse> carrying the same content"}
        }
    return content


def accounting_responses(success: Schema, *, xml: bool = True) -> dict[str, Any]:
    """Everything an Accounting API route can answer [qbo-api §5]."""
    return {
        "200": {
            "description": "success envelope (faults inside batch items still answer 200)",
            "content": _content(success, xml=xml),
        },
        "400": {
            "description": "service fault, one Error per problem found: 2010 unknown property or unreadable body, "
                           "2050 length, 2170 enumeration, 2210 e-mail (RFC 822), 2500 reference, 6560 CustomerRef, "
                           "610 not found, 620 unlinkable transaction, 5010 stale, 6000/6140/6240 ...",
            "content": _content(ref("Fault")),
        },
        "401": json_response(
            "gateway 3200: missing, malformed, expired or revoked token", ref("GatewayFault")
        ),
        "403": json_response("gateway 3100: the token is for another realm (detail null) or lacks the accounting "
                             "scope (detail 'The access token does not have sufficient scope')", ref("GatewayFault")),
        "413": {"description": "request body over the size limit", "content": _content(ref("Fault"))},
        "429": json_response("gateway 3001 throttle (fault plan)", ref("GatewayFault")),
        "500": {
            "description": "10000 system fault or gateway 500 (fault plan only)",
            "content": {
                JSON: {"schema": {"anyOf": [ref("Fault"), ref("GatewayFault")]}},
                XML: {"schema": {"type": "string"}},
            },
        },
        "502": html_response("load-balancer page (fault plan)"),
        "503": html_response("load-balancer outage page (fault plan)"),
        "504": html_response("load-balancer timeout page (fault plan)"),
    }


def _json_body(schema: Schema, *, required: bool = True, xml: bool = False) -> dict[str, Any]:
    content: dict[str, Any] = {JSON: {"schema": schema}}
    if xml:
        content[XML] = {"schema": CREDIT_MEMO_XML}
    return {"required": required, "content": content}


def _read(op_id: str, summary: str, success: Schema, *params: Schema) -> dict[str, Any]:
    """A GET answering ``success``, with the common parameters first."""
    return operation(op_id, summary, accounting_responses(success), params=[*COMMON, *params])


def _write(op_id: str, summary: str, success: Schema, body: Schema) -> dict[str, Any]:
    """A POST of a JSON ``body`` answering ``success``; ``requestid`` makes a repeat idempotent."""
    return operation(
        op_id,
        summary,
        accounting_responses(success),
        params=[*COMMON, REQUEST_ID],
        body=_json_body(body),
    )


# --- links: the invoice lifecycle ------------------------------------------------------------------------
def _write_link(op: str, body: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "operationId": "writeInvoice",
        "description": description,
        "parameters": {"realmId": "$request.path.realmId", "query.operation": op},
        "requestBody": body,
        "x-schemathesis": {"merge_body": False},
    }


def invoice_links() -> dict[str, Any]:
    ident = {"Id": "$response.body#/Invoice/Id", "SyncToken": "$response.body#/Invoice/SyncToken"}
    return {
        "ReadInvoice": {
            "operationId": "readInvoice",
            "description": "read the invoice just written",
            "parameters": {"realmId": "$request.path.realmId", "entityId": "$response.body#/Invoice/Id"},
        },
        "SparseUpdateInvoice": _write_link(
            "update",
            {**ident, "sparse": True, "PrivateNote": "sparse update"},
            "sparse update with the SyncToken just returned",
        ),
        "VoidInvoice": _write_link("void", ident, "void with the SyncToken just returned"),
        "DeleteInvoice": _write_link("delete", ident, "delete with the SyncToken just returned"),
    }


# --- paths ---------------------------------------------------------------------------------------------
WRITE_BODIES = {
    "Invoice": "InvoiceWrite",
    "CreditMemo": "InvoiceWrite",
    "Payment": "PaymentWrite",
    "Customer": "CustomerWrite",
    "Vendor": "NamedWrite",
    "Employee": "NamedWrite",
    "Item": "ItemWrite",
    "Account": "AccountWrite",
    "TaxAgency": "NamedWrite",
    "Term": "NamedWrite",
    "CompanyInfo": "SingletonUpdate",
    **{name: "TransactionWrite" for name in (
        "SalesReceipt", "RefundReceipt", "Estimate", "Deposit", "Transfer", "CreditCardPaymentTxn", "JournalEntry",
        "Bill", "BillPayment", "Purchase", "PurchaseOrder", "VendorCredit", "TimeActivity", "RecurringTransaction",
        "ExchangeRate")},
    **{name: "NamedWrite" for name in ("PaymentMethod", "Class", "Department", "CompanyCurrency")},
}
READ_ONLY = ("TaxCode", "TaxRate", "Budget")
VOIDABLE = ("Invoice", "Payment", "SalesReceipt", "BillPayment")


def _entity_paths(name: str) -> dict[str, Any]:
    """Write (where the entity can be written) and read-one for an entity."""
    segment = SEGMENTS.get(name, name.lower())
    paths: dict[str, Any] = {}
    if name in WRITE_BODIES:
        ops = "create, update (full or sparse), delete" + (", void" if name in VOIDABLE else "")
        if name == "CompanyInfo":
            ops = "sparse update"
        responses = accounting_responses(envelope_ref(name))
        if name == "Invoice":
            responses["200"]["links"] = invoice_links()
        paths[f"{BASE}/{segment}"] = {
            "post": operation(
                f"write{name}",
                f"{name}: {ops}",
                responses,
                params=[*COMMON, OPERATION, REQUEST_ID, INCLUDE],
                body=_json_body(ref(WRITE_BODIES[name]), xml=name == "CreditMemo"),
            )
        }
    read = accounting_responses(envelope_ref(name))
    if name == "Invoice":
        read["200"]["links"] = {k: v for k, v in invoice_links().items() if k != "ReadInvoice"}
    paths[f"{BASE}/{segment}/{{entityId}}"] = {
        "get": operation(
            f"read{name}",
            f"read one {name}" + (" (any id answers the company's record)" if name == "CompanyInfo" else ""),
            read,
            params=[*COMMON, ENTITY_ID],
        )
    }
    return paths


def _document_paths(name: str) -> dict[str, Any]:
    """PDF and send for a sales form."""
    segment = name.lower()
    pdf = accounting_responses({}, xml=False)
    pdf["200"] = {
        "description": "the document as a PDF",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
    return {
        f"{BASE}/{segment}/{{entityId}}/pdf": {
            "get": operation(f"pdf{name}", f"{name} as PDF", pdf, params=[*COMMON, ENTITY_ID])
        },
        f"{BASE}/{segment}/{{entityId}}/send": {
            "post": operation(
                f"send{name}",
                f"e-mail the {name} (EmailStatus EmailSent)",
                accounting_responses(envelope_ref(name)),
                params=[
                    *COMMON,
                    ENTITY_ID,
                    REQUEST_ID,
                    query_param("sendTo", {"type": "string", "format": "email"}),
                ],
                body={
                    "required": False,
                    "content": {"application/octet-stream": {"schema": {"type": "string", "maxLength": 0}}},
                },
            )
        },
    }


CDC_ENTITIES = "(Invoice|Customer|Item|Payment|CreditMemo|Account|Bill|SalesReceipt|Vendor|Deposit)"


def accounting_paths() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for name in ENTITY_NAMES:
        if name != "Preferences":
            paths.update(_entity_paths(name))
    for name in ("Invoice", "CreditMemo"):
        paths.update(_document_paths(name))
    # python-quickbooks and the Java SDK send the SELECT as `application/text`, others as `text/plain`; QBO
    # takes both. Only `text/plain` carries examples: schemathesis (and most tools) have no serializer for
    # `application/text`, so a stock `st run <base>/openapi.json` sends the examples as text/plain and never
    # picks the media type it cannot encode (tests/contract/test_st_cli.py).
    query_text = {"schema": ref("QueryText")}
    query_text_as_sdks_send_it = {"schema": {"type": "string", "minLength": 1, "maxLength": 300,
                                             "description": "the query text, as python-quickbooks sends it"}}
    paths[f"{BASE}/query"] = {
        "get": _read(
            "queryGet",
            "run a query (SELECT ... FROM Entity ...)",
            ref("QueryResponseEnvelope"),
            query_param("query", ref("QueryText"), required=True),
        ),
        "post": operation(
            "queryPost",
            "run a query sent as the body (python-quickbooks, Java SDK)",
            accounting_responses(ref("QueryResponseEnvelope")),
            params=COMMON,
            body={"required": True, "content": {"application/text": query_text_as_sdks_send_it,
                                                "text/plain": query_text}},
        ),
    }
    paths[f"{BASE}/batch"] = {
        "post": _write(
            "batch",
            "up to 30 independent items; per-bId results and Faults",
            ref("BatchResponse"),
            ref("BatchRequest"),
        )
    }
    cdc_entities = {
        "type": "string",
        "examples": ["Invoice,Customer"],
        "pattern": f"^{CDC_ENTITIES}(,{CDC_ENTITIES}){{0,3}}$",
    }
    paths[f"{BASE}/cdc"] = {
        "get": _read(
            "cdc",
            "change data capture",
            ref("CDCResponse"),
            query_param("entities", cdc_entities, required=True),
            query_param("changedSince", {"type": "string", "format": "date-time"}, required=True),
        )
    }
    paths[f"{BASE}/taxservice/taxcode"] = {
        "post": _write(
            "taxService",
            "create a tax code with its rates (answer not wrapped, no time)",
            ref("TaxServiceResponse"),
            ref("TaxServiceRequest"),
        )
    }
    paths[f"{BASE}/preferences"] = {
        "get": _read("readPreferences", "company preferences", envelope_ref("Preferences")),
        "post": _write(
            "updatePreferences",
            "update preferences (Id 1 + SyncToken)",
            envelope_ref("Preferences"),
            ref("SingletonUpdate"),
        ),
    }
    return paths
