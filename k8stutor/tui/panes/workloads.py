"""Workloads: Deployment → ReplicaSet → Pod trees (and DaemonSet, StatefulSet, CronJob → Job, RC, bare pods)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static

from ..messages import ObjectAction, ObjectSelected
from ..widgets.rowlist import Row, RowList
from .base import Pane, pad, status_style, table_cells

COLUMNS = [("NAME", 42), ("READY", 6), ("STATUS", 20), ("RESTARTS", 8), ("AGE", 6), ("NODE", 14), ("IP", 15)]
# The columns after NAME keep their width (NODE fits the longest node name); NAME takes what is left.
MIN_NAME = 24
MAX_NAME = 48


def fit_columns(total: int, node_width: int, longest_name: int) -> list[tuple[str, int]]:
    """Column widths for a pane ``total`` cells wide: every column but NAME whole, NAME shrinks first."""
    rest = [
        ("READY", 5),
        ("STATUS", 17),
        ("RESTARTS", 8),
        ("AGE", 5),
        ("NODE", max(4, node_width)),
        ("IP", 13),
    ]
    fixed = sum(w + 1 for _, w in rest)
    name = max(MIN_NAME, min(MAX_NAME, longest_name, total - fixed - 1))
    return [("NAME", name), *rest]


# Top-level kinds in the order they are listed, with the kinds they own.
OWNERS = [
    ("deployments.apps", "deployment.apps"),
    ("statefulsets.apps", "statefulset.apps"),
    ("daemonsets.apps", "daemonset.apps"),
    ("cronjobs.batch", "cronjob.batch"),
    ("jobs.batch", "job.batch"),
    ("replicasets.apps", "replicaset.apps"),
    ("replicationcontrollers", "replicationcontroller"),
]


def _controller_uid(obj: dict[str, Any]) -> str | None:
    for ref in obj["metadata"].get("ownerReferences") or ():
        if ref.get("controller"):
            return ref.get("uid")
    return None


def summary(resource: str, cells: dict[str, str]) -> tuple[str, str, str]:
    """(READY, STATUS, RESTARTS) columns of a workload row from its ``kubectl get`` cells."""
    if resource == "pods":
        return cells.get("Ready", ""), cells.get("Status", ""), cells.get("Restarts", "")
    if resource == "deployments.apps":
        return (
            cells.get("Ready", ""),
            f"{cells.get('Up-to-date', '')} up-to-date, {cells.get('Available', '')} available",
            "",
        )
    if resource in ("replicasets.apps", "replicationcontrollers", "daemonsets.apps"):
        return (
            f"{cells.get('Ready', '')}/{cells.get('Desired', '')}",
            f"{cells.get('Current', '')} current",
            "",
        )
    if resource == "statefulsets.apps":
        return cells.get("Ready", ""), "", ""
    if resource == "jobs.batch":
        return cells.get("Completions", ""), cells.get("Status", ""), ""
    if resource == "cronjobs.batch":
        return "", f"{cells.get('Schedule', '')} active={cells.get('Active', '')}", ""
    return "", "", ""


class WorkloadsPane(Pane):
    """Workload trees with kubectl's columns; namespace and label filters; keys act on the selection."""

    title = "Workloads"
    BINDINGS = [
        Binding("y", "act('yaml')", "YAML"),
        Binding("e", "act('edit')", "Edit"),
        Binding("d", "act('delete')", "Delete"),
        Binding("s", "act('scale')", "Scale"),
        Binding("l", "act('logs')", "Logs"),
        Binding("x", "act('exec')", "Exec"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._cluster: Any = None
        self._state: tuple[Any, ...] | None = None
        self._changes = 0
        self.count = 0
        self.columns: list[tuple[str, int]] = list(COLUMNS)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="filters"):
            yield Input(placeholder="namespace (all)", id="wl-namespace", classes="filter")
            yield Input(placeholder="label selector, e.g. app=web", id="wl-labels", classes="filter")
            yield Static("", id="wl-count", classes="count")
        yield Static(self.header_text(self.columns), id="wl-header", classes="pane-header")
        yield RowList(id="wl-rows", empty="no workloads match")

    # ---- data ------------------------------------------------------------------------------------
    def refresh_from(self, cluster: Any) -> None:
        self._cluster = cluster
        ns = self.query_one("#wl-namespace", Input).value.strip() or None
        selector = self.query_one("#wl-labels", Input).value.strip() or None
        width = self.query_one(RowList).size.width or self.size.width or 120
        # No write to a workload kind since the last build (only time moved, or other kinds changed): the
        # rows stand and the visible ones re-render their AGE. The bridge counts restores (undo, reset, sim
        # load), which the store does not report to watches.
        self.watch_store(cluster, ("pods", *(r for r, _ in OWNERS)), self._bump)
        state = (*self.index_key(cluster), self._changes, ns, selector, width)
        rowlist = self.query_one(RowList)
        if state == self._state and rowlist.rows:
            rowlist.rerender()
            return
        self._state = None
        api, registry = cluster.api, cluster.registry
        now = cluster.now()
        try:
            objs = {res: api.list_objects(res, ns, selector) for res, _ in OWNERS}
            pods = api.list_objects("pods", ns, selector)
        except Exception as e:  # a bad selector: show kubectl's message instead of rows
            self.query_one(RowList).set_rows([])
            self.query_one("#wl-count", Static).update(Text(str(e), style="red"))
            return
        children: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        shown_uids: set[str] = set()
        for res, _ in OWNERS:
            for o in objs[res]:
                shown_uids.add(o["metadata"]["uid"])
        for res, _ in OWNERS[3:]:
            for o in objs[res]:
                uid = _controller_uid(o)
                if uid:
                    children[uid].append((res, o))
        for p in pods:
            uid = _controller_uid(p)
            if uid:
                children[uid].append(("pods", p))
        prefixes = {res: prefix for res, prefix in OWNERS}
        prefixes["pods"] = "pod"
        rts = {res: registry.resolve(res.split(".")[0]) for res in prefixes}
        rows: list[Row] = []
        namespaces = sorted(
            {o["metadata"].get("namespace", "") for lst in objs.values() for o in lst}
            | {p["metadata"].get("namespace", "") for p in pods}
        )
        by_ns: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        for res, _ in OWNERS:
            for o in objs[res]:
                uid = _controller_uid(o)
                if uid and uid in shown_uids:
                    continue
                by_ns[o["metadata"].get("namespace", "")].append((res, o))
        for p in pods:
            uid = _controller_uid(p)
            if uid and uid in shown_uids:
                continue
            by_ns[p["metadata"].get("namespace", "")].append(("pods", p))

        node_width = max((len(n["metadata"]["name"]) for n in api.list_objects("nodes")), default=4)
        longest = max(
            (len(prefixes[r]) + 1 + len(o["metadata"]["name"]) for r, lst in objs.items() for o in lst),
            default=0,
        )
        longest = max(longest, max((5 + len(p["metadata"]["name"]) for p in pods), default=0)) + 4
        columns = fit_columns(width, node_width, longest)
        if columns != self.columns:
            self.columns = columns
            self.query_one("#wl-header", Static).update(self.header_text(columns))

        widths = [w for _, w in columns]

        def add(res: str, obj: dict[str, Any], depth: int, last: bool) -> None:
            key = (res, obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
            rows.append(Row(key, self._renderer(rts[res], res, prefixes[res], obj, depth, last, now, widths)))
            kids = children.get(obj["metadata"]["uid"], ())
            for i, (cres, child) in enumerate(kids):
                add(cres, child, depth + 1, i == len(kids) - 1)

        for n in namespaces:
            if n:
                rows.append(Row(("namespaces", "", n), _ns_renderer(n)))
            for res, o in by_ns.get(n, ()):
                add(res, o, 0, False)
        self.count = len(pods)
        rowlist.set_rows(rows, width=sum(w + 1 for _, w in columns))
        self.query_one("#wl-count", Static).update(f"{len(pods)} pods")
        self._state = state

    def _renderer(
        self,
        rt: Any,
        res: str,
        prefix: str,
        obj: dict[str, Any],
        depth: int,
        last: bool,
        now: float,
        widths: list[int],
    ) -> Any:
        def render() -> Text:
            # The clock at render time: a row drawn later (scrolled to, or re-rendered) shows its current age.
            cells = table_cells(rt, obj, self._cluster.now() if self._cluster is not None else now)
            ready, status, restarts = summary(res, cells)
            branch = ("    " * (depth - 1) + ("└─ " if last else "├─ ")) if depth else ""
            name = branch + f"{prefix}/{obj['metadata']['name']}"
            t = Text()
            t.append(pad(name, widths[0]) + " ", style="bold" if depth == 0 else "")
            t.append(pad(ready, widths[1]) + " ")
            st = status_style(status) if res == "pods" else ""
            if res == "pods" and obj["metadata"].get("deletionTimestamp"):
                st = "magenta"
            if res == "pods" or restarts:
                t.append(pad(status, widths[2]) + " ", style=st)
                t.append(pad(restarts, widths[3]) + " ")
            else:  # a controller's summary may use the (empty) RESTARTS column too
                t.append(pad(status, widths[2] + 1 + widths[3]) + " ", style=st)
            t.append(pad(cells.get("Age", ""), widths[4]) + " ")
            t.append(pad(cells.get("Node", "") if res == "pods" else "", widths[5]) + " ")
            t.append(cells.get("IP", "") if res == "pods" else "")
            return t

        return render

    def _bump(self, ev: Any) -> None:
        self._changes += 1

    # ---- interaction -----------------------------------------------------------------------------
    def on_resize(self, event: Any) -> None:
        if self._cluster is not None and self.display:
            self.refresh_from(self._cluster)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._cluster is not None:
            self.refresh_from(self._cluster)

    def on_row_list_highlighted(self, event: RowList.Highlighted) -> None:
        res, ns, name = event.key
        if res != "namespaces":
            self.post_message(ObjectSelected(res, ns, name))

    def on_row_list_chosen(self, event: RowList.Chosen) -> None:
        event.stop()
        self.action_act("describe")

    def action_act(self, action: str) -> None:
        key = self.query_one(RowList).current_key
        if key is None:
            return
        res, ns, name = key
        self.post_message(ObjectAction(action, res, ns, name))


def _ns_renderer(ns: str) -> Any:
    def render() -> Text:
        return Text(f"namespace {ns}", style="bold underline")

    return render
