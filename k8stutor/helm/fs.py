"""The file access helm commands use: the real directory tree, or the workstation's overlay filesystem."""

from __future__ import annotations

import os
from typing import Any, Protocol

from .chart import Chart, ChartError, _Ignore, _read_tgz, load_chart, load_chart_files

__all__ = ["HelmFS", "HostFS", "VFSAdapter", "load_chart_fs"]


class HelmFS(Protocol):
    """exists/isdir/listdir/read/write/makedirs on absolute paths."""

    def exists(self, path: str) -> bool: ...
    def isdir(self, path: str) -> bool: ...
    def listdir(self, path: str) -> list[str]: ...
    def read(self, path: str) -> bytes: ...
    def write(self, path: str, data: bytes) -> None: ...
    def makedirs(self, path: str) -> None: ...


class HostFS:
    """The real filesystem."""

    def exists(self, path: str) -> bool:
        """Whether the path exists."""
        return os.path.exists(path)

    def isdir(self, path: str) -> bool:
        """Whether the path is a directory."""
        return os.path.isdir(path)

    def listdir(self, path: str) -> list[str]:
        """Sorted names in a directory."""
        return sorted(os.listdir(path))

    def read(self, path: str) -> bytes:
        """A file's bytes (OSError when missing)."""
        with open(path, "rb") as fh:
            return fh.read()

    def write(self, path: str, data: bytes) -> None:
        """Write a file."""
        with open(path, "wb") as fh:
            fh.write(data)

    def makedirs(self, path: str) -> None:
        """mkdir -p."""
        os.makedirs(path, exist_ok=True)


class VFSAdapter:
    """A mini-shell VFS (e.g. the workstation's host overlay) seen through :class:`HelmFS`."""

    def __init__(self, vfs: Any) -> None:
        self.vfs = vfs

    def exists(self, path: str) -> bool:
        """Whether the path exists."""
        return bool(self.vfs.exists(path))

    def isdir(self, path: str) -> bool:
        """Whether the path is a directory."""
        return bool(self.vfs.is_dir(path))

    def listdir(self, path: str) -> list[str]:
        """Sorted names in a directory."""
        try:
            return sorted(self.vfs.listdir(path))
        except OSError:
            return []

    def read(self, path: str) -> bytes:
        """A file's bytes (OSError when missing)."""
        return bytes(self.vfs.read(path))

    def write(self, path: str, data: bytes) -> None:
        """Write a file."""
        self.vfs.write(path, data)

    def makedirs(self, path: str) -> None:
        """mkdir -p."""
        self.vfs.makedirs(path)


def read_tree(fs: HelmFS, root: str) -> list[tuple[str, bytes]]:
    """(relative path, data) of every file under root, honouring .helmignore."""
    ign_path = os.path.join(root, ".helmignore")
    ign = _Ignore(fs.read(ign_path).decode("utf-8", "replace") if fs.exists(ign_path) else "")
    out: list[tuple[str, bytes]] = []

    def walk(rel: str) -> None:
        full = os.path.join(root, rel) if rel else root
        for name in fs.listdir(full):
            r = rel + "/" + name if rel else name
            p = os.path.join(full, name)
            isdir = fs.isdir(p)
            if ign.ignored(r, isdir):
                continue
            if isdir:
                walk(r)
            else:
                out.append((r, fs.read(p)))

    walk("")
    return out


def load_chart_fs(fs: HelmFS, path: str) -> Chart:
    """load_chart through a HelmFS (directories and .tgz archives)."""
    if isinstance(fs, HostFS):
        return load_chart(path)
    if fs.isdir(path):
        if not fs.exists(os.path.join(path, "Chart.yaml")):
            raise ChartError("Chart.yaml file is missing")
        return load_chart_files(read_tree(fs, path))
    if fs.exists(path):
        return load_chart_files(_read_tgz(fs.read(path)))
    raise ChartError(f"path {path!r} not found")
