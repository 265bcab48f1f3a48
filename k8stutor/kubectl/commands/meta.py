"""``kubectl label``, ``annotate``, ``patch`` and ``edit``."""

from __future__ import annotations

import json
import os
import re
from typing import Any

import yaml

from ...engine.errors import StatusError
from ...engine.registry import ResourceType
from ...engine.store import clone
from ..flags import Flag
from ..main import Ctx, format_status_error
from ..output import OPERATION_FORMATS, check_format, render, split_format
from ..result import CommandError
from ..serialize import to_yaml
from .apply import DRY_RUN, dry_run_mode, dry_suffix
from .common import FILE_FLAGS, load_manifests, mapping_error, resolve_type

LABEL_FLAGS = [
    Flag("overwrite", "bool", default=False),
    Flag("all", "bool", default=False),
    Flag("all-namespaces", "bool", "A", default=False),
    Flag("selector", "string", "l"),
    Flag("field-selector", "string"),
    Flag("list", "bool", default=False),
    Flag("local", "bool", default=False),
    Flag("output", "string", "o"),
    Flag("resource-version", "string"),
    Flag("field-manager", "string", default="kubectl-label"),
    Flag("show-managed-fields", "bool", default=False),
    Flag("template", "string"),
    DRY_RUN,
    *FILE_FLAGS,
]

PATCH_FLAGS = [
    Flag("patch", "string", "p"),
    Flag("patch-file", "string"),
    Flag("type", "string", default="strategic"),
    Flag("output", "string", "o"),
    Flag("local", "bool", default=False),
    Flag("subresource", "string"),
    Flag("field-manager", "string", default="kubectl-patch"),
    Flag("show-managed-fields", "bool", default=False),
    Flag("template", "string"),
    DRY_RUN,
    *FILE_FLAGS,
]

EDIT_FLAGS = [
    Flag("output", "string", "o"),
    Flag("output-patch", "bool", default=False),
    Flag("save-config", "bool", default=False),
    Flag("validate", "string", default="strict", no_opt_default="strict"),
    Flag("windows-line-endings", "bool", default=False),
    Flag("field-manager", "string", default="kubectl-edit"),
    Flag("subresource", "string"),
    Flag("show-managed-fields", "bool", default=False),
    Flag("template", "string"),
    *FILE_FLAGS,
]

_KEY_RE = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_./]*)?[A-Za-z0-9]$")


def _targets(ctx: Ctx, args: list[str], errors: list[str]) -> tuple[list[tuple[ResourceType, str, str | None]], list[str]]:
    """Split ``TYPE NAME... KEY=VAL...`` / ``TYPE/NAME KEY=VAL`` / ``-f FILE KEY=VAL``; returns (targets, pairs)."""
    pairs: list[str] = []
    words: list[str] = []
    for a in args:
        if "=" in a or (a.endswith("-") and "/" not in a and len(a) > 1):
            pairs.append(a)
        else:
            words.append(a)
    targets: list[tuple[ResourceType, str, str | None]] = []
    all_ns = ctx.flag("all-namespaces")
    if ctx.flag("filename"):
        for m in load_manifests(ctx, ctx.flag("filename") or [], errors):
            rt = ctx.cluster.registry.by_gvk(m.obj.get("apiVersion", ""), m.obj.get("kind", ""))
            if rt is None:
                errors.append(mapping_error(m.obj, m.source))
                continue
            ns = (m.obj.get("metadata") or {}).get("namespace") or ctx.namespace
            targets.append((rt, m.obj["metadata"]["name"], ns if rt.namespaced else None))
        return targets, pairs
    if not words:
        raise CommandError("error: one or more resources must be specified as <resource> <name> or "
                           "<resource>/<name>")
    if "/" in words[0]:
        for w in words:
            t, _, n = w.partition("/")
            rt = resolve_type(ctx, t)
            targets.append((rt, n, ctx.namespace if rt.namespaced else None))
        return targets, pairs
    rt = resolve_type(ctx, words[0])
    names = words[1:]
    selector = ctx.flag("selector")
    if names:
        for n in names:
            targets.append((rt, n, ctx.namespace if rt.namespaced else None))
    elif ctx.flag("all") or selector or ctx.flag("field-selector"):
        for o in ctx.api.list_objects(rt, None if all_ns else ctx.namespace, selector, ctx.flag("field-selector")):
            targets.append((rt, o["metadata"]["name"], o["metadata"].get("namespace")))
    else:
        raise CommandError("error: resource(s) were provided, but no name was specified")
    return targets, pairs


def _parse_pairs(pairs: list[str], what: str) -> tuple[dict[str, str], list[str]]:
    add: dict[str, str] = {}
    remove: list[str] = []
    for p in pairs:
        if "=" in p:
            k, _, v = p.partition("=")
            if what == "label":
                if not _KEY_RE.match(k.rpartition("/")[2] if "/" in k else k):
                    raise CommandError(f'error: invalid label spec: {p}')
            add[k] = v
        elif p.endswith("-"):
            remove.append(p[:-1])
        else:
            raise CommandError(f"error: invalid {what} spec: {p}")
    for k in remove:
        if k in add:
            raise CommandError(f"error: can not both modify and remove {what}s in the same command")
    return add, remove


def _label_like(ctx: Ctx, field: str, what: str, past: str) -> None:
    errors: list[str] = []
    targets, pairs = _targets(ctx, ctx.args, errors)
    if ctx.flag("list"):
        for rt, name, ns in targets:
            obj = ctx.api.peek_or_raise(rt, name, ns)
            for k, v in sorted((obj["metadata"].get(field) or {}).items()):
                ctx.out(f"{k}={v}\n")
        return
    if not pairs:
        raise CommandError(f"error: at least one {what} update is required")
    add, remove = _parse_pairs(pairs, what)
    check_format(ctx.flag("output") or "", OPERATION_FORMATS)
    mode = dry_run_mode(ctx)
    out_objs: list[dict[str, Any]] = []
    for rt, name, ns in targets:
        try:
            obj = ctx.api.get(rt, name, ns)
        except StatusError as e:
            errors.append(format_status_error(e))
            continue
        current = dict(obj["metadata"].get(field) or {})
        if not ctx.flag("overwrite"):
            for k, v in add.items():
                if k in current and current[k] != v:
                    errors.append(f"error: '{k}' already has a value ({current[k]}), and --overwrite is false")
                    break
            else:
                pass
            if errors and errors[-1].startswith("error: '"):
                continue
        new = dict(current)
        new.update(add)
        removed_any = False
        for k in remove:
            if k in new:
                del new[k]
                removed_any = True
        if new == current:
            verb = f"not {past}" if not remove or not removed_any else f"un{past}"
            if not removed_any and remove and not add:
                verb = f"not {past}" if what == "annotation" else f"not {past}"
            result = obj
        else:
            verb = past if add else f"un{past}"
            patch = {"metadata": {field: {k: new.get(k) for k in set(current) | set(new)
                                          if current.get(k) != new.get(k)}}}
            rv = ctx.flag("resource-version")
            if rv:
                patch["metadata"]["resourceVersion"] = rv
            try:
                result = ctx.api.patch(rt, name, ns, patch, "merge", dry_run=mode != "none") if mode != "client" \
                    else obj
            except StatusError as e:
                errors.append(format_status_error(e))
                continue
        output = ctx.flag("output") or ""
        if output and split_format(output)[0] != "name":
            out_objs.append(result)
        elif output:
            ctx.out(f"{rt.kind_prefix}/{name}\n")
        else:
            ctx.out(f"{rt.kind_prefix}/{name} {verb}{dry_suffix(mode)}\n")
    if out_objs:
        ctx.out(render(out_objs, ctx.flag("output"), single=len(out_objs) == 1, read_file=ctx.read_path))
    if errors:
        ctx.err("".join(e + "\n" for e in errors))
        ctx.result.exit_code = 1


def cmd_label(ctx: Ctx) -> None:
    _label_like(ctx, "labels", "label", "labeled")


def cmd_annotate(ctx: Ctx) -> None:
    _label_like(ctx, "annotations", "annotation", "annotated")


def cmd_patch(ctx: Ctx) -> None:
    ptype = ctx.flag("type") or "strategic"
    if ptype not in ("json", "merge", "strategic"):
        raise CommandError(f'error: --type must be one of [json merge strategic], not "{ptype}"')
    text = ctx.flag("patch")
    if ctx.flag("patch-file"):
        try:
            text = ctx.read_path(ctx.flag("patch-file")).decode("utf-8", errors="replace")
        except OSError as e:
            raise CommandError(f"error: unable to read patch file: {e.strerror}") from None
    if not text:
        raise CommandError("error: must specify --patch or --patch-file containing the contents of the patch")
    try:
        body = yaml.safe_load(text)
    except yaml.YAMLError:
        body = None
    if body is None or (ptype != "json" and not isinstance(body, dict)) or (ptype == "json" and not isinstance(
            body, list)):
        try:
            body = json.loads(text)
        except json.JSONDecodeError as e:
            raise CommandError(f"error: unable to parse \"{text}\": yaml: {e.msg}") from None
    errors: list[str] = []
    targets, _pairs = _targets(ctx, ctx.args, errors)
    if len(targets) > 1 and not ctx.flag("filename"):
        pass
    mode = dry_run_mode(ctx)
    check_format(ctx.flag("output") or "", OPERATION_FORMATS)
    for rt, name, ns in targets:
        try:
            before = ctx.api.peek_or_raise(rt, name, ns)
            if mode == "client":
                result = before
            else:
                result = ctx.api.patch(rt, name, ns, body, ptype, dry_run=mode == "server",
                                       subresource=ctx.flag("subresource") or "")
        except StatusError as e:
            errors.append(format_status_error(e))
            continue
        output = ctx.flag("output") or ""
        if output:
            ctx.out(render([result], output, single=True, rt=rt, read_file=ctx.read_path))
        else:
            changed = result["metadata"].get("resourceVersion") != before["metadata"].get("resourceVersion")
            ctx.out(f"{rt.kind_prefix}/{name} {'patched' if changed or mode != 'none' else 'patched (no change)'}"
                    f"{dry_suffix(mode)}\n")
    if errors:
        ctx.err("".join(e + "\n" for e in errors))
        ctx.result.exit_code = 1


EDIT_HEADER = (
    "# Please edit the object below. Lines beginning with a '#' will be ignored,\n"
    "# and an empty file will abort the edit. If an error occurs while saving this file will be\n"
    "# reopened with the relevant failures.\n#\n"
)


def cmd_edit(ctx: Ctx) -> None:
    """Edit a live object in an editor: the TUI's own, or ``$EDITOR`` in the shell host."""
    errors: list[str] = []
    targets, _ = _targets(ctx, ctx.args, errors)
    editor = ctx.kubectl.editor
    if editor is None:
        env_editor = ctx.kubectl.env.get("KUBE_EDITOR") or ctx.kubectl.env.get("EDITOR")
        if not env_editor:
            raise CommandError(
                "error: no editor is available here. Set $EDITOR (or $KUBE_EDITOR) before starting "
                "`k8stutor shell` to edit in your own editor, or change the object with `kubectl patch`, "
                "`kubectl apply -f` or `kubectl get -o yaml > f.yaml` + `kubectl replace -f f.yaml`; "
                "the TUI opens its own editor"
            )
        editor = _external_editor(env_editor)
    for rt, name, ns in targets:
        try:
            live = ctx.api.get(rt, name, ns)
        except StatusError as e:
            errors.append(format_status_error(e))
            continue
        original = EDIT_HEADER + to_yaml(live)
        edited = editor(original)
        if edited is None or edited == original:
            ctx.out("Edit cancelled, no changes made.\n")
            continue
        body_lines = [ln for ln in edited.splitlines(keepends=True) if not ln.lstrip().startswith("#")]
        body = "".join(body_lines)
        if not body.strip():
            ctx.out("Edit cancelled, saved file was empty.\n")
            continue
        try:
            new = yaml.safe_load(body)
        except yaml.YAMLError as e:
            errors.append(f"error: error parsing edited file: {e}")
            continue
        if new == live:
            ctx.out("Edit cancelled, no changes made.\n")
            continue
        new = clone(new)
        new.setdefault("metadata", {})["resourceVersion"] = live["metadata"]["resourceVersion"]
        try:
            ctx.api.update(new, ns, rt=rt)
        except StatusError as e:
            errors.append(f'error: {rt.kind_prefix}s "{name}" could not be patched: ' + format_status_error(e)
                          if e.code != 422 else format_status_error(e))
            continue
        ctx.out(f"{rt.kind_prefix}/{name} edited\n")
    if errors:
        ctx.err("".join(e + "\n" for e in errors))
        ctx.result.exit_code = 1


def _external_editor(command: str) -> Any:
    """Run the user's own editor on a temp file (the only host program k8stutor ever starts, at their request)."""
    import shlex
    import subprocess
    import tempfile

    def run(text: str) -> str | None:
        fd, path = tempfile.mkstemp(prefix="kubectl-edit-", suffix=".yaml")
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(text)
            subprocess.call([*shlex.split(command), path])
            with open(path) as fh:
                return fh.read()
        finally:
            os.unlink(path)

    return run
