"""`k8stutor shell`: transcripts, heredocs, pipes, sleep, state files, and bad input that never ends a session."""

import io
import json
import os
import subprocess
import sys

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.timeutil import parse_rfc3339
from k8stutor.hosts.shell import run_transcript, split_commands
from k8stutor.hosts.workstation import Workstation


def run(lines, tmp_path=None, echo=True):
    ws = Workstation(Cluster(), cwd=str(tmp_path) if tmp_path else None)
    out, err = io.StringIO(), io.StringIO()
    status = run_transcript(ws, lines.splitlines(keepends=True), out, err, echo=echo)
    return status, out.getvalue(), err.getvalue(), ws


def test_split_commands_keeps_heredocs_and_loops_whole():
    text = "# comment\n\nk get ns\ncat <<EOF | kubectl apply -f -\na: 1\nEOF\nfor i in 1 2; do\n echo $i\ndone\n"
    assert list(split_commands(text.splitlines(keepends=True))) == [
        "k get ns", "cat <<EOF | kubectl apply -f -\na: 1\nEOF", "for i in 1 2; do\n echo $i\ndone"]


def test_transcript_with_echo_heredoc_pipe_and_alias():
    script = (
        "kubectl create namespace dev\n"
        "cat <<EOF | kubectl apply -n dev -f -\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  greeting: hello\n"
        "EOF\n"
        "k get cm cfg -n dev -o jsonpath='{.data.greeting}'; echo\n"
        "kubectl get cm -n dev -o name | wc -l\n"
    )
    status, out, err, _ = run(script)
    assert status == 0, err
    assert out == (
        "$ kubectl create namespace dev\nnamespace/dev created\n"
        "$ cat <<EOF | kubectl apply -n dev -f -\n> apiVersion: v1\n> kind: ConfigMap\n> metadata:\n>   name: cfg\n"
        "> data:\n>   greeting: hello\n> EOF\nconfigmap/cfg created\n"
        "$ k get cm cfg -n dev -o jsonpath='{.data.greeting}'; echo\nhello\n"
        "$ kubectl get cm -n dev -o name | wc -l\n2\n"
    )


def test_a_failing_command_sets_the_status_but_the_session_goes_on():
    status, out, err, ws = run("kubectl get pod nosuch\nkubectl create ns ok\nnosuchcommand\nif then\n"
                               "kubectl get ns ok -o name\n")
    assert status == 1
    assert 'Error from server (NotFound): pods "nosuch" not found' in err
    assert "nosuchcommand: command not found" in err
    assert "syntax error" in err
    assert out.endswith("namespace/ok\n")


def test_sleep_moves_virtual_time_only():
    status, out, err, ws = run("sim time\nsleep 90s\nsim time\n", echo=False)
    t0, t1 = out.split()
    assert parse_rfc3339(t1) - parse_rfc3339(t0) == 90


def test_files_written_in_the_session_stay_in_memory(tmp_path):
    (tmp_path / "host.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fromhost\n")
    script = ("kubectl apply -f host.yaml\n"
              "cat <<EOF > mem.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: frommem\nEOF\n"
              "kubectl apply -f mem.yaml\nrm host.yaml\nls\n")
    status, out, err, _ = run(script, tmp_path, echo=False)
    assert status == 0, err
    assert out.startswith("configmap/fromhost created\nconfigmap/frommem created\n")
    assert sorted(os.listdir(tmp_path)) == ["host.yaml"]  # nothing on the host was written or removed


def test_etcd_keys_on_the_master():
    status, out, err, _ = run("kubectl create cm demo\n"
                              "ssh k8s-master01 etcdctl get /registry/configmaps/default --prefix --keys-only\n"
                              "ssh k8s-node01 etcdctl get /registry --prefix --keys-only\n", echo=False)
    assert out == ("configmap/demo created\n/registry/configmaps/default/demo\n\n"
                   "/registry/configmaps/default/kube-root-ca.crt\n\n")
    assert "etcdctl: command not found" in err


def test_etcd_snapshot_restore_brings_the_cluster_back():
    status, out, err, ws = run("ssh k8s-master01 etcdctl snapshot save /root/snap.db\nkubectl create ns later\n"
                               "ssh k8s-master01 etcdctl snapshot restore /root/snap.db\n"
                               "kubectl get ns later\n", echo=False)
    assert "Snapshot saved at /root/snap.db" in out
    assert 'Error from server (NotFound): namespaces "later" not found' in err


def test_state_file_round_trip_and_bad_state_files(tmp_path):
    state = tmp_path / "s.json"
    exe = [sys.executable, "-m", "k8stutor", "shell", "--state", str(state)]
    p = subprocess.run(exe, input="kubectl create ns saved\nkubectl config set-context --current --namespace=saved\n",
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    p = subprocess.run(exe, input="kubectl get ns saved -o name\nkubectl config view --minify -o jsonpath="
                                  "'{.contexts[0].context.namespace}'\n", capture_output=True, text=True)
    assert p.stdout == "namespace/saved\nsaved"
    data = state.read_bytes()
    truncated = tmp_path / "t.json"
    truncated.write_bytes(data[: len(data) // 2])
    p = subprocess.run([sys.executable, "-m", "k8stutor", "shell", "--state", str(truncated)], input="",
                       capture_output=True, text=True)
    assert p.returncode == 1 and "truncated or corrupted" in p.stderr and "Traceback" not in p.stderr
    assert truncated.read_bytes() == data[: len(data) // 2]
    newer = tmp_path / "n.json"
    d = json.loads(data)
    d["version"] = 99
    newer.write_text(json.dumps(d))
    p = subprocess.run([sys.executable, "-m", "k8stutor", "shell", "--state", str(newer)], input="",
                       capture_output=True, text=True)
    assert p.returncode == 1 and "newer k8stutor" in p.stderr


def test_same_seed_same_transcript_output():
    script = ("kubectl create deployment web --image=nginx\nkubectl create svc nodeport web --tcp=80\n"
              "kubectl get svc web -o jsonpath='{.spec.clusterIP} {.spec.ports[0].nodePort}'\n")
    assert run(script)[1] == run(script)[1]


def test_cli_no_arguments_explains_what_is_available():
    p = subprocess.run([sys.executable, "-m", "k8stutor"], capture_output=True, text=True)
    assert p.returncode == 0 and "k8stutor shell" in p.stdout


@pytest.mark.parametrize("preset,nodes", [("single", 1), ("ha", 5)])
def test_presets(preset, nodes):
    ws = Workstation(Cluster(preset=preset))
    assert len(ws.cluster.store.list("nodes")) == nodes
