"""Budget: a 1,000-replica Deployment rolling update (maxSurge 25%, maxUnavailable 25%) on the scale-1000
preset completes in <= 2 s of wall time.

There is no kubelet in this measurement: ``tests/fake_kubelet.py`` binds each new pod to a node and reports
it Running and Ready one virtual second after creation, and finalizes terminating pods at once. The timed
part is the rolling update only (template change -> every pod replaced, Deployment complete).

Run: ``.venv/bin/python bench/bench_rollout.py``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import fake_kubelet  # noqa: E402

from k8stutor.engine.cluster import Cluster  # noqa: E402
from k8stutor.engine.controllers import deployment, replicaset  # noqa: E402

BUDGET_SECONDS = 2.0
REPLICAS = 1000


def _deployment(image: str) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"}},
        "spec": {
            "replicas": REPLICAS,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
            },
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": image}]},
            },
        },
    }


def complete(c: Cluster) -> bool:
    d = c.api.peek("deployments.apps", "web", "default")
    st = (d or {}).get("status") or {}
    return (
        st.get("observedGeneration") == d["metadata"]["generation"]  # type: ignore[index]
        and st.get("updatedReplicas") == REPLICAS
        and st.get("replicas") == REPLICAS
        and st.get("availableReplicas") == REPLICAS
    )


def run() -> tuple[float, float]:
    """Returns (wall seconds of the rolling update, virtual seconds it took)."""
    c = Cluster("scale-1000")
    replicaset.install(c)
    deployment.install(c)
    fake_kubelet.install(c, start_delay=1.0)
    c.api.create(_deployment("nginx:1.14.2"))
    c.settle()
    while not complete(c):
        c.clock.step()
        c.settle()
    d = c.api.get("deployments.apps", "web", "default")
    d["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.16.1"
    t0 = time.perf_counter()
    v0 = c.now()
    c.api.update(d)
    c.settle()
    while not complete(c):
        if not c.clock.step():
            raise RuntimeError("rollout stalled")
        c.settle()
    wall = time.perf_counter() - t0
    return wall, c.now() - v0


def main() -> int:
    wall, virtual = run()
    ok = wall <= BUDGET_SECONDS
    print(
        f"rolling update of {REPLICAS} replicas (25%/25%, fake kubelet): {wall:.2f} s wall, "
        f"{virtual:.0f} s virtual -> {'OK' if ok else 'OVER BUDGET'} (budget {BUDGET_SECONDS:.1f} s)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
