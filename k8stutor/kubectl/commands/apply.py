"""``kubectl apply``, ``create -f``, ``replace`` and ``delete``: the commands that write manifests."""

from __future__ import annotations

import json
from typing import Any

from ...engine.errors import StatusError
from ...engine.registry import ResourceType
from ...engine.store import clone
from ..apply_patch import LAST_APPLIED, annotate_last_applied, create_apply_patch, original_configuration
from ..flags import Flag
from ..main import Ctx, format_status_error
from ..output import OPERATION_FORMATS, check_format, render, split_format
from ..result import CommandError
from .common import FILE_FLAGS, load_manifests, mapping_error, require_filenames_or_args, resolve_type

DRY_RUN = Flag("dry-run", "string", default="none", no_opt_default="unchanged")
OUTPUT = Flag("output", "string", "o")

APPLY_FLAGS = [
    *FILE_FLAGS, OUTPUT, DRY_RUN,
    Flag("server-side", "bool", default=False),
    Flag("force-conflicts", "bool", default=False),
    Flag("field-manager", "string", default="kubectl-client-side-apply"),
    Flag("validate", "string", default="strict", no_opt_default="strict"),
    Flag("overwrite", "bool", default=True),
    Flag("prune", "bool", default=False),
    Flag("selector", "string", "l"),
    Flag("all", "bool", default=False),
    Flag("force", "bool", default=False),
    Flag("grace-period", "int", default=-1),
    Flag("timeout", "string", default="0s"),
    Flag("wait", "bool", default=False),
    Flag("record", "bool", default=False),
    Flag("show-managed-fields", "bool", default=False),
    Flag("template", "string"),
    Flag("openapi-patch", "bool", default=True),
    Flag("cascade", "string", default="background", no_opt_default="background"),
]

CREATE_FLAGS = [
    *FILE_FLAGS, OUTPUT, DRY_RUN,
    Flag("save-config", "bool", default=False),
    Flag("validate", "string", default="strict", no_opt_default="strict"),
    Flag("edit", "bool", default=False),
    Flag("field-manager", "string", default="kubectl-create"),
    Flag("selector", "string", "l"),
    Flag("raw", "string"),
    Flag("windows-line-endings", "bool", default=False),
    Flag("record", "bool", default=False),
    Flag("show-managed-fields", "bool", default=False),
    Flag("template", "string"),
]

REPLACE_FLAGS = [
    *FILE_FLAGS, OUTPUT, DRY_RUN,
    Flag("force", "bool", default=False),
    Flag("grace-period", "int", default=-1),
    Flag("cascade", "string", default="background", no_opt_default="background"),
    Flag("save-config", "bool", default=False),
    Flag("validate", "string", default="strict", no_opt_default="strict"),
    Flag("timeout", "string", default="0s"),
    Flag("wait", "bool", default=False),
    Flag("field-manager", "string", default="kubectl-replace"),
    Flag("subresource", "string"),
    Flag("raw", "string"),
    Flag("show-managed-fields", "bool", default=False),
    Flag("template", "string"),
]

DELETE_FLAGS = [
    *FILE_FLAGS, OUTPUT, DRY_RUN,
    Flag("all", "bool", default=False),
    Flag("all-namespaces", "bool", "A", default=False),
    Flag("selector", "string", "l"),
    Flag("field-selector", "string"),
    Flag("force", "bool", default=False),
    Flag("grace-period", "int", default=-1),
    Flag("now", "bool", default=False),
    Flag("cascade", "string", default="background", no_opt_default="background"),
    Flag("ignore-not-found", "bool", default=False),
    Flag("wait", "bool", default=True),
    Flag("timeout", "string", default="0s"),
    Flag("interactive", "bool", "i", default=False),
    Flag("raw", "string"),
]


def dry_run_mode(ctx: Ctx) -> str:
    v = ctx.flag("dry-run") or "none"
    if v == "unchanged":
        ctx.err('W1201 00:00:00.000000    1 helpers.go:703] --dry-run is deprecated and can be replaced with '
                "--dry-run=client.\n")
        return "client"
    if v in ("true",):
        return "client"
    if v in ("false", "none"):
        return "none"
    if v not in ("client", "server"):
        raise CommandError(f'error: Invalid dry-run value ({v}). Must be "none", "server", or "client".')
    return v


def dry_suffix(mode: str) -> str:
    return {"client": " (dry run)", "server": " (server dry run)"}.get(mode, "")


def _target_namespace(ctx: Ctx, rt: ResourceType, obj: dict[str, Any]) -> str | None:
    if not rt.namespaced:
        return None
    obj_ns = (obj.get("metadata") or {}).get("namespace")
    if obj_ns and ctx.namespace_explicit and obj_ns != ctx.namespace:
        raise CommandError(
            f'error: the namespace from the provided object "{obj_ns}" does not match the namespace '
            f'"{ctx.namespace}". You must pass \'--namespace={obj_ns}\' to perform this operation.'
        )
    return obj_ns or ctx.namespace


def _emit(ctx: Ctx, rt: ResourceType, obj: dict[str, Any], verb: str, mode: str, objs: list[Any]) -> None:
    output = ctx.flag("output") or ""
    fmt, _ = split_format(output)
    if fmt == "name":
        ctx.out(f"{rt.kind_prefix}/{obj['metadata']['name']}\n")
    elif output:
        objs.append(obj)
    else:
        ctx.out(f"{rt.kind_prefix}/{obj['metadata']['name']} {verb}{dry_suffix(mode)}\n")


def _flush_objects(ctx: Ctx, objs: list[dict[str, Any]], rt: ResourceType | None = None) -> None:
    output = ctx.flag("output") or ""
    if objs and output and split_format(output)[0] != "name":
        ctx.out(render(objs, output, single=len(objs) == 1, rt=rt, read_file=ctx.read_path))


def _finish(ctx: Ctx, errors: list[str]) -> None:
    if errors:
        ctx.err("".join(e if e.endswith("\n") else e + "\n" for e in errors))
        ctx.result.exit_code = 1


def _prepare(ctx: Ctx, obj: dict[str, Any]) -> dict[str, Any]:
    obj = clone(obj)
    if not isinstance(obj.get("metadata"), dict):
        obj["metadata"] = {}
    return obj


def cmd_apply(ctx: Ctx) -> None:
    if ctx.args:
        raise CommandError("error: Unexpected args: " + json.dumps(ctx.args).replace('", "', " ").replace('"', "")
                           + "\nSee 'kubectl apply -h' for help and examples")
    if not ctx.flag("filename") and not ctx.flag("kustomize"):
        raise CommandError("error: must specify one of -f and -k")
    check_format(ctx.flag("output") or "", OPERATION_FORMATS)
    mode = dry_run_mode(ctx)
    errors: list[str] = []
    objs: list[dict[str, Any]] = []
    manifests = load_manifests(ctx, ctx.flag("filename") or [], errors)
    if ctx.flag("server-side"):
        _server_side_apply(ctx, manifests, mode, errors, objs)
        _flush_objects(ctx, objs)
        _finish(ctx, errors)
        return
    for m in manifests:
        obj = _prepare(ctx, m.obj)
        rt = ctx.cluster.registry.by_gvk(obj.get("apiVersion", ""), obj.get("kind", ""))
        if rt is None:
            errors.append(mapping_error(obj, m.source))
            continue
        try:
            ns = _target_namespace(ctx, rt, obj)
        except CommandError as e:
            errors.append(e.message)
            continue
        if ns is not None:
            obj["metadata"]["namespace"] = ns
        name = obj["metadata"].get("name")
        if not name:
            errors.append(f'error: error when retrieving current configuration of:\nResource: "{rt.group_resource}", '
                          f'GroupVersionKind: "{rt.api_version}, Kind={rt.kind}"\nName: "", Namespace: "{ns or ""}"\n'
                          f'from server for: "{m.source}": resource name may not be empty')
            continue
        modified = annotate_last_applied(obj)
        live = ctx.api.peek(rt, name, ns)
        try:
            if live is None:
                if mode == "client":
                    result = modified
                else:
                    result = ctx.api.create(modified, ns, dry_run=mode == "server", rt=rt,
                                            field_manager=ctx.flag("field-manager"))
                _emit(ctx, rt, result, "created", mode, objs)
                continue
            if obj.get("apiVersion") != rt.api_version:
                from ...engine.api.conversion import to_version

                # kubectl reads the live object in the manifest's version (an autoscaling/v1 HPA) and diffs that.
                live = to_version(clone(live), obj["apiVersion"])
            original = original_configuration(live)
            if original is None:
                ctx.err(f"Warning: resource {rt.group_resource}/{name} is missing the "
                        "kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl "
                        "apply. kubectl apply should only be used on resources created declaratively by either "
                        "kubectl create --save-config or kubectl apply. The missing annotation will be patched "
                        "automatically.\n")
            patch = create_apply_patch(original, modified, live, rt.group, rt.version, rt.kind)
            if not patch:
                _emit(ctx, rt, live, "unchanged", mode, objs)
                continue
            if mode == "client":
                _emit(ctx, rt, live, "configured", mode, objs)
                continue
            ptype = "merge" if rt.crd else "strategic"
            if obj.get("apiVersion") != rt.api_version and isinstance(patch, dict):
                patch = {"apiVersion": obj["apiVersion"], **patch}  # applied to the object in that version
            result = ctx.api.patch(rt, name, ns, patch, ptype, dry_run=mode == "server",
                                   field_manager=ctx.flag("field-manager"))
            _emit(ctx, rt, result, "configured", mode, objs)
        except StatusError as e:
            verb = "creating" if live is None else "patching"
            errors.append(_source_error(e, verb, m.source, rt, name, ns, patch=None))
        except Exception as e:  # patch computation errors carry Go's text
            if type(e).__name__ == "PatchError":
                errors.append(f"error: {e}")
            else:
                raise
    _flush_objects(ctx, objs)
    _finish(ctx, errors)


def _server_side_apply(ctx: Ctx, manifests: list[Any], mode: str, errors: list[str], objs: list[Any]) -> None:
    """``--server-side``: the API server merges the applied configuration and records field ownership
    (engine/api/managedfields.py); a field another manager owns is a conflict unless ``--force-conflicts``."""
    from ...engine.api.managedfields import server_side_apply

    manager = ctx.flag("field-manager") or "kubectl"
    if manager == "kubectl-client-side-apply":
        manager = "kubectl"

    for m in manifests:
        obj = _prepare(ctx, m.obj)
        rt = ctx.cluster.registry.by_gvk(obj.get("apiVersion", ""), obj.get("kind", ""))
        if rt is None:
            errors.append(mapping_error(obj, m.source))
            continue
        ns = _target_namespace(ctx, rt, obj)
        if ns is not None:
            obj["metadata"]["namespace"] = ns
        name = obj["metadata"].get("name", "")
        live = ctx.api.peek(rt, name, ns)
        try:
            if mode == "client":
                res = obj if live is None else live
            else:
                res, _ = server_side_apply(ctx.api, rt, name, ns, obj, manager, bool(ctx.flag("force-conflicts")),
                                           dry_run=mode == "server")
                if mode == "none" and manager == "kubectl":
                    res = _migrate_client_side_apply(ctx, rt, name, ns, obj, res)
            _emit(ctx, rt, res, "serverside-applied", mode, objs)
        except StatusError as e:
            if e.code == 409 and e.reason == "Conflict" and "Apply failed" in e.message:
                errors.append(f"error: {e.message}\n{SSA_CONFLICT_HELP}")
            else:
                errors.append(_source_error(e, "applying" if live else "creating", m.source, rt, name, ns))


def _migrate_client_side_apply(ctx: Ctx, rt: ResourceType, name: str, ns: str | None, config: dict[str, Any],
                               res: dict[str, Any]) -> dict[str, Any]:
    """After ``apply --server-side`` of an object once client-side applied, kubectl keeps the last-applied
    annotation under ``kubectl-last-applied`` and moves the client-side-apply fields to ``kubectl``, then
    applies again (saveLastApplyAnnotationIfNecessary, migrateToSSAIfNecessary)."""
    from ...engine.api import managedfields as mf

    annotation = ((res.get("metadata") or {}).get("annotations") or {}).get(LAST_APPLIED)
    if annotation is None:
        return res
    if not mf.owners(res, "Apply", mf.LAST_APPLIED_PATH):
        meta: dict[str, Any] = {"name": name, "annotations": {LAST_APPLIED: annotation}}
        if ns is not None:
            meta["namespace"] = ns
        res, _ = mf.server_side_apply(ctx.api, rt, name, ns, {"apiVersion": rt.api_version, "kind": rt.kind,
                                                             "metadata": meta}, "kubectl-last-applied")
    entries = mf.upgrade_managed_fields(res, mf.owners(res, "Update", mf.LAST_APPLIED_PATH), "kubectl")
    if entries is None:
        return res
    upgraded = clone(res)
    upgraded["metadata"]["managedFields"] = entries
    ctx.api.update(upgraded, ns, rt=rt, field_manager="kubectl")
    res, _ = mf.server_side_apply(ctx.api, rt, name, ns, config, "kubectl", bool(ctx.flag("force-conflicts")))
    return res


SSA_CONFLICT_HELP = """Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the `--force-conflicts` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts"""


def _source_error(e: StatusError, verb: str, source: str, rt: ResourceType, name: str, ns: str | None,
                  patch: Any = None) -> str:
    """cmdutil.AddSourceToErr: ``Error from server (NotFound): error when creating "x.yaml": ...``."""
    if e.code == 422 and e.reason == "Invalid":
        return format_status_error(e)
    return format_status_error(e, f'error when {verb} "{source}": ')


def cmd_create_from_files(ctx: Ctx) -> None:
    """``kubectl create -f``."""
    if not ctx.flag("filename") and not ctx.flag("kustomize"):
        raise CommandError("error: must specify one of -f and -k")
    check_format(ctx.flag("output") or "", OPERATION_FORMATS)
    mode = dry_run_mode(ctx)
    errors: list[str] = []
    objs: list[dict[str, Any]] = []
    for m in load_manifests(ctx, ctx.flag("filename") or [], errors):
        obj = _prepare(ctx, m.obj)
        rt = ctx.cluster.registry.by_gvk(obj.get("apiVersion", ""), obj.get("kind", ""))
        if rt is None:
            errors.append(mapping_error(obj, m.source))
            continue
        try:
            ns = _target_namespace(ctx, rt, obj)
        except CommandError as e:
            errors.append(e.message)
            continue
        if ns is not None:
            obj["metadata"]["namespace"] = ns
        if ctx.flag("save-config"):
            obj = annotate_last_applied(obj)
        try:
            res = obj if mode == "client" else ctx.api.create(obj, ns, dry_run=mode == "server", rt=rt,
                                                              field_manager=ctx.flag("field-manager"))
            _emit(ctx, rt, res, "created", mode, objs)
        except StatusError as e:
            errors.append(_source_error(e, "creating", m.source, rt, obj["metadata"].get("name", ""), ns))
    _flush_objects(ctx, objs)
    _finish(ctx, errors)


def cmd_replace(ctx: Ctx) -> None:
    if not ctx.flag("filename"):
        raise CommandError("error: must specify --filename to replace")
    check_format(ctx.flag("output") or "", OPERATION_FORMATS)
    mode = dry_run_mode(ctx)
    errors: list[str] = []
    objs: list[dict[str, Any]] = []
    for m in load_manifests(ctx, ctx.flag("filename") or [], errors):
        obj = _prepare(ctx, m.obj)
        rt = ctx.cluster.registry.by_gvk(obj.get("apiVersion", ""), obj.get("kind", ""))
        if rt is None:
            errors.append(mapping_error(obj, m.source))
            continue
        ns = _target_namespace(ctx, rt, obj)
        if ns is not None:
            obj["metadata"]["namespace"] = ns
        name = obj["metadata"].get("name", "")
        try:
            if ctx.flag("force"):
                live = ctx.api.peek(rt, name, ns)
                if live is not None and mode == "none":
                    ctx.api.delete(rt, name, ns, grace_period=0 if ctx.flag("grace-period") == 0 else None)
                    _wait_gone(ctx, rt, name, ns)
                    ctx.out(f'{rt.kind_prefix}/{name} deleted\n' if False else f'{rt.singular} "{name}" deleted\n')
                res = obj if mode == "client" else ctx.api.create(obj, ns, dry_run=mode == "server", rt=rt)
                _emit(ctx, rt, res, "replaced", mode, objs)
                continue
            live = ctx.api.peek(rt, name, ns)
            if live is not None and ctx.flag("save-config") or (
                    live is not None and LAST_APPLIED in (live["metadata"].get("annotations") or {})):
                obj = annotate_last_applied(obj)
            res = obj if mode == "client" else ctx.api.update(obj, ns, dry_run=mode == "server", rt=rt)
            _emit(ctx, rt, res, "replaced", mode, objs)
        except StatusError as e:
            errors.append(_source_error(e, "replacing", m.source, rt, name, ns))
    _flush_objects(ctx, objs)
    _finish(ctx, errors)


def _propagation(ctx: Ctx) -> str:
    c = (ctx.flag("cascade") or "background").lower()
    mapping = {"background": "Background", "true": "Background", "foreground": "Foreground", "orphan": "Orphan",
               "false": "Orphan"}
    if c not in mapping:
        raise CommandError(f'error: invalid cascade value ({ctx.flag("cascade")}). Must be "background", '
                           '"foreground", or "orphan".')
    return mapping[c]


def cmd_delete(ctx: Ctx) -> None:
    mode = dry_run_mode(ctx)
    output = ctx.flag("output") or ""
    if output and output != "name":
        raise CommandError(f'error: unexpected -o output mode: {output}. We only support \'-o name\'')
    require_filenames_or_args(ctx, "delete")
    force = ctx.flag("force")
    grace = ctx.flag("grace-period")
    if ctx.flag("now"):
        if grace not in (-1, None):
            raise CommandError("error: --now and --grace-period cannot be specified together")
        grace = 1
    if force and grace in (-1, None):
        grace = 0
    if force and grace == 0:
        ctx.err("Warning: Immediate deletion does not wait for confirmation that the running resource has been "
                "terminated. The resource may continue to run on the cluster indefinitely.\n")
    elif grace == 0 and not force:
        grace = 1  # kubectl turns --grace-period=0 without --force into 1
    policy = _propagation(ctx)
    errors: list[str] = []
    targets: list[tuple[ResourceType, str, str | None, str]] = []  # rt, name, ns, source
    all_ns = ctx.flag("all-namespaces")
    if ctx.flag("filename"):
        if ctx.args:
            raise CommandError("error: when paths, URLs, or stdin is provided as input, you may not specify resource "
                               "arguments as well")
        for m in load_manifests(ctx, ctx.flag("filename") or [], errors):
            obj = m.obj
            rt = ctx.cluster.registry.by_gvk(obj.get("apiVersion", ""), obj.get("kind", ""))
            if rt is None:
                errors.append(mapping_error(obj, m.source))
                continue
            ns = _target_namespace(ctx, rt, obj)
            targets.append((rt, (obj.get("metadata") or {}).get("name", ""), ns, m.source))
    else:
        args = ctx.args
        if any("/" in a for a in args):
            for a in args:
                if "/" not in a:
                    raise CommandError("error: there is no need to specify a resource type as a separate argument "
                                       "when passing arguments in resource/name form (e.g. 'kubectl get "
                                       "resource/<resource_name>' instead of 'kubectl get resource "
                                       "resource/<resource_name>'")
                t, _, n = a.partition("/")
                rt = resolve_type(ctx, t)
                targets.append((rt, n, ctx.namespace if rt.namespaced else None, ""))
        else:
            types = [resolve_type(ctx, t) for t in args[0].split(",") if t]
            names = args[1:]
            selector = ctx.flag("selector")
            fsel = ctx.flag("field-selector")
            if names and (ctx.flag("all") or selector):
                raise CommandError("error: name cannot be provided when a selector is specified" if selector else
                                   "error: name cannot be provided when --all is specified")
            if not names and not ctx.flag("all") and not selector and not fsel:
                raise CommandError("error: resource(s) were provided, but no name was specified")
            for rt in types:
                ns = None if all_ns else ctx.namespace
                if names:
                    for n in names:
                        targets.append((rt, n, ns if rt.namespaced else None, ""))
                else:
                    for o in ctx.api.list_objects(rt, ns if rt.namespaced else None, selector, fsel):
                        targets.append((rt, o["metadata"]["name"], o["metadata"].get("namespace"), ""))
            if not targets and not names:
                ctx.err("No resources found\n")
    deleted: list[tuple[ResourceType, str, str | None, str]] = []
    for rt, name, ns, source in targets:
        live = ctx.api.peek(rt, name, ns)
        uid = str((live or {}).get("metadata", {}).get("uid") or "")
        try:
            ctx.api.delete(rt, name, ns, grace_period=None if grace in (-1, None) else grace,
                           propagation_policy=policy, dry_run=mode != "none")
        except StatusError as e:
            if e.code == 404 and ctx.flag("ignore-not-found"):
                continue
            errors.append(format_status_error(e, f'error when deleting "{source}": ' if source else ""))
            continue
        if output == "name":
            ctx.out(f"{rt.kind_prefix}/{name}\n")
        else:
            word = "force deleted" if force and grace == 0 else "deleted"
            ctx.out(f'{rt.singular if not rt.group else rt.singular + "." + rt.group} "{name}" {word}'
                    f"{dry_suffix(mode)}\n")
        deleted.append((rt, name, ns, uid))
    if mode == "none" and ctx.flag("wait"):
        for rt, name, ns, uid in deleted:
            _wait_gone(ctx, rt, name, ns, uid=uid)
    _finish(ctx, errors)


def _wait_gone(
    ctx: Ctx, rt: ResourceType, name: str, ns: str | None, limit: float = 3600.0, uid: str = ""
) -> None:
    """``--wait``: let virtual time run until the object is really gone (finalizers, grace periods). With
    ``uid``, a new object of the same name (a StatefulSet's replacement pod) does not count, as in kubectl."""
    cluster = ctx.cluster
    cluster.settle()
    deadline = cluster.now() + limit

    def present() -> bool:
        obj = ctx.api.peek(rt, name, ns)
        return obj is not None and (not uid or obj["metadata"].get("uid") == uid)

    while present():
        nd = cluster.clock.next_due()
        if nd is None or nd > deadline:
            break
        cluster.clock.step()
        cluster.settle()
