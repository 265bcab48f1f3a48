"""kubectl describe: Go tabwriter port, quantities, and describers checked byte for byte against captures.

The expected outputs in tests/data/describe/ are the real kubectl v1.32.4 captures from FIDELITY.md §2;
the objects below are the stub-cluster objects those captures were rendered from.
"""

from __future__ import annotations

import base64
import calendar
import copy
from pathlib import Path

import pytest

from k8stutor.engine.errors import StatusError
from k8stutor.engine.quantity import Quantity, QuantityError
from k8stutor.engine.registry import ResourceType
from k8stutor.engine.timeutil import rfc3339
from k8stutor.kubectl.describe import DescribeError, describe
from k8stutor.kubectl.describe.generic import camelcase_split, smart_label_for
from k8stutor.kubectl.describe.tabwriter import TabWriter, tabwrite

DATA = Path(__file__).parent / "data" / "describe"


def expected(name: str) -> str:
    return (DATA / f"{name}.txt").read_text()


def T(hh: int, mm: int, ss: int, day: int = 1) -> float:
    """Epoch seconds for <day> Dec 2026 hh:mm:ss UTC (Nov when day > 1 and given as 29/30)."""
    month = 12 if day <= 7 else 11
    return float(calendar.timegm((2026, month, day, hh, mm, ss)))


NOW = T(20, 20, 18)


def ts(t: float) -> str:
    return rfc3339(t)


def ago(seconds: float) -> str:
    return rfc3339(NOW - seconds)


# --- a tiny fake API server -----------------------------------------------------------------------------------


def _lookup(obj: dict, path: str) -> str:
    cur: object = obj
    for part in path.split("."):
        cur = cur.get(part) if isinstance(cur, dict) else None
    return "" if cur is None else str(cur)


def _split_selector(sel: str) -> list[str]:
    out, cur, esc = [], "", False
    for ch in sel:
        if esc:
            cur += ch
            esc = False
        elif ch == "\\":
            esc = True
        elif ch == ",":
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return [x for x in out if x]


class FakeClient:
    """Lists objects by group-resource with label (k=v) and field (k=v / k!=v) selectors."""

    def __init__(
        self, objects: dict[str, list[dict]] | None = None, forbidden: set[str] | None = None
    ) -> None:
        self.objects = objects or {}
        self.forbidden = forbidden or set()
        self.calls: list[tuple[str, str | None, str | None, str | None]] = []

    def list_objects(
        self,
        group_resource: str,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list[dict]:
        self.calls.append((group_resource, namespace, label_selector, field_selector))
        if group_resource in self.forbidden:
            raise StatusError(
                403, "Forbidden", f'{group_resource} is forbidden: User "x" cannot list resource'
            )
        out = []
        for obj in self.objects.get(group_resource, []):
            if namespace is not None and obj.get("metadata", {}).get("namespace", "") != namespace:
                continue
            ok = True
            for term in _split_selector(label_selector or ""):
                k, _, v = term.partition("=")
                if obj.get("metadata", {}).get("labels", {}).get(k) != v:
                    ok = False
            for term in _split_selector(field_selector or ""):
                if "!=" in term:
                    k, _, v = term.partition("!=")
                    if _lookup(obj, k) == v:
                        ok = False
                else:
                    k, _, v = term.partition("=")
                    if _lookup(obj, k) != v:
                        ok = False
            if ok:
                out.append(copy.deepcopy(obj))
        return out


def RT(kind: str, group: str = "", plural: str = "", namespaced: bool = True) -> ResourceType:
    return ResourceType(group, "v1", kind, plural or kind.lower() + "s", namespaced)


POD, NODE = RT("Pod"), RT("Node", namespaced=False)
DEPLOY, RS = RT("Deployment", "apps"), RT("ReplicaSet", "apps")
SVC = RT("Service")


def event(
    name: str,
    kind: str,
    uid: str,
    etype: str,
    reason: str,
    message: str,
    component: str,
    first: float,
    last: float | None = None,
    count: int = 1,
    ns: str = "default",
    obj_ns: str | None = "default",
) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": f"{name}.{int(first)}", "namespace": ns},
        "involvedObject": {"kind": kind, "name": name, "namespace": obj_ns or "", "uid": uid},
        "type": etype,
        "reason": reason,
        "message": message,
        "source": {"component": component},
        "firstTimestamp": ts(first),
        "lastTimestamp": ts(last if last is not None else first),
        "count": count,
    }


TOLERATIONS = [
    {
        "key": "node.kubernetes.io/unreachable",
        "operator": "Exists",
        "effect": "NoExecute",
        "tolerationSeconds": 300,
    },
    {
        "key": "node.kubernetes.io/not-ready",
        "operator": "Exists",
        "effect": "NoExecute",
        "tolerationSeconds": 300,
    },
]


def sa_volume(name: str) -> dict:
    return {
        "name": name,
        "projected": {
            "defaultMode": 420,
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {
                    "downwardAPI": {
                        "items": [{"path": "namespace", "fieldRef": {"fieldPath": "metadata.namespace"}}]
                    }
                },
            ],
        },
    }


def sa_mount(name: str) -> dict:
    return {"name": name, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": True}


def ready_conditions(ready: bool = True) -> list[dict]:
    st = "True" if ready else "False"
    return [
        {"type": "PodReadyToStartContainers", "status": "True"},
        {"type": "Initialized", "status": "True"},
        {"type": "Ready", "status": st},
        {"type": "ContainersReady", "status": st},
        {"type": "PodScheduled", "status": "True"},
    ]


def web_pod(name: str, node: str = "node1", host_ip: str = "192.168.56.11", ip: str = "10.244.1.3") -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": "default",
            "uid": f"uid-{name}",
            "creationTimestamp": ts(T(20, 14, 58)),
            "labels": {"pod-template-hash": "7d4b9c8f6d", "app": "web"},
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": "web-7d4b9c8f6d",
                    "uid": "uid-rs-new",
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {
            "containers": [
                {
                    "name": "nginx",
                    "image": "nginx:1.27",
                    "ports": [{"containerPort": 80, "protocol": "TCP"}],
                    "resources": {},
                    "volumeMounts": [sa_mount("kube-api-access-abcd0")],
                }
            ],
            "nodeName": node,
            "priority": 0,
            "serviceAccountName": "default",
            "tolerations": copy.deepcopy(TOLERATIONS),
            "volumes": [sa_volume("kube-api-access-abcd0")],
        },
        "status": {
            "phase": "Running",
            "hostIP": host_ip,
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "startTime": ts(T(20, 14, 58)),
            "qosClass": "BestEffort",
            "conditions": ready_conditions(),
            "containerStatuses": [
                {
                    "name": "nginx",
                    "ready": True,
                    "restartCount": 0,
                    "image": "docker.io/library/nginx:1.27",
                    "imageID": "docker.io/library/nginx@sha256:0a399eb16751829e1af26fea27b20c3ec28d7ab1fb72182879dcae1cca21206a",
                    "containerID": "containerd://4f3c2b1a0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b",
                    "state": {"running": {"startedAt": ts(T(20, 15, 8))}},
                }
            ],
        },
    }


def pod_events(name: str, uid: str) -> list[dict]:
    return [
        event(
            name,
            "Pod",
            uid,
            "Normal",
            "Scheduled",
            f"Successfully assigned default/{name} to node1",
            "default-scheduler",
            NOW - 320,
        ),
        event(name, "Pod", uid, "Normal", "Pulling", 'Pulling image "nginx:1.27"', "kubelet", NOW - 318),
        event(
            name,
            "Pod",
            uid,
            "Normal",
            "Pulled",
            'Successfully pulled image "nginx:1.27" in 5.123s (5.123s including waiting). Image size: 72195292 bytes.',
            "kubelet",
            NOW - 312,
        ),
        event(name, "Pod", uid, "Normal", "Created", "Created container: nginx", "kubelet", NOW - 312),
        event(name, "Pod", uid, "Normal", "Started", "Started container nginx", "kubelet", NOW - 311),
    ]


# --- tabwriter ------------------------------------------------------------------------------------------------


def test_tabwriter_aligns_column_blocks_like_go() -> None:
    # Go doc example (text/tabwriter ExampleWriter_Init, minwidth 5, tabwidth 0, padding 1, padchar '\t'
    # replaced by spaces here): a line without tabs ends the block.
    text = "a\tb\tc\naa\tbb\tcc\naaa\t\nbbbb\n\tz\n"
    out = tabwrite(text, 0, 8, 1, ".")
    assert out == "a...b..c\naa..bb.cc\naaa.\nbbbb\n.z\n"


def test_tabwriter_trailing_cell_is_not_aligned_and_last_line_keeps_no_newline() -> None:
    assert tabwrite("x\ty\nlonger\tz") == "x       y\nlonger  z"
    # "bbb" ends its line, so column 1 is a block of one line: only "b" sets its width.
    out = tabwrite("a\tb\tc\naaaaa\tbbb\n")
    assert out == "a      b  c\naaaaa  bbb\n"


def test_tabwriter_nested_blocks_and_empty_cells() -> None:
    out = tabwrite("Labels:\tapp=web\n\tpod-template-hash=1\nNode-Selectors:\t<none>\n")
    assert out == "Labels:          app=web\n                 pod-template-hash=1\nNode-Selectors:  <none>\n"


def test_tabwriter_tab_padding_and_align_right() -> None:
    tw = TabWriter(0, 8, 1, "\t", 0)
    tw.write("a\tb\nccccccccc\td\n")
    tw.flush()
    assert tw.getvalue() == "a\t\tb\nccccccccc\td\n"
    tw = TabWriter(0, 8, 1, " ", 4)  # AlignRight
    tw.write("1\t22\n333\t4\n")
    tw.flush()
    assert tw.getvalue() == "   122\n 3334\n"


def test_tabwriter_formfeed_breaks_blocks() -> None:
    assert tabwrite("a\tb\n\fxxxxxx\tc\n") == "a  b\n\nxxxxxx  c\n"


# --- quantities -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("4015104Ki", "3921Mi"),
        ("3912704Ki", "3821Mi"),
        ("30298176Ki", "30298176Ki"),
        ("27922798266", "27922798266"),
        ("0.5", "500m"),
        ("100m", "100m"),
        ("1000m", "1"),
        ("1.5Gi", "1536Mi"),
        ("1024", "1024"),
        ("1k", "1k"),
        ("1000", "1k"),
        ("1e3", "1e3"),
        ("1500e-3", "1500e-3"),
        ("128Mi", "128Mi"),
        ("0", "0"),
        ("1Ki", "1Ki"),
        ("512", "512"),
        ("0.1n", "1n"),
        ("-2Gi", "-2Gi"),
        ("12e6", "12e6"),
    ],
)
def test_quantity_canonical_form(text: str, canonical: str) -> None:
    assert str(Quantity.parse(text)) == canonical


def test_quantity_arithmetic_and_scaled_values() -> None:
    q = Quantity()
    q.add(Quantity.parse("100m"))
    q.add(Quantity.parse("0.2"))
    assert str(q) == "300m"
    assert Quantity.parse("1.5").value() == 2  # Value() rounds up
    assert Quantity.parse("100m").milli_value() == 100
    assert Quantity.parse("128Mi").value() == 134217728
    assert Quantity.parse("1Gi").cmp(Quantity.parse("1024Mi")) == 0
    with pytest.raises(QuantityError):
        Quantity.parse("12x")
    with pytest.raises(QuantityError):
        Quantity.parse("")


def test_generic_labels_follow_camelcase_rules() -> None:
    assert camelcase_split("PDFLoader") == ["PDF", "Loader"]
    assert smart_label_for("apiVersion") == "API Version"
    assert smart_label_for("involvedObject") == "Involved Object"
    assert smart_label_for("uid") == "UID"
    assert smart_label_for("podIPs") == "Pod I Ps"
    assert smart_label_for("a.b") == "a.b"


# --- Pod ------------------------------------------------------------------------------------------------------


def test_describe_running_pod_matches_capture() -> None:
    pod = web_pod("web-7d4b9c8f6d-x2k9p")
    api = FakeClient({"events": pod_events("web-7d4b9c8f6d-x2k9p", "uid-web-7d4b9c8f6d-x2k9p")})
    assert describe(api, POD, pod, NOW) == expected("pod_running")
    # pods search events without involvedObject.kind (kubectl clears ref.Kind for pods)
    fs = [c[3] for c in api.calls if c[0] == "events"][0]
    assert fs == (
        "involvedObject.name=web-7d4b9c8f6d-x2k9p,involvedObject.namespace=default,"
        "involvedObject.uid=uid-web-7d4b9c8f6d-x2k9p"
    )


def crash_pod() -> dict:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "crash-pod",
            "namespace": "default",
            "uid": "c0ffee00-1111-2222-3333-444444444444",
            "creationTimestamp": ts(T(20, 16, 58)),
            "labels": {"run": "crash-pod"},
        },
        "spec": {
            "containers": [
                {
                    "name": "app",
                    "image": "busybox",
                    "command": ["sh", "-c", "exit 1"],
                    "resources": {},
                    "volumeMounts": [sa_mount("kube-api-access-zz123")],
                }
            ],
            "nodeName": "node2",
            "priority": 0,
            "serviceAccountName": "default",
            "tolerations": copy.deepcopy(TOLERATIONS),
            "volumes": [sa_volume("kube-api-access-zz123")],
        },
        "status": {
            "phase": "Running",
            "hostIP": "192.168.56.12",
            "podIP": "10.244.2.7",
            "podIPs": [{"ip": "10.244.2.7"}],
            "startTime": ts(T(20, 16, 58)),
            "qosClass": "BestEffort",
            "conditions": ready_conditions(False),
            "containerStatuses": [
                {
                    "name": "app",
                    "ready": False,
                    "restartCount": 3,
                    "containerID": "containerd://aa11",
                    "imageID": "docker.io/library/busybox@sha256:abc",
                    "image": "busybox",
                    "state": {
                        "waiting": {
                            "reason": "CrashLoopBackOff",
                            "message": "back-off 40s restarting failed container",
                        }
                    },
                    "lastState": {
                        "terminated": {
                            "exitCode": 1,
                            "reason": "Error",
                            "startedAt": ts(T(20, 18, 43)),
                            "finishedAt": ts(T(20, 18, 43)),
                        }
                    },
                }
            ],
        },
    }
    return pod


def test_describe_crashloop_pod_matches_capture() -> None:
    uid = "c0ffee00-1111-2222-3333-444444444444"
    evs = [
        event(
            "crash-pod",
            "Pod",
            uid,
            "Warning",
            "BackOff",
            f"Back-off restarting failed container app in pod crash-pod_default({uid})",
            "kubelet",
            NOW - 190,
            NOW - 30,
            12,
        ),
        event(
            "crash-pod",
            "Pod",
            uid,
            "Normal",
            "Scheduled",
            "Successfully assigned default/crash-pod to node2",
            "default-scheduler",
            NOW - 200,
        ),
        event(
            "crash-pod",
            "Pod",
            uid,
            "Normal",
            "Pulled",
            'Successfully pulled image "busybox" in 1.2s (1.2s including waiting). Image size: 2166802 bytes.',
            "kubelet",
            NOW - 200,
        ),
        event(
            "crash-pod",
            "Pod",
            uid,
            "Normal",
            "Pulling",
            'Pulling image "busybox"',
            "kubelet",
            NOW - 200,
            NOW - 96,
            4,
        ),
    ]
    assert describe(FakeClient({"events": evs}), POD, crash_pod(), NOW) == expected("pod_crashloop")


def test_describe_pending_pod_matches_capture() -> None:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "big-pod",
            "namespace": "default",
            "uid": "uid-big",
            "labels": {"run": "big-pod"},
            "creationTimestamp": ts(NOW - 65),
        },
        "spec": {
            "containers": [
                {
                    "name": "big-pod",
                    "image": "nginx",
                    "resources": {"limits": {"cpu": "8"}, "requests": {"cpu": "8"}},
                    "volumeMounts": [sa_mount("kube-api-access-qq999")],
                }
            ],
            "priority": 0,
            "serviceAccountName": "default",
            "tolerations": copy.deepcopy(TOLERATIONS),
            "volumes": [sa_volume("kube-api-access-qq999")],
        },
        "status": {
            "phase": "Pending",
            "qosClass": "Burstable",
            "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable"}],
        },
    }
    msg = (
        "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint "
        "{node-role.kubernetes.io/control-plane: }. preemption: 0/2 nodes are available: 1 No preemption "
        "victims found for incoming pod, 1 Preemption is not helpful for scheduling."
    )
    evs = [
        event("big-pod", "Pod", "uid-big", "Warning", "FailedScheduling", msg, "default-scheduler", NOW - 65)
    ]
    assert describe(FakeClient({"events": evs}), POD, pod, NOW) == expected("pod_pending")
    # without status.qosClass the class is computed the same way
    del pod["status"]["qosClass"]
    assert "QoS Class:                   Burstable\n" in describe(FakeClient(), POD, pod, NOW)


def rich_pod() -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "rich-pod",
            "namespace": "default",
            "uid": "uid-rich",
            "labels": {"app": "rich"},
            "creationTimestamp": ts(T(20, 17, 58)),
            "annotations": {
                "note": "hello",
                "kubectl.kubernetes.io/last-applied-configuration": '{"big":"json"}\n',
            },
        },
        "spec": {
            "initContainers": [
                {
                    "name": "init-db",
                    "image": "busybox:1.36",
                    "command": ["sh", "-c", "until nslookup db; do sleep 2; done"],
                    "resources": {},
                }
            ],
            "containers": [
                {
                    "name": "app",
                    "image": "nginx:1.27",
                    "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                    "resources": {
                        "limits": {"memory": "256Mi", "cpu": "500m"},
                        "requests": {"cpu": "0.1", "memory": "128Mi"},
                    },
                    "livenessProbe": {
                        "httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"},
                        "initialDelaySeconds": 10,
                        "timeoutSeconds": 1,
                        "periodSeconds": 10,
                        "successThreshold": 1,
                        "failureThreshold": 3,
                    },
                    "readinessProbe": {
                        "tcpSocket": {"port": 8080},
                        "timeoutSeconds": 1,
                        "periodSeconds": 5,
                        "successThreshold": 1,
                        "failureThreshold": 3,
                    },
                    "envFrom": [{"configMapRef": {"name": "app-config"}}],
                    "env": [
                        {"name": "MODE", "value": "prod"},
                        {
                            "name": "DB_HOST",
                            "valueFrom": {"configMapKeyRef": {"name": "app-config", "key": "db_host"}},
                        },
                        {
                            "name": "DB_PASS",
                            "valueFrom": {"secretKeyRef": {"name": "db-secret", "key": "password"}},
                        },
                        {
                            "name": "POD_IP",
                            "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "status.podIP"}},
                        },
                    ],
                    "volumeMounts": [
                        {"name": "config", "mountPath": "/etc/app"},
                        {"name": "data", "mountPath": "/data"},
                        sa_mount("kube-api-access-rr111"),
                        {"name": "cache", "mountPath": "/cache"},
                    ],
                }
            ],
            "nodeName": "node1",
            "priority": 0,
            "serviceAccountName": "default",
            "nodeSelector": {"disktype": "ssd"},
            "tolerations": copy.deepcopy(TOLERATIONS),
            "volumes": [
                {"name": "config", "configMap": {"name": "app-config", "defaultMode": 420}},
                {"name": "data", "persistentVolumeClaim": {"claimName": "data-pvc"}},
                {"name": "cache", "emptyDir": {}},
                sa_volume("kube-api-access-rr111"),
            ],
        },
        "status": {
            "phase": "Running",
            "hostIP": "192.168.56.11",
            "podIP": "10.244.1.9",
            "podIPs": [{"ip": "10.244.1.9"}],
            "startTime": ts(T(20, 17, 58)),
            "qosClass": "Burstable",
            "conditions": ready_conditions(),
            "initContainerStatuses": [
                {
                    "name": "init-db",
                    "ready": True,
                    "restartCount": 0,
                    "containerID": "containerd://bb22",
                    "imageID": "docker.io/library/busybox@sha256:def",
                    "state": {
                        "terminated": {
                            "exitCode": 0,
                            "reason": "Completed",
                            "startedAt": ts(T(20, 18, 3)),
                            "finishedAt": ts(T(20, 18, 18)),
                        }
                    },
                }
            ],
            "containerStatuses": [
                {
                    "name": "app",
                    "ready": True,
                    "restartCount": 0,
                    "containerID": "containerd://cc33",
                    "imageID": "docker.io/library/nginx@sha256:abc",
                    "state": {"running": {"startedAt": ts(T(20, 18, 23))}},
                }
            ],
        },
    }


def test_describe_rich_pod_matches_capture() -> None:
    assert describe(FakeClient(), POD, rich_pod(), NOW) == expected("pod_rich")


def test_describe_pod_env_field_ref_resolves_only_metadata_fields_and_terminating_status() -> None:
    pod = rich_pod()
    pod["spec"]["containers"][0]["env"].append(
        {"name": "MY_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}}
    )
    pod["metadata"]["deletionTimestamp"] = ago(12)
    pod["metadata"]["deletionGracePeriodSeconds"] = 30
    out = describe(FakeClient(), POD, pod, NOW)
    assert "      MY_NAME:  rich-pod (v1:metadata.name)\n" in out
    assert "Status:" + " " * 20 + "Terminating (lasts 12s)\nTermination Grace Period:  30s\n" in out


# --- Deployment / ReplicaSet ----------------------------------------------------------------------------------


def template(hash_: str | None, image: str) -> dict:
    labels = {"app": "web"}
    if hash_:
        labels["pod-template-hash"] = hash_
    return {
        "metadata": {"labels": labels},
        "spec": {
            "containers": [
                {
                    "name": "nginx",
                    "image": image,
                    "ports": [{"containerPort": 80, "protocol": "TCP"}],
                    "resources": {},
                }
            ]
        },
    }


def rs(name: str, hash_: str, image: str, replicas: int, created: float, annotations: dict) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": "default",
            "uid": f"uid-{name}",
            "creationTimestamp": ts(created),
            "labels": {"app": "web", "pod-template-hash": hash_},
            "annotations": annotations,
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "name": "web",
                    "uid": "uid-deploy-web",
                    "controller": True,
                }
            ],
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web", "pod-template-hash": hash_}},
            "template": template(hash_, image),
        },
        "status": {"replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas},
    }


def deployment() -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "web",
            "namespace": "default",
            "uid": "uid-deploy-web",
            "creationTimestamp": ts(T(19, 59, 58)),
            "labels": {"app": "web"},
            "annotations": {"deployment.kubernetes.io/revision": "2"},
        },
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "template": template(None, "nginx:1.27"),
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
            },
            "minReadySeconds": 0,
        },
        "status": {
            "replicas": 3,
            "updatedReplicas": 3,
            "availableReplicas": 3,
            "readyReplicas": 3,
            "conditions": [
                {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
                {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"},
            ],
        },
    }


CHANGE_CAUSE = "kubectl set image deployment/web nginx=nginx:1.27 --record=true"


def replica_sets() -> list[dict]:
    new = rs(
        "web-7d4b9c8f6d",
        "7d4b9c8f6d",
        "nginx:1.27",
        3,
        T(20, 14, 58),
        {
            "deployment.kubernetes.io/desired-replicas": "3",
            "deployment.kubernetes.io/max-replicas": "4",
            "deployment.kubernetes.io/revision": "2",
            "kubernetes.io/change-cause": CHANGE_CAUSE,
        },
    )
    old = rs(
        "web-5f6c8b9d74",
        "5f6c8b9d74",
        "nginx:1.26",
        0,
        T(19, 59, 58),
        {"deployment.kubernetes.io/revision": "1"},
    )
    return [new, old]


def test_describe_deployment_matches_capture() -> None:
    uid = "uid-deploy-web"
    msgs = [
        (1200, "Scaled up replica set web-5f6c8b9d74 from 0 to 3"),
        (320, "Scaled up replica set web-7d4b9c8f6d from 0 to 1"),
        (310, "Scaled down replica set web-5f6c8b9d74 from 3 to 2"),
        (310, "Scaled up replica set web-7d4b9c8f6d from 1 to 2"),
        (305, "Scaled down replica set web-5f6c8b9d74 from 2 to 1"),
        (305, "Scaled up replica set web-7d4b9c8f6d from 2 to 3"),
        (300, "Scaled down replica set web-5f6c8b9d74 from 1 to 0"),
    ]
    evs = [
        event("web", "Deployment", uid, "Normal", "ScalingReplicaSet", m, "deployment-controller", NOW - a)
        for a, m in msgs
    ]
    api = FakeClient({"events": evs, "replicasets.apps": replica_sets()})
    assert describe(api, DEPLOY, deployment(), NOW) == expected("deployment")


def test_describe_replicaset_matches_capture() -> None:
    new = replica_sets()[0]
    pods = [web_pod(n) for n in ("web-7d4b9c8f6d-x2k9p", "web-7d4b9c8f6d-7fmlq", "web-7d4b9c8f6d-b8wzn")]
    for p in pods:
        p["metadata"]["ownerReferences"][0]["uid"] = "uid-web-7d4b9c8f6d"
    orphan = web_pod("web-orphan")
    orphan["metadata"]["ownerReferences"] = []
    evs = [
        event(
            "web-7d4b9c8f6d",
            "ReplicaSet",
            "uid-web-7d4b9c8f6d",
            "Normal",
            "SuccessfulCreate",
            f"Created pod: {p['metadata']['name']}",
            "replicaset-controller",
            NOW - a,
        )
        for a, p in zip((320, 260, 200), pods, strict=True)
    ]
    api = FakeClient({"events": evs, "pods": [*pods, orphan]})
    assert describe(api, RS, new, NOW) == expected("replicaset")


# --- Service --------------------------------------------------------------------------------------------------


def service(name: str, **spec: object) -> dict:
    base = {
        "sessionAffinity": "None",
        "ipFamilyPolicy": "SingleStack",
        "ipFamilies": ["IPv4"],
        "internalTrafficPolicy": "Cluster",
    }
    base.update(spec)
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "default", "uid": f"uid-svc-{name}"},
        "spec": base,
    }


def test_describe_services_match_captures() -> None:
    web = service(
        "web",
        type="NodePort",
        selector={"app": "web"},
        clusterIP="10.96.120.15",
        clusterIPs=["10.96.120.15"],
        externalTrafficPolicy="Cluster",
        ports=[{"port": 80, "targetPort": 80, "nodePort": 30080, "protocol": "TCP"}],
    )
    web["metadata"]["labels"] = {"app": "web"}
    slice_ = {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "addressType": "IPv4",
        "metadata": {
            "name": "web-abcde",
            "namespace": "default",
            "labels": {"kubernetes.io/service-name": "web"},
        },
        "ports": [{"name": "", "port": 80, "protocol": "TCP"}],
        "endpoints": [
            {"addresses": [ip], "conditions": {"ready": True}}
            for ip in ("10.244.1.3", "10.244.2.4", "10.244.1.4")
        ],
    }
    assert describe(FakeClient({"endpointslices.discovery.k8s.io": [slice_]}), SVC, web, NOW) == expected(
        "service_web"
    )
    # formatEndpointSlices sets "more" before skipping a not-ready endpoint: kubectl then prints "+ 0 more...".
    slice_["endpoints"].append({"addresses": ["10.244.2.9"], "conditions": {"ready": False}})
    out = describe(FakeClient({"endpointslices.discovery.k8s.io": [slice_]}), SVC, web, NOW)
    assert "Endpoints:                10.244.1.3:80,10.244.2.4:80,10.244.1.4:80 + 0 more...\n" in out
    kube = service(
        "kubernetes",
        type="ClusterIP",
        clusterIP="10.96.0.1",
        clusterIPs=["10.96.0.1"],
        ports=[{"name": "https", "port": 443, "targetPort": 6443, "protocol": "TCP"}],
    )
    kube["metadata"]["labels"] = {"component": "apiserver", "provider": "kubernetes"}
    assert describe(FakeClient(), SVC, kube, NOW) == expected("service_kubernetes")


def test_service_endpoints_cap_at_three() -> None:
    svc = service(
        "many",
        type="ClusterIP",
        selector={"app": "m"},
        clusterIP="10.96.0.9",
        clusterIPs=["10.96.0.9"],
        ports=[{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
    )
    slice_ = {
        "metadata": {
            "name": "many-x",
            "namespace": "default",
            "labels": {"kubernetes.io/service-name": "many"},
        },
        "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
        "endpoints": [{"addresses": [f"10.0.0.{n}"]} for n in range(1, 6)],
    }
    out = describe(FakeClient({"endpointslices.discovery.k8s.io": [slice_]}), SVC, svc, NOW)
    assert "Endpoints:                10.0.0.1:8080,10.0.0.2:8080,10.0.0.3:8080 + 2 more...\n" in out
    assert "TargetPort:               http/TCP\n" in out


# --- Node -----------------------------------------------------------------------------------------------------

FLANNEL = {
    "flannel.alpha.coreos.com/backend-data": '{"VNI":1,"VtepMAC":"6a:2e:5b:1c:9d:0f"}',
    "flannel.alpha.coreos.com/backend-type": "vxlan",
    "flannel.alpha.coreos.com/kube-subnet-manager": "true",
    "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock",
    "node.alpha.kubernetes.io/ttl": "0",
    "volumes.kubernetes.io/controller-managed-attach-detach": "true",
}


def node(name: str, ip: str, cidr: str, labels: dict | None = None, taints: list | None = None) -> dict:
    created = ts(T(20, 19, 58, day=29))
    hb = ts(T(20, 18, 58))
    conds = [
        ("NetworkUnavailable", "False", created, "FlannelIsUp", "Flannel is running on this node"),
        (
            "MemoryPressure",
            "False",
            hb,
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        ("DiskPressure", "False", hb, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", "False", hb, "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        ("Ready", "True", hb, "KubeletReady", "kubelet is posting ready status"),
    ]
    annotations = dict(FLANNEL)
    annotations["flannel.alpha.coreos.com/public-ip"] = ip
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "uid": f"uid-node-{name}",
            "creationTimestamp": created,
            "annotations": annotations,
            "labels": {
                "beta.kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                **(labels or {}),
            },
        },
        "spec": {"podCIDR": cidr, "podCIDRs": [cidr], **({"taints": taints} if taints else {})},
        "status": {
            "conditions": [
                {
                    "type": t,
                    "status": st,
                    "lastHeartbeatTime": h,
                    "lastTransitionTime": created,
                    "reason": r,
                    "message": m,
                }
                for t, st, h, r, m in conds
            ],
            "addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
            "capacity": {
                "cpu": "2",
                "ephemeral-storage": "30298176Ki",
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": "4015104Ki",
                "pods": "110",
            },
            "allocatable": {
                "cpu": "2",
                "ephemeral-storage": "27922798266",
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": "3912704Ki",
                "pods": "110",
            },
            "nodeInfo": {
                "machineID": "8a3b6f0c2d4e4f7a9b1c3d5e7f901234",
                "systemUUID": "8a3b6f0c-2d4e-4f7a-9b1c-3d5e7f901234",
                "bootID": "1c2d3e4f-5a6b-7c8d-9e0f-a1b2c3d4e5f6",
                "kernelVersion": "5.15.0-119-generic",
                "osImage": "Ubuntu 22.04.4 LTS",
                "operatingSystem": "linux",
                "architecture": "amd64",
                "containerRuntimeVersion": "containerd://1.7.22",
                "kubeletVersion": "v1.32.4",
                "kubeProxyVersion": "v1.32.4",
            },
        },
    }


def node_events(name: str) -> list[dict]:
    base = NOW - 610
    uid = f"uid-node-{name}"
    out = [
        event(
            name,
            "Node",
            uid,
            "Normal",
            "RegisteredNode",
            f"Node {name} event: Registered Node {name} in Controller",
            "node-controller",
            base,
            obj_ns=None,
        )
    ]
    rows = [
        ("Starting", "", "kube-proxy", 1),
        ("Starting", "Starting kubelet.", "kubelet", 1),
        ("NodeHasSufficientMemory", f"Node {name} status is now: NodeHasSufficientMemory", "kubelet", 2),
        ("NodeHasNoDiskPressure", f"Node {name} status is now: NodeHasNoDiskPressure", "kubelet", 2),
        ("NodeHasSufficientPID", f"Node {name} status is now: NodeHasSufficientPID", "kubelet", 2),
        ("NodeAllocatableEnforced", "Updated Node Allocatable limit across pods", "kubelet", 1),
        ("NodeReady", f"Node {name} status is now: NodeReady", "kubelet", 1),
    ]
    for n, (reason, msg, comp, count) in enumerate(rows, start=1):
        out.append(
            event(name, "Node", name, "Normal", reason, msg, comp, base - 5 + n, base + n, count, obj_ns=None)
        )
    return out


def test_describe_node_matches_capture() -> None:
    n1 = node("node1", "192.168.56.11", "10.244.1.0/24")
    pods = [web_pod("web-7d4b9c8f6d-x2k9p"), web_pod("web-7d4b9c8f6d-b8wzn"), rich_pod()]
    done = web_pod("web-finished")
    done["status"]["phase"] = "Succeeded"
    elsewhere = web_pod("web-other", node="node2")
    lease = {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": "node1", "namespace": "kube-node-lease"},
        "spec": {"holderIdentity": "node1", "leaseDurationSeconds": 40, "renewTime": ts(T(20, 19, 53))},
    }
    api = FakeClient(
        {
            "pods": [*pods, done, elsewhere],
            "events": node_events("node1"),
            "leases.coordination.k8s.io": [lease],
        }
    )
    assert describe(api, NODE, n1, NOW) == expected("node1")


def test_describe_control_plane_node_header() -> None:
    cp = node(
        "controlplane",
        "192.168.56.10",
        "10.244.0.0/24",
        labels={
            "node-role.kubernetes.io/control-plane": "",
            "node.kubernetes.io/exclude-from-external-load-balancers": "",
        },
        taints=[{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}],
    )
    out = describe(FakeClient(), NODE, cp, NOW)
    # The capture's stub server phrased its 404 as `leases "controlplane"`; a real API server names the
    # qualified resource, which is what kubectl prints against a real cluster.
    want = expected("node_controlplane_head").replace(
        'leases "controlplane" not found', 'leases.coordination.k8s.io "controlplane" not found'
    )
    assert out.startswith(want)
    assert "Non-terminated Pods:          (0 in total)\n" in out


def test_describe_node_without_pod_access() -> None:
    n1 = node("node1", "192.168.56.11", "10.244.1.0/24")
    out = describe(FakeClient(forbidden={"pods"}), NODE, n1, NOW)
    assert "Pods:                         not authorized\nEvents:                       <none>\n" in out


# --- other kinds ----------------------------------------------------------------------------------------------


def test_describe_namespace_configmap_secret() -> None:
    ns = {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": "default", "labels": {"kubernetes.io/metadata.name": "default"}},
        "status": {"phase": "Active"},
    }
    assert describe(FakeClient(), RT("Namespace", namespaced=False), ns, NOW) == (
        "Name:         default\n"
        "Labels:       kubernetes.io/metadata.name=default\n"
        "Annotations:  <none>\n"
        "Status:       Active\n"
        "\n"
        "No resource quota.\n"
        "\n"
        "No LimitRange resource.\n"
    )
    quota = {
        "metadata": {"name": "q", "namespace": "default"},
        "status": {
            "hard": {"pods": "10", "requests.cpu": "2"},
            "used": {"pods": "3", "requests.cpu": "500m"},
        },
    }
    lr = {
        "metadata": {"name": "lr", "namespace": "default"},
        "spec": {
            "limits": [{"type": "Container", "default": {"cpu": "500m"}, "defaultRequest": {"cpu": "0.1"}}]
        },
    }
    out = describe(
        FakeClient({"resourcequotas": [quota], "limitranges": [lr]}),
        RT("Namespace", namespaced=False),
        ns,
        NOW,
    )
    assert out.endswith(
        "Resource Quotas\n"
        "  Name:         q\n"
        "  Resource      Used  Hard\n"
        "  --------      ---   ---\n"
        "  pods          3     10\n"
        "  requests.cpu  500m  2\n"
        "\n"
        "Resource Limits\n"
        " Type       Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio\n"
        " ----       --------  ---  ---  ---------------  -------------  -----------------------\n"
        " Container  cpu       -    -    100m             500m           -\n"
    )
    cm = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "app-config", "namespace": "default"},
        "data": {"mode": "prod", "db_host": "db"},
    }
    assert describe(FakeClient(), RT("ConfigMap"), cm, NOW) == (
        "Name:         app-config\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\n"
        "Data\n====\ndb_host:\n----\ndb\n\nmode:\n----\nprod\n\n\nBinaryData\n====\n\nEvents:  <none>\n"
    )
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "Opaque",
        "metadata": {"name": "db-secret", "namespace": "default"},
        "data": {"password": base64.b64encode(b"s3cr3t!").decode()},
    }
    assert describe(FakeClient(), RT("Secret"), secret, NOW) == (
        "Name:         db-secret\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\n"
        "Type:  Opaque\n\nData\n====\npassword:  7 bytes\n"
    )


def test_describe_service_account_and_endpoints() -> None:
    sa = {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": "builder", "namespace": "default", "uid": "uid-sa"},
        "imagePullSecrets": [{"name": "regcred"}],
    }
    out = describe(FakeClient(), RT("ServiceAccount"), sa, NOW)
    assert out == (
        "Name:                builder\nNamespace:           default\nLabels:              <none>\n"
        "Annotations:         <none>\nImage pull secrets:  regcred (not found)\nMountable secrets:   <none>\n"
        "Tokens:              <none>\nEvents:              <none>\n"
    )
    ep = {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": "web", "namespace": "default"},
        "subsets": [
            {
                "addresses": [{"ip": "10.244.1.3"}, {"ip": "10.244.2.4"}],
                "ports": [{"port": 80, "protocol": "TCP"}],
            }
        ],
    }
    assert describe(FakeClient(), RT("Endpoints", plural="endpoints"), ep, NOW) == (
        "Name:         web\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\nSubsets:\n"
        "  Addresses:          10.244.1.3,10.244.2.4\n  NotReadyAddresses:  <none>\n  Ports:\n"
        "    Name     Port  Protocol\n    ----     ----  --------\n    <unset>  80    TCP\n\nEvents:  <none>\n"
    )


def test_generic_describer_for_an_event() -> None:
    ev = event(
        "web",
        "Deployment",
        "uid-d",
        "Normal",
        "ScalingReplicaSet",
        "Scaled up",
        "deployment-controller",
        NOW - 30,
    )
    ev["metadata"].update(
        {
            "uid": "uid-ev",
            "resourceVersion": "42",
            "creationTimestamp": ago(30),
            "managedFields": [{"manager": "x"}],
        }
    )
    ev["eventTime"] = None
    ev["reportingComponent"] = ""
    out = describe(FakeClient(), RT("Event"), ev, NOW)
    stamp = ago(30)
    assert out == (
        f"Name:             web.{int(NOW - 30)}\n"
        "Namespace:        default\n"
        "Labels:           <none>\n"
        "Annotations:      <none>\n"
        "API Version:      v1\n"
        "Count:            1\n"
        "Event Time:       <nil>\n"
        f"First Timestamp:  {stamp}\n"
        "Involved Object:\n"
        "  Kind:          Deployment\n"
        "  Name:          web\n"
        "  Namespace:     default\n"
        "  UID:           uid-d\n"
        "Kind:            Event\n"
        f"Last Timestamp:  {stamp}\n"
        "Message:         Scaled up\n"
        "Metadata:\n"
        f"  Creation Timestamp:  {stamp}\n"
        "  Resource Version:    42\n"
        "  UID:                 uid-ev\n"
        "Reason:                ScalingReplicaSet\n"
        "Reporting Component:   \n"
        "Source:\n"
        "  Component:  deployment-controller\n"
        "Type:         Normal\n"
        "Events:       <none>\n"
    )


def test_bad_input_raises_documented_error() -> None:
    with pytest.raises(DescribeError):
        describe(FakeClient(), POD, "not a pod", NOW)  # type: ignore[arg-type]
    # Garbage fields degrade like kubectl's zero values instead of crashing.
    out = describe(FakeClient(), POD, {"metadata": {"name": "x"}, "spec": {"containers": "nope"}}, NOW)
    assert out.startswith("Name:         x\nNamespace:    \nNode:         <none>\n")
