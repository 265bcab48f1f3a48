"""Welcome: open the sandbox (choose a preset, resume the autosave, load a state file), lessons, quit."""

from __future__ import annotations

import os

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from ...engine.presets import PRESETS, get_preset

LOGO = r"""
 _    ___      _         _
| | _( _ ) ___| |_ _   _| |_ ___  _ __
| |/ / _ \/ __| __| | | | __/ _ \| '__|
|   < (_) \__ \ |_| |_| | || (_) | |
|_|\_\___/|___/\__|\__,_|\__\___/|_|
"""


class WelcomeScreen(Screen[None]):
    """The first screen; posts ``SandboxRequested`` (the app opens the workspace)."""

    BINDINGS = [Binding("q,ctrl+q", "app.quit", "Quit"), Binding("f1", "app.help", "Help")]

    class SandboxRequested(Message):
        """Open the sandbox with a preset, or from a state file."""

        def __init__(self, preset: str = "classroom", state: str | None = None) -> None:
            super().__init__()
            self.preset = preset
            self.state = state

    def __init__(self, autosave: str | None = None) -> None:
        super().__init__()
        self.autosave = autosave

    def compose(self) -> ComposeResult:
        options: list[Option] = []
        if self.autosave and os.path.exists(self.autosave):
            options.append(Option("Resume the sandbox where you left it (autosaved)", id="resume"))
        options.append(Option(Text.assemble(("Lessons ", "bold"), "- guided exercises"), id="lessons"))
        for name in PRESETS:
            desc = get_preset(name).description
            options.append(
                Option(
                    # Spaces end a span rather than start one (some renderers drop a span's leading spaces).
                    Text.assemble(("Sandbox: ", "bold"), (name + " ", "bold cyan"), f"- {desc}"),
                    id=f"preset:{name}",
                )
            )
        options.append(Option("Load a saved cluster (state file)…", id="load"))
        options.append(Option("Quit", id="quit"))
        with Vertical(id="welcome-box"):
            yield Static(Text(LOGO.strip("\n"), style="bold cyan"), id="logo")
            yield Static(
                "Learn Kubernetes on a simulated v1.32 cluster: type kubectl, watch the cluster react.",
                id="tagline",
            )
            with Center():
                yield OptionList(*options, id="welcome-menu")
            yield Input(
                placeholder="path of a state file (saved with `sim save FILE`), Enter loads it",
                id="state-path",
                classes="hidden",
            )
        yield Footer()

    def on_mount(self) -> None:
        menu = self.query_one(OptionList)
        menu.focus()
        # Enter straight away opens the sandbox (or resumes it); the Lessons line sits above it.
        ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
        for wanted in ("resume", "preset:classroom"):
            if wanted in ids:
                menu.highlighted = ids.index(wanted)
                break

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        oid = event.option.id or ""
        if oid == "quit":
            self.app.exit()
        elif oid == "resume":
            self.post_message(self.SandboxRequested(state=self.autosave))
        elif oid.startswith("preset:"):
            self.post_message(self.SandboxRequested(preset=oid.split(":", 1)[1]))
        elif oid == "load":
            box = self.query_one("#state-path", Input)
            box.remove_class("hidden")
            box.focus()
        elif oid == "lessons":
            from .lesson_picker import LessonPickerScreen

            self.app.push_screen(LessonPickerScreen())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if path:
            self.post_message(self.SandboxRequested(state=os.path.expanduser(path)))
