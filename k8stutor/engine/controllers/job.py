"""The Job controller (``pkg/controller/job``, 1.32) and the TTL-after-finished controller.

Pods carry the ``batch.kubernetes.io/job-tracking`` finalizer; finished pods are first recorded in
``status.uncountedTerminatedPods``, their finalizer removed, then counted in ``succeeded``/``failed``.
As in 1.31+, a Job first gets the interim ``SuccessCriteriaMet`` / ``FailureTarget`` condition and the
terminal ``Complete`` / ``Failed`` one only once no pod is still terminating.
"""

from __future__ import annotations

from typing import Any

from ..errors import StatusError
from ..events import NORMAL, WARNING, EventRecorder
from ..selectors import selector_from_label_selector
from ..store import Event, Obj, clone
from ..timeutil import parse_rfc3339, rfc3339
from .base import Controller, Key
from .history import OwnerIndex, controller_ref, is_pod_active, is_pod_ready, is_pod_terminating, owner_ref

JOB_TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"
CONTROLLER_UID = "batch.kubernetes.io/controller-uid"
JOB_NAME = "batch.kubernetes.io/job-name"
LEGACY_CONTROLLER_UID = "controller-uid"
LEGACY_JOB_NAME = "job-name"

DEFAULT_BACKOFF = 10.0  # seconds; doubles per consecutive failure
MAX_BACKOFF = 360.0  # 6 minutes


def prepare_job_for_create(job: Obj) -> None:
    """Job registry strategy (``generateSelector``): selector and template labels from the new uid. Mutates."""
    spec = job.setdefault("spec", {})
    if spec.get("manualSelector"):
        return
    meta = job["metadata"]
    uid, name = meta["uid"], meta["name"]
    tmeta = spec.setdefault("template", {}).setdefault("metadata", {})
    labels = dict(tmeta.get("labels") or {})
    labels.update({CONTROLLER_UID: uid, JOB_NAME: name, LEGACY_CONTROLLER_UID: uid, LEGACY_JOB_NAME: name})
    tmeta["labels"] = labels
    if not spec.get("selector"):
        spec["selector"] = {"matchLabels": {CONTROLLER_UID: uid}}
    if not meta.get("labels"):
        meta["labels"] = dict(labels)


def job_selector(job: Obj) -> Obj:
    """The Job's selector (the generated one when the API has not set it)."""
    return (job.get("spec") or {}).get("selector") or {
        "matchLabels": {CONTROLLER_UID: job["metadata"]["uid"]}
    }


def finished_condition(job: Obj) -> Obj | None:
    """``util.IsJobFinished``: the Complete or Failed condition with status True."""
    for c in (job.get("status") or {}).get("conditions") or ():
        if c.get("type") in ("Complete", "Failed") and c.get("status") == "True":
            return c  # type: ignore[no-any-return]
    return None


def _condition(job_status: Obj, type_: str) -> Obj | None:
    for c in job_status.get("conditions") or ():
        if c.get("type") == type_ and c.get("status") == "True":
            return c  # type: ignore[no-any-return]
    return None


def _new_condition(type_: str, reason: str, message: str, now: str) -> Obj:
    return {
        "lastProbeTime": now,
        "lastTransitionTime": now,
        "message": message,
        "reason": reason,
        "status": "True",
        "type": type_,
    }


def backoff_delay(failures: int) -> float:
    """Pod re-creation delay after ``failures`` consecutive failures: 10 s, 20 s, 40 s … capped at 6 min."""
    if failures <= 0:
        return 0.0
    return min(MAX_BACKOFF, DEFAULT_BACKOFF * (2 ** (failures - 1)))


def _is_pod_failed(pod: Obj, job: Obj) -> bool:
    phase = (pod.get("status") or {}).get("phase")
    if phase == "Failed":
        return True
    if (job.get("spec") or {}).get("podReplacementPolicy") == "Failed":
        return False
    return bool(pod["metadata"].get("deletionTimestamp")) and phase != "Succeeded"


def _finish_time(pod: Obj) -> float:
    latest = None
    for cs in (pod.get("status") or {}).get("containerStatuses") or ():
        t = parse_rfc3339(((cs.get("state") or {}).get("terminated") or {}).get("finishedAt"))
        if t is not None and (latest is None or t > latest):
            latest = t
    if latest is None:
        latest = (
            parse_rfc3339(pod["metadata"].get("deletionTimestamp"))
            or parse_rfc3339(pod["metadata"].get("creationTimestamp"))
            or 0.0
        )
    return latest


class JobController(Controller):
    """``Controller.syncJob``: run pods until enough succeed, or fail the Job."""

    name = "job-controller"
    watches = ("jobs.batch", "pods")

    def __init__(self, cluster: Any) -> None:
        super().__init__(cluster)
        self.recorder = EventRecorder(self.api, "job-controller")
        self.pods = OwnerIndex()
        self.pods.rebuild(cluster.store, "pods")
        # Per Job uid: (consecutive failures, time of the last one) — the pod back-off store.
        self.backoff: dict[str, tuple[int, float]] = {}
        self._seen_finished: dict[str, set[str]] = {}

    def on_event(self, ev: Event) -> None:
        meta = ev.object["metadata"]
        if ev.resource == "pods":
            ref = self.pods.update(ev)
            if ref is not None and ref.get("kind") == "Job":
                self.queue.add(("jobs.batch", meta.get("namespace", ""), ref.get("name", "")))
            elif ev.type != "DELETED" and JOB_TRACKING_FINALIZER in (meta.get("finalizers") or ()):
                self.queue.add(("pods", meta.get("namespace", ""), meta["name"]))
            return
        self.queue.add((ev.resource, meta.get("namespace", "") or "", meta["name"]))

    def reconcile(self, key: Key) -> None:
        res, ns, name = key
        if res == "pods":
            self._orphan_pod(ns, name)
            return
        job = self.cluster.store.get("jobs.batch", ns, name)
        if job is None:
            return
        pods = self.pods.objects(self.cluster.store, "pods", job["metadata"]["uid"])
        if finished_condition(job) is not None:
            self.backoff.pop(job["metadata"]["uid"], None)
            if job["metadata"].get("deletionTimestamp"):
                self._remove_finalizers(
                    p for p in pods if JOB_TRACKING_FINALIZER in (p["metadata"].get("finalizers") or ())
                )
            return
        self._sync(job, pods)

    def _orphan_pod(self, ns: str, name: str) -> None:
        pod = self.cluster.store.get("pods", ns, name)
        if pod is None or JOB_TRACKING_FINALIZER not in (pod["metadata"].get("finalizers") or ()):
            return
        ref = controller_ref(pod)
        owner = self.cluster.store.get("jobs.batch", ns, ref.get("name", "")) if ref else None
        if owner is None or owner["metadata"]["uid"] != ref.get("uid") or finished_condition(owner):  # type: ignore[union-attr]
            self._remove_finalizers([pod])

    # ---- syncJob ------------------------------------------------------------------------------------
    def _sync(self, job: Obj, pods: list[Obj]) -> None:
        spec = job.get("spec") or {}
        uid = job["metadata"]["uid"]
        now = self.api.now()
        now_s = rfc3339(now)
        status = clone(job.get("status") or {})
        uncounted = status.get("uncountedTerminatedPods") or {}
        unc_succ = list(uncounted.get("succeeded") or [])
        unc_fail = list(uncounted.get("failed") or [])
        tracked = [p for p in pods if JOB_TRACKING_FINALIZER in (p["metadata"].get("finalizers") or ())]
        new_succ = [
            p
            for p in tracked
            if (p.get("status") or {}).get("phase") == "Succeeded" and p["metadata"]["uid"] not in unc_succ
        ]
        new_fail = [
            p
            for p in tracked
            if _is_pod_failed(p, job)
            and p["metadata"]["uid"] not in unc_fail
            and (p.get("status") or {}).get("phase") != "Succeeded"
        ]
        active_pods = [p for p in pods if is_pod_active(p)]
        terminating = sum(1 for p in pods if is_pod_terminating(p))
        succeeded = int(status.get("succeeded", 0)) + len(new_succ) + len(unc_succ)
        failed = int(status.get("failed", 0)) + len(new_fail) + len(unc_fail)
        suspended = bool(spec.get("suspend"))
        if not status.get("startTime") and not suspended:
            status["startTime"] = now_s
        self._record_backoff(uid, new_succ, new_fail)

        finished: Obj | None = _condition(status, "SuccessCriteriaMet")
        if finished is None:
            ft = _condition(status, "FailureTarget")
            if ft is not None:
                finished = _new_condition("Failed", ft.get("reason", ""), ft.get("message", ""), now_s)
        if finished is None:
            backoff_limit = int(spec.get("backoffLimit", 6))
            start = parse_rfc3339(status.get("startTime"))
            ads = spec.get("activeDeadlineSeconds")
            if failed > backoff_limit or self._past_backoff_limit_on_failure(job, pods):
                finished = _new_condition(
                    "FailureTarget",
                    "BackoffLimitExceeded",
                    "Job has reached the specified backoff limit",
                    now_s,
                )
            elif ads is not None and start is not None and not suspended and now - start >= int(ads):
                finished = _new_condition(
                    "FailureTarget",
                    "DeadlineExceeded",
                    "Job was active longer than specified deadline",
                    now_s,
                )
            elif ads is not None and start is not None and not suspended:
                self.requeue_after(
                    ("jobs.batch", job["metadata"]["namespace"], job["metadata"]["name"]),
                    start + int(ads) - now,
                )
        active = len(active_pods)
        ready = sum(1 for p in active_pods if is_pod_ready(p))
        if finished is not None:
            for p in active_pods:
                if self._delete_pod(job, p):
                    active -= 1
                    terminating += 1
                    ready -= is_pod_ready(p)
        elif not job["metadata"].get("deletionTimestamp"):
            active = self._manage(job, active_pods, succeeded, now)
            completions = spec.get("completions")
            complete = (
                (succeeded > 0 and active == 0)
                if completions is None
                else (succeeded >= int(completions) and active == 0)
            )
            if complete:
                finished = _new_condition(
                    "SuccessCriteriaMet",
                    "CompletionsReached",
                    "Reached expected number of succeeded pods",
                    now_s,
                )
            else:
                conds, changed = self._suspend_condition(status, suspended, now_s)
                if changed:
                    status["conditions"] = conds
                    if not suspended:
                        status["startTime"] = now_s
        status["active"] = active
        status["ready"] = ready
        status["terminating"] = terminating
        self._track(
            job, status, tracked, unc_succ, unc_fail, new_succ, new_fail, finished, terminating, now_s
        )

    def _suspend_condition(self, status: Obj, suspended: bool, now: str) -> tuple[list[Obj], bool]:
        conds = [dict(c) for c in status.get("conditions") or ()]
        cur = next((c for c in conds if c.get("type") == "Suspended"), None)
        if suspended:
            if cur is not None and cur.get("status") == "True":
                return conds, False
            if cur is None:
                conds.append(_new_condition("Suspended", "JobSuspended", "Job suspended", now))
            else:
                cur.update(
                    status="True",
                    reason="JobSuspended",
                    message="Job suspended",
                    lastProbeTime=now,
                    lastTransitionTime=now,
                )
            return conds, True
        if cur is None or cur.get("status") == "False":
            return conds, False
        cur.update(
            status="False",
            reason="JobResumed",
            message="Job resumed",
            lastProbeTime=now,
            lastTransitionTime=now,
        )
        return conds, True

    def _past_backoff_limit_on_failure(self, job: Obj, pods: list[Obj]) -> bool:
        """``pastBackoffLimitOnFailure``: container restarts of active pods count for restartPolicy OnFailure."""
        spec = job.get("spec") or {}
        if ((spec.get("template") or {}).get("spec") or {}).get("restartPolicy") != "OnFailure":
            return False
        total = 0
        for p in pods:
            st = p.get("status") or {}
            if st.get("phase") not in ("Running", "Pending"):
                continue
            for cs in (st.get("initContainerStatuses") or []) + (st.get("containerStatuses") or []):
                total += int(cs.get("restartCount", 0))
        limit = int(spec.get("backoffLimit", 6))
        return total > 0 if limit == 0 else total >= limit

    def _record_backoff(self, uid: str, new_succ: list[Obj], new_fail: list[Obj]) -> None:
        count, last = self.backoff.get(uid, (0, 0.0))
        seen = self._seen_finished.setdefault(uid, set())
        fresh_fail = [p for p in new_fail if p["metadata"]["uid"] not in seen]
        fresh_succ = [p for p in new_succ if p["metadata"]["uid"] not in seen]
        for p in fresh_fail + fresh_succ:
            seen.add(p["metadata"]["uid"])
        if fresh_succ:
            count, last = 0, 0.0
        for p in sorted(fresh_fail, key=_finish_time):
            count += 1
            last = max(last, _finish_time(p))
        self.backoff[uid] = (count, last)

    def _manage(self, job: Obj, active_pods: list[Obj], succeeded: int, now: float) -> int:
        """``manageJob``: create pods up to parallelism (and the remaining completions), after back-off."""
        spec = job.get("spec") or {}
        active = len(active_pods)
        if spec.get("suspend"):
            for p in active_pods:
                if self._delete_pod(job, p):
                    active -= 1
            return active
        parallelism = int(spec.get("parallelism", 1))
        completions = spec.get("completions")
        if completions is None:
            wanted = 0 if succeeded > 0 else parallelism
        else:
            wanted = max(0, min(int(completions) - succeeded, parallelism))
        if active > wanted:
            extra = sorted(
                active_pods,
                key=lambda p: (
                    bool(p["spec"].get("nodeName")),
                    (p.get("status") or {}).get("phase") == "Running",
                    p["metadata"].get("creationTimestamp", ""),
                ),
            )
            for p in extra[: active - wanted]:
                if self._delete_pod(job, p):
                    active -= 1
            return active
        if active < wanted:
            count, last = self.backoff.get(job["metadata"]["uid"], (0, 0.0))
            remaining = last + backoff_delay(count) - now if count else 0.0
            if remaining > 0:
                self.requeue_after(
                    ("jobs.batch", job["metadata"]["namespace"], job["metadata"]["name"]), remaining
                )
                return active
            for _ in range(wanted - active):
                if self._create_pod(job):
                    active += 1
        return active

    def _create_pod(self, job: Obj) -> bool:
        template = (job.get("spec") or {}).get("template") or {}
        tmeta = template.get("metadata") or {}
        labels = dict(tmeta.get("labels") or {})
        if not (job.get("spec") or {}).get("selector"):
            uid, name = job["metadata"]["uid"], job["metadata"]["name"]
            labels.update(
                {CONTROLLER_UID: uid, JOB_NAME: name, LEGACY_CONTROLLER_UID: uid, LEGACY_JOB_NAME: name}
            )
        meta: Obj = {
            "finalizers": [JOB_TRACKING_FINALIZER],
            "generateName": f"{job['metadata']['name']}-",
            "labels": labels,
            "namespace": job["metadata"]["namespace"],
            "ownerReferences": [owner_ref(job)],
        }
        if tmeta.get("annotations"):
            meta["annotations"] = dict(tmeta["annotations"])
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": clone(template.get("spec") or {})}
        try:
            created = self.api.create(pod)
        except StatusError as err:
            self.recorder.event(job, WARNING, "FailedCreate", f"Error creating: {err.message}")
            return False
        self.recorder.event(job, NORMAL, "SuccessfulCreate", f"Created pod: {created['metadata']['name']}")
        return True

    def _delete_pod(self, job: Obj, pod: Obj) -> bool:
        try:
            self.api.delete("pods", pod["metadata"]["name"], pod["metadata"]["namespace"])
        except StatusError as err:
            return err.code == 404
        self.recorder.event(job, NORMAL, "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}")
        return True

    def _remove_finalizers(self, pods: Any) -> None:
        for p in pods:
            cur = self.cluster.store.get("pods", p["metadata"]["namespace"], p["metadata"]["name"])
            if cur is None or JOB_TRACKING_FINALIZER not in (cur["metadata"].get("finalizers") or ()):
                continue
            upd = clone(cur)
            fins = [f for f in upd["metadata"].get("finalizers", []) if f != JOB_TRACKING_FINALIZER]
            if fins:
                upd["metadata"]["finalizers"] = fins
            else:
                upd["metadata"].pop("finalizers", None)
            try:
                self.api.update(upd, validate_schema=False)
            except StatusError:
                pass

    def _track(
        self,
        job: Obj,
        status: Obj,
        tracked: list[Obj],
        unc_succ: list[str],
        unc_fail: list[str],
        new_succ: list[Obj],
        new_fail: list[Obj],
        finished: Obj | None,
        terminating: int,
        now: str,
    ) -> None:
        """``trackJobStatusAndRemoveFinalizers``: uncounted → finalizers removed → counters, then conditions."""
        is_failure = finished is not None and finished["type"] in ("FailureTarget", "Failed")
        to_release = [
            p
            for p in tracked
            if (p.get("status") or {}).get("phase") == "Succeeded"
            or _is_pod_failed(p, job)
            or finished is not None
        ]
        unc_succ = unc_succ + [p["metadata"]["uid"] for p in new_succ]
        fail_uids = {p["metadata"]["uid"] for p in new_fail}
        if is_failure:
            fail_uids |= {
                p["metadata"]["uid"]
                for p in to_release
                if (p.get("status") or {}).get("phase") != "Succeeded"
            }
        unc_fail = unc_fail + [u for u in fail_uids if u not in unc_fail]
        conds = [dict(c) for c in status.get("conditions") or ()]
        final: Obj | None = None
        if finished is not None:
            if finished["type"] == "FailureTarget":
                conds.append(finished)
                final = _new_condition("Failed", finished["reason"], finished["message"], now)
            elif finished["type"] == "SuccessCriteriaMet":
                if not any(c.get("type") == "SuccessCriteriaMet" for c in conds):
                    conds.append(finished)
                final = _new_condition("Complete", finished["reason"], finished["message"], now)
            else:
                final = finished
        status["conditions"] = conds
        if not conds:
            status.pop("conditions")
        status["uncountedTerminatedPods"] = _uncounted(unc_succ, unc_fail)
        self._write_status(job, status)
        self._remove_finalizers(to_release)
        released = {p["metadata"]["uid"] for p in to_release}
        still_succ = [u for u in unc_succ if u not in released and self._has_tracked(u, tracked)]
        still_fail = [u for u in unc_fail if u not in released and self._has_tracked(u, tracked)]
        status["succeeded"] = int(status.get("succeeded", 0)) + len(unc_succ) - len(still_succ)
        status["failed"] = int(status.get("failed", 0)) + len(unc_fail) - len(still_fail)
        status["uncountedTerminatedPods"] = _uncounted(still_succ, still_fail)
        done = final is not None and not still_succ and not still_fail and terminating == 0
        if done:
            assert final is not None
            final["lastProbeTime"] = final["lastTransitionTime"] = now
            status["conditions"] = [*status.get("conditions", []), final]
            if final["type"] == "Complete":
                status["completionTime"] = now
        self._write_status(job, status)
        if done:
            assert final is not None
            cur = (
                self.cluster.store.get("jobs.batch", job["metadata"]["namespace"], job["metadata"]["name"])
                or job
            )
            if final["type"] == "Complete":
                self.recorder.event(cur, NORMAL, "Completed", "Job completed")
            else:
                self.recorder.event(cur, WARNING, final["reason"], final["message"])

    @staticmethod
    def _has_tracked(uid: str, tracked: list[Obj]) -> bool:
        return any(p["metadata"]["uid"] == uid for p in tracked)

    def _write_status(self, job: Obj, status: Obj) -> None:
        cur = self.cluster.store.get("jobs.batch", job["metadata"]["namespace"], job["metadata"]["name"])
        status = _ordered_status(
            {k: v for k, v in status.items() if k not in ("active", "succeeded", "failed") or v}
        )
        if cur is None or cur["metadata"]["uid"] != job["metadata"]["uid"] or cur.get("status") == status:
            return
        upd = clone(cur)
        upd["status"] = status
        try:
            self.api.update_status(upd)
        except StatusError:
            pass


_STATUS_ORDER = (
    "conditions",
    "startTime",
    "completionTime",
    "active",
    "succeeded",
    "failed",
    "terminating",
    "completedIndexes",
    "failedIndexes",
    "uncountedTerminatedPods",
    "ready",
)


def _ordered_status(status: Obj) -> Obj:
    out = {k: status[k] for k in _STATUS_ORDER if k in status}
    out.update({k: v for k, v in status.items() if k not in out})
    return out


def _uncounted(succ: list[str], fail: list[str]) -> Obj:
    out: Obj = {}
    if fail:
        out["failed"] = list(fail)
    if succ:
        out["succeeded"] = list(succ)
    return out


class TTLAfterFinishedController(Controller):
    """Deletes finished Jobs ``ttlSecondsAfterFinished`` after they finished (foreground cascade)."""

    name = "ttl-after-finished-controller"
    watches = ("jobs.batch",)

    def reconcile(self, key: Key) -> None:
        _, ns, name = key
        job = self.cluster.store.get("jobs.batch", ns, name)
        if job is None or job["metadata"].get("deletionTimestamp"):
            return
        ttl = (job.get("spec") or {}).get("ttlSecondsAfterFinished")
        cond = finished_condition(job)
        if ttl is None or cond is None:
            return
        finish = (
            parse_rfc3339((job.get("status") or {}).get("completionTime"))
            or parse_rfc3339(cond.get("lastTransitionTime"))
            or self.api.now()
        )
        expire = finish + int(ttl)
        if self.api.now() < expire:
            self.requeue_after(key, expire - self.api.now())
            return
        try:
            self.api.delete(
                "jobs.batch",
                name,
                ns,
                propagation_policy="Foreground",
                preconditions_uid=job["metadata"]["uid"],
            )
        except StatusError:
            pass


def install(cluster: Any) -> JobController:
    """Register the Job controller and the TTL-after-finished controller with ``cluster``."""
    c = JobController(cluster)
    c = cluster.add_controller(c)  # type: ignore[assignment]
    cluster.add_controller(TTLAfterFinishedController(cluster))
    return c


__all__ = [
    "JobController",
    "TTLAfterFinishedController",
    "backoff_delay",
    "install",
    "job_selector",
    "prepare_job_for_create",
    "selector_from_label_selector",
]
