"""The runner: goal re-evaluation, hints by time/attempts/state, solutions, quizzes, demos, disabled
commands, faults, progress (resume, export, import), the plain shell and the instructor CLI."""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path

import pytest

from k8stutor.lessons import LessonRunner, ProgressStore, load_pack, verify_pack
from k8stutor.lessons.cli import lessons_main, shell_lesson_main

ROOT = Path(__file__).resolve().parents[2]

LESSON = """\
id: demo
title: Demo
disabled_commands:
  - pattern: kubectl delete namespace
    message: keep the namespaces
start:
  setup:
    - kubectl create namespace team
  faults:
    - at: 60s
      node_down: k8s-node02
steps:
  - title: Make web
    goal:
      - exists: deployment/web
        namespace: team
    hints:
      - Use kubectl create deployment.
      - text: Add -n team.
        after_attempts: 2
      - text: It is in the wrong namespace.
        when: {exists: deployment/web}
      - text: Patience is a hint too.
        after_seconds: 300
    solution:
      - kubectl create deployment web --image=nginx:1.27 -n team
    par: 1
  - title: Watch
    demo:
      - say: Here are the deployments.
        run: kubectl get deploy -n team
        then: That was it.
  - title: Guess
    quiz:
      question: How many replicas?
      answer: ["1", "/one/"]
  - title: Predict
    quiz:
      question: What will kubectl get ns print first?
      choices: [NAME, STATUS]
      answer: NAME
      run: kubectl get ns
"""


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def lesson(tmp_path, monkeypatch):
    monkeypatch.setenv("K8STUTOR_DATA_DIR", str(tmp_path / "data"))
    root = tmp_path / "pack"
    root.mkdir()
    (root / "pack.yaml").write_text("format_version: 1\nid: p\ntitle: P\nlessons: [demo.yaml]\n")
    (root / "demo.yaml").write_text(LESSON)
    return load_pack(str(root)).lessons[0]


def test_goal_hints_solution_and_next(lesson):
    clock = Clock()
    r = LessonRunner(lesson, clock=clock)
    r.start()
    assert r.cluster.api.peek("namespaces", "team", "") is not None  # setup ran
    assert r.hint() == "Hint 1/4: Use kubectl create deployment."
    assert r.hint() == "The next hint unlocks after 2 more attempt(s). Keep trying!"
    out = r.run("kubectl create deployment web --image=nginx:1.27")
    assert out.exit_code == 0 and not out.completed
    assert out.results[0].found == "no Deployment called web in namespace team (no deployments at all there)"
    r.run("kubectl get deploy")
    assert r.hint() == "Hint 2/4: Add -n team."
    assert r.hint() == "Hint 3/4: It is in the wrong namespace."  # the cluster state unlocked it
    assert r.hint().startswith("The next hint unlocks in ")
    clock.t += 301
    assert r.hint() == "Hint 4/4: Patience is a hint too."
    assert r.next()[0].startswith("This step is not complete yet")
    assert r.solution()[0].startswith("Seeing the solution gives the exercise away")
    assert r.solution(confirmed=True) == [
        "Reference solution:",
        "  kubectl create deployment web --image=nginx:1.27 -n team",
    ]
    out = r.run("kubectl create deployment web --image=nginx:1.27 -n team")
    assert out.completed and out.messages == [
        "✓ Step complete! You used 3 commands (par 1). Type `next` to continue."
    ]
    msgs = r.next()
    assert msgs[:2] == ["Step 2/4: Watch", "Here are the deployments."]
    assert msgs[2] == "$ kubectl get deploy -n team" and msgs[3].startswith("NAME   READY")
    assert r.step_done  # a demo is done once played


def test_disabled_commands_and_faults(lesson):
    r = LessonRunner(lesson)
    r.start()
    out = r.run("kubectl delete namespace team")
    assert out.exit_code == 126
    assert (
        out.stderr
        == "k8stutor: `kubectl delete namespace team` is disabled in this lesson: keep the namespaces\n"
    )
    assert r.cluster.api.peek("namespaces", "team", "") is not None
    assert r.history == []
    r.run(
        "sleep 2m"
    )  # node-2 goes down at 60 s; the node controller marks it NotReady after its grace period
    ready = [
        c
        for c in r.cluster.api.peek("nodes", "k8s-node02", "")["status"]["conditions"]
        if c["type"] == "Ready"
    ]
    assert ready[0]["status"] == "Unknown"


def test_quizzes(lesson):
    r = LessonRunner(lesson)
    r.start()
    r.run("kubectl create deployment web --image=nginx:1.27 -n team")
    r.next()
    r.next()
    assert r.step.kind == "quiz"
    assert r.answer("2").messages == ["Not quite. Try again (or `hint`)."]
    assert r.answer("One").completed  # a /regex/ answer, case-insensitive
    r.next()
    assert "  1. NAME\n  2. STATUS" in r.step_text()
    out = r.answer("2")  # predict-then-run: a wrong prediction still runs the command and shows it
    assert out.completed and out.messages[0] == "You predicted '2'; the answer: NAME."
    assert out.messages[1] == "$ kubectl get ns" and out.messages[2].startswith("NAME ")
    assert r.next() == ["Lesson complete: Demo. Well done!"] and r.finished


def test_progress_resume_export_import(lesson, tmp_path):
    store = ProgressStore()
    r = LessonRunner(lesson, progress=store)
    r.start()
    r.run("kubectl create deployment web --image=nginx:1.27 -n team")
    r.next()
    saved = ProgressStore().get("p/demo")
    assert saved.step == 1 and saved.done_steps == [0, 1] and saved.commands == 1
    again = LessonRunner(lesson, progress=ProgressStore())
    again.start(resume=True)
    assert again.step_index == 1
    assert again.cluster.api.peek("deployments.apps", "web", "team") is not None  # step 1's solution replayed
    store.export(str(tmp_path / "out.json"), user="ada")
    data = json.loads((tmp_path / "out.json").read_text())
    assert data["format"] == "k8stutor-progress" and data["user"] == "ada" and "p/demo" in data["lessons"]
    fresh = ProgressStore(str(tmp_path / "other.json"))
    assert fresh.import_file(str(tmp_path / "out.json")) == 1
    assert fresh.get("p/demo").step == 1


def test_shell_lesson_transcript(lesson, tmp_path):
    out, err = io.StringIO(), io.StringIO()
    script = io.StringIO(
        "check\nkubectl create deployment web --image=nginx:1.27 -n team\nnext\nnext\nanswer 1\n"
    )
    code = shell_lesson_main(str(tmp_path / "pack" / "demo.yaml"), stdin=script, out=out, err=err, echo=True)
    text = out.getvalue()
    assert code == 0, err.getvalue()
    assert text.startswith("Lesson: Demo\n")
    assert (
        "Goal:\n  ✗ Deployment web exists in namespace team — expected Deployment web; found no Deployment"
        in text
    )
    assert (
        "$ kubectl create deployment web --image=nginx:1.27 -n team\ndeployment.apps/web created\nGoal:\n"
        "  ✓ Deployment web exists in namespace team\n✓ Step complete!" in text
    )
    assert "Step 3/4: Guess" in text and "Correct!" in text


def test_cli_new_lint_verify(tmp_path, monkeypatch):
    """A scaffolded pack lints and verifies; a broken one fails with file:line."""
    monkeypatch.setenv("K8STUTOR_DATA_DIR", str(tmp_path / "data"))
    out, err = io.StringIO(), io.StringIO()
    assert lessons_main(["new", str(tmp_path / "mine")], out, err) == 0
    assert lessons_main(["lint", str(tmp_path / "mine")], out, err) == 0
    out = io.StringIO()
    assert lessons_main(["verify", str(tmp_path / "mine")], out, err) == 0, out.getvalue()
    assert out.getvalue().startswith("ok   hello  3 steps, 3 commands, ")
    lesson = tmp_path / "mine" / "01-hello.yaml"
    lesson.write_text(lesson.read_text().replace("equals: nginx:1.27", "equals: nginx:1.99"))
    out = io.StringIO()
    assert lessons_main(["verify", str(tmp_path / "mine")], out, err) == 1
    assert (
        "01-hello.yaml:12: step 1 (Create a Deployment): the goal is not met after the solution"
        in out.getvalue()
    )
    assert lessons_main(["new", str(tmp_path / "mine")], out, err) == 1


def test_verify_catches_a_goal_already_met(tmp_path):
    root = tmp_path / "p"
    root.mkdir()
    (root / "pack.yaml").write_text("format_version: 1\nid: p\ntitle: P\nlessons: [a.yaml]\n")
    (root / "a.yaml").write_text(
        textwrap.dedent("""\
        id: a
        title: A
        steps:
          - title: Nothing to do
            goal: [{exists: namespace/default}]
            solution: [kubectl get ns]
        """)
    )
    (rep,) = verify_pack(load_pack(str(root)))
    assert [str(i) for i in rep.problems] == [
        "a.yaml:4: step 1 (Nothing to do): the goal is already met before the solution runs (the learner would "
        "have nothing to do)"
    ]


@pytest.mark.parametrize("pack", sorted(p.parent.name for p in (ROOT / "lessons").glob("*/pack.yaml")))
def test_every_shipped_pack_verifies(pack):
    """CI replays every shipped lesson: each step unsolved at its start and solved by its solution."""
    reports = verify_pack(load_pack(str(ROOT / "lessons" / pack)))
    assert reports
    for rep in reports:
        assert rep.ok, "\n".join(str(i) for i in rep.problems)
        assert not rep.warnings, "\n".join(str(i) for i in rep.warnings)
