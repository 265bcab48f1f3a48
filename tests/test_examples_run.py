"""The kubernetes.io example manifests run as on a real cluster: every image they name is in the image
catalogue (no pod stuck in ErrImagePull/ImagePullBackOff), and the probe examples restart the way the
"Configure Liveness, Readiness and Startup Probes" page shows."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.runtime.containers import go_float
from k8stutor.engine.runtime.images import default_catalogue, parse_image
from k8stutor.engine.timeutil import parse_rfc3339
from k8stutor.kubectl.main import Kubectl
from k8stutor.kubectl.urls import EXAMPLES_DIR

EXAMPLES = sorted(str(p.relative_to(EXAMPLES_DIR)) for p in EXAMPLES_DIR.rglob("*.yaml"))
# Not manifests to apply as they are (their images are still checked).
TEMPLATES = {
    "application/job/job-tmpl.yaml": "a template: the docs expand $ITEM with sed before applying it",
}
PULL_FAILURES = {"ErrImagePull", "ImagePullBackOff", "InvalidImageName"}
# Examples whose pods cannot start in a fresh cluster without other setup (their images are still checked).
NEEDS_SETUP = {
    "pods/storage/pv-pod.yaml": "mounts the PVC of pv-claim.yaml, bound to the hostPath PV of pv-volume.yaml",
    "application/web/web.yaml": "its volumeClaimTemplates need a default StorageClass or PVs",
    "application/web/web-parallel.yaml": "its volumeClaimTemplates need a default StorageClass or PVs",
    "pods/pod-nginx.yaml": "its nodeSelector disktype=ssd needs the node label the docs add first",
}


def _images(doc: Any) -> list[str]:
    """Every ``image:`` value in a manifest."""
    out: list[str] = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            if k == "image" and isinstance(v, str):
                out.append(v)
            else:
                out.extend(_images(v))
    elif isinstance(doc, list):
        for v in doc:
            out.extend(_images(v))
    return out


def _pods(c: Cluster, before: set[str]) -> list[dict[str, Any]]:
    """The pods created since ``before`` (the uids of the bootstrap pods)."""
    return [p for p in c.api.list_objects("pods") if p["metadata"]["uid"] not in before]


@pytest.mark.parametrize("rel", EXAMPLES)
def test_example_images_are_in_the_catalogue_and_pull(rel: str) -> None:
    docs = [d for d in yaml.safe_load_all((EXAMPLES_DIR / rel).read_text()) if d]
    cat = default_catalogue()
    for image in _images(docs):
        assert cat.lookup(parse_image(image)) is not None, f"{rel}: {image} is not in the image catalogue"
    if rel in TEMPLATES:
        pytest.skip(TEMPLATES[rel])
    c = Cluster()
    k = Kubectl(c)
    before = {p["metadata"]["uid"] for p in c.api.list_objects("pods")}
    r = k.run(["apply", "-f", f"https://k8s.io/examples/{rel}"])
    assert r.exit_code == 0, r.stderr
    c.advance(30)
    pods = _pods(c, before)
    for pod in pods:
        for st in (pod.get("status") or {}).get("initContainerStatuses", []) + (pod.get("status") or {}).get(
            "containerStatuses", []
        ):
            waiting = (st.get("state") or {}).get("waiting") or {}
            assert waiting.get("reason") not in PULL_FAILURES, (rel, pod["metadata"]["name"], waiting)
    if rel in NEEDS_SETUP:
        pytest.skip(NEEDS_SETUP[rel])
    pulled = [p for p in pods if (p.get("status") or {}).get("containerStatuses")]
    if any(
        d.get("kind")
        in ("Pod", "Deployment", "ReplicaSet", "ReplicationController", "DaemonSet", "StatefulSet", "Job")
        for d in docs
    ):
        assert pulled, f"{rel}: no pod got as far as its containers"


def _events(c: Cluster, pod: str) -> list[dict[str, Any]]:
    return [
        e
        for e in c.api.list_objects("events", "default")
        if (e.get("involvedObject") or {}).get("name") == pod
    ]


def _container(c: Cluster, pod: str) -> dict[str, Any]:
    p = c.api.get("pods", pod, "default")
    return ((p.get("status") or {}).get("containerStatuses") or [{}])[0]


def test_http_liveness_restarts_after_ten_seconds_with_the_real_event() -> None:
    c = Cluster()
    k = Kubectl(c)
    r = k.run(["apply", "-f", "https://k8s.io/examples/pods/probe/http-liveness.yaml"])
    assert r.stdout == "pod/liveness-http created\n"
    started = None
    for _ in range(60):
        c.advance(1)
        st = _container(c, "liveness-http")
        if started is None and "running" in (st.get("state") or {}):
            started = parse_rfc3339(st["state"]["running"]["startedAt"])
        if st.get("restartCount"):
            break
    assert started is not None and st.get("restartCount") == 1
    # /healthz answers 200 while the server has run for at most 10 s; probes every 3 s from 3 s; three
    # failures (12, 15, 18 s) and the kubelet kills it.
    killed = [e for e in _events(c, "liveness-http") if e["reason"] == "Killing"]
    assert killed and killed[0]["message"] == "Container liveness failed liveness probe, will be restarted"
    assert 10 <= parse_rfc3339(killed[0]["lastTimestamp"]) - started <= 20
    unhealthy = [e for e in _events(c, "liveness-http") if e["reason"] == "Unhealthy"]
    assert unhealthy and unhealthy[0]["type"] == "Warning"
    assert unhealthy[0]["message"] == "Liveness probe failed: HTTP probe failed with statuscode: 500"
    out = k.run(["describe", "pod", "liveness-http"]).stdout
    assert "Liveness probe failed: HTTP probe failed with statuscode: 500" in out
    assert "http-get http://:8080/healthz delay=3s timeout=1s period=3s #success=1 #failure=3" in out


def test_agnhost_liveness_answers_like_its_source() -> None:
    c = Cluster()
    Kubectl(c).run(["apply", "-f", "https://k8s.io/examples/pods/probe/http-liveness.yaml"])
    c.advance(6)
    from k8stutor.engine.runtime.containers import http_answer

    node = c.api.get("pods", "liveness-http", "default")["spec"]["nodeName"]
    kubelet = c.kubelets.kubelets[node]
    ctr = kubelet.workers[("default", "liveness-http")].all_states()[0].current
    assert ctr is not None
    now = c.clock.now()
    assert ctr.started is not None
    assert http_answer(ctr, 8080, "/healthz", ctr.started + 5) == (200, "ok")
    assert http_answer(ctr, 8080, "/healthz", ctr.started + 12.5) == (500, "error: 12.5")
    assert http_answer(ctr, 8080, "/nope", now) == (404, "404 page not found\n")
    assert http_answer(ctr, 8081, "/", now) is None  # netexec's port: not served by `liveness`


def test_go_float_prints_like_go() -> None:
    assert go_float(12.0) == "12"
    assert go_float(10.000123456) == "10.000123456"


def test_exec_liveness_restarts_as_the_docs_show() -> None:
    c = Cluster()
    k = Kubectl(c)
    k.run(["apply", "-f", "https://k8s.io/examples/pods/probe/exec-liveness.yaml"])
    started = None
    for _ in range(30):
        c.advance(1)
        st = _container(c, "liveness-exec")
        if "running" in (st.get("state") or {}):
            started = parse_rfc3339(st["state"]["running"]["startedAt"])
            break
    assert started is not None
    c.advance(started + 30 - c.clock.now())
    assert not [e for e in _events(c, "liveness-exec") if e["reason"] == "Unhealthy"]
    assert _container(c, "liveness-exec").get("restartCount") == 0
    # /tmp/healthy goes at 30 s; probes every 5 s fail from 35 s and the third failure (45 s) kills it.
    c.advance(started + 46 - c.clock.now())
    unhealthy = [e for e in _events(c, "liveness-exec") if e["reason"] == "Unhealthy"]
    assert unhealthy[0]["message"] == (
        "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n"
    )
    assert unhealthy[0]["count"] == 3
    killed = [e for e in _events(c, "liveness-exec") if e["reason"] == "Killing"]
    assert killed[0]["message"] == "Container liveness failed liveness probe, will be restarted"
    # `sh -c` is PID 1 and ignores SIGTERM: the container goes at the end of the 30 s grace period.
    c.advance(started + 80 - c.clock.now())
    assert _container(c, "liveness-exec").get("restartCount") == 1
    assert "1 (" in k.run(["get", "pod", "liveness-exec"]).stdout.splitlines()[1]


def test_hello_app_and_dnsutils_answer() -> None:
    c = Cluster()
    k = Kubectl(c)
    k.run(["apply", "-f", "https://k8s.io/examples/pods/inject/envars.yaml"])
    k.run(["apply", "-f", "https://k8s.io/examples/admin/dns/dnsutils.yaml"])
    c.advance(40)
    log = k.run(["logs", "envar-demo"]).stdout
    assert log.endswith(" Server listening on port 8080\n") and log[4] == "/"
    r = k.run(["exec", "dnsutils", "--", "nslookup", "kubernetes.default"])
    assert r.stdout == (
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n"
        "Name:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n"
    )
    r = k.run(["exec", "dnsutils", "--", "nslookup", "nosuchservice"])
    assert r.exit_code == 1
    assert r.stdout.endswith("** server can't find nosuchservice: NXDOMAIN\n\n")


PROBED_NGINX = """
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: nginx
    image: nginx:1.27.3
    readinessProbe:
      httpGet:
        path: /
        port: 80
      periodSeconds: 10
"""


def test_http_probes_write_nginx_access_log_lines_from_the_node_cni0_address() -> None:
    c = Cluster()
    k = Kubectl(c)
    assert k.run(["apply", "-f", "-"], stdin=PROBED_NGINX.encode()).exit_code == 0
    c.advance(40)
    pod = c.api.get("pods", "web", "default")
    node = c.api.get("nodes", pod["spec"]["nodeName"])
    cni0 = node["spec"]["podCIDR"].rsplit(".", 1)[0] + ".1"  # 10.244.N.0/24 -> 10.244.N.1
    lines = [ln for ln in k.run(["logs", "web"]).stdout.splitlines() if "kube-probe" in ln]
    assert len(lines) >= 3
    head, _, tail = lines[0].partition(" [")
    assert head == f"{cni0} - -"
    assert tail.split("] ", 1)[1] == '"GET / HTTP/1.1" 200 615 "-" "kube-probe/1.32" "-"'
