# ruff: noqa: W291  (the expected layouts end lines with the padding kubectl prints)
"""kubectl describe for the kinds beyond pods/nodes/deployments: objects built by the real controllers.

Every expected layout below follows kubectl v1.32's ``pkg/describe/describe.go`` (field order, labels,
``<none>``/``<unset>`` placeholders, tabwriter alignment) and was checked against the output of the real
kubectl v1.32.4 binary pointed at this simulated cluster (``k8stutor serve``) for the same objects. Values the
cluster picks (pod names, uids, IPs, volume names) are read back from the cluster; event rows are compared by
type, reason, source and message (their ages depend on controller timing).
"""

from __future__ import annotations

import base64
import json
import re

import pytest

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.registry import ResourceType
from k8stutor.kubectl.describe import DESCRIBERS, DescribeError, describe, has_describer
from k8stutor.kubectl.describe.autoscaling import as_v2
from k8stutor.kubectl.describe.certificates import csr_status, parse_csr
from k8stutor.kubectl.describe.rbac import breakdown_rule, combine_resource_group, compact_rules, rule_string
from k8stutor.kubectl.describe.storage import access_modes_string
from k8stutor.kubectl.main import Kubectl

MANIFESTS = """
apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: default, labels: {app: agent}}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      nodeSelector: {kubernetes.io/os: linux}
      containers: [{name: agent, image: busybox, command: [sleep, "3600"]}]
---
apiVersion: batch/v1
kind: Job
metadata: {name: pi, namespace: default}
spec:
  backoffLimit: 4
  template:
    spec:
      containers: [{name: pi, image: busybox, command: [sh, -c, "echo hi"]}]
      restartPolicy: Never
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: tick, namespace: default}
spec:
  schedule: "*/1 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: c, image: busybox, command: [date]}]
          restartPolicy: OnFailure
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: default}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - name: db
        image: nginx:1.27
        volumeMounts: [{name: data, mountPath: /data}]
  volumeClaimTemplates:
  - metadata: {name: data, labels: {tier: db}}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: claim-pending, namespace: default}
spec:
  storageClassName: nothing
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-host, labels: {type: local}}
spec:
  capacity: {storage: 2Gi}
  accessModes: [ReadWriteOnce, ReadOnlyMany]
  storageClassName: manual
  hostPath: {path: /mnt/data}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions:
        - {key: kubernetes.io/hostname, operator: In, values: [k8s-node01, k8s-node02]}
        - {key: disk, operator: Exists}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: nginx:1.27, ports: [{containerPort: 80}], resources: {requests: {cpu: 100m}}}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 80}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: default}
spec:
  ingressClassName: nginx
  tls: [{hosts: [foo.example.com], secretName: foo-tls}]
  rules:
  - host: foo.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
      - {path: /missing, pathType: Prefix, backend: {service: {name: nosvc, port: {number: 8080}}}}
  - http:
      paths:
      - {path: /api, pathType: Exact, backend: {resource: {apiGroup: k8s.example.com, kind: Bucket, name: static}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: fallback, namespace: default}
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: default}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 5
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
  - type: Resource
    resource: {name: memory, target: {type: AverageValue, averageValue: 100Mi}}
  - type: Pods
    pods: {metric: {name: packets}, target: {type: AverageValue, averageValue: 1k}}
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 60
      policies: [{type: Pods, value: 1, periodSeconds: 30}]
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: q1, namespace: team}
spec:
  hard: {pods: "10", requests.cpu: "2", requests.memory: 1Gi, limits.memory: 2G}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: q2, namespace: team}
spec:
  hard: {pods: "5"}
  scopes: [NotTerminating, BestEffort]
---
apiVersion: v1
kind: LimitRange
metadata: {name: lr1, namespace: team}
spec:
  limits:
  - type: Container
    default: {cpu: 500m, memory: 256Mi}
    defaultRequest: {cpu: 100m}
    max: {cpu: "2"}
    maxLimitRequestRatio: {cpu: "4"}
  - type: Pod
    max: {memory: 1Gi}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: default}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: web}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: loose, namespace: default}
spec:
  maxUnavailable: 50%
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high, annotations: {team: core}}
value: 1000
description: important stuff
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: r1, namespace: default}
rules:
- apiGroups: ["", "apps"]
  resources: [pods, deployments/scale]
  verbs: [get, list]
- apiGroups: [""]
  resources: [configmaps]
  resourceNames: [a, b]
  verbs: [get]
- apiGroups: [""]
  resources: [pods]
  verbs: [watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb1, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r1}
subjects:
- {kind: ServiceAccount, name: default, namespace: default}
- {kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: default}
spec:
  podSelector: {matchLabels: {role: db}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.0/24]}
    - namespaceSelector: {matchLabels: {project: myproject}}
    - podSelector: {matchLabels: {role: frontend}}
    ports:
    - {protocol: TCP, port: 6379}
  - {}
  egress:
  - to:
    - ipBlock: {cidr: 10.0.0.0/24}
    ports:
    - {protocol: TCP, port: 5978, endPort: 6000}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec:
  controller: k8s.io/ingress-nginx
  parameters: {apiGroup: k8s.example.com, kind: IngressParameters, name: external-lb}
---
apiVersion: v1
kind: Pod
metadata: {name: user, namespace: default}
spec:
  containers: [{name: c, image: busybox, command: [sleep, "3600"], volumeMounts: [{name: v, mountPath: /d}]}]
  volumes: [{name: v, persistentVolumeClaim: {claimName: data-db-0}}]
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: crontabs.stable.example.com}
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {cronSpec: {type: string}}}
"""

# openssl req -new -subj "/CN=jane/O=dev/O=ops/C=US"
#   -addext "subjectAltName=DNS:jane.example.com,DNS:www.example.com,IP:10.0.0.1,email:jane@example.com,URI:spiffe://x/y"
JANE_CSR = """-----BEGIN CERTIFICATE REQUEST-----
MIIC4jCCAcoCAQAwODENMAsGA1UEAwwEamFuZTEMMAoGA1UECgwDZGV2MQwwCgYD
VQQKDANvcHMxCzAJBgNVBAYTAlVTMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIB
CgKCAQEA5kyg9tVHZWR4GKFgK+HaQcjd4ehIr1lVCzn51Z64gcuDaLBHPJKWDmwc
Y+82qyrQquwvRgjtTFgu9UBlckWYXWVZ2x2oZoWTvpytBP1/F+F1YmSNctAfw+8B
vqeW79V16OrniWLJF3NY6o3qtKKwiGQwx4ekqpOqqKWYwbVJBUW/JcxRuSEhQYn9
7IFaxKaumRwUo18AETBLoszETna4wVh/AJ8NKrUJ+RoIXfMfHU0dT+pINghpUumW
LkAn+mhMkKw/yqUEbJs2Xy8e4SYl5nkGzfOy3hcCwuvgkb3cqkJGPKp4zneydisv
p/dDO9c52bwdgYkf4aukXYoEplo8TwIDAQABoGUwYwYJKoZIhvcNAQkOMVYwVDBS
BgNVHREESzBJghBqYW5lLmV4YW1wbGUuY29tgg93d3cuZXhhbXBsZS5jb22HBAoA
AAGBEGphbmVAZXhhbXBsZS5jb22GDHNwaWZmZTovL3gveTANBgkqhkiG9w0BAQsF
AAOCAQEAsgeVwxkTHQi5vNzsLTC98WUwJD9QaHpOcXjdwu/QtRsDhlxh0s85BVSQ
ap6N8Tj5AQ9KWytE6oCRzuMMoYB0dAFQ+Fst56QtSRNxm58zVyEQ35gI2WvmAd0v
KH+mp3lO4pMVS0luE5tstUkcXdSLdb2ZVJbTzjwUeJibNaR3CuQoY0e0ksYEQTTG
OJ7OxjmlZXfwtXAxC+YQCTycbGfFzxFAU6P1muuneG7e55wghAmcfuxlSD312AXI
HWJP3lW4WN3IyIqn/wzKaUfobFOsDchpj2Bx+IODOdP5tbsUlkE18VxIyoG8TK6J
ptOzvIyXGf5Y1jLTCrM56VkpCGKYtQ==
-----END CERTIFICATE REQUEST-----
"""


class World:
    """One cluster with every object above, 65 virtual seconds after they were applied (the CronJob ran once)."""

    def __init__(self) -> None:
        self.cluster = Cluster()
        self.kubectl = Kubectl(self.cluster)
        self.apply_out = self.run("apply", "-f", "-", stdin=MANIFESTS)
        self.created = self.cluster.now()
        self.cluster.advance(65)

    def run(self, *argv: str, stdin: str = "") -> str:
        r = self.kubectl.run(list(argv), stdin.encode())
        assert r.exit_code == 0, r.stderr
        return r.stdout

    def pods(self, label: str, ns: str = "default") -> list[dict]:
        return self.cluster.api.list_objects("pods", ns, label)

    def get(self, res: str, name: str, ns: str | None = "default") -> dict:
        return self.cluster.api.get(res, name, ns)


@pytest.fixture(scope="module")
def world() -> World:
    return World()


def rtype(world: World, name: str) -> ResourceType:
    """The resource type kubectl resolves ``name`` to."""
    found = world.cluster.registry.resolve(name)
    assert found is not None, name
    return found


def when(world: World) -> str:
    """The RFC1123Z creation time of the applied objects."""
    from datetime import UTC, datetime

    return datetime.fromtimestamp(int(world.created), UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


EVENT_ROW = re.compile(r"^  (\S+)\s+(\S+)\s+(\S+(?: \(x\d+ over \S+\))?)\s+(\S+)\s+(.*)$")


def split_events(text: str) -> tuple[str, list[tuple[str, str, str, str]]]:
    """(everything up to and including ``Events:``, the rows as (type, reason, from, message))."""
    head, sep, rest = text.partition("\nEvents:\n")
    if not sep:
        return text, []
    lines = rest.splitlines()
    assert lines[0].split() == ["Type", "Reason", "Age", "From", "Message"]
    assert lines[1].split() == ["----", "------", "----", "----", "-------"]
    rows = []
    for line in lines[2:]:
        m = EVENT_ROW.match(line)
        assert m, line
        rows.append((m.group(1), m.group(2), m.group(4), m.group(5)))
    return head + "\nEvents:\n", rows


# --- the describer table --------------------------------------------------------------------------------------


def test_every_kind_has_its_kubectl_describer_and_lease_crd_stay_generic(world: World) -> None:
    for short in (
        "ds",
        "sts",
        "job",
        "cj",
        "hpa",
        "pv",
        "pvc",
        "sc",
        "quota",
        "limits",
        "role",
        "clusterrole",
        "rolebinding",
        "clusterrolebinding",
        "ing",
        "ingressclass",
        "netpol",
        "pdb",
        "pc",
        "csr",
        "endpointslices",
    ):
        assert has_describer(rtype(world, short)), short
    # kubectl's describerMap has no Lease and no CustomResourceDefinition: the generic describer prints them.
    assert not has_describer(rtype(world, "lease"))
    assert not has_describer(rtype(world, "crd"))
    assert ("coordination.k8s.io", "Lease") not in DESCRIBERS


# --- workloads --------------------------------------------------------------------------------------------------


def test_daemonset_counts_pods_by_phase_and_has_no_namespace_line(world: World) -> None:
    out = world.run("describe", "ds", "agent")
    head, rows = split_events(out)
    pods = sorted(p["metadata"]["name"] for p in world.pods("app=agent"))
    assert len(pods) == 2  # the tainted control-plane node gets none
    assert (
        head
        == """\
Name:           agent
Selector:       app=agent
Node-Selector:  kubernetes.io/os=linux
Labels:         app=agent
Annotations:    deprecated.daemonset.template.generation: 1
Desired Number of Nodes Scheduled: 2
Current Number of Nodes Scheduled: 2
Number of Nodes Scheduled with Up-to-date Pods: 2
Number of Nodes Scheduled with Available Pods: 2
Number of Nodes Misscheduled: 0
Pods Status:  2 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=agent
  Containers:
   agent:
    Image:      busybox
    Port:       <none>
    Host Port:  <none>
    Command:
      sleep
      3600
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  kubernetes.io/os=linux
  Tolerations:     <none>
Events:
"""
    )
    assert sorted(rows) == sorted(
        ("Normal", "SuccessfulCreate", "daemonset-controller", f"Created pod: {p}") for p in pods
    )


def test_job_pods_statuses_and_times(world: World) -> None:
    job = world.get("jobs.batch", "pi")
    uid = job["metadata"]["uid"]
    out = world.run("describe", "job", "pi")
    head, rows = split_events(out)
    start = when(world)
    done = job["status"]["completionTime"]
    from k8stutor.kubectl.describe.common import fmt_time

    assert (
        head
        == f"""\
Name:             pi
Namespace:        default
Selector:         batch.kubernetes.io/controller-uid={uid}
Labels:           batch.kubernetes.io/controller-uid={uid}
                  batch.kubernetes.io/job-name=pi
                  controller-uid={uid}
                  job-name=pi
Annotations:      <none>
Parallelism:      1
Completions:      1
Completion Mode:  NonIndexed
Suspend:          false
Backoff Limit:    4
Start Time:       {start}
Completed At:     {fmt_time(done)}
Duration:         {out.split("Duration:")[1].split()[0]}
Pods Statuses:    0 Active (0 Ready) / 1 Succeeded / 0 Failed
Pod Template:
  Labels:  batch.kubernetes.io/controller-uid={uid}
           batch.kubernetes.io/job-name=pi
           controller-uid={uid}
           job-name=pi
  Containers:
   pi:
    Image:      busybox
    Port:       <none>
    Host Port:  <none>
    Command:
      sh
      -c
      echo hi
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Events:
"""
    )
    assert [r[1] for r in rows] == ["SuccessfulCreate", "Completed"]
    assert rows[1] == ("Normal", "Completed", "job-controller", "Job completed")


def test_cronjob_last_schedule_and_active_jobs(world: World) -> None:
    cj = world.get("cronjobs.batch", "tick")
    from k8stutor.kubectl.describe.common import fmt_time

    last = cj["status"].get("lastScheduleTime")
    assert last  # "*/1 * * * *" fired at the first whole minute
    active = ", ".join(j["name"] for j in cj["status"].get("active") or []) or "<none>"
    head, rows = split_events(world.run("describe", "cronjob", "tick"))
    assert (
        head
        == f"""\
Name:                          tick
Namespace:                     default
Labels:                        <none>
Annotations:                   <none>
Schedule:                      */1 * * * *
Concurrency Policy:            Allow
Suspend:                       False
Successful Job History Limit:  3
Failed Job History Limit:      1
Starting Deadline Seconds:     <unset>
Selector:                      <unset>
Parallelism:                   <unset>
Completions:                   <unset>
Pod Template:
  Labels:  <none>
  Containers:
   c:
    Image:      busybox
    Port:       <none>
    Host Port:  <none>
    Command:
      date
    Environment:     <none>
    Mounts:          <none>
  Volumes:           <none>
  Node-Selectors:    <none>
  Tolerations:       <none>
Last Schedule Time:  {fmt_time(last)}
Active Jobs:         {active}
Events:
"""
    )
    assert rows and rows[0][1:3] == ("SuccessfulCreate", "cronjob-controller")


def test_statefulset_with_volume_claim_templates(world: World) -> None:
    head, rows = split_events(world.run("describe", "sts", "db"))
    assert (
        head
        == f"""\
Name:               db
Namespace:          default
CreationTimestamp:  {when(world)}
Selector:           app=db
Labels:             <none>
Annotations:        <none>
Replicas:           2 desired | 2 total
Update Strategy:    RollingUpdate
  Partition:        0
Pods Status:        2 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=db
  Containers:
   db:
    Image:        nginx:1.27
    Port:         <none>
    Host Port:    <none>
    Environment:  <none>
    Mounts:
      /data from data (rw)
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Volume Claims:
  Name:          data
  StorageClass:  
  Labels:        tier=db
  Annotations:   <none>
  Capacity:      1Gi
  Access Modes:  [ReadWriteOnce]
Events:
"""
    )
    assert [r[3] for r in rows] == [
        "create Claim data-db-0 Pod db-0 in StatefulSet db success",
        "create Pod db-0 in StatefulSet db successful",
        "create Claim data-db-1 Pod db-1 in StatefulSet db success",
        "create Pod db-1 in StatefulSet db successful",
    ]
    assert {r[2] for r in rows} == {"statefulset-controller"}


# --- storage ----------------------------------------------------------------------------------------------------


def test_pvc_bound_by_the_provisioner_is_used_by_its_pods(world: World) -> None:
    pvc = world.get("persistentvolumeclaims", "data-db-0")
    volume = pvc["spec"]["volumeName"]
    head, rows = split_events(world.run("describe", "pvc", "data-db-0"))
    # db-0 mounts it through the StatefulSet template and "user" through a plain claim volume: sorted by name.
    assert (
        head
        == f"""\
Name:          data-db-0
Namespace:     default
StorageClass:  nfs-client
Status:        Bound
Volume:        {volume}
Labels:        app=db
               tier=db
Annotations:   pv.kubernetes.io/bind-completed: yes
               pv.kubernetes.io/bound-by-controller: yes
Finalizers:    [kubernetes.io/pvc-protection]
Capacity:      1Gi
Access Modes:  RWO
VolumeMode:    Filesystem
Used By:       db-0
               user
Events:
"""
    )
    assert [r[1] for r in rows] == ["ExternalProvisioning", "Provisioning", "ProvisioningSucceeded"]
    assert rows[2][3] == f"Successfully provisioned volume {volume}"


def test_pending_pvc_has_no_capacity_and_no_users(world: World) -> None:
    head, rows = split_events(world.run("describe", "pvc", "claim-pending"))
    assert (
        head
        == """\
Name:          claim-pending
Namespace:     default
StorageClass:  nothing
Status:        Pending
Volume:        
Labels:        <none>
Annotations:   <none>
Finalizers:    [kubernetes.io/pvc-protection]
Capacity:      
Access Modes:  
VolumeMode:    Filesystem
Used By:       <none>
Events:
"""
    )
    assert rows == [
        (
            "Warning",
            "ProvisioningFailed",
            "persistentvolume-controller",
            'storageclass.storage.k8s.io "nothing" not found',
        )
    ]


def test_pv_hostpath_with_node_affinity(world: World) -> None:
    assert (
        world.run("describe", "pv", "pv-host")
        == """\
Name:              pv-host
Labels:            type=local
Annotations:       <none>
Finalizers:        [kubernetes.io/pv-protection]
StorageClass:      manual
Status:            Available
Claim:             
Reclaim Policy:    Retain
Access Modes:      RWO,ROX
VolumeMode:        Filesystem
Capacity:          2Gi
Node Affinity:     
  Required Terms:  
    Term 0:        kubernetes.io/hostname in [k8s-node01, k8s-node02]
                   disk exists
Message:           
Source:
    Type:          HostPath (bare host directory volume)
    Path:          /mnt/data
    HostPathType:  
Events:            <none>
"""
    )


def test_provisioned_pv_shows_claim_and_nfs_source(world: World) -> None:
    pvc = world.get("persistentvolumeclaims", "data-db-1")
    pv = world.get("persistentvolumes", pvc["spec"]["volumeName"], None)
    out = world.run("describe", "pv", pv["metadata"]["name"])
    nfs = pv["spec"]["nfs"]
    ann = pv["metadata"].get("annotations") or {}
    assert out.startswith(f"Name:            {pv['metadata']['name']}\nLabels:          <none>\n")
    assert "\n".join(f"{k}: {ann[k]}" for k in sorted(ann)).split("\n")[0] in out
    tail = out[out.index("Finalizers:") :]
    assert tail.startswith(f"""\
Finalizers:      {"[" + " ".join(pv["metadata"].get("finalizers") or []) + "]"}
StorageClass:    nfs-client
Status:          Bound
Claim:           default/data-db-1
Reclaim Policy:  Delete
Access Modes:    RWO
VolumeMode:      Filesystem
Capacity:        1Gi
Node Affinity:   <none>
Message:         
Source:
    Type:      NFS (an NFS mount that lasts the lifetime of a pod)
    Server:    {nfs["server"]}
    Path:      {nfs["path"]}
    ReadOnly:  false
""")


def test_storage_class_from_the_preset(world: World) -> None:
    assert (
        world.run("describe", "sc", "nfs-client")
        == """\
Name:                  nfs-client
IsDefaultClass:        Yes
Annotations:           storageclass.kubernetes.io/is-default-class=true
Provisioner:           k8s-sigs.io/nfs-subdir-external-provisioner
Parameters:            archiveOnDelete=false
AllowVolumeExpansion:  <unset>
MountOptions:          <none>
ReclaimPolicy:         Delete
VolumeBindingMode:     Immediate
Events:                <none>
"""
    )


def test_access_modes_string_has_a_fixed_order() -> None:
    assert access_modes_string(["ReadWriteOncePod", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOnce"]) == (
        "RWO,RWX,RWOP"
    )
    assert access_modes_string(None) == ""


# --- policy -----------------------------------------------------------------------------------------------------


def test_resource_quota_used_hard_table(world: World) -> None:
    out = world.run("describe", "quota", "q1", "-n", "team")
    used = world.get("resourcequotas", "q1", "team")["status"].get("used") or {}
    pods_used = used.get("pods", "0")
    assert (
        out
        == f"""\
Name:            q1
Namespace:       team
Resource         Used  Hard
--------         ----  ----
limits.memory    {used.get("limits.memory", "0"):<6}2G
pods             {pods_used:<6}10
requests.cpu     {used.get("requests.cpu", "0"):<6}2
requests.memory  {used.get("requests.memory", "0"):<6}1Gi
"""
    )
    assert (
        world.run("describe", "quota", "q2", "-n", "team")
        == f"""\
Name:       q2
Namespace:  team
Scopes:     BestEffort, NotTerminating
 * Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.
 * Matches all pods that do not have an active deadline. These pods usually include long running pods whose \
container command is not expected to terminate.
Resource  Used  Hard
--------  ----  ----
pods      {(world.get("resourcequotas", "q2", "team")["status"].get("used") or {}).get("pods", "0"):<6}5
"""
    )


def test_resource_quota_used_takes_the_hard_format(world: World) -> None:
    quota = {
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": {"name": "fmt", "namespace": "default"},
        "status": {"hard": {"memory": "1G", "cpu": "1"}, "used": {"memory": "256Mi", "cpu": "500m"}},
    }
    out = describe(world.cluster.api, rtype(world, "quota"), quota, world.cluster.now())
    # 256Mi used against a DecimalSI hard limit is re-expressed as NewQuantity(268435456, DecimalSI).
    assert out.splitlines()[-2:] == ["cpu         500m       1", "memory      268435456  1G"]


def test_limit_range_table(world: World) -> None:
    assert (
        world.run("describe", "limits", "lr1", "-n", "team")
        == """\
Name:       lr1
Namespace:  team
Type        Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio
----        --------  ---  ---  ---------------  -------------  -----------------------
Container   cpu       -    2    100m             500m           4
Container   memory    -    -    256Mi            256Mi          -
Pod         memory    -    1Gi  -                -              -
"""
    )


def test_pod_disruption_budgets(world: World) -> None:
    pdb = world.get("poddisruptionbudgets.policy", "web")["status"]
    head, rows = split_events(world.run("describe", "pdb", "web"))
    assert (
        head
        == f"""\
Name:           web
Namespace:      default
Min available:  1
Selector:       app=web
Status:
    Allowed disruptions:  {pdb["disruptionsAllowed"]}
    Current:              {pdb["currentHealthy"]}
    Desired:              {pdb["desiredHealthy"]}
    Total:                {pdb["expectedPods"]}
"""[:-1]
        + ("\nEvents:\n" if rows else "\n")
    )
    assert pdb["expectedPods"] == 2 and pdb["disruptionsAllowed"] == 1
    head, rows = split_events(world.run("describe", "pdb", "loose"))
    assert (
        head
        == """\
Name:             loose
Namespace:        default
Max unavailable:  50%
Selector:         <unset>
Status:
    Allowed disruptions:  0
    Current:              0
    Desired:              0
    Total:                0
Events:
"""
    )
    assert rows[0][1:] == ("NoPods", "controllermanager", "No matching pods found")


def test_priority_class(world: World) -> None:
    out = world.run("describe", "pc", "high")
    ann = world.get("priorityclasses.scheduling.k8s.io", "high", None)["metadata"]["annotations"]
    formatted = ",".join(f"{k}={ann[k]}" for k in sorted(ann))  # FormatLabels: last-applied included
    assert (
        out
        == f"""\
Name:              high
Value:             1000
GlobalDefault:     false
PreemptionPolicy:  PreemptLowerPriority
Description:       important stuff
Annotations:       {formatted}
Events:  <none>
"""
    )


# --- rbac -------------------------------------------------------------------------------------------------------


def test_role_policy_rules_are_broken_down_compacted_and_sorted_by_verbs(world: World) -> None:
    # Sorted by PolicyRule.String(), which starts with the verbs: "[get list watch]" < "[get list]" (" " < "]").
    assert (
        world.run("describe", "role", "r1")
        == """\
Name:         r1
Labels:       <none>
Annotations:  <none>
PolicyRule:
  Resources               Non-Resource URLs  Resource Names  Verbs
  ---------               -----------------  --------------  -----
  pods                    []                 []              [get list watch]
  deployments/scale       []                 []              [get list]
  deployments.apps/scale  []                 []              [get list]
  pods.apps               []                 []              [get list]
  configmaps              []                 [a]             [get]
  configmaps              []                 [b]             [get]
"""
    )


def test_cluster_role_non_resource_urls_get_one_row_per_url(world: World) -> None:
    out = world.run("describe", "clusterrole", "system:discovery")
    assert out.startswith("""\
Name:         system:discovery
Labels:       kubernetes.io/bootstrapping=rbac-defaults
Annotations:  rbac.authorization.kubernetes.io/autoupdate: true
PolicyRule:
  Resources  Non-Resource URLs  Resource Names  Verbs
  ---------  -----------------  --------------  -----
             [/api/*]           []              [get]
             [/api]             []              [get]
""")
    # "/" sorts before "]": the wildcard URL comes first.
    lines = out.splitlines()[6:]
    assert all(line.endswith("[get]") for line in lines)


def test_role_bindings(world: World) -> None:
    assert (
        world.run("describe", "rolebinding", "rb1")
        == """\
Name:         rb1
Labels:       <none>
Annotations:  <none>
Role:
  Kind:  Role
  Name:  r1
Subjects:
  Kind            Name     Namespace
  ----            ----     ---------
  ServiceAccount  default  default
  User            jane     
"""
    )
    assert (
        world.run("describe", "clusterrolebinding", "system:basic-user")
        == """\
Name:         system:basic-user
Labels:       kubernetes.io/bootstrapping=rbac-defaults
Annotations:  rbac.authorization.kubernetes.io/autoupdate: true
Role:
  Kind:  ClusterRole
  Name:  system:basic-user
Subjects:
  Kind   Name                  Namespace
  ----   ----                  ---------
  Group  system:authenticated  
"""
    )


def test_rbac_helpers() -> None:
    rule = {"apiGroups": ["", "apps"], "resources": ["pods"], "verbs": ["get", "list"]}
    parts = breakdown_rule(rule)
    assert len(parts) == 4
    compact = compact_rules(parts)
    assert sorted(rule_string(r) for r in compact) == [
        "&PolicyRule{Verbs:[get list],APIGroups:[],Resources:[pods],ResourceNames:[],NonResourceURLs:[],}",
        "&PolicyRule{Verbs:[get list],APIGroups:[apps],Resources:[pods],ResourceNames:[],NonResourceURLs:[],}",
    ]
    assert combine_resource_group(("deployments/scale",), ("apps",)) == "deployments.apps/scale"
    assert combine_resource_group((), ("apps",)) == ""


# --- networking -------------------------------------------------------------------------------------------------


def test_ingress_rules_with_endpoints_errors_and_resource_backends(world: World) -> None:
    eps = sorted(
        f"{p['status']['podIP']}:80" for p in world.pods("app=web") if p["status"].get("phase") == "Running"
    )
    assert len(eps) == 2
    assert (
        world.run("describe", "ingress", "web")
        == f"""\
Name:             web
Labels:           <none>
Namespace:        default
Address:          
Ingress Class:    nginx
Default backend:  <default>
TLS:
  foo-tls terminates foo.example.com
Rules:
  Host             Path  Backends
  ----             ----  --------
  foo.example.com  
                   /          web:http ({",".join(_slice_order(world, eps))})
                   /missing   nosvc:8080 (<error: services "nosvc" not found>)
  *                
                   /api   APIGroup: k8s.example.com, Kind: Bucket, Name: static
Annotations:       <none>
Events:            <none>
"""
    )


def _slice_order(world: World, eps: list[str]) -> list[str]:
    """The endpoints in EndpointSlice order (what formatEndpointSlices walks)."""
    slices = world.cluster.api.list_objects(
        "endpointslices.discovery.k8s.io", "default", "kubernetes.io/service-name=web"
    )
    ordered = [f"{e['addresses'][0]}:80" for sl in slices for e in sl.get("endpoints") or []]
    assert sorted(ordered) == eps
    return ordered


def test_ingress_without_rules_shows_the_default_backend_row(world: World) -> None:
    backend = f"web:80 ({','.join(_slice_order(world, sorted(_web_eps(world))))})"
    assert (
        world.run("describe", "ingress", "fallback")
        == f"""\
Name:             fallback
Labels:           <none>
Namespace:        default
Address:          
Ingress Class:    <none>
Default backend:  {backend}
Rules:
  Host        Path  Backends
  ----        ----  --------
  *           *     {backend}
Annotations:  <none>
Events:       <none>
"""
    )


def _web_eps(world: World) -> list[str]:
    return [
        f"{p['status']['podIP']}:80" for p in world.pods("app=web") if p["status"].get("phase") == "Running"
    ]


def test_ingress_class(world: World) -> None:
    assert (
        world.run("describe", "ingressclass", "nginx")
        == """\
Name:         nginx
Labels:       <none>
Annotations:  <none>
Controller:   k8s.io/ingress-nginx
Parameters:
  APIGroup:  k8s.example.com
  Kind:      IngressParameters
  Name:      external-lb
Events:      <none>
"""
    )


def test_network_policies(world: World) -> None:
    out = world.run("describe", "netpol", "db")
    from k8stutor.kubectl.describe.networking import go_time_string

    created = go_time_string(
        world.get("networkpolicies.networking.k8s.io", "db")["metadata"]["creationTimestamp"]
    )
    assert (
        out
        == f"""\
Name:         db
Namespace:    default
Created on:   {created}
Labels:       <none>
Annotations:  <none>
Spec:
  PodSelector:     role=db
  Allowing ingress traffic:
    To Port: 6379/TCP
    From:
      IPBlock:
        CIDR: 172.17.0.0/16
        Except: 172.17.1.0/24
    From:
      NamespaceSelector: project=myproject
    From:
      PodSelector: role=frontend
    ----------
    To Port: <any> (traffic allowed to all ports)
    From: <any> (traffic not restricted by source)
  Allowing egress traffic:
    To Port Range: 5978-6000/TCP
    To:
      IPBlock:
        CIDR: 10.0.0.0/24
        Except: 
  Policy Types: Ingress, Egress
"""
    )
    assert created.endswith(" +0000 UTC") and re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", created)
    assert (
        world.run("describe", "netpol", "deny").split("Spec:\n")[1]
        == """\
  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)
  Allowing ingress traffic:
    <none> (Selected pods are isolated for ingress connectivity)
  Not affecting egress traffic
  Policy Types: Ingress
"""
    )


def test_endpoint_slice(world: World) -> None:
    sl = world.cluster.api.list_objects("endpointslices.discovery.k8s.io", "kube-system")[0]
    out = world.run("describe", "endpointslices", "-n", "kube-system", sl["metadata"]["name"])
    endpoints = "".join(
        f"""\
  - Addresses:  {e["addresses"][0]}
    Conditions:
      Ready:    true
    Hostname:   <unset>
    TargetRef:  Pod/{e["targetRef"]["name"]}
    NodeName:   {e["nodeName"]}
    Zone:       <unset>
"""
        for e in sl["endpoints"]
    )
    assert (
        out.split("AddressType:")[1]
        == f"""\
  IPv4
Ports:
  Name     Port  Protocol
  ----     ----  --------
  dns      53    UDP
  dns-tcp  53    TCP
  metrics  9153  TCP
Endpoints:
{endpoints}Events:         <none>
"""
    )


# --- autoscaling ------------------------------------------------------------------------------------------------


def test_hpa_v2_metrics_behavior_and_conditions(world: World) -> None:
    hpa = world.get("horizontalpodautoscalers.autoscaling", "web")
    status = hpa["status"]
    head, rows = split_events(world.run("describe", "hpa", "web"))
    conds = "".join(
        f"  {c['type']:<{_w(status, 'type')}}{c['status']:<8}{c['reason']:<{_w(status, 'reason')}}{c['message']}\n"
        for c in status["conditions"]
    )
    assert (
        head
        == f"""\
Name:                                                  web
Namespace:                                             default
Labels:                                                <none>
Annotations:                                           <none>
CreationTimestamp:                                     {when(world)}
Reference:                                             Deployment/web
Metrics:                                               ( current / target )
  resource cpu on pods  (as a percentage of request):  <unknown> / 50%
  resource memory on pods:                             <unknown> / 100Mi
  "packets" on pods:                                   <unknown> / 1k
Min replicas:                                          1
Max replicas:                                          5
Behavior:
  Scale Down:
    Stabilization Window: 60 seconds
    Select Policy: Max
    Policies:
      - Type: Pods  Value: 1  Period: 30 seconds
Deployment pods:    {status["currentReplicas"]} current / {status["desiredReplicas"]} desired
Conditions:
  Type{" " * (_w(status, "type") - 4)}Status  Reason{" " * (_w(status, "reason") - 6)}Message
  ----{" " * (_w(status, "type") - 4)}------  ------{" " * (_w(status, "reason") - 6)}-------
{conds}Events:
"""
    )
    assert rows and {r[2] for r in rows} == {"horizontal-pod-autoscaler"}


def _w(status: dict, key: str) -> int:
    return max(len(key.capitalize()), *(len(c[key]) for c in status["conditions"])) + 2


def test_hpa_stored_as_v1_is_described_as_v2(world: World) -> None:
    v1 = {
        "apiVersion": "autoscaling/v1",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "old", "namespace": "default", "creationTimestamp": "2026-12-01T10:00:00Z"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": 1,
            "maxReplicas": 4,
            "targetCPUUtilizationPercentage": 60,
        },
        "status": {"currentReplicas": 2, "desiredReplicas": 2, "currentCPUUtilizationPercentage": 12},
    }
    v2 = as_v2(v1)
    assert v2["spec"]["metrics"] == [
        {
            "type": "Resource",
            "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}},
        }
    ]
    out = describe(world.cluster.api, rtype(world, "hpa"), v1, world.cluster.now())
    assert (
        out
        == """\
Name:                                                  old
Namespace:                                             default
Labels:                                                <none>
Annotations:                                           <none>
CreationTimestamp:                                     Tue, 01 Dec 2026 10:00:00 +0000
Reference:                                             Deployment/web
Metrics:                                               ( current / target )
  resource cpu on pods  (as a percentage of request):  12% (<nil>) / 60%
Min replicas:                                          1
Max replicas:                                          4
Deployment pods:                                       2 current / 2 desired
Events:                                                <none>
"""
    )


# --- certificates -----------------------------------------------------------------------------------------------


def test_csr_subject_and_alternative_names(world: World) -> None:
    csr = {
        "apiVersion": "certificates.k8s.io/v1",
        "kind": "CertificateSigningRequest",
        "metadata": {"name": "jane"},
        "spec": {
            "request": base64.b64encode(JANE_CSR.encode()).decode(),
            "signerName": "kubernetes.io/kube-apiserver-client",
            "expirationSeconds": 86400,
            "usages": ["client auth"],
        },
    }
    world.run("create", "-f", "-", stdin=json.dumps(csr))
    world.run("certificate", "approve", "jane")
    stored = world.get("certificatesigningrequests.certificates.k8s.io", "jane", None)
    from k8stutor.kubectl.describe.common import fmt_time

    out = world.run("describe", "csr", "jane")
    # "\tCommon Name:\t..." lines start with an empty cell; the SAN lines share their block with "Events:".
    assert (
        out
        == f"""\
Name:                jane
Labels:              <none>
Annotations:         <none>
CreationTimestamp:   {fmt_time(stored["metadata"]["creationTimestamp"])}
Requesting User:     {stored["spec"]["username"]}
Signer:              kubernetes.io/kube-apiserver-client
Requested Duration:  24h
Status:              {csr_status(stored)}
Subject:
  Common Name:    jane
  Serial Number:  
  Organization:   dev
                  ops
  Country:        US
Subject Alternative Names:
         DNS Names:        jane.example.com
                           www.example.com
         Email Addresses:  jane@example.com
         URIs:             spiffe://x/y
         IP Addresses:     10.0.0.1
Events:  <none>
"""
    )
    assert csr_status(stored).startswith("Approved")


def test_csr_parsing_and_status() -> None:
    cr = parse_csr(JANE_CSR.encode())
    assert cr["cn"] == ["jane"] and cr["o"] == ["dev", "ops"] and cr["c"] == ["US"]
    assert cr["dns"] == ["jane.example.com", "www.example.com"] and cr["ip"] == ["10.0.0.1"]
    assert csr_status({"status": {"conditions": [{"type": "Denied"}, {"type": "Approved"}]}}) == "Denied"
    assert csr_status({"status": {"conditions": [{"type": "Approved"}], "certificate": "eA=="}}) == (
        "Approved,Issued"
    )
    assert csr_status({}) == "Pending"


def test_csr_with_a_bad_request_is_an_error(world: World) -> None:
    bad = {
        "apiVersion": "certificates.k8s.io/v1",
        "kind": "CertificateSigningRequest",
        "metadata": {"name": "bad"},
        "spec": {"request": base64.b64encode(b"not a pem").decode()},
    }
    with pytest.raises(DescribeError, match="Error parsing CSR: PEM block type must be CERTIFICATE REQUEST"):
        describe(world.cluster.api, rtype(world, "csr"), bad, world.cluster.now())


# --- generic kinds ----------------------------------------------------------------------------------------------


def test_lease_and_crd_use_the_generic_describer(world: World) -> None:
    out = world.run("describe", "lease", "-n", "kube-node-lease", "k8s-node01")
    assert out.startswith("""\
Name:         k8s-node01
Namespace:    kube-node-lease
Labels:       <none>
Annotations:  <none>
API Version:  coordination.k8s.io/v1
Kind:         Lease
Metadata:
""")
    assert "\nSpec:\n  Holder Identity:         k8s-node01\n  Lease Duration Seconds:  40\n" in out
    crd = world.run("describe", "crd", "crontabs.stable.example.com")
    assert crd.startswith("Name:         crontabs.stable.example.com\nNamespace:    \nLabels:       <none>\n")
    assert "\nKind:         CustomResourceDefinition\n" in crd
    assert (
        "\nSpec:\n  Group:  stable.example.com\n  Names:\n    Kind:    CronTab\n    Plural:  crontabs\n"
        in crd
    )
