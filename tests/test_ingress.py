"""ingress-nginx as pods: host/path routing, pathType, the default backend 404, ADDRESS in status."""

from __future__ import annotations

from test_network_helpers import cluster_ws, sh

from k8stutor.engine.network.ingress import NOT_FOUND, controller_manifest, match
from k8stutor.engine.network.trace import trace, workstation

ING = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  ingressClassName: nginx
  rules:
  - host: www.shop.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: v1, port: {number: 80}}}}
      - {path: /api, pathType: Prefix, backend: {service: {name: v2, port: {number: 80}}}}
      - {path: /hostname.html, pathType: Exact, backend: {service: {name: v2, port: {number: 80}}}}
"""


def _setup():
    c, ws = cluster_ws()
    for obj in controller_manifest():
        c.api.create(obj)
    for v in ("v1", "v2"):
        sh(ws, f"kubectl create deployment {v} --image=wangyanglinux/myapp:{v}")
        sh(ws, f"kubectl expose deployment {v} --port=80")
    _, err, code = sh(ws, f"kubectl apply -f - <<'EOF'\n{ING}EOF")
    assert code == 0, err
    c.advance(90)
    return c, ws


def test_host_and_path_routing_through_the_nodeport():
    c, ws = _setup()
    base = "curl -s -H 'Host: www.shop.com' http://192.168.66.20:30080"
    assert sh(ws, f"{base}/")[0] == 'Hello MyApp | Version: v1 | <a href="hostname.html">Pod Name</a>\n'
    # No rewrite: v2's nginx gets /api/index.html and answers with its own 404 (not the default backend's page).
    api = sh(ws, f"{base}/api/index.html")[0]
    assert api.startswith("<html>\r\n<head><title>404 Not Found</title></head>") and api != NOT_FOUND
    # Prefix matches whole path elements: /apix is not under /api.
    assert match(c, "www.shop.com", "/apix")[1]["service"]["name"] == "v1"
    assert match(c, "www.shop.com", "/api/x")[1]["service"]["name"] == "v2"
    assert match(c, "other.com", "/") is None
    v2 = {
        p["metadata"]["name"]
        for p in c.api.list_objects("pods", "default")
        if p["metadata"]["name"].startswith("v2-")
    }
    assert sh(ws, f"{base}/hostname.html")[0].strip() in v2  # Exact rule beats the / Prefix rule
    out, _, _ = sh(ws, "curl -s -H 'Host: other.com' http://192.168.66.21:30080/")
    assert out == NOT_FOUND
    out, _, _ = sh(ws, "kubectl get ingress shop")
    row = out.splitlines()[1].split()
    node_ip = c.api.list_objects("pods", "ingress-nginx")[0]["status"]["hostIP"]
    assert row[:5] == ["shop", "nginx", "www.shop.com", node_ip, "80"]


def test_ingress_trace_goes_nodeport_then_upstream():
    c, _ = _setup()
    t = trace(c, workstation(), "192.168.66.20", 30080)
    assert t.ok and t.target is not None and t.target["metadata"]["namespace"] == "ingress-nginx"
