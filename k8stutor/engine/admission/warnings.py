"""API warnings that are not admission decisions: the registry strategies' ``WarningsOnCreate``/``OnUpdate``.

They travel as ``Warning: 299 - "..."`` response headers (``APIServer.warn``); kubectl prints them on stderr as
``Warning: <text>``. Only the ones a lesson meets are modelled: the deprecated Recycle reclaim policy of a
PersistentVolume (pkg/api/persistentvolume ``GetWarningsForPersistentVolume``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

RECYCLE_DEPRECATED = (
    "spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. Instead, the recommended "
    "approach is to use dynamic provisioning."
)


def persistent_volume_warnings(pv: dict[str, Any]) -> list[str]:
    """``GetWarningsForPersistentVolume`` (the part modelled here)."""
    spec = pv.get("spec") or {}
    return [RECYCLE_DEPRECATED] if spec.get("persistentVolumeReclaimPolicy") == "Recycle" else []


class StrategyWarnings:
    """Emits the strategies' warnings for creates and updates (never rejects anything)."""

    name = "StrategyWarnings"

    def __init__(self, warn: Callable[[str], None]) -> None:
        self.warn = warn

    def __call__(
        self, op: str, rt: Any, obj: dict[str, Any], old: dict[str, Any] | None, user: Any
    ) -> dict[str, Any] | None:
        """The admission hook."""
        if rt.group_resource == "persistentvolumes":
            for text in persistent_volume_warnings(obj):
                self.warn(text)
        return None
