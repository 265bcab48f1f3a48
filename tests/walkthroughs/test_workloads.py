"""Workloads: the docs' Deployments page (rolling update nginx 1.14.2 -> 1.16.1, a bad image, history, undo), the
``pi`` Job, the ``hello`` CronJob, StatefulSet Basics (``web`` + headless ``nginx``) and a fluentd-style DaemonSet."""

from __future__ import annotations

import re

from .transcript import check


def _section(out: str, command: str) -> str:
    start = out.index(f"$ {command}\n") + len(command) + 3
    end = out.find("\n$ ", start)
    return out[start : end + 1 if end >= 0 else len(out)]


def test_deployment_rolling_update_history_and_undo() -> None:
    out, _ = check("deployments_rolling_update")
    # rollout_status.go messages (FIDELITY §2.6)
    first = _section(out, "kubectl rollout status deployment/nginx-deployment")
    assert first.endswith('deployment "nginx-deployment" successfully rolled out\n')
    assert "rollout to finish: 2 of 3 updated replicas are available...\n" in first
    assert "rollout to finish: 1 old replicas are pending termination...\n" in out
    desc = _section(out, "kubectl describe deployments")
    assert "Annotations:            deployment.kubernetes.io/revision: 2\n" in desc
    assert "RollingUpdateStrategy:  25% max unavailable, 25% max surge\n" in desc
    # maxSurge 1 / maxUnavailable 0 for 3 replicas: up 1, then down 1 / up 1 in lock step (FIDELITY §6)
    scaled = re.findall(r"Scaled (up|down) replica set (\S+) from (\d+) to (\d+)", desc)
    assert [(a, int(b), int(c)) for a, _, b, c in scaled] == [
        ("up", 0, 3),
        ("up", 0, 1),
        ("down", 3, 2),
        ("up", 1, 2),
        ("down", 2, 1),
        ("up", 2, 3),
        ("down", 1, 0),
    ]
    assert (
        "ImagePullBackOff" in _section(out, "kubectl get pods").replace("\n", " ")
        or "ImagePullBackOff" in out
    )
    history = _section(out, "kubectl rollout history deployment/nginx-deployment")
    assert history == (
        "deployment.apps/nginx-deployment \nREVISION  CHANGE-CAUSE\n1         <none>\n"
        "2         <none>\n3         <none>\n\n"
    )
    rev2 = _section(out, "kubectl rollout history deployment/nginx-deployment --revision=2")
    assert rev2.startswith(
        "deployment.apps/nginx-deployment with revision #2\nPod Template:\n  Labels:\tapp=nginx\n"
    )
    assert "error: unable to find specified revision 2 in history\n" in out  # revision 2 became 4 on undo
    assert "Annotations:            deployment.kubernetes.io/revision: 4\n" in out


def test_job_pi_and_cronjob_hello() -> None:
    out, _ = check("job_pi_cronjob_hello")
    desc = _section(out, "kubectl describe job pi")
    # describeJob (kubectl v0.32.4 describe.go) layout, not the generic describer
    for line in (
        "Parallelism:      1\n",
        "Completions:      1\n",
        "Completion Mode:  NonIndexed\n",
        "Suspend:          false\n",
        "Backoff Limit:    4\n",
        "Pods Statuses:    0 Active (0 Ready) / 1 Succeeded / 0 Failed\n",
        "    Command:\n      perl\n",
    ):
        assert line in desc
    assert re.search(r"Normal  Completed         \S+   job-controller  Job completed\n", desc)
    # kubectl logs jobs/pi picks the Job's pod (logsForObject)
    assert (
        "$ kubectl logs jobs/pi | cut -c1-60\n3.1415926535897932384626433832795028841971693993751058209749\n"
        in out
    )
    assert re.search(r"hello-\d+   Complete   1/1           \S+         \S+\n", out)
    assert "Hello from the Kubernetes cluster\n" in out


def test_statefulset_basics_web_and_headless_service() -> None:
    out, _ = check("statefulset_basics")
    assert "nginx   ClusterIP   None         <none>        80/TCP    0s\n" in out
    # pods are created in order, each after the previous one is Running and Ready
    assert (
        "Waiting for 2 pods to be ready...\nWaiting for 1 pods to be ready...\n"
        "partitioned roll out complete: 2 new pods have been updated...\n" in out
    )
    assert "$ for i in 0 1; do kubectl exec \"web-$i\" -- sh -c 'hostname'; done\nweb-0\nweb-1\n" in out
    # pods come back with their names and their data after deletion; kubectl delete waits by UID
    after = out[out.index("$ kubectl delete pod -l app=nginx") :]
    assert "web-0   1/1     Running   0          30s\nweb-1   1/1     Running   0          29s\n" in after
    assert after.count("web-0\nweb-1\n") == 1
    # scale down keeps the PVCs
    assert (
        len(re.findall(r"^www-web-\d   Bound ", out.split("$ kubectl get pvc -l app=nginx")[-1], re.M)) == 5
    )


def test_fluentd_style_daemonset() -> None:
    out, _ = check("daemonset_fluentd_style")
    assert (
        "fluentd-elasticsearch   3         3         3       3            3           <none>          30s\n"
        in out
    )
    assert 'daemon set "fluentd-elasticsearch" successfully rolled out\n' in out
    desc = _section(out, "kubectl describe ds -n kube-system fluentd-elasticsearch")
    assert "Desired Number of Nodes Scheduled: 3\n" in desc
    # the docs' manifest as it is (the real fluentd image); the API server keeps the template generation
    assert "Annotations:    deprecated.daemonset.template.generation: 1\n" in desc
    assert "    Image:      quay.io/fluentd_elasticsearch/fluentd:v2.5.2\n" in desc
    assert "Pods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed\n" in desc
    assert "  Tolerations:     node-role.kubernetes.io/control-plane:NoSchedule op=Exists\n" in desc
