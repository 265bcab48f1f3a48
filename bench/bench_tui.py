"""TUI budgets: first frame <= 400 ms; key press to frame p95 <= 17 ms and prompt command to output <= 100 ms
with 10,000 pods; a cluster change reaches the panes within 100 ms; memory with 10,000 pods <= 1 GB.

Runs the app headless (Textual's test driver) at 140x45. Usage: python bench/bench_tui.py [PODS]
"""

from __future__ import annotations

import asyncio
import os
import resource
import statistics
import sys
import tempfile
import time


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def add_pods(cluster, n: int) -> None:
    """n bare pods bound round-robin to the workers (the API path, like kubectl create)."""
    nodes = [
        x["metadata"]["name"]
        for x in cluster.api.list_objects("nodes")
        if "node-role.kubernetes.io/control-plane" not in x["metadata"].get("labels", {})
    ]
    for i in range(n):
        cluster.api.create(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": f"bench-{i:05d}", "namespace": "default", "labels": {"app": "bench"}},
                "spec": {
                    "nodeName": nodes[i % len(nodes)],
                    "containers": [{"name": "c", "image": "nginx", "resources": {"requests": {"cpu": "1m"}}}],
                },
            }
        )
    cluster.settle()


LAUNCH = r"""
import sys, tempfile, time
from k8stutor.tui.app import make_app

start = sys.argv[1]
app = make_app(start=start, paused=True, autosave=False, history=False, cwd=tempfile.mkdtemp())


async def pilot_then_quit(pilot):
    if start == "sandbox":
        while not app.workspace_at:
            await pilot.pause(0.01)
    else:
        await pilot.pause()
    app.exit()


app.run(headless=True, size=(140, 45), auto_pilot=pilot_then_quit)
print(app.first_frame_at, app.workspace_at)
"""


def first_frame(start: str) -> tuple[float, float]:
    """(launch -> first frame, launch -> workspace frame) in seconds, in a fresh interpreter (cold imports)."""
    import subprocess

    t0 = time.time()
    out = subprocess.run(
        [sys.executable, "-c", LAUNCH, start], capture_output=True, text=True, check=True
    ).stdout.split()
    first, workspace = float(out[-2]), float(out[-1])
    return first - t0, (workspace - t0 if workspace else 0.0)


async def with_pods(n: int) -> dict[str, float]:
    from textual.widgets import TabbedContent

    from k8stutor.tui.app import make_app
    from k8stutor.tui.widgets.prompt import Prompt
    from k8stutor.tui.widgets.rowlist import RowList

    app = make_app(start="sandbox", paused=True, autosave=False, history=False, cwd=tempfile.mkdtemp())
    out: dict[str, float] = {}
    async with app.run_test(size=(140, 45)) as pilot:
        while not app.workspace_at:  # the loading screen comes first; the cluster is built after it
            await pilot.pause(0.01)
        await pilot.pause()
        ws = app.screen
        t = time.perf_counter()
        add_pods(app.session.cluster, n)
        out["create_pods_s"] = time.perf_counter() - t
        ws.query_one(TabbedContent).active = "tab-workloads"
        await pilot.pause()
        refresh, tick = [], []
        for i in range(5):
            # A write to a pod makes the pane rebuild its rows (it cannot know which rows a write touches).
            app.session.cluster.api.create(
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {"name": f"bench-extra-{i}", "namespace": "default"},
                    "spec": {"containers": [{"name": "c", "image": "nginx"}]},
                }
            )
            t = time.perf_counter()
            ws.refresh_panes(force=True)
            refresh.append(time.perf_counter() - t)
            # Only time moved: the rows stand and the visible ones re-render their AGE.
            t = time.perf_counter()
            ws.refresh_panes(force=True)
            tick.append(time.perf_counter() - t)
        out["workloads_refresh_ms"] = statistics.median(refresh) * 1000
        out["workloads_time_only_ms"] = statistics.median(tick) * 1000
        ws.query_one(TabbedContent).active = "tab-cluster"
        await pilot.pause()
        t = time.perf_counter()
        ws.refresh_panes(force=True)
        out["cluster_refresh_ms"] = (time.perf_counter() - t) * 1000
        ws.query_one(TabbedContent).active = "tab-workloads"
        await pilot.pause()
        rows = ws.query_one("#wl-rows", RowList)
        rows.focus()
        await pilot.pause()
        keys = []
        for i in range(300):
            # Pilot.press sleeps while it waits for idle, so wall time says nothing; the CPU time the app
            # spends on the press (handler, layout, render of the frame) is the key-to-frame cost.
            t = time.process_time()
            await pilot.press("pagedown" if i % 10 == 0 else "down")
            keys.append(time.process_time() - t)
        out["scroll_key_p50_ms"] = _pct(keys, 50) * 1000
        out["scroll_key_p95_ms"] = _pct(keys, 95) * 1000
        prompt = ws.query_one(Prompt)
        prompt.focus()
        await pilot.pause()
        keys = []
        for ch in "kubectl get pods bench-00001" * 4:
            t = time.process_time()
            await pilot.press(ch if ch != " " else "space")
            keys.append(time.process_time() - t)
        out["type_key_p95_ms"] = _pct(keys, 95) * 1000
        for name, line in (
            ("cmd_get_one_pod_ms", "kubectl get pod bench-00042"),
            ("cmd_create_ns_ms", "kubectl create namespace bench-ns"),
            ("cmd_label_pod_ms", "kubectl label pod bench-00007 tier=web"),
        ):
            t = time.perf_counter()
            res = ws.run_line(line)
            out[name] = (time.perf_counter() - t) * 1000
            assert res.exit_code == 0, res.stderr
        t = time.perf_counter()
        ws.run_line("kubectl get pods")
        out["cmd_get_all_pods_ms"] = (time.perf_counter() - t) * 1000
    out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    os.environ.setdefault("K8STUTOR_DATA_DIR", tempfile.mkdtemp())
    for start in ("welcome", "sandbox"):
        runs = [first_frame(start) for _ in range(3)]
        ff = statistics.median(r[0] for r in runs)
        print(
            f"k8stutor {start}: launch to first frame (headless, fresh process): {ff * 1000:.0f} ms  (budget 400 ms)"
        )
        if start == "sandbox":
            ws = statistics.median(r[1] for r in runs)
            print(f"k8stutor sandbox: launch to the workspace (cluster built): {ws * 1000:.0f} ms")
    res = asyncio.run(with_pods(n))
    print(f"with {n} pods:")
    for k, v in res.items():
        print(f"  {k:24s} {v:10.1f}")
    print(
        "budgets: key p95 <= 17 ms; prompt command <= 100 ms; change to pane <= 100 ms (tick 100 ms + refresh, "
        "throttled to 4x refresh cost); memory <= 1024 MB"
    )


if __name__ == "__main__":
    main()
