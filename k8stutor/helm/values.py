"""Helm values: ``--set`` parsing (pkg/strvals), merging of user values, dependency conditions/tags, and
coalescing with chart defaults (pkg/chartutil/coalesce.go)."""

from __future__ import annotations

import copy
import json
from typing import Any

from .chart import Chart
from .semver import SemverError, constraint_check

__all__ = [
    "ValuesError",
    "parse_set",
    "merge_maps",
    "coalesce_values",
    "process_dependencies",
    "path_value",
]


class ValuesError(ValueError):
    """Bad ``--set`` syntax or incompatible values; str() is helm's message."""


# ---------------------------------------------------------------------------------------------------------
# strvals
# ---------------------------------------------------------------------------------------------------------


def _typed(val: str, as_string: bool) -> Any:
    if as_string:
        return val
    low = val.lower()
    if low == "true":
        return True
    if low == "false":
        return False
    if low == "null":
        return None
    if val == "0":
        return 0
    if val and val[0] != "0":
        try:
            if val.lstrip("+-").isdigit():
                iv = int(val, 10)
                if -(2**63) <= iv < 2**63:
                    return iv
        except ValueError:
            pass
    return val


class _Parser:
    def __init__(self, s: str, as_string: bool, reader: Any = None) -> None:
        self.s = s
        self.i = 0
        self.st = as_string
        self.reader = reader

    def until(self, stops: str) -> tuple[str, str | None]:
        out = []
        while self.i < len(self.s):
            c = self.s[self.i]
            self.i += 1
            if c == "\\":
                if self.i < len(self.s):
                    out.append(self.s[self.i])
                    self.i += 1
                continue
            if c in stops:
                return "".join(out), c
            out.append(c)
        return "".join(out), None

    def value(self, raw: str) -> Any:
        if self.reader is not None:
            return self.reader(raw)
        return _typed(raw, self.st)

    def parse_into(self, data: dict[str, Any]) -> None:
        while self.i < len(self.s):
            self.key(data)

    def key(self, data: dict[str, Any]) -> None:
        k, last = self.until("=[,.")
        if last is None:
            if not k:
                return
            raise ValuesError(f"key {json.dumps(k)} has no value")
        if last == ",":
            raise ValuesError(f"key {json.dumps(k)} has no value (cannot end with ,)")
        if last == "=":
            if self.i < len(self.s) and self.s[self.i] == "{" and self.reader is None:
                self.i += 1
                lst = self.list_values()
                data[k] = lst
                # consume trailing comma
                if self.i < len(self.s) and self.s[self.i] == ",":
                    self.i += 1
                return
            raw, _ = self.until(",")
            data[k] = self.value(raw)
            return
        if last == ".":
            if not k:
                raise ValuesError(f"key map {json.dumps(k)} has no value")
            inner = data.get(k)
            if not isinstance(inner, dict):
                inner = {}
            self.key(inner)
            data[k] = inner
            return
        if last == "[":
            idx = self.index()
            cur = data.get(k)
            lst = cur if isinstance(cur, list) else []
            data[k] = self.list_item(lst, idx)
            return

    def index(self) -> int:
        raw, last = self.until("]")
        if last is None:
            raise ValuesError(f"key {raw} is not terminated")
        try:
            i = int(raw)
        except ValueError:
            raise ValuesError(f'strconv.Atoi: parsing "{raw}": invalid syntax') from None
        if i < 0:
            raise ValuesError(f"negative {i} index not allowed")
        return i

    def list_item(self, lst: list[Any], i: int) -> list[Any]:
        while len(lst) <= i:
            lst.append(None)
        if self.i >= len(self.s):
            raise ValuesError("key has no value")
        c = self.s[self.i]
        self.i += 1
        if c == "=":
            if self.i < len(self.s) and self.s[self.i] == "{" and self.reader is None:
                self.i += 1
                lst[i] = self.list_values()
                if self.i < len(self.s) and self.s[self.i] == ",":
                    self.i += 1
                return lst
            raw, _ = self.until(",")
            lst[i] = self.value(raw)
            return lst
        if c == ".":
            inner = lst[i] if isinstance(lst[i], dict) else {}
            self.key(inner)
            lst[i] = inner
            return lst
        if c == "[":
            j = self.index()
            inner_l = lst[i] if isinstance(lst[i], list) else []
            lst[i] = self.list_item(inner_l, j)
            return lst
        raise ValuesError(f"parse error: unexpected {c!r}")

    def list_values(self) -> list[Any]:
        out: list[Any] = []
        while True:
            raw, last = self.until(",}")
            if last is None:
                raise ValuesError("list must terminate with '}'")
            if last == "}":
                if raw or out:
                    out.append(_typed(raw, self.st))
                return out
            out.append(_typed(raw, self.st))


def parse_set(expr: str, into: dict[str, Any], as_string: bool = False) -> dict[str, Any]:
    """strvals.ParseInto / ParseIntoString: apply one ``--set`` argument to ``into``."""
    _Parser(expr, as_string).parse_into(into)
    return into


def parse_set_file(expr: str, into: dict[str, Any], read: Any) -> dict[str, Any]:
    """strvals.ParseIntoFile: values are file contents read by ``read(path)``."""
    _Parser(expr, True, reader=read).parse_into(into)
    return into


def parse_set_json(expr: str, into: dict[str, Any]) -> dict[str, Any]:
    """strvals.ParseJSON: ``key=<json>`` with the JSON value decoded (numbers float64)."""
    key, eq, raw = expr.partition("=")
    if not eq:
        raise ValuesError(f"key {json.dumps(key)} has no value")

    def reader(_raw: str) -> Any:
        from .sprig import json_load

        try:
            return json_load(raw)
        except ValueError as e:
            raise ValuesError(str(e)) from None

    _Parser(key + "=x", True, reader=reader).parse_into(into)
    return into


def merge_maps(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """helm's values.mergeMaps: b over a, recursing into maps on both sides."""
    out = dict(a)
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge_maps(out[k], v)
            continue
        out[k] = v
    return out


# ---------------------------------------------------------------------------------------------------------
# coalescing
# ---------------------------------------------------------------------------------------------------------


def _coalesce_tables(dst: dict[str, Any], src: dict[str, Any], merge: bool) -> dict[str, Any]:
    for k, v in list(dst.items()):
        if v is None:
            src[k] = None
    for k, val in src.items():
        if k in dst:
            dv = dst[k]
            if not merge and dv is None:
                del dst[k]
            elif isinstance(val, dict):
                if isinstance(dv, dict):
                    _coalesce_tables(dv, val, merge)
        else:
            dst[k] = val
    return dst


def _coalesce_globals(dest: dict[str, Any], src: dict[str, Any]) -> None:
    dg = dest.get("global", {})
    if not isinstance(dg, dict):
        return
    sg = src.get("global", {})
    if not isinstance(sg, dict):
        return
    for key, val in sg.items():
        if isinstance(val, dict):
            vv = copy.deepcopy(val)
            if key not in dg:
                dg[key] = vv
            elif isinstance(dg[key], dict):
                _coalesce_tables(vv, dg[key], True)
                dg[key] = vv
        elif key in dg and isinstance(dg[key], dict):
            pass
        else:
            dg[key] = val
    dest["global"] = dg


def _coalesce_chart_values(c: Chart, v: dict[str, Any], merge: bool) -> None:
    vc = copy.deepcopy(c.values)
    dep_names = {d.name for d in c.dependencies}
    for key, val in vc.items():
        if key in v:
            value = v[key]
            if value is None and not merge:
                del v[key]
            elif isinstance(value, dict) and isinstance(val, dict):
                _coalesce_tables(value, val, merge or key in dep_names)
        else:
            v[key] = val


def _coalesce(c: Chart, dest: dict[str, Any], merge: bool) -> dict[str, Any]:
    _coalesce_chart_values(c, dest, merge)
    for sub in c.dependencies:
        cur = dest.get(sub.name)
        if sub.name not in dest:
            dest[sub.name] = {}
        elif not isinstance(cur, dict):
            raise ValuesError(f"type mismatch on {sub.name}: %!t({type(cur).__name__}={cur})")
        dv = dest[sub.name]
        _coalesce_globals(dv, dest)
        dest[sub.name] = _coalesce(sub, dv, merge)
    return dest


def coalesce_values(c: Chart, vals: dict[str, Any] | None, merge: bool = False) -> dict[str, Any]:
    """chartutil.CoalesceValues (merge=False) / MergeValues (merge=True) over a deep copy of vals."""
    return _coalesce(c, copy.deepcopy(vals or {}), merge)


# ---------------------------------------------------------------------------------------------------------
# dependencies: conditions, tags, aliases
# ---------------------------------------------------------------------------------------------------------


def path_value(vals: dict[str, Any], path: str) -> tuple[bool, Any]:
    """chartutil Values.PathValue: (found, value) for a dotted path to a non-table value."""
    parts = path.split(".")
    cur: Any = vals
    for p in parts[:-1]:
        if not isinstance(cur, dict) or not isinstance(cur.get(p), dict):
            return False, None
        cur = cur[p]
    if not isinstance(cur, dict) or parts[-1] not in cur:
        return False, None
    v = cur[parts[-1]]
    if isinstance(v, dict):
        return False, None
    return True, v


def _compatible(constraint: str, version: str) -> bool:
    try:
        return constraint_check(constraint, version)
    except SemverError:
        return False


def process_dependencies(c: Chart, vals: dict[str, Any], path: str = "") -> None:
    """chartutil.processDependencyEnabled: drop subcharts disabled by ``condition``/``tags`` (mutates c)."""
    reqs = c.metadata.get("dependencies")
    if not reqs:
        return
    reqs = [r for r in reqs if isinstance(r, dict)]
    deps: list[Chart] = []
    for existing in c.dependencies:
        if not any(
            r.get("name") == existing.name
            and _compatible(str(r.get("version", "")), str(existing.metadata.get("version")))
            for r in reqs
        ):
            deps.append(existing)
    for r in reqs:
        for ch in c.dependencies:
            if ch.name == r.get("name") and (
                not r.get("version") or _compatible(str(r.get("version")), str(ch.metadata.get("version")))
            ):
                if r.get("alias"):
                    ch = copy.copy(ch)
                    ch.metadata = dict(ch.metadata, name=r["alias"])
                deps.append(ch)
                break
        if r.get("alias"):
            r["name"] = r["alias"]
    c.dependencies = deps
    for r in reqs:
        r["enabled"] = True
    cvals = coalesce_values(c, vals)
    # tags
    tags = cvals.get("tags")
    if isinstance(tags, dict):
        for r in reqs:
            has_true = has_false = False
            for t in r.get("tags") or []:
                tv = tags.get(t)
                if tv is True:
                    has_true = True
                elif tv is False:
                    has_false = True
            if not has_true and has_false:
                r["enabled"] = False
    # conditions
    for r in reqs:
        cond = r.get("condition")
        if not cond:
            continue
        for cc in str(cond).split(","):
            cc = cc.strip()
            if not cc:
                continue
            found, v = path_value(cvals, path + cc)
            if found and isinstance(v, bool):
                r["enabled"] = v
                break
    disabled = {r.get("name") for r in reqs if not r.get("enabled")}
    keep = [d for d in c.dependencies if d.name not in disabled]
    c.metadata["dependencies"] = [r for r in reqs if r.get("name") not in disabled]
    c.dependencies = keep
    for d in keep:
        process_dependencies(d, cvals, path + d.name + ".")
