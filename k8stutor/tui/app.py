"""The k8stutor Textual app: welcome screen, then the workspace around one sandbox session."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from .screens.loading import LoadingScreen

if TYPE_CHECKING:
    from .screens.welcome import WelcomeScreen
    from .screens.workspace import WorkspaceScreen
    from .session import Session

# The first frame must not wait for the engine: the workspace, the session (and with them the whole engine
# and kubectl) are imported only once the loading screen has been drawn.


class K8sTutorApp(App[None]):
    """Textual app; build it with ``make_app``."""

    CSS_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "app.tcss")
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
        lesson: str | None = None,
        serve: Any = None,
    ) -> None:
        super().__init__()
        self.lesson = lesson
        # ``ServeOptions`` for ``k8stutor sandbox --serve`` (tui/serving.py); the running server once started.
        self.serve = serve
        self.server: Any = None
        self.start = start
        self.preset = preset
        self.seed = seed
        self.state = state
        self.paused = paused
        self.autosave = autosave
        self.history = history
        self.cwd = cwd
        self.session: Session | None = None
        # Wall-clock moments (time.time()) of the first frame and of the workspace's first frame (bench/).
        self.first_frame_at = 0.0
        self.workspace_at = 0.0

    def on_ready(self) -> None:
        self.first_frame_at = time.time()

    def on_mount(self) -> None:
        if self.start == "sandbox":
            self.open_sandbox(self.preset, self.state)
        elif self.start == "lesson" and self.lesson:
            self.open_lesson(self.lesson)
        else:
            self.push_screen(self._welcome())

    def _welcome(self) -> WelcomeScreen:
        from .paths import autosave_path
        from .screens.welcome import WelcomeScreen

        return WelcomeScreen(autosave_path() if self.autosave else None)

    def open_sandbox(self, preset: str, state: str | None = None) -> None:
        """Show the loading screen now; build the session and the workspace after it has been drawn."""
        what = f"Opening {state}" if state else f"Building the {preset} cluster"
        self.switch_or_push(LoadingScreen(what))
        self.call_after_refresh(self.build_sandbox, preset, state)

    def build_sandbox(self, preset: str, state: str | None = None) -> bool:
        """Build the session (fresh preset, or a state file) and show the workspace."""
        from ..engine.cluster import StateFileError
        from .screens.workspace import WorkspaceScreen
        from .session import Session, autosave_path, data_dir

        save_to = autosave_path() if self.autosave else None
        try:
            self.session = Session.create(
                preset,
                self.seed,
                state,
                autosave=save_to,
                cwd=self.cwd,
                history_file=os.path.join(data_dir(), "tui_history") if self.history else None,
                # Served clusters start at the wall clock: real kubectl computes some ages client-side.
                epoch=time.time() if self.serve is not None else None,
            )
        except (StateFileError, OSError) as e:
            self.switch_or_push(self._welcome())
            self.notify(str(e), title="cannot open the sandbox", severity="error", timeout=10)
            return False
        if state and not os.path.exists(state):
            self.notify(f"{state} does not exist yet: starting a fresh {preset} cluster that saves there")
            self.session.autosave = state
        elif state:
            self.session.autosave = state if state != save_to else save_to
        self.switch_or_push(WorkspaceScreen(self.session, paused=self.paused, autosave=self.autosave))
        self.call_after_refresh(self._workspace_shown)
        if self.serve is not None and self.server is None:
            self.run_worker(self._start_serving(), name="serve", exclusive=True)
        return True

    async def _start_serving(self) -> None:
        """Serve the sandbox's cluster to real kubectl/helm; the lines go to the prompt's log."""
        from .serving import ServeError, start_serving
        from .widgets.output import OutputLog

        assert self.session is not None
        try:
            self.server, lines = await start_serving(self.session.cluster, self.serve)
        except ServeError as e:
            self.notify(str(e), title="k8stutor serve", severity="error", timeout=15)
            return
        try:
            log = self.screen.query_one(OutputLog)
        except Exception:  # noqa: BLE001 - the workspace is not on screen (yet): a notification then
            self.notify("\n".join(lines), title="k8stutor serve", timeout=30)
            return
        for line in lines:
            log.note(line, style="bold cyan" if line.startswith("  ") else "italic")

    async def on_unmount(self) -> None:
        if self.server is not None:
            await self.server.stop()
            self.server = None

    def _workspace_shown(self) -> None:
        self.workspace_at = time.time()

    def open_lesson(self, spec: str) -> bool:
        """Start (or resume) a lesson: its cluster, the workspace with the lesson panel."""
        from ..lessons import LessonNotFound, LessonRunner, PackError, ProgressStore, find_lesson
        from .paths import autosave_path, data_dir
        from .screens.welcome import WelcomeScreen
        from .screens.workspace import WorkspaceScreen
        from .session import Session

        try:
            store = ProgressStore()
            _pack, lesson = find_lesson(spec, store)
            runner = LessonRunner(lesson, progress=store, cwd=self.cwd or "/root")
            runner.start(resume=True)
        except (PackError, LessonNotFound) as e:
            if not self.screen_stack or len(self.screen_stack) <= 1:
                self.push_screen(WelcomeScreen(autosave_path() if self.autosave else None))
            self.notify(str(e), title="cannot open the lesson", severity="error", timeout=10)
            return False
        self.session = Session(
            runner.ws, history_file=os.path.join(data_dir(), "tui_history") if self.history else None
        )
        self.switch_or_push(WorkspaceScreen(self.session, paused=self.paused, autosave=False, lesson=runner))
        return True

    def on_lesson_picker_screen_lesson_chosen(self, message: Any) -> None:
        self.open_lesson(message.spec)

    def switch_or_push(self, screen: Screen[Any]) -> None:
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def on_welcome_screen_sandbox_requested(self, message: WelcomeScreen.SandboxRequested) -> None:
        self.open_sandbox(message.preset, message.state)

    def action_help(self) -> None:
        from .screens.help import HelpScreen

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
        from .screens.workspace import WorkspaceScreen

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
    lesson: str | None = None,
    serve: Any = None,
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
        lesson=lesson,
        serve=serve,
    )
