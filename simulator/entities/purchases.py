"""What a business buys and pays: Bill, BillPayment, Purchase (expense, cheque, card charge), PurchaseOrder,
VendorCredit.

Amounts follow QBO: a bill's ``TotalAmt`` is the sum of its expense lines and its ``Balance`` what bill
payments have not covered; a bill payment linked to a bill writes a new version of the bill (Balance
down, a ``LinkedTxn`` of type ``BillPaymentCheck``/``BillPaymentCreditCard``, SyncToken + 1) and
deleting or voiding it gives the balance back, as :mod:`.payment` does for invoices. A purchase order
posts nothing. Purchase tax on expense lines is not computed (TotalTax 0) [INF: the seeded tax codes
carry sales rates only].
"""

from __future__ import annotations

import copy
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from simulator.entities.base import Op, bump, money, parse_date, ref, resolve_ref, text
from simulator.entities.txn import (
    HEADER_FIELDS,
    ZERO,
    Posting,
    Transaction,
    account_ref,
    amount_of,
    default_account,
    expense_lines,
    expense_postings,
    lines_of,
    list_ref,
    name_ref,
)
from simulator.faults import BusinessValidation, InvalidEnum, InvalidReference, RequiredParamMissing

if TYPE_CHECKING:
    from simulator.company import Company

PAY_TYPES = ("Check", "CreditCard")
PURCHASE_PAYMENT_TYPES = ("Cash", "Check", "CreditCard")
PRINT_STATUSES = ("NotSet", "NeedToPrint", "PrintComplete")
PO_STATUSES = ("Open", "Closed")


def _ap_account(company: Company, fields: dict[str, Any], *, check_type: bool = True) -> dict[str, str] | None:
    given = fields.get("APAccountRef")
    if ref(given) is None:
        return default_account(company, "AccountsPayable")
    return account_ref(company, given, "APAccountRef", types=("Accounts Payable",) if check_type else ())


def _tax_detail() -> dict[str, Any]:
    return {"TotalTax": 0}


class VendorForm(Transaction):
    """Bill, PurchaseOrder and VendorCredit: a vendor, expense lines, an A/P account."""

    field_types: ClassVar[dict[str, str]] = {
        **HEADER_FIELDS, "VendorRef": "ref", "APAccountRef": "ref", "VendorAddr": "object", "Memo": "string",
    }
    check_ap_type: ClassVar[bool] = True

    def fill(self, company: Company, fields: dict[str, Any], op: Op, current: dict[str, Any] | None
             ) -> dict[str, Any]:
        lines, total = expense_lines(company, lines_of(fields))
        out: dict[str, Any] = {"Line": lines, "TxnTaxDetail": _tax_detail(),
                               "VendorRef": name_ref(company, fields.get("VendorRef"), "Vendor", "VendorRef")}
        ap = _ap_account(company, fields, check_type=self.check_ap_type)
        if ap:
            out["APAccountRef"] = ap
        for key in ("VendorAddr", "Memo"):
            if isinstance(fields.get(key), (dict, str)) and fields.get(key):
                out[key] = fields[key]
        out["TotalAmt"] = money(total)
        return out


class Bill(VendorForm):
    name = "Bill"
    field_types = {**VendorForm.field_types, "SalesTermRef": "ref", "DueDate": "date"}

    def fill(self, company: Company, fields: dict[str, Any], op: Op, current: dict[str, Any] | None
             ) -> dict[str, Any]:
        out = super().fill(company, fields, op, current)
        txn_date = parse_date(fields.get("TxnDate"), "TxnDate") or op.today
        term = list_ref(company, fields.get("SalesTermRef"), "Term", "SalesTermRef")
        due_days = 0
        if term:
            out["SalesTermRef"] = term
            due_days = int(company.store("Term").get(term["value"]).get("DueDays", 0))
        due = parse_date(fields.get("DueDate"), "DueDate") or txn_date + timedelta(days=due_days)
        out["DueDate"] = due.isoformat()
        paid = ZERO
        if current is not None:
            paid = Decimal(str(current["TotalAmt"])) - Decimal(str(current["Balance"]))
            out["LinkedTxn"] = list(current.get("LinkedTxn", []))
        total = Decimal(str(out["TotalAmt"]))
        if paid > total:
            raise BusinessValidation(reason="The bill total is less than the payments applied to it.")
        out["Balance"] = money(total - paid)
        return out

    def delete(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        current = self.current(company, body)
        if current.get("LinkedTxn"):
            linked = ", ".join(f"{t['TxnType']} {t['TxnId']}" for t in current["LinkedTxn"])
            raise BusinessValidation(reason=f"This transaction is linked to other transactions ({linked}). "
                                            "Unlink them before deleting it.")
        return super().delete(company, body, op)

    def postings(self, company: Company, record: dict[str, Any]) -> list[Posting]:
        ap = (record.get("APAccountRef") or {}).get("value")
        out = expense_postings(company, record.get("Line", []), 1)
        if ap:
            out.append(Posting(ap, -Decimal(str(record["TotalAmt"]))))
        return out


class PurchaseOrder(VendorForm):
    name = "PurchaseOrder"
    check_ap_type = False  # a PO posts nothing; QBO keeps whatever A/P account it is given [INF]
    field_types = {**VendorForm.field_types, "POStatus": "string", "ShipAddr": "object", "ShipMethodRef": "ref",
                   "POEmail": "object", "DueDate": "date", "SalesTermRef": "ref"}

    def fill(self, company: Company, fields: dict[str, Any], op: Op, current: dict[str, Any] | None
             ) -> dict[str, Any]:
        out = super().fill(company, fields, op, current)
        status = text(fields.get("POStatus")) or "Open"
        if status not in PO_STATUSES:
            raise InvalidEnum(element="POStatus", value=f"POStatus:{status}")
        out["POStatus"] = status
        for key in ("ShipAddr", "ShipMethodRef", "POEmail"):
            if fields.get(key):
                out[key] = fields[key]
        due = parse_date(fields.get("DueDate"), "DueDate")
        if due:
            out["DueDate"] = due.isoformat()
        return out


class VendorCredit(VendorForm):
    name = "VendorCredit"

    def fill(self, company: Company, fields: dict[str, Any], op: Op, current: dict[str, Any] | None
             ) -> dict[str, Any]:
        out = super().fill(company, fields, op, current)
        out["Balance"] = out["TotalAmt"]
        return out

    def postings(self, company: Company, record: dict[str, Any]) -> list[Posting]:
        ap = (record.get("APAccountRef") or {}).get("value")
        out = expense_postings(company, record.get("Line", []), -1)
        if ap:
            out.append(Posting(ap, Decimal(str(record["TotalAmt"]))))
        return out


class Purchase(Transaction):
    """An expense paid at once: cash, a cheque or a card charge (``Credit: true``: a card refund)."""

    name = "Purchase"
    field_types = {**HEADER_FIELDS, "PaymentType": "string", "AccountRef": "ref", "EntityRef": "ref",
                   "Credit": "bool", "PaymentMethodRef": "ref", "PrintStatus": "string", "RemitToAddr": "object",
                   "Memo": "string"}

    def fill(self, company: Company, fields: dict[str, Any], op: Op, current: dict[str, Any] | None
             ) -> dict[str, Any]:
        payment_type = text(fields.get("PaymentType"))
        if payment_type is None:
            raise RequiredParamMissing(param="PaymentType", element="PaymentType")
        if payment_type not in PURCHASE_PAYMENT_TYPES:
            raise InvalidEnum(element="PaymentType", value=f"PaymentType:{payment_type}")
        types = ("Credit Card",) if payment_type == "CreditCard" else ("Bank", "Other Current Asset")
        out: dict[str, Any] = {
            "AccountRef": account_ref(company, fields.get("AccountRef"), "AccountRef", types=types),
            "PaymentType": payment_type,
        }
        entity = ref(fields.get("EntityRef"))
        if entity is not None:
            kind = text((fields.get("EntityRef") or {}).get("type")) if isinstance(fields.get("EntityRef"), dict) \
                else None
            for entity_type in ((kind,) if kind in ("Vendor", "Customer", "Employee") else
                                ("Vendor", "Customer", "Employee")):
                if company.store(entity_type).get(entity["value"]) is not None:
                    found = name_ref(company, entity, entity_type, "EntityRef")
                    out["EntityRef"] = {**found, "type": entity_type}
                    break
            else:
                raise InvalidReference(element="EntityRef", reason="EntityRef")
        method = list_ref(company, fields.get("PaymentMethodRef"), "PaymentMethod", "PaymentMethodRef")
        if method:
            out["PaymentMethodRef"] = method
        if payment_type == "CreditCard":
            out["Credit"] = fields.get("Credit") in (True, "true")
        if payment_type == "Check":
            status = text(fields.get("PrintStatus")) or "NotSet"
            if status not in PRINT_STATUSES:
                raise InvalidEnum(element="PrintStatus", value=f"PrintStatus:{status}")
            out["PrintStatus"] = status
        for key in ("RemitToAddr", "Memo"):
            if fields.get(key):
                out[key] = fields[key]
        lines, total = expense_lines(company, lines_of(fields))
        out.update({"Line": lines, "TxnTaxDetail": _tax_detail(), "TotalAmt": money(total)})
        return out

    def postings(self, company: Company, record: dict[str, Any]) -> list[Posting]:
        sign = -1 if record.get("Credit") else 1
        out = expense_postings(company, record.get("Line", []), sign)
        out.append(Posting(record["AccountRef"]["value"], -sign * Decimal(str(record["TotalAmt"]))))
        return out


class BillPayment(Transaction):
    """Money paid against bills, by cheque (``CheckPayment.BankAccountRef``) or card (``CCAccountRef``)."""

    name = "BillPayment"
    voidable = True
    field_types = {**HEADER_FIELDS, "VendorRef": "ref", "PayType": "string", "CheckPayment": "object",
                   "CreditCardPayment": "object", "TotalAmt": "money", "APAccountRef": "ref",
                   "ProcessBillPayment": "bool"}

    def fill(self, company: Company, fields: dict[str, Any], op: Op, current: dict[str, Any] | None
             ) -> dict[str, Any]:
        vendor = name_ref(company, fields.get("VendorRef"), "Vendor", "VendorRef")
        pay_type = text(fields.get("PayType"))
        if pay_type is None:
            raise RequiredParamMissing(param="PayType", element="PayType")
        if pay_type not in PAY_TYPES:
            raise InvalidEnum(element="PayType", value=f"PayType:{pay_type}")
        out: dict[str, Any] = {"VendorRef": vendor, "PayType": pay_type}
        if pay_type == "Check":
            check = fields.get("CheckPayment") if isinstance(fields.get("CheckPayment"), dict) else {}
            bank = account_ref(company, check.get("BankAccountRef"), "CheckPayment.BankAccountRef",
                               types=("Bank",))
            status = text(check.get("PrintStatus")) or "NeedToPrint"
            if status not in PRINT_STATUSES:
                raise InvalidEnum(element="CheckPayment.PrintStatus", value=f"PrintStatus:{status}")
            out["CheckPayment"] = {"BankAccountRef": bank, "PrintStatus": status}
        else:
            card = fields.get("CreditCardPayment") if isinstance(fields.get("CreditCardPayment"), dict) else {}
            out["CreditCardPayment"] = {"CCAccountRef": account_ref(
                company, card.get("CCAccountRef"), "CreditCardPayment.CCAccountRef", types=("Credit Card",))}
        ap = _ap_account(company, fields)
        if ap:
            out["APAccountRef"] = ap
        total = amount_of(fields.get("TotalAmt"), "TotalAmt")
        lines, applied = [], ZERO
        for raw in lines_of(fields):
            amount = amount_of(raw.get("Amount"), "Line.Amount")
            links = raw.get("LinkedTxn") or []
            links = [links] if isinstance(links, dict) else links
            out_links = []
            for link in links:
                txn_id, txn_type = text(link.get("TxnId")), text(link.get("TxnType"))
                if txn_type not in ("Bill", "VendorCredit") or not txn_id:
                    raise InvalidReference(element="Line.LinkedTxn", reason="Line.LinkedTxn")
                target = company.store(txn_type).get(txn_id)
                if target is None or target.get("VendorRef", {}).get("value") != vendor["value"]:
                    raise InvalidReference(element="Line.LinkedTxn", reason="Line.LinkedTxn")
                if txn_type == "Bill":
                    already = sum((a for i, a in _applications(current) if i == txn_id), ZERO) if current else ZERO
                    if amount > Decimal(str(target["Balance"])) + already:
                        raise BusinessValidation(reason=f"The payment amount {money(amount)} is more than the "
                                                        f"open balance {target['Balance']} of bill {txn_id}.")
                    applied += amount
                out_links.append({"TxnId": txn_id, "TxnType": txn_type})
            lines.append({"Amount": money(amount), "LinkedTxn": out_links})
        if applied > total:
            raise BusinessValidation(reason="The amount applied to bills is more than the payment amount.")
        out.update({"Line": lines, "TotalAmt": money(total)})
        return out

    def applied(self, company: Company, new: dict[str, Any] | None, old: dict[str, Any] | None, op: Op) -> None:
        payment_id = (new or old or {}).get("Id", "")
        kind = "BillPaymentCheck" if (new or old or {}).get("PayType") == "Check" else "BillPaymentCreditCard"
        changes: dict[str, Decimal] = {}
        for bill_id, amount in _applications(old):
            changes[bill_id] = changes.get(bill_id, ZERO) + amount
        for bill_id, amount in _applications(new):
            changes[bill_id] = changes.get(bill_id, ZERO) - amount
        linked_now = {bill_id for bill_id, _ in _applications(new)}
        for bill_id, delta in changes.items():
            current = company.store("Bill").get(bill_id)
            if current is None:
                continue
            bill = copy.deepcopy(current)
            bill["Balance"] = money(Decimal(str(bill["Balance"])) + delta)
            links = [t for t in bill.get("LinkedTxn", []) if t.get("TxnId") != payment_id]
            if bill_id in linked_now:
                links.append({"TxnId": payment_id, "TxnType": kind})
            bill["LinkedTxn"] = links
            bump(bill, op)
            company.save("Bill", bill, op, operation="Update")

    def postings(self, company: Company, record: dict[str, Any]) -> list[Posting]:
        total = Decimal(str(record["TotalAmt"]))
        source = (record.get("CheckPayment") or {}).get("BankAccountRef") or \
            (record.get("CreditCardPayment") or {}).get("CCAccountRef")
        ap = record.get("APAccountRef")
        if not total or not source or not ap:
            return []
        return [Posting(ap["value"], total), Posting(source["value"], -total)]


def _applications(payment: dict[str, Any] | None) -> list[tuple[str, Decimal]]:
    out = []
    for line in (payment or {}).get("Line", []):
        for link in line.get("LinkedTxn", []):
            if link.get("TxnType") == "Bill":
                out.append((link["TxnId"], Decimal(str(line["Amount"]))))
    return out


def vendor_of(company: Company, vendor_id: str) -> dict[str, Any]:
    return resolve_ref(company, "Vendor", {"value": vendor_id}, "VendorRef", label="Names")


__all__ = ["Bill", "BillPayment", "Purchase", "PurchaseOrder", "VendorCredit"]
