"""The kubectl command table (one source of truth for dispatch, help and completion)."""

from __future__ import annotations

from ..flags import Flag
from ..main import Command
from . import apply as apply_cmds
from . import info, meta, nodes, wait
from .auth import auth_command, certificate_command
from .autoscale import autoscale_command
from .containers import exec_, logs, top
from .get import GET_FLAGS, cmd_get
from .portforward import command as portforward_command
from .rollout import rollout_command
from .scale import scale_command
from .set import set_command

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
        name, None,
        missing=f"error: `kubectl {name}` is not simulated yet in this version of k8stutor (it arrives with {what})",
    )


def build_commands() -> dict[str, Command]:
    from .create import create_command, expose_command, run_command

    cmds: dict[str, Command] = {
        "get": Command("get", cmd_get, GET_FLAGS, short="Display one or many resources"),
        "describe": Command("describe", info.cmd_describe, info.DESCRIBE_FLAGS,
                            short="Show details of a specific resource or group of resources"),
        "create": create_command(),
        "run": run_command(),
        "expose": expose_command(),
        "apply": Command("apply", apply_cmds.cmd_apply, apply_cmds.APPLY_FLAGS,
                         short="Apply a configuration to a resource by file name or stdin"),
        "replace": Command("replace", apply_cmds.cmd_replace, apply_cmds.REPLACE_FLAGS,
                           short="Replace a resource by file name or stdin"),
        "delete": Command("delete", apply_cmds.cmd_delete, apply_cmds.DELETE_FLAGS,
                          short="Delete resources by file names, stdin, resources and names, or by resources and "
                                "label selector"),
        "edit": Command("edit", meta.cmd_edit, meta.EDIT_FLAGS, short="Edit a resource on the server"),
        "patch": Command("patch", meta.cmd_patch, meta.PATCH_FLAGS, short="Update fields of a resource"),
        "label": Command("label", meta.cmd_label, meta.LABEL_FLAGS, short="Update the labels on a resource"),
        "annotate": Command("annotate", meta.cmd_annotate, meta.LABEL_FLAGS,
                            short="Update the annotations on a resource"),
        "explain": Command("explain", info.cmd_explain, info.EXPLAIN_FLAGS, short="Get documentation for a resource"),
        "api-resources": Command("api-resources", info.cmd_api_resources, info.API_RESOURCES_FLAGS,
                                 short="Print the supported API resources on the server"),
        "api-versions": Command("api-versions", info.cmd_api_versions, [],
                                short="Print the supported API versions on the server, in the form of "
                                      "\"group/version\""),
        "version": Command("version", info.cmd_version, info.VERSION_FLAGS,
                           short="Print the client and server version information"),
        "cluster-info": Command("cluster-info", info.cmd_cluster_info, [], short="Display cluster information"),
        "autoscale": autoscale_command(),
        "auth": auth_command(),
        "certificate": certificate_command(),
        "port-forward": portforward_command(),
        "cordon": nodes.cordon,
        "uncordon": nodes.uncordon,
        "drain": nodes.drain,
        "taint": nodes.taint,
        "rollout": rollout_command(),
        "scale": scale_command(),
        "set": set_command(),
        "logs": logs,
        "exec": exec_,
        "top": top,
        "wait": Command("wait", wait.cmd_wait, wait.WAIT_FLAGS,
                        short="Experimental: Wait for a specific condition on one or many resources"),
        "options": Command("options", lambda ctx: ctx.out(info._help_text("options") or ""), [],
                           short="Print the list of flags inherited by all commands"),
        "config": Command(
            "config", None, short="Modify kubeconfig files",
            subcommands={
                "view": Command("view", info.cmd_config_view, info.CONFIG_VIEW_FLAGS,
                                short="Display merged kubeconfig settings or a specified kubeconfig file"),
                "current-context": Command("current-context", info.cmd_config_current_context, [],
                                           short="Display the current-context"),
                "get-contexts": Command("get-contexts", info.cmd_config_get_contexts,
                                        [Flag("output", "string", "o"), Flag("no-headers", "bool", default=False)],
                                        short="Describe one or many contexts"),
                "use-context": Command("use-context", info.cmd_config_use_context, [], aliases=("use",),
                                       short="Set the current-context in a kubeconfig file"),
                "set-context": Command("set-context", info.cmd_config_set_context,
                                       [Flag("current", "bool", default=False), Flag("namespace", "string"),
                                        Flag("cluster", "string"), Flag("user", "string")],
                                       short="Set a context entry in kubeconfig"),
                "get-clusters": Command("get-clusters", info.cmd_config_get_clusters, [],
                                        short="Display clusters defined in the kubeconfig"),
                "get-users": Command("get-users", info.cmd_config_get_users, [],
                                     short="Display users defined in the kubeconfig"),
                "rename-context": Command("rename-context", info.cmd_config_rename_context, [],
                                          short="Rename a context from the kubeconfig file"),
                "delete-context": Command("delete-context", info.cmd_config_delete_context, [],
                                          short="Delete the specified context from the kubeconfig"),
            },
        ),
    }
    for name, what in LATER.items():
        cmds.setdefault(name, _later(name, what))
    return cmds
