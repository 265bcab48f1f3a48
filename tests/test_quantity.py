"""The one resource.Quantity implementation, checked against apimachinery's parseQuantityString/String()."""

from __future__ import annotations

from fractions import Fraction

import pytest

from k8stutor.engine import quantity
from k8stutor.engine.quantity import (
    QUANTITY_FORMAT_ERROR,
    SUFFIX_ERROR,
    Quantity,
    QuantityError,
    canonical,
)


@pytest.mark.parametrize(
    ("text", "amount", "fmt"),
    [
        ("250m", Fraction(1, 4), "DecimalSI"),
        ("1.5Gi", Fraction(3 * 2**29), "BinarySI"),
        ("1e3", Fraction(1000), "DecimalExponent"),
        ("1E", Fraction(10**18), "DecimalSI"),
        ("-2", Fraction(-2), "DecimalSI"),
        # The Go scanner accepts an empty numerator: "m" and "." are zero, "1." is one.
        ("m", Fraction(0), "DecimalSI"),
        (".", Fraction(0), "DecimalSI"),
        ("1.", Fraction(1), "DecimalSI"),
        ("1e+3", Fraction(1000), "DecimalExponent"),
        # Below 1n rounds up (away from zero) to 1n.
        ("0.1n", Fraction(1, 10**9), "DecimalSI"),
        # A fractional BinarySI value below one is DecimalSI.
        ("0.0001Ki", Fraction(1024, 10**4), "DecimalSI"),
    ],
)
def test_parse_follows_parse_quantity_string(text: str, amount: Fraction, fmt: str) -> None:
    q = Quantity.parse(text)
    assert (q.amount, q.format) == (amount, fmt)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", QUANTITY_FORMAT_ERROR),
        ("1 ", QUANTITY_FORMAT_ERROR),
        ("abc", QUANTITY_FORMAT_ERROR),
        ("1.2.3", QUANTITY_FORMAT_ERROR),
        ("1Qi", QUANTITY_FORMAT_ERROR),
        ("1K", SUFFIX_ERROR),
        ("1ki", SUFFIX_ERROR),
        ("1m5", SUFFIX_ERROR),
        ("1ee3", SUFFIX_ERROR),
        ("1e", SUFFIX_ERROR),
    ],
)
def test_malformed_quantities_raise_go_errors(text: str, message: str) -> None:
    with pytest.raises(QuantityError) as exc:
        Quantity.parse(text)
    assert str(exc.value) == message


@pytest.mark.parametrize(
    ("text", "out"),
    [
        ("4015104Ki", "3921Mi"),
        ("-2Gi", "-2Gi"),
        ("0.5Ki", "512"),
        ("1536Mi", "1536Mi"),
        ("12e6", "12e6"),
        ("1000", "1k"),
        ("0.5", "500m"),
        ("100M", "100M"),
        ("0", "0"),
        (2, "2"),
        (0.25, "250m"),
    ],
)
def test_canonical_string(text: object, out: str) -> None:
    assert canonical(text) == out


def test_arithmetic_takes_format_of_first_nonzero_operand() -> None:
    total = Quantity()
    total.add(Quantity.parse("1Gi"))
    total.add(Quantity.parse("512Mi"))
    assert str(total) == "1536Mi"
    assert str(Quantity() + Quantity.parse("2Gi")) == "2Gi"
    assert str(Quantity.parse("2Gi") - Quantity.parse("1Gi")) == "1Gi"
    assert Quantity.parse("1Gi").cmp(Quantity.parse("1024Mi")) == 0


def test_scaled_values_round_up_and_defaults() -> None:
    assert quantity.value("1.5") == 2
    assert quantity.milli_value("0.1m") == 1
    assert quantity.milli_value("100m") == 100
    assert quantity.value("bogus", default=-1) == -1
    assert quantity.value(None) == 0
    assert quantity.cmp("1k", "999") == 1
