"""Configuration, storage and security walkthroughs: ConfigMaps into env and volumes (and the hot-update difference),
Secrets (base64, stringData, immutable, private-registry pulls), emptyDir and hostPath volumes, PV/PVC binding and
reclaim policies, a StatefulSet's data surviving its pod, a CSR-made user under RBAC, LimitRange/ResourceQuota and
Pod Security warnings. Texts are the real ones (k8s v1.32 sources, kubectl's printers)."""

from __future__ import annotations

import re

from .transcript import check


def _section(out: str, command: str) -> str:
    """The output of one ``$ command`` of a transcript."""
    start = out.index(f"$ {command}\n") + len(command) + 3
    end = out.find("\n$ ", start - 1)
    return out[start : end + 1 if end >= 0 else len(out)]


def _sections(out: str, command: str) -> list[str]:
    """The outputs of every run of ``$ command``."""
    found, pos = [], 0
    while True:
        i = out.find(f"$ {command}\n", pos)
        if i < 0:
            return found
        start = i + len(command) + 3
        end = out.find("\n$ ", start - 1)
        found.append(out[start : end + 1 if end >= 0 else len(out)])
        pos = start


def test_configmap_env_and_volume_hot_update() -> None:
    out, _ = check("cfg_configmap")
    assert (
        _section(out, "kubectl create configmap game-config --from-file=config/")
        == "configmap/game-config created\n"
    )
    env = _section(out, "kubectl exec cfg-demo -- env | grep -E 'SPECIAL|CFG_' | sort")
    assert env == "CFG_special.how=very\nCFG_special.type=charm\nSPECIAL_LEVEL_KEY=very\n"
    reads = _sections(out, "kubectl exec cfg-demo -- cat /etc/config/game.properties")
    # Mounted files change only after the kubelet sync delay, env vars and subPath copies never.
    assert [("lives=5" in r) for r in reads] == [False, False, True]
    assert _sections(out, "kubectl exec cfg-demo -- printenv SPECIAL_LEVEL_KEY") == ["very\n", "extremely\n"]
    sub = _sections(out, "kubectl exec cfg-demo -- cat /etc/game.properties")
    assert "lives=3" in sub[0] and "lives=5" in sub[1]
    desc = _section(out, "kubectl describe pod cfg-demo | grep -A8 Environment")
    assert "      special-config  ConfigMap with prefix 'CFG_'  Optional: false\n" in desc
    assert '/etc/game.properties from config-volume (rw,path="game.properties")' in desc
    # The AtomicWriter layout: keys are links into ..data, and the update swapped ..data to a new directory.
    before, after = _sections(out, "kubectl exec cfg-demo -- ls -la /etc/config")
    targets = [re.search(r" \.\.data -> (\.\.[0-9_]+\.[0-9]+)\n", x) for x in (before, after)]
    assert targets[0] and targets[1] and targets[0].group(1) != targets[1].group(1)
    assert targets[0].group(1) not in after  # the old timestamped directory is gone
    assert _section(out, "kubectl exec cfg-demo -- readlink /etc/config/..data") == targets[1].group(1) + "\n"


def test_secret_base64_string_data_immutable_and_private_pull() -> None:
    out, _ = check("cfg_secret")
    assert _section(out, "kubectl get secret db-user -o jsonpath='{.data.password}' | base64 -d; echo") == (
        "S!B\\*d$zDsb=\n"
    )
    # stringData is merged into data (it wins for a shared key) and is not stored.
    data = _section(out, "kubectl get secret mysecret -o jsonpath='{.data}'; echo")
    assert '"password":"cGxhaW4tdGV4dC13aW5z"' in data and "stringData" not in data
    assert _section(out, "kubectl apply -f bad.yaml") == (
        'Error from server (BadRequest): error when creating "bad.yaml": Secret in version "v1" cannot be handled '
        "as a Secret: illegal base64 data at input byte 3\n"
    )
    patch = "kubectl patch secret frozen --type merge -p "
    assert _section(out, patch + """'{"stringData":{"API_KEY":"key-v2"}}'""") == (
        'The Secret "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set\n'
    )
    assert _section(out, patch + """'{"immutable":false}'""") == (
        'The Secret "frozen" is invalid: immutable: Forbidden: field is immutable when `immutable` is set\n'
    )
    assert "private   0/1     ImagePullBackOff" in _section(out, "kubectl get pod private")
    assert "private-ok   1/1     Running" in _section(out, "kubectl get pods")


def test_empty_dir_shared_size_limit_eviction_and_host_path_types() -> None:
    out, _ = check("cfg_volumes")
    assert _section(out, "kubectl exec two-containers -c nginx-container -- curl -s localhost") == (
        "Hello from the writer container\n"
    )
    assert "two-containers   1/2     NotReady" in _section(out, "kubectl get pod two-containers")
    # emptyDirLimitEviction: the pod fails with reason Evicted; its container's reason (Error) is the STATUS.
    desc = _section(out, "kubectl describe pod cache | grep -E 'Status:|Reason:|Message:'")
    assert desc.startswith(
        'Status:           Failed\nReason:           Evicted\nMessage:          Usage of EmptyDir volume "cache" '
        'exceeds the limit "1Mi". \n'
    )
    events = _section(out, "kubectl get events --field-selector involvedObject.name=cache")
    assert re.search(
        r'Warning   Evicted     pod/cache   Usage of EmptyDir volume "cache" exceeds the limit "1Mi"\.\n',
        events,
    )
    assert (
        'MountVolume.SetUp failed for volume "conf" : hostPath type check failed: /etc is not a file' in out
    )
    assert "hostPath type check failed: /var/run/app.sock is not a socket file" in out
    # DirectoryOrCreate data lives on the node and outlives the pod.
    assert _sections(out, "ssh k8s-node01 cat /srv/app-data/notes") == ["written by the pod\n"] * 2


def test_pv_binding_pending_claims_and_reclaim_policies() -> None:
    out, _ = check("cfg_pv")
    assert (
        "Warning: spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. Instead, the "
        "recommended approach is to use dynamic provisioning.\n" in _section(out, "kubectl apply -f pvs.yaml")
    )
    pvc = _sections(out, "kubectl get pvc")[0]
    # The smallest PV that fits: 500Mi -> 1Gi (not 5Gi); RWX only on the RWX volume; 10Gi stays Pending.
    assert re.search(r"small +Bound +pv-1gi +1Gi +RWO", pvc)
    assert re.search(r"shared +Bound +pv-2gi +2Gi +RWX", pvc)
    assert re.search(r"big +Bound +pv-5gi +5Gi +RWO", pvc)
    assert re.search(r"huge +Pending", pvc)
    assert (
        'ProvisioningFailed  5s    persistentvolume-controller  storageclass.storage.k8s.io "manual" not found'
        in out
    )
    released = _sections(out, "kubectl get pv")[2]
    assert re.search(r"pv-1gi .* Recycle +Available ", released)
    assert re.search(r"pv-2gi .* Delete +Failed +default/shared ", released)
    assert re.search(r"pv-5gi .* Retain +Released +default/big ", released)
    assert (
        "VolumeFailedDelete  5s    persistentvolume-controller  error getting deleter volume plugin for volume "
        '"pv-2gi": no deletable volume plugin matched' in out
    )
    assert _section(out, "kubectl exec writer -- ls /data") == ""  # recycled: scrubbed
    assert re.search(r"big +Bound +pv-5gi", _section(out, "kubectl get pvc big"))


def test_statefulset_data_survives_pod_deletion() -> None:
    out, _ = check("cfg_statefulset")
    assert _section(out, "kubectl exec counter-0 -- cat /data/boots") == "counter-0\ncounter-0\n"
    assert _section(out, "kubectl exec counter-1 -- cat /data/boots") == "counter-1\n"


def test_user_with_role_in_one_namespace_and_can_i_list() -> None:
    out, _ = check("cfg_rbac")
    assert _section(out, "kubectl --context=jane get pods") == (
        'Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource "pods" in API group "" '
        'in the namespace "default"\n'
    )
    assert "web    0/1" in _section(out, "kubectl --context=jane get pods -n dev")
    assert _section(out, "kubectl --context=jane auth whoami") == (
        "ATTRIBUTE   VALUE\nUsername    jane\nGroups      [dev-team system:authenticated]\n"
    )
    listed = _section(out, "kubectl auth can-i --list -n dev --as=jane")
    assert re.search(r"^pods +\[\] +\[\] +\[get list watch\]$", listed, re.M)
    assert "pods " not in _section(out, "kubectl auth can-i --list")


def test_limit_range_defaults_and_quota_rejection() -> None:
    out, _ = check("cfg_limits")
    assert _section(
        out, "kubectl get pod plain -n limits -o jsonpath='{.spec.containers[0].resources}'; echo"
    ) == ('{"limits":{"cpu":"500m","memory":"256Mi"},"requests":{"cpu":"100m","memory":"128Mi"}}\n')
    assert "maximum cpu usage per Container is 1, but limit is 2" in out
    assert _section(out, "kubectl run third --image=nginx -n limits") == (
        'Error from server (Forbidden): pods "third" is forbidden: exceeded quota: compute, requested: pods=1, '
        "used: pods=2, limited: pods=2\n"
    )


def test_pod_security_warnings_and_enforcement() -> None:
    out, _ = check("cfg_podsecurity")
    run = _section(out, "kubectl run app --image=nginx -n team-a")
    assert run.startswith(
        'Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false'
    )
    assert run.endswith("pod/app created\n")
    label = _section(
        out,
        "kubectl label --dry-run=server --overwrite namespace team-a "
        "pod-security.kubernetes.io/enforce=restricted",
    )
    assert label == (
        'Warning: existing pods in namespace "team-a" violate the new PodSecurity enforce level "restricted:latest"\n'
        "Warning: app (and 2 other pods): allowPrivilegeEscalation != false, unrestricted capabilities, "
        "runAsNonRoot != true, seccompProfile\nnamespace/team-a labeled (server dry run)\n"
    )
    assert 'violates PodSecurity "baseline:latest": privileged (container "app" must not set ' in out
    assert _section(out, "kubectl apply -f restricted.yaml") == "pod/hardened created\n"
