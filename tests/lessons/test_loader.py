"""Loading and linting packs: bad packs get clear file:line errors; the JSON Schema matches the linter."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from k8stutor.lessons import PackError, lint_pack, load_pack
from k8stutor.lessons.schema import json_schema

ROOT = Path(__file__).resolve().parents[2]

PACK = """\
format_version: 1
id: demo
title: Demo
lessons:
  - one.yaml
"""

LESSON = """\
id: one
title: One
steps:
  - title: Make web
    goal:
      - exists: deployment/web
    solution:
      - kubectl create deployment web --image=nginx:1.27
"""


def make_pack(tmp_path: Path, lesson: str = LESSON, pack: str = PACK, **files: str | bytes) -> Path:
    root = tmp_path / "pack"
    root.mkdir()
    (root / "pack.yaml").write_text(textwrap.dedent(pack))
    (root / "one.yaml").write_text(textwrap.dedent(lesson))
    for name, data in files.items():
        p = root / name.replace("__", "/")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data if isinstance(data, bytes) else data.encode())
    return root


def messages(root: Path) -> list[str]:
    return [str(i) for i in lint_pack(str(root))]


def test_good_pack_loads(tmp_path):
    root = make_pack(tmp_path)
    assert messages(root) == []
    pack = load_pack(str(root))
    assert pack.id == "demo" and [ls.key for ls in pack.lessons] == ["demo/one"]
    step = pack.lessons[0].steps[0]
    assert step.goal == [{"exists": "deployment/web"}] and step.kind == "task" and step.line == 4


def test_malformed_yaml_has_file_and_line(tmp_path):
    root = make_pack(tmp_path, lesson="id: one\ntitle: One\nsteps:\n  - title: [unclosed\n    goal: x\n")
    (msg,) = messages(root)
    assert msg.startswith("one.yaml:")
    assert "malformed YAML" in msg
    line = int(msg.split(":")[1])
    assert 3 <= line <= 5


def test_unknown_check_type_points_at_its_line(tmp_path):
    lesson = LESSON.replace("      - exists: deployment/web", "      - exist: deployment/web")
    root = make_pack(tmp_path, lesson=lesson)
    (msg,) = messages(root)
    assert msg.startswith("one.yaml:6: ")
    assert "unknown check type 'exist' (did you mean 'exists'?)" in msg


def test_unknown_key_suggests_the_right_one(tmp_path):
    root = make_pack(tmp_path, lesson=LESSON.replace("title: One", "titel: One"))
    msgs = messages(root)
    assert "one.yaml:2: titel: unknown key 'titel' (did you mean 'title'?)" in msgs
    assert "one.yaml:1: missing required key 'title'" in msgs


def test_missing_lesson_file(tmp_path):
    root = make_pack(tmp_path, pack=PACK + "  - two.yaml\n")
    assert messages(root) == ["pack.yaml:6: lesson file 'two.yaml': no such file in the pack"]


def test_paths_escaping_the_pack_are_refused(tmp_path):
    (tmp_path / "secret.yaml").write_text("id: x\ntitle: x\nsteps: [{title: x}]\n")
    root = make_pack(tmp_path, pack=PACK + "  - ../secret.yaml\n  - /etc/passwd\n")
    msgs = messages(root)
    assert (
        "pack.yaml:6: lesson file '../secret.yaml' escapes the pack directory (packs may only use their own files)"
        in msgs
    )
    assert any(
        m.startswith("pack.yaml:7: lesson file '/etc/passwd': absolute paths are not allowed") for m in msgs
    )


def test_symlink_out_of_the_pack_is_refused(tmp_path):
    (tmp_path / "outside.yaml").write_text("kind: Pod\n")
    lesson = LESSON.replace("steps:", "start:\n  manifests: [link.yaml]\nsteps:")
    root = make_pack(tmp_path, lesson=lesson)
    os.symlink(tmp_path / "outside.yaml", root / "link.yaml")
    assert messages(root) == [
        "one.yaml:4: start.manifests 'link.yaml' escapes the pack directory (packs may only "
        "use their own files)"
    ]


def test_huge_files_are_refused(tmp_path):
    lesson = LESSON.replace("steps:", "start:\n  files: [big.bin]\nsteps:")
    root = make_pack(tmp_path, lesson=lesson, **{"big.bin": b"x" * (8 * 1024 * 1024 + 1)})
    (msg,) = messages(root)
    assert msg.startswith(
        "one.yaml:4: start.files big.bin is too large (8388609 bytes; the limit is 8388608)"
    )
    root2 = tmp_path / "p2"
    root2.mkdir()
    (root2 / "pack.yaml").write_text(PACK + "#" * (256 * 1024))
    assert "is too large" in messages(root2)[0]


def test_alias_bomb_is_refused(tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefg", "bcdefgh", strict=True)
    )
    root = make_pack(tmp_path, lesson=bomb)
    (msg,) = messages(root)
    assert msg.startswith("one.yaml") and "excessive aliasing" in msg


def test_bad_manifest_and_unknown_kind_and_bad_jsonpath(tmp_path):
    lesson = LESSON.replace("steps:", "start:\n  manifests: [m.yaml]\nsteps:").replace(
        "      - exists: deployment/web",
        "      - exists: deploymnt/web\n      - field: deployment/web\n        path: '{.spec[}'\n        equals: 1",
    )
    root = make_pack(tmp_path, lesson=lesson, **{"m.yaml": "kind: Pod\n"})
    msgs = messages(root)
    assert "one.yaml:4: start.manifests 'm.yaml': every document needs apiVersion and kind" in msgs
    assert any(m.startswith("one.yaml:8: unknown kind 'deploymnt'") for m in msgs)
    assert any(m.startswith("one.yaml:10: bad JSONPath '{.spec[}'") for m in msgs)


def test_goal_without_solution_and_bad_quiz_answer(tmp_path):
    lesson = """\
    id: one
    title: One
    steps:
      - title: A
        goal:
          - exists: pod/x
      - title: B
        quiz:
          question: Q?
          choices: [a, b]
          answer: c
    """
    root = make_pack(tmp_path, lesson=lesson)
    msgs = messages(root)
    assert (
        "one.yaml:5: step 1 has a goal but no solution: verify replays a reference solution for every goal"
        in msgs
    )
    assert any(m.startswith("one.yaml:11: quiz answer 'c' is not one of the choices") for m in msgs)


def test_prerequisites_must_exist_and_not_cycle(tmp_path):
    pack = PACK.replace("  - one.yaml", "  - file: one.yaml\n    requires: [one, nope]")
    root = make_pack(tmp_path, pack=pack)
    msgs = messages(root)
    assert any(m.startswith("pack.yaml:6: requires 'nope': no lesson of the pack has that id") for m in msgs)
    assert any("prerequisites form a cycle: one -> one" in m for m in msgs)


def test_load_pack_raises_with_every_error(tmp_path):
    root = make_pack(tmp_path, pack=PACK + "  - two.yaml\n  - ../x.yaml\n")
    with pytest.raises(PackError) as e:
        load_pack(str(root))
    assert len(e.value.issues) == 2
    assert str(e.value).count("pack.yaml:") == 2


def test_not_a_pack(tmp_path):
    assert [str(i) for i in lint_pack(str(tmp_path))] == [
        f"{tmp_path}: no pack.yaml here (a pack is a directory with pack.yaml and lessons)"
    ]


def test_the_published_schema_is_generated_and_valid():
    """docs/lesson-pack.schema.json is json_schema(); real jsonschema accepts it and the shipped lessons."""
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    published = json.loads((ROOT / "docs" / "lesson-pack.schema.json").read_text())
    assert published == json_schema()
    jsonschema.Draft202012Validator.check_schema(published)
    v = jsonschema.Draft202012Validator(published)
    for f in sorted((ROOT / "lessons").glob("*/*.yaml")):
        assert list(v.iter_errors(yaml.safe_load(f.read_text()))) == [], f
    bad = yaml.safe_load(LESSON.replace("exists:", "exist:"))
    assert list(v.iter_errors(bad))
