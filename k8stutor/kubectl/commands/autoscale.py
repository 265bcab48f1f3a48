"""``kubectl autoscale``: creates an autoscaling/v1 HorizontalPodAutoscaler (what kubectl v1.32 sends)."""

from __future__ import annotations

from typing import Any

from k8stutor.engine.errors import StatusError

from ..flags import Flag
from ..main import Command, Ctx, format_status_error
from ..result import CommandError
from .common import resolve_type

SCALABLE = {
    ("apps", "Deployment"),
    ("apps", "ReplicaSet"),
    ("apps", "StatefulSet"),
    ("", "ReplicationController"),
}

AUTOSCALE_FLAGS = [
    Flag("min", "int", default=-1),
    Flag("max", "int", default=-1),
    Flag("cpu-percent", "int", default=-1),
    Flag("name", "string", default=""),
    Flag("dry-run", "string", default="none", no_opt_default="unchanged"),
    Flag("output", "string", "o", default=""),
]


def new_hpa(
    name: str, target: dict[str, Any], min_replicas: int, max_replicas: int, cpu_percent: int
) -> dict[str, Any]:
    """The object ``kubectl autoscale`` builds (``HorizontalPodAutoscalerGeneratorV1``)."""
    spec: dict[str, Any] = {
        "scaleTargetRef": {
            "apiVersion": target["apiVersion"],
            "kind": target["kind"],
            "name": target["metadata"]["name"],
        }
    }
    if min_replicas > -1:
        spec["minReplicas"] = min_replicas
    spec["maxReplicas"] = max_replicas
    if cpu_percent >= 0:
        spec["targetCPUUtilizationPercentage"] = cpu_percent
    return {
        "apiVersion": "autoscaling/v1",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name, "namespace": target["metadata"]["namespace"]},
        "spec": spec,
    }


def to_v2(hpa: dict[str, Any]) -> dict[str, Any]:
    """The autoscaling/v2 form the API server stores for an autoscaling/v1 object (v1 -> v2 conversion)."""
    spec = dict(hpa["spec"])
    target = spec.pop("targetCPUUtilizationPercentage", None)
    if target is not None:
        spec["metrics"] = [
            {
                "type": "Resource",
                "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": target}},
            }
        ]
    return {
        "apiVersion": "autoscaling/v2",
        "kind": hpa["kind"],
        "metadata": dict(hpa["metadata"]),
        "spec": spec,
    }


def cmd_autoscale(ctx: Ctx) -> None:
    """``kubectl autoscale TYPE NAME | TYPE/NAME --max=N [--min=N] [--cpu-percent=N] [--name=NAME]``."""
    args = list(ctx.args)
    max_r, min_r = int(ctx.flag("max", -1)), int(ctx.flag("min", -1))
    if max_r < 1:
        raise CommandError(f"error: --max=MAXPODS is required and must be at least 1, max: {max_r}")
    if max_r < min_r:
        raise CommandError(
            f"error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: {max_r}, min: {min_r}"
        )
    if len(args) == 1 and "/" in args[0]:
        type_name, _, obj_name = args[0].partition("/")
        pairs = [(type_name, obj_name)]
    elif len(args) == 2:
        pairs = [(args[0], args[1])]
    else:
        raise CommandError(
            "error: You must provide one or more resources by argument or filename.\n"
            "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
            "   '<resource> <name>'\n   '<resource>'"
        )
    for type_name, obj_name in pairs:
        rt = resolve_type(ctx, type_name)
        try:
            target = ctx.api.get(rt, obj_name, ctx.namespace)
        except StatusError as err:
            raise CommandError(format_status_error(err)) from None
        if (rt.group, rt.kind) not in SCALABLE:
            raise CommandError(f"error: cannot autoscale a {rt.kind}: cannot autoscale a {rt.kind}")
        hpa = new_hpa(ctx.flag("name") or obj_name, target, min_r, max_r, int(ctx.flag("cpu-percent", -1)))
        mode = ctx.flag("dry-run", "none")
        suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(mode, "")
        if mode != "client":
            try:
                ctx.api.create(to_v2(hpa), ctx.namespace, dry_run=mode == "server")
            except StatusError as err:
                raise CommandError(format_status_error(err)) from None
        ctx.out(f"horizontalpodautoscaler.autoscaling/{hpa['metadata']['name']} autoscaled{suffix}\n")


def autoscale_command() -> Command:
    """The ``autoscale`` Command object for the command table."""
    return Command(
        "autoscale",
        cmd_autoscale,
        AUTOSCALE_FLAGS,
        short="Auto-scale a deployment, replica set, stateful set, or replication controller",
    )
