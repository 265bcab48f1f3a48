"""ConfigMap/Secret volumes laid out like the kubelet's AtomicWriter (pkg/volume/util/atomic_writer.go), symlinks
in the mini-shell (ls -l, readlink, ln -s, test -L, cat through links), and tmpfs emptyDirs whose pages count
against the container's memory limit."""

from __future__ import annotations

import re

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.kubelet.volumes import atomic_write
from k8stutor.engine.runtime.sh import Shell
from k8stutor.engine.runtime.sh.vfs import VFS, VFSError
from k8stutor.hosts.workstation import Workstation

TS = re.compile(
    r"^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d+$"
)  # time.Now().UTC().Format("..2006_01_02_15_04_05.")


def _out(ws: Workstation, line: str) -> str:
    r = ws.run(line)
    out = r.stdout
    return out.decode() if isinstance(out, bytes) else out


# -- the VFS -------------------------------------------------------------------------------------------------
def test_symlinks_resolve_through_mounts_and_relative_targets() -> None:
    root, vol = VFS(), VFS()
    vol.makedirs("/..ts")
    vol.write("/..ts/key", b"v\n")
    vol.symlink("..ts", "/..data")
    vol.symlink("..data/key", "/key")
    root.mount("/etc/config", vol, readonly=True)
    assert root.read("/etc/config/key") == b"v\n"
    assert root.readlink("/etc/config/key") == "..data/key"
    assert root.is_dir("/etc/config/..data") and root.is_link("/etc/config/..data")
    assert not root.is_link("/etc/config/..ts")
    st, lst = root.stat("/etc/config/key"), root.lstat("/etc/config/key")
    assert (st.is_link, st.size) == (False, 2) and (lst.is_link, lst.size, lst.mode) == (True, 10, 0o777)
    root.symlink("/etc/config", "/cfg")  # absolute target, resolved from the container's root
    assert root.read("/cfg/key") == b"v\n" and root.listdir("/cfg") == ["..data", "..ts", "key"]
    assert root.realpath("/cfg/key") == "/etc/config/..ts/key"
    root.remove("/cfg")  # removes the link, not what it points to
    assert not root.exists("/cfg") and root.exists("/etc/config/key")
    root.symlink("loop", "/loop")
    with pytest.raises(VFSError, match="Symbolic link loop"):
        root.read("/loop")
    root.symlink("missing", "/dangling")
    assert not root.exists("/dangling") and root.is_link("/dangling")
    root.write("/dangling", b"x")  # writing through a dangling link creates its target
    assert root.read("/missing") == b"x"


def test_atomic_write_swaps_data_dir_and_prunes_old_names() -> None:
    fs = VFS()
    assert atomic_write(fs, {"a": (b"1", 0o644), "dir/b": (b"2", 0o400)}, 1796299200.0, "uid/vol")
    first = fs.readlink("/..data")
    assert TS.match(first) and first.startswith("..2026_12_03_12_00_00.")
    assert fs.listdir("/") == sorted([first, "..data", "a", "dir"])
    assert fs.readlink("/a") == "..data/a" and fs.readlink("/dir") == "..data/dir"
    assert fs.read("/dir/b") == b"2" and fs.stat("/dir/b").mode == 0o400
    assert fs.stat("/" + first).mode == 0o755
    # Same content: nothing is written (shouldWritePayload).
    assert not atomic_write(fs, {"a": (b"1", 0o644), "dir/b": (b"2", 0o400)}, 1796299260.0, "uid/vol")
    assert fs.readlink("/..data") == first
    # New content, one name dropped: a new directory, ..data swapped, the old directory and name removed.
    assert atomic_write(fs, {"a": (b"changed", 0o644)}, 1796299270.0, "uid/vol")
    second = fs.readlink("/..data")
    assert second != first and second.startswith("..2026_12_03_12_01_10.")
    assert fs.listdir("/") == sorted([second, "..data", "a"])
    assert fs.read("/a") == b"changed"


# -- the mini-shell ------------------------------------------------------------------------------------------
def test_shell_ls_readlink_ln_test_cat() -> None:
    vfs = VFS()
    vfs.makedirs("/etc")
    sh = Shell(vfs, {}, {})
    assert sh.run("echo hi > /etc/real; ln -s /etc/real /etc/alias; cat /etc/alias").stdout == b"hi\n"
    assert sh.run("readlink /etc/alias").stdout == b"/etc/real\n"
    assert sh.run("readlink /etc/real; echo $?").stdout == b"1\n"  # not a link: nothing, status 1
    assert (
        sh.run("test -L /etc/alias && [ -h /etc/alias ] && ! test -L /etc/real && echo yes").stdout
        == b"yes\n"
    )
    # busybox ls -l: mode, links, owner, group, size, date, name -> target
    assert sh.run("ls -l /etc/alias").stdout == (
        b"lrwxrwxrwx    1 root     root             9 Dec  1 09:00 /etc/alias -> /etc/real\n"
    )
    r = sh.run("ln -s /x /etc/alias")
    assert r.exit_code == 1 and r.stderr == b"ln: can't create symlink '/etc/alias' to '/x': File exists\n"
    assert sh.run("ln -sf /x /etc/alias; readlink /etc/alias").stdout == b"/x\n"
    sh.run("mkdir /d; ln -s /etc/real /d")  # into a directory: the link keeps the target's name
    assert sh.run("readlink /d/real").stdout == b"/etc/real\n"


# -- in a cluster --------------------------------------------------------------------------------------------
CM_POD = """apiVersion: v1
kind: Pod
metadata: {name: cfg}
spec:
  containers:
  - name: c
    image: busybox
    command: ["sleep", "3600"]
    volumeMounts:
    - {name: cfg, mountPath: /etc/config}
    - {name: cfg, mountPath: /etc/color, subPath: color}
    - {name: sec, mountPath: /etc/sec}
  volumes:
  - name: cfg
    configMap: {name: app}
  - name: sec
    secret: {secretName: pw}
"""


def test_configmap_volume_layout_and_hot_update_in_a_pod() -> None:
    c = Cluster()
    ws = Workstation(c)
    _out(ws, "kubectl create configmap app --from-literal=color=blue --from-literal=size=10")
    _out(ws, "kubectl create secret generic pw --from-literal=password=s3cret")
    _out(ws, f"cat > /tmp/p.yaml <<'EOF'\n{CM_POD}EOF")
    _out(ws, "kubectl apply -f /tmp/p.yaml")
    c.advance(10)
    lines = _out(ws, "kubectl exec cfg -- ls -la /etc/config").splitlines()
    assert lines[0] == "total 0"
    assert re.fullmatch(r"drwxrwxrwx +3 root +root +4096 \w{3} +\d+ \d\d:\d\d \.", lines[1])
    ts = lines[3].rsplit(" ", 1)[1]
    assert TS.match(ts) and lines[3].startswith("drwxr-xr-x    2 root     root          4096 ")
    assert lines[4].startswith("lrwxrwxrwx    1 root     root            32 ")
    assert lines[4].endswith(f" ..data -> {ts}")
    assert lines[5].endswith(" color -> ..data/color") and " 12 " in lines[5]  # len("..data/color")
    assert lines[6].endswith(" size -> ..data/size")
    assert _out(ws, "kubectl exec cfg -- ls /etc/config") == "color\nsize\n"
    assert _out(ws, "kubectl exec cfg -- cat /etc/config/color") == "blue"
    # Secrets are tmpfs: sticky 1777 root, 20 bytes per directory entry.
    sec = _out(ws, "kubectl exec cfg -- ls -la /etc/sec").splitlines()
    assert sec[1].startswith("drwxrwxrwt    3 root     root           100 ")  # 40 + 3 entries x 20
    assert sec[3].startswith("drwxr-xr-x    2 root     root            60 ")
    _out(ws, """kubectl patch configmap app -p '{"data":{"color":"red"}}'""")
    c.advance(70)
    after = _out(ws, "kubectl exec cfg -- readlink /etc/config/..data").strip()
    assert TS.match(after) and after != ts
    assert ts not in _out(ws, "kubectl exec cfg -- ls -a /etc/config")
    assert _out(ws, "kubectl exec cfg -- cat /etc/config/color") == "red"
    assert _out(ws, "kubectl exec cfg -- cat /etc/color") == "blue"  # a subPath is a copy, never updated
    assert _out(ws, "kubectl exec cfg -- sh -c 'test -L /etc/color || echo file'") == "file\n"


def _ram_pod(medium: str) -> str:
    ed = "{medium: Memory}" if medium else "{}"
    return f"""apiVersion: v1
kind: Pod
metadata: {{name: ram}}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: ["sleep", "3600"]
    resources:
      limits: {{memory: 2Mi}}
    volumeMounts:
    - {{name: cache, mountPath: /cache}}
  volumes:
  - name: cache
    emptyDir: {ed}
"""


@pytest.mark.parametrize("medium", ["Memory", ""])
def test_memory_emptydir_counts_against_the_memory_limit(medium: str) -> None:
    c = Cluster()
    ws = Workstation(c)
    _out(ws, f"cat > /tmp/p.yaml <<'EOF'\n{_ram_pod(medium)}EOF")
    _out(ws, "kubectl apply -f /tmp/p.yaml")
    c.advance(5)
    mode = _out(ws, "kubectl exec ram -- ls -ld /cache").split()[0]
    assert mode == ("drwxrwxrwt" if medium else "drwxrwxrwx")
    # busybox's ~0.3 MB working set + 1.9 MB of files: over 2Mi only when the files are in memory.
    _out(ws, "kubectl exec ram -- sh -c 'seq 1 200000 > /cache/a'")
    c.advance(2)
    assert "Running   0" in _out(ws, "kubectl get pod ram")
    _out(ws, "kubectl exec ram -- sh -c 'seq 1 100000 > /cache/b'")
    c.advance(2)
    pod = c.api.get("pods", "ram", "default")
    cs = pod["status"]["containerStatuses"][0]
    if not medium:
        assert cs["restartCount"] == 0 and "running" in cs["state"]
        return
    assert cs["restartCount"] >= 1
    assert cs["lastState"]["terminated"]["reason"] == "OOMKilled"
    assert cs["lastState"]["terminated"]["exitCode"] == 137
    # The tmpfs pages outlive the container: the restarted one is killed again (CrashLoopBackOff).
    c.advance(30)
    assert "CrashLoopBackOff" in _out(ws, "kubectl get pod ram")


def test_tmpfs_bytes_show_in_pod_memory_usage() -> None:
    from k8stutor.engine.runtime.metrics import container_usage

    c = Cluster()
    ws = Workstation(c)
    _out(ws, f"cat > /tmp/p.yaml <<'EOF'\n{_ram_pod('Memory').replace('2Mi', '64Mi')}EOF")
    _out(ws, "kubectl apply -f /tmp/p.yaml")
    c.advance(5)
    before = container_usage(c, c.api.get("pods", "ram", "default"))[0][2]
    _out(ws, "kubectl exec ram -- sh -c 'seq 1 100000 > /cache/a'")
    after = container_usage(c, c.api.get("pods", "ram", "default"))[0][2]
    assert after - before == len("".join(f"{i}\n" for i in range(1, 100001)))


def test_rm_removes_the_link_not_its_target() -> None:
    vfs = VFS()
    sh = Shell(vfs, {}, {})
    sh.run("mkdir -p /d; echo x > /d/f; ln -s /d /l; ln -s /nowhere /dangling")
    r = sh.run("rm /l /dangling; ls /")
    assert r.exit_code == 0 and r.stdout == b"d\n" and vfs.read("/d/f") == b"x\n"


def test_du_of_an_emptydir_ignores_symlinks_pointing_back() -> None:
    from k8stutor.engine.storage.volumes import VolumeStore

    vs = VolumeStore(lambda: 0.0)
    fs = vs.empty_dir("uid", "cache")
    fs.write("/a", b"12345")
    fs.symlink("/", "/loop")  # would recurse forever if followed
    assert vs.empty_dir_bytes("uid", "cache") == 5
