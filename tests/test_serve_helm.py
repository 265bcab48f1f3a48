"""Real Helm 3.17 against ``k8stutor serve``: install/upgrade/rollback/list/history/uninstall of the starter
chart, and the built-in ``helm`` reading the same release Secrets (``helm list`` must agree both ways).

Helm is found on PATH or at ``.venv/bin/helm`` (``tools/fetch_helm.sh`` puts it there); the tests skip
cleanly without it. Virtual time is paced by serve's pacer so ``helm --wait`` sees pods become ready.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.helm.commands import Helm
from k8stutor.hosts.apiserver.kubeconfig import write_kubeconfig
from k8stutor.hosts.apiserver.main import ensure_controllers
from k8stutor.hosts.apiserver.server import ServerThread

CHART = Path(__file__).parent / "data" / "helm" / "starter"


def find_helm() -> str | None:
    """The real helm binary: PATH first, then the one ``tools/fetch_helm.sh`` installs next to Python."""
    found = shutil.which("helm")
    if found:
        return found
    local = Path(sys.executable).with_name("helm")
    return str(local) if local.exists() and os.access(local, os.X_OK) else None


HELM = find_helm()
pytestmark = pytest.mark.skipif(HELM is None, reason="real helm is not installed (tools/fetch_helm.sh)")


class Env:
    """A served cluster (paced at 20x so --wait completes quickly), a kubeconfig and a private HOME."""

    def __init__(self, st: ServerThread, home: Path) -> None:
        self.st = st
        self.home = home
        kc = write_kubeconfig(home / "kubeconfig", st.url)
        self.env = dict(
            os.environ,
            KUBECONFIG=str(kc),
            HOME=str(home),
            HELM_CACHE_HOME=str(home / "cache"),
            HELM_CONFIG_HOME=str(home / "config"),
            HELM_DATA_HOME=str(home / "data"),
        )
        self.builtin = Helm(st.cluster, cwd=str(home), seed=0)

    def real(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [HELM or "helm", *args], env=self.env, capture_output=True, text=True, timeout=120, cwd=self.home
        )

    def builtin_run(self, *args: str) -> tuple[int, str]:
        r = self.st.call(self.builtin.run, list(args))
        return r.exit_code, r.stdout + r.stderr


@pytest.fixture()
def env(tmp_path: Path) -> Iterator[Env]:
    c = Cluster()
    ensure_controllers(c)
    st = ServerThread(c, speed=20.0)
    st.start()
    yield Env(st, tmp_path)
    st.stop()


def _rows(text: str) -> list[list[str]]:
    return [[c.strip() for c in line.split("\t")] for line in text.splitlines()]


def test_real_helm_release_lifecycle_against_serve(env: Env) -> None:
    r = env.real("install", "rel", str(CHART), "--wait", "--timeout", "60s")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("NAME: rel\nLAST DEPLOYED: ")
    assert "STATUS: deployed\nREVISION: 1\n" in r.stdout
    api = env.st.cluster.api
    dep = env.st.call(api.get, "deployments.apps", "rel-starter", "default")
    assert dep["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "Helm"
    assert dep["metadata"]["annotations"]["meta.helm.sh/release-name"] == "rel"
    assert dep["status"]["readyReplicas"] == 1
    secret = env.st.call(api.get, "secrets", "sh.helm.release.v1.rel.v1", "default")
    assert secret["type"] == "helm.sh/release.v1"
    assert secret["metadata"]["labels"]["status"] == "deployed"

    r = env.real("upgrade", "rel", str(CHART), "--set", "replicaCount=2", "--wait", "--timeout", "60s")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith('Release "rel" has been upgraded. Happy Helming!\n')
    dep = env.st.call(api.get, "deployments.apps", "rel-starter", "default")
    assert dep["spec"]["replicas"] == 2 and dep["status"]["readyReplicas"] == 2

    r = env.real("rollback", "rel", "1", "--wait", "--timeout", "60s")
    assert (r.returncode, r.stdout) == (0, "Rollback was a success! Happy Helming!\n"), r.stderr
    assert env.st.call(api.get, "deployments.apps", "rel-starter", "default")["spec"]["replicas"] == 1

    hist = _rows(env.real("history", "rel").stdout)
    assert hist[0] == ["REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION"]
    assert [(row[0], row[2], row[5]) for row in hist[1:]] == [
        ("1", "superseded", "Install complete"),
        ("2", "superseded", "Upgrade complete"),
        ("3", "deployed", "Rollback to 1"),
    ]
    listed = _rows(env.real("list").stdout)
    assert listed[1][:3] == ["rel", "default", "3"] and listed[1][4:] == [
        "deployed",
        "starter-0.1.0",
        "1.16.0",
    ]

    r = env.real("uninstall", "rel")
    assert (r.returncode, r.stdout) == (0, 'release "rel" uninstalled\n'), r.stderr
    assert env.st.call(api.peek, "deployments.apps", "rel-starter", "default") is None
    assert env.st.call(api.list_objects, "secrets", "default", "owner=helm") == []
    assert env.real("list").stdout == "NAME\tNAMESPACE\tREVISION\tUPDATED\tSTATUS\tCHART\tAPP VERSION\n"


def test_helm_list_agrees_between_real_and_builtin_helm(env: Env) -> None:
    r = env.real("install", "web", str(CHART), "-n", "kube-public")
    assert r.returncode == 0, r.stderr
    code, out = env.builtin_run("install", "api", str(CHART), "--set", "replicaCount=2")
    assert code == 0, out
    assert env.real("upgrade", "api", str(CHART)).returncode == 0
    for argv in (["list", "-A"], ["list"], ["list", "-n", "kube-public"], ["history", "api"]):
        real = env.real(*argv)
        code, builtin = env.builtin_run(*argv)
        assert (real.returncode, real.stdout + real.stderr) == (code, builtin), argv
    assert len(_rows(env.real("list", "-A").stdout)) == 3
