"""The request journal: what every client asked and what the simulator answered.

A bounded ring buffer (long soak runs cannot exhaust memory) that the control API, the gate's
HTML report and the inspector read. Secrets never enter it: Authorization headers are not
recorded, and token-bearing fields in query strings, form bodies and JSON are replaced by
``[redacted]`` before an entry is stored.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

__all__ = ["Journal", "JournalEntry", "Body", "redact_text", "captured", "RAW_FIELDS", "SECRET_KEYS"]

SECRET_KEYS = frozenset({"access_token", "refresh_token", "id_token", "code", "client_secret", "token",
                         "password", "authorization", "verifier_token", "control_token"})
REDACTED = "[redacted]"
BODY_LIMIT = 16_384
#: JSON keys whose values are secrets ("code" is only secret in OAuth query strings and forms)
JSON_SECRET_KEYS = SECRET_KEYS - {"code"}
_JSON_SECRET = re.compile(r'("(?:%s)"\s*:\s*)"[^"]*"' % "|".join(sorted(JSON_SECRET_KEYS)), re.IGNORECASE)
#: a word every key in JSON_SECRET_KEYS contains, so a body without any cannot match _JSON_SECRET
_JSON_SECRET_WORDS = ("token", "secret", "password", "authorization")
_BEARER = re.compile(r"(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE)


@dataclass
class Body:
    """A body as it crossed the wire; decoded and redacted only when someone reads it.

    Accounting bodies are recorded raw (redacting every request would cost more than serving it);
    token-endpoint bodies, the ones that carry secrets, are redacted before they are recorded.
    """

    raw: bytes | str = b""
    content_type: str = ""
    #: the full length when ``raw`` was cut to BODY_LIMIT (long soaks keep memory flat)
    length: int | None = None
    _text: str | None = field(default=None, repr=False)

    @classmethod
    def capture(cls, raw: bytes | str, content_type: str) -> Body:
        if len(raw) > BODY_LIMIT:
            return cls(raw[:BODY_LIMIT], content_type, length=len(raw))
        return cls(raw, content_type)

    @property
    def text(self) -> str:
        if self._text is None:
            raw = self.raw.decode("utf-8", "replace") if isinstance(self.raw, bytes) else self.raw
            text = redact_text(raw, self.content_type)
            if self.length is not None:
                text += f"... [{self.length - len(self.raw)} more characters]"
            self._text = text
        return self._text


#: JournalEntry's fields in the order to_dict() reports them (the control API's and the inspector's shape)
ENTRY_FIELDS = ("seq", "at", "method", "path", "query", "status", "duration_ms", "realm_id", "entity", "operation",
                "intuit_tid", "requestid", "fault_code", "fault_message", "fault_detail", "fault_rule", "replayed")


class JournalEntry:
    """One request and its answer.

    Recorded on every request, read rarely: what costs to work out (the ``at`` timestamp, body text) is
    kept raw and worked out when read (issue 16: recording was ~15 % of a GET's CPU). ``at`` is the
    simulated time in UTC, ISO 8601 with milliseconds; pass either ``at`` (text) or ``epoch`` (seconds).
    """

    __slots__ = ("seq", "_at", "epoch", "method", "path", "query", "status", "duration_ms", "realm_id", "entity",
                 "operation", "intuit_tid", "requestid", "fault_code", "fault_message", "fault_detail",
                 "fault_rule", "replayed", "request", "response", "extra")

    def __init__(self, seq: int, method: str, path: str, query: str, status: int, duration_ms: float, *,
                 at: str | None = None, epoch: float | None = None, realm_id: str | None = None,
                 entity: str | None = None, operation: str | None = None, intuit_tid: str | None = None,
                 requestid: str | None = None, fault_code: str | None = None, fault_message: str | None = None,
                 fault_detail: str | None = None, fault_rule: str | None = None, replayed: bool = False,
                 request: Body | None = None, response: Body | None = None,
                 extra: dict[str, Any] | None = None) -> None:
        if at is None and epoch is None:
            raise TypeError("a journal entry needs at (ISO text) or epoch (seconds)")
        self.seq, self._at, self.epoch = seq, at, epoch
        self.method, self.path, self.query, self.status, self.duration_ms = method, path, query, status, duration_ms
        self.realm_id, self.entity, self.operation = realm_id, entity, operation
        self.intuit_tid, self.requestid = intuit_tid, requestid
        self.fault_code, self.fault_message, self.fault_detail, self.fault_rule = \
            fault_code, fault_message, fault_detail, fault_rule
        self.replayed = replayed
        self.request = request if request is not None else Body()
        self.response = response if response is not None else Body()
        self.extra = extra if extra is not None else {}

    @property
    def at(self) -> str:
        if self._at is None:
            self._at = datetime.fromtimestamp(self.epoch or 0.0, UTC).isoformat(timespec="milliseconds")
        return self._at

    @property
    def request_body(self) -> str:
        return self.request.text

    @property
    def response_body(self) -> str:
        return self.response.text

    @property
    def response_type(self) -> str:
        return self.response.content_type

    def to_dict(self) -> dict[str, Any]:
        out = {name: getattr(self, name) for name in ENTRY_FIELDS}
        out.update(request_body=self.request_body, response_body=self.response_body,
                   response_type=self.response_type, extra=dict(self.extra))
        return out

    def __repr__(self) -> str:
        return f"JournalEntry(seq={self.seq}, {self.method} {self.path} -> {self.status})"


#: the facts :meth:`Journal.add` takes, in order (the request path builds a tuple of them)
#: ``request`` and ``response`` are :meth:`Body.capture` of the raw body and its content type, or the raw body
#: itself when it is within BODY_LIMIT (see :func:`captured`), with the content type in the next field
RAW_FIELDS = ("epoch", "method", "path", "query", "status", "duration_ms", "realm_id", "entity", "operation",
              "intuit_tid", "requestid", "fault_code", "fault_message", "fault_detail", "fault_rule", "replayed",
              "request", "request_type", "response", "response_type", "extra")


def captured(raw: bytes | str, content_type: str) -> bytes | str | Body:
    """What :meth:`Journal.add` keeps of a body: the raw body when it fits, else its capture (cut to the limit)."""
    return raw if len(raw) <= BODY_LIMIT else Body.capture(raw, content_type)


def _from_raw(seq: int, facts: tuple[Any, ...]) -> JournalEntry:
    (epoch, method, path, query, status, duration_ms, realm_id, entity, operation, intuit_tid, requestid,
     fault_code, fault_message, fault_detail, fault_rule, replayed, request, request_type, response, response_type,
     extra) = facts
    return JournalEntry(seq, method, path, query, status, duration_ms, epoch=epoch, realm_id=realm_id,
                        entity=entity, operation=operation, intuit_tid=intuit_tid, requestid=requestid,
                        fault_code=fault_code, fault_message=fault_message, fault_detail=fault_detail,
                        fault_rule=fault_rule, replayed=replayed,
                        request=request if isinstance(request, Body) else Body(request, request_type),
                        response=response if isinstance(response, Body) else Body(response, response_type),
                        extra=extra)


def redact_query(query: str) -> str:
    """``query`` with the values of :data:`SECRET_KEYS` replaced (parsed and re-encoded, so normalised too).

    Clients repeat the same few queries (``minorversion=75``), so answers are remembered; but only for a query
    that carried no secret. (An ``lru_cache`` kept every argument, token-endpoint form bodies with their codes,
    refresh tokens and client secrets among them, in memory for the life of the process.)
    """
    found = _REDACTED_QUERIES.get(query)
    if found is not None:
        return found
    pairs = parse_qsl(query, keep_blank_values=True)
    secret = False
    kept = []
    for k, v in pairs:
        if k.lower() in SECRET_KEYS:
            secret = True
            v = REDACTED
        kept.append((k, v))
    answer = urlencode(kept)
    if not secret:
        if len(_REDACTED_QUERIES) >= _REDACTED_LIMIT:
            _REDACTED_QUERIES.clear()  # distinct queries (a requestid each) must not grow it without bound
        _REDACTED_QUERIES[query] = answer
    return answer


#: :func:`redact_query`'s answers for queries without a secret (a pure function of the query: safe to share)
_REDACTED_QUERIES: dict[str, str] = {}
_REDACTED_LIMIT = 512


def redact_text(text: str, content_type: str = "") -> str:
    """Remove token values from a body (JSON, form or free text) and cap its size."""
    if not text:
        return ""
    # Both patterns need one of a few words (any case): most bodies have none, and a substring test is
    # much cheaper than the case-insensitive alternation (issue 6). Only for ASCII text, where lower()
    # is exactly what IGNORECASE matches; other text (ſ, K, ı...) always goes through the patterns.
    folded = text.lower() if text.isascii() else None
    if "x-www-form-urlencoded" in content_type:
        text = redact_query(text)
    elif folded is None or any(word in folded for word in _JSON_SECRET_WORDS):
        text = _JSON_SECRET.sub(lambda m: m.group(1) + json.dumps(REDACTED), text)
    if folded is None or "bearer" in folded or "basic" in folded:
        text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    if len(text) > BODY_LIMIT:
        text = text[:BODY_LIMIT] + f"... [{len(text) - BODY_LIMIT} more characters]"
    return text


class Journal:
    def __init__(self, maxlen: int = 10_000) -> None:
        self._entries: deque[JournalEntry] = deque(maxlen=maxlen)
        self._seq = itertools.count(1)
        self._lock = threading.Lock()
        self.maxlen = maxlen
        self._dropped = 0
        self._raw = 0  #: entries recorded by :meth:`add` and not built yet

    def record(self, **fields: Any) -> JournalEntry:
        with self._lock:
            entry = JournalEntry(seq=next(self._seq), **fields)
            if len(self._entries) == self._entries.maxlen:
                self._dropped += 1
            self._entries.append(entry)
            return entry

    def add(self, facts: tuple[Any, ...]) -> None:
        """Record one request from its raw facts, in :data:`RAW_FIELDS` order; the entry is built when read.

        What the request path calls (issue 16): a tuple costs a fraction of an entry's keyword arguments and
        objects, and most entries are never read. Reads as the entry :meth:`record` makes of the same facts.
        """
        with self._lock:
            if len(self._entries) == self._entries.maxlen:
                self._dropped += 1
            self._entries.append((next(self._seq), facts))  # type: ignore[arg-type]
            self._raw += 1

    def _built(self) -> deque[JournalEntry]:
        """The entries, raw ones built (once: later reads return the same objects). Call with the lock held."""
        if self._raw:
            entries = [item if type(item) is JournalEntry else _from_raw(*item) for item in self._entries]
            self._entries.clear()
            self._entries.extend(entries)
            self._raw = 0
        return self._entries

    def entries(self, *, realm_id: str | None = None, since: int = 0, status: int | None = None,
                entity: str | None = None, faults_only: bool = False, limit: int | None = None
                ) -> list[JournalEntry]:
        with self._lock:
            items: Iterable[JournalEntry] = list(self._built())
        out = [e for e in items if e.seq > since
               and (realm_id is None or e.realm_id == realm_id)
               and (status is None or e.status == status)
               and (entity is None or (e.entity or "").lower() == entity.lower())
               and (not faults_only or e.fault_code is not None)]
        return out[-limit:] if limit else out

    def get(self, seq: int) -> JournalEntry | None:
        with self._lock:
            for entry in self._built():
                if entry.seq == seq:
                    return entry
        return None

    def clear(self, realm_id: str | None = None) -> None:
        with self._lock:
            if realm_id is None:
                self._entries.clear()
                self._raw = 0
            else:
                kept = [e for e in self._built() if e.realm_id != realm_id]
                self._entries.clear()
                self._entries.extend(kept)

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"size": len(self._entries), "capacity": self.maxlen, "dropped": self._dropped}
