"""Loading and linting packs: schema, references and bounds, with ``file:line`` problems.

Packs are data. Every path stays inside the pack (no absolute paths, no ``..``, no symlink out), every file
is bounded in size, YAML is read with the manifest reader's alias-bomb and depth limits.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from ..kubectl.durations import DurationError, parse_sleep
from ..kubectl.manifests import ManifestError, iter_documents
from .model import DemoItem, Disabled, Hint, Lesson, Pack, Quiz, StartState, Step, TextValue
from .schema import Validator
from .yamlsrc import Located, YamlError, load_yaml

PACK_FILE = "pack.yaml"
MAX_PACK_YAML = 256 * 1024
MAX_LESSON_YAML = 1024 * 1024
MAX_DATA_FILE = 8 * 1024 * 1024
MAX_PACK_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Issue:
    """One lint problem: ``file:line: message`` (``severity`` is "error" or "warning")."""

    file: str
    line: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        tag = "" if self.severity == "error" else f"{self.severity}: "
        return f"{where}: {tag}{self.message}"


class PackError(ValueError):
    """A pack or lesson could not be loaded; ``issues`` lists every problem (``str()`` shows them all)."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("\n".join(str(i) for i in issues))
        self.issues = issues


def parse_duration(value: Any) -> float:
    """Seconds from ``60``, ``"90s"``, ``"1m30s"`` (ValueError when it is not a duration)."""
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r}")
    if isinstance(value, int | float):
        return float(value)
    try:
        return parse_sleep(str(value))
    except DurationError:
        raise ValueError(f"not a duration: {value!r} (write 30s, 2m, 1m30s)") from None


class _Ctx:
    """Collects issues while loading one pack."""

    def __init__(self, root: str) -> None:
        self.root = os.path.realpath(root)
        self.issues: list[Issue] = []
        self.total = 0

    def rel(self, path: str) -> str:
        try:
            r = os.path.relpath(path, self.root)
        except ValueError:
            return path
        return path if r.startswith("..") else r

    def add(self, file: str, line: int, message: str, severity: str = "error") -> None:
        self.issues.append(Issue(file, line, message, severity))

    def resolve(self, ref: str, file: str, line: int, what: str) -> str | None:
        """The real path of a pack-relative reference, or None (with an issue) if it escapes or is missing."""
        if not isinstance(ref, str) or not ref.strip():
            self.add(file, line, f"{what}: expected a path inside the pack")
            return None
        if os.path.isabs(ref) or ref.startswith("~") or re.match(r"^[A-Za-z]:[\\/]", ref):
            self.add(
                file,
                line,
                f"{what} {ref!r}: absolute paths are not allowed; write a path relative to the "
                "pack directory",
            )
            return None
        full = os.path.realpath(os.path.join(self.root, ref))
        if full != self.root and not full.startswith(self.root + os.sep):
            self.add(
                file, line, f"{what} {ref!r} escapes the pack directory (packs may only use their own files)"
            )
            return None
        if not os.path.isfile(full):
            self.add(file, line, f"{what} {ref!r}: no such file in the pack")
            return None
        return full

    def read(self, full: str, file: str, line: int, limit: int, what: str) -> bytes | None:
        try:
            size = os.path.getsize(full)
        except OSError as e:
            self.add(file, line, f"{what}: cannot read {self.rel(full)}: {e.strerror}")
            return None
        if size > limit:
            self.add(file, line, f"{what} {self.rel(full)} is too large ({size} bytes; the limit is {limit})")
            return None
        self.total += size
        if self.total > MAX_PACK_BYTES:
            self.add(file, line, f"the pack is too large (more than {MAX_PACK_BYTES} bytes of files)")
            return None
        try:
            with open(full, "rb") as fh:
                return fh.read(limit + 1)
        except OSError as e:
            self.add(file, line, f"{what}: cannot read {self.rel(full)}: {e.strerror}")
            return None

    def yaml(self, full: str, file: str, limit: int) -> Located | None:
        raw = self.read(full, file, 0, limit, "file")
        if raw is None:
            return None
        try:
            return load_yaml(raw, file)
        except YamlError as e:
            self.add(file, e.line, f"malformed YAML: {e}")
            return None


_VALIDATOR: Validator | None = None


def _validator() -> Validator:
    global _VALIDATOR
    if _VALIDATOR is None:
        _VALIDATOR = Validator()
    return _VALIDATOR


def _schema_issues(ctx: _Ctx, doc: Located, definition: str, file: str) -> bool:
    problems = _validator().validate(doc.data, definition)
    for path, msg in problems:
        where = ".".join(str(p) for p in path)
        ctx.add(file, doc.line(path), f"{where}: {msg}" if where else msg)
    return not problems


def lint_pack(path: str) -> list[Issue]:
    """Every problem of a pack directory (or a pack.yaml, or a single lesson file); empty when it is fine."""
    _pack, issues = _load(path)
    return issues


def load_pack(path: str) -> Pack:
    """Load a pack (a directory with pack.yaml, the pack.yaml itself, or a lone lesson file).

    Raises PackError listing every error; warnings are ignored."""
    pack, issues = _load(path)
    errors = [i for i in issues if i.severity == "error"]
    if errors or pack is None:
        raise PackError(errors or [Issue(path, 0, "not a lesson pack")])
    return pack


def _load(path: str) -> tuple[Pack | None, list[Issue]]:
    path = os.path.abspath(os.path.expanduser(path))
    if os.path.isdir(path):
        pack_file = os.path.join(path, PACK_FILE)
        if not os.path.isfile(pack_file):
            return None, [
                Issue(path, 0, f"no {PACK_FILE} here (a pack is a directory with {PACK_FILE} and lessons)")
            ]
        return _load_pack_file(pack_file)
    if not os.path.exists(path):
        return None, [Issue(path, 0, "no such file or directory")]
    if os.path.basename(path) == PACK_FILE:
        return _load_pack_file(path)
    return _load_lone_lesson(path)


def _load_pack_file(pack_file: str) -> tuple[Pack | None, list[Issue]]:
    root = os.path.dirname(pack_file)
    ctx = _Ctx(root)
    fname = PACK_FILE
    doc = ctx.yaml(pack_file, fname, MAX_PACK_YAML)
    if doc is None:
        return None, ctx.issues
    if not isinstance(doc.data, dict):
        ctx.add(fname, 1, "pack.yaml must be a mapping (format_version, id, title, lessons, ...)")
        return None, ctx.issues
    if not _schema_issues(ctx, doc, "pack", fname):
        return None, ctx.issues
    d = doc.data
    pack = Pack(
        id=d["id"],
        title=d["title"],
        root=ctx.root,
        description=d.get("description", ""),
        language=d.get("language", "en"),
        languages=list(d.get("languages") or []),
        author=d.get("author", ""),
        version=str(d.get("version", "")),
        license=d.get("license", ""),
    )
    seen_files: set[str] = set()
    for i, ref in enumerate(d["lessons"]):
        file_ref = ref if isinstance(ref, str) else ref["file"]
        line = doc.line(("lessons", i))
        full = ctx.resolve(file_ref, fname, line, "lesson file")
        if full is None:
            continue
        if full in seen_files:
            ctx.add(fname, line, f"lesson file {file_ref!r} is listed twice")
            continue
        seen_files.add(full)
        lesson = _load_lesson(ctx, full, pack)
        if lesson is None:
            continue
        lesson.requires = [] if isinstance(ref, str) else list(ref.get("requires") or [])
        lesson.pack_id = pack.id
        lesson.language = pack.language
        if pack.lesson(lesson.id) is not None:
            ctx.add(
                ctx.rel(full), 1, f"lesson id {lesson.id!r} is already used by another lesson of the pack"
            )
            continue
        pack.lessons.append(lesson)
    ids = {ls.id for ls in pack.lessons}
    for i, ref in enumerate(d["lessons"]):
        if isinstance(ref, dict):
            for j, req in enumerate(ref.get("requires") or []):
                if req not in ids:
                    ctx.add(
                        fname,
                        doc.line(("lessons", i, "requires", j)),
                        f"requires {req!r}: no lesson of the pack has that id (known: {', '.join(sorted(ids))})",
                    )
    _check_cycles(ctx, pack, doc)
    return pack, ctx.issues


def _check_cycles(ctx: _Ctx, pack: Pack, doc: Located) -> None:
    graph = {ls.id: ls.requires for ls in pack.lessons}
    state: dict[str, int] = {}

    def visit(n: str, trail: list[str]) -> None:
        if state.get(n) == 2:
            return
        if state.get(n) == 1:
            cycle = trail[trail.index(n) :] + [n]
            ctx.add(
                PACK_FILE, doc.line(("lessons",)), "lesson prerequisites form a cycle: " + " -> ".join(cycle)
            )
            return
        state[n] = 1
        for m in graph.get(n, ()):
            if m in graph:
                visit(m, trail + [n])
        state[n] = 2

    for n in graph:
        visit(n, [])


def _load_lone_lesson(path: str) -> tuple[Pack | None, list[Issue]]:
    ctx = _Ctx(os.path.dirname(path))
    base = os.path.splitext(os.path.basename(path))[0]
    pack = Pack(id="", title=base, root=ctx.root)
    lesson = _load_lesson(ctx, os.path.realpath(path), pack)
    if lesson is not None:
        pack.id = lesson.id
        pack.title = lesson.title
        pack.lessons.append(lesson)
    return (pack if lesson is not None else None), ctx.issues


def _text_line(doc: Located, *path: str | int) -> int:
    return doc.line(tuple(path))


def _load_lesson(ctx: _Ctx, full: str, pack: Pack) -> Lesson | None:
    from .checks import static_problems
    from .matching import CommandPattern, PatternError

    fname = ctx.rel(full)
    doc = ctx.yaml(full, fname, MAX_LESSON_YAML)
    if doc is None:
        return None
    if not isinstance(doc.data, dict):
        ctx.add(fname, 1, "a lesson file must be a mapping (id, title, steps, ...)")
        return None
    if not _schema_issues(ctx, doc, "lesson", fname):
        return None
    d = doc.data
    start = StartState()
    sd = d.get("start") or {}
    if "preset" in sd:
        from ..engine.presets import PRESETS

        if sd["preset"] not in PRESETS:
            ctx.add(
                fname,
                doc.line(("start", "preset")),
                f"start.preset: unknown preset {sd['preset']!r}; choose one of: {', '.join(PRESETS)}",
            )
        start.preset = sd["preset"]
    start.seed = int(sd.get("seed", 0))
    for i, ref in enumerate(sd.get("files") or []):
        line = doc.line(("start", "files", i))
        f = ctx.resolve(ref, fname, line, "start.files")
        data = ctx.read(f, fname, line, MAX_DATA_FILE, "start.files") if f else None
        if data is not None:
            start.files[os.path.normpath(ref)] = data
    for i, ref in enumerate(sd.get("manifests") or []):
        line = doc.line(("start", "manifests", i))
        f = ctx.resolve(ref, fname, line, "start.manifests")
        data = ctx.read(f, fname, line, MAX_DATA_FILE, "start.manifests") if f else None
        if data is None:
            continue
        try:
            for _idx, obj in iter_documents(data, ref):
                if not isinstance(obj, dict) or "kind" not in obj or "apiVersion" not in obj:
                    ctx.add(fname, line, f"start.manifests {ref!r}: every document needs apiVersion and kind")
                    break
        except ManifestError as e:
            ctx.add(fname, line, f"start.manifests {ref!r}: {e}")
            continue
        start.manifests.append((os.path.normpath(ref), data))
    start.setup = list(sd.get("setup") or [])
    if "advance" in sd:
        try:
            start.advance = parse_duration(sd["advance"])
        except ValueError as e:
            ctx.add(fname, doc.line(("start", "advance")), f"start.advance: {e}")
    for i, fault in enumerate(sd.get("faults") or []):
        fd: dict[str, Any] = dict(fault)
        if "run" in fd and re.search(r"\b(sleep|wait|rollout status|logs -f)\b|--watch|\s-w\b", fd["run"]):
            ctx.add(
                fname,
                doc.line(("start", "faults", i, "run")),
                "a fault's command runs at an instant: it may not wait (sleep, wait, rollout status, -w)",
            )
        try:
            fd["at"] = parse_duration(fault.get("at", 0))
        except ValueError as e:
            ctx.add(fname, doc.line(("start", "faults", i, "at")), f"start.faults[{i}].at: {e}")
            continue
        start.faults.append(fd)

    def disabled(items: list[Any], base: tuple[str | int, ...]) -> list[Disabled]:
        out = []
        for i, item in enumerate(items or []):
            dis = (
                Disabled(item)
                if isinstance(item, str)
                else Disabled(item["pattern"], bool(item.get("regex")), item.get("message", ""))
            )
            try:
                CommandPattern(dis.pattern, dis.regex)
            except PatternError as e:
                ctx.add(fname, doc.line(base + (i,)), f"disabled command: {e}")
                continue
            out.append(dis)
        return out

    lesson = Lesson(
        id=d["id"],
        title=d["title"],
        file=fname,
        summary=d.get("summary", ""),
        objectives=list(d.get("objectives") or []),
        estimated_minutes=float(d.get("estimated_minutes", 0)),
        start=start,
        disabled=disabled(d.get("disabled_commands") or [], ("disabled_commands",)),
    )
    step_ids: set[str] = set()
    for i, sd_ in enumerate(d["steps"]):
        base = ("steps", i)
        sid = sd_.get("id") or f"step-{i + 1}"
        if sid in step_ids:
            ctx.add(fname, doc.line(base + ("id",)), f"step id {sid!r} is used twice")
        step_ids.add(sid)
        step = Step(
            index=i,
            id=sid,
            title=sd_["title"],
            text=sd_.get("text", ""),
            goal=list(sd_.get("goal") or []),
            solution=list(sd_.get("solution") or []),
            par=sd_.get("par"),
            highlight=sd_.get("highlight", ""),
            line=doc.line(base),
            disabled=disabled(sd_.get("disabled_commands") or [], base + ("disabled_commands",)),
        )
        for j, check in enumerate(step.goal):
            for sub, msg in static_problems(check):
                ctx.add(fname, doc.line(base + ("goal", j) + sub), msg)
        for j, h in enumerate(sd_.get("hints") or []):
            if isinstance(h, dict) and "text" in h:
                hint = Hint(
                    h["text"],
                    float(h.get("after_seconds", 0)),
                    int(h.get("after_attempts", 0)),
                    h.get("when"),
                )
                if hint.when is not None:
                    for sub, msg in static_problems(hint.when):
                        ctx.add(fname, doc.line(base + ("hints", j, "when") + sub), msg)
            else:
                hint = Hint(h)
            step.hints.append(hint)
        if "quiz" in sd_:
            step.quiz = _quiz(ctx, doc, fname, base, sd_["quiz"])
        step.demo = [
            DemoItem(x.get("say", ""), x.get("run", ""), x.get("then", "")) for x in sd_.get("demo") or []
        ]
        kinds = [k for k in ("goal", "quiz", "demo") if sd_.get(k)]
        if len(kinds) > 1:
            ctx.add(
                fname,
                doc.line(base),
                f"step {i + 1}: a step has a goal, a quiz or a demo, not "
                f"{' and '.join(kinds)} (split it into steps)",
            )
        if step.goal and not step.solution:
            ctx.add(
                fname,
                doc.line(base + ("goal",)),
                f"step {i + 1} has a goal but no solution: verify replays a "
                "reference solution for every goal",
            )
        if step.solution and not step.goal:
            ctx.add(
                fname,
                doc.line(base + ("solution",)),
                f"step {i + 1} has a solution but no goal to check it against",
                "warning",
            )
        lesson.steps.append(step)
    return lesson


def _quiz(ctx: _Ctx, doc: Located, fname: str, base: tuple[str | int, ...], q: dict[str, Any]) -> Quiz:
    raw = q["answer"]
    answers = [str(a) for a in (raw if isinstance(raw, list) else [raw])]
    choices: list[TextValue] = list(q.get("choices") or [])
    line = doc.line(base + ("quiz", "answer"))
    if choices:
        from .model import tr

        texts = [tr(c) for c in choices]
        norm = []
        for a in answers:
            if a.isdigit() and 1 <= int(a) <= len(texts):
                norm.append(texts[int(a) - 1])
            elif a in texts:
                norm.append(a)
            else:
                ctx.add(
                    fname,
                    line,
                    f"quiz answer {a!r} is not one of the choices (give the choice's text or its "
                    f"number, 1 to {len(texts)})",
                )
        answers = norm
    else:
        for a in answers:
            if len(a) > 2 and a.startswith("/") and a.endswith("/"):
                try:
                    re.compile(a[1:-1])
                except re.error as e:
                    ctx.add(fname, line, f"quiz answer {a!r}: bad regular expression: {e}")
    return Quiz(q["question"], answers, choices, q.get("explain", ""), q.get("run", ""))
