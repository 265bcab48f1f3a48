"""Panes: each one module that reads cluster state (level-triggered) and renders it.

A pane is a widget with ``refresh_from(cluster)``; the workspace calls it on ``ClusterChanged`` while the pane
is visible. Later panes (network, services, storage, Helm) register themselves in ``PANES``.
"""

from __future__ import annotations

from .base import Pane
from .cluster import ClusterPane
from .config import ConfigPane
from .events import EventsPane
from .helm import HelmPane
from .network import NetworkPane
from .scheduler import SchedulerPane
from .services import ServicesPane
from .workloads import WorkloadsPane

# (tab id, tab title, pane class) in tab order.
PANES: list[tuple[str, str, type[Pane]]] = [
    ("cluster", "Cluster", ClusterPane),
    ("workloads", "Workloads", WorkloadsPane),
    ("events", "Events", EventsPane),
    ("scheduler", "Scheduler", SchedulerPane),
    ("services", "Services", ServicesPane),
    ("network", "Network", NetworkPane),
    ("config", "Config", ConfigPane),
    ("helm", "Helm", HelmPane),
]

__all__ = [
    "PANES",
    "Pane",
    "ClusterPane",
    "WorkloadsPane",
    "EventsPane",
    "SchedulerPane",
    "ServicesPane",
    "NetworkPane",
    "ConfigPane",
    "HelmPane",
]
