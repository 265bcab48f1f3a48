"""kubectl's JSONPath: a port of client-go ``util/jsonpath`` (parser and executor) as kubectl v1.32 runs it.

Objects are plain JSON-shaped values (dict, list, str, int, float, bool, None), which is what kubectl
works on for ``kubectl get`` (unstructured objects: integers stay integers, so ``{.spec.replicas}``
prints ``3``). Go's printing rules are reproduced: scalars with ``fmt.Print``, maps and lists with
``encoding/json`` (sorted keys, ``<``, ``>`` and ``&`` escaped), ``null`` for a JSON null.

When kubectl prints several objects (``kubectl get pods -o jsonpath=...``) it runs the template once,
against a List built from them (see :func:`list_object`); a template like ``{.items[*].metadata.name}``
therefore addresses ``.items``. Use :func:`print_jsonpath` to get kubectl's exact stdout / error text.

Go iterates map keys in random order for ``*`` and ``..``; this port visits them in sorted order.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

__all__ = [
    "JSONPath",
    "JSONPathError",
    "JSONPathParseError",
    "JSONPathExecError",
    "RelaxedJSONPathError",
    "relaxed_jsonpath_expression",
    "list_object",
    "print_jsonpath",
    "go_sprint",
    "go_json_indent",
    "go_json",
    "go_format_float",
    "go_sharp_v",
    "go_quote",
]


class JSONPathError(ValueError):
    """A JSONPath failure; ``stderr`` is the full text kubectl writes to stderr (exit code 1)."""

    def __init__(self, message: str, stderr: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.stderr = stderr if stderr is not None else f"error: {message}\n"


class JSONPathParseError(JSONPathError):
    """The template does not parse (client-go's parser error, e.g. ``unclosed action``)."""


class JSONPathExecError(JSONPathError):
    """The template parsed but failed on the data (e.g. ``array index out of bounds: ...``)."""


class RelaxedJSONPathError(JSONPathError):
    """A column or sort expression that ``RelaxedJSONPathExpression`` rejects."""


# --------------------------------------------------------------------------------------------------
# Go value formatting
# --------------------------------------------------------------------------------------------------


class _Byte(int):
    """A Go ``uint8``: what indexing a Go string (``.*`` on a string) yields."""


def _shortest_digits(f: float) -> tuple[str, int]:
    """Shortest round-trip decimal digits of abs(f) and the decimal point position (Go's ``digs.dp``)."""
    sign, digits, exp = Decimal(repr(abs(f))).as_tuple()
    ds = "".join(str(d) for d in digits).lstrip("0")
    assert isinstance(exp, int)
    if not ds:
        return "0", 1
    stripped = ds.rstrip("0")
    exp += len(ds) - len(stripped)
    return stripped, len(stripped) + exp


def _fmt_e(neg: bool, ds: str, dp: int) -> str:
    mant = ds[0] + ("." + ds[1:] if len(ds) > 1 else "")
    e = dp - 1 if ds != "0" else 0
    return ("-" if neg else "") + mant + "e" + ("-" if e < 0 else "+") + f"{abs(e):02d}"


def _fmt_f(neg: bool, ds: str, dp: int) -> str:
    if ds == "0":
        s = "0"
    elif dp <= 0:
        s = "0." + "0" * (-dp) + ds
    elif dp >= len(ds):
        s = ds + "0" * (dp - len(ds))
    else:
        s = ds[:dp] + "." + ds[dp:]
    return ("-" if neg else "") + s


def go_format_float(f: float) -> str:
    """Format a float64 the way Go's ``fmt.Print`` / ``%v`` does (``%g`` shortest: 1e+06, 0.5, 1.5e-05)."""
    if f != f:
        return "NaN"
    if f in (float("inf"), float("-inf")):
        return "+Inf" if f > 0 else "-Inf"
    neg = f < 0 or (f == 0 and str(f).startswith("-"))
    ds, dp = _shortest_digits(f)
    exp = dp - 1
    if ds != "0" and (exp < -4 or exp >= 6):
        return _fmt_e(neg, ds, dp)
    return _fmt_f(neg, ds, dp)


def _json_float(f: float) -> str:
    """Format a float64 the way Go's ``encoding/json`` does."""
    neg = f < 0 or (f == 0 and str(f).startswith("-"))
    a = abs(f)
    ds, dp = _shortest_digits(f)
    if a != 0 and (a < 1e-6 or a >= 1e21):
        s = _fmt_e(neg, ds, dp)
        if len(s) >= 4 and s[-4] == "e" and s[-3] == "-" and s[-2] == "0":
            s = s[:-2] + s[-1]
        return s
    return _fmt_f(neg, ds, dp)


_JSON_ESC = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _json_str(s: str) -> str:
    out = ['"']
    for ch in s:
        if ch in _JSON_ESC:
            out.append(_JSON_ESC[ch])
        elif ch < " " or ch in "<>&\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def go_json(v: Any) -> str:
    """Serialize like Go's ``json.Marshal`` of an unstructured value (sorted keys, HTML-safe escapes)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(int(v))
    if isinstance(v, float):
        return _json_float(v)
    if isinstance(v, str):
        return _json_str(v)
    if isinstance(v, dict):
        return "{" + ",".join(_json_str(str(k)) + ":" + go_json(v[k]) for k in sorted(v, key=str)) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(go_json(x) for x in v) + "]"
    return _json_str(str(v))


def go_json_indent(v: Any, level: int = 0) -> str:
    """Serialize like Go's ``json.MarshalIndent(v, "", "    ")``."""
    pad, inner = "    " * level, "    " * (level + 1)
    if isinstance(v, dict) and v:
        items = [f"{inner}{_json_str(str(k))}: {go_json_indent(v[k], level + 1)}" for k in sorted(v, key=str)]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(v, (list, tuple)) and v:
        return "[\n" + ",\n".join(inner + go_json_indent(x, level + 1) for x in v) + "\n" + pad + "]"
    return go_json(v)


def go_sprint(v: Any) -> str:
    """Format a value the way Go's ``fmt.Sprint`` does (maps as ``map[k:v]``, lists as ``[a b]``)."""
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(int(v))
    if isinstance(v, float):
        return go_format_float(v)
    if isinstance(v, str):
        return v
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{go_sprint(v[k])}" for k in sorted(v, key=str)) + "]"
    if isinstance(v, (list, tuple)):
        return "[" + " ".join(go_sprint(x) for x in v) + "]"
    return str(v)


def go_quote(s: str) -> str:
    """Go's ``strconv.Quote``."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == " " or (o >= 0x20 and ch.isprintable()):
            out.append(ch)
        elif ch in "\a\b\f\n\r\t\v":
            out.append(
                {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch, "\\v")
            )
        elif o < 0x20 or o == 0x7F:
            out.append(f"\\x{o:02x}")
        elif o <= 0xFFFF:
            out.append(f"\\u{o:04x}")
        else:
            out.append(f"\\U{o:08x}")
    out.append('"')
    return "".join(out)


def go_sharp_v(v: Any, top: bool = True) -> str:
    """Format an unstructured value like Go's ``%#v`` (used in kubectl's jsonpath debugging dump)."""
    if v is None:
        return "<nil>" if top else "interface {}(nil)"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, _Byte):
        return f"0x{int(v):x}"
    if isinstance(v, int):
        return str(int(v))
    if isinstance(v, float):
        return go_format_float(v)
    if isinstance(v, str):
        return go_quote(v)
    if isinstance(v, dict):
        inner = ", ".join(go_quote(str(k)) + ":" + go_sharp_v(v[k], False) for k in sorted(v, key=str))
        return "map[string]interface {}{" + inner + "}"
    if isinstance(v, (list, tuple)):
        return "[]interface {}{" + ", ".join(go_sharp_v(x, False) for x in v) + "}"
    return go_quote(str(v))


def _go_type(v: Any) -> str:
    """The Go type name of an unstructured value (``reflect.Value.Type()``)."""
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, _Byte):
        return "uint8"
    if isinstance(v, int):
        return "int64"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "map[string]interface {}"
    if isinstance(v, (list, tuple)):
        return "[]interface {}"
    return "interface {}"


def _go_v_reflect(v: Any) -> str:
    """``%v`` of a ``reflect.Value`` (a nil interface prints as ``<invalid reflect.Value>``)."""
    return "<invalid reflect.Value>" if v is None else go_sprint(v)


# --------------------------------------------------------------------------------------------------
# Parser (client-go util/jsonpath/parser.go)
# --------------------------------------------------------------------------------------------------

_EOF = ""


class _Node:
    pass


@dataclass
class _ListNode(_Node):
    nodes: list[_Node] = field(default_factory=list)


@dataclass
class _TextNode(_Node):
    text: str


@dataclass
class _FieldNode(_Node):
    value: str


@dataclass
class _Param:
    value: int = 0
    known: bool = False
    derived: bool = False


@dataclass
class _ArrayNode(_Node):
    params: list[_Param]


@dataclass
class _FilterNode(_Node):
    left: _ListNode
    right: _ListNode
    operator: str


@dataclass
class _IntNode(_Node):
    value: int


@dataclass
class _FloatNode(_Node):
    value: float


@dataclass
class _BoolNode(_Node):
    value: bool


class _WildcardNode(_Node):
    pass


class _RecursiveNode(_Node):
    pass


@dataclass
class _UnionNode(_Node):
    nodes: list[_ListNode]


@dataclass
class _IdentifierNode(_Node):
    name: str


class _ParseError(Exception):
    pass


_DICT_KEY_RE = re.compile(r"^'([^']*)'$")
_SLICE_RE = re.compile(r"^(-?[0-9]*)(:-?[0-9]*)?(:-?[0-9]*)?$")
_FILTER_RE = re.compile(r"^([^!<>=]+)([!<>=]+)(.+?)$")
_INT64_MAX = 2**63 - 1


def _is_digit(r: str) -> bool:
    return r != _EOF and unicodedata.category(r) == "Nd"


def _is_alnum(r: str) -> bool:
    return r == "_" or (r != _EOF and (unicodedata.category(r).startswith("L") or _is_digit(r)))


def _is_terminator(r: str) -> bool:
    return r in (" ", "\t", "\r", "\n", _EOF, ".", ",", "[", "]", "$", "@", "{", "}")


def _go_atoi(s: str) -> int:
    if not re.fullmatch(r"[+-]?[0-9]+", s):
        raise ValueError(s)
    i = int(s)
    if not -(2**63) <= i <= _INT64_MAX:
        raise ValueError(s)
    return i


def _go_parse_float(s: str) -> float:
    if not re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)", s):
        raise ValueError(s)
    return float(s)


_SIMPLE_ESC = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def _unquote_extend(s: str) -> str:
    """client-go ``UnquoteExtend``: Go's ``strconv.Unquote`` that also accepts single-quoted strings."""
    if len(s) < 2 or s[0] != s[-1] or s[0] not in "\"'":
        raise ValueError("invalid syntax")
    quote, body = s[0], s[1:-1]
    if "\\" not in body and quote not in body:
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == quote:
            raise ValueError("invalid syntax")
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 >= len(body):
            raise ValueError("invalid syntax")
        e = body[i + 1]
        i += 2
        if e in _SIMPLE_ESC:
            out.append(_SIMPLE_ESC[e])
        elif e in "'\"":
            if e != quote:
                raise ValueError("invalid syntax")
            out.append(e)
        elif e in "xuU":
            n = {"x": 2, "u": 4, "U": 8}[e]
            h = body[i : i + n]
            if len(h) != n or not re.fullmatch(r"[0-9a-fA-F]+", h):
                raise ValueError("invalid syntax")
            v = int(h, 16)
            if e != "x" and (v > 0x10FFFF or 0xD800 <= v <= 0xDFFF):
                raise ValueError("invalid syntax")
            out.append(chr(v))
            i += n
        elif e in "01234567":
            o = body[i - 1 : i + 2]
            if len(o) != 3 or not re.fullmatch(r"[0-7]{3}", o) or int(o, 8) > 255:
                raise ValueError("invalid syntax")
            out.append(chr(int(o, 8)))
            i += 2
        else:
            raise ValueError("invalid syntax")
    return "".join(out)


class _Parser:
    def __init__(self) -> None:
        self.root = _ListNode()
        self.input = ""
        self.pos = 0
        self.start = 0
        self.width = 0

    def parse(self, text: str) -> _ListNode:
        self.input = text
        self.root = _ListNode()
        self.pos = 0
        # parseText / parseLeftDelim / parseRightDelim as a loop instead of Go's mutual recursion.
        while self._parse_text(self.root):
            self.pos += 1
            self._consume()
            new = _ListNode()
            self.root.nodes.append(new)
            self._parse_inside_action(new)
        return self.root

    def _consume(self) -> str:
        v = self.input[self.start : self.pos]
        self.start = self.pos
        return v

    def _next(self) -> str:
        if self.pos >= len(self.input):
            self.width = 0
            return _EOF
        self.width = 1
        self.pos += 1
        return self.input[self.pos - 1]

    def _peek(self) -> str:
        r = self._next()
        self._backup()
        return r

    def _backup(self) -> None:
        self.pos -= self.width

    def _parse_text(self, cur: _ListNode) -> bool:
        """Scan text up to the next ``{``; True when an action starts there."""
        while True:
            if self.input.startswith("{", self.pos):
                if self.pos > self.start:
                    cur.nodes.append(_TextNode(self._consume()))
                return True
            if self._next() == _EOF:
                break
        if self.pos > self.start:
            cur.nodes.append(_TextNode(self._consume()))
        return False

    def _parse_inside_action(self, cur: _ListNode) -> None:
        # Iterative form of the Go parser's tail recursion.
        while True:
            rest = self.input[self.pos :]
            if rest.startswith("}"):
                self.pos += 1
                self._consume()
                return
            if rest.startswith("[?("):
                self._parse_filter(cur)
                continue
            if rest.startswith(".."):
                self._parse_recursive(cur)
                continue
            r = self._next()
            if r == _EOF or r in "\r\n":
                raise _ParseError("unclosed action")
            if r == " ":
                self._consume()
            elif r in "@$":
                self._consume()
            elif r == "[":
                self._parse_array(cur)
            elif r in "\"'":
                self._parse_quote(cur, r)
            elif r == ".":
                self._parse_field(cur)
            elif r in "+-" or _is_digit(r):
                self._backup()
                self._parse_number(cur)
            elif _is_alnum(r):
                self._backup()
                self._parse_identifier(cur)
            else:
                raise _ParseError(f"unrecognized character in action: {_go_sharp_u(r)}")

    def _parse_identifier(self, cur: _ListNode) -> None:
        while True:
            r = self._next()
            if _is_terminator(r):
                self._backup()
                break
        value = self._consume()
        if value in ("true", "false"):
            cur.nodes.append(_BoolNode(value == "true"))
        else:
            cur.nodes.append(_IdentifierNode(value))

    def _parse_recursive(self, cur: _ListNode) -> None:
        if cur.nodes and isinstance(cur.nodes[-1], _RecursiveNode):
            raise _ParseError("invalid multiple recursive descent")
        self.pos += 2
        self._consume()
        cur.nodes.append(_RecursiveNode())
        if _is_alnum(self._peek()):
            self._parse_field(cur)

    def _parse_number(self, cur: _ListNode) -> None:
        r = self._peek()
        if r in ("+", "-"):
            self._next()
        while True:
            r = self._next()
            if r != "." and not _is_digit(r):
                self._backup()
                break
        value = self._consume()
        try:
            cur.nodes.append(_IntNode(_go_atoi(value)))
            return
        except ValueError:
            pass
        try:
            cur.nodes.append(_FloatNode(_go_parse_float(value)))
            return
        except ValueError:
            pass
        raise _ParseError(f"cannot parse number {value}")

    def _parse_array(self, cur: _ListNode) -> None:
        while True:
            r = self._next()
            if r == _EOF or r == "\n":
                raise _ParseError("unterminated array")
            if r == "]":
                break
        text = self._consume()[1:-1]
        if text == "*":
            text = ":"
        strs = text.split(",")
        if len(strs) > 1:
            union: list[_ListNode] = []
            for s in strs:
                union.append(_parse_action(f"[{s.strip(' ')}]"))
            cur.nodes.append(_UnionNode(union))
            return
        m = _DICT_KEY_RE.match(text)
        if m:
            sub = _parse_action(f".{m.group(1)}")
            cur.nodes.extend(sub.nodes)
            return
        m = _SLICE_RE.match(text)
        if not m:
            raise _ParseError(f"invalid array index {text}")
        groups = [g or "" for g in m.groups()]
        params = [_Param(), _Param(), _Param()]
        for i in range(3):
            if groups[i] != "":
                if i > 0:
                    groups[i] = groups[i][1:]
                if i > 0 and groups[i] == "":
                    params[i].known = False
                else:
                    params[i].known = True
                    try:
                        params[i].value = _go_atoi(groups[i])
                    except ValueError:
                        raise _ParseError(f"array index {groups[i]} is not a number") from None
            elif i == 1:
                params[i].known = True
                params[i].value = params[0].value + 1
                params[i].derived = True
            else:
                params[i].known = False
                params[i].value = 0
        cur.nodes.append(_ArrayNode(params))

    def _parse_filter(self, cur: _ListNode) -> None:
        self.pos += 3
        self._consume()
        begin = end = False
        pair = ""
        while True:
            r = self._next()
            if r == _EOF or r == "\n":
                raise _ParseError("unterminated filter")
            if r in "\"'":
                if not begin:
                    begin = True
                    pair = r
                    continue
                if self.input[self.pos - 2] != "\\" and r == pair:
                    end = True
            elif r == ")":
                if begin == end:
                    break
        if self._next() != "]":
            raise _ParseError("unclosed array expect ]")
        text = self._consume()[:-2]
        m = _FILTER_RE.match(text)
        if not m:
            cur.nodes.append(_FilterNode(_parse_action(text), _ListNode(), "exists"))
        else:
            left = _parse_action(m.group(1))
            right = _parse_action(m.group(3))
            cur.nodes.append(_FilterNode(left, right, m.group(2)))

    def _parse_quote(self, cur: _ListNode, end: str) -> None:
        while True:
            r = self._next()
            if r == _EOF or r == "\n":
                raise _ParseError("unterminated quoted string")
            if r == end and self.input[self.pos - 2] != "\\":
                break
        value = self._consume()
        try:
            s = _unquote_extend(value)
        except ValueError as e:
            raise _ParseError(f"unquote string {value} error {e}") from None
        cur.nodes.append(_TextNode(s))

    def _parse_field(self, cur: _ListNode) -> None:
        self._consume()
        while self._advance():
            pass
        value = self._consume()
        if value == "*":
            cur.nodes.append(_WildcardNode())
        else:
            cur.nodes.append(_FieldNode(value.replace("\\", "")))

    def _advance(self) -> bool:
        r = self._next()
        if r == "\\":
            self._next()
        elif _is_terminator(r):
            self._backup()
            return False
        return True


def _go_sharp_u(r: str) -> str:
    """Go's ``%#U``: ``U+0041 'A'``, without the quoted rune when it is not printable."""
    u = f"U+{ord(r):04X}"
    return f"{u} '{r}'" if r.isprintable() else u


def _parse_action(text: str) -> _ListNode:
    p = _Parser()
    root = p.parse("{" + text + "}")
    first = root.nodes[0]
    assert isinstance(first, _ListNode)
    return first


def _parse(text: str) -> _ListNode:
    return _Parser().parse(text)


# --------------------------------------------------------------------------------------------------
# Executor (client-go util/jsonpath/jsonpath.go)
# --------------------------------------------------------------------------------------------------


class _ExecError(Exception):
    """An execution error; ``partial`` is what the failing Go walk returned alongside the error."""

    def __init__(self, message: str, partial: list[Any] | None = None) -> None:
        super().__init__(message)
        self.partial: list[Any] = partial or []


_BAD_TYPE = "invalid type for comparison"
_BAD_CMP = "incompatible types for comparison"


def _basic_kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, _Byte):
        return "uint"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    raise _ExecError(_BAD_TYPE)


def _tmpl_equal(a: Any, b: Any) -> bool:
    k1, k2 = _basic_kind(a), _basic_kind(b)
    if k1 != k2:
        if {k1, k2} == {"int", "uint"}:
            return bool(a == b)
        raise _ExecError(_BAD_CMP)
    return bool(a == b)


def _tmpl_less(a: Any, b: Any) -> bool:
    k1, k2 = _basic_kind(a), _basic_kind(b)
    if k1 != k2:
        if {k1, k2} == {"int", "uint"}:
            return bool(a < b)
        raise _ExecError(_BAD_CMP)
    if k1 == "bool":
        raise _ExecError(_BAD_TYPE)
    if k1 == "string":
        return a.encode() < b.encode()
    return bool(a < b)


def _compare(op: str, a: Any, b: Any) -> bool:
    if op == "<":
        return _tmpl_less(a, b)
    if op == ">":
        return not (_tmpl_less(a, b) or _tmpl_equal(a, b))
    if op == "==":
        return _tmpl_equal(a, b)
    if op == "!=":
        return not _tmpl_equal(a, b)
    if op == "<=":
        return _tmpl_less(a, b) or _tmpl_equal(a, b)
    if op == ">=":
        return not _tmpl_less(a, b)
    raise _ExecError(f"unrecognized filter operator {op}")


def _children(v: Any) -> list[Any]:
    if isinstance(v, dict):
        return [v[k] for k in sorted(v, key=str)]
    if isinstance(v, list):
        return list(v)
    if isinstance(v, str):
        return [_Byte(b) for b in v.encode()]
    return []


class JSONPath:
    """A parsed client-go JSONPath template; ``execute(data)`` renders it like ``-o jsonpath``."""

    def __init__(self, template: str, allow_missing_keys: bool = True, output_json: bool = False) -> None:
        self.template = template
        self.allow_missing_keys = allow_missing_keys
        self.output_json = output_json
        try:
            self._root = _parse(template)
        except _ParseError as e:
            msg = f"error parsing jsonpath {template}, {e}\n"
            raise JSONPathParseError(str(e), stderr=f"error: {msg}") from None
        self._nodes: list[_Node] = []
        self._begin_range = 0
        self._in_range = 0
        self._end_range = 0
        self._last_end: _Node | None = None

    # -- public API -------------------------------------------------------------------------------

    def find_results(self, data: Any) -> list[list[Any]]:
        """client-go ``FindResults``: one list of values per top-level template node."""
        self._nodes = list(self._root.nodes)
        self._begin_range = self._in_range = self._end_range = 0
        self._last_end = None
        try:
            return self._find(data)
        except _ExecError as e:
            raise JSONPathExecError(str(e), stderr=self._exec_stderr(str(e), data)) from None
        except RecursionError:
            raise JSONPathExecError("recursion", stderr=self._exec_stderr("recursion", data)) from None

    def execute(self, data: Any) -> str:
        """Render the template against ``data`` exactly as kubectl's ``-o jsonpath`` prints it."""
        return "".join(self.print_results(r) for r in self.find_results(data))

    def print_results(self, results: list[Any]) -> str:
        """client-go ``PrintResults``: values space-separated; maps/lists/null as JSON, scalars as Go prints."""
        if self.output_json:  # -o jsonpath-as-json
            return go_json_indent(list(results)) + "\n"
        parts = []
        for r in results:
            if r is None or isinstance(r, (dict, list)):
                parts.append(go_json(r))
            else:
                parts.append(go_sprint(r))
        return " ".join(parts)

    # -- internals --------------------------------------------------------------------------------

    def _exec_stderr(self, err: str, data: Any) -> str:
        buf = (
            f"Error executing template: {err}. Printing more information for debugging the template:\n"
            f"\ttemplate was:\n\t\t{self.template}\n"
            f"\tobject given to jsonpath engine was:\n\t\t{go_sharp_v(data)}\n\n"
        )
        return f"error: error executing jsonpath {go_quote(self.template)}: {buf}\n"

    def _find(self, data: Any) -> list[list[Any]]:
        cur = [data]
        nodes = self._nodes
        full: list[list[Any]] = []
        i = 0
        while i < len(nodes):
            node = nodes[i]
            results = self._walk(cur, node)
            if self._end_range > 0 and self._end_range <= self._in_range:
                self._end_range -= 1
                self._last_end = node
                break
            if self._begin_range > 0:
                self._begin_range -= 1
                self._in_range += 1
                if results:
                    for value in results:
                        self._nodes = nodes[i + 1 :]
                        full.extend(self._find(value))
                else:
                    self._nodes = nodes[i + 1 :]
                    self._find(None)
                self._in_range -= 1
                for k in range(i + 1, len(nodes)):
                    if nodes[k] is self._last_end:
                        i = k
                        break
                i += 1
                continue
            full.append(results)
            i += 1
        return full

    def _walk(self, value: list[Any], node: _Node) -> list[Any]:
        if isinstance(node, _ListNode):
            return self._eval_list(value, node)
        if isinstance(node, _TextNode):
            return [node.text]
        if isinstance(node, _FieldNode):
            return self._eval_field(value, node)
        if isinstance(node, _ArrayNode):
            return self._eval_array(value, node)
        if isinstance(node, _FilterNode):
            return self._eval_filter(value, node)
        if isinstance(node, (_IntNode, _FloatNode, _BoolNode)):
            return [node.value for _ in value]
        if isinstance(node, _WildcardNode):
            out: list[Any] = []
            for v in value:
                if v is not None:
                    out.extend(_children(v))
            return out
        if isinstance(node, _RecursiveNode):
            return self._eval_recursive(value)
        if isinstance(node, _UnionNode):
            res: list[Any] = []
            for ln in node.nodes:
                try:
                    res.extend(self._eval_list(value, ln))
                except _ExecError as e:
                    e.partial = value
                    raise
            return res
        if isinstance(node, _IdentifierNode):
            return self._eval_identifier(value, node)
        raise _ExecError(f"unexpected Node {node}")

    def _eval_list(self, value: list[Any], node: _ListNode) -> list[Any]:
        cur = value
        for n in node.nodes:
            cur = self._walk(cur, n)
        return cur

    def _eval_identifier(self, value: list[Any], node: _IdentifierNode) -> list[Any]:
        if node.name == "range":
            self._begin_range += 1
            return value
        if node.name == "end":
            if self._in_range > 0:
                self._end_range += 1
                return []
            raise _ExecError("not in range, nothing to end")
        raise _ExecError(f"unrecognized identifier {node.name}", value)

    def _eval_array(self, value: list[Any], node: _ArrayNode) -> list[Any]:
        result: list[Any] = []
        for v in value:
            if v is None:
                continue
            if not isinstance(v, list):
                raise _ExecError(f"{_go_type(v)} is not array or slice", value)
            p0, p1, p2 = (_Param(p.value, p.known, p.derived) for p in node.params)
            n = len(v)
            if not p0.known:
                p0.value = 0
            if p0.value < 0:
                p0.value += n
            if not p1.known:
                p1.value = n
            if p1.value < 0 or (p1.value == 0 and p1.derived):
                p1.value += n
            if p1.value != p0.value:
                if p0.value >= n or p0.value < 0:
                    raise _ExecError(f"array index out of bounds: index {p0.value}, length {n}", value)
                if p1.value > n or p1.value < 0:
                    raise _ExecError(f"array index out of bounds: index {p1.value - 1}, length {n}", value)
                if p0.value > p1.value:
                    raise _ExecError(
                        f"starting index {p0.value} is greater than ending index {p1.value}", value
                    )
            else:
                return result
            sliced = v[p0.value : p1.value]
            step = 1
            if p2.known:
                if p2.value <= 0:
                    raise _ExecError("step must be > 0", value)
                step = p2.value
            result.extend(sliced[::step])
        return result

    def _eval_field(self, value: list[Any], node: _FieldNode) -> list[Any]:
        results: list[Any] = []
        if not value:
            return results
        for v in value:
            if v is None:
                continue
            if isinstance(v, dict) and node.value in v:
                results.append(v[node.value])
        if not results:
            if self.allow_missing_keys:
                return results
            raise _ExecError(f"{node.value} is not found")
        return results

    def _eval_recursive(self, value: list[Any]) -> list[Any]:
        result: list[Any] = []
        for v in value:
            if v is None:
                continue
            kids = _children(v)
            if kids:
                result.append(v)
                result.extend(self._eval_recursive(kids))
        return result

    def _eval_filter(self, value: list[Any], node: _FilterNode) -> list[Any]:
        results: list[Any] = []
        for v in value:
            if not isinstance(v, list):
                raise _ExecError(f"{_go_v_reflect(v)} is not array or slice and cannot be filtered", value)
            for item in v:
                temp = [item]
                if node.operator == "exists":
                    try:
                        lefts = self._eval_list(temp, node.left)
                    except _ExecError as e:
                        lefts = e.partial
                    if lefts:
                        results.append(item)
                    continue
                lefts = self._eval_list(temp, node.left)
                if not lefts:
                    continue
                if len(lefts) > 1:
                    raise _ExecError("can only compare one element at a time")
                rights = self._eval_list(temp, node.right)
                if not rights:
                    continue
                if len(rights) > 1:
                    raise _ExecError("can only compare one element at a time")
                if _compare(node.operator, lefts[0], rights[0]):
                    results.append(item)
        return results


# --------------------------------------------------------------------------------------------------
# kubectl glue
# --------------------------------------------------------------------------------------------------

_RELAXED_RE = re.compile(r"^\{\.?([^{}]+)\}$|^\.?([^{}]+)$")


def relaxed_jsonpath_expression(path: str) -> str:
    """kubectl's ``RelaxedJSONPathExpression``: ``a.b``, ``.a.b``, ``{a.b}`` and ``{.a.b}`` all become ``{.a.b}``."""
    if path == "":
        return path
    m = _RELAXED_RE.match(path)
    if not m:
        raise RelaxedJSONPathError(
            "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or "
            "'{.name1.name2}'"
        )
    return "{." + (m.group(1) or m.group(2)) + "}"


def list_object(items: list[dict[str, Any]], resource_version: str = "") -> dict[str, Any]:
    """The List kubectl builds around several objects before running a jsonpath/template printer on it."""
    return {
        "apiVersion": "v1",
        "items": list(items),
        "kind": "List",
        "metadata": {"resourceVersion": resource_version},
    }


def print_jsonpath(template: str, obj: Any, allow_missing_keys: bool = True, as_json: bool = False) -> str:
    """``kubectl ... -o jsonpath=TEMPLATE`` (``as_json``: ``-o jsonpath-as-json=``) on one object or a List.

    Returns stdout; raises JSONPathError whose ``stderr`` is kubectl's complete error output.
    """
    return JSONPath(template, allow_missing_keys, output_json=as_json).execute(obj)
