"""The image catalogue (assets/images/catalogue.yaml) and image reference parsing as containerd does it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

CATALOGUE_PATH = Path(__file__).resolve().parents[3] / "assets" / "images" / "catalogue.yaml"


class ImageRefError(ValueError):
    """An image reference that cannot be parsed (the kubelet's InvalidImageName)."""


@dataclass(frozen=True)
class ImageRef:
    """A parsed reference: ``nginx`` -> docker.io/library/nginx:latest."""

    written: str
    repository: str  # docker.io/library/nginx
    tag: str  # "" when a digest is given
    digest: str = ""

    @property
    def full(self) -> str:
        """The fully qualified reference containerd resolves (``docker.io/library/nginx:latest``)."""
        if self.digest:
            return f"{self.repository}@{self.digest}"
        return f"{self.repository}:{self.tag}"

    @property
    def registry(self) -> str:
        """The registry host (``docker.io``)."""
        return self.repository.split("/", 1)[0]


def parse_image(ref: str) -> ImageRef:
    """Normalise an image reference like the docker reference library (``ParseNormalizedNamed``)."""
    s = ref.strip()
    if (
        not s
        or s != ref
        or any(c.isspace() for c in s)
        or any(c.isupper() for c in s.split("@")[0].rsplit(":", 1)[0])
    ):
        raise ImageRefError(f"couldn't parse image name {ref!r}: invalid reference format")
    digest = ""
    if "@" in s:
        s, digest = s.split("@", 1)
        if not digest.startswith("sha256:") or len(digest) != 71:
            raise ImageRefError(f"couldn't parse image name {ref!r}: invalid reference format")
    tag = ""
    last = s.rsplit("/", 1)[-1]
    if ":" in last:
        s, tag = s.rsplit(":", 1)
        if not tag:
            raise ImageRefError(f"couldn't parse image name {ref!r}: invalid reference format")
    parts = s.split("/")
    if len(parts) == 1:
        repo = f"docker.io/library/{parts[0]}"
    elif "." in parts[0] or ":" in parts[0] or parts[0] == "localhost":
        repo = s
    else:
        repo = f"docker.io/{s}"
    if not tag and not digest:
        tag = "latest"
    return ImageRef(ref, repo, tag, digest)


@dataclass
class PortSpec:
    """A port the image's server listens on and what it answers."""

    port: int
    docroot: str = ""
    paths: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Served only when the container runs this subcommand (agnhost: ``/agnhost liveness``); "" = always.
    subcommand: str = ""


@dataclass
class Image:
    """One catalogue entry."""

    repository: str
    tags: list[str]
    size: int
    entrypoint: list[str] = field(default_factory=list)
    cmd: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    workdir: str = "/"
    shell: str = ""
    programs: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    ports: list[PortSpec] = field(default_factory=list)
    startup: float = 0.0
    memory: int = 0  # bytes
    cpu: int = 0  # millicores
    request_cpu: float = 0.0  # CPU seconds one HTTP request costs the server (its CPU use follows the load)
    sigterm: str = "exit"  # exit | ignore
    log: str = ""
    # Start-up logs that depend on the container's mounted configuration: the first entry whose ``file``
    # (a YAML document) has ``key`` set to one of ``values`` ("" = unset) replaces ``log``.
    log_variants: list[dict[str, Any]] = field(default_factory=list)

    def program(self, name: str) -> str | None:
        """What the executable ``name`` does in this image (server, stress ...), if it is special."""
        return self.programs.get(name) or self.programs.get(name.rsplit("/", 1)[-1])

    def image_id(self, ref: ImageRef) -> str:
        """The repo digest reported as ``imageID`` (deterministic per repository and tag)."""
        return f"{self.repository}@{digest_of(self.repository + ':' + (ref.tag or ref.digest))}"


def digest_of(seed: str) -> str:
    """A stable ``sha256:<64 hex>`` digest for a name."""
    return "sha256:" + hashlib.sha256(seed.encode()).hexdigest()


_UNITS = {"Ki": 1024, "Mi": 1024**2, "Gi": 1024**3, "K": 1000, "M": 1000**2, "G": 1000**3}


def parse_bytes(v: Any) -> int:
    """``3Mi`` / ``0.5Mi`` / ``1024`` -> bytes."""
    s = str(v)
    for suffix, mult in _UNITS.items():
        if s.endswith(suffix):
            return int(float(s[: -len(suffix)]) * mult)
    return int(float(s))


def parse_millicores(v: Any) -> int:
    """``200m`` / ``1`` -> millicores."""
    s = str(v)
    if s.endswith("m"):
        return int(float(s[:-1]))
    return int(float(s) * 1000)


class Catalogue:
    """All known images, by repository; packs may ``add`` more entries."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.images: dict[str, Image] = {}
        self.aliases: dict[str, str] = {}
        self.private_registries: set[str] = set(data.get("private_registries") or [])
        for entry in data.get("images") or []:
            self.add(entry)

    def add(self, entry: dict[str, Any]) -> None:
        """Add (or replace) one catalogue entry given as a dict in the YAML shape."""
        repo = entry["repository"]
        if entry.get("alias_of"):
            self.aliases[repo] = entry["alias_of"]
            return
        ports = [
            PortSpec(
                int(p["port"]), p.get("docroot", ""), dict(p.get("paths") or {}), str(p.get("subcommand", ""))
            )
            for p in entry.get("ports") or []
        ]
        self.images[repo] = Image(
            repository=repo,
            tags=[str(t) for t in entry.get("tags") or ["latest"]],
            size=int(entry.get("size", 0)),
            entrypoint=list(entry.get("entrypoint") or []),
            cmd=list(entry.get("cmd") or []),
            env={str(k): str(v) for k, v in (entry.get("env") or {}).items()},
            workdir=entry.get("workdir", "/"),
            shell=entry.get("shell", ""),
            programs=dict(entry.get("programs") or {}),
            files={str(k): str(v) for k, v in (entry.get("files") or {}).items()},
            ports=ports,
            startup=float(entry.get("startup", 0)),
            memory=parse_bytes(entry.get("memory", 0)),
            cpu=parse_millicores(entry.get("cpu", 0)),
            request_cpu=float(entry.get("request_cpu_ms", 0) or 0) / 1000.0,
            sigterm=entry.get("sigterm", "exit"),
            log=entry.get("log", ""),
            log_variants=[dict(v) for v in entry.get("log_variants") or []],
        )

    def lookup(self, ref: ImageRef) -> Image | None:
        """The entry for a reference, or None when the registry does not have that repository/tag."""
        repo = self.aliases.get(ref.repository, ref.repository)
        img = self.images.get(repo)
        if img is None:
            return None
        if ref.digest or ref.tag in img.tags:
            return img
        return None


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The catalogue shipped in assets/ (parsed once)."""
    with CATALOGUE_PATH.open(encoding="utf-8") as fh:
        return Catalogue(yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


def load_catalogue(extra: list[dict[str, Any]] | None = None) -> Catalogue:
    """A fresh catalogue (the shipped one plus ``extra`` entries from a lesson pack)."""
    with CATALOGUE_PATH.open(encoding="utf-8") as fh:
        cat = Catalogue(yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    for e in extra or []:
        cat.add(e)
    return cat


def pull_seconds(size: int, bandwidth: float = 12_000_000.0) -> float:
    """How long a pull of ``size`` bytes takes (registry latency plus transfer), rounded to the millisecond."""
    return round(0.35 + size / bandwidth, 3)


def go_duration(seconds: float) -> str:
    """Go's time.Duration.String() for a duration truncated to ms: ``313ms``, ``5.419s``, ``1m2.5s``, ``5m0s``."""
    ms = int(round(seconds * 1000))
    if ms == 0:
        return "0s"
    if ms < 1000:
        return f"{ms}ms"
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, frac = divmod(rem, 1000)
    sec = f"{s}" + (f".{frac:03d}".rstrip("0") if frac else "") + "s"
    if h:
        return f"{h}h{m}m{sec}"
    if m:
        return f"{m}m{sec}"
    return sec


def image_size(image: str) -> int:
    """Compressed size in bytes of an image in the catalogue (0 when unknown): the scheduler's ImageLocality."""
    try:
        img = default_catalogue().lookup(parse_image(image))
    except ImageRefError:
        return 0
    return img.size if img is not None else 0
