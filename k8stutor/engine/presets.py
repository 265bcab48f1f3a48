"""Cluster presets: the kubeadm-built classroom cluster and its variants (single, ha, scale-N).

A preset describes nodes and the objects a freshly built kubeadm v1.32 cluster holds: system namespaces,
control-plane static pods, the kube-proxy and Flannel DaemonSets, CoreDNS, their ConfigMaps and Services.
Bootstrap writes pod status the way the kubelets would have reported it; the behaviour behind those pods
(kubelet, kube-proxy, Flannel, CoreDNS) belongs to the components that simulate them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

KUBE_VERSION = "v1.32.4"
CONTAINERD = "containerd://1.7.22"
OS_IMAGE = "Ubuntu 22.04.5 LTS"
KERNEL = "5.15.0-126-generic"
POD_CIDR = "10.244.0.0/16"
SERVICE_CIDR = "10.96.0.0/12"


def version_info() -> dict[str, Any]:
    """The API server's ``/version`` answer (kubectl's version dispatcher picks kubectl 1.32 from ``minor``)."""
    major, minor = KUBE_VERSION.lstrip("v").split(".")[:2]
    return {
        "major": major,
        "minor": minor,
        "gitVersion": KUBE_VERSION,
        "gitCommit": "59526cd4867447956156ae3a602fcbac5245c8f6",
        "gitTreeState": "clean",
        "buildDate": "2025-04-22T15:55:14Z",
        "goVersion": "go1.23.6",
        "compiler": "gc",
        "platform": "linux/amd64",
    }


@dataclass
class NodeSpec:
    name: str
    ip: str
    control_plane: bool = False
    cpu: int = 2
    memory_ki: int = 4015104
    pods: int = 110


@dataclass
class Preset:
    name: str
    description: str
    nodes: list[NodeSpec] = field(default_factory=list)
    coredns_replicas: int = 2
    # Simulated age of the cluster when the learner arrives (seconds).
    age: float = 2 * 86400 + 3 * 3600


def _classroom() -> Preset:
    return Preset(
        "classroom",
        "kubeadm v1.32: one control-plane node and two workers (the course's cluster)",
        [
            NodeSpec("k8s-master01", "192.168.66.10", control_plane=True),
            NodeSpec("k8s-node01", "192.168.66.20"),
            NodeSpec("k8s-node02", "192.168.66.21"),
        ],
    )


def _single() -> Preset:
    return Preset("single", "one node that is control plane and worker (minikube-like; untainted)",
                  [NodeSpec("k8s-master01", "192.168.66.10", control_plane=True, cpu=4, memory_ki=8148160)],
                  coredns_replicas=1)


def _ha() -> Preset:
    return Preset(
        "ha",
        "three control-plane nodes (stacked etcd, for the quorum lesson) and two workers",
        [
            NodeSpec("k8s-master01", "192.168.66.10", control_plane=True),
            NodeSpec("k8s-master02", "192.168.66.11", control_plane=True),
            NodeSpec("k8s-master03", "192.168.66.12", control_plane=True),
            NodeSpec("k8s-node01", "192.168.66.20"),
            NodeSpec("k8s-node02", "192.168.66.21"),
        ],
    )


def _scale(n: int) -> Preset:
    nodes = [NodeSpec("k8s-master01", "192.168.66.10", control_plane=True, cpu=8, memory_ki=32791572)]
    for i in range(1, n + 1):
        ip = f"192.168.{100 + (i - 1) // 250}.{1 + (i - 1) % 250}"
        nodes.append(NodeSpec(f"k8s-node{i:02d}" if n < 100 else f"k8s-node{i:04d}", ip, cpu=16,
                              memory_ki=65843068, pods=110))
    return Preset(f"scale-{n}", f"{n} workers for benchmarks and self-healing at scale", nodes)


PRESETS = {
    "classroom": _classroom,
    "single": _single,
    "ha": _ha,
    "scale-1000": lambda: _scale(1000),
    "scale-5000": lambda: _scale(5000),
}


def _network_preset(name: str) -> Callable[[], Preset]:
    def build() -> Preset:
        from .network import netpol

        return getattr(netpol, f"{name}_preset")()  # type: ignore[no-any-return]

    return build


PRESETS["canal"] = _network_preset("canal")
PRESETS["routed"] = _network_preset("routed")


def get_preset(name: str) -> Preset:
    if name not in PRESETS:
        raise KeyError(name)
    return PRESETS[name]()


def _mac(seed: str) -> str:
    h = hashlib.sha256(seed.encode()).digest()
    return ":".join(f"{b:02x}" for b in (h[0] & 0xFE | 0x02, *h[1:6]))


def node_object(spec: NodeSpec, index: int, created: str, heartbeat: str) -> dict[str, Any]:
    """A Node as a kubeadm-joined kubelet registers it, with Flannel's annotations."""
    labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": spec.name,
        "kubernetes.io/os": "linux",
    }
    if spec.control_plane:
        labels["node-role.kubernetes.io/control-plane"] = ""
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
    # A /24 per node out of 10.244.0.0/16 (nodes past 255 continue in 10.245.0.0/16 and on, like a wider
    # --cluster-cidr would give them).
    cidr = f"10.{244 + index // 256}.{index % 256}.0/24"
    mem = spec.memory_ki
    h = hashlib.sha256(spec.name.encode()).hexdigest()
    node: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "annotations": {
                "flannel.alpha.coreos.com/backend-data": json.dumps(
                    {"VNI": 1, "VtepMAC": _mac(spec.name)}, separators=(",", ":")),
                "flannel.alpha.coreos.com/backend-type": "vxlan",
                "flannel.alpha.coreos.com/kube-subnet-manager": "true",
                "flannel.alpha.coreos.com/public-ip": spec.ip,
                "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock",
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
            "labels": labels,
            "name": spec.name,
        },
        "spec": {"podCIDR": cidr, "podCIDRs": [cidr]},
        "status": {
            "addresses": [{"address": spec.ip, "type": "InternalIP"}, {"address": spec.name, "type": "Hostname"}],
            "allocatable": {
                "cpu": str(spec.cpu),
                "ephemeral-storage": "27922798956",
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": f"{mem - 102400}Ki",
                "pods": str(spec.pods),
            },
            "capacity": {
                "cpu": str(spec.cpu),
                "ephemeral-storage": "30298176Ki",
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": f"{mem}Ki",
                "pods": str(spec.pods),
            },
            "conditions": [
                {"lastHeartbeatTime": created, "lastTransitionTime": created, "message": "Flannel is running on this node",
                 "reason": "FlannelIsUp", "status": "False", "type": "NetworkUnavailable"},
                {"lastHeartbeatTime": heartbeat, "lastTransitionTime": created,
                 "message": "kubelet has sufficient memory available", "reason": "KubeletHasSufficientMemory",
                 "status": "False", "type": "MemoryPressure"},
                {"lastHeartbeatTime": heartbeat, "lastTransitionTime": created,
                 "message": "kubelet has no disk pressure", "reason": "KubeletHasNoDiskPressure",
                 "status": "False", "type": "DiskPressure"},
                {"lastHeartbeatTime": heartbeat, "lastTransitionTime": created,
                 "message": "kubelet has sufficient PID available", "reason": "KubeletHasSufficientPID",
                 "status": "False", "type": "PIDPressure"},
                {"lastHeartbeatTime": heartbeat, "lastTransitionTime": created,
                 "message": "kubelet is posting ready status", "reason": "KubeletReady",
                 "status": "True", "type": "Ready"},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}",
                "containerRuntimeVersion": CONTAINERD,
                "kernelVersion": KERNEL,
                "kubeProxyVersion": KUBE_VERSION,
                "kubeletVersion": KUBE_VERSION,
                "machineID": h[32:64],
                "operatingSystem": "linux",
                "osImage": OS_IMAGE,
                "systemUUID": f"{h[1:9]}-{h[9:13]}-{h[13:17]}-{h[17:21]}-{h[21:33]}".upper(),
            },
        },
    }
    if spec.control_plane:
        node["spec"]["taints"] = [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]
    return node


KUBE_PROXY_CONFIG = """apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
bindAddressHardFail: false
clientConnection:
  acceptContentTypes: ""
  burst: 0
  contentType: ""
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 0
clusterCIDR: 10.244.0.0/16
configSyncPeriod: 0s
conntrack:
  maxPerCore: null
  min: null
  tcpBeLiberal: false
  tcpCloseWaitTimeout: null
  tcpEstablishedTimeout: null
  udpStreamTimeout: 0s
  udpTimeout: 0s
detectLocal:
  bridgeInterface: ""
  interfaceNamePrefix: ""
detectLocalMode: ""
enableProfiling: false
healthzBindAddress: ""
hostnameOverride: ""
iptables:
  localhostNodePorts: null
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: ""
  strictARP: false
  syncPeriod: 0s
  tcpFinTimeout: 0s
  tcpTimeout: 0s
  udpTimeout: 0s
kind: KubeProxyConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
metricsBindAddress: ""
mode: ""
nftables:
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
nodePortAddresses: null
oomScoreAdj: null
portRange: ""
showHiddenMetricsForProbes: ""
winkernel:
  enableDSR: false
  forwardHealthCheckVip: false
  networkName: ""
  rootHnsEndpointName: ""
  sourceVip: ""
"""

COREFILE = """.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
"""

FLANNEL_NET_CONF = """{
  "Network": "10.244.0.0/16",
  "EnableNFTables": false,
  "Backend": {
    "Type": "vxlan"
  }
}
"""

FLANNEL_CNI_CONF = """{
  "name": "cbr0",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "flannel",
      "delegate": {
        "hairpinMode": true,
        "isDefaultGateway": true
      }
    },
    {
      "type": "portmap",
      "capabilities": {
        "portMappings": true
      }
    }
  ]
}
"""
