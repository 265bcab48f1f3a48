"""Services: type, ClusterIP/NodePort/external IP, DNS name, endpoints and their pods, kube-proxy rules.

Data comes from ``k8stutor.engine.network`` (the EndpointSlices the controllers wrote, kube-proxy's service
table and ``iptables-save``/``ipvsadm`` text, and ``traffic.diagnose_service`` for "why no traffic?").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..messages import ObjectAction, ObjectSelected
from ..widgets.rowlist import Row, RowList
from .base import Pane, pad

COLUMNS = [("NAME", 24), ("TYPE", 12), ("CLUSTER-IP", 14), ("EXTERNAL", 10), ("PORT(S)", 16), ("READY", 5)]
DOMAIN = "cluster.local"


@dataclass(frozen=True)
class BackendInfo:
    """One endpoint address of a Service, with the pod behind it."""

    ip: str
    ports: tuple[str, ...]
    ready: bool
    serving: bool
    terminating: bool
    pod: str
    node: str


def ports_text(svc: dict[str, Any]) -> str:
    """The PORT(S) column of ``kubectl get svc`` (``80:30811/TCP``)."""
    spec = svc.get("spec") or {}
    out = []
    for p in spec.get("ports") or ():
        s = str(p.get("port", ""))
        if p.get("nodePort") and spec.get("type") in ("NodePort", "LoadBalancer"):
            s += f":{p['nodePort']}"
        out.append(f"{s}/{p.get('protocol', 'TCP')}")
    return ",".join(out) or "<none>"


def external_text(svc: dict[str, Any]) -> str:
    """The EXTERNAL-IP column of ``kubectl get svc``."""
    spec = svc.get("spec") or {}
    stype = spec.get("type", "ClusterIP")
    if stype == "ExternalName":
        return str(spec.get("externalName", ""))
    ips = list(spec.get("externalIPs") or ())
    lb = [
        i.get("ip") or i.get("hostname")
        for i in ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or ()
    ]
    ips += [x for x in lb if x]
    if ips:
        return ",".join(ips)
    return "<pending>" if stype == "LoadBalancer" else "<none>"


def dns_names(svc: dict[str, Any]) -> list[str]:
    """The DNS names CoreDNS answers for a Service (and what they resolve to)."""
    meta, spec = svc["metadata"], svc.get("spec") or {}
    fqdn = f"{meta['name']}.{meta.get('namespace', '')}.svc.{DOMAIN}"
    stype = spec.get("type", "ClusterIP")
    if stype == "ExternalName":
        return [f"{fqdn} → CNAME {spec.get('externalName', '')}"]
    if spec.get("clusterIP") == "None":
        return [f"{fqdn} → A records of every ready pod (headless)"]
    return [f"{fqdn} → {spec.get('clusterIP', '')}"]


def backends(cluster: Any, ns: str, name: str) -> list[BackendInfo]:
    """Every endpoint address in the Service's EndpointSlices, ready or not, sorted by IP."""
    from ...engine.network.index import index_of

    seen: dict[str, BackendInfo] = {}
    for sl in index_of(cluster).slices_of(ns, name):
        ports = tuple(
            f"{p.get('port')}/{p.get('protocol', 'TCP')}" + (f" ({p['name']})" if p.get("name") else "")
            for p in sl.get("ports") or ()
        )
        for ep in sl.get("endpoints") or ():
            cond = ep.get("conditions") or {}
            ref = ep.get("targetRef") or {}
            for addr in ep.get("addresses") or ():
                if addr in seen:
                    continue
                seen[addr] = BackendInfo(
                    addr,
                    ports,
                    cond.get("ready") is not False,
                    cond.get("serving") is not False,
                    bool(cond.get("terminating")),
                    ref.get("name", "") if ref.get("kind") == "Pod" else "",
                    ep.get("nodeName", ""),
                )
    return sorted(seen.values(), key=lambda b: tuple(int(x) for x in b.ip.split(".") if x.isdigit()))


def proxy_rules(cluster: Any, ns: str, name: str, node: str) -> tuple[str, list[str]]:
    """(mode, lines): the kube-proxy rules implementing the Service on ``node`` (iptables nat or IPVS)."""
    from ...engine.network.kubeproxy import iptables_save, proxy_of, virtual_servers

    kp = proxy_of(cluster)
    sps = [sp for sp in kp.table.all() if sp.ns == ns and sp.name == name]
    mode = kp.mode(node)
    if not sps:
        return mode, []
    if mode == "ipvs":
        lines = []
        for proto, ip, port, sp in virtual_servers(cluster, node):
            if sp.ns == ns and sp.name == name:
                lines.append(f"{proto}  {ip}:{port} {kp.scheduler(node)}")
                lines += [f"  -> {e.addr}" for e in sp.endpoints]
        return mode, lines
    chains = set()
    for sp in sps:
        chains |= {sp.chain, sp.ext_chain, sp.local_chain}
        chains |= {sp.sep(e) for e in sp.endpoints}
    text = iptables_save(cluster, node, "nat", stamp="-")
    lines = [
        ln
        for ln in text.splitlines()
        if ln.startswith("-A ") and (any(c in ln for c in chains) or f'"{ns}/{name}' in ln)
    ]
    return mode, lines


def diagnosis(cluster: Any, ns: str, name: str) -> list[str]:
    """ "Why no traffic?": the reasons the network reports (empty when the Service looks healthy)."""
    from ...engine.network.traffic import diagnose_service

    try:
        return diagnose_service(cluster, ns, name)
    except Exception as e:  # a diagnosis must never take the pane down
        return [f"diagnosis failed: {e}"]


def detail_renderable(cluster: Any, ns: str, name: str, node: str) -> Any:
    """What the lower half shows for one Service."""
    svc = cluster.api.peek("services", name, ns)
    if svc is None:
        return Text(f'service "{name}" not found', style="dim")
    spec = svc.get("spec") or {}
    head = Text()
    head.append(f"service {ns}/{name}  ", style="bold")
    head.append(f"{spec.get('type', 'ClusterIP')}  ", style="cyan")
    head.append(f"ClusterIP {spec.get('clusterIP', '')}")
    nodeports = [str(p["nodePort"]) for p in spec.get("ports") or () if p.get("nodePort")]
    if nodeports:
        head.append(f"  NodePort {','.join(nodeports)} on every node")
    ext = external_text(svc)
    if ext not in ("<none>",):
        head.append(f"  external {ext}")
    sel = spec.get("selector") or {}
    head.append(
        "\nselector: " + (",".join(f"{k}={v}" for k, v in sorted(sel.items())) or "<none>"), style="dim"
    )
    parts: list[Any] = [head]
    dns = Text("DNS: ", style="bold")
    dns.append("; ".join(dns_names(svc)), style="")
    parts.append(dns)
    eps = backends(cluster, ns, name)
    body = Text()
    body.append(f"endpoints ({sum(1 for b in eps if b.ready)} ready of {len(eps)}):\n", style="bold")
    if not eps:
        body.append("  <none>\n", style="yellow")
    for b in eps:
        mark, style = ("✓", "green") if b.ready else ("✗", "red")
        body.append(f"  {mark} ", style=style)
        body.append(f"{b.ip:<15} ")
        body.append(f"pod/{b.pod or '?':<32} ", style="" if b.ready else "red")
        body.append(f"{b.node:<14} ", style="dim")
        state = "ready" if b.ready else ("terminating" if b.terminating else "not ready")
        body.append(state, style=style)
        body.append("\n")
    parts.append(body)
    why = diagnosis(cluster, ns, name)
    if why:
        w = Text("why no traffic?\n", style="bold yellow")
        for r in why:
            w.append(f"  - {r}\n", style="yellow")
        parts.append(w)
    mode, rules = proxy_rules(cluster, ns, name, node)
    rt = Text(f"kube-proxy ({mode}) on {node} — n picks another node:\n", style="bold")
    for ln in rules or ["(no rules: the Service has no proxied ports)"]:
        rt.append(f"  {ln}\n")
    parts.append(rt)
    return Group(*parts)


class ServicesPane(Pane):
    """Every Service; the selected one's DNS name, endpoints (not-ready marked), diagnosis and rules."""

    title = "Services"
    BINDINGS = [
        Binding("n", "next_node", "Rules on next node"),
        Binding("y", "act('yaml')", "YAML"),
        Binding("d", "act('delete')", "Delete"),
    ]
    DEFAULT_CSS = """
    ServicesPane #svc-rows { height: 2fr; min-height: 4; }
    ServicesPane #svc-detail-box { height: 3fr; border-top: hkey $primary 40%; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._cluster: Any = None
        self.node = ""
        self.selected: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        yield Static(self.header_text(COLUMNS), classes="pane-header")
        yield RowList(id="svc-rows", empty="no Services")
        with VerticalScroll(id="svc-detail-box"):
            yield Static("", id="svc-detail")

    def _node_names(self, cluster: Any) -> list[str]:
        return [n["metadata"]["name"] for n in cluster.api.list_objects("nodes")]

    def refresh_from(self, cluster: Any) -> None:
        self._cluster = cluster
        nodes = self._node_names(cluster)
        if self.node not in nodes:
            workers = [
                n["metadata"]["name"]
                for n in cluster.api.list_objects("nodes")
                if "node-role.kubernetes.io/control-plane" not in (n["metadata"].get("labels") or {})
            ]
            self.node = (workers or nodes or [""])[0]
        rows: list[Row] = []
        for svc in cluster.api.list_objects("services"):
            rows.append(
                Row(
                    ("services", svc["metadata"].get("namespace", ""), svc["metadata"]["name"]),
                    self._renderer(cluster, svc),
                )
            )
        rl = self.query_one(RowList)
        rl.set_rows(rows, width=sum(w + 1 for _, w in COLUMNS))
        key = rl.current_key
        if key is not None:
            self.selected = (key[1], key[2])
        self._show_detail()

    def _renderer(self, cluster: Any, svc: dict[str, Any]) -> Any:
        def render() -> Text:
            meta, spec = svc["metadata"], svc.get("spec") or {}
            eps = backends(cluster, meta.get("namespace", ""), meta["name"])
            ready = sum(1 for b in eps if b.ready)
            t = Text()
            t.append(pad(f"{meta.get('namespace', '')}/{meta['name']}", COLUMNS[0][1]) + " ", style="bold")
            t.append(pad(spec.get("type", "ClusterIP"), COLUMNS[1][1]) + " ")
            t.append(pad(spec.get("clusterIP", "") or "", COLUMNS[2][1]) + " ")
            t.append(pad(external_text(svc), COLUMNS[3][1]) + " ")
            t.append(pad(ports_text(svc), COLUMNS[4][1]) + " ")
            style = "green" if eps and ready == len(eps) else ("red" if not ready else "yellow")
            if spec.get("type") == "ExternalName":
                t.append("-", style="dim")
            else:
                t.append(f"{ready}/{len(eps)}", style=style)
            return t

        return render

    def _show_detail(self) -> None:
        body = self.query_one("#svc-detail", Static)
        if self._cluster is None or self.selected is None:
            body.update(Text("Select a Service above.", style="dim"))
            return
        body.update(detail_renderable(self._cluster, self.selected[0], self.selected[1], self.node))

    def on_row_list_highlighted(self, event: RowList.Highlighted) -> None:
        event.stop()
        _res, ns, name = event.key
        if self.selected != (ns, name):
            self.selected = (ns, name)
            self._show_detail()
            self.post_message(ObjectSelected("services", ns, name))

    def on_row_list_chosen(self, event: RowList.Chosen) -> None:
        event.stop()
        self.action_act("describe")

    def action_next_node(self) -> None:
        if self._cluster is None:
            return
        nodes = self._node_names(self._cluster)
        if nodes:
            i = nodes.index(self.node) if self.node in nodes else -1
            self.node = nodes[(i + 1) % len(nodes)]
            self._show_detail()

    def action_act(self, action: str) -> None:
        if self.selected is not None:
            self.post_message(ObjectAction(action, "services", *self.selected))
