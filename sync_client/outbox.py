"""Idempotent QuickBooks writes: persist the ``requestid``, then send, then commit the outcome.

1. The write (operation, entity, JSON body, a new ``requestid``) is committed to the ``outbox``
   table **before** the request leaves.
2. It is sent. The HTTP client retries transport errors and 5xx with the same ``requestid``.
3. On success, the caller's ``apply`` (the document's new state, its card) and "outbox row done"
   commit in **one** transaction.
4. A definitive QuickBooks fault marks the row ``failed`` (QuickBooks would replay that fault for
   the same ``requestid``, so the next attempt must use a new one).
5. Anything else (QuickBooks unreachable, the process dies) leaves the row ``pending``: the next
   attempt re-sends the *stored* body with the *stored* ``requestid``, so a create that may have
   reached QuickBooks is answered from QuickBooks' replay and can never be duplicated.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sync_client.errors import QuickBooksError
from sync_client.qbo import QuickBooksClient, Reply
from sync_client.store import OutboxRow, Store

__all__ = ["Writer", "Apply"]

#: ``apply(record, reply, row)`` runs inside the transaction that completes the outbox row
Apply = Callable[[dict[str, Any], Reply, OutboxRow], None]


class Writer:
    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock

    def send(self, qbo: QuickBooksClient, *, document: str | None, operation: str, entity: str,
             payload: dict[str, Any], apply: Apply | None = None) -> tuple[dict[str, Any], Reply]:
        row = self.store.add_outbox(document_number=document, operation=operation, entity=entity,
                                    requestid=uuid.uuid4().hex, payload=json.dumps(payload), now=self.clock())
        return self.deliver(qbo, row, apply)

    def deliver(self, qbo: QuickBooksClient, row: OutboxRow, apply: Apply | None = None
                ) -> tuple[dict[str, Any], Reply]:
        payload = json.loads(row.payload)
        self.store.outbox_sent(row.id)
        verb = row.operation.split(":", 1)[0]
        try:
            if verb == "batch":
                results, reply = qbo.batch(payload["items"], requestid=row.requestid)
                record: dict[str, Any] = {"results": results}
            elif verb in ("update", "reactivate"):
                record, reply = qbo.update(row.entity, payload, requestid=row.requestid)
            elif verb == "void":
                record, reply = qbo.void(row.entity, payload, requestid=row.requestid)
            else:
                record, reply = qbo.create(row.entity, payload, requestid=row.requestid)
        except QuickBooksError as error:
            self.store.finish_outbox(row.id, state="failed",
                                     result=json.dumps({"code": error.code, "message": error.message,
                                                        "detail": error.detail, "intuit_tid": error.intuit_tid}))
            raise
        with self.store.transaction():
            if apply is not None:
                apply(record, reply, row)
            self.store.finish_outbox(row.id, state="done", result=json.dumps(
                {"Id": record.get("Id"), "intuit_tid": reply.intuit_tid}))
        return record, reply
