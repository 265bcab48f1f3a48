"""Pilot tests of the prompt: commands, history, completion, heredocs, clear, undo, kubectl edit."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from k8stutor.tui.messages import CommandExecuted
from k8stutor.tui.screens.editor import EditorScreen
from k8stutor.tui.widgets.output import OutputLog
from k8stutor.tui.widgets.prompt import Prompt, common_prefix

from .conftest import sandbox_app


async def type_line(pilot, line: str) -> None:
    prompt = pilot.app.screen.query_one(Prompt)
    prompt.value = line
    prompt.cursor_position = len(line)
    await pilot.press("enter")
    await pilot.pause()


async def test_get_nodes_prints_what_kubectl_prints(tmp_path):
    """The classroom cluster's nodes, in kubectl's table, reach the log and a CommandExecuted message."""
    seen: list[CommandExecuted] = []

    def hook(m):  # a message is seen once per node it bubbles through
        if isinstance(m, CommandExecuted) and all(m is not s for s in seen):
            seen.append(m)

    app = sandbox_app(tmp_path)
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        await type_line(pilot, "kubectl get nodes")
        text = app.screen.query_one(OutputLog).text()
    assert "$ kubectl get nodes" in text
    assert "NAME           STATUS   ROLES           AGE    VERSION" in text
    assert "k8s-master01   Ready    control-plane" in text
    assert [m.outcome.line for m in seen] == ["kubectl get nodes"]
    assert seen[0].outcome.exit_code == 0


async def test_alias_error_in_red_and_clear(tmp_path):
    """`k` is kubectl; an error keeps the session going; `clear` empties the log."""
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "k get pod nope")
        log = app.screen.query_one(OutputLog)
        assert 'Error from server (NotFound): pods "nope" not found' in log.text()
        await type_line(pilot, "clear")
        assert log.text() == ""


async def test_history_and_tab_completion(tmp_path):
    """↑ recalls the last command; Tab completes kinds and names from the live cluster."""
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "kubectl get ns")
        prompt = app.screen.query_one(Prompt)
        await pilot.press("up")
        assert prompt.value == "kubectl get ns"
        prompt.value = "kubectl get nod"
        prompt.cursor_position = len(prompt.value)
        await pilot.press("tab")
        assert prompt.value == "kubectl get nodes "
        await pilot.press(*"k8s-m")
        await pilot.press("tab")
        assert prompt.value == "kubectl get nodes k8s-master01 "


def test_common_prefix():
    assert common_prefix(["k8s-node01", "k8s-node02"]) == "k8s-node0"
    assert common_prefix([]) == ""


async def test_heredoc_spans_lines_then_applies(tmp_path):
    """A heredoc waits for its terminator, then `kubectl apply -f` reads the file it wrote."""
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        lines = [
            "cat <<EOF > cm.yaml",
            "apiVersion: v1",
            "kind: ConfigMap",
            "metadata:",
            "  name: web-config",
            "data:",
            "  greeting: hello",
            "EOF",
        ]
        prompt = app.screen.query_one(Prompt)
        for ln in lines[:-1]:
            await type_line(pilot, ln)
            assert prompt.continuing
        await type_line(pilot, lines[-1])
        assert not prompt.continuing
        await type_line(pilot, "kubectl apply -f cm.yaml")
        assert "configmap/web-config created" in app.screen.query_one(OutputLog).text()
        assert app.session.cluster.api.peek("configmaps", "web-config", "default")["data"] == {
            "greeting": "hello"
        }


async def test_ctrl_c_cancels_a_heredoc(tmp_path):
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "cat <<EOF > x")
        prompt = app.screen.query_one(Prompt)
        assert prompt.continuing
        await pilot.press("ctrl+c")
        assert not prompt.continuing and prompt.value == ""


async def test_undo_restores_the_state_before_the_command(tmp_path):
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "kubectl create namespace dev")
        api = app.session.cluster.api
        assert api.peek("namespaces", "dev", None) is not None
        await pilot.press("f8")
        await pilot.pause()
        assert api.peek("namespaces", "dev", None) is None
        assert "undone: kubectl create namespace dev" in app.screen.query_one(OutputLog).text()


async def test_kubectl_edit_opens_the_editor_and_applies(tmp_path):
    """`kubectl edit` shows kubectl's edit text in the editor; Ctrl+S applies it like kubectl would."""
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "kubectl create configmap app --from-literal=a=1")
        await type_line(pilot, "kubectl edit configmap app")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        area = editor.query_one("#yaml")
        assert area.text.startswith("# Please edit the object below.")
        area.load_text(area.text.replace('a: "1"', 'a: "2"'))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "configmap/app edited" in app.screen.query_one(OutputLog).text()
        assert app.session.cluster.api.peek("configmaps", "app", "default")["data"] == {"a": "2"}


async def test_kubectl_edit_cancelled(tmp_path):
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "kubectl edit namespace default")
        assert isinstance(app.screen, EditorScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert "Edit cancelled, no changes made." in app.screen.query_one(OutputLog).text()


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="real kubectl not installed")
async def test_yaml_output_matches_real_kubectl_generator(tmp_path):
    """`create deployment --dry-run=client -o yaml` at the prompt prints what real kubectl v1.32 prints."""
    argv = ["create", "deployment", "web", "--image=nginx", "--dry-run=client", "-o", "yaml"]
    real = subprocess.run(["kubectl", *argv], capture_output=True, text=True, timeout=20).stdout
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "kubectl " + " ".join(argv))
        text = app.screen.query_one(OutputLog).text()
    assert real.rstrip("\n") in text
