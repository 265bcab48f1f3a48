"""Declarative checks: evaluated against the simulated cluster and the learner's commands, never scripts.

``evaluate(check, ctx) -> CheckResult``: every result says what was expected and what was found, in the
learner's terms, so a failed goal explains itself. ``static_problems(check)`` is the linter's view of a check.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..engine import quantity
from ..engine.errors import StatusError
from ..engine.registry import Registry, ResourceType
from ..engine.selectors import parse_label_selector
from ..kubectl.jsonpath import JSONPath, JSONPathError
from .matching import CommandPattern, PatternError
from .model import tr
from .schema import CHECK_COMMON, CHECK_TYPES, MAX_CHECK_DEPTH, OPS

Obj = dict[str, Any]
READ_ONLY = (
    "kubectl get",
    "kubectl describe",
    "kubectl logs",
    "kubectl top",
    "kubectl api-resources",
    "kubectl api-versions",
    "kubectl version",
    "kubectl explain",
    "kubectl auth can-i",
    "kubectl config view",
    "kubectl config current-context",
    "kubectl cluster-info",
    "kubectl exec",
    "helm list",
    "helm status",
    "helm get",
    "helm history",
    "ssh",
    "curl",
    "sim time",
)
_OP_WORDS = {
    "equals": "equal",
    "not_equals": "not equal",
    "matches": "match",
    "contains": "contain",
    "at_least": "be at least",
    "at_most": "be at most",
    "greater_than": "be greater than",
    "less_than": "be less than",
}


@dataclass
class HistoryEntry:
    """A command the learner ran and what it printed."""

    line: str
    stdout: str = ""
    stderr: str = ""
    exit_code: int = 0
    step: int = 0


@dataclass
class CheckContext:
    """What checks read: the cluster, the learner's history, when the step and lesson started."""

    cluster: Any
    history: list[HistoryEntry] = field(default_factory=list)
    step: int = 0
    step_started: float = 0.0  # virtual time
    lesson_started: float = 0.0
    run_readonly: Callable[[str], tuple[str, str, int]] | None = None
    lang: str = "en"

    def commands(self, since: str) -> list[HistoryEntry]:
        """The learner's commands of this step (``since: step``) or of the whole lesson."""
        return [h for h in self.history if since == "lesson" or h.step == self.step]


@dataclass
class CheckResult:
    """The outcome of a check: ok, the checklist label, expected vs found (and children for all/any/not)."""

    ok: bool
    label: str
    expected: str = ""
    found: str = ""
    explain: str = ""
    children: list[CheckResult] = field(default_factory=list)
    error: bool = False  # the check itself could not run (a bad check, not a bad cluster)

    def why(self) -> str:
        """One line for a failed check: the author's explanation, else expected vs found."""
        if self.ok:
            return ""
        parts = []
        if self.explain:
            parts.append(self.explain)
        if self.expected or self.found:
            parts.append(f"expected {self.expected}; found {self.found}".strip())
        return " — ".join(parts)

    def line(self) -> str:
        """``✓ label`` or ``✗ label — why``."""
        mark = "✓" if self.ok else "✗"
        why = self.why()
        return f"{mark} {self.label}" + (f" — {why}" if why else "")


class CheckError(ValueError):
    """A check that cannot be evaluated (the linter reports these before a lesson runs)."""


_REGISTRY: Registry | None = None


def _registry() -> Registry:
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = Registry()
    return _REGISTRY


def check_type(check: Obj) -> str:
    """The check's type key (``exists``, ``field``, ...)."""
    for k in CHECK_TYPES:
        if k in check:
            return k
    raise CheckError("a check needs one of: " + ", ".join(CHECK_TYPES))


# ---- static validation (lint) -------------------------------------------------------------------------


def _kind(text: str) -> ResourceType | None:
    rt = _registry().resolve(text)
    if rt is None:
        # CRDs installed by a lesson are unknown to a fresh registry; accept plural.group forms.
        return None
    return rt


def parse_ref(ref: str) -> tuple[str, str]:
    """``deployment/web`` -> ("deployment", "web") (CheckError when it is not KIND/NAME)."""
    kind, sep, name = ref.partition("/")
    if not sep or not kind or not name or "/" in name:
        raise CheckError(f"{ref!r} is not KIND/NAME (for example deployment/web or pod/nginx)")
    return kind, name


def static_problems(check: Obj, depth: int = 0) -> list[tuple[tuple[str | int, ...], str]]:
    """Problems a linter can see in a check without a cluster: (sub-path, message)."""
    out: list[tuple[tuple[str | int, ...], str]] = []
    if depth > MAX_CHECK_DEPTH:
        return [((), f"checks nest more than {MAX_CHECK_DEPTH} deep")]
    try:
        t = check_type(check)
    except CheckError as e:
        return [((), str(e))]
    allowed = set(CHECK_TYPES[t][1]) | set(CHECK_COMMON) | {t}
    if t in ("field", "count"):
        allowed |= set(OPS)
    for k in check:
        if k not in allowed:
            opts = ", ".join(sorted(set(CHECK_TYPES[t][1]))) or "none besides label and explain"
            out.append(((k,), f"{k!r} is not an option of a {t} check (its options: {opts})"))
    v = check[t]
    if t in ("all", "any"):
        for i, sub in enumerate(v):
            out += [((t, i) + p, m) for p, m in static_problems(sub, depth + 1)]
        return out
    if t == "not":
        return out + [((t,) + p, m) for p, m in static_problems(v, depth + 1)]
    if t in ("exists", "absent", "field", "rollout_complete"):
        try:
            kind, _ = parse_ref(v)
            if _kind(kind) is None:
                out.append(
                    (
                        (t,),
                        f"unknown kind {kind!r} in {v!r} (kubectl would say: the server doesn't have a "
                        f'resource type "{kind}")',
                    )
                )
            elif t == "rollout_complete" and _kind(kind).kind not in (  # type: ignore[union-attr]
                "Deployment",
                "DaemonSet",
                "StatefulSet",
            ):
                out.append(((t,), "rollout_complete works on a Deployment, DaemonSet or StatefulSet"))
        except CheckError as e:
            out.append(((t,), str(e)))
    if t == "count" and _kind(v) is None:
        out.append(((t,), f"unknown kind {v!r}"))
    if t == "field":
        if "path" not in check:
            out.append(((), "a field check needs path: (a JSONPath like .spec.replicas)"))
        else:
            try:
                JSONPath(_template(check["path"]))
            except JSONPathError as e:
                out.append((("path",), f"bad JSONPath {check['path']!r}: {e}"))
    for i, cond in enumerate(check.get("where") or []):
        try:
            JSONPath(_template(cond["path"]))
        except JSONPathError as e:
            out.append((("where", i, "path"), f"bad JSONPath {cond['path']!r}: {e}"))
    if "selector" in check or t == "pods":
        try:
            parse_label_selector(check.get("selector") if t != "pods" else v)
        except StatusError as e:
            out.append((("selector",) if t != "pods" else (t,), f"bad label selector: {e.message}"))
    if t in ("command_used", "command_avoided") or (t == "output_contains" and check.get("regex")):
        try:
            CommandPattern(v, bool(check.get("regex")))
        except PatternError as e:
            out.append(((t,), str(e)))
    if "matches" in check:
        try:
            re.compile(str(check["matches"]))
        except re.error as e:
            out.append((("matches",), f"bad regular expression: {e}"))
    if t == "output_contains" and "command" in check:
        cmd = " ".join(str(check["command"]).split())
        if not any(cmd == p or cmd.startswith(p + " ") for p in READ_ONLY) or any(c in cmd for c in "|;&>`$"):
            out.append(
                (
                    ("command",),
                    f"{check['command']!r}: a check may only run one read-only command ("
                    + ", ".join(READ_ONLY[:6])
                    + ", ...)",
                )
            )
    if "from" in check:
        f = str(check["from"])
        if f != "workstation" and not re.fullmatch(r"(pod|node)/[A-Za-z0-9._-]+", f):
            out.append((("from",), f"from: {f!r} must be workstation, pod/NAME or node/NAME"))
    if t == "can_i":
        words = str(v).split()
        if len(words) != 2:
            out.append(
                ((t,), f"can_i: {v!r} must be VERB RESOURCE[/NAME], like 'list pods' or 'get secrets/db'")
            )
        elif _kind(words[1].split("/")[0]) is None and words[1] != "*":
            out.append(((t,), f"can_i: unknown resource {words[1]!r}"))
        if "answer" not in check:
            out.append(((), "a can_i check needs answer: yes or no"))
    for op in OPS:
        if op in ("at_least", "at_most", "greater_than", "less_than") and op in check:
            if _number(check[op]) is None:
                out.append(((op,), f"{op}: {check[op]!r} is not a number or a quantity"))
    if t == "count" and not any(op in check for op in OPS):
        out.append(((), "a count check needs a comparison (equals, at_least, at_most, ...)"))
    return out


# ---- comparisons --------------------------------------------------------------------------------------


def _template(path: str) -> str:
    p = str(path).strip()
    return p if "{" in p else "{" + (p if p.startswith(".") or p.startswith("[") else "." + p) + "}"


def _number(v: Any) -> Fraction | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, int | float):
        return Fraction(v)
    try:
        return quantity.parse(str(v).strip())
    except (quantity.QuantityError, ValueError, ZeroDivisionError):
        return None


def _scalar_text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def compare(found: str | int | None, op: str, expected: Any) -> bool:
    """Does ``found`` (the text kubectl would print, or a count) satisfy ``op expected``?"""
    if found is None:
        return op == "not_equals"
    text = _scalar_text(found)
    if op == "equals":
        a, b = _number(found), _number(expected)
        if a is not None and b is not None and not isinstance(expected, str):
            return a == b
        return text == _scalar_text(expected)
    if op == "not_equals":
        return not compare(found, "equals", expected)
    if op == "matches":
        return re.search(str(expected), text) is not None
    if op == "contains":
        return _scalar_text(expected) in text
    a, b = _number(found), _number(expected)
    if a is None or b is None:
        return False
    return {"at_least": a >= b, "at_most": a <= b, "greater_than": a > b, "less_than": a < b}[op]


def _ops(check: Obj) -> list[tuple[str, Any]]:
    return [(op, check[op]) for op in OPS if op in check]


def _expect_text(ops: list[tuple[str, Any]]) -> str:
    return " and ".join(
        f"to {_OP_WORDS[op]} {_scalar_text(v)!r}"
        if op in ("matches", "contains")
        else f"to {_OP_WORDS[op]} {_scalar_text(v)}"
        for op, v in ops
    )


# ---- evaluation ---------------------------------------------------------------------------------------


def _resolve(kind: str) -> ResourceType:
    rt = _registry().resolve(kind)
    if rt is None:
        raise CheckError(f'the server doesn\'t have a resource type "{kind}"')
    return rt


def _ns(check: Obj, rt: ResourceType) -> str:
    return str(check.get("namespace") or "default") if rt.namespaced else ""


def _where(rt: ResourceType, ns: str) -> str:
    return f" in namespace {ns}" if rt.namespaced else ""


def _get(ctx: CheckContext, ref: str, check: Obj) -> tuple[ResourceType, str, str, Obj | None]:
    kind, name = parse_ref(ref)
    rt = _resolve(kind)
    ns = _ns(check, rt)
    obj = ctx.cluster.api.peek(rt.group_resource, name, ns)
    return rt, name, ns, obj


def _label(check: Obj, default: str, lang: str) -> str:
    return tr(check.get("label"), lang) or default


def evaluate(check: Obj, ctx: CheckContext) -> CheckResult:
    """Evaluate one check; never raises for a bad cluster state (a bad check gives a failed result)."""
    try:
        t = check_type(check)
        res = _EVALUATORS[t](check, ctx)
    except (CheckError, StatusError, JSONPathError, KeyError, ValueError, re.error) as e:
        msg = e.message if isinstance(e, StatusError) else str(e)
        res = CheckResult(
            False, str(check.get(next(iter(check), ""), "check")), "a check that can run", msg, error=True
        )
    if "label" in check:
        res.label = tr(check["label"], ctx.lang)
    if not res.ok and "explain" in check:
        res.explain = tr(check["explain"], ctx.lang)
    return res


def _exists(check: Obj, ctx: CheckContext) -> CheckResult:
    rt, name, ns, obj = _get(ctx, check["exists"], check)
    label = f"{rt.kind} {name} exists{_where(rt, ns)}"
    if obj is not None:
        return CheckResult(True, label, "it to exist", "it exists")
    others = [o["metadata"]["name"] for o in ctx.cluster.api.list_objects(rt.group_resource, ns or None)][:5]
    found = f"no {rt.kind} called {name}{_where(rt, ns)}"
    if others:
        found += f" (there is: {', '.join(others)})"
    elif rt.namespaced:
        found += f" (no {rt.plural} at all there)"
    return CheckResult(False, label, f"{rt.kind} {name}", found)


def _absent(check: Obj, ctx: CheckContext) -> CheckResult:
    rt, name, ns, obj = _get(ctx, check["absent"], check)
    label = f"{rt.kind} {name} is gone{_where(rt, ns)}"
    if obj is None:
        return CheckResult(True, label, "no such object", "none")
    if (obj.get("metadata") or {}).get("deletionTimestamp"):
        return CheckResult(False, label, f"no {rt.kind} {name}", "it is still terminating")
    return CheckResult(False, label, f"no {rt.kind} {name}", "it still exists")


def _field(check: Obj, ctx: CheckContext) -> CheckResult:
    rt, name, ns, obj = _get(ctx, check["field"], check)
    path = str(check["path"])
    ops = _ops(check)
    label = f"{rt.kind.lower()}/{name} {path} " + (_expect_text(ops)[3:] if ops else "is set")
    if obj is None:
        return CheckResult(False, label, f"{rt.kind} {name}{_where(rt, ns)}", "it does not exist")
    text = JSONPath(_template(path)).execute(obj)
    if not ops:
        ok = text != ""
        return CheckResult(ok, label, f"{path} to be set", repr(text) if ok else f"{path} is not set")
    ok = all(compare(text if text != "" else None, op, v) for op, v in ops)
    return CheckResult(
        ok, label, f"{path} {_expect_text(ops)}", f"{text!r}" if text != "" else "nothing there"
    )


def _matching(ctx: CheckContext, rt: ResourceType, ns: str | None, selector: str | None) -> list[Obj]:
    sel = parse_label_selector(selector)
    return [
        o
        for o in ctx.cluster.api.list_objects(rt.group_resource, ns or None)
        if sel.matches((o.get("metadata") or {}).get("labels")) and not o["metadata"].get("deletionTimestamp")
    ]


def _pod_ready(pod: Obj) -> bool:
    return any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in (pod.get("status") or {}).get("conditions") or ()
    )


def _restarts(pod: Obj) -> int:
    return sum(
        int(c.get("restartCount", 0)) for c in (pod.get("status") or {}).get("containerStatuses") or ()
    )


def _cond_ok(obj: Obj, check: Obj) -> bool:
    if "phase" in check and (obj.get("status") or {}).get("phase") != check["phase"]:
        return False
    if "ready" in check and _pod_ready(obj) != bool(check["ready"]):
        return False
    for cond in check.get("where") or ():
        text = JSONPath(_template(cond["path"])).execute(obj)
        if not all(compare(text if text != "" else None, op, v) for op, v in _ops(cond)):
            return False
    return True


def _count(check: Obj, ctx: CheckContext) -> CheckResult:
    rt = _resolve(check["count"])
    ns = str(check.get("namespace") or "default") if rt.namespaced else ""
    if ns in ("*", "all"):
        ns = ""
    objs = [o for o in _matching(ctx, rt, ns, check.get("selector")) if _cond_ok(o, check)]
    n = len(objs)
    ops = _ops(check)
    quals = []
    if check.get("selector"):
        quals.append(f"labelled {check['selector']}")
    if "phase" in check:
        quals.append(check["phase"])
    if "ready" in check:
        quals.append("ready" if check["ready"] else "not ready")
    what = (
        f"{rt.plural}" + (f" ({', '.join(quals)})" if quals else "") + (f" in namespace {ns}" if ns else "")
    )
    label = f"number of {what} {_expect_text(ops)[3:]}"
    ok = all(compare(n, op, v) for op, v in ops)
    names = ", ".join(o["metadata"]["name"] for o in objs[:6]) + (", ..." if n > 6 else "")
    return CheckResult(
        ok, label, f"the number of {what} {_expect_text(ops)}", f"{n}" + (f": {names}" if n else "")
    )


def _pod_state(pod: Obj) -> str:
    st = pod.get("status") or {}
    bits = [st.get("phase", "Pending")]
    waiting = [
        c["state"]["waiting"].get("reason", "")
        for c in st.get("containerStatuses") or ()
        if "waiting" in (c.get("state") or {})
    ]
    if waiting and waiting[0]:
        bits[0] += f" ({waiting[0]})"
    bits.append("ready" if _pod_ready(pod) else "not ready")
    bits.append(f"{_restarts(pod)} restart(s)")
    if (pod.get("spec") or {}).get("nodeName"):
        bits.append(f"on {pod['spec']['nodeName']}")
    return ", ".join(bits)


def _pod_checks(check: Obj) -> list[tuple[str, Callable[[Obj], bool]]]:
    out: list[tuple[str, Callable[[Obj], bool]]] = []
    if "phase" in check:
        out.append(
            (f"phase {check['phase']}", lambda p: (p.get("status") or {}).get("phase") == check["phase"])
        )
    if "ready" in check:
        out.append(
            ("ready" if check["ready"] else "not ready", lambda p: _pod_ready(p) == bool(check["ready"]))
        )
    if "restarts" in check:
        r = check["restarts"]
        ops = list(r.items()) if isinstance(r, dict) else [("equals", r)]
        out.append(
            (f"restarts {_expect_text(ops)[3:]}", lambda p: all(compare(_restarts(p), o, v) for o, v in ops))
        )
    if "node" in check:
        out.append(
            (f"on node {check['node']}", lambda p: (p.get("spec") or {}).get("nodeName") == check["node"])
        )
    if not out:
        out.append(("Running", lambda p: (p.get("status") or {}).get("phase") == "Running"))
    return out


def _pod(check: Obj, ctx: CheckContext) -> CheckResult:
    name = check["pod"]
    ns = str(check.get("namespace") or "default")
    conds = _pod_checks(check)
    want = ", ".join(c for c, _ in conds)
    label = f"pod {name} is {want}"
    pod = ctx.cluster.api.peek("pods", name, ns)
    if pod is None:
        return CheckResult(False, label, f"pod {name} {want}", f"no pod {name} in namespace {ns}")
    ok = all(f(pod) for _, f in conds)
    return CheckResult(ok, label, want, _pod_state(pod))


def _pods(check: Obj, ctx: CheckContext) -> CheckResult:
    sel = check["pods"]
    ns = str(check.get("namespace") or "default")
    conds = _pod_checks(check)
    want = ", ".join(c for c, _ in conds)
    label = f"every pod labelled {sel} is {want}"
    pods = _matching(ctx, _resolve("pods"), ns, sel)
    if not pods:
        return CheckResult(
            False, label, f"at least one pod labelled {sel}", f"no pod has the labels {sel} in namespace {ns}"
        )
    bad = [p for p in pods if not all(f(p) for _, f in conds)]
    if not bad:
        return CheckResult(True, label, want, f"{len(pods)} pod(s), all {want}")
    shown = "; ".join(f"{p['metadata']['name']} is {_pod_state(p)}" for p in bad[:3])
    return CheckResult(False, label, f"every pod {want}", f"{len(bad)} of {len(pods)} not: {shown}")


def rollout_status(obj: Obj) -> tuple[bool, str]:
    """(done, message) as ``kubectl rollout status`` words it."""
    kind = obj.get("kind", "")
    spec, st, meta = obj.get("spec") or {}, obj.get("status") or {}, obj.get("metadata") or {}
    name = meta.get("name", "")
    if int(meta.get("generation", 0)) > int(st.get("observedGeneration", 0)):
        return False, "Waiting for rollout to finish: observed generation is behind"
    if kind == "Deployment":
        for c in st.get("conditions") or ():
            if c.get("type") == "Progressing" and c.get("reason") == "ProgressDeadlineExceeded":
                return False, f'deployment "{name}" exceeded its progress deadline'
        want = int(spec.get("replicas", 1))
        upd, total, avail = (int(st.get(k, 0)) for k in ("updatedReplicas", "replicas", "availableReplicas"))
        if upd < want:
            return (
                False,
                f'Waiting for deployment "{name}" rollout to finish: {upd} out of {want} new replicas '
                "have been updated...",
            )
        if total > upd:
            return (
                False,
                f'Waiting for deployment "{name}" rollout to finish: {total - upd} old replicas are '
                "pending termination...",
            )
        if avail < upd:
            return (
                False,
                f'Waiting for deployment "{name}" rollout to finish: {avail} of {upd} updated '
                "replicas are available...",
            )
        return True, f'deployment "{name}" successfully rolled out'
    if kind == "DaemonSet":
        want = int(st.get("desiredNumberScheduled", 0))
        upd, avail = int(st.get("updatedNumberScheduled", 0)), int(st.get("numberAvailable", 0))
        if upd < want:
            return (
                False,
                f'Waiting for daemon set "{name}" rollout to finish: {upd} out of {want} new pods '
                "have been updated...",
            )
        if avail < want:
            return (
                False,
                f'Waiting for daemon set "{name}" rollout to finish: {avail} of {want} updated pods '
                "are available...",
            )
        return True, f'daemon set "{name}" successfully rolled out'
    want = int(spec.get("replicas", 1))
    ready, upd = int(st.get("readyReplicas", 0)), int(st.get("updatedReplicas", 0))
    if ready < want:
        return False, f"Waiting for {want - ready} pods to be ready..."
    if st.get("updateRevision") and st.get("currentRevision") != st.get("updateRevision") and upd < want:
        return (
            False,
            f"waiting for statefulset rolling update to complete {upd} pods at revision "
            f"{st.get('updateRevision')}...",
        )
    return (
        True,
        f"statefulset rolling update complete {want} pods at revision {st.get('updateRevision', '')}...",
    )


def _rollout(check: Obj, ctx: CheckContext) -> CheckResult:
    rt, name, ns, obj = _get(ctx, check["rollout_complete"], check)
    label = f"{rt.kind.lower()}/{name} has finished rolling out"
    if obj is None:
        return CheckResult(False, label, f"{rt.kind} {name}{_where(rt, ns)}", "it does not exist")
    done, msg = rollout_status(obj)
    return CheckResult(done, label, "the rollout to be complete", msg)


def _event_time(ev: Obj) -> float:
    from ..engine.timeutil import parse_rfc3339

    for k in ("lastTimestamp", "eventTime", "firstTimestamp"):
        v = ev.get(k)
        if isinstance(v, str) and v:
            try:
                return float(parse_rfc3339(v) or 0.0)
            except ValueError:
                continue
    try:
        return float(parse_rfc3339(ev["metadata"]["creationTimestamp"]) or 0.0)
    except (KeyError, ValueError, TypeError):
        return 0.0


def _event(check: Obj, ctx: CheckContext) -> CheckResult:
    reason = check["event"]
    since = ctx.lesson_started if check.get("since") == "lesson" else ctx.step_started
    since = float(int(since))
    kind = name = ""
    if "object" in check:
        k, name = parse_ref(check["object"])
        kind = _resolve(k).kind
    ns = check.get("namespace")
    want = f"a {check.get('type', '')} event {reason}".replace("a  ", "an ").replace("a N", "a N")
    if kind:
        want += f" about {kind.lower()}/{name}"
    if "message_contains" in check:
        want += f" saying {check['message_contains']!r}"
    label = f"{want} happened"
    seen: list[str] = []
    for ev in ctx.cluster.api.list_objects("events", ns or None):
        if _event_time(ev) < since:
            continue
        inv = ev.get("involvedObject") or {}
        if kind and (inv.get("kind") != kind or inv.get("name") != name):
            continue
        if (
            ev.get("reason") == reason
            and check.get("type", ev.get("type")) == ev.get("type")
            and str(check.get("message_contains", "")) in ev.get("message", "")
        ):
            return CheckResult(True, label, want, f"{ev.get('reason')}: {ev.get('message', '')}")
        seen.append(str(ev.get("reason")))
    found = "events since then: " + ", ".join(dict.fromkeys(seen)) if seen else "no such event yet"
    return CheckResult(False, label, want, found)


def _since(check: Obj) -> str:
    return "lesson" if check.get("since") == "lesson" else "step"


def _command_used(check: Obj, ctx: CheckContext) -> CheckResult:
    pat = CommandPattern(check["command_used"], bool(check.get("regex")))
    label = f"run `{check['command_used']}`"
    cmds = ctx.commands(_since(check))
    hit = next((h for h in cmds if pat.matches(h.line)), None)
    if hit is not None:
        return CheckResult(True, label, f"a command like `{pat.text}`", f"`{hit.line}`")
    found = (
        "you ran: " + "; ".join(f"`{h.line}`" for h in cmds[-3:]) if cmds else "no command yet in this step"
    )
    return CheckResult(False, label, f"a command like `{pat.text}`", found)


def _command_avoided(check: Obj, ctx: CheckContext) -> CheckResult:
    pat = CommandPattern(check["command_avoided"], bool(check.get("regex")))
    label = f"without running `{check['command_avoided']}`"
    hit = next((h for h in ctx.commands(_since(check)) if pat.matches(h.line)), None)
    if hit is None:
        return CheckResult(True, label, f"no command like `{pat.text}`", "none")
    return CheckResult(False, label, f"no command like `{pat.text}`", f"you ran `{hit.line}`")


def _output_contains(check: Obj, ctx: CheckContext) -> CheckResult:
    text = str(check["output_contains"])
    rx = re.compile(text) if check.get("regex") else None

    def has(s: str) -> bool:
        return rx.search(s) is not None if rx else text in s

    if "command" in check:
        label = f"`{check['command']}` shows {text!r}"
        if ctx.run_readonly is None:
            return CheckResult(False, label, text, "no workstation to run the command on")
        out, err, _code = ctx.run_readonly(str(check["command"]))
        ok = has(out + err)
        shown = (out + err).strip().splitlines()
        return CheckResult(
            ok,
            label,
            f"the output to contain {text!r}",
            "it does" if ok else ("it printed: " + " / ".join(shown[:3]) if shown else "no output"),
        )
    label = f"a command of yours prints {text!r}"
    for h in reversed(ctx.commands(_since(check))):
        if has(h.stdout + h.stderr):
            return CheckResult(True, label, text, f"`{h.line}` printed it")
    return CheckResult(False, label, f"some output containing {text!r}", "no command printed it yet")


def _source(ctx: CheckContext, check: Obj) -> Any:
    from ..engine.network.trace import node_endpoint, pod_endpoint, workstation

    f = str(check.get("from", "workstation"))
    if f == "workstation":
        return workstation()
    kind, name = parse_ref(f)
    try:
        if kind == "pod":
            return pod_endpoint(ctx.cluster, str(check.get("namespace") or "default"), name)
        return node_endpoint(ctx.cluster, name)
    except KeyError:
        raise CheckError(f"{f} is not running with an IP, so nothing can be sent from it") from None


def _http(check: Obj, ctx: CheckContext) -> CheckResult:
    from ..engine.network.traffic import http_request

    url = str(check["http"])
    src = str(check.get("from", "workstation"))
    label = f"{url} answers from {src}" + (
        f" with {check['body_contains']!r}" if "body_contains" in check else ""
    )
    try:
        res = http_request(ctx.cluster, _source(ctx, check), url)
    except CheckError as e:
        return CheckResult(False, label, "a response", str(e))
    want_status = check.get("status")
    want = f"HTTP {want_status}" if want_status else "an HTTP answer"
    if "body_contains" in check:
        want += f" containing {check['body_contains']!r}"
    if res.error:
        why = {
            "refused": "connection refused",
            "timeout": "the connection timed out",
            "unreachable": "no route to host",
            "dns": f"could not resolve host {res.host}",
            "dns-timeout": f"no DNS answer for {res.host}",
        }.get(res.error, res.error)
        trace = next((t for t in reversed(res.traces) if t.reason), None)
        if trace is not None:
            why += f" ({trace.reason})"
        return CheckResult(False, label, want, why)
    ok = (str(res.status) == str(want_status)) if want_status else 200 <= res.status < 400
    if "body_contains" in check and str(check["body_contains"]) not in res.body:
        ok = False
    first = next((ln.strip() for ln in res.body.splitlines() if ln.strip()), "")
    return CheckResult(
        ok, label, want, f"HTTP {res.status} {res.reason}" + (f": {first[:80]}" if first else "")
    )


def _dns(check: Obj, ctx: CheckContext) -> CheckResult:
    from ..engine.network.dns import DNSError, ResolvConf, resolv_conf, resolve

    name = str(check["dns"])
    ns = str(check.get("namespace") or "default")
    f = str(check.get("from", ""))
    if f.startswith("pod/"):
        pod = ctx.cluster.api.peek("pods", f[4:], ns)
        if pod is None:
            return CheckResult(
                False, f"{name} resolves from {f}", "a pod to ask from", f"no pod {f[4:]} in {ns}"
            )
        rc = resolv_conf(pod)
    else:
        rc = ResolvConf(["10.96.0.10"], [f"{ns}.svc.cluster.local", "svc.cluster.local", "cluster.local"], 5)
    want_resolves = check.get("resolves", True) if "answer" not in check else True
    answer = check.get("answer")
    label = (
        f"{name} resolves" + (f" to {answer}" if answer else "")
        if want_resolves
        else f"{name} does not resolve"
    )
    try:
        fqdn, addrs = resolve(ctx.cluster, name, rc)
    except DNSError as e:
        return CheckResult(False, label, "an answer from CoreDNS (10.96.0.10)", f"no DNS answer ({e})")
    found = f"{fqdn} -> {', '.join(addrs)}" if addrs else f"{name}: NXDOMAIN"
    if not want_resolves:
        return CheckResult(not addrs, label, "no address", found)
    ok = bool(addrs) and (answer is None or str(answer) in addrs)
    return CheckResult(ok, label, f"address {answer}" if answer else "an address", found)


def _can_i(check: Obj, ctx: CheckContext) -> CheckResult:
    from ..engine.api.authz import ADMIN, Attributes, UserInfo

    verb, target = str(check["can_i"]).split()
    res_text, _, name = target.partition("/")
    if res_text == "*":
        group, resource = "*", "*"
    else:
        rt = _resolve(res_text)
        group, resource = rt.group, rt.plural
    ns = str(check.get("namespace") or "default") if res_text == "*" or _resolve(res_text).namespaced else ""
    who = check.get("as")
    if who:
        who = str(who)
        groups = tuple(check.get("groups") or ())
        if who.startswith("system:serviceaccount:") and who.count(":") == 3:
            groups += ("system:serviceaccounts", f"system:serviceaccounts:{who.split(':')[2]}")
        user = UserInfo(who, groups + ("system:authenticated",))
    else:
        user = ADMIN
    want = check.get("answer")
    want_yes = want is True or str(want).lower() in ("yes", "true")
    allowed, _reason = ctx.cluster.auth.check(Attributes(user, verb, group, resource, "", ns, name))
    where = f" in namespace {ns}" if ns else ""
    label = f"{user.username} {'can' if want_yes else 'cannot'} {verb} {target}{where}"
    return CheckResult(
        allowed == want_yes,
        label,
        f"kubectl auth can-i to answer {'yes' if want_yes else 'no'}",
        "yes" if allowed else "no",
    )


def _helm(check: Obj, ctx: CheckContext) -> CheckResult:
    from ..helm.pane import releases

    name = str(check["helm_release"])
    ns = str(check.get("namespace") or "default")
    rel = next((r for r in releases(ctx.cluster) if r.name == name and r.namespace == ns), None)
    want = {k: check[k] for k in ("status", "revision", "chart", "app_version") if k in check}
    want.setdefault("status", "deployed")
    label = f"Helm release {name} is " + ", ".join(
        f"{v}" if k == "status" else f"{k} {v}" for k, v in want.items()
    )
    if rel is None:
        return CheckResult(
            False, label, f"release {name} in namespace {ns}", "no such release (helm list -A)"
        )
    have = {
        "status": rel.status,
        "revision": rel.revision,
        "chart": rel.chart,
        "app_version": rel.app_version,
    }
    ok = all(str(have[k]) == str(v) for k, v in want.items())
    found = ", ".join(f"{k} {have[k]}" for k in want)
    return CheckResult(ok, label, ", ".join(f"{k} {v}" for k, v in want.items()), found)


def _scheduler(check: Obj, ctx: CheckContext) -> CheckResult:
    name = str(check["scheduler"])
    ns = str(check.get("namespace") or "default")
    parts = []
    if "result" in check:
        parts.append(str(check["result"]))
    if "node" in check:
        parts.append(f"on {check['node']}")
    if "reason_contains" in check:
        parts.append(f"because {check['reason_contains']!r}")
    want = " ".join(parts) or "a scheduling decision"
    label = f"the scheduler says pod {name}: {want}"
    sched = getattr(ctx.cluster, "scheduler", None)
    trace = sched.trace_for(ns, name) if sched is not None else None
    if trace is None:
        return CheckResult(False, label, want, f"the scheduler has not tried pod {ns}/{name}")
    reasons = [trace.get("message", "")] + [
        r for n in trace.get("nodes", ()) for f in n.get("filters", ()) for r in f.get("reasons", ())
    ]
    ok = True
    if "result" in check and trace["result"] != check["result"]:
        ok = False
    if "node" in check and trace.get("node") != check["node"]:
        ok = False
    if "reason_contains" in check and not any(str(check["reason_contains"]) in r for r in reasons):
        ok = False
    found = trace["result"] + (f" on {trace['node']}" if trace.get("node") else "")
    if trace.get("message"):
        found += f": {trace['message']}"
    return CheckResult(ok, label, want, found)


def _service(check: Obj, ctx: CheckContext) -> CheckResult:
    from ..engine.network.index import index_of
    from ..engine.network.traffic import diagnose_service

    name = str(check["service_endpoints"])
    ns = str(check.get("namespace") or "default")
    at_least = int(_number(check.get("at_least", 1)) or 0)
    label = (
        f"Service {name} has {'ready endpoints' if at_least == 1 else f'at least {at_least} ready endpoints'}"
    )
    ready = 0
    for sl in index_of(ctx.cluster).slices_of(ns, name):
        ready += sum(
            1 for ep in sl.get("endpoints") or () if (ep.get("conditions") or {}).get("ready") is not False
        )
    reasons = diagnose_service(ctx.cluster, ns, name)
    ok = ready >= at_least and not reasons
    found = f"{ready} ready endpoint(s)" + (": " + "; ".join(reasons) if reasons else "")
    if reasons and reasons[0].startswith("selector "):
        svc = ctx.cluster.api.peek("services", name, ns) or {}
        sel = ",".join(f"{k}={v}" for k, v in sorted(((svc.get("spec") or {}).get("selector") or {}).items()))
        found = f"Service {name} selects {sel}, but no pod has that label"
    return CheckResult(ok, label, f"at least {at_least} ready endpoint(s)", found)


def _all(check: Obj, ctx: CheckContext) -> CheckResult:
    kids = [evaluate(c, ctx) for c in check["all"]]
    bad = [k for k in kids if not k.ok]
    return CheckResult(
        not bad,
        " and ".join(k.label for k in kids),
        "all of them",
        "; ".join(f"{k.label}: {k.why()}" for k in bad) if bad else "all pass",
        children=kids,
    )


def _any(check: Obj, ctx: CheckContext) -> CheckResult:
    kids = [evaluate(c, ctx) for c in check["any"]]
    ok = any(k.ok for k in kids)
    return CheckResult(
        ok,
        " or ".join(k.label for k in kids),
        "one of them",
        "none passes: " + "; ".join(k.why() for k in kids) if not ok else next(k.label for k in kids if k.ok),
        children=kids,
    )


def _not(check: Obj, ctx: CheckContext) -> CheckResult:
    kid = evaluate(check["not"], ctx)
    return CheckResult(
        not kid.ok,
        f"not: {kid.label}",
        f"not {kid.label}",
        "it is not the case" if not kid.ok else kid.found or "it is the case",
        children=[kid],
    )


_EVALUATORS: dict[str, Callable[[Obj, CheckContext], CheckResult]] = {
    "exists": _exists,
    "absent": _absent,
    "field": _field,
    "count": _count,
    "pod": _pod,
    "pods": _pods,
    "rollout_complete": _rollout,
    "event": _event,
    "command_used": _command_used,
    "command_avoided": _command_avoided,
    "output_contains": _output_contains,
    "http": _http,
    "dns": _dns,
    "can_i": _can_i,
    "helm_release": _helm,
    "scheduler": _scheduler,
    "service_endpoints": _service,
    "all": _all,
    "any": _any,
    "not": _not,
}
assert set(_EVALUATORS) == set(CHECK_TYPES)
