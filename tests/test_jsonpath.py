"""kubectl -o jsonpath: client-go util/jsonpath semantics, checked against real kubectl v1.32 output.

Expected strings were captured from kubectl v1.32 (``kubectl patch --local -f FILE -p {} --type=merge
-o jsonpath=...`` prints an unstructured object exactly like ``kubectl get`` does); when kubectl is on
PATH the differential tests re-run it live.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from k8stutor.kubectl.jsonpath import (
    JSONPath,
    JSONPathError,
    JSONPathExecError,
    JSONPathParseError,
    RelaxedJSONPathError,
    go_format_float,
    go_json,
    list_object,
    print_jsonpath,
    relaxed_jsonpath_expression,
)

KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl not on PATH")

# The example document from kubernetes.io "JSONPath Support".
DOCS: dict[str, Any] = {
    "kind": "List",
    "items": [
        {
            "kind": "None",
            "metadata": {"name": "127.0.0.1", "labels": {"kubernetes.io/hostname": "127.0.0.1"}},
            "status": {
                "capacity": {"cpu": "4"},
                "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.1"}],
            },
        },
        {
            "kind": "None",
            "metadata": {"name": "127.0.0.2"},
            "status": {
                "capacity": {"cpu": "8"},
                "addresses": [
                    {"type": "LegacyHostIP", "address": "127.0.0.2"},
                    {"type": "another", "address": "127.0.0.3"},
                ],
            },
        },
    ],
    "users": [
        {"name": "myself", "user": {}},
        {"name": "e2e", "user": {"username": "admin", "password": "secret"}},
    ],
}

# (template, kubectl v1.32 output). The docs page prints maps Go-style (map[cpu:4]) and wraps `*` results
# in brackets; real kubectl prints maps as JSON and results space-separated, which is what we check.
DOCS_CASES = [
    ("the plain text", "the plain text"),
    ("{.kind}", "List"),
    ("{['kind']}", "List"),
    ("{..name}", "127.0.0.1 127.0.0.2 myself e2e"),
    ("{.items[*].metadata.name}", "127.0.0.1 127.0.0.2"),
    ("{.users[0].name}", "myself"),
    ("{.items[*]['metadata.name', 'status.capacity']}", '127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}'),
    ('{.users[?(@.name=="e2e")].user.password}', "secret"),
    (
        "{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}",
        '[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] ',
    ),
    ("{range .items[*]}{.metadata.name}{'\\t'}{end}", "127.0.0.1\t127.0.0.2\t"),
    ("{.items[0].metadata.labels.kubernetes\\.io/hostname}", "127.0.0.1"),
    ('{.items[*].status.addresses[?(@.type=="another")].address}', "127.0.0.3"),
    ("{.users[1].user}", '{"password":"secret","username":"admin"}'),
    (
        "{.users}",
        '[{"name":"myself","user":{}},{"name":"e2e","user":{"password":"secret","username":"admin"}}]',
    ),
]


@pytest.mark.parametrize(("template", "expected"), DOCS_CASES)
def test_docs_examples(template: str, expected: str) -> None:
    assert JSONPath(template).execute(DOCS) == expected


# A richer unstructured object (integers stay integers, as in `kubectl get`).
OBJ: dict[str, Any] = {
    "apiVersion": "example.com/v1",
    "kind": "Widget",
    "metadata": {"name": "a", "labels": {"app": "web", "tier": "fe"}},
    "spec": {
        "arr": [None, 1, "x", {"a": None}],
        "m": {"z": 1, "a": 2},
        "f": [0.1, 1e-7, 1e21, 2.5, 1234567.5],
        "u": 'é\u2028\t"<&>',
        "empty": [],
        "items": [
            {"name": "a", "v": 1, "phase": "Running", "sub": [1, 2]},
            {"name": "b", "v": 2, "phase": "Pending", "sub": [3]},
            {"name": "c"},
        ],
        "b": True,
        "nested": {"x": {"name": "deep"}},
    },
}

OBJ_CASES = [
    ("{.metadata.name}", "a"),
    ("{.spec.arr[*]}", 'null 1 x {"a":null}'),
    ("{.spec.arr}", '[null,1,"x",{"a":null}]'),
    ("{.spec.f[*]}|{.spec.f}", "0.1 1e-07 1e+21 2.5 1.2345675e+06|[0.1,1e-7,1e+21,2.5,1234567.5]"),
    ("{.spec.u}|{.spec.m}", 'é\u2028\t"<&>|{"a":2,"z":1}'),
    ('{.spec.items[?(@.phase=="Running")].name}', "a"),
    ('{.spec.items[?(@.phase!="Running")].name}', "b"),
    ("{.spec.items[?(@.v)].name}", "a b"),
    ("{.spec.items[?(@.v>1)].name}", "b"),
    ("{.spec.items[?(@.v >= 2)].name}", "b"),
    ("{range .spec.empty[*]}x{end}after", "after"),
    (
        "before{range .spec.items[*]}[{.name}:{range .sub[*]}<{@}>{end}]{end}after",
        "before[a:<1><2>][b:<3>][c:]after",
    ),
    ('{range .spec.items[*]}{.name}{"\\n"}{end}', "a\nb\nc\n"),
    ("{range .spec.items[*]}{.name}", "abc"),
    ("{.spec.items[-1:].name}", "c"),
    ("{.spec.items[::2].name}", "a c"),
    ("{.spec.items[-2].name}", "b"),
    ("{.spec.items[0,2].name}", "a c"),
    ("{.metadata['labels']['app']}", "web"),
    ("{.metadata.labels['app','tier']}", "web fe"),
    ("{.spec.items[3:3]}", ""),
    ("{.spec.missing[0]}", ""),
    ("{.spec.b} {true} {1} {2.5} {-3}", "true true 1 2.5 -3"),
    ("{\"\\t\"}{'\\n'}{\"\\u00e9\"}{'it\\'s'}", "\t\néit's"),
    ("{.spec.nested..name}", "deep"),
    ("{.metadata.name.*}", "97"),
    ("{$.kind} {@.kind}", "Widget Widget"),
    ("{.metadata.name} {.kind}", "a Widget"),
    ("{.spec.items[?(@.sub[5])].name}", "a b"),
    ("{.spec.items[*]['name','v']}", "a b c 1 2"),
    ("{.spec.arr[-1].a}", "null"),
    ("{.spec.items[?(@.name==@.phase)].name}", ""),
    ("{.spec.items[?(@.b==true)].name}", ""),
]


@pytest.mark.parametrize(("template", "expected"), OBJ_CASES)
def test_printing_rules(template: str, expected: str) -> None:
    assert JSONPath(template).execute(OBJ) == expected


EXEC_ERRORS = [
    ("{.spec.items[5]}", "array index out of bounds: index 5, length 3"),
    ("{.spec.items[0:5]}", "array index out of bounds: index 4, length 3"),
    ("{.spec.items[::0]}", "step must be > 0"),
    ("{.spec.items[3:1]}", "array index out of bounds: index 3, length 3"),
    ("{.spec.m[*]}", "map[string]interface {} is not array or slice"),
    ("{.metadata.name[0]}", "string is not array or slice"),
    ("{.spec.items[*].name}{end}", "not in range, nothing to end"),
    ("{.a}{foo}", "unrecognized identifier foo"),
    ("{.spec.f[?(@ > 1)]}", "incompatible types for comparison"),
    ("{.spec.items[?(@.v==1.0)].name}", "incompatible types for comparison"),
    ('{.spec.items[?(@.v<"x")].name}', "incompatible types for comparison"),
    ("{.spec.items[?(@.v=1)].name}", "unrecognized filter operator ="),
    ("{.spec.m[?(@.x)]}", "map[a:2 z:1] is not array or slice and cannot be filtered"),
]


@pytest.mark.parametrize(("template", "message"), EXEC_ERRORS)
def test_execution_errors(template: str, message: str) -> None:
    with pytest.raises(JSONPathExecError) as exc:
        JSONPath(template).execute(OBJ)
    assert exc.value.message == message
    assert exc.value.stderr.startswith(
        f'error: error executing jsonpath "{template.replace(chr(34), chr(92) + chr(34))}": '
    )
    assert (
        f"Error executing template: {message}. Printing more information for debugging the template:\n"
        in (exc.value.stderr)
    )


def test_execution_error_full_text() -> None:
    obj = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "x"},
        "data": {"k": "v"},
        "n": [1, None, 0.5],
    }
    with pytest.raises(JSONPathExecError) as exc:
        JSONPath("{.n[5]}").execute(obj)
    assert exc.value.stderr == (
        'error: error executing jsonpath "{.n[5]}": Error executing template: array index out of bounds: '
        "index 5, length 3. Printing more information for debugging the template:\n"
        "\ttemplate was:\n\t\t{.n[5]}\n"
        "\tobject given to jsonpath engine was:\n"
        '\t\tmap[string]interface {}{"apiVersion":"v1", "data":map[string]interface {}{"k":"v"}, '
        '"kind":"ConfigMap", "metadata":map[string]interface {}{"name":"x"}, '
        '"n":[]interface {}{1, interface {}(nil), 0.5}}\n\n\n'
    )


PARSE_ERRORS = [
    ("{.a[}", "unterminated array"),
    ("{.a", "unclosed action"),
    ('{.a[?(@.x=="y"]}', "unterminated filter"),
    ('{"abc}', "unterminated quoted string"),
    ("{.a[x]}", "invalid array index x"),
    ("{.a[1:x]}", "invalid array index 1:x"),
    ("{.a[?(@.x==1.2.3)]}", "cannot parse number 1.2.3"),
    ("{.a[?(@.x)}", "unclosed array expect ]"),
    ("{.a[1,2}", "unterminated array"),
    ('{.a["x"]}', 'invalid array index "x"'),
    ("{.a[ 1 ]}", "invalid array index  1 "),
    ('{.a[?(@.x=~"y")]}', "unrecognized character in action: U+007E '~'"),
    ("{.a[?(@.x)]", "unclosed action"),
    ("{..*}", "unrecognized character in action: U+002A '*'"),
    ("{{.metadata.name}}", "unrecognized character in action: U+007B '{'"),
    ('{"bad\\q"}', 'unquote string "bad\\q" error invalid syntax'),
    ("{.a[-]}", "array index - is not a number"),
]


@pytest.mark.parametrize(("template", "message"), PARSE_ERRORS)
def test_parse_errors(template: str, message: str) -> None:
    with pytest.raises(JSONPathParseError) as exc:
        JSONPath(template)
    assert exc.value.message == message
    assert exc.value.stderr == f"error: error parsing jsonpath {template}, {message}\n"


def test_missing_keys_allowed_by_default_and_reported_otherwise() -> None:
    assert JSONPath("{.x.y}").execute(OBJ) == ""
    with pytest.raises(JSONPathExecError) as exc:
        JSONPath("{.x.y}", allow_missing_keys=False).execute(OBJ)
    assert exc.value.message == "x is not found"


def test_no_braces_means_plain_text() -> None:
    """kubectl does not relax ``-o jsonpath=`` (only custom-columns and --sort-by do)."""
    assert print_jsonpath(".metadata.name", OBJ) == ".metadata.name"


def test_list_wrapper_for_several_objects() -> None:
    pods = [{"metadata": {"name": "web-1"}}, {"metadata": {"name": "web-2"}}]
    lst = list_object(pods)
    assert lst == {"apiVersion": "v1", "items": pods, "kind": "List", "metadata": {"resourceVersion": ""}}
    assert print_jsonpath("{.items[*].metadata.name}", lst) == "web-1 web-2"
    assert print_jsonpath("{.items[0].metadata.name}", lst) == "web-1"
    assert print_jsonpath("{.metadata}|{.kind}", lst) == '{"resourceVersion":""}|List'


def test_input_is_not_mutated() -> None:
    before = json.dumps(OBJ, sort_keys=True)
    JSONPath("{range .spec.items[*]}{.name}{end}{..name}").execute(OBJ)
    assert json.dumps(OBJ, sort_keys=True) == before


def test_template_object_is_reusable() -> None:
    jp = JSONPath("{range .items[*]}[{.n}]{end}!")
    assert jp.execute({"items": [{"n": 1}, {"n": 2}]}) == "[1][2]!"
    assert jp.execute({"items": [{"n": 3}]}) == "[3]!"


@pytest.mark.parametrize(
    ("path", "relaxed"),
    [
        ("metadata.name", "{.metadata.name}"),
        (".metadata.name", "{.metadata.name}"),
        ("{metadata.name}", "{.metadata.name}"),
        ("{.metadata.name}", "{.metadata.name}"),
        ("", ""),
    ],
)
def test_relaxed_expression(path: str, relaxed: str) -> None:
    assert relaxed_jsonpath_expression(path) == relaxed


def test_relaxed_expression_rejects_nested_braces() -> None:
    with pytest.raises(RelaxedJSONPathError) as exc:
        relaxed_jsonpath_expression("{.a}{.b}")
    assert exc.value.message == (
        "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'"
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1e6, "1e+06"),
        (123456.0, "123456"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (-2.5, "-2.5"),
        (0.0, "0"),
    ],
)
def test_go_float_printing(value: float, text: str) -> None:
    assert go_format_float(value) == text


def test_go_json_escapes_like_encoding_json() -> None:
    assert (
        go_json({"b": "<&>", "a": [1, 2.0, True, None]})
        == '{"a":[1,2,true,null],"b":"\\u003c\\u0026\\u003e"}'
    )


def test_errors_are_value_errors() -> None:
    assert issubclass(JSONPathError, ValueError)


# ---------------------------------------------------------------------------------------------------
# Differential tests against the real kubectl binary
# ---------------------------------------------------------------------------------------------------


def _real(tmp_path: Path, obj: dict[str, Any], template: str) -> tuple[int, str, str]:
    f = tmp_path / "obj.json"
    f.write_text(json.dumps(obj))
    assert KUBECTL is not None
    p = subprocess.run(
        [KUBECTL, "patch", "--local", "-f", str(f), "-p", "{}", "--type=merge", "-o", f"jsonpath={template}"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return p.returncode, p.stdout, p.stderr


def _mine(obj: dict[str, Any], template: str) -> tuple[int, str, str]:
    try:
        return 0, JSONPath(template).execute(obj), ""
    except JSONPathError as e:
        return 1, "", e.stderr


# Templates whose output does not depend on Go's random map iteration order.
_LIVE_OK = [t for t, _ in OBJ_CASES if ".*" not in t]


@needs_kubectl
def test_live_success_cases_match_kubectl(tmp_path: Path) -> None:
    sep = '{"\\n--8<--\\n"}'
    template = sep.join(_LIVE_OK)
    assert _real(tmp_path, OBJ, template) == _mine(OBJ, template)


@needs_kubectl
@pytest.mark.parametrize("template", [t for t, _ in EXEC_ERRORS] + [t for t, _ in PARSE_ERRORS][:8])
def test_live_errors_match_kubectl(tmp_path: Path, template: str) -> None:
    assert _real(tmp_path, OBJ, template) == _mine(OBJ, template)


def test_long_templates_do_not_exhaust_the_stack() -> None:
    assert JSONPath("{.a}," * 5000).execute({"a": 1}) == "1," * 5000


def test_arbitrary_input_raises_only_jsonpath_errors() -> None:
    import random

    alphabet = list("{}[]().@$*?=!<>,:'\"\\ -+0123456789abcn\n\t~")
    obj = {"a": [1, {"b": "x", "n": None}, [2, 3]], "c": {"d": 1.5}, "items": [{"a": 1}], "kind": "List"}
    rnd = random.Random(7)
    for _ in range(3000):
        template = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(1, 20)))
        try:
            JSONPath(template).execute(obj)
        except JSONPathError as e:
            assert e.stderr.startswith("error: ")


def test_jsonpath_as_json() -> None:
    """Captured from kubectl v1.32 ``-o jsonpath-as-json=...``."""
    out = print_jsonpath("{.metadata.name}{.spec.items[*].name}{.spec.m}{.nope}", OBJ, as_json=True)
    assert out == (
        '[\n    "a"\n]\n[\n    "a",\n    "b",\n    "c"\n]\n[\n    {\n        "a": 2,\n        "z": 1\n    }\n]\n[]\n'
    )


@needs_kubectl
def test_live_jsonpath_as_json(tmp_path: Path) -> None:
    template = "{.spec.u}{range .spec.items[*]}{.name}{.sub}{end}{.spec.arr}{.spec.empty}"
    f = tmp_path / "obj.json"
    f.write_text(json.dumps(OBJ))
    assert KUBECTL is not None
    args = [
        KUBECTL,
        "patch",
        "--local",
        "-f",
        str(f),
        "-p",
        "{}",
        "--type=merge",
        "-o",
        f"jsonpath-as-json={template}",
    ]
    p = subprocess.run(args, capture_output=True, text=True, timeout=30)
    assert (p.returncode, p.stdout) == (0, print_jsonpath(template, OBJ, as_json=True))
