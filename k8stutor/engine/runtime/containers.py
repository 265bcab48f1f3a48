"""Runtime-side records of sandboxes and containers on one node (what ``crictl`` lists)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from .images import Image, ImageRef
from .processes import JournalVFS, ProcessRun, apply_fs_effect, build_rootfs
from .sh import VFS


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
    c.logs.sort(key=lambda x: x[0])


def image_status_name(ref: ImageRef) -> str:
    """The ``image`` a running container reports (``docker.io/library/nginx:latest``)."""
    return ref.full


def describe_ports(image: Image | None) -> list[int]:
    """Ports the image serves."""
    return [p.port for p in image.ports] if image else []


def http_answer(c: Container, port: int, path: str, now: float) -> tuple[int, str] | None:
    """(status, body) served at ``port``/``path``, or None when nothing listens there."""
    if c.image is None or c.listen_at is None or c.listen_at > now or not c.running:
        return None
    for p in c.image.ports:
        if p.port != port:
            continue
        clean = path.split("?", 1)[0] or "/"
        if clean in p.paths:
            ans: dict[str, Any] = p.paths[clean]
            return int(ans.get("status", 200)), str(ans.get("body", ""))
        if p.docroot:
            fs = c.live_vfs(now)
            target = p.docroot.rstrip("/") + (clean if clean != "/" else "/index.html")
            if fs.is_dir(target):
                target = target.rstrip("/") + "/index.html"
            if fs.is_file(target):
                return 200, fs.read(target).decode(errors="replace")
            return 404, "<html>\r\n<head><title>404 Not Found</title></head>\r\n</html>\r\n"
        if not p.paths and clean == "/":
            return 200, ""
        return 404, "404 page not found\n"
    return None
