"""The namespace controller (deletes a terminating namespace's content, then the namespace), plus the
ServiceAccount and root-CA publishers that give every namespace its ``default`` ServiceAccount and
``kube-root-ca.crt`` ConfigMap."""

from __future__ import annotations

from ..errors import StatusError
from ..store import clone
from .base import Controller, Key

ROOT_CA_PEM = (
    "-----BEGIN CERTIFICATE-----\n"
    "MIIDBTCCAe2gAwIBAgIIK8stutorMA0GCSqGSIb3DQEBCwUAMBUxEzARBgNVBAMT\n"
    "Cmt1YmVybmV0ZXMwHhcNMjYxMTI5MDkwMDAwWhcNMzYxMTI3MDkwMDAwWjAVMRMw\n"
    "EQYDVQQDEwprdWJlcm5ldGVzMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKC\n"
    "AQEAzK8sSimulatedClusterCertificateAuthorityForK8stutorOnlyAAAAAA\n"
    "-----END CERTIFICATE-----\n"
)


class NamespaceController(Controller):
    """Empties a namespace marked for deletion, then removes its ``kubernetes`` finalizer and the namespace."""

    name = "namespace-controller"
    watches = ("namespaces",)

    def reconcile(self, key: Key) -> None:
        _, _, name = key
        ns = self.cluster.store.get("namespaces", "", name)
        if ns is None or not ns["metadata"].get("deletionTimestamp"):
            return
        remaining = 0
        for rt in self.cluster.registry.in_discovery_order():
            if not rt.namespaced or "delete" not in rt.verbs or "list" not in rt.verbs:
                continue
            for obj in self.cluster.store.list(rt.group_resource, name):
                remaining += 1
                if obj["metadata"].get("deletionTimestamp"):
                    continue
                try:
                    self.api.delete(rt, obj["metadata"]["name"], name, propagation_policy="Background")
                except StatusError:
                    pass
        left = sum(len(self.cluster.store.list(rt.group_resource, name))
                   for rt in self.cluster.registry if rt.namespaced)
        if left:
            self.requeue_after(key, 1.0)
            return
        final = clone(ns)
        final["spec"] = {"finalizers": []}
        self.cluster.store.delete("namespaces", "", name)


class ServiceAccountsController(Controller):
    """Makes sure every active namespace has a ``default`` ServiceAccount (kube-controller-manager's job)."""

    name = "serviceaccount-controller"
    watches = ("namespaces", "serviceaccounts")

    def on_event(self, ev):  # type: ignore[no-untyped-def]
        meta = ev.object["metadata"]
        ns = meta["name"] if ev.resource == "namespaces" else meta.get("namespace", "")
        self.queue.add(("namespaces", "", ns))

    def reconcile(self, key: Key) -> None:
        ns = self.cluster.store.get("namespaces", "", key[2])
        if ns is None or ns["metadata"].get("deletionTimestamp"):
            return
        if self.cluster.store.get("serviceaccounts", key[2], "default") is None:
            try:
                self.api.create({"apiVersion": "v1", "kind": "ServiceAccount",
                                 "metadata": {"name": "default", "namespace": key[2]}})
            except StatusError:
                pass


class RootCACertPublisher(Controller):
    """Publishes ``kube-root-ca.crt`` into every namespace."""

    name = "root-ca-cert-publisher"
    watches = ("namespaces", "configmaps")

    def on_event(self, ev):  # type: ignore[no-untyped-def]
        meta = ev.object["metadata"]
        if ev.resource == "configmaps" and meta["name"] != "kube-root-ca.crt":
            return
        ns = meta["name"] if ev.resource == "namespaces" else meta.get("namespace", "")
        self.queue.add(("namespaces", "", ns))

    def reconcile(self, key: Key) -> None:
        ns = self.cluster.store.get("namespaces", "", key[2])
        if ns is None or ns["metadata"].get("deletionTimestamp"):
            return
        if self.cluster.store.get("configmaps", key[2], "kube-root-ca.crt") is None:
            try:
                self.api.create({
                    "apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": "kube-root-ca.crt", "namespace": key[2],
                                 "annotations": {"kubernetes.io/description": (
                                     "Contains a CA bundle that can be used to verify the kube-apiserver when "
                                     "using internal endpoints such as the internal service IP or "
                                     "kubernetes.default.svc. No other usage is guaranteed across distributions "
                                     "of Kubernetes clusters.")}},
                    "data": {"ca.crt": ROOT_CA_PEM},
                })
            except StatusError:
                pass
