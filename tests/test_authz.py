"""User-scoped API calls: authorizers decide, and denials carry the real RBAC Forbidden text."""

from k8stutor.engine.api.authz import Attributes
from k8stutor.engine.cluster import Cluster
from k8stutor.kubectl.main import Kubectl


def only_admins(a: Attributes) -> tuple[str, str]:
    return ("allow", "") if "kubeadm:cluster-admins" in a.user.groups else ("", "")


def test_impersonated_user_is_forbidden_with_the_real_message():
    c = Cluster()
    c.api.authorizers.append(only_admins)
    k = Kubectl(c)
    assert k.run(["get", "pods"]).exit_code == 0
    r = k.run(["get", "pods", "--as=jane"])
    assert r.stderr == ('Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource "pods" in '
                        'API group "" in the namespace "default"\n')
    r = k.run(["get", "deploy", "coredns", "-n", "kube-system", "--as=jane"])
    assert r.stderr == ('Error from server (Forbidden): deployments.apps "coredns" is forbidden: User "jane" cannot get '
                        'resource "deployments" in API group "apps" in the namespace "kube-system"\n')
    r = k.run(["get", "nodes", "--as=jane"])
    assert 'cannot list resource "nodes" in API group "" at the cluster scope' in r.stderr


def test_controllers_are_not_subject_to_user_authorization():
    c = Cluster()
    c.api.authorizers.append(lambda a: ("deny", ""))
    c.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}})
    c.settle()
    assert c.api.peek("serviceaccounts", "default", "x") is not None
