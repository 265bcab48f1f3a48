"""The lesson picker: every pack and lesson found, with the learner's progress; Enter starts one."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from ...lessons import ProgressStore, list_packs, tr


class LessonPickerScreen(Screen[None]):
    """Lists lessons by pack; posts ``LessonChosen`` (the app opens the lesson)."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("ctrl+q", "app.quit", "Quit")]
    DEFAULT_CSS = """
    LessonPickerScreen #picker-box { padding: 1 2; }
    LessonPickerScreen #picker-title { text-style: bold; margin-bottom: 1; }
    """

    class LessonChosen(Message):
        """Start this lesson (``pack-id/lesson-id`` or a path)."""

        def __init__(self, spec: str) -> None:
            super().__init__()
            self.spec = spec

    def compose(self) -> ComposeResult:
        store = ProgressStore()
        options: list[Option] = []
        for entry in list_packs():
            if entry.pack is None:
                options.append(
                    Option(
                        Text(f"{entry.path}: cannot be loaded (k8stutor lessons lint)", style="red"),
                        disabled=True,
                    )
                )
                continue
            pack = entry.pack
            options.append(Option(Text(tr(pack.title, pack.language), style="bold underline"), disabled=True))
            for ls in pack.lessons:
                p = store.get(ls.key)
                if p.finished:
                    state = ("✓ done", "green")
                elif p.started:
                    state = (f"step {p.step + 1}/{len(ls.steps)}", "yellow")
                else:
                    state = ("new", "dim")
                mins = f"  ~{ls.estimated_minutes:g} min" if ls.estimated_minutes else ""
                label = Text.assemble(f"  {tr(ls.title, ls.language)}", (mins, "dim"), "  ", state)
                options.append(Option(label, id=f"lesson:{ls.key}"))
        if not options:
            options.append(Option("No lesson packs found", disabled=True))
        with Vertical(id="picker-box"):
            yield Static("Lessons — pick one and press Enter (Esc goes back)", id="picker-title")
            yield OptionList(*options, id="lesson-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        oid = event.option.id or ""
        if oid.startswith("lesson:"):
            self.post_message(self.LessonChosen(oid.split(":", 1)[1]))
