"""The headless lesson runner: builds the start state, runs the learner's lines, re-evaluates the goal.

The shell (``k8stutor shell --lesson``), the TUI and ``lessons verify`` all drive a lesson through
``LessonRunner``. Runner commands typed at the prompt: ``hint``, ``check``, ``next``, ``goal``,
``solution`` (asks first), ``answer TEXT``.
"""

from __future__ import annotations

import os
import re
import shlex
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..engine.cluster import Cluster
from ..hosts.workstation import Workstation
from .checks import CheckContext, CheckResult, HistoryEntry, evaluate
from .matching import CommandPattern
from .model import Disabled, Hint, Lesson, Step, tr
from .progress import LessonProgress, ProgressStore

RUNNER_COMMANDS = ("hint", "check", "next", "goal", "solution", "answer")


@dataclass
class Output:
    """What one line produced: the command's output, runner messages, the goal after it."""

    line: str
    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0
    messages: list[str] = field(default_factory=list)
    results: list[CheckResult] = field(default_factory=list)
    completed: bool = False  # the step became complete with this line
    runner: bool = False  # a runner command (hint, next, ...), not a cluster command

    def text(self) -> str:
        """Everything to print, in order."""
        return self.stdout + self.stderr + "".join(m + "\n" for m in self.messages)


def _normalize_answer(s: str) -> str:
    return " ".join(s.strip().lower().strip(".").split())


class LessonRunner:
    """One learner in one lesson: a workstation on the lesson's cluster, the current step, progress."""

    def __init__(
        self,
        lesson: Lesson,
        *,
        lang: str | None = None,
        progress: ProgressStore | None = None,
        clock: Callable[[], float] = time.monotonic,
        cwd: str | None = None,
        host_files: bool = False,
    ) -> None:
        self.lesson = lesson
        self.lang = lang or lesson.language
        self.progress_store = progress
        self.clock = clock
        self.cwd = cwd or (os.getcwd() if host_files else "/root")
        self.host_files = host_files
        self.history: list[HistoryEntry] = []
        self.step_index = 0
        self.done: set[int] = set()
        self.finished = False
        self.attempts: dict[int, int] = {}
        self.hints_shown: dict[int, int] = {}
        self.revealed: set[int] = set()
        self._step_wall = clock()
        self._saved_wall = clock()
        self._step_virtual = 0.0
        self._lesson_virtual = 0.0
        self._checker: Workstation | None = None
        self._system: Workstation | None = None
        self.ws: Workstation
        self.cluster: Cluster
        self.entered: list[str] = []  # messages produced when the current step began (demo narration)

    # ---- start state -------------------------------------------------------------------------------
    def start(self, resume: bool = False) -> None:
        """Build the lesson's cluster and workstation; with ``resume`` continue at the saved step (earlier
        steps' reference solutions are replayed to reach their state)."""
        st = self.lesson.start
        self.cluster = Cluster(st.preset, st.seed)
        self.ws = Workstation(self.cluster, cwd=self.cwd, host_files=self.host_files)
        if not self.host_files:
            self.ws.vfs.makedirs(self.ws.cwd)
        for rel, data in st.files.items():
            path = f"{self.ws.cwd.rstrip('/')}/{rel}"
            self.ws.vfs.makedirs(path.rsplit("/", 1)[0] or "/")
            self.ws.vfs.write(path, data)
        for _rel, data in st.manifests:
            self.ws.kubectl.run(["apply", "-f", "-"], data)
            self.cluster.settle()
        for line in st.setup:
            self.ws.run(line)
        if st.advance:
            self.cluster.advance(st.advance)
        self._schedule_faults()
        self.ws.history.clear()
        self._lesson_virtual = self.cluster.now()
        saved = self.progress_store.get(self.lesson.key) if (self.progress_store and resume) else None
        target = min(saved.step, len(self.lesson.steps) - 1) if saved and not saved.finished else 0
        for i in range(target):
            self._replay(self.lesson.steps[i])
            self.done.add(i)
        if saved and target:
            self.attempts = {int(k): v for k, v in saved.attempts.items()}
            self.hints_shown = {int(k): v for k, v in saved.hints_used.items()}
        self._enter(target)

    def _schedule_faults(self) -> None:
        now = self.cluster.now()
        faults = getattr(self.cluster, "faults", None)
        for f in self.lesson.start.faults:
            at = now + float(f.get("at", 0))
            self._at(at, self._fault_action(f, faults))

    def _fault_action(self, f: dict[str, Any], faults: Any) -> Callable[[], Any]:
        def act() -> None:
            if "node_down" in f:
                self.cluster.node_power(str(f["node_down"]), False)
            elif "node_up" in f:
                self.cluster.node_power(str(f["node_up"]), True)
            elif "pull_failure" in f and faults is not None:
                faults.fail_pulls(str(f["pull_failure"]), str(f.get("message", "")))
            elif "slow_pull" in f and faults is not None:
                faults.slow_pulls(str(f["slow_pull"]), float(f.get("seconds", 30)))
            elif "run" in f:
                self._system_ws().run(str(f["run"]))

        return act

    def _at(self, t: float, cb: Callable[[], Any]) -> None:
        if t <= self.cluster.now():
            cb()
            self.cluster.settle()
        else:
            self.cluster.clock.call_at(t, cb)

    def _system_ws(self) -> Workstation:
        if self._system is None:
            self._system = Workstation(self.cluster, host_files=False)
        return self._system

    def _replay(self, step: Step) -> None:
        for line in step.solution:
            self.ws.run(line)
        for item in step.demo:
            if item.run:
                self.ws.run(item.run)
        if step.quiz is not None and step.quiz.run:
            self.ws.run(step.quiz.run)

    # ---- state -------------------------------------------------------------------------------------
    @property
    def step(self) -> Step:
        """The current step."""
        return self.lesson.steps[self.step_index]

    @property
    def step_done(self) -> bool:
        """The current step is complete (sticky: it stays complete once its goal was met)."""
        return self.step_index in self.done

    def context(self) -> CheckContext:
        """What the checks see now."""
        return CheckContext(
            self.cluster,
            self.history,
            self.step_index,
            self._step_virtual,
            self._lesson_virtual,
            self._run_readonly,
            self.lang,
        )

    def _run_readonly(self, line: str) -> tuple[str, str, int]:
        if self._checker is None:
            self._checker = Workstation(self.cluster, host_files=False)
        res = self._checker.run(line)
        self._checker.history.clear()
        return res.stdout.decode("utf-8", "replace"), res.stderr.decode("utf-8", "replace"), res.exit_code

    def evaluate(self) -> list[CheckResult]:
        """The goal checklist of the current step, evaluated now."""
        ctx = self.context()
        return [evaluate(c, ctx) for c in self.step.goal]

    def refresh(self) -> tuple[list[CheckResult], bool]:
        """Re-evaluate after a command or a cluster change; (results, True if the step just became complete)."""
        results = self.evaluate()
        newly = False
        if self.step.goal and not self.step_done and all(r.ok for r in results):
            self.done.add(self.step_index)
            newly = True
            self._save()
        return results, newly

    def elapsed(self) -> float:
        """Wall-clock seconds in this step."""
        return self.clock() - self._step_wall

    def commands_in_step(self) -> int:
        """How many commands the learner ran in this step."""
        return sum(1 for h in self.history if h.step == self.step_index)

    # ---- steps -------------------------------------------------------------------------------------
    def _enter(self, index: int) -> None:
        self.step_index = index
        self._step_wall = self.clock()
        self._step_virtual = self.cluster.now()
        self.entered = []
        step = self.step
        if step.kind == "read":
            self.done.add(index)
        elif step.kind == "demo":
            for item in step.demo:
                if item.say:
                    self.entered.append(tr(item.say, self.lang))
                if item.run:
                    res = self.ws.run(item.run)
                    self.entered.append(f"$ {item.run}")
                    out = (res.stdout + res.stderr).decode("utf-8", "replace")
                    if out:
                        self.entered.append(out.rstrip("\n"))
                if item.then:
                    self.entered.append(tr(item.then, self.lang))
            self.done.add(index)
        self._save()

    def next(self) -> list[str]:
        """Go to the next step if this one is complete; returns messages."""
        if not self.step_done:
            if self.step.kind == "quiz":
                return ["Answer the question first: answer YOUR ANSWER"]
            return ["This step is not complete yet; type `check` to see what is missing, `hint` for help."]
        if self.step_index + 1 >= len(self.lesson.steps):
            self.finished = True
            self._save()
            return [f"Lesson complete: {tr(self.lesson.title, self.lang)}. Well done!"]
        self._enter(self.step_index + 1)
        return [self.step_heading()] + self.entered

    def step_heading(self) -> str:
        """``Step 2/5: Title``."""
        return f"Step {self.step_index + 1}/{len(self.lesson.steps)}: {tr(self.step.title, self.lang)}"

    def step_text(self) -> str:
        """The step's Markdown text (with the quiz question and choices)."""
        parts = [tr(self.step.text, self.lang).rstrip()]
        q = self.step.quiz
        if q is not None:
            parts.append(tr(q.question, self.lang))
            if q.choices:
                parts.append("\n".join(f"  {i}. {tr(c, self.lang)}" for i, c in enumerate(q.choices, 1)))
            parts.append("Reply with: answer " + ("NUMBER" if q.choices else "YOUR ANSWER"))
        return "\n\n".join(p for p in parts if p)

    # ---- hints and solutions ----------------------------------------------------------------------
    def _unlocked(self, h: Hint, ctx: CheckContext) -> bool:
        if h.after_seconds and self.elapsed() < h.after_seconds:
            return False
        if h.after_attempts and self.attempts.get(self.step_index, 0) < h.after_attempts:
            return False
        if h.when is not None and not evaluate(h.when, ctx).ok:
            return False
        return True

    def hint(self) -> str:
        """The next unlocked hint (or why none is available yet)."""
        hints = self.step.hints
        if not hints:
            return "This step has no hints." + (
                " Type `solution` to see one way to do it." if self.step.solution else ""
            )
        shown = self.hints_shown.get(self.step_index, 0)
        ctx = self.context()
        for i, h in enumerate(hints):
            if i < shown:
                continue
            if self._unlocked(h, ctx):
                self.hints_shown[self.step_index] = i + 1
                self._save()
                return f"Hint {i + 1}/{len(hints)}: {tr(h.text, self.lang)}"
            if h.when is None:
                waits = []
                if h.after_attempts:
                    waits.append(
                        f"after {h.after_attempts - self.attempts.get(self.step_index, 0)} more attempt(s)"
                    )
                if h.after_seconds:
                    waits.append(f"in {max(1, int(h.after_seconds - self.elapsed()))}s")
                return f"The next hint unlocks {' or '.join(waits)}. Keep trying!"
        if shown:
            last = hints[shown - 1]
            return f"No more hints (hint {shown}/{len(hints)} again): {tr(last.text, self.lang)}" + (
                "\nType `solution` to see the reference solution." if self.step.solution else ""
            )
        return "No hint fits the cluster right now. Type `check` to see what is missing."

    def solution(self, confirmed: bool = False) -> list[str]:
        """The reference solution, once confirmed (or once the step is done)."""
        if not self.step.solution:
            return ["This step has no reference solution."]
        if not confirmed and not self.step_done and self.step_index not in self.revealed:
            return ["Seeing the solution gives the exercise away. Type `solution yes` to see it anyway."]
        self.revealed.add(self.step_index)
        return ["Reference solution:"] + [f"  {line}" for line in self.step.solution]

    def answer(self, text: str) -> Output:
        """Grade an answer to the current quiz; a predict-then-run question runs its command after."""
        out = Output(f"answer {text}", runner=True)
        q = self.step.quiz
        if q is None:
            out.messages.append("There is no question in this step.")
            return out
        given = text.strip()
        if q.choices:
            texts = [tr(c, self.lang) for c in q.choices]
            picks = [p for p in re.split(r"[,\s]+", given) if p]
            chosen = {texts[int(p) - 1] if p.isdigit() and 0 < int(p) <= len(texts) else p for p in picks}
            if not all(p.isdigit() for p in picks):
                chosen = {next((t for t in texts if _normalize_answer(t) == _normalize_answer(given)), given)}
            correct = chosen == set(q.answer)
        else:
            correct = any(
                re.fullmatch(a[1:-1], given, re.IGNORECASE)
                if len(a) > 2 and a[0] == a[-1] == "/"
                else _normalize_answer(a) == _normalize_answer(given)
                for a in q.answer
            )
        if not correct and not q.run:
            self.attempts[self.step_index] = self.attempts.get(self.step_index, 0) + 1
            self._save()
            out.messages.append("Not quite. Try again (or `hint`).")
            return out
        out.messages.append(
            "Correct!" if correct else f"You predicted {given!r}; the answer: {', '.join(q.answer)}."
        )
        if q.run:
            res = self.ws.run(q.run)
            out.messages.append(f"$ {q.run}")
            printed = (res.stdout + res.stderr).decode("utf-8", "replace").rstrip("\n")
            if printed:
                out.messages.append(printed)
        if q.explain:
            out.messages.append(tr(q.explain, self.lang))
        self.done.add(self.step_index)
        out.completed = True
        self._save()
        out.messages.append(
            "Type `next` to continue."
            if self.step_index + 1 < len(self.lesson.steps)
            else "Type `next` to finish the lesson."
        )
        return out

    # ---- running lines -----------------------------------------------------------------------------
    def disabled(self, line: str) -> Disabled | None:
        """The rule that disables this command line in this lesson, if any."""
        for d in self.lesson.disabled + self.step.disabled:
            if CommandPattern(d.pattern, d.regex).matches(line):
                return d
        return None

    def run(self, line: str) -> Output:
        """Run one line typed by the learner: a runner command, or a command on the workstation."""
        if self.is_runner_command(line):
            return self.runner_command(line)
        refused = self.refuse(line)
        if refused is not None:
            return refused
        try:
            res = self.ws.run(line)
            stdout, stderr, code = (
                res.stdout.decode("utf-8", "replace"),
                res.stderr.decode("utf-8", "replace"),
                res.exit_code,
            )
        except RecursionError:
            stdout, stderr, code = "", "k8stutor: the command nested too deeply and was stopped\n", 1
        return self.record(line, stdout, stderr, code)

    def record(self, line: str, stdout: str = "", stderr: str = "", exit_code: int = 0) -> Output:
        """Record a command the learner ran elsewhere (the TUI runs lines through its session) and re-evaluate."""
        self.history.append(HistoryEntry(line, stdout, stderr, exit_code, self.step_index))
        out = Output(line, stdout, stderr, exit_code)
        was_done = self.step_done
        out.results, out.completed = self.refresh()
        if not out.completed and not was_done and self.step.goal:
            self.attempts[self.step_index] = self.attempts.get(self.step_index, 0) + 1
        if out.completed:
            out.messages.append(self.completion_message())
        self._save()
        return out

    def is_runner_command(self, line: str) -> bool:
        """True for hint, check, next, goal, solution, answer."""
        s = line.strip()
        return "\n" not in s and s.partition(" ")[0] in RUNNER_COMMANDS

    def runner_command(self, line: str) -> Output:
        """Run a runner command (``hint``, ``next`` ...)."""
        word, _, rest = line.strip().partition(" ")
        return self._runner_command(word, rest.strip(), line.strip())

    def refuse(self, line: str) -> Output | None:
        """The refusal for a disabled command line (None when it is allowed)."""
        rule = self.disabled(line)
        if rule is None:
            return None
        msg = tr(rule.message, self.lang) or "this lesson asks you to do it another way"
        first = line.strip().splitlines()[0] if line.strip() else line
        return Output(line, stderr=f"k8stutor: `{first}` is disabled in this lesson: {msg}\n", exit_code=126)

    def completion_message(self) -> str:
        """What the learner reads when a step's goal is met."""
        msg = "✓ Step complete!"
        par = self.step.par
        if par:
            n = self.commands_in_step()
            msg += f" You used {n} command{'s' if n != 1 else ''} (par {par})."
        more = self.step_index + 1 < len(self.lesson.steps)
        return msg + (" Type `next` to continue." if more else " Type `next` to finish the lesson.")

    def _runner_command(self, word: str, rest: str, line: str) -> Output:
        out = Output(line, runner=True)
        if word == "hint":
            out.messages.append(self.hint())
        elif word == "check":
            out.results, out.completed = self.refresh()
            if not self.step.goal:
                out.messages.append(
                    "Nothing to check in this step."
                    if self.step.kind != "quiz"
                    else "Answer the question: answer YOUR ANSWER"
                )
            elif self.step_done:
                out.messages += [r.line() for r in out.results] + [
                    self.completion_message() if out.completed else "✓ This step is complete. Type `next`."
                ]
            else:
                self.attempts[self.step_index] = self.attempts.get(self.step_index, 0) + 1
                out.messages += [r.line() for r in out.results]
        elif word == "next":
            out.messages += self.next()
        elif word == "goal":
            out.messages += [self.step_heading(), self.step_text()] + [r.line() for r in self.evaluate()]
        elif word == "solution":
            out.messages += self.solution(confirmed=rest.lower() in ("yes", "y", "--yes"))
        elif word == "answer":
            return self.answer(rest)
        return out

    # ---- progress ----------------------------------------------------------------------------------
    def _save(self) -> None:
        if self.progress_store is None:
            return
        p = self.progress_store.get(self.lesson.key)
        p = LessonProgress(
            step=self.step_index,
            done_steps=sorted(self.done),
            attempts={str(k): v for k, v in self.attempts.items()},
            hints_used={str(k): v for k, v in self.hints_shown.items()},
            seconds=p.seconds + max(0.0, self.clock() - self._saved_wall),
            commands=len(self.history),
            finished=self.finished or p.finished,
            started=p.started,
        )
        self._saved_wall = self.clock()
        self.progress_store.put(self.lesson.key, p)


def quote(words: list[str]) -> str:
    """Join words into a command line."""
    return " ".join(shlex.quote(w) for w in words)
