"""``kubectl port-forward TYPE/NAME [LOCAL:]REMOTE...``: localhost ports on the workstation into a pod.

Real kubectl blocks while forwarding; here the listener is registered with the cluster's network and the
command returns (as if left running in another terminal). ``curl localhost:PORT`` then reaches the pod.
"""

from __future__ import annotations

from ...engine.network.endpoints import find_port, selector_matches
from ...engine.network.index import index_of, pod_ready
from ...engine.network.traffic import port_forwards
from ..flags import Flag
from ..main import Command, Ctx
from ..result import CommandError

PORT_FORWARD_FLAGS = [
    Flag("address", "stringSlice", default=["localhost"]),
    Flag("pod-running-timeout", "string", default="1m0s"),
]


def _parse_ports(specs: list[str]) -> list[tuple[int, str]]:
    out = []
    for s in specs:
        local, _, remote = s.partition(":") if ":" in s else (s, "", s)
        if not local:
            local = remote  # ":80" picks a random local port in kubectl; keep it simple and predictable
        if not local.isdigit():
            raise CommandError(
                f"error: Error parsing local port '{local}': strconv.ParseUint: parsing \"{local}\": "
                "invalid syntax"
            )
        out.append((int(local), remote))
    return out


def cmd_port_forward(ctx: Ctx) -> None:
    """Resolve the target to a running pod and register the forwards."""
    args = list(ctx.args)
    if len(args) < 2:
        raise CommandError("error: TYPE/NAME and list of ports are required for port-forward")
    target = args[0]
    ns = ctx.namespace
    idx = index_of(ctx.cluster)
    kind, _, name = target.partition("/") if "/" in target else ("pod", "", target)
    kind = kind.lower()
    ports = _parse_ports(args[1:])
    svc = None
    if kind in ("pod", "pods", "po"):
        pod = idx.pod(ns, name)
        if pod is None:
            raise CommandError(f'Error from server (NotFound): pods "{name}" not found')
    elif kind in (
        "svc",
        "service",
        "services",
        "deploy",
        "deployment",
        "deployments",
        "rs",
        "replicaset",
        "statefulset",
        "sts",
    ):
        if kind in ("svc", "service", "services"):
            svc = idx.services.get(ns, {}).get(name)
            if svc is None:
                raise CommandError(f'Error from server (NotFound): services "{name}" not found')
            sel = (svc.get("spec") or {}).get("selector") or {}
        else:
            res = {
                "deploy": "deployments.apps",
                "deployment": "deployments.apps",
                "deployments": "deployments.apps",
                "rs": "replicasets.apps",
                "replicaset": "replicasets.apps",
                "statefulset": "statefulsets.apps",
                "sts": "statefulsets.apps",
            }[kind]
            obj = ctx.api.peek(res, name, ns)
            if obj is None:
                raise CommandError(f'Error from server (NotFound): {res} "{name}" not found')
            sel = ((obj.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
        cands = sorted(
            (
                p
                for p in (idx.pods.get(ns) or {}).values()
                if selector_matches(sel, p["metadata"].get("labels"))
            ),
            key=lambda p: (not pod_ready(p), p["metadata"]["name"]),
        )
        if not cands:
            raise CommandError(
                f"error: unable to forward port because no pods match the selector of {target}"
            )
        pod = cands[0]
    else:
        raise CommandError(f'error: the server doesn\'t have a resource type "{kind}"')
    phase = (pod.get("status") or {}).get("phase", "Pending")
    if phase != "Running":
        raise CommandError(
            f"error: unable to forward port because pod is not running. Current status={phase}"
        )
    table = port_forwards(ctx.cluster)
    resolved = []
    for local, remote in ports:
        if svc is not None:
            sp = next(
                (
                    p
                    for p in (svc.get("spec") or {}).get("ports") or ()
                    if str(p.get("port")) == remote or p.get("name") == remote
                ),
                None,
            )
            if sp is None:
                raise CommandError(f"error: Service {name} does not have a service port {remote}")
            num = find_port(pod, sp)
        elif remote.isdigit():
            num = int(remote)
        else:
            num = find_port(pod, {"targetPort": remote, "protocol": "TCP"})
        if num is None:
            raise CommandError(
                f"error: Pod '{pod['metadata']['name']}' does not have a named port '{remote}'"
            )
        if local in table:
            raise CommandError(
                f"Unable to listen on port {local}: Listeners failed to create with the following errors: [unable to "
                f"create listener: Error listen tcp4 127.0.0.1:{local}: bind: address already in use unable to create "
                f"listener: Error listen tcp6 [::1]:{local}: bind: address already in use]\nerror: unable to listen on "
                f"any of the requested ports: [{{{local} {num}}}]"
            )
        resolved.append((local, num))
    for local, num in resolved:
        table[local] = (ns, pod["metadata"]["name"], num)
        ctx.out(f"Forwarding from 127.0.0.1:{local} -> {num}\nForwarding from [::1]:{local} -> {num}\n")


def command() -> Command:
    """The ``port-forward`` command."""
    return Command(
        "port-forward", cmd_port_forward, PORT_FORWARD_FLAGS, short="Forward one or more local ports to a pod"
    )
