"""``kubectl exec -it POD -- sh``: an interactive shell in a simulated container."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from ..session import CommandOutcome, Session
from ..widgets.output import OutputLog


class ExecScreen(Screen[None]):
    """Each line runs as ``kubectl exec POD -- sh -c LINE`` in the container's mini-shell; ``exit`` leaves."""

    BINDINGS = [Binding("escape", "dismiss", "Leave the shell")]

    def __init__(self, session: Session, pod: str, namespace: str = "", container: str = "") -> None:
        super().__init__()
        self.session = session
        self.pod = pod
        self.namespace = namespace
        self.container = container

    def compose(self) -> ComposeResult:
        where = f"{self.pod}" + (f" -n {self.namespace}" if self.namespace else "")
        yield Static(f" shell in pod {where} — type commands; `exit` or Esc leaves", id="exec-title")
        yield OutputLog(id="exec-output")
        yield Input(placeholder="# ", id="exec-input")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def run(self, line: str) -> CommandOutcome:
        """Run one line in the container."""
        argv = ["exec", self.pod]
        if self.namespace:
            argv += ["-n", self.namespace]
        if self.container:
            argv += ["-c", self.container]
        argv += ["--", "sh", "-c", line]
        return self.session.run_kubectl(argv, display=line)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        line = event.value
        event.input.value = ""
        if line.strip() == "exit":
            self.dismiss()
            return
        log = self.query_one(OutputLog)
        log.show_command(line)
        log.show_outcome(self.run(line))
