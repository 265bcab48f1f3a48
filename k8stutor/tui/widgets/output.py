"""The output log under the prompt: rendered like a terminal, YAML highlighted, errors in red."""

from __future__ import annotations

from rich.cells import cell_len
from rich.control import strip_control_codes
from rich.segment import Segment
from rich.style import Style
from rich.syntax import Syntax
from rich.text import Text
from textual.geometry import Size
from textual.strip import Strip
from textual.widgets import RichLog

from ..session import CommandOutcome

MAX_LINES = 5000
# Plain outputs with at least this many lines (a 10,000-row `get pods`) skip Rich's layout: one strip per line.
BULK_LINES = 200


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
                self.write_plain(body)
            self.plain.append(body)
        if out.stderr:
            body = out.stderr.rstrip("\n")
            self.write_plain(body, "red")
            self.plain.append(body)

    def write_plain(self, body: str, style: str = "") -> None:
        """Write unstyled text. What ``write(Text(body))`` shows, but a long output is turned into strips
        directly, only the lines the log keeps (``MAX_LINES``): a 10,000-line table costs tens of milliseconds instead of most of a second."""
        lines = body.split("\n")
        if len(lines) < BULK_LINES or not self._size_known:
            self.write(Text(body, style=style))
            return
        if self.max_lines is not None:
            lines = lines[-self.max_lines :]
        lines = [strip_control_codes(ln).expandtabs(8) for ln in lines]
        seg_style = Style.parse(style) if style else None
        self.lines.extend(Strip([Segment(ln, seg_style)] if ln else [], cell_len(ln)) for ln in lines)
        if self.max_lines is not None and len(self.lines) > self.max_lines:
            self._start_line += len(self.lines) - self.max_lines
            self.refresh()
            self.lines = self.lines[-self.max_lines :]
        self._widest_line_width = max(self._widest_line_width, max(map(cell_len, lines)))
        self.virtual_size = Size(self._widest_line_width, len(self.lines))
        if self.auto_scroll:
            self.scroll_end(animate=False, immediate=False, x_axis=False)

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
