"""k8stutor serve at the HTTP level: the answers API-PROTOCOL.md records real kubectl 1.32 and helm 3.17 need."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.hosts.apiserver import protobuf
from k8stutor.hosts.apiserver.discovery import AGGREGATED_CONTENT_TYPE
from k8stutor.hosts.apiserver.kubeconfig import export_line, kubeconfig_text
from k8stutor.hosts.apiserver.main import ensure_controllers
from k8stutor.hosts.apiserver.server import ServerThread

TABLE_ACCEPT = (
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,"
    "application/json"
)
AGG_ACCEPT = (
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
)


@pytest.fixture(scope="module")
def server() -> Iterator[ServerThread]:
    c = Cluster()
    ensure_controllers(c)
    st = ServerThread(c)
    st.server.api.paginate = True
    st.start()
    yield st
    st.stop()


def req(
    st: ServerThread,
    method: str,
    path: str,
    body: bytes | dict | list | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", st.server.port, timeout=10)
    h = dict(headers or {})
    data = None
    if isinstance(body, dict | list):
        data = json.dumps(body).encode()
        h.setdefault("Content-Type", "application/json")
    elif body is not None:
        data = body
    conn.request(method, path, body=data, headers=h)
    r = conn.getresponse()
    out = (r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
    conn.close()
    return out


def test_version_reports_v1_32_for_the_kubectl_dispatcher(server: ServerThread) -> None:
    code, _, body = req(server, "GET", "/version?timeout=5s")
    info = json.loads(body)
    assert (
        code == 200
        and info["major"] == "1"
        and info["minor"] == "32"
        and info["gitVersion"].startswith("v1.32.")
    )


def test_aggregated_discovery_is_labelled_by_content_type(server: ServerThread) -> None:
    code, headers, body = req(server, "GET", "/api?timeout=32s", headers={"Accept": AGG_ACCEPT})
    assert code == 200 and headers["content-type"] == AGGREGATED_CONTENT_TYPE
    doc = json.loads(body)
    pods = next(r for r in doc["items"][0]["versions"][0]["resources"] if r["resource"] == "pods")
    assert pods["shortNames"] == ["po"] and pods["categories"] == ["all"] and pods["scope"] == "Namespaced"
    _, headers, body = req(server, "GET", "/apis", headers={"Accept": AGG_ACCEPT})
    names = [g["metadata"]["name"] for g in json.loads(body)["items"]]
    assert names[:2] == ["apiregistration.k8s.io", "apps"]


def test_legacy_discovery_documents(server: ServerThread) -> None:
    _, headers, body = req(server, "GET", "/api", headers={"Accept": "application/json, */*"})
    assert headers["content-type"] == "application/json" and json.loads(body)["versions"] == ["v1"]
    doc = json.loads(req(server, "GET", "/apis/apps/v1")[2])
    by_name = {r["name"]: r for r in doc["resources"]}
    assert by_name["deployments"]["shortNames"] == ["deploy"]
    assert (
        by_name["deployments/scale"]["group"] == "autoscaling"
        and by_name["deployments/scale"]["kind"] == "Scale"
    )
    assert json.loads(req(server, "GET", "/apis/apps")[2])["preferredVersion"]["groupVersion"] == "apps/v1"


def test_table_rows_carry_partial_object_metadata_and_a_name_format_column(server: ServerThread) -> None:
    code, _, body = req(
        server, "GET", "/api/v1/namespaces/kube-system/pods?limit=500", headers={"Accept": TABLE_ACCEPT}
    )
    table = json.loads(body)
    assert code == 200 and table["kind"] == "Table"
    assert table["columnDefinitions"][0] == {
        **table["columnDefinitions"][0],
        "name": "Name",
        "format": "name",
    }
    row = table["rows"][0]
    assert (
        row["object"]["kind"] == "PartialObjectMetadata"
        and row["object"]["metadata"]["namespace"] == "kube-system"
    )
    assert [c["name"] for c in table["columnDefinitions"] if c["priority"] == 1][:2] == ["IP", "Node"]


def test_list_limit_and_continue_page_through_every_item(server: ServerThread) -> None:
    full = json.loads(req(server, "GET", "/api/v1/pods")[2])["items"]
    seen, token = [], ""
    while True:
        page = json.loads(req(server, "GET", f"/api/v1/pods?limit=4&continue={token}")[2])
        seen += [p["metadata"]["name"] for p in page["items"]]
        token = page["metadata"].get("continue", "")
        if not token:
            break
    assert seen == [p["metadata"]["name"] for p in full] and len(seen) > 4


def test_selectors_and_not_found_status(server: ServerThread) -> None:
    body = json.loads(req(server, "GET", "/api/v1/pods?fieldSelector=spec.nodeName%3Dk8s-node01")[2])
    assert body["items"] and all(p["spec"]["nodeName"] == "k8s-node01" for p in body["items"])
    body = json.loads(
        req(server, "GET", "/api/v1/namespaces/kube-system/pods?labelSelector=k8s-app%3Dkube-dns")[2]
    )
    assert len(body["items"]) == 2
    code, _, body = req(server, "GET", "/api/v1/namespaces/default/pods/nope")
    st = json.loads(body)
    assert code == 404 and st["message"] == 'pods "nope" not found' and st["reason"] == "NotFound"
    code, _, body = req(server, "GET", "/api/v1/pods?fieldSelector=spec.bogus%3Dx")
    assert code == 400 and json.loads(body)["message"] == "field label not supported: spec.bogus"


def test_protobuf_create_of_a_configmap_as_kubectl_sends_it(server: ServerThread) -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "pb1"}, "data": {"a": "b"}}
    code, _, body = req(
        server,
        "POST",
        "/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create",
        protobuf.encode_object(cm),
        {
            "Content-Type": "application/vnd.kubernetes.protobuf",
            "Accept": "application/vnd.kubernetes.protobuf,application/json",
        },
    )
    out = json.loads(body)
    assert code == 201 and out["data"] == {"a": "b"} and out["metadata"]["uid"]
    code, _, body = req(
        server,
        "POST",
        "/api/v1/namespaces/default/configmaps",
        protobuf.encode_object(cm),
        {"Content-Type": "application/vnd.kubernetes.protobuf"},
    )
    assert code == 409 and json.loads(body)["message"] == 'configmaps "pb1" already exists'


def test_protobuf_decoding_keeps_pointer_zeroes_and_drops_non_pointer_ones() -> None:
    dep = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "z"},
        "spec": {
            "replicas": 0,
            "minReadySeconds": 0,
            "selector": {"matchLabels": {"a": "b"}},
            "template": {
                "metadata": {"labels": {"a": "b"}},
                "spec": {
                    "containers": [
                        {"name": "c", "image": "i", "ports": [{"containerPort": 80, "hostPort": 0}]}
                    ]
                },
            },
        },
    }
    out = protobuf.decode_object(protobuf.encode_object(dep))
    assert out["spec"]["replicas"] == 0 and "minReadySeconds" not in out["spec"]
    assert out["spec"]["template"]["spec"]["containers"][0]["ports"] == [{"containerPort": 80}]
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"k": "aGVsbG8="}}
    assert protobuf.decode_object(protobuf.encode_object(secret))["data"] == {"k": "aGVsbG8="}
    with pytest.raises(protobuf.ProtobufError):
        protobuf.decode_object(b"not protobuf")


def test_patch_types_scale_subresource_and_delete(server: ServerThread) -> None:
    dep = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "p1"},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "p1"}},
            "template": {
                "metadata": {"labels": {"app": "p1"}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
        },
    }
    assert req(server, "POST", "/apis/apps/v1/namespaces/default/deployments", dep)[0] == 201
    base = "/apis/apps/v1/namespaces/default/deployments/p1"
    code, _, body = req(
        server,
        "PATCH",
        base,
        {"metadata": {"labels": {"tier": "fe"}}},
        {"Content-Type": "application/merge-patch+json"},
    )
    assert code == 200 and json.loads(body)["metadata"]["labels"] == {"tier": "fe"}
    code, _, body = req(
        server,
        "PATCH",
        base + "/scale",
        {"spec": {"replicas": 3}},
        {"Content-Type": "application/merge-patch+json"},
    )
    scale = json.loads(body)
    assert code == 200 and scale["kind"] == "Scale" and scale["spec"]["replicas"] == 3
    assert scale["apiVersion"] == "autoscaling/v1"
    code, _, body = req(
        server,
        "PATCH",
        base,
        [{"op": "replace", "path": "/spec/replicas", "value": 2}],
        {"Content-Type": "application/json-patch+json"},
    )
    assert json.loads(body)["spec"]["replicas"] == 2
    code, _, body = req(
        server,
        "PATCH",
        base + "?dryRun=All",
        {"spec": {"replicas": 5}},
        {"Content-Type": "application/strategic-merge-patch+json"},
    )
    assert json.loads(body)["spec"]["replicas"] == 5
    assert json.loads(req(server, "GET", base)[2])["spec"]["replicas"] == 2
    code, _, body = req(server, "DELETE", base, {"propagationPolicy": "Background"})
    st = json.loads(body)
    assert code == 200 and st["status"] == "Success" and st["details"]["name"] == "p1"
    assert req(server, "GET", base)[0] == 404


def test_server_side_apply_creates_then_merges(server: ServerThread) -> None:
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ssa"}, "data": {"a": "1"}}
    path = "/api/v1/namespaces/default/configmaps/ssa?fieldManager=kubectl&force=false"
    h = {"Content-Type": "application/apply-patch+yaml"}
    assert req(server, "PATCH", path, cm, h)[0] == 201
    code, _, body = req(server, "PATCH", path, {**cm, "data": {"b": "2"}}, h)
    # The manager no longer applies data.a and nobody else owns it: server-side apply removes it.
    assert code == 200 and json.loads(body)["data"] == {"b": "2"}


def test_access_reviews_allow_everything_until_rbac_exists(server: ServerThread) -> None:
    ssar = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": {"namespace": "default", "verb": "create", "resource": "pods"}},
    }
    code, _, body = req(
        server,
        "POST",
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        protobuf.encode_object(ssar),
        {"Content-Type": "application/vnd.kubernetes.protobuf"},
    )
    out = json.loads(body)
    assert code == 201 and out["status"]["allowed"] is True and out["spec"] == ssar["spec"]
    ssr = {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"}
    body = json.loads(req(server, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", ssr)[2])
    assert body["status"]["userInfo"]["username"] == "kubernetes-admin"


def test_openapi_v3_patch_operations_list_field_validation(server: ServerThread) -> None:
    index = json.loads(req(server, "GET", "/openapi/v3")[2])
    url = index["paths"]["apis/apps/v1"]["serverRelativeURL"]
    doc = json.loads(req(server, "GET", url)[2])
    op = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert op["x-kubernetes-group-version-kind"] == {"group": "apps", "version": "v1", "kind": "Deployment"}
    assert "fieldValidation" in [p["name"] for p in op["parameters"]]
    spec = doc["components"]["schemas"]["io.k8s.api.apps.v1.DeploymentSpec"]
    assert spec["properties"]["template"]["allOf"] == [
        {"$ref": "#/components/schemas/io.k8s.api.core.v1.PodTemplateSpec"}
    ]
    assert spec["properties"]["replicas"]["type"] == "integer"
    assert (
        req(
            server,
            "GET",
            "/openapi/v2",
            headers={"Accept": "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"},
        )[0]
        == 404
    )


def _read_watch_lines(sock: socket.socket, n: int) -> list[dict]:
    buf = b""
    events: list[dict] = []
    sock.settimeout(5)
    while len(events) < n:
        buf += sock.recv(65536)
        head, sep, rest = (
            buf.partition(b"\r\n\r\n") if not events and b"HTTP/1.1" in buf[:8] else (b"", b"", buf)
        )
        if sep:
            buf = rest
        # chunked: size line, data, CRLF
        while True:
            line, sep, after = buf.partition(b"\r\n")
            if not sep:
                break
            size = int(line, 16)
            if len(after) < size + 2:
                break
            for doc in after[:size].splitlines():
                events.append(json.loads(doc))
            buf = after[size + 2 :]
    return events


def test_watch_streams_chunked_events_and_stays_open(server: ServerThread) -> None:
    rv = json.loads(req(server, "GET", "/api/v1/namespaces/default/configmaps")[2])["metadata"][
        "resourceVersion"
    ]
    sock = socket.create_connection(("127.0.0.1", server.server.port))
    sock.sendall(
        f"GET /api/v1/namespaces/default/configmaps?watch=true&resourceVersion={rv} HTTP/1.1\r\n"
        "Host: x\r\nAccept: application/json\r\n\r\n".encode()
    )
    server.call(
        server.cluster.api.create,
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "w1"}},
        "default",
    )
    server.call(server.cluster.api.delete, "configmaps", "w1", "default")
    events = _read_watch_lines(sock, 2)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("ADDED", "w1"),
        ("DELETED", "w1"),
    ]
    assert events[0]["object"]["kind"] == "ConfigMap"
    sock.close()


def test_kubeconfig_points_at_the_server() -> None:
    text = kubeconfig_text("http://127.0.0.1:6443")
    assert "server: http://127.0.0.1:6443" in text and "current-context: kubernetes-admin@kubernetes" in text
    assert export_line("/tmp/a b") == "export KUBECONFIG='/tmp/a b'"
