"""Helpers shared by kubectl commands: resource type resolution, ``-f`` handling, teaching hints."""

from __future__ import annotations

from typing import Any

from ...engine.registry import REMOVED_API_VERSIONS, ResourceType
from ..flags import Flag
from ..main import Ctx
from ..manifests import Manifest, ManifestError, collect_paths, display_path, expand_list, iter_documents
from ..result import CommandError
from ..urls import is_url, read_url

FILE_FLAGS = [
    Flag("filename", "stringSlice", "f"),
    Flag("recursive", "bool", "R", default=False),
    Flag("kustomize", "string", "k"),
]

HINT = "hint: "


def resolve_type(ctx: Ctx, name: str) -> ResourceType:
    rt = ctx.cluster.registry.resolve(name)
    if rt is None:
        raise CommandError(f'error: the server doesn\'t have a resource type "{name}"')
    return rt


def load_manifests(ctx: Ctx, filenames: list[str], errors: list[str]) -> list[Manifest]:
    """Every object the ``-f`` arguments name, in order. Problems go to ``errors`` (kubectl's wording)
    and stop only the file they occur in."""
    out: list[Manifest] = []
    for fname in filenames:
        if is_url(fname):
            sources = [(fname, fname)]
        elif fname == "-":
            sources = [("-", "STDIN")]
        else:
            try:
                paths = collect_paths(fname, bool(ctx.flag("recursive")), ctx.kubectl.cwd, ctx.kubectl.files)
            except ManifestError as e:
                errors.append(f"error: {e}")
                continue
            sources = [(p, display_path(p, fname, ctx.kubectl.cwd)) for p in paths]
        for path, shown in sources:
            if path == "-":
                data = ctx.stdin
            elif is_url(path):
                try:
                    data = read_url(path)
                except ManifestError as e:
                    errors.append(f"error: {e}")
                    continue
            else:
                try:
                    if ctx.kubectl.files.size(path) > 8 * 1024 * 1024:
                        errors.append(f"error: error reading {shown}: file is too large (the limit is 8 MiB)")
                        continue
                    data = ctx.kubectl.files.read(path)
                except OSError as e:
                    errors.append(f"error: error reading {shown}: {e.strerror}")
                    continue
            try:
                for idx, doc in iter_documents(data, shown):
                    for item in expand_list(doc):
                        if not isinstance(item, dict):
                            errors.append(
                                f'error: error validating "{shown}": error validating data: invalid '
                                "object to validate; if you choose to ignore these errors, turn "
                                "validation off with --validate=false"
                            )
                            continue
                        if not item.get("kind"):
                            errors.append(
                                f'error: error validating "{shown}": error validating data: kind not set; if you choose '
                                "to ignore these errors, turn validation off with --validate=false"
                            )
                            continue
                        if not item.get("apiVersion"):
                            errors.append(
                                f'error: error validating "{shown}": error validating data: apiVersion '
                                "not set; if you choose to ignore these errors, turn validation off with "
                                "--validate=false"
                            )
                            continue
                        out.append(Manifest(shown, idx, item))
            except ManifestError as e:
                errors.append(f"error: {e}")
    if not out and not errors:
        raise CommandError(
            "error: no objects passed to "
            + ("apply" if ctx.path[:1] == ["apply"] else ctx.path[0] if ctx.path else "kubectl")
        )
    return out


def mapping_error(obj: dict[str, Any], source: str) -> str:
    """The RESTMapper failure for an unknown apiVersion/kind, plus a teaching hint for removed APIs."""
    meta = obj.get("metadata") or {}
    name = meta.get("name", "") if isinstance(meta, dict) else ""
    ns = meta.get("namespace", "") if isinstance(meta, dict) else ""
    api_version = obj.get("apiVersion", "")
    kind = obj.get("kind", "")
    msg = (
        f'error: resource mapping not found for name: "{name}" namespace: "{ns}" from "{source}": no matches for '
        f'kind "{kind}" in version "{api_version}"\nensure CRDs are installed first'
    )
    current = REMOVED_API_VERSIONS.get((api_version, kind))
    if current:
        if current.startswith("("):
            msg += f"\n{HINT}{kind} {current}."
        else:
            msg += (
                f"\n{HINT}{api_version} no longer serves {kind} (removed before v1.32); "
                f"use apiVersion: {current}"
            )
    return msg


def require_filenames_or_args(ctx: Ctx, verb: str) -> None:
    if not ctx.args and not ctx.flag("filename"):
        raise CommandError(
            "error: You must provide one or more resources by argument or filename.\n"
            "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n"
            "   '<resource> <name>'\n   '<resource>'"
        )
