"""helm install/upgrade/rollback/uninstall/list/history/status/get/test against the simulated cluster.

Facts: helm v3.17 cmd/helm/status.go (statusPrinter), list.go/history.go (uitable), pkg/action messages,
storage/driver/secrets.go and util.go (the release Secret), API-PROTOCOL.md §6.
"""

from __future__ import annotations

import base64
import gzip
import json
import os

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.helm import pane
from k8stutor.helm.commands import Helm
from k8stutor.helm.storage import decode_release, encode_release, go_time_ansic, release_json

DATA = os.path.join(os.path.dirname(__file__), "data", "helm")


def _cluster() -> Cluster:
    c = Cluster()
    from k8stutor.engine.controllers import deployment, replicaset
    from k8stutor.engine.scheduler import scheduler

    replicaset.install(c)
    deployment.install(c)
    scheduler.install(c)
    c.settle()
    return c


@pytest.fixture(scope="module")
def base() -> Cluster:
    return _cluster()


def _chart(tmp_path, name: str = "demo", extra: dict[str, str] | None = None) -> str:
    d = tmp_path / name
    (d / "templates").mkdir(parents=True)
    (d / "Chart.yaml").write_text(f'apiVersion: v2\nname: {name}\nversion: 0.1.0\nappVersion: "1.0"\n')
    (d / "values.yaml").write_text("msg: hello\n")
    (d / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  msg: {{ .Values.msg }}\n"
    )
    (d / "templates" / "NOTES.txt").write_text("Thanks for installing {{ .Release.Name }}.\n")
    for path, text in (extra or {}).items():
        (d / "templates" / path).write_text(text)
    return str(d)


def test_install_prints_the_status_and_stores_a_release_secret(tmp_path) -> None:
    c = _cluster()
    h = Helm(c, cwd=str(tmp_path))
    _chart(tmp_path)
    r = h.run(["install", "web", "./demo"])
    assert r.exit_code == 0, r.stderr
    when = go_time_ansic(c.now())
    assert r.stdout == (
        f"NAME: web\nLAST DEPLOYED: {when}\nNAMESPACE: default\nSTATUS: deployed\nREVISION: 1\n"
        "TEST SUITE: None\nNOTES:\nThanks for installing web.\n"
    )
    sec = c.api.get("secrets", "sh.helm.release.v1.web.v1", "default")
    assert sec["type"] == "helm.sh/release.v1"
    labels = sec["metadata"]["labels"]
    assert {k: labels[k] for k in ("name", "owner", "status", "version")} == {
        "name": "web",
        "owner": "helm",
        "status": "deployed",
        "version": "1",
    }
    assert "modifiedAt" in labels  # the final PUT replaces createdAt (API-PROTOCOL.md §6.2)
    inner = base64.b64decode(sec["data"]["release"]).decode()
    assert inner.startswith("H4sIAAAAAAAC/")  # Go gzip, BestCompression: 1f8b 0800 00000000 02 ff
    rel = json.loads(gzip.decompress(base64.b64decode(inner)))
    assert list(rel) == ["name", "info", "chart", "config", "manifest", "hooks", "version", "namespace"][
        : len(rel)
    ] or list(rel)[:3] == ["name", "info", "chart"]
    assert rel["info"]["status"] == "deployed" and rel["info"]["description"] == "Install complete"
    assert rel["info"]["deleted"] == ""
    assert rel["manifest"] == (
        "---\n# Source: demo/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-cm\n"
        "data:\n  msg: hello\n"
    )
    cm = c.api.get("configmaps", "web-cm", "default")
    assert cm["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "Helm"
    assert cm["metadata"]["annotations"] == {
        "meta.helm.sh/release-name": "web",
        "meta.helm.sh/release-namespace": "default",
    }


def test_release_json_round_trip_keeps_go_field_order() -> None:
    rel = {
        "name": "x",
        "info": {
            "first_deployed": "2025-01-01T00:00:00Z",
            "last_deployed": "2025-01-01T00:00:00Z",
            "deleted": "",
            "description": "Install complete",
            "status": "deployed",
            "notes": "<b>",
        },
        "chart": {
            "metadata": {"version": "0.1.0", "name": "c", "apiVersion": "v2"},
            "lock": None,
            "templates": [],
            "values": {"b": 1.0, "a": 2},
            "schema": None,
            "files": [],
        },
        "manifest": "m",
        "hooks": [],
        "version": 1,
        "namespace": "default",
    }
    text = release_json(rel)
    assert text.startswith('{"name":"x","info":{"first_deployed":"2025-01-01T00:00:00Z"')
    assert '"notes":"\\u003cb\\u003e"' in text  # Go's HTML-safe escaping
    assert '"metadata":{"name":"c","version":"0.1.0","apiVersion":"v2"}' in text
    assert '"values":{"a":2,"b":1}' in text and '"lock":null' in text
    assert decode_release(encode_release(rel))["chart"]["metadata"]["name"] == "c"


def test_install_upgrade_rollback_uninstall(tmp_path) -> None:
    c = _cluster()
    h = Helm(c, cwd=str(tmp_path))
    _chart(tmp_path)
    assert h.run(["install", "web", "./demo"]).exit_code == 0
    c.advance(60)
    r = h.run(["upgrade", "web", "./demo", "--set", "msg=bye"])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith('Release "web" has been upgraded. Happy Helming!\nNAME: web\n')
    assert "STATUS: deployed\nREVISION: 2\n" in r.stdout
    assert c.api.get("configmaps", "web-cm", "default")["data"] == {"msg": "bye"}
    c.advance(60)
    r = h.run(["rollback", "web", "1"])
    assert (r.stdout, r.exit_code) == ("Rollback was a success! Happy Helming!\n", 0)
    assert c.api.get("configmaps", "web-cm", "default")["data"] == {"msg": "hello"}
    r = h.run(["history", "web"])
    lines = r.stdout.splitlines()
    assert lines[0].split("\t")[0] == "REVISION" and [x.strip() for x in lines[0].split("\t")] == [
        "REVISION",
        "UPDATED",
        "STATUS",
        "CHART",
        "APP VERSION",
        "DESCRIPTION",
    ]
    rows = [[x.strip() for x in ln.split("\t")] for ln in lines[1:]]
    assert [(x[0], x[2], x[3], x[5]) for x in rows] == [
        ("1", "superseded", "demo-0.1.0", "Install complete"),
        ("2", "superseded", "demo-0.1.0", "Upgrade complete"),
        ("3", "deployed", "demo-0.1.0", "Rollback to 1"),
    ]
    assert h.run(["get", "values", "web", "--revision", "2"]).stdout == "USER-SUPPLIED VALUES:\nmsg: bye\n"
    assert h.run(["get", "values", "web"]).stdout == "USER-SUPPLIED VALUES:\nnull\n"
    assert h.run(["get", "values", "web", "-a"]).stdout == "COMPUTED VALUES:\nmsg: hello\n"
    assert h.run(["get", "notes", "web"]).stdout == "NOTES:\nThanks for installing web.\n\n"
    assert h.run(["get", "manifest", "web"]).stdout.startswith("---\n# Source: demo/templates/cm.yaml\n")
    secrets = [
        s["metadata"]["name"] for s in c.api.list_objects("secrets", "default", label_selector="owner=helm")
    ]
    assert secrets == ["sh.helm.release.v1.web.v1", "sh.helm.release.v1.web.v2", "sh.helm.release.v1.web.v3"]
    r = h.run(["uninstall", "web"])
    assert (r.stdout, r.exit_code) == ('release "web" uninstalled\n', 0)
    assert c.api.peek("configmaps", "web-cm", "default") is None
    assert c.api.list_objects("secrets", "default", label_selector="owner=helm") == []
    assert h.run(["status", "web"]).stderr == "Error: release: not found\n"


def test_list_tables_and_state_filters(tmp_path) -> None:
    c = _cluster()
    h = Helm(c, cwd=str(tmp_path))
    _chart(tmp_path)
    assert h.run(["list"]).stdout == "NAME\tNAMESPACE\tREVISION\tUPDATED\tSTATUS\tCHART\tAPP VERSION\n"
    h.run(["install", "web", "./demo"])
    h.run(["install", "api", "./demo", "-n", "team", "--create-namespace"])
    out = h.run(["list"]).stdout.splitlines()
    assert [x.split("\t")[0].strip() for x in out] == ["NAME", "web"]
    out = h.run(["list", "-A"]).stdout.splitlines()
    assert [x.split("\t")[0].strip() for x in out] == ["NAME", "api", "web"]
    assert out[1].endswith("deployed\tdemo-0.1.0\t1.0        ")  # uitable pads every cell, the last one too
    assert c.api.get("namespaces", "team")["metadata"]["labels"]["name"] == "team"
    assert h.run(["list", "-q", "-A"]).stdout == "api\nweb\n"
    h.run(["uninstall", "web", "--keep-history"])
    assert h.run(["list", "-q"]).stdout == ""
    assert h.run(["list", "-q", "--uninstalled"]).stdout == "web\n"
    r = h.run(["install", "web", "./demo"])
    assert r.stderr == "Error: INSTALLATION FAILED: cannot re-use a name that is still in use\n"
    r = h.run(["uninstall", "web", "--keep-history"])
    assert r.stderr == 'Error: the release named "web" is already deleted\n'


def test_install_errors_as_helm_prints_them(tmp_path) -> None:
    c = _cluster()
    h = Helm(c, cwd=str(tmp_path))
    _chart(tmp_path)
    assert h.run(["install", "./demo"]).stderr == (
        "Error: INSTALLATION FAILED: must either provide a name or specify --generate-name\n"
    )
    r = h.run(["install", "Bad_Name", "./demo"])
    assert r.stderr.startswith(
        'Error: INSTALLATION FAILED: release name "Bad_Name": invalid release name, must match'
    )
    assert (
        h.run(["upgrade", "nope", "./demo"]).stderr
        == 'Error: UPGRADE FAILED: "nope" has no deployed releases\n'
    )
    assert h.run(["rollback", "nope"]).stderr == "Error: release: not found\n"
    assert h.run(["uninstall", "nope"]).stderr == (
        "Error: uninstall: Release not loaded: nope: release: not found\n"
    )
    assert h.run(["history", "nope"]).stderr == "Error: release: not found\n"
    c.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "taken-cm"}}, "default")
    r = h.run(["install", "taken", "./demo"])
    assert r.stderr == (
        'Error: INSTALLATION FAILED: Unable to continue with install: ConfigMap "taken-cm" in namespace "default" '
        "exists and cannot be imported into the current release: invalid ownership metadata; label validation "
        'error: missing key "app.kubernetes.io/managed-by": must be set to "Helm"; annotation validation error: '
        'missing key "meta.helm.sh/release-name": must be set to "taken"; annotation validation error: missing '
        'key "meta.helm.sh/release-namespace": must be set to "default"\n'
    )
    r = h.run(["install", "x", "./demo", "-n", "missing"])
    assert (
        r.stderr == 'Error: INSTALLATION FAILED: create: failed to create: namespaces "missing" not found\n'
    )
    r = h.run(["install", "--generate-name", "./demo"])
    assert r.stdout.startswith(f"NAME: demo-{int(c.now())}\n")


def test_dry_run_prints_hooks_and_manifest_and_writes_nothing(tmp_path) -> None:
    c = _cluster()
    h = Helm(c, cwd=str(tmp_path))
    _chart(tmp_path)
    r = h.run(["install", "web", "./demo", "--dry-run"])
    assert (
        "STATUS: pending-install\nREVISION: 1\nTEST SUITE: None\nHOOKS:\nMANIFEST:\n---\n# Source: demo/"
        in r.stdout
    )
    assert c.api.peek("configmaps", "web-cm", "default") is None
    assert c.api.list_objects("secrets", "default", label_selector="owner=helm") == []


def test_hooks_run_by_weight_and_delete_policies(tmp_path) -> None:
    c = _cluster()
    hook = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  annotations:\n    helm.sh/hook: {ev}\n"
        '    helm.sh/hook-weight: "{w}"\n{pol}data: {{}}\n'
    )
    extra = {
        "h1.yaml": hook.format(name="pre-b", ev="pre-install", w=5, pol=""),
        "h2.yaml": hook.format(
            name="pre-a", ev="pre-install", w=-5, pol="    helm.sh/hook-delete-policy: hook-succeeded\n"
        ),
        "keep.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n  annotations:\n"
        "    helm.sh/resource-policy: keep\ndata: {}\n",
    }
    _chart(tmp_path, extra=extra)
    h = Helm(c, cwd=str(tmp_path))
    assert h.run(["install", "web", "./demo"]).exit_code == 0
    assert c.api.peek("configmaps", "pre-a", "default") is None  # hook-succeeded deleted it
    assert c.api.peek("configmaps", "pre-b", "default") is not None  # before-hook-creation keeps it
    hooks = h.run(["get", "hooks", "web"]).stdout
    assert hooks.startswith("---\n# Source: demo/templates/h1.yaml\n")
    r = h.run(["uninstall", "web"])
    assert r.stdout == (
        'These resources were kept due to the resource policy:\n[ConfigMap] kept\n\nrelease "web" uninstalled\n'
    )
    assert c.api.peek("configmaps", "kept", "default") is not None


def test_wait_and_test_hooks_with_the_starter_chart(tmp_path) -> None:
    c = _cluster()
    h = Helm(c, cwd=DATA)
    t0 = c.now()
    r = h.run(["install", "web", "./starter", "--wait", "--set", "image.tag=1.27"])
    assert r.exit_code == 0, r.stderr
    assert c.now() > t0  # --wait let virtual time pass until the Deployment was ready
    d = c.api.get("deployments.apps", "web-starter", "default")
    assert d["status"].get("readyReplicas") == 1
    r = h.run(
        ["install", "slow", "./starter", "--wait", "--timeout", "10s", "--set", "image.tag=no-such-tag"]
    )
    assert r.stderr == "Error: INSTALLATION FAILED: context deadline exceeded\n"
    assert "failed" in h.run(["list"]).stdout


def test_helm_test_runs_test_pods_to_completion(tmp_path) -> None:
    c = _cluster()
    pod = (
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "{{ .Release.Name }}-{name}"\n  annotations:\n'
        "    helm.sh/hook: test\nspec:\n  restartPolicy: Never\n  containers:\n    - name: t\n"
        "      image: busybox\n      command: ['sh', '-c', 'exit {code}']\n"
    )
    _chart(tmp_path, extra={"test-ok.yaml": pod.replace("{name}", "ok").replace("{code}", "0")})
    h = Helm(c, cwd=str(tmp_path))
    r = h.run(["install", "web", "./demo"])
    assert "TEST SUITE: None" not in r.stdout  # a test hook that has not run prints nothing
    r = h.run(["test", "web"])
    assert r.exit_code == 0, r.stderr
    assert "REVISION: 1\nTEST SUITE:     web-ok\nLast Started:   " in r.stdout
    assert "\nPhase:          Succeeded\nNOTES:\n" in r.stdout
    assert c.api.get("pods", "web-ok", "default")["status"]["phase"] == "Succeeded"
    _chart(tmp_path, name="bad", extra={"t.yaml": pod.replace("{name}", "bad").replace("{code}", "1")})
    h.run(["install", "b", "./bad"])
    r = h.run(["test", "b"])
    assert r.stderr == "Error: pod b-bad failed\n" and "Phase:          Failed\n" in r.stdout


def test_helm_init_says_this_is_helm_3() -> None:
    r = Helm().run(["init"])
    assert r.exit_code == 1
    assert r.stderr.startswith('Error: unknown command "init" for "helm"\nRun \'helm --help\' for usage.\n')
    assert "Tiller" in r.stderr


def test_pane_data(tmp_path) -> None:
    c = _cluster()
    h = Helm(c, cwd=str(tmp_path))
    _chart(tmp_path)
    h.run(["install", "web", "./demo"])
    h.run(["upgrade", "web", "./demo", "--set", "msg=x"])
    rels = pane.releases(c)
    assert [(r.name, r.namespace, r.revision, r.status, r.chart, r.app_version) for r in rels] == [
        ("web", "default", 2, "deployed", "demo-0.1.0", "1.0")
    ]
    assert [e.status for e in pane.history(c, "web")] == ["superseded", "deployed"]
    assert pane.objects(c, "web") == [pane.ObjectInfo("ConfigMap", "web-cm", "default", "Exists", "")]
    assert pane.values(c, "web") == "msg: x\n"
    assert pane.notes(c, "web") == "Thanks for installing web.\n"
    assert pane.rollback(c, "web") == "Rollback was a success! Happy Helming!\n"
    assert pane.uninstall(c, "web") == 'release "web" uninstalled\n'
    assert pane.releases(c) == []


def test_workstation_runs_helm_on_its_file_overlay(tmp_path) -> None:
    from k8stutor.hosts.workstation import Workstation

    c = _cluster()
    ws = Workstation(c, cwd=str(tmp_path), host_files=True)
    ws.run(
        "mkdir -p mychart/templates && printf 'apiVersion: v2\\nname: mychart\\nversion: 1.0.0\\n' > "
        "mychart/Chart.yaml && printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: ws-cm\\n' > "
        "mychart/templates/cm.yaml"
    )
    r = ws.run("helm install ws ./mychart")
    assert r.exit_code == 0, r
    assert c.api.peek("configmaps", "ws-cm", "default") is not None
    assert not (tmp_path / "mychart").exists()  # nothing written on the host
