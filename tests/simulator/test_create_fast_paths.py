"""The create path's shortcuts (issue 16, third pass) answer exactly what the general code answers.

Each shortcut is compared with the code it stands in for, kept here as the reference: the body parse
(orjson first), ``text``/``ref``/``money`` on their usual inputs, the once-formatted ``MetaData`` time,
the remembered query redaction and the DocNumber existence check.
"""

from __future__ import annotations

import json
import random
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from simulator import jsonbody, journal
from simulator.app import create_app
from simulator.entities import base
from simulator.entities.base import CENT, Op, money, ref, text
from simulator.faults import InvalidProperty, QBOFault


# -- the request body -------------------------------------------------------------------------------------
def _reference_loads(raw: bytes) -> Any:
    """jsonbody.loads as it was: json.loads, then the depth check."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise ValueError("deep") from None
    if jsonbody._openers(raw) > jsonbody.MAX_DEPTH and jsonbody.depth_exceeds(value):
        raise ValueError("deep")
    return value


def _outcome(parse: Any, raw: bytes) -> Any:
    try:
        value = parse(raw)
    except ValueError as exc:  # json's errors are ValueErrors (JSONDecodeError, UnicodeDecodeError)
        return ("refused", isinstance(exc, UnicodeDecodeError))
    return ("read", repr(value), _types(value))


def _types(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_types(v) for v in value]
    return type(value).__name__


BODIES = [
    b'{"CustomerRef":{"value":"1"},"Line":[{"Amount":100.0,"DetailType":"SalesItemLineDetail"}]}',
    b"18446744073709551615", b"18446744073709551616", b"-9223372036854775809", b"1234567890123456789012345",
    b'{"Qty": 12345678901234567890}', b'{"Qty": 0.12345678901234567890123}', b'{"n": 1234567890123456789}',
    b"NaN", b"Infinity", b"-Infinity", b"1e400", b"-1e400", b"1e-400", b"-0", b"-0.0", b"0.1", b"1E+2",
    b"\xef\xbb\xbf{}", b'"\\ud800"', b'{"a":"\xed\xa0\x80"}', b'"\xff"', b'{"a":1,"a":2}', b"[1,]", b"01",
    b"", b"null", b" [1 , 2 ] ", b'"\x1f"', b'"\x7f"', b'"\\u0000"', b"1 2", b"{}", b"[]", b'"\xc3\xa9\\n"',
    '{"a": "é"}'.encode("utf-16"), '{"a": 1}'.encode("utf-32-be"), b"[" * 70 + b"]" * 70,
    b"[" * 2000 + b"]" * 2000, b'{"a":' * 65 + b"1" + b"}" * 65, b"2.4703282292062328e-324",
]


@pytest.mark.parametrize("raw", BODIES)
def test_a_body_reads_as_json_reads_it(raw: bytes) -> None:
    assert _outcome(jsonbody.loads, raw) == _outcome(_reference_loads, raw)


def test_fuzzed_bodies_read_as_json_reads_them() -> None:
    rng = random.Random(1603)
    tokens = [b"{", b"}", b"[", b"]", b",", b":", b'"a"', b'"\\u00e9"', b'"\xc3\xa9"', b"1", b"-0", b"1.5e3",
              b"12345678901234567", b"123456789012345678901", b"0.1", b"true", b"null", b"NaN", b" ", b"\t",
              b"1e-7", b"\xff", b'"\x01"', b"9" * 19, b"-" + b"9" * 20]
    for _ in range(20_000):
        raw = b"".join(rng.choice(tokens) for _ in range(rng.randint(1, 12)))
        assert _outcome(jsonbody.loads, raw) == _outcome(_reference_loads, raw), raw


def test_an_ordinary_body_is_read_by_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_: Any) -> Any:
        raise AssertionError("json was asked")

    monkeypatch.setattr(jsonbody.json, "loads", refuse)
    assert jsonbody.loads(BODIES[0])["Line"][0]["Amount"] == 100.0


# -- text, ref, money ------------------------------------------------------------------------------------
def _reference_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _reference_ref(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        ref_value = _reference_text(value.get("value"))
        if ref_value is None:
            return None
        out = {"value": ref_value}
        name = _reference_text(value.get("name"))
        if name:
            out["name"] = name
        return out
    if isinstance(value, (str, int)):
        return {"value": str(value)}
    raise InvalidProperty(reason="failed to parse json object; a property")


class _Str(str):
    pass


SCALARS = [None, "", "1", "abc", _Str("sub"), _Str(""), 0, 1, -3, 2.0, 2.5, True, False, [], {}, "0", " "]


def _answer(function: Any, value: Any) -> Any:
    try:
        result = function(value)
    except QBOFault:
        return "fault"
    return result, type(result)


@pytest.mark.parametrize("value", SCALARS)
def test_text_answers_as_before(value: Any) -> None:
    assert _answer(text, value) == _answer(_reference_text, value)


def test_ref_answers_as_before() -> None:
    values: list[Any] = [*SCALARS]
    for inner in SCALARS:
        for name in [*SCALARS, "missing"]:
            values.append({"value": inner} if name == "missing" else {"value": inner, "name": name})
            values.append({"name": name})
    for value in values:
        assert _answer(ref, value) == _answer(_reference_ref, value), value


def test_money_answers_as_before() -> None:
    rng = random.Random(16)
    values: list[Any] = [0, 1, -1, Decimal("0.005"), Decimal("-0.005"), Decimal("1.235"), Decimal("1E+3"),
                         Decimal("123456789.125")]
    values += [Decimal(rng.randint(-10**9, 10**9)) / Decimal(10 ** rng.randint(0, 6)) for _ in range(2000)]
    for value in values:
        assert money(value) == float(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))
        exact = Decimal(value)
        assert str(base.cents(exact)) == str(exact.quantize(CENT, rounding=ROUND_HALF_UP))


def test_meta_time_is_formatted_once_as_before() -> None:
    company = create_app({"CONTROL_TOKEN": None}).extensions["qbo_simulator"].company("9341452700000001")
    op = base.op_for(company)
    first = op.meta_time
    assert first == company.times.meta_text(op.epoch) == base.format_meta(op.now)
    assert op.meta_time is first
    bare = Op(now=datetime(2026, 1, 2, 3, 4, 5, tzinfo=ZoneInfo("Australia/Sydney")), epoch=0.0)
    assert bare.meta_time == "2026-01-02T03:04:05+11:00"


# -- the journal's query, the DocNumber check ---------------------------------------------------------------
QUERIES = ["minorversion=75", "minorversion=75&requestid=abc", "a=b c&a=%20&x", "", "code=secret&state=1",
           "ACCESS_TOKEN=t&minorversion=75", "q=é&k=%E2%82%AC", "minorversion=75"]


def _reference_redact(query: str) -> str:
    from urllib.parse import parse_qsl, urlencode

    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, journal.REDACTED if k.lower() in journal.SECRET_KEYS else v) for k, v in pairs])


class _Remembered(dict):  # type: ignore[type-arg]
    """The redaction memo, recording every query it was asked to keep (other tests' servers may add too)."""

    def __init__(self) -> None:
        super().__init__()
        self.kept: list[str] = []

    def __setitem__(self, key: str, value: str) -> None:
        self.kept.append(key)
        super().__setitem__(key, value)


def test_a_redacted_query_is_remembered_only_when_it_held_no_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    memo = _Remembered()
    monkeypatch.setattr(journal, "_REDACTED_QUERIES", memo)
    for _ in range(2):  # the second round may answer from what the first remembered
        for query in QUERIES:
            assert journal.redact_query(query) == _reference_redact(query)
    assert "minorversion=75" in memo.kept and "a=b c&a=%20&x" in memo.kept
    assert "code=secret&state=1" not in memo.kept and "ACCESS_TOKEN=t&minorversion=75" not in memo.kept
    monkeypatch.setattr(journal, "_REDACTED_LIMIT", 4)
    for n in range(20):
        assert journal.redact_query(f"requestid={n}") == f"requestid={n}"
        assert len(memo) <= 4


def test_the_doc_number_check_agrees_with_find_doc_number() -> None:
    from simulator import service

    company = create_app({"CONTROL_TOKEN": None}).extensions["qbo_simulator"].company("9341452700000001")
    used = ["INV-1", "A100", "Ab-7", "1001", "Straße-9"]
    for doc_number in used:
        body = {"CustomerRef": {"value": "1"}, "DocNumber": doc_number, "Line": [{
            "Amount": 10, "DetailType": "SalesItemLineDetail",
            "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": {"value": "5"}}}]}
        service.write(company, service.entity_type("invoice"), "create", body, service.new_op(company))
    candidates = used + [u.upper() for u in used] + [u.lower() + "x" for u in used] + ["1002", "9999", "STRASSE-9"]
    for candidate in candidates:
        assert company._doc_number_used(candidate) == (company.find_doc_number(candidate) is not None), candidate
    assert company._doc_number_used("inv-1") and not company._doc_number_used("INV-2")
    company.sequences["doc_number_last"] = "1000"  # the next number skips the 1001 in use
    assert company.next_doc_number() == "1002"


# -- the JSON answer -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", [200, 201, 400, 500])
@pytest.mark.parametrize("body", [b"{}", b'{"Invoice":{"Id":"1"},"time":"t"}', "é€😀".encode() * 100, b""],
                         ids=["empty-object", "record", "non-ascii", "empty"])
def test_a_json_answer_is_the_response_werkzeug_builds(body: bytes, status: int) -> None:
    from simulator.web import SimResponse, trusted_headers
    from simulator.wire import JSON_HEADERS, json_answer

    fast = json_answer(body, status)
    plain = SimResponse(body, status=status, headers=trusted_headers(JSON_HEADERS))
    environ = {"REQUEST_METHOD": "GET", "SERVER_NAME": "x", "SERVER_PORT": "80", "wsgi.url_scheme": "http"}
    for response in (fast, plain):
        response.headers.add("intuit_tid", "1-abc")  # what the app's after-request hook adds
    assert list(fast.headers.items()) == list(plain.headers.items())
    assert fast.status == plain.status and fast.response == plain.response and fast.get_data() == plain.get_data()
    assert list(fast.get_wsgi_headers(environ).items()) == list(plain.get_wsgi_headers(environ).items())
    assert fast.get_wsgi_response(environ)[1] == plain.get_wsgi_response(environ)[1]


# -- the journal's request body -------------------------------------------------------------------------------
@pytest.mark.parametrize("length", [None, "", "0", "12", "-3", "abc", " 7", "1_0", "99999999999"])
@pytest.mark.parametrize("encoding", [None, "", "chunked", "gzip, chunked", "Chunked", "xchunked"])
def test_the_journal_reads_a_body_as_request_content_length_says(length: str | None, encoding: str | None) -> None:
    import io

    from simulator.app import _request_bytes
    from simulator.web import SimRequest

    environ: dict[str, Any] = {"REQUEST_METHOD": "POST", "wsgi.input": io.BytesIO(b"x" * 12), "SERVER_NAME": "x",
                               "SERVER_PORT": "80", "wsgi.url_scheme": "http", "wsgi.input_terminated": True}
    if length is not None:
        environ["CONTENT_LENGTH"] = length
    if encoding is not None:
        environ["HTTP_TRANSFER_ENCODING"] = encoding
    fast = _request_bytes(SimRequest(dict(environ, **{"wsgi.input": io.BytesIO(b"x" * 12)})), 1000)

    class Plain(SimRequest):  # what _request_bytes did: ask werkzeug's request.content_length
        pass

    plain_request = Plain(environ)
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    plain_length = plain_request.content_length if environ.get("CONTENT_LENGTH") else None
    if not plain_length and not chunked:
        expected: Any = b""
    elif (plain_length or 0) > 1000:
        expected = f"[{plain_length} bytes: over the 1000-byte limit, not recorded]"
    else:
        expected = plain_request.get_data(cache=True)
    assert fast == expected


# -- clean ---------------------------------------------------------------------------------------------------
def _reference_clean(value: Any) -> Any:
    """clean() as it was before its dict and list halves were split."""
    kept, containers = frozenset({dict, list, int, float, bool}), (dict, list)
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            kind = type(v)
            if kind is str:
                if v:
                    out[k] = v
            elif kind in kept:
                out[k] = _reference_clean(v) if kind is dict or kind is list else v
            elif v is not None and v != "":
                out[k] = _reference_clean(v) if isinstance(v, containers) else v
        return out
    if isinstance(value, list):
        return [_reference_clean(v) if isinstance(v, containers) else v for v in value if v is not None and v != ""]
    return value


class _Dict(dict):  # type: ignore[type-arg]
    pass


class _List(list):  # type: ignore[type-arg]
    pass


class _Int(int):
    pass


class _Empty:
    """Equal to "" without being a string."""

    def __eq__(self, other: object) -> bool:
        return other == ""

    __hash__ = object.__hash__


def test_clean_answers_as_before_whatever_the_types() -> None:
    from simulator.entities.base import clean

    rng = random.Random(1604)
    empty = _Empty()
    leaves = ["", None, 0, 0.0, False, True, "x", " ", 1.5, _Str(""), _Str("s"), _Int(0), _Int(3), (), ("",), empty]

    def value(depth: int = 0) -> Any:
        roll = rng.random()
        if depth > 3 or roll < 0.45:
            return rng.choice(leaves)
        kind = rng.choice([list, dict, _List, _Dict])
        if kind in (list, _List):
            return kind(value(depth + 1) for _ in range(rng.randint(0, 4)))
        return kind((str(n), value(depth + 1)) for n in range(rng.randint(0, 4)))

    for _ in range(5000):
        body = value()
        got, expected = clean(body), _reference_clean(body)
        assert got == expected and repr(got) == repr(expected), body
        assert type(got) is type(expected)


# -- the fields an invoice keeps as sent ----------------------------------------------------------------------
def test_pass_through_fields_are_kept_in_their_order_and_absent_ones_stay_absent() -> None:
    from simulator import service
    from simulator.entities.sales import PASS_THROUGH

    company = create_app({"CONTROL_TOKEN": None}).extensions["qbo_simulator"].company("9341452700000001")
    line = {"Amount": 10, "DetailType": "SalesItemLineDetail",
            "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "TaxCodeRef": {"value": "5"}}}
    given = {"CustomField": [{"DefinitionId": "1", "StringValue": "x", "Type": "StringType"}], "PrivateNote": "note",
             "CustomerMemo": {"value": "memo"}, "BillEmail": {"Address": "a@example.com"}, "ShipDate": "2026-01-02",
             "TrackingNum": "T1", "AllowOnlinePayment": True, "TxnSource": "Caspen", "ExchangeRate": 1.5}
    rules = service.entity_type("invoice")
    early = ("CustomField", "AllowOnlinePayment")  # set first, in the record's fixed head
    body = {"CustomerRef": {"value": "1"}, "Line": [line], **dict(reversed(list(given.items())))}
    record = service.write(company, rules, "create", body, service.new_op(company))["Invoice"]
    kept = [key for key in record if key in given and key not in early]
    assert kept == [key for key in PASS_THROUGH if key in given and key not in early]  # PASS_THROUGH's order
    assert all(record[key] == given[key] for key in given)
    body = {"CustomerRef": {"value": "1"}, "Line": [line], "PrivateNote": ""}
    record = service.write(company, rules, "create", body, service.new_op(company))["Invoice"]
    assert not [key for key in record if key in PASS_THROUGH and key not in early and not key.startswith("Allow")]


def _reference_decimal(value: Any, prop: str) -> Any:
    from decimal import InvalidOperation

    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidProperty(reason=f"{prop}:Can not construct instance of java.math.BigDecimal from {value}")
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidProperty(
            reason=f"{prop}:Can not construct instance of java.math.BigDecimal from String value '{value}'") from None
    if not result.is_finite():
        raise InvalidProperty(reason=f"{prop}:Can not construct instance of java.math.BigDecimal from {value}")
    return result


def test_decimal_answers_as_before() -> None:
    from simulator.entities.base import decimal

    rng = random.Random(1605)
    values: list[Any] = [None, "", 0, -0, 1, -1, 10**17, 10**18 - 1, 10**18, -(10**18), 10**30, True, False, 0.0,
                         -0.0, 100.0, 0.1, 1e-7, 1e16, 1e300, float("inf"), float("-inf"), float("nan"), "12.50",
                         "1e400", "abc", " 7", "NaN", "-0.00", _Str("3"), _Int(4)]
    values += [rng.randint(-10**20, 10**20) for _ in range(500)]
    values += [rng.uniform(-1e9, 1e9) for _ in range(500)]

    def outcome(function: Any, value: Any) -> Any:
        try:
            result = function(value, "Line.Amount")
        except InvalidProperty as fault:
            return "fault", fault.detail
        return (str(result), result.as_tuple()) if result is not None else None

    for value in values:
        assert outcome(decimal, value) == outcome(_reference_decimal, value), value
