"""Benchmark: long-running container processes that poll the network (wall time per virtual span).

Usage:
  python bench/bench_processes.py                 # both cases
  python bench/bench_processes.py --case poll     # `until nslookup myservice; do sleep 2; done` for 1 h
  python bench/bench_processes.py --case load     # the HPA walkthrough's wget loop against php-apache for 5 min
  python bench/bench_processes.py --profile /tmp/p.out

A container process runs in virtual time; each network command answers from the live cluster, so the process
stops before a command whose answer lies in the future and goes on when virtual time gets there. The timed part
is ``advance`` over the virtual span (the pod is already created and running).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from k8stutor.engine.cluster import Cluster
from k8stutor.kubectl.main import Kubectl

PHP_APACHE = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: php-apache
spec:
  selector:
    matchLabels:
      run: php-apache
  template:
    metadata:
      labels:
        run: php-apache
    spec:
      containers:
      - name: php-apache
        image: registry.k8s.io/hpa-example
        ports:
        - containerPort: 80
        resources:
          limits:
            cpu: 500m
          requests:
            cpu: 200m
---
apiVersion: v1
kind: Service
metadata:
  name: php-apache
  labels:
    run: php-apache
spec:
  ports:
  - port: 80
  selector:
    run: php-apache
"""


def _timed(c: Cluster, span: float, step: float, profile: str | None) -> float:
    prof: Any = None
    if profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    t0 = time.perf_counter()
    t = 0.0
    while t < span:
        c.advance(step)
        t += step
    wall = time.perf_counter() - t0
    if prof is not None:
        prof.disable()
        prof.dump_stats(profile)
    return wall


def poll(profile: str | None = None) -> dict[str, Any]:
    """A pod polling ``nslookup`` for a Service that never comes, for one hour of virtual time."""
    c = Cluster()
    k = Kubectl(c)
    k.run(
        [
            "run",
            "poll",
            "--image=busybox:1.28",
            "--restart=Never",
            "--",
            "sh",
            "-c",
            "until nslookup myservice; do sleep 2; done",
        ]
    )
    c.advance(10)
    wall = _timed(c, 3600.0, 60.0, profile)
    logs = k.run(["logs", "poll"]).stdout
    return {"case": "poll 1h", "wall_s": round(wall, 3), "lookups": logs.count("Server:")}


def load(profile: str | None = None) -> dict[str, Any]:
    """The load generator of the HPA walkthrough for five minutes of virtual time."""
    c = Cluster()
    k = Kubectl(c)
    k.run(["apply", "-f", "-"], stdin=PHP_APACHE.encode())
    c.advance(30)
    k.run(
        [
            "run",
            "load-generator",
            "--image=busybox:1.28",
            "--restart=Never",
            "--",
            "/bin/sh",
            "-c",
            "while sleep 0.01; do wget -q -O- http://php-apache; done",
        ]
    )
    c.advance(5)
    wall = _timed(c, 300.0, 15.0, profile)
    logs = k.run(["logs", "load-generator"]).stdout
    return {"case": "load 5min", "wall_s": round(wall, 3), "requests": logs.count("OK!")}


def main() -> None:
    """Run the chosen cases and print one line each."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", choices=("poll", "load", "all"), default="all")
    ap.add_argument("--profile")
    a = ap.parse_args()
    for name, fn in (("poll", poll), ("load", load)):
        if a.case in (name, "all"):
            print(fn(a.profile))


if __name__ == "__main__":
    main()
