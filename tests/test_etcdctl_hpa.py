"""etcdctl v3.5.16 on the classroom master, and autoscaling/v1 HPAs stored as autoscaling/v2."""

import io

from k8stutor.engine.api.conversion import hpa_v1_to_v2, hpa_v2_to_v1
from k8stutor.engine.cluster import Cluster
from k8stutor.hosts.shell import run_transcript
from k8stutor.hosts.workstation import Workstation
from k8stutor.kubectl.main import Kubectl

TLS = (
    "--endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt "
    "--cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key"
)

# The php-apache HPA of the HorizontalPodAutoscaler walkthrough (kubernetes.io docs), autoscaling/v1.
PHP_APACHE_V1 = """apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: php-apache
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: php-apache
  minReplicas: 1
  maxReplicas: 10
  targetCPUUtilizationPercentage: 50
"""


def run(lines):
    ws = Workstation(Cluster())
    out, err = io.StringIO(), io.StringIO()
    status = run_transcript(ws, lines.splitlines(keepends=True), out, err, echo=False)
    return status, out.getvalue(), err.getvalue(), ws


def test_version_and_member_list_table():
    _, out, _, _ = run(
        f"ssh k8s-master01 etcdctl version\nssh k8s-master01 etcdctl {TLS} member list -w table\n"
    )
    assert out.startswith("etcdctl version: 3.5.16\nAPI version: 3.5\n")
    # etcdctl's tablewriter: headers upper-case and centred, cells right-aligned.
    assert (
        "|        ID        | STATUS  |     NAME     |         PEER ADDRS         |        CLIENT ADDRS        "
        "| IS LEARNER |\n"
    ) in out
    assert (
        "| 8e9e05c52164694d | started | k8s-master01 | https://192.168.66.10:2380 | https://192.168.66.10:2379 "
        "|      false |\n"
    ) in out


def test_endpoint_status_table_headers():
    _, out, _, _ = run(f"ssh k8s-master01 etcdctl {TLS} endpoint status -w table\n")
    head = [c.strip() for c in out.splitlines()[1].strip("|").split("|")]
    assert head == [
        "ENDPOINT",
        "ID",
        "VERSION",
        "DB SIZE",
        "IS LEADER",
        "IS LEARNER",
        "RAFT TERM",
        "RAFT INDEX",
        "RAFT APPLIED INDEX",
        "ERRORS",
    ]
    assert "| https://127.0.0.1:2379 | 8e9e05c52164694d |  3.5.16 |" in out


def test_get_prints_the_key_then_the_k8s_prefixed_value():
    _, out, _, _ = run(
        "kubectl create cm demo\nssh k8s-master01 etcdctl get /registry/configmaps/default/demo\n"
    )
    lines = out.splitlines()
    assert lines[1] == "/registry/configmaps/default/demo"
    assert lines[2].startswith('k8s{"apiVersion":"v1","kind":"ConfigMap"')


def test_without_client_certificates_the_tls_server_times_out():
    _, out, err, _ = run(
        "ssh k8s-master01 etcdctl version >/dev/null\n"
        "ssh k8s-master01 rm /root/.bashrc\n"
        "ssh k8s-master01 etcdctl get /registry/pods --prefix --keys-only\n"
        f"ssh k8s-master01 etcdctl {TLS} get /registry/namespaces/default --keys-only\n"
    )
    assert '"msg":"retrying of unary invoker failed"' in err
    assert "Error: context deadline exceeded\n" in err
    assert out == "/registry/namespaces/default\n\n"


def test_snapshot_save_status_and_restore_into_a_new_data_dir():
    status, out, err, ws = run(
        f"ssh k8s-master01 etcdctl {TLS} snapshot save /var/lib/etcd-backup/snapshot.db\n"
        "ssh k8s-master01 etcdctl snapshot status /var/lib/etcd-backup/snapshot.db -w table\n"
        "kubectl create ns later\n"
        "ssh k8s-master01 etcdctl snapshot restore /var/lib/etcd-backup/snapshot.db --data-dir /var/lib/etcd-new\n"
        "kubectl get ns later\n"
        "ssh k8s-master01 ls /var/lib/etcd-new/member/snap\n"
        "ssh k8s-master01 etcdctl snapshot restore /var/lib/etcd-backup/snapshot.db --data-dir /var/lib/etcd-new\n"
    )
    assert "Snapshot saved at /var/lib/etcd-backup/snapshot.db\n" in out
    assert '"msg":"fetching snapshot","endpoint":"https://127.0.0.1:2379"}' in err
    assert "|   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE | VERSION |\n" in out
    assert "Deprecated: Use `etcdutl snapshot restore` instead.\n\n" in err
    assert "\tinfo\tsnapshot/v3_snapshot.go:293\trestored snapshot\t" in err
    assert 'Error from server (NotFound): namespaces "later" not found' in err
    assert "db\n" in out
    assert 'Error: data-dir "/var/lib/etcd-new" not empty or could not be read\n' in err


def test_etcdutl_restores_without_the_deprecation_warning_and_workers_have_no_etcdctl():
    _, _, err, _ = run(
        f"ssh k8s-master01 etcdctl {TLS} snapshot save /root/s.db\n"
        "ssh k8s-master01 etcdutl snapshot restore /root/s.db --data-dir /var/lib/etcd-2\n"
        "ssh k8s-node01 etcdctl version\n"
    )
    assert "Deprecated" not in err and "restored snapshot" in err
    assert "bash: line 1: etcdctl: command not found" in err


def test_hpa_v1_conversion_round_trip():
    v1 = {
        "apiVersion": "autoscaling/v1",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "h"},
        "spec": {"maxReplicas": 10, "targetCPUUtilizationPercentage": 50},
    }
    v2 = hpa_v1_to_v2(v1)
    assert v2["apiVersion"] == "autoscaling/v2"
    assert v2["spec"]["metrics"] == [
        {
            "type": "Resource",
            "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}},
        }
    ]
    assert "targetCPUUtilizationPercentage" not in v2["spec"]
    assert hpa_v2_to_v1(v2) == v1
    assert v1["apiVersion"] == "autoscaling/v1"  # the input is not mutated


def test_apply_php_apache_hpa_v1_is_stored_as_v2():
    c = Cluster()
    k = Kubectl(c)
    r = k.run(["apply", "-f", "-"], PHP_APACHE_V1)
    assert (r.stdout, r.stderr, r.exit_code) == (
        "horizontalpodautoscaler.autoscaling/php-apache created\n",
        "",
        0,
    )
    stored = c.api.get("horizontalpodautoscalers.autoscaling", "php-apache", "default")
    assert stored["apiVersion"] == "autoscaling/v2"
    assert stored["spec"]["metrics"][0]["resource"]["target"] == {
        "type": "Utilization",
        "averageUtilization": 50,
    }
    r = k.run(["apply", "-f", "-"], PHP_APACHE_V1.replace("50", "70"))
    assert r.exit_code == 0, r.stderr
    assert "cpu: <unknown>/70%" in k.run(["get", "hpa"]).stdout
    r = k.run(["create", "-f", "-"], PHP_APACHE_V1.replace("targetCPU", "targetCPUx"))
    assert (
        'HorizontalPodAutoscaler in version "v1" cannot be handled as a HorizontalPodAutoscaler: strict '
        'decoding error: unknown field "spec.targetCPUxUtilizationPercentage"' in r.stderr
    )
