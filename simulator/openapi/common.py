"""Building blocks shared by the parts of the OpenAPI document: names, media types, ``$ref``\\s,
parameter and response shapes, and the operation object itself."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]
#: the default companies (AU, US) every fresh simulator has; generated calls name one of them
DEFAULT_REALMS = ["9341452700000001", "9341452700000002"]
JSON = "application/json"
XML = "application/xml"
HTML = "text/html"

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
    # issue 15: the rest of the Accounting API
    "SalesReceipt",
    "RefundReceipt",
    "Estimate",
    "Deposit",
    "Transfer",
    "CreditCardPaymentTxn",
    "JournalEntry",
    "Bill",
    "BillPayment",
    "Purchase",
    "PurchaseOrder",
    "VendorCredit",
    "TimeActivity",
    "RecurringTransaction",
    "PaymentMethod",
    "Class",
    "Department",
    "CompanyCurrency",
    "ExchangeRate",
    "Budget",
)
#: URL segments that are not the JSON name in lower case
SEGMENTS = {"CreditCardPaymentTxn": "creditcardpayment"}


# --- schemas --------------------------------------------------------------------------------------------
def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def envelope_ref(entity: str) -> Schema:
    return ref(f"{entity}Response")


def obj(properties: dict[str, Schema], required: tuple[str, ...] = (), **extra: Any) -> Schema:
    """An object schema; ``extra`` keywords (``description``, ``additionalProperties`` ...) follow
    ``properties``, ``required`` comes last."""
    schema: Schema = {"type": "object", "properties": properties, **extra}
    if required:
        schema["required"] = list(required)
    return schema


# --- parameters -----------------------------------------------------------------------------------------
def _param(
    name: str, location: str, schema: Schema | None, required: bool, description: str | None, example: Any
) -> Schema:
    param: Schema = {"name": name, "in": location, "required": required}
    if description is not None:
        param["description"] = description
    param["schema"] = {"type": "string"} if schema is None else schema
    if example is not None:
        param["example"] = example
    return param


def path_param(
    name: str, schema: Schema | None = None, *, description: str | None = None, example: Any = None
) -> Schema:
    """A required path parameter (a plain string unless ``schema`` says otherwise)."""
    return _param(name, "path", schema, True, description, example)


def query_param(
    name: str,
    schema: Schema | None = None,
    *,
    required: bool = False,
    description: str | None = None,
    example: Any = None,
) -> Schema:
    """A query parameter, optional unless ``required`` (a plain string unless ``schema`` says otherwise)."""
    return _param(name, "query", schema, required, description, example)


# --- responses and operations ---------------------------------------------------------------------------
def json_response(description: str, schema: Schema) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def html_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {HTML: {"schema": {"type": "string"}}}}


def operation(
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
