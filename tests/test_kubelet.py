"""Kubelet behaviour: the docs' classic pods, transcript-style, against the real texts (FIDELITY §1.3, §2.2, §3.2)."""

from __future__ import annotations

import base64
import json

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.kubelet import install, node_down, node_up
from k8stutor.kubectl.commands.containers import COMMANDS
from k8stutor.kubectl.main import Kubectl


@pytest.fixture()
def env():
    c = Cluster()
    install(c)
    k = Kubectl(c)
    k.commands.update(COMMANDS)
    return c, k


def kc(k, *argv, stdin=b""):
    r = k.run(list(argv), stdin)
    return r


def create(c, k, manifest: dict, node: str = "k8s-node01") -> None:
    r = kc(k, "create", "-f", "-", stdin=json.dumps(manifest).encode())
    assert r.exit_code == 0, r.stderr
    c.api.bind(manifest["metadata"].get("namespace", "default"), manifest["metadata"]["name"], node)
    c.settle()


def pod(name, containers, **spec):
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {"containers": containers, **spec},
    }


def status_col(k, name):
    out = kc(k, "get", "pod", name, "--no-headers").stdout.split()
    return out[1], out[2], " ".join(out[3:-1])  # READY, STATUS, RESTARTS


def events(c, name):
    return [
        (e["type"], e["reason"], e["message"], e.get("count", 1))
        for e in c.api.list_objects("events", "default")
        if e["involvedObject"]["name"] == name
    ]


def test_nginx_pod_lifecycle_and_status_fields(env):
    c, k = env
    create(c, k, pod("web", [{"name": "web", "image": "nginx"}]))
    assert status_col(k, "web")[:2] == ("0/1", "ContainerCreating")
    c.advance(15)
    assert status_col(k, "web")[:2] == ("1/1", "Running")
    p = c.api.get("pods", "web", "default")
    st = p["status"]
    assert st["podIP"] == "10.244.1.2" and st["hostIP"] == "192.168.66.20"
    assert st["hostIPs"] == [{"ip": "192.168.66.20"}] and st["qosClass"] == "BestEffort"
    cs = st["containerStatuses"][0]
    assert (
        cs["containerID"].startswith("containerd://") and len(cs["containerID"]) == len("containerd://") + 64
    )
    assert cs["image"] == "docker.io/library/nginx:latest"
    assert cs["imageID"].startswith("docker.io/library/nginx@sha256:")
    assert cs["started"] is True and cs["ready"] is True and "startedAt" in cs["state"]["running"]
    assert [x["type"] for x in st["conditions"]] == [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
    ]
    reasons = [e[1] for e in events(c, "web")]
    assert reasons == ["Pulling", "Pulled", "Created", "Started"]
    msgs = [e[2] for e in events(c, "web")]
    assert msgs[0] == 'Pulling image "nginx"'
    assert msgs[1].startswith('Successfully pulled image "nginx" in ') and msgs[1].endswith(
        "Image size: 72195292 bytes."
    )
    assert msgs[2:] == ["Created container: web", "Started container web"]
    # the node now reports the image
    node = c.api.get("nodes", "k8s-node01")
    c.advance(10)
    node = c.api.get("nodes", "k8s-node01")
    assert any("docker.io/library/nginx:latest" in i["names"] for i in node["status"]["images"])


def test_second_pod_with_tag_uses_cached_image(env):
    c, k = env
    create(c, k, pod("a", [{"name": "a", "image": "nginx:1.27"}]))
    c.advance(15)
    create(c, k, pod("b", [{"name": "b", "image": "nginx:1.27"}]))
    c.advance(5)
    assert ("Normal", "Pulled", 'Container image "nginx:1.27" already present on machine', 1) in events(
        c, "b"
    )
    assert c.api.get("pods", "b", "default")["status"]["podIP"] == "10.244.1.3"


def test_crash_loop_echo_hello_exit_1(env):
    c, k = env
    create(
        c,
        k,
        pod(
            "crash",
            [{"name": "app", "image": "busybox", "command": ["sh", "-c", "echo Hello; sleep 10; exit 1"]}],
        ),
    )
    c.advance(20)
    # first run exited after 10 s and was restarted at once
    p = c.api.get("pods", "crash", "default")
    cs = p["status"]["containerStatuses"][0]
    assert cs["restartCount"] == 1 and cs["lastState"]["terminated"]["exitCode"] == 1
    assert cs["lastState"]["terminated"]["reason"] == "Error"
    c.advance(5)  # the second run exited at ~22 s: now in a 10 s back-off
    ready, st, restarts = status_col(k, "crash")
    assert st == "CrashLoopBackOff" and restarts.startswith("1 (")
    cs = c.api.get("pods", "crash", "default")["status"]["containerStatuses"][0]
    uid = c.api.get("pods", "crash", "default")["metadata"]["uid"]
    assert (
        cs["state"]["waiting"]["message"]
        == f"back-off 10s restarting failed container=app pod=crash_default({uid})"
    )
    assert any(
        e[1] == "BackOff" and e[2] == f"Back-off restarting failed container app in pod crash_default({uid})"
        for e in events(c, "crash")
    )
    assert kc(k, "logs", "crash").stdout == "Hello\n"
    assert kc(k, "logs", "crash", "--previous").stdout == "Hello\n"
    c.advance(400)
    cs = c.api.get("pods", "crash", "default")["status"]["containerStatuses"][0]
    assert cs["restartCount"] >= 5
    assert c.api.get("pods", "crash", "default")["status"]["phase"] == "Running"


def test_exec_liveness_probe_docs_example(env):
    c, k = env
    create(
        c,
        k,
        pod(
            "liveness-exec",
            [
                {
                    "name": "liveness",
                    "image": "registry.k8s.io/busybox",
                    "args": ["/bin/sh", "-c", "touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600"],
                    "livenessProbe": {
                        "exec": {"command": ["cat", "/tmp/healthy"]},
                        "initialDelaySeconds": 5,
                        "periodSeconds": 5,
                    },
                }
            ],
        ),
    )
    c.advance(30)
    assert not [e for e in events(c, "liveness-exec") if e[1] == "Unhealthy"]
    assert kc(k, "exec", "liveness-exec", "--", "cat", "/tmp/healthy").exit_code == 0
    c.advance(20)
    ev = events(c, "liveness-exec")
    assert (
        "Warning",
        "Unhealthy",
        "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n",
        3,
    ) in ev
    assert ("Normal", "Killing", "Container liveness failed liveness probe, will be restarted", 1) in ev
    c.advance(60)  # sh ignores SIGTERM: SIGKILL after the 30 s grace period, then a restart
    cs = c.api.get("pods", "liveness-exec", "default")["status"]["containerStatuses"][0]
    assert cs["restartCount"] == 1
    assert cs["lastState"]["terminated"]["exitCode"] == 137
    desc = kc(k, "describe", "pod", "liveness-exec").stdout
    assert "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory" in desc


def test_init_containers_in_order_and_service_wait(env):
    c, k = env
    spec = pod(
        "myapp-pod",
        [
            {
                "name": "myapp-container",
                "image": "busybox:1.28",
                "command": ["sh", "-c", "echo The app is running! && sleep 3600"],
            }
        ],
        initContainers=[
            {
                "name": "init-myservice",
                "image": "busybox:1.28",
                "command": [
                    "sh",
                    "-c",
                    "until nslookup myservice; do echo waiting for myservice; sleep 2; done",
                ],
            },
            {
                "name": "init-mydb",
                "image": "busybox:1.28",
                "command": ["sh", "-c", "until nslookup mydb; do echo waiting for mydb; sleep 2; done"],
            },
        ],
    )
    create(c, k, spec)
    c.advance(30)
    assert status_col(k, "myapp-pod")[1] == "Init:0/2"
    logs = kc(k, "logs", "myapp-pod", "-c", "init-myservice").stdout
    assert "waiting for myservice" in logs
    r = kc(k, "logs", "myapp-pod")
    assert r.stderr.startswith(
        'Defaulted container "myapp-container" out of: myapp-container, init-myservice (init), init-mydb (init)\n'
    )
    assert (
        'Error from server (BadRequest): container "myapp-container" in pod "myapp-pod" is waiting to start: '
        "PodInitializing" in r.stderr
    )
    for name in ("myservice", "mydb"):
        kc(
            k,
            "create",
            "-f",
            "-",
            stdin=json.dumps(
                {
                    "apiVersion": "v1",
                    "kind": "Service",
                    "metadata": {"name": name},
                    "spec": {"ports": [{"port": 80, "targetPort": 9376}]},
                }
            ).encode(),
        )
    c.advance(3700)
    assert status_col(k, "myapp-pod")[1] == "Running"
    assert kc(k, "logs", "myapp-pod", "-c", "myapp-container").stdout == "The app is running!\n"


def test_image_pull_failures(env):
    c, k = env
    create(c, k, pod("bad", [{"name": "bad", "image": "nginx:nope"}]))
    c.advance(1.6)  # sandbox at 1 s, the failed pull 0.5 s later
    assert status_col(k, "bad")[1] == "ErrImagePull"
    c.advance(1.5)
    assert status_col(k, "bad")[1] == "ImagePullBackOff"
    ev = events(c, "bad")
    full = "docker.io/library/nginx:nope"
    assert (
        "Warning",
        "Failed",
        f'Failed to pull image "nginx:nope": rpc error: code = NotFound desc = failed to pull '
        f'and unpack image "{full}": failed to resolve reference "{full}": {full}: not found',
        1,
    ) in ev
    assert ("Normal", "BackOff", 'Back-off pulling image "nginx:nope"', 1) in ev
    assert ("Warning", "Failed", "Error: ImagePullBackOff", 1) in ev
    r = kc(k, "logs", "bad")
    assert r.stderr == (
        'Error from server (BadRequest): container "bad" in pod "bad" is waiting to start: trying and '
        "failing to pull image\n"
    )
    create(c, k, pod("never", [{"name": "n", "image": "redis:7", "imagePullPolicy": "Never"}]))
    c.advance(2)
    assert status_col(k, "never")[1] == "ErrImageNeverPull"


def test_private_registry_needs_pull_secret(env):
    c, k = env
    create(c, k, pod("priv", [{"name": "p", "image": "registry.example.com/team/app:v1"}]))
    c.advance(3)
    assert status_col(k, "priv")[1] in ("ErrImagePull", "ImagePullBackOff")
    msg = [e[2] for e in events(c, "priv") if e[2].startswith("Failed to pull")][0]
    assert "pull access denied, repository does not exist or may require authorization" in msg
    cfg = base64.b64encode(
        json.dumps({"auths": {"registry.example.com": {"auth": "eDp5"}}}).encode()
    ).decode()
    c.api.create(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "regcred", "namespace": "default"},
            "type": "kubernetes.io/dockerconfigjson",
            "data": {".dockerconfigjson": cfg},
        }
    )
    create(
        c,
        k,
        pod(
            "priv2",
            [{"name": "p", "image": "registry.example.com/team/app:v1"}],
            imagePullSecrets=[{"name": "regcred"}],
        ),
    )
    c.advance(3)
    msg = [e[2] for e in events(c, "priv2") if e[2].startswith("Failed to pull")][0]
    assert "not found" in msg and "pull access denied" not in msg


def test_job_style_pod_completes_with_pi_digits(env):
    c, k = env
    create(
        c,
        k,
        pod(
            "pi",
            [
                {
                    "name": "pi",
                    "image": "perl:5.34.0",
                    "command": ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"],
                }
            ],
            restartPolicy="Never",
        ),
    )
    c.advance(60)
    ready, st, _ = status_col(k, "pi")
    assert (ready, st) == ("0/1", "Completed")
    out = kc(k, "logs", "pi").stdout
    assert out.startswith("3.14159265358979323846") and len(out.strip()) == 2001
    p = c.api.get("pods", "pi", "default")
    conds = {x["type"]: x for x in p["status"]["conditions"]}
    assert p["status"]["phase"] == "Succeeded" and conds["Ready"]["reason"] == "PodCompleted"


def test_oomkilled(env):
    c, k = env
    create(
        c,
        k,
        pod(
            "memory-demo-2",
            [
                {
                    "name": "memory-demo-2-ctr",
                    "image": "polinux/stress",
                    "resources": {"requests": {"memory": "50Mi"}, "limits": {"memory": "100Mi"}},
                    "command": ["stress"],
                    "args": ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"],
                }
            ],
        ),
    )
    c.advance(10)
    cs = c.api.get("pods", "memory-demo-2", "default")["status"]["containerStatuses"][0]
    term = cs["lastState"].get("terminated") or cs["state"].get("terminated")
    assert term["reason"] == "OOMKilled" and term["exitCode"] == 137


def test_delete_graceful_shutdown(env):
    c, k = env
    create(c, k, pod("web", [{"name": "web", "image": "nginx:1.27"}]))
    create(c, k, pod("sleeper", [{"name": "s", "image": "busybox:1.36", "command": ["sleep", "3600"]}]))
    c.advance(20)
    c.api.delete("pods", "web", "default")
    c.api.delete("pods", "sleeper", "default")
    c.settle()
    assert status_col(k, "sleeper")[1] == "Terminating"
    c.advance(1)
    assert c.api.peek("pods", "web", "default") is None  # nginx exits on SIGTERM
    assert ("Normal", "Killing", "Stopping container s", 1) in events(c, "sleeper")
    c.advance(25)
    assert c.api.peek("pods", "sleeper", "default") is not None  # sleep ignores SIGTERM as PID 1
    c.advance(10)
    assert c.api.peek("pods", "sleeper", "default") is None


def test_readiness_http_probe_and_bad_port(env):
    c, k = env
    create(
        c,
        k,
        pod(
            "r",
            [
                {
                    "name": "r",
                    "image": "nginx:1.27",
                    "readinessProbe": {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 5},
                }
            ],
        ),
    )
    create(
        c,
        k,
        pod(
            "bad",
            [
                {
                    "name": "b",
                    "image": "nginx:1.27",
                    "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 5},
                }
            ],
        ),
    )
    c.advance(30)
    assert status_col(k, "r")[:2] == ("1/1", "Running")
    assert status_col(k, "bad")[:2] == ("0/1", "Running")
    ip = c.api.get("pods", "bad", "default")["status"]["podIP"]
    assert any(
        e[2] == f'Readiness probe failed: Get "http://{ip}:8080/healthz": dial tcp {ip}:8080: connect: '
        "connection refused"
        for e in events(c, "bad")
    )


def test_heartbeats_and_node_down(env):
    c, k = env
    t0 = c.now()
    c.advance(30)
    lease = c.api.get("leases.coordination.k8s.io", "k8s-node01", "kube-node-lease")
    from k8stutor.engine.timeutil import parse_rfc3339

    assert parse_rfc3339(lease["spec"]["renewTime"]) > t0
    node_down(c, "k8s-node01")
    before = lease["spec"]["renewTime"]
    c.advance(60)
    assert (
        c.api.get("leases.coordination.k8s.io", "k8s-node01", "kube-node-lease")["spec"]["renewTime"]
        == before
    )
    node_up(c, "k8s-node01")
    assert (
        c.api.get("leases.coordination.k8s.io", "k8s-node01", "kube-node-lease")["spec"]["renewTime"]
        != before
    )


def test_static_pods_stay_running(env):
    c, k = env
    c.advance(120)
    p = c.api.get("pods", "etcd-k8s-master01", "kube-system")
    assert p["status"]["phase"] == "Running"
    assert status_col  # the bootstrap pods are adopted, not restarted
    assert p["status"]["containerStatuses"][0]["restartCount"] == 0
