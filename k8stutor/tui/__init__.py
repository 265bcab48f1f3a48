"""The Textual app: the only package that imports textual or rich.

``make_app(...)`` builds the app (welcome screen or straight into the sandbox); ``run(...)`` runs it.
"""

from __future__ import annotations

from typing import Any


def make_app(*args: Any, **kwargs: Any) -> Any:
    """Build the k8stutor app (see ``k8stutor.tui.app.make_app``)."""
    from .app import make_app as _make_app

    return _make_app(*args, **kwargs)


def run(**kwargs: Any) -> int:
    """Run the app in this terminal; returns the exit status."""
    app = make_app(**kwargs)
    app.run()
    return int(app.return_code or 0)
