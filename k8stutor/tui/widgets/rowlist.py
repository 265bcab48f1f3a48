"""A windowed list: rows are rendered lazily, only the visible ones (10,000 pods cost nothing to scroll)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip


@dataclass(frozen=True)
class Row:
    """One row: a key (what it stands for) and a function that renders it when it becomes visible."""

    key: Any
    render: Callable[[], Text]


class RowList(ScrollView, can_focus=True):
    """A cursor over many rows; only the rows on screen are ever rendered."""

    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "Top", show=False),
        Binding("end", "jump(-1)", "Bottom", show=False),
        Binding("enter", "choose", "Open"),
    ]

    # repaint=False: the watcher redraws the two lines whose highlight changed, not every visible line.
    cursor = reactive(0, always_update=True, repaint=False)

    class Highlighted(Message):
        """The cursor moved to a row."""

        def __init__(self, rowlist: RowList, key: Any) -> None:
            super().__init__()
            self.rowlist = rowlist
            self.key = key

        @property
        def control(self) -> RowList:
            return self.rowlist

    class Chosen(Message):
        """Enter (or a click) on a row."""

        def __init__(self, rowlist: RowList, key: Any) -> None:
            super().__init__()
            self.rowlist = rowlist
            self.key = key

        @property
        def control(self) -> RowList:
            return self.rowlist

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        empty: str = "nothing to show",
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rows: list[Row] = []
        self.empty_text = empty
        self._cache: dict[int, Strip] = {}
        # Visible lines as drawn (cropped to the scroll offset, in the widget's style), valid for one
        # (base style, scroll x, width): a cursor move redraws two lines from here instead of rendering.
        self._drawn: dict[int, Strip] = {}
        self._drawn_for: tuple[Any, ...] = ()
        self._base = Style()
        self._line_width = 0
        self._width = 0

    # ---- data ------------------------------------------------------------------------------------
    def set_rows(self, rows: list[Row], width: int = 0) -> None:
        """Replace the rows; the cursor stays on the same key when it still exists."""
        old_key = self.current_key
        self.rows = rows
        self._cache.clear()
        self._drawn.clear()
        self._width = width
        if old_key is not None:
            for i, r in enumerate(rows):
                if r.key == old_key:
                    self.set_reactive(RowList.cursor, i)
                    break
        if self.cursor >= len(rows):
            self.set_reactive(RowList.cursor, max(0, len(rows) - 1))
        self.virtual_size = Size(max(width, self.size.width), len(rows))
        self.refresh()

    def rerender(self) -> None:
        """Draw the visible rows again from their render functions (the rows themselves stand)."""
        self._cache.clear()
        self._drawn.clear()
        self.refresh()

    @property
    def current_key(self) -> Any:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor].key
        return None

    def select_key(self, key: Any) -> bool:
        """Move the cursor to the row with ``key``."""
        for i, r in enumerate(self.rows):
            if r.key == key:
                self.cursor = i
                return True
        return False

    # ---- rendering -------------------------------------------------------------------------------
    def render_lines(self, crop: Region) -> list[Strip]:
        # The widget's style and size are the same for every line of one pass: look them up once, not per
        # line (a size lookup asks the screen's compositor where the widget is).
        self._base = self.rich_style
        self._line_width = self.size.width
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self._line_width
        base = self._base
        if not self.rows:
            if y == 0:
                return Strip([Segment(self.empty_text, base + Style(dim=True))]).adjust_cell_length(
                    width, base
                )
            return Strip.blank(width, base)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        x = self.scroll_offset.x
        if index == self.cursor:
            name = "rowlist--cursor" if self.has_focus else "rowlist--cursor-blur"
            return self._line(index, x, width).apply_style(base + self.get_component_rich_style(name))
        drawn_for = (base, x, width)
        if drawn_for != self._drawn_for:
            self._drawn.clear()
            self._drawn_for = drawn_for
        line = self._drawn.get(index)
        if line is None:
            line = self._drawn[index] = self._line(index, x, width).apply_style(base)
        return line

    def _line(self, index: int, x: int, width: int) -> Strip:
        """Row ``index`` rendered (once) and cropped to the visible columns."""
        strip = self._cache.get(index)
        if strip is None:
            text = self.rows[index].render()
            text.no_wrap = True
            text.end = ""
            strip = self._cache[index] = Strip(list(text.render(self.app.console)))
        return strip.crop(x, x + width).adjust_cell_length(width)

    COMPONENT_CLASSES = {"rowlist--cursor", "rowlist--cursor-blur"}

    DEFAULT_CSS = """
    RowList { height: 1fr; }
    RowList > .rowlist--cursor { background: $accent 40%; text-style: bold; }
    RowList > .rowlist--cursor-blur { background: $accent 15%; }
    """

    # ---- cursor ----------------------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        top = self.scroll_offset.y
        self._scroll_cursor_into_view()
        if self.scroll_offset.y == top:
            # Only the two rows whose highlight changed are drawn again.
            self.refresh_lines(old)
            self.refresh_lines(new)
        else:
            self.refresh()
        key = self.current_key
        if key is not None:
            self.post_message(self.Highlighted(self, key))

    def _scroll_cursor_into_view(self) -> None:
        top = self.scroll_offset.y
        h = max(1, self.size.height)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + h:
            self.scroll_to(y=self.cursor - h + 1, animate=False)

    def action_cursor(self, delta: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * max(1, self.size.height - 1))

    def action_jump(self, where: int) -> None:
        if self.rows:
            self.cursor = 0 if where == 0 else len(self.rows) - 1

    def action_choose(self) -> None:
        key = self.current_key
        if key is not None:
            self.post_message(self.Chosen(self, key))

    def on_click(self, event: Any) -> None:
        index = self.scroll_offset.y + event.y
        if 0 <= index < len(self.rows):
            if index == self.cursor and getattr(event, "chain", 1) >= 2:
                self.action_choose()
            self.cursor = index

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
