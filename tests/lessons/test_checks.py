"""Every check type, passing and failing, with its expected-vs-found explanation."""

from __future__ import annotations

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.hosts.workstation import Workstation
from k8stutor.lessons.checks import CheckContext, HistoryEntry, compare, evaluate, static_problems
from k8stutor.lessons.matching import CommandPattern

NGINX_SVC = """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: 80, nodePort: 30080}]
"""
TYPO_SVC = (
    NGINX_SVC.replace("name: web", "name: typo").replace("app: web", "app: wbe").replace("30080", "30081")
)
UNSCHEDULABLE = """\
apiVersion: v1
kind: Pod
metadata: {name: big}
spec:
  containers: [{name: c, image: nginx:1.27, resources: {requests: {cpu: "64"}}}]
"""
RBAC = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: default}
rules: [{apiGroups: [""], resources: [pods], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: jane-reads, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}]
"""


@pytest.fixture(scope="module")
def world():
    c = Cluster()
    ws = Workstation(c, cwd="/root", host_files=False)
    ws.vfs.makedirs("/root")
    start = c.now()
    for text, name in (
        (NGINX_SVC, "svc.yaml"),
        (TYPO_SVC, "typo.yaml"),
        (UNSCHEDULABLE, "big.yaml"),
        (RBAC, "rbac.yaml"),
    ):
        ws.vfs.write(f"/root/{name}", text.encode())
    for line in [
        "kubectl create deployment web --image=nginx:1.27 --replicas=2",
        "kubectl apply -f svc.yaml",
        "kubectl apply -f typo.yaml",
        "kubectl apply -f big.yaml",
        "kubectl apply -f rbac.yaml",
        "kubectl rollout status deployment/web",
        "sleep 5s",
    ]:
        assert ws.run(line).exit_code == 0, line
    history = [
        HistoryEntry("k get po -o wide", "NAME  READY\nweb-1  1/1\n", "", 0, 0),
        HistoryEntry("kubectl scale deploy/web --replicas=2", "deployment.apps/web scaled\n", "", 0, 0),
    ]

    def readonly(line: str) -> tuple[str, str, int]:
        r = Workstation(c, host_files=False).run(line)
        return r.stdout.decode(), r.stderr.decode(), r.exit_code

    return CheckContext(c, history, step=0, step_started=start, lesson_started=start, run_readonly=readonly)


def ev(world, **check):
    return evaluate(check, world)


def test_exists_and_absent(world):
    r = ev(world, exists="deployment/web")
    assert r.ok and r.label == "Deployment web exists in namespace default"
    r = ev(world, exists="deploy/nope")
    assert (
        not r.ok
        and r.expected == "Deployment nope"
        and r.found == "no Deployment called nope in namespace default (there is: web)"
    )
    assert ev(world, absent="pod/nope").ok
    r = ev(world, absent="node/k8s-node01")
    assert not r.ok and r.found == "it still exists"
    assert ev(world, exists="namespace/kube-system").ok


def test_field_equals_matches_compares(world):
    assert ev(world, field="deployment/web", path=".spec.replicas", equals=2).ok
    assert ev(
        world,
        field="deployment/web",
        path="{.spec.template.spec.containers[0].image}",
        matches=r"^nginx:1\.2[0-9]$",
    ).ok
    assert ev(world, field="node/k8s-node01", path=".status.allocatable.memory", at_least="1Gi").ok
    r = ev(world, field="deployment/web", path=".spec.replicas", equals=3)
    assert not r.ok and r.expected == ".spec.replicas to equal 3" and r.found == "'2'"
    r = ev(world, field="deployment/web", path=".spec.paused", equals=True)
    assert not r.ok and r.found == "nothing there"
    assert ev(world, field="deployment/web", path=".spec.paused").ok is False


def test_count_with_selector_and_conditions(world):
    assert ev(world, count="pods", selector="app=web", phase="Running", ready=True, equals=2).ok
    assert ev(world, count="pods", namespace="kube-system", at_least=9).ok
    r = ev(
        world,
        count="pods",
        selector="app=web",
        where=[{"path": ".spec.containers[0].image", "not_equals": "nginx:1.27"}],
        equals=0,
    )
    assert r.ok and r.found == "0"
    r = ev(world, count="pods", selector="app=web", at_least=3)
    assert not r.ok and r.found.startswith("2: web-")


def test_pod_and_pods(world):
    assert ev(world, pods="app=web", phase="Running", ready=True, restarts=0).ok
    r = ev(world, pod="big", phase="Running")
    assert not r.ok and r.found == "Pending, not ready, 0 restart(s)"
    r = ev(world, pods="app=nothing")
    assert not r.ok and r.found == "no pod has the labels app=nothing in namespace default"
    assert ev(world, pods="app=web", restarts={"at_most": 0}).ok


def test_rollout_complete(world):
    r = ev(world, rollout_complete="deployment/web")
    assert r.ok and r.found == 'deployment "web" successfully rolled out'
    assert ev(world, rollout_complete="daemonset/kube-proxy", namespace="kube-system").ok


def test_event(world):
    assert ev(world, event="ScalingReplicaSet", object="deployment/web").ok
    r = ev(world, event="FailedScheduling", type="Warning", object="pod/big")
    assert r.ok and "Insufficient cpu" in r.found
    r = ev(world, event="Killing")
    assert not r.ok and r.found.startswith("events since then: ")


def test_commands_used_and_avoided(world):
    assert ev(world, command_used="kubectl get pods").ok
    assert ev(world, command_used="kubectl scale --replicas 2").ok
    r = ev(world, command_used="kubectl delete")
    assert not r.ok and r.found == "you ran: `k get po -o wide`; `kubectl scale deploy/web --replicas=2`"
    r = ev(world, command_avoided="kubectl scale")
    assert not r.ok and r.found == "you ran `kubectl scale deploy/web --replicas=2`"
    assert ev(world, command_avoided=r"kubectl\s+edit", regex=True).ok


def test_output_contains(world):
    assert ev(world, output_contains="web-1").ok
    assert ev(world, output_contains="etcd-k8s-master01", command="kubectl get pods -n kube-system").ok
    r = ev(world, output_contains="nope", command="kubectl get ns")
    assert not r.ok and r.found.startswith("it printed: NAME")


def test_http_traffic(world):
    r = ev(world, http="http://192.168.66.20:30080/", body_contains="Welcome to nginx!")
    assert r.ok and r.found.startswith("HTTP 200 OK")
    r = ev(world, http="http://192.168.66.20:30081/")
    assert not r.ok and r.expected == "an HTTP answer"


def test_dns(world):
    assert ev(
        world, dns="web", answer=world.cluster.api.peek("services", "web", "default")["spec"]["clusterIP"]
    ).ok
    assert ev(world, dns="kube-dns.kube-system", resolves=True).ok
    r = ev(world, dns="nope.default.svc.cluster.local")
    assert not r.ok and "NXDOMAIN" in r.found
    assert ev(world, dns="nope.default.svc.cluster.local", resolves=False).ok


def test_can_i(world):
    assert ev(world, can_i="list pods", **{"as": "jane"}, answer="yes").ok
    r = ev(world, can_i="delete pods", **{"as": "jane"}, answer=True)
    assert not r.ok and r.found == "no" and r.label == "jane can delete pods in namespace default"
    assert ev(world, can_i="list secrets", **{"as": "system:serviceaccount:default:default"}, answer="no").ok
    assert ev(world, can_i="delete nodes", answer="yes").ok  # the learner is cluster-admin


def test_helm_release_absent(world):
    r = ev(world, helm_release="web", status="deployed")
    assert not r.ok and r.found == "no such release (helm list -A)"


def test_scheduler(world):
    r = ev(world, scheduler="big", result="Unschedulable", reason_contains="Insufficient cpu")
    assert r.ok
    r = ev(world, scheduler="big", result="Scheduled")
    assert not r.ok and r.found.startswith("Unschedulable: 0/3 nodes are available")


def test_service_endpoints_explains_a_selector_typo(world):
    assert ev(world, service_endpoints="web", at_least=2).ok
    r = ev(world, service_endpoints="typo")
    assert not r.ok and r.found == "Service typo selects app=wbe, but no pod has that label"


def test_all_any_not_and_labels(world):
    r = ev(world, all=[{"exists": "deployment/web"}, {"exists": "deployment/nope"}], label="both")
    assert not r.ok and r.label == "both" and "Deployment nope exists" in r.found
    assert ev(world, any=[{"exists": "deployment/nope"}, {"exists": "deployment/web"}]).ok
    r = ev(world, **{"not": {"exists": "deployment/web"}}, explain="delete it first")
    assert not r.ok and r.why().startswith("delete it first — expected")


def test_a_broken_check_fails_with_a_reason_instead_of_raising(world):
    r = evaluate({"exists": "widget/x"}, world)
    assert not r.ok and r.error and r.found == 'the server doesn\'t have a resource type "widget"'


def test_static_problems():
    assert static_problems({"exists": "deployment/web", "path": ".x"}) == [
        (("path",), "'path' is not an option of a exists check (its options: namespace)")
    ]
    assert static_problems({"count": "pods"}) == [
        ((), "a count check needs a comparison (equals, at_least, at_most, ...)")
    ]
    assert static_problems({"output_contains": "x", "command": "kubectl delete pod x"})[0][0] == ("command",)
    assert static_problems({"all": [{"exists": "nope"}]}) == [
        (("all", 0, "exists"), "'nope' is not KIND/NAME (for example deployment/web or pod/nginx)")
    ]


def test_compare_numbers_quantities_text():
    assert compare("2", "equals", 2) and compare("500m", "less_than", 1) and compare("2Gi", "at_least", "1Gi")
    assert compare("nginx:1.27", "contains", "1.27") and not compare(None, "equals", "x")
    assert compare("true", "equals", True)


@pytest.mark.parametrize(
    "pattern,line,hit",
    [
        ("kubectl get nodes", "k get no -o wide", True),
        ("kubectl get pods -n kube-system", "k -n kube-system get po", True),
        ("kubectl get pods -n kube-system", "kubectl get pods", False),
        ("kubectl scale --replicas 3", "kubectl scale deploy/web --replicas=3", True),
        ("ssh * crictl pods", "ssh k8s-node01 crictl pods", True),
        ("kubectl delete", "kubectl get pods && kubectl delete pod x", True),
        ("kubectl get nodes", "kubectl get pods", False),
    ],
)
def test_command_patterns(pattern, line, hit):
    assert CommandPattern(pattern).matches(line) is hit
