"""Run a ``k8stutor shell --echo`` transcript and compare it with an expected one.

A transcript file is what ``k8stutor shell --echo`` prints: ``$ cmd`` lines (``> `` continuation lines for
heredocs) followed by the command's stdout and stderr. Expected lines may contain ``{*}`` (any text, used only
where the real value is random: generated name suffixes, container IDs, allocated IPs).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from k8stutor.engine.cluster import Cluster
from k8stutor.hosts.shell import run_transcript
from k8stutor.hosts.workstation import Workstation

HERE = Path(__file__).parent / "transcripts"


def commands_of(text: str) -> list[str]:
    """The input lines of a transcript: every ``$ `` line and its ``> `` continuations."""
    lines = []
    for line in text.splitlines():
        if line.startswith("$ "):
            lines.append(line[2:])
        elif line.startswith("> ") or line == ">":
            lines.append(line[2:])
    return lines


def run(script: str, seed: int = 0, ws: Workstation | None = None) -> tuple[str, Workstation]:
    """Run the script's commands with echo; stdout and stderr interleaved as on a terminal."""
    ws = ws or Workstation(Cluster(seed=seed))
    buf = io.StringIO()
    run_transcript(ws, [line + "\n" for line in script.splitlines()], buf, buf, echo=True)
    return buf.getvalue(), ws


def _matches(expected: str, actual: str) -> bool:
    if "{*}" not in expected:
        return expected == actual
    pattern = ".*".join(re.escape(part) for part in expected.split("{*}"))
    return re.fullmatch(pattern, actual) is not None


def diff(expected: str, actual: str) -> str:
    """'' when the transcripts agree, else the first differing line with context."""
    exp, act = expected.splitlines(), actual.splitlines()
    for i in range(max(len(exp), len(act))):
        e = exp[i] if i < len(exp) else "<end>"
        a = act[i] if i < len(act) else "<end>"
        if not _matches(e, a):
            ctx = "\n".join(act[max(0, i - 5) : i])
            return f"line {i + 1} differs\n--- context ---\n{ctx}\nexpected: {e!r}\nactual:   {a!r}"
    return ""


def check(name: str, seed: int = 0) -> tuple[str, Workstation]:
    """Run transcripts/<name>.txt and assert its output is the file's; returns (output, workstation)."""
    expected = (HERE / f"{name}.txt").read_text()
    actual, ws = run("\n".join(commands_of(expected)), seed)
    problem = diff(expected, actual)
    assert not problem, problem
    return actual, ws
