"""JSON text of stored records, encoded once and reused while the record is current.

Stored records are immutable (:mod:`simulator.store`): a write puts a new dict, it never changes
one in place. So a record's JSON can be kept and spliced into every answer that carries it,
instead of encoding the same invoice again on each read (issue 16: encoding was ~10 % of a GET's
CPU). The splice is byte-for-byte what ``json.dumps`` gives for the whole payload.

The cache is bounded (the most recently encoded records) and holds each record it describes, so
an entry can never describe another object that happens to reuse a freed record's ``id()``.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

__all__ = ["EncodedRecords", "dumps"]

#: check_circular=False: payloads are trees the simulator built (records parsed from JSON, dicts of them),
#: never cyclic; the check cost a dict insert and delete per container, ~8 % of encoding an invoice (issue 16).
#: A cycle would still fail (RecursionError instead of ValueError), and either is a 500.
_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode


def dumps(payload: Any) -> str:
    """Compact JSON, non-ASCII kept as is: how every JSON answer of the simulator is written."""
    return _ENCODE(payload)


class EncodedRecords:
    """``encode({"Invoice": record, "time": t})`` with the record's JSON cached by identity."""

    def __init__(self, limit: int = 4096) -> None:
        self.limit = limit
        self._cache: OrderedDict[int, tuple[Any, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def record(self, record: dict[str, Any]) -> bytes:
        """The UTF-8 JSON of one stored (immutable) record."""
        key = id(record)
        found = self._cache.get(key)
        if found is not None and found[0] is record:
            return found[1]
        encoded = _ENCODE(record).encode("utf-8")
        with self._lock:
            self._cache[key] = (record, encoded)
            while len(self._cache) > self.limit:
                self._cache.popitem(last=False)
        return encoded

    def payload(self, payload: dict[str, Any], time_text: str | None, *, stored: bool = False) -> bytes:
        """A payload as UTF-8 JSON, ``time`` (when given) added last, as QBO's envelopes have it.

        ``stored``: the payload is ``{"Invoice": record}`` with the record as the company stores it (what
        reads and most writes answer); its cached JSON is reused. Anything else (query answers, batches,
        a delete's status) is encoded whole and not kept.
        """
        if stored and len(payload) == 1:
            (name, value), = payload.items()
            if isinstance(value, dict) and isinstance(name, str):
                parts = [b"{", _ENCODE(name).encode("utf-8"), b":", self.record(value)]
                if time_text is not None:
                    parts += [b',"time":', _ENCODE(time_text).encode("utf-8")]
                parts.append(b"}")
                return b"".join(parts)
        if time_text is not None:
            payload = {**payload, "time": time_text}
        return _ENCODE(payload).encode("utf-8")

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
