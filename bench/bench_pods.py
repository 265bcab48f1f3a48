"""Benchmark: from creating N pods to all Running with events written, on the scale-1000 preset.

Usage: python bench/bench_pods.py [--pods 10000] [--preset scale-1000]
If no scheduler is registered, a trivial round-robin binder stands in (reported as such).
"""

from __future__ import annotations

import argparse
import copy
import gc
import time

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.kubelet import install


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pods", type=int, default=10000)
    ap.add_argument("--preset", default="scale-1000")
    args = ap.parse_args()
    t0 = time.perf_counter()
    c = Cluster(args.preset)
    install(c)
    # As the hosts do after bootstrap: the bootstrap objects live for the whole session, so the cyclic GC
    # need not scan them on every collection.
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
    start = time.perf_counter()
    v0 = c.now()
    for i in range(args.pods):
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
        running = sum(
            1
            for p in c.api.list_objects("pods", "default")
            if (p.get("status") or {}).get("phase") == "Running"
        )
        if running >= args.pods or c.now() - v0 > 600:
            break
    wall = time.perf_counter() - start
    events = c.store.count("events")
    print(f"preset={args.preset} pods={args.pods} binder={'scheduler' if has_scheduler else 'round-robin'}")
    print(f"cluster build+kubelet install: {t_boot:.2f}s")
    print(f"create+bind: {t_create:.2f}s ({args.pods / t_create:.0f} pods/s)")
    print(
        f"all Running after {c.now() - v0:.0f}s virtual, {wall:.2f}s wall: {args.pods / wall:.0f} pods/s; "
        f"running={running} events={events}"
    )


if __name__ == "__main__":
    main()
