"""CoreDNS records, busybox nslookup output, pod resolv.conf, and lookups failing without CoreDNS."""

from __future__ import annotations

from test_network_helpers import cluster_ws, sh

from k8stutor.engine.network.dns import query, resolv_conf

HEAD = "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"


def _bb(ws, c):
    sh(ws, "kubectl run bb --image=busybox:1.36 -- sleep 36000")
    c.advance(30)


def test_nslookup_service_fqdn_in_busybox_format():
    c, ws = cluster_ws()
    _bb(ws, c)
    out, _, code = sh(ws, "kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local")
    assert code == 0
    assert out == HEAD + "\nName:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n"
    out, _, code = sh(ws, "kubectl exec bb -- nslookup 10.96.0.10")
    assert out == HEAD + "10.0.96.10.in-addr.arpa\tname = kube-dns.kube-system.svc.cluster.local\n\n"


def test_resolv_conf_and_dns_policies():
    c, ws = cluster_ws()
    _bb(ws, c)
    out, _, _ = sh(ws, "kubectl exec bb -- cat /etc/resolv.conf")
    assert (
        out == "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\n"
        "options ndots:5\n"
    )
    pod = {
        "metadata": {"name": "x", "namespace": "shop"},
        "spec": {
            "dnsPolicy": "None",
            "dnsConfig": {
                "nameservers": ["1.1.1.1"],
                "searches": ["a.b"],
                "options": [{"name": "ndots", "value": "2"}],
            },
        },
    }
    assert resolv_conf(pod).text() == "search a.b\nnameserver 1.1.1.1\noptions ndots:2\n"


def test_headless_and_statefulset_pod_names_and_srv():
    c, ws = cluster_ws()
    manifest = """apiVersion: v1
kind: Service
metadata: {name: nginx}
spec:
  clusterIP: None
  selector: {app: nginx}
  ports: [{name: web, port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: nginx
  replicas: 2
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers: [{name: nginx, image: "nginx:1.27", ports: [{containerPort: 80, name: web}]}]
"""
    _, err, code = sh(ws, f"kubectl apply -f - <<'EOF'\n{manifest}EOF")
    assert code == 0, err
    c.advance(120)
    ips = {
        p["metadata"]["name"]: p["status"]["podIP"]
        for p in c.api.list_objects("pods", "default")
        if p["metadata"]["name"].startswith("web-")
    }
    assert set(ips) == {"web-0", "web-1"}
    assert query(c, "web-0.nginx.default.svc.cluster.local").addresses() == [ips["web-0"]]
    assert sorted(query(c, "nginx.default.svc.cluster.local").addresses()) == sorted(ips.values())
    srv = query(c, "_web._tcp.nginx.default.svc.cluster.local", "SRV").records
    assert sorted(r[2] for r in srv) == [
        "0 50 80 web-0.nginx.default.svc.cluster.local",
        "0 50 80 web-1.nginx.default.svc.cluster.local",
    ]
    _bb(ws, c)
    out, _, code = sh(ws, "kubectl exec bb -- nslookup web-1.nginx.default.svc.cluster.local")
    assert code == 0 and f"Name:\tweb-1.nginx.default.svc.cluster.local\nAddress: {ips['web-1']}\n" in out


def test_externalname_cname_and_nxdomain():
    c, ws = cluster_ws()
    sh(ws, "kubectl create service externalname ext --external-name example.com")
    ans = query(c, "ext.default.svc.cluster.local")
    assert ans.records[0] == ("ext.default.svc.cluster.local", "CNAME", "example.com")
    assert ans.addresses() == ["93.184.215.14"]
    assert query(c, "nosuch.default.svc.cluster.local").rcode == "NXDOMAIN"


def test_scaling_coredns_to_zero_breaks_lookups():
    c, ws = cluster_ws()
    _bb(ws, c)
    _, err, code = sh(ws, "kubectl scale deployment coredns -n kube-system --replicas=0")
    assert code == 0, err
    c.advance(60)
    out, _, code = sh(ws, "kubectl exec bb -- nslookup kubernetes.default.svc.cluster.local")
    assert code == 1 and out == ";; connection timed out; no servers could be reached\n\n"
    _, err, _ = sh(ws, "kubectl exec bb -- wget -qO- http://kubernetes/")
    assert err.startswith("wget: bad address 'kubernetes'")
