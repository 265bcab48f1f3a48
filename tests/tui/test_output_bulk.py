"""A long plain output takes the log's bulk path and shows exactly what the ordinary Rich path shows."""

from __future__ import annotations

from textual.app import App

from k8stutor.tui.widgets.output import BULK_LINES, MAX_LINES, OutputLog

ROW = "web-5cbbdc979d-t6kcm   1/1     Running   0          14s   10.244.1.2   k8s-node01"


class TwoLogs(App[None]):
    def compose(self):
        yield OutputLog(id="bulk")
        yield OutputLog(id="rich")


def shown(log: OutputLog) -> list[tuple[str, int, frozenset]]:
    """What each line looks like: its text, width and styles (Rich may split a line into more segments)."""
    return [(s.text, s.cell_length, frozenset(seg.style for seg in s)) for s in log.lines]


async def test_bulk_path_matches_rich_rendering():
    body = "\n".join(
        [f"{ROW}-{i}" for i in range(BULK_LINES * 2)] + ["", "tab\there", "wide 中文 cells", "\x1b[31mraw escape"]
    )
    app = TwoLogs()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        bulk, rich = app.query_one("#bulk", OutputLog), app.query_one("#rich", OutputLog)
        for style in ("", "red"):
            bulk.write_plain(body, style)
            rich.write(bulk_text(body, style))
        await pilot.pause()
        assert shown(bulk) == shown(rich)
        assert bulk.virtual_size == rich.virtual_size


async def test_bulk_path_keeps_only_the_last_max_lines():
    app = TwoLogs()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        log = app.query_one("#bulk", OutputLog)
        log.write_plain("\n".join(f"line {i}" for i in range(MAX_LINES + 1234)))
        await pilot.pause()
        assert len(log.lines) == MAX_LINES
        assert log.lines[0].text == "line 1234" and log.lines[-1].text == f"line {MAX_LINES + 1233}"


def bulk_text(body: str, style: str):
    from rich.text import Text

    return Text(body, style=style)
