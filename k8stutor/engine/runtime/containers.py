"""Runtime-side records of sandboxes and containers on one node (what ``crictl`` lists)."""

from __future__ import annotations

import bisect
import datetime as _dt
import hashlib
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .images import Image, ImageRef
from .processes import JournalVFS, ProcessRun, ProcessRunner, apply_fs_effect, build_rootfs
from .sh import VFS

LOAD_WINDOW = 15.0  # seconds of served requests a CPU usage sample covers (the metrics resolution)


def container_id(*parts: str) -> str:
    """A stable 64-hex container/sandbox id."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


@dataclass
class Sandbox:
    """A pod sandbox (the pause container holding the pod's network namespace)."""

    id: str
    pod_name: str
    namespace: str
    pod_uid: str
    created: float
    attempt: int = 0
    ready: bool = True


@dataclass
class Container:
    """One container instance (a restart creates a new one)."""

    id: str
    name: str
    sandbox_id: str
    pod_name: str
    namespace: str
    ref: ImageRef
    image: Image | None
    attempt: int
    created: float
    argv: list[str]
    env: dict[str, str]
    hostname: str
    pod_ip: str = ""
    started: float | None = None
    finished: float | None = None
    exit_code: int | None = None
    reason: str = ""
    run: ProcessRun | None = None
    runner: ProcessRunner | None = None  # the paused process, resumed by the kubelet as virtual time passes
    logs: list[tuple[float, str, bytes]] = field(default_factory=list)
    listen_at: float | None = None
    memory: list[tuple[float, int]] = field(default_factory=list)
    cpu_m: int = 0
    _live: VFS | None = None
    _applied: int = 0  # fs effects already applied to the live filesystem
    extra_files: dict[str, str] = field(default_factory=dict)
    # Volume mounts applied to the live filesystem, and a hook bringing the pod's other containers up to date
    # (their writes to shared volumes land when their filesystems catch up).
    mount_volumes: Any = None
    sync_peers: Any = None
    _syncing: bool = False
    served: deque[tuple[float, float]] = field(default_factory=deque)  # (time, CPU seconds) per request

    @property
    def running(self) -> bool:
        """Started and not finished."""
        return self.started is not None and self.finished is None

    def live_vfs(self, now: float) -> VFS:
        """The container's filesystem as it is at ``now`` (built on first use)."""
        if self._live is None:
            self._live = build_rootfs(
                self.image,
                {"hostname": self.hostname, "tag": self.ref.tag, "pod_ip": self.pod_ip},
                JournalVFS,
            )
            for path, content in self.extra_files.items():
                d = path.rsplit("/", 1)[0] or "/"
                self._live.makedirs(d)
                self._live.write(path, content.encode())
            if self.mount_volumes is not None:
                self.mount_volumes(self._live, False)
        if self.sync_peers is not None and not self._syncing:
            self._syncing = True
            try:
                self.sync_peers(now, self)
            finally:
                self._syncing = False
        self.catch_up(now)
        return self._live

    def read_text(self, path: str, now: float) -> str | None:
        """A file of the container's filesystem at ``now`` (its mounted volumes included), or None."""
        fs = self.live_vfs(now)
        if not fs.is_file(path):
            return None
        return fs.read(path).decode(errors="replace")

    def catch_up(self, now: float) -> None:
        """Apply the process's filesystem effects that are due by ``now``."""
        if self._live is None or self.run is None or self.started is None:
            return
        fx = self.run.effects
        i = self._applied
        while i < len(fx):
            e = fx[i]
            if self.started + e.at > now + 1e-9:
                break
            if e.kind == "fs":
                apply_fs_effect(self._live, e.data)
            i += 1
        self._applied = i

    def record_request(self, now: float) -> float:
        """Count one HTTP request served at ``now``; returns the CPU seconds it costs (the image's
        ``request_cpu_ms``), which is also how long the client waits for the answer."""
        cost = self.image.request_cpu if self.image is not None else 0.0
        if cost > 0:
            q = self.served
            q.append((now, cost))
            while q and q[0][0] <= now - LOAD_WINDOW:
                q.popleft()
        return cost

    def load_millicores(self, now: float) -> int:
        """CPU the served requests use at ``now``: CPU seconds per second over the last ``LOAD_WINDOW``."""
        q = self.served
        while q and q[0][0] <= now - LOAD_WINDOW:
            q.popleft()
        if not q:
            return 0
        busy = sum(cost for t, cost in q if t <= now + 1e-9)
        window = min(LOAD_WINDOW, now - (self.started if self.started is not None else now)) or LOAD_WINDOW
        return int(round(busy / max(window, 1.0) * 1000))

    def memory_at(self, now: float) -> int:
        """Simulated working-set bytes at ``now``."""
        base = self.image.memory if self.image else 0
        use = base
        for t, m in self.memory:
            if t <= now:
                use = m
        return use

    def state_name(self) -> str:
        """crictl's STATE column."""
        if self.started is None:
            return "Created"
        return "Running" if self.finished is None else "Exited"

    def log_text(self, until: float, since: float | None = None) -> list[tuple[float, bytes]]:
        """Log lines written by ``until`` (and after ``since``)."""
        out = []
        for t, _stream, data in self.logs:
            if t > until + 1e-9:
                break
            if since is not None and t < since:
                continue
            out.append((t, data))
        return out


def ingest_run(c: Container, run: ProcessRun, skip_before: float = -1.0, skip_first: int = 0) -> None:
    """Record a process run's output, ports and memory on the container (times absolute), leaving out
    effects before ``skip_before`` and the first ``skip_first`` (already recorded from an earlier run)."""
    assert c.started is not None
    c.run = run
    n0 = len(c.logs)
    for e in run.effects[skip_first:]:
        if e.at < skip_before:
            continue
        t = c.started + e.at
        if e.kind in ("out", "err"):
            c.logs.append((t, e.kind, e.data))
        elif e.kind == "listen":
            if c.listen_at is None:
                c.listen_at = t
        elif e.kind == "mem":
            c.memory.append((t, int(e.data)))
        elif e.kind == "cpu":
            c.cpu_m = int(e.data)
    logs = c.logs
    if any(logs[i][0] < logs[i - 1][0] for i in range(max(n0, 1), len(logs))):
        logs.sort(key=lambda x: x[0])


def image_status_name(ref: ImageRef) -> str:
    """The ``image`` a running container reports (``docker.io/library/nginx:latest``)."""
    return ref.full


def describe_ports(image: Image | None) -> list[int]:
    """Ports the image serves."""
    return [p.port for p in image.ports] if image else []


def serve_request(
    c: Container,
    port: int,
    path: str,
    now: float,
    client: str = "",
    method: str = "GET",
    agent: str = "",
) -> tuple[int, str, float] | None:
    """A client's request to the container: (status, body, seconds the server computes), or None when nothing
    listens at ``port``. Unlike probes (``http_answer``), it counts towards the container's CPU use; nginx
    writes its access-log line (``client`` is the address the connection arrives from)."""
    ans = http_answer(c, port, path, now)
    if ans is None:
        return None
    if client:
        log_access(c, client, now, method, path, ans[0], ans[1], agent)
    return ans[0], ans[1], c.record_request(now)


PROBE_AGENT = "kube-probe/1.32"  # the kubelet's User-Agent: kube-probe/<major>.<minor>


def probe_request(c: Container, port: int, path: str, now: float, client: str) -> tuple[int, str] | None:
    """The kubelet's HTTP probe of the container (``client`` is the node's cni0 address): (status, body) or
    None when nothing listens; nginx writes the probe to its access log as for any other client."""
    ans = http_answer(c, port, path, now)
    if ans is not None and client:
        log_access(c, client, now, "GET", path, ans[0], ans[1], PROBE_AGENT)
    return ans


def log_access(
    c: Container, client: str, now: float, method: str, path: str, status: int, body: str, agent: str
) -> None:
    """Write the server's access-log line for one request (nginx images only; other servers log nothing)."""
    if not _is_nginx(c.image):
        return
    size = 0 if method == "HEAD" else len(body.encode())
    line = nginx_access_line(client, now, method, path or "/", status, size, agent)
    bisect.insort(c.logs, (now, "out", line.encode()), key=lambda x: x[0])


# Apache httpd 2.4's built-in 404 page (modules/http/http_protocol.c).
APACHE_404 = (
    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n'
    "</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n"
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def nginx_access_line(
    client: str, now: float, method: str, uri: str, status: int, size: int, agent: str
) -> str:
    """One line of the nginx image's ``main`` log_format: ``$remote_addr - $remote_user [$time_local]
    "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"``."""
    t = _dt.datetime.fromtimestamp(now, _dt.UTC)
    local = f"{t.day:02d}/{_MONTHS[t.month - 1]}/{t.year}:{t.hour:02d}:{t.minute:02d}:{t.second:02d} +0000"
    return f'{client} - - [{local}] "{method} {uri} HTTP/1.1" {status} {size} "-" "{agent or "-"}" "-"\n'


def _is_nginx(image: Image | None) -> bool:
    """The image runs nginx itself (the ingress controller answers through its own router)."""
    return image is not None and image.programs.get("nginx") == "server"


def nginx_version(c: Container) -> str:
    """The nginx version an image runs: an ``X.Y.Z`` tag, else its ``NGINX_VERSION``, else the newest
    ``X.Y.Z`` tag of an ``X.Y`` tag ('' when unknown)."""
    tag = c.ref.tag.split("-", 1)[0]
    if re.fullmatch(r"\d+\.\d+\.\d+", tag):
        return tag
    image = c.image
    if image is None:
        return ""
    if re.fullmatch(r"\d+\.\d+", tag):
        full = [t for t in image.tags if re.fullmatch(re.escape(tag) + r"\.\d+", t)]
        if full:
            return max(full, key=lambda t: int(t.rsplit(".", 1)[1]))
    return image.env.get("NGINX_VERSION", "")


def nginx_error_page(status: int, reason: str, version: str) -> str:
    """nginx's built-in error page (``ngx_http_special_response.c``; ``server_tokens on`` names the version;
    releases before 1.17 still wrote ``<body bgcolor="white">``)."""
    try:
        old = tuple(int(x) for x in version.split(".")[:2]) < (1, 17)
    except ValueError:
        old = False
    body = '<body bgcolor="white">' if version and old else "<body>"
    server = f"nginx/{version}" if version else "nginx"
    return (
        f"<html>\r\n<head><title>{status} {reason}</title></head>\r\n{body}\r\n"
        f"<center><h1>{status} {reason}</h1></center>\r\n<hr><center>{server}</center>\r\n</body>\r\n</html>\r\n"
    )


def http_answer(c: Container, port: int, path: str, now: float) -> tuple[int, str] | None:
    """(status, body) served at ``port``/``path``, or None when nothing listens there."""
    if c.image is None or c.listen_at is None or c.listen_at > now or not c.running:
        return None
    for p in c.image.ports:
        if p.port != port or (p.subcommand and p.subcommand not in c.argv[1:2]):
            continue
        clean = path.split("?", 1)[0] or "/"
        if clean in p.paths:
            return _path_answer(c, p.paths[clean], now)
        if p.docroot:
            fs = c.live_vfs(now)
            target = p.docroot.rstrip("/") + (clean if clean != "/" else "/index.html")
            if fs.is_dir(target):
                target = target.rstrip("/") + "/index.html"
            if fs.is_file(target):
                return 200, fs.read(target).decode(errors="replace")
            if c.image.programs.get("httpd") == "server":
                return 404, APACHE_404
            return 404, nginx_error_page(404, "Not Found", nginx_version(c))
        if not p.paths and clean == "/":
            return 200, ""
        return 404, "404 page not found\n"
    return None


def _path_answer(c: Container, ans: dict[str, Any], now: float) -> tuple[int, str]:
    """A catalogue path's answer: ``status``/``body``, or its ``then`` answer once the server has run for more
    than ``after`` seconds (agnhost liveness: 200 for 10 s, then 500). Bodies may name ``{hostname}`` and
    ``{uptime}`` (seconds since the server started, as Go's ``%v`` prints a float64)."""
    up = now - (c.started if c.started is not None else now)
    if "after" in ans and up > float(ans["after"]):
        ans = {**ans, **(ans.get("then") or {})}
    body = str(ans.get("body", ""))
    if "{" in body:
        body = body.replace("{hostname}", c.hostname).replace("{uptime}", go_float(round(up, 9)))
    return int(ans.get("status", 200)), body


def go_float(x: float) -> str:
    """A float64 as Go's ``%v`` prints it (shortest representation, no trailing ``.0``)."""
    if x == int(x) and abs(x) < 1e21:
        return str(int(x))
    return repr(x)
