"""kubectl's ``GenericDescriberFor``: any kind without a dedicated describer (Events included)."""

from __future__ import annotations

import unicodedata

from .common import (
    DescribeClient,
    d,
    describe_events,
    go_value,
    print_annotations_multiline,
    print_labels_multiline,
    s,
    search_events,
)
from .tabwriter import LEVEL_0, PrefixWriter

_ACRONYMS = ("API", "URL", "UID", "OSB", "GUID")
_SKIP = (
    ".metadata.managedFields",
    ".metadata.name",
    ".metadata.namespace",
    ".metadata.labels",
    ".metadata.annotations",
)


def _char_class(ch: str) -> int:
    if ch.islower():
        return 1
    if ch.isupper():
        return 2
    if unicodedata.category(ch) == "Nd":
        return 3
    return 4


def camelcase_split(src: str) -> list[str]:
    """``github.com/fatih/camelcase.Split``: ``apiVersion`` -> ``[api Version]``, ``PDFLoader`` -> ``[PDF Loader]``."""
    runs: list[list[str]] = []
    last = 0
    for ch in src:
        cls = _char_class(ch)
        if cls == last and runs:
            runs[-1].append(ch)
        else:
            runs.append([ch])
        last = cls
    for n in range(len(runs) - 1):
        if runs[n] and runs[n][0].isupper() and runs[n + 1] and runs[n + 1][0].islower():
            runs[n + 1].insert(0, runs[n].pop())
    return ["".join(r) for r in runs if r]


def _title(word: str) -> str:
    # strings.Title: upper-case the first letter of each word (words here never contain spaces).
    return word[:1].upper() + word[1:] if word else word


def smart_label_for(field: str) -> str:
    """describe.go ``smartLabelFor``: ``involvedObject`` -> ``Involved Object``, ``uid`` -> ``UID``."""
    if any(not (ch.isalpha() or ch == "-") for ch in field):
        return field
    parts = []
    for part in camelcase_split(field):
        if part == "_":
            continue
        parts.append(part.upper() if part.upper() in _ACRONYMS else _title(part))
    return " ".join(parts)


def print_unstructured_content(w: PrefixWriter, level: int, content: dict, skip_prefix: str) -> None:
    """``printUnstructuredContent``: sorted keys, nested maps indented, list items one per line."""
    for field in sorted(content):
        value = content[field]
        skip_expr = f"{skip_prefix}.{field}"
        if skip_expr in _SKIP:
            continue
        if isinstance(value, dict):
            w.write(level, f"{smart_label_for(field)}:\n")
            print_unstructured_content(w, level + 1, value, skip_expr)
        elif isinstance(value, list):
            w.write(level, f"{smart_label_for(field)}:\n")
            for child in value:
                if isinstance(child, dict):
                    print_unstructured_content(w, level + 1, child, skip_expr)
                else:
                    w.write(level + 1, f"{go_value(child)}\n")
        else:
            w.write(level, f"{smart_label_for(field)}:\t{go_value(value)}\n")


def describe_generic(api: DescribeClient, kind: str, obj: dict, now: float, w: PrefixWriter) -> None:
    """The generic describer: name, namespace, labels, annotations, every other field, then events."""
    meta = d(obj, "metadata")
    ns = s(meta, "namespace")
    events = search_events(api, s(obj, "kind") or kind, s(meta, "name"), ns, s(meta, "uid"), ns or None)
    w.write(LEVEL_0, f"Name:\t{s(meta, 'name')}\n")
    w.write(LEVEL_0, f"Namespace:\t{ns}\n")
    print_labels_multiline(w, "Labels", meta.get("labels"))
    print_annotations_multiline(w, "Annotations", meta.get("annotations"))
    print_unstructured_content(w, LEVEL_0, obj, "")
    describe_events(events, w, now)
