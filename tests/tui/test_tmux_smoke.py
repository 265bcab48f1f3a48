"""Smoke test of the real terminal app in tmux: welcome → sandbox → kubectl at the prompt → quit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, timeout=10).stdout


def _wait_for(session: str, text: str, timeout: float = 20.0) -> str:
    """Poll the pane until ``text`` shows (condition wait, not a fixed sleep)."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _tmux("capture-pane", "-p", "-t", session)
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared; screen was:\n{screen}")


def test_real_terminal_session(tmp_path):
    session = f"k8stutor-{uuid.uuid4().hex[:8]}"
    env = f"env -u COLUMNS -u LINES K8STUTOR_DATA_DIR={tmp_path} TERM=xterm-256color"
    cmd = f"cd {tmp_path} && {env} {sys.executable} -m k8stutor"
    _tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", "sh")
    _tmux("send-keys", "-t", session, "-l", f"exec sh -c '{cmd}'")
    _tmux("send-keys", "-t", session, "Enter")
    try:
        _wait_for(session, "Sandbox: classroom")
        _tmux("send-keys", "-t", session, "Enter")
        _wait_for(session, "k8stutor sandbox")
        _tmux("send-keys", "-t", session, "-l", "kubectl get nodes")
        _tmux("send-keys", "-t", session, "Enter")
        screen = _wait_for(session, "k8s-node02     Ready")
        assert "k8s-master01   Ready    control-plane" in screen
        assert _tmux("display", "-p", "-t", session, "#{window_width}x#{window_height}").strip() == "120x40"
        for key in ("Help", "Editor", "Pause", "Undo"):
            assert key in screen  # the footer names every action
        _tmux("send-keys", "-t", session, "F1")
        _wait_for(session, "Keys")  # the help screen's key map
        _tmux("send-keys", "-t", session, "Escape")
        _tmux("send-keys", "-t", session, "C-q")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and session in _tmux("list-sessions", "-F", "#{session_name}"):
            time.sleep(0.1)
        assert session not in _tmux("list-sessions", "-F", "#{session_name}")
        assert os.path.exists(tmp_path / "sandbox-autosave.json")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
