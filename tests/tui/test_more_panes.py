"""Pilot tests of the Services, Network, Config and Helm panes, the exec screen and the layout fixes."""

from __future__ import annotations

from rich.console import Console
from textual.widgets import OptionList, TabbedContent

from k8stutor.tui.app import make_app
from k8stutor.tui.panes import PANES
from k8stutor.tui.panes.config import ConfigPane, split_columns
from k8stutor.tui.panes.helm import HelmPane
from k8stutor.tui.panes.network import NetworkPane
from k8stutor.tui.panes.services import ServicesPane
from k8stutor.tui.panes.workloads import WorkloadsPane, fit_columns
from k8stutor.tui.screens.exec import ExecScreen, unwrap_output, wrap_line
from k8stutor.tui.screens.loading import LoadingScreen
from k8stutor.tui.screens.welcome import WelcomeScreen
from k8stutor.tui.screens.workspace import WorkspaceScreen
from k8stutor.tui.widgets.output import OutputLog
from k8stutor.tui.widgets.rowlist import RowList

from .conftest import sandbox_app, wait_for_workspace
from .test_prompt import type_line

SLOW_POD = """kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: slow
  labels: {app: web}
spec:
  containers:
  - name: c
    image: nginx
    readinessProbe:
      exec:
        command: ["false"]
EOF"""


def plain(renderable, width: int = 400) -> str:
    """What a rich renderable prints, as plain text."""
    console = Console(width=width, color_system=None)
    with console.capture() as cap:
        console.print(renderable)
    return cap.get()


async def show(pilot, tab: str):
    ws = pilot.app.screen
    ws.query_one(TabbedContent).active = f"tab-{tab}"
    await pilot.pause()
    ws.refresh_panes(force=True)
    await pilot.pause()
    return ws


def test_new_panes_are_registered_after_the_first_four():
    assert [p[0] for p in PANES] == [
        "cluster",
        "workloads",
        "events",
        "scheduler",
        "services",
        "network",
        "config",
        "helm",
    ]


async def test_services_pane_shows_endpoints_not_ready_pods_the_diagnosis_and_the_node_rules(tmp_path):
    """A NodePort Service over two ready pods and one whose readiness probe fails: ✗ marks it, the diagnosis
    names it, and every rule shown is a line of the node's real ``iptables-save -t nat``."""
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await type_line(pilot, "kubectl create deployment web --image=nginx --replicas=2")
        await type_line(pilot, SLOW_POD)
        await type_line(pilot, "kubectl expose deployment web --port=80 --type=NodePort")
        app.screen.action_fast_forward(60)
        ws = await show(pilot, "services")
        pane = ws.query_one(ServicesPane)
        keys = [r.key for r in pane.query_one(RowList).rows]
        assert ("services", "default", "web") in keys and ("services", "kube-system", "kube-dns") in keys
        assert pane.query_one(RowList).select_key(("services", "default", "web"))
        await pilot.pause()
        svc = app.session.cluster.api.peek("services", "web", "default")
        ip, node_port = svc["spec"]["clusterIP"], svc["spec"]["ports"][0]["nodePort"]
        text = plain(pane.query_one("#svc-detail").content)
        assert f"web.default.svc.cluster.local → {ip}" in text
        assert "endpoints (2 ready of 3)" in text
        slow_ip = app.session.cluster.api.peek("pods", "slow", "default")["status"]["podIP"]
        assert f"✗ {slow_ip}" in text and "pod/slow" in text and "not ready" in text
        assert "why no traffic?" in text and "readiness probe failing or starting): slow" in text
        assert f"kube-proxy (iptables) on {pane.node}" in text
        nat = app.screen.run_line(f"ssh {pane.node} iptables-save -t nat").stdout.splitlines()
        rules = [ln.strip() for ln in text.splitlines() if ln.strip().startswith("-A ")]
        assert rules and all(r in nat for r in rules)
        assert any(f"--dport {node_port} -j KUBE-EXT-" in r for r in rules)
        first = pane.node
        await pilot.press("escape")  # focus the pane, then n moves the rules to the next node
        pane.query_one(RowList).focus()
        await pilot.press("n")
        assert pane.node != first


async def test_network_pane_draws_the_overlay_and_animates_a_prompt_trace(tmp_path, monkeypatch):
    """Each node's eth0 IP and pod subnet, the vxlan backend; `sim trace` plays hop by hop in the pane."""
    monkeypatch.setattr(NetworkPane, "step_seconds", 3600.0)  # the test steps the animation itself
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await type_line(pilot, "kubectl create deployment web --image=nginx --replicas=2")
        await type_line(pilot, "kubectl expose deployment web --port=80")
        app.screen.action_fast_forward(60)
        ws = await show(pilot, "network")
        text = plain(ws.query_one("#net-nodes").content)
        for node, ip, cidr in (
            ("k8s-master01", "192.168.66.10", "10.244.0.0/24"),
            ("k8s-node01", "192.168.66.20", "10.244.1.0/24"),
            ("k8s-node02", "192.168.66.21", "10.244.2.0/24"),
        ):
            assert node in text and f"{ip}/24" in text and cidr in text
        assert "Flannel vxlan" in text and "MTU 1450" in text
        pod = next(p["metadata"]["name"] for p in app.session.cluster.api.list_objects("pods", "default"))
        ws.query_one(TabbedContent).active = "tab-cluster"
        await type_line(pilot, f"sim trace default/{pod} svc/web:80")
        assert ws.query_one(TabbedContent).active == "tab-network"
        net = ws.query_one(NetworkPane)
        assert net.trace is not None and net.shown == 1 and len(net.trace.hops) > 3
        first = plain(net.query_one("#net-trace").content)
        assert "▶  1." in first and "result:" not in first
        while net.shown < len(net.trace.hops):
            net.step()
        final = plain(net.query_one("#net-trace").content)
        assert "result: delivered" in final and "dnat" in final


async def test_network_pane_traces_the_two_pods_picked_in_workloads(tmp_path):
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await type_line(pilot, "kubectl create deployment web --image=nginx --replicas=2")
        app.screen.action_fast_forward(60)
        ws = await show(pilot, "workloads")
        pods = [r.key for r in ws.query_one(WorkloadsPane).query_one(RowList).rows if r.key[0] == "pods"]
        web = [k for k in pods if k[2].startswith("web-")]
        for key in web:
            ws.query_one(WorkloadsPane).query_one(RowList).select_key(key)
            await pilot.pause()
        net = ws.query_one(NetworkPane)
        assert net.picked == [(k[1], k[2]) for k in web]
        net.action_trace_picked()
        assert net.trace is not None and net.trace.source.name == web[0][2]


async def test_config_pane_hides_secret_values_until_asked_and_lists_users(tmp_path):
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await type_line(pilot, "kubectl create secret generic creds --from-literal=password=hunter2")
        await type_line(pilot, "kubectl create configmap settings --from-literal=color=blue")
        await type_line(
            pilot,
            "kubectl run user --image=nginx --overrides="
            '\'{"spec":{"containers":[{"name":"user","image":"nginx","envFrom":[{"configMapRef":'
            '{"name":"settings"}},{"secretRef":{"name":"creds"}}]}]}}\'',
        )
        app.screen.action_fast_forward(30)
        ws = await show(pilot, "config")
        pane = ws.query_one(ConfigPane)
        rows = pane.query_one(RowList)
        assert rows.select_key(("secrets", "default", "creds"))
        await pilot.pause()
        hidden = plain(pane.query_one("#cfg-detail").content)
        assert "password:" in hidden and "hunter2" not in hidden and "[7 bytes]" in hidden
        assert "used by: user" in hidden
        rows.focus()
        await pilot.press("v")
        assert "password: hunter2" in plain(pane.query_one("#cfg-detail").content)
        assert rows.select_key(("configmaps", "default", "settings"))
        await pilot.pause()
        assert "color: blue" in plain(pane.query_one("#cfg-detail").content)
        storage = plain(pane.query_one("#cfg-storage").content)
        assert "storageclass nfs-client (default)" in storage
        auth = plain(pane.query_one("#cfg-auth").content)
        assert "context kubernetes-admin@kubernetes" in auth and "user kubernetes-admin" in auth
        assert "selfsubjectrulesreviews.authorization.k8s.io" in auth


async def test_config_pane_draws_claim_volume_pods_node(tmp_path):
    """A claim on the default nfs-client class binds to a provisioned volume; the pod using it and its node
    follow on the same line."""
    claim = """kubectl apply -f - <<EOF
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
EOF"""
    pod = """kubectl apply -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: db
spec:
  containers:
  - name: c
    image: nginx
    volumeMounts: [{name: d, mountPath: /data}]
  volumes:
  - name: d
    persistentVolumeClaim: {claimName: data}
EOF"""
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await type_line(pilot, claim)
        await type_line(pilot, pod)
        app.screen.action_fast_forward(30)
        ws = await show(pilot, "config")
        pvc = app.session.cluster.api.peek("persistentvolumeclaims", "data", "default")
        node = app.session.cluster.api.peek("pods", "db", "default")["spec"]["nodeName"]
        storage = plain(ws.query_one(ConfigPane).query_one("#cfg-storage").content)
        line = next(ln for ln in storage.splitlines() if "pvc default/data" in ln)
        assert "(Bound, 1Gi, nfs-client)" in line
        assert (
            f"→ pv {pvc['spec']['volumeName']}" in line and "→ pods db" in line and f"→ node {node}" in line
        )


def test_split_columns_keeps_titles_with_one_space():
    head, rows = split_columns(
        "Resources   Non-Resource URLs   Resource Names   Verbs\n"
        "pods        []                  []               [get]\n"
        "            [/healthz]          []               [get]\n"
    )
    assert head == ["Resources", "Non-Resource URLs", "Resource Names", "Verbs"]
    assert rows == [["pods", "[]", "[]", "[get]"], ["", "[/healthz]", "[]", "[get]"]]


async def test_helm_pane_lists_releases_history_and_rolls_back(tmp_path):
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await type_line(pilot, "helm create demo")
        await type_line(pilot, "helm install demo ./demo")
        await type_line(pilot, "helm upgrade demo ./demo --set replicaCount=2")
        ws = await show(pilot, "helm")
        pane = ws.query_one(HelmPane)
        rows = pane.query_one(RowList)
        assert [r.key for r in rows.rows] == [("helm", "default", "demo")]
        row = plain(rows.rows[0].render())
        assert row.split()[:5] == ["demo", "default", "2", "deployed", "demo-0.1.0"]
        history = plain(pane.query_one("#helm-detail").content)
        assert "superseded" in history and "Install complete" in history and "Upgrade complete" in history
        rows.focus()
        await pilot.press("v")
        assert "replicaCount: 2" in plain(pane.query_one("#helm-detail").content)
        await pilot.press("o")
        objects = plain(pane.query_one("#helm-detail").content)
        assert "Deployment" in objects and "Service" in objects and "ServiceAccount" in objects
        await pilot.press("r")
        await pilot.pause()
        log = ws.query_one(OutputLog).text()
        assert "$ helm rollback demo -n default" in log and "Rollback was a success! Happy Helming!" in log


async def test_exec_opens_a_shell_that_keeps_its_working_directory(tmp_path):
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "kubectl run box --image=nginx")
        app.screen.action_fast_forward(30)
        await type_line(pilot, "kubectl exec -it box -- sh")
        screen = app.screen
        assert isinstance(screen, ExecScreen)
        for line in ("cd /etc", "pwd", "echo hi > /tmp/f", "cat /tmp/f", "false", "cd /nowhere"):
            screen.query_one("#exec-input").value = line
            await pilot.press("enter")
            await pilot.pause()
        text = screen.query_one(OutputLog).text()
        assert "root@box:/# cd /etc" in text and "root@box:/etc# pwd\n/etc" in text
        assert "root@box:/etc# cat /tmp/f\nhi" in text
        # An interactive shell just prompts again after a failing command (kubectl reports exit codes only
        # when the session ends); a failing cd keeps the directory.
        assert "root@box:/etc# false\nroot@box:/etc# cd /nowhere" in text
        assert "command terminated" not in text
        screen.query_one("#exec-input").value = "exit"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WorkspaceScreen)


async def test_exec_into_a_missing_pod_prints_kubectls_error(tmp_path):
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "kubectl exec -it nope -- sh")
        assert isinstance(app.screen, WorkspaceScreen)
        assert 'Error from server (NotFound): pods "nope" not found' in app.screen.query_one(OutputLog).text()


def test_exec_wrapper_round_trip():
    out, cwd, code = unwrap_output("a\nb\n\x1e/etc\x1e3", "/")
    assert (out, cwd, code) == ("a\nb\n", "/etc", 3)
    assert unwrap_output("left the shell\n", "/tmp") == ("left the shell\n", "/tmp", None)
    assert wrap_line("ls", "/a b").startswith("cd '/a b' 2>/dev/null\nls\n")


async def test_workloads_node_column_is_not_cut_at_140_columns(tmp_path):
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        ws = await show(pilot, "workloads")
        pane = ws.query_one(WorkloadsPane)
        widths = dict(pane.columns)
        assert widths["NODE"] >= len("k8s-master01")
        total = sum(w + 1 for w in widths.values())
        assert total <= pane.query_one(RowList).size.width + 1
        row = next(r for r in pane.query_one(RowList).rows if r.key[2].startswith("kube-proxy-"))
        assert "k8s-master01" in row.render().plain or "k8s-node0" in row.render().plain
        node = app.session.cluster.api.peek("pods", row.key[2], "kube-system")["spec"]["nodeName"]
        assert f" {node} " in row.render().plain


def test_fit_columns_shrinks_name_first():
    narrow = dict(fit_columns(90, 12, 60))
    assert narrow["NODE"] == 12 and narrow["NAME"] == 24  # NAME gives way (down to 24), NODE never
    middle = dict(fit_columns(110, 12, 60))
    assert middle["NAME"] == 110 - sum(w + 1 for k, w in middle.items() if k != "NAME") - 1
    wide = dict(fit_columns(200, 12, 30))
    assert wide["NAME"] == 30


async def test_welcome_lists_lessons_near_the_top_and_keeps_the_space_before_the_dash(tmp_path):
    app = make_app(paused=True, autosave=False, history=False, cwd=str(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        menu = app.screen.query_one(OptionList)
        ids = [menu.get_option_at_index(i).id for i in range(menu.option_count)]
        assert ids.index("lessons") <= 1
        assert menu.get_option_at_index(menu.highlighted).id == "preset:classroom"
        label = str(menu.get_option_at_index(ids.index("preset:classroom")).prompt)
        assert label.startswith("Sandbox: classroom - kubeadm")


async def test_header_keeps_a_gap_before_the_undo_hint(tmp_path):
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_line(pilot, "kubectl create namespace x")
        assert "⏸ paused   F8 undo" in plain(app.screen.query_one("#clockbar").content)


async def test_sandbox_draws_the_loading_screen_before_building_the_cluster(tmp_path):
    """The first frame is the loading screen (no cluster yet); the workspace replaces it."""
    app = make_app(start="sandbox", paused=True, autosave=False, history=False, cwd=str(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, LoadingScreen) and app.session is None
        assert "Building the classroom cluster" in plain(app.screen.query_one("#loading-text").content)
        await wait_for_workspace(pilot)
        assert app.session is not None and app.first_frame_at and app.first_frame_at <= app.workspace_at


async def test_workloads_keeps_its_rows_when_only_time_moves(tmp_path):
    """No write to a workload kind since the last build: the same rows stand (nothing is rebuilt) and a
    re-render shows the new AGE; a command rebuilds them."""
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(140, 45)) as pilot:
        await type_line(pilot, "kubectl run solo --image=nginx")
        app.screen.action_fast_forward(30)  # the pod is Running and ready: no more writes to it
        ws = await show(pilot, "workloads")
        rowlist = ws.query_one(WorkloadsPane).query_one(RowList)
        rows = rowlist.rows
        solo = next(r for r in rows if r.key == ("pods", "default", "solo"))
        assert " 30s " in solo.render().plain
        app.session.cluster.advance(60)  # node leases renew (writes), no workload changes
        ws.refresh_panes(force=True)
        assert rowlist.rows is rows and " 90s " in solo.render().plain
        await type_line(pilot, "kubectl label pod solo tier=web")
        ws.refresh_panes(force=True)
        assert rowlist.rows is not rows


def test_a_pane_without_refresh_from_is_refused_when_defined():
    import pytest

    from k8stutor.tui.panes.base import Pane

    with pytest.raises(TypeError, match="Broken must define refresh_from"):

        class Broken(Pane):
            title = "Broken"
