"""``k8stutor shell``: a REPL on a terminal, a transcript runner on a pipe.

Each command line runs on the workstation (the safe mini-shell with kubectl, ssh, sim, sleep). A bad line
prints its error and the session goes on; the exit status is 0 only if every command succeeded.
"""

from __future__ import annotations

import codecs
import gc
import os
import re
import shlex
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TextIO

from ..engine.cluster import Cluster, StateFileError
from ..engine.presets import PRESETS
from ..engine.runtime.sh import ShResult, needs_more_input
from ..kubectl.result import INTERRUPTED, Stream
from .workstation import Workstation

BANNER = (
    "k8stutor shell — a simulated Kubernetes v1.32 cluster ({preset}, seed {seed}).\n"
    "Type kubectl (alias k) and helm commands; `sleep 30s` lets virtual time pass; `ssh NODE CMD` looks inside a "
    "node; `sim` shows what only a simulator can do; `exit` leaves.\n"
)


def make_workstation(preset: str = "classroom", seed: int = 0, state: str | None = None,
                     cwd: str | None = None, epoch: float | None = None) -> Workstation:
    """Build the session: from a state file if it exists, else a fresh cluster from the preset."""
    env = {k: v for k, v in os.environ.items() if k in ("EDITOR", "KUBE_EDITOR")}
    if state and os.path.exists(state):
        return Workstation.from_state(state, cwd=cwd, env=env)
    if preset not in PRESETS:
        raise StateFileError(f"unknown preset {preset!r}; choose one of: {', '.join(PRESETS)}")
    return Workstation(Cluster(preset=preset, seed=seed, epoch=epoch), cwd=cwd, env=env)


def split_commands(lines: Iterable[str]) -> Iterator[str]:
    """Group input lines into whole commands (heredocs, loops and continuations span lines);
    blank lines and ``#`` comment lines between commands are skipped."""
    buf: list[str] = []
    for raw in lines:
        line = raw.rstrip("\n")
        if not buf and (not line.strip() or line.lstrip().startswith("#")):
            continue
        buf.append(line)
        text = "\n".join(buf)
        if not needs_more_input(text):
            yield text
            buf = []
    if buf:
        yield "\n".join(buf)


def _write(stream: TextIO, data: bytes) -> None:
    if not data:
        return
    stream.write(data.decode("utf-8", errors="replace"))
    stream.flush()


def write_result(res: ShResult, out: TextIO, err: TextIO) -> None:
    """A command line's output, stdout and stderr interleaved in the order the commands wrote them."""
    if not res.chunks:
        _write(out, res.stdout)
        _write(err, res.stderr)
        return
    decoders = {1: codecs.getincrementaldecoder("utf-8")("replace"), 2: codecs.getincrementaldecoder("utf-8")("replace")}
    for fd, data in res.chunks:
        (out if fd == 1 else err).write(decoders[fd].decode(data))
    out.write(decoders[1].decode(b"", final=True))
    err.write(decoders[2].decode(b"", final=True))
    out.flush()
    err.flush()


# Shell syntax that makes a line more than one plain kubectl command (pipes, lists, redirections, expansions):
# such a line runs to completion as in a transcript.
_SHELL_SYNTAX = re.compile(r"[|;&<>`$(){}*?\[\]\n]")
# Wall seconds between two looks at a streaming command in the REPL (virtual time runs at 1x meanwhile).
STREAM_TICK = 0.1


def streamable(line: str) -> bool:
    """True for one plain ``kubectl``/``k`` command line: it may keep running and stream its output."""
    if _SHELL_SYNTAX.search(line):
        return False
    try:
        argv = shlex.split(line)
    except ValueError:
        return False
    return bool(argv) and argv[0] in ("kubectl", "k")


def run_streaming(
    ws: Workstation, cmd: str, out: TextIO, err: TextIO, sleep: Callable[[float], None] = time.sleep
) -> int:
    """Run a line for a terminal: a command that waits (get -w, rollout status, wait, logs -f) prints as
    virtual time runs at wall speed, until it ends or Ctrl+C (KeyboardInterrupt) stops it."""
    streams: list[Stream] = []
    ws.kubectl.on_stream = streams.append
    try:
        res = run_line(ws, cmd, err)
    finally:
        ws.kubectl.on_stream = None
    write_result(res, out, err)
    if not streams:
        return res.exit_code
    stream = streams[-1]
    try:
        while not stream.done:
            sleep(STREAM_TICK)
            ws.cluster.advance(STREAM_TICK)
            _write_text(out, err, stream.poll())
    except KeyboardInterrupt:
        _write_text(out, err, stream.cancel())
        out.write("^C\n")
        out.flush()
        return INTERRUPTED
    return stream.exit_code


def _write_text(out: TextIO, err: TextIO, chunk: tuple[str, str]) -> None:
    for stream, text in zip((out, err), chunk, strict=True):
        if text:
            stream.write(text)
            stream.flush()


def _run_printed(ws: Workstation, cmd: str, out: TextIO, err: TextIO) -> int:
    res = run_line(ws, cmd, err)
    write_result(res, out, err)
    return res.exit_code


def run_transcript(ws: Workstation, lines: Iterable[str], out: TextIO, err: TextIO, echo: bool = False) -> int:
    """Run every command of a transcript; returns the exit status (0 only if all succeeded)."""
    status = 0
    for cmd in split_commands(lines):
        if echo:
            first, *rest = cmd.split("\n")
            out.write(f"$ {first}\n" + "".join(f"> {r}\n" for r in rest))
            out.flush()
        if cmd.strip() in ("exit", "logout", "quit"):
            break
        res = run_line(ws, cmd, err)
        write_result(res, out, err)
        if res.exit_code != 0:
            status = 1
    return status


def run_line(ws: Workstation, cmd: str, err: TextIO) -> ShResult:
    try:
        return ws.run(cmd)
    except RecursionError:
        return ShResult(b"", b"k8stutor: the command nested too deeply and was stopped\n", 1)
    except Exception as e:  # never lose the session to one bad line
        import traceback

        detail = "".join(traceback.format_exception_only(type(e), e)).strip()
        return ShResult(b"", f"k8stutor: internal error while running this command ({detail}); the cluster "
                             "state is unchanged where the command failed. Please report it.\n".encode(), 1)


def repl(ws: Workstation, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Interactive loop with readline history (persisted) and completion."""
    try:
        import readline
    except ImportError:  # pragma: no cover - platforms without readline
        readline = None  # type: ignore[assignment]
    hist = _history_path()
    if readline is not None:
        try:
            if hist and os.path.exists(hist):
                readline.read_history_file(hist)
        except OSError:
            pass
        from .completion import Completer

        completer = Completer(ws)
        readline.set_completer(completer.complete)
        readline.set_completer_delims(" \t\n;|&")
        readline.parse_and_bind("tab: complete")
    out.write(BANNER.format(preset=ws.cluster.preset_name, seed=ws.cluster.seed))
    status = 0
    while True:
        try:
            line = input("$ ")
            buf = [line]
            while needs_more_input("\n".join(buf)):
                buf.append(input("> "))
        except EOFError:
            out.write("\n")
            break
        except KeyboardInterrupt:
            out.write("^C\n")
            continue
        cmd = "\n".join(buf)
        if not cmd.strip():
            continue
        if cmd.strip() in ("exit", "logout", "quit"):
            break
        try:
            status = run_streaming(ws, cmd, out, err) if streamable(cmd) else _run_printed(ws, cmd, out, err)
        except KeyboardInterrupt:
            # Ctrl+C while a command ran in place: the cluster keeps what it did so far; the prompt is back.
            out.write("^C\n")
            status = INTERRUPTED
    if readline is not None and hist:
        try:
            os.makedirs(os.path.dirname(hist), exist_ok=True)
            readline.write_history_file(hist)
        except OSError:
            pass
    return status


def _history_path() -> str | None:
    try:
        from platformdirs import user_data_dir
    except ImportError:  # pragma: no cover
        return None
    return os.path.join(user_data_dir("k8stutor", appauthor=False), "shell_history")


def main(preset: str, seed: int, state: str | None, echo: bool, stdin: TextIO = sys.stdin,
         out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    try:
        ws = make_workstation(preset, seed, state)
    except StateFileError as e:
        err.write(f"k8stutor: {e}\n")
        return 1
    # The bootstrapped cluster lives for the whole session: keep the cyclic GC from rescanning it.
    gc.freeze()
    if stdin.isatty():
        status = repl(ws, out, err)
    else:
        status = run_transcript(ws, stdin, out, err, echo)
    if state:
        try:
            ws.save(state)
        except OSError as e:
            err.write(f"k8stutor: could not save the cluster to {state}: {e.strerror}\n")
            return 1
    return status
