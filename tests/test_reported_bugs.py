"""Fidelity bugs lesson authors reported: ``openssl`` on the workstation with real certificates from the
cluster CA, ``kubectl run -it --rm``, GNU ``sed`` (addresses, ranges, -n/-e/-i, s///), stdout/stderr order on a
terminal, and autoscaling/v1 HPAs through ``apply`` and ``get``. Where the real tool is installed (openssl,
GNU sed) the simulated output is compared with it byte for byte; otherwise the checks use recorded texts."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile

import pytest

from k8stutor.engine.auth.pki import PKIError, key_matches, load_cert, load_key
from k8stutor.engine.cluster import Cluster
from k8stutor.engine.runtime.sh import VFS, Shell
from k8stutor.hosts.shell import run_transcript
from k8stutor.hosts.workstation import Workstation
from k8stutor.kubectl.result import Result


@pytest.fixture(scope="module")
def ws() -> Workstation:
    w = Workstation(Cluster(), host_files=False)
    for line in [
        "cd /tmp",
        "openssl genrsa -out jane.key 2048",
        'openssl req -new -key jane.key -out jane.csr -subj "/CN=jane/O=dev"',
        "ssh k8s-master01 cat /etc/kubernetes/pki/ca.crt > ca.crt",
        "ssh k8s-master01 cat /etc/kubernetes/pki/ca.key > ca.key",
    ]:
        assert w.run(line).exit_code == 0, line
    return w


def sh(w: Workstation, line: str) -> tuple[str, str, int]:
    r = w.run(line)
    return r.stdout.decode(), r.stderr.decode(), r.exit_code


# ---- openssl -----------------------------------------------------------------------------------------------
def test_genrsa_is_silent_and_writes_a_pkcs8_key(ws: Workstation) -> None:
    out, err, code = sh(ws, "openssl genrsa -out k1.key 2048")
    assert (out, err, code) == ("", "", 0)
    pem = ws.vfs.read("/tmp/k1.key")
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----\n")
    assert load_key(pem).key_size == 2048


def test_x509_req_signs_with_the_cluster_ca_and_prints_openssl_3_texts(ws: Workstation) -> None:
    out, err, code = sh(
        ws, "openssl x509 -req -in jane.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out jane.crt -days 365"
    )
    assert (out, code) == ("", 0)
    assert err == "Certificate request self-signature ok\nsubject=CN = jane, O = dev\n"
    assert ws.vfs.exists("/tmp/ca.srl")
    crt = load_cert(ws.vfs.read("/tmp/jane.crt"))
    assert key_matches(crt, load_key(ws.vfs.read("/tmp/jane.key")))
    out, _, _ = sh(ws, "openssl x509 -in jane.crt -noout -subject -issuer")
    assert out == "subject=CN = jane, O = dev\nissuer=CN = kubernetes\n"
    # The API server accepts it: the cluster CA signed it.
    assert ws.cluster.auth.authn.verify_certificate(ws.vfs.read("/tmp/jane.crt").decode()).username == "jane"


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the real openssl to compare with")
def test_text_output_is_what_real_openssl_prints(ws: Workstation) -> None:
    sh(ws, "openssl x509 -req -in jane.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out j2.crt -days 30")
    d = tempfile.mkdtemp()
    for f in ("jane.csr", "ca.crt", "j2.crt"):
        with open(os.path.join(d, f), "wb") as fh:
            fh.write(ws.vfs.read("/tmp/" + f))
    for args in (
        ["x509", "-in", "ca.crt", "-noout", "-text"],
        ["x509", "-in", "j2.crt", "-noout", "-text"],
        ["req", "-in", "jane.csr", "-noout", "-text"],
        ["x509", "-in", "j2.crt", "-noout", "-subject", "-issuer", "-dates", "-serial", "-modulus"],
    ):
        real = subprocess.run(["openssl", *args], cwd=d, capture_output=True, text=True, check=True).stdout
        assert sh(ws, "openssl " + " ".join(args))[0] == real, args
    shutil.rmtree(d)


def test_openssl_errors(ws: Workstation) -> None:
    out, err, code = sh(ws, "openssl x509 -in nope.crt -noout")
    assert code == 1 and err.startswith("Could not open file or uri for loading certificate from nope.crt\n")
    assert err.endswith("Unable to load certificate\n")
    _, err, code = sh(ws, "openssl req -new -key jane.key -subj CN=x")
    assert code == 1 and "This name is not in that format: 'CN=x'" in err
    assert sh(ws, "openssl frob")[1] == "Invalid command 'frob'; type \"help\" for a list.\n"


CSR_YAML = """apiVersion: certificates.k8s.io/v1
kind: CertificateSigningRequest
metadata:
  name: myuser
spec:
  request: REQUEST
  signerName: kubernetes.io/kube-apiserver-client
  expirationSeconds: 3600
  usages:
  - client auth
"""


def test_csr_signer_issues_a_certificate_for_the_submitted_key() -> None:
    w = Workstation(Cluster(), host_files=False)
    for cmd in [
        "cd /tmp",
        "openssl genrsa -out myuser.key 2048",
        'openssl req -new -key myuser.key -out myuser.csr -subj "/CN=myuser/O=team"',
    ]:
        assert w.run(cmd).exit_code == 0, cmd
    request = sh(w, 'cat myuser.csr | base64 | tr -d "\\n"')[0]
    w.vfs.write("/tmp/csr.yaml", CSR_YAML.replace("REQUEST", request).encode())
    for cmd in [
        "kubectl apply -f csr.yaml",
        "kubectl certificate approve myuser",
        "kubectl get csr myuser -o jsonpath='{.status.certificate}' | base64 -d > myuser.crt",
    ]:
        assert w.run(cmd).exit_code == 0, cmd
    crt = load_cert(w.vfs.read("/tmp/myuser.crt"))
    assert key_matches(crt, load_key(w.vfs.read("/tmp/myuser.key")))
    # Go's pkix.Name order (O before CN), backdated 5 minutes; a 1h certificate keeps its end (short-lived).
    out, _, _ = sh(w, "openssl x509 -in myuser.crt -noout -subject")
    now = w.cluster.now()
    assert out == "subject=O = team, CN = myuser\n"
    assert crt.not_valid_before_utc.timestamp() == int(now) - 300
    assert crt.not_valid_after_utc.timestamp() == int(now) + 3600
    sh(
        w,
        "kubectl config set-credentials myuser --client-key=myuser.key --client-certificate=myuser.crt "
        "--embed-certs=true",
    )
    assert sh(w, "kubectl --user myuser auth whoami")[0].endswith("Groups      [team system:authenticated]\n")
    w.cluster.advance(3601)
    assert (
        sh(w, "kubectl --user myuser get pods")[1]
        == "error: You must be logged in to the server (Unauthorized)\n"
    )


def test_load_helpers_reject_garbage() -> None:
    with pytest.raises(PKIError):
        load_cert(b"not a certificate")


# ---- kubectl run -it --rm ------------------------------------------------------------------------------------
def test_run_rm_needs_an_attached_container() -> None:
    w = Workstation(Cluster(), host_files=False)
    out, err, code = sh(w, "kubectl run --rm x --image=busybox:1.28 --restart=Never -- echo hi")
    assert code == 1
    assert err == (
        "error: --rm should only be used for attached containers\nSee 'kubectl run -h' for help and examples\n"
    )


def test_run_attached_exit_code_and_cleanup() -> None:
    w = Workstation(Cluster(), host_files=False)
    out, err, code = sh(
        w, "kubectl run -i --rm t --image=busybox:1.28 --restart=Never -- sh -c 'echo a; exit 4'"
    )
    assert code == 4
    assert out == 'a\npod "t" deleted\n'
    assert err == "If you don't see a command prompt, try pressing enter.\npod default/t terminated (Error)\n"
    assert w.cluster.api.peek("pods", "t", "default") is None
    # Without --rm the finished pod stays.
    out, _, code = sh(w, "kubectl run -i keep --image=busybox:1.28 --restart=Never -- echo kept")
    assert (out, code) == ("kept\n", 0)
    assert w.cluster.api.peek("pods", "keep", "default")["status"]["phase"] == "Succeeded"


# ---- sed -----------------------------------------------------------------------------------------------------
SED_TEXT = "l1 a\nl2 b\nl3 c\nl4 d\nl5 e\n"
SED_CASES = [
    (["-n", "1,3p"], "l1 a\nl2 b\nl3 c\n"),
    (["/l2/,/l4/d"], "l1 a\nl5 e\n"),
    (["2,$d"], "l1 a\n"),
    (["-n", "$p"], "l5 e\n"),
    (["s/l\\([0-9]\\)/[&|\\1]/g"], "[l1|1] a\n[l2|2] b\n[l3|3] c\n[l4|4] d\n[l5|5] e\n"),
    (["3q"], "l1 a\nl2 b\nl3 c\n"),
    (["-e", "1d", "-e", "3d"], "l2 b\nl4 d\nl5 e\n"),
    (["2,+1d"], "l1 a\nl4 d\nl5 e\n"),
    (["1~2d"], "l2 b\nl4 d\n"),
    (["-n", "2{p;p}"], "l2 b\nl2 b\n"),
    (["4,2p"], "l1 a\nl2 b\nl3 c\nl4 d\nl4 d\nl5 e\n"),
    (["$!N;s/\\n/-/"], "l1 a-l2 b\nl3 c-l4 d\nl5 e\n"),
    (["-E", "s/(l)([0-9])/\\2\\1/"], "1l a\n2l b\n3l c\n4l d\n5l e\n"),
    (["2i\\\nnew"], "l1 a\nnew\nl2 b\nl3 c\nl4 d\nl5 e\n"),
    (["$a end"], SED_TEXT + "end\n"),
    (["s/[[:digit:]]/#/2"], SED_TEXT),
    (["1h;2,$H;$!d;g"], SED_TEXT),
]


def _sed(args: list[str]) -> tuple[str, str, int]:
    fs = VFS()
    fs.write("/in.txt", SED_TEXT.encode())
    r = Shell(fs, name="bash").exec_argv(["sed", *args, "/in.txt"])
    return r.stdout.decode(), r.stderr.decode(), r.exit_code


@pytest.mark.parametrize(("args", "expected"), SED_CASES)
def test_sed_gnu_semantics(args: list[str], expected: str) -> None:
    assert _sed(args) == (expected, "", 0)


def _gnu_sed() -> bool:
    if shutil.which("sed") is None:
        return False
    return b"GNU" in subprocess.run(["sed", "--version"], capture_output=True).stdout


@pytest.mark.skipif(not _gnu_sed(), reason="needs GNU sed to compare with")
@pytest.mark.parametrize(
    "args",
    [a for a, _ in SED_CASES]
    + [["xx"], ["s/a/b"], ["2,"], ["0,/l/d"], ["="], ["2c changed"], ["y/abc/xyz/"], ["-n", "/l3/{n;p}"]],
)
def test_sed_matches_gnu_sed(args: list[str]) -> None:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write(SED_TEXT)
    try:
        real = subprocess.run(["sed", *args, fh.name], capture_output=True, text=True)
    finally:
        os.unlink(fh.name)
    assert _sed(args) == (real.stdout, real.stderr.replace(fh.name, "/in.txt"), real.returncode)


def test_sed_in_place() -> None:
    fs = VFS()
    fs.write("/f.yaml", b"replicas: 1\nimage: nginx:1.14\n")
    r = Shell(fs, name="bash").run("sed -i -e 's/replicas: 1/replicas: 3/' -e 's/1\\.14/1.16/' /f.yaml")
    assert r.exit_code == 0 and r.stdout == b""
    assert fs.read("/f.yaml") == b"replicas: 3\nimage: nginx:1.16\n"


# ---- stream order --------------------------------------------------------------------------------------------
def test_result_keeps_write_order() -> None:
    r = Result()
    r.err("Warning: x\n")
    r.out("table\n")
    r.stderr += "error: direct\n"
    assert r.ordered() == [(2, "Warning: x\n"), (1, "table\n"), (2, "error: direct\n")]


def test_transcript_prints_streams_in_the_order_they_were_written() -> None:
    w = Workstation(Cluster(), host_files=False)
    buf = io.StringIO()
    run_transcript(w, ["echo one; echo two >&2; echo three\n", "kubectl get componentstatuses\n"], buf, buf)
    text = buf.getvalue()
    assert text.startswith("one\ntwo\nthree\n")
    # kubectl's deprecation warning comes before the table, as on a real terminal.
    assert text.index("Warning: v1 ComponentStatus is deprecated in v1.19+") < text.index("NAME")


# ---- autoscaling/v1 HPA --------------------------------------------------------------------------------------
HPA_V1 = """apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 1
  maxReplicas: 5
  targetCPUUtilizationPercentage: 50
"""


def test_hpa_v1_reapply_is_unchanged_and_get_reads_v1() -> None:
    w = Workstation(Cluster(), host_files=False)
    sh(w, "cd /tmp")
    sh(w, "kubectl create deployment web --image=nginx")
    w.vfs.write("/tmp/hpa.yaml", HPA_V1.encode())
    assert sh(w, "kubectl apply -f hpa.yaml")[0] == "horizontalpodautoscaler.autoscaling/web created\n"
    assert sh(w, "kubectl apply -f hpa.yaml")[0] == "horizontalpodautoscaler.autoscaling/web unchanged\n"
    out = sh(
        w,
        "kubectl get hpa.v1.autoscaling web -o jsonpath='{.apiVersion} {.spec.targetCPUUtilizationPercentage}'",
    )
    assert out[0] == "autoscaling/v1 50"
    assert sh(w, "kubectl get hpa web -o jsonpath='{.apiVersion}'")[0] == "autoscaling/v2"
    sh(w, "sed -i 's/Percentage: 50/Percentage: 70/' hpa.yaml")
    assert sh(w, "kubectl apply -f hpa.yaml")[0] == "horizontalpodautoscaler.autoscaling/web configured\n"
    out = sh(w, "kubectl get hpa web -o jsonpath='{.spec.metrics[0].resource.target.averageUtilization}'")
    assert out[0] == "70"
    assert sh(w, "kubectl get -f hpa.yaml -o jsonpath='{.apiVersion}'")[0] == "autoscaling/v1"
    assert sh(w, "kubectl apply -f hpa.yaml")[0] == "horizontalpodautoscaler.autoscaling/web unchanged\n"
