"""Helm values: strvals `--set` parsing, merging and coalescing with chart defaults and subcharts."""

from __future__ import annotations

import pytest

from k8stutor.helm.chart import Chart
from k8stutor.helm.values import ValuesError, coalesce_values, merge_maps, parse_set


def test_set_types_and_paths() -> None:
    d: dict = {}
    parse_set("a.b=1,c=true,d=null,e=007,f=0,g={x,y},h[1]=z,i=1.5", d)
    assert d == {
        "a": {"b": 1},
        "c": True,
        "d": None,
        "e": "007",
        "f": 0,
        "g": ["x", "y"],
        "h": [None, "z"],
        "i": "1.5",
    }
    assert parse_set("a=1,b=x\\,y", {}, as_string=True) == {"a": "1", "b": "x,y"}
    with pytest.raises(ValuesError) as e:
        parse_set("a", {})
    assert str(e.value) == 'key "a" has no value'


def test_merge_maps_recurses() -> None:
    assert merge_maps({"a": {"b": 1, "c": 2}, "x": 1}, {"a": {"b": 3}, "x": {"y": 1}}) == {
        "a": {"b": 3, "c": 2},
        "x": {"y": 1},
    }


def test_coalesce_defaults_null_deletes_and_globals() -> None:
    sub = Chart(metadata={"name": "sub", "version": "1.0.0"}, values={"s": 1, "global": {"g": "sub"}})
    top = Chart(
        metadata={"name": "top", "version": "1.0.0"},
        values={"a": 1, "b": {"c": 2, "d": 3}, "global": {"g": "top", "h": 1}},
        dependencies=[sub],
    )
    sub.parent = top
    v = coalesce_values(top, {"b": {"c": None}, "sub": {"s": 2}})
    assert v["a"] == 1
    assert v["b"] == {"d": 3}
    assert v["sub"]["s"] == 2
    assert v["sub"]["global"] == {"g": "top", "h": 1}
