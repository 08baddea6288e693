"""JSON Schemas for the entities as QBO returns them, and their envelopes
(``{"Invoice": {...}, "time": ...}``) [qbo-api §1.3, §7].

They pin what clients rely on (types of ``Id``/``SyncToken``, the envelope keys, ``time`` as a date-time)
and allow additional properties, because QBO adds fields freely.
"""

from __future__ import annotations

from simulator.openapi.common import ENTITY_NAMES, Schema, obj, ref

ID: Schema = {"type": "string", "minLength": 1, "description": "Ids are strings (numeric per company)"}
SYNC_TOKEN: Schema = {"type": "string", "pattern": "^[0-9]+$", "description": "an integer in a string"}
QBO_TIME: Schema = {"type": "string", "format": "date-time", "description": "company time zone, with offset"}
MONEY: Schema = {"type": "number"}
NULLABLE_STRING: Schema = {"type": ["string", "null"]}

# --- shared pieces ------------------------------------------------------------------------------------
_SHARED: dict[str, Schema] = {
    "Ref": obj(
        {"value": {"type": "string"}, "name": {"type": "string"}, "type": {"type": "string"}},
        ("value",),
        description='A reference to another entity: `{"value": Id, "name": ...}`',
    ),
    "MetaData": obj({"CreateTime": QBO_TIME, "LastUpdatedTime": QBO_TIME}, ("LastUpdatedTime",)),
    "Address": obj(
        {
            "Id": ID,
            "Line1": {"type": "string"},
            "City": {"type": "string"},
            "CountrySubDivisionCode": {"type": "string"},
            "PostalCode": {"type": "string"},
            "Country": {"type": "string"},
        }
    ),
    "Line": obj(
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
    "TxnTaxDetail": obj(
        {
            "TxnTaxCodeRef": ref("Ref"),
            "TotalTax": MONEY,
            "TaxLine": {
                "type": "array",
                "items": obj(
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
    "Invoice": obj(
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
    "CreditMemo": obj(
        {**_TXN, "Balance": MONEY, "RemainingCredit": MONEY},
        ("Id", "SyncToken", "Line", "CustomerRef", "TotalAmt", "MetaData"),
    ),
    "Payment": obj(
        {**_TXN, "UnappliedAmt": MONEY, "PaymentRefNum": {"type": "string"}},
        ("Id", "SyncToken", "CustomerRef", "TotalAmt", "MetaData"),
    ),
    "Customer": obj(
        {
            **_NAMED,
            "DisplayName": {"type": "string"},
            "Balance": MONEY,
            "PrimaryEmailAddr": {"type": "object"},
            "BillAddr": ref("Address"),
        },
        ("Id", "SyncToken", "DisplayName", "Active", "MetaData"),
    ),
    "Vendor": obj(
        {**_NAMED, "DisplayName": {"type": "string"}}, ("Id", "SyncToken", "DisplayName", "Active")
    ),
    "Employee": obj(
        {**_NAMED, "DisplayName": {"type": "string"}}, ("Id", "SyncToken", "DisplayName", "Active")
    ),
    "Item": obj(
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
    "Account": obj(
        {
            **_NAMED,
            "Name": {"type": "string"},
            "AccountType": {"type": "string"},
            "Classification": {"type": "string"},
            "CurrentBalance": MONEY,
        },
        ("Id", "SyncToken", "Name", "AccountType", "Active"),
    ),
    "TaxAgency": obj({**_NAMED, "DisplayName": {"type": "string"}}, ("Id", "DisplayName")),
    "Term": obj({**_NAMED, "Name": {"type": "string"}, "DueDays": {"type": "integer"}}, ("Id", "Name")),
    # the US pseudo codes TAX/NON carry no SyncToken or domain [qbo-api §8]
    "TaxCode": obj(
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
    "TaxRate": obj(
        {
            **_BASE,
            "Name": {"type": "string"},
            "RateValue": {"type": "number"},
            "AgencyRef": ref("Ref"),
            "Active": {"type": "boolean"},
        },
        ("Id", "Name", "RateValue"),
    ),
    "CompanyInfo": obj(
        {**_BASE, "CompanyName": {"type": "string"}, "Country": {"type": "string"}},
        ("Id", "SyncToken", "CompanyName"),
    ),
    "Preferences": obj(
        {**_BASE, "SalesFormsPrefs": {"type": "object"}, "TaxPrefs": {"type": "object"}}, ("Id", "SyncToken")
    ),
}
#: issue 15's entities: the common shape (their fields are in the entity rules' ``field_types``)
for _name in ("SalesReceipt", "RefundReceipt", "Estimate", "Deposit", "Transfer", "CreditCardPaymentTxn",
              "JournalEntry", "Bill", "BillPayment", "Purchase", "PurchaseOrder", "VendorCredit", "TimeActivity"):
    _ENTITIES[_name] = obj({**_TXN}, ("Id", "SyncToken", "MetaData"))
for _name in ("PaymentMethod", "Class", "Department", "CompanyCurrency", "Budget"):
    _ENTITIES[_name] = obj({**_NAMED, "Name": {"type": "string"}}, ("Id", "SyncToken", "Name"))
# no Id on the wire: one rate per (SourceCurrencyCode, AsOfDate)
_ENTITIES["ExchangeRate"] = obj({"SourceCurrencyCode": {"type": "string"}, "TargetCurrencyCode": {"type": "string"},
                                 "Rate": {"type": "number"}, "AsOfDate": {"type": "string", "format": "date"},
                                 "SyncToken": SYNC_TOKEN}, ("SourceCurrencyCode", "Rate"))
# the template wrapped in its type's key: {"Invoice": {...}}
_ENTITIES["RecurringTransaction"] = obj({}, (), description="one key, the template's type, holding the template")
_ENVELOPES: dict[str, Schema] = {}
for _name in ENTITY_NAMES:
    _entity = ref(_name)
    if _name in ("Invoice", "CreditMemo", "Payment", "SalesReceipt", "RefundReceipt", "Estimate", "Deposit",
                 "Transfer", "CreditCardPaymentTxn", "JournalEntry", "Bill", "BillPayment", "Purchase",
                 "PurchaseOrder", "VendorCredit", "TimeActivity", "RecurringTransaction"):
        _entity = {"anyOf": [ref(_name), ref("DeletedTransaction")]}
    _ENVELOPES[f"{_name}Response"] = obj({_name: _entity, "time": QBO_TIME}, (_name, "time"))

ENTITY_SCHEMAS: dict[str, Schema] = {**_SHARED, **_ENTITIES, **_ENVELOPES}
