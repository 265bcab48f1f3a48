"""Starting a session loads only what bootstrap needs; each kubectl command's module comes with its first use."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CODE = """
import sys
from k8stutor.hosts.shell import make_workstation
ws = make_workstation()
lazy = ("k8stutor.kubectl.commands.get", "k8stutor.kubectl.describe", "k8stutor.kubectl.explain",
        "k8stutor.kubectl.generators", "k8stutor.kubectl.output", "k8stutor.helm", "k8stutor.engine.api.patch",
        "k8stutor.engine.network.traffic", "k8stutor.engine.network.trace")
print(",".join(m for m in lazy if m in sys.modules))
r = ws.kubectl.run(["get", "nodes"])
assert r.exit_code == 0, r.stderr
print("k8stutor.kubectl.commands.get" in sys.modules, "k8stutor.kubectl.describe" in sys.modules)
"""


def test_session_start_defers_command_modules() -> None:
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True, cwd=ROOT)
    loaded_at_start, after_get = out.stdout.splitlines()
    assert loaded_at_start == ""
    assert after_get == "True False"


def test_command_table_builds_commands_on_lookup() -> None:
    from k8stutor.kubectl.commands import build_commands

    table = build_commands()
    assert "get" in table and "rollout" in table and "attach" in table
    assert table["get"].name == "get" and table["get"] is table["get"]
    assert table["attach"].missing.startswith("error: `kubectl attach` is not simulated yet")
    assert [c for c in table.values() if "use" in c.aliases] == []  # aliases live on sub-commands
    assert table["config"].subcommands["use-context"].aliases == ("use",)
