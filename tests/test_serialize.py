"""`-o yaml` / `-o json` printers against output captured from real kubectl v1.32.4.

Fixtures (tests/data/generators/serialize-*):
* serialize-strings: `kubectl create configmap strings --from-literal=k000=... --dry-run=client -o yaml|json` with
  ~150 tricky values (the values are in serialize-strings.input.json).
* serialize-widget: `kubectl create -f serialize-widget.input.json --validate=false --dry-run=client -o yaml|json`
  for an unstructured custom object (floats, big ints, nulls, empty maps/lists, natural key order), printed the
  way server objects are.
* serialize-longkeys: keys of 128 and 129 characters (go-yaml switches to `? key` above 128 bytes).
* serialize-control-char.err: a value containing U+007F.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from k8stutor.kubectl.serialize import (
    YamlError,
    go_json_float,
    go_yaml_float,
    go_yaml_resolves_as_string,
    to_json,
    to_yaml,
)

DATA = Path(__file__).parent / "data" / "generators"


def strings_configmap() -> dict[str, Any]:
    data = json.loads((DATA / "serialize-strings.input.json").read_text())
    return {
        "kind": "ConfigMap",
        "apiVersion": "v1",
        "metadata": {"name": "strings", "creationTimestamp": None},
        "data": dict(sorted(data.items())),
    }


def widget() -> dict[str, Any]:
    obj = json.loads((DATA / "serialize-widget.input.json").read_text())
    obj["metadata"]["namespace"] = "default"  # kubectl fills the context namespace in before printing
    return obj


def test_tricky_strings_yaml() -> None:
    assert to_yaml(strings_configmap()) == (DATA / "serialize-strings.yaml").read_text()


def test_tricky_strings_json_keeps_struct_order() -> None:
    assert to_json(strings_configmap(), sort_keys=False) == (DATA / "serialize-strings.json").read_text()


def test_unstructured_object_yaml() -> None:
    assert to_yaml(widget()) == (DATA / "serialize-widget.yaml").read_text()


def test_unstructured_object_json_sorted() -> None:
    assert to_json(widget(), sort_keys=True) == (DATA / "serialize-widget.json").read_text()


def test_long_keys_become_complex_keys_past_128_bytes() -> None:
    obj = {
        "kind": "ConfigMap",
        "apiVersion": "v1",
        "metadata": {"name": "longkeys", "creationTimestamp": None},
        "data": {"k" * 128: "v", "k" * 129: "w"},
    }
    assert to_yaml(obj) == (DATA / "serialize-longkeys.yaml").read_text()


def test_control_character_fails_like_go_yaml() -> None:
    with pytest.raises(YamlError) as exc:
        to_yaml({"data": {"a": "x\x7fy"}})
    assert f"error: {exc.value}\n" == (DATA / "serialize-control-char.err").read_text()


def test_fidelity_examples() -> None:
    # FIDELITY.md §8: numbers-as-strings double-quoted, cron schedules single-quoted, empty placeholders.
    obj = {
        "spec": {"schedule": "*/1 * * * *", "args": ["sleep", "3600"], "resources": {}, "x": []},
        "gone": None,
    }
    assert to_yaml(obj) == (
        "gone: null\nspec:\n  args:\n  - sleep\n  - \"3600\"\n  resources: {}\n  schedule: '*/1 * * * *'\n  x: []\n"
    )


@pytest.mark.parametrize(
    ("value", "plain"),
    [
        # go-yaml v2 resolve.go: map entries, ints (ParseInt base 0), floats, timestamps, base-60 → quoted.
        ("yes", False),
        ("Off", False),
        ("~", False),
        ("", False),
        ("0x1F", False),
        ("0o17", False),
        ("1_000", False),
        ("0b101", False),
        ("-0b101", False),
        (".5", False),
        ("1e6", False),
        ("12:30", False),
        ("2001-12-14", False),
        ("99999999999999999999", False),
        # '<' has no resolve hint; ParseFloat range errors and invalid dates stay strings.
        ("<<", True),
        ("1e400", True),
        ("2024-02-30", True),
        ("NaN", True),
        ("infinity", True),
        ("1e", True),
        ("nginx", True),
        ("80-8080", True),
    ],
)
def test_resolves_as_string(value: str, plain: bool) -> None:
    assert go_yaml_resolves_as_string(value) is plain


@pytest.mark.parametrize(
    ("f", "as_json", "as_yaml"),
    [
        (1.0, "1", "1"),
        (0.5, "0.5", "0.5"),
        (1e6, "1000000", "1e+06"),
        (1e21, "1e+21", "1e+21"),
        (1e-7, "1e-7", "1e-07"),
        (1234567.5, "1234567.5", "1.2345675e+06"),
        (0.000123, "0.000123", "0.000123"),
    ],
)
def test_go_float_formats(f: float, as_json: str, as_yaml: str) -> None:
    # encoding/json floatEncoder and strconv.FormatFloat(f, 'g', -1, 64).
    assert go_json_float(f) == as_json
    assert go_yaml_float(f) == as_yaml


def test_json_html_escaping_and_trailing_newline() -> None:
    assert (
        to_json({"a": "<b>&</b>\u2028"}, sort_keys=True)
        == '{\n    "a": "\\u003cb\\u003e\\u0026\\u003c/b\\u003e\\u2028"\n}\n'
    )
    assert to_json({}, sort_keys=True) == "{}\n"


def test_printers_do_not_mutate() -> None:
    obj = widget()
    before = json.dumps(obj)
    to_yaml(obj)
    to_json(obj, sort_keys=True)
    assert json.dumps(obj) == before


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not installed")
def test_live_kubectl_agrees_on_strings() -> None:
    data = json.loads((DATA / "serialize-strings.input.json").read_text())
    args = ["kubectl", "create", "configmap", "strings", "--dry-run=client", "-o", "yaml"]
    args += [f"--from-literal={k}={v}" for k, v in data.items()]
    out = subprocess.run(args, capture_output=True, text=True, timeout=30).stdout
    assert out == to_yaml(strings_configmap())
