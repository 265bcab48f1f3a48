"""Streaming pod subresources: ``log`` (with ``follow``), ``exec``/``attach`` over the ``v5.channel.k8s.io``
WebSocket protocol, and ``portforward`` (``SPDY/3.1+portforward.k8s.io`` over WebSocket).

The kubelet's containers are reached through the cluster's ``kubelets`` hook (``getattr(cluster,
"kubelets")``); without it, logs are empty and exec answers with a clear error, as the API server does
when it cannot reach a kubelet. Exec runs the command once in the live container's mini-shell (stdin is
not fed to the command yet, and ``-t`` sessions are not interactive); port-forward is in ``portforward``.

WebSocket framing (RFC 6455) is done here with the standard library: server frames unmasked, client
frames masked, binary messages whose first byte is the channel (0 stdin, 1 stdout, 2 stderr, 3 status,
4 resize, 255 close-stream in v5).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import json
import struct
from typing import TYPE_CHECKING, Any

from ...engine import errors
from ...engine.errors import StatusError
from ...engine.registry import ResourceType
from ...engine.timeutil import rfc3339
from . import portforward
from .http import ChunkWriter, Request, Response, Streaming, Upgrade

if TYPE_CHECKING:
    from ...engine.cluster import Cluster

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
EXEC_PROTOCOLS = ("v5.channel.k8s.io", "v4.channel.k8s.io")
PORTFORWARD_PROTOCOL = portforward.PROTOCOL
FOLLOW_POLL = 0.1  # wall seconds between polls of a followed log


# ---- containers ------------------------------------------------------------------------------------


def _pod(cluster: Cluster, ns: str, name: str) -> dict[str, Any]:
    return cluster.api.peek_or_raise("pods", name, ns)


def _container_name(pod: dict[str, Any], requested: str) -> str:
    spec = pod.get("spec") or {}
    names = [
        c["name"]
        for c in (spec.get("containers") or [])
        + (spec.get("initContainers") or [])
        + (spec.get("ephemeralContainers") or [])
    ]
    if requested:
        if requested not in names:
            raise errors.bad_request(f"container {requested} is not valid for pod {pod['metadata']['name']}")
        return requested
    if len(spec.get("containers") or []) == 1:
        return str(spec["containers"][0]["name"])
    raise errors.bad_request(
        f"a container name must be specified for pod {pod['metadata']['name']}, choose one of: "
        f"[{' '.join(c['name'] for c in spec.get('containers') or [])}]"
    )


def _runtime_container(cluster: Cluster, pod: dict[str, Any], cname: str, previous: bool = False) -> Any:
    mgr = getattr(cluster, "kubelets", None)
    meta = pod["metadata"]
    k = mgr.kubelet_for_pod(meta.get("namespace", ""), meta["name"]) if mgr is not None else None
    w = k.worker(meta.get("namespace", ""), meta["name"]) if k is not None else None
    cs = w.find(cname) if w is not None else None
    if cs is None:
        return None
    return cs.last if previous else cs.current


def _container_status(pod: dict[str, Any], name: str) -> dict[str, Any] | None:
    st = pod.get("status") or {}
    for cs in (st.get("containerStatuses") or []) + (st.get("initContainerStatuses") or []):
        if cs.get("name") == name:
            return cs
    return None


# ---- logs --------------------------------------------------------------------------------------------


def _render(c: Any, until: float, since: float | None, after: float | None, timestamps: bool) -> list[str]:
    out: list[str] = []
    if c is None:
        return out
    for t, data in c.log_text(until, since):
        if after is not None and t <= after:
            continue
        for line in data.decode(errors="replace").splitlines(keepends=True):
            ts = rfc3339(t).replace("Z", ".000000000Z") + " " if timestamps else ""
            out.append(ts + line)
    return out


def logs(cluster: Cluster, req: Request, ns: str, name: str) -> Response | Streaming:
    """GET pods/NAME/log: text/plain; ``follow=true`` streams until the container ends or the client leaves."""
    pod = _pod(cluster, ns, name)
    cname = _container_name(pod, req.q("container"))
    previous = req.q("previous") == "true"
    pname = pod["metadata"]["name"]
    if (pod.get("spec") or {}).get("nodeName"):
        cs = _container_status(pod, cname)
        state = (cs or {}).get("state") or {}
        if cs is None or ("waiting" in state and not (cs.get("lastState") or {}).get("terminated")):
            reason = (state.get("waiting") or {}).get("reason", "ContainerCreating")
            raise errors.bad_request(f'container "{cname}" in pod "{pname}" is waiting to start: {reason}')
    c = _runtime_container(cluster, pod, cname, previous)
    now = cluster.api.now()
    since = None
    if req.q("sinceSeconds").isdigit():
        since = now - int(req.q("sinceSeconds"))
    timestamps = req.q("timestamps") == "true"
    lines = _render(c, now, since, None, timestamps)
    tail = req.q("tailLines")
    if tail.lstrip("-").isdigit() and int(tail) >= 0:
        lines = lines[-int(tail) :] if int(tail) else []
    text = "".join(lines).encode()
    if req.q("follow") != "true" or c is None or c.finished is not None:
        return Response(200, text, "text/plain", [("Cache-Control", "no-cache, private")])

    async def run(cw: ChunkWriter, reader: asyncio.StreamReader) -> None:
        await cw.write(text)
        seen = now
        eof = asyncio.ensure_future(_drain(reader))
        try:
            while not eof.done():
                await asyncio.wait({eof}, timeout=FOLLOW_POLL)
                cur = cluster.api.now()
                new = _render(c, cur, None, seen, timestamps)
                seen = cur
                if new:
                    await cw.write("".join(new).encode())
                if c.finished is not None and c.finished <= cur:
                    return
        finally:
            eof.cancel()

    return Streaming(200, "text/plain", run, [("Cache-Control", "no-cache, private")])


async def _drain(reader: asyncio.StreamReader) -> None:
    with contextlib.suppress(Exception):
        while await reader.read(4096):
            pass


# ---- WebSocket ------------------------------------------------------------------------------------------


def ws_accept(key: str) -> str:
    """``Sec-WebSocket-Accept`` for a client key."""
    return base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()


def ws_frame(payload: bytes, opcode: int = 2) -> bytes:
    """One unmasked, final server frame."""
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, n)
    elif n < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 127, n)
    return head + payload


async def ws_read(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """One frame from the client: (opcode, unmasked payload)."""
    b1, b2 = await reader.readexactly(2)
    opcode = b1 & 0x0F
    n = b2 & 0x7F
    if n == 126:
        (n,) = struct.unpack("!H", await reader.readexactly(2))
    elif n == 127:
        (n,) = struct.unpack("!Q", await reader.readexactly(8))
    mask = await reader.readexactly(4) if b2 & 0x80 else b""
    data = await reader.readexactly(n) if n else b""
    if mask:
        data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
    return opcode, data


def _status_frame(status: dict[str, Any]) -> bytes:
    return ws_frame(b"\x03" + json.dumps(status, separators=(",", ":")).encode())


def upgrade(
    cluster: Cluster, req: Request, rt: ResourceType, ns: str, name: str, sub: str
) -> Upgrade | Response:
    """exec / attach / portforward: the WebSocket upgrade (SPDY upgrades are refused so the client says why)."""
    pod = _pod(cluster, ns, name)
    if sub != "portforward":
        # Validated before any upgrade, as the API server does (so the SPDY fallback gets the same answer).
        phase = (pod.get("status") or {}).get("phase")
        if phase in ("Succeeded", "Failed"):
            raise errors.bad_request(
                f"cannot exec into a container in a completed pod; current phase is {phase}"
            )
        _container_name(pod, req.q("container"))
    if req.header("upgrade").lower() != "websocket":
        raise StatusError(400, "BadRequest", "Upgrade request required")
    offered = [p.strip() for p in req.header("sec-websocket-protocol").split(",") if p.strip()]
    key = req.header("sec-websocket-key")
    if sub == "portforward":
        if portforward.PROTOCOL not in offered:
            raise errors.bad_request(
                f"unsupported subprotocol(s): {', '.join(offered) or 'none'}; the simulated "
                f"API server speaks {portforward.PROTOCOL}"
            )
        return portforward.upgrade(cluster, ws_accept(key), ns, name)
    proto = next((p for p in offered if p in EXEC_PROTOCOLS), None)
    if proto is None:
        raise errors.bad_request(
            f"unsupported subprotocol(s): {', '.join(offered) or 'none'}; the simulated "
            f"API server speaks {EXEC_PROTOCOLS[0]}"
        )
    cname = _container_name(pod, req.q("container"))
    argv = req.query.get("command") or []
    if sub == "attach":
        argv = []
    headers = [
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Accept", ws_accept(key)),
        ("Sec-WebSocket-Protocol", proto),
    ]
    want_stdin = req.q("stdin") == "true"

    async def run(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if want_stdin:
            # Read the client's stdin until it closes the stream (v5: [255, 0]) or the socket.
            with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
                while True:
                    op, data = await asyncio.wait_for(ws_read(reader), 30.0)
                    if op == 8 or (op in (1, 2) and data[:2] == b"\xff\x00"):
                        break
        out, err, status = _run_exec(cluster, pod, cname, argv, sub)
        if out:
            writer.write(ws_frame(b"\x01" + out))
        if err:
            writer.write(ws_frame(b"\x02" + err))
        writer.write(_status_frame(status))
        writer.write(ws_frame(struct.pack("!H", 1000), opcode=8))
        with contextlib.suppress(ConnectionError):
            await writer.drain()

    return Upgrade(headers, run)


def _failure(
    message: str, reason: str = "InternalError", code: int = 500, details: dict[str, Any] | None = None
) -> dict[str, Any]:
    st: dict[str, Any] = {
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
    if details:
        st["details"] = details
    return st


def _run_exec(
    cluster: Cluster, pod: dict[str, Any], cname: str, argv: list[str], sub: str
) -> tuple[bytes, bytes, dict[str, Any]]:
    """Run the command in the live container: (stdout, stderr, Status for channel 3)."""
    if sub == "attach" or not argv:
        return b"", b"", _failure("attach is not available yet in the simulated cluster")
    c = _runtime_container(cluster, pod, cname)
    if c is None or not getattr(c, "running", False):
        return b"", b"", _failure(f'unable to upgrade connection: container not found ("{cname}")')
    from ...engine.runtime.processes import exec_in

    mgr = getattr(cluster, "kubelets", None)
    meta = pod["metadata"]
    k = mgr.kubelet_for_pod(meta.get("namespace", ""), meta["name"]) if mgr else None
    w = k.worker(meta.get("namespace", ""), meta["name"]) if k else None
    resolver = k._resolver(w) if (k is not None and w is not None) else None
    now = cluster.api.now()
    try:
        out, err, code = exec_in(c.live_vfs(now), list(argv), c.image, c.env, c.hostname, now, resolver)
    except FileNotFoundError:
        return (
            b"",
            b"",
            _failure(
                # The API server's WebSocket-to-SPDY stream translator wraps the kubelet's InternalError again.
                "Internal error occurred: Internal error occurred: error executing command in container: failed to "
                "exec in container: failed "
                f'to start exec "{c.id}": OCI runtime exec failed: exec failed: unable to start container process: '
                f'exec: "{argv[0]}": executable file not found in $PATH: unknown'
            ),
        )
    if code:
        return (
            out,
            err,
            _failure(
                f"command terminated with non-zero exit code: exit status {code}",
                "NonZeroExitCode",
                500,
                {"causes": [{"reason": "ExitCode", "message": str(code)}]},
            ),
        )
    return out, err, {"metadata": {}, "status": "Success"}
