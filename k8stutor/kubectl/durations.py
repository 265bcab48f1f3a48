"""Go's ``time.ParseDuration`` (``30s``, ``1m30s``, ``500ms``, ``2h``) and its String() form."""

from __future__ import annotations

import re

_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


class DurationError(ValueError):
    """Not a Go duration."""


def parse_duration(text: str) -> float:
    """Seconds in a Go duration string; a bare ``0`` is allowed, as in Go."""
    s = text.strip()
    sign = 1.0
    if s[:1] in "+-" and s:
        sign = -1.0 if s[0] == "-" else 1.0
        s = s[1:]
    if s == "0":
        return 0.0
    if not s:
        raise DurationError(text)
    pos = 0
    total = 0.0
    for m in _PART.finditer(s):
        if m.start() != pos:
            raise DurationError(text)
        total += float(m.group(1)) * _UNITS[m.group(2)]
        pos = m.end()
    if pos != len(s):
        raise DurationError(text)
    return sign * total


def parse_sleep(text: str) -> float:
    """``sleep`` arguments: a Go duration or coreutils' ``30``, ``1.5``, ``2m``, ``1h``, ``1d``."""
    s = text.strip()
    try:
        return parse_duration(s)
    except DurationError:
        pass
    m = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)([smhd]?)", s)
    if not m:
        raise DurationError(text)
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def format_duration(seconds: float) -> str:
    """Go's Duration.String() for whole seconds: ``5m0s``, ``1h0m0s``, ``30s``."""
    s = int(seconds)
    if s == 0:
        return "0s"
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    if h:
        return f"{h}h{m}m{sec}s"
    if m:
        return f"{m}m{sec}s"
    return f"{sec}s"
