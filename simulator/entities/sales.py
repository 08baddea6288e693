"""Invoice and CreditMemo: create, full and sparse update, void, delete, send.

The fields QBO computes (Id, SyncToken, MetaData, DocNumber when auto-numbered, dates, line ids,
the subtotal line, tax detail, TotalAmt, Balance, CustomerRef.name, addresses) are always
rebuilt here from the writable fields; whatever the client sent for them is ignored, as QBO does.
"""

from __future__ import annotations

import copy
import functools
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from simulator.company import TXN_TYPE_NAMES
from simulator.entities import lines as line_rules
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
    parse_date,
    ref,
    resolve_ref,
    text,
)
from simulator.entities.fields import Problems, Spec, check_formats, check_lines, is_email, length_fault
from simulator.faults import (
    AccountPeriodClosed,
    BusinessValidation,
    CustomerRefRequired,
    DuplicateDocNumber,
    InvalidCompanyStatus,
    InvalidEmail,
    InvalidEnum,
    RequiredParamMissing,
)

if TYPE_CHECKING:
    from simulator.company import Company

#: writable fields copied from the request as given (after ``""`` → absent)
PASS_THROUGH = ("CustomField", "PrivateNote", "CustomerMemo", "BillEmail", "BillEmailCc", "BillEmailBcc",
                "ShipDate", "TrackingNum", "ClassRef", "DepartmentRef", "ShipMethodRef", "ShipFromAddr",
                "AllowIPNPayment", "AllowOnlinePayment", "AllowOnlineCreditCardPayment", "AllowOnlineACHPayment",
                "TxnSource", "ProjectRef", "PaymentMethodRef", "ExchangeRate")
WRITABLE = PASS_THROUGH + ("Line", "CustomerRef", "DocNumber", "TxnDate", "DueDate", "SalesTermRef", "BillAddr",
                           "ShipAddr", "GlobalTaxCalculation", "TxnTaxDetail", "Deposit", "ApplyTaxAfterDiscount",
                           "PrintStatus", "EmailStatus", "CurrencyRef", "AutoDocNumber")
_PASS_THROUGH = frozenset(PASS_THROUGH)
TAX_CALCULATIONS = ("TaxExcluded", "TaxInclusive", "NotApplicable")
PRINT_STATUSES = ("NotSet", "NeedToPrint", "PrintComplete")
EMAIL_STATUSES = ("NotSet", "NeedToSend", "EmailSent")
#: what QBO computes or keeps on its own: known to its schema, ignored when a client posts it back
READ_ONLY = ("TotalAmt", "Balance", "HomeBalance", "HomeTotalAmt", "InvoiceLink", "LinkedTxn", "DeliveryInfo",
             "RemainingCredit", "TxnStatus", "FreeFormAddress", "EInvoiceStatus", "RecurDataRef", "TaxExemptionRef",
             "DepositToAccountRef", "TransactionLocationType", "HomeAmount", "domain", "sparse")
#: formats QBO checks on a sales form [DOC field text of the Invoice entity; e-mail CAP-report; see
#: docs/research/qbo-behaviour-notes.md §Q12]
SPECS = {
    "DocNumber": Spec(max_length=21),
    "PrivateNote": Spec(max_length=4000),
    "CustomerMemo": Spec(max_length=1000, sub="value"),
    "TrackingNum": Spec(max_length=31),
    "BillEmail": Spec(email="list"),
    "BillEmailCc": Spec(email="list"),
    "BillEmailBcc": Spec(email="list"),
    "BillAddr": Spec(address=True),
    "ShipAddr": Spec(address=True),
    "ShipFromAddr": Spec(address=True),
    "GlobalTaxCalculation": Spec(choices=TAX_CALCULATIONS),
    "PrintStatus": Spec(choices=PRINT_STATUSES),
    "EmailStatus": Spec(choices=EMAIL_STATUSES),
}
LINE_DESCRIPTION_MAX = 4000
#: what QBO's schema knows on a sales-form line and its detail objects [DOC Invoice entity; LIB
#: python-quickbooks detailline.py, whose SubtotalLine spells ``SubtotalLineDetail``]
LINE_KNOWN = frozenset({"Id", "LineNum", "Description", "Amount", "DetailType", "SalesItemLineDetail",
                        "DiscountLineDetail", "SubTotalLineDetail", "SubtotalLineDetail", "DescriptionLineDetail",
                        "GroupLineDetail", "LinkedTxn", "CustomField", "ProjectRef", "LineEx", "TxnLineId"})
DETAIL_KNOWN = {
    "SalesItemLineDetail": frozenset({"ItemRef", "ClassRef", "UnitPrice", "RatePercent", "PriceLevelRef",
                                      "MarkupInfo", "Qty", "UOMRef", "ItemAccountRef", "TaxCodeRef", "ServiceDate",
                                      "TaxInclusiveAmt", "DiscountRate", "DiscountAmt", "TaxClassificationRef"}),
    "DiscountLineDetail": frozenset({"ClassRef", "TaxCodeRef", "DiscountAccountRef", "PercentBased",
                                     "DiscountPercent", "Discount"}),
}
CURRENCY_NAMES = {"USD": "United States Dollar", "AUD": "Australian Dollar", "CAD": "Canadian Dollar",
                  "GBP": "British Pound Sterling"}


class SalesForm(EntityType):
    """What Invoice and CreditMemo share."""

    has_due_date: ClassVar[bool] = True
    known_fields = frozenset(WRITABLE + READ_ONLY)
    field_specs = SPECS
    #: SalesReceipt and RefundReceipt may name no customer
    customer_required: ClassVar[bool] = True
    #: writable fields beyond the ones every sales form takes (SalesReceipt: DepositToAccountRef ...)
    extra_fields: ClassVar[tuple[str, ...]] = ()

    @property
    def writable_keys(self) -> tuple[str, ...]:
        return WRITABLE + self.extra_fields

    @functools.cached_property
    def _writable(self) -> frozenset[str]:
        """:attr:`writable_keys` as a set, worked out once (it was rebuilt for every key of every body)."""
        return frozenset(self.writable_keys)

    def check_properties(self, body: dict[str, Any]) -> None:
        super().check_properties(body)
        check_lines(body.get("Line"), LINE_KNOWN, DETAIL_KNOWN)

    # -- operations -------------------------------------------------------------------------------
    def create(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        writable = self._writable
        fields = _with_blank_doc_number(body, {k: v for k, v in clean(body).items() if k in writable})
        record = self._build(company, fields, op, current=None)
        company.save(self.name, record, op, operation="Create")
        company.note_doc_number(record.get("DocNumber"))
        return record

    def update(self, company: Company, body: dict[str, Any], op: Op, *, sparse: bool) -> dict[str, Any]:
        current = self.current(company, body)
        check_sync_token(current, body, op)
        writable = self._writable
        given = _with_blank_doc_number(body, {k: v for k, v in clean(body).items() if k in writable})
        if sparse:
            fields = {k: copy.deepcopy(v) for k, v in current.items() if k in writable}
            fields.update(given)
        else:
            fields = given
        record = self._build(company, fields, op, current=current)
        bump(record, op)
        company.save(self.name, record, op, operation="Update")
        return record

    def delete(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        current = self.current(company, body)
        check_sync_token(current, body, op)
        self._check_books(company, current, op)
        if current.get("LinkedTxn"):
            linked = ", ".join(f"{t['TxnType']} {t['TxnId']}" for t in current["LinkedTxn"])
            raise BusinessValidation(reason=f"This transaction is linked to other transactions ({linked}). "
                                            "Unlink them before deleting it.")
        company.remove(self.name, current["Id"], op)
        return {"status": "Deleted", "domain": "QBO", "Id": current["Id"]}

    def void(self, company: Company, body: dict[str, Any], op: Op) -> dict[str, Any]:
        current = self.current(company, body)
        check_sync_token(current, body, op)
        self._check_books(company, current, op)
        if any(t.get("TxnType") == "Payment" for t in current.get("LinkedTxn", [])):
            raise BusinessValidation(reason="This transaction has payments applied to it. "
                                            "Delete or unlink the payments before voiding it.")
        record = copy.deepcopy(current)
        for line in record["Line"]:
            if line["DetailType"] in ("SalesItemLineDetail", "SubTotalLineDetail", "DiscountLineDetail",
                                      "DescriptionOnly") and "Amount" in line:
                line["Amount"] = 0
            detail = line.get("SalesItemLineDetail")
            if detail:
                detail.pop("UnitPrice", None)
                detail.pop("TaxInclusiveAmt", None)
                if "Qty" in detail:
                    detail["Qty"] = 0
        record["TxnTaxDetail"] = {"TotalTax": 0}
        record["TotalAmt"] = 0
        record["Balance"] = 0
        record["Deposit"] = 0
        record["LinkedTxn"] = []
        note = record.get("PrivateNote")
        record["PrivateNote"] = "Voided" if not note or note.startswith("Voided") else f"Voided - {note}"
        bump(record, op)
        company.save(self.name, record, op, operation="Void")
        return record

    def send(self, company: Company, entity_id: str, send_to: str | None, op: Op) -> dict[str, Any]:
        current = self.current(company, {"Id": entity_id})
        address = send_to or (current.get("BillEmail") or {}).get("Address")
        if not address:
            raise BusinessValidation(reason="Please enter a valid email address for this customer.")
        if not all(is_email(part.strip(" ")) for part in address.split(",")):
            # a '+' left unencoded in ?sendTo= arrives as a space and fails the same way [CAP dotnet-sdk#333]
            raise InvalidEmail(element="sendTo" if send_to else "BillEmail.Address", value=address)
        record = copy.deepcopy(current)
        record["EmailStatus"] = "EmailSent"
        record["DeliveryInfo"] = {"DeliveryType": "Email", "DeliveryTime": op.meta_time}
        if send_to:
            record["BillEmail"] = {"Address": send_to}
        record["MetaData"] = {**record["MetaData"], "LastUpdatedTime": op.meta_time}  # SyncToken unchanged
        company.save(self.name, record, op, operation="Emailed")
        return record

    # -- building a record ------------------------------------------------------------------------
    def _build(self, company: Company, fields: dict[str, Any], op: Op, *, current: dict[str, Any] | None
               ) -> dict[str, Any]:
        _check_company_status(company)
        self._validate(fields)
        customer_ref = ref(fields.get("CustomerRef"))
        customer = resolve_ref(company, "Customer", customer_ref, "CustomerRef", label="Names") \
            if customer_ref is not None or self.customer_required else {}
        calc = text(fields.get("GlobalTaxCalculation")) or self._default_calc(company)
        if calc not in TAX_CALCULATIONS:
            raise InvalidEnum(element="GlobalTaxCalculation", value=f"GlobalTaxCalculation:{calc}")
        if company.is_us:
            calc = "TaxExcluded"  # not applicable to US companies
        apply_after = fields.get("ApplyTaxAfterDiscount") in (True, "true")
        totals = line_rules.compute(company, fields.get("Line"), calc=calc, txn_tax=fields.get("TxnTaxDetail"),
                                    apply_tax_after_discount=apply_after)
        txn_date = parse_date(fields.get("TxnDate"), "TxnDate") or op.today
        self._check_closed(company, txn_date)
        doc_number = self._doc_number(company, fields, current, op)

        record: dict[str, Any] = {
            "AllowIPNPayment": bool(fields.get("AllowIPNPayment", False)),
            "AllowOnlinePayment": bool(fields.get("AllowOnlinePayment", False)),
            "AllowOnlineCreditCardPayment": bool(fields.get("AllowOnlineCreditCardPayment", False)),
            "AllowOnlineACHPayment": bool(fields.get("AllowOnlineACHPayment", False)),
            "domain": "QBO",
            "sparse": False,
            "Id": current["Id"] if current else company.next_id(self.name),
            "SyncToken": current["SyncToken"] if current else "0",
            "MetaData": dict(current["MetaData"]) if current else new_meta(op),
            "CustomField": fields.get("CustomField", []),
        }
        if doc_number is not None:
            record["DocNumber"] = doc_number
        record["TxnDate"] = txn_date.isoformat()
        record["CurrencyRef"] = _currency(company, fields)
        record["LinkedTxn"] = list(current.get("LinkedTxn", [])) if current else []
        record["Line"] = totals.lines
        tax_detail: dict[str, Any] = {}
        txn_code = ref((fields.get("TxnTaxDetail") or {}).get("TxnTaxCodeRef"))
        if company.is_us and txn_code:
            tax_detail["TxnTaxCodeRef"] = txn_code
        tax_detail["TotalTax"] = money(totals.total_tax)
        if totals.tax_lines:
            tax_detail["TaxLine"] = totals.tax_lines
        record["TxnTaxDetail"] = tax_detail
        if customer:
            record["CustomerRef"] = {"value": customer["Id"], "name": customer.get("DisplayName", "")}
        if not _PASS_THROUGH.isdisjoint(fields):  # most bodies carry none of them: no 20-step loop
            for key in PASS_THROUGH:
                if key in fields and key not in record:
                    record[key] = fields[key]
        record["BillAddr"] = _address(fields.get("BillAddr"), customer.get("BillAddr"))
        record["ShipAddr"] = _address(fields.get("ShipAddr"), customer.get("ShipAddr") or customer.get("BillAddr"))
        if record["BillAddr"] is None:
            del record["BillAddr"]
        if record["ShipAddr"] is None:
            del record["ShipAddr"]
        if not company.is_us:
            record["GlobalTaxCalculation"] = calc
        self._dates_and_terms(company, record, fields, customer, txn_date)
        record["TotalAmt"] = money(totals.total)
        record["PrintStatus"] = _enum(fields, "PrintStatus", PRINT_STATUSES)
        record["EmailStatus"] = _enum(fields, "EmailStatus", EMAIL_STATUSES)
        self._balance(record, fields, current, totals.total)
        if company.is_us or apply_after:
            record["ApplyTaxAfterDiscount"] = apply_after
        self._finish(company, record, fields, current)
        return record

    def _validate(self, fields: dict[str, Any]) -> None:
        """Everything QBO checks on the body as a whole, every problem in one answer (§Q12)."""
        problems = Problems()
        if self.customer_required and ref(fields.get("CustomerRef")) is None:
            problems.add(CustomerRefRequired())
        lines = fields.get("Line")
        if not isinstance(lines, list) or not lines:
            problems.add(RequiredParamMissing(param="Line"))
        check_formats(self.field_specs, fields, problems)
        for raw in lines if isinstance(lines, list) else ():
            description = raw.get("Description") if isinstance(raw, dict) else None
            if isinstance(description, str) and len(description) > LINE_DESCRIPTION_MAX:
                problems.add(length_fault("Line.Description", description, LINE_DESCRIPTION_MAX))
        for key in ("TxnDate", "DueDate", "ShipDate"):
            value = fields.get(key)
            if value is not None:  # parse_date(None) is None: nothing to collect
                problems.collect(parse_date, value, key)
        problems.raise_if_any()

    def _finish(self, company: Company, record: dict[str, Any], fields: dict[str, Any],
                current: dict[str, Any] | None) -> None:
        """What a particular form adds (a receipt's deposit account, an estimate's status)."""

    def postings(self, company: Company, record: dict[str, Any]) -> list[Any]:
        from simulator.entities.receipts import sales_postings  # receipts builds on this module

        return sales_postings(company, self.name, record)

    def _default_calc(self, company: Company) -> str:
        return "TaxExcluded"

    def _dates_and_terms(self, company: Company, record: dict[str, Any], fields: dict[str, Any],
                         customer: dict[str, Any], txn_date: Any) -> None:
        if not self.has_due_date:
            return
        term_ref = ref(fields.get("SalesTermRef")) or customer.get("SalesTermRef") or \
            company.preferences.get("SalesFormsPrefs", {}).get("DefaultTerms")
        due_days = 0
        if term_ref:
            term = resolve_ref(company, "Term", ref(term_ref), "SalesTermRef", label="Term")
            due_days = int(term.get("DueDays", 0))
            record["SalesTermRef"] = {"value": term["Id"], "name": term.get("Name", "")}
        due = parse_date(fields.get("DueDate"), "DueDate") or txn_date + timedelta(days=due_days)
        record["DueDate"] = due.isoformat()

    def _balance(self, record: dict[str, Any], fields: dict[str, Any], current: dict[str, Any] | None,
                 total: Decimal) -> None:
        deposit = decimal(fields.get("Deposit"), "Deposit") or Decimal(0)
        paid = _paid(current)
        record["Balance"] = money(total - deposit - paid)
        record["Deposit"] = money(deposit)

    def _doc_number(self, company: Company, fields: dict[str, Any], current: dict[str, Any] | None,
                    op: Op) -> str | None:
        if fields.get("DocNumber") == "":
            return None  # "" is a blank number, not an absent one: no auto-numbering (§Q14) [CAP-report]
        doc_number = text(fields.get("DocNumber"))
        if doc_number is not None:
            check_length(doc_number, "DocNumber", 21)
            changed = current is None or (current.get("DocNumber") or "").casefold() != doc_number.casefold()
            if (changed and company.custom_txn_numbers and company.settings["warn_duplicate_doc_number"]
                    and "allowduplicatedocnum" not in op.include):
                clash = company.find_doc_number(doc_number, exclude=(self.name, current["Id"]) if current else None)
                if clash:
                    entity, other = clash
                    raise DuplicateDocNumber(doc_number=doc_number, txn_type=TXN_TYPE_NAMES[entity],
                                             txn_id=other["Id"])
            return doc_number
        if current is not None:
            return current.get("DocNumber")  # kept on update, even a full one
        if not company.custom_txn_numbers or fields.get("AutoDocNumber") in (True, "true"):
            return company.next_doc_number()
        return None

    def _check_closed(self, company: Company, txn_date: Any) -> None:
        closed = company.settings.get("books_closed_through")
        if closed and txn_date.isoformat() <= closed:
            raise AccountPeriodClosed()

    def _check_books(self, company: Company, current: dict[str, Any], op: Op) -> None:
        _check_company_status(company)
        self._check_closed(company, parse_date(current.get("TxnDate"), "TxnDate") or op.today)


def _check_company_status(company: Company) -> None:
    if not company.settings.get("subscription_active", True):
        raise InvalidCompanyStatus()


class Invoice(SalesForm):
    name = "Invoice"


class CreditMemo(SalesForm):
    name = "CreditMemo"
    has_due_date = False

    def _balance(self, record: dict[str, Any], fields: dict[str, Any], current: dict[str, Any] | None,
                 total: Decimal) -> None:
        applied = (Decimal(str(current["TotalAmt"])) - Decimal(str(current["RemainingCredit"]))) if current else 0
        record["RemainingCredit"] = money(total - applied)
        record["Balance"] = money(total - applied)


def _with_blank_doc_number(body: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """Keep ``DocNumber: ""``, which :func:`clean` would drop: QBO saves such a form with no number."""
    if body.get("DocNumber") == "":
        fields["DocNumber"] = ""
    return fields


def _paid(current: dict[str, Any] | None) -> Decimal:
    """What payments already took off an invoice, derived from its stored amounts."""
    if current is None:
        return Decimal(0)
    return (Decimal(str(current["TotalAmt"])) - Decimal(str(current.get("Deposit", 0)))
            - Decimal(str(current["Balance"])))


def _address(given: Any, fallback: Any) -> dict[str, Any] | None:
    if isinstance(given, dict) and given:
        return clean(given)
    return dict(fallback) if fallback else None  # addresses are flat, and stored records are never mutated


def _currency(company: Company, fields: dict[str, Any]) -> dict[str, str]:
    home = company.preferences.get("CurrencyPrefs", {}).get("HomeCurrency", {}).get("value", "USD")
    code = (ref(fields.get("CurrencyRef")) or {}).get("value", home)
    return {"value": code, "name": CURRENCY_NAMES.get(code, code)}


def _enum(fields: dict[str, Any], key: str, allowed: tuple[str, ...]) -> str:
    value = text(fields.get(key)) or "NotSet"
    if value not in allowed:
        raise InvalidEnum(element=key, value=f"{key}:{value}")
    return value


__all__ = ["Invoice", "CreditMemo", "SalesForm"]
