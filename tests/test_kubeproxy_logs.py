"""kube-proxy's start-up log follows the mode in the mounted kube-proxy ConfigMap (config.conf), as
cmd/kube-proxy/app/server_linux.go logs it: "Using iptables proxy" only when mode is unset, the iptables
Proxier's route_localnet line only in iptables mode, "Using ipvs Proxier" and the ipvs proxier's default
scheduler line in ipvs mode."""

from __future__ import annotations

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.runtime.images import default_catalogue
from k8stutor.engine.runtime.processes import log_template
from k8stutor.kubectl.main import Kubectl

CONF = "/var/lib/kube-proxy/config.conf"


def _restart_with(mode: str, scheduler: str = "") -> str:
    """Set the ConfigMap's mode, delete the kube-proxy pods (the DaemonSet recreates them) and return one
    new pod's log."""
    c = Cluster()
    k = Kubectl(c)
    cm = c.api.get("configmaps", "kube-proxy", "kube-system")
    text = cm["data"]["config.conf"]
    assert 'mode: ""' in text and 'scheduler: ""' in text
    cm["data"]["config.conf"] = text.replace('mode: ""', f'mode: "{mode}"').replace(
        'scheduler: ""', f'scheduler: "{scheduler}"'
    )
    c.api.update(cm)
    assert k.run("delete pod -n kube-system -l k8s-app=kube-proxy".split()).exit_code == 0
    c.advance(30)
    names = k.run("get pods -n kube-system -l k8s-app=kube-proxy -o name".split()).stdout.split()
    assert len(names) == 3
    r = k.run(["logs", "-n", "kube-system", names[0]])
    assert r.exit_code == 0
    return r.stdout


def test_default_empty_mode_logs_iptables_lines() -> None:
    c = Cluster()
    k = Kubectl(c)
    name = k.run("get pods -n kube-system -l k8s-app=kube-proxy -o name".split()).stdout.split()[0]
    out = k.run(["logs", "-n", "kube-system", name]).stdout
    lines = out.splitlines()
    assert lines[0].endswith('server_linux.go:66] "Using iptables proxy"')
    assert any(line.endswith('"Using iptables Proxier"') for line in lines)
    assert any("Setting route_localnet=1" in line for line in lines)
    assert "ipvs" not in out.lower()


def test_explicit_iptables_mode_has_no_defaulting_line() -> None:
    out = _restart_with("iptables")
    assert '"Using iptables proxy"' not in out
    assert '"Using iptables Proxier"' in out
    assert "route_localnet" in out


def test_ipvs_mode_logs_ipvs_proxier_without_route_localnet() -> None:
    out = _restart_with("ipvs")
    assert '"Using ipvs Proxier"' in out
    assert '"Using iptables proxy"' not in out and '"Using iptables Proxier"' not in out
    assert "route_localnet" not in out
    sched = [line for line in out.splitlines() if "IPVS scheduler not specified, use rr by default" in line]
    assert [line.rsplit(" ", 1)[1] for line in sched] == ['ipFamily="IPv4"', 'ipFamily="IPv6"']
    # The lines every mode shares are still there, in order.
    assert out.index('"Successfully retrieved node IP(s)"') < out.index('"Using ipvs Proxier"')
    assert out.index('"Using ipvs Proxier"') < out.index('"Starting service config controller"')


def test_ipvs_with_a_scheduler_names_no_default() -> None:
    out = _restart_with("ipvs", "lc")
    assert '"Using ipvs Proxier"' in out
    assert "IPVS scheduler not specified" not in out


def test_log_template_reads_the_mounted_file() -> None:
    img = default_catalogue().images["registry.k8s.io/kube-proxy"]
    files = {CONF: "mode: ipvs\nipvs:\n  scheduler: ''\n"}
    assert '"Using ipvs Proxier"' in log_template(img, files.get)
    assert log_template(img, {CONF: "mode: ''\n"}.get) == img.log
    assert log_template(img, {}.get) == img.log  # no file: the default (unset mode)
    assert log_template(img, {CONF: ": not yaml: ["}.get) == img.log
    assert log_template(img, None) == img.log
