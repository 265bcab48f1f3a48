"""Admission plugins beyond the built-in defaulting: LimitRanger, ResourceQuota (+ its controller), PodSecurity.

``install(cluster)`` appends them to ``api.admission`` in the API server's order (LimitRanger, then
ResourceQuota last among validating plugins; PodSecurity before quota) and starts the quota controller.
Denials name the plugin's text exactly as the real ones do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .limitranger import LimitRanger
from .podsecurity import PodSecurity
from .resourcequota import ResourceQuotaAdmission, ResourceQuotaController
from .warnings import StrategyWarnings

if TYPE_CHECKING:
    from ..cluster import Cluster

__all__ = [
    "LimitRanger",
    "PodSecurity",
    "ResourceQuotaAdmission",
    "ResourceQuotaController",
    "StrategyWarnings",
    "install",
]


def install(cluster: Cluster) -> None:
    """Register the plugins and the quota controller (idempotent)."""
    api = cluster.api
    if any(isinstance(p, LimitRanger) for p in api.admission):
        return
    pss = PodSecurity(cluster.store, api.warn)
    api.admission.extend(
        [LimitRanger(cluster.store), pss, ResourceQuotaAdmission(cluster), StrategyWarnings(api.warn)]
    )
    cluster.pod_security = pss  # type: ignore[attr-defined]
    cluster.add_controller(ResourceQuotaController(cluster))
