"""``k8stutor web``: the same app in a browser, through textual-serve (for classrooms without Python).

textual-serve starts one app process per browser tab, talking to it over pipes (Textual's web driver), so
that process is started as ``python -m k8stutor.tui.web``: the app itself, without the command line's check
for a terminal (its stdin and stdout are pipes, not a tty).
"""

from __future__ import annotations

import shlex
import sys


def web_command() -> str:
    """The command textual-serve runs for each browser session (this Python, this k8stutor)."""
    return f"{shlex.quote(sys.executable)} -m k8stutor.tui.web"


def serve(host: str = "127.0.0.1", port: int = 8000, public_url: str | None = None) -> int:
    """Serve the app until interrupted; returns the exit status."""
    from textual_serve.server import Server

    server = Server(web_command(), host=host, port=port, title="k8stutor", public_url=public_url)
    sys.stdout.write(f"k8stutor web: open http://{host}:{port} in a browser (Ctrl+C stops)\n")
    sys.stdout.flush()
    server.serve()
    return 0


def main() -> int:
    """One browser session's app (the welcome screen), run by textual-serve."""
    from . import run

    return run()


if __name__ == "__main__":
    sys.exit(main())
