"""A port of Go's ``text/tabwriter`` plus kubectl's ``PrefixWriter`` (what every ``describe`` prints through).

Go's tabwriter aligns *column blocks*: a run of consecutive lines that all have a tab-terminated cell in
the same column gets that column padded to ``max(cell width) + padding``. The text after a line's last
tab is not part of any column. ``describe`` uses ``Init(buf, 0, 8, 2, ' ', 0)`` (``tabbedString``).
"""

from __future__ import annotations

from dataclasses import dataclass

# Flags (text/tabwriter constants).
FILTER_HTML = 1 << 0
STRIP_ESCAPE = 1 << 1
ALIGN_RIGHT = 1 << 2
DISCARD_EMPTY_COLUMNS = 1 << 3
TAB_INDENT = 1 << 4
DEBUG = 1 << 5


@dataclass
class _Cell:
    text: str = ""
    width: int = 0  # in runes, as Go counts it
    htab: bool = False  # true if the cell is terminated by a '\t' (false for '\v')


class TabWriter:
    """Go ``tabwriter.Writer``: call ``write`` any number of times, then ``flush``; read ``getvalue``."""

    def __init__(
        self, minwidth: int = 0, tabwidth: int = 8, padding: int = 2, padchar: str = " ", flags: int = 0
    ) -> None:
        if minwidth < 0 or tabwidth < 0 or padding < 0:
            raise ValueError("negative minwidth, tabwidth or padding")
        self.minwidth = minwidth
        self.tabwidth = tabwidth
        self.padding = padding
        self.padchar = padchar
        self.flags = flags
        if padchar == "\t":
            # tab padding enforces left-alignment
            self.flags &= ~ALIGN_RIGHT
        self._out: list[str] = []
        self._reset()

    def _reset(self) -> None:
        self._lines: list[list[_Cell]] = [[]]
        self._cell_text: list[str] = []
        self._widths: list[int] = []

    # --- input -------------------------------------------------------------------------------------------

    def write(self, text: str) -> None:
        """Buffer ``text``; a line without any tab (or a form feed) flushes what came before."""
        start = 0
        for i, ch in enumerate(text):
            if ch in "\t\v\n\f":
                self._cell_text.append(text[start:i])
                start = i + 1
                ncells = self._terminate_cell(ch == "\t")
                if ch in "\n\f":
                    self._lines.append([])
                    if ch == "\f" or ncells == 1:
                        # A line with a single cell cannot affect the layout of later lines: flush.
                        self._flush_internal()
                        if ch == "\f" and self.flags & DEBUG:
                            self._out.append("---\n")
        self._cell_text.append(text[start:])

    def _terminate_cell(self, htab: bool) -> int:
        text = "".join(self._cell_text)
        self._cell_text = []
        line = self._lines[-1]
        line.append(_Cell(text=text, width=len(text), htab=htab))
        return len(line)

    def flush(self) -> None:
        """Format and emit everything buffered (Go ``Flush``)."""
        self._flush_internal()

    def _flush_internal(self) -> None:
        if "".join(self._cell_text):
            self._terminate_cell(False)
        else:
            self._cell_text = []
        self._format(0, len(self._lines))
        self._reset()

    def getvalue(self) -> str:
        """Everything written out so far."""
        return "".join(self._out)

    # --- formatting ----------------------------------------------------------------------------------------

    def _format(self, line0: int, line1: int) -> None:
        column = len(self._widths)
        this = line0
        while this < line1:
            line = self._lines[this]
            if column >= len(line) - 1:
                this += 1
                continue
            # cell exists in this column => this line has more cells than the previous line
            self._write_lines(line0, this)
            line0 = this
            width = self.minwidth
            discardable = True
            while this < line1:
                line = self._lines[this]
                if column >= len(line) - 1:
                    break
                c = line[column]
                w = c.width + self.padding
                if w > width:
                    width = w
                if c.width > 0 or c.htab:
                    discardable = False
                this += 1
            if discardable and self.flags & DISCARD_EMPTY_COLUMNS:
                width = 0
            self._widths.append(width)
            self._format(line0, this)
            self._widths.pop()
            line0 = this
        self._write_lines(line0, line1)

    def _write_padding(self, textw: int, cellw: int, use_tabs: bool) -> None:
        if self.padchar == "\t" or use_tabs:
            if self.tabwidth == 0:
                return
            cellw = (cellw + self.tabwidth - 1) // self.tabwidth * self.tabwidth
            n = cellw - textw
            self._out.append("\t" * ((n + self.tabwidth - 1) // self.tabwidth))
            return
        self._out.append(self.padchar * (cellw - textw))

    def _write_lines(self, line0: int, line1: int) -> None:
        for i in range(line0, line1):
            line = self._lines[i]
            use_tabs = bool(self.flags & TAB_INDENT)
            for j, c in enumerate(line):
                if j > 0 and self.flags & DEBUG:
                    self._out.append("|")
                if not c.text:
                    if j < len(self._widths):
                        self._write_padding(c.width, self._widths[j], use_tabs)
                else:
                    use_tabs = False
                    if not self.flags & ALIGN_RIGHT:
                        self._out.append(c.text)
                        if j < len(self._widths):
                            self._write_padding(c.width, self._widths[j], False)
                    else:
                        if j < len(self._widths):
                            self._write_padding(c.width, self._widths[j], False)
                        self._out.append(c.text)
            if i + 1 == len(self._lines):
                # last buffered line: no newline; its text is still in the pending cell buffer
                pass
            else:
                self._out.append("\n")


def tabwrite(text: str, minwidth: int = 0, tabwidth: int = 8, padding: int = 2, padchar: str = " ") -> str:
    """Run ``text`` through a fresh tabwriter and return the aligned result."""
    tw = TabWriter(minwidth, tabwidth, padding, padchar, 0)
    tw.write(text)
    tw.flush()
    return tw.getvalue()


LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, LEVEL_4 = 0, 1, 2, 3, 4


def write_escaped(text: str) -> str:
    """cli-runtime ``printers.WriteEscaped``: neutralise terminal escapes (ESC -> ``^[``, CR -> ``\\r``)."""
    return text.replace("\x1b", "^[").replace("\r", "\\r")


class PrefixWriter:
    """kubectl's ``PrefixWriter``: each level indents by two spaces; text goes to a tabwriter."""

    def __init__(self, out: TabWriter, indent: int = 0) -> None:
        self.out = out
        self.indent = indent

    def write(self, level: int, text: str) -> None:
        """Write already-formatted ``text`` at ``level`` (Go ``Write(level, format, args...)``)."""
        self.out.write(write_escaped("  " * (level + self.indent) + text))

    def write_line(self, *args: object) -> None:
        """Go ``WriteLine``: the operands separated by spaces, then a newline (no indentation)."""
        text = " ".join(str(a) for a in args) + "\n"
        if self.indent:
            self.write(0, text)
        else:
            self.out.write(write_escaped(text))

    def flush(self) -> None:
        """Flush the underlying tabwriter, so what follows is aligned independently."""
        self.out.flush()

    def nested(self, indent: int) -> PrefixWriter:
        """kubectl's ``NewNestedPrefixWriter``: everything written goes ``indent`` levels deeper."""
        return PrefixWriter(self.out, self.indent + indent)


def new_tabbed_writer() -> tuple[TabWriter, PrefixWriter]:
    """The writer pair ``tabbedString`` sets up: tabwriter ``(0, 8, 2, ' ', 0)`` wrapped in a PrefixWriter."""
    tw = TabWriter(0, 8, 2, " ", 0)
    return tw, PrefixWriter(tw)
