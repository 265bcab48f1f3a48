"""An in-memory filesystem for the mini-shell: directories, files of bytes, modes, virtual mtimes, mounts."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field

from k8stutor.engine.timeutil import EPOCH

ENOENT = "No such file or directory"
EISDIR = "Is a directory"
ENOTDIR = "Not a directory"
EEXIST = "File exists"
ENOTEMPTY = "Directory not empty"
EROFS = "Read-only file system"
EBUSY = "Device or resource busy"


class VFSError(OSError):
    """A filesystem error carrying the libc strerror text (e.g. "No such file or directory")."""

    def __init__(self, strerror: str, path: str) -> None:
        super().__init__(strerror, path)
        self.strerror: str = strerror
        self.path: str = path

    def __str__(self) -> str:
        return f"{self.path}: {self.strerror}"


@dataclass
class Node:
    """A directory (children is a dict) or a regular file (data is bytes)."""

    is_dir: bool
    mode: int
    mtime: float
    data: bytes = b""
    children: dict[str, Node] = field(default_factory=dict)


@dataclass(frozen=True)
class Stat:
    """What `stat` reports about a path."""

    is_dir: bool
    size: int
    mode: int
    mtime: float


# Device files every container has: writes vanish, reads are empty (zero) or endless zeros are not modelled.
_DEVICES = {"/dev/null", "/dev/zero", "/dev/stdout", "/dev/stderr", "/dev/tty"}


def normpath(path: str, cwd: str = "/") -> str:
    """Return the absolute, normalised form of path relative to cwd (no symlinks exist here)."""
    if not path.startswith("/"):
        path = posixpath.join(cwd or "/", path)
    out = posixpath.normpath(path)
    if out.startswith("//"):
        out = "/" + out.lstrip("/")
    return out


class VFS:
    """An in-memory POSIX-like filesystem; other VFS objects can be mounted at a path (optionally read-only)."""

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self._clock = clock
        self.root = Node(True, 0o755, self._now())
        self._mounts: dict[str, tuple[VFS, bool]] = {}

    # -- time and mounts -------------------------------------------------------------------------------------
    def _now(self) -> float:
        return float(self._clock()) if self._clock is not None else float(EPOCH)

    def set_clock(self, clock: Callable[[], float] | None) -> None:
        """Use clock (virtual epoch seconds) for mtimes from now on."""
        self._clock = clock

    def mount(self, path: str, fs: VFS, *, readonly: bool = False) -> None:
        """Overlay fs at path (created as a directory here if missing), like a volume mount."""
        p = normpath(path)
        if p == "/":
            raise VFSError(EBUSY, p)
        self.makedirs(p)
        self._mounts[p] = (fs, readonly)

    def unmount(self, path: str) -> None:
        """Remove the mount at path."""
        self._mounts.pop(normpath(path), None)

    def mounts(self) -> dict[str, tuple[VFS, bool]]:
        """Mount points (absolute path -> (filesystem, read-only))."""
        return dict(self._mounts)

    def _route(self, path: str) -> tuple[VFS, str, bool]:
        p = normpath(path)
        best = ""
        for mp in self._mounts:
            if (p == mp or p.startswith(mp + "/")) and len(mp) > len(best):
                best = mp
        if not best:
            return self, p, False
        fs, ro = self._mounts[best]
        sub, rest, ro2 = fs._route("/" + p[len(best) :].lstrip("/"))
        return sub, rest, ro or ro2

    # -- low-level lookups on the routed filesystem ----------------------------------------------------------
    def _lookup(self, p: str) -> Node | None:
        node = self.root
        for part in p.strip("/").split("/"):
            if not part:
                continue
            if not node.is_dir:
                raise VFSError(ENOTDIR, p)
            nxt = node.children.get(part)
            if nxt is None:
                return None
            node = nxt
        return node

    def _parent(self, p: str) -> tuple[Node, str]:
        parent_path, name = posixpath.split(p)
        parent = self._lookup(parent_path)
        if parent is None:
            raise VFSError(ENOENT, p)
        if not parent.is_dir:
            raise VFSError(ENOTDIR, p)
        return parent, name

    # -- public API ------------------------------------------------------------------------------------------
    def exists(self, path: str) -> bool:
        """Whether path names a file or directory."""
        if normpath(path) in _DEVICES:
            return True
        fs, p, _ = self._route(path)
        try:
            return fs._lookup(p) is not None
        except VFSError:
            return False

    def is_dir(self, path: str) -> bool:
        """Whether path names a directory."""
        fs, p, _ = self._route(path)
        try:
            node = fs._lookup(p)
        except VFSError:
            return False
        return node is not None and node.is_dir

    def is_file(self, path: str) -> bool:
        """Whether path names a regular file (or a device)."""
        if normpath(path) in _DEVICES:
            return True
        fs, p, _ = self._route(path)
        try:
            node = fs._lookup(p)
        except VFSError:
            return False
        return node is not None and not node.is_dir

    def stat(self, path: str) -> Stat:
        """Stat path, raising VFSError(ENOENT) when it does not exist."""
        if normpath(path) in _DEVICES:
            return Stat(False, 0, 0o666, self._now())
        fs, p, _ = self._route(path)
        node = fs._lookup(p)
        if node is None:
            raise VFSError(ENOENT, path)
        return Stat(node.is_dir, len(node.data), node.mode, node.mtime)

    def read(self, path: str) -> bytes:
        """Return a file's bytes."""
        if normpath(path) in _DEVICES:
            return b""
        fs, p, _ = self._route(path)
        node = fs._lookup(p)
        if node is None:
            raise VFSError(ENOENT, path)
        if node.is_dir:
            raise VFSError(EISDIR, path)
        return node.data

    def write(self, path: str, data: bytes, *, append: bool = False, mode: int = 0o644) -> None:
        """Create or replace (or append to) a file."""
        if normpath(path) in _DEVICES:
            return
        fs, p, ro = self._route(path)
        if p == "/":
            raise VFSError(EISDIR, path)
        parent, name = fs._parent(p)
        node = parent.children.get(name)
        if ro:
            raise VFSError(EROFS, path)
        now = fs._now()
        if node is None:
            parent.children[name] = Node(False, mode, now, bytes(data))
            parent.mtime = now
            return
        if node.is_dir:
            raise VFSError(EISDIR, path)
        node.data = node.data + bytes(data) if append else bytes(data)
        node.mtime = now

    def touch(self, path: str) -> None:
        """Create an empty file or update the mtime of an existing one."""
        if normpath(path) in _DEVICES:
            return
        fs, p, ro = self._route(path)
        node = fs._lookup(p)
        if ro:
            raise VFSError(EROFS, path)
        if node is None:
            fs.write(p, b"")
        else:
            node.mtime = fs._now()

    def mkdir(self, path: str, *, parents: bool = False, mode: int = 0o755) -> None:
        """Create a directory; with parents=True behave like `mkdir -p`."""
        if parents:
            self.makedirs(path, mode=mode)
            return
        fs, p, ro = self._route(path)
        if p == "/" or fs._lookup(p) is not None:
            raise VFSError(EEXIST, path)
        parent, name = fs._parent(p)
        if ro:
            raise VFSError(EROFS, path)
        now = fs._now()
        parent.children[name] = Node(True, mode, now)
        parent.mtime = now

    def makedirs(self, path: str, *, mode: int = 0o755) -> None:
        """Create a directory and any missing parents (no error if it already exists)."""
        p = normpath(path)
        cur = ""
        for part in p.strip("/").split("/"):
            if not part:
                continue
            cur += "/" + part
            fs, sub, ro = self._route(cur)
            node = fs._lookup(sub)
            if node is None:
                if ro:
                    raise VFSError(EROFS, cur)
                parent, name = fs._parent(sub)
                parent.children[name] = Node(True, mode, fs._now())
            elif not node.is_dir:
                raise VFSError(ENOTDIR if cur != p else EEXIST, cur)

    def listdir(self, path: str) -> list[str]:
        """Names in a directory, sorted (mount points included)."""
        fs, p, _ = self._route(path)
        node = fs._lookup(p)
        if node is None:
            raise VFSError(ENOENT, path)
        if not node.is_dir:
            raise VFSError(ENOTDIR, path)
        return sorted(node.children)

    def remove(self, path: str, *, recursive: bool = False) -> None:
        """Remove a file, or a directory (non-empty only when recursive)."""
        full = normpath(path)
        if full in self._mounts:
            raise VFSError(EBUSY, path)
        fs, p, ro = self._route(path)
        if p == "/":
            raise VFSError(EBUSY, path)
        parent, name = fs._parent(p)
        node = parent.children.get(name)
        if node is None:
            raise VFSError(ENOENT, path)
        if ro:
            raise VFSError(EROFS, path)
        if node.is_dir and node.children and not recursive:
            raise VFSError(ENOTEMPTY, path)
        del parent.children[name]
        parent.mtime = fs._now()

    def chmod(self, path: str, mode: int) -> None:
        """Set the permission bits of path."""
        fs, p, ro = self._route(path)
        node = fs._lookup(p)
        if node is None:
            raise VFSError(ENOENT, path)
        if ro:
            raise VFSError(EROFS, path)
        node.mode = mode

    @classmethod
    def from_dict(cls, files: dict[str, str | bytes], clock: Callable[[], float] | None = None) -> VFS:
        """Build a filesystem from {path: content}; a path ending in '/' is a directory."""
        fs = cls(clock)
        for path, content in files.items():
            if path.endswith("/"):
                fs.makedirs(path)
                continue
            fs.makedirs(posixpath.dirname(normpath(path)))
            fs.write(path, content.encode() if isinstance(content, str) else content)
        return fs
