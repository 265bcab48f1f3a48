"""helm commands that talk to the cluster or the repositories: install, upgrade, rollback, uninstall, list,
history, status, get, test, repo, search, pull, package, dependency. Mixed into :class:`commands.Helm`."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

from k8stutor.kubectl.flags import Flag, parse
from k8stutor.kubectl.result import Result

from .action import ActionError, Actions, format_app_version, format_chart_name
from .repo import RepoError, lock_digest, package_bytes, uitable
from .storage import go_time_ansic, go_time_string_of, parse_go_time
from .toyaml import to_yaml

__all__ = ["ReleaseCommands"]

_G = [
    Flag("namespace", "string", short="n", default=""),
    Flag("debug", "bool", default=False),
    Flag("kube-context", "string", default=""),
    Flag("kubeconfig", "string", default=""),
    Flag("help", "bool", short="h", default=False),
]
_V = [
    Flag("values", "stringSlice", short="f"),
    Flag("set", "stringArray"),
    Flag("set-string", "stringArray"),
    Flag("set-file", "stringArray"),
    Flag("set-json", "stringArray"),
    Flag("set-literal", "stringArray"),
]
_INSTALL = [
    Flag("generate-name", "bool", short="g", default=False),
    Flag("name-template", "string", default=""),
    Flag("create-namespace", "bool", default=False),
    Flag("dry-run", "string", default="", no_opt_default="client"),
    Flag("wait", "bool", default=False),
    Flag("wait-for-jobs", "bool", default=False),
    Flag("timeout", "duration", default=300.0),
    Flag("atomic", "bool", default=False),
    Flag("no-hooks", "bool", default=False),
    Flag("replace", "bool", default=False),
    Flag("skip-crds", "bool", default=False),
    Flag("description", "string", default=""),
    Flag("version", "string", default=""),
    Flag("devel", "bool", default=False),
    Flag("output", "string", short="o", default="table"),
    Flag("hide-notes", "bool", default=False),
    Flag("render-subchart-notes", "bool", default=False),
    Flag("dependency-update", "bool", default=False),
    Flag("force", "bool", default=False),
    Flag("cleanup-on-fail", "bool", default=False),
    Flag("disable-openapi-validation", "bool", default=False),
    Flag("skip-schema-validation", "bool", default=False),
    Flag("repo", "string", default=""),
]


class _Fail(Exception):
    def __init__(self, message: str, stdout: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.stdout = stdout


def status_text(
    rel: dict[str, Any], debug: bool = False, show_metadata: bool = False, hide_notes: bool = False
) -> str:
    """helm's statusPrinter.WriteTable (install, upgrade, status, test, get all)."""
    info = rel.get("info") or {}
    out = [f"NAME: {rel.get('name', '')}\n"]
    ld = parse_go_time(info.get("last_deployed"))
    if ld is not None:
        out.append(f"LAST DEPLOYED: {go_time_ansic(ld)}\n")
    out.append(f"NAMESPACE: {rel.get('namespace', '')}\n")
    out.append(f"STATUS: {info.get('status', '')}\n")
    out.append(f"REVISION: {rel.get('version', 0)}\n")
    if show_metadata:
        md = (rel.get("chart") or {}).get("metadata") or {}
        out.append(f"CHART: {md.get('name', '')}\nVERSION: {md.get('version', '')}\n")
        out.append(f"APP_VERSION: {md.get('appVersion', '')}\n")
    tests = [h for h in rel.get("hooks") or [] if "test" in (h.get("events") or [])]
    if not tests:
        out.append("TEST SUITE: None\n")
    else:
        for h in tests:
            lr = h.get("last_run") or {}
            started = parse_go_time(lr.get("started_at"))
            if started is None:
                continue
            out.append(
                f"TEST SUITE:     {h.get('name', '')}\nLast Started:   {go_time_ansic(started)}\n"
                f"Last Completed: {go_time_ansic(parse_go_time(lr.get('completed_at')))}\n"
                f"Phase:          {lr.get('phase', '')}\n"
            )
    if debug:
        out.append("USER-SUPPLIED VALUES:\n" + _yaml(rel.get("config")) + "\n")
        out.append("COMPUTED VALUES:\n" + _yaml(_computed(rel)) + "\n")
    if str(info.get("description", "")).lower() == "dry run complete" or debug:
        out.append("HOOKS:\n")
        for h in rel.get("hooks") or []:
            out.append(f"---\n# Source: {h.get('path', '')}\n{h.get('manifest', '')}\n")
        out.append(f"MANIFEST:\n{rel.get('manifest', '')}\n")
    notes = info.get("notes") or ""
    if not hide_notes and notes:
        out.append(f"NOTES:\n{notes.strip()}\n")
    return "".join(out)


def _yaml(v: Any) -> str:
    """sigs.k8s.io/yaml Marshal as helm's output.EncodeYAML writes it (``null`` for nothing)."""
    if not v:
        return "{}\n" if isinstance(v, dict) and v is not None and False else "null\n"
    return to_yaml(v) + "\n"


def _computed(rel: dict[str, Any]) -> dict[str, Any]:
    from .values import merge_maps

    chart_vals = (rel.get("chart") or {}).get("values") or {}
    return merge_maps(dict(chart_vals), rel.get("config") or {})


class ReleaseCommands:
    """The cluster- and repository-facing helm commands (needs ``self.cluster``, ``self.cwd``, ``self.fs``)."""

    cluster: Any
    cwd: str
    fs: Any
    repos: Any
    rng: Any

    # Provided by commands.Helm, the only class that mixes this in: resolve a path against the working
    # directory, load a chart (path, .tgz or repo/name), and collect -f/--set values.
    _path: Callable[[str], str]
    _load: Callable[..., Any]
    _values: Callable[[dict[str, Any]], dict[str, Any]]

    def _actions(self, p: Any) -> Actions:
        if self.cluster is None:
            raise _Fail(
                'Kubernetes cluster unreachable: Get "http://localhost:8080/version": dial tcp '
                "127.0.0.1:8080: connect: connection refused"
            )
        return Actions(self.cluster, p.get("namespace") or "default", self.rng)

    # -- install / upgrade ----------------------------------------------------------------------------------
    def _install(self, argv: list[str], res: Result) -> None:
        p = parse(argv, _G + _V + _INSTALL)
        try:
            res.out(self._do_install(p, p.args))
        except (ActionError, RepoError, _Fail) as e:
            raise _Fail(f"INSTALLATION FAILED: {_msg(e)}") from None

    def _do_install(self, p: Any, args: list[str], replace: bool = False) -> str:
        if p.get("generate-name"):
            if len(args) != 1:
                raise _Fail(
                    f"expected at most two arguments, unexpected arguments: {', '.join(args[1:])}"
                    if len(args) > 1
                    else "must either provide a name or specify --generate-name"
                )
            ref = args[0]
            base = os.path.basename(ref.rstrip("/")) or "chart"
            if base == ".":
                base = "chart"
            base = base.split(".", 1)[0]
            name = f"{base}-{int(self.cluster.api.now()) if self.cluster else 0}"
        elif len(args) == 1:
            raise _Fail("must either provide a name or specify --generate-name")
        elif len(args) == 2:
            name, ref = args
        elif not args:
            raise _Fail(
                '"helm install" requires at least 1 argument\n\nUsage:  helm install [NAME] [CHART] [flags]'
            )
        else:
            raise _Fail(f"expected at most two arguments, unexpected arguments: {', '.join(args[2:])}")
        chart = self._load(ref, p.get("version") or "")
        _check_deps(chart)
        vals = self._values(p.flags)
        acts = self._actions(p)
        dry = p.get("dry-run") or ""
        if dry in ("false",):
            dry = ""
        rel = acts.install(
            name,
            chart,
            vals,
            create_namespace=bool(p.get("create-namespace")),
            dry_run=dry,
            wait=bool(p.get("wait")),
            wait_for_jobs=bool(p.get("wait-for-jobs")),
            timeout=float(p.get("timeout") or 300.0),
            atomic=bool(p.get("atomic")),
            no_hooks=bool(p.get("no-hooks")),
            replace=replace or bool(p.get("replace")),
            skip_crds=bool(p.get("skip-crds")),
            description=p.get("description") or "",
        )
        return _emit(rel, p)

    def _upgrade(self, argv: list[str], res: Result) -> None:
        p = parse(
            argv,
            _G
            + _V
            + _INSTALL
            + [
                Flag("install", "bool", short="i", default=False),
                Flag("reuse-values", "bool", default=False),
                Flag("reset-values", "bool", default=False),
                Flag("reset-then-reuse-values", "bool", default=False),
                Flag("history-max", "int", default=10),
            ],
        )
        if len(p.args) != 2:
            raise _Fail(
                '"helm upgrade" requires 2 arguments\n\nUsage:  helm upgrade [RELEASE] [CHART] [flags]'
            )
        name, ref = p.args
        acts = self._actions(p)
        if p.get("install"):
            try:
                hist = acts.storage.history(name)
            except Exception:  # noqa: BLE001 - ReleaseNotFound
                hist = []
            if not hist or hist[-1]["info"].get("status") == "uninstalled":
                head = f'Release "{name}" does not exist. Installing it now.\n'
                try:
                    res.out(head + self._do_install(p, [name, ref], replace=bool(hist)))
                except (ActionError, RepoError, _Fail) as e:
                    raise _Fail(f"INSTALLATION FAILED: {_msg(e)}", stdout=head) from None
                return
        try:
            chart = self._load(ref, p.get("version") or "")
            _check_deps(chart)
            vals = self._values(p.flags)
            dry = p.get("dry-run") or ""
            rel = acts.upgrade(
                name,
                chart,
                vals,
                reuse_values=bool(p.get("reuse-values")),
                reset_values=bool(p.get("reset-values")),
                reset_then_reuse_values=bool(p.get("reset-then-reuse-values")),
                dry_run="" if dry == "false" else dry,
                wait=bool(p.get("wait")),
                wait_for_jobs=bool(p.get("wait-for-jobs")),
                timeout=float(p.get("timeout") or 300.0),
                atomic=bool(p.get("atomic")),
                no_hooks=bool(p.get("no-hooks")),
                description=p.get("description") or "",
            )
        except (ActionError, RepoError, _Fail) as e:
            raise _Fail(f"UPGRADE FAILED: {_msg(e)}") from None
        res.out(f'Release "{name}" has been upgraded. Happy Helming!\n' + _emit(rel, p))

    # -- rollback / uninstall ---------------------------------------------------------------------------------
    def _rollback(self, argv: list[str], res: Result) -> None:
        p = parse(
            argv,
            _G
            + [
                Flag("wait", "bool", default=False),
                Flag("wait-for-jobs", "bool", default=False),
                Flag("timeout", "duration", default=300.0),
                Flag("no-hooks", "bool", default=False),
                Flag("dry-run", "bool", default=False),
                Flag("force", "bool", default=False),
                Flag("recreate-pods", "bool", default=False),
                Flag("cleanup-on-fail", "bool", default=False),
                Flag("history-max", "int", default=10),
            ],
        )
        if not p.args or len(p.args) > 2:
            raise _Fail(
                '"helm rollback" requires at least 1 argument\n\nUsage:  helm rollback <RELEASE> [REVISION] [flags]'
                if not p.args
                else '"helm rollback" requires at most 2 arguments\n\nUsage:  helm rollback <RELEASE> [REVISION] '
                "[flags]"
            )
        version = 0
        if len(p.args) == 2:
            try:
                version = int(p.args[1])
            except ValueError:
                raise _Fail(
                    f'could not convert revision to a number: strconv.Atoi: parsing "{p.args[1]}": '
                    "invalid syntax"
                ) from None
        acts = self._actions(p)
        try:
            acts.rollback(
                p.args[0],
                version,
                wait=bool(p.get("wait")),
                wait_for_jobs=bool(p.get("wait-for-jobs")),
                timeout=float(p.get("timeout") or 300.0),
                no_hooks=bool(p.get("no-hooks")),
                dry_run=bool(p.get("dry-run")),
            )
        except ActionError as e:
            raise _Fail(str(e)) from None
        res.out("Rollback was a success! Happy Helming!\n")

    def _uninstall(self, argv: list[str], res: Result) -> None:
        p = parse(
            argv,
            _G
            + [
                Flag("keep-history", "bool", default=False),
                Flag("no-hooks", "bool", default=False),
                Flag("wait", "bool", default=False),
                Flag("timeout", "duration", default=300.0),
                Flag("dry-run", "bool", default=False),
                Flag("description", "string", default=""),
                Flag("ignore-not-found", "bool", default=False),
                Flag("cascade", "string", default="background"),
            ],
        )
        if not p.args:
            raise _Fail(
                '"helm uninstall" requires at least 1 argument\n\nUsage:  helm uninstall RELEASE_NAME [...] [flags]'
            )
        acts = self._actions(p)
        for name in p.args:
            try:
                rel, kept = acts.uninstall(
                    name,
                    keep_history=bool(p.get("keep-history")),
                    no_hooks=bool(p.get("no-hooks")),
                    wait=bool(p.get("wait")),
                    timeout=float(p.get("timeout") or 300.0),
                    dry_run=bool(p.get("dry-run")),
                    description=p.get("description") or "",
                    ignore_not_found=bool(p.get("ignore-not-found")),
                )
            except ActionError as e:
                raise _Fail(str(e), stdout=res.stdout) from None
            if kept:
                res.out(kept + "\n")
            if rel is not None or not p.get("ignore-not-found"):
                res.out(f'release "{name}" uninstalled\n')

    # -- list / history / status / get ------------------------------------------------------------------------
    def _list(self, argv: list[str], res: Result) -> None:
        p = parse(
            argv,
            _G
            + [
                Flag("all-namespaces", "bool", short="A", default=False),
                Flag("all", "bool", short="a", default=False),
                Flag("deployed", "bool", default=False),
                Flag("failed", "bool", default=False),
                Flag("pending", "bool", default=False),
                Flag("superseded", "bool", default=False),
                Flag("uninstalled", "bool", default=False),
                Flag("uninstalling", "bool", default=False),
                Flag("short", "bool", short="q", default=False),
                Flag("date", "bool", short="d", default=False),
                Flag("reverse", "bool", short="r", default=False),
                Flag("filter", "string", short="f", default=""),
                Flag("max", "int", short="m", default=256),
                Flag("offset", "int", default=0),
                Flag("no-headers", "bool", default=False),
                Flag("time-format", "string", default=""),
                Flag("output", "string", short="o", default="table"),
                Flag("selector", "string", short="l", default=""),
            ],
        )
        if p.args:
            raise _Fail('"helm list" accepts no arguments\n\nUsage:  helm list [flags]')
        acts = self._actions(p)
        if p.get("all-namespaces"):
            acts.storage.namespace = ""
        if p.get("all"):
            states = None
        else:
            states = set()
            for f, sts in (
                ("deployed", ["deployed"]),
                ("failed", ["failed"]),
                ("pending", ["pending-install", "pending-upgrade", "pending-rollback"]),
                ("superseded", ["superseded"]),
                ("uninstalled", ["uninstalled"]),
                ("uninstalling", ["uninstalling"]),
            ):
                if p.get(f):
                    states.update(sts)
            if not states:
                states = {"deployed", "failed"}
        flt = None
        if p.get("filter"):
            try:
                flt = re.compile(p.get("filter"))
            except re.error as e:
                raise _Fail(f"error parsing regexp: {e}") from None
        rels = [r for r in acts.storage.list_all() if flt is None or flt.search(r.get("name", ""))]
        if states != {"superseded"}:
            latest: dict[tuple[str, str], dict[str, Any]] = {}
            for r in rels:
                k = (r.get("name", ""), r.get("namespace", ""))
                if k not in latest or int(r["version"]) > int(latest[k]["version"]):
                    latest[k] = r
            rels = list(latest.values())
        if states is not None:
            rels = [r for r in rels if r["info"].get("status") in states]
        if p.get("date"):
            rels.sort(key=lambda r: parse_go_time(r["info"].get("last_deployed")) or 0)
        else:
            rels.sort(key=lambda r: r.get("name", ""))
        if p.get("reverse"):
            rels.reverse()
        off = max(0, int(p.get("offset") or 0))
        rels = rels[off:]
        mx = int(p.get("max") or 0)
        if mx > 0:
            rels = rels[:mx]
        if p.get("short"):
            res.out("".join(r.get("name", "") + "\n" for r in rels))
            return
        fmt = p.get("output")
        rows = []
        for r in rels:
            rows.append(
                {
                    "name": r.get("name", ""),
                    "namespace": r.get("namespace", ""),
                    "revision": str(r.get("version")),
                    "updated": go_time_string_of(r["info"].get("last_deployed")) or "-",
                    "status": r["info"].get("status", ""),
                    "chart": format_chart_name(r),
                    "app_version": format_app_version(r),
                }
            )
        if fmt in ("json", "yaml"):
            res.out(_encode(rows, fmt))
            return
        table = (
            []
            if p.get("no-headers")
            else [["NAME", "NAMESPACE", "REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION"]]
        )
        table += [list(x.values()) for x in rows]
        res.out(uitable(table) + "\n")

    def _history(self, argv: list[str], res: Result) -> None:
        p = parse(
            argv, _G + [Flag("max", "int", default=256), Flag("output", "string", short="o", default="table")]
        )
        if len(p.args) != 1:
            raise _Fail('"helm history" requires 1 argument\n\nUsage:  helm history RELEASE_NAME [flags]')
        acts = self._actions(p)
        try:
            hist = acts.history(p.args[0])
        except ActionError as e:
            raise _Fail(str(e)) from None
        mx = int(p.get("max") or 256)
        hist = sorted(hist, key=lambda r: int(r["version"]), reverse=True)[:mx]
        hist.reverse()
        rows = []
        for r in hist:
            ld = parse_go_time(r["info"].get("last_deployed"))
            rows.append(
                {
                    "revision": int(r["version"]),
                    "updated": ld,
                    "status": r["info"].get("status", ""),
                    "chart": format_chart_name(r),
                    "app_version": format_app_version(r),
                    "description": r["info"].get("description", ""),
                }
            )
        if p.get("output") in ("json", "yaml"):
            from .storage import go_time

            res.out(_encode([dict(x, updated=go_time(x["updated"])) for x in rows], p.get("output")))
            return
        table = [["REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION"]]
        for x in rows:
            table.append(
                [
                    str(x["revision"]),
                    go_time_ansic(x["updated"]) if x["updated"] else "",
                    x["status"],
                    x["chart"],
                    x["app_version"],
                    x["description"],
                ]
            )
        res.out(uitable(table, 60) + "\n")

    def _status(self, argv: list[str], res: Result) -> None:
        p = parse(
            argv,
            _G
            + [
                Flag("revision", "int", default=0),
                Flag("output", "string", short="o", default="table"),
                Flag("show-desc", "bool", default=False),
                Flag("show-resources", "bool", default=False),
            ],
        )
        if len(p.args) != 1:
            raise _Fail('"helm status" requires 1 argument\n\nUsage:  helm status RELEASE_NAME [flags]')
        acts = self._actions(p)
        try:
            rel = acts.get(p.args[0], int(p.get("revision") or 0))
        except ActionError as e:
            raise _Fail(str(e)) from None
        text = status_text(rel)
        if p.get("show-desc"):
            text = text.replace(
                f"REVISION: {rel.get('version')}\n",
                f"REVISION: {rel.get('version')}\nDESCRIPTION: {rel['info'].get('description', '')}\n",
                1,
            )
        res.out(text)

    def _get(self, argv: list[str], res: Result) -> None:
        subs = ("all", "hooks", "manifest", "notes", "values", "metadata")
        if not argv or argv[0] not in subs:
            raise _Fail(
                "This command consists of multiple subcommands which can be used to\nget extended information about "
                "the release"
                if not argv
                else f'unknown command "{argv[0]}" for "helm get"'
            )
        sub = argv[0]
        p = parse(
            argv[1:],
            _G
            + [
                Flag("revision", "int", default=0),
                Flag("all", "bool", short="a", default=False),
                Flag("output", "string", short="o", default="table"),
                Flag("template", "string", default=""),
            ],
        )
        if len(p.args) != 1:
            raise _Fail(
                f'"helm get {sub}" requires 1 argument\n\nUsage:  helm get {sub} RELEASE_NAME [flags]'
            )
        acts = self._actions(p)
        try:
            rel = acts.get(p.args[0], int(p.get("revision") or 0))
        except ActionError as e:
            raise _Fail(str(e)) from None
        if sub == "manifest":
            res.out(rel.get("manifest", "") + "\n")
        elif sub == "hooks":
            res.out(
                "".join(
                    f"---\n# Source: {h.get('path', '')}\n{h.get('manifest', '')}\n"
                    for h in rel.get("hooks") or []
                )
            )
        elif sub == "notes":
            notes = rel["info"].get("notes") or ""
            if notes:
                res.out(f"NOTES:\n{notes}\n")
        elif sub == "values":
            vals = _computed(rel) if p.get("all") else rel.get("config")
            if p.get("output") in ("json", "yaml"):
                res.out(_encode(vals or ({} if p.get("all") else None), p.get("output")))
                return
            head = "COMPUTED VALUES:\n" if p.get("all") else "USER-SUPPLIED VALUES:\n"
            res.out(head + _yaml(vals))
        elif sub == "metadata":
            md = (rel.get("chart") or {}).get("metadata") or {}
            res.out(
                f"NAME: {rel.get('name')}\nCHART: {md.get('name', '')}\nVERSION: {md.get('version', '')}\n"
                f"APP_VERSION: {md.get('appVersion', '')}\nNAMESPACE: {rel.get('namespace')}\n"
                f"REVISION: {rel.get('version')}\nSTATUS: {rel['info'].get('status')}\n"
                f"DEPLOYED_AT: {rel['info'].get('last_deployed')}\n"
            )
        else:
            res.out(status_text(rel, debug=True, show_metadata=True))

    def _test(self, argv: list[str], res: Result) -> None:
        p = parse(
            argv,
            _G
            + [
                Flag("timeout", "duration", default=300.0),
                Flag("logs", "bool", default=False),
                Flag("filter", "stringSlice"),
                Flag("hide-notes", "bool", default=False),
            ],
        )
        if len(p.args) != 1:
            raise _Fail('"helm test" requires 1 argument\n\nUsage:  helm test [RELEASE] [flags]')
        acts = self._actions(p)
        filters: dict[str, list[str]] = {}
        for f in p.get("filter") or []:
            k, _, v = f.partition("=")
            filters.setdefault(k.replace(" ", ""), []).append(v)
        try:
            rel = acts.test(p.args[0], float(p.get("timeout") or 300.0), filters)
        except ActionError as e:
            if e.release is None:
                raise _Fail(str(e)) from None
            raise _Fail(str(e), stdout=status_text(e.release, hide_notes=bool(p.get("hide-notes")))) from None
        res.out(status_text(rel, hide_notes=bool(p.get("hide-notes"))))

    # -- repositories -----------------------------------------------------------------------------------------
    def _repo(self, argv: list[str], res: Result) -> None:
        sub = argv[0] if argv else ""
        rest = argv[1:]
        if sub == "add":
            p = parse(
                rest,
                _G
                + [
                    Flag("force-update", "bool", default=False),
                    Flag("username", "string", default=""),
                    Flag("password", "string", default=""),
                    Flag("no-update", "bool", default=False),
                ],
            )
            if len(p.args) != 2:
                raise _Fail(
                    '"helm repo add" requires 2 arguments\n\nUsage:  helm repo add [NAME] [URL] [flags]'
                )
            res.out(self.repos.add(p.args[0], p.args[1], bool(p.get("force-update"))))
        elif sub in ("list", "ls"):
            parse(rest, _G + [Flag("output", "string", short="o", default="table")])
            res.out(self.repos.list_table())
        elif sub in ("update", "up"):
            p = parse(rest, _G + [Flag("fail-on-repo-update-fail", "bool", default=False)])
            res.out(self.repos.update(p.args))
        elif sub in ("remove", "rm"):
            p = parse(rest, _G)
            if not p.args:
                raise _Fail(
                    '"helm repo remove" requires at least 1 argument\n\nUsage:  helm repo remove [REPO1 '
                    "[REPO2 ...]] [flags]"
                )
            res.out(self.repos.remove(p.args))
        elif sub == "index":
            raise _Fail("helm repo index is not available offline in this simulator")
        else:
            raise _Fail(
                "This command consists of multiple subcommands to interact with chart repositories.\n\n"
                "It can be used to add, remove, list, and index chart repositories.\n\n"
                "Usage:\n  helm repo [command]"
                if not sub
                else f'unknown command "{sub}" for "helm repo"'
            )

    def _search(self, argv: list[str], res: Result) -> None:
        if not argv or argv[0] not in ("repo", "hub"):
            raise _Fail(
                "search for a keyword in charts: helm search repo [keyword] | helm search hub [keyword]"
            )
        if argv[0] == "hub":
            raise _Fail(
                "failed to fetch https://hub.helm.sh/api/chartsvc/v1/charts/search: Get "
                '"https://hub.helm.sh/api/chartsvc/v1/charts/search": dial tcp: lookup hub.helm.sh: '
                "no such host"
            )
        p = parse(
            argv[1:],
            _G
            + [
                Flag("versions", "bool", short="l", default=False),
                Flag("regexp", "bool", short="r", default=False),
                Flag("devel", "bool", default=False),
                Flag("version", "string", default=""),
                Flag("max-col-width", "int", default=50),
                Flag("output", "string", short="o", default="table"),
                Flag("fail-on-no-result", "bool", default=False),
            ],
        )
        out = self.repos.search(
            " ".join(p.args),
            bool(p.get("versions")),
            bool(p.get("regexp")),
            bool(p.get("devel")),
            p.get("version") or "",
            int(p.get("max-col-width") or 50),
        )
        if out == "No results found\n" and p.get("fail-on-no-result"):
            raise _Fail("no results found")
        res.out(out)

    def _pull(self, argv: list[str], res: Result) -> None:
        p = parse(
            argv,
            _G
            + [
                Flag("version", "string", default=""),
                Flag("untar", "bool", default=False),
                Flag("untardir", "string", default="."),
                Flag("destination", "string", short="d", default="."),
                Flag("devel", "bool", default=False),
                Flag("repo", "string", default=""),
            ],
        )
        if not p.args:
            raise _Fail(
                '"helm pull" requires at least 1 argument\n\nUsage:  helm pull [chart URL | repo/chartname] '
                "[...] [flags]"
            )
        for ref in p.args:
            if "/" not in ref or ref.startswith((".", "/")):
                raise _Fail(f"non-absolute URLs should be in form of repo_name/path_to_chart, got: {ref}")
            src, entry = self.repos.find(ref, p.get("version") or "", bool(p.get("devel")))
            from .repo import _chart_files

            chart_name = os.path.basename(src)
            data = package_bytes(_chart_files(src), chart_name)
            dest = self._path(p.get("destination") or ".")
            if p.get("untar"):
                import io
                import tarfile

                udir = os.path.join(dest, p.get("untardir") or ".")
                with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tf:
                    for m in tf.getmembers():
                        fh = tf.extractfile(m)
                        if fh is None:
                            continue
                        target = os.path.normpath(os.path.join(udir, m.name))
                        self.fs.makedirs(os.path.dirname(target))
                        self.fs.write(target, fh.read())
            else:
                self.fs.makedirs(dest)
                self.fs.write(os.path.join(dest, f"{chart_name}-{entry.get('version')}.tgz"), data)

    def _package(self, argv: list[str], res: Result) -> None:
        p = parse(
            argv,
            _G
            + [
                Flag("destination", "string", short="d", default="."),
                Flag("version", "string", default=""),
                Flag("app-version", "string", default=""),
                Flag("dependency-update", "bool", short="u", default=False),
            ],
        )
        if not p.args:
            raise _Fail("need at least one argument, the path to the chart")
        from .fs import read_tree

        for ref in p.args:
            path = self._path(ref)
            if not self.fs.exists(path):
                raise _Fail(f"stat {ref}: no such file or directory")
            chart = self._load(ref)
            if p.get("dependency-update"):
                self._dep_update(path, chart, res)
            files = read_tree(self.fs, path)
            version = p.get("version") or chart.metadata.get("version")
            if p.get("version") or p.get("app-version"):
                from .toyaml import load_yaml_raw

                md = load_yaml_raw(dict(files)["Chart.yaml"].decode()) or {}
                if p.get("version"):
                    md["version"] = p.get("version")
                if p.get("app-version"):
                    md["appVersion"] = p.get("app-version")
                files = [(n, (to_yaml(md) + "\n").encode() if n == "Chart.yaml" else d) for n, d in files]
            now = self.cluster.api.now() if self.cluster is not None else 0
            data = package_bytes(files, chart.name, now)
            dest = os.path.normpath(self._path(p.get("destination") or "."))
            self.fs.makedirs(dest)
            out = os.path.join(dest, f"{chart.name}-{version}.tgz")
            self.fs.write(out, data)
            res.out(f"Successfully packaged chart and saved it to: {out}\n")

    # -- dependencies -------------------------------------------------------------------------------------------
    def _dependency(self, argv: list[str], res: Result) -> None:
        sub = argv[0] if argv else ""
        if sub not in ("list", "ls", "update", "up", "build"):
            raise _Fail(
                f'unknown command "{sub}" for "helm dependency"'
                if sub
                else "This command consists of multiple subcommands to manage chart dependencies."
            )
        p = parse(
            argv[1:],
            _G
            + [
                Flag("verify", "bool", default=False),
                Flag("skip-refresh", "bool", default=False),
                Flag("max-col-width", "int", default=80),
            ],
        )
        ref = p.args[0] if p.args else "."
        path = self._path(ref)
        chart = self._load(ref)
        deps = chart.metadata.get("dependencies") or []
        if sub in ("list", "ls"):
            if not deps:
                res.out(f"WARNING: no dependencies at {os.path.join(ref, 'charts')}\n")
                return
            rows = [["NAME", "VERSION", "REPOSITORY", "STATUS"]]
            for d in deps:
                rows.append(
                    [
                        str(d.get("name", "")),
                        str(d.get("version", "")),
                        str(d.get("repository", "")),
                        self._dep_status(path, d),
                    ]
                )
            res.out(uitable(rows, int(p.get("max-col-width") or 80)) + "\n\n")
            return
        if sub in ("update", "up"):
            self._dep_update(path, chart, res, refresh=not p.get("skip-refresh"))
            return
        lock = chart.lock
        if lock is None:
            res.out("")
            self._dep_update(path, chart, res, refresh=not p.get("skip-refresh"))
            return
        if lock.get("digest") != lock_digest(deps, lock.get("dependencies") or []):
            raise _Fail(
                "the lock file (Chart.lock) is out of sync with the dependencies file (Chart.yaml). "
                "Please update the dependencies"
            )
        self._dep_download(path, lock.get("dependencies") or [], res)

    def _dep_status(self, path: str, d: dict[str, Any]) -> str:
        name, version = str(d.get("name", "")), str(d.get("version", ""))
        charts = os.path.join(path, "charts")
        if not self.fs.isdir(charts):
            return "missing"
        for f in self.fs.listdir(charts):
            full = os.path.join(charts, f)
            if f.endswith(".tgz") and f.startswith(name + "-"):
                v = f[len(name) + 1 : -4]
                try:
                    from .repo import _satisfies

                    return (
                        "ok" if (not version or v == version or _satisfies(version, v)) else "wrong version"
                    )
                except Exception:  # noqa: BLE001
                    return "invalid version"
            if f == name and self.fs.isdir(full):
                return "unpacked"
        return "missing"

    def _dep_resolve(self, path: str, deps: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str, str]]:
        out = []
        for d in deps:
            repo_url = str(d.get("repository", ""))
            name, version = str(d.get("name", "")), str(d.get("version", ""))
            if repo_url.startswith("file://"):
                src = os.path.normpath(os.path.join(path, repo_url[len("file://") :]))
                sub = self._load(src)
                out.append(
                    (
                        {"name": name, "repository": repo_url, "version": sub.metadata.get("version")},
                        src,
                        "file",
                    )
                )
            elif not repo_url:
                continue
            else:
                if repo_url.startswith(("@", "alias:")):
                    rname = repo_url.split(":", 1)[1] if repo_url.startswith("alias:") else repo_url[1:]
                    src, entry = self.repos.find(f"{rname}/{name}", version)
                else:
                    src, entry = self.repos.find_by_url(repo_url, name, version)
                out.append(
                    ({"name": name, "repository": repo_url, "version": entry.get("version")}, src, "repo")
                )
        return out

    def _dep_update(self, path: str, chart: Any, res: Result, refresh: bool = True) -> None:
        deps = chart.metadata.get("dependencies") or []
        remote = [d for d in deps if d.get("repository") and not str(d["repository"]).startswith("file://")]
        if remote and refresh:
            for d in remote:
                url = str(d["repository"])
                if not url.startswith(("@", "alias:")) and not any(
                    u.rstrip("/") == url.rstrip("/") for u in self.repos.repos.values()
                ):
                    raise _Fail(
                        f"no repository definition for {url}. Please add the missing repos via 'helm repo add'"
                    )
            res.out(self.repos.update() if self.repos.repos else "")
        resolved = self._dep_resolve(path, deps)
        locked = [x[0] for x in resolved]
        self._dep_download(path, locked, res, resolved)
        from .storage import go_time

        now = self.cluster.api.now() if self.cluster is not None else 0
        lock = {"dependencies": locked, "digest": lock_digest(deps, locked), "generated": go_time(now)}
        self.fs.write(os.path.join(path, "Chart.lock"), (to_yaml(lock) + "\n").encode())

    def _dep_download(
        self,
        path: str,
        locked: list[dict[str, Any]],
        res: Result,
        resolved: list[tuple[dict[str, Any], str, str]] | None = None,
    ) -> None:
        if resolved is None:
            resolved = self._dep_resolve(path, locked)
        res.out(f"Saving {len(resolved)} charts\n")
        charts = os.path.join(path, "charts")
        self.fs.makedirs(charts)
        from .fs import read_tree

        wanted = set()
        for lk, src, how in resolved:
            fname = f"{lk['name']}-{lk['version']}.tgz"
            wanted.add(fname)
            if how == "file":
                res.out(f"Archiving {lk['name']} from repo {lk['repository']}\n")
                files = read_tree(self.fs, src)
            else:
                res.out(f"Downloading {lk['name']} from repo {lk['repository']}\n")
                from .repo import _chart_files

                files = _chart_files(src)
            self.fs.write(os.path.join(charts, fname), package_bytes(files, lk["name"]))
        res.out("Deleting outdated charts\n")


def _msg(e: Exception) -> str:
    return getattr(e, "message", None) or str(e)


def _check_deps(chart: Any) -> None:
    want = [str(d.get("name")) for d in chart.metadata.get("dependencies") or [] if isinstance(d, dict)]
    have = {c.name for c in chart.dependencies}
    missing = [n for n in want if n not in have]
    if missing:
        raise _Fail(
            "An error occurred while checking for chart dependencies. You may need to run `helm dependency build` "
            f"to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: "
            f"{', '.join(missing)}"
        )


def _emit(rel: dict[str, Any], p: Any) -> str:
    fmt = p.get("output") or "table"
    if fmt in ("json", "yaml"):
        return _encode(rel, fmt)
    return status_text(rel, debug=bool(p.get("debug")), hide_notes=bool(p.get("hide-notes")))


def _encode(v: Any, fmt: str) -> str:
    if fmt == "json":
        from .storage import _enc

        return _enc(v) + "\n"
    return to_yaml(v) + "\n"
