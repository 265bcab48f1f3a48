"""``kubectl wait``: let virtual time run until a condition, a deletion or a JSONPath value holds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...engine.errors import StatusError
from ..durations import DurationError, parse_duration
from ..flags import Flag
from ..jsonpath import JSONPath, JSONPathError, relaxed_jsonpath_expression
from ..main import Ctx, format_status_error
from ..result import CommandError, StepStream, Stream, hand_off
from .common import FILE_FLAGS, load_manifests, resolve_type

WAIT_FLAGS = [
    Flag("for", "string"),
    Flag("timeout", "string", default="30s"),
    Flag("selector", "string", "l"),
    Flag("field-selector", "string"),
    Flag("all", "bool", default=False),
    Flag("all-namespaces", "bool", "A", default=False),
    Flag("output", "string", "o"),
    Flag("local", "bool", default=False),
    *FILE_FLAGS,
]


def _condition_holds(obj: dict[str, Any] | None, spec: str) -> bool:
    if obj is None:
        return False
    name, _, want = spec.partition("=")
    want = want or "True"
    for c in (obj.get("status") or {}).get("conditions") or []:
        if str(c.get("type", "")).lower() == name.lower():
            return str(c.get("status", "")).lower() == want.lower()
    return False


def _jsonpath_holds(obj: dict[str, Any] | None, expr: str, want: str | None) -> bool:
    if obj is None:
        return False
    try:
        value = JSONPath(expr, allow_missing_keys=True).execute(obj)
    except JSONPathError:
        return False
    if want is None:
        return value != ""
    return value == want


def _stream_wait(ctx: Ctx, targets: list[tuple[Any, str, str | None]], holds: Callable[[dict[str, Any] | None], bool],
                 kind: str, timeout: float, errors: list[str]) -> bool:
    """For a streaming host: wait for each target in turn while the host moves time (each gets ``timeout``)."""
    cluster = ctx.cluster
    pending = list(targets)
    deadline: list[float | None] = [None]

    def step(stream: Stream) -> None:
        while pending:
            rt, name, ns = pending[0]
            if deadline[0] is None:
                if ctx.api.peek(rt, name, ns) is None and kind not in ("delete", "create"):
                    errors.append(format_status_error(StatusError(404, "NotFound",
                                                                  f'{rt.group_resource} "{name}" not found')))
                    pending.pop(0)
                    continue
                deadline[0] = cluster.now() + timeout
            if holds(ctx.api.peek(rt, name, ns)):
                stream.out(f"{rt.kind_prefix}/{name} condition met\n")
            elif cluster.now() >= (deadline[0] or 0.0):
                errors.append(f"error: timed out waiting for the condition on {rt.group_resource}/{name}")
            else:
                return
            pending.pop(0)
            deadline[0] = None
        if errors:
            stream.err("".join(e + "\n" for e in errors))
        stream.finish(1 if errors else 0)

    stream = StepStream(ctx.result, step)
    if getattr(ctx.kubectl, "on_stream", None) is None:
        return False
    cluster.settle()
    stream.poll()  # what holds already is printed now, as the real command does
    if stream.done:
        ctx.result.exit_code = stream.exit_code
        return True
    return hand_off(ctx.kubectl, ctx.result, stream)


def cmd_wait(ctx: Ctx) -> None:
    spec = ctx.flag("for")
    if not spec:
        raise CommandError("error: --for must be specified")
    try:
        timeout = parse_duration(ctx.flag("timeout") or "30s")
    except DurationError:
        raise CommandError(f'error: invalid argument "{ctx.flag("timeout")}" for "--timeout" flag: time: invalid '
                           f'duration "{ctx.flag("timeout")}"') from None
    kind, _, arg = spec.partition("=")
    if kind == "jsonpath":
        expr_text, eq, want_text = arg.partition("=")
        if not expr_text:
            raise CommandError("error: jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or "
                               "--for=jsonpath='{.status.readyReplicas}'")
        try:
            expr = relaxed_jsonpath_expression(expr_text)
        except JSONPathError as e:
            raise CommandError(f"error: {e}") from None
        want: str | None = want_text if eq else None

        def holds(o: dict[str, Any] | None) -> bool:
            return _jsonpath_holds(o, expr, want)
    elif kind == "condition":
        if not arg:
            raise CommandError("error: condition name must be specified for --for=condition")

        def holds(o: dict[str, Any] | None) -> bool:
            return _condition_holds(o, arg)
    elif kind == "delete":
        def holds(o: dict[str, Any] | None) -> bool:
            return o is None
    elif kind == "create":
        def holds(o: dict[str, Any] | None) -> bool:
            return o is not None
    else:
        raise CommandError(f"error: unrecognized condition: \"{spec}\"")
    targets: list[tuple[Any, str, str | None]] = []
    errors: list[str] = []
    if ctx.flag("filename"):
        for m in load_manifests(ctx, ctx.flag("filename") or [], errors):
            rt = ctx.cluster.registry.by_gvk(m.obj.get("apiVersion", ""), m.obj.get("kind", ""))
            if rt is not None:
                targets.append((rt, m.obj["metadata"]["name"], m.obj["metadata"].get("namespace") or ctx.namespace))
    elif ctx.args:
        if "/" in ctx.args[0]:
            for a in ctx.args:
                t, _, n = a.partition("/")
                rt = resolve_type(ctx, t)
                targets.append((rt, n, ctx.namespace if rt.namespaced else None))
        else:
            rt = resolve_type(ctx, ctx.args[0])
            ns = None if ctx.flag("all-namespaces") else ctx.namespace
            if ctx.args[1:]:
                for n in ctx.args[1:]:
                    targets.append((rt, n, ns if rt.namespaced else None))
            else:
                if not (ctx.flag("all") or ctx.flag("selector") or ctx.flag("field-selector")):
                    raise CommandError("error: resource(s) were provided, but no name was specified")
                for o in ctx.api.list_objects(rt, ns if rt.namespaced else None, ctx.flag("selector"),
                                              ctx.flag("field-selector")):
                    targets.append((rt, o["metadata"]["name"], o["metadata"].get("namespace")))
                if not targets:
                    raise CommandError("error: no matching resources found")
    else:
        raise CommandError("error: resource name must be specified" if not ctx.flag("selector") else
                           "error: no matching resources found")
    cluster = ctx.cluster
    if _stream_wait(ctx, targets, holds, kind, timeout, errors):
        return
    for rt, name, ns in targets:
        obj = ctx.api.peek(rt, name, ns)
        if obj is None and kind not in ("delete", "create"):
            errors.append(format_status_error(StatusError(404, "NotFound", f'{rt.group_resource} "{name}" not found')))
            continue
        deadline = cluster.now() + timeout
        cluster.settle()
        while not holds(ctx.api.peek(rt, name, ns)):
            nd = cluster.clock.next_due()
            if nd is None or nd > deadline:
                cluster.clock.run_until(deadline)
                cluster.settle()
                break
            cluster.clock.step()
            cluster.settle()
        if holds(ctx.api.peek(rt, name, ns)):
            ctx.out(f"{rt.kind_prefix}/{name} condition met\n")
        else:
            errors.append(f"error: timed out waiting for the condition on {rt.group_resource}/{name}")
    if errors:
        ctx.err("".join(e + "\n" for e in errors))
        ctx.result.exit_code = 1
