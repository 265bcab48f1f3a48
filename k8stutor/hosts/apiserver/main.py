"""``k8stutor serve``: run the simulated cluster as a Kubernetes API server for real kubectl and helm."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from typing import TYPE_CHECKING, TextIO

from .kubeconfig import export_line, pki_dir_for, write_kubeconfig
from .server import SimServer
from .tls import PKI, PKIError, ensure_pki

if TYPE_CHECKING:
    from ...engine.cluster import Cluster

DEFAULT_PORT = 6443
DEFAULT_KUBECONFIG = "~/.kube/k8stutor.yaml"

# The engine's controllers, installed when the cluster does not run them yet (module, attribute on cluster
# or controller class name that shows it is already there).
_CONTROLLERS = (
    ("k8stutor.engine.scheduler.scheduler", "Scheduler"),
    ("k8stutor.engine.kubelet", "KubeletManager"),
    ("k8stutor.engine.controllers.replicaset", "ReplicaSetController"),
    ("k8stutor.engine.controllers.deployment", "DeploymentController"),
    ("k8stutor.engine.controllers.daemonset", "DaemonSetController"),
    ("k8stutor.engine.controllers.statefulset", "StatefulSetController"),
    ("k8stutor.engine.controllers.job", "JobController"),
    ("k8stutor.engine.controllers.cronjob", "CronJobController"),
    ("k8stutor.engine.controllers.disruption", "DisruptionController"),
    ("k8stutor.engine.controllers.hpa", "HPAController"),
)


def ensure_controllers(cluster: Cluster) -> list[str]:
    """Install every engine controller the cluster is not running yet; returns the names installed."""
    import importlib

    running = {type(c).__name__ for c in cluster.controllers}
    added = []
    for module, cls_name in _CONTROLLERS:
        if cls_name in running:
            continue
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        install = getattr(mod, "install", None)
        if install is None:
            continue
        install(cluster)
        added.append(cls_name)
    cluster.settle()
    return added


def build_cluster(state: str | None, preset: str = "classroom", seed: int = 0) -> Cluster:
    """A cluster from a state file when it exists, else a fresh preset; with every controller running."""
    import time

    from ...engine.cluster import Cluster

    # Start virtual time at the wall clock: real kubectl computes some ages (describe events) client-side.
    cluster = (
        Cluster.load(state)
        if state and os.path.exists(state)
        else Cluster(preset=preset, seed=seed, epoch=time.time())
    )
    ensure_controllers(cluster)
    return cluster


async def serve(
    cluster: Cluster,
    port: int,
    kubeconfig: str | None,
    speed: float,
    out: TextIO,
    stop: asyncio.Event | None = None,
    pki: PKI | None = None,
    anonymous: bool = False,
) -> int:
    """Serve until ``stop`` is set (or SIGINT/SIGTERM); prints the kubeconfig export line.

    With ``pki`` the server speaks TLS and the kubeconfig carries the CA and the admin's client certificate.
    """
    server = SimServer(cluster, port=port, speed=speed, pki=pki, anonymous=anonymous)
    try:
        await server.start()
    except OSError as e:
        sys.stderr.write(f"k8stutor serve: cannot listen on 127.0.0.1:{port}: {e.strerror or e}\n")
        return 1
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
    lines = [
        f"k8stutor serve: a simulated Kubernetes v1.32 API server on {server.url} "
        f"(virtual time at {speed:g}x)."
    ]
    if kubeconfig:
        path = write_kubeconfig(kubeconfig, server.url, pki=pki)
        lines += [f"Wrote {path}. Point kubectl and helm at it with:", "", f"  {export_line(path)}", ""]
    lines.append(
        "If you served a different cluster on this port before, run `rm -rf ~/.kube/cache` first "
        "(kubectl caches discovery). Press Ctrl-C to stop."
    )
    out.write("\n".join(lines) + "\n")
    out.flush()
    try:
        await stop.wait()
    finally:
        await server.stop()
    return 0


def serve_main(
    port: int = DEFAULT_PORT,
    kubeconfig: str | None = DEFAULT_KUBECONFIG,
    state: str | None = None,
    speed: float = 1.0,
    insecure_http: bool = False,
    anonymous_auth: bool = False,
) -> int:
    """``k8stutor serve``: build (or load) the cluster, serve it, save it to ``state`` at exit.

    TLS with a generated CA by default (kept next to the kubeconfig and reused); ``insecure_http`` serves plain
    HTTP instead; ``anonymous_auth`` lets requests without credentials in as ``system:anonymous``.
    """
    if speed < 0:
        sys.stderr.write("k8stutor serve: --speed must be >= 0\n")
        return 2
    pki = None
    if not insecure_http:
        try:
            pki = ensure_pki(pki_dir_for(kubeconfig))
        except PKIError as e:
            sys.stderr.write(f"k8stutor serve: {e}\n")
            return 1
    try:
        cluster = build_cluster(state)
    except Exception as e:  # noqa: BLE001 - StateFileError and friends: say why, exit non-zero
        sys.stderr.write(f"k8stutor serve: {e}\n")
        return 1
    try:
        code = asyncio.run(
            serve(cluster, port, kubeconfig, speed, sys.stdout, pki=pki, anonymous=anonymous_auth)
        )
    except KeyboardInterrupt:
        code = 0
    if state and code == 0:
        cluster.save(state)
        sys.stdout.write(f"Saved the cluster to {state}.\n")
    return code
