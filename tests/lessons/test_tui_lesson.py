"""Pilot tests: a lesson driven end to end in the TUI (picker, side panel checklist, hint, next, quiz)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("textual")

from k8stutor.tui.app import make_app  # noqa: E402
from k8stutor.tui.lesson_panel import LessonPanel  # noqa: E402
from k8stutor.tui.screens.lesson_picker import LessonPickerScreen  # noqa: E402
from k8stutor.tui.screens.workspace import WorkspaceScreen  # noqa: E402
from k8stutor.tui.widgets.output import OutputLog  # noqa: E402
from k8stutor.tui.widgets.prompt import Prompt  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("K8STUTOR_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


async def type_line(pilot, line: str) -> None:
    prompt = pilot.app.screen.query_one(Prompt)
    prompt.value = line
    prompt.cursor_position = len(line)
    await pilot.press("enter")
    await pilot.pause()


def panel_text(app) -> str:
    panel = app.screen.query_one(LessonPanel)
    return "\n".join(str(w.render()) for w in panel.query("Static"))


def run(coro):
    import asyncio

    return asyncio.new_event_loop().run_until_complete(coro)


def test_first_lesson_end_to_end_in_the_tui(tmp_path):
    """Lesson 01 from `k8stutor lesson k8s-basics/first-steps`: the checklist turns ✓ as commands run."""

    async def scenario():
        app = make_app(
            start="lesson",
            lesson="k8s-basics/first-steps",
            paused=True,
            autosave=False,
            history=False,
            cwd=str(tmp_path),
        )
        async with app.run_test(size=(140, 45)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, WorkspaceScreen)
            text = panel_text(app)
            assert "First steps with kubectl" in text and "Step 1/5: Meet the nodes" in text
            assert "✗ List the nodes" in text
            await type_line(pilot, "hint")
            assert "Hint 1/1: Type `kubectl get nodes`" in app.screen.query_one(OutputLog).text()
            await type_line(pilot, "k get nodes")
            assert "✓ List the nodes" in panel_text(app)
            assert "✓ Step complete! You used 1 command (par 1)." in app.screen.query_one(OutputLog).text()
            await type_line(pilot, "next")
            assert "Step 2/5: Namespaces" in panel_text(app)
            for line in ["kubectl get ns", "next", "kubectl get pods -n kube-system", "next"]:
                await type_line(pilot, line)
            assert "Step 4/5" in panel_text(app)
            await type_line(pilot, "answer 2")
            assert "Correct!" in app.screen.query_one(OutputLog).text()
            await type_line(pilot, "next")
            await type_line(pilot, "kubectl create namespace practice")
            assert "✓ Namespace practice exists" in panel_text(app)
            await type_line(pilot, "next")
            assert "Lesson complete" in panel_text(app)
        from k8stutor.lessons import ProgressStore

        assert ProgressStore().get("k8s-basics/first-steps").finished

    run(scenario())


def test_welcome_opens_the_picker_and_a_lesson(tmp_path):
    """Welcome -> Lessons -> the picker lists the shipped pack -> Enter opens the lesson workspace."""

    async def scenario():
        app = make_app(paused=True, autosave=False, history=False, cwd=str(tmp_path))
        async with app.run_test(size=(140, 45)) as pilot:
            await pilot.pause()
            menu = app.screen.query_one("#welcome-menu")
            idx = next(i for i, o in enumerate(menu._options) if o.id == "lessons")
            menu.highlighted = idx
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, LessonPickerScreen)
            lst = app.screen.query_one("#lesson-list")
            idx = next(i for i, o in enumerate(lst._options) if o.id == "lesson:k8s-basics/pods")
            lst.highlighted = idx
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, WorkspaceScreen)
            assert "Step 1/4: Run a Pod" in panel_text(app)

    run(scenario())
