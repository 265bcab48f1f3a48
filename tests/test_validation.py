"""Field errors, strict decoding and semantic validation, checked against the real v1.32 messages."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from k8stutor.engine.api import field_errors as fe
from k8stutor.engine.api.defaulting import apply_defaults
from k8stutor.engine.api.validation import schema_error, validate
from k8stutor.engine.quantity import QUANTITY_FORMAT_ERROR, parse_quantity

SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)


def _pod(**spec: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"containers": [{"name": "web", "image": "nginx:1.27"}]}
    base.update(spec)
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": base,
    }


def _deploy(selector: Any = None, labels: Any = None) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "template": {
            "metadata": {"labels": labels or {"app": "x"}},
            "spec": {"containers": [{"name": "n", "image": "nginx"}]},
        }
    }
    if selector is not None:
        spec["selector"] = selector
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "x", "namespace": "default"},
        "spec": spec,
    }


def _messages(obj: dict[str, Any], old: dict[str, Any] | None = None) -> list[str]:
    return [str(e) for e in validate(apply_defaults(obj), old)]


# --- field.Error formatting ----------------------------------------------------------------------------------


def test_field_error_strings_match_go() -> None:
    assert str(fe.required("spec.containers[0].image")) == "spec.containers[0].image: Required value"
    assert (
        str(fe.invalid("metadata.name", "Web_1", SUBDOMAIN_MSG))
        == f'metadata.name: Invalid value: "Web_1": {SUBDOMAIN_MSG}'
    )
    assert (
        str(fe.not_supported("spec.restartPolicy", "Sometimes", ["Always", "OnFailure", "Never"]))
        == 'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'
    )
    assert str(fe.invalid("spec.ports[0].port", 0, "x")) == "spec.ports[0].port: Invalid value: 0: x"
    assert (
        str(fe.duplicate("spec.containers[1].name", "web"))
        == 'spec.containers[1].name: Duplicate value: "web"'
    )
    assert str(fe.forbidden("spec", "no")) == "spec: Forbidden: no"
    assert (
        str(fe.too_long("metadata.annotations", 262144))
        == "metadata.annotations: Too long: may not be more than 262144 bytes"
    )
    assert (
        str(fe.invalid("x", {"app": "x", "a": "b"}, "d"))
        == 'x: Invalid value: map[string]string{"a":"b", "app":"x"}: d'
    )
    assert str(fe.invalid("x", ["10.0.0.1"], "d")) == 'x: Invalid value: []string{"10.0.0.1"}: d'
    assert fe.go_quote('a"b\\c\n\x01é') == '"a\\"b\\\\c\\n\\x01é"'


def test_invalid_status_single_and_aggregate() -> None:
    one = fe.invalid_error("", "Pod", "x", [fe.required("spec.containers[0].image")])
    assert one.code == 422 and one.reason == "Invalid"
    assert one.message == 'Pod "x" is invalid: spec.containers[0].image: Required value'
    assert one.status["details"] == {
        "name": "x",
        "kind": "Pod",
        "causes": [
            {"reason": "FieldValueRequired", "message": "Required value", "field": "spec.containers[0].image"}
        ],
    }
    two = fe.invalid_error("apps", "Deployment", "x", [fe.required("a"), fe.required("b"), fe.required("a")])
    assert two.message == 'Deployment.apps "x" is invalid: [a: Required value, b: Required value]'
    assert two.status["details"]["group"] == "apps"
    # kubectl's rendering (cmdutil.CheckErr): one line for one cause, a bullet list for several.
    assert (
        fe.kubectl_invalid_message(one.status)
        == 'The Pod "x" is invalid: spec.containers[0].image: Required value'
    )
    assert fe.kubectl_invalid_message(two.status) == (
        'The Deployment "x" is invalid: \n* a: Required value\n* b: Required value'
    )


# --- strict decoding -----------------------------------------------------------------------------------------


def test_unknown_field_is_strict_decoding_error() -> None:
    pod = _pod(containers=[{"name": "c", "imagee": "nginx"}])
    err = schema_error(pod, "", "v1", "Pod")
    assert err is not None and err.code == 400 and err.reason == "BadRequest"
    assert err.message == (
        'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagee"'
    )


def test_several_unknown_fields_are_listed_in_sorted_key_order() -> None:
    pod = _pod(zeta=1)
    pod["metadata"]["labelz"] = {}
    pod["foo"] = 1
    err = schema_error(pod, "", "v1", "Pod")
    assert err is not None
    assert err.message.endswith(
        'strict decoding error: unknown field "foo", unknown field "metadata.labelz", unknown field "spec.zeta"'
    )


def test_wrong_types_report_go_unmarshal_errors() -> None:
    d = _deploy(selector={"matchLabels": {"app": "x"}})
    d["spec"]["replicas"] = "3"
    err = schema_error(d, "apps", "v1", "Deployment")
    assert err is not None
    assert err.message == (
        'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct '
        "field DeploymentSpec.spec.replicas of type int32"
    )
    # The classic: an unquoted number as an env value (seen in real Helm/kubectl failures).
    d["spec"]["replicas"] = 3
    d["spec"]["template"]["spec"]["containers"][0]["env"] = [{"name": "PORT", "value": 8080}]
    err = schema_error(d, "apps", "v1", "Deployment")
    assert err is not None and err.message.endswith(
        "json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string"
    )
    pod = _pod()
    pod["metadata"]["labels"] = {"tier": 1}
    err = schema_error(pod, "", "v1", "Pod")
    assert err is not None and err.message.endswith(
        "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"
    )
    pod = _pod(containers="nginx")
    err = schema_error(pod, "", "v1", "Pod")
    assert err is not None and err.message.endswith(
        "json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container"
    )


def test_type_error_wins_over_unknown_fields() -> None:
    pod = _pod(terminationGracePeriodSeconds=1.5, bogus=True)
    err = schema_error(pod, "", "v1", "Pod")
    assert err is not None and err.message.endswith(
        "json: cannot unmarshal number 1.5 into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64"
    )


def test_int_or_string_quantities_status_and_nulls_decode() -> None:
    pod = _pod(
        containers=[
            {
                "name": "c",
                "image": "nginx",
                "resources": {"limits": {"cpu": 1, "memory": "128Mi"}, "requests": {"cpu": 0.5}},
                "readinessProbe": {"httpGet": {"port": "http"}},
                "livenessProbe": {"tcpSocket": {"port": 8080}},
            }
        ],
        nodeSelector=None,
    )
    pod["status"] = {"phase": "Running"}
    pod["metadata"]["creationTimestamp"] = None
    assert schema_error(pod, "", "v1", "Pod") is None
    pod["spec"]["containers"][0]["resources"]["limits"]["memory"] = "lots"
    err = schema_error(pod, "", "v1", "Pod")
    assert (
        err is not None
        and err.message == f'Pod in version "v1" cannot be handled as a Pod: {QUANTITY_FORMAT_ERROR}'
    )


def test_secret_data_must_be_base64() -> None:
    secret: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s"},
        "data": {"password": "s3cr3t!"},
    }
    err = schema_error(secret, "", "v1", "Secret")
    assert err is not None and err.message.endswith("illegal base64 data at input byte 6")
    secret["data"]["password"] = "czNjcjN0"
    assert schema_error(secret, "", "v1", "Secret") is None




# --- quantities ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,canonical",
    [
        ("1", "1"),
        ("1000m", "1"),
        ("0.5", "500m"),
        ("1.5", "1500m"),
        ("2000", "2k"),
        ("1024Mi", "1Gi"),
        ("1536Mi", "1536Mi"),
        ("128Mi", "128Mi"),
        ("0.5Ki", "512"),
        ("1e3", "1e3"),
        ("100M", "100M"),
        (2, "2"),
    ],
)
def test_quantity_canonical_form(text: Any, canonical: str) -> None:
    assert str(parse_quantity(text)) == canonical


# --- semantic validation -------------------------------------------------------------------------------------


def test_valid_pod_passes() -> None:
    assert _messages(_pod()) == []


def test_pod_errors_in_go_order() -> None:
    pod = _pod(
        containers=[{"name": "Web", "ports": [{"containerPort": 70000, "name": "http_port"}]}],
        restartPolicy="Sometimes",
    )
    pod["metadata"]["name"] = "Web_1"
    assert _messages(pod) == [
        f'metadata.name: Invalid value: "Web_1": {SUBDOMAIN_MSG}',
        'spec.containers[0].name: Invalid value: "Web": a lowercase RFC 1123 label must consist of lower case '
        "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  "
        "or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        "spec.containers[0].image: Required value",
        'spec.containers[0].ports[0].name: Invalid value: "http_port": must contain only alpha-numeric characters '
        "(a-z, 0-9), and hyphens (-)",
        "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
        'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ]


def test_container_names_unique_across_init_containers() -> None:
    pod = _pod(initContainers=[{"name": "web", "image": "busybox"}])
    assert _messages(pod) == ['spec.initContainers[0].name: Duplicate value: "web"']


def test_labels_and_namespace_rules() -> None:
    pod = _pod()
    pod["metadata"]["labels"] = {"app": "my app"}
    assert _messages(pod) == [
        'metadata.labels: Invalid value: "my app": a valid label must be an empty string or consist of alphanumeric '
        "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
        "'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    ]
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev.team"}}
    assert _messages(ns) == [
        'metadata.name: Invalid value: "dev.team": a lowercase RFC 1123 label must consist of lower case alphanumeric '
        "characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
        "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    ]


def test_service_names_are_dns1035_labels() -> None:
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "1web", "namespace": "default"},
        "spec": {"ports": [{"port": 80}]},
    }
    assert _messages(svc) == [
        'metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters '
        "or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
        "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
    ]


def test_service_ports_and_node_port_range() -> None:
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 80}, {"name": "b", "port": 0}]},
    }
    assert _messages(svc) == [
        "spec.ports[0].name: Required value",
        "spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive",
        "spec.ports[1].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
        "spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid "
        "ports is 30000-32767",
    ]


def test_deployment_without_selector() -> None:
    # Real output: both the Required selector and the (unmatched) template labels.
    assert _messages(_deploy()) == [
        "spec.selector: Required value",
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match '
        "template `labels`",
    ]


def test_deployment_selector_mismatch_and_empty_selector() -> None:
    assert _messages(_deploy(selector={"matchLabels": {"app": "y"}})) == [
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: `selector` does not match '
        "template `labels`"
    ]
    assert _messages(_deploy(selector={})) == [
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"
    ]


def test_deployment_selector_is_immutable() -> None:
    old = apply_defaults(_deploy(selector={"matchLabels": {"app": "x"}}))
    new = _deploy(selector={"matchLabels": {"app": "nginx2"}}, labels={"app": "nginx2"})
    assert _messages(new, old) == [
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"nginx2"}, '
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"
    ]


def test_replicas_and_template_restart_policy() -> None:
    d = _deploy(selector={"matchLabels": {"app": "x"}})
    d["spec"]["replicas"] = -1
    d["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    assert _messages(d) == [
        "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
        'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]


def test_job_restart_policy() -> None:
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "pi", "namespace": "default"},
        "spec": {"template": {"spec": {"containers": [{"name": "pi", "image": "perl"}]}}},
    }
    assert _messages(job) == [
        'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"'
    ]


def test_requests_must_not_exceed_limits() -> None:
    pod = _pod(
        containers=[
            {
                "name": "c",
                "image": "nginx",
                "resources": {"requests": {"cpu": "2"}, "limits": {"cpu": "1000m"}},
            }
        ]
    )
    assert _messages(pod) == [
        'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1'
    ]


def test_pod_update_may_change_image_only() -> None:
    old = apply_defaults(_pod())
    new = copy.deepcopy(old)
    new["spec"]["containers"][0]["image"] = "nginx:1.28"
    assert validate(new, old) == []
    new["spec"]["containers"][0]["ports"] = [{"containerPort": 80, "protocol": "TCP"}]
    errs = validate(new, old)
    assert len(errs) == 1
    assert str(errs[0]).startswith(
        "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
        "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing "
        "tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n"
    )


def test_metadata_name_immutable_on_update() -> None:
    old = apply_defaults(_pod())
    new = copy.deepcopy(old)
    new["metadata"]["name"] = "other"
    assert [str(e) for e in validate(new, old)][
        0
    ] == 'metadata.name: Invalid value: "other": field is immutable'


def test_config_map_keys() -> None:
    cm = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "namespace": "default"},
        "data": {"bad key": "x"},
    }
    assert _messages(cm) == [
        'data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, '
        "'-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
        "'[-._a-zA-Z0-9]+')"
    ]
