"""Describers for rbac.authorization.k8s.io: Role, ClusterRole, RoleBinding, ClusterRoleBinding.

Roles go through kubectl's ``rbac.BreakdownRule`` / ``CompactRules`` and are sorted by the rule's protobuf
``String()`` (verbs first), exactly as ``RoleDescriber`` does; none of these describers shows events.
"""

from __future__ import annotations

from typing import Any

from .common import DescribeClient, d, lst, print_annotations_multiline, print_labels_multiline, s
from .tabwriter import LEVEL_0, LEVEL_1, PrefixWriter

_Rule = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]
# (verbs, apiGroups, resources, resourceNames, nonResourceURLs) — the field order of PolicyRule.String().


def _strs(rule: dict, key: str) -> tuple[str, ...]:
    return tuple(x if isinstance(x, str) else str(x) for x in lst(rule, key))


def breakdown_rule(rule: dict) -> list[_Rule]:
    """``rbac.BreakdownRule``: one rule per (group, resource, verb[, resourceName]) and per (URL, verb)."""
    verbs, groups, resources = _strs(rule, "verbs"), _strs(rule, "apiGroups"), _strs(rule, "resources")
    names, urls = _strs(rule, "resourceNames"), _strs(rule, "nonResourceURLs")
    out: list[_Rule] = []
    for group in groups:
        for resource in resources:
            for verb in verbs:
                if names:
                    out.extend(((verb,), (group,), (resource,), (name,), ()) for name in names)
                else:
                    out.append(((verb,), (group,), (resource,), (), ()))
    for url in urls:
        out.extend(((verb,), (), (), (), (url,)) for verb in verbs)
    return out


def compact_rules(rules: list[_Rule]) -> list[_Rule]:
    """``rbac.CompactRules``: simple rules for one group/resource/name merge their verbs (in order)."""
    compacted: list[_Rule] = []
    simple: dict[tuple[str, str, bool, str], list[Any]] = {}
    for verbs, groups, resources, names, urls in rules:
        if len(names) > 1 or urls or len(groups) != 1 or len(resources) != 1:
            compacted.append((verbs, groups, resources, names, urls))
            continue
        key = (groups[0], resources[0], bool(names), names[0] if names else "")
        if key in simple:
            simple[key][0] = simple[key][0] + verbs
        else:
            simple[key] = [verbs, groups, resources, names, urls]
    compacted.extend((v[0], v[1], v[2], v[3], v[4]) for v in simple.values())
    return compacted


def _go_list(items: tuple[str, ...]) -> str:
    """Go ``%v`` of a ``[]string``."""
    return "[" + " ".join(items) + "]"


def rule_string(rule: _Rule) -> str:
    """The gogo-protobuf ``PolicyRule.String()`` kubectl sorts rules by."""
    verbs, groups, resources, names, urls = rule
    return (
        f"&PolicyRule{{Verbs:{_go_list(verbs)},APIGroups:{_go_list(groups)},Resources:{_go_list(resources)},"
        f"ResourceNames:{_go_list(names)},NonResourceURLs:{_go_list(urls)},}}"
    )


def combine_resource_group(resources: tuple[str, ...], groups: tuple[str, ...]) -> str:
    """describe.go ``CombineResourceGroup``: ``deployments.apps/scale``."""
    if not resources:
        return ""
    base, sep, sub = resources[0].partition("/")
    out = base
    if groups and groups[0] != "":
        out += "." + groups[0]
    if sep:
        out += "/" + sub
    return out


def _describe_role(role: dict, w: PrefixWriter) -> None:
    meta = d(role, "metadata")
    rules: list[_Rule] = []
    for rule in lst(role, "rules"):
        if isinstance(rule, dict):
            rules.extend(breakdown_rule(rule))
    compact = sorted(compact_rules(rules), key=rule_string)
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(LEVEL_0, "PolicyRule:\n")
    w.write(LEVEL_1, "Resources\tNon-Resource URLs\tResource Names\tVerbs\n")
    w.write(LEVEL_1, "---------\t-----------------\t--------------\t-----\n")
    for verbs, groups, resources, names, urls in compact:
        w.write(
            LEVEL_1,
            f"{combine_resource_group(resources, groups)}\t{_go_list(urls)}\t{_go_list(names)}\t"
            f"{_go_list(verbs)}\n",
        )


def describe_role(api: DescribeClient, role: dict, now: float, w: PrefixWriter) -> None:
    """``RoleDescriber`` (no Namespace line, no events)."""
    _describe_role(role, w)


def describe_cluster_role(api: DescribeClient, role: dict, now: float, w: PrefixWriter) -> None:
    """``ClusterRoleDescriber``."""
    _describe_role(role, w)


def _describe_binding(binding: dict, w: PrefixWriter) -> None:
    meta = d(binding, "metadata")
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(LEVEL_0, "Role:\n")
    w.write(LEVEL_1, f"Kind:\t{s(binding, 'roleRef', 'kind')}\n")
    w.write(LEVEL_1, f"Name:\t{s(binding, 'roleRef', 'name')}\n")
    w.write(LEVEL_0, "Subjects:\n")
    w.write(LEVEL_1, "Kind\tName\tNamespace\n")
    w.write(LEVEL_1, "----\t----\t---------\n")
    for subject in lst(binding, "subjects"):
        if isinstance(subject, dict):
            w.write(LEVEL_1, f"{s(subject, 'kind')}\t{s(subject, 'name')}\t{s(subject, 'namespace')}\n")


def describe_role_binding(api: DescribeClient, binding: dict, now: float, w: PrefixWriter) -> None:
    """``RoleBindingDescriber``."""
    _describe_binding(binding, w)


def describe_cluster_role_binding(api: DescribeClient, binding: dict, now: float, w: PrefixWriter) -> None:
    """``ClusterRoleBindingDescriber``."""
    _describe_binding(binding, w)
