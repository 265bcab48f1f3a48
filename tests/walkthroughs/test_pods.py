"""Pods: describe of a healthy, crash-looping, image-pull-failing and pending pod (FIDELITY §2.2 layout, §3.2
event texts), the exec liveness probe and init-container pages of the Kubernetes docs, and busybox sleep."""

from __future__ import annotations

import re

from .transcript import check, run


def _section(out: str, command: str) -> str:
    """The output of one ``$ command`` of a transcript."""
    start = out.index(f"$ {command}\n") + len(command) + 3
    end = out.find("\n$ ", start)
    return out[start : end + 1 if end >= 0 else len(out)]


def test_describe_healthy_crashloop_imagepull_and_pending_pods() -> None:
    out, _ = check("pods_describe")
    healthy = _section(out, "kubectl describe pod nginx")
    # FIDELITY §2.2: header block aligned to "Service Account:", IPs block without a controller, events in order
    assert "IPs:\n  IP:  10.244.2.2\nContainers:\n" in healthy
    reasons = re.findall(r"^  Normal  (\w+) ", healthy, re.M)
    assert reasons == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
    assert "Created container: nginx\n" in healthy and "Started container nginx\n" in healthy
    crash = _section(out, "kubectl describe pod crash-pod")
    assert (
        "    State:          Waiting\n      Reason:       CrashLoopBackOff\n    Last State:     Terminated\n"
        in crash
    )
    assert re.search(
        r"Warning  BackOff    \S+ \(x\d+ over \S+\)  kubelet            Back-off restarting failed "
        r"container crash-pod in pod crash-pod_default\([0-9a-f-]{36}\)\n",
        crash,
    )
    # back-off 0s, 10s, 20s, 40s, 80s: the fifth restart happens at ~2m35s
    assert "crash-pod   0/1     CrashLoopBackOff   5 (45s ago)   3m20s" in out
    bad = _section(out, "kubectl describe pod bad")
    for msg in (
        "Normal   Pulling ",
        "Warning  Failed ",
        "Error: ErrImagePull",
        "Normal   BackOff ",
        'Back-off pulling image "nginx:nosuchtag"',
        "Error: ImagePullBackOff",
    ):
        assert msg in bad
    pending = _section(out, "kubectl describe pod big-pod")
    assert "IP:               \nIPs:              <none>\n" in pending
    assert "Conditions:\n  Type           Status\n  PodScheduled   False \n" in pending
    # one attempt: an unschedulable pod waits for a cluster event (node status image updates are none)
    assert (
        "  Warning  FailedScheduling  65s   default-scheduler  0/3 nodes are available: 1 node(s) had untolerated "
        "taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are "
        "available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming "
        "pod.\n" in pending
    )


def test_liveness_exec_probe_page() -> None:
    out, _ = check("pods_liveness_exec")
    first = _section(out, "kubectl describe pod liveness-exec")
    assert (
        "    Liveness:       exec [cat /tmp/healthy] delay=5s timeout=1s period=5s #success=1 #failure=3\n"
        in first
    )
    assert re.search(
        r"Warning  Unhealthy  \S+ \(x3 over \S+\)  kubelet            Liveness probe failed: cat: "
        r"can't open '/tmp/healthy': No such file or directory\n",
        first,
    )
    assert "Container liveness failed liveness probe, will be restarted\n" in first
    # busybox sh as PID 1 ignores SIGTERM: the kill takes the 30 s grace period, then the container restarts
    assert re.search(r"liveness-exec   1/1     Running   1 \(\d+s ago\)   95s", out)


def test_init_containers_wait_for_services() -> None:
    out, _ = check("pods_init_containers")
    assert "myapp-pod   0/1     Init:0/2   0          20s" in out
    assert "waiting for myservice\n" in out
    # the init containers see the Services as soon as they exist (not the DNS state at container start)
    assert "myapp-pod   1/1     Running   0          23s" in out
    assert "The app is running!\n" in out


def test_init_container_loop_sees_a_service_created_an_hour_later() -> None:
    # A container's commands answer from the live cluster: a Service created an hour after the loop started
    # is found (the loop polls every 2 s of virtual time; the process resumes, it is not re-run).
    script = (
        "kubectl run w --image=busybox:1.28 --restart=Never -- sh -c "
        "'until nslookup late.default.svc.cluster.local; do sleep 2; done; echo found'\n"
        "sleep 3700\nkubectl create service clusterip late --tcp=80:80\nsleep 5\nkubectl get pod w\n"
        "kubectl logs w | tail -1\n"
    )
    out, _ = run(script)
    assert "w      0/1     Completed   0          61m" in out, out
    assert out.endswith("found\n")


def test_busybox_sleep() -> None:
    out, _ = check("pods_busybox_sleep")
    assert "busybox   1/1     Running   0          10s" in out
    assert "busybox   0/1     Completed   0          60m" in out
    assert "error: cannot exec into a container in a completed pod; current phase is Succeeded\n" in out
