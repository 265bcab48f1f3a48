"""The k8stutor Textual app: welcome screen, then the workspace around one sandbox session."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from ..engine.cluster import StateFileError
from .screens.help import HelpScreen
from .screens.welcome import WelcomeScreen
from .screens.workspace import WorkspaceScreen
from .session import Session, autosave_path, data_dir


class K8sTutorApp(App[None]):
    """Textual app; build it with ``make_app``."""

    CSS_PATH = "app.tcss"
    TITLE = "k8stutor"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(
        self,
        *,
        start: str = "welcome",
        preset: str = "classroom",
        seed: int = 0,
        state: str | None = None,
        paused: bool = False,
        autosave: bool = True,
        history: bool = True,
        cwd: str | None = None,
    ) -> None:
        super().__init__()
        self.start = start
        self.preset = preset
        self.seed = seed
        self.state = state
        self.paused = paused
        self.autosave = autosave
        self.history = history
        self.cwd = cwd
        self.session: Session | None = None

    def on_mount(self) -> None:
        if self.start == "sandbox":
            self.open_sandbox(self.preset, self.state)
        else:
            self.push_screen(WelcomeScreen(autosave_path() if self.autosave else None))

    def open_sandbox(self, preset: str, state: str | None = None) -> bool:
        """Build the session (fresh preset, or a state file) and show the workspace."""
        save_to = autosave_path() if self.autosave else None
        try:
            self.session = Session.create(
                preset,
                self.seed,
                state,
                autosave=save_to,
                cwd=self.cwd,
                history_file=os.path.join(data_dir(), "tui_history") if self.history else None,
            )
        except (StateFileError, OSError) as e:
            if not self.screen_stack or len(self.screen_stack) <= 1:
                self.push_screen(WelcomeScreen(save_to))
            self.notify(str(e), title="cannot open the sandbox", severity="error", timeout=10)
            return False
        if state and not os.path.exists(state):
            self.notify(f"{state} does not exist yet: starting a fresh {preset} cluster that saves there")
            self.session.autosave = state
        elif state:
            self.session.autosave = state if state != save_to else save_to
        self.switch_or_push(WorkspaceScreen(self.session, paused=self.paused, autosave=self.autosave))
        return True

    def switch_or_push(self, screen: Screen[Any]) -> None:
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def on_welcome_screen_sandbox_requested(self, message: WelcomeScreen.SandboxRequested) -> None:
        self.open_sandbox(message.preset, message.state)

    def action_help(self) -> None:
        groups: list[tuple[str, list[Any]]] = []
        screen = self.screen
        groups.append(("This screen", [b for b in screen.BINDINGS if isinstance(b, Binding)]))
        from .panes.events import EventsPane
        from .panes.workloads import WorkloadsPane
        from .screens.editor import EditorScreen

        groups.append(("Workloads pane (when it has focus)", list(WorkloadsPane.BINDINGS)))
        groups.append(("Events pane", list(EventsPane.BINDINGS)))
        groups.append(("Editor", list(EditorScreen.BINDINGS)))
        self.push_screen(HelpScreen(groups))

    # ---- command palette -------------------------------------------------------------------------
    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if not isinstance(screen, WorkspaceScreen):
            return
        ws = screen
        cluster = ws.session.cluster
        for node in cluster.api.list_objects("nodes"):
            name = node["metadata"]["name"]
            yield SystemCommand(
                f"Node down: {name}",
                f"power off {name} (sim node down)",
                lambda n=name: ws.node_power(n, False),
            )
            yield SystemCommand(
                f"Node up: {name}", f"power on {name} (sim node up)", lambda n=name: ws.node_power(n, True)
            )
        yield SystemCommand("Undo the last command", "restore the snapshot taken before it", ws.action_undo)
        yield SystemCommand(
            "Reset the cluster", "a fresh cluster of the same preset and seed", ws.reset_cluster
        )
        yield SystemCommand(
            "Save a snapshot",
            "sim save snapshot.json (on the workstation)",
            lambda: ws.run_line("sim save snapshot.json"),
        )
        yield SystemCommand(
            "Load the snapshot", "sim load snapshot.json", lambda: ws.run_line("sim load snapshot.json")
        )
        yield SystemCommand("Pause / resume time", "F3", ws.action_toggle_pause)
        yield SystemCommand("Step to the next event", "F6", ws.action_step)
        for label, secs in (("1 minute", 60), ("5 minutes", 300), ("1 hour", 3600)):
            yield SystemCommand(
                f"Fast-forward {label}",
                f"advance virtual time by {label}",
                lambda s=secs: ws.action_fast_forward(s),
            )
        for speed in (0.5, 1, 2, 5, 10, 30, 60):
            yield SystemCommand(
                f"Speed {speed:g}x", "how fast virtual time runs", lambda s=speed: _set_speed(ws, s)
            )
        kill = getattr(cluster, "kill_container", None)
        for pod in cluster.api.list_objects("pods") if kill is not None else ():
            if pod.get("spec", {}).get("nodeName"):
                ns, name = pod["metadata"].get("namespace", ""), pod["metadata"]["name"]
                yield SystemCommand(
                    f"Kill container: {ns}/{name}",
                    "the kubelet restarts it",
                    lambda ns=ns, name=name: (kill(ns, name), ws.after_change()),
                )


def _set_speed(ws: WorkspaceScreen, speed: float) -> None:
    from .bridge import SPEEDS

    ws.pacer.speed_index = SPEEDS.index(float(speed))
    ws.pacer.paused = False
    ws._update_clock()


def make_app(
    start: str = "welcome",
    preset: str = "classroom",
    seed: int = 0,
    state: str | None = None,
    *,
    paused: bool = False,
    autosave: bool = True,
    history: bool = True,
    cwd: str | None = None,
) -> K8sTutorApp:
    """Build the app (the CLI, tests, snapshots and ``textual run --dev`` all use this)."""
    return K8sTutorApp(
        start=start,
        preset=preset,
        seed=seed,
        state=state,
        paused=paused,
        autosave=autosave,
        history=history,
        cwd=cwd,
    )
