"""``kubectl rollout status|history|undo|pause|resume|restart``.

Each sub-command dispatches on the target's group-resource to a :class:`RolloutHandler` (kubectl's
polymorphic helpers: status viewer, history viewer, rollbacker, pauser, resumer, restarter). Deployments are
handled here; other kinds plug in with :func:`register_handler`.
"""

from __future__ import annotations

from typing import Any

from ...engine.controllers.deployment import equal_ignore_hash, template_without_hash
from ...engine.errors import StatusError
from ...engine.registry import ResourceType
from ...engine.store import DELETED, Event, clone
from ...engine.timeutil import rfc3339
from ..describe.pod import describe_pod_template
from ..describe.tabwriter import PrefixWriter, TabWriter
from ..durations import DurationError, parse_duration
from ..flags import Flag
from ..main import Command, Ctx, format_status_error
from ..output import OPERATION_FORMATS, check_format, render
from ..result import CommandError, StepStream, Stream, hand_off
from .common import FILE_FLAGS, load_manifests, resolve_type

Obj = dict[str, Any]
Target = tuple[ResourceType, str, str | None]

CHANGE_CAUSE = "kubernetes.io/change-cause"
REVISION = "deployment.kubernetes.io/revision"
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
# kubectl's annotationsToSkip for rollback (polymorphichelpers/rollback.go).
ANNOTATIONS_TO_SKIP = frozenset(
    {
        "kubectl.kubernetes.io/last-applied-configuration",
        REVISION,
        "deployment.kubernetes.io/revision-history",
        "deployment.kubernetes.io/desired-replicas",
        "deployment.kubernetes.io/max-replicas",
        "deprecated.deployment.rollback.to",
    }
)
# Virtual time `rollout status` waits at most when --timeout is 0 ("forever") before giving up.
FOREVER_CAP = 3600.0


class RolloutError(Exception):
    """A rollout helper failed; ``str()`` is kubectl's message without the ``error: `` prefix."""


class RolloutHandler:
    """The per-kind rollout helpers. Subclass and override what the kind supports."""

    kind = ""

    def status(self, obj: Obj, revision: int) -> tuple[str, bool]:
        """``StatusViewer.Status``: (message with trailing newline, done)."""
        raise RolloutError(f"no status viewer has been implemented for {self.kind}")

    def history(self, ctx: Ctx, obj: Obj, revision: int) -> str:
        """``HistoryViewer.ViewHistory``."""
        raise RolloutError(f"no history viewer has been implemented for {self.kind!r}")

    def rollback(self, ctx: Ctx, obj: Obj, to_revision: int, dry_run: bool) -> str:
        """``Rollbacker.Rollback``: returns the operation text (``rolled back``...)."""
        raise RolloutError(f"no rollbacker has been implemented for {self.kind!r}")

    def pause(self, obj: Obj) -> Obj | None:
        """``ObjectPauser``: the patch to send, or None when already paused."""
        raise RolloutError("pausing is not supported")

    def resume(self, obj: Obj) -> Obj | None:
        """``ObjectResumer``: the patch to send, or None when not paused."""
        raise RolloutError("resuming is not supported")

    def restart(self, obj: Obj, now: float) -> Obj:
        """``ObjectRestarter``: the patch to send."""
        raise RolloutError("restarting is not supported")


def owned_replica_sets(ctx: Ctx, dep: Obj) -> list[Obj]:
    """``deploymentutil.GetAllReplicaSets``: ReplicaSets controlled by the Deployment."""
    uid = dep["metadata"].get("uid")
    out = []
    for rs in ctx.api.list_objects("replicasets.apps", dep["metadata"].get("namespace")):
        for ref in rs["metadata"].get("ownerReferences") or ():
            if ref.get("controller") and ref.get("uid") == uid:
                out.append(rs)
    return out


def _revision(obj: Obj) -> int | None:
    v = (obj["metadata"].get("annotations") or {}).get(REVISION)
    try:
        return int(v) if v is not None else None
    except ValueError:
        return None


class _RawWriter:
    """A writer with no tabwriter behind it: describe text with raw tab characters (``printTemplate``)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def flush(self) -> None:
        pass

    def getvalue(self) -> str:
        return "".join(self.parts)


def print_template(template: Any) -> str:
    """polymorphichelpers ``printTemplate``: DescribePodTemplate through a bare PrefixWriter."""
    raw = _RawWriter()
    describe_pod_template(template, PrefixWriter(raw))  # type: ignore[arg-type]
    return raw.getvalue()


class DeploymentRollout(RolloutHandler):
    """Deployments: status viewer, history viewer, rollbacker, pauser, resumer, restarter."""

    kind = "Deployment"

    def status(self, obj: Obj, revision: int) -> tuple[str, bool]:
        name = obj["metadata"]["name"]
        if revision > 0:
            current = _revision(obj) or 0
            if revision != current:
                raise RolloutError(
                    f"desired revision ({revision}) is different from the running revision ({current})"
                )
        status = obj.get("status") or {}
        if int(obj["metadata"].get("generation") or 0) <= int(status.get("observedGeneration") or 0):
            for c in status.get("conditions") or ():
                if c.get("type") == "Progressing" and c.get("reason") == "ProgressDeadlineExceeded":
                    raise RolloutError(f'deployment "{name}" exceeded its progress deadline')
            replicas = (obj.get("spec") or {}).get("replicas")
            updated = int(status.get("updatedReplicas") or 0)
            total = int(status.get("replicas") or 0)
            available = int(status.get("availableReplicas") or 0)
            if replicas is not None and updated < int(replicas):
                return (
                    f'Waiting for deployment "{name}" rollout to finish: {updated} out of {replicas} new '
                    "replicas have been updated...\n",
                    False,
                )
            if total > updated:
                return (
                    f'Waiting for deployment "{name}" rollout to finish: {total - updated} old replicas are '
                    "pending termination...\n",
                    False,
                )
            if available < updated:
                return (
                    f'Waiting for deployment "{name}" rollout to finish: {available} of {updated} updated '
                    "replicas are available...\n",
                    False,
                )
            return f'deployment "{name}" successfully rolled out\n', True
        return "Waiting for deployment spec update to be observed...\n", False

    def history(self, ctx: Ctx, obj: Obj, revision: int) -> str:
        info: dict[int, Obj] = {}
        for rs in owned_replica_sets(ctx, obj):
            v = _revision(rs)
            if v is None:
                continue
            template = clone((rs.get("spec") or {}).get("template") or {})
            cause = (rs["metadata"].get("annotations") or {}).get(CHANGE_CAUSE, "")
            tmeta = template.setdefault("metadata", {})
            anns = tmeta.setdefault("annotations", {})
            if cause:
                anns[CHANGE_CAUSE] = cause
            info[v] = template
        if not info:
            return "No rollout history found."
        if revision > 0:
            if revision not in info:
                raise RolloutError("unable to find the specified revision")
            return print_template(info[revision])
        tw = TabWriter(0, 8, 2, " ", 0)
        tw.write("REVISION\tCHANGE-CAUSE\n")
        for r in sorted(info):
            cause = ((info[r].get("metadata") or {}).get("annotations") or {}).get(CHANGE_CAUSE) or "<none>"
            tw.write(f"{r}\t{cause}\n")
        tw.flush()
        return tw.getvalue()

    def rollback(self, ctx: Ctx, obj: Obj, to_revision: int, dry_run: bool) -> str:
        if to_revision < 0:
            raise RolloutError(f"unable to find specified revision {to_revision} in history")
        dep = ctx.api.get("deployments.apps", obj["metadata"]["name"], obj["metadata"].get("namespace"))
        target = self._revision_rs(ctx, dep, to_revision)
        template = clone((target.get("spec") or {}).get("template") or {})
        if dry_run:
            return print_template(template)
        if (dep.get("spec") or {}).get("paused"):
            raise RolloutError(
                "you cannot rollback a paused deployment; resume it first with 'kubectl rollout "
                "resume' and try again"
            )
        if equal_ignore_hash(template, dep["spec"].get("template")):
            return f"skipped rollback (current template already matches revision {to_revision})"
        template = template_without_hash(template)
        annotations: dict[str, str] = {}
        dep_ann = dep["metadata"].get("annotations") or {}
        for k in ANNOTATIONS_TO_SKIP:
            if k in dep_ann:
                annotations[k] = dep_ann[k]
        for k, v in (target["metadata"].get("annotations") or {}).items():
            if k not in ANNOTATIONS_TO_SKIP:
                annotations[k] = v
        patch = [
            {"op": "replace", "path": "/spec/template", "value": template},
            {"op": "replace", "path": "/metadata/annotations", "value": annotations},
        ]
        try:
            ctx.api.patch(
                "deployments.apps", dep["metadata"]["name"], dep["metadata"].get("namespace"), patch, "json"
            )
        except StatusError as e:
            raise RolloutError(f"failed restoring revision {to_revision}: {e.message}") from None
        return "rolled back"

    def _revision_rs(self, ctx: Ctx, dep: Obj, to_revision: int) -> Obj:
        latest: Obj | None = None
        latest_rev = -1
        previous: Obj | None = None
        previous_rev = -1
        for rs in owned_replica_sets(ctx, dep):
            v = _revision(rs)
            if v is None:
                continue
            if to_revision == 0:
                if latest_rev < v:
                    previous_rev, previous = latest_rev, latest
                    latest_rev, latest = v, rs
                elif previous_rev < v:
                    previous_rev, previous = v, rs
            elif to_revision == v:
                return rs
        if to_revision > 0:
            raise RolloutError(f"unable to find specified revision {to_revision} in history")
        if previous is None:
            raise RolloutError(f'no rollout history found for deployment "{dep["metadata"]["name"]}"')
        return previous

    def pause(self, obj: Obj) -> Obj | None:
        if (obj.get("spec") or {}).get("paused"):
            raise RolloutError("is already paused")
        return {"spec": {"paused": True}}

    def resume(self, obj: Obj) -> Obj | None:
        if not (obj.get("spec") or {}).get("paused"):
            raise RolloutError("is not paused")
        return {"spec": {"paused": None}}

    def restart(self, obj: Obj, now: float) -> Obj:
        if (obj.get("spec") or {}).get("paused"):
            raise RolloutError("can't restart paused deployment (run rollout resume first)")
        return {"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: rfc3339(now)}}}}}


class DaemonSetRollout(RolloutHandler):
    """DaemonSets: the status viewer (polymorphichelpers ``DaemonSetStatusViewer``)."""

    kind = "DaemonSet"

    def status(self, obj: Obj, revision: int) -> tuple[str, bool]:
        spec, status = obj.get("spec") or {}, obj.get("status") or {}
        if (spec.get("updateStrategy") or {}).get("type") != "RollingUpdate":
            raise RolloutError("rollout status is only available for RollingUpdate strategy type")
        name = obj["metadata"]["name"]
        if int(obj["metadata"].get("generation") or 0) <= int(status.get("observedGeneration") or 0):
            updated = int(status.get("updatedNumberScheduled") or 0)
            desired = int(status.get("desiredNumberScheduled") or 0)
            available = int(status.get("numberAvailable") or 0)
            if updated < desired:
                return (
                    f'Waiting for daemon set "{name}" rollout to finish: {updated} out of {desired} new pods '
                    "have been updated...\n",
                    False,
                )
            if available < desired:
                return (
                    f'Waiting for daemon set "{name}" rollout to finish: {available} of {desired} updated pods '
                    "are available...\n",
                    False,
                )
            return f'daemon set "{name}" successfully rolled out\n', True
        return "Waiting for daemon set spec update to be observed...\n", False


class StatefulSetRollout(RolloutHandler):
    """StatefulSets: the status viewer (polymorphichelpers ``StatefulSetStatusViewer``)."""

    kind = "StatefulSet"

    def status(self, obj: Obj, revision: int) -> tuple[str, bool]:
        spec, status = obj.get("spec") or {}, obj.get("status") or {}
        strategy = spec.get("updateStrategy") or {}
        if strategy.get("type") != "RollingUpdate":
            raise RolloutError("rollout status is only available for RollingUpdate strategy type")
        observed = int(status.get("observedGeneration") or 0)
        if observed == 0 or int(obj["metadata"].get("generation") or 0) > observed:
            return "Waiting for statefulset spec update to be observed...\n", False
        replicas = spec.get("replicas")
        ready = int(status.get("readyReplicas") or 0)
        if replicas is not None and ready < int(replicas):
            return f"Waiting for {int(replicas) - ready} pods to be ready...\n", False
        updated = int(status.get("updatedReplicas") or 0)
        ru = strategy.get("rollingUpdate")
        if isinstance(ru, dict):
            if replicas is not None and ru.get("partition") is not None:
                want = int(replicas) - int(ru["partition"])
                if updated < want:
                    return (
                        f"Waiting for partitioned roll out to finish: {updated} out of {want} new pods have "
                        "been updated...\n",
                        False,
                    )
            return f"partitioned roll out complete: {updated} new pods have been updated...\n", True
        if status.get("updateRevision") != status.get("currentRevision"):
            return (
                f"waiting for statefulset rolling update to complete {updated} pods at revision "
                f"{status.get('updateRevision') or ''}...\n",
                False,
            )
        return (
            f"statefulset rolling update complete {int(status.get('currentReplicas') or 0)} pods at revision "
            f"{status.get('currentRevision') or ''}...\n",
            True,
        )


HANDLERS: dict[str, RolloutHandler] = {
    "deployments.apps": DeploymentRollout(),
    "daemonsets.apps": DaemonSetRollout(),
    "statefulsets.apps": StatefulSetRollout(),
}


def register_handler(group_resource: str, handler: RolloutHandler) -> None:
    """Plug in the rollout helpers for another kind (``daemonsets.apps``, ``statefulsets.apps``)."""
    HANDLERS[group_resource] = handler


def handler_for(rt: ResourceType) -> RolloutHandler:
    """The helpers for ``rt`` (a base handler that refuses everything for kinds without one)."""
    h = HANDLERS.get(rt.group_resource)
    if h is None:
        h = RolloutHandler()
        h.kind = rt.kind
    return h


# ---- target resolution -----------------------------------------------------------------------------------


def resolve_targets(ctx: Ctx, args: list[str], errors: list[str]) -> list[Target]:
    """``TYPE NAME...``, ``TYPE/NAME...``, ``TYPE -l SEL`` or ``-f FILE`` as (type, name, namespace)."""
    out: list[Target] = []
    if ctx.flag("filename"):
        for m in load_manifests(ctx, ctx.flag("filename") or [], errors):
            rt = ctx.cluster.registry.by_gvk(m.obj.get("apiVersion", ""), m.obj.get("kind", ""))
            if rt is None:
                continue
            ns = (m.obj.get("metadata") or {}).get("namespace") or ctx.namespace
            out.append((rt, m.obj["metadata"]["name"], ns if rt.namespaced else None))
        return out
    if not args:
        return out
    if "/" in args[0]:
        for a in args:
            t, _, n = a.partition("/")
            if not n:
                raise CommandError(
                    "error: arguments in resource/name form must have a single resource and name"
                )
            rt = resolve_type(ctx, t)
            out.append((rt, n, ctx.namespace if rt.namespaced else None))
        return out
    rt = resolve_type(ctx, args[0])
    names = args[1:]
    if names:
        for n in names:
            out.append((rt, n, ctx.namespace if rt.namespaced else None))
        return out
    selector = ctx.flag("selector")
    if selector or ctx.flag("all"):
        for o in ctx.api.list_objects(rt, ctx.namespace if rt.namespaced else None, selector or None):
            out.append((rt, o["metadata"]["name"], o["metadata"].get("namespace")))
        if not out:
            raise CommandError(f"error: no resources found in {ctx.namespace} namespace.")
        return out
    raise CommandError("error: resource(s) were provided, but no name was specified")


def _required(ctx: Ctx) -> None:
    if not ctx.args and not ctx.flag("filename"):
        raise CommandError("error: required resource not specified")


def _finish(ctx: Ctx, errors: list[str]) -> None:
    if errors:
        ctx.err("".join(e if e.endswith("\n") else e + "\n" for e in errors))
        ctx.result.exit_code = 1


# ---- status ----------------------------------------------------------------------------------------------


def cmd_status(ctx: Ctx) -> None:
    """``rollout status``: advance virtual time until the rollout is done or --timeout passes."""
    if not ctx.args and not ctx.flag("filename"):
        raise CommandError("error: required resource not specified")
    revision = int(ctx.flag("revision") or 0)
    if revision < 0:
        raise CommandError(f"error: revision must be a positive integer: {revision}")
    try:
        timeout = parse_duration(str(ctx.flag("timeout") or "0s"))
    except DurationError:
        raise CommandError(
            f'error: invalid argument "{ctx.flag("timeout")}" for "--timeout" flag: time: invalid '
            f'duration "{ctx.flag("timeout")}"'
        ) from None
    errors: list[str] = []
    targets = resolve_targets(ctx, ctx.args, errors)
    if errors:
        _finish(ctx, errors)
        return
    if len(targets) != 1:
        raise CommandError(
            "error: rollout status is only supported on individual resources and resource "
            f"collections - {len(targets)} resources were found"
        )
    rt, name, ns = targets[0]
    cluster = ctx.cluster
    cluster.settle()
    obj = ctx.api.peek_or_raise(rt, name, ns)
    handler = handler_for(rt)
    watch_on = ctx.flag("watch", True)
    events: list[Event] = []
    w: Any = ctx.api.watch(rt, ns, None, events.append)
    try:
        last: Any = None

        def show(o: Obj) -> bool:
            nonlocal last
            sig = (o["metadata"].get("generation"), o.get("status"))
            if sig == last:
                return False
            last = sig
            try:
                msg, done = handler.status(o, revision)
            except RolloutError as e:
                raise CommandError(f"error: {e}") from None
            ctx.out(msg)
            return done or not watch_on

        if show(obj):
            return

        def consume() -> bool:
            """Show the object's changes since the last call; True once the rollout is done."""
            for ev in events:
                if ev.object["metadata"]["name"] != name:
                    continue
                if ev.type == DELETED:
                    raise CommandError("error: object has been deleted")
                if show(ev.object):
                    return True
            events.clear()
            return False

        if timeout > 0:
            live_deadline: float | None = cluster.now() + timeout
        else:
            live_deadline = None  # a real kubectl waits until Ctrl+C

        def live_step(stream: Stream) -> None:
            if consume():
                stream.finish(0)
            elif live_deadline is not None and cluster.now() >= live_deadline:
                raise CommandError("error: timed out waiting for the condition")

        if hand_off(ctx.kubectl, ctx.result, StepStream(ctx.result, live_step, w.stop)):
            w = None
            return
        deadline = cluster.now() + (timeout if timeout > 0 else FOREVER_CAP)
        while True:
            if consume():
                return
            nd = cluster.clock.next_due()
            if nd is None or nd > deadline:
                cluster.clock.run_until(deadline)
                cluster.settle()
                if any(e.object["metadata"]["name"] == name for e in events):
                    continue
                msg = "error: timed out waiting for the condition"
                if timeout <= 0:
                    msg += (
                        f"\nhint: nothing changed for {int(FOREVER_CAP)}s of simulated time; a real kubectl "
                        "would keep waiting (Ctrl-C)"
                    )
                raise CommandError(msg)
            cluster.clock.step()
            cluster.settle()
    finally:
        if w is not None:
            w.stop()


# ---- history ---------------------------------------------------------------------------------------------


def cmd_history(ctx: Ctx) -> None:
    """``rollout history [--revision=N]``."""
    _required(ctx)
    revision = int(ctx.flag("revision") or 0)
    if revision < 0:
        raise CommandError(f"error: revision must be a positive integer: {revision}")
    output = ctx.flag("output") or ""
    check_format(output, OPERATION_FORMATS)
    errors: list[str] = []
    for rt, name, ns in resolve_targets(ctx, ctx.args, errors):
        try:
            obj = ctx.api.get(rt, name, ns)
        except StatusError as e:
            errors.append(format_status_error(e))
            continue
        handler = handler_for(rt)
        if output:
            ctx.out(render([obj], output, single=True, rt=rt, read_file=ctx.read_path))
            continue
        try:
            text = handler.history(ctx, obj, revision)
        except RolloutError as e:
            errors.append(f"error: {e}")
            continue
        with_rev = f"with revision #{revision}" if revision > 0 else ""
        ctx.out(f"{rt.kind_prefix}/{name} {with_rev}\n{text}\n")
    _finish(ctx, errors)


# ---- undo ------------------------------------------------------------------------------------------------


def cmd_undo(ctx: Ctx) -> None:
    """``rollout undo [--to-revision=N]``: kubectl copies the old ReplicaSet's template back."""
    _required(ctx)
    to_revision = int(ctx.flag("to-revision") or 0)
    dry = ctx.flag("dry-run") or "none"
    if dry not in ("none", "client", "server", "unchanged"):
        raise CommandError(f'error: Invalid dry-run value ({dry}). Must be "none", "server", or "client".')
    errors: list[str] = []
    for rt, name, ns in resolve_targets(ctx, ctx.args, errors):
        try:
            obj = ctx.api.get(rt, name, ns)
            result = handler_for(rt).rollback(ctx, obj, to_revision, dry in ("client", "unchanged"))
        except StatusError as e:
            errors.append(format_status_error(e))
            continue
        except RolloutError as e:
            errors.append(f"error: {e}")
            continue
        suffix = (
            " (dry run)" if dry in ("client", "unchanged") else " (server dry run)" if dry == "server" else ""
        )
        ctx.out(f"{rt.kind_prefix}/{name} {result}{suffix}\n")
    ctx.cluster.settle()
    _finish(ctx, errors)


# ---- pause / resume / restart ----------------------------------------------------------------------------


def _patching(ctx: Ctx, what: str, done: str, already: str) -> None:
    _required(ctx)
    errors: list[str] = []
    for rt, name, ns in resolve_targets(ctx, ctx.args, errors):
        try:
            obj = ctx.api.get(rt, name, ns)
        except StatusError as e:
            errors.append(format_status_error(e))
            continue
        handler = handler_for(rt)
        try:
            if what == "pause":
                patch = handler.pause(obj)
            elif what == "resume":
                patch = handler.resume(obj)
            else:
                patch = handler.restart(obj, ctx.now())
        except RolloutError as e:
            errors.append(f'error: {rt.group_resource} "{name}" {e}')
            continue
        if patch is None:
            ctx.out(f"{rt.kind_prefix}/{name} {already}\n")
            continue
        dry = ctx.flag("dry-run") or "none"
        if dry in ("client", "unchanged"):
            ctx.out(f"{rt.kind_prefix}/{name} {done} (dry run)\n")
            continue
        try:
            ctx.api.patch(
                rt, name, ns, patch, "merge" if what == "resume" else "strategic", dry_run=dry == "server"
            )
        except StatusError as e:
            errors.append(format_status_error(e))
            continue
        ctx.out(f"{rt.kind_prefix}/{name} {done}{' (server dry run)' if dry == 'server' else ''}\n")
    ctx.cluster.settle()
    _finish(ctx, errors)


def cmd_pause(ctx: Ctx) -> None:
    """``rollout pause``."""
    _patching(ctx, "pause", "paused", "already paused")


def cmd_resume(ctx: Ctx) -> None:
    """``rollout resume``."""
    _patching(ctx, "resume", "resumed", "already resumed")


def cmd_restart(ctx: Ctx) -> None:
    """``rollout restart``: stamps ``kubectl.kubernetes.io/restartedAt`` on the pod template."""
    _patching(ctx, "restart", "restarted", "restarted")


SELECTOR = Flag("selector", "string", "l")
OUTPUT = Flag("output", "string", "o")
DRY_RUN = Flag("dry-run", "string", default="none", no_opt_default="unchanged")
FIELD_MANAGER = Flag("field-manager", "string", default="kubectl-rollout")


def rollout_command() -> Command:
    """The ``rollout`` command with its sub-commands."""
    common = [*FILE_FLAGS, SELECTOR]
    return Command(
        "rollout",
        None,
        short="Manage the rollout of a resource",
        subcommands={
            "history": Command(
                "history",
                cmd_history,
                [
                    *common,
                    OUTPUT,
                    Flag("revision", "int", default=0),
                    Flag("show-managed-fields", "bool", default=False),
                    Flag("template", "string"),
                ],
                short="View rollout history",
            ),
            "pause": Command(
                "pause",
                cmd_pause,
                [*common, OUTPUT, FIELD_MANAGER, Flag("template", "string")],
                short="Mark the provided resource as paused",
            ),
            "restart": Command(
                "restart",
                cmd_restart,
                [*common, OUTPUT, DRY_RUN, FIELD_MANAGER, Flag("template", "string")],
                short="Restart a resource",
            ),
            "resume": Command(
                "resume",
                cmd_resume,
                [*common, OUTPUT, FIELD_MANAGER, Flag("template", "string")],
                short="Resume a paused resource",
            ),
            "status": Command(
                "status",
                cmd_status,
                [
                    *common,
                    Flag("revision", "int", default=0),
                    Flag("timeout", "string", default="0s"),
                    Flag("watch", "bool", "w", default=True),
                ],
                short="Show the status of the rollout",
            ),
            "undo": Command(
                "undo",
                cmd_undo,
                [*common, OUTPUT, DRY_RUN, Flag("to-revision", "int", default=0), Flag("template", "string")],
                short="Undo a previous rollout",
            ),
        },
    )
