"""Network budgets: Service resolve + backend choice <= 20 us; iptables rules for 1,000 Services x 10
endpoints <= 1 s; one full packet trace <= 5 ms."""

from __future__ import annotations

import time

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.network.kubeproxy import iptables_save, proxy_of
from k8stutor.engine.network.trace import pod_endpoint, trace


def _load(c: Cluster, services: int, endpoints: int) -> None:
    api = c.api
    for s in range(services):
        svc = api.create(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": f"s{s}", "namespace": "default"},
                "spec": {"ports": [{"port": 80, "protocol": "TCP", "targetPort": 8080}]},
            },
            validate_schema=False,
        )
        eps = [
            {
                "addresses": [
                    f"10.244.{1 + (s * endpoints + e) // 250 % 200}.{2 + (s * endpoints + e) % 250}"
                ],
                "conditions": {"ready": True},
                "nodeName": "k8s-node01",
            }
            for e in range(endpoints)
        ]
        api.create(
            {
                "apiVersion": "discovery.k8s.io/v1",
                "kind": "EndpointSlice",
                "metadata": {
                    "name": f"s{s}-x",
                    "namespace": "default",
                    "labels": {"kubernetes.io/service-name": f"s{s}"},
                    "ownerReferences": [
                        {
                            "apiVersion": "v1",
                            "kind": "Service",
                            "name": f"s{s}",
                            "uid": svc["metadata"]["uid"],
                        }
                    ],
                },
                "addressType": "IPv4",
                "endpoints": eps,
                "ports": [{"name": "", "port": 8080, "protocol": "TCP"}],
            },
            validate_schema=False,
        )


def main() -> None:
    """Print the three measurements."""
    c = Cluster()
    _load(c, 1000, 10)
    kp = proxy_of(c)
    t0 = time.perf_counter()
    text = iptables_save(c, "k8s-node01", "nat")
    t1 = time.perf_counter()
    print(
        f"iptables-save nat, 1000 services x 10 endpoints: {(t1 - t0) * 1000:.0f} ms ({len(text.splitlines())} lines)"
    )
    ip = c.api.peek("services", "s500", "default")["spec"]["clusterIP"]
    n = 20000
    t0 = time.perf_counter()
    for _ in range(n):
        sp = kp.table.lookup(ip, 80, "TCP")
        kp.choose("k8s-node01", sp, "10.244.1.9")  # type: ignore[arg-type]
    t1 = time.perf_counter()
    print(f"resolve + choose backend: {(t1 - t0) / n * 1e6:.2f} us")
    coredns = next(
        p for p in c.api.list_objects("pods", "kube-system") if p["metadata"]["name"].startswith("coredns")
    )
    src = pod_endpoint(c, "kube-system", coredns["metadata"]["name"])
    m = 200
    t0 = time.perf_counter()
    for _ in range(m):
        trace(c, src, ip, 80)
    t1 = time.perf_counter()
    print(f"full packet trace: {(t1 - t0) / m * 1000:.3f} ms")


if __name__ == "__main__":
    main()
