"""One QuickBooks company (realm): its records, sequences, preferences and change history.

A company is the unit of isolation: every request names one by the ``realmId`` in its URL,
holds its lock for the duration of a write, and nothing in one company can see another.
Rules in :mod:`simulator.entities` operate on a company; the company itself knows nothing of
HTTP.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from simulator.clock import ZoneTimes
from simulator.store import EntityStore

if TYPE_CHECKING:
    from simulator.clock import SimClock
    from simulator.entities.base import Op

__all__ = ["Company", "Change", "TRANSACTIONS"]

#: entities whose Ids come from the company's shared transaction sequence (QBO numbers them together)
TRANSACTIONS = frozenset({"Invoice", "CreditMemo", "Payment", "SalesReceipt", "Estimate", "RefundReceipt",
                          "Bill", "BillPayment", "Purchase", "PurchaseOrder", "VendorCredit", "Deposit", "Transfer",
                          "CreditCardPaymentTxn", "JournalEntry"})
#: sales forms that share one DocNumber sequence and duplicate check
SALES_FORMS = ("Invoice", "CreditMemo", "SalesReceipt", "RefundReceipt", "Estimate")
#: display names QBO uses for TxnType in 6140's Detail
TXN_TYPE_NAMES = {"Invoice": "Invoice", "CreditMemo": "Credit Memo", "SalesReceipt": "Sales Receipt",
                  "RefundReceipt": "Refund Receipt", "Estimate": "Estimate"}

IDEMPOTENCY_LIMIT = 10_000
#: versions kept per record for the inspector and the control API (the newest); without a bound, a record
#: updated all day grows without limit (a 75 s soak grew the process by 30 %)
HISTORY_LIMIT = 50

#: company settings that live in QBO's web UI, not in the API's Preferences
DEFAULT_SETTINGS: dict[str, Any] = {
    # "Warn if duplicate invoice number is used": with CustomTxnNumbers on, a clash is 6140 [qbo-api §2.4]
    "warn_duplicate_doc_number": True,
    # a lapsed subscription makes writes fail with 6190
    "subscription_active": True,
    # closing date (ISO date): writes dated on or before it fail with 6210
    "books_closed_through": None,
}


@dataclass(frozen=True)
class Change:
    """One entity change, as webhooks and the inspector report it."""

    realm_id: str
    entity: str
    entity_id: str
    operation: str  # Create | Update | Delete | Void | Emailed
    last_updated: str  # MetaData.LastUpdatedTime
    epoch: float


class Company:
    def __init__(self, realm_id: str, *, country: str, name: str, timezone: str, clock: SimClock,
                 user_name: str = "root") -> None:
        self.realm_id = realm_id
        self.country = country
        self.name = name
        self.tz = ZoneInfo(timezone)
        self.times = ZoneTimes(self.tz)
        self.timezone = timezone
        self.clock = clock
        self.user_name = user_name
        self.lock = threading.RLock()
        self.stores: dict[str, EntityStore] = {}
        self.sequences: dict[str, int] = {}
        self.deleted: dict[tuple[str, str], tuple[str, float]] = {}
        self.history: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.replays: OrderedDict[str, Any] = OrderedDict()
        self.listeners: list[Callable[[Change], None]] = []
        #: what the QuickBooks user set in the web UI that the API cannot read (see DEFAULT_SETTINGS)
        self.settings: dict[str, Any] = dict(DEFAULT_SETTINGS)
        #: uploaded attachment contents by Attachable Id (see :mod:`simulator.entities.attachable`)
        self.files: dict[str, Any] = {}

    # -- time -------------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock.now(self.tz)

    def time_text(self) -> str:
        """The simulated now as the envelope ``time`` in this company's zone (``format_time(self.now())``)."""
        return self.times.time_text(self.clock.epoch())

    # -- records ----------------------------------------------------------------------------------
    def store(self, entity: str) -> EntityStore:
        store = self.stores.get(entity)
        if store is None:
            store = self.stores[entity] = EntityStore(entity)
        return store

    def next_id(self, entity: str) -> str:
        space = "txn" if entity in TRANSACTIONS else entity
        self.sequences[space] = self.sequences.get(space, 0) + 1
        return str(self.sequences[space])

    def save(self, entity: str, record: dict[str, Any], op: Op, *, operation: str) -> None:
        """Store a new version of a record and tell listeners (webhooks, journal)."""
        self.store(entity).put(record, op.epoch)
        versions = self.history.setdefault((entity, record["Id"]), [])
        versions.append(record)
        if len(versions) > HISTORY_LIMIT:
            del versions[:-HISTORY_LIMIT]
        self._emit(entity, record["Id"], operation, record.get("MetaData", {}).get("LastUpdatedTime", ""), op)

    def remove(self, entity: str, entity_id: str, op: Op) -> None:
        """Delete a transaction: it disappears from reads and queries; CDC reports it."""
        self.store(entity).remove(entity_id)
        self.deleted[(entity, entity_id)] = (op.meta_time, op.epoch)
        self._emit(entity, entity_id, "Delete", op.meta_time, op)

    def was_deleted(self, entity: str, entity_id: str) -> bool:
        return (entity, entity_id) in self.deleted

    def deleted_since(self, entity: str, epoch: float) -> list[tuple[str, str]]:
        """``(Id, LastUpdatedTime)`` of records of ``entity`` deleted after ``epoch``."""
        return [(i, stamp) for (e, i), (stamp, at) in self.deleted.items() if e == entity and at > epoch]

    def emit(self, entity: str, entity_id: str, operation: str, op: Op) -> None:
        self._emit(entity, entity_id, operation, op.meta_time, op)

    def _emit(self, entity: str, entity_id: str, operation: str, stamp: str, op: Op) -> None:
        change = Change(self.realm_id, entity, entity_id, operation, stamp, op.epoch)
        for listener in self.listeners:
            listener(change)

    # -- preferences ------------------------------------------------------------------------------
    @property
    def preferences(self) -> dict[str, Any]:
        store = self.stores.get("Preferences")  # read ~4 times a create: without the two method calls
        if store is None:
            store = self.store("Preferences")
        return store.records.get("1") or {}

    @property
    def company_info(self) -> dict[str, Any]:
        return self.store("CompanyInfo").get("1") or {}

    @property
    def custom_txn_numbers(self) -> bool:
        return bool(self.preferences.get("SalesFormsPrefs", {}).get("CustomTxnNumbers", False))

    @property
    def is_us(self) -> bool:
        return self.country == "US"

    def find_doc_number(self, doc_number: str, *, exclude: tuple[str, str] | None = None
                        ) -> tuple[str, dict[str, Any]] | None:
        """The sales form already using ``doc_number`` (case-insensitive), if any."""
        for entity in SALES_FORMS:
            for record in self.store(entity).lookup("DocNumber", doc_number):
                if exclude != (entity, record["Id"]):
                    return entity, record
        return None

    def next_doc_number(self) -> str:
        """QBO's auto-numbering: the last number used + 1, keeping any prefix (``App_1000`` → ``App_1001``)."""
        last = self.sequences.get("doc_number_last")
        candidate = "1001" if last is None else _increment(str(last))
        while self._doc_number_used(candidate):
            candidate = _increment(candidate)
        return candidate

    def _doc_number_used(self, doc_number: str) -> bool:
        """``find_doc_number(doc_number) is not None``, without sorting and fetching the records (issue 16)."""
        for entity in SALES_FORMS:
            if self.store(entity).has("DocNumber", doc_number):
                return True
        return False

    def note_doc_number(self, doc_number: str | None) -> None:
        if doc_number and _TRAILING_DIGITS.search(doc_number):
            self.sequences["doc_number_last"] = doc_number  # type: ignore[assignment]

    # -- idempotency (requestid) ------------------------------------------------------------------
    def replay(self, request_id: str) -> Any:
        return self.replays.get(request_id)

    def remember(self, request_id: str, response: Any) -> None:
        self.replays[request_id] = response
        while len(self.replays) > IDEMPOTENCY_LIMIT:
            self.replays.popitem(last=False)

    # -- snapshots --------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "stores": {name: store.copy() for name, store in self.stores.items()},
                "sequences": dict(self.sequences),
                "deleted": dict(self.deleted),
                "history": {k: list(v) for k, v in self.history.items()},
                "settings": dict(self.settings),
                "files": dict(self.files),
            }

    def restore(self, snapshot: dict[str, Any]) -> None:
        with self.lock:
            self.stores = {name: store.copy() for name, store in snapshot["stores"].items()}
            self.sequences = dict(snapshot["sequences"])
            self.deleted = dict(snapshot["deleted"])
            self.history = {k: list(v) for k, v in snapshot["history"].items()}
            self.settings = dict(snapshot["settings"])
            self.files = dict(snapshot.get("files", {}))
            self.replays.clear()

    def counts(self) -> dict[str, int]:
        return {name: len(store) for name, store in sorted(self.stores.items()) if len(store)}

    def describe(self) -> dict[str, Any]:
        return {
            "realm_id": self.realm_id,
            "name": self.name,
            "country": self.country,
            "timezone": self.timezone,
            "custom_txn_numbers": self.custom_txn_numbers,
            "counts": self.counts(),
            "settings": dict(self.settings),
        }


#: a DocNumber's trailing digits, compiled once (``re.search(pattern)`` looks its pattern up on every call)
_TRAILING_DIGITS = re.compile(r"(\d+)$")


def _increment(doc_number: str) -> str:
    match = _TRAILING_DIGITS.search(doc_number)
    if not match:
        return doc_number + "1"
    digits = match.group(1)
    return doc_number[: match.start()] + str(int(digits) + 1).zfill(len(digits))
