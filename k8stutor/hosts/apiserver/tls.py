"""The served cluster's PKI, as kubeadm lays it out: a CA, the API server's serving certificate, the admin's
client certificate, and a CSR signer that issues real X.509 certificates from that CA.

Keys are real (RSA 2048, as kubeadm's default) and generated once: the files are kept in a directory (next to
the kubeconfig by default) and reused on later starts; leaf certificates are re-issued when they expire or
no longer match the CA. ``server_context(pki)`` is the ``ssl`` context of the listener: client certificates
are verified against the CA but optional (``CERT_OPTIONAL``), so bearer tokens work too.
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import os
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ...engine.auth import CLIENT_SIGNER, CSR_RES
from ...engine.auth import CSRSigningController as _SimulatedSigner
from ...engine.store import clone
from ...engine.timeutil import rfc3339

if TYPE_CHECKING:
    from ...engine.cluster import Cluster
    from ...engine.controllers.base import Key

CA_CN = "kubernetes"
APISERVER_CN = "kube-apiserver"
ADMIN_CN = "kubernetes-admin"
ADMIN_ORG = "kubeadm:cluster-admins"
CA_DAYS = 3650  # kubeadm: ten years for the CA
LEAF_DAYS = (
    365  # kubeadm: one year for the leaf certificates; the controller manager signs for at most a year
)
BACKDATE = dt.timedelta(minutes=5)  # the CSR signer backdates notBefore for clock skew
# The API server's names (kubeadm's apiserver.crt SANs) plus the loopback names a learner's tools use.
SERVER_DNS = (
    "kubernetes",
    "kubernetes.default",
    "kubernetes.default.svc",
    "kubernetes.default.svc.cluster.local",
    "localhost",
)
SERVER_IPS = ("10.96.0.1", "127.0.0.1", "::1")


class PKIError(Exception):
    """The PKI directory cannot be read or written."""


@dataclass
class PKI:
    """The paths of a PKI directory (PEM files, keys mode 0600)."""

    dir: Path

    def path(self, name: str) -> Path:
        """The file ``name`` (``ca.crt``, ``apiserver.key``...)."""
        return self.dir / name

    def read(self, name: str) -> bytes:
        """A file's bytes."""
        return self.path(name).read_bytes()

    def b64(self, name: str) -> str:
        """A file base64-encoded (kubeconfig ``*-data`` fields)."""
        return base64.b64encode(self.read(name)).decode()

    @property
    def ca_cert(self) -> x509.Certificate:
        """The CA certificate."""
        return x509.load_pem_x509_certificate(self.read("ca.crt"))

    @property
    def ca_key(self) -> rsa.RSAPrivateKey:
        """The CA private key."""
        key = serialization.load_pem_private_key(self.read("ca.key"), None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


def _name(cn: str, orgs: list[str] | tuple[str, ...] = ()) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, o) for o in orgs]
    return x509.Name(attrs + [x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _write(path: Path, data: bytes, private: bool) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _ca(key: rsa.RSAPrivateKey) -> x509.Certificate:
    now = _now()
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    return (
        x509.CertificateBuilder()
        .subject_name(_name(CA_CN))
        .issuer_name(_name(CA_CN))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + dt.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )


def sign(
    pki: PKI,
    public_key: Any,
    cn: str,
    orgs: list[str] | tuple[str, ...] = (),
    *,
    server: bool = False,
    days: float = LEAF_DAYS,
) -> bytes:
    """A leaf certificate (PEM) for ``public_key``, signed by the CA: client auth, or server auth with SANs."""
    ca_cert, ca_key = pki.ca_cert, pki.ca_key
    now = _now()
    not_after = min(now + dt.timedelta(days=days), ca_cert.not_valid_after_utc)
    b = (
        x509.CertificateBuilder()
        .subject_name(_name(cn, orgs))
        .issuer_name(ca_cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
    )
    if server:
        sans: list[x509.GeneralName] = [x509.DNSName(d) for d in SERVER_DNS]
        sans += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in SERVER_IPS]
        b = b.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return b.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def _leaf_ok(pki: PKI, name: str) -> bool:
    """The leaf certificate exists, is signed by the current CA and is valid for at least another day."""
    try:
        cert = x509.load_pem_x509_certificate(pki.read(f"{name}.crt"))
        pki.read(f"{name}.key")
        cert.verify_directly_issued_by(pki.ca_cert)
    except (OSError, ValueError, TypeError, InvalidSignature):
        return False
    return cert.not_valid_after_utc > _now() + dt.timedelta(days=1)


def ensure_pki(directory: str | os.PathLike[str]) -> PKI:
    """Load the PKI in ``directory``, generating what is missing or expired (the CA is kept once made)."""
    pki = PKI(Path(directory).expanduser().absolute())
    try:
        pki.dir.mkdir(parents=True, exist_ok=True)
        try:
            ca = pki.ca_cert
            pki.ca_key  # noqa: B018 - loads (and so checks) the key
            ca_ok = ca.not_valid_after_utc > _now() + dt.timedelta(days=1)
        except (OSError, ValueError, TypeError, AssertionError):
            ca_ok = False
        if not ca_ok:
            key = _new_key()
            _write(pki.path("ca.key"), _key_pem(key), True)
            _write(pki.path("ca.crt"), _ca(key).public_bytes(serialization.Encoding.PEM), False)
        for name, cn, orgs, server in (
            ("apiserver", APISERVER_CN, (), True),
            ("admin", ADMIN_CN, (ADMIN_ORG,), False),
        ):
            if ca_ok and _leaf_ok(pki, name):
                continue
            key = _new_key()
            _write(pki.path(f"{name}.key"), _key_pem(key), True)
            _write(pki.path(f"{name}.crt"), sign(pki, key.public_key(), cn, orgs, server=server), False)
    except OSError as e:
        raise PKIError(f"cannot write the certificates in {pki.dir}: {e.strerror or e}") from None
    return pki


def server_context(pki: PKI) -> ssl.SSLContext:
    """The listener's TLS context: the serving certificate; client certificates verified by the CA, optional."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(str(pki.path("apiserver.crt")), str(pki.path("apiserver.key")))
    ctx.load_verify_locations(cafile=str(pki.path("ca.crt")))
    ctx.verify_mode = ssl.CERT_OPTIONAL
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


def client_context(pki: PKI, cert: str = "admin") -> ssl.SSLContext:
    """A client TLS context trusting the CA and presenting ``cert`` (tests and tools); ``cert=""``: none."""
    ctx = ssl.create_default_context(cafile=str(pki.path("ca.crt")))
    if cert:
        ctx.load_cert_chain(str(pki.path(f"{cert}.crt")), str(pki.path(f"{cert}.key")))
    return ctx


def peer_identity(peercert: dict[str, Any] | None) -> tuple[str, list[str]] | None:
    """(CN, [O...]) of a verified client certificate (``ssl`` ``getpeercert()`` form), or None."""
    if not peercert:
        return None
    cn, orgs = "", []
    for rdn in peercert.get("subject") or ():
        for key, value in rdn:
            if key == "commonName":
                cn = value
            elif key == "organizationName":
                orgs.append(value)
    return (cn, orgs) if cn else None


def make_client_key_and_csr(cn: str, orgs: list[str] | tuple[str, ...] = ()) -> tuple[bytes, bytes]:
    """(private key PEM, CSR PEM) for ``/O=.../CN=cn`` — what ``openssl req -new -newkey rsa:2048`` makes."""
    key = _new_key()
    csr = x509.CertificateSigningRequestBuilder().subject_name(_name(cn, orgs)).sign(key, hashes.SHA256())
    return _key_pem(key), csr.public_bytes(serialization.Encoding.PEM)


class X509CSRSigner(_SimulatedSigner):
    """``csrsigning`` while serving: approved ``kube-apiserver-client`` requests that carry a real PKCS#10
    request get a real certificate from the served CA (other requests are signed as the simulation does)."""

    def __init__(self, cluster: Cluster, pki: PKI) -> None:
        super().__init__(cluster, cluster.auth.authn)  # type: ignore[attr-defined]
        self.pki = pki

    def reconcile(self, key: Key) -> None:
        """Sign an approved real CSR with the CA; anything else goes to the simulated signer."""
        csr = self.api.store.get(CSR_RES, "", key[2])
        if csr is None or (csr.get("status") or {}).get("certificate"):
            return
        conds = {c.get("type") for c in (csr.get("status") or {}).get("conditions") or []}
        spec = csr.get("spec") or {}
        if "Approved" not in conds or conds & {"Denied", "Failed"} or spec.get("signerName") != CLIENT_SIGNER:
            return
        try:
            req = x509.load_pem_x509_csr(base64.b64decode(spec.get("request", "")))
        except ValueError:
            super().reconcile(key)
            return
        cn = [a.value for a in req.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
        orgs = [a.value for a in req.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
        new = clone(csr)
        if not cn or not req.is_signature_valid:
            new.setdefault("status", {}).setdefault("conditions", []).append(
                {
                    "type": "Failed",
                    "status": "True",
                    "reason": "SignerValidationFailure",
                    "message": "invalid signature on CSR" if cn else "subject CN must not be empty",
                    "lastTransitionTime": rfc3339(self.cluster.now()),
                    "lastUpdateTime": rfc3339(self.cluster.now()),
                }
            )
        else:
            days = min(float(spec.get("expirationSeconds") or LEAF_DAYS * 86400) / 86400, float(LEAF_DAYS))
            pem = sign(self.pki, req.public_key(), str(cn[0]), [str(o) for o in orgs], days=days)
            new.setdefault("status", {})["certificate"] = base64.b64encode(pem).decode()
        self.api.update(new, subresource="status")


def install_x509_signer(cluster: Cluster, pki: PKI) -> None:
    """Replace the simulated CSR signer with one that signs real requests with the served CA (idempotent)."""
    for c in list(cluster.controllers):
        if isinstance(c, X509CSRSigner):
            c.pki = pki
            return
        if isinstance(c, _SimulatedSigner):
            cluster.remove_controller(c)
    if getattr(cluster, "auth", None) is None:
        return
    signer = cluster.add_controller(X509CSRSigner(cluster, pki))
    for csr in cluster.store.list(CSR_RES):
        signer.queue.add((CSR_RES, "", csr["metadata"]["name"]))
    cluster.settle()
