"""The kubeconfig that points real kubectl / helm at ``k8stutor serve``."""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ...kubectl.config import ADMIN_USER

if TYPE_CHECKING:
    from .tls import PKI

CLUSTER_NAME = "kubernetes"
CONTEXT_NAME = f"{ADMIN_USER}@{CLUSTER_NAME}"


def kubeconfig_text(server: str, namespace: str | None = None, pki: PKI | None = None) -> str:
    """A kubeconfig (YAML) with one cluster, the admin user and its context, like kubeadm's admin.conf.

    With ``pki`` (a TLS server) the cluster carries the CA and the user the admin's client certificate and key.
    """
    context: dict[str, str] = {"cluster": CLUSTER_NAME, "user": ADMIN_USER}
    if namespace:
        context["namespace"] = namespace
    cluster: dict[str, Any] = {"server": server}
    user: dict[str, Any] = {}
    if pki is not None:
        cluster = {"certificate-authority-data": pki.b64("ca.crt"), "server": server}
        user = {"client-certificate-data": pki.b64("admin.crt"), "client-key-data": pki.b64("admin.key")}
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"cluster": cluster, "name": CLUSTER_NAME}],
        "contexts": [{"context": context, "name": CONTEXT_NAME}],
        "current-context": CONTEXT_NAME,
        "preferences": {},
        "users": [{"name": ADMIN_USER, "user": user}],
    }
    return yaml.safe_dump(doc, sort_keys=False)


def write_kubeconfig(
    path: str | os.PathLike[str], server: str, namespace: str | None = None, pki: PKI | None = None
) -> Path:
    """Write the kubeconfig (mode 0600, parent directories created); returns the absolute path."""
    p = Path(path).expanduser().absolute()
    p.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(kubeconfig_text(server, namespace, pki))
    return p


def export_line(path: str | os.PathLike[str]) -> str:
    """The shell line that makes real tools use the kubeconfig."""
    return f"export KUBECONFIG={shlex.quote(str(path))}"


def pki_dir_for(kubeconfig: str | os.PathLike[str] | None) -> Path:
    """Where the served cluster's certificates live: next to the kubeconfig (``k8stutor.yaml`` ->
    ``k8stutor-pki/``), else in the user data directory."""
    if kubeconfig:
        p = Path(kubeconfig).expanduser().absolute()
        return p.with_name(f"{p.stem}-pki")
    from platformdirs import user_data_dir

    return Path(user_data_dir("k8stutor", appauthor=False)) / "pki"
