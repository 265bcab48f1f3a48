"""``kubectl get``: one kind, several kinds, ``all``, names, ``kind/name``, ``-f``; every output format; ``-w``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...engine.errors import StatusError
from ...engine.printers import build_table
from ...engine.registry import ResourceType
from ...engine.store import ADDED, DELETED, MODIFIED
from ..flags import Flag
from ..main import Ctx, format_status_error
from ..output import check_format, render, split_format
from ..result import CommandError, Stream, hand_off
from ..tableprinter import PrintOptions, TableWriter, render_tables
from .common import FILE_FLAGS, load_manifests, resolve_type

GET_FLAGS = [
    Flag("output", "string", "o"),
    Flag("all-namespaces", "bool", "A", default=False),
    Flag("selector", "string", "l"),
    Flag("field-selector", "string"),
    Flag("show-labels", "bool", default=False),
    Flag("label-columns", "stringSlice", "L"),
    Flag("sort-by", "string"),
    Flag("no-headers", "bool", default=False),
    Flag("watch", "bool", "w", default=False),
    Flag("watch-only", "bool", default=False),
    Flag("output-watch-events", "bool", default=False),
    Flag("show-kind", "bool", default=False),
    Flag("ignore-not-found", "bool", default=False),
    Flag("chunk-size", "int", default=500),
    Flag("raw", "string"),
    Flag("server-print", "bool", default=True),
    Flag("show-managed-fields", "bool", default=False),
    Flag("template", "string"),
    Flag("allow-missing-template-keys", "bool", default=True),
    Flag("subresource", "string"),
    *FILE_FLAGS,
]

NO_TYPE = (
    'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported '
    "resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed "
    "description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples"
)


def parse_targets(ctx: Ctx, args: list[str]) -> list[tuple[ResourceType, list[str] | None]]:
    """Turn ``pods,svc a b`` / ``pod/a svc/b`` / ``all`` into [(type, names or None)] in request order."""
    registry = ctx.cluster.registry
    if any("/" in a for a in args):
        if not all("/" in a for a in args):
            raise CommandError(
                "error: there is no need to specify a resource type as a separate argument when passing arguments "
                "in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get "
                "resource resource/<resource_name>'"
            )
        out: list[tuple[ResourceType, list[str] | None]] = []
        for a in args:
            type_name, _, name = a.partition("/")
            if not name:
                raise CommandError("error: arguments in resource/name form must have a single resource and name")
            rt = resolve_type(ctx, type_name)
            for _i, (ort, names) in enumerate(out):
                if ort is rt and names is not None:
                    names.append(name)
                    break
            else:
                out.append((rt, [name]))
        return out
    types = [t for t in args[0].split(",") if t]
    names = args[1:] or None
    out = []
    for t in types:
        if t == "all":
            for rt in registry.all_category("all"):
                out.append((rt, names))
            continue
        rt = resolve_type(ctx, t)
        out.append((rt, list(names) if names else None))
    return out


def cmd_get(ctx: Ctx) -> None:
    output = ctx.flag("output") or ""
    check_format(output)
    fmt, _ = split_format(output)
    human = fmt in ("", "wide")
    all_ns = ctx.flag("all-namespaces")
    namespace = None if all_ns else ctx.namespace
    filenames = ctx.flag("filename") or []
    if ctx.flag("watch-only") or ctx.flag("watch"):
        if fmt not in ("", "wide"):
            pass
    selector = ctx.flag("selector")
    field_selector = ctx.flag("field-selector")
    results: list[tuple[ResourceType, dict[str, Any]]] = []
    errors: list[str] = []
    named = False
    multi_kind = False
    m_versions: dict[str, str] = {}
    if filenames:
        named = True
        for m in load_manifests(ctx, filenames, errors):
            obj = m.obj
            rt = ctx.cluster.registry.by_gvk(obj.get("apiVersion", ""), obj.get("kind", ""))
            if rt is None:
                errors.append(f'error: resource mapping not found for name: "{obj.get("metadata", {}).get("name", "")}" '
                              f'namespace: "{obj.get("metadata", {}).get("namespace", "")}" from "{m.source}": no matches '
                              f'for kind "{obj.get("kind")}" in version "{obj.get("apiVersion")}"\nensure CRDs are '
                              "installed first")
                continue
            ns = obj.get("metadata", {}).get("namespace") or ctx.namespace
            if obj.get("apiVersion") != rt.api_version:
                m_versions[rt.group_resource] = str(obj.get("apiVersion"))
            try:
                results.append((rt, ctx.api.peek_or_raise(rt, obj["metadata"]["name"], ns)))
            except StatusError as e:
                errors.append(format_status_error(e))
        multi_kind = len({rt.group_resource for rt, _ in results}) > 1
    else:
        if not ctx.args:
            raise CommandError(NO_TYPE)
        targets = parse_targets(ctx, ctx.args)
        if any(rt.plural == "componentstatuses" and not rt.group for rt, _ in targets):
            ctx.err("Warning: v1 ComponentStatus is deprecated in v1.19+\n")
        multi_kind = len({rt.group_resource for rt, _ in targets}) > 1 or ctx.args[0] == "all" or ctx.flag(
            "show-kind")
        if ctx.args[0] == "all" and any(rt for rt, n in targets):
            multi_kind = True
        for rt, names in targets:
            if names:
                named = True
                if selector:
                    raise CommandError("error: when paths, URLs, or stdin is provided as input, you may not specify "
                                       "resource arguments as well" if False else
                                       "error: name cannot be provided when a selector is specified")
                for name in names:
                    try:
                        results.append((rt, ctx.api.peek_or_raise(rt, name, namespace if rt.namespaced else None)))
                    except StatusError as e:
                        if e.code == 404 and ctx.flag("ignore-not-found"):
                            continue
                        errors.append(format_status_error(e))
            else:
                for obj in ctx.api.list_objects(rt, namespace, selector, field_selector):
                    results.append((rt, obj))
    sort_by = ctx.flag("sort-by")
    if sort_by:
        results = _sort(results, sort_by)
    single = named and len(results) == 1 and not (ctx.args and ctx.args[0] == "all") and len(
        ctx.args) <= 2 and "," not in (ctx.args[0] if ctx.args else "")
    if human:
        tables: list[tuple[ResourceType, dict[str, Any]]] = []
        # Group consecutive objects of one type into one table (the order objects came in).
        groups: list[tuple[ResourceType, list[dict[str, Any]]]] = []
        for rt, obj in results:
            if groups and groups[-1][0] is rt:
                groups[-1][1].append(obj)
            else:
                groups.append((rt, [obj]))
        now = ctx.now()
        for rt, objs in groups:
            tables.append((rt, build_table(rt, objs, now)))
        opts = _print_options(ctx, fmt, multi_kind, all_ns and any(rt.namespaced for rt, _ in groups))
        if not ctx.flag("watch-only"):
            ctx.out(render_tables(tables, opts))
        if not results and not errors and not ctx.flag("watch") and not ctx.flag("watch-only"):
            ctx.err(_no_resources(ctx, all_ns, namespace, results, named))
    else:
        from ...engine.api.conversion import requested_version, to_version

        # A type argument or manifest naming another served version (hpa.v1.autoscaling) reads that version.
        versions = {rt.group_resource: v for rt, _ in results
                    for v in [m_versions.get(rt.group_resource, "")]
                    + [requested_version(rt, a) for a in ",".join(ctx.args).replace(",", " ").split()] if v}
        objs = [_strip_managed(to_version(o, versions.get(rt.group_resource, "")), ctx) for rt, o in results]
        if objs or not named:
            rt0 = results[0][0] if results else None
            ctx.out(render(objs, output, single=single, rt=rt0, read_file=ctx.read_path,
                           no_headers=ctx.flag("no-headers")))
    if errors:
        ctx.err("".join(e if e.endswith("\n") else e + "\n" for e in errors))
        ctx.result.exit_code = 1
    if (ctx.flag("watch") or ctx.flag("watch-only")) and not filenames:
        _watch(ctx, parse_targets(ctx, ctx.args) if ctx.args else [], namespace, fmt, output, all_ns)


def _strip_managed(obj: dict[str, Any], ctx: Ctx) -> dict[str, Any]:
    """OmitManagedFieldsPrinter: only ``-o json|yaml`` drop managedFields (jsonpath and templates see them)."""
    if ((ctx.flag("output") or "") not in ("json", "yaml")) or ctx.flag("show-managed-fields"):
        return obj
    if "managedFields" in obj.get("metadata", {}):
        obj = dict(obj)
        obj["metadata"] = {k: v for k, v in obj["metadata"].items() if k != "managedFields"}
    return obj


def _print_options(ctx: Ctx, fmt: str, multi_kind: bool, all_ns: bool) -> PrintOptions:
    labels = tuple(x for x in (ctx.flag("label-columns") or []) if x)
    return PrintOptions(
        wide=fmt == "wide",
        no_headers=bool(ctx.flag("no-headers")),
        with_kind=multi_kind,
        with_namespace=bool(all_ns),
        show_labels=bool(ctx.flag("show-labels")),
        label_columns=labels,
    )


def _no_resources(ctx: Ctx, all_ns: bool, namespace: str | None, results: list[Any], named: bool) -> str:
    if named:
        return ""
    if all_ns:
        return "No resources found\n"
    targets = parse_targets(ctx, ctx.args) if ctx.args else []
    if targets and all(not rt.namespaced for rt, _ in targets):
        return "No resources found\n"
    return f"No resources found in {namespace} namespace.\n"


def _sort(results: list[tuple[ResourceType, dict[str, Any]]], sort_by: str) -> list[tuple[ResourceType, dict[str, Any]]]:
    from ..sorting import SortError, sort_objects

    objs = [o for _, o in results]
    try:
        ordered = sort_objects(objs, sort_by)
    except SortError as e:
        raise CommandError(e.stderr.rstrip("\n")) from None
    pos = {id(o): rt for rt, o in results}
    return [(pos[id(o)], o) for o in ordered]


def _watch(ctx: Ctx, targets: list[tuple[ResourceType, list[str] | None]], namespace: str | None, fmt: str,
           output: str, all_ns: bool) -> None:
    """Stream changes while virtual time moves: for ``--request-timeout`` if given, else until the cluster
    goes quiet (nothing scheduled in the next minute), at most an hour of virtual time."""
    from ..durations import DurationError, parse_duration

    if len(targets) != 1:
        raise CommandError("error: you may only specify a single resource type")
    rt, names = targets[0]
    timeout_text = ctx.flag("request-timeout") or "0"
    try:
        timeout = parse_duration(timeout_text) if not timeout_text.isdigit() else float(timeout_text)
    except DurationError:
        raise CommandError('error: invalid timeout value. Timeout must be a single integer in seconds, or an '
                           'integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)') from None
    events: list[tuple[str, dict[str, Any], float]] = []

    from ...engine.selectors import parse_field_selector, parse_label_selector

    label_sel = parse_label_selector(ctx.flag("selector")) if ctx.flag("selector") else None
    field_sel = parse_field_selector(ctx.flag("field-selector"), rt.group_resource) if ctx.flag(
        "field-selector") else None

    def on_event(ev: Any) -> None:
        meta = ev.object["metadata"]
        if rt.namespaced and namespace is not None and meta.get("namespace") != namespace:
            return
        if names and meta["name"] not in names:
            return
        if label_sel is not None and not label_sel.matches(meta.get("labels")):
            return
        if field_sel is not None and not field_sel.matches(ev.object):
            return
        events.append((ev.type, ev.object, ctx.now()))

    w = ctx.api.watch(rt, namespace, callback=on_event)
    opts = _print_options(ctx, fmt, False, all_ns and rt.namespaced)
    writer = TableWriter(rt, opts)
    human = fmt in ("", "wide")
    # Prime the writer with the initial rows' widths (RememberWidths), as the real printer keeps them.
    initial = [o for o in ctx.api.list_objects(rt, namespace, ctx.flag("selector"), ctx.flag("field-selector"))
               if not names or o["metadata"]["name"] in names]
    if human and initial and not ctx.flag("watch-only"):
        writer.add(build_table(rt, initial, ctx.now()))
        writer.flush()
    clock = ctx.cluster.clock
    start = clock.now()
    if hand_off(ctx.kubectl, ctx.result, _WatchStream(ctx, writer, rt, events, human, output,
                                                      start + timeout if timeout > 0 else None, w.stop)):
        return
    # Without --request-timeout a real watch runs until Ctrl-C; here it follows the changes and stops once
    # the watched objects have been quiet for a minute of virtual time (10 minutes at most).
    quiet = 60.0
    limit = start + (timeout if timeout > 0 else 600)
    last_change = start
    try:
        while True:
            ctx.cluster.settle()
            if events:
                last_change = clock.now()
            _flush_events(ctx, writer, rt, events, human, output)
            nd = clock.next_due()
            if nd is None or nd > limit or (timeout <= 0 and nd - last_change > quiet):
                break
            clock.step()
        if timeout <= 0:
            clock.run_until(min(limit, max(clock.now(), last_change + quiet)))
        if timeout > 0:
            clock.run_until(limit)
            ctx.cluster.settle()
            _flush_events(ctx, writer, rt, events, human, output)
    finally:
        w.stop()


class _WatchStream(Stream):
    """``get -w`` for a streaming host: rows as the objects change, until Ctrl+C or ``--request-timeout``."""

    def __init__(self, ctx: Ctx, writer: TableWriter, rt: ResourceType,
                 events: list[tuple[str, dict[str, Any], float]], human: bool, output: str,
                 deadline: float | None, stop: Callable[[], None]) -> None:
        super().__init__(ctx.result, stop)
        self.ctx, self.writer, self.rt, self.events = ctx, writer, rt, events
        self.human, self.output, self.deadline = human, output, deadline

    def step(self) -> None:
        # Each row as it was when the change happened (a tick of the host's pacer may span several seconds).
        _flush_events(self.ctx, self.writer, self.rt, self.events, self.human, self.output, at_event_time=True)
        if self.deadline is not None and self.ctx.now() >= self.deadline:
            self.finish(0)


def _flush_events(ctx: Ctx, writer: TableWriter, rt: ResourceType,
                  events: list[tuple[str, dict[str, Any], float]], human: bool, output: str, at_event_time: bool = False) -> None:
    for etype, obj, when in events:
        if human:
            table = build_table(rt, [obj], when if at_event_time else ctx.now())
            writer.add(table, etype if ctx.flag("output-watch-events") else None)
            ctx.out(writer.flush())
        else:
            if ctx.flag("output-watch-events"):
                obj = {"type": etype, "object": obj}
            ctx.out(render([obj], output, single=True, rt=rt, read_file=ctx.read_path))
    events.clear()


__all__ = ["GET_FLAGS", "cmd_get", "parse_targets", "ADDED", "MODIFIED", "DELETED"]
