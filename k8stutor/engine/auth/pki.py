"""Real X.509 for the simulated cluster: kubeadm's CA, the CSR signer and client-certificate verification.

The cluster CA (``/etc/kubernetes/pki/ca.crt`` and ``ca.key`` on the control plane, subject ``CN = kubernetes``)
is an RSA key derived from the cluster seed, so the same seed always gives the same CA and every key made
from a seed is reproducible. Certificates are made with the ``cryptography`` package exactly as the
kube-controller-manager's ``csrsigning`` controller makes them (subject re-encoded in Go's order, backdated
five minutes, ``TLS Web Client Authentication``), so ``openssl x509 -text`` shows what it shows on a real
cluster and a key from ``openssl genrsa`` matches the certificate signed for its request.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
import random
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_YEARS = 10
BACKDATE = 300.0  # the csrsigning controller's backdate (5 minutes)
SHORT = 8 * 3600.0  # lifetimes under this are "short": their end is not backdated
_SMALL_PRIMES = [p for p in range(3, 3000) if all(p % d for d in range(2, int(p**0.5) + 1))]


class PKIError(ValueError):
    """A certificate, request or key that cannot be parsed, or a certificate this CA did not sign."""


def _prime(rng: random.Random, bits: int) -> int:
    """A probable prime of exactly ``bits`` bits (top two bits set, so p*q has 2*bits bits)."""
    while True:
        c = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        for _ in range(4096):
            if all(c % p for p in _SMALL_PRIMES) and pow(2, c - 1, c) == 1 and (c - 1) % 65537:
                if all(pow(a, c - 1, c) == 1 for a in (3, 5, 7, 11, 13)):
                    return c
            c += 2


@functools.lru_cache(maxsize=64)
def rsa_key_from_seed(seed: str, bits: int = 2048) -> rsa.RSAPrivateKey:
    """A deterministic RSA private key (e = 65537) for ``seed``."""
    rng = random.Random(hashlib.sha256(f"rsa-{bits}-{seed}".encode()).digest())
    e = 65537
    while True:
        p, q = _prime(rng, bits // 2), _prime(rng, bits - bits // 2)
        if p == q:
            continue
        if p < q:
            p, q = q, p
        phi = (p - 1) * (q - 1)
        try:
            d = pow(e, -1, phi)
        except ValueError:
            continue
        pub = rsa.RSAPublicNumbers(e, p * q)
        priv = rsa.RSAPrivateNumbers(
            p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q), pub
        )
        return priv.private_key()


def key_pem(key: rsa.RSAPrivateKey) -> str:
    """PKCS#8 ``PRIVATE KEY`` PEM, as OpenSSL 3 writes it."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def cert_pem(cert: x509.Certificate) -> str:
    """A certificate as PEM text."""
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def when(ts: float) -> _dt.datetime:
    """Virtual epoch seconds as an aware UTC datetime (whole seconds, as X.509 stores them)."""
    return _dt.datetime.fromtimestamp(int(ts), _dt.UTC)


def load_key(data: bytes) -> rsa.RSAPrivateKey:
    """An RSA private key from PEM (PKCS#1 or PKCS#8); PKIError otherwise."""
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as e:
        raise PKIError(str(e)) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise PKIError("not an RSA key")
    return key


def load_cert(data: bytes) -> x509.Certificate:
    """A certificate from PEM; PKIError otherwise."""
    try:
        return x509.load_pem_x509_certificate(data)
    except ValueError as e:
        raise PKIError(str(e)) from None


def load_csr(data: bytes) -> x509.CertificateSigningRequest:
    """A PKCS#10 request from PEM; PKIError otherwise."""
    try:
        return x509.load_pem_x509_csr(data)
    except ValueError as e:
        raise PKIError(str(e)) from None


_GO_ORDER = [
    NameOID.COUNTRY_NAME,
    NameOID.STATE_OR_PROVINCE_NAME,
    NameOID.LOCALITY_NAME,
    NameOID.STREET_ADDRESS,
    NameOID.POSTAL_CODE,
    NameOID.ORGANIZATION_NAME,
    NameOID.ORGANIZATIONAL_UNIT_NAME,
    NameOID.COMMON_NAME,
    NameOID.SERIAL_NUMBER,
]


def go_name(name: x509.Name) -> x509.Name:
    """``name`` re-encoded the way Go's ``pkix.Name`` marshals a parsed subject (C, ST, L, ..., O, OU, CN)."""
    attrs = [a for a in name]
    out: list[x509.RelativeDistinguishedName] = []
    for oid in _GO_ORDER:
        vals = [a for a in attrs if a.oid == oid]
        if oid in (NameOID.COMMON_NAME, NameOID.SERIAL_NUMBER):
            vals = vals[-1:]
        out += [x509.RelativeDistinguishedName([x509.NameAttribute(oid, str(a.value))]) for a in vals]
    return x509.Name(out)


def subject_of(name: x509.Name) -> tuple[str, list[str]]:
    """(CN, [O...]) of a subject, as the API server's x509 authenticator reads it."""
    cn = [str(a.value) for a in name.get_attributes_for_oid(NameOID.COMMON_NAME)]
    orgs = [str(a.value) for a in name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
    return (cn[-1] if cn else ""), orgs


class ClusterCA:
    """kubeadm's cluster CA: ``CN = kubernetes``, ten years from the cluster's creation."""

    def __init__(self, seed: int | str, created: float) -> None:
        self.key = rsa_key_from_seed(f"cluster-ca-{seed}")
        self._rng = random.Random(f"ca-serials-{seed}")
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kubernetes")])
        pub = self.key.public_key()
        start = when(created)
        ski = x509.SubjectKeyIdentifier.from_public_key(pub)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(pub)
            .serial_number(random.Random(f"ca-{seed}").getrandbits(63))
            .not_valid_before(start)
            .not_valid_after(start + _dt.timedelta(days=365 * CA_YEARS))
            .add_extension(
                x509.KeyUsage(True, False, True, False, False, True, False, False, False), critical=True
            )
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(ski, critical=False)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("kubernetes")]), critical=False)
            .sign(self.key, hashes.SHA256())
        )

    @property
    def cert_pem(self) -> str:
        """``/etc/kubernetes/pki/ca.crt``."""
        return cert_pem(self.cert)

    @property
    def key_pem(self) -> str:
        """``/etc/kubernetes/pki/ca.key`` (kubeadm writes PKCS#1 ``RSA PRIVATE KEY``)."""
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        ).decode()

    def sign_request(
        self, csr: x509.CertificateSigningRequest, now: float, seconds: float, usages: list[str] | None = None
    ) -> x509.Certificate:
        """What ``csrsigning`` issues for an approved request: the request's key and subject, signed by the CA."""
        start = now - BACKDATE
        # Short-lived certificates (under 8h) do not backdate their end (PermissiveSigningPolicy.apply).
        end = min(
            now + seconds if seconds < SHORT else start + seconds, self.cert.not_valid_after_utc.timestamp()
        )
        usages = usages or ["client auth"]
        b = (
            x509.CertificateBuilder()
            .subject_name(go_name(csr.subject))
            .issuer_name(self.cert.subject)
            .public_key(csr.public_key())
            .serial_number(self._rng.getrandbits(127) | 1)  # type: ignore[arg-type]
            .not_valid_before(when(start))
            .not_valid_after(when(end))
        )
        ku = {
            u: u in usages
            for u in (
                "digital signature",
                "content commitment",
                "key encipherment",
                "data encipherment",
                "key agreement",
                "cert sign",
                "crl sign",
            )
        }
        if any(ku.values()):
            b = b.add_extension(
                x509.KeyUsage(
                    ku["digital signature"],
                    ku["content commitment"],
                    ku["key encipherment"],
                    ku["data encipherment"],
                    ku["key agreement"],
                    ku["cert sign"],
                    ku["crl sign"],
                    False,
                    False,
                ),
                critical=True,
            )
        eku = {"client auth": ExtendedKeyUsageOID.CLIENT_AUTH, "server auth": ExtendedKeyUsageOID.SERVER_AUTH}
        ekus = [eku[u] for u in usages if u in eku]
        if ekus:
            b = b.add_extension(x509.ExtendedKeyUsage(ekus), critical=False)
        b = b.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        b = b.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False
        )
        return b.sign(self.key, hashes.SHA256())

    def verify(self, cert: x509.Certificate, now: float) -> tuple[str, list[str]]:
        """(CN, [O...]) of a client certificate this CA signed and that is valid at ``now``; PKIError otherwise."""
        if cert.issuer != self.cert.subject:
            raise PKIError("x509: certificate signed by unknown authority")
        try:
            verify_signature(cert, self.cert.public_key())
        except PKIError:
            raise PKIError("x509: certificate signed by unknown authority") from None
        if not (cert.not_valid_before_utc.timestamp() <= now <= cert.not_valid_after_utc.timestamp()):
            raise PKIError("x509: certificate has expired or is not yet valid")
        return subject_of(cert.subject)


def verify_signature(cert: x509.Certificate, issuer_key: Any) -> None:
    """Raise PKIError unless ``issuer_key`` signed ``cert``."""
    if not isinstance(issuer_key, rsa.RSAPublicKey) or cert.signature_hash_algorithm is None:
        raise PKIError("unsupported signature")
    try:
        issuer_key.verify(
            cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), cert.signature_hash_algorithm
        )
    except InvalidSignature:
        raise PKIError("bad signature") from None


def key_matches(cert: x509.Certificate, key: rsa.RSAPrivateKey) -> bool:
    """True when ``key`` is the private half of the certificate's public key (Go's ``tls.X509KeyPair`` check)."""
    pub = cert.public_key()
    return isinstance(pub, rsa.RSAPublicKey) and pub.public_numbers() == key.public_key().public_numbers()
