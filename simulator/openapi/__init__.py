"""The simulator's own OpenAPI 3.1 document, served at ``/openapi.json``.

Built in Python so ``servers`` names the host the document was fetched from. It describes every
route the simulator serves — the Accounting API under ``/v3/company/{realmId}``, Intuit's OAuth 2.0 /
OpenID endpoints and the ``/_sim`` control API — with QBO's success envelopes and every fault envelope
a route can answer with (service ``Fault`` 400/413/500, gateway ``fault`` 401/403/429/500, OAuth
``error``, the HTML outage page 502/503/504).

This module assembles the document and is the package's public face (import from here); the parts
beside it are internal: the paths in :mod:`.accounting`, :mod:`.reports_attachments`, :mod:`.oauth`
and :mod:`.control` (shared shapes in :mod:`.common`), the ``components.schemas`` in
:mod:`.schemas_entities`, :mod:`.schemas_answers`, :mod:`.schemas_requests` and
:mod:`.reports_attachments`.

``tests/contract`` fuzzes the simulator against this document with schemathesis (docs/openapi.md).
OpenAPI links chain an invoice create → read → sparse update (SyncToken from the last answer) → void →
delete, so stateful runs walk the lifecycle QBO documents [qbo-api §2].
"""

from __future__ import annotations

from typing import Any

from simulator.openapi import accounting
from simulator.openapi.accounting import accounting_paths
from simulator.openapi.common import DEFAULT_REALMS, Schema
from simulator.openapi.control import control_paths
from simulator.openapi.oauth import oauth_paths
from simulator.openapi.reports_attachments import REPORT_ATTACHMENT_SCHEMAS, report_attachment_paths
from simulator.openapi.schemas_answers import ANSWER_SCHEMAS
from simulator.openapi.schemas_entities import ENTITY_SCHEMAS
from simulator.openapi.schemas_requests import REQUEST_SCHEMAS

__all__ = ["document", "DEFAULT_REALMS", "SCHEMAS"]

SCHEMAS: dict[str, Schema] = {**ENTITY_SCHEMAS, **ANSWER_SCHEMAS, **REQUEST_SCHEMAS, **REPORT_ATTACHMENT_SCHEMAS}

SECURITY_SCHEMES: dict[str, Any] = {
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
        "paths": {**accounting_paths(), **_report_attachment_paths(), **oauth_paths(), **control_paths()},
        "components": {"securitySchemes": SECURITY_SCHEMES, "schemas": SCHEMAS},
    }


def _report_attachment_paths() -> dict[str, Any]:
    return report_attachment_paths(accounting.COMMON, accounting.REQUEST_ID, accounting.OPERATION,
                                   accounting.ENTITY_ID, accounting.accounting_responses)
