"""The sandbox side panel: the notes' kubectl commands, and the glossary shown in Help."""

from __future__ import annotations

CHEAT_SHEET = """\
## kubectl cheat sheet

**Look**
- `k get nodes -o wide`
- `k get pods -A`
- `k get all`
- `k describe pod NAME`
- `k get deploy web -o yaml`
- `k get events`

**Create**
- `k create deployment web --image=nginx --replicas=3`
- `k run pod1 --image=nginx`
- `k expose deployment web --port=80`
- `k apply -f file.yaml`  (F2 opens the editor)

**Change**
- `k scale deployment web --replicas=5`
- `k set image deployment/web nginx=nginx:1.27`
- `k rollout status deployment/web`
- `k rollout undo deployment/web`
- `k label pod NAME tier=web`
- `k edit deployment web`

**Remove**
- `k delete pod NAME`
- `k delete deployment web`

**Nodes**
- `k cordon k8s-node01`
- `k drain k8s-node01 --ignore-daemonsets`
- `sim node down k8s-node02`

**Time**
- `sleep 30s` · F3 pause · F4/F5 speed · F6 step
"""

GLOSSARY = [
    ("Pod", "The smallest deployable unit: one or more containers sharing a network namespace and volumes."),
    ("Node", "A machine (here simulated) whose kubelet runs pods; the control plane runs on the master."),
    ("Deployment", "Keeps a ReplicaSet for the current pod template and rolls pods from old to new."),
    ("ReplicaSet", "Keeps the desired number of pods matching its selector alive."),
    ("DaemonSet", "Runs one pod on every (matching) node: kube-proxy, flannel."),
    ("StatefulSet", "Pods with stable names and storage, created and removed in order."),
    ("Job / CronJob", "Run pods to completion; a CronJob creates Jobs on a schedule."),
    ("Service", "A stable virtual IP and DNS name load-balancing to the pods its selector matches."),
    ("Label / selector", "Key=value tags on objects; selectors pick objects by label."),
    ("Namespace", "A name scope for objects; kube-system holds the cluster's own components."),
    ("Scheduler", "Chooses a node for each pending pod: filters remove nodes, scores rank the rest."),
    ("Taint / toleration", "A node repels pods unless they tolerate its taint."),
    ("Cordon / drain", "Mark a node unschedulable / evict its pods before maintenance."),
    ("kubelet", "The node agent that starts containers, runs probes and reports pod status."),
    ("Event", "A record of something that happened to an object (Scheduled, Pulled, BackOff…)."),
    ("etcd", "The key-value store holding every object; the API server is its only client."),
]
