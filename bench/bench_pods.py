"""Benchmark: from creating N pods to all Running with events written, on a scale preset.

Usage:
  python bench/bench_pods.py [--pods 10000] [--preset scale-1000]   # the issue's budget case (< 60 s)
  python bench/bench_pods.py --nodes 100 --pods 1000                # any worker count (scale-N preset)
  python bench/bench_pods.py --matrix                               # 1,000/5,000 pods on 100/1,000/5,000 nodes
  python bench/bench_pods.py --profile /tmp/p.out                   # cProfile of the timed part only

The timed part runs from the first ``create`` to the moment every pod is Running (scheduled, sandbox, image
pulled, container started, status and the Scheduled/Pulling/Pulled/Created/Started events written).
If no scheduler is registered, a trivial round-robin binder stands in (reported as such).
"""

from __future__ import annotations

import argparse
import copy
import gc
import time
from typing import Any

from k8stutor.engine import presets
from k8stutor.engine.cluster import Cluster


def _preset_for(nodes: int | None, preset: str) -> str:
    """The preset name; ``--nodes N`` registers a ``scale-N`` preset (N workers + one control plane)."""
    if nodes is None:
        return preset
    name = f"scale-{nodes}"
    if name not in presets.PRESETS:
        presets.PRESETS[name] = lambda: presets._scale(nodes)
    return name


def run(preset: str, pods: int, profile: str | None = None, gc_off: bool = False) -> dict[str, Any]:
    """Build the cluster, create ``pods`` pods and advance virtual time until all are Running."""
    t0 = time.perf_counter()
    c = Cluster(preset)
    # As the hosts do after bootstrap: the bootstrap objects live for the whole session, so the cyclic GC
    # need not scan them on every collection.
    gc.collect()
    gc.freeze()
    t_boot = time.perf_counter() - t0
    workers = [
        n["metadata"]["name"]
        for n in c.api.list_objects("nodes")
        if "node-role.kubernetes.io/control-plane" not in n["metadata"].get("labels", {})
    ]
    has_scheduler = any(getattr(x, "name", "") in ("scheduler", "default-scheduler") for x in c.controllers)
    template = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"labels": {"app": "bench"}},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
    }
    prof = None
    if profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    gc_time = [0.0, 0.0]

    def gc_timer(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_time[1] = time.process_time()
        else:
            gc_time[0] += time.process_time() - gc_time[1]

    gc.callbacks.append(gc_timer)
    if gc_off:
        gc.disable()
    start, cpu0 = time.perf_counter(), time.process_time()
    v0 = c.now()
    for i in range(pods):
        p = copy.deepcopy(template)
        p["metadata"]["name"] = f"bench-{i:05d}"
        c.api.create(p, "default")
        if not has_scheduler:
            c.api.bind("default", p["metadata"]["name"], workers[i % len(workers)])
    t_create = time.perf_counter() - start
    c.settle()
    running = 0
    while True:
        c.advance(1.0)
        # The harness's own check, kept cheap (no sorted listing): every bench pod is in "default".
        running = sum(
            1
            for p in c.store.values("pods")
            if p["metadata"].get("namespace") == "default"
            and (p.get("status") or {}).get("phase") == "Running"
        )
        if running >= pods or c.now() - v0 > 600:
            break
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu0
    gc.callbacks.remove(gc_timer)
    gc.enable()
    if prof is not None and profile:
        prof.disable()
        prof.dump_stats(profile)
    gc.unfreeze()
    return {
        "preset": preset,
        "nodes": len(workers),
        "pods": pods,
        "binder": "scheduler" if has_scheduler else "round-robin",
        "boot": t_boot,
        "create": t_create,
        "wall": wall,
        "cpu": cpu,
        "gc": gc_time[0],
        "virtual": c.now() - v0,
        "running": running,
        "events": c.store.count("events"),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pods", type=int, default=10000)
    ap.add_argument("--preset", default="scale-1000")
    ap.add_argument("--nodes", type=int, default=None, help="workers (a scale-N preset); overrides --preset")
    ap.add_argument("--matrix", action="store_true", help="1,000/5,000 pods on 100/1,000/5,000 nodes")
    ap.add_argument("--profile", default=None, help="write a cProfile of the timed part to this file")
    ap.add_argument("--gc-off", action="store_true", help="diagnostic: no cyclic GC in the timed part")
    args = ap.parse_args()
    if args.matrix:
        print(
            f"{'nodes':>6} {'pods':>6} {'boot s':>7} {'wall s':>7} {'cpu s':>7} {'gc s':>6} {'pods/s':>7} {'events':>7}"
        )
        for nodes in (100, 1000, 5000):
            for pods in (1000, 5000):
                r = run(_preset_for(nodes, args.preset), pods)
                print(
                    f"{r['nodes']:>6} {pods:>6} {r['boot']:>7.2f} {r['wall']:>7.2f} {r['cpu']:>7.2f} {r['gc']:>6.2f} "
                    f"{pods / r['wall']:>7.0f} {r['events']:>7}",
                    flush=True,
                )
        return
    r = run(_preset_for(args.nodes, args.preset), args.pods, args.profile, args.gc_off)
    print(f"preset={r['preset']} pods={r['pods']} binder={r['binder']}")
    print(f"cluster build+kubelet install: {r['boot']:.2f}s")
    print(f"create+bind: {r['create']:.2f}s ({r['pods'] / r['create']:.0f} pods/s)")
    print(
        f"all Running after {r['virtual']:.0f}s virtual, {r['wall']:.2f}s wall: {r['pods'] / r['wall']:.0f} "
        f"pods/s; running={r['running']} events={r['events']}"
    )
    print(f"timed part: {r['cpu']:.2f}s CPU, of which {r['gc']:.2f}s in the cyclic garbage collector")


if __name__ == "__main__":
    main()
