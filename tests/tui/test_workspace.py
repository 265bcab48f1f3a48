"""Pilot tests of the workspace: welcome → sandbox, editor → Deployment, panes, time controls, autosave."""

from __future__ import annotations

import os

from textual.widgets import OptionList, TabbedContent

from k8stutor.tui.bridge import SPEEDS, Pacer
from k8stutor.tui.panes.cluster import chip_status, node_ready
from k8stutor.tui.panes.scheduler import UNAVAILABLE, SchedulerPane
from k8stutor.tui.panes.workloads import WorkloadsPane
from k8stutor.tui.screens.detail import DetailScreen
from k8stutor.tui.screens.editor import EditorScreen
from k8stutor.tui.screens.help import HelpScreen
from k8stutor.tui.screens.welcome import WelcomeScreen
from k8stutor.tui.screens.workspace import WorkspaceScreen
from k8stutor.tui.widgets.output import OutputLog
from k8stutor.tui.widgets.rowlist import RowList

from .conftest import sandbox_app, wait_for_workspace
from .test_prompt import type_line


async def test_welcome_opens_the_sandbox(tmp_path):
    """The welcome screen lists the presets; choosing classroom opens the workspace on that cluster."""
    from k8stutor.tui.app import make_app

    app = make_app(paused=True, autosave=False, history=False, cwd=str(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        menu = app.screen.query_one(OptionList)
        ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
        assert "preset:classroom" in ids and "quit" in ids
        menu.highlighted = ids.index("preset:classroom")
        await pilot.press("enter")
        await wait_for_workspace(pilot)
        assert isinstance(app.screen, WorkspaceScreen)
        assert app.session.cluster.preset_name == "classroom"


async def test_editor_template_creates_a_deployment_seen_in_workloads(tmp_path):
    """F2 → Deployment template → Ctrl+S: kubectl's `created` line, and the Workloads tree shows it."""
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        ws = app.screen
        await pilot.press("f2")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        editor.query_one("#template").value = "Deployment"
        await pilot.pause()
        text = editor.query_one("#yaml").text
        assert text.startswith("apiVersion: apps/v1\nkind: Deployment\n")
        assert "✓ valid" in str(editor.query_one("#validation").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert editor.last_outcome.stdout == "deployment.apps/web created\n"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is ws
        assert "deployment.apps/web created" in ws.query_one(OutputLog).text()
        ws.query_one(TabbedContent).active = "tab-workloads"
        await pilot.pause()
        keys = [r.key for r in ws.query_one(WorkloadsPane).query_one(RowList).rows]
        assert ("deployments.apps", "default", "web") in keys


async def test_editor_shows_validation_error_at_its_line(tmp_path):
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        editor = app.screen
        editor.query_one("#yaml").load_text(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
            "  - name: c\n    image: nginx\n    bogus: 1\n"
        )
        editor.validate_now()
        assert editor.problems[0].line == 8
        assert 'unknown field "spec.containers[0].bogus"' in editor.problems[0].message


async def test_patch_scale_then_undo_and_workloads_follow(tmp_path):
    """Scaling from the prompt changes the object the pane reads; undo brings the old spec back."""
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await type_line(pilot, "kubectl create deployment web --image=nginx --replicas=2")
        await type_line(pilot, 'kubectl patch deployment web -p \'{"spec":{"replicas":5}}\'')
        api = app.session.cluster.api
        assert api.peek("deployments.apps", "web", "default")["spec"]["replicas"] == 5
        await pilot.press("f8")
        await pilot.pause()
        assert api.peek("deployments.apps", "web", "default")["spec"]["replicas"] == 2


async def test_time_controls(tmp_path):
    """F3 pauses/resumes, F4/F5 change speed, F6 steps to the next timer, F7 fast-forwards a minute."""
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        ws = app.screen
        clock = app.session.cluster.clock
        assert ws.pacer.paused
        await pilot.press("f3")
        assert not ws.pacer.paused
        await pilot.press("f3")
        await pilot.press("f5")
        assert ws.pacer.speed == 2.0
        await pilot.press("f4", "f4")
        assert ws.pacer.speed == 0.5
        t0 = clock.now()
        await pilot.press("f7")
        await pilot.pause()
        assert clock.now() == t0 + 60
        assert "⏸" in str(ws.query_one("#clockbar").render())


def test_pacer_maps_wall_time_to_virtual_time():
    class FakeCluster:
        def __init__(self):
            self.moved = 0.0

        def advance(self, dt):
            self.moved += dt

    c = FakeCluster()
    p = Pacer(c)
    assert p.tick(0.1) == 0.1
    p.speed_index = SPEEDS.index(60.0)
    assert p.tick(0.1) == 6.0
    assert p.tick(10.0) == 0.25 * 60  # a stalled frame never becomes a time jump
    p.toggle()
    assert p.tick(0.1) == 0.0 and p.label() == "⏸ paused"


async def test_cluster_pane_shows_nodes_and_the_scheduler_pane_explains(tmp_path):
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        ws = app.screen
        body = str(ws.query_one("#cluster-summary").render())
        assert "3 nodes (0 not ready)" in body
        await type_line(pilot, "kubectl run lonely --image=nginx")
        ws.query_one(TabbedContent).active = "tab-scheduler"
        ws.query_one(SchedulerPane).pod = ("default", "lonely")
        ws.refresh_panes(force=True)
        await pilot.pause()
        # What the pane shows, rendered to plain text.
        from rich.console import Console

        from k8stutor.tui.panes.scheduler import trace_renderable

        sched = getattr(app.session.cluster, "scheduler", None)
        trace = sched.trace_for("default", "lonely") if sched is not None else None
        console = Console(width=140, record=True, file=open(os.devnull, "w"))
        console.print(trace_renderable(("default", "lonely"), trace, sched is not None))
        text = console.export_text()
        if sched is None:
            assert UNAVAILABLE in text
        else:
            assert "pod default/lonely  Scheduled → k8s-node0" in text
            assert "node(s) had untolerated taint" in text  # the master, filtered out by TaintToleration


def test_node_and_pod_status_helpers():
    node = {"status": {"conditions": [{"type": "Ready", "status": "False"}]}}
    assert node_ready(node) == "NotReady"
    pod = {
        "metadata": {"name": "p"},
        "status": {
            "phase": "Running",
            "containerStatuses": [{"state": {"waiting": {"reason": "CrashLoopBackOff"}}}],
        },
    }
    assert chip_status(pod) == "CrashLoopBackOff"
    assert chip_status({"metadata": {"name": "p", "deletionTimestamp": "x"}}) == "Terminating"


async def test_describe_from_the_workloads_pane(tmp_path):
    """Enter on a pod opens its `kubectl describe`; `d` there deletes it through the prompt."""
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await type_line(pilot, "kubectl run web --image=nginx")
        ws = app.screen
        ws.query_one(TabbedContent).active = "tab-workloads"
        await pilot.pause()
        rows = ws.query_one("#wl-rows", RowList)
        assert rows.select_key(("pods", "default", "web"))
        rows.focus()
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        assert "Name:             web" in str(detail.query_one("#describe-body").render())
        await pilot.press("d")
        await pilot.pause()
        assert app.screen is ws
        assert "$ kubectl delete pod/web" in ws.query_one(OutputLog).text()


async def test_help_lists_every_workspace_binding(tmp_path):
    """Every workspace action is in the footer, and the help screen lists them with the glossary."""
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        shown = {k for k, ab in app.screen.active_bindings.items() if ab.binding.show}
        for key in ("f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "ctrl+t"):
            assert key in shown
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one("#help-text")._markdown
        for desc in ("Editor", "Pause", "Undo", "Delete", "Scale", "Dry run", "# Glossary", "**Pod**"):
            assert desc in text


async def test_autosave_and_resume(tmp_path, data_dir):
    """The sandbox saves itself on exit; the welcome screen then offers to resume it."""
    from k8stutor.tui.app import make_app
    from k8stutor.tui.session import autosave_path

    app = make_app(start="sandbox", paused=True, autosave=True, history=True, cwd=str(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_workspace(pilot)
        await type_line(pilot, "kubectl create namespace kept")
    assert os.path.exists(autosave_path())
    app2 = make_app(paused=True, autosave=True, history=True, cwd=str(tmp_path))
    async with app2.run_test(size=(120, 40)) as pilot:
        menu = app2.screen.query_one(OptionList)
        assert menu.get_option_at_index(0).id == "resume"
        menu.highlighted = 0
        await pilot.press("enter")
        await wait_for_workspace(pilot)
        assert app2.session.cluster.api.peek("namespaces", "kept", None) is not None
        assert app2.screen.query_one("#prompt").history[-1] == "kubectl create namespace kept"


async def test_palette_has_simulator_actions(tmp_path):
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Node down: k8s-node02" in titles and "Undo the last command" in titles
        assert "Reset the cluster" in titles and "Save a snapshot" in titles
        down = next(c for c in app.get_system_commands(app.screen) if c.title == "Node down: k8s-node02")
        down.callback()
        await pilot.pause()
        text = app.screen.query_one(OutputLog).text()
        assert "$ sim node down k8s-node02" in text
