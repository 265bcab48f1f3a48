"""`crictl ps|pods|images` as seen on a node (`ssh NODE crictl ...`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..timeutil import human_duration
from .images import ImageRefError, parse_image

if TYPE_CHECKING:
    from ..cluster import Cluster


class CrictlError(Exception):
    """crictl usage errors (message as crictl prints it)."""


def _ago(now: float, t: float) -> str:
    d = max(0.0, now - t)
    h = human_duration(d)
    return "Less than a second ago" if d < 1 else f"{_words(d)} ago" if h else h


def _words(d: float) -> str:
    s = int(d)
    if s < 60:
        return f"{s} second{'s' if s != 1 else ''}"
    m = s // 60
    if m < 60:
        return "About a minute" if m == 1 else f"{m} minutes"
    h = m // 60
    if h < 48:
        return "About an hour" if h == 1 else f"{h} hours"
    d2 = h // 24
    return f"{d2} days"


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for r in rows:
        cells = [r[i].ljust(widths[i]) for i in range(len(r) - 1)] + [r[-1]]
        lines.append("   ".join(cells).rstrip() + "\n")
    return "".join(lines)


def crictl(cluster: Cluster, node: str, argv: list[str]) -> str:
    """The text `crictl <argv>` prints on ``node``; raises CrictlError for unknown sub-commands."""
    from ..kubelet import kubelets_of

    k = kubelets_of(cluster).get(node)
    if k is None:
        raise CrictlError(f"ssh: Could not resolve hostname {node}: Name or service not known")
    sub = argv[0] if argv else ""
    now = cluster.now()
    show_all = "-a" in argv or "--all" in argv
    if sub == "pods":
        rows = [["POD ID", "CREATED", "STATE", "NAME", "NAMESPACE", "ATTEMPT", "RUNTIME"]]
        for w in k.workers.values():
            if w.sandbox is None and not w.adopted:
                continue
            sid = w.sandbox.id if w.sandbox else _sid(w.uid)
            created = w.sandbox.created if w.sandbox else (w.start_time or now)
            state = "Ready" if (w.sandbox is None or w.sandbox.ready) else "NotReady"
            rows.append([sid[:13], _ago(now, created), state, w.name, w.ns, "0", "(default)"])
        return _table(rows)
    if sub == "ps":
        rows = [["CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD"]]
        for w in k.workers.values():
            sid = (w.sandbox.id if w.sandbox else _sid(w.uid))[:13]
            for cs in w.all_states():
                for c in (cs.current, cs.last):
                    if c is None or (not show_all and not c.running):
                        continue
                    rows.append(
                        [
                            c.id[:13],
                            c.image.repository.split("/")[-1] if c.image else "",
                            _ago(now, c.created),
                            c.state_name(),
                            c.name,
                            str(c.attempt),
                            sid,
                            w.name,
                        ]
                    )
        return _table(rows)
    if sub == "images":
        rows = [["IMAGE", "TAG", "IMAGE ID", "SIZE"]]
        for _full, (ref, size, iid) in sorted(k.images.items(), key=lambda kv: kv[0]):
            rows.append([ref.repository, ref.tag or "<none>", iid.split(":")[-1][:13], _size(size)])
        rows.append(["registry.k8s.io/pause", "3.10", "873ed75102791", "320kB"])
        return _table(rows)
    if sub == "inspecti" and len(argv) > 1:
        try:
            ref = parse_image(argv[1])
        except ImageRefError as e:
            raise CrictlError(str(e)) from None
        if ref.full not in k.images:
            raise CrictlError(f'no such image "{argv[1]}" present')
        return f'{{\n  "status": {{\n    "repoTags": [\n      "{ref.full}"\n    ]\n  }}\n}}\n'
    raise CrictlError(f"No help topic for '{sub}'" if sub else "crictl: missing command")


def _sid(uid: str) -> str:
    import hashlib

    return hashlib.sha256(("sandbox\x00" + uid).encode()).hexdigest()


def _size(n: int) -> str:
    for unit, div in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= div:
            return f"{n / div:.3g}{unit}"
    return f"{n}B"
