"""The built-in kubectl against the real texts: tables, errors, apply's three-way merge, delete, label, patch,
config, api-resources, wait. Expected strings come from FIDELITY.md captures and real kubectl v1.32 output."""

import json

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.kubectl.main import Kubectl


@pytest.fixture
def k(tmp_path):
    return Kubectl(Cluster(), cwd=str(tmp_path))


def write(k, name, text):
    import os

    with open(os.path.join(k.cwd, name), "w") as fh:
        fh.write(text)


POD = """apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: nginx
    image: nginx:1.27
"""


def test_get_nodes_is_the_kubeadm_cluster(k):
    assert k.run(["get", "nodes"]).stdout == (
        "NAME           STATUS   ROLES           AGE    VERSION\n"
        "k8s-master01   Ready    control-plane   2d3h   v1.32.4\n"
        "k8s-node01     Ready    <none>          2d3h   v1.32.4\n"
        "k8s-node02     Ready    <none>          2d3h   v1.32.4\n"
    )


def test_kube_system_has_what_kubeadm_installs(k):
    names = k.run(["get", "pods", "-n", "kube-system", "-o", "name"]).stdout.split()
    for expected in ("pod/etcd-k8s-master01", "pod/kube-apiserver-k8s-master01",
                     "pod/kube-controller-manager-k8s-master01", "pod/kube-scheduler-k8s-master01"):
        assert expected in names
    assert sum(n.startswith("pod/coredns-") for n in names) == 2
    assert sum(n.startswith("pod/kube-proxy-") for n in names) == 3
    flannel = k.run(["get", "ds", "-n", "kube-flannel"]).stdout
    assert flannel.splitlines()[1].split()[:6] == ["kube-flannel-ds", "3", "3", "3", "3", "3"]


def test_empty_lists_print_no_resources_found_on_stderr(k):
    r = k.run(["get", "pods"])
    assert (r.stdout, r.stderr, r.exit_code) == ("", "No resources found in default namespace.\n", 0)
    assert k.run(["get", "deploy", "-n", "kube-public"]).stderr == "No resources found in kube-public namespace.\n"
    assert k.run(["get", "pv"]).stderr == "No resources found\n"
    assert k.run(["get", "jobs", "-A"]).stderr == "No resources found\n"


def test_not_found_and_unknown_type(k):
    r = k.run(["get", "pod", "nosuch"])
    assert (r.stderr, r.exit_code) == ('Error from server (NotFound): pods "nosuch" not found\n', 1)
    r = k.run(["get", "foo"])
    assert r.stderr == 'error: the server doesn\'t have a resource type "foo"\n'


def test_cobra_errors(k):
    r = k.run(["get", "pods", "--replicas=3"])
    assert r.stderr == "Error: unknown flag: --replicas\nSee 'kubectl get --help' for usage.\n"
    r = k.run(["get", "pods", "-x"])
    assert r.stderr == "Error: unknown shorthand flag: 'x' in -x\nSee 'kubectl get --help' for usage.\n"
    r = k.run(["get", "pods", "-n"])
    assert r.stderr == "Error: flag needs an argument: 'n' in -n\nSee 'kubectl get --help' for usage.\n"
    r = k.run(["gett", "pods"])
    assert r.stderr == 'Error: unknown command "gett" for "kubectl"\n\nDid you mean this?\n\tset\n\tget\n\n'
    r = k.run(["run", "nginx", "--image=nginx", "--replicas=3"])
    assert r.stderr == "Error: unknown flag: --replicas\nSee 'kubectl run --help' for usage.\n"


def test_get_without_a_type(k):
    r = k.run(["get"])
    assert r.stderr.startswith('You must specify the type of resource to get. Use "kubectl api-resources"')
    assert r.exit_code == 1


def test_apply_created_unchanged_configured_and_three_way_merge(k):
    write(k, "pod.yaml", POD)
    assert k.run(["apply", "-f", "pod.yaml"]).stdout == "pod/web created\n"
    assert k.run(["apply", "-f", "pod.yaml"]).stdout == "pod/web unchanged\n"
    live = k.cluster.api.get("pods", "web", "default")
    applied = json.loads(live["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"])
    assert applied["metadata"] == {"annotations": {}, "labels": {"app": "web"}, "name": "web", "namespace": "default"}
    assert k.run(["label", "pod", "web", "team=blue"]).stdout == "pod/web labeled\n"
    write(k, "pod.yaml", POD.replace("    app: web\n", "    app: web\n    tier: fe\n"))
    assert k.run(["apply", "-f", "pod.yaml"]).stdout == "pod/web configured\n"
    labels = k.cluster.api.get("pods", "web", "default")["metadata"]["labels"]
    assert labels == {"app": "web", "team": "blue", "tier": "fe"}
    write(k, "pod.yaml", POD)
    assert k.run(["apply", "-f", "pod.yaml"]).stdout == "pod/web configured\n"
    assert k.cluster.api.get("pods", "web", "default")["metadata"]["labels"] == {"app": "web", "team": "blue"}


def test_apply_rejects_an_invalid_object_with_the_real_message(k):
    write(k, "bad.yaml", POD.replace("    image: nginx:1.27\n", ""))
    r = k.run(["apply", "-f", "bad.yaml"])
    assert r.stderr == 'The Pod "web" is invalid: spec.containers[0].image: Required value\n'
    assert k.cluster.api.peek("pods", "web", "default") is None


def test_apply_into_a_missing_namespace(k):
    write(k, "pod.yaml", POD)
    r = k.run(["apply", "-f", "pod.yaml", "-n", "dev"])
    assert r.stderr == 'Error from server (NotFound): error when creating "pod.yaml": namespaces "dev" not found\n'


def test_removed_api_version_fails_with_a_hint(k):
    write(k, "old.yaml", "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: old\n")
    r = k.run(["apply", "-f", "old.yaml"])
    lines = r.stderr.splitlines()
    assert lines[0] == ('error: resource mapping not found for name: "old" namespace: "" from "old.yaml": no matches '
                        'for kind "Deployment" in version "extensions/v1beta1"')
    assert lines[1] == "ensure CRDs are installed first"
    assert "apps/v1" in lines[2] and lines[2].startswith("hint:")


def test_create_from_file_twice_is_already_exists(k):
    write(k, "pod.yaml", POD)
    assert k.run(["create", "-f", "pod.yaml"]).stdout == "pod/web created\n"
    r = k.run(["create", "-f", "pod.yaml"])
    assert r.stderr == 'Error from server (AlreadyExists): error when creating "pod.yaml": pods "web" already exists\n'


def test_delete_variants(k):
    write(k, "pod.yaml", POD)
    k.run(["apply", "-f", "pod.yaml"])
    assert k.run(["delete", "pod", "web"]).stdout == 'pod "web" deleted\n'
    r = k.run(["delete", "pod", "web"])
    assert r.stderr == 'Error from server (NotFound): pods "web" not found\n'
    assert k.run(["delete", "pod", "web", "--ignore-not-found"]).exit_code == 0
    k.run(["apply", "-f", "pod.yaml"])
    r = k.run(["delete", "pod", "web", "--force", "--grace-period=0"])
    assert r.stderr == ("Warning: Immediate deletion does not wait for confirmation that the running resource has "
                        "been terminated. The resource may continue to run on the cluster indefinitely.\n")
    assert r.stdout == 'pod "web" force deleted\n'
    r = k.run(["delete", "pods"])
    assert r.stderr == "error: resource(s) were provided, but no name was specified\n"
    k.run(["create", "deployment", "web", "--image=nginx"])
    assert k.run(["delete", "deploy/web"]).stdout == 'deployment.apps "web" deleted\n'


def test_label_and_annotate(k):
    write(k, "pod.yaml", POD)
    k.run(["apply", "-f", "pod.yaml"])
    r = k.run(["label", "pod", "web", "app=other"])
    assert r.stderr == "error: 'app' already has a value (web), and --overwrite is false\n"
    assert k.run(["label", "pod", "web", "app=other", "--overwrite"]).stdout == "pod/web labeled\n"
    assert k.run(["label", "pod", "web", "app-"]).stdout == "pod/web unlabeled\n"
    assert k.run(["annotate", "pod", "web", "note=hi"]).stdout == "pod/web annotated\n"
    assert k.cluster.api.get("pods", "web", "default")["metadata"]["annotations"]["note"] == "hi"


def test_patch_types_through_kubectl(k):
    k.run(["create", "configmap", "c", "--from-literal=a=1"])
    assert k.run(["patch", "cm", "c", "-p", '{"data":{"b":"2"}}']).stdout == "configmap/c patched\n"
    assert k.run(["patch", "cm", "c", "--type=json", "-p",
                  '[{"op":"remove","path":"/data/a"}]']).stdout == "configmap/c patched\n"
    assert k.cluster.api.get("configmaps", "c", "default")["data"] == {"b": "2"}


def test_output_formats(k):
    k.run(["create", "configmap", "c", "--from-literal=a=1"])
    y = k.run(["get", "cm", "c", "-o", "yaml"]).stdout
    assert y.startswith("apiVersion: v1\ndata:\n  a: \"1\"\nkind: ConfigMap\nmetadata:\n  creationTimestamp: ")
    lst = k.run(["get", "cm", "-o", "yaml"]).stdout
    assert lst.startswith("apiVersion: v1\nitems:\n- apiVersion: v1\n") and lst.endswith(
        "kind: List\nmetadata:\n  resourceVersion: \"\"\n")
    j = json.loads(k.run(["get", "cm", "c", "-o", "json"]).stdout)
    assert list(j) == ["apiVersion", "data", "kind", "metadata"]
    assert k.run(["get", "cm", "c", "-o", "jsonpath={.data.a}"]).stdout == "1"
    assert k.run(["get", "cm", "-o", "name"]).stdout == "configmap/c\nconfigmap/kube-root-ca.crt\n"
    r = k.run(["get", "cm", "-o", "foo"])
    assert r.stderr.startswith('error: unable to match a printer suitable for the output format "foo"')


def test_several_kinds_get_prefixed_names_and_blank_lines(k):
    out = k.run(["get", "deploy,svc", "-n", "kube-system"]).stdout
    assert out.splitlines()[1].startswith("deployment.apps/coredns")
    assert "\n\nNAME " in out and "service/kube-dns" in out


def test_config_contexts_and_namespace(k):
    assert k.run(["config", "current-context"]).stdout == "kubernetes-admin@kubernetes\n"
    k.run(["create", "ns", "dev"])
    assert k.run(["config", "set-context", "--current", "--namespace=dev"]).stdout == (
        'Context "kubernetes-admin@kubernetes" modified.\n')
    assert k.run(["get", "pods"]).stderr == "No resources found in dev namespace.\n"
    out = k.run(["config", "get-contexts"]).stdout.splitlines()
    assert out[0].split() == ["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"]
    assert out[1].split() == ["*", "kubernetes-admin@kubernetes", "kubernetes", "kubernetes-admin", "dev"]
    r = k.run(["config", "use-context", "nope"])
    assert r.stderr == 'error: no context exists with the name: "nope"\n'


def test_api_resources_and_versions(k):
    lines = k.run(["api-resources"]).stdout.splitlines()
    assert lines[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    assert lines[1].split() == ["bindings", "v1", "true", "Binding"]
    assert any(ln.split() == ["deployments", "deploy", "apps/v1", "true", "Deployment"] for ln in lines)
    versions = k.run(["api-versions"]).stdout.splitlines()
    assert "apps/v1" in versions and "autoscaling/v2" in versions and versions[-1] == "v1"
    assert versions == sorted(versions)


def test_version_and_cluster_info(k):
    assert k.run(["version"]).stdout == ("Client Version: v1.32.4\nKustomize Version: v5.5.0\n"
                                         "Server Version: v1.32.4\n")
    info = k.run(["cluster-info"]).stdout
    assert info.startswith("Kubernetes control plane is running at https://192.168.66.10:6443\n")
    assert "CoreDNS is running at https://192.168.66.10:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy" in info


def test_wait_for_delete_advances_virtual_time(k):
    k.run(["create", "configmap", "c"])
    r = k.run(["wait", "--for=delete", "cm/c", "--timeout=5s"])
    assert r.stderr == "error: timed out waiting for the condition on configmaps/c\n"
    k.run(["delete", "cm", "c"])
    r = k.run(["wait", "--for=jsonpath={.status.phase}=Active", "ns/default"])
    assert r.stdout == "namespace/default condition met\n"


def test_describe_smoke(k):
    write(k, "pod.yaml", POD)
    k.run(["apply", "-f", "pod.yaml"])
    out = k.run(["describe", "pod", "web"]).stdout
    assert out.startswith("Name:             web\nNamespace:        default\nPriority:         0\n")
    assert "Node:             <none>\n" in out
    assert k.run(["describe", "pod", "we"]).stdout == out  # name-prefix match, like kubectl


def test_explain_errors(k):
    r = k.run(["explain", "foo"])
    assert r.exit_code == 1 and 'the server doesn\'t have a resource type "foo"' in r.stderr


def test_get_watch_streams_changes_while_virtual_time_runs(k):
    k.run(["create", "configmap", "w"])
    c = k.cluster
    c.clock.call_after(5, lambda: c.api.create({"apiVersion": "v1", "kind": "ConfigMap",
                                               "metadata": {"name": "later", "namespace": "default"}}))
    r = k.run(["get", "cm", "-w", "--request-timeout=10s"])
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["NAME", "DATA", "AGE"]
    assert [ln.split()[0] for ln in lines[1:]] == ["kube-root-ca.crt", "w", "later"]
    assert lines[3].split() == ["later", "0", "0s"]


def test_edit_through_the_editor_hook(k):
    k.run(["create", "configmap", "e", "--from-literal=a=1"])
    k.editor = lambda text: text.replace('a: "1"', 'a: "2"')
    assert k.run(["edit", "cm", "e"]).stdout == "configmap/e edited\n"
    assert k.cluster.api.get("configmaps", "e", "default")["data"] == {"a": "2"}
    k.editor = lambda text: text
    assert k.run(["edit", "cm", "e"]).stdout == "Edit cancelled, no changes made.\n"


def test_edit_without_an_editor_explains_what_to_do(k):
    k.run(["create", "configmap", "e"])
    r = k.run(["edit", "cm", "e"])
    assert r.exit_code == 1 and "$EDITOR" in r.stderr


def test_get_watch_honours_the_label_selector(k):
    c = k.cluster
    for name, app in (("a", "zzz"), ("b", "other")):
        c.clock.call_after(3, lambda n=name, a=app: c.api.create(
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": n, "namespace": "default",
                                                                 "labels": {"app": a}}}))
    r = k.run(["get", "cm", "-l", "app=zzz", "-w", "--request-timeout=5s"])
    assert [ln.split()[0] for ln in r.stdout.splitlines()] == ["NAME", "a"]


def test_config_credentials_contexts_and_raw_view(k):
    assert k.run(["config", "set-credentials", "bob", "--token=abc"]).stdout == 'User "bob" set.\n'
    assert k.run(["config", "set-cluster", "lab", "--server=https://192.168.66.10:6443"]).stdout == (
        'Cluster "lab" set.\n')
    assert k.run(["config", "set", "contexts.bob.namespace", "dev"]).stdout == 'Property "contexts.bob.namespace" set.\n'
    view = k.run(["config", "view"]).stdout
    assert "token: REDACTED" in view and "client-certificate-data: DATA+OMITTED" in view
    assert "token: abc" in k.run(["config", "view", "--raw"]).stdout
    r = k.run(["get", "pods", "--context=nope"])
    assert r.stderr == "error: context was not found for specified context: nope\n"
