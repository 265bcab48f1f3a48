"""The worked example of docs/authoring.md, written out exactly as the guide shows it, lints and verifies."""

from __future__ import annotations

import re
from pathlib import Path

from k8stutor.lessons import lint_pack, load_pack, verify_pack

DOC = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"


def test_the_worked_example_lints_and_verifies(tmp_path):
    text = DOC.read_text()
    files = re.findall(r"<!-- file: (\S+) -->\n```yaml\n(.*?)```", text, re.S)
    assert [name for name, _ in files] == ["pack.yaml", "01-expose.yaml"]
    root = tmp_path / "web-pack"
    root.mkdir()
    for name, body in files:
        (root / name).write_text(body)
    assert [str(i) for i in lint_pack(str(root))] == []
    (rep,) = verify_pack(load_pack(str(root)))
    assert rep.ok and not rep.warnings, [str(i) for i in rep.problems + rep.warnings]
    assert rep.summary().startswith("ok   expose  3 steps, 5 commands, ")
