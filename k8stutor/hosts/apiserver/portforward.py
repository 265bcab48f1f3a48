"""``pods/portforward`` as real kubectl 1.32 speaks it: SPDY/3.1 frames tunnelled in WebSocket binary messages
(subprotocol ``SPDY/3.1+portforward.k8s.io``, client-go ``tools/portforward`` with ``tunneling_connection.go``).

Per forwarded TCP connection the client opens two SPDY streams with the same ``requestid`` header: an
``error`` stream (which it half-closes at once) and a ``data`` stream carrying the connection's bytes. The
server answers each SYN_STREAM with a SYN_REPLY, and when the connection is over sends an empty DATA frame
with FIN on both streams; anything written on the error stream is printed by kubectl as ``an error occurred
forwarding L -> R: ...``. Name/value header blocks use one zlib stream per direction with the SPDY/3
dictionary. PING frames are echoed; SETTINGS, WINDOW_UPDATE and RST_STREAM are accepted and ignored.

The simulated container does not get a byte stream: the data stream's bytes are read as HTTP/1.1 requests
and answered by the simulated network as a connection to ``localhost:PORT`` inside the pod would be (the
image's HTTP server, e.g. nginx's welcome page); a port nothing listens on gets kubelet's refusal on the
error stream. Each request is answered with ``Connection: close`` and the connection then ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import struct
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .http import Upgrade

if TYPE_CHECKING:
    from ...engine.cluster import Cluster

PROTOCOL = "SPDY/3.1+portforward.k8s.io"
SPDY_VERSION = 3
FLAG_FIN = 0x01
SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE = 1, 2, 3, 4, 6, 7, 8, 9
MAX_REQUEST_BYTES = 1 << 20

# The SPDY/3 header-compression dictionary (draft-mbelshe-httpbis-spdy-00 section 2.6.10.1): length-prefixed
# words, then a run of common values. 1423 bytes, Adler-32 0xe3c6a7c2.
_DICT_WORDS = (
    "options head post put delete trace accept accept-charset accept-encoding accept-language accept-ranges "
    "age allow authorization cache-control connection content-base content-encoding content-language "
    "content-length content-location content-md5 content-range content-type date etag expect expires from "
    "host if-match if-modified-since if-none-match if-range if-unmodified-since last-modified location "
    "max-forwards pragma proxy-authenticate proxy-authorization range referer retry-after server te trailer "
    "transfer-encoding upgrade user-agent vary via warning www-authenticate method get status"
).split() + ["200 OK", "version", "HTTP/1.1", "url", "public", "set-cookie", "keep-alive", "origin"]
_DICT_TAIL = (
    "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
    "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized"
    "403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable"
    "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT"
    "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,"
    "text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0."
)
SPDY_DICT = b"".join(struct.pack("!I", len(w)) + w.encode() for w in _DICT_WORDS) + _DICT_TAIL.encode()

_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 400: "Bad Request", 403: "Forbidden"}


class SpdyError(Exception):
    """A malformed SPDY frame."""


def encode_headers(deflater: Any, headers: dict[str, str]) -> bytes:
    """A compressed SPDY/3 name/value header block."""
    raw = struct.pack("!I", len(headers))
    for k, v in headers.items():
        kb, vb = k.encode(), v.encode()
        raw += struct.pack("!I", len(kb)) + kb + struct.pack("!I", len(vb)) + vb
    return bytes(deflater.compress(raw) + deflater.flush(zlib.Z_SYNC_FLUSH))


def decode_headers(inflater: Any, block: bytes) -> dict[str, str]:
    """Parse a compressed SPDY/3 name/value header block."""
    try:
        raw = inflater.decompress(block)
        (n,) = struct.unpack_from("!I", raw, 0)
        pos = 4
        out: dict[str, str] = {}
        for _ in range(n):
            (klen,) = struct.unpack_from("!I", raw, pos)
            key = raw[pos + 4 : pos + 4 + klen].decode()
            pos += 4 + klen
            (vlen,) = struct.unpack_from("!I", raw, pos)
            out[key] = raw[pos + 4 : pos + 4 + vlen].decode()
            pos += 4 + vlen
        return out
    except (zlib.error, struct.error, UnicodeDecodeError) as e:
        raise SpdyError(f"bad header block: {e}") from None


def control_frame(ftype: int, flags: int, body: bytes) -> bytes:
    """A SPDY/3 control frame."""
    return struct.pack("!HHI", 0x8000 | SPDY_VERSION, ftype, (flags << 24) | len(body)) + body


def data_frame(stream_id: int, data: bytes, fin: bool = False) -> bytes:
    """A SPDY DATA frame."""
    return struct.pack("!II", stream_id & 0x7FFFFFFF, ((FLAG_FIN if fin else 0) << 24) | len(data)) + data


def parse_frames(buf: bytearray) -> list[tuple[bool, int, int, bytes]]:
    """Whole frames taken off the front of ``buf``: (is_control, type-or-stream-id, flags, payload)."""
    out = []
    while len(buf) >= 8:
        w1, w2 = struct.unpack_from("!II", buf, 0)
        length = w2 & 0xFFFFFF
        if len(buf) < 8 + length:
            break
        payload = bytes(buf[8 : 8 + length])
        del buf[: 8 + length]
        if w1 & 0x80000000:
            out.append((True, w1 & 0xFFFF, w2 >> 24, payload))
        else:
            out.append((False, w1 & 0x7FFFFFFF, w2 >> 24, payload))
    return out


@dataclass
class _Conn:
    """One forwarded TCP connection (the error and data streams of one request id)."""

    port: int
    error_id: int = 0
    data_id: int = 0
    buf: bytearray = field(default_factory=bytearray)
    done: bool = False


def _http_answer(cluster: Cluster, pod: dict[str, Any], port: int, request: bytes) -> bytes:
    """The simulated server's raw HTTP/1.1 response to one request received on ``localhost:port``."""
    from ...engine.network.trace import workstation
    from ...engine.network.traffic import HttpResult, _answer_pod

    head = request.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    lines = head.split("\r\n")
    parts = lines[0].split(" ")
    method, path = (parts[0], parts[1]) if len(parts) >= 2 else ("GET", "/")
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    host = headers.get("host", f"localhost:{port}")
    res = HttpResult(f"http://{host}{path}", host.split(":")[0], ip="127.0.0.1", port=port)
    res = _answer_pod(cluster, pod, port, path, host.split(":")[0], "http", res, workstation())
    body = res.body.encode()
    reason = res.reason or _REASONS.get(res.status, "")
    out = (
        f"HTTP/1.1 {res.status} {reason}\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    return out if method == "HEAD" else out + body


def _request_complete(buf: bytes) -> bool:
    if b"\r\n\r\n" not in buf:
        return len(buf) > MAX_REQUEST_BYTES
    head, _, rest = buf.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length" and v.strip().isdigit():
            return len(rest) >= int(v.strip())
    return True


def refused_message(cluster: Cluster, pod: dict[str, Any], port: int) -> str:
    """What the kubelet (containerd) reports when nothing in the pod listens on the port."""
    from ...engine.network.trace import serving_containers

    uid = pod["metadata"].get("uid", "")
    live = serving_containers(cluster, pod)
    sandbox = live[0].sandbox_id if live else hashlib.sha256(uid.encode()).hexdigest()
    netns = f"/var/run/netns/cni-{uid}"
    return (
        f"error forwarding port {port} to pod {sandbox}, uid : failed to execute portforward in network "
        f'namespace "{netns}": failed to connect to localhost:{port} inside namespace "{sandbox}", IPv4: dial '
        f"tcp4 127.0.0.1:{port}: connect: connection refused IPv6 dial tcp6 [::1]:{port}: connect: connection "
        "refused "
    )


def upgrade(cluster: Cluster, key_accept: str, ns: str, name: str) -> Upgrade:
    """The 101 answer and the session that runs the SPDY tunnel for pod ``ns/name``."""
    from .streams import ws_frame, ws_read

    headers = [
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Accept", key_accept),
        ("Sec-WebSocket-Protocol", PROTOCOL),
    ]

    async def run(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        inflater = zlib.decompressobj(zdict=SPDY_DICT)
        deflater = zlib.compressobj(9, zlib.DEFLATED, 15, 8, zlib.Z_DEFAULT_STRATEGY, SPDY_DICT)
        buf = bytearray()
        conns: dict[str, _Conn] = {}
        by_stream: dict[int, _Conn] = {}

        def send(frame: bytes) -> None:
            writer.write(ws_frame(frame))

        def finish(c: _Conn, error: str = "", data: bytes = b"") -> None:
            if c.done:
                return
            c.done = True
            if data and c.data_id:
                send(data_frame(c.data_id, data))
            if error and c.error_id:
                send(data_frame(c.error_id, error.encode()))
            for sid in (c.data_id, c.error_id):
                if sid:
                    send(data_frame(sid, b"", fin=True))

        def on_data(c: _Conn) -> None:
            if c.done or not _request_complete(bytes(c.buf)):
                return
            pod = cluster.api.peek("pods", name, ns)
            if pod is None:
                finish(c, f'pod "{name}" not found')
                return
            from ...engine.network.trace import listens

            if not listens(cluster, pod, c.port):
                finish(c, refused_message(cluster, pod, c.port))
                return
            finish(c, data=_http_answer(cluster, pod, c.port, bytes(c.buf)))

        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError, SpdyError):
            while True:
                op, payload = await ws_read(reader)
                if op == 8:
                    break
                if op == 9:
                    writer.write(ws_frame(payload, opcode=10))
                    continue
                if op not in (0, 1, 2):
                    continue
                buf += payload
                for is_ctl, kind, flags, body in parse_frames(buf):
                    if is_ctl:
                        if kind == SYN_STREAM and len(body) >= 10:
                            sid = struct.unpack_from("!I", body, 0)[0] & 0x7FFFFFFF
                            hdrs = decode_headers(inflater, body[10:])
                            rid = hdrs.get("requestid", "")
                            port = int(hdrs["port"]) if hdrs.get("port", "").isdigit() else 0
                            c = conns.setdefault(rid, _Conn(port))
                            if hdrs.get("streamtype") == "error":
                                c.error_id = sid
                            else:
                                c.data_id = sid
                            by_stream[sid] = c
                            send(
                                control_frame(
                                    SYN_REPLY, 0, struct.pack("!I", sid) + encode_headers(deflater, {})
                                )
                            )
                            if c.done:  # the connection ended before this stream arrived
                                send(data_frame(sid, b"", fin=True))
                        elif kind == PING:
                            send(control_frame(PING, 0, body))
                        elif kind == GOAWAY:
                            return
                        elif kind in (HEADERS, SYN_REPLY, SETTINGS, WINDOW_UPDATE, RST_STREAM):
                            continue
                        continue
                    c2 = by_stream.get(kind)
                    if c2 is None:
                        continue
                    if kind == c2.data_id:
                        c2.buf += body
                        on_data(c2)
                        if flags & FLAG_FIN and not c2.done:
                            finish(c2)
                await writer.drain()
        with contextlib.suppress(Exception):
            writer.write(ws_frame(struct.pack("!H", 1000), opcode=8))
            await writer.drain()

    return Upgrade(headers, run)
