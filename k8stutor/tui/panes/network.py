"""Network: the Flannel overlay (nodes on their physical network, pod subnets, cni0/flannel.1/eth0, routes,
the backend) and a packet trace animated hop by hop (``k8stutor.engine.network.trace``).

A trace starts from the pane's input (``FROM TO[:PORT]``, the syntax of ``sim trace``), from ``sim trace`` at the
prompt, or from the last two pods selected in the Workloads pane.
"""

from __future__ import annotations

import shlex
from typing import Any

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Static

from .base import Pane

STEP_SECONDS = 0.6
ACTION_STYLES = {
    "encap": "bold magenta",
    "decap": "bold magenta",
    "dnat": "bold cyan",
    "snat": "cyan",
    "ipvs": "bold cyan",
    "deliver": "bold green",
    "drop": "bold red",
    "reject": "bold red",
}


def node_panels(cluster: Any, active: str = "") -> Any:
    """Every node as a box (eth0, flannel.1, cni0, pod subnet, routes), grouped by physical segment."""
    from ...engine.network.flannel import flannel_of

    fl = flannel_of(cluster)
    segments: dict[str, list[Any]] = {}
    for node in cluster.api.list_objects("nodes"):
        nn = fl.node(node["metadata"]["name"])
        if nn is not None:
            segments.setdefault(str(nn.segment), []).append(nn)
    parts: list[Any] = []
    backends = sorted({fl.conf(n.name).backend for nodes in segments.values() for n in nodes})
    conf = fl.conf(next(iter(fl.nodes), ""))
    head = Text()
    head.append("Flannel ", style="bold")
    head.append(" / ".join(backends) or "vxlan", style="bold magenta")
    head.append(f"   cluster network {conf.network}   MTU {conf.mtu}", style="dim")
    if "vxlan" in backends:
        head.append(f"   VNI {conf.vni} UDP {conf.port}", style="dim")
    parts.append(head)
    for seg, nodes in segments.items():
        grid = Table.grid(padding=(0, 1))
        boxes = []
        for nn in sorted(nodes, key=lambda n: n.name):
            t = Text()
            t.append(f"eth0       {nn.ip}/24\n")
            if fl.uses_vxlan(nn.name):
                t.append(f"flannel.1  {nn.network_ip}/32\n", style="magenta")
            if fl.has_cni0(nn.name):
                t.append(f"cni0       {nn.gateway_ip}/{nn.cidr.split('/')[1]}\n", style="green")
            else:
                t.append("cni0       (no pod yet)\n", style="dim")
            t.append(f"pods       {nn.cidr}\n", style="bold")
            t.append("routes:\n", style="dim")
            for r in fl.routes(nn.name):
                t.append(f" {route_text(r)}\n", style="dim")
            t.rstrip()
            style = "bold yellow" if nn.name == active else "blue"
            boxes.append(Panel(t, title=f"[b]{nn.name}[/b]", border_style=style, expand=False))
        grid.add_row(*boxes)
        parts.append(grid)
        parts.append(Text(f"══ physical network {seg} (eth0) " + "═" * 20, style="blue"))
    return Group(*parts)


def route_text(r: Any) -> str:
    """A routing table entry, short enough for a node box (``10.244.2.0/24 → flannel.1 via 10.244.2.0``)."""
    s = f"{r.dst} → {r.dev}"
    if r.via:
        s += f" via {r.via}"
    return s + (" (link)" if r.kernel else "")


def trace_renderable(tr: Any, shown: int) -> Any:
    """The first ``shown`` hops of a trace, the newest one highlighted; the outcome once all are shown."""
    t = Text()
    t.append(f"trace {tr.source.label()} ({tr.source.ip}) → {tr.dst_ip}:{tr.port}/{tr.proto}\n", style="bold")
    for i, h in enumerate(tr.hops[:shown], 1):
        current = i == shown and shown < len(tr.hops) + 1
        where = h.where + (f" {h.iface}" if h.iface else "")
        t.append("▶ " if current else "  ", style="bold yellow")
        t.append(f"{i:>2}. [{where}] ", style="bold" if current else "")
        t.append(h.action, style=ACTION_STYLES.get(h.action, ""))
        t.append(f": {h.detail}  ({h.src} → {h.dst})\n")
        if h.rule:
            t.append(f"       rule: {h.rule}\n", style="dim")
        if h.outer:
            t.append(f"       outer: {h.outer}\n", style="magenta")
    if shown >= len(tr.hops):
        end = {
            "delivered": ("delivered", "bold green"),
            "refused": ("connection refused", "bold red"),
            "timeout": ("dropped (timeout)", "bold red"),
            "unreachable": ("host unreachable", "bold red"),
        }.get(tr.outcome, (tr.outcome, "bold"))
        t.append("result: ", style="bold")
        t.append(end[0] + (f" - {tr.reason}" if tr.reason else ""), style=end[1])
    return t


def hop_node(hop: Any) -> str:
    """The node a hop happens on ('' for the workstation, the router or the internet)."""
    if hop.node:
        return str(hop.node)
    if hop.where.startswith("node "):
        return str(hop.where[5:])
    return ""


class NetworkPane(Pane):
    """The overlay drawing and the trace animation (one hop every STEP_SECONDS; Space shows all)."""

    title = "Network"
    BINDINGS = [
        Binding("t", "trace_picked", "Trace picked pods"),
        Binding("space", "finish", "All hops", show=False),
    ]
    DEFAULT_CSS = """
    NetworkPane #net-trace-input { height: 1; border: none; padding: 0 1; background: $boost; }
    """

    step_seconds = STEP_SECONDS  # the animation's pace (tests step by hand with a long one)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._cluster: Any = None
        self.trace: Any = None
        self.shown = 0
        self.picked: list[tuple[str, str]] = []
        self._prefilled = ""  # the last pair written to the input (the learner may have typed over it since)
        self.error = ""
        self._timer: Any = None

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="trace FROM TO[:PORT]  e.g. default/web-x svc/web:80 · workstation node/k8s-node01:30080",
            id="net-trace-input",
        )
        with VerticalScroll():
            yield Static("", id="net-nodes")
            yield Static("", id="net-trace")

    def refresh_from(self, cluster: Any) -> None:
        self._cluster = cluster
        self._prefill()
        self._draw()

    def _draw(self) -> None:
        if self._cluster is None:
            return
        active = ""
        if self.trace is not None and 0 < self.shown <= len(self.trace.hops):
            active = hop_node(self.trace.hops[self.shown - 1])
        self.query_one("#net-nodes", Static).update(node_panels(self._cluster, active))
        body = self.query_one("#net-trace", Static)
        if self.error:
            body.update(Text(self.error, style="red"))
        elif self.trace is not None:
            body.update(trace_renderable(self.trace, self.shown))
        else:
            body.update(
                Text(
                    "Type FROM TO[:PORT] above (FROM: pod/NAME, NS/NAME, node/NAME, workstation; TO: IP, "
                    "svc/NAME[.NS], pod/NAME, node/NAME, a DNS name), run `sim trace FROM TO` at the prompt, "
                    "or select two pods in Workloads and press t here.",
                    style="dim",
                )
            )

    # ---- traces ----------------------------------------------------------------------------------
    def start_trace(self, argv: list[str]) -> bool:
        """Trace ``FROM TO[:PORT]`` (``sim trace`` arguments) and animate it; False (and a message) if bad."""
        from ...engine.network.commands import parse_endpoint, resolve_target
        from ...engine.network.trace import trace

        if self._cluster is None:
            self._cluster = getattr(getattr(self.screen, "session", None), "cluster", None)
        if self._cluster is None or len(argv) != 2:
            self.error = "trace needs FROM and TO, e.g. default/web-x svc/web:80"
            self.trace = None
            self._draw()
            return False
        try:
            src = parse_endpoint(self._cluster, argv[0])
            ip, port, proto = resolve_target(self._cluster, src, argv[1])
            # choose=False: watching a trace must not move kube-proxy's round robin or random draws.
            self.trace = trace(self._cluster, src, ip, port, proto, choose=False)
        except (KeyError, ValueError) as e:
            self.error = f"trace: {e.args[0] if e.args else e}"
            self.trace = None
            self._draw()
            return False
        self.error = ""
        self.shown = 1 if self.trace.hops else 0
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_interval(self.step_seconds, self.step, name="trace")
        self._draw()
        return True

    def step(self) -> None:
        """Show one more hop (the animation's tick)."""
        if self.trace is None:
            return
        if self.shown < len(self.trace.hops):
            self.shown += 1
        elif self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._draw()

    def action_finish(self) -> None:
        if self.trace is not None:
            self.shown = len(self.trace.hops)
            self.step()

    def pick_pod(self, namespace: str, name: str) -> None:
        """Remember a pod selected elsewhere (the last two are a trace's ends); prefill the input."""
        if (namespace, name) in self.picked:
            self.picked.remove((namespace, name))
        self.picked = [*self.picked, (namespace, name)][-2:]
        # Every cursor move in Workloads lands here: the (hidden) input is filled when the pane is drawn, as
        # an Input value change costs a layout of the whole screen.
        if all(getattr(node, "display", True) for node in self.ancestors_with_self):
            self._prefill()

    def _prefill(self) -> None:
        if len(self.picked) == 2:
            (ans, a), (bns, b) = self.picked
            text = f"{ans}/{a} pod/{bns}/{b}:80"
            field = self.query_one("#net-trace-input", Input)
            if field.value != text and self._prefilled != text:
                field.value = text
            self._prefilled = text

    def action_trace_picked(self) -> None:
        if len(self.picked) == 2:
            (ans, a), (bns, b) = self.picked
            self.start_trace([f"{ans}/{a}", f"pod/{bns}/{b}:80"])
        else:
            self.notify("select two pods in the Workloads pane first", severity="warning")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            words = shlex.split(event.value.strip())
        except ValueError:
            words = []
        if words[:2] == ["sim", "trace"]:
            words = words[2:]
        elif words[:1] == ["trace"]:
            words = words[1:]
        self.start_trace(words)
