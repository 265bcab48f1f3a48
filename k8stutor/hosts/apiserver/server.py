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

from ...engine.errors import StatusError
from .app import KubeAPI, status_response
from .auth import Gate
from .http import HTTPServer, Request, Response, Streaming, Upgrade
from .tls import PKI, install_x509_signer, server_context

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
    """The HTTP server, the Kubernetes API and the pacer over one cluster, on the current event loop.

    With ``pki`` the server speaks TLS and authenticates every request (client certificate or bearer token;
    anonymous only with ``anonymous=True``); without it, plain HTTP where a request without credentials is
    the cluster admin. Either way every request is authorized by the cluster's RBAC.
    """

    def __init__(
        self,
        cluster: Cluster,
        host: str = "127.0.0.1",
        port: int = 0,
        speed: float = 1.0,
        pki: PKI | None = None,
        anonymous: bool = False,
    ) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("the simulated API server listens on loopback only")
        self.cluster = cluster
        self.host = host
        self.port = port
        self.pki = pki
        self.api = KubeAPI(cluster)
        self.gate = Gate(cluster, insecure=pki is None, anonymous=anonymous)
        self.http = HTTPServer(self.handle)
        self.pacer = Pacer(cluster, speed)

    @property
    def url(self) -> str:
        """The server URL for a kubeconfig."""
        return f"{'https' if self.pki else 'http'}://{self.host}:{self.port}"

    async def handle(self, req: Request) -> Response | Streaming | Upgrade:
        """Authenticate and authorize, answer the review APIs, then serve the request as its user."""
        try:
            user, info = self.gate.admit(req)
            answer = self.gate.answer(req, info, user)
        except StatusError as e:
            answer = status_response(e)
        if answer is not None:
            self.api.requests += 1
            for listener in self.api.listeners:
                listener(req, answer.status)
            return answer
        api = self.cluster.api
        warnings: list[str] = []
        prev, api.current_user = api.current_user, user
        prev_handler, api.warning_handler = api.warning_handler, warnings.append
        try:
            result = await self.api.handle(req)
        finally:
            api.current_user = prev
            api.warning_handler = prev_handler
        if warnings and isinstance(result, Response):
            result.headers.extend(("Warning", warning_header(w)) for w in dict.fromkeys(warnings))
        return result

    async def start(self) -> int:
        """Listen and start pacing; returns the port."""
        tls = None
        if self.pki is not None:
            tls = server_context(self.pki)
            install_x509_signer(self.cluster, self.pki)
        self.port = await self.http.start(self.host, self.port, tls)
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

    def __init__(
        self,
        cluster: Cluster,
        port: int = 0,
        speed: float = 0.0,
        pki: PKI | None = None,
        anonymous: bool = False,
    ) -> None:
        self.cluster = cluster
        self.loop = asyncio.new_event_loop()
        self.server = SimServer(cluster, port=port, speed=speed, pki=pki, anonymous=anonymous)
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


def warning_header(text: str) -> str:
    """A ``Warning`` header value as the API server writes it (RFC 7234 code 299, quoted text)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'299 - "{escaped}"'
