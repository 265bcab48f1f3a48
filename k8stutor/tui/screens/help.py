"""Help: every key binding (from the bindings themselves) and a glossary of the notes' terms."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from ..cheatsheet import GLOSSARY


def keymap_markdown(groups: list[tuple[str, list[Binding | tuple[str, str, str]]]]) -> str:
    """A Markdown key map from (section, bindings) groups."""
    out = ["# Keys\n"]
    for section, bindings in groups:
        out.append(f"\n## {section}\n\n| key | action |\n|---|---|")
        for b in bindings:
            if isinstance(b, Binding):
                key, desc = b.key, b.description or b.action
            else:
                key, _, desc = b
            out.append(f"| `{key}` | {desc} |")
    return "\n".join(out) + "\n"


PROMPT_KEYS = [
    ("enter", "", "run the command (a heredoc waits for its terminator)"),
    ("tab", "", "complete commands, flags, kinds, names, namespaces"),
    ("up / down", "", "history (kept between sessions)"),
    ("ctrl+c", "", "cancel the line (or the heredoc being typed)"),
    ("escape", "", "move between the prompt and the pane"),
    ("ctrl+p", "", "command palette: node down/up, reset, save/load, undo, speed"),
]


class HelpScreen(ModalScreen[None]):
    """The key map and glossary."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close")]

    def __init__(self, groups: list[tuple[str, list[Binding | tuple[str, str, str]]]]) -> None:
        super().__init__()
        self.groups = [("Prompt", list(PROMPT_KEYS)), *groups]

    def compose(self) -> ComposeResult:
        text = keymap_markdown(self.groups)
        text += "\n# Glossary\n\n" + "\n".join(f"- **{term}** — {desc}" for term, desc in GLOSSARY)
        with VerticalScroll(id="help-box"):
            yield Markdown(text, id="help-text")
