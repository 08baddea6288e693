"""The sync engine: when and how a Caspen document reaches QuickBooks, and what its card says.

* Drafts never sync. A finalized invoice syncs (create, or update when it changed); a payment
  applied in Caspen syncs the invoice and the payment (a QuickBooks Payment linked to it); a void
  sends ``?operation=void`` and removes the card.
* Historical invoices — finalized before this realm was first connected and never pushed — are
  never sent as updates: the card says so and **no request** is made.
* ``5010`` on an update or void re-reads the invoice for its SyncToken and retries once.
* Every outcome (document state + card + outbox row) commits in one transaction; failures are
  classified by :mod:`sync_client.status`, never swallowed.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import requests

from sync_client.config import SyncConfig
from sync_client.domain import Document, Invoice, InvoiceStatus
from sync_client.errors import HistoricalInvoiceError, NotConnectedError, StaleObjectError, SyncError
from sync_client.mapping import compare_totals, document_payload, payload_hash, payment_payload
from sync_client.oauth import QuickBooksConnection
from sync_client.outbox import Apply, Writer
from sync_client.qbo import QuickBooksClient, Reply
from sync_client.ratelimit import RateLimiter
from sync_client.references import References
from sync_client.status import SYNCED_TITLE, StatusCard, card_for_error
from sync_client.store import OutboxRow, Store

__all__ = ["SyncEngine", "UPDATE_KEYS"]

log = logging.getLogger("sync_client.sync")
UPDATE_KEYS = ("Id", "SyncToken", "sparse")


class SyncEngine:
    def __init__(self, *, store: Store, config: SyncConfig, connection: QuickBooksConnection,
                 session: requests.Session, clock: Callable[[], datetime], sleep: Callable[[float], None] = time.sleep,
                 rng: random.Random | None = None) -> None:
        self.store = store
        self.config = config
        self.connection = connection
        self.session = session
        self.clock = clock
        self._sleep = sleep
        self._rng = rng
        self.writer = Writer(store, clock)
        self.refs = References(store=store, writer=self.writer, config=config)
        self._clients: dict[str, QuickBooksClient] = {}
        self._limiters: dict[str, RateLimiter] = {}

    def client(self) -> QuickBooksClient:
        """The HTTP client for the connected realm (one rate limiter per realm)."""
        realm_id = self.connection.realm_id
        if realm_id is None:
            raise NotConnectedError("QuickBooks is not connected: connect it under Settings → Integrations")
        if realm_id not in self._clients:
            limiter = self._limiters.setdefault(realm_id, RateLimiter(self.config.rate_limits, sleep=self._sleep))
            self._clients[realm_id] = QuickBooksClient(config=self.config, realm_id=realm_id, tokens=self.connection,
                                                       session=self.session, limiter=limiter, sleep=self._sleep,
                                                       rng=self._rng)
        return self._clients[realm_id]

    # -- cards ----------------------------------------------------------------------------------
    def card(self, number: str) -> StatusCard | None:
        row = self.store.card_row(number)
        if row is None:
            return None
        return StatusCard(row["document_number"], row["state"], row["title"], row["message"], row["detail"],
                          row["code"], row["intuit_tid"], datetime.fromisoformat(row["attempted_at"]),
                          bool(row["retry_available"]), row["operation"], row["warning"])

    def _fail(self, number: str, operation: str, error: SyncError) -> StatusCard:
        spec = card_for_error(error, operation=operation)
        log.warning("sync of %s failed (%s): %s", number, operation, error)
        self.store.save_card(number, state="failed", title=spec.title, message=spec.message, detail=spec.detail,
                             code=spec.code, intuit_tid=spec.intuit_tid, attempted_at=self.clock(),
                             retry_available=spec.retry_available, operation=operation)
        return self.card(number)  # type: ignore[return-value]

    def _synced(self, number: str, operation: str, reply: Reply | None, requestid: str | None = None) -> None:
        row = self.store.invoice_row(number) or self.store.one("SELECT * FROM credit_notes WHERE number = ?", (number,))
        self.store.save_card(number, state="synced", title=SYNCED_TITLE, message=None, detail=None, code=None,
                             intuit_tid=reply.intuit_tid if reply else None, attempted_at=self.clock(),
                             retry_available=False, operation=operation,
                             warning=row["total_mismatch"] if row is not None else None, requestid=requestid)

    # -- invoices -------------------------------------------------------------------------------
    def is_historical(self, invoice: Invoice) -> bool:
        """Finalized before the realm was first connected, and never pushed: Caspen never back-fills."""
        connected_at = self.connection.connected_at
        return (invoice.qbo_id is None and connected_at is not None and invoice.created_at < connected_at
                and invoice.finalized_at is not None and invoice.finalized_at < connected_at)

    def sync_invoice(self, number: str, *, trigger: str = "finalize") -> StatusCard | None:
        invoice = self.store.invoice(number)
        if invoice is None:
            raise SyncError(f"no invoice {number}")
        if invoice.status == InvoiceStatus.DRAFT:
            return None  # drafts never sync
        if self.connection.realm_id is None:
            return None  # QuickBooks was never connected: nothing to sync to, no card
        stage = "void" if invoice.status == InvoiceStatus.VOIDED else ("create" if invoice.qbo_id is None else "update")
        try:
            if invoice.status == InvoiceStatus.VOIDED:
                self._void(invoice)
                return None
            if self.is_historical(invoice):
                raise HistoricalInvoiceError(f"{number} was created before QuickBooks was connected; "
                                             f"the {trigger} would be an update of an invoice QuickBooks does not have")
            qbo = self.client()
            self.resume_pending(document=number)
            invoice = self.store.invoice(number) or invoice
            stage = "create" if invoice.qbo_id is None else "update"
            reply = self._push_invoice(qbo, invoice)
            stage = "payment"
            reply = self._push_payments(qbo, number) or reply
        except SyncError as error:
            return self._fail(number, stage, error)
        current = self.card(number)
        if current is None or current.state != "synced":
            self._synced(number, stage, reply)
        return self.card(number)

    def invoice_payload(self, qbo: QuickBooksClient, document: Document, *, due_date: Any = None) -> dict[str, Any]:
        client = self.store.client(document.client_id)
        if client is None:
            raise SyncError(f"{document.number} names unknown client {document.client_id}")
        account = self.store.account()
        return document_payload(document, customer_id=self.refs.customer_id(qbo, client),
                                item_ids=self.refs.item_ids(qbo), rates=self.store.tax_rates(), due_date=due_date,
                                us_sales_tax=account is not None and account["region"] == "US")

    def _push_invoice(self, qbo: QuickBooksClient, invoice: Invoice) -> Reply | None:
        payload = self.invoice_payload(qbo, invoice, due_date=invoice.due_date)
        digest = payload_hash(payload)
        row = self.store.invoice_row(invoice.number)
        if invoice.qbo_id is not None and row is not None and row["synced_hash"] == digest:
            return None  # QuickBooks already holds exactly this
        apply = self.apply_invoice(invoice.number, digest)
        if invoice.qbo_id is None:
            return self.writer.send(qbo, document=invoice.number, operation="create", entity="Invoice",
                                    payload=payload, apply=apply)[1]
        body = {**payload, "Id": invoice.qbo_id, "SyncToken": invoice.qbo_sync_token, "sparse": False}
        return self._with_fresh_token(qbo, invoice.number, "update", body, apply)

    def _with_fresh_token(self, qbo: QuickBooksClient, number: str, operation: str, body: dict[str, Any],
                          apply: Apply) -> Reply:
        """Send an update/void; on 5010 re-read the invoice for its SyncToken and try exactly once more."""
        try:
            return self.writer.send(qbo, document=number, operation=operation, entity="Invoice", payload=body,
                                    apply=apply)[1]
        except StaleObjectError:
            current = qbo.read("Invoice", body["Id"])
            body = {**body, "SyncToken": current["SyncToken"]}
            return self.writer.send(qbo, document=number, operation=operation, entity="Invoice", payload=body,
                                    apply=apply)[1]

    def apply_invoice(self, number: str, digest: str) -> Apply:
        def apply(record: dict[str, Any], reply: Reply, row: OutboxRow) -> None:
            invoice = self.store.invoice(number)
            assert invoice is not None
            totals = invoice.totals(self.store.tax_rates())
            self.store.update_document(
                "invoices", number, qbo_id=str(record["Id"]), qbo_sync_token=str(record["SyncToken"]),
                qbo_total=Decimal(str(record.get("TotalAmt", 0))), total_mismatch=compare_totals(totals, record),
                synced_hash=digest, subtotal=totals.subtotal, discount_total=totals.discount, tax_total=totals.tax,
                total=totals.total)
            self._synced(number, row.operation, reply, row.requestid)
        return apply

    def _push_payments(self, qbo: QuickBooksClient, number: str) -> Reply | None:
        reply = None
        for payment in self.store.payments(number):
            if payment.source != "caspen" or payment.qbo_payment_id is not None:
                continue
            invoice = self.store.invoice(number)
            client = self.store.client(invoice.client_id) if invoice else None
            assert invoice is not None and invoice.qbo_id is not None and client is not None
            body = payment_payload(customer_id=self.refs.customer_id(qbo, client), invoice_qbo_id=invoice.qbo_id,
                                   amount=payment.amount, paid_on=payment.paid_on, payment_id=payment.id)
            reply = self.writer.send(qbo, document=number, operation=f"payment:{payment.id}", entity="Payment",
                                     payload=body, apply=self.apply_payment(payment.id, number))[1]
        return reply

    def apply_payment(self, payment_id: int, number: str) -> Apply:
        def apply(record: dict[str, Any], reply: Reply, row: OutboxRow) -> None:
            self.store.execute("UPDATE payments SET qbo_payment_id = ? WHERE id = ?", (str(record["Id"]), payment_id))
            self._synced(number, row.operation, reply, row.requestid)
        return apply

    def _void(self, invoice: Invoice) -> None:
        self.resume_pending(document=invoice.number)
        invoice = self.store.invoice(invoice.number) or invoice
        if invoice.qbo_id is None:
            self.store.clear_card(invoice.number)  # nothing in QuickBooks to void (never pushed, or historical)
            return
        body = {"Id": invoice.qbo_id, "SyncToken": invoice.qbo_sync_token}
        self._with_fresh_token(self.client(), invoice.number, "void", body, self.apply_void(invoice.number))

    def apply_void(self, number: str) -> Apply:
        def apply(record: dict[str, Any], reply: Reply, row: OutboxRow) -> None:
            self.store.update_document("invoices", number, qbo_sync_token=str(record["SyncToken"]),
                                       qbo_total=Decimal(str(record.get("TotalAmt", 0))))
            self.store.clear_card(number)  # voided: no card
        return apply

    # -- credit notes ---------------------------------------------------------------------------
    def sync_credit_note(self, number: str) -> StatusCard | None:
        note = self.store.credit_note(number)
        if note is None:
            raise SyncError(f"no credit note {number}")
        if self.connection.realm_id is None:
            return None
        if note.qbo_id is not None:
            return self.card(number)
        try:
            qbo = self.client()
            self.resume_pending(document=number)
            if (self.store.credit_note(number) or note).qbo_id is None:
                payload = self.invoice_payload(qbo, note)
                self.writer.send(qbo, document=number, operation="credit", entity="CreditMemo", payload=payload,
                                 apply=self.apply_credit(number))
        except SyncError as error:
            return self._fail(number, "create", error)
        return self.card(number)

    def apply_credit(self, number: str) -> Apply:
        def apply(record: dict[str, Any], reply: Reply, row: OutboxRow) -> None:
            note = self.store.credit_note(number)
            assert note is not None
            totals = note.totals(self.store.tax_rates())
            self.store.update_document("credit_notes", number, qbo_id=str(record["Id"]),
                                       qbo_total=Decimal(str(record.get("TotalAmt", 0))),
                                       total_mismatch=compare_totals(totals, record), subtotal=totals.subtotal,
                                       discount_total=totals.discount, tax_total=totals.tax, total=totals.total)
            self._synced(number, "create", reply, row.requestid)
        return apply

    # -- crash recovery -------------------------------------------------------------------------
    def resume_pending(self, *, document: str | None = None) -> int:
        """Re-send pending writes with their stored ``requestid`` (QuickBooks replays what it already did)."""
        rows = self.store.pending_outbox(document_number=document)
        if document is not None:  # a pending batch may hold this document too: it must go first
            rows = self.store.pending_outbox(operation="batch") + rows
        if not rows:
            return 0
        qbo = self.client()
        for row in rows:
            try:
                self.writer.deliver(qbo, row, self.apply_for(row, qbo))
            except StaleObjectError:
                # A stored update/void of this document that QuickBooks refused with 5010 (edited there while
                # the write waited, e.g. through an outage): nothing was written, the row is closed as
                # failed, and the caller's fresh push re-reads the SyncToken. Without a caller to do that
                # (a crash resume), the 5010 surfaces.
                if document is None or row.document_number != document or \
                        row.operation.partition(":")[0] not in ("update", "void"):
                    raise
        return len(rows)

    def apply_for(self, row: OutboxRow, qbo: QuickBooksClient) -> Apply | None:
        verb, _, arg = row.operation.partition(":")
        payload = json.loads(row.payload)
        number = row.document_number or ""
        if verb in ("create", "update") and row.entity == "Invoice":
            return self.apply_invoice(number, payload_hash({k: v for k, v in payload.items() if k not in UPDATE_KEYS}))
        if verb == "void":
            return self.apply_void(number)
        if verb == "payment":
            return self.apply_payment(int(arg), number)
        if verb == "credit":
            return self.apply_credit(number)
        if verb in ("customer", "reactivate") and row.entity == "Customer":
            return self.refs.apply_customer(qbo.realm_id)
        if verb == "item":
            return self.refs.apply_item(qbo.realm_id)
        if verb == "batch":
            from sync_client.bulk import apply_batch

            return apply_batch(self, payload)
        return None
