"""Load -> CPU: requests the network delivers to a container cost its image's ``request_cpu_ms``; metrics-server
(and the HPA) see requests/s x cost over the last ``LOAD_WINDOW``, capped at the container's CPU limit."""

from __future__ import annotations

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.runtime.containers import LOAD_WINDOW, Container
from k8stutor.engine.runtime.images import ImageRef, default_catalogue, parse_image
from k8stutor.engine.runtime.metrics import container_usage
from k8stutor.kubectl.main import Kubectl


def _container(image: str) -> Container:
    ref = parse_image(image)
    img = default_catalogue().lookup(ref)
    c = Container("id", "c", "sb", "p", "default", ref, img, 0, 0.0, [], {}, "p")
    c.started = 0.0
    return c


def test_catalogue_declares_per_request_cost() -> None:
    hpa = default_catalogue().lookup(parse_image("registry.k8s.io/hpa-example"))
    nginx = default_catalogue().lookup(parse_image("nginx"))
    assert hpa is not None and nginx is not None
    assert hpa.request_cpu == 0.020 and 0 < nginx.request_cpu < hpa.request_cpu / 100


def test_cpu_is_requests_per_second_times_cost_over_the_window() -> None:
    c = _container("registry.k8s.io/hpa-example")
    assert isinstance(c.ref, ImageRef)
    for i in range(int(100 * 35)):  # 35 requests/s for 100 s
        assert c.record_request(i / 35) == 0.020
    now = 100.0
    assert 695 <= c.load_millicores(now) <= 700  # 35/s x 20 ms (a sample on the window's edge or not)
    # the samples older than the window are gone; no requests for a window -> no load
    assert all(t > now - LOAD_WINDOW for t, _ in c.served)
    assert c.load_millicores(now + LOAD_WINDOW + 1) == 0


def test_nginx_requests_are_cheap() -> None:
    c = _container("nginx:1.27")
    for i in range(1000):
        c.record_request(i / 100)  # 100 requests/s
    assert c.load_millicores(10.0) == 10


SERVER = """apiVersion: v1
kind: Pod
metadata:
  name: server
  labels: {app: server}
spec:
  containers:
  - name: php
    image: registry.k8s.io/hpa-example
    resources:
      limits: {cpu: %s}
---
apiVersion: v1
kind: Service
metadata:
  name: server
spec:
  selector: {app: server}
  ports:
  - port: 80
"""


def _load(limit: str) -> tuple[Cluster, Kubectl]:
    c = Cluster()
    k = Kubectl(c)
    assert k.run(["apply", "-f", "-"], stdin=(SERVER % limit).encode()).exit_code == 0
    c.advance(20)
    k.run(
        [
            "run",
            "client",
            "--image=busybox:1.28",
            "--restart=Never",
            "--",
            "sh",
            "-c",
            "while sleep 0.01; do wget -q -O- http://server; done",
        ]
    )
    c.advance(60)
    return c, k


def _usage(c: Cluster) -> int:
    pod = c.api.peek("pods", "server", "default")
    assert pod is not None
    return container_usage(c, pod)[0][1]


def test_a_wget_loop_drives_the_server_cpu_and_waits_for_each_answer() -> None:
    c, k = _load("1")
    # one client: each request takes the 20 ms the server computes, plus the 10 ms sleep -> ~33 requests/s
    assert 600 <= _usage(c) <= 720
    logs = k.run(["logs", "client"]).stdout
    assert logs.startswith("OK!OK!") and 1800 <= logs.count("OK!") <= 2100
    k.run(["delete", "pod", "client", "--grace-period=0", "--force"])
    c.advance(LOAD_WINDOW + 1)
    assert _usage(c) == 1  # idle again: the image's own 1m


def test_the_cpu_limit_caps_the_usage() -> None:
    c, _ = _load("500m")
    assert _usage(c) == 500


DS = """apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd
spec:
  selector:
    matchLabels: {name: fluentd}
  template:
    metadata:
      labels: {name: fluentd}
    spec:
      containers:
      - name: fluentd
        image: quay.io/fluentd_elasticsearch/fluentd:v2.5.2
"""


def test_daemonset_template_generation_annotation_and_pod_labels() -> None:
    # pkg/registry/apps/daemonset/strategy.go + pkg/apis/apps/v1/conversion.go: templateGeneration is 1 on create
    # and +1 on each template change (not on other spec changes); pods carry it as pod-template-generation.
    c = Cluster()
    k = Kubectl(c)
    k.run(["apply", "-f", "-"], stdin=DS.encode())
    c.advance(30)

    def state() -> tuple[str, set[str]]:
        ds = c.api.peek("daemonsets.apps", "fluentd", "default")
        assert ds is not None
        ann = ds["metadata"]["annotations"]["deprecated.daemonset.template.generation"]
        pods = c.api.list_objects("pods", "default", label_selector="name=fluentd")
        return ann, {p["metadata"]["labels"]["pod-template-generation"] for p in pods}

    assert state() == ("1", {"1"})
    k.run(["patch", "ds", "fluentd", "-p", '{"spec":{"minReadySeconds":5}}'])
    c.advance(5)
    assert state() == ("1", {"1"})
    k.run(["set", "env", "ds/fluentd", "A=b"])
    c.advance(120)
    assert state() == ("2", {"2"})
    logs = k.run(["logs", "ds/fluentd"]).stdout
    assert '[info]: parsing config file is succeeded path="/etc/fluent/fluent.conf"' in logs
