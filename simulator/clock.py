"""The simulated clock: real time plus an offset a test can advance.

One clock per app, shared by its companies, so advancing it expires access tokens (3600 s),
idle refresh tokens (100 days) and the 5-year cap everywhere at once. Formatting follows QBO:
``time`` has a variable-length fraction, ``MetaData`` timestamps have none, both in the
company's time zone with a ``+hh:mm`` offset.
"""

from __future__ import annotations

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
