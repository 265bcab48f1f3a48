"""Read-only cluster information: api-resources, api-versions, version, cluster-info, config, explain,
describe and help."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, Any

from ...engine.errors import StatusError
from ...engine.presets import KUBE_VERSION
from ..flags import Flag
from ..main import Ctx, format_status_error
from ..output import check_format, render, split_format
from ..result import CommandError
from ..serialize import to_json, to_yaml
from ..tableprinter import TabWriter
from .common import FILE_FLAGS, load_manifests, mapping_error, resolve_type

if TYPE_CHECKING:
    from ..main import Command

CLIENT_VERSION = KUBE_VERSION
KUSTOMIZE_VERSION = "v5.5.0"


def _help_text(name: str) -> str | None:
    try:
        return (resources.files("k8stutor.kubectl") / "help" / f"{name}.txt").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return None


def root_help() -> str:
    return _help_text("root") or "kubectl controls the Kubernetes cluster manager.\n"


def command_help(cmd: Command, path: list[str]) -> str:
    text = _help_text("-".join(path)) if len(path) > 1 else _help_text(path[0])
    if text:
        return text
    lines = [cmd.short or f"kubectl {' '.join(path)}", ""]
    if cmd.subcommands:
        lines.append("Available Commands:")
        for name in sorted(cmd.subcommands):
            lines.append(f"  {name:<16}{cmd.subcommands[name].short}")
        lines.append("")
    if cmd.flags:
        lines.append("Options:")
        for f in cmd.flags:
            short = f"-{f.short}, " if f.short else ""
            lines.append(f"    {short}--{f.name}:")
            if f.help:
                lines.append(f"\t{f.help}")
            lines.append("")
    lines.append(f"Usage:\n  kubectl {' '.join(path)} [options]\n")
    lines.append("Use \"kubectl options\" for a list of global command-line options (applies to all commands).")
    return "\n".join(lines) + "\n"


# ---- api-resources / api-versions ---------------------------------------------------------------

API_RESOURCES_FLAGS = [
    Flag("output", "string", "o"),
    Flag("namespaced", "bool", default=True),
    Flag("api-group", "string"),
    Flag("verbs", "stringSlice"),
    Flag("sort-by", "string"),
    Flag("no-headers", "bool", default=False),
    Flag("cached", "bool", default=False),
    Flag("categories", "stringSlice"),
]


def cmd_api_resources(ctx: Ctx) -> None:
    output = ctx.flag("output") or ""
    if output not in ("", "wide", "name", "json", "yaml"):
        raise CommandError(f"error: --output {output} is not available")
    registry = ctx.cluster.registry
    rts = []
    for rt in registry:
        if ctx.changed("namespaced") and rt.namespaced != ctx.flag("namespaced"):
            continue
        if ctx.changed("api-group") and rt.group != ctx.flag("api-group"):
            continue
        verbs = ctx.flag("verbs") or []
        if verbs and not all(v in rt.verbs for v in verbs):
            continue
        cats = ctx.flag("categories") or []
        if cats and not all(c in rt.categories for c in cats):
            continue
        rts.append(rt)
    sort_by = ctx.flag("sort-by")
    if sort_by and sort_by not in ("name", "kind"):
        raise CommandError('error: --sort-by accepts only name or kind')
    groups = registry.groups()
    rank = {g: i for i, g in enumerate(sorted(groups, key=lambda g: (g != "", g)))}
    if sort_by == "kind":
        rts.sort(key=lambda r: (r.kind, r.group))
    elif sort_by == "name":
        rts.sort(key=lambda r: (r.plural, r.group))
    else:
        rts.sort(key=lambda r: (rank[r.group], r.plural))
    if output == "name":
        for rt in rts:
            ctx.out(f"{rt.plural}.{rt.group}\n" if rt.group else f"{rt.plural}\n")
        return
    tw = TabWriter()
    if not ctx.flag("no-headers"):
        header = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
        if output == "wide":
            header += ["VERBS", "CATEGORIES"]
        tw.write_line("\t".join(header))
    for rt in rts:
        cells = [rt.plural, ",".join(rt.short_names), rt.api_version, "true" if rt.namespaced else "false", rt.kind]
        if output == "wide":
            cells += ["[" + " ".join(sorted(rt.verbs)) + "]" if rt.verbs else "", ",".join(rt.categories)]
        tw.write_line("\t".join(cells))
    ctx.out(tw.flush())


def cmd_api_versions(ctx: Ctx) -> None:
    versions: set[str] = set()
    for rt in ctx.cluster.registry:
        versions.update(rt.served_api_versions())
    for v in sorted(versions):
        ctx.out(v + "\n")


VERSION_FLAGS = [Flag("client", "bool", default=False), Flag("output", "string", "o")]


def cmd_version(ctx: Ctx) -> None:
    output = ctx.flag("output") or ""
    client = {"major": "1", "minor": "32", "gitVersion": CLIENT_VERSION,
              "gitCommit": "59526cd4867447956156ae3a602fcbac5245c8f6", "gitTreeState": "clean",
              "buildDate": "2025-04-22T16:03:48Z", "goVersion": "go1.23.6", "compiler": "gc",
              "platform": "linux/amd64"}
    server = dict(client)
    data: dict[str, Any] = {"clientVersion": client, "kustomizeVersion": KUSTOMIZE_VERSION}
    if not ctx.flag("client"):
        data["serverVersion"] = server
    if output == "json":
        ctx.out(to_json(data, sort_keys=False))
        return
    if output == "yaml":
        ctx.out(to_yaml(data))
        return
    if output:
        raise CommandError("error: --output must be 'yaml' or 'json'")
    ctx.out(f"Client Version: {CLIENT_VERSION}\nKustomize Version: {KUSTOMIZE_VERSION}\n")
    if not ctx.flag("client"):
        ctx.out(f"Server Version: {KUBE_VERSION}\n")


def _server(ctx: Ctx) -> str:
    cfg = ctx.kubectl.config
    cluster_name = (cfg.contexts.get(cfg.current_context) or {}).get("cluster", "")
    return (cfg.clusters.get(cluster_name) or {}).get("server", "https://192.168.66.10:6443")


def cmd_cluster_info(ctx: Ctx) -> None:
    if ctx.args and ctx.args[0] == "dump":
        raise CommandError("error: cluster-info dump is not available in k8stutor; use `kubectl get all -A -o yaml`")
    server = _server(ctx)
    ctx.out(f"Kubernetes control plane is running at {server}\n")
    for svc in ctx.api.list_objects("services", "kube-system", "kubernetes.io/cluster-service=true"):
        name = svc["metadata"]["labels"].get("kubernetes.io/name", svc["metadata"]["name"])
        port = (svc.get("spec", {}).get("ports") or [{}])[0].get("name", "")
        link = f"{server}/api/v1/namespaces/kube-system/services/{svc['metadata']['name']}" + (
            f":{port}" if port else "") + "/proxy"
        ctx.out(f"{name} is running at {link}\n")
    ctx.out("\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n")


# ---- config ------------------------------------------------------------------------------------

CONFIG_VIEW_FLAGS = [Flag("output", "string", "o", default="yaml"), Flag("minify", "bool", default=False),
                     Flag("raw", "bool", default=False), Flag("flatten", "bool", default=False),
                     Flag("merge", "string", default="true")]


def cmd_config_view(ctx: Ctx) -> None:
    cfg = ctx.kubectl.config
    data = cfg.as_dict(raw=bool(ctx.flag("raw")))
    if ctx.flag("minify"):
        ctxname = cfg.current_context
        c = cfg.contexts.get(ctxname, {})
        data["contexts"] = [x for x in data["contexts"] or [] if x["name"] == ctxname]
        data["clusters"] = [x for x in data["clusters"] or [] if x["name"] == c.get("cluster")]
        data["users"] = [x for x in data["users"] or [] if x["name"] == c.get("user")]
    output = ctx.flag("output") or "yaml"
    if output == "yaml":
        ctx.out(to_yaml(data))
    elif output == "json":
        ctx.out(to_json(data, sort_keys=False))
    else:
        ctx.out(render([data], output, single=True, read_file=ctx.read_path))


def cmd_config_current_context(ctx: Ctx) -> None:
    cfg = ctx.kubectl.config
    if not cfg.current_context:
        raise CommandError("error: current-context is not set")
    ctx.out(cfg.current_context + "\n")


def cmd_config_get_contexts(ctx: Ctx) -> None:
    cfg = ctx.kubectl.config
    names = ctx.args or sorted(cfg.contexts)
    output = ctx.flag("output") or ""
    if output == "name":
        for n in names:
            ctx.out(n + "\n")
        return
    tw = TabWriter()
    if not ctx.flag("no-headers"):
        tw.write_line("CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE")
    errors = []
    for n in names:
        c = cfg.contexts.get(n)
        if c is None:
            errors.append(f'error: context {n} not found')
            continue
        tw.write_line("\t".join(["*" if n == cfg.current_context else "", n, c.get("cluster", ""), c.get("user", ""),
                                 c.get("namespace", "")]))
    ctx.out(tw.flush())
    if errors:
        raise CommandError("\n".join(errors))


def cmd_config_use_context(ctx: Ctx) -> None:
    if len(ctx.args) != 1:
        raise CommandError("error: Unexpected args: " + " ".join(ctx.args) if ctx.args else
                           "error: empty context names are not allowed")
    name = ctx.args[0]
    cfg = ctx.kubectl.config
    if name not in cfg.contexts:
        raise CommandError(f'error: no context exists with the name: "{name}"')
    cfg.current_context = name
    ctx.out(f'Switched to context "{name}".\n')


def cmd_config_set_context(ctx: Ctx) -> None:
    cfg = ctx.kubectl.config
    if ctx.flag("current"):
        if ctx.args:
            raise CommandError("error: you cannot specify a context name and --current")
        name = cfg.current_context
    elif ctx.args:
        name = ctx.args[0]
    else:
        raise CommandError("error: you must specify a non-empty context name or --current")
    existed = name in cfg.contexts
    c = dict(cfg.contexts.get(name, {}))
    for f in ("cluster", "user", "namespace"):
        if ctx.changed(f):
            v = ctx.parsed.flags.get(f)
            if v:
                c[f] = v
            else:
                c.pop(f, None)
    cfg.contexts[name] = c
    ctx.out(f'Context "{name}" {"modified" if existed else "created"}.\n')


def cmd_config_get_clusters(ctx: Ctx) -> None:
    ctx.out("NAME\n" + "".join(n + "\n" for n in sorted(ctx.kubectl.config.clusters)))


def cmd_config_get_users(ctx: Ctx) -> None:
    ctx.out("NAME\n" + "".join(n + "\n" for n in sorted(ctx.kubectl.config.users)))


def cmd_config_rename_context(ctx: Ctx) -> None:
    if len(ctx.args) != 2:
        raise CommandError("error: Unexpected args: " + " ".join(ctx.args))
    old, new = ctx.args
    cfg = ctx.kubectl.config
    if old not in cfg.contexts:
        raise CommandError(f'error: cannot rename the context "{old}", it\'s not in {"the kubeconfig"}')
    if new in cfg.contexts:
        raise CommandError(f'error: cannot rename the context "{old}", the context "{new}" already exists')
    cfg.contexts[new] = cfg.contexts.pop(old)
    if cfg.current_context == old:
        cfg.current_context = new
    ctx.out(f'Context "{old}" renamed to "{new}".\n')


def cmd_config_delete_context(ctx: Ctx) -> None:
    cfg = ctx.kubectl.config
    for n in ctx.args:
        if n not in cfg.contexts:
            raise CommandError(f"error: cannot delete context {n}, not in kubeconfig")
        del cfg.contexts[n]
        ctx.out(f"deleted context {n} from kubeconfig\n")
        if cfg.current_context == n:
            ctx.err("warning: this removed your active context, use \"kubectl config use-context\" to select a "
                    "different one\n")


# ---- explain -----------------------------------------------------------------------------------

EXPLAIN_FLAGS = [Flag("recursive", "bool", default=False), Flag("api-version", "string"),
                 Flag("output", "string", default="plaintext")]


def cmd_explain(ctx: Ctx) -> None:
    from ..explain import explain

    if len(ctx.args) != 1:
        if not ctx.args:
            raise CommandError(
                "You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete "
                "list of supported resources.\n\nerror: Required resource not specified.\nSee 'kubectl explain -h' "
                "for help and examples")
        raise CommandError("error: We accept only this format: explain RESOURCE\nSee 'kubectl explain -h' for help "
                           "and examples")
    out, err, code = explain(ctx.cluster.registry, ctx.args[0], bool(ctx.flag("recursive")), ctx.flag("api-version"))
    ctx.out(out)
    if err:
        ctx.err(err if err.endswith("\n") else err + "\n")
    if code:
        ctx.result.exit_code = code


# ---- describe ----------------------------------------------------------------------------------

DESCRIBE_FLAGS = [Flag("all-namespaces", "bool", "A", default=False), Flag("selector", "string", "l"),
                  Flag("show-events", "bool", default=True), Flag("chunk-size", "int", default=500), *FILE_FLAGS]


def cmd_describe(ctx: Ctx) -> None:
    from ..describe import describe

    all_ns = ctx.flag("all-namespaces")
    ns = None if all_ns else ctx.namespace
    items: list[tuple[Any, dict[str, Any]]] = []
    errors: list[str] = []
    if ctx.flag("filename"):
        for m in load_manifests(ctx, ctx.flag("filename") or [], errors):
            rt = ctx.cluster.registry.by_gvk(m.obj.get("apiVersion", ""), m.obj.get("kind", ""))
            if rt is None:
                errors.append(mapping_error(m.obj, m.source))
                continue
            try:
                items.append((rt, ctx.api.peek_or_raise(rt, m.obj["metadata"]["name"],
                                                        m.obj["metadata"].get("namespace") or ctx.namespace)))
            except StatusError as e:
                errors.append(format_status_error(e))
    else:
        if not ctx.args:
            raise CommandError(
                "You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete "
                "list of supported resources.\n\nerror: Required resource not specified.\nSee 'kubectl describe -h' "
                "for help and examples")
        pairs: list[tuple[Any, str | None]]
        if "/" in ctx.args[0]:
            pairs = []
            for a in ctx.args:
                t, _, n = a.partition("/")
                pairs.append((resolve_type(ctx, t), n))
        else:
            rts = [resolve_type(ctx, t) for t in ctx.args[0].split(",")]
            names = ctx.args[1:]
            pairs = [(rt, n) for rt in rts for n in names] if names else [(rt, None) for rt in rts]
        for rt, name in pairs:
            if name is None:
                objs = ctx.api.list_objects(rt, ns if rt.namespaced else None, ctx.flag("selector"))
                items.extend((rt, o) for o in objs)
                continue
            obj = ctx.api.peek(rt, name, ns if rt.namespaced else None)
            if obj is not None:
                items.append((rt, obj))
                continue
            # kubectl describe falls back to a name-prefix match.
            prefixed = [o for o in ctx.api.list_objects(rt, ns if rt.namespaced else None)
                        if o["metadata"]["name"].startswith(name)]
            if prefixed:
                items.extend((rt, o) for o in prefixed)
            else:
                errors.append(format_status_error(StatusError(404, "NotFound", f'{rt.group_resource} "{name}" not found')))
    texts = [describe(ctx.api, rt, obj, ctx.now()) for rt, obj in items]
    ctx.out("\n\n".join(t.rstrip("\n") + "\n" for t in texts) if texts else "")
    if not items and not errors:
        ctx.err("No resources found in " + (f"{ns} namespace.\n" if ns else "\n") if ns else "No resources found\n")
    if errors:
        ctx.err("".join(e + "\n" for e in errors))
        ctx.result.exit_code = 1


def _unused(*_: Any) -> None:
    check_format("")
    split_format("")


# ---- config writers --------------------------------------------------------------------------------

def _read_embedded(ctx: Ctx, path: str, what: str) -> str:
    import base64

    full = path if path.startswith("/") else f"{ctx.kubectl.cwd.rstrip('/')}/{path}"
    try:
        return base64.b64encode(ctx.kubectl.files.read(full)).decode()
    except OSError:
        raise CommandError(f"error: error reading {what} data from {path}: open {path}: no such file or "
                           "directory") from None


def cmd_config_set_credentials(ctx: Ctx) -> None:
    if len(ctx.args) != 1:
        raise CommandError("error: Unexpected args: " + str(ctx.args) if ctx.args else
                           "error: you must specify a non-empty user name")
    name = ctx.args[0]
    cfg = ctx.kubectl.config
    entry = dict(cfg.users.get(name) or {})
    embed = bool(ctx.flag("embed-certs"))
    for flag, key in (("client-certificate", "client-certificate"), ("client-key", "client-key")):
        path = ctx.parsed.flags.get(flag)
        if path:
            if embed:
                entry.pop(key, None)
                entry[f"{key}-data"] = _read_embedded(ctx, path, key)
            else:
                entry.pop(f"{key}-data", None)
                entry[key] = path if path.startswith("/") else f"{ctx.kubectl.cwd.rstrip('/')}/{path}"
    for flag in ("token", "username", "password"):
        v = ctx.parsed.flags.get(flag)
        if v:
            entry[flag] = v
    cfg.users[name] = entry
    ctx.out(f'User "{name}" set.\n')


def cmd_config_set_cluster(ctx: Ctx) -> None:
    if len(ctx.args) != 1:
        raise CommandError("error: you must specify a non-empty cluster name")
    name = ctx.args[0]
    cfg = ctx.kubectl.config
    entry = dict(cfg.clusters.get(name) or {})
    if ctx.parsed.flags.get("server"):
        entry["server"] = ctx.parsed.flags["server"]
    ca = ctx.parsed.flags.get("certificate-authority")
    if ca:
        if ctx.flag("embed-certs"):
            entry["certificate-authority-data"] = _read_embedded(ctx, ca, "certificate-authority")
        else:
            entry["certificate-authority"] = ca
    if ctx.changed("insecure-skip-tls-verify"):
        entry["insecure-skip-tls-verify"] = bool(ctx.flag("insecure-skip-tls-verify"))
    cfg.clusters[name] = entry
    ctx.out(f'Cluster "{name}" set.\n')


def _config_path(cfg: Any, prop: str) -> tuple[dict[str, Any], str]:
    parts = prop.split(".")
    tables = {"clusters": cfg.clusters, "users": cfg.users, "contexts": cfg.contexts}
    if len(parts) < 3 or parts[0] not in tables:
        if prop == "current-context":
            return {}, "current-context"
        raise CommandError(f"error: invalid property name: {prop}" if False else
                           f'error: unable to locate path {prop}')
    entry = tables[parts[0]].setdefault(parts[1], {})
    for p in parts[2:-1]:
        entry = entry.setdefault(p, {})
    return entry, parts[-1]


def cmd_config_set(ctx: Ctx) -> None:
    if len(ctx.args) != 2:
        raise CommandError("error: Unexpected args: " + str(ctx.args))
    prop, value = ctx.args
    cfg = ctx.kubectl.config
    entry, key = _config_path(cfg, prop)
    if key == "current-context" and not entry:
        cfg.current_context = value
    else:
        entry[key] = value
    ctx.out(f'Property "{prop}" set.\n')


def cmd_config_unset(ctx: Ctx) -> None:
    if len(ctx.args) != 1:
        raise CommandError("error: Unexpected args: " + str(ctx.args))
    prop = ctx.args[0]
    cfg = ctx.kubectl.config
    entry, key = _config_path(cfg, prop)
    if key == "current-context" and not entry:
        cfg.current_context = ""
    elif key in entry:
        del entry[key]
    else:
        raise CommandError(f'error: current map key "{key}" is invalid')
    ctx.out(f'Property "{prop}" unset.\n')


def cmd_config_delete_user(ctx: Ctx) -> None:
    cfg = ctx.kubectl.config
    for n in ctx.args:
        if n not in cfg.users:
            raise CommandError(f'error: cannot delete user {n}, not in kubeconfig')
        del cfg.users[n]
        ctx.out(f"deleted user {n} from kubeconfig\n")


def cmd_config_delete_cluster(ctx: Ctx) -> None:
    cfg = ctx.kubectl.config
    for n in ctx.args:
        if n not in cfg.clusters:
            raise CommandError(f"error: cannot delete cluster {n}, not in kubeconfig")
        del cfg.clusters[n]
        ctx.out(f"deleted cluster {n} from kubeconfig\n")
