"""The issue's parity list through ``k8stutor serve``: the same scenario with the built-in kubectl and with real
kubectl v1.32 must print the same (describe, output formats, apply twice, generators, rollout, set image,
taint, expose, explain, logs, exec).

Mutating commands run twice on twin objects (real kubectl on ``NAME``, the built-in on ``NAME2``) and the
outputs are compared with the name swapped; reads run on the same objects. Virtual time starts 20 minutes
in the past and is brought up to the wall clock before each ``describe``, because real kubectl computes event
ages on its own clock; ages are then minutes-grained.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.hosts.apiserver.kubeconfig import write_kubeconfig
from k8stutor.hosts.apiserver.main import ensure_controllers
from k8stutor.hosts.apiserver.server import ServerThread
from k8stutor.kubectl.main import Kubectl

KUBECTL = shutil.which("kubectl")

HEAD_START = 20 * 60.0

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
      - name: nginx
        image: {image}
        ports:
        - containerPort: 80
"""

BB = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "bb", "labels": {"app": "bb"}},
    "spec": {
        "containers": [
            {
                "name": "bb",
                "image": "busybox:1.36",
                "command": ["sh", "-c", "echo hello; echo world; sleep 3600"],
            }
        ]
    },
}


class Env:
    """A served cluster, a kubeconfig, a private kubectl cache and the built-in kubectl on the same cluster."""

    def __init__(self, st: ServerThread, home: Path) -> None:
        self.st = st
        self.cluster = st.cluster
        self.home = home
        kc = write_kubeconfig(home / "kubeconfig", st.url)
        self.env = dict(os.environ, KUBECONFIG=str(kc), HOME=str(home))
        self.builtin = Kubectl(st.cluster, cwd=str(home))

    def real(self, *args: str) -> tuple[int, str]:
        r = subprocess.run(
            [KUBECTL or "kubectl", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=self.home,
        )
        return r.returncode, r.stdout + r.stderr

    def mine(self, *args: str) -> tuple[int, str]:
        r = self.st.call(self.builtin.run, list(args))
        return r.exit_code, r.stdout + r.stderr

    def both(self, *args: str) -> tuple[tuple[int, str], tuple[int, str]]:
        return self.real(*args), self.mine(*args)

    def twin(self, real_args: list[str], mine_args: list[str], name: str, name2: str) -> tuple[str, str]:
        """Real kubectl on NAME, the built-in on NAME2; the built-in's output with NAME2 written as NAME."""
        code, out = self.real(*real_args)
        code2, out2 = self.mine(*mine_args)
        assert code == code2, (out, out2)
        return out, out2.replace(name2, name)

    def advance(self, seconds: float) -> None:
        self.st.call(self.cluster.advance, seconds)

    def settle_rollout(self, *names: str) -> None:
        """Advance virtual time until the deployments are rolled out (at most ten minutes)."""

        def done(name: str) -> bool:
            d = self.cluster.api.peek("deployments.apps", name, "default") or {}
            st, spec = d.get("status") or {}, d.get("spec") or {}
            want = spec.get("replicas", 1)
            return (
                st.get("observedGeneration", 0) >= d["metadata"].get("generation", 0)
                and st.get("updatedReplicas") == want
                and st.get("replicas") == want
                and st.get("availableReplicas") == want
            )

        for _ in range(20):
            if all(self.st.call(done, n) for n in names):
                return
            self.advance(30)
        raise AssertionError(f"deployments {names} did not roll out")

    def sync_clock(self) -> None:
        """Bring virtual time up to the wall clock (real kubectl ages events on its own clock)."""
        lag = time.time() - self.st.call(self.cluster.now)
        if lag > 0:
            self.advance(lag)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    if KUBECTL is None:
        pytest.skip("real kubectl is not installed")
    c = Cluster(epoch=time.time() - HEAD_START)
    ensure_controllers(c)
    c.api.create(BB, "default")
    st = ServerThread(c)
    st.start()
    e = Env(st, tmp_path_factory.mktemp("parity"))
    import yaml

    for name in ("web", "web2", "stable"):
        st.call(c.api.create, yaml.safe_load(DEPLOY.format(name=name, image="nginx:1.25")), "default")
    e.settle_rollout("web", "web2", "stable")
    e.advance(HEAD_START / 2)
    yield e
    st.stop()


def test_apply_twice_then_configured(env: Env) -> None:
    for name in ("app", "app2"):
        (env.home / f"{name}.yaml").write_text(DEPLOY.format(name=name, image="nginx:1.25"))
    created = env.twin(["apply", "-f", "app.yaml"], ["apply", "-f", "app2.yaml"], "app", "app2")
    assert created == ("deployment.apps/app created\n",) * 2
    again = env.twin(["apply", "-f", "app.yaml"], ["apply", "-f", "app2.yaml"], "app", "app2")
    assert again == ("deployment.apps/app unchanged\n",) * 2
    for name in ("app", "app2"):
        (env.home / f"{name}.yaml").write_text(
            DEPLOY.format(name=name, image="nginx:1.25").replace("replicas: 2", "replicas: 3")
        )
    changed = env.twin(["apply", "-f", "app.yaml"], ["apply", "-f", "app2.yaml"], "app", "app2")
    assert changed == ("deployment.apps/app configured\n",) * 2
    real, mine = env.both("get", "deploy", "app", "-o", "jsonpath={.spec.replicas}")
    assert real == mine == (0, "3")


GENERATORS = [
    ("configmap c1 --from-literal=greeting=hello", "configmap/c1 created\n"),
    ("secret generic s1 --from-literal=password=hunter2", "secret/s1 created\n"),
    ("secret docker-registry r1 --docker-username=u --docker-password=p", "secret/r1 created\n"),
    ("deployment d1 --image=nginx:1.27 --replicas=2 --port=80", "deployment.apps/d1 created\n"),
    ("service clusterip v1 --tcp=80:8080", "service/v1 created\n"),
    ("service nodeport n1 --tcp=80:8080", "service/n1 created\n"),
    ("serviceaccount a1", "serviceaccount/a1 created\n"),
    ("job j1 --image=busybox:1.36", "job.batch/j1 created\n"),
    ("cronjob cj1 --image=busybox:1.36 --schedule=*/5_*_*_*_*", "cronjob.batch/cj1 created\n"),
    ("quota q1 --hard=services.loadbalancers=5", "resourcequota/q1 created\n"),
    ("priorityclass p1 --value=100", "priorityclass.scheduling.k8s.io/p1 created\n"),
    ("ingress i1 --rule=foo.example.com/=v1:80", "ingress.networking.k8s.io/i1 created\n"),
    ("pdb b1 --selector=app=x --min-available=1", "poddisruptionbudget.policy/b1 created\n"),
    ("role ro1 --verb=get --resource=pods", "role.rbac.authorization.k8s.io/ro1 created\n"),
    ("rolebinding rb1 --role=ro1 --user=jane", "rolebinding.rbac.authorization.k8s.io/rb1 created\n"),
    ("namespace ns1", "namespace/ns1 created\n"),
]


def _gen_args(spec: str, suffix: str) -> tuple[list[str], str]:
    words = [w.replace("_", " ") for w in spec.split()]
    i = 2 if words[0] in ("secret", "service") else 1
    name = words[i]
    words[i] = name + suffix
    return ["create", *words], name


@pytest.mark.parametrize(("spec", "expected"), GENERATORS)
def test_create_generators_created_then_already_exists(env: Env, spec: str, expected: str) -> None:
    real_args, name = _gen_args(spec, "")
    mine_args, _ = _gen_args(spec, "x")
    assert env.twin(real_args, mine_args, name, name + "x") == (expected, expected)
    # The second time, some generators wrap the server's AlreadyExists ("failed to create configmap: ...").
    again = env.twin(real_args, mine_args, name, name + "x")
    assert again[0] == again[1] and "already exists" in again[0]


def _norm(text: str) -> list[str]:
    strip = ("uid", "resourceVersion", "creationTimestamp", "name")
    return [ln for ln in text.splitlines() if not any(f'"{k}"' in ln or f"{k}:" in ln for k in strip)]


def test_created_objects_print_the_same(env: Env) -> None:
    for spec in (
        "configmap k1 --from-literal=greeting=hello",
        "secret generic k2 --from-literal=password=hunter2",
        "ingress k3 --rule=foo.example.com/=k3:80",
    ):
        real_args, name = _gen_args(spec, "")
        mine_args, _ = _gen_args(spec, "x")
        env.twin(real_args, mine_args, name, name + "x")
    for kind, a, b in (("cm", "k1", "k1x"), ("secret", "k2", "k2x"), ("ingress", "k3", "k3x")):
        for fmt in ("yaml", "json"):
            ra = env.real("get", kind, a, "-o", fmt)[1]
            mb = env.mine("get", kind, b, "-o", fmt)[1]
            # Only the names, uids, resourceVersions and timestamps of the twins differ.
            assert _norm(ra) == _norm(mb)
    real, mine = env.both("describe", "cm", "k1")
    assert real == mine
    real, mine = env.both("describe", "secret", "k2")
    assert real == mine and "password:  7 bytes" in real[1]


@pytest.mark.parametrize(
    "argv",
    [
        "get deploy web -o yaml",
        "get deploy web -o json",
        "get pods -l app=web -o yaml",
        "get pods -o jsonpath={.items[*].metadata.name}",
        "get deploy -o jsonpath={range.items[*]}{.metadata.name}{'\\t'}{.status.replicas}{'\\n'}{end}",
        "get pods -o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image,NODE:.spec.nodeName",
        "get deploy web -o custom-columns=NAME:.metadata.name,READY:.status.readyReplicas --no-headers",
        "get pod bb -o name",
    ],
)
def test_output_formats(env: Env, argv: str) -> None:
    real, mine = env.both(*argv.split(" "))
    assert real == mine


@pytest.mark.parametrize(
    "argv",
    # Objects no other test changes: their events are over ten minutes old, so ages are minute-grained.
    ["describe pod bb", "describe deploy stable", "describe svc kubernetes", "describe node k8s-master01"],
)
def test_describe(env: Env, argv: str) -> None:
    for attempt in range(2):  # a wall-clock minute boundary between the two runs is retried once
        env.sync_clock()
        real, mine = env.both(*argv.split())
        if real == mine or attempt:
            break
    assert real == mine


def test_rollout_set_image_status_history_undo(env: Env) -> None:
    out = env.twin(
        ["set", "image", "deploy/web", "nginx=nginx:1.26"],
        ["set", "image", "deploy/web2", "nginx=nginx:1.26"],
        "web",
        "web2",
    )
    assert out == ("deployment.apps/web image updated\n",) * 2
    env.settle_rollout("web", "web2")
    out = env.twin(["rollout", "status", "deploy/web"], ["rollout", "status", "deploy/web2"], "web", "web2")
    assert out[0] == out[1] and out[0].endswith('deployment "web" successfully rolled out\n')
    for args in (["rollout", "history", "deploy/web"], ["rollout", "history", "deploy/web", "--revision=1"]):
        real, mine = env.both(*args)
        assert real == mine
    out = env.twin(["rollout", "undo", "deploy/web"], ["rollout", "undo", "deploy/web2"], "web", "web2")
    assert out == ("deployment.apps/web rolled back\n",) * 2
    env.settle_rollout("web", "web2")
    real, mine = env.both("rollout", "history", "deploy/web")
    assert real == mine and real[1].split("\n")[-3].split() == ["3", "<none>"]
    image = env.st.call(env.cluster.api.get, "deployments.apps", "web", "default")["spec"]["template"]["spec"]
    assert image["containers"][0]["image"] == "nginx:1.25"


def test_taint_and_expose(env: Env) -> None:
    real = env.real("taint", "node", "k8s-node01", "dedicated=web:NoSchedule")
    assert real == (0, "node/k8s-node01 tainted\n")
    assert env.mine("taint", "node", "k8s-node02", "dedicated=web:NoSchedule") == (
        0,
        "node/k8s-node02 tainted\n",
    )
    real, mine = env.both("taint", "node", "k8s-node01", "dedicated=web:NoSchedule")
    assert real == mine and real[0] == 1
    assert env.real("taint", "node", "k8s-node01", "dedicated-") == (0, "node/k8s-node01 untainted\n")
    assert env.mine("taint", "node", "k8s-node02", "dedicated-") == (0, "node/k8s-node02 untainted\n")
    out = env.twin(
        ["expose", "deploy", "web", "--port=80", "--target-port=80"],
        ["expose", "deploy", "web2", "--port=80", "--target-port=80"],
        "web",
        "web2",
    )
    assert out == ("service/web exposed\n",) * 2
    real, mine = env.both("get", "svc", "web", "-o", "jsonpath={.spec.selector}{.spec.ports}")
    assert real == mine


@pytest.mark.parametrize(
    "argv",
    [
        "explain deploy.spec.replicas",
        "explain pod.spec.volumes.hostPath",
        "explain pod.spec.volumes.hostPath.type",
        "explain svc.spec --recursive",
        "explain pod.spec.affinity --recursive",
    ],
)
def test_explain(env: Env, argv: str) -> None:
    real, mine = env.both(*argv.split())
    assert real == mine


@pytest.mark.parametrize(
    "argv",
    [
        "logs bb",
        "logs bb --tail=1",
        "logs bb --timestamps",
        "logs pod/bb -c bb",
        "exec bb -- echo hi there",
        "exec bb -- cat /etc/hostname",
        "exec bb -- sh -c 'echo out; echo err >&2; exit 3'",
        "exec bb -- nosuchcmd",
        "exec bb -c nope -- true",
    ],
)
def test_logs_and_exec(env: Env, argv: str) -> None:
    import shlex

    real, mine = env.both(*shlex.split(argv))
    assert real == mine


# ---- the server side of the parity, without real kubectl ------------------------------------------------


def test_large_lists_are_streamed_as_the_same_document(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio
    import json

    from k8stutor.hosts.apiserver import app
    from k8stutor.hosts.apiserver.http import Request, Response, Streaming

    monkeypatch.setattr(app, "STREAM_LIST_ABOVE", 100)
    monkeypatch.setattr(app, "STREAM_SLICE", 40)
    c = Cluster()
    for i in range(290):
        c.api.create(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": f"p-{i:05d}", "labels": {"n": str(i % 2)}},
                "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]},
            },
            "default",
        )
    api = app.KubeAPI(c)
    table = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"

    class Chunks:
        def __init__(self) -> None:
            self.data = b""

        async def write(self, data: bytes) -> None:
            self.data += data

    for accept, query in ((table, {}), ("application/json", {}), (table, {"labelSelector": ["n!=1"]})):
        req = Request("GET", "/api/v1/pods", "/api/v1/pods", dict(query), {"accept": accept})
        streamed = api.route(req)
        assert isinstance(streamed, Streaming)
        sink = Chunks()
        asyncio.run(streamed.run(sink, None))  # type: ignore[arg-type]
        app.STREAM_LIST_ABOVE, saved = 10**9, app.STREAM_LIST_ABOVE
        try:
            whole = api.route(req)
        finally:
            app.STREAM_LIST_ABOVE = saved
        assert isinstance(whole, Response)
        assert json.loads(sink.data) == json.loads(whole.body)


def test_protobuf_bodies_flatten_go_embedded_structs() -> None:
    from k8stutor.hosts.apiserver import protobuf

    ingress = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "i"},
        "spec": {
            "rules": [
                {
                    "host": "foo.example.com",
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Exact",
                                "backend": {"service": {"name": "svc", "port": {"number": 80}}},
                            }
                        ]
                    },
                }
            ]
        },
    }
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {
            "containers": [
                {
                    "name": "c",
                    "image": "nginx",
                    "readinessProbe": {"httpGet": {"path": "/", "port": 80}},
                    "env": [{"name": "A", "valueFrom": {"configMapKeyRef": {"name": "cm", "key": "k"}}}],
                }
            ],
            "volumes": [{"name": "v", "configMap": {"name": "cm"}}],
        },
    }
    hook = {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingWebhookConfiguration",
        "metadata": {"name": "w"},
        "webhooks": [
            {
                "name": "a.b.c",
                "clientConfig": {"url": "https://x"},
                "sideEffects": "None",
                "admissionReviewVersions": ["v1"],
            }
        ],
    }
    for obj in (ingress, pod, hook):
        assert protobuf.decode_object(protobuf.encode_object(obj)) == obj
