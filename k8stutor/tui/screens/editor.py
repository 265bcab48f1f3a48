"""The manifest editor: templates, live validation at the line, apply / server dry-run / diff, open / save.

In ``edit`` mode it is ``kubectl edit``'s editor: Apply hands the text back and kubectl applies it.
Files are read and written on the workstation (its in-memory layer over the start directory).
"""

from __future__ import annotations

import difflib
import json
import os
from typing import Any

from rich.syntax import Syntax
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, RichLog, Select, Static, TextArea

from ...engine.runtime.sh import VFSError
from ...kubectl.serialize import to_yaml
from ..session import CommandOutcome, Session
from ..validate import check, load_documents, plain
from ..widgets.yaml_area import YamlArea

# Template name → the kubectl command that prints it (the shapes `--dry-run=client -o yaml` produces).
TEMPLATES: dict[str, list[str]] = {
    "Deployment": ["create", "deployment", "web", "--image=nginx", "--replicas=3"],
    "Pod": ["run", "web", "--image=nginx"],
    "Service": ["create", "service", "clusterip", "web", "--tcp=80:80"],
    "ConfigMap": ["create", "configmap", "app-config", "--from-literal=greeting=hello"],
    "Secret": ["create", "secret", "generic", "app-secret", "--from-literal=password=s3cret"],
    "Job": ["create", "job", "hello", "--image=busybox", "--", "echo", "hello"],
    "CronJob": [
        "create",
        "cronjob",
        "hello",
        "--image=busybox",
        "--schedule=*/5 * * * *",
        "--",
        "echo",
        "hello",
    ],
    "Namespace": ["create", "namespace", "dev"],
}
VALIDATE_DELAY = 0.3


def template_text(session: Session, kind: str) -> str:
    """The manifest ``kubectl ... --dry-run=client -o yaml`` prints for a template."""
    argv = list(TEMPLATES[kind])
    extra = ["--dry-run=client", "-o", "yaml"]
    if "--" in argv:
        i = argv.index("--")
        argv = argv[:i] + extra + argv[i:]
    else:
        argv += extra
    res = session.ws.kubectl.run(argv)
    return res.stdout if res.exit_code == 0 else f"# {res.stderr}"


class EditorScreen(Screen[str | None]):
    """Edit YAML; the result of ``edit`` mode is the edited text (or None when cancelled)."""

    BINDINGS = [
        Binding("ctrl+s", "apply", "Apply"),
        Binding("f6", "dry_run", "Dry run"),
        Binding("f7", "diff", "Diff"),
        Binding("f8", "save_file", "Save file"),
        Binding("f9", "open_file", "Open file"),
        Binding("escape", "close", "Close", priority=True),
    ]

    def __init__(self, session: Session, text: str = "", mode: str = "new", title: str = "") -> None:
        super().__init__()
        self.session = session
        self.mode = mode
        self.initial = text
        self.title_text = title or ("kubectl edit" if mode == "edit" else "new manifest")
        self.problems: list[Any] = []
        self.last_outcome: CommandOutcome | None = None
        self._timer: Any = None

    def compose(self) -> ComposeResult:
        yield Static(Text(f" Editor — {self.title_text}", style="bold"), id="editor-title")
        with Horizontal(id="editor-bar"):
            if self.mode == "new":
                yield Select([(k, k) for k in TEMPLATES], prompt="template…", id="template", allow_blank=True)
            yield Input(placeholder="file on the workstation, e.g. web.yaml", id="filename")
        yield YamlArea(self.initial or "", id="yaml")
        yield Static("", id="validation")
        yield RichLog(id="editor-result", wrap=False, markup=False, max_lines=400)
        yield Footer()

    def on_mount(self) -> None:
        area = self.query_one(YamlArea)
        area.focus()
        self.validate_now()

    # ---- validation ------------------------------------------------------------------------------
    @on(TextArea.Changed)
    def _changed(self, event: TextArea.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(VALIDATE_DELAY, self.validate_now)

    def validate_now(self) -> None:
        """Check the text against the schema and the API server's validation; show errors at their line."""
        text = self._body()
        label = self.query_one("#validation", Static)
        if not text.strip():
            self.problems = []
            label.update(
                Text("empty — pick a template (F2 in the workspace opens a new manifest)", style="dim")
            )
            return
        c = self.session.cluster
        ns = self.session.ws.kubectl.config.current_namespace()
        self.problems = check(text, c.api, c.registry, ns)
        if not self.problems:
            label.update(Text("✓ valid for the v1.32 API (server-side validation)", style="green"))
            return
        t = Text()
        for p in self.problems[:4]:
            where = f"line {p.line + 1}: " if p.line is not None else ""
            t.append(f"✗ {where}{p.message}\n", style="red")
        label.update(t)

    def _body(self) -> str:
        text = self.query_one(YamlArea).text
        if self.mode == "edit":
            return "".join(ln for ln in text.splitlines(keepends=True) if not ln.lstrip().startswith("#"))
        return text

    # ---- templates and files ---------------------------------------------------------------------
    @on(Select.Changed, "#template")
    def _template(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.query_one(YamlArea).load_text(template_text(self.session, event.value))
            self.validate_now()

    def _path(self) -> str | None:
        name = self.query_one("#filename", Input).value.strip()
        if not name:
            self.notify("type a file name first", severity="warning")
            return None
        return name if os.path.isabs(name) else os.path.join(self.session.ws.cwd, name)

    def action_save_file(self) -> None:
        path = self._path()
        if path is None:
            return
        vfs = self.session.ws.vfs
        try:
            vfs.makedirs(os.path.dirname(path))
            vfs.write(path, self.query_one(YamlArea).text.encode())
        except VFSError as e:
            self._result(Text(f"cannot save {path}: {e}", style="red"))
            return
        self._result(
            Text(
                f"saved {path} on the workstation (kubectl apply -f {os.path.basename(path)} works at the "
                "prompt)",
                style="green",
            )
        )

    def action_open_file(self) -> None:
        path = self._path()
        if path is None:
            return
        try:
            data = self.session.ws.vfs.read(path)
        except VFSError as e:
            self._result(Text(f"cannot open {path}: {e}", style="red"))
            return
        self.query_one(YamlArea).load_text(data.decode("utf-8", "replace"))
        self.validate_now()

    # ---- apply, dry run, diff --------------------------------------------------------------------
    def _result(self, renderable: Any) -> None:
        log = self.query_one("#editor-result", RichLog)
        log.clear()
        log.write(renderable)

    def _show(self, out: CommandOutcome) -> None:
        t = Text()
        t.append("$ " + out.line + "\n", style="bold")
        if out.stdout:
            t.append(out.stdout.rstrip("\n") + "\n")
        if out.stderr:
            t.append(out.stderr.rstrip("\n"), style="red")
        self._result(t)

    def action_apply(self) -> None:
        text = self.query_one(YamlArea).text
        if self.mode == "edit":
            self.dismiss(text)
            return
        if not text.strip():
            self.notify("nothing to apply", severity="warning")
            return
        out = self.session.run_kubectl(
            ["apply", "-f", "-"], stdin=text.encode(), display="kubectl apply -f <editor>"
        )
        self.last_outcome = out
        self._show(out)
        ws = self._workspace()
        if ws is not None:
            ws.show_outcome(out)
        self.validate_now()

    def action_dry_run(self) -> None:
        text = self._body()
        out = self.session.run_kubectl(
            ["apply", "-f", "-", "--dry-run=server"],
            stdin=text.encode(),
            display="kubectl apply -f <editor> --dry-run=server",
        )
        self.last_outcome = out
        self._show(out)

    def action_diff(self) -> None:
        """Unified diff of the live objects against what a server-side dry-run apply would make of them."""
        text = self._body()
        try:
            docs = [plain(d) for d in load_documents(text)]
        except Exception as e:
            self._result(Text(f"cannot diff: {e}", style="red"))
            return
        api, reg = self.session.cluster.api, self.session.cluster.registry
        chunks: list[str] = []
        for doc in docs:
            rt = reg.by_gvk(str(doc.get("apiVersion", "")), str(doc.get("kind", "")))
            name = (doc.get("metadata") or {}).get("name", "")
            if rt is None or not name:
                continue
            ns = (doc.get("metadata") or {}).get(
                "namespace"
            ) or self.session.ws.kubectl.config.current_namespace()
            live = api.peek(rt, name, ns if rt.namespaced else None)
            res = self.session.ws.kubectl.run(
                ["apply", "-f", "-", "--dry-run=server", "-o", "json"], json.dumps(doc).encode()
            )
            if res.exit_code != 0:
                chunks.append(res.stderr)
                continue
            merged = json.loads(res.stdout)
            before = to_yaml(_for_diff(live)) if live else ""
            after = to_yaml(_for_diff(merged))
            label = f"{rt.kind_prefix}/{name}"
            chunks.extend(
                difflib.unified_diff(
                    before.splitlines(keepends=True),
                    after.splitlines(keepends=True),
                    f"live/{label}",
                    f"edited/{label}",
                )
            )
        self._result(
            Syntax(
                "".join(chunks) or "no differences\n", "diff", theme="ansi_dark", background_color="default"
            )
        )

    def action_close(self) -> None:
        self.dismiss(None)

    def _workspace(self) -> Any:
        from .workspace import WorkspaceScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, WorkspaceScreen):
                return screen
        return None


def _for_diff(obj: dict[str, Any]) -> dict[str, Any]:
    """Drop what always differs and teaches nothing (managedFields, resourceVersion, generation)."""
    out = dict(obj)
    meta = dict(out.get("metadata") or {})
    for k in ("managedFields", "resourceVersion", "generation"):
        meta.pop(k, None)
    out["metadata"] = meta
    return out
