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
from k8stutor.kubectl.tableprinter import TabWriter

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


def tabwrite(text: str) -> str:
    """Align tab-separated text exactly as kubectl's ``printers.GetNewTabWriter`` does, then flush."""
    tw = TabWriter()
    *lines, tail = text.split("\n")
    for line in lines:
        tw.write_line(line)
    if not tail:
        return tw.flush()
    tw.write_line(tail)
    return tw.flush()[:-1]  # the text did not end with a newline: neither does the output
