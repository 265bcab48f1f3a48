"""The learner's workstation: command lines run in the safe mini-shell with kubectl, ssh, sim and sleep.

Files: the workstation sees the real files in the directory it was started from (read-only) with an
in-memory layer on top, so ``cat <<EOF > pod.yaml`` followed by ``kubectl apply -f pod.yaml`` works and
nothing on the host is ever written or run.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable
from typing import Any

from ..engine.cluster import Cluster, StateFileError
from ..engine.runtime.sh import VFS, CommandContext, Shell, ShResult, VFSError
from ..engine.runtime.sh.vfs import Node, normpath
from ..engine.store import etcd_key
from ..kubectl.durations import DurationError, parse_sleep
from ..kubectl.main import Kubectl

HOST_FILE_LIMIT = 8 * 1024 * 1024


class HostOverlayVFS(VFS):
    """An in-memory filesystem whose misses fall through, read-only, to a host directory tree."""

    def __init__(self, host_root: str | None, clock: Callable[[], float] | None = None) -> None:
        super().__init__(clock)
        self.host_root = os.path.realpath(host_root) if host_root else None
        self._whiteouts: set[str] = set()

    def _host(self, p: str) -> str | None:
        if self.host_root is None or p in self._whiteouts:
            return None
        # Only the directory the session started in (and below) shows through, read-only: the learner's
        # manifests are there; the rest of the host (their home directory, /etc ...) stays private.
        root = self.host_root
        if p == root or p.startswith(root.rstrip("/") + "/"):
            return p
        return None

    def _lookup(self, p: str) -> Node | None:
        node = super()._lookup(p)
        if node is not None:
            return node
        hp = self._host(p)
        if hp is None:
            return None
        try:
            if os.path.isdir(hp):
                self._materialize_dir(p, hp)
            elif os.path.isfile(hp):
                if os.path.getsize(hp) > HOST_FILE_LIMIT:
                    return None
                with open(hp, "rb") as fh:
                    data = fh.read(HOST_FILE_LIMIT)
                self._ensure_parents(p)
                parent = super()._lookup(os.path.dirname(p) or "/")
                if parent is None or not parent.is_dir:
                    return None
                parent.children[os.path.basename(p)] = Node(False, 0o644, os.path.getmtime(hp), data)
            else:
                return None
        except OSError:
            return None
        return super()._lookup(p)

    def _ensure_parents(self, p: str) -> None:
        cur = self.root
        for part in [x for x in p.strip("/").split("/")][:-1]:
            nxt = cur.children.get(part)
            if nxt is None:
                nxt = Node(True, 0o755, self._now())
                cur.children[part] = nxt
            cur = nxt

    def _materialize_dir(self, p: str, hp: str) -> None:
        self._ensure_parents(p + "/x")

    def listdir(self, path: str) -> list[str]:
        names: set[str] = set()
        try:
            names.update(super().listdir(path))
        except VFSError:
            pass
        p = normpath(path)
        hp = self._host(p)
        if hp and os.path.isdir(hp):
            try:
                names.update(n for n in os.listdir(hp) if normpath(os.path.join(p, n)) not in self._whiteouts)
            except OSError:
                pass
        if not names and not self.is_dir(path):
            raise VFSError("No such file or directory", path)
        return sorted(names)

    def remove(self, path: str, *, recursive: bool = False) -> None:
        p = normpath(path)
        if super()._lookup(p) is None and self._lookup(p) is None:
            raise VFSError("No such file or directory", path)
        super().remove(path, recursive=recursive)
        if self._host(p) and os.path.exists(p):
            self._whiteouts.add(p)


class WorkstationFiles:
    """The file access kubectl uses on the workstation (through the overlay)."""

    def __init__(self, vfs: HostOverlayVFS) -> None:
        self.vfs = vfs

    def exists(self, path: str) -> bool:
        return self.vfs.exists(path)

    def isdir(self, path: str) -> bool:
        return self.vfs.is_dir(path)

    def listdir(self, path: str) -> list[str]:
        return self.vfs.listdir(path)

    def read(self, path: str) -> bytes:
        try:
            return self.vfs.read(path)
        except VFSError as e:
            raise OSError(2, "no such file or directory", path) from e

    def size(self, path: str) -> int:
        return self.vfs.stat(path).size


class Workstation:
    """One learner session: a cluster, a kubeconfig and a shell that runs their command lines."""

    def __init__(self, cluster: Cluster, cwd: str | None = None, env: dict[str, str] | None = None,
                 host_files: bool = True) -> None:
        self.cluster = cluster
        self.cwd = os.path.realpath(cwd or os.getcwd())
        self.vfs = HostOverlayVFS(self.cwd if host_files else None, clock=cluster.clock.now)
        self.files = WorkstationFiles(self.vfs)
        self.host_env = dict(env or {})
        self.kubectl = Kubectl(cluster, cwd=self.cwd, env=self.host_env, files=self.files)
        self.history: list[str] = []
        self.node_files: dict[str, VFS] = {}
        self.state_path: str | None = None
        shell_env = {"HOME": "/root", "PATH": "/usr/local/bin:/usr/bin:/bin", "USER": "root",
                     "HOSTNAME": "workstation", "TERM": "xterm"}
        for k in ("EDITOR", "KUBE_EDITOR"):
            if k in self.host_env:
                shell_env[k] = self.host_env[k]
        self.shell = Shell(
            self.vfs,
            commands={"kubectl": self._kubectl, "k": self._kubectl, "ssh": self._ssh, "sim": self._sim,
                      "helm": self._helm, "curl": self._not_yet("curl", "the network"),
                      "clear": lambda ctx: 0},
            env=shell_env,
            name="bash",
            max_steps=1_000_000,
            max_output=256 * 1024 * 1024,
            clock=cluster.clock.now,
            clock_sleep=self._sleep,
            cwd=self.cwd,
            hostname="workstation",
        )
        self.extra_commands: dict[str, Callable[[CommandContext], int]] = {}
        for d in ("/root", "/tmp"):  # the workstation's own home and scratch space (in memory)
            self.vfs.makedirs(d)
        from ..engine.network.commands import install_workstation

        install_workstation(self)

    # ---- running ---------------------------------------------------------------------------------
    def run(self, line: str) -> ShResult:
        """Run one command line (it may span several lines: heredocs, loops)."""
        self.history.append(line)
        self.cluster.settle()
        result = self.shell.run(line)
        self.cluster.settle()
        return result

    def _sleep(self, seconds: float) -> None:
        self.cluster.advance(seconds)

    # ---- commands --------------------------------------------------------------------------------
    def _kubectl(self, ctx: CommandContext) -> int:
        self.kubectl.cwd = ctx.cwd
        res = self.kubectl.run(ctx.argv[1:], ctx.stdin)
        if res.stdout:
            ctx.stdout.write(res.stdout)
        if res.stderr:
            ctx.stderr.write(res.stderr)
        return res.exit_code

    def _helm(self, ctx: CommandContext) -> int:
        from ..helm.commands import Helm

        helm = self.__dict__.get("helm_cli")
        if helm is None:
            helm = self.__dict__["helm_cli"] = Helm(self.cluster, cwd=ctx.cwd, seed=self.cluster.seed, files=self.vfs)
        helm.cwd = ctx.cwd
        res = helm.run(ctx.argv[1:], ctx.stdin.decode("utf-8", "replace"))
        ctx.stdout.write(res.stdout)
        ctx.stderr.write(res.stderr)
        return res.exit_code

    def _not_yet(self, name: str, what: str) -> Callable[[CommandContext], int]:
        def run(ctx: CommandContext) -> int:
            ctx.stderr.write(f"{name}: not available yet in this version of k8stutor (it arrives with {what})\n")
            return 127

        return run

    def _ssh(self, ctx: CommandContext) -> int:
        argv = ctx.argv[1:]
        if not argv:
            ctx.stderr.write("usage: ssh NODE COMMAND (e.g. ssh k8s-master01 crictl ps)\n")
            return 255
        host = argv[0].split("@")[-1]
        node = self.cluster.store.get("nodes", "", host)
        if node is None:
            ips = {a["address"]: n["metadata"]["name"] for n in self.cluster.store.list("nodes")
                   for a in n.get("status", {}).get("addresses", []) if a.get("type") == "InternalIP"}
            if host in ips:
                host = ips[host]
                node = self.cluster.store.get("nodes", "", host)
        if node is None:
            ctx.stderr.write(f"ssh: Could not resolve hostname {argv[0]}: Name or service not known\n")
            return 255
        cmd = argv[1:]
        if not cmd:
            ctx.stderr.write("ssh: interactive logins are not simulated; run one command: ssh NODE COMMAND\n")
            return 255
        if len(cmd) == 1 and " " in cmd[0]:
            cmd = shlex.split(cmd[0])
        while cmd and "=" in cmd[0] and not cmd[0].startswith("-"):
            cmd = cmd[1:]  # ETCDCTL_API=3 etcdctl ...
        if cmd and cmd[0] == "sudo":
            cmd = cmd[1:]
        handler = self.node_commands.get(cmd[0]) if cmd else None
        if handler is None:
            return self._node_shell(ctx, host, cmd)
        return handler(ctx, host, cmd)

    def _node_shell(self, ctx: CommandContext, host: str, cmd: list[str]) -> int:
        """Anything else runs in a shell on the node's own (simulated) filesystem: cat, ls, hostname, ...
        with the node commands (crictl, ip, iptables-save ...) still reachable inside it."""
        node_cmds = self.node_commands

        def wrap(name: str) -> Callable[[CommandContext], int]:
            return lambda c: node_cmds[name](c, host, c.argv)

        fs = self._node_fs(host)
        for d in ("/root", "/tmp", "/etc"):
            if not fs.exists(d):
                fs.makedirs(d)
        if not fs.exists("/etc/hostname"):
            fs.write("/etc/hostname", f"{host}\n".encode())
        from ..engine.network.commands import node_files

        for path, text in node_files(self.cluster, host).items():
            fs.makedirs(path.rsplit("/", 1)[0])
            fs.write(path, text.encode())
        shell = Shell(fs, commands={n: wrap(n) for n in node_cmds}, env={"HOME": "/root", "HOSTNAME": host,
                                                                          "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
                      name="bash", clock=self.cluster.clock.now, cwd="/root", hostname=host)
        res = shell.run(shlex.join(cmd), ctx.stdin)
        ctx.stdout.write(res.stdout)
        ctx.stderr.write(res.stderr)
        return res.exit_code

    @property
    def node_commands(self) -> dict[str, Callable[[CommandContext, str, list[str]], int]]:
        cmds: dict[str, Callable[[CommandContext, str, list[str]], int]] = {
            "etcdctl": self._etcdctl, "hostname": self._hostname, "crictl": self._crictl,
        }
        cmds.update(getattr(self, "_extra_node_commands", {}))
        return cmds

    def _crictl(self, ctx: CommandContext, host: str, cmd: list[str]) -> int:
        from ..engine.runtime.crictl import CrictlError, crictl

        try:
            ctx.stdout.write(crictl(self.cluster, host, cmd[1:]))
        except CrictlError as e:
            ctx.stderr.write(f"{e}\n")
            return 1
        return 0

    @staticmethod
    def _hostname(ctx: CommandContext, host: str, cmd: list[str]) -> int:
        ctx.stdout.write(host + "\n")
        return 0

    def add_node_command(self, name: str, handler: Callable[[CommandContext, str, list[str]], int]) -> None:
        self.__dict__.setdefault("_extra_node_commands", {})[name] = handler

    def _node_fs(self, host: str) -> VFS:
        volumes = getattr(self.cluster, "volumes", None)
        if volumes is not None:  # the node's real filesystem (hostPath data lives there too)
            return volumes.node_fs(host)  # type: ignore[no-any-return]
        fs = self.node_files.get(host)
        if fs is None:
            fs = self.node_files[host] = VFS(clock=self.cluster.clock.now)
        return fs

    def _etcdctl(self, ctx: CommandContext, host: str, cmd: list[str]) -> int:
        """etcdctl on a control-plane node, against the simulated etcd (the object store)."""
        node = self.cluster.store.get("nodes", "", host)
        labels = (node or {}).get("metadata", {}).get("labels", {})
        if "node-role.kubernetes.io/control-plane" not in labels:
            ctx.stderr.write("bash: line 1: etcdctl: command not found\n")
            return 127
        conn = ("--endpoints", "--cacert", "--cert", "--key", "--write-out", "-w")
        args = [a for a in cmd[1:] if a.split("=", 1)[0] not in conn]
        keys_only = "--keys-only" in args
        prefix = "--prefix" in args
        words = [a for a in args if not a.startswith("-")]
        if not words:
            ctx.stderr.write("Error: unknown command; try: get, snapshot save, snapshot restore, member list\n")
            return 1
        if words[0] == "get":
            if len(words) < 2:
                ctx.stderr.write("Error: get command needs one argument as key and an optional argument as "
                                 "range_end\n")
                return 1
            key = words[1]
            out = []
            for res, (ns, name), obj in self.cluster.store.items():
                rt = self.cluster.registry.by_group_resource(*reversed(res.split(".", 1))) if "." in res else \
                    self.cluster.registry.by_group_resource("", res)
                k = etcd_key(res, ns, name, builtin=not (rt is not None and rt.crd))
                if (prefix and k.startswith(key)) or k == key:
                    out.append((k, obj))
            out.sort(key=lambda x: x[0])
            for k, obj in out:
                if keys_only:
                    ctx.stdout.write(f"{k}\n\n")
                else:
                    import json

                    ctx.stdout.write(f"{k}\n{json.dumps(obj, separators=(',', ':'), sort_keys=True)}\n")
            return 0
        if words[0] == "member" and words[1:2] == ["list"]:
            ip = next((a["address"] for a in (node or {}).get("status", {}).get("addresses", [])
                       if a.get("type") == "InternalIP"), "")
            ctx.stdout.write(f"5e1d9ea5ca6f1234, started, {host}, https://{ip}:2380, https://{ip}:2379, false\n")
            return 0
        if words[0] == "endpoint" and words[1:2] == ["health"]:
            ctx.stdout.write("https://127.0.0.1:2379 is healthy: successfully committed proposal: took = "
                             "9.421382ms\n")
            return 0
        if words[0] == "snapshot" and len(words) >= 3 and words[1] in ("save", "restore"):
            import json

            path = words[2] if words[2].startswith("/") else "/root/" + words[2]
            fs = self._node_fs(host)
            if words[1] == "save":
                fs.makedirs(os.path.dirname(path) or "/")
                fs.write(path, json.dumps(self.cluster.snapshot()).encode())
                ctx.stdout.write(f"Snapshot saved at {words[2]}\n")
                return 0
            try:
                data = json.loads(fs.read(path))
            except (VFSError, ValueError):
                ctx.stderr.write(f"Error: open {words[2]}: no such file or directory\n")
                return 1
            self.cluster.restore(data)
            ctx.stdout.write(f"Restored the cluster from snapshot {words[2]} (revision "
                             f"{data['store']['revision']}); the API server now serves that state.\n")
            return 0
        ctx.stderr.write(f"Error: unknown command \"{words[0]}\" for \"etcdctl\"\n")
        return 1

    def _sim(self, ctx: CommandContext) -> int:
        """What only a simulator can do: time, saving and loading, node faults."""
        argv = ctx.argv[1:]
        usage = ("usage: sim time | sim advance DURATION | sim save FILE | sim load FILE | "
                 "sim node down|up NODE | sim seed\n")
        if not argv:
            ctx.stderr.write(usage)
            return 2
        cmd = argv[0]
        if cmd == "time":
            from ..engine.timeutil import rfc3339

            ctx.stdout.write(rfc3339(self.cluster.now()) + "\n")
            return 0
        if cmd == "advance" and len(argv) == 2:
            try:
                self._sleep(parse_sleep(argv[1]))
            except DurationError:
                ctx.stderr.write(f"sim: invalid duration '{argv[1]}'\n")
                return 2
            return 0
        if cmd == "seed":
            ctx.stdout.write(f"{self.cluster.seed}\n")
            return 0
        if cmd == "save" and len(argv) == 2:
            path = argv[1] if os.path.isabs(argv[1]) else os.path.join(ctx.cwd, argv[1])
            try:
                self.save(path)
            except OSError as e:
                ctx.stderr.write(f"sim: cannot save to {argv[1]}: {e.strerror}\n")
                return 1
            ctx.stdout.write(f"Saved the cluster to {argv[1]}\n")
            return 0
        if cmd == "load" and len(argv) == 2:
            path = argv[1] if os.path.isabs(argv[1]) else os.path.join(ctx.cwd, argv[1])
            try:
                data = Cluster.read_state(path)
                if data.get("preset") != self.cluster.preset_name:
                    ctx.stderr.write(f"sim: {argv[1]} holds a '{data.get('preset')}' cluster; start k8stutor with "
                                     f"--state {argv[1]} to load it\n")
                    return 1
                self.cluster.restore(data)
                self._restore_extra(data)
            except StateFileError as e:
                ctx.stderr.write(f"sim: {e}\n")
                return 1
            ctx.stdout.write(f"Loaded the cluster from {argv[1]}\n")
            return 0
        if cmd == "node" and len(argv) == 3 and argv[1] in ("down", "up"):
            hook = getattr(self.cluster, "node_power", None)
            if self.cluster.store.get("nodes", "", argv[2]) is None:
                ctx.stderr.write(f'sim: node "{argv[2]}" not found\n')
                return 1
            if hook is None:
                ctx.stderr.write("sim: node faults need the kubelet simulation, which this build does not have\n")
                return 1
            hook(argv[2], argv[1] == "up")
            ctx.stdout.write(f"node/{argv[2]} {'powered on' if argv[1] == 'up' else 'powered off'}\n")
            return 0
        ctx.stderr.write(usage)
        return 2

    # ---- state -----------------------------------------------------------------------------------
    def save(self, path: str) -> None:
        extra = {"kubeconfig": self.kubectl.config.to_state()}
        self.cluster.save(path, extra=extra)

    def _restore_extra(self, data: dict[str, Any]) -> None:
        from ..kubectl.config import KubeConfig

        extra = data.get("extra") or {}
        if "kubeconfig" in extra:
            self.kubectl.config = KubeConfig.from_state(extra["kubeconfig"])

    @classmethod
    def from_state(cls, path: str, **kwargs: Any) -> Workstation:
        data = Cluster.read_state(path)
        cluster = Cluster.load(path)
        ws = cls(cluster, **kwargs)
        ws._restore_extra(data)
        return ws
