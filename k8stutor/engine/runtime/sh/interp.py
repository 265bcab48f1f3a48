"""The mini-shell interpreter: runs parsed scripts over a virtual filesystem and a caller-supplied command table.

It never touches the host: no files, processes, environment or threads. Time is virtual: `sleep` calls a hook.
Background jobs (`cmd &`) are parsed and run in the foreground, to completion, before the next command.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from k8stutor.engine.timeutil import EPOCH

from . import parser as p
from .lexer import Arith, CmdSub, Lit, Param, ShSyntaxError, Word, parse_word_parts
from .vfs import ENOENT, VFS, VFSError, normpath

Command = Callable[["CommandContext"], int]

STEP_LIMIT_EXIT = 124
OUTPUT_LIMIT_EXIT = 137
PIPE_BUFFER = 65536


# ----------------------------------------------------------------------------------------------------------
# Control flow and limits


class ShellLimitExceeded(Exception):
    """A resource limit (steps, output, recursion) stopped the script."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class ExitShell(Exception):
    """`exit N` (or set -e, or a fatal expansion error) ends the shell."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class _LoopControl(Exception):
    def __init__(self, kind: str, n: int) -> None:
        super().__init__(kind)
        self.kind = kind
        self.n = n


class _Return(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class ExpansionError(Exception):
    """An expansion failed (bad substitution, arithmetic error, ${x:?}); the message is printed as is."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# ----------------------------------------------------------------------------------------------------------
# Streams


class Writer:
    """An output stream: collects bytes in memory, charged against the shell's output cap."""

    # A script's own stdout and stderr share a log of (1|2, bytes) in write order (ShResult.chunks).
    log: list[tuple[int, bytes]] | None = None
    fd = 1

    def __init__(self, shell: Shell, cap: int | None = None) -> None:
        self.shell = shell
        self.data = bytearray()
        self.cap = cap

    def write(self, data: bytes | str) -> None:
        """Write bytes (str is UTF-8 encoded)."""
        b = data.encode() if isinstance(data, str) else bytes(data)
        if not b:
            return
        self.shell._charge(len(b))
        self._put(b)

    def _put(self, b: bytes) -> None:
        self.data += b
        if self.log is not None:
            self.log.append((self.fd, b))

    def room(self) -> int:
        """How many more bytes may be written before a limit is hit (pipe buffer or output cap)."""
        room = self.shell._output_room()
        if self.cap is not None:
            room = min(room, self.cap - len(self.data))
        return max(room, 0)


class NullWriter(Writer):
    """/dev/null."""

    def write(self, data: bytes | str) -> None:
        """Discard data."""

    def room(self) -> int:
        """Unbounded."""
        return PIPE_BUFFER


class FileWriter(Writer):
    """A redirection to a VFS file; each write appends to the file."""

    def __init__(self, shell: Shell, path: str) -> None:
        super().__init__(shell)
        self.path = path

    def _put(self, b: bytes) -> None:
        try:
            self.shell.vfs.write(self.path, b, append=True)
        except VFSError:
            pass


class InStream:
    """An input stream over bytes; `read` consumes lines, other commands see what remains."""

    def __init__(self, data: bytes = b"") -> None:
        self.data = data
        self.pos = 0

    def remaining(self) -> bytes:
        """The bytes not consumed yet."""
        return self.data[self.pos :] if self.pos else self.data

    def readline(self) -> bytes | None:
        """Consume and return one line (with its newline), or None at end of input."""
        if self.pos >= len(self.data):
            return None
        j = self.data.find(b"\n", self.pos)
        end = len(self.data) if j < 0 else j + 1
        line = self.data[self.pos : end]
        self.pos = end
        return line

    def consume(self) -> None:
        """Mark all input as read."""
        self.pos = len(self.data)


@dataclass
class IO:
    """The standard streams of a command."""

    stdin: InStream
    stdout: Writer
    stderr: Writer


class CommandContext:
    """What a command sees: argv, stdin bytes, stdout/stderr writers, env, cwd, vfs, the shell and sleep()."""

    def __init__(self, shell: Shell, argv: list[str], io: IO, env: dict[str, str]) -> None:
        self.shell = shell
        self.argv = argv
        self.io = io
        self.stdout = io.stdout
        self.stderr = io.stderr
        self.env = env
        self.cwd = shell.cwd
        self.vfs = shell.vfs

    @property
    def stdin(self) -> bytes:
        """The input not consumed yet."""
        return self.io.stdin.remaining()

    def sleep(self, seconds: float) -> None:
        """Let virtual time pass (the host decides what that means)."""
        self.shell.sleep(seconds)

    def path(self, name: str) -> str:
        """An absolute path for name relative to the working directory."""
        return normpath(name, self.cwd)

    def error(self, message: str) -> None:
        """Write `argv0: message` to stderr."""
        self.stderr.write(f"{self.argv[0]}: {message}\n")

    def run(self, script: str, stdin: bytes = b"") -> ShResult:
        """Run a nested `sh -c script` sharing the filesystem and exported environment."""
        return self.shell.subshell_run(script, stdin=stdin, env=self.env)


@dataclass(frozen=True)
class ShResult:
    """The outcome of running a script."""

    stdout: bytes
    stderr: bytes
    exit_code: int
    # (1 = stdout | 2 = stderr, bytes) in the order the script wrote them (``Shell.run`` only).
    chunks: tuple[tuple[int, bytes], ...] = field(default=(), compare=False, repr=False)


# ----------------------------------------------------------------------------------------------------------
# Globbing


def glob_to_regex(pattern: str, *, pathname: bool = True) -> str:
    """Translate a shell glob (backslash escapes honoured) into a regex body."""
    out = []
    i = 0
    n = len(pattern)
    any_char = "[^/]" if pathname else "."
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if c == "*":
            out.append(any_char + "*")
        elif c == "?":
            out.append(any_char)
        elif c == "[":
            j = i + 1
            if j < n and pattern[j] in "!^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 1
            if j >= n:
                out.append("\\[")
            else:
                body = pattern[i + 1 : j]
                neg = body[:1] in ("!", "^")
                if neg:
                    body = body[1:]
                body = body.replace("\\", "\\\\")
                out.append("[" + ("^" if neg else "") + body + "]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def _has_glob(pattern: str) -> bool:
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c in "*?[":
            return True
        i += 1
    return False


def _unescape_glob(pattern: str) -> str:
    return re.sub(r"\\(.)", r"\1", pattern, flags=re.S)


# ----------------------------------------------------------------------------------------------------------
# Arithmetic


class _Arith:
    _TOK = re.compile(
        r"\s*(0[xX][0-9a-fA-F]+|\d+|[A-Za-z_][A-Za-z0-9_]*|\*\*|<<|>>|<=|>=|==|!=|&&|\|\||\+=|-=|\*=|/=|%=|\+\+|--|[-+*/%()<>!~=&|^?:,])"
    )
    _BIN = {
        "||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6, "<": 7, ">": 7, "<=": 7, ">=": 7,
        "<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10, "**": 11,
    }  # fmt: skip

    def __init__(self, shell: Shell, text: str) -> None:
        self.shell = shell
        self.text = text
        self.toks: list[str] = []
        pos = 0
        s = text.strip()
        while pos < len(s):
            m = self._TOK.match(s, pos)
            if not m:
                raise self._syntax()
            self.toks.append(m.group(1))
            pos = m.end()
            while pos < len(s) and s[pos].isspace():
                pos += 1
        self.i = 0

    def _syntax(self) -> ExpansionError:
        if self.shell.dialect == "bash":
            return ExpansionError(f"{self.shell.name}: {self.text.strip()}: syntax error in expression", 1)
        return ExpansionError(f"{self.shell.name}: arithmetic syntax error", 2)

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise self._syntax()
        self.i += 1
        return tok

    def evaluate(self) -> int:
        if not self.toks:
            return 0
        val = self.expr(0)
        if self.peek() is not None:
            raise self._syntax()
        return val

    def _var(self, name: str) -> int:
        raw = self.shell.get_var(name) or "0"
        try:
            return int(raw.strip(), 0)
        except ValueError:
            if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", raw.strip()):
                return self._var(raw.strip())
            raise self._syntax() from None

    def expr(self, min_prec: int) -> int:
        # assignment
        tok = self.peek()
        nxt = self.toks[self.i + 1] if self.i + 1 < len(self.toks) else None
        if tok and re.match(r"[A-Za-z_]", tok) and nxt in ("=", "+=", "-=", "*=", "/=", "%="):
            self.i += 2
            rhs = self.expr(0)
            cur = self._var(tok)
            val = {"=": rhs, "+=": cur + rhs, "-=": cur - rhs, "*=": cur * rhs}.get(nxt)  # type: ignore[arg-type]
            if val is None:
                val = self._divmod(cur, rhs, nxt[0])
            self.shell.set_var(tok, str(val))
            return val
        left = self.unary()
        while True:
            op = self.peek()
            if op == "?" and min_prec == 0:
                self.i += 1
                a = self.expr(0)
                if self.take() != ":":
                    raise self._syntax()
                b = self.expr(0)
                left = a if left else b
                continue
            if op not in self._BIN or self._BIN[op] < min_prec:
                return left
            prec = self._BIN[op]
            self.i += 1
            start = self.i
            right = self.expr(prec + (0 if op == "**" else 1))
            self._err_token = " ".join(self.toks[start : self.i])
            left = self._apply(op, left, right)

    def _divmod(self, a: int, b: int, op: str) -> int:
        if b == 0:
            if self.shell.dialect == "bash":
                token = getattr(self, "_err_token", "") or str(b)
                raise ExpansionError(
                    f'{self.shell.name}: {self.text.strip()}: division by 0 (error token is "{token}")', 1
                )
            raise ExpansionError(f"{self.shell.name}: divide by zero", 2)
        q = abs(a) // abs(b)
        if (a < 0) != (b < 0):
            q = -q
        return q if op == "/" else a - q * b

    def _apply(self, op: str, a: int, b: int) -> int:
        if op in ("/", "%"):
            return self._divmod(a, b, op)
        if op == "**":
            return a ** min(b, 4096) if b >= 0 else 0
        return {
            "+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "<": lambda: int(a < b),
            ">": lambda: int(a > b), "<=": lambda: int(a <= b), ">=": lambda: int(a >= b),
            "==": lambda: int(a == b), "!=": lambda: int(a != b), "&&": lambda: int(bool(a) and bool(b)),
            "||": lambda: int(bool(a) or bool(b)), "&": lambda: a & b, "|": lambda: a | b, "^": lambda: a ^ b,
            "<<": lambda: a << min(b, 63), ">>": lambda: a >> min(b, 63),
        }[op]()  # fmt: skip

    def unary(self) -> int:
        tok = self.take()
        if tok == "-":
            return -self.unary()
        if tok == "+":
            return self.unary()
        if tok == "!":
            return int(not self.unary())
        if tok == "~":
            return ~self.unary()
        if tok in ("++", "--"):
            name = self.take()
            val = self._var(name) + (1 if tok == "++" else -1)
            self.shell.set_var(name, str(val))
            return val
        if tok == "(":
            val = self.expr(0)
            if self.take() != ")":
                raise self._syntax()
            return val
        if tok[0].isdigit():
            try:
                return (
                    int(tok, 0) if not (len(tok) > 1 and tok[0] == "0" and tok[1].isdigit()) else int(tok, 8)
                )
            except ValueError:
                raise self._syntax() from None
        if re.match(r"[A-Za-z_]", tok):
            if self.peek() in ("++", "--"):
                op = self.take()
                val = self._var(tok)
                self.shell.set_var(tok, str(val + (1 if op == "++" else -1)))
                return val
            return self._var(tok)
        raise self._syntax()


# ----------------------------------------------------------------------------------------------------------
# Field building for word expansion


class _Fields:
    def __init__(self) -> None:
        self.fields: list[str] = []
        self.globs: list[bool] = []
        self.cur: list[str] | None = None
        self.cur_glob = False

    def add(self, text: str, glob: bool) -> None:
        if self.cur is None:
            self.cur = []
            self.cur_glob = False
        if glob:
            self.cur.append(text)
            if _has_glob(text):
                self.cur_glob = True
        else:
            self.cur.append(re.sub(r"([\\*?\[])", r"\\\1", text))

    def end(self) -> None:
        if self.cur is not None:
            self.fields.append("".join(self.cur))
            self.globs.append(self.cur_glob)
        self.cur = None

    def split_add(self, value: str, ifs: str) -> None:
        if not value:
            return
        if not ifs:
            self.add(value, True)
            return
        ws = "".join(c for c in ifs if c in " \t\n")
        nws = "".join(c for c in ifs if c not in " \t\n")
        alts = []
        if nws:
            alts.append(
                f"[{re.escape(ws)}]*[{re.escape(nws)}][{re.escape(ws)}]*" if ws else f"[{re.escape(nws)}]"
            )
        if ws:
            alts.append(f"[{re.escape(ws)}]+")
        pieces = re.split("|".join(alts), value)
        for idx, piece in enumerate(pieces):
            if idx:
                self.end()
            if piece:
                self.add(piece, True)


# ----------------------------------------------------------------------------------------------------------
# The shell


class Shell:
    """A POSIX sh interpreter over a virtual filesystem and a table of commands supplied by the caller."""

    def __init__(
        self,
        vfs: VFS,
        commands: Mapping[str, Command] | None = None,
        env: Mapping[str, str] | None = None,
        *,
        name: str = "sh",
        dialect: str | None = None,
        max_steps: int = 100_000,
        max_output: int = 1_000_000,
        max_depth: int = 40,
        clock: Callable[[], float] | None = None,
        clock_sleep: Callable[[float], None] | None = None,
        cwd: str | None = None,
        utilities: set[str] | None = None,
        hostname: str | None = None,
        pid: int = 1,
        user: tuple[str, int, int] = ("root", 0, 0),
    ) -> None:
        from .builtins import SHELL_BUILTINS, UTILITIES

        self.vfs = vfs
        self.commands: dict[str, Command] = dict(commands or {})
        self.name = name
        self.dialect = dialect or ("bash" if name == "bash" else "busybox")
        self.max_steps = max_steps
        self.max_output = max_output
        self.max_depth = max_depth
        self._clock = clock
        self._clock_sleep = clock_sleep
        self._vtime = float(EPOCH)
        self.pid = pid
        self.user = user
        self.vars: dict[str, str] = {}
        self.exported: set[str] = set()
        for k, v in (env or {}).items():
            self.vars[str(k)] = str(v)
            self.exported.add(str(k))
        self.vars.setdefault("IFS", " \t\n")
        self.vars.setdefault("PS1", "# " if user[1] == 0 else "$ ")
        if hostname is not None:
            self.hostname = hostname
        else:
            self.hostname = self.vars.get("HOSTNAME", "localhost")
        self.cwd = normpath(cwd or self.vars.get("PWD") or "/")
        self.vars["PWD"] = self.cwd
        self.exported.add("PWD")
        self.positional: list[str] = []
        self.arg0 = name
        self.funcs: dict[str, p.Node] = {}
        self.options: set[str] = set()
        self.last_status = 0
        self.shell_builtins = SHELL_BUILTINS
        self.utilities = {k: v for k, v in UTILITIES.items() if utilities is None or k in utilities}
        if (
            self.dialect == "bash"
            and "bash" not in self.utilities
            and (utilities is None or "bash" in utilities)
        ):
            self.utilities["bash"] = UTILITIES["sh"]
        self._own = set(SHELL_BUILTINS.values()) | set(UTILITIES.values())
        self._steps = 0
        self._out_total = 0
        self._depth = 0
        self._cond = 0
        self._errexit_exempt = False
        self._loop_depth = 0
        self._cache: dict[str, p.Sequence] = {}
        self._cur_err: Writer = Writer(self)
        self._cmdsub_status: int | None = None

    # -- time ------------------------------------------------------------------------------------------------
    def now(self) -> float:
        """The current virtual time (epoch seconds)."""
        return float(self._clock()) if self._clock is not None else self._vtime

    def sleep(self, seconds: float) -> None:
        """Let virtual time pass through the host's hook (or the shell's own virtual clock)."""
        if seconds <= 0:
            return
        if self._clock_sleep is not None:
            self._clock_sleep(seconds)
        elif self._clock is None:
            self._vtime += seconds

    # -- limits ----------------------------------------------------------------------------------------------
    def _tick(self) -> None:
        self._steps += 1
        if self._steps > self.max_steps:
            raise ShellLimitExceeded(
                f"{self.name}: script stopped: step limit of {self.max_steps} exceeded", STEP_LIMIT_EXIT
            )

    def _charge(self, n: int) -> None:
        self._out_total += n
        if self._out_total > self.max_output:
            raise ShellLimitExceeded(
                f"{self.name}: script stopped: output limit of {self.max_output} bytes exceeded",
                OUTPUT_LIMIT_EXIT,
            )

    def _output_room(self) -> int:
        return self.max_output - self._out_total

    # -- variables -------------------------------------------------------------------------------------------
    def get_var(self, name: str) -> str | None:
        """A shell variable or special parameter, or None when unset."""
        if name in self.vars:
            return self.vars[name]
        if name == "?":
            return str(self.last_status)
        if name == "$":
            return str(self.pid)
        if name == "#":
            return str(len(self.positional))
        if name in ("@", "*"):
            return " ".join(self.positional)
        if name == "0":
            return self.arg0
        if name.isdigit():
            idx = int(name)
            return self.positional[idx - 1] if idx <= len(self.positional) else None
        if name == "!":
            return ""
        if name == "-":
            return "".join(sorted(o for o in self.options if len(o) == 1))
        if name == "RANDOM":
            return "0"
        return None

    def set_var(self, name: str, value: str, *, export: bool = False) -> None:
        """Set a shell variable (and export it when asked)."""
        self.vars[name] = value
        if export:
            self.exported.add(name)
        if name == "PWD" and value.startswith("/"):
            pass

    def unset_var(self, name: str) -> None:
        """Remove a variable."""
        self.vars.pop(name, None)
        self.exported.discard(name)

    def environ(self) -> dict[str, str]:
        """The exported variables, as commands see them."""
        return {k: self.vars[k] for k in self.vars if k in self.exported}

    # -- running ---------------------------------------------------------------------------------------------
    def parse(self, script: str) -> p.Sequence:
        """Parse a script with this shell's name and dialect in error messages (cached)."""
        ast = self._cache.get(script)
        if ast is None:
            ast = p.parse(script, name=self.name, dialect=self.dialect)
            if len(self._cache) > 256:
                self._cache.clear()
            self._cache[script] = ast
        return ast

    def run(self, script: str, stdin: bytes = b"") -> ShResult:
        """Run a script to completion and return its output and exit code; shell state persists across runs."""
        out = Writer(self)
        err = Writer(self)
        out.log = err.log = []
        err.fd = 2
        io = IO(InStream(stdin), out, err)
        self._steps = 0
        self._out_total = 0
        code = self._run_toplevel(script, io)
        return ShResult(bytes(out.data), bytes(err.data), code, tuple(out.log))

    def exec_argv(self, argv: list[str], stdin: bytes = b"") -> ShResult:
        """Run one command from an argv list without shell parsing (like `kubectl exec POD -- CMD ARGS`)."""
        out = Writer(self)
        err = Writer(self)
        io = IO(InStream(stdin), out, err)
        self._steps = 0
        self._out_total = 0
        try:
            code = self.run_command(argv, io, {})
        except ExitShell as e:
            code = e.code
        except ShellLimitExceeded as e:
            err.data += (e.message + "\n").encode()
            code = e.code
        except (_LoopControl, _Return):
            code = 0
        return ShResult(bytes(out.data), bytes(err.data), code)

    def _run_toplevel(self, script: str, io: IO) -> int:
        try:
            ast = self.parse(script)
        except ShSyntaxError as e:
            io.stderr.data += (e.message + "\n").encode()
            self.last_status = 2
            return 2
        try:
            code = self.exec_seq(ast, io)
        except ExitShell as e:
            code = e.code
        except ShellLimitExceeded as e:
            io.stderr.data += (e.message + "\n").encode()
            code = e.code
        except ExpansionError as e:
            io.stderr.data += (e.message + "\n").encode()
            code = e.code
        except (_LoopControl, _Return):
            code = self.last_status
        except RecursionError:
            io.stderr.data += f"{self.name}: script stopped: nesting too deep\n".encode()
            code = OUTPUT_LIMIT_EXIT
        self.last_status = code
        return code

    def subshell_run(
        self,
        script: str,
        stdin: bytes = b"",
        env: Mapping[str, str] | None = None,
        args: list[str] | None = None,
    ) -> ShResult:
        """Run `sh -c script` as a child shell (fresh variables from env, same filesystem, shared limits)."""
        out = Writer(self)
        err = Writer(self)
        code = self.child_shell(script, IO(InStream(stdin), out, err), env, args)
        return ShResult(bytes(out.data), bytes(err.data), code)

    def child_shell(self, script: str, io: IO, env: Mapping[str, str] | None, args: list[str] | None) -> int:
        """Run script as a separate shell process would: own variables, shared VFS, steps and output cap."""
        self._enter()
        saved = self._save()
        try:
            self.vars = dict(env if env is not None else self.environ())
            self.vars.setdefault("IFS", " \t\n")
            self.exported = set(self.vars) - {"IFS"}
            self.funcs = {}
            self.options = set()
            args = args or []
            self.arg0 = args[0] if args else self.name
            self.positional = list(args[1:])
            return self._run_toplevel(script, io)
        finally:
            self._restore(saved)
            self._depth -= 1

    def _enter(self) -> None:
        self._depth += 1
        if self._depth > self.max_depth:
            self._depth -= 1
            raise ShellLimitExceeded(
                f"{self.name}: script stopped: nesting deeper than {self.max_depth} levels", OUTPUT_LIMIT_EXIT
            )

    def _save(self) -> tuple[Any, ...]:
        return (
            dict(self.vars), set(self.exported), list(self.positional), self.arg0, self.cwd, dict(self.funcs),
            set(self.options), self.last_status, self._loop_depth,
        )  # fmt: skip

    def _restore(self, s: tuple[Any, ...]) -> None:
        (
            self.vars, self.exported, self.positional, self.arg0, self.cwd, self.funcs, self.options,
            self.last_status, self._loop_depth,
        ) = s  # fmt: skip

    # -- execution -------------------------------------------------------------------------------------------
    def exec_seq(self, seq: p.Sequence, io: IO) -> int:
        """Run a command list; `&` items run in the foreground."""
        status = 0
        for node, _bg in seq.items:
            self._errexit_exempt = False
            status = self.exec_node(node, io)
            self.last_status = status
            if status != 0 and "e" in self.options and self._cond == 0 and not self._errexit_exempt:
                raise ExitShell(status)
        return status

    def exec_node(self, node: p.Node, io: IO) -> int:
        """Run any AST node."""
        self._cur_err = io.stderr
        if isinstance(node, p.SimpleCommand):
            return self.exec_simple(node, io)
        if isinstance(node, p.Pipeline):
            return self.exec_pipeline(node, io)
        if isinstance(node, p.AndOr):
            return self.exec_andor(node, io)
        if isinstance(node, p.Sequence):
            return self.exec_seq(node, io)
        if isinstance(node, p.FuncDef):
            self.funcs[node.name] = node.body
            return 0
        if isinstance(node, p.Compound):
            try:
                io2 = self.apply_redirects(node.redirects, io) if node.redirects else io
            except ExpansionError as e:
                io.stderr.write(e.message + "\n")
                return 1
            return self._exec_compound(node, io2)
        raise TypeError(type(node).__name__)

    def _cond_run(self, seq: p.Sequence, io: IO) -> int:
        self._cond += 1
        try:
            return self.exec_seq(seq, io)
        finally:
            self._cond -= 1

    def _exec_compound(self, node: p.Compound, io: IO) -> int:
        if isinstance(node, p.Group):
            return self.exec_seq(node.body, io)
        if isinstance(node, p.Subshell):
            self._enter()
            saved = self._save()
            try:
                return self.exec_seq(node.body, io)
            except ExitShell as e:
                return e.code
            except (_LoopControl, _Return):
                return self.last_status
            finally:
                self._restore(saved)
                self._depth -= 1
        if isinstance(node, p.If):
            for cond, body in node.clauses:
                self._tick()
                if self._cond_run(cond, io) == 0:
                    return self.exec_seq(body, io)
            if node.orelse is not None:
                return self.exec_seq(node.orelse, io)
            return 0
        if isinstance(node, p.While):
            return self._exec_while(node, io)
        if isinstance(node, p.For):
            items = self.expand_words(node.words) if node.words is not None else list(self.positional)
            status = 0
            self._loop_depth += 1
            try:
                for item in items:
                    self._tick()
                    self.set_var(node.var, item)
                    try:
                        status = self.exec_seq(node.body, io)
                    except _LoopControl as lc:
                        if lc.n > 1:
                            lc.n -= 1
                            raise
                        if lc.kind == "break":
                            break
            finally:
                self._loop_depth -= 1
            return status
        if isinstance(node, p.Case):
            value = self.expand_str(node.word)
            self._tick()
            for pats, body in node.items:
                for pat in pats:
                    rx = glob_to_regex(self.expand_pattern(pat), pathname=False)
                    if re.fullmatch(rx, value, flags=re.S):
                        return self.exec_seq(body, io) if body.items else 0
            return 0
        raise TypeError(type(node).__name__)

    def _exec_while(self, node: p.While, io: IO) -> int:
        status = 0
        self._loop_depth += 1
        try:
            while True:
                self._tick()
                c = self._cond_run(node.cond, io)
                if (c == 0) == node.until:
                    break
                try:
                    status = self.exec_seq(node.body, io)
                except _LoopControl as lc:
                    if lc.n > 1:
                        lc.n -= 1
                        raise
                    if lc.kind == "break":
                        break
        finally:
            self._loop_depth -= 1
        return status

    def exec_andor(self, node: p.AndOr, io: IO) -> int:
        """Run `a && b || c`; only a failure of the final element can trigger set -e."""
        self._cond += 1
        try:
            status = self.exec_node(node.first, io)
        finally:
            self._cond -= 1
        final_ran = False
        for idx, (op, pipe) in enumerate(node.rest):
            self.last_status = status
            if (op == "&&") != (status == 0):
                continue
            last = idx == len(node.rest) - 1
            if last:
                self._errexit_exempt = False
                final_ran = True
                status = self.exec_node(pipe, io)
            else:
                self._cond += 1
                try:
                    status = self.exec_node(pipe, io)
                finally:
                    self._cond -= 1
        if not final_ran:
            self._errexit_exempt = True
        return status

    def exec_pipeline(self, node: p.Pipeline, io: IO) -> int:
        """Run `a | b | c`: each stage runs to completion, its output becoming the next stage's input."""
        if node.negate:
            self._cond += 1
        try:
            if len(node.commands) == 1:
                status = self.exec_node(node.commands[0], io)
            else:
                data_in = io.stdin
                status = 0
                for idx, cmd in enumerate(node.commands):
                    last = idx == len(node.commands) - 1
                    out = io.stdout if last else Writer(self, cap=PIPE_BUFFER)
                    stage_io = IO(data_in, out, io.stderr)
                    status = self._in_subshell(cmd, stage_io)
                    if not last:
                        data_in = InStream(bytes(out.data))
        finally:
            if node.negate:
                self._cond -= 1
        if node.negate:
            self._errexit_exempt = True
            return int(status == 0)
        return status

    def _in_subshell(self, node: p.Node, io: IO) -> int:
        saved = self._save()
        try:
            return self.exec_node(node, io)
        except ExitShell as e:
            return e.code
        except (_LoopControl, _Return):
            return self.last_status
        finally:
            self._restore(saved)

    def exec_simple(self, node: p.SimpleCommand, io: IO) -> int:
        """Expand and run one simple command."""
        self._tick()
        self._cmdsub_status = None
        try:
            argv = self.expand_words(node.words) if node.words else []
        except ExpansionError as e:
            io.stderr.write(e.message + "\n")
            raise ExitShell(e.code) from None
        if not argv:
            try:
                for name, w in node.assigns:
                    self.set_var(name, self.expand_str(w, tilde=True))
                    if "a" in self.options:
                        self.exported.add(name)
                if node.redirects:
                    self.apply_redirects(node.redirects, io)
            except ExpansionError as e:
                io.stderr.write(e.message + "\n")
                return 1
            return self._cmdsub_status or 0
        try:
            temp = {name: self.expand_str(w, tilde=True) for name, w in node.assigns}
            io2 = self.apply_redirects(node.redirects, io) if node.redirects else io
        except ExpansionError as e:
            io.stderr.write(e.message + "\n")
            return e.code if e.code != 2 else 1
        return self.run_command(argv, io2, temp)

    def lookup(self, name: str) -> tuple[str, Any] | None:
        """Find what runs for a command name: ("function"|"builtin"|"command"|"utility", target)."""
        if name in self.funcs:
            return "function", self.funcs[name]
        if name in self.shell_builtins:
            return "builtin", self.shell_builtins[name]
        if name in self.commands:
            return "command", self.commands[name]
        if name in self.utilities:
            return "utility", self.utilities[name]
        if "/" in name:
            base = name.rsplit("/", 1)[1]
            if (
                base
                and (base in self.commands or base in self.utilities)
                and (
                    self.vfs.is_file(normpath(name, self.cwd))
                    or name.startswith(("/bin/", "/usr/bin/", "/sbin/", "/usr/local/bin/", "/usr/sbin/"))
                )
            ):
                found = self.lookup(base)
                if found is not None and found[0] != "function":
                    return found
        return None

    def run_command(self, argv: list[str], io: IO, temp: dict[str, str]) -> int:
        """Run a command by name with temporary variable assignments."""
        found = self.lookup(argv[0])
        if found is None:
            if self.dialect == "bash":
                io.stderr.write(f"{self.name}: {argv[0]}: command not found\n")
            else:
                io.stderr.write(f"{self.name}: {argv[0]}: not found\n")
            return 127
        kind, target = found
        if kind == "function":
            return self._call_function(target, argv, io, temp)
        env = self.environ()
        env.update(temp)
        if kind == "builtin" and temp:
            saved_vars = {k: self.vars.get(k) for k in temp}
            for k, v in temp.items():
                self.vars[k] = v
            try:
                return self._call(target, argv, io, env)
            finally:
                for k, old in saved_vars.items():
                    if old is None:
                        self.vars.pop(k, None)
                    else:
                        self.vars[k] = old
        return self._call(target, argv, io, env)

    def _call(self, fn: Command, argv: list[str], io: IO, env: dict[str, str]) -> int:
        ctx = CommandContext(self, argv, io, env)
        try:
            code = fn(ctx)
        except (ExitShell, _LoopControl, _Return, ShellLimitExceeded, ExpansionError, RecursionError):
            raise
        except VFSError as e:
            io.stderr.write(f"{argv[0]}: {e.path}: {e.strerror}\n")
            return 1
        except (ValueError, TypeError, IndexError, KeyError, OverflowError, re.error) as e:
            if fn not in self._own:
                raise
            io.stderr.write(f"{argv[0]}: {e}\n")
            return 1
        return int(code or 0) & 0xFF if code is not None else 0

    def _call_function(self, body: p.Node, argv: list[str], io: IO, temp: dict[str, str]) -> int:
        self._enter()
        saved_pos = self.positional
        saved_vars = {k: self.vars.get(k) for k in temp}
        self.vars.update(temp)
        self.positional = argv[1:]
        try:
            return self.exec_node(body, io)
        except _Return as r:
            return r.code
        finally:
            self.positional = saved_pos
            for k, old in saved_vars.items():
                if old is None:
                    self.vars.pop(k, None)
                else:
                    self.vars[k] = old
            self._depth -= 1

    # -- redirections ----------------------------------------------------------------------------------------
    def _redir_error(self, path: str, e: VFSError, creating: bool) -> ExpansionError:
        if self.dialect == "bash":
            return ExpansionError(f"{self.name}: {path}: {e.strerror}", 1)
        if e.strerror == ENOENT:
            what = "nonexistent directory" if creating else "no such file"
        else:
            what = e.strerror
        return ExpansionError(f"{self.name}: can't {'create' if creating else 'open'} {path}: {what}", 1)

    def _open_out(self, path: str, append: bool) -> Writer:
        full = normpath(path, self.cwd)
        if full == "/dev/null":
            return NullWriter(self)
        if full == "/dev/stdout":
            return Writer(self)  # replaced by caller
        try:
            if self.vfs.is_dir(full):
                raise VFSError("Is a directory", path)
            if not append or not self.vfs.exists(full):
                self.vfs.write(full, b"")
        except VFSError as e:
            raise self._redir_error(path, VFSError(e.strerror, path), True) from None
        return FileWriter(self, full)

    def apply_redirects(self, redirects: list[p.Redirect], io: IO) -> IO:
        """Return the streams after applying redirections left to right."""
        fds: dict[int, Any] = {0: io.stdin, 1: io.stdout, 2: io.stderr}
        for r in redirects:
            if r.heredoc is not None:
                hd = r.heredoc
                word = hd.word or Word("", [])
                text = word.parts[0].text if hd.quoted and word.parts else self.expand_str(word)  # type: ignore[union-attr]
                fds[r.fd] = InStream(text.encode())
                continue
            target = self.expand_str(r.target, tilde=True)
            if r.op in (">", ">|", ">>"):
                fds[r.fd] = self._std_alias(target, fds) or self._open_out(target, r.op == ">>")
            elif r.op in ("&>", "&>>"):
                w = self._open_out(target, r.op == "&>>")
                fds[1] = w
                fds[2] = w
            elif r.op in ("<", "<>"):
                full = normpath(target, self.cwd)
                try:
                    fds[r.fd] = InStream(self.vfs.read(full))
                except VFSError as e:
                    raise self._redir_error(target, VFSError(e.strerror, target), False) from None
            elif r.op in (">&", "<&"):
                if target == "-":
                    fds[r.fd] = NullWriter(self) if r.op == ">&" else InStream()
                elif target.isdigit():
                    src = int(target)
                    if src in fds:
                        fds[r.fd] = fds[src]
                    else:
                        raise ExpansionError(f"{self.name}: {target}: Bad file descriptor", 1)
                elif r.op == ">&":
                    w = self._open_out(target, False)
                    fds[1] = w
                    fds[2] = w
        stdin = fds[0] if isinstance(fds[0], InStream) else InStream()
        out = fds[1] if isinstance(fds[1], Writer) else io.stdout
        err = fds[2] if isinstance(fds[2], Writer) else io.stderr
        return IO(stdin, out, err)

    def _std_alias(self, target: str, fds: dict[int, Any]) -> Writer | None:
        full = normpath(target, self.cwd)
        if full == "/dev/stdout":
            return fds[1]  # type: ignore[no-any-return]
        if full == "/dev/stderr":
            return fds[2]  # type: ignore[no-any-return]
        return None

    # -- expansion -------------------------------------------------------------------------------------------
    def _cmdsub(self, part: CmdSub) -> str:
        if part.ast is None:
            try:
                part.ast = p.parse(part.script, name=self.name, dialect=self.dialect)
            except ShSyntaxError as e:
                raise ExpansionError(e.message, 2) from None
        out = Writer(self)
        self._enter()
        saved = self._save()
        try:
            status = self.exec_seq(part.ast, IO(InStream(), out, self._cur_err))
        except ExitShell as e:
            status = e.code
        except (_LoopControl, _Return):
            status = self.last_status
        finally:
            self._restore(saved)
            self._depth -= 1
        self._cmdsub_status = status
        self.last_status = status
        return out.data.decode(errors="replace").rstrip("\n")

    def _param(self, part: Param) -> str | list[str] | None:
        name = part.name
        if part.op == "bad":
            if self.dialect == "bash":
                raise ExpansionError(f"{self.name}: ${{{name}{part.arg or ''}}}: bad substitution", 1)
            raise ExpansionError(f"{self.name}: syntax error: bad substitution", 2)
        val = self.get_var(name)
        if part.length:
            return str(len(val or ""))
        op = part.op
        if not op:
            if val is None and "u" in self.options and name not in ("@", "*"):
                if self.dialect == "bash":
                    raise ExpansionError(f"{self.name}: {name}: unbound variable", 1)
                raise ExpansionError(f"{self.name}: {name}: parameter not set", 2)
            if name == "@" and part.quoted:
                return list(self.positional)
            return val
        arg = part.arg or ""
        unset_or_null = val is None or (val == "" and op.startswith(":"))
        if op in (":-", "-"):
            return self._expand_arg(arg) if unset_or_null else val
        if op in (":=", "="):
            if unset_or_null:
                val = self._expand_arg(arg)
                self.set_var(name, val)
            return val
        if op in (":+", "+"):
            return "" if unset_or_null else self._expand_arg(arg)
        if op in (":?", "?"):
            if unset_or_null:
                msg = self._expand_arg(arg) or (
                    "parameter null or not set" if op == ":?" else "parameter not set"
                )
                raise ExpansionError(f"{self.name}: {name}: {msg}", 127 if self.dialect == "bash" else 2)
            return val
        val = val or ""
        if op in ("#", "##", "%", "%%"):
            rx = glob_to_regex(self._expand_arg(arg, pattern=True), pathname=False)
            idxs = range(len(val) + 1)
            if op in ("#", "##"):
                order = idxs if op == "#" else reversed(idxs)
                for k in order:
                    if re.fullmatch(rx, val[:k], flags=re.S):
                        return val[k:]
            else:
                order = reversed(idxs) if op == "%" else idxs
                for k in order:
                    if re.fullmatch(rx, val[k:], flags=re.S):
                        return val[:k]
            return val
        if op in ("/", "//"):
            pat, _, rep = arg.partition("/")
            rx = glob_to_regex(self._expand_arg(pat, pattern=True), pathname=False)
            repl = self._expand_arg(rep)
            if not rx:
                return val
            return re.sub(rx, lambda _m: repl, val, count=0 if op == "//" else 1, flags=re.S)
        return val

    def _expand_arg(self, arg: str, pattern: bool = False) -> str:
        try:
            parts = parse_word_parts(arg)
        except ShSyntaxError as e:
            raise ExpansionError(e.formatted(self.name, self.dialect), 2) from None
        w = Word(arg, parts)
        return self.expand_pattern(w) if pattern else self.expand_str(w)

    def _arith(self, part: Arith) -> str:
        try:
            text = self.expand_str(Word(part.expr, parse_word_parts(part.expr, heredoc=True)))
        except ShSyntaxError as e:
            raise ExpansionError(e.formatted(self.name, self.dialect), 2) from None
        return str(_Arith(self, text).evaluate())

    def _part_value(self, part: Any) -> str | list[str] | None:
        if isinstance(part, Param):
            return self._param(part)
        if isinstance(part, CmdSub):
            return self._cmdsub(part)
        if isinstance(part, Arith):
            return self._arith(part)
        return part.text  # type: ignore[no-any-return]

    def _tilde(self, parts: list[Any]) -> list[Any]:
        first = parts[0] if parts else None
        if isinstance(first, Lit) and not first.quoted and first.text.startswith("~"):
            head, sep, rest = first.text.partition("/")
            if head == "~":
                home = self.vars.get("HOME", "/root" if self.user[1] == 0 else "/")
                return [Lit(home, True), Lit(sep + rest)] + parts[1:]
        return parts

    def expand_str(self, word: Word, *, tilde: bool = False) -> str:
        """Expand a word to a single string (no field splitting or globbing): assignments, targets, heredocs."""
        parts = self._tilde(word.parts) if tilde else word.parts
        out = []
        for part in parts:
            v = self._part_value(part)
            if isinstance(v, list):
                out.append(" ".join(v))
            elif v is not None:
                out.append(v)
        return "".join(out)

    def expand_pattern(self, word: Word) -> str:
        """Expand a word into a glob pattern in which quoted characters are escaped."""
        out = []
        for part in word.parts:
            v = self._part_value(part)
            if isinstance(v, list):
                v = " ".join(v)
            if v is None:
                continue
            quoted = part.quoted if not isinstance(part, Lit) else part.quoted
            out.append(re.sub(r"([\\*?\[])", r"\\\1", v) if quoted else v)
        return "".join(out)

    def expand_words(self, words: list[Word]) -> list[str]:
        """Expand words into argv fields: parameters, substitutions, arithmetic, splitting, tilde, globbing."""
        result: list[str] = []
        ifs = self.vars.get("IFS", " \t\n")
        for word in words:
            if len(word.parts) == 1 and isinstance(word.parts[0], Lit) and not word.parts[0].quoted:
                text = word.parts[0].text
                if not _has_glob(text) and not text.startswith("~"):
                    result.append(text)
                    continue
            f = _Fields()
            for part in self._tilde(word.parts):
                if isinstance(part, Lit):
                    f.add(part.text, not part.quoted)
                    continue
                v = self._part_value(part)
                if isinstance(v, list):  # "$@"
                    for k, item in enumerate(v):
                        if k:
                            f.end()
                        f.add(item, False)
                    continue
                if v is None:
                    v = ""
                if part.quoted:
                    f.add(v, False)
                else:
                    f.split_add(v, ifs)
            f.end()
            for text, is_glob in zip(f.fields, f.globs, strict=True):
                if is_glob:
                    matches = self.glob(text)
                    if matches:
                        result.extend(matches)
                        continue
                result.append(_unescape_glob(text))
        return result

    def glob(self, pattern: str) -> list[str]:
        """Match a glob pattern (quoted characters backslash-escaped) against the VFS; sorted matches."""
        absolute = pattern.startswith("/")
        comps = [c for c in pattern.split("/") if c]
        bases = ["/" if absolute else ""]
        for idx, comp in enumerate(comps):
            last = idx == len(comps) - 1
            nxt: list[str] = []
            for base in bases:
                dir_path = normpath(base or ".", self.cwd)
                if not _has_glob(comp):
                    cand = base + ("" if base.endswith("/") or not base else "/") + _unescape_glob(comp)
                    if self.vfs.exists(normpath(cand, self.cwd)):
                        nxt.append(cand)
                    continue
                try:
                    names = self.vfs.listdir(dir_path)
                except VFSError:
                    continue
                rx = re.compile(glob_to_regex(comp), re.S)
                for nm in names:
                    if nm.startswith(".") and not comp.startswith("."):
                        continue
                    if rx.fullmatch(nm):
                        cand = base + ("" if base.endswith("/") or not base else "/") + nm
                        if last or self.vfs.is_dir(normpath(cand, self.cwd)):
                            nxt.append(cand)
            bases = nxt
            if not bases:
                return []
        return sorted(bases)
