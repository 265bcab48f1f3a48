"""``kubectl describe pod`` and the pieces other describers reuse (containers, volumes, pod templates)."""

from __future__ import annotations

import math
from typing import Any

from k8stutor.engine.quantity import Quantity, QuantityError

from .common import (
    MIRROR_POD_ANNOTATION,
    DescribeClient,
    d,
    describe_events,
    fmt_time,
    format_label_selector,
    go_bool,
    go_value,
    i,
    lst,
    print_annotations_multiline,
    print_bool,
    print_controller,
    print_labels_multiline,
    print_tolerations_multiline,
    s,
    search_events,
    since,
    str_map,
    string_or_none,
)
from .tabwriter import LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, PrefixWriter

# --- resources / QoS -----------------------------------------------------------------------------------------


def resource_list(value: Any) -> dict[str, Quantity]:
    """A ``ResourceList`` parsed into quantities (unparseable entries are skipped)."""
    out: dict[str, Quantity] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            try:
                out[str(k)] = Quantity.parse(v)
            except QuantityError:
                continue
    return out


def _add_list(target: dict[str, Quantity], new: dict[str, Quantity]) -> None:
    for name, q in new.items():
        if name not in target:
            target[name] = q.copy()
        else:
            target[name].add(q)


def _max_list(target: dict[str, Quantity], new: dict[str, Quantity]) -> None:
    for name, q in new.items():
        if name not in target or q.cmp(target[name]) > 0:
            target[name] = q.copy()


def _is_sidecar(c: dict) -> bool:
    return s(c, "restartPolicy") == "Always"


def pod_requests_and_limits(pod: dict) -> tuple[dict[str, Quantity], dict[str, Quantity]]:
    """kubectl ``resourcehelper.PodRequestsAndLimits`` (init containers, sidecars and overhead included)."""
    spec = d(pod, "spec")
    statuses = {s(cs, "name"): cs for cs in lst(pod, "status", "containerStatuses") if isinstance(cs, dict)}
    reqs: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    for c in lst(spec, "containers"):
        if not isinstance(c, dict):
            continue
        creq = resource_list(d(c, "resources").get("requests"))
        cs = statuses.get(s(c, "name"))
        if cs is not None and isinstance(cs.get("allocatedResources"), dict):
            alloc = resource_list(cs.get("allocatedResources"))
            merged = dict(creq)
            _max_list(merged, alloc)
            creq = merged
        _add_list(reqs, creq)
        _add_list(limits, resource_list(d(c, "resources").get("limits")))
    for field, target in (("requests", reqs), ("limits", limits)):
        restartable: dict[str, Quantity] = {}
        init_max: dict[str, Quantity] = {}
        for c in lst(spec, "initContainers"):
            if not isinstance(c, dict):
                continue
            cres = resource_list(d(c, "resources").get(field))
            if _is_sidecar(c):
                _add_list(target, cres)
                _add_list(restartable, cres)
                cres = restartable
            else:
                tmp: dict[str, Quantity] = {}
                _add_list(tmp, cres)
                _add_list(tmp, restartable)
                cres = tmp
            _max_list(init_max, cres)
        _max_list(target, init_max)
    overhead = resource_list(spec.get("overhead"))
    if overhead:
        _add_list(reqs, overhead)
        for name, q in overhead.items():
            if name in limits:
                limits[name].add(q)
    return reqs, limits


def pod_qos(pod: dict) -> str:
    """kubectl ``qos.GetPodQOS``: ``status.qosClass`` if set, else computed from requests and limits."""
    if s(pod, "status", "qosClass"):
        return s(pod, "status", "qosClass")
    requests: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    guaranteed = True
    zero = Quantity()
    spec = d(pod, "spec")
    for c in [*lst(spec, "containers"), *lst(spec, "initContainers")]:
        if not isinstance(c, dict):
            continue
        for name, q in resource_list(d(c, "resources").get("requests")).items():
            if name in ("cpu", "memory") and q.cmp(zero) == 1:
                if name in requests:
                    requests[name].add(q)
                else:
                    requests[name] = q.copy()
        found = set()
        for name, q in resource_list(d(c, "resources").get("limits")).items():
            if name in ("cpu", "memory") and q.cmp(zero) == 1:
                found.add(name)
                if name in limits:
                    limits[name].add(q)
                else:
                    limits[name] = q.copy()
        if not {"cpu", "memory"} <= found:
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed:
        for name, req in requests.items():
            if name not in limits or limits[name].cmp(req) != 0:
                guaranteed = False
                break
    if guaranteed and len(requests) == len(limits):
        return "Guaranteed"
    return "Burstable"


def describe_resources(resources: Any, w: PrefixWriter, level: int) -> None:
    """``describeResources``: Limits then Requests, names sorted, quantities canonical."""
    if not isinstance(resources, dict):
        return
    for title in ("limits", "requests"):
        rl = resources.get(title)
        if not isinstance(rl, dict) or not rl:
            continue
        w.write(level, f"{title.capitalize()}:\n")
        for name in sorted(rl):
            try:
                val = str(Quantity.parse(rl[name]))
            except QuantityError:
                val = go_value(rl[name])
            w.write(level + 1, f"{name}:\t{val}\n")


# --- containers ----------------------------------------------------------------------------------------------


def _int_or_string(v: Any) -> str:
    if v is None:
        return "0"
    return go_value(v)


def describe_probe(probe: dict) -> str:
    """``DescribeProbe``: ``http-get http://:8080/healthz delay=10s timeout=1s ...``."""
    attrs = (
        f"delay={i(probe, 'initialDelaySeconds')}s timeout={i(probe, 'timeoutSeconds')}s "
        f"period={i(probe, 'periodSeconds')}s #success={i(probe, 'successThreshold')} "
        f"#failure={i(probe, 'failureThreshold')}"
    )
    if isinstance(probe.get("exec"), dict):
        cmd = " ".join(str(x) for x in lst(probe, "exec", "command"))
        return f"exec [{cmd}] {attrs}"
    if isinstance(probe.get("httpGet"), dict):
        hg = d(probe, "httpGet")
        scheme = s(hg, "scheme").lower()
        port = "" if hg.get("port") is None else go_value(hg.get("port"))
        host = s(hg, "host")
        if port:
            hostport = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        else:
            hostport = host
        path = s(hg, "path")
        if path and not path.startswith("/") and hostport:
            path = "/" + path
        url = (f"{scheme}:" if scheme else "") + ("//" + hostport if hostport or scheme else "") + path
        return f"http-get {url} {attrs}"
    if isinstance(probe.get("tcpSocket"), dict):
        ts = d(probe, "tcpSocket")
        return f"tcp-socket {s(ts, 'host')}:{_int_or_string(ts.get('port'))} {attrs}"
    if isinstance(probe.get("grpc"), dict):
        g = d(probe, "grpc")
        return f"grpc <pod>:{i(g, 'port')} {s(g, 'service')} {attrs}"
    return f"unknown {attrs}"


def _env_field_ref_value(pod: dict | None, field_path: str) -> str:
    # kubectl's scheme only converts the generic metav1 field labels (metadata.name / metadata.namespace);
    # anything else fails conversion and prints an empty value.
    if pod is None:
        return ""
    if field_path == "metadata.name":
        return s(pod, "metadata", "name")
    if field_path == "metadata.namespace":
        return s(pod, "metadata", "namespace")
    return ""


def _container_resource_value(ref: dict, container: dict) -> str:
    resource = s(ref, "resource")
    try:
        divisor = Quantity.parse(ref["divisor"]) if ref.get("divisor") is not None else Quantity()
    except QuantityError:
        divisor = Quantity()
    if divisor.is_zero():
        divisor = Quantity.from_int(1)
    res = d(container, "resources")
    kind, _, name = resource.partition(".")
    if kind not in ("limits", "requests") or not name:
        return ""
    q = resource_list(res.get(kind)).get(name, Quantity())
    if name == "cpu":
        dv = divisor.milli_value()
        return str(math.ceil(q.milli_value() / dv)) if dv else ""
    dv = divisor.value()
    return str(math.ceil(q.value() / dv)) if dv else ""


def describe_container_env_vars(container: dict, pod: dict | None, w: PrefixWriter) -> None:
    """``describeContainerEnvVars``."""
    env = [e for e in lst(container, "env") if isinstance(e, dict)]
    w.write(LEVEL_2, "Environment:" + ("" if env else "\t<none>") + "\n")
    for e in env:
        name = s(e, "name")
        vf = e.get("valueFrom")
        if not isinstance(vf, dict):
            for n, part in enumerate(s(e, "value").split("\n")):
                if n == 0:
                    w.write(LEVEL_3, f"{name}:\t{part}\n")
                else:
                    w.write(LEVEL_3, f"\t{part}\n")
            continue
        if isinstance(vf.get("fieldRef"), dict):
            fr = d(vf, "fieldRef")
            value = _env_field_ref_value(pod, s(fr, "fieldPath"))
            w.write(LEVEL_3, f"{name}:\t{value} ({s(fr, 'apiVersion')}:{s(fr, 'fieldPath')})\n")
        elif isinstance(vf.get("resourceFieldRef"), dict):
            rf = d(vf, "resourceFieldRef")
            value = _container_resource_value(rf, container)
            resource = s(rf, "resource")
            if value == "0" and resource in ("limits.cpu", "limits.memory"):
                value = "node allocatable"
            w.write(LEVEL_3, f"{name}:\t{value} ({resource})\n")
        elif isinstance(vf.get("secretKeyRef"), dict):
            r = d(vf, "secretKeyRef")
            opt = go_bool(r.get("optional") is True)
            w.write(
                LEVEL_3,
                f"{name}:\t<set to the key '{s(r, 'key')}' in secret '{s(r, 'name')}'>\tOptional: {opt}\n",
            )
        elif isinstance(vf.get("configMapKeyRef"), dict):
            r = d(vf, "configMapKeyRef")
            opt = go_bool(r.get("optional") is True)
            w.write(
                LEVEL_3,
                f"{name}:\t<set to the key '{s(r, 'key')}' of config map '{s(r, 'name')}'>\tOptional: {opt}\n",
            )


def describe_container_env_from(container: dict, w: PrefixWriter) -> None:
    """``describeContainerEnvFrom``."""
    env_from = [e for e in lst(container, "envFrom") if isinstance(e, dict)]
    w.write(LEVEL_2, "Environment Variables from:" + ("" if env_from else "\t<none>") + "\n")
    for e in env_from:
        source, name, optional = "", "", False
        if isinstance(e.get("configMapRef"), dict):
            source, name = "ConfigMap", s(e, "configMapRef", "name")
            optional = d(e, "configMapRef").get("optional") is True
        elif isinstance(e.get("secretRef"), dict):
            source, name = "Secret", s(e, "secretRef", "name")
            optional = d(e, "secretRef").get("optional") is True
        prefix = s(e, "prefix")
        if not prefix:
            w.write(LEVEL_3, f"{name}\t{source}\tOptional: {go_bool(optional)}\n")
        else:
            w.write(LEVEL_3, f"{name}\t{source} with prefix '{prefix}'\tOptional: {go_bool(optional)}\n")


def _describe_state(title: str, state: Any, w: PrefixWriter) -> None:
    state = state if isinstance(state, dict) else {}
    if isinstance(state.get("running"), dict):
        w.write(LEVEL_2, f"{title}:\tRunning\n")
        w.write(LEVEL_3, f"Started:\t{fmt_time(s(state, 'running', 'startedAt'))}\n")
    elif isinstance(state.get("waiting"), dict):
        w.write(LEVEL_2, f"{title}:\tWaiting\n")
        if s(state, "waiting", "reason"):
            w.write(LEVEL_3, f"Reason:\t{s(state, 'waiting', 'reason')}\n")
    elif isinstance(state.get("terminated"), dict):
        t = d(state, "terminated")
        w.write(LEVEL_2, f"{title}:\tTerminated\n")
        if s(t, "reason"):
            w.write(LEVEL_3, f"Reason:\t{s(t, 'reason')}\n")
        if s(t, "message"):
            w.write(LEVEL_3, f"Message:\t{s(t, 'message')}\n")
        w.write(LEVEL_3, f"Exit Code:\t{i(t, 'exitCode')}\n")
        if i(t, "signal") > 0:
            w.write(LEVEL_3, f"Signal:\t{i(t, 'signal')}\n")
        w.write(LEVEL_3, f"Started:\t{fmt_time(s(t, 'startedAt'))}\n")
        w.write(LEVEL_3, f"Finished:\t{fmt_time(s(t, 'finishedAt'))}\n")
    else:
        w.write(LEVEL_2, f"{title}:\tWaiting\n")


def describe_containers(
    label: str,
    containers: list,
    statuses: list | None,
    pod: dict | None,
    w: PrefixWriter,
    space: str,
) -> None:
    """``describeContainers`` (pod view when ``statuses`` is given; template view when it is None)."""
    by_name = {s(cs, "name"): cs for cs in (statuses or []) if isinstance(cs, dict)}
    items = [c for c in containers if isinstance(c, dict)]
    w.write(LEVEL_0, f"{space}{label}:{'' if items else ' <none>'}\n")
    name_indent = " " if space else ""
    for c in items:
        status = by_name.get(s(c, "name"))
        ok = status is not None
        w.write(LEVEL_1, f"{name_indent}{s(c, 'name')}:\n")
        if status is not None:
            w.write(LEVEL_2, f"Container ID:\t{s(status, 'containerID')}\n")
        w.write(LEVEL_2, f"Image:\t{s(c, 'image')}\n")
        if status is not None:
            w.write(LEVEL_2, f"Image ID:\t{s(status, 'imageID')}\n")
        ports = [p for p in lst(c, "ports") if isinstance(p, dict)]
        port_str = ", ".join(f"{i(p, 'containerPort')}/{s(p, 'protocol')}" for p in ports)
        if "," in port_str:
            w.write(LEVEL_2, f"Ports:\t{port_str}\n")
        else:
            w.write(LEVEL_2, f"Port:\t{string_or_none(port_str)}\n")
        host_str = ", ".join(f"{i(p, 'hostPort')}/{s(p, 'protocol')}" for p in ports)
        if "," in host_str:
            w.write(LEVEL_2, f"Host Ports:\t{host_str}\n")
        else:
            w.write(LEVEL_2, f"Host Port:\t{string_or_none(host_str)}\n")
        sp = d(c, "securityContext", "seccompProfile")
        if isinstance(d(c, "securityContext").get("seccompProfile"), dict):
            w.write(LEVEL_2, f"SeccompProfile:\t{s(sp, 'type')}\n")
            if s(sp, "type") == "Localhost":
                w.write(LEVEL_3, f"LocalhostProfile:\t{s(sp, 'localhostProfile')}\n")
        for key, title in (("command", "Command"), ("args", "Args")):
            values = lst(c, key)
            if values:
                w.write(LEVEL_2, f"{title}:\n")
                for v in values:
                    for part in str(v).split("\n"):
                        w.write(LEVEL_3, f"{part}\n")
        if ok and status is not None:
            _describe_state("State", status.get("state"), w)
            if isinstance(d(status, "lastState").get("terminated"), dict):
                _describe_state("Last State", status.get("lastState"), w)
            w.write(LEVEL_2, f"Ready:\t{print_bool(status.get('ready') is True)}\n")
            w.write(LEVEL_2, f"Restart Count:\t{i(status, 'restartCount')}\n")
        describe_resources(c.get("resources") if isinstance(c.get("resources"), dict) else {}, w, LEVEL_2)
        for key, title in (
            ("livenessProbe", "Liveness"),
            ("readinessProbe", "Readiness"),
            ("startupProbe", "Startup"),
        ):
            if isinstance(c.get(key), dict):
                w.write(LEVEL_2, f"{title}:\t{describe_probe(d(c, key))}\n")
        if lst(c, "envFrom"):
            describe_container_env_from(c, w)
        describe_container_env_vars(c, pod, w)
        _describe_container_volumes(c, w)


def _describe_container_volumes(c: dict, w: PrefixWriter) -> None:
    mounts = [m for m in lst(c, "volumeMounts") if isinstance(m, dict)]
    none = "" if mounts else "\t<none>"
    w.write(LEVEL_2, f"Mounts:{none}\n")
    for m in sorted(mounts, key=lambda m: s(m, "mountPath")):
        flags = ["ro" if m.get("readOnly") is True else "rw"]
        if s(m, "subPath"):
            flags.append('path="' + s(m, "subPath").replace("\\", "\\\\").replace('"', '\\"') + '"')
        w.write(LEVEL_3, f"{s(m, 'mountPath')} from {s(m, 'name')} ({','.join(flags)})\n")
    devices = [x for x in lst(c, "volumeDevices") if isinstance(x, dict)]
    if devices:
        w.write(LEVEL_2, f"Devices:{none}\n")
        for dev in sorted(devices, key=lambda x: s(x, "devicePath")):
            w.write(LEVEL_3, f"{s(dev, 'devicePath')} from {s(dev, 'name')}\n")


# --- volumes -------------------------------------------------------------------------------------------------


def _opt(v: Any) -> str:
    """Go ``%v`` of a ``*bool`` field: ``<nil>`` when unset (the value when set)."""
    if v is None:
        return "<nil>"
    return go_bool(v is True)


def _volume_lines(vol: dict, w: PrefixWriter) -> None:
    def block(type_text: str, rows: list[tuple[str, str]]) -> None:
        text = f"Type:\t{type_text}\n" + "".join(f"    {k}:\t{v}\n" for k, v in rows)
        w.write(LEVEL_2, text)

    if isinstance(vol.get("hostPath"), dict):
        hp = d(vol, "hostPath")
        block(
            "HostPath (bare host directory volume)",
            [
                ("Path", s(hp, "path")),
                ("HostPathType", s(hp, "type") if hp.get("type") is not None else "<none>"),
            ],
        )
    elif isinstance(vol.get("emptyDir"), dict):
        ed = d(vol, "emptyDir")
        size = "<unset>"
        if ed.get("sizeLimit") is not None:
            try:
                q = Quantity.parse(ed["sizeLimit"])
                if q.cmp(Quantity()) > 0:
                    size = str(q)
            except QuantityError:
                pass
        block(
            "EmptyDir (a temporary directory that shares a pod's lifetime)",
            [("Medium", s(ed, "medium")), ("SizeLimit", size)],
        )
    elif isinstance(vol.get("secret"), dict):
        sv = d(vol, "secret")
        block(
            "Secret (a volume populated by a Secret)",
            [("SecretName", s(sv, "secretName")), ("Optional", go_bool(sv.get("optional") is True))],
        )
    elif isinstance(vol.get("configMap"), dict):
        cm = d(vol, "configMap")
        block(
            "ConfigMap (a volume populated by a ConfigMap)",
            [("Name", s(cm, "name")), ("Optional", go_bool(cm.get("optional") is True))],
        )
    elif isinstance(vol.get("nfs"), dict):
        nfs = d(vol, "nfs")
        block(
            "NFS (an NFS mount that lasts the lifetime of a pod)",
            [
                ("Server", s(nfs, "server")),
                ("Path", s(nfs, "path")),
                ("ReadOnly", go_bool(nfs.get("readOnly") is True)),
            ],
        )
    elif isinstance(vol.get("persistentVolumeClaim"), dict):
        pvc = d(vol, "persistentVolumeClaim")
        block(
            "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
            [("ClaimName", s(pvc, "claimName")), ("ReadOnly", go_bool(pvc.get("readOnly") is True))],
        )
    elif isinstance(vol.get("ephemeral"), dict):
        w.write(
            LEVEL_2,
            "Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted "
            "with the pod)\n",
        )
        tmpl = d(vol, "ephemeral", "volumeClaimTemplate")
        if isinstance(d(vol, "ephemeral").get("volumeClaimTemplate"), dict):
            _print_pvc_template(w.nested(LEVEL_2), tmpl)
    elif isinstance(vol.get("downwardAPI"), dict):
        w.write(LEVEL_2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n")
        for item in lst(vol, "downwardAPI", "items"):
            if not isinstance(item, dict):
                continue
            if isinstance(item.get("fieldRef"), dict):
                w.write(LEVEL_3, f"{s(item, 'fieldRef', 'fieldPath')} -> {s(item, 'path')}\n")
            if isinstance(item.get("resourceFieldRef"), dict):
                w.write(LEVEL_3, f"{s(item, 'resourceFieldRef', 'resource')} -> {s(item, 'path')}\n")
    elif isinstance(vol.get("projected"), dict):
        w.write(LEVEL_2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
        for src in lst(vol, "projected", "sources"):
            if not isinstance(src, dict):
                continue
            if isinstance(src.get("secret"), dict):
                sec = d(src, "secret")
                w.write(
                    LEVEL_2,
                    f"SecretName:\t{s(sec, 'name')}\n    SecretOptionalName:\t{_opt(sec.get('optional'))}\n",
                )
            elif isinstance(src.get("downwardAPI"), dict):
                w.write(LEVEL_2, "DownwardAPI:\ttrue\n")
            elif isinstance(src.get("configMap"), dict):
                cm = d(src, "configMap")
                w.write(
                    LEVEL_2,
                    f"ConfigMapName:\t{s(cm, 'name')}\n    ConfigMapOptional:\t{_opt(cm.get('optional'))}\n",
                )
            elif isinstance(src.get("serviceAccountToken"), dict):
                w.write(
                    LEVEL_2,
                    f"TokenExpirationSeconds:\t{i(src, 'serviceAccountToken', 'expirationSeconds')}\n",
                )
    elif isinstance(vol.get("csi"), dict):
        csi = d(vol, "csi")
        block(
            "CSI (a Container Storage Interface (CSI) volume source)",
            [
                ("Driver", s(csi, "driver")),
                ("FSType", s(csi, "fsType")),
                ("ReadOnly", go_bool(csi.get("readOnly") is True)),
            ],
        )
        attrs = str_map(csi.get("volumeAttributes"))
        w.write(LEVEL_2, "VolumeAttributes:\t")
        if not attrs:
            w.write_line("<none>")
        for n, key in enumerate(sorted(attrs)):
            if n:
                w.write(LEVEL_2, "\t")
            line = f"{key}={attrs[key]}"
            w.write(LEVEL_2, (line[:140] + "...\n") if len(line) > 140 else line + "\n")
    elif isinstance(vol.get("image"), dict):
        im = d(vol, "image")
        block(
            "Image (a container image or OCI artifact)",
            [("Reference", s(im, "reference")), ("PullPolicy", s(im, "pullPolicy"))],
        )
    else:
        w.write(LEVEL_1, "<unknown>\n")


def _print_pvc_template(w: PrefixWriter, tmpl: dict) -> None:
    """``printPersistentVolumeClaim(w, pvc, false)`` for an ephemeral volume's claim template."""
    spec = d(tmpl, "spec")
    sc = s(spec, "storageClassName") or s(
        tmpl, "metadata", "annotations", "volume.beta.kubernetes.io/storage-class"
    )
    w.write(LEVEL_0, f"StorageClass:\t{sc}\n")
    w.write(LEVEL_0, f"Volume:\t{s(spec, 'volumeName')}\n")
    print_labels_multiline(w, "Labels", d(tmpl, "metadata").get("labels"))
    print_annotations_multiline(w, "Annotations", d(tmpl, "metadata").get("annotations"))
    w.write(LEVEL_0, "Capacity:\t\n")
    w.write(LEVEL_0, "Access Modes:\t\n")
    if s(spec, "volumeMode"):
        w.write(LEVEL_0, f"VolumeMode:\t{s(spec, 'volumeMode')}\n")


def describe_volumes(volumes: list, w: PrefixWriter, space: str) -> None:
    """``describeVolumes``."""
    items = [v for v in volumes if isinstance(v, dict)]
    if not items:
        w.write(LEVEL_0, f"{space}Volumes:\t<none>\n")
        return
    w.write(LEVEL_0, f"{space}Volumes:\n")
    name_indent = " " if space else ""
    for vol in items:
        w.write(LEVEL_1, f"{name_indent}{s(vol, 'name')}:\n")
        _volume_lines(vol, w)


def describe_topology_spread_constraints(tscs: list, w: PrefixWriter, space: str) -> None:
    """``describeTopologySpreadConstraints``."""
    items = sorted((t for t in tscs if isinstance(t, dict)), key=lambda t: s(t, "topologyKey"))
    if not items:
        return
    w.write(LEVEL_0, f"{space}Topology Spread Constraints:\t")
    for n, t in enumerate(items):
        if n:
            w.write(LEVEL_0, space)
            w.write(LEVEL_0, "\t")
        text = (
            f"{s(t, 'topologyKey')}:{s(t, 'whenUnsatisfiable')} when max skew {i(t, 'maxSkew')} is exceeded"
        )
        if isinstance(t.get("labelSelector"), dict):
            text += f" for selector {format_label_selector(t.get('labelSelector'))}"
        w.write(LEVEL_0, text + "\n")


def describe_pod_template(template: Any, w: PrefixWriter) -> None:
    """``DescribePodTemplate`` (Deployments, ReplicaSets, ReplicationControllers...)."""
    w.write(LEVEL_0, "Pod Template:\n")
    if not isinstance(template, dict):
        w.write(LEVEL_1, "<unset>")
        return
    meta = d(template, "metadata")
    spec = d(template, "spec")
    print_labels_multiline(w, "  Labels", meta.get("labels"))
    if str_map(meta.get("annotations")):
        print_annotations_multiline(w, "  Annotations", meta.get("annotations"))
    if s(spec, "serviceAccountName"):
        w.write(LEVEL_1, f"Service Account:\t{s(spec, 'serviceAccountName')}\n")
    if lst(spec, "initContainers"):
        describe_containers("Init Containers", lst(spec, "initContainers"), None, None, w, "  ")
    describe_containers("Containers", lst(spec, "containers"), None, None, w, "  ")
    describe_volumes(lst(spec, "volumes"), w, "  ")
    describe_topology_spread_constraints(lst(spec, "topologySpreadConstraints"), w, "  ")
    if s(spec, "priorityClassName"):
        w.write(LEVEL_1, f"Priority Class Name:\t{s(spec, 'priorityClassName')}\n")
    print_labels_multiline(w, "  Node-Selectors", spec.get("nodeSelector"))
    print_tolerations_multiline(w, "  Tolerations", lst(spec, "tolerations"))


# --- the pod describer ---------------------------------------------------------------------------------------


def describe_pod(api: DescribeClient, pod: dict, now: float, w: PrefixWriter) -> None:
    """``describePod`` plus its events (``involvedObject`` without kind; mirror pods use the mirror UID)."""
    meta = d(pod, "metadata")
    spec = d(pod, "spec")
    status = d(pod, "status")
    uid = s(meta, "uid")
    annotations = str_map(meta.get("annotations"))
    if MIRROR_POD_ANNOTATION in annotations:
        uid = annotations[MIRROR_POD_ANNOTATION]
    ns = s(meta, "namespace")
    events = search_events(api, "", s(meta, "name"), ns, uid, ns or None)

    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    w.write(LEVEL_0, f"Namespace:\t{ns}\n")
    if spec.get("priority") is not None:
        w.write(LEVEL_0, f"Priority:\t{i(spec, 'priority')}\n")
    if s(spec, "priorityClassName"):
        w.write(LEVEL_0, f"Priority Class Name:\t{s(spec, 'priorityClassName')}\n")
    if s(spec, "runtimeClassName"):
        w.write(LEVEL_0, f"Runtime Class Name:\t{s(spec, 'runtimeClassName')}\n")
    if s(spec, "serviceAccountName"):
        w.write(LEVEL_0, f"Service Account:\t{s(spec, 'serviceAccountName')}\n")
    if not s(spec, "nodeName"):
        w.write(LEVEL_0, "Node:\t<none>\n")
    else:
        w.write(LEVEL_0, f"Node:\t{s(spec, 'nodeName')}/{s(status, 'hostIP')}\n")
    if s(status, "startTime"):
        w.write(LEVEL_0, f"Start Time:\t{fmt_time(s(status, 'startTime'))}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    phase = s(status, "phase")
    if s(meta, "deletionTimestamp") and phase not in ("Failed", "Succeeded"):
        w.write(LEVEL_0, f"Status:\tTerminating (lasts {since(now, s(meta, 'deletionTimestamp'))})\n")
        w.write(LEVEL_0, f"Termination Grace Period:\t{i(meta, 'deletionGracePeriodSeconds')}s\n")
    else:
        w.write(LEVEL_0, f"Status:\t{phase}\n")
    if s(status, "reason"):
        w.write(LEVEL_0, f"Reason:\t{s(status, 'reason')}\n")
    if s(status, "message"):
        w.write(LEVEL_0, f"Message:\t{s(status, 'message')}\n")
    seccomp = d(spec, "securityContext").get("seccompProfile")
    if isinstance(seccomp, dict):
        w.write(LEVEL_0, f"SeccompProfile:\t{s(seccomp, 'type')}\n")
        if s(seccomp, "type") == "Localhost":
            w.write(LEVEL_0, f"LocalhostProfile:\t{s(seccomp, 'localhostProfile')}\n")
    w.write(LEVEL_0, f"IP:\t{s(status, 'podIP')}\n")
    pod_ips = [x for x in lst(status, "podIPs") if isinstance(x, dict)]
    if not pod_ips:
        w.write(LEVEL_0, "IPs:\t<none>\n")
    else:
        w.write(LEVEL_0, "IPs:\n")
        for ip in pod_ips:
            w.write(LEVEL_1, f"IP:\t{s(ip, 'ip')}\n")
    controlled_by = print_controller(pod)
    if controlled_by:
        w.write(LEVEL_0, f"Controlled By:\t{controlled_by}\n")
    if s(status, "nominatedNodeName"):
        w.write(LEVEL_0, f"NominatedNodeName:\t{s(status, 'nominatedNodeName')}\n")
    if isinstance(spec.get("resources"), dict):
        w.write(LEVEL_0, "Resources:\n")
        describe_resources(spec.get("resources"), w, LEVEL_1)
    if lst(spec, "initContainers"):
        describe_containers(
            "Init Containers", lst(spec, "initContainers"), lst(status, "initContainerStatuses"), pod, w, ""
        )
    describe_containers("Containers", lst(spec, "containers"), lst(status, "containerStatuses"), pod, w, "")
    if lst(spec, "ephemeralContainers"):
        describe_containers(
            "Ephemeral Containers",
            lst(spec, "ephemeralContainers"),
            lst(status, "ephemeralContainerStatuses"),
            pod,
            w,
            "",
        )
    conditions = [c for c in lst(status, "conditions") if isinstance(c, dict)]
    gates = [g for g in lst(spec, "readinessGates") if isinstance(g, dict)]
    if gates:
        w.write(LEVEL_0, "Readiness Gates:\n  Type\tStatus\n")
        for g in gates:
            st = "<none>"
            for c in conditions:
                if s(c, "type") == s(g, "conditionType"):
                    st = s(c, "status")
                    break
            w.write(LEVEL_1, f"{s(g, 'conditionType')} \t{st} \n")
    if conditions:
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\n")
        for c in conditions:
            w.write(LEVEL_1, f"{s(c, 'type')} \t{s(c, 'status')} \n")
    describe_volumes(lst(spec, "volumes"), w, "")
    w.write(LEVEL_0, f"QoS Class:\t{pod_qos(pod)}\n")
    print_labels_multiline(w, "Node-Selectors", spec.get("nodeSelector"))
    print_tolerations_multiline(w, "Tolerations", lst(spec, "tolerations"))
    describe_topology_spread_constraints(lst(spec, "topologySpreadConstraints"), w, "")
    describe_events(events, w, now)
