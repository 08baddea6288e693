"""What invoices point at in QuickBooks: customers, the default items, tax codes; payment import.

Customer rule (documented in docs/sync-client.md):

1. a stored mapping (realm, Caspen client) → reuse it;
2. else query the active customer named ``Full name (Caspen #####)`` → adopt it (a name QuickBooks'
   query lexer cannot read — an en dash, a typographic apostrophe — is found by ``LIKE`` on its ASCII
   part and matched exactly here: :func:`find_by_name`);
3. else create it;
4. on 6240 (the name is taken) query including inactive customers: an inactive customer with that
   name is re-activated and adopted (it is ours from an earlier connection, or the user archived it);
   if the name belongs to a vendor or employee, the 6240 is surfaced on the card — Caspen will not
   invent another name for the client.

Items: one Service item and one NonInventory "Product" item per connection, found by name or
created with an Income account found by query (``Sales`` preferred).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sync_client.config import SyncConfig
from sync_client.domain import Client, customer_display_name
from sync_client.errors import DuplicateNameError, SyncError
from sync_client.outbox import Writer
from sync_client.qbo import QuickBooksClient, Reply
from sync_client.store import OutboxRow, Store

__all__ = ["References", "QuickBooksTaxCode", "ImportReport", "find_by_name", "quote"]

ITEM_TYPES = {"service": "Service", "product": "NonInventory"}


def quote(value: str) -> str:
    """A QuickBooks query string literal: backslash escapes [qbo-api §1.5]."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


_QUERYABLE = re.compile(r"[ -~]+")  # what QuickBooks' query lexer reads inside quotes: printable ASCII


def find_by_name(qbo: QuickBooksClient, entity: str, field: str, name: str, *,
                 include_inactive: bool = False) -> list[dict[str, Any]]:
    """Records whose ``field`` equals ``name`` exactly, even when QuickBooks cannot query that name.

    QuickBooks stores names with an en dash or a typographic apostrophe but its query lexer refuses
    any non-ASCII character, even quoted (400 4000 "Lexical error", docs/sync-client.md). For such a
    name Caspen queries ``LIKE '%<longest ASCII run>%'`` — for a customer that is at least the
    ``(Caspen #####)`` suffix — and keeps the rows whose name matches exactly; with no ASCII run at
    all it reads the whole list. Names QuickBooks can query use ``=`` as before.
    """
    active = " and Active IN (true, false)" if include_inactive else ""
    if _QUERYABLE.fullmatch(name):
        return qbo.query(f"select * from {entity} where {field} = {quote(name)}{active}")
    runs = sorted((run.strip("% ") for run in _QUERYABLE.findall(name)), key=len, reverse=True)
    where = f" where {field} LIKE {quote('%' + runs[0] + '%')}{active}" if runs and runs[0] else \
        (" where Active IN (true, false)" if include_inactive else "")
    return [row for row in qbo.query(f"select * from {entity}{where}") if row.get(field) == name]


@dataclass(frozen=True)
class QuickBooksTaxCode:
    """One entry of Settings → Taxes → Sync with QuickBooks."""

    id: str
    name: str
    description: str
    active: bool
    percent: Decimal | None  # summed sales rates; None for a purchase-only code
    rate_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportReport:
    imported: tuple[tuple[str, str, Decimal], ...] = ()  # (QuickBooks payment Id, invoice number, amount)
    skipped_split: tuple[str, ...] = ()  # QuickBooks payment Ids paying several invoices
    skipped_other: tuple[str, ...] = ()  # not linked to a Caspen invoice, or Caspen's own


class References:
    def __init__(self, *, store: Store, writer: Writer, config: SyncConfig) -> None:
        self.store = store
        self.writer = writer
        self.config = config

    # -- customers ------------------------------------------------------------------------------
    def customer_id(self, qbo: QuickBooksClient, client: Client) -> str:
        known = self.store.mapping("qbo_customers", qbo.realm_id, client.id)
        if known:
            return known
        name = customer_display_name(client)
        found = find_by_name(qbo, "Customer", "DisplayName", name)
        if found:
            self.store.save_mapping("qbo_customers", qbo.realm_id, client.id, found[0]["Id"], name)
            return str(found[0]["Id"])
        body: dict[str, Any] = {"DisplayName": name}
        if client.email:
            body["PrimaryEmailAddr"] = {"Address": client.email}
        if client.address:
            body["BillAddr"] = {"Line1": client.address}
        try:
            record, _ = self.writer.send(qbo, document=None, operation=f"customer:{client.id}", entity="Customer",
                                         payload=body, apply=self.apply_customer(qbo.realm_id))
            return str(record["Id"])
        except DuplicateNameError:
            every = find_by_name(qbo, "Customer", "DisplayName", name, include_inactive=True)
            if not every:
                raise  # a vendor or employee holds the name: the card shows QuickBooks' exact text
            customer = every[0]
            if customer.get("Active") is False:
                customer, _ = self.writer.send(
                    qbo, document=None, operation=f"reactivate:{client.id}", entity="Customer",
                    payload={"Id": customer["Id"], "SyncToken": customer["SyncToken"], "sparse": True,
                             "Active": True}, apply=self.apply_customer(qbo.realm_id))
            self.store.save_mapping("qbo_customers", qbo.realm_id, client.id, customer["Id"], name)
            return str(customer["Id"])

    def apply_customer(self, realm_id: str) -> Any:
        def apply(record: dict[str, Any], reply: Reply, row: OutboxRow) -> None:
            client_id = row.operation.split(":", 1)[1]
            self.store.save_mapping("qbo_customers", realm_id, client_id, str(record["Id"]),
                                    str(record.get("DisplayName", "")))
        return apply

    # -- items ----------------------------------------------------------------------------------
    def item_ids(self, qbo: QuickBooksClient) -> dict[str, str]:
        out = {}
        for kind, name in (("service", self.config.service_item_name), ("product", self.config.product_item_name)):
            known = self.store.mapping("qbo_items", qbo.realm_id, kind)
            out[kind] = known or self._item(qbo, kind, name)
        return out

    def _item(self, qbo: QuickBooksClient, kind: str, name: str) -> str:
        every = find_by_name(qbo, "Item", "Name", name, include_inactive=True)
        if every:
            item = every[0]
            if item.get("Active") is False:
                item, _ = self.writer.send(qbo, document=None, operation=f"reactivate:item-{kind}", entity="Item",
                                           payload={"Id": item["Id"], "SyncToken": item["SyncToken"], "sparse": True,
                                                    "Active": True})
            self.store.save_mapping("qbo_items", qbo.realm_id, kind, str(item["Id"]), name)
            return str(item["Id"])
        record, _ = self.writer.send(qbo, document=None, operation=f"item:{kind}", entity="Item",
                                     payload={"Name": name, "Type": ITEM_TYPES[kind],
                                              "IncomeAccountRef": {"value": self._income_account(qbo)}},
                                     apply=self.apply_item(qbo.realm_id))
        return str(record["Id"])

    def apply_item(self, realm_id: str) -> Any:
        def apply(record: dict[str, Any], reply: Reply, row: OutboxRow) -> None:
            kind = row.operation.split(":", 1)[1]
            self.store.save_mapping("qbo_items", realm_id, kind, str(record["Id"]), str(record.get("Name", "")))
        return apply

    def _income_account(self, qbo: QuickBooksClient) -> str:
        accounts = qbo.query("select * from Account where AccountType = 'Income'")
        if not accounts:
            raise SyncError("QuickBooks has no active Income account to post Caspen's items to; add one in QuickBooks")
        preferred = [a for a in accounts if a.get("Name") == "Sales"]
        return str((preferred or accounts)[0]["Id"])

    # -- tax codes ------------------------------------------------------------------------------
    def tax_codes(self, qbo: QuickBooksClient) -> list[QuickBooksTaxCode]:
        rates = {r["Id"]: r for r in qbo.query("select * from TaxRate where Active IN (true, false)")}
        out = []
        for code in qbo.query("select * from TaxCode where Active IN (true, false)"):
            details = (code.get("SalesTaxRateList") or {}).get("TaxRateDetail") or []
            linked = [rates.get(d.get("TaxRateRef", {}).get("value"), {}) for d in details]
            percent = sum((Decimal(str(r.get("RateValue", 0))) for r in linked), Decimal(0)) if details else None
            out.append(QuickBooksTaxCode(str(code["Id"]), str(code.get("Name", "")), str(code.get("Description", "")),
                                         code.get("Active", True) is not False, percent,
                                         tuple(str(r.get("Name", "")) for r in linked)))
        return out

    # -- payments recorded in QuickBooks ----------------------------------------------------------
    def import_payments(self, qbo: QuickBooksClient, *, today: Any, now: Any) -> ImportReport:
        """Single payments against one Caspen invoice come in; split ones and Caspen's own do not."""
        imported, split, other = [], [], []
        for payment in qbo.query("select * from Payment"):
            payment_id = str(payment["Id"])
            if self.store.known_qbo_payment(payment_id):
                continue
            if str(payment.get("PrivateNote") or "").startswith("Caspen payment"):
                other.append(payment_id)  # pushed by Caspen itself (its Id was not recorded yet)
                continue
            lines = payment.get("Line") or []
            links = [(line, link) for line in lines for link in (line.get("LinkedTxn") or [])
                     if link.get("TxnType") == "Invoice"]
            if len(links) > 1:
                split.append(payment_id)
                continue
            if len(links) != 1 or Decimal(str(payment.get("TotalAmt", 0))) == 0:
                other.append(payment_id)
                continue
            line, link = links[0]
            number = self.store.invoice_by_qbo_id(str(link["TxnId"]))
            if number is None:
                other.append(payment_id)
                continue
            amount = Decimal(str(line["Amount"]))
            paid_on = payment.get("TxnDate") or today
            self.store.add_payment(number, amount, date.fromisoformat(str(paid_on)), source="quickbooks",
                                   qbo_payment_id=payment_id, now=now)
            imported.append((payment_id, number, amount))
        return ImportReport(tuple(imported), tuple(split), tuple(other))
