"""The kubectl prompt: history (↑/↓), tab completion, heredoc continuation lines, Ctrl+C to cancel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Self

from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.widgets import Input

from ...engine.runtime.sh import needs_more_input


def common_prefix(words: list[str]) -> str:
    """The longest prefix shared by all words."""
    if not words:
        return ""
    first, last = min(words), max(words)
    i = 0
    while i < len(first) and i < len(last) and first[i] == last[i]:
        i += 1
    return first[:i]


class Prompt(Input):
    """One line of input; posts ``CommandSubmitted`` with the whole (possibly multi-line) command."""

    BINDINGS = [
        Binding("up", "history(-1)", "History", show=False),
        Binding("down", "history(1)", "History", show=False),
        Binding("tab", "complete", "Complete", show=False, priority=True),
        Binding("ctrl+c", "cancel", "Cancel line", show=False, priority=True),
    ]

    class CommandSubmitted(Message):
        """The learner entered a complete command line."""

        def __init__(self, line: str) -> None:
            super().__init__()
            self.line = line

    class Interrupted(Message):
        """Ctrl+C at the prompt (the workspace stops a running command)."""

    class CompletionsShown(Message):
        """Several completions match: the app shows them in the log."""

        def __init__(self, candidates: list[str]) -> None:
            super().__init__()
            self.candidates = candidates

    def __init__(
        self,
        history: list[str] | None = None,
        completer: Callable[[str], list[str]] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(placeholder="kubectl get pods   (Tab completes, ↑ history, F1 help)", **kwargs)  # type: ignore[arg-type]
        self.history: list[str] = history if history is not None else []
        self.completer = completer
        self._pos: int | None = None
        self._draft = ""
        self.pending: list[str] = []
        # True while a command runs (get -w, rollout status...): Ctrl+C is for it, not for the line.
        self.busy = False

    _value_changing = False

    def _watch_value(self, value: str) -> None:
        self._value_changing = True
        try:
            super()._watch_value(value)
        finally:
            self._value_changing = False

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        """Input asks for a layout on every keystroke (its virtual width follows the text), which re-renders the
        whole screen; the prompt's own size never depends on its text, so a repaint is enough then."""
        if layout and self._value_changing and not self.styles.auto_dimensions:
            layout = False
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    @property
    def continuing(self) -> bool:
        """True while a heredoc or an open quote waits for more lines."""
        return bool(self.pending)

    def action_history(self, delta: int) -> None:
        if not self.history:
            return
        if self._pos is None:
            self._draft = self.value
            self._pos = len(self.history)
        pos = max(0, min(len(self.history), self._pos + delta))
        self._pos = pos
        self.value = self._draft if pos == len(self.history) else self.history[pos].split("\n")[0]
        if pos < len(self.history) and "\n" in self.history[pos]:
            # A multi-line command comes back whole: Enter runs it again.
            self._recalled = self.history[pos]
        else:
            self._recalled = ""
        self.cursor_position = len(self.value)

    _recalled = ""

    def action_complete(self) -> None:
        if self.completer is None:
            return
        before = self.value[: self.cursor_position]
        cands = self.completer(before)
        if not cands:
            self.app.bell()
            return
        word_start = max(before.rfind(" "), before.rfind("\t")) + 1
        word = before[word_start:]
        if len(cands) == 1:
            insert = cands[0] + " "
        else:
            insert = common_prefix(cands)
            if len(insert) <= len(word):
                self.post_message(self.CompletionsShown(cands))
                return
        new = before[:word_start] + insert
        self.value = new + self.value[self.cursor_position :]
        self.cursor_position = len(new)

    def action_cancel(self) -> None:
        self.post_message(self.Interrupted())
        if self.busy:
            return  # Ctrl+C stops the running command; a line typed meanwhile stays for after it
        if self.pending:
            self.pending = []
            self.border_title = None
        self.value = ""
        self._pos = None

    async def action_submit(self) -> None:
        line = self.value
        if self._recalled and line == self._recalled.split("\n")[0]:
            line = self._recalled
        self._recalled = ""
        self._pos = None
        self.value = ""
        text = "\n".join([*self.pending, line])
        if needs_more_input(text):
            self.pending.append(line)
            self.border_title = "heredoc: more lines… (Ctrl+C cancels)"
            return
        self.pending = []
        self.border_title = None
        if text.strip():
            if not self.history or self.history[-1] != text:
                self.history.append(text)
        self.post_message(self.CommandSubmitted(text))
