"""The workspace: clock bar, panes in tabs, side panel, output log and the kubectl prompt."""

from __future__ import annotations

import gc
import shlex
import time
from typing import Any

from rich.markdown import Markdown
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane

from ...engine.timeutil import rfc3339
from ...kubectl.result import Stream
from ..bridge import ClusterBridge, Pacer
from ..cheatsheet import CHEAT_SHEET
from ..messages import ClusterChanged, CommandExecuted, ObjectAction, ObjectSelected, RunCommand
from ..panes import PANES, Pane, SchedulerPane
from ..session import CommandOutcome, Session
from ..widgets.output import OutputLog
from ..widgets.prompt import Prompt

TICK = 0.1
AUTOSAVE_EVERY = 5.0
TIME_ONLY_REFRESH = 1.0
# A cluster change is shown this long after it (not at the next tick): one frame at 60 fps, so the
# prompt's output is drawn before the panes re-read the cluster.
CHANGE_DELAY = 0.02
# Panes re-read the cluster at most this often (or every 4x the last refresh's cost, when that is longer).
MIN_REFRESH_INTERVAL = 0.05


class WorkspaceScreen(Screen[None]):
    """Where the learner works: everything reads the session's cluster; a timer paces virtual time."""

    BINDINGS = [
        Binding("f1", "app.help", "Help"),
        Binding("f2", "editor", "Editor"),
        Binding("f3", "toggle_pause", "Pause"),
        Binding("f4", "slower", "Slower"),
        Binding("f5", "faster", "Faster"),
        Binding("f6", "step", "Step"),
        Binding("f7", "fast_forward(60)", "+1m"),
        Binding("f8", "undo", "Undo"),
        Binding("f9", "toggle_side", "Notes"),
        Binding("ctrl+t", "next_tab", "Next pane"),
        Binding("escape", "toggle_focus", "Prompt/pane", show=False),
        Binding("ctrl+q", "app.quit", "Quit"),
    ]

    def __init__(
        self, session: Session, *, paused: bool = False, autosave: bool = True, lesson: Any = None
    ) -> None:
        super().__init__()
        self.session = session
        self.lesson = lesson  # a k8stutor.lessons.LessonRunner when a lesson is open
        self.bridge = ClusterBridge(session.cluster)
        self.pacer = Pacer(session.cluster, paused=paused)
        self.autosave_enabled = autosave and bool(session.autosave)
        self._last_tick = time.monotonic()
        self._last_refresh = 0.0
        self._refresh_cost = 0.0
        self._pending_refresh = False
        self._change_timer: Any = None
        self._refresh_timer: Any = None
        self._last_save = time.monotonic()
        self._changed_since_save = False
        self.refresh_count = 0
        self._clock_text = ""
        # The command still running at the prompt (get -w, rollout status, wait, logs -f), with its outcome so far.
        self.running: tuple[Stream, CommandOutcome] | None = None

    # ---- layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="clockbar")
        with Horizontal(id="main"):
            with TabbedContent(id="panes"):
                for pane_id, title, cls in PANES:
                    with TabPane(title, id=f"tab-{pane_id}"):
                        yield cls(id=f"pane-{pane_id}")
            with VerticalScroll(id="side"):
                if self.lesson is not None:
                    from ..lesson_panel import LessonPanel

                    yield LessonPanel(self.lesson, id="lesson-panel")
                else:
                    yield Static(Markdown(CHEAT_SHEET), id="cheatsheet")
        with Vertical(id="console"):
            yield OutputLog(id="output")
            yield Prompt(history=list(self.session.history), completer=self.session.completions, id="prompt")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(OutputLog).note(
            f"k8stutor sandbox — {self.session.cluster.preset_name} cluster, seed {self.session.cluster.seed}. "
            "Type kubectl commands below (alias k). F1 shows every key."
        )
        self.query_one(Prompt).focus()
        self._update_clock()
        self.refresh_panes(force=True)
        self.set_interval(TICK, self._tick, name="pacer")
        self.bridge.on_dirty = self._change_soon
        self._apply_compact(self.app.size.width, self.app.size.height)

    def on_resize(self, event: Any) -> None:
        self._apply_compact(event.size.width, event.size.height)

    def _apply_compact(self, width: int, height: int) -> None:
        self.set_class(width < 110, "-narrow")
        self.set_class(height < 30, "-short")

    # ---- time ------------------------------------------------------------------------------------
    def _tick(self) -> None:
        now = time.monotonic()
        dt, self._last_tick = now - self._last_tick, now
        moved = self.pacer.tick(dt)
        if self.running is not None:
            self.pump_stream()
        changed = self.bridge.take()
        if changed:
            self._changed_since_save = True
            self.session.dirty = True
        if changed or (moved and now - self._last_refresh >= TIME_ONLY_REFRESH) or self._pending_refresh:
            self.post_message(ClusterChanged(store_changed=changed))
        self._update_clock()
        if self.autosave_enabled and self._changed_since_save and now - self._last_save >= AUTOSAVE_EVERY:
            self._autosave()

    def _change_soon(self) -> None:
        """A change arrived (called inside the engine write): show it in a frame, not at the next tick."""
        if self._change_timer is None and self.is_attached:
            self._change_timer = self.set_timer(CHANGE_DELAY, self._show_change, name="change")

    def _show_change(self) -> None:
        self._change_timer = None
        if self.bridge.take():
            self._changed_since_save = True
            self.session.dirty = True
            self.post_message(ClusterChanged(store_changed=True))

    def _update_clock(self) -> None:
        c = self.session.cluster
        t = Text()
        t.append(" k8stutor ", style="bold reverse")
        t.append(f"  {c.preset_name} cluster  ", style="bold")
        t.append(rfc3339(c.now()).replace("T", " ").replace("Z", ""), style="bold cyan")
        t.append("   ")
        label_style = "bold yellow" if self.pacer.paused else "bold green"
        if self.session.can_undo():
            # The gap belongs to the label's span: a span that starts with spaces is drawn without them by
            # some renderers (and the ⏸ glyph is wide in many fonts), which printed "⏸ pausedF8 undo".
            t.append(self.pacer.label() + "   ", style=label_style)
            t.append("F8 undo", style="dim")
        else:
            t.append(self.pacer.label(), style=label_style)
        if t.plain != self._clock_text:
            self._clock_text = t.plain
            self.query_one("#clockbar", Static).update(t, layout=False)
        if self.has_class("-paused") != self.pacer.paused:
            self.set_class(self.pacer.paused, "-paused")

    def on_cluster_changed(self, message: ClusterChanged) -> None:
        self.refresh_panes()
        if self.lesson is not None:
            from ..lesson_panel import LessonPanel

            self.query_one(LessonPanel).refresh_goal()

    def refresh_panes(self, force: bool = False) -> None:
        """Re-read the cluster into the visible pane, no more often than its cost allows."""
        now = time.monotonic()
        wait = max(MIN_REFRESH_INTERVAL, self._refresh_cost * 4) - (now - self._last_refresh)
        if not force and wait > 0:
            # Throttled: the refresh happens when the interval is over (not at some later tick).
            self._pending_refresh = True
            if self._refresh_timer is None:
                self._refresh_timer = self.set_timer(wait, self._refresh_pending, name="refresh")
            return
        self._pending_refresh = False
        start = time.perf_counter()
        pane = self.active_pane()
        # A refresh allocates one small object per row; a full GC pass over 10,000 pods' dicts in the
        # middle of it would cost more than the refresh itself.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            if pane is not None:
                pane.refresh_from(self.session.cluster)
        finally:
            if gc_was_enabled:
                gc.enable()
        self._refresh_cost = time.perf_counter() - start
        self._last_refresh = time.monotonic()
        self.refresh_count += 1

    def _refresh_pending(self) -> None:
        self._refresh_timer = None
        if self._pending_refresh:
            self.refresh_panes()

    def active_pane(self) -> Pane | None:
        tabs = self.query_one(TabbedContent)
        active = tabs.active
        if not active:
            return None
        return self.query_one(f"#{active.replace('tab-', 'pane-')}", Pane)

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_panes(force=True)

    def _autosave(self) -> None:
        self._last_save = time.monotonic()
        self._changed_since_save = False
        try:
            self.session.save_now()
        except OSError as e:
            self.notify(f"autosave failed: {e.strerror}", severity="warning")

    # ---- prompt ----------------------------------------------------------------------------------
    @on(Prompt.CommandSubmitted)
    def _submitted(self, message: Prompt.CommandSubmitted) -> None:
        if self.running is not None:
            # One command at a time, as in a terminal: the line stays in the prompt for later.
            prompt = self.query_one(Prompt)
            prompt.value = message.line.split("\n")[0]
            prompt.cursor_position = len(prompt.value)
            self.notify("a command is still running: Ctrl+C (or Escape) stops it", severity="warning")
            return
        self.run_line(message.line)

    @on(Prompt.Interrupted)
    def _interrupted(self, message: Prompt.Interrupted) -> None:
        self.interrupt()

    # ---- a command that keeps running ---------------------------------------------------------------
    def start_stream(self, out: CommandOutcome) -> None:
        """Show what the command printed so far; the pacer's ticks then feed it until it ends or Ctrl+C."""
        self.query_one(OutputLog).show_outcome(out)
        self.running = (out.payload["stream"], out)
        prompt = self.query_one(Prompt)
        prompt.border_title = f"running: {out.line.splitlines()[0]}  (Ctrl+C stops)"
        prompt.busy = True
        self.set_class(True, "-running")
        self.pump_stream()

    def pump_stream(self) -> None:
        """Let the running command see what virtual time brought; print its new output."""
        if self.running is None:
            return
        stream, out = self.running
        stdout, stderr = stream.poll()
        self._stream_output(out, stdout, stderr)
        if stream.done:
            self._stream_ended(stream.exit_code)

    def interrupt(self) -> bool:
        """Ctrl+C / Escape: stop the running command; kubectl prints nothing more, the prompt is back."""
        if self.running is None:
            return False
        stream, out = self.running
        stdout, stderr = stream.cancel()
        self._stream_output(out, stdout, stderr)
        self.query_one(OutputLog).note("^C", style="dim")
        self._stream_ended(stream.exit_code)
        return True

    def _stream_output(self, out: CommandOutcome, stdout: str, stderr: str) -> None:
        if not (stdout or stderr):
            return
        out.stdout += stdout
        out.stderr += stderr
        self.query_one(OutputLog).show_outcome(CommandOutcome(out.line, stdout, stderr, 0))

    def _stream_ended(self, code: int) -> None:
        assert self.running is not None
        _stream, out = self.running
        self.running = None
        out.exit_code = code
        out.action = ""
        out.payload = {}
        prompt = self.query_one(Prompt)
        prompt.border_title = None
        prompt.busy = False
        self.set_class(False, "-running")
        if self.lesson is not None:
            from ..lesson_panel import after_command

            after_command(self, out)
        self.after_change()
        self.post_message(CommandExecuted(out))

    @on(Prompt.CompletionsShown)
    def _completions(self, message: Prompt.CompletionsShown) -> None:
        self.query_one(OutputLog).note("  ".join(message.candidates[:60]), style="cyan")

    def on_run_command(self, message: RunCommand) -> None:
        self.run_line(message.line)

    def run_line(self, line: str) -> CommandOutcome:
        """Run a command line as if typed at the prompt, and show what it printed."""
        log = self.query_one(OutputLog)
        if line.strip() in ("exit", "quit", "logout"):
            self.app.exit()
            return CommandOutcome(line, "", "", 0)
        if self.lesson is not None:
            from ..lesson_panel import handle_line

            if handle_line(self, line):
                return CommandOutcome(line, "", "", 0)
        log.show_command(line)
        out = self.session.run(line)
        if out.action == "clear":
            log.clear_all()
        elif out.action == "edit":
            self._open_edit(out)
        elif out.action == "exec":
            from .exec import ExecScreen

            self.app.push_screen(ExecScreen(self.session, **out.payload))
        elif out.action == "stream":
            self.start_stream(out)
            return out
        else:
            log.show_outcome(out)
            if line.split()[:2] == ["sim", "trace"]:
                self._animate_trace(line)
        if self.lesson is not None and not out.action:
            from ..lesson_panel import after_command

            after_command(self, out)
        self.after_change()
        self.post_message(CommandExecuted(out))
        return out

    def _animate_trace(self, line: str) -> None:
        """``sim trace FROM TO`` at the prompt also plays hop by hop in the Network pane."""
        from ..panes.network import NetworkPane

        try:
            argv = shlex.split(line)[2:]
        except ValueError:
            return
        if self.query_one(NetworkPane).start_trace(argv):
            self.query_one(TabbedContent).active = "tab-network"

    def show_outcome(self, out: CommandOutcome, echo: bool = True) -> None:
        """Show a command that ran elsewhere (the editor, the palette) in the log."""
        log = self.query_one(OutputLog)
        if echo:
            log.show_command(out.line)
        log.show_outcome(out)
        self.after_change()
        self.post_message(CommandExecuted(out))

    def after_change(self) -> None:
        """The panes re-read the cluster a frame later (``CHANGE_DELAY``); the output shows first."""
        self.bridge.mark()
        self._update_clock()

    def _open_edit(self, out: CommandOutcome) -> None:
        from .editor import EditorScreen

        texts: list[str] = out.payload["texts"]
        line: str = out.payload["line"]

        def done(result: str | None) -> None:
            final = self.session.finish_edit(line, [result] if result is not None else [None])
            self.show_outcome(final, echo=False)

        self.app.push_screen(EditorScreen(self.session, texts[0], mode="edit", title=line), done)

    # ---- panes -----------------------------------------------------------------------------------
    def on_object_selected(self, message: ObjectSelected) -> None:
        if message.resource == "pods":
            from ..panes.network import NetworkPane

            self.query_one(NetworkPane).pick_pod(message.namespace, message.name)
            sched = self.query_one(SchedulerPane)
            sched.pod = (message.namespace, message.name)
            if self.query_one(TabbedContent).active == "tab-scheduler":
                sched.refresh_from(self.session.cluster)

    def on_object_action(self, message: ObjectAction) -> None:
        self.object_action(message.action, message.resource, message.namespace, message.name)

    def object_action(self, action: str, resource: str, namespace: str, name: str) -> None:
        """Describe/YAML open the detail screen; the rest run (or prefill) the kubectl command they mean."""
        rt = self.session.cluster.registry.resolve(resource.split(".")[0])
        if rt is None:
            return
        ref = f"{rt.kind_prefix}/{name}"
        ns = f" -n {shlex.quote(namespace)}" if namespace and rt.namespaced else ""
        if action in ("describe", "yaml"):
            from .detail import DetailScreen

            def after(result: str | None) -> None:
                if result:
                    self.object_action(result, resource, namespace, name)

            self.app.push_screen(DetailScreen(self.session, rt, namespace, name, tab=action), after)
        elif action == "delete":
            self.run_line(f"kubectl delete {ref}{ns}")
        elif action == "edit":
            self.run_line(f"kubectl edit {ref}{ns}")
        elif action == "logs" and resource == "pods":
            self.run_line(f"kubectl logs {name}{ns}")
        elif action == "exec" and resource == "pods":
            self.run_line(f"kubectl exec -it {name}{ns} -- sh")
        elif action == "scale":
            prompt = self.query_one(Prompt)
            prompt.value = f"kubectl scale {ref}{ns} --replicas="
            prompt.cursor_position = len(prompt.value)
            prompt.focus()
        else:
            self.notify(f"{action} does not apply to {rt.kind}", severity="warning")

    # ---- actions ---------------------------------------------------------------------------------
    def action_editor(self) -> None:
        from .editor import EditorScreen

        self.app.push_screen(EditorScreen(self.session, "", mode="new"))

    def action_toggle_pause(self) -> None:
        self.pacer.toggle()
        self._update_clock()

    def action_slower(self) -> None:
        self.pacer.slower()
        self._update_clock()

    def action_faster(self) -> None:
        self.pacer.faster()
        self._update_clock()

    def action_step(self) -> None:
        moved = self.pacer.step()
        self.query_one(OutputLog).note(f"stepped {moved:g}s to the next event")
        self.pump_stream()
        self.after_change()

    def action_fast_forward(self, seconds: float) -> None:
        self.pacer.fast_forward(float(seconds))
        self.query_one(OutputLog).note(f"fast-forwarded {float(seconds):g}s")
        self.pump_stream()
        self.after_change()

    def action_undo(self) -> None:
        line = self.session.undo()
        log = self.query_one(OutputLog)
        if line is None:
            log.note("nothing to undo")
        else:
            log.note(f"undone: {line.splitlines()[0]} (the cluster is back to the state before it)")
        self.after_change()

    def action_toggle_side(self) -> None:
        self.toggle_class("-hide-side")

    def action_next_tab(self) -> None:
        tabs = self.query_one(TabbedContent)
        ids = [f"tab-{p[0]}" for p in PANES]
        i = ids.index(tabs.active) if tabs.active in ids else -1
        tabs.active = ids[(i + 1) % len(ids)]

    def action_toggle_focus(self) -> None:
        if self.interrupt():
            return
        prompt = self.query_one(Prompt)
        if prompt.has_focus:
            pane = self.active_pane()
            if pane is not None:
                target = pane.query("RowList")
                (target.first() if target else pane).focus()
        else:
            prompt.focus()

    def reset_cluster(self) -> None:
        self.session.reset()
        self.query_one(OutputLog).note("the cluster was reset to a fresh one")
        self.after_change()

    def node_power(self, node: str, up: bool) -> None:
        self.run_line(f"sim node {'up' if up else 'down'} {node}")

    def on_unmount(self) -> None:
        if self.running is not None:
            self.running[0].cancel()
            self.running = None
        self.bridge.close()
        if self.autosave_enabled:
            try:
                self.session.save_now()
            except OSError:
                pass
