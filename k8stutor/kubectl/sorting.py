"""kubectl ``--sort-by``: a port of kubectl ``get/sorter.go`` (``SortObjects``, ``RuntimeSort``, ``TableSorter``).

The field is a relaxed JSONPath (``.metadata.name`` or ``{.metadata.name}``); only the first value it
yields on each object counts. Values compare by type: integers and floats numerically, strings that
both parse as resource quantities (``250m``, ``1Gi``, ``3``) by quantity, other strings byte by byte
(so ``web-10`` sorts before ``web-9``: kubectl v1.32 does not sort naturally), and RFC 3339 timestamps
therefore chronologically. An object lacking the field
sorts first. Go's ``sort.Sort`` (pattern-defeating quicksort, not stable) is ported as is, so ties and
objects lacking the field end up exactly where kubectl puts them.

How ``kubectl get --sort-by`` uses this:

* table output (the default and ``-o wide``): kubectl asks the server for a Table with
  ``includeObject=Object`` and sorts the rows by their objects, twice (the ``RuntimeSorter`` and then the
  ``SortingPrinter`` when there is more than one row): :func:`sort_table_rows`;
* every other output (json, yaml, name, jsonpath, custom-columns, go-template): the List kubectl builds
  is sorted once, when it has items: :func:`sort_objects`. A single object named on the command line is
  not a List and is printed unsorted (no error even when the field is missing).
"""

from __future__ import annotations

import time
from fractions import Fraction
from typing import Any

from k8stutor.engine import quantity
from k8stutor.engine.quantity import QuantityError
from k8stutor.kubectl.jsonpath import JSONPath, JSONPathError, go_quote, relaxed_jsonpath_expression

__all__ = ["SortError", "sort_objects", "sort_table_rows", "parse_quantity", "go_sort"]


class SortError(ValueError):
    """kubectl refused to sort; ``stderr`` is the text kubectl prints (exit code 1 unless ``silent``).

    ``silent`` errors are the ones kubectl's table printer drops: nothing is printed for that table (see
    :func:`sort_table_rows`). ``fatal`` errors kill kubectl through ``klog.Exitf``; their stderr is a klog
    line whose header carries the wall time and pid, which :meth:`klog_stderr` renders.
    """

    def __init__(self, message: str, *, silent: bool = False, klog_source: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.silent = silent
        self.fatal = bool(klog_source)
        self.klog_source = klog_source
        if silent:
            self.stderr = ""
        elif klog_source:
            self.stderr = self.klog_stderr(0.0)
        else:
            self.stderr = f"error: {message}\n"

    def klog_stderr(self, now: float, pid: int = 1) -> str:
        """The ``F1201 21:10:05.811997   25262 sorter.go:329] ...`` line klog prints at time ``now``."""
        t = time.gmtime(now)
        micros = int(round((now - int(now)) * 1_000_000)) % 1_000_000
        header = f"F{t.tm_mon:02d}{t.tm_mday:02d} {t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.{micros:06d}"
        return f"{header} {pid:7d} {self.klog_source}] {self.message}\n"


class _Unsortable(Exception):
    pass


# --------------------------------------------------------------------------------------------------
# Comparisons: resource.ParseQuantity, sorter.go isLess
# --------------------------------------------------------------------------------------------------


def parse_quantity(s: str) -> Fraction | None:
    """The value of ``resource.ParseQuantity(s)``, or None when kubectl would not accept it as a quantity."""
    try:
        return quantity.parse(s) if isinstance(s, str) else None
    except QuantityError:
        return None


def _go_kind_name(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int64"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "map[string]interface {}"
    if isinstance(v, list):
        return "[]interface {}"
    return "interface {}"


def _is_less(i: Any, j: Any) -> bool:
    """sorter.go ``isLess`` for values found in unstructured objects (always behind an interface)."""
    if i is None and j is None:
        return False
    if i is None:
        return True
    if j is None:
        return False
    if isinstance(i, bool) or isinstance(i, (dict, list)):
        raise _Unsortable(f"unsortable type: {_go_kind_name(i)}")
    if isinstance(i, int):
        if isinstance(j, int) and not isinstance(j, bool):
            return i < j
    elif isinstance(i, float):
        if isinstance(j, float):
            return i < j
    elif isinstance(i, str):
        if isinstance(j, str):
            qi = parse_quantity(i)
            if qi is None:
                return i.encode() < j.encode()
            qj = parse_quantity(j)
            if qj is None:
                return i.encode() < j.encode()
            return qi < qj
    else:
        raise _Unsortable(f"unsortable type: {_go_kind_name(i)}")
    raise _Unsortable("unsortable interface: interface")


# --------------------------------------------------------------------------------------------------
# Go's sort.Sort (pdqsort, Go >= 1.19), ported so that ties come out exactly as in kubectl
# --------------------------------------------------------------------------------------------------

_U64 = (1 << 64) - 1


class _Sorter:
    def __init__(self, keys: list[list[Any]], items: list[Any]) -> None:
        self.keys = keys
        self.items = items

    def less(self, a: int, b: int) -> bool:
        ka, kb = self.keys[a], self.keys[b]
        if not ka:
            return True
        if not kb:
            return False
        return _is_less(ka[0], kb[0])

    def swap(self, a: int, b: int) -> None:
        self.keys[a], self.keys[b] = self.keys[b], self.keys[a]
        self.items[a], self.items[b] = self.items[b], self.items[a]


def go_sort(data: Any, n: int) -> None:
    """Go's ``sort.Sort`` over an object with ``less(i, j)`` and ``swap(i, j)`` methods."""
    if n <= 1:
        return
    _pdqsort(data, 0, n, n.bit_length())


def _insertion_sort(d: Any, a: int, b: int) -> None:
    for i in range(a + 1, b):
        j = i
        while j > a and d.less(j, j - 1):
            d.swap(j, j - 1)
            j -= 1


def _sift_down(d: Any, lo: int, hi: int, first: int) -> None:
    root = lo
    while True:
        child = 2 * root + 1
        if child >= hi:
            return
        if child + 1 < hi and d.less(first + child, first + child + 1):
            child += 1
        if not d.less(first + root, first + child):
            return
        d.swap(first + root, first + child)
        root = child


def _heap_sort(d: Any, a: int, b: int) -> None:
    first, lo, hi = a, 0, b - a
    for i in range((hi - 1) // 2, -1, -1):
        _sift_down(d, i, hi, first)
    for i in range(hi - 1, -1, -1):
        d.swap(first, first + i)
        _sift_down(d, lo, i, first)


def _pdqsort(d: Any, a: int, b: int, limit: int) -> None:
    was_balanced = True
    was_partitioned = True
    while True:
        length = b - a
        if length <= 12:
            _insertion_sort(d, a, b)
            return
        if limit == 0:
            _heap_sort(d, a, b)
            return
        if not was_balanced:
            _break_patterns(d, a, b)
            limit -= 1
        pivot, hint = _choose_pivot(d, a, b)
        if hint == 2:
            _reverse_range(d, a, b)
            pivot = (b - 1) - (pivot - a)
            hint = 1
        if was_balanced and was_partitioned and hint == 1:
            if _partial_insertion_sort(d, a, b):
                return
        if a > 0 and not d.less(a - 1, pivot):
            a = _partition_equal(d, a, b, pivot)
            continue
        mid, already = _partition(d, a, b, pivot)
        was_partitioned = already
        left_len, right_len = mid - a, b - mid
        threshold = length // 8
        if left_len < right_len:
            was_balanced = left_len >= threshold
            _pdqsort(d, a, mid, limit)
            a = mid + 1
        else:
            was_balanced = right_len >= threshold
            _pdqsort(d, mid + 1, b, limit)
            b = mid


def _partition(d: Any, a: int, b: int, pivot: int) -> tuple[int, bool]:
    d.swap(a, pivot)
    i, j = a + 1, b - 1
    while i <= j and d.less(i, a):
        i += 1
    while i <= j and not d.less(j, a):
        j -= 1
    if i > j:
        d.swap(j, a)
        return j, True
    d.swap(i, j)
    i += 1
    j -= 1
    while True:
        while i <= j and d.less(i, a):
            i += 1
        while i <= j and not d.less(j, a):
            j -= 1
        if i > j:
            break
        d.swap(i, j)
        i += 1
        j -= 1
    d.swap(j, a)
    return j, False


def _partition_equal(d: Any, a: int, b: int, pivot: int) -> int:
    d.swap(a, pivot)
    i, j = a + 1, b - 1
    while True:
        while i <= j and not d.less(a, i):
            i += 1
        while i <= j and d.less(a, j):
            j -= 1
        if i > j:
            break
        d.swap(i, j)
        i += 1
        j -= 1
    return i


def _partial_insertion_sort(d: Any, a: int, b: int) -> bool:
    max_steps, shortest_shifting = 5, 50
    i = a + 1
    for _ in range(max_steps):
        while i < b and not d.less(i, i - 1):
            i += 1
        if i == b:
            return True
        if b - a < shortest_shifting:
            return False
        d.swap(i, i - 1)
        if i - a >= 2:
            for j in range(i - 1, 0, -1):
                if not d.less(j, j - 1):
                    break
                d.swap(j, j - 1)
        if b - i >= 2:
            for j in range(i + 1, b):
                if not d.less(j, j - 1):
                    break
                d.swap(j, j - 1)
    return False


def _break_patterns(d: Any, a: int, b: int) -> None:
    length = b - a
    if length >= 8:
        r = length
        modulus = 1 << length.bit_length()
        idx = a + (length // 4) * 2 - 1
        while idx <= a + (length // 4) * 2 + 1:
            r ^= (r << 13) & _U64
            r ^= r >> 17
            r ^= (r << 5) & _U64
            other = r & (modulus - 1)
            if other >= length:
                other -= length
            d.swap(idx, a + other)
            idx += 1


def _choose_pivot(d: Any, a: int, b: int) -> tuple[int, int]:
    l_ = b - a
    swaps = [0]
    i, j, k = a + l_ // 4 * 1, a + l_ // 4 * 2, a + l_ // 4 * 3
    if l_ >= 8:
        if l_ >= 50:
            i = _median(d, i - 1, i, i + 1, swaps)
            j = _median(d, j - 1, j, j + 1, swaps)
            k = _median(d, k - 1, k, k + 1, swaps)
        j = _median(d, i, j, k, swaps)
    if swaps[0] == 0:
        return j, 1
    if swaps[0] == 12:
        return j, 2
    return j, 0


def _order2(d: Any, a: int, b: int, swaps: list[int]) -> tuple[int, int]:
    if d.less(b, a):
        swaps[0] += 1
        return b, a
    return a, b


def _median(d: Any, a: int, b: int, c: int, swaps: list[int]) -> int:
    a, b = _order2(d, a, b, swaps)
    b, c = _order2(d, b, c, swaps)
    a, b = _order2(d, a, b, swaps)
    return b


def _reverse_range(d: Any, a: int, b: int) -> None:
    i, j = a, b - 1
    while i < j:
        d.swap(i, j)
        i += 1
        j -= 1


# --------------------------------------------------------------------------------------------------
# kubectl entry points
# --------------------------------------------------------------------------------------------------


def _run_sort(keys: list[list[Any]], items: list[Any], field: str, holder: str, source: str) -> None:
    sorter = _Sorter(keys, items)
    try:
        go_sort(sorter, len(items))
    except _Unsortable as e:
        message = f"Field {field} in {holder} is an unsortable type: interface, err: {e}"
        raise SortError(message, klog_source=source) from None


def _find(parser: JSONPath, obj: Any) -> list[list[Any]]:
    return parser.find_results(obj)


def _keys_of(parser: JSONPath, objs: list[Any]) -> list[list[Any]]:
    keys = []
    for o in objs:
        values = _find(parser, o)
        keys.append(values[0] if values else [])
    return keys


def sort_objects(objs: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    """kubectl ``SortObjects``: the items of a List sorted by ``--sort-by=field`` (a new list; inputs untouched).

    Raises SortError with kubectl's message (``couldn't find any field with path "{.x}" in the list of
    objects``, a JSONPath parse error, ...).
    """
    items = list(objs)
    if not items:
        return items
    try:
        relaxed = relaxed_jsonpath_expression(field)
        parser = JSONPath(relaxed, allow_missing_keys=True)
        keys = _keys_of(parser, items)
    except JSONPathError as e:
        raise SortError(e.message) from None
    if not any(keys):
        raise SortError(f"couldn't find any field with path {go_quote(relaxed)} in the list of objects")
    _run_sort(keys, items, relaxed, "*unstructured.Unstructured", "sorter.go:329")
    return items


def _table_sort(table: dict[str, Any], field: str) -> None:
    rows = table.get("rows") or []
    try:
        parser = JSONPath(field, allow_missing_keys=True)
    except JSONPathError as e:
        raise SortError(f"sorting error: {e.message}") from None
    try:
        keys = _keys_of(parser, [r.get("object") for r in rows])
    except JSONPathError as e:
        raise SortError(
            f"Failed to get values for [][]reflect.Value(nil) using {field} ({e.message})"
        ) from None
    if rows and not any(keys):
        raise SortError(f"couldn't find any field with path {go_quote(field)} in the list of objects")
    _run_sort(keys, rows, field, "[][][]reflect.Value", "sorter.go:375")


def sort_table_rows(table: dict[str, Any], field: str) -> dict[str, Any]:
    """``kubectl get --sort-by`` on one server-side Table whose rows carry objects (``includeObject=Object``).

    Returns a copy of the Table with its rows in kubectl's order. In v1.32 the Table reaches kubectl as an
    unstructured object, so only the ``SortingPrinter`` sorts it, and only when it has more than one row.
    Its errors are dropped by ``kubectl get``: a ``silent`` SortError means "print nothing for this table"
    (kubectl then says ``No resources found in NS namespace.`` on stderr and exits 0 if nothing else was
    printed); a ``fatal`` one (unsortable values) ends kubectl with a klog line and exit code 1.
    """
    out = dict(table)
    out["rows"] = list(table.get("rows") or [])
    if len(out["rows"]) <= 1:
        return out
    try:
        parsed = relaxed_jsonpath_expression(field)
    except JSONPathError:
        parsed = field
    try:
        _table_sort(out, parsed)
    except SortError as e:
        if e.fatal:
            raise
        raise SortError(e.message, silent=True) from None
    return out
