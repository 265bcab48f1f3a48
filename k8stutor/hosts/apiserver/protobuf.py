"""Decoding ``application/vnd.kubernetes.protobuf`` request bodies into JSON-shaped objects.

kubectl 1.32's typed clients (``create configmap|secret|deployment|...``, ``auth can-i``, ``auth whoami``)
and helm 3.17's release storage send protobuf. The body is ``b"k8s\\x00"`` followed by a
``runtime.Unknown`` (typeMeta, raw, contentEncoding, contentType); ``raw`` is the object message.

The schema is the Kubernetes API's own ``generated.proto`` files, shipped compiled as a
``FileDescriptorSet`` in ``proto/k8s-api-v1.32.desc`` (see ``proto/README.md``: it is exactly the set of
descriptors kubectl v1.32 registers, GA groups plus apimachinery). Decoding uses the ``protobuf``
package's own parser; the conversion to JSON follows Go's ``encoding/json`` on the generated types:

* field names are the JSON names; ``bytes`` become base64 strings;
* ``meta.v1.Time``/``MicroTime``/``Duration``, ``intstr.IntOrString``, ``resource.Quantity``,
  ``runtime.RawExtension`` and ``meta.v1.FieldsV1`` become their JSON scalar/document forms;
* gogo-protobuf writes every non-pointer field, so zero values of non-pointer fields (the descriptors
  carry gogoproto ``nullable=false`` for them) are dropped unless the field is required in the OpenAPI
  schema (Go's ``omitempty`` is absent exactly there); pointer fields keep explicit zeroes
  (``replicas: 0``, ``automountServiceAccountToken: false``).
"""

from __future__ import annotations

import base64
import json
from functools import cache
from importlib import resources
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import DecodeError, Message

from ...engine import schema
from ...engine.timeutil import rfc3339

MAGIC = b"k8s\x00"
DESCRIPTOR_FILE = "k8s-api-v1.32.desc"

# gogoproto.nullable (extension 65001 on FieldOptions) = false, as a varint field: tag bytes + 0.
_NULLABLE_FALSE = b"\xc8\xde\x1f\x00"

_META = "k8s.io.apimachinery.pkg.apis.meta.v1."
_TIME = _META + "Time"
_MICROTIME = _META + "MicroTime"
_DURATION = _META + "Duration"
_FIELDS_V1 = _META + "FieldsV1"
_INTSTR = "k8s.io.apimachinery.pkg.util.intstr.IntOrString"
_QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity"
_RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension"
_UNKNOWN = "k8s.io.apimachinery.pkg.runtime.Unknown"
# Go types that are []string (or map) underneath: their protobuf wrapper holds ``repeated string items``.
_STRING_LISTS = frozenset(
    {
        "k8s.io.api.authentication.v1.ExtraValue",
        "k8s.io.api.authorization.v1.ExtraValue",
        "k8s.io.api.certificates.v1.ExtraValue",
        _META + "Verbs",
    }
)


class ProtobufError(ValueError):
    """A protobuf body could not be decoded; the message is what the API server answers (400)."""


def _group_package(group: str) -> str:
    if not group:
        return "core"
    return group.split(".", 1)[0]


@cache
def _pool() -> tuple[descriptor_pool.DescriptorPool, dict[tuple[str, str], str]]:
    data = (resources.files(__package__) / "proto" / DESCRIPTOR_FILE).read_bytes()
    fds = descriptor_pb2.FileDescriptorSet.FromString(data)
    pool = descriptor_pool.DescriptorPool()
    kinds: dict[tuple[str, str], str] = {}
    for fd in fds.file:
        pool.Add(fd)
        pkg = fd.package
        parts = pkg.split(".")
        version = parts[-1]
        for m in fd.message_type:
            key = (f"{_pkg_group(pkg)}/{version}", m.name)
            kinds.setdefault(key, f"{pkg}.{m.name}")
    return pool, kinds


def _pkg_group(package: str) -> str:
    """``k8s.io.api.apps.v1`` -> ``apps``; apimachinery meta -> ``meta``."""
    parts = package.split(".")
    if package.startswith("k8s.io.api."):
        return parts[3]
    return parts[-2]


def message_name_for(api_version: str, kind: str) -> str | None:
    """The protobuf message for an apiVersion/kind (``apps/v1``, ``Deployment``), or None."""
    _, kinds = _pool()
    group, _, version = api_version.rpartition("/")
    if kind in (
        "DeleteOptions",
        "Status",
        "WatchEvent",
        "Table",
        "PartialObjectMetadata",
        "APIResourceList",
        "CreateOptions",
        "PatchOptions",
        "UpdateOptions",
        "ListOptions",
        "GetOptions",
    ):
        name = kinds.get((f"meta/{version}", kind))
        if name:
            return name
    return kinds.get((f"{_group_package(group)}/{version}", kind))


@cache
def _msg_class(full_name: str) -> type[Message]:
    pool, _ = _pool()
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(full_name))


@cache
def _field_info(desc: Descriptor) -> dict[str, tuple[bool, bool, bool, str]]:
    """field name -> (nullable_false, required_in_openapi, inline, json_name).

    ``inline`` marks Go's embedded structs (``json:",inline"``: ``IngressRule.ingressRuleValue``,
    ``Volume.volumeSource``, ``Probe.handler``, ...): a non-nullable message field that the OpenAPI
    definition does not list, whose own fields belong to the parent object in JSON. ``json_name`` differs
    from the proto name only where the proto spells it capitalised (``WebhookConfiguration.Webhooks``).
    """
    def_name = "io.k8s." + desc.full_name[len("k8s.io.") :]
    try:
        definition = schema.definition(def_name)
    except KeyError:
        definition = {}
    required = set(definition.get("required") or ())
    props = definition.get("properties") or {}
    out: dict[str, tuple[bool, bool, bool, str]] = {}
    for f in desc.fields:
        nonnull = _NULLABLE_FALSE in f.GetOptions().SerializeToString()
        json_name = f.name
        if props and f.name not in props and f.name[:1].lower() + f.name[1:] in props:
            json_name = f.name[:1].lower() + f.name[1:]
        inline = bool(props) and nonnull and f.message_type is not None and json_name not in props
        out[f.name] = (nonnull, json_name in required, inline, json_name)
    return out


def _go_duration(nanos: int) -> str:
    """Go's time.Duration.String()."""
    if nanos == 0:
        return "0s"
    neg = nanos < 0
    n = abs(nanos)
    if n < 1_000_000_000:
        for unit, div in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if n >= div:
                val = n / div
                text = f"{val:.9f}".rstrip("0").rstrip(".")
                return ("-" if neg else "") + text + unit
    h, rem = divmod(n, 3600 * 1_000_000_000)
    m, rem = divmod(rem, 60 * 1_000_000_000)
    s = rem / 1_000_000_000
    text = f"{s:.9f}".rstrip("0").rstrip(".") + "s"
    if h:
        text = f"{h}h{m}m" + text
    elif m:
        text = f"{m}m" + text
    return ("-" if neg else "") + text


def _special(msg: Message, name: str) -> tuple[bool, Any]:
    if name == _TIME:
        secs = getattr(msg, "seconds", 0)
        if not secs and not getattr(msg, "nanos", 0):
            return True, None
        return True, rfc3339(float(secs))
    if name == _MICROTIME:
        secs, nanos = getattr(msg, "seconds", 0), getattr(msg, "nanos", 0)
        if not secs and not nanos:
            return True, None
        return True, rfc3339(float(secs)).replace("Z", f".{nanos // 1000:06d}Z")
    if name == _DURATION:
        return True, _go_duration(getattr(msg, "duration", 0))
    if name == _INTSTR:
        if getattr(msg, "type", 0) == 1:
            return True, getattr(msg, "strVal", "")
        return True, getattr(msg, "intVal", 0)
    if name == _QUANTITY:
        return True, getattr(msg, "string", "")
    if name in (_RAW_EXTENSION, _FIELDS_V1):
        raw = getattr(msg, "raw", b"") if name == _RAW_EXTENSION else getattr(msg, "Raw", b"")
        if not raw:
            return True, None
        try:
            return True, json.loads(raw)
        except ValueError:
            return True, base64.b64encode(raw).decode()
    if name in _STRING_LISTS:
        return True, list(getattr(msg, "items", []))
    return False, None


def _scalar(f: FieldDescriptor, v: Any) -> Any:
    if f.type == FieldDescriptor.TYPE_BYTES:
        return base64.b64encode(v).decode()
    return v


def _is_zero(v: Any) -> bool:
    return v is None or v == "" or v is False or (v == 0 and not isinstance(v, bool)) or v == {} or v == []


def to_json(msg: Message) -> Any:
    """A decoded message as Go's encoding/json would print the Go struct (see module docstring)."""
    desc = msg.DESCRIPTOR
    handled, value = _special(msg, desc.full_name)
    if handled:
        return value
    info = _field_info(desc)
    out: dict[str, Any] = {}
    for f, v in msg.ListFields():
        nonnull, required, inline, key = info.get(f.name, (False, False, False, f.name))
        if f.message_type is not None and f.message_type.GetOptions().map_entry:
            vf = f.message_type.fields_by_name["value"]
            if vf.message_type is not None:
                out[key] = {k: to_json(item) for k, item in v.items()}
            else:
                out[key] = {k: _scalar(vf, item) for k, item in v.items()}
            continue
        if f.is_repeated:
            if f.message_type is not None:
                out[key] = [to_json(item) for item in v]
            else:
                out[key] = [_scalar(f, item) for item in v]
            continue
        if f.message_type is not None:
            val = to_json(v)
            if val is None:
                continue
            if inline and isinstance(val, dict):
                out.update(val)
                continue
            if nonnull and val == {} and not required and f.message_type.full_name in (_TIME, _MICROTIME):
                continue
            out[key] = val
            continue
        val = _scalar(f, v)
        if nonnull and not required and _is_zero(val):
            continue
        out[key] = val
    return out


def decode_message(full_name: str, raw: bytes) -> Any:
    """Decode ``raw`` as the message ``full_name`` (e.g. ``k8s.io.api.core.v1.ConfigMap``) into JSON form."""
    try:
        cls = _msg_class(full_name)
    except KeyError:
        raise ProtobufError(f"no protobuf schema for {full_name}") from None
    msg = cls()
    try:
        msg.ParseFromString(raw)
    except DecodeError as e:
        raise ProtobufError(f"unable to decode protobuf body: {e}") from None
    return to_json(msg)


def decode_object(body: bytes, default_api_version: str = "", default_kind: str = "") -> dict[str, Any]:
    """Decode a whole ``application/vnd.kubernetes.protobuf`` body into an object with apiVersion/kind.

    ``default_*`` name the type when the envelope's typeMeta is empty (as for some subresource bodies).
    """
    if not body.startswith(MAGIC):
        raise ProtobufError(
            "provided object is not a Kubernetes protobuf message (missing the k8s\\x00 prefix)"
        )
    env = decode_envelope(body)
    api_version = env.get("apiVersion") or default_api_version
    kind = env.get("kind") or default_kind
    name = message_name_for(api_version, kind)
    if name is None:
        raise ProtobufError(f'no kind "{kind}" is registered for version "{api_version}"')
    obj = decode_message(name, env["raw"])
    if not isinstance(obj, dict):
        raise ProtobufError("protobuf body is not an object")
    result: dict[str, Any] = {}
    if api_version:
        result["apiVersion"] = api_version
    if kind:
        result["kind"] = kind
    result.update(obj)
    return result


def decode_envelope(body: bytes) -> dict[str, Any]:
    """The ``runtime.Unknown`` envelope: apiVersion, kind and the raw object bytes."""
    cls = _msg_class(_UNKNOWN)
    msg = cls()
    try:
        msg.ParseFromString(body[len(MAGIC) :])
    except DecodeError as e:
        raise ProtobufError(f"unable to decode protobuf body: {e}") from None
    tm = msg.typeMeta  # type: ignore[attr-defined]
    return {"apiVersion": tm.apiVersion, "kind": tm.kind, "raw": bytes(msg.raw)}  # type: ignore[attr-defined]


def encode_object(obj: dict[str, Any]) -> bytes:
    """Encode a JSON-shaped object as a protobuf body (the inverse of decode_object; used by tests and tools)."""
    api_version, kind = obj.get("apiVersion", ""), obj.get("kind", "")
    name = message_name_for(api_version, kind)
    if name is None:
        raise ProtobufError(f'no kind "{kind}" is registered for version "{api_version}"')
    msg = _from_json(_msg_class(name)(), {k: v for k, v in obj.items() if k not in ("apiVersion", "kind")})
    env = _msg_class(_UNKNOWN)()
    env.typeMeta.apiVersion = api_version  # type: ignore[attr-defined]
    env.typeMeta.kind = kind  # type: ignore[attr-defined]
    env.raw = msg.SerializeToString()  # type: ignore[attr-defined]
    return MAGIC + env.SerializeToString()


def _from_json(msg: Message, value: Any) -> Message:
    name = msg.DESCRIPTOR.full_name
    if name in (_TIME, _MICROTIME):
        from ...engine.timeutil import parse_rfc3339

        ts = parse_rfc3339(str(value))
        if ts is None:
            raise ProtobufError(f"invalid time {value!r}")
        msg.seconds = int(ts)  # type: ignore[attr-defined]
        return msg
    if name == _INTSTR:
        if isinstance(value, str):
            msg.type, msg.strVal = 1, value  # type: ignore[attr-defined]
        else:
            msg.type, msg.intVal = 0, int(value)  # type: ignore[attr-defined]
        return msg
    if name == _QUANTITY:
        msg.string = str(value)  # type: ignore[attr-defined]
        return msg
    if name == _RAW_EXTENSION:
        msg.raw = json.dumps(value).encode()  # type: ignore[attr-defined]
        return msg
    if name == _FIELDS_V1:
        msg.Raw = json.dumps(value).encode()  # type: ignore[attr-defined]
        return msg
    if name in _STRING_LISTS:
        msg.items.extend(value)  # type: ignore[attr-defined]
        return msg
    info = _field_info(msg.DESCRIPTOR)
    by_json = {entry[3]: msg.DESCRIPTOR.fields_by_name[name] for name, entry in info.items()}
    for fname, entry in info.items():
        if entry[2]:  # an embedded struct takes its fields from the parent's JSON
            inner = getattr(msg, fname)
            inner_keys = {e[3] for e in _field_info(inner.DESCRIPTOR).values()}
            part = {k: v for k, v in value.items() if k in inner_keys and k not in by_json}
            if part:
                _from_json(inner, part)
    for k, v in value.items():
        f = by_json.get(k)
        if f is None or v is None:
            continue
        target = getattr(msg, f.name)
        if f.message_type is not None and f.message_type.GetOptions().map_entry:
            vf = f.message_type.fields_by_name["value"]
            for mk, mv in v.items():
                if vf.message_type is not None:
                    _from_json(target[mk], mv)
                else:
                    target[mk] = base64.b64decode(mv) if vf.type == FieldDescriptor.TYPE_BYTES else mv
        elif f.is_repeated:
            for item in v:
                if f.message_type is not None:
                    _from_json(target.add(), item)
                else:
                    target.append(item)
        elif f.message_type is not None:
            _from_json(target, v)
            if not target.ListFields():
                target.SetInParent()
        else:
            setattr(msg, f.name, base64.b64decode(v) if f.type == FieldDescriptor.TYPE_BYTES else v)
    return msg


def extract_descriptors(binary: bytes) -> descriptor_pb2.FileDescriptorSet:
    """Recover the gzipped ``generated.proto`` descriptors a Go Kubernetes client binary registers.

    This is how ``proto/k8s-api-v1.32.desc`` was produced from kubectl v1.32 (see proto/README.md).
    """
    import re
    import zlib

    found: dict[str, descriptor_pb2.FileDescriptorProto] = {}
    for m in re.finditer(b"\x1f\x8b\x08\x00\x00\x00\x00\x00", binary):
        try:
            raw = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(
                binary[m.start() : m.start() + 2_000_000]
            )
            fd = descriptor_pb2.FileDescriptorProto.FromString(raw)
        except (zlib.error, DecodeError):
            continue
        if fd.name.startswith("k8s.io/") and fd.name.endswith("generated.proto"):
            found.setdefault(fd.name, fd)
    fds = descriptor_pb2.FileDescriptorSet()
    fds.file.extend(found[n] for n in sorted(found))
    return fds
