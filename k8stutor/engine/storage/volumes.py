"""Where volume data lives, independent of pods: node filesystems (hostPath, local) and network shares (NFS).

``VolumeStore`` (``cluster.volumes``) hands out the same ``VFS`` object for the same backing storage, so data
written by one pod is read by the next: an NFS export is keyed by server and path (any node sees it), a
hostPath or local directory by node and path (it stays on that node). emptyDir volumes are per pod UID and
are dropped with the pod.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..runtime.sh.vfs import VFS, VFSError, normpath

# hostPath ``type`` values for special files that a plain VFS cannot represent.
SPECIAL_FILES = {
    "/var/run/containerd/containerd.sock": "Socket",
    "/run/containerd/containerd.sock": "Socket",
    "/var/run/docker.sock": "Socket",
    "/dev/null": "CharDevice",
    "/dev/zero": "CharDevice",
    "/dev/tty": "CharDevice",
    "/dev/sda": "BlockDevice",
    "/dev/sda1": "BlockDevice",
    "/dev/vda": "BlockDevice",
}
NODE_DIRS = ("/var/log/pods", "/var/log/containers", "/var/lib/kubelet/pods", "/etc/kubernetes/manifests",
             "/lib/modules", "/opt/cni/bin", "/etc/cni/net.d", "/run/flannel", "/tmp", "/proc", "/sys", "/dev",
             "/home", "/root", "/srv", "/mnt", "/data")
NODE_FILES = {"/run/xtables.lock": "", "/etc/hostname": "{node}\n", "/etc/os-release":
              'PRETTY_NAME="Ubuntu 22.04.4 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\n'}


class _Subtree(VFS):
    """A directory of another filesystem presented as a root (writes go to the parent)."""

    def __init__(self, parent: VFS, base: str) -> None:
        super().__init__()
        self._outer = parent  # not ``_parent``: that name is a VFS method
        self._base = base.rstrip("/") or "/"

    def _route(self, path: str) -> tuple[VFS, str, bool]:
        p = normpath(path)
        full = self._base + (p if p != "/" else "")
        return self._outer._route(full or "/")

    def mount(self, path: str, fs: VFS, *, readonly: bool = False) -> None:
        """Mounts go to the parent filesystem at the translated path."""
        self._outer.mount(self._base + normpath(path), fs, readonly=readonly)


class VolumeStore:
    """All volume data of a cluster, outliving pods."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._nodes: dict[str, VFS] = {}
        self._nfs: dict[str, VFS] = {}
        self._empty: dict[tuple[str, str], VFS] = {}
        self.special: dict[tuple[str, str], str] = {}

    def node_fs(self, node: str) -> VFS:
        """The node's own filesystem (what ``ssh NODE`` sees and hostPath volumes use)."""
        fs = self._nodes.get(node)
        if fs is None:
            fs = self._nodes[node] = VFS(clock=self._clock)
            for d in NODE_DIRS:
                fs.makedirs(d)
            for p, text in NODE_FILES.items():
                fs.makedirs(p.rsplit("/", 1)[0] or "/")
                fs.write(p, text.replace("{node}", node).encode())
            for p in SPECIAL_FILES:
                fs.makedirs(p.rsplit("/", 1)[0] or "/")
                fs.write(p, b"")
        return fs

    def file_type(self, node: str, path: str) -> str:
        """``Directory``, ``File``, ``Socket``, ``CharDevice``, ``BlockDevice`` or "" (absent) on a node."""
        p = normpath(path)
        special = self.special.get((node, p)) or SPECIAL_FILES.get(p)
        fs = self.node_fs(node)
        if not fs.exists(p):
            return ""
        if special:
            return special
        return "Directory" if fs.is_dir(p) else "File"

    def host_path(self, node: str, path: str) -> VFS:
        """A hostPath/local directory on a node, as a mountable filesystem."""
        fs = self.node_fs(node)
        p = normpath(path)
        if not fs.exists(p):
            fs.makedirs(p)
        return _Subtree(fs, p)

    def nfs(self, server: str, path: str) -> VFS:
        """An NFS export (the whole share is one filesystem per server; a path is a directory of it)."""
        share = self._nfs.get(server)
        if share is None:
            share = self._nfs[server] = VFS(clock=self._clock)
        p = normpath(path or "/")
        if p == "/":
            return share
        share.makedirs(p)
        return _Subtree(share, p)

    def nfs_share(self, server: str) -> VFS:
        """The NFS server's exported tree (for the provisioner and recycler)."""
        self.nfs(server, "/")
        return self._nfs[server]

    def empty_dir(self, pod_uid: str, name: str) -> VFS:
        """An emptyDir of a pod (shared by its containers, kept across container restarts)."""
        fs = self._empty.get((pod_uid, name))
        if fs is None:
            fs = self._empty[(pod_uid, name)] = VFS(clock=self._clock)
        return fs

    def empty_dir_bytes(self, pod_uid: str, name: str) -> int:
        """Bytes used in an emptyDir (for sizeLimit eviction)."""
        fs = self._empty.get((pod_uid, name))
        return _du(fs, "/") if fs is not None else 0

    def drop_pod(self, pod_uid: str) -> None:
        """The pod is gone: its emptyDirs go with it."""
        for key in [k for k in self._empty if k[0] == pod_uid]:
            del self._empty[key]

    def for_pv(self, pv: dict[str, Any], node: str) -> VFS | None:
        """The storage behind a PersistentVolume as seen from ``node`` (None for unsupported sources)."""
        spec = pv.get("spec") or {}
        if isinstance(spec.get("nfs"), dict):
            return self.nfs(str(spec["nfs"].get("server", "")), str(spec["nfs"].get("path", "/")))
        if isinstance(spec.get("hostPath"), dict):
            return self.host_path(node, str(spec["hostPath"].get("path", "/")))
        if isinstance(spec.get("local"), dict):
            return self.host_path(node, str(spec["local"].get("path", "/")))
        return None

    def scrub(self, pv: dict[str, Any], node: str = "") -> None:
        """The recycler's ``rm -rf /scrub/..?* /scrub/.[!.]* /scrub/*``: empty the volume."""
        fs = self.for_pv(pv, node)
        if fs is None:
            return
        for name in fs.listdir("/"):
            try:
                fs.remove("/" + name, recursive=True)
            except VFSError:
                pass


def _du(fs: VFS, path: str) -> int:
    total = 0
    try:
        names = fs.listdir(path)
    except VFSError:
        return 0
    for n in names:
        p = path.rstrip("/") + "/" + n
        st = fs.lstat(p)  # a symlink is not followed (it could point back up the tree)
        if st.is_link:
            continue
        if st.is_dir:
            total += _du(fs, p)
        else:
            total += st.size
    return total
