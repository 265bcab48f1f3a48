"""Field ownership (``metadata.managedFields``) and server-side apply: the entry shapes real kube-apiserver
records, the real conflict text, pruning, forced ownership moves; built-in kubectl and real kubectl against
``k8stutor serve`` print the same."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from k8stutor.engine.api import managedfields as mf
from k8stutor.engine.cluster import Cluster
from k8stutor.engine.errors import StatusError
from k8stutor.hosts.apiserver.kubeconfig import write_kubeconfig
from k8stutor.hosts.apiserver.main import ensure_controllers
from k8stutor.hosts.apiserver.server import ServerThread
from k8stutor.kubectl.main import Kubectl

KUBECTL = shutil.which("kubectl")

WEB = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports:
        - containerPort: 80
"""
WEB3 = WEB.replace("replicas: 2", "replicas: 3")

# kubectl-client-side-apply's entry for the Deployment above, as a v1.32 API server records it.
CSA_FIELDS = yaml.safe_load("""
f:metadata:
  f:annotations:
    .: {}
    f:kubectl.kubernetes.io/last-applied-configuration: {}
f:spec:
  f:progressDeadlineSeconds: {}
  f:replicas: {}
  f:revisionHistoryLimit: {}
  f:selector: {}
  f:strategy:
    f:rollingUpdate:
      .: {}
      f:maxSurge: {}
      f:maxUnavailable: {}
    f:type: {}
  f:template:
    f:metadata:
      f:labels:
        .: {}
        f:app: {}
    f:spec:
      f:containers:
        k:{"name":"nginx"}:
          .: {}
          f:image: {}
          f:imagePullPolicy: {}
          f:name: {}
          f:ports:
            .: {}
            k:{"containerPort":80,"protocol":"TCP"}:
              .: {}
              f:containerPort: {}
              f:protocol: {}
          f:resources: {}
          f:terminationMessagePath: {}
          f:terminationMessagePolicy: {}
      f:dnsPolicy: {}
      f:restartPolicy: {}
      f:schedulerName: {}
      f:securityContext: {}
      f:terminationGracePeriodSeconds: {}
""")

CONFLICT = """error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas
Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the `--force-conflicts` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts
"""


def _kubectl(tmp_path: Path) -> tuple[Cluster, Kubectl]:
    c = Cluster()
    (tmp_path / "web.yaml").write_text(WEB)
    (tmp_path / "web3.yaml").write_text(WEB3)
    return c, Kubectl(c, cwd=str(tmp_path))


def _managers(obj: dict) -> list[tuple[str, str]]:
    return [(e["manager"], e["operation"]) for e in obj["metadata"].get("managedFields") or []]


def test_client_side_apply_records_the_real_update_entry(tmp_path: Path) -> None:
    c, k = _kubectl(tmp_path)
    assert k.run(["apply", "-f", "web.yaml"]).stdout == "deployment.apps/web created\n"
    obj = yaml.safe_load(k.run(["get", "deploy", "web", "-o", "yaml", "--show-managed-fields"]).stdout)
    (entry,) = obj["metadata"]["managedFields"]
    assert entry["manager"] == "kubectl-client-side-apply"
    assert entry["operation"] == "Update"
    assert entry["apiVersion"] == "apps/v1"
    assert entry["fieldsType"] == "FieldsV1"
    assert entry["time"] == obj["metadata"]["creationTimestamp"]
    assert entry["fieldsV1"] == CSA_FIELDS
    assert "managedFields" not in k.run(["get", "deploy", "web", "-o", "yaml"]).stdout


def test_server_side_apply_conflict_then_force(tmp_path: Path) -> None:
    c, k = _kubectl(tmp_path)
    k.run(["apply", "-f", "web.yaml"])
    r = k.run(["apply", "--server-side", "-f", "web3.yaml"])
    assert (r.stdout, r.stderr, r.exit_code) == ("", CONFLICT, 1)
    assert c.api.get("deployments.apps", "web", "default")["spec"]["replicas"] == 2
    r = k.run(["apply", "--server-side", "--force-conflicts", "-f", "web3.yaml"])
    assert r.stdout == "deployment.apps/web serverside-applied\n"
    obj = c.api.get("deployments.apps", "web", "default")
    assert obj["spec"]["replicas"] == 3
    # kubectl keeps the last-applied annotation under its own manager and migrates the client-side-apply
    # fields to ``kubectl``, then applies again: the defaults nobody applies are owned by no one.
    assert _managers(obj) == [("kubectl", "Apply"), ("kubectl-last-applied", "Apply")]
    applied, last = obj["metadata"]["managedFields"]
    assert last["fieldsV1"] == {
        "f:metadata": {"f:annotations": {"f:kubectl.kubernetes.io/last-applied-configuration": {}}}
    }
    spec = applied["fieldsV1"]["f:spec"]
    assert set(spec) == {"f:replicas", "f:selector", "f:template"}
    # The applier owns exactly what it applied: no defaults, no ``.`` on map keys.
    assert spec["f:template"]["f:metadata"] == {"f:labels": {"f:app": {}}}
    assert obj["spec"]["progressDeadlineSeconds"] == 600
    r = k.run(["apply", "--server-side", "-f", "web3.yaml"])
    assert (r.stdout, r.exit_code) == ("deployment.apps/web serverside-applied\n", 0)


def test_apply_creates_prunes_and_shares(tmp_path: Path) -> None:
    c = Cluster()
    rt = c.api.rt_for("configmaps")
    cm = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cfg", "labels": {"team": "a"}},
        "data": {"a": "1", "b": "2"},
    }
    obj, created = mf.server_side_apply(c.api, rt, "cfg", "default", cm, "alice")
    assert created
    assert obj["metadata"]["managedFields"][0]["fieldsV1"] == {
        "f:data": {"f:a": {}, "f:b": {}},
        "f:metadata": {"f:labels": {"f:team": {}}},
    }
    # bob co-owns data.a (same value), then alice stops applying b and a: b goes, a stays (bob owns it).
    mf.server_side_apply(
        c.api, rt, "cfg", "default", {"apiVersion": "v1", "kind": "ConfigMap", "data": {"a": "1"}}, "bob"
    )
    obj, created = mf.server_side_apply(
        c.api,
        rt,
        "cfg",
        "default",
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"labels": {"team": "a"}}},
        "alice",
    )
    assert not created
    assert obj["data"] == {"a": "1"}
    # bob may not change alice's label without force.
    with pytest.raises(StatusError) as e:
        mf.server_side_apply(
            c.api,
            rt,
            "cfg",
            "default",
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"labels": {"team": "b"}}},
            "bob",
        )
    assert e.value.code == 409
    assert e.value.message == 'Apply failed with 1 conflict: conflict with "alice": .metadata.labels.team'
    assert e.value.status["details"]["causes"] == [
        {"type": "FieldManagerConflict", "message": 'conflict with "alice"', "field": ".metadata.labels.team"}
    ]
    with pytest.raises(StatusError) as e:
        mf.server_side_apply(c.api, rt, "cfg", "default", {"apiVersion": "v1", "kind": "ConfigMap"}, "")
    assert e.value.code == 422


def test_update_takes_ownership_of_changed_fields(tmp_path: Path) -> None:
    c, k = _kubectl(tmp_path)
    k.run(["apply", "-f", "web.yaml"])
    c.api.patch(
        "deployments.apps",
        "web",
        "default",
        {"spec": {"replicas": 5}},
        "merge",
        field_manager="kubectl-patch",
    )
    obj = c.api.get("deployments.apps", "web", "default")
    assert _managers(obj) == [("kubectl-client-side-apply", "Update"), ("kubectl-patch", "Update")]
    assert obj["metadata"]["managedFields"][1]["fieldsV1"] == {"f:spec": {"f:replicas": {}}}
    assert "f:replicas" not in obj["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"]
    # A write that changes nothing records nothing.
    c.api.patch(
        "deployments.apps", "web", "default", {"spec": {"replicas": 5}}, "merge", field_manager="other"
    )
    assert _managers(c.api.get("deployments.apps", "web", "default"))[-1][0] == "kubectl-patch"


def test_fields_v1_round_trip_and_paths() -> None:
    paths = mf.from_fields_v1(CSA_FIELDS)
    assert mf.to_fields_v1(paths) == CSA_FIELDS
    p = ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"nginx"}', "f:image")
    assert p in paths
    assert mf.path_string(p) == '.spec.template.spec.containers[name="nginx"].image'
    assert mf.path_string(("f:metadata", "f:finalizers", 'v:"x"')) == '.metadata.finalizers[="x"]'


@pytest.mark.skipif(KUBECTL is None, reason="real kubectl is not installed")
def test_real_kubectl_server_side_apply_matches_builtin(tmp_path: Path) -> None:
    (tmp_path / "web.yaml").write_text(WEB)
    (tmp_path / "web3.yaml").write_text(WEB3)
    outs: dict[str, list[str]] = {"real": [], "builtin": []}
    steps = [
        ["apply", "-f", "web.yaml"],
        ["apply", "--server-side", "-f", "web3.yaml"],
        ["apply", "--server-side", "--force-conflicts", "-f", "web3.yaml"],
        ["get", "deploy", "web", "-o", "jsonpath={.metadata.managedFields[*].manager}"],
    ]
    c = Cluster()
    ensure_controllers(c)
    with ServerThread(c) as st:
        kc = write_kubeconfig(tmp_path / "kubeconfig", st.url)
        env = dict(os.environ, KUBECONFIG=str(kc), HOME=str(tmp_path))
        for argv in steps:
            r = subprocess.run(
                [KUBECTL or "kubectl", *argv],
                env=env,
                capture_output=True,
                text=True,
                timeout=30,
                cwd=tmp_path,
            )
            outs["real"].append(r.stdout + r.stderr)
        live = st.call(lambda: c.api.get("deployments.apps", "web", "default"))
        real_yaml = subprocess.run(
            [KUBECTL or "kubectl", "get", "deploy", "web", "-o", "yaml", "--show-managed-fields"],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            cwd=tmp_path,
        ).stdout
        k = Kubectl(c, cwd=str(tmp_path))
        builtin_yaml = st.call(
            lambda: k.run(["get", "deploy", "web", "-o", "yaml", "--show-managed-fields"]).stdout
        )
    assert outs["real"][1] == CONFLICT
    assert outs["real"][2] == "deployment.apps/web serverside-applied\n"
    assert outs["real"][3] == "kubectl kubectl-last-applied"
    assert live["spec"]["replicas"] == 3
    assert real_yaml == builtin_yaml
    c2, k2 = _kubectl(tmp_path)
    for argv in steps:
        r = k2.run(argv)
        outs["builtin"].append(r.stdout + r.stderr)
    assert outs["builtin"] == outs["real"]
