"""The kubeconfig that points real kubectl / helm at ``k8stutor serve``."""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import yaml

from ...kubectl.config import ADMIN_USER

CLUSTER_NAME = "kubernetes"
CONTEXT_NAME = f"{ADMIN_USER}@{CLUSTER_NAME}"


def kubeconfig_text(server: str, namespace: str | None = None) -> str:
    """A kubeconfig (YAML) with one cluster, the admin user and its context, like kubeadm's admin.conf."""
    context: dict[str, str] = {"cluster": CLUSTER_NAME, "user": ADMIN_USER}
    if namespace:
        context["namespace"] = namespace
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"cluster": {"server": server}, "name": CLUSTER_NAME}],
        "contexts": [{"context": context, "name": CONTEXT_NAME}],
        "current-context": CONTEXT_NAME,
        "preferences": {},
        "users": [{"name": ADMIN_USER, "user": {}}],
    }
    return yaml.safe_dump(doc, sort_keys=False)


def write_kubeconfig(path: str | os.PathLike[str], server: str, namespace: str | None = None) -> Path:
    """Write the kubeconfig (mode 0600, parent directories created); returns the absolute path."""
    p = Path(path).expanduser().absolute()
    p.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(kubeconfig_text(server, namespace))
    return p


def export_line(path: str | os.PathLike[str]) -> str:
    """The shell line that makes real tools use the kubeconfig."""
    return f"export KUBECONFIG={shlex.quote(str(path))}"
