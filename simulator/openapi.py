"""The simulator's own OpenAPI 3.1 document, served at ``/openapi.json``.

Built in Python so ``servers`` names the host the document was fetched from. It describes every
route the simulator serves — the Accounting API under ``/v3/company/{realmId}``, Intuit's OAuth 2.0 /
OpenID endpoints and the ``/_sim`` control API — with QBO's success envelopes and every fault envelope
a route can answer with (service ``Fault`` 400/413/500, gateway ``fault`` 401/403/429/500, OAuth
``error``, the HTML outage page 502/503/504). Schemas live in :mod:`simulator.openapi_schemas`.

``tests/contract`` fuzzes the simulator against this document with schemathesis (docs/openapi.md).
OpenAPI links chain an invoice create → read → sparse update (SyncToken from the last answer) → void →
delete, so stateful runs walk the lifecycle QBO documents [qbo-api §2].
"""

from __future__ import annotations

from typing import Any

from simulator.backends import DEFAULT_CLIENT
from simulator.openapi_schemas import CREDIT_MEMO_XML, ENTITY_NAMES, SCHEMAS, envelope_ref, ref

__all__ = ["document", "DEFAULT_REALMS"]

Schema = dict[str, Any]
#: the default companies (AU, US) every fresh simulator has; generated calls name one of them
DEFAULT_REALMS = ["9341452700000001", "9341452700000002"]
JSON = "application/json"
XML = "application/xml"
HTML = "text/html"

# --- parameters -----------------------------------------------------------------------------------------
REALM = {
    "name": "realmId",
    "in": "path",
    "required": True,
    "description": "the company (realm) id",
    "schema": {"type": "string", "enum": DEFAULT_REALMS},
    "example": DEFAULT_REALMS[0],
}
MINOR = {
    "name": "minorversion",
    "in": "query",
    "required": False,
    "description": "ignored below 75 [qbo-api §1.1]",
    "schema": {"type": "integer", "minimum": 1, "maximum": 75},
}
FORMAT = {
    "name": "format",
    "in": "query",
    "required": False,
    "description": "json or xml; without it the Accept header decides, and XML is the default",
    "schema": {"enum": ["json", "xml"]},
}
REQUEST_ID = {
    "name": "requestid",
    "in": "query",
    "required": False,
    "description": "idempotency key: a repeat gets the first response back [qbo-api §4]",
    "schema": {"type": "string", "minLength": 1, "maxLength": 50, "pattern": "^[A-Za-z0-9-]+$"},
}
INCLUDE = {
    "name": "include",
    "in": "query",
    "required": False,
    "schema": {"enum": ["allowduplicatedocnum", "invoiceLink"]},
}
OPERATION = {
    "name": "operation",
    "in": "query",
    "required": False,
    "description": "absent = create (or update when the body has an Id)",
    "schema": {"enum": ["update", "delete", "void"]},
}
ENTITY_ID = {
    "name": "entityId",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[0-9]{1,4}$"},
    "example": "1",
}
COMMON = [REALM, MINOR, FORMAT]
#: loopback clients need nothing; others must present the configured control token
CONTROL_SECURITY: list[Any] = [{}, {"controlToken": []}]


def _content(schema: Schema, *, xml: bool = True) -> dict[str, Any]:
    content: dict[str, Any] = {JSON: {"schema": schema}}
    if xml:  # IntuitResponse XML; tests/contract checks it is well-formed with the right root
        content[XML] = {
            "schema": {"type": "string", "description": "<IntuitResponse> carrying the same content"}
        }
    return content


def _html(description: str) -> dict[str, Any]:
    return {"description": description, "content": {HTML: {"schema": {"type": "string"}}}}


def accounting_responses(success: Schema, *, xml: bool = True) -> dict[str, Any]:
    """Everything an Accounting API route can answer [qbo-api §5]."""
    return {
        "200": {
            "description": "success envelope (faults inside batch items still answer 200)",
            "content": _content(success, xml=xml),
        },
        "400": {
            "description": "service fault: validation, 610 not found, 5010 stale, 6000/6140/6240 ...",
            "content": _content(ref("Fault")),
        },
        "401": {
            "description": "gateway 3200: missing, malformed, expired or revoked token",
            "content": {JSON: {"schema": ref("GatewayFault")}},
        },
        "403": {
            "description": "gateway 3100: the token is not for this realm",
            "content": {JSON: {"schema": ref("GatewayFault")}},
        },
        "413": {"description": "request body over the size limit", "content": _content(ref("Fault"))},
        "429": {
            "description": "gateway 3001 throttle (fault plan)",
            "content": {JSON: {"schema": ref("GatewayFault")}},
        },
        "500": {
            "description": "10000 system fault or gateway 500 (fault plan only)",
            "content": {
                JSON: {"schema": {"anyOf": [ref("Fault"), ref("GatewayFault")]}},
                XML: {"schema": {"type": "string"}},
            },
        },
        "502": _html("load-balancer page (fault plan)"),
        "503": _html("load-balancer outage page (fault plan)"),
        "504": _html("load-balancer timeout page (fault plan)"),
    }


def _op(
    op_id: str,
    summary: str,
    responses: dict[str, Any],
    *,
    params: list[Schema] | None = None,
    body: dict[str, Any] | None = None,
    tags: tuple[str, ...] = ("accounting",),
    security: list[Any] | None = None,
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": op_id,
        "summary": summary,
        "tags": list(tags),
        "responses": responses,
    }
    if params:
        op["parameters"] = params
    if body is not None:
        op["requestBody"] = body
    if security is not None:
        op["security"] = security
    return op


def _json_body(schema: Schema, *, required: bool = True, xml: bool = False) -> dict[str, Any]:
    content: dict[str, Any] = {JSON: {"schema": schema}}
    if xml:
        content[XML] = {"schema": CREDIT_MEMO_XML}
    return {"required": required, "content": content}


# --- links: the invoice lifecycle ------------------------------------------------------------------------
def _write_link(operation: str, body: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "operationId": "writeInvoice",
        "description": description,
        "parameters": {"realmId": "$request.path.realmId", "query.operation": operation},
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


# --- accounting ----------------------------------------------------------------------------------------
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
}
READ_ONLY = ("TaxCode", "TaxRate")


def accounting_paths() -> dict[str, Any]:
    base = "/v3/company/{realmId}"
    paths: dict[str, Any] = {}
    for name in ENTITY_NAMES:
        if name == "Preferences":
            continue
        segment = name.lower()
        if name in WRITE_BODIES:
            ops = "create, update (full or sparse), delete" + (
                ", void" if name in ("Invoice", "Payment") else ""
            )
            if name == "CompanyInfo":
                ops = "sparse update"
            responses = accounting_responses(envelope_ref(name))
            if name == "Invoice":
                responses["200"]["links"] = invoice_links()
            paths[f"{base}/{segment}"] = {
                "post": _op(
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
        paths[f"{base}/{segment}/{{entityId}}"] = {
            "get": _op(
                f"read{name}",
                f"read one {name}"
                + (" (any id answers the company's record)" if name == "CompanyInfo" else ""),
                read,
                params=[*COMMON, ENTITY_ID],
            )
        }
    for name in ("Invoice", "CreditMemo"):
        segment = name.lower()
        pdf = accounting_responses({}, xml=False)
        pdf["200"] = {
            "description": "the document as a PDF",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
        paths[f"{base}/{segment}/{{entityId}}/pdf"] = {
            "get": _op(f"pdf{name}", f"{name} as PDF", pdf, params=[*COMMON, ENTITY_ID])
        }
        paths[f"{base}/{segment}/{{entityId}}/send"] = {
            "post": _op(
                f"send{name}",
                f"e-mail the {name} (EmailStatus EmailSent)",
                accounting_responses(envelope_ref(name)),
                params=[
                    *COMMON,
                    ENTITY_ID,
                    REQUEST_ID,
                    {
                        "name": "sendTo",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "format": "email"},
                    },
                ],
                body={
                    "required": False,
                    "content": {"application/octet-stream": {"schema": {"type": "string", "maxLength": 0}}},
                },
            )
        }
    query_param = {"name": "query", "in": "query", "required": True, "schema": ref("QueryText")}
    query_text = {"schema": ref("QueryText")}
    paths[f"{base}/query"] = {
        "get": _op(
            "queryGet",
            "run a query (SELECT ... FROM Entity ...)",
            accounting_responses(ref("QueryResponseEnvelope")),
            params=[*COMMON, query_param],
        ),
        "post": _op(
            "queryPost",
            "run a query sent as the body (python-quickbooks, Java SDK)",
            accounting_responses(ref("QueryResponseEnvelope")),
            params=COMMON,
            body={"required": True, "content": {"application/text": query_text, "text/plain": query_text}},
        ),
    }
    paths[f"{base}/batch"] = {
        "post": _op(
            "batch",
            "up to 30 independent items; per-bId results and Faults",
            accounting_responses(ref("BatchResponse")),
            params=[*COMMON, REQUEST_ID],
            body=_json_body(ref("BatchRequest")),
        )
    }
    paths[f"{base}/cdc"] = {
        "get": _op(
            "cdc",
            "change data capture",
            accounting_responses(ref("CDCResponse")),
            params=[
                *COMMON,
                {
                    "name": "entities",
                    "in": "query",
                    "required": True,
                    "schema": {
                        "type": "string",
                        "examples": ["Invoice,Customer"],
                        "pattern": "^(Invoice|Customer|Item|Payment|CreditMemo|Account)"
                        "(,(Invoice|Customer|Item|Payment|CreditMemo|Account)){0,3}$",
                    },
                },
                {
                    "name": "changedSince",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string", "format": "date-time"},
                },
            ],
        )
    }
    paths[f"{base}/taxservice/taxcode"] = {
        "post": _op(
            "taxService",
            "create a tax code with its rates (answer not wrapped, no time)",
            accounting_responses(ref("TaxServiceResponse")),
            params=[*COMMON, REQUEST_ID],
            body=_json_body(ref("TaxServiceRequest")),
        )
    }
    paths[f"{base}/preferences"] = {
        "get": _op(
            "readPreferences",
            "company preferences",
            accounting_responses(envelope_ref("Preferences")),
            params=COMMON,
        ),
        "post": _op(
            "updatePreferences",
            "update preferences (Id 1 + SyncToken)",
            accounting_responses(envelope_ref("Preferences")),
            params=[*COMMON, REQUEST_ID],
            body=_json_body(ref("SingletonUpdate")),
        ),
    }
    return paths


# --- OAuth / OpenID ------------------------------------------------------------------------------------
def _oauth_error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": ref("OAuthError")}}}


def oauth_paths() -> dict[str, Any]:
    discovery = {
        "200": {"description": "OpenID discovery document", "content": {JSON: {"schema": ref("Discovery")}}}
    }
    paths: dict[str, Any] = {}
    for name in ("openid_configuration", "openid_sandbox_configuration"):
        for suffix in ("", "/"):
            paths[f"/.well-known/{name}{suffix}"] = {
                "get": _op(
                    f"{name}{'_slash' if suffix else ''}",
                    "OpenID discovery (intuitlib fetches it on start)",
                    discovery,
                    tags=("oauth",),
                    security=[],
                )
            }
    examples = {
        "client_id": DEFAULT_CLIENT["client_id"],
        "redirect_uri": DEFAULT_CLIENT["redirect_uris"][0],
        "scope": "com.intuit.quickbooks.accounting openid",
        "state": "xyz",
        "response_type": "code",
        "realmId": DEFAULT_REALMS[0],
    }
    authorize_params = [
        {"name": key, "in": "query", "required": False, "schema": {"type": "string"}, "example": value}
        for key, value in examples.items()
    ]
    authorize_responses = {
        "302": {
            "description": "redirect to redirect_uri with code, state, realmId (or an OAuth error)",
            "headers": {"Location": {"required": True, "schema": {"type": "string"}}},
        },
        "200": _html("consent page: pick a company"),
        "400": _html("problem page: unknown client or redirect_uri (never redirected to)"),
    }
    form = {
        "type": "object",
        "properties": {
            k: {"type": "string"}
            for k in ("client_id", "redirect_uri", "scope", "state", "response_type", "realmId", "action")
        },
    }
    paths["/connect/oauth2"] = {
        "get": _op(
            "authorize",
            "authorization endpoint (auto-approves with realmId or a default realm)",
            authorize_responses,
            params=authorize_params,
            tags=("oauth",),
            security=[],
        ),
        "post": _op(
            "consent",
            "consent form submit",
            authorize_responses,
            tags=("oauth",),
            security=[],
            body={"required": False, "content": {"application/x-www-form-urlencoded": {"schema": form}}},
        ),
    }
    token_form = {
        "type": "object",
        "properties": {
            "grant_type": {"enum": ["authorization_code", "refresh_token"]},
            "code": {"type": "string"},
            "redirect_uri": {"type": "string"},
            "refresh_token": {"type": "string"},
            "client_id": {"type": "string"},
            "client_secret": {"type": "string"},
        },
        "required": ["grant_type"],
    }
    paths["/oauth2/v1/tokens/bearer"] = {
        "post": _op(
            "token",
            "token endpoint: code exchange and refresh (rotation after 24 h)",
            {
                "200": {"description": "tokens", "content": {JSON: {"schema": ref("TokenResponse")}}},
                "400": _oauth_error("invalid_grant / invalid_request / unsupported_grant_type"),
                "401": _oauth_error("invalid_client"),
            },
            tags=("oauth",),
            security=[{"clientBasic": []}, {}],
            body={"required": True, "content": {"application/x-www-form-urlencoded": {"schema": token_form}}},
        )
    }
    paths["/v2/oauth2/tokens/revoke"] = {
        "post": _op(
            "revoke",
            "revoke a refresh or access token (and its whole grant)",
            {
                "200": {"description": "revoked, or unknown token (RFC 7009)"},
                "400": _oauth_error("invalid_request: no token"),
                "401": _oauth_error("invalid_client"),
            },
            tags=("oauth",),
            security=[{"clientBasic": []}, {}],
            body={
                "required": True,
                "content": {
                    JSON: {
                        "schema": {
                            "type": "object",
                            "properties": {"token": {"type": "string"}},
                            "required": ["token"],
                        }
                    }
                },
            },
        )
    }
    paths["/v1/openid_connect/userinfo"] = {
        "get": _op(
            "userinfo",
            "OpenID UserInfo (camelCase)",
            {
                "200": {"description": "the consenting user", "content": {JSON: {"schema": ref("UserInfo")}}},
                "401": {"description": "gateway 3200", "content": {JSON: {"schema": ref("GatewayFault")}}},
                "403": {
                    "description": "token without openid scope",
                    "content": {JSON: {"schema": ref("GatewayFault")}},
                },
            },
            tags=("oauth",),
        )
    }
    paths["/op/v1/jwks"] = {
        "get": _op(
            "jwks",
            "keys that sign id_tokens",
            {"200": {"description": "JWKS", "content": {JSON: {"schema": ref("JWKS")}}}},
            tags=("oauth",),
            security=[],
        )
    }
    return paths


# --- control API ----------------------------------------------------------------------------------------
def _control_responses(*statuses: str, created: bool = False, qbo_rules: bool = False) -> dict[str, Any]:
    """``qbo_rules``: acting as the QuickBooks user, QBO rules may refuse (400 with the QBO ``code``)."""
    ok = {"description": "done", "content": {JSON: {"schema": {"type": "object"}}}}
    responses: dict[str, Any] = {"201" if created else "200": ok}
    for status in ("400", "403", *statuses):
        responses[status] = {
            "description": "control API error: what was wrong"
            + (" (or 'Rejected by QuickBooks rules' with the QBO code)" if qbo_rules else ""),
            "content": {JSON: {"schema": ref("ControlError")}},
        }
    return responses


def control_paths() -> dict[str, Any]:
    realm = {
        "name": "realm_id",
        "in": "path",
        "required": True,
        "example": DEFAULT_REALMS[0],
        "schema": {"anyOf": [{"enum": DEFAULT_REALMS}, {"type": "string", "pattern": "^[0-9]{1,24}$"}]},
    }
    obj = {"type": "object"}
    any_json = {"required": False, "content": {JSON: {"schema": obj}}}

    def body(properties: dict[str, Schema], required: tuple[str, ...] = ()) -> dict[str, Any]:
        schema: Schema = {"type": "object", "properties": properties}
        if required:
            schema["required"] = list(required)
        return {"required": bool(required), "content": {JSON: {"schema": schema}}}

    def op(op_id: str, summary: str, responses: dict[str, Any], **kw: Any) -> dict[str, Any]:
        return _op(f"sim_{op_id}", summary, responses, tags=("control",), security=CONTROL_SECURITY, **kw)

    entity = {
        "name": "entity",
        "in": "path",
        "required": True,
        "schema": {"enum": [n.lower() for n in ENTITY_NAMES]},
    }
    r = "/_sim/companies/{realm_id}"
    p = [realm]
    return {
        "/_sim/": {
            "get": op("status", "companies, clock, journal and fault-rule counts", _control_responses())
        },
        "/_sim/reset": {
            "post": op(
                "reset",
                "everything (or one company) back to its configuration",
                _control_responses("404"),
                body=body({"realm_id": {"type": "string"}}),
            )
        },
        "/_sim/companies": {
            "get": op("companies", "list companies", _control_responses()),
            "post": op(
                "createCompany",
                "create a company",
                _control_responses(created=True),
                body=body(
                    {
                        "region": {"enum": ["AU", "US", "CA", "UK"]},
                        "realm_id": {"type": "string", "pattern": "^[0-9]{1,24}$"},
                        "name": {"type": "string", "maxLength": 100},
                        "customers": {"type": "integer", "minimum": 0, "maximum": 20},
                        "custom_txn_numbers": {"type": "boolean"},
                        "seed": {"type": "integer"},
                    }
                ),
            ),
        },
        r: {
            "get": op(
                "company",
                "a company with settings, connections and webhooks",
                _control_responses("404"),
                params=p,
            ),
            "delete": op(
                "deleteCompany",
                "delete a company (revokes its connections)",
                _control_responses("404"),
                params=p,
            ),
        },
        f"{r}/reset": {
            "post": op(
                "resetCompany", "one company back to how it was created", _control_responses("404"), params=p
            )
        },
        f"{r}/snapshots": {
            "post": op("snapshot", "snapshot a company", _control_responses("404", created=True), params=p)
        },
        "/_sim/snapshots/{snapshot_id}/restore": {
            "post": op(
                "restore",
                "restore a snapshot",
                _control_responses("404"),
                params=[
                    {"name": "snapshot_id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
            )
        },
        f"{r}/entities/{{entity}}": {
            "get": op(
                "entities", "every record of an entity", _control_responses("404"), params=[realm, entity]
            )
        },
        f"{r}/entities/{{entity}}/{{entity_id}}": {
            "get": op(
                "entity",
                "one record with its history",
                _control_responses("404"),
                params=[
                    realm,
                    entity,
                    {"name": "entity_id", "in": "path", "required": True, "schema": {"type": "string"}},
                ],
            )
        },
        f"{r}/actions/renumber": {
            "post": op(
                "renumber",
                "as the user: change a DocNumber",
                _control_responses("404", qbo_rules=True),
                params=p,
                body=body(
                    {"doc_number": {"type": "string"}, "new_doc_number": {"type": "string"}},
                    ("doc_number", "new_doc_number"),
                ),
            )
        },
        f"{r}/actions/invoices": {
            "post": op(
                "userInvoice",
                "as the user: create an invoice in the web UI",
                _control_responses("404", created=True, qbo_rules=True),
                params=p,
                body=body(
                    {
                        "customer": {"type": "string"},
                        "lines": {"type": "array", "maxItems": 3, "items": obj},
                        "doc_number": {"type": "string"},
                    },
                    ("customer", "lines"),
                ),
            )
        },
        f"{r}/actions/tax-codes": {
            "post": op(
                "userTaxCode",
                "as the user: create a tax code with a rate",
                _control_responses("404", created=True, qbo_rules=True),
                params=p,
                body=body(
                    {
                        "name": {"type": "string", "maxLength": 100},
                        "rate": {"type": "number", "minimum": 0, "maximum": 100},
                    },
                    ("name", "rate"),
                ),
            )
        },
        f"{r}/actions/tax-codes/{{code}}/{{state}}": {
            "post": op(
                "userTaxCodeState",
                "as the user: (de)activate a tax code",
                _control_responses("404", qbo_rules=True),
                params=[
                    realm,
                    {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}},
                    {
                        "name": "state",
                        "in": "path",
                        "required": True,
                        "schema": {"enum": ["activate", "deactivate"]},
                    },
                ],
            )
        },
        f"{r}/actions/payments": {
            "post": op(
                "userPayment",
                "as the user: record a payment",
                _control_responses("404", created=True, qbo_rules=True),
                params=p,
                body=body(
                    {
                        "invoices": {
                            "type": "array",
                            "maxItems": 3,
                            "items": {
                                "type": "object",
                                "properties": {"invoice": {"type": "string"}, "amount": {"type": "number"}},
                                "required": ["invoice", "amount"],
                            },
                        }
                    },
                    ("invoices",),
                ),
            )
        },
        f"{r}/actions/preferences": {
            "post": op(
                "userPreference",
                "as the user: change a preference",
                _control_responses("404", qbo_rules=True),
                params=p,
                body=body({"path": {"type": "string"}, "value": {}}, ("path",)),
            )
        },
        f"{r}/actions/settings": {
            "post": op(
                "userSettings",
                "as the user: change company settings",
                _control_responses("404", qbo_rules=True),
                params=p,
                body=any_json,
            )
        },
        f"{r}/connect": {
            "post": op(
                "connect",
                "mint tokens as if the user consented",
                _control_responses("404", created=True),
                params=p,
                body=body({"client_id": {"type": "string"}}),
            )
        },
        "/_sim/tokens/expire": {
            "post": op(
                "expireTokens",
                "expire access tokens",
                _control_responses(),
                body=body({"realm_id": {"type": "string"}}),
            )
        },
        f"{r}/tokens/revoke": {
            "post": op(
                "revokeRealm", "revoke every connection to a company", _control_responses("404"), params=p
            )
        },
        f"{r}/tokens/expire-refresh": {
            "post": op("expireRefresh", "expire refresh tokens", _control_responses("404"), params=p)
        },
        "/_sim/connections": {
            "get": op(
                "connections",
                "grants (fingerprints only)",
                _control_responses(),
                params=[{"name": "realm_id", "in": "query", "required": False, "schema": {"type": "string"}}],
            )
        },
        "/_sim/clock": {"get": op("clock", "simulated now", _control_responses())},
        "/_sim/clock/advance": {
            "post": op(
                "advanceClock",
                "move simulated time forward",
                _control_responses(),
                body=body(
                    {
                        "seconds": {"type": "number", "minimum": 0, "maximum": 315360000},
                        "days": {"type": "number", "minimum": 0, "maximum": 3650},
                    }
                ),
            )
        },
        "/_sim/faults": {"get": op("faults", "the fault catalogue", _control_responses())},
        "/_sim/fault-rules": {
            "get": op("faultRules", "active fault rules", _control_responses()),
            "post": op(
                "addFaultRule",
                "add a fault rule",
                _control_responses("404", created=True),
                body=body(
                    {
                        "fault": {"type": "string"},
                        "action": {"enum": ["fault", "latency", "drop", "timeout"]},
                        "realm_id": {"type": "string"},
                        "method": {"type": "string"},
                        "entity": {"type": "string"},
                        "count": {"type": "integer", "minimum": 1, "maximum": 10},
                    }
                ),
            ),
            "delete": op(
                "clearFaultRules",
                "clear fault rules",
                _control_responses(),
                params=[{"name": "realm_id", "in": "query", "required": False, "schema": {"type": "string"}}],
            ),
        },
        "/_sim/fault-rules/{rule_id}": {
            "delete": op(
                "removeFaultRule",
                "remove one rule",
                _control_responses("404"),
                params=[{"name": "rule_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            )
        },
        "/_sim/fault-rules/explain": {
            "post": op(
                "explainRules", "which rules would match a request", _control_responses(), body=any_json
            )
        },
        "/_sim/journal": {
            "get": op(
                "journal",
                "the request journal (secrets redacted)",
                _control_responses(),
                params=[
                    {"name": n, "in": "query", "required": False, "schema": s}
                    for n, s in (
                        ("realm_id", {"type": "string"}),
                        ("since", {"type": "integer", "minimum": 0}),
                        ("status", {"type": "integer"}),
                        ("entity", {"type": "string"}),
                        ("faults", {"enum": ["1", "true", "0"]}),
                        ("limit", {"type": "integer", "minimum": 0}),
                    )
                ],
            ),
            "delete": op(
                "clearJournal",
                "clear the journal",
                _control_responses(),
                params=[{"name": "realm_id", "in": "query", "required": False, "schema": {"type": "string"}}],
            ),
        },
        "/_sim/journal/{seq}": {
            "get": op(
                "journalEntry",
                "one journal entry",
                _control_responses("404"),
                params=[
                    {
                        "name": "seq",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 0},
                    }
                ],
            )
        },
        "/_sim/scenarios": {
            "get": op("scenarios", "bundled scenarios", _control_responses()),
            "post": op(
                "loadScenario",
                "load a scenario by name or as data",
                _control_responses(created=True),
                body=body({"name": {"type": "string"}, "scenario": obj}),
            ),
        },
        f"{r}/webhooks": {
            "post": op(
                "subscribe",
                "register a webhook endpoint",
                _control_responses("404", created=True),
                params=p,
                body=body(
                    {
                        "url": {"type": "string", "format": "uri"},
                        "entities": {"type": "array", "items": {"type": "string"}},
                        "format": {"enum": ["legacy", "cloudevents"]},
                    },
                    ("url",),
                ),
            )
        },
        "/_sim/webhooks": {
            "get": op(
                "webhooks",
                "webhook subscriptions and deliveries",
                _control_responses(),
                params=[{"name": "realm_id", "in": "query", "required": False, "schema": {"type": "string"}}],
            )
        },
    }


def document(server_url: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document for a simulator reachable at ``server_url``."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "QuickBooks Online simulator",
            "version": "0.1.0",
            "description": "QBO Accounting API v3, Intuit OAuth 2.0/OpenID and the /_sim control API, as "
            "this simulator serves them. See docs/openapi.md.",
        },
        "servers": [{"url": server_url}],
        "tags": [{"name": "accounting"}, {"name": "oauth"}, {"name": "control"}],
        "security": [{"bearerAuth": []}],
        "paths": {**accounting_paths(), **oauth_paths(), **control_paths()},
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "an access token from the token endpoint or /_sim/.../connect",
                },
                "clientBasic": {"type": "http", "scheme": "basic", "description": "client_id:client_secret"},
                "controlToken": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-Control-Token",
                    "description": "the app's CONTROL_TOKEN; required on /_sim from non-loopback clients",
                },
            },
            "schemas": SCHEMAS,
        },
    }
