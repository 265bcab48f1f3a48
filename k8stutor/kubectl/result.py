"""What a kubectl (or helm) command returns: its output, its exit code and the objects it touched."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Result:
    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0
    objects: list[dict[str, Any]] = field(default_factory=list)
    # Streaming commands (get -w) may leave a follow-up for the host; None for ordinary commands.
    follow: Any = None

    def out(self, text: str) -> None:
        self.stdout += text

    def err(self, text: str) -> None:
        self.stderr += text

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
