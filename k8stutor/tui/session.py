"""The sandbox session behind the app: runs prompt lines on the workstation, keeps undo and history.

Everything here runs on the app's thread (the engine is single-threaded); nothing here imports textual.
"""

from __future__ import annotations

import os
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..engine.runtime.sh import ShResult
from ..hosts.completion import Completer
from ..hosts.shell import make_workstation, streamable
from ..hosts.workstation import Workstation
from ..kubectl.result import Stream
from .paths import autosave_path, data_dir

__all__ = ["CommandOutcome", "Session", "autosave_path", "data_dir", "shell_quote"]

HISTORY_LIMIT = 1000
UNDO_LIMIT = 20
EDITOR_PATH = "<editor>"


@dataclass
class CommandOutcome:
    """What one prompt line produced (rendered by the output log)."""

    line: str
    stdout: str
    stderr: str
    exit_code: int
    elapsed_ms: float = 0.0
    # Set when the line asks the front end to do something itself (open the editor, clear the log...).
    action: str = ""
    payload: dict[str, Any] = field(default_factory=dict)


def _edit_targets(argv: list[str]) -> bool:
    """True for ``kubectl edit ...`` (the TUI opens its own editor for it)."""
    words = [a for a in argv[1:] if not a.startswith("-")]
    return bool(argv) and argv[0] in ("kubectl", "k") and bool(words) and words[0] == "edit"


def _exec_shell(argv: list[str]) -> tuple[str, str, str] | None:
    """(pod, namespace, container) for ``kubectl exec -it POD [-n NS] [-c C] -- sh|bash``, else None.

    The shell's name is kept in ``exec_shell_name(argv)``."""
    if len(argv) < 4 or argv[0] not in ("kubectl", "k") or argv[1] != "exec" or "--" not in argv:
        return None
    i = argv.index("--")
    before, after = argv[2:i], argv[i + 1 :]
    if after not in (["sh"], ["bash"], ["/bin/sh"], ["/bin/bash"]):
        return None
    flags = {"-it", "-ti", "-i", "-t", "--stdin", "--tty"}
    if not any(a in flags for a in before):
        return None
    pod, ns, container = "", "", ""
    j = 0
    while j < len(before):
        a = before[j]
        if a in ("-n", "--namespace", "-c", "--container") and j + 1 < len(before):
            if a in ("-n", "--namespace"):
                ns = before[j + 1]
            else:
                container = before[j + 1]
            j += 2
            continue
        if a.startswith("--namespace="):
            ns = a.split("=", 1)[1]
        elif a.startswith("--container="):
            container = a.split("=", 1)[1]
        elif not a.startswith("-") and not pod:
            pod = a.removeprefix("pod/").removeprefix("pods/")
        j += 1
    return (pod, ns, container) if pod else None


class Session:
    """A workstation plus what the app adds around it: undo snapshots, history, autosave, editor hook."""

    def __init__(self, ws: Workstation, autosave: str | None = None, history_file: str | None = None) -> None:
        self.ws = ws
        self.completer = Completer(ws)
        self.autosave = autosave
        self.history_file = history_file
        self.history: list[str] = self._load_history()
        self._undo: list[tuple[str, dict[str, Any]]] = []
        self.dirty = False
        self.last_save = 0.0

    @classmethod
    def create(
        cls,
        preset: str = "classroom",
        seed: int = 0,
        state: str | None = None,
        autosave: str | None = None,
        history_file: str | None = None,
        cwd: str | None = None,
        epoch: float | None = None,
    ) -> Session:
        """Build a session from a preset or a state file (StateFileError when the file is bad)."""
        ws = make_workstation(preset, seed, state, cwd=cwd, epoch=epoch)
        return cls(ws, autosave=autosave, history_file=history_file)

    @property
    def cluster(self) -> Any:
        return self.ws.cluster

    # ---- history ---------------------------------------------------------------------------------
    def _load_history(self) -> list[str]:
        if not self.history_file or not os.path.exists(self.history_file):
            return []
        try:
            with open(self.history_file, encoding="utf-8") as fh:
                lines = [ln.rstrip("\n").replace("\\n", "\n") for ln in fh if ln.strip()]
        except OSError:
            return []
        return lines[-HISTORY_LIMIT:]

    def _remember(self, line: str) -> None:
        if self.history and self.history[-1] == line:
            return
        self.history.append(line)
        del self.history[:-HISTORY_LIMIT]
        if self.history_file:
            try:
                os.makedirs(os.path.dirname(self.history_file) or ".", exist_ok=True)
                with open(self.history_file, "a", encoding="utf-8") as fh:
                    fh.write(line.replace("\n", "\\n") + "\n")
            except OSError:
                pass

    # ---- running ---------------------------------------------------------------------------------
    def run(self, line: str) -> CommandOutcome:
        """Run one prompt line; front-end requests (clear, edit, exec -it) come back as ``action``."""
        line = line.rstrip("\n")
        if not line.strip():
            return CommandOutcome(line, "", "", 0)
        self._remember(line)
        stripped = line.strip()
        if stripped in ("clear", "reset"):
            return CommandOutcome(line, "", "", 0, action="clear")
        try:
            argv = shlex.split(stripped) if "\n" not in stripped else []
        except ValueError:
            argv = []
        if argv and _edit_targets(argv):
            return self._prepare_edit(line, argv)
        target = _exec_shell(argv) if argv else None
        if target is not None:
            return self._prepare_exec(line, argv, *target)
        return self._run_shell(line, stream=streamable(stripped))

    def _prepare_exec(self, line: str, argv: list[str], pod: str, ns: str, container: str) -> CommandOutcome:
        """``kubectl exec -it POD -- sh``: check the pod, container and shell first (kubectl's own errors),
        then ask the front end for the interactive shell screen."""
        shell = argv[argv.index("--") + 1]
        probe = ["exec", pod] + (["-n", ns] if ns else []) + (["-c", container] if container else [])
        try:
            res = self.ws.kubectl.run([*probe, "--", shell, "-c", ":"])
        except Exception as e:
            return CommandOutcome(line, "", f"k8stutor: internal error ({type(e).__name__}: {e})\n", 1)
        if res.exit_code != 0:
            return CommandOutcome(line, res.stdout, res.stderr, res.exit_code)
        payload = {"pod": pod, "namespace": ns, "container": container, "shell": shell, "notice": res.stderr}
        return CommandOutcome(line, "", "", 0, action="exec", payload=payload)

    def _run_shell(self, line: str, keep_history: bool = False, stream: bool = False) -> CommandOutcome:
        start = time.perf_counter()
        snap = self.cluster.snapshot()
        streams: list[Stream] = []
        if stream:
            self.ws.kubectl.on_stream = streams.append
        try:
            res = self._safe_run(line)
        finally:
            if stream:
                self.ws.kubectl.on_stream = None
        if self.cluster.store.revision != snap["store"]["revision"]:
            self._undo.append((line, snap))
            del self._undo[:-UNDO_LIMIT]
            self.dirty = True
        if keep_history is False and self.ws.history and self.ws.history[-1] == line:
            pass
        outcome = CommandOutcome(
            line,
            res.stdout.decode("utf-8", "replace"),
            res.stderr.decode("utf-8", "replace"),
            res.exit_code,
            (time.perf_counter() - start) * 1000,
        )
        if streams:
            # The command keeps running: the front end drives it as virtual time moves (Ctrl+C stops it).
            outcome.action = "stream"
            outcome.payload = {"stream": streams[-1]}
        return outcome

    def _safe_run(self, line: str) -> ShResult:
        try:
            return self.ws.run(line)
        except RecursionError:
            return ShResult(b"", b"k8stutor: the command nested too deeply and was stopped\n", 1)
        except Exception as e:  # one bad line never takes the session down
            return ShResult(
                b"",
                f"k8stutor: internal error while running this command ({type(e).__name__}: "
                f"{e}); please report it.\n".encode(),
                1,
            )

    def run_kubectl(self, argv: list[str], stdin: bytes = b"", display: str = "") -> CommandOutcome:
        """Run kubectl directly (the editor's apply); recorded for undo like a prompt line."""
        start = time.perf_counter()
        snap = self.cluster.snapshot()
        self.cluster.settle()
        try:
            res = self.ws.kubectl.run(argv, stdin)
        except Exception as e:
            return CommandOutcome(display, "", f"k8stutor: internal error ({type(e).__name__}: {e})\n", 1)
        self.cluster.settle()
        shown = display or "kubectl " + " ".join(shlex.quote(a) for a in argv)
        if self.cluster.store.revision != snap["store"]["revision"]:
            self._undo.append((shown, snap))
            del self._undo[:-UNDO_LIMIT]
            self.dirty = True
        return CommandOutcome(
            shown, res.stdout, res.stderr, res.exit_code, (time.perf_counter() - start) * 1000
        )

    # ---- kubectl edit ----------------------------------------------------------------------------
    def _prepare_edit(self, line: str, argv: list[str]) -> CommandOutcome:
        """First pass of ``kubectl edit``: capture the text kubectl would open, change nothing."""
        captured: list[str] = []

        def capture(text: str) -> str | None:
            captured.append(text)
            return None

        old = self.ws.kubectl.editor
        self.ws.kubectl.editor = capture
        try:
            res = self._safe_run(line)
        finally:
            self.ws.kubectl.editor = old
        if not captured:
            return CommandOutcome(
                line,
                "",
                res.stderr.decode("utf-8", "replace") or res.stdout.decode("utf-8", "replace"),
                res.exit_code or 1,
            )
        return CommandOutcome(line, "", "", 0, action="edit", payload={"texts": captured, "line": line})

    def finish_edit(self, line: str, edited: list[str | None]) -> CommandOutcome:
        """Second pass of ``kubectl edit``: kubectl re-reads the live objects and applies the edited texts."""
        queue = list(edited)

        def give(text: str) -> str | None:
            return queue.pop(0) if queue else None

        old = self.ws.kubectl.editor
        self.ws.kubectl.editor = give
        try:
            return self._run_shell(line)
        finally:
            self.ws.kubectl.editor = old

    # ---- undo, save ------------------------------------------------------------------------------
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> str | None:
        """Restore the snapshot taken before the last command that changed the cluster; returns that line."""
        if not self._undo:
            return None
        line, snap = self._undo.pop()
        self.cluster.restore(snap)
        self.cluster.settle()
        self.dirty = True
        return line

    def reset(self) -> None:
        """A fresh cluster of the same preset and seed (the workstation keeps its files)."""
        from ..engine.cluster import Cluster

        fresh = Cluster(self.cluster.preset_name, self.cluster.seed)
        self.cluster.restore(fresh.snapshot())
        self.cluster.settle()
        self._undo.clear()
        self.dirty = True

    def save_now(self, path: str | None = None) -> str | None:
        """Save the cluster atomically (to ``path`` or the autosave file); returns the path or None."""
        target = path or self.autosave
        if not target:
            return None
        self.ws.save(target)
        self.dirty = False
        self.last_save = time.monotonic()
        return target

    def completions(self, line: str) -> list[str]:
        """Tab completion candidates for the prompt (the shell's completion source)."""
        try:
            return self.completer.candidates(line)
        except Exception:
            return []


def shell_quote(words: list[str]) -> str:
    """Join words into a command line the mini-shell reads back the same."""
    return " ".join(shlex.quote(w) for w in words)


Hook = Callable[[CommandOutcome], None]
