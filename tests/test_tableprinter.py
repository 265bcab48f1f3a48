"""kubectl's table rendering, checked byte for byte against real kubectl v1.32 captures (FIDELITY.md §1.1).

The objects are built so the server-side printers produce the captured cells; the layout (column
widths, padding, prefixes, blank lines, trailing blanks with -L) must then match the capture exactly.
"""

from __future__ import annotations

from typing import Any

import pytest

from k8stutor.engine.printers import build_table
from k8stutor.engine.registry import Registry
from k8stutor.engine.timeutil import EPOCH, rfc3339
from k8stutor.kubectl.tableprinter import PrintOptions, TableWriter, TabWriter, render_names, render_tables

REG = Registry()
POD = REG.resolve("pods")
SVC = REG.resolve("services")
DEPLOY = REG.resolve("deployments")
RS = REG.resolve("replicasets")
CM = REG.resolve("configmaps")
NODE = REG.resolve("nodes")
NOW = EPOCH + 30 * 86400.0


def ts(ago: float) -> str:
    return rfc3339(NOW - ago)


def mk_pod(
    name: str,
    labels: dict[str, str],
    age: float,
    *,
    ip: str | None = None,
    node: str | None = None,
    ready: bool = True,
    waiting: str | None = None,
    restarts: int = 0,
    finished_ago: float | None = None,
    ns: str = "default",
) -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": [{"name": "c", "image": "nginx:1.27"}]}
    status: dict[str, Any] = {"phase": "Pending"}
    if node:
        spec["nodeName"] = node
        status = {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}]}
        state: dict[str, Any] = (
            {"waiting": {"reason": waiting}} if waiting else {"running": {"startedAt": ts(age)}}
        )
        cs: dict[str, Any] = {"name": "c", "ready": ready, "restartCount": restarts, "state": state}
        if finished_ago is not None:
            cs["lastState"] = {
                "terminated": {"exitCode": 1, "reason": "Error", "finishedAt": ts(finished_ago)}
            }
        status["containerStatuses"] = [cs]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "labels": labels, "creationTimestamp": ts(age)},
        "spec": spec,
        "status": status,
    }


WEB = {"app": "web", "pod-template-hash": "7d4b9c8f6d"}
PODS = [
    mk_pod("web-7d4b9c8f6d-x2k9p", WEB, 300, ip="10.244.1.3", node="node1"),
    mk_pod("web-7d4b9c8f6d-7fmlq", WEB, 300, ip="10.244.2.4", node="node2"),
    mk_pod("web-7d4b9c8f6d-b8wzn", WEB, 300, ip="10.244.1.4", node="node1"),
    mk_pod(
        "crash-pod",
        {"run": "crash-pod"},
        180,
        ip="10.244.2.7",
        node="node2",
        ready=False,
        waiting="CrashLoopBackOff",
        restarts=3,
        finished_ago=75,
    ),
    mk_pod("big-pod", {"run": "big-pod"}, 45),
    mk_pod("rich-pod", {"app": "rich"}, 120, ip="10.244.1.9", node="node1"),
]


def mk_svc(
    name: str, typ: str, ip: str, ports: list[dict[str, Any]], age: float, selector: dict[str, str] | None
):
    spec: dict[str, Any] = {"type": typ, "clusterIP": ip, "clusterIPs": [ip], "ports": ports}
    if selector:
        spec["selector"] = selector
    return {"metadata": {"name": name, "namespace": "default", "creationTimestamp": ts(age)}, "spec": spec}


SVCS = [
    mk_svc("kubernetes", "ClusterIP", "10.96.0.1", [{"port": 443, "protocol": "TCP"}], 2 * 86400, None),
    mk_svc(
        "web",
        "NodePort",
        "10.96.120.15",
        [{"port": 80, "nodePort": 30080, "protocol": "TCP"}],
        240,
        {"app": "web"},
    ),
]


def _tmpl(image: str, labels: dict[str, str]) -> dict[str, Any]:
    return {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "nginx", "image": image}]}}


DEPLOYS = [
    {
        "metadata": {"name": "web", "namespace": "default", "creationTimestamp": ts(1200)},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "template": _tmpl("nginx:1.27", {"app": "web"}),
        },
        "status": {"replicas": 3, "readyReplicas": 3, "updatedReplicas": 3, "availableReplicas": 3},
    }
]


def mk_rs(hash_: str, image: str, n: int, age: float) -> dict[str, Any]:
    labels = {"app": "web", "pod-template-hash": hash_}
    return {
        "metadata": {"name": f"web-{hash_}", "namespace": "default", "creationTimestamp": ts(age)},
        "spec": {"replicas": n, "selector": {"matchLabels": labels}, "template": _tmpl(image, labels)},
        "status": {"replicas": n, "readyReplicas": n} if n else {"replicas": 0},
    }


RSS = [mk_rs("7d4b9c8f6d", "nginx:1.27", 3, 300), mk_rs("5f6c8b9d74", "nginx:1.26", 0, 1200)]


def t(rt, objs):  # noqa: ANN001, ANN202 - tiny helper
    return (rt, build_table(rt, objs, NOW))


def lines(*ls: str) -> str:
    return "".join(line + "\n" for line in ls)


GET_PODS = lines(
    "NAME                   READY   STATUS             RESTARTS      AGE",
    "web-7d4b9c8f6d-x2k9p   1/1     Running            0             5m",
    "web-7d4b9c8f6d-7fmlq   1/1     Running            0             5m",
    "web-7d4b9c8f6d-b8wzn   1/1     Running            0             5m",
    "crash-pod              0/1     CrashLoopBackOff   3 (75s ago)   3m",
    "big-pod                0/1     Pending            0             45s",
    "rich-pod               1/1     Running            0             2m",
)

GET_PODS_WIDE = lines(
    "NAME                   READY   STATUS             RESTARTS      AGE   IP           NODE     NOMINATED NODE   READINESS GATES",
    "web-7d4b9c8f6d-x2k9p   1/1     Running            0             5m    10.244.1.3   node1    <none>           <none>",
    "web-7d4b9c8f6d-7fmlq   1/1     Running            0             5m    10.244.2.4   node2    <none>           <none>",
    "web-7d4b9c8f6d-b8wzn   1/1     Running            0             5m    10.244.1.4   node1    <none>           <none>",
    "crash-pod              0/1     CrashLoopBackOff   3 (75s ago)   3m    10.244.2.7   node2    <none>           <none>",
    "big-pod                0/1     Pending            0             45s   <none>       <none>   <none>           <none>",
    "rich-pod               1/1     Running            0             2m    10.244.1.9   node1    <none>           <none>",
)

GET_PODS_SHOW_LABELS = lines(
    "NAME                   READY   STATUS             RESTARTS      AGE   LABELS",
    "web-7d4b9c8f6d-x2k9p   1/1     Running            0             5m    app=web,pod-template-hash=7d4b9c8f6d",
    "web-7d4b9c8f6d-7fmlq   1/1     Running            0             5m    app=web,pod-template-hash=7d4b9c8f6d",
    "web-7d4b9c8f6d-b8wzn   1/1     Running            0             5m    app=web,pod-template-hash=7d4b9c8f6d",
    "crash-pod              0/1     CrashLoopBackOff   3 (75s ago)   3m    run=crash-pod",
    "big-pod                0/1     Pending            0             45s   run=big-pod",
    "rich-pod               1/1     Running            0             2m    app=rich",
)

# Note the trailing blanks on rows whose RUN cell is empty.
GET_PODS_L = lines(
    "NAME                   READY   STATUS             RESTARTS      AGE   APP    RUN",
    "web-7d4b9c8f6d-x2k9p   1/1     Running            0             5m    web    ",
    "web-7d4b9c8f6d-7fmlq   1/1     Running            0             5m    web    ",
    "web-7d4b9c8f6d-b8wzn   1/1     Running            0             5m    web    ",
    "crash-pod              0/1     CrashLoopBackOff   3 (75s ago)   3m           crash-pod",
    "big-pod                0/1     Pending            0             45s          big-pod",
    "rich-pod               1/1     Running            0             2m    rich   ",
)

GET_ALL = lines(
    "NAME                       READY   STATUS             RESTARTS      AGE",
    "pod/web-7d4b9c8f6d-x2k9p   1/1     Running            0             5m",
    "pod/web-7d4b9c8f6d-7fmlq   1/1     Running            0             5m",
    "pod/web-7d4b9c8f6d-b8wzn   1/1     Running            0             5m",
    "pod/crash-pod              0/1     CrashLoopBackOff   3 (75s ago)   3m",
    "pod/big-pod                0/1     Pending            0             45s",
    "pod/rich-pod               1/1     Running            0             2m",
    "",
    "NAME                 TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)        AGE",
    "service/kubernetes   ClusterIP   10.96.0.1      <none>        443/TCP        2d",
    "service/web          NodePort    10.96.120.15   <none>        80:30080/TCP   4m",
    "",
    "NAME                  READY   UP-TO-DATE   AVAILABLE   AGE",
    "deployment.apps/web   3/3     3            3           20m",
    "",
    "NAME                             DESIRED   CURRENT   READY   AGE",
    "replicaset.apps/web-7d4b9c8f6d   3         3         3       5m",
    "replicaset.apps/web-5f6c8b9d74   0         0         0       20m",
)

GET_DEPLOY_SVC = lines(
    "NAME                  READY   UP-TO-DATE   AVAILABLE   AGE",
    "deployment.apps/web   3/3     3            3           20m",
    "",
    "NAME                 TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)        AGE",
    "service/kubernetes   ClusterIP   10.96.0.1      <none>        443/TCP        2d",
    "service/web          NodePort    10.96.120.15   <none>        80:30080/TCP   4m",
)

GET_PODS_A_FIRST_LINES = lines(
    "NAMESPACE   NAME                   READY   STATUS             RESTARTS      AGE",
    "default     web-7d4b9c8f6d-x2k9p   1/1     Running            0             5m",
    "default     web-7d4b9c8f6d-7fmlq   1/1     Running            0             5m",
    "default     web-7d4b9c8f6d-b8wzn   1/1     Running            0             5m",
)

GET_DEPLOY_WIDE = lines(
    "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES       SELECTOR",
    "web    3/3     3            3           20m   nginx        nginx:1.27   app=web",
)

GET_RS_WIDE = lines(
    "NAME             DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES       SELECTOR",
    "web-7d4b9c8f6d   3         3         3       5m    nginx        nginx:1.27   app=web,pod-template-hash=7d4b9c8f6d",
    "web-5f6c8b9d74   0         0         0       20m   nginx        nginx:1.26   app=web,pod-template-hash=5f6c8b9d74",
)

GET_SVC_WIDE = lines(
    "NAME         TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)        AGE   SELECTOR",
    "kubernetes   ClusterIP   10.96.0.1      <none>        443/TCP        2d    <none>",
    "web          NodePort    10.96.120.15   <none>        80:30080/TCP   4m    app=web",
)


def test_get_pods() -> None:
    assert render_tables([t(POD, PODS)]) == GET_PODS


def test_get_pods_wide() -> None:
    assert render_tables([t(POD, PODS)], PrintOptions(wide=True)) == GET_PODS_WIDE


def test_get_pods_show_labels() -> None:
    assert render_tables([t(POD, PODS)], PrintOptions(show_labels=True)) == GET_PODS_SHOW_LABELS


def test_get_pods_label_columns_leave_trailing_blanks() -> None:
    out = render_tables([t(POD, PODS)], PrintOptions(label_columns=("app", "run")))
    assert out == GET_PODS_L
    assert "web    \n" in out


def test_get_all_prefixes_kinds_and_separates_tables() -> None:
    empty_rc = (REG.resolve("rc"), build_table(REG.resolve("rc"), [], NOW))
    tables = [t(POD, PODS), empty_rc, t(SVC, SVCS), t(REG.resolve("ds"), []), t(DEPLOY, DEPLOYS), t(RS, RSS)]
    tables += [
        t(REG.resolve("sts"), []),
        t(REG.resolve("hpa"), []),
        t(REG.resolve("cj"), []),
        t(REG.resolve("jobs"), []),
    ]
    assert render_tables(tables, PrintOptions(with_kind=True)) == GET_ALL


def test_get_deploy_svc() -> None:
    out = render_tables([t(DEPLOY, DEPLOYS), t(SVC, SVCS)], PrintOptions(with_kind=True))
    assert out == GET_DEPLOY_SVC


def test_get_pods_all_namespaces() -> None:
    out = render_tables([t(POD, PODS)], PrintOptions(with_namespace=True))
    assert out.startswith(GET_PODS_A_FIRST_LINES)


@pytest.mark.parametrize(
    ("rt", "objs", "expected"),
    [(DEPLOY, DEPLOYS, GET_DEPLOY_WIDE), (RS, RSS, GET_RS_WIDE), (SVC, SVCS, GET_SVC_WIDE)],
    ids=["deploy", "rs", "svc"],
)
def test_get_wide_captures(rt, objs, expected) -> None:  # noqa: ANN001
    assert render_tables([t(rt, objs)], PrintOptions(wide=True)) == expected


def test_empty_tables_print_nothing() -> None:
    assert render_tables([t(CM, [])]) == ""
    assert render_tables([t(CM, []), t(POD, [])], PrintOptions(with_kind=True)) == ""
    assert render_tables([]) == ""


def test_no_headers_drops_header_and_blank_lines() -> None:
    out = render_tables([t(DEPLOY, DEPLOYS), t(SVC, SVCS)], PrintOptions(with_kind=True, no_headers=True))
    assert out == lines(
        "deployment.apps/web   3/3   3     3     20m",
        "service/kubernetes   ClusterIP   10.96.0.1      <none>   443/TCP        2d",
        "service/web          NodePort    10.96.120.15   <none>   80:30080/TCP   4m",
    )


def test_same_resource_tables_share_header_and_widths() -> None:
    # `kubectl get pod a b`: one single-row Table per name, printed by one printer.
    out = render_tables([t(POD, PODS[4:5]), t(POD, PODS[0:1])])
    assert out == lines(
        "NAME                   READY   STATUS    RESTARTS   AGE",
        "big-pod                0/1     Pending   0          45s",
        "web-7d4b9c8f6d-x2k9p   1/1     Running   0          5m",
    )


def test_render_names() -> None:
    assert render_names(POD, PODS[:2]) == "pod/web-7d4b9c8f6d-x2k9p\npod/web-7d4b9c8f6d-7fmlq\n"
    assert render_names(DEPLOY, DEPLOYS) == "deployment.apps/web\n"
    assert render_names(SVC, SVCS[1:]) == "service/web\n"


def test_cell_truncated_at_newline_and_escaped() -> None:
    table = {
        "columnDefinitions": [{"name": "Name", "type": "string", "format": "name", "priority": 0}],
        "rows": [{"cells": ["multi\nline"]}, {"cells": ["bell\x1b[31mred"]}, {"cells": ["cr\rx"]}],
    }
    assert render_tables([(CM, table)]) == "NAME\nmulti...\nbell^[[31mred\ncr...\n"


def test_non_string_cells_print_like_go() -> None:
    table = {
        "columnDefinitions": [
            {"name": "A", "type": "boolean", "priority": 0},
            {"name": "B", "type": "number", "priority": 0},
            {"name": "C", "type": "integer", "priority": 0},
        ],
        "rows": [{"cells": [False, 1.5, 7]}, {"cells": [True, 1e21, None]}],
    }
    assert render_tables([(CM, table)]) == lines("A       B       C", "false   1.5     7", "true    1e+21   ")


def test_watch_keeps_first_table_widths() -> None:
    # `kubectl get pods -w`: the list, then one single-row Table per event (columns only in the first).
    writer = TableWriter(POD, PrintOptions())
    first = writer.write(build_table(POD, PODS[4:5], NOW))
    assert first == lines(
        "NAME      READY   STATUS    RESTARTS   AGE", "big-pod   0/1     Pending   0          45s"
    )
    event = build_table(POD, [mk_pod("a", {}, 0, ip="10.244.1.5", node="node1")], NOW, no_headers=True)
    assert writer.write(event) == "a         1/1     Running   0          0s\n"
    wider = build_table(POD, PODS[0:1], NOW)
    # Same columns as before: no header again; NAME grows, the other columns keep their widths.
    assert writer.write(wider) == "web-7d4b9c8f6d-x2k9p   1/1     Running   0          5m\n"


def test_watch_event_column() -> None:
    writer = TableWriter(POD, PrintOptions())
    out = writer.write(build_table(POD, PODS[4:5], NOW), event_type="ADDED")
    assert out == lines(
        "EVENT      NAME      READY   STATUS    RESTARTS   AGE",
        "ADDED      big-pod   0/1     Pending   0          45s",
    )


def test_watch_header_waits_for_first_row() -> None:
    writer = TableWriter(POD, PrintOptions())
    assert writer.write(build_table(POD, [], NOW)) == ""
    assert writer.write(build_table(POD, PODS[4:5], NOW)).startswith("NAME ")


def test_tabwriter_ragged_lines_follow_column_blocks() -> None:
    # text/tabwriter's documented example: b and c are distinct columns (the b column is not contiguous).
    tw = TabWriter(minwidth=0, padding=1)
    for line in ("aaaa\tbbb\td", "aa\tb\tdd", "a\t", "aa\tcccc\teee"):
        tw.write_line(line)
    assert tw.flush() == "aaaa bbb d\naa   b   dd\na    \naa   cccc eee\n"
