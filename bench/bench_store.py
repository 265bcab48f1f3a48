"""Store throughput: writes per second with 10 in-process watchers (budget: >= 50,000 writes/s)."""

from __future__ import annotations

import time

from k8stutor.engine.store import Store


def main(n: int = 200_000, watchers: int = 10) -> None:
    s = Store()
    ws = [s.watch("pods") for _ in range(watchers)]
    objs = [{"metadata": {"name": f"p{i}", "namespace": "default"}, "spec": {}} for i in range(n)]
    t = time.perf_counter()
    for o in objs:
        s.put("pods", o)
    dt = time.perf_counter() - t
    delivered = sum(len(w.drain()) for w in ws)
    print(f"store: {n} writes with {watchers} watchers in {dt:.3f}s = {n / dt:,.0f} writes/s "
          f"({delivered:,} events delivered)")


if __name__ == "__main__":
    main()
