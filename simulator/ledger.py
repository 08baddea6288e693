"""The company's books: every transaction turned into double-entry postings, which reports read.

QuickBooks keeps a general ledger behind every form: an invoice debits Accounts Receivable and
credits each line's income account (the item's ``IncomeAccountRef``) and the tax agency's liability
account; a payment debits the deposit account (Undeposited Funds unless ``DepositToAccountRef``
says otherwise) and credits A/R; a credit memo reverses an invoice. Reports in
:mod:`simulator.reports` read only these postings, so a number on a report always agrees with
the transactions behind it.

Posting rules are registered per entity (``register("Invoice", rule)``); a rule turns one stored
record into postings for a basis (``"Accrual"`` or ``"Cash"``). Entities added later (SalesReceipt,
Bill, Purchase, JournalEntry, Deposit ...) plug in the same way; docs/architecture.md says how.

Cash basis [INF, the usual cash-basis convention QBO documents for its reports]: income and tax on
an invoice count when it is paid, in proportion to the payment (a payment of half the invoice
recognises half of each of its income and tax postings); A/R postings of invoices do not exist on
a cash basis. Credit memos likewise count when applied; payments here apply only invoices, so a
credit memo has no cash-basis postings.

Amounts are :class:`~decimal.Decimal`, positive for a debit and negative for a credit. Nothing here
imports Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from simulator.entities.base import cents

if TYPE_CHECKING:
    from simulator.company import Company

__all__ = ["Posting", "Ledger", "register", "RULES", "BASES", "account_for", "AR_TYPE",
           "tax_account", "ACCOUNTS_BY_TYPE"]

ZERO = Decimal(0)
BASES = ("Accrual", "Cash")
AR_TYPE = "Accounts Receivable"
AP_TYPE = "Accounts Payable"
#: where an account with no account record of its own (a tax agency without its liability account) lands
ACCOUNTS_BY_TYPE = {"tax": "Other Current Liability"}


@dataclass(frozen=True, slots=True)
class Posting:
    """One line of the general ledger.

    ``amount`` is signed: positive debits, negative credits. ``open_item`` names the document an
    A/R or A/P posting belongs to (``("Invoice", "12")``): an invoice's own debit and the part of a
    payment applied to it share it, which is how aging reports know what is still open and since
    when (``due_date``, the open item's due date).
    """

    account_id: str
    amount: Decimal
    txn_date: date
    txn_type: str
    txn_id: str
    doc_number: str = ""
    name_id: str = ""  # the customer (or vendor/employee) the transaction is for
    name: str = ""
    memo: str = ""
    open_item: tuple[str, str] | None = None
    due_date: date | None = None
    #: display name for an account the company has no record of (``tax:<agency Id>``)
    account_name: str = ""

    @property
    def debit(self) -> Decimal:
        return self.amount if self.amount > 0 else ZERO

    @property
    def credit(self) -> Decimal:
        return -self.amount if self.amount < 0 else ZERO


#: (company, stored record, basis) -> the record's postings
PostingRule = Callable[["Company", dict[str, Any], str], list[Posting]]
#: entity name -> rule, in the order transactions are read
RULES: dict[str, PostingRule] = {}


def register(entity: str, rule: PostingRule) -> PostingRule:
    """Make ``entity``'s records part of the books. The rule gets every stored record of it."""
    RULES[entity] = rule
    return rule


class Ledger:
    """Every posting of one company on one basis, in date order (then transaction Id)."""

    def __init__(self, company: Company, basis: str = "Accrual") -> None:
        if basis not in BASES:
            raise ValueError(f"basis must be one of {BASES}, not {basis!r}")
        self.company = company
        self.basis = basis
        postings: list[Posting] = []
        for entity, rule in RULES.items():
            for record in company.store(entity):
                postings.extend(p for p in rule(company, record, basis) if p.amount != 0)
        for entity in _posting_entities():
            for record in company.store(entity):
                postings.extend(p for p in entity_postings(company, entity, record) if p.amount != 0)
        postings.sort(key=lambda p: (p.txn_date, _id_key(p.txn_id)))
        self.postings = postings

    def __iter__(self) -> Iterator[Posting]:
        return iter(self.postings)

    def between(self, start: date | None, end: date | None) -> Iterator[Posting]:
        """Postings dated within ``[start, end]`` (either bound may be open)."""
        for posting in self.postings:
            if (start is None or posting.txn_date >= start) and (end is None or posting.txn_date <= end):
                yield posting

    def balances(self, postings: Iterable[Posting]) -> dict[str, Decimal]:
        """Signed (debit-positive) balance per account Id."""
        out: dict[str, Decimal] = {}
        for posting in postings:
            out[posting.account_id] = out.get(posting.account_id, ZERO) + posting.amount
        return out

    def account(self, account_id: str) -> dict[str, Any]:
        """The account record, or a stand-in for a ledger-only account (``tax:<agency>``)."""
        return account_record(self.company, account_id)


def account_record(company: Company, account_id: str) -> dict[str, Any]:
    record = company.store("Account").get(account_id)
    if record is not None:
        return record
    if account_id.startswith("tax:"):
        agency = company.store("TaxAgency").get(account_id[4:]) or {}
        return {"Id": "", "Name": f"{agency.get('DisplayName', 'Sales tax')} Payable",
                "AccountType": ACCOUNTS_BY_TYPE["tax"], "Classification": "Liability"}
    return {"Id": account_id, "Name": account_id, "AccountType": "", "Classification": ""}


def _id_key(value: str) -> tuple[int, Any]:
    return (0, int(value)) if value.isdigit() else (1, value)


# -- finding accounts ----------------------------------------------------------------------------

def account_for(company: Company, account_type: str, *, name: str | None = None) -> str:
    """The Id of the company's (first active) account of ``account_type`` (preferring ``name``); ``""``."""
    if name:
        for record in company.store("Account").lookup("Name", name):
            return str(record["Id"])
    for record in company.store("Account"):
        if record.get("AccountType") == account_type and record.get("Active", True):
            return str(record["Id"])
    return ""


def ar_account(company: Company) -> str:
    return account_for(company, AR_TYPE) or "AR"


def tax_account(company: Company, rate_id: str) -> str:
    """The liability account a tax rate's tax is owed in.

    QuickBooks keeps one liability account per tax agency ("Board of Equalization Payable", "GST
    Payable" in AU companies): the account named ``<agency> Payable``, else the company's account of
    sub-type GlobalTaxPayable/SalesTaxPayable, else a ledger-only account ``tax:<agency Id>`` that
    reports show under the agency's name [INF: QBO creates the account with the agency].
    """
    rate = company.store("TaxRate").get(rate_id) or {}
    agency_id = str((rate.get("AgencyRef") or {}).get("value", ""))
    agency = company.store("TaxAgency").get(agency_id) or {}
    for name in (f"{agency.get('DisplayName', '')} Payable", "GST Payable", "VAT Control", "GST/HST Payable"):
        for record in company.store("Account").lookup("Name", name):
            return str(record["Id"])
    for record in company.store("Account"):
        if record.get("AccountSubType") in ("GlobalTaxPayable", "SalesTaxPayable"):
            return str(record["Id"])
    return f"tax:{agency_id}"


def income_account(company: Company, line: dict[str, Any]) -> str:
    """Where a sales line's amount is income: the line's ``ItemAccountRef``, else its item's income account."""
    detail = line.get("SalesItemLineDetail") or {}
    explicit = (detail.get("ItemAccountRef") or {}).get("value")
    if explicit:
        return str(explicit)
    item = company.store("Item").get(str((detail.get("ItemRef") or {}).get("value", ""))) or {}
    income = (item.get("IncomeAccountRef") or {}).get("value")
    if income:
        return str(income)
    return account_for(company, "Income", name="Sales of Product Income") or "Income"  # [INF]


def _money(value: Any) -> Decimal:
    return Decimal(str(value or 0))


def _date(value: Any) -> date:
    return date.fromisoformat(str(value)[:10])


# -- sales forms ----------------------------------------------------------------------------------

@dataclass
class _FormParts:
    """An invoice's or credit memo's accrual postings, split by what cash basis does with them."""

    earned: list[Posting]  # income, discount and tax: recognised when paid on a cash basis
    received: list[Posting]  # money received with the form itself (an invoice's Deposit)
    receivable: Posting  # the A/R posting, the open item

    @property
    def accrual(self) -> list[Posting]:
        return [*self.earned, *self.received, self.receivable]


def _form_parts(company: Company, record: dict[str, Any], *, sign: int, txn_type: str) -> _FormParts:
    """The postings of an invoice (``sign`` 1) or credit memo (``sign`` -1)."""
    customer = record.get("CustomerRef") or {}
    base = {"txn_date": _date(record["TxnDate"]), "txn_type": txn_type, "txn_id": str(record["Id"]),
            "doc_number": str(record.get("DocNumber") or ""), "name_id": str(customer.get("value", "")),
            "name": str(customer.get("name", ""))}
    memo = str(record.get("PrivateNote") or "")
    earned: list[Posting] = []
    for line in record.get("Line", []):
        kind = line.get("DetailType")
        amount = _money(line.get("Amount"))
        if kind == "SalesItemLineDetail":
            earned.append(Posting(income_account(company, line), -sign * amount,
                                  memo=str(line.get("Description") or memo), **base))
        elif kind == "DiscountLineDetail":
            account = str(((line.get("DiscountLineDetail") or {}).get("DiscountAccountRef") or {}).get("value", ""))
            earned.append(Posting(account or account_for(company, "Income", name="Discounts given") or "Discounts",
                                  sign * amount, memo=memo, **base))
    for tax_line in (record.get("TxnTaxDetail") or {}).get("TaxLine", []):
        rate_id = str(((tax_line.get("TaxLineDetail") or {}).get("TaxRateRef") or {}).get("value", ""))
        earned.append(Posting(tax_account(company, rate_id), -sign * _money(tax_line.get("Amount")), memo=memo,
                              **base))
    total = _money(record.get("TotalAmt"))
    deposit = _money(record.get("Deposit")) if sign > 0 else ZERO
    received = []
    if deposit:
        account = str((record.get("DepositToAccountRef") or {}).get("value", "")) or \
            account_for(company, "Other Current Asset", name="Undeposited Funds")
        received.append(Posting(account, deposit, memo=memo, **base))
    due = record.get("DueDate") or record["TxnDate"]
    receivable = Posting(ar_account(company), sign * (total - deposit), memo=memo,
                         open_item=(txn_type, str(record["Id"])), due_date=_date(due), **base)
    return _FormParts(earned, received, receivable)


def invoice_postings(company: Company, record: dict[str, Any], basis: str) -> list[Posting]:
    parts = _form_parts(company, record, sign=1, txn_type="Invoice")
    if basis == "Accrual":
        return parts.accrual
    total = _money(record.get("TotalAmt"))
    deposit = sum((p.amount for p in parts.received), ZERO)
    if not total or not deposit:
        return []  # cash basis: nothing until it is paid
    return [*parts.received, *recognise(parts.earned, deposit / total)]


def recognise(postings: list[Posting], fraction: Decimal, *, when: date | None = None,
              txn: tuple[str, str] | None = None) -> list[Posting]:
    """``fraction`` of each posting (cash-basis recognition), rounded to cents, still summing right.

    The rounding remainder goes to the largest share, so the shares sum to the rounded share of
    the postings' total. ``when``/``txn`` re-date and re-attribute the shares to the paying
    transaction.
    """
    shares = []
    for posting in postings:
        changes: dict[str, Any] = {"amount": cents(posting.amount * fraction)}
        if when is not None:
            changes["txn_date"] = when
        if txn is not None:
            changes["txn_type"], changes["txn_id"] = txn
        shares.append(replace(posting, **changes))
    drift = sum((s.amount for s in shares), ZERO) - cents(sum((p.amount for p in postings), ZERO) * fraction)
    if drift and shares:
        index = max(range(len(shares)), key=lambda i: abs(shares[i].amount))
        shares[index] = replace(shares[index], amount=shares[index].amount - drift)
    return shares


def credit_memo_postings(company: Company, record: dict[str, Any], basis: str) -> list[Posting]:
    """A credit memo reverses a sale; on a cash basis it counts when applied, which payments here never do."""
    if basis == "Cash":
        return []
    return _form_parts(company, record, sign=-1, txn_type="CreditMemo").accrual


# -- payments -------------------------------------------------------------------------------------

def payment_postings(company: Company, record: dict[str, Any], basis: str) -> list[Posting]:
    customer = record.get("CustomerRef") or {}
    when = _date(record["TxnDate"])
    base = {"txn_date": when, "txn_type": "Payment", "txn_id": str(record["Id"]),
            "doc_number": str(record.get("PaymentRefNum") or ""), "name_id": str(customer.get("value", "")),
            "name": str(customer.get("name", "")), "memo": str(record.get("PrivateNote") or "")}
    total = _money(record.get("TotalAmt"))
    deposit = str((record.get("DepositToAccountRef") or {}).get("value", "")) or \
        account_for(company, "Other Current Asset", name="Undeposited Funds")
    out = [Posting(deposit, total, **base)]
    ar = ar_account(company)
    applied = ZERO
    for line in record.get("Line", []):
        amount = _money(line.get("Amount"))
        for link in line.get("LinkedTxn", []):
            if link.get("TxnType") != "Invoice":
                continue
            applied += amount
            invoice = company.store("Invoice").get(str(link["TxnId"]))
            if basis == "Accrual" or invoice is None or not _money(invoice.get("TotalAmt")):
                out.append(Posting(ar, -amount, open_item=("Invoice", str(link["TxnId"])), **base))
                continue
            earned = _form_parts(company, invoice, sign=1, txn_type="Invoice").earned
            out.extend(recognise(earned, amount / _money(invoice["TotalAmt"]), when=when,
                                 txn=("Payment", str(record["Id"]))))
    unapplied = total - applied
    if unapplied:
        out.append(Posting(ar, -unapplied, open_item=("Payment", str(record["Id"])), **base))
    return out


# -- opening balances -----------------------------------------------------------------------------

def opening_balance_postings(company: Company, record: dict[str, Any], basis: str) -> list[Posting]:
    """An account created with ``OpeningBalance``: debit it, credit Opening Balance Equity [INF]."""
    amount = _money(record.get("OpeningBalance"))
    if not amount:
        return []
    when = _date(record.get("OpeningBalanceDate") or (record.get("MetaData") or {}).get("CreateTime", "")[:10]
                 or "2000-01-01")
    sign = 1 if record.get("Classification") in ("Asset", "Expense") else -1
    equity = account_for(company, "Equity", name="Opening Balance Equity") or "equity:opening"
    base = {"txn_date": when, "txn_type": "Deposit" if record.get("AccountType") == "Bank" else "Journal Entry",
            "txn_id": f"ob-{record['Id']}", "memo": "Opening Balance"}
    return [Posting(str(record["Id"]), sign * amount, **base), Posting(equity, -sign * amount, **base)]


register("Account", opening_balance_postings)
register("Invoice", invoice_postings)
register("CreditMemo", credit_memo_postings)
register("Payment", payment_postings)


# -- every other transaction: the entity's own double entry ---------------------------------------------
def _posting_entities() -> list[str]:
    """Entities without a rule here whose rules class posts (``EntityType.postings`` overridden)."""
    from simulator.entities import ENTITY_CLASSES
    from simulator.entities.base import EntityType

    return [cls.name for cls in ENTITY_CLASSES
            if cls.name not in RULES and cls.postings is not EntityType.postings]


def entity_postings(company: Company, entity: str, record: dict[str, Any]) -> list[Posting]:
    """A transaction's own ``postings()`` (``(account, amount)`` pairs, see simulator/entities/txn.py) as
    ledger lines, dated and named from the record. They are the same on both bases: a bill or a vendor
    credit is not deferred to its payment on a cash basis [INF; left out: cash-basis A/P]."""
    from simulator.entities import BY_NAME

    name_ref = record.get("CustomerRef") or record.get("VendorRef") or record.get("EntityRef") or {}
    when = _date(record.get("TxnDate"))
    return [Posting(account_id=str(account), amount=Decimal(amount), txn_date=when, txn_type=entity,
                    txn_id=str(record.get("Id", "")), doc_number=str(record.get("DocNumber") or ""),
                    name_id=str(name_ref.get("value") or ""), name=str(name_ref.get("name") or ""),
                    memo=str(record.get("PrivateNote") or ""))
            for account, amount in BY_NAME[entity].postings(company, record)]
