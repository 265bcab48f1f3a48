"""The ``k8stutor`` command line (DESIGN §4)."""

from __future__ import annotations

import argparse
import sys

from .engine.presets import PRESETS


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="k8stutor",
        description="Learn Kubernetes in the terminal on a faithful simulated v1.32 cluster.",
    )
    sub = p.add_subparsers(dest="command")
    sh = sub.add_parser("shell", help="kubectl prompt on a simulated cluster (REPL on a terminal, transcript on a pipe)")
    sh.add_argument("--preset", default="classroom", help=f"cluster preset: {', '.join(PRESETS)}")
    sh.add_argument("--seed", type=int, default=0, help="random seed (same seed + same commands = same cluster)")
    sh.add_argument("--state", metavar="FILE", help="load the cluster from FILE if it exists; save it there at exit")
    sh.add_argument("--echo", action="store_true", help="print each command, prefixed with '$ ', before its output")
    for name, text in (("sandbox", "free play in the TUI"), ("lesson", "start a lesson in the TUI"),
                       ("serve", "serve the cluster to real kubectl/helm"), ("lessons", "instructor tools")):
        sp = sub.add_parser(name, help=text)
        sp.add_argument("rest", nargs=argparse.REMAINDER)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "shell":
        from .hosts.shell import main as shell_main

        return shell_main(args.preset, args.seed, args.state, args.echo)
    if args.command is None:
        sys.stdout.write(
            "k8stutor — learn Kubernetes on a simulated v1.32 cluster.\n\n"
            "The full-screen app (lessons, live panes, editor) arrives soon. Today you can use the kubectl shell:\n\n"
            "  k8stutor shell                 interactive kubectl prompt on the classroom cluster\n"
            "  k8stutor shell --echo < f.txt  run a transcript of commands\n"
            "  k8stutor --help                everything else\n"
        )
        return 0
    sys.stderr.write(f"k8stutor {args.command}: not available yet in this version; use `k8stutor shell`.\n")
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
