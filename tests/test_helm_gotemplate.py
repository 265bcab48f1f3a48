"""Go text/template semantics (facts from Go's text/template docs and exec tests) and Sprig functions."""

from __future__ import annotations

import random

import pytest

from k8stutor.helm.gotemplate import ExecError, ParseError, new_template, sprintf
from k8stutor.helm.render import RenderError, _Engine, _Renderable
from k8stutor.helm.toyaml import load_yaml, to_yaml


def run(text: str, data: object = None) -> str:
    t = new_template(_Engine(random.Random(0), None).base_funcs)
    t.parse("t", text)
    return t.execute("t", data)


def test_actions_variables_and_trim_markers() -> None:
    assert run("a  {{- 1 -}}  b") == "a1b"
    assert run("{{/* c */}}x{{- /* c */ -}} y") == "xy"
    assert run("{{ $x := 1 }}{{ $x = 2 }}{{ $x }}") == "2"
    assert run("{{ with $v := .a }}{{ $v }}{{ end }}", {"a": "A"}) == "A"
    assert run("{{ if .a }}1{{ else if .b }}2{{ else }}3{{ end }}", {"b": 1}) == "2"
    assert run("{{ with .x }}y{{ else with .z }}{{ . }}{{ else }}n{{ end }}", {"z": "Z"}) == "Z"


def test_range_lists_maps_ints_break_continue() -> None:
    assert run("{{ range $i, $v := . }}{{ $i }}{{ $v }}{{ end }}", ["a", "b"]) == "0a1b"
    assert (
        run("{{ range $k, $v := . }}{{ $k }}={{ $v }};{{ end }}", {"b": 2, "a": 1, "B": 0}) == "B=0;a=1;b=2;"
    )
    assert run("{{ range 3 }}{{ . }}{{ end }}") == "012"
    assert (
        run(
            "{{ range . }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 4 }}{{ break }}{{ end }}{{ . }}{{ end }}",
            [1, 2, 3, 4, 5],
        )
        == "13"
    )
    assert run("{{ range .none }}x{{ else }}empty{{ end }}", {}) == "empty"


def test_define_template_block_include() -> None:
    assert run('{{ define "a" }}[{{ . }}]{{ end }}{{ template "a" 5 }}') == "[5]"
    assert run('{{ block "b" . }}<{{ . }}>{{ end }}', "x") == "<x>"


def test_missing_values_and_nil_pointer_error() -> None:
    assert run("{{ .a }}", {}) == "<no value>"
    assert run("{{ .a.b }}", None) == "<no value>"
    with pytest.raises(ExecError) as e:
        run("{{ .a.b }}", {})
    assert str(e.value) == 'template: t:1:3: executing "t" at <.a.b>: nil pointer evaluating interface {}.b'


def test_and_or_return_operands_and_short_circuit() -> None:
    assert run('{{ or .a "" "z" }}', {}) == "z"
    assert run("{{ and 1 0 2 }}") == "0"
    assert run("{{ and .x .x.y }}", {}) == "<no value>"  # .x.y never evaluated


def test_comparisons_follow_go_type_rules() -> None:
    assert run('{{ eq 1 1 2 }} {{ ne "a" "b" }} {{ lt 1 2 }} {{ ge 2.5 2.5 }}') == "true true true true"
    with pytest.raises(ExecError) as e:
        run("{{ eq .f 1 }}", {"f": 1.0})
    assert str(e.value).endswith("error calling eq: incompatible types for comparison")


def test_printf_verbs_and_float64_values() -> None:
    assert (
        sprintf("%s %d %v %q %t %5.2f %x %-4s|%03d", "s", 42, 1e6, 'q"', True, 3.14159, 255, "ab", 7)
        == 's 42 1e+06 "q\\"" true  3.14 ff ab  |007'
    )
    assert sprintf("%d %s", "x") == "%!d(string=x) %!s(MISSING)"
    assert sprintf("%v", {"b": 1, "a": [1, "x"]}) == "map[a:[1 x] b:1]"
    assert run("{{ .num }}", load_yaml("num: 1000000")) == "1e+06"
    assert load_yaml("n: 1\ny: 2") == {"false": 1.0, "true": 2.0}  # go-yaml v2 reads y/n as booleans


def test_parse_errors_name_line() -> None:
    with pytest.raises(ParseError) as e:
        run("x\n{{ nosuch 1 }}")
    assert str(e.value) == 'template: t:2: function "nosuch" not defined'


def test_sprig_strings_lists_dicts_math() -> None:
    assert (
        run('{{ "hello" | upper | quote }} {{ trunc 3 "abcdef" }} {{ "a-b-" | trimSuffix "-" }}')
        == '"HELLO" abc a-b'
    )
    assert run('{{ nindent 2 "a\\nb" }}') == "\n  a\n  b"
    assert (
        run('{{ default "d" "" }} {{ default "d" false }} {{ default "d" 0 }} {{ default "d" "v" }}')
        == "d d d v"
    )
    assert (
        run('{{ list 1 2 3 | last }} {{ without (list 1 2 3) 2 | join "," }} {{ until 3 }}')
        == "3 1,3 [0 1 2]"
    )
    assert (
        run('{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ keys $d | sortAlpha }} {{ hasKey $d "a" }}')
        == "[a b] true"
    )
    assert (
        run("{{ add 1 2 3 }} {{ sub 5 2 }} {{ mul 2 3 }} {{ div 7 2 }} {{ mod 7 2 }} {{ max 1 9 4 }}")
        == "6 3 6 3 1 9"
    )
    assert (
        run('{{ semverCompare ">=1.21.0-0" "v1.32.0" }} {{ semverCompare "<1.19" "1.32.0" }}') == "true false"
    )
    assert (
        run('{{ "a" | b64enc }} {{ "YQ==" | b64dec }} {{ "x" | sha256sum }}')
        == "YQ== a 2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
    )
    assert (
        run('{{ regexReplaceAll "(a)(b)" "xaby" "${2}$1" }} {{ regexMatch "^v[0-9]" "v1" }}') == "xbay true"
    )
    assert (
        run('{{ mergeOverwrite (dict "a" 1 "b" (dict "c" 1)) (dict "b" (dict "d" 2)) | toJson }}')
        == '{"a":1,"b":{"c":1,"d":2}}'
    )


def test_to_yaml_matches_helm() -> None:
    assert (
        to_yaml({"b": 1e6, "a": ["x", "on", "1.0"], "z10": 1, "z9": {}})
        == 'a:\n- x\n- "on"\n- "1.0"\nb: 1000000\nz9: {}\nz10: 1'
    )
    assert run("{{ toYaml . }}", {"k": "multi\nline\n"}) == "k: |\n  multi\n  line"


def test_helm_error_cleanup_for_fail_and_required() -> None:
    eng = _Engine(random.Random(0), None)
    tpls = {
        "c/templates/a.yaml": _Renderable('x\n  {{ required "need x" .x }}', {}, "c/templates"),
        "c/templates/_h.tpl": _Renderable('{{ define "f" }}{{ fail "boom" }}{{ end }}', {}, "c/templates"),
    }
    with pytest.raises(RenderError) as e:
        eng.render_with_references(tpls, tpls)
    assert str(e.value) == "execution error at (c/templates/a.yaml:2:5): need x"
    tpls2 = {
        "c/templates/b.yaml": _Renderable('{{ include "f" . }}', {}, "c/templates"),
        "c/templates/_h.tpl": tpls["c/templates/_h.tpl"],
    }
    with pytest.raises(RenderError) as e:
        eng.render_with_references(tpls2, tpls2)
    assert str(e.value) == "execution error at (c/templates/b.yaml:1:3): boom"
