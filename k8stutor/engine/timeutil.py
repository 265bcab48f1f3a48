"""Timestamps on the virtual clock: RFC 3339 in the API, HumanDuration for ages (apimachinery's rules)."""

from __future__ import annotations

import calendar
import time
from datetime import UTC, datetime

# The virtual clock's epoch. Fixed, so the same seed gives the same cluster byte for byte.
EPOCH = calendar.timegm((2026, 12, 1, 9, 0, 0))


def rfc3339(ts: float) -> str:
    """``2026-12-01T09:00:00Z`` (seconds precision, as metav1.Time marshals)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(ts)))


def rfc3339_micro(ts: float) -> str:
    """``2026-12-01T09:00:00.123456Z`` (metav1.MicroTime, used by Events' eventTime and Leases)."""
    whole = int(ts)
    micros = int(round((ts - whole) * 1_000_000))
    if micros >= 1_000_000:
        whole, micros = whole + 1, micros - 1_000_000
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)) + f".{micros:06d}Z"


def parse_rfc3339(value: str | None) -> float | None:
    """Parse an RFC 3339 timestamp into epoch seconds; None for empty/unparseable values."""
    if not value:
        return None
    v = value.strip()
    if v.endswith("Z"):
        v = v[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(v).timestamp()
    except ValueError:
        return None


def rfc1123z(ts: float) -> str:
    """``Tue, 01 Dec 2026 20:11:26 +0000`` — the timestamp format of ``kubectl describe``."""
    return datetime.fromtimestamp(int(ts), UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


def human_duration(seconds: float) -> str:
    """apimachinery ``duration.HumanDuration`` (what AGE, RESTARTS '(75s ago)' and event ages print)."""
    d = seconds
    if d < -1:
        return "<invalid>"
    if d < 0:
        return "0s"
    s = int(d)
    if s < 60 * 2:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        sec = s % 60
        return f"{minutes}m" if sec == 0 else f"{minutes}m{sec}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if dy == 0 else f"{hours // 24 // 365}y{dy}d"
    return f"{hours // 24 // 365}y"


def age(now: float, timestamp: str | None) -> str:
    """AGE cell for an RFC 3339 timestamp (``<unknown>`` when missing)."""
    ts = parse_rfc3339(timestamp)
    if ts is None:
        return "<unknown>"
    return human_duration(now - ts)
