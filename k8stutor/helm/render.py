"""Helm's rendering engine (pkg/engine) and manifest sorting (pkg/releaseutil).

The entry point for everything that renders a chart (``helm template`` here, install/upgrade elsewhere)::

    result = render(chart, user_values, release=Release(name="rel", namespace="demo"),
                    capabilities=Capabilities(), lookup=None, rng=random.Random(0))
    result.files      # {"chart/templates/x.yaml": rendered text, ...} (partials excluded, NOTES included)
    result.notes      # the top chart's NOTES.txt rendered ("" when there is none)
    result.values     # the coalesced values the templates saw (what `helm get values --all` shows)
    sort_manifests(result.files) -> (hooks, manifests)   # install order, hooks separate

Errors are :class:`RenderError` whose str() is helm's message (``execution error at (...): ...``,
``parse error at (...): ...``, ``chart requires kubeVersion: ...``).
"""

from __future__ import annotations

import base64
import copy
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .chart import Chart
from .gotemplate import ExecError, FuncError, GoObject, ParseError, Template, new_template, to_str
from .gotemplate.parse import Tree
from .gotemplate.parse import parse as parse_template
from .semver import SemverError, constraint_check
from .sprig import funcs as sprig_funcs
from .sprig import go_json, json_load
from .toyaml import YAMLParseError, load_all_yaml, load_yaml, to_toml, to_yaml
from .values import ValuesError, coalesce_values, process_dependencies

__all__ = [
    "Capabilities",
    "Manifest",
    "Hook",
    "Release",
    "RenderError",
    "RenderResult",
    "render",
    "sort_manifests",
    "INSTALL_ORDER",
    "DEFAULT_API_VERSIONS",
    "HELM_VERSION",
]

HELM_VERSION = "v3.17.2"
HELM_GIT_COMMIT = "cc0bbbd6d6276b83880042c1ecb34087e84d41eb"
HELM_GO_VERSION = "go1.23.7"


class RenderError(Exception):
    """Rendering failed; str() is helm's error message (printed after ``Error: ``)."""


@dataclass
class Release:
    """The ``.Release`` object: name, namespace, revision and install/upgrade flags."""

    name: str = "release-name"
    namespace: str = "default"
    revision: int = 1
    is_install: bool = True
    is_upgrade: bool = False

    def as_values(self) -> dict[str, Any]:
        """The map templates see as ``.Release``."""
        return {
            "Name": self.name,
            "Namespace": self.namespace,
            "IsUpgrade": self.is_upgrade,
            "IsInstall": self.is_install,
            "Revision": self.revision,
            "Service": "Helm",
        }


# client-go v0.32 scheme group versions plus apiextensions (chartutil.DefaultVersionSet), in helm's order
DEFAULT_API_VERSIONS: tuple[str, ...] = (
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "autoscaling/v2beta1",
    "autoscaling/v2beta2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1alpha1",
    "certificates.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1alpha1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1alpha1",
    "rbac.authorization.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "resource.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "scheduling.k8s.io/v1alpha1",
    "scheduling.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storage.k8s.io/v1beta1",
    "storagemigration.k8s.io/v1alpha1",
    "apiextensions.k8s.io/v1",
    "apiextensions.k8s.io/v1beta1",
)


class _KubeVersion(GoObject):
    go_type_name = "chartutil.KubeVersion"

    def __init__(self, version: str) -> None:
        v = version if version.startswith("v") else "v" + version
        self.version = v
        m = re.match(r"v(\d+)\.(\d+)", v)
        self.major = m.group(1) if m else "1"
        self.minor = m.group(2) if m else "32"

    def go_field(self, name: str) -> tuple[bool, Any]:
        if name == "Version":
            return True, self.version
        if name == "Major":
            return True, self.major
        if name == "Minor":
            return True, self.minor
        return False, None

    def go_method(self, name: str) -> Any:
        if name in ("String", "GitVersion"):
            return lambda: self.version
        return None

    def go_string(self) -> str:
        return self.version

    def go_json(self) -> Any:
        return {"Version": self.version, "Major": self.major, "Minor": self.minor}


class _VersionSet(list, GoObject):  # type: ignore[type-arg]
    go_type_name = "chartutil.VersionSet"

    def go_method(self, name: str) -> Any:
        if name == "Has":
            return lambda v: v in self
        return None


class _HelmVersion(GoObject):
    go_type_name = "chartutil.HelmVersion"

    def go_field(self, name: str) -> tuple[bool, Any]:
        table = {
            "Version": HELM_VERSION,
            "GitCommit": HELM_GIT_COMMIT,
            "GitTreeState": "clean",
            "GoVersion": HELM_GO_VERSION,
        }
        if name in table:
            return True, table[name]
        return False, None

    def go_string(self) -> str:
        return f"{{{HELM_VERSION} {HELM_GIT_COMMIT} clean {HELM_GO_VERSION}}}"


@dataclass
class Capabilities(GoObject):
    """``.Capabilities``: the Kubernetes version and API versions a chart renders against."""

    kube_version: str = "v1.32.0"
    api_versions: tuple[str, ...] = DEFAULT_API_VERSIONS
    go_type_name = "*chartutil.Capabilities"

    def go_field(self, name: str) -> tuple[bool, Any]:
        if name == "KubeVersion":
            return True, _KubeVersion(self.kube_version)
        if name == "APIVersions":
            return True, _VersionSet(self.api_versions)
        if name == "HelmVersion":
            return True, _HelmVersion()
        return False, None

    def go_string(self) -> str:
        return f"&{{{self.api_versions} {self.kube_version} {HELM_VERSION}}}"

    @property
    def kube_version_str(self) -> str:
        """``v1.32.0`` form."""
        return _KubeVersion(self.kube_version).version


_META_FIELDS = {
    "Name": ("name", ""),
    "Home": ("home", ""),
    "Sources": ("sources", None),
    "Version": ("version", ""),
    "Description": ("description", ""),
    "Keywords": ("keywords", None),
    "Maintainers": ("maintainers", None),
    "Icon": ("icon", ""),
    "APIVersion": ("apiVersion", ""),
    "Condition": ("condition", ""),
    "Tags": ("tags", ""),
    "AppVersion": ("appVersion", ""),
    "Deprecated": ("deprecated", False),
    "Annotations": ("annotations", None),
    "KubeVersion": ("kubeVersion", ""),
    "Dependencies": ("dependencies", None),
    "Type": ("type", ""),
}


class _ChartMeta(GoObject):
    go_type_name = "*chart.Metadata"

    def __init__(self, md: dict[str, Any], is_root: bool = True) -> None:
        self.md = md
        self.is_root = is_root

    def go_field(self, name: str) -> tuple[bool, Any]:
        if name == "IsRoot":
            return True, self.is_root
        f = _META_FIELDS.get(name)
        if f is None:
            return False, None
        v = self.md.get(f[0])
        if v is None:
            return True, f[1]
        if name in ("Version", "AppVersion", "KubeVersion", "Name") and not isinstance(v, str):
            v = to_str(v)
        return True, v

    def go_string(self) -> str:
        return "&{{{}}}".format(" ".join(to_str(self.go_field(k)[1]) for k in _META_FIELDS))

    def go_json(self) -> Any:
        return {k: v for k, v in self.md.items()}


def _glob_to_re(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i):
                out.append(".*")
                i += 2
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i)
            if j < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : j]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body + "]")
                i = j
        elif c == "{":
            j = pattern.find("}", i)
            if j < 0:
                out.append(re.escape(c))
            else:
                alts = pattern[i + 1 : j].split(",")
                out.append("(?:" + "|".join(re.escape(a) for a in alts) + ")")
                i = j
        elif c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 1
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("^" + "".join(out) + "$")


class Files(dict, GoObject):  # type: ignore[type-arg]
    """``.Files``: a chart's non-template files (map of path to bytes) with helm's accessor methods."""

    go_type_name = "engine.files"

    def go_method(self, name: str) -> Any:
        return {
            "Get": self.get_str,
            "GetBytes": lambda n: self.get(n, b""),
            "Glob": self.glob,
            "Lines": self.lines,
            "AsConfig": self.as_config,
            "AsSecrets": self.as_secrets,
        }.get(name)

    def get_str(self, name: Any) -> str:
        """Files.Get: the file's text, or "" when absent."""
        v = self.get(name)
        return v.decode("utf-8", "replace") if isinstance(v, bytes) else ""

    def glob(self, pattern: Any) -> Files:
        """Files.Glob: the files matching a gobwas glob (``**`` crosses directories)."""
        rx = _glob_to_re(to_str(pattern))
        return Files({k: v for k, v in self.items() if rx.match(k)})

    def lines(self, name: Any) -> list[str]:
        """Files.Lines: the file split on newlines."""
        v = self.get(name)
        if v is None:
            return []
        return v.decode("utf-8", "replace").split("\n")

    def as_config(self) -> str:
        """Files.AsConfig: YAML map of base names to contents."""
        return to_yaml({k.rsplit("/", 1)[-1]: v.decode("utf-8", "replace") for k, v in self.items()})

    def as_secrets(self) -> str:
        """Files.AsSecrets: YAML map of base names to base64 contents."""
        return to_yaml({k.rsplit("/", 1)[-1]: base64.b64encode(v).decode() for k, v in self.items()})

    def go_string(self) -> str:
        return "map[" + " ".join(f"{k}:{list(self[k])}" for k in sorted(self)) + "]"


# ---------------------------------------------------------------------------------------------------------
# the engine
# ---------------------------------------------------------------------------------------------------------

_WARN = re.compile(r"HELM_ERR_START(.*)HELM_ERR_END")
_PARSE_CACHE: dict[tuple[str, str], dict[str, Tree]] = {}
_PARSE_CACHE_MAX = 4096


@dataclass
class _Renderable:
    text: str
    vals: dict[str, Any]
    base_path: str


@dataclass
class RenderResult:
    """Rendered files by path (partials excluded), the top chart's notes and the values used."""

    files: dict[str, str] = field(default_factory=dict)
    notes: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    chart: Chart | None = None


def _warn_wrap(msg: str) -> str:
    return "HELM_ERR_START" + msg + "HELM_ERR_END"


def _sort_templates(keys: list[str]) -> list[str]:
    return sorted(keys, key=lambda k: (k.count("/"), k), reverse=True)


def _cleanup_parse_error(filename: str, err: str) -> str:
    tokens = err.split(": ")
    if len(tokens) == 1:
        return f"parse error in ({filename}): {err}"
    return f"parse error at ({tokens[1]}): {tokens[-1]}"


def _cleanup_exec_error(filename: str, err: ExecError) -> str:
    tokens = err.message.split(": ", 2)
    if len(tokens) != 3:
        return f"execution error in ({filename}): {err.message}"
    m = _WARN.search(tokens[2])
    if m:
        return f"execution error at ({tokens[1]}): {m.group(1)}"
    return err.message


class _Engine:
    def __init__(self, rng: random.Random, lookup: Callable[..., Any] | None) -> None:
        self.rng = rng
        self.lookup = lookup
        self.base_funcs = sprig_funcs(rng)
        self.base_funcs.pop("env", None)
        self.base_funcs.pop("expandenv", None)
        self.base_funcs.update(
            {
                "toToml": to_toml,
                "fromToml": lambda s: {"Error": "toml decoding is not supported"},
                "toYaml": to_yaml,
                "mustToYaml": to_yaml,
                "toYamlPretty": to_yaml,
                "fromYaml": _from_yaml,
                "fromYamlArray": _from_yaml_array,
                "toJson": lambda v: _safe_json(v),
                "fromJson": _from_json,
                "fromJsonArray": _from_json_array,
                "required": _required,
                "fail": _fail,
                "lookup": self._lookup,
                "include": lambda name, data: "not implemented",
                "tpl": lambda t, v: "not implemented",
            }
        )

    def _lookup(self, api_version: Any, kind: Any, namespace: Any, name: Any) -> Any:
        if self.lookup is None:
            return {}
        return self.lookup(to_str(api_version), to_str(kind), to_str(namespace), to_str(name))

    def new_set(self, references: dict[str, _Renderable]) -> Template:
        t = new_template(self.base_funcs)
        included: dict[str, int] = {}

        def include(name: Any, data: Any) -> str:
            name = to_str(name)
            n = included.get(name, 0)
            if n > 1000:
                raise FuncError(
                    f"rendering template has a nested reference name: {name}: unable to execute template"
                )
            included[name] = n + 1
            try:
                return t.execute(name, data)
            finally:
                included[name] -= 1

        def tpl(text: Any, vals: Any) -> str:
            text = to_str(text)
            tmpl = vals.get("Template") if isinstance(vals, dict) else None
            if not isinstance(tmpl, dict):
                raise FuncError(f"cannot retrieve Template.Basepath from values inside tpl function: {text}")
            name = to_str(tmpl.get("Name"))
            base = to_str(tmpl.get("BasePath"))
            try:
                out = self.render_with_references(
                    {name: _Renderable(text, vals, base)}, references, base_set=t
                )
            except RenderError as e:
                raise FuncError(f"error during tpl function execution for {_goq(text)}: {e}") from None
            return out[name]

        t.add_func("include", include)
        t.add_func("tpl", tpl)
        return t

    def render_with_references(
        self,
        tpls: dict[str, _Renderable],
        references: dict[str, _Renderable],
        base_set: Template | None = None,
    ) -> dict[str, str]:
        if base_set is not None:
            t = self.new_set(references)
            t.trees = dict(base_set.trees)
            for name, r in tpls.items():
                try:
                    trees = _parse_cached(name, r.text, t.funcs)
                    t.add_trees(trees)
                    t.trees[name] = trees[name]  # the tpl text is this name in a fresh set, even if empty
                except ParseError as e:
                    raise RenderError(_cleanup_parse_error(name, str(e))) from None
        else:
            t = self.new_set(references)
            for name in _sort_templates(list(tpls)):
                try:
                    t.add_trees(_parse_cached(name, tpls[name].text, t.funcs))
                except ParseError as e:
                    raise RenderError(_cleanup_parse_error(name, str(e))) from None
        out: dict[str, str] = {}
        for name in _sort_templates(list(tpls)):
            if name.rsplit("/", 1)[-1].startswith("_"):
                continue
            r = tpls[name]
            r.vals["Template"] = {"Name": name, "BasePath": r.base_path}
            try:
                text = t.execute(name, r.vals)
            except ExecError as e:
                raise RenderError(_cleanup_exec_error(name, e)) from None
            out[name] = text.replace("<no value>", "")
        return out


def _goq(s: str) -> str:
    from .gotemplate import go_quote

    return go_quote(s)


def _parse_cached(name: str, text: str, funcs: Any) -> dict[str, Tree]:
    key = (name, text)
    trees = _PARSE_CACHE.get(key)
    if trees is None:
        trees = parse_template(name, text, funcs)
        if len(_PARSE_CACHE) >= _PARSE_CACHE_MAX:
            _PARSE_CACHE.clear()
        _PARSE_CACHE[key] = trees
    return trees


def _parse_uncached(name: str, text: str, funcs: Any) -> dict[str, Tree]:
    return parse_template(name, text, funcs)


def _required(warn: Any, val: Any) -> Any:
    if val is None or (isinstance(val, str) and val == ""):
        raise FuncError(_warn_wrap(to_str(warn)))
    return val


def _fail(msg: Any) -> str:
    raise FuncError(_warn_wrap(to_str(msg)))


def _safe_json(v: Any) -> str:
    try:
        return go_json(v)
    except (TypeError, ValueError):
        return ""


def _from_yaml(s: Any) -> Any:
    try:
        v = load_yaml(to_str(s))
    except YAMLParseError as e:
        return {"Error": f"error converting YAML to JSON: {e}"}
    if v is None:
        return {}
    if not isinstance(v, dict):
        return {
            "Error": "error unmarshaling JSON: json: cannot unmarshal %s into Go value of type map[string]interface {}"
            % ("array" if isinstance(v, list) else "string" if isinstance(v, str) else "number")
        }
    return v


def _from_yaml_array(s: Any) -> Any:
    try:
        v = load_yaml(to_str(s))
    except YAMLParseError as e:
        return [f"error converting YAML to JSON: {e}"]
    return v if isinstance(v, list) else ([] if v is None else ["error unmarshaling JSON: not an array"])


def _from_json(s: Any) -> Any:
    try:
        v = json_load(to_str(s))
    except ValueError as e:
        return {"Error": str(e)}
    return (
        v
        if isinstance(v, dict)
        else {"Error": "json: cannot unmarshal into Go value of type map[string]interface {}"}
    )


def _from_json_array(s: Any) -> Any:
    try:
        v = json_load(to_str(s))
    except ValueError as e:
        return [str(e)]
    return v if isinstance(v, list) else ["json: cannot unmarshal into Go value of type []interface {}"]


def _copy_tree(c: Chart, parent: Chart | None = None) -> Chart:
    n = copy.copy(c)
    n.metadata = copy.deepcopy(c.metadata)
    n.parent = parent
    n.dependencies = [_copy_tree(d, n) for d in c.dependencies]
    return n


def _all_templates(c: Chart, out: dict[str, _Renderable], parent_vals: dict[str, Any]) -> dict[str, Any]:
    subcharts: dict[str, Any] = {}
    nxt: dict[str, Any] = {
        "Chart": _ChartMeta(c.metadata, c.is_root()),
        "Files": Files(dict(c.files)),
        "Release": parent_vals["Release"],
        "Capabilities": parent_vals["Capabilities"],
        "Values": {},
        "Subcharts": subcharts,
    }
    if c.is_root():
        nxt["Values"] = parent_vals["Values"]
    else:
        pv = parent_vals.get("Values")
        sub = pv.get(c.name) if isinstance(pv, dict) else None
        if isinstance(sub, dict):
            nxt["Values"] = sub
    for d in c.dependencies:
        subcharts[d.name] = _all_templates(d, out, nxt)
    prefix = c.full_path()
    for name, text in c.templates:
        if c.is_library and not name.rsplit("/", 1)[-1].startswith("_"):
            continue
        out[prefix + "/" + name] = _Renderable(text, nxt, prefix + "/templates")
    return nxt


def _validate_schemas(c: Chart, vals: dict[str, Any]) -> str:
    out = []
    if c.schema:
        try:
            import json

            import jsonschema

            schema = json.loads(c.schema.decode("utf-8", "replace"))
            validator = jsonschema.Draft7Validator(schema)
            errs = sorted(
                validator.iter_errors(_jsonable_for_schema(vals)), key=lambda e: list(e.absolute_path)
            )
            if errs:
                out.append(f"{c.name}:\n")
                for e in errs:
                    path = ".".join(str(p) for p in e.absolute_path) or "(root)"
                    out.append(f"- {path}: {e.message}\n")
        except (ValueError, ImportError):
            pass
    for d in c.dependencies:
        sub = vals.get(d.name)
        out.append(_validate_schemas(d, sub if isinstance(sub, dict) else {}))
    return "".join(out)


def _jsonable_for_schema(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, dict):
        return {k: _jsonable_for_schema(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_jsonable_for_schema(x) for x in v]
    return v


def render(
    chart: Chart,
    values: dict[str, Any] | None = None,
    release: Release | None = None,
    capabilities: Capabilities | None = None,
    lookup: Callable[[str, str, str, str], Any] | None = None,
    rng: random.Random | None = None,
    validate_schema: bool = True,
    sub_notes: bool = False,
) -> RenderResult:
    """Render a chart like helm install/template: dependencies, coalesced values, every template, NOTES.

    ``values`` are the user-supplied values (``-f``/``--set`` already merged); ``lookup(apiVersion, kind,
    namespace, name)`` backs the ``lookup`` function (None: an empty map, as in ``helm template``).
    """
    release = release or Release()
    caps = capabilities or Capabilities()
    rng = rng or random.Random()
    c = _copy_tree(chart)
    kv = c.metadata.get("kubeVersion")
    if kv:
        try:
            ok = constraint_check(str(kv), caps.kube_version_str)
        except SemverError:
            ok = False
        if not ok:
            raise RenderError(
                f"chart requires kubeVersion: {kv} which is incompatible with Kubernetes {caps.kube_version_str}"
            )
    try:
        process_dependencies(c, copy.deepcopy(values or {}))
        vals = coalesce_values(c, values or {})
    except ValuesError as e:
        raise RenderError(str(e)) from None
    if validate_schema:
        problems = _validate_schemas(c, vals)
        if problems:
            raise RenderError(
                "values don't meet the specifications of the schema(s) in the following chart(s):\n"
                + problems
            )
    top = {
        "Values": vals,
        "Release": release.as_values(),
        "Capabilities": caps,
        "Chart": _ChartMeta(c.metadata),
    }
    tpls: dict[str, _Renderable] = {}
    _all_templates(c, tpls, top)
    engine = _Engine(rng, lookup)
    try:
        files = engine.render_with_references(tpls, tpls)
    except RecursionError:
        raise RenderError("rendering template failed: runtime error: stack overflow") from None
    notes_parts = []
    out: dict[str, str] = {}
    top_notes = c.name + "/templates/NOTES.txt"
    for k in sorted(files):
        if k.endswith("NOTES.txt"):
            if sub_notes or k == top_notes:
                notes_parts.append(files[k])
            continue
        out[k] = files[k]
    return RenderResult(files=out, notes="\n".join(notes_parts), values=vals, chart=c)


# ---------------------------------------------------------------------------------------------------------
# manifest sorting (releaseutil)
# ---------------------------------------------------------------------------------------------------------

INSTALL_ORDER: tuple[str, ...] = (
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
)
_ORDER = {k: i for i, k in enumerate(INSTALL_ORDER)}
_SEP = re.compile(r"(?:^|\s*\n)---\s*")
_HOOK_EVENTS = {
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
}


@dataclass
class Manifest:
    """One rendered document: the file it came from, its text and head (kind, metadata)."""

    path: str
    content: str
    kind: str = ""
    name: str = ""
    annotations: dict[str, Any] = field(default_factory=dict)


@dataclass
class Hook:
    """A hook document: events, weight and delete policies from its annotations."""

    name: str
    kind: str
    path: str
    manifest: str
    events: list[str]
    weight: int
    delete_policies: list[str]


def split_manifests(text: str) -> list[str]:
    """releaseutil.SplitManifests: trimmed, non-empty documents in order."""
    docs = _SEP.split(text.strip(" \t\r\n"))
    return [d.strip(" \t\r\n") for d in docs if d != "" and d.strip(" \t\r\n") != ""] if docs else []


def _kind_less(a: str, b: str) -> bool:
    ia, ib = _ORDER.get(a), _ORDER.get(b)
    if ia is None and ib is None:
        return a < b
    if ia is None:
        return False
    if ib is None:
        return True
    return ia < ib


def _sort_by_kind(items: list[Any]) -> list[Any]:
    import functools

    def cmp(x: Any, y: Any) -> int:
        if _kind_less(x.kind, y.kind):
            return -1
        if _kind_less(y.kind, x.kind):
            return 1
        return 0

    return sorted(items, key=functools.cmp_to_key(cmp))


def sort_manifests(files: dict[str, str]) -> tuple[list[Hook], list[Manifest]]:
    """releaseutil.SortManifests with InstallOrder: (hooks, manifests), both sorted by kind then path."""
    hooks: list[Hook] = []
    generic: list[Manifest] = []
    for path in sorted(files):
        if path.rsplit("/", 1)[-1].startswith("_"):
            continue
        content = files[path]
        if not content.strip(" \t\r\n"):
            continue
        for doc in split_manifests(content):
            try:
                head = load_yaml(doc)
            except YAMLParseError as e:
                raise RenderError(f"YAML parse error on {path}: error converting YAML to JSON: {e}") from None
            if not isinstance(head, dict):
                head = {}
            kind = str(head["kind"]) if isinstance(head.get("kind"), str) else ""
            md: dict[str, Any] = head["metadata"] if isinstance(head.get("metadata"), dict) else {}
            name = str(md["name"]) if isinstance(md.get("name"), str) else ""
            ann: dict[str, Any] = md["annotations"] if isinstance(md.get("annotations"), dict) else {}
            hook_types = ann.get("helm.sh/hook")
            if not ann or hook_types is None:
                generic.append(Manifest(path, doc, kind, name, ann))
                continue
            events = []
            unknown = False
            for ht in str(hook_types).split(","):
                ht = ht.strip().lower()
                if ht not in _HOOK_EVENTS:
                    unknown = True
                    break
                events.append(ht)
            if unknown:
                continue
            try:
                weight = int(str(ann.get("helm.sh/hook-weight", "0")).strip() or "0")
            except ValueError:
                weight = 0
            policies = [
                p.strip() for p in str(ann.get("helm.sh/hook-delete-policy", "")).split(",") if p.strip()
            ]
            hooks.append(Hook(name, kind, path, doc, events, weight, policies))
    return _sort_by_kind(hooks), _sort_by_kind(generic)


_ = (to_yaml, load_all_yaml)
