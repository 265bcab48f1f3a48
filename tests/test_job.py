"""Job controller: completions, back-off, deadlines, OnFailure restarts, TTL, the 1.32 conditions."""

from __future__ import annotations

from fake_kubelet_k import install as install_kubelet

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.controllers import job
from k8stutor.engine.controllers.job import backoff_delay, prepare_job_for_create


def _cluster(outcome, spec: dict | None = None, restart: str = "Never") -> Cluster:  # type: ignore[no-untyped-def]
    c = Cluster()
    job.install(c)
    install_kubelet(c, outcome)
    body = {
        "template": {
            "spec": {
                "containers": [
                    {
                        "name": "pi",
                        "image": "perl:5.34.0",
                        "command": ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"],
                    }
                ],
                "restartPolicy": restart,
            }
        },
        "backoffLimit": 4,
    }
    body.update(spec or {})
    c.api.create({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pi"}, "spec": body})
    c.settle()
    return c


def _events(c: Cluster) -> list[tuple[str, str, str]]:
    return [
        (e["type"], e["reason"], e["message"])
        for e in c.api.list_objects("events", "default")
        if e["involvedObject"]["kind"] == "Job"
    ]


def test_backoff_delays() -> None:
    assert [backoff_delay(n) for n in range(1, 8)] == [10, 20, 40, 80, 160, 320, 360]


def test_pi_job_completes() -> None:
    c = _cluster(lambda p: ("succeed", 30))
    pods = c.api.list_objects("pods", "default")
    assert len(pods) == 1 and pods[0]["metadata"]["name"].startswith("pi-")
    assert pods[0]["metadata"]["finalizers"] == ["batch.kubernetes.io/job-tracking"]
    c.advance(31)
    st = c.api.get("jobs.batch", "pi")["status"]
    assert [(x["type"], x["reason"], x["message"]) for x in st["conditions"]] == [
        ("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods"),
        ("Complete", "CompletionsReached", "Reached expected number of succeeded pods"),
    ]
    assert st["succeeded"] == 1 and st["ready"] == 0 and st["terminating"] == 0
    assert st["uncountedTerminatedPods"] == {} and "active" not in st
    assert st["completionTime"] == "2026-12-03T12:00:30Z"
    assert "finalizers" not in c.api.list_objects("pods", "default")[0]["metadata"]
    assert _events(c) == [
        ("Normal", "SuccessfulCreate", f"Created pod: {pods[0]['metadata']['name']}"),
        ("Normal", "Completed", "Job completed"),
    ]


def test_backoff_limit_exceeded_with_exponential_backoff() -> None:
    c = _cluster(lambda p: ("fail", 1), {"backoffLimit": 2})
    created = []
    for _ in range(60):
        c.advance(1)
        created.append(len(c.api.list_objects("pods", "default")))
    # failures at t=1, 12, 33: new pods at 11 (10 s back-off) and 32 (20 s)
    assert created[9] == 1 and created[10] == 2 and created[30] == 2 and created[31] == 3
    st = c.api.get("jobs.batch", "pi")["status"]
    assert st["failed"] == 3
    assert [x["type"] for x in st["conditions"]] == ["FailureTarget", "Failed"]
    assert _events(c)[-1] == (
        "Warning",
        "BackoffLimitExceeded",
        "Job has reached the specified backoff limit",
    )


def test_active_deadline_exceeded_kills_pods() -> None:
    c = _cluster(lambda p: ("run", 0), {"activeDeadlineSeconds": 30})
    c.advance(29)
    assert c.api.get("jobs.batch", "pi")["status"]["active"] == 1
    c.advance(2)
    st = c.api.get("jobs.batch", "pi")["status"]
    assert [(x["type"], x["reason"]) for x in st["conditions"]] == [
        ("FailureTarget", "DeadlineExceeded"),
        ("Failed", "DeadlineExceeded"),
    ]
    assert c.api.list_objects("pods", "default") == []
    assert _events(c)[-1] == ("Warning", "DeadlineExceeded", "Job was active longer than specified deadline")


def test_on_failure_restarts_count_toward_backoff_limit() -> None:
    c = _cluster(lambda p: ("fail", 5), {"backoffLimit": 2}, restart="OnFailure")
    c.advance(6)
    assert len(c.api.list_objects("pods", "default")) == 1  # same pod, restarted in place
    c.advance(6)
    st = c.api.get("jobs.batch", "pi")["status"]
    assert st["conditions"][-1]["reason"] == "BackoffLimitExceeded"


def test_parallel_completions_and_ttl() -> None:
    c = _cluster(
        lambda p: ("succeed", 5), {"completions": 5, "parallelism": 2, "ttlSecondsAfterFinished": 60}
    )
    assert len(c.api.list_objects("pods", "default")) == 2
    c.advance(16)
    st = c.api.get("jobs.batch", "pi")["status"]
    assert st["succeeded"] == 5 and st["conditions"][-1]["type"] == "Complete"
    c.advance(58)  # completed at t=15, TTL 60 s
    assert c.api.list_objects("jobs.batch", "default")
    c.advance(3)
    assert c.api.list_objects("jobs.batch", "default") == []
    assert c.api.list_objects("pods", "default") == []


def test_prepare_job_for_create_generates_selector_and_labels() -> None:
    j = {"metadata": {"name": "pi", "uid": "u-1"}, "spec": {"template": {"spec": {}}}}
    prepare_job_for_create(j)
    assert j["spec"]["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": "u-1"}}
    assert j["spec"]["template"]["metadata"]["labels"] == {
        "batch.kubernetes.io/controller-uid": "u-1",
        "batch.kubernetes.io/job-name": "pi",
        "controller-uid": "u-1",
        "job-name": "pi",
    }


def test_suspended_job_creates_nothing() -> None:
    c = _cluster(lambda p: ("run", 0), {"suspend": True})
    assert c.api.list_objects("pods", "default") == []
    st = c.api.get("jobs.batch", "pi")["status"]
    assert st["conditions"][0]["type"] == "Suspended" and "startTime" not in st
