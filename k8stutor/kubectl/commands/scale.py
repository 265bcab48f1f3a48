"""``kubectl scale``: set ``spec.replicas`` through the scale subresource, with kubectl's preconditions."""

from __future__ import annotations

from ...engine.api.scale import SCALABLE
from ...engine.errors import StatusError
from ..durations import DurationError, parse_duration
from ..flags import Flag
from ..main import Command, Ctx, format_status_error
from ..output import OPERATION_FORMATS, check_format, render
from ..result import CommandError
from .common import FILE_FLAGS
from .rollout import resolve_targets

SCALE_FLAGS = [
    *FILE_FLAGS,
    Flag("replicas", "int", default=-1),
    Flag("current-replicas", "int", default=-1),
    Flag("resource-version", "string"),
    Flag("timeout", "string", default="0s"),
    Flag("selector", "string", "l"),
    Flag("all", "bool", default=False),
    Flag("output", "string", "o"),
    Flag("dry-run", "string", default="none", no_opt_default="unchanged"),
    Flag("record", "bool", default=False),
    Flag("show-managed-fields", "bool", default=False),
    Flag("template", "string"),
]


def _scalable(rt: object) -> bool:
    gr = getattr(rt, "group_resource", "")
    return gr in SCALABLE or "scale" in (getattr(rt, "subresources", ()) or ())


def cmd_scale(ctx: Ctx) -> None:
    """``scale [--current-replicas=N] [--resource-version=V] --replicas=N TYPE NAME...``."""
    if not ctx.changed("replicas"):
        # cobra's MarkFlagRequired failure, as kubectl's main logs it.
        raise CommandError(
            'E1201 00:00:00.000000    1 run.go:72] "command failed" err="required flag(s) '
            '\\"replicas\\" not set"'
        )
    replicas = int(ctx.flag("replicas"))
    current = int(ctx.flag("current-replicas"))
    if replicas < 0:
        raise CommandError(
            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"
        )
    if current < -1:
        raise CommandError("error: The --current-replicas must specify an integer of -1 or greater")
    try:
        timeout = parse_duration(str(ctx.flag("timeout") or "0s"))
    except DurationError:
        raise CommandError(
            f'error: invalid argument "{ctx.flag("timeout")}" for "--timeout" flag: time: invalid '
            f'duration "{ctx.flag("timeout")}"'
        ) from None
    if not ctx.args and not ctx.flag("filename"):
        raise CommandError(
            "error: You must provide one or more resources by argument or filename.\n"
            "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
            "   '<resource> <name>'\n   '<resource>'"
        )
    output = ctx.flag("output") or ""
    check_format(output, OPERATION_FORMATS)
    dry = ctx.flag("dry-run") or "none"
    if ctx.flag("record"):
        ctx.err("Flag --record has been deprecated, --record will be removed in the future\n")
    errors: list[str] = []
    targets = resolve_targets(ctx, ctx.args, errors)
    rv = ctx.flag("resource-version") or ""
    if rv and len(targets) > 1:
        raise CommandError("error: cannot use --resource-version with multiple resources")
    if not targets and not errors:
        raise CommandError("error: no objects passed to scale")
    for rt, name, ns in targets:
        try:
            obj = ctx.api.get(rt, name, ns)
        except StatusError as e:
            errors.append(format_status_error(e))
            break
        if dry in ("client", "unchanged"):
            ctx.out(f"{rt.kind_prefix}/{name} scaled (dry run)\n")
            continue
        if not _scalable(rt):
            errors.append(
                format_status_error(
                    StatusError(404, "NotFound", "the server could not find the requested resource")
                )
            )
            break
        # The scale subresource, as kubectl's scaler does it: with a precondition GET .../scale, check, PUT
        # .../scale; without, PATCH .../scale with {"spec":{"replicas":N}} (RBAC: deployments/scale).
        try:
            if current != -1 or rv:
                scale = ctx.api.get_scale(rt, name, ns)
                have = int((scale.get("spec") or {}).get("replicas") or 0)
                if current != -1 and have != current:
                    errors.append(f"error: Expected replicas to be {current}, was {have}")
                    break
                have_rv = (scale.get("metadata") or {}).get("resourceVersion")
                if rv and have_rv != rv:
                    errors.append(f"error: Expected resource version to be {rv}, was {have_rv}")
                    break
                scale = {**scale, "spec": {**(scale.get("spec") or {}), "replicas": replicas}}
                ctx.api.update_scale(rt, scale, ns, dry_run=dry == "server")
            else:
                ctx.api.patch(
                    rt,
                    name,
                    ns,
                    {"spec": {"replicas": replicas}},
                    "merge",
                    dry_run=dry == "server",
                    subresource="scale",
                )
            if ctx.flag("record") and dry == "none":
                # The recorder's own merge patch of the object (it needs patch on the resource itself).
                cause = {"metadata": {"annotations": {"kubernetes.io/change-cause": change_cause(ctx)}}}
                ctx.api.patch(rt, name, ns, cause, "merge")
            result = ctx.api.get(rt, name, ns) if output else obj
            if output and dry == "server":
                result = {**result, "spec": {**(result.get("spec") or {}), "replicas": replicas}}
        except StatusError as e:
            errors.append(format_status_error(e))
            break
        if timeout > 0 and dry == "none":
            _wait_for_replicas(ctx, rt, name, ns, replicas, timeout)
        if output:
            ctx.out(render([result], output, single=True, rt=rt, read_file=ctx.read_path))
        else:
            ctx.out(f"{rt.kind_prefix}/{name} scaled{' (server dry run)' if dry == 'server' else ''}\n")
    ctx.cluster.settle()
    if errors:
        ctx.err("".join(e + "\n" for e in errors))
        ctx.result.exit_code = 1


def _wait_for_replicas(ctx: Ctx, rt: object, name: str, ns: str | None, want: int, timeout: float) -> None:
    """``--timeout``: wait until status.replicas (and readyReplicas for Deployments) reach the size."""
    cluster = ctx.cluster
    deadline = cluster.now() + timeout

    def ok() -> bool:
        o = ctx.api.peek(rt, name, ns)
        st = (o or {}).get("status") or {}
        return int(st.get("replicas") or 0) == want and int(st.get("readyReplicas") or 0) == want

    cluster.settle()
    while not ok():
        nd = cluster.clock.next_due()
        if nd is None or nd > deadline:
            cluster.clock.run_until(deadline)
            cluster.settle()
            if not ok():
                raise CommandError("error: timed out waiting for the condition")
            return
        cluster.clock.step()
        cluster.settle()


def change_cause(ctx: Ctx) -> str:
    """The ``--record`` change cause: ``kubectl <command words> <args> --flag=value...`` (factory Command)."""
    words = ["kubectl", *ctx.path, *ctx.args]
    for f in sorted(ctx.parsed.changed):
        v = ctx.parsed.flags.get(f)
        if isinstance(v, bool):
            v = "true" if v else "false"
        elif isinstance(v, list):
            v = ",".join(str(x) for x in v)
        words.append(f"--{f}={v}")
    return " ".join(words)


def scale_command() -> Command:
    """The ``scale`` command."""
    return Command(
        "scale",
        cmd_scale,
        SCALE_FLAGS,
        short="Set a new size for a deployment, replica set, or replication controller",
    )
