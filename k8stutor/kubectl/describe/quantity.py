"""apimachinery ``resource.Quantity``: parse, canonical ``String()``, ``Add``, ``Cmp``, ``Value``/``MilliValue``.

Values are kept exactly as an integer number of nano-units (parsing rounds anything finer up to 1n, as
apimachinery does), so arithmetic never loses precision.
"""

from __future__ import annotations

import re
from fractions import Fraction

DECIMAL_SI = "DecimalSI"
BINARY_SI = "BinarySI"
DECIMAL_EXPONENT = "DecimalExponent"

_DEC_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DEC_BY_EXP = {v: k for k, v in _DEC_SUFFIXES.items()}
_BIN_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_BIN_BY_EXP = {v: k for k, v in _BIN_SUFFIXES.items()}
_BIN_BY_EXP[0] = ""

_QUANTITY_RE = re.compile(r"^([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)$")

NANO = 10**9


class QuantityError(ValueError):
    """A string that is not a valid resource quantity (apimachinery's ErrFormatWrong/ErrSuffix)."""


class Quantity:
    """An exact resource quantity with the format it was written in."""

    __slots__ = ("nanos", "format")

    def __init__(self, nanos: int = 0, format: str = "") -> None:
        self.nanos = nanos
        self.format = format

    @classmethod
    def parse(cls, value: object) -> Quantity:
        """``resource.ParseQuantity`` (also accepts JSON numbers, as the API decoder does)."""
        if isinstance(value, bool):
            raise QuantityError("quantities must match the regular expression")
        if isinstance(value, int):
            value = str(value)
        elif isinstance(value, float):
            value = repr(value)
        if not isinstance(value, str) or not value:
            raise QuantityError("quantities must match the regular expression")
        m = _QUANTITY_RE.match(value)
        if not m:
            raise QuantityError("quantities must match the regular expression")
        sign, num, denom, suffix = m.group(1), m.group(2), m.group(3) or "", m.group(4)
        if not num and not denom and m.group(3) is None:
            if not suffix:
                raise QuantityError("quantities must match the regular expression")
        if suffix in _DEC_SUFFIXES:
            base, exp, fmt = 10, _DEC_SUFFIXES[suffix], DECIMAL_SI
        elif suffix in _BIN_SUFFIXES:
            base, exp, fmt = 2, _BIN_SUFFIXES[suffix], BINARY_SI
        elif len(suffix) > 1 and suffix[0] in "eE" and re.fullmatch(r"[-+]?[0-9]+", suffix[1:]):
            base, exp, fmt = 10, int(suffix[1:]), DECIMAL_EXPONENT
        else:
            raise QuantityError("unable to parse quantity's suffix")
        amount = Fraction(int((num or "0") + denom), 10 ** len(denom))
        amount *= Fraction(base) ** exp
        nanos_exact = amount * NANO
        nanos = -((-nanos_exact.numerator) // nanos_exact.denominator)  # round up (away from zero)
        if sign == "-":
            nanos = -nanos
        return cls(nanos, fmt)

    @classmethod
    def from_int(cls, value: int, format: str = DECIMAL_SI) -> Quantity:
        """``resource.NewQuantity``."""
        return cls(value * NANO, format)

    def copy(self) -> Quantity:
        """DeepCopy."""
        return Quantity(self.nanos, self.format)

    def is_zero(self) -> bool:
        """True for a zero value."""
        return self.nanos == 0

    def add(self, other: Quantity) -> None:
        """In-place ``q.Add(y)``: a zero receiver takes the other operand's format."""
        if self.nanos == 0:
            self.format = other.format
        self.nanos += other.nanos

    def cmp(self, other: Quantity) -> int:
        """-1, 0 or 1."""
        return (self.nanos > other.nanos) - (self.nanos < other.nanos)

    def _scaled(self, scale: int) -> int:
        """``ScaledValue``: the value in units of 10**scale, rounded away from zero."""
        denom = 10 ** (scale + 9) if scale + 9 >= 0 else None
        if denom is None:
            return self.nanos * 10 ** (-(scale + 9))
        q, r = divmod(abs(self.nanos), denom)
        if r:
            q += 1
        return q if self.nanos >= 0 else -q

    def value(self) -> int:
        """``Value()`` (rounded up)."""
        return self._scaled(0)

    def milli_value(self) -> int:
        """``MilliValue()`` (rounded up)."""
        return self._scaled(-3)

    def __str__(self) -> str:
        """The canonical form (``CanonicalizeBytes``), e.g. ``4015104Ki`` -> ``3921Mi``, ``0.5`` -> ``500m``."""
        if self.nanos == 0:
            return "0"
        fmt = self.format
        if fmt == BINARY_SI:
            if -1024 * NANO < self.nanos < 1024 * NANO or self.nanos % NANO:
                fmt = DECIMAL_SI
        elif fmt not in (DECIMAL_SI, DECIMAL_EXPONENT):
            fmt = DECIMAL_EXPONENT
        if fmt == BINARY_SI:
            amount = self.nanos // NANO
            exp = 0
            while amount % 1024 == 0 and exp < 60:
                amount //= 1024
                exp += 10
            return f"{amount}{_BIN_BY_EXP[exp]}"
        mantissa, exp = self.nanos, -9
        while mantissa % 10 == 0:
            mantissa //= 10
            exp += 1
        rem = exp % 3
        if rem == 1:
            mantissa, exp = mantissa * 10, exp - 1
        elif rem == 2:
            mantissa, exp = mantissa * 100, exp - 2
        if fmt == DECIMAL_SI and exp in _DEC_BY_EXP:
            return f"{mantissa}{_DEC_BY_EXP[exp]}"
        if exp == 0:
            return str(mantissa)
        return f"{mantissa}e{exp}"

    def __repr__(self) -> str:
        return f"Quantity({str(self)!r})"


def parse_quantity(value: object) -> Quantity:
    """Parse a quantity; a malformed one raises :class:`QuantityError`."""
    return Quantity.parse(value)


def canonical(value: object) -> str:
    """The canonical string of a quantity as kubectl prints it; unparseable input is returned unchanged."""
    try:
        return str(Quantity.parse(value))
    except QuantityError:
        return str(value)
