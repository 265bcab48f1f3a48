"""Authentication: client certificates (CN = user, O = groups), bearer tokens and service-account tokens.

Certificates and tokens here are simulated but shaped like the real ones: a PEM ``CERTIFICATE`` block whose
body carries the subject, issuer and validity; service-account tokens are three-part JWTs whose payload has
the real claims (``sub: system:serviceaccount:NS:NAME``, ``kubernetes.io``...). The signature is an HMAC
over the cluster seed, so only tokens this cluster issued verify. Real DER certificate requests (made with
``openssl req``) are parsed for their subject.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import TYPE_CHECKING, Any

from ..api.authz import ADMIN, UserInfo
from ..timeutil import rfc3339

if TYPE_CHECKING:
    from ..cluster import Cluster

CERT_MAGIC = b"k8stutor-x509\n"
CSR_MAGIC = b"k8stutor-csr\n"
ISSUER = "https://kubernetes.default.svc.cluster.local"
AUTHENTICATED = "system:authenticated"
SA_GROUP = "system:serviceaccounts"


class AuthnError(ValueError):
    """Credentials that are malformed, expired or not issued by this cluster."""


def _pem(kind: str, body: bytes) -> str:
    b64 = base64.b64encode(body).decode()
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return f"-----BEGIN {kind}-----\n" + "\n".join(lines) + f"\n-----END {kind}-----\n"


def _unpem(text: str, kind: str) -> bytes | None:
    begin, end = f"-----BEGIN {kind}-----", f"-----END {kind}-----"
    if begin not in text or end not in text:
        return None
    body = text.split(begin, 1)[1].split(end, 1)[0]
    try:
        return base64.b64decode("".join(body.split()), validate=True)
    except ValueError:
        return None


def make_csr(cn: str, orgs: list[str] | tuple[str, ...] = ()) -> str:
    """A PEM certificate request for ``/O=.../CN=cn`` (what ``openssl req -new -subj`` would produce)."""
    return _pem("CERTIFICATE REQUEST", CSR_MAGIC + json.dumps({"CN": cn, "O": list(orgs)}).encode())


def make_private_key(seed: str) -> str:
    """A PEM private key (opaque; only its presence matters to the simulation)."""
    return _pem("RSA PRIVATE KEY", hashlib.sha512(seed.encode()).digest() * 4)


# ---- minimal DER reading (subject of a PKCS#10 request) -------------------------------------------------------
_OID_CN = bytes([0x55, 0x04, 0x03])
_OID_O = bytes([0x55, 0x04, 0x0A])


def _tlv(data: bytes, i: int) -> tuple[int, int, int]:
    """(tag, start of value, end of value) of the DER element at ``i``."""
    tag = data[i]
    n = data[i + 1]
    j = i + 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(data[j:j + k], "big")
        j += k
    return tag, j, j + n


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    out = []
    i = start
    while i < end:
        tag, s, e = _tlv(data, i)
        out.append((tag, s, e))
        i = e
    return out


def parse_der_subject(der: bytes) -> tuple[str, list[str]] | None:
    """(CN, [O...]) from a DER CertificationRequest, or None when it is not one."""
    try:
        _, s, e = _tlv(der, 0)  # CertificationRequest
        _, s, e = _tlv(der, s)  # CertificationRequestInfo
        parts = _children(der, s, e)
        _tag, ns, ne = parts[1]  # subject Name (after version)
        cn, orgs = "", []
        for _t, rs, re_ in _children(der, ns, ne):  # RDN SETs
            for _t2, as_, ae in _children(der, rs, re_):  # AttributeTypeAndValue
                (_o, os_, oe), (_v, vs, ve) = _children(der, as_, ae)[:2]
                oid = der[os_:oe]
                val = der[vs:ve].decode(errors="replace")
                if oid == _OID_CN:
                    cn = val
                elif oid == _OID_O:
                    orgs.append(val)
        return cn, orgs
    except (IndexError, ValueError):
        return None


def csr_subject(request_b64: str) -> tuple[str, list[str]] | None:
    """(CN, orgs) of a CSR object's ``spec.request`` (base64 PEM), or None when it cannot be parsed."""
    try:
        pem = base64.b64decode(request_b64).decode(errors="replace")
    except ValueError:
        return None
    der = _unpem(pem, "CERTIFICATE REQUEST") or _unpem(pem, "NEW CERTIFICATE REQUEST")
    if der is None:
        return None
    if der.startswith(CSR_MAGIC):
        try:
            d = json.loads(der[len(CSR_MAGIC):])
            return str(d.get("CN", "")), [str(o) for o in d.get("O") or []]
        except ValueError:
            return None
    return parse_der_subject(der)


_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"))  # json.dumps(d, separators=...) without a new encoder


def _b64json(d: dict[str, Any]) -> str:
    """Unpadded base64url of compact JSON (a JWT segment)."""
    return base64.urlsafe_b64encode(_COMPACT_JSON.encode(d).encode()).decode().rstrip("=")


class Authenticator:
    """Issues and verifies credentials for one cluster (deterministic: keyed by the cluster seed)."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self._key = hashlib.sha256(f"k8stutor-ca-{cluster.seed}".encode()).digest()
        # Static tokens (``--token-auth-file``): token -> user.
        self.static_tokens: dict[str, UserInfo] = {}

    def _sign(self, data: bytes) -> str:
        return base64.urlsafe_b64encode(hmac.digest(self._key, data, "sha256")).decode().rstrip("=")

    # -- certificates ---------------------------------------------------------------------------------------------
    def issue_certificate(self, cn: str, orgs: list[str] | tuple[str, ...], days: float = 365) -> str:
        """A client certificate signed by the cluster CA (PEM)."""
        now = self.cluster.now()
        body = {"subject": {"CN": cn, "O": list(orgs)}, "issuer": {"CN": "kubernetes"},
                "notBefore": rfc3339(now), "notAfter": rfc3339(now + days * 86400),
                "serial": self.cluster.api.new_uid()}
        raw = json.dumps(body, sort_keys=True).encode()
        return _pem("CERTIFICATE", CERT_MAGIC + raw + b"\n" + self._sign(raw).encode())

    @property
    def ca(self) -> Any:
        """The cluster CA (:class:`~.pki.ClusterCA`), made on first use; dated when the control plane was."""
        ca = self.__dict__.get("_ca")
        if ca is None:
            from ..timeutil import parse_rfc3339
            from .pki import ClusterCA

            created = None
            for node in self.cluster.store.list("nodes"):
                if "node-role.kubernetes.io/control-plane" in (node["metadata"].get("labels") or {}):
                    created = parse_rfc3339(node["metadata"].get("creationTimestamp", ""))
                    break
            ca = self.__dict__["_ca"] = ClusterCA(self.cluster.seed, created or self.cluster.now())
        return ca

    def sign_request(self, request_pem: str, seconds: float, usages: list[str] | None = None) -> str | None:
        """The CA-signed certificate (PEM) for a real PKCS#10 request, or None when it is not one."""
        from .pki import PKIError, cert_pem, load_csr

        try:
            csr = load_csr(request_pem.encode())
        except PKIError:
            return None
        return cert_pem(self.ca.sign_request(csr, self.cluster.now(), seconds, usages))

    def verify_certificate(self, pem: str) -> UserInfo:
        """The user a client certificate names; AuthnError when not issued by this CA or expired."""
        der = _unpem(pem, "CERTIFICATE")
        if der is not None and not der.startswith(CERT_MAGIC):
            from .pki import PKIError, load_cert

            try:
                cn, orgs = self.ca.verify(load_cert(pem.encode()), self.cluster.now())
            except PKIError as e:
                raise AuthnError(str(e)) from None
            return UserInfo(cn, tuple(orgs) + (AUTHENTICATED,))
        if der is None or not der.startswith(CERT_MAGIC):
            raise AuthnError("x509: certificate signed by unknown authority")
        raw, _, sig = der[len(CERT_MAGIC):].rpartition(b"\n")
        if not hmac.compare_digest(sig.decode(errors="replace"), self._sign(raw)):
            raise AuthnError("x509: certificate signed by unknown authority")
        body = json.loads(raw)
        from ..timeutil import parse_rfc3339

        not_after = parse_rfc3339(str(body.get("notAfter", "")))
        if not_after is None or not_after < self.cluster.now():
            raise AuthnError("x509: certificate has expired or is not yet valid")
        subj = body["subject"]
        return UserInfo(str(subj.get("CN", "")), tuple(subj.get("O") or ()) + (AUTHENTICATED,))

    # -- tokens -----------------------------------------------------------------------------------------------------
    def service_account_token(self, namespace: str, name: str, uid: str = "", pod: dict[str, Any] | None = None,
                              expiration: int = 3607) -> str:
        """A bound service-account JWT (what the kubelet projects and ``kubectl create token`` prints)."""
        now = int(self.cluster.now())
        head = self.__dict__.get("_jwt_header")
        if head is None:
            # The same for every token of this cluster: encoded once.
            head = self.__dict__["_jwt_header"] = _b64json({"alg": "RS256", "kid": self._sign(b"kid")[:43]})
        claims: dict[str, Any] = {
            "aud": [ISSUER], "exp": now + expiration, "iat": now, "iss": ISSUER,
            "jti": self.cluster.api.new_uid(),
            "kubernetes.io": {"namespace": namespace, "serviceaccount": {"name": name, "uid": uid}},
            "nbf": now, "sub": f"system:serviceaccount:{namespace}:{name}",
        }
        if pod is not None:
            claims["kubernetes.io"]["node"] = {"name": (pod.get("spec") or {}).get("nodeName", ""), "uid": ""}
            claims["kubernetes.io"]["pod"] = {"name": pod["metadata"]["name"], "uid": pod["metadata"].get("uid", "")}
        signing = f"{head}.{_b64json(claims)}"
        return f"{signing}.{self._sign(signing.encode())}"

    def verify_token(self, token: str) -> UserInfo:
        """The user a bearer token authenticates as; AuthnError when invalid."""
        if token in self.static_tokens:
            return self.static_tokens[token]
        parts = token.split(".")
        if len(parts) != 3 or not hmac.compare_digest(parts[2], self._sign(f"{parts[0]}.{parts[1]}".encode())):
            raise AuthnError("invalid bearer token")
        try:
            claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        except ValueError:
            raise AuthnError("invalid bearer token") from None
        if claims.get("exp", 0) < self.cluster.now():
            raise AuthnError("invalid bearer token, service account token has expired")
        ns = claims["kubernetes.io"]["namespace"]
        name = claims["kubernetes.io"]["serviceaccount"]["name"]
        sa = self.cluster.store.get("serviceaccounts", ns, name)
        want_uid = claims["kubernetes.io"]["serviceaccount"].get("uid")
        if sa is None or (want_uid and sa["metadata"].get("uid") != want_uid):
            raise AuthnError("invalid bearer token, service account has been deleted")
        return UserInfo(f"system:serviceaccount:{ns}:{name}", (SA_GROUP, f"{SA_GROUP}:{ns}", AUTHENTICATED),
                        sa["metadata"].get("uid", ""))

    # -- kubeconfig users -------------------------------------------------------------------------------------------
    def user_for_credentials(self, name: str, entry: dict[str, Any]) -> UserInfo:
        """The user a kubeconfig ``users[]`` entry authenticates as (AuthnError: 401 Unauthorized).

        kubeadm's ``kubernetes-admin`` (whose data kubectl shows as DATA+OMITTED) is the cluster admin.
        """
        cert = entry.get("client-certificate-data") or ""
        token = entry.get("token") or ""
        if cert and cert != "DATA+OMITTED" and cert != "REDACTED":
            try:
                pem = base64.b64decode(cert).decode(errors="replace")
            except ValueError:
                raise AuthnError("invalid client certificate data") from None
            return self.verify_certificate(pem)
        if token:
            return self.verify_token(token)
        if name == ADMIN.username and cert:
            return ADMIN
        if entry.get("username"):
            raise AuthnError("basic authentication is not supported (removed in v1.19)")
        return UserInfo("system:anonymous", ("system:unauthenticated",))
