"""Workloads: Deployment → ReplicaSet → Pod trees (and DaemonSet, StatefulSet, CronJob → Job, RC, bare pods)."""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import chain
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


# Kinds listed under their controller (a Deployment, StatefulSet or DaemonSet never is), in row order.
CHILD_KINDS = (*(r for r, _ in OWNERS[3:]), "pods")
RANK = {res: i for i, res in enumerate((*(r for r, _ in OWNERS), "pods"))}
PREFIXES = {**dict(OWNERS), "pods": "pod"}


@dataclass(eq=False)
class _Entry:
    """One indexed object: ``key`` (rank, namespace, name, uid) orders rows; ``placed`` is kid/top/hidden."""

    res: str
    obj: dict[str, Any]
    ns: str
    key: tuple[int, str, str, str]
    parent: str | None
    placed: str = ""


def _name_length(res: str, name: str) -> int:
    """How wide a row's NAME is before its tree branch (``deployment.apps/web``; ``pod/`` counts 5)."""
    return 5 + len(name) if res == "pods" else len(PREFIXES[res]) + 1 + len(name)


def _discard(lists: dict[Any, list[Any]], at: Any, key: Any) -> None:
    """Remove ``key`` from the sorted list ``lists[at]`` (dropping the list when it empties)."""
    lst = lists.get(at)
    if lst is None:
        return
    i = bisect_left(lst, key)
    if i < len(lst) and lst[i] == key:
        del lst[i]
    if not lst:
        del lists[at]


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
        self._widths = [w for _, w in COLUMNS]  # shared by every row's renderer
        self._rts: dict[str, Any] = {}
        self._rts_for: Any = None
        # The index, fed by store watches: every workload object and pod by uid, who claims whom, each
        # controller's children and each namespace's top-level objects as sorted keys, and the rows built.
        self._indexed_for: tuple[int, int] | None = None
        self._entries: dict[str, _Entry] = {}
        self._claims: dict[str, set[str]] = defaultdict(set)
        self._kids: dict[str, list[tuple[int, str, str, str]]] = defaultdict(list)
        self._top: dict[str, list[tuple[int, str, str, str]]] = defaultdict(list)
        self._blocks: dict[str, list[Row]] = {}  # top-level uid → its tree's rows
        self._ns_rows: dict[str, list[Row]] = {}
        self._lengths: dict[str, Counter[int]] = defaultdict(Counter)
        self._pod_count: Counter[str] = Counter()
        self._ns_count: Counter[str] = Counter()

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
        if self._rts_for is not cluster:
            self._rts = {res: cluster.registry.resolve(res.split(".")[0]) for res in PREFIXES}
            self._rts_for = cluster
        ns = self.query_one("#wl-namespace", Input).value.strip() or None
        selector = self.query_one("#wl-labels", Input).value.strip() or None
        width = self.query_one(RowList).size.width or self.size.width or 120
        # The rows are kept from store watches: a write rebuilds only the tree (top-level object and what
        # it owns) the written object belongs to. The bridge counts restores (undo, reset, sim load), which
        # the store does not report to watches: then everything is listed again.
        if self.watch_store(cluster, ("pods", *(r for r, _ in OWNERS)), self._on_write):
            self._indexed_for = None
        indexed_for = self.index_key(cluster)
        if self._indexed_for != indexed_for:
            self._reindex(cluster)
            self._indexed_for = indexed_for
        state = (indexed_for, self._changes, ns, selector, width)
        rowlist = self.query_one(RowList)
        if state == self._state and rowlist.rows:
            rowlist.rerender()  # only time moved: the visible rows re-render their AGE
            return
        self._state = None
        if selector:
            try:
                rows, pods = self.build_rows(cluster, ns, selector, width)
            except Exception as e:  # a bad selector: show kubectl's message instead of rows
                rowlist.set_rows([])
                self.query_one("#wl-count", Static).update(Text(str(e), style="red"))
                return
        else:
            rows, pods = self._indexed_rows(cluster, ns, width)
        self.count = pods
        rowlist.set_rows(rows, width=sum(w + 1 for _, w in self.columns))
        self.query_one("#wl-count", Static).update(f"{pods} pods")
        self._state = state

    def _set_columns(self, cluster: Any, width: int, longest: int) -> None:
        node_width = max((len(n["metadata"]["name"]) for n in cluster.api.list_objects("nodes")), default=4)
        columns = fit_columns(width, node_width, longest + 4)
        if columns != self.columns:
            self.columns = columns
            self._widths[:] = [w for _, w in columns]  # every row's renderer reads this list
            self.query_one("#wl-header", Static).update(self.header_text(columns))

    def build_rows(
        self, cluster: Any, ns: str | None, selector: str | None, width: int
    ) -> tuple[list[Row], int]:
        """Every row built from scratch by listing the cluster (used with a label selector, and the
        reference the watch-fed rows must equal); returns the rows and the number of pods listed."""
        api = cluster.api
        objs = {res: api.list_objects(res, ns, selector) for res, _ in OWNERS}
        pods = api.list_objects("pods", ns, selector)
        children: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        shown_uids: set[str] = set()
        for res, _ in OWNERS:
            for o in objs[res]:
                shown_uids.add(o["metadata"]["uid"])
        for res, lst in (*((r, objs[r]) for r in CHILD_KINDS[:-1]), ("pods", pods)):
            for o in lst:
                uid = _controller_uid(o)
                if uid:
                    children[uid].append((res, o))
        namespaces = sorted(
            {o["metadata"].get("namespace", "") for lst in objs.values() for o in lst}
            | {p["metadata"].get("namespace", "") for p in pods}
        )
        by_ns: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        for res, lst in (*objs.items(), ("pods", pods)):
            for o in lst:
                uid = _controller_uid(o)
                if uid and uid in shown_uids:
                    continue
                by_ns[o["metadata"].get("namespace", "")].append((res, o))
        longest = max(
            (
                _name_length(r, o["metadata"]["name"])
                for r, lst in (*objs.items(), ("pods", pods))
                for o in lst
            ),
            default=0,
        )
        self._set_columns(cluster, width, longest)
        rows: list[Row] = []

        def add(res: str, obj: dict[str, Any], depth: int, last: bool) -> None:
            rows.append(self._row(res, obj, depth, last))
            kids = children.get(obj["metadata"]["uid"], ())
            for i, (cres, child) in enumerate(kids):
                add(cres, child, depth + 1, i == len(kids) - 1)

        for n in namespaces:
            if n:
                rows.append(_ns_row(n))
            for res, o in by_ns.get(n, ()):
                add(res, o, 0, False)
        return rows, len(pods)

    # ---- the watch-fed index ---------------------------------------------------------------------
    def _reindex(self, cluster: Any) -> None:
        self._entries.clear()
        self._claims.clear()
        self._kids.clear()
        self._top.clear()
        self._blocks.clear()
        self._ns_rows.clear()
        self._lengths.clear()
        self._pod_count.clear()
        self._ns_count.clear()
        for res in (*(r for r, _ in OWNERS), "pods"):
            for o in cluster.api.list_objects(res):
                self._add(res, o)

    def _on_write(self, ev: Any) -> None:
        self._changes += 1
        if self._indexed_for is None:
            return  # the next refresh lists everything anyway
        obj = ev.object
        uid = obj["metadata"].get("uid")
        if not uid:
            return
        old = self._entries.get(uid)
        if ev.type != "DELETED" and old is not None and old.parent == _controller_uid(obj):
            old.obj = obj  # the common write (status, scale): same place, its tree's rows are made again
            self._touch(old)
            return
        self._remove(uid)
        if ev.type != "DELETED":
            self._add(ev.resource, ev.object)

    def _placement(self, entry: _Entry) -> str:
        """Where an object's row goes: under its controller (``kid``), at the top of its namespace, or
        nowhere (a Deployment, StatefulSet or DaemonSet whose controller is itself listed)."""
        parent = self._entries.get(entry.parent) if entry.parent else None
        if parent is None or parent.res == "pods":
            return "top"
        return "kid" if entry.res in CHILD_KINDS else "hidden"

    def _add(self, res: str, obj: dict[str, Any]) -> None:
        meta = obj["metadata"]
        ns, name, uid = meta.get("namespace", ""), meta["name"], meta["uid"]
        entry = _Entry(res, obj, ns, (RANK[res], ns, name, uid), _controller_uid(obj))
        self._entries[uid] = entry
        if entry.parent:
            self._claims[entry.parent].add(uid)
        self._lengths[ns][_name_length(res, name)] += 1
        self._ns_count[ns] += 1
        if res == "pods":
            self._pod_count[ns] += 1
        self._place(entry)
        if res != "pods":  # what named this object its controller moves under it
            for kid in list(self._claims.get(uid, ())):
                self._move(kid)

    def _remove(self, uid: str) -> None:
        entry = self._entries.get(uid)
        if entry is None:
            return
        self._unplace(entry)
        del self._entries[uid]
        if entry.parent:
            claims = self._claims[entry.parent]
            claims.discard(uid)
            if not claims:
                del self._claims[entry.parent]
        lengths = self._lengths[entry.ns]
        length = _name_length(entry.res, entry.key[2])
        lengths[length] -= 1
        if not lengths[length]:
            del lengths[length]
        self._ns_count[entry.ns] -= 1
        if not self._ns_count[entry.ns]:
            del self._ns_count[entry.ns]
            self._ns_rows.pop(entry.ns, None)
        if entry.res == "pods":
            self._pod_count[entry.ns] -= 1
        if entry.res != "pods":  # what it controlled goes back to the top
            for kid in list(self._claims.get(uid, ())):
                self._move(kid)

    def _move(self, uid: str) -> None:
        entry = self._entries[uid]
        self._unplace(entry)
        self._place(entry)

    def _place(self, entry: _Entry) -> None:
        entry.placed = self._placement(entry)
        if entry.placed == "kid" and entry.parent:
            insort(self._kids[entry.parent], entry.key)
        elif entry.placed == "top":
            insort(self._top[entry.ns], entry.key)
        self._touch(entry)

    def _unplace(self, entry: _Entry) -> None:
        self._touch(entry)
        if entry.placed == "kid":
            _discard(self._kids, entry.parent, entry.key)
        elif entry.placed == "top":
            _discard(self._top, entry.ns, entry.key)
            self._blocks.pop(entry.key[3], None)
        entry.placed = ""

    def _touch(self, entry: _Entry) -> None:
        """Mark the tree holding ``entry`` (its top-level ancestor's rows) to be built again."""
        self._ns_rows.pop(entry.ns, None)
        for _ in range(8):  # (ownership is a tree; a cycle written by hand must not loop)
            if entry.placed != "kid":
                break
            parent = self._entries.get(entry.parent or "")
            if parent is None:
                break
            entry = parent
        if entry.placed == "top":
            self._blocks.pop(entry.key[3], None)

    def _block(self, uid: str) -> list[Row]:
        rows: list[Row] = []

        def add(entry: _Entry, depth: int, last: bool) -> None:
            rows.append(self._row(entry.res, entry.obj, depth, last))
            kids = self._kids.get(entry.key[3], ())
            for i, key in enumerate(kids):
                add(self._entries[key[3]], depth + 1, i == len(kids) - 1)

        add(self._entries[uid], 0, False)
        return rows

    def _indexed_rows(self, cluster: Any, ns: str | None, width: int) -> tuple[list[Row], int]:
        if ns:
            namespaces = [ns] if ns in self._ns_count else []
        else:
            namespaces = sorted(self._ns_count)
        longest = max((max(self._lengths[n], default=0) for n in namespaces), default=0)
        self._set_columns(cluster, width, longest)
        rows: list[Row] = []
        for n in namespaces:
            ns_rows = self._ns_rows.get(n)
            if ns_rows is None:
                blocks = self._blocks
                for key in self._top.get(n, ()):
                    if key[3] not in blocks:
                        blocks[key[3]] = self._block(key[3])
                ns_rows = [_ns_row(n)] if n else []
                ns_rows.extend(
                    chain.from_iterable(map(blocks.__getitem__, (k[3] for k in self._top.get(n, ()))))
                )
                self._ns_rows[n] = ns_rows
            rows.extend(ns_rows)
        return rows, sum(self._pod_count[n] for n in namespaces)

    def _row(self, res: str, obj: dict[str, Any], depth: int, last: bool) -> Row:
        key = (res, obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
        return Row(key, self._renderer(res, obj, depth, last))

    def _renderer(self, res: str, obj: dict[str, Any], depth: int, last: bool) -> Any:
        rt, prefix, widths = self._rts[res], PREFIXES[res], self._widths

        def render() -> Text:
            # The clock at render time: a row drawn later (scrolled to, or re-rendered) shows its current age.
            cells = table_cells(rt, obj, self._cluster.now())
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


def _ns_row(ns: str) -> Row:
    """The header row of a namespace."""
    return Row(("namespaces", "", ns), _ns_renderer(ns))


def _ns_renderer(ns: str) -> Any:
    def render() -> Text:
        return Text(f"namespace {ns}", style="bold underline")

    return render
