"""What TLS and authentication cost: real `kubectl get pods` against `k8stutor serve` over TLS with the admin's
client certificate (the default) and over plain HTTP (`--insecure-http`), end to end with the kubectl process
included (issue 9 budget: <= 60 ms with a few pods). Also the one-off PKI generation (RSA 2048 keys).
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
from k8stutor.hosts.apiserver.tls import ensure_pki

RUNS = 7


def _median(argv: list[str], env: dict[str, str]) -> float:
    subprocess.run(argv, env=env, capture_output=True, check=True)  # warm the discovery cache
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        subprocess.run(argv, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> int:
    """Print the medians (ms)."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        print("kubectl not found")
        return 1
    with tempfile.TemporaryDirectory() as d:
        home = Path(d)
        t = time.perf_counter()
        pki = ensure_pki(home / "pki")
        print(f"PKI generation (CA, serving, admin; RSA 2048): {1000 * (time.perf_counter() - t):.0f} ms")
        t = time.perf_counter()
        ensure_pki(home / "pki")
        print(f"PKI reuse on a later start: {1000 * (time.perf_counter() - t):.1f} ms")
        for label, use_tls in (("TLS + client certificate", True), ("plain HTTP", False)):
            with ServerThread(Cluster(), pki=pki if use_tls else None) as st:
                kc = write_kubeconfig(home / f"kc-{use_tls}", st.url, pki=pki if use_tls else None)
                env = dict(os.environ, KUBECONFIG=str(kc), HOME=str(home / f"home-{use_tls}"))
                ms = 1000 * _median([kubectl, "get", "pods", "-A"], env)
                print(f"kubectl get pods -A ({label}): {ms:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
