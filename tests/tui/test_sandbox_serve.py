"""``k8stutor sandbox --serve``: real kubectl in a second terminal works on the cluster the app shows."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket

import pytest

from k8stutor.cli import main as cli_main
from k8stutor.tui.serving import ServeOptions
from k8stutor.tui.widgets.output import OutputLog

from .conftest import sandbox_app

KUBECTL = shutil.which("kubectl")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def real_kubectl(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    """Run real kubectl without blocking the app's event loop (the API server lives on it)."""
    proc = await asyncio.create_subprocess_exec(
        KUBECTL or "kubectl", *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    return proc.returncode or 0, out.decode(), err.decode()


async def wait_for_server(pilot) -> None:
    for _ in range(400):
        if pilot.app.server is not None:
            return
        await pilot.pause(0.01)
    raise AssertionError("the API server never started")


@pytest.mark.skipif(KUBECTL is None, reason="real kubectl is not installed")
async def test_real_kubectl_changes_what_the_app_shows(tmp_path):
    kubeconfig = tmp_path / "kube" / "config"
    opts = ServeOptions(port=free_port(), kubeconfig=str(kubeconfig))
    app = sandbox_app(tmp_path, serve=opts)
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_for_server(pilot)
        log = app.screen.query_one(OutputLog).text()
        assert f"Serving this cluster as a Kubernetes v1.32 API on https://127.0.0.1:{opts.port}." in log
        assert f"export KUBECONFIG={kubeconfig}" in log
        env = dict(os.environ, KUBECONFIG=str(kubeconfig), HOME=str(tmp_path))
        code, out, err = await real_kubectl(env, "get", "nodes")
        assert code == 0, err
        assert out.splitlines()[0].split() == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
        assert [line.split()[0] for line in out.splitlines()[1:]] == ["k8s-master01", "k8s-node01", "k8s-node02"]
        code, out, err = await real_kubectl(env, "create", "deployment", "web", "--image=nginx:1.25", "--replicas=2")
        assert (code, out) == (0, "deployment.apps/web created\n"), err
        # The same cluster: the app's built-in kubectl sees the Deployment real kubectl created.
        app.screen.action_fast_forward(30)
        await pilot.pause()
        got = app.session.run("kubectl get deploy web")
        assert got.stdout.splitlines()[1].split()[:4] == ["web", "2/2", "2", "2"]
        assert len(app.session.cluster.api.list_objects("pods", "default")) == 2


def test_serve_flags_need_a_port_that_parses(capsys):
    with pytest.raises(SystemExit):
        cli_main(["sandbox", "--serve", "--port", "nope"])
    assert "invalid int value: 'nope'" in capsys.readouterr().err
