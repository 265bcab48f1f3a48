"""The first frame of ``k8stutor sandbox``: says what is being built while the cluster bootstraps."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import LoadingIndicator, Static


class LoadingScreen(Screen[None]):
    """Shown at once (cheap to import and draw); the app swaps in the workspace when the cluster is ready."""

    DEFAULT_CSS = """
    LoadingScreen { align: center middle; }
    LoadingScreen #loading-box { width: 70; height: auto; border: round $accent; padding: 1 2; }
    LoadingScreen #loading-text { width: 100%; text-align: center; }
    LoadingScreen LoadingIndicator { height: 1; margin-top: 1; }
    """

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="loading-box"):
            text = Text("k8stutor\n", style="bold cyan")
            text.append(self.what, style="bold")
            text.append("\nbootstrapping the control plane, the nodes and their pods…", style="dim")
            yield Static(text, id="loading-text")
            yield LoadingIndicator()
