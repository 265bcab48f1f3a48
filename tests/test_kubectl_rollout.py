"""kubectl rollout / scale / set against a simulated cluster: the texts of FIDELITY §2.6 and the Go sources
(rollout_status.go, history.go, rollback.go, scale.go, set_image.go), plus offline checks against real kubectl."""

from __future__ import annotations

import shutil
import subprocess

import fake_kubelet
import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.controllers import deployment, replicaset
from k8stutor.kubectl.commands.rollout import print_template, rollout_command
from k8stutor.kubectl.commands.scale import scale_command
from k8stutor.kubectl.commands.set import set_command
from k8stutor.kubectl.main import Kubectl


class Shell:
    """Cluster + kubectl with the workload commands registered."""

    def __init__(self, stop_delay: float = 0.0, ready: bool = True) -> None:
        self.c = Cluster(seed=5)
        replicaset.install(self.c)
        deployment.install(self.c)
        fake_kubelet.install(self.c, start_delay=2, stop_delay=stop_delay, ready=ready)
        self.k = Kubectl(self.c)
        self.k.commands.update(rollout=rollout_command(), scale=scale_command(), set=set_command())

    def run(self, line: str) -> tuple[str, str, int]:
        import shlex

        r = self.k.run(shlex.split(line))
        self.c.settle()
        return r.stdout, r.stderr, r.exit_code

    def ok(self, line: str) -> str:
        out, err, code = self.run(line)
        assert code == 0, err
        return out

    def rs_names(self) -> list[str]:
        items = sorted(
            self.c.api.list_objects("replicasets.apps", "default"),
            key=lambda r: r["metadata"]["creationTimestamp"],
        )
        return [r["metadata"]["name"] for r in items]


@pytest.fixture
def sh() -> Shell:
    s = Shell()
    s.ok("create deployment web --image=nginx:1.14.2 --replicas=3")
    s.ok("rollout status deployment/web")
    return s


def test_status_of_a_new_deployment_then_done(sh: Shell) -> None:
    assert sh.ok("rollout status deployment/web") == 'deployment "web" successfully rolled out\n'
    s = Shell()
    s.ok("create deployment api --image=nginx --replicas=3")
    out = s.ok("rollout status deploy/api")
    lines = out.splitlines()
    assert (
        lines[0] == 'Waiting for deployment "api" rollout to finish: 0 of 3 updated replicas are available...'
    )
    assert lines[-1] == 'deployment "api" successfully rolled out'


def test_status_during_rolling_update_prints_the_real_progress_lines(sh: Shell) -> None:
    sh.ok("set image deployment/web nginx=nginx:1.16.1")
    lines = sh.ok("rollout status deployment/web").splitlines()
    allowed = {
        'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
        'Waiting for deployment "web" rollout to finish: 2 out of 3 new replicas have been updated...',
        'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
        'deployment "web" successfully rolled out',
    }
    assert set(lines) <= allowed
    assert (
        lines[0]
        == 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...'
    )
    assert lines[-1] == 'deployment "web" successfully rolled out'
    assert (
        'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...' in lines
    )


def test_status_timeout_and_progress_deadline() -> None:
    s = Shell(ready=False)
    s.ok("create deployment web --image=nginx")
    out, err, code = s.run("rollout status deployment/web --timeout=5s")
    assert code == 1 and err == "error: timed out waiting for the condition\n"
    s.ok('patch deployment web -p \'{"spec":{"progressDeadlineSeconds":20}}\'')
    out, err, code = s.run("rollout status deployment/web")
    assert code == 1 and err == 'error: deployment "web" exceeded its progress deadline\n'


def test_status_requires_a_resource(sh: Shell) -> None:
    assert sh.run("rollout status") == ("", "error: required resource not specified\n", 1)


def test_history_table_and_revision_detail(sh: Shell) -> None:
    sh.ok("set image deployment/web nginx=nginx:1.16.1 --record")
    sh.ok("rollout status deployment/web")
    cause = "kubectl set image deployment/web nginx=nginx:1.16.1 --record=true"
    assert sh.ok("rollout history deployment/web") == (
        f"deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         {cause}\n\n"
    )
    new = sh.rs_names()[1]
    h = new.rsplit("-", 1)[1]
    assert sh.ok("rollout history deployment/web --revision=2") == (
        "deployment.apps/web with revision #2\n"
        "Pod Template:\n"
        "  Labels:\tapp=web\n"
        f"\tpod-template-hash={h}\n"
        f"  Annotations:\tkubernetes.io/change-cause: {cause}\n"
        "  Containers:\n"
        "   nginx:\n"
        "    Image:\tnginx:1.16.1\n"
        "    Port:\t<none>\n"
        "    Host Port:\t<none>\n"
        "    Environment:\t<none>\n"
        "    Mounts:\t<none>\n"
        "  Volumes:\t<none>\n"
        "  Node-Selectors:\t<none>\n"
        "  Tolerations:\t<none>\n"
        "\n"
    )
    out, err, code = sh.run("rollout history deployment/web --revision=9")
    assert (err, code) == ("error: unable to find the specified revision\n", 1)


def test_undo_and_its_errors(sh: Shell) -> None:
    out, err, code = sh.run("rollout undo deployment/web")
    assert (err, code) == ('error: no rollout history found for deployment "web"\n', 1)
    sh.ok("set image deployment/web nginx=nginx:1.16.1")
    sh.ok("rollout status deployment/web")
    out, err, code = sh.run("rollout undo deployment/web --to-revision=9")
    assert (err, code) == ("error: unable to find specified revision 9 in history\n", 1)
    assert sh.ok("rollout undo deployment/web --to-revision=2") == (
        "deployment.apps/web skipped rollback (current template already matches revision 2)\n"
    )
    assert sh.ok("rollout undo deployment/web") == "deployment.apps/web rolled back\n"
    sh.ok("rollout status deployment/web")
    d = sh.c.api.get("deployments.apps", "web", "default")
    assert d["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.14.2"
    assert "pod-template-hash" not in d["spec"]["template"]["metadata"]["labels"]
    history = sh.ok("rollout history deployment/web").splitlines()
    assert [ln.split()[0] for ln in history[2:] if ln] == ["2", "3"]


def test_pause_resume_restart_texts(sh: Shell) -> None:
    sh.ok("set image deployment/web nginx=nginx:1.16.1")
    sh.ok("rollout status deployment/web")
    assert sh.ok("rollout pause deployment/web") == "deployment.apps/web paused\n"
    assert sh.run("rollout pause deployment/web")[1:] == (
        'error: deployments.apps "web" is already paused\n',
        1,
    )
    assert sh.run("rollout undo deployment/web")[1] == (
        "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try "
        "again\n"
    )
    assert sh.run("rollout restart deployment/web")[1] == (
        'error: deployments.apps "web" can\'t restart paused deployment (run rollout resume first)\n'
    )
    assert sh.ok("rollout resume deployment/web") == "deployment.apps/web resumed\n"
    assert sh.run("rollout resume deployment/web")[1] == 'error: deployments.apps "web" is not paused\n'
    assert sh.ok("rollout restart deployment/web") == "deployment.apps/web restarted\n"
    d = sh.c.api.get("deployments.apps", "web", "default")
    assert "kubectl.kubernetes.io/restartedAt" in d["spec"]["template"]["metadata"]["annotations"]
    sh.ok("rollout status deployment/web")
    assert len(sh.rs_names()) == 3


def test_scale_texts_and_preconditions(sh: Shell) -> None:
    assert sh.ok("scale deployment/web --replicas=5") == "deployment.apps/web scaled\n"
    assert sh.run("scale deployment/web --replicas=2 --current-replicas=3")[1:] == (
        "error: Expected replicas to be 3, was 5\n",
        1,
    )
    assert sh.ok("scale deployment web --replicas=4 --current-replicas=5") == "deployment.apps/web scaled\n"
    rs = sh.rs_names()[0]
    sh.ok("create deployment api --image=nginx")
    assert sh.ok("scale --replicas=2 deployment/web deployment/api") == (
        "deployment.apps/web scaled\ndeployment.apps/api scaled\n"
    )
    assert sh.c.api.get("replicasets.apps", rs, "default")["spec"]["replicas"] == 2
    pod = sh.c.api.list_objects("pods", "default")[0]["metadata"]["name"]
    assert sh.run(f"scale pod/{pod} --replicas=2")[1] == (
        "Error from server (NotFound): the server could not find the requested resource\n"
    )
    assert sh.ok("scale deployment/web --replicas=3 --timeout=1m") == "deployment.apps/web scaled\n"
    assert sh.c.api.get("deployments.apps", "web", "default")["status"]["readyReplicas"] == 3


def test_set_image_env_resources_serviceaccount(sh: Shell) -> None:
    assert sh.ok("set image deployment/web nginx=nginx:1.16.1") == "deployment.apps/web image updated\n"
    assert sh.ok("set image deployment/web nginx=nginx:1.16.1") == ""  # no change: nothing printed
    assert sh.run("set image deployment/web foo=bar")[1:] == (
        'error: unable to find container named "foo"\n',
        1,
    )
    assert sh.ok("set env deployment/web MODE=prod") == "deployment.apps/web env updated\n"
    assert sh.ok("set env deployment/web --list") == "# Deployment web, container nginx\nMODE=prod\n"
    assert sh.ok("set resources deployment/web --limits=cpu=200m,memory=512Mi") == (
        "deployment.apps/web resource requirements updated\n"
    )
    assert (
        sh.ok("set serviceaccount deployment/web builder") == "deployment.apps/web serviceaccount updated\n"
    )
    spec = sh.c.api.get("deployments.apps", "web", "default")["spec"]["template"]["spec"]
    assert spec["containers"][0]["env"] == [{"name": "MODE", "value": "prod"}]
    assert spec["containers"][0]["resources"]["limits"] == {"cpu": "200m", "memory": "512Mi"}
    assert spec["serviceAccountName"] == "builder"


def test_print_template_uses_raw_tabs() -> None:
    text = print_template({"metadata": {"labels": {"a": "b"}}, "spec": {"containers": []}})
    assert text.startswith("Pod Template:\n  Labels:\ta=b\n")


KUBECTL = shutil.which("kubectl")


@pytest.mark.skipif(KUBECTL is None, reason="real kubectl not installed")
@pytest.mark.parametrize(
    "line",
    [
        "rollout status",
        "rollout history",
        "rollout undo",
        "rollout pause",
        "scale deployment/web --replicas=-2",
        "scale deployment/web --replicas=2 --current-replicas=-3",
    ],
)
def test_offline_errors_match_real_kubectl(line: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    real = subprocess.run(
        [KUBECTL, *line.split()],
        capture_output=True,
        text=True,
        timeout=30,
        env={"KUBECONFIG": str(tmp_path / "none"), "HOME": str(tmp_path)},
    )
    ours = Shell().run(line)
    assert ours[1] == real.stderr
    assert ours[2] == real.returncode
