"""Network fidelity fixes: Ingress ADDRESS from --publish-service, curl -m timeouts, nslookup search list."""

from __future__ import annotations

from test_network_helpers import cluster_ws, sh

from k8stutor.engine.network.ingress import controller_manifest, status_address_from_service

ING = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  ingressClassName: nginx
  rules:
  - host: web.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
"""


def _controller(c, svc_type: str) -> None:
    """The chart's controller: --publish-service=$(POD_NAMESPACE)/ingress-nginx-controller."""
    for obj in controller_manifest():
        if obj["kind"] == "Deployment":
            args = obj["spec"]["template"]["spec"]["containers"][0]["args"]
            args.append("--publish-service=$(POD_NAMESPACE)/ingress-nginx-controller")
        if obj["kind"] == "Service":
            obj["spec"]["type"] = svc_type
        c.api.create(obj)


def _address(ws) -> str:
    out, err, code = sh(ws, "kubectl get ingress web")
    assert code == 0, err
    return out.splitlines()[1].split()[3]


def test_publish_service_loadbalancer_ip_is_the_ingress_address():
    c, ws = cluster_ws()
    _controller(c, "LoadBalancer")
    c.advance(90)
    svc = c.api.peek("services", "ingress-nginx-controller", "ingress-nginx")
    lb_ip = svc["status"]["loadBalancer"]["ingress"][0]["ip"]
    assert lb_ip == "192.168.66.240"
    assert sh(ws, f"kubectl apply -f - <<'EOF'\n{ING}EOF")[2] == 0
    # The status sync runs every 60 s (status.UpdateInterval): not at once.
    c.advance(1)
    out, _, _ = sh(ws, "kubectl get ingress web")
    assert out.splitlines()[1].split()[3] == "80"  # ADDRESS column empty
    c.advance(60)
    assert _address(ws) == lb_ip
    node_ips = {p["status"]["hostIP"] for p in c.api.list_objects("pods", "ingress-nginx")}
    assert lb_ip not in node_ips


def test_publish_service_nodeport_publishes_the_cluster_ip():
    c, ws = cluster_ws()
    _controller(c, "NodePort")
    assert sh(ws, f"kubectl apply -f - <<'EOF'\n{ING}EOF")[2] == 0
    c.advance(120)
    svc = c.api.peek("services", "ingress-nginx-controller", "ingress-nginx")
    assert _address(ws) == svc["spec"]["clusterIP"]


def test_status_address_from_service_follows_ingress_nginx():
    np = {"spec": {"type": "NodePort", "clusterIP": "10.96.0.7", "externalIPs": ["1.2.3.4"]}}
    assert status_address_from_service(np) == [{"ip": "1.2.3.4"}]
    lb = {
        "spec": {"type": "LoadBalancer", "clusterIP": "10.96.0.7", "externalIPs": ["5.6.7.8"]},
        "status": {"loadBalancer": {"ingress": [{"ip": "192.168.66.240"}, {"hostname": "lb.example"}]}},
    }
    assert status_address_from_service(lb) == [
        {"ip": "192.168.66.240"},
        {"hostname": "lb.example"},
        {"ip": "5.6.7.8"},
    ]
    assert status_address_from_service({"spec": {"type": "ExternalName", "externalName": "x.io"}}) == [
        {"hostname": "x.io"}
    ]
    pending = {"spec": {"type": "LoadBalancer", "clusterIP": "10.96.0.7"}, "status": {}}
    assert status_address_from_service(pending) == []


def test_curl_max_time_to_an_unreachable_address():
    c, ws = cluster_ws()
    # Nothing answers on 10.99.99.99: the SYN goes unanswered until curl's own deadline (lib/multi.c).
    out, err, code = sh(ws, "curl -m 5 http://10.99.99.99/")
    assert (out, err, code) == ("", "curl: (28) Connection timed out after 5001 milliseconds\n", 28)
    _, err, code = sh(ws, "curl --connect-timeout 2 -m 10 http://10.99.99.99/")
    assert (err, code) == ("curl: (28) Connection timed out after 2001 milliseconds\n", 28)
    assert sh(ws, "curl -s -m 3 http://10.99.99.99/") == ("", "", 28)
    sh(ws, "kubectl run cli --image=curlimages/curl --restart=Never -- sleep 3600")
    c.advance(30)
    _, err, code = sh(ws, "kubectl exec cli -- curl -m 3 http://10.99.99.99/")
    assert "curl: (28) Connection timed out after 3001 milliseconds\n" in err and code != 0


HEADLESS = """apiVersion: v1
kind: Service
metadata: {name: nginx}
spec:
  clusterIP: None
  selector: {app: nginx}
  ports: [{port: 80, name: web}]
---
apiVersion: v1
kind: Pod
metadata: {name: web-0, labels: {app: nginx}}
spec:
  hostname: web-0
  subdomain: nginx
  containers: [{name: nginx, image: nginx:1.27}]
"""


def test_nslookup_search_list_busybox_136_and_128():
    c, ws = cluster_ws()
    assert sh(ws, f"kubectl apply -f - <<'EOF'\n{HEADLESS}EOF")[2] == 0
    sh(ws, "kubectl run bb136 --image=busybox:1.36 --restart=Never -- sleep 3600")
    sh(ws, "kubectl run bb128 --image=busybox:1.28 --restart=Never -- sleep 3600")
    c.advance(60)
    ip = c.api.peek("pods", "web-0", "default")["status"]["podIP"]
    # busybox 1.36 add_query_with_search: a name with a dot is queried as-is (A and AAAA), no search list.
    out, _, code = sh(ws, "kubectl exec bb136 -- nslookup web-0.nginx")
    assert code == 1
    assert out == (
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
        + "** server can't find web-0.nginx: NXDOMAIN\n\n" * 2
    )
    # busybox 1.28 (the StatefulSet docs' image) resolves through the libc resolver: search list + ndots:5.
    out, err, code = sh(ws, "kubectl exec bb128 -- nslookup web-0.nginx")
    assert (err, code) == ("", 0)
    assert out == (
        "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n"
        f"Name:      web-0.nginx\nAddress 1: {ip} web-0.nginx.default.svc.cluster.local\n"
    )
    out, err, code = sh(ws, "kubectl exec bb128 -- nslookup nosuch")
    assert out.startswith("Server:    10.96.0.10\n") and "nslookup: can't resolve 'nosuch'\n" in err
    assert code == 1
