"""Cluster: nodes as boxes (role, IP, podCIDR, Ready, taints, cordon, requests vs allocatable) with pod chips."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

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


def node_box(node: dict[str, Any], pods: list[dict[str, Any]]) -> Panel:
    """One node's box with its pods as status-coloured chips."""
    meta, spec, status = node["metadata"], node.get("spec") or {}, node.get("status") or {}
    labels = meta.get("labels") or {}
    role = "control-plane" if "node-role.kubernetes.io/control-plane" in labels else "worker"
    ready = node_ready(node)
    ip = next((a["address"] for a in status.get("addresses") or () if a.get("type") == "InternalIP"), "")
    alloc = status.get("allocatable") or {}
    cpu = mem = 0
    live = [p for p in pods if (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]
    for p in live:
        c, m = pod_requests(p)
        cpu += c
        mem += m
    try:
        acpu, amem = quantity.milli_value(alloc.get("cpu", "0")), quantity.value(alloc.get("memory", "0"))
    except ValueError:
        acpu = amem = 0
    head = Text()
    head.append(role, style="cyan" if role == "control-plane" else "")
    head.append("  ")
    head.append(ready, style="bold green" if ready == "Ready" else "bold red")
    head.append(f"  pods {len(live)}/{alloc.get('pods', '?')}")
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
    ordered = sorted(pods, key=lambda p: (p["metadata"].get("namespace", ""), p["metadata"]["name"]))
    for p in ordered[:MAX_CHIPS]:
        st = chip_status(p)
        chip = Text("● ", style=status_style(st))
        chip.append(p["metadata"]["name"][: BOX_WIDTH - 6], style=status_style(st) if st != "Running" else "")
        lines.append(chip)
    if len(pods) > MAX_CHIPS:
        lines.append(Text(f"+{len(pods) - MAX_CHIPS} more", style="dim"))
    body = Text("\n").join(lines)
    border = "green" if ready == "Ready" else "red"
    if spec.get("unschedulable") and ready == "Ready":
        border = "yellow"
    return Panel(
        body, title=Text(meta["name"], style="bold"), title_align="left", width=BOX_WIDTH, border_style=border
    )


class ClusterPane(Pane):
    """Every node (control plane first) holding its pods; unscheduled pods wait in their own box."""

    title = "Cluster"

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="cluster-scroll"):
            yield Static("", id="cluster-summary", classes="pane-header")
            yield Static("", id="cluster-nodes")

    def refresh_from(self, cluster: Any) -> None:
        nodes = cluster.api.list_objects("nodes")
        by_node: dict[str, list[dict[str, Any]]] = defaultdict(list)
        pending: list[dict[str, Any]] = []
        total = 0
        for p in cluster.api.list_objects("pods"):
            total += 1
            node = (p.get("spec") or {}).get("nodeName")
            if node:
                by_node[node].append(p)
            else:
                pending.append(p)

        def order(n: dict[str, Any]) -> tuple[int, str]:
            cp = "node-role.kubernetes.io/control-plane" in (n["metadata"].get("labels") or {})
            return (0 if cp else 1, n["metadata"]["name"])

        nodes = sorted(nodes, key=order)
        boxes: list[Any] = [node_box(n, by_node.get(n["metadata"]["name"], [])) for n in nodes[:MAX_NODES]]
        if pending:
            body = Text("waiting for a node (Pending)\n", style="dim")
            for i, p in enumerate(pending[:MAX_CHIPS]):
                body.append(
                    ("\n" if i else "") + "● " + p["metadata"]["name"][: BOX_WIDTH - 8], style="yellow"
                )
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
        not_ready = sum(1 for n in nodes if node_ready(n) != "Ready")
        summary = Text(f"{len(nodes)} nodes ({not_ready} not ready) · {total} pods · {len(pending)} pending")
        if len(nodes) > MAX_NODES:
            summary.append(f" · showing the first {MAX_NODES} nodes", style="dim")
        self.query_one("#cluster-summary", Static).update(summary)
        self.query_one("#cluster-nodes", Static).update(Group(Columns(boxes, padding=(0, 1))))
