"""``kubectl auth can-i|whoami`` and ``kubectl certificate approve|deny`` against the simulated authorizer."""

from __future__ import annotations

from typing import Any

from ...engine.api.authz import Attributes
from ...engine.errors import StatusError
from ..describe.tabwriter import TabWriter
from ..flags import Flag
from ..main import Command, Ctx
from ..result import CommandError

CSR = "certificatesigningrequests.certificates.k8s.io"


def _go_list(items: list[str] | None) -> str:
    return "[" + " ".join(items or []) + "]"


def _rule_string(r: dict[str, Any]) -> str:
    """``PolicyRule.String()`` (what ``SortableRuleSlice`` sorts by)."""
    return (f"&PolicyRule{{Verbs:{_go_list(r.get('verbs'))},APIGroups:{_go_list(r.get('apiGroups'))},"
            f"Resources:{_go_list(r.get('resources'))},ResourceNames:{_go_list(r.get('resourceNames'))},"
            f"NonResourceURLs:{_go_list(r.get('nonResourceURLs'))},}}")


def _breakdown(rule: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for g in rule.get("apiGroups") or []:
        for res in rule.get("resources") or []:
            if rule.get("resourceNames"):
                for n in rule["resourceNames"]:
                    out.append({"apiGroups": [g], "resources": [res], "verbs": list(rule["verbs"]),
                                "resourceNames": [n]})
            else:
                out.append({"apiGroups": [g], "resources": [res], "verbs": list(rule["verbs"])})
    for u in rule.get("nonResourceURLs") or []:
        out.append({"nonResourceURLs": [u], "verbs": list(rule["verbs"])})
    return out


def compact_rules(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``BreakdownRule`` + ``CompactRules`` + ``SortableRuleSlice``: the rows of ``auth can-i --list``."""
    compacted: list[dict[str, Any]] = []
    simple: dict[tuple[str, str, str], dict[str, Any]] = {}
    for rule in (b for r in rules for b in _breakdown(r)):
        names = rule.get("resourceNames") or []
        if rule.get("nonResourceURLs") or len(names) > 1:
            compacted.append(rule)
            continue
        key = (rule["apiGroups"][0], rule["resources"][0], names[0] if names else "\x00")
        if key in simple:
            simple[key]["verbs"] = simple[key]["verbs"] + rule["verbs"]
        else:
            simple[key] = {k: list(v) for k, v in rule.items()}
    compacted += list(simple.values())
    return sorted(compacted, key=_rule_string)


def _combine(resources: list[str], groups: list[str]) -> str:
    """``describe.CombineResourceGroup``."""
    if not resources:
        return ""
    parts = resources[0].split("/", 1)
    out = parts[0]
    if groups and groups[0]:
        out += "." + groups[0]
    if len(parts) == 2:
        out += "/" + parts[1]
    return out


def cmd_can_i(ctx: Ctx) -> None:
    """``kubectl auth can-i VERB TYPE[/NAME] | NONRESOURCEURL`` and ``--list``."""
    auth = getattr(ctx.cluster, "auth", None)
    user = ctx.user
    if ctx.flag("list"):
        if ctx.flag("quiet") or ctx.flag("all-namespaces") or ctx.flag("subresource"):
            raise CommandError("error: list option can't be specified with neither quiet, all-namespaces nor "
                               "subresource options")
        res_rules, nonres, err = auth.rules_for(user, ctx.namespace) if auth else (
            [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}], [{"verbs": ["*"], "nonResourceURLs": ["*"]}],
            "")
        if err:
            ctx.err(f"Warning: the list may be incomplete: {err}\n")
        tw = TabWriter(6, 4, 3, " ", 0)
        if not ctx.flag("no-headers"):
            tw.write("Resources\tNon-Resource URLs\tResource Names\tVerbs\n")
        for r in compact_rules(res_rules + nonres):
            tw.write(f"{_combine(r.get('resources') or [], r.get('apiGroups') or [])}\t"
                     f"{_go_list(r.get('nonResourceURLs'))}\t{_go_list(r.get('resourceNames'))}\t"
                     f"{_go_list(r.get('verbs'))}\n")
        tw.flush()
        ctx.out(tw.getvalue())
        return
    if ctx.flag("no-headers"):
        raise CommandError("error: --no-headers cannot be set without --list specified")
    args = ctx.args
    if len(args) != 2:
        raise CommandError("error: you must specify two arguments: verb resource or verb resource/resourceName.\n"
                           "See 'kubectl auth can-i -h' for help and examples.")
    verb, target = args
    ns = "" if ctx.flag("all-namespaces") else ctx.namespace
    if target.startswith("/"):
        attrs = Attributes(user, verb, resource_request=False, path=target)
    else:
        res, _, name = target.partition("/")
        group, resource = "", res
        if res != "*":
            rt = ctx.cluster.registry.resolve(res.lower())
            if rt is None:
                group_part = res.split(".", 1)
                resource = group_part[0]
                group = group_part[1] if len(group_part) > 1 else ""
                ctx.err(f"Warning: the server doesn't have a resource type '{resource}'"
                        + (f" in group '{group}'" if group else "") + "\n")
            else:
                group, resource = rt.group, rt.plural
                if not rt.namespaced and not ctx.flag("all-namespaces"):
                    ctx.err(f"Warning: resource '{resource}' is not namespace scoped"
                            + (f" in group '{group}'" if group else "") + "\n")
        attrs = Attributes(user, verb, group, resource, ctx.flag("subresource") or "", ns, name)
    allowed, reason = auth.check(attrs) if auth else (True, "")
    if not ctx.flag("quiet"):
        ctx.out("yes\n" if allowed else ("no" + (f" - {reason}" if reason else "") + "\n"))
    if not allowed:
        ctx.result.exit_code = 1


def cmd_whoami(ctx: Ctx) -> None:
    """``kubectl auth whoami`` (SelfSubjectReview)."""
    u = ctx.user
    fmt = ctx.flag("output") or ""
    if fmt in ("yaml", "json"):
        from ..serialize import to_json, to_yaml

        obj: dict[str, Any] = {"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview",
                               "metadata": {"creationTimestamp": None},
                               "status": {"userInfo": {"groups": list(u.groups), "username": u.username}}}
        if u.uid:
            obj["status"]["userInfo"]["uid"] = u.uid
        ctx.out(to_yaml(obj) if fmt == "yaml" else to_json(obj, sort_keys=False) + "\n")
        return
    tw = TabWriter(6, 4, 3, " ", 0)
    tw.write("ATTRIBUTE\tVALUE\n")
    tw.write(f"Username\t{u.username}\n")
    if u.uid:
        tw.write(f"UID\t{u.uid}\n")
    if u.groups:
        tw.write(f"Groups\t{_go_list(list(u.groups))}\n")
    tw.flush()
    ctx.out(tw.getvalue())


def _certificate(ctx: Ctx, approve: bool) -> None:
    if not ctx.args:
        raise CommandError("error: one or more CSRs must be specified as <name> or -f <filename>")
    from ...engine.timeutil import rfc3339

    api = ctx.cluster.api
    auth = getattr(ctx.cluster, "auth", None)
    for name in ctx.args:
        try:
            if auth is not None:
                a = Attributes(ctx.user, "update", "certificates.k8s.io", "certificatesigningrequests", "approval",
                               "", name)
                ok, reason = auth.check(a)
                if not ok:
                    raise auth.forbidden(a, reason)
            csr = api.get(CSR, name)
        except StatusError as e:
            from ..main import format_status_error

            raise CommandError(format_status_error(e)) from None
        conds = (csr.get("status") or {}).get("conditions") or []
        want = "Approved" if approve else "Denied"
        if not any(c.get("type") == want for c in conds):
            now = rfc3339(ctx.now())
            verb = "approve" if approve else "deny"
            conds.append({"lastTransitionTime": now, "lastUpdateTime": now,
                          "message": f"This CSR was {'approved' if approve else 'denied'} by kubectl certificate "
                                     f"{verb}.", "reason": f"Kubectl{'Approve' if approve else 'Deny'}",
                          "status": "True", "type": want})
            csr.setdefault("status", {})["conditions"] = conds
            api.update(csr, subresource="status")
            ctx.cluster.settle()
        ctx.out(f"certificatesigningrequest.certificates.k8s.io/{name} {'approved' if approve else 'denied'}\n")


def cmd_certificate_approve(ctx: Ctx) -> None:
    """``kubectl certificate approve NAME...``."""
    _certificate(ctx, True)


def cmd_certificate_deny(ctx: Ctx) -> None:
    """``kubectl certificate deny NAME...``."""
    _certificate(ctx, False)


def auth_command() -> Command:
    """The ``auth`` command group."""
    return Command("auth", None, short="Inspect authorization", subcommands={
        "can-i": Command("can-i", cmd_can_i, [
            Flag("all-namespaces", "bool", "A", default=False), Flag("list", "bool", default=False),
            Flag("no-headers", "bool", default=False), Flag("quiet", "bool", "q", default=False),
            Flag("subresource", "string")], short="Check whether an action is allowed"),
        "whoami": Command("whoami", cmd_whoami, [Flag("output", "string", "o")],
                          short="Experimental: Check self subject attributes"),
    })


def certificate_command() -> Command:
    """The ``certificate`` command group."""
    return Command("certificate", None, short="Modify certificate resources", subcommands={
        "approve": Command("approve", cmd_certificate_approve, [Flag("force", "bool", default=False)],
                           short="Approve a certificate signing request"),
        "deny": Command("deny", cmd_certificate_deny, [Flag("force", "bool", default=False)],
                        short="Deny a certificate signing request"),
    })
