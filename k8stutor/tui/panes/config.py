"""Config & storage: ConfigMaps and Secrets (values hidden until asked) with the pods using them; PV/PVC/
StorageClass bindings drawn claim → volume → pods → node; the current user/context and ``auth can-i --list``.
"""

from __future__ import annotations

import base64
from collections import defaultdict
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


def users_index(cluster: Any) -> dict[tuple[str, str, str], list[str]]:
    """(kind, namespace, name) -> names of the pods that use that ConfigMap/Secret."""
    out: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for pod in cluster.api.list_objects("pods"):
        ns = pod["metadata"].get("namespace", "")
        for kind, name in pod_references(pod):
            out[(kind, ns, name)].append(pod["metadata"]["name"])
    return out


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


def storage_chains(cluster: Any) -> list[Text]:
    """One line per claim: claim → volume → pods → node; then volumes nobody claims; then the classes."""
    api = cluster.api
    pvs = {pv["metadata"]["name"]: pv for pv in api.list_objects("persistentvolumes")}
    users: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for pod in api.list_objects("pods"):
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
        self._users: dict[tuple[str, str, str], list[str]] = {}

    def compose(self) -> ComposeResult:
        yield Static(self.header_text(COLUMNS), classes="pane-header")
        yield RowList(id="cfg-rows", empty="no ConfigMaps or Secrets")
        with VerticalScroll(id="cfg-detail-box"):
            yield Static("", id="cfg-detail")
            yield Static("", id="cfg-storage")
            yield Static("", id="cfg-auth")

    def refresh_from(self, cluster: Any) -> None:
        self._cluster = cluster
        self._users = users_index(cluster)
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
        chains = storage_chains(cluster)
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
        users = self._users.get((kind, meta.get("namespace", ""), meta["name"]), [])

        def render() -> Text:
            t = Text()
            t.append(pad(f"{meta.get('namespace', '')}/{meta['name']}", COLUMNS[0][1]) + " ", style="bold")
            t.append(pad(kind, COLUMNS[1][1]) + " ", style="cyan" if kind == "ConfigMap" else "magenta")
            t.append(pad(str(obj.get("type", "")) if kind == "Secret" else "", COLUMNS[2][1]) + " ")
            n = len(obj.get("data") or {}) + len(obj.get("binaryData") or {})
            t.append(pad(str(n), COLUMNS[3][1]) + " ")
            t.append(", ".join(sorted(users)) if users else "-", style="" if users else "dim")
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
        users = self._users.get((kind, ns, name), [])
        t.append("   used by: " + (", ".join(sorted(users)) or "no pod"), style="dim")
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
