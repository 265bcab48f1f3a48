"""``kubectl logs``, ``kubectl exec`` and ``kubectl top``: containers seen through the kubelet and metrics-server."""

from __future__ import annotations

from typing import Any

from ...engine.errors import StatusError
from ...engine.runtime.metrics import metrics_available, node_metrics, pod_metrics
from ...engine.runtime.processes import exec_in
from ...engine.timeutil import rfc3339
from ..describe.tabwriter import tabwrite
from ..durations import DurationError, parse_duration
from ..flags import Flag
from ..main import Command, Ctx, format_status_error
from ..result import CommandError, Stream, StreamGroup, hand_off

LOGS_FLAGS = [
    Flag("container", "string", "c"),
    Flag("previous", "bool", "p", default=False),
    Flag("tail", "int", default=-1),
    Flag("since", "string"),
    Flag("follow", "bool", "f", default=False),
    Flag("all-containers", "bool", default=False),
    Flag("selector", "string", "l"),
    Flag("timestamps", "bool", default=False),
    Flag("prefix", "bool", default=False),
    Flag("max-log-requests", "int", default=5),
]

EXEC_FLAGS = [
    Flag("container", "string", "c"),
    Flag("stdin", "bool", "i", default=False),
    Flag("tty", "bool", "t", default=False),
    Flag("quiet", "bool", "q", default=False),
]

TOP_FLAGS = [
    Flag("all-namespaces", "bool", "A", default=False),
    Flag("selector", "string", "l"),
    Flag("no-headers", "bool", default=False),
    Flag("sort-by", "string"),
    Flag("containers", "bool", default=False),
    Flag("sum", "bool", default=False),
]


def _bad_request(msg: str) -> CommandError:
    return CommandError(format_status_error(StatusError(400, "BadRequest", msg)))


def _get_pod(ctx: Ctx, name: str) -> dict[str, Any]:
    pod = ctx.api.peek("pods", name, ctx.namespace)
    if pod is None:
        raise CommandError(f'Error from server (NotFound): pods "{name}" not found')
    return pod


def _all_names(pod: dict[str, Any]) -> str:
    spec = pod.get("spec") or {}
    names = [c["name"] for c in spec.get("containers") or []]
    names += [f"{c['name']} (init)" for c in spec.get("initContainers") or []]
    names += [f"{c['name']} (ephem)" for c in spec.get("ephemeralContainers") or []]
    return ", ".join(names)


def _default_container(ctx: Ctx, pod: dict[str, Any], quiet: bool = False) -> str:
    spec = pod.get("spec") or {}
    ann = (pod["metadata"].get("annotations") or {}).get("kubectl.kubernetes.io/default-container")
    names = [c["name"] for c in (spec.get("containers") or []) + (spec.get("initContainers") or [])]
    if ann:
        if ann in names:
            return ann
        ctx.err(f'Default container name "{ann}" not found in pod {pod["metadata"]["name"]}\n')
    first = (spec.get("containers") or [{}])[0].get("name", "")
    if not quiet and (
        len(spec.get("containers") or []) > 1 or spec.get("initContainers") or spec.get("ephemeralContainers")
    ):
        ctx.err(f'Defaulted container "{first}" out of: {_all_names(pod)}\n')
    return first


def _container_status(pod: dict[str, Any], name: str) -> dict[str, Any] | None:
    st = pod.get("status") or {}
    for cs in (st.get("containerStatuses") or []) + (st.get("initContainerStatuses") or []):
        if cs.get("name") == name:
            return cs
    return None


def _worker_container(ctx: Ctx, pod: dict[str, Any], name: str, previous: bool) -> Any:
    mgr = getattr(ctx.cluster, "kubelets", None)
    meta = pod["metadata"]
    k = mgr.kubelet_for_pod(meta.get("namespace", ""), meta["name"]) if mgr is not None else None
    w = k.worker(meta.get("namespace", ""), meta["name"]) if k is not None else None
    cs = w.find(name) if w is not None else None
    if cs is None:
        return None
    if previous:
        cur = cs.current
        if cur is not None and cur.finished is not None and cs.waiting_reason:
            return cur
        return cs.last
    return cs.current


def _log_container(ctx: Ctx, pod: dict[str, Any], name: str, previous: bool) -> Any:
    """Apply the kubelet's validateContainerLogStatus; returns the runtime container (or None: empty logs)."""
    pname = pod["metadata"]["name"]
    spec = pod.get("spec") or {}
    all_names = [
        c["name"]
        for c in (spec.get("containers") or [])
        + (spec.get("initContainers") or [])
        + (spec.get("ephemeralContainers") or [])
    ]
    if name not in all_names:
        raise _bad_request(f"container {name} is not valid for pod {pname}")
    if not spec.get("nodeName"):
        return None
    cs = _container_status(pod, name)
    if cs is None:
        raise _bad_request(f'container "{name}" in pod "{pname}" is waiting to start: ContainerCreating')
    state = cs.get("state") or {}
    last = (cs.get("lastState") or {}).get("terminated")
    if previous:
        if not last or not last.get("containerID"):
            raise _bad_request(f'previous terminated container "{name}" in pod "{pname}" not found')
    elif "running" in state or "terminated" in state or last:
        pass
    elif "waiting" in state:
        reason = state["waiting"].get("reason", "")
        if reason == "ErrImagePull":
            raise _bad_request(
                f'container "{name}" in pod "{pname}" is waiting to start: image can\'t be pulled'
            )
        if reason == "ImagePullBackOff":
            raise _bad_request(
                f'container "{name}" in pod "{pname}" is waiting to start: trying and failing to pull image'
            )
        raise _bad_request(f'container "{name}" in pod "{pname}" is waiting to start: {reason}')
    else:
        raise _bad_request(f'container "{name}" in pod "{pname}" is waiting to start - no logs yet')
    return _worker_container(ctx, pod, name, previous or ("waiting" in state and bool(last)))


def _render_logs(
    ctx: Ctx,
    c: Any,
    since: float | None,
    tail: int,
    timestamps: bool,
    prefix: str,
    start: float | None = None,
) -> tuple[str, float]:
    now = ctx.now()
    if c is None:
        return "", now
    lines: list[tuple[float, str]] = []
    for t, data in c.log_text(now, since):
        if start is not None and t <= start:
            continue
        text = data.decode(errors="replace")
        parts = text.splitlines(keepends=True)
        lines.extend((t, p) for p in parts)
    if tail >= 0:
        lines = lines[-tail:] if tail else []
    out = []
    for t, line in lines:
        ts = rfc3339(t).replace("Z", ".000000000Z") + " " if timestamps else ""
        out.append(f"{prefix}{ts}{line}")
    return "".join(out), now


class LogFollower(Stream):
    """`kubectl logs -f` for a streaming host: new lines as the container writes them, until it exits."""

    def __init__(self, ctx: Ctx, container: Any, timestamps: bool, prefix: str, seen_until: float) -> None:
        super().__init__()
        self.ctx, self.container, self.timestamps, self.prefix = ctx, container, timestamps, prefix
        self.seen_until = seen_until

    def step(self) -> None:
        finished = self.ended
        text, now = _render_logs(
            self.ctx, self.container, None, -1, self.timestamps, self.prefix, self.seen_until
        )
        self.seen_until = now
        self.out(text)
        if finished:
            self.finish(0)

    @property
    def ended(self) -> bool:
        """The container has exited: following ends (after its last lines)."""
        c = self.container
        return c is None or c.finished is not None


def _by_logging_key(pod: dict[str, Any]) -> tuple[Any, ...]:
    """podutils.ByLogging: scheduled, Running (Succeeded/Failed count as Running), ready, ready longest,
    most restarts, oldest."""
    from ...engine.timeutil import parse_rfc3339

    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    phase_rank = {"Unknown": 1, "Pending": 2}.get(status.get("phase") or "", 0)
    ready_cond = next((c for c in status.get("conditions") or [] if c.get("type") == "Ready"), None)
    ready = bool(ready_cond and ready_cond.get("status") == "True")
    ready_since = parse_rfc3339(ready_cond.get("lastTransitionTime") or "") if ready and ready_cond else None
    restarts = max([int(c.get("restartCount") or 0) for c in status.get("containerStatuses") or []] or [0])
    created = parse_rfc3339(pod["metadata"].get("creationTimestamp") or "")
    return (not spec.get("nodeName"), phase_rank, not ready,
            ready_since if ready_since is not None else float("inf"), -restarts,
            created if created is not None else float("inf"))


def _pod_for_object(ctx: Ctx, kind: str, name: str) -> dict[str, Any]:
    """polymorphichelpers.logsForObject: the first pod (ByLogging) a workload or Service selects."""
    from ...engine.selectors import selector_from_label_selector
    from .common import resolve_type

    rt = resolve_type(ctx, kind)
    try:
        obj = ctx.api.get(rt, name, ctx.namespace)
    except StatusError as e:
        raise CommandError(format_status_error(e)) from None
    spec = obj.get("spec") or {}
    if rt.kind in ("ReplicationController", "Service"):
        sel = selector_from_label_selector({"matchLabels": spec.get("selector") or {}})
    elif rt.kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"):
        sel = selector_from_label_selector(spec.get("selector"))
    else:
        go_type = f"*{rt.version}.{rt.kind}"
        raise CommandError(f"error: cannot get the logs from {go_type}: selector for {go_type} not implemented")
    pods = [p for p in ctx.api.list_objects("pods", ctx.namespace) if sel.matches(p["metadata"].get("labels"))]
    if not pods:
        raise CommandError("error: timed out waiting for the condition")
    pods.sort(key=_by_logging_key)
    if len(pods) > 1:
        ctx.err(f"Found {len(pods)} pods, using pod/{pods[0]['metadata']['name']}\n")
    return pods[0]


def cmd_logs(ctx: Ctx) -> None:
    """kubectl logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]."""
    args = list(ctx.args)
    selector = ctx.flag("selector")
    since = None
    if ctx.flag("since"):
        try:
            since = ctx.now() - parse_duration(ctx.flag("since"))
        except DurationError:
            raise CommandError(
                f'error: invalid argument "{ctx.flag("since")}" for "--since" flag: time: invalid '
                f'duration "{ctx.flag("since")}"'
            ) from None
    tail = int(ctx.flag("tail", -1))
    if selector:
        if args:
            raise CommandError("error: only one of a selector or a resource name may be specified")
        from ...engine.selectors import parse_label_selector

        sel = parse_label_selector(selector)
        pods = [
            p for p in ctx.api.list_objects("pods", ctx.namespace) if sel.matches(p["metadata"].get("labels"))
        ]
        if not pods:
            ctx.err(f"No resources found in {ctx.namespace} namespace.\n")
            return
        if tail < 0:
            tail = 10
        prefix_all = ctx.flag("prefix")
    else:
        if not args:
            raise CommandError(
                "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
                "POD or TYPE/NAME is a required argument for the logs command\n"
                "See 'kubectl logs -h' for help and examples"
            )
        name = args[0]
        pod_for_object = None
        if "/" in name:
            kind, _, name = name.partition("/")
            if kind not in ("pod", "pods", "po"):
                pod_for_object = _pod_for_object(ctx, kind, name)
        container = ctx.flag("container")
        if len(args) > 1:
            if container:
                raise CommandError("error: only one of -c or an inline [CONTAINER] arg is allowed")
            container = args[1]
        pods = [pod_for_object or _get_pod(ctx, name)]
        prefix_all = ctx.flag("prefix")
    followers = []
    for pod in pods:
        spec = pod.get("spec") or {}
        if ctx.flag("all-containers"):
            names = [c["name"] for c in (spec.get("initContainers") or []) + (spec.get("containers") or [])]
        else:
            names = [
                ctx.flag("container") or (args[1] if len(args) > 1 else "") or _default_container(ctx, pod)
            ]
        for cname in names:
            prefix = f"[pod/{pod['metadata']['name']}/{cname}] " if prefix_all else ""
            c = _log_container(ctx, pod, cname, bool(ctx.flag("previous")))
            text, now = _render_logs(ctx, c, since, tail, bool(ctx.flag("timestamps")), prefix)
            ctx.out(text)
            if ctx.flag("follow"):
                followers.append(LogFollower(ctx, c, bool(ctx.flag("timestamps")), prefix, now))
    if followers:
        hand_off(ctx.kubectl, ctx.result, followers[0] if len(followers) == 1 else StreamGroup(followers))


def cmd_exec(ctx: Ctx) -> None:
    """kubectl exec (POD | TYPE/NAME) [-c CONTAINER] -- COMMAND [args...]."""
    parsed = ctx.parsed
    argv = list(parsed.after_dash)
    args = list(ctx.args)
    if not args:
        raise CommandError("error: pod, type/name or --filename must be specified")
    if not argv:
        if len(args) > 1:
            raise CommandError(
                "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] "
                "instead\nSee 'kubectl exec -h' for help and examples"
            )
        raise CommandError("error: you must specify at least one command for the container")
    kind, slash, name = args[0].partition("/")
    if not slash:
        name = kind
        pod = _get_pod(ctx, name)
    elif kind in ("pod", "pods", "po"):
        pod = _get_pod(ctx, name)
    else:
        # TYPE/NAME: the first pod of a Deployment, ReplicaSet, Job, Service... (AttachablePodForObject)
        pod = _pod_for_object(ctx, kind, name)
        name = pod["metadata"]["name"]
    phase = (pod.get("status") or {}).get("phase")
    if phase in ("Succeeded", "Failed"):
        raise CommandError(
            f"error: cannot exec into a container in a completed pod; current phase is {phase}"
        )
    cname = ctx.flag("container") or _default_container(ctx, pod, quiet=bool(ctx.flag("quiet")))
    spec = pod.get("spec") or {}
    if cname not in [c["name"] for c in (spec.get("containers") or []) + (spec.get("initContainers") or [])]:
        raise CommandError(f"Error from server (BadRequest): container {cname} is not valid for pod {name}")
    c = _worker_container(ctx, pod, cname, False)
    if c is None or not c.running:
        raise CommandError(f'error: unable to upgrade connection: container not found ("{cname}")')
    now = ctx.now()
    mgr = getattr(ctx.cluster, "kubelets", None)
    k = mgr.kubelet_for_pod(pod["metadata"].get("namespace", ""), name) if mgr else None
    w = k.worker(pod["metadata"].get("namespace", ""), name) if k else None
    resolver = k._resolver(w) if (k is not None and w is not None) else None
    try:
        out, err, code = exec_in(c.live_vfs(now), argv, c.image, c.env, c.hostname, now, resolver)
    except FileNotFoundError:
        cid = c.id
        raise CommandError(
            "error: Internal error occurred: Internal error occurred: error executing command in container: failed "
            f'to exec in container: failed to start exec "{cid}": OCI runtime exec failed: exec failed: unable to '
            f'start container process: exec: "{argv[0]}": executable file not found in $PATH: unknown'
        ) from None
    ctx.out(out.decode(errors="replace"))
    ctx.err(err.decode(errors="replace"))
    if code:
        ctx.err(f"command terminated with exit code {code}\n")
        ctx.result.exit_code = code


def _fmt_cpu(m: int) -> str:
    return f"{m}m"


def _fmt_mem(b: int) -> str:
    return f"{b // (1024 * 1024)}Mi"


def _alloc_milli(v: str) -> int:
    from ...engine.runtime.images import parse_millicores

    return parse_millicores(v)


def _alloc_bytes(v: str) -> int:
    from ...engine.runtime.images import parse_bytes

    return parse_bytes(v)


def cmd_top_pod(ctx: Ctx) -> None:
    """kubectl top pod [NAME | -l label]."""
    if not metrics_available(ctx.cluster):
        raise CommandError("error: Metrics API not available")
    all_ns = bool(ctx.flag("all-namespaces"))
    items = pod_metrics(ctx.cluster, None if all_ns else ctx.namespace)
    if ctx.args:
        items = [m for m in items if m["name"] == ctx.args[0]]
        if not items:
            if ctx.api.peek("pods", ctx.args[0], ctx.namespace) is None:
                raise CommandError(f'Error from server (NotFound): pods "{ctx.args[0]}" not found')
            raise CommandError(f"error: Metrics not available for pod {ctx.namespace}/{ctx.args[0]}, age: 0s")
    if ctx.flag("selector"):
        from ...engine.selectors import parse_label_selector

        sel = parse_label_selector(ctx.flag("selector"))
        keep = {
            (p["metadata"].get("namespace"), p["metadata"]["name"])
            for p in ctx.api.list_objects("pods", None if all_ns else ctx.namespace)
            if sel.matches(p["metadata"].get("labels"))
        }
        items = [m for m in items if (m["namespace"], m["name"]) in keep]
    if not items:
        ctx.err(
            f"No resources found in {ctx.namespace} namespace.\n" if not all_ns else "No resources found\n"
        )
        return
    sort_by = ctx.flag("sort-by")
    if sort_by == "cpu":
        items.sort(key=lambda m: -sum(c["cpu"] for c in m["containers"]))
    elif sort_by == "memory":
        items.sort(key=lambda m: -sum(c["memory"] for c in m["containers"]))
    else:
        items.sort(key=lambda m: (m["namespace"], m["name"]) if all_ns else m["name"])
    lines = []
    containers = bool(ctx.flag("containers"))
    if not ctx.flag("no-headers"):
        head = (
            (["NAMESPACE"] if all_ns else [])
            + (["POD"] if containers else [])
            + ["NAME", "CPU(cores)", "MEMORY(bytes)"]
        )
        lines.append("".join(h + "\t" for h in head))
    for m in items:
        ns_cell = [m["namespace"]] if all_ns else []
        if containers:
            for c in m["containers"]:
                cells = ns_cell + [m["name"], c["name"], _fmt_cpu(c["cpu"]), _fmt_mem(c["memory"])]
                lines.append("".join(x + "\t" for x in cells))
        else:
            cpu = sum(c["cpu"] for c in m["containers"])
            mem = sum(c["memory"] for c in m["containers"])
            lines.append("".join(x + "\t" for x in ns_cell + [m["name"], _fmt_cpu(cpu), _fmt_mem(mem)]))
    ctx.out(tabwrite("\n".join(lines) + "\n", 6, 4, 3))


def cmd_top_node(ctx: Ctx) -> None:
    """kubectl top node [NAME | -l label]."""
    if not metrics_available(ctx.cluster):
        raise CommandError("error: Metrics API not available")
    items = node_metrics(ctx.cluster)
    nodes = {n["metadata"]["name"]: n for n in ctx.api.list_objects("nodes")}
    if ctx.args:
        if ctx.args[0] not in nodes:
            raise CommandError(f'Error from server (NotFound): nodes "{ctx.args[0]}" not found')
        items = [m for m in items if m["name"] == ctx.args[0]]
        nodes = {ctx.args[0]: nodes[ctx.args[0]]}
    if ctx.flag("selector"):
        from ...engine.selectors import parse_label_selector

        sel = parse_label_selector(ctx.flag("selector"))
        nodes = {k: v for k, v in nodes.items() if sel.matches(v["metadata"].get("labels"))}
        items = [m for m in items if m["name"] in nodes]
    sort_by = ctx.flag("sort-by")
    if sort_by == "cpu":
        items.sort(key=lambda m: -m["cpu"])
    elif sort_by == "memory":
        items.sort(key=lambda m: -m["memory"])
    else:
        items.sort(key=lambda m: m["name"])
    lines = []
    if not ctx.flag("no-headers"):
        lines.append("NAME\tCPU(cores)\tCPU%\tMEMORY(bytes)\tMEMORY%\t")
    seen = set()
    for m in items:
        seen.add(m["name"])
        alloc = m["allocatable"]
        cpu_pct = int(m["cpu"] / max(1, _alloc_milli(alloc.get("cpu", "1"))) * 100)
        mem_pct = int(m["memory"] / max(1, _alloc_bytes(alloc.get("memory", "1"))) * 100)
        lines.append(f"{m['name']}\t{_fmt_cpu(m['cpu'])}\t{cpu_pct}%\t{_fmt_mem(m['memory'])}\t{mem_pct}%\t")
    for name in nodes:
        if name not in seen:
            lines.append(f"{name}\t<unknown>\t<unknown>\t<unknown>\t<unknown>\t")
    ctx.out(tabwrite("\n".join(lines) + "\n", 6, 4, 3))


logs = Command("logs", cmd_logs, LOGS_FLAGS, short="Print the logs for a container in a pod")
exec_ = Command("exec", cmd_exec, EXEC_FLAGS, short="Execute a command in a container")
top = Command(
    "top",
    None,
    [],
    subcommands={
        "pod": Command(
            "pod",
            cmd_top_pod,
            TOP_FLAGS,
            aliases=("pods", "po"),
            short="Display resource (CPU/memory) usage of pods",
        ),
        "node": Command(
            "node",
            cmd_top_node,
            TOP_FLAGS,
            aliases=("nodes", "no"),
            short="Display resource (CPU/memory) usage of nodes",
        ),
    },
    short="Display resource (CPU/memory) usage",
)

COMMANDS = {"logs": logs, "exec": exec_, "top": top}
