"""A container's own process sees ConfigMap/Secret updates in its mounted volumes after the kubelet sync delay
(as ``kubectl exec`` does), never in ``subPath`` copies or env vars; its symlinks reach the live filesystem."""

from __future__ import annotations

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.kubelet.volumes import SYNC_DELAY
from k8stutor.engine.runtime.images import default_catalogue, parse_image
from k8stutor.engine.runtime.processes import (
    JournalVFS,
    ProcessRunner,
    ProcessSpec,
    apply_fs_effect,
    build_rootfs,
)
from k8stutor.engine.runtime.sh import VFS
from k8stutor.engine.runtime.sh.vfs import HookedMount
from k8stutor.kubectl.main import Kubectl

BUSYBOX = default_catalogue().lookup(parse_image("busybox:1.28"))

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  containers:
  - name: app
    image: busybox:1.28
    command: ["sh", "-c", {script!r}]
    env:
    - name: LEVEL
      valueFrom:
        configMapKeyRef:
          name: app-config
          key: level
    volumeMounts:
    - name: config
      mountPath: /etc/config
    - name: config
      mountPath: /etc/level
      subPath: level
    - name: creds
      mountPath: /etc/creds
  volumes:
  - name: config
    configMap:
      name: app-config
  - name: creds
    secret:
      secretName: app-creds
"""


def _setup(script: str, name: str = "loop") -> tuple[Cluster, Kubectl]:
    c = Cluster()
    k = Kubectl(c)
    assert k.run(["create", "configmap", "app-config", "--from-literal=level=old"]).exit_code == 0
    assert (
        k.run(["create", "secret", "generic", "app-creds", "--from-literal=password=s3cret"]).exit_code == 0
    )
    r = k.run(["apply", "-f", "-"], POD.format(name=name, script=script))
    assert r.stdout == f"pod/{name} created\n", r.stderr
    return c, k


def _logs(k: Kubectl, *extra: str) -> str:
    r = k.run(["logs", "loop", *extra])
    assert r.exit_code == 0, r.stderr
    return r.stdout


def _change(k: Kubectl) -> None:
    r = k.run(["patch", "configmap", "app-config", "-p", '{"data":{"level":"new"}}'])
    assert r.stdout == "configmap/app-config patched\n", r.stderr
    r = k.run(["patch", "secret", "app-creds", "-p", '{"stringData":{"password":"rotated"}}'])
    assert r.stdout == "secret/app-creds patched\n", r.stderr


def test_the_classic_demo_a_loop_printing_a_mounted_configmap_key() -> None:
    c, k = _setup("while true; do echo $(cat /etc/config/level); sleep 30; done")
    c.advance(65)
    assert _logs(k) == "old\nold\nold\n"
    _change(k)
    c.advance(SYNC_DELAY - 10)  # the kubelet has not synced yet: still the old files
    assert _logs(k, "--tail=1") == "old\n"
    c.advance(90 - (SYNC_DELAY - 10))
    assert _logs(k, "--tail=1") == "new\n"
    # the same files `kubectl exec` sees
    assert k.run(["exec", "loop", "--", "cat", "/etc/config/level"]).stdout == "new"
    # the log changed once, at a loop turn after the sync; it never went back
    lines = _logs(k).split()
    first_new = lines.index("new")
    assert set(lines[:first_new]) == {"old"} and set(lines[first_new:]) == {"new"}


def test_a_secret_volume_is_hot_updated_too() -> None:
    c, k = _setup("while true; do echo $(cat /etc/creds/password); sleep 30; done")
    c.advance(5)
    _change(k)
    c.advance(90)
    assert _logs(k).split() == ["s3cret", "s3cret", "s3cret", "rotated"]


def test_a_subpath_mount_and_an_env_var_never_change() -> None:
    c, k = _setup("while true; do echo $(cat /etc/level) $LEVEL $(cat /etc/config/level); sleep 30; done")
    c.advance(5)
    assert _logs(k) == "old old old\n"
    _change(k)
    c.advance(300)
    assert _logs(k, "--tail=1") == "old old new\n"
    assert k.run(["exec", "loop", "--", "cat", "/etc/level"]).stdout == "old"
    assert k.run(["exec", "loop", "--", "printenv", "LEVEL"]).stdout == "old\n"


def test_a_symlink_made_by_the_command_is_visible_to_exec() -> None:
    c, k = _setup("ln -s /etc/config/level /tmp/level; mkdir /tmp/d; sleep 3600")
    c.advance(5)
    r = k.run(["exec", "loop", "--", "readlink", "/tmp/level"])
    assert r.stdout == "/etc/config/level\n", r.stderr
    assert k.run(["exec", "loop", "--", "cat", "/tmp/level"]).stdout == "old"
    _change(k)
    c.advance(90)
    assert k.run(["exec", "loop", "--", "cat", "/tmp/level"]).stdout == "new"


def _spec(script: str, now: list[float]) -> ProcessSpec:
    return ProcessSpec(
        ["sh", "-c", script], BUSYBOX, {"PATH": "/bin"}, "p", start=100.0, present=lambda: now[0]
    )


def _fs(volume: VFS) -> JournalVFS:
    fs = build_rootfs(BUSYBOX, {"hostname": "p", "tag": "1.28", "pod_ip": "10.244.1.5"}, JournalVFS)
    fs.mount("/etc/config", HookedMount(volume), readonly=True)
    return fs


def _out(run_effects: list) -> list[tuple[float, bytes]]:  # type: ignore[type-arg]
    return [(e.at, e.data) for e in run_effects if e.kind == "out"]


def test_the_runner_waits_for_virtual_time_before_reading_a_live_volume() -> None:
    volume = VFS.from_dict({"/k": "v1\n"})
    now = [100.0]
    r = ProcessRunner(_spec("while true; do cat /etc/config/k; sleep 10; done", now), _fs(volume))
    run = r.advance(3600.0)
    # read at 0 s, then paused before the read due at 10 s: the live clock is still at 0 s
    assert _out(run.effects) == [(0.0, b"v1\n")]
    assert run.suspended and run.horizon == 10.0 and not r.done
    volume.write("/k", b"v2\n")  # the kubelet's sync at 5 s
    now[0] = 110.0
    run = r.advance(3600.0)
    assert _out(run.effects[run.fresh :]) == [(10.0, b"v2\n")]
    assert run.suspended and run.horizon == 20.0


def test_a_process_that_never_reads_the_volume_runs_ahead_unpaused() -> None:
    volume = VFS.from_dict({"/k": "v1\n"})
    r = ProcessRunner(
        _spec("while true; do cat /tmp/x 2>/dev/null; date > /tmp/x; sleep 10; done", [100.0]), _fs(volume)
    )
    run = r.advance(3600.0)
    # paused only in the `sleep` that ends past the horizon, never before a read
    assert not run.suspended and run.horizon == 3610.0 and r.offset == 3600.0


def test_the_journal_records_symlink_rename_and_chmod() -> None:
    fs = JournalVFS()
    fs.journal = []
    fs.write("/a", b"x")
    fs.symlink("/a", "/l")
    fs.chmod("/a", 0o600)
    fs.rename("/a", "/b")
    assert [e.data[0] for e in fs.journal] == ["write", "symlink", "chmod", "rename"]
    live = VFS()
    for e in fs.journal:
        apply_fs_effect(live, e.data)
    assert live.readlink("/l") == "/a" and live.read("/b") == b"x" and live.stat("/b").mode == 0o600
    assert not live.exists("/a")
