"""``kubectl create`` (from files and with its generators), ``kubectl run`` and ``kubectl expose``."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from ...engine.errors import StatusError
from ...engine.timeutil import rfc3339
from .. import generators as g
from ..flags import Flag
from ..main import Command, Ctx
from ..output import OPERATION_FORMATS, check_format, split_format
from ..result import CommandError
from ..serialize import to_json, to_yaml
from . import apply as apply_cmds
from .apply import dry_run_mode, dry_suffix
from .common import resolve_type

COMMON = [
    Flag("output", "string", "o"),
    Flag("dry-run", "string", default="none", no_opt_default="unchanged"),
    Flag("save-config", "bool", default=False),
    Flag("validate", "string", default="strict", no_opt_default="strict"),
    Flag("field-manager", "string", default="kubectl-create"),
    Flag("show-managed-fields", "bool", default=False),
    Flag("template", "string"),
    Flag("allow-missing-template-keys", "bool", default=True),
]


def _klog(ctx: Ctx, e: g.GeneratorError) -> str:
    now = ctx.now()
    import time

    t = time.gmtime(int(now))
    header = f"E{t.tm_mon:02d}{t.tm_mday:02d} {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.000000    1"
    return e.klog_line(header)


def _gen_error(ctx: Ctx, e: g.GeneratorError) -> CommandError:
    return CommandError(_klog(ctx, e) if e.klog else str(e))


def _name(ctx: Ctx, command: str) -> str:
    try:
        return g.require_one_name(ctx.args, command)
    except g.GeneratorError as e:
        raise _gen_error(ctx, e) from None


def _ns(ctx: Ctx) -> str | None:
    return ctx.namespace if ctx.namespace_explicit else None


# ``kubectl create <generator>`` commands that wrap the server's error (create_configmap.go etc.: "failed to create
# configmap: %v"; create_secret.go has no colon); the others print it as ``Error from server``.
_CREATE_FAILED = {
    "ConfigMap": "failed to create configmap: ",
    "Secret": "failed to create secret ",
    "Deployment": "failed to create deployment: ",
    "ServiceAccount": "failed to create serviceaccount: ",
    "Job": "failed to create job: ",
    "ResourceQuota": "failed to create quota: ",
    "PriorityClass": "failed to create priorityclass: ",
    "CronJob": "failed to create cronjob: ",
    "PodDisruptionBudget": "failed to create poddisruptionbudgets: ",
    "RoleBinding": "failed to create rolebinding: ",
    "Ingress": "failed to create ingress: ",
}


def emit_generated(ctx: Ctx, obj: dict[str, Any], verb: str = "created", extra_objs: list[dict[str, Any]] | None = None,
                   wrap_errors: bool = False) -> None:
    """Create (or dry-run) a generated object and print like kubectl: the operation line or ``-o``."""
    output = ctx.flag("output") or ""
    check_format(output, OPERATION_FORMATS)
    mode = dry_run_mode(ctx)
    rt = ctx.cluster.registry.by_gvk(obj["apiVersion"], obj["kind"])
    if rt is None:
        raise CommandError(f'error: resource mapping not found for kind "{obj["kind"]}"')
    if ctx.flag("save-config"):
        from ..apply_patch import annotate_last_applied

        obj = annotate_last_applied(obj)
    if mode == "client":
        result = obj
    else:
        body = dict(obj)
        ns = obj["metadata"].get("namespace") or ctx.namespace if rt.namespaced else None
        try:
            result = ctx.api.create(body, ns, dry_run=mode == "server", rt=rt)
        except StatusError as e:
            from ..main import format_status_error

            prefix = _CREATE_FAILED.get(obj["kind"]) if wrap_errors else None
            if wrap_errors and obj["kind"] == "Service":
                prefix = f"failed to create {(obj.get('spec') or {}).get('type', 'ClusterIP')} service: "
            if prefix is not None:
                raise CommandError(f"error: {prefix}{e.message}") from None
            raise CommandError(format_status_error(e)) from None
    fmt, _ = split_format(output)
    if not output:
        ctx.out(f"{rt.kind_prefix}/{result['metadata']['name']} {verb}{dry_suffix(mode)}\n")
    elif fmt == "name":
        ctx.out(f"{rt.kind_prefix}/{result['metadata']['name']}\n")
    elif fmt == "json" and mode == "client":
        ctx.out(to_json(result, sort_keys=False))
    elif fmt == "yaml":
        ctx.out(to_yaml(result))
    else:
        from ..output import render

        ctx.out(render([result], output, single=True, rt=rt, read_file=ctx.read_path))


def _generator(fn: Callable[[Ctx], dict[str, Any]], verb: str = "created") -> Callable[[Ctx], None]:
    def handler(ctx: Ctx) -> None:
        try:
            with g.using_files(ctx.kubectl.files):
                obj = fn(ctx)
        except g.GeneratorError as e:
            raise _gen_error(ctx, e) from None
        emit_generated(ctx, obj, verb, wrap_errors=True)

    return handler


def _dash(ctx: Ctx) -> list[str]:
    return list(ctx.parsed.after_dash)


# ---- the generators ------------------------------------------------------------------------------

def _namespace(ctx: Ctx) -> dict[str, Any]:
    return g.create_namespace(_name(ctx, "create namespace"))


def _serviceaccount(ctx: Ctx) -> dict[str, Any]:
    return g.create_serviceaccount(_name(ctx, "create serviceaccount"), _ns(ctx))


def _configmap(ctx: Ctx) -> dict[str, Any]:
    return g.create_configmap(_name(ctx, "create configmap"), ctx.flag("from-literal"), ctx.flag("from-file"),
                              ctx.flag("from-env-file"), bool(ctx.flag("append-hash")), ctx.kubectl.cwd, _ns(ctx),
                              ctx.kubectl.env)


def _secret_generic(ctx: Ctx) -> dict[str, Any]:
    return g.create_secret_generic(_name(ctx, "create secret generic"), ctx.flag("from-literal"),
                                   ctx.flag("from-file"), ctx.flag("from-env-file"), ctx.flag("type") or "",
                                   bool(ctx.flag("append-hash")), ctx.kubectl.cwd, _ns(ctx), ctx.kubectl.env)


def _secret_docker(ctx: Ctx) -> dict[str, Any]:
    return g.create_secret_docker_registry(
        _name(ctx, "create secret docker-registry"), ctx.flag("docker-server"), ctx.flag("docker-username"),
        ctx.flag("docker-password"), ctx.flag("docker-email"), ctx.flag("from-file"),
        append_hash=bool(ctx.flag("append-hash")), cwd=ctx.kubectl.cwd, namespace=_ns(ctx))


def _secret_tls(ctx: Ctx) -> dict[str, Any]:
    return g.create_secret_tls(_name(ctx, "create secret tls"), ctx.flag("cert") or "", ctx.flag("key") or "",
                               bool(ctx.flag("append-hash")), ctx.kubectl.cwd, _ns(ctx))


def _deployment(ctx: Ctx) -> dict[str, Any]:
    name = _name(ctx, "create deployment")
    return g.create_deployment(name, ctx.flag("image") or [], ctx.flag("replicas"), ctx.flag("port"),
                               _dash(ctx) or None, _ns(ctx), rand_suffix=lambda: ctx.api.rand_string(5))


def _job(ctx: Ctx) -> dict[str, Any]:
    name = _name(ctx, "create job")
    source = None
    frm = ctx.flag("from")
    if frm:
        t, _, n = frm.partition("/")
        rt = resolve_type(ctx, t)
        if rt.kind != "CronJob":
            raise g.GeneratorError(f"from must be an existing cronjob: unknown object type *v1.{rt.kind}")
        try:
            source = ctx.api.get(rt, n, ctx.namespace)
        except StatusError as e:
            from ..main import format_status_error

            raise CommandError(format_status_error(e)) from None
    return g.create_job(name, ctx.flag("image"), _dash(ctx) or None, source, _ns(ctx))


def _cronjob(ctx: Ctx) -> dict[str, Any]:
    return g.create_cronjob(_name(ctx, "create cronjob"), ctx.flag("image"), ctx.flag("schedule"),
                            ctx.flag("restart") or "OnFailure", _dash(ctx) or None, _ns(ctx))


def _service(kind: str) -> Callable[[Ctx], dict[str, Any]]:
    def build(ctx: Ctx) -> dict[str, Any]:
        return g.create_service(kind, _name(ctx, f"create service {kind}"), ctx.flag("tcp"), ctx.flag("clusterip"),
                                ctx.flag("node-port") if ctx.changed("node-port") else None,
                                ctx.flag("external-name"), _ns(ctx))

    return build


def _ingress(ctx: Ctx) -> dict[str, Any]:
    return g.create_ingress(_name(ctx, "create ingress"), ctx.flag("rule"), ctx.flag("class"),
                            ctx.flag("default-backend"), ctx.flag("annotation"), _ns(ctx))


def _role(ctx: Ctx) -> dict[str, Any]:
    warnings: list[str] = []
    obj = g.create_role(_name(ctx, "create role"), ctx.flag("verb") or [], ctx.flag("resource") or [],
                        ctx.flag("resource-name"), g.registry_resolver(ctx.cluster.registry), _ns(ctx), warnings)
    for w in warnings:
        ctx.err(w + "\n")
    return obj


def _clusterrole(ctx: Ctx) -> dict[str, Any]:
    warnings: list[str] = []
    obj = g.create_clusterrole(_name(ctx, "create clusterrole"), ctx.flag("verb"), ctx.flag("resource"),
                               ctx.flag("resource-name"), ctx.flag("non-resource-url"), ctx.flag("aggregation-rule"),
                               g.registry_resolver(ctx.cluster.registry), warnings)
    for w in warnings:
        ctx.err(w + "\n")
    return obj


def _rolebinding(ctx: Ctx) -> dict[str, Any]:
    return g.create_rolebinding(_name(ctx, "create rolebinding"), ctx.flag("role"), ctx.flag("clusterrole"),
                                ctx.flag("user"), ctx.flag("group"), ctx.flag("serviceaccount"), _ns(ctx))


def _clusterrolebinding(ctx: Ctx) -> dict[str, Any]:
    return g.create_clusterrolebinding(_name(ctx, "create clusterrolebinding"), ctx.flag("clusterrole"),
                                       ctx.flag("user"), ctx.flag("group"), ctx.flag("serviceaccount"))


def _quota(ctx: Ctx) -> dict[str, Any]:
    return g.create_quota(_name(ctx, "create quota"), ctx.flag("hard") or "", ctx.flag("scopes") or "", _ns(ctx))


def _priorityclass(ctx: Ctx) -> dict[str, Any]:
    return g.create_priorityclass(_name(ctx, "create priorityclass"), ctx.flag("value"),
                                  bool(ctx.flag("global-default")), ctx.flag("description") or "",
                                  ctx.flag("preemption-policy") or "PreemptLowerPriority")


def _pdb(ctx: Ctx) -> dict[str, Any]:
    return g.create_poddisruptionbudget(_name(ctx, "create poddisruptionbudget"), ctx.flag("selector") or "",
                                        ctx.flag("min-available") or "", ctx.flag("max-unavailable") or "", _ns(ctx))


def _f(name: str, kind: str = "string", short: str = "", default: Any = None) -> Flag:
    return Flag(name, kind, short, default)


FROM_FLAGS = [_f("from-literal", "stringArray"), _f("from-file", "stringSlice"), _f("from-env-file", "stringArray"),
              _f("append-hash", "bool", default=False)]
SERVICE_FLAGS = [_f("tcp", "stringSlice"), _f("clusterip"), _f("node-port", "int", default=0),
                 _f("external-name")]


def _sub(name: str, fn: Callable[[Ctx], dict[str, Any]], flags: list[Flag], short: str,
         aliases: tuple[str, ...] = ()) -> Command:
    return Command(name, _generator(fn), COMMON + flags, aliases=aliases, short=short)


def create_command() -> Command:
    secret = Command("secret", None, short="Create a secret using a specified subcommand", subcommands={
        "generic": _sub("generic", _secret_generic, FROM_FLAGS + [_f("type")],
                        "Create a secret from a local file, directory, or literal value"),
        "docker-registry": _sub("docker-registry", _secret_docker,
                                [_f("docker-server", default="https://index.docker.io/v1/"), _f("docker-username"),
                                 _f("docker-password"), _f("docker-email"), _f("from-file", "stringSlice"),
                                 _f("append-hash", "bool", default=False)],
                                "Create a secret for use with a Docker registry"),
        "tls": _sub("tls", _secret_tls, [_f("cert"), _f("key"), _f("append-hash", "bool", default=False)],
                    "Create a TLS secret"),
    })
    service = Command("service", None, aliases=("svc",), short="Create a service using a specified subcommand",
                      subcommands={
                          k: _sub(k, _service(k), SERVICE_FLAGS, f"Create a {k} service")
                          for k in ("clusterip", "nodeport", "loadbalancer", "externalname")})
    subs = {
        "namespace": _sub("namespace", _namespace, [], "Create a namespace with the specified name", ("ns",)),
        "serviceaccount": _sub("serviceaccount", _serviceaccount, [],
                               "Create a service account with the specified name", ("sa",)),
        "configmap": _sub("configmap", _configmap, FROM_FLAGS, "Create a config map from a local file, directory "
                          "or literal value", ("cm",)),
        "secret": secret,
        "deployment": _sub("deployment", _deployment,
                           [_f("image", "stringArray"), _f("replicas", "int", "r", 1), _f("port", "int", default=-1)],
                           "Create a deployment with the specified name", ("deploy",)),
        "job": _sub("job", _job, [_f("image"), _f("from")], "Create a job with the specified name"),
        "cronjob": _sub("cronjob", _cronjob, [_f("image"), _f("schedule"), _f("restart")],
                        "Create a cron job with the specified name", ("cj",)),
        "service": service,
        "ingress": _sub("ingress", _ingress, [_f("rule", "stringArray"), _f("class"), _f("default-backend"),
                                               _f("annotation", "stringArray")],
                        "Create an ingress with the specified name", ("ing",)),
        "role": _sub("role", _role, [_f("verb", "stringSlice"), _f("resource", "stringSlice"),
                                     _f("resource-name", "stringArray")], "Create a role with single rule"),
        "clusterrole": _sub("clusterrole", _clusterrole,
                            [_f("verb", "stringSlice"), _f("resource", "stringSlice"),
                             _f("resource-name", "stringArray"), _f("non-resource-url", "stringSlice"),
                             _f("aggregation-rule")], "Create a cluster role"),
        "rolebinding": _sub("rolebinding", _rolebinding,
                            [_f("role"), _f("clusterrole"), _f("user", "stringArray"), _f("group", "stringArray"),
                             _f("serviceaccount", "stringArray")], "Create a role binding for a particular role or "
                                                                   "cluster role"),
        "clusterrolebinding": _sub("clusterrolebinding", _clusterrolebinding,
                                   [_f("clusterrole"), _f("user", "stringArray"), _f("group", "stringArray"),
                                    _f("serviceaccount", "stringArray")],
                                   "Create a cluster role binding for a particular cluster role"),
        "quota": _sub("quota", _quota, [_f("hard"), _f("scopes")], "Create a quota with the specified name",
                      ("resourcequota",)),
        "priorityclass": _sub("priorityclass", _priorityclass,
                              [_f("value", "int", default=0), _f("global-default", "bool", default=False),
                               _f("description"), _f("preemption-policy", default="PreemptLowerPriority")],
                              "Create a priority class with the specified name", ("pc",)),
        "poddisruptionbudget": _sub("poddisruptionbudget", _pdb,
                                    [_f("selector"), _f("min-available"), _f("max-unavailable")],
                                    "Create a pod disruption budget with the specified name", ("pdb",)),
    }
    return Command("create", apply_cmds.cmd_create_from_files, apply_cmds.CREATE_FLAGS,
                   short="Create a resource from a file or from stdin", subcommands=subs)


# ---- run and expose --------------------------------------------------------------------------------

RUN_FLAGS = COMMON + [
    _f("image"), _f("labels", short="l"), _f("env", "stringArray"), _f("port"), _f("restart", default="Always"),
    _f("command", "bool", default=False), _f("annotations", "stringArray"), _f("image-pull-policy"),
    _f("privileged", "bool", default=False), _f("stdin", "bool", "i", default=False),
    _f("tty", "bool", "t", default=False), _f("attach", "bool", default=False), _f("rm", "bool", default=False),
    _f("expose", "bool", default=False), _f("quiet", "bool", "q", default=False), _f("overrides"),
    _f("pod-running-timeout", default="1m0s"), _f("override-type", default="merge"), _f("env-from"),
]


def cmd_run(ctx: Ctx) -> None:
    name = ctx.args[0] if ctx.args else ""
    if len(ctx.args) > 1:
        raise CommandError(f"error: exactly one NAME is required, got {len(ctx.args)}\n"
                           "See 'kubectl run -h' for help and examples")
    mode = dry_run_mode(ctx)
    try:
        pod = g.run_pod(name, ctx.flag("image"), ctx.flag("labels"), ctx.flag("env"), ctx.flag("port"),
                        ctx.flag("restart") or "Always", bool(ctx.flag("command")), _dash(ctx) or None,
                        ctx.flag("annotations"), ctx.flag("image-pull-policy") or "", bool(ctx.flag("privileged")),
                        bool(ctx.flag("stdin")), bool(ctx.flag("tty")),
                        ctx.flag("attach") if ctx.changed("attach") else None, bool(ctx.flag("rm")),
                        bool(ctx.flag("expose")), mode != "none", _ns(ctx))
        svc = g.run_expose_service(pod, ctx.flag("port"), ctx.flag("labels")) if ctx.flag("expose") else None
    except g.GeneratorError as e:
        raise _gen_error(ctx, e) from None
    if ctx.flag("overrides"):
        pod = _apply_overrides(pod, ctx.flag("overrides"), ctx.flag("override-type") or "merge")
    attached = bool(ctx.flag("stdin") or ctx.flag("tty")) if not ctx.changed("attach") else bool(ctx.flag("attach"))
    if attached and mode == "none":
        if (ctx.flag("restart") or "Always") == "Always" and ctx.flag("stdin"):
            raise CommandError("error: interactive `kubectl run -i/-it` needs a terminal attached to a running "
                               "container; create the pod, then use `kubectl exec -it POD -- sh` (or run a "
                               "one-off command with --restart=Never -- COMMAND)")
        _run_attached(ctx, pod)
        return
    output = ctx.flag("output") or ""
    if svc is not None:
        emit_generated(ctx, svc)
        if output and split_format(output)[0] == "yaml":
            ctx.out("---\n---\n")
    emit_generated(ctx, pod)


def _run_attached(ctx: Ctx, pod: dict[str, Any]) -> None:
    """``kubectl run -i/-t/--attach [--rm]``: create the pod, wait for it, show its output, wait for it to end
    (with ``--restart=Never|OnFailure``), delete it with ``--rm``, and exit with the container's exit code."""
    from ...engine.errors import StatusError as _SE
    from ..durations import DurationError, parse_duration
    from ..main import format_status_error
    from .containers import _log_container, _render_logs

    ns = pod["metadata"].get("namespace") or ctx.namespace
    try:
        timeout = parse_duration(ctx.flag("pod-running-timeout") or "1m0s")
    except DurationError:
        raise CommandError(f'error: invalid argument "{ctx.flag("pod-running-timeout")}" for '
                           '"--pod-running-timeout" flag') from None
    try:
        created = ctx.api.create(dict(pod), ns)
    except StatusError as e:
        raise CommandError(format_status_error(e)) from None
    name = created["metadata"]["name"]
    cluster = ctx.cluster
    restart = (created.get("spec") or {}).get("restartPolicy", "Always")

    def phase() -> str:
        p = ctx.api.peek("pods", name, ns)
        return ((p or {}).get("status") or {}).get("phase", "")

    def ready() -> bool:
        p = ctx.api.peek("pods", name, ns) or {}
        conds = (p.get("status") or {}).get("conditions") or []
        return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conds)

    def wait_for(done: Callable[[], bool], seconds: float) -> bool:
        deadline = cluster.now() + seconds
        cluster.settle()
        while not done():
            nd = cluster.clock.next_due()
            if nd is None or nd > deadline:
                cluster.clock.run_until(deadline)
                cluster.settle()
                return done()
            cluster.clock.step()
            cluster.settle()
        return True

    def remove() -> None:
        if not ctx.flag("rm"):
            return
        try:
            ctx.api.delete("pods", name, ns)
        except _SE as e:
            ctx.err(format_status_error(e) + "\n")
            return
        wait_for(lambda: ctx.api.peek("pods", name, ns) is None, 60)
        ctx.out(f'pod "{name}" deleted\n')

    finished = ("Succeeded", "Failed")
    if not wait_for(lambda: phase() in finished or (phase() == "Running" and ready()), timeout):
        remove()
        raise CommandError("error: timed out waiting for the condition")
    live = ctx.api.peek("pods", name, ns) or created
    cname = created["spec"]["containers"][0]["name"]
    if phase() not in finished and not ctx.flag("quiet"):
        ctx.err("If you don't see a command prompt, try pressing enter.\n")
    if restart != "Always":
        wait_for(lambda: phase() in (("Succeeded",) if restart == "OnFailure" else finished), timeout)
    live = ctx.api.peek("pods", name, ns) or live
    try:
        text, _ = _render_logs(ctx, _log_container(ctx, live, cname, False), None, -1, False, "")
    except (CommandError, StatusError):
        text = ""
    ctx.out(text)
    status = live.get("status") or {}
    remove()
    if restart == "Always":
        return
    if status.get("phase") == "Succeeded":
        return
    if status.get("phase") == "Failed":
        css = status.get("containerStatuses") or []
        term = ((css[0].get("state") or {}).get("terminated") if css else None) or {}
        rc = int(term.get("exitCode") or 0)
        if not term or rc == 0:
            raise CommandError(f"error: pod {ns}/{name} failed with unknown exit code")
        raise CommandError(f"pod {ns}/{name} terminated ({term.get('reason', '')})\n{term.get('message', '')}",
                           code=rc)
    raise CommandError(f"error: pod {ns}/{name} left in phase {status.get('phase', '')}")


def _apply_overrides(obj: dict[str, Any], overrides: str, override_type: str) -> dict[str, Any]:
    """Apply ``--overrides`` to a generated object like kubectl's Overrider (merge, strategic or json)."""
    import json

    from ...engine.api.patch import PatchError, json_merge_patch, json_patch, strategic_merge_patch

    if override_type not in ("json", "merge", "strategic"):
        raise CommandError(f"error: --override-type must be one of (json, merge, strategic), was {override_type}")
    try:
        patch = json.loads(overrides)
    except ValueError as e:
        raise CommandError(f"error: {e}") from None
    group, _, version = obj["apiVersion"].rpartition("/")
    try:
        if override_type == "json":
            patched = json_patch(obj, patch)
        elif override_type == "strategic":
            patched = strategic_merge_patch(obj, patch, group, version, obj["kind"])
        else:
            patched = json_merge_patch(obj, patch if isinstance(patch, dict) else {})
    except (PatchError, StatusError) as e:
        raise CommandError(f"error: {e}") from None
    # the patched JSON is decoded back into the typed object: containers always carry ``resources: {}``
    for c in (patched.get("spec") or {}).get("containers") or []:
        if isinstance(c, dict):
            c.setdefault("resources", {})
    return patched


EXPOSE_FLAGS = COMMON + [
    _f("port"), _f("target-port"), _f("type"), _f("name"), _f("protocol"), _f("selector"), _f("labels", short="l"),
    _f("external-ip"), _f("load-balancer-ip"), _f("session-affinity"), _f("cluster-ip"),
    _f("filename", "stringSlice", "f"), _f("recursive", "bool", "R", default=False), _f("override-type", default="merge"),
    _f("overrides"),
]


def cmd_expose(ctx: Ctx) -> None:
    args = ctx.args
    if not args:
        raise CommandError("error: You must provide one or more resources by argument or filename.\nExample resource "
                           "specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   "
                           "'<resource> <name>'\n   '<resource>'")
    if "/" in args[0]:
        t, _, n = args[0].partition("/")
    elif len(args) >= 2:
        t, n = args[0], args[1]
    else:
        raise CommandError("error: resource(s) were provided, but no name was specified")
    rt = resolve_type(ctx, t)
    try:
        target = ctx.api.get(rt, n, ctx.namespace if rt.namespaced else None)
    except StatusError as e:
        from ..main import format_status_error

        raise CommandError(format_status_error(e)) from None
    try:
        svc = g.expose(target, ctx.flag("port"), ctx.flag("target-port"), ctx.flag("type"), ctx.flag("name"),
                       ctx.flag("protocol"), ctx.flag("selector"), ctx.flag("labels"), ctx.flag("external-ip"),
                       ctx.flag("load-balancer-ip"), ctx.flag("session-affinity"), ctx.flag("cluster-ip"), _ns(ctx))
    except g.GeneratorError as e:
        raise _gen_error(ctx, e) from None
    emit_generated(ctx, svc, "exposed")


def run_command() -> Command:
    return Command("run", cmd_run, RUN_FLAGS, short="Run a particular image on the cluster")


def expose_command() -> Command:
    return Command("expose", cmd_expose, EXPOSE_FLAGS,
                   short="Take a replication controller, service, deployment or pod and expose it as a new "
                         "Kubernetes service")


__all__ = ["create_command", "run_command", "expose_command", "emit_generated", "rfc3339", "os"]
