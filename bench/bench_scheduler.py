"""Scheduling throughput: pods per second of wall time at 1,000 and 5,000 nodes for a few pod counts.

The scheduler is installed, the pods are created (API admission is not timed, the pods only queue), then
the time to schedule and bind every pod (with its ``Scheduled`` event) is measured. Run:
``.venv/bin/python bench/bench_scheduler.py [--quick]``.
"""

from __future__ import annotations

import gc
import sys
import time

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.scheduler.scheduler import install


def _pod(i: int) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": f"bench-{i:05d}", "namespace": "default", "labels": {"app": "bench"}},
        "spec": {
            "containers": [
                {
                    "name": "app",
                    "image": "nginx:1.27",
                    "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
                }
            ]
        },
    }


def run(preset: str, pods: int) -> tuple[float, float, int, int]:
    """Returns (wall seconds, CPU seconds, pods scheduled, nodes)."""
    c = Cluster(preset)
    # Scheduling alone: leave out the node agents so that only the scheduler reacts to the pods.
    c.controllers = [x for x in c.controllers if x.name != "kubelet"]
    s = install(c)
    for i in range(pods):
        c.api.create(_pod(i))
    # The cluster's objects are long-lived: keep the cyclic GC from rescanning them (a host can do the same
    # after bootstrap). Without this, full collections add 20-60 % at these sizes.
    gc.collect()
    gc.freeze()
    t0, p0 = time.perf_counter(), time.process_time()
    c.settle()
    dt, dp = time.perf_counter() - t0, time.process_time() - p0
    gc.unfreeze()
    bound = sum(1 for p in c.api.list_objects("pods", "default") if p["spec"].get("nodeName"))
    return dt, dp, bound, len(s.node_list)


def main() -> None:
    quick = "--quick" in sys.argv
    cases = (
        [("scale-1000", 2000), ("scale-5000", 2000)]
        if quick
        else [("scale-1000", 1000), ("scale-1000", 10000), ("scale-5000", 1000), ("scale-5000", 10000)]
    )
    # Wall time is what a learner waits; CPU time is steadier on a busy machine.
    print(
        f"{'preset':<12} {'nodes':>6} {'pods':>6} {'wall s':>7} {'pods/s':>7} {'cpu s':>7} {'pods/cpu-s':>10}"
    )
    for preset, n in cases:
        dt, dp, bound, nodes = run(preset, n)
        print(
            f"{preset:<12} {nodes:>6} {bound:>6} {dt:>7.2f} {bound / dt:>7.0f} {dp:>7.2f} {bound / dp:>10.0f}"
        )


if __name__ == "__main__":
    main()
