"""Field-level validation errors, shaped like apimachinery's ``field.Error`` / ``field.ErrorList``.

``str(FieldError)`` is exactly what Go's ``(*field.Error).Error()`` prints (apimachinery v0.32), and
:func:`invalid_error` builds the 422 ``Invalid`` Status that ``errors.NewInvalid`` returns, including the
``utilerrors.NewAggregate`` message form (``[a, b]`` for several distinct errors).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from k8stutor.engine.errors import StatusError


class ErrorType(Enum):
    """``field.ErrorType``: value is the Status cause type, ``text`` the human form."""

    NOT_FOUND = ("FieldValueNotFound", "Not found")
    REQUIRED = ("FieldValueRequired", "Required value")
    DUPLICATE = ("FieldValueDuplicate", "Duplicate value")
    INVALID = ("FieldValueInvalid", "Invalid value")
    NOT_SUPPORTED = ("FieldValueNotSupported", "Unsupported value")
    FORBIDDEN = ("FieldValueForbidden", "Forbidden")
    TOO_LONG = ("FieldValueTooLong", "Too long")
    TOO_MANY = ("FieldValueTooMany", "Too many")
    INTERNAL = ("InternalError", "Internal error")
    TYPE_INVALID = ("FieldValueTypeInvalid", "Invalid value")

    @property
    def cause_type(self) -> str:
        return self.value[0]

    @property
    def text(self) -> str:
        return self.value[1]


# Error types whose body never shows the bad value (ErrorBody's first switch arm).
_VALUELESS = {ErrorType.REQUIRED, ErrorType.FORBIDDEN, ErrorType.TOO_LONG, ErrorType.INTERNAL}


class GoValue:
    """A bad value that Go would print with ``%#v`` (maps, slices, structs): carries its rendering."""

    def __init__(self, rendered: str) -> None:
        self.rendered = rendered

    def __repr__(self) -> str:
        return self.rendered

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GoValue) and other.rendered == self.rendered

    def __hash__(self) -> int:
        return hash(self.rendered)


OMIT = GoValue("")  # field.omitValue: the body shows only the type


def go_quote(s: str) -> str:
    """Go's ``strconv.Quote`` / ``%q`` for a string."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\a":
            out.append("\\a")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif ch == "\v":
            out.append("\\v")
        elif o < 0x20 or o == 0x7F:
            out.append(f"\\x{o:02x}")
        elif not ch.isprintable():
            out.append(f"\\u{o:04x}" if o <= 0xFFFF else f"\\U{o:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def go_map_repr(m: dict[str, Any] | None, value_type: str = "string") -> GoValue:
    """``%#v`` of a Go ``map[string]string`` (keys sorted, as fmt prints maps)."""
    if m is None:
        return GoValue(f"map[string]{value_type}(nil)")
    items = ", ".join(f"{go_quote(str(k))}:{go_quote(str(m[k]))}" for k in sorted(m))
    return GoValue(f"map[string]{value_type}{{{items}}}")


def go_string_slice_repr(items: list[str] | None) -> GoValue:
    """``%#v`` of a Go ``[]string``."""
    if items is None:
        return GoValue("[]string(nil)")
    return GoValue("[]string{" + ", ".join(go_quote(str(i)) for i in items) + "}")


def _format_value(value: Any) -> str:
    if isinstance(value, GoValue):
        return value.rendered
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, str):
        return go_quote(value)
    if value is None:
        return "null"
    if isinstance(value, dict):
        return go_map_repr(value).rendered
    if isinstance(value, list) and all(isinstance(i, str) for i in value):
        return go_string_slice_repr(value).rendered
    return repr(value)


@dataclass(frozen=True)
class FieldError:
    """One field-level error: ``<field>: <Type text>[: <value>][: <detail>]``."""

    type: ErrorType
    field: str
    bad_value: Any = ""
    detail: str = ""

    def body(self) -> str:
        """``ErrorBody()``: the message without the field path (what Status causes carry)."""
        if self.type in _VALUELESS or self.bad_value is OMIT:
            s = self.type.text
        else:
            s = f"{self.type.text}: {_format_value(self.bad_value)}"
        if self.detail:
            s += f": {self.detail}"
        return s

    def __str__(self) -> str:
        return f"{self.field}: {self.body()}"


def required(field: str, detail: str = "") -> FieldError:
    """``field.Required``."""
    return FieldError(ErrorType.REQUIRED, field, "", detail)


def invalid(field: str, value: Any, detail: str) -> FieldError:
    """``field.Invalid``."""
    return FieldError(ErrorType.INVALID, field, value, detail)


def not_supported(field: str, value: Any, valid_values: list[str] | tuple[str, ...]) -> FieldError:
    """``field.NotSupported``: detail ``supported values: "a", "b"`` (in the order given)."""
    detail = ""
    if valid_values:
        detail = "supported values: " + ", ".join(go_quote(str(v)) for v in valid_values)
    return FieldError(ErrorType.NOT_SUPPORTED, field, value, detail)


def duplicate(field: str, value: Any) -> FieldError:
    """``field.Duplicate``."""
    return FieldError(ErrorType.DUPLICATE, field, value)


def forbidden(field: str, detail: str) -> FieldError:
    """``field.Forbidden``."""
    return FieldError(ErrorType.FORBIDDEN, field, "", detail)


def too_long(field: str, max_length: int) -> FieldError:
    """``field.TooLong`` (the value is never shown)."""
    if max_length >= 0:
        msg = f"may not be more than {max_length} {'byte' if max_length == 1 else 'bytes'}"
    else:
        msg = "value is too long"
    return FieldError(ErrorType.TOO_LONG, field, "<value omitted>", msg)


def too_many(field: str, actual: int, max_quantity: int) -> FieldError:
    """``field.TooMany``."""
    if max_quantity >= 0:
        msg = f"must have at most {max_quantity} {'item' if max_quantity == 1 else 'items'}"
    else:
        msg = "has too many items"
    return FieldError(ErrorType.TOO_MANY, field, actual if actual >= 0 else OMIT, msg)


def not_found(field: str, value: Any) -> FieldError:
    """``field.NotFound``."""
    return FieldError(ErrorType.NOT_FOUND, field, value)


def internal_error(field: str, detail: str) -> FieldError:
    """``field.InternalError``."""
    return FieldError(ErrorType.INTERNAL, field, "", detail)


def aggregate_message(messages: list[str]) -> str:
    """``utilerrors.NewAggregate(errs).Error()``: one message alone, else ``[a, b]`` with duplicates dropped."""
    if not messages:
        return ""
    if len(messages) == 1:
        return messages[0]
    seen: list[str] = []
    for m in messages:
        if m not in seen:
            seen.append(m)
    if len(seen) == 1:
        return seen[0]
    return "[" + ", ".join(seen) + "]"


def qualified_kind(group: str, kind: str) -> str:
    """``schema.GroupKind.String()``: ``Pod``, ``Deployment.apps``."""
    return f"{kind}.{group}" if group else kind


def invalid_error(group: str, kind: str, name: str, errors: list[FieldError]) -> StatusError:
    """``errors.NewInvalid``: 422 Invalid, message ``Deployment.apps "x" is invalid: ...`` plus causes."""
    causes = [{"reason": e.type.cause_type, "message": e.body(), "field": e.field} for e in errors]
    details: dict[str, Any] = {"name": name, "kind": kind, "causes": causes}
    if group:
        details = {"name": name, "group": group, "kind": kind, "causes": causes}
    agg = aggregate_message([str(e) for e in errors])
    head = f"{qualified_kind(group, kind)} {go_quote(name)} is invalid"
    message = f"{head}: {agg}" if agg else head
    return StatusError(422, "Invalid", message, details)


def kubectl_invalid_message(status: dict[str, Any]) -> str:
    """What kubectl's ``cmdutil.CheckErr`` prints for a 422 Invalid Status (without the trailing newline).

    One cause: ``The Pod "x" is invalid: spec.containers[0].image: Required value``; several causes: a
    header line ending in ``: `` and one ``* field: message`` line per cause.
    """
    details = status.get("details") or {}
    message = status.get("message", "")
    if not details:
        return "The request is invalid" + (f": {message}" if message else "")
    kind, name = details.get("kind", ""), details.get("name", "")
    causes = details.get("causes") or []
    if kind or name:
        s = f"The {kind} {go_quote(name)} is invalid"
    elif causes and causes[0].get("message"):
        s = f"The request is invalid: {causes[0]['message']}"
    else:
        s = "The request is invalid"
    if not causes:
        return s
    lines = [f"{c.get('field', '')}: {c.get('message', '')}" for c in causes]
    # MultilineError flattens the aggregate, which drops duplicate messages.
    uniq: list[str] = []
    for line in lines:
        if line not in uniq:
            uniq.append(line)
    if len(uniq) == 1:
        return f"{s}: {uniq[0]}"
    return f"{s}: \n" + "\n".join(f"* {line}" for line in uniq)
