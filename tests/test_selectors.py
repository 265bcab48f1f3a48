"""Label and field selectors (apimachinery syntax and semantics)."""

import pytest

from k8stutor.engine.errors import StatusError
from k8stutor.engine.selectors import (
    format_label_selector,
    parse_field_selector,
    parse_label_selector,
    selector_from_label_selector,
)


@pytest.mark.parametrize(
    "sel,labels,expected",
    [
        ("app=web", {"app": "web"}, True),
        ("app==web", {"app": "web"}, True),
        ("app!=web", {"app": "db"}, True),
        ("app!=web", {}, True),
        ("app in (web,db)", {"app": "db"}, True),
        ("app notin (web,db)", {"app": "db"}, False),
        ("app notin (web,db)", {}, True),
        ("gpu", {"gpu": ""}, True),
        ("!gpu", {"gpu": "1"}, False),
        ("app=web,tier=fe", {"app": "web"}, False),
        ("", {"anything": "x"}, True),
    ],
)
def test_label_selector_semantics(sel, labels, expected):
    assert parse_label_selector(sel).matches(labels) is expected


def test_label_selector_syntax_error():
    with pytest.raises(StatusError) as e:
        parse_label_selector("app in web")
    assert e.value.code == 400


def test_metav1_label_selector_and_its_string_form():
    sel = {"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "In",
                                                                  "values": ["fe", "be"]}]}
    s = selector_from_label_selector(sel)
    assert s.matches({"app": "web", "tier": "be"}) and not s.matches({"app": "web", "tier": "db"})
    assert format_label_selector(sel) == "app=web,tier in (be,fe)"
    assert format_label_selector(None) == "<none>"
    assert not selector_from_label_selector(None).matches({})


def test_field_selectors_including_not_equal_and_empty_values():
    fs = parse_field_selector("spec.nodeName=n1,status.phase!=Succeeded", "pods")
    assert fs.matches({"metadata": {}, "spec": {"nodeName": "n1"}, "status": {"phase": "Running"}})
    assert not fs.matches({"metadata": {}, "spec": {"nodeName": "n1"}, "status": {"phase": "Succeeded"}})
    ev = parse_field_selector("involvedObject.namespace=", "events")
    assert ev.matches({"metadata": {}, "involvedObject": {"name": "n"}})


def test_unsupported_field_label_is_the_real_error():
    with pytest.raises(StatusError) as e:
        parse_field_selector("spec.foo=bar", "pods")
    assert e.value.message == "field label not supported: spec.foo"
