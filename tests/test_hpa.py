"""HPA controller (the replica calculator, stabilization, events) and ``kubectl autoscale``."""

from __future__ import annotations

from fake_kubelet_k import install as install_kubelet

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.controllers import hpa, statefulset
from k8stutor.engine.controllers.hpa import format_milli, parse_quantity, v2_spec
from k8stutor.kubectl.commands.autoscale import autoscale_command, new_hpa
from k8stutor.kubectl.main import Kubectl


def _setup() -> tuple[Cluster, dict]:
    c = Cluster()
    load = {"m": 0.0}
    hpa.install(c)
    statefulset.install(c)
    install_kubelet(c)
    c.api.create(
        {
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": {"name": "php-apache"},
            "spec": {
                "replicas": 1,
                "serviceName": "php-apache",
                "podManagementPolicy": "Parallel",
                "selector": {"matchLabels": {"run": "php-apache"}},
                "template": {
                    "metadata": {"labels": {"run": "php-apache"}},
                    "spec": {
                        "containers": [
                            {
                                "name": "php-apache",
                                "image": "registry.k8s.io/hpa-example",
                                "resources": {"requests": {"cpu": "200m"}, "limits": {"cpu": "500m"}},
                            }
                        ]
                    },
                },
            },
        }
    )
    c.settle()
    return c, load


def _hpa(c: Cluster) -> None:
    c.api.create(
        {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "php-apache"},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "php-apache"},
                "minReplicas": 1,
                "maxReplicas": 10,
                "metrics": [
                    {
                        "type": "Resource",
                        "resource": {
                            "name": "cpu",
                            "target": {"type": "Utilization", "averageUtilization": 50},
                        },
                    }
                ],
            },
        }
    )
    c.settle()


def _replicas(c: Cluster) -> int:
    return int(c.api.get("statefulsets.apps", "php-apache")["spec"]["replicas"])


def _events(c: Cluster) -> list[tuple[str, str]]:
    return [
        (e["reason"], e["message"])
        for e in c.api.list_objects("events", "default")
        if e["involvedObject"]["kind"] == "HorizontalPodAutoscaler"
    ]


def test_quantities() -> None:
    assert parse_quantity("200m") == 0.2 and parse_quantity("64Mi") == 64 * 2**20 and parse_quantity("1") == 1
    assert format_milli(125) == "125m" and format_milli(2000) == "2" and format_milli(3_000_000) == "3k"


def test_no_metrics_gives_unknown_and_failed_get_resource_metric() -> None:
    c, _ = _setup()
    _hpa(c)
    # Like enqueueHPA, the first pass waits out the 15 s resync period: until then the status is empty.
    assert "currentMetrics" not in c.api.get("horizontalpodautoscalers.autoscaling", "php-apache").get("status", {})
    c.advance(15)
    st = c.api.get("horizontalpodautoscalers.autoscaling", "php-apache")["status"]
    assert st["currentMetrics"] == [{"type": ""}]
    active = [x for x in st["conditions"] if x["type"] == "ScalingActive"][0]
    assert (active["status"], active["reason"]) == ("False", "FailedGetResourceMetric")
    assert _events(c)[0] == (
        "FailedGetResourceMetric",
        "failed to get cpu utilization: unable to get metrics for "
        "resource cpu: no metrics returned from resource metrics API",
    )


def test_scale_up_then_down_after_stabilization() -> None:
    c, load = _setup()
    c.metrics_source = lambda pod: (load["m"] / _replicas(c), 10 * 2**20)  # type: ignore[attr-defined]
    _hpa(c)
    load["m"] = 500.0  # 250 % of one 200m request
    c.advance(15)
    assert _replicas(c) == 5
    st = c.api.get("horizontalpodautoscalers.autoscaling", "php-apache")["status"]
    assert (
        "SuccessfulRescale",
        "New size: 5; reason: cpu resource utilization (percentage of request) above target",
    ) in _events(c)
    c.advance(15)
    st = c.api.get("horizontalpodautoscalers.autoscaling", "php-apache")["status"]
    assert st["currentMetrics"][0]["resource"]["current"] == {
        "averageUtilization": 50,
        "averageValue": "100m",
    }
    load["m"] = 0.0
    c.advance(280)
    assert _replicas(c) == 5  # scale-down stabilization window (300 s)
    c.advance(45)
    assert _replicas(c) == 1
    assert ("SuccessfulRescale", "New size: 1; reason: All metrics below target") in _events(c)


def test_within_tolerance_keeps_size() -> None:
    c, load = _setup()
    c.metrics_source = lambda pod: (load["m"], 0.0)  # type: ignore[attr-defined]
    load["m"] = 108.0  # 54 % vs 50 %: inside the 10 % tolerance
    _hpa(c)
    c.advance(30)
    assert _replicas(c) == 1


def test_v1_spec_conversion() -> None:
    spec = v2_spec(
        {"apiVersion": "autoscaling/v1", "spec": {"maxReplicas": 3, "targetCPUUtilizationPercentage": 50}}
    )
    assert spec["metrics"][0]["resource"]["target"] == {"type": "Utilization", "averageUtilization": 50}
    assert spec["minReplicas"] == 1


def test_kubectl_autoscale_creates_the_hpa() -> None:
    c, _ = _setup()
    k = Kubectl(c)
    k.commands["autoscale"] = autoscale_command()
    r = k.run(["autoscale", "statefulset", "php-apache", "--cpu-percent=50", "--min=1", "--max=10"])
    assert (r.stdout, r.exit_code) == ("horizontalpodautoscaler.autoscaling/php-apache autoscaled\n", 0)
    obj = c.api.get("horizontalpodautoscalers.autoscaling", "php-apache")
    # kubectl 1.32 sends autoscaling/v1; the server stores (and `get` shows) the autoscaling/v2 form
    assert obj["apiVersion"] == "autoscaling/v2"
    assert obj["spec"] == {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "php-apache"},
        "minReplicas": 1,
        "maxReplicas": 10,
        "metrics": [
            {
                "type": "Resource",
                "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}},
            }
        ],
    }
    v1 = new_hpa("php-apache", c.api.get("statefulsets.apps", "php-apache"), 1, 10, 50)
    assert v1["apiVersion"] == "autoscaling/v1" and v1["spec"]["targetCPUUtilizationPercentage"] == 50
    r = k.run(["autoscale", "statefulset/php-apache", "--max=0"])
    assert r.exit_code == 1 and "--max=MAXPODS is required and must be at least 1, max: 0" in r.stderr
