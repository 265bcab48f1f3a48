"""Commands that keep running at the prompt (`get -w`, `rollout status`, `wait`, `logs -f`): output as virtual
time moves, Ctrl+C / Escape stop them and the prompt comes back; pipelines and transcripts run to the end."""

from __future__ import annotations

from k8stutor.hosts.shell import make_workstation, run_streaming, streamable
from k8stutor.kubectl.main import Kubectl
from k8stutor.kubectl.result import INTERRUPTED, Result, Stream, StreamGroup, hand_off
from k8stutor.tui.bridge import SPEEDS
from k8stutor.tui.messages import CommandExecuted
from k8stutor.tui.widgets.output import OutputLog
from k8stutor.tui.widgets.prompt import Prompt

from .conftest import sandbox_app


async def type_line(pilot, line: str) -> None:
    prompt = pilot.app.screen.query_one(Prompt)
    prompt.value = line
    prompt.cursor_position = len(line)
    await pilot.press("enter")
    await pilot.pause()


def executed_hook(seen: list[CommandExecuted]):
    def hook(m):  # a message is seen once per node it bubbles through
        if isinstance(m, CommandExecuted) and all(m is not s for s in seen):
            seen.append(m)

    return hook


async def advance(pilot, seconds: float, step: float = 1.0) -> None:
    """Move virtual time as the pacer does (in small steps), letting the running command see each step."""
    screen = pilot.app.screen
    moved = 0.0
    while moved < seconds:
        screen.pacer.fast_forward(step)
        screen.pump_stream()
        moved += step
    await pilot.pause()


async def test_get_pods_watch_streams_rows_then_ctrl_c(tmp_path):
    """`kubectl get pods -w`: nothing at first (no pods), then a created pod's rows as it changes; Ctrl+C
    ends it with nothing more from kubectl, and the prompt takes commands again."""
    seen: list[CommandExecuted] = []
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(120, 40), message_hook=executed_hook(seen)) as pilot:
        screen = app.screen
        log = screen.query_one(OutputLog)
        prompt = screen.query_one(Prompt)
        await type_line(pilot, "kubectl get pods -w")
        assert screen.running is not None
        assert "Ctrl+C" in str(prompt.border_title)
        assert log.text().endswith(
            "$ kubectl get pods -w"
        )  # a real watch on an empty namespace prints nothing
        app.session.ws.kubectl.run(["run", "web", "--image=nginx"])
        screen.pump_stream()
        await pilot.pause()
        text = log.text()
        # The rows `kubectl get pods -w` prints for a new pod (FIDELITY.md: header once, then one row per change).
        assert (
            "NAME   READY   STATUS    RESTARTS   AGE\nweb    0/1     Pending   0          0s\n" in text + "\n"
        )
        await advance(pilot, 30)
        text = log.text()
        assert "web    0/1     ContainerCreating   0          " in text
        assert "web    1/1     Running             0          " in text
        assert not seen  # still running
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert screen.running is None
        assert prompt.border_title is None
        assert log.text().endswith("^C")
        assert [m.outcome.exit_code for m in seen] == [INTERRUPTED]
        rows_before = log.text().count("web    ")
        await advance(pilot, 5)
        assert log.text().count("web    ") == rows_before  # the watch is gone
        await type_line(pilot, "kubectl get pods")
        assert "web    1/1     Running   0" in log.text().split("$ kubectl get pods\n")[-1]


async def test_rollout_status_prints_waiting_lines_and_ends_while_time_runs(tmp_path):
    """`rollout status` prints each "Waiting for …" line as it happens and returns by itself when done."""
    seen: list[CommandExecuted] = []
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(120, 40), message_hook=executed_hook(seen)) as pilot:
        screen = app.screen
        log = screen.query_one(OutputLog)
        await type_line(pilot, "kubectl create deployment web --image=nginx --replicas=2")
        await type_line(pilot, "kubectl rollout status deployment/web")
        assert screen.running is not None
        first = 'Waiting for deployment "web" rollout to finish: 0 of 2 updated replicas are available...'
        assert log.text().endswith(first)
        # Let the pacer run time (60x) on its own timer until the command returns.
        screen.pacer.paused = False
        screen.pacer.speed_index = len(SPEEDS) - 1
        for _ in range(400):
            if screen.running is None:
                break
            await pilot.pause(0.02)
        assert screen.running is None
        out = log.text().split("$ kubectl rollout status deployment/web\n")[-1]
        assert out.splitlines()[-1] == 'deployment "web" successfully rolled out'
        assert first in out
        assert [m.outcome.exit_code for m in seen][-1] == 0
        assert seen[-1].outcome.stdout.endswith('deployment "web" successfully rolled out\n')


async def test_escape_stops_wait_and_logs_follow_streams_lines(tmp_path):
    """Escape stops a waiting `kubectl wait`; `logs -f` prints new lines as the container writes them."""
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        log = screen.query_one(OutputLog)
        await type_line(pilot, "kubectl create namespace scratch")
        await type_line(pilot, "kubectl wait --for=delete namespace/scratch --timeout=5m")
        assert screen.running is not None
        await pilot.press("escape")
        await pilot.pause()
        assert screen.running is None and log.text().endswith("^C")
        await type_line(
            pilot,
            "kubectl run counter --image=busybox -- sh -c 'i=0; while true; do i=$((i+1)); echo line $i; sleep 2; done'",
        )
        await type_line(pilot, "kubectl wait --for=condition=Ready pod/counter --timeout=60s")
        await advance(pilot, 30)
        assert screen.running is None
        assert log.text().endswith("pod/counter condition met")
        await type_line(pilot, "kubectl logs -f counter")
        assert screen.running is not None
        before = log.text().split("$ kubectl logs -f counter\n")[-1].splitlines()
        await advance(pilot, 6)
        after = log.text().split("$ kubectl logs -f counter\n")[-1].splitlines()
        assert after[: len(before)] == before
        n = int(before[-1].split()[-1])
        assert after[len(before) :] == [f"line {n + 1}", f"line {n + 2}", f"line {n + 3}"]
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert screen.running is None


async def test_a_second_command_waits_for_the_running_one(tmp_path):
    """One command at a time, as in a terminal: Enter while a watch runs keeps the line in the prompt."""
    app = sandbox_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await type_line(pilot, "kubectl get deploy -w")
        await type_line(pilot, "kubectl get nodes")
        prompt = screen.query_one(Prompt)
        assert prompt.value == "kubectl get nodes"
        assert "$ kubectl get nodes" not in screen.query_one(OutputLog).text()
        await pilot.press("ctrl+c")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.running is None
        assert "$ kubectl get nodes" in screen.query_one(OutputLog).text()


def test_only_plain_kubectl_lines_stream():
    """Pipelines, lists and redirections run to the end as in a transcript; a plain kubectl line streams."""
    assert streamable("kubectl get pods -w")
    assert streamable("k rollout status deploy/web")
    assert streamable("kubectl get pods -l 'app in (web)' -w") is False  # parentheses: left to the shell
    assert not streamable("kubectl get pods -w | head")
    assert not streamable("kubectl get pods -w > x")
    assert not streamable("sleep 5")
    assert not streamable("kubectl get 'pods")


def test_shell_repl_streams_until_ctrl_c(tmp_path):
    """The interactive shell: `get -w` prints rows as time runs at wall speed; Ctrl+C (KeyboardInterrupt)
    stops it with ^C and status 130; `rollout status` returns by itself."""
    import io

    ws = make_workstation(cwd=str(tmp_path))
    ticks: list[float] = []

    def sleep(dt: float) -> None:  # stands in for the wall clock: the learner presses Ctrl+C after 30 s
        ticks.append(dt)
        if len(ticks) == 2:
            ws.kubectl.run(["run", "web", "--image=nginx"])
        if len(ticks) > 300:
            raise KeyboardInterrupt

    out, err = io.StringIO(), io.StringIO()
    assert run_streaming(ws, "kubectl get pods -w", out, err, sleep=sleep) == 130
    lines = out.getvalue().splitlines()
    assert lines[0] == "NAME   READY   STATUS    RESTARTS   AGE"
    assert lines[1] == "web    0/1     Pending   0          0s"
    assert any(ln.startswith("web    1/1     Running ") for ln in lines)
    assert lines[-1] == "^C" and err.getvalue() == ""
    out = io.StringIO()
    ws.kubectl.run(["create", "deployment", "api", "--image=nginx"])
    assert run_streaming(ws, "kubectl rollout status deploy/api", out, err, sleep=lambda dt: None) == 0
    assert out.getvalue().splitlines()[-1] == 'deployment "api" successfully rolled out'


def test_transcript_hosts_get_no_stream(tmp_path):
    """Without ``on_stream`` (transcripts, the API server) a waiting command runs to its end in virtual time."""
    from k8stutor.engine.cluster import Cluster

    c = Cluster()
    k = Kubectl(c)
    k.run(["create", "deployment", "web", "--image=nginx"])
    res = k.run(["rollout", "status", "deployment/web"])
    assert res.follow is None and res.exit_code == 0
    assert res.stdout.endswith('deployment "web" successfully rolled out\n')
    streams: list[Stream] = []
    k.on_stream = streams.append
    k.run(["create", "deployment", "api", "--image=nginx"])
    res = k.run(["rollout", "status", "deployment/api"])
    assert streams and res.follow is streams[0] and not streams[0].done
    assert (
        res.stdout
        == 'Waiting for deployment "api" rollout to finish: 0 of 1 updated replicas are available...\n'
    )


def test_stream_contract():
    """poll() hands out only new text; finish() closes once; cancel() is Ctrl+C (130) and adds nothing."""
    closed: list[int] = []

    class Counter(Stream):
        def step(self) -> None:
            self.out("tick\n")
            if self.result.stdout.count("tick") == 2:
                self.finish(3)

    res = Result(stdout="first\n")
    s = Counter(res, lambda: closed.append(1))
    assert s.poll() == ("tick\n", "")
    assert s.poll() == ("tick\n", "") and s.done and s.exit_code == 3
    assert s.poll() == ("", "") and closed == [1]
    g = StreamGroup([Counter(Result()), Counter(Result(), lambda: closed.append(2))])
    assert g.cancel() == ("", "") and g.exit_code == INTERRUPTED and closed == [1, 2]
    k = Kubectl.__new__(Kubectl)
    assert hand_off(k, Result(), Counter()) is False
