"""The pack / lesson / step model: plain dataclasses built by the loader from YAML."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TextValue = str | dict[str, str]


def tr(value: TextValue | None, lang: str = "en", fallback: str = "en") -> str:
    """The text in ``lang`` (else the pack's language, else English, else the first translation)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    for key in (lang, lang.split("-")[0], fallback, "en"):
        if key in value:
            return value[key]
    return next(iter(value.values()), "")


@dataclass
class Hint:
    """A hint that unlocks after time, after failed attempts, or when a check passes (or at once)."""

    text: TextValue
    after_seconds: float = 0.0
    after_attempts: int = 0
    when: dict[str, Any] | None = None


@dataclass
class Quiz:
    """Multiple choice (``choices``), short answer (no choices), or predict-then-run (``run``)."""

    question: TextValue
    answer: list[str]
    choices: list[TextValue] = field(default_factory=list)
    explain: TextValue = ""
    run: str = ""


@dataclass
class DemoItem:
    """One beat of a narrated demo: text, a command run for the learner, text after it."""

    say: TextValue = ""
    run: str = ""
    then: TextValue = ""


@dataclass
class Disabled:
    """A command the lesson does not allow (pattern as in ``command_used``)."""

    pattern: str
    regex: bool = False
    message: TextValue = ""


@dataclass
class Step:
    """One step: text, a goal checklist of declarative checks, hints, a reference solution, quiz or demo."""

    index: int
    id: str
    title: TextValue
    text: TextValue = ""
    goal: list[dict[str, Any]] = field(default_factory=list)
    hints: list[Hint] = field(default_factory=list)
    solution: list[str] = field(default_factory=list)
    par: int | None = None
    quiz: Quiz | None = None
    demo: list[DemoItem] = field(default_factory=list)
    disabled: list[Disabled] = field(default_factory=list)
    highlight: str = ""
    line: int = 0

    @property
    def kind(self) -> str:
        """task (has a goal), quiz, demo or read."""
        if self.goal:
            return "task"
        if self.quiz is not None:
            return "quiz"
        if self.demo:
            return "demo"
        return "read"


@dataclass
class StartState:
    """Where the learner arrives: a preset cluster, files, applied manifests, setup commands, faults."""

    preset: str = "classroom"
    seed: int = 0
    files: dict[str, bytes] = field(default_factory=dict)  # pack-relative path -> content
    manifests: list[tuple[str, bytes]] = field(default_factory=list)
    setup: list[str] = field(default_factory=list)
    advance: float = 0.0
    faults: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Lesson:
    """A lesson: title, objectives, start state and ordered steps."""

    id: str
    title: TextValue
    file: str
    summary: TextValue = ""
    objectives: list[TextValue] = field(default_factory=list)
    estimated_minutes: float = 0.0
    start: StartState = field(default_factory=StartState)
    disabled: list[Disabled] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)
    pack_id: str = ""
    language: str = "en"

    @property
    def key(self) -> str:
        """``pack-id/lesson-id`` (how progress and the command line name it)."""
        return f"{self.pack_id}/{self.id}" if self.pack_id else self.id


@dataclass
class Pack:
    """A lesson pack: a directory with pack.yaml and lessons."""

    id: str
    title: TextValue
    root: str
    description: TextValue = ""
    language: str = "en"
    languages: list[str] = field(default_factory=list)
    author: str = ""
    version: str = ""
    license: str = ""
    lessons: list[Lesson] = field(default_factory=list)

    def lesson(self, lesson_id: str) -> Lesson | None:
        """The lesson with this id (or None)."""
        return next((ls for ls in self.lessons if ls.id == lesson_id), None)
