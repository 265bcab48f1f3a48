"""The CertificateSigningRequest describer, with the small DER reader it needs to read a PKCS#10 request.

kubectl parses ``spec.request`` (a PEM ``CERTIFICATE REQUEST``) with crypto/x509 and prints the subject and
the subject alternative names; ``Labels`` and ``Annotations`` are single ``k=v,...`` lines here.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress

from k8stutor.engine.timeutil import human_duration

from .common import DescribeClient, d, describe_events, events_for, fmt_time, format_labels, i, lst, s
from .tabwriter import LEVEL_0, PrefixWriter


class CSRParseError(ValueError):
    """``spec.request`` is not a PEM-encoded PKCS#10 certificate request."""


_OID_NAMES = {
    "2.5.4.3": "cn",
    "2.5.4.5": "serial",
    "2.5.4.6": "c",
    "2.5.4.7": "l",
    "2.5.4.8": "st",
    "2.5.4.9": "street",
    "2.5.4.10": "o",
    "2.5.4.11": "ou",
    "2.5.4.17": "postal",
}
_EXTENSION_REQUEST = "1.2.840.113549.1.9.14"
_SUBJECT_ALT_NAME = "2.5.29.17"


def _tlv(data: bytes, pos: int) -> tuple[int, bytes, int]:
    """One DER element at ``pos``: (tag byte, content, position after it)."""
    if pos + 2 > len(data):
        raise CSRParseError("asn1: syntax error: data truncated")
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        n = length & 0x7F
        if n == 0 or n > 4 or pos + n > len(data):
            raise CSRParseError("asn1: structure error: length too large")
        length = int.from_bytes(data[pos : pos + n], "big")
        pos += n
    if pos + length > len(data):
        raise CSRParseError("asn1: syntax error: data truncated")
    return tag, data[pos : pos + length], pos + length


def _children(content: bytes) -> list[tuple[int, bytes]]:
    out = []
    pos = 0
    while pos < len(content):
        tag, value, pos = _tlv(content, pos)
        out.append((tag, value))
    return out


def _oid(content: bytes) -> str:
    if not content:
        raise CSRParseError("asn1: syntax error: zero length OBJECT IDENTIFIER")
    parts = [content[0] // 40, content[0] % 40]
    value = 0
    for b in content[1:]:
        value = (value << 7) | (b & 0x7F)
        if not b & 0x80:
            parts.append(value)
            value = 0
    return ".".join(str(p) for p in parts)


def _string(tag: int, content: bytes) -> str:
    if tag == 0x1E:  # BMPString
        return content.decode("utf-16-be", errors="replace")
    return content.decode("utf-8", errors="replace")


def parse_csr(pem: bytes) -> dict[str, list[str]]:
    """Subject attributes and SANs of a PEM CSR: keys cn, serial, o, ou, c, l, st, street, postal, dns, email,
    uri, ip (lists, in order)."""
    text = pem.decode("ascii", errors="replace")
    begin, end = "-----BEGIN CERTIFICATE REQUEST-----", "-----END CERTIFICATE REQUEST-----"
    start = text.find("-----BEGIN ")
    if start < 0:
        raise CSRParseError("PEM block type must be CERTIFICATE REQUEST")
    if not text[start:].startswith(begin) or end not in text:
        raise CSRParseError("PEM block type must be CERTIFICATE REQUEST")
    body = text[start + len(begin) : text.index(end)]
    try:
        der = base64.b64decode("".join(body.split()), validate=True)
    except (binascii.Error, ValueError) as err:
        raise CSRParseError("PEM block type must be CERTIFICATE REQUEST") from err
    out: dict[str, list[str]] = {k: [] for k in (*_OID_NAMES.values(), "dns", "email", "uri", "ip")}
    _, csr, _ = _tlv(der, 0)
    parts = _children(csr)
    if not parts:
        raise CSRParseError("asn1: syntax error: sequence truncated")
    info = _children(parts[0][1])
    if len(info) < 3:
        raise CSRParseError("asn1: syntax error: sequence truncated")
    for _tag, rdn_set in _children(info[1][1]):
        for _, atv in _children(rdn_set):
            items = _children(atv)
            if len(items) == 2 and items[0][0] == 0x06:
                key = _OID_NAMES.get(_oid(items[0][1]))
                if key:
                    out[key].append(_string(items[1][0], items[1][1]))
    for tag, attrs in info[3:]:
        if tag != 0xA0:
            continue
        for _, attr in _children(attrs):
            fields = _children(attr)
            if len(fields) != 2 or _oid(fields[0][1]) != _EXTENSION_REQUEST:
                continue
            for _, exts in _children(fields[1][1]):
                for _, ext in _children(exts):
                    ext_fields = _children(ext)
                    if not ext_fields or _oid(ext_fields[0][1]) != _SUBJECT_ALT_NAME:
                        continue
                    _, names, _ = _tlv(ext_fields[-1][1], 0)
                    for name_tag, value in _children(names):
                        kind = name_tag & 0x1F
                        if kind == 1:
                            out["email"].append(value.decode("ascii", errors="replace"))
                        elif kind == 2:
                            out["dns"].append(value.decode("ascii", errors="replace"))
                        elif kind == 6:
                            out["uri"].append(value.decode("ascii", errors="replace"))
                        elif kind == 7 and len(value) in (4, 16):
                            out["ip"].append(str(ipaddress.ip_address(value)))
    return out


def csr_status(csr: dict) -> str:
    """``extractCSRStatus``: Denied / Approved / Pending, then ``,Failed`` and ``,Issued``."""
    types = {s(c, "type") for c in lst(csr, "status", "conditions") if isinstance(c, dict)}
    status = "Denied" if "Denied" in types else "Approved" if "Approved" in types else "Pending"
    if "Failed" in types:
        status += ",Failed"
    if s(csr, "status", "certificate"):
        status += ",Issued"
    return status


def describe_certificate_signing_request(api: DescribeClient, csr: dict, now: float, w: PrefixWriter) -> None:
    """``describeCertificateSigningRequest``; an unparsable request raises :class:`CSRParseError`."""
    meta, spec = d(csr, "metadata"), d(csr, "spec")
    try:
        pem = base64.b64decode(s(spec, "request"), validate=False)
    except (binascii.Error, ValueError) as err:
        raise CSRParseError(f"Error parsing CSR: {err}") from err
    try:
        cr = parse_csr(pem)
    except CSRParseError as err:
        raise CSRParseError(f"Error parsing CSR: {err}") from err
    events = events_for(api, "CertificateSigningRequest", csr)

    def list_helper(name: str, values: list[str]) -> None:
        if not values:
            return
        w.write(LEVEL_0, f"\t{name}:\t")
        w.write(LEVEL_0, "\n\t\t".join(values))
        w.write(LEVEL_0, "\n")

    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    w.write(LEVEL_0, f"Labels:\t{format_labels(meta.get('labels'))}\n")
    w.write(LEVEL_0, f"Annotations:\t{format_labels(meta.get('annotations'))}\n")
    w.write(LEVEL_0, f"CreationTimestamp:\t{fmt_time(s(meta, 'creationTimestamp'))}\n")
    w.write(LEVEL_0, f"Requesting User:\t{s(spec, 'username')}\n")
    if s(spec, "signerName"):
        w.write(LEVEL_0, f"Signer:\t{s(spec, 'signerName')}\n")
    if spec.get("expirationSeconds") is not None:
        w.write(LEVEL_0, f"Requested Duration:\t{human_duration(i(spec, 'expirationSeconds'))}\n")
    w.write(LEVEL_0, f"Status:\t{csr_status(csr)}\n")
    w.write(LEVEL_0, "Subject:\n")
    w.write(LEVEL_0, f"\tCommon Name:\t{cr['cn'][-1] if cr['cn'] else ''}\n")
    w.write(LEVEL_0, f"\tSerial Number:\t{cr['serial'][-1] if cr['serial'] else ''}\n")
    for name, key in (
        ("Organization", "o"),
        ("Organizational Unit", "ou"),
        ("Country", "c"),
        ("Locality", "l"),
        ("Province", "st"),
        ("StreetAddress", "street"),
        ("PostalCode", "postal"),
    ):
        list_helper(name, cr[key])
    if cr["dns"] or cr["email"] or cr["ip"] or cr["uri"]:
        w.write(LEVEL_0, "Subject Alternative Names:\n")
        list_helper("DNS Names", cr["dns"])
        list_helper("Email Addresses", cr["email"])
        list_helper("URIs", cr["uri"])
        list_helper("IP Addresses", cr["ip"])
    describe_events(events, w, now)
