"""Running the API server: the pacer, the server object on an event loop, and a thread wrapper.

The engine is single-threaded. ``SimServer`` puts the HTTP server, the ``KubeAPI`` and the ``Pacer`` on
one asyncio loop; every engine call happens on that loop. ``ServerThread`` runs such a loop in a
background thread for tests and tools, and ``call(fn)`` runs ``fn`` on the loop (serialised with the
requests) and returns its result.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, TypeVar

from .app import KubeAPI
from .http import HTTPServer

if TYPE_CHECKING:
    from ...engine.cluster import Cluster

T = TypeVar("T")

PACER_TICK = 0.05  # wall seconds between pacer steps


class Pacer:
    """Moves virtual time at ``speed`` times wall-clock time (0 freezes it), on the engine's loop."""

    def __init__(self, cluster: Cluster, speed: float = 1.0, tick: float = PACER_TICK) -> None:
        self.cluster = cluster
        self.speed = speed
        self.tick = tick
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Begin pacing (call on the engine's loop)."""
        if self.speed > 0 and self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> None:
        """Stop pacing."""
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self) -> None:
        wall0 = time.monotonic()
        virt0 = self.cluster.now()
        while True:
            await asyncio.sleep(self.tick)
            target = virt0 + (time.monotonic() - wall0) * self.speed
            now = self.cluster.now()
            if target > now:
                self.cluster.advance(target - now)


class SimServer:
    """The HTTP server, the Kubernetes API and the pacer over one cluster, on the current event loop."""

    def __init__(self, cluster: Cluster, host: str = "127.0.0.1", port: int = 0, speed: float = 1.0) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the simulated API server listens on loopback only")
        self.cluster = cluster
        self.host = host
        self.port = port
        self.api = KubeAPI(cluster)
        self.http = HTTPServer(self.api.handle)
        self.pacer = Pacer(cluster, speed)

    @property
    def url(self) -> str:
        """The server URL for a kubeconfig."""
        return f"http://{self.host}:{self.port}"

    async def start(self) -> int:
        """Listen and start pacing; returns the port."""
        self.port = await self.http.start(self.host, self.port)
        self.api.server_address = f"{self.host}:{self.port}"
        self.cluster.settle()
        self.pacer.start()
        return self.port

    async def stop(self) -> None:
        """Stop pacing and close every connection."""
        self.pacer.stop()
        await self.http.close()


class ServerThread:
    """A ``SimServer`` on its own event-loop thread (tests, benchmarks, tools)."""

    def __init__(self, cluster: Cluster, port: int = 0, speed: float = 0.0) -> None:
        self.cluster = cluster
        self.loop = asyncio.new_event_loop()
        self.server = SimServer(cluster, port=port, speed=speed)
        self.thread = threading.Thread(target=self._main, name="k8stutor-apiserver", daemon=True)
        self._ready: Future[int] = Future()

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            port = self.loop.run_until_complete(self.server.start())
        except BaseException as e:  # noqa: BLE001 - reported to the starting thread
            self._ready.set_exception(e)
            return
        self._ready.set_result(port)
        self.loop.run_forever()
        self.loop.run_until_complete(self.server.stop())
        pending = [t for t in asyncio.all_tasks(self.loop) if not t.done()]
        for t in pending:
            t.cancel()
        if pending:
            self.loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        with contextlib.suppress(Exception):
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        self.loop.close()

    def start(self) -> int:
        """Start the thread; returns the bound port."""
        self.thread.start()
        return self._ready.result(timeout=30)

    @property
    def url(self) -> str:
        """The server URL."""
        return self.server.url

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` on the engine's loop and return its result."""
        fut: Future[T] = Future()

        def run() -> None:
            try:
                fut.set_result(fn(*args))
            except BaseException as e:  # noqa: BLE001 - re-raised in the caller
                fut.set_exception(e)

        self.loop.call_soon_threadsafe(run)
        return fut.result(timeout=60)

    def stop(self) -> None:
        """Stop the server and the thread."""
        if self.thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=10)

    def __enter__(self) -> ServerThread:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
