"""Where the app keeps its files (user data directory via platformdirs); imports nothing heavy."""

from __future__ import annotations

import os


def data_dir() -> str:
    """The user data directory (platformdirs) where autosave and history live."""
    override = os.environ.get("K8STUTOR_DATA_DIR")
    if override:
        return override
    from platformdirs import user_data_dir

    return user_data_dir("k8stutor", appauthor=False)


def autosave_path() -> str:
    """Where the sandbox autosaves."""
    return os.path.join(data_dir(), "sandbox-autosave.json")
