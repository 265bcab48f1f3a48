"""kube-scheduler (default profile, v1.32): queue, filter, score, select, bind; preemption messages.

The scheduler keeps a NodeInfo cache fed by pod and node watch events (per-node requested resources,
pod counts, host ports, images), so a scheduling cycle never rescans all pods. Filtering starts at a
rotating node index and stops once ``numFeasibleNodesToFind`` nodes fit (percentageOfNodesToScore,
adaptive: 50 - nodes/125 %, at least 5 % and at least 100 nodes). Nodes in the same state share one
evaluation within a cycle, which keeps large uniform clusters fast.

Every attempt leaves a trace (``trace_for(ns, name)``): per node, each filter plugin's verdict (with the
old predicate name) and each score plugin's raw and normalised score (with the old priority name).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from itertools import compress, islice
from typing import TYPE_CHECKING, Any

from ..controllers.base import Controller
from ..errors import StatusError
from ..events import EventRecorder
from ..store import ADDED, DELETED, Event, Obj, clone
from ..timeutil import rfc3339
from . import framework as fw
from .framework import UNRESOLVABLE, UNSCHEDULABLE, NodeInfo, PodInfo, Status
from .plugins import (
    imagelocality,
    interpodaffinity,
    nodeaffinity,
    nodename,
    nodeports,
    noderesources,
    nodeunschedulable,
    tainttoleration,
    volumebinding,
    volumerestrictions,
)
from .queue import SchedulingQueue

if TYPE_CHECKING:
    from ..cluster import Cluster

SCHEDULER_NAME = "default-scheduler"
MIN_FEASIBLE_NODES_TO_FIND = 100
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5
DEFAULT_IMAGE_SIZE = 100 * 1024 * 1024
TRACE_LIMIT = 2000
NO_NODES = "no nodes available to schedule pods"
NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"

PodKey = tuple[str, str]


def num_feasible_nodes_to_find(num_all_nodes: int, percentage: int = 0) -> int:
    """``numFeasibleNodesToFind``: all nodes below 100; else the adaptive percentage (min 5 %, min 100)."""
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND:
        return num_all_nodes
    if percentage <= 0:
        percentage = 50 - num_all_nodes // 125
        if percentage < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND:
            percentage = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND
    n = num_all_nodes * percentage // 100
    return max(n, MIN_FEASIBLE_NODES_TO_FIND)


class Eval:
    """The outcome of one node (or of every node in the same state) for one pod in one cycle."""

    __slots__ = ("status", "raw", "norm", "total")

    def __init__(self, status: Status | None, raw: dict[str, int] | None = None) -> None:
        self.status = status
        self.raw = raw or {}
        self.norm: dict[str, int] = {}
        self.total: int | None = None


class Attempt:
    """One scheduling attempt, kept for ``trace_for``."""

    __slots__ = (
        "pod",
        "time",
        "attempt",
        "num_all_nodes",
        "num_to_find",
        "start",
        "order",
        "evals",
        "keys",
        "cache",
        "absent",
        "chosen",
        "message",
        "postfilter",
    )

    def __init__(self) -> None:
        self.pod: PodKey = ("", "")
        self.time = 0.0
        self.attempt = 0
        self.num_all_nodes = 0
        self.num_to_find = 0
        self.start = 0
        self.order: tuple[str, ...] = ()
        self.keys: list[int] | None = None
        self.cache: dict[int, Eval] = {}
        self.evals: list[Eval] = []
        self.absent: Status | None = None
        self.chosen = ""
        self.message = ""
        self.postfilter: dict[str, Status] = {}

    def pairs(self) -> list[tuple[str, Eval]]:
        """(node name, evaluation) in the order the nodes were filtered."""
        n = len(self.order)
        evals = self.evals if self.keys is None else [self.cache[k] for k in self.keys]
        return [(self.order[(self.start + i) % n], ev) for i, ev in enumerate(evals)]


class Scheduler(Controller):
    """The default scheduler. ``image_size(image) -> bytes`` sizes images a node lists without sizeBytes."""

    name = SCHEDULER_NAME
    watches = ()

    def __init__(
        self,
        cluster: Cluster,
        image_size: Callable[[str], int] | None = None,
        percentage_of_nodes_to_score: int = 0,
    ) -> None:
        super().__init__(cluster)
        self.image_size: Callable[[str], int] = image_size or (lambda _img: DEFAULT_IMAGE_SIZE)
        self.percentage = percentage_of_nodes_to_score
        self.recorder = EventRecorder(cluster.api, SCHEDULER_NAME)
        self.sched_queue = SchedulingQueue(cluster.clock)
        self.nodes: dict[str, NodeInfo] = {}
        self.node_list: list[NodeInfo] = []
        self.assigned: dict[PodKey, str] = {}
        self.with_affinity: dict[PodKey, PodInfo] = {}
        self.image_nodes: dict[str, int] = {}
        self.next_start = 0
        self.traces: OrderedDict[PodKey, Attempt] = OrderedDict()
        self._attempts: dict[PodKey, int] = {}
        self._ns_labels_cache: dict[str, dict[str, str]] = {}
        self._snapshot: tuple[str, ...] | None = None
        self._keys: list[int] = []
        self._binding: dict[PodKey, PodInfo] = {}

    def _names_snapshot(self) -> tuple[str, ...]:
        snap = self._snapshot
        if snap is None or len(snap) != len(self.node_list):
            snap = self._snapshot = tuple(ni.name for ni in self.node_list)
        return snap

    # ---- informers --------------------------------------------------------------------------------
    def start(self) -> None:
        """List nodes and pods (informer sync), then watch them."""
        for n in self.api.list_objects("nodes"):
            self._node_upsert(n)
        for p in self.api.list_objects("pods"):
            self._pod_changed(None, p)
        watch = self.cluster.store.watch
        self._watch_handles = [
            watch("nodes", callback=self._on_node),
            watch("pods", callback=self._on_pod),
            watch("namespaces", callback=lambda ev: self._ns_labels_cache.clear()),
        ]
        for res in ("persistentvolumeclaims", "persistentvolumes", "storageclasses.storage.k8s.io"):
            self._watch_handles.append(watch(res, callback=self._on_volume_event))

    def _on_volume_event(self, ev: Event) -> None:
        self.sched_queue.move_all_unschedulable()

    def _on_node(self, ev: Event) -> None:
        name = ev.object["metadata"]["name"]
        if ev.type == DELETED:
            ni = self.nodes.pop(name, None)
            if ni is not None:
                self.node_list.remove(ni)
                ni.keys_ref = None
                self._keys = [x.fast_key for x in self.node_list]
                for i, x in enumerate(self.node_list):
                    x.index = i
                    x.keys_ref = self._keys
                self._snapshot = None
                self._node_images(ni, -1)
                for k in list(ni.pods):
                    self.assigned.pop(k, None)
                    self.with_affinity.pop(k, None)
            return
        old = self.nodes.get(name)
        # The node changes scheduling plugins register for (labels, taints, unschedulable, allocatable);
        # a new image list alone (the kubelet's status sync) requeues nothing, as in the real scheduler.
        before = None if old is None else (old.labels, old.taint_key, old.unschedulable, old.sig)
        ni = self._node_upsert(ev.object)
        after = (ni.labels, ni.taint_key, ni.unschedulable, ni.sig)
        if before != after:
            self.sched_queue.move_all_unschedulable()

    def _node_upsert(self, node: Obj) -> NodeInfo:
        name = node["metadata"]["name"]
        ni = self.nodes.get(name)
        if ni is None:
            ni = NodeInfo(name)
            self.nodes[name] = ni
            ni.index = len(self.node_list)
            self.node_list.append(ni)
            self._keys.append(0)
            ni.keys_ref = self._keys
        else:
            self._node_images(ni, -1)
        ni.set_node(node, self.image_size)
        self._node_images(ni, 1)
        return ni

    def _node_images(self, ni: NodeInfo, sign: int) -> None:
        for img in ni.images:
            c = self.image_nodes.get(img, 0) + sign
            if c > 0:
                self.image_nodes[img] = c
            else:
                self.image_nodes.pop(img, None)

    def _on_pod(self, ev: Event) -> None:
        if ev.type == DELETED:
            self._pod_changed(ev.object, None)
        else:
            self._pod_changed(ev.object if ev.type != ADDED else None, ev.object, ev.type == ADDED)

    def _pod_changed(self, old: Obj | None, new: Obj | None, added: bool = False) -> None:
        obj = new if new is not None else old
        assert obj is not None
        meta = obj["metadata"]
        key = (meta.get("namespace", ""), meta["name"])
        if new is None:
            self.sched_queue.delete(key)
            if self._forget(key):
                self.sched_queue.move_all_unschedulable()
            return
        spec = new.get("spec") or {}
        node = spec.get("nodeName") or ""
        phase = (new.get("status") or {}).get("phase")
        if node:
            self.sched_queue.delete(key)
            self._attempts.pop(key, None)
            if phase in ("Succeeded", "Failed"):
                if self._forget(key):
                    self.sched_queue.move_all_unschedulable()
                return
            labels = meta.get("labels") or {}
            prev = self.assigned.get(key)
            labels_changed = False
            if prev is not None:
                cur = self.nodes.get(prev)
                old_pi = cur.pods.get(key) if cur is not None else None
                if (
                    prev == node
                    and old_pi is not None
                    and old_pi.labels == labels
                    and (old_pi.spec is spec or old_pi.spec == spec)
                ):
                    old_pi.pod = new
                    old_pi.terminating = bool(meta.get("deletionTimestamp"))
                    return
                labels_changed = old_pi is not None and old_pi.labels != labels
                self._forget(key)
            ni = self.nodes.get(node)
            if ni is None:
                return
            pi = self._binding.pop(key, None) or PodInfo(new)
            pi.pod = new
            pi.spec = spec
            pi.node_name = node
            ni.add_pod(pi)
            self.assigned[key] = node
            if pi.has_pod_affinity:
                self.with_affinity[key] = pi
            if labels_changed:
                self.sched_queue.move_all_unschedulable()
            return
        # Unassigned pod.
        if spec.get("schedulerName", SCHEDULER_NAME) != SCHEDULER_NAME or meta.get("deletionTimestamp"):
            self.sched_queue.delete(key)
            return
        if phase in ("Succeeded", "Failed") or spec.get("schedulingGates"):
            # SchedulingGates PreEnqueue: a gated pod waits outside the queue until its gates are removed.
            self.sched_queue.delete(key)
            return
        prio = int(spec.get("priority") or 0)
        if key not in self.sched_queue:
            self.sched_queue.add(key, prio)
            return
        if old is not None and _scheduling_relevant(old) != _scheduling_relevant(new):
            self.sched_queue.update(key, prio)

    def _forget(self, key: PodKey) -> bool:
        node = self.assigned.pop(key, None)
        self.with_affinity.pop(key, None)
        if node is None:
            return False
        ni = self.nodes.get(node)
        if ni is not None:
            ni.remove_pod(key)
        return True

    # ---- the loop ---------------------------------------------------------------------------------
    def process(self, limit: int = 1_000_000) -> int:
        """Schedule every pod that activeQ holds now; returns how many attempts were made."""
        n = 0
        while n < limit:
            key = self.sched_queue.pop()
            if key is None:
                break
            self.schedule_one(key)
            n += 1
        return n

    def reconcile(self, key: tuple[str, str, str]) -> None:
        """Unused: the scheduler is driven by its own queue."""

    def schedule_one(self, key: PodKey) -> None:
        """One scheduling cycle and (synchronous) binding cycle for a pod."""
        pod = self.cluster.store.get("pods", key[0], key[1])
        if pod is None or (pod.get("spec") or {}).get("nodeName") or pod["metadata"].get("deletionTimestamp"):
            self.sched_queue.delete(key)
            self._attempts.pop(key, None)
            return
        pi = PodInfo(pod)
        att = self._attempts.get(key, 0) + 1
        self._attempts[key] = att
        attempt = self._find(pi)
        attempt.attempt = att
        self._keep_trace(attempt)
        if attempt.chosen:
            self._binding[key] = pi
            try:
                self.api.bind(key[0], key[1], attempt.chosen, uid=pi.uid)
            except StatusError as e:
                self._binding.pop(key, None)
                attempt.message = f"binding rejected: {e.message}"
                self.sched_queue.add_unschedulable(key, pi.priority)
                return
            self.sched_queue.done(key)
            self._attempts.pop(key, None)
            bound = self.cluster.store.get("pods", key[0], key[1]) or pod
            self.recorder.event(
                bound, "Normal", "Scheduled", f"Successfully assigned {key[0]}/{key[1]} to {attempt.chosen}"
            )
            return
        nominated = self._postfilter(pi, attempt)
        self.recorder.event(pod, "Warning", "FailedScheduling", attempt.message)
        self._set_unschedulable(key, attempt.message, nominated)
        self.sched_queue.add_unschedulable(key, pi.priority)

    def _set_unschedulable(self, key: PodKey, message: str, nominated: str | None) -> None:
        cur = self.cluster.store.get("pods", key[0], key[1])
        if cur is None:
            return
        status = clone(cur.get("status") or {})
        conds = status.get("conditions") or []
        now = rfc3339(self.api.now())
        found = False
        for c in conds:
            if c.get("type") == "PodScheduled":
                found = True
                if c.get("status") != "False":
                    c["lastTransitionTime"] = now
                c.update(
                    {"lastProbeTime": None, "message": message, "reason": "Unschedulable", "status": "False"}
                )
        if not found:
            conds.append(
                {
                    "lastProbeTime": None,
                    "lastTransitionTime": now,
                    "message": message,
                    "reason": "Unschedulable",
                    "status": "False",
                    "type": "PodScheduled",
                }
            )
        status["conditions"] = conds
        if nominated is not None:
            if nominated:
                status["nominatedNodeName"] = nominated
            else:
                status.pop("nominatedNodeName", None)
        if status == cur.get("status"):
            return
        upd = dict(cur)
        upd["status"] = status
        try:
            self.api.update_status(upd)
        except StatusError:
            pass

    # ---- filtering and scoring ----------------------------------------------------------------------
    def _ns_labels(self, ns: str) -> dict[str, str]:
        lab = self._ns_labels_cache.get(ns)
        if lab is None:
            o = self.cluster.store.get("namespaces", "", ns)
            lab = dict((o or {}).get("metadata", {}).get("labels") or {})
            lab.setdefault("kubernetes.io/metadata.name", ns)
            self._ns_labels_cache[ns] = lab
        return lab

    def _assigned_pairs(self) -> list[tuple[PodInfo, NodeInfo]]:
        return [(p, ni) for ni in self.node_list for p in ni.pods.values()]

    def _affinity_pairs(self) -> list[tuple[PodInfo, NodeInfo]]:
        out = []
        for k, p in self.with_affinity.items():
            ni = self.nodes.get(self.assigned.get(k, ""))
            if ni is not None:
                out.append((p, ni))
        return out

    def _find(self, pi: PodInfo) -> Attempt:
        a = Attempt()
        a.pod = pi.key
        a.time = self.api.now()
        all_nodes = self.node_list
        a.num_all_nodes = len(all_nodes)
        if not all_nodes:
            a.message = NO_NODES
            return a
        nodes = all_nodes
        if pi.required_node_names is not None:
            nodes = [
                self.nodes[n]
                for n in sorted(pi.required_node_names, key=lambda x: self.nodes[x].index)
                if n in self.nodes
            ]
            a.absent = Status(
                UNRESOLVABLE, nodeaffinity.NAME, (f"node(s) didn't satisfy plugin(s) [{nodeaffinity.NAME}]",)
            )
        vb = None
        claims = volumebinding.claim_names(pi.spec)
        if claims:
            vb = volumebinding.State(pi, claims, self.cluster.store)
            if vb.prefilter_msg:
                # A PreFilter rejection: its message replaces the histogram; no node is filtered.
                a.absent = Status(UNRESOLVABLE, volumebinding.NAME, (vb.prefilter_msg,))
                a.message = fw.fit_error_message(len(all_nodes), [], prefilter_msg=vb.prefilter_msg)
                return a
            if not vb.relevant:
                vb = None
        with_aff = self._affinity_pairs() if self.with_affinity else []
        ip_state = None
        if pi.affinity or pi.anti_affinity or with_aff:
            assigned = self._assigned_pairs() if (pi.affinity or pi.anti_affinity) else []
            ip_state = interpodaffinity.State(pi, assigned, with_aff, self._ns_labels)
            if not ip_state.relevant:
                ip_state = None
        score_ip = None
        if pi.preferred_affinity or pi.preferred_anti_affinity or with_aff:
            assigned = self._assigned_pairs() if (pi.preferred_affinity or pi.preferred_anti_affinity) else []
            score_ip = interpodaffinity.ScoreState(pi, assigned, with_aff, self._ns_labels)
            if not score_ip.active or not score_ip.scores:
                score_ip = None
        static_simple = (
            not pi.node_selector
            and pi.required_node_terms is None
            and not pi.preferred_node_terms
            and not pi.node_name
        )
        per_node = ip_state is not None or score_ip is not None or bool(pi.disk_volumes) or vb is not None
        ctx = (pi, ip_state, score_ip, len(all_nodes), vb)
        n = len(nodes)
        num_to_find = num_feasible_nodes_to_find(n, self.percentage)
        a.num_to_find = num_to_find
        start = self.next_start % n if n else 0
        a.start = start
        a.order = self._names_snapshot() if nodes is all_nodes else tuple(ni.name for ni in nodes)
        cache: dict[Any, Eval] = {}
        created: list[Eval] = []
        evals = a.evals
        feasible: list[int] = []
        evaluate = self._evaluate
        if static_simple and not per_node and not pi.host_ports and nodes is all_nodes:
            return self._find_fast(a, ctx, start, num_to_find)
        for i in range(n):
            ni = nodes[(start + i) % n]
            if per_node or not static_simple:
                key: Any = (ni.name, ni.generation)
            else:
                key = ni.fast_key
                if pi.host_ports:
                    key = (key, tuple(ni.port_conflict(*p) for p in pi.host_ports))
            ev = cache.get(key)
            if ev is None:
                ev = cache[key] = evaluate(ctx, ni)
                created.append(ev)
            evals.append(ev)
            if ev.status is None:
                feasible.append(i)
                if len(feasible) >= num_to_find:
                    break
        processed = len(evals)
        self.next_start = (self.next_start + processed) % len(all_nodes)
        if not feasible:
            statuses = [ev.status for ev in evals if ev.status is not None]
            a.message = fw.fit_error_message(len(all_nodes), statuses)
            return a
        order = a.order
        if len(feasible) == 1:
            a.chosen = order[(start + feasible[0]) % n]
            return a
        best = self._score([ev for ev in created if ev.status is None])
        ties = [i for i in feasible if evals[i].total == best]
        pick = ties[0] if len(ties) == 1 else ties[self.cluster.rng.randrange(len(ties))]
        a.chosen = order[(start + pick) % n]
        return a

    def _find_fast(
        self, a: Attempt, ctx: tuple[PodInfo, Any, Any, int, Any], start: int, num_to_find: int
    ) -> Attempt:
        """The filter scan for pods that see nodes only through their fast key (no selectors, affinity,
        host ports, disks or images on nodes): one evaluation per distinct node state, and the scan for
        the first ``num_to_find`` feasible nodes runs over the key list at C speed."""
        nodes = self.node_list
        n = len(nodes)
        keys = self._keys
        cache: dict[int, Eval] = {}
        feasible_keys: set[int] = set()
        positions: list[int] = []
        chunk = max(num_to_find, 64)
        pos = 0
        while pos < n and len(positions) < num_to_find:
            end = min(n, pos + chunk)
            lo, hi = start + pos, start + end
            seg = (
                keys[lo:hi] if hi <= n else (keys[lo:] + keys[: hi - n] if lo < n else keys[lo - n : hi - n])
            )
            seg_keys = set(seg)
            new = seg_keys.difference(cache)
            if new:
                if len(new) > 64:
                    first: dict[int, int] = {}
                    for off, k in enumerate(seg):
                        if k in new and k not in first:
                            first[k] = off
                    reps = sorted(first.items(), key=lambda kv: kv[1])
                else:
                    reps = sorted(((k, seg.index(k)) for k in new), key=lambda kv: kv[1])
                for k, off in reps:
                    ev = cache[k] = self._evaluate(ctx, nodes[(start + pos + off) % n])
                    if ev.status is None:
                        feasible_keys.add(k)
            if seg_keys <= feasible_keys:
                # Every node of the chunk passes (the usual case on a roomy cluster): no per-node test.
                positions.extend(range(pos, min(end, pos + num_to_find - len(positions))))
            else:
                positions.extend(
                    islice(
                        compress(range(pos, end), map(feasible_keys.__contains__, seg)),
                        num_to_find - len(positions),
                    )
                )
            pos = end
        processed = positions[-1] + 1 if len(positions) >= num_to_find else n
        hi = start + processed
        rot = keys[start:hi] if hi <= n else keys[start:] + keys[: hi - n]
        a.keys = rot
        a.cache = cache
        self.next_start = (self.next_start + processed) % n
        if not positions:
            a.message = fw.fit_error_message(n, [cache[k].status for k in a.keys])  # type: ignore[misc]
            return a
        if len(positions) == 1:
            a.chosen = a.order[(start + positions[0]) % n]
            return a
        # The keys of the feasible nodes, in scan order (``rot`` itself when every scanned node passed).
        pkeys = rot if len(positions) == len(rot) else list(map(rot.__getitem__, positions))
        used = set(pkeys)
        best = self._score([cache[k] for k in used])
        best_keys = {k for k in used if cache[k].total == best}
        if len(best_keys) == len(used):
            ties = positions
        elif len(best_keys) == 1:
            # One best node state: count its nodes, then walk only up to the drawn one.
            (bk,) = best_keys
            count = pkeys.count(bk)
            r = 0 if count == 1 else self.cluster.rng.randrange(count)
            pick = next(islice(compress(positions, map(bk.__eq__, pkeys)), r, None))
            a.chosen = a.order[(start + pick) % n]
            return a
        else:
            ties = list(compress(positions, map(best_keys.__contains__, pkeys)))
        pick = ties[0] if len(ties) == 1 else ties[self.cluster.rng.randrange(len(ties))]
        a.chosen = a.order[(start + pick) % n]
        return a

    def _evaluate(self, ctx: tuple[PodInfo, Any, Any, int, Any], ni: NodeInfo) -> Eval:
        pi, ip_state, score_ip, total_nodes, vb = ctx
        st = (
            nodeunschedulable.filter(pi, ni)
            or nodename.filter(pi, ni)
            or tainttoleration.filter(pi, ni)
            or nodeaffinity.filter(pi, ni)
        )
        if st is None and pi.host_ports:
            st = nodeports.filter(pi, ni)
        if st is None:
            st = noderesources.filter(pi, ni)
        if st is None and pi.disk_volumes:
            st = volumerestrictions.filter(pi, ni)
        if st is None and vb is not None:
            st = vb.filter(ni)
        if st is None and ip_state is not None:
            st = ip_state.filter(ni)
        if st is not None:
            return Eval(st)
        raw = {
            tainttoleration.NAME: tainttoleration.score(pi, ni),
            nodeaffinity.NAME: nodeaffinity.score(pi, ni) if pi.preferred_node_terms else 0,
            noderesources.NAME: noderesources.least_allocated(pi, ni),
            interpodaffinity.NAME: score_ip.score(ni) if score_ip is not None else 0,
            noderesources.BALANCED: noderesources.balanced_allocation(pi, ni),
            imagelocality.NAME: imagelocality.score(pi, ni, self.image_nodes, total_nodes),
        }
        return Eval(None, raw)

    def _score(self, distinct: list[Eval]) -> int:
        """Score the distinct feasible evaluations, normalise, weight; returns the best total."""
        norms = {
            tainttoleration.NAME: tainttoleration.normalize,
            nodeaffinity.NAME: nodeaffinity.normalize,
            interpodaffinity.NAME: interpodaffinity.normalize,
        }
        for plugin in fw.SCORE_WEIGHTS:
            raw = [ev.raw[plugin] for ev in distinct]
            f = norms.get(plugin)
            normed = f(raw) if f is not None else raw
            for ev, v in zip(distinct, normed, strict=True):
                ev.norm[plugin] = v
        best = 0
        for ev in distinct:
            ev.total = sum(ev.norm[p] * w for p, w in fw.SCORE_WEIGHTS.items())
            best = max(best, ev.total)
        return best

    # ---- preemption (DefaultPreemption PostFilter) -----------------------------------------------
    def _postfilter(self, pi: PodInfo, a: Attempt) -> str | None:
        """Run preemption; sets the message's ``preemption:`` tail. Returns the nominated node ("" to
        clear, None to leave as is)."""
        if a.message == NO_NODES:
            return None
        statuses = a.postfilter
        if pi.preemption_policy == "Never":
            a.message += " preemption: not eligible due to preemptionPolicy=Never."
            return None
        by_node: dict[str, Status] = {}
        for name, ev in a.pairs():
            if ev.status is not None:
                by_node[name] = ev.status
        nominated = (pi.pod.get("status") or {}).get("nominatedNodeName") or ""
        if nominated and nominated in self.nodes:
            nst = by_node.get(nominated)
            if nst is None or nst.code != UNRESOLVABLE:
                for p in self.nodes[nominated].pods.values():
                    if p.priority < pi.priority and _terminating_by_preemption(p.pod):
                        a.message += (
                            " preemption: not eligible due to a terminating pod on the nominated node."
                        )
                        return None
        candidates: list[tuple[tuple[int, int, int], NodeInfo, list[PodInfo]]] = []
        for ni in self.node_list:
            st = by_node.get(ni.name)
            if st is None:
                st = a.absent
            if st is None or st.code == UNRESOLVABLE:
                statuses[ni.name] = Status(UNRESOLVABLE, "DefaultPreemption", (NOT_HELPFUL,))
                continue
            victims = [p for p in ni.pods.values() if p.priority < pi.priority]
            if not victims:
                statuses[ni.name] = Status(UNRESOLVABLE, "DefaultPreemption", (NO_VICTIMS,))
                continue
            fits, final, fst = self._select_victims(pi, ni, victims)
            if not fits:
                statuses[ni.name] = fst or Status(UNSCHEDULABLE, "DefaultPreemption", ())
                continue
            top = max(v.priority for v in final)
            candidates.append(((top, sum(v.priority for v in final), len(final)), ni, final))
        if not candidates:
            a.message += " preemption: " + fw.fit_error_message(len(self.node_list), list(statuses.values()))
            return None
        candidates.sort(key=lambda c: c[0])
        _, ni, victims = candidates[0]
        for v in victims:
            self._preempt_victim(v, pi, ni.name)
        return ni.name

    def _select_victims(
        self, pi: PodInfo, ni: NodeInfo, victims: list[PodInfo]
    ) -> tuple[bool, list[PodInfo], Status | None]:
        """SelectVictimsOnNode: remove every lower-priority pod; if the pod then fits, reprieve as many
        as possible (highest priority first)."""
        sim = NodeInfo(ni.name)
        assert ni.node is not None
        sim.set_node(ni.node, self.image_size)
        keep = [p for p in ni.pods.values() if p.priority >= pi.priority]
        for p in keep:
            sim.add_pod(p)

        def fits() -> Status | None:
            st = nodeports.filter(pi, sim) if pi.host_ports else None
            st = st or noderesources.filter(pi, sim)
            if st is None and pi.disk_volumes:
                st = volumerestrictions.filter(pi, sim)
            return st

        st = fits()
        if st is not None:
            return False, [], st
        final: list[PodInfo] = []
        for v in sorted(victims, key=lambda p: (-p.priority, p.created)):
            sim.add_pod(v)
            if fits() is not None:
                sim.remove_pod(v.key)
                final.append(v)
        return True, final, None

    def _preempt_victim(self, victim: PodInfo, preemptor: PodInfo, node: str) -> None:
        cur = self.cluster.store.get("pods", victim.namespace, victim.name)
        if cur is None:
            return
        upd = dict(cur)
        status = clone(cur.get("status") or {})
        conds = [c for c in status.get("conditions") or [] if c.get("type") != "DisruptionTarget"]
        conds.append(
            {
                "lastProbeTime": None,
                "lastTransitionTime": rfc3339(self.api.now()),
                "message": f"{SCHEDULER_NAME}: preempting to accommodate a higher priority pod",
                "reason": "PreemptionByScheduler",
                "status": "True",
                "type": "DisruptionTarget",
            }
        )
        status["conditions"] = conds
        upd["status"] = status
        try:
            self.api.update_status(upd)
            self.api.delete("pods", victim.name, victim.namespace)
        except StatusError:
            return
        self.recorder.event(cur, "Normal", "Preempted", f"Preempted by pod {preemptor.uid} on node {node}")

    # ---- traces -----------------------------------------------------------------------------------
    def _keep_trace(self, a: Attempt) -> None:
        self.traces.pop(a.pod, None)
        self.traces[a.pod] = a
        while len(self.traces) > TRACE_LIMIT:
            self.traces.popitem(last=False)

    def trace_for(self, namespace: str, name: str) -> dict[str, Any] | None:
        """The last scheduling attempt of a pod: per node, each filter's verdict and each score, and the
        choice. None when the pod was never attempted (or its trace aged out)."""
        a = self.traces.get((namespace, name))
        if a is None:
            return None
        nodes: list[dict[str, Any]] = []
        for node_name, ev in a.pairs():
            filters = []
            failed = ev.status.plugin if ev.status is not None else None
            for plugin in fw.FILTER_PLUGINS:
                entry: dict[str, Any] = {"plugin": plugin, "predicate": fw.LEGACY_PREDICATES[plugin]}
                if failed is None:
                    entry["result"] = "Success"
                elif plugin == failed:
                    assert ev.status is not None
                    entry["result"] = ev.status.code
                    entry["reasons"] = list(ev.status.reasons)
                elif fw.FILTER_PLUGINS.index(plugin) < fw.FILTER_PLUGINS.index(failed):
                    entry["result"] = "Success"
                else:
                    entry["result"] = "Skipped"
                filters.append(entry)
            item: dict[str, Any] = {"node": node_name, "feasible": ev.status is None, "filters": filters}
            if ev.status is None and ev.norm:
                item["scores"] = [
                    {
                        "plugin": p,
                        "priority": fw.LEGACY_PRIORITIES[p],
                        "weight": w,
                        "raw": ev.raw[p],
                        "normalized": ev.norm[p],
                        "weighted": ev.norm[p] * w,
                    }
                    for p, w in fw.SCORE_WEIGHTS.items()
                ]
                item["total"] = ev.total
            nodes.append(item)
        out: dict[str, Any] = {
            "pod": f"{namespace}/{name}",
            "attempt": a.attempt,
            "time": rfc3339(a.time),
            "numAllNodes": a.num_all_nodes,
            "numNodesToFind": a.num_to_find,
            "startIndex": a.start,
            "nodes": nodes,
            "result": "Scheduled" if a.chosen else "Unschedulable",
            "node": a.chosen,
            "message": a.message,
        }
        if a.postfilter:
            out["preemption"] = {k: list(v.reasons) for k, v in a.postfilter.items()}
        return out

    def pending(self) -> dict[str, list[PodKey]]:
        """Pending pods per queue (activeQ, backoffQ, unschedulable pool)."""
        return self.sched_queue.pending()


def _scheduling_relevant(pod: Obj) -> Any:
    meta = pod.get("metadata") or {}
    return (meta.get("labels"), meta.get("annotations"), pod.get("spec"))


def _terminating_by_preemption(pod: Obj) -> bool:
    if not pod["metadata"].get("deletionTimestamp"):
        return False
    for c in (pod.get("status") or {}).get("conditions") or []:
        if c.get("type") == "DisruptionTarget" and c.get("reason") == "PreemptionByScheduler":
            return True
    return False


def install(cluster: Cluster, image_size: Callable[[str], int] | None = None) -> Scheduler:
    """Create the scheduler, register it with the cluster and return it (``cluster.scheduler`` too)."""
    old = cluster.__dict__.get("scheduler")
    if old is not None:  # a re-install replaces the running scheduler (e.g. with another image_size)
        cluster.remove_controller(old)
    s = Scheduler(cluster, image_size=image_size)
    cluster.add_controller(s)
    cluster.__dict__["scheduler"] = s
    return s
