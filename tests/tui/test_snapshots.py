"""Snapshot tests of each screen at seed 0 with the clock frozen (paused). Review the SVGs by eye."""

from __future__ import annotations

from textual.widgets import TabbedContent

from k8stutor.tui.app import make_app
from k8stutor.tui.widgets.prompt import Prompt

from .conftest import sandbox_app, wait_for_workspace


def test_welcome(snap_compare, tmp_path):
    """The logo, the tagline and the menu: one sandbox line per preset, load, lessons, quit."""
    app = make_app(paused=True, autosave=False, history=False, cwd=str(tmp_path))
    assert snap_compare(app, terminal_size=(100, 30))


async def _ready(pilot):
    """The workspace is up and the prompt's cursor does not blink (the frame must not depend on the timer)."""
    await wait_for_workspace(pilot)
    pilot.app.screen.query_one(Prompt).cursor_blink = False


def test_workspace_compact(snap_compare, tmp_path):
    """80×24: clock bar (paused), the Cluster pane's node boxes, the log, the prompt; no side panel."""
    assert snap_compare(sandbox_app(tmp_path), terminal_size=(80, 24), run_before=_ready)


async def _deploy(pilot):
    await wait_for_workspace(pilot)
    prompt = pilot.app.screen.query_one(Prompt)
    prompt.cursor_blink = False  # the frame must not depend on when the blink timer fires
    for line in ("kubectl create deployment web --image=nginx --replicas=3", "kubectl get deploy,rs"):
        prompt.value = line
        await pilot.press("enter")
        await pilot.pause()
    pilot.app.screen.query_one(TabbedContent).active = "tab-workloads"
    await pilot.pause()
    pilot.app.screen.refresh_panes(force=True)  # do not depend on when the pacer's tick lands
    await pilot.pause()


def test_workspace_workloads(snap_compare, tmp_path):
    """140×45: the Workloads tree shows deployment.apps/web (and kube-system's coredns, DaemonSets); the log
    shows kubectl's `created` line and the deploy,rs tables; the cheat sheet is on the right."""
    assert snap_compare(sandbox_app(tmp_path), terminal_size=(140, 45), run_before=_deploy)


def test_editor_with_template(snap_compare, tmp_path):
    """The editor holding the Deployment template, highlighted, with the green ✓ valid line."""

    async def before(pilot):
        await wait_for_workspace(pilot)
        await pilot.press("f2")
        await pilot.pause()
        pilot.app.screen.query_one("#template").value = "Deployment"
        await pilot.pause()

    assert snap_compare(sandbox_app(tmp_path), terminal_size=(120, 40), run_before=before)


def test_help(snap_compare, tmp_path):
    """The help screen over the workspace: the key map tables."""
    assert snap_compare(sandbox_app(tmp_path), terminal_size=(120, 40), press=["f1"], run_before=_ready)
