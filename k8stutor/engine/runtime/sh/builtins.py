"""Built-in commands of the mini-shell, with busybox-compatible output and error texts.

SHELL_BUILTINS change the shell itself (cd, export, read, set, exit ...); UTILITIES are the busybox applets a
container (or the learner's workstation) has. Every command takes a CommandContext and returns an exit code.
"""

from __future__ import annotations

import base64 as _b64
import datetime as _dt
import posixpath
import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .interp import (
    IO,
    PIPE_BUFFER,
    CommandContext,
    ExitShell,
    InStream,
    ShellLimitExceeded,
    _LoopControl,
    _Return,
)
from .vfs import ENOENT, VFSError, normpath

Builtin = Callable[[CommandContext], int]


def _sh_err(ctx: CommandContext, msg: str) -> None:
    """Write `sh: argv0: msg` (how the shell reports errors of its own builtins)."""
    ctx.stderr.write(f"{ctx.shell.name}: {ctx.argv[0]}: {msg}\n")


def _bash(ctx: CommandContext) -> bool:
    return ctx.shell.dialect == "bash"


def _read_input(ctx: CommandContext, name: str) -> bytes | None:
    """Read a file operand ('-' is stdin); on error print busybox's "can't open" message and return None."""
    if name == "-":
        data = ctx.stdin
        ctx.io.stdin.consume()
        return data
    try:
        return ctx.vfs.read(ctx.path(name))
    except VFSError as e:
        if e.strerror == "Is a directory":
            ctx.error("read error: Is a directory")
        else:
            ctx.error(f"can't open '{name}': {e.strerror}")
        return None


def _inputs(ctx: CommandContext, files: list[str]) -> Iterator[tuple[str, bytes | None]]:
    if not files:
        yield "-", _read_input(ctx, "-")
        return
    for f in files:
        yield f, _read_input(ctx, f)


def _split_opts(
    argv: list[str], flags: str, with_arg: str = "", every: list[tuple[str, str]] | None = None
) -> tuple[dict[str, str], list[str], str | None]:
    """Tiny getopt: returns (options, operands, bad option or None); ``every`` collects each option that takes
    an argument, in order (for repeatable ones such as ``grep -e``)."""
    opts: dict[str, str] = {}
    rest: list[str] = []
    i = 1
    while i < len(argv):
        a = argv[i]
        if a == "--":
            rest.extend(argv[i + 1 :])
            break
        if (
            a.startswith("-")
            and len(a) > 1
            and not a[1:].lstrip("-").isdigit()
            or (a.startswith("-") and len(a) > 1 and a[1] in flags + with_arg and a[1:].isalpha())
        ):
            j = 1
            while j < len(a):
                c = a[j]
                if c in with_arg:
                    val = a[j + 1 :]
                    if not val:
                        i += 1
                        if i >= len(argv):
                            return opts, rest, c
                        val = argv[i]
                    opts[c] = val
                    if every is not None:
                        every.append((c, val))
                    break
                if c not in flags:
                    return opts, rest, c
                opts[c] = ""
                j += 1
        else:
            rest.append(a)
        i += 1
    return opts, rest, None


def _bad_opt(ctx: CommandContext, c: str) -> int:
    ctx.error(f"unrecognized option: {c}" if c else "option requires an argument")
    return 1


# ==========================================================================================================
# Shell builtins


def b_colon(ctx: CommandContext) -> int:
    """`:` and `true`."""
    return 0


def b_false(ctx: CommandContext) -> int:
    """`false`."""
    return 1


def b_echo(ctx: CommandContext) -> int:
    """`echo [-neE] args`."""
    args = ctx.argv[1:]
    newline = True
    escapes = False
    while args and re.fullmatch(r"-[neE]+", args[0]):
        for c in args[0][1:]:
            if c == "n":
                newline = False
            elif c == "e":
                escapes = True
            else:
                escapes = False
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text, stop = _escapes(text, echo=True)
        if stop:
            newline = False
    ctx.stdout.write(text + ("\n" if newline else ""))
    return 0


_ESC = {"a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def _escapes(text: str, echo: bool = False) -> tuple[str, bool]:
    """Interpret backslash escapes; returns (text, saw \\c)."""
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\" or i + 1 >= len(text):
            out.append(c)
            i += 1
            continue
        n = text[i + 1]
        if n in _ESC:
            out.append(_ESC[n])
            i += 2
        elif n == "c":
            return "".join(out), True
        elif n == "0" or (n in "1234567" and not echo):
            m = re.match(r"0?[0-7]{0,3}" if echo else r"[0-7]{1,3}", text[i + 1 :])
            digits = m.group(0) if m else "0"
            out.append(chr(int(digits or "0", 8) & 0xFF))
            i += 1 + len(digits)
        elif n == "x":
            m = re.match(r"[0-9a-fA-F]{1,2}", text[i + 2 :])
            if m:
                out.append(chr(int(m.group(0), 16)))
                i += 2 + len(m.group(0))
            else:
                out.append("\\x")
                i += 2
        else:
            out.append("\\" + n)
            i += 2
    return "".join(out), False


def b_printf(ctx: CommandContext) -> int:
    """`printf FORMAT [ARGS...]` with %s %d %i %u %x %X %o %c %f %e %g %b %%."""
    if len(ctx.argv) < 2:
        ctx.stderr.write(
            "printf: usage: printf format [arguments]\n" if _bash(ctx) else "printf: format string missing\n"
        )
        return 2 if _bash(ctx) else 1
    fmt = ctx.argv[1]
    args = ctx.argv[2:]
    out: list[str] = []
    status = 0
    spec = re.compile(r"%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?([diouxXcsfFeEgGb%])")
    first = True
    while first or args:
        first = False
        consumed = False
        pos = 0
        for m in spec.finditer(fmt):
            out.append(_escapes(fmt[pos : m.start()])[0])
            pos = m.end()
            flags, width, prec, conv = m.groups()
            if conv == "%":
                out.append("%")
                continue
            if width == "*":
                width = args.pop(0) if args else "0"
                consumed = True
            if prec == "*":
                prec = args.pop(0) if args else "0"
                consumed = True
            arg = args.pop(0) if args else None
            consumed = consumed or arg is not None
            pyfmt = "%" + flags + (width or "") + ("." + prec if prec is not None else "")
            if conv in "diouxX":
                val = 0
                if arg:
                    try:
                        val = int(arg, 0) if not re.fullmatch(r"0\d+", arg) else int(arg, 8)
                    except ValueError:
                        if arg[:1] in "'\"" and len(arg) > 1:
                            val = ord(arg[1])
                        else:
                            ctx.stderr.write(
                                f"printf: invalid number '{arg}'\n"
                                if not _bash(ctx)
                                else f"{ctx.shell.name}: printf: {arg}: invalid number\n"
                            )
                            status = 1
                out.append((pyfmt + ("d" if conv in "iu" else conv)) % val)
            elif conv in "fFeEgG":
                try:
                    fval = float(arg) if arg else 0.0
                except ValueError:
                    ctx.stderr.write(f"printf: invalid number '{arg}'\n")
                    fval = 0.0
                    status = 1
                out.append((pyfmt + conv) % fval)
            elif conv == "c":
                out.append((pyfmt + "s") % ((arg or "")[:1]))
            elif conv == "b":
                out.append((pyfmt + "s") % _escapes(arg or "", echo=True)[0])
            else:
                out.append((pyfmt + "s") % (arg or ""))
        out.append(_escapes(fmt[pos:])[0])
        if not consumed:
            break
    ctx.stdout.write("".join(out))
    return status


def b_cd(ctx: CommandContext) -> int:
    """`cd [DIR|-]`."""
    sh = ctx.shell
    args = [a for a in ctx.argv[1:] if a not in ("-L", "-P")]
    target = args[0] if args else sh.vars.get("HOME", "/")
    if target == "-":
        target = sh.vars.get("OLDPWD", sh.cwd)
        ctx.stdout.write(target + "\n")
    full = normpath(target, sh.cwd)
    if not sh.vfs.is_dir(full):
        why = "Not a directory" if sh.vfs.exists(full) else ENOENT
        if _bash(ctx):
            ctx.stderr.write(f"{sh.name}: cd: {target}: {why}\n")
            return 1
        ctx.stderr.write(f"{sh.name}: cd: can't cd to {target}: {why}\n")
        return 2
    sh.vars["OLDPWD"] = sh.cwd
    sh.cwd = full
    sh.vars["PWD"] = full
    return 0


def b_pwd(ctx: CommandContext) -> int:
    """`pwd`."""
    ctx.stdout.write(ctx.shell.cwd + "\n")
    return 0


def b_exit(ctx: CommandContext) -> int:
    """`exit [N]`."""
    code = ctx.shell.last_status
    if len(ctx.argv) > 1:
        try:
            code = int(ctx.argv[1]) & 0xFF
        except ValueError:
            if _bash(ctx):
                ctx.stderr.write(f"{ctx.shell.name}: exit: {ctx.argv[1]}: numeric argument required\n")
            else:
                ctx.stderr.write(f"{ctx.shell.name}: exit: Illegal number: {ctx.argv[1]}\n")
            code = 2
    raise ExitShell(code)


def b_return(ctx: CommandContext) -> int:
    """`return [N]`."""
    code = int(ctx.argv[1]) & 0xFF if len(ctx.argv) > 1 and ctx.argv[1].isdigit() else ctx.shell.last_status
    raise _Return(code)


def _loopctl(kind: str) -> Builtin:
    def run(ctx: CommandContext) -> int:
        n = int(ctx.argv[1]) if len(ctx.argv) > 1 and ctx.argv[1].isdigit() else 1
        if ctx.shell._loop_depth == 0:
            return 0
        raise _LoopControl(kind, max(1, min(n, ctx.shell._loop_depth)))

    run.__doc__ = f"`{kind} [N]`."
    return run


def _quote(v: str) -> str:
    return "'" + v.replace("'", "'\"'\"'") + "'"


def b_export(ctx: CommandContext) -> int:
    """`export [-p] [NAME[=VALUE]...]`."""
    sh = ctx.shell
    args = [a for a in ctx.argv[1:] if a != "-p"]
    if not args:
        for k in sorted(sh.exported):
            if k in sh.vars:
                if _bash(ctx):
                    v = sh.vars[k].replace("\\", "\\\\").replace('"', '\\"')
                    ctx.stdout.write(f'declare -x {k}="{v}"\n')
                else:
                    ctx.stdout.write(f"export {k}={_quote(sh.vars[k])}\n")
        return 0
    status = 0
    for a in args:
        name, eq, val = a.partition("=")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            if _bash(ctx):
                ctx.stderr.write(f"{sh.name}: export: `{a}': not a valid identifier\n")
            else:
                ctx.stderr.write(f"{sh.name}: export: bad variable name\n")
            status = 1
            continue
        if eq:
            sh.vars[name] = val
        sh.exported.add(name)
    return status


def b_unset(ctx: CommandContext) -> int:
    """`unset [-v|-f] NAME...`."""
    funcs = "-f" in ctx.argv
    for a in ctx.argv[1:]:
        if a in ("-f", "-v"):
            continue
        if funcs:
            ctx.shell.funcs.pop(a, None)
        else:
            ctx.shell.unset_var(a)
    return 0


def b_set(ctx: CommandContext) -> int:
    """`set [-+euxaf] [-o opt] [-- args]`; with no arguments list variables."""
    sh = ctx.shell
    args = ctx.argv[1:]
    if not args:
        for k in sorted(sh.vars):
            ctx.stdout.write(f"{k}={_quote(sh.vars[k])}\n")
        return 0
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            sh.positional = args[i + 1 :]
            return 0
        if a in ("-o", "+o"):
            opt = args[i + 1] if i + 1 < len(args) else ""
            key = {"errexit": "e", "nounset": "u", "xtrace": "x", "allexport": "a", "noglob": "f"}.get(
                opt, opt
            )
            (sh.options.add if a == "-o" else sh.options.discard)(key)
            i += 2
            continue
        if a[:1] in "-+" and len(a) > 1:
            for c in a[1:]:
                (sh.options.add if a[0] == "-" else sh.options.discard)(c)
            i += 1
            continue
        sh.positional = args[i:]
        return 0
    return 0


def b_shift(ctx: CommandContext) -> int:
    """`shift [N]`."""
    n = int(ctx.argv[1]) if len(ctx.argv) > 1 and ctx.argv[1].isdigit() else 1
    if n > len(ctx.shell.positional):
        return 1
    ctx.shell.positional = ctx.shell.positional[n:]
    return 0


def b_read(ctx: CommandContext) -> int:
    """`read [-r] [-p PROMPT] NAME...` reading one line of stdin."""
    sh = ctx.shell
    raw = False
    names: list[str] = []
    args = ctx.argv[1:]
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-r":
            raw = True
        elif a == "-p" and i + 1 < len(args):
            ctx.stderr.write(args[i + 1])
            i += 1
        elif a.startswith("-") and len(a) > 1:
            pass
        else:
            names.append(a)
        i += 1
    if not names:
        names = ["REPLY"]
    line_b = ctx.io.stdin.readline()
    if line_b is None:
        for n in names:
            sh.vars[n] = ""
        return 1
    line = line_b.decode(errors="replace")
    ended = line.endswith("\n")
    line = line[:-1] if ended else line
    if not raw:
        line = re.sub(r"\\(.)", r"\1", line)
    ifs = sh.vars.get("IFS", " \t\n")
    ws = "".join(c for c in ifs if c in " \t\n")
    if ws:
        line = line.strip(ws)
    if len(names) == 1 or not ifs:
        sh.vars[names[0]] = line
        for n in names[1:]:
            sh.vars[n] = ""
    else:
        rx = re.compile("[" + re.escape(ifs) + "]+" if ws else "[" + re.escape(ifs) + "]")
        fields = rx.split(line, maxsplit=len(names) - 1)
        for k, n in enumerate(names):
            sh.vars[n] = fields[k] if k < len(fields) else ""
    return 0 if ended else 1


def b_eval(ctx: CommandContext) -> int:
    """`eval ARGS...` in the current shell."""
    script = " ".join(ctx.argv[1:])
    if not script.strip():
        return 0
    from .lexer import ShSyntaxError

    sh = ctx.shell
    try:
        ast = sh.parse(script)
    except ShSyntaxError as e:
        ctx.stderr.write(e.message + "\n")
        return 2
    return sh.exec_seq(ast, ctx.io)


def b_source(ctx: CommandContext) -> int:
    """`. FILE` / `source FILE`."""
    if len(ctx.argv) < 2:
        return 0
    name = ctx.argv[1]
    try:
        script = ctx.vfs.read(ctx.path(name)).decode(errors="replace")
    except VFSError as e:
        ctx.stderr.write(f"{ctx.shell.name}: {ctx.argv[0]}: can't open '{name}': {e.strerror}\n")
        return 1 if _bash(ctx) else 2
    from .lexer import ShSyntaxError

    try:
        ast = ctx.shell.parse(script)
    except ShSyntaxError as e:
        ctx.stderr.write(e.message + "\n")
        return 2
    saved = ctx.shell.positional
    if len(ctx.argv) > 2:
        ctx.shell.positional = ctx.argv[2:]
    try:
        return ctx.shell.exec_seq(ast, ctx.io)
    except _Return as r:
        return r.code
    finally:
        ctx.shell.positional = saved


def b_local(ctx: CommandContext) -> int:
    """`local NAME[=VALUE]` (variables are not actually scoped; documented limitation)."""
    for a in ctx.argv[1:]:
        name, eq, val = a.partition("=")
        ctx.shell.vars[name] = val if eq else ctx.shell.vars.get(name, "")
    return 0


def b_noop(ctx: CommandContext) -> int:
    """Accepted and ignored (`trap`, `wait`, `umask`, `ulimit`, `alias`, `hash`)."""
    return 0


def b_command(ctx: CommandContext) -> int:
    """`command [-v] NAME [ARGS]` (skips functions)."""
    args = ctx.argv[1:]
    if args and args[0] in ("-v", "-V"):
        status = 0
        for n in args[1:]:
            found = ctx.shell.lookup(n)
            if found is None:
                status = 1
            elif found[0] == "builtin" or found[0] == "function":
                ctx.stdout.write(n + "\n")
            else:
                ctx.stdout.write(_path_of(ctx, n) + "\n")
        return status
    if not args:
        return 0
    return ctx.shell.run_command(args, ctx.io, {})


def b_exec(ctx: CommandContext) -> int:
    """`exec CMD ARGS`: run the command, then the shell ends with its status."""
    if len(ctx.argv) < 2:
        return 0
    raise ExitShell(ctx.shell.run_command(ctx.argv[1:], ctx.io, {}))


def _path_of(ctx: CommandContext, name: str) -> str:
    if "/" in name:
        return name
    for d in ctx.shell.vars.get("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").split(
        ":"
    ):
        if d and ctx.vfs.is_file(posixpath.join(d, name)):
            return posixpath.join(d, name)
    if name in ctx.shell.commands:
        return "/usr/local/bin/" + name
    return "/bin/" + name


def b_type(ctx: CommandContext) -> int:
    """`type NAME...`."""
    status = 0
    for n in ctx.argv[1:]:
        found = ctx.shell.lookup(n)
        if found is None:
            if _bash(ctx):
                ctx.stderr.write(f"{ctx.shell.name}: type: {n}: not found\n")
            else:
                ctx.stdout.write(f"{n}: not found\n")
            status = 1
        elif found[0] == "function":
            ctx.stdout.write(f"{n} is a function\n")
        elif found[0] == "builtin":
            special = n in (
                ":",
                ".",
                "eval",
                "exec",
                "exit",
                "export",
                "readonly",
                "return",
                "set",
                "shift",
                "unset",
                "break",
                "continue",
                "trap",
            )
            ctx.stdout.write(f"{n} is a {'special ' if special and not _bash(ctx) else ''}shell builtin\n")
        else:
            ctx.stdout.write(f"{n} is {_path_of(ctx, n)}\n")
    return status


# -- test / [ ----------------------------------------------------------------------------------------------


class _TestError(Exception):
    pass


def b_test(ctx: CommandContext) -> int:
    """`test EXPR` / `[ EXPR ]`: files, strings and integers, `!`, `-a`, `-o`, parentheses."""
    args = ctx.argv[1:]
    if ctx.argv[0] == "[":
        if not args or args[-1] != "]":
            if _bash(ctx):
                ctx.stderr.write(f"{ctx.shell.name}: [: missing `]'\n")
            else:
                ctx.stderr.write(f"{ctx.shell.name}: [: missing ]\n")
            return 2
        args = args[:-1]
    try:
        return 0 if _TestEval(ctx, args).run() else 1
    except _TestError as e:
        ctx.stderr.write(f"{ctx.shell.name}: {ctx.argv[0]}: {e}\n")
        return 2


class _TestEval:
    _UNARY = {"-e", "-f", "-d", "-s", "-r", "-w", "-x", "-z", "-n", "-L", "-h", "-p", "-S", "-b", "-c", "-t"}
    _BINARY = {"=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "<", ">", "-nt", "-ot"}

    def __init__(self, ctx: CommandContext, args: list[str]) -> None:
        self.ctx = ctx
        self.args = args
        self.i = 0

    def run(self) -> bool:
        if not self.args:
            return False
        if len(self.args) == 1:
            return self.args[0] != ""
        val = self.or_expr()
        if self.i < len(self.args):
            raise _TestError(
                f"{self.args[self.i]}: unknown operand" if not _bash(self.ctx) else "too many arguments"
            )
        return val

    def or_expr(self) -> bool:
        v = self.and_expr()
        while self.i < len(self.args) and self.args[self.i] == "-o":
            self.i += 1
            v = self.and_expr() or v
        return v

    def and_expr(self) -> bool:
        v = self.not_expr()
        while self.i < len(self.args) and self.args[self.i] == "-a":
            self.i += 1
            v = self.not_expr() and v
        return v

    def not_expr(self) -> bool:
        if self.i < len(self.args) and self.args[self.i] == "!" and self.i + 1 < len(self.args):
            self.i += 1
            return not self.not_expr()
        return self.primary()

    def _int(self, s: str) -> int:
        try:
            return int(s.strip())
        except ValueError:
            if _bash(self.ctx):
                raise _TestError(f"{s}: integer expression expected") from None
            raise _TestError(f"invalid number '{s}'") from None

    def primary(self) -> bool:
        a = self.args
        if self.i >= len(a):
            raise _TestError("argument expected")
        tok = a[self.i]
        if tok == "(" and self.i + 1 < len(a):
            self.i += 1
            v = self.or_expr()
            if self.i >= len(a) or a[self.i] != ")":
                raise _TestError("')' expected" if _bash(self.ctx) else "closing paren expected")
            self.i += 1
            return v
        if (
            self.i + 2 < len(a) + 0
            and self.i + 1 < len(a)
            and a[self.i + 1] in self._BINARY
            and self.i + 2 < len(a)
        ):
            left, op, right = a[self.i], a[self.i + 1], a[self.i + 2]
            self.i += 3
            if op in ("=", "=="):
                return left == right
            if op == "!=":
                return left != right
            if op == "<":
                return left < right
            if op == ">":
                return left > right
            if op in ("-nt", "-ot"):
                return False
            li, ri = self._int(left), self._int(right)
            return {
                "-eq": li == ri,
                "-ne": li != ri,
                "-lt": li < ri,
                "-le": li <= ri,
                "-gt": li > ri,
                "-ge": li >= ri,
            }[op]
        if tok in self._UNARY and self.i + 1 < len(a):
            operand = a[self.i + 1]
            self.i += 2
            return self._unary(tok, operand)
        self.i += 1
        return tok != ""

    def _unary(self, op: str, s: str) -> bool:
        if op == "-z":
            return s == ""
        if op == "-n":
            return s != ""
        if op == "-t":
            return False
        vfs = self.ctx.vfs
        path = self.ctx.path(s) if s else ""
        if op in ("-L", "-h"):
            return bool(s) and vfs.is_link(path)
        if not s or not vfs.exists(path):
            return False
        st = vfs.stat(path)
        if op == "-e":
            return True
        if op == "-f":
            return not st.is_dir and path not in ("/dev/null", "/dev/zero", "/dev/tty")
        if op == "-d":
            return st.is_dir
        if op == "-s":
            return st.size > 0
        if op in ("-r", "-w"):
            return True
        if op == "-x":
            return st.is_dir or bool(st.mode & 0o111)
        return False


# ==========================================================================================================
# Utilities (busybox applets)


def u_cat(ctx: CommandContext) -> int:
    """`cat [-n] [FILE...]`."""
    number = "-n" in ctx.argv[1:]
    files = [a for a in ctx.argv[1:] if a != "-n" and a != "-u"]
    status = 0
    n = 0
    for _name, data in _inputs(ctx, files):
        if data is None:
            status = 1
            continue
        if number:
            lines = data.decode(errors="replace").splitlines(keepends=True)
            buf = []
            for ln in lines:
                n += 1
                buf.append(f"{n:6d}\t{ln}")
            ctx.stdout.write("".join(buf))
        else:
            ctx.stdout.write(data)
    return status


def u_touch(ctx: CommandContext) -> int:
    """`touch FILE...`."""
    status = 0
    for f in ctx.argv[1:]:
        if f.startswith("-") and f != "-":
            continue
        try:
            ctx.vfs.touch(ctx.path(f))
        except VFSError as e:
            ctx.error(f"{f}: {e.strerror}")
            status = 1
    return status


def u_rm(ctx: CommandContext) -> int:
    """`rm [-f] [-r] FILE...`."""
    opts, files, bad = _split_opts(ctx.argv, "frRiv")
    if bad is not None:
        return _bad_opt(ctx, bad)
    force = "f" in opts
    recursive = "r" in opts or "R" in opts
    status = 0
    if not files and not force:
        ctx.stderr.write(
            "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: rm [-irf] FILE...\n"
        )
        return 1
    for f in files:
        path = ctx.path(f)
        link = ctx.vfs.is_link(path)  # rm removes a symlink itself, dangling or pointing at a directory
        if not link and not ctx.vfs.exists(path):
            if not force:
                ctx.error(f"can't remove '{f}': No such file or directory")
                status = 1
            continue
        if not link and ctx.vfs.is_dir(path) and not recursive:
            ctx.error(f"'{f}' is a directory")
            status = 1
            continue
        try:
            ctx.vfs.remove(path, recursive=True)
        except VFSError as e:
            ctx.error(f"can't remove '{f}': {e.strerror}")
            status = 1
    return status


def u_mkdir(ctx: CommandContext) -> int:
    """`mkdir [-p] DIR...`."""
    opts, dirs, bad = _split_opts(ctx.argv, "pv", "m")
    if bad is not None:
        return _bad_opt(ctx, bad)
    status = 0
    for d in dirs:
        try:
            ctx.vfs.mkdir(ctx.path(d), parents="p" in opts)
        except VFSError as e:
            ctx.error(f"can't create directory '{d}': {e.strerror}")
            status = 1
    return status


def _mode_str(is_dir: bool, mode: int, is_link: bool = False) -> str:
    bits = "rwxrwxrwx"
    out = ["l" if is_link else "d" if is_dir else "-"]
    out.extend(bits[i] if mode & (1 << (8 - i)) else "-" for i in range(9))
    if mode & 0o1000:  # sticky (tmpfs roots, /tmp)
        out[9] = "t" if mode & 0o001 else "T"
    return "".join(out)


def _ls_date(ts: float) -> str:
    t = _dt.datetime.fromtimestamp(ts, _dt.UTC)
    return f"{t.strftime('%b')} {t.day:2d} {t.strftime('%H:%M')}"


def u_ls(ctx: CommandContext) -> int:
    """`ls [-l] [-a] [-A] [-1] [-d] [FILE...]` (one name per line, as when output is not a terminal)."""
    opts, paths, bad = _split_opts(ctx.argv, "laA1dFhrtRSL")
    if bad is not None:
        return _bad_opt(ctx, bad)
    long = "l" in opts
    show_all = "a" in opts
    almost = "A" in opts
    user, _uid, _gid = ctx.shell.user
    status = 0
    vfs = ctx.vfs

    def line(name: str, path: str) -> str:
        if not long:
            return name
        st = vfs.stat(path) if "L" in opts else vfs.lstat(path)
        nlink = 1
        size = st.size
        if st.is_dir:
            try:
                kids = vfs.listdir(path)
            except VFSError:
                kids = []
            nlink = 2 + sum(1 for c in kids if _is_real_dir(vfs, posixpath.join(path, c)))
            # tmpfs reports 20 bytes per directory entry (plus 40 for . and ..); disk filesystems a block.
            size = 40 + 20 * len(kids) if vfs.filesystem(path).tmpfs else 4096
        text = f"{_mode_str(st.is_dir, st.mode, st.is_link)} {nlink:4d} {user:<8} {user:<8} {size:9d} "
        text += f"{_ls_date(st.mtime)} {name}"
        if st.is_link:
            text += " -> " + vfs.readlink(path)
        return text

    def listed_as_dir(t: str) -> bool:
        # A symlink operand is shown as itself with -l or -d (followed otherwise, or with a trailing /).
        p = ctx.path(t)
        if "d" in opts or not vfs.is_dir(p):
            return False
        return not (long and "L" not in opts and not t.endswith("/") and vfs.is_link(p))

    targets = paths or ["."]
    exists = {t: vfs.exists(ctx.path(t)) or vfs.is_link(ctx.path(t)) for t in targets}
    files = [t for t in targets if exists[t] and not listed_as_dir(t)]
    dirs = [t for t in targets if exists[t] and listed_as_dir(t)]
    for t in targets:
        if not exists[t]:
            ctx.error(f"{t}: No such file or directory")
            status = 1
    out: list[str] = [line(f, ctx.path(f)) for f in sorted(files)]
    for idx, d in enumerate(sorted(dirs)):
        full = ctx.path(d)
        names = vfs.listdir(full)
        if not show_all:
            names = [n for n in names if not n.startswith(".")]
        if show_all and not almost:
            names = [".", ".."] + names
        if len(targets) > 1:
            if out or idx:
                out.append("")
            out.append(f"{d}:")
        if long:
            out.append("total 0")
        if "r" in opts:
            names = list(reversed(names))
        out.extend(line(n, normpath(n, full)) for n in names)
    if out:
        ctx.stdout.write("\n".join(out) + "\n")
    return status


def _is_real_dir(vfs: Any, path: str) -> bool:
    try:
        st = vfs.lstat(path)
    except VFSError:
        return False
    return st.is_dir and not st.is_link


def u_readlink(ctx: CommandContext) -> int:
    """`readlink [-f] FILE`: a symlink's target (status 1 for other files); -f the canonical path."""
    opts, files, bad = _split_opts(ctx.argv, "fnsvqe")
    if bad is not None:
        return _bad_opt(ctx, bad)
    status = 0
    for f in files:
        path = ctx.path(f)
        if "f" in opts:
            real = ctx.vfs.realpath(path)
            if real is None:
                status = 1
                continue
            ctx.stdout.write(real + ("" if "n" in opts else "\n"))
            continue
        try:
            target = ctx.vfs.readlink(path)
        except (VFSError, OSError):
            status = 1
            continue
        ctx.stdout.write(target + ("" if "n" in opts else "\n"))
    return status


def u_ln(ctx: CommandContext) -> int:
    """`ln -s [-f] [-n] TARGET LINK` / `ln -s TARGET... DIR` (symbolic links only: no hard links)."""
    opts, args, bad = _split_opts(ctx.argv, "sfnvT")
    if bad is not None:
        return _bad_opt(ctx, bad)
    if not args:
        ctx.stderr.write(
            "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
            "Usage: ln [-sfnbtv] [-S SUF] TARGET... LINK|DIR\n"
        )
        return 1
    if "s" not in opts:
        ctx.error("hard links are not supported")
        return 1
    vfs = ctx.vfs
    if len(args) == 1:
        args.append(posixpath.basename(args[0].rstrip("/")) or args[0])
    *srcs, last = args
    last_path = ctx.path(last)
    into_dir = vfs.is_dir(last_path) and not ("n" in opts and vfs.is_link(last_path))
    if len(srcs) > 1 and not into_dir:
        ctx.error(f"{last}: Not a directory")
        return 1
    status = 0
    for src in srcs:
        name = posixpath.join(last, posixpath.basename(src.rstrip("/"))) if into_dir else last
        dst = ctx.path(name)
        if "f" in opts and (vfs.is_link(dst) or vfs.is_file(dst)):
            try:
                vfs.remove(dst)
            except VFSError:
                pass
        try:
            vfs.symlink(src, dst)
        except VFSError as e:
            ctx.error(f"can't create symlink '{name}' to '{src}': {e.strerror}")
            status = 1
    return status


def _count_arg(ctx: CommandContext, default: int = 10) -> tuple[int | str, list[str], str | None]:
    n: int | str = default
    files: list[str] = []
    args = ctx.argv[1:]
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-n", "-c") and i + 1 < len(args):
            n = args[i + 1] if args[i + 1].startswith("+") else _to_int(args[i + 1])
            if a == "-c":
                n = f"c{n}"
            i += 2
            continue
        if re.fullmatch(r"-n[+]?\d+", a):
            n = a[2:] if a[2] == "+" else int(a[2:])
        elif re.fullmatch(r"-\d+", a):
            n = int(a[1:])
        elif a in ("-f", "-F", "-q"):
            pass
        else:
            files.append(a)
        i += 1
    return n, files, None


def _to_int(s: str) -> int:
    try:
        return int(s)
    except ValueError:
        return 10


def u_head(ctx: CommandContext) -> int:
    """`head [-n N] [FILE...]`."""
    n, files, _ = _count_arg(ctx)
    status = 0
    multi = len(files) > 1
    for idx, (name, data) in enumerate(_inputs(ctx, files)):
        if data is None:
            status = 1
            continue
        if multi:
            ctx.stdout.write(("\n" if idx else "") + f"==> {name} <==\n")
        if isinstance(n, str) and n.startswith("c"):
            ctx.stdout.write(data[: _to_int(n[1:])])
            continue
        lines = data.splitlines(keepends=True)
        count = int(n) if not isinstance(n, str) else _to_int(n)
        ctx.stdout.write(b"".join(lines[:count] if count >= 0 else lines[:count]))
    return status


def u_tail(ctx: CommandContext) -> int:
    """`tail [-n N|+N] [FILE...]`."""
    n, files, _ = _count_arg(ctx)
    status = 0
    multi = len(files) > 1
    for idx, (name, data) in enumerate(_inputs(ctx, files)):
        if data is None:
            status = 1
            continue
        if multi:
            ctx.stdout.write(("\n" if idx else "") + f"==> {name} <==\n")
        if isinstance(n, str) and n.startswith("c"):
            k = _to_int(n[1:])
            ctx.stdout.write(data[-k:] if k else b"")
            continue
        lines = data.splitlines(keepends=True)
        if isinstance(n, str) and n.startswith("+"):
            ctx.stdout.write(b"".join(lines[max(_to_int(n[1:]) - 1, 0) :]))
        else:
            count = int(n)
            ctx.stdout.write(b"".join(lines[-count:]) if count else b"")
    return status


def _bre_to_python(pat: str) -> str:
    """Translate a POSIX basic regular expression into Python's syntax."""
    out = []
    i = 0
    while i < len(pat):
        c = pat[i]
        if c == "\\" and i + 1 < len(pat):
            n = pat[i + 1]
            out.append(n if n in "(){}|+?" else "\\" + n)
            i += 2
            continue
        out.append("\\" + c if c in "(){}|+?" else c)
        i += 1
    return "".join(out)


def _posix_classes(pat: str) -> str:
    classes = {
        "[:alpha:]": "a-zA-Z", "[:digit:]": "0-9", "[:alnum:]": "a-zA-Z0-9", "[:upper:]": "A-Z",
        "[:lower:]": "a-z", "[:space:]": " \\t\\n\\r\\f\\v", "[:blank:]": " \\t", "[:punct:]": "!-/:-@\\[-`{-~",
        "[:xdigit:]": "0-9A-Fa-f",
    }  # fmt: skip
    for k, v in classes.items():
        pat = pat.replace(k, v)
    return pat


def u_grep(ctx: CommandContext) -> int:
    """`grep [-viqcEFonlhHwr] [-e PATTERN]... [-f FILE]... [PATTERN] [FILE...]` (any line matching any of the
    patterns; a pattern file holds one per line)."""
    every: list[tuple[str, str]] = []
    opts, rest, bad = _split_opts(ctx.argv, "viqcEFonlhHwrsx", "emABCf", every)
    if bad is not None:
        ctx.error(f"unrecognized option: {bad}")
        return 2
    after = _to_int(opts.get("A", opts.get("C", "0")))
    before = _to_int(opts.get("B", opts.get("C", "0")))
    patterns: list[str] = []
    for c, val in every:
        if c == "e":
            patterns.extend(val.split("\n"))
        elif c == "f":
            try:
                pat_data = ctx.stdin if val == "-" else ctx.vfs.read(ctx.path(val))
            except VFSError as e:
                ctx.error(f"{val}: {e.strerror}")
                return 2
            text = (pat_data or b"").decode(errors="replace")
            patterns.extend(text[:-1].split("\n") if text.endswith("\n") else text.split("\n") if text else [])
    if "e" in opts or "f" in opts:
        pass
    elif rest:
        patterns = [rest.pop(0)]
    else:
        ctx.stderr.write(
            "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n"
        )
        return 2
    files = rest
    srcs = []
    for pattern in patterns:
        if "F" in opts:
            srcs.append(re.escape(pattern))
        elif "E" in opts or ctx.argv[0] == "egrep":
            srcs.append(_posix_classes(pattern))
        else:
            srcs.append(_posix_classes(_bre_to_python(pattern)))
    rx_src = "|".join(f"(?:{x})" for x in srcs) if len(srcs) > 1 else srcs[0] if srcs else "(?!)"
    if "w" in opts:
        rx_src = rf"\b(?:{rx_src})\b"
    if "x" in opts:
        rx_src = rf"^(?:{rx_src})$"
    try:
        rx = re.compile(rx_src, re.I if "i" in opts else 0)
    except re.error:
        ctx.error("bad regex")
        return 2
    show_name = ("H" in opts or len(files) > 1) and "h" not in opts
    any_match = False
    status_err = False
    max_count = _to_int(opts["m"]) if "m" in opts else -1
    for name, data in _inputs_grep(ctx, files, "s" in opts):
        if data is None:
            status_err = True
            continue
        count = 0
        out: list[str] = []
        label = "(standard input)" if name == "-" else name
        text = data.decode(errors="replace")
        lines = text.split("\n")
        if len(lines) > 1 and lines[-1] == "":
            lines.pop()
        last_printed = 0  # line number of the last line written (context or match)
        pending_after = 0
        for lineno, ln in enumerate(lines, 1):
            m = rx.search(ln)
            if bool(m) == ("v" in opts):
                if pending_after and not (max_count >= 0 and count > max_count):
                    out.append(
                        (label + "-" if show_name else "") + (f"{lineno}-" if "n" in opts else "") + ln
                    )
                    last_printed = lineno
                    pending_after -= 1
                continue
            if max_count >= 0 and count >= max_count:
                break
            count += 1
            any_match = True
            if "q" in opts:
                return 0
            if (after or before) and last_printed and lineno - before > last_printed + 1:
                out.append("--")
            for k in range(max(lineno - before, last_printed + 1, 1), lineno):
                out.append(
                    (label + "-" if show_name else "") + (f"{k}-" if "n" in opts else "") + lines[k - 1]
                )
            prefix = (label + ":" if show_name else "") + (f"{lineno}:" if "n" in opts else "")
            if "o" in opts and "v" not in opts:
                out.extend(prefix + mm.group(0) for mm in rx.finditer(ln) if mm.group(0))
            else:
                out.append(prefix + ln)
            last_printed = lineno
            pending_after = after
        if "l" in opts:
            if count:
                ctx.stdout.write(label + "\n")
        elif "c" in opts:
            ctx.stdout.write((label + ":" if show_name else "") + f"{count}\n")
        elif out:
            ctx.stdout.write("\n".join(out) + "\n")
    if status_err:
        return 2
    return 0 if any_match else 1


def _inputs_grep(ctx: CommandContext, files: list[str], silent: bool) -> Iterator[tuple[str, bytes | None]]:
    if not files:
        yield "-", ctx.stdin
        return
    for f in files:
        if f == "-":
            yield f, ctx.stdin
            continue
        try:
            yield f, ctx.vfs.read(ctx.path(f))
        except VFSError as e:
            if not silent:
                ctx.error(f"{f}: {e.strerror}")
            yield f, None


def u_wc(ctx: CommandContext) -> int:
    """`wc [-lwc] [FILE...]`."""
    opts, files, bad = _split_opts(ctx.argv, "lwcmL")
    if bad is not None:
        return _bad_opt(ctx, bad)
    which = [c for c in "lwc" if c in opts or ("m" in opts and c == "c")] or ["l", "w", "c"]
    status = 0
    totals = {"l": 0, "w": 0, "c": 0}
    rows: list[tuple[list[int], str | None]] = []
    for name, data in _inputs(ctx, files):
        if data is None:
            status = 1
            continue
        counts = {"l": data.count(b"\n"), "w": len(data.split()), "c": len(data)}
        for k in totals:
            totals[k] += counts[k]
        rows.append(([counts[c] for c in which], None if name == "-" and not files else name))
    if len(files) > 1:
        rows.append(([totals[c] for c in which], "total"))
    for nums, label in rows:
        if len(nums) == 1 and label is None:
            text = str(nums[0])
        else:
            text = " ".join(f"{x:7d}" if len(nums) > 1 or label else str(x) for x in nums)
            if len(nums) == 1:
                text = str(nums[0])
        ctx.stdout.write(text + (f" {label}" if label else "") + "\n")
    return status


def u_sort(ctx: CommandContext) -> int:
    """`sort [-rnu] [-t SEP] [-k N] [FILE...]`."""
    opts, files, bad = _split_opts(ctx.argv, "rnufbVh", "tko")
    if bad is not None:
        return _bad_opt(ctx, bad)
    lines: list[str] = []
    status = 0
    for _n, data in _inputs(ctx, files):
        if data is None:
            status = 1
            continue
        lines.extend(data.decode(errors="replace").splitlines())
    sep = opts.get("t")
    key_field = _to_int(opts["k"].split(",")[0].split(".")[0]) if "k" in opts else 0

    def key_text(ln: str) -> str:
        if not key_field:
            return ln
        parts = ln.split(sep) if sep else ln.split()
        return (sep or " ").join(parts[key_field - 1 :]) if key_field - 1 < len(parts) else ""

    def num(ln: str) -> float:
        m = re.match(r"\s*(-?\d+(?:\.\d+)?)", key_text(ln))
        return float(m.group(1)) if m else 0.0

    if "n" in opts:
        lines.sort(key=lambda ln: (num(ln), ln), reverse="r" in opts)
    else:
        lines.sort(key=(lambda ln: key_text(ln).lower()) if "f" in opts else key_text, reverse="r" in opts)
    if "u" in opts:
        seen: set[str] = set()
        uniq = []
        for ln in lines:
            k = key_text(ln)
            if k not in seen:
                seen.add(k)
                uniq.append(ln)
        lines = uniq
    if lines:
        ctx.stdout.write("\n".join(lines) + "\n")
    return status


def u_uniq(ctx: CommandContext) -> int:
    """`uniq [-c] [-d] [-u] [FILE]`."""
    opts, files, bad = _split_opts(ctx.argv, "cdui")
    if bad is not None:
        return _bad_opt(ctx, bad)
    data = _read_input(ctx, files[0] if files else "-")
    if data is None:
        return 1
    groups: list[list[str]] = []
    for ln in data.decode(errors="replace").splitlines():
        same = groups and (groups[-1][0].lower() == ln.lower() if "i" in opts else groups[-1][0] == ln)
        if same:
            groups[-1].append(ln)
        else:
            groups.append([ln])
    out = []
    for g in groups:
        if "d" in opts and len(g) < 2:
            continue
        if "u" in opts and len(g) > 1:
            continue
        out.append(f"{len(g):7d} {g[0]}" if "c" in opts else g[0])
    if out:
        ctx.stdout.write("\n".join(out) + "\n")
    return 0


def _ranges(spec: str) -> list[tuple[int, int]]:
    out = []
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-", 1)
            out.append((int(a) if a else 1, int(b) if b else 1 << 30))
        elif part:
            out.append((int(part), int(part)))
    return out


def u_cut(ctx: CommandContext) -> int:
    """`cut -d SEP -f LIST | -c LIST [-s] [FILE...]`."""
    opts, files, bad = _split_opts(ctx.argv, "sn", "dfcb")
    if bad is not None:
        return _bad_opt(ctx, bad)
    try:
        if "f" in opts:
            ranges = _ranges(opts["f"])
        elif "c" in opts or "b" in opts:
            ranges = _ranges(opts.get("c") or opts.get("b") or "")
        else:
            ctx.error("expected a list of bytes, characters, or fields")
            return 1
    except ValueError:
        ctx.error("invalid range")
        return 1

    def pick(items: list[str]) -> list[str]:
        return [x for i, x in enumerate(items, 1) if any(a <= i <= b for a, b in ranges)]

    delim = opts.get("d", "\t")
    status = 0
    out = []
    for _n, data in _inputs(ctx, files):
        if data is None:
            status = 1
            continue
        for ln in data.decode(errors="replace").splitlines():
            if "f" in opts:
                if delim not in ln:
                    if "s" not in opts:
                        out.append(ln)
                    continue
                out.append(delim.join(pick(ln.split(delim))))
            else:
                out.append("".join(pick(list(ln))))
    if out:
        ctx.stdout.write("\n".join(out) + "\n")
    return status


def _tr_set(spec: str) -> str:
    classes = {
        "[:lower:]": "abcdefghijklmnopqrstuvwxyz", "[:upper:]": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "[:digit:]": "0123456789", "[:space:]": " \t\n\r\f\v", "[:blank:]": " \t",
        "[:alpha:]": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "[:alnum:]": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    }  # fmt: skip
    for k, v in classes.items():
        spec = spec.replace(k, v)
    spec = _escapes(spec)[0]
    out: list[str] = []
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            out.extend(chr(c) for c in range(ord(spec[i]), ord(spec[i + 2]) + 1))
            i += 3
        else:
            out.append(spec[i])
            i += 1
    return "".join(out)


def u_tr(ctx: CommandContext) -> int:
    """`tr [-d] [-s] [-c] SET1 [SET2]`."""
    opts, sets, bad = _split_opts(ctx.argv, "dsc")
    if bad is not None:
        return _bad_opt(ctx, bad)
    if not sets:
        ctx.stderr.write(
            "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: tr [-cds] STRING1 [STRING2]\n"
        )
        return 1
    text = ctx.stdin.decode(errors="replace")
    s1 = _tr_set(sets[0])
    if "d" in opts:
        text = "".join(ch for ch in text if (ch in s1) == ("c" in opts))
        squeeze = _tr_set(sets[1]) if len(sets) > 1 else ""
    elif len(sets) > 1:
        s2 = _tr_set(sets[1])
        if s2:
            s2 = s2 + s2[-1] * max(0, len(s1) - len(s2))
            text = text.translate(str.maketrans(s1, s2[: len(s1)]))
        squeeze = s2
    else:
        squeeze = s1
    if "s" in opts and squeeze:
        text = re.sub("([" + re.escape(squeeze) + "])\\1+", r"\1", text)
    ctx.stdout.write(text)
    return 0


class _SedError(ValueError):
    """A sed script that does not parse (GNU wording; ``pos`` is the 1-based character)."""

    def __init__(self, message: str, pos: int) -> None:
        super().__init__(message)
        self.pos = pos


@dataclass
class _SedCmd:
    a1: Any = None  # None | int | "$" | compiled regex | ("step", first, step)
    a2: Any = None  # None | int | "$" | regex | ("plus", n)
    negate: bool = False
    name: str = ""
    arg: Any = None
    target: int = 0  # '{': index after the matching '}'
    active: bool = False  # inside a range
    end_line: int = 0


def _sed_regex(src: str, extended: bool, flags: str, last: list[re.Pattern[str]]) -> re.Pattern[str]:
    if src == "":
        if not last:
            raise _SedError("no previous regular expression", 0)
        return last[0]
    body = _posix_classes(src if extended else _bre_to_python(src)).replace("\\n", "\n")
    rx = re.compile(body, (re.I if "I" in flags or "i" in flags else 0) | (re.M if "M" in flags else 0))
    last[:] = [rx]
    return rx


def _sed_delimited(s: str, i: int, d: str) -> tuple[str, int]:
    """The text up to the next unescaped ``d`` (``\\d`` becomes ``d``) and the index after it."""
    out: list[str] = []
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            out.append(d if s[i + 1] == d else s[i : i + 2])
            i += 2
            continue
        if c == d:
            return "".join(out), i + 1
        if c == "\n" and d != "\n":
            break
        out.append(c)
        i += 1
    raise _SedError(f"unterminated `{'s' if d == '/' else 'y'}' command", i)


def _sed_parse(script: str, extended: bool) -> list[_SedCmd]:
    """Compile a GNU sed script: addresses (N, $, /re/, first~step, a1,a2, a1,+N, !) and the commands
    ``s y p P d D q Q n N = a i c h H g G x l { }``."""
    cmds: list[_SedCmd] = []
    opens: list[int] = []
    last: list[re.Pattern[str]] = []
    i, n = 0, len(script)

    def addr(i: int) -> tuple[Any, int]:
        if i < n and script[i].isdigit():
            j = i
            while j < n and script[j].isdigit():
                j += 1
            if j < n and script[j] == "~":
                k = j + 1
                while k < n and script[k].isdigit():
                    k += 1
                return ("step", int(script[i:j]), int(script[j + 1 : k] or 0)), k
            return int(script[i:j]), j
        if i < n and script[i] == "$":
            return "$", i + 1
        if i < n and script[i] in "/\\":
            d = "/"
            if script[i] == "\\":
                if i + 1 >= n:
                    raise _SedError("unexpected `,'", i + 1)
                d, i = script[i + 1], i + 1
            src, j = _sed_delimited(script, i + 1, d)
            fl = ""
            while j < n and script[j] in "IM":
                fl += script[j]
                j += 1
            return _sed_regex(src, extended, fl, last), j
        return None, i

    def text_arg(i: int) -> tuple[str, int]:
        """``a text``, ``a\\`` NEWLINE ``text`` (GNU one-liner and POSIX forms)."""
        while i < n and script[i] in " \t":
            i += 1
        if i < n and script[i] == "\\":
            i += 1
            if i < n and script[i] == "\n":
                i += 1
        out: list[str] = []
        while i < n and script[i] != "\n":
            if script[i] == "\\" and i + 1 < n:
                out.append(script[i + 1])
                i += 2
                continue
            out.append(script[i])
            i += 1
        return "".join(out), i

    while i < n:
        while i < n and script[i] in " \t\n;":
            i += 1
        if i >= n:
            break
        if script[i] == "#":
            while i < n and script[i] != "\n":
                i += 1
            continue
        cmd = _SedCmd()
        cmd.a1, i = addr(i)
        if cmd.a1 is not None and i < n and script[i] == ",":
            i += 1
            while i < n and script[i] == " ":
                i += 1
            if i < n and script[i] == "+":
                j = i + 1
                while j < n and script[j].isdigit():
                    j += 1
                cmd.a2, i = ("plus", int(script[i + 1 : j] or 0)), j
            else:
                cmd.a2, i = addr(i)
                if cmd.a2 is None:
                    raise _SedError("unexpected `,'", i)
        while i < n and script[i] in " \t":
            i += 1
        if i < n and script[i] == "!":
            cmd.negate = True
            i += 1
            while i < n and script[i] in " \t":
                i += 1
        if i >= n:
            raise _SedError("missing command", i)
        c = script[i]
        cmd.name = c
        i += 1
        if c == "{":
            opens.append(len(cmds))
        elif c == "}":
            if not opens or cmd.a1 is not None:
                raise _SedError("unexpected `}'", i)
            cmds[opens.pop()].target = len(cmds) + 1
        elif c == "s":
            if i >= n:
                raise _SedError("unterminated `s' command", i)
            d = script[i]
            pat, i = _sed_delimited(script, i + 1, d)
            rep, i = _sed_delimited(script, i, d)
            fl = ""
            while i < n and script[i] in "gpiIme0123456789":
                fl += script[i]
                i += 1
            if i < n and script[i] == "w":
                raise _SedError("the `w' flag is not supported here", i + 1)
            nth = int("".join(ch for ch in fl if ch.isdigit()) or 1)
            cmd.arg = (_sed_regex(pat, extended, "I" if ("i" in fl or "I" in fl) else "", last), rep,
                       "g" in fl, "p" in fl, nth)
        elif c == "y":
            d = script[i] if i < n else "/"
            src, i = _sed_delimited(script, i + 1, d)
            dst, i = _sed_delimited(script, i, d)
            src, dst = src.replace("\\n", "\n"), dst.replace("\\n", "\n")
            if len(src) != len(dst):
                raise _SedError("strings for `y' command are different lengths", i)
            cmd.arg = str.maketrans(src, dst)
        elif c in "aic":
            cmd.arg, i = text_arg(i)
        elif c in "qQ":
            j = i
            while j < n and script[j] in " \t":
                j += 1
            k = j
            while k < n and script[k].isdigit():
                k += 1
            cmd.arg, i = (int(script[j:k]) if k > j else 0), k
        elif c not in "pPdDnN=hHgGxl":
            raise _SedError(f"unknown command: `{c}'", i)
        cmds.append(cmd)
        while i < n and script[i] in " \t":
            i += 1
        if c != "{" and i < n and script[i] not in ";\n}#":
            raise _SedError("extra characters after command", i + 1)
    if opens:
        raise _SedError("unmatched `{'", n)
    return cmds


def _sed_expand(rep: str, m: re.Match[str]) -> str:
    out: list[str] = []
    i = 0
    while i < len(rep):
        c = rep[i]
        if c == "\\" and i + 1 < len(rep):
            nx = rep[i + 1]
            if nx.isdigit():
                out.append(m.group(int(nx)) or "")
            elif nx == "n":
                out.append("\n")
            elif nx == "t":
                out.append("\t")
            else:
                out.append(nx)
            i += 2
            continue
        out.append(m.group(0) if c == "&" else c)
        i += 1
    return "".join(out)


def _sed_subst(ps: str, arg: tuple[re.Pattern[str], str, bool, bool, int]) -> str | None:
    """``s///`` on the pattern space: the new text, or None when the Nth match does not exist."""
    rx, rep, glob, _pflag, nth = arg
    count = 0

    def sub(m: re.Match[str]) -> str:
        nonlocal count
        count += 1
        if count == nth or (glob and count > nth):
            return _sed_expand(rep, m)
        return m.group(0)

    new = rx.sub(sub, ps)
    return new if count >= nth else None


class _SedRun:
    """Runs compiled commands over a list of lines (GNU semantics: one stream unless -s/-i)."""

    def __init__(self, cmds: list[_SedCmd], quiet: bool) -> None:
        self.cmds = cmds
        self.quiet = quiet
        self.quit: int | None = None

    def _match1(self, a: Any, ln: int, last: bool, ps: str) -> bool:
        if isinstance(a, int):
            return ln == a
        if a == "$":
            return last
        if isinstance(a, tuple):
            first, step = a[1], a[2]
            return ln == first if step <= 0 else (ln >= first and (ln - first) % step == 0)
        return a.search(ps) is not None

    def _selected(self, c: _SedCmd, ln: int, last: bool, ps: str) -> bool:
        if c.a1 is None:
            hit = True
        elif c.a2 is None:
            hit = self._match1(c.a1, ln, last, ps)
        elif c.active:
            a2 = c.a2
            if isinstance(a2, tuple):
                hit, c.active = True, ln < c.end_line
            elif isinstance(a2, int):
                hit = ln <= a2
                c.active = ln < a2
                if not hit:
                    hit = False
            else:
                hit = True
                c.active = not self._match1(a2, ln, last, ps)
        elif self._match1(c.a1, ln, last, ps) or (c.a1 == 0 and ln == 1):
            hit = True
            a2 = c.a2
            if isinstance(a2, tuple):
                c.end_line = ln + a2[1]
                c.active = ln < c.end_line
            elif isinstance(a2, int):
                c.active = ln < a2
            elif a2 == "$":
                c.active = not last
            elif c.a1 == 0:
                c.active = a2.search(ps) is None
            else:
                c.active = True
        else:
            hit = False
        return hit != c.negate

    def run(self, lines: list[str], no_eol: bool) -> str:
        out: list[str] = []
        hold = ""
        idx = 0
        total = len(lines)
        ps = ""
        restart = False
        while idx < total or restart:
            if not restart:
                ps = lines[idx]
                idx += 1
            restart = False
            ln = idx
            append: list[str] = []
            pc = 0
            deleted = False
            while pc < len(self.cmds):
                c = self.cmds[pc]
                last = idx >= total
                if c.name == "}":
                    pc += 1
                    continue
                if not self._selected(c, ln, last, ps):
                    pc = c.target if c.name == "{" else pc + 1
                    continue
                pc += 1
                nm = c.name
                if nm == "{":
                    continue
                if nm == "s":
                    new = _sed_subst(ps, c.arg)
                    if new is not None:
                        ps = new
                        if c.arg[3]:
                            out.append(ps + "\n")
                elif nm == "y":
                    ps = ps.translate(c.arg)
                elif nm == "p":
                    out.append(ps + "\n")
                elif nm == "P":
                    out.append(ps.split("\n", 1)[0] + "\n")
                elif nm == "d":
                    deleted = True
                    break
                elif nm == "D":
                    if "\n" not in ps:
                        deleted = True
                        break
                    ps = ps.split("\n", 1)[1]
                    out.extend(append)
                    restart = True
                    break
                elif nm == "=":
                    out.append(f"{ln}\n")
                elif nm == "a":
                    append.append(c.arg + "\n")
                elif nm == "i":
                    out.append(c.arg + "\n")
                elif nm == "c":
                    if c.a2 is None or not c.active or c.negate:
                        out.append(c.arg + "\n")
                    deleted = True
                    break
                elif nm == "h":
                    hold = ps
                elif nm == "H":
                    hold += "\n" + ps
                elif nm == "g":
                    ps = hold
                elif nm == "G":
                    ps += "\n" + hold
                elif nm == "x":
                    ps, hold = hold, ps
                elif nm == "l":
                    out.append(ps.encode("unicode_escape").decode().replace("$", "\\$") + "$\n")
                elif nm in "nN":
                    if idx >= total:  # GNU: at the end of input n and N end the script (autoprint)
                        break
                    if nm == "n":
                        if not self.quiet:
                            out.append(ps + "\n")
                        out.extend(append)
                        append = []
                        ps = lines[idx]
                    else:
                        out.extend(append)
                        append = []
                        ps += "\n" + lines[idx]
                    idx += 1
                    ln = idx
                elif nm == "q":
                    self.quit = c.arg
                    break
                elif nm == "Q":
                    self.quit = c.arg
                    deleted = True
                    break
            if restart:
                continue
            if not deleted and not self.quiet:
                out.append(ps + "\n")
            out.extend(append)
            if self.quit is not None:
                break
        text = "".join(out)
        if no_eol and text.endswith("\n") and self.quit is None and idx >= total:
            text = text[:-1]
        return text


def u_sed(ctx: CommandContext) -> int:
    """`sed [-n] [-E|-r] [-s] [-i[SFX]] [-e SCRIPT]... [-f FILE] [SCRIPT] [FILE...]` with GNU semantics."""
    args = ctx.argv[1:]
    scripts: list[str] = []
    files: list[str] = []
    quiet = in_place = extended = separate = False
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            files.extend(args[i + 1 :])
            break
        if a in ("-e", "--expression", "-f", "--file") and i + 1 < len(args):
            if a in ("-f", "--file"):
                data = _read_input(ctx, args[i + 1])
                if data is None:
                    return 1
                scripts.append(data.decode(errors="replace").rstrip("\n"))
            else:
                scripts.append(args[i + 1])
            i += 2
            continue
        if a.startswith("-e") and len(a) > 2:
            scripts.append(a[2:])
        elif a in ("-n", "--quiet", "--silent"):
            quiet = True
        elif a in ("-E", "-r", "--regexp-extended"):
            extended = True
        elif a in ("-s", "--separate"):
            separate = True
        elif a.startswith("-i") or a.startswith("--in-place"):
            in_place = True
        elif a.startswith("-") and len(a) > 1 and all(ch in "nErs" for ch in a[1:]):
            quiet |= "n" in a
            extended |= "E" in a or "r" in a
            separate |= "s" in a
        elif not scripts:
            scripts.append(a)
        else:
            files.append(a)
        i += 1
    if not scripts:
        ctx.stderr.write(
            "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: sed [-i[SFX]] [-nrE] [-f FILE]... [-e CMD]... [FILE]...\n"
        )
        return 1
    try:
        cmds = _sed_parse("\n".join(scripts), extended)
    except _SedError as e:
        ctx.error(f"-e expression #1, char {e.pos}: {e}" if _bash(ctx) else str(e))
        return 1
    except re.error as e:
        ctx.error(f"-e expression #1, char 0: {e}" if _bash(ctx) else str(e))
        return 1
    if in_place and not files:
        ctx.error("no input files")
        return 1 if _bash(ctx) else 1

    def split(text: str) -> tuple[list[str], bool]:
        no_eol = bool(text) and not text.endswith("\n")
        lines = text.split("\n")
        if not no_eol:
            lines = lines[:-1]
        return lines, no_eol

    status = 0
    if in_place or separate:
        for f in files or ["-"]:
            data = _read_input(ctx, f)
            if data is None:
                status = 2 if _bash(ctx) else 1
                continue
            runner = _SedRun(cmds, quiet)
            for c in cmds:
                c.active = False
            text = runner.run(*split(data.decode(errors="replace")))
            if in_place:
                ctx.vfs.write(ctx.path(f), text.encode())
            else:
                ctx.stdout.write(text)
            if runner.quit is not None:
                return runner.quit or status
        return status
    chunks: list[str] = []
    for _n, data in _inputs(ctx, files):
        if data is None:
            status = 2 if _bash(ctx) else 1
            continue
        chunks.append(data.decode(errors="replace"))
    joined = ""
    for ch in chunks:  # GNU reads the files as one stream; a file without a final newline still ends a line
        joined += ch if (not joined or joined.endswith("\n")) else "\n" + ch
    runner = _SedRun(cmds, quiet)
    ctx.stdout.write(runner.run(*split(joined)))
    return runner.quit if runner.quit is not None and runner.quit else status


def u_awk(ctx: CommandContext) -> int:
    """`awk [-F SEP] '[/RE/|NR==N|$N=="x"] {print ITEMS}'` — the print subset only."""
    args = ctx.argv[1:]
    sep: str | None = None
    variables: dict[str, str] = {}
    while args and args[0].startswith("-") and len(args[0]) > 1:
        a = args.pop(0)
        if a == "-F":
            sep = args.pop(0) if args else " "
        elif a.startswith("-F"):
            sep = a[2:]
        elif a == "-v" and args:
            k, _, v = args.pop(0).partition("=")
            variables[k] = v
    if not args:
        ctx.stderr.write(
            "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: awk [OPTIONS] [AWK_PROGRAM] [FILE]...\n"
        )
        return 1
    prog = args.pop(0).strip()
    m = re.fullmatch(r"(?s)(.*?)\s*\{\s*(.*?)\s*;?\s*\}\s*", prog)
    if m is None:
        ctx.error("cmd. line:1: Unexpected token")
        return 2
    cond, action = m.group(1).strip(), m.group(2).strip()
    if action and not action.startswith("print"):
        ctx.error("cmd. line:1: only '{print ...}' programs are supported here")
        return 2
    items = _awk_items(action[5:].strip()) if action.startswith("print") else []
    if sep == "\\t":
        sep = "\t"
    out = []
    nr = 0
    status = 0
    for _n, data in _inputs(ctx, args):
        if data is None:
            status = 2
            continue
        for ln in data.decode(errors="replace").splitlines():
            nr += 1
            if sep is None or sep == " ":
                fields = ln.split()
            elif len(sep) == 1:
                fields = ln.split(sep)
            else:
                fields = re.split(sep, ln)

            def val(tok: str, fields: list[str] = fields, ln: str = ln, nr: int = nr) -> str:
                if tok.startswith('"'):
                    return _escapes(tok[1:-1])[0]
                if tok == "NR":
                    return str(nr)
                if tok == "NF":
                    return str(len(fields))
                if tok.startswith("$"):
                    idx_s = tok[1:].strip("()")
                    if idx_s == "NF":
                        idx = len(fields)
                    elif re.fullmatch(r"NF-\d+", idx_s):
                        idx = len(fields) - int(idx_s[3:])
                    else:
                        idx = _to_int(idx_s)
                    if idx == 0:
                        return ln
                    return fields[idx - 1] if 0 < idx <= len(fields) else ""
                return variables.get(tok, tok if re.fullmatch(r"-?\d+(\.\d+)?", tok) else "")

            if cond and not _awk_cond(cond, val, ln):
                continue
            if not items:
                out.append(ln)
            else:
                out.append(" ".join("".join(val(t) for t in group) for group in items))
    if out:
        ctx.stdout.write("\n".join(out) + "\n")
    return status


def _awk_items(text: str) -> list[list[str]]:
    groups: list[list[str]] = []
    cur: list[str] = []
    for tok in re.findall(
        r'"(?:\\.|[^"])*"|\$\(?[A-Za-z0-9_\-]+\)?|,|[A-Za-z_][A-Za-z0-9_]*|-?\d+(?:\.\d+)?', text
    ):
        if tok == ",":
            groups.append(cur)
            cur = []
        else:
            cur.append(tok)
    groups.append(cur)
    return [g for g in groups if g]


def _awk_cond(cond: str, val: Callable[[str], str], ln: str) -> bool:
    m = re.fullmatch(r"(!?)/(.*)/", cond)
    if m:
        return bool(re.search(m.group(2), ln)) != bool(m.group(1))
    m = re.fullmatch(r'(\$?\w+|NR|NF)\s*(==|!=|>=|<=|>|<|~)\s*("(?:[^"]*)"|\S+)', cond)
    if m:
        left = val(m.group(1))
        right_tok = m.group(3)
        right = (
            right_tok[1:-1]
            if right_tok.startswith('"')
            else val(right_tok)
            if right_tok.startswith("$")
            else right_tok
        )
        op = m.group(2)
        if op == "~":
            return bool(re.search(right.strip("/"), left))
        try:
            lf, rf = float(left), float(right)
            return {
                "==": lf == rf,
                "!=": lf != rf,
                ">": lf > rf,
                "<": lf < rf,
                ">=": lf >= rf,
                "<=": lf <= rf,
            }[op]
        except ValueError:
            return {
                "==": left == right,
                "!=": left != right,
                ">": left > right,
                "<": left < right,
                ">=": left >= right,
                "<=": left <= right,
            }[op]
    return bool(cond)


def u_seq(ctx: CommandContext) -> int:
    """`seq [-s SEP] [FIRST [INC]] LAST`."""
    args = ctx.argv[1:]
    sep = "\n"
    if len(args) >= 2 and args[0] == "-s":
        sep = args[1]
        args = args[2:]
    try:
        nums = [float(a) if "." in a else int(a) for a in args]
    except ValueError:
        bad = next(a for a in args if not re.fullmatch(r"-?\d+(\.\d+)?", a))
        ctx.error(f"invalid number '{bad}'")
        return 1
    if not nums or len(nums) > 3:
        ctx.stderr.write(
            "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: seq [-w] [-s SEP] [FIRST [INC]] LAST\n"
        )
        return 1
    first, inc, last = (
        (1, 1, nums[0]) if len(nums) == 1 else (nums[0], 1, nums[1]) if len(nums) == 2 else tuple(nums)
    )
    if inc == 0:
        return 1
    out = []
    x = first
    while (x <= last) if inc > 0 else (x >= last):
        out.append(str(x))
        if len(out) > 1_000_000 or len(out) * 8 > ctx.stdout.room():
            break
        x += inc
    if out:
        ctx.stdout.write(sep.join(out) + "\n")
    return 0


def u_basename(ctx: CommandContext) -> int:
    """`basename NAME [SUFFIX]`."""
    if len(ctx.argv) < 2:
        ctx.stderr.write(
            "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: basename FILE [SUFFIX]\n"
        )
        return 1
    name = ctx.argv[1].rstrip("/") or "/"
    base = name.rsplit("/", 1)[-1] if name != "/" else "/"
    if len(ctx.argv) > 2 and base.endswith(ctx.argv[2]) and base != ctx.argv[2]:
        base = base[: -len(ctx.argv[2])]
    ctx.stdout.write(base + "\n")
    return 0


def u_dirname(ctx: CommandContext) -> int:
    """`dirname NAME`."""
    if len(ctx.argv) < 2:
        ctx.stderr.write(
            "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: dirname FILENAME\n"
        )
        return 1
    name = ctx.argv[1].rstrip("/") or "/"
    d = posixpath.dirname(name).rstrip("/") or ("/" if name.startswith("/") else ".")
    ctx.stdout.write(d + "\n")
    return 0


def strftime(fmt: str, ts: float) -> str:
    """A UTC strftime for the virtual clock (no host locale or timezone)."""
    t = _dt.datetime.fromtimestamp(ts, _dt.UTC)
    codes = {
        "a": t.strftime("%a"), "A": t.strftime("%A"), "b": t.strftime("%b"), "B": t.strftime("%B"),
        "h": t.strftime("%b"), "d": f"{t.day:02d}", "e": f"{t.day:2d}", "H": f"{t.hour:02d}",
        "I": f"{(t.hour % 12) or 12:02d}", "M": f"{t.minute:02d}", "S": f"{t.second:02d}", "Y": str(t.year),
        "y": f"{t.year % 100:02d}", "m": f"{t.month:02d}", "j": f"{t.timetuple().tm_yday:03d}", "Z": "UTC",
        "z": "+0000", "s": str(int(ts)), "p": "AM" if t.hour < 12 else "PM", "u": str(t.isoweekday()),
        "w": str(t.isoweekday() % 7), "n": "\n", "t": "\t", "%": "%", "N": f"{int((ts % 1) * 1e9):09d}",
        "T": f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}", "D": f"{t.month:02d}/{t.day:02d}/{t.year % 100:02d}",
        "F": f"{t.year}-{t.month:02d}-{t.day:02d}", "R": f"{t.hour:02d}:{t.minute:02d}",
        "c": t.strftime("%a %b ") + f"{t.day:2d} {t.hour:02d}:{t.minute:02d}:{t.second:02d} {t.year}",
    }  # fmt: skip
    return re.sub(r"%(.)", lambda m: codes.get(m.group(1), m.group(0)), fmt)


def u_date(ctx: CommandContext) -> int:
    """`date [-u] [-d @SECONDS] [+FORMAT]` on the virtual clock (always UTC)."""
    ts = ctx.shell.now()
    fmt = "%a %b %e %H:%M:%S %Z %Y"
    args = ctx.argv[1:]
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("+"):
            fmt = a[1:]
        elif a in ("-d", "--date") and i + 1 < len(args):
            v = args[i + 1]
            i += 1
            if v.startswith("@") and re.fullmatch(r"@-?\d+(\.\d+)?", v):
                ts = float(v[1:])
            else:
                ctx.error(f"invalid date '{v}'")
                return 1
        elif a in ("-u", "-R", "-I"):
            if a == "-R":
                fmt = "%a, %d %b %Y %H:%M:%S %z"
            elif a == "-I":
                fmt = "%Y-%m-%d"
        else:
            ctx.error(f"invalid date '{a}'")
            return 1
        i += 1
    ctx.stdout.write(strftime(fmt, ts) + "\n")
    return 0


_SLEEP_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_sleep(arg: str) -> float | None:
    """Seconds for a sleep operand like `30`, `1.5`, `2m`, `1h` (None when invalid)."""
    m = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)([smhd]?)", arg)
    if not m:
        return None
    return float(m.group(1)) * _SLEEP_UNITS[m.group(2)]


def u_sleep(ctx: CommandContext) -> int:
    """`sleep N[smhd]...` in virtual time."""
    if len(ctx.argv) < 2:
        ctx.stderr.write(
            "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: sleep [N]...\n"
        )
        return 1
    total = 0.0
    for a in ctx.argv[1:]:
        if a == "infinity":
            total += 10 * 365 * 86400.0
            continue
        secs = parse_sleep(a)
        if secs is None:
            ctx.error(f"invalid number '{a}'")
            return 1
        total += secs
    ctx.sleep(total)
    return 0


def u_tee(ctx: CommandContext) -> int:
    """`tee [-a] [FILE...]`."""
    append = "-a" in ctx.argv[1:]
    data = ctx.stdin
    ctx.io.stdin.consume()
    status = 0
    for f in ctx.argv[1:]:
        if f == "-a":
            continue
        try:
            ctx.vfs.write(ctx.path(f), data, append=append)
        except VFSError as e:
            ctx.error(f"can't open '{f}': {e.strerror}")
            status = 1
    ctx.stdout.write(data)
    return status


def u_xargs(ctx: CommandContext) -> int:
    """`xargs [-n N] [-I REPL] [-r] [CMD [ARGS]]` (default CMD is echo)."""
    args = ctx.argv[1:]
    per: int | None = None
    repl: str | None = None
    no_run_empty = False
    while args and args[0].startswith("-"):
        a = args.pop(0)
        if a == "-n" and args:
            per = _to_int(args.pop(0))
        elif a.startswith("-n") and a[2:].isdigit():
            per = int(a[2:])
        elif a == "-I" and args:
            repl = args.pop(0)
        elif a == "-r":
            no_run_empty = True
        elif a == "-0":
            pass
        elif a == "--":
            break
    cmd = args or ["echo"]
    text = ctx.stdin.decode(errors="replace")
    ctx.io.stdin.consume()
    status = 0
    if repl is not None:
        for ln in text.splitlines():
            if not ln.strip():
                continue
            code = ctx.shell.run_command([c.replace(repl, ln) for c in cmd], _child_io(ctx), {})
            status = status or (123 if code else 0)
        return status
    try:
        items = shlex.split(text)
    except ValueError:
        items = text.split()
    if not items:
        if no_run_empty:
            return 0
        return ctx.shell.run_command(cmd, _child_io(ctx), {})
    batches = [items] if not per else [items[i : i + per] for i in range(0, len(items), per)]
    for batch in batches:
        code = ctx.shell.run_command(cmd + batch, _child_io(ctx), {})
        if code == 127:
            return 127
        if code:
            status = 123
    return status


def _child_io(ctx: CommandContext) -> IO:
    return IO(InStream(), ctx.stdout, ctx.stderr)


def u_base64(ctx: CommandContext) -> int:
    """`base64 [-d] [-w COLS] [FILE]` (coreutils' long options too on the bash-like workstation)."""
    argv = []
    for a in ctx.argv:
        if a == "--decode":
            a = "-d"
        elif a == "--ignore-garbage":
            a = "-i"
        elif a.startswith("--wrap="):
            argv += ["-w", a.split("=", 1)[1]]
            continue
        argv.append(a)
    ctx.argv = argv
    opts, files, bad = _split_opts(ctx.argv, "di", "w")
    if bad is not None:
        return _bad_opt(ctx, bad)
    data = _read_input(ctx, files[0] if files else "-")
    if data is None:
        return 1
    if "d" in opts:
        try:
            clean = b"".join(data.split())
            ctx.stdout.write(_b64.b64decode(clean + b"=" * (-len(clean) % 4)))
        except ValueError:
            ctx.error("invalid input")
            return 1
        return 0
    enc = _b64.b64encode(data).decode()
    width = _to_int(opts["w"]) if "w" in opts else 76
    if width > 0:
        enc = "\n".join(enc[i : i + width] for i in range(0, len(enc), width))
    ctx.stdout.write(enc + "\n" if enc else "")
    return 0


def u_which(ctx: CommandContext) -> int:
    """`which NAME...`."""
    status = 0
    for n in ctx.argv[1:]:
        found = ctx.shell.lookup(n)
        if (
            found is None
            or found[0] == "function"
            or (found[0] == "builtin" and n not in ("echo", "printf", "test", "[", "true", "false", "pwd"))
        ):
            status = 1
            continue
        ctx.stdout.write(_path_of(ctx, n) + "\n")
    return status


def u_hostname(ctx: CommandContext) -> int:
    """`hostname [-i|-f|-d|-s]` (-f/-d take the canonical name from /etc/hosts, as gethostbyname does)."""
    args = ctx.argv[1:]
    if "-i" in args:
        ip = ctx.env.get("POD_IP") or ctx.shell.vars.get("POD_IP")
        ctx.stdout.write((ip or "127.0.0.1") + "\n")
        return 0
    name = ctx.shell.hostname
    if "-s" in args:
        ctx.stdout.write(name.split(".", 1)[0] + "\n")
        return 0
    if "-f" in args or "-d" in args:
        fqdn = _canonical_name(ctx, name)
        if "-d" in args:
            domain = fqdn.split(".", 1)[1] if "." in fqdn else ""
            ctx.stdout.write(domain + "\n")
        else:
            ctx.stdout.write(fqdn + "\n")
        return 0
    ctx.stdout.write(name + "\n")
    return 0


def _canonical_name(ctx: CommandContext, name: str) -> str:
    """The first name of the /etc/hosts line that lists ``name`` (the resolver's canonical ``h_name``)."""
    try:
        text = ctx.vfs.read("/etc/hosts").decode(errors="replace")
    except VFSError:
        return name
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) >= 2 and name in fields[1:]:
            return fields[1]
    return name


def u_id(ctx: CommandContext) -> int:
    """`id [-u|-g|-n]`."""
    name, uid, gid = ctx.shell.user
    args = ctx.argv[1:]
    if "-u" in args:
        ctx.stdout.write((name if "-n" in args else str(uid)) + "\n")
    elif "-g" in args:
        ctx.stdout.write((name if "-n" in args else str(gid)) + "\n")
    else:
        ctx.stdout.write(f"uid={uid}({name}) gid={gid}({name}) groups={gid}({name})\n")
    return 0


def u_whoami(ctx: CommandContext) -> int:
    """`whoami`."""
    ctx.stdout.write(ctx.shell.user[0] + "\n")
    return 0


def u_uname(ctx: CommandContext) -> int:
    """`uname [-asnrvmo]`."""
    sh = ctx.shell
    info = {
        "s": "Linux", "n": sh.hostname, "r": getattr(sh, "kernel_release", "6.8.0-49-generic"),
        "v": getattr(sh, "kernel_version", "#49-Ubuntu SMP PREEMPT_DYNAMIC Mon Nov  4 02:06:24 UTC 2024"),
        "m": "x86_64", "o": "GNU/Linux",
    }  # fmt: skip
    flags = "".join(a[1:] for a in ctx.argv[1:] if a.startswith("-"))
    if "a" in flags:
        keys = "snrvmo"
    else:
        keys = "".join(k for k in "snrvmo" if k in flags) or "s"
    ctx.stdout.write(" ".join(info[k] for k in keys) + "\n")
    return 0


def u_yes(ctx: CommandContext) -> int:
    """`yes [STRING]`: stops when the pipe buffer (or the output cap) is full."""
    line = ((" ".join(ctx.argv[1:]) if len(ctx.argv) > 1 else "y") + "\n").encode()
    chunk = line * max(1, 4096 // len(line))
    while True:
        room = ctx.stdout.room()
        if room < len(chunk):
            if ctx.stdout.cap is None and isinstance(ctx.stdout, type(ctx.stdout)) is not False:
                pass
            whole = room // len(line)
            if whole:
                ctx.stdout.write(line * whole)
            if ctx.stdout.cap is None:
                ctx.stdout.write(line)  # the terminal never fills: hit the output cap
            return 0
        ctx.stdout.write(chunk)


def u_env(ctx: CommandContext) -> int:
    """`env [-i] [NAME=VALUE...] [CMD [ARGS]]`."""
    args = ctx.argv[1:]
    env = dict(ctx.env)
    if args and args[0] in ("-i", "-"):
        env = {}
        args = args[1:]
    while args and "=" in args[0] and re.match(r"[A-Za-z_][A-Za-z0-9_]*=", args[0]):
        k, _, v = args.pop(0).partition("=")
        env[k] = v
    if not args:
        ctx.stdout.write("".join(f"{k}={v}\n" for k, v in env.items()))
        return 0
    found = ctx.shell.lookup(args[0])
    if (
        found is None
        or found[0] in ("function",)
        or (
            found[0] == "builtin"
            and args[0] not in ("echo", "printf", "test", "[", "true", "false", "pwd", "sh")
        )
    ):
        ctx.error(f"can't execute '{args[0]}': No such file or directory")
        return 127
    return ctx.shell._call(found[1], args, ctx.io, env)


def u_printenv(ctx: CommandContext) -> int:
    """`printenv [NAME...]`."""
    if len(ctx.argv) == 1:
        ctx.stdout.write("".join(f"{k}={v}\n" for k, v in ctx.env.items()))
        return 0
    status = 0
    for n in ctx.argv[1:]:
        if n in ctx.env:
            ctx.stdout.write(ctx.env[n] + "\n")
        else:
            status = 1
    return status


def u_sh(ctx: CommandContext) -> int:
    """`sh [-e] [-x] -c SCRIPT [ARG0 [ARGS]]`, `sh FILE [ARGS]` or `sh` reading the script from stdin."""
    sh = ctx.shell
    args = ctx.argv[1:]
    opts: set[str] = set()
    script: str | None = None
    while args and args[0].startswith("-") and len(args[0]) > 1:
        a = args.pop(0)
        if a == "--":
            break
        for c in a[1:]:
            if c == "c":
                if not args:
                    ctx.stderr.write(
                        f"{ctx.argv[0]}: -c requires an argument\n"
                        if _bash(ctx)
                        else f"{sh.name}: -c requires an argument\n"
                    )
                    return 2
                script = args.pop(0)
            else:
                opts.add(c)
    call_args: list[str]
    if script is None:
        if args:
            fname = args[0]
            try:
                script = ctx.vfs.read(ctx.path(fname)).decode(errors="replace")
            except VFSError as e:
                if _bash(ctx):
                    ctx.stderr.write(f"{ctx.argv[0]}: {fname}: {e.strerror}\n")
                    return 127
                ctx.stderr.write(f"{sh.name}: can't open '{fname}': {e.strerror}\n")
                return 2
            call_args = args
        else:
            script = ctx.stdin.decode(errors="replace")
            ctx.io.stdin.consume()
            call_args = [ctx.argv[0]]
    else:
        call_args = args if args else [ctx.argv[0]]
    saved_opts = None
    if opts & {"e", "u", "x"}:
        saved_opts = opts & {"e", "u", "x"}
    return _child(ctx, script, call_args, saved_opts)


def _child(ctx: CommandContext, script: str, args: list[str], opts: set[str] | None) -> int:
    sh = ctx.shell
    if opts:
        prefix = "set -" + "".join(sorted(opts)) + "\n"
        script = prefix + script
    return sh.child_shell(script, ctx.io, ctx.env, args)


# ==========================================================================================================
# Tables


SHELL_BUILTINS: dict[str, Builtin] = {
    ":": b_colon, "true": b_colon, "false": b_false, "echo": b_echo, "printf": b_printf, "cd": b_cd,
    "pwd": b_pwd, "exit": b_exit, "return": b_return, "break": _loopctl("break"),
    "continue": _loopctl("continue"), "export": b_export, "unset": b_unset, "set": b_set, "shift": b_shift,
    "read": b_read, "eval": b_eval, ".": b_source, "source": b_source, "local": b_local, "test": b_test,
    "[": b_test, "type": b_type, "command": b_command, "exec": b_exec, "trap": b_noop, "wait": b_noop,
    "umask": b_noop, "ulimit": b_noop, "alias": b_noop, "hash": b_noop, "readonly": b_export,
}  # fmt: skip

UTILITIES: dict[str, Builtin] = {
    "cat": u_cat, "touch": u_touch, "rm": u_rm, "mkdir": u_mkdir, "ls": u_ls, "head": u_head, "tail": u_tail,
    "grep": u_grep, "egrep": u_grep, "wc": u_wc, "sort": u_sort, "uniq": u_uniq, "cut": u_cut, "tr": u_tr,
    "sed": u_sed, "awk": u_awk, "seq": u_seq, "basename": u_basename, "dirname": u_dirname, "date": u_date,
    "sleep": u_sleep, "tee": u_tee, "xargs": u_xargs, "base64": u_base64, "which": u_which,
    "hostname": u_hostname, "id": u_id, "whoami": u_whoami, "uname": u_uname, "yes": u_yes, "env": u_env,
    "printenv": u_printenv, "sh": u_sh, "true": b_colon, "false": b_false, "echo": b_echo, "printf": b_printf,
    "test": b_test, "[": b_test, "pwd": b_pwd, "readlink": u_readlink, "ln": u_ln,
}  # fmt: skip

__all__ = ["SHELL_BUILTINS", "UTILITIES", "ShellLimitExceeded", "PIPE_BUFFER", "parse_sleep", "strftime"]
