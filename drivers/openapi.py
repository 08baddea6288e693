"""The HTTP driver protocol as an OpenAPI 3.1 document, generated from :data:`drivers.protocol.OPERATIONS`.

One list of operations makes the Python protocol, the HTTP routes, their request and response schemas
and this document, so they cannot drift apart. ``qbo-sim driver-protocol`` prints it; a driver server
serves it at ``GET /v1/openapi.json``.
"""

from __future__ import annotations

import inspect
from typing import Any

from drivers.codec import schema
from drivers.model import Company, DriverInfo, QuickBooksSite
from drivers.protocol import CAPABILITIES, LIFECYCLE, OPERATIONS, PROTOCOL_VERSION

__all__ = ["openapi_document", "ERROR_STATUS"]

#: DriverError kind → HTTP status a driver answers with
ERROR_STATUS = {"refused": 422, "unsupported": 404, "protocol": 400, "failed": 500}

_ERROR = {"type": "object", "required": ["error"], "additionalProperties": False, "properties": {"error": {
    "type": "object", "required": ["kind", "message"], "properties": {
        "kind": {"type": "string", "enum": list(ERROR_STATUS)},
        "message": {"type": "string", "description": "what went wrong, in words a QA engineer can act on"}}}}}

_DESCRIPTION = f"""How the release gate (`qbo-sim gate --driver http://HOST:PORT`) drives a Caspen QuickBooks
integration written in any language. The gate first reads `GET /v1/driver` (the handshake: protocol
version {PROTOCOL_VERSION}, capabilities, operations), then opens a *run* telling the driver where QuickBooks
is (the simulator), then per scenario an *account* for one QuickBooks company, calls operations on it,
and closes it. Money, quantities and percentages are decimal strings (`"104.50"`), times ISO 8601 with an
offset, documents are referred to by their Caspen number (`INV0042`).

Errors are `{{"error": {{"kind", "message"}}}}`: 422 `refused` (Caspen refused the action, as a user would
see), 404 `unsupported` (an operation the driver does not implement), 400 `protocol` (arguments not in
this protocol's shape), 500 `failed` (anything else). The gate fails the scenario naming the driver, the
operation and the message.

Capabilities: {"; ".join(f"`{name}`: {meaning}" for name, meaning in CAPABILITIES.items())}."""


def openapi_document() -> dict[str, Any]:
    schemas: dict[str, Any] = {"Error": _ERROR}
    paths: dict[str, Any] = {
        "/v1/driver": {"get": {
            "operationId": "handshake", "summary": "Who the driver is, its protocol version, capabilities, operations",
            "responses": {"200": _json(schema(DriverInfo, schemas), "the driver")}}},
        "/v1/openapi.json": {"get": {"operationId": "openapi", "summary": "This document",
                                     "responses": {"200": _json({"type": "object"}, "OpenAPI 3.1")}}},
        "/v1/runs": {"post": {
            "operationId": "start", "summary": _first(OPERATIONS["start"].doc),
            "requestBody": _body({"type": "object", "required": ["quickbooks"], "additionalProperties": False,
                                  "properties": {"quickbooks": schema(QuickBooksSite, schemas)}}),
            "responses": {"201": _json(_id("run"), "the run"), **_errors()}}},
        "/v1/runs/{run}": {"delete": {
            "operationId": "stop", "summary": _first(OPERATIONS["stop"].doc), "parameters": [_path("run")],
            "responses": {"204": {"description": "stopped"}, **_errors()}}},
        "/v1/runs/{run}/accounts": {"post": {
            "operationId": "open_account", "summary": _first(OPERATIONS["open_account"].doc),
            "parameters": [_path("run")],
            "requestBody": _body({"type": "object", "required": ["company"], "additionalProperties": False,
                                  "properties": {"company": schema(Company, schemas)}}),
            "responses": {"201": _json(_id("account"), "the account"), **_errors()}}},
        "/v1/runs/{run}/accounts/{account}": {"delete": {
            "operationId": "close_account", "summary": _first(OPERATIONS["close_account"].doc),
            "parameters": [_path("run"), _path("account")],
            "responses": {"204": {"description": "closed"}, **_errors()}}},
    }
    for operation in OPERATIONS.values():
        if operation.name in LIFECYCLE:
            continue
        properties = {name: schema(tp, schemas) for name, tp, _ in operation.parameters}
        required = [name for name, _, default in operation.parameters if default is inspect.Parameter.empty]
        result = schema(operation.returns, schemas)
        paths[f"/v1/runs/{{run}}/accounts/{{account}}/{operation.name}"] = {"post": {
            "operationId": operation.name, "summary": _first(operation.doc), "description": operation.doc
            + (f"\n\nNeeds the capability `{operation.capability}`." if operation.capability else ""),
            "tags": ["operations"], "parameters": [_path("run"), _path("account")],
            "requestBody": _body({"type": "object", "properties": properties, "required": required,
                                  "additionalProperties": False}),
            "responses": {"200": _json({"type": "object", "required": ["result"], "additionalProperties": False,
                                        "properties": {"result": result}}, "the result"), **_errors()}}}
    return {"openapi": "3.1.0",
            "info": {"title": "Caspen driver protocol", "version": PROTOCOL_VERSION, "description": _DESCRIPTION},
            "paths": paths, "components": {"schemas": schemas}}


def _first(doc: str) -> str:
    return doc.split("\n\n")[0].replace("\n", " ")


def _id(name: str) -> dict[str, Any]:
    return {"type": "object", "required": [name], "properties": {name: {"type": "string"}}}


def _path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _body(body_schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": body_schema}}}


def _json(body_schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": body_schema}}}


def _errors() -> dict[str, Any]:
    ref = {"$ref": "#/components/schemas/Error"}
    return {str(status): _json(ref, kind) for kind, status in ERROR_STATUS.items()}
