"""A stored record's JSON is the same bytes whether orjson or ``json`` writes it (simulator.encoding).

:func:`simulator.encoding.record_bytes` answers with orjson's bytes only when they are certainly
``json.dumps``' (compact, non-ASCII kept); these tests compare the two over every record of every
region's demo company, over records after every kind of write, and over fuzzed records aimed at where
the encoders differ (float notation, NaN, 64-bit integers, escapes, surrogates, depth, odd types).
"""

from __future__ import annotations

import json
import math
import random
import struct
from collections import OrderedDict
from datetime import date
from typing import Any

import pytest

from simulator import encoding
from simulator.app import create_app
from simulator.encoding import EncodedRecords, record_bytes
from simulator.seed import REGIONS

JSON_TYPES = (dict, list, str, int, float, bool, type(None))


def _plain(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _same(value: Any) -> None:
    """record_bytes answers json's bytes, or raises what json raises."""
    try:
        expected: bytes | type = _plain(value)
    except Exception as exc:  # noqa: BLE001 (the kind of failure must match too)
        expected = type(exc)
    try:
        got: bytes | type = record_bytes(value)
    except Exception as exc:  # noqa: BLE001
        got = type(exc)
    assert got == expected, value


def _only_json_values(value: Any) -> bool:
    if type(value) is dict:
        return all(type(k) is str and _only_json_values(v) for k, v in value.items())
    if type(value) is list:
        return all(_only_json_values(v) for v in value)
    return type(value) in JSON_TYPES


def test_every_demo_record_encodes_as_json_does_and_holds_json_values_only() -> None:
    app = create_app({"CONTROL_TOKEN": None, "COMPANIES": [{"region": r, "customers": 20} for r in sorted(REGIONS)]})
    backends = app.extensions["qbo_simulator"]
    seen = 0
    for company in backends.companies.values():
        for store in company.stores.values():
            for record in store:
                assert _only_json_values(record), record  # what record_bytes relies on
                assert record_bytes(record) == _plain(record), record
                seen += 1
    assert seen > 200


def test_records_after_writes_encode_as_json_does(api: Any) -> None:
    """Creates, updates, voids and sends through HTTP: every answer is what json.dumps writes of its record."""
    customer = api.post("customer", {"DisplayName": "Zoë “Ångström” \\ \"x\" \u2028", "PrimaryEmailAddr": {
        "Address": "zoe@example.com"}}).json()["Customer"]
    bodies = [
        {"CustomerRef": {"value": customer["Id"]}, "Line": [{"Amount": 100.0, "DetailType": "SalesItemLineDetail",
         "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "Qty": 1, "UnitPrice": 100, "TaxCodeRef": {"value": "5"}}}]},
        {"CustomerRef": {"value": "1"}, "PrivateNote": "tab\there\nnewline \x01 é😀", "ExchangeRate": 1e-05,
         "Line": [{"Amount": 0.01, "Description": "1e5 of 0.00001", "DetailType": "SalesItemLineDetail",
                   "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "Qty": 0.0001, "UnitPrice": 100,
                                           "TaxCodeRef": {"value": "5"}}}]},
        {"CustomerRef": {"value": "1"}, "ExchangeRate": 12345678901234567890123,
         "Line": [{"Amount": 1e15, "DetailType": "SalesItemLineDetail",
                   "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": {"value": "5"}}}]},
    ]
    for body in bodies:
        answer = api.post("invoice", body)
        assert answer.status_code == 200, answer.text
        record = answer.json()["Invoice"]
        text = answer.content
        assert text.startswith(b'{"Invoice":' + _plain(record) + b',"time":'), text
        updated = api.post("invoice", {**record, "PrivateNote": "again"}).json()["Invoice"]
        assert api.get(f"invoice/{updated['Id']}").content.startswith(b'{"Invoice":' + _plain(updated))


def test_the_invoice_a_create_answers_is_written_by_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path is the one taken for an ordinary invoice (json is never called for it)."""
    record = {"Id": "1", "TotalAmt": 110.0, "Line": [{"Amount": 100.0, "Qty": 1}], "CustomField": [],
              "CustomerRef": {"value": "1", "name": "Zoë"}, "Deposit": 0.0, "sparse": False}

    def refuse(_: Any) -> str:
        raise AssertionError("json was asked")

    monkeypatch.setattr(encoding, "_ENCODE", refuse)
    assert record_bytes(record) == _plain(record)
    assert EncodedRecords().payload({"Invoice": record}, "t", stored=True) == _plain({"Invoice": record, "time": "t"})


EDGE_FLOATS = [0.0, -0.0, 0.1, 100.0, 110.0, 1e-4, 1e-5, -1e-5, 1.5e-7, 9.999e-5, 0.00012, 1e15, 1e16, -1e16,
               9999999999999998.0, 1e17, 1e21, 1e22, 1e308, 5e-324, 2.0 ** 53, 123456789.123, math.nan, math.inf,
               -math.inf]
EDGE_INTS = [0, -1, 2**53, 2**63 - 1, -(2**63), 2**63, 2**64 - 1, 2**64, -(2**63) - 1, 10**25, -(10**25)]


def test_edge_numbers_encode_as_json_does() -> None:
    for value in [*EDGE_FLOATS, *EDGE_INTS]:
        _same(value)
        _same({"Amount": value, "Line": [value]})
    for exponent in range(-330, 310):
        for mantissa in (1, 1.5, 3, 9.999, 1.2345678901234567, 9.999999999999999):
            try:
                number = mantissa * 10.0 ** exponent
            except OverflowError:
                continue
            _same([number, -number])


def test_random_floats_encode_as_json_does() -> None:
    rng = random.Random(16)
    for _ in range(20_000):
        bits = struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0]
        cents = round(rng.uniform(-1e7, 1e7), rng.randint(0, 8))
        scaled = rng.uniform(-1, 1) * 10.0 ** rng.randint(-20, 25)
        _same({"a": bits, "b": cents, "c": scaled})


def test_every_character_is_escaped_as_json_escapes_it() -> None:
    for start in range(0, 0x110000, 0x800):  # surrogates (0xD800-0xDFFF) included: both refuse to encode them
        text = "".join(chr(c) for c in range(start, start + 0x800))
        _same({text: text})
    for code in [*range(0x20), 0x7F, 0x2028, 0x2029, 0xD800, 0xDFFF, 0xFFFF, 0x10FFFF]:
        _same({"k": f"a{chr(code)}b", chr(code): [chr(code)]})


class _Str(str):
    pass


class _Dict(dict):  # type: ignore[type-arg]
    pass


def test_values_orjson_hands_back_encode_as_json_does() -> None:
    """Keys that are not strings, subclasses, tuples, dates, depth: json's answer, or json's error."""
    for value in [{1: "a", 2.5: "b", True: "c", None: "d"}, {"a": (1, 2)}, {"a": _Str("x")}, _Dict(a=1),
                  OrderedDict(a=1), {"a": date(2026, 1, 1)}, {"a": {1, 2}}, {"a": b"x"}]:
        _same(value)
    deep: Any = "leaf"
    for _ in range(300):  # orjson stops at 255 levels; json goes on
        deep = {"d": [deep]}
    _same(deep)


def test_fuzzed_records_encode_as_json_does() -> None:
    rng = random.Random(1600)
    alphabet = "ab\"\\/u\n\t\x00\x1f\x7f é€😀\u2028\u2029e0.-"

    def text() -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8)))

    def value(depth: int = 0) -> Any:
        roll = rng.random()
        if depth > 4 or roll < 0.3:
            return text()
        if roll < 0.55:
            return rng.choice([*EDGE_FLOATS, *EDGE_INTS, None, True, False, rng.uniform(-1e6, 1e6),
                               round(rng.uniform(-1e4, 1e4), 2), rng.randint(-10**6, 10**6)])
        if roll < 0.75:
            return [value(depth + 1) for _ in range(rng.randint(0, 4))]
        return {text(): value(depth + 1) for _ in range(rng.randint(0, 5))}

    for _ in range(5_000):
        _same(value())
