"""Shell start to first prompt (budget: <= 300 ms): time `k8stutor shell` on an empty transcript."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def main(runs: int = 7) -> None:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "k8stutor", "shell"], input=b"", check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    print(f"k8stutor shell start-to-exit (includes interpreter start, imports, cluster bootstrap): "
          f"median {statistics.median(times) * 1000:.0f} ms, min {min(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
