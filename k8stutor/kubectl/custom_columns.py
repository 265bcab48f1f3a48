"""kubectl's ``-o custom-columns=`` and ``-o custom-columns-file=`` printers (kubectl ``get/customcolumn.go``).

Each column is a relaxed JSONPath (``.metadata.name``, ``metadata.name``, ``{.metadata.name}``) run with
missing keys allowed; a column with no value prints ``<none>``, several values are joined with ``,`` and
every value is printed the way Go's ``fmt.Sprint`` prints it (a map shows as ``map[cpu:250m]``, not JSON).
Rows go through the same tabwriter as ``kubectl get`` tables (minwidth 6, tabwidth 4, padding 3, spaces).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from k8stutor.kubectl.jsonpath import JSONPath, JSONPathError, go_sprint, relaxed_jsonpath_expression

__all__ = [
    "Column",
    "CustomColumnsError",
    "parse_custom_columns_spec",
    "parse_custom_columns_file",
    "render_custom_columns",
    "render_custom_columns_file",
    "tabwrite",
]


class CustomColumnsError(ValueError):
    """A bad custom-columns spec or a column that fails on an object; ``stderr`` is kubectl's text."""

    def __init__(self, message: str, stdout: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.stdout = stdout
        self.stderr = message if message.endswith("\n") else f"error: {message}\n"
        if not self.stderr.startswith("error: "):
            self.stderr = f"error: {self.stderr}"


@dataclass(frozen=True)
class Column:
    """One user column: its header and its JSONPath (already in ``{.a.b}`` form)."""

    header: str
    field_spec: str


def _relaxed(path: str) -> str:
    try:
        return relaxed_jsonpath_expression(path)
    except JSONPathError as e:
        raise CustomColumnsError(e.message) from None


def parse_custom_columns_spec(spec: str) -> list[Column]:
    """Parse ``NAME:.metadata.name,IMAGE:.spec.containers[*].image`` (``NewCustomColumnsPrinterFromSpec``)."""
    if spec == "":
        raise CustomColumnsError("custom-columns format specified but no custom columns given")
    columns = []
    for part in spec.split(","):
        col = part.split(":", 1)
        if len(col) != 2:
            raise CustomColumnsError(
                f"unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"
            )
        columns.append(Column(col[0], _relaxed(col[1])))
    return columns


def parse_custom_columns_file(text: str) -> list[Column]:
    """Parse a ``custom-columns-file`` template: a header line and a spec line, whitespace separated."""
    lines = text.splitlines()
    expected = (
        "Expected format is one line of space separated headers, one line of space separated column specs."
    )
    if not lines:
        raise CustomColumnsError(f"invalid template, missing header line. {expected}")
    headers = lines[0].split()
    if len(lines) < 2:
        raise CustomColumnsError(f"invalid template, missing spec line. {expected}")
    specs = lines[1].split()
    if len(headers) != len(specs):
        raise CustomColumnsError(
            f"number of headers ({len(headers)}) and field specifications ({len(specs)}) don't match"
        )
    return [Column(h, _relaxed(s)) for h, s in zip(headers, specs, strict=True)]


def _escape_terminal(s: str) -> str:
    """cli-runtime ``printers.EscapeTerminal``."""
    return s.replace("\x1b", "^[").replace("\r", "\\r")


def _is_list(obj: Any) -> bool:
    return (
        isinstance(obj, dict)
        and isinstance(obj.get("items"), list)
        and str(obj.get("kind", "")).endswith("List")
    )


def _row(obj: Any, parsers: list[JSONPath]) -> str:
    cells = []
    for parser in parsers:
        values = parser.find_results(obj)
        strings: list[str] = []
        if not values or not values[0]:
            strings.append("<none>")
        for arr in values:
            for v in arr:
                strings.append(_escape_terminal(go_sprint(v)))
        cells.append(",".join(strings))
    return "\t".join(cells) + "\n"


def _render(columns: list[Column], objs: list[Any], no_headers: bool) -> str:
    text = ""
    if not no_headers:
        text += "\t".join(c.header for c in columns) + "\n"
    try:
        parsers = [JSONPath(c.field_spec, allow_missing_keys=True) for c in columns]
    except JSONPathError as e:
        raise CustomColumnsError(e.message, stdout=tabwrite(text)) from None
    for obj in objs:
        items = obj["items"] if _is_list(obj) else [obj]
        for item in items:
            try:
                text += _row(item, parsers)
            except JSONPathError as e:
                raise CustomColumnsError(e.message, stdout=tabwrite(text)) from None
    return tabwrite(text)


def render_custom_columns(spec: str, objs: list[dict[str, Any]], no_headers: bool = False) -> str:
    """Stdout of ``kubectl get ... -o custom-columns=SPEC`` for ``objs`` (already sorted, if sorting).

    Raises CustomColumnsError (with ``stderr``, and ``stdout`` for what was printed before the error).
    """
    return _render(parse_custom_columns_spec(spec), objs, no_headers)


def render_custom_columns_file(template: str, objs: list[dict[str, Any]]) -> str:
    """Stdout of ``-o custom-columns-file=FILE`` given the file's text (``--no-headers`` is ignored there)."""
    return _render(parse_custom_columns_file(template), objs, False)


# --------------------------------------------------------------------------------------------------
# Go text/tabwriter (liggitt/tabwriter fork, as kubectl configures it)
# --------------------------------------------------------------------------------------------------


class _TabWriter:
    """A port of Go's ``text/tabwriter`` with kubectl's settings and the ``RememberWidths`` flag."""

    def __init__(self, minwidth: int = 6, tabwidth: int = 4, padding: int = 3) -> None:
        self.minwidth = minwidth
        self.tabwidth = tabwidth
        self.padding = padding
        self.lines: list[list[str]] = [[]]
        self.cell = ""
        self.widths: list[int] = []
        self.maxwidths: list[int] = []
        self.out: list[str] = []

    def write(self, text: str) -> None:
        for ch in text:
            if ch in "\t\v\n\f":
                self.lines[-1].append(self.cell)
                self.cell = ""
                ncells = len(self.lines[-1])
                if ch in "\n\f":
                    self.lines.append([])
                    if ch == "\f" or ncells == 1:
                        self.flush()
            else:
                self.cell += ch

    def flush(self) -> None:
        if self.cell:
            self.lines[-1].append(self.cell)
            self.cell = ""
        self._format(0, len(self.lines))
        self.lines = [[]]
        self.cell = ""

    def _format(self, line0: int, line1: int) -> None:
        column = len(self.widths)
        this = line0
        while this < line1:
            line = self.lines[this]
            if column >= len(line) - 1:
                this += 1
                continue
            self._write_lines(line0, this)
            line0 = this
            width = self.minwidth
            while this < line1:
                line = self.lines[this]
                if column >= len(line) - 1:
                    break
                w = len(line[column]) + self.padding
                if w > width:
                    width = w
                this += 1
            if len(self.maxwidths) <= column:
                self.maxwidths.extend([0] * (column + 1 - len(self.maxwidths)))
            if self.maxwidths[column] > width:
                width = self.maxwidths[column]
            else:
                self.maxwidths[column] = width
            self.widths.append(width)
            self._format(line0, this)
            self.widths.pop()
            line0 = this
        self._write_lines(line0, line1)

    def _write_lines(self, line0: int, line1: int) -> None:
        for i in range(line0, line1):
            line = self.lines[i]
            for j, c in enumerate(line):
                self.out.append(c)
                if j < len(self.widths):
                    self.out.append(" " * (self.widths[j] - len(c)))
            if i + 1 != len(self.lines):
                self.out.append("\n")


def tabwrite(text: str) -> str:
    """Align tab-separated text exactly as kubectl's ``printers.GetNewTabWriter`` does, then flush."""
    tw = _TabWriter()
    tw.write(text)
    tw.flush()
    return "".join(tw.out)
