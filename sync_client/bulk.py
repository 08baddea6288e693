"""Bulk push: many invoices through QuickBooks batch requests, within the realm's rate limits.

Invoices that need a create or an update go out ≤30 per batch (``bId`` ``b0``…``b29``). Each batch
is an outbox row with its own persisted ``requestid`` holding the items, so a batch interrupted by
a crash or an outage is re-sent as-is and QuickBooks replays it instead of creating duplicates
(a single invoice sync re-sends pending batches first, for the same reason).

Per-item results are matched by ``bId`` and committed with the batch's outbox row in one
transaction: each invoice gets the same card a single sync would give it. Items that fail with
5010, invoices with pending single writes, historical invoices and Caspen payments to push go
through the single-invoice path afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sync_client.errors import SyncError, fault_from_response
from sync_client.mapping import payload_hash
from sync_client.outbox import Apply
from sync_client.qbo import Reply
from sync_client.status import StatusCard
from sync_client.store import OutboxRow

if TYPE_CHECKING:
    from sync_client.sync import SyncEngine

__all__ = ["BulkReport", "Progress", "push_all", "apply_batch"]

#: ``progress(done, total, number, card)`` after each invoice
Progress = Callable[[int, int, str, "StatusCard | None"], None]


@dataclass(frozen=True)
class BulkReport:
    synced: tuple[str, ...]
    failed: tuple[str, ...]
    skipped: tuple[str, ...]
    batches: int


def apply_batch(engine: SyncEngine, payload: dict[str, Any], outcomes: dict[str, str] | None = None) -> Apply:
    """Commit every item of a batch answer: the invoice's state and card, in the batch's transaction."""
    outcomes = {} if outcomes is None else outcomes

    def apply(record: dict[str, Any], reply: Reply, row: OutboxRow) -> None:
        results: dict[str, dict[str, Any]] = record["results"]
        for item in payload["items"]:
            bid, operation = item["bId"], item["operation"]
            number = payload["numbers"][bid]
            result = results.get(bid, {})
            if "Invoice" in result:
                pseudo = OutboxRow(row.id, number, operation, "Invoice", row.requestid, "", "done", 1)
                engine.apply_invoice(number, payload["digests"][bid])(result["Invoice"], reply, pseudo)
                outcomes[number] = "synced"
                continue
            error = fault_from_response(None, result.get("Fault") or {"Error": [{
                "Message": f"QuickBooks returned no result for batch item {bid}"}]})
            error.intuit_tid = reply.intuit_tid
            if error.code == "5010":
                outcomes[number] = "stale"  # re-read and retried once by the single path
                continue
            engine._fail(number, operation, error)
            outcomes[number] = "failed"
    return apply


def push_all(engine: SyncEngine, numbers: list[str] | None = None, *, progress: Progress | None = None) -> BulkReport:
    store = engine.store
    numbers = list(numbers) if numbers is not None else store.invoice_numbers(status="finalized")
    total, done = len(numbers), 0
    synced: list[str] = []
    failed: list[str] = []
    skipped: list[str] = []
    batches = 0

    def tick(number: str, card: StatusCard | None) -> None:
        nonlocal done
        done += 1
        if card is None:
            skipped.append(number)
        elif card.state == "synced":
            synced.append(number)
        else:
            failed.append(number)
        if progress is not None:
            progress(done, total, number, card)

    qbo = engine.client()
    engine.resume_pending()  # anything a crash left behind goes first, with its own requestid
    queue: list[tuple[str, str, dict[str, Any], str]] = []
    single: list[str] = []
    for number in numbers:
        invoice = store.invoice(number)
        if invoice is None or invoice.status != "finalized":
            tick(number, None)
            continue
        card = engine.card(number)
        if card is not None and card.state == "failed" and not card.retry_available:
            tick(number, card)  # the user must fix it first (2020, historical): sending again cannot succeed
            continue
        if engine.is_historical(invoice) or store.pending_outbox(document_number=number):
            single.append(number)
            continue
        operation = "create" if invoice.qbo_id is None else "update"
        try:
            payload = engine.invoice_payload(qbo, invoice, due_date=invoice.due_date)
        except SyncError as error:
            tick(number, engine._fail(number, operation, error))
            continue
        digest = payload_hash(payload)
        row = store.invoice_row(number)
        if invoice.qbo_id is not None and row is not None and row["synced_hash"] == digest:
            single.append(number)  # nothing to write for the invoice; maybe payments
            continue
        body = payload if invoice.qbo_id is None else {
            **payload, "Id": invoice.qbo_id, "SyncToken": invoice.qbo_sync_token, "sparse": False}
        queue.append((number, operation, body, digest))

    size = engine.config.rate_limits.batch_size
    for start in range(0, len(queue), size):
        chunk = queue[start:start + size]
        bids = [f"b{i}" for i in range(len(chunk))]
        payload = {
            "items": [{"bId": bid, "operation": op, "Invoice": body}
                      for bid, (_, op, body, _) in zip(bids, chunk, strict=True)],
            "numbers": {bid: number for bid, (number, *_) in zip(bids, chunk, strict=True)},
            "digests": {bid: digest for bid, (*_, digest) in zip(bids, chunk, strict=True)},
        }
        outcomes: dict[str, str] = {}
        batches += 1
        try:
            engine.writer.send(qbo, document=None, operation="batch", entity="Invoice", payload=payload,
                               apply=apply_batch(engine, payload, outcomes))
        except SyncError as error:
            for number, operation, _, _ in chunk:
                tick(number, engine._fail(number, operation, error))
            continue
        for number, *_ in chunk:
            if outcomes.get(number) == "stale":
                single.append(number)
            else:
                invoice = store.invoice(number)
                if invoice is not None and any(p.source == "caspen" and p.qbo_payment_id is None
                                               for p in store.payments(number)):
                    single.append(number)
                else:
                    tick(number, engine.card(number))
    for number in single:
        tick(number, engine.sync_invoice(number, trigger="bulk push"))
    return BulkReport(tuple(synced), tuple(failed), tuple(skipped), batches)
