"""The built-in kubectl: command table, global flags, dispatch and cobra's error texts.

``Kubectl(cluster).run(["get", "pods"])`` returns a Result; nothing is printed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..engine.errors import StatusError
from .config import KubeConfig
from .flags import Flag, FlagError, Parsed, parse
from .result import CommandError, Result

if TYPE_CHECKING:
    from ..engine.cluster import Cluster

GLOBAL_FLAGS = [
    Flag("namespace", "string", "n", help="If present, the namespace scope for this CLI request"),
    Flag("context", "string", help="The name of the kubeconfig context to use"),
    Flag("cluster", "string", help="The name of the kubeconfig cluster to use"),
    Flag("user", "string", help="The name of the kubeconfig user to use"),
    Flag("kubeconfig", "string", help="Path to the kubeconfig file to use for CLI requests."),
    Flag("server", "string", "s", help="The address and port of the Kubernetes API server"),
    Flag("as", "string", help="Username to impersonate for the operation."),
    Flag("as-group", "stringArray", help="Group to impersonate for the operation."),
    Flag("as-uid", "string", help="UID to impersonate for the operation."),
    Flag("request-timeout", "string", default="0", help="The length of time to wait before giving up on a single "
                                                          "server request."),
    Flag("v", "string", "v", default="0", help="number for the log level verbosity"),
    Flag("insecure-skip-tls-verify", "bool", default=False),
    Flag("token", "string"),
    Flag("username", "string"),
    Flag("password", "string"),
    Flag("certificate-authority", "string"),
    Flag("client-certificate", "string"),
    Flag("client-key", "string"),
    Flag("tls-server-name", "string"),
    Flag("cache-dir", "string"),
    Flag("match-server-version", "bool", default=False),
    Flag("warnings-as-errors", "bool", default=False),
    Flag("disable-compression", "bool", default=False),
    Flag("profile", "string", default="none"),
    Flag("profile-output", "string", default="profile.pprof"),
    Flag("log-flush-frequency", "string", default="5s"),
]

# Top-level commands in the order kubectl registers them (cobra suggests in this order).
COMMAND_ORDER = [
    "create", "expose", "run", "set", "explain", "get", "edit", "delete", "rollout", "scale", "autoscale",
    "certificate", "cluster-info", "top", "cordon", "uncordon", "drain", "taint", "describe", "logs", "attach",
    "exec", "port-forward", "proxy", "cp", "auth", "debug", "events", "diff", "apply", "patch", "replace", "wait",
    "kustomize", "label", "annotate", "completion", "alpha", "api-resources", "api-versions", "config", "plugin",
    "version", "options",
]


@dataclass
class Command:
    """One kubectl command (or sub-command): its flags and handler."""

    name: str
    handler: Callable[[Ctx], None] | None
    flags: list[Flag] = field(default_factory=list)
    subcommands: dict[str, Command] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    short: str = ""
    usage: str = ""
    # Commands the built-in kubectl does not simulate yet answer with a clear message instead.
    missing: str = ""


@dataclass
class Ctx:
    """What a command handler works with."""

    kubectl: Kubectl
    parsed: Parsed
    result: Result
    path: list[str]
    stdin: bytes = b""

    @property
    def cluster(self) -> Cluster:
        return self.kubectl.cluster

    @property
    def api(self) -> Any:
        """The API as this kubectl's user sees it (kubeconfig user, or ``--as``/``--as-group``)."""
        return self.kubectl.cluster.api.as_user(self.user)

    @property
    def user(self) -> Any:
        from ..engine.api.authz import ADMIN, UserInfo

        real = self.kubectl.user or self._kubeconfig_user() or ADMIN
        as_user = self.parsed.flags.get("as")
        groups = tuple(self.parsed.flags.get("as-group") or ())
        if as_user or groups:
            auth = getattr(self.kubectl.cluster, "auth", None)
            if auth is not None:
                return auth.check_impersonation(real, as_user or real.username, groups)
            return UserInfo(as_user or real.username, groups + ("system:authenticated",))
        return real

    def _kubeconfig_user(self) -> Any:
        """The user the current context's credentials authenticate as (401 when they are not valid)."""
        auth = getattr(self.kubectl.cluster, "auth", None)
        cfg = self.kubectl.config
        ctx_name = self.context_name
        if ctx_name and ctx_name not in cfg.contexts:
            raise CommandError(f'error: context was not found for specified context: {ctx_name}')
        user_flag = self.parsed.flags.get("user")  # a command's own --user (create rolebinding) is a list
        name = (user_flag if isinstance(user_flag, str) and user_flag else "") or cfg.current_user(ctx_name)
        if auth is None or not name:
            return None
        if name not in cfg.users:
            raise CommandError(f'error: auth info "{name}" does not exist')
        entry = dict(cfg.users.get(name) or {})
        for ref, data in (("client-certificate", "client-certificate-data"), ("client-key", "client-key-data")):
            if entry.get(ref) and not entry.get(data):
                import base64

                try:
                    entry[data] = base64.b64encode(self.kubectl.files.read(entry[ref])).decode()
                except OSError:
                    raise CommandError(f"error: unable to read client-cert {entry[ref]} for {name} due to open "
                                       f"{entry[ref]}: no such file or directory") from None
        from ..engine.auth.authn import AuthnError

        _check_key_pair(entry)
        try:
            return auth.authn.user_for_credentials(name, entry)
        except AuthnError:
            raise CommandError("error: You must be logged in to the server (Unauthorized)") from None

    @property
    def args(self) -> list[str]:
        return self.parsed.args

    def flag(self, name: str, default: Any = None) -> Any:
        v = self.parsed.flags.get(name, default)
        return default if v is None else v

    def changed(self, name: str) -> bool:
        return name in self.parsed.changed

    @property
    def context_name(self) -> str:
        """``--context`` or the kubeconfig's current context."""
        return self.parsed.flags.get("context") or self.kubectl.config.current_context

    @property
    def namespace(self) -> str:
        return self.parsed.flags.get("namespace") or self.kubectl.config.current_namespace(self.context_name)

    @property
    def namespace_explicit(self) -> bool:
        return bool(self.parsed.flags.get("namespace"))

    @property
    def cmd_path(self) -> str:
        return " ".join(["kubectl", *self.path])

    def out(self, text: str) -> None:
        self.result.out(text)

    def err(self, text: str) -> None:
        self.result.err(text)

    def usage_error(self, message: str) -> CommandError:
        return CommandError(f"error: {message}\nSee '{self.cmd_path} -h' for help and examples")

    def now(self) -> float:
        return self.kubectl.cluster.now()

    def read_path(self, path: str) -> bytes:
        full = path if os.path.isabs(path) else os.path.join(self.kubectl.cwd, path)
        return self.kubectl.files.read(full)


def _check_key_pair(entry: dict[str, Any]) -> None:
    """Go's ``tls.X509KeyPair``: a real client certificate must come with its own private key."""
    import base64
    import binascii

    cert, key = entry.get("client-certificate-data") or "", entry.get("client-key-data") or ""
    if not cert or not key or "DATA+OMITTED" in (cert, key):
        return
    from ..engine.auth.pki import PKIError, key_matches, load_cert, load_key

    try:
        c, k = load_cert(base64.b64decode(cert)), load_key(base64.b64decode(key))
    except (PKIError, binascii.Error, ValueError):
        return  # not real PEM (the simulator's own credentials): the authenticator decides
    if not key_matches(c, k):
        raise CommandError("error: tls: private key does not match public key")


class HostFiles:
    """Read-only access to the host's files (``-f FILE``); the workstation host supplies an overlay instead."""

    LIMIT = 64 * 1024 * 1024

    def exists(self, path: str) -> bool:
        return os.path.exists(path)

    def isdir(self, path: str) -> bool:
        return os.path.isdir(path)

    def listdir(self, path: str) -> list[str]:
        return sorted(os.listdir(path))

    def read(self, path: str) -> bytes:
        with open(path, "rb") as fh:
            return fh.read(self.LIMIT)

    def size(self, path: str) -> int:
        return os.path.getsize(path)


def levenshtein(a: str, b: str) -> int:
    a, b = a.lower(), b.lower()
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


class Kubectl:
    """kubectl bound to one cluster and one kubeconfig."""

    def __init__(self, cluster: Cluster, config: KubeConfig | None = None, cwd: str | None = None,
                 env: dict[str, str] | None = None, files: Any = None) -> None:
        from .commands import build_commands

        self.cluster = cluster
        self.files = files or HostFiles()
        self.config = config or KubeConfig.default()
        self.cwd = cwd or os.getcwd()
        self.env = env if env is not None else {}
        self.commands: MutableMapping[str, Command] = build_commands()
        # The authenticated user (None: the kubeconfig's admin user).
        self.user: Any = None
        # An editor callback the host may install for `kubectl edit` (takes text, returns edited text or None).
        self.editor: Callable[[str], str | None] | None = None
        # A host that shows output as it arrives installs this; waiting commands then hand it a Stream.
        self.on_stream: Callable[[Any], None] | None = None

    def run(self, argv: list[str], stdin: bytes = b"") -> Result:
        """Run one kubectl command line (without the leading ``kubectl``)."""
        result = Result()
        api = self.cluster.api
        previous = api.warning_handler
        seen: set[str] = set()

        def warning(text: str) -> None:
            # client-go's warning handler as kubectl sets it up: "Warning: " on stderr, each text once.
            if text not in seen:
                seen.add(text)
                result.err(f"Warning: {text}\n")

        api.warning_handler = warning
        try:
            self._dispatch(argv, stdin, result)
        except CommandError as e:
            result.stdout += e.stdout
            result.fail(e.message, e.code)
        except StatusError as e:
            result.fail(format_status_error(e), 1)
        except FlagError as e:
            result.fail(f"error: {e}", 1)
        finally:
            api.warning_handler = previous
        return result

    def _dispatch(self, argv: list[str], stdin: bytes, result: Result) -> None:
        # Find the command path: the first non-flag words that name commands.
        path: list[str] = []
        table = self.commands
        cmd: Command | None = None
        rest: list[str] = []
        skip_next = False
        global_with_values = {"-n", "--namespace", "--context", "--cluster", "--user", "--kubeconfig", "-s",
                              "--server", "--as", "--as-group", "--request-timeout", "-v"}
        words = []
        for idx, a in enumerate(argv):
            if skip_next:
                skip_next = False
                continue
            if a == "--":
                break
            if a.startswith("-"):
                if a in global_with_values:
                    skip_next = True
                continue
            words.append((idx, a))
        consumed: set[int] = set()
        for idx, w in words:
            if cmd is not None and not cmd.subcommands:
                break
            sub = table.get(w) if cmd is None else cmd.subcommands.get(w)
            if sub is None:
                # aliases
                candidates = (self.commands if cmd is None else cmd.subcommands).values()
                sub = next((c for c in candidates if w in c.aliases), None)
            if sub is None:
                if cmd is None:
                    raise CommandError(self._unknown_command(w), 1)
                break
            cmd = sub
            path.append(sub.name)
            consumed.add(idx)
        if cmd is None:
            if not argv or all(a.startswith("-") for a in argv):
                from .commands.info import root_help

                if any(a in ("-h", "--help") for a in argv) or not argv:
                    result.out(root_help())
                    return
                try:
                    parse(argv, GLOBAL_FLAGS + [Flag("help", "bool", "h")])
                except FlagError as e:
                    raise CommandError(f"Error: {e}\nSee 'kubectl --help' for usage.") from None
                result.out(root_help())
                return
            raise CommandError(self._unknown_command(words[0][1] if words else argv[0]), 1)
        rest = [a for idx, a in enumerate(argv) if idx not in consumed]
        flags = GLOBAL_FLAGS + cmd.flags + [Flag("help", "bool", "h")]
        cmd_path = " ".join(["kubectl", *path])
        try:
            parsed = parse(rest, flags)
        except FlagError as e:
            raise CommandError(f"Error: {e}\nSee '{cmd_path} --help' for usage.") from None
        if parsed.flags.get("help"):
            from .commands.info import command_help

            result.out(command_help(cmd, path))
            return
        if cmd.handler is None:
            if cmd.subcommands:
                if parsed.args:
                    raise CommandError(
                        f"error: unknown command \"{parsed.args[0]}\"\nSee '{cmd_path} -h' for help and examples")
                from .commands.info import command_help

                result.out(command_help(cmd, path))
                return
            raise CommandError(cmd.missing or f"error: {cmd_path} is not available in k8stutor yet")
        if parsed.flags.get("as") or parsed.flags.get("as-group"):
            pass  # impersonation is honoured by the API once authorization exists
        ctx = Ctx(self, parsed, result, path, stdin)
        cmd.handler(ctx)

    def _unknown_command(self, word: str) -> str:
        suggestions = [
            name for name in COMMAND_ORDER
            if name in self.commands and (levenshtein(word, name) <= 2 or name.startswith(word.lower()))
        ]
        msg = f'Error: unknown command "{word}" for "kubectl"'
        if suggestions:
            msg += "\n\nDid you mean this?\n" + "".join(f"\t{s}\n" for s in suggestions) + "\n"
        return msg


def format_status_error(e: StatusError, context: str = "") -> str:
    """kubectl's rendering of an API error: ``Error from server (NotFound): pods "x" not found``."""
    if e.code == 422 and e.reason == "Invalid":
        from ..engine.api.field_errors import kubectl_invalid_message

        return kubectl_invalid_message(e.status)
    reason = e.reason or "Unknown"
    if e.code == 500 and not e.reason:
        reason = "InternalError"
    prefix = f"Error from server ({reason}): " if reason not in ("", "Unknown") else "Error from server: "
    return f"{prefix}{context}{e.message}"
