"""Lesson packs: the model, loader, linter, check evaluator, runner, progress store and instructor tools.

Headless (no UI toolkit): the shell, the TUI and ``lessons verify`` all drive lessons through these APIs.

- ``load_pack(path) -> Pack`` / ``lint_pack(path) -> list[Issue]`` (``file:line: message``)
- ``find_lesson(ID|PATH) -> (Pack, Lesson)``, ``list_packs()``
- ``LessonRunner(lesson, progress=ProgressStore())``: ``.start(resume)``, ``.run(line) -> Output``,
  ``.refresh()``, ``.evaluate()``, ``.hint()``, ``.next()``, ``.answer(text)``, ``.solution(confirmed)``
- ``evaluate(check, CheckContext) -> CheckResult`` (ok, label, expected, found)
- ``verify_pack(pack) -> list[LessonReport]``
"""

from __future__ import annotations

from .catalog import LessonNotFound, PackEntry, find_lesson, list_packs, search_path
from .checks import CheckContext, CheckResult, HistoryEntry, evaluate
from .loader import Issue, PackError, lint_pack, load_pack
from .model import Hint, Lesson, Pack, Quiz, Step, tr
from .progress import LessonProgress, ProgressStore
from .runner import LessonRunner, Output
from .verify import LessonReport, verify_lesson, verify_pack

__all__ = [
    "CheckContext",
    "CheckResult",
    "Hint",
    "HistoryEntry",
    "Issue",
    "Lesson",
    "LessonNotFound",
    "LessonProgress",
    "LessonReport",
    "LessonRunner",
    "Output",
    "Pack",
    "PackEntry",
    "PackError",
    "ProgressStore",
    "Quiz",
    "Step",
    "evaluate",
    "find_lesson",
    "lint_pack",
    "list_packs",
    "load_pack",
    "search_path",
    "tr",
    "verify_lesson",
    "verify_pack",
]
