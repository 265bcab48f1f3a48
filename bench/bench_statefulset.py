"""Budget: a 100-member StatefulSet (OrderedReady) scales up in order in <= 1 s of wall time (fake kubelet)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fake_kubelet_k import install as install_kubelet  # noqa: E402

from k8stutor.engine.cluster import Cluster  # noqa: E402
from k8stutor.engine.controllers import statefulset  # noqa: E402


def main() -> int:
    """Create web (replicas 100), settle, report wall time; exit 1 over budget or if not all ready."""
    c = Cluster()
    statefulset.install(c)
    install_kubelet(c)
    t0 = time.perf_counter()
    c.api.create(
        {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": {"name": "web"},
            "spec": {
                "serviceName": "nginx",
                "replicas": 100,
                "selector": {"matchLabels": {"app": "nginx"}},
                "template": {
                    "metadata": {"labels": {"app": "nginx"}},
                    "spec": {"containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24"}]},
                },
                "volumeClaimTemplates": [
                    {
                        "metadata": {"name": "www"},
                        "spec": {
                            "accessModes": ["ReadWriteOnce"],
                            "resources": {"requests": {"storage": "1Gi"}},
                        },
                    }
                ],
            },
        }
    )
    c.settle()
    wall = time.perf_counter() - t0
    ready = c.api.get("statefulsets.apps", "web")["status"].get("readyReplicas", 0)
    print(f"statefulset 100 ordered scale-up: {wall:.3f} s wall, readyReplicas={ready} (budget 1.0 s)")
    return 0 if wall <= 1.0 and ready == 100 else 1


if __name__ == "__main__":
    raise SystemExit(main())
