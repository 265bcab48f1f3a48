"""resource.Quantity for the engine: parse a quantity string and read it as integer units or milli-units.

Values are exact (``Fraction``); ``value()``/``milli_value()`` round up like apimachinery's ``Value()`` and
``MilliValue()``. Parsed strings are memoised, because the scheduler reads the same few request strings
(``100m``, ``128Mi``) for thousands of pods.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache

_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_RE = re.compile(r"^([+-]?)([0-9]*)(?:\.([0-9]*))?([a-zA-Z]*[-+]?[0-9]*)$")


class QuantityError(ValueError):
    """Not a valid resource quantity (apimachinery's ``quantities must match the regular expression``)."""


@lru_cache(maxsize=4096)
def _parse_str(text: str) -> Fraction:
    m = _RE.match(text)
    if not m or (not m.group(2) and not m.group(3)):
        raise QuantityError(
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        )
    sign, whole, frac, suffix = m.group(1), m.group(2) or "0", m.group(3) or "", m.group(4)
    amount = Fraction(int(whole + frac), 10 ** len(frac))
    if suffix in _DECIMAL:
        amount *= Fraction(10) ** _DECIMAL[suffix]
    elif suffix in _BINARY:
        amount *= 2 ** _BINARY[suffix]
    elif len(suffix) > 1 and suffix[0] in "eE" and re.fullmatch(r"[-+]?[0-9]+", suffix[1:]):
        amount *= Fraction(10) ** int(suffix[1:])
    else:
        raise QuantityError("unable to parse quantity's suffix")
    return -amount if sign == "-" else amount


def parse(value: object) -> Fraction:
    """The exact amount a quantity (string or JSON number) stands for; raises :class:`QuantityError`."""
    if isinstance(value, bool) or value is None:
        raise QuantityError("quantities must match the regular expression")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(repr(value))
    if not isinstance(value, str) or not value:
        raise QuantityError("quantities must match the regular expression")
    return _parse_str(value)


def _ceil(f: Fraction) -> int:
    return -((-f.numerator) // f.denominator)


@lru_cache(maxsize=4096)
def _value_str(text: str) -> int:
    return _ceil(_parse_str(text))


@lru_cache(maxsize=4096)
def _milli_str(text: str) -> int:
    return _ceil(_parse_str(text) * 1000)


def value(v: object, default: int = 0) -> int:
    """``Quantity.Value()`` (rounded up); ``default`` for a malformed or missing quantity."""
    try:
        return _value_str(v) if isinstance(v, str) else _ceil(parse(v))
    except QuantityError:
        return default


def milli_value(v: object, default: int = 0) -> int:
    """``Quantity.MilliValue()`` (rounded up); ``default`` for a malformed or missing quantity."""
    try:
        return _milli_str(v) if isinstance(v, str) else _ceil(parse(v) * 1000)
    except QuantityError:
        return default


def cmp(a: object, b: object) -> int:
    """-1, 0 or 1 comparing two quantities (``Quantity.Cmp``)."""
    x, y = parse(a), parse(b)
    return (x > y) - (x < y)
