"""Loading Helm charts (directories and .tgz archives) the way helm's chart loader does.

A :class:`Chart` holds its metadata (Chart.yaml as a dict), default values, schema, templates, other files
and its subcharts (``charts/`` directories and archives). ``.helmignore`` rules apply to directories.
"""

from __future__ import annotations

import fnmatch
import io
import os
import tarfile
from dataclasses import dataclass, field
from typing import Any

from .toyaml import YAMLParseError, load_yaml, load_yaml_raw

__all__ = ["Chart", "ChartError", "load_chart", "load_chart_files"]


class ChartError(ValueError):
    """A chart could not be loaded; str() is helm's message (without ``Error: ``)."""


@dataclass
class Chart:
    """A loaded chart: metadata, values, templates, files and subcharts (parent set on subcharts)."""

    metadata: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    raw_values: str = ""
    schema: bytes | None = None
    templates: list[tuple[str, str]] = field(default_factory=list)
    files: list[tuple[str, bytes]] = field(default_factory=list)
    dependencies: list[Chart] = field(default_factory=list)
    parent: Chart | None = None
    lock: dict[str, Any] | None = None
    crds: list[tuple[str, bytes]] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The chart name from Chart.yaml."""
        return str(self.metadata.get("name", ""))

    @property
    def is_library(self) -> bool:
        """Whether Chart.yaml says ``type: library``."""
        return self.metadata.get("type") == "library"

    def is_root(self) -> bool:
        """Whether this is the top-level chart."""
        return self.parent is None

    def full_path(self) -> str:
        """helm's ChartFullPath: ``parent/charts/child``."""
        if self.parent is None:
            return self.name
        return self.parent.full_path() + "/charts/" + self.name

    def crd_objects(self) -> list[tuple[str, bytes]]:
        """CRD files of this chart and its subcharts, as (path as helm prints it, data)."""
        out = [(self.full_path() + "/" + n, d) for n, d in self.crds]
        for dep in self.dependencies:
            out.extend(dep.crd_objects())
        return out


# ---------------------------------------------------------------------------------------------------------
# .helmignore
# ---------------------------------------------------------------------------------------------------------


class _Ignore:
    def __init__(self, text: str) -> None:
        self.rules: list[tuple[str, bool, bool]] = []  # pattern, negate, dir_only
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            neg = line.startswith("!")
            if neg:
                line = line[1:]
            dir_only = line.endswith("/")
            line = line.rstrip("/")
            self.rules.append((line, neg, dir_only))
        self.rules.append(("templates/.?*", False, False))

    def ignored(self, path: str, is_dir: bool) -> bool:
        if path in (".", "./", ""):
            return False
        matched = False
        base = path.rsplit("/", 1)[-1]
        for pat, neg, dir_only in self.rules:
            if dir_only and not is_dir:
                continue
            p = pat.lstrip("/")
            if "/" in p:
                hit = fnmatch.fnmatchcase(path, p)
            else:
                hit = fnmatch.fnmatchcase(base, p)
            if hit:
                matched = not neg
        return matched


# ---------------------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------------------


def _read_dir(root: str) -> list[tuple[str, bytes]]:
    ign_path = os.path.join(root, ".helmignore")
    ign = _Ignore(open(ign_path, encoding="utf-8").read() if os.path.exists(ign_path) else "")
    out: list[tuple[str, bytes]] = []

    def walk(rel: str) -> None:
        full = os.path.join(root, rel) if rel else root
        for name in sorted(os.listdir(full)):
            r = rel + "/" + name if rel else name
            p = os.path.join(full, name)
            isdir = os.path.isdir(p)
            if ign.ignored(r, isdir):
                continue
            if isdir:
                walk(r)
            else:
                with open(p, "rb") as fh:
                    out.append((r, fh.read()))

    walk("")
    return out


def _read_tgz(data: bytes) -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tf:
            for m in tf.getmembers():
                if not m.isfile():
                    continue
                parts = m.name.split("/", 1)
                if len(parts) < 2:
                    continue
                fh = tf.extractfile(m)
                if fh is not None:
                    out.append((parts[1], fh.read()))
    except (tarfile.TarError, OSError) as e:
        raise ChartError(f"{e}") from None
    out.sort()
    return out


def load_chart(path: str) -> Chart:
    """Load a chart from a directory or a .tgz file (helm's loader.Load)."""
    if os.path.isdir(path):
        if not os.path.exists(os.path.join(path, "Chart.yaml")):
            raise ChartError("Chart.yaml file is missing")
        return load_chart_files(_read_dir(path))
    if os.path.isfile(path):
        with open(path, "rb") as fh:
            return load_chart_files(_read_tgz(fh.read()))
    raise ChartError(f"path {path!r} not found")


def _str_fields(meta: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
    for k in (
        "version",
        "appVersion",
        "kubeVersion",
        "apiVersion",
        "name",
        "description",
        "type",
        "icon",
        "home",
    ):
        if k in raw and raw[k] is not None and not isinstance(raw[k], (dict, list)):
            meta[k] = raw[k] if isinstance(raw[k], str) else str(raw[k])
    return meta


def load_chart_files(files: list[tuple[str, bytes]]) -> Chart:
    """Build a Chart from (relative path, data) pairs like helm's loader.LoadFiles."""
    by_name = dict(files)
    if "Chart.yaml" not in by_name:
        raise ChartError("Chart.yaml file is missing")
    try:
        raw_meta = load_yaml_raw(by_name["Chart.yaml"].decode("utf-8", "replace")) or {}
        str_meta = _load_strings(by_name["Chart.yaml"].decode("utf-8", "replace")) or {}
    except YAMLParseError as e:
        raise ChartError(f"cannot load Chart.yaml: error converting YAML to JSON: {e}") from None
    if not isinstance(raw_meta, dict):
        raise ChartError("cannot load Chart.yaml: chart metadata (Chart.yaml) is not a map")
    meta = _str_fields(dict(raw_meta), str_meta)
    if not meta.get("apiVersion"):
        meta["apiVersion"] = "v1"
    chart = Chart(metadata=meta)
    sub_files: dict[str, list[tuple[str, bytes]]] = {}
    sub_archives: list[tuple[str, bytes]] = []
    for name, data in files:
        if name == "Chart.yaml":
            continue
        if name == "Chart.lock":
            try:
                chart.lock = load_yaml_raw(data.decode("utf-8", "replace"))
            except YAMLParseError:
                chart.lock = None
            continue
        if name == "values.yaml":
            text = data.decode("utf-8", "replace")
            chart.raw_values = text
            try:
                v = load_yaml(text)
            except YAMLParseError as e:
                raise ChartError(f"cannot load values.yaml: error converting YAML to JSON: {e}") from None
            chart.values = v if isinstance(v, dict) else {}
            continue
        if name == "values.schema.json":
            chart.schema = data
            continue
        if name == "requirements.yaml":
            if meta.get("apiVersion") == "v1":
                req = load_yaml_raw(data.decode("utf-8", "replace")) or {}
                meta["dependencies"] = req.get("dependencies") or []
            chart.files.append((name, data))
            continue
        if name == "requirements.lock":
            continue
        if name.startswith("templates/"):
            chart.templates.append((name, data.decode("utf-8", "replace")))
            continue
        if name.startswith("crds/"):
            chart.crds.append((name, data))
            chart.files.append((name, data))
            continue
        if name.startswith("charts/"):
            if name.endswith(".prov"):
                chart.files.append((name, data))
                continue
            rest = name[len("charts/") :]
            cname, _, inner = rest.partition("/")
            if not inner:
                if cname.endswith((".tgz", ".tar.gz")):
                    sub_archives.append((cname, data))
                continue
            sub_files.setdefault(cname, []).append((inner, data))
            continue
        chart.files.append((name, data))
    for cname in sorted(sub_files):
        sub = load_chart_files(sub_files[cname])
        sub.parent = chart
        chart.dependencies.append(sub)
    for _aname, data in sub_archives:
        sub = load_chart_files(_read_tgz(data))
        sub.parent = chart
        chart.dependencies.append(sub)
    chart.templates.sort()
    _validate(chart)
    return chart


def _load_strings(text: str) -> Any:
    """Chart.yaml with every scalar kept as written (string fields keep ``1.10`` as ``1.10``)."""
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        k.value: v.value
        for k, v in node.value
        if isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode)
    }


def _validate(chart: Chart) -> None:
    md = chart.metadata
    if not md.get("name"):
        raise ChartError("validation: chart.metadata.name is required")
    if not md.get("version"):
        raise ChartError("validation: chart.metadata.version is required")
    if md.get("type") not in (None, "", "application", "library"):
        raise ChartError("validation: chart.metadata.type must be application or library")
