"""Server-side Table printing: columns and cells as kube-apiserver 1.32 printers.go builds them (FIDELITY §1.2-1.4)."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from typing import Any

import pytest

from k8stutor.engine.printers import build_table, column_definitions
from k8stutor.engine.registry import Registry
from k8stutor.engine.timeutil import EPOCH, rfc3339

REG = Registry()
NOW = EPOCH + 100 * 86400.0


def rt(name: str):  # noqa: ANN201
    r = REG.resolve(name)
    assert r is not None, name
    return r


def ts(ago: float) -> str:
    return rfc3339(NOW - ago)


def meta(name: str, age: float = 60, **extra: Any) -> dict[str, Any]:
    return {"name": name, "namespace": "default", "creationTimestamp": ts(age), **extra}


def cells(res: str, obj: dict[str, Any]) -> list[Any]:
    return build_table(rt(res), [obj], NOW)["rows"][0]["cells"]


def header(res: str) -> list[tuple[str, str, str, int]]:
    return [(c["name"], c["type"], c["format"], c["priority"]) for c in column_definitions(rt(res))]


# ----------------------------------------------------------------------------------------------- columns


@pytest.mark.parametrize(
    ("res", "names", "wide"),
    [
        ("pods", "Name Ready Status Restarts Age", "IP|Node|Nominated Node|Readiness Gates"),
        ("rc", "Name Desired Current Ready Age", "Containers|Images|Selector"),
        ("rs", "Name Desired Current Ready Age", "Containers|Images|Selector"),
        ("deploy", "Name Ready Up-to-date Available Age", "Containers|Images|Selector"),
        ("sts", "Name Ready Age", "Containers|Images"),
        (
            "ds",
            "Name Desired Current Ready Up-to-date Available Node_Selector Age",
            "Containers|Images|Selector",
        ),
        ("jobs", "Name Status Completions Duration Age", "Containers|Images|Selector"),
        ("cj", "Name Schedule Timezone Suspend Active Last_Schedule Age", "Containers|Images|Selector"),
        ("svc", "Name Type Cluster-IP External-IP Port(s) Age", "Selector"),
        ("ep", "Name Endpoints Age", ""),
        ("endpointslices", "Name AddressType Ports Endpoints Age", ""),
        ("ing", "Name Class Hosts Address Ports Age", ""),
        ("ingressclasses", "Name Controller Parameters Age", ""),
        ("cm", "Name Data Age", ""),
        ("secrets", "Name Type Data Age", ""),
        ("sa", "Name Secrets Age", ""),
        ("ns", "Name Status Age", ""),
        (
            "nodes",
            "Name Status Roles Age Version",
            "Internal-IP|External-IP|OS-Image|Kernel-Version|Container-Runtime",
        ),
        (
            "pv",
            "Name Capacity Access_Modes Reclaim_Policy Status Claim StorageClass VolumeAttributesClass Reason Age",
            "VolumeMode",
        ),
        (
            "pvc",
            "Name Status Volume Capacity Access_Modes StorageClass VolumeAttributesClass Age",
            "VolumeMode",
        ),
        ("sc", "Name Provisioner ReclaimPolicy VolumeBindingMode AllowVolumeExpansion Age", ""),
        ("hpa", "Name Reference Targets MinPods MaxPods Replicas Age", ""),
        ("rolebindings", "Name Role Age", "Users|Groups|ServiceAccounts"),
        ("clusterrolebindings", "Name Role Age", "Users|Groups|ServiceAccounts"),
        ("roles", "Name Created_At", ""),
        ("clusterroles", "Name Created_At", ""),
        ("pdb", "Name Min_Available Max_Unavailable Allowed_Disruptions Age", ""),
        ("netpol", "Name Pod-Selector Age", ""),
        ("quota", "Name Age Request Limit", ""),
        ("controllerrevisions", "Name Controller Revision Age", ""),
        ("leases", "Name Holder Age", ""),
        ("pc", "Name Value Global-Default Age PreemptionPolicy", ""),
        ("limitranges", "Name Created_At", ""),
        ("crd", "Name Created_At", ""),
    ],
)
def test_column_names_and_priorities(res: str, names: str, wide: str) -> None:
    cols = header(res)
    normal = [c[0] for c in cols if c[3] == 0]
    assert normal == [n.replace("_", " ") for n in names.split()]
    assert [c[0] for c in cols if c[3] > 0] == ([w for w in wide.split("|")] if wide else [])


def test_events_column_order_and_name_column() -> None:
    cols = header("events")
    assert [c[0] for c in cols] == [
        "Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen", "Count", "Name",
    ]  # fmt: skip
    assert [c[0] for c in cols if c[3] == 0] == ["Last Seen", "Type", "Reason", "Object", "Message"]
    assert cols[-1] == ("Name", "string", "name", 1)


def test_name_column_format_and_descriptions() -> None:
    for res in ("pods", "deploy", "svc", "nodes", "roles"):
        defs = column_definitions(rt(res))
        assert defs[0]["format"] == "name" and defs[0]["type"] == "string"
        assert set(defs[0]) == {"name", "type", "format", "description", "priority"}
        assert defs[0]["description"].startswith("Name must be unique within a namespace.")
    pod = column_definitions(rt("pods"))
    assert pod[3]["type"] == "string"  # Restarts is a string column since the "(75s ago)" suffix
    assert pod[1]["description"] == "The aggregate readiness state of this pod for accepting traffic."
    assert column_definitions(rt("roles"))[1] == {
        "name": "Created At",
        "type": "date",
        "format": "",
        "description": column_definitions(rt("pods"))[4]["description"],
        "priority": 0,
    }


# ----------------------------------------------------------------------------------------------- pods


def pod(status: dict[str, Any], spec: dict[str, Any] | None = None, **m: Any) -> dict[str, Any]:
    return {
        "metadata": meta("p", 300, **m),
        "spec": spec or {"containers": [{"name": "a", "image": "nginx"}], "nodeName": "node1"},
        "status": status,
    }


RUNNING = {"running": {"startedAt": ts(200)}}


def cs(name: str = "a", ready: bool = True, state: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
    return {"name": name, "ready": ready, "restartCount": 0, "state": state or RUNNING, **kw}


@pytest.mark.parametrize(
    ("status", "ready", "expected"),
    [
        ({"phase": "Pending"}, "0/1", "Pending"),
        ({"phase": "Pending", "containerStatuses": [cs(ready=False, state={"waiting": {"reason": "ContainerCreating"}})]}, "0/1", "ContainerCreating"),
        ({"phase": "Running", "containerStatuses": [cs()]}, "1/1", "Running"),
        ({"phase": "Running", "containerStatuses": [cs(ready=False, state={"waiting": {"reason": "ImagePullBackOff"}})]}, "0/1", "ImagePullBackOff"),
        ({"phase": "Succeeded", "containerStatuses": [cs(ready=False, state={"terminated": {"exitCode": 0, "reason": "Completed"}})]}, "0/1", "Completed"),
        ({"phase": "Running", "containerStatuses": [cs(ready=False, state={"terminated": {"exitCode": 137, "signal": 9}})]}, "0/1", "Signal:9"),
        ({"phase": "Running", "containerStatuses": [cs(ready=False, state={"terminated": {"exitCode": 2}})]}, "0/1", "ExitCode:2"),
        ({"phase": "Failed", "reason": "Evicted"}, "0/1", "Evicted"),
        ({"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]}, "0/1", "SchedulingGated"),
    ],
)  # fmt: skip
def test_pod_status(status: dict[str, Any], ready: str, expected: str) -> None:
    c = cells("pods", pod(status))
    assert (c[1], c[2]) == (ready, expected)


def test_pod_lowest_index_container_wins_and_completed_with_running_sidecar() -> None:
    spec = {"containers": [{"name": "a"}, {"name": "b"}]}
    st = {
        "phase": "Running",
        "containerStatuses": [cs("a", False, {"waiting": {"reason": "ErrImagePull"}}), cs("b")],
    }
    assert cells("pods", pod(st, spec))[1:3] == ["1/2", "ErrImagePull"]
    st = {
        "phase": "Running",
        "conditions": [{"type": "Ready", "status": "False"}],
        "containerStatuses": [
            cs("a", False, {"terminated": {"exitCode": 0, "reason": "Completed"}}),
            cs("b"),
        ],
    }
    assert cells("pods", pod(st, spec))[2] == "NotReady"
    st["conditions"] = [{"type": "Ready", "status": "True"}]
    assert cells("pods", pod(st, spec))[2] == "Running"


def test_pod_init_containers() -> None:
    spec = {"initContainers": [{"name": "i"}], "containers": [{"name": "a"}]}
    waiting = {
        "phase": "Pending",
        "initContainerStatuses": [cs("i", False, {"waiting": {"reason": "PodInitializing"}})],
    }
    assert cells("pods", pod(waiting, spec))[1:3] == ["0/1", "Init:0/1"]
    crash = {
        "phase": "Pending",
        "initContainerStatuses": [
            cs("i", False, {"waiting": {"reason": "CrashLoopBackOff"}}, restartCount=2)
        ],
    }
    assert cells("pods", pod(crash, spec))[2:4] == ["Init:CrashLoopBackOff", "2"]
    failed = {
        "phase": "Pending",
        "initContainerStatuses": [cs("i", False, {"terminated": {"exitCode": 1, "reason": "Error"}})],
    }
    assert cells("pods", pod(failed, spec))[2] == "Init:Error"
    done = {
        "phase": "Running",
        "initContainerStatuses": [cs("i", False, {"terminated": {"exitCode": 0, "reason": "Completed"}})],
        "containerStatuses": [cs("a", False, {"waiting": {"reason": "PodInitializing"}})],
    }
    assert cells("pods", pod(done, spec))[2] == "PodInitializing"


def test_pod_sidecar_counts_in_ready_total() -> None:
    spec = {"initContainers": [{"name": "side", "restartPolicy": "Always"}], "containers": [{"name": "a"}]}
    st = {
        "phase": "Running",
        "initContainerStatuses": [cs("side", True, started=True, restartCount=1)],
        "containerStatuses": [cs("a")],
    }
    assert cells("pods", pod(st, spec))[1:4] == ["2/2", "Running", "1"]


def test_pod_restarts_with_last_finish_time() -> None:
    last = {"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": ts(75)}}
    st = {
        "phase": "Running",
        "containerStatuses": [
            cs(ready=False, state={"waiting": {"reason": "CrashLoopBackOff"}}, restartCount=3, lastState=last)
        ],
    }
    assert cells("pods", pod(st))[2:4] == ["CrashLoopBackOff", "3 (75s ago)"]
    last2 = {"terminated": {"exitCode": 1, "finishedAt": ts(21 * 60)}}
    st2 = {"phase": "Running", "containerStatuses": [cs(restartCount=2, lastState=last2)]}
    assert cells("pods", pod(st2))[3] == "2 (21m ago)"


def test_pod_terminating_and_unknown() -> None:
    st = {"phase": "Running", "containerStatuses": [cs()]}
    assert cells("pods", pod(st, deletionTimestamp=ts(1)))[2] == "Terminating"
    assert (
        cells("pods", pod({"phase": "Running", "reason": "NodeLost"}, deletionTimestamp=ts(1)))[2]
        == "Unknown"
    )
    assert cells("pods", pod({"phase": "Succeeded"}, deletionTimestamp=ts(1)))[2] == "Succeeded"


def test_pod_wide_cells_and_readiness_gates() -> None:
    spec = {
        "containers": [{"name": "a"}],
        "readinessGates": [{"conditionType": "x/ok"}, {"conditionType": "y"}],
    }
    st = {
        "phase": "Running",
        "podIP": "10.244.1.7",
        "conditions": [{"type": "x/ok", "status": "True"}],
        "containerStatuses": [cs()],
    }
    assert cells("pods", pod(st, spec))[5:] == ["10.244.1.7", "<none>", "<none>", "1/2"]


def test_pod_table_row_conditions_and_object() -> None:
    done = pod({"phase": "Succeeded"})
    table = build_table(rt("pods"), [done, pod({"phase": "Running"})], NOW, resource_version="42")
    assert table["metadata"] == {"resourceVersion": "42"}
    assert table["rows"][0]["conditions"][0]["reason"] == "Succeeded"
    assert "conditions" not in table["rows"][1]
    obj = table["rows"][0]["object"]
    assert obj["kind"] == "PartialObjectMetadata" and obj["apiVersion"] == "meta.k8s.io/v1"
    assert obj["metadata"]["name"] == "p"
    json.dumps(table)  # JSON-serialisable as served


def test_include_object_modes_and_errors() -> None:
    p = pod({"phase": "Running"})
    assert build_table(rt("pods"), [p], NOW, include_object="Object")["rows"][0]["object"] is p
    assert "object" not in build_table(rt("pods"), [p], NOW, include_object=False)["rows"][0]
    assert build_table(rt("pods"), [p], NOW, no_headers=True)["columnDefinitions"] == []
    with pytest.raises(ValueError, match="includeObject"):
        build_table(rt("pods"), [p], NOW, include_object="Everything")


def test_build_table_never_mutates_input() -> None:
    objs = [pod({"phase": "Running", "containerStatuses": [cs()]}), pod({"phase": "Pending"})]
    before = copy.deepcopy(objs)
    table = build_table(rt("pods"), objs, NOW)
    table["columnDefinitions"][0]["name"] = "X"
    assert objs == before
    assert column_definitions(rt("pods"))[0]["name"] == "Name"


# ----------------------------------------------------------------------------------------------- workloads


def tmpl(image: str = "nginx:1.27") -> dict[str, Any]:
    return {"spec": {"containers": [{"name": "nginx", "image": image}, {"name": "side", "image": "busybox"}]}}


def test_deployment_and_replicaset_cells() -> None:
    d = {
        "metadata": meta("web", 1200),
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": tmpl()},
        "status": {"readyReplicas": 1, "updatedReplicas": 2},
    }
    assert cells("deploy", d) == ["web", "1/3", 2, 0, "20m", "nginx,side", "nginx:1.27,busybox", "app=web"]
    rs = {
        "metadata": meta("web-x", 30),
        "spec": {"replicas": 2, "selector": {}, "template": tmpl()},
        "status": {"replicas": 2},
    }
    assert cells("rs", rs)[:5] == ["web-x", 2, 2, 0, "30s"]
    assert cells("rs", rs)[7] == "<none>"


def test_selector_expressions() -> None:
    sel = {
        "matchLabels": {"b": "2"},
        "matchExpressions": [
            {"key": "a", "operator": "In", "values": ["y", "x"]},
            {"key": "c", "operator": "DoesNotExist"},
        ],
    }
    d = {"metadata": meta("d"), "spec": {"selector": sel, "template": tmpl()}, "status": {}}
    assert cells("deploy", d)[7] == "a in (x,y),b=2,!c"


def test_statefulset_daemonset_cells() -> None:
    s = {
        "metadata": meta("db", 7200),
        "spec": {"replicas": 2, "template": tmpl("postgres")},
        "status": {"readyReplicas": 2},
    }
    assert cells("sts", s) == ["db", "2/2", "120m", "nginx,side", "postgres,busybox"]
    ds = {
        "metadata": meta("kube-proxy", 3 * 86400),
        "spec": {
            "selector": {"matchLabels": {"k8s-app": "kube-proxy"}},
            "template": {
                "spec": {
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "containers": [{"name": "kube-proxy", "image": "kp"}],
                }
            },
        },
        "status": {
            "desiredNumberScheduled": 3,
            "currentNumberScheduled": 3,
            "numberReady": 3,
            "updatedNumberScheduled": 3,
            "numberAvailable": 3,
        },
    }
    assert cells("ds", ds) == [
        "kube-proxy",
        3,
        3,
        3,
        3,
        3,
        "kubernetes.io/os=linux",
        "3d",
        "kube-proxy",
        "kp",
        "k8s-app=kube-proxy",
    ]


def job(spec: dict[str, Any], status: dict[str, Any], **m: Any) -> dict[str, Any]:
    return {"metadata": meta("pi", 600, **m), "spec": {"template": tmpl(), **spec}, "status": status}


def test_job_cells() -> None:
    running = job({"completions": 3, "parallelism": 1}, {"succeeded": 1, "startTime": ts(130)})
    assert cells("jobs", running)[1:5] == ["Running", "1/3", "2m10s", "10m"]
    done = job(
        {"completions": 1},
        {
            "succeeded": 1,
            "startTime": ts(500),
            "completionTime": ts(480),
            "conditions": [{"type": "Complete", "status": "True"}],
        },
    )
    assert cells("jobs", done)[1:4] == ["Complete", "1/1", "20s"]
    assert cells("jobs", job({"parallelism": 4}, {}))[1:4] == ["Running", "0/1 of 4", ""]
    failed = job({}, {"conditions": [{"type": "Failed", "status": "True"}]})
    assert cells("jobs", failed)[1] == "Failed"
    assert cells("jobs", job({}, {}, deletionTimestamp=ts(1)))[1] == "Terminating"
    suspended = job({}, {"conditions": [{"type": "Suspended", "status": "True"}]})
    assert cells("jobs", suspended)[1] == "Suspended"


def test_cronjob_cells() -> None:
    cj = {
        "metadata": meta("hello", 3600),
        "spec": {"schedule": "*/1 * * * *", "suspend": False, "jobTemplate": {"spec": {"template": tmpl()}}},
        "status": {"active": [{"name": "hello-1"}], "lastScheduleTime": ts(45)},
    }
    assert cells("cj", cj)[:7] == ["hello", "*/1 * * * *", "<none>", "False", 1, "45s", "60m"]
    cj["spec"].update(timeZone="Etc/UTC", suspend=True)
    del cj["status"]["lastScheduleTime"]
    assert cells("cj", cj)[2:6] == ["Etc/UTC", "True", 1, "<none>"]


def test_hpa_targets() -> None:
    def hpa(
        metrics: list[dict[str, Any]] | None, current: list[dict[str, Any]] | None, min_r: int | None = 1
    ) -> dict[str, Any]:
        spec: dict[str, Any] = {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "maxReplicas": 10}
        if metrics is not None:
            spec["metrics"] = metrics
        if min_r is not None:
            spec["minReplicas"] = min_r
        return {
            "metadata": meta("web"),
            "spec": spec,
            "status": {"currentReplicas": 2, "currentMetrics": current},
        }

    cpu = {
        "type": "Resource",
        "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
    }
    mem = {
        "type": "Resource",
        "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "200Mi"}},
    }
    cur_cpu = {"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 25}}}
    cur_mem = {"type": "Resource", "resource": {"name": "memory", "current": {"averageValue": "120Mi"}}}
    assert cells("hpa", hpa([cpu], [cur_cpu])) == ["web", "Deployment/web", "cpu: 25%/70%", "1", 10, 2, "60s"]
    assert cells("hpa", hpa([cpu], None))[2] == "cpu: <unknown>/70%"
    assert cells("hpa", hpa([cpu, mem], [cur_cpu, cur_mem]))[2] == "cpu: 25%/70%, memory: 120Mi/200Mi"
    assert (
        cells("hpa", hpa([cpu, mem, cpu], []))[2] == "cpu: <unknown>/70%, memory: <unknown>/200Mi + 1 more..."
    )
    assert cells("hpa", hpa([], None, None))[2:4] == ["<none>", "<unset>"]
    pods_metric = {
        "type": "Pods",
        "pods": {"metric": {"name": "qps"}, "target": {"type": "AverageValue", "averageValue": "1k"}},
    }
    assert cells("hpa", hpa([pods_metric], None))[2] == "<unknown>/1k"


# ----------------------------------------------------------------------------------------------- services


def svc(spec: dict[str, Any], status: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"metadata": meta("s", 240), "spec": spec, "status": status or {}}


def test_service_cells() -> None:
    dns = svc(
        {
            "type": "ClusterIP",
            "clusterIPs": ["10.96.0.10"],
            "selector": {"k8s-app": "kube-dns"},
            "ports": [
                {"port": 53, "protocol": "UDP"},
                {"port": 53, "protocol": "TCP"},
                {"port": 9153, "protocol": "TCP"},
            ],
        }
    )
    assert cells("svc", dns) == [
        "s",
        "ClusterIP",
        "10.96.0.10",
        "<none>",
        "53/UDP,53/TCP,9153/TCP",
        "4m",
        "k8s-app=kube-dns",
    ]
    headless = svc({"type": "ClusterIP", "clusterIP": "None", "clusterIPs": ["None"]})
    assert cells("svc", headless)[2:5] == ["None", "<none>", "<none>"]
    lb = svc(
        {
            "type": "LoadBalancer",
            "clusterIPs": ["10.96.3.3"],
            "ports": [{"port": 80, "nodePort": 31000, "protocol": "TCP"}],
        }
    )
    assert cells("svc", lb)[3:5] == ["<pending>", "80:31000/TCP"]
    ingress = [
        {"ip": "203.0.113.20"},
        {"hostname": "a-very-long-hostname.example.com"},
        {"ip": "203.0.113.10"},
    ]
    lb2 = svc({"type": "LoadBalancer", "clusterIPs": ["10.96.3.3"]}, {"loadBalancer": {"ingress": ingress}})
    assert cells("svc", lb2)[3] == "203.0.113.10,203.0.113.20,a-very-long-hostname.example.com"
    ext = svc({"type": "ExternalName", "externalName": "db.example.com"})
    assert cells("svc", ext)[1:4] == ["ExternalName", "<none>", "db.example.com"]
    ips = svc({"type": "NodePort", "clusterIPs": ["10.96.1.1"], "externalIPs": ["1.2.3.4", "5.6.7.8"]})
    assert cells("svc", ips)[3] == "1.2.3.4,5.6.7.8"


def test_endpoints_and_slices() -> None:
    subsets = [{"addresses": [{"ip": f"10.244.1.{i}"} for i in range(1, 5)], "ports": [{"port": 80}]}]
    ep = {"metadata": meta("web"), "subsets": subsets}
    assert cells("ep", ep)[1] == "10.244.1.1:80,10.244.1.2:80,10.244.1.3:80 + 1 more..."
    assert cells("ep", {"metadata": meta("none")})[1] == "<none>"
    headless = {"metadata": meta("h"), "subsets": [{"addresses": [{"ip": "10.244.2.2"}]}]}
    assert cells("ep", headless)[1] == "10.244.2.2"
    sl = {
        "metadata": meta("web-abc"),
        "addressType": "IPv4",
        "ports": [{"port": 80}],
        "endpoints": [{"addresses": ["10.244.1.1"]}],
    }
    assert cells("endpointslices", sl)[1:4] == ["IPv4", "80", "10.244.1.1"]
    empty = {"metadata": meta("e"), "addressType": "IPv4"}
    assert cells("endpointslices", empty)[2:4] == ["<unset>", "<unset>"]


def test_ingress_and_class_cells() -> None:
    ing = {
        "metadata": meta("web"),
        "spec": {
            "ingressClassName": "nginx",
            "rules": [{"host": "a.example.com"}, {"host": "b.example.com"}],
            "tls": [{}],
        },
        "status": {"loadBalancer": {"ingress": [{"ip": "192.168.56.11"}]}},
    }
    assert cells("ing", ing)[1:5] == ["nginx", "a.example.com,b.example.com", "192.168.56.11", "80, 443"]
    bare = {"metadata": meta("x"), "spec": {"rules": [{"http": {}}]}}
    assert cells("ing", bare)[1:5] == ["<none>", "*", "", "80"]
    many = {"metadata": meta("m"), "spec": {"rules": [{"host": f"h{i}"} for i in range(5)]}}
    assert cells("ing", many)[2] == "h0,h1,h2 + 2 more..."
    ic = {
        "metadata": meta("nginx"),
        "spec": {
            "controller": "k8s.io/ingress-nginx",
            "parameters": {"kind": "P", "apiGroup": "k8s.example.com", "name": "p"},
        },
    }
    assert cells("ingressclasses", ic)[1:3] == ["k8s.io/ingress-nginx", "P.k8s.example.com/p"]


# ----------------------------------------------------------------------------------------------- cluster


def test_node_cells() -> None:
    node = {
        "metadata": {
            "name": "controlplane",
            "creationTimestamp": ts(2 * 86400),
            "labels": {
                "node-role.kubernetes.io/control-plane": "",
                "kubernetes.io/role": "master",
                "kubernetes.io/os": "linux",
            },
        },
        "spec": {"unschedulable": True},
        "status": {
            "conditions": [
                {"type": "MemoryPressure", "status": "False"},
                {"type": "Ready", "status": "True"},
            ],
            "addresses": [
                {"type": "InternalIP", "address": "192.168.56.10"},
                {"type": "Hostname", "address": "controlplane"},
            ],
            "nodeInfo": {
                "kubeletVersion": "v1.32.4",
                "osImage": "Ubuntu 24.04.1 LTS",
                "kernelVersion": "6.8.0-45-generic",
                "containerRuntimeVersion": "containerd://1.7.22",
            },
        },
    }
    assert cells("nodes", node) == [
        "controlplane", "Ready,SchedulingDisabled", "control-plane,master", "2d", "v1.32.4",
        "192.168.56.10", "<none>", "Ubuntu 24.04.1 LTS", "6.8.0-45-generic", "containerd://1.7.22",
    ]  # fmt: skip
    node["status"]["conditions"][1]["status"] = "Unknown"
    node["spec"] = {}
    node["metadata"]["labels"] = {}
    assert cells("nodes", node)[1:3] == ["NotReady", "<none>"]
    node["status"] = {}
    assert cells("nodes", node)[1:] == [
        "Unknown",
        "<none>",
        "2d",
        "",
        "<none>",
        "<none>",
        "<unknown>",
        "<unknown>",
        "<unknown>",
    ]


def test_namespace_configmap_secret_sa() -> None:
    assert cells("ns", {"metadata": meta("dev", 5), "status": {"phase": "Active"}}) == ["dev", "Active", "5s"]
    assert (
        cells("cm", {"metadata": meta("c"), "data": {"a": "1", "b": "2"}, "binaryData": {"c": "AA=="}})[1]
        == 3
    )
    sec = {"metadata": meta("tls"), "type": "kubernetes.io/tls", "data": {"tls.crt": "x", "tls.key": "y"}}
    assert cells("secrets", sec) == ["tls", "kubernetes.io/tls", 2, "60s"]
    assert cells("sa", {"metadata": meta("default")}) == ["default", 0, "60s"]


def test_events_core_and_events_k8s_io() -> None:
    ev = {
        "metadata": meta("web.17a", 600),
        "involvedObject": {"kind": "Pod", "name": "web-1", "fieldPath": "spec.containers{nginx}"},
        "reason": "Pulled",
        "message": '  Container image "nginx:1.27" already present on machine\n',
        "type": "Normal",
        "source": {"component": "kubelet", "host": "node1"},
        "firstTimestamp": ts(300),
        "lastTimestamp": ts(90),
        "count": 2,
    }
    assert cells("events", ev) == [
        "90s", "Normal", "Pulled", "pod/web-1", "spec.containers{nginx}", "kubelet, node1",
        'Container image "nginx:1.27" already present on machine', "5m", 2, "web.17a",
    ]  # fmt: skip
    new = {
        "metadata": meta("web.18b", 30),
        "regarding": {"kind": "Deployment", "name": "web"},
        "reason": "ScalingReplicaSet",
        "note": "Scaled up replica set web-7d4b9c8f6d from 0 to 3",
        "type": "Normal",
        "eventTime": rfc3339(NOW - 30).replace("Z", ".000000Z"),
        "reportingController": "deployment-controller",
    }
    row = cells("events.events.k8s.io", new)
    assert row[:4] == ["30s", "Normal", "ScalingReplicaSet", "deployment/web"]
    assert row[5:] == [
        "deployment-controller",
        "Scaled up replica set web-7d4b9c8f6d from 0 to 3",
        "30s",
        1,
        "web.18b",
    ]


def test_storage_cells() -> None:
    pv = {
        "metadata": {"name": "pv1", "creationTimestamp": ts(3600)},
        "spec": {
            "capacity": {"storage": "1Gi"},
            "accessModes": ["ReadWriteMany", "ReadWriteOnce"],
            "persistentVolumeReclaimPolicy": "Retain",
            "claimRef": {"namespace": "default", "name": "data"},
            "storageClassName": "manual",
            "volumeMode": "Filesystem",
        },
        "status": {"phase": "Bound"},
    }
    assert cells("pv", pv) == [
        "pv1",
        "1Gi",
        "RWO,RWX",
        "Retain",
        "Bound",
        "default/data",
        "manual",
        "<unset>",
        "",
        "60m",
        "Filesystem",
    ]
    pending = {
        "metadata": meta("data"),
        "spec": {"resources": {"requests": {"storage": "1Gi"}}, "storageClassName": "standard"},
        "status": {"phase": "Pending"},
    }
    assert cells("pvc", pending) == ["data", "Pending", "", "", "", "standard", "<unset>", "60s", "<unset>"]
    bound = {
        "metadata": meta("data"),
        "spec": {"volumeName": "pv1", "volumeMode": "Filesystem"},
        "status": {"phase": "Bound", "capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"]},
    }
    assert cells("pvc", bound)[1:5] == ["Bound", "pv1", "1Gi", "RWO"]
    sc = {
        "metadata": {
            "name": "standard",
            "creationTimestamp": ts(60),
            "annotations": {"storageclass.kubernetes.io/is-default-class": "true"},
        },
        "provisioner": "rancher.io/local-path",
    }
    assert cells("sc", sc) == [
        "standard (default)",
        "rancher.io/local-path",
        "Delete",
        "Immediate",
        False,
        "60s",
    ]


def test_rbac_and_default_table() -> None:
    rb = {
        "metadata": meta("read-pods"),
        "roleRef": {"kind": "Role", "name": "pod-reader"},
        "subjects": [
            {"kind": "User", "name": "jane"},
            {"kind": "Group", "name": "devs"},
            {"kind": "ServiceAccount", "name": "ci", "namespace": "default"},
            {"kind": "User", "name": "bob"},
        ],
    }
    assert cells("rolebindings", rb) == [
        "read-pods",
        "Role/pod-reader",
        "60s",
        "jane, bob",
        "devs",
        "default/ci",
    ]
    role = {
        "metadata": {
            "name": "pod-reader",
            "namespace": "default",
            "creationTimestamp": "2024-02-17T22:56:44Z",
        },
        "rules": [],
    }
    assert cells("roles", role) == ["pod-reader", "2024-02-17T22:56:44Z"]
    assert cells("clusterroles", {"metadata": {"name": "x"}}) == ["x", "0001-01-01T00:00:00Z"]


def test_misc_kinds() -> None:
    pdb = {"metadata": meta("web"), "spec": {"minAvailable": "50%"}, "status": {"disruptionsAllowed": 1}}
    assert cells("pdb", pdb) == ["web", "50%", "N/A", 1, "60s"]
    np = {"metadata": meta("deny"), "spec": {"podSelector": {}}}
    assert cells("netpol", np)[1] == "<none>"
    quota = {
        "metadata": meta("q"),
        "status": {
            "hard": {"pods": "2", "requests.cpu": "1", "limits.memory": "2Gi", "requests.memory": "1G"},
            "used": {"pods": "1", "requests.cpu": "0"},
        },
    }
    assert cells("quota", quota) == [
        "q",
        "60s",
        "pods: 1/2, requests.cpu: 0/1, requests.memory: 0/1G",
        "limits.memory: 0/2Gi",
    ]
    cr = {
        "metadata": meta(
            "web-5d",
            ownerReferences=[
                {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "controller": True}
            ],
        ),
        "revision": 2,
    }
    assert cells("controllerrevisions", cr) == ["web-5d", "statefulset.apps/web", 2, "60s"]
    lease = {"metadata": meta("kube-scheduler"), "spec": {"holderIdentity": "controlplane_1234"}}
    assert cells("leases", lease)[1] == "controlplane_1234"
    pc = {"metadata": {"name": "system-node-critical", "creationTimestamp": ts(60)}, "value": 2000001000}
    assert cells("pc", pc) == ["system-node-critical", 2000001000, False, "60s", ""]


# ----------------------------------------------------------------------------------------------- CRDs


def test_crd_default_and_additional_printer_columns() -> None:
    base = REG.resolve("pods")
    assert base is not None
    crd_rt = replace(
        base, group="stable.example.com", version="v1", kind="CronTab", plural="crontabs", crd=True, extra={}
    )
    obj = {
        "metadata": meta("my-cron", 90),
        "spec": {"cronSpec": "* * * * */5", "replicas": 3, "image": "img"},
    }
    table = build_table(crd_rt, [obj], NOW)
    assert [(c["name"], c["type"]) for c in table["columnDefinitions"]] == [
        ("Name", "string"),
        ("Age", "date"),
    ]
    assert table["rows"][0]["cells"] == ["my-cron", "90s"]
    cols = [
        {"name": "Spec", "type": "string", "jsonPath": ".spec.cronSpec"},
        {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
        {
            "name": "Ready",
            "type": "string",
            "jsonPath": '.status.conditions[?(@.type=="Ready")].status',
            "priority": 1,
        },
        {"name": "Missing", "type": "string", "jsonPath": ".spec.nothing"},
    ]
    crd_rt2 = replace(crd_rt, extra={"additionalPrinterColumns": cols})
    obj["status"] = {
        "conditions": [{"type": "Synced", "status": "False"}, {"type": "Ready", "status": "True"}]
    }
    table = build_table(crd_rt2, [obj], NOW)
    assert table["rows"][0]["cells"] == ["my-cron", "* * * * */5", 3, "True", None]
    assert table["columnDefinitions"][3]["priority"] == 1
    assert (
        table["columnDefinitions"][1]["description"]
        == "Custom resource definition column (in JSONPath format): .spec.cronSpec"
    )
