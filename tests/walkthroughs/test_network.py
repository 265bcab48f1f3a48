"""The network, driven from the shell as a learner would: Services balanced by kube-proxy in iptables mode (random,
``statistic`` probabilities) and IPVS mode (round robin, switched the real way), NodePorts on every node, CoreDNS
names for Services, headless Services and StatefulSet pods, readiness removing an endpoint, Flannel's vxlan and
host-gw backends, ingress-nginx host/path routing with TLS, ``externalTrafficPolicy: Local``, and packet traces.

Facts: FIDELITY §7 (kube-proxy chain names and probabilities, ipvsadm layout, flannel routes and subnet.env, busybox
nslookup formats), pkg/proxy/ipvs/proxier.go ``writeIptablesRules`` and ipset.go (the IPVS-mode iptables side),
pkg/proxy/iptables/proxier.go (KUBE-EXT/KUBE-SVL and the ``has no local endpoints`` DROP), ingress-nginx (the 308
redirect for TLS hosts, the default backend's 404 page, ``Scheduled for sync`` events).
"""

from __future__ import annotations

import re

from k8stutor.engine.network.kubeproxy import probability_text, svc_chain

from .transcript import check


def _section(out: str, command: str) -> str:
    """The output of the first ``$ command`` of a transcript."""
    start = out.index(f"$ {command}\n") + len(command) + 3
    end = out.find("\n$ ", start)
    return out[start : end + 1 if end >= 0 else len(out)]


def _sections(out: str, command: str) -> list[str]:
    """The outputs of every ``$ command``."""
    found, pos = [], 0
    while (i := out.find(f"$ {command}\n", pos)) >= 0:
        start = i + len(command) + 3
        end = out.find("\n$ ", start)
        found.append(out[start : end + 1 if end >= 0 else len(out)])
        pos = start
    return found


def _pods(out: str, prefix: str) -> set[str]:
    return set(re.findall(rf"^({prefix}-[a-z0-9]+-[a-z0-9]{{5}}) ", out, re.M))


def test_ipvs_round_robin_after_switching_kube_proxy_the_real_way() -> None:
    out, ws = check("net_ipvs_round_robin")
    pods = _pods(out, "myapp")
    assert len(pods) == 3
    before, after = _sections(out, "ssh k8s-node01 ipvsadm -Ln")
    # iptables mode: the IPVS table is empty (header only)
    assert before == (
        "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n"
        "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
    )
    svc = ws.cluster.api.peek("services", "myapp", "default")
    vip, np = svc["spec"]["clusterIP"], svc["spec"]["ports"][0]["nodePort"]
    # one virtual server per ClusterIP:port and per node address:nodePort, real servers in ipvsadm's printf layout
    for vs in (f"TCP  {vip}:80 rr\n", f"TCP  192.168.66.20:{np} rr\n", "UDP  10.96.0.10:53 rr\n"):
        assert vs in after
    assert (
        f"TCP  {vip}:80 rr\n  -> 10.244.1.2:80                Masq    1      0          0         \n" in after
    )
    assert f"    inet {vip}/32 scope global kube-ipvs0\n" in _section(
        out, "ssh k8s-node01 ip addr show kube-ipvs0"
    )
    # rr: every pod in turn, the same order again
    loop = _section(
        out,
        "kubectl exec client -- sh -c 'for i in 1 2 3 4 5 6; do wget -qO- http://myapp/hostname.html; done'",
    )
    names = loop.split()
    assert set(names) == pods and names[:3] == names[3:] and len(set(names[:3])) == 3
    # the NodePort virtual server on node01 keeps its own rr position: all three pods in turn
    np_loop = _section(
        out, "for i in 1 2 3; do curl -s http://192.168.66.20:$NODEPORT/hostname.html; done"
    ).split()
    assert set(np_loop) == pods
    every = _section(
        out, "for ip in 192.168.66.10 192.168.66.20 192.168.66.21; do curl -s http://$ip:$NODEPORT/; done"
    )
    assert every == 'Hello MyApp | Version: v1 | <a href="hostname.html">Pod Name</a>\n' * 3
    # IPVS mode's iptables side: ipset matches instead of per-service chains (proxier.go writeIptablesRules)
    nat = _section(out, "ssh k8s-node01 iptables-save -t nat | grep -v '^#'")
    assert "KUBE-SVC-" not in nat and "KUBE-SEP-" not in nat
    for rule in (
        "-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN",
        '-A KUBE-SERVICES ! -s 10.244.0.0/16 -m comment --comment "Kubernetes service cluster ip + port for '
        'masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ',
        "-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT",
        "-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT",
        '-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port for masquerade purpose" '
        "-m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ",
        "-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ",
        "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000",
    ):
        assert rule + "\n" in nat
    services = [ln for ln in nat.splitlines() if ln.startswith("-A KUBE-SERVICES")]
    assert services[0].endswith("-j RETURN") and services[-1].endswith("-j ACCEPT")


def test_iptables_random_spread_and_nodeport_on_every_node() -> None:
    out, ws = check("net_iptables_random")
    pods = _pods(out, "myapp")
    counts = re.findall(
        r"^ +(\d+) (myapp-\S+)$",
        _section(
            out,
            "kubectl exec client -- sh -c 'for i in $(seq 1 30); do wget -qO- http://myapp/hostname.html; "
            "done' | sort | uniq -c",
        ),
        re.M,
    )
    assert {n for _, n in counts} == pods and sum(int(c) for c, _ in counts) == 30
    assert len({c for c, _ in counts}) > 1  # random, not an even round robin
    hosts = _section(
        out,
        "for ip in 192.168.66.10 192.168.66.20 192.168.66.21; do curl -s http://$ip:$NODEPORT/hostname.html; done",
    ).split()
    assert len(hosts) == 3 and set(hosts) <= pods
    rules = _section(out, "ssh k8s-node02 iptables-save -t nat | grep 'default/myapp'").splitlines()
    chain = svc_chain("default/myapp", "tcp")
    assert chain == "KUBE-SVC-XJWXQFJLXSXKRMSG"
    picks = [r for r in rules if r.startswith(f"-A {chain} -m comment")]
    assert [p.split('"')[1] for p in picks] == [
        f"default/myapp -> {ip}:80" for ip in ("10.244.1.2", "10.244.1.3", "10.244.2.2")
    ]
    assert f"--probability {probability_text(3)} " in picks[0] and "0.33333333349" in picks[0]
    assert "--probability 0.50000000000 " in picks[1] and "statistic" not in picks[2]
    assert any(
        r.startswith("-A KUBE-SEP-") and r.endswith("-j DNAT --to-destination 10.244.2.2:80") for r in rules
    )
    np = ws.cluster.api.peek("services", "myapp", "default")["spec"]["ports"][0]["nodePort"]
    assert (
        f'-A KUBE-NODEPORTS -p tcp -m comment --comment "default/myapp" -m tcp --dport {np} -j KUBE-EXT-{chain[9:]}'
        in rules
    )


def test_dns_for_services_headless_and_statefulset_pods_and_readiness() -> None:
    out, ws = check("net_dns_readiness")
    vip = ws.cluster.api.peek("services", "myapp", "default")["spec"]["clusterIP"]
    assert _section(out, "kubectl exec client -- nslookup myapp") == (
        "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n"
        f"Name:      myapp\nAddress 1: {vip} myapp.default.svc.cluster.local\n"
    )
    headless = _section(out, "kubectl exec client -- nslookup myapp-headless")
    assert re.findall(r"^Address \d: (\S+) (\S+)$", headless, re.M)[1:] == [
        (ip, ip.replace(".", "-") + ".myapp-headless.default.svc.cluster.local")
        for ip in ("10.244.1.2", "10.244.1.3", "10.244.2.2")
    ]
    assert "Address 1: 10.244.2.4 web-0.nginx.default.svc.cluster.local\n" in _section(
        out, "kubectl exec client -- nslookup web-0.nginx"
    )
    # busybox 1.36: its own resolver, tabs, an empty line per query type (FIDELITY §7.5)
    assert _section(out, "kubectl exec dns136 -- nslookup web-0.nginx.default.svc.cluster.local") == (
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n\nName:\tweb-0.nginx.default.svc.cluster.local\n"
        "Address: 10.244.2.4\n\n"
    )
    # CoreDNS scaled to zero: the server's own name cannot be looked up either
    assert _sections(out, "kubectl exec client -- nslookup myapp")[1] == (
        "Server:    10.96.0.10\nAddress 1: 10.96.0.10\n\nnslookup: can't resolve 'myapp'\n"
        "command terminated with exit code 1\n"
    )
    eps = _sections(out, "kubectl get ep myapp")
    assert "10.244.2.6" not in eps[0] and "+ 1 more..." in eps[1] and "10.244.2.6" not in eps[2]
    assert (
        "Address 4: 10.244.2.6 10-244-2-6.myapp-headless"
        in _sections(out, "kubectl exec client -- nslookup myapp-headless")[1]
    )
    assert "Readiness probe failed: HTTP probe failed with statuscode: 404" in out


def test_flannel_vxlan_then_host_gw_routes_and_subnet_env() -> None:
    out, ws = check("net_flannel_backends")
    envs = _sections(out, "ssh k8s-node01 cat /run/flannel/subnet.env")
    assert (
        envs[0]
        == "FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n"
    )
    assert envs[1] == envs[0].replace("1450", "1500")  # host-gw: no VXLAN overhead
    vx, hgw = _sections(out, "ssh k8s-node01 ip route")
    assert "10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink\n" in vx
    assert "10.244.2.0/24 via 192.168.66.21 dev eth0\n" in hgw
    assert "10.244.0.0/24 via 192.168.66.10 dev eth0\n" in hgw and "flannel.1" not in hgw
    link = _sections(out, "ssh k8s-node01 ip link show flannel.1")
    assert " mtu 1450 qdisc noqueue state UNKNOWN mode DEFAULT group default \n" in link[0]
    assert link[1] == 'Device "flannel.1" does not exist.\n'
    t1, t2 = _sections(out, "sim trace pod/a pod/b:80")
    assert "outer: 192.168.66.20 -> 192.168.66.21 UDP dport 8472 VNI 1" in t1 and "encap" in t1
    assert "route 10.244.2.0/24 via 192.168.66.21 dev eth0 (host-gw" in t2 and "encap" not in t2
    assert _sections(out, "kubectl exec a -- wget -qO- http://10.244.2.2/hostname.html") == ["b\n", "b\n"]


def test_ingress_host_and_path_routing_and_tls() -> None:
    out, _ = check("net_ingress")
    assert "v1" in _section(out, "curl http://192.168.66.20:30080/ -H 'Host: www1.xinxianghf.com'")
    assert "Version: v2" in _section(out, "curl http://192.168.66.21:30080/ -H 'Host: www2.xinxianghf.com'")
    rr = _section(
        out,
        "for i in 1 2 3 4; do curl -s -H 'Host: www1.xinxianghf.com' http://192.168.66.20:30080/hostname.html; done",
    ).split()
    assert all(n.startswith("v1-") for n in rr) and rr[0] != rr[1] and rr[:2] == rr[2:]
    exact = _section(out, "curl -s -H 'Host: www2.xinxianghf.com' http://192.168.66.20:30080/hostname.html")
    assert exact.startswith("v1-")  # the Exact /hostname.html rule of www2 goes to v1
    assert "<center><h1>404 Not Found</h1></center>" in _section(
        out, "curl -s -H 'Host: www3.xinxianghf.com' http://192.168.66.10:30080/"
    )
    assert _section(out, "curl -H 'Host: www1.xinxianghf.com' https://192.168.66.20:30443/").startswith(
        "curl: (60) SSL certificate problem: self-signed certificate\n"
    )
    gets = _sections(out, "kubectl get ingress")
    assert gets[0].splitlines()[1].split()[-2] == "80" and "   80, 443   " in gets[1]
    assert "<head><title>308 Permanent Redirect</title></head>" in _section(
        out, "curl -H 'Host: www1.xinxianghf.com' http://192.168.66.20:30080/"
    )
    desc = _section(out, "kubectl describe ingress ingress-http")
    assert "TLS:\n  www1-tls terminates www1.xinxianghf.com\n" in desc
    assert re.search(
        r"Normal  Sync    \S+ \(x3 over \S+\)  nginx-ingress-controller  Scheduled for sync\n", desc
    )
    follow = _section(
        out, "sim trace workstation 192.168.66.21:30080 --host www2.xinxianghf.com --path /hostname.html"
    )
    assert "matches Ingress default/ingress-http -> service v1:80" in follow
    assert (
        follow.count("result: delivered\n") == 2
        and "trace pod ingress-nginx/ingress-nginx-controller-" in follow
    )


def test_external_traffic_policy_local() -> None:
    out, _ = check("net_external_traffic_policy")
    assert _sections(out, "curl -s -o /dev/null -w '%{http_code}\\n' http://192.168.66.20:$NODEPORT/") == [
        "200\n"
    ]
    assert "000\n" == _section(
        out, "curl -s -m 5 -o /dev/null -w '%{http_code}\\n' http://192.168.66.20:$NODEPORT/"
    )
    ext2 = _section(out, "ssh k8s-node02 iptables-save -t nat | grep KUBE-EXT-LOLE4ISW44XBNF3G")
    ext1 = _section(out, "ssh k8s-node01 iptables-save -t nat | grep KUBE-EXT-LOLE4ISW44XBNF3G")
    jump = "-A KUBE-EXT-LOLE4ISW44XBNF3G -j KUBE-SVL-LOLE4ISW44XBNF3G\n"
    assert jump in ext2 and jump not in ext1  # no local endpoint on node01: no jump, the filter table drops
    local_trace = _section(out, "sim trace workstation 192.168.66.21:$NODEPORT")
    assert "no SNAT" in local_trace and "(192.168.66.1:" in local_trace.splitlines()[-2]
    assert "result: dropped (timeout)" in _section(out, "sim trace workstation 192.168.66.20:$NODEPORT")


def test_traces_for_each_traffic_kind() -> None:
    out, _ = check("net_traces")
    same = _section(out, "sim trace pod/client 10.244.1.2:80")
    assert "flannel.1" not in same and "10.244.1.0/24 is the local pod subnet" in same
    svc = _section(out, "sim trace pod/client svc/myapp:80")
    assert (
        "KUBE-SERVICES matches default/myapp cluster IP" in svc
        and " dnat: KUBE-SVC-XJWXQFJLXSXKRMSG picked " in svc
    )
    np = _section(out, "sim trace workstation 192.168.66.10:$NODEPORT")
    assert "KUBE-NODEPORTS" in np and "snat: KUBE-MARK-MASQ then KUBE-POSTROUTING MASQUERADE" in np
    outside = _section(out, "sim trace pod/client example.com:80")
    assert "flanneld masquerades" in outside and "(192.168.66.20:" in outside.splitlines()[-2]
    none = _section(out, "sim trace pod/client svc/nobody:80")
    assert "reject: filter FORWARD: default/nobody:80-80 has no endpoints" in none
    assert none.endswith("why: selector app=nobody matches no pods in namespace default\n")
    assert _section(out, "kubectl exec client -- wget -qO- -T 2 http://nobody/").startswith(
        "wget: can't connect to remote host ("
    )
