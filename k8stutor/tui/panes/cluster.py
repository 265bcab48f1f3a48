"""Cluster: nodes as boxes (role, IP, podCIDR, Ready, taints, cordon, requests vs allocatable) with pod chips."""

from __future__ import annotations

import heapq
from typing import Any, NamedTuple

from rich.columns import Columns
from rich.console import Group
from rich.panel import Panel
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...engine import quantity
from .base import Pane, status_style

MAX_NODES = 48
MAX_CHIPS = 16
BOX_WIDTH = 40


class PodEntry(NamedTuple):
    """A pod as its node's box counts it: requests are summed over live (not finished) pods only."""

    pod: dict[str, Any]
    cpu: int
    mem: int
    live: bool


def chip_status(pod: dict[str, Any]) -> str:
    """A cheap version of kubectl's STATUS column, enough to colour a chip."""
    if pod["metadata"].get("deletionTimestamp"):
        return "Terminating"
    status = pod.get("status") or {}
    phase = status.get("phase") or "Pending"
    if phase in ("Succeeded", "Failed"):
        return "Completed" if phase == "Succeeded" else (status.get("reason") or "Error")
    for cs in status.get("containerStatuses") or ():
        waiting = (cs.get("state") or {}).get("waiting")
        if waiting and waiting.get("reason"):
            return str(waiting["reason"])
        term = (cs.get("state") or {}).get("terminated")
        if term:
            return str(term.get("reason") or "Error")
    return phase


def node_ready(node: dict[str, Any]) -> str:
    """Ready / NotReady / Unknown from the node's Ready condition."""
    for c in (node.get("status") or {}).get("conditions") or ():
        if c.get("type") == "Ready":
            return {"True": "Ready", "False": "NotReady"}.get(c.get("status"), "Unknown")
    return "Unknown"


def pod_requests(pod: dict[str, Any]) -> tuple[int, int]:
    """(milli-CPU, memory bytes) requested by a pod's containers (as the scheduler sums them)."""
    cpu = mem = 0
    for c in (pod.get("spec") or {}).get("containers") or ():
        req = (c.get("resources") or {}).get("requests") or {}
        try:
            cpu += quantity.milli_value(req.get("cpu", "0"))
            mem += quantity.value(req.get("memory", "0"))
        except ValueError:
            pass
    return cpu, mem


def fmt_cpu(milli: int) -> str:
    return f"{milli}m" if milli % 1000 else str(milli // 1000)


def fmt_mem(b: int) -> str:
    for unit, size in (("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)):
        if b >= size:
            v = b / size
            return f"{v:.1f}{unit}" if v < 10 else f"{v:.0f}{unit}"
    return str(b)


def pod_entry(pod: dict[str, Any]) -> PodEntry:
    """What a node box needs of one pod, computed once per write to it."""
    live = (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed")
    cpu, mem = pod_requests(pod) if live else (0, 0)
    return PodEntry(pod, cpu, mem, live)


def node_box(node: dict[str, Any], pods: list[dict[str, Any]]) -> Panel:
    """One node's box with its pods as status-coloured chips."""
    return node_box_from(
        node, {(p["metadata"].get("namespace", ""), p["metadata"]["name"]): pod_entry(p) for p in pods}
    )


def node_box_from(node: dict[str, Any], entries: dict[tuple[str, str], PodEntry]) -> Panel:
    """One node's box from its pods' entries keyed by (namespace, name)."""
    meta, spec, status = node["metadata"], node.get("spec") or {}, node.get("status") or {}
    labels = meta.get("labels") or {}
    role = "control-plane" if "node-role.kubernetes.io/control-plane" in labels else "worker"
    ready = node_ready(node)
    ip = next((a["address"] for a in status.get("addresses") or () if a.get("type") == "InternalIP"), "")
    alloc = status.get("allocatable") or {}
    cpu = mem = live = 0
    for e in entries.values():
        if e.live:
            live += 1
            cpu += e.cpu
            mem += e.mem
    try:
        acpu, amem = quantity.milli_value(alloc.get("cpu", "0")), quantity.value(alloc.get("memory", "0"))
    except ValueError:
        acpu = amem = 0
    head = Text()
    head.append(role, style="cyan" if role == "control-plane" else "")
    head.append("  ")
    head.append(ready, style="bold green" if ready == "Ready" else "bold red")
    head.append(f"  pods {live}/{alloc.get('pods', '?')}")
    if spec.get("unschedulable"):
        head.append("  SchedulingDisabled", style="bold yellow")
    lines = [
        head,
        Text(f"{ip}  {spec.get('podCIDR', '')}", style="dim"),
        Text(f"cpu {fmt_cpu(cpu)}/{fmt_cpu(acpu)}  mem {fmt_mem(mem)}/{fmt_mem(amem)}"),
    ]
    for t in spec.get("taints") or ():
        val = f"={t['value']}" if t.get("value") else ""
        lines.append(
            Text(f"taint {t.get('key', '')}{val}:{t.get('effect', '')}", style="yellow", overflow="fold")
        )
    # The first chips in (namespace, name) order: a partial sort, not a sort of a node's thousands of pods.
    for key in heapq.nsmallest(MAX_CHIPS, entries):
        p = entries[key].pod
        st = chip_status(p)
        chip = Text("● ", style=status_style(st))
        chip.append(p["metadata"]["name"][: BOX_WIDTH - 6], style=status_style(st) if st != "Running" else "")
        lines.append(chip)
    if len(entries) > MAX_CHIPS:
        lines.append(Text(f"+{len(entries) - MAX_CHIPS} more", style="dim"))
    body = Text("\n").join(lines)
    border = "green" if ready == "Ready" else "red"
    if spec.get("unschedulable") and ready == "Ready":
        border = "yellow"
    return Panel(
        body, title=Text(meta["name"], style="bold"), title_align="left", width=BOX_WIDTH, border_style=border
    )


class ClusterPane(Pane):
    """Every node (control plane first) holding its pods; unscheduled pods wait in their own box.

    Pods are indexed by node from store watches, so a write redraws one node's box and a refresh with no
    write in between redraws nothing: nothing walks every pod after the first build.
    """

    title = "Cluster"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._indexed_for: tuple[int, int] | None = None
        self._where: dict[tuple[str, str], str] = {}  # pod → node name ("" while unscheduled)
        self._by_node: dict[str, dict[tuple[str, str], PodEntry]] = {}
        self._dirty: set[str] = set()  # nodes whose pods changed since their box was drawn
        self._boxes: dict[str, tuple[Any, Panel]] = {}  # node → (its resourceVersion, box)
        self._drawn: tuple[Any, ...] | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="cluster-scroll"):
            yield Static("", id="cluster-summary", classes="pane-header")
            yield Static("", id="cluster-nodes")

    # ---- the index -------------------------------------------------------------------------------
    def _reindex(self, cluster: Any) -> None:
        self._where.clear()
        self._by_node.clear()
        self._boxes.clear()
        self._dirty.clear()
        self._drawn = None
        for p in cluster.api.list_objects("pods"):
            self._put(p)

    def _put(self, pod: dict[str, Any]) -> None:
        meta = pod["metadata"]
        key = (meta.get("namespace", ""), meta["name"])
        node = (pod.get("spec") or {}).get("nodeName") or ""
        old = self._where.get(key)
        if old is not None and old != node:
            self._by_node[old].pop(key, None)
            self._dirty.add(old)
        self._by_node.setdefault(node, {})[key] = pod_entry(pod)
        self._where[key] = node
        self._dirty.add(node)

    def _on_pod(self, ev: Any) -> None:
        if self._indexed_for is None:
            return  # the next refresh lists every pod anyway
        if ev.type == "DELETED":
            meta = ev.object["metadata"]
            key = (meta.get("namespace", ""), meta["name"])
            node = self._where.pop(key, None)
            if node is not None:
                self._by_node[node].pop(key, None)
                self._dirty.add(node)
        else:
            self._put(ev.object)

    # ---- drawing ---------------------------------------------------------------------------------
    def refresh_from(self, cluster: Any) -> None:
        if self.watch_store(cluster, ("pods",), self._on_pod):
            self._indexed_for = None
        indexed_for = self.index_key(cluster)
        if self._indexed_for != indexed_for:
            self._reindex(cluster)
            self._indexed_for = indexed_for

        def order(n: dict[str, Any]) -> tuple[int, str]:
            cp = "node-role.kubernetes.io/control-plane" in (n["metadata"].get("labels") or {})
            return (0 if cp else 1, n["metadata"]["name"])

        nodes = sorted(cluster.api.list_objects("nodes"), key=order)
        drawn = tuple(n["metadata"].get("resourceVersion") for n in nodes)
        if drawn == self._drawn and not self._dirty:
            return
        boxes: list[Any] = []
        for n in nodes[:MAX_NODES]:
            name, rv = n["metadata"]["name"], n["metadata"].get("resourceVersion")
            cached = self._boxes.get(name)
            if cached is None or cached[0] != rv or name in self._dirty:
                cached = self._boxes[name] = (rv, node_box_from(n, self._by_node.get(name, {})))
            boxes.append(cached[1])
        pending = self._by_node.get("", {})
        if pending:
            body = Text("waiting for a node (Pending)\n", style="dim")
            for i, key in enumerate(heapq.nsmallest(MAX_CHIPS, pending)):
                body.append(("\n" if i else "") + "● " + key[1][: BOX_WIDTH - 8], style="yellow")
            if len(pending) > MAX_CHIPS:
                body.append(f"\n +{len(pending) - MAX_CHIPS} more", style="dim")
            boxes.append(
                Panel(
                    body,
                    title=Text("unscheduled", style="bold yellow"),
                    title_align="left",
                    width=BOX_WIDTH,
                    border_style="yellow",
                )
            )
        self._dirty.clear()
        self._drawn = drawn
        not_ready = sum(1 for n in nodes if node_ready(n) != "Ready")
        summary = Text(
            f"{len(nodes)} nodes ({not_ready} not ready) · {len(self._where)} pods · {len(pending)} pending"
        )
        if len(nodes) > MAX_NODES:
            summary.append(f" · showing the first {MAX_NODES} nodes", style="dim")
        self.query_one("#cluster-summary", Static).update(summary)
        self.query_one("#cluster-nodes", Static).update(Group(Columns(boxes, padding=(0, 1))))
