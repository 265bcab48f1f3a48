"""Traffic through the simulated cluster network: Services, kube-proxy modes, NodePorts, readiness, traces."""

from __future__ import annotations

from test_network_helpers import cluster_ws, sh

from k8stutor.engine.network.kubeproxy import proxy_of
from k8stutor.engine.network.trace import pod_endpoint, trace, workstation
from k8stutor.engine.network.traffic import diagnose_service


def _myapp(ws, c, replicas: int = 3) -> None:
    sh(ws, f"kubectl create deployment myapp --image=wangyanglinux/myapp:v1 --replicas={replicas}")
    sh(ws, "kubectl expose deployment myapp --port=80 --type=NodePort")
    sh(ws, "kubectl run bb --image=busybox:1.36 -- sleep 36000")
    c.advance(60)


def _pods(c, prefix: str) -> list[dict]:
    return [p for p in c.api.list_objects("pods", "default") if p["metadata"]["name"].startswith(prefix)]


def _switch_to_ipvs(ws, c) -> None:
    cm = c.api.get("configmaps", "kube-proxy", "kube-system")
    cm["data"]["config.conf"] = cm["data"]["config.conf"].replace('mode: ""', "mode: ipvs")
    c.api.update(cm)
    out, err, code = sh(ws, "kubectl delete pods -n kube-system -l k8s-app=kube-proxy")
    assert code == 0, err
    c.advance(60)


def test_ipvs_round_robin_returns_each_pod_in_turn():
    c, ws = cluster_ws()
    _myapp(ws, c)
    _switch_to_ipvs(ws, c)
    names = sorted(p["metadata"]["name"] for p in _pods(c, "myapp-"))
    got = [sh(ws, "kubectl exec bb -- wget -qO- http://myapp/hostname.html")[0].strip() for _ in range(6)]
    assert sorted(got[:3]) == names  # each pod once per round
    assert got[3:] == got[:3]  # and the same order again
    node = _pods(c, "bb")[0]["spec"]["nodeName"]
    out, _, _ = sh(ws, f"ssh {node} ipvsadm -Ln")
    assert out.startswith(
        "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n"
        "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
    )
    assert (
        "TCP  10.96.0.1:443 rr\n  -> 192.168.66.10:6443           Masq    1      0          0         \n"
        in out
    )
    out, _, _ = sh(ws, f"ssh {node} ip addr show kube-ipvs0")
    assert "kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN" in out
    assert "    inet 10.96.0.10/32 scope global kube-ipvs0\n" in out


def test_iptables_mode_spreads_requests_randomly():
    c, ws = cluster_ws()
    _myapp(ws, c)
    assert proxy_of(c).mode("k8s-node01") == "iptables"
    got = [sh(ws, "kubectl exec bb -- wget -qO- http://myapp/hostname.html")[0].strip() for _ in range(30)]
    counts = {n: got.count(n) for n in set(got)}
    assert len(counts) == 3 and min(counts.values()) >= 3


def test_nodeport_from_workstation_on_every_node_and_no_pod_or_cluster_ip():
    c, ws = cluster_ws()
    _myapp(ws, c)
    np = c.api.peek("services", "myapp", "default")["spec"]["ports"][0]["nodePort"]
    names = {p["metadata"]["name"] for p in _pods(c, "myapp-")}
    for ip in ("192.168.66.10", "192.168.66.20", "192.168.66.21"):
        out, err, code = sh(ws, f"curl -s http://{ip}:{np}/hostname.html")
        assert code == 0 and out.strip() in names, err
    pod_ip = _pods(c, "myapp-")[0]["status"]["podIP"]
    _, err, code = sh(ws, f"curl http://{pod_ip}/")
    assert code == 28 and err.startswith(f"curl: (28) Failed to connect to {pod_ip} port 80 after ")
    cip = c.api.peek("services", "myapp", "default")["spec"]["clusterIP"]
    _, err, code = sh(ws, f"curl {cip}")
    assert code == 28


def test_refused_port_and_egress():
    c, ws = cluster_ws()
    _myapp(ws, c, replicas=1)
    ip = _pods(c, "myapp-")[0]["status"]["podIP"]
    out, _, code = sh(ws, f"kubectl exec bb -- wget -qO- http://{ip}/")
    assert code == 0 and out == 'Hello MyApp | Version: v1 | <a href="hostname.html">Pod Name</a>\n'
    _, err, code = sh(ws, f"kubectl exec bb -- wget -qO- http://{ip}:8080/")
    assert err.startswith(f"wget: can't connect to remote host ({ip}): Connection refused\n") and code == 1
    out, _, code = sh(ws, "kubectl exec bb -- wget -qO- http://example.com/")
    assert code == 0 and "<h1>Example Domain</h1>" in out
    _, err, _ = sh(ws, "kubectl exec bb -- wget -qO- http://nosuch/")
    assert err.startswith("wget: bad address 'nosuch'\n")


def test_readiness_removes_and_restores_the_endpoint():
    c, ws = cluster_ws()
    manifest = """apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  containers:
  - name: web
    image: wangyanglinux/myapp:v1
    readinessProbe:
      httpGet: {path: /ready.html, port: 80}
      periodSeconds: 5
"""
    _, err, code = sh(ws, f"kubectl apply -f - <<'EOF'\n{manifest}EOF")
    assert code == 0, err
    sh(ws, "kubectl expose pod web --port=80")
    c.advance(30)
    out, _, _ = sh(ws, "kubectl get ep web")
    # Only notReadyAddresses: the printer shows an empty ENDPOINTS cell (``<none>`` is for no subsets at all).
    assert out.splitlines()[1].split() == ["web", "30s"]
    assert (
        c.api.peek("endpoints", "web", "default")["subsets"][0]["notReadyAddresses"][0]["targetRef"]["name"]
        == "web"
    )
    assert any("not ready" in r for r in diagnose_service(c, "default", "web"))
    sh(ws, "kubectl exec web -- sh -c 'echo ok > /usr/share/nginx/html/ready.html'")
    c.advance(10)
    ip = c.api.peek("pods", "web", "default")["status"]["podIP"]
    out, _, _ = sh(ws, "kubectl get ep web")
    assert out.splitlines()[1].split()[1] == f"{ip}:80"
    out, _, _ = sh(ws, "kubectl describe svc web")
    assert f"Endpoints:                {ip}:80\n" in out


def test_traces_for_each_kind_of_traffic():
    c, ws = cluster_ws()
    _myapp(ws, c)
    bb = _pods(c, "bb")[0]
    src = pod_endpoint(c, "default", "bb")
    same = [p for p in _pods(c, "myapp-") if p["spec"]["nodeName"] == bb["spec"]["nodeName"]]
    other = [p for p in _pods(c, "myapp-") if p["spec"]["nodeName"] != bb["spec"]["nodeName"]]
    t = trace(c, src, same[0]["status"]["podIP"], 80)
    assert t.ok and [h.action for h in t.hops] == ["send", "bridge", "bridge", "forward", "deliver"]
    t = trace(c, src, other[0]["status"]["podIP"], 80)
    assert t.ok and "encap" in [h.action for h in t.hops] and "decap" in [h.action for h in t.hops]
    encap = next(h for h in t.hops if h.action == "encap")
    assert "UDP dport 8472 VNI 1" in encap.outer
    cip = c.api.peek("services", "myapp", "default")["spec"]["clusterIP"]
    t = trace(c, src, cip, 80)
    dnat = next(h for h in t.hops if h.action == "dnat")
    assert t.ok and dnat.rule.startswith("-A KUBE-SVC-") and "KUBE-SEP-" in dnat.detail
    np = c.api.peek("services", "myapp", "default")["spec"]["ports"][0]["nodePort"]
    t = trace(c, workstation(), "192.168.66.20", np)
    assert t.ok and "snat" in [h.action for h in t.hops]
    t = trace(c, src, "93.184.215.14", 80)
    assert t.ok and t.external == "example.com" and "snat" in [h.action for h in t.hops]
    out, _, code = sh(ws, "sim trace bb svc/myapp")
    assert code == 0 and out.startswith("trace pod default/bb (") and out.endswith("result: delivered\n")


def test_service_without_matching_pods_is_diagnosed_and_rejected():
    c, ws = cluster_ws()
    _myapp(ws, c, replicas=1)
    sh(ws, "kubectl create service clusterip nobody --tcp=80:80")
    c.advance(1)
    assert diagnose_service(c, "default", "nobody") == [
        "selector app=nobody matches no pods in namespace default"
    ]
    _, err, code = sh(ws, "kubectl exec bb -- wget -qO- http://nobody/")
    assert "Connection refused" in err and code == 1
    out, _, code = sh(ws, "sim trace bb svc/nobody")
    assert code == 1 and "has no endpoints" in out and "why: selector app=nobody matches no pods" in out


def test_port_forward_then_curl_localhost():
    c, ws = cluster_ws()
    _myapp(ws, c, replicas=1)
    out, _, code = sh(ws, "kubectl port-forward svc/myapp 8080:80")
    assert code == 0 and out == "Forwarding from 127.0.0.1:8080 -> 80\nForwarding from [::1]:8080 -> 80\n"
    out, _, code = sh(ws, "curl -s localhost:8080/hostname.html")
    assert code == 0 and out.strip() == _pods(c, "myapp-")[0]["metadata"]["name"]
    _, err, code = sh(ws, "curl -s localhost:9999")
    assert code == 7


def test_get_endpointslices_and_labels():
    c, ws = cluster_ws()
    _myapp(ws, c)
    out, _, _ = sh(ws, "kubectl get endpointslices -l kubernetes.io/service-name=myapp")
    header, row = out.splitlines()
    assert header.split() == ["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"]
    assert row.startswith("myapp-") and row.split()[1:3] == ["IPv4", "80"]
    sl = c.api.list_objects(
        "endpointslices.discovery.k8s.io", "default", label_selector="kubernetes.io/service-name=myapp"
    )[0]
    assert (
        sl["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"]
        == "endpointslice-controller.k8s.io"
    )
    assert sl["ports"] == [{"name": "", "port": 80, "protocol": "TCP"}]
    assert all(
        e["conditions"] == {"ready": True, "serving": True, "terminating": False} for e in sl["endpoints"]
    )
