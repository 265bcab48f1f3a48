"""Flannel: subnet.env, routes for vxlan / host-gw / DirectRouting, flannel.1, FDB, and the routed preset."""

from __future__ import annotations

import json

from test_network_helpers import cluster_ws, sh

from k8stutor.engine import presets
from k8stutor.engine.network.netpol import routed_preset
from k8stutor.engine.network.trace import pod_endpoint, trace


def _set_backend(ws, c, backend: dict) -> None:
    cm = c.api.get("configmaps", "kube-flannel-cfg", "kube-flannel")
    conf = json.loads(cm["data"]["net-conf.json"])
    conf["Backend"] = backend
    cm["data"]["net-conf.json"] = json.dumps(conf, indent=2)
    c.api.update(cm)
    _, err, code = sh(ws, "kubectl delete pods -n kube-flannel -l app=flannel")
    assert code == 0, err
    c.advance(60)


def test_subnet_env_and_vxlan_routes():
    c, ws = cluster_ws()
    out, _, _ = sh(ws, "ssh k8s-node01 cat /run/flannel/subnet.env")
    assert (
        out
        == "FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n"
    )
    out, _, _ = sh(ws, "ssh k8s-master01 ip route")
    assert out == (
        "default via 192.168.66.2 dev eth0\n"
        "10.244.0.0/24 dev cni0 proto kernel scope link src 10.244.0.1\n"
        "10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink\n"
        "10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink\n"
        "192.168.66.0/24 dev eth0 proto kernel scope link src 192.168.66.10\n"
    )
    out, _, _ = sh(ws, "ssh k8s-master01 ip addr show flannel.1")
    assert "    inet 10.244.0.0/32 scope global flannel.1\n" in out and " mtu 1450 " in out
    node02 = c.api.peek("nodes", "k8s-node02")
    mac = json.loads(node02["metadata"]["annotations"]["flannel.alpha.coreos.com/backend-data"])["VtepMAC"]
    out, _, _ = sh(ws, "ssh k8s-master01 bridge fdb show dev flannel.1")
    assert f"{mac} dst 192.168.66.21 self permanent\n" in out
    out, _, _ = sh(ws, "ssh k8s-master01 ip neigh show dev flannel.1")
    assert f"10.244.2.0 lladdr {mac} PERMANENT\n" in out


def test_switching_to_host_gw_the_real_way():
    c, ws = cluster_ws()
    _set_backend(ws, c, {"Type": "host-gw"})
    out, _, _ = sh(ws, "ssh k8s-master01 ip route")
    assert "10.244.1.0/24 via 192.168.66.20 dev eth0\n" in out and "flannel.1" not in out
    out, _, _ = sh(ws, "ssh k8s-node01 cat /run/flannel/subnet.env")
    assert "FLANNEL_MTU=1500\n" in out
    _, err, code = sh(ws, "ssh k8s-master01 ip link show flannel.1")
    assert code == 1 and err == 'Device "flannel.1" does not exist.\n'
    assert (
        c.api.peek("nodes", "k8s-node01")["metadata"]["annotations"]["flannel.alpha.coreos.com/backend-type"]
        == "host-gw"
    )


def test_routed_preset_host_gw_fails_where_vxlan_and_direct_routing_work(monkeypatch):
    monkeypatch.setitem(presets.PRESETS, "routed", routed_preset)
    c, ws = cluster_ws("routed")
    sh(
        ws,
        'kubectl run a --image=busybox:1.36 --overrides=\'{"spec":{"nodeName":"k8s-node01"}}\' -- sleep 3600',
    )
    sh(ws, 'kubectl run b --image=nginx:1.27 --overrides=\'{"spec":{"nodeName":"k8s-node02"}}\'')
    c.advance(60)
    ip_b = c.api.peek("pods", "b", "default")["status"]["podIP"]
    assert trace(c, pod_endpoint(c, "default", "a"), ip_b, 80).ok
    _set_backend(ws, c, {"Type": "vxlan", "DirectRouting": True})
    out, _, _ = sh(ws, "ssh k8s-node01 ip route")
    assert "10.244.0.0/24 via 192.168.66.10 dev eth0\n" in out  # same segment: host-gw style
    assert "10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink\n" in out  # other segment: VXLAN
    _set_backend(ws, c, {"Type": "host-gw"})
    out, _, _ = sh(ws, "ssh k8s-node01 ip route")
    assert "10.244.2.0/24" not in out
    t = trace(c, pod_endpoint(c, "default", "a"), ip_b, 80)
    assert t.outcome == "timeout" and t.hops[-1].where == "router"
    _, err, code = sh(ws, f"kubectl exec a -- wget -qO- http://{ip_b}/")
    assert code == 1 and err.startswith("wget: download timed out")
