"""``kubectl describe``: client-side describers rendered through a Go tabwriter port, byte for byte.

Entry point: :func:`describe`. Each describer reads what it needs beyond the object itself (events,
pods, ReplicaSets, EndpointSlices, leases...) through the one-method :class:`DescribeClient`.
"""

from __future__ import annotations

from collections.abc import Callable

from k8stutor.engine.errors import StatusError
from k8stutor.engine.registry import ResourceType

from .apps import describe_daemon_set, describe_stateful_set
from .autoscaling import describe_horizontal_pod_autoscaler
from .certificates import describe_certificate_signing_request
from .common import DescribeClient
from .core import (
    describe_config_map,
    describe_endpoints,
    describe_namespace,
    describe_node,
    describe_secret,
    describe_service,
    describe_service_account,
)
from .generic import describe_generic
from .networking import (
    describe_endpoint_slice,
    describe_ingress,
    describe_ingress_class,
    describe_network_policy,
)
from .pod import describe_pod
from .policy import (
    describe_limit_range,
    describe_pod_disruption_budget,
    describe_priority_class,
    describe_resource_quota,
)
from .rbac import describe_cluster_role, describe_cluster_role_binding, describe_role, describe_role_binding
from .storage import describe_persistent_volume, describe_persistent_volume_claim, describe_storage_class
from .tabwriter import PrefixWriter, TabWriter, new_tabbed_writer
from .workloads import (
    describe_cron_job,
    describe_deployment,
    describe_job,
    describe_replica_set,
    describe_replication_controller,
)

__all__ = ["DescribeClient", "DescribeError", "PrefixWriter", "TabWriter", "describe", "has_describer"]

Describer = Callable[[DescribeClient, dict, float, PrefixWriter], None]

# (group, kind) -> describer, as kubectl's describerMap; everything else goes to the generic describer.
DESCRIBERS: dict[tuple[str, str], Describer] = {
    ("", "Pod"): describe_pod,
    ("", "ReplicationController"): describe_replication_controller,
    ("", "Secret"): describe_secret,
    ("", "Service"): describe_service,
    ("", "ServiceAccount"): describe_service_account,
    ("", "Node"): describe_node,
    ("", "Namespace"): describe_namespace,
    ("", "Endpoints"): describe_endpoints,
    ("", "ConfigMap"): describe_config_map,
    ("apps", "Deployment"): describe_deployment,
    ("apps", "ReplicaSet"): describe_replica_set,
    ("apps", "DaemonSet"): describe_daemon_set,
    ("batch", "Job"): describe_job,
    ("batch", "CronJob"): describe_cron_job,
    ("", "LimitRange"): describe_limit_range,
    ("", "ResourceQuota"): describe_resource_quota,
    ("", "PersistentVolume"): describe_persistent_volume,
    ("", "PersistentVolumeClaim"): describe_persistent_volume_claim,
    ("apps", "StatefulSet"): describe_stateful_set,
    ("autoscaling", "HorizontalPodAutoscaler"): describe_horizontal_pod_autoscaler,
    ("certificates.k8s.io", "CertificateSigningRequest"): describe_certificate_signing_request,
    ("discovery.k8s.io", "EndpointSlice"): describe_endpoint_slice,
    ("networking.k8s.io", "Ingress"): describe_ingress,
    ("networking.k8s.io", "IngressClass"): describe_ingress_class,
    ("networking.k8s.io", "NetworkPolicy"): describe_network_policy,
    ("policy", "PodDisruptionBudget"): describe_pod_disruption_budget,
    ("rbac.authorization.k8s.io", "Role"): describe_role,
    ("rbac.authorization.k8s.io", "ClusterRole"): describe_cluster_role,
    ("rbac.authorization.k8s.io", "RoleBinding"): describe_role_binding,
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): describe_cluster_role_binding,
    ("scheduling.k8s.io", "PriorityClass"): describe_priority_class,
    ("storage.k8s.io", "StorageClass"): describe_storage_class,
    # Lease and CustomResourceDefinition have no describer in kubectl: the generic one prints them.
}


class DescribeError(ValueError):
    """The object could not be described (malformed beyond what kubectl would tolerate)."""


def has_describer(rt: ResourceType) -> bool:
    """True when ``rt`` has a dedicated describer here (otherwise the generic one is used)."""
    return (rt.group, rt.kind) in DESCRIBERS


def describe(api: DescribeClient, rt: ResourceType, obj: dict, now: float) -> str:
    """Render ``kubectl describe`` for ``obj`` (of type ``rt``) at virtual time ``now``.

    API errors other than those kubectl tolerates propagate as :class:`StatusError`; a malformed
    object raises :class:`DescribeError`.
    """
    if not isinstance(obj, dict):
        raise DescribeError(f"cannot describe {rt.kind}: object is not a map")
    tw, w = new_tabbed_writer()
    describer = DESCRIBERS.get((rt.group, rt.kind))
    try:
        if describer is not None:
            describer(api, obj, now, w)
        else:
            describe_generic(api, rt.kind, obj, now, w)
    except StatusError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as err:
        raise DescribeError(f"cannot describe {rt.kind}: {err}") from err
    tw.flush()
    return tw.getvalue()
