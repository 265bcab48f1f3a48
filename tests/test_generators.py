"""kubectl's client-side generators against output captured from real kubectl v1.32.4 (`--dry-run=client`).

The fixtures in tests/data/generators were captured with `kubectl <argv> --dry-run=client -o yaml|json` (and
without `-o` for the `.txt` line); `cases.json` records each argv. Commands that need discovery (`run`,
`expose`, `create role`, `create job`) were pointed at a discovery-only stub API server serving the objects in
tests/data/generators/objects.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from k8stutor.engine.registry import Registry
from k8stutor.kubectl import generators as g
from k8stutor.kubectl.generators import GeneratorError
from k8stutor.kubectl.serialize import to_json, to_yaml

DATA = Path(__file__).parent / "data" / "generators"
FILES = str(DATA / "files")
CASES: dict[str, Any] = json.loads((DATA / "cases.json").read_text())
RESOLVE = g.registry_resolver(Registry())


def obj(name: str) -> dict[str, Any]:
    """An object the stub API server served while capturing (for expose / create job --from)."""
    return json.loads((DATA / "objects" / name).read_text())


def fixed_suffix() -> str:
    return "l2mtm"


GEN: dict[str, Callable[[], dict[str, Any]]] = {
    "namespace": lambda: g.create_namespace("dev"),
    "namespace-alias": lambda: g.create_namespace("prod"),
    "serviceaccount": lambda: g.create_serviceaccount("sa1"),
    "serviceaccount-ns": lambda: g.create_serviceaccount("sa2", namespace="team"),
    "configmap-literals": lambda: g.create_configmap("app-config", ["key1=value1", "key2=value2"]),
    "configmap-tricky": lambda: g.create_configmap(
        "tricky", [a.removeprefix("--from-literal=") for a in CASES["configmap-tricky"]["argv"][3:]]
    ),
    "configmap-files": lambda: g.create_configmap(
        "files", ["a=1"], ["app.properties", "renamed.txt=confdir/a.txt"], cwd=FILES
    ),
    "configmap-dir": lambda: g.create_configmap("dir", from_file=["confdir"], cwd=FILES),
    "configmap-envfile": lambda: g.create_configmap("envcm", from_env_file=["app.env"], cwd=FILES),
    "configmap-binary": lambda: g.create_configmap("bin", from_file=["blob.bin"], cwd=FILES),
    "configmap-hash": lambda: g.create_configmap("hashed", ["a=b"], append_hash=True),
    "configmap-devnull": lambda: g.create_configmap(
        "multi", ["a=1"], ["app.properties=/dev/null"], cwd=FILES
    ),
    "configmap-ns": lambda: g.create_configmap("nscm", ["a=b"], namespace="team"),
    "configmap-empty": lambda: g.create_configmap("empty"),
    "secret-generic": lambda: g.create_secret_generic("db-secret", ["username=admin", "password=s3cr3t"]),
    "secret-generic-type": lambda: g.create_secret_generic("typed", ["a=b"], type="Opaque"),
    "secret-generic-custom-type": lambda: g.create_secret_generic(
        "custom", ["token=abc"], type="example.com/token"
    ),
    "secret-generic-files": lambda: g.create_secret_generic(
        "filesec", ["x="], ["blob.bin", "app.properties"], cwd=FILES
    ),
    "secret-generic-envfile": lambda: g.create_secret_generic("envsec", from_env_file=["app.env"], cwd=FILES),
    "secret-generic-hash": lambda: g.create_secret_generic("hs", ["a=b"], append_hash=True),
    "secret-generic-empty": lambda: g.create_secret_generic("nothing"),
    "secret-docker": lambda: g.create_secret_docker_registry(
        "regcred", "registry.example.com", "user", "pass", "user@example.com"
    ),
    "secret-docker-noemail": lambda: g.create_secret_docker_registry(
        "reg2", docker_username="u<s>&r", docker_password="p@ss:w0rd"
    ),
    "secret-tls": lambda: g.create_secret_tls("tls-secret", "tls.crt", "tls.key", cwd=FILES),
    "deployment": lambda: g.create_deployment("nginx", ["nginx"]),
    "deployment-port-replicas": lambda: g.create_deployment("web", ["nginx:1.27"], replicas=3, port=80),
    "deployment-multi": lambda: g.create_deployment("multi", ["nginx", "redis"]),
    "deployment-registry": lambda: g.create_deployment(
        "reg",
        [
            "registry.example.com:5000/team/app:v1.2",
            "ghcr.io/org/tool@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ],
    ),
    "deployment-command": lambda: g.create_deployment("cmd", ["busybox"], command=["sleep", "3600"]),
    "deployment-ns": lambda: g.create_deployment("nsd", ["nginx"], namespace="team"),
    "deployment-zero": lambda: g.create_deployment("zero", ["nginx"], replicas=0),
    "job": lambda: g.create_job("myjob", "busybox", ["echo", "hi"]),
    "job-noargs": lambda: g.create_job("plain", "busybox"),
    "job-from-cronjob": lambda: g.create_job("manual-1", from_cronjob=obj("cj-nightly.json")),
    "cronjob": lambda: g.create_cronjob("mycron", "busybox", "*/1 * * * *", command=["date"]),
    "cronjob-restart": lambda: g.create_cronjob("nightly", "busybox", "0 3 * * *", restart="Never"),
    "cronjob-macro": lambda: g.create_cronjob("hourly", "busybox", "@hourly"),
    "cronjob-restart-always": lambda: g.create_cronjob("x", "busybox", "* * * * *", restart="Always"),
    "service-clusterip": lambda: g.create_service("clusterip", "my-svc", ["80:8080"]),
    "service-clusterip-multi": lambda: g.create_service(
        "clusterip", "multi", ["80:8080", "443:8443", "9090"]
    ),
    "service-headless": lambda: g.create_service("clusterip", "headless", clusterip="None"),
    "service-clusterip-ip": lambda: g.create_service("clusterip", "fixed", ["53"], clusterip="10.96.0.53"),
    "service-nodeport": lambda: g.create_service("nodeport", "my-np", ["80:8080"], node_port=30080),
    "service-nodeport-plain": lambda: g.create_service("nodeport", "np", ["80"]),
    "service-loadbalancer": lambda: g.create_service("loadbalancer", "my-lb", ["80:8080"]),
    "service-externalname": lambda: g.create_service("externalname", "my-ext", external_name="example.com"),
    "service-externalname-tcp": lambda: g.create_service(
        "externalname", "ext2", ["5432"], external_name="db.example.com"
    ),
    "service-named-target": lambda: g.create_service("clusterip", "named", ["80:http"]),
    "ingress": lambda: g.create_ingress("simple", ["foo.com/bar=svc1:8080"]),
    "ingress-complex": lambda: g.create_ingress(
        "complex",
        [
            "foo.com/path*=svc:8080",
            "foo.com/other=svc2:http,tls=my-cert",
            "bar.com/=svc3:80,tls",
            "/api=api:https",
        ],
        class_name="nginx",
        annotations=["nginx.ingress.kubernetes.io/rewrite-target=/", "empty="],
    ),
    "ingress-default-backend": lambda: g.create_ingress(
        "catch-all",
        ["foo.com/=svc:https,tls=secret1"],
        class_name="default",
        default_backend="defaultsvc:http",
    ),
    "role": lambda: g.create_role("pod-reader", ["get", "list", "watch"], ["pods"], resolver=RESOLVE),
    "role-multi": lambda: g.create_role(
        "multi",
        ["get", "list", "get"],
        ["pods", "deployments.apps", "pods/log", "rs", "deploy/scale", "services"],
        ["a", "b"],
        resolver=RESOLVE,
    ),
    "role-star": lambda: g.create_role("all", ["*"], ["*"], resolver=RESOLVE),
    "clusterrole": lambda: g.create_clusterrole(
        "pod-reader", ["get", "list", "watch"], ["pods"], resolver=RESOLVE
    ),
    "clusterrole-nonresource": lambda: g.create_clusterrole(
        "nr", ["get"], non_resource_urls=["/logs/*", "/healthz"]
    ),
    "clusterrole-aggregation": lambda: g.create_clusterrole(
        "agg", aggregation_rule="rbac.example.com/aggregate-to-monitoring=true,foo=bar"
    ),
    "clusterrole-mixed": lambda: g.create_clusterrole(
        "mixed", ["get"], ["nodes", "secrets"], non_resource_urls=["/metrics"], resolver=RESOLVE
    ),
    "rolebinding": lambda: g.create_rolebinding("rb", role="pod-reader", users=["jane"]),
    "rolebinding-many": lambda: g.create_rolebinding(
        "rb2",
        clusterrole="view",
        users=["bob", "alice"],
        groups=["devs"],
        serviceaccounts=["default:sa1", "kube-system:builder"],
    ),
    "clusterrolebinding": lambda: g.create_clusterrolebinding("crb", "cr", serviceaccounts=["default:sa1"]),
    "clusterrolebinding-groups": lambda: g.create_clusterrolebinding(
        "crb2", "cluster-admin", users=["admin"], groups=["system:masters"]
    ),
    "quota": lambda: g.create_quota("q", "cpu=1,memory=1G,pods=2"),
    "quota-scopes": lambda: g.create_quota("best-effort", "pods=100", "BestEffort"),
    "quota-many": lambda: g.create_quota(
        "big", "requests.cpu=500m,limits.memory=2Gi,count/deployments.apps=5,services.nodeports=0"
    ),
    "priorityclass": lambda: g.create_priorityclass("high", 1000, description="high priority"),
    "priorityclass-default": lambda: g.create_priorityclass(
        "default-pc", 100, True, preemption_policy="Never"
    ),
    "priorityclass-badpolicy": lambda: g.create_priorityclass("x", 1, preemption_policy="Sometimes"),
    "pdb": lambda: g.create_poddisruptionbudget("pdb1", "app=nginx", min_available="1"),
    "pdb-max-percent": lambda: g.create_poddisruptionbudget(
        "pdb2", "app=web,tier in (fe)", max_unavailable="50%"
    ),
    "run": lambda: g.run_pod("nginx", "nginx"),
    "run-args": lambda: g.run_pod("bb", "busybox", restart="Never", args=["sleep", "3600"]),
    "run-command": lambda: g.run_pod(
        "cmdpod", "busybox", command=True, args=["sh", "-c", "echo hello && sleep 3600"]
    ),
    "run-labels-env-port": lambda: g.run_pod(
        "web", "nginx:1.27", labels="app=web,tier=fe", env=["FOO=bar", "EMPTY="], port="80"
    ),
    "run-onfailure-pullpolicy": lambda: g.run_pod(
        "of", "busybox", restart="OnFailure", image_pull_policy="IfNotPresent"
    ),
    "run-annotations-sa": lambda: g.run_pod("ann", "nginx", annotations=["team=a", "owner=b"]),
    "run-privileged": lambda: g.run_pod("priv", "busybox", privileged=True),
    "run-stdin-tty": lambda: g.run_pod("tty", "busybox", stdin=True, tty=True, restart="Never", attach=False),
    "expose-deploy": lambda: g.expose(obj("deploy-web.json"), port="80", target_port="8080"),
    "expose-deploy-nodeport": lambda: g.expose(
        obj("deploy-web.json"), port="80", type="NodePort", name="web-np"
    ),
    "expose-deploy-noport": lambda: g.expose(obj("deploy-web.json")),
    "expose-deploy-multiport": lambda: g.expose(obj("deploy-multi.json")),
    "expose-deploy-multiport-named": lambda: g.expose(obj("deploy-multi.json"), port="8080", name="m2"),
    "expose-pod": lambda: g.expose(obj("pod-p1.json"), port="8080", protocol="UDP"),
    "expose-pod-noport": lambda: g.expose(
        obj("pod-p1.json"), name="p1-svc", type="LoadBalancer", external_ip="1.2.3.4"
    ),
    "expose-service": lambda: g.expose(obj("svc-svc1.json"), name="svc1-copy"),
    "expose-rs": lambda: g.expose(obj("rs-rs1.json"), port="80", selector="app=other", labels="x=y"),
    "expose-rc": lambda: g.expose(
        obj("rc-rc1.json"), port="80", cluster_ip="None", session_affinity="ClientIP"
    ),
    "expose-deploy-lb-ip": lambda: g.expose(
        obj("deploy-web.json"),
        port="443",
        target_port="https",
        type="LoadBalancer",
        load_balancer_ip="10.0.0.5",
    ),
    "expose-type-foo": lambda: g.expose(obj("deploy-web.json"), port="80", type="Foo"),
}

ERRORS: dict[str, Callable[[], object]] = {
    "err-configmap-badkey": lambda: g.create_configmap("bad", ["a b=c"]),
    "err-configmap-noeq": lambda: g.create_configmap("bad", ["novalue"]),
    "err-configmap-dupkey": lambda: g.create_configmap("bad", ["a=1", "a=2"]),
    "err-configmap-noname": lambda: g.require_one_name([], "create configmap"),
    "err-configmap-twonames": lambda: g.require_one_name(["a", "b"], "create configmap"),
    "err-configmap-envmix": lambda: g.create_configmap("bad", ["a=b"], from_env_file=["app.env"], cwd=FILES),
    "err-configmap-missingfile": lambda: g.create_configmap("bad", from_file=["nope.txt"], cwd=FILES),
    "err-configmap-emptykey": lambda: g.create_configmap("bad", ["=v"]),
    "err-secret-docker-nouser": lambda: g.create_secret_docker_registry("bad", docker_password="x"),
    "err-secret-tls-nocert": lambda: g.create_secret_tls("bad", "", "tls.key", cwd=FILES),
    "err-secret-tls-mismatch": lambda: g.create_secret_tls("bad", "tls.crt", "app.properties", cwd=FILES),
    "err-secret-badkey": lambda: g.create_secret_generic("bad", ["a/b=c"]),
    "err-deployment-noname": lambda: g.require_one_name([], "create deployment"),
    "err-deployment-command-multi": lambda: g.create_deployment("x", ["a", "b"], command=["echo"]),
    "err-job-noimage": lambda: g.create_job("x"),
    "err-service-badtcp": lambda: g.create_service("clusterip", "x", ["abc"]),
    "err-service-noports": lambda: g.create_service("clusterip", "x"),
    "err-service-ext-bad": lambda: g.create_service("externalname", "x", external_name="Not_Valid"),
    "err-ingress-nothing": lambda: g.create_ingress("x"),
    "err-ingress-badrule": lambda: g.create_ingress("x", ["foo.com"]),
    "err-role-noverb": lambda: g.create_role("x", [], ["pods"], resolver=RESOLVE),
    "err-role-noresource": lambda: g.create_role("x", ["get"], [], resolver=RESOLVE),
    "err-role-badverb": lambda: g.create_role("x", ["use"], ["pods"], resolver=RESOLVE),
    "err-clusterrole-nonresource-verb": lambda: g.create_clusterrole(
        "x", ["list"], non_resource_urls=["/logs"]
    ),
    "err-rolebinding-norole": lambda: g.create_rolebinding("x", users=["jane"]),
    "err-rolebinding-both": lambda: g.create_rolebinding("x", role="a", clusterrole="b"),
    "err-rolebinding-badsa": lambda: g.create_rolebinding("x", role="a", serviceaccounts=["nocolon"]),
    "err-quota-bad": lambda: g.create_quota("x", "cpu"),
    "err-pdb-both": lambda: g.create_poddisruptionbudget("x", "app=a", "1", "1"),
    "err-pdb-neither": lambda: g.create_poddisruptionbudget("x", "app=a"),
    "err-pdb-noselector": lambda: g.create_poddisruptionbudget("x", min_available="1"),
    "err-run-noname": lambda: g.run_pod("", "nginx"),
    "err-run-badrestart": lambda: g.run_pod("x", "nginx", restart="Sometimes"),
    "err-run-badpolicy": lambda: g.run_pod("x", "nginx", image_pull_policy="Sometimes"),
    "err-run-attach": lambda: g.run_pod("x", "busybox", stdin=True, tty=True),
    "err-run-badlabel": lambda: g.run_pod("x", "nginx", labels="bad"),
    "err-run-badenv": lambda: g.run_pod("x", "nginx", env=["NOVALUE"]),
    "err-run-tty-only": lambda: g.run_pod("x", "busybox", tty=True),
    "err-run-rm": lambda: g.run_pod("x", "busybox", rm=True),
    "err-run-expose-noport": lambda: g.run_pod("x", "busybox", expose=True),
    "err-expose-noports": lambda: g.expose(obj("deploy-noports.json")),
    "err-expose-expr": lambda: g.expose(obj("deploy-expr.json"), port="80"),
    "err-expose-kind": lambda: g.expose(obj("cm-x.json"), port="80"),
}

# Errors cobra reports through klog (`E... run.go:72] "command failed" err=...`): compared without the header.
KLOG_ERRORS: dict[str, Callable[[], object]] = {
    "err-deployment-noimage": lambda: g.create_deployment("x", []),
    "err-cronjob-noschedule": lambda: g.create_cronjob("x", "busybox", None),
    "err-run-noimage": lambda: g.run_pod("x", None),
    "err-service-ext-noname": lambda: g.create_service("externalname", "x"),
}
# Errors that came from the capture stub's discovery rather than from the generator.
STUB_ONLY = {"err-role-unknown", "err-role-unknown-group"}


def test_run_expose_prints_service_then_pod() -> None:
    pod = g.run_pod("exp", "nginx", labels="app=exp", port="8080", expose=True)
    svc = g.run_expose_service(pod, "8080", labels="app=exp")
    assert to_yaml(svc) + "---\n---\n" + to_yaml(pod) == (DATA / "run-expose.yaml").read_text()
    assert (
        to_json(svc, sort_keys=False) + to_json(pod, sort_keys=False)
        == (DATA / "run-expose.json").read_text()
    )
    lines = [g.dry_run_line("service", "exp"), g.dry_run_line("pod", "exp")]
    assert "\n".join(lines) + "\n" == (DATA / "run-expose.txt").read_text()


def test_invalid_image_reference() -> None:
    # kubectl run x --image=NGINX --dry-run=client  [CAP]
    with pytest.raises(GeneratorError) as exc:
        g.run_pod("x", "NGINX")
    assert str(exc.value) == 'error: Invalid image name "NGINX": invalid reference format'
    for ok in (
        "nginx",
        "nginx:1.27",
        "registry.example.com:5000/team/app:v1.2",
        "ghcr.io/org/tool@sha256:" + "0" * 64,
    ):
        assert g.run_pod("x", ok)["spec"]["containers"][0]["image"] == ok


def test_every_captured_case_is_covered() -> None:
    covered = set(GEN) | set(ERRORS) | set(KLOG_ERRORS) | STUB_ONLY | {"run-expose"}
    assert covered == set(CASES)


@pytest.mark.parametrize("case", sorted(GEN))
def test_yaml_matches_capture(case: str) -> None:
    assert to_yaml(GEN[case]()) == (DATA / f"{case}.yaml").read_text()


@pytest.mark.parametrize("case", sorted(GEN))
def test_json_matches_capture(case: str) -> None:
    assert to_json(GEN[case](), sort_keys=False) == (DATA / f"{case}.json").read_text()


@pytest.mark.parametrize("case", sorted(GEN))
def test_dry_run_line_matches_capture(case: str) -> None:
    o = GEN[case]()
    rt = Registry().by_gvk(o["apiVersion"], o["kind"])
    assert rt is not None
    verb = "exposed" if CASES[case]["argv"][0] == "expose" else "created"
    assert (
        g.dry_run_line(rt.kind_prefix, o["metadata"]["name"], verb) + "\n"
        == (DATA / f"{case}.txt").read_text()
    )


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_error_matches_capture(case: str) -> None:
    with pytest.raises(GeneratorError) as exc:
        ERRORS[case]()
    assert str(exc.value) + "\n" == (DATA / f"{case}.err").read_text()
    assert CASES[case]["exit"] == 1


@pytest.mark.parametrize("case", sorted(KLOG_ERRORS))
def test_required_flag_errors_match_capture(case: str) -> None:
    with pytest.raises(GeneratorError) as exc:
        KLOG_ERRORS[case]()
    captured = (DATA / f"{case}.err").read_text()
    header = captured.split(" run.go:72]")[0]
    assert exc.value.klog
    assert exc.value.klog_line(header) + "\n" == captured


def test_unknown_resource_reports_like_discovery() -> None:
    for case, call in {
        "err-role-unknown": lambda: g.create_role("x", ["get"], ["nosuchthing"], resolver=RESOLVE),
        "err-role-unknown-group": lambda: g.create_role("x", ["get"], ["foo.example.com"], resolver=RESOLVE),
    }.items():
        with pytest.raises(GeneratorError) as exc:
            call()
        assert str(exc.value) + "\n" == (DATA / f"{case}.err").read_text()  # printed without "error: "


def test_role_warns_about_nonstandard_verbs() -> None:
    warnings: list[str] = []
    role = g.create_role("x", ["foo"], ["pods"], resolver=RESOLVE, warnings=warnings)
    assert warnings == ["Warning: 'foo' is not a standard resource verb"]
    assert role["rules"] == [{"verbs": ["foo"], "apiGroups": [""], "resources": ["pods"]}]


def test_special_verb_needs_matching_resource() -> None:
    with pytest.raises(GeneratorError, match="can not perform 'bind' on 'pods' in group ''"):
        g.create_role("x", ["bind"], ["pods"], resolver=RESOLVE)
    assert g.create_role("x", ["bind"], ["roles"], resolver=RESOLVE)["rules"][0]["apiGroups"] == [
        "rbac.authorization.k8s.io"
    ]


def test_container_name_sanitised_with_random_suffix() -> None:
    # kubectl create deployment x --image=my_image.v2:1 → name my-image-v2-<5 random chars> [CAP]
    d = g.create_deployment("x", ["my_image.v2:1"], rand_suffix=fixed_suffix)
    assert d["spec"]["template"]["spec"]["containers"][0]["name"] == "my-image-v2-l2mtm"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("0.5", "500m"),
        ("1.5Gi", "1536Mi"),
        ("1000", "1k"),
        ("1024Mi", "1Gi"),
        ("1e3", "1e3"),
        ("2048", "2048"),
        ("0.1Gi", "107374182400m"),
        ("1G", "1G"),
        ("500m", "500m"),
        ("2Gi", "2Gi"),
        ("0", "0"),
    ],
)
def test_quantity_canonical_form(text: str, canonical: str) -> None:
    # Captured: kubectl create quota x --hard=cpu=0.5,memory=1.5Gi,pods=1000,storage=1024Mi,x=1e3,y=2048,z=0.1Gi
    assert g.canonical_quantity(text) == canonical


def test_quantity_error_text() -> None:
    with pytest.raises(GeneratorError) as exc:
        g.canonical_quantity("abc")
    assert str(exc.value) == (
        "error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )


def test_generators_do_not_mutate_inputs() -> None:
    cj = obj("cj-nightly.json")
    before = json.dumps(cj, sort_keys=True)
    g.create_job("m", from_cronjob=cj)
    dep = obj("deploy-web.json")
    g.expose(dep, port="80")
    assert json.dumps(cj, sort_keys=True) == before
    assert dep == obj("deploy-web.json")


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not installed")
@pytest.mark.parametrize(
    "case", ["configmap-literals", "configmap-tricky", "deployment-multi", "service-nodeport"]
)
def test_live_kubectl_still_agrees(case: str) -> None:
    argv = CASES[case]["argv"]
    out = subprocess.run(
        ["kubectl", *argv, "--dry-run=client", "-o", "yaml"],
        capture_output=True,
        text=True,
        cwd=FILES,
        timeout=30,
    ).stdout
    assert out == to_yaml(GEN[case]())
