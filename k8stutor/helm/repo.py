"""The offline chart repositories shipped in ``assets/charts/``, helm's repository config, search, pull,
package and dependency management.

``assets/charts/repositories.yaml`` maps each repository URL to a folder holding ``index.yaml`` and one
directory per chart. Nothing touches the network: ``helm repo add`` accepts the URLs we ship and answers
like an unreachable host for any other.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import struct
import tarfile
import zlib
from dataclasses import dataclass, field
from typing import Any

from .chart import Chart, ChartError, load_chart
from .semver import SemverError, constraint_check, parse_version
from .toyaml import load_yaml_raw, to_yaml

__all__ = [
    "ASSETS",
    "OfflineRepos",
    "RepoConfig",
    "RepoError",
    "build_index",
    "package_bytes",
    "uitable",
]

ASSETS = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "assets", "charts"))
# chartutil/save.go: the gzip header helm writes into every chart archive
_GZ_EXTRA = b"+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo="
_GZ_COMMENT = b"Helm"
INDEX_GENERATED = "2025-03-12T00:00:00Z"


class RepoError(Exception):
    """A repository operation failed; str() is helm's message."""


def uitable(rows: list[list[str]], max_col_width: int = 0) -> str:
    """gosuri/uitable as helm prints it: cells padded to the column width, joined by tabs, rows by newlines."""
    if not rows:
        return ""

    def fit(s: str) -> str:
        if max_col_width and len(s) > max_col_width:
            return s[: max_col_width - 3] + "..."
        return s

    cells = [[fit(str(c)) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells if i < len(r)) for i in range(max(len(r) for r in cells))]
    return "\n".join("\t".join(c.ljust(widths[i]) for i, c in enumerate(r)) for r in cells)


# ---------------------------------------------------------------------------------------------------------
# archives (chartutil.Save)
# ---------------------------------------------------------------------------------------------------------


def _gzip_helm(data: bytes) -> bytes:
    head = b"\x1f\x8b\x08" + bytes([0x04 | 0x10]) + struct.pack("<I", 0) + b"\x00\xff"
    head += struct.pack("<H", len(_GZ_EXTRA)) + _GZ_EXTRA + _GZ_COMMENT + b"\x00"
    comp = zlib.compressobj(6, zlib.DEFLATED, -15)
    body = comp.compress(data) + comp.flush()
    return head + body + struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data) & 0xFFFFFFFF)


def package_bytes(files: list[tuple[str, bytes]], name: str, mtime: float = 0.0) -> bytes:
    """A chart archive: ``<name>/<path>`` entries, Chart.yaml first, mode 0644, helm's gzip header."""
    order = {"Chart.yaml": 0, "Chart.lock": 1, "values.yaml": 2, "values.schema.json": 3}
    files = sorted(files, key=lambda f: (order.get(f[0], 4 if f[0].startswith("templates/") else 5), f[0]))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for path, data in files:
            info = tarfile.TarInfo(f"{name}/{path}")
            info.size = len(data)
            info.mode = 0o644
            info.mtime = int(mtime)
            tf.addfile(info, io.BytesIO(data))
    return _gzip_helm(buf.getvalue())


def _chart_files(path: str) -> list[tuple[str, bytes]]:
    from .chart import _read_dir

    return _read_dir(path)


# ---------------------------------------------------------------------------------------------------------
# the shipped repositories
# ---------------------------------------------------------------------------------------------------------


@dataclass
class _Shipped:
    url: str
    folder: str
    suggested_name: str
    index: dict[str, Any] = field(default_factory=dict)


class OfflineRepos:
    """The repositories in ``assets/charts`` by URL."""

    def __init__(self, root: str = ASSETS) -> None:
        self.root = root
        self.repos: dict[str, _Shipped] = {}
        path = os.path.join(root, "repositories.yaml")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as fh:
                data = load_yaml_raw(fh.read()) or {}
            for r in data.get("repositories") or []:
                url = str(r["url"]).rstrip("/")
                self.repos[url] = _Shipped(url, str(r["folder"]), str(r.get("name", "")))

    def get(self, url: str) -> _Shipped | None:
        """The shipped repository at a URL (trailing slash ignored)."""
        return self.repos.get(url.rstrip("/"))

    def index(self, url: str) -> dict[str, Any]:
        """The parsed index.yaml of a shipped repository."""
        rep = self.get(url)
        if rep is None:
            raise RepoError(f'looks like "{url}" is not a valid chart repository or cannot be reached')
        if not rep.index:
            with open(os.path.join(self.root, rep.folder, "index.yaml"), encoding="utf-8") as fh:
                rep.index = load_yaml_raw(fh.read()) or {}
        return rep.index

    def chart_dir(self, url: str, name: str) -> str:
        """Where a shipped chart's sources live."""
        rep = self.get(url)
        assert rep is not None
        return os.path.join(self.root, rep.folder, name)


def build_index(folder: str, url: str) -> str:
    """index.yaml for a folder of chart directories (as ``helm repo index`` writes it, fixed timestamps)."""
    entries: dict[str, list[dict[str, Any]]] = {}
    for name in sorted(os.listdir(folder)):
        p = os.path.join(folder, name)
        if not os.path.isdir(p):
            continue
        c = load_chart(p)
        data = package_bytes(_chart_files(p), c.name)
        md = {k: v for k, v in c.metadata.items() if v not in (None, "", [], {})}
        md["created"] = INDEX_GENERATED
        md["digest"] = hashlib.sha256(data).hexdigest()
        md["urls"] = [f"{url.rstrip('/')}/{c.name}-{c.metadata.get('version')}.tgz"]
        entries.setdefault(c.name, []).append(md)
    return to_yaml({"apiVersion": "v1", "entries": entries, "generated": INDEX_GENERATED}) + "\n"


# ---------------------------------------------------------------------------------------------------------
# helm's repositories.yaml (kept in memory per helm session)
# ---------------------------------------------------------------------------------------------------------


class RepoConfig:
    """The repositories a helm session has added (name -> URL, in the order added)."""

    def __init__(self, offline: OfflineRepos | None = None) -> None:
        self.offline = offline or OfflineRepos()
        self.repos: dict[str, str] = {}

    def add(self, name: str, url: str, force_update: bool = False) -> str:
        """helm repo add."""
        if "/" in name:
            raise RepoError(
                f"repository name ({name}) contains '/', please specify a different name without '/'"
            )
        if name in self.repos:
            if self.repos[name].rstrip("/") == url.rstrip("/"):
                return f'"{name}" already exists with the same configuration, skipping\n'
            if not force_update:
                raise RepoError(f"repository name ({name}) already exists, please specify a different name")
        if self.offline.get(url) is None:
            host = url.split("://", 1)[-1].split("/", 1)[0]
            raise RepoError(
                f'looks like "{url}" is not a valid chart repository or cannot be reached: '
                f'Get "{url.rstrip("/")}/index.yaml": dial tcp: lookup {host}: no such host'
            )
        self.repos[name] = url
        return f'"{name}" has been added to your repositories\n'

    def remove(self, names: list[str]) -> str:
        """helm repo remove."""
        out = []
        for n in names:
            if n not in self.repos:
                raise RepoError(f'no repo named "{n}" found')
            del self.repos[n]
            out.append(f'"{n}" has been removed from your repositories\n')
        return "".join(out)

    def list_table(self) -> str:
        """helm repo list."""
        if not self.repos:
            raise RepoError("no repositories to show")
        return uitable([["NAME", "URL"]] + [[n, u] for n, u in self.repos.items()]) + "\n"

    def update(self, names: list[str] | None = None) -> str:
        """helm repo update."""
        if not self.repos:
            raise RepoError("no repositories found. You must add one before updating")
        for n in names or []:
            if n not in self.repos:
                raise RepoError(f"no repositories found matching '{n}'.  Nothing will be updated")
        out = ["Hang tight while we grab the latest from your chart repositories...\n"]
        for n in self.repos:
            if names and n not in names:
                continue
            out.append(f'...Successfully got an update from the "{n}" chart repository\n')
        out.append("Update Complete. \u2388Happy Helming!\u2388\n")
        return "".join(out)

    def _versions(self, repo: str, chart: str) -> list[dict[str, Any]]:
        idx = self.offline.index(self.repos[repo])
        return list((idx.get("entries") or {}).get(chart) or [])

    def find(self, ref: str, version: str = "", devel: bool = False) -> tuple[str, dict[str, Any]]:
        """Resolve ``repo/chart`` (and a version constraint) to (chart source dir, index entry)."""
        repo, _, chart = ref.partition("/")
        if repo not in self.repos:
            raise RepoError(f"repo {repo} not found")
        entries = self._versions(repo, chart)
        if not entries:
            raise RepoError(
                f"chart \"{chart}\" not found in {repo} index. (try 'helm repo update'): no chart name found"
            )
        for e in _sort_versions(entries):
            v = str(e.get("version"))
            if not version:
                try:
                    if parse_version(v).pre and not devel:
                        continue
                except SemverError:
                    continue
                return self.offline.chart_dir(self.repos[repo], chart), e
            try:
                if v == version or constraint_check(version, v):
                    return self.offline.chart_dir(self.repos[repo], chart), e
            except SemverError:
                continue
        raise RepoError(
            f'chart "{chart}" version "{version}" not found in {repo} index. (try \'helm repo update\'): '
            f"no chart version found for {chart}-{version}"
        )

    def find_by_url(self, url: str, chart: str, version: str) -> tuple[str, dict[str, Any]]:
        """A dependency's chart from the repository with that URL (it must have been added)."""
        for n, u in self.repos.items():
            if u.rstrip("/") == url.rstrip("/"):
                return self.find(f"{n}/{chart}", version)
        raise RepoError(
            f"no repository definition for {url}. Please add the missing repos via 'helm repo add'"
        )

    def search(
        self,
        keyword: str = "",
        versions: bool = False,
        regexp: bool = False,
        devel: bool = False,
        version: str = "",
        max_col_width: int = 50,
    ) -> str:
        """helm search repo."""
        import re

        if not self.repos:
            raise RepoError("no repositories configured")
        results = []
        for n in sorted(self.repos):
            idx = self.offline.index(self.repos[n])
            for cname, entries in sorted((idx.get("entries") or {}).items()):
                ordered = _sort_versions(entries)
                if not devel and not version:
                    ordered = [e for e in ordered if "-" not in str(e.get("version"))]
                if version:
                    ordered = [e for e in ordered if _satisfies(version, str(e.get("version")))]
                if not versions:
                    ordered = ordered[:1]
                for e in ordered:
                    full = f"{n}/{cname}"
                    hay = "\t".join(
                        [full, str(e.get("description") or ""), " ".join(e.get("keywords") or [])]
                    )
                    if keyword:
                        if regexp:
                            try:
                                if not re.search(keyword, hay):
                                    continue
                            except re.error as err:
                                raise RepoError(
                                    f"{keyword} is an invalid regular expression: {err}"
                                ) from None
                        elif keyword.lower() not in hay.lower():
                            continue
                    results.append((full, e))
        if not results:
            return "No results found\n"
        rows = [["NAME", "CHART VERSION", "APP VERSION", "DESCRIPTION"]]
        for full, e in results:
            rows.append(
                [full, str(e.get("version", "")), str(e.get("appVersion", "")), str(e.get("description", ""))]
            )
        return uitable(rows, max_col_width) + "\n"


def _satisfies(constraint: str, v: str) -> bool:
    try:
        return constraint_check(constraint, v)
    except SemverError:
        return False


def _sort_versions(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    def key(e: dict[str, Any]) -> Any:
        try:
            p = parse_version(str(e.get("version")))
            return (1, p.major, p.minor, p.patch, 0 if p.pre else 1)
        except (SemverError, AttributeError):
            return (0, 0, 0, 0, 0)

    return sorted(entries, key=key, reverse=True)


def lock_digest(deps: list[dict[str, Any]], locked: list[dict[str, Any]]) -> str:
    """resolver.HashReq: sha256 of the JSON pair [requested, locked]."""

    def dep_json(d: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"name": d.get("name", "")}
        if d.get("version"):
            out["version"] = d["version"]
        out["repository"] = d.get("repository", "")
        for k in ("condition", "tags", "enabled", "import-values", "alias"):
            if d.get(k):
                out[k] = d[k]
        return out

    data = json.dumps([[dep_json(d) for d in deps], [dep_json(d) for d in locked]], separators=(",", ":"))
    return "sha256:" + hashlib.sha256(data.encode()).hexdigest()


def chart_of(path: str) -> Chart:
    """load_chart with RepoError."""
    try:
        return load_chart(path)
    except ChartError as e:
        raise RepoError(str(e)) from None
