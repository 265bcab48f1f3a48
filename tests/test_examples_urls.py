"""``kubectl -f https://k8s.io/examples/...`` reads the offline mirror of the website's example manifests."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.hosts.workstation import Workstation
from k8stutor.kubectl.main import Kubectl
from k8stutor.kubectl.manifests import iter_documents
from k8stutor.kubectl.urls import EXAMPLES_DIR, URLReadError, examples, mirror_path, read_url

REQUIRED = [
    "application/deployment.yaml",
    "application/deployment-update.yaml",
    "application/deployment-scale.yaml",
    "application/php-apache.yaml",
    "application/nginx-app.yaml",
    "application/web/web.yaml",
    "application/job/cronjob.yaml",
    "controllers/job.yaml",
    "controllers/daemonset.yaml",
    "controllers/nginx-deployment.yaml",
    "controllers/frontend.yaml",
    "controllers/replication.yaml",
    "pods/simple-pod.yaml",
    "pods/init-containers.yaml",
    "pods/probe/exec-liveness.yaml",
    "pods/probe/http-liveness.yaml",
    "pods/probe/tcp-liveness-readiness.yaml",
    "pods/commands.yaml",
    "pods/pod-nginx.yaml",
    "pods/storage/redis.yaml",
    "pods/storage/pv-volume.yaml",
    "pods/storage/pv-claim.yaml",
    "pods/storage/pv-pod.yaml",
    "service/networking/run-my-nginx.yaml",
    "service/networking/nginx-svc.yaml",
    "admin/dns/dnsutils.yaml",
    "admin/dns/busybox.yaml",
    "debug/counter-pod.yaml",
]


def _kubectl() -> tuple[Cluster, Kubectl]:
    c = Cluster()
    return c, Kubectl(c)


def test_mirror_holds_the_tutorial_manifests_and_every_one_parses() -> None:
    have = set(examples())
    assert set(REQUIRED) <= have
    listed = (EXAMPLES_DIR / "INDEX.txt").read_text()
    for rel in have:
        assert f"content/en/examples/{rel}\n" in listed
        docs = [d for _, d in iter_documents((EXAMPLES_DIR / rel).read_bytes(), rel)]
        assert docs and all(d.get("kind") and d.get("apiVersion") for d in docs)


@pytest.mark.parametrize(
    "url",
    [
        "https://k8s.io/examples/pods/simple-pod.yaml",
        "https://kubernetes.io/examples/pods/simple-pod.yaml",
        "https://raw.githubusercontent.com/kubernetes/website/main/content/en/examples/pods/simple-pod.yaml",
    ],
)
def test_the_three_url_forms_name_the_same_file(url: str) -> None:
    assert mirror_path(url) == "pods/simple-pod.yaml"
    assert read_url(url) == (EXAMPLES_DIR / "pods/simple-pod.yaml").read_bytes()


def test_php_apache_walkthrough_beginning() -> None:
    c, k = _kubectl()
    r = k.run(["apply", "-f", "https://k8s.io/examples/application/php-apache.yaml"], b"")
    assert (r.stdout, r.stderr, r.exit_code) == (
        "deployment.apps/php-apache created\nservice/php-apache created\n",
        "",
        0,
    )
    dep = c.api.get("deployments.apps", "php-apache", "default")
    container = dep["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "registry.k8s.io/hpa-example"
    assert container["resources"] == {"limits": {"cpu": "500m"}, "requests": {"cpu": "200m"}}
    svc = c.api.get("services", "php-apache", "default")
    assert svc["spec"]["selector"] == {"app.kubernetes.io/name": "php-apache"}


def test_apply_create_delete_by_url() -> None:
    c, k = _kubectl()
    r = k.run(["create", "-f", "https://kubernetes.io/examples/controllers/nginx-deployment.yaml"], b"")
    assert r.stdout == "deployment.apps/nginx-deployment created\n"
    r = k.run(["apply", "-f", "https://k8s.io/examples/application/deployment-scale.yaml"], b"")
    assert r.stderr.startswith("Warning: resource ") and "/nginx-deployment is missing the " in r.stderr
    assert r.stdout == "deployment.apps/nginx-deployment configured\n"
    assert c.api.get("deployments.apps", "nginx-deployment", "default")["spec"]["replicas"] == 4
    r = k.run(["delete", "-f", "https://k8s.io/examples/application/deployment-scale.yaml"], b"")
    assert r.stdout == 'deployment.apps "nginx-deployment" deleted\n'


def test_flow_style_manifests_apply() -> None:
    c, k = _kubectl()
    r = k.run(["apply", "-f", "https://k8s.io/examples/pods/config/example-redis-config.yaml"], b"")
    assert r.stdout == "configmap/example-redis-config created\n"
    cm = c.api.get("configmaps", "example-redis-config", "default")
    assert cm["data"] == {"redis-config": "maxmemory 2mb\nmaxmemory-policy allkeys-lru\n"}


def test_unknown_example_path_is_a_404() -> None:
    _, k = _kubectl()
    r = k.run(["apply", "-f", "https://k8s.io/examples/nope.yaml"], b"")
    assert r.exit_code == 1
    assert r.stderr == (
        'error: unable to read URL "https://k8s.io/examples/nope.yaml", server reported 404 Not Found, '
        "status code=404\n"
    )
    with pytest.raises(URLReadError):
        read_url("https://kubernetes.io/examples/../../etc/passwd")


def test_other_urls_fail_as_without_internet() -> None:
    _, k = _kubectl()
    r = k.run(["apply", "-f", "https://example.com/app.yaml"], b"")
    assert r.exit_code == 1
    first, hint = r.stderr.splitlines()
    # cli-runtime's URLVisitor returns http.Get's error: Go's resolver names the DNS server it asked
    assert (
        first
        == 'error: Get "https://example.com/app.yaml": dial tcp: lookup example.com on 127.0.0.53:53: no such host'
    )
    assert hint.startswith("hint: ") and "kubernetes.io" in hint


def test_workstation_curl_prints_and_saves_examples() -> None:
    ws = Workstation(Cluster(), host_files=False)
    body = (EXAMPLES_DIR / "application/deployment.yaml").read_bytes()
    r = ws.run("curl -sL https://k8s.io/examples/application/deployment.yaml")
    assert (r.stdout, r.exit_code) == (body, 0)
    r = ws.run(
        "cd /tmp && curl -LO https://k8s.io/examples/application/deployment.yaml && kubectl apply -f deployment.yaml"
    )
    assert r.stdout == b"deployment.apps/nginx-deployment created\n"
    assert ws.run("cat /tmp/deployment.yaml").stdout == body
    r = ws.run("curl -s https://k8s.io/examples/application/deployment.yaml")  # no -L: the redirect page
    assert b"301 Moved Permanently" in r.stdout
    r = ws.run("curl -sf https://kubernetes.io/examples/nope.yaml")
    assert r.exit_code == 22


def _real_parse(path: str) -> list[dict]:
    """The objects real kubectl reads from a file (``label --local`` works offline and adds one label)."""
    out = subprocess.run(
        ["kubectl", "label", "--local", "-f", path, "probe=1", "-o", "json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    items: list[dict] = []
    dec, pos = json.JSONDecoder(), 0
    while out[pos:].strip():  # one JSON document per object, printed one after another
        doc, end = dec.raw_decode(out[pos:].lstrip())
        pos = len(out) - len(out[pos:].lstrip()) + end
        items.append(doc)
    for item in items:
        labels = item["metadata"].pop("labels")
        assert labels.pop("probe") == "1"
        if labels:
            item["metadata"]["labels"] = labels
    return items


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="real kubectl not installed")
def test_every_example_reads_as_real_kubectl_reads_it() -> None:
    for rel in examples():
        ours = [d for _, d in iter_documents((EXAMPLES_DIR / rel).read_bytes(), rel)]
        assert ours == _real_parse(str(EXAMPLES_DIR / rel)), rel
