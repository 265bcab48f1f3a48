"""One object's ``kubectl describe`` and YAML, with keys for what you can do to it."""

from __future__ import annotations

from typing import Any

from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane

from ..session import Session


class DetailScreen(Screen[str | None]):
    """Describe and YAML tabs; dismisses with an action name (delete, edit, logs, exec, scale) or None."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back"),
        Binding("r", "reload", "Reload"),
        Binding("e", "dismiss('edit')", "Edit"),
        Binding("d", "dismiss('delete')", "Delete"),
        Binding("s", "dismiss('scale')", "Scale"),
        Binding("l", "dismiss('logs')", "Logs"),
        Binding("x", "dismiss('exec')", "Exec"),
    ]

    def __init__(self, session: Session, rt: Any, namespace: str, name: str, tab: str = "describe") -> None:
        super().__init__()
        self.session = session
        self.rt = rt
        self.namespace = namespace
        self.name_ = name
        self.tab = tab

    def compose(self) -> ComposeResult:
        yield Static(
            Text(
                f" {self.rt.kind_prefix}/{self.name_}"
                + (f"  (namespace {self.namespace})" if self.namespace else ""),
                style="bold",
            ),
            id="detail-title",
        )
        with TabbedContent(initial=f"detail-{self.tab}"):
            with TabPane("Describe", id="detail-describe"), VerticalScroll():
                yield Static("", id="describe-body")
            with TabPane("YAML", id="detail-yaml"), VerticalScroll():
                yield Static("", id="yaml-body")
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()

    def _kubectl(self, *argv: str) -> tuple[str, bool]:
        args = list(argv) + (["-n", self.namespace] if self.namespace and self.rt.namespaced else [])
        res = self.session.ws.kubectl.run(args)
        return (res.stdout if res.exit_code == 0 else res.stderr), res.exit_code == 0

    def action_reload(self) -> None:
        ref = f"{self.rt.kind_prefix}/{self.name_}"
        text, ok = self._kubectl("describe", ref)
        self.query_one("#describe-body", Static).update(Text(text, style="" if ok else "red"))
        text, ok = self._kubectl("get", ref, "-o", "yaml")
        body: Any = (
            Syntax(text, "yaml", theme="ansi_dark", background_color="default")
            if ok
            else Text(text, style="red")
        )
        self.query_one("#yaml-body", Static).update(body)
        self.describe_text = text
