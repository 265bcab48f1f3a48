"""NodePorts (PodFitsHostPorts): a hostPort (ip, protocol, port) may be used once per node."""

from __future__ import annotations

from ..framework import UNSCHEDULABLE, NodeInfo, PodInfo, Status

NAME = "NodePorts"
REASON = "node(s) didn't have free ports for the requested pod ports"


def filter(pi: PodInfo, ni: NodeInfo) -> Status | None:
    """Reject the node when a wanted host port is taken (0.0.0.0 conflicts with every address)."""
    for ip, proto, port in pi.host_ports:
        if ni.port_conflict(ip, proto, port):
            return Status(UNSCHEDULABLE, NAME, (REASON,))
    return None
