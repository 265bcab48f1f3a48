"""Shared set-up for the network tests: a classroom cluster whose workloads schedule and run."""

from __future__ import annotations

import importlib

from k8stutor.engine.cluster import Cluster
from k8stutor.hosts.workstation import Workstation


def cluster_ws(preset: str = "classroom") -> tuple[Cluster, Workstation]:
    """A cluster with the workload controllers and scheduler running, and a workstation shell on it."""
    c = Cluster(preset)
    for mod in (
        "k8stutor.engine.controllers.replicaset",
        "k8stutor.engine.controllers.deployment",
        "k8stutor.engine.scheduler.scheduler",
    ):
        m = importlib.import_module(mod)
        m.install(c)  # type: ignore[attr-defined]
    ws = Workstation(c, host_files=False)
    if "port-forward" not in ws.kubectl.commands or ws.kubectl.commands["port-forward"].handler is None:
        from k8stutor.kubectl.commands.portforward import command

        ws.kubectl.commands["port-forward"] = command()
    return c, ws


def sh(ws: Workstation, line: str) -> tuple[str, str, int]:
    """Run a line; (stdout, stderr, exit code)."""
    r = ws.run(line)
    return r.stdout.decode(), r.stderr.decode(), r.exit_code
