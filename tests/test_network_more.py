"""kube-proxy's IPVS-mode iptables side and ipsets, ``externalTrafficPolicy: Local``, curl and TLS, busybox 1.28 with
CoreDNS down, ingress-nginx ``Sync`` events, ``ip link`` and ``sim trace --host``.

Facts: pkg/proxy/ipvs/proxier.go (``iptablesJumpChain``, ``writeIptablesRules``, ``acceptIPVSTraffic``) and ipset.go
(set names and comments); pkg/proxy/iptables/proxier.go (KUBE-EXT rules for Local policy, ``has no local endpoints``
DROP in KUBE-EXTERNAL-SERVICES); curl's ``(60) SSL certificate problem`` and ``%{http_code}`` ``000`` on failure;
the Kubernetes "Debugging DNS Resolution" page (busybox nslookup when the DNS server does not answer); iproute2
(``ip link`` prints ``mode DEFAULT``, ``ip addr`` does not).
"""

from __future__ import annotations

from test_network_helpers import cluster_ws, sh

from k8stutor.engine.network.kubeproxy import IPSET_COMMENTS, ipsets, iptables_save, proxy_of


def _ipvs(c, ws) -> None:
    """Switch kube-proxy to IPVS the way the docs do: edit the ConfigMap, restart the kube-proxy pods."""
    _, err, code = sh(
        ws,
        'kubectl get cm kube-proxy -n kube-system -o yaml | sed \'s/mode: ""/mode: "ipvs"/\' | kubectl replace -f -',
    )
    assert code == 0, err
    sh(ws, "kubectl delete pod -n kube-system -l k8s-app=kube-proxy")
    c.advance(10)
    assert all(proxy_of(c).mode(n) == "ipvs" for n in ("k8s-master01", "k8s-node01", "k8s-node02"))


def _web(c, ws, replicas: int = 1, local: bool = False) -> int:
    sh(ws, f"kubectl create deployment web --image=nginx:1.27 --replicas={replicas}")
    sh(ws, "kubectl expose deployment web --port=80 --type=NodePort")
    if local:
        sh(ws, """kubectl patch svc web -p '{"spec":{"externalTrafficPolicy":"Local"}}'""")
    c.advance(30)
    return int(c.api.peek("services", "web", "default")["spec"]["ports"][0]["nodePort"])


def test_ipvs_filter_table_prepends_kube_proxy_jumps() -> None:
    c, ws = cluster_ws()
    _ipvs(c, ws)
    out = iptables_save(c, "k8s-node01", "filter", "x")
    lines = out.splitlines()
    # EnsureRule(Prepend) in iptablesJumpChain order: the last one inserted is first in INPUT
    assert [ln for ln in lines if ln.startswith("-A INPUT")] == [
        '-A INPUT -m comment --comment "kubernetes ipvs access filter" -j KUBE-IPVS-FILTER',
        '-A INPUT -m comment --comment "kube-proxy firewall rules" -j KUBE-PROXY-FIREWALL',
        '-A INPUT -m comment --comment "kubernetes health check rules" -j KUBE-NODE-PORT',
        "-A INPUT -j KUBE-FIREWALL",
    ]
    assert "-A KUBE-SOURCE-RANGES-FIREWALL -j DROP" in lines
    assert lines[lines.index(":KUBE-IPVS-FILTER - [0:0]") - 1] == ":KUBE-FORWARD - [0:0]"
    assert (
        "-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT "
        "--reject-with icmp-port-unreachable"
    ) in lines
    assert "has no endpoints" not in out and "KUBE-EXTERNAL-SERVICES" not in out


def test_ipsets_and_nodeport_local_return_before_masquerade() -> None:
    c, ws = cluster_ws()
    np = _web(c, ws, local=True)
    _ipvs(c, ws)
    sets = ipsets(proxy_of(c), "k8s-node01")
    assert "10.96.0.10,udp:53" in sets["KUBE-CLUSTER-IP"] and "10.96.0.1,tcp:443" in sets["KUBE-CLUSTER-IP"]
    assert sets["KUBE-NODE-PORT-TCP"] == [str(np)] and sets["KUBE-NODE-PORT-LOCAL-TCP"] == [str(np)]
    assert "10.96.0.10" in sets["KUBE-IPVS-IPS"]
    # the hairpin set holds only this node's endpoints (ep.IsLocal())
    pod_node = c.api.list_objects("pods", "default")[0]["spec"]["nodeName"]
    other = "k8s-node01" if pod_node == "k8s-node02" else "k8s-node02"
    assert (
        ipsets(proxy_of(c), pod_node)["KUBE-LOOP-BACK"] and not ipsets(proxy_of(c), other)["KUBE-LOOP-BACK"]
    )
    nat = iptables_save(c, "k8s-node01", "nat", "x").splitlines()
    node_port = [ln for ln in nat if ln.startswith("-A KUBE-NODE-PORT ")]
    assert node_port == [
        f'-A KUBE-NODE-PORT -p tcp -m comment --comment "{IPSET_COMMENTS["KUBE-NODE-PORT-LOCAL-TCP"]}" -m set '
        "--match-set KUBE-NODE-PORT-LOCAL-TCP dst -j RETURN",
        f'-A KUBE-NODE-PORT -p tcp -m comment --comment "{IPSET_COMMENTS["KUBE-NODE-PORT-TCP"]}" -m set '
        "--match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ",
    ]


def test_ipvs_load_balancer_set_rules() -> None:
    c, ws = cluster_ws()
    sh(ws, "kubectl create deployment web --image=nginx:1.27")
    sh(ws, "kubectl expose deployment web --port=80 --type=LoadBalancer")
    c.advance(30)
    lb = c.api.peek("services", "web", "default")["status"]["loadBalancer"]["ingress"][0]["ip"]
    _ipvs(c, ws)
    assert ipsets(proxy_of(c), "k8s-node02")["KUBE-LOAD-BALANCER"] == [f"{lb},tcp:80"]
    svc = [
        ln
        for ln in iptables_save(c, "k8s-node02", "nat", "x").splitlines()
        if ln.startswith("-A KUBE-SERVICES")
    ]
    assert svc[1] == (
        '-A KUBE-SERVICES -m comment --comment "Kubernetes service lb portal" -m set --match-set KUBE-LOAD-BALANCER '
        "dst,dst -j KUBE-LOAD-BALANCER"
    )
    assert svc[-2:] == [
        "-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT",
        "-A KUBE-SERVICES -m set --match-set KUBE-LOAD-BALANCER dst,dst -j ACCEPT",
    ]
    assert f"TCP  {lb}:80 rr\n" in sh(ws, "ssh k8s-node02 ipvsadm -Ln")[0]


def test_ipvs_round_robin_is_per_virtual_server() -> None:
    c, ws = cluster_ws()
    np = _web(c, ws, replicas=2)
    _ipvs(c, ws)
    cluster_ip = c.api.peek("services", "web", "default")["spec"]["clusterIP"]
    kp = proxy_of(c)
    sp = kp.table.lookup(cluster_ip, 80)
    assert sp is not None
    first = kp.choose("k8s-node01", sp, "10.244.1.9", vs=f"{cluster_ip}:80")
    # a connection to the NodePort virtual server starts at its own first real server
    assert kp.choose("k8s-node01", sp, "192.168.66.1", vs=f"192.168.66.20:{np}") == first
    assert kp.choose("k8s-node01", sp, "10.244.1.9", vs=f"{cluster_ip}:80") != first


def test_local_policy_without_local_endpoints_drops() -> None:
    c, ws = cluster_ws()
    np = _web(c, ws, local=True)
    node = c.api.list_objects("pods", "default")[0]["spec"]["nodeName"]
    other = "k8s-node01" if node == "k8s-node02" else "k8s-node02"
    ip = {"k8s-node01": "192.168.66.20", "k8s-node02": "192.168.66.21"}
    out, err, code = sh(ws, f"curl -m 2 http://{ip[other]}:{np}/")
    assert (out, code) == ("", 28) and err == "curl: (28) Connection timed out after 2001 milliseconds\n"
    assert sh(ws, f"curl -s -o /dev/null -w '%{{http_code}}' http://{ip[node]}:{np}/")[0] == "200"
    flt = iptables_save(c, other, "filter", "x")
    assert (
        '-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "default/web has no local endpoints" -m addrtype '
        f"--dst-type LOCAL -m tcp --dport {np} -j DROP\n"
    ) in flt
    assert "no local endpoints" not in iptables_save(c, node, "filter", "x")
    ext = [ln for ln in iptables_save(c, other, "nat", "x").splitlines() if ln.startswith("-A KUBE-EXT-")]
    assert len(ext) == 3 and all("KUBE-SVL-" not in ln for ln in ext)
    # a pod still reaches the Service through its ClusterIP from any node (Local only affects external traffic)
    sh(
        ws,
        f"""kubectl run c --image=busybox:1.36 --overrides='{{"spec":{{"nodeName":"{other}"}}}}' -- sleep 3600""",
    )
    c.advance(10)
    assert "Welcome to nginx!" in sh(ws, "kubectl exec c -- wget -qO- http://web/")[0]


def test_curl_https_needs_k_and_write_out_on_failure() -> None:
    c, ws = cluster_ws()
    out, err, code = sh(ws, "curl https://192.168.66.10:6443/version")
    assert (
        code == 60
        and out == ""
        and err.startswith("curl: (60) SSL certificate problem: self-signed certificate\n")
    )
    assert "More details here: https://curl.se/docs/sslcerts.html\n" in err
    assert sh(ws, "curl -s https://192.168.66.10:6443/version") == ("", "", 60)
    assert sh(ws, "curl -s -o /dev/null -w '%{http_code}\\n' http://192.168.66.20:31999/")[:2] == (
        "000\n",
        "",
    )


def test_busybox_128_nslookup_when_coredns_is_down() -> None:
    c, ws = cluster_ws()
    sh(ws, "kubectl run b --image=busybox:1.28 -- sleep 3600")
    sh(ws, "kubectl scale deployment coredns -n kube-system --replicas=0")
    c.advance(30)
    out, err, code = sh(ws, "kubectl exec b -- nslookup kubernetes.default")
    assert out == "Server:    10.96.0.10\nAddress 1: 10.96.0.10\n\n"
    assert (
        err == "nslookup: can't resolve 'kubernetes.default'\ncommand terminated with exit code 1\n"
        and code == 1
    )


def test_ingress_sync_events_and_trace_to_the_default_backend() -> None:
    from k8stutor.engine.network.ingress import controller_manifest

    c, ws = cluster_ws()
    for obj in controller_manifest():
        c.api.create(obj)
    sh(ws, "kubectl create deployment v1 --image=wangyanglinux/myapp:v1")
    sh(ws, "kubectl expose deployment v1 --port=80")
    c.advance(60)
    sh(ws, "kubectl create ingress www --class=nginx --rule='a.example.com/*=v1:80'")
    c.advance(90)
    evs = [e for e in c.api.list_objects("events", "default") if e["involvedObject"]["kind"] == "Ingress"]
    assert [(e["reason"], e["message"], e["source"]["component"], e["count"]) for e in evs] == [
        (
            "Sync",
            "Scheduled for sync",
            "nginx-ingress-controller",
            2,
        )  # created, then the status ADDRESS update
    ]
    out, _, code = sh(ws, "sim trace workstation 192.168.66.20:30080 --host b.example.com")
    assert (
        code == 0
        and out.endswith("no rule for Host b.example.com path /: default backend (404)\n")
        and "ingress: nginx in ingress-nginx/" in out
    )
    out, _, _ = sh(ws, "sim trace workstation 192.168.66.20:30080 --host a.example.com --path x")
    assert "Host a.example.com path /x matches Ingress default/www -> service v1:80; proxied" in out


def test_ingress_round_robin_state_is_per_cluster() -> None:
    from k8stutor.engine.network.ingress import controller_manifest

    names = []
    for _ in range(2):
        c, ws = cluster_ws()
        for obj in controller_manifest():
            c.api.create(obj)
        sh(ws, "kubectl create deployment v1 --image=wangyanglinux/myapp:v1 --replicas=2")
        sh(ws, "kubectl expose deployment v1 --port=80")
        sh(ws, "kubectl create ingress www --class=nginx --rule='a.example.com/*=v1:80'")
        c.advance(60)
        names.append(sh(ws, "curl -s -H 'Host: a.example.com' http://192.168.66.20:30080/hostname.html")[0])
    assert names[0] == names[1]  # same seed, same first upstream: no state leaks between clusters


def test_ip_link_prints_the_link_mode_and_ip_addr_does_not() -> None:
    _, ws = cluster_ws()
    link = sh(ws, "ssh k8s-node01 ip link show flannel.1")[0]
    addr = sh(ws, "ssh k8s-node01 ip addr show flannel.1")[0]
    assert " state UNKNOWN mode DEFAULT group default \n" in link
    assert " state UNKNOWN group default \n" in addr
