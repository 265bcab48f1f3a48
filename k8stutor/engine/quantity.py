"""apimachinery ``resource.Quantity``: parse, canonical ``String()``, ``Add``/``Sub``, ``Cmp``, ``Value``.

The one quantity implementation of the project (kubectl imports it from here). Amounts are exact
``Fraction``s, rounded away from zero to whole nano-units on parse as ``ParseQuantity`` does. Scanning follows
Go's ``parseQuantityString`` (so ``m`` and ``.`` are 0, ``1 `` and ``1Qi`` are malformed, ``1K`` has a bad
suffix). Parsed strings are memoised: the scheduler and the kubelet read the same few request strings
(``100m``, ``128Mi``) for thousands of pods.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

DECIMAL_SI = "DecimalSI"
BINARY_SI = "BinarySI"
DECIMAL_EXPONENT = "DecimalExponent"

QUANTITY_FORMAT_ERROR = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)
SUFFIX_ERROR = "unable to parse quantity's suffix"

_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_BY_EXP = {v: k for k, v in _DECIMAL.items()}
_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_BINARY_BY_EXP = {v: k for k, v in _BINARY.items()} | {0: ""}
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")
_DIGITS = frozenset("0123456789")
_NANO = 10**9
# Go accepts any int32 exponent; beyond this the value is absurd and only costs time to compute.
_MAX_EXPONENT = 100_000


class QuantityError(ValueError):
    """Not a valid resource quantity; the message is apimachinery's (ErrFormatWrong / ErrSuffix)."""


def _away_from_zero(f: Fraction) -> int:
    """``f`` rounded to an integer away from zero (inf.RoundUp)."""
    q, r = divmod(abs(f.numerator), f.denominator)
    q += 1 if r else 0
    return q if f >= 0 else -q


@lru_cache(maxsize=8192)
def _scan(text: str) -> tuple[Fraction, str]:
    """``ParseQuantity`` of a non-empty string: the exact amount (rounded up to 1n) and the format."""
    end = len(text)
    pos = 0
    negative = False
    if text[0] in "+-":
        negative = text[0] == "-"
        pos = 1
    start = pos
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    num = text[start:pos]
    denom = ""
    if pos < end and text[pos] == ".":
        pos += 1
        start = pos
        while pos < end and text[pos] in _DIGITS:
            pos += 1
        denom = text[start:pos]
    suffix_start = pos
    while pos < end and text[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos < end and text[pos] in "+-":
        pos += 1
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    if pos < end:
        raise QuantityError(QUANTITY_FORMAT_ERROR)
    suffix = text[suffix_start:]
    amount = Fraction(int((num or "0") + denom), 10 ** len(denom))
    if suffix in _DECIMAL:
        fmt = DECIMAL_SI
        amount *= Fraction(10) ** _DECIMAL[suffix]
    elif suffix in _BINARY:
        fmt = BINARY_SI
        amount *= 2 ** _BINARY[suffix]
    elif len(suffix) > 1 and suffix[0] in "eE":
        digits = suffix[1:].lstrip("+-")
        if not digits or not digits.isdigit() or len(suffix) - len(digits) > 2:
            raise QuantityError(SUFFIX_ERROR)
        exp = int(suffix[1:])
        if abs(exp) > _MAX_EXPONENT:
            raise QuantityError(SUFFIX_ERROR)
        fmt = DECIMAL_EXPONENT
        amount *= Fraction(10) ** exp
    else:
        raise QuantityError(SUFFIX_ERROR)
    if amount.denominator != 1:
        amount = Fraction(_away_from_zero(amount * _NANO), _NANO)
    if fmt == BINARY_SI and 0 < amount < 1:
        fmt = DECIMAL_SI
    return (-amount if negative else amount), fmt


def _text(value: object) -> str:
    """The quantity text of a JSON value (numbers as their JSON text); QuantityError for anything else."""
    if isinstance(value, str) and value:
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise QuantityError(QUANTITY_FORMAT_ERROR)
    return repr(value) if isinstance(value, float) else str(value)


class Quantity:
    """An exact resource quantity with the format it was written in (DecimalSI, BinarySI, DecimalExponent)."""

    __slots__ = ("amount", "format")

    def __init__(self, amount: Fraction | int = 0, format: str = "") -> None:
        self.amount = Fraction(amount)
        self.format = format

    @classmethod
    def parse(cls, value: object) -> Quantity:
        """``resource.ParseQuantity`` (JSON numbers are read as their text); raises :class:`QuantityError`."""
        amount, fmt = _scan(_text(value))
        return cls(amount, fmt)

    @classmethod
    def from_int(cls, value: int, format: str = DECIMAL_SI) -> Quantity:
        """``resource.NewQuantity``."""
        return cls(value, format)

    def copy(self) -> Quantity:
        """``DeepCopy``."""
        return Quantity(self.amount, self.format)

    def is_zero(self) -> bool:
        """True for a zero value."""
        return self.amount == 0

    def add(self, other: Quantity) -> None:
        """In-place ``q.Add(y)``: a zero receiver takes the other operand's format."""
        if self.amount == 0:
            self.format = other.format
        self.amount += other.amount

    def __add__(self, other: Quantity) -> Quantity:
        """``q + y`` as a new quantity (``Add`` on a copy)."""
        out = self.copy()
        out.add(other)
        return out

    def __sub__(self, other: Quantity) -> Quantity:
        """``q - y`` as a new quantity (``Sub`` on a copy: a zero receiver takes the other's format)."""
        fmt = other.format if self.amount == 0 else self.format
        return Quantity(self.amount - other.amount, fmt)

    def with_format(self, format: str) -> Quantity:
        """The same amount printed in another format."""
        return Quantity(self.amount, format)

    def cmp(self, other: Quantity) -> int:
        """-1, 0 or 1 (``Cmp``)."""
        return (self.amount > other.amount) - (self.amount < other.amount)

    def value(self) -> int:
        """``Value()``: whole units, rounded away from zero."""
        return _away_from_zero(self.amount)

    def milli_value(self) -> int:
        """``MilliValue()``: milli-units, rounded away from zero."""
        return _away_from_zero(self.amount * 1000)

    def __str__(self) -> str:
        """The canonical form (``CanonicalizeBytes``): ``4015104Ki`` -> ``3921Mi``, ``0.5`` -> ``500m``."""
        return _canonical(self.amount, self.format)

    def __repr__(self) -> str:
        return f"Quantity({str(self)!r})"


@lru_cache(maxsize=4096)
def _canonical(amount: Fraction, fmt: str) -> str:
    if amount == 0:
        return "0"
    if fmt == BINARY_SI:
        if -1024 < amount < 1024 or amount.denominator != 1:
            fmt = DECIMAL_SI
    elif fmt not in (DECIMAL_SI, DECIMAL_EXPONENT):
        fmt = DECIMAL_EXPONENT
    if fmt == BINARY_SI:
        n, exp = amount.numerator, 0
        while n % 1024 == 0 and exp < 60:
            n //= 1024
            exp += 10
        return f"{n}{_BINARY_BY_EXP[exp]}"
    # AsCanonicalBytes: an integer mantissa times 10**exp, exp a multiple of 3 (nano precision at most).
    mantissa, exp = _away_from_zero(amount * _NANO), -9
    while mantissa % 10 == 0:
        mantissa //= 10
        exp += 1
    mantissa, exp = mantissa * 10 ** (exp % 3), exp - exp % 3
    if fmt == DECIMAL_SI and exp in _DECIMAL_BY_EXP:
        return f"{mantissa}{_DECIMAL_BY_EXP[exp]}"
    return f"{mantissa}e{exp}" if exp else str(mantissa)


def parse_quantity(value: object) -> Quantity:
    """``resource.ParseQuantity``; a malformed quantity raises :class:`QuantityError`."""
    return Quantity.parse(value)


def parse_or_none(value: object) -> Quantity | None:
    """``resource.ParseQuantity``, or None for a malformed or missing quantity."""
    try:
        return Quantity.parse(value)
    except QuantityError:
        return None


def parse(value: object) -> Fraction:
    """The exact amount a quantity (string or JSON number) stands for; raises :class:`QuantityError`."""
    return _scan(_text(value))[0]


def canonical(value: object) -> str:
    """The canonical string of a quantity as kubectl prints it; unparseable input is returned unchanged."""
    try:
        return str(Quantity.parse(value))
    except QuantityError:
        return str(value)


@lru_cache(maxsize=4096)
def _value_str(text: str) -> int:
    return _away_from_zero(_scan(text)[0])


@lru_cache(maxsize=4096)
def _milli_str(text: str) -> int:
    return _away_from_zero(_scan(text)[0] * 1000)


def value(v: object, default: int = 0) -> int:
    """``Quantity.Value()`` (rounded up); ``default`` for a malformed or missing quantity."""
    try:
        return _value_str(v) if isinstance(v, str) and v else _away_from_zero(parse(v))
    except QuantityError:
        return default


def milli_value(v: object, default: int = 0) -> int:
    """``Quantity.MilliValue()`` (rounded up); ``default`` for a malformed or missing quantity."""
    try:
        return _milli_str(v) if isinstance(v, str) and v else _away_from_zero(parse(v) * 1000)
    except QuantityError:
        return default


def cmp(a: object, b: object) -> int:
    """-1, 0 or 1 comparing two quantities (``Quantity.Cmp``)."""
    x, y = parse(a), parse(b)
    return (x > y) - (x < y)
