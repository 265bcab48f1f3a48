"""``k8stutor serve`` over TLS: client certificates and tokens identify the user, RBAC decides exactly as for
the built-in kubectl (same Forbidden text), anonymous requests are refused, impersonation is checked."""

from __future__ import annotations

import base64
import json
import os
import shutil
import ssl
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import yaml

from k8stutor.engine.api.authz import UserInfo
from k8stutor.engine.cluster import Cluster
from k8stutor.hosts.apiserver.auth import request_info
from k8stutor.hosts.apiserver.http import Request
from k8stutor.hosts.apiserver.kubeconfig import kubeconfig_text, pki_dir_for, write_kubeconfig
from k8stutor.hosts.apiserver.main import ensure_controllers
from k8stutor.hosts.apiserver.server import ServerThread
from k8stutor.hosts.apiserver.tls import client_context, ensure_pki, make_client_key_and_csr
from k8stutor.kubectl.main import Kubectl

KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="real kubectl is not installed")

JANE = UserInfo("jane", ("dev", "system:authenticated"))


def _req(method: str, target: str) -> Request:
    """A request as the HTTP layer parses it (query values percent-decoded)."""
    path, _, query = target.partition("?")
    return Request(method, target, path, parse_qs(query, keep_blank_values=True), {})


@pytest.mark.parametrize(
    ("method", "target", "want"),
    [
        ("GET", "/api/v1/namespaces/default/pods", (True, "list", "", "pods", "", "default", "")),
        ("GET", "/api/v1/pods?watch=true", (True, "watch", "", "pods", "", "", "")),
        ("GET", "/api/v1/namespaces/dev/pods/web/log", (True, "get", "", "pods", "log", "dev", "web")),
        ("GET", "/api/v1/namespaces/dev", (True, "get", "", "namespaces", "", "dev", "dev")),
        (
            "PUT",
            "/api/v1/namespaces/dev/finalize",
            (True, "update", "", "namespaces", "finalize", "dev", "dev"),
        ),
        (
            "DELETE",
            "/apis/apps/v1/namespaces/a/deployments",
            (True, "deletecollection", "apps", "deployments", "", "a", ""),
        ),
        (
            "GET",
            "/apis/apps/v1/watch/namespaces/a/deployments/web",
            (True, "watch", "apps", "deployments", "", "a", "web"),
        ),
        (
            "GET",
            "/api/v1/namespaces/a/pods?fieldSelector=metadata.name%3Dweb",
            (True, "list", "", "pods", "", "a", "web"),
        ),
        (
            "GET",
            "/api/v1/namespaces/a/pods?fieldSelector=metadata.name=web",
            (True, "list", "", "pods", "", "a", "web"),
        ),
        (
            "POST",
            "/api/v1/namespaces/a/serviceaccounts/sa/token",
            (True, "create", "", "serviceaccounts", "token", "a", "sa"),
        ),
        ("GET", "/apis/apps/v1", (False, "get", "", "", "", "", "")),
        ("GET", "/version", (False, "get", "", "", "", "", "")),
    ],
)
def test_request_info_parses_like_requestinfo_go(method: str, target: str, want: tuple[Any, ...]) -> None:
    info = request_info(_req(method, target))
    got = (
        info.resource_request,
        info.verb,
        info.group,
        info.resource,
        info.subresource,
        info.namespace,
        info.name,
    )
    assert got == want


def test_pki_is_generated_once_and_reused(tmp_path: Path) -> None:
    pki = ensure_pki(tmp_path / "pki")
    ca, admin = pki.read("ca.crt"), pki.read("admin.crt")
    again = ensure_pki(tmp_path / "pki")
    assert again.read("ca.crt") == ca and again.read("admin.crt") == admin
    assert oct((tmp_path / "pki" / "ca.key").stat().st_mode & 0o777) == "0o600"
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(admin)
    assert cert.subject.rfc4514_string() == "CN=kubernetes-admin,O=kubeadm:cluster-admins"
    assert pki.ca_cert.subject.rfc4514_string() == "CN=kubernetes"
    doc = yaml.safe_load(kubeconfig_text("https://127.0.0.1:6443", pki=pki))
    assert doc["clusters"][0]["cluster"]["certificate-authority-data"] == base64.b64encode(ca).decode()
    assert set(doc["users"][0]["user"]) == {"client-certificate-data", "client-key-data"}
    assert pki_dir_for("~/.kube/k8stutor.yaml").name == "k8stutor-pki"


class Env:
    """A TLS-served cluster, the admin kubeconfig and a private HOME for real kubectl."""

    def __init__(self, st: ServerThread, home: Path, pki: Any) -> None:
        self.st = st
        self.home = home
        self.pki = pki
        self.kc = write_kubeconfig(home / "kubeconfig", st.url, pki=pki)
        self.env = dict(os.environ, KUBECONFIG=str(self.kc), HOME=str(home))
        self.builtin = Kubectl(st.cluster, cwd=str(home))

    def real(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [KUBECTL or "kubectl", *args],
            env=self.env,
            capture_output=True,
            text=True,
            input=stdin,
            timeout=30,
            cwd=self.home,
        )

    def builtin_as(self, user: UserInfo | None, *args: str) -> str:
        def run() -> str:
            self.builtin.user = user
            try:
                r = self.builtin.run(list(args))
            finally:
                self.builtin.user = None
            return r.stdout + r.stderr

        return self.st.call(run)

    def https(self, path: str, cert: str = "admin", headers: dict[str, str] | None = None) -> tuple[int, Any]:
        ctx: ssl.SSLContext = client_context(self.pki, cert)
        req = urllib.request.Request(self.st.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(req, context=ctx, timeout=10) as r:
                body = r.read()
                code = r.status
        except urllib.error.HTTPError as e:
            body, code = e.read(), e.code
        try:
            return code, json.loads(body)
        except ValueError:
            return code, body.decode()


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    home = tmp_path_factory.mktemp("serve-auth")
    pki = ensure_pki(home / "pki")
    c = Cluster()
    ensure_controllers(c)
    st = ServerThread(c, pki=pki, anonymous=False)
    st.start()
    yield Env(st, home, pki)
    st.stop()


def test_admin_certificate_and_anonymous_refused(env: Env) -> None:
    assert env.st.url.startswith("https://127.0.0.1:")
    code, body = env.https("/api/v1/namespaces/default/pods")
    assert code == 200 and body["kind"] == "PodList"
    code, body = env.https("/api/v1/namespaces/default/pods", cert="")
    assert code == 401
    assert body == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "Unauthorized",
        "reason": "Unauthorized",
        "code": 401,
    }
    code, _ = env.https("/version", cert="")
    assert code == 401
    code, _ = env.https("/api/v1/pods", cert="", headers={"Authorization": "Bearer not-a-token"})
    assert code == 401


def test_anonymous_auth_reads_public_info_only(tmp_path: Path) -> None:
    pki = ensure_pki(tmp_path / "pki")
    c = Cluster()
    with ServerThread(c, pki=pki, anonymous=True) as st:
        e = Env(st, tmp_path, pki)
        code, body = e.https("/version", cert="")
        assert code == 200 and body["gitVersion"].startswith("v1.32.")
        code, body = e.https("/api/v1/pods", cert="")
        assert code == 403
        assert body["message"] == (
            'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API '
            'group "" at the cluster scope'
        )
        code, body = e.https("/apis", cert="")
        assert code == 403
        assert body["message"] == 'forbidden: User "system:anonymous" cannot get path "/apis"'


def test_service_account_token_authenticates(env: Env) -> None:
    def issue() -> str:
        sa = env.st.cluster.api.get("serviceaccounts", "default", "default")
        return str(
            env.st.cluster.auth.authn.service_account_token("default", "default", sa["metadata"]["uid"])
        )

    token = env.st.call(issue)
    code, body = env.https(
        "/api/v1/namespaces/default/pods", cert="", headers={"Authorization": f"Bearer {token}"}
    )
    assert code == 403
    assert body["message"] == (
        'pods is forbidden: User "system:serviceaccount:default:default" cannot list '
        'resource "pods" in API group "" in the namespace "default"'
    )
    assert body["details"] == {"kind": "pods"}


@needs_kubectl
def test_admin_over_tls_with_real_kubectl(env: Env) -> None:
    r = env.real("auth", "whoami")
    assert r.returncode == 0, r.stderr
    assert r.stdout == env.builtin_as(None, "auth", "whoami")
    assert "kubernetes-admin" in r.stdout
    r = env.real("get", "nodes")
    assert r.returncode == 0 and "k8s-master01" in r.stdout


@needs_kubectl
def test_impersonation_matches_builtin_as(env: Env) -> None:
    r = env.real("--as=jane", "get", "pods")
    assert r.returncode == 1
    want = (
        'Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource "pods" in API '
        'group "" in the namespace "default"\n'
    )
    assert r.stderr == want
    assert env.builtin_as(None, "--as=jane", "get", "pods") == want
    r = env.real("auth", "can-i", "list", "pods", "--as=jane")
    assert (r.stdout, r.returncode) == ("no\n", 1)
    r = env.real("auth", "whoami", "--as=jane", "--as-group=dev")
    assert r.stdout == env.builtin_as(None, "auth", "whoami", "--as=jane", "--as-group=dev")


@needs_kubectl
def test_csr_minted_user_with_a_role_in_one_namespace(env: Env) -> None:
    key, csr = make_client_key_and_csr("jane", ["dev"])
    (env.home / "jane.key").write_bytes(key)
    manifest = {
        "apiVersion": "certificates.k8s.io/v1",
        "kind": "CertificateSigningRequest",
        "metadata": {"name": "jane"},
        "spec": {
            "request": base64.b64encode(csr).decode(),
            "signerName": "kubernetes.io/kube-apiserver-client",
            "usages": ["client auth"],
        },
    }
    r = env.real("create", "-f", "-", stdin=json.dumps(manifest))
    assert r.stdout == "certificatesigningrequest.certificates.k8s.io/jane created\n", r.stderr
    r = env.real("certificate", "approve", "jane")
    assert r.stdout == "certificatesigningrequest.certificates.k8s.io/jane approved\n", r.stderr
    env.st.call(env.st.cluster.settle)
    r = env.real("get", "csr", "jane", "-o", "jsonpath={.status.certificate}")
    cert = base64.b64decode(r.stdout)
    assert cert.startswith(b"-----BEGIN CERTIFICATE-----")
    (env.home / "jane.crt").write_bytes(cert)
    for argv in (
        ["create", "namespace", "dev"],
        ["create", "role", "pod-reader", "--verb=get,list,watch", "--resource=pods", "-n", "dev"],
        ["create", "rolebinding", "jane-read", "--role=pod-reader", "--user=jane", "-n", "dev"],
        ["run", "p1", "--image=nginx", "-n", "dev"],
        [
            "config",
            "set-credentials",
            "jane",
            "--client-certificate=jane.crt",
            "--client-key=jane.key",
            "--embed-certs",
        ],
        ["config", "set-context", "jane", "--cluster=kubernetes", "--user=jane"],
    ):
        r = env.real(*argv)
        assert r.returncode == 0, (argv, r.stderr)
    for argv, code in (
        (["get", "pods", "-n", "dev", "-o", "name"], 0),
        (["get", "pods"], 1),
        (["delete", "pod", "p1", "-n", "dev"], 1),
        (["get", "namespaces"], 1),
        (["auth", "whoami"], 0),
        (["auth", "can-i", "--list", "-n", "dev"], 0),
        (["auth", "can-i", "watch", "pods", "-n", "dev"], 0),
        (["auth", "can-i", "create", "pods", "-n", "dev"], 1),
    ):
        r = env.real("--context=jane", *argv)
        assert r.returncode == code, (argv, r.stderr)
        assert r.stdout + r.stderr == env.builtin_as(JANE, *argv), argv
    r = env.real("--context=jane", "get", "pods")
    assert r.stderr == (
        'Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource "pods" '
        'in API group "" in the namespace "default"\n'
    )
    # jane may not impersonate anyone.
    r = env.real("--context=jane", "--as=kubernetes-admin", "get", "pods", "-n", "dev")
    assert r.stderr == (
        'Error from server (Forbidden): users "kubernetes-admin" is forbidden: User "jane" cannot '
        'impersonate resource "users" in API group "" at the cluster scope\n'
    )
