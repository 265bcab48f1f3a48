"""``kubectl scale`` goes through the scale subresource as kubectl's scaler does (PATCH .../NAME/scale with
{"spec":{"replicas":N}}; with --current-replicas/--resource-version GET .../scale then PUT .../scale): RBAC
authorizes ``deployments/scale``, admission sees a Scale (no pod-template checks)."""

from __future__ import annotations

from typing import Any

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.errors import StatusError
from k8stutor.kubectl.main import Kubectl


def _cluster() -> tuple[Cluster, Kubectl]:
    c = Cluster()
    k = Kubectl(c)
    assert k.run("create deployment web --image=nginx --replicas=2".split()).exit_code == 0
    return c, k


def _ok(k: Kubectl, line: str) -> str:
    r = k.run(line.split())
    assert r.exit_code == 0, r.stderr
    return r.stdout


def test_scale_object_view_and_patch() -> None:
    c, _ = _cluster()
    c.settle()
    s = c.api.get_scale("deployments.apps", "web", "default")
    dep = c.api.get("deployments.apps", "web", "default")
    assert s["kind"] == "Scale" and s["apiVersion"] == "autoscaling/v1"
    assert s["metadata"]["uid"] == dep["metadata"]["uid"]
    assert s["metadata"]["resourceVersion"] == dep["metadata"]["resourceVersion"]
    assert s["spec"] == {"replicas": 2}
    assert s["status"]["selector"] == "app=web"
    out = c.api.patch(
        "deployments.apps", "web", "default", {"spec": {"replicas": 5}}, "merge", subresource="scale"
    )
    assert out["kind"] == "Scale" and out["spec"]["replicas"] == 5
    assert c.api.get("deployments.apps", "web", "default")["spec"]["replicas"] == 5
    try:
        c.api.patch(
            "deployments.apps", "web", "default", {"spec": {"replicas": -1}}, "merge", subresource="scale"
        )
    except StatusError as e:
        assert e.code == 422
        assert str(e) == (
            'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: '
            "must be greater than or equal to 0"
        )
    else:
        raise AssertionError("a negative scale was accepted")


def test_role_with_only_deployments_is_forbidden_the_real_way() -> None:
    _, k = _cluster()
    _ok(k, "create role depl --verb=get,list,watch,patch,update --resource=deployments")
    _ok(k, "create rolebinding jane-depl --role=depl --user=jane")
    r = k.run("scale deployment web --replicas=3 --as=jane".split())
    assert r.exit_code == 1
    assert r.stderr == (
        'Error from server (Forbidden): deployments.apps "web" is forbidden: User "jane" cannot patch resource '
        '"deployments/scale" in API group "apps" in the namespace "default"\n'
    )
    # ... while patching the deployment itself is allowed.
    _ok(k, 'patch deployment web --as=jane -p {"spec":{"replicas":3}}')


def test_role_with_scale_subresource_scales_but_cannot_patch() -> None:
    c, k = _cluster()
    # kubectl's resource builder GETs the object first, so the scaler needs get on deployments too.
    _ok(k, "create role reader --verb=get --resource=deployments")
    _ok(k, "create role scaler --verb=patch --resource=deployments/scale")
    _ok(k, "create rolebinding jane-read --role=reader --user=jane")
    _ok(k, "create rolebinding jane-scale --role=scaler --user=jane")
    assert _ok(k, "scale deployment web --replicas=4 --as=jane") == "deployment.apps/web scaled\n"
    assert c.api.get("deployments.apps", "web", "default")["spec"]["replicas"] == 4
    r = k.run(["patch", "deployment", "web", "--as=jane", "-p", '{"spec":{"replicas":1}}'])
    assert r.stderr == (
        'Error from server (Forbidden): deployments.apps "web" is forbidden: User "jane" cannot patch resource '
        '"deployments" in API group "apps" in the namespace "default"\n'
    )
    # A precondition makes kubectl GET and PUT the Scale: that needs get/update on deployments/scale.
    r = k.run("scale deployment web --current-replicas=4 --replicas=2 --as=jane".split())
    assert r.stderr == (
        'Error from server (Forbidden): deployments.apps "web" is forbidden: User "jane" cannot get resource '
        '"deployments/scale" in API group "apps" in the namespace "default"\n'
    )


def test_current_replicas_precondition() -> None:
    c, k = _cluster()
    _ok(k, "scale deployment web --replicas=3")
    r = k.run("scale deployment web --current-replicas=2 --replicas=5".split())
    assert (r.exit_code, r.stdout, r.stderr) == (1, "", "error: Expected replicas to be 2, was 3\n")
    assert c.api.get("deployments.apps", "web", "default")["spec"]["replicas"] == 3
    assert _ok(k, "scale deployment web --current-replicas=3 --replicas=5") == "deployment.apps/web scaled\n"
    assert c.api.get("deployments.apps", "web", "default")["spec"]["replicas"] == 5
    rv = c.api.get("deployments.apps", "web", "default")["metadata"]["resourceVersion"]
    r = k.run(["scale", "deployment", "web", "--resource-version=1", "--replicas=1"])
    assert r.stderr == f"error: Expected resource version to be 1, was {rv}\n"


def test_admission_sees_no_deployment_update_and_no_podsecurity_warning() -> None:
    c, k = _cluster()
    _ok(k, "label ns default pod-security.kubernetes.io/warn=restricted")
    seen: list[tuple[str, str]] = []

    def spy(op: str, rt: Any, obj: dict[str, Any], old: dict[str, Any] | None, user: Any) -> None:
        if user is not None:  # the client's requests (controllers' own writes have no user)
            seen.append((op, rt.group_resource))

    c.api.admission.append(spy)
    r = k.run("scale deployment web --replicas=3".split())
    assert (r.exit_code, r.stdout, r.stderr) == (0, "deployment.apps/web scaled\n", "")
    assert ("UPDATE", "deployments.apps") not in seen
    _ok(k, 'patch deployment web -p {"spec":{"replicas":2}}')  # the object itself: admission sees it
    assert ("UPDATE", "deployments.apps") in seen
    # A change of the pod template still gets the warning (nginx runs as root: restricted is violated).
    r = k.run("set image deployment/web nginx=nginx:1.27".split())
    assert "would violate PodSecurity" in r.stderr
