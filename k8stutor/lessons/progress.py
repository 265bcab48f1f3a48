"""Progress: a small JSON file in the user data directory (``K8STUTOR_DATA_DIR`` overrides it).

Per lesson (``pack-id/lesson-id``): the current step, steps done, attempts, hints used, time spent and
commands run. Resumable, and exportable/importable so an instructor can collect a class's progress.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from typing import Any

FORMAT = "k8stutor-progress"
VERSION = 1
MAX_BYTES = 4 * 1024 * 1024


def data_dir() -> str:
    """The user data directory (platformdirs), or ``$K8STUTOR_DATA_DIR``."""
    override = os.environ.get("K8STUTOR_DATA_DIR")
    if override:
        return override
    from platformdirs import user_data_dir

    return user_data_dir("k8stutor", appauthor=False)


class ProgressError(ValueError):
    """A progress file could not be read or written; the message says why."""


@dataclass
class LessonProgress:
    """Where a learner is in one lesson."""

    step: int = 0
    done_steps: list[int] = field(default_factory=list)
    attempts: dict[str, int] = field(default_factory=dict)  # step index (as text) -> attempts
    hints_used: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    commands: int = 0
    finished: bool = False
    started: str = ""
    updated: str = ""

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LessonProgress:
        """Read one entry, ignoring unknown keys and bad values."""
        p = cls()
        try:
            p.step = max(0, int(d.get("step", 0)))
            p.done_steps = sorted({int(x) for x in d.get("done_steps") or []})
            p.attempts = {str(k): int(v) for k, v in (d.get("attempts") or {}).items()}
            p.hints_used = {str(k): int(v) for k, v in (d.get("hints_used") or {}).items()}
            p.seconds = float(d.get("seconds", 0.0))
            p.commands = int(d.get("commands", 0))
            p.finished = bool(d.get("finished", False))
            p.started = str(d.get("started", ""))
            p.updated = str(d.get("updated", ""))
        except (TypeError, ValueError, AttributeError):
            return cls()
        return p


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class ProgressStore:
    """The progress file; ``get``/``put`` per lesson key, saved atomically on every ``put``."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path or os.path.join(data_dir(), "progress.json")
        self.lessons: dict[str, LessonProgress] = {}
        self.user = ""
        self._load()

    def _load(self) -> None:
        if not os.path.exists(self.path):
            return
        try:
            self.lessons, self.user = _read(self.path)
        except ProgressError:
            self.lessons = {}  # a damaged file never blocks learning; the next save replaces it

    def get(self, key: str) -> LessonProgress:
        """The progress of a lesson (a fresh one when there is none)."""
        return self.lessons.get(key) or LessonProgress()

    def put(self, key: str, p: LessonProgress) -> None:
        """Record and save (errors are swallowed: progress must never break a lesson)."""
        p.updated = _now()
        if not p.started:
            p.started = p.updated
        self.lessons[key] = p
        try:
            self.save()
        except OSError:
            pass

    def reset(self, key: str) -> None:
        """Forget a lesson's progress."""
        self.lessons.pop(key, None)
        try:
            self.save()
        except OSError:
            pass

    def to_dict(self) -> dict[str, Any]:
        """The file's JSON document."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "user": self.user,
            "lessons": {k: asdict(v) for k, v in sorted(self.lessons.items())},
        }

    def save(self, path: str | None = None) -> None:
        """Write atomically (a crash never leaves half a file)."""
        target = path or self.path
        os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(target)), prefix=".progress-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self.to_dict(), fh, indent=1, sort_keys=True)
                fh.write("\n")
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def export(self, path: str, user: str = "") -> None:
        """Write a copy for an instructor (``user`` names the learner)."""
        if user:
            self.user = user
        try:
            self.save(path)
        except OSError as e:
            raise ProgressError(f"cannot write {path}: {e.strerror}") from None

    def import_file(self, path: str) -> int:
        """Merge a progress file in (the further-along entry wins); returns how many lessons changed."""
        lessons, _user = _read(path)
        changed = 0
        for k, p in lessons.items():
            mine = self.lessons.get(k)
            if mine is None or (p.finished, len(p.done_steps), p.step) > (
                mine.finished,
                len(mine.done_steps),
                mine.step,
            ):
                self.lessons[k] = p
                changed += 1
        if changed:
            try:
                self.save()
            except OSError as e:
                raise ProgressError(f"cannot write {self.path}: {e.strerror}") from None
        return changed


def _read(path: str) -> tuple[dict[str, LessonProgress], str]:
    try:
        if os.path.getsize(path) > MAX_BYTES:
            raise ProgressError(f"{path} is too large to be a progress file")
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as e:
        raise ProgressError(f"cannot read {path}: {e.strerror}") from None
    except (ValueError, UnicodeDecodeError):
        raise ProgressError(f"{path} is not a k8stutor progress file (it is not JSON)") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ProgressError(f"{path} is not a k8stutor progress file")
    if data.get("version") != VERSION:
        raise ProgressError(
            f"{path} has progress format version {data.get('version')}; this k8stutor reads version {VERSION}"
        )
    lessons = {
        str(k): LessonProgress.from_dict(v)
        for k, v in (data.get("lessons") or {}).items()
        if isinstance(v, dict)
    }
    return lessons, str(data.get("user", ""))
