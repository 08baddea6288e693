"""The ``/_sim`` control API: companies, snapshots, acting as the QuickBooks user, tokens, the clock,
the fault plan, the journal, scenarios and webhooks."""

from __future__ import annotations

from typing import Any

from simulator.openapi.common import (
    DEFAULT_REALMS,
    ENTITY_NAMES,
    JSON,
    Schema,
    json_response,
    operation,
    path_param,
    query_param,
    ref,
)

#: loopback clients need nothing; others must present the configured control token
CONTROL_SECURITY: list[Any] = [{}, {"controlToken": []}]

REALM = {
    "name": "realm_id",
    "in": "path",
    "required": True,
    "example": DEFAULT_REALMS[0],
    "schema": {"anyOf": [{"enum": DEFAULT_REALMS}, {"type": "string", "pattern": "^[0-9]{1,24}$"}]},
}
#: ``?realm_id=`` narrows a listing (or a clear) to one company
REALM_FILTER = [query_param("realm_id")]
ENTITY = path_param("entity", {"enum": [n.lower() for n in ENTITY_NAMES]})
OBJ = {"type": "object"}
ANY_JSON = {"required": False, "content": {JSON: {"schema": OBJ}}}
COMPANY = "/_sim/companies/{realm_id}"


def _control_responses(*statuses: str, created: bool = False, qbo_rules: bool = False) -> dict[str, Any]:
    """``qbo_rules``: acting as the QuickBooks user, QBO rules may refuse (400 with the QBO ``code``)."""
    responses: dict[str, Any] = {"201" if created else "200": json_response("done", {"type": "object"})}
    for status in ("400", "403", *statuses):
        responses[status] = json_response(
            "control API error: what was wrong"
            + (" (or 'Rejected by QuickBooks rules' with the QBO code)" if qbo_rules else ""),
            ref("ControlError"),
        )
    return responses


def _op(
    op_id: str,
    summary: str,
    *statuses: str,
    created: bool = False,
    qbo_rules: bool = False,
    **kw: Any,
) -> dict[str, Any]:
    """A control operation answering ``_control_responses(*statuses, created=, qbo_rules=)``."""
    responses = _control_responses(*statuses, created=created, qbo_rules=qbo_rules)
    return operation(f"sim_{op_id}", summary, responses, tags=("control",), security=CONTROL_SECURITY, **kw)


def _company_op(op_id: str, summary: str, *statuses: str, **kw: Any) -> dict[str, Any]:
    """An operation on one company (``{realm_id}`` in the path): it may answer 404."""
    kw.setdefault("params", [REALM])
    return _op(op_id, summary, "404", *statuses, **kw)


def _body(properties: dict[str, Schema], required: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: Schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return {"required": bool(required), "content": {JSON: {"schema": schema}}}


def _company_paths() -> dict[str, Any]:
    """Companies, snapshots and their records."""
    return {
        "/_sim/": {"get": _op("status", "companies, clock, journal and fault-rule counts")},
        "/_sim/reset": {
            "post": _op(
                "reset",
                "everything (or one company) back to its configuration",
                "404",
                body=_body({"realm_id": {"type": "string"}}),
            )
        },
        "/_sim/companies": {
            "get": _op("companies", "list companies"),
            "post": _op(
                "createCompany",
                "create a company",
                created=True,
                body=_body(
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
        COMPANY: {
            "get": _company_op("company", "a company with settings, connections and webhooks"),
            "delete": _company_op("deleteCompany", "delete a company (revokes its connections)"),
        },
        f"{COMPANY}/reset": {"post": _company_op("resetCompany", "one company back to how it was created")},
        f"{COMPANY}/snapshots": {"post": _company_op("snapshot", "snapshot a company", created=True)},
        "/_sim/snapshots/{snapshot_id}/restore": {
            "post": _op("restore", "restore a snapshot", "404", params=[path_param("snapshot_id")])
        },
        f"{COMPANY}/entities/{{entity}}": {
            "get": _company_op("entities", "every record of an entity", params=[REALM, ENTITY])
        },
        f"{COMPANY}/entities/{{entity}}/{{entity_id}}": {
            "get": _company_op(
                "entity", "one record with its history", params=[REALM, ENTITY, path_param("entity_id")]
            )
        },
    }


def _user_action(op_id: str, summary: str, **kw: Any) -> dict[str, Any]:
    """Acting as the QuickBooks user: QBO rules may refuse."""
    return _company_op(op_id, summary, qbo_rules=True, **kw)


def _user_action_paths() -> dict[str, Any]:
    actions = f"{COMPANY}/actions"
    payment_link = {
        "type": "object",
        "properties": {"invoice": {"type": "string"}, "amount": {"type": "number"}},
        "required": ["invoice", "amount"],
    }
    return {
        f"{actions}/renumber": {
            "post": _user_action(
                "renumber",
                "as the user: change a DocNumber",
                body=_body(
                    {"doc_number": {"type": "string"}, "new_doc_number": {"type": "string"}},
                    ("doc_number", "new_doc_number"),
                ),
            )
        },
        f"{actions}/invoices": {
            "post": _user_action(
                "userInvoice",
                "as the user: create an invoice in the web UI",
                created=True,
                body=_body(
                    {
                        "customer": {"type": "string"},
                        "lines": {"type": "array", "maxItems": 3, "items": OBJ},
                        "doc_number": {"type": "string"},
                    },
                    ("customer", "lines"),
                ),
            )
        },
        f"{actions}/tax-codes": {
            "post": _user_action(
                "userTaxCode",
                "as the user: create a tax code with a rate",
                created=True,
                body=_body(
                    {
                        "name": {"type": "string", "maxLength": 100},
                        "rate": {"type": "number", "minimum": 0, "maximum": 100},
                    },
                    ("name", "rate"),
                ),
            )
        },
        f"{actions}/tax-codes/{{code}}/{{state}}": {
            "post": _user_action(
                "userTaxCodeState",
                "as the user: (de)activate a tax code",
                params=[REALM, path_param("code"), path_param("state", {"enum": ["activate", "deactivate"]})],
            )
        },
        f"{actions}/payments": {
            "post": _user_action(
                "userPayment",
                "as the user: record a payment",
                created=True,
                body=_body(
                    {"invoices": {"type": "array", "maxItems": 3, "items": payment_link}},
                    ("invoices",),
                ),
            )
        },
        f"{actions}/preferences": {
            "post": _user_action(
                "userPreference",
                "as the user: change a preference",
                body=_body({"path": {"type": "string"}, "value": {}}, ("path",)),
            )
        },
        f"{actions}/settings": {
            "post": _user_action("userSettings", "as the user: change company settings", body=ANY_JSON)
        },
    }


def _token_and_clock_paths() -> dict[str, Any]:
    return {
        f"{COMPANY}/connect": {
            "post": _company_op(
                "connect",
                "mint tokens as if the user consented",
                created=True,
                body=_body({"client_id": {"type": "string"},
                            "scopes": {"type": "array", "items": {"type": "string"},
                                       "description": "granted scopes (default accounting + OpenID)"}}),
            )
        },
        "/_sim/tokens/expire": {
            "post": _op("expireTokens", "expire access tokens", body=_body({"realm_id": {"type": "string"}}))
        },
        f"{COMPANY}/tokens/revoke": {
            "post": _company_op("revokeRealm", "revoke every connection to a company")
        },
        f"{COMPANY}/tokens/expire-refresh": {"post": _company_op("expireRefresh", "expire refresh tokens")},
        "/_sim/connections": {"get": _op("connections", "grants (fingerprints only)", params=REALM_FILTER)},
        "/_sim/clock": {"get": _op("clock", "simulated now")},
        "/_sim/clock/advance": {
            "post": _op(
                "advanceClock",
                "move simulated time forward",
                body=_body(
                    {
                        "seconds": {"type": "number", "minimum": 0, "maximum": 315360000},
                        "days": {"type": "number", "minimum": 0, "maximum": 3650},
                    }
                ),
            )
        },
    }


def _fault_and_journal_paths() -> dict[str, Any]:
    journal_filters = [
        query_param(name, schema)
        for name, schema in (
            ("realm_id", {"type": "string"}),
            ("since", {"type": "integer", "minimum": 0}),
            ("status", {"type": "integer"}),
            ("entity", {"type": "string"}),
            ("faults", {"enum": ["1", "true", "0"]}),
            ("limit", {"type": "integer", "minimum": 0}),
        )
    ]
    return {
        "/_sim/faults": {"get": _op("faults", "the fault catalogue")},
        "/_sim/fault-rules": {
            "get": _op("faultRules", "active fault rules"),
            "post": _op(
                "addFaultRule",
                "add a fault rule",
                "404",
                created=True,
                body=_body(
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
            "delete": _op("clearFaultRules", "clear fault rules", params=REALM_FILTER),
        },
        "/_sim/fault-rules/{rule_id}": {
            "delete": _op("removeFaultRule", "remove one rule", "404", params=[path_param("rule_id")])
        },
        "/_sim/fault-rules/explain": {
            "post": _op("explainRules", "which rules would match a request", body=ANY_JSON)
        },
        "/_sim/journal": {
            "get": _op("journal", "the request journal (secrets redacted)", params=journal_filters),
            "delete": _op("clearJournal", "clear the journal", params=REALM_FILTER),
        },
        "/_sim/journal/{seq}": {
            "get": _op(
                "journalEntry",
                "one journal entry",
                "404",
                params=[path_param("seq", {"type": "integer", "minimum": 0})],
            )
        },
    }


def _scenario_and_webhook_paths() -> dict[str, Any]:
    return {
        "/_sim/scenarios": {
            "get": _op("scenarios", "bundled scenarios"),
            "post": _op(
                "loadScenario",
                "load a scenario by name or as data",
                created=True,
                body=_body({"name": {"type": "string"}, "scenario": OBJ}),
            ),
        },
        f"{COMPANY}/webhooks": {
            "post": _company_op(
                "subscribe",
                "register a webhook endpoint",
                created=True,
                body=_body(
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
            "get": _op("webhooks", "webhook subscriptions and deliveries", params=REALM_FILTER)
        },
    }


def control_paths() -> dict[str, Any]:
    return {
        **_company_paths(),
        **_user_action_paths(),
        **_token_and_clock_paths(),
        **_fault_and_journal_paths(),
        **_scenario_and_webhook_paths(),
    }
