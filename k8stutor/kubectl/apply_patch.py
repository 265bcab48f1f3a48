"""What ``kubectl apply`` (client-side) computes before it PATCHes an existing object.

* ``annotate_last_applied``: the manifest with ``kubectl.kubernetes.io/last-applied-configuration`` set
  the way kubectl's ``GetModifiedConfiguration`` does (compact Go JSON of the manifest without the
  annotation, sorted keys, HTML-escaped, plus the trailing newline of ``json.Encoder``).
* ``create_apply_patch``: kubectl's three-way patch (``strategicpatch.CreateThreeWayMergePatch`` for
  built-in kinds, ``jsonmergepatch.CreateThreeWayJSONMergePatch`` for kinds it has no Go type for).
  An empty dict means "nothing to do" and kubectl prints ``<kind>/<name> unchanged``.
"""

from __future__ import annotations

import copy
import json
import math
from decimal import Decimal
from typing import Any

from k8stutor.engine.api.patch import (
    ERR_BAD_JSON_DOC,
    MERGE_PATCH,
    STRATEGIC_MERGE_PATCH,
    DiffOptions,
    MergeOptions,
    PatchError,
    PatchMeta,
    diff_maps,
    merge_map,
)

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"

PRECONDITION_FAILED = "At least one of apiVersion, kind and name was changed"


# --------------------------------------------------------------------------------------------
# Go encoding/json
# --------------------------------------------------------------------------------------------

_HTML_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _go_string(s: str) -> str:
    out = json.dumps(s, ensure_ascii=False)
    for ch, rep in _HTML_ESCAPES.items():
        if ch in out:
            out = out.replace(ch, rep)
    return out


def _go_float(f: float) -> str:
    if math.isnan(f) or math.isinf(f):
        raise PatchError(f"json: unsupported value: {f}")
    if f == 0:
        return "-0" if math.copysign(1.0, f) < 0 else "0"
    text = repr(f)
    if 1e-6 <= abs(f) < 1e21:
        return format(Decimal(text).normalize(), "f")
    mant, _, exp = f"{Decimal(text):e}".partition("e")
    if "." in mant:
        mant = mant.rstrip("0").rstrip(".")
    sign = "-" if exp.startswith("-") else "+"
    digits = exp.lstrip("+-").lstrip("0") or "0"
    if len(digits) < 2 and sign == "+":
        digits = digits.zfill(2)
    return f"{mant}e{sign}{digits}"


def go_json(value: Any) -> str:
    """Serialise like Go's ``json.Marshal`` of an unstructured map: compact, sorted keys, HTML-escaped."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_float(value)
    if isinstance(value, str):
        return _go_string(value)
    if isinstance(value, dict):
        return (
            "{" + ",".join(f"{_go_string(str(k))}:{go_json(value[k])}" for k in sorted(value, key=str)) + "}"
        )
    if isinstance(value, list | tuple):
        return "[" + ",".join(go_json(v) for v in value) + "]"
    raise PatchError(f"json: unsupported type: {type(value).__name__}")


# --------------------------------------------------------------------------------------------
# The last-applied annotation
# --------------------------------------------------------------------------------------------


def last_applied_json(obj: dict[str, Any]) -> str:
    """The annotation value kubectl would write for manifest ``obj`` (compact JSON + ``\\n``).

    ``obj`` is the manifest as kubectl holds it (namespace already defaulted by kubectl). The
    annotation itself is removed first; ``metadata.annotations`` is then always present (``{}`` when
    the manifest had none), exactly as kubectl's unstructured round trip leaves it.
    """
    o = copy.deepcopy(obj)
    md = o.get("metadata")
    if not isinstance(md, dict):
        md = {}
        o["metadata"] = md
    ann = md.get("annotations")
    ann = dict(ann) if isinstance(ann, dict) else {}
    ann.pop(LAST_APPLIED, None)
    md["annotations"] = ann
    return go_json(o) + "\n"


def annotate_last_applied(obj: dict[str, Any]) -> dict[str, Any]:
    """A copy of manifest ``obj`` carrying the last-applied-configuration annotation kubectl sets."""
    text = last_applied_json(obj)
    o = copy.deepcopy(obj)
    md = o.get("metadata")
    if not isinstance(md, dict):
        md = {}
        o["metadata"] = md
    ann = md.get("annotations")
    ann = dict(ann) if isinstance(ann, dict) else {}
    ann[LAST_APPLIED] = text
    md["annotations"] = ann
    return o


def original_configuration(current: dict[str, Any]) -> dict[str, Any] | None:
    """The last-applied configuration stored on a live object (None when it has none)."""
    ann = (current.get("metadata") or {}).get("annotations") or {}
    text = ann.get(LAST_APPLIED)
    if text is None or text == "":
        return None
    try:
        value = json.loads(text)
    except (ValueError, TypeError):
        raise PatchError(ERR_BAD_JSON_DOC) from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PatchError(ERR_BAD_JSON_DOC)
    return value


# --------------------------------------------------------------------------------------------
# Three-way patches
# --------------------------------------------------------------------------------------------


def apply_patch_type(group: str, version: str, kind: str) -> str:
    """The Content-Type kubectl apply uses: strategic merge for built-in kinds, JSON merge otherwise."""
    return STRATEGIC_MERGE_PATCH if PatchMeta.for_kind(group, version, kind) is not None else MERGE_PATCH


def _sorted_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted_keys(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted_keys(v) for v in value]
    return value


def create_apply_patch(
    original: dict[str, Any] | None,
    modified: dict[str, Any],
    current: dict[str, Any],
    group: str,
    version: str,
    kind: str,
) -> dict[str, Any]:
    """kubectl apply's three-way patch (``--overwrite=true``, the default).

    ``original`` is the live object's last-applied configuration (or None), ``modified`` the new
    manifest already passed through ``annotate_last_applied``, ``current`` the live object.
    Deletions are fields in ``original`` but not in ``modified``; additions and changes are
    ``modified`` versus ``current``. Returns ``{}`` when nothing changes. The patch's Content-Type is
    ``apply_patch_type(group, version, kind)``.
    """
    try:
        return _create_apply_patch(original, modified, current, group, version, kind)
    except PatchError:
        raise
    except (TypeError, AttributeError, KeyError, IndexError, ValueError, RecursionError) as exc:
        raise PatchError(f"creating patch: {exc}") from exc


def _create_apply_patch(
    original: dict[str, Any] | None,
    modified: dict[str, Any],
    current: dict[str, Any],
    group: str,
    version: str,
    kind: str,
) -> dict[str, Any]:
    if not isinstance(modified, dict) or not isinstance(current, dict):
        raise PatchError(ERR_BAD_JSON_DOC)
    if original is not None and not isinstance(original, dict):
        raise PatchError(ERR_BAD_JSON_DOC)
    orig = copy.deepcopy(original) if original else {}
    mod = copy.deepcopy(modified)
    cur = copy.deepcopy(current)
    meta = PatchMeta.for_kind(group, version, kind)
    if meta is None:
        return _sorted_keys(_three_way_json_merge_patch(orig, mod, cur))
    delta = diff_maps(cur, mod, meta, DiffOptions(set_element_order=True, ignore_deletions=True))
    deletions = diff_maps(
        orig, copy.deepcopy(mod), meta, DiffOptions(set_element_order=True, ignore_changes_and_additions=True)
    )
    patch = merge_map(deletions, delta, meta, MergeOptions())
    return _sorted_keys(patch)


# jsonmergepatch.CreateThreeWayJSONMergePatch on top of evanphx/json-patch's CreateMergePatch.


def _json_kind(v: Any) -> str:
    if v is None:
        return "nil"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int | float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "map"
    if isinstance(v, list):
        return "slice"
    return type(v).__name__


def _json_equal(a: Any, b: Any) -> bool:
    if _json_kind(a) != _json_kind(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _get_diff(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    into: dict[str, Any] = {}
    for key, bv in b.items():
        if key not in a:
            into[key] = bv
            continue
        av = a[key]
        if _json_kind(av) != _json_kind(bv):
            into[key] = bv
            continue
        if isinstance(av, dict):
            sub = _get_diff(av, bv)
            if sub:
                into[key] = sub
        elif not _json_equal(av, bv):
            into[key] = bv
    for key in a:
        if key not in b:
            into[key] = None
    return into


def _keep_or_delete_null(m: dict[str, Any], keep_null: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, val in m.items():
        if val is None:
            if keep_null:
                out[key] = None
            continue
        if isinstance(val, dict):
            if not val:
                if not keep_null:
                    out[key] = val
                continue
            sub = _keep_or_delete_null(val, keep_null)
            if sub:
                out[key] = sub
        elif not keep_null:
            out[key] = val
    return out


def _prune_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _prune_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_prune_nulls(v) for v in value if v is not None]
    return value


def _merge_docs(doc: dict[str, Any], patch: dict[str, Any]) -> None:
    for k, v in patch.items():
        if v is None:
            doc.pop(k, None)
            continue
        cur = doc.get(k)
        if cur is None:
            doc[k] = _prune_nulls(v)
        elif isinstance(cur, dict) and isinstance(v, dict):
            _merge_docs(cur, v)
        elif isinstance(cur, dict):
            doc[k] = v
        else:
            doc[k] = _prune_nulls(v)


def _three_way_json_merge_patch(
    original: dict[str, Any], modified: dict[str, Any], current: dict[str, Any]
) -> dict[str, Any]:
    add_and_change = _keep_or_delete_null(_get_diff(current, modified), keep_null=False)
    deletions = _keep_or_delete_null(_get_diff(original, modified), keep_null=True)
    _merge_docs(deletions, add_and_change)
    patch = deletions
    md = patch.get("metadata")
    if "apiVersion" in patch or "kind" in patch or (isinstance(md, dict) and "name" in md):
        raise PatchError(PRECONDITION_FAILED)
    return patch
