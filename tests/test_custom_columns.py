"""kubectl -o custom-columns / custom-columns-file, checked against real kubectl v1.32.

``kubectl get`` needs a server, so the live tests run real kubectl against a tiny in-process fake API
server that serves discovery for ``pods`` and a pod list (and a Table when kubectl asks for one).
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
from urllib.parse import parse_qs, urlsplit

import pytest

from k8stutor.kubectl.custom_columns import (
    CustomColumnsError,
    parse_custom_columns_spec,
    render_custom_columns,
    render_custom_columns_file,
    tabwrite,
)

KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl not on PATH")


def make_pod(
    name: str, created: str, image: str, cpu: str | None = None, restarts: int = 0
) -> dict[str, Any]:
    """A minimal Pod as the API server would return it."""
    container: dict[str, Any] = {"name": "c", "image": image}
    if cpu is not None:
        container["resources"] = {"requests": {"cpu": cpu}}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "creationTimestamp": created},
        "spec": {"containers": [container]},
        "status": {"phase": "Running", "containerStatuses": [{"name": "c", "restartCount": restarts}]},
    }


PODS = [
    make_pod("web-10", "2024-01-01T00:00:03Z", "nginx:1.25", "250m", 3),
    make_pod("web-9", "2024-01-01T00:00:01Z", "redis", "1", 0),
    make_pod("db", "2024-01-01T00:00:02Z", "postgres", None, 10),
]
PODS[0]["metadata"]["labels"] = {"app": "web", "tier": "frontend"}
PODS[0]["spec"]["containers"].append({"name": "sidecar", "image": "busybox"})


class FakeAPIServer:
    """Serves just enough of the Kubernetes API for ``kubectl get pods`` in namespace default."""

    def __init__(self) -> None:
        self.pods: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def _send(self, obj: Any, code: int = 200) -> None:
                body = json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                if url.path == "/api":
                    self._send({"kind": "APIVersions", "versions": ["v1"]})
                elif url.path == "/apis":
                    self._send({"kind": "APIGroupList", "apiVersion": "v1", "groups": []})
                elif url.path == "/api/v1":
                    resource = {"name": "pods", "singularName": "pod", "namespaced": True, "kind": "Pod"}
                    self._send({"kind": "APIResourceList", "groupVersion": "v1", "resources": [resource]})
                elif url.path == "/api/v1/namespaces/default/pods":
                    if "as=Table" in self.headers.get("Accept", ""):
                        self._send(server.table(query.get("includeObject", ["Metadata"])[0] == "Object"))
                    else:
                        meta = {"resourceVersion": "42"}
                        self._send(
                            {"kind": "PodList", "apiVersion": "v1", "metadata": meta, "items": server.pods}
                        )
                else:
                    status = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 404}
                    self._send(status, 404)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def table(self, include_object: bool) -> dict[str, Any]:
        """A server-side Table with a single Name column (enough to see the row order)."""
        rows = []
        for p in self.pods:
            obj = p if include_object else {"kind": "PartialObjectMetadata", "metadata": p["metadata"]}
            rows.append({"cells": [p["metadata"]["name"]], "object": obj})
        name_col = {"name": "Name", "type": "string", "format": "name", "description": "", "priority": 0}
        return {
            "kind": "Table",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": {"resourceVersion": "42"},
            "columnDefinitions": [name_col],
            "rows": rows,
        }

    def kubectl(self, tmp: Path, *args: str) -> tuple[int, str, str]:
        """Run real kubectl against this server."""
        port = self.httpd.server_address[1]
        kubeconfig = tmp / "kubeconfig"
        kubeconfig.write_text(
            "apiVersion: v1\nkind: Config\n"
            f"clusters: [{{name: c, cluster: {{server: 'http://127.0.0.1:{port}'}}}}]\n"
            "contexts: [{name: c, context: {cluster: c, user: u, namespace: default}}]\n"
            "current-context: c\nusers: [{name: u, user: {}}]\n"
        )
        env = dict(os.environ, HOME=str(tmp))
        assert KUBECTL is not None
        cmd = [KUBECTL, "--kubeconfig", str(kubeconfig), "--cache-dir", str(tmp / "cache"), *args]
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=30)
        return p.returncode, p.stdout, p.stderr


@pytest.fixture(scope="module")
def api() -> Iterator[FakeAPIServer]:
    """A running fake API server (module scoped)."""
    server = FakeAPIServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


# ---------------------------------------------------------------------------------------------------
# Captured real output
# ---------------------------------------------------------------------------------------------------


def test_basic_table_matches_captured_kubectl_output() -> None:
    spec = "NAME:.metadata.name,IMG:.spec.containers[*].image,CPU:.spec.containers[0].resources,X:.nope"
    assert render_custom_columns(spec, PODS[:1] + PODS[1:], no_headers=False) == (
        "NAME     IMG                  CPU                           X\n"
        "web-10   nginx:1.25,busybox   map[requests:map[cpu:250m]]   <none>\n"
        "web-9    redis                map[requests:map[cpu:1]]      <none>\n"
        "db       postgres             <none>                        <none>\n"
    )


def test_no_headers() -> None:
    out = render_custom_columns("N:metadata.name,R:{.status.containerStatuses[0].restartCount}", PODS, True)
    assert out == "web-10   3\nweb-9    0\ndb       10\n"


def test_min_width_is_six_including_padding() -> None:
    assert render_custom_columns("A:.a,B:.b", [{"a": "x", "b": "y"}], False) == "A     B\nx     y\n"


def test_list_object_is_expanded() -> None:
    lst = {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": PODS}
    assert render_custom_columns("NAME:.metadata.name", [lst], False) == "NAME\nweb-10\nweb-9\ndb\n"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            "NAME:.metadata.name,BAD",
            "unexpected custom-columns spec: BAD, expected <header>:<json-path-expr>",
        ),
        ("", "custom-columns format specified but no custom columns given"),
        (
            "A:{.a}{.b}",
            "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or "
            "'{.name1.name2}'",
        ),
    ],
)
def test_spec_errors(spec: str, message: str) -> None:
    with pytest.raises(CustomColumnsError) as exc:
        parse_custom_columns_spec(spec)
    assert exc.value.message == message
    assert exc.value.stderr == f"error: {message}\n"


def test_custom_columns_file() -> None:
    template = "NAME          IMAGE\n.metadata.name   {.spec.containers[0].image}\n"
    assert render_custom_columns_file(template, PODS) == (
        "NAME     IMAGE\nweb-10   nginx:1.25\nweb-9    redis\ndb       postgres\n"
    )


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("", "invalid template, missing header line."),
        ("A B\n", "invalid template, missing spec line."),
        ("A B\n.a\n", "number of headers (2) and field specifications (1) don't match"),
    ],
)
def test_custom_columns_file_errors(template: str, message: str) -> None:
    with pytest.raises(CustomColumnsError) as exc:
        render_custom_columns_file(template, PODS)
    assert exc.value.message.startswith(message)


def test_tabwriter_column_blocks() -> None:
    # A line without tabs ends a column block: the widths before and after it are independent,
    # except that kubectl's tabwriter remembers the widest column it has seen (RememberWidths).
    assert tabwrite("a\tb\nlonger-cell\tc\n") == "a             b\nlonger-cell   c\n"
    assert tabwrite("aaaaaaaaaa\tb\nsingle\nc\td\n") == "aaaaaaaaaa   b\nsingle\nc            d\n"


# ---------------------------------------------------------------------------------------------------
# Live comparison with kubectl
# ---------------------------------------------------------------------------------------------------

LIVE_SPECS = [
    "NAME:.metadata.name,IMG:.spec.containers[*].image,CPU:.spec.containers[0].resources,X:.nope",
    "N:metadata.name,R:{.status.containerStatuses[0].restartCount},L:.metadata.labels",
    "NAME:{.metadata.name},APP:.metadata.labels.app,C:.spec.containers[*].name,T:.metadata.creationTimestamp",
    "A:.spec.containers[5].image",
    "A:.a[",
    "NAME:.metadata.name,BAD",
    "A:{.a}{.b}",
    "X:,Y:.kind",
    ":.kind,LONG-HEADER-NAME:.metadata.namespace",
]


@needs_kubectl
@pytest.mark.parametrize("spec", LIVE_SPECS)
@pytest.mark.parametrize("no_headers", [False, True])
def test_live_matches_kubectl(api: FakeAPIServer, tmp_path: Path, spec: str, no_headers: bool) -> None:
    api.pods = PODS
    args = ["get", "pods", "-o", f"custom-columns={spec}"] + (["--no-headers"] if no_headers else [])
    rc, out, err = api.kubectl(tmp_path, *args)
    try:
        mine = (0, render_custom_columns(spec, PODS, no_headers), "")
    except CustomColumnsError as e:
        mine = (1, e.stdout, e.stderr)
    assert (rc, out, err) == mine


@needs_kubectl
def test_live_values_with_newlines_and_escapes(api: FakeAPIServer, tmp_path: Path) -> None:
    pods = [
        make_pod("a-very-long-pod-name", "2024-01-01T00:00:00Z", "x"),
        make_pod("b", "2024-01-01T00:00:00Z", "y"),
    ]
    pods[0]["metadata"]["annotations"] = {"note": "line one\nline two\tthree"}
    pods[1]["metadata"]["annotations"] = {"note": "esc\x1b[31mred\rcr"}
    api.pods = pods
    spec = "NAME:.metadata.name,NOTE:.metadata.annotations.note,IMAGE:.spec.containers[0].image"
    rc, out, err = api.kubectl(tmp_path, "get", "pods", "-o", f"custom-columns={spec}")
    assert (rc, out, err) == (0, render_custom_columns(spec, pods, False), "")


@needs_kubectl
def test_live_custom_columns_file(api: FakeAPIServer, tmp_path: Path) -> None:
    api.pods = PODS
    template = "NAME   IMAGES   RESTARTS\n.metadata.name .spec.containers[*].image {.status.containerStatuses[0].restartCount}\n"
    f = tmp_path / "cols.txt"
    f.write_text(template)
    rc, out, err = api.kubectl(tmp_path, "get", "pods", "-o", f"custom-columns-file={f}", "--no-headers")
    assert (rc, out, err) == (0, render_custom_columns_file(template, PODS), "")
