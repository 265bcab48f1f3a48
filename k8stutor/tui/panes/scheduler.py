"""Scheduler: for the selected pod, every node's filter verdicts and scores (why Pending, why this node)."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from .base import Pane

UNAVAILABLE = "scheduler trace not available"


def trace_renderable(pod: tuple[str, str] | None, trace: dict[str, Any] | None, has_scheduler: bool) -> Any:
    """What the pane shows for a pod's scheduling trace (as returned by ``scheduler.trace_for``)."""
    if not has_scheduler:
        return Text(UNAVAILABLE + " (this cluster runs no scheduler yet)", style="dim")
    if pod is None:
        return Text(
            "Select a pod in the Workloads pane (or type `kubectl get pods` and pick one) to see how the "
            "scheduler placed it.",
            style="dim",
        )
    ns, name = pod
    if trace is None:
        return Text(
            f"pod {ns}/{name}: {UNAVAILABLE} (never attempted: it was bound directly, e.g. a static or "
            "DaemonSet pod created with spec.nodeName, or its trace aged out)",
            style="dim",
        )
    head = Text()
    ok = trace.get("result") == "Scheduled"
    head.append(f"pod {trace.get('pod')}  ", style="bold")
    head.append(str(trace.get("result")), style="bold green" if ok else "bold red")
    if trace.get("node"):
        head.append(f" → {trace['node']}", style="bold")
    head.append(f"   attempt {trace.get('attempt')} at {trace.get('time')}", style="dim")
    if trace.get("message"):
        head.append("\n" + str(trace["message"]), style="" if ok else "yellow")
    table = Table(expand=False, show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("NODE")
    table.add_column("FILTERS")
    table.add_column("SCORE", justify="right")
    table.add_column("SCORES (plugin normalized×weight)")
    for n in trace.get("nodes") or ():
        failed = [f for f in n.get("filters") or () if f.get("result") not in ("Success", "Skipped")]
        if failed:
            f = failed[0]
            verdict = Text(
                f"✗ {f['plugin']}: " + "; ".join(f.get("reasons") or [f.get("result", "")]), style="red"
            )
        else:
            verdict = Text("✓ passed all filters", style="green")
        scores = ", ".join(f"{s['plugin']} {s['normalized']}×{s['weight']}" for s in n.get("scores") or ())
        chosen = n.get("node") == trace.get("node")
        table.add_row(
            Text(("▶ " if chosen else "  ") + str(n.get("node")), style="bold" if chosen else ""),
            verdict,
            str(n.get("total", "")),
            Text(scores, style="dim"),
        )
    parts: list[Any] = [head, Text(""), table]
    if trace.get("preemption"):
        pre = Text("\npreemption: ", style="bold")
        for node, reasons in trace["preemption"].items():
            pre.append(f"\n  {node}: {'; '.join(reasons)}")
        parts.append(pre)
    return Group(*parts)


class SchedulerPane(Pane):
    """Reads ``cluster.scheduler.trace_for(ns, name)`` for the pod selected elsewhere."""

    title = "Scheduler"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pod: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static("", id="sched-body")

    def refresh_from(self, cluster: Any) -> None:
        sched = getattr(cluster, "scheduler", None)
        trace = None
        if sched is not None and self.pod is not None and hasattr(sched, "trace_for"):
            try:
                trace = sched.trace_for(*self.pod)
            except Exception:
                trace = None
        self.query_one("#sched-body", Static).update(
            trace_renderable(self.pod, trace, sched is not None and hasattr(sched, "trace_for"))
        )
