"""Helm 3 release records and their storage as Secrets (helm's ``storage/driver/secrets.go``).

A release is a plain dict shaped like helm's ``release.Release`` JSON (``name``, ``info``, ``chart``,
``config``, ``manifest``, ``hooks``, ``version``, ``namespace``). It is stored in the Secret
``sh.helm.release.v1.<name>.v<version>`` of type ``helm.sh/release.v1`` in the release namespace, labelled
``name``, ``owner=helm``, ``status``, ``version`` (plus ``createdAt`` on create, ``modifiedAt`` on update),
with ``data.release`` = base64(gzip(JSON)) exactly as helm encodes it, so real helm reads these Secrets.
"""

from __future__ import annotations

import base64
import gzip
import json
import math
import re
import struct
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from k8stutor.engine.errors import StatusError
from k8stutor.kubectl.serialize import go_json_float

__all__ = [
    "RELEASE_TYPE",
    "ReleaseNotFound",
    "Storage",
    "StorageError",
    "decode_release",
    "encode_release",
    "go_time",
    "go_time_ansic",
    "go_time_string",
    "go_time_string_of",
    "parse_go_time",
    "secret_name",
]

RELEASE_TYPE = "helm.sh/release.v1"
STATUSES = (
    "unknown",
    "deployed",
    "uninstalled",
    "superseded",
    "failed",
    "uninstalling",
    "pending-install",
    "pending-upgrade",
    "pending-rollback",
)


class StorageError(Exception):
    """A storage operation failed; str() is helm's message."""


class ReleaseNotFound(StorageError):
    """driver.ErrReleaseNotFound: ``release: not found``."""

    def __init__(self) -> None:
        super().__init__("release: not found")


# ---------------------------------------------------------------------------------------------------------
# time as helm prints it (pkg/time wraps time.Time; zero marshals as "")
# ---------------------------------------------------------------------------------------------------------


def go_time(ts: float | None) -> str:
    """time.Time.MarshalJSON (RFC3339Nano, UTC) or "" for the zero time."""
    if ts is None:
        return ""
    sec = math.floor(ts)
    nanos = int(round((ts - sec) * 1e9))
    if nanos >= 1_000_000_000:
        sec, nanos = sec + 1, nanos - 1_000_000_000
    base = datetime.fromtimestamp(sec, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    frac = f".{nanos:09d}".rstrip("0") if nanos else ""
    return base + frac + "Z"


def parse_go_time(s: Any) -> float | None:
    """The inverse of :func:`go_time` (None for "" or garbage)."""
    if not isinstance(s, str) or not s:
        return None
    try:
        main, frac, tz = s, "", "Z"
        if s.endswith("Z"):
            main = s[:-1]
        else:
            main, tz = s[:-6], s[-6:]
        if "." in main:
            main, frac = main.split(".", 1)
        dt = datetime.strptime(main, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
        t = dt.timestamp() + (float("0." + frac) if frac else 0.0)
        if tz != "Z":
            sign = 1 if tz[0] == "+" else -1
            t -= sign * (int(tz[1:3]) * 3600 + int(tz[4:6]) * 60)
        return t
    except (ValueError, IndexError):
        return None


def go_time_ansic(ts: float | None) -> str:
    """time.ANSIC: ``Mon Jan _2 15:04:05 2006``."""
    dt = datetime.fromtimestamp(math.floor(ts or 0), UTC)
    return dt.strftime("%a %b ") + f"{dt.day:>2}" + dt.strftime(" %H:%M:%S %Y")


def go_time_string(ts: float | None) -> str:
    """time.Time.String(): ``2006-01-02 15:04:05.999999999 -0700 MST`` (UTC)."""
    t = ts or 0.0
    sec = math.floor(t)
    nanos = int(round((t - sec) * 1e9))
    frac = f".{nanos:09d}".rstrip("0") if nanos else ""
    return datetime.fromtimestamp(sec, UTC).strftime("%Y-%m-%d %H:%M:%S") + frac + " +0000 UTC"


def go_time_string_of(s: Any) -> str | None:
    """:func:`go_time_string` of a stored RFC3339Nano UTC text, exact to the nanosecond (None if unparsable)."""
    if isinstance(s, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z", s):
        main, _, frac = s[:-1].partition(".")
        frac = frac.rstrip("0")
        return main.replace("T", " ") + (f".{frac}" if frac else "") + " +0000 UTC"
    ts = parse_go_time(s)
    return None if ts is None else go_time_string(ts)


# ---------------------------------------------------------------------------------------------------------
# Go encoding/json with struct field order
# ---------------------------------------------------------------------------------------------------------

# (field, omitempty) in Go declaration order
_RELEASE = [
    ("name", True),
    ("info", True),
    ("chart", True),
    ("config", True),
    ("manifest", True),
    ("hooks", True),
    ("version", True),
    ("namespace", True),
]
_INFO = [
    ("first_deployed", False),
    ("last_deployed", False),
    ("deleted", False),
    ("description", True),
    ("status", True),
    ("notes", True),
    ("resources", True),
]
_CHART = [
    ("metadata", False),
    ("lock", False),
    ("templates", False),
    ("values", False),
    ("schema", False),
    ("files", False),
]
_METADATA = [
    (k, True)
    for k in (
        "name",
        "home",
        "sources",
        "version",
        "description",
        "keywords",
        "maintainers",
        "icon",
        "apiVersion",
        "condition",
        "tags",
        "appVersion",
        "deprecated",
        "annotations",
        "kubeVersion",
        "dependencies",
        "type",
    )
]
_MAINTAINER = [("name", True), ("email", True), ("url", True)]
_DEPENDENCY = [
    ("name", False),
    ("version", True),
    ("repository", False),
    ("condition", True),
    ("tags", True),
    ("enabled", True),
    ("import-values", True),
    ("alias", True),
]
_LOCK = [("generated", False), ("digest", False), ("dependencies", False)]
_FILE = [("name", False), ("data", False)]
_HOOK = [
    ("name", True),
    ("kind", True),
    ("path", True),
    ("manifest", True),
    ("events", True),
    ("last_run", False),
    ("weight", True),
    ("delete_policies", True),
]
_HOOK_EXEC = [("started_at", False), ("completed_at", False), ("phase", False)]

_HTML = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _jstr(s: str) -> str:
    out = json.dumps(s, ensure_ascii=False)
    if any(c in out for c in _HTML):
        for c, r in _HTML.items():
            out = out.replace(c, r)
    return out


def _empty(v: Any) -> bool:
    return v is None or v is False or v == 0 and not isinstance(v, bool) or v in ("", [], {})


def _enc(v: Any) -> str:
    """Go json.Marshal of an interface{} value (maps sorted)."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return go_json_float(v)
    if isinstance(v, str):
        return _jstr(v)
    if isinstance(v, (bytes, bytearray)):
        return '"' + base64.b64encode(bytes(v)).decode() + '"'
    if isinstance(v, dict):
        return "{" + ",".join(_jstr(str(k)) + ":" + _enc(v[k]) for k in sorted(v, key=str)) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(_enc(x) for x in v) + "]"
    return _jstr(str(v))


def _struct(v: Any, fields: list[tuple[str, bool]], sub: dict[str, Callable[[Any], str]]) -> str:
    if v is None:
        return "null"
    parts = []
    for name, omit in fields:
        val = v.get(name)
        if omit and _empty(val):
            continue
        if name not in v and not omit and name in ("first_deployed", "last_deployed", "deleted"):
            val = ""
        enc = sub.get(name)
        parts.append(_jstr(name) + ":" + (enc(val) if enc is not None else _enc(val)))
    return "{" + ",".join(parts) + "}"


def _list_of(fn: Callable[[Any], str]) -> Callable[[Any], str]:
    return lambda v: "null" if v is None else "[" + ",".join(fn(x) for x in v) + "]"


def _enc_file(f: Any) -> str:
    return _struct(f, _FILE, {})


def _enc_dep(d: Any) -> str:
    return _struct(d, _DEPENDENCY, {})


def _enc_metadata(m: Any) -> str:
    return _struct(
        m,
        _METADATA,
        {
            "maintainers": _list_of(lambda x: _struct(x, _MAINTAINER, {})),
            "dependencies": _list_of(_enc_dep),
        },
    )


def _enc_chart(c: Any) -> str:
    return _struct(
        c,
        _CHART,
        {
            "metadata": _enc_metadata,
            "lock": lambda lk: _struct(lk, _LOCK, {"dependencies": _list_of(_enc_dep)}),
            "templates": _list_of(_enc_file),
            "files": _list_of(_enc_file),
        },
    )


def _enc_hook(h: Any) -> str:
    return _struct(h, _HOOK, {"last_run": lambda e: _struct(e or {}, _HOOK_EXEC, {})})


def release_json(rel: dict[str, Any]) -> str:
    """json.Marshal(release.Release) with Go's field order and omitempty rules."""
    return _struct(
        rel,
        _RELEASE,
        {
            "info": lambda i: _struct(i, _INFO, {}),
            "chart": _enc_chart,
            "hooks": _list_of(_enc_hook),
        },
    )


def encode_release(rel: dict[str, Any]) -> str:
    """storage/driver/util.go encodeRelease: base64(gzip(best compression, JSON))."""
    data = release_json(rel).encode("utf-8")
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    # Go's gzip.Writer header: no name, mtime 0, XFL 2 (best compression), OS 255 (unknown)
    body = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + comp.compress(data) + comp.flush()
    body += struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data) & 0xFFFFFFFF)
    return base64.b64encode(body).decode("ascii")


def decode_release(data: str) -> dict[str, Any]:
    """storage/driver/util.go decodeRelease (gzip optional); numbers in values decode as float64."""
    try:
        b = base64.b64decode(data)
        if b[:3] == b"\x1f\x8b\x08":
            b = gzip.decompress(b)
        rel = json.loads(b.decode("utf-8"), parse_int=float)
    except (ValueError, OSError, EOFError) as e:
        raise StorageError(f"unable to decode release: {e}") from None
    if not isinstance(rel, dict):
        raise StorageError("unable to decode release: not an object")
    if isinstance(rel.get("version"), float):
        rel["version"] = int(rel["version"])
    for h in rel.get("hooks") or []:
        if isinstance(h.get("weight"), float):
            h["weight"] = int(h["weight"])
    return rel


def secret_name(name: str, version: int) -> str:
    """The storage key: ``sh.helm.release.v1.<name>.v<version>``."""
    return f"sh.helm.release.v1.{name}.v{version}"


# ---------------------------------------------------------------------------------------------------------
# the Secrets driver
# ---------------------------------------------------------------------------------------------------------

_CACHE: dict[tuple[str, tuple[tuple[str, str], ...]], dict[str, Any]] = {}
_CACHE_MAX = 2048


def _decode_secret(obj: dict[str, Any]) -> dict[str, Any] | None:
    md = obj.get("metadata") or {}
    raw = (obj.get("data") or {}).get("release")
    if not isinstance(raw, str):
        return None
    labels = md.get("labels") or {}
    key = (raw, tuple(sorted(labels.items())))
    hit = _CACHE.get(key)
    if hit is not None:
        return json.loads(json.dumps(hit))
    try:
        inner = base64.b64decode(raw).decode("ascii")
        rel = decode_release(inner)
    except (ValueError, StorageError):
        return None
    rel["labels"] = {
        k: v
        for k, v in labels.items()
        if k not in ("name", "owner", "status", "version", "createdAt", "modifiedAt")
    }
    if len(_CACHE) >= _CACHE_MAX:
        _CACHE.clear()
    _CACHE[key] = rel
    return json.loads(json.dumps(rel))


class Storage:
    """helm's storage.Storage over the Secrets driver, bound to one namespace ("" = all namespaces)."""

    def __init__(self, api: Any, namespace: str = "default") -> None:
        self.api = api
        self.namespace = namespace

    def _now(self) -> int:
        return int(self.api.now())

    def _secret(self, rel: dict[str, Any], stamp: str) -> dict[str, Any]:
        labels: dict[str, str] = dict(rel.get("labels") or {})
        labels.update(
            {
                "name": rel["name"],
                "owner": "helm",
                "status": rel["info"]["status"],
                "version": str(rel["version"]),
            }
        )
        labels[stamp] = str(self._now())
        payload = {k: v for k, v in rel.items() if k != "labels"}
        encoded = encode_release(payload)
        return {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {
                "name": secret_name(rel["name"], rel["version"]),
                "namespace": rel.get("namespace") or self.namespace or "default",
                "labels": dict(sorted(labels.items())),
            },
            "type": RELEASE_TYPE,
            "data": {"release": base64.b64encode(encoded.encode("ascii")).decode("ascii")},
        }

    def create(self, rel: dict[str, Any]) -> None:
        """Create the record (``create: failed to create: ...`` on API errors)."""
        sec = self._secret(rel, "createdAt")
        try:
            self.api.create(sec, sec["metadata"]["namespace"])
        except StatusError as e:
            if e.code == 409:
                raise StorageError("create: failed to create: release: already exists") from None
            raise StorageError(f"create: failed to create: {e.message}") from None

    def update(self, rel: dict[str, Any]) -> None:
        """Replace the record unconditionally (labels get ``modifiedAt``)."""
        sec = self._secret(rel, "modifiedAt")
        ns = sec["metadata"]["namespace"]
        try:
            self.api.update(sec, ns)
        except StatusError as e:
            if e.code == 404:
                try:
                    self.api.create(sec, ns)
                    return
                except StatusError:
                    pass
            raise StorageError(f"update: failed to update: {e.message}") from None

    def delete(self, name: str, version: int, namespace: str | None = None) -> None:
        """Delete one record."""
        try:
            self.api.delete("secrets", secret_name(name, version), namespace or self.namespace or "default")
        except StatusError as e:
            if e.code == 404:
                raise ReleaseNotFound() from None
            raise StorageError(f"delete: failed to delete release: {e.message}") from None

    def _query(self, selector: str) -> list[dict[str, Any]]:
        ns = self.namespace or None
        out = []
        for obj in self.api.list_objects("secrets", ns, label_selector=selector):
            if obj.get("type") != RELEASE_TYPE and obj.get("type") is not None:
                continue
            rel = _decode_secret(obj)
            if rel is not None:
                out.append(rel)
        return out

    def list_all(self) -> list[dict[str, Any]]:
        """Every release record (all versions) visible in the namespace."""
        return self._query("owner=helm")

    def history(self, name: str) -> list[dict[str, Any]]:
        """All versions of a release, ascending; ReleaseNotFound when there are none."""
        rels = self._query(f"name={name},owner=helm")
        if not rels:
            raise ReleaseNotFound()
        rels.sort(key=lambda r: r.get("version", 0))
        return rels

    def get(self, name: str, version: int) -> dict[str, Any]:
        """One version of a release."""
        obj = self.api.peek("secrets", secret_name(name, version), self.namespace or "default")
        rel = _decode_secret(obj) if obj is not None else None
        if rel is None:
            raise ReleaseNotFound()
        return rel

    def last(self, name: str) -> dict[str, Any]:
        """The highest version of a release."""
        return self.history(name)[-1]

    def deployed_all(self, name: str) -> list[dict[str, Any]]:
        """Versions with status deployed (newest first)."""
        rels = [r for r in self._query(f"name={name},owner=helm") if r["info"].get("status") == "deployed"]
        rels.sort(key=lambda r: r.get("version", 0), reverse=True)
        return rels

    def deployed(self, name: str) -> dict[str, Any]:
        """The deployed version (``"x" has no deployed releases`` otherwise)."""
        rels = self.deployed_all(name)
        if not rels:
            raise StorageError(f'"{name}" has no deployed releases')
        return rels[0]
