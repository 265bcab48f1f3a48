"""Helm 3 inside the simulator: chart loading, Go templates with Sprig, values and rendering, the helm CLI.

Public API: ``load_chart(path)``, ``render(chart, values, release, capabilities, lookup, rng)``,
``sort_manifests(files)`` and ``Helm(cluster).run(argv)``; see :mod:`k8stutor.helm.render`.
"""

from .chart import Chart, ChartError, load_chart
from .render import Capabilities, Hook, Manifest, Release, RenderError, RenderResult, render, sort_manifests

__all__ = [
    "Capabilities",
    "Chart",
    "ChartError",
    "Hook",
    "Manifest",
    "Release",
    "RenderError",
    "RenderResult",
    "load_chart",
    "render",
    "sort_manifests",
]
