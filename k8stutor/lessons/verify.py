"""``lessons verify``: replay every reference solution headlessly, proving each step is unsolved at its start
and solved after its solution; report timing."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .loader import Issue
from .model import Lesson, Pack, tr
from .runner import LessonRunner


@dataclass
class LessonReport:
    """The outcome of verifying one lesson."""

    lesson: Lesson
    problems: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    commands: int = 0
    virtual_seconds: float = 0.0
    wall_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """No problems."""
        return not self.problems

    def summary(self) -> str:
        """``ok  01-first-steps  5 steps, 7 commands, 42s virtual, 0.31s``."""
        tag = "ok  " if self.ok else "FAIL"
        return (
            f"{tag} {self.lesson.id}  {len(self.lesson.steps)} steps, {self.commands} commands, "
            f"{self.virtual_seconds:.0f}s virtual, {self.wall_seconds:.2f}s"
        )


def verify_lesson(lesson: Lesson) -> LessonReport:
    """Replay a lesson's solutions on a fresh cluster and check every step before and after."""
    rep = LessonReport(lesson)
    start = time.perf_counter()

    def problem(line: int, msg: str, warn: bool = False) -> None:
        (rep.warnings if warn else rep.problems).append(
            Issue(lesson.file, line, msg, "warning" if warn else "error")
        )

    try:
        runner = LessonRunner(lesson)
        runner.start()
    except Exception as e:  # a start state that cannot be built is a verify failure, not a crash
        problem(1, f"the start state could not be built: {type(e).__name__}: {e}")
        rep.wall_seconds = time.perf_counter() - start
        return rep
    t0 = runner.cluster.now()
    for step in lesson.steps:
        where = f"step {step.index + 1} ({tr(step.title)})"
        if runner.step_index != step.index:
            problem(step.line, f"{where}: the runner is at step {runner.step_index + 1}")
            break
        ctx = runner.context()
        for h in step.hints:
            if h.when is not None:
                from .checks import evaluate

                r = evaluate(h.when, ctx)
                if r.error:
                    problem(step.line, f"{where}: a hint's `when` check cannot run: {r.found}")
        if step.kind == "task":
            before = runner.evaluate()
            for r in before:
                if r.error:
                    problem(step.line, f"{where}: check {r.label!r} cannot run: {r.found}")
            if all(r.ok for r in before):
                problem(
                    step.line,
                    f"{where}: the goal is already met before the solution runs (the learner "
                    "would have nothing to do)",
                )
            for line in step.solution:
                out = runner.run(line)
                rep.commands += 1
                if out.exit_code != 0:
                    first = (out.stderr or out.stdout).strip().splitlines()[:1]
                    problem(
                        step.line,
                        f"{where}: solution command `{line}` exited {out.exit_code}"
                        + (f": {first[0]}" if first else ""),
                        warn=True,
                    )
            results, _ = runner.refresh()
            if not runner.step_done:
                bad = "; ".join(r.line() for r in results if not r.ok)
                problem(step.line, f"{where}: the goal is not met after the solution: {bad}")
                break
        elif step.kind == "quiz":
            assert step.quiz is not None
            answer = step.quiz.answer[0]
            if step.quiz.choices:
                texts = [tr(c) for c in step.quiz.choices]
                answer = ",".join(str(texts.index(a) + 1) for a in step.quiz.answer if a in texts)
            elif answer.startswith("/"):
                answer = ""
            if answer:
                out = runner.answer(answer)
                if not out.completed:
                    problem(step.line, f"{where}: the quiz does not accept its own answer {answer!r}")
            else:
                runner.done.add(step.index)
        if step.index + 1 < len(lesson.steps):
            runner.next()
    rep.virtual_seconds = runner.cluster.now() - t0
    rep.wall_seconds = time.perf_counter() - start
    return rep


def verify_pack(pack: Pack) -> list[LessonReport]:
    """Verify every lesson of a pack, in order."""
    return [verify_lesson(ls) for ls in pack.lessons]
