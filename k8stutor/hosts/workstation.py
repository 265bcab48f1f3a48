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
from ..kubectl.urls import curl as example_curl
from .openssl import OpenSSL

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
                      "openssl": OpenSSL(cluster.clock.now, cluster.seed),
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
        net_curl = self.shell.commands["curl"]

        def curl(ctx: CommandContext) -> int:  # the kubernetes.io examples come from the offline mirror
            got = example_curl(list(ctx.argv))
            if got is None:
                return net_curl(ctx)
            for name, data in got[3]:
                ctx.vfs.write(ctx.path(name), data)
            ctx.stdout.write(got[0])
            ctx.stderr.write(got[1])
            return got[2]

        self.shell.commands["curl"] = curl

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
        for fd, text in res.ordered():  # as kubectl wrote them (a Warning before the output it concerns)
            (ctx.stdout if fd == 1 else ctx.stderr).write(text)
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
        self._node_pki(host, fs, cmd)
        shell = Shell(fs, commands={n: wrap(n) for n in node_cmds}, env={"HOME": "/root", "HOSTNAME": host,
                                                                          "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
                      name="bash", clock=self.cluster.clock.now, cwd="/root", hostname=host)
        res = shell.run(shlex.join(cmd), ctx.stdin)
        ctx.stdout.write(res.stdout)
        ctx.stderr.write(res.stderr)
        return res.exit_code

    def _node_pki(self, host: str, fs: VFS, cmd: list[str]) -> None:
        """kubeadm's ``/etc/kubernetes/pki``: the cluster CA (its key only on control-plane nodes)."""
        auth = getattr(self.cluster, "auth", None)
        if auth is None or fs.exists("/etc/kubernetes/pki/ca.crt"):
            return
        node = self.cluster.store.get("nodes", "", host) or {}
        master = "node-role.kubernetes.io/control-plane" in (node.get("metadata", {}).get("labels") or {})
        fs.makedirs("/etc/kubernetes/pki")
        fs.write("/etc/kubernetes/pki/ca.crt", auth.authn.ca.cert_pem.encode())
        if master:
            fs.write("/etc/kubernetes/pki/ca.key", auth.authn.ca.key_pem.encode())

    @property
    def node_commands(self) -> dict[str, Callable[[CommandContext, str, list[str]], int]]:
        cmds: dict[str, Callable[[CommandContext, str, list[str]], int]] = {
            "etcdctl": self._etcdctl, "etcdutl": self._etcdctl, "hostname": self._hostname,
            "crictl": self._crictl,
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
        """etcdctl (and etcdutl) v3.5.16 on a control-plane node, against the simulated etcd (the object store).

        Values printed by ``get`` stand in for etcd's bytes: built-in objects are stored as ``k8s\\x00`` followed by
        protobuf, shown here as ``k8s`` followed by the object's JSON (custom resources are stored as JSON)."""
        import json
        import zlib

        from ..engine.timeutil import rfc3339, rfc3339_micro

        tool = os.path.basename(cmd[0]) if cmd else "etcdctl"
        node = self.cluster.store.get("nodes", "", host)
        labels = (node or {}).get("metadata", {}).get("labels", {})
        if "node-role.kubernetes.io/control-plane" not in labels:
            ctx.stderr.write(f"bash: line 1: {tool}: command not found\n")
            return 127
        fs = self._node_fs(host)
        profile = self._etcdctl_profile(host)
        valued = {"--endpoints", "--cacert", "--cert", "--key", "--write-out", "-w", "--data-dir", "--name",
                  "--initial-cluster", "--initial-cluster-token", "--initial-advertise-peer-urls", "--wal-dir",
                  "--dial-timeout", "--command-timeout", "--user", "--password", "--limit", "--skip-hash-check"}
        opts: dict[str, str] = {}
        words: list[str] = []
        bools: set[str] = set()
        args = cmd[1:]
        i = 0
        while i < len(args):
            a = args[i]
            if a.startswith("-") and len(a) > 1:
                name, eq, val = a.partition("=")
                if name in valued and not eq and name != "--skip-hash-check":
                    val = args[i + 1] if i + 1 < len(args) else ""
                    i += 1
                if name in valued and name != "--skip-hash-check":
                    opts[name.lstrip("-").replace("write-out", "w")] = val
                else:
                    bools.add(name)
            else:
                words.append(a)
            i += 1
        fmt = opts.get("w", "simple")
        ip = next((a["address"] for a in (node or {}).get("status", {}).get("addresses", [])
                   if a.get("type") == "InternalIP"), "127.0.0.1")
        member_id = "8e9e05c52164694d"
        ts = rfc3339_micro(self.cluster.clock.now())
        if tool == "etcdutl":
            if words[:2] != ["snapshot", "restore"] and words[:2] != ["snapshot", "status"] and words != ["version"]:
                ctx.stderr.write("Error: unknown command; etcdutl handles: version, snapshot restore, snapshot status\n")
                return 1
        if not words:
            ctx.stderr.write("Error: unknown command \"\" for \"etcdctl\"\n")
            return 1
        if words == ["version"]:
            name = "etcdutl" if tool == "etcdutl" else "etcdctl"
            ctx.stdout.write(f"{name} version: 3.5.16\nAPI version: 3.5\n")
            return 0

        def table(headers: list[str], rows: list[list[str]]) -> str:
            widths = [max(len(h), *(len(r[c]) for r in rows)) for c, h in enumerate(headers)]
            line = "+" + "+".join("-" * (w + 2) for w in widths) + "+\n"
            head = "|" + "|".join(" " + " " * ((w - len(h)) // 2) + h + " " * (w - len(h) - (w - len(h)) // 2) + " "
                                  for h, w in zip(headers, widths, strict=True)) + "|\n"
            body = "".join("|" + "|".join(" " + c.rjust(w) + " " for c, w in zip(r, widths, strict=True)) + "|\n" for r in rows)
            return line + head + line + body + line

        def human_bytes(n: int) -> str:  # github.com/dustin/go-humanize Bytes (SI)
            if n < 10:
                return f"{n} B"
            units = ["B", "kB", "MB", "GB", "TB"]
            e = 0
            v = float(n)
            while v >= 1000 and e < len(units) - 1:
                v /= 1000
                e += 1
            return f"{v:.0f} {units[e]}" if v >= 10 else f"{v:.1f} {units[e]}"

        def snapshot_status(path: str) -> int:
            try:
                raw = fs.read(path)
                data = json.loads(raw)
                revision = int(data["store"]["revision"])
                total = len(data["store"].get("objects", data["store"])) if isinstance(data["store"], dict) else 0
            except (VFSError, ValueError, KeyError, TypeError):
                ctx.stderr.write(f"Error: stat {words[2]}: no such file or directory\n")
                return 1
            if tool == "etcdctl":
                ctx.stderr.write("Deprecated: Use `etcdutl snapshot status` instead.\n\n")
            row = [f"{zlib.crc32(raw):x}", str(revision), str(total), human_bytes(len(raw)), "3.5.0"]
            if fmt == "table":
                ctx.stdout.write(table(["HASH", "REVISION", "TOTAL KEYS", "TOTAL SIZE", "VERSION"], [row]))
            elif fmt == "json":
                ctx.stdout.write(json.dumps({"hash": zlib.crc32(raw), "revision": revision, "totalKey": total,
                                             "totalSize": len(raw), "version": "3.5.0"}, separators=(",", ":"))
                                 + "\n")
            else:
                ctx.stdout.write(", ".join(row) + "\n")
            return 0

        def snapshot_restore() -> int:
            src = words[2]
            path = src if src.startswith("/") else "/root/" + src
            data_dir = opts.get("data-dir") or f"{opts.get('name', 'default')}.etcd"
            full = data_dir if data_dir.startswith("/") else "/root/" + data_dir
            if tool == "etcdctl":
                ctx.stderr.write("Deprecated: Use `etcdutl snapshot restore` instead.\n\n")
            try:
                raw = fs.read(path)
                data = json.loads(raw)
                data["store"]["revision"]
            except VFSError:
                ctx.stderr.write(f"Error: stat {src}: no such file or directory\n")
                return 1
            except (ValueError, KeyError, TypeError):
                ctx.stderr.write("Error: snapshot file integrity check failed. 2 errors occurred:\n"
                                 "\t* invalid database\n\t* invalid database\n")
                return 1
            if fs.exists(full) and (not fs.is_dir(full) or fs.listdir(full)):
                ctx.stderr.write(f'Error: data-dir "{data_dir}" not empty or could not be read\n')
                return 1
            dirs = {"path": src, "wal-dir": f"{data_dir}/member/wal", "data-dir": data_dir,
                    "snap-dir": f"{data_dir}/member/snap"}
            fields = ", ".join(f'"{k}": "{v}"' for k, v in dirs.items()) + ', "initial-memory-map-size": 0'
            now = rfc3339(self.cluster.clock.now())
            ctx.stderr.write(f"{now}\tinfo\tsnapshot/v3_snapshot.go:265\trestoring snapshot\t{{{fields}}}\n"
                             f"{now}\tinfo\tmembership/store.go:141\tTrimming membership information from the "
                             "backend...\n"
                             f'{now}\tinfo\tmembership/cluster.go:421\tadded member\t{{"cluster-id": '
                             f'"cdf818194e3a8c32", "local-member-id": "0", "added-peer-id": "{member_id}", '
                             '"added-peer-peer-urls": ["http://localhost:2380"]}\n'
                             f"{now}\tinfo\tsnapshot/v3_snapshot.go:293\trestored snapshot\t{{{fields}}}\n")
            fs.makedirs(full + "/member/snap")
            fs.makedirs(full + "/member/wal")
            fs.write(full + "/member/snap/db", raw)
            fs.write(full + "/member/wal/0000000000000000-0000000000000000.wal", b"")
            # The classroom shortcut: the kubelet restarts etcd on the new data dir (the manifest's etcd-data
            # hostPath now points there) and the API server serves the restored state.
            self.cluster.restore(data)
            return 0

        if words[:2] == ["snapshot", "status"] and len(words) >= 3:
            return snapshot_status(words[2] if words[2].startswith("/") else "/root/" + words[2])
        if words[:2] == ["snapshot", "restore"] and len(words) >= 3:
            return snapshot_restore()
        # Everything else talks to the etcd member over gRPC: kubeadm's etcd serves TLS with client certificates.
        env = dict(profile)
        env.update({k: v for k, v in ctx.env.items() if k.startswith("ETCDCTL_")})
        endpoint = opts.get("endpoints") or env.get("ETCDCTL_ENDPOINTS") or "127.0.0.1:2379"
        tls = {f: opts.get(f) or env.get(f"ETCDCTL_{f.upper()}") for f in ("cacert", "cert", "key")}
        pki = {"cacert": ("/etc/kubernetes/pki/etcd/ca.crt",),
               "cert": ("/etc/kubernetes/pki/etcd/server.crt", "/etc/kubernetes/pki/etcd/healthcheck-client.crt",
                        "/etc/kubernetes/pki/apiserver-etcd-client.crt", "/etc/kubernetes/pki/etcd/peer.crt"),
               "key": ("/etc/kubernetes/pki/etcd/server.key", "/etc/kubernetes/pki/etcd/healthcheck-client.key",
                       "/etc/kubernetes/pki/apiserver-etcd-client.key", "/etc/kubernetes/pki/etcd/peer.key")}
        for f, v in tls.items():
            if v and v not in pki[f]:
                ctx.stderr.write(f"Error: open {v}: no such file or directory\n")
                return 1
        hostport = endpoint.split(",")[0].removeprefix("https://")
        listening = hostport in ("127.0.0.1:2379", "localhost:2379", f"{ip}:2379")
        if endpoint.startswith("http://") or not listening or not all(tls.values()):
            desc = ("error reading server preface: EOF" if listening
                    else f"transport: Error while dialing: dial tcp {hostport}: connect: connection refused")
            desc = desc.replace('"', '\\"')
            ctx.stderr.write(f'{{"level":"warn","ts":"{ts}","logger":"etcd-client","caller":'
                             '"v3@v3.5.16/retry_interceptor.go:63","msg":"retrying of unary invoker failed",'
                             '"target":"etcd-endpoints://0xc0002e6000/' + hostport + '","attempt":0,'
                             '"error":"rpc error: code = DeadlineExceeded desc = latest balancer error: last '
                             f'connection error: connection error: desc = \\"{desc}\\""}}\n'
                             "Error: context deadline exceeded\n")
            return 1
        if words[0] == "get":
            if len(words) < 2:
                ctx.stderr.write("Error: get command needs one argument as key and an optional argument as "
                                 "range_end\n")
                return 1
            key = words[1]
            prefix = "--prefix" in bools
            out = []
            for res, (ns, name), obj in self.cluster.store.items():
                rt = self.cluster.registry.by_group_resource(*reversed(res.split(".", 1))) if "." in res else \
                    self.cluster.registry.by_group_resource("", res)
                crd = rt is not None and rt.crd
                k = etcd_key(res, ns, name, builtin=not crd)
                if (prefix and k.startswith(key)) or k == key:
                    out.append((k, obj, crd))
            out.sort(key=lambda x: x[0])
            for k, stored, crd in out:
                obj = {"apiVersion": stored.get("apiVersion"), "kind": stored.get("kind"), **stored}
                if "--keys-only" in bools:
                    ctx.stdout.write(f"{k}\n\n")
                elif "--print-value-only" in bools:
                    ctx.stdout.write(("" if crd else "k8s") + json.dumps(obj, separators=(",", ":")) + "\n")
                else:
                    ctx.stdout.write(f"{k}\n" + ("" if crd else "k8s") + json.dumps(obj, separators=(",", ":"))
                                     + "\n")
            return 0
        if words[:2] == ["member", "list"]:
            row = [member_id, "started", host, f"https://{ip}:2380", f"https://{ip}:2379", "false"]
            if fmt == "table":
                ctx.stdout.write(table(["ID", "STATUS", "NAME", "PEER ADDRS", "CLIENT ADDRS", "IS LEARNER"], [row]))
            else:
                ctx.stdout.write(", ".join(row) + "\n")
            return 0
        if words[:2] == ["endpoint", "health"]:
            ctx.stdout.write(f"{endpoint.split(',')[0]} is healthy: successfully committed proposal: took = "
                             "9.421382ms\n")
            return 0
        if words[:2] == ["endpoint", "status"]:
            rev = str(self.cluster.store.revision)
            size = human_bytes(len(json.dumps(self.cluster.store.dump(), separators=(",", ":"))))
            row = [endpoint.split(",")[0], member_id, "3.5.16", size, "true", "false", "2", rev, rev, ""]
            if fmt == "table":
                ctx.stdout.write(table(["ENDPOINT", "ID", "VERSION", "DB SIZE", "IS LEADER", "IS LEARNER",
                                        "RAFT TERM", "RAFT INDEX", "RAFT APPLIED INDEX", "ERRORS"], [row]))
            else:
                ctx.stdout.write(", ".join(row) + "\n")
            return 0
        if words[:2] == ["snapshot", "save"] and len(words) >= 3:
            path = words[2] if words[2].startswith("/") else "/root/" + words[2]
            parent = os.path.dirname(path) or "/"
            if not fs.is_dir(parent):
                ctx.stderr.write(f'{{"level":"info","ts":"{ts}","caller":"snapshot/v3_snapshot.go:65","msg":'
                                 f'"created temporary db file","path":"{words[2]}.part"}}\n'
                                 f"Error: could not open {words[2]}.part (open {words[2]}.part: no such file or "
                                 "directory)\n")
                return 5
            raw = json.dumps(self.cluster.snapshot()).encode()
            fs.write(path, raw)
            ep = endpoint.split(",")[0]
            ctx.stderr.write(
                f'{{"level":"info","ts":"{ts}","caller":"snapshot/v3_snapshot.go:65","msg":"created temporary db '
                f'file","path":"{words[2]}.part"}}\n'
                f'{{"level":"info","ts":"{ts}","logger":"client","caller":"v3@v3.5.16/maintenance.go:212","msg":'
                '"opened snapshot stream; downloading"}\n'
                f'{{"level":"info","ts":"{ts}","caller":"snapshot/v3_snapshot.go:73","msg":"fetching snapshot",'
                f'"endpoint":"{ep}"}}\n'
                f'{{"level":"info","ts":"{ts}","logger":"client","caller":"v3@v3.5.16/maintenance.go:220","msg":'
                '"completed snapshot read; closing"}\n'
                f'{{"level":"info","ts":"{ts}","caller":"snapshot/v3_snapshot.go:88","msg":"fetched snapshot",'
                f'"endpoint":"{ep}","size":"{human_bytes(len(raw))}","took":"now"}}\n'
                f'{{"level":"info","ts":"{ts}","caller":"snapshot/v3_snapshot.go:97","msg":"saved","path":'
                f'"{words[2]}"}}\n')
            ctx.stdout.write(f"Snapshot saved at {words[2]}\n")
            return 0
        ctx.stderr.write(f"Error: unknown command \"{words[0]}\" for \"etcdctl\"\n")
        return 1

    def _etcdctl_profile(self, host: str) -> dict[str, str]:
        """The ETCDCTL_* variables root's ~/.bashrc exports on a master (bash sources it for ssh commands)."""
        fs = self._node_fs(host)
        done = self.__dict__.setdefault("_etcdctl_profiles", set())
        if host not in done:
            done.add(host)
            # kubeadm's etcd data dir, and the classroom's prepared backup directory.
            for d in ("/var/lib/etcd/member/snap", "/var/lib/etcd/member/wal", "/var/lib/etcd-backup"):
                fs.makedirs(d)
            if not fs.exists("/root/.bashrc"):
                fs.makedirs("/root")
                fs.write("/root/.bashrc", b"# etcdctl talks to the local etcd member with kubeadm's certificates\n"
                         b"export ETCDCTL_ENDPOINTS=https://127.0.0.1:2379\n"
                         b"export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt\n"
                         b"export ETCDCTL_CERT=/etc/kubernetes/pki/etcd/server.crt\n"
                         b"export ETCDCTL_KEY=/etc/kubernetes/pki/etcd/server.key\n")
        try:
            text = fs.read("/root/.bashrc").decode("utf-8", "replace")
        except VFSError:
            return {}
        env: dict[str, str] = {}
        for line in text.splitlines():
            words = line.strip().removeprefix("export ").strip()
            k, eq, v = words.partition("=")
            if eq and k.startswith("ETCDCTL_") and not line.lstrip().startswith("#"):
                env[k] = v.strip().strip("'\"")
        return env

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
