"""Events: the live event stream (newest first), filterable, warnings highlighted."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Input, Static

from ..messages import ObjectSelected
from ..widgets.rowlist import Row, RowList
from .base import Pane, pad, table_cells

COLUMNS = [("LAST SEEN", 9), ("TYPE", 7), ("REASON", 18), ("OBJECT", 36), ("SOURCE", 28), ("MESSAGE", 60)]


def event_time(ev: dict[str, Any]) -> str:
    """The sort key of an event: when it was last seen (as kubectl events sorts)."""
    series = ev.get("series") or {}
    return (
        series.get("lastObservedTime")
        or ev.get("lastTimestamp")
        or ev.get("eventTime")
        or ev.get("deprecatedLastTimestamp")
        or ev["metadata"].get("creationTimestamp")
        or ""
    )


def event_text(ev: dict[str, Any]) -> str:
    """What the filter matches against."""
    inv = ev.get("involvedObject") or ev.get("regarding") or {}
    return " ".join(
        str(x)
        for x in (
            ev.get("type"),
            ev.get("reason"),
            inv.get("kind"),
            inv.get("name"),
            ev.get("message") or ev.get("note"),
            ev["metadata"].get("namespace"),
        )
    ).lower()


class EventsPane(Pane):
    """Every Event in the cluster; type a filter, ``w`` shows warnings only."""

    title = "Events"
    BINDINGS = [Binding("w", "toggle_warnings", "Warnings only")]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._cluster: Any = None
        self.warnings_only = False

    def compose(self) -> ComposeResult:
        with Horizontal(classes="filters"):
            yield Input(
                placeholder="filter events (reason, object, message…)", id="ev-filter", classes="filter"
            )
            yield Static("", id="ev-count", classes="count")
        yield Static(self.header_text(COLUMNS), classes="pane-header")
        yield RowList(id="ev-rows", empty="no events yet")

    def refresh_from(self, cluster: Any) -> None:
        self._cluster = cluster
        words = self.query_one("#ev-filter", Input).value.strip().lower().split()
        evs = list(cluster.api.list_objects("events"))
        if words:
            evs = [e for e in evs if all(w in event_text(e) for w in words)]
        if self.warnings_only:
            evs = [e for e in evs if e.get("type") == "Warning"]
        evs.sort(key=event_time, reverse=True)
        rt = cluster.registry.resolve("events")
        now = cluster.now()
        rows = [
            Row(("events", e["metadata"].get("namespace", ""), e["metadata"]["name"]), _renderer(rt, e, now))
            for e in evs
        ]
        self.query_one(RowList).set_rows(rows, width=sum(w + 1 for _, w in COLUMNS) + 60)
        self.query_one("#ev-count", Static).update(
            f"{len(rows)} events" + (" (warnings)" if self.warnings_only else "")
        )

    def action_toggle_warnings(self) -> None:
        self.warnings_only = not self.warnings_only
        if self._cluster is not None:
            self.refresh_from(self._cluster)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._cluster is not None:
            self.refresh_from(self._cluster)

    def on_row_list_chosen(self, event: RowList.Chosen) -> None:
        event.stop()
        ev = self._cluster.api.peek("events", event.key[2], event.key[1]) if self._cluster else None
        if ev:
            inv = ev.get("involvedObject") or {}
            rt = self._cluster.registry.resolve((inv.get("kind") or "").lower())
            if rt is not None and inv.get("name"):
                self.post_message(ObjectSelected(rt.group_resource, inv.get("namespace", ""), inv["name"]))


def _renderer(rt: Any, ev: dict[str, Any], now: float) -> Any:
    def render() -> Text:
        c = table_cells(rt, ev, now)
        warn = ev.get("type") == "Warning"
        t = Text()
        t.append(pad(c.get("Last Seen", ""), 9) + " ")
        t.append(pad(c.get("Type", ""), 7) + " ", style="bold yellow" if warn else "")
        t.append(pad(c.get("Reason", ""), 18) + " ", style="yellow" if warn else "")
        t.append(pad(c.get("Object", ""), 36) + " ")
        t.append(pad(c.get("Source", ""), 28) + " ", style="dim")
        t.append(c.get("Message", ""))
        return t

    return render
