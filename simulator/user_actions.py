"""What a person does in QuickBooks' web UI, for tests to act out the documented fixes.

The article's fixes happen on the QuickBooks side: renumber the clashing invoice, create or
re-activate a tax code, record a payment, switch a preference. These functions do exactly that
to a company (no SyncToken needed: the UI always edits the latest version), through the same
entity rules the API uses, so every change shows up in reads, queries, CDC and webhooks.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from simulator.company import SALES_FORMS, Company
from simulator.entities import BY_NAME
from simulator.entities.base import bump, op_for
from simulator.entities.names import deactivate_by_user
from simulator.entities.tax import create_tax_code

__all__ = ["ActionError", "find_sales_form", "renumber", "edit", "unlink_payments", "create_invoice", "create_tax_code_with_rate",
           "set_tax_code_active", "record_payment", "set_preference", "set_setting", "find_tax_code"]


class ActionError(LookupError):
    """A user action that names something the company does not have."""


def find_sales_form(company: Company, reference: str, entity: str | None = None) -> tuple[str, dict[str, Any]]:
    """A sales form by DocNumber (or by Id when none has that number)."""
    for name in ((entity,) if entity else SALES_FORMS):
        found = company.store(name).lookup("DocNumber", reference)
        if found:
            return name, found[0]
    for name in ((entity,) if entity else SALES_FORMS):
        record = company.store(name).get(reference)
        if record is not None:
            return name, record
    raise ActionError(f"company {company.realm_id} has no {entity or 'sales form'} numbered or with Id {reference!r}")


def renumber(company: Company, reference: str, new_number: str, *, entity: str | None = None) -> dict[str, Any]:
    """Give a document a new DocNumber, as a user editing it in QuickBooks would."""
    with company.lock:
        name, current = find_sales_form(company, reference, entity)
        body = {**copy.deepcopy(current), "DocNumber": new_number, "sparse": True}
        return BY_NAME[name].update(company, body, op_for(company), sparse=True)


def edit(company: Company, reference: str, fields: dict[str, Any], *, entity: str | None = None) -> dict[str, Any]:
    """Change some fields of a document (its memo, its note...) and save, as a user in QuickBooks would:
    a sparse update, so its SyncToken moves and an API client holding the old one gets a 5010."""
    if not fields:
        raise ActionError("say which fields to change, e.g. {\"PrivateNote\": \"Client called\"}")
    with company.lock:
        name, current = find_sales_form(company, reference, entity)
        body = {**{k: v for k, v in current.items() if k in ("Id", "SyncToken")}, **fields, "sparse": True}
        return BY_NAME[name].update(company, body, op_for(company), sparse=True)


def unlink_payments(company: Company, reference: str) -> list[dict[str, Any]]:
    """Unlink every payment from an invoice, as a user editing each payment in QuickBooks would: the
    payment keeps its total as the customer's unapplied credit; the invoice's balance and LinkedTxn follow."""
    with company.lock:
        _, invoice = find_sales_form(company, reference, "Invoice")
        changed = []
        for payment in list(company.store("Payment")):
            lines = payment.get("Line") or []
            kept = [line for line in lines if not any(t.get("TxnType") == "Invoice" and t.get("TxnId") == invoice["Id"]
                                                      for t in line.get("LinkedTxn", []))]
            if len(kept) != len(lines):
                body = {"Id": payment["Id"], "SyncToken": payment["SyncToken"], "Line": kept, "sparse": True}
                changed.append(BY_NAME["Payment"].update(company, body, op_for(company), sparse=True))
        if not changed:
            raise ActionError(f"no payment in company {company.realm_id} is linked to invoice {reference!r}")
        return changed


def create_invoice(company: Company, *, customer: str, lines: list[dict[str, Any]], doc_number: str | None = None,
                   entity: str = "Invoice", **fields: Any) -> dict[str, Any]:
    """Key an invoice in by hand. ``customer`` is a DisplayName or Id; lines are QBO lines."""
    with company.lock:
        customer_record = _find_name(company, "Customer", customer, "DisplayName")
        body: dict[str, Any] = {"CustomerRef": {"value": customer_record["Id"]}, "Line": lines, **fields}
        if doc_number:
            body["DocNumber"] = doc_number
        op = op_for(company, include=frozenset({"allowduplicatedocnum"}))  # the UI lets a user override the warning
        return BY_NAME[entity].create(company, body, op)


def find_tax_code(company: Company, reference: str) -> dict[str, Any]:
    return _find_name(company, "TaxCode", reference, "Name")


def create_tax_code_with_rate(company: Company, name: str, rate_percent: Any, *, rate_name: str | None = None
                              ) -> dict[str, Any]:
    """Settings → Taxes → add a tax code with a new sales rate."""
    with company.lock:
        agencies = list(company.store("TaxAgency"))
        if not agencies:
            raise ActionError(f"company {company.realm_id} has no tax agency")
        result = create_tax_code(company, {"TaxCode": name, "TaxRateDetails": [{
            "TaxRateName": rate_name or f"{name} (sales)", "RateValue": str(rate_percent),
            "TaxAgencyId": agencies[0]["Id"], "TaxApplicableOn": "Sales"}]}, op_for(company))
        return company.store("TaxCode").get(result["TaxCodeId"]) or {}


def set_tax_code_active(company: Company, reference: str, active: bool) -> dict[str, Any]:
    with company.lock:
        code = find_tax_code(company, reference)
        return deactivate_by_user(company, "TaxCode", code["Id"], active, op_for(company))


def record_payment(company: Company, invoices: list[tuple[str, Any]], *, total: Any = None,
                   reference: str | None = None) -> dict[str, Any]:
    """Receive payment: one payment applied to one or more invoices (``[(doc number or Id, amount)]``)."""
    with company.lock:
        lines, customer_id, sum_ = [], None, Decimal(0)
        for invoice_ref, amount in invoices:
            _, invoice = find_sales_form(company, invoice_ref, "Invoice")
            if customer_id not in (None, invoice["CustomerRef"]["value"]):
                raise ActionError("one payment can only pay invoices of one customer")
            customer_id = invoice["CustomerRef"]["value"]
            lines.append({"Amount": str(amount), "LinkedTxn": [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]})
            sum_ += Decimal(str(amount))
        body = {"CustomerRef": {"value": customer_id}, "TotalAmt": str(total if total is not None else sum_),
                "Line": lines}
        if reference:
            body["PaymentRefNum"] = reference
        return BY_NAME["Payment"].create(company, body, op_for(company))


def set_preference(company: Company, path: str, value: Any) -> dict[str, Any]:
    """``set_preference(c, "SalesFormsPrefs.CustomTxnNumbers", False)``."""
    with company.lock:
        record = copy.deepcopy(company.preferences)
        *parents, leaf = path.split(".")
        node = record
        for part in parents:
            if not isinstance(node.get(part), dict):
                raise ActionError(f"Preferences has no section {part!r} (path {path!r})")
            node = node[part]
        if leaf not in node:
            raise ActionError(f"Preferences has no field {path!r}")
        node[leaf] = value
        op = op_for(company)
        bump(record, op)
        company.save("Preferences", record, op, operation="Update")
        return record


def set_setting(company: Company, name: str, value: Any) -> dict[str, Any]:
    if name not in company.settings:
        raise ActionError(f"unknown company setting {name!r}; known: {', '.join(sorted(company.settings))}")
    company.settings[name] = value
    return dict(company.settings)


def _find_name(company: Company, entity: str, reference: str, key: str) -> dict[str, Any]:
    found = company.store(entity).lookup(key, reference) or (
        [company.store(entity).get(reference)] if company.store(entity).get(reference) else [])
    if not found:
        raise ActionError(f"company {company.realm_id} has no {entity} named or with Id {reference!r}")
    return found[0]
