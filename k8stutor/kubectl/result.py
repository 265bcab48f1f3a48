"""What a kubectl (or helm) command returns: its output, its exit code and the objects it touched.

A command that waits (``get -w``, ``rollout status``, ``wait``, ``logs -f``) runs in one of two ways. By
default it moves virtual time itself until it is done (or until its own timeout), so a transcript prints the
same bytes every time. A host that can show output as it arrives (the app's prompt, the interactive shell)
opts in by installing ``Kubectl.on_stream``: the command then prints what it has now, hands the host a
``Stream`` and returns. The host moves virtual time at its own pace (the app's pacer) and calls ``poll()``
after each move; the stream ends on its own (``done`` with an ``exit_code``) or the host ``cancel()``\\ s it
(Ctrl+C: real kubectl prints nothing more).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

# The exit status a shell reports for a command stopped by Ctrl+C (128 + SIGINT).
INTERRUPTED = 130


@dataclass
class Result:
    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0
    objects: list[dict[str, Any]] = field(default_factory=list)
    # A command that keeps running for a streaming host (see the module docstring); None otherwise.
    follow: Any = None
    # (1 = stdout | 2 = stderr, text) in the order ``out``/``err`` wrote them, for a host whose two streams
    # share one terminal; text added to ``stdout``/``stderr`` directly is not in it (hosts write that after).
    chunks: list[tuple[int, str]] = field(default_factory=list)

    def out(self, text: str) -> None:
        self.stdout += text
        if text:
            self.chunks.append((1, text))

    def err(self, text: str) -> None:
        self.stderr += text
        if text:
            self.chunks.append((2, text))

    def ordered(self) -> list[tuple[int, str]]:
        """All of stdout and stderr as (stream, text) pieces in the order they were written."""
        out: list[tuple[int, str]] = []
        pos = {1: 0, 2: 0}
        full = {1: self.stdout, 2: self.stderr}
        for fd, text in self.chunks:
            if full[fd].startswith(text, pos[fd]):
                out.append((fd, text))
                pos[fd] += len(text)
        out += [(fd, full[fd][pos[fd] :]) for fd in (1, 2) if full[fd][pos[fd] :]]
        return out

    def fail(self, text: str, code: int = 1) -> Result:
        if text and not text.endswith("\n"):
            text += "\n"
        self.stderr += text
        self.exit_code = code
        return self


class CommandError(Exception):
    """A command failed before or instead of producing output; ``message`` is kubectl's stderr text."""

    def __init__(self, message: str, code: int = 1, stdout: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.stdout = stdout


class Stream(ABC):
    """A command still running after its first output; the host calls ``poll()`` each time virtual time moved.

    Subclasses implement ``step()``: look at what changed, write with ``out``/``err`` (or through the
    command's ``Result``), call ``finish(code)`` when the command would exit. ``poll`` returns the new text.
    """

    def __init__(self, result: Result | None = None, on_close: Callable[[], None] | None = None) -> None:
        self.result = result if result is not None else Result()
        self.done = False
        self.exit_code = 0
        self._on_close = on_close
        self._out_at = len(self.result.stdout)
        self._err_at = len(self.result.stderr)

    def out(self, text: str) -> None:
        self.result.stdout += text

    def err(self, text: str) -> None:
        self.result.stderr += text

    @abstractmethod
    def step(self) -> None:
        """Advance the command by what happened since the last call."""

    def poll(self) -> tuple[str, str]:
        """Run one step; returns the (stdout, stderr) text printed since the last poll."""
        if not self.done:
            try:
                self.step()
            except CommandError as e:
                self.result.stdout += e.stdout
                self.err(e.message if e.message.endswith("\n") else e.message + "\n")
                self.finish(e.code)
        return self._take()

    def finish(self, code: int = 0) -> None:
        """The command exits with ``code`` (its watches are stopped)."""
        if not self.done:
            self.done = True
            self.exit_code = code
            self._close()

    def cancel(self) -> tuple[str, str]:
        """Ctrl+C: stop at once; returns whatever was printed and not yet taken (kubectl adds nothing)."""
        if not self.done:
            self.done = True
            self.exit_code = INTERRUPTED
            self._close()
        return self._take()

    def _close(self) -> None:
        if self._on_close is not None:
            cb, self._on_close = self._on_close, None
            cb()

    def _take(self) -> tuple[str, str]:
        out, err = self.result.stdout[self._out_at :], self.result.stderr[self._err_at :]
        self._out_at, self._err_at = len(self.result.stdout), len(self.result.stderr)
        return out, err


class StepStream(Stream):
    """A stream whose step is a function of the stream (for commands whose state lives in closures)."""

    def __init__(
        self, result: Result, step: Callable[[Stream], None], on_close: Callable[[], None] | None = None
    ) -> None:
        super().__init__(result, on_close)
        self._step = step

    def step(self) -> None:
        self._step(self)


class StreamGroup(Stream):
    """Several streams as one (``logs -f`` over several containers): done when all are done."""

    def __init__(self, streams: Sequence[Stream]) -> None:
        super().__init__()
        self.streams = list(streams)

    def step(self) -> None:
        codes = []
        for s in self.streams:
            o, e = s.poll()
            self.out(o)
            self.err(e)
            codes.append(s.exit_code)
        if all(s.done for s in self.streams):
            self.finish(max(codes, default=0))

    def _close(self) -> None:
        for s in self.streams:
            if not s.done:
                s.cancel()
        super()._close()


def hand_off(kubectl: Any, result: Result, stream: Stream) -> bool:
    """Give ``stream`` to the host when it streams (``kubectl.on_stream`` is set); False: run it in place."""
    sink = getattr(kubectl, "on_stream", None)
    if sink is None:
        return False
    result.follow = stream
    sink(stream)
    return True
