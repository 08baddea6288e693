"""Money moving between the company's own accounts: Deposit, Transfer, CreditCardPayment, JournalEntry.

* Deposit: lines from other accounts (``DepositLineDetail.AccountRef``) or linked payments (from
  Undeposited Funds) into ``DepositToAccountRef``; ``TotalAmt`` = lines − ``CashBack.Amount``.
* Transfer: ``Amount`` from one balance-sheet account to another (not the same one) [INF: QBO's web
  form offers balance-sheet accounts only].
* CreditCardPayment (JSON ``CreditCardPaymentTxn``, URL ``/creditcardpayment``): paying a card
  account from a bank account.
* JournalEntry: debit and credit lines that must balance (QBO's 6000 "Transaction is not balanced").
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.entities.base import Op, money, text
from simulator.entities.txn import (
    HEADER_FIELDS,
    ZERO,
    Posting,
    Transaction,
    account_ref,
    amount_of,
    default_account,
    lines_of,
    list_ref,
    name_ref,
)
from simulator.faults import (
    BusinessValidation,
    DepositedTransaction,
    InvalidEnum,
    InvalidReference,
    RequiredParamMissing,
)

if TYPE_CHECKING:
    from simulator.company import Company

BALANCE_SHEET = ("Asset", "Liability", "Equity")
DEPOSIT_LINKABLE = ("Payment", "SalesReceipt", "RefundReceipt", "Transfer", "JournalEntry")


class Deposit(Transaction):
    name = "Deposit"
    field_types = {**HEADER_FIELDS, "DepositToAccountRef": "ref", "CashBack": "object"}

    def fill(self, company: Company, fields: dict[str, Any], op: Op, current: dict[str, Any] | None
             ) -> dict[str, Any]:
        target = account_ref(company, fields.get("DepositToAccountRef"), "DepositToAccountRef",
                             types=("Bank", "Other Current Asset"))
        raw_lines = lines_of(fields)
        if not raw_lines:
            raise RequiredParamMissing(param="Line", element="Line")
        lines, total = [], ZERO
        for number_, raw in enumerate(raw_lines, start=1):
            amount = amount_of(raw.get("Amount"), "Line.Amount")
            line: dict[str, Any] = {"Id": str(number_), "LineNum": number_}
            if text(raw.get("Description")):
                line["Description"] = text(raw.get("Description"))
            line["Amount"] = money(amount)
            links = raw.get("LinkedTxn") or []
            links = [links] if isinstance(links, dict) else links
            if links:
                out_links = []
                for link in links:
                    txn_id, txn_type = text(link.get("TxnId")), text(link.get("TxnType"))
                    if txn_type not in DEPOSIT_LINKABLE or not txn_id or company.store(txn_type).get(txn_id) is None:
                        raise InvalidReference(element="Line.LinkedTxn", reason="Line.LinkedTxn")
                    elsewhere = deposit_of(company, txn_type, txn_id)
                    if elsewhere is not None and (current is None or elsewhere["Id"] != current["Id"]):
                        raise BusinessValidation(element="Line.LinkedTxn", reason=(
                            f"{txn_type} {txn_id} is already on deposit {elsewhere['Id']}."))  # [INF wording]
                    out_links.append({"TxnId": txn_id, "TxnType": txn_type, "TxnLineId": "0"})
                line["LinkedTxn"] = out_links
            else:
                detail = raw.get("DepositLineDetail") if isinstance(raw.get("DepositLineDetail"), dict) else {}
                out_detail: dict[str, Any] = {"AccountRef": account_ref(
                    company, detail.get("AccountRef"), "Line.DepositLineDetail.AccountRef")}
                entity = detail.get("Entity")
                if entity:
                    out_detail["Entity"] = _entity(company, entity)
                method = list_ref(company, detail.get("PaymentMethodRef"), "PaymentMethod",
                                  "Line.DepositLineDetail.PaymentMethodRef")
                if method:
                    out_detail["PaymentMethodRef"] = method
                class_ref = list_ref(company, detail.get("ClassRef"), "Class", "Line.DepositLineDetail.ClassRef")
                if class_ref:
                    out_detail["ClassRef"] = class_ref
                if text(detail.get("CheckNum")):
                    out_detail["CheckNum"] = text(detail.get("CheckNum"))
                line["DetailType"] = "DepositLineDetail"
                line["DepositLineDetail"] = out_detail
            lines.append(line)
            total += Decimal(str(money(amount)))
        out: dict[str, Any] = {"DepositToAccountRef": target, "Line": lines}
        cash_back = fields.get("CashBack") if isinstance(fields.get("CashBack"), dict) else None
        if cash_back:
            back = amount_of(cash_back.get("Amount"), "CashBack.Amount")
            out["CashBack"] = {"AccountRef": account_ref(company, cash_back.get("AccountRef"), "CashBack.AccountRef"),
                               "Amount": money(back)}
            if cash_back.get("Memo"):
                out["CashBack"]["Memo"] = text(cash_back.get("Memo"))
            total -= back
        out["TotalAmt"] = money(total)
        return out

    def postings(self, company: Company, record: dict[str, Any]) -> list[Posting]:
        out = [Posting(record["DepositToAccountRef"]["value"], Decimal(str(record["TotalAmt"])))]
        undeposited = default_account(company, "UndepositedFunds")
        for line in record.get("Line", []):
            amount = Decimal(str(line.get("Amount", 0)))
            detail = line.get("DepositLineDetail")
            if detail:
                out.append(Posting(detail["AccountRef"]["value"], -amount))
            elif undeposited:
                out.append(Posting(undeposited["value"], -amount))
        cash_back = record.get("CashBack")
        if cash_back:
            out.append(Posting(cash_back["AccountRef"]["value"], Decimal(str(cash_back["Amount"]))))
        return out


def deposit_of(company: Company, txn_type: str, txn_id: str) -> dict[str, Any] | None:
    """The deposit a payment or receipt has been deposited on, if any."""
    for deposit in company.store("Deposit"):
        for line in deposit.get("Line", []):
            for link in line.get("LinkedTxn", []):
                if link["TxnId"] == txn_id and link["TxnType"] == txn_type:
                    return deposit
    return None


def check_not_deposited(company: Company, txn_type: str, txn_id: str) -> None:
    """6540 for a change to a transaction that sits on a deposit (QBO: edit the deposit first) [DOC]."""
    if company.stores.get("Deposit") and deposit_of(company, txn_type, txn_id) is not None:
        raise DepositedTransaction()


def _entity(company: Company, value: Any) -> dict[str, str]:
    kind = text(value.get("type")) if isinstance(value, dict) else None
    for entity in ((kind,) if kind in ("Customer", "Vendor", "Employee") else ("Customer", "Vendor", "Employee")):
        reference = value if isinstance(value, dict) else {"value": value}
        if company.store(entity).get(text(reference.get("value")) or "") is not None:
            return {**name_ref(company, reference, entity, "Line.DepositLineDetail.Entity"), "type": entity}
    raise InvalidReference(element="Line.DepositLineDetail.Entity", reason="Line.DepositLineDetail.Entity")


class Transfer(Transaction):
    name = "Transfer"
    field_types = {**HEADER_FIELDS, "FromAccountRef": "ref", "ToAccountRef": "ref", "Amount": "money"}

    def fill(self, company: Company, fields: dict[str, Any], op: Op, current: dict[str, Any] | None
             ) -> dict[str, Any]:
        source = account_ref(company, fields.get("FromAccountRef"), "FromAccountRef", classifications=BALANCE_SHEET)
        target = account_ref(company, fields.get("ToAccountRef"), "ToAccountRef", classifications=BALANCE_SHEET)
        if source["value"] == target["value"]:  # type: ignore[index]
            raise BusinessValidation(element="ToAccountRef",
                                     reason="You can't transfer money from an account to the same account.")
        amount = amount_of(fields.get("Amount"), "Amount")
        if amount <= 0:
            raise BusinessValidation(element="Amount", reason="The transfer amount must be greater than zero.")
        return {"FromAccountRef": source, "ToAccountRef": target, "Amount": money(amount)}

    def postings(self, company: Company, record: dict[str, Any]) -> list[Posting]:
        amount = Decimal(str(record["Amount"]))
        return [Posting(record["ToAccountRef"]["value"], amount), Posting(record["FromAccountRef"]["value"], -amount)]


class CreditCardPayment(Transaction):
    name = "CreditCardPaymentTxn"
    #: the URL segment and query name differ from the JSON key (python-quickbooks: "Thanks Intuit!")
    aliases = ("CreditCardPayment",)
    field_types = {**HEADER_FIELDS, "BankAccountRef": "ref", "CreditCardAccountRef": "ref", "Amount": "money",
                   "Memo": "string", "VendorRef": "ref", "PrintStatus": "string", "CheckNum": "string"}

    def fill(self, company: Company, fields: dict[str, Any], op: Op, current: dict[str, Any] | None
             ) -> dict[str, Any]:
        bank = account_ref(company, fields.get("BankAccountRef"), "BankAccountRef", classifications=("Asset",))
        card = account_ref(company, fields.get("CreditCardAccountRef"), "CreditCardAccountRef",
                           types=("Credit Card",))
        amount = amount_of(fields.get("Amount"), "Amount")
        if amount <= 0:
            raise BusinessValidation(element="Amount", reason="The payment amount must be greater than zero.")
        out: dict[str, Any] = {"BankAccountRef": bank, "CreditCardAccountRef": card, "Amount": money(amount)}
        vendor = name_ref(company, fields.get("VendorRef"), "Vendor", "VendorRef", required=False)
        if vendor:
            out["VendorRef"] = vendor
        for key in ("Memo", "CheckNum"):
            if text(fields.get(key)):
                out[key] = text(fields.get(key))
        out["PrintStatus"] = text(fields.get("PrintStatus")) or "NotSet"
        return out

    def postings(self, company: Company, record: dict[str, Any]) -> list[Posting]:
        amount = Decimal(str(record["Amount"]))
        return [Posting(record["CreditCardAccountRef"]["value"], amount),
                Posting(record["BankAccountRef"]["value"], -amount)]


class JournalEntry(Transaction):
    name = "JournalEntry"
    field_types = {**HEADER_FIELDS, "Adjustment": "bool"}

    def fill(self, company: Company, fields: dict[str, Any], op: Op, current: dict[str, Any] | None
             ) -> dict[str, Any]:
        raw_lines = lines_of(fields)
        if not raw_lines:
            raise RequiredParamMissing(param="Line", element="Line")
        lines, debits, credits = [], ZERO, ZERO
        for number_, raw in enumerate(raw_lines, start=1):
            detail = raw.get("JournalEntryLineDetail")
            if not isinstance(detail, dict):
                raise RequiredParamMissing(param="Line.JournalEntryLineDetail", element="Line.JournalEntryLineDetail")
            amount = amount_of(raw.get("Amount"), "Line.Amount")
            posting = text(detail.get("PostingType"))
            if posting not in ("Debit", "Credit"):
                raise InvalidEnum(element="Line.JournalEntryLineDetail.PostingType",
                                  value=f"PostingType:{posting}")
            out_detail: dict[str, Any] = {"PostingType": posting, "AccountRef": account_ref(
                company, detail.get("AccountRef"), "Line.JournalEntryLineDetail.AccountRef")}
            entity = detail.get("Entity")
            if isinstance(entity, dict) and entity.get("EntityRef"):
                kind = text(entity.get("Type")) or "Customer"
                out_detail["Entity"] = {"Type": kind, "EntityRef": name_ref(
                    company, entity["EntityRef"], kind if kind in ("Vendor", "Employee") else "Customer",
                    "Line.JournalEntryLineDetail.Entity.EntityRef")}
            class_ref = list_ref(company, detail.get("ClassRef"), "Class", "Line.JournalEntryLineDetail.ClassRef")
            if class_ref:
                out_detail["ClassRef"] = class_ref
            line: dict[str, Any] = {"Id": str(number_ - 1)}
            if text(raw.get("Description")):
                line["Description"] = text(raw.get("Description"))
            line.update({"Amount": money(amount), "DetailType": "JournalEntryLineDetail",
                         "JournalEntryLineDetail": out_detail})
            lines.append(line)
            if posting == "Debit":
                debits += Decimal(str(money(amount)))
            else:
                credits += Decimal(str(money(amount)))
        if debits != credits:
            raise BusinessValidation(element="Line", reason="Transaction is not balanced. Please make sure the "
                                                            "debits and credits are equal.")  # [INF wording]
        return {"Adjustment": fields.get("Adjustment") in (True, "true"), "Line": lines,
                "TxnTaxDetail": {}, "TotalAmt": money(debits)}

    def postings(self, company: Company, record: dict[str, Any]) -> list[Posting]:
        out = []
        for line in record.get("Line", []):
            detail = line["JournalEntryLineDetail"]
            amount = Decimal(str(line["Amount"]))
            out.append(Posting(detail["AccountRef"]["value"], amount if detail["PostingType"] == "Debit" else -amount))
        return out


__all__ = ["Deposit", "Transfer", "CreditCardPayment", "JournalEntry"]
