"""Go's fmt package for template values: Sprint, Sprintln, Sprintf with Go verbs and Go's error notation."""

from __future__ import annotations

import math
import re
from typing import Any

from k8stutor.kubectl.serialize import go_yaml_float

__all__ = ["GoObject", "go_type", "sprint", "sprintln", "sprintf", "format_float_g", "go_quote", "to_str"]


class GoObject:
    """A Go struct (or named type) exposed to templates: fields, methods and how fmt prints it."""

    go_type_name = "struct {}"

    def go_field(self, name: str) -> tuple[bool, Any]:
        """The named exported field: (found, value)."""
        return False, None

    def go_method(self, name: str) -> Any:
        """The named method as a Python callable, or None."""
        return None

    def go_string(self) -> str:
        """What fmt's %v prints for this value."""
        return "{}"


def go_type(v: Any) -> str:
    """The Go type name of a template value (as %T and template errors print it)."""
    if v is None:
        return "<nil>"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, (bytes, bytearray)):
        return "[]uint8"
    if isinstance(v, dict):
        return "map[string]interface {}"
    if isinstance(v, (list, tuple)):
        return "[]interface {}"
    if isinstance(v, GoObject):
        return v.go_type_name
    return type(v).__name__


def format_float_g(f: float) -> str:
    """strconv.FormatFloat(f, 'g', -1, 64) as fmt prints it (+Inf, NaN)."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    return go_yaml_float(f)


def _v(v: Any, top: bool = True) -> str:
    if v is None:
        return "<nil>"
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return format_float_g(v)
    if isinstance(v, dict):
        return "map[" + " ".join(str(k) + ":" + _v(v[k], False) for k in sorted(v, key=str)) + "]"
    if isinstance(v, (list, tuple)):
        return "[" + " ".join(_v(x, False) for x in v) + "]"
    if isinstance(v, (bytes, bytearray)):
        return "[" + " ".join(str(b) for b in v) + "]"
    if isinstance(v, GoObject):
        return v.go_string()
    if isinstance(v, BaseException):
        return str(v)
    return str(v)


def to_str(v: Any) -> str:
    """Sprig's strval: strings as they are, everything else through fmt's %v."""
    if isinstance(v, str):
        return v
    if isinstance(v, (bytes, bytearray)):
        return v.decode("utf-8", "replace")
    return _v(v)


def sprint(*args: Any) -> str:
    """fmt.Sprint: spaces between operands when neither side is a string."""
    out: list[str] = []
    prev_string = True
    for i, a in enumerate(args):
        is_string = isinstance(a, str)
        if i > 0 and not is_string and not prev_string:
            out.append(" ")
        out.append(_v(a))
        prev_string = is_string
    return "".join(out)


def sprintln(*args: Any) -> str:
    """fmt.Sprintln: always spaces between operands and a final newline."""
    return " ".join(_v(a) for a in args) + "\n"


def go_quote(s: str, ascii_only: bool = False) -> str:
    """strconv.Quote: Go escapes, printable runes kept."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\a":
            out.append("\\a")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\v":
            out.append("\\v")
        elif o < 0x20 or o == 0x7F:
            out.append(f"\\x{o:02x}")
        elif o < 0x80 or (ch.isprintable() and not ascii_only):
            out.append(ch)
        elif o < 0x10000:
            out.append(f"\\u{o:04x}")
        else:
            out.append(f"\\U{o:08x}")
    out.append('"')
    return "".join(out)


_VERB = re.compile(r"%([-+# 0]*)(\*|\d+)?(?:\.(\*|\d+)?)?([a-zA-Z%])")


def _pad(s: str, width: int | None, minus: bool, zero: bool) -> str:
    if width is None or len(s) >= width:
        return s
    if minus:
        return s + " " * (width - len(s))
    if zero:
        sign = s[0] if s[:1] in ("-", "+") else ""
        body = s[len(sign) :]
        return sign + "0" * (width - len(s)) + body
    return " " * (width - len(s)) + s


def _bad(verb: str, a: Any) -> str:
    if a is None:
        return "%!" + verb + "(<nil>)"
    return "%!" + verb + "(" + go_type(a) + "=" + _v(a) + ")"


def _fmt_int(verb: str, n: int, flags: str, prec: int | None) -> str | None:
    neg = n < 0
    a = abs(n)
    if verb == "d" or verb == "v":
        s = str(a)
    elif verb == "x":
        s = f"{a:x}"
    elif verb == "X":
        s = f"{a:X}"
    elif verb == "o":
        s = f"{a:o}"
    elif verb == "O":
        s = f"0o{a:o}"
    elif verb == "b":
        s = f"{a:b}"
    elif verb == "c":
        return chr(n) if 0 <= n <= 0x10FFFF else "\ufffd"
    elif verb == "q":
        return "'" + chr(n) + "'"
    elif verb == "U":
        return f"U+{n:04X}"
    else:
        return None
    if prec is not None:
        s = s.rjust(prec, "0")
    if "#" in flags:
        if verb == "x":
            s = "0x" + s
        elif verb == "X":
            s = "0X" + s
        elif verb == "o" and not s.startswith("0"):
            s = "0" + s
    if neg:
        s = "-" + s
    elif "+" in flags:
        s = "+" + s
    elif " " in flags:
        s = " " + s
    return s


def _fmt_float(verb: str, f: float, flags: str, prec: int | None) -> str | None:
    if math.isinf(f) or math.isnan(f):
        s = "NaN" if math.isnan(f) else ("+Inf" if f > 0 else "-Inf")
        if s == "+Inf" and "+" not in flags:
            s = "Inf" if verb != "v" else "+Inf"
        return s
    if verb in ("v", "g", "G") and prec is None:
        s = format_float_g(f)
        if verb == "G":
            s = s.upper()
    elif verb in ("g", "G"):
        s = _go_g(f, prec or 1)
        if verb == "G":
            s = s.upper()
    elif verb in ("f", "F"):
        s = f"{f:.{6 if prec is None else prec}f}"
    elif verb in ("e", "E"):
        s = f"{f:.{6 if prec is None else prec}e}"
        if verb == "E":
            s = s.upper()
    else:
        return None
    if "+" in flags and not s.startswith("-"):
        s = "+" + s
    elif " " in flags and not s.startswith("-"):
        s = " " + s
    return s


def _go_g(f: float, prec: int) -> str:
    s = f"{f:.{prec}g}"
    return s


def _fmt_str(verb: str, s: str, flags: str, prec: int | None) -> str | None:
    if prec is not None and verb in ("s", "v", "q"):
        s = s[:prec]
    if verb in ("s", "v"):
        return s
    if verb == "q":
        if "#" in flags and "`" not in s:
            return "`" + s + "`"
        return go_quote(s, "+" in flags)
    if verb in ("x", "X"):
        b = s.encode()
        h = b.hex() if verb == "x" else b.hex().upper()
        if " " in flags:
            return " ".join(h[i : i + 2] for i in range(0, len(h), 2))
        return h
    return None


def _format_one(verb: str, a: Any, flags: str, prec: int | None) -> str:
    if verb == "T":
        return go_type(a)
    if a is None:
        return "<nil>" if verb == "v" else _bad(verb, a)
    if isinstance(a, bool):
        if verb in ("t", "v"):
            return "true" if a else "false"
        return _bad(verb, a)
    if isinstance(a, int):
        r = _fmt_int(verb, a, flags, prec)
        return r if r is not None else _bad(verb, a)
    if isinstance(a, float):
        r = _fmt_float(verb, a, flags, prec)
        return r if r is not None else _bad(verb, a)
    if isinstance(a, str):
        r = _fmt_str(verb, a, flags, prec)
        return r if r is not None else _bad(verb, a)
    if isinstance(a, (bytes, bytearray)):
        if verb in ("s", "q", "x", "X"):
            r = _fmt_str(verb, a.decode("utf-8", "replace"), flags, prec)
            return r or ""
    if isinstance(a, (list, tuple)):
        if verb in ("v", "s", "d", "q", "x", "X", "f", "g", "e", "t"):
            return "[" + " ".join(_format_one(verb, x, flags, prec) for x in a) + "]"
        return _bad(verb, a)
    if isinstance(a, dict):
        if verb in ("v", "s", "d", "q", "x", "X", "f", "g", "e", "t"):
            return (
                "map["
                + " ".join(
                    _format_one(verb, k, flags, prec) + ":" + _format_one(verb, a[k], flags, prec)
                    for k in sorted(a, key=str)
                )
                + "]"
            )
        return _bad(verb, a)
    if verb in ("v", "s"):
        return _v(a)
    return _bad(verb, a)


def sprintf(fmt: str, *args: Any) -> str:
    """fmt.Sprintf with Go's verbs, flags, width/precision and %!verb(...) error notation."""
    out: list[str] = []
    argi = 0
    i = 0
    n = len(fmt)
    while i < n:
        j = fmt.find("%", i)
        if j < 0:
            out.append(fmt[i:])
            break
        out.append(fmt[i:j])
        m = _VERB.match(fmt, j)
        if not m:
            if j + 1 >= n:
                out.append("%!(NOVERB)")
                break
            out.append("%!" + fmt[j + 1] + "(BADVERB)")
            i = j + 2
            continue
        flags, width_s, prec_s, verb = m.groups()
        i = m.end()
        if verb == "%":
            out.append("%")
            continue
        width: int | None = None
        prec: int | None = None
        if width_s == "*":
            if argi < len(args) and isinstance(args[argi], int):
                width = args[argi]
                argi += 1
            else:
                out.append("%!(BADWIDTH)")
                argi += 1
        elif width_s:
            width = int(width_s)
        if prec_s == "*":
            if argi < len(args) and isinstance(args[argi], int):
                prec = args[argi]
                argi += 1
            else:
                out.append("%!(BADPREC)")
                argi += 1
        elif prec_s is not None:
            prec = int(prec_s)
        elif "." in m.group(0)[:-1]:
            prec = 0
        if argi >= len(args):
            out.append("%!" + verb + "(MISSING)")
            continue
        a = args[argi]
        argi += 1
        s = _format_one(verb, a, flags, prec)
        zero = (
            "0" in flags
            and not isinstance(a, str)
            and verb not in ("s", "q", "v", "T")
            or ("0" in flags and isinstance(a, (int, float)) and not isinstance(a, bool))
        )
        out.append(_pad(s, width, "-" in flags, zero))
    if argi < len(args):
        extra = ", ".join((go_type(a) + "=" + _v(a)) if a is not None else "<nil>" for a in args[argi:])
        out.append("%!(EXTRA " + extra + ")")
    return "".join(out)
