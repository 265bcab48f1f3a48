"""What the API server does with a PATCH: JSON merge patch, JSON patch and strategic merge patch.

* ``json_merge_patch`` follows RFC 7386 as implemented by evanphx/json-patch v4 (the library the
  v1.32 API server uses), including its habit of pruning ``null`` members of values it inserts.
* ``json_patch`` follows RFC 6902 as implemented by the same library, with its exact error texts
  (e.g. a ``replace`` of a missing map key *adds* it, as in the real server).
* ``strategic_merge_patch`` is a port of apimachinery's ``pkg/util/strategicpatch`` with the patch
  metadata (merge keys and strategies) read from the v1.32 OpenAPI schema.

The three-way diff kubectl computes for ``kubectl apply`` lives in ``k8stutor.kubectl.apply_patch`` and
reuses the diff/merge machinery exported here (``diff_maps``, ``merge_map``, ``PatchMeta``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from k8stutor.engine import schema
from k8stutor.engine.errors import StatusError

DIRECTIVE_MARKER = "$patch"
DELETE_DIRECTIVE = "delete"
REPLACE_DIRECTIVE = "replace"
MERGE_DIRECTIVE = "merge"
RETAIN_KEYS_STRATEGY = "retainKeys"
DELETE_FROM_PRIMITIVE_LIST_PREFIX = "$deleteFromPrimitiveList"
RETAIN_KEYS_DIRECTIVE = "$" + RETAIN_KEYS_STRATEGY
SET_ELEMENT_ORDER_PREFIX = "$setElementOrder"

MAX_JSON_PATCH_OPERATIONS = 10000

# mergepatch sentinel errors (apimachinery pkg/util/mergepatch/errors.go)
ERR_BAD_JSON_DOC = "invalid JSON document"
ERR_NO_LIST_OF_LISTS = "lists of lists are not supported"
ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST = "invalid patch format of primitive list"
ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS = "invalid patch format of retainKeys"
ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST = "invalid patch format of setElementOrder list"

_BAD_REQUEST_ERRORS = {
    ERR_BAD_JSON_DOC,
    ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST,
    ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS,
    ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST,
}

GENERIC_422_MESSAGE = "the server rejected our request due to an error in our request"
CRD_SMP_UNSUPPORTED = (
    "the body of the request was in an unknown format - accepted media types include: "
    "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
)

STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"
MERGE_PATCH = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"


class PatchError(ValueError):
    """A patch could not be applied.

    ``message`` is the library's own error text (what the Go code's ``err.Error()`` says);
    ``code``/``reason``/``status_message`` describe the Status the API server answers with
    (e.g. JSON patch failures are a bare 422 ``the server rejected our request ...``).
    """

    def __init__(
        self, message: str, code: int = 500, reason: str = "", status_message: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.reason = reason
        self.status_message = message if status_message is None else status_message

    def to_status_error(self) -> StatusError:
        """The StatusError the API server returns for this failure."""
        details: dict[str, Any] | None = None
        if self.code == 422 and self.reason == "Invalid":
            details = {}
        return StatusError(self.code, self.reason, self.status_message, details)


def _bad_request(message: str) -> PatchError:
    return PatchError(message, 400, "BadRequest")


def _unprocessable(message: str) -> PatchError:
    return PatchError(message, 422, "Invalid", GENERIC_422_MESSAGE)


def _internal(message: str) -> PatchError:
    # A plain Go error (not a StatusError) surfaces as a 500 with an empty reason and its own text.
    return PatchError(message, 500, "")


def _smp_error(message: str) -> PatchError:
    """interpretStrategicMergePatchError: map mergepatch errors to the HTTP status the server uses."""
    if message in _BAD_REQUEST_ERRORS:
        return _bad_request(message)
    if message in (ERR_NO_LIST_OF_LISTS, "patch content doesn't match retainKeys list"):
        return _unprocessable(message)
    return _internal(message)


# --------------------------------------------------------------------------------------------
# Go-flavoured helpers (value formatting, type identity, deep equality)
# --------------------------------------------------------------------------------------------


def _go_float_v(f: float) -> str:
    """fmt's %v for a float64 (shortest 'g' with the exponent switch at -4 / 21)."""
    if f != f:
        return "NaN"
    if f in (float("inf"), float("-inf")):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "0"
    d = Decimal(repr(f))
    exp = d.adjusted()
    if exp < -4 or exp >= 21:
        mant, _, e = f"{d:e}".partition("e")
        if "." in mant:
            mant = mant.rstrip("0").rstrip(".")
        sign = "-" if e.startswith("-") else "+"
        digits = e.lstrip("+-").lstrip("0") or "0"
        return f"{mant}e{sign}{digits.zfill(2)}"
    text = format(d.normalize(), "f")
    return text


def go_v(value: Any) -> str:
    """Render a JSON value the way Go's ``fmt.Sprintf("%v", v)`` renders an unstructured value."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_float_v(value)
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_v(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(go_v(v) for v in value) + "]"
    return str(value)


def _go_type(value: Any) -> str:
    """The reflect.Type identity of a decoded JSON value (int64 and float64 differ)."""
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "map"
    if isinstance(value, list):
        return "slice"
    return type(value).__name__


_GO_TYPE_NAMES = {
    "nil": "<nil>",
    "bool": "bool",
    "int64": "int64",
    "float64": "float64",
    "string": "string",
    "map": "map[string]interface {}",
    "slice": "[]interface {}",
}


def deep_equal(a: Any, b: Any) -> bool:
    """reflect.DeepEqual on decoded JSON: like ``==`` but ``1``, ``1.0`` and ``True`` all differ."""
    ta, tb = _go_type(a), _go_type(b)
    if ta != tb:
        return False
    if ta == "map":
        if a.keys() != b.keys():
            return False
        return all(deep_equal(a[k], b[k]) for k in a)
    if ta == "slice":
        return len(a) == len(b) and all(deep_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _scalar_eq(a: Any, b: Any) -> bool:
    """Go interface ``==`` for scalars (type and value)."""
    if _go_type(a) != _go_type(b):
        return False
    if isinstance(a, dict | list):
        return a is b
    return bool(a == b)


def _err_no_merge_key(m: dict[str, Any], key: str) -> PatchError:
    return _internal(f"map: {go_v(m)} does not contain declared merge key: {key}")


def _err_bad_arg_type(expected: str, actual: Any) -> PatchError:
    return _internal(
        f"expected a {_GO_TYPE_NAMES[expected]}, but received a {_GO_TYPE_NAMES[_go_type(actual)]}"
    )


# --------------------------------------------------------------------------------------------
# Patch metadata from the OpenAPI schema (the Go code reads struct tags; the schema mirrors them)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PatchMeta:
    """The schema node of one value: a struct/map definition, a list (``items``) or unknown (None)."""

    node: dict[str, Any] | None
    name: str = ""

    @staticmethod
    def for_kind(group: str, version: str, kind: str) -> PatchMeta | None:
        """Patch metadata of a top-level kind, or None when the schema does not know it (CRDs)."""
        name = schema.definition_name_for(group, version, kind)
        if name is None:
            return None
        return PatchMeta(schema.definition(name), name)

    def lookup(self, key: str) -> tuple[PatchMeta, list[str], str]:
        """LookupPatchMetadata: (child meta, patch strategies, merge key) of field ``key``."""
        node = self.node
        if node is None:
            return _UNKNOWN, [], ""
        prop: Any = None
        props = node.get("properties")
        if isinstance(props, dict) and key in props:
            prop = props[key]
        elif isinstance(node.get("additionalProperties"), dict):
            prop = node["additionalProperties"]
        if not isinstance(prop, dict):
            return _UNKNOWN, [], ""
        raw = prop.get("x-kubernetes-patch-strategy", "")
        strategies = [s for s in raw.split(",")] if raw else []
        merge_key = prop.get("x-kubernetes-patch-merge-key", "")
        return _resolve(prop), strategies, merge_key

    def elem(self) -> PatchMeta:
        """The element type of a list."""
        node = self.node
        if node is None or not isinstance(node.get("items"), dict):
            return _UNKNOWN
        return _resolve(node["items"])


_UNKNOWN = PatchMeta(None)


def _resolve(node: dict[str, Any]) -> PatchMeta:
    try:
        name, target = schema.resolve_ref(node)
    except KeyError:
        return _UNKNOWN
    if name is None:
        return PatchMeta(node)
    return PatchMeta(target, name)


def _extract_retain_keys_patch_strategy(strategies: list[str]) -> tuple[bool, str]:
    if not strategies:
        return False, ""
    if len(strategies) == 1:
        if strategies[0] == RETAIN_KEYS_STRATEGY:
            return True, ""
        return False, strategies[0]
    if len(strategies) == 2:
        if strategies[0] == RETAIN_KEYS_STRATEGY:
            return True, strategies[1]
        if strategies[1] == RETAIN_KEYS_STRATEGY:
            return True, strategies[0]
    raise _internal(f"unexpected patch strategy: [{' '.join(strategies)}]")


# --------------------------------------------------------------------------------------------
# Go's sort.SliceStable (insertion sort + SymMerge), needed because normalizeSliceOrder's less
# function is not a strict weak ordering.
# --------------------------------------------------------------------------------------------


def _go_stable_sort(data: list[Any], less: Callable[[Any, Any], bool]) -> None:
    n = len(data)

    def swap(i: int, j: int) -> None:
        data[i], data[j] = data[j], data[i]

    def insertion_sort(a: int, b: int) -> None:
        for i in range(a + 1, b):
            j = i
            while j > a and less(data[j], data[j - 1]):
                swap(j, j - 1)
                j -= 1

    def swap_range(a: int, b: int, count: int) -> None:
        for i in range(count):
            swap(a + i, b + i)

    def rotate(a: int, m: int, b: int) -> None:
        i = m - a
        j = b - m
        while i != j:
            if i > j:
                swap_range(m - i, m, j)
                i -= j
            else:
                swap_range(m - i, m + j - i, i)
                j -= i
        swap_range(m - i, m, i)

    def sym_merge(a: int, m: int, b: int) -> None:
        if m - a == 1:
            i, j = m, b
            while i < j:
                h = (i + j) >> 1
                if less(data[h], data[a]):
                    i = h + 1
                else:
                    j = h
            for k in range(a, i - 1):
                swap(k, k + 1)
            return
        if b - m == 1:
            i, j = a, m
            while i < j:
                h = (i + j) >> 1
                if not less(data[m], data[h]):
                    i = h + 1
                else:
                    j = h
            for k in range(m, i, -1):
                swap(k, k - 1)
            return
        mid = (a + b) >> 1
        nn = mid + m
        if m > mid:
            start, r = nn - b, mid
        else:
            start, r = a, m
        p = nn - 1
        while start < r:
            c = (start + r) >> 1
            if not less(data[p - c], data[c]):
                start = c + 1
            else:
                r = c
        end = nn - start
        if start < m < end:
            rotate(start, m, end)
        if a < start < mid:
            sym_merge(a, start, mid)
        if mid < end < b:
            sym_merge(mid, end, b)

    block = 20
    a, b = 0, block
    while b <= n:
        insertion_sort(a, b)
        a = b
        b += block
    insertion_sort(a, n)
    while block < n:
        a, b = 0, 2 * block
        while b <= n:
            sym_merge(a, a + block, b)
            a = b
            b += 2 * block
        m = a + block
        if m < n:
            sym_merge(a, m, n)
        block *= 2


# --------------------------------------------------------------------------------------------
# strategicpatch: helpers shared by diff and merge
# --------------------------------------------------------------------------------------------


def _sort_scalars(s: list[Any]) -> list[Any]:
    return sorted(s, key=go_v)


def _deduplicate_scalars(s: list[Any]) -> list[Any]:
    """Go's in-place 'clever' dedup (it reorders: a duplicate is replaced by the last element)."""
    s = list(s)
    length = len(s) - 1
    i = 0
    while i < length:
        j = i + 1
        while j <= length:
            if _scalar_eq(s[i], s[j]):
                s[j] = s[length]
                s = s[:length]
                length -= 1
                j -= 1
            j += 1
        i += 1
    return s


def _slice_element_kind(*slices: list[Any]) -> str:
    prev: str | None = None
    for s in slices:
        for v in s:
            cur = _go_type(v)
            if prev is None:
                prev = cur
                if prev == "slice":
                    raise _smp_error(ERR_NO_LIST_OF_LISTS)
            elif prev != cur:
                raise _internal(f"list element types are not identical: {go_v(list(slices))}")
    if prev is None:
        raise _internal("no elements in any of the given slices")
    return prev


def _index(items: list[Any], val: Any, merge_key: str, kind: str) -> int:
    def get(item: Any) -> Any:
        if kind == "map":
            return item.get(merge_key) if isinstance(item, dict) else None
        return item

    target = get(val)
    for i, v in enumerate(items):
        if _scalar_eq(target, get(v)):
            return i
    return -1


def _validate_merge_key_in_lists(merge_key: str, *lists: list[Any]) -> None:
    for lst in lists:
        for item in lst:
            if not isinstance(item, dict):
                raise _err_bad_arg_type("map", item)
            if merge_key not in item:
                raise _err_no_merge_key(item, merge_key)


def _extract_to_delete_items(lst: list[Any]) -> tuple[list[Any], list[Any]]:
    non_delete: list[Any] = []
    to_delete: list[Any] = []
    for v in lst:
        if not isinstance(v, dict):
            raise _err_bad_arg_type("map", v)
        if v.get(DIRECTIVE_MARKER, None) == DELETE_DIRECTIVE and DIRECTIVE_MARKER in v:
            to_delete.append(v)
        else:
            non_delete.append(v)
    return non_delete, to_delete


def _normalize_slice_order(to_sort: list[Any], order: list[Any], merge_key: str, kind: str) -> list[Any]:
    to_delete: list[Any] = []
    if kind == "map":
        _validate_merge_key_in_lists(merge_key, to_sort, order)
        to_sort, to_delete = _extract_to_delete_items(to_sort)
    to_sort = list(to_sort)

    def less(x: Any, y: Any) -> bool:
        ii = _index(order, x, merge_key, kind)
        if ii >= 0:
            ij = _index(order, y, merge_key, kind)
            if ij >= 0:
                return ii < ij
        return True

    _go_stable_sort(to_sort, less)
    return to_sort + to_delete


def _merge_sorted_slice(
    left: list[Any], right: list[Any], server_order: list[Any], merge_key: str, kind: str
) -> list[Any]:
    def less(lv: Any, rv: Any) -> tuple[bool, bool]:
        li = _index(server_order, lv, merge_key, kind)
        ri = _index(server_order, rv, merge_key, kind)
        if li >= 0 and ri >= 0:
            return li < ri, True
        return False, False

    out: list[Any] = []
    i = j = 0
    for _ in range(len(left) + len(right)):
        if i >= len(left) and j < len(right):
            out.append(right[j])
            j += 1
        elif j >= len(right) and i < len(left):
            out.append(left[i])
            i += 1
        else:
            is_less, found = less(left[i], right[j])
            if found and is_less:
                out.append(left[i])
                i += 1
            else:
                out.append(right[j])
                j += 1
    return out


def _normalize_element_order(
    patch: list[Any],
    server_only: list[Any],
    patch_order: list[Any],
    server_order: list[Any],
    merge_key: str,
    kind: str,
) -> list[Any]:
    patch = _normalize_slice_order(patch, patch_order, merge_key, kind)
    server_only = _normalize_slice_order(server_only, server_order, merge_key, kind)
    return _merge_sorted_slice(server_only, patch, server_order, merge_key, kind)


def _find_map_in_slice(items: list[Any], key: str, value: Any) -> tuple[dict[str, Any] | None, int, bool]:
    for i, v in enumerate(items):
        if not isinstance(v, dict):
            raise _internal(f"value for key {i} is not a map.")
        if key in v and _scalar_eq(v[key], value):
            return v, i, True
    return None, 0, False


def _merge_key_value_equal(left: Any, right: Any, merge_key: str) -> bool:
    if not merge_key:
        return _scalar_eq(left, right)
    if not isinstance(left, dict):
        raise _err_bad_arg_type("map", left)
    if not isinstance(right, dict):
        raise _err_bad_arg_type("map", right)
    if merge_key not in left:
        raise _err_no_merge_key(left, merge_key)
    if merge_key not in right:
        raise _err_no_merge_key(right, merge_key)
    return _scalar_eq(left[merge_key], right[merge_key])


# --------------------------------------------------------------------------------------------
# strategicpatch: diff (used by kubectl's three-way patch)
# --------------------------------------------------------------------------------------------


@dataclass
class DiffOptions:
    """strategicpatch.DiffOptions."""

    set_element_order: bool = False
    ignore_changes_and_additions: bool = False
    ignore_deletions: bool = False
    build_retain_keys_directive: bool = False


def diff_maps(
    original: dict[str, Any], modified: dict[str, Any], meta: PatchMeta, opts: DiffOptions
) -> dict[str, Any]:
    """strategicpatch.diffMaps: a patch turning ``original`` into ``modified`` (subject to ``opts``)."""
    patch: dict[str, Any] = {}
    retain_keys: list[Any] = []
    for key, mod_val in modified.items():
        if opts.build_retain_keys_directive and mod_val is not None:
            retain_keys.append(key)
        if key not in original:
            if not opts.ignore_changes_and_additions:
                patch[key] = mod_val
            continue
        orig_val = original[key]
        if key == DIRECTIVE_MARKER:
            if not isinstance(orig_val, str) or not isinstance(mod_val, str):
                raise _internal(f"invalid value for special key: {DIRECTIVE_MARKER}")
            if orig_val != mod_val:
                patch[DIRECTIVE_MARKER] = mod_val
            continue
        if _go_type(orig_val) != _go_type(mod_val):
            if not opts.ignore_changes_and_additions:
                patch[key] = mod_val
            continue
        if isinstance(orig_val, dict):
            _handle_map_diff(key, orig_val, mod_val, patch, meta, opts)
        elif isinstance(orig_val, list):
            _handle_slice_diff(key, orig_val, mod_val, patch, meta, opts)
        else:
            _replace_if_not_equal(key, orig_val, mod_val, patch, opts)
    if not opts.ignore_deletions:
        for key in original:
            if key not in modified:
                patch[key] = None
    if retain_keys and (patch or _has_additional_new_field(original, modified)):
        patch[RETAIN_KEYS_DIRECTIVE] = _sort_scalars(retain_keys)
    return patch


def _has_additional_new_field(original: dict[str, Any], modified: dict[str, Any]) -> bool:
    return any(v is not None and k not in modified for k, v in original.items())


def _replace_if_not_equal(key: str, orig: Any, mod: Any, patch: dict[str, Any], opts: DiffOptions) -> None:
    if opts.ignore_changes_and_additions:
        return
    if deep_equal(orig, mod):
        return
    patch[key] = mod


def _handle_map_diff(
    key: str,
    orig: dict[str, Any],
    mod: dict[str, Any],
    patch: dict[str, Any],
    meta: PatchMeta,
    opts: DiffOptions,
) -> None:
    field_meta, strategies, _ = meta.lookup(key)
    retain, strategy = _extract_retain_keys_patch_strategy(strategies)
    sub_opts = DiffOptions(
        opts.set_element_order, opts.ignore_changes_and_additions, opts.ignore_deletions, retain
    )
    if strategy == REPLACE_DIRECTIVE:
        if not opts.ignore_changes_and_additions:
            patch[key] = mod
        return
    value = diff_maps(orig, mod, field_meta, sub_opts)
    if value:
        patch[key] = value


def _handle_slice_diff(
    key: str, orig: list[Any], mod: list[Any], patch: dict[str, Any], meta: PatchMeta, opts: DiffOptions
) -> None:
    field_meta, strategies, merge_key = meta.lookup(key)
    retain, strategy = _extract_retain_keys_patch_strategy(strategies)
    if strategy == MERGE_DIRECTIVE:
        sub_opts = DiffOptions(
            opts.set_element_order, opts.ignore_changes_and_additions, opts.ignore_deletions, retain
        )
        add_list, deletion_list, set_order = _diff_lists(orig, mod, field_meta.elem(), merge_key, sub_opts)
        if add_list:
            patch[key] = add_list
        if deletion_list:
            patch[f"{DELETE_FROM_PRIMITIVE_LIST_PREFIX}/{key}"] = deletion_list
        if set_order:
            patch[f"{SET_ELEMENT_ORDER_PREFIX}/{key}"] = set_order
    else:
        _replace_if_not_equal(key, orig, mod, patch, opts)


def _diff_lists(
    original: list[Any], modified: list[Any], elem: PatchMeta, merge_key: str, opts: DiffOptions
) -> tuple[list[Any], list[Any], list[Any]]:
    if not original:
        if not modified or opts.ignore_changes_and_additions:
            return [], [], []
        return list(modified), [], []
    kind = _slice_element_kind(original, modified)
    set_order: list[Any] = []
    if kind == "map":
        patch_list, delete_list = _diff_lists_of_maps(original, modified, elem, merge_key, opts)
        patch_list = _normalize_slice_order(patch_list, modified, merge_key, kind)
        order_same = _is_order_same(original, modified, merge_key)
        patch_list = patch_list + delete_list
        delete_list = []
        if opts.set_element_order and (
            (not opts.ignore_changes_and_additions and (patch_list or not order_same))
            or (not opts.ignore_deletions and patch_list)
        ):
            set_order = [{merge_key: v[merge_key]} for v in modified]
        return patch_list, delete_list, set_order
    if kind == "slice":
        raise _smp_error(ERR_NO_LIST_OF_LISTS)
    patch_list, delete_list = _diff_lists_of_scalars(original, modified, opts)
    patch_list = _normalize_slice_order(patch_list, modified, merge_key, kind)
    if opts.set_element_order and (
        (not opts.ignore_deletions and delete_list)
        or (not opts.ignore_changes_and_additions and not deep_equal(original, modified))
    ):
        set_order = list(modified)
    return patch_list, delete_list, set_order


def _is_order_same(original: list[Any], modified: list[Any], merge_key: str) -> bool:
    if len(original) != len(modified):
        return False
    for i, item in enumerate(modified):
        if not _merge_key_value_equal(original[i], item, merge_key):
            return False
    return True


def _diff_lists_of_scalars(
    original: list[Any], modified: list[Any], opts: DiffOptions
) -> tuple[list[Any], list[Any]]:
    orig_sorted = _sort_scalars(original)
    mod_sorted = _sort_scalars(modified)
    oi = mi = 0
    add_list: list[Any] = []
    deletion_list: list[Any] = []
    while True:
        o_in = oi < len(orig_sorted)
        m_in = mi < len(mod_sorted)
        if not o_in and not m_in:
            break
        os_ = go_v(orig_sorted[oi]) if o_in else ""
        ms_ = go_v(mod_sorted[mi]) if m_in else ""
        if o_in and m_in and os_ == ms_:
            oi += 1
            mi += 1
        elif not o_in or (o_in and m_in and os_ > ms_):
            if not opts.ignore_changes_and_additions:
                add_list.append(mod_sorted[mi])
            mi += 1
        else:
            if not opts.ignore_deletions:
                deletion_list.append(orig_sorted[oi])
            oi += 1
    return add_list, _deduplicate_scalars(deletion_list)


def _sort_maps_by_field(items: list[Any], merge_key: str) -> list[Any]:
    for v in items:
        if not isinstance(v, dict):
            raise _err_bad_arg_type("map", v)
    return sorted(items, key=lambda m: go_v(m.get(merge_key)))


def _diff_lists_of_maps(
    original: list[Any], modified: list[Any], elem: PatchMeta, merge_key: str, opts: DiffOptions
) -> tuple[list[Any], list[Any]]:
    patch: list[Any] = []
    deletion_list: list[Any] = []
    orig_sorted = _sort_maps_by_field(original, merge_key)
    mod_sorted = _sort_maps_by_field(modified, merge_key)
    oi = mi = 0
    while True:
        o_in = oi < len(orig_sorted)
        m_in = mi < len(mod_sorted)
        if not o_in and not m_in:
            break
        o_el: dict[str, Any] = {}
        m_el: dict[str, Any] = {}
        o_key = m_key = None
        o_str = m_str = ""
        if o_in:
            o_el = orig_sorted[oi]
            if merge_key not in o_el:
                raise _err_no_merge_key(o_el, merge_key)
            o_key = o_el[merge_key]
            o_str = go_v(o_key)
        if m_in:
            m_el = mod_sorted[mi]
            if merge_key not in m_el:
                raise _err_no_merge_key(m_el, merge_key)
            m_key = m_el[merge_key]
            m_str = go_v(m_key)
        if o_in and m_in and o_str == m_str:
            value = diff_maps(o_el, m_el, elem, opts)
            if value:
                value[merge_key] = m_key
                patch.append(value)
            oi += 1
            mi += 1
        elif not o_in or (o_in and m_in and o_str > m_str):
            if not opts.ignore_changes_and_additions:
                patch.append(m_el)
            mi += 1
        else:
            if not opts.ignore_deletions:
                deletion_list.append({merge_key: o_key, DIRECTIVE_MARKER: DELETE_DIRECTIVE})
            oi += 1
    return patch, deletion_list


# --------------------------------------------------------------------------------------------
# strategicpatch: merge (server side with merge_parallel_list=True, client three-way with False)
# --------------------------------------------------------------------------------------------


@dataclass
class MergeOptions:
    """strategicpatch.MergeOptions."""

    merge_parallel_list: bool = False
    ignore_unmatched_nulls: bool = False


def merge_map(
    original: dict[str, Any] | None, patch: dict[str, Any], meta: PatchMeta, opts: MergeOptions
) -> dict[str, Any]:
    """strategicpatch.mergeMap. Mutates both arguments (like Go); pass copies."""
    if DIRECTIVE_MARKER in patch:
        directive = patch[DIRECTIVE_MARKER]
        if directive == REPLACE_DIRECTIVE:
            del patch[DIRECTIVE_MARKER]
            return patch
        if directive == DELETE_DIRECTIVE:
            return {}
        raise _internal(f"unknown patch type: {go_v(directive)} in map: {go_v(patch)}")
    if original is None:
        original = {}
    _apply_retain_keys_directive(original, patch, opts)
    _merge_patch_into_original(original, patch, meta, opts)

    for k in list(patch.keys()):
        if k not in patch:
            continue
        patch_v = patch[k]
        is_delete_list = False
        if k.startswith(DELETE_FROM_PRIMITIVE_LIST_PREFIX):
            if not opts.merge_parallel_list:
                original[k] = patch_v
                continue
            k = _extract_key(k, DELETE_FROM_PRIMITIVE_LIST_PREFIX)
            is_delete_list = True
        if patch_v is None:
            original.pop(k, None)
            if opts.ignore_unmatched_nulls:
                continue
        if k not in original:
            original[k] = patch_v
            continue
        if _go_type(original[k]) != _go_type(patch_v):
            original[k] = patch_v
            continue
        field_meta, strategies, merge_key = meta.lookup(k)
        _, strategy = _extract_retain_keys_patch_strategy(strategies)
        cur = original[k]
        if isinstance(cur, dict):
            if strategy != REPLACE_DIRECTIVE:
                original[k] = merge_map(cur, patch_v, field_meta, opts)
            else:
                original[k] = patch_v
        elif isinstance(cur, list):
            original[k] = _merge_slice_handler(
                cur, patch_v, field_meta, strategy, merge_key, is_delete_list, opts
            )
        else:
            original[k] = patch_v
    return original


def _extract_key(s: str, prefix: str) -> str:
    parts = s.split("/", 1)
    if len(parts) <= 1 or parts[0] != prefix:
        if prefix == DELETE_FROM_PRIMITIVE_LIST_PREFIX:
            raise _smp_error(ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST)
        if prefix == SET_ELEMENT_ORDER_PREFIX:
            raise _smp_error(ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST)
        raise _internal(f'fail to find unknown prefix "{prefix}" in {s}\n')
    return parts[1]


def _apply_retain_keys_directive(original: dict[str, Any], patch: dict[str, Any], opts: MergeOptions) -> None:
    if RETAIN_KEYS_DIRECTIVE not in patch:
        return
    retain = patch.pop(RETAIN_KEYS_DIRECTIVE)
    if not opts.merge_parallel_list:
        if RETAIN_KEYS_DIRECTIVE in original:
            if not deep_equal(original[RETAIN_KEYS_DIRECTIVE], retain):
                raise _internal(
                    f"{go_v(original[RETAIN_KEYS_DIRECTIVE])} and {go_v(retain)} are not deep equal: "
                    "this may happen when calculating the 3-way diff patch"
                )
        else:
            original[RETAIN_KEYS_DIRECTIVE] = retain
        return
    if not isinstance(retain, list):
        raise _smp_error(ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS)
    keep = list(retain)

    def kept(k: Any) -> bool:
        return any(_scalar_eq(k, v) for v in keep)

    for k, v in patch.items():
        if (
            v is None
            or k.startswith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)
            or k.startswith(SET_ELEMENT_ORDER_PREFIX)
        ):
            continue
        if not kept(k):
            raise _smp_error(ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS)
    for k in list(original):
        if not kept(k):
            del original[k]


def _validate_patch_with_set_order_list(patch_list: Any, set_order_list: Any, merge_key: str) -> None:
    if not isinstance(set_order_list, list) or not isinstance(patch_list, list):
        raise _smp_error(ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST)
    if not set_order_list or not patch_list:
        return
    if merge_key:
        non_delete, _ = _extract_to_delete_items(patch_list)
    else:
        non_delete = patch_list
    pi = si = 0
    while pi < len(non_delete) and si < len(set_order_list):
        item = non_delete[pi]
        if isinstance(item, dict) and DIRECTIVE_MARKER in item:
            pi += 1
            continue
        if _merge_key_value_equal(item, set_order_list[si], merge_key):
            pi += 1
        si += 1
    if pi < len(non_delete) and si >= len(set_order_list):
        raise _internal(
            f"The order in patch list:\n{go_v(patch_list)}\n doesn't match "
            f"{SET_ELEMENT_ORDER_PREFIX} list:\n{go_v(set_order_list)}\n"
        )


def _partition_primitives(merged: list[Any], by: list[Any]) -> tuple[list[Any], list[Any]]:
    patch: list[Any] = []
    server_only: list[Any] = []
    for v in merged:
        if any(_scalar_eq(v, b) for b in by):
            patch.append(v)
        else:
            server_only.append(v)
    return patch, server_only


def _partition_maps(merged: list[Any], by: list[Any], merge_key: str) -> tuple[list[Any], list[Any]]:
    patch: list[Any] = []
    server_only: list[Any] = []
    for v in merged:
        if not isinstance(v, dict):
            raise _err_bad_arg_type("map", v)
        if merge_key not in v:
            raise _err_no_merge_key(v, merge_key)
        _, _, found = _find_map_in_slice(by, merge_key, v[merge_key])
        (patch if found else server_only).append(v)
    return patch, server_only


def _merge_patch_into_original(
    original: dict[str, Any], patch: dict[str, Any], meta: PatchMeta, opts: MergeOptions
) -> None:
    for key in list(patch.keys()):
        if not key.startswith(SET_ELEMENT_ORDER_PREFIX) or key not in patch:
            continue
        order_in_patch = patch[key]
        if not opts.merge_parallel_list:
            if key in original:
                if not deep_equal(original[key], order_in_patch):
                    raise _smp_error(ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST)
            else:
                original[key] = order_in_patch
        del patch[key]
        if not isinstance(order_in_patch, list):
            raise _err_bad_arg_type("slice", order_in_patch)
        orig_key = _extract_key(key, SET_ELEMENT_ORDER_PREFIX)
        found_orig = orig_key in original
        found_patch = orig_key in patch
        orig_list: list[Any] = []
        patch_list: list[Any] = []
        if found_orig:
            if not isinstance(original[orig_key], list):
                raise _err_bad_arg_type("slice", original[orig_key])
            orig_list = original[orig_key]
        if found_patch:
            if not isinstance(patch[orig_key], list):
                raise _err_bad_arg_type("slice", patch[orig_key])
            patch_list = patch[orig_key]
        field_meta, strategies, merge_key = meta.lookup(orig_key)
        _, strategy = _extract_retain_keys_patch_strategy(strategies)
        _validate_patch_with_set_order_list(patch_list, order_in_patch, merge_key)
        if found_orig and not found_patch:
            merged = orig_list
        elif not found_orig and found_patch:
            merged = patch_list
        elif found_orig and found_patch:
            merged = _merge_slice_handler(orig_list, patch_list, field_meta, strategy, merge_key, False, opts)
        else:
            continue
        if not merge_key:
            patch_items, server_only = _partition_primitives(merged, order_in_patch)
        else:
            patch_items, server_only = _partition_maps(merged, order_in_patch, merge_key)
        kind = _slice_element_kind(orig_list, patch_list)
        original[orig_key] = _normalize_element_order(
            patch_items, server_only, order_in_patch, orig_list, merge_key, kind
        )
        patch.pop(orig_key, None)


def _merge_slice_handler(
    original: Any,
    patch: Any,
    field_meta: PatchMeta,
    strategy: str,
    merge_key: str,
    is_delete_list: bool,
    opts: MergeOptions,
) -> list[Any]:
    if not isinstance(original, list):
        raise _err_bad_arg_type("slice", original)
    if not isinstance(patch, list):
        raise _err_bad_arg_type("slice", patch)
    if strategy == MERGE_DIRECTIVE:
        return _merge_slice(original, patch, field_meta.elem(), merge_key, opts, is_delete_list)
    return patch


def _merge_slice(
    original: list[Any],
    patch: list[Any],
    elem: PatchMeta,
    merge_key: str,
    opts: MergeOptions,
    is_delete_list: bool,
) -> list[Any]:
    if not original and not patch:
        return original
    kind = _slice_element_kind(original, patch)
    if kind != "map":
        if opts.merge_parallel_list and is_delete_list:
            return [v for v in original if not any(_scalar_eq(v, d) for d in patch)]
        merged = _deduplicate_scalars(original + patch)
    else:
        if not merge_key:
            raise _internal("cannot merge lists without merge key for type map")
        original, patch = _merge_slice_with_special_elements(original, patch, merge_key)
        merged = _merge_slice_without_special_elements(original, patch, merge_key, elem, opts)
    if not merge_key:
        patch_items, server_only = _partition_primitives(merged, patch)
    else:
        patch_items, server_only = _partition_maps(merged, patch, merge_key)
    return _normalize_element_order(patch_items, server_only, patch, original, merge_key, kind)


def _merge_slice_with_special_elements(
    original: list[Any], patch: list[Any], merge_key: str
) -> tuple[list[Any], list[Any]]:
    without: list[Any] = []
    replace = False
    original = list(original)
    for v in patch:
        if DIRECTIVE_MARKER not in v:
            without.append(v)
            continue
        directive = v[DIRECTIVE_MARKER]
        if directive == DELETE_DIRECTIVE:
            if merge_key not in v:
                raise _err_no_merge_key(v, merge_key)
            value = v[merge_key]
            while True:
                _, idx, found = _find_map_in_slice(original, merge_key, value)
                if not found:
                    break
                del original[idx]
        elif directive == REPLACE_DIRECTIVE:
            replace = True
        elif directive == MERGE_DIRECTIVE:
            raise _internal("merging lists cannot yet be specified in the patch")
        else:
            raise _internal(f"unknown patch type: {go_v(directive)} in map: {go_v(v)}")
    if replace:
        return without, []
    return original, without


def _merge_slice_without_special_elements(
    original: list[Any], patch: list[Any], merge_key: str, elem: PatchMeta, opts: MergeOptions
) -> list[Any]:
    original = list(original)
    for v in patch:
        if merge_key not in v:
            raise _err_no_merge_key(v, merge_key)
        found_map, idx, found = _find_map_in_slice(original, merge_key, v[merge_key])
        if found:
            original[idx] = merge_map(found_map, v, elem, opts)
        else:
            original.append(v)
    return original


# --------------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------------


def strategic_merge_patch(
    target: dict[str, Any], patch: dict[str, Any], group: str, version: str, kind: str
) -> dict[str, Any]:
    """Apply a strategic merge patch the way the v1.32 API server does (StrategicMergeMapPatch).

    Kinds the schema does not know (custom resources) raise the server's 415 PatchError, as the
    real API server does not accept strategic merge patches for them.
    """
    meta = PatchMeta.for_kind(group, version, kind)
    if meta is None:
        raise PatchError(CRD_SMP_UNSUPPORTED, 415, "UnsupportedMediaType")
    if not isinstance(patch, dict):
        raise _bad_request(_unmarshal_type_error(patch, "map[string]interface {}"))
    if not isinstance(target, dict):
        raise _smp_error(ERR_BAD_JSON_DOC)
    opts = MergeOptions(merge_parallel_list=True, ignore_unmatched_nulls=True)
    try:
        return merge_map(copy.deepcopy(target), copy.deepcopy(patch), meta, opts)
    except PatchError:
        raise
    except (TypeError, AttributeError, KeyError, IndexError, ValueError, RecursionError) as exc:
        raise _internal(f"unable to apply strategic merge patch: {exc}") from exc


def _unmarshal_type_error(value: Any, go_type: str) -> str:
    names = {"nil": "null", "bool": "bool", "int64": "number", "float64": "number", "string": "string"}
    t = _go_type(value)
    json_kind = names.get(t, "array" if t == "slice" else "object")
    return f"json: cannot unmarshal {json_kind} into Go value of type {go_type}"


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
        if k not in doc or cur is None:
            doc[k] = _prune_nulls(v)
        elif isinstance(cur, dict) and isinstance(v, dict):
            _merge_docs(cur, v)
        elif isinstance(cur, dict):
            doc[k] = v
        else:
            doc[k] = _prune_nulls(v)


def json_merge_patch(target: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Apply an RFC 7386 JSON merge patch (evanphx/json-patch v4 ``MergePatch`` semantics)."""
    if patch is None:
        raise _bad_request("Invalid JSON Patch")
    if not isinstance(patch, dict):
        raise _bad_request("Invalid JSON Patch")
    if not isinstance(target, dict):
        raise _bad_request("Invalid JSON Document")
    doc = copy.deepcopy(target)
    _merge_docs(doc, copy.deepcopy(patch))
    return doc


# --------------------------------------------------------------------------------------------
# RFC 6902 JSON patch (evanphx/json-patch v4.12, as vendored in the v1.32 API server)
# --------------------------------------------------------------------------------------------

_MISSING = "missing value"
_INVALID_INDEX = "invalid index referenced"
_TEST_FAILED = "test failed"
_ABSENT = object()


class _OpError(Exception):
    pass


def _decode_key(k: str) -> str:
    return k.replace("~1", "/").replace("~0", "~")


def _atoi(key: str) -> int:
    text = key[1:] if key[:1] in "+-" else key
    if not text or not text.isascii() or not text.isdigit():
        raise _OpError(f'strconv.Atoi: parsing "{key}": invalid syntax')
    return int(key)


def _get(con: Any, key: str) -> Any:
    """container.get: maps never fail (missing -> _ABSENT); arrays check the index."""
    if isinstance(con, dict):
        return con[key] if key in con else _ABSENT
    idx = _atoi(key)
    if idx < 0:
        if idx < -len(con):
            raise _OpError(f"Unable to access invalid index: {idx}: {_INVALID_INDEX}")
        idx += len(con)
    if idx >= len(con):
        raise _OpError(f"Unable to access invalid index: {idx}: {_INVALID_INDEX}")
    return con[idx]


def _find_object(doc: Any, path: str) -> tuple[Any, str] | None:
    split = path.split("/")
    if len(split) < 2:
        return None
    cur = doc
    for part in split[1:-1]:
        try:
            nxt = _get(cur, _decode_key(part))
        except _OpError:
            return None
        if nxt is _ABSENT or nxt is None or not isinstance(nxt, dict | list):
            return None
        cur = nxt
    return cur, _decode_key(split[-1])


def _con_add(con: Any, key: str, val: Any) -> None:
    if isinstance(con, dict):
        con[key] = val
        return
    if key == "-":
        con.append(val)
        return
    try:
        idx = _atoi(key)
    except _OpError as exc:
        raise _OpError(f"value was not a proper array index: '{key}': {exc}") from None
    size = len(con) + 1
    if idx >= size:
        raise _OpError(f"Unable to access invalid index: {idx}: {_INVALID_INDEX}")
    if idx < 0:
        if idx < -size:
            raise _OpError(f"Unable to access invalid index: {idx}: {_INVALID_INDEX}")
        idx += size
    con.insert(idx, val)


def _con_remove(con: Any, key: str) -> None:
    if isinstance(con, dict):
        if key not in con:
            raise _OpError(f"Unable to remove nonexistent key: {key}: {_MISSING}")
        del con[key]
        return
    idx = _atoi(key)
    if idx >= len(con):
        raise _OpError(f"Unable to access invalid index: {idx}: {_INVALID_INDEX}")
    if idx < 0:
        if idx < -len(con):
            raise _OpError(f"Unable to access invalid index: {idx}: {_INVALID_INDEX}")
        idx += len(con)
    del con[idx]


def _con_set(con: Any, key: str, val: Any) -> None:
    if isinstance(con, dict):
        con[key] = val
        return
    idx = _atoi(key)
    if idx < 0:
        if idx < -len(con):
            raise _OpError(f"Unable to access invalid index: {idx}: {_INVALID_INDEX}")
        idx += len(con)
    con[idx] = val


def _op_str(op: dict[str, Any], field: str, missing: str) -> str:
    if field in op and op[field] is not None:
        v = op[field]
        if not isinstance(v, str):
            raise _OpError(_unmarshal_type_error(v, "string"))
        return v
    raise _OpError(missing)


def _apply_op(doc: Any, op: dict[str, Any]) -> Any:
    raw_kind = op.get("op")
    kind = raw_kind if isinstance(raw_kind, str) else "unknown"
    value = op.get("value", None)
    has_value = "value" in op
    if kind == "add":
        try:
            path = _op_str(op, "path", "")
        except _OpError:
            raise _OpError(f"add operation failed to decode path: {_MISSING}") from None
        found = _find_object(doc, path)
        if found is None:
            raise _OpError(f'add operation does not apply: doc is missing path: "{path}": {_MISSING}')
        try:
            _con_add(found[0], found[1], copy.deepcopy(value))
        except _OpError as exc:
            raise _OpError(f"error in add for path: '{path}': {exc}") from None
        return doc
    if kind == "remove":
        try:
            path = _op_str(op, "path", "")
        except _OpError:
            raise _OpError(f"remove operation failed to decode path: {_MISSING}") from None
        found = _find_object(doc, path)
        if found is None:
            raise _OpError(f'remove operation does not apply: doc is missing path: "{path}": {_MISSING}')
        try:
            _con_remove(found[0], found[1])
        except _OpError as exc:
            raise _OpError(f"error in remove for path: '{path}': {exc}") from None
        return doc
    if kind == "replace":
        try:
            path = _op_str(op, "path", f"operation missing path field: {_MISSING}")
        except _OpError as exc:
            raise _OpError(f"replace operation failed to decode path: {exc}") from None
        if path == "":
            if not isinstance(value, dict | list):
                raise _OpError("replace operation value must be object or array: %!w(<nil>)")
            return copy.deepcopy(value)
        found = _find_object(doc, path)
        if found is None:
            raise _OpError(f"replace operation does not apply: doc is missing path: {path}: {_MISSING}")
        con, key = found
        try:
            _get(con, key)
        except _OpError:
            raise _OpError(
                f"replace operation does not apply: doc is missing key: {path}: {_MISSING}"
            ) from None
        try:
            _con_set(con, key, copy.deepcopy(value))
        except _OpError as exc:
            raise _OpError(f"error in remove for path: '{path}': {exc}") from None
        return doc
    if kind == "move":
        try:
            frm = _op_str(op, "from", f"operation, missing from field: {_MISSING}")
        except _OpError as exc:
            raise _OpError(f"move operation failed to decode from: {exc}") from None
        found = _find_object(doc, frm)
        if found is None:
            raise _OpError(f"move operation does not apply: doc is missing from path: {frm}: {_MISSING}")
        con, key = found
        try:
            val = _get(con, key)
            _con_remove(con, key)
        except _OpError as exc:
            raise _OpError(f"error in move for path: '{key}': {exc}") from None
        try:
            path = _op_str(op, "path", f"operation missing path field: {_MISSING}")
        except _OpError as exc:
            raise _OpError(f"move operation failed to decode path: {exc}") from None
        found = _find_object(doc, path)
        if found is None:
            raise _OpError(
                f"move operation does not apply: doc is missing destination path: {path}: {_MISSING}"
            )
        try:
            _con_add(found[0], found[1], None if val is _ABSENT else val)
        except _OpError as exc:
            raise _OpError(f"error in move for path: '{path}': {exc}") from None
        return doc
    if kind == "test":
        try:
            path = _op_str(op, "path", f"operation missing path field: {_MISSING}")
        except _OpError as exc:
            raise _OpError(f"test operation failed to decode path: {exc}") from None
        if path == "":
            if has_value and deep_equal(doc, value):
                return doc
            raise _OpError(f"testing value {path} failed: {_TEST_FAILED}")
        found = _find_object(doc, path)
        if found is None:
            raise _OpError(f"test operation does not apply: is missing path: {path}: {_MISSING}")
        try:
            val = _get(found[0], found[1])
        except _OpError as exc:
            raise _OpError(f"error in test for path: '{path}': {exc}") from None
        if val is _ABSENT or val is None:
            if not has_value or value is None:
                return doc
            raise _OpError(f"testing value {path} failed: {_TEST_FAILED}")
        if not has_value:
            raise _OpError(f"testing value {path} failed: {_TEST_FAILED}")
        if deep_equal(val, value):
            return doc
        raise _OpError(f"testing value {path} failed: {_TEST_FAILED}")
    if kind == "copy":
        try:
            frm = _op_str(op, "from", f"operation, missing from field: {_MISSING}")
        except _OpError as exc:
            raise _OpError(f"copy operation failed to decode from: {exc}") from None
        found = _find_object(doc, frm)
        if found is None:
            raise _OpError(f"copy operation does not apply: doc is missing from path: {frm}: {_MISSING}")
        try:
            val = _get(found[0], found[1])
        except _OpError as exc:
            raise _OpError(f"error in copy for from: '{frm}': {exc}") from None
        try:
            path = _op_str(op, "path", "")
        except _OpError:
            raise _OpError(f"copy operation failed to decode path: {_MISSING}") from None
        found = _find_object(doc, path)
        if found is None:
            raise _OpError(
                f"copy operation does not apply: doc is missing destination path: {path}: {_MISSING}"
            )
        try:
            _con_add(found[0], found[1], None if val is _ABSENT else copy.deepcopy(val))
        except _OpError as exc:
            raise _OpError(f"error while adding value during copy: {exc}") from None
        return doc
    raise _OpError(f"Unexpected kind: {kind}")


def json_patch(target: dict[str, Any], ops: list[Any]) -> dict[str, Any]:
    """Apply an RFC 6902 JSON patch like the v1.32 API server (evanphx/json-patch v4.12).

    Failures while applying raise PatchError with the library's text in ``message`` and the
    server's 422 ``the server rejected our request due to an error in our request`` status.
    """
    if not isinstance(ops, list):
        raise _bad_request(_unmarshal_type_error(ops, "jsonpatch.Patch"))
    for op in ops:
        if not isinstance(op, dict):
            raise _bad_request(_unmarshal_type_error(op, "jsonpatch.Operation"))
    if len(ops) > MAX_JSON_PATCH_OPERATIONS:
        msg = (
            f"Request entity too large: The allowed maximum operations in a JSON patch is "
            f"{MAX_JSON_PATCH_OPERATIONS}, got {len(ops)}"
        )
        raise PatchError(msg, 413, "RequestEntityTooLarge")
    doc: Any = copy.deepcopy(target)
    for op in ops:
        try:
            doc = _apply_op(doc, op)
        except _OpError as exc:
            raise _unprocessable(str(exc)) from None
    if not isinstance(doc, dict):
        raise _unprocessable(_unmarshal_type_error(doc, "map[string]interface {}"))
    return doc


def apply_patch(
    target: dict[str, Any], patch: Any, content_type: str, group: str, version: str, kind: str
) -> dict[str, Any]:
    """Dispatch on the PATCH Content-Type (json-patch, merge-patch or strategic-merge-patch)."""
    if content_type == JSON_PATCH:
        return json_patch(target, patch)
    if content_type == MERGE_PATCH:
        return json_merge_patch(target, patch)
    if content_type == STRATEGIC_MERGE_PATCH:
        return strategic_merge_patch(target, patch, group, version, kind)
    raise PatchError(f"{content_type}: unimplemented patch type", 500, "")
