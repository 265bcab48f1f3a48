"""The network as a pod's containers see it: name resolution plus wget/curl/nslookup/ping/ip commands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .dns import DNSError, resolv_conf, resolve
from .index import index_of

if TYPE_CHECKING:
    from ..cluster import Cluster
    from ..runtime.images import Image


class PodNetwork:
    """Callable like the runtime's resolver (name -> IP or None) and a source of network commands."""

    def __init__(self, cluster: Cluster, namespace: str, name: str) -> None:
        self.cluster = cluster
        self.namespace = namespace
        self.name = name

    def __call__(self, host: str) -> str | None:
        """Resolve a name the way the pod's stub resolver would."""
        pod = index_of(self.cluster).pod(self.namespace, self.name)
        if pod is None:
            return None
        try:
            _, addrs = resolve(self.cluster, host, resolv_conf(pod))
        except DNSError:
            return None
        return addrs[0] if addrs else None

    def commands(self, image: Image | None) -> dict[str, Any]:
        """Network commands for a container with a shell (curl only where the image ships it)."""
        from .traffic import pod_commands

        cmds = pod_commands(self.cluster, self.namespace, self.name)
        repo = image.repository if image is not None else ""
        if "curl" not in repo and not (image is not None and image.shell == "bash"):
            cmds.pop("curl", None)
        if image is not None and image.shell == "bash":
            # Debian-based images (nginx, httpd ...) ship curl but neither wget, ping, ip nor nslookup.
            for k in ("wget", "ping", "ip", "nslookup"):
                cmds.pop(k, None)
        return cmds
