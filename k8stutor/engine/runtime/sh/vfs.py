"""An in-memory filesystem for the mini-shell: directories, files of bytes, symlinks, modes, mtimes, mounts.

Symbolic links are resolved like the kernel does: a link met in the middle of a path (or at its end, for the
operations that follow links: open, stat, ls of a directory) is replaced by its target — relative to the
directory holding it, or from the top-level root when absolute — and the walk starts again (at most 40
times: ELOOP). ``remove``, ``lstat``, ``readlink`` and ``mkdir`` act on the link itself.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from k8stutor.engine.timeutil import EPOCH

ENOENT = "No such file or directory"
EISDIR = "Is a directory"
ENOTDIR = "Not a directory"
EEXIST = "File exists"
ENOTEMPTY = "Directory not empty"
EROFS = "Read-only file system"
EBUSY = "Device or resource busy"
ELOOP = "Symbolic link loop"
EINVAL = "Invalid argument"
MAXSYMLINKS = 40


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
    """A directory (children is a dict), a regular file (data is bytes) or a symlink (link is its target)."""

    is_dir: bool
    mode: int
    mtime: float
    data: bytes = b""
    children: dict[str, Node] = field(default_factory=dict)
    link: str | None = None


@dataclass(frozen=True)
class Stat:
    """What `stat` reports about a path."""

    is_dir: bool
    size: int
    mode: int
    mtime: float
    is_link: bool = False


# Device files every container has: writes vanish, reads are empty (zero) or endless zeros are not modelled.
_DEVICES = {"/dev/null", "/dev/zero", "/dev/stdout", "/dev/stderr", "/dev/tty"}


def _stat_of(node: Node) -> Stat:
    if node.link is not None:
        return Stat(False, len(node.link), 0o777, node.mtime, True)
    return Stat(node.is_dir, len(node.data), node.mode, node.mtime)


def normpath(path: str, cwd: str = "/") -> str:
    """Return the absolute, lexically normalised form of path relative to cwd (symlinks are not resolved)."""
    if not path.startswith("/"):
        path = posixpath.join(cwd or "/", path)
    out = posixpath.normpath(path)
    if out.startswith("//"):
        out = "/" + out.lstrip("/")
    return out


class VFS:
    """An in-memory POSIX-like filesystem; other VFS objects can be mounted at a path (optionally read-only)."""

    tmpfs = False  # memory-backed (an emptyDir with ``medium: Memory``, a Secret or projected volume)

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self._clock = clock
        self.root = Node(True, 0o755, self._now())
        self._mounts: dict[str, tuple[VFS, bool]] = {}
        self._links = False  # a symlink was ever created here: only then do paths need resolving

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

    def _walk(self, path: str, follow: bool = True) -> tuple[VFS, str, bool]:
        """``_route`` after resolving symlinks (the last component too when ``follow``)."""
        full = normpath(path)
        for _ in range(MAXSYMLINKS):
            fs, p, ro = self._route(full)
            if not fs._links:
                return fs, p, ro
            hit = fs._find_link(p, follow)
            if hit is None:
                return fs, p, ro
            target, rest = hit
            parts = full.strip("/").split("/")
            k = len(parts) - rest  # the link is parts[k - 1]
            if k < 1:
                return fs, p, ro
            new = target if target.startswith("/") else posixpath.join("/" + "/".join(parts[: k - 1]), target)
            full = normpath("/".join([new, *parts[k:]]))
        raise VFSError(ELOOP, path)

    def _find_link(self, p: str, follow: bool) -> tuple[str, int] | None:
        """The first symlink on p (the last component only when ``follow``): (target, components after it)."""
        parts = [x for x in p.split("/") if x]
        node = self.root
        last = len(parts) - 1
        for i, part in enumerate(parts):
            if not node.is_dir:
                return None
            nxt = node.children.get(part)
            if nxt is None:
                return None
            if nxt.link is not None and (follow or i < last):
                return nxt.link, last - i
            node = nxt
        return None

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
        try:
            fs, p, _ = self._walk(path)
            return fs._lookup(p) is not None
        except VFSError:
            return False

    def is_dir(self, path: str) -> bool:
        """Whether path names a directory."""
        try:
            fs, p, _ = self._walk(path)
            node = fs._lookup(p)
        except VFSError:
            return False
        return node is not None and node.is_dir

    def is_file(self, path: str) -> bool:
        """Whether path names a regular file (or a device)."""
        if normpath(path) in _DEVICES:
            return True
        try:
            fs, p, _ = self._walk(path)
            node = fs._lookup(p)
        except VFSError:
            return False
        return node is not None and not node.is_dir

    def stat(self, path: str) -> Stat:
        """Stat path, raising VFSError(ENOENT) when it does not exist."""
        if normpath(path) in _DEVICES:
            return Stat(False, 0, 0o666, self._now())
        fs, p, _ = self._walk(path)
        node = fs._lookup(p)
        if node is None:
            raise VFSError(ENOENT, path)
        return _stat_of(node)

    def read(self, path: str) -> bytes:
        """Return a file's bytes."""
        if normpath(path) in _DEVICES:
            return b""
        fs, p, _ = self._walk(path)
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
        fs, p, ro = self._walk(path)
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
        fs, p, ro = self._walk(path)
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
        fs, parent, name = self._new_entry(path)
        now = fs._now()
        parent.children[name] = Node(True, mode, now)
        parent.mtime = now

    def _new_entry(self, path: str) -> tuple[Any, Node, str]:
        """Where a new name goes: (filesystem, parent directory, name); EEXIST/EROFS as mkdir(2) says."""
        fs, p, ro = self._walk(path, False)
        if p == "/" or fs._lookup(p) is not None:
            raise VFSError(EEXIST, path)
        parent, name = fs._parent(p)
        if ro:
            raise VFSError(EROFS, path)
        return fs, parent, name

    def makedirs(self, path: str, *, mode: int = 0o755) -> None:
        """Create a directory and any missing parents (no error if it already exists)."""
        p = normpath(path)
        cur = ""
        for part in p.strip("/").split("/"):
            if not part:
                continue
            cur += "/" + part
            fs, sub, ro = self._walk(cur)
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
        fs, p, _ = self._walk(path)
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
        fs, p, ro = self._walk(path, False)
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
        fs, p, ro = self._walk(path)
        node = fs._lookup(p)
        if node is None:
            raise VFSError(ENOENT, path)
        if ro:
            raise VFSError(EROFS, path)
        node.mode = mode

    def filesystem(self, path: str) -> VFS:
        """The filesystem (this one or a mounted one) that holds path, symlinks resolved."""
        try:
            return self._walk(path)[0]
        except VFSError:
            return self._route(path)[0]

    def realpath(self, path: str) -> str | None:
        """The canonical absolute path (every symlink resolved), or None when a component is missing."""
        full = normpath(path)
        for _ in range(MAXSYMLINKS):
            parts = [x for x in full.split("/") if x]
            cur = ""
            for i, part in enumerate(parts):
                cur += "/" + part
                if self.is_link(cur):
                    target = self.readlink(cur)
                    base = cur.rsplit("/", 1)[0] or "/"
                    new = target if target.startswith("/") else posixpath.join(base, target)
                    full = normpath("/".join([new, *parts[i + 1 :]]))
                    break
                if not self.exists(cur):
                    return None if i < len(parts) - 1 else cur
            else:
                return full
        return None

    def lstat(self, path: str) -> Stat:
        """Stat path without following a final symlink."""
        if normpath(path) in _DEVICES:
            return Stat(False, 0, 0o666, self._now())
        fs, p, _ = self._walk(path, False)
        node = fs._lookup(p)
        if node is None:
            raise VFSError(ENOENT, path)
        return _stat_of(node)

    def is_link(self, path: str) -> bool:
        """Whether path itself is a symbolic link (dangling or not)."""
        try:
            fs, p, _ = self._walk(path, False)
            node = fs._lookup(p)
        except VFSError:
            return False
        return node is not None and node.link is not None

    def readlink(self, path: str) -> str:
        """The target of a symbolic link (VFSError EINVAL when path is not one)."""
        fs, p, _ = self._walk(path, False)
        node = fs._lookup(p)
        if node is None:
            raise VFSError(ENOENT, path)
        if node.link is None:
            raise VFSError(EINVAL, path)
        return node.link

    def symlink(self, target: str, path: str) -> None:
        """Create the symbolic link path -> target (``ln -s target path``); the target need not exist."""
        fs, parent, name = self._new_entry(path)
        now = fs._now()
        parent.children[name] = Node(False, 0o777, now, link=target)
        parent.mtime = now
        fs._links = True

    def rename(self, src: str, dst: str) -> None:
        """Move src (not following a final symlink) over dst within one filesystem, like rename(2)."""
        fs, p, ro = self._walk(src, False)
        fs2, p2, ro2 = self._walk(dst, False)
        if fs2 is not fs:
            raise VFSError("Invalid cross-device link", dst)
        parent, name = fs._parent(p)
        node = parent.children.get(name)
        if node is None:
            raise VFSError(ENOENT, src)
        if ro or ro2:
            raise VFSError(EROFS, src)
        parent2, name2 = fs._parent(p2)
        old = parent2.children.get(name2)
        if old is not None and old.is_dir and old.children:
            raise VFSError(ENOTEMPTY, dst)
        del parent.children[name]
        parent2.children[name2] = node
        now = fs._now()
        parent.mtime = parent2.mtime = now

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


class HookedMount(VFS):
    """A mount that reaches through to ``target`` (the same files, not a copy) and calls ``hook`` before every
    access routed into it: a process running ahead of virtual time waits there before reading a volume that
    someone else keeps current (a configMap/secret volume the kubelet's sync rewrites)."""

    def __init__(self, target: VFS, hook: Callable[[], None] | None = None) -> None:
        super().__init__(target._clock)
        self.target = target
        self.hook = hook
        self.tmpfs = target.tmpfs

    def _route(self, path: str) -> tuple[VFS, str, bool]:
        hook = self.hook
        if hook is not None:
            hook()
        return self.target._route(path)
