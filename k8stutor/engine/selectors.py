"""Label and field selectors with apimachinery's syntax, semantics and error messages."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .errors import StatusError, bad_request


@dataclass(frozen=True)
class Requirement:
    key: str
    op: str  # "=", "!=", "in", "notin", "exists", "!"
    values: tuple[str, ...] = ()

    def matches(self, labels: dict[str, str]) -> bool:
        has = self.key in labels
        if self.op == "exists":
            return has
        if self.op == "!":
            return not has
        if self.op in ("=", "==", "in"):
            return has and labels[self.key] in self.values
        if self.op in ("!=", "notin"):
            return not has or labels[self.key] not in self.values
        if self.op in ("gt", "lt"):
            if not has:
                return False
            try:
                v = int(labels[self.key])
            except ValueError:
                return False
            return v > int(self.values[0]) if self.op == "gt" else v < int(self.values[0])
        return False


class LabelSelector:
    """A parsed label selector; an empty selector matches everything."""

    def __init__(self, requirements: tuple[Requirement, ...] = (), nothing: bool = False) -> None:
        self.requirements = requirements
        self.nothing = nothing

    def matches(self, labels: dict[str, str] | None) -> bool:
        if self.nothing:
            return False
        lab = labels or {}
        return all(r.matches(lab) for r in self.requirements)

    def empty(self) -> bool:
        return not self.requirements and not self.nothing

    def equality_labels(self) -> dict[str, str]:
        return {r.key: r.values[0] for r in self.requirements if r.op in ("=", "==") and r.values}


_TOKEN = re.compile(r"\s*(!=|==|=|!|,|\(|\)|[^\s!=,()]+)")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_LABEL_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def _check_key(key: str) -> None:
    prefix, _, name = key.rpartition("/")
    ok = bool(_LABEL_NAME.match(name)) and len(name) <= 63
    if prefix and (len(prefix) > 253 or not _DNS_SUBDOMAIN.match(prefix)):
        ok = False
    if not ok:
        raise bad_request(
            f"unable to parse requirement: <nil>: Invalid value: \"{key}\": name part must consist of alphanumeric "
            "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  "
            "or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
        )


def _check_value(key: str, value: str) -> None:
    if len(value) > 63 or not _LABEL_VALUE.match(value):
        raise bad_request(
            f"unable to parse requirement: values[0][{key}]: Invalid value: \"{value}\": a valid label must be an "
            "empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
            "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
            "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        )


@lru_cache(maxsize=512)
def parse_label_selector(text: str | None) -> LabelSelector:
    """Parse ``app=web,tier!=db,env in (a,b),!legacy,gpu`` (raises StatusError 400 on bad syntax)."""
    if not text or not text.strip():
        return LabelSelector()
    toks = [m.group(1) for m in _TOKEN.finditer(text) if m.group(1)]
    reqs: list[Requirement] = []
    i = 0

    def err(msg: str) -> StatusError:
        return bad_request(f"unable to parse requirement: {msg}")

    while i < len(toks):
        t = toks[i]
        if t == "!":
            if i + 1 >= len(toks):
                raise err("found '', expected: identifier")
            _check_key(toks[i + 1])
            reqs.append(Requirement(toks[i + 1], "!"))
            i += 2
        else:
            key = t
            if key in (",", "(", ")", "=", "==", "!="):
                raise bad_request(f"found '{key}', expected: !, identifier, or 'end of string'")
            _check_key(key)
            i += 1
            if i >= len(toks) or toks[i] == ",":
                reqs.append(Requirement(key, "exists"))
            else:
                op = toks[i]
                i += 1
                if op in ("=", "==", "!="):
                    val = ""
                    if i < len(toks) and toks[i] not in (",",):
                        val = toks[i]
                        i += 1
                    _check_value(key, val)
                    reqs.append(Requirement(key, "=" if op != "!=" else "!=", (val,)))
                elif op in ("in", "notin"):
                    if i >= len(toks) or toks[i] != "(":
                        raise bad_request(f"found '{toks[i] if i < len(toks) else ''}', expected: '('")
                    i += 1
                    vals: list[str] = []
                    while i < len(toks) and toks[i] != ")":
                        if toks[i] != ",":
                            _check_value(key, toks[i])
                            vals.append(toks[i])
                        i += 1
                    if i >= len(toks):
                        raise bad_request("found '', expected: ')'")
                    i += 1
                    reqs.append(Requirement(key, op, tuple(vals)))
                else:
                    raise bad_request(f"found '{op}', expected: in, notin, =, ==, !=, gt, lt")
        if i < len(toks):
            if toks[i] != ",":
                raise bad_request(f"found '{toks[i]}', expected: ',' or 'end of string'")
            i += 1
    return LabelSelector(tuple(reqs))


def selector_from_label_selector(sel: dict[str, Any] | None) -> LabelSelector:
    """A metav1.LabelSelector (matchLabels + matchExpressions) as a LabelSelector. None matches nothing."""
    if sel is None:
        return LabelSelector(nothing=True)
    reqs = [Requirement(k, "=", (str(v),)) for k, v in sorted((sel.get("matchLabels") or {}).items())]
    for e in sel.get("matchExpressions") or []:
        op = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}.get(e.get("operator", ""), "")
        reqs.append(Requirement(e.get("key", ""), op, tuple(e.get("values") or ())))
    return LabelSelector(tuple(reqs))


def format_label_selector(sel: dict[str, Any] | None) -> str:
    """``metav1.FormatLabelSelector``: ``app=web,tier in (a,b)``; ``<none>`` when empty."""
    if not sel:
        return "<none>"
    parts = [f"{k}={v}" for k, v in sorted((sel.get("matchLabels") or {}).items())]
    for e in sel.get("matchExpressions") or []:
        op = e.get("operator")
        vals = ",".join(sorted(e.get("values") or []))
        if op == "In":
            parts.append(f"{e['key']} in ({vals})")
        elif op == "NotIn":
            parts.append(f"{e['key']} notin ({vals})")
        elif op == "Exists":
            parts.append(e["key"])
        elif op == "DoesNotExist":
            parts.append(f"!{e['key']}")
    s = ",".join(parts)
    return s or "<none>"


# ---- field selectors -------------------------------------------------------------------------------

def _get_path(obj: dict[str, Any], path: str) -> str:
    cur: Any = obj
    for p in path.split("."):
        if not isinstance(cur, dict):
            return ""
        cur = cur.get(p)
        if cur is None:
            return ""
    if isinstance(cur, bool):
        return "true" if cur else "false"
    return str(cur)


# Field selectors each kind supports (beyond metadata.name / metadata.namespace), as the real registry has them.
FIELD_SELECTABLE: dict[str, tuple[str, ...]] = {
    "pods": ("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
             "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName"),
    "events": ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
               "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
               "reason", "reportingComponent", "source", "type"),
    "nodes": ("spec.unschedulable",),
    "secrets": ("type",),
    "namespaces": ("status.phase",),
    "replicationcontrollers": ("status.replicas",),
    "replicasets.apps": ("status.replicas",),
    "jobs.batch": ("status.successful",),
    "certificatesigningrequests.certificates.k8s.io": ("spec.signerName",),
}


@dataclass(frozen=True)
class FieldRequirement:
    path: str
    op: str  # "=" or "!="
    value: str


class FieldSelector:
    def __init__(self, reqs: tuple[FieldRequirement, ...] = ()) -> None:
        self.requirements = reqs

    def matches(self, obj: dict[str, Any]) -> bool:
        for r in self.requirements:
            if r.path == "source":
                v = _get_path(obj, "source.component")
            else:
                v = _get_path(obj, r.path)
            if r.op == "=" and v != r.value:
                return False
            if r.op == "!=" and v == r.value:
                return False
        return True

    def empty(self) -> bool:
        return not self.requirements


@lru_cache(maxsize=512)
def parse_field_selector(text: str | None, group_resource: str = "", kind: str = "") -> FieldSelector:
    """Parse ``spec.nodeName=n1,status.phase!=Succeeded``; unknown fields give the real 400 error."""
    if not text or not text.strip():
        return FieldSelector()
    reqs: list[FieldRequirement] = []
    allowed = ("metadata.name", "metadata.namespace", *FIELD_SELECTABLE.get(group_resource, ()))
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if "!=" in part:
            path, _, value = part.partition("!=")
            op = "!="
        elif "==" in part:
            path, _, value = part.partition("==")
            op = "="
        elif "=" in part:
            path, _, value = part.partition("=")
            op = "="
        else:
            raise bad_request(f"invalid selector: '{text}'; can't understand '{part}'")
        path = path.strip()
        if group_resource and path not in allowed:
            raise bad_request(f'field label not supported: {path}')
        reqs.append(FieldRequirement(path, op, value.strip()))
    return FieldSelector(tuple(reqs))


FieldMatcher = Callable[[dict[str, Any]], bool]
