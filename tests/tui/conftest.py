"""Fixtures for the app tests: a private data directory, and an app frozen in time."""

from __future__ import annotations

import pytest

from k8stutor.tui.app import K8sTutorApp, make_app


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Autosave and history go to a temporary directory, never the user's."""
    monkeypatch.setenv("K8STUTOR_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def sandbox_app(tmp_path, **kwargs) -> K8sTutorApp:
    """The sandbox with time paused (the clock only moves when a test moves it)."""
    opts = dict(start="sandbox", paused=True, autosave=False, history=False, cwd=str(tmp_path))
    opts.update(kwargs)
    return make_app(**opts)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run ``async def`` tests on a fresh event loop (no async plugin needed)."""
    import asyncio
    import inspect

    if inspect.iscoroutinefunction(pyfuncitem.obj):
        args = {a: pyfuncitem.funcargs[a] for a in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(pyfuncitem.obj(**args))
        return True
    return None
