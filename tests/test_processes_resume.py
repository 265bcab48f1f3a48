"""Container processes run in a greenlet and resume where they stopped (no re-run from the start)."""

from __future__ import annotations

import greenlet

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.kubelet.volumes import snapshot_fs
from k8stutor.engine.runtime.images import default_catalogue, parse_image
from k8stutor.engine.runtime.processes import (
    FOREVER,
    JournalVFS,
    ProcessRunner,
    ProcessSpec,
    build_rootfs,
    run_process,
)
from k8stutor.engine.runtime.sh import VFS
from k8stutor.kubectl.main import Kubectl

BUSYBOX = default_catalogue().lookup(parse_image("busybox:1.28"))


def _spec(script: str, **kw: object) -> ProcessSpec:
    return ProcessSpec(["sh", "-c", script], BUSYBOX, {"PATH": "/bin"}, "p", **kw)  # type: ignore[arg-type]


def _fs() -> JournalVFS:
    return build_rootfs(BUSYBOX, {"hostname": "p", "tag": "1.28", "pod_ip": "10.244.1.5"}, JournalVFS)


def _out(effects: list) -> list[tuple[float, bytes]]:  # type: ignore[type-arg]
    return [(e.at, e.data) for e in effects if e.kind == "out"]


SCRIPT = "i=0; while [ $i -lt 5 ]; do echo $i; sleep 10; i=$((i+1)); done; echo end > /tmp/done; exit 3"


def test_runner_pauses_at_the_horizon_and_resumes_at_the_same_point() -> None:
    r = ProcessRunner(_spec(SCRIPT), _fs())
    run = r.advance(15.0)
    assert _out(run.effects) == [(0.0, b"0\n"), (10.0, b"1\n")]
    assert run.exit_code is None and not r.done
    # paused inside `sleep 10` that ends at 20 s: nothing can happen before then
    assert run.horizon == 20.0 and r.offset == 10.0
    run = r.advance(100.0)
    assert run.fresh == 2
    assert _out(run.effects[run.fresh :]) == [(20.0, b"2\n"), (30.0, b"3\n"), (40.0, b"4\n")]
    assert run.exit_code == 3 and run.exit_at == 50.0 and r.done
    assert {(e.at, e.data[1][0]) for e in run.effects if e.kind == "fs"} == {(50.0, "/tmp/done")}


def test_resumed_run_records_what_one_straight_run_records() -> None:
    straight = run_process(_spec(SCRIPT), _fs(), horizon=1000.0)
    r = ProcessRunner(_spec(SCRIPT), _fs())
    for h in (1.0, 5.0, 12.0, 33.0, 1000.0):
        run = r.advance(h)
    assert [(e.at, e.kind, e.data) for e in run.effects] == [(e.at, e.kind, e.data) for e in straight.effects]
    assert (run.exit_code, run.exit_at) == (straight.exit_code, straight.exit_at)


def test_the_step_limit_counts_between_waits_not_over_a_long_life() -> None:
    r = ProcessRunner(_spec("while true; do sleep 1; done"), _fs())
    horizon = 0.0
    for _ in range(10):
        horizon += 60_000.0  # 600,000 loop iterations in all, far above the 200,000-step limit
        run = r.advance(horizon)
    assert run.exit_code is None and not any(e.kind == "err" for e in run.effects)
    # a loop that never sleeps is still stopped
    busy = ProcessRunner(_spec("while true; do :; done"), _fs()).advance(10.0)
    assert busy.exit_code == run_process(_spec("while true; do :; done"), _fs(), 10.0).exit_code == 124


def test_a_network_command_waits_for_virtual_time() -> None:
    now = [100.0]
    calls: list[float] = []

    def resolver(name: str) -> str | None:
        calls.append(now[0])
        return "10.96.0.20" if now[0] >= 130.0 else None

    spec = _spec("until nslookup late; do sleep 2; done; echo found", start=100.0, resolver=resolver)
    spec.present = lambda: now[0]
    r = ProcessRunner(spec, _fs())
    run = r.advance(3600.0)
    # the run that starts the container asks nothing yet (the pod has no IP before its status is written)
    assert run.suspended and run.horizon == 0.0 and calls == []
    while run.exit_code is None:
        now[0] = 100.0 + run.horizon
        run = r.advance(3600.0)
    # every lookup answered from the cluster as it was at that instant, each looked up once
    assert calls == [100.0 + 2 * i for i in range(16)]
    assert run.exit_at == 30.0 and _out(run.effects)[-1] == (30.0, b"found\n")


def test_close_unwinds_a_paused_process() -> None:
    r = ProcessRunner(_spec("sleep 3600"), _fs())
    run = r.advance(10.0)
    g = r._g
    assert isinstance(g, greenlet.greenlet) and not g.dead and run.horizon == 3600.0
    r.close()
    assert g.dead and r.done
    assert ProcessRunner(_spec("sleep infinity"), _fs()).advance(10.0).horizon >= FOREVER


def test_snapshot_is_private_and_shares_the_clock() -> None:
    class Clock:
        def __init__(self) -> None:
            self.lock = greenlet.getcurrent()  # something copy.deepcopy cannot copy

        def now(self) -> float:
            return 5.0

    clock = Clock()
    vol = VFS(clock.now)
    vol.makedirs("/a")
    vol.write("/a/f", b"x")
    snap = snapshot_fs(vol)
    snap.write("/a/f", b"changed")
    snap.write("/new", b"n")
    assert vol.read("/a/f") == b"x" and not vol.exists("/new")
    assert snap.read("/a/f") == b"changed" and snap._clock == clock.now


def test_polling_pod_finds_a_service_created_an_hour_later() -> None:
    c = Cluster()
    k = Kubectl(c)
    k.run(
        [
            "run",
            "w",
            "--image=busybox:1.28",
            "--restart=Never",
            "--",
            "sh",
            "-c",
            "until nslookup late; do sleep 2; done; echo found",
        ]
    )
    c.advance(3700)
    k.run(["create", "service", "clusterip", "late", "--tcp=80:80"])
    c.advance(5)
    assert k.run(["logs", "w"]).stdout.endswith("found\n")
    assert k.run(["get", "pod", "w", "--no-headers"]).stdout.split()[2] == "Completed"
