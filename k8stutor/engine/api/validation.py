"""API-server validation: strict decoding against the OpenAPI schema, then the semantic rules of the real validators.

``schema_error`` reproduces what a v1.32 server answers to ``fieldValidation=Strict`` writes (400 BadRequest:
``Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"`` or the
``json: cannot unmarshal ...`` type errors of Go's decoder). ``validate`` follows
``pkg/apis/core/validation``, ``apps/validation`` and ``batch/validation`` for the rules learners meet, returning
field errors in the order the Go validators append them.
"""

from __future__ import annotations

import base64
import binascii
import copy
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from k8stutor.engine import schema
from k8stutor.engine.errors import StatusError
from k8stutor.engine.quantity import QUANTITY_FORMAT_ERROR, Quantity, QuantityError, parse_quantity

from .field_errors import (
    FieldError,
    GoValue,
    duplicate,
    forbidden,
    go_map_repr,
    go_quote,
    go_string_slice_repr,
    invalid,
    not_found,
    not_supported,
    required,
    too_long,
)


def _dict(value: Any) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one (bad shapes are the decoder's business)."""
    return value if isinstance(value, dict) else {}


# ---------------------------------------------------------------------------------------------------------------
# Quantities (apimachinery resource.Quantity, decoded from JSON as ``UnmarshalJSON`` does: trimmed)


def parse_json_quantity(value: Any) -> Quantity:
    """``Quantity.UnmarshalJSON``: surrounding spaces are trimmed, then ``resource.ParseQuantity``."""
    return parse_quantity(value.strip() if isinstance(value, str) else value)


# ---------------------------------------------------------------------------------------------------------------
# Strict decoding against the schema

_INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_PASSTHROUGH = {
    "io.k8s.apimachinery.pkg.runtime.RawExtension",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray",
}
_TIME_DEFS = {"io.k8s.apimachinery.pkg.apis.meta.v1.Time", "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime"}


@dataclass(frozen=True)
class _Node:
    """A compiled schema node: what Go type decodes it and how to check a JSON value against it."""

    kind: str  # struct, array, map, string, bytes, int, float, bool, quantity, intorstr, time, any
    go_type: str
    ref: str = ""  # struct definition name
    elem: _Node | None = None


def _go_type_name(def_name: str) -> str:
    parts = def_name.split(".")
    return f"{parts[-2]}.{parts[-1]}"


def _compile(node: dict[str, Any]) -> _Node:
    name, resolved = schema.resolve_ref(node)
    if name is not None:
        if name == "io.k8s.apimachinery.pkg.api.resource.Quantity":
            return _Node("quantity", "resource.Quantity")
        if name == "io.k8s.apimachinery.pkg.util.intstr.IntOrString":
            return _Node("intorstr", "intstr.IntOrString")
        if name in _TIME_DEFS:
            return _Node("time", _go_type_name(name))
        if name in _PASSTHROUGH or "properties" not in resolved and "type" not in resolved:
            return _Node("any", _go_type_name(name))
        t = _json_type(resolved)
        if t == "object" and "properties" in resolved:
            return _Node("struct", _go_type_name(name), ref=name)
        node = resolved
    t = _json_type(node)
    if t == "array":
        elem = _compile(node.get("items") or {})
        return _Node("array", "[]" + elem.go_type, elem=elem)
    if t == "object":
        ap = node.get("additionalProperties")
        if isinstance(ap, dict):
            elem = _compile(ap)
            return _Node("map", "map[string]" + elem.go_type, elem=elem)
        if node.get("x-kubernetes-preserve-unknown-fields") or "properties" not in node:
            return _Node("any", "interface {}")
        return _Node("any", "interface {}")
    if t == "string":
        if node.get("format") == "byte":
            return _Node("bytes", "[]uint8")
        return _Node("string", "string")
    if t == "integer":
        fmt = node.get("format") or "int64"
        return _Node("int", fmt if fmt in _INT_RANGES else "int64")
    if t == "number":
        return _Node("float", "float64")
    if t == "boolean":
        return _Node("bool", "bool")
    return _Node("any", "interface {}")


def _json_type(node: dict[str, Any]) -> str:
    t = node.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), None)
    return t if isinstance(t, str) else ""


@cache
def _struct_fields(def_name: str) -> dict[str, _Node]:
    """The compiled property table of one definition (cached: one compile per definition per process)."""
    props = schema.definition(def_name).get("properties") or {}
    return {key: _compile(prop) for key, prop in props.items()}


def _value_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


class _Decoder:
    """Walks a JSON value like sigs.k8s.io/json's strict decoder: first type error wins, unknown fields collected."""

    def __init__(self) -> None:
        self.type_error: str | None = None
        self.unknown: list[str] = []

    def type_mismatch(
        self, value: Any, struct: str, go_path: str, go_type: str, show_number: bool = False
    ) -> None:
        if self.type_error is not None:
            return
        kind = _value_kind(value)
        if show_number and kind == "number":
            kind = f"number {_number_text(value)}"
        if struct:
            self.type_error = (
                f"json: cannot unmarshal {kind} into Go struct field {struct}.{go_path} of type {go_type}"
            )
        else:
            self.type_error = f"json: cannot unmarshal {kind} into Go value of type {go_type}"

    def custom_error(self, message: str) -> None:
        if self.type_error is None:
            self.type_error = message

    def decode(self, value: Any, node: _Node, struct: str, go_path: str, path: str) -> None:
        if value is None:
            return
        k = node.kind
        if k == "any":
            return
        if k == "struct":
            if not isinstance(value, dict):
                self.type_mismatch(value, struct, go_path, node.go_type)
                return
            self.decode_struct(value, node.ref, path, go_path)
        elif k == "array":
            if not isinstance(value, list):
                self.type_mismatch(value, struct, go_path, node.go_type)
                return
            assert node.elem is not None
            for i, item in enumerate(value):
                self.decode(item, node.elem, struct, go_path, f"{path}[{i}]")
        elif k == "map":
            if not isinstance(value, dict):
                self.type_mismatch(value, struct, go_path, node.go_type)
                return
            assert node.elem is not None
            for key in sorted(value):
                self.decode(value[key], node.elem, struct, go_path, f"{path}[{key}]")
        elif k == "string":
            if not isinstance(value, str):
                self.type_mismatch(value, struct, go_path, "string")
        elif k == "bytes":
            if not isinstance(value, str):
                self.type_mismatch(value, struct, go_path, "[]uint8")
            else:
                err = _base64_error(value)
                if err:
                    self.custom_error(err)
        elif k == "int":
            lo, hi = _INT_RANGES[node.go_type]
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if ok and (isinstance(value, float) and not value.is_integer() or not lo <= value <= hi):
                self.type_mismatch(value, struct, go_path, node.go_type, show_number=True)
            elif not ok:
                self.type_mismatch(value, struct, go_path, node.go_type)
        elif k == "float":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.type_mismatch(value, struct, go_path, "float64")
        elif k == "bool":
            if not isinstance(value, bool):
                self.type_mismatch(value, struct, go_path, "bool")
        elif k == "quantity":
            if isinstance(value, (dict, list, bool)):
                self.custom_error(QUANTITY_FORMAT_ERROR)
                return
            try:
                parse_json_quantity(value)
            except QuantityError as exc:
                self.custom_error(str(exc))
        elif k == "intorstr":
            if isinstance(value, str):
                return
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.type_mismatch(value, "", "", "int32")
            elif isinstance(value, float) and not value.is_integer() or not -(2**31) <= value < 2**31:
                self.type_mismatch(value, "", "", "int32", show_number=True)
        elif k == "time":
            if not isinstance(value, str):
                self.type_mismatch(value, "", "", "string")

    def decode_struct(self, obj: dict[str, Any], def_name: str, path: str, go_path: str) -> None:
        fields = _struct_fields(def_name)
        struct = def_name.rsplit(".", 1)[-1]
        for key in sorted(obj):
            sub = f"{path}.{key}" if path else key
            node = fields.get(key)
            if node is None:
                self.unknown.append(f"unknown field {go_quote(sub)}")
                continue
            self.decode(obj[key], node, struct, f"{go_path}.{key}" if go_path else key, sub)


def _base64_error(s: str) -> str | None:
    data = s.replace("\r", "").replace("\n", "")
    alphabet = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    for i, ch in enumerate(data):
        if ch == "=":
            break
        if ch not in alphabet:
            return f"illegal base64 data at input byte {i}"
    try:
        base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        stripped = data.rstrip("=")
        return f"illegal base64 data at input byte {len(stripped) - len(stripped) % 4 if len(data) % 4 else len(data)}"
    return None


def check_schema(obj: dict[str, Any], group: str, version: str, kind: str) -> tuple[str | None, list[str]]:
    """Decode ``obj`` as the Go type of group/version/kind: (first type error or None, unknown-field errors)."""
    def_name = schema.definition_name_for(group, version, kind)
    if def_name is None or not isinstance(obj, dict):
        return None, []
    dec = _Decoder()
    dec.decode_struct(obj, def_name, "", "")
    return dec.type_error, dec.unknown


def schema_error(obj: dict[str, Any], group: str, version: str, kind: str) -> StatusError | None:
    """The 400 BadRequest a v1.32 server returns for a ``fieldValidation=Strict`` write, or None if it decodes."""
    type_error, unknown = check_schema(obj, group, version, kind)
    if type_error is None and not unknown:
        return None
    reason = type_error if type_error is not None else "strict decoding error: " + ", ".join(unknown)
    return StatusError(
        400, "BadRequest", f'{kind} in version "{version}" cannot be handled as a {kind}: {reason}'
    )


# ---------------------------------------------------------------------------------------------------------------
# Name, label and port syntax (apimachinery util/validation)

_DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN = _DNS1123_LABEL + r"(\." + _DNS1123_LABEL + ")*"
_DNS1035_LABEL = "[a-z]([-a-z0-9]*[a-z0-9])?"
_QUALIFIED_NAME = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_VALUE = "(" + _QUALIFIED_NAME + ")?"
_CONFIG_KEY = "[-._a-zA-Z0-9]+"
_RE = {
    k: re.compile("^" + v + "$")
    for k, v in {
        "label": _DNS1123_LABEL,
        "subdomain": _DNS1123_SUBDOMAIN,
        "dns1035": _DNS1035_LABEL,
        "qualified": _QUALIFIED_NAME,
        "value": _LABEL_VALUE,
        "configkey": _CONFIG_KEY,
    }.items()
}


def _regex_error(msg: str, fmt: str, *examples: str) -> str:
    if examples:
        ex = ",  or ".join(f"'{e}'" for e in examples)
        msg += f" (e.g. {ex}, regex used for validation is '{fmt}')"
    else:
        msg += f" (regex used for validation is '{fmt}')"
    return msg


DNS1123_LABEL_ERROR = _regex_error(
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
    "end with an alphanumeric character",
    _DNS1123_LABEL,
    "my-name",
    "123-abc",
)
DNS1123_SUBDOMAIN_ERROR = _regex_error(
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character",
    _DNS1123_SUBDOMAIN,
    "example.com",
)
DNS1035_LABEL_ERROR = _regex_error(
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
    "character, and end with an alphanumeric character",
    _DNS1035_LABEL,
    "my-name",
    "abc-123",
)
_QUALIFIED_NAME_ERROR = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
LABEL_VALUE_ERROR = _regex_error(
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
    "start and end with an alphanumeric character",
    _LABEL_VALUE,
    "MyValue",
    "my_value",
    "12345",
)
CONFIG_KEY_ERROR = _regex_error(
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
    _CONFIG_KEY,
    "key.name",
    "KEY_NAME",
    "key-name",
)
IS_NEGATIVE_ERROR = "must be greater than or equal to 0"
FIELD_IMMUTABLE = "field is immutable"


def max_len_error(n: int) -> str:
    """``validation.MaxLenError``."""
    return f"must be no more than {n} characters"


def inclusive_range_error(lo: int, hi: int) -> str:
    """``validation.InclusiveRangeError``."""
    return f"must be between {lo} and {hi}, inclusive"


def is_dns1123_label(value: str) -> list[str]:
    """``validation.IsDNS1123Label``."""
    errs = []
    if len(value) > 63:
        errs.append(max_len_error(63))
    if not _RE["label"].match(value):
        errs.append(DNS1123_LABEL_ERROR)
    return errs


def is_dns1123_subdomain(value: str) -> list[str]:
    """``validation.IsDNS1123Subdomain``."""
    errs = []
    if len(value) > 253:
        errs.append(max_len_error(253))
    if not _RE["subdomain"].match(value):
        errs.append(DNS1123_SUBDOMAIN_ERROR)
    return errs


def is_dns1035_label(value: str) -> list[str]:
    """``validation.IsDNS1035Label``."""
    errs = []
    if len(value) > 63:
        errs.append(max_len_error(63))
    if not _RE["dns1035"].match(value):
        errs.append(DNS1035_LABEL_ERROR)
    return errs


def is_qualified_name(value: str) -> list[str]:
    """``validation.IsQualifiedName`` (label and annotation keys)."""
    errs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs.extend("prefix part " + m for m in is_dns1123_subdomain(prefix))
    else:
        return [
            "a qualified name "
            + _regex_error(_QUALIFIED_NAME_ERROR, _QUALIFIED_NAME, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > 63:
        errs.append("name part " + max_len_error(63))
    if name and not _RE["qualified"].match(name):
        errs.append(
            "name part "
            + _regex_error(_QUALIFIED_NAME_ERROR, _QUALIFIED_NAME, "MyName", "my.name", "123-abc")
        )
    return errs


def is_valid_label_value(value: str) -> list[str]:
    """``validation.IsValidLabelValue``."""
    errs = []
    if len(value) > 63:
        errs.append(max_len_error(63))
    if not _RE["value"].match(value):
        errs.append(LABEL_VALUE_ERROR)
    return errs


def is_valid_port_num(port: Any) -> list[str]:
    """``validation.IsValidPortNum``."""
    if isinstance(port, int) and 1 <= port <= 65535:
        return []
    return [inclusive_range_error(1, 65535)]


def is_valid_port_name(port: str) -> list[str]:
    """``validation.IsValidPortName`` (IANA_SVC_NAME)."""
    errs = []
    if len(port) > 15:
        errs.append(max_len_error(15))
    if not re.match(r"^[-a-z0-9]+$", port):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search(r"[a-z]", port):
        errs.append("must contain at least one letter (a-z)")
    if "--" in port:
        errs.append("must not contain consecutive hyphens")
    if port and (port[0] == "-" or port[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def _name_is(fn: Any) -> Any:
    def check(name: str, prefix: bool) -> list[str]:
        if prefix:
            name = name[:-1] if name.endswith("-") else name
            name += "a" if not name or not name[-1].isalnum() else ""
        return fn(name)

    return check


_SUBDOMAIN_NAME = _name_is(is_dns1123_subdomain)
_LABEL_NAME = _name_is(is_dns1123_label)
_DNS1035_NAME = _name_is(is_dns1035_label)


def _path_segment_name(name: str, prefix: bool) -> list[str]:
    if not prefix and name in (".", ".."):
        return [f"may not be '{name}'"]
    for bad in ("/", "%"):
        if bad in name:
            return [f"may not contain '{bad}'"]
    return []


# Which name rule each kind uses (ValidateObjectMeta's nameFn) and whether it is namespaced.
_NAME_RULES: dict[str, Any] = {
    "Service": _DNS1035_NAME,
    "Namespace": _LABEL_NAME,
    "Role": _path_segment_name,
    "ClusterRole": _path_segment_name,
    "RoleBinding": _path_segment_name,
    "ClusterRoleBinding": _path_segment_name,
}
_CLUSTER_SCOPED = {
    "Namespace",
    "Node",
    "PersistentVolume",
    "ClusterRole",
    "ClusterRoleBinding",
    "StorageClass",
    "PriorityClass",
    "IngressClass",
    "CustomResourceDefinition",
    "RuntimeClass",
    "CSIDriver",
    "CSINode",
    "VolumeAttachment",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "APIService",
    "CertificateSigningRequest",
    "ComponentStatus",
    "FlowSchema",
    "PriorityLevelConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
}


def validate_labels(labels: Any, path: str) -> list[FieldError]:
    """``ValidateLabels``: keys are qualified names, values label values (errors carry the map's path)."""
    errs: list[FieldError] = []
    if not isinstance(labels, dict):
        return errs
    for key in sorted(labels):
        errs.extend(invalid(path, key, m) for m in is_qualified_name(key))
        value = labels[key]
        errs.extend(invalid(path, value, m) for m in is_valid_label_value(str(value)))
    return errs


def validate_annotations(annotations: Any, path: str) -> list[FieldError]:
    """``ValidateAnnotations``: keys are qualified names (lower-cased), total size at most 256 KiB."""
    errs: list[FieldError] = []
    if not isinstance(annotations, dict):
        return errs
    total = 0
    for key in sorted(annotations):
        errs.extend(invalid(path, key, m) for m in is_qualified_name(key.lower()))
        total += len(key) + len(str(annotations[key]))
    if total > 256 * 1024:
        errs.append(too_long(path, 256 * 1024))
    return errs


def validate_object_meta(obj: dict[str, Any], kind: str) -> list[FieldError]:
    """``ValidateObjectMeta`` with the kind's name rule."""
    meta = _dict(obj.get("metadata"))
    name_fn = _NAME_RULES.get(kind, _SUBDOMAIN_NAME)
    errs: list[FieldError] = []
    gen = meta.get("generateName") or ""
    if gen:
        errs.extend(invalid("metadata.generateName", gen, m) for m in name_fn(gen, True))
    name = meta.get("name") or ""
    if not name:
        errs.append(required("metadata.name", "name or generateName is required"))
    else:
        errs.extend(invalid("metadata.name", name, m) for m in name_fn(name, False))
        if kind == "CronJob" and len(name) > 52:
            errs.append(invalid("metadata.name", name, max_len_error(52)))
    namespace = meta.get("namespace") or ""
    if kind in _CLUSTER_SCOPED:
        if namespace:
            errs.append(forbidden("metadata.namespace", "not allowed on this type"))
    elif not namespace:
        errs.append(required("metadata.namespace"))
    else:
        errs.extend(invalid("metadata.namespace", namespace, m) for m in is_dns1123_label(namespace))
    gen_no = meta.get("generation")
    if isinstance(gen_no, int) and gen_no < 0:
        errs.append(invalid("metadata.generation", gen_no, IS_NEGATIVE_ERROR))
    errs.extend(validate_labels(meta.get("labels"), "metadata.labels"))
    errs.extend(validate_annotations(meta.get("annotations"), "metadata.annotations"))
    return errs


def validate_object_meta_update(new: dict[str, Any], old: dict[str, Any], kind: str) -> list[FieldError]:
    """``ValidateObjectMetaUpdate``: name, namespace, uid and creationTimestamp never change."""
    nm = new.get("metadata") or {}
    om = old.get("metadata") or {}
    errs: list[FieldError] = []
    for key in ("name", "namespace", "uid", "creationTimestamp"):
        if key in ("uid", "creationTimestamp") and not nm.get(key):
            continue
        if (nm.get(key) or "") != (om.get(key) or ""):
            errs.append(invalid(f"metadata.{key}", nm.get(key) or "", FIELD_IMMUTABLE))
    errs.extend(validate_labels(nm.get("labels"), "metadata.labels"))
    errs.extend(validate_annotations(nm.get("annotations"), "metadata.annotations"))
    return errs


# ---------------------------------------------------------------------------------------------------------------
# Label selectors


def _selector_matches(selector: dict[str, Any], labels: dict[str, Any]) -> bool:
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for expr in selector.get("matchExpressions") or ():
        if not isinstance(expr, dict):
            return False
        key, op, values = str(expr.get("key") or ""), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def go_label_selector(selector: dict[str, Any]) -> GoValue:
    """``%#v`` of a ``v1.LabelSelector`` (how immutable-selector errors print it)."""
    ml = selector.get("matchLabels")
    ml_s = go_map_repr(ml).rendered if ml else "map[string]string(nil)"
    exprs = selector.get("matchExpressions")
    if exprs:
        items = []
        for e in exprs:
            vals = e.get("values")
            vals_s = (
                "[]string{" + ", ".join(go_quote(str(v)) for v in vals) + "}" if vals else "[]string(nil)"
            )
            items.append(
                f"v1.LabelSelectorRequirement{{Key:{go_quote(str(e.get('key', '')))}, "
                f"Operator:{go_quote(str(e.get('operator', '')))}, Values:{vals_s}}}"
            )
        ex_s = "[]v1.LabelSelectorRequirement{" + ", ".join(items) + "}"
    else:
        ex_s = "[]v1.LabelSelectorRequirement(nil)"
    return GoValue(f"v1.LabelSelector{{MatchLabels:{ml_s}, MatchExpressions:{ex_s}}}")


def validate_label_selector(selector: Any, path: str) -> list[FieldError]:
    """``ValidateLabelSelector``: requirement operators/values and matchLabels syntax."""
    errs: list[FieldError] = []
    if not isinstance(selector, dict):
        return errs
    for i, expr in enumerate(selector.get("matchExpressions") or ()):
        p = f"{path}.matchExpressions[{i}]"
        if not isinstance(expr, dict):
            continue
        op = expr.get("operator")
        values = expr.get("values") or []
        if op in ("In", "NotIn"):
            if not values:
                errs.append(required(f"{p}.values", "must be specified when `operator` is 'In' or 'NotIn'"))
        elif op in ("Exists", "DoesNotExist"):
            if values:
                errs.append(
                    forbidden(
                        f"{p}.values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
                    )
                )
        else:
            errs.append(invalid(f"{p}.operator", op or "", "not a valid selector operator"))
        errs.extend(
            invalid(f"{p}.key", expr.get("key") or "", m)
            for m in is_qualified_name(str(expr.get("key") or ""))
        )
    errs.extend(validate_labels(selector.get("matchLabels"), f"{path}.matchLabels"))
    return errs


# ---------------------------------------------------------------------------------------------------------------
# Pod spec


_RESTART_POLICIES = ("Always", "OnFailure", "Never")
_DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
_PULL_POLICIES = ("Always", "IfNotPresent", "Never")
_PROTOCOLS = ("SCTP", "TCP", "UDP")
_TERMINATION_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")
_OVERCOMMIT_FORBIDDEN_PREFIX = ("hugepages-",)


def _validate_container_ports(ports: Any, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    names: set[str] = set()
    for i, port in enumerate(ports or ()):
        if not isinstance(port, dict):
            continue
        p = f"{path}[{i}]"
        name = port.get("name") or ""
        if name:
            msgs = is_valid_port_name(name)
            if msgs:
                errs.extend(invalid(f"{p}.name", name, m) for m in msgs)
            elif name in names:
                errs.append(duplicate(f"{p}.name", name))
            else:
                names.add(name)
        cp = port.get("containerPort") or 0
        if cp == 0:
            errs.append(required(f"{p}.containerPort"))
        else:
            errs.extend(invalid(f"{p}.containerPort", cp, m) for m in is_valid_port_num(cp))
        hp = port.get("hostPort") or 0
        if hp:
            errs.extend(invalid(f"{p}.hostPort", hp, m) for m in is_valid_port_num(hp))
        proto = port.get("protocol") or ""
        if not proto:
            errs.append(required(f"{p}.protocol"))
        elif proto not in _PROTOCOLS:
            errs.append(not_supported(f"{p}.protocol", proto, _PROTOCOLS))
    return errs


def _validate_env(env: Any, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for i, var in enumerate(env or ()):
        if not isinstance(var, dict):
            continue
        p = f"{path}[{i}]"
        name = var.get("name") or ""
        if not name:
            errs.append(required(f"{p}.name"))
        vf = var.get("valueFrom")
        if isinstance(vf, dict):
            if var.get("value"):
                errs.append(invalid(f"{p}.valueFrom", "", "may not be specified when `value` is not empty"))
            sources = [
                k for k in ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef") if vf.get(k)
            ]
            if not sources:
                errs.append(
                    invalid(
                        f"{p}.valueFrom",
                        "",
                        "must specify one of: `fieldRef`, `resourceFieldRef`, "
                        "`configMapKeyRef` or `secretKeyRef`",
                    )
                )
            elif len(sources) > 1:
                errs.append(
                    invalid(f"{p}.valueFrom", "", "may not have more than one field specified at a time")
                )
            for key in ("configMapKeyRef", "secretKeyRef"):
                ref = vf.get(key)
                if isinstance(ref, dict):
                    if not ref.get("key"):
                        errs.append(required(f"{p}.valueFrom.{key}.key"))
                    if not ref.get("name"):
                        errs.append(required(f"{p}.valueFrom.{key}.name"))
    return errs


def _validate_volume_mounts(mounts: Any, volumes: dict[str, dict[str, Any]], path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    seen_paths: set[str] = set()
    for i, m in enumerate(mounts or ()):
        if not isinstance(m, dict):
            continue
        p = f"{path}[{i}]"
        name = m.get("name") or ""
        if not name:
            errs.append(required(f"{p}.name"))
        elif name not in volumes:
            errs.append(not_found(f"{p}.name", name))
        mount_path = m.get("mountPath") or ""
        if not mount_path:
            errs.append(required(f"{p}.mountPath"))
        elif mount_path in seen_paths:
            errs.append(invalid(f"{p}.mountPath", mount_path, "must be unique"))
        else:
            seen_paths.add(mount_path)
    return errs


def _validate_resources(res: Any, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    if not isinstance(res, dict):
        return errs
    limits = _dict(res.get("limits"))
    requests = _dict(res.get("requests"))
    parsed_limits: dict[str, Quantity] = {}
    for name in sorted(limits):
        try:
            q = parse_json_quantity(limits[name])
        except QuantityError:
            continue
        parsed_limits[name] = q
        if q.amount < 0:
            errs.append(invalid(f"{path}.limits[{name}]", str(q), IS_NEGATIVE_ERROR))
    for name in sorted(requests):
        try:
            q = parse_json_quantity(requests[name])
        except QuantityError:
            continue
        if q.amount < 0:
            errs.append(invalid(f"{path}.requests[{name}]", str(q), IS_NEGATIVE_ERROR))
        lim = parsed_limits.get(name)
        if lim is None:
            continue
        if name.startswith(_OVERCOMMIT_FORBIDDEN_PREFIX) and q.amount != lim.amount:
            errs.append(invalid(f"{path}.requests", str(q), f"must be equal to {name} limit of {lim}"))
        elif q.amount > lim.amount:
            errs.append(
                invalid(f"{path}.requests", str(q), f"must be less than or equal to {name} limit of {lim}")
            )
    return errs


def _validate_probe(probe: Any, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    if not isinstance(probe, dict):
        return errs
    handlers = [k for k in ("exec", "httpGet", "tcpSocket", "grpc") if probe.get(k) is not None]
    if not handlers:
        errs.append(required(path, "must specify a handler type"))
    elif len(handlers) > 1:
        errs.append(forbidden(f"{path}.{handlers[1]}", "may not specify more than 1 handler type"))
    for key in (
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ):
        v = probe.get(key)
        if isinstance(v, int) and v < 0:
            errs.append(invalid(f"{path}.{key}", v, IS_NEGATIVE_ERROR))
    for key in ("httpGet", "tcpSocket"):
        action = probe.get(key)
        if isinstance(action, dict):
            errs.extend(_validate_port_num_or_name(action.get("port"), f"{path}.{key}.port"))
    return errs


def _validate_port_num_or_name(port: Any, path: str) -> list[FieldError]:
    if isinstance(port, str):
        return [invalid(path, port, m) for m in is_valid_port_name(port)]
    if isinstance(port, int) and not isinstance(port, bool):
        return [invalid(path, port, m) for m in is_valid_port_num(port)]
    return [invalid(path, 0, m) for m in is_valid_port_num(0)]


def _validate_container_common(
    c: dict[str, Any], volumes: dict[str, dict[str, Any]], path: str
) -> list[FieldError]:
    errs: list[FieldError] = []
    name = c.get("name") or ""
    if not name:
        errs.append(required(f"{path}.name"))
    else:
        errs.extend(invalid(f"{path}.name", name, m) for m in is_dns1123_label(name))
    if not c.get("image"):
        errs.append(required(f"{path}.image"))
    tmp = c.get("terminationMessagePolicy") or ""
    if not tmp:
        errs.append(required(f"{path}.terminationMessagePolicy"))
    elif tmp not in _TERMINATION_MESSAGE_POLICIES:
        errs.append(not_supported(f"{path}.terminationMessagePolicy", tmp, _TERMINATION_MESSAGE_POLICIES))
    errs.extend(_validate_container_ports(c.get("ports"), f"{path}.ports"))
    errs.extend(_validate_env(c.get("env"), f"{path}.env"))
    errs.extend(_validate_volume_mounts(c.get("volumeMounts"), volumes, f"{path}.volumeMounts"))
    pp = c.get("imagePullPolicy") or ""
    if not pp:
        errs.append(required(f"{path}.imagePullPolicy"))
    elif pp not in _PULL_POLICIES:
        errs.append(not_supported(f"{path}.imagePullPolicy", pp, _PULL_POLICIES))
    errs.extend(_validate_resources(c.get("resources"), f"{path}.resources"))
    return errs


def _validate_containers(
    containers: Any, volumes: dict[str, dict[str, Any]], path: str, names: set[str]
) -> list[FieldError]:
    errs: list[FieldError] = []
    if not containers:
        return [required(path)]
    for i, c in enumerate(containers):
        if not isinstance(c, dict):
            continue
        p = f"{path}[{i}]"
        errs.extend(_validate_container_common(c, volumes, p))
        name = c.get("name") or ""
        if name in names:
            errs.append(duplicate(f"{p}.name", name))
        else:
            names.add(name)
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            errs.extend(_validate_probe(c.get(probe), f"{p}.{probe}"))
        if c.get("restartPolicy") is not None:
            errs.append(forbidden(f"{p}.restartPolicy", "may not be set for non-init containers"))
    errs.extend(_host_port_conflicts(containers, path))
    return errs


def _validate_init_containers(
    init: Any, volumes: dict[str, dict[str, Any]], path: str, names: set[str]
) -> list[FieldError]:
    errs: list[FieldError] = []
    for i, c in enumerate(init or ()):
        if not isinstance(c, dict):
            continue
        p = f"{path}[{i}]"
        errs.extend(_validate_container_common(c, volumes, p))
        name = c.get("name") or ""
        if name in names:
            errs.append(duplicate(f"{p}.name", name))
        else:
            names.add(name)
        rp = c.get("restartPolicy")
        if rp is not None and rp != "Always":
            errs.append(not_supported(f"{p}.restartPolicy", rp, ["Always"]))
        if rp != "Always":
            for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
                if c.get(probe) is not None:
                    errs.append(
                        forbidden(
                            f"{p}.{probe}", "may not be set for init containers without restartPolicy=Always"
                        )
                    )
    return errs


def _host_port_conflicts(containers: list[Any], path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    seen: set[str] = set()
    for ci, c in enumerate(containers):
        if not isinstance(c, dict):
            continue
        for pi, port in enumerate(c.get("ports") or ()):
            if not isinstance(port, dict) or not port.get("hostPort"):
                continue
            key = f"{port.get('protocol', '')}/{port.get('hostIP', '')}:{port['hostPort']}"
            if key in seen:
                errs.append(duplicate(f"{path}[{ci}].ports[{pi}].hostPort", key))
            seen.add(key)
    return errs


def _validate_volumes(volumes: Any, path: str) -> tuple[dict[str, dict[str, Any]], list[FieldError]]:
    errs: list[FieldError] = []
    by_name: dict[str, dict[str, Any]] = {}
    for i, v in enumerate(volumes or ()):
        if not isinstance(v, dict):
            continue
        p = f"{path}[{i}]"
        name = v.get("name") or ""
        if not name:
            errs.append(required(f"{p}.name"))
        else:
            errs.extend(invalid(f"{p}.name", name, m) for m in is_dns1123_label(name))
            if name in by_name:
                errs.append(duplicate(f"{p}.name", name))
            else:
                by_name[name] = v
        sources = [k for k in v if k != "name" and v[k] is not None]
        if len(sources) > 1:
            errs.append(forbidden(f"{p}.{sources[1]}", "may not specify more than 1 volume type"))
        for key in ("configMap", "secret"):
            src = v.get(key)
            if isinstance(src, dict):
                if key == "configMap" and not src.get("name"):
                    errs.append(required(f"{p}.configMap.name"))
                if key == "secret" and not src.get("secretName"):
                    errs.append(required(f"{p}.secret.secretName"))
        pvc = v.get("persistentVolumeClaim")
        if isinstance(pvc, dict) and not pvc.get("claimName"):
            errs.append(required(f"{p}.persistentVolumeClaim.claimName"))
    return by_name, errs


def validate_pod_spec(spec: Any, path: str) -> list[FieldError]:
    """``ValidatePodSpec`` for the rules learners meet, in Go's order."""
    if not isinstance(spec, dict):
        return [required(path)]
    volumes, errs = _validate_volumes(spec.get("volumes"), f"{path}.volumes")
    names: set[str] = set()
    errs.extend(_validate_containers(spec.get("containers"), volumes, f"{path}.containers", names))
    errs.extend(
        _validate_init_containers(spec.get("initContainers"), volumes, f"{path}.initContainers", names)
    )
    rp = spec.get("restartPolicy") or ""
    if not rp:
        errs.append(required(f"{path}.restartPolicy"))
    elif rp not in _RESTART_POLICIES:
        errs.append(not_supported(f"{path}.restartPolicy", rp, _RESTART_POLICIES))
    dp = spec.get("dnsPolicy") or ""
    if not dp:
        errs.append(required(f"{path}.dnsPolicy"))
    elif dp not in _DNS_POLICIES:
        errs.append(not_supported(f"{path}.dnsPolicy", dp, _DNS_POLICIES))
    errs.extend(validate_labels(spec.get("nodeSelector"), f"{path}.nodeSelector"))
    sa = spec.get("serviceAccountName") or ""
    if sa:
        errs.extend(invalid(f"{path}.serviceAccountName", sa, m) for m in _SUBDOMAIN_NAME(sa, False))
    node_name = spec.get("nodeName") or ""
    if node_name:
        errs.extend(invalid(f"{path}.nodeName", node_name, m) for m in _SUBDOMAIN_NAME(node_name, False))
    ads = spec.get("activeDeadlineSeconds")
    if isinstance(ads, int) and not 1 <= ads <= 2**31 - 1:
        errs.append(invalid(f"{path}.activeDeadlineSeconds", ads, inclusive_range_error(1, 2**31 - 1)))
    for key, fn in (("hostname", is_dns1123_label), ("subdomain", is_dns1123_label)):
        value = spec.get(key) or ""
        if value:
            errs.extend(invalid(f"{path}.{key}", value, m) for m in fn(value))
    for i, t in enumerate(spec.get("tolerations") or ()):
        errs.extend(_validate_toleration(t, f"{path}.tolerations[{i}]"))
    return errs


def _validate_toleration(t: Any, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    if not isinstance(t, dict):
        return errs
    key = t.get("key") or ""
    op = t.get("operator") or ""
    if key:
        errs.extend(invalid(f"{path}.key", key, m) for m in is_qualified_name(key))
    if not key and op != "Exists":
        errs.append(
            invalid(
                f"{path}.operator",
                op,
                'operator must be Exists when `key` is empty, which means "match all values and all keys"',
            )
        )
    if t.get("tolerationSeconds") is not None and t.get("effect") != "NoExecute":
        errs.append(
            invalid(
                f"{path}.effect",
                t.get("effect") or "",
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            )
        )
    if op in ("", "Equal"):
        errs.extend(
            invalid(f"{path}.operator", t.get("value") or "", m)
            for m in is_valid_label_value(str(t.get("value") or ""))
        )
    elif op == "Exists":
        if t.get("value"):
            errs.append(
                invalid(f"{path}.operator", t.get("value"), "value must be empty when `operator` is 'Exists'")
            )
    else:
        errs.append(not_supported(f"{path}.operator", op, ["Equal", "Exists"]))
    effect = t.get("effect") or ""
    if effect and effect not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
        errs.append(not_supported(f"{path}.effect", effect, ["NoSchedule", "PreferNoSchedule", "NoExecute"]))
    return errs


def validate_pod_template(template: Any, path: str) -> list[FieldError]:
    """``ValidatePodTemplateSpec``: template labels/annotations, then the pod spec."""
    if not isinstance(template, dict):
        return [required(path)]
    meta = _dict(template.get("metadata"))
    errs = validate_labels(meta.get("labels"), f"{path}.labels")
    errs.extend(validate_annotations(meta.get("annotations"), f"{path}.annotations"))
    errs.extend(validate_pod_spec(template.get("spec"), f"{path}.spec"))
    return errs


# ---------------------------------------------------------------------------------------------------------------
# Pod updates


POD_UPDATABLE_FIELDS = (
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
)


def _munged_pod_spec(new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """The new spec with the fields a pod update may change copied from the old spec."""
    munged = copy.deepcopy(new)
    for key in ("containers", "initContainers"):
        new_cs, old_cs = munged.get(key) or [], old.get(key) or []
        if len(new_cs) == len(old_cs):
            for nc, oc in zip(new_cs, old_cs, strict=True):
                if isinstance(nc, dict) and isinstance(oc, dict):
                    if "image" in oc:
                        nc["image"] = oc["image"]
                    else:
                        nc.pop("image", None)
    for key in ("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds"):
        if key in old:
            munged[key] = old[key]
        else:
            munged.pop(key, None)
    return munged


def _spec_diff(old: dict[str, Any], new: dict[str, Any]) -> str:
    lines = ["  core.PodSpec{"]
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            field = key[:1].upper() + key[1:]
            lines.append(f"- \t{field}: {old.get(key)!r},")
            lines.append(f"+ \t{field}: {new.get(key)!r},")
    lines.append("  }")
    return "\n".join(lines) + "\n"


def validate_pod_update(new: dict[str, Any], old: dict[str, Any]) -> list[FieldError]:
    """``ValidatePodUpdate``: only images, activeDeadlineSeconds, tolerations (additions) and grace may change."""
    errs = validate_object_meta_update(new, old, "Pod")
    nspec = _dict(new.get("spec"))
    ospec = _dict(old.get("spec"))
    for key in ("containers", "initContainers"):
        for i, c in enumerate(nspec.get(key) or ()):
            if isinstance(c, dict) and not c.get("image"):
                errs.append(required(f"spec.{key}[{i}].image"))
    ads_new, ads_old = nspec.get("activeDeadlineSeconds"), ospec.get("activeDeadlineSeconds")
    if ads_old is not None and (ads_new is None or ads_new > ads_old):
        errs.append(
            invalid(
                "spec.activeDeadlineSeconds",
                ads_new if ads_new is not None else GoValue("nil"),
                "must be less than or equal to previous value",
            )
        )
    old_tols = ospec.get("tolerations") or []
    for t in old_tols:
        if t not in (nspec.get("tolerations") or []):
            errs.append(
                forbidden(
                    "spec.tolerations", "existing toleration can not be modified except its tolerationSeconds"
                )
            )
            break
    if nspec == ospec:
        return errs
    munged = _munged_pod_spec(nspec, ospec)
    if munged != ospec:
        detail = "pod updates may not change fields other than " + ",".join(POD_UPDATABLE_FIELDS)
        errs.append(forbidden("spec", detail + "\n" + _spec_diff(ospec, munged)))
    return errs


# ---------------------------------------------------------------------------------------------------------------
# Workloads


def _nonnegative(spec: dict[str, Any], key: str, path: str) -> list[FieldError]:
    v = spec.get(key)
    if isinstance(v, int) and not isinstance(v, bool) and v < 0:
        return [invalid(f"{path}.{key}", v, IS_NEGATIVE_ERROR)]
    return []


def _template_labels(spec: dict[str, Any]) -> dict[str, Any] | None:
    template = spec.get("template")
    if not isinstance(template, dict):
        return None
    meta = template.get("metadata")
    labels = meta.get("labels") if isinstance(meta, dict) else None
    return labels if isinstance(labels, dict) else None


def _selector_checks(
    spec: dict[str, Any], path: str, kind_word: str, require: bool = True
) -> list[FieldError]:
    errs: list[FieldError] = []
    sel = spec.get("selector")
    if not isinstance(sel, dict):
        if require:
            errs.append(required(f"{path}.selector"))
    else:
        errs.extend(validate_label_selector(sel, f"{path}.selector"))
        if not sel.get("matchLabels") and not sel.get("matchExpressions"):
            errs.append(
                invalid(
                    f"{path}.selector", go_label_selector(sel), f"empty selector is invalid for {kind_word}"
                )
            )
    return errs


def _template_matches(spec: dict[str, Any], path: str) -> list[FieldError]:
    """The `selector` does not match template `labels` check (a missing selector selects nothing)."""
    sel = spec.get("selector")
    labels = _template_labels(spec)
    if isinstance(sel, dict) and not sel.get("matchLabels") and not sel.get("matchExpressions"):
        return []  # labels.Everything() is Empty(): no check
    if not isinstance(sel, dict) or not _selector_matches(sel, labels or {}):
        return [
            invalid(
                f"{path}.template.metadata.labels",
                go_map_repr(labels),
                "`selector` does not match template `labels`",
            )
        ]
    return []


def _template_restart_always(spec: dict[str, Any], path: str) -> list[FieldError]:
    template = _dict(spec.get("template"))
    tspec = _dict(template.get("spec"))
    rp = tspec.get("restartPolicy") or ""
    if rp in _RESTART_POLICIES and rp != "Always":
        return [not_supported(f"{path}.template.spec.restartPolicy", rp, ["Always"])]
    return []


def _replica_set_like(spec: dict[str, Any], path: str, kind_word: str) -> list[FieldError]:
    """ValidatePodTemplateSpecForReplicaSet plus the selector rules (Deployment, ReplicaSet)."""
    errs = _selector_checks(spec, path, kind_word)
    errs.extend(_template_matches(spec, path))
    errs.extend(validate_pod_template(spec.get("template"), f"{path}.template"))
    errs.extend(_template_restart_always(spec, path))
    return errs


def validate_deployment(obj: dict[str, Any]) -> list[FieldError]:
    """``ValidateDeployment``."""
    spec = _dict(obj.get("spec"))
    errs = validate_object_meta(obj, "Deployment")
    errs.extend(_nonnegative(spec, "replicas", "spec"))
    errs.extend(_replica_set_like(spec, "spec", "deployment"))
    strategy = _dict(spec.get("strategy"))
    st = strategy.get("type") or ""
    if st == "Recreate" and strategy.get("rollingUpdate") is not None:
        errs.append(
            forbidden(
                "spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'"
            )
        )
    elif st not in ("Recreate", "RollingUpdate"):
        errs.append(not_supported("spec.strategy.type", st, ["Recreate", "RollingUpdate"]))
    ru = strategy.get("rollingUpdate")
    if st == "RollingUpdate" and isinstance(ru, dict):
        errs.extend(_validate_rolling_update(ru, "spec.strategy.rollingUpdate"))
    errs.extend(_nonnegative(spec, "minReadySeconds", "spec"))
    errs.extend(_nonnegative(spec, "revisionHistoryLimit", "spec"))
    pds = spec.get("progressDeadlineSeconds")
    if isinstance(pds, int):
        errs.extend(_nonnegative(spec, "progressDeadlineSeconds", "spec"))
        if pds <= (spec.get("minReadySeconds") or 0):
            errs.append(invalid("spec.progressDeadlineSeconds", pds, "must be greater than minReadySeconds"))
    return errs


def _int_or_percent(value: Any, path: str) -> tuple[list[FieldError], int | None, bool]:
    if isinstance(value, str):
        m = re.match(r"^([0-9]+)%$", value)
        if not m:
            return (
                [
                    invalid(
                        path,
                        value,
                        "a valid percent string must be a numeric string followed by an ending '%' "
                        "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
                    )
                ],
                None,
                True,
            )
        return [], int(m.group(1)), True
    if isinstance(value, int):
        return [], value, False
    return [], None, False


def _validate_rolling_update(ru: dict[str, Any], path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    values: dict[str, int | None] = {}
    for key in ("maxUnavailable", "maxSurge"):
        e, v, pct = _int_or_percent(ru.get(key), f"{path}.{key}")
        errs.extend(e)
        values[key] = v
        if v is not None and v < 0:
            errs.append(invalid(f"{path}.{key}", ru.get(key), IS_NEGATIVE_ERROR))
        if pct and v is not None and v > 100:
            errs.append(invalid(f"{path}.{key}", ru.get(key), "must not be greater than 100%"))
    if values.get("maxUnavailable") == 0 and values.get("maxSurge") == 0:
        errs.append(
            invalid(f"{path}.maxUnavailable", ru.get("maxUnavailable"), "may not be 0 when `maxSurge` is 0")
        )
    return errs


def validate_replica_set(obj: dict[str, Any]) -> list[FieldError]:
    """``ValidateReplicaSet``."""
    spec = _dict(obj.get("spec"))
    errs = validate_object_meta(obj, "ReplicaSet")
    errs.extend(_nonnegative(spec, "replicas", "spec"))
    errs.extend(_nonnegative(spec, "minReadySeconds", "spec"))
    errs.extend(_replica_set_like(spec, "spec", "deployment"))
    return errs


def validate_daemon_set(obj: dict[str, Any]) -> list[FieldError]:
    """``ValidateDaemonSet``."""
    spec = _dict(obj.get("spec"))
    errs = validate_object_meta(obj, "DaemonSet")
    sel = spec.get("selector")
    if not isinstance(sel, dict):
        errs.append(required("spec.selector"))
    else:
        errs.extend(validate_label_selector(sel, "spec.selector"))
    labels = _template_labels(spec)
    if not isinstance(sel, dict) or (
        (sel.get("matchLabels") or sel.get("matchExpressions")) and not _selector_matches(sel, labels or {})
    ):
        errs.append(
            invalid(
                "spec.template.metadata.labels",
                go_map_repr(labels),
                "`selector` does not match template `labels`",
            )
        )
    if isinstance(sel, dict) and not sel.get("matchLabels") and not sel.get("matchExpressions"):
        errs.append(
            invalid("spec.selector", go_label_selector(sel), "empty selector is invalid for daemonset")
        )
    errs.extend(validate_pod_template(spec.get("template"), "spec.template"))
    errs.extend(_template_restart_always(spec, "spec"))
    errs.extend(_nonnegative(spec, "minReadySeconds", "spec"))
    strategy = _dict(spec.get("updateStrategy"))
    st = strategy.get("type") or ""
    if st not in ("OnDelete", "RollingUpdate"):
        errs.append(not_supported("spec.updateStrategy.type", st, ["OnDelete", "RollingUpdate"]))
    errs.extend(_nonnegative(spec, "revisionHistoryLimit", "spec"))
    return errs


def validate_stateful_set(obj: dict[str, Any]) -> list[FieldError]:
    """``ValidateStatefulSet``."""
    spec = _dict(obj.get("spec"))
    errs = validate_object_meta(obj, "StatefulSet")
    pmp = spec.get("podManagementPolicy") or ""
    if not pmp:
        errs.append(required("spec.podManagementPolicy"))
    elif pmp not in ("OrderedReady", "Parallel"):
        errs.append(invalid("spec.podManagementPolicy", pmp, "must be 'OrderedReady' or 'Parallel'"))
    strategy = _dict(spec.get("updateStrategy"))
    st = strategy.get("type") or ""
    if not st:
        errs.append(required("spec.updateStrategy"))
    elif st not in ("OnDelete", "RollingUpdate"):
        errs.append(
            invalid(
                "spec.updateStrategy",
                GoValue("apps.StatefulSetUpdateStrategy{...}"),
                "must be 'RollingUpdate' or 'OnDelete'",
            )
        )
    errs.extend(_nonnegative(spec, "revisionHistoryLimit", "spec"))
    errs.extend(_nonnegative(spec, "replicas", "spec"))
    errs.extend(_nonnegative(spec, "minReadySeconds", "spec"))
    errs.extend(_selector_checks(spec, "spec", "statefulset"))
    errs.extend(_template_matches(spec, "spec"))
    # ValidatePodTemplateSpecForStatefulSet: template labels and annotations only; the pod spec is not validated
    # here (its volumeMounts may name volumeClaimTemplates), the pods the controller creates are.
    template = spec.get("template")
    if not isinstance(template, dict):
        errs.append(required("spec.template"))
    else:
        tmeta = _dict(template.get("metadata"))
        errs.extend(validate_labels(tmeta.get("labels"), "spec.template.labels"))
        errs.extend(validate_annotations(tmeta.get("annotations"), "spec.template.annotations"))
    errs.extend(_template_restart_always(spec, "spec"))
    return errs


def _validate_job_spec(spec: dict[str, Any], path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for key in (
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
        "ttlSecondsAfterFinished",
    ):
        errs.extend(_nonnegative(spec, key, path))
    errs.extend(validate_pod_template(spec.get("template"), f"{path}.template"))
    template = _dict(spec.get("template"))
    tspec = _dict(template.get("spec"))
    rp = tspec.get("restartPolicy") or ""
    if rp not in ("OnFailure", "Never"):
        errs.append(not_supported(f"{path}.template.spec.restartPolicy", rp, ["OnFailure", "Never"]))
    return errs


def validate_job(obj: dict[str, Any]) -> list[FieldError]:
    """``ValidateJob`` (the selector is generated by the registry before validation)."""
    spec = _dict(obj.get("spec"))
    errs = validate_object_meta(obj, "Job")
    errs.extend(_validate_job_spec(spec, "spec"))
    return errs


def validate_cron_job(obj: dict[str, Any]) -> list[FieldError]:
    """``ValidateCronJob``."""
    spec = _dict(obj.get("spec"))
    errs = validate_object_meta(obj, "CronJob")
    schedule = spec.get("schedule") or ""
    if not schedule:
        errs.append(required("spec.schedule"))
    else:
        err = _cron_error(schedule)
        if err:
            errs.append(invalid("spec.schedule", schedule, err))
    cp = spec.get("concurrencyPolicy") or ""
    if not cp:
        errs.append(required("spec.concurrencyPolicy"))
    elif cp not in ("Allow", "Forbid", "Replace"):
        errs.append(not_supported("spec.concurrencyPolicy", cp, ["Allow", "Forbid", "Replace"]))
    for key in ("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        errs.extend(_nonnegative(spec, key, "spec"))
    jt = _dict(spec.get("jobTemplate"))
    jspec = _dict(jt.get("spec"))
    errs.extend(_validate_job_spec(jspec, "spec.jobTemplate.spec"))
    return errs


def _cron_error(schedule: str) -> str | None:
    if schedule.startswith("@"):
        if schedule in ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"):
            return None
        if schedule.startswith("@every "):
            return None
        return f"unrecognized descriptor: {schedule}"
    fields = schedule.split()
    if len(fields) != 5:
        return f"expected exactly 5 fields, found {len(fields)}: {schedule}"
    return None


def validate_replication_controller(obj: dict[str, Any]) -> list[FieldError]:
    """``ValidateReplicationController``."""
    spec = _dict(obj.get("spec"))
    errs = validate_object_meta(obj, "ReplicationController")
    errs.extend(_nonnegative(spec, "replicas", "spec"))
    errs.extend(_nonnegative(spec, "minReadySeconds", "spec"))
    selector = spec.get("selector") or {}
    if not selector:
        errs.append(required("spec.selector"))
    else:
        errs.extend(validate_labels(selector, "spec.selector"))
    labels = _template_labels(spec) or {}
    if selector and any(labels.get(k) != v for k, v in selector.items()):
        errs.append(
            invalid(
                "spec.template.metadata.labels",
                go_map_repr(labels or None),
                "`selector` does not match template `labels`",
            )
        )
    errs.extend(validate_pod_template(spec.get("template"), "spec.template"))
    errs.extend(_template_restart_always(spec, "spec"))
    return errs


# ---------------------------------------------------------------------------------------------------------------
# Services and config


_SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
NODE_PORT_RANGE = (30000, 32767)


def validate_service(obj: dict[str, Any]) -> list[FieldError]:
    """``ValidateService`` plus the node port range check of the allocator."""
    spec = _dict(obj.get("spec"))
    errs = validate_object_meta(obj, "Service")
    stype = spec.get("type") or ""
    ports = [p for p in spec.get("ports") or () if isinstance(p, dict)]
    headless = spec.get("clusterIP") == "None"
    if not ports and not headless and stype != "ExternalName":
        errs.append(required("spec.ports"))
    if stype == "ExternalName":
        cname = (spec.get("externalName") or "").removesuffix(".")
        if cname:
            errs.extend(invalid("spec.externalName", cname, m) for m in is_dns1123_subdomain(cname))
        else:
            errs.append(required("spec.externalName"))
    names: set[str] = set()
    for i, p in enumerate(ports):
        path = f"spec.ports[{i}]"
        name = p.get("name") or ""
        if len(ports) > 1 and not name:
            errs.append(required(f"{path}.name"))
        elif name:
            errs.extend(invalid(f"{path}.name", name, m) for m in is_dns1123_label(name))
            if name in names:
                errs.append(duplicate(f"{path}.name", name))
            names.add(name)
        port = p.get("port") or 0
        errs.extend(invalid(f"{path}.port", port, m) for m in is_valid_port_num(port))
        proto = p.get("protocol") or ""
        if not proto:
            errs.append(required(f"{path}.protocol"))
        elif proto not in _PROTOCOLS:
            errs.append(not_supported(f"{path}.protocol", proto, _PROTOCOLS))
        tp = p.get("targetPort")
        errs.extend(_validate_port_num_or_name(tp if tp not in (None, "") else 0, f"{path}.targetPort"))
    errs.extend(validate_labels(spec.get("selector"), "spec.selector"))
    sa = spec.get("sessionAffinity") or ""
    if not sa:
        errs.append(required("spec.sessionAffinity"))
    elif sa not in ("ClientIP", "None"):
        errs.append(not_supported("spec.sessionAffinity", sa, ["ClientIP", "None"]))
    if not stype:
        errs.append(required("spec.type"))
    elif stype not in _SERVICE_TYPES:
        errs.append(not_supported("spec.type", stype, _SERVICE_TYPES))
    if stype == "ClusterIP":
        for i, p in enumerate(ports):
            if p.get("nodePort"):
                errs.append(
                    forbidden(f"spec.ports[{i}].nodePort", "may not be used when `type` is 'ClusterIP'")
                )
    seen_np: set[tuple[Any, Any]] = set()
    for i, p in enumerate(ports):
        np = p.get("nodePort")
        if not np:
            continue
        key = (p.get("protocol"), np)
        if key in seen_np:
            errs.append(duplicate(f"spec.ports[{i}].nodePort", np))
        seen_np.add(key)
    seen_ports: set[tuple[Any, Any]] = set()
    for i, p in enumerate(ports):
        key = (p.get("protocol"), p.get("port"))
        if key in seen_ports:
            errs.append(
                duplicate(
                    f"spec.ports[{i}]",
                    GoValue(
                        f'core.ServicePort{{Name:"", Protocol:{go_quote(str(key[0]))}, AppProtocol:(*string)(nil), '
                        f'Port:{key[1]}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:""}}, NodePort:0}}'
                    ),
                )
            )
        seen_ports.add(key)
    if stype in ("NodePort", "LoadBalancer"):
        lo, hi = NODE_PORT_RANGE
        for i, p in enumerate(ports):
            np = p.get("nodePort")
            if isinstance(np, int) and np and not lo <= np <= hi:
                errs.append(
                    invalid(
                        f"spec.ports[{i}].nodePort",
                        np,
                        f"provided port is not in the valid range. The range of valid ports is {lo}-{hi}",
                    )
                )
    return errs


def _validate_config_keys(data: Any, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    if not isinstance(data, dict):
        return errs
    for key in sorted(data):
        msgs = []
        if len(key) > 253:
            msgs.append(max_len_error(253))
        if not _RE["configkey"].match(key):
            msgs.append(CONFIG_KEY_ERROR)
        if key in (".", ".."):
            msgs.append(f"must not be '{key}'")
        elif key.startswith(".."):
            msgs.append("must not start with '..'")
        errs.extend(invalid(f"{path}[{key}]", key, m) for m in msgs)
    return errs


def validate_config_map(obj: dict[str, Any]) -> list[FieldError]:
    """``ValidateConfigMap``."""
    errs = validate_object_meta(obj, "ConfigMap")
    errs.extend(_validate_config_keys(obj.get("data"), "data"))
    errs.extend(_validate_config_keys(obj.get("binaryData"), "binaryData"))
    for key in sorted(set(obj.get("data") or {}) & set(obj.get("binaryData") or {})):
        errs.append(invalid(f"data[{key}]", key, "duplicate of key present in binaryData"))
    return errs


def validate_secret(obj: dict[str, Any]) -> list[FieldError]:
    """``ValidateSecret``."""
    errs = validate_object_meta(obj, "Secret")
    errs.extend(_validate_config_keys(obj.get("data"), "data"))
    stype = obj.get("type") or ""
    data = obj.get("data") or {}
    if stype == "kubernetes.io/tls":
        for key in ("tls.crt", "tls.key"):
            if key not in data:
                errs.append(required(f"data[{key}]"))
    elif stype == "kubernetes.io/dockerconfigjson" and ".dockerconfigjson" not in data:
        errs.append(required("data[.dockerconfigjson]"))
    return errs


IMMUTABLE_SET = "field is immutable when `immutable` is set"


def merge_string_data(secret: dict[str, Any]) -> None:
    """Secret decoding (v1 -> internal): ``stringData`` goes into ``data`` base64-encoded (it wins over a
    ``data`` entry of the same key) and is never stored. Mutates ``secret`` (the server's own copy)."""
    string_data = secret.pop("stringData", None)
    if not isinstance(string_data, dict) or not string_data:
        return
    data = dict(secret.get("data") or {})
    for key, value in string_data.items():
        data[key] = base64.b64encode(str(value).encode()).decode()
    secret["data"] = data


def _immutable_update_errors(new: dict[str, Any], old: dict[str, Any], kind: str) -> list[FieldError]:
    """``ValidateConfigMapUpdate`` / ``ValidateSecretUpdate``: the type and, once ``immutable``, the data."""
    errs: list[FieldError] = []
    if kind == "Secret" and (new.get("type") or "") != (old.get("type") or ""):
        errs.append(invalid("type", new.get("type") or "", FIELD_IMMUTABLE))
    if old.get("immutable") is True:
        if new.get("immutable") is not True:
            errs.append(forbidden("immutable", IMMUTABLE_SET))
        fields = ("data", "binaryData") if kind == "ConfigMap" else ("data",)
        for f in fields:
            if new.get(f) != old.get(f):
                errs.append(forbidden(f, IMMUTABLE_SET))
    return errs


def validate_namespace(obj: dict[str, Any]) -> list[FieldError]:
    """``ValidateNamespace``."""
    return validate_object_meta(obj, "Namespace")


# ---------------------------------------------------------------------------------------------------------------
# Entry point


_VALIDATORS = {
    ("v1", "Pod"): lambda o: validate_object_meta(o, "Pod") + validate_pod_spec(o.get("spec"), "spec"),
    ("v1", "PodTemplate"): lambda o: (
        validate_object_meta(o, "PodTemplate") + validate_pod_template(o.get("template"), "template")
    ),
    ("v1", "ReplicationController"): validate_replication_controller,
    ("v1", "Service"): validate_service,
    ("v1", "ConfigMap"): validate_config_map,
    ("v1", "Secret"): validate_secret,
    ("v1", "Namespace"): validate_namespace,
    ("apps/v1", "Deployment"): validate_deployment,
    ("apps/v1", "ReplicaSet"): validate_replica_set,
    ("apps/v1", "DaemonSet"): validate_daemon_set,
    ("apps/v1", "StatefulSet"): validate_stateful_set,
    ("batch/v1", "Job"): validate_job,
    ("batch/v1", "CronJob"): validate_cron_job,
}

_SELECTOR_IMMUTABLE = {
    ("apps/v1", "Deployment"),
    ("apps/v1", "ReplicaSet"),
    ("apps/v1", "DaemonSet"),
    ("apps/v1", "StatefulSet"),
    ("batch/v1", "Job"),
}


def _kind_of(obj: dict[str, Any]) -> str:
    return str(obj.get("kind") or "")


def validate(obj: dict[str, Any], old: dict[str, Any] | None = None) -> list[FieldError]:
    """Semantic validation of a defaulted object (create when ``old`` is None, else update), in Go's order."""
    if not isinstance(obj, dict):
        return []
    key = (str(obj.get("apiVersion") or ""), _kind_of(obj))
    if old is not None and key == ("v1", "Pod"):
        return validate_pod_update(obj, old)
    fn = _VALIDATORS.get(key)
    errs: list[FieldError] = fn(obj) if fn is not None else validate_object_meta(obj, key[1])
    if old is None:
        return errs
    # Updates run ValidateObjectMetaUpdate instead of ValidateObjectMeta, then the same spec rules.
    rest = [e for e in errs if not e.field.startswith("metadata.")]
    errs = validate_object_meta_update(obj, old, key[1])
    if key in (("v1", "ConfigMap"), ("v1", "Secret")):
        errs += _immutable_update_errors(obj, old, key[1])
    errs += rest
    if key in _SELECTOR_IMMUTABLE:
        new_sel = (obj.get("spec") or {}).get("selector")
        old_sel = (old.get("spec") or {}).get("selector")
        if new_sel != old_sel:
            errs.append(invalid("spec.selector", go_label_selector(new_sel or {}), FIELD_IMMUTABLE))
    if key == ("v1", "Service"):
        nspec, ospec = obj.get("spec") or {}, old.get("spec") or {}
        if (
            ospec.get("clusterIP")
            and nspec.get("clusterIP")
            and nspec.get("clusterIP") != ospec.get("clusterIP")
        ):
            ips = nspec.get("clusterIPs") or [nspec.get("clusterIP")]
            errs.append(
                invalid(
                    "spec.clusterIPs[0]",
                    go_string_slice_repr([str(i) for i in ips]),
                    "may not change once set",
                )
            )
    return errs
