"""Payment: money received against invoices.

Applying a payment writes a new version of each invoice it names (Balance down, a
``LinkedTxn`` of type Payment added, SyncToken + 1); deleting or voiding the payment gives the
money back. An invoice with a payment applied cannot be voided (see :mod:`.sales`).
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.entities.base import (
    EntityType,
    Op,
    bump,
    check_sync_token,
    clean,
    decimal,
    money,
    new_meta,
    parse_date,
    ref,
    resolve_ref,
    text,
)
from simulator.entities.fields import Problems, Spec, check_formats, check_lines
from simulator.faults import BusinessValidation, InvalidReference, RequiredParamMissing, TxnCannotBeLinked

if TYPE_CHECKING:
    from simulator.company import Company

WRITABLE = ("CustomerRef", "TotalAmt", "Line", "TxnDate", "PaymentRefNum", "PaymentMethodRef", "PrivateNote",
            "DepositToAccountRef", "ARAccountRef", "CurrencyRef", "ExchangeRate", "ProcessPayment", "TxnSource")


class Payment(EntityType):
    name = "Payment"
    known_fields = frozenset(WRITABLE + (
        "UnappliedAmt", "TxnStatus", "TransactionLocationType", "CreditCardPayment", "TaxExemptionRef",
        "LinkedTxn", "HomeTotalAmt", "domain", "sparse"))
    field_specs = {"PaymentRefNum": Spec(max_length=21), "PrivateNote": Spec(max_length=4000)}
    line_known = frozenset({"Id", "LineNum", "Amount", "LinkedTxn", "LineEx", "Description", "CustomField"})

    def check_properties(self, body: dict[str, Any]) -> None:
        super().check_properties(body)
        check_lines(body.get("Line"), self.line_known, {})

    def create(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        fields = {k: v for k, v in clean(body).items() if k in WRITABLE}
        record, applications = self._build(company, fields, op, current=None)
        self._apply(company, record["Id"], applications, op, sign=1)
        company.save(self.name, record, op, operation="Create")
        return record

    def update(self, company: Company, body: dict[str, Any], op: Op, *, sparse: bool) -> dict[str, Any]:
        current = self.current(company, body)
        check_sync_token(current, body, op)
        _check_not_deposited(company, current)
        given = {k: v for k, v in clean(body).items() if k in WRITABLE}
        fields = {**{k: copy.deepcopy(v) for k, v in current.items() if k in WRITABLE}, **given} if sparse else given
        self._apply(company, current["Id"], _applications(current), op, sign=-1)
        try:
            record, applications = self._build(company, fields, op, current=current)
        except Exception:
            self._apply(company, current["Id"], _applications(current), op, sign=1)
            raise
        self._apply(company, record["Id"], applications, op, sign=1)
        bump(record, op)
        company.save(self.name, record, op, operation="Update")
        return record

    def delete(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        current = self.current(company, body)
        check_sync_token(current, body, op)
        _check_not_deposited(company, current)
        self._apply(company, current["Id"], _applications(current), op, sign=-1)
        company.remove(self.name, current["Id"], op)
        return {"status": "Deleted", "domain": "QBO", "Id": current["Id"]}

    def void(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        current = self.current(company, body)
        check_sync_token(current, body, op)
        _check_not_deposited(company, current)
        self._apply(company, current["Id"], _applications(current), op, sign=-1)
        record = copy.deepcopy(current)
        record["TotalAmt"] = 0
        record["UnappliedAmt"] = 0
        for line in record.get("Line", []):
            line["Amount"] = 0
        record["PrivateNote"] = "Voided"
        bump(record, op)
        company.save(self.name, record, op, operation="Void")
        return record

    def postings(self, company: Company, record: dict[str, Any]) -> list[Any]:
        """Money received: the deposit account (Undeposited Funds by default) up, A/R down."""
        from simulator.entities.txn import Posting, default_account

        total = Decimal(str(record.get("TotalAmt", 0)))
        deposit = record.get("DepositToAccountRef")
        receivable = record.get("ARAccountRef") or default_account(company, "AccountsReceivable")
        if not total or not deposit or not receivable:
            return []
        return [Posting(deposit["value"], total), Posting(receivable["value"], -total)]

    # -- internals --------------------------------------------------------------------------------
    def _build(self, company: Company, fields: dict[str, Any], op: Op, *, current: dict[str, Any] | None
               ) -> tuple[dict[str, Any], list[tuple[str, Decimal]]]:
        problems = Problems()
        if ref(fields.get("CustomerRef")) is None:
            problems.add(RequiredParamMissing(param="CustomerRef", element="CustomerRef"))  # [CAP for Payment]
        check_formats(self.field_specs, fields, problems)
        problems.collect(parse_date, fields.get("TxnDate"), "TxnDate")
        problems.raise_if_any()
        customer = resolve_ref(company, "Customer", ref(fields.get("CustomerRef")), "CustomerRef", label="Names")
        total = decimal(fields.get("TotalAmt"), "TotalAmt")
        if total is None:
            raise BusinessValidation(reason="You must set a transaction amount.")
        lines_out: list[dict[str, Any]] = []
        applications: list[tuple[str, Decimal]] = []
        raw_lines = fields.get("Line") or []
        if not isinstance(raw_lines, list):
            raw_lines = [raw_lines]
        for raw in raw_lines:
            raw = clean(raw) if isinstance(raw, dict) else {}
            amount = decimal(raw.get("Amount"), "Line.Amount")
            if amount is None:
                raise RequiredParamMissing(param="Line.Amount", element="Line.Amount")
            linked = raw.get("LinkedTxn") or []
            if isinstance(linked, dict):
                linked = [linked]
            links = []
            for link in linked:
                txn_id, txn_type = text(link.get("TxnId")), text(link.get("TxnType"))
                if not txn_id or txn_type != "Invoice":
                    raise InvalidReference(element="Line.LinkedTxn",
                                           reason=f"{txn_type or 'LinkedTxn'} element id {txn_id} not found")
                invoice = company.store("Invoice").get(txn_id)
                if invoice is None or invoice["CustomerRef"]["value"] != customer["Id"]:
                    # another customer's (or a missing) invoice cannot be linked: 620, not 2500 (§Q13)
                    raise TxnCannotBeLinked(element="Line.LinkedTxn.TxnId")
                already = Decimal(0)
                if current is not None:
                    already = sum((a for i, a in _applications(current) if i == txn_id), Decimal(0))
                if amount > Decimal(str(invoice["Balance"])) + already:
                    raise BusinessValidation(
                        reason=f"The payment amount {money(amount)} is more than the open balance "
                               f"{invoice['Balance']} of invoice {invoice.get('DocNumber') or txn_id}.")
                applications.append((txn_id, amount))
                links.append({"TxnId": txn_id, "TxnType": "Invoice"})
            lines_out.append({"Amount": money(amount), "LinkedTxn": links})
        applied = sum((a for _, a in applications), Decimal(0))
        if applied > total:
            raise BusinessValidation(reason="The amount applied to invoices is more than the payment amount.")
        txn_date = parse_date(fields.get("TxnDate"), "TxnDate") or op.today
        deposit = ref(fields.get("DepositToAccountRef"))
        if deposit is not None:
            account = resolve_ref(company, "Account", deposit, "DepositToAccountRef", label="Accounts")
            deposit = {"value": account["Id"], "name": account["Name"]}
        deposit = deposit or _undeposited(company)
        record: dict[str, Any] = {
            "domain": "QBO", "sparse": False,
            "Id": current["Id"] if current else company.next_id(self.name),
            "SyncToken": current["SyncToken"] if current else "0",
            "MetaData": dict(current["MetaData"]) if current else new_meta(op),
            "TxnDate": txn_date.isoformat(),
            "CurrencyRef": {"value": company.preferences.get("CurrencyPrefs", {}).get("HomeCurrency", {})
                            .get("value", "USD")},
            "Line": lines_out,
            "CustomerRef": {"value": customer["Id"], "name": customer.get("DisplayName", "")},
            "TotalAmt": money(total),
            "UnappliedAmt": money(total - applied),
            "ProcessPayment": False,
        }
        if deposit:
            record["DepositToAccountRef"] = deposit
        for key in ("PaymentRefNum", "PaymentMethodRef", "PrivateNote", "TxnSource"):
            if key in fields:
                record[key] = fields[key]
        return record, applications

    def _apply(self, company: Company, payment_id: str, applications: list[tuple[str, Decimal]], op: Op,
               *, sign: int) -> None:
        for invoice_id, amount in applications:
            current = company.store("Invoice").get(invoice_id)
            if current is None:
                continue
            invoice = copy.deepcopy(current)
            invoice["Balance"] = money(Decimal(str(invoice["Balance"])) - sign * amount)
            links = [t for t in invoice.get("LinkedTxn", []) if not (t["TxnType"] == "Payment"
                                                                     and t["TxnId"] == payment_id)]
            if sign > 0:
                links.append({"TxnId": payment_id, "TxnType": "Payment"})
            invoice["LinkedTxn"] = links
            bump(invoice, op)
            company.save("Invoice", invoice, op, operation="Update")


def _check_not_deposited(company: Company, current: dict[str, Any]) -> None:
    from simulator.entities.banking import check_not_deposited  # banking builds on the shared helpers

    check_not_deposited(company, "Payment", current["Id"])


def _applications(payment: dict[str, Any]) -> list[tuple[str, Decimal]]:
    out = []
    for line in payment.get("Line", []):
        for link in line.get("LinkedTxn", []):
            if link.get("TxnType") == "Invoice":
                out.append((link["TxnId"], Decimal(str(line["Amount"]))))
    return out


def _undeposited(company: Company) -> dict[str, str] | None:
    for account in company.store("Account").lookup("Name", "Undeposited Funds"):
        return {"value": account["Id"], "name": account["Name"]}
    return None


__all__ = ["Payment"]
