"""``openssl`` on the workstation: the subset the Kubernetes docs use to make a user's key, request and certificate.

``genrsa``, ``genpkey -algorithm RSA``, ``req`` (``-new``, ``-newkey``, ``-x509``, ``-in ... -noout -text``),
``x509`` (``-req -CA -CAkey``, ``-in ... -noout -text|-subject|-issuer|-dates|-serial|-modulus``),
``rsa``, ``rand`` and ``md5``, printing what OpenSSL 3.0 (Ubuntu 22.04) prints. Files live in the workstation's
in-memory filesystem; keys are real RSA keys made deterministically from the cluster seed, so a session
replays identically and the certificate the cluster signs matches the learner's key.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import random
from collections.abc import Callable
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ..engine.auth.pki import PKIError, key_pem, load_cert, load_csr, load_key, rsa_key_from_seed, when
from ..engine.runtime.sh import CommandContext, VFSError

VERSION = "OpenSSL 3.0.2 15 Mar 2022 (Library: OpenSSL 3.0.2 15 Mar 2022)"
_TID = "40F7A1C1B17F0000"  # the thread id OpenSSL prefixes its error lines with
_SHORT = {
    NameOID.COMMON_NAME: "CN",
    NameOID.ORGANIZATION_NAME: "O",
    NameOID.ORGANIZATIONAL_UNIT_NAME: "OU",
    NameOID.COUNTRY_NAME: "C",
    NameOID.STATE_OR_PROVINCE_NAME: "ST",
    NameOID.LOCALITY_NAME: "L",
    NameOID.EMAIL_ADDRESS: "emailAddress",
    NameOID.SERIAL_NUMBER: "serialNumber",
}
_BY_SHORT = {v: k for k, v in _SHORT.items()}
_EKU = {
    ExtendedKeyUsageOID.CLIENT_AUTH: "TLS Web Client Authentication",
    ExtendedKeyUsageOID.SERVER_AUTH: "TLS Web Server Authentication",
}


class _Fail(Exception):
    """Stop the command: ``text`` goes to stderr, exit status 1."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def name_text(name: x509.Name) -> str:
    """A distinguished name as OpenSSL 3.0 prints it: ``CN = jane, O = dev`` (in encoding order)."""
    return ", ".join(f"{_SHORT.get(a.oid, a.oid.dotted_string)} = {a.value!s}" for a in name)


def date_text(d: _dt.datetime) -> str:
    """``Dec  1 23:28:54 2026 GMT``."""
    return f"{d:%b} {d.day:2d} {d:%H:%M:%S %Y} GMT"


def parse_subj(text: str) -> x509.Name:
    """``/CN=jane/O=dev`` -> Name; _Fail with OpenSSL's message when not in that form."""
    if not text.startswith("/"):
        raise _Fail(
            "req: subject name is expected to be in the format /type0=value0/type1=value1/type2=... "
            f"where characters may be escaped by \\. This name is not in that format: '{text}'\n"
        )
    attrs = []
    for part in text[1:].split("/"):
        if not part:
            continue
        k, eq, v = part.partition("=")
        oid = _BY_SHORT.get(k)
        if not eq or oid is None:
            raise _Fail(
                f'req: Skipping unknown subject name attribute "{k}"\n'
                if eq
                else "req: Hit end of string before finding the equals.\nreq: Error making certificate "
                "request\n"
            )
        if v:
            attrs.append(x509.RelativeDistinguishedName([x509.NameAttribute(oid, v)]))
    return x509.Name(attrs)


def _hex_lines(data: bytes, per: int, indent: int) -> str:
    pairs = [f"{b:02x}" for b in data]
    rows = [":".join(pairs[i : i + per]) for i in range(0, len(pairs), per)]
    return "".join(" " * indent + r + (":" if i < len(rows) - 1 else "") + "\n" for i, r in enumerate(rows))


def _pubkey_text(pub: Any) -> str:
    nums = pub.public_numbers()
    n = nums.n.to_bytes((nums.n.bit_length() + 7) // 8, "big")
    if n[0] & 0x80:
        n = b"\0" + n
    return (
        "        Subject Public Key Info:\n            Public Key Algorithm: rsaEncryption\n"
        f"                Public-Key: ({pub.key_size} bit)\n                Modulus:\n"
        + _hex_lines(n, 15, 20)
        + f"                Exponent: {nums.e} ({nums.e:#x})\n"
    )


def _sig_text(obj: Any) -> str:
    return "    Signature Algorithm: sha256WithRSAEncryption\n    Signature Value:\n" + _hex_lines(
        obj.signature, 18, 8
    )


def _ext_text(exts: x509.Extensions) -> str:
    out = ""
    for ext in exts:
        v = ext.value
        if isinstance(v, x509.BasicConstraints):
            title, body = "X509v3 Basic Constraints", "CA:TRUE" if v.ca else "CA:FALSE"
        elif isinstance(v, x509.KeyUsage):
            names = [
                ("Digital Signature", v.digital_signature),
                ("Non Repudiation", v.content_commitment),
                ("Key Encipherment", v.key_encipherment),
                ("Data Encipherment", v.data_encipherment),
                ("Key Agreement", v.key_agreement),
                ("Certificate Sign", v.key_cert_sign),
                ("CRL Sign", v.crl_sign),
            ]
            title, body = "X509v3 Key Usage", ", ".join(n for n, on in names if on)
        elif isinstance(v, x509.ExtendedKeyUsage):
            title, body = "X509v3 Extended Key Usage", ", ".join(_EKU.get(u, u.dotted_string) for u in v)
        elif isinstance(v, x509.AuthorityKeyIdentifier):
            title, body = (
                "X509v3 Authority Key Identifier",
                ":".join(f"{b:02X}" for b in v.key_identifier or b""),
            )
        elif isinstance(v, x509.SubjectKeyIdentifier):
            title, body = "X509v3 Subject Key Identifier", ":".join(f"{b:02X}" for b in v.digest)
        elif isinstance(v, x509.SubjectAlternativeName):
            parts = [f"DNS:{d}" for d in v.get_values_for_type(x509.DNSName)]
            parts += [f"IP Address:{ip}" for ip in v.get_values_for_type(x509.IPAddress)]
            title, body = "X509v3 Subject Alternative Name", ", ".join(parts)
        else:
            title, body = ext.oid.dotted_string, "<unsupported>"
        out += f"            {title}: {'critical' if ext.critical else ''}\n                {body}\n"
    return out


def cert_text(cert: x509.Certificate) -> str:
    """``openssl x509 -noout -text``."""
    v = cert.version.value
    sn = cert.serial_number
    if sn.bit_length() <= 63:
        serial = f"        Serial Number: {sn} ({sn:#x})\n"
    else:
        raw = sn.to_bytes((sn.bit_length() + 7) // 8, "big")
        serial = "        Serial Number:\n            " + ":".join(f"{b:02x}" for b in raw) + "\n"
    out = (
        f"Certificate:\n    Data:\n        Version: {v + 1} ({v:#x})\n{serial}"
        "        Signature Algorithm: sha256WithRSAEncryption\n"
        f"        Issuer: {name_text(cert.issuer)}\n        Validity\n"
        f"            Not Before: {date_text(cert.not_valid_before_utc)}\n"
        f"            Not After : {date_text(cert.not_valid_after_utc)}\n"
        f"        Subject: {name_text(cert.subject)}\n" + _pubkey_text(cert.public_key())
    )
    if len(cert.extensions):
        out += "        X509v3 extensions:\n" + _ext_text(cert.extensions)
    return out + _sig_text(cert)


def csr_text(csr: x509.CertificateSigningRequest) -> str:
    """``openssl req -noout -text``."""
    out = (
        "Certificate Request:\n    Data:\n        Version: 1 (0x0)\n"
        f"        Subject: {name_text(csr.subject)}\n"
        + _pubkey_text(csr.public_key())
        + "        Attributes:\n"
    )
    if len(csr.extensions):
        out += "            Requested Extensions:\n" + _ext_text(csr.extensions).replace(
            "\n    ", "\n        "
        )
    else:
        out += "            (none)\n            Requested Extensions:\n"
    return out + _sig_text(csr)


def _modulus(pub: Any) -> str:
    return f"Modulus={pub.public_numbers().n:X}\n"


class OpenSSL:
    """The ``openssl`` command of one workstation (``clock`` gives virtual time, ``seed`` fixes its keys)."""

    def __init__(self, clock: Callable[[], float], seed: int | str = 0) -> None:
        self.clock = clock
        self.seed = seed
        self.rng = random.Random(f"openssl-{seed}")
        self.keys_made = 0

    # ---- plumbing --------------------------------------------------------------------------------
    def __call__(self, ctx: CommandContext) -> int:
        """Run ``openssl ARGS``."""
        argv = ctx.argv[1:]
        if not argv:
            ctx.stderr.write(
                "openssl: interactive mode is not simulated; run one command, e.g. openssl version\n"
            )
            return 1
        sub = argv[0]
        handler = {
            "genrsa": self._genrsa,
            "genpkey": self._genpkey,
            "req": self._req,
            "x509": self._x509,
            "rand": self._rand,
            "version": self._version,
            "rsa": self._rsa,
            "md5": self._digest,
            "sha256": self._digest,
        }.get(sub)
        if handler is None:
            ctx.stderr.write(f"Invalid command '{sub}'; type \"help\" for a list.\n")
            return 1
        try:
            return handler(ctx, sub, argv[1:])
        except _Fail as e:
            ctx.stderr.write(e.text)
            return 1

    @staticmethod
    def _opts(
        sub: str, args: list[str], valued: set[str], flags: set[str]
    ) -> tuple[dict[str, str], list[str], list[str]]:
        """(options with values, flags in order, positional args); _Fail on an unknown option."""
        opts: dict[str, str] = {}
        order: list[str] = []
        pos: list[str] = []
        i = 0
        while i < len(args):
            a = args[i]
            if a.startswith("-") and len(a) > 1:
                name = a.lstrip("-")
                if name in valued:
                    if i + 1 >= len(args):
                        raise _Fail(f"{sub}: Option -{name} needs a value\n{sub}: Use -help for summary.\n")
                    opts[name] = args[i + 1]
                    i += 2
                    continue
                if name in flags:
                    order.append(name)
                    i += 1
                    continue
                raise _Fail(f"{sub}: Unknown option: -{name}\n{sub}: Use -help for summary.\n")
            pos.append(a)
            i += 1
        return opts, order, pos

    @staticmethod
    def _read(ctx: CommandContext, path: str | None, what: str) -> bytes:
        if path is None:
            return ctx.stdin
        try:
            return ctx.vfs.read(ctx.path(path))
        except VFSError:
            raise _Fail(
                f"Could not open file or uri for loading {what} from {path}\n"
                f"{_TID}:error:16000069:STORE routines:ossl_store_get0_loader_int:unregistered scheme:"
                "../crypto/store/store_register.c:237:scheme=file\n"
                f"{_TID}:error:80000002:system library:file_open:No such file or directory:"
                f"../providers/implementations/storemgmt/file_store.c:267:calling stat({path})\n"
                + ("Unable to load certificate\n" if what == "certificate" else "")
            ) from None

    @staticmethod
    def _write(ctx: CommandContext, sub: str, path: str | None, data: str) -> None:
        if path is None:
            ctx.stdout.write(data)
            return
        try:
            ctx.vfs.write(ctx.path(path), data.encode())
        except VFSError:
            raise _Fail(f'{sub}: Can\'t open "{path}" for writing, No such file or directory\n') from None

    def _load_key(self, ctx: CommandContext, path: str | None) -> rsa.RSAPrivateKey:
        data = self._read(ctx, path, "private key")
        try:
            return load_key(data)
        except PKIError:
            raise _Fail(f"Could not read private key from {path or 'stdin'}\n") from None

    def _load_cert(self, ctx: CommandContext, path: str | None) -> x509.Certificate:
        data = self._read(ctx, path, "certificate")
        try:
            return load_cert(data)
        except PKIError:
            raise _Fail(
                f"Could not read certificate from {path or '<stdin>'}\n"
                f"{_TID}:error:1608010C:STORE routines:ossl_store_handle_load_result:unsupported:"
                "../crypto/store/store_result.c:151:\nUnable to load certificate\n"
            ) from None

    def _load_csr(self, ctx: CommandContext, path: str | None) -> x509.CertificateSigningRequest:
        if path is not None and not ctx.vfs.exists(ctx.path(path)):
            raise _Fail(
                f'Can\'t open "{path}" for reading, No such file or directory\n'
                f"{_TID}:error:80000002:system library:BIO_new_file:No such file or directory:"
                f"../crypto/bio/bss_file.c:67:calling fopen({path}, r)\n"
                f"{_TID}:error:10000080:BIO routines:BIO_new_file:no such file:../crypto/bio/bss_file.c:75:\n"
                "Unable to load certificate request input\n"
            )
        data = self._read(ctx, path, "certificate request")
        try:
            return load_csr(data)
        except PKIError:
            raise _Fail(
                f"{_TID}:error:1E08010C:DECODER routines:OSSL_DECODER_from_bio:unsupported:"
                "../crypto/encode_decode/decoder_lib.c:102:No supported data to decode.  Input type: PEM\n"
                "Unable to load X509 request\n"
            ) from None

    def new_key(self, bits: int = 2048) -> rsa.RSAPrivateKey:
        """The next key this workstation generates (deterministic per seed)."""
        self.keys_made += 1
        return rsa_key_from_seed(f"workstation-{self.seed}-{self.keys_made}", bits)

    def _dots(self) -> str:
        """The progress OpenSSL 3 prints while it searches for the two primes."""
        line = ""
        for _ in range(2):
            line += "".join(self.rng.choice((".", ".", "+.", ".+")) for _ in range(self.rng.randint(8, 30)))
            line += "+" * 64 + "*"
        return line[:-1] + "\n-----\n"

    def _bits(self, sub: str, text: str) -> int:
        if not text.isdigit() or int(text) < 512 or int(text) > 16384:
            raise _Fail(
                f"{sub}: Invalid key size {text}\n"
                if text.isdigit()
                else f"{sub}: Extra arguments given.\n{sub}: Use -help for summary.\n"
            )
        return int(text)

    # ---- commands --------------------------------------------------------------------------------
    def _version(self, ctx: CommandContext, sub: str, args: list[str]) -> int:
        ctx.stdout.write(VERSION + "\n")
        return 0

    def _genrsa(self, ctx: CommandContext, sub: str, args: list[str]) -> int:
        opts, _, pos = self._opts(sub, args, {"out", "passout"}, {"verbose", "quiet", "traditional"})
        bits = self._bits(sub, pos[0]) if pos else 2048
        self._write(ctx, sub, opts.get("out"), key_pem(self.new_key(bits)))
        return 0

    def _genpkey(self, ctx: CommandContext, sub: str, args: list[str]) -> int:
        opts, _, _ = self._opts(sub, args, {"algorithm", "out", "pkeyopt", "outform"}, {"quiet"})
        alg = opts.get("algorithm", "")
        if alg.upper() != "RSA":
            raise _Fail(
                f"genpkey: Algorithm {alg} not found\n" if alg else "genpkey: no keytype specified.\n"
            )
        bits = 2048
        po = opts.get("pkeyopt", "")
        if po.startswith("rsa_keygen_bits:"):
            bits = self._bits(sub, po.split(":", 1)[1])
        key = self.new_key(bits)
        ctx.stderr.write(self._dots().replace("\n-----\n", "\n"))
        self._write(ctx, sub, opts.get("out"), key_pem(key))
        return 0

    def _rsa(self, ctx: CommandContext, sub: str, args: list[str]) -> int:
        opts, order, _ = self._opts(sub, args, {"in", "out"}, {"noout", "modulus", "pubout", "text", "check"})
        key = self._load_key(ctx, opts.get("in"))
        if "modulus" in order:
            ctx.stdout.write(_modulus(key.public_key()))
        if "check" in order:
            ctx.stdout.write("RSA key ok\n")
        if "noout" not in order:
            if "pubout" in order:
                pem = (
                    key.public_key()
                    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
                    .decode()
                )
            else:
                pem = key_pem(key)
            ctx.stderr.write("writing RSA key\n")
            self._write(ctx, sub, opts.get("out"), pem)
        return 0

    def _rand(self, ctx: CommandContext, sub: str, args: list[str]) -> int:
        opts, order, pos = self._opts(sub, args, {"out"}, {"base64", "hex"})
        if len(pos) != 1 or not pos[0].isdigit():
            raise _Fail("rand: Use -help for summary.\n")
        data = bytes(self.rng.getrandbits(8) for _ in range(int(pos[0])))
        if "base64" in order:
            b64 = base64.b64encode(data).decode()
            text = "".join(b64[i : i + 64] + "\n" for i in range(0, len(b64), 64))
        elif "hex" in order:
            text = data.hex() + "\n"
        else:
            text = data.decode("latin-1")
        self._write(ctx, sub, opts.get("out"), text)
        return 0

    def _digest(self, ctx: CommandContext, sub: str, args: list[str]) -> int:
        _, _, pos = self._opts(sub, args, set(), set())
        algo = hashlib.md5 if sub == "md5" else hashlib.sha256
        label = sub.upper() if sub == "md5" else "SHA2-256"
        if not pos:
            ctx.stdout.write(f"{label}(stdin)= {algo(ctx.stdin).hexdigest()}\n")
        for p in pos:
            try:
                data = ctx.vfs.read(ctx.path(p))
            except VFSError:
                ctx.stderr.write(f'{sub}: Can\'t open "{p}" for reading, No such file or directory\n')
                return 1
            ctx.stdout.write(f"{label}({p})= {algo(data).hexdigest()}\n")
        return 0

    def _req(self, ctx: CommandContext, sub: str, args: list[str]) -> int:
        opts, order, _ = self._opts(
            sub,
            args,
            {"key", "out", "subj", "in", "newkey", "keyout", "days", "config", "passout", "passin"},
            {
                "new",
                "x509",
                "nodes",
                "noenc",
                "noout",
                "text",
                "subject",
                "verify",
                "sha256",
                "batch",
                "pubkey",
                "modulus",
            },
        )
        if "new" not in order and "newkey" not in opts and "x509" not in order:
            csr = self._load_csr(ctx, opts.get("in"))
            if "verify" in order:
                ctx.stderr.write("Certificate request self-signature verify OK\n")
            for o in order:
                if o == "text":
                    ctx.stdout.write(csr_text(csr))
                elif o == "subject":
                    ctx.stdout.write(f"subject={name_text(csr.subject)}\n")
                elif o == "modulus":
                    ctx.stdout.write(_modulus(csr.public_key()))
            if "noout" not in order:
                self._write(ctx, sub, opts.get("out"), csr.public_bytes(serialization.Encoding.PEM).decode())
            return 0
        if "key" in opts:
            key = self._load_key(ctx, opts["key"])
        else:
            spec = opts.get("newkey", "rsa:2048")
            if not spec.startswith("rsa:"):
                raise _Fail(f"req: Unknown algorithm {spec.split(':')[0]}\n")
            key = self.new_key(self._bits(sub, spec[4:] or "2048"))
            ctx.stderr.write(self._dots())
            self._write(ctx, sub, opts.get("keyout", "privkey.pem"), key_pem(key))
        if "subj" not in opts:
            ctx.stderr.write(
                "You are about to be asked to enter information that will be incorporated\n"
                "into your certificate request.\nWhat you are about to enter is what is called a "
                "Distinguished Name or a DN.\nThere are quite a few fields but you can leave some "
                "blank\nFor some fields there will be a default value,\nIf you enter '.', the field "
                "will be left blank.\n-----\nCountry Name (2 letter code) [AU]:"
                "Error making certificate request\n"
            )
            return 1
        name = parse_subj(opts["subj"])
        if "x509" in order:
            days = int(opts.get("days", "30")) if opts.get("days", "30").isdigit() else 30
            now = self.clock()
            pub = key.public_key()
            ski = x509.SubjectKeyIdentifier.from_public_key(pub)
            cert = (
                x509.CertificateBuilder()
                .subject_name(name)
                .issuer_name(name)
                .public_key(pub)
                .serial_number(self.rng.getrandbits(159) | (1 << 152))
                .not_valid_before(when(now))
                .not_valid_after(when(now + days * 86400))
                .add_extension(ski, critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), False)
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .sign(key, hashes.SHA256())
            )
            pem = cert.public_bytes(serialization.Encoding.PEM).decode()
        else:
            csr = x509.CertificateSigningRequestBuilder().subject_name(name).sign(key, hashes.SHA256())
            pem = csr.public_bytes(serialization.Encoding.PEM).decode()
            if "text" in order:
                ctx.stdout.write(csr_text(csr))
        if "noout" not in order:
            self._write(ctx, sub, opts.get("out"), pem)
        return 0

    def _x509(self, ctx: CommandContext, sub: str, args: list[str]) -> int:
        opts, order, _ = self._opts(
            sub,
            args,
            {
                "in",
                "out",
                "CA",
                "CAkey",
                "CAserial",
                "set_serial",
                "days",
                "signkey",
                "extfile",
                "extensions",
                "inform",
                "outform",
            },
            {
                "req",
                "noout",
                "text",
                "subject",
                "issuer",
                "dates",
                "startdate",
                "enddate",
                "serial",
                "modulus",
                "fingerprint",
                "CAcreateserial",
                "sha256",
                "pubkey",
                "nameopt",
                "purpose",
            },
        )
        if "req" in order:
            cert = self._sign(ctx, opts, order)
        else:
            cert = self._load_cert(ctx, opts.get("in"))
        for o in order:
            if o == "text":
                ctx.stdout.write(cert_text(cert))
            elif o == "subject":
                ctx.stdout.write(f"subject={name_text(cert.subject)}\n")
            elif o == "issuer":
                ctx.stdout.write(f"issuer={name_text(cert.issuer)}\n")
            elif o in ("dates", "startdate"):
                ctx.stdout.write(f"notBefore={date_text(cert.not_valid_before_utc)}\n")
            if o in ("dates", "enddate"):
                ctx.stdout.write(f"notAfter={date_text(cert.not_valid_after_utc)}\n")
            elif o == "serial":
                hx = f"{cert.serial_number:X}"
                ctx.stdout.write(f"serial={'0' * (len(hx) % 2)}{hx}\n")
            elif o == "modulus":
                ctx.stdout.write(_modulus(cert.public_key()))
            elif o == "fingerprint":
                algo: Any = hashes.SHA256() if "sha256" in order else hashes.SHA1()
                fp = ":".join(f"{b:02X}" for b in cert.fingerprint(algo))
                ctx.stdout.write(f"{'sha256' if 'sha256' in order else 'SHA1'} Fingerprint={fp}\n")
            elif o == "pubkey":
                ctx.stdout.write(
                    cert.public_key()
                    .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
                    .decode()
                )
        if "noout" not in order:
            self._write(ctx, sub, opts.get("out"), cert.public_bytes(serialization.Encoding.PEM).decode())
        return 0

    def _sign(self, ctx: CommandContext, opts: dict[str, str], order: list[str]) -> x509.Certificate:
        """``x509 -req``: a v1 certificate for the request's key, signed by ``-CA``/``-CAkey`` or ``-signkey``."""
        csr = self._load_csr(ctx, opts.get("in"))
        if not csr.is_signature_valid:
            raise _Fail("Certificate request self-signature did not match the contents\n")
        ctx.stderr.write(f"Certificate request self-signature ok\nsubject={name_text(csr.subject)}\n")
        if "CA" in opts:
            ca = self._load_cert(ctx, opts["CA"])
            if "CAkey" not in opts:
                raise _Fail(f"x509: Could not read CA private key from {opts['CA']}\n")
            key = self._load_key(ctx, opts["CAkey"])
            if ca.public_key().public_numbers() != key.public_key().public_numbers():  # type: ignore[union-attr]
                raise _Fail(
                    f"{_TID}:error:05800074:x509 certificate routines:X509_check_private_key:key values "
                    "mismatch:../crypto/x509/x509_cmp.c:405:\n"
                )
            issuer = ca.subject
        elif "signkey" in opts:
            key = self._load_key(ctx, opts["signkey"])
            issuer = csr.subject
        else:
            raise _Fail(
                "x509: We need a private key to sign with, use -signkey or -CAkey or -CA with private key\n"
            )
        days_s = opts.get("days", "30")
        if not days_s.lstrip("-").isdigit():
            raise _Fail(f"x509: Non-numeric value: {days_s}\n")
        serial = self._serial(ctx, opts, order)
        now = self.clock()
        return (
            x509.CertificateBuilder()
            .subject_name(csr.subject)
            .issuer_name(issuer)
            .public_key(csr.public_key())
            .serial_number(serial)  # type: ignore[arg-type]
            .not_valid_before(when(now))
            .not_valid_after(when(now + int(days_s) * 86400))
            .sign(key, hashes.SHA256())
        )

    def _serial(self, ctx: CommandContext, opts: dict[str, str], order: list[str]) -> int:
        """-set_serial, or the CA serial file (``ca.srl`` next to ``-CA``) incremented, or a random one."""
        if "set_serial" in opts:
            s = opts["set_serial"]
            try:
                return int(s, 16) if s.lower().startswith("0x") else int(s)
            except ValueError:
                raise _Fail(f"x509: Error parsing serial number: {s}\n") from None
        srl = opts.get("CAserial")
        if srl is None and ("CAcreateserial" in order or "CA" in opts):
            ca = opts.get("CA", "")
            srl = (ca.rsplit(".", 1)[0] if "." in ca.rsplit("/", 1)[-1] else ca) + ".srl"
        serial = self.rng.getrandbits(159) | 1
        if srl is not None:
            path = ctx.path(srl)
            if ctx.vfs.exists(path):
                try:
                    serial = int(ctx.vfs.read(path).decode().strip(), 16) + 1
                except ValueError:
                    raise _Fail(f"x509: unable to load number from {srl}\n") from None
            elif "CAcreateserial" not in order and "CAserial" in opts:
                raise _Fail(f"{srl}: No such file or directory\n")
            if "CAcreateserial" in order or ctx.vfs.exists(path):
                ctx.vfs.write(path, f"{serial:X}\n".encode())
        return serial
