"""Server-side defaulting: what the API server's ``SetDefaults_*`` functions fill in when an object is decoded.

Mirrors ``pkg/apis/core/v1/defaults.go``, ``apps/v1``, ``batch/v1``, ``autoscaling/v2``, ``networking/v1``,
``rbac/v1``, ``storage/v1``, ``scheduling/v1`` and ``discovery/v1`` (Kubernetes v1.32, default feature gates).
Registry-time work (ClusterIP/nodePort allocation, Job selectors, name generation) and admission
(service account, tolerations, priority) are not done here.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ..store import clone

_RBAC_GROUP = "rbac.authorization.k8s.io"

# Every volume source field of core/v1 VolumeSource; a volume with none of them gets emptyDir.
_VOLUME_SOURCES = (
    "hostPath",
    "emptyDir",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "persistentVolumeClaim",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "downwardAPI",
    "fc",
    "azureFile",
    "configMap",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "projected",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "csi",
    "ephemeral",
    "image",
)


def image_tag(image: str) -> str:
    """The tag ``parsers.ParseImageName`` reports: ``latest`` when neither tag nor digest is given, '' for digests."""
    if not image:
        return ""
    name, at, _digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        return last.rsplit(":", 1)[1]
    return "" if at else "latest"


def _default_http_get(action: dict[str, Any] | None) -> None:
    if isinstance(action, dict):
        if not action.get("path"):
            action["path"] = "/"
        if not action.get("scheme"):
            action["scheme"] = "HTTP"


def _default_handler(handler: Any) -> None:
    if isinstance(handler, dict):
        _default_http_get(handler.get("httpGet"))


def _default_probe(probe: Any) -> None:
    if not isinstance(probe, dict):
        return
    _default_handler(probe)
    for key, value in (
        ("timeoutSeconds", 1),
        ("periodSeconds", 10),
        ("successThreshold", 1),
        ("failureThreshold", 3),
    ):
        if not probe.get(key):
            probe[key] = value


def _default_field_refs(env_holder: list[Any] | None) -> None:
    for item in env_holder or ():
        if not isinstance(item, dict):
            continue
        source = item.get("valueFrom") if "valueFrom" in item else item
        if not isinstance(source, dict):
            continue
        ref = source.get("fieldRef")
        if isinstance(ref, dict) and not ref.get("apiVersion"):
            ref["apiVersion"] = "v1"
        rref = source.get("resourceFieldRef")
        if isinstance(rref, dict) and "divisor" not in rref:
            rref["divisor"] = "0"


def _default_container(c: Any) -> None:
    if not isinstance(c, dict):
        return
    if not c.get("imagePullPolicy"):
        c["imagePullPolicy"] = (
            "Always" if image_tag(str(c.get("image") or "")) == "latest" else "IfNotPresent"
        )
    if not c.get("terminationMessagePath"):
        c["terminationMessagePath"] = "/dev/termination-log"
    if not c.get("terminationMessagePolicy"):
        c["terminationMessagePolicy"] = "File"
    if c.get("resources") is None:
        c["resources"] = {}
    for port in c.get("ports") or ():
        if isinstance(port, dict) and not port.get("protocol"):
            port["protocol"] = "TCP"
    for key in ("livenessProbe", "readinessProbe", "startupProbe"):
        _default_probe(c.get(key))
    lifecycle = c.get("lifecycle")
    if isinstance(lifecycle, dict):
        _default_handler(lifecycle.get("postStart"))
        _default_handler(lifecycle.get("preStop"))
    _default_field_refs(c.get("env"))


def _default_volume(v: Any) -> None:
    if not isinstance(v, dict):
        return
    if not any(v.get(k) is not None for k in _VOLUME_SOURCES):
        v["emptyDir"] = {}
    for key in ("secret", "configMap", "downwardAPI", "projected"):
        src = v.get(key)
        if isinstance(src, dict) and src.get("defaultMode") is None:
            src["defaultMode"] = 420
    host_path = v.get("hostPath")
    if isinstance(host_path, dict) and host_path.get("type") is None:
        host_path["type"] = ""
    downward = v.get("downwardAPI")
    if isinstance(downward, dict):
        _default_field_refs(downward.get("items"))
    projected = v.get("projected")
    if isinstance(projected, dict):
        for source in projected.get("sources") or ():
            if not isinstance(source, dict):
                continue
            token = source.get("serviceAccountToken")
            if isinstance(token, dict) and token.get("expirationSeconds") is None:
                token["expirationSeconds"] = 3600
            dapi = source.get("downwardAPI")
            if isinstance(dapi, dict):
                _default_field_refs(dapi.get("items"))


def _default_pod_spec(spec: Any) -> None:
    """``SetDefaults_PodSpec`` plus the defaults of everything a PodSpec contains."""
    if not isinstance(spec, dict):
        return
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = 30
    if not spec.get("schedulerName"):
        spec["schedulerName"] = "default-scheduler"
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for c in spec.get(key) or ():
            _default_container(c)
    for v in spec.get("volumes") or ():
        _default_volume(v)


def _default_template(template: Any) -> None:
    """A PodTemplateSpec as the server serialises it: ``metadata.creationTimestamp: null`` and a defaulted spec."""
    if not isinstance(template, dict):
        return
    meta = template.get("metadata")
    if not isinstance(meta, dict):
        meta = template["metadata"] = {}
    meta.setdefault("creationTimestamp", None)
    if not isinstance(template.get("spec"), dict):
        template["spec"] = {}
    _default_pod_spec(template["spec"])


def _requests_from_limits(containers: list[Any] | None) -> None:
    for c in containers or ():
        if not isinstance(c, dict):
            continue
        res = c.get("resources")
        if not isinstance(res, dict) or not isinstance(res.get("limits"), dict):
            continue
        requests = res.get("requests")
        if not isinstance(requests, dict):
            requests = res["requests"] = {}
        for name, value in res["limits"].items():
            requests.setdefault(name, value)


def _host_network_ports(containers: list[Any] | None) -> None:
    for c in containers or ():
        if not isinstance(c, dict):
            continue
        for port in c.get("ports") or ():
            if isinstance(port, dict) and not port.get("hostPort") and port.get("containerPort") is not None:
                port["hostPort"] = port["containerPort"]


def _spec(obj: dict[str, Any]) -> dict[str, Any]:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    return spec


def _labels(obj: dict[str, Any]) -> dict[str, Any] | None:
    meta = obj.get("metadata")
    if isinstance(meta, dict) and isinstance(meta.get("labels"), dict):
        return meta["labels"]
    return None


def _set_labels(obj: dict[str, Any], labels: dict[str, Any]) -> None:
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        meta = obj["metadata"] = {}
    meta["labels"] = copy.deepcopy(labels)


def _pod(obj: dict[str, Any]) -> None:
    spec = _spec(obj)
    _default_pod_spec(spec)
    _requests_from_limits(spec.get("containers"))
    _requests_from_limits(spec.get("initContainers"))
    if spec.get("enableServiceLinks") is None:
        spec["enableServiceLinks"] = True
    if spec.get("hostNetwork"):
        _host_network_ports(spec.get("containers"))
        _host_network_ports(spec.get("initContainers"))


def _pod_template(obj: dict[str, Any]) -> None:
    template = obj.get("template")
    if not isinstance(template, dict):
        template = obj["template"] = {}
    _default_template(template)


def _replication_controller(obj: dict[str, Any]) -> None:
    spec = _spec(obj)
    template = spec.get("template")
    tlabels = template.get("metadata", {}).get("labels") if isinstance(template, dict) else None
    if isinstance(tlabels, dict):
        if not spec.get("selector"):
            spec["selector"] = copy.deepcopy(tlabels)
        if not _labels(obj):
            _set_labels(obj, tlabels)
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    if template is not None:
        _default_template(template)


def _service(obj: dict[str, Any]) -> None:
    spec = _spec(obj)
    if not spec.get("sessionAffinity"):
        spec["sessionAffinity"] = "None"
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec["sessionAffinity"] == "ClientIP":
        cfg = spec.get("sessionAffinityConfig")
        client_ip = cfg.get("clientIP") if isinstance(cfg, dict) else None
        if not isinstance(client_ip, dict) or client_ip.get("timeoutSeconds") is None:
            spec["sessionAffinityConfig"] = {"clientIP": {"timeoutSeconds": 10800}}
    if not spec.get("type"):
        spec["type"] = "ClusterIP"
    for port in spec.get("ports") or ():
        if not isinstance(port, dict):
            continue
        if not port.get("protocol"):
            port["protocol"] = "TCP"
        if port.get("targetPort") in (None, 0, "") and port.get("port") is not None:
            port["targetPort"] = port["port"]
    stype = spec["type"]
    if stype in ("NodePort", "LoadBalancer") and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if spec.get("internalTrafficPolicy") is None and stype in ("NodePort", "LoadBalancer", "ClusterIP"):
        spec["internalTrafficPolicy"] = "Cluster"
    if stype == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        spec["allocateLoadBalancerNodePorts"] = True
    status = obj.get("status")
    if not isinstance(status, dict):
        status = obj["status"] = {}
    status.setdefault("loadBalancer", {})
    if stype == "LoadBalancer":
        for ing in status["loadBalancer"].get("ingress") or ():
            if isinstance(ing, dict) and ing.get("ip") and ing.get("ipMode") is None:
                ing["ipMode"] = "VIP"


def _namespace(obj: dict[str, Any]) -> None:
    meta = obj.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    if name:
        labels = _labels(obj)
        if labels is None:
            _set_labels(obj, {})
            labels = obj["metadata"]["labels"]
        labels["kubernetes.io/metadata.name"] = name
    # The namespace strategy (PrepareForCreate) always sets the "kubernetes" finalizer.
    spec = _spec(obj)
    spec.setdefault("finalizers", ["kubernetes"])
    status = obj.get("status")
    if not isinstance(status, dict):
        status = obj["status"] = {}
    if not status.get("phase"):
        status["phase"] = "Active"


def _secret(obj: dict[str, Any]) -> None:
    if not obj.get("type"):
        obj["type"] = "Opaque"


def _persistent_volume(obj: dict[str, Any]) -> None:
    spec = _spec(obj)
    if not spec.get("persistentVolumeReclaimPolicy"):
        spec["persistentVolumeReclaimPolicy"] = "Retain"
    if not spec.get("volumeMode"):
        spec["volumeMode"] = "Filesystem"
    host_path = spec.get("hostPath")
    if isinstance(host_path, dict) and host_path.get("type") is None:
        host_path["type"] = ""
    status = obj.get("status")
    if not isinstance(status, dict):
        status = obj["status"] = {}
    if not status.get("phase"):
        status["phase"] = "Pending"


def _persistent_volume_claim(obj: dict[str, Any]) -> None:
    spec = _spec(obj)
    if not spec.get("volumeMode"):
        spec["volumeMode"] = "Filesystem"
    status = obj.get("status")
    if not isinstance(status, dict):
        status = obj["status"] = {}
    if not status.get("phase"):
        status["phase"] = "Pending"


def _endpoints(obj: dict[str, Any]) -> None:
    for subset in obj.get("subsets") or ():
        for port in (subset.get("ports") if isinstance(subset, dict) else None) or ():
            if isinstance(port, dict) and not port.get("protocol"):
                port["protocol"] = "TCP"


def _limit_range(obj: dict[str, Any]) -> None:
    for item in _spec(obj).get("limits") or ():
        if not isinstance(item, dict) or item.get("type") != "Container":
            continue
        default = item.setdefault("default", {})
        default_request = item.setdefault("defaultRequest", {})
        for key, value in (item.get("max") or {}).items():
            default.setdefault(key, value)
        for key, value in default.items():
            default_request.setdefault(key, value)
        for key, value in (item.get("min") or {}).items():
            default_request.setdefault(key, value)


def _node(obj: dict[str, Any]) -> None:
    status = obj.get("status")
    if (
        isinstance(status, dict)
        and status.get("allocatable") is None
        and isinstance(status.get("capacity"), dict)
    ):
        status["allocatable"] = copy.deepcopy(status["capacity"])


def _deployment(obj: dict[str, Any]) -> None:
    spec = _spec(obj)
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    strategy = spec.get("strategy")
    if not isinstance(strategy, dict):
        strategy = spec["strategy"] = {}
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
    if strategy["type"] == "RollingUpdate":
        ru = strategy.get("rollingUpdate")
        if not isinstance(ru, dict):
            ru = strategy["rollingUpdate"] = {}
        if ru.get("maxUnavailable") is None:
            ru["maxUnavailable"] = "25%"
        if ru.get("maxSurge") is None:
            ru["maxSurge"] = "25%"
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    if spec.get("progressDeadlineSeconds") is None:
        spec["progressDeadlineSeconds"] = 600
    _pod_template(spec)


def _replica_set(obj: dict[str, Any]) -> None:
    spec = _spec(obj)
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    _pod_template(spec)


def _daemon_set(obj: dict[str, Any]) -> None:
    spec = _spec(obj)
    strategy = spec.get("updateStrategy")
    if not isinstance(strategy, dict):
        strategy = spec["updateStrategy"] = {}
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
    if strategy["type"] == "RollingUpdate":
        ru = strategy.get("rollingUpdate")
        if not isinstance(ru, dict):
            ru = strategy["rollingUpdate"] = {}
        if ru.get("maxUnavailable") is None:
            ru["maxUnavailable"] = 1
        if ru.get("maxSurge") is None:
            ru["maxSurge"] = 0
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    _pod_template(spec)


def _stateful_set(obj: dict[str, Any]) -> None:
    spec = _spec(obj)
    if not spec.get("podManagementPolicy"):
        spec["podManagementPolicy"] = "OrderedReady"
    strategy = spec.get("updateStrategy")
    if not isinstance(strategy, dict):
        strategy = spec["updateStrategy"] = {}
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
        if strategy.get("rollingUpdate") is None:
            strategy["rollingUpdate"] = {}
    ru = strategy.get("rollingUpdate")
    if strategy["type"] == "RollingUpdate" and isinstance(ru, dict) and ru.get("partition") is None:
        ru["partition"] = 0
    policy = spec.get("persistentVolumeClaimRetentionPolicy")
    if not isinstance(policy, dict):
        policy = spec["persistentVolumeClaimRetentionPolicy"] = {}
    if not policy.get("whenDeleted"):
        policy["whenDeleted"] = "Retain"
    if not policy.get("whenScaled"):
        policy["whenScaled"] = "Retain"
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    _pod_template(spec)
    for pvc in spec.get("volumeClaimTemplates") or ():
        if isinstance(pvc, dict):
            _persistent_volume_claim(pvc)


def _job_spec_template(spec: dict[str, Any]) -> None:
    _pod_template(spec)


def _job(obj: dict[str, Any]) -> None:
    spec = _spec(obj)
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
        spec["parallelism"] = 1
    if spec.get("parallelism") is None:
        spec["parallelism"] = 1
    if spec.get("backoffLimit") is None:
        spec["backoffLimit"] = 2147483647 if spec.get("backoffLimitPerIndex") is not None else 6
    template = spec.get("template")
    tlabels = template.get("metadata", {}).get("labels") if isinstance(template, dict) else None
    if isinstance(tlabels, dict) and not _labels(obj):
        _set_labels(obj, tlabels)
    if spec.get("completionMode") is None:
        spec["completionMode"] = "NonIndexed"
    if spec.get("suspend") is None:
        spec["suspend"] = False
    pfp = spec.get("podFailurePolicy")
    if isinstance(pfp, dict):
        for rule in pfp.get("rules") or ():
            for cond in (rule.get("onPodConditions") if isinstance(rule, dict) else None) or ():
                if isinstance(cond, dict) and not cond.get("status"):
                    cond["status"] = "True"
    if spec.get("podReplacementPolicy") is None:
        spec["podReplacementPolicy"] = "Failed" if pfp is not None else "TerminatingOrFailed"
    _job_spec_template(spec)


def _cron_job(obj: dict[str, Any]) -> None:
    spec = _spec(obj)
    if not spec.get("concurrencyPolicy"):
        spec["concurrencyPolicy"] = "Allow"
    if spec.get("suspend") is None:
        spec["suspend"] = False
    if spec.get("successfulJobsHistoryLimit") is None:
        spec["successfulJobsHistoryLimit"] = 3
    if spec.get("failedJobsHistoryLimit") is None:
        spec["failedJobsHistoryLimit"] = 1
    jt = spec.get("jobTemplate")
    if not isinstance(jt, dict):
        jt = spec["jobTemplate"] = {}
    meta = jt.get("metadata")
    if not isinstance(meta, dict):
        meta = jt["metadata"] = {}
    meta.setdefault("creationTimestamp", None)
    jspec = jt.get("spec")
    if not isinstance(jspec, dict):
        jspec = jt["spec"] = {}
    _pod_template(jspec)


def _hpa_v2(obj: dict[str, Any]) -> None:
    spec = _spec(obj)
    if spec.get("minReplicas") is None:
        spec["minReplicas"] = 1
    if not spec.get("metrics"):
        spec["metrics"] = [
            {
                "type": "Resource",
                "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}},
            }
        ]


def _hpa_v1(obj: dict[str, Any]) -> None:
    spec = _spec(obj)
    if spec.get("minReplicas") is None:
        spec["minReplicas"] = 1


def _binding(obj: dict[str, Any]) -> None:
    ref = obj.get("roleRef")
    if isinstance(ref, dict) and not ref.get("apiGroup"):
        ref["apiGroup"] = _RBAC_GROUP
    for subject in obj.get("subjects") or ():
        if isinstance(subject, dict) and not subject.get("apiGroup"):
            if subject.get("kind") in ("User", "Group"):
                subject["apiGroup"] = _RBAC_GROUP
            elif subject.get("kind") == "ServiceAccount":
                subject["apiGroup"] = ""


def _network_policy(obj: dict[str, Any]) -> None:
    spec = _spec(obj)
    for rule in list(spec.get("ingress") or ()) + list(spec.get("egress") or ()):
        for port in (rule.get("ports") if isinstance(rule, dict) else None) or ():
            if isinstance(port, dict) and not port.get("protocol"):
                port["protocol"] = "TCP"
    if not spec.get("policyTypes"):
        types = ["Ingress"]
        if spec.get("egress"):
            types.append("Egress")
        spec["policyTypes"] = types


def _storage_class(obj: dict[str, Any]) -> None:
    if not obj.get("reclaimPolicy"):
        obj["reclaimPolicy"] = "Delete"
    if not obj.get("volumeBindingMode"):
        obj["volumeBindingMode"] = "Immediate"


def _priority_class(obj: dict[str, Any]) -> None:
    if not obj.get("preemptionPolicy"):
        obj["preemptionPolicy"] = "PreemptLowerPriority"


def _endpoint_slice(obj: dict[str, Any]) -> None:
    for port in obj.get("ports") or ():
        if isinstance(port, dict):
            port.setdefault("name", "")
            if not port.get("protocol"):
                port["protocol"] = "TCP"


_DEFAULTERS: dict[tuple[str, str], Callable[[dict[str, Any]], None]] = {
    ("v1", "Pod"): _pod,
    ("v1", "PodTemplate"): _pod_template,
    ("v1", "ReplicationController"): _replication_controller,
    ("v1", "Service"): _service,
    ("v1", "Namespace"): _namespace,
    ("v1", "Secret"): _secret,
    ("v1", "PersistentVolume"): _persistent_volume,
    ("v1", "PersistentVolumeClaim"): _persistent_volume_claim,
    ("v1", "Endpoints"): _endpoints,
    ("v1", "LimitRange"): _limit_range,
    ("v1", "Node"): _node,
    ("apps/v1", "Deployment"): _deployment,
    ("apps/v1", "ReplicaSet"): _replica_set,
    ("apps/v1", "DaemonSet"): _daemon_set,
    ("apps/v1", "StatefulSet"): _stateful_set,
    ("batch/v1", "Job"): _job,
    ("batch/v1", "CronJob"): _cron_job,
    ("autoscaling/v2", "HorizontalPodAutoscaler"): _hpa_v2,
    ("autoscaling/v1", "HorizontalPodAutoscaler"): _hpa_v1,
    (f"{_RBAC_GROUP}/v1", "RoleBinding"): _binding,
    (f"{_RBAC_GROUP}/v1", "ClusterRoleBinding"): _binding,
    ("networking.k8s.io/v1", "NetworkPolicy"): _network_policy,
    ("storage.k8s.io/v1", "StorageClass"): _storage_class,
    ("scheduling.k8s.io/v1", "PriorityClass"): _priority_class,
    ("discovery.k8s.io/v1", "EndpointSlice"): _endpoint_slice,
}


def apply_defaults(obj: dict[str, Any], *, in_place: bool = False) -> dict[str, Any]:
    """Return a deep copy of ``obj`` with the API server's defaults for its apiVersion/kind filled in
    (``in_place``: default the caller's own private copy instead)."""
    out = obj if in_place else clone(obj)
    if not isinstance(out, dict):
        return out
    defaulter = _DEFAULTERS.get((str(out.get("apiVersion", "")), str(out.get("kind", ""))))
    if defaulter is not None:
        defaulter(out)
    return out


def default_pod_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """Return a defaulted deep copy of a bare PodSpec (what a pod template's spec becomes on the server)."""
    out = copy.deepcopy(spec)
    _default_pod_spec(out)
    return out
