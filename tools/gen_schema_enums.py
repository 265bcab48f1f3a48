"""Generate ``assets/schema/enums-v1.32.json``: the ``enum`` lists and "Possible enum values" text of v1.32.

The OpenAPI documents a real v1.32 API server serves carry, for every field whose Go type is a
``// +enum`` string type, an ``enum`` list and a description ending in a "Possible enum values" block
(kube-openapi ``pkg/generators/enum.go``). The committed ``api/openapi-spec`` files and the
kubernetes-validate schemas we bundle do not have them, so this script rebuilds them from the Go API
types (``staging/src/k8s.io/api/*/v1/types.go``): ``ENUM_TYPES`` lists each ``+enum`` type's
constants (Go name, value, doc comment with the ``//`` markers removed and lines joined by one space,
as gengo's ``CommentLines`` joined by kube-openapi), and ``FIELDS`` maps each definition property whose
Go type is (a pointer to) such a type. Slices and map values of enum types get no enum, as in
kube-openapi. Runs offline: ``python tools/gen_schema_enums.py``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from k8stutor.engine import schema  # noqa: E402

OUTPUT = ROOT / "assets" / "schema" / "enums-v1.32.json"
_WHITESPACE = re.compile(r"\s+")

ENUM_TYPES: dict[str, list[tuple[str, str, str]]] = {
    "apps.DaemonSetUpdateStrategyType": [
        (
            "RollingUpdateDaemonSetStrategyType",
            "RollingUpdate",
            "Replace the old daemons by new ones using rolling update i.e replace them on each node one after the other.",
        ),
        ("OnDeleteDaemonSetStrategyType", "OnDelete", "Replace the old daemons only when it's killed"),
    ],
    "apps.DeploymentStrategyType": [
        ("RecreateDeploymentStrategyType", "Recreate", "Kill all existing pods before creating new ones."),
        (
            "RollingUpdateDeploymentStrategyType",
            "RollingUpdate",
            "Replace the old ReplicaSets by new one using rolling update i.e gradually scale down the old ReplicaSets and scale up the new one.",
        ),
    ],
    "apps.PodManagementPolicyType": [
        (
            "OrderedReadyPodManagement",
            "OrderedReady",
            "OrderedReadyPodManagement will create pods in strictly increasing order on scale up and strictly decreasing order on scale down, progressing only when the "
            "previous pod is ready or terminated. At most one pod will be changed at any time.",
        ),
        (
            "ParallelPodManagement",
            "Parallel",
            "ParallelPodManagement will create and delete pods as soon as the stateful set replica count is changed, and will not wait for pods to be ready or complete "
            "termination.",
        ),
    ],
    "apps.StatefulSetUpdateStrategyType": [
        (
            "RollingUpdateStatefulSetStrategyType",
            "RollingUpdate",
            "RollingUpdateStatefulSetStrategyType indicates that update will be applied to all Pods in the StatefulSet with respect to the StatefulSet ordering "
            "constraints. When a scale operation is performed with this strategy, new Pods will be created from the specification version indicated by the StatefulSet's "
            "updateRevision.",
        ),
        (
            "OnDeleteStatefulSetStrategyType",
            "OnDelete",
            "OnDeleteStatefulSetStrategyType triggers the legacy behavior. Version tracking and ordered rolling restarts are disabled. Pods are recreated from the "
            "StatefulSetSpec when they are manually deleted. When a scale operation is performed with this strategy,specification version indicated by the StatefulSet's "
            "currentRevision.",
        ),
    ],
    "batch.CompletionMode": [
        (
            "NonIndexedCompletion",
            "NonIndexed",
            "NonIndexedCompletion is a Job completion mode. In this mode, the Job is considered complete when there have been .spec.completions successfully completed Pods. Pod "
            "completions are homologous to each other.",
        ),
        (
            "IndexedCompletion",
            "Indexed",
            "IndexedCompletion is a Job completion mode. In this mode, the Pods of a Job get an associated completion index from 0 to (.spec.completions - 1). The Job is  considered "
            "complete when a Pod completes for each completion index.",
        ),
    ],
    "batch.ConcurrencyPolicy": [
        ("AllowConcurrent", "Allow", "AllowConcurrent allows CronJobs to run concurrently."),
        (
            "ForbidConcurrent",
            "Forbid",
            "ForbidConcurrent forbids concurrent runs, skipping next run if previous hasn't finished yet.",
        ),
        (
            "ReplaceConcurrent",
            "Replace",
            "ReplaceConcurrent cancels currently running job and replaces it with a new one.",
        ),
    ],
    "batch.PodFailurePolicyAction": [
        (
            "PodFailurePolicyActionFailJob",
            "FailJob",
            "This is an action which might be taken on a pod failure - mark the pod's job as Failed and terminate all running pods.",
        ),
        (
            "PodFailurePolicyActionFailIndex",
            "FailIndex",
            "This is an action which might be taken on a pod failure - mark the Job's index as failed to avoid restarts within this index. This action can only be used when "
            "backoffLimitPerIndex is set. This value is beta-level.",
        ),
        (
            "PodFailurePolicyActionIgnore",
            "Ignore",
            "This is an action which might be taken on a pod failure - the counter towards .backoffLimit, represented by the job's .status.failed field, is not incremented and "
            "a replacement pod is created.",
        ),
        (
            "PodFailurePolicyActionCount",
            "Count",
            "This is an action which might be taken on a pod failure - the pod failure is handled in the default way - the counter towards .backoffLimit, represented by the "
            "job's .status.failed field, is incremented.",
        ),
    ],
    "batch.PodFailurePolicyOnExitCodesOperator": [
        ("PodFailurePolicyOnExitCodesOpIn", "In", ""),
        ("PodFailurePolicyOnExitCodesOpNotIn", "NotIn", ""),
    ],
    "batch.PodReplacementPolicy": [
        (
            "TerminatingOrFailed",
            "TerminatingOrFailed",
            "TerminatingOrFailed means that we recreate pods when they are terminating (has a metadata.deletionTimestamp) or failed.",
        ),
        (
            "Failed",
            "Failed",
            "Failed means to wait until a previously created Pod is fully terminated (has phase Failed or Succeeded) before creating a replacement Pod.",
        ),
    ],
    "core.AppArmorProfileType": [
        (
            "AppArmorProfileTypeUnconfined",
            "Unconfined",
            "AppArmorProfileTypeUnconfined indicates that no AppArmor profile should be enforced.",
        ),
        (
            "AppArmorProfileTypeRuntimeDefault",
            "RuntimeDefault",
            "AppArmorProfileTypeRuntimeDefault indicates that the container runtime's default AppArmor profile should be used.",
        ),
        (
            "AppArmorProfileTypeLocalhost",
            "Localhost",
            "AppArmorProfileTypeLocalhost indicates that a profile pre-loaded on the node should be used.",
        ),
    ],
    "core.AzureDataDiskCachingMode": [
        ("AzureDataDiskCachingNone", "None", ""),
        ("AzureDataDiskCachingReadOnly", "ReadOnly", ""),
        ("AzureDataDiskCachingReadWrite", "ReadWrite", ""),
    ],
    "core.AzureDataDiskKind": [
        ("AzureSharedBlobDisk", "Shared", ""),
        ("AzureDedicatedBlobDisk", "Dedicated", ""),
        ("AzureManagedDisk", "Managed", ""),
    ],
    "core.DNSPolicy": [
        (
            "DNSClusterFirstWithHostNet",
            "ClusterFirstWithHostNet",
            "DNSClusterFirstWithHostNet indicates that the pod should use cluster DNS first, if it is available, then fall back on the default (as determined by kubelet) DNS settings.",
        ),
        (
            "DNSClusterFirst",
            "ClusterFirst",
            "DNSClusterFirst indicates that the pod should use cluster DNS first unless hostNetwork is true, if it is available, then fall back on the default (as determined by kubelet) DNS "
            "settings.",
        ),
        (
            "DNSDefault",
            "Default",
            "DNSDefault indicates that the pod should use the default (as determined by kubelet) DNS settings.",
        ),
        (
            "DNSNone",
            "None",
            "DNSNone indicates that the pod should use empty DNS settings. DNS parameters such as nameservers and search paths should be defined via DNSConfig.",
        ),
    ],
    "core.HostPathType": [
        ("HostPathUnset", "", "For backwards compatible, leave it empty if unset"),
        (
            "HostPathDirectoryOrCreate",
            "DirectoryOrCreate",
            "If nothing exists at the given path, an empty directory will be created there as needed with file mode 0755, having the same group and ownership with Kubelet.",
        ),
        ("HostPathDirectory", "Directory", "A directory must exist at the given path"),
        (
            "HostPathFileOrCreate",
            "FileOrCreate",
            "If nothing exists at the given path, an empty file will be created there as needed with file mode 0644, having the same group and ownership with Kubelet.",
        ),
        ("HostPathFile", "File", "A file must exist at the given path"),
        ("HostPathSocket", "Socket", "A UNIX socket must exist at the given path"),
        ("HostPathCharDev", "CharDevice", "A character device must exist at the given path"),
        ("HostPathBlockDev", "BlockDevice", "A block device must exist at the given path"),
    ],
    "core.IPFamilyPolicy": [
        (
            "IPFamilyPolicySingleStack",
            "SingleStack",
            "IPFamilyPolicySingleStack indicates that this service is required to have a single IPFamily. The IPFamily assigned is based on the default IPFamily used by the cluster or "
            "as identified by service.spec.ipFamilies field",
        ),
        (
            "IPFamilyPolicyPreferDualStack",
            "PreferDualStack",
            "IPFamilyPolicyPreferDualStack indicates that this service prefers dual-stack when the cluster is configured for dual-stack. If the cluster is not configured for dual-stack "
            "the service will be assigned a single IPFamily. If the IPFamily is not set in service.spec.ipFamilies then the service will be assigned the default IPFamily configured on "
            "the cluster",
        ),
        (
            "IPFamilyPolicyRequireDualStack",
            "RequireDualStack",
            "IPFamilyPolicyRequireDualStack indicates that this service requires dual-stack. Using IPFamilyPolicyRequireDualStack on a single stack cluster will result in validation "
            "errors. The IPFamilies (and their order) assigned  to this service is based on service.spec.ipFamilies. If service.spec.ipFamilies was not provided then it will be "
            "assigned according to how they are configured on the cluster. If service.spec.ipFamilies has only one entry then the alternative IPFamily will be added by apiserver",
        ),
    ],
    "core.MountPropagationMode": [
        (
            "MountPropagationNone",
            "None",
            "MountPropagationNone means that the volume in a container will not receive new mounts from the host or other containers, and filesystems mounted inside the container "
            'won\'t be propagated to the host or other containers. Note that this mode corresponds to "private" in Linux terminology.',
        ),
        (
            "MountPropagationHostToContainer",
            "HostToContainer",
            "MountPropagationHostToContainer means that the volume in a container will receive new mounts from the host or other containers, but filesystems mounted inside the "
            'container won\'t be propagated to the host or other containers. Note that this mode is recursively applied to all mounts in the volume ("rslave" in Linux '
            "terminology).",
        ),
        (
            "MountPropagationBidirectional",
            "Bidirectional",
            "MountPropagationBidirectional means that the volume in a container will receive new mounts from the host or other containers, and its own mounts will be propagated "
            'from the container to the host or other containers. Note that this mode is recursively applied to all mounts in the volume ("rshared" in Linux terminology).',
        ),
    ],
    "core.NamespacePhase": [
        (
            "NamespaceActive",
            "Active",
            "NamespaceActive means the namespace is available for use in the system",
        ),
        (
            "NamespaceTerminating",
            "Terminating",
            "NamespaceTerminating means the namespace is undergoing graceful termination",
        ),
    ],
    "core.NodeInclusionPolicy": [
        (
            "NodeInclusionPolicyIgnore",
            "Ignore",
            "NodeInclusionPolicyIgnore means ignore this scheduling directive when calculating pod topology spread skew.",
        ),
        (
            "NodeInclusionPolicyHonor",
            "Honor",
            "NodeInclusionPolicyHonor means use this scheduling directive when calculating pod topology spread skew.",
        ),
    ],
    "core.NodePhase": [
        (
            "NodePending",
            "Pending",
            "NodePending means the node has been created/added by the system, but not configured.",
        ),
        (
            "NodeRunning",
            "Running",
            "NodeRunning means the node has been configured and has Kubernetes components running.",
        ),
        ("NodeTerminated", "Terminated", "NodeTerminated means the node has been removed from the cluster."),
    ],
    "core.NodeSelectorOperator": [
        ("NodeSelectorOpIn", "In", ""),
        ("NodeSelectorOpNotIn", "NotIn", ""),
        ("NodeSelectorOpExists", "Exists", ""),
        ("NodeSelectorOpDoesNotExist", "DoesNotExist", ""),
        ("NodeSelectorOpGt", "Gt", ""),
        ("NodeSelectorOpLt", "Lt", ""),
    ],
    "core.PersistentVolumeClaimModifyVolumeStatus": [
        (
            "PersistentVolumeClaimModifyVolumePending",
            "Pending",
            "Pending indicates that the PersistentVolumeClaim cannot be modified due to unmet requirements, such as the specified VolumeAttributesClass not "
            "existing",
        ),
        (
            "PersistentVolumeClaimModifyVolumeInProgress",
            "InProgress",
            "InProgress indicates that the volume is being modified",
        ),
        (
            "PersistentVolumeClaimModifyVolumeInfeasible",
            "Infeasible",
            "Infeasible indicates that the request has been rejected as invalid by the CSI driver. To resolve the error, a valid VolumeAttributesClass needs to "
            "be specified",
        ),
    ],
    "core.PersistentVolumeClaimPhase": [
        ("ClaimPending", "Pending", "used for PersistentVolumeClaims that are not yet bound"),
        ("ClaimBound", "Bound", "used for PersistentVolumeClaims that are bound"),
        (
            "ClaimLost",
            "Lost",
            "used for PersistentVolumeClaims that lost their underlying PersistentVolume. The claim was bound to a PersistentVolume and this volume does not exist any "
            "longer and all data on it was lost.",
        ),
    ],
    "core.PersistentVolumeMode": [
        (
            "PersistentVolumeBlock",
            "Block",
            "PersistentVolumeBlock means the volume will not be formatted with a filesystem and will remain a raw block device.",
        ),
        (
            "PersistentVolumeFilesystem",
            "Filesystem",
            "PersistentVolumeFilesystem means the volume will be or is formatted with a filesystem.",
        ),
    ],
    "core.PersistentVolumePhase": [
        ("VolumePending", "Pending", "used for PersistentVolumes that are not available"),
        (
            "VolumeAvailable",
            "Available",
            "used for PersistentVolumes that are not yet bound Available volumes are held by the binder and matched to PersistentVolumeClaims",
        ),
        ("VolumeBound", "Bound", "used for PersistentVolumes that are bound"),
        (
            "VolumeReleased",
            "Released",
            "used for PersistentVolumes where the bound PersistentVolumeClaim was deleted released volumes must be recycled before becoming available again this phase is used by "
            "the persistent volume claim binder to signal to another process to reclaim the resource",
        ),
        (
            "VolumeFailed",
            "Failed",
            "used for PersistentVolumes that failed to be correctly recycled or deleted after being released from a claim",
        ),
    ],
    "core.PersistentVolumeReclaimPolicy": [
        (
            "PersistentVolumeReclaimRecycle",
            "Recycle",
            "PersistentVolumeReclaimRecycle means the volume will be recycled back into the pool of unbound persistent volumes on release from its claim. The volume "
            "plugin must support Recycling.",
        ),
        (
            "PersistentVolumeReclaimDelete",
            "Delete",
            "PersistentVolumeReclaimDelete means the volume will be deleted from Kubernetes on release from its claim. The volume plugin must support Deletion.",
        ),
        (
            "PersistentVolumeReclaimRetain",
            "Retain",
            "PersistentVolumeReclaimRetain means the volume will be left in its current phase (Released) for manual reclamation by the administrator. The default policy "
            "is Retain.",
        ),
    ],
    "core.PodFSGroupChangePolicy": [
        (
            "FSGroupChangeOnRootMismatch",
            "OnRootMismatch",
            "FSGroupChangeOnRootMismatch indicates that volume's ownership and permissions will be changed only when permission and ownership of root directory does not match "
            "with expected permissions on the volume. This can help shorten the time it takes to change ownership and permissions of a volume.",
        ),
        (
            "FSGroupChangeAlways",
            "Always",
            "FSGroupChangeAlways indicates that volume's ownership and permissions should always be changed whenever volume is mounted inside a Pod. This the default "
            "behavior.",
        ),
    ],
    "core.PodPhase": [
        (
            "PodPending",
            "Pending",
            "PodPending means the pod has been accepted by the system, but one or more of the containers has not been started. This includes time before being bound to a node, as well as "
            "time spent pulling images onto the host.",
        ),
        (
            "PodRunning",
            "Running",
            "PodRunning means the pod has been bound to a node and all of the containers have been started. At least one container is still running or is in the process of being restarted.",
        ),
        (
            "PodSucceeded",
            "Succeeded",
            "PodSucceeded means that all containers in the pod have voluntarily terminated with a container exit code of 0, and the system is not going to restart any of these containers.",
        ),
        (
            "PodFailed",
            "Failed",
            "PodFailed means that all containers in the pod have terminated, and at least one container has terminated in a failure (exited with a non-zero exit code or was stopped by the "
            "system).",
        ),
        (
            "PodUnknown",
            "Unknown",
            "PodUnknown means that for some reason the state of the pod could not be obtained, typically due to an error in communicating with the host of the pod. Deprecated: It isn't being "
            "set since 2015 (74da3b14b0c0f658b3bb8d2def5094686d0e9095)",
        ),
    ],
    "core.PodQOSClass": [
        ("PodQOSGuaranteed", "Guaranteed", "PodQOSGuaranteed is the Guaranteed qos class."),
        ("PodQOSBurstable", "Burstable", "PodQOSBurstable is the Burstable qos class."),
        ("PodQOSBestEffort", "BestEffort", "PodQOSBestEffort is the BestEffort qos class."),
    ],
    "core.PreemptionPolicy": [
        (
            "PreemptLowerPriority",
            "PreemptLowerPriority",
            "PreemptLowerPriority means that pod can preempt other pods with lower priority.",
        ),
        (
            "PreemptNever",
            "Never",
            "PreemptNever means that pod never preempts other pods with lower priority.",
        ),
    ],
    "core.ProcMountType": [
        (
            "DefaultProcMount",
            "Default",
            "DefaultProcMount uses the container runtime defaults for readonly and masked paths for /proc.  Most container runtimes mask certain paths in /proc to avoid accidental "
            "security exposure of special devices or information.",
        ),
        (
            "UnmaskedProcMount",
            "Unmasked",
            "UnmaskedProcMount bypasses the default masking behavior of the container runtime and ensures the newly created /proc the container stays in tact with no modifications.",
        ),
    ],
    "core.Protocol": [
        ("ProtocolTCP", "TCP", "ProtocolTCP is the TCP protocol."),
        ("ProtocolUDP", "UDP", "ProtocolUDP is the UDP protocol."),
        ("ProtocolSCTP", "SCTP", "ProtocolSCTP is the SCTP protocol."),
    ],
    "core.PullPolicy": [
        (
            "PullAlways",
            "Always",
            "PullAlways means that kubelet always attempts to pull the latest image. Container will fail If the pull fails.",
        ),
        (
            "PullNever",
            "Never",
            "PullNever means that kubelet never pulls an image, but only uses a local image. Container will fail if the image isn't present",
        ),
        (
            "PullIfNotPresent",
            "IfNotPresent",
            "PullIfNotPresent means that kubelet pulls if the image isn't present on disk. Container will fail if the image isn't present and the pull fails.",
        ),
    ],
    "core.ResourceQuotaScope": [
        (
            "ResourceQuotaScopeTerminating",
            "Terminating",
            "Match all pod objects where spec.activeDeadlineSeconds >=0",
        ),
        (
            "ResourceQuotaScopeNotTerminating",
            "NotTerminating",
            "Match all pod objects where spec.activeDeadlineSeconds is nil",
        ),
        (
            "ResourceQuotaScopeBestEffort",
            "BestEffort",
            "Match all pod objects that have best effort quality of service",
        ),
        (
            "ResourceQuotaScopeNotBestEffort",
            "NotBestEffort",
            "Match all pod objects that do not have best effort quality of service",
        ),
        (
            "ResourceQuotaScopePriorityClass",
            "PriorityClass",
            "Match all pod objects that have priority class mentioned",
        ),
        (
            "ResourceQuotaScopeCrossNamespacePodAffinity",
            "CrossNamespacePodAffinity",
            "Match all pod objects that have cross-namespace pod (anti)affinity mentioned.",
        ),
    ],
    "core.RestartPolicy": [
        ("RestartPolicyAlways", "Always", ""),
        ("RestartPolicyOnFailure", "OnFailure", ""),
        ("RestartPolicyNever", "Never", ""),
    ],
    "core.ScopeSelectorOperator": [
        ("ScopeSelectorOpIn", "In", ""),
        ("ScopeSelectorOpNotIn", "NotIn", ""),
        ("ScopeSelectorOpExists", "Exists", ""),
        ("ScopeSelectorOpDoesNotExist", "DoesNotExist", ""),
    ],
    "core.SeccompProfileType": [
        (
            "SeccompProfileTypeUnconfined",
            "Unconfined",
            "SeccompProfileTypeUnconfined indicates no seccomp profile is applied (A.K.A. unconfined).",
        ),
        (
            "SeccompProfileTypeRuntimeDefault",
            "RuntimeDefault",
            "SeccompProfileTypeRuntimeDefault represents the default container runtime seccomp profile.",
        ),
        (
            "SeccompProfileTypeLocalhost",
            "Localhost",
            "SeccompProfileTypeLocalhost indicates a profile defined in a file on the node should be used. The file's location relative to <kubelet-root-dir>/seccomp.",
        ),
    ],
    "core.ServiceAffinity": [
        ("ServiceAffinityClientIP", "ClientIP", "ServiceAffinityClientIP is the Client IP based."),
        ("ServiceAffinityNone", "None", "ServiceAffinityNone - no session affinity."),
    ],
    "core.ServiceExternalTrafficPolicy": [
        (
            "ServiceExternalTrafficPolicyCluster",
            "Cluster",
            "ServiceExternalTrafficPolicyCluster routes traffic to all endpoints.",
        ),
        (
            "ServiceExternalTrafficPolicyLocal",
            "Local",
            "ServiceExternalTrafficPolicyLocal preserves the source IP of the traffic by routing only to endpoints on the same node as the traffic was received on "
            "(dropping the traffic if there are no local endpoints).",
        ),
        ("ServiceExternalTrafficPolicyTypeLocal", "Local", ""),
        ("ServiceExternalTrafficPolicyTypeCluster", "Cluster", ""),
    ],
    "core.ServiceInternalTrafficPolicy": [
        (
            "ServiceInternalTrafficPolicyCluster",
            "Cluster",
            "ServiceInternalTrafficPolicyCluster routes traffic to all endpoints.",
        ),
        (
            "ServiceInternalTrafficPolicyLocal",
            "Local",
            "ServiceInternalTrafficPolicyLocal routes traffic only to endpoints on the same node as the client pod (dropping the traffic if there are no local "
            "endpoints).",
        ),
    ],
    "core.ServiceType": [
        (
            "ServiceTypeClusterIP",
            "ClusterIP",
            "ServiceTypeClusterIP means a service will only be accessible inside the cluster, via the cluster IP.",
        ),
        (
            "ServiceTypeNodePort",
            "NodePort",
            "ServiceTypeNodePort means a service will be exposed on one port of every node, in addition to 'ClusterIP' type.",
        ),
        (
            "ServiceTypeLoadBalancer",
            "LoadBalancer",
            "ServiceTypeLoadBalancer means a service will be exposed via an external load balancer (if the cloud provider supports it), in addition to 'NodePort' type.",
        ),
        (
            "ServiceTypeExternalName",
            "ExternalName",
            "ServiceTypeExternalName means a service consists of only a reference to an external name that kubedns or equivalent will return as a CNAME record, with no exposing or "
            "proxying of any pods involved.",
        ),
    ],
    "core.SupplementalGroupsPolicy": [
        (
            "SupplementalGroupsPolicyMerge",
            "Merge",
            "SupplementalGroupsPolicyMerge means that the container's provided SupplementalGroups and FsGroup (specified in SecurityContext) will be merged with the primary "
            "user's groups as defined in the container image (in /etc/group).",
        ),
        (
            "SupplementalGroupsPolicyStrict",
            "Strict",
            "SupplementalGroupsPolicyStrict means that the container's provided SupplementalGroups and FsGroup (specified in SecurityContext) will be used instead of any "
            "groups defined in the container image.",
        ),
    ],
    "core.TaintEffect": [
        (
            "TaintEffectNoSchedule",
            "NoSchedule",
            "Do not allow new pods to schedule onto the node unless they tolerate the taint, but allow all pods submitted to Kubelet without going through the scheduler to start, and "
            "allow all already-running pods to continue running. Enforced by the scheduler.",
        ),
        (
            "TaintEffectPreferNoSchedule",
            "PreferNoSchedule",
            "Like TaintEffectNoSchedule, but the scheduler tries not to schedule new pods onto the node, rather than prohibiting new pods from scheduling onto the node entirely. Enforced "
            "by the scheduler.",
        ),
        (
            "TaintEffectNoExecute",
            "NoExecute",
            "Evict any already-running pods that do not tolerate the taint. Currently enforced by NodeController.",
        ),
    ],
    "core.TerminationMessagePolicy": [
        (
            "TerminationMessageReadFile",
            "File",
            "TerminationMessageReadFile is the default behavior and will set the container status message to the contents of the container's terminationMessagePath when the "
            "container exits.",
        ),
        (
            "TerminationMessageFallbackToLogsOnError",
            "FallbackToLogsOnError",
            "TerminationMessageFallbackToLogsOnError will read the most recent contents of the container logs for the container status message when the container exits with "
            "an error and the terminationMessagePath has no contents.",
        ),
    ],
    "core.TolerationOperator": [("TolerationOpExists", "Exists", ""), ("TolerationOpEqual", "Equal", "")],
    "core.URIScheme": [
        ("URISchemeHTTP", "HTTP", "URISchemeHTTP means that the scheme used will be http://"),
        ("URISchemeHTTPS", "HTTPS", "URISchemeHTTPS means that the scheme used will be https://"),
    ],
    "core.UnsatisfiableConstraintAction": [
        (
            "DoNotSchedule",
            "DoNotSchedule",
            "DoNotSchedule instructs the scheduler not to schedule the pod when constraints are not satisfied.",
        ),
        (
            "ScheduleAnyway",
            "ScheduleAnyway",
            "ScheduleAnyway instructs the scheduler to schedule the pod even if constraints are not satisfied.",
        ),
    ],
    "networking.PathType": [
        ("PathTypeExact", "Exact", "PathTypeExact matches the URL path exactly and with case sensitivity."),
        (
            "PathTypePrefix",
            "Prefix",
            "PathTypePrefix matches based on a URL path prefix split by '/'. Matching is case sensitive and done on a path element by element basis. A path element refers to the list "
            "of labels in the path split by the '/' separator. A request is a match for path p if every p is an element-wise prefix of p of the request path. Note that if the last "
            "element of the path is a substring of the last element in request path, it is not a match (e.g. /foo/bar matches /foo/bar/baz, but does not match /foo/barbaz). If multiple "
            "matching paths exist in an Ingress spec, the longest matching path is given priority. Examples: - /foo/bar does not match requests to /foo/barbaz - /foo/bar matches "
            "request to /foo/bar and /foo/bar/baz - /foo and /foo/ both match requests to /foo and /foo/. If both paths are present in an Ingress spec, the longest matching path "
            "(/foo/) is given priority.",
        ),
        (
            "PathTypeImplementationSpecific",
            "ImplementationSpecific",
            "PathTypeImplementationSpecific matching is up to the IngressClass. Implementations can treat this as a separate PathType or treat it identically to Prefix or Exact path "
            "types.",
        ),
    ],
    "policy.UnhealthyPodEvictionPolicyType": [
        (
            "IfHealthyBudget",
            "IfHealthyBudget",
            'IfHealthyBudget policy means that running pods (status.phase="Running"), but not yet healthy can be evicted only if the guarded application is not '
            "disrupted (status.currentHealthy is at least equal to status.desiredHealthy). Healthy pods will be subject to the PDB for eviction.",
        ),
        (
            "AlwaysAllow",
            "AlwaysAllow",
            'AlwaysAllow policy means that all running pods (status.phase="Running"), but not yet healthy are considered disrupted and can be evicted regardless of '
            "whether the criteria in a PDB is met. This means perspective running pods of a disrupted application might not get a chance to become healthy. Healthy "
            "pods will be subject to the PDB for eviction.",
        ),
    ],
}

FIELDS: dict[str, dict[str, str]] = {
    "io.k8s.api.apps.v1.DaemonSetUpdateStrategy": {"type": "apps.DaemonSetUpdateStrategyType"},
    "io.k8s.api.apps.v1.DeploymentStrategy": {"type": "apps.DeploymentStrategyType"},
    "io.k8s.api.apps.v1.StatefulSetSpec": {"podManagementPolicy": "apps.PodManagementPolicyType"},
    "io.k8s.api.apps.v1.StatefulSetUpdateStrategy": {"type": "apps.StatefulSetUpdateStrategyType"},
    "io.k8s.api.batch.v1.CronJobSpec": {"concurrencyPolicy": "batch.ConcurrencyPolicy"},
    "io.k8s.api.batch.v1.JobSpec": {
        "completionMode": "batch.CompletionMode",
        "podReplacementPolicy": "batch.PodReplacementPolicy",
    },
    "io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement": {
        "operator": "batch.PodFailurePolicyOnExitCodesOperator"
    },
    "io.k8s.api.batch.v1.PodFailurePolicyRule": {"action": "batch.PodFailurePolicyAction"},
    "io.k8s.api.core.v1.AppArmorProfile": {"type": "core.AppArmorProfileType"},
    "io.k8s.api.core.v1.AzureDiskVolumeSource": {
        "cachingMode": "core.AzureDataDiskCachingMode",
        "kind": "core.AzureDataDiskKind",
    },
    "io.k8s.api.core.v1.Container": {
        "imagePullPolicy": "core.PullPolicy",
        "terminationMessagePolicy": "core.TerminationMessagePolicy",
    },
    "io.k8s.api.core.v1.ContainerPort": {"protocol": "core.Protocol"},
    "io.k8s.api.core.v1.EndpointPort": {"protocol": "core.Protocol"},
    "io.k8s.api.core.v1.EphemeralContainer": {
        "imagePullPolicy": "core.PullPolicy",
        "terminationMessagePolicy": "core.TerminationMessagePolicy",
    },
    "io.k8s.api.core.v1.HTTPGetAction": {"scheme": "core.URIScheme"},
    "io.k8s.api.core.v1.HostPathVolumeSource": {"type": "core.HostPathType"},
    "io.k8s.api.core.v1.ImageVolumeSource": {"pullPolicy": "core.PullPolicy"},
    "io.k8s.api.core.v1.ModifyVolumeStatus": {"status": "core.PersistentVolumeClaimModifyVolumeStatus"},
    "io.k8s.api.core.v1.NamespaceStatus": {"phase": "core.NamespacePhase"},
    "io.k8s.api.core.v1.NodeSelectorRequirement": {"operator": "core.NodeSelectorOperator"},
    "io.k8s.api.core.v1.NodeStatus": {"phase": "core.NodePhase"},
    "io.k8s.api.core.v1.PersistentVolumeClaimSpec": {"volumeMode": "core.PersistentVolumeMode"},
    "io.k8s.api.core.v1.PersistentVolumeClaimStatus": {"phase": "core.PersistentVolumeClaimPhase"},
    "io.k8s.api.core.v1.PersistentVolumeSpec": {
        "persistentVolumeReclaimPolicy": "core.PersistentVolumeReclaimPolicy",
        "volumeMode": "core.PersistentVolumeMode",
    },
    "io.k8s.api.core.v1.PersistentVolumeStatus": {"phase": "core.PersistentVolumePhase"},
    "io.k8s.api.core.v1.PodSecurityContext": {
        "fsGroupChangePolicy": "core.PodFSGroupChangePolicy",
        "supplementalGroupsPolicy": "core.SupplementalGroupsPolicy",
    },
    "io.k8s.api.core.v1.PodSpec": {
        "dnsPolicy": "core.DNSPolicy",
        "preemptionPolicy": "core.PreemptionPolicy",
        "restartPolicy": "core.RestartPolicy",
    },
    "io.k8s.api.core.v1.PodStatus": {"phase": "core.PodPhase", "qosClass": "core.PodQOSClass"},
    "io.k8s.api.core.v1.PortStatus": {"protocol": "core.Protocol"},
    "io.k8s.api.core.v1.ScopedResourceSelectorRequirement": {
        "operator": "core.ScopeSelectorOperator",
        "scopeName": "core.ResourceQuotaScope",
    },
    "io.k8s.api.core.v1.SeccompProfile": {"type": "core.SeccompProfileType"},
    "io.k8s.api.core.v1.SecurityContext": {"procMount": "core.ProcMountType"},
    "io.k8s.api.core.v1.ServicePort": {"protocol": "core.Protocol"},
    "io.k8s.api.core.v1.ServiceSpec": {
        "externalTrafficPolicy": "core.ServiceExternalTrafficPolicy",
        "internalTrafficPolicy": "core.ServiceInternalTrafficPolicy",
        "ipFamilyPolicy": "core.IPFamilyPolicy",
        "sessionAffinity": "core.ServiceAffinity",
        "type": "core.ServiceType",
    },
    "io.k8s.api.core.v1.Taint": {"effect": "core.TaintEffect"},
    "io.k8s.api.core.v1.Toleration": {"effect": "core.TaintEffect", "operator": "core.TolerationOperator"},
    "io.k8s.api.core.v1.TopologySpreadConstraint": {
        "nodeAffinityPolicy": "core.NodeInclusionPolicy",
        "nodeTaintsPolicy": "core.NodeInclusionPolicy",
        "whenUnsatisfiable": "core.UnsatisfiableConstraintAction",
    },
    "io.k8s.api.core.v1.VolumeMount": {"mountPropagation": "core.MountPropagationMode"},
    "io.k8s.api.discovery.v1.EndpointPort": {"protocol": "core.Protocol"},
    "io.k8s.api.networking.v1.HTTPIngressPath": {"pathType": "networking.PathType"},
    "io.k8s.api.networking.v1.IngressPortStatus": {"protocol": "core.Protocol"},
    "io.k8s.api.networking.v1.NetworkPolicyPort": {"protocol": "core.Protocol"},
    "io.k8s.api.policy.v1.PodDisruptionBudgetSpec": {
        "unhealthyPodEvictionPolicy": "policy.UnhealthyPodEvictionPolicyType"
    },
}


def go_quote(value: str) -> str:
    """Go's ``%q`` for the plain ASCII enum values of the Kubernetes API."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def value_line(name: str, value: str, comment: str) -> str:
    """kube-openapi ``enumValue.Description``, after ``generateDescription``'s right trim."""
    text = comment.strip()
    if text.startswith(name):
        text = text[len(name) :]
    text = _WHITESPACE.sub(" ", text.strip())
    return f" - `{go_quote(value)}` {text}".rstrip(" ")


def enum_values(type_name: str) -> list[tuple[str, str, str]]:
    """The constants of one enum type, deduplicated like ``addIfNotPresent`` and sorted by value."""
    kept: dict[str, tuple[str, str, str]] = {}
    for name, value, comment in ENUM_TYPES[type_name]:
        old = kept.get(value)
        if old is None or len(old[2]) < len(comment) or (len(old[2]) == len(comment) and old[2] > comment):
            kept[value] = (name, value, comment)
    return [kept[v] for v in sorted(kept)]


def overlay() -> dict[str, dict[str, dict[str, object]]]:
    """Definition -> property -> {"enum": [...], "description": "<field doc + Possible enum values>"}."""
    base = schema.bundled_definitions()
    out: dict[str, dict[str, dict[str, object]]] = {}
    for def_name, props in sorted(FIELDS.items()):
        definition = base.get(def_name)
        if definition is None:
            raise SystemExit(f"unknown definition {def_name}")
        for prop, type_name in sorted(props.items()):
            node = (definition.get("properties") or {}).get(prop)
            if node is None:
                raise SystemExit(f"unknown property {def_name}.{prop}")
            values = enum_values(type_name)
            lines = ["Possible enum values:"] + [value_line(*v) for v in values]
            prefix = node.get("description") or ""
            suffix = "\n".join(lines)
            description = f"{prefix}\n\n{suffix}" if prefix else suffix
            out.setdefault(def_name, {})[prop] = {"enum": [v[1] for v in values], "description": description}
    return out


def main() -> None:
    """Write the overlay file."""
    data = overlay()
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"{OUTPUT.relative_to(ROOT)}: {sum(len(p) for p in data.values())} fields in {len(data)} definitions"
    )


if __name__ == "__main__":
    main()
