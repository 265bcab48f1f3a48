"""The CronJob controller (``pkg/controller/cronjob``, the v2 controller) on the virtual clock.

Jobs are named ``<cronjob>-<scheduled time in Unix minutes>``; ``concurrencyPolicy`` Allow/Forbid/Replace,
``startingDeadlineSeconds``, ``suspend`` and the successful/failed history limits behave as in 1.32.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..errors import StatusError
from ..events import NORMAL, WARNING, EventRecorder
from ..store import Event, Obj, clone
from ..timeutil import parse_rfc3339, rfc3339
from . import cron
from .base import Controller, Key
from .history import OwnerIndex, controller_ref, owner_ref
from .job import finished_condition

SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp"
NEXT_SCHEDULE_DELTA = 0.1  # the controller wakes 100 ms after each activation


def job_name_for(cronjob_name: str, scheduled: float) -> str:
    """``getJobName``: ``<cronjob>-<scheduledTime.Unix()/60>``."""
    return f"{cronjob_name}-{int(scheduled) // 60}"


def job_from_template(cj: Obj, scheduled: float) -> Obj:
    """``getJobFromTemplate2``: the Job created for the activation at ``scheduled``."""
    jt = (cj.get("spec") or {}).get("jobTemplate") or {}
    tmeta = jt.get("metadata") or {}
    annotations = dict(tmeta.get("annotations") or {})
    tz = cron.location((cj.get("spec") or {}).get("timeZone"))
    annotations[SCHEDULED_TIMESTAMP] = (
        datetime.fromtimestamp(int(scheduled), tz).isoformat().replace("+00:00", "Z")
    )
    meta: Obj = {
        "name": job_name_for(cj["metadata"]["name"], scheduled),
        "namespace": cj["metadata"]["namespace"],
        "annotations": annotations,
        "ownerReferences": [owner_ref(cj)],
    }
    if tmeta.get("labels"):
        meta["labels"] = dict(tmeta["labels"])
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta, "spec": clone(jt.get("spec") or {})}


def _object_ref(job: Obj) -> Obj:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "name": job["metadata"]["name"],
        "namespace": job["metadata"]["namespace"],
        "resourceVersion": job["metadata"].get("resourceVersion", ""),
        "uid": job["metadata"]["uid"],
    }


class CronJobController(Controller):
    """``ControllerV2.sync``: create Jobs on schedule, track them in ``status.active``, prune history."""

    name = "cronjob-controller"
    watches = ("cronjobs.batch", "jobs.batch")

    def __init__(self, cluster: Any) -> None:
        super().__init__(cluster)
        self.recorder = EventRecorder(self.api, "cronjob-controller")
        self.jobs = OwnerIndex()
        self.jobs.rebuild(cluster.store, "jobs.batch")
        self._timers: dict[Key, Any] = {}

    def on_event(self, ev: Event) -> None:
        meta = ev.object["metadata"]
        if ev.resource == "jobs.batch":
            ref = self.jobs.update(ev)
            if ref is not None and ref.get("kind") == "CronJob":
                self.queue.add(("cronjobs.batch", meta.get("namespace", ""), ref.get("name", "")))
            return
        self.queue.add((ev.resource, meta.get("namespace", "") or "", meta["name"]))

    def _wake_at(self, key: Key, when: float) -> None:
        old = self._timers.pop(key, None)
        if old is not None:
            old.cancel()
        self._timers[key] = self.cluster.clock.call_at(when, lambda: self.queue.add(key))

    def reconcile(self, key: Key) -> None:
        _, ns, name = key
        cj = self.cluster.store.get("cronjobs.batch", ns, name)
        if cj is None:
            t = self._timers.pop(key, None)
            if t is not None:
                t.cancel()
            return
        now = self.api.now()
        jobs = self.jobs.objects(self.cluster.store, "jobs.batch", cj["metadata"]["uid"])
        status = clone(cj.get("status") or {})
        self._track_active(cj, status, jobs)
        if not cj["metadata"].get("deletionTimestamp"):
            self._cleanup(cj, jobs)
        if cj["metadata"].get("deletionTimestamp"):
            self._write_status(cj, status)
            return
        spec = cj.get("spec") or {}
        try:
            sched = cron.parse(spec.get("schedule", ""))
            tz = cron.location(spec.get("timeZone"))
        except cron.CronError as err:
            self.recorder.event(
                cj,
                WARNING,
                "UnparseableSchedule" if "zone" not in str(err) else "UnknownTimeZone",
                f"unparseable schedule: {spec.get('schedule', '')!r} : {err}",
            )
            self._write_status(cj, status)
            return
        if spec.get("suspend"):
            self._write_status(cj, status)
            return
        earliest = (
            parse_rfc3339(status.get("lastScheduleTime"))
            or parse_rfc3339(cj["metadata"].get("creationTimestamp"))
            or now
        )
        sds = spec.get("startingDeadlineSeconds")
        if sds is not None:
            earliest = max(earliest, now - int(sds))
        scheduled, missed = cron.most_recent_schedule_time(sched, earliest, now, tz)
        if missed > 100:
            self.recorder.event(
                cj,
                WARNING,
                "TooManyMissedTimes",
                f"too many missed start times: {missed}. Set or decrease "
                ".spec.startingDeadlineSeconds or check clock skew",
            )
        nxt = sched.next(now, tz)
        if scheduled is None:
            self._write_status(cj, status)
            if nxt:
                self._wake_at(key, nxt + NEXT_SCHEDULE_DELTA)
            return
        if sds is not None and scheduled + int(sds) < now:
            self.recorder.event(
                cj, WARNING, "MissSchedule", f"Missed scheduled time to start a job: {rfc3339(scheduled)}"
            )
            self._write_status(cj, status)
            if nxt:
                self._wake_at(key, nxt + NEXT_SCHEDULE_DELTA)
            return
        job_name = job_name_for(name, scheduled)
        already = any(a.get("name") == job_name for a in status.get("active") or ()) or (
            parse_rfc3339(status.get("lastScheduleTime")) == scheduled
        )
        policy = spec.get("concurrencyPolicy", "Allow")
        if not already and policy == "Forbid" and status.get("active"):
            self.recorder.event(
                cj,
                NORMAL,
                "JobAlreadyActive",
                "Not starting job because prior execution is running and concurrency policy is Forbid",
            )
            self._write_status(cj, status)
            if nxt:
                self._wake_at(key, nxt + NEXT_SCHEDULE_DELTA)
            return
        if not already:
            if policy == "Replace":
                for ref in list(status.get("active") or ()):
                    try:
                        self.api.delete("jobs.batch", ref["name"], ns, propagation_policy="Background")
                    except StatusError:
                        continue
                    self.recorder.event(cj, NORMAL, "SuccessfulDelete", f"Deleted job {ref['name']}")
                    status["active"] = [
                        a for a in status.get("active") or () if a.get("uid") != ref.get("uid")
                    ]
            try:
                job = self.api.create(job_from_template(cj, scheduled))
            except StatusError as err:
                if err.code == 409:
                    job = self.api.get("jobs.batch", job_name, ns)
                else:
                    self.recorder.event(cj, WARNING, "FailedCreate", f"Error creating job: {err.message}")
                    self._write_status(cj, status)
                    return
            else:
                self.recorder.event(cj, NORMAL, "SuccessfulCreate", f"Created job {job['metadata']['name']}")
            if not any(a.get("uid") == job["metadata"]["uid"] for a in status.get("active") or ()):
                status["active"] = [*(status.get("active") or []), _object_ref(job)]
            status["lastScheduleTime"] = rfc3339(scheduled)
        self._write_status(cj, status)
        if nxt:
            self._wake_at(key, nxt + NEXT_SCHEDULE_DELTA)

    def _track_active(self, cj: Obj, status: Obj, jobs: list[Obj]) -> None:
        active = list(status.get("active") or [])
        by_uid = {j["metadata"]["uid"]: j for j in jobs}
        for job in jobs:
            uid = job["metadata"]["uid"]
            in_active = any(a.get("uid") == uid for a in active)
            cond = finished_condition(job)
            if cond is None:
                if not in_active and not job["metadata"].get("deletionTimestamp"):
                    sched = parse_rfc3339((job["metadata"].get("annotations") or {}).get(SCHEDULED_TIMESTAMP))
                    last = parse_rfc3339(status.get("lastScheduleTime"))
                    if sched is None or last is None or sched <= last:
                        active.append(_object_ref(job))
                continue
            if in_active:
                active = [a for a in active if a.get("uid") != uid]
                self.recorder.event(
                    cj,
                    NORMAL,
                    "SawCompletedJob",
                    f"Saw completed job: {job['metadata']['name']}, status: {cond['type']}",
                )
            if cond["type"] == "Complete":
                done = parse_rfc3339((job.get("status") or {}).get("completionTime"))
                last = parse_rfc3339(status.get("lastSuccessfulTime"))
                if done is not None and (last is None or done > last):
                    status["lastSuccessfulTime"] = rfc3339(done)
        active = [a for a in active if a.get("uid") in by_uid]
        if active:
            status["active"] = active
        else:
            status.pop("active", None)

    def _cleanup(self, cj: Obj, jobs: list[Obj]) -> None:
        spec = cj.get("spec") or {}
        ok: list[Obj] = []
        bad: list[Obj] = []
        for job in jobs:
            cond = finished_condition(job)
            if cond is None or job["metadata"].get("deletionTimestamp"):
                continue
            (ok if cond["type"] == "Complete" else bad).append(job)
        for group, limit in (
            (ok, spec.get("successfulJobsHistoryLimit")),
            (bad, spec.get("failedJobsHistoryLimit")),
        ):
            if limit is None or len(group) <= int(limit):
                continue
            group.sort(key=lambda j: ((j.get("status") or {}).get("startTime") or "", j["metadata"]["name"]))
            for job in group[: len(group) - int(limit)]:
                try:
                    self.api.delete(
                        "jobs.batch",
                        job["metadata"]["name"],
                        job["metadata"]["namespace"],
                        propagation_policy="Background",
                    )
                except StatusError:
                    continue
                self.recorder.event(cj, NORMAL, "SuccessfulDelete", f"Deleted job {job['metadata']['name']}")

    def _write_status(self, cj: Obj, status: Obj) -> None:
        cur = self.cluster.store.get("cronjobs.batch", cj["metadata"]["namespace"], cj["metadata"]["name"])
        if cur is None or cur.get("status") == status:
            return
        upd = clone(cur)
        order = ("active", "lastScheduleTime", "lastSuccessfulTime")
        upd["status"] = {k: status[k] for k in order if k in status} | {
            k: v for k, v in status.items() if k not in order
        }
        try:
            self.api.update_status(upd)
        except StatusError:
            pass


def is_owned_by_cronjob(job: Obj) -> bool:
    """True when a CronJob controls ``job``."""
    ref = controller_ref(job)
    return ref is not None and ref.get("kind") == "CronJob"


def install(cluster: Any) -> CronJobController:
    """Register the CronJob controller with ``cluster``."""
    c = CronJobController(cluster)
    c = cluster.add_controller(c)  # type: ignore[assignment]
    return c
