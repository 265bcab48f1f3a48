"""Cron parsing (robfig/cron ParseStandard) and the CronJob controller on the virtual clock."""

from __future__ import annotations

import pytest
from fake_kubelet_k import install as install_kubelet

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.controllers import cron, cronjob, job
from k8stutor.engine.timeutil import EPOCH, rfc3339


def _next(spec: str, n: int = 3) -> list[str]:
    s, t, out = cron.parse(spec), float(EPOCH), []
    for _ in range(n):
        t = s.next(t)
        out.append(rfc3339(t))
    return out


def test_cron_fields_names_ranges_steps() -> None:
    assert _next("*/15 * * * *") == ["2026-12-01T09:15:00Z", "2026-12-01T09:30:00Z", "2026-12-01T09:45:00Z"]
    assert _next("0 9-17/4 * * MON-FRI") == [
        "2026-12-01T13:00:00Z",
        "2026-12-01T17:00:00Z",
        "2026-12-02T09:00:00Z",
    ]
    assert _next("@hourly", 1) == ["2026-12-01T10:00:00Z"]
    assert _next("@weekly", 1) == ["2026-12-06T00:00:00Z"]  # 2026-12-06 is a Sunday
    assert _next("0 0 1 jan *", 1) == ["2027-01-01T00:00:00Z"]
    assert _next("CRON_TZ=Asia/Tokyo 0 9 * * *", 1) == ["2026-12-02T00:00:00Z"]
    # day-of-month OR day-of-week when both are restricted
    assert _next("0 0 13 * 5", 2) == ["2026-12-04T00:00:00Z", "2026-12-11T00:00:00Z"]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
        ("60 * * * *", "end of range (60) above maximum (59): 60"),
        ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
        ("@fortnightly", "unrecognized descriptor: @fortnightly"),
        ("x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'),
    ],
)
def test_cron_errors(spec: str, message: str) -> None:
    with pytest.raises(cron.CronError, match=None) as info:
        cron.parse(spec)
    assert str(info.value) == message


def _hello(policy: str = "Allow", command: list[str] | None = None, **extra: object) -> dict:
    spec = {
        "schedule": "* * * * *",
        "concurrencyPolicy": policy,
        "jobTemplate": {
            "spec": {
                "template": {
                    "spec": {
                        "containers": [
                            {
                                "name": "hello",
                                "image": "busybox:1.28",
                                "command": command
                                or ["/bin/sh", "-c", "date; echo Hello from the Kubernetes cluster"],
                            }
                        ],
                        "restartPolicy": "OnFailure",
                    }
                }
            }
        },
    }
    spec.update(extra)
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "hello"}, "spec": spec}


def _cluster(outcome) -> Cluster:  # type: ignore[no-untyped-def]
    c = Cluster()
    job.install(c)
    cronjob.install(c)
    install_kubelet(c, outcome)
    return c


def _cj_events(c: Cluster) -> list[str]:
    return [
        e["message"]
        for e in c.api.list_objects("events", "default")
        if e["involvedObject"]["kind"] == "CronJob"
    ]


def test_hello_cronjob_creates_jobs_named_in_minutes_and_keeps_three() -> None:
    c = _cluster(lambda p: ("succeed", 2))
    c.api.create(_hello())
    c.settle()
    c.advance(60.5)
    first = f"hello-{int(c.now() // 60)}"
    jobs = [j["metadata"]["name"] for j in c.api.list_objects("jobs.batch", "default")]
    assert jobs == [first]
    j = c.api.get("jobs.batch", first)
    assert j["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"] == rfc3339(
        int(c.now() // 60) * 60
    )
    assert j["metadata"]["ownerReferences"][0]["kind"] == "CronJob"
    st = c.api.get("cronjobs.batch", "hello")["status"]
    assert st["active"][0]["name"] == first and st["lastScheduleTime"] == rfc3339(int(c.now() // 60) * 60)
    c.advance(300)
    finished = [j for j in c.api.list_objects("jobs.batch", "default") if j["status"].get("completionTime")]
    assert len(finished) == 3  # successfulJobsHistoryLimit (the running one comes on top)
    msgs = _cj_events(c)
    assert msgs[0] == f"Created job {first}"
    assert f"Saw completed job: {first}, status: Complete" in msgs
    assert f"Deleted job {first}" in msgs
    st = c.api.get("cronjobs.batch", "hello")["status"]
    assert "lastSuccessfulTime" in st


def test_forbid_skips_while_running_and_replace_replaces() -> None:
    c = _cluster(lambda p: ("run", 0))
    c.api.create(_hello("Forbid"))
    c.settle()
    c.advance(180)
    assert len(c.api.list_objects("jobs.batch", "default")) == 1
    assert (
        "Not starting job because prior execution is running and concurrency policy is Forbid"
        in _cj_events(c)
    )
    c2 = _cluster(lambda p: ("run", 0))
    c2.api.create(_hello("Replace"))
    c2.settle()
    c2.advance(125)
    names = [
        j["metadata"]["name"]
        for j in c2.api.list_objects("jobs.batch", "default")
        if not j["metadata"].get("deletionTimestamp")
    ]
    assert len(names) == 1 and len(c2.api.get("cronjobs.batch", "hello")["status"]["active"]) == 1


def test_suspend_and_starting_deadline() -> None:
    c = _cluster(lambda p: ("succeed", 1))
    c.api.create(_hello(suspend=True))
    c.settle()
    c.advance(330)
    assert c.api.list_objects("jobs.batch", "default") == []
    cj = c.api.get("cronjobs.batch", "hello")
    cj["spec"]["suspend"] = False
    cj["spec"]["startingDeadlineSeconds"] = 10
    c.api.update(cj)
    c.settle()
    # the missed activations are older than the 10 s deadline: nothing now, a job at the next minute
    assert c.api.list_objects("jobs.batch", "default") == []
    c.advance(61)
    assert len(c.api.list_objects("jobs.batch", "default")) == 1
