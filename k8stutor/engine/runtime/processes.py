"""Container processes in virtual time.

A container's main process (its entrypoint/cmd, or the pod's command/args) runs in the mini-shell on a private
copy of the container filesystem. Every effect — a line of output, a file written or removed, a port opened,
memory allocated, the exit — is recorded with the virtual offset (seconds since start) at which it happened,
because ``sleep`` only moves that offset. The runtime then applies the effects to the live container at those
instants, so an exec probe at t=35s sees what the process had done by then. A process that is still running at
the horizon is simply "running": it runs in its own greenlet (``ProcessRunner``) and is paused there — at a
``sleep`` that ends past the horizon, or before a network command whose answer lies in the future, or before
it reads a configMap/secret/downwardAPI/projected volume (mounted live, not copied: the kubelet rewrites those
files) — and resumed at the same point when virtual time gets there. Same determinism as one straight run: no threads, no
wall clock; the engine decides when a paused process goes on.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar, overload

import greenlet
import yaml

from ..timeutil import EPOCH
from .images import Image, parse_bytes
from .sh import VFS, Shell, ShellLimitExceeded
from .sh.builtins import strftime
from .sh.interp import IO, CommandContext, ExitShell, InStream, Writer, _LoopControl, _Return
from .sh.vfs import HookedMount

FOREVER = 10 * 365 * 86400.0
NET_QUANTUM = 1.0
OOM_EXIT = 137


class _Horizon(BaseException):
    """Raised by the sleep hook when the process reaches the end of the simulated window."""


class _Killed(BaseException):
    """The process was OOM-killed."""


@dataclass
class Effect:
    """One thing a process did at ``at`` seconds after it started."""

    at: float
    kind: str  # out | err | fs | listen | mem
    data: Any


@dataclass
class ProcessRun:
    """The simulated life of a process up to ``horizon``."""

    effects: list[Effect] = field(default_factory=list)
    exit_code: int | None = None  # None: still running at the horizon
    exit_at: float = 0.0
    oom: bool = False
    horizon: float = 0.0
    start_error: str = ""
    # stopped at ``horizon`` before a network command whose answer lies in the future, or before a read of a
    # volume the kubelet keeps current (configMap/secret/...): resumed exactly when virtual time gets there
    suspended: bool = False
    fresh: int = 0  # index of the first effect recorded by the latest ``ProcessRunner.advance``


class _TimedWriter(Writer):
    def __init__(self, shell: Shell, stream: str, sink: list[Effect], now: Callable[[], float]) -> None:
        super().__init__(shell)
        self.stream = stream
        self.sink = sink
        self.now = now

    def _put(self, b: bytes) -> None:
        self.data += b
        self.sink.append(Effect(self.now(), self.stream, b))


class JournalVFS(VFS):
    """A VFS that records its top-level mutations with the owning process's virtual offset."""

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        super().__init__(clock)
        self.journal: list[Effect] | None = None
        self.offset: Callable[[], float] = lambda: 0.0
        self._depth = 0

    def _rec(self, op: str, *args: Any, **kw: Any) -> None:
        if self.journal is not None and self._depth == 0:
            self.journal.append(Effect(self.offset(), "fs", (op, args, kw)))

    def write(self, path: str, data: bytes, *, append: bool = False, mode: int = 0o644) -> None:
        """Write (journalled)."""
        self._depth += 1
        try:
            super().write(path, data, append=append, mode=mode)
        finally:
            self._depth -= 1
        self._rec("write", path, data, append=append, mode=mode)

    def touch(self, path: str) -> None:
        """Touch (journalled)."""
        self._depth += 1
        try:
            super().touch(path)
        finally:
            self._depth -= 1
        self._rec("touch", path)

    def mkdir(self, path: str, *, parents: bool = False, mode: int = 0o755) -> None:
        """mkdir (journalled)."""
        self._depth += 1
        try:
            super().mkdir(path, parents=parents, mode=mode)
        finally:
            self._depth -= 1
        self._rec("mkdir", path, parents=parents, mode=mode)

    def remove(self, path: str, *, recursive: bool = False) -> None:
        """rm (journalled)."""
        self._depth += 1
        try:
            super().remove(path, recursive=recursive)
        finally:
            self._depth -= 1
        self._rec("remove", path, recursive=recursive)

    def symlink(self, target: str, path: str) -> None:
        """ln -s (journalled)."""
        self._depth += 1
        try:
            super().symlink(target, path)
        finally:
            self._depth -= 1
        self._rec("symlink", target, path)

    def rename(self, src: str, dst: str) -> None:
        """rename(2) (journalled)."""
        self._depth += 1
        try:
            super().rename(src, dst)
        finally:
            self._depth -= 1
        self._rec("rename", src, dst)

    def chmod(self, path: str, mode: int) -> None:
        """chmod (journalled)."""
        self._depth += 1
        try:
            super().chmod(path, mode)
        finally:
            self._depth -= 1
        self._rec("chmod", path, mode)


def apply_fs_effect(vfs: VFS, data: Any) -> None:
    """Replay one journalled filesystem change on the live container filesystem (errors are ignored)."""
    op, args, kw = data
    try:
        getattr(vfs, op)(*args, **kw)
    except OSError:
        pass


_FS = TypeVar("_FS", bound=VFS)


@overload
def build_rootfs(image: Image | None, subst: dict[str, str]) -> VFS: ...
@overload
def build_rootfs(image: Image | None, subst: dict[str, str], cls: type[_FS]) -> _FS: ...
def build_rootfs(image: Image | None, subst: dict[str, str], cls: type[VFS] = VFS) -> VFS:
    """A container filesystem from the image's files (``{hostname}``/``{tag}`` filled in)."""
    fs = cls()
    for d in ("/bin", "/etc", "/tmp", "/root", "/var", "/proc", "/dev", "/usr/bin", "/home"):
        fs.makedirs(d)
    files = dict(image.files) if image else {}
    files.setdefault("/etc/hostname", "{hostname}\n")
    files.setdefault(
        "/etc/hosts", "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n{pod_ip}\t{hostname}\n"
    )
    for path, content in files.items():
        text = content
        for k, v in subst.items():
            text = text.replace("{" + k + "}", v)
        d = path.rsplit("/", 1)[0] or "/"
        fs.makedirs(d)
        fs.write(path, text.encode())
    if image and image.workdir:
        fs.makedirs(image.workdir)
    return fs


def pi_digits(n: int) -> str:
    """π to ``n`` significant digits, rounded like Math::BigFloat's bpi(n): ``3.14159...``."""
    extra = 12
    prec = n + extra
    scale = 10**prec

    def arctan_inv(x: int) -> int:
        total = term = scale // x
        x2 = x * x
        k = 1
        sign = -1
        while term:
            term //= x2
            total += sign * (term // (2 * k + 1))
            sign = -sign
            k += 1
        return total

    pi = 4 * (4 * arctan_inv(5) - arctan_inv(239))  # Machin, scaled by 10**prec
    digits = str(pi)  # "31415..." with prec+1 digits
    head, nxt = int(digits[:n]), int(digits[n])
    s = str(head + (1 if nxt >= 5 else 0))
    return s[0] + "." + s[1:] if n > 1 else s


@dataclass
class ProcessSpec:
    """Everything needed to run a container's process."""

    argv: list[str]
    image: Image | None
    env: dict[str, str]
    hostname: str
    memory_limit: int | None = None
    working_dir: str = "/"
    pod_ip: str = ""
    start: float = EPOCH
    resolver: Callable[[str], str | None] | None = None
    # The live clock. When set, commands that ask the cluster (nslookup, wget, ...) only see the cluster as it
    # is now: the run suspends at the first such command later than ``now() + NET_QUANTUM`` and is re-run
    # from there when virtual time gets there, replaying the answers already given (``net_memo``).
    present: Callable[[], float] | None = None
    net_memo: list[tuple[bytes, bytes, int, float, list[Any]]] = field(default_factory=list)
    # Reads a file of the container's filesystem as it starts (its mounted volumes included): the start-up
    # log of an image with ``log_variants`` depends on it (kube-proxy's config.conf ``mode``).
    read_file: Callable[[str], str | None] | None = None


def _shell_for(
    spec: ProcessSpec,
    vfs: VFS,
    sink: list[Effect],
    offset: list[float],
    horizon: float,
    state: dict[str, Any],
) -> Shell:
    image = spec.image

    def now() -> float:
        return spec.start + offset[0]

    def sleep(seconds: float) -> None:
        pause = state.get("pause")
        while offset[0] + seconds > state.get("horizon", horizon):
            if pause is None:
                offset[0] = horizon
                raise _Horizon()
            pause("sleep", offset[0] + seconds)
        offset[0] += seconds

    cmds: dict[str, Any] = {}
    if image is not None:
        for name, kind in image.programs.items():
            fn = _program(kind, spec, sink, offset, state)
            if fn is not None:
                cmds[name] = fn
                cmds[name.rsplit("/", 1)[-1]] = fn
    if image is None or image.shell:
        cmds["nslookup"] = _nslookup(spec, image is not None and image.program("nslookup") == "bind9")
        net = getattr(spec.resolver, "commands", None)
        if net is not None:
            cmds.update(net(image))
        if spec.present is not None:
            for k in ("nslookup", "wget", "curl", "ping"):
                if k in cmds:
                    cmds[k] = _live(cmds[k], spec, offset, state)
    utilities: set[str] | None = None if (image is None or image.shell) else set()
    sh = Shell(
        vfs,
        cmds,
        spec.env,
        name="sh",
        clock=now,
        clock_sleep=sleep,
        cwd=spec.working_dir or "/",
        utilities=utilities,
        hostname=spec.hostname,
        max_steps=200_000,
        max_output=2_000_000,
    )
    return sh


def _program(
    kind: str, spec: ProcessSpec, sink: list[Effect], offset: list[float], state: dict[str, Any]
) -> Callable[[CommandContext], int] | None:
    image = spec.image
    assert image is not None

    def server(ctx: CommandContext) -> int:
        if ctx.argv[0].rsplit("/", 1)[-1] == "nginx" and ctx.argv[1:2] in (["-v"], ["-V"]):
            # `nginx -v`: the version line on stderr, then exit (the server itself is not started)
            ctx.stderr.write(f"nginx version: nginx/{spec.env.get('NGINX_VERSION') or '1.27.3'}\n")
            return 0
        if image.log:
            text = _format_log(
                log_template(image, spec.read_file), spec.start + offset[0] + image.startup, spec
            )
            ctx.stderr.write(text) if kind == "server" else None
        sink.append(Effect(offset[0] + image.startup, "listen", True))
        ctx.sleep(FOREVER)
        return 0

    def entrypoint(ctx: CommandContext) -> int:
        args = ctx.argv[1:]
        if args[:1] == ["--"]:  # dumb-init / tini style: `ENTRYPOINT ["/usr/bin/dumb-init", "--"]`
            args = args[1:]
        if not args:
            return 0
        found = ctx.shell.lookup(args[0])
        if found is None:
            ctx.stderr.write(f"{ctx.argv[0]}: exec: {args[0]}: not found\n")
            return 127
        return ctx.shell.run_command(args, ctx.io, {})

    def stress(ctx: CommandContext) -> int:
        args = ctx.argv[1:]
        vm, vm_bytes, cpu, timeout = 0, 256 * 1024 * 1024, 0, None
        i = 0
        while i < len(args):
            a = args[i]
            val = args[i + 1] if i + 1 < len(args) else ""
            if a in ("--vm", "-m"):
                vm = int(val or 0)
                i += 1
            elif a == "--vm-bytes":
                vm_bytes = parse_bytes(
                    val.replace("M", "Mi").replace("G", "Gi").replace("K", "Ki") if val[-1:] in "MGK" else val
                )
                i += 1
            elif a in ("--cpu", "-c"):
                cpu = int(val or 0)
                i += 1
            elif a in ("--timeout", "-t"):
                timeout = float(val.rstrip("s") or 0)
                i += 1
            elif a in ("--vm-hang", "--io", "-i", "--hdd", "-d"):
                i += 1
            i += 1
        ctx.stdout.write(f"stress: info: [1] dispatching hogs: {cpu} cpu, 0 io, {vm} vm, 0 hdd\n")
        use = image.memory + vm * vm_bytes
        sink.append(Effect(offset[0], "mem", use))
        if cpu:
            sink.append(Effect(offset[0], "cpu", cpu * 1000))
        if spec.memory_limit is not None and use > spec.memory_limit:
            state["oom"] = True
            raise _Killed()
        if timeout is not None:
            ctx.sleep(timeout)
            ctx.stdout.write(f"stress: info: [1] successful run completed in {int(timeout)}s\n")
            return 0
        ctx.sleep(FOREVER)
        return 0

    def perl(ctx: CommandContext) -> int:
        text = " ".join(ctx.argv[1:])
        m = re.search(r"bpi\((\d+)\)", text)
        if m:
            n = min(int(m.group(1)), 20000)
            ctx.sleep(min(5.0, 0.5 + n / 1000))
            ctx.stdout.write(pi_digits(n) + "\n")
            return 0
        m = re.search(r"print\s+[\"']([^\"']*)[\"']", text)
        if m:
            ctx.stdout.write(m.group(1).replace("\\n", "\n") + ("\n" if "-l" in text else ""))
        return 0

    def exit0(ctx: CommandContext) -> int:
        return 0

    table: dict[str, Callable[[CommandContext], int]] = {
        "server": server,
        "entrypoint": entrypoint,
        "stress": stress,
        "perl": perl,
        "exit0": exit0,
    }
    return table.get(kind)


@lru_cache(maxsize=256)
def _timed_log(template: str, ts: float) -> str:
    """The log template with its ``{time:FMT}`` fields filled in (cached: many pods start at the same instant)."""

    def repl(m: re.Match[str]) -> str:
        return strftime(m.group(1), ts)

    return re.sub(r"\{time:([^}]*)\}", repl, template)


def log_template(image: Image, read_file: Callable[[str], str | None] | None) -> str:
    """The image's start-up log template: the first ``log_variants`` entry whose ``when`` conditions all hold
    on the container's files (``file`` parsed as YAML; ``when`` maps a dotted key to the values it may have,
    "" standing for unset), else ``log``."""
    if not image.log_variants or read_file is None:
        return image.log
    docs: dict[str, dict[str, Any]] = {}
    for v in image.log_variants:
        path = str(v.get("file", ""))
        if path not in docs:
            try:
                text = read_file(path)
                doc = yaml.safe_load(text) if text else None
            except (yaml.YAMLError, OSError):
                doc = None
            docs[path] = doc if isinstance(doc, dict) else {}
        if all(
            _yaml_value(docs[path], str(key)) in [str(x) for x in values or [""]]
            for key, values in (v.get("when") or {}).items()
        ):
            return str(v.get("log", ""))
    return image.log


def _yaml_value(doc: dict[str, Any], dotted: str) -> str:
    """``ipvs.scheduler`` of a parsed YAML document as a string ("" when unset or null)."""
    node: Any = doc
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return "" if node is None else str(node)


def _format_log(template: str, ts: float, spec: ProcessSpec) -> str:
    return _timed_log(template, ts).replace("{pod_ip}", spec.pod_ip or "127.0.0.1")


def _live(
    fn: Callable[[CommandContext], int],
    spec: ProcessSpec,
    offset: list[float],
    state: dict[str, Any],
) -> Callable[[CommandContext], int]:
    """A network command that answers from the live cluster: a resumable process pauses until virtual time
    reaches the command; a one-shot run replays past answers and stops there."""
    assert spec.present is not None
    present = spec.present
    live_until = present() - spec.start + NET_QUANTUM

    def run(ctx: CommandContext) -> int:
        pause = state.get("pause")
        if pause is not None:
            # Not in the run that starts the container either: the pod has no IP until its status is written.
            while state.get("starting") or offset[0] > present() - spec.start + NET_QUANTUM:
                pause("net", offset[0])
        i = state.get("net_calls", 0)
        state["net_calls"] = i + 1
        if pause is None and i < len(spec.net_memo):
            out, err, code, took, fs_ops = spec.net_memo[i]
            if took:
                ctx.sleep(took)
            for op in fs_ops:
                apply_fs_effect(ctx.vfs, op)
        elif pause is None and offset[0] > live_until:
            state["suspend_at"] = offset[0]
            raise _Horizon()
        else:
            journal = getattr(ctx.vfs, "journal", None)
            n0 = len(journal) if journal is not None else 0
            t0 = offset[0]
            sub = IO(ctx.io.stdin, Writer(ctx.shell), Writer(ctx.shell))
            code = fn(CommandContext(ctx.shell, ctx.argv, sub, ctx.env))
            out, err = bytes(sub.stdout.data), bytes(sub.stderr.data)
            if pause is None:
                fs_ops = [e.data for e in journal[n0:] if e.kind == "fs"] if journal is not None else []
                spec.net_memo.append((out, err, code, offset[0] - t0, fs_ops))
        if out:
            ctx.stdout.write(out)
        if err:
            ctx.stderr.write(err)
        return code

    return run


def _nslookup(spec: ProcessSpec, bind9: bool = False) -> Callable[[CommandContext], int]:
    """``nslookup HOST``: BusyBox's, or (``bind9``) dnsutils' from BIND 9 (``ADDRESS#PORT``, no trailing
    blank line)."""

    def nslookup_bind9(ctx: CommandContext) -> int:
        names = [a for a in ctx.argv[1:] if not a.startswith("-")]
        if not names:
            ctx.stderr.write("Usage: nslookup [-opt ...] host\n")
            return 1
        name = names[0]
        ns = spec.env.get("POD_NAMESPACE", "default")
        ctx.stdout.write("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n")
        # The search list (ndots:5) in order; the answer names the first candidate that resolves.
        bare = name.rstrip(".")
        tries = [bare]
        if not name.endswith(".") and name.count(".") < 5:
            tries = [
                f"{bare}.{ns}.svc.cluster.local",
                f"{bare}.svc.cluster.local",
                f"{bare}.cluster.local",
                bare,
            ]
        for fq in tries:
            ip = spec.resolver(fq) if spec.resolver else None
            if ip is not None:
                ctx.stdout.write(f"Name:\t{fq}\nAddress: {ip}\n")
                return 0
        ctx.stdout.write(f"** server can't find {name}: NXDOMAIN\n\n")
        return 1

    def nslookup(ctx: CommandContext) -> int:
        if len(ctx.argv) < 2:
            ctx.stderr.write(
                "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
                "Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n"
            )
            return 1
        name = ctx.argv[1]
        ns = spec.env.get("POD_NAMESPACE", "default")
        ip = spec.resolver(name) if spec.resolver else None
        ctx.stdout.write("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n")
        fq = name if name.count(".") >= 4 else f"{name}.{ns}.svc.cluster.local"
        if ip is None:
            ctx.stdout.write(f"** server can't find {fq}: NXDOMAIN\n\n")
            return 1
        ctx.stdout.write(f"Name:\t{fq}\nAddress: {ip}\n\n")
        return 0

    return nslookup_bind9 if bind9 else nslookup


def server_fast_path(spec: ProcessSpec) -> ProcessRun | None:
    """A server started straight from its entrypoint (``nginx -g 'daemon off;'``) needs no shell: its whole life
    is "print the start-up log, listen, serve until stopped". Returns None for anything else."""
    image = spec.image
    if image is None or not spec.argv:
        return None
    argv = spec.argv
    kind = image.program(argv[0])
    if kind == "entrypoint" and len(argv) > 1:
        kind = image.program(argv[2] if argv[1] == "--" and len(argv) > 2 else argv[1])
    if kind != "server" or "-v" in argv or "-V" in argv:
        return None
    effects = []
    if image.log:
        text = _format_log(log_template(image, spec.read_file), spec.start + image.startup, spec)
        effects.append(Effect(0.0, "err", text.encode()))
    effects.append(Effect(image.startup, "listen", True))
    return ProcessRun(effects=effects, exit_code=None, horizon=FOREVER)


def run_process(spec: ProcessSpec, vfs: JournalVFS, horizon: float = 3600.0) -> ProcessRun:
    """Run the process on ``vfs`` (the private copy) until it exits or reaches ``horizon`` seconds."""
    sink: list[Effect] = []
    offset = [0.0]
    state: dict[str, Any] = {}
    vfs.journal = sink
    vfs.offset = lambda: offset[0]
    sh = _shell_for(spec, vfs, sink, offset, horizon, state)
    out = _TimedWriter(sh, "out", sink, lambda: offset[0])
    err = _TimedWriter(sh, "err", sink, lambda: offset[0])
    io = IO(InStream(b""), out, err)
    run = ProcessRun(horizon=horizon)
    argv = spec.argv
    if not argv:
        run.start_error = "no command specified"
        run.exit_code = 128
        return run
    if sh.lookup(argv[0]) is None:
        run.start_error = (
            "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create "
            "failed: unable to start container process: error during container init: exec: "
            f'"{argv[0]}": executable file not found in $PATH: unknown'
        )
        run.exit_code = 128
        return run
    try:
        code = sh.run_command(list(argv), io, {})
    except ExitShell as e:
        code = e.code
    except _Horizon:
        run.effects = sink
        vfs.journal = None
        if "suspend_at" in state:
            run.horizon = state["suspend_at"]
            run.suspended = True
        return run
    except _Killed:
        run.oom = True
        code = OOM_EXIT
    except ShellLimitExceeded as e:
        sink.append(Effect(offset[0], "err", (e.message + "\n").encode()))
        code = e.code
    except (_LoopControl, _Return):
        code = 0
    vfs.journal = None
    run.effects = sink
    run.exit_code = int(code) & 0xFF
    run.exit_at = offset[0]
    return run


class ProcessRunner:
    """A container's main process in its own greenlet, advanced in virtual time and resumed where it stopped.

    ``advance(horizon)`` runs the process until it exits, or pauses it at a ``sleep`` that ends past
    ``horizon`` seconds, or before a network command later than the live clock allows (``spec.present``), or
    before it reads a configMap/secret/downwardAPI/projected volume (a ``HookedMount`` of the live volume) while
    ahead of the live clock: it then reads the files as the kubelet has updated them by that instant.
    Effects accumulate in one ``ProcessRun``; ``run.fresh`` is where the latest advance's effects begin.
    """

    def __init__(self, spec: ProcessSpec, vfs: JournalVFS) -> None:
        self.spec = spec
        self.vfs = vfs
        self.run = ProcessRun()
        self._offset = [0.0]
        self._state: dict[str, Any] = {"horizon": 0.0, "pause": self._pause}
        self._sh: Shell | None = None
        self._io: IO | None = None
        self._g: greenlet.greenlet | None = None
        self._wake = 0.0
        self._net = False
        self.done = False

    @property
    def offset(self) -> float:
        """Seconds since start the process has got to."""
        return self._offset[0]

    def _pause(self, why: str, at: float) -> None:
        self._wake = at
        self._net = why != "sleep"
        g = self._g
        assert g is not None and g.parent is not None
        g.parent.switch()
        if self._sh is not None:
            # The step and output limits catch runaway loops between two waits, not a long life.
            self._sh._steps = 0
            self._sh._out_total = 0

    def _read_gate(self) -> None:
        """Before an access to a live-mounted volume: wait until virtual time reaches the process."""
        present = self.spec.present
        if present is None or self._state.get("pause") is None or greenlet.getcurrent() is not self._g:
            return
        while self._offset[0] > present() - self.spec.start + 1e-3:  # a millisecond early is "now"
            self._pause("read", self._offset[0])

    def _start(self) -> bool:
        spec, run = self.spec, self.run
        sink = run.effects
        self.vfs.journal = sink
        offset = self._offset
        self.vfs.offset = lambda: offset[0]
        if spec.present is not None:
            for fs, _ro in self.vfs.mounts().values():
                if isinstance(fs, HookedMount):
                    fs.hook = self._read_gate
        sh = _shell_for(spec, self.vfs, sink, offset, 0.0, self._state)
        self._sh = sh
        argv = spec.argv
        if not argv:
            run.start_error = "no command specified"
        elif sh.lookup(argv[0]) is None:
            run.start_error = (
                "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc "
                "create failed: unable to start container process: error during container init: exec: "
                f'"{argv[0]}": executable file not found in $PATH: unknown'
            )
        if run.start_error:
            run.exit_code = 128
            self._finish()
            return False
        self._io = IO(
            InStream(b""),
            _TimedWriter(sh, "out", sink, lambda: offset[0]),
            _TimedWriter(sh, "err", sink, lambda: offset[0]),
        )
        self._g = greenlet.greenlet(self._main)
        return True

    def _main(self) -> None:
        sh, io, run, offset = self._sh, self._io, self.run, self._offset
        assert sh is not None and io is not None
        try:
            code = sh.run_command(list(self.spec.argv), io, {})
        except ExitShell as e:
            code = e.code
        except _Killed:
            run.oom = True
            code = OOM_EXIT
        except ShellLimitExceeded as e:
            run.effects.append(Effect(offset[0], "err", (e.message + "\n").encode()))
            code = e.code
        except (_LoopControl, _Return):
            code = 0
        run.exit_code = int(code) & 0xFF
        run.exit_at = offset[0]

    def _finish(self) -> None:
        self.done = True
        self.vfs.journal = None
        self._g = None
        self._sh = None

    def advance(self, horizon: float) -> ProcessRun:
        """Let the process go on until ``horizon`` seconds after its start (or until it exits/pauses)."""
        run = self.run
        run.fresh = len(run.effects)
        if self.done:
            return run
        self._state["horizon"] = horizon
        self._state["starting"] = self._g is None and self.spec.present is not None
        if self._g is None and not self._start():
            return run
        g = self._g
        assert g is not None
        g.parent = greenlet.getcurrent()
        g.switch()
        if g.dead:
            self._finish()
            run.suspended = False
            run.horizon = horizon
            return run
        # paused: in a sleep ending at ``_wake`` (nothing happens before then), or before a network command
        run.suspended = self._net
        run.horizon = self._wake if self._net else max(horizon, self._wake)
        return run

    def close(self) -> None:
        """Drop a paused process (its container stopped): the greenlet unwinds without running on."""
        g = self._g
        self._finish()
        if g is not None and not g.dead:
            self._state["pause"] = None
            g.parent = greenlet.getcurrent()
            try:
                g.throw(greenlet.GreenletExit)
            except (greenlet.GreenletExit, _Horizon):
                pass


def exec_in(
    vfs: VFS,
    argv: list[str],
    image: Image | None,
    env: dict[str, str],
    hostname: str,
    now: float,
    resolver: Callable[[str], str | None] | None = None,
    working_dir: str = "/",
) -> tuple[bytes, bytes, int]:
    """Run a one-shot command in a live container (``kubectl exec``, exec probes, exec hooks)."""
    spec = ProcessSpec(argv, image, env, hostname, start=now, resolver=resolver, working_dir=working_dir)
    sink: list[Effect] = []
    offset = [0.0]
    sh = _shell_for(spec, vfs, sink, offset, 600.0, {})
    out = Writer(sh)
    err = Writer(sh)
    io = IO(InStream(b""), out, err)
    found = sh.lookup(argv[0]) if argv else None
    if found is None:
        raise FileNotFoundError(argv[0] if argv else "")
    try:
        code = sh.run_command(list(argv), io, {})
    except ExitShell as e:
        code = e.code
    except (_Horizon, _Killed):
        code = 0
    except ShellLimitExceeded as e:
        err.data += (e.message + "\n").encode()
        code = e.code
    except (_LoopControl, _Return):
        code = 0
    return bytes(out.data), bytes(err.data), int(code) & 0xFF


def command_line(container: dict[str, Any], image: Image | None) -> list[str]:
    """The argv a container runs: command/args override the image's entrypoint/cmd as Docker defines."""
    command = container.get("command")
    args = container.get("args")
    ep = list(image.entrypoint) if image else []
    cmd = list(image.cmd) if image else []
    if command:
        return list(command) + list(args or [])
    if args is not None and args:
        return ep + list(args)
    return ep + cmd


def shell_quote(argv: list[str]) -> str:
    """argv as one shell-quoted line (for crictl's COMMAND column)."""
    return " ".join(shlex.quote(a) for a in argv)
