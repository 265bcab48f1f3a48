"""``kubectl describe``: client-side describers rendered through a Go tabwriter port, byte for byte.

Entry point: :func:`describe`. Each describer reads what it needs beyond the object itself (events,
pods, ReplicaSets, EndpointSlices, leases...) through the one-method :class:`DescribeClient`.
"""

from __future__ import annotations

from collections.abc import Callable

from k8stutor.engine.errors import StatusError
from k8stutor.engine.registry import ResourceType

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
from .pod import describe_pod
from .tabwriter import PrefixWriter, TabWriter, new_tabbed_writer
from .workloads import describe_deployment, describe_replica_set, describe_replication_controller

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
