"""helm create/version/lint/show and argument errors as helm v3.17.2 prints them."""

from __future__ import annotations

import os

from k8stutor.helm.commands import Helm

DATA = os.path.join(os.path.dirname(__file__), "data", "helm")


def test_version() -> None:
    r = Helm().run(["version"])
    assert r.stdout == (
        'version.BuildInfo{Version:"v3.17.2", GitCommit:"cc0bbbd6d6276b83880042c1ecb34087e84d41eb", '
        'GitTreeState:"clean", GoVersion:"go1.23.7"}\n'
    )


def test_create_matches_the_real_scaffold(tmp_path) -> None:
    h = Helm(cwd=str(tmp_path))
    r = h.run(["create", "starter"])
    assert r.stdout == "Creating starter\n"
    for root, _dirs, files in os.walk(os.path.join(DATA, "starter")):
        for f in files:
            rel = os.path.relpath(os.path.join(root, f), os.path.join(DATA, "starter"))
            with (
                open(os.path.join(root, f), encoding="utf-8") as a,
                open(os.path.join(tmp_path, "starter", rel), encoding="utf-8") as b,
            ):
                assert a.read() == b.read(), rel
    r = h.run(["template", "rel", "./starter", "-n", "demo"])
    with open(os.path.join(DATA, "starter.expected.yaml"), encoding="utf-8") as fh:
        assert r.stdout == fh.read()


def test_lint_and_show() -> None:
    h = Helm(cwd=DATA)
    r = h.run(["lint", "./starter"])
    assert r.exit_code == 0
    assert (
        r.stdout
        == "==> Linting ./starter\n[INFO] Chart.yaml: icon is recommended\n\n1 chart(s) linted, 0 chart(s) failed\n"
    )
    r = h.run(["show", "values", "./starter"])
    with open(os.path.join(DATA, "starter", "values.yaml"), encoding="utf-8") as fh:
        assert r.stdout == fh.read()
    assert h.run(["show", "chart", "./starter"]).stdout.startswith("apiVersion: v2\nappVersion: 1.16.0\n")


def test_errors() -> None:
    h = Helm(cwd=DATA)
    assert h.run(["template"]).stderr.startswith('Error: "helm template" requires at least 1 argument')
    assert h.run(["template", "x", "./starter", "--bogus"]).stderr == "Error: unknown flag: --bogus\n"
    assert (
        h.run(["template", "x", "./starter", "-f", "nope.yaml"]).stderr
        == "Error: open nope.yaml: no such file or directory\n"
    )
    assert h.run(["nosuch"]).exit_code == 1
