"""The kubectl command table (one source of truth for dispatch, help and completion).

Each command's module (and what it imports: printers, describers, generators, explain, the network) is
loaded the first time the command is looked up, so starting a shell does not pay for every command.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping

from ..flags import Flag
from ..main import Command


class CommandTable(MutableMapping[str, Command]):
    """The top-level commands by name; each is built (its module imported) on first lookup."""

    def __init__(self, factories: dict[str, Callable[[], Command]]) -> None:
        self._factories = dict(factories)
        self._built: dict[str, Command] = {}

    def __getitem__(self, name: str) -> Command:
        cmd = self._built.get(name)
        if cmd is None:
            cmd = self._built[name] = self._factories[name]()
        return cmd

    def __setitem__(self, name: str, cmd: Command) -> None:
        self._factories[name] = lambda: cmd
        self._built[name] = cmd

    def __delitem__(self, name: str) -> None:
        del self._factories[name]
        self._built.pop(name, None)

    def setdefault(self, name: str, default: Command) -> Command:
        """``dict.setdefault`` without building the existing command just to test for it."""
        if name not in self._factories:
            self[name] = default
        return self[name]

    def __contains__(self, name: object) -> bool:
        return name in self._factories

    def __iter__(self) -> Iterator[str]:
        return iter(self._factories)

    def __len__(self) -> int:
        return len(self._factories)


LATER = {
    "attach": "the kubelet and container runtime",
    "proxy": "the simulated network",
    "cp": "the container runtime",
    "debug": "the container runtime",
    "events": "the event stream",
    "diff": "the diff view",
    "kustomize": "kustomize support",
    "completion": "shell completion",
    "alpha": "alpha features",
    "plugin": "plugins",
}


def _later(name: str, what: str) -> Command:
    return Command(
        name,
        None,
        missing=f"error: `kubectl {name}` is not simulated yet in this version of k8stutor (it arrives with {what})",
    )


def _get() -> Command:
    from .get import GET_FLAGS, cmd_get

    return Command("get", cmd_get, GET_FLAGS, short="Display one or many resources")


def _info(name: str, handler: str, flags: str | None, short: str) -> Callable[[], Command]:
    def build() -> Command:
        from . import info

        return Command(name, getattr(info, handler), getattr(info, flags) if flags else [], short=short)

    return build


def _apply(name: str, handler: str, flags: str, short: str) -> Callable[[], Command]:
    def build() -> Command:
        from . import apply

        return Command(name, getattr(apply, handler), getattr(apply, flags), short=short)

    return build


def _meta(name: str, handler: str, flags: str, short: str) -> Callable[[], Command]:
    def build() -> Command:
        from . import meta

        return Command(name, getattr(meta, handler), getattr(meta, flags), short=short)

    return build


def _attr(module: str, attr: str, call: bool = False) -> Callable[[], Command]:
    """A command that module ``module`` defines as ``attr`` (a Command, or a factory when ``call``)."""

    def build() -> Command:
        from importlib import import_module

        obj = getattr(import_module(f"{__name__}.{module}"), attr)
        return obj() if call else obj

    return build


def _wait() -> Command:
    from . import wait

    return Command(
        "wait",
        wait.cmd_wait,
        wait.WAIT_FLAGS,
        short="Experimental: Wait for a specific condition on one or many resources",
    )


def _options() -> Command:
    from . import info

    return Command(
        "options",
        lambda ctx: ctx.out(info._help_text("options") or ""),
        [],
        short="Print the list of flags inherited by all commands",
    )


def _config() -> Command:
    from . import info

    return Command(
        "config",
        None,
        short="Modify kubeconfig files",
        subcommands={
            "view": Command(
                "view",
                info.cmd_config_view,
                info.CONFIG_VIEW_FLAGS,
                short="Display merged kubeconfig settings or a specified kubeconfig file",
            ),
            "current-context": Command(
                "current-context", info.cmd_config_current_context, [], short="Display the current-context"
            ),
            "get-contexts": Command(
                "get-contexts",
                info.cmd_config_get_contexts,
                [Flag("output", "string", "o"), Flag("no-headers", "bool", default=False)],
                short="Describe one or many contexts",
            ),
            "use-context": Command(
                "use-context",
                info.cmd_config_use_context,
                [],
                aliases=("use",),
                short="Set the current-context in a kubeconfig file",
            ),
            "set-context": Command(
                "set-context",
                info.cmd_config_set_context,
                [
                    Flag("current", "bool", default=False),
                    Flag("namespace", "string"),
                    Flag("cluster", "string"),
                    Flag("user", "string"),
                ],
                short="Set a context entry in kubeconfig",
            ),
            "get-clusters": Command(
                "get-clusters",
                info.cmd_config_get_clusters,
                [],
                short="Display clusters defined in the kubeconfig",
            ),
            "get-users": Command(
                "get-users", info.cmd_config_get_users, [], short="Display users defined in the kubeconfig"
            ),
            "rename-context": Command(
                "rename-context",
                info.cmd_config_rename_context,
                [],
                short="Rename a context from the kubeconfig file",
            ),
            "delete-context": Command(
                "delete-context",
                info.cmd_config_delete_context,
                [],
                short="Delete the specified context from the kubeconfig",
            ),
            "set-credentials": Command(
                "set-credentials",
                info.cmd_config_set_credentials,
                [
                    Flag("client-certificate", "string"),
                    Flag("client-key", "string"),
                    Flag("token", "string"),
                    Flag("username", "string"),
                    Flag("password", "string"),
                    Flag("embed-certs", "bool", default=False),
                    Flag("auth-provider", "string"),
                    Flag("exec-command", "string"),
                ],
                short="Set a user entry in kubeconfig",
            ),
            "set-cluster": Command(
                "set-cluster",
                info.cmd_config_set_cluster,
                [
                    Flag("server", "string"),
                    Flag("certificate-authority", "string"),
                    Flag("embed-certs", "bool", default=False),
                    Flag("insecure-skip-tls-verify", "bool", default=False),
                    Flag("tls-server-name", "string"),
                    Flag("proxy-url", "string"),
                ],
                short="Set a cluster entry in kubeconfig",
            ),
            "set": Command(
                "set",
                info.cmd_config_set,
                [Flag("set-raw-bytes", "bool", default=False)],
                short="Set an individual value in a kubeconfig file",
            ),
            "unset": Command("unset", info.cmd_config_unset, [], short="Unset an individual value in a kubeconfig file"),
            "delete-user": Command(
                "delete-user", info.cmd_config_delete_user, [], short="Delete the specified user from the kubeconfig"
            ),
            "delete-cluster": Command(
                "delete-cluster",
                info.cmd_config_delete_cluster,
                [],
                short="Delete the specified cluster from the kubeconfig",
            ),
        },
    )


def build_commands() -> CommandTable:
    """The command table; a command's module is imported when the command is first looked up."""
    factories: dict[str, Callable[[], Command]] = {
        "get": _get,
        "describe": _info(
            "describe",
            "cmd_describe",
            "DESCRIBE_FLAGS",
            "Show details of a specific resource or group of resources",
        ),
        "create": _attr("create", "create_command", call=True),
        "run": _attr("create", "run_command", call=True),
        "expose": _attr("create", "expose_command", call=True),
        "apply": _apply(
            "apply", "cmd_apply", "APPLY_FLAGS", "Apply a configuration to a resource by file name or stdin"
        ),
        "replace": _apply(
            "replace", "cmd_replace", "REPLACE_FLAGS", "Replace a resource by file name or stdin"
        ),
        "delete": _apply(
            "delete",
            "cmd_delete",
            "DELETE_FLAGS",
            "Delete resources by file names, stdin, resources and names, or by resources and label selector",
        ),
        "edit": _meta("edit", "cmd_edit", "EDIT_FLAGS", "Edit a resource on the server"),
        "patch": _meta("patch", "cmd_patch", "PATCH_FLAGS", "Update fields of a resource"),
        "label": _meta("label", "cmd_label", "LABEL_FLAGS", "Update the labels on a resource"),
        "annotate": _meta("annotate", "cmd_annotate", "LABEL_FLAGS", "Update the annotations on a resource"),
        "explain": _info("explain", "cmd_explain", "EXPLAIN_FLAGS", "Get documentation for a resource"),
        "api-resources": _info(
            "api-resources",
            "cmd_api_resources",
            "API_RESOURCES_FLAGS",
            "Print the supported API resources on the server",
        ),
        "api-versions": _info(
            "api-versions",
            "cmd_api_versions",
            None,
            'Print the supported API versions on the server, in the form of "group/version"',
        ),
        "version": _info(
            "version", "cmd_version", "VERSION_FLAGS", "Print the client and server version information"
        ),
        "cluster-info": _info("cluster-info", "cmd_cluster_info", None, "Display cluster information"),
        "autoscale": _attr("autoscale", "autoscale_command", call=True),
        "auth": _attr("auth", "auth_command", call=True),
        "certificate": _attr("auth", "certificate_command", call=True),
        "port-forward": _attr("portforward", "command", call=True),
        "cordon": _attr("nodes", "cordon"),
        "uncordon": _attr("nodes", "uncordon"),
        "drain": _attr("nodes", "drain"),
        "taint": _attr("nodes", "taint"),
        "rollout": _attr("rollout", "rollout_command", call=True),
        "scale": _attr("scale", "scale_command", call=True),
        "set": _attr("set", "set_command", call=True),
        "logs": _attr("containers", "logs"),
        "exec": _attr("containers", "exec_"),
        "top": _attr("containers", "top"),
        "wait": _wait,
        "options": _options,
        "config": _config,
    }
    cmds = CommandTable(factories)
    for name, what in LATER.items():
        cmds.setdefault(name, _later(name, what))
    return cmds
