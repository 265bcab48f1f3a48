"""The 37 reference cases: real `helm` v3.17.2 `helm template` output and NOTES.txt, byte for byte."""

from __future__ import annotations

import json
import os
import random
import re

import pytest

from k8stutor.helm.chart import load_chart
from k8stutor.helm.commands import _GLOBAL_FLAGS, _VALUES_FLAGS, Helm, collect_values
from k8stutor.helm.render import DEFAULT_API_VERSIONS, Capabilities, Release, render
from k8stutor.kubectl.flags import Flag, parse

DATA = os.path.join(os.path.dirname(__file__), "data", "helm")
CASES = json.load(open(os.path.join(DATA, "cases.json"), encoding="utf-8"))["cases"]


def _read(name: str) -> str:
    with open(os.path.join(DATA, name), encoding="utf-8") as fh:
        return fh.read()


def _mask(text: str, masks: list[str]) -> str:
    for m in masks:
        text = re.sub(m, r"\1", text, flags=re.M)
    return text


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_helm_template_case(case: dict) -> None:
    h = Helm(cwd=DATA, seed=7)
    r = h.run(["template", "rel", "./" + case["chart"], "-n", "demo", *case["args"]])
    expected = _read(case["expected"])
    if case.get("rc"):
        assert r.exit_code == case["rc"]
        assert r.stdout == ""
        assert r.stderr.splitlines()[0] == expected.splitlines()[0]
        assert r.stderr == expected  # helm's whole stderr, "Use --debug flag ..." hint included
        return
    assert r.exit_code == 0, r.stderr
    masks = case.get("mask", [])
    assert _mask(r.stdout, masks) == _mask(expected, masks)


NOTE_CASES = [c for c in CASES if not c.get("rc")]


@pytest.mark.parametrize("case", NOTE_CASES, ids=[c["id"] for c in NOTE_CASES])
def test_helm_notes(case: dict) -> None:
    variant = case["expected"].split(".expected", 1)[1].rsplit(".", 1)[0]
    expected = _read("{}.notes{}.txt".format(case["chart"], variant))
    p = parse(
        case["args"],
        _GLOBAL_FLAGS
        + _VALUES_FLAGS
        + [Flag("kube-version", "string", default=""), Flag("api-versions", "stringSlice")],
    )
    kv = p.get("kube-version")
    caps = Capabilities(
        kube_version="v" + kv if kv else "v1.32.0",
        api_versions=DEFAULT_API_VERSIONS + tuple(p.get("api-versions") or []),
    )
    result = render(
        load_chart(os.path.join(DATA, case["chart"])),
        collect_values(p.flags, DATA),
        Release("rel", "demo"),
        caps,
        rng=random.Random(3),
    )
    masks = case.get("mask", [])
    assert _mask(result.notes.strip(), masks) == _mask(expected.strip(), masks)


def test_random_values_come_from_the_seeded_rng() -> None:
    a = Helm(cwd=DATA, seed=11).run(["template", "rel", "./redis", "-n", "demo"]).stdout
    b = Helm(cwd=DATA, seed=11).run(["template", "rel", "./redis", "-n", "demo"]).stdout
    c = Helm(cwd=DATA, seed=12).run(["template", "rel", "./redis", "-n", "demo"]).stdout
    assert a == b
    assert a != c
    pw = re.search(r"^\s*redis-password: (.*)$", a, re.M)
    assert pw is not None and len(__import__("base64").b64decode(pw.group(1))) == 10  # randAlphaNum 10


def test_generated_certificates_are_pem() -> None:
    out = Helm(cwd=DATA, seed=1).run(["template", "rel", "./nginx", "-n", "demo"]).stdout
    crt = re.search(r"^\s*tls\.crt: (.*)$", out, re.M)
    assert crt is not None
    pem = __import__("base64").b64decode(crt.group(1)).decode()
    assert pem.startswith("-----BEGIN CERTIFICATE-----\n") and pem.endswith("-----END CERTIFICATE-----\n")


def test_show_only_and_include_crds() -> None:
    h = Helm(cwd=DATA, seed=1)
    r = h.run(["template", "rel", "./starter", "-n", "demo", "--show-only", "templates/service.yaml"])
    assert r.exit_code == 0
    assert r.stdout.startswith(
        "---\n# Source: starter/templates/service.yaml\napiVersion: v1\nkind: Service\n"
    )
    assert r.stdout.count("# Source:") == 1
    r = h.run(["template", "rel", "./starter", "-s", "templates/nope.yaml"])
    assert r.stderr == "Error: could not find template templates/nope.yaml in chart\n"
