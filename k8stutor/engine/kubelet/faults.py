"""Lifecycle timings as data (kwok-style stages) and the fault-injection API lessons use."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import KubeletManager


@dataclass
class Timings:
    """How long the kubelet's steps take, in virtual seconds (a lesson pack may change them)."""

    sandbox: float = 1.0  # pod admitted -> sandbox ready (pod IP assigned)
    create: float = 0.1  # image ready -> container started
    pull_bandwidth: float = 12_000_000.0  # bytes per second from the registry
    cached_pull: float = 0.6  # Always-policy pull of an image already on the node (manifest check)
    backoff_initial: float = 10.0
    backoff_max: float = 300.0
    backoff_reset: float = 600.0  # a container that ran this long resets its crash back-off
    lease_renew: float = 10.0
    node_status_update: float = 10.0  # nodeStatusUpdateFrequency
    node_status_report: float = 300.0  # nodeStatusReportFrequency
    resync: float = 10.0  # periodic pod resync while a container waits in back-off


@dataclass
class Faults:
    """Injected faults: image pulls that fail, nodes that go NotReady at a time."""

    manager: KubeletManager
    pull_failures: dict[str, str] = field(default_factory=dict)
    extra_delays: dict[str, float] = field(default_factory=dict)

    def fail_pulls(self, image_pattern: str, message: str = "") -> None:
        """Pulls of images matching the glob fail (``message`` replaces the runtime's not-found text)."""
        self.pull_failures[image_pattern] = message

    def clear_pull_failures(self) -> None:
        """Pulls work again."""
        self.pull_failures.clear()

    def pull_failure(self, image: str, full: str) -> str | None:
        """The injected failure for an image, if any ("" = default message)."""
        for pat, msg in self.pull_failures.items():
            if fnmatch.fnmatchcase(image, pat) or fnmatch.fnmatchcase(full, pat):
                return msg
        return None

    def slow_pulls(self, image_pattern: str, extra_seconds: float) -> None:
        """Pulls of matching images take ``extra_seconds`` longer."""
        self.extra_delays[image_pattern] = extra_seconds

    def pull_delay(self, image: str, full: str) -> float:
        """Extra pull time for an image."""
        for pat, d in self.extra_delays.items():
            if fnmatch.fnmatchcase(image, pat) or fnmatch.fnmatchcase(full, pat):
                return d
        return 0.0

    def node_down_at(self, node: str, at: float) -> None:
        """Take ``node`` down at virtual time ``at`` (absolute epoch seconds)."""
        cluster = self.manager.cluster
        cluster.clock.call_at(at, lambda: self._down(node))

    def node_up_at(self, node: str, at: float) -> None:
        """Bring ``node`` back at virtual time ``at``."""
        cluster = self.manager.cluster
        cluster.clock.call_at(at, lambda: self._up(node))

    def _down(self, node: str) -> None:
        k = self.manager.kubelets.get(node)
        if k is not None:
            k.go_down()

    def _up(self, node: str) -> None:
        k = self.manager.kubelets.get(node)
        if k is not None:
            k.go_up()

    def apply(self, spec: dict[str, Any]) -> None:
        """Apply faults given as data: ``{"pullFailures": ["nginx:1.99"], "nodeDown": [{"node": .., "at": 60}]}``
        (``at`` relative to now)."""
        now = self.manager.cluster.now()
        for pat in spec.get("pullFailures") or []:
            if isinstance(pat, dict):
                self.fail_pulls(str(pat.get("image", "")), str(pat.get("message", "")))
            else:
                self.fail_pulls(str(pat))
        for d in spec.get("nodeDown") or []:
            self.node_down_at(str(d["node"]), now + float(d.get("at", 0)))
        for d in spec.get("nodeUp") or []:
            self.node_up_at(str(d["node"]), now + float(d.get("at", 0)))
