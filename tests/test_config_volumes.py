"""ConfigMaps into env and volumes: the hot update reaches mounted files only, never env or subPath."""

from __future__ import annotations

from k8stutor.engine.cluster import Cluster
from k8stutor.hosts.workstation import Workstation

POD = """apiVersion: v1
kind: Pod
metadata: {name: cfg}
spec:
  containers:
  - name: c
    image: busybox
    command: ["sh", "-c", "sleep 3600"]
    env:
    - name: COLOR
      valueFrom: {configMapKeyRef: {name: app, key: color}}
    envFrom:
    - configMapRef: {name: app}
      prefix: APP_
    volumeMounts:
    - {name: cfg, mountPath: /etc/config}
    - {name: cfg, mountPath: /etc/color, subPath: color}
    - {name: shared, mountPath: /data}
  - name: writer
    image: busybox
    command: ["sh", "-c", "echo hello > /data/msg; sleep 3600"]
    volumeMounts:
    - {name: shared, mountPath: /data}
  volumes:
  - name: cfg
    configMap: {name: app}
  - name: shared
    emptyDir: {}
"""


def _out(ws: Workstation, line: str) -> str:
    r = ws.run(line)
    out = r.stdout
    return out.decode() if isinstance(out, bytes) else out


def test_configmap_env_volume_and_hot_update(tmp_path: object) -> None:
    c = Cluster()
    ws = Workstation(c)
    _out(ws, "kubectl create configmap app --from-literal=color=blue --from-literal=size=10")
    _out(ws, f"cat > /tmp/cfg.yaml <<'EOF'\n{POD}EOF")
    assert _out(ws, "kubectl apply -f /tmp/cfg.yaml") == "pod/cfg created\n"
    c.advance(30)
    assert _out(ws, "kubectl exec cfg -c c -- cat /etc/config/color") == "blue"
    env = _out(ws, "kubectl exec cfg -c c -- env")
    assert "APP_color=blue\n" in env and "APP_size=10\n" in env and "COLOR=blue\n" in env
    # emptyDir shared between the two containers.
    assert _out(ws, "kubectl exec cfg -c c -- cat /data/msg") == "hello\n"
    assert _out(ws, "kubectl exec cfg -c c -- ls /var/run/secrets/kubernetes.io/serviceaccount") == \
        "ca.crt\nnamespace\ntoken\n"
    _out(ws, """kubectl patch configmap app -p '{"data":{"color":"red"}}'""")
    c.advance(10)
    assert _out(ws, "kubectl exec cfg -c c -- cat /etc/config/color") == "blue"  # not yet: kubelet sync delay
    c.advance(60)
    assert _out(ws, "kubectl exec cfg -c c -- cat /etc/config/color") == "red"
    assert _out(ws, "kubectl exec cfg -c c -- cat /etc/color") == "blue"  # subPath never updates
    assert _out(ws, "kubectl exec cfg -c c -- printenv COLOR") == "blue\n"  # env never updates


def test_missing_configmap_gives_create_container_config_error() -> None:
    c = Cluster()
    ws = Workstation(c)
    pod = ("apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  containers:\n  - name: c\n    image: nginx\n"
           "    env:\n    - name: X\n      valueFrom: {configMapKeyRef: {name: nope, key: a}}\n")
    _out(ws, f"cat > /tmp/bad.yaml <<'EOF'\n{pod}EOF")
    _out(ws, "kubectl apply -f /tmp/bad.yaml")
    c.advance(20)
    assert "CreateContainerConfigError" in _out(ws, "kubectl get pod bad")
    msgs = [e.get("message") for e in c.api.list_objects("events", "default")]
    assert 'Error: configmap "nope" not found' in msgs
