"""JSON text of stored records, encoded once and reused while the record is current.

Stored records are immutable (:mod:`simulator.store`): a write puts a new dict, it never changes
one in place. So a record's JSON can be kept and spliced into every answer that carries it,
instead of encoding the same invoice again on each read (issue 16: encoding was ~10 % of a GET's
CPU). The splice is byte-for-byte what ``json.dumps`` gives for the whole payload.

The cache is bounded (the most recently encoded records) and holds each record it describes, so
an entry can never describe another object that happens to reuse a freed record's ``id()``.

A record is first encoded by orjson (a C encoder about 8x cheaper than ``json``'s on an invoice: it was
~13 % of a create's instructions) and its bytes are kept only when they are certainly what ``json``
writes; otherwise ``json`` encodes it (:func:`record_bytes`; proved by tests/simulator/test_record_json.py).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

import orjson

__all__ = ["EncodedRecords", "dumps", "record_bytes"]

#: check_circular=False: payloads are trees the simulator built (records parsed from JSON, dicts of them),
#: never cyclic; the check cost a dict insert and delete per container, ~8 % of encoding an invoice (issue 16).
#: A cycle would still fail (RecursionError instead of ValueError), and either is a 500.
_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode


#: what ``_ENCODE`` does with a ``str`` (json.JSONEncoder.encode's own shortcut), without the method calls around it
_STRING = json.encoder.encode_basestring


def dumps(payload: Any) -> str:
    """Compact JSON, non-ASCII kept as is: how every JSON answer of the simulator is written."""
    return _ENCODE(payload)


#: anything orjson hands back instead of encoding (a str/int/dict/list subclass, a date, a dataclass) raises,
#: and then ``json`` encodes it (or raises) as it always did
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
#: where orjson's text can differ from ``json``'s, found in its output. Floats of magnitude 1e-4 and over are
#: written alike (both print the shortest repr, ``1e+16`` alike); below that orjson writes ``1e-7`` (``json``
#: ``1e-07``) or ``0.00001`` (``json`` ``1e-05``), and NaN and Infinity as ``null`` (``json``: ``NaN``). Any of the
#: three texts (also a harmless one: "e-mail", a real ``null``) sends the record to ``json``. Substring tests: a
#: regular expression scanning for them all at once cost ten times orjson's encoding.
_UNSURE = (b"e-", b"0.0000", b"null")


def record_bytes(record: Any) -> bytes:
    """``dumps(record).encode("utf-8")``, byte for byte, for a record of JSON values (dict, list, str, int, float,
    bool, None), as every stored record is; what orjson cannot write the same way goes through ``json``.

    orjson raises (a ``TypeError``) for what it will not write: integers beyond 64 bits, non-string keys, lone
    surrogates, nesting deeper than 254; ``json`` then answers as before (a lone surrogate still fails to encode).
    """
    try:
        encoded = orjson.dumps(record, option=_ORJSON_OPTIONS)
    except TypeError:
        return _ENCODE(record).encode("utf-8")
    for text in _UNSURE:
        if text in encoded:
            return _ENCODE(record).encode("utf-8")
    return encoded


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
        encoded = record_bytes(record)
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
                parts = [b"{", _STRING(name).encode("utf-8"), b":", self.record(value)]
                if time_text is not None:
                    parts += [b',"time":', _STRING(time_text).encode("utf-8")]
                parts.append(b"}")
                return b"".join(parts)
        if time_text is not None:
            payload = {**payload, "time": time_text}
        return _ENCODE(payload).encode("utf-8")

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
