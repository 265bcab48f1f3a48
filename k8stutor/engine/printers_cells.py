"""Cell formatting helpers shared by the server-side printers and kubectl's table renderer.

Go-faithful small pieces: ``labels.FormatLabels``, ``metav1.FormatLabelSelector``, access-mode
abbreviations, ``fmt.Sprint`` of JSON values, and a cached RFC 3339 parse + ``HumanDuration``
(the hot path when printing thousands of rows).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from k8stutor.engine.timeutil import human_duration

__all__ = [
    "access_modes",
    "format_label_selector",
    "format_labels",
    "go_sprint",
    "human_duration_cached",
    "label_selector_string",
    "parse_ts",
    "since",
]

_TS_CACHE: dict[str, float | None] = {}
_HD_CACHE: dict[int, str] = {}
_CACHE_LIMIT = 200_000
# metav1.Time zero value (0001-01-01T00:00:00Z): IsZero() -> "<unknown>".
_ZERO_TS = -62135596800.0


def parse_ts(value: Any) -> float | None:
    """RFC 3339 string -> epoch seconds (cached); None when empty, invalid or the zero time."""
    if not value:
        return None
    hit = _TS_CACHE.get(value)
    if hit is not None or value in _TS_CACHE:
        return hit
    ts: float | None
    try:
        v = value[:-1] + "+00:00" if value.endswith("Z") else value
        ts = datetime.fromisoformat(v).timestamp()
    except (ValueError, TypeError, AttributeError):
        ts = None
    if ts is not None and ts <= _ZERO_TS:
        ts = None
    if len(_TS_CACHE) > _CACHE_LIMIT:
        _TS_CACHE.clear()
    _TS_CACHE[value] = ts
    return ts


def human_duration_cached(seconds: float) -> str:
    """apimachinery ``duration.HumanDuration`` with a cache keyed by whole seconds."""
    if seconds < 0:
        return human_duration(seconds)
    key = int(seconds)
    hit = _HD_CACHE.get(key)
    if hit is None:
        hit = human_duration(key)
        if len(_HD_CACHE) > _CACHE_LIMIT:
            _HD_CACHE.clear()
        _HD_CACHE[key] = hit
    return hit


def since(now: float, timestamp: Any) -> str:
    """printers.go ``translateTimestampSince``: ``<unknown>`` for a missing/zero time, else HumanDuration."""
    ts = parse_ts(timestamp)
    if ts is None:
        return "<unknown>"
    return human_duration_cached(now - ts)


def format_labels(labels: dict[str, str] | None) -> str:
    """``labels.FormatLabels``: ``k=v`` sorted by key, joined by ``,``; ``<none>`` when empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def label_selector_string(sel: dict[str, Any] | None) -> str | None:
    """``metav1.LabelSelectorAsSelector(sel).String()``; None when the selector is invalid."""
    if sel is None:
        return ""
    reqs: list[tuple[str, str]] = []
    for k, v in (sel.get("matchLabels") or {}).items():
        reqs.append((k, f"{k}={v}"))
    for expr in sel.get("matchExpressions") or ():
        key = expr.get("key", "")
        op = expr.get("operator")
        values = sorted(set(expr.get("values") or ()))
        if op == "In":
            if not values:
                return None
            reqs.append((key, f"{key} in ({','.join(values)})"))
        elif op == "NotIn":
            if not values:
                return None
            reqs.append((key, f"{key} notin ({','.join(values)})"))
        elif op == "Exists":
            reqs.append((key, key))
        elif op == "DoesNotExist":
            reqs.append((key, f"!{key}"))
        else:
            return None
    reqs.sort(key=lambda r: r[0])
    return ",".join(r[1] for r in reqs)


def format_label_selector(sel: dict[str, Any] | None) -> str:
    """``metav1.FormatLabelSelector``: ``<none>`` for an empty/nil selector, ``<error>`` when invalid."""
    s = label_selector_string(sel)
    if s is None:
        return "<error>"
    return s or "<none>"


_MODES = (
    ("ReadWriteOnce", "RWO"),
    ("ReadOnlyMany", "ROX"),
    ("ReadWriteMany", "RWX"),
    ("ReadWriteOncePod", "RWOP"),
)


def access_modes(modes: list[str] | None) -> str:
    """``helper.GetAccessModesAsString``: RWO, ROX, RWX, RWOP in that fixed order."""
    if not modes:
        return ""
    have = set(modes)
    return ",".join(short for long, short in _MODES if long in have)


def _go_float(f: float) -> str:
    """Go ``%v`` of a float64 (strconv 'g' with the shortest representation, exponent when < -4 or >= 21)."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "-0" if math.copysign(1.0, f) < 0 else "0"
    r = repr(f)
    mant, _, exp_s = r.partition("e")
    sign = ""
    if mant.startswith("-"):
        sign, mant = "-", mant[1:]
    int_part, _, frac = mant.partition(".")
    if frac == "0":
        frac = ""
    digits = (int_part + frac).lstrip("0")
    exp = int(exp_s) if exp_s else 0
    # decimal exponent of the first significant digit
    if int_part.strip("0"):
        point = len(int_part.lstrip("0")) + exp
    else:
        point = -(len(frac) - len(frac.lstrip("0"))) + exp
    digits = digits.rstrip("0") or "0"
    x = point - 1
    if x < -4 or x >= 21:
        head = digits[0]
        tail = digits[1:]
        es = f"{'-' if x < 0 else '+'}{abs(x):02d}"
        return f"{sign}{head}{'.' + tail if tail else ''}e{es}"
    if point <= 0:
        return f"{sign}0.{'0' * (-point)}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"


def go_sprint(v: Any) -> str:
    """Go ``fmt.Sprint`` of a decoded JSON value (how kubectl prints non-string cells)."""
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return v
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return _go_float(v)
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{go_sprint(v[k])}" for k in sorted(v)) + "]"
    if isinstance(v, (list, tuple)):
        return "[" + " ".join(go_sprint(x) for x in v) + "]"
    return str(v)
