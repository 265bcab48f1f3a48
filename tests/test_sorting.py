"""kubectl --sort-by: kubectl get/sorter.go semantics, checked against real kubectl v1.32.

The live tests reuse the fake API server of test_custom_columns.py and compare the order (and errors)
of real ``kubectl get pods --sort-by=...`` with ours, on lists long enough to exercise Go's pdqsort,
with ties and with pods lacking the field.
"""

from __future__ import annotations

import importlib.util
import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from k8stutor.kubectl.sorting import SortError, parse_quantity, sort_objects, sort_table_rows

KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl not on PATH")

_spec = importlib.util.spec_from_file_location(
    "_cc_helpers", Path(__file__).with_name("test_custom_columns.py")
)
assert _spec is not None and _spec.loader is not None
_cc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_cc)
make_pod = _cc.make_pod
PODS: list[dict[str, Any]] = _cc.PODS


def names(objs: list[dict[str, Any]]) -> list[str]:
    return [o["metadata"]["name"] for o in objs]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("250m", 0.25),
        ("1", 1),
        ("1Gi", 2**30),
        ("1G", 10**9),
        ("1e3", 1000),
        ("1.5k", 1500),
        ("-2", -2),
        ("m", 0),
    ],
)
def test_parse_quantity(text: str, value: float) -> None:
    assert parse_quantity(text) == value


@pytest.mark.parametrize("text", ["", "web-1", "1K", "1Gii", "abc", "1 "])
def test_not_a_quantity(text: str) -> None:
    assert parse_quantity(text) is None


@pytest.mark.parametrize(
    ("field", "order"),
    [
        (".metadata.name", ["db", "web-10", "web-9"]),
        ("{.metadata.creationTimestamp}", ["web-9", "db", "web-10"]),
        ("metadata.creationTimestamp", ["web-9", "db", "web-10"]),
        (".status.containerStatuses[0].restartCount", ["web-9", "web-10", "db"]),
        (".spec.containers[0].resources.requests.cpu", ["db", "web-10", "web-9"]),
        (".metadata.labels", ["db", "web-9", "web-10"]),
        (".spec.containers[*].image", ["web-10", "db", "web-9"]),
    ],
)
def test_sort_objects(field: str, order: list[str]) -> None:
    before = json.dumps(PODS)
    assert names(sort_objects(PODS, field)) == order
    assert json.dumps(PODS) == before


def test_strings_compare_bytewise_unless_both_are_quantities() -> None:
    """Captured from kubectl v1.32 ``get pods -o name --sort-by=.metadata.name``."""
    pods = [make_pod(n, "2024-01-01T00:00:00Z", "x") for n in ["10", "9", "1k", "500m", "B", "a", "ä", "Z"]]
    assert names(sort_objects(pods[:4], ".metadata.name")) == ["500m", "9", "10", "1k"]
    assert names(sort_objects(pods[4:], ".metadata.name")) == ["B", "Z", "a", "ä"]


def test_missing_everywhere_is_an_error() -> None:
    with pytest.raises(SortError) as exc:
        sort_objects(PODS, ".nope")
    assert exc.value.stderr == 'error: couldn\'t find any field with path "{.nope}" in the list of objects\n'


def test_bad_paths() -> None:
    with pytest.raises(SortError) as exc:
        sort_objects(PODS, ".a[")
    assert exc.value.stderr == "error: unterminated array\n"
    with pytest.raises(SortError) as exc:
        sort_objects(PODS, "{.a}{.b}")
    assert exc.value.message.startswith("unexpected path string, expected a 'name1.name2'")


def test_empty_list_is_not_an_error() -> None:
    assert sort_objects([], ".nope") == []


def test_unsortable_values_end_kubectl_through_klog() -> None:
    pods = json.loads(json.dumps(PODS))
    with pytest.raises(SortError) as exc:
        sort_objects(pods, ".spec.containers")
    assert exc.value.fatal
    assert exc.value.klog_stderr(1_764_623_405.811997, 25280) == (
        "F1201 21:10:05.811997   25280 sorter.go:329] Field {.spec.containers} in *unstructured.Unstructured "
        "is an unsortable type: interface, err: unsortable type: []interface {}\n"
    )


def _table(pods: list[dict[str, Any]]) -> dict[str, Any]:
    rows = [{"cells": [p["metadata"]["name"]], "object": p} for p in pods]
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "columnDefinitions": [], "rows": rows}


def test_table_rows() -> None:
    table = _table(PODS)
    out = sort_table_rows(table, ".metadata.creationTimestamp")
    assert [r["cells"][0] for r in out["rows"]] == ["web-9", "db", "web-10"]
    assert [r["cells"][0] for r in table["rows"]] == ["web-10", "web-9", "db"]


def test_table_errors_are_silent() -> None:
    with pytest.raises(SortError) as exc:
        sort_table_rows(_table(PODS), ".nope")
    assert exc.value.silent and exc.value.stderr == ""
    # One row: kubectl does not sort it at all, so no error.
    assert sort_table_rows(_table(PODS[:1]), ".nope")["rows"][0]["cells"] == ["web-10"]


# ---------------------------------------------------------------------------------------------------
# Live comparison with kubectl
# ---------------------------------------------------------------------------------------------------


def _many_pods(n: int, seed: int) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    pods = []
    for i in range(n):
        cpu = rnd.choice([None, "100m", "250m", "1", "0.5", "2"])
        ts = f"2024-01-01T00:00:{rnd.randrange(0, 5):02d}Z"
        pod = make_pod(f"p-{rnd.randrange(1000)}-{i}", ts, rnd.choice(["a", "b"]), cpu, rnd.randrange(3))
        if rnd.random() < 0.2:
            del pod["status"]["containerStatuses"]
        pods.append(pod)
    return pods


@pytest.fixture(scope="module")
def api() -> Iterator[Any]:
    server = _cc.FakeAPIServer()
    server.thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


LIVE_FIELDS = [
    ".metadata.name",
    ".metadata.creationTimestamp",
    ".status.containerStatuses[0].restartCount",
    ".spec.containers[0].resources.requests.cpu",
    ".spec.containers[0].image",
]


@needs_kubectl
@pytest.mark.parametrize("field", LIVE_FIELDS)
@pytest.mark.parametrize("n", [3, 13, 70])
def test_live_generic_output_order(api: Any, tmp_path: Path, field: str, n: int) -> None:
    pods = _many_pods(n, seed=n)
    api.pods = pods
    rc, out, err = api.kubectl(tmp_path, "get", "pods", "-o", "name", f"--sort-by={field}")
    assert (rc, err) == (0, "")
    assert out.split() == [f"pod/{x}" for x in names(sort_objects(pods, field))]


@needs_kubectl
@pytest.mark.parametrize("field", LIVE_FIELDS)
@pytest.mark.parametrize("n", [13, 70])
def test_live_table_order(api: Any, tmp_path: Path, field: str, n: int) -> None:
    pods = _many_pods(n, seed=100 + n)
    api.pods = pods
    rc, out, err = api.kubectl(tmp_path, "get", "pods", f"--sort-by={field}")
    assert (rc, err) == (0, "")
    expected = [r["cells"][0] for r in sort_table_rows(_table(pods), field)["rows"]]
    assert out.split()[1:] == expected


@needs_kubectl
def test_live_errors(api: Any, tmp_path: Path) -> None:
    api.pods = PODS
    rc, out, err = api.kubectl(tmp_path, "get", "pods", "-o", "name", "--sort-by=.nope")
    with pytest.raises(SortError) as exc:
        sort_objects(PODS, ".nope")
    assert (rc, out, err) == (1, "", exc.value.stderr)
    rc, out, err = api.kubectl(tmp_path, "get", "pods", "--sort-by=.nope")
    assert (rc, out, err) == (0, "", "No resources found in default namespace.\n")
    rc, out, err = api.kubectl(tmp_path, "get", "pods", "-o", "name", "--sort-by=.spec.containers")
    with pytest.raises(SortError) as exc:
        sort_objects(PODS, ".spec.containers")
    assert rc == 1 and out == ""
    assert err.split("] ", 1)[1] == exc.value.stderr.split("] ", 1)[1]
