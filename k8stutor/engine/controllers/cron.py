"""Cron schedules as the CronJob controller parses them (``robfig/cron/v3`` ``ParseStandard``).

Five fields (minute hour day-of-month month day-of-week) with ``*``, ``?``, lists, ranges, steps and
month/day names; the ``@yearly``/``@annually``/``@monthly``/``@weekly``/``@daily``/``@midnight``/``@hourly``
descriptors; ``@every <duration>``; and a ``CRON_TZ=``/``TZ=`` prefix. Errors carry robfig's messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

STAR_BIT = 1 << 63

_MONTHS = {
    n: i + 1
    for i, n in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_DOWS = {n: i for i, n in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])}


class CronError(ValueError):
    """A schedule robfig/cron would reject; the message is robfig's."""


@dataclass(frozen=True)
class _Bounds:
    lo: int
    hi: int
    names: dict[str, int]


_MINUTE = _Bounds(0, 59, {})
_HOUR = _Bounds(0, 23, {})
_DOM = _Bounds(1, 31, {})
_MONTH = _Bounds(1, 12, _MONTHS)
_DOW = _Bounds(0, 6, _DOWS)


def _parse_int(expr: str) -> int:
    if not re.fullmatch(r"[+-]?\d+", expr):
        raise CronError(f'failed to parse int from {expr}: strconv.Atoi: parsing "{expr}": invalid syntax')
    n = int(expr)
    if n < 0:
        raise CronError(f"negative number ({n}) not allowed: {expr}")
    return n


def _value(expr: str, b: _Bounds) -> int:
    if expr.lower() in b.names:
        return b.names[expr.lower()]
    return _parse_int(expr)


def _range(expr: str, b: _Bounds) -> int:
    range_and_step = expr.split("/")
    low_high = range_and_step[0].split("-")
    single = len(low_high) == 1
    extra = 0
    if low_high[0] in ("*", "?"):
        start, end, extra = b.lo, b.hi, STAR_BIT
    else:
        start = _value(low_high[0], b)
        if len(low_high) == 1:
            end = start
        elif len(low_high) == 2:
            end = _value(low_high[1], b)
        else:
            raise CronError(f"too many hyphens: {expr}")
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step = _parse_int(range_and_step[1])
        if single:
            end = b.hi
        if step > 1:
            extra = 0
    else:
        raise CronError(f"too many slashes: {expr}")
    if start < b.lo:
        raise CronError(f"beginning of range ({start}) below minimum ({b.lo}): {expr}")
    if end > b.hi:
        raise CronError(f"end of range ({end}) above maximum ({b.hi}): {expr}")
    if start > end:
        raise CronError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise CronError(f"step of range should be a positive number: {expr}")
    bits = 0
    for v in range(start, end + 1, step):
        bits |= 1 << v
    return bits | extra


def _field(text: str, b: _Bounds) -> int:
    bits = 0
    for part in text.split(","):
        bits |= _range(part, b)
    return bits


def _parse_go_duration(text: str) -> float:
    m = re.fullmatch(r"((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+", text)
    if not m or text in ("", "0"):
        raise CronError(f'failed to parse duration @every {text}: time: invalid duration "{text}"')
    unit = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}
    total = 0.0
    for num, u in re.findall(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)", text):
        total += float(num) * unit[u]
    return total


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule; ``next(t)`` is the first activation strictly after epoch seconds ``t``."""

    minute: int = 0
    hour: int = 0
    dom: int = 0
    month: int = 0
    dow: int = 0
    every: float = 0.0
    zone: str = ""

    def _tz(self, default: tzinfo | None) -> tzinfo:
        if self.zone:
            return ZoneInfo(self.zone)
        return default or UTC

    def next(self, t: float, tz: tzinfo | None = None) -> float:
        """The next activation time after ``t`` (epoch seconds); 0.0 if none within five years."""
        if self.every:
            step = max(1.0, float(int(self.every)))
            return float(int(t) + step)
        loc = self._tz(tz)
        cur = datetime.fromtimestamp(int(t), loc).replace(second=0, microsecond=0) + timedelta(minutes=1)
        limit = cur.year + 5
        while cur.year <= limit:
            if not (1 << cur.month) & self.month:
                cur = (cur.replace(day=1, hour=0, minute=0) + timedelta(days=32)).replace(day=1)
                continue
            if not self._day_matches(cur):
                cur = (cur + timedelta(days=1)).replace(hour=0, minute=0)
                continue
            if not (1 << cur.hour) & self.hour:
                cur = (cur + timedelta(hours=1)).replace(minute=0)
                continue
            if not (1 << cur.minute) & self.minute:
                cur = cur + timedelta(minutes=1)
                continue
            return cur.timestamp()
        return 0.0

    def _day_matches(self, d: datetime) -> bool:
        dom_match = bool((1 << d.day) & self.dom)
        dow_match = bool((1 << ((d.weekday() + 1) % 7)) & self.dow)
        if self.dom & STAR_BIT or self.dow & STAR_BIT:
            return dom_match and dow_match
        return dom_match or dow_match


_DESCRIPTORS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}


def parse(spec: str) -> Schedule:
    """``cron.ParseStandard``; raises :class:`CronError` with robfig's message."""
    if not spec:
        raise CronError("empty spec string")
    zone = ""
    if spec.startswith("TZ=") or spec.startswith("CRON_TZ="):
        head, _, rest = spec.partition(" ")
        zone = head.split("=", 1)[1]
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise CronError(f"provided bad location {zone}: unknown time zone {zone}") from None
        spec = rest.strip()
    if spec.startswith("@"):
        if spec.startswith("@every "):
            return Schedule(every=_parse_go_duration(spec[len("@every ") :].strip()), zone=zone)
        if spec not in _DESCRIPTORS:
            raise CronError(f"unrecognized descriptor: {spec}")
        spec = _DESCRIPTORS[spec]
    fields = spec.split()
    if len(fields) != 5:
        raise CronError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    return Schedule(
        minute=_field(fields[0], _MINUTE),
        hour=_field(fields[1], _HOUR),
        dom=_field(fields[2], _DOM),
        month=_field(fields[3], _MONTH),
        dow=_field(fields[4], _DOW),
        zone=zone,
    )


def location(time_zone: str | None) -> tzinfo:
    """The CronJob's ``spec.timeZone`` as a tzinfo (UTC — the controller manager's zone — when unset)."""
    if not time_zone:
        return UTC
    try:
        return ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise CronError(f"unknown time zone {time_zone}") from None


def most_recent_schedule_time(
    sched: Schedule, earliest: float, now: float, tz: tzinfo | None = None
) -> tuple[float | None, int]:
    """``mostRecentScheduleTime``: (the latest activation in (earliest, now], how many were missed)."""
    t1 = sched.next(earliest, tz)
    if not t1 or t1 > now:
        return None, 0
    t2 = sched.next(t1, tz)
    if not t2 or t2 > now:
        return t1, 1
    interval = t2 - t1
    if sched.every or interval > 0:
        # Walk forward; bounded because callers cap ``earliest`` (startingDeadlineSeconds) or stop at 100.
        count, last = 2, t2
        while True:
            nxt = sched.next(last, tz)
            if not nxt or nxt > now:
                return last, count
            last, count = nxt, count + 1
            if count > 1000:
                # Jump close to now, as the real controller estimates the count arithmetically.
                approx = int((now - last) // interval)
                count += approx
                last += approx * interval
                while True:
                    nxt = sched.next(last, tz)
                    if not nxt or nxt > now:
                        return last, count
                    last, count = nxt, count + 1
    return t1, 1
