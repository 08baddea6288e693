"""The speed-ups of issue 16 answer exactly what the plain code did.

Each fast path (cached record JSON, isoformat-based timestamps, query args without exceptions,
trusted constant headers, a journal that formats on read) is compared with the straightforward
computation it replaces, over inputs chosen to hit the edges (non-ASCII text, odd time zones,
repeated and empty query parameters).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, available_timezones

import pytest
from werkzeug.datastructures import ImmutableMultiDict

from simulator.clock import _offset, format_meta, format_time
from simulator.encoding import EncodedRecords
from simulator.journal import Journal
from simulator.web import QueryArgs, trusted_headers


def _plain(payload: dict, time_text: str | None) -> bytes:
    if time_text is not None:
        payload = {**payload, "time": time_text}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


RECORDS = [
    {"Id": "1", "DocNumber": "INV-1", "TotalAmt": 110.0, "Line": [{"Amount": 100.0, "Qty": 1}], "sparse": False},
    {"Id": "2", "CustomerRef": {"value": "1", "name": "Zoë Ångström — “quoted” \\ \"x\" \u2028"}, "Active": True},
    {"Id": "3", "Nested": {"empty": {}, "list": [], "none": None, "big": 10**20, "neg": -0.5}},
]


@pytest.mark.parametrize("record", RECORDS)
@pytest.mark.parametrize("time_text", [None, "2026-11-29T20:41:56.12+11:00"])
def test_a_cached_record_answer_is_byte_for_byte_what_json_dumps_gives(record: dict, time_text: str | None) -> None:
    cache = EncodedRecords(limit=2)
    payload = {"Invoice": record}
    first = cache.payload(payload, time_text, stored=True)
    again = cache.payload(payload, time_text, stored=True)  # from the cache
    assert first == again == _plain(payload, time_text)


def test_the_record_cache_is_by_identity_and_bounded() -> None:
    cache = EncodedRecords(limit=2)
    record = {"Id": "1", "SyncToken": "0"}
    cache.payload({"Invoice": record}, None, stored=True)
    newer = {**record, "SyncToken": "1"}  # a new version is a new dict: never answered from the old one
    assert json.loads(cache.payload({"Invoice": newer}, None, stored=True))["Invoice"]["SyncToken"] == "1"
    for n in range(5):
        cache.payload({"Invoice": {"Id": str(n)}}, None, stored=True)
    assert len(cache._cache) == 2


def test_payloads_that_are_not_one_stored_record_are_encoded_whole_and_not_kept() -> None:
    cache = EncodedRecords()
    answer = {"QueryResponse": {"Invoice": RECORDS[:2], "startPosition": 1}}
    assert cache.payload(answer, "t", stored=False) == _plain(answer, "t")
    assert cache.payload({"a": 1, "b": {"c": "ü"}}, None) == _plain({"a": 1, "b": {"c": "ü"}}, None)
    assert not cache._cache


def _old_time(moment: datetime) -> str:
    millis = f"{moment.microsecond // 1000:03d}".rstrip("0") or "0"
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + millis + _offset(moment)


def _old_meta(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + _offset(moment)


def test_timestamps_are_formatted_as_the_strftime_form_was_in_every_zone() -> None:
    rng = random.Random(16)
    zones = sorted(available_timezones())
    for _ in range(5_000):
        if rng.random() < 0.9:
            tz = ZoneInfo(rng.choice(zones))
        else:  # fixed offsets, with seconds too (historical local mean times have them)
            tz = timezone(timedelta(seconds=rng.randint(-50_000, 50_000)))
        micro = rng.choice([0, 1000, 10_000, 100_000, 120_000, 999_999, rng.randint(0, 999_999)])
        moment = datetime.fromtimestamp(rng.uniform(-6e10, 7e9), tz).replace(microsecond=micro)
        assert format_time(moment) == _old_time(moment), moment
        assert format_meta(moment) == _old_meta(moment), moment


def test_query_args_get_answers_as_werkzeugs_does() -> None:
    pairs = [("a", "1"), ("a", "2"), ("empty", ""), ("n", "7"), ("x", "y")]
    ours, theirs = QueryArgs(pairs), ImmutableMultiDict(pairs)
    for key in ("a", "empty", "n", "x", "missing", ""):
        assert ours.get(key) == theirs.get(key)
        assert ours.get(key, "default") == theirs.get(key, "default")
        assert ours.get(key, -1, type=int) == theirs.get(key, -1, type=int)
    assert ours.getlist("a") == ["1", "2"]


def test_trusted_headers_are_ordinary_headers() -> None:
    headers = trusted_headers([("Content-Type", "application/json"), ("Expires", "0")])
    headers.add("intuit_tid", "1-abc")
    assert headers.get("content-type") == "application/json" and headers["EXPIRES"] == "0"
    assert list(headers.items()) == [("Content-Type", "application/json"), ("Expires", "0"), ("intuit_tid", "1-abc")]
    with pytest.raises(ValueError):
        headers.add("X-Bad", "a\nb")  # headers added later are still checked


def test_a_journal_entry_recorded_with_an_epoch_reads_as_one_recorded_with_text() -> None:
    journal = Journal(10)
    epoch = 1_764_412_916.1234
    fast = journal.record(epoch=epoch, method="GET", path="/v3/x", query="", status=200, duration_ms=1.0)
    text = datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")
    slow = journal.record(at=text, method="GET", path="/v3/x", query="", status=200, duration_ms=1.0)
    assert fast.at == slow.at == "2025-11-29T10:41:56.123+00:00"
    assert {**fast.to_dict(), "seq": 0} == {**slow.to_dict(), "seq": 0}
    assert list(fast.to_dict())[:3] == ["seq", "at", "method"]
    with pytest.raises(TypeError):
        journal.record(method="GET", path="/", query="", status=200, duration_ms=1.0)


def test_json_is_written_as_json_dumps_with_non_ascii_kept_whatever_the_text() -> None:
    from simulator.encoding import dumps

    rng = random.Random(16)
    alphabet = "ab\"\\/u\n\t\x00\x1f\x7f é€😀\u2028\u2029"

    def value(depth: int = 0) -> object:
        roll = rng.random()
        if depth > 3 or roll < 0.4:
            return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        if roll < 0.5:
            return rng.choice([1, -2.5, 1e300, None, True, False, 10**25])
        if roll < 0.75:
            return [value(depth + 1) for _ in range(rng.randint(0, 3))]
        return {"".join(rng.choice(alphabet) for _ in range(3)): value(depth + 1) for _ in range(rng.randint(0, 3))}

    for _ in range(3000):
        payload = value()
        assert dumps(payload) == json.dumps(payload, separators=(",", ":"), ensure_ascii=False), payload


def test_zone_times_format_the_now_as_format_time_and_format_meta_do() -> None:
    from simulator.clock import ZoneTimes

    rng = random.Random(16)
    zones = sorted(available_timezones())
    for _ in range(500):
        fixed = timezone(timedelta(seconds=rng.randint(-50_000, 50_000)))
        tz = ZoneInfo(rng.choice(zones)) if rng.random() < 0.9 else fixed
        times = ZoneTimes(tz)
        start = float(rng.randint(-6 * 10**10, 7 * 10**9))  # whole seconds: the fractions below stay exact
        for step in range(10):  # several moments in the same second and across seconds
            fraction = rng.choice([0, 0.0004995, 0.9999996, 0.99999949, 0.5, rng.random(), -1e-7, -4e-7])
            epoch = start + fraction + step * rng.choice([0, 0.3])
            moment = datetime.fromtimestamp(epoch, tz)
            assert times.time_text(epoch) == format_time(moment), (tz, epoch)
            assert times.meta_text(epoch) == format_meta(moment), (tz, epoch)


def test_settling_the_heap_freezes_what_start_up_built_and_later_objects_are_still_collected() -> None:
    import gc
    import weakref

    from simulator.server import settle_heap

    class Cycle:
        pass

    try:
        settle_heap()
        assert gc.get_freeze_count() > 0
        later = Cycle()
        later.me = later  # a cycle made after the freeze: the collector still frees it
        gone = weakref.ref(later)
        del later
        gc.collect()
        assert gone() is None
    finally:
        gc.unfreeze()
