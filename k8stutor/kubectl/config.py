"""The kubeconfig the built-in kubectl uses: kubeadm's admin.conf for the simulated cluster."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

ADMIN_USER = "kubernetes-admin"
CLUSTER = "kubernetes"
ADMIN_CONTEXT = f"{ADMIN_USER}@{CLUSTER}"


@dataclass
class KubeConfig:
    """Clusters, users and contexts (namespaces per context), as ``kubectl config`` sees them."""

    clusters: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    contexts: dict[str, dict[str, Any]] = field(default_factory=dict)
    current_context: str = ""

    @classmethod
    def default(cls, server: str = "https://192.168.66.10:6443") -> KubeConfig:
        return cls(
            clusters={CLUSTER: {"certificate-authority-data": "DATA+OMITTED", "server": server}},
            users={ADMIN_USER: {"client-certificate-data": "DATA+OMITTED", "client-key-data": "DATA+OMITTED"}},
            contexts={ADMIN_CONTEXT: {"cluster": CLUSTER, "user": ADMIN_USER}},
            current_context=ADMIN_CONTEXT,
        )

    def current_namespace(self, context: str | None = None) -> str:
        ctx = self.contexts.get(context or self.current_context) or {}
        return ctx.get("namespace") or "default"

    def current_user(self, context: str | None = None) -> str:
        ctx = self.contexts.get(context or self.current_context) or {}
        return ctx.get("user", "")

    def as_dict(self, raw: bool = False) -> dict[str, Any]:
        """The kubeconfig as ``kubectl config view`` prints it: ``*-data`` shown as DATA+OMITTED and tokens and
        passwords as REDACTED unless ``raw``."""

        def redact(entry: dict[str, Any]) -> dict[str, Any]:
            out = copy.deepcopy(entry)
            if raw:
                return out
            for k in list(out):
                if k.endswith("-data"):
                    out[k] = "DATA+OMITTED"
                elif k in ("token", "password"):
                    out[k] = "REDACTED"
            return out

        return {
            "apiVersion": "v1",
            "clusters": [{"cluster": redact(c), "name": n} for n, c in sorted(self.clusters.items())] or None,
            "contexts": [{"context": copy.deepcopy(c), "name": n} for n, c in sorted(self.contexts.items())] or None,
            "current-context": self.current_context,
            "kind": "Config",
            "preferences": {},
            "users": [{"name": n, "user": redact(u)} for n, u in sorted(self.users.items())] or None,
        }

    def to_state(self) -> dict[str, Any]:
        return {"clusters": self.clusters, "users": self.users, "contexts": self.contexts,
                "current_context": self.current_context}

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> KubeConfig:
        return cls(dict(data.get("clusters", {})), dict(data.get("users", {})), dict(data.get("contexts", {})),
                   str(data.get("current_context", "")))
