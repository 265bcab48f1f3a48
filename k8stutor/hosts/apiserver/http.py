"""A small HTTP/1.1 server on asyncio streams (stdlib only).

Everything runs on one event loop: the request handler touches the engine directly, so requests are
serialised with every other engine user on that loop (the pacer, the TUI). Keep-alive with
``Content-Length`` bodies, chunked request bodies, chunked streaming responses (watch, ``logs -f``) and
protocol upgrades (WebSocket for exec / port-forward) are supported.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

MAX_HEADER_BYTES = 1 << 20
MAX_BODY_BYTES = 64 << 20

_REASONS = {
    101: "Switching Protocols",
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    410: "Gone",
    413: "Request Entity Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
}


@dataclass
class Request:
    """One parsed HTTP request."""

    method: str
    target: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""
    # The verified client certificate (``ssl`` ``getpeercert()`` form) on a TLS connection, else None.
    peercert: dict[str, Any] | None = None

    def q(self, name: str, default: str = "") -> str:
        """The first value of a query parameter."""
        vals = self.query.get(name)
        return vals[0] if vals else default

    def header(self, name: str, default: str = "") -> str:
        """A header value (case-insensitive name)."""
        return self.headers.get(name.lower(), default)


@dataclass
class Response:
    """A complete response."""

    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Streaming:
    """A streamed response: ``run`` writes the body itself (chunked) until the stream ends."""

    status: int
    content_type: str
    run: Callable[[ChunkWriter, asyncio.StreamReader], Awaitable[None]]
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Upgrade:
    """A protocol switch (WebSocket): ``run`` owns the raw streams after the handler's 101 answer."""

    headers: list[tuple[str, str]]
    run: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


Handler = Callable[[Request], Awaitable[Response | Streaming | Upgrade]]


class ChunkWriter:
    """Writes ``Transfer-Encoding: chunked`` pieces."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        self.closed = False

    async def write(self, data: bytes) -> None:
        """Send one chunk (and flush it)."""
        if not data or self.closed:
            return
        self.writer.write(b"%x\r\n%s\r\n" % (len(data), data))
        await self.writer.drain()

    async def end(self) -> None:
        """The terminating zero-length chunk."""
        if not self.closed:
            self.closed = True
            self.writer.write(b"0\r\n\r\n")
            with contextlib.suppress(ConnectionError):
                await self.writer.drain()


class BadRequest(Exception):
    """The request could not be parsed."""


def _head(status: int, headers: list[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}"]
    lines += [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as e:
        if not e.partial.strip():
            return None
        raise BadRequest("incomplete request") from None
    except asyncio.LimitOverrunError:
        raise BadRequest("request header too large") from None
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        raise BadRequest("malformed request line")
    method, target, _ = parts
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        k, sep, v = line.partition(":")
        if not sep:
            raise BadRequest("malformed header")
        key = k.strip().lower()
        headers[key] = f"{headers[key]},{v.strip()}" if key in headers else v.strip()
    body = b""
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        total = 0
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            total += size
            if total > MAX_BODY_BYTES:
                raise BadRequest("request body too large")
            chunks.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(chunks)
    elif "content-length" in headers:
        n = int(headers["content-length"])
        if n > MAX_BODY_BYTES:
            raise BadRequest("request body too large")
        body = await reader.readexactly(n) if n else b""
    split = urlsplit(target)
    return Request(
        method=method.upper(),
        target=target,
        path=unquote(split.path),
        query=parse_qs(split.query, keep_blank_values=True),
        headers=headers,
        body=body,
    )


class HTTPServer:
    """asyncio HTTP/1.1 server calling ``handler`` for every request, on the loop it was started on."""

    def __init__(self, handler: Handler, extra_headers: list[tuple[str, str]] | None = None) -> None:
        self.handler = handler
        self.extra_headers = extra_headers or []
        self.server: asyncio.base_events.Server | None = None
        self.connections: set[asyncio.Task[Any]] = set()

    async def start(self, host: str, port: int, tls: ssl.SSLContext | None = None) -> int:
        """Listen (over TLS with ``tls``); returns the bound port (``port=0`` picks a free one)."""
        self.server = await asyncio.start_server(
            self._conn,
            host,
            port,
            limit=MAX_HEADER_BYTES,
            ssl=tls,
            ssl_handshake_timeout=10.0 if tls else None,
        )
        return int(self.server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        """Stop listening and end open connections (watches included)."""
        if self.server is not None:
            self.server.close()
        for t in list(self.connections):
            t.cancel()
        for t in list(self.connections):
            with contextlib.suppress(BaseException):
                await t
        if self.server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.server.wait_closed(), 1.0)

    async def _conn(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self.connections.add(task)
        peercert = writer.get_extra_info("peercert") or None
        try:
            while True:
                try:
                    req = await _read_request(reader)
                except (BadRequest, ValueError) as e:
                    await self._send(writer, Response(400, str(e).encode(), "text/plain"), close=True)
                    return
                if req is None:
                    return
                req.peercert = peercert
                result = await self.handler(req)
                if isinstance(result, Response):
                    close = req.header("connection").lower() == "close"
                    await self._send(writer, result, close=close)
                    if close:
                        return
                elif isinstance(result, Streaming):
                    headers = [
                        ("Content-Type", result.content_type),
                        ("Transfer-Encoding", "chunked"),
                        *self.extra_headers,
                        *result.headers,
                    ]
                    writer.write(_head(result.status, headers))
                    cw = ChunkWriter(writer)
                    try:
                        await result.run(cw, reader)
                    finally:
                        await cw.end()
                    return
                else:
                    writer.write(_head(101, result.headers))
                    await writer.drain()
                    await result.run(reader, writer)
                    return
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        except asyncio.CancelledError:
            return
        finally:
            if task is not None:
                self.connections.discard(task)
            with contextlib.suppress(Exception):
                writer.close()

    async def _send(self, writer: asyncio.StreamWriter, resp: Response, close: bool) -> None:
        headers = [
            ("Content-Type", resp.content_type),
            ("Content-Length", str(len(resp.body))),
            *self.extra_headers,
            *resp.headers,
        ]
        if close:
            headers.append(("Connection", "close"))
        writer.write(_head(resp.status, headers) + resp.body)
        await writer.drain()
