"""Unit checks of the fixes the walkthroughs needed: ``grep -A/-B/-C`` (GNU grep output, compared with the real
binary when present), ``kubectl run --overrides``, ``kubectl logs TYPE/NAME``, ``rollout status`` for DaemonSets and
StatefulSets, and ``kubectl delete`` waiting by UID."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from k8stutor.engine.runtime.sh import VFS, Shell

from .transcript import run

TEXT = "a\nb\nEvents:\nx\ny\nz\nw\nEvents:\nq\n"


@pytest.mark.parametrize(
    ("opts", "expected"),
    [
        ("-A2 Events", "Events:\nx\ny\n--\nEvents:\nq\n"),
        ("-B1 -A1 Events", "b\nEvents:\nx\n--\nw\nEvents:\nq\n"),
        ("-C1 -n y", "4-x\n5:y\n6-z\n"),
        ("-m1 -A1 Events", "Events:\nx\n"),
        ("-A10 Events", "Events:\nx\ny\nz\nw\nEvents:\nq\n"),
    ],
)
def test_grep_context_lines(opts: str, expected: str) -> None:
    fs = VFS()
    fs.write("/g.txt", TEXT.encode())
    assert Shell(fs, {}, {}).run(f"grep {opts} /g.txt").stdout == expected.encode()
    if shutil.which("grep"):
        real = subprocess.run(f"grep {opts}", shell=True, input=TEXT.encode(), capture_output=True).stdout
        assert real == expected.encode()


def test_run_overrides_merge_and_strategic() -> None:
    out, _ = run(
        'kubectl run big --image=nginx --overrides=\'{"spec":{"containers":[{"name":"big","image":"nginx",'
        '"resources":{"requests":{"cpu":"8"}}}]}}\' --dry-run=client -o yaml\n'
        'kubectl run x --image=nginx --override-type=strategic --overrides=\'{"spec":{"nodeName":"k8s-node01"}}\'\n'
        "kubectl get pod x -o jsonpath='{.spec.nodeName}'; echo\n"
        "kubectl run y --image=nginx --override-type=bogus --overrides='{}'\n"
    )
    assert '    resources:\n      requests:\n        cpu: "8"\n' in out
    assert "pod/x created\n" in out and "k8s-node01\n" in out
    assert "error: --override-type must be one of (json, merge, strategic), was bogus\n" in out


def test_logs_for_workloads_pick_one_pod() -> None:
    out, _ = run(
        "kubectl create deployment web --image=nginx --replicas=3\nsleep 20\n"
        "kubectl logs deploy/web | head -1\nkubectl logs configmap/kube-root-ca.crt\nkubectl logs deploy/nosuch\n"
    )
    assert (
        "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration\n"
        in out
    )
    assert "Found 3 pods, using pod/web-" in out
    assert (
        "error: cannot get the logs from *v1.ConfigMap: selector for *v1.ConfigMap not implemented\n" in out
    )
    assert 'Error from server (NotFound): deployments.apps "nosuch" not found\n' in out


def test_rollout_status_daemonset_and_refusals() -> None:
    out, _ = run(
        "kubectl rollout status ds/kube-proxy -n kube-system\n"
        'kubectl patch ds kube-proxy -n kube-system -p \'{"spec":{"updateStrategy":{"type":"OnDelete",'
        '"rollingUpdate":null}}}\'\n'
        "kubectl rollout status ds/kube-proxy -n kube-system\n"
    )
    assert 'daemon set "kube-proxy" successfully rolled out\n' in out
    assert "error: rollout status is only available for RollingUpdate strategy type\n" in out


def test_unschedulable_pod_is_not_retried_on_node_image_updates() -> None:
    out, _ = run(
        'kubectl run big --image=nginx --overrides=\'{"spec":{"containers":[{"name":"big","image":"nginx",'
        '"resources":{"requests":{"cpu":"8"}}}]}}\'\nsleep 60\n'
        "kubectl get events --field-selector reason=FailedScheduling -o jsonpath='{.items[*].count}'; echo\n"
    )
    assert out.endswith(
        "$ kubectl get events --field-selector reason=FailedScheduling -o "
        "jsonpath='{.items[*].count}'; echo\n1\n"
    )
