"""The workstation and kubectl behaviours added for the course: node shells, host privacy, kubeadm's objects,
exec into TYPE/NAME, apply's missing-annotation warning."""

from k8stutor.engine.cluster import Cluster
from k8stutor.hosts.workstation import Workstation


def run(ws: Workstation, line: str) -> tuple[str, str, int]:
    r = ws.run(line)
    return r.stdout.decode(), r.stderr.decode(), r.exit_code


def test_ssh_runs_any_command_on_the_node_filesystem(tmp_path):
    ws = Workstation(Cluster(), cwd=str(tmp_path))
    assert run(ws, "ssh k8s-node01 cat /etc/hostname") == ("k8s-node01\n", "", 0)
    out, _, code = run(ws, "ssh k8s-node01 cat /run/flannel/subnet.env")
    assert code == 0 and "FLANNEL_SUBNET=10.244.1.1/24\n" in out
    assert run(ws, "ssh k8s-node01 ls /etc/cni/net.d")[0] == "10-flannel.conflist\n"
    out, err, code = run(ws, "ssh k8s-node01 nosuch")
    assert code == 127 and "nosuch: command not found" in err
    out, err, code = run(ws, "ssh nowhere hostname")
    assert code == 255 and "Could not resolve hostname nowhere" in err


def test_the_host_outside_the_start_directory_stays_private(tmp_path):
    (tmp_path / "pod.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
    ws = Workstation(Cluster(), cwd=str(tmp_path))
    assert run(ws, "ls")[0] == "pod.yaml\n"
    out, err, code = run(ws, "cat /etc/passwd")
    assert code == 1 and "No such file or directory" in err
    assert run(ws, "ls -a ~")[0] == ".\n..\n"  # the workstation's own (in-memory) home
    assert run(ws, "echo aGVsbG8= | base64 --decode")[0] == "hello"


def test_componentstatuses_and_kubeadm_configmaps():
    ws = Workstation(Cluster())
    out, err, code = run(ws, "kubectl get cs")
    assert err == "Warning: v1 ComponentStatus is deprecated in v1.19+\n"
    assert out.splitlines()[0].split() == ["NAME", "STATUS", "MESSAGE", "ERROR"]
    assert sorted(ln.split()[0] for ln in out.splitlines()[1:]) == ["controller-manager", "etcd-0", "scheduler"]
    names = run(ws, "kubectl get cm -n kube-system -o name")[0].split()
    assert "configmap/kubeadm-config" in names and "configmap/kubelet-config" in names
    assert "configmap/cluster-info" in run(ws, "kubectl get cm -n kube-public -o name")[0].split()


def test_kubeadm_objects_do_not_shift_the_seeded_names():
    # kubeadm's own objects use a side random stream: the learner's objects get the same names for a seed.
    a = Workstation(Cluster(seed=3))
    b = Workstation(Cluster(seed=3))
    assert run(a, "kubectl run p --image=nginx -o jsonpath='{.metadata.uid}'") == run(
        b, "kubectl run p --image=nginx -o jsonpath='{.metadata.uid}'")


def test_exec_into_a_deployment_uses_one_of_its_pods():
    ws = Workstation(Cluster())
    run(ws, "kubectl create deployment web --image=nginx --replicas=2")
    run(ws, "kubectl rollout status deploy/web")
    out, err, code = run(ws, "kubectl exec deploy/web -- hostname")
    assert code == 0 and out.startswith("web-")
    assert err == f"Found 2 pods, using pod/{out.strip()}\n"
    out, err, code = run(ws, "kubectl exec deploy/nope -- hostname")
    assert code == 1 and 'deployments.apps "nope" not found' in err


def test_apply_over_an_imperatively_created_object_warns_and_patches():
    ws = Workstation(Cluster())
    run(ws, "kubectl create configmap c --from-literal=a=1")
    out, err, code = run(ws, "kubectl get cm c -o yaml | kubectl apply -f -")
    assert code == 0 and out == "configmap/c configured\n"
    assert err.startswith("Warning: resource configmaps/c is missing the "
                          "kubectl.kubernetes.io/last-applied-configuration annotation")
    # Now it has the annotation: a second apply is quiet.
    assert run(ws, "kubectl get cm c -o yaml | kubectl apply -f -")[1] == ""
