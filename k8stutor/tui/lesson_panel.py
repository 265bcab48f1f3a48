"""The lesson side panel: step text, the live goal checklist (✓/✗ as the cluster changes), hints, next step.

The workspace hands prompt lines to ``handle_line`` first: runner commands (``hint``, ``check``, ``next``,
``goal``, ``solution``, ``answer``) and disabled commands stop there; other lines run as usual and the
panel records them (``after_command``) so command checks see them.
"""

from __future__ import annotations

from typing import Any

from rich.markdown import Markdown
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from ..lessons import LessonRunner, Output, tr
from .session import CommandOutcome


class LessonPanel(Vertical):
    """Shows the current step of a ``LessonRunner``; re-reads it on every command and cluster change."""

    DEFAULT_CSS = """
    LessonPanel { height: auto; padding: 0 1; }
    LessonPanel #lesson-title { text-style: bold; color: $accent; }
    LessonPanel #lesson-step { text-style: bold; margin-top: 1; }
    LessonPanel #lesson-goal { margin-top: 1; }
    LessonPanel #lesson-status { margin-top: 1; color: $success; }
    LessonPanel #lesson-hint { margin-top: 1; color: $warning; }
    """

    def __init__(self, runner: LessonRunner, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.runner = runner
        self.goal_lines: list[str] = []
        self.hint_text = ""

    def compose(self) -> ComposeResult:
        yield Static(tr(self.runner.lesson.title, self.runner.lang), id="lesson-title")
        yield Static("", id="lesson-step")
        yield Static("", id="lesson-text")
        yield Static("", id="lesson-goal")
        yield Static("", id="lesson-hint")
        yield Static("", id="lesson-status")

    def on_mount(self) -> None:
        self.show_step()

    def show_step(self) -> None:
        """Render the current step from scratch."""
        r = self.runner
        self.query_one("#lesson-step", Static).update(r.step_heading())
        self.query_one("#lesson-text", Static).update(Markdown(r.step_text()))
        self.hint_text = ""
        self.query_one("#lesson-hint", Static).update("")
        self.refresh_goal()

    def refresh_goal(self) -> None:
        """Re-evaluate the goal (called after commands and cluster changes)."""
        r = self.runner
        results, newly = r.refresh() if r.step.goal else ([], False)
        lines = [x.line() for x in results]
        if lines != self.goal_lines:
            self.goal_lines = lines
            t = Text()
            for res, line in zip(results, lines, strict=True):
                t.append(line + "\n", style="green" if res.ok else "red")
            self.query_one("#lesson-goal", Static).update(t)
        status = ""
        if r.finished:
            status = "Lesson complete!"
        elif r.step_done:
            status = (
                "✓ Step complete — type next"
                if r.step_index + 1 < len(r.lesson.steps)
                else "✓ Last step complete — type next to finish"
            )
        elif r.step.kind == "quiz":
            status = "Answer with: answer …"
        else:
            status = "hint · check · solution"
        self.query_one("#lesson-status", Static).update(status)
        if newly:
            self.app.bell()

    def show_hint(self, text: str) -> None:
        """Show the latest hint under the goal."""
        self.hint_text = text
        self.query_one("#lesson-hint", Static).update(text)


def _panel(screen: Any) -> LessonPanel:
    return screen.query_one(LessonPanel)  # type: ignore[no-any-return]


def handle_line(screen: Any, line: str) -> bool:
    """Handle runner commands and disabled commands for the workspace; True when the line was handled."""
    runner: LessonRunner = screen.lesson
    from .widgets.output import OutputLog

    log = screen.query_one(OutputLog)
    if runner.is_runner_command(line):
        log.show_command(line)
        before = runner.step_index
        out = runner.runner_command(line)
        _show(log, out)
        panel = _panel(screen)
        if runner.step_index != before:
            panel.show_step()
            _highlight(screen)
        else:
            if line.strip().startswith("hint") and out.messages:
                panel.show_hint(out.messages[0])
            panel.refresh_goal()
        return True
    refused = runner.refuse(line)
    if refused is not None:
        log.show_command(line)
        log.show_outcome(CommandOutcome(line, "", refused.stderr, refused.exit_code))
        return True
    return False


def after_command(screen: Any, outcome: CommandOutcome) -> None:
    """Record a command that ran at the prompt and update the checklist."""
    runner: LessonRunner = screen.lesson
    out = runner.record(outcome.line, outcome.stdout, outcome.stderr, outcome.exit_code)
    from .widgets.output import OutputLog

    for m in out.messages:
        screen.query_one(OutputLog).note(m, style="bold green")
    _panel(screen).refresh_goal()


def _show(log: Any, out: Output) -> None:
    for m in out.messages:
        log.note(m, style="bold")


def _highlight(screen: Any) -> None:
    """Bring the pane the step is about to the front."""
    from textual.widgets import TabbedContent

    pane = screen.lesson.step.highlight
    if not pane:
        return
    tabs = screen.query_one(TabbedContent)
    if tabs.query(f"#tab-{pane}"):
        tabs.active = f"tab-{pane}"
