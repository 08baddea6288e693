"""SalesReceipt, RefundReceipt and Estimate: sales forms with the invoice's lines, tax and totals.

* SalesReceipt: paid at once, so ``Balance`` is 0 and the money goes to ``DepositToAccountRef``
  (Undeposited Funds unless given); voided with ``operation=update&include=void`` as python-quickbooks
  sends it, or ``operation=void``.
* RefundReceipt: money paid back; ``DepositToAccountRef`` (the account it is paid from) is required
  [INF: QBO's web form requires "Refund from"]; ``Balance`` 0.
* Estimate: posts nothing; ``TxnStatus`` Pending/Accepted/Closed/Rejected; deletable, not voidable.

:func:`sales_postings` gives the double entry of any sales form (invoice included), for the reports.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.entities.base import Op, parse_date, ref, text
from simulator.entities.sales import WRITABLE, SalesForm
from simulator.entities.txn import Posting, account_ref, default_account, list_ref
from simulator.faults import InvalidEnum, RequiredParamMissing, UnsupportedOperation

if TYPE_CHECKING:
    from simulator.company import Company

PAYMENT_FIELDS = ("DepositToAccountRef", "PaymentRefNum", "PaymentType", "CheckPayment", "CreditCardPayment")
ESTIMATE_STATUSES = ("Pending", "Accepted", "Closed", "Rejected")
TAX_PAYABLE_SUBTYPES = ("GlobalTaxPayable", "SalesTaxPayable")


def _sales_type(name: str) -> str:
    if name.endswith("Ref"):
        return "ref"
    if name in ("Line", "CustomField"):
        return "list"
    if name.endswith(("Date", "ShipDate")):
        return "date"
    if name.startswith("Allow") or name in ("ApplyTaxAfterDiscount", "AutoDocNumber"):
        return "bool"
    if name in ("Deposit", "ExchangeRate"):
        return "number"
    if name.endswith(("Addr", "Email", "EmailCc", "EmailBcc", "Memo", "Detail", "Payment")):
        return "object"
    return "string"


#: the declared writable fields of a sales form (name -> type; see EntityType.field_types)
SALES_FIELD_TYPES: dict[str, str] = {name: _sales_type(name) for name in WRITABLE}


class Receipt(SalesForm):
    has_due_date = False
    customer_required = False
    extra_fields = PAYMENT_FIELDS
    field_types = {**SALES_FIELD_TYPES, **{name: _sales_type(name) for name in PAYMENT_FIELDS}}
    deposit_required = False

    def _finish(self, company: Company, record: dict[str, Any], fields: dict[str, Any],
                current: dict[str, Any] | None) -> None:
        given = fields.get("DepositToAccountRef")
        if ref(given) is None and self.deposit_required:
            raise RequiredParamMissing(param="DepositToAccountRef", element="DepositToAccountRef")
        deposit = account_ref(company, given, "DepositToAccountRef", required=False,
                              types=("Bank", "Other Current Asset", "Credit Card")) \
            or default_account(company, "UndepositedFunds")
        if deposit:
            record["DepositToAccountRef"] = deposit
        method = list_ref(company, fields.get("PaymentMethodRef"), "PaymentMethod", "PaymentMethodRef")
        if method:
            record["PaymentMethodRef"] = method
        for key in ("PaymentRefNum", "PaymentType", "CheckPayment", "CreditCardPayment"):
            if fields.get(key):
                record[key] = fields[key]
        record["Balance"] = 0
        record.pop("Deposit", None)

    def update(self, company: Company, body: dict[str, Any], op: Op, *, sparse: bool) -> dict[str, Any]:
        self._check_not_deposited(company, body)
        return super().update(company, body, op, sparse=sparse)

    def delete(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        self._check_not_deposited(company, body)
        return super().delete(company, body, op)

    def void(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        self._check_not_deposited(company, body)
        record = super().void(company, body, op)
        record.pop("Deposit", None)
        return record

    def _check_not_deposited(self, company: Company, body: dict[str, Any]) -> None:
        from simulator.entities.banking import check_not_deposited

        check_not_deposited(company, self.name, self.current(company, body)["Id"])


class SalesReceipt(Receipt):
    name = "SalesReceipt"


class RefundReceipt(Receipt):
    name = "RefundReceipt"
    deposit_required = True

    def void(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        raise UnsupportedOperation(operation="void on RefundReceipt")


class Estimate(SalesForm):
    name = "Estimate"
    extra_fields = ("TxnStatus", "ExpirationDate", "AcceptedBy", "AcceptedDate")
    field_types = {**SALES_FIELD_TYPES, "TxnStatus": "string", "ExpirationDate": "date", "AcceptedBy": "string",
                   "AcceptedDate": "date"}

    def _finish(self, company: Company, record: dict[str, Any], fields: dict[str, Any],
                current: dict[str, Any] | None) -> None:
        status = text(fields.get("TxnStatus")) or "Pending"
        if status not in ESTIMATE_STATUSES:
            raise InvalidEnum(element="TxnStatus", value=f"TxnStatus:{status}")
        record["TxnStatus"] = status
        for key in ("ExpirationDate", "AcceptedDate"):
            day = parse_date(fields.get(key), key)
            if day:
                record[key] = day.isoformat()
        if text(fields.get("AcceptedBy")):
            record["AcceptedBy"] = text(fields.get("AcceptedBy"))
        record.pop("Balance", None)
        record.pop("Deposit", None)

    def void(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        raise UnsupportedOperation(operation="void on Estimate")


def sales_postings(company: Company, entity: str, record: dict[str, Any]) -> list[Posting]:
    """The double entry of a sales form: income (per item's income account), discount and tax against
    A/R (Invoice), the deposit account (SalesReceipt) or reversed (CreditMemo, RefundReceipt)."""
    if entity == "Estimate" or not record.get("TotalAmt"):
        return []
    sign = -1 if entity in ("CreditMemo", "RefundReceipt") else 1
    out: list[Posting] = []
    for line in record.get("Line", []):
        amount = Decimal(str(line.get("Amount", 0)))
        if line.get("DetailType") == "SalesItemLineDetail":
            item = company.store("Item").get(line["SalesItemLineDetail"].get("ItemRef", {}).get("value", "")) or {}
            income = item.get("IncomeAccountRef") or default_account(company, "SalesOfProductIncome")
            if income:
                out.append(Posting(income["value"], -sign * amount))
        elif line.get("DetailType") == "DiscountLineDetail" and amount:
            account = line["DiscountLineDetail"].get("DiscountAccountRef")
            if account and company.store("Account").get(account["value"]):
                out.append(Posting(account["value"], sign * amount))
    tax = Decimal(str((record.get("TxnTaxDetail") or {}).get("TotalTax", 0)))
    if tax:
        payable = next((a for s in TAX_PAYABLE_SUBTYPES if (a := default_account(company, s))), None)
        if payable:
            out.append(Posting(payable["value"], -sign * tax))
    total = Decimal(str(record["TotalAmt"]))
    if entity in ("Invoice", "CreditMemo"):
        counter = default_account(company, "AccountsReceivable")
    else:
        counter = record.get("DepositToAccountRef")
    if counter:
        out.append(Posting(counter["value"], sign * total))
    return out


__all__ = ["SalesReceipt", "RefundReceipt", "Estimate", "sales_postings"]
