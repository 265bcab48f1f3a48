"""Tab completion for the shell REPL: commands, kubectl verbs, resource kinds, object names, flags."""

from __future__ import annotations

import shlex

from .workstation import Workstation

TOP = ["kubectl", "k", "sleep", "sim", "ssh", "helm", "curl", "exit"]
NAME_VERBS = {"get", "describe", "delete", "edit", "label", "annotate", "patch", "wait", "explain"}


class Completer:
    """readline completer; candidates come from the kubectl command table and the cluster's registry."""

    def __init__(self, ws: Workstation) -> None:
        self.ws = ws
        self._matches: list[str] = []

    def candidates(self, line: str) -> list[str]:
        try:
            words = shlex.split(line)
        except ValueError:
            words = line.split()
        if line.endswith(" ") or not line:
            words.append("")
        if len(words) <= 1:
            return [w for w in TOP if w.startswith(words[0] if words else "")]
        prefix = words[-1]
        if words[0] in ("kubectl", "k"):
            return self._kubectl(words[1:-1], prefix)
        if words[0] == "sim":
            return [w for w in ("time", "advance", "save", "load", "node", "seed") if w.startswith(prefix)]
        if words[0] == "ssh" and len(words) == 2:
            return [n["metadata"]["name"] for n in self.ws.cluster.store.list("nodes")
                    if n["metadata"]["name"].startswith(prefix)]
        return []

    def _kubectl(self, done: list[str], prefix: str) -> list[str]:
        commands = self.ws.kubectl.commands
        if prefix.startswith("-"):
            cmd = commands.get(done[0]) if done else None
            flags = ["--namespace", "--all-namespaces", "--output"] + (
                [f"--{f.name}" for f in cmd.flags] if cmd else [])
            return sorted({f for f in flags if f.startswith(prefix)})
        words = [w for w in done if not w.startswith("-")]
        if not words:
            return sorted(c for c in commands if c.startswith(prefix))
        cmd = commands.get(words[0])
        if cmd is not None and cmd.subcommands and len(words) == 1:
            return sorted(c for c in cmd.subcommands if c.startswith(prefix))
        registry = self.ws.cluster.registry
        if words[0] in NAME_VERBS and len(words) == 1:
            names = set()
            for rt in registry:
                names.add(rt.plural)
                names.update(rt.short_names)
            return sorted(n for n in names if n.startswith(prefix))
        if words[0] in NAME_VERBS and len(words) == 2:
            found = registry.resolve(words[1])
            if found is None:
                return []
            rt = found
            ns = None
            if "-n" in done:
                i = done.index("-n")
                ns = done[i + 1] if i + 1 < len(done) else None
            ns = ns or self.ws.kubectl.config.current_namespace()
            objs = self.ws.cluster.api.list_objects(rt, ns if rt.namespaced else None)
            return [o["metadata"]["name"] for o in objs if o["metadata"]["name"].startswith(prefix)]
        return []

    def complete(self, text: str, state: int) -> str | None:
        if state == 0:
            try:
                import readline

                line = readline.get_line_buffer()[: readline.get_endidx()]
            except Exception:  # pragma: no cover
                line = text
            self._matches = [m + " " for m in self.candidates(line)]
        return self._matches[state] if state < len(self._matches) else None
