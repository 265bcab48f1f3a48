"""Quantity arithmetic and canonical printing the admission plugins and the quota controller need.

Printing follows apimachinery ``Quantity.String()``: BinarySI values print with the largest exact ``Ki``/``Mi``...
suffix (values below 1024 or fractional fall back to DecimalSI), DecimalSI with the largest exact
``m``/``k``/``M``/``G``... suffix.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ..quantity import QuantityError, parse

_DEC = [(18, "E"), (15, "P"), (12, "T"), (9, "G"), (6, "M"), (3, "k"), (0, ""), (-3, "m"), (-6, "u"), (-9, "n")]
_BIN = [(60, "Ei"), (50, "Pi"), (40, "Ti"), (30, "Gi"), (20, "Mi"), (10, "Ki")]

__all__ = ["Q", "QuantityError"]


def _format_of(text: str) -> str:
    s = text.lstrip("+-0123456789.")
    if s.endswith("i"):
        return "BinarySI"
    if s[:1] in ("e", "E"):
        return "DecimalExponent"
    return "DecimalSI"


@dataclass(frozen=True)
class Q:
    """An exact quantity with its format (``BinarySI``/``DecimalSI``/``DecimalExponent``)."""

    amount: Fraction
    fmt: str = "DecimalSI"

    @classmethod
    def of(cls, value: object) -> Q:
        """Parse a quantity string or number (QuantityError when malformed)."""
        fmt = _format_of(value) if isinstance(value, str) else "DecimalSI"
        return cls(parse(value), fmt)

    @classmethod
    def zero(cls) -> Q:
        """0 (takes the format of whatever is added to it first)."""
        return cls(Fraction(0), "")

    def __add__(self, other: Q) -> Q:
        fmt = self.fmt if self.amount != 0 and self.fmt else other.fmt
        return Q(self.amount + other.amount, fmt or "DecimalSI")

    def __sub__(self, other: Q) -> Q:
        return Q(self.amount - other.amount, self.fmt or other.fmt or "DecimalSI")

    def value(self) -> int:
        """``Value()`` (rounded up)."""
        return -((-self.amount.numerator) // self.amount.denominator)

    def with_format(self, fmt: str) -> Q:
        """The same amount printed in another format."""
        return Q(self.amount, fmt)

    def __str__(self) -> str:
        a = self.amount
        if a == 0:
            return "0"
        fmt = self.fmt or "DecimalSI"
        sign = "-" if a < 0 else ""
        a = abs(a)
        if fmt == "BinarySI" and a >= 1024 and a.denominator == 1:
            n = a.numerator
            for exp, suf in _BIN:
                if n % (1 << exp) == 0:
                    return f"{sign}{n >> exp}{suf}"
            return f"{sign}{n}"
        # Decimal: smallest unit is n (round up to it as Go does), largest exact suffix wins.
        nano = -((-a.numerator * 10**9) // a.denominator)
        for exp, suf in _DEC:
            unit = 10 ** (exp + 9)
            if nano % unit == 0:
                if fmt == "DecimalExponent" and exp:
                    return f"{sign}{nano // unit}e{exp}"
                return f"{sign}{nano // unit}{suf}"
        return f"{sign}{nano}n"
