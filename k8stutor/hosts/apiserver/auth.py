"""Who is calling the served API, and may they: kube-apiserver's authentication, impersonation and authorization
filters, and the review APIs that answer those questions for clients.

Authentication: a verified client certificate (CN = user, O = groups), else a bearer token (one the cluster
issued to a ServiceAccount, or a static token), else anonymous. Anonymous requests are refused with 401 unless
``anonymous=True`` (``--anonymous-auth``), when they go on as ``system:anonymous`` and RBAC decides (the
bootstrap ``system:public-info-viewer`` role lets them read ``/version`` and the health checks). Over plain HTTP
(``insecure=True``) a request without credentials is the cluster admin, like the insecure port of old.

Authorization runs for every request on its RequestInfo (verb from the method, resource, subresource, namespace
and name from the path, as ``requestinfo.go`` parses it) through the cluster's authorizers (Node, RBAC), so a
Forbidden answer has the real text. ``Impersonate-User`` / ``Impersonate-Group`` are honoured after the
``impersonate`` checks, as ``kubectl --as`` needs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...engine import errors
from ...engine.api.authz import ADMIN, Attributes, UserInfo, forbidden_message
from ...engine.auth import AuthnError
from ...engine.errors import StatusError
from ...engine.store import clone
from ...engine.timeutil import rfc3339
from .http import Request, Response
from .protobuf import decode_object
from .tls import peer_identity

if TYPE_CHECKING:
    from ...engine.cluster import Cluster

ANONYMOUS = UserInfo("system:anonymous", ("system:unauthenticated",))
AUTHENTICATED = "system:authenticated"
AUDIENCE = "https://kubernetes.default.svc.cluster.local"
PROTOBUF = "application/vnd.kubernetes.protobuf"
_NAME_SEGMENT = re.compile(r"^[^/%]+$")


def unauthorized() -> StatusError:
    """The 401 kube-apiserver answers for missing or bad credentials (kubectl: ``You must be logged in``)."""
    return StatusError(401, "Unauthorized", "Unauthorized")


@dataclass(frozen=True)
class RequestInfo:
    """``request.RequestInfo``: what a URL and method ask for."""

    resource_request: bool
    verb: str
    path: str
    group: str = ""
    version: str = ""
    namespace: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""

    def attributes(self, user: UserInfo) -> Attributes:
        """The authorizer's attributes for ``user``."""
        if not self.resource_request:
            return Attributes(user, self.verb, resource_request=False, path=self.path)
        return Attributes(
            user,
            self.verb,
            self.group,
            self.resource,
            self.subresource,
            self.namespace,
            self.name,
            True,
            self.path,
        )


_VERBS = {
    "POST": "create",
    "GET": "get",
    "HEAD": "get",
    "PUT": "update",
    "PATCH": "patch",
    "DELETE": "delete",
}


def request_info(req: Request) -> RequestInfo:
    """Parse a request as ``RequestInfoFactory.NewRequestInfo`` does."""
    parts = [p for p in req.path.split("/") if p]
    nonres = RequestInfo(False, req.method.lower(), req.path)
    if len(parts) < 3 or parts[0] not in ("api", "apis"):
        return nonres
    prefix, parts = parts[0], parts[1:]
    group = ""
    if prefix == "apis":
        if len(parts) < 3:
            return nonres
        group, parts = parts[0], parts[1:]
    version, parts = parts[0], parts[1:]
    if parts[0] in ("watch", "proxy"):
        if len(parts) < 2:
            return nonres
        verb, parts, special = parts[0], parts[1:], True
    else:
        verb, special = _VERBS.get(req.method, ""), False
    namespace = ""
    if parts[0] == "namespaces":
        if len(parts) > 1:
            namespace = parts[1]
            if len(parts) > 2 and parts[2] not in ("status", "finalize"):
                parts = parts[2:]
    resource = parts[0]
    name = parts[1] if len(parts) >= 2 else ""
    sub = parts[2] if len(parts) >= 3 and verb != "proxy" else ""
    if not name and verb == "get" and not special:
        verb = "watch" if req.q("watch") in ("true", "1") else "list"
        for term in req.q("fieldSelector").split(","):
            key, op, value = term.partition("==") if "==" in term else term.partition("=")
            if (
                key.strip() == "metadata.name"
                and op
                and "!" not in key
                and _NAME_SEGMENT.match(value.strip())
            ):
                name = value.strip()
    if not name and verb == "delete":
        verb = "deletecollection"
    return RequestInfo(True, verb, req.path, group, version, namespace, resource, sub, name)


def deny(a: Attributes, reason: str = "") -> StatusError:
    """``responsewriters.Forbidden``: the 403 with the real message for resource and non-resource requests."""
    if a.resource_request:
        msg = forbidden_message(a)
        if reason:
            msg += f": {reason}"
        details = {k: v for k, v in (("name", a.name), ("group", a.group), ("kind", a.resource)) if v}
        return StatusError(403, "Forbidden", msg, details)
    msg = f'forbidden: User "{a.user.username}" cannot {a.verb} path "{a.path}"'
    return StatusError(403, "Forbidden", msg + (f": {reason}" if reason else ""), {})


class Gate:
    """Authentication, impersonation and authorization for the served API (one per server)."""

    def __init__(self, cluster: Cluster, *, insecure: bool = False, anonymous: bool = False) -> None:
        self.cluster = cluster
        self.insecure = insecure
        self.anonymous = anonymous

    # ---- authentication -----------------------------------------------------------------------------------
    def authenticate(self, req: Request) -> UserInfo:
        """The caller's identity; 401 when the credentials are bad or absent (and anonymous is off)."""
        ident = peer_identity(req.peercert)
        if ident is not None:
            cn, orgs = ident
            return UserInfo(cn, tuple(orgs) + (AUTHENTICATED,))
        authz = req.header("authorization")
        if authz:
            scheme, _, token = authz.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise unauthorized()
            auth = getattr(self.cluster, "auth", None)
            if auth is None:
                raise unauthorized()
            try:
                return auth.authn.verify_token(token.strip())  # type: ignore[no-any-return]
            except (AuthnError, KeyError, TypeError):
                raise unauthorized() from None
        if self.insecure:
            return ADMIN
        if self.anonymous:
            return ANONYMOUS
        raise unauthorized()

    def impersonate(self, req: Request, real: UserInfo) -> UserInfo:
        """The user named by ``Impersonate-*`` headers, after the ``impersonate`` checks (403 otherwise)."""
        username = req.header("impersonate-user")
        groups = tuple(g.strip() for g in req.header("impersonate-group").split(",") if g.strip())
        if not username:
            if groups or req.header("impersonate-uid"):
                raise StatusError(
                    500, "InternalError", "Internal error occurred: requested impersonation without a user"
                )
            return real
        auth = getattr(self.cluster, "auth", None)
        if auth is None:
            return UserInfo(username, groups + (AUTHENTICATED,))
        return auth.check_impersonation(real, username, groups)  # type: ignore[no-any-return]

    # ---- authorization ------------------------------------------------------------------------------------
    def authorize(self, info: RequestInfo, user: UserInfo) -> None:
        """Raise the real 403 unless the cluster's authorizers allow the request."""
        attrs = info.attributes(user)
        auth = getattr(self.cluster, "auth", None)
        if auth is not None:
            ok, reason = auth.check(attrs)
        else:
            ok, reason = self._check(attrs)
        if not ok:
            raise deny(attrs, reason)

    def _check(self, attrs: Attributes) -> tuple[bool, str]:
        reasons = []
        authorizers = self.cluster.api.authorizers
        if not authorizers:
            return True, ""
        for authz in authorizers:
            decision, reason = authz(attrs)
            if decision == "allow":
                return True, reason
            if reason:
                reasons.append(reason)
            if decision == "deny":
                break
        return False, "\n".join(reasons)

    def admit(self, req: Request) -> tuple[UserInfo, RequestInfo]:
        """Authenticate, impersonate and authorize ``req``: (user, request info) or a StatusError."""
        user = self.impersonate(req, self.authenticate(req))
        info = request_info(req)
        self.authorize(info, user)
        return user, info

    # ---- review APIs and token requests -------------------------------------------------------------------
    def answer(self, req: Request, info: RequestInfo, user: UserInfo) -> Response | None:
        """The reviews (access, rules, self, token) and ServiceAccount token requests; None for the rest."""
        if not info.resource_request or req.method != "POST":
            return None
        key = (info.group, info.resource, info.subresource)
        kind = _REVIEWS.get(key)
        if kind is None:
            return None
        from .app import json_response

        if key == ("", "serviceaccounts", "token"):
            return json_response(self._token_request(req, info), 201)
        body = _body(req, info, kind)
        out = clone(body)
        out.setdefault("metadata", {}).setdefault("creationTimestamp", None)
        out["apiVersion"] = f"{info.group}/{info.version}"
        out["kind"] = kind
        if info.resource == "selfsubjectreviews":
            out["status"] = {"userInfo": user_info(user)}
        elif info.resource == "tokenreviews":
            out["status"] = self._token_review(body)
        elif info.resource == "selfsubjectrulesreviews":
            out["status"] = self._rules(user, ((body.get("spec") or {}).get("namespace") or ""))
        else:
            spec = body.get("spec") or {}
            if info.resource == "selfsubjectaccessreviews":
                who = user
            else:
                who = UserInfo(
                    str(spec.get("user") or ""), tuple(spec.get("groups") or ()), str(spec.get("uid") or "")
                )
            if info.resource == "localsubjectaccessreviews":
                ra = spec.get("resourceAttributes") or {}
                if ra.get("namespace") != info.namespace:
                    raise errors.bad_request(
                        f"spec.resourceAttributes.namespace must match namespace: {info.namespace}"
                    )
            out["status"] = self._access(who, spec)
        return json_response(out, 201)

    def _access(self, user: UserInfo, spec: dict[str, Any]) -> dict[str, Any]:
        ra = spec.get("resourceAttributes")
        nra = spec.get("nonResourceAttributes")
        if isinstance(ra, dict):
            attrs = Attributes(
                user,
                str(ra.get("verb") or ""),
                str(ra.get("group") or ""),
                str(ra.get("resource") or ""),
                str(ra.get("subresource") or ""),
                str(ra.get("namespace") or ""),
                str(ra.get("name") or ""),
            )
        elif isinstance(nra, dict):
            attrs = Attributes(
                user, str(nra.get("verb") or ""), resource_request=False, path=str(nra.get("path") or "")
            )
        else:
            raise errors.bad_request(
                "exactly one of nonResourceAttributes or resourceAttributes must be specified"
            )
        auth = getattr(self.cluster, "auth", None)
        ok, reason = auth.check(attrs) if auth is not None else self._check(attrs)
        status: dict[str, Any] = {"allowed": ok}
        if reason:
            status["reason"] = reason
        return status

    def _rules(self, user: UserInfo, namespace: str) -> dict[str, Any]:
        auth = getattr(self.cluster, "auth", None)
        if auth is None:
            res = [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}]
            nonres = [{"verbs": ["*"], "nonResourceURLs": ["*"]}]
            err = ""
        else:
            res, nonres, err = auth.rules_for(user, namespace)
        status: dict[str, Any] = {"resourceRules": res, "nonResourceRules": nonres, "incomplete": bool(err)}
        if err:
            status["evaluationError"] = err
        return status

    def _token_review(self, body: dict[str, Any]) -> dict[str, Any]:
        token = str((body.get("spec") or {}).get("token") or "")
        auth = getattr(self.cluster, "auth", None)
        try:
            if auth is None or not token:
                raise AuthnError("token missing")
            user = auth.authn.verify_token(token)
        except (AuthnError, KeyError, TypeError) as e:
            return {"user": {}, "error": f"[invalid bearer token, {e}]"}
        return {"authenticated": True, "user": user_info(user), "audiences": [AUDIENCE]}

    def _token_request(self, req: Request, info: RequestInfo) -> dict[str, Any]:
        api = self.cluster.api
        sa = api.peek_or_raise("serviceaccounts", info.name, info.namespace)
        body = _body(req, info, "TokenRequest")
        spec = body.get("spec") or {}
        seconds = int(spec.get("expirationSeconds") or 3600)
        auth = getattr(self.cluster, "auth", None)
        if auth is None:
            raise StatusError(500, "InternalError", "Internal error occurred: no token issuer")
        token = auth.authn.service_account_token(
            info.namespace, info.name, sa["metadata"].get("uid", ""), expiration=seconds
        )
        return {
            "kind": "TokenRequest",
            "apiVersion": "authentication.k8s.io/v1",
            "metadata": {"name": info.name, "namespace": info.namespace, "creationTimestamp": None},
            "spec": dict(spec, audiences=spec.get("audiences") or [AUDIENCE], expirationSeconds=seconds),
            "status": {"token": token, "expirationTimestamp": rfc3339(api.now() + seconds)},
        }


_REVIEWS = {
    ("authorization.k8s.io", "selfsubjectaccessreviews", ""): "SelfSubjectAccessReview",
    ("authorization.k8s.io", "subjectaccessreviews", ""): "SubjectAccessReview",
    ("authorization.k8s.io", "localsubjectaccessreviews", ""): "LocalSubjectAccessReview",
    ("authorization.k8s.io", "selfsubjectrulesreviews", ""): "SelfSubjectRulesReview",
    ("authentication.k8s.io", "selfsubjectreviews", ""): "SelfSubjectReview",
    ("authentication.k8s.io", "tokenreviews", ""): "TokenReview",
    ("", "serviceaccounts", "token"): "TokenRequest",
}


def user_info(user: UserInfo) -> dict[str, Any]:
    """``authentication/v1.UserInfo`` of a user."""
    out: dict[str, Any] = {"username": user.username}
    if user.uid:
        out["uid"] = user.uid
    if user.groups:
        out["groups"] = list(user.groups)
    if user.extra:
        out["extra"] = {k: list(v) for k, v in user.extra}
    return out


def _body(req: Request, info: RequestInfo, kind: str) -> dict[str, Any]:
    if not req.body:
        raise errors.bad_request("the body of the request is empty")
    api_version = f"{info.group}/{info.version}" if info.group else info.version
    if kind == "TokenRequest":
        api_version = "authentication.k8s.io/v1"
    if req.header("content-type").split(";")[0].strip().lower() == PROTOBUF:
        return decode_object(req.body, api_version, kind)
    try:
        obj = json.loads(req.body)
    except ValueError:
        raise errors.bad_request("the body of the request is not valid JSON") from None
    if not isinstance(obj, dict):
        raise errors.bad_request("the body of the request is not a JSON object")
    return obj
