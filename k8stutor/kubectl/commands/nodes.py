"""``kubectl cordon``, ``uncordon``, ``drain`` and ``taint`` (kubectl v1.32 ``pkg/cmd/drain``, ``pkg/drain``,
``pkg/cmd/taint``), with the real messages.

``drain`` evicts through the eviction API (PodDisruptionBudgets answer 429 and the eviction is retried
every 5 s) and waits for the pods to be gone while virtual time runs; ``--timeout=0`` (infinite) waits
at most an hour of virtual time.
"""

from __future__ import annotations

import re
from typing import Any

from ...engine.errors import StatusError
from ...engine.store import clone
from ...engine.timeutil import parse_rfc3339
from ..durations import format_duration
from ..flags import Flag
from ..main import Command, Ctx, format_status_error
from ..output import OPERATION_FORMATS, check_format, render, split_format
from ..result import CommandError
from .apply import DRY_RUN, dry_run_mode, dry_suffix

SELECTOR = Flag("selector", "string", "l", help="Selector (label query) to filter on")
CORDON_FLAGS = [SELECTOR, DRY_RUN]
DRAIN_FLAGS = [
    Flag("force", "bool", default=False),
    Flag("ignore-daemonsets", "bool", default=False),
    Flag("delete-emptydir-data", "bool", default=False),
    Flag("grace-period", "int", default=-1),
    Flag("timeout", "duration", default=0.0),
    SELECTOR,
    Flag("pod-selector", "string"),
    Flag("disable-eviction", "bool", default=False),
    Flag("skip-wait-for-delete-timeout", "int", default=0),
    Flag("chunk-size", "int", default=500),
    DRY_RUN,
]
TAINT_FLAGS = [
    Flag("all", "bool", default=False),
    SELECTOR,
    Flag("overwrite", "bool", default=False),
    Flag("output", "string", "o"),
    Flag("validate", "string", default="strict", no_opt_default="strict"),
    Flag("field-manager", "string", default="kubectl-taint"),
    Flag("show-managed-fields", "bool", default=False),
    Flag("template", "string"),
    Flag("allow-missing-template-keys", "bool", default=True),
    DRY_RUN,
]

DAEMONSET_FATAL = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
DAEMONSET_WARNING = "ignoring DaemonSet-managed Pods"
LOCAL_STORAGE_FATAL = "Pods with local storage (use --delete-emptydir-data to override)"
LOCAL_STORAGE_WARNING = "deleting Pods with local storage"
UNMANAGED_FATAL = "Pods declare no controller (use --force to override)"
UNMANAGED_WARNING = "deleting Pods that declare no controller"
EVICT_RETRY_DELAY = 5.0
POLL_INTERVAL = 1.0
INFINITE_WAIT = 3600.0
MIRROR_ANNOTATION = "kubernetes.io/config.mirror"


# ---- node lookup ------------------------------------------------------------------------------------


def _nodes(ctx: Ctx, usage: str) -> list[dict[str, Any]]:
    """The nodes named by the arguments or matched by ``--selector`` (all looked up before acting)."""
    selector = ctx.flag("selector") or ""
    if not ctx.args and not ctx.changed("selector"):
        raise ctx.usage_error(f"USAGE: {usage} [flags]")
    if ctx.args and selector:
        raise CommandError(
            f"error: cannot specify both a node name and a --selector option\nSee "
            f"'{ctx.cmd_path} -h' for help and examples"
        )
    if selector:
        return [clone(n) for n in ctx.api.list_objects("nodes", label_selector=selector)]
    out = []
    for a in ctx.args:
        name = a
        if "/" in a:
            kind, _, name = a.partition("/")
            rt = ctx.cluster.registry.resolve(kind)
            if rt is None:
                raise CommandError(f'error: the server doesn\'t have a resource type "{kind}"')
            if rt.group_resource != "nodes":
                raise CommandError(
                    f'error: expected resource of type node, got "{rt.group}/{rt.version}, '
                    f'Resource={rt.plural}"'
                )
        out.append(ctx.api.get("nodes", name))
    return out


# ---- cordon / uncordon ----------------------------------------------------------------------------


def _cordon_or_uncordon(ctx: Ctx, nodes: list[dict[str, Any]], desired: bool, mode: str) -> None:
    verb = "cordon" if desired else "uncordon"
    for node in nodes:
        name = node["metadata"]["name"]
        current = bool((node.get("spec") or {}).get("unschedulable"))
        if current == desired:
            ctx.out(f"node/{name} already {verb}ed{dry_suffix(mode)}\n")
            continue
        if mode != "client":
            body: dict[str, Any] = {"spec": {"unschedulable": True if desired else None}}
            try:
                ctx.api.patch("nodes", name, None, body, "strategic", dry_run=mode == "server")
            except StatusError as e:
                ctx.err(f'error: unable to {verb} node "{name}": {e.message}\n')
                continue
        ctx.out(f"node/{name} {verb}ed{dry_suffix(mode)}\n")


def cmd_cordon(ctx: Ctx) -> None:
    """kubectl cordon NODE: mark the node unschedulable."""
    mode = dry_run_mode(ctx)
    _cordon_or_uncordon(ctx, _nodes(ctx, "cordon NODE"), True, mode)


def cmd_uncordon(ctx: Ctx) -> None:
    """kubectl uncordon NODE: mark the node schedulable again."""
    mode = dry_run_mode(ctx)
    _cordon_or_uncordon(ctx, _nodes(ctx, "uncordon NODE"), False, mode)


# ---- drain ----------------------------------------------------------------------------------------


def _controller_of(pod: dict[str, Any]) -> dict[str, Any] | None:
    for ref in pod["metadata"].get("ownerReferences") or []:
        if ref.get("controller"):
            return ref
    return None


def _finished(pod: dict[str, Any]) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def _pod_filters(ctx: Ctx, pod: dict[str, Any]) -> tuple[bool, str, str]:
    """The drain filters in kubectl's order; returns (delete, "warning"|"error"|"", message) of the last
    filter that ran (a pod stops at the first filter that says 'do not delete')."""
    skip = int(ctx.flag("skip-wait-for-delete-timeout") or 0)
    if skip > 0 and _deleted_longer_than(pod, ctx.now(), skip):
        return (False, "", "")
    ref = _controller_of(pod)
    if ref is not None and ref.get("kind") == "DaemonSet" and not _finished(pod):
        if ctx.api.peek("daemonsets.apps", ref.get("name", ""), pod["metadata"].get("namespace")) is None:
            msg = f'daemonsets.apps "{ref.get("name", "")}" not found'
            if not ctx.flag("force"):
                return (False, "error", msg)
        elif not ctx.flag("ignore-daemonsets"):
            return (False, "error", DAEMONSET_FATAL)
        else:
            return (False, "warning", DAEMONSET_WARNING)
    if MIRROR_ANNOTATION in (pod["metadata"].get("annotations") or {}):
        return (False, "", "")
    vols = (pod.get("spec") or {}).get("volumes") or []
    if any(isinstance(v, dict) and "emptyDir" in v for v in vols) and not _finished(pod):
        if not ctx.flag("delete-emptydir-data"):
            return (False, "error", LOCAL_STORAGE_FATAL)
        # kubectl's later filter replaces this status, so its "deleting Pods with local storage"
        # warning is never printed for a pod that has a controller.
    if _finished(pod) or ref is not None:
        return (True, "", "")
    if ctx.flag("force"):
        return (True, "warning", UNMANAGED_WARNING)
    return (False, "error", UNMANAGED_FATAL)


def _pods_for_deletion(ctx: Ctx, node: str) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """GetPodsForDeletion: (pods to evict, warning lines, error messages)."""
    pod_sel = ctx.flag("pod-selector") or None
    pods = ctx.api.list_objects("pods", None, pod_sel, f"spec.nodeName={node}")
    delete: list[dict[str, Any]] = []
    warnings: dict[str, list[str]] = {}
    errors: dict[str, list[str]] = {}
    for p in pods:
        ok, kind, msg = _pod_filters(ctx, p)
        ref = f"{p['metadata'].get('namespace', '')}/{p['metadata']['name']}"
        if kind == "warning":
            warnings.setdefault(msg, []).append(ref)
        elif kind == "error":
            errors.setdefault(msg or "unexpected error", []).append(ref)
        if ok:
            delete.append(p)
    warn = [f"{m}: {', '.join(v)}" for m, v in warnings.items()]
    errs = [f"cannot delete {m}: {', '.join(v)}" for m, v in errors.items()]
    return delete, warn, errs


def _deleted_longer_than(pod: dict[str, Any], now: float, seconds: int) -> bool:
    ts = pod["metadata"].get("deletionTimestamp")
    at = parse_rfc3339(ts) if ts else None
    return at is not None and int(now - at) > seconds


def _aggregate(errs: list[str]) -> str:
    """utilerrors.Aggregate.Error(): the message itself, or ``[a, b]``."""
    return errs[0] if len(errs) == 1 else "[" + ", ".join(errs) + "]"


def _evict_and_wait(ctx: Ctx, pods: list[dict[str, Any]], mode: str) -> list[str]:
    """Evict (or delete) the pods and wait, in virtual time, until they are gone; returns error messages.

    Like kubectl: a 429 (PodDisruptionBudget) is retried every 5 s; after ``--timeout`` a retry fails with
    "global timeout reached" and a pod still terminating with "context deadline exceeded"."""
    cluster = ctx.cluster
    grace = ctx.flag("grace-period")
    grace_arg = grace if grace is not None and grace >= 0 else None
    timeout = float(ctx.flag("timeout") or 0)
    start = cluster.now()
    deadline = start + (timeout if timeout > 0 else INFINITE_WAIT)
    limit = format_duration(timeout if timeout > 0 else INFINITE_WAIT)
    use_evict = not ctx.flag("disable-eviction")
    errors: list[str] = []
    waiting: list[dict[str, Any]] = []
    retry: list[tuple[float, dict[str, Any]]] = []

    def attempt(pod: dict[str, Any]) -> None:
        ns, name = pod["metadata"].get("namespace", ""), pod["metadata"]["name"]
        if use_evict:
            ctx.out(f"evicting pod {ns}/{name}{' (server dry run)' if mode == 'server' else ''}\n")
            if cluster.now() >= deadline:
                errors.append(f'error when evicting pods/"{name}" -n "{ns}": global timeout reached: {limit}')
                return
        try:
            if use_evict:
                ctx.api.evict(ns, name, grace_arg, dry_run=mode == "server")
            else:
                ctx.api.delete("pods", name, ns, grace_period=grace_arg, dry_run=mode == "server")
        except StatusError as e:
            if e.code == 404:
                return
            if e.code == 429 and use_evict:
                ctx.err(
                    f'error when evicting pods/"{name}" -n "{ns}" (will retry after '
                    f"{format_duration(EVICT_RETRY_DELAY)}): {e.message}\n"
                )
                retry.append((cluster.now() + EVICT_RETRY_DELAY, pod))
                return
            errors.append(
                f'error when evicting pods/"{name}" -n "{ns}": {e.message}'
                if use_evict
                else format_status_error(e)
            )
            return
        if mode != "server":
            waiting.append(pod)

    for p in pods:
        attempt(p)
    if mode == "server":
        return errors
    verb = "evicted" if use_evict else "deleted"
    skip = int(ctx.flag("skip-wait-for-delete-timeout") or 0)
    cluster.settle()
    while waiting or retry:
        now = cluster.now()
        still = []
        for p in waiting:
            cur = ctx.api.peek("pods", p["metadata"]["name"], p["metadata"].get("namespace"))
            if cur is None or cur["metadata"].get("uid") != p["metadata"].get("uid"):
                ctx.out(f"pod/{p['metadata']['name']} {verb}\n")
            elif skip > 0 and _deleted_longer_than(cur, now, skip):
                ctx.out(
                    f'pod "{p["metadata"]["name"]}" has DeletionTimestamp older than {skip} seconds, skipping\n'
                )
            else:
                still.append(p)
        waiting = still
        if waiting and now >= deadline:
            if use_evict:
                errors.extend(
                    f'error when waiting for pod "{p["metadata"]["name"]}" in namespace '
                    f'"{p["metadata"].get("namespace", "")}" to terminate: context deadline exceeded'
                    for p in waiting
                )
            else:
                errors.append("context deadline exceeded")
            waiting = []
        due = [r for r in retry if r[0] <= now]
        if due:
            retry = [r for r in retry if r[0] > now]
            for _, p in due:
                attempt(p)
            cluster.settle()
            continue
        if not waiting and not retry:
            break
        nexts = [r[0] for r in retry]
        if waiting:
            nexts.append(min(now + POLL_INTERVAL, deadline) if now < deadline else now + POLL_INTERVAL)
        cluster.clock.run_until(min(nexts))
        cluster.settle()
    return errors


def cmd_drain(ctx: Ctx) -> None:
    """kubectl drain NODE: cordon, then evict every pod the filters allow and wait for them to go."""
    mode = dry_run_mode(ctx)
    nodes = _nodes(ctx, "drain NODE")
    _cordon_or_uncordon(ctx, nodes, True, mode)
    fatal: list[list[str]] = []
    remaining: list[str] = []
    for node in nodes:
        name = node["metadata"]["name"]
        pods, warnings, errs = _pods_for_deletion(ctx, name)
        if not errs:
            if warnings:
                ctx.err(f"Warning: {'; '.join(warnings)}\n")
            if mode == "client":
                for p in pods:
                    ctx.out(
                        f"evicting pod {p['metadata'].get('namespace', '')}/{p['metadata']['name']} (dry run)\n"
                    )
            else:
                errs = _evict_and_wait(ctx, pods, mode)
                if errs:
                    pending, _, _ = _pods_for_deletion(ctx, name)
                    if pending:
                        ctx.err(
                            f'There are pending pods in node "{name}" when an error occurred: '
                            f"{_aggregate(errs)}\n"
                        )
                        for p in pending:
                            ctx.err(f"pod/{p['metadata']['name']}\n")
        if errs:
            ctx.err(
                f'error: unable to drain node "{name}" due to error: {_aggregate(errs)}, continuing command...\n'
            )
            fatal.append(errs)
            remaining.append(name)
            continue
        ctx.out(f"node/{name} drained{dry_suffix(mode)}\n")
    if remaining:
        ctx.err("There are pending nodes to be drained:\n" + "".join(f" {n}\n" for n in remaining))
        ctx.err("".join(e + "\n" for errs in fatal for e in errs))
        ctx.result.exit_code = 1


# ---- taint ----------------------------------------------------------------------------------------

_QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_NAME_MSG = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
    "must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
    "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)


def _qualified_name_errors(key: str) -> list[str]:
    """validation.IsQualifiedName."""
    parts = key.split("/")
    if len(parts) == 1:
        name, prefix = parts[0], None
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            return ["prefix part must be non-empty"]
    else:
        return [
            "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
            "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
            "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix "
            "and '/' (e.g. 'example.com/MyName')"
        ]
    errs = []
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > 63:
        errs.append("name part must be no more than 63 characters")
    if name and not _QUALIFIED_NAME.match(name):
        errs.append(_NAME_MSG)
    if prefix is not None:
        if len(prefix) > 253:
            errs.append("prefix part must be no more than 253 characters")
        elif not _DNS_SUBDOMAIN.match(prefix):
            errs.append(
                "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
                "'example.com', regex used for validation is "
                "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
            )
    return errs


def parse_taint(spec: str) -> dict[str, str]:
    """``<key>=<value>:<effect>``, ``<key>:<effect>`` or ``<key>``; ValueError with kubectl's message."""
    parts = spec.split(":")
    value = effect = ""
    if len(parts) == 1:
        key = parts[0]
    elif len(parts) == 2:
        effect = parts[1]
        if effect not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
            raise ValueError(f"invalid taint effect: {effect}, unsupported taint effect")
        kv = parts[0].split("=")
        if len(kv) > 2:
            raise ValueError(f"invalid taint spec: {spec}")
        key = kv[0]
        if len(kv) == 2:
            value = kv[1]
            if len(value) > 63:
                raise ValueError(f"invalid taint spec: {spec}, must be no more than 63 characters")
            if value and not _QUALIFIED_NAME.match(value):
                raise ValueError(f"invalid taint spec: {spec}, {_VALUE_MSG}")
    else:
        raise ValueError(f"invalid taint spec: {spec}")
    errs = _qualified_name_errors(key)
    if errs:
        raise ValueError(f"invalid taint spec: {spec}, {'; '.join(errs)}")
    out = {"key": key}
    if value:
        out["value"] = value
    if effect:
        out["effect"] = effect
    return out


def _taint_string(t: dict[str, Any]) -> str:
    """Taint.ToString(): key[=value][:effect]."""
    s = t.get("key", "")
    if t.get("value"):
        s += "=" + t["value"]
    if t.get("effect"):
        s += ":" + t["effect"]
    return s


def _go_taint(t: dict[str, Any]) -> str:
    return f"{{{t.get('key', '')} {t.get('value', '')} {t.get('effect', '')} <nil>}}"


def parse_taints(specs: list[str]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(taints to add, taints to remove) from the taint arguments; ValueError with kubectl's message."""
    add: list[dict[str, str]] = []
    remove: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for s in specs:
        if s.endswith("-"):
            t = parse_taint(s[:-1])
            remove.append({k: v for k, v in t.items() if k in ("key", "effect")})
            continue
        t = parse_taint(s)
        if not t.get("effect"):
            raise ValueError(f"invalid taint spec: {s}")
        if (t["effect"], t["key"]) in seen:
            raise ValueError(f"duplicated taints with the same key and effect: {_go_taint(t)}")
        seen.add((t["effect"], t["key"]))
        add.append(t)
    return add, remove


def reorganize_taints(
    old: list[dict[str, Any]], overwrite: bool, add: list[dict[str, str]], remove: list[dict[str, str]]
) -> tuple[str, list[dict[str, Any]], list[str]]:
    """kubectl's ``reorganizeTaints``: new taints first, then the old ones not replaced, minus removals.
    Returns (operation, taints, errors)."""
    new: list[dict[str, Any]] = [dict(t) for t in add]
    for o in old:
        if not any(t.get("key") == o.get("key") and t.get("effect") == o.get("effect") for t in new):
            new.append(o)
    added = len(old) != len(new)
    errors: list[str] = []
    deleted = False
    for r in remove:
        before = len(new)
        if r.get("effect"):
            new = [t for t in new if not (t.get("key") == r["key"] and t.get("effect") == r["effect"])]
        else:
            new = [t for t in new if t.get("key") != r["key"]]
        deleted = len(new) != before
        if not deleted:
            errors.append(f'taint "{_taint_string(r)}" not found')
    if (added and deleted) or overwrite:
        return "modified", new, errors
    if added:
        return "tainted", new, errors
    return "untainted", new, errors


def cmd_taint(ctx: Ctx) -> None:
    """kubectl taint nodes NODE KEY[=VALUE]:EFFECT ... (``KEY:EFFECT-`` / ``KEY-`` to remove)."""
    resources: list[str] = []
    taint_args: list[str] = []
    met = False
    for s in ctx.args:
        is_taint = "=" in s or ":" in s or s.endswith("-")
        if is_taint:
            met = True
            taint_args.append(s)
        elif not met:
            resources.append(s)
        else:
            raise CommandError(f"error: all resources must be specified before taint changes: {s}")
    if not resources:
        raise CommandError("error: one or more resources must be specified as <resource> <name>")
    if not taint_args:
        raise CommandError("error: at least one taint update is required")
    try:
        add, remove = parse_taints(taint_args)
    except ValueError as e:
        raise ctx.usage_error(str(e)) from None
    check_format(ctx.flag("output") or "", OPERATION_FORMATS)
    mode = dry_run_mode(ctx)
    if resources[0].lower() not in ("node", "nodes"):
        raise CommandError(
            f'error: invalid resource type {resources[0]}, only ["node" "nodes"] are supported'
        )
    conflicts = [
        f"{r['key']}={r.get('effect', '')}"
        for a in add
        for r in remove
        if a["key"] == r["key"] and (not r.get("effect") or a["effect"] == r.get("effect"))
    ]
    if conflicts:
        raise CommandError(
            "error: can not both modify and remove the following taint(s) in the same command: "
            + ", ".join(conflicts)
        )
    all_nodes = bool(ctx.flag("all"))
    selector = ctx.flag("selector") or ""
    if all_nodes and selector:
        raise CommandError("error: setting 'all' parameter with a non empty selector is prohibited")
    names = resources[1:]
    if not all_nodes and not selector and not names:
        raise CommandError(
            "error: at least one resource name must be specified since 'all' parameter is not set"
        )
    if all_nodes or selector:
        nodes = [clone(n) for n in ctx.api.list_objects("nodes", label_selector=selector or None)]
    else:
        nodes = [ctx.api.get("nodes", n) for n in names]
    output = ctx.flag("output") or ""
    shown: list[dict[str, Any]] = []
    for node in nodes:
        name = node["metadata"]["name"]
        old = list((node.get("spec") or {}).get("taints") or [])
        if not ctx.flag("overwrite"):
            exists = [
                a["key"]
                for a in add
                for o in old
                if a["key"] == o.get("key") and a["effect"] == o.get("effect")
            ]
            if exists:
                raise CommandError(
                    f"error: node {name} already has {','.join(exists)} taint(s) with same effect(s) "
                    "and --overwrite is false"
                )
        operation, new, errs = reorganize_taints(old, bool(ctx.flag("overwrite")), add, remove)
        if errs:
            raise CommandError("error: " + _aggregate(errs))
        result = node
        if mode != "client":
            try:
                result = ctx.api.patch(
                    "nodes", name, None, {"spec": {"taints": new or None}}, "merge", dry_run=mode == "server"
                )
            except StatusError as e:
                raise CommandError(format_status_error(e)) from None
        else:
            result = clone(node)
            result.setdefault("spec", {})["taints"] = new
        if output and split_format(output)[0] != "name":
            shown.append(result)
        elif output:
            ctx.out(f"node/{name}\n")
        else:
            ctx.out(f"node/{name} {operation}{dry_suffix(mode)}\n")
    if shown:
        ctx.out(render(shown, output, single=len(shown) == 1, read_file=ctx.read_path))


cordon = Command("cordon", cmd_cordon, CORDON_FLAGS, short="Mark node as unschedulable", usage="cordon NODE")
uncordon = Command(
    "uncordon", cmd_uncordon, CORDON_FLAGS, short="Mark node as schedulable", usage="uncordon NODE"
)
drain = Command(
    "drain", cmd_drain, DRAIN_FLAGS, short="Drain node in preparation for maintenance", usage="drain NODE"
)
taint = Command(
    "taint",
    cmd_taint,
    TAINT_FLAGS,
    short="Update the taints on one or more nodes",
    usage="taint NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N",
)
