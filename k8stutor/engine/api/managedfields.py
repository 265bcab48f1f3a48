"""Field ownership (``metadata.managedFields``) and server-side apply, as structured-merge-diff computes them.

Each write that names a field manager records which fields that manager set: an ``Update`` entry for create,
update and patch (every field the write added or changed, including defaults, as the real field manager runs
after decoding), an ``Apply`` entry for server-side apply (exactly the fields of the applied configuration).
Sets are serialised as ``fieldsV1`` (``f:name``, ``k:{"key":value}``, ``v:value``, ``.`` for a node that is
itself a member), typed by the v1.32 OpenAPI schemas: atomic lists and maps are leaves, associative lists are
keyed by their ``x-kubernetes-list-map-keys`` (or patch merge key).

Server-side apply merges the configuration into the live object, removes fields this manager applied before
and no longer applies (unless someone else owns them) and refuses to change a field another manager owns
(409 ``Apply failed with 1 conflict: ...``) unless forced, when the other manager loses the field.

Approximations: custom resources and unknown fields are typed by their values (maps granular, lists atomic);
status writes by cluster components are not tracked; the real reset-fields strategies are reduced to "the main
resource never owns status".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import errors, schema
from ..store import clone
from ..timeutil import rfc3339

if TYPE_CHECKING:
    from ..registry import ResourceType

Path = tuple[str, ...]
_MISSING: Any = object()

# stripMetaManager: never owned.
_STRIPPED: frozenset[Path] = frozenset(
    [("f:apiVersion",), ("f:kind",), ("f:metadata",)]
    + [
        ("f:metadata", f"f:{k}")
        for k in (
            "name",
            "namespace",
            "creationTimestamp",
            "selfLink",
            "uid",
            "clusterName",
            "generation",
            "managedFields",
            "resourceVersion",
        )
    ]
)

# Non-pointer struct fields of the Go types (present as ``{}`` in a freshly made object) and fields without
# ``omitempty`` (present as null): what the live object of a create already has, which decides where a ``.``
# marker appears. Top-level metadata/spec/status are always present.
_ZERO_STRUCTS: dict[str, tuple[str, ...]] = {
    "io.k8s.api.core.v1.PodTemplateSpec": ("metadata", "spec"),
    "io.k8s.api.batch.v1.JobTemplateSpec": ("metadata", "spec"),
    "io.k8s.api.apps.v1.DeploymentSpec": ("template", "strategy"),
    "io.k8s.api.apps.v1.StatefulSetSpec": ("template", "updateStrategy"),
    "io.k8s.api.apps.v1.DaemonSetSpec": ("template", "updateStrategy"),
    "io.k8s.api.apps.v1.ReplicaSetSpec": ("template",),
    "io.k8s.api.batch.v1.JobSpec": ("template",),
    "io.k8s.api.batch.v1.CronJobSpec": ("jobTemplate",),
    "io.k8s.api.core.v1.ServiceStatus": ("loadBalancer",),
    "io.k8s.api.core.v1.NodeStatus": ("daemonEndpoints", "nodeInfo"),
    "io.k8s.api.core.v1.PersistentVolumeClaimSpec": ("resources",),
    "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec": ("scaleTargetRef",),
}
_ZERO_NULLS: dict[str, tuple[str, ...]] = {
    "io.k8s.api.core.v1.PodSpec": ("containers",),
    "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": ("creationTimestamp",),
    "io.k8s.api.apps.v1.DeploymentSpec": ("selector",),
    "io.k8s.api.apps.v1.StatefulSetSpec": ("selector",),
    "io.k8s.api.apps.v1.DaemonSetSpec": ("selector",),
    "io.k8s.api.apps.v1.ReplicaSetSpec": ("selector",),
}


# ---- the schema as structured-merge-diff sees it ---------------------------------------------------------------
@dataclass(frozen=True)
class _Type:
    kind: str  # scalar | struct | map | list | deduced
    atomic: bool = False
    node: Any = None  # struct: the definition; map: element node; list: element node
    list_type: str = "atomic"  # atomic | set | map
    keys: tuple[str, ...] = ()
    name: str = ""  # the definition name (structs)


_DEDUCED = _Type("deduced")
# List-map key fields the schema defaults (structured-merge-diff fills a missing key from its default):
# container and service ports are keyed by port and protocol even when a manifest omits ``protocol: TCP``.
_KEY_DEFAULTS: dict[str, Any] = {"protocol": "TCP"}
_cache: dict[int, _Type] = {}


def _type(node: Any) -> _Type:
    """The structured-merge-diff type of a schema node (None: deduced from the value)."""
    if not isinstance(node, dict):
        return _DEDUCED
    hit = _cache.get(id(node))
    if hit is not None:
        return hit
    name, resolved = schema.resolve_ref(node)
    ext = dict(resolved)
    ext.update({k: v for k, v in node.items() if k.startswith("x-kubernetes-")})
    types = ext.get("type")
    types = types if isinstance(types, list) else [types]
    atomic = ext.get("x-kubernetes-map-type") == "atomic"
    if ext.get("x-kubernetes-preserve-unknown-fields") or ext.get("x-kubernetes-embedded-resource"):
        t = _DEDUCED
    elif "properties" in ext:
        t = _Type("struct", atomic, ext, name=name or "")
    elif "additionalProperties" in ext:
        t = _Type("map", atomic, ext["additionalProperties"])
    elif "array" in types:
        lt = ext.get("x-kubernetes-list-type")
        keys: tuple[str, ...] = tuple(ext.get("x-kubernetes-list-map-keys") or ())
        if lt is None:
            strategy = str(ext.get("x-kubernetes-patch-strategy", ""))
            merge_key = ext.get("x-kubernetes-patch-merge-key")
            if strategy.split(",")[0] == "merge" and merge_key:
                lt, keys = "map", (merge_key,)
            elif strategy.split(",")[0] == "merge":
                lt = "set"
            else:
                lt = "atomic"
        t = _Type("list", lt == "atomic", ext.get("items"), lt, keys)
    elif "object" in types:
        t = _DEDUCED
    else:
        t = _Type("scalar")
    _cache[id(node)] = t
    return t


def _field(t: _Type, key: str) -> tuple[Any, bool]:
    """(schema node of a map/struct member, whether it is a declared struct field)."""
    if t.kind == "struct":
        props = t.node.get("properties") or {}
        if key in props:
            return props[key], True
        return None, False
    if t.kind == "map":
        return t.node, False
    return None, False


def _list_elem(t: _Type) -> _Type:
    return _type(t.node) if t.kind == "list" else _DEDUCED


def _item_element(t: _Type, item: Any, index: int) -> str:
    """The path element of a list item: ``k:{...}`` (map lists), ``v:...`` (sets), ``i:N`` otherwise."""
    if t.list_type == "map" and isinstance(item, dict):
        key = {
            k: item[k] if k in item else _KEY_DEFAULTS[k] for k in t.keys if k in item or k in _KEY_DEFAULTS
        }
        return "k:" + json.dumps(dict(sorted(key.items())), separators=(",", ":"))
    if t.list_type == "set":
        return "v:" + json.dumps(item, separators=(",", ":"))
    return f"i:{index}"


def _is_leaf(t: _Type, value: Any) -> bool:
    if t.kind == "scalar" or t.atomic:
        return True
    if t.kind == "deduced":
        return not isinstance(value, dict)
    if t.kind == "list":
        return False
    return not isinstance(value, dict)


def _root_type(rt: ResourceType) -> _Type:
    if rt.crd:
        return _DEDUCED
    name = schema.definition_name_for(rt.group, rt.version, rt.kind)
    if name is None:
        return _DEDUCED
    return _type({"$ref": f"#/$defs/{name}"})


# ---- field sets ------------------------------------------------------------------------------------------------
def field_set(value: Any, t: _Type, path: Path = ()) -> set[Path]:
    """``ToFieldSet``: the fields a (partial) object sets — leaves, list items, map keys, empty objects."""
    out: set[Path] = set()
    _to_set(value, t, path, out)
    return out


def _to_set(value: Any, t: _Type, path: Path, out: set[Path]) -> None:
    if t.kind == "scalar" or t.atomic or value is None:
        out.add(path)
        return
    if t.kind == "list" or (t.kind == "deduced" and isinstance(value, list)):
        if t.kind != "list" or t.list_type == "atomic" or not isinstance(value, list):
            out.add(path)
            return
        elem = _list_elem(t)
        for i, item in enumerate(value):
            p = path + (_item_element(t, item, i),)
            _to_set(item, elem, p, out)
            out.add(p)
        return
    if not isinstance(value, dict):
        out.add(path)
        return
    for key, val in value.items():
        node, declared = _field(t, key)
        p = path + (f"f:{key}",)
        child = _type(node) if node is not None else _DEDUCED
        _to_set(val, child, p, out)
        if val is None or (isinstance(val, dict) and not val) or not declared:
            out.add(p)


@dataclass
class Comparison:
    """The paths added, modified and removed between two objects."""

    added: set[Path]
    modified: set[Path]
    removed: set[Path]


def compare(lhs: Any, rhs: Any, t: _Type) -> Comparison:
    """``TypedValue.Compare``: leaves compare by value; a node missing on one side is added/removed."""
    c = Comparison(set(), set(), set())
    _cmp(lhs, rhs, t, (), c)
    return c


def _cmp(lhs: Any, rhs: Any, t: _Type, path: Path, c: Comparison) -> None:
    lhs_empty = lhs is _MISSING or lhs is None or (isinstance(lhs, (dict, list)) and not lhs)
    rhs_empty = rhs is _MISSING or rhs is None or (isinstance(rhs, (dict, list)) and not rhs)
    probe = rhs if rhs is not _MISSING else lhs
    leaf = _is_leaf(t, probe) or (lhs_empty and rhs_empty and t.kind != "list")
    if t.kind == "list" and t.list_type == "atomic":
        leaf = True
    if t.kind == "deduced" and (isinstance(probe, list) or probe is None):
        leaf = True
    if leaf:
        if lhs is _MISSING:
            c.added.add(path)
        elif rhs is _MISSING:
            c.removed.add(path)
        elif lhs != rhs:
            c.modified.add(path)
        return
    if t.kind == "list":
        lmap = _items(lhs, t)
        rmap = _items(rhs, t)
        elem = _list_elem(t)
        for pe in list(lmap) + [k for k in rmap if k not in lmap]:
            _cmp(lmap.get(pe, _MISSING), rmap.get(pe, _MISSING), elem, path + (pe,), c)
    else:
        ld = lhs if isinstance(lhs, dict) else {}
        rd = rhs if isinstance(rhs, dict) else {}
        for key in list(ld) + [k for k in rd if k not in ld]:
            node, _ = _field(t, key)
            child = _type(node) if node is not None else _DEDUCED
            _cmp(ld.get(key, _MISSING), rd.get(key, _MISSING), child, path + (f"f:{key}",), c)
    if path:
        if lhs is _MISSING:
            c.added.add(path)
        elif rhs is _MISSING:
            c.removed.add(path)


def _items(value: Any, t: _Type) -> dict[str, Any]:
    if not isinstance(value, list):
        return {}
    return {_item_element(t, item, i): item for i, item in enumerate(value)}


# ---- fieldsV1 ---------------------------------------------------------------------------------------------------
def to_fields_v1(paths: Iterable[Path]) -> dict[str, Any]:
    """Serialise a set of paths as ``fieldsV1``."""
    tree: dict[str, Any] = {}
    members: set[Path] = set()
    for p in paths:
        node = tree
        for pe in p:
            node = node.setdefault(pe, {})
        members.add(p)

    def render(node: dict[str, Any], path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if node and path in members:
            out["."] = {}
        for pe in sorted(node, key=_element_order):
            out[pe] = render(node[pe], path + (pe,))
        return out

    return render(tree, ())


def from_fields_v1(fields: Any, path: Path = ()) -> set[Path]:
    """Parse ``fieldsV1`` back into a set of paths."""
    out: set[Path] = set()
    if not isinstance(fields, dict):
        return out
    for pe, child in fields.items():
        if pe == ".":
            out.add(path)
            continue
        p = path + (pe,)
        if isinstance(child, dict) and child:
            out |= from_fields_v1(child, p)
        else:
            out.add(p)
    return out


def _element_order(pe: str) -> tuple[int, str]:
    return ({"f": 0, "k": 1, "v": 2, "i": 3}.get(pe[:1], 4), pe)


def path_string(p: Path) -> str:
    """``fieldpath.Path.String()``: ``.spec.template.spec.containers[name="nginx"].image``."""
    out = []
    for pe in p:
        kind, _, rest = pe.partition(":")
        if kind == "f":
            out.append("." + rest)
        elif kind == "k":
            key = json.loads(rest)
            out.append("[" + ",".join(f"{k}={json.dumps(v)}" for k, v in key.items()) + "]")
        elif kind == "v":
            out.append(f"[={rest}]")
        else:
            out.append(f"[{rest}]")
    return "".join(out)


# ---- managers ---------------------------------------------------------------------------------------------------
@dataclass
class Entry:
    """One ``managedFields`` entry, its fields as a path set."""

    manager: str
    operation: str
    api_version: str
    time: str
    paths: set[Path]
    subresource: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        """The manager identifier (appliers are one manager whatever apiVersion they used)."""
        return (
            self.manager,
            self.operation,
            "" if self.operation == "Apply" else self.api_version,
            self.subresource,
        )

    def encode(self) -> dict[str, Any]:
        """The ``ManagedFieldsEntry`` dict."""
        out: dict[str, Any] = {
            "manager": self.manager,
            "operation": self.operation,
            "apiVersion": self.api_version,
        }
        if self.time:
            out["time"] = self.time
        out["fieldsType"] = "FieldsV1"
        out["fieldsV1"] = to_fields_v1(self.paths)
        if self.subresource:
            out["subresource"] = self.subresource
        return out

    def describe(self) -> str:
        """``printManager``: ``"kubectl-client-side-apply" using apps/v1``."""
        s = json.dumps(self.manager)
        if self.subresource:
            s += f" with subresource {json.dumps(self.subresource)}"
        if self.operation == "Update":
            s += f" using {self.api_version}"
        return s


def decode(obj: dict[str, Any]) -> dict[tuple[str, str, str, str], Entry]:
    """The object's managers (malformed entries are dropped)."""
    out: dict[tuple[str, str, str, str], Entry] = {}
    for e in (obj.get("metadata") or {}).get("managedFields") or ():
        if not isinstance(e, dict) or e.get("fieldsType", "FieldsV1") != "FieldsV1":
            continue
        entry = Entry(
            str(e.get("manager", "")),
            str(e.get("operation", "Update")),
            str(e.get("apiVersion", "")),
            str(e.get("time") or ""),
            from_fields_v1(e.get("fieldsV1")),
            str(e.get("subresource") or ""),
        )
        out[entry.key] = entry
    return out


def encode(managers: dict[tuple[str, str, str, str], Entry]) -> list[dict[str, Any]]:
    """``managedFields`` in the API server's order (Apply first, then by time, manager, apiVersion)."""
    entries = [e for e in managers.values() if e.paths]
    entries.sort(key=lambda e: (e.operation, e.time, e.manager, e.api_version, e.subresource))
    return [e.encode() for e in entries]


def same_owners(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two objects' ``managedFields`` differ only in timestamps (a write that changes nothing else
    and no ownership is a no-op, as the API server's managed-fields-timestamp check makes it)."""
    ma, mb = a["metadata"].get("managedFields"), b["metadata"].get("managedFields")
    if ma == mb:
        return True
    if not isinstance(ma, list) or not isinstance(mb, list) or len(ma) != len(mb):
        return False
    return all(
        isinstance(x, dict) and isinstance(y, dict) and {**x, "time": ""} == {**y, "time": ""}
        for x, y in zip(ma, mb, strict=True)
    )


def _owned(paths: set[Path], rt: ResourceType) -> set[Path]:
    """Drop what no manager owns: the stripped metadata and (on the main resource) status."""
    out = {p for p in paths if p not in _STRIPPED}
    if "status" in rt.subresources:
        out = {p for p in out if not p or p[0] != "f:status"}
    return out


def _zero(t: _Type) -> dict[str, Any]:
    """A freshly made object of the type (Go zero value), as far as it decides ``.`` markers."""
    out: dict[str, Any] = {}
    if t.kind != "struct":
        return out
    props = t.node.get("properties") or {}
    for f in ("metadata", "spec", "status"):
        if f in props:
            out[f] = _zero_of(_type(props[f]))
    return out


def _zero_of(t: _Type) -> Any:
    out: dict[str, Any] = {}
    if t.kind != "struct":
        return out
    props = t.node.get("properties") or {}
    for f in _ZERO_STRUCTS.get(t.name, ()):
        if f in props:
            out[f] = _zero_of(_type(props[f]))
    for f in _ZERO_NULLS.get(t.name, ()):
        out[f] = None
    return out


def _update(
    managers: dict[tuple[str, str, str, str], Entry],
    old: Any,
    new: Any,
    t: _Type,
    rt: ResourceType,
    manager: str,
    api_version: str,
    now: float,
    subresource: str = "",
) -> None:
    """``Updater.Update`` for the manager's ``Update`` entry (other managers lose what was changed/removed)."""
    c = compare(old, new, t)
    changed = _owned(c.added | c.modified, rt)
    key = (manager, "Update", api_version, subresource)
    for k, e in managers.items():
        if k != key:
            e.paths -= changed | c.removed
    if not changed:
        if key in managers:
            managers[key].paths -= c.removed
        return
    prev = managers.get(key)
    paths = ((prev.paths - c.removed) if prev else set()) | changed
    managers[key] = Entry(manager, "Update", api_version, rfc3339(now), paths, subresource)


def record_create(obj: dict[str, Any], rt: ResourceType, manager: str, now: float) -> None:
    """Set ``metadata.managedFields`` of an object about to be created (``obj`` is the caller's own copy)."""
    t = _root_type(rt)
    managers: dict[tuple[str, str, str, str], Entry] = {}
    _update(managers, _zero(t), obj, t, rt, manager, rt.api_version, now)
    obj.setdefault("metadata", {})["managedFields"] = encode(managers)


def record_update(
    old: dict[str, Any],
    new: dict[str, Any],
    rt: ResourceType,
    manager: str,
    now: float,
    subresource: str = "",
) -> None:
    """Set ``new``'s ``metadata.managedFields`` after an update by ``manager`` (``new`` is the caller's copy).

    As ``FieldManager.Update``: the managed fields the request carries are taken as given (that is how a client
    rewrites them), unless absent or on a subresource, when the live object's are kept."""
    t = _root_type(rt)
    managers = decode(new) if not subresource else {}
    if not managers:
        managers = decode(old)
    _update(managers, old, new, t, rt, manager, rt.api_version, now, subresource)
    new.setdefault("metadata", {})["managedFields"] = encode(managers)


def owners(obj: dict[str, Any], operation: str, path: Path) -> list[str]:
    """``csaupgrade.FindFieldsOwners``: the managers with ``operation`` whose fields include ``path``."""
    return [e.manager for e in decode(obj).values() if e.operation == operation and path in e.paths]


def upgrade_managed_fields(
    obj: dict[str, Any], csa_managers: Iterable[str], ssa_manager: str
) -> list[Any] | None:
    """``csaupgrade.UpgradeManagedFields``: the client-side-apply ``Update`` entries of ``csa_managers`` merged
    into ``ssa_manager``'s ``Apply`` entry (which one of them becomes when absent); None when nothing changes."""
    entries = [
        clone(e) for e in (obj.get("metadata") or {}).get("managedFields") or [] if isinstance(e, dict)
    ]
    original = clone(entries)
    for csa in csa_managers:

        def is_csa(e: dict[str, Any], csa: str = csa) -> bool:
            return e.get("manager") == csa and e.get("operation") == "Update" and not e.get("subresource")

        target = next(
            (
                i
                for i, e in enumerate(entries)
                if e.get("manager") == ssa_manager
                and e.get("operation") == "Apply"
                and not e.get("subresource")
            ),
            None,
        )
        if target is None:
            target = next((i for i, e in enumerate(entries) if is_csa(e)), None)
            if target is None:
                continue
            entries[target]["operation"] = "Apply"
            entries[target]["manager"] = ssa_manager
        merged = from_fields_v1(entries[target].get("fieldsV1"))
        for e in entries:
            if is_csa(e):
                merged |= from_fields_v1(e.get("fieldsV1"))
                break
        entries[target]["fieldsV1"] = to_fields_v1(merged)
        entries = [e for e in entries if not is_csa(e)]
    return None if entries == original else entries


LAST_APPLIED_PATH: Path = (
    "f:metadata",
    "f:annotations",
    "f:kubectl.kubernetes.io/last-applied-configuration",
)


# ---- server-side apply ------------------------------------------------------------------------------------------
def merge(live: Any, config: Any, t: _Type) -> Any:
    """Merge an applied configuration into the live object (atomic parts are replaced, lists merged by key)."""
    if live is _MISSING or live is None:
        return clone(config)
    if t.kind == "scalar" or t.atomic or not isinstance(config, (dict, list)):
        return clone(config)
    if isinstance(config, list):
        if t.kind != "list" or t.list_type == "atomic" or not isinstance(live, list):
            return clone(config)
        lmap = _items(live, t)
        rmap = _items(config, t)
        elem = _list_elem(t)
        out = [merge(item, rmap[pe], elem) if pe in rmap else item for pe, item in lmap.items()]
        out += [clone(item) for pe, item in rmap.items() if pe not in lmap]
        return out
    if not isinstance(live, dict):
        return clone(config)
    result = dict(live)
    for key, val in config.items():
        node, _ = _field(t, key)
        child = _type(node) if node is not None else _DEDUCED
        result[key] = merge(live.get(key, _MISSING), val, child)
    return result


def _remove(obj: Any, path: Path, t: _Type) -> None:
    """Remove the field or list item at ``path`` (no-op when absent)."""
    if not path:
        return
    pe, rest = path[0], path[1:]
    if pe.startswith("f:") and isinstance(obj, dict):
        key = pe[2:]
        if key not in obj:
            return
        if not rest:
            del obj[key]
            return
        node, _ = _field(t, key)
        _remove(obj[key], rest, _type(node) if node is not None else _DEDUCED)
    elif isinstance(obj, list) and t.kind == "list":
        for i, item in enumerate(obj):
            if _item_element(t, item, i) == pe:
                if not rest:
                    del obj[i]
                else:
                    _remove(item, rest, _list_elem(t))
                return


def conflict_error(conflicts: list[tuple[Entry, Path]]) -> errors.StatusError:
    """The 409 ``Apply failed with N conflict(s)`` with one ``FieldManagerConflict`` cause per field."""
    causes = [
        {"type": "FieldManagerConflict", "message": f"conflict with {e.describe()}", "field": path_string(p)}
        for e, p in conflicts
    ]
    if len(conflicts) == 1:
        e, p = conflicts[0]
        message = f"Apply failed with 1 conflict: conflict with {e.describe()}: {path_string(p)}"
    else:
        by: dict[str, list[str]] = {}
        for e, p in conflicts:
            by.setdefault(e.describe(), []).append(path_string(p))
        lines = []
        for who in sorted(by):
            lines.append(f"conflicts with {who}:")
            lines += [f"- {p}" for p in by[who]]
        message = f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)
    return errors.StatusError(409, "Conflict", message, {"causes": causes})


def apply(
    live: dict[str, Any] | None,
    config: dict[str, Any],
    rt: ResourceType,
    manager: str,
    force: bool,
    now: float,
) -> dict[str, Any]:
    """The object after ``manager`` applies ``config`` to ``live`` (None: absent), with its ``managedFields``.

    Raises the 409 conflict error when a field another manager owns would change and ``force`` is false.
    """
    t = _root_type(rt)
    api_version = str(config.get("apiVersion") or rt.api_version)
    applied = _owned(field_set(config, t), rt)
    key = (manager, "Apply", "", "")
    if live is None:
        obj = clone(config)
        entry = Entry(manager, "Apply", api_version, rfc3339(now), applied)
        obj.setdefault("metadata", {})["managedFields"] = encode({key: entry})
        return obj
    managers = decode(live)
    merged = merge({k: v for k, v in live.items()}, config, t)
    merged["metadata"] = dict(merged.get("metadata") or {})
    c = compare(live, merged, t)
    changed = _owned(c.added | c.modified, rt)
    conflicts: list[tuple[Entry, Path]] = []
    for k, e in managers.items():
        if k == key:
            continue
        for p in sorted(e.paths & changed, key=lambda p: [_element_order(pe) for pe in p]):
            conflicts.append((e, p))
    if conflicts and not force:
        conflicts.sort(key=lambda ep: (ep[0].describe(), [_element_order(pe) for pe in ep[1]]))
        raise conflict_error(conflicts)
    for k, e in managers.items():
        if k != key:
            e.paths -= changed
    # Fields this manager applied before and no longer applies go, unless someone else still owns them.
    previous = managers[key].paths if key in managers else set()
    others: set[Path] = set()
    for k, e in managers.items():
        if k != key:
            others |= e.paths
    for p in sorted(previous - applied - others, key=len, reverse=True):
        if not any(q[: len(p)] == p for q in applied) and p not in others:
            _remove(merged, p, t)
    managers[key] = Entry(manager, "Apply", api_version, rfc3339(now), applied)
    merged["metadata"]["managedFields"] = encode(managers)
    return merged


def server_side_apply(
    api: Any,
    rt: ResourceType,
    name: str,
    namespace: str | None,
    config: dict[str, Any],
    manager: str,
    force: bool = False,
    dry_run: bool = False,
) -> tuple[dict[str, Any], bool]:
    """PATCH with ``application/apply-patch+yaml`` through ``api`` (an APIServer or a user's view of it):
    (the resulting object, whether it was created)."""
    if not manager:
        raise errors.StatusError(
            422,
            "Invalid",
            'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required '
            "for apply patch",
            {"kind": "PatchOptions", "group": "meta.k8s.io"},
        )
    config = clone(config)
    meta = config.setdefault("metadata", {})
    if not isinstance(meta, dict):
        raise errors.bad_request("metadata must be an object")
    if meta.get("name") and meta["name"] != name:
        raise errors.bad_request(
            f"the name of the object ({meta['name']}) does not match the name on the URL ({name})"
        )
    meta["name"] = name
    meta.pop("managedFields", None)
    live = api.peek(rt, name, namespace)
    now = api.now()
    obj = apply(live, config, rt, manager, force, now)
    if live is None:
        return api.create(obj, namespace, dry_run=dry_run, rt=rt), True
    obj["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"]
    return api.update(obj, namespace, dry_run=dry_run, rt=rt), False
