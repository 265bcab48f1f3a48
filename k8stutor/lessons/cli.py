"""``k8stutor lessons list | lint PATH | verify PATH | new PATH | progress ...`` and ``shell --lesson``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from typing import TextIO

from .catalog import LessonNotFound, find_lesson, list_packs
from .checks import CheckResult
from .loader import PackError, lint_pack, load_pack
from .model import tr
from .progress import ProgressError, ProgressStore
from .runner import LessonRunner, Output
from .scaffold import ScaffoldError, new_pack
from .verify import verify_pack


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="k8stutor lessons", description="Lesson packs: list, lint, verify, scaffold."
    )
    sub = p.add_subparsers(dest="cmd")
    sub.add_parser("list", help="the packs and lessons found, with your progress")
    lint = sub.add_parser("lint", help="check a pack's format and references (file:line errors)")
    lint.add_argument("path")
    ver = sub.add_parser("verify", help="replay every reference solution on a fresh cluster")
    ver.add_argument("path")
    new = sub.add_parser("new", help="write a new pack to start from")
    new.add_argument("path")
    prog = sub.add_parser("progress", help="export, import or reset your progress")
    prog.add_argument("action", choices=["show", "export", "import", "reset"])
    prog.add_argument("arg", nargs="?", help="FILE for export/import, LESSON (pack/lesson) for reset")
    prog.add_argument("--user", default="", help="your name, written into an export")
    return p


def lessons_main(argv: list[str], out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Run ``k8stutor lessons ...``; returns the exit status."""
    p = _parser()
    try:
        args = p.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    if args.cmd is None:
        p.print_help(out)
        return 2
    if args.cmd == "list":
        return _list(out)
    if args.cmd == "lint":
        issues = lint_pack(args.path)
        for i in issues:
            out.write(f"{i}\n")
        errors = sum(1 for i in issues if i.severity == "error")
        if not errors:
            out.write(f"{args.path}: ok" + (f" ({len(issues)} warning(s))" if issues else "") + "\n")
        return 1 if errors else 0
    if args.cmd == "verify":
        try:
            pack = load_pack(args.path)
        except PackError as e:
            err.write(f"{e}\n")
            return 1
        status = 0
        for rep in verify_pack(pack):
            out.write(rep.summary() + "\n")
            for i in rep.problems + rep.warnings:
                out.write(f"  {i}\n")
            status |= 0 if rep.ok else 1
        return status
    if args.cmd == "new":
        try:
            files = new_pack(args.path)
        except ScaffoldError as e:
            err.write(f"k8stutor lessons new: {e}\n")
            return 1
        out.write("".join(f"wrote {f}\n" for f in files))
        out.write(
            f"Next: edit them, then `k8stutor lessons lint {args.path}` and `k8stutor lessons verify "
            f"{args.path}`.\n"
        )
        return 0
    return _progress(args, out, err)


def _list(out: TextIO) -> int:
    store = ProgressStore()
    entries = list_packs()
    if not entries:
        out.write("No lesson packs found.\n")
        return 0
    for e in entries:
        if e.pack is None:
            out.write(
                f"{e.path}: cannot be loaded ({len(e.issues)} problem(s); run `k8stutor lessons lint "
                f"{e.path}`)\n"
            )
            continue
        out.write(f"{e.pack.id}  {tr(e.pack.title, e.pack.language)}  ({e.path})\n")
        for ls in e.pack.lessons:
            p = store.get(ls.key)
            state = "done" if p.finished else (f"step {p.step + 1}/{len(ls.steps)}" if p.started else "new")
            mins = f"{ls.estimated_minutes:g} min" if ls.estimated_minutes else ""
            out.write(f"  {ls.key:<32} {tr(ls.title, ls.language):<44} {mins:>7}  {state}\n")
    return 0


def _progress(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    store = ProgressStore()
    try:
        if args.action == "show":
            for key, p in sorted(store.lessons.items()):
                state = "done" if p.finished else f"step {p.step + 1}"
                out.write(
                    f"{key:<32} {state:<8} {p.commands} commands, {sum(p.hints_used.values())} hints, "
                    f"{p.seconds / 60:.1f} min\n"
                )
            return 0
        if not args.arg:
            err.write(
                f"k8stutor lessons progress {args.action}: give a {'LESSON' if args.action == 'reset' else 'FILE'}"
                "\n"
            )
            return 2
        if args.action == "export":
            store.export(args.arg, args.user)
            out.write(f"Exported the progress of {len(store.lessons)} lesson(s) to {args.arg}\n")
        elif args.action == "import":
            n = store.import_file(args.arg)
            out.write(f"Imported {args.arg}: {n} lesson(s) updated\n")
        else:
            store.reset(args.arg)
            out.write(f"Progress of {args.arg} forgotten\n")
    except ProgressError as e:
        err.write(f"k8stutor: {e}\n")
        return 1
    return 0


# ---- shell --lesson -----------------------------------------------------------------------------------


def render_goal(results: Iterable[CheckResult]) -> list[str]:
    """The checklist as text lines."""
    return [f"  {r.line()}" for r in results]


def intro(runner: LessonRunner) -> str:
    """The lesson banner and the first step, as the plain shell prints them."""
    ls = runner.lesson
    lines = [f"Lesson: {tr(ls.title, runner.lang)}"]
    if ls.estimated_minutes:
        lines[0] += f" (about {ls.estimated_minutes:g} min)"
    for o in ls.objectives:
        lines.append(f"  - {tr(o, runner.lang)}")
    lines.append(
        "Commands: hint, check, next, goal, solution, answer TEXT; everything else runs on the cluster."
    )
    lines.append("")
    lines += step_block(runner)
    return "\n".join(lines) + "\n"


def step_block(runner: LessonRunner) -> list[str]:
    """A step's heading, text, narration and goal."""
    lines = [runner.step_heading(), "", runner.step_text(), ""]
    lines += runner.entered
    if runner.step.goal:
        lines.append("Goal:")
        lines += render_goal(runner.evaluate())
    return lines


def _print_outcome(o: Output, out: TextIO, err: TextIO, last: list[str]) -> None:
    out.write(o.stdout)
    err.write(o.stderr)
    if not o.runner and o.results:
        now = [r.line() for r in o.results]
        if now != last:
            out.write("Goal:\n" + "".join(f"  {x}\n" for x in now))
            last[:] = now
    for m in o.messages:
        out.write(m + "\n")
    out.flush()


def shell_lesson_main(
    spec: str,
    stdin: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    echo: bool = False,
    lang: str | None = None,
) -> int:
    """``k8stutor shell --lesson ID|PATH``: the lesson in the plain shell (REPL on a terminal, transcript on
    a pipe); exit status 0 only if every command succeeded."""
    from ..engine.runtime.sh import needs_more_input
    from ..hosts.shell import split_commands

    store = ProgressStore()
    try:
        _pack, lesson = find_lesson(spec, store)
    except (PackError, LessonNotFound) as e:
        err.write(f"k8stutor: {e}\n")
        return 1
    runner = LessonRunner(lesson, lang=lang, progress=store, host_files=True)
    runner.start(resume=stdin.isatty())
    out.write(intro(runner))
    status = 0
    last: list[str] = []

    def lines_from_tty() -> Iterable[str]:
        while True:
            try:
                buf = [input("$ ")]
                while needs_more_input("\n".join(buf)):
                    buf.append(input("> "))
            except EOFError:
                out.write("\n")
                return
            except KeyboardInterrupt:
                out.write("^C\n")
                continue
            yield "\n".join(buf)

    source = lines_from_tty() if stdin.isatty() else split_commands(stdin)
    for cmd in source:
        if not cmd.strip():
            continue
        if echo:
            first, *rest = cmd.split("\n")
            out.write(f"$ {first}\n" + "".join(f"> {r}\n" for r in rest))
        if cmd.strip() in ("exit", "logout", "quit"):
            break
        o = runner.run(cmd)
        _print_outcome(o, out, err, last)
        if (
            o.runner
            and cmd.strip() == "next"
            and runner.step_index
            and not runner.finished
            and o.messages
            and o.messages[0].startswith("Step ")
        ):
            out.write("\n" + runner.step_text() + "\n")
            if runner.step.goal:
                out.write("Goal:\n" + "\n".join(render_goal(runner.evaluate())) + "\n")
        if o.exit_code != 0:
            status = 1
        if runner.finished:
            break
    return status
