"""The ``helm`` command line (client-side commands): template, show, create, lint, version.

``Helm(cluster).run(argv, stdin)`` returns a :class:`k8stutor.kubectl.result.Result` like ``Kubectl.run``;
argv excludes the leading ``helm``. Paths are resolved against ``cwd`` (a real directory).
"""

from __future__ import annotations

import os
import random
import shutil
from typing import Any

from k8stutor.kubectl.flags import Flag, FlagError, parse
from k8stutor.kubectl.result import Result

from .chart import ChartError, load_chart
from .fs import HostFS, VFSAdapter, load_chart_fs
from .release_commands import ReleaseCommands, _Fail
from .render import (
    HELM_GIT_COMMIT,
    HELM_GO_VERSION,
    HELM_VERSION,
    Capabilities,
    Release,
    RenderError,
    render,
    sort_manifests,
)
from .repo import RepoConfig, RepoError
from .toyaml import YAMLParseError, load_yaml
from .values import ValuesError, merge_maps, parse_set, parse_set_file, parse_set_json

__all__ = ["Helm", "collect_values"]

_VALUES_FLAGS = [
    Flag("values", "stringSlice", short="f"),
    Flag("set", "stringArray"),
    Flag("set-string", "stringArray"),
    Flag("set-file", "stringArray"),
    Flag("set-json", "stringArray"),
    Flag("set-literal", "stringArray"),
]
_GLOBAL_FLAGS = [
    Flag("namespace", "string", short="n", default="default"),
    Flag("debug", "bool", default=False),
    Flag("kube-context", "string", default=""),
    Flag("kubeconfig", "string", default=""),
    Flag("help", "bool", short="h", default=False),
]


class _HelmError(_Fail):
    def __init__(self, message: str, debug_hint: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.debug_hint = debug_hint


def collect_values(flags: dict[str, Any], cwd: str, fs: Any = None) -> dict[str, Any]:
    """helm's values.Options.MergeValues: -f files, then --set-json, --set, --set-string, --set-file."""
    base: dict[str, Any] = {}
    fs = fs or HostFS()

    def read(path: str) -> str:
        p = path if os.path.isabs(path) else os.path.join(cwd, path)
        try:
            return bytes(fs.read(p)).decode("utf-8")
        except OSError:
            raise _HelmError(f"open {path}: no such file or directory") from None

    for f in flags.get("values") or []:
        text = read(f)
        try:
            current = load_yaml(text) or {}
        except YAMLParseError as e:
            raise _HelmError(f"failed to parse {f}: error converting YAML to JSON: {e}") from None
        if not isinstance(current, dict):
            raise _HelmError(
                f"failed to parse {f}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                "array into Go value of type map[string]interface {}"
            )
        base = merge_maps(base, current)
    try:
        for v in flags.get("set-json") or []:
            parse_set_json(v, base)
        for v in flags.get("set") or []:
            parse_set(v, base)
        for v in flags.get("set-string") or []:
            parse_set(v, base, as_string=True)
        for v in flags.get("set-file") or []:
            parse_set_file(v, base, read)
        for v in flags.get("set-literal") or []:
            k, _, val = v.partition("=")
            parse_set(k + "=x", base, as_string=True)
            _set_path(base, k, val)
    except ValuesError as e:
        name = "set"
        raise _HelmError(f"failed parsing --{name} data: {e}") from None
    return base


def _set_path(d: dict[str, Any], key: str, val: str) -> None:
    parts = key.split(".")
    cur = d
    for p in parts[:-1]:
        cur = cur.setdefault(p, {})
    cur[parts[-1]] = val


_TILLER_HINT = (
    "hint: this simulator is Helm 3 (v3.17): there is no Tiller and no `helm init`/`helm reset`; the helm "
    "client talks to the API server directly and keeps each release as Secrets in the release namespace "
    "(kubectl get secrets -l owner=helm).\n"
)


class Helm(ReleaseCommands):
    """The helm CLI bound to a simulated cluster (None: client-only, as ``helm template`` needs).

    ``files`` is where chart paths, ``-f`` files and written archives live: None for the real directory tree,
    or a mini-shell VFS (the workstation's overlay). Repositories added with ``helm repo add`` are kept for the
    life of this object.
    """

    def __init__(
        self, cluster: Any = None, cwd: str | None = None, seed: int | None = None, files: Any = None
    ) -> None:
        self.cluster = cluster
        self.cwd = cwd or os.getcwd()
        self.rng = random.Random(seed)
        self.fs: Any = HostFS() if files is None else VFSAdapter(files)
        self.repos = RepoConfig()

    def run(self, argv: list[str], stdin: str = "") -> Result:
        """Run one helm command line (without the leading ``helm``)."""
        res = Result()
        if not argv:
            return res.fail("Error: a subcommand is required")
        cmd, rest = argv[0], argv[1:]
        handler = {
            "template": self._template,
            "show": self._show,
            "inspect": self._show,
            "create": self._create,
            "lint": self._lint,
            "version": self._version,
            "install": self._install,
            "upgrade": self._upgrade,
            "rollback": self._rollback,
            "uninstall": self._uninstall,
            "delete": self._uninstall,
            "del": self._uninstall,
            "un": self._uninstall,
            "list": self._list,
            "ls": self._list,
            "history": self._history,
            "hist": self._history,
            "status": self._status,
            "get": self._get,
            "test": self._test,
            "repo": self._repo,
            "search": self._search,
            "pull": self._pull,
            "fetch": self._pull,
            "package": self._package,
            "dependency": self._dependency,
            "dep": self._dependency,
            "dependencies": self._dependency,
        }.get(cmd)
        if handler is None:
            res.fail(f'Error: unknown command "{cmd}" for "helm"\nRun \'helm --help\' for usage.')
            if cmd in ("init", "reset", "serve", "home") or "tiller" in cmd.lower():
                res.err(_TILLER_HINT)
            return res
        try:
            handler(rest, res)
        except FlagError as e:
            return res.fail(f"Error: {e}")
        except _HelmError as e:
            msg = e.message
            if e.debug_hint:
                msg += "\n\nUse --debug flag to render out invalid YAML"
            return res.fail(f"Error: {msg}")
        except _Fail as e:
            res.stdout = e.stdout or res.stdout
            return res.fail(f"Error: {e.message}")
        except RepoError as e:
            return res.fail(f"Error: {e}")
        return res

    def _path(self, p: str) -> str:
        return p if os.path.isabs(p) else os.path.join(self.cwd, p)

    def _values(self, flags: dict[str, Any]) -> dict[str, Any]:
        try:
            return collect_values(flags, self.cwd, self.fs)
        except _HelmError as e:
            raise _Fail(e.message) from None

    def _load(self, ref: str, version: str = "") -> Any:
        path = self._path(ref)
        if (
            not self.fs.exists(path)
            and "/" in ref
            and not ref.startswith((".", "/"))
            and ref.split("/")[0] in self.repos.repos
        ):
            src, _entry = self.repos.find(ref, version)
            try:
                return load_chart(src)
            except ChartError as e:
                raise _HelmError(str(e)) from None
        if not self.fs.exists(path):
            raise _HelmError(
                f'path "{ref}" not found'
                if ref.startswith((".", "/"))
                else "repo {} not found".format(ref.split("/")[0])
                if "/" in ref
                else f"non-absolute URLs should be in form of repo_name/path_to_chart, got: {ref}"
            )
        try:
            return load_chart_fs(self.fs, path)
        except ChartError as e:
            raise _HelmError(str(e)) from None

    # -- template ---------------------------------------------------------------------------------------------
    def _template(self, argv: list[str], res: Result) -> None:
        flags = (
            _GLOBAL_FLAGS
            + _VALUES_FLAGS
            + [
                Flag("kube-version", "string", default=""),
                Flag("api-versions", "stringSlice", short="a"),
                Flag("show-only", "stringArray", short="s"),
                Flag("include-crds", "bool", default=False),
                Flag("skip-crds", "bool", default=False),
                Flag("skip-tests", "bool", default=False),
                Flag("no-hooks", "bool", default=False),
                Flag("is-upgrade", "bool", default=False),
                Flag("generate-name", "bool", short="g", default=False),
                Flag("name-template", "string", default=""),
                Flag("release-name", "bool", default=False),
                Flag("output-dir", "string", default=""),
                Flag("validate", "bool", default=False),
                Flag("skip-schema-validation", "bool", default=False),
                Flag("version", "string", default=""),
                Flag("dry-run", "string", default="", no_opt_default="client"),
                Flag("timeout", "duration", default=300.0),
                Flag("wait", "bool", default=False),
                Flag("atomic", "bool", default=False),
                Flag("create-namespace", "bool", default=False),
                Flag("dependency-update", "bool", default=False),
                Flag("description", "string", default=""),
                Flag("render-subchart-notes", "bool", default=False),
                Flag("disable-openapi-validation", "bool", default=False),
                Flag("post-renderer", "string", default=""),
                Flag("repo", "string", default=""),
            ]
        )
        p = parse(argv, flags)
        args = p.args
        if p.get("generate-name"):
            if len(args) != 1:
                raise _HelmError('"helm template" requires at most 2 arguments')
            name, ref = f"release-{self.rng.randrange(10**9, 10**10)}", args[0]
        elif len(args) == 1:
            name, ref = "release-name", args[0]
        elif len(args) == 2:
            name, ref = args
        elif not args:
            raise _HelmError(
                '"helm template" requires at least 1 argument\n\nUsage:  helm template [NAME] [CHART] [flags]'
            )
        else:
            raise _HelmError(
                '"helm template" requires at most 2 arguments\n\nUsage:  helm template [NAME] [CHART] [flags]'
            )
        vals = collect_values(p.flags, self.cwd, self.fs)
        chart = self._load(ref, p.get("version") or "")
        if chart.is_library:
            raise _HelmError(
                "validation: chart.metadata.type must be application or library"
                if False
                else "library charts are not installable"
            )
        caps = Capabilities()
        kv = p.get("kube-version")
        if kv:
            from .semver import SemverError, parse_version

            try:
                parse_version(kv)
            except SemverError:
                raise _HelmError(f"invalid kube version '{kv}': Invalid Semantic Version") from None
            caps = Capabilities(kube_version=kv if kv.startswith("v") else "v" + kv)
        extra = p.get("api-versions") or []
        if extra:
            caps = Capabilities(kube_version=caps.kube_version, api_versions=caps.api_versions + tuple(extra))
        rel = Release(
            name=name,
            namespace=p.get("namespace") or "default",
            revision=1,
            is_install=not p.get("is-upgrade"),
            is_upgrade=bool(p.get("is-upgrade")),
        )
        try:
            result = render(
                chart,
                vals,
                rel,
                caps,
                lookup=None,
                rng=self.rng,
                validate_schema=not p.get("skip-schema-validation"),
            )
        except RenderError as e:
            raise _HelmError(str(e), debug_hint=True) from None
        try:
            hooks, manifests = sort_manifests(result.files)
        except RenderError as e:
            raise _HelmError(str(e), debug_hint=True) from None
        parts: list[str] = []
        if p.get("include-crds"):
            for path, data in result.chart.crd_objects() if result.chart else []:
                parts.append("---\n# Source: {}\n{}\n".format(path, data.decode("utf-8", "replace")))
        for m in manifests:
            parts.append(f"---\n# Source: {m.path}\n{m.content}\n")
        out = "".join(parts).strip(" \t\r\n") + "\n"
        if not p.get("no-hooks"):
            for h in hooks:
                if p.get("skip-tests") and ("test" in h.events or "test-success" in h.events):
                    continue
                out += f"---\n# Source: {h.path}\n{h.manifest}\n"
        show_only = p.get("show-only") or []
        if show_only:
            out = self._show_only(out, show_only, result.chart.name if result.chart else "")
        res.out(out)

    def _show_only(self, manifests: str, show: list[str], chart_name: str) -> str:
        import fnmatch
        import re

        split = re.compile(r"(?:^|\n)---\n")
        docs = [d for d in split.split(manifests) if d.strip()]
        picked = []
        missing = []
        for f in show:
            f_path = f.replace("\\", "/")
            found = False
            for d in docs:
                m = re.match(r"# Source: ([^\n]*)", d)
                if not m:
                    continue
                src = m.group(1)
                sub = src.split("/", 1)[1] if "/" in src else src
                if fnmatch.fnmatchcase(sub, f_path) or sub == f_path:
                    picked.append(d)
                    found = True
            if not found:
                missing.append(f)
        if missing:
            raise _HelmError(f"could not find template {missing[0]} in chart")
        return "".join("---\n" + d.rstrip("\n") + "\n" for d in picked)

    # -- show ---------------------------------------------------------------------------------------------
    def _show(self, argv: list[str], res: Result) -> None:
        if not argv or argv[0] not in ("all", "chart", "readme", "values", "crds"):
            raise _HelmError(
                "requires a subcommand: all, chart, crds, readme or values"
                if argv
                else "subcommand is required"
            )
        sub = argv[0]
        p = parse(
            argv[1:],
            _GLOBAL_FLAGS + [Flag("version", "string", default=""), Flag("jsonpath", "string", default="")],
        )
        if len(p.args) != 1:
            raise _HelmError(
                f'"helm show {sub}" requires 1 argument\n\nUsage:  helm show {sub} [CHART] [flags]'
            )
        chart = self._load(p.args[0])
        path = self._path(p.args[0])

        def chart_yaml() -> str:
            from .toyaml import to_yaml

            md = {k: v for k, v in chart.metadata.items() if v not in (None, "", [], {})}
            return to_yaml(md) + "\n"

        def values_text() -> str:
            return chart.raw_values

        def readme() -> str:
            for n, d in chart.files:
                if n.lower() in ("readme.md", "readme.txt", "readme"):
                    return d.decode("utf-8", "replace") + "\n"
            return ""

        def crds() -> str:
            return "".join("---\n" + d.decode("utf-8", "replace") + "\n" for _n, d in chart.crd_objects())

        _ = path
        if sub == "chart":
            res.out(chart_yaml())
        elif sub == "values":
            res.out(values_text())
        elif sub == "readme":
            res.out(readme())
        elif sub == "crds":
            res.out(crds())
        else:
            out = chart_yaml()
            if chart.raw_values:
                out += "---\n" + values_text() + "\n"
            r = readme()
            if r:
                out += "---\n" + r
            c = crds()
            if c:
                out += c
            res.out(out)

    # -- create -----------------------------------------------------------------------------------------
    def _create(self, argv: list[str], res: Result) -> None:
        p = parse(argv, _GLOBAL_FLAGS + [Flag("starter", "string", short="p", default="")])
        if len(p.args) != 1:
            raise _HelmError('"helm create" requires 1 argument\n\nUsage:  helm create NAME [flags]')
        name = p.args[0]
        dest = self._path(name)
        chart_name = os.path.basename(name.rstrip("/"))
        res.out(f"Creating {name}\n")
        starter = os.path.join(os.path.dirname(__file__), "starter")
        os.makedirs(dest, exist_ok=True)
        for root, _dirs, files in os.walk(starter):
            rel = os.path.relpath(root, starter)
            target = os.path.join(dest, rel) if rel != "." else dest
            os.makedirs(target, exist_ok=True)
            for f in files:
                if f.endswith((".pyc",)):
                    continue
                with open(os.path.join(root, f), encoding="utf-8") as fh:
                    text = fh.read()
                text = text.replace("<CHARTNAME>", chart_name)
                with open(os.path.join(target, f), "w", encoding="utf-8") as fh:
                    fh.write(text)
        os.makedirs(os.path.join(dest, "charts"), exist_ok=True)
        _ = shutil

    # -- lint -------------------------------------------------------------------------------------------
    def _lint(self, argv: list[str], res: Result) -> None:
        p = parse(
            argv,
            _GLOBAL_FLAGS
            + _VALUES_FLAGS
            + [
                Flag("strict", "bool", default=False),
                Flag("with-subcharts", "bool", default=False),
                Flag("quiet", "bool", default=False),
                Flag("kube-version", "string", default=""),
            ],
        )
        paths = p.args or ["."]
        failed = 0
        out = []
        for ref in paths:
            msgs: list[str] = []
            errors = 0
            path = self._path(ref)
            try:
                chart = load_chart(path)
            except ChartError as e:
                msgs.append(f"[ERROR] Chart.yaml: {e}")
                errors += 1
                chart = None
            if chart is not None:
                if not chart.metadata.get("icon"):
                    msgs.append("[INFO] Chart.yaml: icon is recommended")
                if chart.metadata.get("apiVersion") not in ("v1", "v2"):
                    msgs.append(
                        '[ERROR] Chart.yaml: apiVersion is required. The value must be either "v1" or "v2"'
                    )
                    errors += 1
                try:
                    vals = collect_values(p.flags, self.cwd)
                    result = render(
                        chart,
                        vals,
                        Release(name="test-release", namespace=p.get("namespace")),
                        Capabilities(),
                        rng=self.rng,
                    )
                    for path_, text in sorted(result.files.items()):
                        try:
                            from .render import split_manifests

                            for doc in split_manifests(text):
                                load_yaml(doc)
                        except YAMLParseError as e:
                            msgs.append(f"[ERROR] templates/: {e}")
                            errors += 1
                            _ = path_
                except (RenderError, _HelmError) as e:
                    msgs.append(f"[ERROR] templates/: {e}")
                    errors += 1
            out.append(f"==> Linting {ref}\n")
            for m in msgs:
                out.append(m + "\n")
            out.append("\n")
            if errors:
                failed += 1
        if failed:
            out.append(f"Error: {len(paths)} chart(s) linted, {failed} chart(s) failed\n")
            res.out("".join(out[:-1]))
            res.fail(out[-1].rstrip("\n"))
            return
        out.append(f"{len(paths)} chart(s) linted, 0 chart(s) failed\n")
        res.out("".join(out))

    # -- version ----------------------------------------------------------------------------------------
    def _version(self, argv: list[str], res: Result) -> None:
        p = parse(
            argv,
            _GLOBAL_FLAGS + [Flag("short", "bool", default=False), Flag("template", "string", default="")],
        )
        if p.get("short"):
            res.out(f"{HELM_VERSION}+g{HELM_GIT_COMMIT[:7]}\n")
            return
        res.out(
            f'version.BuildInfo{{Version:"{HELM_VERSION}", GitCommit:"{HELM_GIT_COMMIT}", GitTreeState:"clean", GoVersion:"{HELM_GO_VERSION}"}}\n'
        )


_ = (ValuesError,)
