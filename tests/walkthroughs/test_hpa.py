"""The docs' HorizontalPodAutoscaler walkthrough: php-apache (requests 200m, limit 500m) behind a Service, an
HPA at 50 % CPU, a busybox ``wget`` loop as the load generator; replicas go up with the load and back to 1 after
the 300 s scale-down stabilization window once the load stops."""

from __future__ import annotations

import re

from .transcript import check


def _hpa_rows(out: str) -> list[tuple[str, int]]:
    return [
        (t, int(r)) for t, r in re.findall(r"Deployment/php-apache   cpu: (\S+)/50%\s+1\s+10\s+(\d+)", out)
    ]


def test_php_apache_scales_with_load_and_back() -> None:
    out, _ = check("hpa_php_apache")
    rows = _hpa_rows(out)
    # Just created: the controller's first pass waits out the 15 s resync (REPLICAS 0 until it writes status);
    # then the idle pod (1m of 200m)
    assert rows[0] == ("<unknown>", 0) and rows[1] == ("0%", 1)
    # one pod under load is capped at its 500m limit: 250 % of the request; REPLICAS (status.currentReplicas)
    # still says 1 in the pass that decides to scale to 5
    assert ("250%", 1) in rows
    peak = max(r for _, r in rows)
    assert peak == 7
    # the load stopped: usage drops at once, replicas only after the stabilization window
    stopped = out.index('pod "load-generator" deleted')
    after = _hpa_rows(out[stopped:])
    assert after[0] == ("0%", 7) and after[-1] == ("0%", 1)
    assert "php-apache   1/1     1            1" in out[stopped:]
    assert "New size: 7; reason: cpu resource utilization (percentage of request) above target" in out
    assert "New size: 1; reason: All metrics below target" in out
