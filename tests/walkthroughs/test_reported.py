"""Sessions lesson authors reported: a normal user made with openssl and a CertificateSigningRequest (the
Kubernetes docs' "Certificates and Certificate Signing Requests" page, normal-user section) and one-off
``kubectl run -it --rm`` pods. Expected texts: kubectl v1.32 and OpenSSL 3.0 output."""

from __future__ import annotations

from k8stutor.engine.auth.pki import key_matches, load_cert, load_key

from .transcript import check


def _section(out: str, command: str) -> str:
    start = out.index(f"$ {command}\n") + len(command) + 3
    end = out.find("\n$ ", start)
    return out[start : end + 1 if end >= 0 else len(out)]


def test_normal_user_from_a_csr_and_from_the_cluster_ca() -> None:
    out, ws = check("rep_csr_user")
    # The certificate the signer issued is for the learner's own key, signed by the CA on the control plane.
    crt = load_cert(ws.vfs.read(f"{ws.cwd}/myuser.crt"))
    assert key_matches(crt, load_key(ws.vfs.read(f"{ws.cwd}/myuser.key")))
    assert crt.issuer == load_cert(ws.vfs.read(f"{ws.cwd}/ca.crt")).subject
    assert 'Error from server (Forbidden): pods is forbidden: User "myuser" cannot list' in out
    assert _section(out, "kubectl --context jane auth whoami").endswith(
        "Groups      [dev system:authenticated]\n"
    )


def test_run_it_rm_prints_output_then_deletes_the_pod() -> None:
    out, ws = check("rep_run_rm")
    section = _section(
        out, "kubectl run -it --rm test --image=busybox:1.28 --restart=Never -- nslookup kubernetes"
    )
    assert section.startswith("If you don't see a command prompt, try pressing enter.\n")
    assert section.endswith('pod "test" deleted\n')
    assert ws.cluster.store.list("pods", "default") == []
