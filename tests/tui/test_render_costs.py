"""What a key press and a refresh may cost: a cursor move redraws two lines and lists nothing; panes keep
indexes from store watches instead of walking every pod (bench/bench_tui.py measures the time itself)."""

from __future__ import annotations

from rich.columns import Columns
from rich.console import Group
from textual.widgets import Input

from k8stutor.engine.cluster import Cluster
from k8stutor.tui.bridge import ClusterBridge
from k8stutor.tui.panes.cluster import ClusterPane, node_box
from k8stutor.tui.panes.config import ConfigPane, name_list
from k8stutor.tui.panes.network import NetworkPane
from k8stutor.tui.panes.workloads import WorkloadsPane
from k8stutor.tui.widgets.rowlist import RowList

from .conftest import sandbox_app
from .test_more_panes import plain, show
from .test_prompt import type_line


class ListCounter:
    """Counts ``api.list_objects`` calls per resource (wraps the method on the instance)."""

    def __init__(self, api) -> None:
        self.calls: list[str] = []
        self.active = True
        original = api.list_objects

        def counted(res, *args, **kwargs):
            if self.active:
                self.calls.append(str(res))
            return original(res, *args, **kwargs)

        api.list_objects = counted
        self._api, self._original = api, original

    def close(self) -> None:
        del self._api.list_objects


def test_bridge_counts_a_restore_and_not_a_write():
    c = Cluster()
    bridge = ClusterBridge(c)
    before = bridge.restores
    snap = c.snapshot()
    c.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "default"}})
    assert bridge.restores == before  # a write comes with its event
    c.restore(snap)  # an etcd restore: the store is replaced and no watch hears of it
    assert bridge.restores == before + 1
    assert bridge.restores == before + 1  # counted once
    bridge.close()


def test_bridge_counts_a_restore_followed_by_writes_before_anyone_asked():
    c = Cluster()
    bridge = ClusterBridge(c)
    before = bridge.restores
    snap = c.snapshot()
    for name in ("a", "b"):
        c.api.create(
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "default"}}
        )
    c.restore(snap)
    c.api.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "default"}})
    assert bridge.restores == before + 1
    bridge.close()


def expected_cluster_text(cluster) -> str:
    """The node boxes built from scratch (every pod listed) with the public ``node_box``."""
    nodes = sorted(
        cluster.api.list_objects("nodes"),
        key=lambda n: (
            "node-role.kubernetes.io/control-plane" not in n["metadata"].get("labels", {}),
            n["metadata"]["name"],
        ),
    )
    pods = cluster.api.list_objects("pods")
    boxes = [
        node_box(n, [p for p in pods if p["spec"].get("nodeName") == n["metadata"]["name"]]) for n in nodes
    ]
    return plain(Group(Columns(boxes, padding=(0, 1))))


async def test_cluster_pane_follows_writes_from_its_index_and_relists_after_a_restore(tmp_path):
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        ws = app.screen
        cluster = app.session.cluster
        pane = ws.query_one(ClusterPane)

        counter = ListCounter(cluster.api)

        async def check() -> None:
            """The pane's refresh (counted) shows what a build from scratch (not counted) shows."""
            counter.active = True
            await show(pilot, "cluster")
            counter.active = False
            shown = plain(pane.query_one("#cluster-nodes").content)
            assert shown == expected_cluster_text(cluster)
            total = len(cluster.api.list_objects("pods"))
            assert f" · {total} pods · 0 pending" in plain(pane.query_one("#cluster-summary").content)

        try:
            await check()
            counter.calls.clear()
            await type_line(pilot, "kubectl create deployment web --image=nginx --replicas=4")
            ws.action_fast_forward(60)
            await check()
            await type_line(pilot, "kubectl scale deployment web --replicas=1")
            ws.action_fast_forward(60)
            await check()
            await type_line(pilot, "kubectl cordon k8s-node01")  # a node write: its box shows the cordon
            await check()
            assert "SchedulingDisabled" in plain(pane.query_one("#cluster-nodes").content)
            assert "pods" not in counter.calls  # the writes reached the pane through its watch
            ws.action_undo()  # the cordon is undone by restoring the snapshot taken before it
            await check()
            assert "SchedulingDisabled" not in plain(pane.query_one("#cluster-nodes").content)
            assert counter.calls.count("pods") == 1  # a restore: the pane listed the pods once, again
        finally:
            counter.close()


async def test_a_cursor_move_redraws_two_lines_and_reads_nothing_from_the_cluster(tmp_path):
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await type_line(pilot, "kubectl create deployment web --image=nginx --replicas=3")
        app.screen.action_fast_forward(60)
        ws = await show(pilot, "workloads")
        rows = ws.query_one(WorkloadsPane).query_one(RowList)
        rows.focus()
        await pilot.pause()
        net_input = ws.query_one(NetworkPane).query_one("#net-trace-input", Input)
        drawn: list[int] = []
        draw = rows.render_line

        def recording(y: int):
            drawn.append(y)
            return draw(y)

        rows.render_line = recording
        counter = ListCounter(app.session.cluster.api)
        try:
            for _ in range(4):
                before = rows.cursor
                drawn.clear()
                await pilot.press("down")
                await pilot.pause()
                assert rows.cursor == before + 1
                # Only the row losing the highlight and the row getting it are drawn again.
                assert sorted(drawn) == [before, before + 1]
            assert counter.calls == []
        finally:
            counter.close()
            del rows.render_line
        # The hidden Network pane remembers the picked pods; its input is filled when it is shown.
        picked = ws.query_one(NetworkPane).picked
        assert len(picked) == 2 and net_input.value == ""
        await show(pilot, "network")
        (ans, a), (bns, b) = picked
        assert net_input.value == f"{ans}/{a} pod/{bns}/{b}:80"
        net_input.value = "typed by the learner"
        ws.refresh_panes(force=True)  # a refresh keeps what the learner typed over the same pair
        assert net_input.value == "typed by the learner"


async def test_config_pane_users_follow_pod_writes(tmp_path):
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await type_line(pilot, "kubectl create configmap settings --from-literal=color=blue")
        await type_line(
            pilot,
            "kubectl run reader --image=nginx --overrides="
            '\'{"spec":{"containers":[{"name":"reader","image":"nginx",'
            '"envFrom":[{"configMapRef":{"name":"settings"}}]}]}}\'',
        )
        ws = await show(pilot, "config")
        pane = ws.query_one(ConfigPane)
        assert pane._users[("ConfigMap", "default", "settings")] == {"reader"}
        await type_line(pilot, "kubectl delete pod reader --grace-period=0 --force")
        ws = await show(pilot, "config")
        assert ("ConfigMap", "default", "settings") not in pane._users


def test_name_list_shows_the_first_names_then_a_count():
    assert name_list({"b", "a"}) == "a, b"
    names = {f"pod-{i:05d}" for i in range(10_000)}
    text = name_list(names)
    assert text.startswith("pod-00000, pod-00001, ") and text.endswith(", … +9980 more")
    assert text.count(",") == 20


def workloads_rows(pane: WorkloadsPane) -> list[tuple[object, str]]:
    """The Workloads rows as shown (key and rendered text with its styles)."""
    return [(r.key, r.render().markup) for r in pane.query_one(RowList).rows]


def rebuilt_rows(pane: WorkloadsPane, cluster, ns: str | None = None) -> list[tuple[object, str]]:
    """The same rows built from scratch, listing every object (the selector path)."""
    rows, _ = pane.build_rows(cluster, ns, None, pane.query_one(RowList).size.width)
    return [(r.key, r.render().markup) for r in rows]


async def test_workloads_rows_follow_writes_from_the_index_and_equal_a_rebuild(tmp_path):
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        ws = app.screen
        cluster = app.session.cluster
        pane = ws.query_one(WorkloadsPane)
        counter = ListCounter(cluster.api)

        async def check() -> None:
            """The pane's refresh (counted) shows what a build from scratch (not counted) shows."""
            counter.active = True
            await show(pilot, "workloads")
            counter.active = False
            assert workloads_rows(pane) == rebuilt_rows(pane, cluster)
            assert pane.count == len(cluster.api.list_objects("pods"))

        try:
            await check()
            counter.calls.clear()
            await type_line(pilot, "kubectl create deployment web --image=nginx --replicas=3")
            ws.action_fast_forward(60)
            await check()
            keys = [k for k, _ in workloads_rows(pane)]
            assert [k[0] for k in keys if k[2].startswith("web")].count("pods") == 3
            await type_line(pilot, "kubectl scale deployment web --replicas=5")
            ws.action_fast_forward(60)
            await check()
            await type_line(pilot, "kubectl set image deployment/web nginx=nginx:1.27")  # a rollout
            ws.action_fast_forward(5)
            await check()  # mid-rollout: pods under the old and the new ReplicaSet
            ws.action_fast_forward(120)
            await check()
            await type_line(pilot, "kubectl run solo --image=nginx")
            await type_line(pilot, "kubectl create job once --image=busybox -- true")
            ws.action_fast_forward(30)
            await check()
            await type_line(pilot, "kubectl delete pod solo --grace-period=0 --force")
            await check()
            await type_line(pilot, "kubectl delete deployment web")
            await check()  # the ReplicaSets and pods orphaned before the garbage collector removes them
            ws.action_fast_forward(60)
            await check()
            # A namespace filter shows that namespace's trees from the same index.
            pane.query_one("#wl-namespace", Input).value = "kube-system"
            await pilot.pause()
            counter.active = True
            await show(pilot, "workloads")
            counter.active = False
            assert workloads_rows(pane) == rebuilt_rows(pane, cluster, "kube-system")
            pane.query_one("#wl-namespace", Input).value = ""
            await pilot.pause()
            assert "pods" not in counter.calls  # every write reached the pane through its watch
            ws.action_undo()  # restores the snapshot taken before the last command
            await check()
            assert counter.calls.count("pods") == 1  # a restore: the pane listed the pods once, again
        finally:
            counter.close()
