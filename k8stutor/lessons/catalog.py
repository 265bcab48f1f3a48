"""Where packs live and how a command-line ``ID|PATH`` names a lesson.

Packs are found in the shipped ``lessons/`` directory, in ``<user data dir>/packs`` and in the directories
of ``$K8STUTOR_LESSONS_PATH`` (separated like PATH).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .loader import PACK_FILE, Issue, PackError, lint_pack, load_pack
from .model import Lesson, Pack
from .progress import ProgressStore, data_dir

SHIPPED = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "lessons"
)


def search_path() -> list[str]:
    """The directories searched for packs, in order."""
    dirs = [d for d in os.environ.get("K8STUTOR_LESSONS_PATH", "").split(os.pathsep) if d]
    dirs += [SHIPPED, os.path.join(data_dir(), "packs")]
    return [d for d in dict.fromkeys(dirs) if os.path.isdir(d)]


@dataclass
class PackEntry:
    """A pack found on disk: loaded, or the problems that kept it from loading."""

    path: str
    pack: Pack | None
    issues: list[Issue]


def pack_dirs() -> list[str]:
    """Every pack directory on the search path (a directory holding pack.yaml)."""
    out = []
    for d in search_path():
        if os.path.isfile(os.path.join(d, PACK_FILE)):
            out.append(d)
            continue
        try:
            names = sorted(os.listdir(d))
        except OSError:
            continue
        out += [os.path.join(d, n) for n in names if os.path.isfile(os.path.join(d, n, PACK_FILE))]
    return out


def list_packs() -> list[PackEntry]:
    """Load every pack on the search path."""
    out = []
    for d in pack_dirs():
        try:
            out.append(PackEntry(d, load_pack(d), [i for i in lint_pack(d) if i.severity != "error"]))
        except PackError as e:
            out.append(PackEntry(d, None, e.issues))
    return out


class LessonNotFound(LookupError):
    """No lesson matches what was asked for; the message lists what exists."""


def _pick(pack: Pack, progress: ProgressStore | None) -> Lesson:
    if progress is not None:
        for ls in pack.lessons:
            if not progress.get(ls.key).finished:
                return ls
    return pack.lessons[0]


def find_lesson(spec: str, progress: ProgressStore | None = None) -> tuple[Pack, Lesson]:
    """A lesson from ``PATH`` (pack dir, pack.yaml or lesson file) or ``ID`` (``pack/lesson``, ``lesson`` or
    ``pack``, which picks the first unfinished lesson). Raises PackError or LessonNotFound."""
    path = os.path.abspath(os.path.expanduser(spec))
    if os.path.exists(path):
        if os.path.isfile(path) and os.path.basename(path) != PACK_FILE:
            parent = os.path.dirname(path)
            for cand in (parent, os.path.dirname(parent)):
                if os.path.isfile(os.path.join(cand, PACK_FILE)):
                    pack = load_pack(cand)
                    real = os.path.realpath(path)
                    for ls in pack.lessons:
                        if os.path.realpath(os.path.join(pack.root, ls.file)) == real:
                            return pack, ls
            pack = load_pack(path)
            return pack, pack.lessons[0]
        pack = load_pack(path)
        return pack, _pick(pack, progress)
    entries = [e for e in list_packs() if e.pack is not None]
    pack_id, _, lesson_id = spec.partition("/")
    for e in entries:
        assert e.pack is not None
        if lesson_id and e.pack.id == pack_id and e.pack.lesson(lesson_id):
            return e.pack, e.pack.lesson(lesson_id)  # type: ignore[return-value]
        if not lesson_id and e.pack.id == spec:
            return e.pack, _pick(e.pack, progress)
    if not lesson_id:
        for e in entries:
            assert e.pack is not None
            found = e.pack.lesson(spec)
            if found is not None:
                return e.pack, found
    known = [ls.key for e in entries if e.pack for ls in e.pack.lessons]
    raise LessonNotFound(
        f"no lesson {spec!r}; known lessons: {', '.join(known) or 'none'} "
        "(or give the path of a pack or a lesson file)"
    )
