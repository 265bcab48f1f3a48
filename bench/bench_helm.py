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


if __name__ == "__main__":
    main()
