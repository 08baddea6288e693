"""Reading a JSON request body without letting its shape exhaust the parser.

``json.loads`` recurses once per nesting level, so ``[[[[...]]]]`` thousands deep raises
``RecursionError`` (a 500) and a few hundred deep still overflows the rules that walk the body
later. :func:`loads` refuses both the same way as malformed JSON (``ValueError``), which the
accounting views answer with QBO's 2010 "failed to parse json object" — the answer QBO gives a body
it cannot deserialise [CAP 2026, behaviour notes §Q3 block B]. The depth limit matches the XML
codec's (:data:`simulator.xmlcodec.MAX_DEPTH`); real QBO bodies nest fewer than ten levels [INF:
QBO's own limit is not documented].

A body is parsed by orjson (~5x cheaper than ``json`` on an invoice body, issue 16) when that certainly reads
the same values; otherwise by ``json``, which decides what the body means (tests/simulator/test_record_json.py).
"""

from __future__ import annotations

import json
from typing import Any

import orjson

__all__ = ["MAX_DEPTH", "loads", "depth_exceeds"]

MAX_DEPTH = 64
_UNREAD = object()


def depth_exceeds(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether containers nest deeper than ``limit`` (iterative: safe on any input)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def _openers(raw: bytes | bytearray | str) -> int:
    """How many ``{`` and ``[`` the text holds: at least its nesting depth, so at most MAX_DEPTH means it fits.

    Counting is a C loop over the text; walking the parsed value was half of reading a typical body (issue 16).
    Braces inside strings only raise the count. For bytes in UTF-16 or UTF-32 (which ``json.loads`` accepts)
    every ``{`` or ``[`` still contains its byte, so the bound holds there too.
    """
    if isinstance(raw, (bytes, bytearray)):
        return raw.count(b"{") + raw.count(b"[")
    return raw.count("{") + raw.count("[")


#: a run of 19 digits (an integer orjson could read as a float: it keeps 64 bits, ``json`` every digit) is found as
#: ``_LONG_RUN`` in the body with every digit made ``0`` and every other byte a space: two C loops over the
#: bytes, where a regular expression cost as much as ``json.loads``
_DIGITS_ONLY = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_LONG_RUN = b"0" * 19


def loads(raw: bytes | bytearray | str) -> Any:
    """``json.loads`` that raises ``ValueError`` for too-deep input instead of recursing out.

    UTF-8 bytes without a 19-digit run go to orjson first: what it reads, it reads as ``json`` does (same
    types and values, last duplicate key wins); what it refuses (NaN, Infinity, 1e400, a BOM, surrogates,
    UTF-16/32, invalid UTF-8, nesting beyond 1024) ``json`` reads or refuses as it always did.
    """
    value: Any = _UNREAD
    if type(raw) is bytes and _LONG_RUN not in raw.translate(_DIGITS_ONLY):
        try:
            value = orjson.loads(raw)
        except ValueError:  # orjson.JSONDecodeError
            value = _UNREAD
    if value is _UNREAD:
        try:
            value = json.loads(raw)
        except RecursionError:
            raise ValueError(f"JSON nested deeper than the interpreter can parse (limit {MAX_DEPTH})") from None
    if _openers(raw) > MAX_DEPTH and depth_exceeds(value):
        raise ValueError(f"JSON nested deeper than {MAX_DEPTH} levels")
    return value
