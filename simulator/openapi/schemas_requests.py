"""JSON Schemas for what a well-behaved client sends.

They are deliberately narrower than what the simulator accepts (refs draw from the seeded ids, amounts are
small), so generated requests reach the business rules instead of stopping at 2500 "Invalid Reference Id".
"""

from __future__ import annotations

from typing import Any

from simulator.openapi.common import Schema, obj, ref

# --- request bodies -------------------------------------------------------------------------------------
SEEDED_CUSTOMER: Schema = {
    "enum": ["1", "2", "3"],
    "description": "seeded customers of the default companies",
}
SEEDED_ITEM: Schema = {"enum": ["1", "2"]}
# AU: 5 = GST, 6 = GST free; US: TAX / NON pseudo codes. A code from the other country is a real 6000/6100.
TAX_CODE: Schema = {"enum": ["5", "6", "TAX", "NON"]}
AMOUNT: Schema = {"type": "number", "minimum": 0, "maximum": 100000, "multipleOf": 0.01}
_SALES_LINE = obj(
    {
        "DetailType": {"const": "SalesItemLineDetail"},
        "Amount": AMOUNT,
        "Description": {"type": "string", "maxLength": 100},
        "SalesItemLineDetail": obj(
            {
                "ItemRef": obj({"value": SEEDED_ITEM}, ("value",)),
                "TaxCodeRef": obj({"value": TAX_CODE}, ("value",)),
                "Qty": {"type": "integer", "minimum": 0, "maximum": 100},
            },
            ("ItemRef", "TaxCodeRef"),
        ),
    },
    ("DetailType", "Amount", "SalesItemLineDetail"),
)
_SALES_FORM = obj(
    {
        "CustomerRef": obj({"value": SEEDED_CUSTOMER, "name": {"type": "string"}}, ("value",)),
        "Line": {"type": "array", "minItems": 1, "maxItems": 2, "items": _SALES_LINE},
        "DocNumber": {"type": "string", "maxLength": 21},
        "TxnDate": {"type": "string", "format": "date"},
        "PrivateNote": {"type": "string", "maxLength": 200},
        "GlobalTaxCalculation": {"enum": ["TaxExcluded", "TaxInclusive", "NotApplicable"]},
    },
    ("CustomerRef", "Line"),
)
_WRITE_REF = obj(
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
            obj(
                {
                    "CustomerRef": obj({"value": SEEDED_CUSTOMER}, ("value",)),
                    "TotalAmt": AMOUNT,
                    "PaymentRefNum": {"type": "string", "maxLength": 21},
                    "Line": {
                        "type": "array",
                        "maxItems": 2,
                        "items": obj(
                            {
                                "Amount": AMOUNT,
                                "LinkedTxn": {
                                    "type": "array",
                                    "maxItems": 1,
                                    "items": obj(
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
            obj(
                {
                    "DisplayName": {"type": "string", "minLength": 1, "maxLength": 100},
                    "GivenName": {"type": "string", "maxLength": 25},
                    "FamilyName": {"type": "string", "maxLength": 25},
                    "PrimaryEmailAddr": obj({"Address": {"type": "string", "format": "email"}}),
                    "CompanyName": {"type": "string", "maxLength": 100},
                },
                ("DisplayName",),
            ),
            ref("WriteRef"),
        ]
    },
    "ItemWrite": {
        "anyOf": [
            obj(
                {
                    "Name": {"type": "string", "minLength": 1, "maxLength": 100},
                    "Type": {"enum": ["Service", "NonInventory"]},
                    "IncomeAccountRef": obj({"value": {"enum": ["1", "2"]}}, ("value",)),
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
            obj(
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
            obj(
                {
                    "DisplayName": {"type": "string", "minLength": 1, "maxLength": 100},
                    "Name": {"type": "string", "minLength": 1, "maxLength": 100},
                    "DueDays": {"type": "integer", "minimum": 0, "maximum": 365},
                }
            ),
            ref("WriteRef"),
        ]
    },
    # the transactions of issue 15: the header fields every one takes; rules decide what else is required
    "TransactionWrite": {
        "anyOf": [
            obj(
                {
                    "PrivateNote": {"type": "string", "maxLength": 100},
                    "DocNumber": {"type": "string", "minLength": 1, "maxLength": 21},
                    "TxnDate": {"type": "string", "format": "date"},
                    "Amount": {"type": "number", "minimum": -1000, "maximum": 100000},
                }
            ),
            ref("WriteRef"),
        ]
    },
    "SingletonUpdate": obj(
        {
            "Id": {"const": "1"},
            "SyncToken": {"type": "string", "pattern": "^[0-9]{1,2}$"},
            "sparse": {"const": True},
        },
        ("Id", "SyncToken", "sparse"),
    ),
    "TaxServiceRequest": obj(
        {
            "TaxCode": {"type": "string", "minLength": 1, "maxLength": 100},
            "TaxRateDetails": {
                "type": "array",
                "minItems": 1,
                "maxItems": 2,
                "items": {
                    "anyOf": [
                        obj(
                            {
                                "TaxRateName": {"type": "string", "minLength": 1, "maxLength": 100},
                                "RateValue": {"type": "string", "pattern": "^[0-9]{1,2}(\\.[0-9])?$"},
                                "TaxAgencyId": {"const": "1"},
                                "TaxApplicableOn": {"enum": ["Sales", "Purchase"]},
                            },
                            ("TaxRateName", "RateValue", "TaxAgencyId"),
                        ),
                        obj({"TaxRateId": {"type": "string", "pattern": "^[0-9]{1,2}$"}}, ("TaxRateId",)),
                    ]
                },
            },
        },
        ("TaxCode", "TaxRateDetails"),
    ),
    "BatchRequest": obj(
        {
            "BatchItemRequest": {
                "type": "array",
                "minItems": 1,
                "maxItems": 30,
                "items": {
                    "anyOf": [
                        obj(
                            {
                                "bId": {"type": "string", "maxLength": 10},
                                "operation": {"const": "create"},
                                "Invoice": ref("SalesFormCreate"),
                            },
                            ("bId", "operation", "Invoice"),
                        ),
                        obj(
                            {
                                "bId": {"type": "string", "maxLength": 10},
                                "operation": {"enum": ["update", "delete"]},
                                "Invoice": ref("WriteRef"),
                            },
                            ("bId", "operation", "Invoice"),
                        ),
                        obj(
                            {
                                "bId": {"type": "string", "maxLength": 10},
                                "operation": {"const": "update"},
                                "optionsData": {"const": "void"},
                                "Invoice": ref("WriteRef"),
                            },
                            ("bId", "operation", "optionsData", "Invoice"),
                        ),
                        obj(
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
REQUEST_SCHEMAS: dict[str, Schema] = {name: _closed(schema) for name, schema in _REQUESTS.items()}
