"""The kubelet's volume manager and environment resolution for ConfigMaps, Secrets and the Downward API.

``mount_pod_volumes`` turns a pod's ``volumes`` into filesystems (``VFS``) mounted into each container: emptyDir
(per pod, shared by its containers, kept across restarts), hostPath (the node's own filesystem, with ``type``
checks), PersistentVolumeClaims (the bound volume's storage, which outlives the pod), configMap/secret/
downwardAPI/projected (files built from the objects, refreshed after the kubelet sync delay — but never for
``subPath`` mounts, which are copied once). ``container_env`` resolves ``env``/``envFrom`` once per container
start, as the real kubelet does: env vars never see later ConfigMap changes.
"""

from __future__ import annotations

import base64
import datetime as _dt
import re
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..runtime.sh.vfs import VFS, HookedMount, Node, VFSError, normpath

if TYPE_CHECKING:
    from ..cluster import Cluster

SYNC_DELAY = 60.0  # kubelet syncFrequency (1m) + the ConfigMap cache TTL: when updates reach mounted files
ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")


class MountError(Exception):
    """A volume could not be set up; str() is the text after ``MountVolume.SetUp failed for volume "v" : ``."""


class ConfigError(Exception):
    """CreateContainerConfigError: str() is the message (e.g. ``configmap "x" not found``)."""


class NotReady(Exception):
    """The volume cannot be mounted yet (e.g. its claim is not bound): retry quietly."""


@dataclass
class PodVolumes:
    """The mounted volumes of one pod: name -> filesystem, plus what to refresh when sources change."""

    fs: dict[str, VFS] = field(default_factory=dict)
    readonly: dict[str, bool] = field(default_factory=dict)
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)  # volume -> ("configmaps"/"secrets", name)
    # Volumes whose ConfigMap/Secret was ``immutable`` when mounted: the kubelet stops watching it, so even a
    # deleted and re-created object of that name never reaches the files.
    immutable: set[str] = field(default_factory=set)
    # configMap/secret/downwardAPI/projected volumes: written by the kubelet alone (AtomicWriter), read-only to
    # containers, so a process running ahead reads them live (``HookedMount``) instead of from a snapshot.
    projected: set[str] = field(default_factory=set)


def _b64(v: str) -> bytes:
    try:
        return base64.b64decode(v)
    except ValueError:
        return b""


def _object_data(cluster: Cluster, res: str, ns: str, name: str) -> dict[str, bytes] | None:
    obj = cluster.store.get(res, ns, name)
    if obj is None:
        return None
    if res == "secrets":
        return {k: _b64(v) for k, v in (obj.get("data") or {}).items()}
    out = {k: str(v).encode() for k, v in (obj.get("data") or {}).items()}
    out.update({k: _b64(v) for k, v in (obj.get("binaryData") or {}).items()})
    return out


def field_value(pod: dict[str, Any], path: str, node_ip: str = "", pod_ip: str = "") -> str:
    """A downward API ``fieldRef`` value."""
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    m = re.fullmatch(r"metadata\.(labels|annotations)\['(.*)'\]", path)
    if m:
        return str((meta.get(m.group(1)) or {}).get(m.group(2), ""))
    if path in ("metadata.labels", "metadata.annotations"):
        items = meta.get(path.split(".")[1]) or {}
        return "\n".join(f'{k}="{_go_quote(v)}"' for k, v in sorted(items.items()))
    return str({
        "metadata.name": meta.get("name", ""), "metadata.namespace": meta.get("namespace", ""),
        "metadata.uid": meta.get("uid", ""), "spec.nodeName": spec.get("nodeName", ""),
        "spec.serviceAccountName": spec.get("serviceAccountName", ""), "status.hostIP": node_ip,
        "status.hostIPs": node_ip, "status.podIP": pod_ip, "status.podIPs": pod_ip,
    }.get(path, ""))


def _go_quote(v: Any) -> str:
    return str(v).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def resource_value(pod: dict[str, Any], ref: dict[str, Any], default_container: str = "",
                   node_alloc: dict[str, Any] | None = None) -> str:
    """A downward API ``resourceFieldRef`` value (limits default to node allocatable), divided and rounded up."""
    from .. import quantity

    cname = ref.get("containerName") or default_container
    res = ref.get("resource", "")
    kind, _, rname = res.partition(".")
    container: dict[str, Any] = next(
        (c for c in (pod.get("spec") or {}).get("containers") or [] if c.get("name") == cname), {}
    )
    val = ((container.get("resources") or {}).get(kind) or {}).get(rname)
    if val is None:
        val = (node_alloc or {}).get(rname, "0") if kind == "limits" else "0"
    divisor = ref.get("divisor") or "1"
    try:
        amount = quantity.parse(val) / quantity.parse(divisor)
    except (quantity.QuantityError, ZeroDivisionError):
        return "0"
    return str(-((-amount.numerator) // amount.denominator))


def container_env(cluster: Cluster, pod: dict[str, Any], container: dict[str, Any], env: dict[str, str],
                  node_ip: str, pod_ip: str, expand: Any) -> dict[str, str]:
    """Apply ``envFrom`` then ``env`` on top of ``env``; ConfigError for a missing required source or key."""
    ns = (pod.get("metadata") or {}).get("namespace", "default")
    for src in container.get("envFrom") or []:
        prefix = src.get("prefix") or ""
        for kind, res, label in (("configMapRef", "configmaps", "configmap"), ("secretRef", "secrets", "secret")):
            ref = src.get(kind)
            if not isinstance(ref, dict):
                continue
            data = _object_data(cluster, res, ns, ref.get("name", ""))
            if data is None:
                if ref.get("optional"):
                    continue
                raise ConfigError(f'{label} "{ref.get("name", "")}" not found')
            for k in sorted(data):
                if ENV_NAME.match(prefix + k):
                    env[prefix + k] = data[k].decode(errors="replace")
    for e in container.get("env") or []:
        name = e.get("name", "")
        if "valueFrom" not in e:
            env[name] = expand(str(e.get("value", "")), env)
            continue
        vf = e["valueFrom"] or {}
        if "fieldRef" in vf:
            env[name] = field_value(pod, (vf["fieldRef"] or {}).get("fieldPath", ""), node_ip, pod_ip)
            continue
        if "resourceFieldRef" in vf:
            env[name] = resource_value(pod, vf["resourceFieldRef"] or {}, container.get("name", ""))
            continue
        for kind, res, label, title in (("configMapKeyRef", "configmaps", "configmap", "ConfigMap"),
                                        ("secretKeyRef", "secrets", "secret", "Secret")):
            ref = vf.get(kind)
            if not isinstance(ref, dict):
                continue
            optional = bool(ref.get("optional"))
            data = _object_data(cluster, res, ns, ref.get("name", ""))
            if data is None:
                if optional:
                    break
                raise ConfigError(f'{label} "{ref.get("name", "")}" not found')
            key = ref.get("key", "")
            if key not in data:
                if optional:
                    break
                raise ConfigError(f"couldn't find key {key} in {title} {ns}/{ref.get('name', '')}")
            env[name] = data[key].decode(errors="replace")
            break
    return env


def _fill(fs: VFS, files: dict[str, tuple[bytes, int]]) -> None:
    """Replace the whole content of ``fs`` with ``files`` (path -> (data, mode))."""
    for n in fs.listdir("/"):
        try:
            fs.remove("/" + n, recursive=True)
        except VFSError:
            pass
    for path, (data, mode) in files.items():
        p = normpath("/" + path)
        fs.makedirs(p.rsplit("/", 1)[0] or "/")
        fs.write(p, data, mode=mode)


DATA_DIR = "..data"
NEW_DATA_DIR = "..data_tmp"


def atomic_write(fs: VFS, files: dict[str, tuple[bytes, int]], now: float, salt: str = "") -> bool:
    """Project ``files`` into ``fs`` like the kubelet's AtomicWriter (pkg/volume/util/atomic_writer.go).

    The data goes to a new timestamped directory ``..2006_01_02_15_04_05.<n>`` (``os.MkdirTemp``'s random
    suffix, here derived from ``salt`` and ``now``), each top-level name is a symlink ``key -> ..data/key``
    and ``..data`` points at the timestamped directory; an update swaps ``..data`` with one rename, removes names
    no longer projected and the old directory. Nothing is written when the content is unchanged (False).
    """
    payload = {normpath("/" + k).lstrip("/"): v for k, v in files.items()}
    old_ts = ""
    try:
        old_ts = fs.readlink("/" + DATA_DIR)
    except VFSError:
        pass
    to_remove: set[str] = set()
    if old_ts:
        old_paths = _walk_paths(fs, "/" + old_ts)
        new_paths = set()
        for path in payload:
            while path:
                new_paths.add(path)
                path = path.rpartition("/")[0]
        to_remove = old_paths - new_paths
        changed = False
        for path, (data, _mode) in payload.items():
            try:
                changed = fs.read(f"/{old_ts}/{path}") != data
            except VFSError:
                changed = True
            if changed:
                break
        if not changed and not to_remove:
            return False
    stamp = _dt.datetime.fromtimestamp(now, _dt.UTC).strftime("..%Y_%m_%d_%H_%M_%S.")
    n = zlib.crc32(f"{salt}/{now!r}".encode())
    if not old_ts and type(fs) is VFS and not fs.mounts() and not fs.root.children:
        _first_layout(fs, payload, f"{stamp}{n}")  # every pod mounts one: build the nodes directly
        return True
    while fs.exists(f"/{stamp}{n}") or fs.is_link(f"/{stamp}{n}"):
        n = zlib.crc32(str(n).encode())
    ts = f"{stamp}{n}"
    fs.mkdir("/" + ts, mode=0o755)
    for path, (data, mode) in payload.items():
        full = f"/{ts}/{path}"
        fs.makedirs(full.rsplit("/", 1)[0], mode=0o755)
        fs.write(full, data, mode=mode)
        fs.chmod(full, mode)
    for path in payload:
        top = path.split("/", 1)[0]
        if not fs.is_link("/" + top):
            fs.symlink(f"{DATA_DIR}/{top}", "/" + top)
    fs.symlink(ts, "/" + NEW_DATA_DIR)
    fs.rename("/" + NEW_DATA_DIR, "/" + DATA_DIR)
    for path in to_remove:
        if "/" not in path:
            try:
                fs.remove("/" + path)
            except VFSError:
                pass
    if old_ts:
        try:
            fs.remove("/" + old_ts, recursive=True)
        except VFSError:
            pass
    return True


def _first_layout(fs: VFS, payload: dict[str, tuple[bytes, int]], ts: str) -> None:
    """``atomic_write`` into an empty volume, built as nodes directly (same result, far cheaper)."""
    t = fs._now()
    ts_node = Node(True, 0o755, t)
    root = fs.root
    for path, (data, mode) in payload.items():
        *dirs, leaf = path.split("/")
        d = ts_node
        for part in dirs:
            nxt = d.children.get(part)
            if nxt is None:
                nxt = d.children[part] = Node(True, 0o755, t)
            d = nxt
        d.children[leaf] = Node(False, mode, t, data)
        top = dirs[0] if dirs else leaf
        if top not in root.children:
            root.children[top] = Node(False, 0o777, t, link=f"{DATA_DIR}/{top}")
    root.children[ts] = ts_node
    root.children[DATA_DIR] = Node(False, 0o777, t, link=ts)
    root.mtime = t
    fs._links = True


def _walk_paths(fs: VFS, base: str) -> set[str]:
    """Every path under ``base`` (relative), like the filepath.Walk in AtomicWriter.pathsToRemove."""
    out: set[str] = set()
    stack = [""]
    while stack:
        rel = stack.pop()
        try:
            names = fs.listdir(base + ("/" + rel if rel else ""))
        except VFSError:
            continue
        for name in names:
            child = f"{rel}/{name}" if rel else name
            out.add(child)
            if fs.is_dir(f"{base}/{child}") and not fs.is_link(f"{base}/{child}"):
                stack.append(child)
    return out


def _projected_fs(cluster: Cluster, memory: bool) -> VFS:
    """The wrapped emptyDir of a configMap (disk) or secret/projected/downwardAPI (tmpfs) volume."""
    fs = VFS(clock=cluster.clock.now)
    fs.root.mode = 0o1777 if memory else 0o777  # emptyDir roots are 0777; a fresh tmpfs keeps its sticky bit
    fs.tmpfs = memory
    return fs


def _keyed_files(data: dict[str, bytes], items: list[dict[str, Any]] | None, mode: int, what: str,
                 name: str, optional: bool) -> dict[str, tuple[bytes, int]]:
    if not items:
        return {k: (v, mode) for k, v in data.items()}
    out = {}
    for it in items:
        key = it.get("key", "")
        if key not in data:
            if optional:
                continue
            raise MountError(f"configmap references non-existent config key: {key}" if what == "configmap"
                             else f"references non-existent secret key: {key}")
        out[it.get("path") or key] = (data[key], int(it.get("mode") or mode))
    return out


def volume_files(cluster: Cluster, pod: dict[str, Any], vol: dict[str, Any], node_ip: str,
                 pod_ip: str) -> dict[str, tuple[bytes, int]]:
    """The files of a configMap/secret/downwardAPI/projected volume (MountError when a source is missing)."""
    ns = (pod.get("metadata") or {}).get("namespace", "default")
    if "configMap" in vol or "secret" in vol:
        is_cm = "configMap" in vol
        src = vol["configMap" if is_cm else "secret"] or {}
        name = src.get("name" if is_cm else "secretName", "")
        data = _object_data(cluster, "configmaps" if is_cm else "secrets", ns, name)
        if data is None:
            if src.get("optional"):
                return {}
            raise MountError(f'{"configmap" if is_cm else "secret"} "{name}" not found')
        return _keyed_files(data, src.get("items"), int(src.get("defaultMode", 420)),
                            "configmap" if is_cm else "secret", name, bool(src.get("optional")))
    if "downwardAPI" in vol:
        src = vol["downwardAPI"] or {}
        mode = int(src.get("defaultMode", 420))
        return _downward_files(pod, src.get("items") or [], mode, node_ip, pod_ip)
    if "projected" in vol:
        src = vol["projected"] or {}
        mode = int(src.get("defaultMode", 420))
        out: dict[str, tuple[bytes, int]] = {}
        for s in src.get("sources") or []:
            if "serviceAccountToken" in s:
                t = s["serviceAccountToken"] or {}
                out[t.get("path", "token")] = (_sa_token(cluster, pod, int(t.get("expirationSeconds", 3607))), mode)
            elif "configMap" in s or "secret" in s:
                key = "configMap" if "configMap" in s else "secret"
                sub = dict(s[key] or {})
                if key == "secret":
                    sub["secretName"] = sub.get("name", "")
                sub.setdefault("defaultMode", mode)
                out.update(volume_files(cluster, pod, {key: sub}, node_ip, pod_ip))
            elif "downwardAPI" in s:
                out.update(_downward_files(pod, (s["downwardAPI"] or {}).get("items") or [], mode, node_ip, pod_ip))
        return out
    return {}


def _sa_token(cluster: Cluster, pod: dict[str, Any], expiration: int) -> bytes:
    ns = (pod.get("metadata") or {}).get("namespace", "default")
    sa_name = (pod.get("spec") or {}).get("serviceAccountName") or "default"
    sa = cluster.store.get("serviceaccounts", ns, sa_name)
    auth = getattr(cluster, "auth", None)
    if auth is None:
        return b"eyJhbGciOiJSUzI1NiJ9.e30.simulated"
    uid = (sa or {}).get("metadata", {}).get("uid", "")
    return auth.authn.service_account_token(ns, sa_name, uid, pod, expiration).encode()


def _downward_files(pod: dict[str, Any], items: list[dict[str, Any]], mode: int, node_ip: str,
                    pod_ip: str) -> dict[str, tuple[bytes, int]]:
    out = {}
    for it in items:
        if "fieldRef" in it:
            val = field_value(pod, (it["fieldRef"] or {}).get("fieldPath", ""), node_ip, pod_ip)
        else:
            val = resource_value(pod, it.get("resourceFieldRef") or {})
        out[it.get("path", "")] = (val.encode(), int(it.get("mode") or mode))
    return out


HOSTPATH_CHECKS = {
    "Directory": ("Directory", "is not a directory"),
    "File": ("File", "is not a file"),
    "Socket": ("Socket", "is not a socket file"),
    "CharDevice": ("CharDevice", "is not a character device"),
    "BlockDevice": ("BlockDevice", "is not a block device"),
}


def host_path_fs(cluster: Cluster, node: str, src: dict[str, Any]) -> VFS:
    """A hostPath volume after its ``type`` check (MountError with the real text when it fails)."""
    vs = cluster.volumes
    path = normpath(str(src.get("path", "/")))
    typ = src.get("type") or ""
    actual = vs.file_type(node, path)
    node_fs = vs.node_fs(node)
    if typ == "DirectoryOrCreate":
        if not actual:
            node_fs.makedirs(path, mode=0o755)
        elif actual != "Directory":
            raise MountError(f"hostPath type check failed: {path} is not a directory")
    elif typ == "FileOrCreate":
        if not actual:
            node_fs.makedirs(path.rsplit("/", 1)[0] or "/")
            node_fs.write(path, b"", mode=0o644)
            return _FileVolume(node_fs, path)
        if actual == "Directory":
            raise MountError(f"hostPath type check failed: {path} is not a file")
        return _FileVolume(node_fs, path)
    elif typ in HOSTPATH_CHECKS:
        want, msg = HOSTPATH_CHECKS[typ]
        if actual != want:
            raise MountError(f"hostPath type check failed: {path} {msg}")
        if want != "Directory":
            return _FileVolume(node_fs, path)
    elif actual and actual != "Directory":
        return _FileVolume(node_fs, path)
    return vs.host_path(node, path)


class _FileVolume(VFS):
    """A single host file mounted at a path (the mount point *is* the file)."""

    def __init__(self, parent: VFS, path: str) -> None:
        super().__init__()
        self.parent = parent
        self.path = path


def mount_pod_volumes(cluster: Cluster, pod: dict[str, Any], node: str, node_ip: str, pod_ip: str) -> PodVolumes:
    """Set up every volume of a pod (MountError naming the first failing volume; NotReady to wait)."""
    pv_out = PodVolumes()
    vs = cluster.volumes
    meta = pod.get("metadata") or {}
    ns, uid = meta.get("namespace", "default"), meta.get("uid", "")
    for vol in (pod.get("spec") or {}).get("volumes") or []:
        name = vol.get("name", "")
        try:
            if "emptyDir" in vol:
                pv_out.fs[name] = ed = vs.empty_dir(uid, name)
                if ((vol["emptyDir"] or {}).get("medium") or "") == "Memory":
                    ed.tmpfs = True  # a tmpfs mount: its pages are charged to the pod's memory cgroup
                if ed.root.mode == 0o755:  # fresh: emptyDir's setupDir makes it 0777 (tmpfs keeps its sticky bit)
                    ed.root.mode = 0o1777 if ed.tmpfs else 0o777
            elif "hostPath" in vol:
                pv_out.fs[name] = host_path_fs(cluster, node, vol["hostPath"] or {})
            elif "persistentVolumeClaim" in vol:
                claim = (vol["persistentVolumeClaim"] or {}).get("claimName", "")
                pvc = cluster.store.get("persistentvolumeclaims", ns, claim)
                if pvc is None:
                    raise MountError(f'persistentvolumeclaim "{claim}" not found')
                vname = (pvc.get("spec") or {}).get("volumeName")
                pvobj = cluster.store.get("persistentvolumes", "", vname) if vname else None
                if pvobj is None or (pvc.get("status") or {}).get("phase") != "Bound":
                    raise NotReady(name)
                fs = vs.for_pv(pvobj, node)
                pv_out.fs[name] = fs if fs is not None else VFS()
                pv_out.readonly[name] = bool((vol["persistentVolumeClaim"] or {}).get("readOnly"))
            elif any(k in vol for k in ("configMap", "secret", "downwardAPI", "projected")):
                fs = _projected_fs(cluster, "configMap" not in vol)
                atomic_write(fs, volume_files(cluster, pod, vol, node_ip, pod_ip), cluster.clock.now(),
                             f"{uid}/{name}")
                pv_out.fs[name] = fs
                pv_out.readonly[name] = True
                pv_out.projected.add(name)
                for key, res, nkey in (("configMap", "configmaps", "name"), ("secret", "secrets", "secretName")):
                    if key in vol:
                        pv_out.sources[name] = (res, (vol[key] or {}).get(nkey, ""))
                        src_obj = cluster.store.get(res, ns, pv_out.sources[name][1])
                        if src_obj is not None and src_obj.get("immutable") is True:
                            pv_out.immutable.add(name)
                if "projected" in vol:
                    pv_out.sources[name] = ("projected", "")
            else:
                pv_out.fs[name] = VFS()
        except MountError as e:
            raise MountError(f'MountVolume.SetUp failed for volume "{name}" : {e}') from None
    return pv_out


def refresh(cluster: Cluster, pod: dict[str, Any], vols: PodVolumes, node_ip: str, pod_ip: str) -> None:
    """Rewrite configMap/secret/projected volume files from the current objects (the periodic kubelet sync)."""
    for vol in (pod.get("spec") or {}).get("volumes") or []:
        name = vol.get("name", "")
        if name not in vols.sources or name not in vols.fs or name in vols.immutable:
            continue
        try:
            files = volume_files(cluster, pod, vol, node_ip, pod_ip)
        except MountError:
            continue
        uid = (pod.get("metadata") or {}).get("uid", "")
        atomic_write(vols.fs[name], files, cluster.clock.now(), f"{uid}/{name}")


def subpath_copies(container: dict[str, Any], vols: PodVolumes) -> dict[str, bytes]:
    """The files of a container's ``subPath`` mounts of configMap/secret/read-only volumes as they are at its
    start (mount path -> bytes): the bind mount keeps the file it resolved then, later updates never reach it."""
    out: dict[str, bytes] = {}
    for m in container.get("volumeMounts") or []:
        name, sub = m.get("name", ""), m.get("subPath") or ""
        fs = vols.fs.get(name)
        if not sub or fs is None or isinstance(fs, _FileVolume):
            continue
        if vols.sources.get(name) or bool(m.get("readOnly")) or vols.readonly.get(name, False):
            sp = normpath("/" + sub)
            if fs.is_file(sp):
                out[normpath(m.get("mountPath", "/"))] = fs.read(sp)
    return out


def mount_into(
    root: VFS,
    container: dict[str, Any],
    vols: PodVolumes,
    snapshot: bool = False,
    copies: dict[str, bytes] | None = None,
) -> None:
    """Mount a container's ``volumeMounts`` into its root filesystem (``subPath`` mounts are copied, once).

    ``snapshot``: mount deep copies (for the process run-ahead, whose writes are replayed later), except for
    configMap/secret/downwardAPI/projected volumes: those are mounted through a ``HookedMount`` of the live
    volume, whose hook the process runner sets to wait for virtual time before a read. ``copies``: the
    ``subPath`` files taken at the container's start (``subpath_copies``), else they are read now.
    """
    for m in container.get("volumeMounts") or []:
        fs = vols.fs.get(m.get("name", ""))
        if fs is None:
            continue
        mp = normpath(m.get("mountPath", "/"))
        ro = bool(m.get("readOnly")) or vols.readonly.get(m.get("name", ""), False)
        sub = m.get("subPath") or ""
        if isinstance(fs, _FileVolume):
            try:
                data = fs.parent.read(fs.path)
            except VFSError:
                data = b""
            root.makedirs(mp.rsplit("/", 1)[0] or "/")
            root.write(mp, data)
            continue
        if sub:
            sp = normpath("/" + sub)
            if vols.sources.get(m.get("name", "")) or ro:
                # A copy taken at the start: later ConfigMap updates never reach a subPath mount.
                copy = copies.get(mp) if copies is not None else None
                if copy is None and fs.is_file(sp):
                    copy = fs.read(sp)
                if copy is not None:
                    root.makedirs(mp.rsplit("/", 1)[0] or "/")
                    root.write(mp, copy)
                continue
            if not fs.exists(sp):
                fs.makedirs(sp)
            if fs.is_file(sp):
                root.makedirs(mp.rsplit("/", 1)[0] or "/")
                root.write(mp, fs.read(sp))
                continue
            from ..storage.volumes import _Subtree

            target: VFS = _Subtree(fs, sp)
        else:
            target = fs
        if mp == "/":
            continue
        if snapshot:
            target = HookedMount(target) if m.get("name", "") in vols.projected else snapshot_fs(target)
        root.mount(mp, target, readonly=ro)


def _clone_node(n: Node) -> Node:
    if not n.is_dir:
        return Node(False, n.mode, n.mtime, n.data, link=n.link)  # file bytes are immutable: shared, not copied
    return Node(True, n.mode, n.mtime, b"", {k: _clone_node(v) for k, v in n.children.items()})


def snapshot_fs(fs: VFS) -> VFS:
    """A private copy of a volume as it is now (for a process running ahead, whose writes are replayed on the
    real volume later): the directory tree is copied, file contents and the clock are shared."""
    src, path, _ = fs._route("/")
    out = VFS(src._clock)
    node = src._lookup(path)
    if node is not None and node.is_dir:
        out.root = _clone_node(node)
    out._links, out.tmpfs = src._links, src.tmpfs
    base = path.rstrip("/")
    for mp, (sub, ro) in src.mounts().items():
        if mp.startswith(base + "/"):
            out.mount(mp[len(base) :], snapshot_fs(sub), readonly=ro)
    return out
