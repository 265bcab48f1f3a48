"""Who is asking: users, request attributes, and the API as seen by one user (authorized per call).

Cluster components (controllers, kubelets, the scheduler) use the APIServer directly, as privileged
loopback clients. Clients that act for a person — kubectl, the HTTP server, Helm — use ``api.as_user(user)``,
which asks the registered authorizers (RBAC once it exists) before every call, exactly where a real API
server would, and produces the real Forbidden message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import errors

if TYPE_CHECKING:
    from ..registry import ResourceType
    from .server import APIServer


@dataclass(frozen=True)
class UserInfo:
    """An authenticated user (user.Info)."""

    username: str
    groups: tuple[str, ...] = ()
    uid: str = ""
    extra: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())


# kubeadm's admin.conf user (v1.29+: bound to cluster-admin through the kubeadm:cluster-admins group).
ADMIN = UserInfo("kubernetes-admin", ("kubeadm:cluster-admins", "system:authenticated"))


@dataclass(frozen=True)
class Attributes:
    """authorizer.Attributes: what a request wants to do."""

    user: UserInfo
    verb: str
    group: str = ""
    resource: str = ""
    subresource: str = ""
    namespace: str = ""
    name: str = ""
    resource_request: bool = True
    path: str = ""


# An authorizer answers "allow", "deny" or "" (no opinion) with a reason, like the real union authorizer.
Authorizer = Callable[[Attributes], tuple[str, str]]


def forbidden_message(a: Attributes) -> str:
    """The real RBAC Forbidden text, e.g. ``pods "web" is forbidden: User "jane" cannot get resource "pods" in
    API group "" in the namespace "default"``."""
    gr = a.resource + (f".{a.group}" if a.group else "")
    target = f'{gr} "{a.name}"' if a.name else gr
    res = a.resource + (f"/{a.subresource}" if a.subresource else "")
    where = f'in the namespace "{a.namespace}"' if a.namespace else "at the cluster scope"
    who = f'User "{a.user.username}"'
    if a.user.username.startswith("system:serviceaccount:"):
        who = f'User "{a.user.username}"'
    return f'{target} is forbidden: {who} cannot {a.verb} resource "{res}" in API group "{a.group}" {where}'


class UserAPI:
    """The API seen by one user: the same methods as APIServer, each authorized first."""

    def __init__(self, api: APIServer, user: UserInfo) -> None:
        self._api = api
        self.user = user

    def __getattr__(self, name: str) -> Any:
        # Non-request attributes (store, registry, clock, now(), rt_for, ...) pass through.
        return getattr(self._api, name)

    def _check(self, verb: str, resource: Any, namespace: str | None = None, name: str = "",
               subresource: str = "") -> ResourceType:
        rt = self._api.rt_for(resource)
        ns = (namespace or "default") if rt.namespaced else ""
        self._api.authorize(Attributes(self.user, verb, rt.group, rt.plural, subresource, ns, name))
        return rt

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        prev = self._api.current_user
        self._api.current_user = self.user
        try:
            return fn(*args, **kwargs)
        finally:
            self._api.current_user = prev

    # ---- reads ---------------------------------------------------------------------------------
    def get(self, resource: Any, name: str, namespace: str | None = None) -> Any:
        self._check("get", resource, namespace, name)
        return self._api.get(resource, name, namespace)

    def peek(self, resource: Any, name: str, namespace: str | None = None) -> Any:
        self._check("get", resource, namespace, name)
        return self._api.peek(resource, name, namespace)

    def peek_or_raise(self, resource: Any, name: str, namespace: str | None = None) -> Any:
        self._check("get", resource, namespace, name)
        return self._api.peek_or_raise(resource, name, namespace)

    def list_objects(self, resource: Any, namespace: str | None = None, label_selector: str | None = None,
                     field_selector: str | None = None) -> Any:
        rt = self._api.rt_for(resource)
        self._api.authorize(Attributes(self.user, "list", rt.group, rt.plural, "", namespace or "" if rt.namespaced
                                       else ""))
        return self._api.list_objects(resource, namespace, label_selector, field_selector)

    def list(self, resource: Any, namespace: str | None = None, label_selector: str | None = None,
             field_selector: str | None = None) -> Any:
        rt = self._api.rt_for(resource)
        self._api.authorize(Attributes(self.user, "list", rt.group, rt.plural, "", namespace or "" if rt.namespaced
                                       else ""))
        return self._api.list(resource, namespace, label_selector, field_selector)

    def watch(self, resource: Any, namespace: str | None = None, resource_version: str | None = None,
              callback: Any = None) -> Any:
        rt = self._api.rt_for(resource)
        self._api.authorize(Attributes(self.user, "watch", rt.group, rt.plural, "", namespace or "" if rt.namespaced
                                       else ""))
        return self._api.watch(resource, namespace, resource_version, callback)

    # ---- writes --------------------------------------------------------------------------------
    def create(self, obj: Any, namespace: str | None = None, **kwargs: Any) -> Any:
        rt = kwargs.get("rt") or self._api.rt_for_object(obj)
        ns = (obj.get("metadata") or {}).get("namespace") if isinstance(obj, dict) else None
        self._check("create", rt, ns or namespace)
        return self._call(self._api.create, obj, namespace, **kwargs)

    def update(self, obj: Any, namespace: str | None = None, **kwargs: Any) -> Any:
        rt = kwargs.get("rt") or self._api.rt_for_object(obj)
        meta = obj.get("metadata") or {}
        self._check("update", rt, meta.get("namespace") or namespace, meta.get("name", ""),
                    kwargs.get("subresource", ""))
        return self._call(self._api.update, obj, namespace, **kwargs)

    def update_status(self, obj: Any, namespace: str | None = None) -> Any:
        return self.update(obj, namespace, subresource="status")

    def patch(self, resource: Any, name: str, namespace: str | None, body: Any, patch_type: str = "strategic",
              **kwargs: Any) -> Any:
        self._check("patch", resource, namespace, name, kwargs.get("subresource", ""))
        return self._call(self._api.patch, resource, name, namespace, body, patch_type, **kwargs)

    def get_scale(self, resource: Any, name: str, namespace: str | None = None) -> Any:
        self._check("get", resource, namespace, name, "scale")
        return self._api.get_scale(resource, name, namespace)

    def update_scale(self, resource: Any, scale: Any, namespace: str | None = None, **kwargs: Any) -> Any:
        self._check("update", resource, namespace, (scale.get("metadata") or {}).get("name", ""), "scale")
        return self._call(self._api.update_scale, resource, scale, namespace, **kwargs)

    def delete(self, resource: Any, name: str, namespace: str | None = None, **kwargs: Any) -> Any:
        self._check("delete", resource, namespace, name)
        return self._call(self._api.delete, resource, name, namespace, **kwargs)

    def bind(self, namespace: str, name: str, node: str, **kwargs: Any) -> Any:
        self._check("create", "pods", namespace, name, "binding")
        return self._call(self._api.bind, namespace, name, node, **kwargs)

    def evict(self, namespace: str, name: str, grace_period: int | None = None, dry_run: bool = False) -> Any:
        self._check("create", "pods", namespace, name, "eviction")
        return self._call(self._api.evict, namespace, name, grace_period, dry_run)


def deny(a: Attributes, reason: str = "") -> errors.StatusError:
    msg = forbidden_message(a)
    if reason:
        msg += f": {reason}"
    return errors.forbidden(msg, a.group, a.resource, a.name)
