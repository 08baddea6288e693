"""What the non-sales transactions share: the header fields, expense lines, account checks and postings.

Bill, BillPayment, Purchase, PurchaseOrder, VendorCredit (:mod:`.purchases`), Deposit, Transfer,
CreditCardPayment, JournalEntry (:mod:`.banking`) and TimeActivity build on :class:`Transaction`.
As for invoices, every field QBO computes (Id, SyncToken, MetaData, line Ids, TotalAmt, Balance,
reference names) is rebuilt from the writable fields; whatever the client sent for them is ignored.

Postings: every posting transaction answers :meth:`Transaction.postings`, the double-entry lines it
puts in the books as :class:`Posting` (account Id, signed amount: positive is a debit, negative a
credit; they sum to zero). The reports read these, so a transaction's effect on the books is defined
once, here, beside the rule that computes its amounts.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

from simulator.entities.base import (
    EntityType,
    Op,
    bump,
    check_length,
    check_sync_token,
    clean,
    decimal,
    money,
    new_meta,
    number,
    parse_date,
    ref,
    resolve_ref,
    text,
)
from simulator.faults import (
    AccountPeriodClosed,
    BusinessValidation,
    InvalidCompanyStatus,
    InvalidEnum,
    InvalidProperty,
    InvalidReference,
    RequiredParamMissing,
)

if TYPE_CHECKING:
    from simulator.company import Company

ZERO = Decimal(0)

#: header fields every transaction accepts (name -> type, see EntityType.field_types)
HEADER_FIELDS: dict[str, str] = {
    "DocNumber": "string", "TxnDate": "date", "PrivateNote": "string", "CurrencyRef": "ref",
    "ExchangeRate": "number", "DepartmentRef": "ref", "TxnSource": "string", "TransactionLocationType": "string",
    "GlobalTaxCalculation": "string", "TxnTaxDetail": "object", "Line": "list", "LinkedTxn": "list",
    "CustomField": "list",
}
BILLABLE_STATUSES = ("Billable", "NotBillable", "HasBeenBilled")


class Posting(NamedTuple):
    """One line a transaction posts: ``amount`` > 0 debits ``account`` (an Account Id), < 0 credits it."""

    account: str
    amount: Decimal


class Transaction(EntityType):
    """A transaction that is not a sales form. Subclasses fill :meth:`fill` and :meth:`postings`."""

    voidable: ClassVar[bool] = False
    #: Id sequence; QBO numbers transactions from one sequence (see company.TRANSACTIONS)
    field_types: ClassVar[dict[str, str]] = HEADER_FIELDS

    # -- operations -------------------------------------------------------------------------------
    def create(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        record = self.build(company, self.writable(body), op, current=None)
        self.applied(company, record, None, op)
        company.save(self.name, record, op, operation="Create")
        return record

    def update(self, company: Company, body: dict[str, Any], op: Op, *, sparse: bool) -> dict[str, Any]:
        current = self.current(company, body)
        check_sync_token(current, body, op)
        given = self.writable(body)
        fields = {**{k: copy.deepcopy(v) for k, v in current.items() if k in self.field_types}, **given} \
            if sparse else given
        record = self.build(company, fields, op, current=current)
        bump(record, op)
        self.applied(company, record, current, op)
        company.save(self.name, record, op, operation="Update")
        return record

    def delete(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        current = self.current(company, body)
        check_sync_token(current, body, op)
        check_books(company, current, op)
        self.applied(company, None, current, op)
        company.remove(self.name, current["Id"], op)
        return {"status": "Deleted", "domain": "QBO", "Id": current["Id"]}

    def void(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        if not self.voidable:
            return super().void(company, body, op)
        current = self.current(company, body)
        check_sync_token(current, body, op)
        check_books(company, current, op)
        self.applied(company, None, current, op)
        record = self.voided(copy.deepcopy(current))
        note = record.get("PrivateNote")
        record["PrivateNote"] = "Voided" if not note or note.startswith("Voided") else f"Voided - {note}"
        bump(record, op)
        company.save(self.name, record, op, operation="Void")
        return record

    # -- hooks ------------------------------------------------------------------------------------
    def writable(self, body: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in clean(body).items() if k in self.field_types}

    def build(self, company: Company, fields: dict[str, Any], op: Op, *, current: dict[str, Any] | None
              ) -> dict[str, Any]:
        """The record as QBO would store it; raises a catalogued fault for invalid input, saving nothing."""
        check_company(company)
        txn_date = parse_date(fields.get("TxnDate"), "TxnDate") or op.today
        check_closed(company, txn_date.isoformat())
        record: dict[str, Any] = {
            "domain": "QBO", "sparse": False,
            "Id": current["Id"] if current else company.next_id(self.name),
            "SyncToken": current["SyncToken"] if current else "0",
            "MetaData": dict(current["MetaData"]) if current else new_meta(op),
        }
        doc_number = text(fields.get("DocNumber"))
        if doc_number is not None:
            check_length(doc_number, "DocNumber", 21)
            record["DocNumber"] = doc_number
        record["TxnDate"] = txn_date.isoformat()
        record["CurrencyRef"] = home_currency(company)
        for key in ("PrivateNote", "TxnSource", "CustomField"):
            if key in fields:
                record[key] = fields[key]
        department = ref(fields.get("DepartmentRef"))
        if department:
            found = resolve_ref(company, "Department", department, "DepartmentRef", label="Department")
            record["DepartmentRef"] = {"value": found["Id"], "name": found["Name"]}
        record.update(self.fill(company, fields, op, current))
        return record

    def fill(self, company: Company, fields: dict[str, Any], op: Op, current: dict[str, Any] | None
             ) -> dict[str, Any]:
        return {}

    def applied(self, company: Company, new: dict[str, Any] | None, old: dict[str, Any] | None, op: Op) -> None:
        """Side effects on other records (a bill's Balance when a payment links it); ``new`` None: undone."""

    def voided(self, record: dict[str, Any]) -> dict[str, Any]:
        for line in record.get("Line", []):
            if "Amount" in line:
                line["Amount"] = 0
        for key in ("TotalAmt", "Balance", "Amount"):
            if key in record:
                record[key] = 0
        return record

    def postings(self, company: Company, record: dict[str, Any]) -> list[Posting]:
        """The double-entry lines this record puts in the books (empty for non-posting ones)."""
        return []


# -- shared checks ------------------------------------------------------------------------------------
def check_company(company: Company) -> None:
    if not company.settings.get("subscription_active", True):
        raise InvalidCompanyStatus()


def check_closed(company: Company, txn_date: str) -> None:
    closed = company.settings.get("books_closed_through")
    if closed and txn_date <= closed:
        raise AccountPeriodClosed()


def check_books(company: Company, record: dict[str, Any], op: Op) -> None:
    check_company(company)
    check_closed(company, record.get("TxnDate") or op.today.isoformat())


def home_currency(company: Company) -> dict[str, str]:
    from simulator.entities.sales import CURRENCY_NAMES

    code = company.preferences.get("CurrencyPrefs", {}).get("HomeCurrency", {}).get("value", "USD")
    return {"value": code, "name": CURRENCY_NAMES.get(code, code)}


def account_ref(company: Company, value: Any, element: str, *, types: tuple[str, ...] = (),
                classifications: tuple[str, ...] = (), required: bool = True) -> dict[str, str] | None:
    """An Account reference resolved to ``{"value", "name"}``; 2500 when it is missing or inactive, and a
    business validation error naming the account when its type is not one the field takes [INF wording]."""
    reference = ref(value)
    if reference is None:
        if required:
            raise RequiredParamMissing(param=element, element=element)
        return None
    account = resolve_ref(company, "Account", reference, element, label="Account")
    if (types and account.get("AccountType") not in types) or \
            (classifications and account.get("Classification") not in classifications):
        wanted = ", ".join(types or classifications)
        raise BusinessValidation(element=element, reason=f"{element}: account {account['Name']} is a "
                                 f"{account.get('AccountType')} account; this field takes: {wanted}.")
    return {"value": account["Id"], "name": account["Name"]}


def name_ref(company: Company, value: Any, entity: str, element: str, *, required: bool = True
             ) -> dict[str, str] | None:
    """A Customer/Vendor/Employee reference resolved to ``{"value", "name"}`` (2500 when unknown)."""
    reference = ref(value)
    if reference is None:
        if required:
            raise RequiredParamMissing(param=element, element=element)
        return None
    record = resolve_ref(company, entity, reference, element, label="Names")
    return {"value": record["Id"], "name": record.get("DisplayName", "")}


def list_ref(company: Company, value: Any, entity: str, element: str) -> dict[str, str] | None:
    """An optional Class/PaymentMethod/Term/Department reference resolved to ``{"value", "name"}``."""
    reference = ref(value)
    if reference is None:
        return None
    record = resolve_ref(company, entity, reference, element, label=entity)
    return {"value": record["Id"], "name": record.get("Name", "")}


def default_account(company: Company, sub_type: str) -> dict[str, str] | None:
    """The first active account of an AccountSubType (``AccountsPayable``, ``UndepositedFunds`` ...)."""
    for account in company.store("Account"):
        if account.get("AccountSubType") == sub_type and account.get("Active", True):
            return {"value": account["Id"], "name": account["Name"]}
    return None


def lines_of(fields: dict[str, Any]) -> list[dict[str, Any]]:
    raw = fields.get("Line")
    if raw is None:
        return []
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(line, dict) for line in raw):
        raise InvalidProperty(reason="Line:failed to parse json object; a property")
    return raw


def amount_of(value: Any, element: str, *, required: bool = True) -> Decimal:
    amount = decimal(value, element)
    if amount is None:
        if required:
            raise RequiredParamMissing(param=element, element=element)
        return ZERO
    return amount


# -- expense lines (Bill, Purchase, PurchaseOrder, VendorCredit) ----------------------------------------
EXPENSE_DETAILS = ("AccountBasedExpenseLineDetail", "ItemBasedExpenseLineDetail")


def expense_lines(company: Company, raw_lines: list[dict[str, Any]], *, required: bool = True
                  ) -> tuple[list[dict[str, Any]], Decimal]:
    """Validate expense lines; ``(wire lines, total)``. Each line needs an account or item that exists."""
    if not raw_lines and required:
        raise RequiredParamMissing(param="Line", element="Line")
    out: list[dict[str, Any]] = []
    total = ZERO
    for number_, raw in enumerate(raw_lines, start=1):
        detail_type = text(raw.get("DetailType")) or next((d for d in EXPENSE_DETAILS if d in raw), None)
        if detail_type is None:
            raise RequiredParamMissing(param="Line.DetailType", element="Line.DetailType")
        if detail_type not in EXPENSE_DETAILS:
            raise InvalidEnum(element="Line.DetailType", value=f"Line.DetailType:{detail_type}")
        detail = raw.get(detail_type)
        if not isinstance(detail, dict):
            raise RequiredParamMissing(param=f"Line.{detail_type}", element=f"Line.{detail_type}")
        path = f"Line.{detail_type}"
        out_detail: dict[str, Any] = {}
        amount = decimal(raw.get("Amount"), "Line.Amount")
        if detail_type == "AccountBasedExpenseLineDetail":
            out_detail["AccountRef"] = account_ref(company, detail.get("AccountRef"), f"{path}.AccountRef")
            if amount is None:
                raise RequiredParamMissing(param="Line.Amount", element="Line.Amount")
        else:
            item = resolve_ref(company, "Item", ref(detail.get("ItemRef")), f"{path}.ItemRef", label="Item")
            out_detail["ItemRef"] = {"value": item["Id"], "name": item["Name"]}
            qty = decimal(detail.get("Qty"), f"{path}.Qty")
            price = decimal(detail.get("UnitPrice"), f"{path}.UnitPrice")
            if amount is None:
                if qty is None or price is None:
                    raise RequiredParamMissing(param="Line.Amount", element="Line.Amount")
                amount = qty * price
            if price is not None:
                out_detail["UnitPrice"] = number(price)
            if qty is not None:
                out_detail["Qty"] = number(qty)
        customer = name_ref(company, detail.get("CustomerRef"), "Customer", f"{path}.CustomerRef", required=False)
        if customer:
            out_detail["CustomerRef"] = customer
        class_ref = list_ref(company, detail.get("ClassRef"), "Class", f"{path}.ClassRef")
        if class_ref:
            out_detail["ClassRef"] = class_ref
        status = text(detail.get("BillableStatus")) or "NotBillable"
        if status not in BILLABLE_STATUSES:
            raise InvalidEnum(element=f"{path}.BillableStatus", value=f"BillableStatus:{status}")
        out_detail["BillableStatus"] = status
        tax_code = tax_code_ref(company, detail.get("TaxCodeRef"), f"{path}.TaxCodeRef")
        out_detail["TaxCodeRef"] = tax_code
        line: dict[str, Any] = {"Id": str(number_), "LineNum": number_}
        if text(raw.get("Description")):
            line["Description"] = text(raw.get("Description"))
        line.update({"Amount": money(amount), "DetailType": detail_type, detail_type: out_detail})
        total += Decimal(str(money(amount)))
        out.append(line)
    return out, total


def tax_code_ref(company: Company, value: Any, element: str) -> dict[str, str]:
    """A line's TaxCodeRef: US ``TAX``/``NON`` (default ``NON``), elsewhere a TaxCode that exists."""
    reference = ref(value)
    if company.is_us:
        code = (reference or {}).get("value", "NON")
        if company.store("TaxCode").get(code) is None and code not in ("TAX", "NON"):
            raise InvalidReference(element=element, reason=element)
        return {"value": code}
    if reference is None:
        return {"value": "NON"} if not company.preferences.get("TaxPrefs", {}).get("UsingSalesTax", True) \
            else {"value": _default_purchase_code(company)}
    code_record = company.store("TaxCode").get(reference["value"])
    if code_record is None:
        raise InvalidReference(element=element, reason=element)
    return {"value": code_record["Id"]}


def _default_purchase_code(company: Company) -> str:
    for code in company.store("TaxCode"):
        if code.get("Active", True) and code.get("Name") not in ("TAX", "NON"):
            return code["Id"]
    return "NON"


def expense_postings(company: Company, lines: list[dict[str, Any]], sign: int) -> list[Posting]:
    """Each expense line's account (an item line: the item's expense, else asset account), ``sign`` × Amount."""
    out = []
    for line in lines:
        amount = Decimal(str(line.get("Amount", 0))) * sign
        detail = line.get("AccountBasedExpenseLineDetail")
        if detail:
            out.append(Posting(detail["AccountRef"]["value"], amount))
            continue
        detail = line.get("ItemBasedExpenseLineDetail") or {}
        item = company.store("Item").get(detail.get("ItemRef", {}).get("value", "")) or {}
        account = item.get("AssetAccountRef") or item.get("ExpenseAccountRef") or item.get("IncomeAccountRef")
        if account:
            out.append(Posting(account["value"], amount))
    return out


__all__ = ["Transaction", "Posting", "HEADER_FIELDS", "account_ref", "name_ref", "list_ref", "default_account",
           "expense_lines", "expense_postings", "tax_code_ref", "lines_of", "amount_of", "home_currency",
           "check_books", "check_closed", "check_company"]
