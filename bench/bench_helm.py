"""`helm template` in-process: the starter chart (budget <= 30 ms) and prometheus with 4 subcharts (<= 1 s)."""

from __future__ import annotations

import os
import statistics
import time

from k8stutor.helm.commands import Helm

DATA = os.path.join(os.path.dirname(__file__), "..", "tests", "data", "helm")


def main() -> None:
    h = Helm(cwd=DATA, seed=1)
    for chart, budget in (("starter", 0.030), ("prometheus", 1.0)):
        argv = ["template", "rel", "./" + chart, "-n", "demo"]
        first = time.perf_counter()
        r = h.run(argv)
        first = time.perf_counter() - first
        assert r.exit_code == 0, r.stderr
        times = []
        for _ in range(5):
            t = time.perf_counter()
            r = h.run(argv)
            times.append(time.perf_counter() - t)
        med = statistics.median(times)
        verdict = "ok" if med <= budget else "OVER BUDGET"
        print(
            f"helm template {chart}: first {first * 1000:.0f} ms, median {med * 1000:.0f} ms "
            f"(budget {budget * 1000:.0f} ms, {len(r.stdout.splitlines())} lines) {verdict}"
        )



def bench_releases() -> None:
    """install/upgrade/rollback/list/uninstall of the starter chart against a fresh cluster (no budget set)."""
    from k8stutor.engine.cluster import Cluster

    c = Cluster()
    h = Helm(c, cwd=DATA, seed=1)
    steps = [
        ["install", "web", "./starter", "--set", "image.tag=1.27"],
        ["upgrade", "web", "./starter", "--set", "image.tag=1.26"],
        ["rollback", "web", "1"],
        ["list", "-A"],
        ["history", "web"],
        ["uninstall", "web"],
    ]
    for argv in steps:
        t = time.perf_counter()
        r = h.run(argv)
        dt = time.perf_counter() - t
        assert r.exit_code == 0, r.stderr
        print(f"helm {' '.join(argv[:2])}: {dt * 1000:.0f} ms")


if __name__ == "__main__":
    main()
    bench_releases()
