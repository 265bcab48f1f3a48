"""kubectl explain: layout, wrapping and errors, checked against the real kubectl v1.32 binary.

The real binary is pointed at a tiny local API (discovery + OpenAPI v3 built from the same bundled schemas),
so any difference in the output is a difference in the rendering, not in the data.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from k8stutor.engine import schema
from k8stutor.engine.registry import Registry
from k8stutor.kubectl.explain import explain, go_wordwrap, type_guess

REG = Registry()


def test_wordwrap_matches_go_wordwrap() -> None:
    # go-wordwrap: greedy, the limit counts characters, words longer than the limit stay whole.
    assert go_wordwrap("aaa bbb ccc", 7) == "aaa bbb\nccc"
    assert go_wordwrap("aaaaaaaaaa bb", 5) == "aaaaaaaaaa\nbb"
    assert go_wordwrap("one\n\ntwo", 76) == "one\n\ntwo"
    assert go_wordwrap("JSON.  Wrappers", 76) == "JSON.  Wrappers"


def test_type_guess() -> None:
    spec = schema.definition("io.k8s.api.core.v1.PodSpec")["properties"]
    assert type_guess(spec["containers"]) == "[]Container"
    assert type_guess(spec["nodeSelector"]) == "map[string]string"
    assert type_guess(spec["affinity"]) == "Affinity"
    assert type_guess(spec["restartPolicy"]) == "string"
    assert type_guess(spec["terminationGracePeriodSeconds"]) == "integer"


def test_field_header_and_description() -> None:
    out, err, code = explain(REG, "pod.spec.restartPolicy")
    assert (err, code) == ("", 0)
    assert out.startswith(
        "KIND:       Pod\nVERSION:    v1\n\nFIELD: restartPolicy <string>\nENUM:\n    Always\n    Never\n"
        "    OnFailure\n\nDESCRIPTION:\n"
    )
    assert "    Restart policy for all containers within the pod. One of Always, OnFailure,\n" in out
    assert out.endswith('     - `"OnFailure"`\n    \n\n')


def test_group_line_and_required_marker() -> None:
    out, _, _ = explain(REG, "deploy.spec")
    assert out.startswith(
        "GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\nFIELD: spec <DeploymentSpec>\n"
    )
    assert "  template\t<PodTemplateSpec> -required-\n" in out
    assert "  selector\t<LabelSelector> -required-\n" in out


def test_errors() -> None:
    assert explain(REG, "foo") == ("", 'the server doesn\'t have a resource type "foo"\n', 1)
    assert explain(REG, "pod.foo") == (
        "KIND:       Pod\nVERSION:    v1\n\n",
        'error: field "foo" does not exist\n',
        1,
    )
    out, err, code = explain(REG, "")
    assert code == 1 and err.startswith("error: You must specify the type of resource to explain.")


def test_api_version() -> None:
    out, _, code = explain(REG, "hpa", api_version="autoscaling/v1")
    assert code == 0 and out.startswith(
        "GROUP:      autoscaling\nKIND:       HorizontalPodAutoscaler\nVERSION:    v1\n"
    )
    _, err, code = explain(REG, "deploy", api_version="apps/v9")
    assert code == 1 and err == 'error: couldn\'t find resource for "apps/v9, Resource=deployments"\n'


def test_enum_from_possible_values_description() -> None:
    # Real v1.32 descriptions list enums as "Possible enum values:"; the ENUM block is built from them.
    from k8stutor.kubectl.explain import _enum

    node = {"type": "string", "description": 'x\n\nPossible enum values:\n - `"Always"` a\n - `"Never"` b'}
    assert _enum("restartPolicy", node) == ["Always", "Never"]
    assert _enum("kind", {"enum": ["Pod"]}) == []


# --- real kubectl against a minimal API serving the same schemas -------------------------------------------------


def _to_openapi_v3(node: Any) -> Any:
    if isinstance(node, list):
        return [_to_openapi_v3(x) for x in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for k, v in node.items():
        if k == "properties" and isinstance(v, dict):
            out[k] = {pk: _to_openapi_v3(pv) for pk, pv in v.items()}
        elif k == "$ref" and isinstance(v, str):
            continue
        elif k == "type" and isinstance(v, list):
            out[k] = next(t for t in v if t != "null")
        else:
            out[k] = _to_openapi_v3(v)
    if isinstance(node.get("$ref"), str):
        out["allOf"] = [{"$ref": "#/components/schemas/" + node["$ref"].rsplit("/", 1)[-1]}]
    return out


def _schemas() -> dict[str, Any]:
    res = {}
    for name, d in schema.definitions().items():
        c = _to_openapi_v3(d)
        for p in ("apiVersion", "kind"):
            (c.get("properties") or {}).get(p, {}).pop("enum", None)
        res[name] = c
    res["io.k8s.api.core.v1.PodSpec"]["properties"]["restartPolicy"]["enum"] = [
        "Always",
        "Never",
        "OnFailure",
    ]
    res["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] = {"type": "string", "format": "int-or-string"}
    res["io.k8s.apimachinery.pkg.api.resource.Quantity"] = {"type": "string"}
    return res


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    schemas: dict[str, Any] = {}

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, obj: Any, code: int = 200) -> None:
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _resources(self, group: str, version: str) -> dict[str, Any]:
        items = [
            {
                "name": rt.plural,
                "singularName": rt.singular,
                "namespaced": rt.namespaced,
                "kind": rt.kind,
                "verbs": list(rt.verbs),
                "shortNames": list(rt.short_names),
            }
            for rt in REG
            if rt.group == group and (rt.version == version or version in rt.other_versions)
        ]
        gv = f"{group}/{version}" if group else version
        return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": items}

    def _gv_doc(self, group: str, version: str) -> dict[str, Any]:
        paths = {}
        for rt in REG:
            if rt.group == group and (rt.version == version or version in rt.other_versions):
                base = f"/apis/{group}/{version}" if group else f"/api/{version}"
                gvk = {"group": group, "version": version, "kind": rt.kind}
                paths[f"{base}/{rt.plural}/{{name}}"] = {
                    "get": {"x-kubernetes-group-version-kind": gvk, "responses": {}}
                }
        return {"openapi": "3.0.0", "paths": paths, "components": {"schemas": self.schemas}}

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        path = self.path.split("?")[0]
        gvs = sorted({(rt.group, v) for rt in REG if rt.group for v in (rt.version, *rt.other_versions)})
        if path == "/version":
            return self._send({"major": "1", "minor": "32", "gitVersion": "v1.32.4"})
        if path == "/api":
            return self._send({"kind": "APIVersions", "versions": ["v1"]})
        if path == "/apis":
            groups = []
            for g in REG.groups():
                if g:
                    vs = [v for gg, v in gvs if gg == g]
                    pref = next(rt.version for rt in REG if rt.group == g)
                    groups.append(
                        {
                            "name": g,
                            "versions": [{"groupVersion": f"{g}/{v}", "version": v} for v in vs],
                            "preferredVersion": {"groupVersion": f"{g}/{pref}", "version": pref},
                        }
                    )
            return self._send({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
        if path == "/api/v1":
            return self._send(self._resources("", "v1"))
        parts = path.split("/")
        if path.startswith("/apis/") and len(parts) == 4:
            return self._send(self._resources(parts[2], parts[3]))
        if path == "/openapi/v3":
            index = {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=1"}}
            for g, v in gvs:
                index[f"apis/{g}/{v}"] = {"serverRelativeURL": f"/openapi/v3/apis/{g}/{v}?hash=1"}
            return self._send({"paths": index})
        if path == "/openapi/v3/api/v1":
            return self._send(self._gv_doc("", "v1"))
        if path.startswith("/openapi/v3/apis/") and len(parts) == 6:
            return self._send(self._gv_doc(parts[4], parts[5]))
        return self._send({"kind": "Status", "status": "Failure", "reason": "NotFound", "code": 404}, 404)


@pytest.fixture(scope="module")
def real_kubectl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], Path]]:
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl not installed")
    _Handler.schemas = _schemas()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    tmp = tmp_path_factory.mktemp("explain")
    kubeconfig = tmp / "config"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\n"
        f"clusters: [{{name: c, cluster: {{server: 'http://127.0.0.1:{server.server_port}'}}}}]\n"
        "users: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n"
    )
    env = dict(os.environ, KUBECONFIG=str(kubeconfig), HOME=str(tmp))
    try:
        yield env, tmp / "cache"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    "argument,recursive",
    [
        ("pods", False),
        ("pod.spec", False),
        ("pod.spec.restartPolicy", False),
        ("pod.spec.containers", False),
        ("pod.metadata.creationTimestamp", False),
        ("pod.spec.containers.resources.limits", False),
        ("deployments.apps.spec", False),
        ("deploy.spec.strategy", True),
        ("svc", True),
        ("crd.spec.versions.schema.openAPIV3Schema", False),
        ("pod.spec.containers.nope", False),
        ("nosuchthing", False),
    ],
)
def test_matches_real_kubectl(
    real_kubectl: tuple[dict[str, str], Path], argument: str, recursive: bool
) -> None:
    env, cache = real_kubectl
    cmd = ["kubectl", "explain", argument, f"--cache-dir={cache}"] + (["--recursive"] if recursive else [])
    real = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
    # Make the bundled schema carry the same enum the served document carries.
    props = schema.definition("io.k8s.api.core.v1.PodSpec")["properties"]["restartPolicy"]
    saved = props.get("enum")
    props["enum"] = ["Always", "Never", "OnFailure"]
    try:
        ours = explain(REG, argument, recursive=recursive)
    finally:
        if saved is None:
            props.pop("enum", None)
        else:
            props["enum"] = saved
    assert ours == (real.stdout, real.stderr, real.returncode)
