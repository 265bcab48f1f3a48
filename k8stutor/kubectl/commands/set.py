"""``kubectl set image|env|resources|selector|serviceaccount``: edit the pod template of a workload."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...engine.errors import StatusError
from ...engine.registry import ResourceType
from ...engine.store import clone
from ..flags import Flag
from ..main import Command, Ctx, format_status_error
from ..output import OPERATION_FORMATS, check_format, render
from ..result import CommandError
from .common import FILE_FLAGS
from .rollout import resolve_targets
from .scale import change_cause

Obj = dict[str, Any]
CHANGE_CAUSE = "kubernetes.io/change-cause"

_GO_TYPES = {
    "Service": "*v1.Service",
    "ConfigMap": "*v1.ConfigMap",
    "Secret": "*v1.Secret",
    "Node": "*v1.Node",
    "Namespace": "*v1.Namespace",
}


class NoPodSpec(Exception):
    """The object has no pod template (``UpdatePodSpecForObject`` default case)."""


def pod_spec_of(obj: Obj) -> dict[str, Any]:
    """``UpdatePodSpecForObject``: the (mutable) pod spec inside ``obj``."""
    kind = obj.get("kind", "")
    spec = obj.setdefault("spec", {})
    if kind == "Pod":
        return spec
    if kind in ("Deployment", "ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet", "Job"):
        return spec.setdefault("template", {}).setdefault("spec", {})
    if kind == "CronJob":
        return (
            spec.setdefault("jobTemplate", {})
            .setdefault("spec", {})
            .setdefault("template", {})
            .setdefault("spec", {})
        )
    raise NoPodSpec(
        f"the object is not a pod or does not have a pod template: {_GO_TYPES.get(kind, '*v1.' + kind)}"
    )


Mutator = Callable[[Obj, list[str]], None]


def _apply(ctx: Ctx, targets_args: list[str], mutate: Mutator, done: str, record_flag: bool = True) -> None:
    """Fetch each target, mutate a copy, write it when it changed, print ``<kind>/<name> <done>``."""
    output = ctx.flag("output") or ""
    check_format(output, OPERATION_FORMATS)
    dry = ctx.flag("dry-run") or "none"
    if record_flag and ctx.flag("record"):
        ctx.err("Flag --record has been deprecated, --record will be removed in the future\n")
    errors: list[str] = []
    if not targets_args and not ctx.flag("filename"):
        raise CommandError(
            "error: You must provide one or more resources by argument or filename.\n"
            "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
            "   '<resource> <name>'\n   '<resource>'"
        )
    for rt, name, ns in resolve_targets(ctx, targets_args, errors):
        try:
            live = ctx.api.get(rt, name, ns)
        except StatusError as e:
            errors.append(format_status_error(e))
            continue
        obj = clone(live)
        try:
            mutate(obj, errors)
        except NoPodSpec as e:
            errors.append(f"error: {rt.plural}/{name} {e}")
            continue
        if record_flag and ctx.flag("record"):
            obj["metadata"].setdefault("annotations", {})[CHANGE_CAUSE] = change_cause(ctx)
        if obj == live:
            continue
        _write(ctx, rt, name, ns, obj, dry, output, done, errors)
    ctx.cluster.settle()
    if errors:
        ctx.err("".join(e if e.endswith("\n") else e + "\n" for e in errors))
        ctx.result.exit_code = 1


def _write(
    ctx: Ctx,
    rt: ResourceType,
    name: str,
    ns: str | None,
    obj: Obj,
    dry: str,
    output: str,
    done: str,
    errors: list[str],
) -> None:
    result = obj
    if dry not in ("client", "unchanged"):
        try:
            result = ctx.api.update(obj, ns, rt=rt, dry_run=dry == "server")
        except StatusError as e:
            errors.append(format_status_error(e))
            return
    if output:
        ctx.out(render([result], output, single=True, rt=rt, read_file=ctx.read_path))
        return
    suffix = (
        " (dry run)" if dry in ("client", "unchanged") else " (server dry run)" if dry == "server" else ""
    )
    ctx.out(f"{rt.kind_prefix}/{name} {done}{suffix}\n")


def _split_pairs(args: list[str]) -> tuple[list[str], list[str]]:
    targets: list[str] = []
    pairs: list[str] = []
    for a in args:
        (pairs if "=" in a or (a.endswith("-") and "/" not in a) else targets).append(a)
    return targets, pairs


# ---- set image -------------------------------------------------------------------------------------------


def cmd_set_image(ctx: Ctx) -> None:
    """``set image TYPE/NAME CONTAINER=IMAGE...`` (``*`` for every container)."""
    targets, pairs = _split_pairs(ctx.args)
    images: dict[str, str] = {}
    for p in pairs:
        k, _, v = p.partition("=")
        images[k] = v
    if not images:
        raise CommandError("error: at least one image update is required")
    if len(images) > 1 and "*" in images:
        raise CommandError(
            "error: all containers are already specified by *, but saw more than one "
            "container_name=container_image pairs"
        )

    def mutate(obj: Obj, errors: list[str]) -> None:
        spec = pod_spec_of(obj)
        for cname, image in images.items():
            found = False
            for group in ("initContainers", "containers", "ephemeralContainers"):
                for c in spec.get(group) or ():
                    if c.get("name") == cname or cname == "*":
                        c["image"] = image
                        found = True
            if not found:
                errors.append(f'error: unable to find container named "{cname}"')

    _apply(ctx, targets, mutate, "image updated")


# ---- set env ---------------------------------------------------------------------------------------------


def cmd_set_env(ctx: Ctx) -> None:
    """``set env TYPE/NAME KEY=VAL... KEY-... [-c CONTAINER] [--list]``."""
    targets, pairs = _split_pairs(ctx.args)
    pairs = [*pairs, *(ctx.flag("env") or [])]
    container = ctx.flag("containers") or "*"
    if ctx.flag("list"):
        errors: list[str] = []
        for rt, name, ns in resolve_targets(ctx, targets, errors):
            obj = clone(ctx.api.get(rt, name, ns))
            spec = pod_spec_of(obj)
            for group in ("initContainers", "containers"):
                for c in spec.get(group) or ():
                    if container not in ("*", c.get("name")):
                        continue
                    ctx.out(f"# {rt.kind} {name}, container {c.get('name')}\n")
                    for e in c.get("env") or ():
                        if "value" in e:
                            ctx.out(f"{e['name']}={e['value']}\n")
                        elif e.get("valueFrom"):
                            ctx.out(f"# {e['name']} from {_value_from(e['valueFrom'])}\n")
                        else:
                            ctx.out(f"{e['name']}=\n")
        return
    if not targets and not ctx.flag("filename"):
        raise CommandError(
            "error: one or more resources must be specified as <resource> <name> or <resource>/<name>"
        )
    if not pairs:
        raise CommandError("error: at least one environment variable must be provided")
    add: list[tuple[str, str]] = []
    remove: list[str] = []
    for p in pairs:
        if "=" in p:
            k, _, v = p.partition("=")
            if not k:
                raise CommandError(f"error: invalid env: {p}")
            add.append((k, v))
        elif p.endswith("-"):
            remove.append(p[:-1])
        else:
            raise CommandError(f"error: environment variables must be of the form key=value: {p}")
    overwrite = ctx.flag("overwrite", True)

    def mutate(obj: Obj, errors: list[str]) -> None:
        spec = pod_spec_of(obj)
        found = False
        for group in ("initContainers", "containers"):
            for c in spec.get(group) or ():
                if container not in ("*", c.get("name")):
                    continue
                found = True
                env = [dict(e) for e in c.get("env") or ()]
                for k, v in add:
                    existing = next((e for e in env if e.get("name") == k), None)
                    if existing is not None:
                        if overwrite:
                            existing.pop("valueFrom", None)
                            existing["value"] = v
                    else:
                        env.append({"name": k, "value": v})
                env = [e for e in env if e.get("name") not in remove]
                if env:
                    c["env"] = env
                else:
                    c.pop("env", None)
        if not found and container != "*":
            errors.append(f"error: unable to find container named {container}")

    _apply(ctx, targets, mutate, "env updated", record_flag=False)


def _value_from(vf: dict[str, Any]) -> str:
    if "fieldRef" in vf:
        return f"field path {vf['fieldRef'].get('fieldPath', '')}"
    if "resourceFieldRef" in vf:
        return f"resource {vf['resourceFieldRef'].get('resource', '')}"
    if "configMapKeyRef" in vf:
        r = vf["configMapKeyRef"]
        return f"configmap {r.get('name', '')}, key {r.get('key', '')}"
    if "secretKeyRef" in vf:
        r = vf["secretKeyRef"]
        return f"secret {r.get('name', '')}, key {r.get('key', '')}"
    return ""


# ---- set resources ---------------------------------------------------------------------------------------


def _parse_resource_list(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in [p for p in text.split(",") if p]:
        k, eq, v = part.partition("=")
        if not eq or not k or not v:
            raise CommandError(f"error: invalid argument syntax {part}, expected <resource>=<value>")
        out[k] = v
    return out


def cmd_set_resources(ctx: Ctx) -> None:
    """``set resources TYPE/NAME [-c CONTAINER] --limits=cpu=200m,memory=512Mi --requests=...``."""
    limits = _parse_resource_list(ctx.flag("limits") or "")
    requests = _parse_resource_list(ctx.flag("requests") or "")
    if not limits and not requests:
        raise CommandError(
            "error: you must specify an update to requests or limits (in the form of --requests/--limits)"
        )
    container = ctx.flag("containers") or "*"

    def mutate(obj: Obj, errors: list[str]) -> None:
        spec = pod_spec_of(obj)
        found = False
        for group in ("initContainers", "containers"):
            for c in spec.get(group) or ():
                if container not in ("*", c.get("name")):
                    continue
                found = True
                res = c.setdefault("resources", {})
                if limits:
                    res["limits"] = dict(res.get("limits") or {}, **limits)
                if requests:
                    res["requests"] = dict(res.get("requests") or {}, **requests)
        if not found:
            errors.append(f"error: unable to find container named {container}")

    _apply(ctx, ctx.args, mutate, "resource requirements updated")


# ---- set selector ----------------------------------------------------------------------------------------


def cmd_set_selector(ctx: Ctx) -> None:
    """``set selector TYPE NAME EXPRESSIONS`` (Services' ``spec.selector``; replaces the whole selector)."""
    if not ctx.args:
        raise CommandError("error: one selector is required")
    expr = ctx.args[-1]
    targets = ctx.args[:-1]
    selector: dict[str, str] = {}
    for part in [p.strip() for p in expr.split(",") if p.strip()]:
        k, eq, v = part.partition("=")
        if not eq:
            raise CommandError(f"error: invalid selector: {expr}")
        selector[k.strip()] = v.strip()

    def mutate(obj: Obj, errors: list[str]) -> None:
        spec = obj.setdefault("spec", {})
        if obj.get("kind") == "Service" or obj.get("kind") == "ReplicationController":
            spec["selector"] = dict(selector)
        else:
            spec["selector"] = {"matchLabels": dict(selector)}

    _apply(ctx, targets, mutate, "selector updated")


# ---- set serviceaccount ----------------------------------------------------------------------------------


def cmd_set_serviceaccount(ctx: Ctx) -> None:
    """``set serviceaccount TYPE NAME SERVICE_ACCOUNT``."""
    if len(ctx.args) < 2 and not ctx.flag("filename"):
        raise CommandError("error: serviceaccount is required")
    sa = ctx.args[-1]
    targets = ctx.args[:-1]

    def mutate(obj: Obj, errors: list[str]) -> None:
        spec = pod_spec_of(obj)
        spec["serviceAccountName"] = sa
        spec.pop("serviceAccount", None)
        if obj.get("kind") == "Pod":
            spec["serviceAccount"] = sa

    _apply(ctx, targets, mutate, "serviceaccount updated")


COMMON = [
    *FILE_FLAGS,
    Flag("selector", "string", "l"),
    Flag("all", "bool", default=False),
    Flag("local", "bool", default=False),
    Flag("output", "string", "o"),
    Flag("dry-run", "string", default="none", no_opt_default="unchanged"),
    Flag("record", "bool", default=False),
    Flag("field-manager", "string", default="kubectl-set"),
    Flag("show-managed-fields", "bool", default=False),
    Flag("template", "string"),
    Flag("allow-missing-template-keys", "bool", default=True),
]


def set_command() -> Command:
    """The ``set`` command with its sub-commands."""
    return Command(
        "set",
        None,
        short="Set specific features on objects",
        subcommands={
            "env": Command(
                "env",
                cmd_set_env,
                [
                    *COMMON,
                    Flag("containers", "string", "c", default="*"),
                    Flag("env", "stringArray", "e"),
                    Flag("list", "bool", default=False),
                    Flag("overwrite", "bool", default=True),
                    Flag("from", "string"),
                    Flag("keys", "stringSlice"),
                    Flag("prefix", "string"),
                    Flag("resolve", "bool", default=False),
                    Flag("all-namespaces", "bool", "A", default=False),
                ],
                short="Update environment variables on a pod template",
            ),
            "image": Command("image", cmd_set_image, COMMON, short="Update the image of a pod template"),
            "resources": Command(
                "resources",
                cmd_set_resources,
                [
                    *COMMON,
                    Flag("containers", "string", "c", default="*"),
                    Flag("limits", "string"),
                    Flag("requests", "string"),
                ],
                short="Update resource requests/limits on objects with pod templates",
            ),
            "selector": Command(
                "selector",
                cmd_set_selector,
                [*COMMON, Flag("resource-version", "string")],
                short="Set the selector on a resource",
            ),
            "serviceaccount": Command(
                "serviceaccount",
                cmd_set_serviceaccount,
                COMMON,
                aliases=("sa",),
                short="Update the service account of a resource",
            ),
        },
    )
