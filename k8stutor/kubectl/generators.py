"""kubectl's client-side object generators (`create <kind>`, `run`, `expose`), as kubectl v1.32 builds them.

Every generator returns the object as a plain dict whose key order is the Go struct field order, so
`to_json(obj, sort_keys=False)` reproduces `-o json` and `to_yaml(obj)` reproduces `-o yaml`. Map-typed fields
(labels, annotations, data, selectors) are inserted sorted, because Go's encoder sorts map keys. Validation
failures raise `GeneratorError` whose text is what kubectl writes to stderr.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from ..engine.quantity import Quantity, QuantityError

__all__ = [
    "GeneratorError",
    "canonical_quantity",
    "create_clusterrole",
    "create_clusterrolebinding",
    "create_configmap",
    "create_cronjob",
    "create_deployment",
    "create_ingress",
    "create_job",
    "create_namespace",
    "create_poddisruptionbudget",
    "create_priorityclass",
    "create_quota",
    "create_role",
    "create_rolebinding",
    "create_secret_docker_registry",
    "create_secret_generic",
    "create_secret_tls",
    "create_service",
    "create_serviceaccount",
    "dry_run_line",
    "expose",
    "require_one_name",
    "registry_resolver",
    "run_expose_service",
    "run_pod",
]

Obj = dict[str, Any]


class GeneratorError(ValueError):
    """A validation failure; str() is the full stderr text kubectl prints (without the trailing newline)."""

    def __init__(
        self, message: str, *, usage: str | None = None, klog: bool = False, plain: bool = False
    ) -> None:
        self.message = message
        self.usage = usage
        self.klog = klog
        text = message if plain else f"error: {message}"
        if usage:
            text += f"\nSee '{usage}' for help and examples"
        super().__init__(text)

    def klog_line(self, header: str) -> str:
        """The line kubectl v1.32 prints for cobra errors (required flags): `<header> run.go:72] "command failed" ...`.

        `header` is klog's prefix, e.g. `E1201 21:08:44.166836   16417`.
        """
        return f'{header} run.go:72] "command failed" err={json.dumps(self.message)}'


def _required_flag(flag: str) -> GeneratorError:
    return GeneratorError(f'required flag(s) "{flag}" not set', klog=True)


def require_one_name(args: list[str], command: str) -> str:
    """`NameFromCommandArgs`: exactly one positional NAME, else the usage error kubectl prints."""
    if len(args) != 1:
        raise GeneratorError(f"exactly one NAME is required, got {len(args)}", usage=f"kubectl {command} -h")
    return args[0]


def dry_run_line(kind_prefix: str, name: str, verb: str = "created", dry_run: bool = True) -> str:
    """The line printed without `-o`: `deployment.apps/web created (dry run)`."""
    return f"{kind_prefix}/{name} {verb}{' (dry run)' if dry_run else ''}"


def _meta(name: str, namespace: str | None = None, **extra: Any) -> Obj:
    """ObjectMeta in Go field order (name, namespace, creationTimestamp, labels, annotations, ownerReferences)."""
    meta: Obj = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    meta["creationTimestamp"] = None
    for key in ("labels", "annotations", "ownerReferences"):
        if extra.get(key):
            meta[key] = extra[key]
    return meta


def _sorted_map(m: Mapping[str, Any]) -> dict[str, Any]:
    return {k: m[k] for k in sorted(m)}


# ---------------------------------------------------------------------------------------------------------
# Validation helpers (k8s.io/apimachinery/pkg/util/validation)
# ---------------------------------------------------------------------------------------------------------

_CONFIG_KEY_RE = re.compile(r"^[-._a-zA-Z0-9]+$")
_CONFIG_KEY_MSG = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
    "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
)
_ENV_NAME_RE = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
_ENV_NAME_MSG = (
    "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and "
    "must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for "
    "validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"
)
_DNS1123_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN_RE = re.compile(rf"^{_DNS1123_LABEL}(\.{_DNS1123_LABEL})*$")


def _chdir_prefix(value: str) -> list[str]:
    if value == ".":
        return ["must not be '.'"]
    if value == "..":
        return ["must not be '..'"]
    if value.startswith(".."):
        return ["must not start with '..'"]
    return []


def _config_map_key_errors(key: str) -> list[str]:
    errs = []
    if len(key) > 253:
        errs.append("must be no more than 253 characters")
    if not _CONFIG_KEY_RE.match(key):
        errs.append(_CONFIG_KEY_MSG)
    return errs + _chdir_prefix(key)


def _env_name_errors(key: str) -> list[str]:
    errs = [] if _ENV_NAME_RE.match(key) else [_ENV_NAME_MSG]
    return errs + _chdir_prefix(key)


def _is_dns1123_subdomain(value: str) -> bool:
    return len(value) <= 253 and bool(_DNS1123_SUBDOMAIN_RE.match(value))


def _port_name_errors(name: str) -> list[str]:
    errs = []
    if len(name) > 15:
        errs.append("must be no more than 15 characters")
    if not re.match(r"^[-a-z0-9]+$", name):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search(r"[a-z]", name):
        errs.append("must contain at least one letter (a-z)")
    if "--" in name:
        errs.append("must not contain consecutive hyphens")
    if name and (name[0] == "-" or name[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def _go_atoi(s: str) -> int:
    """strconv.Atoi, with its error text."""
    if re.fullmatch(r"[+-]?[0-9]+", s):
        v = int(s)
        if -(2**63) <= v < 2**63:
            return v
        raise GeneratorError(f'strconv.Atoi: parsing "{s}": value out of range')
    raise GeneratorError(f'strconv.Atoi: parsing "{s}": invalid syntax')


def _parse_port(s: str) -> int:
    """k8s.io/utils/net.ParsePort(s, allowZero=true): strconv.ParseUint(s, 10, 16) with its error text."""
    if not re.fullmatch(r"[0-9]+", s):
        raise GeneratorError(f'strconv.ParseUint: parsing "{s}": invalid syntax')
    v = int(s)
    if v > 65535:
        raise GeneratorError(f'strconv.ParseUint: parsing "{s}": value out of range')
    return v


# ---------------------------------------------------------------------------------------------------------
# Sources: --from-literal, --from-file, --from-env-file (kubectl/pkg/util and pkg/cmd/util/env_file.go)
# ---------------------------------------------------------------------------------------------------------


def _parse_literal_source(source: str) -> tuple[str, str]:
    if source.startswith("=") or "=" not in source:
        raise GeneratorError(f"invalid literal source {source}, expected key=value")
    key, value = source.split("=", 1)
    return key, value


def _parse_file_source(source: str) -> tuple[str, str]:
    n = source.count("=")
    if n == 0:
        return os.path.basename(source.rstrip("/")) or "/", source
    if n == 1 and source.startswith("="):
        raise GeneratorError(f"key name for file path {source[1:]} missing")
    if n == 1 and source.endswith("="):
        raise GeneratorError(f"file path for key name {source[:-1]} missing")
    if n > 1:
        raise GeneratorError("key names or file paths cannot contain '='")
    key, path = source.split("=")
    return key, path


def _resolve(path: str, cwd: str | None) -> str:
    return path if os.path.isabs(path) or cwd is None else os.path.join(cwd, path)


class _HostFiles:
    """Default file access for --from-file and friends: the host's files (read-only)."""

    def exists(self, path: str) -> bool:
        return os.path.exists(path)

    def isdir(self, path: str) -> bool:
        return os.path.isdir(path)

    def listdir(self, path: str) -> list[str]:
        return sorted(os.listdir(path))

    def read(self, path: str) -> bytes:
        with open(path, "rb") as fh:
            return fh.read()


FILES: Any = _HostFiles()


@contextlib.contextmanager
def using_files(files: Any) -> Iterator[None]:
    """Read generator input files through ``files`` (the shell's workstation overlay) for a while."""
    global FILES
    saved = FILES
    FILES = files
    try:
        yield
    finally:
        FILES = saved


def _file_entries(sources: Iterable[str], cwd: str | None) -> list[tuple[str, bytes]]:
    """(key, content) pairs for --from-file sources, expanding directories to their regular files."""
    out: list[tuple[str, bytes]] = []
    for source in sources:
        key, path = _parse_file_source(source)
        full = _resolve(path, cwd)
        if not FILES.exists(full):
            raise GeneratorError(f"error reading {path}: no such file or directory")
        if FILES.isdir(full):
            if "=" in source:
                raise GeneratorError("cannot give a key name for a directory path")
            for item in FILES.listdir(full):
                item_path = os.path.join(full, item)
                if FILES.exists(item_path) and not FILES.isdir(item_path) and not os.path.islink(item_path):
                    out.append((item, FILES.read(item_path)))
        else:
            out.append((key, FILES.read(full)))
    return out


def _env_file_entries(
    path: str, cwd: str | None, environ: Mapping[str, str], what: str
) -> list[tuple[str, str]]:
    """cmdutil.AddFromEnvFile: KEY=VALUE lines; blank lines and '#' comments skipped; bare KEY reads environ."""
    full = _resolve(path, cwd)
    if not FILES.exists(full):
        raise GeneratorError(f"error reading {path}: no such file or directory")
    if FILES.isdir(full):
        raise GeneratorError(f"env {what} file cannot be a directory")
    raw = FILES.read(full)
    out: list[tuple[str, str]] = []
    lines = raw.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # bufio.Scanner yields no empty token after a final newline
    for n, line_bytes in enumerate(lines):
        line_bytes = line_bytes.removesuffix(b"\r")
        try:
            line = line_bytes.decode("utf-8")
        except UnicodeDecodeError:
            raise GeneratorError(
                f"env file {path} contains invalid utf8 bytes at line {n + 1}: {list(line_bytes)}"
            ) from None
        if n == 0:
            line = line.removeprefix("\ufeff")
        line = line.lstrip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        errs = _env_name_errors(key)
        if errs:
            raise GeneratorError(f'"{key}" is not a valid key name: {";".join(errs)}')
        out.append((key, value if sep else environ.get(key, "")))
    return out


def _name_hash(encoded: str) -> str:
    """kubectl/pkg/util/hash encodeHash(sha256): first 10 hex chars with 0,1,3,a,e swapped for g,h,k,m,t."""
    hexed = hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:10]
    return hexed.translate(str.maketrans("013ae", "ghkmt"))


def _go_json_compact(obj: Any) -> str:
    """Go's json.Marshal (sorted map keys, HTML-safe escaping)."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for ch, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(ch, esc)
    return text


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


# ---------------------------------------------------------------------------------------------------------
# namespace, serviceaccount, configmap, secrets
# ---------------------------------------------------------------------------------------------------------


def create_namespace(name: str) -> Obj:
    """`kubectl create namespace NAME`."""
    return {"kind": "Namespace", "apiVersion": "v1", "metadata": _meta(name), "spec": {}, "status": {}}


def create_serviceaccount(name: str, namespace: str | None = None) -> Obj:
    """`kubectl create serviceaccount NAME` (namespace only when given with -n)."""
    return {"kind": "ServiceAccount", "apiVersion": "v1", "metadata": _meta(name, namespace)}


def create_configmap(
    name: str,
    from_literal: list[str] | None = None,
    from_file: list[str] | None = None,
    from_env_file: list[str] | None = None,
    append_hash: bool = False,
    cwd: str | None = None,
    namespace: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Obj:
    """`kubectl create configmap NAME [--from-file] [--from-literal] [--from-env-file] [--append-hash]`."""
    from_literal, from_file, from_env_file = from_literal or [], from_file or [], from_env_file or []
    if not name:
        raise GeneratorError("name must be specified")
    if from_env_file and (from_file or from_literal):
        raise GeneratorError("from-env-file cannot be combined with from-file or from-literal")
    data: dict[str, str] = {}
    binary: dict[str, bytes] = {}

    def add(key: str, value: str | bytes) -> None:
        errs = _config_map_key_errors(key)
        if errs:
            raise GeneratorError(f'"{key}" is not a valid key name for a ConfigMap: {",".join(errs)}')
        if key in data:
            raise GeneratorError(
                f'cannot add key "{key}", another key by that name already exists in Data for ConfigMap "{name}"'
            )
        if key in binary:
            raise GeneratorError(
                f'cannot add key "{key}", another key by that name already exists in BinaryData for ConfigMap "{name}"'
            )
        if isinstance(value, bytes):
            try:
                data[key] = value.decode("utf-8")
            except UnicodeDecodeError:
                binary[key] = value
        else:
            data[key] = value

    for key, content in _file_entries(from_file, cwd):
        add(key, content)
    for source in from_literal:
        add(*_parse_literal_source(source))
    for path in from_env_file:
        for key, value in _env_file_entries(path, cwd, environ or {}, "config"):
            add(key, value)
    final_name = name
    if append_hash:
        m: dict[str, Any] = {"kind": "ConfigMap", "name": name, "data": data}
        if binary:
            m["binaryData"] = {k: _b64(v) for k, v in binary.items()}
        final_name = f"{name}-{_name_hash(_go_json_compact(m))}"
    obj: Obj = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": _meta(final_name, namespace)}
    if data:
        obj["data"] = _sorted_map(data)
    if binary:
        obj["binaryData"] = {k: _b64(binary[k]) for k in sorted(binary)}
    return obj


def _secret(name: str, namespace: str | None, data: Mapping[str, bytes], type_: str) -> Obj:
    obj: Obj = {"kind": "Secret", "apiVersion": "v1", "metadata": _meta(name, namespace)}
    if data:
        obj["data"] = {k: _b64(data[k]) for k in sorted(data)}
    if type_:
        obj["type"] = type_
    return obj


def _add_secret_key(data: dict[str, bytes], key: str, value: bytes) -> None:
    errs = _config_map_key_errors(key)
    if errs:
        raise GeneratorError(f'"{key}" is not valid key name for a Secret {";".join(errs)}')
    if key in data:
        raise GeneratorError(f"cannot add key {key}, another key by that name already exists")
    data[key] = value


def create_secret_generic(
    name: str,
    from_literal: list[str] | None = None,
    from_file: list[str] | None = None,
    from_env_file: list[str] | None = None,
    type: str = "",
    append_hash: bool = False,
    cwd: str | None = None,
    namespace: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Obj:
    """`kubectl create secret generic NAME [--type] [--from-literal] [--from-file] [--from-env-file]`."""
    from_literal, from_file, from_env_file = from_literal or [], from_file or [], from_env_file or []
    if not name:
        raise GeneratorError("name must be specified")
    if from_env_file and (from_file or from_literal):
        raise GeneratorError("from-env-file cannot be combined with from-file or from-literal")
    data: dict[str, bytes] = {}
    for source in from_literal:
        key, value = _parse_literal_source(source)
        _add_secret_key(data, key, value.encode("utf-8"))
    for key, content in _file_entries(from_file, cwd):
        _add_secret_key(data, key, content)
    for path in from_env_file:
        for key, value in _env_file_entries(path, cwd, environ or {}, "secret"):
            _add_secret_key(data, key, value.encode("utf-8"))
    if append_hash:
        m = {"kind": "Secret", "type": type, "name": name, "data": {k: _b64(v) for k, v in data.items()}}
        name = f"{name}-{_name_hash(_go_json_compact(m))}"
    return _secret(name, namespace, data, type)


def create_secret_docker_registry(
    name: str,
    docker_server: str = "https://index.docker.io/v1/",
    docker_username: str = "",
    docker_password: str = "",
    docker_email: str = "",
    from_file: list[str] | None = None,
    append_hash: bool = False,
    cwd: str | None = None,
    namespace: str | None = None,
) -> Obj:
    """`kubectl create secret docker-registry NAME --docker-username --docker-password [--docker-server ...]`."""
    from_file = from_file or []
    if not name:
        raise GeneratorError("name must be specified")
    if not from_file and not (docker_username and docker_password and docker_server):
        raise GeneratorError(
            "either --from-file or the combination of --docker-username, --docker-password and "
            "--docker-server is required"
        )
    data: dict[str, bytes] = {}
    if from_file:
        for key, content in _file_entries(from_file, cwd):
            _add_secret_key(data, key, content)
    else:
        entry: dict[str, str] = {}
        for field, value in (
            ("username", docker_username),
            ("password", docker_password),
            ("email", docker_email),
        ):
            if value:
                entry[field] = value
        entry["auth"] = _b64(f"{docker_username}:{docker_password}".encode())
        # DockerConfigJSON struct: {"auths": {server: {username, password, email, auth}}}, struct order kept.
        text = json.dumps({"auths": {docker_server: entry}}, ensure_ascii=False, separators=(",", ":"))
        for ch, esc in (
            ("<", "\\u003c"),
            (">", "\\u003e"),
            ("&", "\\u0026"),
            ("\u2028", "\\u2028"),
            ("\u2029", "\\u2029"),
        ):
            text = text.replace(ch, esc)
        data[".dockerconfigjson"] = text.encode("utf-8")
    type_ = "kubernetes.io/dockerconfigjson"
    if append_hash:
        m = {"kind": "Secret", "type": type_, "name": name, "data": {k: _b64(v) for k, v in data.items()}}
        name = f"{name}-{_name_hash(_go_json_compact(m))}"
    return _secret(name, namespace, data, type_)


_PEM_RE = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n.*?-----END \1-----", re.S)


def create_secret_tls(
    name: str,
    cert_path: str,
    key_path: str,
    append_hash: bool = False,
    cwd: str | None = None,
    namespace: str | None = None,
) -> Obj:
    """`kubectl create secret tls NAME --cert=path --key=path` (PEM presence checked, not the key pair match)."""
    if not name:
        raise GeneratorError("name must be specified")
    if not cert_path or not key_path:
        raise GeneratorError("key and cert must be specified")
    blobs: list[bytes] = []
    for path in (cert_path, key_path):
        full = _resolve(path, cwd)
        if not FILES.exists(full) or FILES.isdir(full):
            raise GeneratorError(f"open {path}: no such file or directory")
        blobs.append(FILES.read(full))
    cert, key = blobs
    cert_types = [m.group(1) for m in _PEM_RE.finditer(cert)]
    if not cert_types:
        raise GeneratorError("tls: failed to find any PEM data in certificate input")
    if b"CERTIFICATE" not in cert_types:
        skipped = " ".join(t.decode() for t in cert_types)
        raise GeneratorError(
            f'tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of '
            f"the following types: [{skipped}]"
        )
    key_types = [m.group(1) for m in _PEM_RE.finditer(key)]
    if not key_types:
        raise GeneratorError("tls: failed to find any PEM data in key input")
    if not any(t == b"PRIVATE KEY" or t.endswith(b" PRIVATE KEY") for t in key_types):
        raise GeneratorError("tls: found a certificate rather than a key in the PEM for the private key")
    data = {"tls.crt": cert, "tls.key": key}
    type_ = "kubernetes.io/tls"
    if append_hash:
        m = {"kind": "Secret", "type": type_, "name": name, "data": {k: _b64(v) for k, v in data.items()}}
        name = f"{name}-{_name_hash(_go_json_compact(m))}"
    return _secret(name, namespace, data, type_)


# ---------------------------------------------------------------------------------------------------------
# Workloads: deployment, job, cronjob, run
# ---------------------------------------------------------------------------------------------------------


def _container(name: str, image: str, **fields: Any) -> Obj:
    """corev1.Container in Go field order; `resources: {}` is always present (a non-pointer struct)."""
    c: Obj = {"name": name, "image": image}
    for key in ("command", "args", "ports", "env"):
        if fields.get(key):
            c[key] = fields[key]
    c["resources"] = {}
    for key in ("imagePullPolicy", "securityContext", "stdin", "stdinOnce", "tty"):
        if fields.get(key):
            c[key] = fields[key]
    return c


def _container_name_from_image(image: str, rand_suffix: Callable[[], str]) -> str:
    name = image.split("/")[-1]
    if ":" in name:
        name = name.split(":")[0]
    if "@" in name:
        name = name.split("@")[0]
    if "_" in name or "." in name:
        name = name.replace("_", "-").replace(".", "-") + "-" + rand_suffix()
    return name


def _default_rand_suffix() -> str:
    """utilrand.String(5): five characters from kubernetes' consonant/digit alphabet."""
    import random

    return "".join(random.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(5))


def create_deployment(
    name: str,
    images: list[str],
    replicas: int = 1,
    port: int | None = None,
    command: list[str] | None = None,
    namespace: str | None = None,
    rand_suffix: Callable[[], str] = _default_rand_suffix,
) -> Obj:
    """`kubectl create deployment NAME --image=... [--replicas] [--port] [-- COMMAND]`."""
    if not images:
        raise _required_flag("image")
    if len(images) > 1 and command:
        raise GeneratorError("cannot specify multiple --image options and command")
    labels = {"app": name}
    containers = [_container(_container_name_from_image(img, rand_suffix), img) for img in images]
    if command:
        containers[0] = _container(containers[0]["name"], images[0], command=list(command))
    if port is not None and port >= 0:
        first = containers[0]
        containers[0] = _container(
            first["name"], first["image"], command=first.get("command"), ports=[{"containerPort": port}]
        )
    return {
        "kind": "Deployment",
        "apiVersion": "apps/v1",
        "metadata": _meta(name, namespace, labels=dict(labels)),
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": dict(labels)},
            "template": {
                "metadata": {"creationTimestamp": None, "labels": dict(labels)},
                "spec": {"containers": containers},
            },
            "strategy": {},
        },
        "status": {},
    }


# Go struct field orders for the types a CronJob's job template carries (for `create job --from=cronjob/x`).
_ORDER: dict[str, tuple[str, ...]] = {
    "ObjectMeta": (
        "name",
        "generateName",
        "namespace",
        "selfLink",
        "uid",
        "resourceVersion",
        "generation",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "labels",
        "annotations",
        "ownerReferences",
        "finalizers",
        "managedFields",
    ),
    "JobSpec": (
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "podFailurePolicy",
        "successPolicy",
        "backoffLimit",
        "backoffLimitPerIndex",
        "maxFailedIndexes",
        "selector",
        "manualSelector",
        "template",
        "ttlSecondsAfterFinished",
        "completionMode",
        "suspend",
        "podReplacementPolicy",
        "managedBy",
    ),
    "PodTemplateSpec": ("metadata", "spec"),
    "PodSpec": (
        "volumes",
        "initContainers",
        "containers",
        "ephemeralContainers",
        "restartPolicy",
        "terminationGracePeriodSeconds",
        "activeDeadlineSeconds",
        "dnsPolicy",
        "nodeSelector",
        "serviceAccountName",
        "serviceAccount",
        "automountServiceAccountToken",
        "nodeName",
        "hostNetwork",
        "hostPID",
        "hostIPC",
        "shareProcessNamespace",
        "securityContext",
        "imagePullSecrets",
        "hostname",
        "subdomain",
        "affinity",
        "schedulerName",
        "tolerations",
        "hostAliases",
        "priorityClassName",
        "priority",
        "dnsConfig",
        "readinessGates",
        "runtimeClassName",
        "enableServiceLinks",
        "preemptionPolicy",
        "overhead",
        "topologySpreadConstraints",
        "setHostnameAsFQDN",
        "os",
        "hostUsers",
        "schedulingGates",
        "resourceClaims",
        "resources",
    ),
    "Container": (
        "name",
        "image",
        "command",
        "args",
        "workingDir",
        "ports",
        "envFrom",
        "env",
        "resources",
        "resizePolicy",
        "restartPolicy",
        "volumeMounts",
        "volumeDevices",
        "livenessProbe",
        "readinessProbe",
        "startupProbe",
        "lifecycle",
        "terminationMessagePath",
        "terminationMessagePolicy",
        "imagePullPolicy",
        "securityContext",
        "stdin",
        "stdinOnce",
        "tty",
    ),
}
_ALWAYS: dict[str, dict[str, Any]] = {
    "ObjectMeta": {"creationTimestamp": None},
    "PodTemplateSpec": {"metadata": {}, "spec": {}},
    "Container": {"resources": {}},
    "JobSpec": {"template": {}},
}
_CHILD: dict[tuple[str, str], str] = {
    ("JobSpec", "template"): "PodTemplateSpec",
    ("PodTemplateSpec", "metadata"): "ObjectMeta",
    ("PodTemplateSpec", "spec"): "PodSpec",
    ("PodSpec", "containers"): "Container",
    ("PodSpec", "initContainers"): "Container",
}
_MAP_FIELDS = {("ObjectMeta", "labels"), ("ObjectMeta", "annotations"), ("PodSpec", "nodeSelector")}


def _typed(type_name: str, value: Any) -> Any:
    """Re-encode an unstructured value as the typed Go struct would marshal it (field order, placeholders)."""
    if isinstance(value, list):
        return [_typed(type_name, v) for v in value]
    if not isinstance(value, dict):
        return value
    order = _ORDER[type_name]
    merged = {**_ALWAYS.get(type_name, {}), **value}
    out: Obj = {}
    for key in [k for k in order if k in merged] + [k for k in merged if k not in order]:
        v = merged[key]
        child = _CHILD.get((type_name, key))
        if child:
            v = _typed(child, v)
        elif (type_name, key) in _MAP_FIELDS and isinstance(v, dict):
            v = _sorted_map(v)
        out[key] = v
    return out


def create_job(
    name: str,
    image: str | None = None,
    command: list[str] | None = None,
    from_cronjob: Mapping[str, Any] | None = None,
    namespace: str | None = None,
) -> Obj:
    """`kubectl create job NAME --image=... [-- COMMAND]` or `--from=cronjob/NAME` (pass the CronJob object)."""
    if (image and from_cronjob is not None) or (not image and from_cronjob is None):
        raise GeneratorError("either --image or --from must be specified")
    if from_cronjob is not None:
        kind = from_cronjob.get("kind", "")
        if kind != "CronJob":
            raise GeneratorError(f"unknown object type *v1.{kind}")
        template = from_cronjob.get("spec", {}).get("jobTemplate", {})
        tmeta = template.get("metadata", {})
        annotations = {"cronjob.kubernetes.io/instantiate": "manual", **(tmeta.get("annotations") or {})}
        owner = {
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "name": from_cronjob["metadata"]["name"],
            "uid": from_cronjob["metadata"].get("uid", ""),
            "controller": True,
        }
        meta = _meta(
            name,
            namespace,
            labels=_sorted_map(tmeta.get("labels") or {}),
            annotations=_sorted_map(annotations),
            ownerReferences=[owner],
        )
        return {
            "kind": "Job",
            "apiVersion": "batch/v1",
            "metadata": meta,
            "spec": _typed("JobSpec", template.get("spec", {})),
            "status": {},
        }
    assert image is not None
    return {
        "kind": "Job",
        "apiVersion": "batch/v1",
        "metadata": _meta(name, namespace),
        "spec": {
            "template": {
                "metadata": {"creationTimestamp": None},
                "spec": {"containers": [_container(name, image, command=command)], "restartPolicy": "Never"},
            }
        },
        "status": {},
    }


def create_cronjob(
    name: str,
    image: str | None,
    schedule: str | None,
    restart: str = "OnFailure",
    command: list[str] | None = None,
    namespace: str | None = None,
) -> Obj:
    """`kubectl create cronjob NAME --image=... --schedule=... [--restart] [-- COMMAND]`."""
    if not image:
        raise _required_flag("image")
    if not schedule:
        raise _required_flag("schedule")
    return {
        "kind": "CronJob",
        "apiVersion": "batch/v1",
        "metadata": _meta(name, namespace),
        "spec": {
            "schedule": schedule,
            "jobTemplate": {
                "metadata": {"name": name, "creationTimestamp": None},
                "spec": {
                    "template": {
                        "metadata": {"creationTimestamp": None},
                        "spec": {
                            "containers": [_container(name, image, command=command)],
                            "restartPolicy": restart,
                        },
                    }
                },
            },
        },
        "status": {},
    }


def _parse_labels(spec: str) -> dict[str, str]:
    """kubectl's ParseLabels for `--labels`/`--selector`: `k=v,k2=v2`."""
    out: dict[str, str] = {}
    for part in spec.split(","):
        kv = part.split("=")
        if len(kv) != 2:
            raise GeneratorError(f"unexpected label spec: {part}")
        out[kv[0]] = kv[1]
    return out


def run_pod(
    name: str,
    image: str | None,
    labels: str | None = None,
    env: list[str] | None = None,
    port: str | int | None = None,
    restart: str = "Always",
    command: bool = False,
    args: list[str] | None = None,
    annotations: list[str] | None = None,
    image_pull_policy: str = "",
    privileged: bool = False,
    stdin: bool = False,
    tty: bool = False,
    attach: bool | None = None,
    rm: bool = False,
    expose: bool = False,
    dry_run: bool = True,
    namespace: str | None = None,
) -> Obj:
    """`kubectl run NAME --image=... [--labels] [--env] [--port] [--restart] [--command] [-- ARGS]` (a Pod)."""
    if not name:
        raise GeneratorError("NAME is required for run", usage="kubectl run -h")
    if not image:
        raise _required_flag("image")
    if restart not in ("Always", "OnFailure", "Never"):
        raise GeneratorError(f"invalid restart policy: {restart}", usage="kubectl run -h")
    if image_pull_policy not in ("", "Always", "IfNotPresent", "Never"):
        raise GeneratorError(f"invalid image pull policy: {image_pull_policy}", usage="kubectl run -h")
    if not _IMAGE_REFERENCE_RE.match(image):
        raise GeneratorError(f'Invalid image name "{image}": invalid reference format')
    if tty and not stdin:
        raise GeneratorError(
            "-i/--stdin is required for containers with -t/--tty=true", usage="kubectl run -h"
        )
    if expose and port in (None, ""):
        raise GeneratorError("--port must be set when exposing a service", usage="kubectl run -h")
    attached = attach if attach is not None else stdin
    if dry_run and attached:
        raise GeneratorError(
            "--dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)",
            usage="kubectl run -h",
        )
    if rm and not attached:
        raise GeneratorError("--rm should only be used for attached containers", usage="kubectl run -h")
    pod_labels = _parse_labels(labels) if labels else {"run": name}
    pod_annotations: dict[str, str] = {}
    for a in annotations or []:
        key, sep, value = a.partition("=")
        if not sep:
            raise GeneratorError(f"invalid annotation spec: {a}")
        pod_annotations[key] = value
    env_vars: list[Obj] = []
    for e in env or []:
        key, sep, value = e.partition("=")
        if not sep:
            raise GeneratorError(f"invalid env: {e}")
        env_vars.append({"name": key, "value": value} if value else {"name": key})
    ports = None
    if port is not None and port != "":
        ports = [{"containerPort": _go_atoi(str(port)) if isinstance(port, str) else port}]
    fields: dict[str, Any] = {"ports": ports, "env": env_vars, "imagePullPolicy": image_pull_policy}
    if args:
        fields["command" if command else "args"] = list(args)
    if privileged:
        fields["securityContext"] = {"privileged": True}
    if stdin:
        fields["stdin"] = True
        fields["stdinOnce"] = True
    if tty:
        fields["tty"] = True
    meta = _meta(name, namespace, labels=_sorted_map(pod_labels), annotations=_sorted_map(pod_annotations))
    container = _container(name, image, **fields)
    if ports is not None and ports[0]["containerPort"] == 0:
        container["ports"] = ports  # a zero port is still written (the slice is non-empty)
        container = {k: container[k] for k in _ORDER["Container"] if k in container}
    return {
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": meta,
        "spec": {"containers": [container], "restartPolicy": restart, "dnsPolicy": "ClusterFirst"},
        "status": {},
    }


def run_expose_service(pod: Mapping[str, Any], port: str | int, labels: str | None = None) -> Obj:
    """The Service `kubectl run --expose --port=P` creates first: selector = the pod's labels, labels = --labels.

    kubectl prints it before the pod; with `-o yaml` the two documents are joined by `---\n---\n` [CAP].
    """
    meta = pod.get("metadata") or {}
    entry: Obj = {"protocol": "TCP", "port": _go_atoi(str(port))}
    entry["targetPort"] = entry["port"]
    spec: Obj = {"ports": [entry], "selector": _sorted_map(meta.get("labels") or {})}
    return _service(
        meta.get("name", ""), meta.get("namespace"), _parse_labels(labels) if labels else None, spec
    )


# Docker image references (github.com/distribution/reference ReferenceRegexp).
_IMG_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_IMG_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_IMG_DOMAIN = rf"(?:{_IMG_DOMAIN_COMPONENT}(?:\.{_IMG_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_IMAGE_REFERENCE_RE = re.compile(
    rf"^(?:{_IMG_DOMAIN}/)?{_IMG_COMPONENT}(?:/{_IMG_COMPONENT})*"
    r"(?::[\w][\w.-]{0,127})?"
    r"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$"
)


# ---------------------------------------------------------------------------------------------------------
# Services: create service <type>, expose
# ---------------------------------------------------------------------------------------------------------

_SERVICE_TYPES = {
    "clusterip": "ClusterIP",
    "nodeport": "NodePort",
    "loadbalancer": "LoadBalancer",
    "externalname": "ExternalName",
}


def _service_port(name: str | None, protocol: str, port: int, target: int | str, node_port: int = 0) -> Obj:
    """corev1.ServicePort in Go field order (name, protocol, port, targetPort, nodePort)."""
    p: Obj = {}
    if name:
        p["name"] = name
    p["protocol"] = protocol
    p["port"] = port
    p["targetPort"] = target
    if node_port:
        p["nodePort"] = node_port
    return p


def _service(name: str, namespace: str | None, labels: Mapping[str, str] | None, spec: Obj) -> Obj:
    meta = _meta(name, namespace, labels=_sorted_map(labels) if labels else None)
    return {
        "kind": "Service",
        "apiVersion": "v1",
        "metadata": meta,
        "spec": spec,
        "status": {"loadBalancer": {}},
    }


def create_service(
    kind: str,
    name: str,
    tcp: list[str] | None = None,
    clusterip: str | None = None,
    node_port: int | None = None,
    external_name: str | None = None,
    namespace: str | None = None,
) -> Obj:
    """`kubectl create service clusterip|nodeport|loadbalancer|externalname NAME [--tcp=port:target]...`."""
    svc_type = _SERVICE_TYPES[kind]
    tcp = tcp or []
    if svc_type == "ExternalName" and not external_name:
        raise _required_flag("external-name")
    clusterip = clusterip or ""
    if clusterip == "None" and svc_type != "ClusterIP":
        raise GeneratorError("ClusterIP=None can only be used with ClusterIP service type")
    if clusterip != "None" and not tcp and svc_type != "ExternalName":
        raise GeneratorError("at least one tcp port specifier must be provided")
    if svc_type == "ExternalName" and not _is_dns1123_subdomain(external_name or ""):
        raise GeneratorError(f"invalid service external name {external_name}")
    ports = []
    for spec in tcp:
        parts = spec.split(":")
        port = _parse_port(parts[0])
        target: int | str = port
        if len(parts) > 1:
            if re.fullmatch(r"[+-]?[0-9]+", parts[1]):
                num = int(parts[1])
                if not 1 <= num <= 65535:
                    raise GeneratorError("must be between 1 and 65535, inclusive")
                target = num
            else:
                errs = _port_name_errors(parts[1])
                if errs:
                    raise GeneratorError(",".join(errs))
                target = parts[1]
        ports.append(_service_port(spec.replace(":", "-"), "TCP", port, target, node_port or 0))
    spec_obj: Obj = {}
    if ports:
        spec_obj["ports"] = ports
    spec_obj["selector"] = {"app": name}
    if clusterip:
        spec_obj["clusterIP"] = clusterip
    spec_obj["type"] = svc_type
    if external_name:
        spec_obj["externalName"] = external_name
    return _service(name, namespace, {"app": name}, spec_obj)


_EXPOSABLE = {"Pod", "Service", "ReplicationController", "Deployment", "ReplicaSet"}


def _go_requirements(exprs: list[Mapping[str, Any]]) -> str:
    parts = []
    for e in exprs:
        values = " ".join(e.get("values") or [])
        parts.append(f"{{Key:{e.get('key', '')} Operator:{e.get('operator', '')} Values:[{values}]}}")
    return "[" + " ".join(parts) + "]"


def _selector_for(obj: Mapping[str, Any]) -> dict[str, str]:
    """polymorphichelpers.MapBasedSelectorForObject."""
    kind = obj.get("kind")
    spec = obj.get("spec") or {}
    if kind == "Pod":
        labels = (obj.get("metadata") or {}).get("labels") or {}
        if not labels:
            raise GeneratorError(
                "couldn't retrieve selectors via --selector flag or introspection: the pod has no labels and "
                "cannot be exposed"
            )
        return dict(labels)
    if kind in ("Service", "ReplicationController"):
        sel = spec.get("selector") or {}
        if not sel:
            what = "service" if kind == "Service" else "replication controller"
            raise GeneratorError(
                f"couldn't retrieve selectors via --selector flag or introspection: the {what} has no pod "
                f"selector set"
            )
        return dict(sel)
    sel = spec.get("selector") or {}
    if sel.get("matchExpressions"):
        raise GeneratorError(
            "couldn't retrieve selectors via --selector flag or introspection: couldn't convert expressions - "
            f'"{_go_requirements(sel["matchExpressions"])}" to map-based selector format'
        )
    return dict(sel.get("matchLabels") or {})


def _ports_for(obj: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(port, protocol) pairs from polymorphichelpers.PortsForObject / MultiProtocolsForObject."""
    kind = obj.get("kind")
    spec = obj.get("spec") or {}
    out: list[tuple[str, str]] = []
    if kind == "Service":
        for p in spec.get("ports") or []:
            out.append((str(p.get("port")), p.get("protocol") or "TCP"))
        return out
    pod_spec = spec if kind == "Pod" else ((spec.get("template") or {}).get("spec") or {})
    for c in pod_spec.get("containers") or []:
        for p in c.get("ports") or []:
            out.append((str(p.get("containerPort")), p.get("protocol") or "TCP"))
    return out


def expose(
    obj: Mapping[str, Any],
    port: str | None = None,
    target_port: str | None = None,
    type: str | None = None,
    name: str | None = None,
    protocol: str | None = None,
    selector: str | None = None,
    labels: str | None = None,
    external_ip: str | None = None,
    load_balancer_ip: str | None = None,
    session_affinity: str | None = None,
    cluster_ip: str | None = None,
    namespace: str | None = None,
) -> Obj:
    """`kubectl expose (deployment|rs|rc|pod|service) NAME [--port] [--target-port] [--type] [--name] ...`."""
    kind = obj.get("kind", "")
    if kind not in _EXPOSABLE:
        raise GeneratorError(f"cannot expose a {kind}")
    meta = obj.get("metadata") or {}
    svc_selector = _parse_labels(selector) if selector else _selector_for(obj)
    protocols: dict[str, list[str]] = {}
    if port:
        port_strings = port.split(",")
    else:
        found = _ports_for(obj)
        if not found:
            raise GeneratorError("couldn't find port via --port flag or introspection")
        port_strings = []
        for p, _ in found:
            if p not in port_strings:
                port_strings.append(p)
    for p, proto in _ports_for(obj):
        protocols.setdefault(p, [])
        if proto not in protocols[p]:
            protocols[p].append(proto)
    svc_labels = _parse_labels(labels) if labels else dict(meta.get("labels") or {})
    ports: list[Obj] = []
    for i, ps in enumerate(port_strings):
        num = _go_atoi(ps)
        pname = f"port-{i + 1}" if len(port_strings) > 1 else ""
        proto = protocol or ""
        if not proto and protocols:
            proto = "TCP"
            found_protos = protocols.get(ps)
            if found_protos:
                if len(found_protos) == 1:
                    proto = found_protos[0]
                else:
                    for fp in found_protos:
                        ports.append({"name": f"port-{i + 1}-{fp.lower()}", "protocol": fp, "port": num})
                    continue
        elif not proto:
            proto = "TCP"
        entry: Obj = {}
        if pname:
            entry["name"] = pname
        entry["protocol"] = proto
        entry["port"] = num
        ports.append(entry)
    for entry in ports:
        if target_port:
            entry["targetPort"] = (
                int(target_port) if re.fullmatch(r"[+-]?[0-9]+", target_port) else target_port
            )
        else:
            entry["targetPort"] = entry["port"]
    spec: Obj = {"ports": ports, "selector": _sorted_map(svc_selector)}
    if cluster_ip:
        spec["clusterIP"] = cluster_ip
    if type:
        spec["type"] = type
    if external_ip:
        spec["externalIPs"] = [external_ip]
    if session_affinity:
        if session_affinity not in ("ClientIP", "None"):
            raise GeneratorError(f"unknown session affinity: {session_affinity}")
        spec["sessionAffinity"] = session_affinity
    if type == "LoadBalancer" and load_balancer_ip:
        spec["loadBalancerIP"] = load_balancer_ip
    order = ("ports", "selector", "clusterIP", "type", "externalIPs", "sessionAffinity", "loadBalancerIP")
    spec = {k: spec[k] for k in order if k in spec}
    return _service(name or meta.get("name", ""), namespace, svc_labels, spec)


# ---------------------------------------------------------------------------------------------------------
# Ingress
# ---------------------------------------------------------------------------------------------------------

_RULE_RE = re.compile(
    r"^(?P<host>[\w\*\-\.]*)(?P<path>/.*)=(?P<service>[\w\-]+):(?P<port>[\w\-]+)(,tls=?(?P<secret>[\w\-]*))?$"
)


def _backend(service: str) -> Obj:
    svc, port = service.split(":")[0], service.split(":")[1]
    port_obj = {"number": int(port)} if re.fullmatch(r"[0-9]+", port) else {"name": port}
    return {"service": {"name": svc, "port": port_obj}}


def create_ingress(
    name: str,
    rules: list[str] | None = None,
    class_name: str | None = None,
    default_backend: str | None = None,
    annotations: list[str] | None = None,
    namespace: str | None = None,
) -> Obj:
    """`kubectl create ingress NAME --rule=host/path=svc:port[,tls[=secret]] [--class] [--default-backend]`."""
    rules, annotations = rules or [], annotations or []
    if not default_backend and not rules:
        raise GeneratorError(
            "not enough information provided: every ingress has to either specify a default-backend (which "
            "catches all traffic) or a list of rules (which catch specific paths)"
        )
    for rule in rules:
        if not _RULE_RE.match(rule):
            raise GeneratorError(
                f"rule {rule} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]"
            )
    for a in annotations:
        if "=" not in a:
            raise GeneratorError(f"annotation {a} is invalid and should be in format key=[value]")
    if default_backend and len(default_backend.split(":")) != 2:
        raise GeneratorError("default-backend should be in format servicename:serviceport")
    ann = {a.split("=", 1)[0]: a.split("=", 1)[1] for a in annotations}
    spec: Obj = {}
    if class_name:
        spec["ingressClassName"] = class_name
    if default_backend:
        spec["defaultBackend"] = _backend(default_backend)
    tls_list: list[Obj] = []
    seen_hosts: set[str] = set()
    for rule in rules:
        parts = rule.split(",")
        if len(parts) != 2:
            continue
        host = rule.split("/", 1)[0]
        secret_parts = parts[1].split("=")
        secret = secret_parts[1] if len(secret_parts) > 1 else ""
        if host in seen_hosts:
            continue
        idx = next((i for i, t in enumerate(tls_list) if t.get("secretName", "") == secret), -1)
        if idx > -1:
            tls_list[idx].setdefault("hosts", []).append(host)
            tls_list[idx] = {k: tls_list[idx][k] for k in ("hosts", "secretName") if k in tls_list[idx]}
            seen_hosts.add(host)
            continue
        entry: Obj = {}
        if host:
            entry["hosts"] = [host]
        if secret:
            entry["secretName"] = secret
        if entry:
            tls_list.append(entry)
        seen_hosts.add(host)
    if tls_list:
        spec["tls"] = tls_list
    ingress_rules: list[Obj] = []
    for rule in rules:
        without_tls = rule.split(",")[0]
        host, path_svc = without_tls.split("/", 1)
        path_part, service = path_svc.split("=")[0], path_svc.split("=")[1]
        path = "/" + path_part
        path_type = "Exact"
        if path.endswith("*"):
            path_type, path = "Prefix", path[:-1]
        http_path = {"path": path, "pathType": path_type, "backend": _backend(service)}
        existing = next((r for r in ingress_rules if r.get("host", "") == host), None)
        if existing is not None:
            existing["http"]["paths"].append(http_path)
            continue
        r: Obj = {}
        if host:
            r["host"] = host
        r["http"] = {"paths": [http_path]}
        ingress_rules.append(r)
    if ingress_rules:
        spec["rules"] = ingress_rules
    meta = _meta(name, namespace, annotations=_sorted_map(ann))
    return {
        "kind": "Ingress",
        "apiVersion": "networking.k8s.io/v1",
        "metadata": meta,
        "spec": spec,
        "status": {"loadBalancer": {}},
    }


# ---------------------------------------------------------------------------------------------------------
# RBAC
# ---------------------------------------------------------------------------------------------------------

_VALID_RESOURCE_VERBS = (
    "*",
    "get",
    "delete",
    "list",
    "create",
    "update",
    "patch",
    "watch",
    "proxy",
    "deletecollection",
    "use",
    "bind",
    "escalate",
    "impersonate",
)
_VALID_NON_RESOURCE_VERBS = ("*", "get", "post", "put", "delete", "patch", "head", "options")
_SPECIAL_VERBS: dict[str, tuple[tuple[str, str], ...]] = {
    "use": (("policy", "podsecuritypolicies"), ("extensions", "podsecuritypolicies")),
    "bind": (("rbac.authorization.k8s.io", "roles"), ("rbac.authorization.k8s.io", "clusterroles")),
    "escalate": (("rbac.authorization.k8s.io", "roles"), ("rbac.authorization.k8s.io", "clusterroles")),
    "impersonate": (
        ("", "users"),
        ("", "serviceaccounts"),
        ("", "groups"),
        ("authentication.k8s.io", "userextras"),
        ("authentication.k8s.io", "uids"),
    ),
}

# A resolver maps (resource, group) to (group, plural) like a RESTMapper's ResourceFor, or returns None.
ResourceResolver = Callable[[str, str], "tuple[str, str] | None"]


def registry_resolver(registry: Any) -> ResourceResolver:
    """A ResourceFor-like resolver over `k8stutor.engine.registry.Registry` (plural, singular or short name)."""

    def resolve(resource: str, group: str) -> tuple[str, str] | None:
        for rt in registry.in_discovery_order():
            if group and rt.group != group:
                continue
            if resource in (rt.plural, rt.singular) or resource in rt.short_names:
                return rt.group, rt.plural
        return None

    return resolve


def _dedupe(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for i in items:
        if i not in out:
            out.append(i)
    return out


def _split_resources(resources: list[str]) -> list[tuple[str, str, str]]:
    """--resource values as (resource, group, subresource); a bare `*` stands alone."""
    out: list[tuple[str, str, str]] = []
    for r in resources:
        section, _, sub = r.partition("/")
        res, _, group = section.partition(".")
        if res == "*" and "." not in section and "/" not in r:
            return [(res, group, sub)]
        out.append((res, group, sub))
    return out


def _resolve_resources(
    parsed: list[tuple[str, str, str]], verbs: list[str], resolver: ResourceResolver | None
) -> list[tuple[str, str, str]]:
    """validateResource then generateResourcePolicyRules' mapping: (group, resource, subresource) triples."""
    for res, group, _sub in parsed:
        if not res:
            raise GeneratorError("resource must be specified if apiGroup/subresource specified")
        if res == "*":
            break
        found = resolver(res, group) if resolver else (group, res)
        r_group, r_res = found if found else (group, res)
        for v in verbs:
            allowed = _SPECIAL_VERBS.get(v)
            if allowed is not None and (r_group, r_res) not in allowed:
                raise GeneratorError(f"can not perform '{v}' on '{r_res}' in group '{r_group}'")
        if found is None:
            where = f' in group "{group}"' if group else ""
            raise GeneratorError(f'the server doesn\'t have a resource type "{res}"{where}', plain=True)
    out = []
    for res, group, sub in parsed:
        found = resolver(res, group) if resolver and res != "*" else None
        out.append((found[0], found[1], sub) if found else (group, res, sub))
    return out


def _policy_rules(
    resolved: list[tuple[str, str, str]],
    verbs: list[str],
    resource_names: list[str],
    non_resource_urls: list[str],
) -> list[Obj]:
    mapping: dict[str, list[str]] = {}
    for group, res, sub in resolved:
        full = f"{res}/{sub}" if sub else res
        lst = mapping.setdefault(group, [])
        if full not in lst:
            lst.append(full)
    rules: list[Obj] = []
    for g in sorted(mapping):
        rule: Obj = {"verbs": list(verbs), "apiGroups": [g], "resources": mapping[g]}
        if resource_names:
            rule["resourceNames"] = list(resource_names)
        rules.append(rule)
    if non_resource_urls:
        rules.append({"verbs": list(verbs), "nonResourceURLs": list(non_resource_urls)})
    return rules


def _role_verbs(verbs: list[str]) -> list[str]:
    """Duplicate verbs removed; `*` anywhere means just `*`."""
    return ["*"] if "*" in verbs else _dedupe(verbs)


def create_role(
    name: str,
    verbs: list[str],
    resources: list[str],
    resource_names: list[str] | None = None,
    resolver: ResourceResolver | None = None,
    namespace: str | None = None,
    warnings: list[str] | None = None,
) -> Obj:
    """`kubectl create role NAME --verb=... --resource=resource.group/subresource [--resource-name=...]`.

    Non-standard verbs append `Warning: 'x' is not a standard resource verb` to `warnings` (kubectl's stderr).
    """
    if not name:
        raise GeneratorError("name must be specified")
    verbs = _role_verbs(verbs)
    parsed = _split_resources(resources)
    if not verbs:
        raise GeneratorError("at least one verb must be specified")
    for v in verbs:
        if v not in _VALID_RESOURCE_VERBS and warnings is not None:
            warnings.append(f"Warning: '{v}' is not a standard resource verb")
    if not parsed:
        raise GeneratorError("at least one resource must be specified")
    resolved = _resolve_resources(parsed, verbs, resolver)
    rules = _policy_rules(resolved, verbs, _dedupe(resource_names or []), [])
    return {
        "kind": "Role",
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "metadata": _meta(name, namespace),
        "rules": rules,
    }


def create_clusterrole(
    name: str,
    verbs: list[str] | None = None,
    resources: list[str] | None = None,
    resource_names: list[str] | None = None,
    non_resource_urls: list[str] | None = None,
    aggregation_rule: str | None = None,
    resolver: ResourceResolver | None = None,
    warnings: list[str] | None = None,
) -> Obj:
    """`kubectl create clusterrole NAME --verb=... [--resource] [--non-resource-url] | --aggregation-rule=k=v`."""
    verbs, resources = verbs or [], resources or []
    resource_names, non_resource_urls = resource_names or [], non_resource_urls or []
    if not name:
        raise GeneratorError("name must be specified")
    meta = _meta(name)
    if aggregation_rule:
        if non_resource_urls or verbs or resources or resource_names:
            raise GeneratorError(
                "aggregation rule must be specified without nonResourceURLs, verbs, resources or resourceNames"
            )
        selector = {}
        for part in aggregation_rule.split(","):
            key, sep, value = part.partition("=")
            if not sep:
                raise GeneratorError(
                    f'invalid argument "{aggregation_rule}" for "--aggregation-rule" flag: '
                    f"{part} must be formatted as key=value"
                )
            selector[key] = value
        return {
            "kind": "ClusterRole",
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "metadata": meta,
            "rules": None,
            "aggregationRule": {"clusterRoleSelectors": [{"matchLabels": _sorted_map(selector)}]},
        }
    verbs = _role_verbs(verbs)
    if not verbs:
        raise GeneratorError("at least one verb must be specified")
    parsed = _split_resources(resources)
    if not parsed and not non_resource_urls:
        raise GeneratorError("one of resource or nonResourceURL must be specified")
    resolved: list[tuple[str, str, str]] = []
    if parsed:
        for v in verbs:
            if v not in _VALID_RESOURCE_VERBS and warnings is not None:
                warnings.append(f"Warning: '{v}' is not a standard resource verb")
        resolved = _resolve_resources(parsed, verbs, resolver)
    if non_resource_urls:
        for v in verbs:
            if v not in _VALID_NON_RESOURCE_VERBS:
                raise GeneratorError(f"invalid verb: '{v}' for nonResourceURL")
        for url in non_resource_urls:
            if url == "*":
                continue
            if not url.startswith("/"):
                raise GeneratorError("nonResourceURL should start with /")
            if "*" in url[:-1]:
                raise GeneratorError("nonResourceURL only supports wildcard matches when '*' is at the end")
    rules = _policy_rules(resolved, verbs, _dedupe(resource_names), non_resource_urls)
    return {
        "kind": "ClusterRole",
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "metadata": meta,
        "rules": rules,
    }


def _subjects(users: list[str], groups: list[str], serviceaccounts: list[str]) -> list[Obj]:
    subjects: list[Obj] = []
    for u in users:
        subjects.append({"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": u})
    for g in groups:
        subjects.append({"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": g})
    for sa in serviceaccounts:
        parts = sa.split(":")
        if len(parts) != 2:
            raise GeneratorError("serviceaccount must be <namespace>:<name>")
        subjects.append({"kind": "ServiceAccount", "name": parts[1], "namespace": parts[0]})
    return subjects


def create_rolebinding(
    name: str,
    role: str | None = None,
    clusterrole: str | None = None,
    users: list[str] | None = None,
    groups: list[str] | None = None,
    serviceaccounts: list[str] | None = None,
    namespace: str | None = None,
) -> Obj:
    """`kubectl create rolebinding NAME --role=R|--clusterrole=CR [--user] [--group] [--serviceaccount=ns:name]`."""
    if not name:
        raise GeneratorError("name must be specified")
    if bool(role) == bool(clusterrole):
        raise GeneratorError("exactly one of clusterrole or role must be specified")
    subjects = _subjects(users or [], groups or [], serviceaccounts or [])
    obj: Obj = {
        "kind": "RoleBinding",
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "metadata": _meta(name, namespace),
    }
    if subjects:
        obj["subjects"] = subjects
    obj["roleRef"] = {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "Role" if role else "ClusterRole",
        "name": role or clusterrole,
    }
    return obj


def create_clusterrolebinding(
    name: str,
    clusterrole: str | None,
    users: list[str] | None = None,
    groups: list[str] | None = None,
    serviceaccounts: list[str] | None = None,
) -> Obj:
    """`kubectl create clusterrolebinding NAME --clusterrole=CR [--user] [--group] [--serviceaccount=ns:name]`."""
    if not clusterrole:
        raise _required_flag("clusterrole")
    subjects = _subjects(users or [], groups or [], serviceaccounts or [])
    obj: Obj = {
        "kind": "ClusterRoleBinding",
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "metadata": _meta(name),
    }
    if subjects:
        obj["subjects"] = subjects
    obj["roleRef"] = {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": clusterrole}
    return obj


# ---------------------------------------------------------------------------------------------------------
# quota, priorityclass, poddisruptionbudget
# ---------------------------------------------------------------------------------------------------------

def canonical_quantity(text: str) -> str:
    """resource.ParseQuantity(text).String(): `0.5` → `500m`, `1.5Gi` → `1536Mi`, `1000` → `1k`."""
    try:
        return str(Quantity.parse(text))
    except QuantityError as exc:
        raise GeneratorError(str(exc)) from None


def create_quota(name: str, hard: str = "", scopes: str = "", namespace: str | None = None) -> Obj:
    """`kubectl create quota NAME [--hard=cpu=1,memory=1G,...] [--scopes=BestEffort,...]`."""
    spec: Obj = {}
    if hard:
        limits: dict[str, str] = {}
        for part in hard.split(","):
            kv = part.split("=")
            if len(kv) != 2:
                raise GeneratorError(f"Invalid argument syntax {part}, expected <resource>=<value>")
            limits[kv[0]] = canonical_quantity(kv[1])
        spec["hard"] = _sorted_map(limits)
    if scopes:
        spec["scopes"] = [s for s in scopes.split(",")]
    return {
        "kind": "ResourceQuota",
        "apiVersion": "v1",
        "metadata": _meta(name, namespace),
        "spec": spec,
        "status": {},
    }


def create_priorityclass(
    name: str,
    value: int = 0,
    global_default: bool = False,
    description: str = "",
    preemption_policy: str = "PreemptLowerPriority",
) -> Obj:
    """`kubectl create priorityclass NAME [--value] [--global-default] [--description] [--preemption-policy]`."""
    obj: Obj = {
        "kind": "PriorityClass",
        "apiVersion": "scheduling.k8s.io/v1",
        "metadata": _meta(name),
        "value": value,
    }
    if global_default:
        obj["globalDefault"] = True
    if description:
        obj["description"] = description
    obj["preemptionPolicy"] = preemption_policy
    return obj


def _split_selector(text: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return parts


def _label_selector(text: str) -> Obj:
    """metav1.ParseToLabelSelector: `k=v`, `k==v`, `k in (a,b)`, `k notin (a)`, `k`, `!k`."""
    reqs: list[tuple[str, str, list[str]]] = []
    for raw in _split_selector(text):
        part = raw.strip()
        if not part:
            continue
        m = re.fullmatch(r"(\S+)\s+(in|notin)\s*\((.*)\)", part)
        if m:
            values = sorted({v.strip() for v in m.group(3).split(",") if v.strip()})
            reqs.append((m.group(1), "In" if m.group(2) == "in" else "NotIn", values))
        elif "!=" in part:
            raise GeneratorError('"!=" is not a valid label selector operator')
        elif "==" in part or "=" in part:
            key, _, value = part.partition("==") if "==" in part else part.partition("=")
            reqs.append((key.strip(), "Equals", [value.strip()]))
        elif part.startswith("!"):
            reqs.append((part[1:].strip(), "DoesNotExist", []))
        else:
            reqs.append((part, "Exists", []))
    reqs.sort(key=lambda r: r[0])
    match_labels: dict[str, str] = {}
    exprs: list[Obj] = []
    for key, op, values in reqs:
        if op == "Equals":
            match_labels[key] = values[0]
        elif op in ("In", "NotIn"):
            exprs.append({"key": key, "operator": op, "values": values})
        else:
            exprs.append({"key": key, "operator": op})
    sel: Obj = {}
    if match_labels:
        sel["matchLabels"] = _sorted_map(match_labels)
    if exprs:
        sel["matchExpressions"] = exprs
    return sel


def create_poddisruptionbudget(
    name: str,
    selector: str = "",
    min_available: str = "",
    max_unavailable: str = "",
    namespace: str | None = None,
) -> Obj:
    """`kubectl create pdb NAME --selector=... --min-available=N|N% | --max-unavailable=N|N%`."""
    if not name:
        raise GeneratorError("name must be specified")
    if not selector:
        raise GeneratorError("a selector must be specified")
    if not min_available and not max_unavailable:
        raise GeneratorError("one of min-available or max-unavailable must be specified")
    if min_available and max_unavailable:
        raise GeneratorError("min-available and max-unavailable cannot be both specified")
    value = min_available or max_unavailable
    if not re.fullmatch(r"[0-9]+%?", value):
        which = "min-available" if min_available else "max-unavailable"
        raise GeneratorError(f"invalid format specified for {which}")
    parsed: int | str = int(value) if value.isdigit() else value
    spec: Obj = {}
    if min_available:
        spec["minAvailable"] = parsed
    spec["selector"] = _label_selector(selector)
    if max_unavailable:
        spec["maxUnavailable"] = parsed
    return {
        "kind": "PodDisruptionBudget",
        "apiVersion": "policy/v1",
        "metadata": _meta(name, namespace),
        "spec": spec,
        "status": {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0},
    }
