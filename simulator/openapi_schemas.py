"""JSON Schemas (OpenAPI 3.1 ``components.schemas``) for the simulator's own OpenAPI document.

Two kinds of schema live here:

* **Responses** describe what QBO sends [qbo-api §1.3, §1.5, §5.1, §7]: entity envelopes
  (``{"Invoice": {...}, "time": ...}``), ``QueryResponse``, ``BatchItemResponse``, ``CDCResponse`` and the
  fault envelopes. They pin what clients rely on (types of ``Id``/``SyncToken``/``code``, the envelope
  keys, ``time`` as a date-time) and allow additional properties, because QBO adds fields freely.
* **Requests** describe what a well-behaved client sends. They are deliberately narrower than what
  the simulator accepts (refs draw from the seeded ids, amounts are small), so generated requests
  reach the business rules instead of stopping at 2500 "Invalid Reference Id".
"""

from __future__ import annotations

from typing import Any

__all__ = ["SCHEMAS", "ENTITY_NAMES", "ref", "envelope_ref"]

Schema = dict[str, Any]

#: every entity the accounting API serves, by JSON name (the URL segment is ``name.lower()``)
ENTITY_NAMES = (
    "Invoice",
    "CreditMemo",
    "Payment",
    "Customer",
    "Vendor",
    "Employee",
    "Item",
    "Account",
    "TaxAgency",
    "Term",
    "TaxCode",
    "TaxRate",
    "CompanyInfo",
    "Preferences",
)


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def envelope_ref(entity: str) -> Schema:
    return ref(f"{entity}Response")


def _obj(properties: dict[str, Schema], required: tuple[str, ...] = (), **extra: Any) -> Schema:
    schema: Schema = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = list(required)
    return schema


ID: Schema = {"type": "string", "minLength": 1, "description": "Ids are strings (numeric per company)"}
SYNC_TOKEN: Schema = {"type": "string", "pattern": "^[0-9]+$", "description": "an integer in a string"}
QBO_TIME: Schema = {"type": "string", "format": "date-time", "description": "company time zone, with offset"}
MONEY: Schema = {"type": "number"}
NULLABLE_STRING: Schema = {"type": ["string", "null"]}

# --- shared pieces ------------------------------------------------------------------------------------
_SHARED: dict[str, Schema] = {
    "Ref": _obj(
        {"value": {"type": "string"}, "name": {"type": "string"}, "type": {"type": "string"}},
        ("value",),
        description='A reference to another entity: `{"value": Id, "name": ...}`',
    ),
    "MetaData": _obj({"CreateTime": QBO_TIME, "LastUpdatedTime": QBO_TIME}, ("LastUpdatedTime",)),
    "Address": _obj(
        {
            "Id": ID,
            "Line1": {"type": "string"},
            "City": {"type": "string"},
            "CountrySubDivisionCode": {"type": "string"},
            "PostalCode": {"type": "string"},
            "Country": {"type": "string"},
        }
    ),
    "Line": _obj(
        {
            "Id": ID,
            "LineNum": {"type": "integer"},
            "Amount": MONEY,
            "Description": {"type": "string"},
            "DetailType": {
                "enum": [
                    "SalesItemLineDetail",
                    "GroupLineDetail",
                    "DescriptionOnly",
                    "DiscountLineDetail",
                    "SubTotalLineDetail",
                    "PaymentLineDetail",
                ]
            },
        },
        description="A transaction line; the detail object named by DetailType sits beside it",
    ),
    "TxnTaxDetail": _obj(
        {
            "TxnTaxCodeRef": ref("Ref"),
            "TotalTax": MONEY,
            "TaxLine": {
                "type": "array",
                "items": _obj(
                    {
                        "Amount": MONEY,
                        "DetailType": {"const": "TaxLineDetail"},
                        "TaxLineDetail": {"type": "object"},
                    }
                ),
            },
        }
    ),
}

# --- entities as QBO returns them (additional properties allowed) -------------------------------------
_BASE = {
    "Id": ID,
    "SyncToken": SYNC_TOKEN,
    "domain": {"const": "QBO"},
    "sparse": {"type": "boolean"},
    "MetaData": ref("MetaData"),
}
_TXN = {
    **_BASE,
    "DocNumber": {"type": "string", "maxLength": 21},
    "TxnDate": {"type": "string", "format": "date"},
    "Line": {"type": "array", "items": ref("Line")},
    "CustomerRef": ref("Ref"),
    "TotalAmt": MONEY,
    "PrivateNote": {"type": "string"},
    "TxnTaxDetail": ref("TxnTaxDetail"),
    "CurrencyRef": ref("Ref"),
}
_NAMED = {**_BASE, "Active": {"type": "boolean"}, "FullyQualifiedName": {"type": "string"}}
_ENTITIES: dict[str, Schema] = {
    "Invoice": _obj(
        {
            **_TXN,
            "DueDate": {"type": "string", "format": "date"},
            "Balance": MONEY,
            "Deposit": MONEY,
            "EmailStatus": {"type": "string"},
            "PrintStatus": {"type": "string"},
            "GlobalTaxCalculation": {"enum": ["TaxExcluded", "TaxInclusive", "NotApplicable"]},
            "BillAddr": ref("Address"),
            "ShipAddr": ref("Address"),
            "BillEmail": {"type": "object"},
            "LinkedTxn": {"type": "array"},
            "DeliveryInfo": {"type": "object"},
        },
        ("Id", "SyncToken", "Line", "CustomerRef", "TotalAmt", "MetaData"),
    ),
    "CreditMemo": _obj(
        {**_TXN, "Balance": MONEY, "RemainingCredit": MONEY},
        ("Id", "SyncToken", "Line", "CustomerRef", "TotalAmt", "MetaData"),
    ),
    "Payment": _obj(
        {**_TXN, "UnappliedAmt": MONEY, "PaymentRefNum": {"type": "string"}},
        ("Id", "SyncToken", "CustomerRef", "TotalAmt", "MetaData"),
    ),
    "Customer": _obj(
        {
            **_NAMED,
            "DisplayName": {"type": "string"},
            "Balance": MONEY,
            "PrimaryEmailAddr": {"type": "object"},
            "BillAddr": ref("Address"),
        },
        ("Id", "SyncToken", "DisplayName", "Active", "MetaData"),
    ),
    "Vendor": _obj(
        {**_NAMED, "DisplayName": {"type": "string"}}, ("Id", "SyncToken", "DisplayName", "Active")
    ),
    "Employee": _obj(
        {**_NAMED, "DisplayName": {"type": "string"}}, ("Id", "SyncToken", "DisplayName", "Active")
    ),
    "Item": _obj(
        {
            **_NAMED,
            "Name": {"type": "string"},
            "UnitPrice": MONEY,
            "Type": {"enum": ["Service", "NonInventory", "Inventory", "Category", "Group"]},
            "IncomeAccountRef": ref("Ref"),
            "SalesTaxCodeRef": ref("Ref"),
        },
        ("Id", "SyncToken", "Name", "Type", "Active"),
    ),
    "Account": _obj(
        {
            **_NAMED,
            "Name": {"type": "string"},
            "AccountType": {"type": "string"},
            "Classification": {"type": "string"},
            "CurrentBalance": MONEY,
        },
        ("Id", "SyncToken", "Name", "AccountType", "Active"),
    ),
    "TaxAgency": _obj({**_NAMED, "DisplayName": {"type": "string"}}, ("Id", "DisplayName")),
    "Term": _obj({**_NAMED, "Name": {"type": "string"}, "DueDays": {"type": "integer"}}, ("Id", "Name")),
    # the US pseudo codes TAX/NON carry no SyncToken or domain [qbo-api §8]
    "TaxCode": _obj(
        {
            "Id": ID,
            "SyncToken": SYNC_TOKEN,
            "Name": {"type": "string"},
            "Active": {"type": "boolean"},
            "Taxable": {"type": "boolean"},
            "TaxGroup": {"type": "boolean"},
            "SalesTaxRateList": {"type": "object"},
            "MetaData": ref("MetaData"),
        },
        ("Id", "Name"),
    ),
    "TaxRate": _obj(
        {
            **_BASE,
            "Name": {"type": "string"},
            "RateValue": {"type": "number"},
            "AgencyRef": ref("Ref"),
            "Active": {"type": "boolean"},
        },
        ("Id", "Name", "RateValue"),
    ),
    "CompanyInfo": _obj(
        {**_BASE, "CompanyName": {"type": "string"}, "Country": {"type": "string"}},
        ("Id", "SyncToken", "CompanyName"),
    ),
    "Preferences": _obj(
        {**_BASE, "SalesFormsPrefs": {"type": "object"}, "TaxPrefs": {"type": "object"}}, ("Id", "SyncToken")
    ),
}
# delete answers a stub for transactions [qbo-api §2.7]
_DELETED = _obj({"status": {"const": "Deleted"}, "domain": {"const": "QBO"}, "Id": ID}, ("status", "Id"))
_ENVELOPES: dict[str, Schema] = {}
for _name in ENTITY_NAMES:
    _entity = ref(_name)
    if _name in ("Invoice", "CreditMemo", "Payment"):
        _entity = {"anyOf": [ref(_name), ref("DeletedTransaction")]}
    _ENVELOPES[f"{_name}Response"] = _obj({_name: _entity, "time": QBO_TIME}, (_name, "time"))

# --- collections --------------------------------------------------------------------------------------
_QUERY = _obj(
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
    "QueryResponseEnvelope": _obj(
        {"QueryResponse": ref("QueryResponse"), "time": QBO_TIME}, ("QueryResponse", "time")
    ),
    "BatchItemResponse": _obj(
        {"bId": {"type": "string"}, "Fault": ref("FaultBody"), "QueryResponse": ref("QueryResponse")},
        ("bId",),
        minProperties=2,
        description="bId plus one of: the entity under its name, QueryResponse, Fault",
    ),
    "BatchResponse": _obj(
        {"BatchItemResponse": {"type": "array", "items": ref("BatchItemResponse")}, "time": QBO_TIME},
        ("BatchItemResponse", "time"),
    ),
    "CDCResponse": _obj(
        {
            "CDCResponse": {
                "type": "array",
                "minItems": 1,
                "items": _obj(
                    {"QueryResponse": {"type": "array", "items": ref("QueryResponse")}}, ("QueryResponse",)
                ),
            },
            "time": QBO_TIME,
        },
        ("CDCResponse", "time"),
    ),
    "TaxServiceResponse": _obj(
        {
            "TaxCode": {"type": "string"},
            "TaxCodeId": ID,
            "TaxRateDetails": {
                "type": "array",
                "items": _obj(
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
    "FaultError": _obj(
        {
            "Message": {"type": "string"},
            "Detail": {"type": "string"},
            "code": {"type": "string", "pattern": "^[0-9]+$"},
            "element": {"type": "string"},
        },
        ("Message", "code"),
    ),
    "FaultBody": _obj(
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
    "Fault": _obj(
        {"Fault": ref("FaultBody"), "time": QBO_TIME},
        ("Fault", "time"),
        description="The data service's fault envelope [qbo-api §5.1]",
    ),
    "GatewayFault": _obj(
        {
            "fault": _obj(
                {
                    "error": {
                        "type": "array",
                        "minItems": 1,
                        "items": _obj(
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
    "OAuthError": _obj(
        {
            "error": {
                "enum": ["invalid_grant", "invalid_client", "invalid_request", "unsupported_grant_type"]
            },
            "error_description": {"type": "string"},
        },
        ("error",),
        additionalProperties=False,
    ),
    "ControlError": _obj(
        {
            "error": {"type": "string"},
            "detail": {"type": "string"},
            "code": {"type": "string", "pattern": "^[0-9]+$"},
        },
        ("error", "detail"),
    ),
}

# --- OAuth ----------------------------------------------------------------------------------------------
_OAUTH: dict[str, Schema] = {
    "Discovery": _obj(
        {
            k: {"type": "string"}
            for k in (
                "issuer",
                "authorization_endpoint",
                "token_endpoint",
                "userinfo_endpoint",
                "revocation_endpoint",
                "jwks_uri",
            )
        }
        | {"scopes_supported": {"type": "array", "items": {"type": "string"}}},
        (
            "issuer",
            "authorization_endpoint",
            "token_endpoint",
            "userinfo_endpoint",
            "revocation_endpoint",
            "jwks_uri",
        ),
    ),
    "TokenResponse": _obj(
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
    "UserInfo": _obj(
        {"sub": {"type": "string"}, "email": {"type": "string"}, "givenName": {"type": "string"}}, ("sub",)
    ),
    "JWKS": _obj(
        {
            "keys": {
                "type": "array",
                "items": _obj({"kty": {"type": "string"}, "kid": {"type": "string"}}, ("kty",)),
            }
        },
        ("keys",),
    ),
}

# --- request bodies -------------------------------------------------------------------------------------
SEEDED_CUSTOMER: Schema = {
    "enum": ["1", "2", "3"],
    "description": "seeded customers of the default companies",
}
SEEDED_ITEM: Schema = {"enum": ["1", "2"]}
# AU: 5 = GST, 6 = GST free; US: TAX / NON pseudo codes. A code from the other country is a real 6000/6100.
TAX_CODE: Schema = {"enum": ["5", "6", "TAX", "NON"]}
AMOUNT: Schema = {"type": "number", "minimum": 0, "maximum": 100000, "multipleOf": 0.01}
_SALES_LINE = _obj(
    {
        "DetailType": {"const": "SalesItemLineDetail"},
        "Amount": AMOUNT,
        "Description": {"type": "string", "maxLength": 100},
        "SalesItemLineDetail": _obj(
            {
                "ItemRef": _obj({"value": SEEDED_ITEM}, ("value",)),
                "TaxCodeRef": _obj({"value": TAX_CODE}, ("value",)),
                "Qty": {"type": "integer", "minimum": 0, "maximum": 100},
            },
            ("ItemRef", "TaxCodeRef"),
        ),
    },
    ("DetailType", "Amount", "SalesItemLineDetail"),
)
_SALES_FORM = _obj(
    {
        "CustomerRef": _obj({"value": SEEDED_CUSTOMER, "name": {"type": "string"}}, ("value",)),
        "Line": {"type": "array", "minItems": 1, "maxItems": 2, "items": _SALES_LINE},
        "DocNumber": {"type": "string", "maxLength": 21},
        "TxnDate": {"type": "string", "format": "date"},
        "PrivateNote": {"type": "string", "maxLength": 200},
        "GlobalTaxCalculation": {"enum": ["TaxExcluded", "TaxInclusive", "NotApplicable"]},
    },
    ("CustomerRef", "Line"),
)
_WRITE_REF = _obj(
    {
        "Id": {"type": "string", "pattern": "^[0-9]{1,4}$"},
        "SyncToken": {"type": "string", "pattern": "^[0-9]{1,2}$"},
        "sparse": {"type": "boolean"},
        "PrivateNote": {"type": "string", "maxLength": 200},
    },
    ("Id", "SyncToken"),
    description="update (sparse), void and delete name the record by Id+SyncToken",
)
_REQUESTS: dict[str, Schema] = {
    "SalesFormCreate": _SALES_FORM,
    "WriteRef": _WRITE_REF,
    "InvoiceWrite": {"anyOf": [ref("SalesFormCreate"), ref("WriteRef")]},
    "PaymentWrite": {
        "anyOf": [
            _obj(
                {
                    "CustomerRef": _obj({"value": SEEDED_CUSTOMER}, ("value",)),
                    "TotalAmt": AMOUNT,
                    "PaymentRefNum": {"type": "string", "maxLength": 21},
                    "Line": {
                        "type": "array",
                        "maxItems": 2,
                        "items": _obj(
                            {
                                "Amount": AMOUNT,
                                "LinkedTxn": {
                                    "type": "array",
                                    "maxItems": 1,
                                    "items": _obj(
                                        {
                                            "TxnId": {"type": "string", "pattern": "^[0-9]{1,3}$"},
                                            "TxnType": {"const": "Invoice"},
                                        },
                                        ("TxnId", "TxnType"),
                                    ),
                                },
                            },
                            ("Amount",),
                        ),
                    },
                },
                ("CustomerRef", "TotalAmt"),
            ),
            ref("WriteRef"),
        ]
    },
    "CustomerWrite": {
        "anyOf": [
            _obj(
                {
                    "DisplayName": {"type": "string", "minLength": 1, "maxLength": 100},
                    "GivenName": {"type": "string", "maxLength": 25},
                    "FamilyName": {"type": "string", "maxLength": 25},
                    "PrimaryEmailAddr": _obj({"Address": {"type": "string", "format": "email"}}),
                    "CompanyName": {"type": "string", "maxLength": 100},
                },
                ("DisplayName",),
            ),
            ref("WriteRef"),
        ]
    },
    "ItemWrite": {
        "anyOf": [
            _obj(
                {
                    "Name": {"type": "string", "minLength": 1, "maxLength": 100},
                    "Type": {"enum": ["Service", "NonInventory"]},
                    "IncomeAccountRef": _obj({"value": {"enum": ["1", "2"]}}, ("value",)),
                    "UnitPrice": AMOUNT,
                    "Description": {"type": "string", "maxLength": 100},
                },
                ("Name", "IncomeAccountRef"),
            ),
            ref("WriteRef"),
        ]
    },
    "AccountWrite": {
        "anyOf": [
            _obj(
                {
                    "Name": {"type": "string", "minLength": 1, "maxLength": 100},
                    "AccountType": {"enum": ["Bank", "Income", "Expense", "Other Current Asset", "Equity"]},
                    "AcctNum": {"type": "string", "pattern": "^[0-9]{1,7}$"},
                    "Description": {"type": "string", "maxLength": 100},
                },
                ("Name", "AccountType"),
            ),
            ref("WriteRef"),
        ]
    },
    "NamedWrite": {
        "anyOf": [
            _obj(
                {
                    "DisplayName": {"type": "string", "minLength": 1, "maxLength": 100},
                    "Name": {"type": "string", "minLength": 1, "maxLength": 100},
                    "DueDays": {"type": "integer", "minimum": 0, "maximum": 365},
                }
            ),
            ref("WriteRef"),
        ]
    },
    "SingletonUpdate": _obj(
        {
            "Id": {"const": "1"},
            "SyncToken": {"type": "string", "pattern": "^[0-9]{1,2}$"},
            "sparse": {"const": True},
        },
        ("Id", "SyncToken", "sparse"),
    ),
    "TaxServiceRequest": _obj(
        {
            "TaxCode": {"type": "string", "minLength": 1, "maxLength": 100},
            "TaxRateDetails": {
                "type": "array",
                "minItems": 1,
                "maxItems": 2,
                "items": {
                    "anyOf": [
                        _obj(
                            {
                                "TaxRateName": {"type": "string", "minLength": 1, "maxLength": 100},
                                "RateValue": {"type": "string", "pattern": "^[0-9]{1,2}(\\.[0-9])?$"},
                                "TaxAgencyId": {"const": "1"},
                                "TaxApplicableOn": {"enum": ["Sales", "Purchase"]},
                            },
                            ("TaxRateName", "RateValue", "TaxAgencyId"),
                        ),
                        _obj({"TaxRateId": {"type": "string", "pattern": "^[0-9]{1,2}$"}}, ("TaxRateId",)),
                    ]
                },
            },
        },
        ("TaxCode", "TaxRateDetails"),
    ),
    "BatchRequest": _obj(
        {
            "BatchItemRequest": {
                "type": "array",
                "minItems": 1,
                "maxItems": 30,
                "items": {
                    "anyOf": [
                        _obj(
                            {
                                "bId": {"type": "string", "maxLength": 10},
                                "operation": {"const": "create"},
                                "Invoice": ref("SalesFormCreate"),
                            },
                            ("bId", "operation", "Invoice"),
                        ),
                        _obj(
                            {
                                "bId": {"type": "string", "maxLength": 10},
                                "operation": {"enum": ["update", "delete"]},
                                "Invoice": ref("WriteRef"),
                            },
                            ("bId", "operation", "Invoice"),
                        ),
                        _obj(
                            {
                                "bId": {"type": "string", "maxLength": 10},
                                "operation": {"const": "update"},
                                "optionsData": {"const": "void"},
                                "Invoice": ref("WriteRef"),
                            },
                            ("bId", "operation", "optionsData", "Invoice"),
                        ),
                        _obj(
                            {"bId": {"type": "string", "maxLength": 10}, "Query": ref("QueryText")},
                            ("bId", "Query"),
                        ),
                    ]
                },
            }
        },
        ("BatchItemRequest",),
    ),
    "QueryText": {
        "type": "string",
        "minLength": 1,
        "maxLength": 300,
        "examples": ["select * from Invoice where DocNumber = '1001'", "select count(*) from Customer"],
    },
}


def _closed(schema: Any) -> Any:
    """Request schemas list exactly what a client sends: no extra properties (QBO ignores unknown ones, but a
    generator that invents them only exercises that one rule)."""
    if isinstance(schema, dict):
        out = {k: _closed(v) for k, v in schema.items()}
        if out.get("type") == "object" and "properties" in out:
            out.setdefault("additionalProperties", False)
        return out
    if isinstance(schema, list):
        return [_closed(v) for v in schema]
    return schema


#: XML request bodies (QBO's other wire format), in the finance/v3 namespace; codes from both countries
_XML_NS = "http://schema.intuit.com/finance/v3"
CREDIT_MEMO_XML: Schema = {
    "type": "string",
    "enum": [
        f'<CreditMemo xmlns="{_XML_NS}"><Line><Amount>{amount}</Amount>'
        "<DetailType>SalesItemLineDetail</DetailType>"
        f"<SalesItemLineDetail><ItemRef>1</ItemRef><TaxCodeRef>{code}</TaxCodeRef></SalesItemLineDetail></Line>"
        f"<CustomerRef>{customer}</CustomerRef></CreditMemo>"
        for amount, code, customer in (("100.00", "5", "1"), ("42.50", "NON", "2"), ("7", "TAX", "3"))
    ],
}

SCHEMAS: dict[str, Schema] = {
    **_SHARED,
    **_ENTITIES,
    **_ENVELOPES,
    **_COLLECTIONS,
    **_FAULTS,
    **_OAUTH,
    **{name: _closed(schema) for name, schema in _REQUESTS.items()},
}
