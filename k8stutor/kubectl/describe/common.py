"""Helpers shared by the describers (ports of describe.go's print* functions, selectors, events)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol

from k8stutor.engine.errors import StatusError
from k8stutor.engine.timeutil import human_duration, parse_rfc3339

from .tabwriter import LEVEL_0, LEVEL_1, PrefixWriter

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MAX_ANNOTATION_LEN = 140
MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"


class DescribeClient(Protocol):
    """The one read call describers need from the API server."""

    def list_objects(
        self,
        group_resource: str,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list[dict]:
        """List objects of ``group_resource`` (``namespace`` None = all namespaces)."""
        ...


# --- plain accessors (tolerant of malformed objects) --------------------------------------------------------


def d(obj: Any, *path: str) -> dict:
    """The dict at ``path`` (``{}`` when missing or not a dict)."""
    cur = obj
    for p in path:
        cur = cur.get(p) if isinstance(cur, dict) else None
    return cur if isinstance(cur, dict) else {}


def lst(obj: Any, *path: str) -> list:
    """The list at ``path`` (``[]`` when missing)."""
    cur = obj
    for p in path:
        cur = cur.get(p) if isinstance(cur, dict) else None
    return cur if isinstance(cur, list) else []


def s(obj: Any, *path: str) -> str:
    """The string at ``path`` (``""`` when missing); numbers are formatted the Go way."""
    cur = obj
    for p in path:
        cur = cur.get(p) if isinstance(cur, dict) else None
    if cur is None:
        return ""
    if isinstance(cur, str):
        return cur
    return go_value(cur)


def i(obj: Any, *path: str) -> int:
    """The integer at ``path`` (0 when missing)."""
    cur = obj
    for p in path:
        cur = cur.get(p) if isinstance(cur, dict) else None
    if isinstance(cur, bool):
        return int(cur)
    if isinstance(cur, int):
        return cur
    if isinstance(cur, float):
        return int(cur)
    return 0


def go_bool(v: Any) -> str:
    """Go ``%v`` of a bool."""
    return "true" if v else "false"


def go_float(f: float) -> str:
    """Go ``%v`` of a float64 (shortest digits, exponent form below 1e-4 or from 1e21)."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "0"
    tup = Decimal(repr(abs(f))).as_tuple()
    digits = "".join(str(x) for x in tup.digits).rstrip("0") or "0"
    exp = len(tup.digits) - 1 + int(tup.exponent)
    sign = "-" if f < 0 else ""
    if exp < -4 or exp >= 21:
        m = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{m}e{'+' if exp >= 0 else '-'}{abs(exp):02d}"
    if exp >= 0:
        if len(digits) <= exp + 1:
            out = digits + "0" * (exp + 1 - len(digits))
        else:
            out = digits[: exp + 1] + "." + digits[exp + 1 :]
    else:
        out = "0." + "0" * (-exp - 1) + digits
    return sign + out


def go_value(v: Any) -> str:
    """Go ``%v`` of a JSON-decoded value (unstructured content)."""
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return go_bool(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 2**63:
            return str(int(v))
        return go_float(v)
    if isinstance(v, str):
        return v
    if isinstance(v, list):
        return "[" + " ".join(go_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{go_value(v[k])}" for k in sorted(v)) + "]"
    return str(v)


# --- time ----------------------------------------------------------------------------------------------------

GO_ZERO_TIME = "Mon, 01 Jan 0001 00:00:00 +0000"


def fmt_time(value: Any) -> str:
    """``t.Format(time.RFC1123Z)`` in UTC; the Go zero time for a missing timestamp."""
    ts = parse_rfc3339(value) if isinstance(value, str) else None
    if ts is None:
        return GO_ZERO_TIME
    return datetime.fromtimestamp(int(ts), UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


def since(now: float, value: Any) -> str:
    """``translateTimestampSince``: HumanDuration since the timestamp, ``<unknown>`` when unset."""
    ts = parse_rfc3339(value) if isinstance(value, str) else None
    if ts is None:
        return "<unknown>"
    return human_duration(now - ts)


# --- labels, annotations, taints, tolerations ----------------------------------------------------------------


def str_map(value: Any) -> dict[str, str]:
    """A ``map[string]string`` (non-string values formatted Go-style)."""
    if not isinstance(value, dict):
        return {}
    return {str(k): (v if isinstance(v, str) else go_value(v)) for k, v in value.items()}


def format_labels(labels: Any) -> str:
    """``labels.FormatLabels``: ``k=v,k2=v2`` sorted, ``<none>`` if empty."""
    m = str_map(labels)
    if not m:
        return "<none>"
    return ",".join(f"{k}={m[k]}" for k in sorted(m))


def print_labels_multiline(
    w: PrefixWriter, title: str, labels: Any, initial_indent: str = "", inner_indent: str = "\t"
) -> None:
    """``printLabelsMultilineWithIndent``."""
    w.write(LEVEL_0, f"{initial_indent}{title}:{inner_indent}")
    m = str_map(labels)
    if not m:
        w.write_line("<none>")
        return
    for n, key in enumerate(sorted(m)):
        if n:
            w.write(LEVEL_0, initial_indent)
            w.write(LEVEL_0, inner_indent)
        w.write(LEVEL_0, f"{key}={m[key]}\n")


def _blen(text: str) -> int:
    return len(text.encode("utf-8"))


def shorten(text: str, max_length: int) -> str:
    """Go ``shorten`` (byte length)."""
    raw = text.encode("utf-8")
    if len(raw) > max_length:
        return raw[:max_length].decode("utf-8", errors="replace") + "..."
    return text


def print_annotations_multiline(w: PrefixWriter, title: str, annotations: Any) -> None:
    """``printAnnotationsMultiline``: sorted, last-applied-configuration hidden, long values wrapped."""
    w.write(LEVEL_0, f"{title}:\t")
    m = str_map(annotations)
    keys = sorted(k for k in m if k != LAST_APPLIED)
    if not keys:
        w.write_line("<none>")
        return
    indent = "\t"
    for n, key in enumerate(keys):
        if n:
            w.write(LEVEL_0, indent)
        value = m[key].removesuffix("\n")
        if _blen(value) + _blen(key) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.write(LEVEL_0, f"{key}:\n")
            for part in value.split("\n"):
                w.write(LEVEL_0, f"{indent}  {shorten(part, MAX_ANNOTATION_LEN - 2)}\n")
        else:
            w.write(LEVEL_0, f"{key}: {value}\n")


def taint_string(t: dict) -> str:
    """``Taint.ToString``."""
    if s(t, "value"):
        return f"{s(t, 'key')}={s(t, 'value')}:{s(t, 'effect')}"
    return f"{s(t, 'key')}:{s(t, 'effect')}"


def print_taints_multiline(w: PrefixWriter, title: str, taints: list, initial_indent: str = "") -> None:
    """``printTaintsMultilineWithIndent`` (sorted by effect, then key)."""
    inner = "\t"
    w.write(LEVEL_0, f"{initial_indent}{title}:{inner}")
    items = [t for t in taints if isinstance(t, dict)]
    if not items:
        w.write_line("<none>")
        return
    items.sort(key=lambda t: s(t, "effect") + "," + s(t, "key"))
    for n, t in enumerate(items):
        if n:
            w.write(LEVEL_0, initial_indent)
            w.write(LEVEL_0, inner)
        w.write(LEVEL_0, taint_string(t) + "\n")


def print_tolerations_multiline(
    w: PrefixWriter, title: str, tolerations: list, initial_indent: str = ""
) -> None:
    """``printTolerationsMultilineWithIndent`` (sorted by key)."""
    inner = "\t"
    w.write(LEVEL_0, f"{initial_indent}{title}:{inner}")
    items = [t for t in tolerations if isinstance(t, dict)]
    if not items:
        w.write_line("<none>")
        return
    items.sort(key=lambda t: s(t, "key"))
    for n, t in enumerate(items):
        if n:
            w.write(LEVEL_0, initial_indent)
            w.write(LEVEL_0, inner)
        key, value, effect = s(t, "key"), s(t, "value"), s(t, "effect")
        out = key
        if value:
            out += f"={value}"
        if effect:
            out += f":{effect}"
        if s(t, "operator") == "Exists" and not value:
            out += " op=Exists" if (key or effect) else "op=Exists"
        if t.get("tolerationSeconds") is not None:
            out += f" for {i(t, 'tolerationSeconds')}s"
        w.write(LEVEL_0, out + "\n")


def string_or_none(text: str) -> str:
    """``stringOrNone``."""
    return text if text else "<none>"


def print_bool(v: Any) -> str:
    """describe.go ``printBool``: True/False."""
    return "True" if v else "False"


# --- selectors -----------------------------------------------------------------------------------------------


def _requirements(selector: dict) -> list[tuple[str, str, list[str]]]:
    reqs: list[tuple[str, str, list[str]]] = []
    for k, v in str_map(selector.get("matchLabels")).items():
        reqs.append((k, "=", [v]))
    for expr in lst(selector, "matchExpressions"):
        if not isinstance(expr, dict):
            continue
        op = s(expr, "operator")
        values = [str(x) for x in lst(expr, "values")]
        reqs.append((s(expr, "key"), {"In": "in", "NotIn": "notin", "Exists": "exists"}.get(op, op), values))
    reqs.sort(key=lambda r: r[0])
    return reqs


def _requirement_string(key: str, op: str, values: list[str]) -> str:
    if op == "DoesNotExist":
        return "!" + key
    if op == "exists":
        return key
    vals = values[0] if len(values) == 1 else ",".join(sorted(values))
    if op in ("in", "notin"):
        return f"{key} {op} ({vals})"
    return f"{key}={vals}"


def label_selector_string(selector: Any) -> str:
    """``metav1.LabelSelectorAsSelector(sel).String()`` (``""`` for nil or empty selectors)."""
    if not isinstance(selector, dict):
        return ""
    return ",".join(_requirement_string(*r) for r in _requirements(selector))


def format_label_selector(selector: Any) -> str:
    """``metav1.FormatLabelSelector``: like the selector string but ``<none>`` when empty."""
    return label_selector_string(selector) or "<none>"


def selector_matches(selector: Any, labels: Any) -> bool:
    """Whether ``labels`` satisfy a LabelSelector (nil selects nothing, empty selects everything)."""
    if not isinstance(selector, dict):
        return False
    lab = str_map(labels)
    for key, op, values in _requirements(selector):
        if op == "=":
            if lab.get(key) != values[0]:
                return False
        elif op == "in":
            if key not in lab or lab[key] not in values:
                return False
        elif op == "notin":
            if key in lab and lab[key] in values:
                return False
        elif op == "exists":
            if key not in lab:
                return False
        elif op == "DoesNotExist":
            if key in lab:
                return False
        else:
            return False
    return True


def map_selector_matches(selector: Any, labels: Any) -> bool:
    """``labels.SelectorFromSet(map)`` matching (an empty map selects everything)."""
    sel = str_map(selector)
    lab = str_map(labels)
    return all(lab.get(k) == v for k, v in sel.items())


def escape_field_value(value: str) -> str:
    """``fields.EscapeValue``."""
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")


def controller_of(obj: Any) -> dict | None:
    """``metav1.GetControllerOf``."""
    for ref in lst(obj, "metadata", "ownerReferences"):
        if isinstance(ref, dict) and ref.get("controller") is True:
            return ref
    return None


def print_controller(obj: Any) -> str:
    """``printController``: ``Kind/name`` of the controlling owner, or ``""``."""
    ref = controller_of(obj)
    if ref is None:
        return ""
    return f"{s(ref, 'kind')}/{s(ref, 'name')}"


# --- events --------------------------------------------------------------------------------------------------


def safe_list(
    api: DescribeClient,
    group_resource: str,
    namespace: str | None = None,
    label_selector: str | None = None,
    field_selector: str | None = None,
) -> list[dict] | None:
    """``list_objects`` that returns None instead of raising (callers that tolerate errors)."""
    try:
        items = api.list_objects(
            group_resource, namespace, label_selector=label_selector, field_selector=field_selector
        )
    except StatusError:
        return None
    return [x for x in items if isinstance(x, dict)]


def search_events(
    api: DescribeClient, kind: str, name: str, namespace: str, uid: str, list_namespace: str | None
) -> list[dict]:
    """``searchEvents``: list events whose involvedObject matches (field selector keys sorted, as Go does)."""
    fields: dict[str, str] = {"involvedObject.name": name, "involvedObject.namespace": namespace}
    if kind:
        fields["involvedObject.kind"] = kind
    if uid:
        fields["involvedObject.uid"] = uid
    selector = ",".join(f"{k}={escape_field_value(fields[k])}" for k in sorted(fields))
    items = safe_list(api, "events", list_namespace or None, field_selector=selector)
    return items or []


def events_for(api: DescribeClient, kind: str, obj: dict) -> list[dict]:
    """Events about a namespaced or cluster-scoped object (``searchEvents(client, obj)``)."""
    meta = d(obj, "metadata")
    ns = s(meta, "namespace")
    return search_events(api, kind, s(meta, "name"), ns, s(meta, "uid"), ns or None)


def _event_sort_time(e: dict) -> float:
    series = e.get("series")
    if isinstance(series, dict):
        ts = parse_rfc3339(s(series, "lastObservedTime"))
        return ts if ts is not None else -math.inf
    ts = parse_rfc3339(s(e, "lastTimestamp"))
    if ts is not None:
        return ts
    ts = parse_rfc3339(s(e, "eventTime"))
    return ts if ts is not None else -math.inf


def describe_events(events: list[dict], w: PrefixWriter, now: float) -> None:
    """``DescribeEvents``: the Events table (oldest first) or ``Events: <none>``."""
    if not events:
        w.write(LEVEL_0, "Events:\t<none>\n")
        return
    w.flush()
    items = sorted(events, key=_event_sort_time)
    w.write(LEVEL_0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(LEVEL_1, "----\t------\t----\t----\t-------\n")
    for e in items:
        if s(e, "eventTime"):
            first = since(now, s(e, "eventTime"))
        else:
            first = since(now, s(e, "firstTimestamp"))
        series = e.get("series")
        if isinstance(series, dict):
            interval = f"{since(now, s(series, 'lastObservedTime'))} (x{i(series, 'count')} over {first})"
        elif i(e, "count") > 1:
            interval = f"{since(now, s(e, 'lastTimestamp'))} (x{i(e, 'count')} over {first})"
        else:
            interval = first
        source = s(e, "source", "component") or s(e, "reportingComponent") or s(e, "reportingController")
        w.write(
            LEVEL_1, f"{s(e, 'type')}\t{s(e, 'reason')}\t{interval}\t{source}\t{s(e, 'message').strip()}\n"
        )


def sorted_names(mapping: Mapping[str, Any]) -> list[str]:
    """Resource names sorted as ``SortedResourceNames`` does."""
    return sorted(mapping)


def first_or(items: Iterable[Any], pred: Callable[[Any], bool]) -> Any:
    """The first item satisfying ``pred`` or None."""
    for x in items:
        if pred(x):
            return x
    return None
