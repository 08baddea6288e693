"""Caspen documents → QuickBooks JSON, and QuickBooks' totals → a comparison with Caspen's.

* ``DocNumber`` is Caspen's number; dates are the issue and due dates.
* Every service line posts to the default Service item, every product line to the default
  Product item, with ``Qty``/``UnitPrice``/``Amount``.
* Tax exclusive: ``Amount = qty × price``. Tax inclusive: ``TaxInclusiveAmt`` is the gross and
  ``Amount = round(gross / (1 + rate))`` — QuickBooks keeps the gross authoritative and reports the
  net, then taxes the summed nets per rate (the same arithmetic as :func:`sync_client.domain.compute_totals`).
* ``TaxCodeRef`` is the QuickBooks tax code the line's Caspen rate is linked to. A rate that is
  not linked is sent **without** ``TaxCodeRef`` on purpose: QuickBooks answers 6000 and the card
  tells the user to link the rate (the article's documented path), rather than Caspen guessing.
* Discounts are one ``DiscountLineDetail`` line (percentage or fixed amount).
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from sync_client.domain import HUNDRED, Document, LineKind, TaxMode, TaxRate, Totals, cents

__all__ = ["GLOBAL_TAX", "document_payload", "payload_hash", "compare_totals", "payment_payload"]

#: QuickBooks US line tax codes: taxable, non-taxable (the rate is the invoice's TxnTaxCodeRef)
US_PSEUDO_CODES = ("TAX", "NON")
GLOBAL_TAX = {TaxMode.EXCLUSIVE: "TaxExcluded", TaxMode.INCLUSIVE: "TaxInclusive", TaxMode.NONE: "NotApplicable"}


def _money(value: Decimal) -> float:
    return float(cents(value))


def _number(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def document_payload(document: Document, *, customer_id: str, item_ids: dict[str, str],
                     rates: dict[str, TaxRate], due_date: Any = None, us_sales_tax: bool = False) -> dict[str, Any]:
    """The body of a QuickBooks Invoice / CreditMemo create (add ``Id``/``SyncToken`` to update).

    ``us_sales_tax``: a US company, where a line is only taxable (``TAX``) or not (``NON``) and the rate
    comes from one sales tax code for the whole invoice (``TxnTaxDetail.TxnTaxCodeRef``): a Caspen rate
    linked to a sales tax code makes its lines ``TAX`` and names that code on the invoice; a rate linked
    to ``NON`` makes them non-taxable (QuickBooks Online US, Invoice reference: TaxCodeRef, TxnTaxDetail).
    """
    lines: list[dict[str, Any]] = []
    sales_tax_code: str | None = None
    for line in document.lines:
        rate = rates.get(line.tax_rate) if line.tax_rate else None
        detail: dict[str, Any] = {
            "ItemRef": {"value": item_ids[line.kind if line.kind in LineKind.ALL else LineKind.SERVICE]},
            "Qty": _number(line.quantity),
            "UnitPrice": _number(line.unit_price),
        }
        amount = line.amount
        if document.tax_mode == TaxMode.INCLUSIVE:
            percent = rate.percent if rate is not None else Decimal(0)
            detail["TaxInclusiveAmt"] = _money(line.amount)
            amount = cents(line.amount / (1 + percent / HUNDRED))
        if rate is not None and rate.qbo_tax_code_id:
            code = rate.qbo_tax_code_id
            if us_sales_tax and code not in US_PSEUDO_CODES:
                sales_tax_code, code = code, "TAX"
            detail["TaxCodeRef"] = {"value": code}
        wire: dict[str, Any] = {"DetailType": "SalesItemLineDetail", "Amount": _money(amount),
                                "SalesItemLineDetail": detail}
        if line.description:
            wire["Description"] = line.description
        lines.append(wire)
    if document.discount is not None and document.lines:
        if document.discount.kind == "percent":
            lines.append({"DetailType": "DiscountLineDetail",
                          "DiscountLineDetail": {"PercentBased": True,
                                                 "DiscountPercent": _number(document.discount.value)}})
        else:
            lines.append({"DetailType": "DiscountLineDetail", "Amount": _money(document.discount.value),
                          "DiscountLineDetail": {"PercentBased": False}})
    body: dict[str, Any] = {
        "CustomerRef": {"value": customer_id},
        "DocNumber": document.number,
        "Line": lines,
        "GlobalTaxCalculation": GLOBAL_TAX[document.tax_mode],
    }
    if sales_tax_code is not None:
        body["TxnTaxDetail"] = {"TxnTaxCodeRef": {"value": sales_tax_code}}
    if document.issue_date is not None:
        body["TxnDate"] = document.issue_date.isoformat()
    if due_date is not None:
        body["DueDate"] = due_date.isoformat()
    return body


def payload_hash(payload: dict[str, Any]) -> str:
    """A stable fingerprint: an update is sent only when what QuickBooks holds would change."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode("utf-8")).hexdigest()[:32]


def compare_totals(caspen: Totals, record: dict[str, Any]) -> str | None:
    """``None`` when QuickBooks' ``TotalAmt`` and tax equal Caspen's to the cent, else what differs."""
    qbo_total = Decimal(str(record.get("TotalAmt", "0")))
    qbo_tax = Decimal(str((record.get("TxnTaxDetail") or {}).get("TotalTax", "0")))
    problems = []
    if cents(qbo_total) != cents(caspen.total):
        problems.append(f"total: Caspen {cents(caspen.total)}, QuickBooks {cents(qbo_total)}")
    if cents(qbo_tax) != cents(caspen.tax):
        problems.append(f"tax: Caspen {cents(caspen.tax)}, QuickBooks {cents(qbo_tax)}")
    return "Totals differ from QuickBooks (" + "; ".join(problems) + ")" if problems else None


def payment_payload(*, customer_id: str, invoice_qbo_id: str, amount: Decimal, paid_on: Any,
                    payment_id: int) -> dict[str, Any]:
    """A QuickBooks Payment applied to exactly one invoice, tagged so import never takes it back."""
    return {
        "CustomerRef": {"value": customer_id},
        "TotalAmt": _money(amount),
        "TxnDate": paid_on.isoformat(),
        "PrivateNote": f"Caspen payment {payment_id}",
        "Line": [{"Amount": _money(amount), "LinkedTxn": [{"TxnId": invoice_qbo_id, "TxnType": "Invoice"}]}],
    }
