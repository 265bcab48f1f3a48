"""The composition root: builds the store, API, controllers and the preset's objects; moves time.

``settle()`` drains every work queue at the current virtual instant (controllers react as fast as real
ones); ``advance(dt)`` fires due timers in order, settling after each.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .api.server import APIServer
from .clock import VirtualClock
from .controllers.base import Controller
from .controllers.crd import CRDController, resource_type_for
from .controllers.daemonset import new_daemon_pod, new_daemonset_revision
from .controllers.garbagecollector import GarbageCollector
from .controllers.history import compute_hash
from .controllers.namespace import NamespaceController, RootCACertPublisher, ServiceAccountsController
from .errors import StatusError
from .presets import (
    COREFILE,
    FLANNEL_CNI_CONF,
    FLANNEL_NET_CONF,
    KUBE_PROXY_CONFIG,
    KUBE_VERSION,
    Preset,
    get_preset,
    node_object,
)
from .registry import Registry
from .store import Store, clone
from .timeutil import EPOCH, rfc3339

if TYPE_CHECKING:
    from .storage.volumes import VolumeStore

_C = TypeVar("_C", bound=Controller)

STATE_FORMAT = "k8stutor-state"
STATE_VERSION = 1
MAX_STATE_BYTES = 512 * 1024 * 1024


class StateFileError(Exception):
    """A state file could not be loaded; the message says why, and nothing was changed."""


class Cluster:
    """A whole simulated cluster. Same preset + seed + commands = same cluster, byte for byte."""

    # Set by the components' ``install(cluster)`` functions.
    volumes: VolumeStore
    nfs_server: tuple[str, str]

    def __init__(self, preset: str = "classroom", seed: int = 0, epoch: float | None = None) -> None:
        """``epoch``: when virtual time starts (the learner arrives ``preset.age`` later). The default is a fixed
        instant, for determinism; ``k8stutor serve`` passes the wall clock so real kubectl's client-side ages
        (``describe`` events) agree with the server's."""
        self.preset_name = preset
        self.seed = seed
        self.preset: Preset = get_preset(preset)
        self.rng = random.Random(seed)
        self.clock = VirtualClock(EPOCH if epoch is None else float(int(epoch - self.preset.age)))
        self.registry = Registry()
        self.store = Store()
        self.api = APIServer(self.store, self.registry, self.clock, self.rng)
        self.controllers: list[Controller] = []
        self.gc = GarbageCollector(self)
        for c in (
            self.gc,
            NamespaceController(self),
            ServiceAccountsController(self),
            RootCACertPublisher(self),
            CRDController(self),
        ):
            self.add_controller(c)
        self.clock.after_fire = self.settle
        self._bootstrap()
        self._install_components()

    def _install_components(self) -> None:
        """The node agents and control-plane components that bring the cluster to life."""
        from . import admission, auth, storage
        from .controllers import cronjob, daemonset, deployment, disruption, hpa, job, replicaset, statefulset
        from .controllers.nodelifecycle import install as install_node_lifecycle
        from .kubelet import install as install_kubelets
        from .runtime.images import image_size
        from .runtime.metrics import container_usage, metrics_available
        from .scheduler.scheduler import install as install_scheduler

        auth.install(self)
        admission.install(self)
        storage.install(self)
        install_kubelets(self)
        from .network import install as install_network

        install_network(self)
        install_scheduler(self, image_size=image_size)
        install_node_lifecycle(self)
        for module in (replicaset, deployment, daemonset, job, cronjob, statefulset, disruption, hpa):
            module.install(self)

        def metrics_source(pod: dict[str, Any]) -> tuple[int, int] | None:
            # What metrics-server would report for a pod (None when metrics-server is not installed).
            if not metrics_available(self):
                return None
            usage = container_usage(self, pod)
            if not usage:
                return None
            return sum(u[1] for u in usage), sum(u[2] for u in usage)

        self.metrics_source = metrics_source
        self.settle()

    def node_power(self, name: str, up: bool) -> None:
        """Power a node off or on (``sim node down|up``): its kubelet stops or resumes."""
        from .kubelet import node_down, node_up

        (node_up if up else node_down)(self, name)

    # ---- time -----------------------------------------------------------------------------------
    def add_controller(self, c: _C) -> _C:
        """Register and start a controller; if one of the same kind already runs, that one is returned."""
        for existing in self.controllers:
            if type(existing) is type(c):
                return existing
        self.controllers.append(c)
        c.start()
        return c

    def remove_controller(self, c: Controller) -> None:
        """Detach a controller (tests replace components with fakes this way)."""
        c.stop()
        if c in self.controllers:
            self.controllers.remove(c)

    def settle(self, max_rounds: int = 10_000) -> None:
        """Run controllers until no work is queued at this instant."""
        for _ in range(max_rounds):
            did = 0
            for c in self.controllers:
                did += c.process()
            if not did:
                return

    def advance(self, seconds: float) -> None:
        self.settle()
        self.clock.advance(seconds)
        self.settle()

    def now(self) -> float:
        return self.clock.now()

    # ---- bootstrap ------------------------------------------------------------------------------
    def _bootstrap(self) -> None:
        api = self.api
        boot = self.clock.now()

        def create(obj: dict[str, Any]) -> dict[str, Any]:
            # Bootstrap objects are ours and known-good: skip the schema check (it is the slow part).
            return api.create(obj, validate_schema=False)

        created = rfc3339(boot)
        for ns in ("default", "kube-node-lease", "kube-public", "kube-system", "kube-flannel"):
            create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
        masters = [n for n in self.preset.nodes if n.control_plane]
        master = masters[0]
        for i, spec in enumerate(self.preset.nodes):
            node = node_object(spec, i, created, created)
            if self.preset.name == "single":
                node["spec"].pop("taints", None)
            create(node)
            create({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                        "metadata": {"name": spec.name, "namespace": "kube-node-lease"},
                        "spec": {"holderIdentity": spec.name, "leaseDurationSeconds": 40,
                                 "renewTime": rfc3339(boot).replace("Z", ".000000Z")}})
        create({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "kubernetes", "namespace": "default",
                         "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {"clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443, "protocol": "TCP",
                                                          "targetPort": 6443}]},
        })
        create({
            "apiVersion": "v1", "kind": "Endpoints",
            "metadata": {"name": "kubernetes", "namespace": "default",
                         "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
            "subsets": [{"addresses": [{"ip": m.ip} for m in masters],
                         "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}],
        })
        create({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "kube-proxy", "namespace": "kube-system", "labels": {"app": "kube-proxy"}},
            "data": {"config.conf": KUBE_PROXY_CONFIG, "kubeconfig.conf": _KUBE_PROXY_KUBECONFIG},
        })
        create({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "coredns", "namespace": "kube-system"},
            "data": {"Corefile": COREFILE},
        })
        create({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "kube-flannel-cfg", "namespace": "kube-flannel",
                         "labels": {"app": "flannel", "k8s-app": "flannel", "tier": "node"}},
            "data": {"cni-conf.json": FLANNEL_CNI_CONF, "net-conf.json": FLANNEL_NET_CONF},
        })
        create({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "kube-dns", "namespace": "kube-system",
                         "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true",
                                    "kubernetes.io/name": "CoreDNS"},
                         "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"}},
            "spec": {"clusterIP": "10.96.0.10", "selector": {"k8s-app": "kube-dns"},
                     "ports": [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                               {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                               {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}]},
        })
        # kubeadm's own objects, made with a side random stream so the main one (pod names, uids of what the
        # learner creates) stays what it was for every seed.
        main_rng = api.rng
        api.rng = random.Random(f"kubeadm-{self.seed}")
        try:
            create({"apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": "kubeadm-config", "namespace": "kube-system"},
                    "data": {"ClusterConfiguration": _kubeadm_cluster_configuration(master.ip)}})
            create({"apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": "kubelet-config", "namespace": "kube-system"},
                    "data": {"kubelet": _KUBELET_CONFIG}})
            create({"apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": "cluster-info", "namespace": "kube-public"},
                    "data": {"kubeconfig": _CLUSTER_INFO_KUBECONFIG.replace("MASTER_IP", master.ip)}})
            for cs in ("controller-manager", "scheduler", "etcd-0"):
                # Deprecated since v1.19 but still served: what `kubectl get componentstatuses` shows.
                create({"apiVersion": "v1", "kind": "ComponentStatus", "metadata": {"name": cs},
                        "conditions": [{"message": "ok", "status": "True", "type": "Healthy"}]})
        finally:
            api.rng = main_rng
        for sa_ns, sa in (("kube-system", "coredns"), ("kube-system", "kube-proxy"), ("kube-flannel", "flannel")):
            create({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": sa, "namespace": sa_ns}})
        master_uid = self.store.get("nodes", "", master.name)["metadata"]["uid"]  # type: ignore[index]
        for p in _static_pods(master.name, master.ip):
            p["metadata"]["ownerReferences"][0]["uid"] = master_uid
            self._running_pod(p, master.name, master.ip, master.ip, boot)
        self._addons(boot)
        self.settle()
        # The learner arrives a while after kubeadm finished.
        self.clock.run_until(boot + self.preset.age)
        self.settle()

    def _addons(self, boot: float) -> None:
        api = self.api

        def create(obj: dict[str, Any]) -> dict[str, Any]:
            return api.create(obj, validate_schema=False)

        dep = create(_coredns_deployment(self.preset.coredns_replicas))
        rs_hash = _template_hash(dep["spec"]["template"])
        rs = clone(dep)
        rs["kind"] = "ReplicaSet"
        rs["metadata"] = {
            "name": f"coredns-{rs_hash}", "namespace": "kube-system",
            "labels": {"k8s-app": "kube-dns", "pod-template-hash": rs_hash},
            "annotations": {"deployment.kubernetes.io/desired-replicas": str(self.preset.coredns_replicas),
                            "deployment.kubernetes.io/max-replicas": str(self.preset.coredns_replicas + 1),
                            "deployment.kubernetes.io/revision": "1"},
            "ownerReferences": [_owner(dep)],
        }
        rs["spec"] = {"replicas": self.preset.coredns_replicas,
                      "selector": {"matchLabels": {"k8s-app": "kube-dns", "pod-template-hash": rs_hash}},
                      "template": clone(dep["spec"]["template"])}
        rs["spec"]["template"]["metadata"]["labels"]["pod-template-hash"] = rs_hash
        rs.pop("status", None)
        rs = create(rs)
        masters = [n for n in self.preset.nodes if n.control_plane]
        for i in range(self.preset.coredns_replicas):
            pod = {"apiVersion": "v1", "kind": "Pod",
                   "metadata": {"generateName": f"coredns-{rs_hash}-", "namespace": "kube-system",
                                "labels": dict(rs["spec"]["template"]["metadata"]["labels"]),
                                "ownerReferences": [_owner(rs)]},
                   "spec": clone(rs["spec"]["template"]["spec"])}
            node = masters[0]
            self._running_pod(pod, node.name, f"10.244.0.{2 + i}", node.ip, boot + 30)
        self._set_status(dep, {
            "availableReplicas": self.preset.coredns_replicas, "observedGeneration": 1,
            "readyReplicas": self.preset.coredns_replicas, "replicas": self.preset.coredns_replicas,
            "updatedReplicas": self.preset.coredns_replicas,
            "conditions": [
                {"lastTransitionTime": rfc3339(boot + 40), "lastUpdateTime": rfc3339(boot + 40),
                 "message": "Deployment has minimum availability.", "reason": "MinimumReplicasAvailable",
                 "status": "True", "type": "Available"},
                {"lastTransitionTime": rfc3339(boot), "lastUpdateTime": rfc3339(boot + 40),
                 "message": f'ReplicaSet "coredns-{rs_hash}" has successfully progressed.',
                 "reason": "NewReplicaSetAvailable", "status": "True", "type": "Progressing"},
            ]})
        upd = api.get("deployments.apps", "coredns", "kube-system")
        upd["metadata"].setdefault("annotations", {})["deployment.kubernetes.io/revision"] = "1"
        api.update(upd)
        self._set_status(rs, {"availableReplicas": self.preset.coredns_replicas,
                              "fullyLabeledReplicas": self.preset.coredns_replicas, "observedGeneration": 1,
                              "readyReplicas": self.preset.coredns_replicas,
                              "replicas": self.preset.coredns_replicas})
        n = len(self.preset.nodes)
        for ds_obj in (_kube_proxy_daemonset(), _flannel_daemonset()):
            ds = create(ds_obj)
            rev_hash = compute_hash(ds["spec"]["template"])
            create(new_daemonset_revision(ds, 1))
            for spec in self.preset.nodes:
                # The pod exactly as the DaemonSet controller makes it (node affinity, default tolerations).
                pod = new_daemon_pod(ds, spec.name, rev_hash)
                self._running_pod(pod, spec.name, spec.ip, spec.ip, boot + 10)
            self._set_status(ds, {"currentNumberScheduled": n, "desiredNumberScheduled": n,
                                  "numberAvailable": n, "numberMisscheduled": 0, "numberReady": n,
                                  "observedGeneration": 1, "updatedNumberScheduled": n})

    def _set_status(self, obj: dict[str, Any], status: dict[str, Any]) -> None:
        cur = self.api.get(self.api.rt_for_object(obj), obj["metadata"]["name"], obj["metadata"].get("namespace"))
        cur["status"] = status
        self.api.update_status(cur)

    def _running_pod(self, pod: dict[str, Any], node: str, ip: str, host_ip: str, started: float) -> dict[str, Any]:
        """Create a pod and write the status its kubelet reported when it came up during cluster setup."""
        pod["spec"]["nodeName"] = node
        created = self.api.create(pod, validate_schema=False)
        t = rfc3339(started)
        statuses = []
        for c in created["spec"]["containers"]:
            image = c["image"]
            statuses.append({
                "containerID": "containerd://" + _hexid(created["metadata"]["uid"] + c["name"]),
                "image": image if "/" in image.split(":")[0] else f"docker.io/library/{image}",
                "imageID": _image_id(image),
                "lastState": {}, "name": c["name"], "ready": True, "restartCount": 0, "started": True,
                "state": {"running": {"startedAt": t}},
            })
        init_statuses = []
        for c in created["spec"].get("initContainers") or []:
            init_statuses.append({
                "containerID": "containerd://" + _hexid(created["metadata"]["uid"] + c["name"]),
                "image": c["image"], "imageID": _image_id(c["image"]), "lastState": {}, "name": c["name"],
                "ready": True, "restartCount": 0, "started": False,
                "state": {"terminated": {"containerID": "containerd://" + _hexid(created["metadata"]["uid"] + c["name"]),
                                         "exitCode": 0, "finishedAt": t, "reason": "Completed", "startedAt": t}},
            })
        status: dict[str, Any] = {
            "conditions": [
                {"lastProbeTime": None, "lastTransitionTime": t, "status": "True", "type": "PodReadyToStartContainers"},
                {"lastProbeTime": None, "lastTransitionTime": t, "status": "True", "type": "Initialized"},
                {"lastProbeTime": None, "lastTransitionTime": t, "status": "True", "type": "Ready"},
                {"lastProbeTime": None, "lastTransitionTime": t, "status": "True", "type": "ContainersReady"},
                {"lastProbeTime": None, "lastTransitionTime": t, "status": "True", "type": "PodScheduled"},
            ],
            "containerStatuses": statuses,
            "hostIP": host_ip, "hostIPs": [{"ip": host_ip}],
            "phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}],
            "qosClass": created["status"].get("qosClass", "BestEffort"),
            "startTime": t,
        }
        if init_statuses:
            status["initContainerStatuses"] = init_statuses
        created["status"] = status
        return self.api.update_status(created)

    # ---- snapshots ------------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        state = self.rng.getstate()
        return {
            "format": STATE_FORMAT,
            "version": STATE_VERSION,
            "preset": self.preset_name,
            "seed": self.seed,
            "clock": self.clock.now(),
            "rng": [state[0], list(state[1]), state[2]],
            "store": self.store.dump(),
        }

    def save(self, path: str | os.PathLike[str], extra: dict[str, Any] | None = None) -> None:
        """Write the whole cluster to a file atomically (a crash never leaves a half-written state file).
        ``extra`` carries host state (e.g. the kubeconfig) alongside the cluster."""
        snap = self.snapshot()
        if extra:
            snap["extra"] = extra
        data = json.dumps(snap, separators=(",", ":"), sort_keys=True)
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".k8stutor-", dir=str(p.parent))
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, p)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    @staticmethod
    def read_state(path: str | os.PathLike[str]) -> dict[str, Any]:
        """Read and check a state file; raises StateFileError with a clear reason."""
        p = Path(path)
        try:
            size = p.stat().st_size
        except OSError as e:
            raise StateFileError(f"cannot read state file {path}: {e.strerror}") from None
        if size > MAX_STATE_BYTES:
            raise StateFileError(f"state file {path} is too large ({size} bytes)")
        try:
            raw = p.read_bytes()
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise StateFileError(
                f"state file {path} is not a k8stutor state file, or it is truncated or corrupted"
            ) from None
        if not isinstance(data, dict) or data.get("format") != STATE_FORMAT:
            raise StateFileError(f"state file {path} is not a k8stutor state file")
        version = data.get("version")
        if not isinstance(version, int) or version > STATE_VERSION:
            raise StateFileError(
                f"state file {path} was written by a newer k8stutor (format version {version}; this version "
                f"reads up to {STATE_VERSION}); upgrade k8stutor to load it"
            )
        try:
            store = data["store"]
            for entry in store["objects"]:
                if not isinstance(entry["resource"], str) or not isinstance(entry["object"]["metadata"]["name"], str):
                    raise TypeError
            float(data["clock"])
            int(store["revision"])
        except (KeyError, TypeError, ValueError):
            raise StateFileError(f"state file {path} is damaged (missing or malformed fields)") from None
        return data

    def restore(self, data: dict[str, Any]) -> None:
        """Bring the whole cluster back to a snapshot (the same as an etcd snapshot restore)."""
        self.store.load(data["store"])
        for rt in list(self.registry):
            if rt.crd:
                self.registry.remove(rt.group, rt.plural)
        for crd in self.store.list("customresourcedefinitions.apiextensions.k8s.io"):
            crd_rt = resource_type_for(crd)
            if crd_rt is not None:
                self.registry.add(crd_rt)
        self.clock._now = max(self.clock.now(), float(data["clock"]))
        rng = data.get("rng")
        if rng:
            self.rng.setstate((rng[0], tuple(rng[1]), rng[2]))
        self.api.__dict__.pop("_event_index", None)
        self.gc.rebuild()
        for c in self.controllers:
            rebuild = getattr(c, "rebuild", None)
            if rebuild is not None and c is not self.gc:
                rebuild()
        for c in self.controllers:
            while c.queue.pop() is not None:
                pass

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Cluster:
        data = cls.read_state(path)
        try:
            cluster = cls(preset=str(data.get("preset", "classroom")), seed=int(data.get("seed", 0)))
        except KeyError:
            raise StateFileError(f"state file {path} names an unknown preset {data.get('preset')!r}") from None
        cluster.restore(data)
        return cluster


# ---- bootstrap objects ----------------------------------------------------------------------------

def _owner(obj: dict[str, Any], controller: bool = True) -> dict[str, Any]:
    return {"apiVersion": obj["apiVersion"], "blockOwnerDeletion": True, "controller": controller,
            "kind": obj["kind"], "name": obj["metadata"]["name"], "uid": obj["metadata"]["uid"]}


def _hexid(seed: str) -> str:
    import hashlib

    return hashlib.sha256(seed.encode()).hexdigest()


def _image_id(image: str) -> str:
    repo = image.rsplit(":", 1)[0] if ":" in image.split("/")[-1] else image
    if "/" not in repo.split(":")[0] or repo.count("/") == 0:
        repo = f"docker.io/library/{repo}"
    return f"{repo}@sha256:{_hexid(image)}"


def _template_hash(template: dict[str, Any]) -> str:
    """pod-template-hash: FNV-1a 32 over the template, printed in decimal, digits SafeEncoded."""
    data = json.dumps(template, sort_keys=True).encode()
    h = 0x811C9DC5
    for b in data:
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return "".join("bcdfghjklmnpqrstvwxz2456789"[ord(ch) % 27] for ch in str(h))


def _static_pods(node: str, ip: str) -> list[dict[str, Any]]:
    def pod(name: str, component: str, image: str, command: list[str], cpu: str, extra_ann: dict[str, str],
            port: int) -> dict[str, Any]:
        ann = {"kubernetes.io/config.hash": _hexid(name)[:32], "kubernetes.io/config.mirror": _hexid(name)[:32],
               "kubernetes.io/config.seen": "2026-12-01T09:00:00.000000000Z", "kubernetes.io/config.source": "file"}
        ann.update(extra_ann)
        return {
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"{name}-{node}", "namespace": "kube-system",
                         "labels": {"component": component, "tier": "control-plane"}, "annotations": ann,
                         "ownerReferences": [{"apiVersion": "v1", "controller": True, "kind": "Node", "name": node,
                                              "uid": "00000000-0000-0000-0000-000000000000"}]},
            "spec": {
                "containers": [{
                    "name": name, "image": image, "command": command,
                    "resources": {"requests": {"cpu": cpu}},
                    "livenessProbe": {"failureThreshold": 8, "httpGet": {"host": ip if name != "etcd" else "127.0.0.1",
                                                                         "path": "/livez" if name != "etcd" else "/livez",
                                                                         "port": port, "scheme": "HTTPS" if name != "etcd" else "HTTP"},
                                      "initialDelaySeconds": 10, "periodSeconds": 10, "timeoutSeconds": 15},
                }],
                "hostNetwork": True, "priority": 2000001000, "priorityClassName": "system-node-critical",
                "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
                "tolerations": [{"effect": "NoExecute", "operator": "Exists"}],
            },
        }

    return [
        pod("etcd", "etcd", "registry.k8s.io/etcd:3.5.16-0",
            ["etcd", f"--advertise-client-urls=https://{ip}:2379", "--data-dir=/var/lib/etcd",
             f"--initial-advertise-peer-urls=https://{ip}:2380", f"--listen-client-urls=https://127.0.0.1:2379,https://{ip}:2379",
             f"--name={node}"], "100m",
            {"kubeadm.kubernetes.io/etcd.advertise-client-urls": f"https://{ip}:2379"}, 2381),
        pod("kube-apiserver", "kube-apiserver", f"registry.k8s.io/kube-apiserver:{KUBE_VERSION}",
            ["kube-apiserver", f"--advertise-address={ip}", "--allow-privileged=true", "--authorization-mode=Node,RBAC",
             "--enable-admission-plugins=NodeRestriction", "--etcd-servers=https://127.0.0.1:2379",
             "--secure-port=6443", "--service-cluster-ip-range=10.96.0.0/12"], "250m",
            {"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint": f"{ip}:6443"}, 6443),
        pod("kube-controller-manager", "kube-controller-manager",
            f"registry.k8s.io/kube-controller-manager:{KUBE_VERSION}",
            ["kube-controller-manager", "--allocate-node-cidrs=true", "--cluster-cidr=10.244.0.0/16",
             "--cluster-name=kubernetes", "--controllers=*,bootstrapsigner,tokencleaner", "--leader-elect=true",
             "--service-cluster-ip-range=10.96.0.0/12", "--use-service-account-credentials=true"], "200m", {}, 10257),
        pod("kube-scheduler", "kube-scheduler", f"registry.k8s.io/kube-scheduler:{KUBE_VERSION}",
            ["kube-scheduler", "--authentication-kubeconfig=/etc/kubernetes/scheduler.conf",
             "--bind-address=127.0.0.1", "--kubeconfig=/etc/kubernetes/scheduler.conf", "--leader-elect=true"],
            "100m", {}, 10259),
    ]


def _coredns_deployment(replicas: int) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "coredns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"k8s-app": "kube-dns"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
            "template": {
                "metadata": {"labels": {"k8s-app": "kube-dns"}},
                "spec": {
                    "containers": [{
                        "name": "coredns", "image": "registry.k8s.io/coredns/coredns:v1.11.3",
                        "args": ["-conf", "/etc/coredns/Corefile"],
                        "ports": [{"containerPort": 53, "name": "dns", "protocol": "UDP"},
                                  {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                                  {"containerPort": 9153, "name": "metrics", "protocol": "TCP"}],
                        "resources": {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}},
                        "livenessProbe": {"failureThreshold": 5, "httpGet": {"path": "/health", "port": 8080},
                                          "initialDelaySeconds": 60, "timeoutSeconds": 5},
                        "readinessProbe": {"httpGet": {"path": "/ready", "port": 8181}},
                        "volumeMounts": [{"mountPath": "/etc/coredns", "name": "config-volume", "readOnly": True}],
                    }],
                    "dnsPolicy": "Default",
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "priorityClassName": "system-cluster-critical",
                    "serviceAccountName": "coredns",
                    "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"},
                                    {"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}],
                    "volumes": [{"configMap": {"items": [{"key": "Corefile", "path": "Corefile"}], "name": "coredns"},
                                 "name": "config-volume"}],
                },
            },
        },
    }


def _kube_proxy_daemonset() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "kube-proxy", "namespace": "kube-system", "labels": {"k8s-app": "kube-proxy"}},
        "spec": {
            "selector": {"matchLabels": {"k8s-app": "kube-proxy"}},
            "template": {
                "metadata": {"labels": {"k8s-app": "kube-proxy"}},
                "spec": {
                    "containers": [{
                        "name": "kube-proxy", "image": f"registry.k8s.io/kube-proxy:{KUBE_VERSION}",
                        "command": ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf",
                                    "--hostname-override=$(NODE_NAME)"],
                        "env": [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
                        "securityContext": {"privileged": True},
                        "volumeMounts": [{"mountPath": "/var/lib/kube-proxy", "name": "kube-proxy"},
                                         {"mountPath": "/run/xtables.lock", "name": "xtables-lock"},
                                         {"mountPath": "/lib/modules", "name": "lib-modules", "readOnly": True}],
                    }],
                    "hostNetwork": True,
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "priorityClassName": "system-node-critical",
                    "serviceAccountName": "kube-proxy",
                    "tolerations": [{"operator": "Exists"}],
                    "volumes": [{"configMap": {"name": "kube-proxy"}, "name": "kube-proxy"},
                                {"hostPath": {"path": "/run/xtables.lock", "type": "FileOrCreate"},
                                 "name": "xtables-lock"},
                                {"hostPath": {"path": "/lib/modules", "type": ""}, "name": "lib-modules"}],
                },
            },
            "updateStrategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}, "type": "RollingUpdate"},
        },
    }


def _flannel_daemonset() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "kube-flannel-ds", "namespace": "kube-flannel",
                     "labels": {"app": "flannel", "k8s-app": "flannel", "tier": "node"}},
        "spec": {
            "selector": {"matchLabels": {"app": "flannel", "k8s-app": "flannel"}},
            "template": {
                "metadata": {"labels": {"app": "flannel", "k8s-app": "flannel", "tier": "node"}},
                "spec": {
                    "initContainers": [
                        {"name": "install-cni-plugin", "image": "ghcr.io/flannel-io/flannel-cni-plugin:v1.6.2-flannel1",
                         "command": ["cp"], "args": ["-f", "/flannel", "/opt/cni/bin/flannel"],
                         "volumeMounts": [{"mountPath": "/opt/cni/bin", "name": "cni-plugin"}]},
                        {"name": "install-cni", "image": "ghcr.io/flannel-io/flannel:v0.26.4",
                         "command": ["cp"], "args": ["-f", "/etc/kube-flannel/cni-conf.json",
                                                     "/etc/cni/net.d/10-flannel.conflist"],
                         "volumeMounts": [{"mountPath": "/etc/cni/net.d", "name": "cni"},
                                          {"mountPath": "/etc/kube-flannel/", "name": "flannel-cfg"}]},
                    ],
                    "containers": [{
                        "name": "kube-flannel", "image": "ghcr.io/flannel-io/flannel:v0.26.4",
                        "command": ["/opt/bin/flanneld"], "args": ["--ip-masq", "--kube-subnet-mgr"],
                        "env": [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                                {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                                {"name": "EVENT_QUEUE_DEPTH", "value": "5000"}],
                        "resources": {"requests": {"cpu": "100m", "memory": "50Mi"}},
                        "securityContext": {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}, "privileged": False},
                        "volumeMounts": [{"mountPath": "/run/flannel", "name": "run"},
                                         {"mountPath": "/etc/kube-flannel/", "name": "flannel-cfg"},
                                         {"mountPath": "/run/xtables.lock", "name": "xtables-lock"}],
                    }],
                    "hostNetwork": True,
                    "priorityClassName": "system-node-critical",
                    "serviceAccountName": "flannel",
                    "tolerations": [{"effect": "NoSchedule", "operator": "Exists"}],
                    "volumes": [{"hostPath": {"path": "/run/flannel", "type": ""}, "name": "run"},
                                {"hostPath": {"path": "/opt/cni/bin", "type": ""}, "name": "cni-plugin"},
                                {"hostPath": {"path": "/etc/cni/net.d", "type": ""}, "name": "cni"},
                                {"configMap": {"name": "kube-flannel-cfg"}, "name": "flannel-cfg"},
                                {"hostPath": {"path": "/run/xtables.lock", "type": "FileOrCreate"},
                                 "name": "xtables-lock"}],
                },
            },
        },
    }


def _kubeadm_cluster_configuration(ip: str) -> str:
    return (
        "apiServer: {}\n"
        "apiVersion: kubeadm.k8s.io/v1beta4\n"
        "caCertificateValidityPeriod: 87600h0m0s\n"
        "certificateValidityPeriod: 8760h0m0s\n"
        "certificatesDir: /etc/kubernetes/pki\n"
        "clusterName: kubernetes\n"
        f"controlPlaneEndpoint: {ip}:6443\n"
        "controllerManager: {}\n"
        "dns: {}\n"
        "encryptionAlgorithm: RSA-2048\n"
        "etcd:\n"
        "  local:\n"
        "    dataDir: /var/lib/etcd\n"
        "imageRepository: registry.k8s.io\n"
        "kind: ClusterConfiguration\n"
        f"kubernetesVersion: {KUBE_VERSION}\n"
        "networking:\n"
        "  dnsDomain: cluster.local\n"
        "  podSubnet: 10.244.0.0/16\n"
        "  serviceSubnet: 10.96.0.0/12\n"
        "proxy: {}\n"
        "scheduler: {}\n"
    )


_KUBELET_CONFIG = """apiVersion: kubelet.config.k8s.io/v1beta1
authentication:
  anonymous:
    enabled: false
  webhook:
    cacheTTL: 0s
    enabled: true
  x509:
    clientCAFile: /etc/kubernetes/pki/ca.crt
authorization:
  mode: Webhook
  webhook:
    cacheAuthorizedTTL: 0s
    cacheUnauthorizedTTL: 0s
cgroupDriver: systemd
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
containerRuntimeEndpoint: ""
cpuManagerReconcilePeriod: 0s
crashLoopBackOff: {}
evictionPressureTransitionPeriod: 0s
fileCheckFrequency: 0s
healthzBindAddress: 127.0.0.1
healthzPort: 10248
httpCheckFrequency: 0s
imageMaximumGCAge: 0s
imageMinimumGCAge: 0s
kind: KubeletConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
memorySwap: {}
nodeStatusReportFrequency: 0s
nodeStatusUpdateFrequency: 0s
rotateCertificates: true
runtimeRequestTimeout: 0s
shutdownGracePeriod: 0s
shutdownGracePeriodCriticalPods: 0s
staticPodPath: /etc/kubernetes/manifests
streamingConnectionIdleTimeout: 0s
syncFrequency: 0s
volumeStatsAggPeriod: 0s
"""

_CLUSTER_INFO_KUBECONFIG = """apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURCVENDQWUyZ0F3SUJBZ0lJSzhzdHV0b3IKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=
    server: https://MASTER_IP:6443
  name: ""
contexts: null
current-context: ""
kind: Config
preferences: {}
users: null
"""

_KUBE_PROXY_KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    server: https://192.168.66.10:6443
  name: default
contexts:
- context:
    cluster: default
    namespace: default
    user: default
  name: default
current-context: default
users:
- name: default
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
"""

__all__ = ["Cluster", "StateFileError", "StatusError"]
