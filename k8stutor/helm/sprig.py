"""Sprig v3 template functions as Helm 3.17 exposes them (everything except ``env``/``expandenv``).

Random functions draw from a ``random.Random`` passed in, so rendering can be made reproducible.
Certificate functions (``genCA``, ``genSignedCert``, ...) produce well-formed PEM armour around bytes from
that seeded source: the simulator never uses the keys, and no cryptography library is required.
"""

from __future__ import annotations

import base64
import copy
import datetime as _dt
import hashlib
import json
import math
import os.path
import posixpath
import random
import re
import urllib.parse
import uuid
import zlib
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .gotemplate import FuncError, GoObject, go_quote, go_type, sprintf, to_str
from .semver import SemverError, Version, constraint_check, parse_version

__all__ = ["funcs", "empty", "go_json"]


def _err(msg: str) -> FuncError:
    return FuncError(msg)


# ---------------------------------------------------------------------------------------------------------
# conversions (spf13/cast as sprig uses it)
# ---------------------------------------------------------------------------------------------------------


def _parse_int_str(s: str) -> int | None:
    t = s
    if re.fullmatch(r"[-+]?\d+\.0*", t):
        t = t.split(".")[0]
    try:
        return int(t, 0)
    except ValueError:
        try:
            if re.fullmatch(r"[-+]?0[0-7]+", t):
                return int(t, 8)
        except ValueError:
            pass
        return None


def to_int64(v: Any) -> int:
    """cast.ToInt64: numbers truncate, strings parse (base prefixes allowed), failures give 0."""
    if v is None:
        return 0
    if isinstance(v, bool):
        return 1 if v else 0
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return -(2**63)
        return int(v)
    if isinstance(v, str):
        r = _parse_int_str(v.strip()) if v else 0
        return r if r is not None else 0
    return 0


def to_float64(v: Any) -> float:
    """cast.ToFloat64."""
    if v is None:
        return 0.0
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            return 0.0
    return 0.0


def empty(v: Any) -> bool:
    """Sprig's empty: nil, false, 0, "" and empty collections."""
    if v is None:
        return True
    if isinstance(v, (str, list, tuple, dict, bytes)):
        return len(v) == 0
    if isinstance(v, bool):
        return not v
    if isinstance(v, (int, float)):
        return v == 0
    return False


# ---------------------------------------------------------------------------------------------------------
# JSON (encoding/json)
# ---------------------------------------------------------------------------------------------------------

_HTML_ESC = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _json_str(s: str, html: bool) -> str:
    out = json.dumps(s, ensure_ascii=False)
    out = re.sub("[\x7f]", lambda m: m.group(0), out)
    if html:
        out = re.sub("[<>&\u2028\u2029]", lambda m: _HTML_ESC[m.group(0)], out)
    else:
        out = re.sub("[\u2028\u2029]", lambda m: _HTML_ESC[m.group(0)], out)
    return out


def go_json(v: Any, html: bool = True, indent: str | None = None, level: int = 0) -> str:
    """Go's json.Marshal (map keys sorted, HTML-safe escaping unless html=False; indent for MarshalIndent)."""
    from k8stutor.kubectl.serialize import go_json_float

    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return go_json_float(v)
    if isinstance(v, str):
        return _json_str(v, html)
    if isinstance(v, (bytes, bytearray)):
        return '"' + base64.b64encode(bytes(v)).decode() + '"'
    if isinstance(v, dict):
        if not v:
            return "{}"
        keys = sorted(v, key=str)
        if indent is None:
            return "{" + ",".join(_json_str(str(k), html) + ":" + go_json(v[k], html) for k in keys) + "}"
        pad = "\n" + indent * (level + 1)
        body = ",".join(
            pad + _json_str(str(k), html) + ": " + go_json(v[k], html, indent, level + 1) for k in keys
        )
        return "{" + body + "\n" + indent * level + "}"
    if isinstance(v, (list, tuple)):
        if not v:
            return "[]"
        if indent is None:
            return "[" + ",".join(go_json(x, html) for x in v) + "]"
        pad = "\n" + indent * (level + 1)
        return (
            "[" + ",".join(pad + go_json(x, html, indent, level + 1) for x in v) + "\n" + indent * level + "]"
        )
    if isinstance(v, GoObject):
        j = getattr(v, "go_json", None)
        if j is not None:
            return go_json(j(), html, indent, level)
        return "{}"
    raise TypeError(f"json: unsupported type: {go_type(v)}")


def _from_json_value(v: Any) -> Any:
    return v


def json_load(text: str) -> Any:
    """encoding/json Unmarshal into interface{}: numbers become float64."""
    return json.loads(text, parse_int=float, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))


# ---------------------------------------------------------------------------------------------------------
# strings
# ---------------------------------------------------------------------------------------------------------


def _quote(*args: Any) -> str:
    return " ".join(go_quote(to_str(a)) for a in args if a is not None)


def _squote(*args: Any) -> str:
    return " ".join("'" + to_str(a) + "'" for a in args if a is not None)


def _cat(*args: Any) -> str:
    return " ".join(to_str(a) for a in args if a is not None)


def _indent(spaces: Any, s: Any) -> str:
    pad = " " * to_int64(spaces)
    return pad + to_str(s).replace("\n", "\n" + pad)


def _nindent(spaces: Any, s: Any) -> str:
    return "\n" + _indent(spaces, s)


def _trunc(c: Any, s: Any) -> str:
    c = to_int64(c)
    b = to_str(s).encode()
    if c < 0 and len(b) + c > 0:
        return b[len(b) + c :].decode("utf-8", "replace")
    if c >= 0 and len(b) > c:
        return b[:c].decode("utf-8", "replace")
    return b.decode("utf-8", "replace")


def _substr(start: Any, end: Any, s: Any) -> str:
    start, end = to_int64(start), to_int64(end)
    b = to_str(s).encode()
    if start < 0:
        return b[:end].decode("utf-8", "replace")
    if end < 0 or end > len(b):
        return b[start:].decode("utf-8", "replace")
    return b[start:end].decode("utf-8", "replace")


def _title(s: Any) -> str:
    s = to_str(s)
    out = []
    prev = " "
    for ch in s:
        if not (prev.isalnum() or prev == "_" or prev == "'") and ch.isalpha():
            out.append(ch.upper())
        else:
            out.append(ch)
        prev = ch
    return "".join(out)


def _untitle(s: Any) -> str:
    s = to_str(s)
    out = []
    prev = " "
    for ch in s:
        out.append(ch.lower() if prev.isspace() else ch)
        prev = ch
    return "".join(out)


def _words(s: str) -> list[str]:
    return re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+", s)


def _snakecase(s: Any) -> str:
    s = to_str(s)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    s = re.sub(r"([a-z\d])([A-Z])", r"\1_\2", s)
    s = re.sub(r"[\s\-]+", "_", s)
    return s.lower()


def _kebabcase(s: Any) -> str:
    return _snakecase(s).replace("_", "-")


def _camelcase(s: Any) -> str:
    s = to_str(s)
    parts = re.split(r"[_\s\-]+", s)
    return "".join(p[:1].upper() + p[1:] for p in parts if p)


def _swapcase(s: Any) -> str:
    return to_str(s).swapcase()


def _abbrev(width: Any, s: Any) -> str:
    w = to_int64(width)
    s = to_str(s)
    if w < 4 or len(s) <= w:
        return s
    return s[: w - 3] + "..."


def _abbrevboth(left: Any, right: Any, s: Any) -> str:
    s = to_str(s)
    lo, w = to_int64(left), to_int64(right)
    if w < 4 or len(s) <= w:
        return s
    if lo > 0:
        s = "..." + s[lo:]
    return _abbrev(w, s)


def _initials(s: Any) -> str:
    return "".join(w[0] for w in to_str(s).split())


def _wrap(width: Any, s: Any) -> str:
    return _wrap_with(width, "\n", s)


def _wrap_with(width: Any, sep: Any, s: Any) -> str:
    w = max(1, to_int64(width))
    out_lines = []
    for line in to_str(s).split("\n"):
        words = line.split(" ")
        cur = ""
        for word in words:
            if cur and len(cur) + 1 + len(word) > w:
                out_lines.append(cur)
                cur = word
            else:
                cur = word if not cur else cur + " " + word
        out_lines.append(cur)
    return to_str(sep).join(out_lines)


def _plural(one: Any, many: Any, count: Any) -> str:
    return to_str(one) if to_int64(count) == 1 else to_str(many)


def _split(sep: Any, s: Any) -> dict[str, Any]:
    parts = to_str(s).split(to_str(sep)) if to_str(sep) else list(to_str(s))
    return {f"_{i}": p for i, p in enumerate(parts)}


def _splitn(sep: Any, n: Any, s: Any) -> dict[str, Any]:
    n = to_int64(n)
    parts = to_str(s).split(to_str(sep), n - 1) if n > 0 else []
    return {f"_{i}": p for i, p in enumerate(parts)}


def _split_list(sep: Any, s: Any) -> list[Any]:
    sep, s = to_str(sep), to_str(s)
    return list(s.split(sep)) if sep else list(s)


def _join(sep: Any, v: Any) -> str:
    return to_str(sep).join(to_str(x) for x in _strslice(v))


def _strslice(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, str):
        return [v]
    if isinstance(v, (list, tuple)):
        return [to_str(x) for x in v if x is not None]
    return [to_str(v)]


def _to_strings(v: Any) -> list[str]:
    if isinstance(v, (list, tuple)):
        return [to_str(x) if x is not None else "<nil>" for x in v]
    return _strslice(v)


def _go_trim(s: str, cutset: str) -> str:
    return s.strip(cutset) if cutset else s


def _trim_all(cutset: Any, s: Any) -> str:
    return _go_trim(to_str(s), to_str(cutset))


def _trim_prefix(p: Any, s: Any) -> str:
    s, p = to_str(s), to_str(p)
    return s[len(p) :] if p and s.startswith(p) else s


def _trim_suffix(p: Any, s: Any) -> str:
    s, p = to_str(s), to_str(p)
    return s[: -len(p)] if p and s.endswith(p) else s


def _repeat(count: Any, s: Any) -> str:
    c = to_int64(count)
    if c < 0:
        raise _err("strings: negative Repeat count")
    return to_str(s) * c


# ---------------------------------------------------------------------------------------------------------
# regular expressions (Go RE2 → Python re)
# ---------------------------------------------------------------------------------------------------------

_RE_CACHE: dict[str, re.Pattern[str]] = {}


def _compile(rx: Any) -> re.Pattern[str]:
    rx = to_str(rx)
    p = _RE_CACHE.get(rx)
    if p is None:
        py = rx.replace("(?P<", "(?P<").replace("\\z", "\\Z")
        py = re.sub(r"\[\[:(\w+):\]\]", lambda m: _POSIX.get(m.group(1), m.group(0)), py)
        try:
            p = re.compile(py)
        except re.error as e:
            raise _err(f"error parsing regexp: {e.msg}: `{rx}`") from None
        _RE_CACHE[rx] = p
    return p


_POSIX = {
    "alpha": "[A-Za-z]",
    "digit": "[0-9]",
    "alnum": "[0-9A-Za-z]",
    "space": "[\\t\\n\\v\\f\\r ]",
    "upper": "[A-Z]",
    "lower": "[a-z]",
    "punct": "[!-/:-@\\[-`{-~]",
    "xdigit": "[0-9A-Fa-f]",
}


def _go_expand(template: str, m: re.Match[str]) -> str:
    out = []
    i = 0
    n = len(template)
    while i < n:
        c = template[i]
        if c != "$" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        if template[i + 1] == "$":
            out.append("$")
            i += 2
            continue
        if template[i + 1] == "{":
            j = template.find("}", i + 2)
            if j < 0:
                out.append(c)
                i += 1
                continue
            name = template[i + 2 : j]
            i = j + 1
        else:
            mm = re.match(r"[A-Za-z0-9_]+", template[i + 1 :])
            if not mm:
                out.append(c)
                i += 1
                continue
            name = mm.group(0)
            i += 1 + len(name)
        try:
            g = m.group(int(name)) if name.isdigit() else m.group(name)
        except error_types:
            g = ""
        out.append(g or "")
    return "".join(out)


error_types = (IndexError, KeyError, re.error)


def _regex_replace_all(rx: Any, s: Any, repl: Any) -> str:
    return _compile(rx).sub(lambda m: _go_expand(to_str(repl), m), to_str(s))


def _regex_replace_all_literal(rx: Any, s: Any, repl: Any) -> str:
    return _compile(rx).sub(lambda m: to_str(repl), to_str(s))


def _regex_find(rx: Any, s: Any) -> str:
    m = _compile(rx).search(to_str(s))
    return m.group(0) if m else ""


def _regex_find_all(rx: Any, s: Any, n: Any) -> list[Any]:
    n = to_int64(n)
    found = [m.group(0) for m in _compile(rx).finditer(to_str(s))]
    return found if n < 0 else found[:n]


def _regex_split(rx: Any, s: Any, n: Any) -> list[Any]:
    n = to_int64(n)
    if n == 0:
        return []
    parts = _compile(rx).split(to_str(s), maxsplit=0 if n < 0 else n - 1)
    return list(parts)


def _regex_match(rx: Any, s: Any) -> bool:
    return _compile(rx).search(to_str(s)) is not None


# ---------------------------------------------------------------------------------------------------------
# lists and dicts
# ---------------------------------------------------------------------------------------------------------


def _as_list(v: Any, fn: str) -> list[Any]:
    if isinstance(v, (list, tuple)):
        return list(v)
    if v is None:
        return []
    raise _err(f"Cannot find {fn} on type {go_type(v)}")


def _first(v: Any) -> Any:
    lst = _as_list(v, "first")
    return lst[0] if lst else None


def _last(v: Any) -> Any:
    lst = _as_list(v, "last")
    return lst[-1] if lst else None


def _rest(v: Any) -> Any:
    lst = _as_list(v, "rest")
    return lst[1:] if lst else None


def _initial(v: Any) -> Any:
    lst = _as_list(v, "initial")
    return lst[:-1] if lst else None


def _append(v: Any, x: Any) -> list[Any]:
    if v is not None and not isinstance(v, (list, tuple)):
        raise _err(f"Cannot push on type {go_type(v)}")
    return list(v or []) + [x]


def _prepend(v: Any, x: Any) -> list[Any]:
    if v is not None and not isinstance(v, (list, tuple)):
        raise _err(f"Cannot prepend on type {go_type(v)}")
    return [x] + list(v or [])


def _concat(*lists: Any) -> list[Any]:
    out: list[Any] = []
    for lst in lists:
        if lst is None:
            continue
        if not isinstance(lst, (list, tuple)):
            raise _err(f"Cannot concat type {go_type(lst)} as list")
        out.extend(lst)
    return out


def _reverse(v: Any) -> list[Any]:
    return list(reversed(_as_list(v, "reverse")))


def _uniq(v: Any) -> list[Any]:
    out: list[Any] = []
    for x in _as_list(v, "uniq"):
        if not any(_deep_equal(x, y) for y in out):
            out.append(x)
    return out


def _without(v: Any, *omit: Any) -> list[Any]:
    return [x for x in _as_list(v, "without") if not any(_deep_equal(x, o) for o in omit)]


def _has(needle: Any, hay: Any) -> bool:
    if hay is None:
        return False
    return any(_deep_equal(needle, x) for x in _as_list(hay, "has"))


def _compact(v: Any) -> list[Any]:
    return [x for x in _as_list(v, "compact") if not empty(x)]


def _sort_alpha(v: Any) -> list[str]:
    if isinstance(v, (list, tuple)):
        return sorted(to_str(x) for x in v)
    return [to_str(v)]


def _slice_list(v: Any, *idx: Any) -> Any:
    lst = _as_list(v, "slice")
    if not idx:
        return lst
    a = to_int64(idx[0])
    b = to_int64(idx[1]) if len(idx) > 1 else len(lst)
    return lst[a:b]


def _chunk(size: Any, v: Any) -> list[Any]:
    n = to_int64(size)
    lst = _as_list(v, "chunk")
    return [lst[i : i + n] for i in range(0, len(lst), n)]


def _deep_equal(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    return bool(a == b)


def _dict(*kv: Any) -> dict[str, Any]:
    d: dict[str, Any] = {}
    for i in range(0, len(kv), 2):
        k = to_str(kv[i])
        d[k] = kv[i + 1] if i + 1 < len(kv) else ""
    return d


def _get(d: Any, k: Any) -> Any:
    if not isinstance(d, dict):
        raise _err(f"wrong type for value; expected map[string]interface {{}}; got {go_type(d)}")
    return d.get(k, "")


def _set(d: Any, k: Any, v: Any) -> dict[str, Any]:
    if not isinstance(d, dict):
        raise _err(f"wrong type for value; expected map[string]interface {{}}; got {go_type(d)}")
    d[k] = v
    return d


def _unset(d: Any, k: Any) -> dict[str, Any]:
    if isinstance(d, dict):
        d.pop(k, None)
    return d


def _has_key(d: Any, k: Any) -> bool:
    if not isinstance(d, dict):
        raise _err(f"wrong type for value; expected map[string]interface {{}}; got {go_type(d)}")
    return k in d


def _pluck(k: Any, *ds: Any) -> list[Any]:
    return [d[k] for d in ds if isinstance(d, dict) and k in d]


def _keys(*ds: Any) -> list[Any]:
    out: list[Any] = []
    for d in ds:
        if isinstance(d, dict):
            out.extend(d.keys())
    return out


def _values(d: Any) -> list[Any]:
    return list(d.values()) if isinstance(d, dict) else []


def _pick(d: Any, *ks: Any) -> dict[str, Any]:
    return {k: d[k] for k in ks if isinstance(d, dict) and k in d}


def _omit(d: Any, *ks: Any) -> dict[str, Any]:
    return {k: v for k, v in (d or {}).items() if k not in ks}


def _dig(*args: Any) -> Any:
    if len(args) < 3:
        raise _err("dig needs at least three arguments")
    d = args[-1]
    default = args[-2]
    for k in args[:-2]:
        if not isinstance(d, dict) or k not in d:
            return default
        d = d[k]
    return d


def _mergo(dst: dict[str, Any], src: dict[str, Any], overwrite: bool) -> None:
    for k, sv in src.items():
        if sv is None:
            if overwrite:
                dst[k] = None
            continue
        present = k in dst
        dv = dst.get(k)
        if isinstance(sv, dict) and isinstance(dv, dict):
            _mergo(dv, sv, overwrite)
            if dv:
                continue
        elif present and not empty(dv) and isinstance(sv, (list, tuple)) and not overwrite:
            continue
        if overwrite or not present or empty(dv):
            if isinstance(sv, dict) and isinstance(dv, dict):
                continue
            dst[k] = sv


def _merge(dst: Any, *srcs: Any) -> Any:
    for s in srcs:
        if isinstance(s, dict) and isinstance(dst, dict):
            _mergo(dst, s, False)
    return dst


def _merge_overwrite(dst: Any, *srcs: Any) -> Any:
    for s in srcs:
        if isinstance(s, dict) and isinstance(dst, dict):
            _mergo(dst, s, True)
    return dst


def _deep_copy(v: Any) -> Any:
    return copy.deepcopy(v)


# ---------------------------------------------------------------------------------------------------------
# math
# ---------------------------------------------------------------------------------------------------------


def _add(*a: Any) -> int:
    return sum(to_int64(x) for x in a)


def _mul(a: Any, *v: Any) -> int:
    r = to_int64(a)
    for x in v:
        r *= to_int64(x)
    return r


def _div(a: Any, b: Any) -> int:
    bb = to_int64(b)
    if bb == 0:
        raise _err("runtime error: integer divide by zero")
    aa = to_int64(a)
    q = abs(aa) // abs(bb)
    return q if (aa >= 0) == (bb >= 0) else -q


def _mod(a: Any, b: Any) -> int:
    bb = to_int64(b)
    if bb == 0:
        raise _err("runtime error: integer divide by zero")
    aa = to_int64(a)
    return int(math.fmod(aa, bb))


def _max(a: Any, *i: Any) -> int:
    return max([to_int64(a)] + [to_int64(x) for x in i])


def _min(a: Any, *i: Any) -> int:
    return min([to_int64(a)] + [to_int64(x) for x in i])


def _maxf(a: Any, *i: Any) -> float:
    return max([to_float64(a)] + [to_float64(x) for x in i])


def _minf(a: Any, *i: Any) -> float:
    return min([to_float64(a)] + [to_float64(x) for x in i])


def _dec(v: Any) -> Decimal:
    return Decimal(repr(to_float64(v)))


def _addf(*a: Any) -> float:
    r = Decimal(0)
    for x in a:
        r += _dec(x)
    return float(r)


def _subf(a: Any, *v: Any) -> float:
    r = _dec(a)
    for x in v:
        r -= _dec(x)
    return float(r)


def _mulf(a: Any, *v: Any) -> float:
    r = _dec(a)
    for x in v:
        r *= _dec(x)
    return float(r)


def _divf(a: Any, *v: Any) -> float:
    r = _dec(a)
    for x in v:
        r /= _dec(x)
    return float(r)


def _round(a: Any, p: Any, *r_opt: Any) -> float:
    roundon = to_float64(r_opt[0]) if r_opt else 0.5
    val = to_float64(a)
    places = to_float64(p)
    pow_ = math.pow(10, places)
    digit = pow_ * val
    _, frac = math.modf(digit)
    rnd = math.ceil(digit) if frac >= roundon else math.floor(digit)
    return rnd / pow_


def _until(n: Any) -> list[int]:
    n = to_int64(n)
    return list(range(n)) if n >= 0 else list(range(0, n, -1))


def _until_step(start: Any, stop: Any, step: Any) -> list[int]:
    a, b, s = to_int64(start), to_int64(stop), to_int64(step)
    if s == 0 or (s > 0 and a >= b) or (s < 0 and a <= b):
        return []
    return list(range(a, b, s))


def _seq(*params: Any) -> str:
    p = [to_int64(x) for x in params]
    if len(p) == 0:
        return ""
    if len(p) == 1:
        end = p[0]
        return " ".join(str(x) for x in (range(1, end + 1) if end >= 1 else range(1, end - 1, -1)))
    if len(p) == 2:
        a, b = p
        step = 1 if b >= a else -1
        return " ".join(str(x) for x in range(a, b + step, step))
    a, s, b = p
    if s == 0 or (s > 0 and a > b) or (s < 0 and a < b):
        return ""
    return " ".join(str(x) for x in range(a, b + (1 if s > 0 else -1), s))


def _to_decimal(v: Any) -> int:
    try:
        return int(to_str(v), 8)
    except ValueError:
        return 0


def _atoi(s: Any) -> int:
    try:
        return int(to_str(s), 10)
    except ValueError:
        return 0


# ---------------------------------------------------------------------------------------------------------
# types and reflection
# ---------------------------------------------------------------------------------------------------------


def _kind_of(v: Any) -> str:
    if v is None:
        return "invalid"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "map"
    if isinstance(v, (list, tuple)):
        return "slice"
    return "struct"


def _type_is_like(t: Any, v: Any) -> bool:
    s = go_type(v)
    return bool(t == s or "*" + to_str(t) == s)


# ---------------------------------------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------------------------------------


class GoTime(GoObject):
    """A Go time.Time value."""

    go_type_name = "time.Time"

    def __init__(self, dt: _dt.datetime) -> None:
        self.dt = dt

    def go_string(self) -> str:
        return _go_date_format("2006-01-02 15:04:05.999999999 -0700 MST", self.dt)

    def go_method(self, name: str) -> Any:
        if name == "Unix":
            return lambda: int(self.dt.timestamp())
        if name == "Format":
            return lambda layout: _go_date_format(layout, self.dt)
        if name == "Year":
            return lambda: self.dt.year
        if name == "UTC":
            return lambda: GoTime(self.dt.astimezone(_dt.UTC))
        return None


_GO_LAYOUT = [
    ("January", "%B"),
    ("Jan", "%b"),
    ("Monday", "%A"),
    ("Mon", "%a"),
    ("2006", "%Y"),
    ("06", "%y"),
    ("01", "%m"),
    ("02", "%d"),
    ("_2", "%e"),
    ("15", "%H"),
    ("03", "%I"),
    ("04", "%M"),
    ("05", "%S"),
    ("PM", "%p"),
    ("MST", "%Z"),
    ("-0700", "%z"),
    ("Z07:00", "Z07:00"),
    ("-07:00", "-07:00"),
]


def _go_date_format(layout: str, dt: _dt.datetime) -> str:
    out = []
    i = 0
    while i < len(layout):
        for token, py in _GO_LAYOUT:
            if layout.startswith(token, i):
                if token in ("Z07:00", "-07:00"):
                    off = dt.utcoffset() or _dt.timedelta(0)
                    if token == "Z07:00" and off == _dt.timedelta(0):
                        out.append("Z")
                    else:
                        mins = int(off.total_seconds() // 60)
                        sign = "-" if mins < 0 else "+"
                        mins = abs(mins)
                        out.append(f"{sign}{mins // 60:02d}:{mins % 60:02d}")
                elif token == "MST":
                    out.append(dt.tzname() or "UTC")
                else:
                    out.append(dt.strftime(py))
                i += len(token)
                break
        else:
            if layout.startswith(".999999999", i) or layout.startswith(".000", i):
                frac = layout[i + 1 :]
                digits = len(frac) - len(frac.lstrip("09"))
                us = f"{dt.microsecond * 1000:09d}"
                s = us[:digits]
                if layout[i + 1] == "9":
                    s = s.rstrip("0")
                out.append("." + s if s else "")
                i += 1 + digits
            else:
                out.append(layout[i])
                i += 1
    return "".join(out)


def _to_time(v: Any) -> _dt.datetime:
    if isinstance(v, GoTime):
        return v.dt
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return _dt.datetime.fromtimestamp(v, _dt.UTC).astimezone()
    return _dt.datetime.now().astimezone()


# ---------------------------------------------------------------------------------------------------------
# certificates (PEM armour around seeded bytes; see the module docstring)
# ---------------------------------------------------------------------------------------------------------


def _pem(kind: str, data: bytes) -> str:
    b = base64.b64encode(data).decode()
    lines = [b[i : i + 64] for i in range(0, len(b), 64)]
    return "-----BEGIN {}-----\n{}\n-----END {}-----\n".format(kind, "\n".join(lines), kind)


class Certificate(GoObject):
    """Sprig's certificate: ``.Cert`` and ``.Key`` PEM strings."""

    go_type_name = "sprig.certificate"

    def __init__(self, cert: str, key: str) -> None:
        self.cert = cert
        self.key = key

    def go_field(self, name: str) -> tuple[bool, Any]:
        if name == "Cert":
            return True, self.cert
        if name == "Key":
            return True, self.key
        return False, None

    def go_string(self) -> str:
        return f"{{{self.cert} {self.key}}}"


# ---------------------------------------------------------------------------------------------------------
# the function map
# ---------------------------------------------------------------------------------------------------------


def _must(fn: Callable[..., Any]) -> Callable[..., Any]:
    return fn


def _semver_compare(constraint: Any, version: Any) -> bool:
    try:
        return constraint_check(to_str(constraint), to_str(version))
    except SemverError as e:
        raise _err(str(e)) from None


def _semver(v: Any) -> Version:
    try:
        return parse_version(to_str(v))
    except SemverError as e:
        raise _err(str(e)) from None


def _base(p: Any) -> str:
    p = to_str(p)
    if p == "":
        return "."
    p = p.rstrip("/")
    if p == "":
        return "/"
    return p.rsplit("/", 1)[-1]


def _dir(p: Any) -> str:
    d = posixpath.dirname(to_str(p))
    return posixpath.normpath(d) if d else "."


def _ext(p: Any) -> str:
    b = to_str(p)
    i = b.rfind(".")
    j = b.rfind("/")
    return b[i:] if i > j else ""


def _url_parse(s: Any) -> dict[str, Any]:
    u = urllib.parse.urlsplit(to_str(s))
    userinfo = ""
    host = u.netloc
    if "@" in u.netloc:
        userinfo, host = u.netloc.rsplit("@", 1)
    return {
        "scheme": u.scheme,
        "host": host,
        "hostname": u.hostname or "",
        "path": u.path,
        "query": u.query,
        "opaque": "",
        "fragment": u.fragment,
        "userinfo": userinfo,
    }


def _url_join(d: Any) -> str:
    d = d or {}
    netloc = d.get("host", "")
    if d.get("userinfo"):
        netloc = "{}@{}".format(d["userinfo"], netloc)
    return urllib.parse.urlunsplit(
        (d.get("scheme", ""), netloc, d.get("path", ""), d.get("query", ""), d.get("fragment", ""))
    )


def _b64dec(s: Any) -> str:
    try:
        return base64.b64decode(to_str(s), validate=True).decode("utf-8", "replace")
    except ValueError as e:
        return str(e)


def _b32dec(s: Any) -> str:
    try:
        return base64.b32decode(to_str(s)).decode("utf-8", "replace")
    except ValueError as e:
        return str(e)


def _ternary(vt: Any, vf: Any, cond: Any) -> Any:
    return vt if cond is True or (cond and isinstance(cond, bool)) else vf


def _coalesce(*v: Any) -> Any:
    for x in v:
        if not empty(x):
            return x
    return None


def _default(d: Any, *given: Any) -> Any:
    if not given or empty(given[0]):
        return d
    return given[0]


def _all(*v: Any) -> bool:
    return all(not empty(x) for x in v)


def _any(*v: Any) -> bool:
    return any(not empty(x) for x in v)


def _to_string(v: Any) -> str:
    return to_str(v)


def funcs(rng: random.Random, now: Callable[[], _dt.datetime] | None = None) -> dict[str, Callable[..., Any]]:
    """The Sprig function map (Helm's selection) with random functions drawing from ``rng``."""
    clock = now or (lambda: _dt.datetime.now().astimezone())

    def rand_from(chars: str, n: Any) -> str:
        return "".join(rng.choice(chars) for _ in range(to_int64(n)))

    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    ascii_ = "".join(chr(c) for c in range(32, 127))

    def gen_bytes(n: int) -> bytes:
        return bytes(rng.getrandbits(8) for _ in range(n))

    def gen_private_key(typ: Any = "rsa") -> str:
        t = to_str(typ)
        if t == "rsa":
            return _pem("RSA PRIVATE KEY", gen_bytes(1190))
        if t in ("dsa",):
            return _pem("DSA PRIVATE KEY", gen_bytes(440))
        if t == "ecdsa":
            return _pem("EC PRIVATE KEY", gen_bytes(121))
        if t == "ed25519":
            return _pem("PRIVATE KEY", gen_bytes(48))
        return "Unknown type " + t

    def gen_cert(*args: Any) -> Certificate:
        return Certificate(_pem("CERTIFICATE", gen_bytes(790)), _pem("RSA PRIVATE KEY", gen_bytes(1190)))

    def uuidv4() -> str:
        return str(uuid.UUID(bytes=gen_bytes(16), version=4))

    def date_fmt(fmt: Any, date: Any) -> str:
        return _go_date_format(to_str(fmt), _to_time(date))

    def date_in_zone(fmt: Any, date: Any, zone: Any) -> str:
        dt = _to_time(date)
        if to_str(zone).upper() == "UTC":
            dt = dt.astimezone(_dt.UTC)
        return _go_date_format(to_str(fmt), dt)

    def shuffle(s: Any) -> str:
        chars = list(to_str(s))
        rng.shuffle(chars)
        return "".join(chars)

    def htpasswd(user: Any, password: Any) -> str:
        salt = base64.b64encode(gen_bytes(16)).decode()[:22].replace("+", ".")
        digest = base64.b64encode(hashlib.sha256((salt + to_str(password)).encode()).digest()).decode()
        return "{}:$2a$10${}{}".format(to_str(user), salt, digest[:31].replace("+", "."))

    def derive_password(counter: Any, typ: Any, password: Any, user: Any, site: Any) -> str:
        seed = hashlib.sha256((f"{counter}|{typ}|{password}|{user}|{site}").encode()).digest()
        return base64.b64encode(seed).decode()[:16]

    f: dict[str, Callable[..., Any]] = {
        # strings
        "hello": lambda: "Hello!",
        "upper": lambda s: to_str(s).upper(),
        "lower": lambda s: to_str(s).lower(),
        "title": _title,
        "untitle": _untitle,
        "substr": _substr,
        "repeat": _repeat,
        "trim": lambda s: to_str(s).strip(" \t\n\r\v\f"),
        "trimAll": _trim_all,
        "trimSuffix": _trim_suffix,
        "trimPrefix": _trim_prefix,
        "nospace": lambda s: re.sub(r"\s", "", to_str(s)),
        "initials": _initials,
        "randAlphaNum": lambda n: rand_from(alnum, n),
        "randAlpha": lambda n: rand_from(alpha, n),
        "randAscii": lambda n: rand_from(ascii_, n),
        "randNumeric": lambda n: rand_from("0123456789", n),
        "randBytes": lambda n: base64.b64encode(gen_bytes(to_int64(n))).decode(),
        "swapcase": _swapcase,
        "shuffle": shuffle,
        "snakecase": _snakecase,
        "camelcase": _camelcase,
        "kebabcase": _kebabcase,
        "wrap": _wrap,
        "wrapWith": _wrap_with,
        "contains": lambda sub, s: to_str(sub) in to_str(s),
        "hasPrefix": lambda p, s: to_str(s).startswith(to_str(p)),
        "hasSuffix": lambda p, s: to_str(s).endswith(to_str(p)),
        "quote": _quote,
        "squote": _squote,
        "cat": _cat,
        "indent": _indent,
        "nindent": _nindent,
        "replace": lambda old, new, src: to_str(src).replace(to_str(old), to_str(new)),
        "plural": _plural,
        "sha1sum": lambda s: hashlib.sha1(to_str(s).encode()).hexdigest(),
        "sha256sum": lambda s: hashlib.sha256(to_str(s).encode()).hexdigest(),
        "sha512sum": lambda s: hashlib.sha512(to_str(s).encode()).hexdigest(),
        "adler32sum": lambda s: str(zlib.adler32(to_str(s).encode())),
        "toString": _to_string,
        "atoi": _atoi,
        "int64": to_int64,
        "int": to_int64,
        "float64": to_float64,
        "seq": _seq,
        "toDecimal": _to_decimal,
        "split": _split,
        "splitList": _split_list,
        "splitn": _splitn,
        "toStrings": _to_strings,
        "until": _until,
        "untilStep": _until_step,
        "abbrev": _abbrev,
        "abbrevboth": _abbrevboth,
        "trunc": _trunc,
        "join": _join,
        "sortAlpha": _sort_alpha,
        # math
        "add1": lambda i: to_int64(i) + 1,
        "add": _add,
        "sub": lambda a, b: to_int64(a) - to_int64(b),
        "div": _div,
        "mod": _mod,
        "mul": _mul,
        "randInt": lambda lo, hi: rng.randrange(to_int64(lo), to_int64(hi)),
        "add1f": lambda i: float(_dec(i) + 1),
        "addf": _addf,
        "subf": _subf,
        "divf": _divf,
        "mulf": _mulf,
        "biggest": _max,
        "max": _max,
        "min": _min,
        "maxf": _maxf,
        "minf": _minf,
        "ceil": lambda a: float(math.ceil(to_float64(a))),
        "floor": lambda a: float(math.floor(to_float64(a))),
        "round": _round,
        # dates
        "ago": lambda d: f"{int((clock() - _to_time(d)).total_seconds())}s",
        "date": date_fmt,
        "date_in_zone": date_in_zone,
        "dateInZone": date_in_zone,
        "date_modify": lambda fmt, d: GoTime(_to_time(d)),
        "dateModify": lambda fmt, d: GoTime(_to_time(d)),
        "duration": lambda s: f"{to_int64(s)}s",
        "durationRound": lambda d: to_str(d),
        "htmlDate": lambda d: _go_date_format("2006-01-02", _to_time(d)),
        "htmlDateInZone": lambda d, z: _go_date_format("2006-01-02", _to_time(d)),
        "now": lambda: GoTime(clock()),
        "unixEpoch": lambda d: str(int(_to_time(d).timestamp())),
        "toDate": lambda fmt, s: GoTime(_dt.datetime.fromisoformat(to_str(s)).astimezone()),
        "mustToDate": lambda fmt, s: GoTime(_dt.datetime.fromisoformat(to_str(s)).astimezone()),
        "mustDateModify": lambda fmt, d: GoTime(_to_time(d)),
        # defaults
        "default": _default,
        "empty": empty,
        "coalesce": _coalesce,
        "all": _all,
        "any": _any,
        "compact": _compact,
        "mustCompact": _compact,
        "fromJson": lambda s: _from_json(s),
        "toJson": lambda v: _to_json(v, True, None),
        "toPrettyJson": lambda v: _to_json(v, True, "  "),
        "toRawJson": lambda v: _to_json(v, False, None),
        "mustFromJson": lambda s: json_load(to_str(s)),
        "mustToJson": lambda v: go_json(v),
        "mustToPrettyJson": lambda v: go_json(v, True, "  "),
        "mustToRawJson": lambda v: go_json(v, False),
        "ternary": _ternary,
        "deepCopy": _deep_copy,
        "mustDeepCopy": _deep_copy,
        # reflection
        "typeOf": go_type,
        "typeIs": lambda t, v: to_str(t) == go_type(v),
        "typeIsLike": _type_is_like,
        "kindOf": _kind_of,
        "kindIs": lambda k, v: to_str(k) == _kind_of(v),
        "deepEqual": lambda a, b: _deep_equal(a, b),
        # paths
        "base": _base,
        "dir": _dir,
        "clean": lambda p: posixpath.normpath(to_str(p)) if to_str(p) else ".",
        "ext": _ext,
        "isAbs": lambda p: to_str(p).startswith("/"),
        "osBase": lambda p: os.path.basename(to_str(p)) or ".",
        "osClean": lambda p: os.path.normpath(to_str(p)),
        "osDir": lambda p: os.path.dirname(to_str(p)) or ".",
        "osExt": lambda p: os.path.splitext(to_str(p))[1],
        "osIsAbs": lambda p: os.path.isabs(to_str(p)),
        # encoding
        "b64enc": lambda s: base64.b64encode(to_str(s).encode()).decode(),
        "b64dec": _b64dec,
        "b32enc": lambda s: base64.b32encode(to_str(s).encode()).decode(),
        "b32dec": _b32dec,
        # lists
        "tuple": lambda *v: list(v),
        "list": lambda *v: list(v),
        "dict": _dict,
        "get": _get,
        "set": _set,
        "unset": _unset,
        "hasKey": _has_key,
        "pluck": _pluck,
        "keys": _keys,
        "pick": _pick,
        "omit": _omit,
        "merge": _merge,
        "mergeOverwrite": _merge_overwrite,
        "mustMerge": _merge,
        "mustMergeOverwrite": _merge_overwrite,
        "values": _values,
        "append": _append,
        "push": _append,
        "mustAppend": _append,
        "mustPush": _append,
        "prepend": _prepend,
        "mustPrepend": _prepend,
        "first": _first,
        "mustFirst": _first,
        "rest": _rest,
        "mustRest": _rest,
        "last": _last,
        "mustLast": _last,
        "initial": _initial,
        "mustInitial": _initial,
        "reverse": _reverse,
        "mustReverse": _reverse,
        "uniq": _uniq,
        "mustUniq": _uniq,
        "without": _without,
        "mustWithout": _without,
        "has": _has,
        "mustHas": _has,
        "slice": _slice_list,
        "mustSlice": _slice_list,
        "concat": _concat,
        "dig": _dig,
        "chunk": _chunk,
        "mustChunk": _chunk,
        # crypto
        "bcrypt": lambda s: htpasswd("", s).split(":", 1)[1],
        "htpasswd": htpasswd,
        "genPrivateKey": gen_private_key,
        "derivePassword": derive_password,
        "buildCustomCert": lambda c, k: Certificate(_b64dec(c), _b64dec(k)),
        "genCA": gen_cert,
        "genCAWithKey": gen_cert,
        "genSelfSignedCert": gen_cert,
        "genSelfSignedCertWithKey": gen_cert,
        "genSignedCert": gen_cert,
        "genSignedCertWithKey": gen_cert,
        "encryptAES": lambda pw, s: base64.b64encode(gen_bytes(16) + to_str(s).encode()).decode(),
        "decryptAES": lambda pw, s: base64.b64decode(to_str(s))[16:].decode("utf-8", "replace"),
        "randBytes_": gen_bytes,
        # uuid
        "uuidv4": uuidv4,
        # semver
        "semver": _semver,
        "semverCompare": _semver_compare,
        # flow control
        "fail": lambda msg: (_ for _ in ()).throw(_err(to_str(msg))),
        # regex
        "regexMatch": _regex_match,
        "mustRegexMatch": _regex_match,
        "regexFindAll": _regex_find_all,
        "mustRegexFindAll": _regex_find_all,
        "regexFind": _regex_find,
        "mustRegexFind": _regex_find,
        "regexReplaceAll": _regex_replace_all,
        "mustRegexReplaceAll": _regex_replace_all,
        "regexReplaceAllLiteral": _regex_replace_all_literal,
        "mustRegexReplaceAllLiteral": _regex_replace_all_literal,
        "regexSplit": _regex_split,
        "mustRegexSplit": _regex_split,
        "regexQuoteMeta": lambda s: re.sub(r"([\\.+*?()|\[\]{}^$])", r"\\\1", to_str(s)),
        # urls
        "urlParse": _url_parse,
        "urlJoin": _url_join,
        "getHostByName": lambda name: "",
        "sprintf_": sprintf,
    }
    f.pop("randBytes_")
    f.pop("sprintf_")
    return f


def _to_json(v: Any, html: bool, indent: str | None) -> str:
    try:
        return go_json(v, html, indent)
    except (TypeError, ValueError):
        return ""


def _from_json(s: Any) -> Any:
    try:
        return json_load(to_str(s))
    except ValueError as e:
        return {"Error": str(e)}


_ = (ROUND_HALF_UP, _from_json_value, _must)
