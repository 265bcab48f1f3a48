"""The safe mini-shell: a small POSIX sh over a virtual filesystem that never touches the host.

Usage: ``Shell(vfs, commands, env).run("echo $(hostname) | tr a-z A-Z")`` returns an ``ShResult``.
"""

from .interp import (
    OUTPUT_LIMIT_EXIT,
    STEP_LIMIT_EXIT,
    Command,
    CommandContext,
    Shell,
    ShellLimitExceeded,
    ShResult,
)
from .lexer import ShSyntaxError
from .parser import needs_more_input, parse
from .vfs import VFS, VFSError

__all__ = [
    "OUTPUT_LIMIT_EXIT",
    "STEP_LIMIT_EXIT",
    "VFS",
    "Command",
    "CommandContext",
    "ShResult",
    "ShSyntaxError",
    "Shell",
    "ShellLimitExceeded",
    "VFSError",
    "needs_more_input",
    "parse",
]
