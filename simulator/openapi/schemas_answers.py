"""JSON Schemas for QBO's other answers [qbo-api §1.5, §5.1]: ``QueryResponse``, ``BatchItemResponse``,
``CDCResponse``, the tax service, the fault envelopes (service, gateway, OAuth, control API) and the OAuth /
OpenID documents. Like the entities, they allow additional properties unless QBO's shape is closed.
"""

from __future__ import annotations

from simulator.openapi.common import Schema, obj, ref
from simulator.openapi.schemas_entities import ID, NULLABLE_STRING, QBO_TIME

# delete answers a stub for transactions [qbo-api §2.7]
_DELETED = obj({"status": {"const": "Deleted"}, "domain": {"const": "QBO"}, "Id": ID}, ("status", "Id"))

# --- collections --------------------------------------------------------------------------------------
_QUERY = obj(
    {
        "startPosition": {"type": "integer", "minimum": 1},
        "maxResults": {"type": "integer", "minimum": 0},
        "totalCount": {"type": "integer", "minimum": 0},
    },
    patternProperties={"^[A-Z][A-Za-z]+$": {"type": "array", "items": {"type": "object"}}},
    additionalProperties=False,
    description="Entities under their name; COUNT(*) answers only totalCount; no match answers {}",
)
_COLLECTIONS: dict[str, Schema] = {
    "QueryResponse": _QUERY,
    "QueryResponseEnvelope": obj(
        {"QueryResponse": ref("QueryResponse"), "time": QBO_TIME}, ("QueryResponse", "time")
    ),
    "BatchItemResponse": obj(
        {"bId": {"type": "string"}, "Fault": ref("FaultBody"), "QueryResponse": ref("QueryResponse")},
        ("bId",),
        minProperties=2,
        description="bId plus one of: the entity under its name, QueryResponse, Fault",
    ),
    "BatchResponse": obj(
        {"BatchItemResponse": {"type": "array", "items": ref("BatchItemResponse")}, "time": QBO_TIME},
        ("BatchItemResponse", "time"),
    ),
    "CDCResponse": obj(
        {
            "CDCResponse": {
                "type": "array",
                "minItems": 1,
                "items": obj(
                    {"QueryResponse": {"type": "array", "items": ref("QueryResponse")}}, ("QueryResponse",)
                ),
            },
            "time": QBO_TIME,
        },
        ("CDCResponse", "time"),
    ),
    "TaxServiceResponse": obj(
        {
            "TaxCode": {"type": "string"},
            "TaxCodeId": ID,
            "TaxRateDetails": {
                "type": "array",
                "items": obj(
                    {
                        "TaxRateName": {"type": "string"},
                        "TaxRateId": ID,
                        "RateValue": {"type": "number"},
                        "TaxAgencyId": {"type": "string"},
                        "TaxApplicableOn": {"type": "string"},
                    },
                    ("TaxRateId",),
                ),
            },
        },
        ("TaxCode", "TaxCodeId", "TaxRateDetails"),
        description="Not wrapped, and no `time` [qbo-api §8]",
    ),
    "DeletedTransaction": _DELETED,
}

# --- fault envelopes ----------------------------------------------------------------------------------
_FAULTS: dict[str, Schema] = {
    "FaultError": obj(
        {
            "Message": {"type": "string"},
            "Detail": {"type": "string"},
            "code": {"type": "string", "pattern": "^[0-9]+$"},
            "element": {"type": "string"},
        },
        ("Message", "code"),
    ),
    "FaultBody": obj(
        {
            "Error": {"type": "array", "minItems": 1, "items": ref("FaultError")},
            "type": {
                "enum": [
                    "ValidationFault",
                    "SystemFault",
                    "AuthenticationFault",
                    "AuthorizationFault",
                    "ServiceFault",
                ]
            },
        },
        ("Error", "type"),
    ),
    "Fault": obj(
        {"Fault": ref("FaultBody"), "time": QBO_TIME},
        ("Fault", "time"),
        description="The data service's fault envelope [qbo-api §5.1]",
    ),
    "GatewayFault": obj(
        {
            "fault": obj(
                {
                    "error": {
                        "type": "array",
                        "minItems": 1,
                        "items": obj(
                            {
                                "message": {"type": "string"},
                                "detail": NULLABLE_STRING,
                                "code": {"type": "string", "pattern": "^[0-9]+$"},
                                "element": {"type": "null"},
                            },
                            ("message", "code"),
                        ),
                    },
                    "type": {"type": "string"},
                },
                ("error", "type"),
            ),
            "time": {"type": "integer", "description": "epoch milliseconds"},
        },
        ("fault", "time"),
        description="Intuit's gateway envelope, lower-case keys [qbo-api §5.1]",
    ),
    "OAuthError": obj(
        {
            "error": {
                "enum": ["invalid_grant", "invalid_client", "invalid_request", "unsupported_grant_type"]
            },
            "error_description": {"type": "string"},
        },
        ("error",),
        additionalProperties=False,
    ),
    "ControlError": obj(
        {
            "error": {"type": "string"},
            "detail": {"type": "string"},
            "code": {"type": "string", "pattern": "^[0-9]+$"},
        },
        ("error", "detail"),
    ),
}

# --- OAuth ----------------------------------------------------------------------------------------------
_DISCOVERY_URLS = (
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "userinfo_endpoint",
    "revocation_endpoint",
    "jwks_uri",
)
_OAUTH: dict[str, Schema] = {
    "Discovery": obj(
        {k: {"type": "string"} for k in _DISCOVERY_URLS}
        | {"scopes_supported": {"type": "array", "items": {"type": "string"}}},
        _DISCOVERY_URLS,
    ),
    "TokenResponse": obj(
        {
            "access_token": {"type": "string"},
            "refresh_token": {"type": "string"},
            "token_type": {"const": "bearer"},
            "expires_in": {"type": "integer"},
            "x_refresh_token_expires_in": {"type": "integer"},
            "x_refresh_token_hard_expires_in": {"type": "integer"},
            "id_token": {"type": "string"},
        },
        ("access_token", "refresh_token", "token_type", "expires_in", "x_refresh_token_expires_in"),
    ),
    "UserInfo": obj(
        {"sub": {"type": "string"}, "email": {"type": "string"}, "givenName": {"type": "string"}}, ("sub",)
    ),
    "JWKS": obj(
        {
            "keys": {
                "type": "array",
                "items": obj({"kty": {"type": "string"}, "kid": {"type": "string"}}, ("kty",)),
            }
        },
        ("keys",),
    ),
}

ANSWER_SCHEMAS: dict[str, Schema] = {**_COLLECTIONS, **_FAULTS, **_OAUTH}
