"""Fixtures for the app tests: a private data directory, and an app frozen in time."""

from __future__ import annotations

from contextlib import asynccontextmanager

import pytest

from k8stutor.tui.app import K8sTutorApp


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Autosave and history go to a temporary directory, never the user's."""
    monkeypatch.setenv("K8STUTOR_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


async def wait_for_workspace(pilot) -> None:
    """The app draws a loading screen first and builds the cluster after that frame: wait for the workspace."""
    from k8stutor.tui.screens.workspace import WorkspaceScreen

    for _ in range(500):
        if isinstance(pilot.app.screen, WorkspaceScreen):
            await pilot.pause()
            return
        await pilot.pause()
    raise AssertionError(f"the workspace never opened (screen: {pilot.app.screen!r})")


class SandboxTestApp(K8sTutorApp):
    """The app whose ``run_test`` hands over the pilot once the workspace is up (as a learner would wait)."""

    @asynccontextmanager
    async def run_test(self, *args, **kwargs):
        async with super().run_test(*args, **kwargs) as pilot:
            await wait_for_workspace(pilot)
            yield pilot


def sandbox_app(tmp_path, **kwargs) -> K8sTutorApp:
    """The sandbox with time paused (the clock only moves when a test moves it)."""
    opts = dict(start="sandbox", paused=True, autosave=False, history=False, cwd=str(tmp_path))
    opts.update(kwargs)
    return SandboxTestApp(**opts)


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
