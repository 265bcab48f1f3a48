"""kubectl's client-side rendering of server-side Tables (``kubectl get`` human-readable output).

A port of cli-runtime v0.32 ``printers/tableprinter.go`` (HumanReadablePrinter: decorateTable +
printTable) writing through a port of ``github.com/liggitt/tabwriter`` configured as kubectl's
``GetNewTabWriter`` does: minwidth 6, tabwidth 4, padding 3, pad char ' ', flag RememberWidths.
The last cell of a line is never padded, so an empty trailing ``-L`` column leaves the padding of
the cell before it (trailing blanks), exactly as real kubectl prints.

Returned strings are the exact bytes kubectl writes to stdout: newline-terminated lines, "" when
nothing is printed (the caller prints "No resources found ..." on stderr in that case).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from k8stutor.engine.printers_cells import format_labels, go_sprint
from k8stutor.engine.registry import ResourceType

__all__ = ["PrintOptions", "TabWriter", "TableWriter", "render_names", "render_tables"]

TABWRITER_MINWIDTH = 6
TABWRITER_PADDING = 3

# cli-runtime formatEventType (``--output-watch-events``).
_EVENT_TYPES = {"ADDED": "ADDED   ", "MODIFIED": "MODIFIED", "DELETED": "DELETED ", "ERROR": "ERROR   "}


@dataclass(frozen=True)
class PrintOptions:
    """The human-readable printer options ``kubectl get`` derives from its flags."""

    wide: bool = False  # -o wide: show priority > 0 columns
    no_headers: bool = False  # --no-headers
    with_kind: bool = False  # several kinds / `get all` / --show-kind: NAME becomes kind.group/name
    with_namespace: bool = False  # -A on a namespaced resource: NAMESPACE column first
    show_labels: bool = False  # --show-labels: LABELS column last
    label_columns: tuple[str, ...] = ()  # -L key1,key2: one column per key


class TabWriter:
    """liggitt/tabwriter (a text/tabwriter fork) with RememberWidths, over tab-separated lines."""

    def __init__(self, minwidth: int = TABWRITER_MINWIDTH, padding: int = TABWRITER_PADDING) -> None:
        self.minwidth = minwidth
        self.padding = padding
        self.maxwidths: list[int] = []  # remembered per-column widths (RememberWidths)
        self._lines: list[list[str]] = []

    def set_remembered_widths(self, widths: list[int] | None) -> None:
        """``SetRememberedWidths``: kubectl resets them (nil) when it starts a new resource type."""
        self.maxwidths = list(widths or [])

    def write_line(self, line: str) -> None:
        """Buffer one line (without its newline); ``\\t`` terminates a cell, ``\\v`` too."""
        self._lines.append(line.replace("\v", "\t").split("\t"))

    def flush(self) -> str:
        """Format and return everything buffered (every line newline-terminated)."""
        lines = self._lines
        self._lines = []
        if not lines:
            return ""
        out: list[str] = []
        uniform = len({len(c) for c in lines}) == 1
        if uniform:
            self._format_uniform(lines, out)
        else:
            self._format(lines, 0, len(lines), [], out)
        return "".join(out)

    def _width(self, col: int, width: int, depth: int) -> int:
        mw = self.maxwidths
        if len(mw) < depth:
            # Never reached in practice: columns are always visited left to right.
            mw.extend([0] * (depth - len(mw)))
        if len(mw) == depth:
            mw.append(width)
        elif mw[depth] > width:
            width = mw[depth]
        elif mw[depth] < width:
            mw[depth] = width
        return width

    def _format_uniform(self, lines: list[list[str]], out: list[str]) -> None:
        ncols = len(lines[0]) - 1
        widths = []
        for j in range(ncols):
            w = self.minwidth
            for cells in lines:
                cw = len(cells[j]) + self.padding
                if cw > w:
                    w = cw
            widths.append(self._width(j, w, j))
        append = out.append
        for cells in lines:
            append("".join(cells[j].ljust(widths[j]) for j in range(ncols)) + cells[ncols] + "\n")

    def _format(
        self, lines: list[list[str]], line0: int, line1: int, widths: list[int], out: list[str]
    ) -> None:
        """text/tabwriter's recursive column-block formatting (for ragged lines)."""
        column = len(widths)
        this = line0
        while this < line1:
            if column >= len(lines[this]) - 1:
                this += 1
                continue
            self._write_lines(lines, line0, this, widths, out)
            line0 = this
            width = self.minwidth
            while this < line1:
                cells = lines[this]
                if column >= len(cells) - 1:
                    break
                w = len(cells[column]) + self.padding
                if w > width:
                    width = w
                this += 1
            width = self._width(column, width, column)
            self._format(lines, line0, this, [*widths, width], out)
            line0 = this
        self._write_lines(lines, line0, line1, widths, out)

    @staticmethod
    def _write_lines(
        lines: list[list[str]], line0: int, line1: int, widths: list[int], out: list[str]
    ) -> None:
        for i in range(line0, line1):
            parts = []
            for j, text in enumerate(lines[i]):
                parts.append(text.ljust(widths[j]) if j < len(widths) else text)
            out.append("".join(parts) + "\n")


def _escape(text: str) -> str:
    """cli-runtime WriteEscaped: ESC -> ``^[``, CR -> ``\\r``."""
    if "\x1b" in text or "\r" in text:
        return text.replace("\x1b", "^[").replace("\r", "\\r")
    return text


def _cell_text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, str):
        cut = -1
        for ch in "\f\n\r":
            i = cell.find(ch)
            if i >= 0 and (cut < 0 or i < cut):
                cut = i
        if cut >= 0:
            return _escape(cell[:cut]) + "..."
        return _escape(cell)
    return _escape(go_sprint(cell))


def _label_header(key: str) -> str:
    return key.split("/")[-1].upper()


def _row_metadata(row: dict[str, Any]) -> dict[str, Any] | None:
    obj = row.get("object")
    if not isinstance(obj, dict):
        return None
    meta = obj.get("metadata")
    return meta if isinstance(meta, dict) else None


class TableWriter:
    """One HumanReadablePrinter + tabwriter pair, stateful like kubectl's for one resource type.

    ``add`` queues a Table's lines, ``flush`` formats them; ``write`` does both (what ``get -w``
    does per watch event). Headers are printed once per column set, only with the first table that
    has rows; later tables (watch events, with or without ``columnDefinitions``) reuse the columns and
    the remembered column widths, so rows stay aligned under the first table (and push wider when needed).
    """

    def __init__(self, rt: ResourceType | None, opts: PrintOptions | None = None) -> None:
        self.rt = rt
        self.opts = opts or PrintOptions()
        self.tabwriter = TabWriter()
        self._last_columns: list[dict[str, Any]] = []
        self._printed_headers = False

    def add(self, table: dict[str, Any], event_type: str | None = None) -> None:
        """Queue one Table (a watch event's table with ``event_type`` adds the EVENT column)."""
        opts = self.opts
        no_headers = opts.no_headers
        columns = list(table.get("columnDefinitions") or [])
        rows = table.get("rows") or []
        if self._printed_headers and (not columns or columns == self._last_columns):
            no_headers = True
        if not columns:
            columns = self._last_columns
        elif columns != self._last_columns:
            self._last_columns = columns
            self._printed_headers = False
        if rows:
            self._printed_headers = True
        for line in self._lines(columns, rows, no_headers, event_type):
            self.tabwriter.write_line(line)

    def flush(self) -> str:
        """Format everything queued since the last flush."""
        return self.tabwriter.flush()

    def write(self, table: dict[str, Any], event_type: str | None = None) -> str:
        """``add`` then ``flush``: the text kubectl prints for this table right now."""
        self.add(table, event_type)
        return self.flush()

    def _lines(
        self,
        columns: list[dict[str, Any]],
        rows: list[dict[str, Any]],
        no_headers: bool,
        event_type: str | None,
    ) -> list[str]:
        opts = self.opts
        # decorateTable
        name_col = -1
        kind_prefix = self.rt.kind_prefix if (opts.with_kind and self.rt is not None) else ""
        if kind_prefix:
            for i, col in enumerate(columns):
                if col.get("format") == "name" and col.get("type") == "string":
                    name_col = i
                    break
        label_keys = list(opts.label_columns)
        cols = list(columns)
        if opts.with_namespace:
            cols.insert(0, {"name": "Namespace", "type": "string", "priority": 0})
        cols.extend({"name": _label_header(k), "type": "string", "priority": 0} for k in label_keys)
        if opts.show_labels:
            cols.append({"name": "Labels", "type": "string", "priority": 0})
        include_labels = bool(label_keys) or opts.show_labels
        width = len(cols)
        if event_type is not None:
            cols.insert(0, {"name": "Event", "type": "string", "priority": 0})
            event_cell = _EVENT_TYPES.get(event_type, event_type)

        wide = opts.wide
        visible = [wide or not (c.get("priority") or 0) for c in cols]
        lines: list[str] = []
        if not no_headers:
            if not rows:
                return lines
            lines.append(
                "\t".join(str(c.get("name", "")).upper() for c, v in zip(cols, visible, strict=True) if v)
            )
        decorate = include_labels or opts.with_namespace or name_col != -1
        ncols = len(cols)
        all_visible = all(visible)
        for row in rows:
            cells = list(row.get("cells") or [])
            if decorate:
                if name_col != -1 and name_col < len(cells):
                    cells[name_col] = f"{kind_prefix}/{_plain(cells[name_col])}"
                meta = _row_metadata(row)
                if meta is None:
                    if opts.with_namespace:
                        cells.insert(0, None)
                    cells.extend([None] * (width - len(cells)))
                else:
                    if opts.with_namespace:
                        cells.insert(0, meta.get("namespace", ""))
                    if include_labels:
                        labels = meta.get("labels") or {}
                        cells.extend(labels.get(k, "") for k in label_keys)
                        if opts.show_labels:
                            cells.append(format_labels(labels))
            if event_type is not None:
                cells.insert(0, event_cell)
            if len(cells) > ncols:
                cells = cells[:ncols]
            if all_visible:
                lines.append("\t".join(_cell_text(c) for c in cells))
            else:
                lines.append("\t".join(_cell_text(c) for i, c in enumerate(cells) if visible[i]))
        return lines


def _plain(cell: Any) -> str:
    """Go ``%s`` of a name cell."""
    if isinstance(cell, str):
        return cell
    if cell is None:
        return "%!s(<nil>)"
    return go_sprint(cell)


def render_tables(
    tables: Sequence[tuple[ResourceType, dict[str, Any]]], opts: PrintOptions | None = None
) -> str:
    """Render Tables as one ``kubectl get`` invocation does (``get deploy,svc``, ``get all``, ``get po a b``).

    Consecutive tables of the same resource share one printer (one header, one alignment); a new
    resource type starts fresh column widths and, unless ``--no-headers``, is separated from earlier
    output by one empty line. Tables without rows print nothing at all.
    """
    opts = opts or PrintOptions()
    out: list[str] = []
    written = False
    separator_ready = False
    writer: TableWriter | None = None
    last_rt: ResourceType | None = None

    def emit(text: str) -> None:
        nonlocal written, separator_ready
        if not text:
            return
        if separator_ready:
            out.append("\n")
            separator_ready = False
        out.append(text)
        written = True

    for rt, table in tables:
        if writer is None or last_rt is None or rt.group_resource != last_rt.group_resource:
            if writer is not None:
                emit(writer.flush())
            if last_rt is not None and not opts.no_headers and written:
                separator_ready = True
            writer = TableWriter(rt, opts)
            last_rt = rt
        writer.add(table)
    if writer is not None:
        emit(writer.flush())
    return "".join(out)


def render_names(rt: ResourceType, objs: Iterable[dict[str, Any]]) -> str:
    """``-o name``: one ``kind.group/name`` line per object (``pod/web-1``, ``deployment.apps/web``)."""
    prefix = rt.kind_prefix
    return "".join(f"{prefix}/{(o.get('metadata') or {}).get('name', '')}\n" for o in objs)
