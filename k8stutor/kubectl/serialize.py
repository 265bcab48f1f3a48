"""kubectl's `-o yaml` and `-o json` printers, reproduced byte for byte.

`-o yaml` goes through sigs.k8s.io/yaml: the object is marshalled to JSON, decoded by the vendored go-yaml v2
into generic maps, and re-encoded by go-yaml v2. So keys are sorted with go-yaml's "natural" key order,
strings that would read back as another type are double-quoted, and the emitter (a libyaml port, best width
80) picks plain, single-quoted, literal or double-quoted style. `-o json` is Go's `json.MarshalIndent` with a
4-space indent and HTML-safe escaping, plus a trailing newline.
"""

from __future__ import annotations

import functools
import json
import math
import re
from decimal import Decimal
from typing import Any

import yaml
from yaml.emitter import ScalarAnalysis

__all__ = ["YamlError", "to_json", "to_yaml", "go_json_float", "go_yaml_float", "go_yaml_resolves_as_string"]

_STR_TAG = "tag:yaml.org,2002:str"

# ---------------------------------------------------------------------------------------------------------
# go-yaml v2 resolve(): would this plain scalar read back as something other than a string?
# ---------------------------------------------------------------------------------------------------------

_RESOLVE_MAP = frozenset(
    "y Y yes Yes YES true True TRUE on On ON n N no No NO false False FALSE off Off OFF "
    "~ null Null NULL .nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF <<".split()
) | {""}
_MAP_HINT = set("yYnNtTfFoO~")
_YAML_STYLE_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_BASE60_FLOAT = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_GO_INT = re.compile(r"^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$")
_GO_UINT = re.compile(r"^(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$")
_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(?:Z|[-+]\d{2}:\d{2}))"
    r"|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?))?$"
)
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _go_parse_int(s: str) -> bool:
    """Whether Go's strconv.ParseInt(s, 0, 64) (or ParseUint, or big.Int) would accept s."""
    return bool(_GO_INT.match(s))


def _go_parse_float(s: str) -> bool:
    """Whether Go's strconv.ParseFloat(s, 64) accepts a decimal literal without a range error."""
    try:
        f = float(s)
    except ValueError:
        return False
    return not math.isinf(f)


def _is_timestamp(s: str) -> bool:
    """Whether go-yaml's parseTimestamp accepts s (the four time.Parse layouts it tries)."""
    m = _TIMESTAMP.match(s)
    if not m:
        return False
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not 1 <= month <= 12 or day < 1:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    if day > (29 if month == 2 and leap else 28 if month == 2 else _DAYS_IN_MONTH[month - 1]):
        return False
    clock = m.group(4, 5, 6) if m.group(4) is not None else m.group(7, 8, 9)
    if clock[0] is not None:
        h, mi, sec = (int(x) for x in clock)
        if h > 23 or mi > 59 or sec > 59:
            return False
    return True


def go_yaml_resolves_as_string(s: str) -> bool:
    """Whether go-yaml v2 may print s unquoted: it resolves to !!str and is not a base-60 float."""
    if s in _RESOLVE_MAP:
        return s == "<<"  # '<' has no resolve hint, so "<<" stays a string
    hint = s[0]
    if hint == ".":
        return not _go_parse_float(s)
    if hint.isascii() and (hint.isdigit() or hint in "+-"):
        if _is_timestamp(s):
            return False
        plain = s.replace("_", "")
        if _go_parse_int(plain):
            return False
        if _YAML_STYLE_FLOAT.match(plain) and _go_parse_float(plain):
            return False
        if re.match(r"^-?0b[01]+$", plain):
            return False
        return not (s[0] in "+-0123456789" and ":" in s and _BASE60_FLOAT.match(s))
    return True


# ---------------------------------------------------------------------------------------------------------
# Numbers: Go's encoding/json float format, and go-yaml's FormatFloat(f, 'g', -1, 64)
# ---------------------------------------------------------------------------------------------------------


def _shortest_digits(f: float) -> tuple[str, int]:
    """Shortest round-trip decimal digits of |f| and the decimal point position (Go's digs.d, digs.dp)."""
    if f == 0:
        return "0", 1
    _, digits, exponent = Decimal(repr(abs(f))).normalize().as_tuple()
    assert isinstance(exponent, int)
    return "".join(map(str, digits)), len(digits) + exponent


def _fmt_e(neg: bool, ds: str, dp: int) -> str:
    """Go's %e in shortest mode: d.ddde±XX (at least two exponent digits)."""
    mant = ds[0] + ("." + ds[1:] if len(ds) > 1 else "")
    exp = dp - 1 if ds != "0" else 0
    return f"{'-' if neg else ''}{mant}e{'-' if exp < 0 else '+'}{abs(exp):02d}"


def _fmt_f(neg: bool, ds: str, dp: int) -> str:
    """Go's %f in shortest mode."""
    if dp <= 0:
        text = "0." + "0" * (-dp) + ds
    elif dp >= len(ds):
        text = ds + "0" * (dp - len(ds))
    else:
        text = ds[:dp] + "." + ds[dp:]
    return ("-" if neg else "") + text


def go_json_float(f: float) -> str:
    """A float64 the way Go's encoding/json writes it (`1`, `0.5`, `1e-7`, `1e+21`)."""
    if math.isnan(f) or math.isinf(f):
        raise ValueError(f"json: unsupported value: {f}")
    neg = math.copysign(1.0, f) < 0 and f != 0
    ds, dp = _shortest_digits(f)
    a = abs(f)
    if a != 0 and (a < 1e-6 or a >= 1e21):
        text = _fmt_e(neg, ds, dp)
        return re.sub(r"e-0(\d)$", r"e-\1", text)
    if f == 0:
        return "-0" if math.copysign(1.0, f) < 0 else "0"
    return _fmt_f(neg, ds, dp)


def go_yaml_float(f: float) -> str:
    """A float64 as go-yaml v2 writes it: strconv.FormatFloat(f, 'g', -1, 64), `.inf`/`.nan` spelled."""
    if math.isnan(f):
        return ".nan"
    if math.isinf(f):
        return ".inf" if f > 0 else "-.inf"
    neg = math.copysign(1.0, f) < 0
    ds, dp = _shortest_digits(f)
    exp = dp - 1
    if ds != "0" and (exp < -4 or exp >= 6):
        return _fmt_e(neg, ds, dp)
    return _fmt_f(neg, ds, dp)


def _yaml_number(f: float) -> str:
    """A JSON float after the JSON → go-yaml decode → encode round trip (integral JSON text reads as int)."""
    text = go_json_float(f)
    if re.fullmatch(r"-?\d+", text) and -(2**63) <= int(text) < 2**64:
        return str(int(text))
    return go_yaml_float(float(text))


# ---------------------------------------------------------------------------------------------------------
# go-yaml v2's map key order (sorter.go keyList.Less), for string keys
# ---------------------------------------------------------------------------------------------------------


def _key_less(a: str, b: str) -> bool:
    """go-yaml v2 keyList.Less for two string keys: letters by rune, digit runs by numeric value."""
    for i in range(min(len(a), len(b))):
        if a[i] == b[i]:
            continue
        al, bl = a[i].isalpha(), b[i].isalpha()
        if al and bl:
            return a[i] < b[i]
        if al or bl:
            return bl
        an = bn = 0
        if a[i] == "0" or b[i] == "0":
            j = i - 1
            while j >= 0 and a[j].isdecimal():
                if a[j] != "0":
                    an = bn = 1
                    break
                j -= 1
        ai = i
        while ai < len(a) and a[ai].isdecimal():
            an = an * 10 + (ord(a[ai]) - 48)
            ai += 1
        bi = i
        while bi < len(b) and b[bi].isdecimal():
            bn = bn * 10 + (ord(b[bi]) - 48)
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return a[i] < b[i]
    return len(a) < len(b)


def _key_cmp(a: str, b: str) -> int:
    if _key_less(a, b):
        return -1
    if _key_less(b, a):
        return 1
    return 0


_KEY_ORDER = functools.cmp_to_key(_key_cmp)


# ---------------------------------------------------------------------------------------------------------
# The emitter: PyYAML's (a libyaml port, like go-yaml's) adjusted where go-yaml differs
# ---------------------------------------------------------------------------------------------------------


def _go_printable(ch: str) -> bool:
    """go-yaml v2 is_printable: BMP only (4-byte UTF-8 is never printable), no U+0085, no BOM."""
    return (
        ch == "\n"
        or "\x20" <= ch <= "\x7e"
        or ("\xa0" <= ch <= "\ud7ff")
        or ("\ue000" <= ch <= "\ufffd" and ch != "\ufeff")
    )


class _GoYamlDumper(yaml.Dumper):
    """A PyYAML Dumper whose scalar analysis and simple-key rule follow go-yaml v2's emitter."""

    yaml_implicit_resolvers: dict[Any, Any] = {}

    def analyze_scalar(self, scalar: str) -> ScalarAnalysis:
        analysis = super().analyze_scalar(scalar)
        if any(not _go_printable(ch) for ch in scalar):
            analysis.allow_flow_plain = analysis.allow_block_plain = False
            analysis.allow_single_quoted = analysis.allow_block = False
        return analysis

    def write_single_quoted(self, text: str, split: bool = True) -> None:
        _write_single_quoted(self, text, split)

    def write_double_quoted(self, text: str, split: bool = True) -> None:
        _write_double_quoted(self, text, split)

    def check_simple_key(self) -> bool:
        event = self.event
        if isinstance(event, yaml.ScalarEvent):
            if self.analysis is None:
                self.analysis = self.analyze_scalar(event.value)
            length = len(event.value.encode("utf-8"))
            return length <= 128 and not self.analysis.multiline
        return bool(super().check_simple_key())


_GO_ESCAPES = {
    "\0": "0",
    "\a": "a",
    "\b": "b",
    "\t": "t",
    "\n": "n",
    "\v": "v",
    "\f": "f",
    "\r": "r",
    "\x1b": "e",
    '"': '"',
    "\\": "\\",
    "\x85": "N",
    "\xa0": "_",
    "\u2028": "L",
    "\u2029": "P",
}


def _write_double_quoted(dumper: yaml.Dumper, text: str, split: bool = True) -> None:
    """go-yaml v2 yaml_emitter_write_double_quoted_scalar: folds only at single spaces past the width."""
    dumper.write_indicator('"', True)

    def put(data: str) -> None:
        dumper.column += len(data)
        dumper.stream.write(data.encode(dumper.encoding) if dumper.encoding else data)

    spaces = False
    n = len(text)
    bom = text.startswith("\ufeff")  # go-yaml's is_bom() looks at byte 0 only, so everything gets escaped
    for i, ch in enumerate(text):
        if bom or not _go_printable(ch) or ch in '\n\r\x85\u2028\u2029\ufeff"\\':
            esc = _GO_ESCAPES.get(ch)
            if esc is None:
                v = ord(ch)
                esc = f"x{v:02X}" if v <= 0xFF else f"u{v:04X}" if v <= 0xFFFF else f"U{v:08X}"
            put("\\" + esc)
            spaces = False
        elif ch == " ":
            if split and not spaces and dumper.column > dumper.best_width and 0 < i < n - 1:
                dumper.write_indent()
                dumper.whitespace = dumper.indention = False
                if text[i + 1] == " ":
                    put("\\")
            else:
                put(" ")
            spaces = True
        else:
            put(ch)
            spaces = False
    dumper.write_indicator('"', False)


def _write_single_quoted(dumper: yaml.Dumper, text: str, split: bool = True) -> None:
    """go-yaml v2 yaml_emitter_write_single_quoted_scalar (no indent after a trailing line break)."""
    dumper.write_indicator("'", True)

    def put(data: str) -> None:
        dumper.column += len(data)
        dumper.stream.write(data.encode(dumper.encoding) if dumper.encoding else data)

    spaces = breaks = False
    n = len(text)
    for i, ch in enumerate(text):
        if ch == " ":
            if (
                split
                and not spaces
                and dumper.column > dumper.best_width
                and 0 < i < n - 1
                and text[i + 1] != " "
            ):
                dumper.write_indent()
            else:
                put(" ")
            spaces = True
        elif ch in "\n\r\x85\u2028\u2029":
            if not breaks and ch == "\n":
                dumper.write_line_break()
            dumper.write_line_break(None if ch == "\n" else ch)
            dumper.indention = True
            breaks = True
        else:
            if breaks:
                dumper.write_indent()
            put("''" if ch == "'" else ch)
            dumper.indention = False
            spaces = breaks = False
    dumper.write_indicator("'", False)


_NEL_RUN = re.compile("[ \x85]*\x85[ \x85]*")
_YAML_FORBIDDEN = re.compile("[\x7f\ufffe\uffff]")


class YamlError(ValueError):
    """A go-yaml failure kubectl reports as `error: <message>` (e.g. control characters in a value)."""


def _after_json_roundtrip(value: str) -> str:
    """The string go-yaml decodes from Go's JSON text: a raw U+0085 is a YAML line break and gets folded."""
    if _YAML_FORBIDDEN.search(value):
        raise YamlError("yaml: control characters are not allowed")
    if "\x85" not in value:
        return value
    return _NEL_RUN.sub(
        lambda m: " " if m.group(0).count("\x85") == 1 else "\n" * (m.group(0).count("\x85") - 1), value
    )


def _str_node(value: str) -> yaml.ScalarNode:
    value = _after_json_roundtrip(value)
    if "\n" in value:
        style: str | None = "|"
    elif go_yaml_resolves_as_string(value):
        style = None
    else:
        style = '"'
    return yaml.ScalarNode(_STR_TAG, value, style=style)


def _to_node(obj: Any) -> yaml.Node:
    if obj is None:
        return yaml.ScalarNode(_STR_TAG, "null")
    if isinstance(obj, bool):
        return yaml.ScalarNode(_STR_TAG, "true" if obj else "false")
    if isinstance(obj, int):
        return yaml.ScalarNode(_STR_TAG, str(obj))
    if isinstance(obj, float):
        return yaml.ScalarNode(_STR_TAG, _yaml_number(obj))
    if isinstance(obj, str):
        return _str_node(obj)
    if isinstance(obj, dict):
        items = [(_str_node(str(k)), _to_node(obj[k])) for k in sorted(obj, key=lambda k: _KEY_ORDER(str(k)))]
        return yaml.MappingNode("tag:yaml.org,2002:map", items, flow_style=not items)
    if isinstance(obj, (list, tuple)):
        seq = [_to_node(v) for v in obj]
        return yaml.SequenceNode("tag:yaml.org,2002:seq", seq, flow_style=not seq)
    raise TypeError(f"cannot serialise {type(obj).__name__} to YAML")


def to_yaml(obj: Any) -> str:
    """Render obj exactly as `kubectl ... -o yaml` prints it (sigs.k8s.io/yaml over go-yaml v2)."""
    node = _to_node(obj)
    out = yaml.serialize(
        node,
        Dumper=_GoYamlDumper,
        allow_unicode=True,
        width=80,
        indent=2,
        explicit_start=False,
        explicit_end=False,
    )
    assert isinstance(out, str)
    if out.endswith("\n...\n"):  # PyYAML closes an open-ended top-level plain scalar; go-yaml does not
        out = out[: -len("...\n")]
    return out


# ---------------------------------------------------------------------------------------------------------
# JSON: Go's json.MarshalIndent(obj, "", "    ") + "\n"
# ---------------------------------------------------------------------------------------------------------

_HTML_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_HTML_RE = re.compile("[<>&\u2028\u2029]")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _json_string(s: str) -> str:
    s = _SURROGATE_RE.sub("\ufffd", s)
    return _HTML_RE.sub(lambda m: _HTML_ESCAPES[m.group(0)], json.dumps(s, ensure_ascii=False))


def _json_value(obj: Any, sort_keys: bool, indent: str, out: list[str]) -> None:
    if obj is None:
        out.append("null")
    elif isinstance(obj, bool):
        out.append("true" if obj else "false")
    elif isinstance(obj, int):
        out.append(str(obj))
    elif isinstance(obj, float):
        out.append(go_json_float(obj))
    elif isinstance(obj, str):
        out.append(_json_string(obj))
    elif isinstance(obj, dict):
        if not obj:
            out.append("{}")
            return
        keys = sorted(obj, key=str) if sort_keys else list(obj)
        inner = indent + "    "
        out.append("{\n")
        for n, k in enumerate(keys):
            out.append(inner + _json_string(str(k)) + ": ")
            _json_value(obj[k], sort_keys, inner, out)
            out.append(",\n" if n < len(keys) - 1 else "\n")
        out.append(indent + "}")
    elif isinstance(obj, (list, tuple)):
        if not obj:
            out.append("[]")
            return
        inner = indent + "    "
        out.append("[\n")
        for n, v in enumerate(obj):
            out.append(inner)
            _json_value(v, sort_keys, inner, out)
            out.append(",\n" if n < len(obj) - 1 else "\n")
        out.append(indent + "]")
    else:
        raise TypeError(f"cannot serialise {type(obj).__name__} to JSON")


def to_json(obj: Any, *, sort_keys: bool) -> str:
    """Render obj as `kubectl ... -o json` prints it; sort_keys for server (unstructured) objects."""
    out: list[str] = []
    _json_value(obj, sort_keys, "", out)
    out.append("\n")
    return "".join(out)
