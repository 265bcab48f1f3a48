"""Config & storage: ConfigMaps and Secrets (values hidden until asked) with the pods using them; PV/PVC/
StorageClass bindings drawn claim → volume → pods → node; the current user/context and ``auth can-i --list``.
"""

from __future__ import annotations

import base64
import heapq
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..messages import ObjectAction, ObjectSelected
from ..widgets.rowlist import Row, RowList
from .base import Pane, pad

COLUMNS = [("NAME", 36), ("KIND", 9), ("TYPE", 20), ("DATA", 4), ("USED BY", 30)]
HIDDEN = "•••••• (v shows the values)"


def pod_references(pod: dict[str, Any]) -> set[tuple[str, str]]:
    """The (kind, name) of every ConfigMap/Secret a pod uses: volumes, env, envFrom, imagePullSecrets."""
    spec = pod.get("spec") or {}
    refs: set[tuple[str, str]] = set()
    for v in spec.get("volumes") or ():
        if (v.get("configMap") or {}).get("name"):
            refs.add(("ConfigMap", v["configMap"]["name"]))
        if (v.get("secret") or {}).get("secretName"):
            refs.add(("Secret", v["secret"]["secretName"]))
        for src in (v.get("projected") or {}).get("sources") or ():
            if (src.get("configMap") or {}).get("name"):
                refs.add(("ConfigMap", src["configMap"]["name"]))
            if (src.get("secret") or {}).get("name"):
                refs.add(("Secret", src["secret"]["name"]))
    for c in [*(spec.get("initContainers") or ()), *(spec.get("containers") or ())]:
        for e in c.get("env") or ():
            vf = e.get("valueFrom") or {}
            if (vf.get("configMapKeyRef") or {}).get("name"):
                refs.add(("ConfigMap", vf["configMapKeyRef"]["name"]))
            if (vf.get("secretKeyRef") or {}).get("name"):
                refs.add(("Secret", vf["secretKeyRef"]["name"]))
        for ef in c.get("envFrom") or ():
            if (ef.get("configMapRef") or {}).get("name"):
                refs.add(("ConfigMap", ef["configMapRef"]["name"]))
            if (ef.get("secretRef") or {}).get("name"):
                refs.add(("Secret", ef["secretRef"]["name"]))
    for s in spec.get("imagePullSecrets") or ():
        if s.get("name"):
            refs.add(("Secret", s["name"]))
    return refs


USERS_SHOWN = 20


def name_list(names: set[str]) -> str:
    """The first names in order, then how many more (every pod uses kube-root-ca.crt: 10,000 names)."""
    first = heapq.nsmallest(USERS_SHOWN, names)
    more = f", … +{len(names) - len(first)} more" if len(names) > len(first) else ""
    return ", ".join(first) + more


def mounts_claims(pod: dict[str, Any]) -> bool:
    """Whether a pod mounts a PersistentVolumeClaim."""
    return any(v.get("persistentVolumeClaim") for v in (pod.get("spec") or {}).get("volumes") or ())


def data_lines(obj: dict[str, Any], reveal: bool) -> list[tuple[str, str]]:
    """(key, value) of a ConfigMap/Secret; Secret values decoded only when ``reveal`` (else hidden)."""
    secret = obj.get("kind") == "Secret"
    out = []
    for k, v in sorted((obj.get("data") or {}).items()):
        if secret:
            if not reveal:
                out.append((k, f"{HIDDEN}  [{len(base64.b64decode(v or '', validate=False))} bytes]"))
                continue
            try:
                v = base64.b64decode(v or "").decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                v = "<binary>"
        out.append((k, str(v)))
    for k, v in sorted((obj.get("binaryData") or {}).items()):
        out.append((k, f"<binary, {len(v)} base64 chars>"))
    return out


def storage_chains(cluster: Any, pods: Iterable[dict[str, Any]] | None = None) -> list[Text]:
    """One line per claim: claim → volume → pods → node; then volumes nobody claims; then the classes.
    ``pods``: the pods that may mount claims (by default every pod)."""
    api = cluster.api
    pvs = {pv["metadata"]["name"]: pv for pv in api.list_objects("persistentvolumes")}
    users: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for pod in api.list_objects("pods") if pods is None else pods:
        for v in (pod.get("spec") or {}).get("volumes") or ():
            claim = (v.get("persistentVolumeClaim") or {}).get("claimName")
            if claim:
                users[(pod["metadata"].get("namespace", ""), claim)].append(pod)
    lines: list[Text] = []
    claimed: set[str] = set()
    for pvc in api.list_objects("persistentvolumeclaims"):
        meta, spec, st = pvc["metadata"], pvc.get("spec") or {}, pvc.get("status") or {}
        ns = meta.get("namespace", "")
        phase = st.get("phase", "Pending")
        t = Text()
        t.append(f"pvc {ns}/{meta['name']}", style="bold")
        req = ((spec.get("resources") or {}).get("requests") or {}).get("storage", "")
        t.append(f" ({phase}, {req}, {spec.get('storageClassName') or '<none>'})", style=_phase(phase))
        vol = spec.get("volumeName", "")
        if vol:
            claimed.add(vol)
            pv = pvs.get(vol) or {}
            pspec = pv.get("spec") or {}
            t.append(" → ")
            t.append(f"pv {vol}", style="bold")
            t.append(
                f" ({(pspec.get('capacity') or {}).get('storage', '')}, "
                f"{pspec.get('persistentVolumeReclaimPolicy', '')}, {_source(pspec)})",
                style="dim",
            )
        pods = users.get((ns, meta["name"]), [])
        if pods:
            t.append(" → ")
            t.append("pods " + ", ".join(p["metadata"]["name"] for p in pods), style="cyan")
            nodes = sorted({(p.get("spec") or {}).get("nodeName") or "(unscheduled)" for p in pods})
            t.append(" → ")
            t.append("node " + ", ".join(nodes), style="magenta")
        lines.append(t)
    for name, pv in pvs.items():
        if name in claimed:
            continue
        pspec, phase = pv.get("spec") or {}, (pv.get("status") or {}).get("phase", "")
        t = Text()
        t.append(f"pv {name}", style="bold")
        t.append(
            f" ({phase}, {(pspec.get('capacity') or {}).get('storage', '')}, "
            f"{pspec.get('persistentVolumeReclaimPolicy', '')}, {_source(pspec)})",
            style=_phase(phase),
        )
        ref = pspec.get("claimRef") or {}
        if ref.get("name"):
            t.append(f" ← was {ref.get('namespace', '')}/{ref['name']}", style="dim")
        lines.append(t)
    for sc in api.list_objects("storageclasses.storage.k8s.io"):
        ann = sc["metadata"].get("annotations") or {}
        t = Text()
        t.append(f"storageclass {sc['metadata']['name']}", style="bold")
        if ann.get("storageclass.kubernetes.io/is-default-class") == "true":
            t.append(" (default)", style="green")
        t.append(
            f"  provisioner {sc.get('provisioner', '')}  reclaim {sc.get('reclaimPolicy', 'Delete')}  "
            f"binding {sc.get('volumeBindingMode', 'Immediate')}",
            style="dim",
        )
        lines.append(t)
    return lines


def _phase(phase: str) -> str:
    return {"Bound": "green", "Available": "cyan", "Released": "yellow", "Failed": "red"}.get(phase, "yellow")


def _source(pspec: dict[str, Any]) -> str:
    for key in ("nfs", "hostPath", "local", "csi"):
        src = pspec.get(key)
        if src:
            if key == "nfs":
                return f"nfs {src.get('server', '')}:{src.get('path', '')}"
            if key == "csi":
                return f"csi {src.get('driver', '')}"
            return f"{key} {src.get('path', '')}"
    return "?"


def auth_renderable(session: Any) -> Any:
    """The current context and user, and ``kubectl auth can-i --list`` as kubectl prints it."""
    if session is None:
        return Text("")
    kubectl = session.ws.kubectl
    ctx = kubectl.run(["config", "current-context"]).stdout.strip()
    user = kubectl.run(["config", "view", "--minify", "-o", "jsonpath={.contexts[0].context.user}"]).stdout
    ns = kubectl.run(["config", "view", "--minify", "-o", "jsonpath={.contexts[0].context.namespace}"]).stdout
    head = Text()
    head.append("context ", style="bold")
    head.append(ctx or "<none>", style="cyan")
    head.append("   user ", style="bold")
    head.append(user.strip() or "<none>", style="cyan")
    head.append("   namespace ", style="bold")
    head.append(ns.strip() or "default", style="cyan")
    res = kubectl.run(["auth", "can-i", "--list"])
    if res.exit_code != 0:
        return Group(head, Text(res.stderr or res.stdout, style="red"))
    return Group(head, Text("kubectl auth can-i --list", style="bold dim"), can_i_table(res.stdout))


def split_columns(text: str) -> tuple[list[str], list[list[str]]]:
    """kubectl's tab-aligned output -> (header, rows), cutting each line where the header's columns start."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        return [], []
    header = lines[0]
    # Column titles may hold one space ("Resource Names"); columns are at least two spaces apart.
    starts = [i for i, ch in enumerate(header) if ch != " " and (i == 0 or header[max(0, i - 2) : i] == "  ")]
    bounds = list(zip(starts, [*starts[1:], None], strict=True))
    head = [header[a:b].strip() for a, b in bounds]
    rows = [[ln[a:b].strip() for a, b in bounds] for ln in lines[1:]]
    return head, rows


def can_i_table(text: str) -> Table:
    """``kubectl auth can-i --list`` output as a rich table (same columns, same rows)."""
    head, rows = split_columns(text)
    table = Table(show_edge=False, pad_edge=False, header_style="bold", box=None)
    for h in head:
        table.add_column(h)
    for r in rows:
        table.add_row(*(Text(c) for c in r))  # "[/api/*]" is data, not markup
    return table


class ConfigPane(Pane):
    """ConfigMaps/Secrets with their users; the selected one's data; storage bindings; who you are."""

    title = "Config & storage"
    BINDINGS = [
        Binding("v", "toggle_values", "Show/hide secret values"),
        Binding("y", "act('yaml')", "YAML"),
        Binding("e", "act('edit')", "Edit"),
        Binding("d", "act('delete')", "Delete"),
    ]
    DEFAULT_CSS = """
    ConfigPane #cfg-rows { height: 1fr; min-height: 4; }
    ConfigPane #cfg-detail-box { height: 2fr; border-top: hkey $primary 40%; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._cluster: Any = None
        self.selected: tuple[str, str, str] | None = None
        self.reveal = False
        # (kind, namespace, name) of a ConfigMap/Secret -> names of the pods that use it.
        self._users: dict[tuple[str, str, str], set[str]] = {}
        self._refs: dict[tuple[str, str], frozenset[tuple[str, str]]] = {}  # pod -> what it uses
        self._claim_pods: dict[tuple[str, str], dict[str, Any]] = {}  # pods that mount a claim
        self._indexed_for: tuple[int, int] | None = None

    def compose(self) -> ComposeResult:
        yield Static(self.header_text(COLUMNS), classes="pane-header")
        yield RowList(id="cfg-rows", empty="no ConfigMaps or Secrets")
        with VerticalScroll(id="cfg-detail-box"):
            yield Static("", id="cfg-detail")
            yield Static("", id="cfg-storage")
            yield Static("", id="cfg-auth")

    # ---- who uses what, from store watches (every pod uses kube-root-ca.crt: never walk them all) ------
    def _on_pod(self, ev: Any) -> None:
        if self._indexed_for is None:
            return  # the next refresh lists every pod anyway
        meta = ev.object["metadata"]
        self._index_pod(
            (meta.get("namespace", ""), meta["name"]), None if ev.type == "DELETED" else ev.object
        )

    def _index_pod(self, key: tuple[str, str], pod: dict[str, Any] | None) -> None:
        ns, name = key
        old = self._refs.pop(key, frozenset())
        new = frozenset(pod_references(pod)) if pod is not None else frozenset()
        for kind, ref in old - new:
            users = self._users.get((kind, ns, ref))
            if users is not None:
                users.discard(name)
                if not users:
                    del self._users[(kind, ns, ref)]
        for kind, ref in new - old:
            self._users.setdefault((kind, ns, ref), set()).add(name)
        if new:
            self._refs[key] = new
        if pod is not None and mounts_claims(pod):
            self._claim_pods[key] = pod
        else:
            self._claim_pods.pop(key, None)

    def _update_index(self, cluster: Any) -> None:
        if self.watch_store(cluster, ("pods",), self._on_pod):
            self._indexed_for = None
        indexed_for = self.index_key(cluster)
        if self._indexed_for != indexed_for:
            self._refs.clear()
            self._users.clear()
            self._claim_pods.clear()
            for p in cluster.api.list_objects("pods"):
                self._index_pod((p["metadata"].get("namespace", ""), p["metadata"]["name"]), p)
            self._indexed_for = indexed_for

    def refresh_from(self, cluster: Any) -> None:
        self._cluster = cluster
        self._update_index(cluster)
        rows: list[Row] = []
        for res, kind in (("configmaps", "ConfigMap"), ("secrets", "Secret")):
            for obj in cluster.api.list_objects(res):
                meta = obj["metadata"]
                key = (res, meta.get("namespace", ""), meta["name"])
                rows.append(Row(key, self._renderer(kind, obj)))
        rows.sort(key=lambda r: (r.key[1], r.key[2], r.key[0]))
        rl = self.query_one(RowList)
        rl.set_rows(rows, width=sum(w + 1 for _, w in COLUMNS))
        if rl.current_key is not None:
            self.selected = rl.current_key
        self._show_detail()
        chains = storage_chains(cluster, [self._claim_pods[k] for k in sorted(self._claim_pods)])
        storage = Text("Storage (claim → volume → pods → node)\n", style="bold")
        if not chains:
            storage.append("  no PersistentVolumeClaims, PersistentVolumes or StorageClasses\n", style="dim")
        for line in chains:
            storage.append("  ")
            storage.append_text(line)
            storage.append("\n")
        self.query_one("#cfg-storage", Static).update(storage)
        try:
            auth = auth_renderable(getattr(self.screen, "session", None))
        except Exception as e:  # who-am-I must never take the pane down
            auth = Text(f"auth: {e}", style="red")
        self.query_one("#cfg-auth", Static).update(auth)

    def _renderer(self, kind: str, obj: dict[str, Any]) -> Any:
        meta = obj["metadata"]
        users = self._users.get((kind, meta.get("namespace", ""), meta["name"]), set())

        def render() -> Text:
            t = Text()
            t.append(pad(f"{meta.get('namespace', '')}/{meta['name']}", COLUMNS[0][1]) + " ", style="bold")
            t.append(pad(kind, COLUMNS[1][1]) + " ", style="cyan" if kind == "ConfigMap" else "magenta")
            t.append(pad(str(obj.get("type", "")) if kind == "Secret" else "", COLUMNS[2][1]) + " ")
            n = len(obj.get("data") or {}) + len(obj.get("binaryData") or {})
            t.append(pad(str(n), COLUMNS[3][1]) + " ")
            t.append(name_list(users) if users else "-", style="" if users else "dim")
            return t

        return render

    def _show_detail(self) -> None:
        body = self.query_one("#cfg-detail", Static)
        if self._cluster is None or self.selected is None:
            body.update(Text("Select a ConfigMap or Secret above.", style="dim"))
            return
        res, ns, name = self.selected
        obj = self._cluster.api.peek(res, name, ns)
        if obj is None:
            body.update(Text(f"{res} {ns}/{name} is gone", style="dim"))
            return
        kind = "Secret" if res == "secrets" else "ConfigMap"
        t = Text()
        t.append(f"{kind} {ns}/{name}", style="bold")
        users = self._users.get((kind, ns, name), set())
        t.append("   used by: " + (name_list(users) or "no pod"), style="dim")
        t.append("\n")
        for k, v in data_lines(obj, self.reveal):
            t.append(f"  {k}: ", style="cyan")
            first, *more = v.split("\n") if v else [""]
            t.append(first + (f"  (+{len(more)} more lines)" if more else "") + "\n")
        body.update(t)

    def on_row_list_highlighted(self, event: RowList.Highlighted) -> None:
        event.stop()
        if self.selected != event.key:
            self.selected = event.key
            self.reveal = False
            self._show_detail()
            self.post_message(ObjectSelected(*event.key))

    def on_row_list_chosen(self, event: RowList.Chosen) -> None:
        event.stop()
        self.action_act("describe")

    def action_toggle_values(self) -> None:
        self.reveal = not self.reveal
        self._show_detail()

    def action_act(self, action: str) -> None:
        if self.selected is not None:
            self.post_message(ObjectAction(action, *self.selected))
