"""Real `kubectl get pods` against `k8stutor serve`, end to end with the kubectl process included.

Budgets (issue 9): <= 60 ms with a few pods, <= 450 ms with 10,000 pods. The installed `kubectl` is a
version dispatcher that first asks `/version` and then runs the matching `kubectl.1.32`; both the
dispatcher and, when found, the bundled kubectl.1.32 binary alone are measured, with the time the server
spends per request, and a baseline: `kubectl version --client` (process start-up only, no server).
Also: the delay from a change to the line printed by a real `kubectl get -w` (budget 50 ms).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from k8stutor.engine.cluster import Cluster
from k8stutor.hosts.apiserver.kubeconfig import write_kubeconfig
from k8stutor.hosts.apiserver.server import ServerThread

RUNS = 5


def _time(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    times = []
    out = ""
    for _ in range(RUNS):
        t = time.perf_counter()
        r = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - t)
        out = r.stdout
    return statistics.median(times), out


def _populate(c: Cluster, n: int) -> None:
    tmpl = {
        "apiVersion": "v1",
        "kind": "Pod",
        "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]},
    }
    for i in range(n):
        c.api.create(dict(tmpl, metadata={"name": f"web-{i:05d}", "labels": {"app": "web"}}), "default")


def _kubectls() -> list[tuple[str, str]]:
    out = []
    k = shutil.which("kubectl")
    if k:
        out.append(("kubectl (dispatcher)", k))
        direct = Path(os.path.realpath(k)).with_name("kubectl.1.32")
        if direct.exists():
            out.append(("kubectl.1.32 (direct)", str(direct)))
    return out


def _watch_latency(st: ServerThread, kubectl: str, env: dict[str, str]) -> float:
    p = subprocess.Popen(
        [kubectl, "get", "cm", "-w", "-n", "kube-public"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        bufsize=1,
    )
    assert p.stdout is not None
    try:
        p.stdout.readline()
        p.stdout.readline()
        time.sleep(0.5)
        delays = []
        for i in range(5):
            t = time.perf_counter()
            st.call(
                st.cluster.api.create,
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"lat-{i}"}},
                "kube-public",
            )
            p.stdout.readline()
            delays.append(time.perf_counter() - t)
            time.sleep(0.1)
        return statistics.median(delays)
    finally:
        p.terminate()
        p.wait()


_CLIENTS = """
import http.client, sys, threading, time
port, n = int(sys.argv[1]), int(sys.argv[2])
accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
times = []
def one():
    t = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.request("GET", "/api/v1/pods?limit=500", headers={"Accept": accept})
    conn.getresponse().read()
    conn.close()
    times.append(time.perf_counter() - t)
threads = [threading.Thread(target=one) for _ in range(n)]
t0 = time.perf_counter()
for th in threads:
    th.start()
for th in threads:
    th.join()
print(time.perf_counter() - t0, max(times))
"""


def _concurrent_lists(st: ServerThread, n: int = 100) -> tuple[float, float, float]:
    """n concurrent Table lists of all pods from another process: (wall seconds for all, slowest request,
    longest stall of a 10 ms timer on the engine's loop, i.e. how long a TUI sharing that loop would freeze)."""
    import threading

    gaps: list[float] = []
    stop = threading.Event()

    def tick(last: list[float]) -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now
        if not stop.is_set():
            st.loop.call_later(0.01, tick, last)

    st.loop.call_soon_threadsafe(tick, [time.perf_counter()])
    time.sleep(0.1)
    gaps.clear()
    out = subprocess.run(
        [sys.executable, "-c", _CLIENTS, str(st.server.port), str(n)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    stop.set()
    time.sleep(0.05)
    return float(out[0]), float(out[1]), max(gaps) - 0.01


def main() -> int:
    kubectls = _kubectls()
    if not kubectls:
        print("real kubectl is not installed: nothing to measure")
        return 0
    home = tempfile.mkdtemp(prefix="bench-serve-")
    for label, n in (("a few pods", 5), ("10,000 pods", 10_000)):
        c = Cluster()
        t = time.perf_counter()
        _populate(c, n)
        setup = time.perf_counter() - t
        st = ServerThread(c)
        st.start()
        kc = write_kubeconfig(Path(home) / f"kc-{n}", st.url)
        env = dict(os.environ, KUBECONFIG=str(kc), HOME=home)
        print(f"== {label} in default ({n} created in {setup:.1f}s)")
        for name, binary in kubectls:
            base, _ = _time([binary, "version", "--client"], env)
            med, out = _time([binary, "get", "pods"], env)
            budget = 60 if n < 100 else 450
            print(
                f"{name:22s} get pods: median {med * 1000:6.0f} ms  budget {budget} ms  "
                f"{'OK' if med * 1000 <= budget else 'OVER'}  ({len(out.splitlines())} lines; "
                f"process start-up alone {base * 1000:.0f} ms)"
            )
        if n < 100:
            print(
                f"watch event -> kubectl get -w line: median {_watch_latency(st, kubectls[0][1], env) * 1000:.0f} ms "
                "(budget 50 ms)"
            )
        total, slowest, stall = _concurrent_lists(st)
        print(
            f"100 concurrent pod lists (Table, all namespaces): all done in {total * 1000:.0f} ms, slowest "
            f"{slowest * 1000:.0f} ms; longest engine-loop stall {stall * 1000:.0f} ms"
        )
        st.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
