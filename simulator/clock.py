"""The simulated clock: real time plus an offset a test can advance.

One clock per app, shared by its companies, so advancing it expires access tokens (3600 s),
idle refresh tokens (100 days) and the 5-year cap everywhere at once. Formatting follows QBO:
``time`` has a variable-length fraction, ``MetaData`` timestamps have none, both in the
company's time zone with a ``+hh:mm`` offset.
"""

from __future__ import annotations

import math
import threading
import time
from datetime import date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

__all__ = ["SimClock", "format_time", "format_meta", "parse_datetime", "zone"]


class SimClock:
    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def epoch(self) -> float:
        return time.time() + self._offset

    def now(self, tz: tzinfo = timezone.utc) -> datetime:
        return datetime.fromtimestamp(self.epoch(), tz)

    def today(self, tz: tzinfo) -> date:
        return self.now(tz).date()

    #: how far the simulated clock may run ahead of real time (beyond it dates stop being representable)
    MAX_OFFSET = 200 * 366 * 86400.0

    def advance(self, seconds: float) -> float:
        if not seconds >= 0:  # also refuses NaN
            raise ValueError("the simulated clock only moves forward")
        with self._lock:
            if self._offset + seconds > self.MAX_OFFSET:
                raise ValueError("the simulated clock cannot run more than 200 years ahead")
            self._offset += seconds
            return self._offset

    @property
    def offset(self) -> float:
        return self._offset

    def reset(self) -> None:
        with self._lock:
            self._offset = 0.0


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def format_time(moment: datetime) -> str:
    """The envelope ``time``: milliseconds with trailing zeros dropped, e.g. ``...39.11-07:00``."""
    millis = f"{moment.microsecond // 1000:03d}".rstrip("0") or "0"
    if _iso_safe(moment):  # isoformat is C; strftime costs ~10 µs on every answer (issue 16)
        text = moment.isoformat(timespec="milliseconds")
        return text[:20] + millis + text[23:]
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + millis + _offset(moment)


def format_meta(moment: datetime) -> str:
    """``MetaData`` timestamps: no fraction, e.g. ``2015-07-24T10:33:39-07:00``."""
    if _iso_safe(moment):
        return moment.isoformat(timespec="seconds")
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + _offset(moment)


class ZoneTimes:
    """``format_time`` / ``format_meta`` of the simulated now in one time zone, reusing the current second.

    Every answer carries ``time`` and every write stamps ``MetaData``; converting the moment to the zone and
    formatting it cost ~10 µs a request (issue 16). Within one second only the milliseconds change, so
    the date, time and offset are worked out once per second and the milliseconds spliced in, exactly
    as :func:`format_time` writes them for ``datetime.fromtimestamp(epoch, tz)``.
    """

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self._second: tuple[int, str, str] | None = None  # (epoch second, "YYYY-MM-DDTHH:MM:SS", "+hh:mm")

    def time_text(self, epoch: float) -> str:
        """``format_time(datetime.fromtimestamp(epoch, tz))``."""
        second, micro = _split(epoch)
        parts = self._parts(second)
        millis = f"{micro // 1000:03d}".rstrip("0") or "0"
        if parts is None:
            return format_time(datetime.fromtimestamp(epoch, self.tz))
        return f"{parts[1]}.{millis}{parts[2]}"

    def meta_text(self, epoch: float) -> str:
        """``format_meta(datetime.fromtimestamp(epoch, tz))``."""
        parts = self._parts(_split(epoch)[0])
        if parts is None:
            return format_meta(datetime.fromtimestamp(epoch, self.tz))
        return parts[1] + parts[2]

    def _parts(self, second: int) -> tuple[int, str, str] | None:
        cached = self._second
        if cached is not None and cached[0] == second:
            return cached
        try:
            moment = datetime.fromtimestamp(second, self.tz)
        except (OverflowError, OSError, ValueError):
            return None
        if not _iso_safe(moment):
            return None
        text = moment.isoformat(timespec="seconds")
        cached = self._second = (second, text[:19], text[19:])
        return cached


def _split(epoch: float) -> tuple[int, int]:
    """Whole seconds and microseconds as ``datetime.fromtimestamp`` rounds them (half-even, carried)."""
    fraction, whole = math.modf(epoch)
    micro = round(fraction * 1e6)
    if micro >= 1_000_000:
        micro -= 1_000_000
        whole += 1.0
    elif micro < 0:
        micro += 1_000_000
        whole -= 1.0
    return int(whole), micro


def _iso_safe(moment: datetime) -> bool:
    """Whether ``isoformat`` writes what the strftime form does: a 4-digit year, an offset in whole minutes."""
    delta = moment.utcoffset()
    return delta is not None and not delta.seconds % 60 and not delta.microseconds and moment.year >= 1000


def _offset(moment: datetime) -> str:
    delta = moment.utcoffset() or timedelta(0)
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def parse_datetime(text: str, default_tz: tzinfo = timezone.utc) -> datetime:
    """Parse the timestamps clients send (``2011-08-10T10:20:30-0700``, ``...Z``, a bare date).

    Raises ``ValueError`` naming the value when it is not a date or date-time.
    """
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    if len(value) >= 5 and value[-5] in "+-" and value[-4:].isdigit() and "T" in value:
        value = value[:-2] + ":" + value[-2:]  # -0700 -> -07:00
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a date or date-time: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=default_tz)
    return moment
