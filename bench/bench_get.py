"""Built-in `kubectl get pods` on 10,000 pods, in-process (budget: <= 150 ms)."""

from __future__ import annotations

import statistics
import time

from k8stutor.engine.cluster import Cluster
from k8stutor.kubectl.main import Kubectl


def main(n: int = 10_000) -> None:
    c = Cluster()
    tmpl = {"apiVersion": "v1", "kind": "Pod", "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}
    t = time.perf_counter()
    for i in range(n):
        obj = dict(tmpl, metadata={"name": f"web-{i:05d}", "labels": {"app": "web"}})
        c.api.create(obj)
    print(f"setup: created {n} pods through the API in {time.perf_counter() - t:.2f}s")
    k = Kubectl(c)
    for argv in (["get", "pods"], ["get", "pods", "-o", "wide"], ["get", "pods", "-l", "app=web"],
                 ["get", "pods", "-o", "name"]):
        times = []
        for _ in range(5):
            t = time.perf_counter()
            r = k.run(argv)
            times.append(time.perf_counter() - t)
        assert r.exit_code == 0
        print(f"kubectl {' '.join(argv)}: median {statistics.median(times) * 1000:.0f} ms "
              f"(min {min(times) * 1000:.0f} ms, {len(r.stdout.splitlines())} lines)")


if __name__ == "__main__":
    main()
