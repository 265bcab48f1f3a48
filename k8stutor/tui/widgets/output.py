"""The output log under the prompt: rendered like a terminal, YAML highlighted, errors in red."""

from __future__ import annotations

from rich.syntax import Syntax
from rich.text import Text
from textual.widgets import RichLog

from ..session import CommandOutcome

MAX_LINES = 5000


def looks_like_yaml(line: str, stdout: str) -> bool:
    """Output of ``-o yaml`` (and the editor's dry-run) gets YAML highlighting."""
    return ("-o yaml" in line or "-oyaml" in line or "--output=yaml" in line or "-o=yaml" in line) and bool(
        stdout.strip()
    )


class OutputLog(RichLog):
    """Scrollback of prompt commands and their output."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(max_lines=MAX_LINES, wrap=False, markup=False, highlight=False, **kwargs)  # type: ignore[arg-type]
        self.plain: list[str] = []

    def show_command(self, line: str) -> None:
        first, *rest = line.split("\n")
        t = Text("$ ", style="bold green")
        t.append(first, style="bold")
        for r in rest:
            t.append("\n> " + r)
        self.write(t)
        self.plain.append("$ " + line)

    def show_outcome(self, out: CommandOutcome) -> None:
        """Write a command's stdout (highlighted when YAML) and stderr (red)."""
        if out.stdout:
            body = out.stdout.rstrip("\n")
            if looks_like_yaml(out.line, out.stdout):
                self.write(
                    Syntax(body, "yaml", theme="ansi_dark", background_color="default", word_wrap=False)
                )
            else:
                self.write(Text(body))
            self.plain.append(body)
        if out.stderr:
            body = out.stderr.rstrip("\n")
            self.write(Text(body, style="red"))
            self.plain.append(body)

    def note(self, text: str, style: str = "italic dim") -> None:
        """A message from the app itself (not from a command)."""
        self.write(Text(text, style=style))
        self.plain.append(text)

    def clear_all(self) -> None:
        self.clear()
        self.plain.clear()

    def text(self) -> str:
        """Everything shown since the last clear, as plain text (tests read it)."""
        return "\n".join(self.plain)
