"""The lesson-pack format as a JSON Schema (one source of truth) and the small validator the linter uses.

``docs/lesson-pack.schema.json`` is generated from ``json_schema()`` (``python -m k8stutor.lessons.schema``) so
editors validate exactly what ``k8stutor lessons lint`` accepts.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import Any

FORMAT_VERSION = 1
LANG_RX = r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$"
ID_RX = r"^[a-z0-9][a-z0-9._-]{0,62}$"
DURATION_RX = r"^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$|^[0-9]+(\.[0-9]+)?$"

# Comparison operators shared by field, count, pod restarts.
OPS = ("equals", "not_equals", "matches", "contains", "at_least", "at_most", "greater_than", "less_than")

# check type -> (what its value is, extra keys it takes, a one-line description)
CHECK_TYPES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "exists": ("KIND/NAME", ("namespace",), "the object exists"),
    "absent": ("KIND/NAME", ("namespace",), "the object does not exist"),
    "field": (
        "KIND/NAME",
        ("namespace", "path", *OPS),
        "a field of an object (JSONPath) compares to a value",
    ),
    "count": (
        "KIND",
        ("namespace", "selector", "phase", "ready", "where", *OPS),
        "how many objects match a selector and conditions",
    ),
    "pod": (
        "NAME",
        ("namespace", "phase", "ready", "restarts", "node"),
        "a pod's phase, readiness, restarts",
    ),
    "pods": (
        "SELECTOR",
        ("namespace", "phase", "ready", "restarts", "node"),
        "every pod matching a label selector (at least one) has a phase, readiness, restarts",
    ),
    "rollout_complete": (
        "KIND/NAME",
        ("namespace",),
        "a Deployment, DaemonSet or StatefulSet finished rolling out",
    ),
    "event": ("REASON", ("namespace", "object", "type", "message_contains", "since"), "an event happened"),
    "command_used": ("PATTERN", ("regex", "since"), "the learner ran a matching command"),
    "command_avoided": ("PATTERN", ("regex", "since"), "the learner did not run a matching command"),
    "output_contains": (
        "TEXT",
        ("command", "regex", "since"),
        "a command's output contains text (the learner's, or a read-only command run to check)",
    ),
    "http": (
        "URL",
        ("from", "namespace", "status", "body_contains"),
        "an HTTP request from the workstation or a pod gets an answer",
    ),
    "dns": ("NAME", ("from", "namespace", "answer", "resolves"), "a DNS name resolves (to an address)"),
    "can_i": (
        "VERB RESOURCE[/NAME]",
        ("namespace", "as", "groups", "answer"),
        "what kubectl auth can-i answers",
    ),
    "helm_release": (
        "NAME",
        ("namespace", "status", "revision", "chart", "app_version"),
        "a Helm release's state",
    ),
    "scheduler": (
        "POD",
        ("namespace", "result", "node", "reason_contains"),
        "what the scheduler's trace says",
    ),
    "service_endpoints": ("SERVICE", ("namespace", "at_least"), "a Service has ready endpoints"),
    "all": ("[CHECK, ...]", (), "every listed check passes"),
    "any": ("[CHECK, ...]", (), "at least one listed check passes"),
    "not": ("CHECK", (), "the check fails"),
}
CHECK_COMMON = ("label", "explain")
FAULT_TYPES = ("node_down", "node_up", "pull_failure", "slow_pull", "run")
MAX_CHECK_DEPTH = 8


def _text() -> dict[str, Any]:
    return {"$ref": "#/$defs/text"}


def _check_schema() -> dict[str, Any]:
    props: dict[str, Any] = {"label": _text(), "explain": _text()}
    scalar = {"type": ["string", "number", "boolean"]}
    for op in OPS:
        props[op] = scalar
    for name, (_arg, _extra, desc) in CHECK_TYPES.items():
        if name in ("all", "any"):
            props[name] = {
                "type": "array",
                "items": {"$ref": "#/$defs/check"},
                "minItems": 1,
                "description": desc,
            }
        elif name == "not":
            props[name] = {"$ref": "#/$defs/check", "description": desc}
        else:
            props[name] = {"type": "string", "description": desc}
    props.update(
        {
            "namespace": {"type": "string"},
            "path": {"type": "string", "description": "JSONPath, e.g. .spec.replicas or {.status.phase}"},
            "selector": {"type": "string", "description": "label selector, e.g. app=web,tier!=db"},
            "phase": {"enum": ["Pending", "Running", "Succeeded", "Failed", "Unknown"]},
            "ready": {"type": "boolean"},
            "where": {"type": "array", "items": {"$ref": "#/$defs/condition"}},
            "restarts": {"anyOf": [{"type": "integer", "minimum": 0}, {"$ref": "#/$defs/comparison"}]},
            "node": {"type": "string"},
            "object": {"type": "string", "description": "KIND/NAME the event is about"},
            "type": {"enum": ["Normal", "Warning"]},
            "message_contains": {"type": "string"},
            "since": {"enum": ["step", "lesson"]},
            "regex": {"type": "boolean"},
            "command": {"type": "string"},
            "from": {"type": "string", "description": "workstation (default), pod/NAME or node/NAME"},
            "status": {"type": ["integer", "string"]},
            "body_contains": {"type": "string"},
            "answer": {"type": ["string", "boolean"]},
            "resolves": {"type": "boolean"},
            "as": {"type": "string"},
            "groups": {"type": "array", "items": {"type": "string"}},
            "revision": {"type": "integer"},
            "chart": {"type": "string"},
            "app_version": {"type": "string"},
            "result": {"enum": ["Scheduled", "Unschedulable"]},
            "reason_contains": {"type": "string"},
        }
    )
    props["at_least"] = {"type": ["number", "string"]}
    return {
        "type": "object",
        "description": "a declarative check: exactly one of the check keys, plus its options",
        "properties": props,
        "additionalProperties": False,
        "oneOf": [{"required": [n]} for n in CHECK_TYPES],
    }


def json_schema() -> dict[str, Any]:
    """The JSON Schema of pack.yaml and lesson files (one schema; ``kind`` of document is told by its keys)."""
    text = {
        "description": "text (Markdown), or translations keyed by language code",
        "anyOf": [
            {"type": "string"},
            {
                "type": "object",
                "propertyNames": {"pattern": LANG_RX},
                "additionalProperties": {"type": "string"},
                "minProperties": 1,
            },
        ],
    }
    duration = {"anyOf": [{"type": "number", "minimum": 0}, {"type": "string", "pattern": DURATION_RX}]}
    comparison: dict[str, Any] = {
        "type": "object",
        "properties": {op: {"type": ["string", "number", "boolean"]} for op in OPS},
        "additionalProperties": False,
        "minProperties": 1,
    }
    condition = {
        "type": "object",
        "properties": {"path": {"type": "string"}, **comparison["properties"]},
        "required": ["path"],
        "additionalProperties": False,
    }
    command = {"type": "string", "minLength": 1, "maxLength": 4000}
    hint = {
        "anyOf": [
            _text(),
            {
                "type": "object",
                "required": ["text"],
                "additionalProperties": False,
                "properties": {
                    "text": _text(),
                    "after_seconds": {"type": "number", "minimum": 0},
                    "after_attempts": {"type": "integer", "minimum": 0},
                    "when": {"$ref": "#/$defs/check"},
                },
            },
        ]
    }
    disabled = {
        "anyOf": [
            {"type": "string"},
            {
                "type": "object",
                "required": ["pattern"],
                "additionalProperties": False,
                "properties": {
                    "pattern": {"type": "string"},
                    "regex": {"type": "boolean"},
                    "message": _text(),
                },
            },
        ]
    }
    quiz = {
        "type": "object",
        "required": ["question", "answer"],
        "additionalProperties": False,
        "properties": {
            "question": _text(),
            "choices": {"type": "array", "items": _text(), "minItems": 2, "maxItems": 12},
            "answer": {
                "anyOf": [
                    {"type": ["string", "integer"]},
                    {"type": "array", "items": {"type": ["string", "integer"]}, "minItems": 1},
                ]
            },
            "explain": _text(),
            "run": command,
        },
    }
    demo_item = {
        "type": "object",
        "additionalProperties": False,
        "minProperties": 1,
        "properties": {"say": _text(), "run": command, "then": _text()},
    }
    fault = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "at": duration,
            "node_down": {"type": "string"},
            "node_up": {"type": "string"},
            "pull_failure": {"type": "string"},
            "message": {"type": "string"},
            "slow_pull": {"type": "string"},
            "seconds": {"type": "number", "minimum": 0},
            "run": command,
        },
        "oneOf": [{"required": [f]} for f in FAULT_TYPES],
    }
    step = {
        "type": "object",
        "required": ["title"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": ID_RX},
            "title": _text(),
            "text": _text(),
            "goal": {"type": "array", "items": {"$ref": "#/$defs/check"}, "maxItems": 50},
            "hints": {"type": "array", "items": hint, "maxItems": 30},
            "solution": {"type": "array", "items": command, "maxItems": 100},
            "par": {"type": "integer", "minimum": 0},
            "quiz": quiz,
            "demo": {"type": "array", "items": demo_item, "minItems": 1, "maxItems": 50},
            "disabled_commands": {"type": "array", "items": disabled},
            "highlight": {"enum": ["cluster", "workloads", "events", "scheduler", "network", "helm"]},
        },
    }
    lesson = {
        "type": "object",
        "required": ["id", "title", "steps"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": ID_RX},
            "title": _text(),
            "summary": _text(),
            "objectives": {"type": "array", "items": _text()},
            "estimated_minutes": {"type": "number", "minimum": 0},
            "start": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "preset": {"type": "string"},
                    "seed": {"type": "integer"},
                    "files": {"type": "array", "items": {"type": "string"}},
                    "manifests": {"type": "array", "items": {"type": "string"}},
                    "setup": {"type": "array", "items": command},
                    "advance": duration,
                    "faults": {"type": "array", "items": fault},
                },
            },
            "disabled_commands": {"type": "array", "items": disabled},
            "steps": {"type": "array", "items": {"$ref": "#/$defs/step"}, "minItems": 1, "maxItems": 100},
        },
    }
    lesson_ref = {
        "anyOf": [
            {"type": "string"},
            {
                "type": "object",
                "required": ["file"],
                "additionalProperties": False,
                "properties": {
                    "file": {"type": "string"},
                    "requires": {"type": "array", "items": {"type": "string"}},
                },
            },
        ]
    }
    pack = {
        "type": "object",
        "required": ["format_version", "id", "title", "lessons"],
        "additionalProperties": False,
        "properties": {
            "format_version": {"const": FORMAT_VERSION},
            "id": {"type": "string", "pattern": ID_RX},
            "title": _text(),
            "description": _text(),
            "language": {"type": "string", "pattern": LANG_RX},
            "languages": {"type": "array", "items": {"type": "string", "pattern": LANG_RX}},
            "author": {"type": "string"},
            "version": {"type": "string"},
            "license": {"type": "string"},
            "lessons": {"type": "array", "items": lesson_ref, "minItems": 1, "maxItems": 200},
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://k8stutor.dev/schemas/lesson-pack.schema.json",
        "title": "k8stutor lesson pack (pack.yaml) or lesson file",
        "anyOf": [{"$ref": "#/$defs/pack"}, {"$ref": "#/$defs/lesson"}],
        "$defs": {
            "text": text,
            "duration": duration,
            "comparison": comparison,
            "condition": condition,
            "check": _check_schema(),
            "hint": hint,
            "quiz": quiz,
            "step": step,
            "lesson": lesson,
            "pack": pack,
            "fault": fault,
            "disabled_command": disabled,
        },
    }


# ---- a validator for the subset of JSON Schema used above, with messages for people ----------------------

Problem = tuple[tuple[str | int, ...], str]
_TYPES = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "object": dict,
    "array": list,
}


def _is(value: Any, t: str) -> bool:
    if t in ("integer", "number") and isinstance(value, bool):
        return False
    if t == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES[t])  # type: ignore[arg-type]


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "empty" if value is None else type(value).__name__


class Validator:
    """Validates documents against ``json_schema()`` and returns (path, message) problems."""

    def __init__(self) -> None:
        self.schema = json_schema()
        self.defs = self.schema["$defs"]

    def validate(self, value: Any, definition: str) -> list[Problem]:
        """Problems of ``value`` against ``$defs[definition]`` (empty when valid)."""
        out: list[Problem] = []
        self._check(value, self.defs[definition], (), out, 0)
        return out

    def _resolve(self, s: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in s:
            s = self.defs[s["$ref"].rsplit("/", 1)[1]]
        return s

    def _check(
        self, v: Any, s: dict[str, Any], path: tuple[str | int, ...], out: list[Problem], depth: int
    ) -> None:
        s = self._resolve(s)
        if depth > 40:
            out.append((path, "nested too deeply"))
            return
        if "anyOf" in s:
            best: list[Problem] | None = None
            for sub in s["anyOf"]:
                trial: list[Problem] = []
                self._check(v, sub, path, trial, depth + 1)
                if not trial:
                    return
                sub_r = self._resolve(sub)
                types = sub_r.get("type")
                type_ok = types is None or any(
                    _is(v, t) for t in ([types] if isinstance(types, str) else types)
                )
                if type_ok and (best is None or len(trial) < len(best)):
                    best = trial
            if best is not None:
                out.extend(best)
            else:
                out.append((path, f"expected {self._expect(s)}, found {_describe(v)}"))
            return
        if "const" in s and v != s["const"]:
            out.append((path, f"must be {s['const']!r} (found {v!r})"))
            return
        if "enum" in s and v not in s["enum"]:
            close = difflib.get_close_matches(str(v), [str(e) for e in s["enum"]], 1)
            tip = f" (did you mean {close[0]!r}?)" if close else ""
            out.append((path, f"{v!r} is not one of: {', '.join(map(str, s['enum']))}{tip}"))
            return
        t = s.get("type")
        if t is not None:
            types = [t] if isinstance(t, str) else t
            if not any(_is(v, x) for x in types):
                out.append((path, f"expected {' or '.join(types)}, found {_describe(v)}"))
                return
        if isinstance(v, str):
            if "pattern" in s and not re.search(s["pattern"], v):
                out.append((path, f"{v!r} is not valid here (it must match {s['pattern']})"))
            if len(v) > s.get("maxLength", 1 << 30):
                out.append((path, f"too long ({len(v)} characters; at most {s['maxLength']})"))
            if len(v) < s.get("minLength", 0):
                out.append((path, "must not be empty"))
        if isinstance(v, int | float) and not isinstance(v, bool) and v < s.get("minimum", float("-inf")):
            out.append((path, f"must be at least {s['minimum']} (found {v})"))
        if isinstance(v, list):
            if len(v) < s.get("minItems", 0):
                out.append((path, f"needs at least {s['minItems']} item(s)"))
            if len(v) > s.get("maxItems", 1 << 30):
                out.append((path, f"too many items ({len(v)}; at most {s['maxItems']})"))
            if "items" in s:
                for i, item in enumerate(v):
                    self._check(item, s["items"], path + (i,), out, depth + 1)
        if isinstance(v, dict):
            self._check_object(v, s, path, out, depth)

    def _check_object(
        self,
        v: dict[str, Any],
        s: dict[str, Any],
        path: tuple[str | int, ...],
        out: list[Problem],
        depth: int,
    ) -> None:
        props = s.get("properties", {})
        if "oneOf" in s and all(set(alt) == {"required"} for alt in s["oneOf"]):
            names = [alt["required"][0] for alt in s["oneOf"]]
            present = [n for n in names if n in v]
            what = "check" if "exists" in names else "fault"
            if not present:
                unknown = [k for k in v if k not in props]
                if unknown:
                    close = difflib.get_close_matches(unknown[0], names, 1)
                    tip = f" (did you mean {close[0]!r}?)" if close else ""
                    out.append(
                        (
                            path + (unknown[0],),
                            f"unknown {what} type {unknown[0]!r}{tip}; known: {', '.join(names)}",
                        )
                    )
                else:
                    out.append((path, f"a {what} needs one of: {', '.join(names)}"))
                return
            if len(present) > 1:
                out.append(
                    (path, f"one {what} per item: found {', '.join(present)} (use all: [...] to combine)")
                )
                return
        for req in s.get("required", ()):
            if req not in v:
                out.append((path, f"missing required key {req!r}"))
        if "minProperties" in s and len(v) < s["minProperties"]:
            out.append((path, "must not be empty"))
        pn = s.get("propertyNames")
        extra = s.get("additionalProperties", True)
        for k, item in v.items():
            if pn and not re.search(pn["pattern"], str(k)):
                out.append((path + (k,), f"{k!r} is not a language code (like en, zh or pt-BR)"))
                continue
            if k in props:
                self._check(item, props[k], path + (k,), out, depth + 1)
            elif extra is False:
                close = difflib.get_close_matches(str(k), list(props), 1)
                tip = f" (did you mean {close[0]!r}?)" if close else ""
                out.append((path + (k,), f"unknown key {k!r}{tip}"))
            elif isinstance(extra, dict):
                self._check(item, extra, path + (k,), out, depth + 1)

    def _expect(self, s: dict[str, Any]) -> str:
        kinds: list[str] = []
        for sub in s["anyOf"]:
            r = self._resolve(sub)
            t = r.get("type", "value")
            kinds.extend([t] if isinstance(t, str) else t)
        names = {
            "object": "a mapping",
            "array": "a list",
            "string": "text",
            "number": "a number",
            "integer": "a whole number",
            "boolean": "true/false",
        }
        return " or ".join(dict.fromkeys(names.get(k, k) for k in kinds))


def main() -> None:
    """Print the JSON Schema (``python -m k8stutor.lessons.schema > docs/lesson-pack.schema.json``)."""
    print(json.dumps(json_schema(), indent=2))


if __name__ == "__main__":  # pragma: no cover
    main()
