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
    sh.add_argument("--lesson", metavar="ID|PATH", help="follow a lesson (step text, goal checklist, hint, next)")
    sh.add_argument("--lang", default=None, help="lesson language, when the pack has translations")
    sb = sub.add_parser("sandbox", help="free play in the full-screen app")
    sb.add_argument("--preset", default="classroom", help=f"cluster preset: {', '.join(PRESETS)}")
    sb.add_argument("--seed", type=int, default=0, help="random seed (same seed + same commands = same cluster)")
    sb.add_argument("--state", metavar="FILE", help="load the cluster from FILE if it exists; save it there")
    sb.add_argument("--serve", action="store_true",
                    help="also serve the cluster as a Kubernetes API for your real kubectl and helm (see `serve`)")
    sb.add_argument("--port", type=int, default=6443, help="with --serve: port on 127.0.0.1 (default 6443)")
    sb.add_argument("--kubeconfig", default="~/.kube/k8stutor.yaml", help="with --serve: kubeconfig file to write")
    sb.add_argument("--insecure-http", action="store_true", help="with --serve: plain HTTP without TLS")
    ls = sub.add_parser("lesson", help="start a lesson in the full-screen app")
    ls.add_argument("rest", nargs=argparse.REMAINDER)
    web = sub.add_parser("web", help="serve the full-screen app to a browser (textual-serve)")
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    web.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    web.add_argument("--public-url", default=None, help="the URL browsers use, when behind a proxy")
    sv = sub.add_parser("serve", help="serve the simulated cluster as a Kubernetes API for real kubectl, helm and "
                                      "client libraries")
    sv.add_argument("--port", type=int, default=6443, help="port on 127.0.0.1 (default 6443)")
    sv.add_argument("--kubeconfig", default="~/.kube/k8stutor.yaml", help="kubeconfig file to write")
    sv.add_argument("--state", metavar="FILE", help="load the cluster from FILE if it exists; save it there at exit")
    sv.add_argument("--speed", type=float, default=1.0, help="virtual time speed (1 = real time, 0 = frozen)")
    sv.add_argument("--insecure-http", action="store_true", help="serve plain HTTP without TLS (no credentials = admin)")
    sv.add_argument("--anonymous-auth", action="store_true",
                    help="let requests without credentials in as system:anonymous (RBAC decides)")
    lsn = sub.add_parser("lessons", help="instructor tools")
    lsn.add_argument("rest", nargs=argparse.REMAINDER)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "shell" and args.lesson:
        from .lessons.cli import shell_lesson_main

        return shell_lesson_main(args.lesson, echo=args.echo, lang=args.lang)
    if args.command == "shell":
        from .hosts.shell import main as shell_main

        return shell_main(args.preset, args.seed, args.state, args.echo)
    if args.command == "serve":
        from .hosts.apiserver.main import serve_main

        return serve_main(port=args.port, kubeconfig=args.kubeconfig, state=args.state, speed=args.speed,
                          insecure_http=args.insecure_http, anonymous_auth=args.anonymous_auth)
    if args.command is None:
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            sys.stdout.write(
                "k8stutor — learn Kubernetes on a simulated v1.32 cluster.\n\n"
                "The full-screen app needs a terminal. Other ways in:\n\n"
                "  k8stutor shell --echo < f.txt  run a transcript of kubectl commands\n"
                "  k8stutor serve                 use your own kubectl against the simulated cluster\n"
                "  k8stutor --help                everything else\n"
            )
            return 0
        from .tui import run

        return run()
    if args.command == "sandbox":
        from .tui import run

        if args.preset not in PRESETS:
            sys.stderr.write(f"k8stutor: unknown preset {args.preset!r}; choose one of: {', '.join(PRESETS)}\n")
            return 2
        serve = None
        if args.serve:
            from .tui.serving import ServeOptions

            serve = ServeOptions(port=args.port, kubeconfig=args.kubeconfig, insecure_http=args.insecure_http)
        return run(start="sandbox", preset=args.preset, seed=args.seed, state=args.state, serve=serve)
    if args.command == "lesson":
        from .lessons import LessonNotFound, PackError, find_lesson

        if not args.rest:
            sys.stderr.write("usage: k8stutor lesson ID|PATH (k8stutor lessons list shows them)\n")
            return 2
        try:
            find_lesson(args.rest[0])
        except (PackError, LessonNotFound) as e:
            sys.stderr.write(f"k8stutor: {e}\n")
            return 1
        from .tui import run

        return run(start="lesson", lesson=args.rest[0])
    if args.command == "lessons":
        from .lessons.cli import lessons_main

        return lessons_main(args.rest)
    if args.command == "web":
        from .tui.web import serve

        return serve(args.host, args.port, args.public_url)
    sys.stderr.write(f"k8stutor {args.command}: not available yet in this version; use `k8stutor shell`.\n")
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
