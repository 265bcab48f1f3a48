"""The ``-o`` printers shared by get, create, apply, label, ... (yaml, json, name, jsonpath, custom-columns)."""

from __future__ import annotations

from typing import Any

from ..engine.registry import ResourceType
from .custom_columns import CustomColumnsError, render_custom_columns, render_custom_columns_file
from .jsonpath import JSONPathError, list_object, print_jsonpath
from .result import CommandError
from .serialize import to_json, to_yaml

ALLOWED_FORMATS = (
    "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,"
    "jsonpath-file,name,template,templatefile,wide,yaml"
)
# What operation commands (create/apply/label/...) accept: no wide or custom-columns.
OPERATION_FORMATS = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml"


def split_format(output: str) -> tuple[str, str]:
    """``jsonpath={.a}`` -> ("jsonpath", "{.a}")."""
    if "=" in output:
        name, _, arg = output.partition("=")
        return name, arg
    return output, ""


def check_format(output: str, allowed: str = ALLOWED_FORMATS) -> None:
    name, arg = split_format(output)
    if not output:
        return
    if name not in allowed.split(","):
        raise CommandError(
            f'error: unable to match a printer suitable for the output format "{output}", allowed formats are: '
            f"{allowed}"
        )
    if name in ("jsonpath", "jsonpath-as-json", "jsonpath-file", "custom-columns", "custom-columns-file",
                "go-template", "go-template-file", "template", "templatefile") and not arg:
        if name.startswith("jsonpath"):
            raise CommandError("error: template format specified but no template given")
        if name.startswith("custom-columns"):
            raise CommandError("error: custom-columns format specified but no custom columns given")
        raise CommandError("error: template format specified but no template given")


def render(objs: list[dict[str, Any]], output: str, *, single: bool, rt: ResourceType | None = None,
           read_file: Any = None, no_headers: bool = False, sort_json_keys: bool = True) -> str:
    """Render objects in a structured format (not the table formats)."""
    name, arg = split_format(output)
    target: Any = objs[0] if single and len(objs) == 1 else list_object(objs)
    if name == "yaml":
        if single and len(objs) == 1:
            return to_yaml(objs[0])
        return to_yaml(target)
    if name == "json":
        return to_json(target, sort_keys=sort_json_keys)
    if name == "name":
        return "".join(f"{object_name(o, rt)}\n" for o in objs)
    if name in ("jsonpath", "jsonpath-file", "jsonpath-as-json"):
        template = arg
        if name == "jsonpath-file":
            template = _read_template(read_file, arg)
        try:
            return print_jsonpath(template, target, as_json=name == "jsonpath-as-json")
        except JSONPathError as e:
            raise CommandError(e.stderr.rstrip("\n")) from None
    if name in ("custom-columns", "custom-columns-file"):
        try:
            if name == "custom-columns":
                return render_custom_columns(arg, objs, no_headers)
            return render_custom_columns_file(_read_template(read_file, arg), objs)
        except CustomColumnsError as e:
            raise CommandError(e.stderr.rstrip("\n"), stdout=e.stdout) from None
    if name in ("go-template", "go-template-file", "template", "templatefile"):
        raise CommandError("error: go-template output is not available in k8stutor yet; use -o jsonpath=... "
                           "(same data, JSONPath syntax)")
    raise CommandError(f'error: unable to match a printer suitable for the output format "{output}", allowed '
                       f"formats are: {ALLOWED_FORMATS}")


def _read_template(read_file: Any, path: str) -> str:
    try:
        data: bytes = read_file(path)
    except OSError as e:
        raise CommandError(f"error reading template {path}, {e.strerror}") from None
    return data.decode("utf-8", errors="replace")


def object_name(obj: dict[str, Any], rt: ResourceType | None) -> str:
    """``pod/web`` / ``deployment.apps/web``."""
    name = (obj.get("metadata") or {}).get("name", "")
    if rt is not None:
        return f"{rt.kind_prefix}/{name}"
    kind = str(obj.get("kind", "")).lower()
    api_version = str(obj.get("apiVersion", ""))
    group = api_version.rpartition("/")[0]
    return f"{kind}.{group}/{name}" if group else f"{kind}/{name}"
