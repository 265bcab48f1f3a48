"""One node's kubelet: pod workers, image manager, probes, restarts, termination, heartbeats."""

from __future__ import annotations

import base64
import functools
import hashlib
import ipaddress
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..controllers.base import WorkQueue
from ..events import EventRecorder
from ..runtime.containers import Container, Sandbox, container_id, http_answer, ingest_run, probe_request
from ..runtime.images import ImageRef, ImageRefError, go_duration, parse_image, pull_seconds
from ..runtime.processes import (
    FOREVER,
    JournalVFS,
    ProcessRun,
    ProcessRunner,
    ProcessSpec,
    build_rootfs,
    command_line,
    exec_in,
    server_fast_path,
)
from ..timeutil import parse_rfc3339
from ..timeutil import rfc3339 as _rfc3339
from . import volumes as podvolumes
from .eviction import eviction_of

if TYPE_CHECKING:
    from ..clock import Timer
    from . import KubeletManager

SHELLS = {"sh", "bash", "ash", "dash", "sleep", "tail"}

# Status writes format the same few virtual instants over and over (condition times, startedAt).
rfc3339 = functools.lru_cache(maxsize=4096)(_rfc3339)


@dataclass
class ProbeState:
    """Progress of one probe of one container."""

    kind: str  # liveness | readiness | startup
    spec: dict[str, Any]
    successes: int = 0
    failures: int = 0
    timer: Timer | None = None


@dataclass
class CState:
    """The kubelet's view of one container of a pod (across restarts)."""

    name: str
    spec: dict[str, Any]
    init: bool
    index: int
    ref: ImageRef | None = None
    ref_error: str = ""
    waiting_reason: str = "ContainerCreating"
    waiting_message: str = ""
    current: Container | None = None
    last: Container | None = None
    restarts: int = 0
    ready: bool = False
    started_flag: bool = False
    backoff: float = 0.0
    backoff_at: float = 0.0
    pull_backoff: float = 0.0
    probes: list[ProbeState] = field(default_factory=list)
    timers: list[Timer] = field(default_factory=list)
    done: bool = False  # init container completed successfully
    image_id: str = ""
    stopping: bool = False

    @property
    def field_path(self) -> str:
        return f"spec.{'initContainers' if self.init else 'containers'}{{{self.name}}}"


class PodWorker:
    """Drives one pod."""

    def __init__(self, kubelet: Kubelet, pod: dict[str, Any]) -> None:
        self.k = kubelet
        meta = pod["metadata"]
        self.ns = meta.get("namespace", "default")
        self.name = meta["name"]
        self.uid = meta.get("uid", "")
        self.pod = pod
        spec = pod.get("spec") or {}
        self.restart_policy = spec.get("restartPolicy", "Always")
        self.host_network = bool(spec.get("hostNetwork"))
        self.inits = [CState(c["name"], c, True, i) for i, c in enumerate(spec.get("initContainers") or [])]
        self.mains = [CState(c["name"], c, False, i) for i, c in enumerate(spec.get("containers") or [])]
        self.sandbox: Sandbox | None = None
        self.pod_ip = ""
        self.start_time: float | None = None
        self.cond_times: dict[str, tuple[str, float]] = {}
        self.adopted = False
        self.terminating = False
        self.terminal = False
        self.gone = False
        self.timers: list[Timer] = []
        self.vols: Any = None
        self.mount_backoff = 0.0
        self.evicted = ""  # the eviction message once the eviction manager evicted the pod

    # ---- helpers ----------------------------------------------------------------------------------------------
    def all_states(self) -> list[CState]:
        return self.inits + self.mains

    def find(self, name: str) -> CState | None:
        for cs in self.all_states():
            if cs.name == name:
                return cs
        return None

    def at(self, t: float, fn: Callable[[], object]) -> None:
        self.timers.append(self.k.at(t, lambda: None if self.gone else fn()))

    def cancel(self) -> None:
        for t in self.timers:
            t.cancel()
        for cs in self.all_states():
            for t in cs.timers:
                t.cancel()
            for p in cs.probes:
                if p.timer:
                    p.timer.cancel()
        self.timers.clear()


class Kubelet:
    """The kubelet of one node."""

    def __init__(self, manager: KubeletManager, node: str) -> None:
        self.m = manager
        self.cluster = manager.cluster
        self.api = manager.api
        self.clock = manager.cluster.clock
        self.t = manager.timings
        self.node = node
        self.queue = WorkQueue()
        self.recorder = EventRecorder(self.api, "kubelet", node)
        self.workers: dict[tuple[str, str], PodWorker] = {}
        self.images: dict[str, tuple[ImageRef, int, str]] = {}  # full ref -> (ref, size, imageID)
        self.images_dirty = False
        self.pull_free_at = 0.0
        self.inflight: dict[str, float] = {}
        self.ip_used: set[str] = set()
        self.ip_next = 2
        self.down = False
        self._heartbeat_timers: list[Timer] = []
        self._batches: dict[float, list[Callable[[], None]]] = {}
        self.last_report = 0.0
        node_obj = self.api.peek("nodes", node)
        self.node_ip = ""
        self.cidr: ipaddress.IPv4Network | None = None
        if node_obj is not None:
            for a in (node_obj.get("status") or {}).get("addresses") or []:
                if a.get("type") == "InternalIP":
                    self.node_ip = a.get("address", "")
            cidr = (node_obj.get("spec") or {}).get("podCIDR")
            if cidr:
                self.cidr = _parse_cidr(cidr)
        self.jitter = int(hashlib.sha256(node.encode()).hexdigest()[:6], 16) % 10_000 / 1000.0

    # ---- timers (batched per node and instant) ---------------------------------------------------------------
    def at(self, t: float, fn: Callable[[], object]) -> Timer:
        """Run fn at t; callbacks due at the same instant on this node share one clock timer."""
        t = max(t, self.clock.now())
        batch = self._batches.get(t)
        handle = _Handle(fn)
        if batch is None:
            batch = []
            self._batches[t] = batch
            self.clock.call_at(t, lambda: self._fire(t))
        batch.append(handle.run)
        return handle  # type: ignore[return-value]

    def _fire(self, t: float) -> None:
        for fn in self._batches.pop(t, []):
            fn()

    # ---- lifecycle -------------------------------------------------------------------------------------------
    def start(self) -> None:
        """Start heartbeats."""
        now = self.clock.now()
        self.last_report = now
        self._schedule_heartbeats(now + self.jitter)

    def stop(self) -> None:
        """The node was deleted: stop everything."""
        for t in self._heartbeat_timers:
            t.cancel()
        for w in self.workers.values():
            w.gone = True
            w.cancel()
        self.workers.clear()
        self.down = True

    def adopt_existing(self, pods: list[dict[str, Any]] | None = None) -> None:
        """Take over pods already running on the node (the bootstrap's static, DaemonSet and addon pods)."""
        if pods is None:
            pods = self.api.list_objects("pods", field_selector=f"spec.nodeName={self.node}")
        for pod in pods:
            key = (pod["metadata"].get("namespace", ""), pod["metadata"]["name"])
            status = pod.get("status") or {}
            if key in self.workers:
                continue
            ip = status.get("podIP")
            if ip and ip != self.node_ip:
                self.ip_used.add(ip)
            if status.get("phase") == "Running" and status.get("containerStatuses"):
                w = PodWorker(self, pod)
                w.adopted = True
                w.pod_ip = ip or ""
                if status.get("startTime"):
                    w.start_time = parse_rfc3339(status["startTime"])
                for cs in w.all_states():
                    try:
                        cs.ref = parse_image(cs.spec.get("image", ""))
                    except ImageRefError:
                        continue
                    img = self.m.catalogue.lookup(cs.ref)
                    self._cache_image(cs.ref, img.size if img else 0)
                self.workers[key] = w
                self._adopt_containers(w, status)
            else:
                self.queue.add(("pods", key[0], key[1]))
        self.images_dirty = True

    def _adopt_containers(self, w: PodWorker, status: dict[str, Any]) -> None:
        """Recreate the runtime side of an adopted Running pod (sandbox, running containers) from its status,
        without writing the pod's status: its containerIDs and startedAt times stay what they are."""
        created = w.start_time if w.start_time is not None else self.clock.now()
        w.sandbox = Sandbox(container_id("sandbox", w.uid), w.name, w.ns, w.uid, created)
        by_name = {st.get("name"): st for st in status.get("containerStatuses") or []}
        for st in status.get("initContainerStatuses") or []:
            cs = w.find(st.get("name", ""))
            if cs is not None and cs.init:
                term = (st.get("state") or {}).get("terminated") or {}
                cs.done = bool(st.get("ready")) or (bool(term) and term.get("exitCode") == 0)
                cs.waiting_reason = ""
                cs.image_id = st.get("imageID", "")
        for cs in w.mains:
            st = by_name.get(cs.name)
            running = ((st or {}).get("state") or {}).get("running")
            if st is None or running is None or cs.ref is None:
                continue
            cs.waiting_reason = ""
            cs.image_id = st.get("imageID", "")
            cs.restarts = int(st.get("restartCount", 0) or 0)
            cs.ready = bool(st.get("ready"))
            cs.started_flag = bool(st.get("started", True))
            started = parse_rfc3339(running.get("startedAt") or "")
            self._adopt_container(w, cs, st, created if started is None else started)

    def _adopt_container(self, w: PodWorker, cs: CState, st: dict[str, Any], started: float) -> None:
        """Start the runtime container of one adopted container as it has been running since ``started``."""
        assert cs.ref is not None and w.sandbox is not None
        img = self.m.catalogue.lookup(cs.ref)
        cid = str(st.get("containerID") or "").split("://", 1)[-1] or container_id(w.uid, cs.name, "0", "")
        try:
            env = self._container_env(w, cs, img.env if img else {})
        except Exception:  # noqa: BLE001 - a config source went away: the process keeps the image's env
            env = dict(img.env) if img else {}
            env.setdefault("HOSTNAME", w.name)
        argv = command_line(cs.spec, img)
        c = Container(
            cid,
            cs.name,
            w.sandbox.id,
            w.name,
            w.ns,
            cs.ref,
            img,
            cs.restarts,
            started,
            argv,
            env,
            env.get("HOSTNAME", w.name),
            w.pod_ip,
        )
        c.extra_files = self._volume_files(w, cs)
        if not w.host_network:
            from ..network.dns import resolv_conf

            c.extra_files.setdefault("/etc/resolv.conf", resolv_conf(w.pod).text())
            c.extra_files.setdefault("/etc/hosts", _etc_hosts(w))
        spec, run = self._spawn(w, c, cs, img, argv, env, started, mount=False)
        if run.start_error or run.exit_code is not None:
            # Not a long-running process in this runtime: keep the container up as the status says.
            run = type(run)(
                effects=[e for e in run.effects if e.kind in ("out", "err")], exit_code=None, horizon=FOREVER
            )
        c.started = started
        ingest_run(c, run)
        cs.current = c
        if run.horizon < FOREVER:
            self._schedule_continuation(
                w, cs, c, spec, run.horizon, len(run.effects) if run.suspended else -1
            )

    def go_down(self) -> None:
        """Node powered off: no heartbeats, no pod work until it comes back."""
        if self.down:
            return
        self.down = True
        for t in self._heartbeat_timers:
            t.cancel()
        self._heartbeat_timers.clear()
        for w in self.workers.values():
            w.cancel()

    def go_up(self) -> None:
        """Node back: renew the lease, post Ready, restart the pods' containers."""
        if not self.down:
            return
        self.down = False
        now = self.clock.now()
        self._renew_lease()
        self._report_status(force=True, ready_transition=True)
        self._schedule_heartbeats(now + self.t.lease_renew)
        for (ns, name), w in list(self.workers.items()):
            w.gone = True
            del self.workers[(ns, name)]
            self.queue.add(("pods", ns, name))
        self.m.queue.add(("node", "", self.node))

    # ---- heartbeats -----------------------------------------------------------------------------------------
    def _schedule_heartbeats(self, first: float) -> None:
        def lease_tick() -> None:
            if self.down:
                return
            self._renew_lease()
            self._heartbeat_timers.append(self.clock.call_after(self.t.lease_renew, lease_tick))

        def status_tick() -> None:
            if self.down:
                return
            self._report_status()
            self._heartbeat_timers.append(self.clock.call_after(self.t.node_status_update, status_tick))

        self._heartbeat_timers = [
            self.clock.call_at(first, lease_tick),
            self.clock.call_at(first, status_tick),
        ]
        if len(self._heartbeat_timers) > 64:
            self._heartbeat_timers = [t for t in self._heartbeat_timers if not t.cancelled][-4:]

    def _renew_lease(self) -> None:
        lease = self.api.peek("leases.coordination.k8s.io", self.node, "kube-node-lease")
        now = rfc3339(self.clock.now()).replace("Z", ".000000Z")
        if lease is None:
            try:
                self.api.create(
                    {
                        "apiVersion": "coordination.k8s.io/v1",
                        "kind": "Lease",
                        "metadata": {"name": self.node, "namespace": "kube-node-lease"},
                        "spec": {"holderIdentity": self.node, "leaseDurationSeconds": 40, "renewTime": now},
                    }
                )
            except Exception:  # noqa: BLE001 - namespace gone etc.; the kubelet retries next tick
                pass
            return
        new = dict(lease)
        new["spec"] = dict(lease.get("spec") or {}, renewTime=now)
        new["metadata"] = dict(lease["metadata"])
        try:
            self.api.update(new, "kube-node-lease", validate_schema=False)
        except Exception:  # noqa: BLE001
            pass

    def _report_status(self, force: bool = False, ready_transition: bool = False) -> None:
        node = self.api.peek("nodes", self.node)
        if node is None:
            return
        now = self.clock.now()
        due = now - self.last_report >= self.t.node_status_report - 1e-6
        conds = (node.get("status") or {}).get("conditions") or []
        not_ready = any(c.get("type") == "Ready" and c.get("status") != "True" for c in conds)
        if not (force or due or self.images_dirty or not_ready):
            return
        # A new status over the stored one (shared parts are never mutated): conditions are copied, the image
        # list is rebuilt only when the node's images changed.
        new = dict(node)
        st = new["status"] = dict(node.get("status") or {})
        st["conditions"] = [dict(c) for c in st.get("conditions") or []]
        ts = rfc3339(now)
        for c in st.get("conditions") or []:
            if c.get("type") == "NetworkUnavailable":
                continue
            c["lastHeartbeatTime"] = ts
            if c.get("type") == "Ready" and c.get("status") != "True":
                c.update(
                    status="True",
                    reason="KubeletReady",
                    message="kubelet is posting ready status",
                    lastTransitionTime=ts,
                )
                self.recorder.event(
                    _node_ref(new), "Normal", "NodeReady", f"Node {self.node} status is now: NodeReady"
                )
            elif (
                c.get("type") in ("MemoryPressure", "DiskPressure", "PIDPressure")
                and c.get("status") != "False"
            ):
                reason = {
                    "MemoryPressure": (
                        "KubeletHasSufficientMemory",
                        "kubelet has sufficient memory available",
                    ),
                    "DiskPressure": ("KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                    "PIDPressure": ("KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                }[c["type"]]
                c.update(status="False", reason=reason[0], message=reason[1], lastTransitionTime=ts)
        if self.images_dirty or "images" not in st:
            st["images"] = self._images_status()
        self.images_dirty = False
        self.last_report = now
        try:
            self.api.write_status(new, handover=True)
        except Exception:  # noqa: BLE001
            pass

    def _images_status(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for full, (_ref, size, image_id) in self.images.items():
            out.append({"names": [image_id, full], "sizeBytes": size})
        out.sort(key=lambda x: (-x["sizeBytes"], x["names"][1]))
        return out[:50]

    def _cache_image(self, ref: ImageRef, size: int) -> None:
        if ref.full not in self.images:
            img = self.m.catalogue.lookup(ref)
            iid = img.image_id(ref) if img else f"{ref.repository}@{_digest(ref.full)}"
            self.images[ref.full] = (ref, size, iid)
            self.images_dirty = True

    # ---- sync ----------------------------------------------------------------------------------------------
    def process(self) -> int:
        """Sync queued pods."""
        n = 0
        while True:
            key = self.queue.pop()
            if key is None:
                return n
            n += 1
            if not self.down:
                self.sync(key[1], key[2])

    def sync(self, ns: str, name: str) -> None:
        """Level-driven: compare the pod object with the worker and act."""
        pod = self.api.peek("pods", name, ns)
        key = (ns, name)
        w = self.workers.get(key)
        if (
            pod is None
            or (pod.get("spec") or {}).get("nodeName") != self.node
            or (w is not None and w.uid != pod["metadata"].get("uid"))
        ):
            if w is not None:
                self._forget(w)
            if pod is None or (pod.get("spec") or {}).get("nodeName") != self.node:
                return
            w = None
        if w is None:
            phase = (pod.get("status") or {}).get("phase")
            if phase in ("Succeeded", "Failed"):
                return
            if pod["metadata"].get("deletionTimestamp"):
                self.api.finalize_pod(name, ns)
                return
            w = PodWorker(self, pod)
            self.workers[key] = w
            self._admit(w)
            return
        w.pod = pod
        if pod["metadata"].get("deletionTimestamp") and not w.terminating:
            if _is_mirror(pod):
                self._recreate_mirror(w, pod)
                return
            self._terminate(w, pod)

    def _recreate_mirror(self, w: PodWorker, pod: dict[str, Any]) -> None:
        """A deleted mirror pod: the static pod keeps running and the kubelet posts a new mirror pod at once
        (from the static manifest), its status the static pod's current status."""
        meta = pod["metadata"]
        new_meta: dict[str, Any] = {"name": meta["name"], "namespace": meta.get("namespace", w.ns)}
        for k in ("labels", "annotations", "ownerReferences"):
            if meta.get(k):
                new_meta[k] = json.loads(json.dumps(meta[k]))
        manifest = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": new_meta,
            "spec": json.loads(json.dumps(pod.get("spec") or {})),
        }
        old_status = json.loads(json.dumps(pod.get("status") or {}))
        self.api.finalize_pod(w.name, w.ns)
        if self.api.peek("pods", w.name, w.ns) is not None:
            return  # finalizers hold the old object: it is not gone yet
        try:
            created = self.api.create(manifest, w.ns, validate_schema=False)
        except Exception:  # noqa: BLE001 - e.g. the namespace is terminating: the kubelet retries later
            self._forget(w)
            return
        w.uid = created["metadata"].get("uid", "")
        w.pod = created
        if old_status:
            created["status"] = old_status
            try:
                w.pod = self.api.update_status(created)
            except Exception:  # noqa: BLE001
                pass

    def _forget(self, w: PodWorker) -> None:
        w.gone = True
        w.cancel()
        self.workers.pop((w.ns, w.name), None)
        vs = getattr(self.m.cluster, "volumes", None)
        if vs is not None:
            vs.drop_pod(w.uid)
        if w.pod_ip and w.pod_ip != self.node_ip:
            self.ip_used.discard(w.pod_ip)

    # ---- admission and sandbox ----------------------------------------------------------------------------------
    def _admit(self, w: PodWorker) -> None:
        now = self.clock.now()
        w.start_time = now
        for cs in w.all_states():
            cs.waiting_reason = (
                "PodInitializing"
                if (w.inits and not cs.init) or (cs.init and cs.index > 0)
                else ("PodInitializing" if cs.init else "ContainerCreating")
            )
            try:
                cs.ref = parse_image(cs.spec.get("image", ""))
            except ImageRefError as e:
                cs.ref_error = str(e)
        self._write_status(w)
        w.at(now + self.t.sandbox, lambda: self._sandbox_ready(w))

    def _allocate_ip(self) -> str:
        if self.cidr is None:
            return ""
        size = self.cidr.num_addresses
        base = int(self.cidr.network_address)
        for _ in range(size):
            i = self.ip_next
            self.ip_next = self.ip_next + 1 if self.ip_next + 1 < size - 1 else 2
            ip = str(ipaddress.ip_address(base + i))
            if ip not in self.ip_used:
                self.ip_used.add(ip)
                return ip
        return ""

    def _sandbox_ready(self, w: PodWorker) -> None:
        now = self.clock.now()
        w.sandbox = Sandbox(container_id("sandbox", w.uid), w.name, w.ns, w.uid, now)
        w.pod_ip = self.node_ip if w.host_network else self._allocate_ip()
        self._mount_volumes(w)

    def _mount_volumes(self, w: PodWorker) -> None:
        """WaitForAttachAndMount: set up the pod's volumes, retrying with back-off (FailedMount events)."""
        if w.terminating or w.terminal or w.gone:
            return
        cluster = self.m.cluster
        if getattr(cluster, "volumes", None) is None:
            self._next_container(w)
            return
        try:
            w.vols = podvolumes.mount_pod_volumes(cluster, w.pod, self.node, self.node_ip, w.pod_ip)
        except podvolumes.NotReady:
            w.at(self.clock.now() + 2.0, lambda: self._mount_volumes(w))
            return
        except podvolumes.MountError as e:
            self.recorder.event(w.pod, "Warning", "FailedMount", str(e))
            w.mount_backoff = min(max(w.mount_backoff * 2, 0.5), 122.0)
            w.at(self.clock.now() + w.mount_backoff, lambda: self._mount_volumes(w))
            return
        self.m.track_volume_sources(self, w)
        eviction_of(self.m).track(self, w)
        self._next_container(w)

    def evict(self, w: PodWorker, message: str) -> None:
        """The eviction manager's ``evictPod``: a Warning Evicted event, every container stopped (grace 0 is
        raised to the runtime's 2 s minimum), then the pod Failed with reason Evicted; its emptyDirs go."""
        if w.evicted or w.terminating or w.terminal:
            return
        w.evicted = message
        w.terminal = True
        self.recorder.event(w.pod, "Warning", "Evicted", message)
        running = [cs for cs in w.all_states() if cs.current is not None and cs.current.running]
        left = {cs.name for cs in running}

        def finish(name: str = "") -> None:
            left.discard(name)
            if left:
                return
            if w.sandbox:
                w.sandbox.ready = False
            vs = getattr(self.m.cluster, "volumes", None)
            if vs is not None:
                vs.drop_pod(w.uid)
            self._write_status(w)

        for cs in running:
            c = cs.current
            assert c is not None
            self.recorder.event(w.pod, "Normal", "Killing", f"Stopping container {cs.name}", cs.field_path)
            self._kill(w, cs, c, None, 2.0, then=functools.partial(finish, cs.name))
        if not running:
            finish()

    def refresh_volumes(self, w: PodWorker) -> None:
        """The periodic sync: ConfigMap/Secret changes reach mounted (non-subPath) volumes."""
        if w.vols is not None and not w.gone:
            podvolumes.refresh(self.m.cluster, w.pod, w.vols, self.node_ip, w.pod_ip)

    def _next_container(self, w: PodWorker) -> None:
        """Start the next init container, or all main containers once init is done."""
        if w.terminating or w.terminal:
            return
        for cs in w.inits:
            if cs.done:
                continue
            if cs.current is None or not cs.current.running:
                if not cs.stopping and not (
                    cs.current and cs.current.finished is not None and cs.backoff_at > 0
                ):
                    self._ensure_image(w, cs)
            self._write_status(w)
            return
        changed = False
        for cs in w.mains:
            if cs.current is None and not cs.timers:
                if cs.waiting_reason == "PodInitializing":
                    cs.waiting_reason = "ContainerCreating"
                    changed = True
                self._ensure_image(w, cs)
        if changed:
            self._write_status(w)

    # ---- images ----------------------------------------------------------------------------------------------
    def _ensure_image(self, w: PodWorker, cs: CState) -> None:
        now = self.clock.now()
        pod = w.pod
        image = cs.spec.get("image", "")
        if cs.ref is None:
            cs.waiting_reason = "InvalidImageName"
            cs.waiting_message = f'Failed to apply default image tag "{image}": {cs.ref_error}'
            self.recorder.event(pod, "Warning", "InspectFailed", cs.waiting_message, cs.field_path)
            self.recorder.event(pod, "Warning", "Failed", "Error: InvalidImageName", cs.field_path)
            self._write_status(w)
            return
        ref = cs.ref
        policy = cs.spec.get("imagePullPolicy") or ("Always" if ref.tag == "latest" else "IfNotPresent")
        cached = ref.full in self.images
        if policy == "Never" and not cached:
            cs.waiting_reason = "ErrImageNeverPull"
            cs.waiting_message = f'Container image "{image}" is not present with pull policy of Never'
            self.recorder.event(pod, "Warning", "ErrImageNeverPull", cs.waiting_message, cs.field_path)
            self.recorder.event(pod, "Warning", "Failed", "Error: ErrImageNeverPull", cs.field_path)
            self._write_status(w)
            return
        if cached and policy != "Always":
            self.recorder.event(
                pod,
                "Normal",
                "Pulled",
                f'Container image "{image}" already present on machine',
                cs.field_path,
            )
            cs.image_id = self.images[ref.full][2]
            self._create_start(w, cs, now + self.t.create)
            return
        self.recorder.event(pod, "Normal", "Pulling", f'Pulling image "{image}"', cs.field_path)
        err = self._pull_error(w, ref, image)
        img = self.m.catalogue.lookup(ref)
        begin = max(now, self.pull_free_at)
        if err is not None:
            done = begin + 0.5
            self.pull_free_at = done
            w.at(done, lambda: self._pull_failed(w, cs, err))
            return
        size = img.size if img else 0
        inflight = self.inflight.get(ref.full, 0.0)
        if inflight > now:
            # The same image is already being pulled: containerd shares the content, this pull only resolves.
            begin = max(begin, inflight)
            cached = True
        secs = self.t.cached_pull if cached else pull_seconds(size, self.t.pull_bandwidth)
        secs += self.m.faults.pull_delay(image, ref.full)
        done = begin + secs
        self.pull_free_at = done
        if not cached:
            self.inflight[ref.full] = done
        cs.waiting_reason = (
            cs.waiting_reason
            if cs.waiting_reason in ("ContainerCreating", "PodInitializing")
            else (cs.waiting_reason)
        )

        def pulled() -> None:
            self._cache_image(ref, size)
            cs.image_id = self.images[ref.full][2]
            cs.pull_backoff = 0.0
            self.recorder.event(
                w.pod,
                "Normal",
                "Pulled",
                f'Successfully pulled image "{image}" in {go_duration(secs)} ({go_duration(done - now)} including '
                f"waiting). Image size: {size} bytes.",
                cs.field_path,
            )
            self._create_start(w, cs, self.clock.now() + self.t.create)

        w.at(done, pulled)

    def _pull_error(self, w: PodWorker, ref: ImageRef, image: str) -> str | None:
        injected = self.m.faults.pull_failure(image, ref.full)
        full = ref.full
        if injected is not None:
            return injected or (
                f'rpc error: code = NotFound desc = failed to pull and unpack image "{full}": failed '
                f'to resolve reference "{full}": {full}: not found'
            )
        private = ref.registry in self.m.catalogue.private_registries
        if private and not self._has_credentials(w, ref.registry):
            return (
                f'rpc error: code = Unknown desc = failed to pull and unpack image "{full}": failed to resolve '
                f'reference "{full}": pull access denied, repository does not exist or may require '
                f"authorization: server message: insufficient_scope: authorization failed"
            )
        if self.m.catalogue.lookup(ref) is not None:
            return None
        repo_known = self.m.catalogue.images.get(self.m.catalogue.aliases.get(ref.repository, ref.repository))
        if repo_known is not None or private:
            return (
                f'rpc error: code = NotFound desc = failed to pull and unpack image "{full}": failed to resolve '
                f'reference "{full}": {full}: not found'
            )
        return (
            f'rpc error: code = Unknown desc = failed to pull and unpack image "{full}": failed to resolve '
            f'reference "{full}": pull access denied, repository does not exist or may require authorization: '
            f"server message: insufficient_scope: authorization failed"
        )

    def _has_credentials(self, w: PodWorker, registry: str) -> bool:
        for ref in (w.pod.get("spec") or {}).get("imagePullSecrets") or []:
            sec = self.api.peek("secrets", ref.get("name", ""), w.ns)
            if not sec or sec.get("type") != "kubernetes.io/dockerconfigjson":
                continue
            raw = (sec.get("data") or {}).get(".dockerconfigjson", "")
            try:
                cfg = json.loads(base64.b64decode(raw).decode())
            except (ValueError, UnicodeDecodeError):
                continue
            for host in cfg.get("auths") or {}:
                h = host.split("://", 1)[-1].split("/", 1)[0]
                if h == registry:
                    return True
        return False

    def _pull_failed(self, w: PodWorker, cs: CState, err: str) -> None:
        image = cs.spec.get("image", "")
        self.recorder.event(
            w.pod, "Warning", "Failed", f'Failed to pull image "{image}": {err}', cs.field_path
        )
        self.recorder.event(w.pod, "Warning", "Failed", "Error: ErrImagePull", cs.field_path)
        cs.waiting_reason = "ErrImagePull"
        cs.waiting_message = err
        cs.pull_backoff = (
            self.t.backoff_initial if not cs.pull_backoff else min(cs.pull_backoff * 2, self.t.backoff_max)
        )
        self._write_status(w)
        now = self.clock.now()
        delay = cs.pull_backoff

        def backoff() -> None:
            cs.waiting_reason = "ImagePullBackOff"
            cs.waiting_message = f'Back-off pulling image "{image}"'
            self.recorder.event(w.pod, "Normal", "BackOff", cs.waiting_message, cs.field_path)
            self.recorder.event(w.pod, "Warning", "Failed", "Error: ImagePullBackOff", cs.field_path)
            self._write_status(w)

        w.at(now + 1.0, backoff)
        w.at(now + delay, lambda: self._ensure_image(w, cs))

    # ---- containers ----------------------------------------------------------------------------------------
    def _container_env(self, w: PodWorker, cs: CState, image_env: dict[str, str]) -> dict[str, str]:
        env = dict(image_env)
        env.setdefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        env["HOSTNAME"] = (w.pod.get("spec") or {}).get("hostname") or w.name
        env["KUBERNETES_SERVICE_HOST"] = "10.96.0.1"
        env["KUBERNETES_SERVICE_PORT"] = "443"
        env["KUBERNETES_SERVICE_PORT_HTTPS"] = "443"
        env["KUBERNETES_PORT"] = "tcp://10.96.0.1:443"
        env["KUBERNETES_PORT_443_TCP"] = "tcp://10.96.0.1:443"
        env["KUBERNETES_PORT_443_TCP_ADDR"] = "10.96.0.1"
        env["KUBERNETES_PORT_443_TCP_PORT"] = "443"
        env["KUBERNETES_PORT_443_TCP_PROTO"] = "tcp"
        env["HOME"] = "/root"
        return podvolumes.container_env(
            self.m.cluster, w.pod, cs.spec, env, self.node_ip, w.pod_ip, _expand_env
        )

    def _env_from(self, w: PodWorker, src: dict[str, Any]) -> str | None:
        fr = src.get("fieldRef")
        if fr:
            path = fr.get("fieldPath", "")
            return {
                "metadata.name": w.name,
                "metadata.namespace": w.ns,
                "metadata.uid": w.uid,
                "spec.nodeName": self.node,
                "status.podIP": w.pod_ip,
                "status.hostIP": self.node_ip,
                "spec.serviceAccountName": (w.pod.get("spec") or {}).get("serviceAccountName", "default"),
            }.get(path, "")
        for kind, res in (("configMapKeyRef", "configmaps"), ("secretKeyRef", "secrets")):
            ref = src.get(kind)
            if ref:
                obj = self.api.peek(res, ref.get("name", ""), w.ns)
                if obj is None:
                    return None
                if res == "secrets":
                    raw = (obj.get("data") or {}).get(ref.get("key", ""))
                    return base64.b64decode(raw).decode(errors="replace") if raw is not None else None
                return (obj.get("data") or {}).get(ref.get("key", ""))
        return None

    def _volume_files(self, w: PodWorker, cs: CState) -> dict[str, str]:
        files: dict[str, str] = {}
        vols = {v.get("name"): v for v in (w.pod.get("spec") or {}).get("volumes") or []}
        for m in cs.spec.get("volumeMounts") or []:
            v = vols.get(m.get("name"))
            if not v:
                continue
            mp = m.get("mountPath", "").rstrip("/")
            if "configMap" in v:
                obj = self.api.peek("configmaps", v["configMap"].get("name", ""), w.ns)
                for k, val in ((obj or {}).get("data") or {}).items():
                    files[f"{mp}/{k}"] = val
            elif "secret" in v:
                obj = self.api.peek("secrets", v["secret"].get("secretName", ""), w.ns)
                for k, val in ((obj or {}).get("data") or {}).items():
                    files[f"{mp}/{k}"] = base64.b64decode(val).decode(errors="replace")
            elif "projected" in v and mp == "/var/run/secrets/kubernetes.io/serviceaccount":
                files[f"{mp}/namespace"] = w.ns
                files[f"{mp}/token"] = "eyJhbGciOiJSUzI1NiIsImtpZCI6IiJ9.simulated.token"
                files[f"{mp}/ca.crt"] = "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"
        return files

    def _sync_peers(self, w: PodWorker, me: Any, now: float) -> None:
        """Bring the pod's other containers' filesystems up to ``now`` (their writes to shared volumes)."""
        for other in w.all_states():
            c = other.current
            if c is not None and c is not me and c.started is not None and not c._syncing:
                c._syncing = True
                try:
                    c.live_vfs(now)
                finally:
                    c._syncing = False

    def _config_error(self, w: PodWorker, cs: CState, message: str) -> None:
        """CreateContainerConfigError: the container cannot be created until its config sources exist."""
        self.recorder.event(w.pod, "Warning", "Failed", f"Error: {message}", cs.field_path)
        cs.waiting_reason = "CreateContainerConfigError"
        cs.waiting_message = message
        self._write_status(w)
        w.at(self.clock.now() + 10.0, lambda: self._start_container(w, cs))

    def _create_start(self, w: PodWorker, cs: CState, t: float) -> None:
        def go() -> None:
            if w.terminating or w.terminal:
                return
            self._start_container(w, cs)

        w.at(t, go)

    def _start_container(self, w: PodWorker, cs: CState) -> None:
        now = self.clock.now()
        assert cs.ref is not None and w.sandbox is not None
        img = self.m.catalogue.lookup(cs.ref)
        attempt = cs.restarts
        cid = container_id(w.uid, cs.name, str(attempt), str(now))
        try:
            env = self._container_env(w, cs, img.env if img else {})
        except podvolumes.ConfigError as e:
            self._config_error(w, cs, str(e))
            return
        argv = command_line(cs.spec, img)
        c = Container(
            cid,
            cs.name,
            w.sandbox.id,
            w.name,
            w.ns,
            cs.ref,
            img,
            attempt,
            now,
            argv,
            env,
            env["HOSTNAME"],
            w.pod_ip,
        )
        if w.vols is not None:
            vols = w.vols
            spec_c = cs.spec
            copies = podvolumes.subpath_copies(spec_c, vols)  # taken now, at the container's start
            c.mount_volumes = lambda root, snap: podvolumes.mount_into(root, spec_c, vols, snap, copies)
            c.sync_peers = lambda t, me: self._sync_peers(w, me, t)
        else:
            c.extra_files = self._volume_files(w, cs)
        if not w.host_network:
            from ..network.dns import resolv_conf

            c.extra_files.setdefault("/etc/resolv.conf", resolv_conf(w.pod).text())
            c.extra_files.setdefault("/etc/hosts", _etc_hosts(w))
        self.recorder.event(w.pod, "Normal", "Created", f"Created container: {cs.name}", cs.field_path)
        spec, run = self._spawn(w, c, cs, img, argv, env, now, mount=True)
        cs.last = cs.current if cs.current is not None else cs.last
        cs.current = c
        cs.stopping = False
        if run.start_error:
            c.started = None
            c.finished = now
            c.exit_code = 128
            c.reason = "StartError"
            c.run = run
            self.recorder.event(w.pod, "Warning", "Failed", f"Error: {run.start_error}", cs.field_path)
            self._on_exit(w, cs, c, message=run.start_error)
            return
        c.started = now
        ingest_run(c, run)
        self.recorder.event(w.pod, "Normal", "Started", f"Started container {cs.name}", cs.field_path)
        cs.waiting_reason = ""
        cs.waiting_message = ""
        # postStart hook
        hook = (cs.spec.get("lifecycle") or {}).get("postStart") or {}
        if hook and not self._run_hook(w, cs, c, hook, "PostStart"):
            self._kill(w, cs, c, reason_event=None, grace=0)
            return
        if run.exit_code is not None:
            exit_at = now + run.exit_at
            c_ref = c
            cs.timers.append(self.at(exit_at, lambda: self._process_exit(w, cs, c_ref)))
        else:
            self._schedule_continuation(
                w, cs, c, spec, run.horizon, len(run.effects) if run.suspended else -1
            )
        has_startup = bool(cs.spec.get("startupProbe"))
        cs.started_flag = not has_startup
        cs.ready = not has_startup and not cs.spec.get("readinessProbe") and not cs.init
        cs.probes = []
        for kind, key in (
            ("startup", "startupProbe"),
            ("liveness", "livenessProbe"),
            ("readiness", "readinessProbe"),
        ):
            pspec = cs.spec.get(key)
            if pspec and not cs.init:
                ps = ProbeState(kind, pspec)
                cs.probes.append(ps)
                if kind == "startup" or not has_startup:
                    self._schedule_probe(w, cs, c, ps, now + float(pspec.get("initialDelaySeconds", 0) or 0))
        self._write_status(w)

    def _spawn(
        self, w: Any, c: Any, cs: Any, img: Any, argv: list[str], env: dict[str, str], started: float, mount: bool
    ) -> tuple[ProcessSpec, ProcessRun]:
        """Start a container's main process at ``started``: the server fast path, or the mini-shell on the image's
        root filesystem plus the kubelet's files (and, with ``mount``, the pod's volumes) in a resumable runner."""
        spec = ProcessSpec(
            argv,
            img,
            env,
            c.hostname,
            _memory_limit(cs.spec),
            cs.spec.get("workingDir") or (img.workdir if img else "/"),
            w.pod_ip,
            started,
            self._resolver(w),
            present=self.clock.now,
            read_file=lambda path: c.read_text(path, started),
        )
        run = server_fast_path(spec)
        if run is not None:
            return spec, run
        fs = build_rootfs(img, {"hostname": c.hostname, "tag": cs.ref.tag, "pod_ip": w.pod_ip}, JournalVFS)
        for path, content in c.extra_files.items():
            fs.makedirs(path.rsplit("/", 1)[0] or "/")
            fs.write(path, content.encode())
        if mount and c.mount_volumes is not None:
            self._sync_peers(w, c, started)
            c.mount_volumes(fs, True)
        c.runner = ProcessRunner(spec, fs)
        return spec, c.runner.advance(3600.0)

    def _schedule_continuation(
        self, w: PodWorker, cs: CState, c: Container, spec: ProcessSpec, horizon: float, seen: int = -1
    ) -> None:
        """Resume a still-running process (``c.runner``, paused at ``horizon`` seconds after its start) when
        virtual time gets there; ``seen`` is kept for callers and unused (the effects accumulate in one run)."""
        runner = c.runner
        if horizon >= FOREVER or c.started is None or runner is None:
            return
        started = c.started

        def cont() -> None:
            if cs.current is not c or not c.running:
                runner.close()
                return
            run = runner.advance(max(horizon * 4, 3600.0))
            ingest_run(c, run, skip_first=run.fresh)
            if run.exit_code is not None:
                cs.timers.append(self.at(started + run.exit_at, lambda: self._process_exit(w, cs, c)))
            else:
                self._schedule_continuation(w, cs, c, spec, run.horizon)

        cs.timers.append(self.at(started + horizon, cont))

    def _resolver(self, w: PodWorker) -> Callable[[str], str | None]:
        from ..network.runtime_hook import PodNetwork

        return PodNetwork(self.cluster, w.ns, w.name)

    def _plain_resolver(self, w: PodWorker) -> Callable[[str], str | None]:
        api = self.api
        ns = w.ns

        def resolve(name: str) -> str | None:
            parts = name.split(".")
            svc_ns = parts[1] if len(parts) > 1 and parts[1] != "svc" else ns
            svc = api.peek("services", parts[0], svc_ns)
            if svc is None:
                return None
            ip = (svc.get("spec") or {}).get("clusterIP")
            return ip if ip and ip != "None" else None

        return resolve

    def _run_hook(self, w: PodWorker, cs: CState, c: Container, hook: dict[str, Any], which: str) -> bool:
        now = self.clock.now()
        if "exec" in hook:
            argv = list((hook.get("exec") or {}).get("command") or [])
            try:
                out, err, code = exec_in(
                    c.live_vfs(now), argv, c.image, c.env, c.hostname, now, self._resolver(w)
                )
            except FileNotFoundError:
                out, err, code = (
                    b"",
                    f'exec: "{argv[0] if argv else ""}": executable file not found'.encode(),
                    126,
                )
            if code != 0:
                msg = (
                    f'Exec lifecycle hook ({argv}) for Container "{cs.name}" in Pod "{w.name}_{w.ns}({w.uid})" '
                    f"failed - error: command '{' '.join(argv)}' exited with {code}: {(out + err).decode()}, "
                    f'message: "{(out + err).decode()}"'
                )
                self.recorder.event(w.pod, "Warning", f"Failed{which}Hook", msg, cs.field_path)
                return False
        elif "httpGet" in hook:
            hg = hook["httpGet"]
            port = _port_number(hg.get("port"), cs.spec)
            ans = http_answer(c, port, hg.get("path", "/"), now) if port else None
            if ans is None or ans[0] >= 400:
                host = hg.get("host") or w.pod_ip
                msg = (
                    f'HTTP lifecycle hook ({hg.get("path", "/")}) for Container "{cs.name}" in Pod '
                    f'"{w.name}_{w.ns}({w.uid})" failed - error: Get "http://{host}:{port}{hg.get("path", "/")}"'
                    f': dial tcp {host}:{port}: connect: connection refused, message: ""'
                )
                self.recorder.event(w.pod, "Warning", f"Failed{which}Hook", msg, cs.field_path)
                return False
        return True

    # ---- probes ---------------------------------------------------------------------------------------------
    def _schedule_probe(self, w: PodWorker, cs: CState, c: Container, ps: ProbeState, t: float) -> None:
        ps.timer = self.at(t, lambda: self._probe(w, cs, c, ps))

    def _probe(self, w: PodWorker, cs: CState, c: Container, ps: ProbeState) -> None:
        if cs.current is not c or not c.running or w.terminating or cs.stopping:
            return
        now = self.clock.now()
        ok, output = self._probe_once(w, cs, c, ps.spec, now)
        period = float(ps.spec.get("periodSeconds", 10) or 10)
        fail_thr = int(ps.spec.get("failureThreshold", 3) or 3)
        succ_thr = int(ps.spec.get("successThreshold", 1) or 1)
        label = ps.kind.capitalize()
        changed = False
        if ok:
            ps.successes += 1
            ps.failures = 0
            if ps.successes >= succ_thr:
                if ps.kind == "startup" and not cs.started_flag:
                    cs.started_flag = True
                    changed = True
                    if not any(p.kind == "readiness" for p in cs.probes):
                        cs.ready = True
                    for other in cs.probes:
                        if other.kind != "startup":
                            self._schedule_probe(
                                w, cs, c, other, now + float(other.spec.get("initialDelaySeconds", 0) or 0)
                            )
                    return self._after_probe(w, changed)
                if ps.kind == "readiness" and not cs.ready:
                    cs.ready = True
                    changed = True
        else:
            ps.failures += 1
            ps.successes = 0
            self.recorder.event(
                w.pod, "Warning", "Unhealthy", f"{label} probe failed: {output}", cs.field_path
            )
            if ps.failures >= fail_thr:
                if ps.kind == "readiness":
                    if cs.ready:
                        cs.ready = False
                        changed = True
                else:
                    self.recorder.event(
                        w.pod,
                        "Normal",
                        "Killing",
                        f"Container {cs.name} failed {ps.kind} probe, will be restarted",
                        cs.field_path,
                    )
                    grace = ps.spec.get("terminationGracePeriodSeconds")
                    if grace is None:
                        grace = (w.pod.get("spec") or {}).get("terminationGracePeriodSeconds", 30)
                    self._kill(w, cs, c, reason_event=None, grace=float(grace or 0))
                    return self._after_probe(w, True)
        if ps.kind != "startup" or not cs.started_flag:
            self._schedule_probe(w, cs, c, ps, now + period)
        self._after_probe(w, changed)

    def _cni0_ip(self) -> str:
        """The node's cni0 address (its podCIDR's first address): where the kubelet's probes come from."""
        node = self.api.peek("nodes", self.node, None) or {}
        cidr = str((node.get("spec") or {}).get("podCIDR") or "")
        try:
            return str(ipaddress.ip_network(cidr, strict=False).network_address + 1) if cidr else ""
        except ValueError:
            return ""

    def _after_probe(self, w: PodWorker, changed: bool) -> None:
        if changed:
            self._write_status(w)

    def _probe_once(
        self, w: PodWorker, cs: CState, c: Container, spec: dict[str, Any], now: float
    ) -> tuple[bool, str]:
        if "exec" in spec:
            argv = list((spec.get("exec") or {}).get("command") or [])
            try:
                out, err, code = exec_in(
                    c.live_vfs(now), argv, c.image, c.env, c.hostname, now, self._resolver(w)
                )
            except FileNotFoundError:
                return False, (
                    f"OCI runtime exec failed: exec failed: unable to start container process: exec: "
                    f'"{argv[0] if argv else ""}": executable file not found in $PATH: unknown'
                )
            return code == 0, (out + err).decode(errors="replace")
        if "httpGet" in spec:
            hg = spec["httpGet"]
            port = _port_number(hg.get("port"), cs.spec) or 0
            host = hg.get("host") or w.pod_ip
            path = hg.get("path", "/")
            scheme = (hg.get("scheme") or "HTTP").lower()
            ans = probe_request(c, port, path, now, self._cni0_ip())
            if ans is None:
                return (
                    False,
                    f'Get "{scheme}://{host}:{port}{path}": dial tcp {host}:{port}: connect: connection refused',
                )
            if 200 <= ans[0] < 400:
                return True, ""
            return False, f"HTTP probe failed with statuscode: {ans[0]}"
        if "tcpSocket" in spec:
            port = _port_number(spec["tcpSocket"].get("port"), cs.spec) or 0
            host = spec["tcpSocket"].get("host") or w.pod_ip
            img_ports = [p.port for p in c.image.ports] if c.image else []
            if port in img_ports and c.listen_at is not None and c.listen_at <= now:
                return True, ""
            return False, f"dial tcp {host}:{port}: connect: connection refused"
        if "grpc" in spec:
            return True, ""
        return True, ""

    # ---- exits, kills, restarts -------------------------------------------------------------------------------
    def _process_exit(self, w: PodWorker, cs: CState, c: Container) -> None:
        if cs.current is not c or c.finished is not None:
            return
        run = c.run
        code = run.exit_code if run and run.exit_code is not None else 0
        c.finished = self.clock.now()
        c.exit_code = code
        c.reason = "OOMKilled" if run and run.oom else ("Completed" if code == 0 else "Error")
        self._flush_volume_writes(w, cs, c)
        self._on_exit(w, cs, c)

    def _flush_volume_writes(self, w: PodWorker, cs: CState, c: Container) -> None:
        """A stopped container's pending writes land on its writable volumes (emptyDir, hostPath, PVs), which
        outlive it; its filesystem is built for that only when it mounts one."""
        if c.mount_volumes is None or c.started is None or w.vols is None:
            return
        if any(
            m.get("name") in w.vols.fs and m.get("name") not in w.vols.sources and not m.get("readOnly")
            for m in cs.spec.get("volumeMounts") or []
        ):
            c.live_vfs(self.clock.now())

    def _kill(
        self,
        w: PodWorker,
        cs: CState,
        c: Container,
        reason_event: str | None,
        grace: float,
        then: Callable[[], None] | None = None,
    ) -> None:
        """SIGTERM, then SIGKILL after ``grace`` for processes that ignore it."""
        if not c.running:
            if then:
                then()
            return
        cs.stopping = True
        for p in cs.probes:
            if p.timer:
                p.timer.cancel()
        now = self.clock.now()
        ignores = (c.argv and c.argv[0].rsplit("/", 1)[-1] in SHELLS) or (
            c.image is not None and c.image.sigterm == "ignore"
        )
        when = now + (grace if ignores else 0.0)

        def die() -> None:
            if c.finished is not None:
                if then:
                    then()
                return
            c.finished = self.clock.now()
            self._flush_volume_writes(w, cs, c)
            c.exit_code = 137 if ignores else 0
            c.reason = "Error" if ignores else "Completed"
            if then:
                then()
            else:
                self._on_exit(w, cs, c)

        self.at(when, die)

    def _on_exit(self, w: PodWorker, cs: CState, c: Container, message: str = "") -> None:
        now = self.clock.now()
        cs.ready = False
        cs.started_flag = False
        for t in cs.timers:
            t.cancel()
        cs.timers = []
        for p in cs.probes:
            if p.timer:
                p.timer.cancel()
        if w.terminating:
            self._write_status(w)
            return
        code = c.exit_code or 0
        if cs.init and code == 0:
            cs.done = True
            self._write_status(w)
            self._next_container(w)
            return
        policy = w.restart_policy
        restart = policy == "Always" or (policy == "OnFailure" and code != 0)
        if cs.init and code != 0 and policy == "Never":
            restart = False
        if not restart:
            self._write_status(w)
            self._check_terminal(w)
            return
        ran = (c.finished or now) - (c.started or now)
        if cs.backoff and ran >= self.t.backoff_reset:
            cs.backoff = 0.0
        if not cs.backoff:
            cs.backoff = self.t.backoff_initial
            cs.waiting_reason = ""
            self._write_status(w)
            self._restart(w, cs)
            return
        delay = cs.backoff
        cs.backoff = min(cs.backoff * 2, self.t.backoff_max)
        cs.backoff_at = now + delay
        cs.waiting_reason = "CrashLoopBackOff"
        cs.waiting_message = (
            f"back-off {go_duration(delay)} restarting failed container={cs.name} "
            f"pod={w.name}_{w.ns}({w.uid})"
        )
        self._write_status(w)
        backoff_msg = f"Back-off restarting failed container {cs.name} in pod {w.name}_{w.ns}({w.uid})"
        self.recorder.event(w.pod, "Warning", "BackOff", backoff_msg, cs.field_path)
        at = now + self.t.resync
        while at < now + delay - 1e-6:
            cs.timers.append(
                self.at(
                    at, lambda: self.recorder.event(w.pod, "Warning", "BackOff", backoff_msg, cs.field_path)
                )
            )
            at += self.t.resync
        cs.timers.append(self.at(now + delay, lambda: self._restart(w, cs)))

    def _restart(self, w: PodWorker, cs: CState) -> None:
        if w.terminating or w.terminal:
            return
        cs.restarts += 1
        cs.backoff_at = 0.0
        cs.timers = []
        self._ensure_image(w, cs)

    def _check_terminal(self, w: PodWorker) -> None:
        phase = self._phase(w)
        if phase in ("Succeeded", "Failed"):
            w.terminal = True
            if w.sandbox:
                w.sandbox.ready = False
            self._write_status(w)

    # ---- termination ----------------------------------------------------------------------------------------
    def _terminate(self, w: PodWorker, pod: dict[str, Any]) -> None:
        w.terminating = True
        grace = float(pod["metadata"].get("deletionGracePeriodSeconds", 30) or 0)
        pending = [cs for cs in w.all_states() if cs.current is not None and cs.current.running]
        for t in w.timers:
            t.cancel()
        if w.adopted and not pending:
            self._finish_termination(w, grace)
            return
        if not pending:
            self._finalize(w)
            return
        left = {cs.name for cs in pending}
        for cs in pending:
            c = cs.current
            assert c is not None
            self.recorder.event(pod, "Normal", "Killing", f"Stopping container {cs.name}", cs.field_path)
            hook = (cs.spec.get("lifecycle") or {}).get("preStop") or {}
            if hook:
                self._run_hook(w, cs, c, hook, "PreStop")

            def done(name: str = cs.name) -> None:
                left.discard(name)
                if not left:
                    self._finalize(w)

            self._kill(w, cs, c, None, grace, then=done)

    def _finish_termination(self, w: PodWorker, grace: float) -> None:
        for cs in w.all_states():
            if not cs.init:
                self.recorder.event(
                    w.pod, "Normal", "Killing", f"Stopping container {cs.name}", cs.field_path
                )
        self.at(self.clock.now(), lambda: self._finalize(w))

    def _finalize(self, w: PodWorker) -> None:
        self._forget(w)
        self.api.finalize_pod(w.name, w.ns)

    # ---- status ---------------------------------------------------------------------------------------------
    def _phase(self, w: PodWorker) -> str:
        for cs in w.inits:
            if not cs.done:
                c = cs.current
                if c is not None and c.finished is not None and c.exit_code and w.restart_policy == "Never":
                    return "Failed"
                return "Pending"
        running = waiting = stopped = succeeded = 0
        for cs in w.mains:
            c = cs.current
            if c is not None and c.running:
                running += 1
            elif c is not None and c.finished is not None:
                if cs.waiting_reason and (cs.backoff_at or cs.waiting_reason in ("ContainerCreating",)):
                    stopped += 1
                else:
                    stopped += 1
                    if c.exit_code == 0:
                        succeeded += 1
            else:
                waiting += 1
        if waiting:
            return "Pending"
        if running:
            return "Running"
        if stopped:
            if w.restart_policy == "Always":
                return "Running"
            if stopped == succeeded:
                return "Succeeded"
            if w.restart_policy == "Never":
                return "Failed"
            return "Running"
        return "Pending"

    def _cstatus(self, w: PodWorker, cs: CState) -> dict[str, Any]:
        c = cs.current
        image = cs.spec.get("image", "")
        st: dict[str, Any] = {}
        last: dict[str, Any] = {}
        prev = cs.last if c is not None and c.finished is None else None
        if c is not None and c.finished is not None and cs.waiting_reason:
            prev = c
        if prev is not None and prev.finished is not None:
            last = {"terminated": _terminated(prev)}
        if c is not None and (c.started is not None or c.finished is not None):
            st["containerID"] = "containerd://" + c.id
        st["image"] = cs.ref.full if (cs.ref and cs.image_id) else image
        st["imageID"] = cs.image_id
        st["lastState"] = last
        st["name"] = cs.name
        st["ready"] = bool(cs.ready and c is not None and c.running) if not cs.init else bool(cs.done)
        st["restartCount"] = cs.restarts
        st["started"] = bool(c is not None and c.running and cs.started_flag)
        if cs.waiting_reason or c is None:
            wst: dict[str, Any] = {"reason": cs.waiting_reason or "ContainerCreating"}
            if cs.waiting_message:
                wst["message"] = cs.waiting_message
            st["state"] = {"waiting": wst}
        elif c.running:
            st["state"] = {"running": {"startedAt": rfc3339(c.started or 0)}}
        else:
            st["state"] = {"terminated": _terminated(c)}
        mounts = []
        for m in cs.spec.get("volumeMounts") or []:
            vm = {"mountPath": m.get("mountPath"), "name": m.get("name")}
            if m.get("readOnly"):
                vm["readOnly"] = True
                vm["recursiveReadOnly"] = "Disabled"
            mounts.append(vm)
        if mounts:
            st["volumeMounts"] = mounts
        return st

    def _cond(
        self, w: PodWorker, ctype: str, status: str, now: float, reason: str = "", message: str = ""
    ) -> dict[str, Any]:
        prev = w.cond_times.get(ctype)
        if prev is None or prev[0] != status:
            w.cond_times[ctype] = (status, now)
            prev = w.cond_times[ctype]
        c: dict[str, Any] = {"lastProbeTime": None, "lastTransitionTime": rfc3339(prev[1])}
        if message:
            c["message"] = message
        if reason:
            c["reason"] = reason
        c["status"] = status
        c["type"] = ctype
        return c

    def _write_status(self, w: PodWorker) -> None:
        if w.gone or self.down:
            return
        pod = self.api.peek("pods", w.name, w.ns)
        if pod is None or pod["metadata"].get("uid") != w.uid:
            return
        now = self.clock.now()
        old = pod.get("status") or {}
        phase = "Failed" if w.evicted else self._phase(w)
        status: dict[str, Any] = {}
        sandbox_ok = w.sandbox is not None and w.sandbox.ready and not w.terminal
        conds = [self._cond(w, "PodReadyToStartContainers", "True" if sandbox_ok else "False", now)]
        completed = phase == "Succeeded"
        init_pending = [cs.name for cs in w.inits if not cs.done]
        if init_pending:
            conds.append(
                self._cond(
                    w,
                    "Initialized",
                    "False",
                    now,
                    "ContainersNotInitialized",
                    f"containers with incomplete status: [{' '.join(init_pending)}]",
                )
            )
        else:
            conds.append(self._cond(w, "Initialized", "True", now, "PodCompleted" if completed else ""))
        unready = [
            cs.name for cs in w.mains if not (cs.ready and cs.current is not None and cs.current.running)
        ]
        if completed or (w.terminal and phase == "Failed"):
            reason = "PodCompleted" if completed else "PodFailed"
            conds.append(self._cond(w, "Ready", "False", now, reason))
            conds.append(self._cond(w, "ContainersReady", "False", now, reason))
        elif unready:
            msg = f"containers with unready status: [{' '.join(unready)}]"
            conds.append(self._cond(w, "Ready", "False", now, "ContainersNotReady", msg))
            conds.append(self._cond(w, "ContainersReady", "False", now, "ContainersNotReady", msg))
        else:
            conds.append(self._cond(w, "Ready", "True", now))
            conds.append(self._cond(w, "ContainersReady", "True", now))
        for c in old.get("conditions") or []:
            if c.get("type") == "PodScheduled":
                conds.append(c)
        for c in old.get("conditions") or []:
            if c.get("type") not in (
                "PodReadyToStartContainers",
                "Initialized",
                "Ready",
                "ContainersReady",
                "PodScheduled",
            ):
                conds.append(c)
        status["conditions"] = conds
        status["containerStatuses"] = [self._cstatus(w, cs) for cs in w.mains]
        status["hostIP"] = self.node_ip
        status["hostIPs"] = [{"ip": self.node_ip}]
        if w.inits:
            status["initContainerStatuses"] = [self._cstatus(w, cs) for cs in w.inits]
        status["phase"] = phase
        if w.pod_ip:
            status["podIP"] = w.pod_ip
            status["podIPs"] = [{"ip": w.pod_ip}]
        if w.evicted:
            status["message"] = w.evicted
            status["reason"] = "Evicted"
        if "qosClass" in old:
            status["qosClass"] = old["qosClass"]
        status["startTime"] = rfc3339(w.start_time or now)
        new = dict(pod)
        new["status"] = status
        try:
            self.api.write_status(new, handover=True)
        except Exception:  # noqa: BLE001 - the pod went away between the peek and the write
            pass

    # ---- introspection (crictl, logs, exec, metrics) -----------------------------------------------------------
    def worker(self, ns: str, name: str) -> PodWorker | None:
        """The pod worker for a pod on this node."""
        return self.workers.get((ns, name))


class _Handle:
    """A cancellable callback inside a per-node timer batch."""

    def __init__(self, fn: Callable[[], object]) -> None:
        self.fn = fn
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def run(self) -> None:
        if not self.cancelled:
            self.fn()


def _etc_hosts(w: PodWorker) -> str:
    """The kubelet-managed /etc/hosts of a pod."""
    spec = w.pod.get("spec") or {}
    host = spec.get("hostname") or w.name
    fq = f"{host}.{spec['subdomain']}.{w.ns}.svc.cluster.local\t" if spec.get("subdomain") else ""
    return (
        "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
        "fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n"
        f"{w.pod_ip}\t{fq}{host}\n"
    )


def _is_mirror(pod: dict[str, Any]) -> bool:
    """A mirror pod: the API-server copy of a static pod (kubernetes.io/config.mirror annotation)."""
    return "kubernetes.io/config.mirror" in ((pod.get("metadata") or {}).get("annotations") or {})


def _terminated(c: Container) -> dict[str, Any]:
    t: dict[str, Any] = {
        "containerID": "containerd://" + c.id,
        "exitCode": c.exit_code or 0,
        "finishedAt": rfc3339(c.finished or 0),
    }
    if c.reason == "StartError" and c.run is not None:
        t["message"] = c.run.start_error
    t["reason"] = c.reason
    t["startedAt"] = rfc3339(c.started if c.started is not None else 0)
    return t


def _parse_cidr(cidr: str) -> ipaddress.IPv4Network | None:
    """The node's podCIDR; an out-of-range third octet (``10.244.256.0/24``) is carried into the second."""
    try:
        return ipaddress.IPv4Network(cidr, strict=False)
    except ValueError:
        try:
            addr, _, mask = cidr.partition("/")
            a, b, c, _d = (int(x) for x in addr.split("."))
            return ipaddress.IPv4Network(f"{a}.{b + c // 256}.{c % 256}.0/{mask}", strict=False)
        except ValueError:
            return None


def _digest(seed: str) -> str:
    return "sha256:" + hashlib.sha256(seed.encode()).hexdigest()


def _node_ref(node: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": node["metadata"]["name"], "uid": node["metadata"]["name"]},
    }


def _memory_limit(spec: dict[str, Any]) -> int | None:
    lim = ((spec.get("resources") or {}).get("limits") or {}).get("memory")
    if lim is None:
        return None
    from ..runtime.images import parse_bytes

    s = str(lim)
    try:
        if s[-1:] in "kMGTE" and not s.endswith("i"):
            mult = {"k": 1000, "M": 1000**2, "G": 1000**3, "T": 1000**4, "E": 1000**6}[s[-1]]
            return int(float(s[:-1]) * mult)
        return parse_bytes(s)
    except (ValueError, KeyError):
        return None


def _port_number(port: Any, container: dict[str, Any]) -> int | None:
    if isinstance(port, int):
        return port
    if isinstance(port, str):
        if port.isdigit():
            return int(port)
        for p in container.get("ports") or []:
            if p.get("name") == port:
                return int(p.get("containerPort", 0))
    return None


def _expand_env(value: str, env: dict[str, str]) -> str:
    out = []
    i = 0
    while i < len(value):
        if value.startswith("$$", i):
            out.append("$")
            i += 2
        elif value.startswith("$(", i) and ")" in value[i:]:
            j = value.index(")", i)
            name = value[i + 2 : j]
            out.append(env.get(name, value[i : j + 1]))
            i = j + 1
        else:
            out.append(value[i])
            i += 1
    return "".join(out)
