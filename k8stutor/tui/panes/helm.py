"""Helm: releases (name, namespace, revision, status, chart, app version, updated), and for the selected one
its history, the objects it created (live status), values and notes; rollback and uninstall keys.

Data comes from ``k8stutor.helm.pane``; rollback and uninstall run ``helm`` at the prompt (so the log shows
Helm's own output and F8 can undo them).
"""

from __future__ import annotations

import shlex
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..messages import RunCommand
from ..widgets.rowlist import Row, RowList
from .base import Pane, pad

COLUMNS = [
    ("NAME", 20),
    ("NAMESPACE", 12),
    ("REVISION", 8),
    ("STATUS", 10),
    ("CHART", 22),
    ("APP VERSION", 11),
    ("UPDATED", 30),
]
VIEWS = ("history", "objects", "values", "notes")
STATUS_STYLES = {"deployed": "green", "failed": "red", "superseded": "dim", "uninstalled": "dim"}


def history_table(entries: list[Any]) -> Table:
    """``helm history`` as a table (REVISION UPDATED STATUS CHART APP VERSION DESCRIPTION)."""
    from ...helm.storage import go_time_string

    table = Table(show_edge=False, pad_edge=False, header_style="bold", box=None)
    for col in ("REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION"):
        table.add_column(col)
    for e in entries:
        table.add_row(
            Text(str(e.revision)),
            Text(go_time_string(e.updated)),
            Text(e.status, style=STATUS_STYLES.get(e.status, "yellow")),
            Text(e.chart),
            Text(e.app_version),
            Text(e.description),
        )
    return table


def objects_table(objs: list[Any]) -> Table:
    """The release's objects with their live status."""
    table = Table(show_edge=False, pad_edge=False, header_style="bold", box=None)
    for col in ("KIND", "NAMESPACE", "NAME", "STATUS", "READY"):
        table.add_column(col)
    for o in objs:
        ok = o.status in ("Ready", "Exists", "Running", "Bound", "Complete", "ClusterIP", "NodePort")
        style = "red" if o.status == "NotFound" else ("green" if ok else "yellow")
        table.add_row(
            Text(o.kind), Text(o.namespace), Text(o.name), Text(o.status, style=style), Text(o.ready)
        )
    return table


class HelmPane(Pane):
    """Releases in every namespace; h/o/v/n switch the view of the selected one; r rolls back, u uninstalls."""

    title = "Helm"
    BINDINGS = [
        Binding("h", "view('history')", "History"),
        Binding("o", "view('objects')", "Objects"),
        Binding("v", "view('values')", "Values"),
        Binding("n", "view('notes')", "Notes"),
        Binding("r", "rollback", "Rollback"),
        Binding("u", "uninstall", "Uninstall"),
    ]
    DEFAULT_CSS = """
    HelmPane #helm-rows { height: 1fr; min-height: 4; }
    HelmPane #helm-detail-box { height: 2fr; border-top: hkey $primary 40%; }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._cluster: Any = None
        self.selected: tuple[str, str] | None = None
        self.view = "history"
        self._confirm_uninstall: tuple[str, str] | None = None

    def compose(self) -> ComposeResult:
        yield Static(self.header_text(COLUMNS), classes="pane-header")
        yield RowList(id="helm-rows", empty="no Helm releases (try `helm install` at the prompt)")
        with VerticalScroll(id="helm-detail-box"):
            yield Static("", id="helm-detail")

    def refresh_from(self, cluster: Any) -> None:
        from ...helm import pane as data

        self._cluster = cluster
        try:
            rels = data.releases(cluster)
        except Exception as e:  # a damaged release Secret must not take the pane down
            rels = []
            self.notify(f"helm: {e}", severity="warning")
        rows = [Row(("helm", r.namespace, r.name), _renderer(r)) for r in rels]
        rl = self.query_one(RowList)
        rl.set_rows(rows, width=sum(w + 1 for _, w in COLUMNS))
        key = rl.current_key
        self.selected = (key[1], key[2]) if key is not None else None
        self._show_detail()

    def _show_detail(self) -> None:
        from ...helm import pane as data

        body = self.query_one("#helm-detail", Static)
        if self._cluster is None or self.selected is None:
            body.update(Text("Releases appear here after `helm install`.", style="dim"))
            return
        ns, name = self.selected
        tabs = Text()
        for v in VIEWS:
            tabs.append(f" {v[0]} {v} ", style="bold reverse" if v == self.view else "dim")
            tabs.append(" ")
        tabs.append(f"   release {ns}/{name}", style="bold")
        tabs.append("   r rollback · u uninstall", style="dim")
        parts: Any
        if self.view == "history":
            parts = history_table(data.history(self._cluster, name, ns))
        elif self.view == "objects":
            parts = objects_table(data.objects(self._cluster, name, ns))
        elif self.view == "values":
            parts = Text(data.values(self._cluster, name, ns) or "null\n")
        else:
            parts = Text(data.notes(self._cluster, name, ns) or "(this chart has no NOTES.txt)")
        from rich.console import Group

        body.update(Group(tabs, Text(""), parts))

    def on_row_list_highlighted(self, event: RowList.Highlighted) -> None:
        event.stop()
        sel = (event.key[1], event.key[2])
        if sel != self.selected:
            self.selected = sel
            self._confirm_uninstall = None
            self._show_detail()

    def on_row_list_chosen(self, event: RowList.Chosen) -> None:
        event.stop()
        self.action_view(VIEWS[(VIEWS.index(self.view) + 1) % len(VIEWS)])

    def action_view(self, view: str) -> None:
        if view in VIEWS:
            self.view = view
            self._show_detail()

    def action_rollback(self) -> None:
        if self.selected is not None:
            ns, name = self.selected
            self.post_message(RunCommand(f"helm rollback {shlex.quote(name)} -n {shlex.quote(ns)}"))

    def action_uninstall(self) -> None:
        if self.selected is None:
            return
        if self._confirm_uninstall != self.selected:
            self._confirm_uninstall = self.selected
            self.notify(
                f"press u again to uninstall {self.selected[1]}", title="uninstall?", severity="warning"
            )
            return
        ns, name = self.selected
        self._confirm_uninstall = None
        self.post_message(RunCommand(f"helm uninstall {shlex.quote(name)} -n {shlex.quote(ns)}"))


def _renderer(r: Any) -> Any:
    def render() -> Text:
        t = Text()
        t.append(pad(r.name, COLUMNS[0][1]) + " ", style="bold")
        t.append(pad(r.namespace, COLUMNS[1][1]) + " ")
        t.append(pad(str(r.revision), COLUMNS[2][1]) + " ")
        t.append(pad(r.status, COLUMNS[3][1]) + " ", style=STATUS_STYLES.get(r.status, "yellow"))
        t.append(pad(r.chart, COLUMNS[4][1]) + " ")
        t.append(pad(r.app_version, COLUMNS[5][1]) + " ")
        t.append(r.updated, style="dim")
        return t

    return render
