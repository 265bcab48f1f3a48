"""Events are real core/v1 Event objects, aggregated like client-go's correlator, listed by kubectl."""

from k8stutor.engine.cluster import Cluster
from k8stutor.engine.events import EventRecorder
from k8stutor.kubectl.main import Kubectl


def test_repeated_events_are_aggregated_with_a_count():
    c = Cluster()
    pod = c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
                        "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}})
    rec = EventRecorder(c.api, "kubelet", "k8s-node01")
    first = rec.event(pod, "Warning", "BackOff", "Back-off restarting failed container nginx in pod "
                                                 "web_default(uid)", field_path="spec.containers{nginx}")
    c.advance(30)
    second = rec.event(pod, "Warning", "BackOff", "Back-off restarting failed container nginx in pod "
                                                  "web_default(uid)", field_path="spec.containers{nginx}")
    assert second["metadata"]["name"] == first["metadata"]["name"]
    assert second["count"] == 2 and second["firstTimestamp"] != second["lastTimestamp"]
    ev = [e for e in c.api.list_objects("events", "default") if e["reason"] == "BackOff"]
    assert len(ev) == 1
    assert ev[0]["involvedObject"]["kind"] == "Pod" and ev[0]["involvedObject"]["uid"] == pod["metadata"]["uid"]
    assert ev[0]["source"] == {"component": "kubelet", "host": "k8s-node01"}
    assert ev[0]["metadata"]["name"].startswith("web.")


def test_kubectl_get_events_columns():
    c = Cluster()
    pod = c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
                        "spec": {"containers": [{"name": "nginx", "image": "nginx"}],
                                 "schedulingGates": [{"name": "hold"}]}})
    EventRecorder(c.api, "default-scheduler").event(pod, "Normal", "Scheduled",
                                                      "Successfully assigned default/web to k8s-node01")
    c.advance(5)
    out = Kubectl(c).run(["get", "events", "--field-selector", "reason=Scheduled"]).stdout.splitlines()
    assert out[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert out[1].split(None, 4) == ["5s", "Normal", "Scheduled", "pod/web",
                                     "Successfully assigned default/web to k8s-node01"]
