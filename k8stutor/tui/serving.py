"""``k8stutor sandbox --serve``: the workspace's cluster is also a Kubernetes API for real kubectl and helm.

The API server runs on the app's own event loop over the very cluster the panes show, so what a real tool does
from a second terminal appears in the panes at once. The app's pacer moves virtual time (the server's own pacer
stays off), and undo/reset restore the cluster in place, so the server keeps serving the current state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..hosts.apiserver.kubeconfig import export_line, pki_dir_for, write_kubeconfig
from ..hosts.apiserver.main import DEFAULT_KUBECONFIG, DEFAULT_PORT, ensure_controllers
from ..hosts.apiserver.server import SimServer
from ..hosts.apiserver.tls import PKIError, ensure_pki


@dataclass
class ServeOptions:
    """Where and how to serve (the ``k8stutor serve`` flags)."""

    port: int = DEFAULT_PORT
    kubeconfig: str | None = DEFAULT_KUBECONFIG
    insecure_http: bool = False
    anonymous_auth: bool = False


class ServeError(Exception):
    """The API server could not start (the message says why, for the app to show)."""


async def start_serving(cluster: Any, opts: ServeOptions) -> tuple[SimServer, list[str]]:
    """Start the API server over ``cluster`` on the running loop; returns it and the lines to show the user."""
    pki = None
    if not opts.insecure_http:
        try:
            pki = ensure_pki(pki_dir_for(opts.kubeconfig))
        except PKIError as e:
            raise ServeError(str(e)) from e
    ensure_controllers(cluster)
    server = SimServer(cluster, port=opts.port, speed=0, pki=pki, anonymous=opts.anonymous_auth)
    try:
        await server.start()
    except OSError as e:
        raise ServeError(f"cannot listen on 127.0.0.1:{opts.port}: {e.strerror or e}") from e
    lines = [f"Serving this cluster as a Kubernetes v1.32 API on {server.url}."]
    if opts.kubeconfig:
        path = write_kubeconfig(opts.kubeconfig, server.url, pki=pki)
        lines += [f"Wrote {path}. In a second terminal:", f"  {export_line(path)}", "  kubectl get pods -A"]
    return server, lines
