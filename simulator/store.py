"""Per-company, per-entity record storage with the indexes clients look up by.

Records are the entity's wire form (the dict QBO would return). They are treated as immutable:
rules build a new dict and :meth:`EntityStore.put` it, so a snapshot is a cheap shallow copy and a
reader can serialise a record without holding the company lock.

Indexes: hash indexes on the fields invoice sync queries by (``DocNumber``, ``CustomerRef``,
``DisplayName``, ``Name``), compared case-insensitively like QBO's query engine, and a time-ordered
index on ``MetaData.LastUpdatedTime`` for CDC and ``LastUpdatedTime >`` queries.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from typing import Any

__all__ = ["EntityStore", "index_key", "get_path"]

#: dotted property paths kept in hash indexes, per store
DEFAULT_INDEXES = ("DocNumber", "CustomerRef.value", "DisplayName", "Name")


def get_path(record: dict[str, Any], path: str) -> Any:
    """``get_path(inv, "CustomerRef.value")``; ``None`` when any step is missing."""
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def index_key(value: Any) -> Any:
    """Normalise a value for index lookup: strings compare case-insensitively."""
    return value.casefold() if isinstance(value, str) else value


class EntityStore:
    """The records of one entity type in one company."""

    def __init__(self, entity: str, indexes: tuple[str, ...] = DEFAULT_INDEXES) -> None:
        self.entity = entity
        self.records: dict[str, dict[str, Any]] = {}
        self._indexes: dict[str, dict[Any, set[str]]] = {path: {} for path in indexes}
        #: each indexed path split once (:meth:`put` walked ``path.split(".")`` for every path of every write)
        self._paths = tuple((path, tuple(path.split("."))) for path in indexes)
        # (updated_epoch, Id) in time order; stale entries are skipped by comparing with _updated
        self._timeline: list[tuple[float, str]] = []
        self._updated: dict[str, float] = {}
        #: True while this store shares its containers with a copy (copy-on-write: see :meth:`copy`)
        self._shared = False

    # -- reads ------------------------------------------------------------------------------------
    def get(self, entity_id: str) -> dict[str, Any] | None:
        return self.records.get(entity_id)

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(list(self.records.values()))

    def indexed(self, path: str) -> bool:
        return path in self._indexes or path == "Id"

    def lookup(self, path: str, value: Any) -> list[dict[str, Any]]:
        """Records whose ``path`` equals ``value`` (case-insensitive); the path must be indexed."""
        if path == "Id":
            record = self.records.get(str(value))
            return [record] if record is not None else []
        ids = self._indexes[path].get(index_key(value), ())
        return [self.records[i] for i in sorted(ids, key=_id_order)]

    def has(self, path: str, value: Any) -> bool:
        """``bool(self.lookup(path, value))`` for an indexed ``path`` other than ``Id``, without building the list."""
        return bool(self._indexes[path].get(index_key(value)))

    def updated_at(self, entity_id: str) -> float | None:
        return self._updated.get(entity_id)

    def changed_since(self, epoch: float) -> list[dict[str, Any]]:
        """Records last updated strictly after ``epoch`` (seconds), oldest change first."""
        start = bisect.bisect_right(self._timeline, (epoch, "\uffff"))
        seen: set[str] = set()
        out = []
        for stamp, entity_id in self._timeline[start:]:
            if self._updated.get(entity_id) == stamp and entity_id not in seen:
                seen.add(entity_id)
                out.append(self.records[entity_id])
        return out

    # -- writes -----------------------------------------------------------------------------------
    def put(self, record: dict[str, Any], updated_epoch: float) -> None:
        if self._shared:
            self._own()
        entity_id = record["Id"]
        old = self.records.get(entity_id)
        if old is not None:
            self._unindex(old)
        self.records[entity_id] = record
        indexes = self._indexes
        for path, parts in self._paths:  # get_path(record, path), walked inline
            value: Any = record
            for part in parts:
                value = value.get(part) if isinstance(value, dict) else None
            if value is not None:
                indexes[path].setdefault(value.casefold() if isinstance(value, str) else value, set()).add(entity_id)
        self._updated[entity_id] = updated_epoch
        if self._timeline and self._timeline[-1][0] > updated_epoch:
            bisect.insort(self._timeline, (updated_epoch, entity_id))
        else:
            self._timeline.append((updated_epoch, entity_id))
        if len(self._timeline) > 2 * len(self.records) + 64:
            self._compact()

    def remove(self, entity_id: str) -> dict[str, Any] | None:
        if self._shared:
            self._own()
        old = self.records.pop(entity_id, None)
        if old is not None:
            self._unindex(old)
            self._updated.pop(entity_id, None)
        return old

    def _unindex(self, record: dict[str, Any]) -> None:
        for path, index in self._indexes.items():
            value = get_path(record, path)
            if value is not None:
                ids = index.get(index_key(value))
                if ids is not None:
                    ids.discard(record["Id"])
                    if not ids:
                        del index[index_key(value)]

    def _compact(self) -> None:
        self._timeline = sorted((stamp, i) for i, stamp in self._updated.items())

    # -- snapshots --------------------------------------------------------------------------------
    def copy(self) -> EntityStore:
        """A copy that shares everything until either side writes (copy-on-write): records are immutable,
        and the containers (records by Id, indexes, timeline) are copied by the first :meth:`put` or
        :meth:`remove` of whichever store writes. Seeded companies share their region's books this way, so
        an idle company costs a few hundred bytes per store instead of its own indexes."""
        clone = EntityStore.__new__(EntityStore)
        clone.entity = self.entity
        clone._paths = self._paths
        clone.records = self.records
        clone._indexes = self._indexes
        clone._timeline = self._timeline
        clone._updated = self._updated
        clone._shared = self._shared = True
        return clone

    def _own(self) -> None:
        self.records = dict(self.records)
        self._indexes = {p: {k: set(v) for k, v in idx.items()} for p, idx in self._indexes.items()}
        self._timeline = list(self._timeline)
        self._updated = dict(self._updated)
        self._shared = False


def _id_order(entity_id: str) -> tuple[int, Any]:
    return (0, int(entity_id)) if entity_id.isdigit() else (1, entity_id)
