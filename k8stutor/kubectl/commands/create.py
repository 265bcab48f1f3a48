"""``kubectl create`` (from files and with its generators) and ``kubectl run``."""

from __future__ import annotations

from ..main import Command
from . import apply as apply_cmds


def create_command() -> Command:
    return Command("create", apply_cmds.cmd_create_from_files, apply_cmds.CREATE_FLAGS,
                   short="Create a resource from a file or from stdin", subcommands={})


def run_command() -> Command:
    return Command("run", None, missing="error: run is not available yet")
