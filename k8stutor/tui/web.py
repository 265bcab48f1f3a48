"""``k8stutor web``: the same app in a browser, through textual-serve (for classrooms without Python)."""

from __future__ import annotations

import shlex
import sys


def web_command() -> str:
    """The command textual-serve runs for each browser session (this Python, this k8stutor)."""
    return f"{shlex.quote(sys.executable)} -m k8stutor"


def serve(host: str = "127.0.0.1", port: int = 8000, public_url: str | None = None) -> int:
    """Serve the app until interrupted; returns the exit status."""
    from textual_serve.server import Server

    server = Server(web_command(), host=host, port=port, title="k8stutor", public_url=public_url)
    sys.stdout.write(f"k8stutor web: open http://{host}:{port} in a browser (Ctrl+C stops)\n")
    sys.stdout.flush()
    server.serve()
    return 0
