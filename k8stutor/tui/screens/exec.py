"""``kubectl exec -it POD -- sh``: an interactive shell in a simulated container.

Each line runs through ``kubectl exec POD -- sh -c`` in the container's mini-shell (the runtime's ``exec_in``:
files written stay in the container); the screen carries the working directory from line to line, as an
interactive shell would, and shows the exit code of a failing command.
"""

from __future__ import annotations

import shlex

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from ..session import CommandOutcome, Session
from ..widgets.output import OutputLog

MARK = "\x1e"


def wrap_line(line: str, cwd: str) -> str:
    """The script that runs ``line`` in ``cwd`` and reports the new working directory and exit code."""
    return (
        f"cd {shlex.quote(cwd)} 2>/dev/null\n{line}\n__k8stutor_rc=$?\n"
        f'printf "{MARK}%s{MARK}%s" "$PWD" "$__k8stutor_rc"\n'
    )


def unwrap_output(stdout: str, cwd: str) -> tuple[str, str, int | None]:
    """(output, new cwd, exit code) from a wrapped run; the cwd is unchanged when the line left the shell."""
    head, sep, tail = stdout.rpartition(MARK)
    if not sep:
        return stdout, cwd, None
    out, sep2, new_cwd = head.rpartition(MARK)
    if not sep2:
        return stdout, cwd, None
    try:
        code = int(tail)
    except ValueError:
        code = None
    return out, new_cwd or cwd, code


class ExecScreen(Screen[None]):
    """A shell prompt in one container; ``exit``, Ctrl+D or Esc leaves."""

    BINDINGS = [
        Binding("escape", "dismiss", "Leave the shell"),
        Binding("ctrl+d", "dismiss", "Leave the shell", show=False),
    ]

    def __init__(
        self,
        session: Session,
        pod: str,
        namespace: str = "",
        container: str = "",
        shell: str = "sh",
        notice: str = "",
    ) -> None:
        super().__init__()
        self.session = session
        self.pod = pod
        self.namespace = namespace
        self.container = container
        self.shell = shell
        self.notice = notice
        self.cwd = "/"

    def compose(self) -> ComposeResult:
        where = f"{self.pod}" + (f" -n {self.namespace}" if self.namespace else "")
        where += f" -c {self.container}" if self.container else ""
        yield Static(
            f" {self.shell} in pod {where} — type commands; `exit`, Ctrl+D or Esc leaves", id="exec-title"
        )
        yield OutputLog(id="exec-output")
        yield Input(placeholder=self.prompt_text(), id="exec-input")
        yield Footer()

    def on_mount(self) -> None:
        if self.notice:
            self.query_one(OutputLog).note(self.notice.rstrip("\n"))
        self.query_one(Input).focus()

    def prompt_text(self) -> str:
        """The shell's prompt (root in the container, like the images' default user)."""
        return f"root@{self.pod}:{self.cwd}# "

    def run(self, line: str) -> CommandOutcome:
        """Run one line in the container (in the current working directory)."""
        argv = ["exec", self.pod]
        if self.namespace:
            argv += ["-n", self.namespace]
        if self.container:
            argv += ["-c", self.container]
        argv += ["--", self.shell, "-c", wrap_line(line, self.cwd)]
        out = self.session.run_kubectl(argv, display=line)
        text, self.cwd, code = unwrap_output(out.stdout, self.cwd)
        out.stdout = text
        if code:
            out.exit_code = code
        if self.notice and out.stderr.startswith(self.notice):
            out.stderr = out.stderr[len(self.notice) :]
        return out

    def on_input_submitted(self, event: Input.Submitted) -> None:
        line = event.value
        event.input.value = ""
        if line.strip() in ("exit", "logout"):
            self.dismiss()
            return
        log = self.query_one(OutputLog)
        log.note(self.prompt_text() + line, style="bold")
        if line.strip():
            log.show_outcome(self.run(line))
        event.input.placeholder = self.prompt_text()
