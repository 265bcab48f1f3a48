"""Go text/template's predefined functions with Go's type rules and error texts."""

from __future__ import annotations

import html as _html
import urllib.parse
from collections.abc import Callable
from typing import Any

from .gofmt import GoObject, go_type, sprint, sprintf, sprintln

__all__ = ["FUNCS"]


class _E(Exception):
    pass


def _err(msg: str) -> Exception:
    from .execute import FuncError

    return FuncError(msg)


def _kind(v: Any) -> str:
    if v is None:
        return "invalid"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    return "other"


def _not(v: Any) -> bool:
    from .execute import truth

    return not truth(v)


def _eq(a: Any, *bs: Any) -> bool:
    if not bs:
        raise _err("missing argument for comparison")
    k1 = _kind(a)
    for b in bs:
        k2 = _kind(b)
        if k1 != k2:
            if a is not None and b is not None:
                raise _err("incompatible types for comparison")
            truth = False
        elif k1 == "other":
            if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
                raise _err(f"non-comparable type {sprint(b)}: {go_type(b)}")
            truth = a == b
        else:
            truth = a == b
        if truth:
            return True
    return False


def _ne(a: Any, b: Any) -> bool:
    return not _eq(a, b)


def _lt(a: Any, b: Any) -> bool:
    k1, k2 = _kind(a), _kind(b)
    if k1 in ("invalid", "other", "bool") or k2 in ("invalid", "other", "bool"):
        raise _err("invalid type for comparison")
    if k1 != k2:
        raise _err("incompatible types for comparison")
    return bool(a < b)


def _le(a: Any, b: Any) -> bool:
    return _lt(a, b) or _eq(a, b)


def _gt(a: Any, b: Any) -> bool:
    return not _le(a, b)


def _ge(a: Any, b: Any) -> bool:
    return not _lt(a, b)


def _len(v: Any) -> int:
    if v is None:
        raise _err("len of nil pointer")
    if isinstance(v, (str, bytes)):
        return len(v.encode() if isinstance(v, str) else v)
    if isinstance(v, (dict, list, tuple)):
        return len(v)
    raise _err(f"len of type {go_type(v)}")


def _index_one(item: Any, idx: Any) -> Any:
    if isinstance(item, (list, tuple, str, bytes)):
        if isinstance(idx, bool) or not isinstance(idx, int):
            raise _err(f"cannot index slice/array with type {go_type(idx)}")
        n = len(item)
        if idx < 0 or idx >= n:
            raise _err(f"index out of range: {idx}")
        v = item[idx]
        if isinstance(item, str):
            return item.encode()[idx]
        return v
    if isinstance(item, dict):
        if idx is None:
            raise _err("value is nil; should be of type string")
        if not isinstance(idx, str):
            raise _err(f"value has type {go_type(idx)}; should be string")
        return item.get(idx)
    if item is None:
        raise _err("index of untyped nil")
    raise _err(f"can't index item of type {go_type(item)}")


def _index(item: Any, *indexes: Any) -> Any:
    if item is None:
        raise _err("index of untyped nil")
    for i in indexes:
        if item is None:
            raise _err("index of nil pointer")
        item = _index_one(item, i)
    return item


def _slice(item: Any, *indexes: Any) -> Any:
    if item is None:
        raise _err("slice of untyped nil")
    if len(indexes) > 3:
        raise _err(f"too many slice indexes: {len(indexes)}")
    if not isinstance(item, (list, tuple, str)):
        raise _err(f"can't slice item of type {go_type(item)}")
    n = len(item)
    idx = [int(i) for i in indexes]
    if isinstance(item, str) and len(idx) == 3:
        raise _err("cannot 3-index slice a string")
    start = idx[0] if idx else 0
    end = idx[1] if len(idx) > 1 else n
    if start < 0 or start > n:
        raise _err(f"index out of range: {start}")
    if end < start or end > n:
        raise _err(f"invalid slice index: {start} > {end}")
    return item[start:end]


def _html_escape(*args: Any) -> str:
    s = _eval_args(args)
    return (
        s.replace("&", "&amp;")
        .replace("'", "&#39;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("\0", "\ufffd")
    )


def _js_escape(*args: Any) -> str:
    s = _eval_args(args)
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == "'":
            out.append("\\'")
        elif ch == '"':
            out.append('\\"')
        elif ch == "<":
            out.append("\\u003C")
        elif ch == ">":
            out.append("\\u003E")
        elif ch == "&":
            out.append("\\u0026")
        elif ch == "=":
            out.append("\\u003D")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


def _eval_args(args: tuple[Any, ...]) -> str:
    if len(args) == 1 and isinstance(args[0], str):
        return args[0]
    return sprint(*args)


def _urlquery(*args: Any) -> str:
    return urllib.parse.quote_plus(_eval_args(args), safe="")


def _call(fn: Any, *args: Any) -> Any:
    if fn is None:
        raise _err("call of nil")
    if not callable(fn):
        raise _err(f"non-function of type {go_type(fn)}")
    return fn(*args)


FUNCS: dict[str, Callable[..., Any]] = {
    "and": lambda *a: None,  # short-circuit forms are evaluated by the executor
    "or": lambda *a: None,
    "call": _call,
    "html": _html_escape,
    "index": _index,
    "slice": _slice,
    "js": _js_escape,
    "len": _len,
    "not": _not,
    "print": sprint,
    "printf": sprintf,
    "println": sprintln,
    "urlquery": _urlquery,
    "eq": _eq,
    "ge": _ge,
    "gt": _gt,
    "le": _le,
    "lt": _lt,
    "ne": _ne,
}

_ = (_html, GoObject)
