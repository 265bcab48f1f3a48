"""Masterminds/semver v3 versions and constraints (as Sprig's ``semverCompare`` and Helm's kubeVersion use)."""

from __future__ import annotations

import re
from typing import Any

from .gotemplate import GoObject

__all__ = ["SemverError", "Version", "parse_version", "constraint_check"]


class SemverError(ValueError):
    """An invalid version or constraint (Masterminds' wording)."""


_VERSION = re.compile(
    r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?"
    r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
    r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$"
)


class Version(GoObject):
    """A semantic version; fields and methods as templates see ``semver`` results."""

    go_type_name = "*semver.Version"

    def __init__(self, major: int, minor: int, patch: int, pre: str, meta: str, original: str) -> None:
        self.major, self.minor, self.patch, self.pre, self.meta, self.original = (
            major,
            minor,
            patch,
            pre,
            meta,
            original,
        )

    def go_method(self, name: str) -> Any:
        table = {
            "Major": lambda: self.major,
            "Minor": lambda: self.minor,
            "Patch": lambda: self.patch,
            "Prerelease": lambda: self.pre,
            "Metadata": lambda: self.meta,
            "Original": lambda: self.original,
            "String": lambda: self.go_string(),
        }
        return table.get(name)

    def go_string(self) -> str:
        s = f"{self.major}.{self.minor}.{self.patch}"
        if self.pre:
            s += "-" + self.pre
        if self.meta:
            s += "+" + self.meta
        return s

    def compare(self, o: Version) -> int:
        """-1, 0 or 1 (build metadata ignored)."""
        for a, b in ((self.major, o.major), (self.minor, o.minor), (self.patch, o.patch)):
            if a != b:
                return -1 if a < b else 1
        return _cmp_pre(self.pre, o.pre)


def _cmp_pre(a: str, b: str) -> int:
    if a == b:
        return 0
    if not a:
        return 1
    if not b:
        return -1
    pa, pb = a.split("."), b.split(".")
    for x, y in zip(pa, pb, strict=False):
        if x == y:
            continue
        xd, yd = x.isdigit(), y.isdigit()
        if xd and yd:
            return -1 if int(x) < int(y) else 1
        if xd:
            return -1
        if yd:
            return 1
        return -1 if x < y else 1
    if len(pa) == len(pb):
        return 0
    return -1 if len(pa) < len(pb) else 1


def parse_version(v: str) -> Version:
    """semver.NewVersion (missing minor/patch read as 0)."""
    m = _VERSION.match(v)
    if not m:
        raise SemverError("Invalid Semantic Version")
    return Version(
        int(m.group(1)),
        int(m.group(2)[1:]) if m.group(2) else 0,
        int(m.group(3)[1:]) if m.group(3) else 0,
        m.group(5) or "",
        m.group(8) or "",
        v,
    )


_CV = r"v?([0-9xX*]+)(\.[0-9xX*]+)?(\.[0-9xX*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
_OPS = r"(!=|>=|=>|<=|=<|~>|=|>|<|~|\^)?"
_FIND = re.compile(_OPS + r"\s*(" + _CV + r")")
_ONE = re.compile(r"^\s*" + _OPS + r"\s*(" + _CV + r")\s*$")
_VALID = re.compile(r"^(\s*" + _OPS + r"\s*" + _CV + r"\s*,?)+$".replace("(", "(?:").replace("(?:?", "(?"))
_RANGE = re.compile(r"\s*(" + _CV + r")\s+-\s+(" + _CV + r")\s*")


def _is_x(s: str) -> bool:
    return s in ("x", "X", "*")


class _C:
    __slots__ = ("op", "con", "minor_dirty", "patch_dirty", "dirty")

    def __init__(self, text: str) -> None:
        m = _ONE.match(text)
        if not m:
            raise SemverError(f"improper constraint: {text}")
        self.op = m.group(1) or ""
        g3, g4, g5, g6 = m.group(3), m.group(4) or "", m.group(5) or "", m.group(6) or ""
        self.minor_dirty = self.patch_dirty = self.dirty = False
        if _is_x(g3):
            ver = "0.0.0" + g6
            self.dirty = True
        elif not g4 or _is_x(g4[1:]):
            self.minor_dirty = self.dirty = True
            ver = f"{g3}.0.0{g6}"
        elif not g5 or _is_x(g5[1:]):
            self.patch_dirty = self.dirty = True
            ver = f"{g3}{g4}.0{g6}"
        else:
            ver = m.group(2)
        self.con = parse_version(ver)

    def check(self, v: Version) -> bool:
        c = self.con
        if v.pre and not c.pre:
            return False
        op = self.op
        if op in ("", "="):
            if self.dirty:
                if self.minor_dirty:
                    return v.major == c.major
                if self.patch_dirty:
                    return v.major == c.major and v.minor == c.minor
            return v.compare(c) == 0
        if op == "!=":
            if self.dirty:
                if self.minor_dirty:
                    return v.major != c.major
                if self.patch_dirty:
                    return v.major != c.major or v.minor != c.minor
            return v.compare(c) != 0
        if op == ">":
            if not self.dirty:
                return v.compare(c) > 0
            if v.major != c.major:
                return v.major > c.major
            if self.minor_dirty:
                return False
            if self.patch_dirty:
                return v.minor > c.minor
            return v.compare(c) > 0
        if op == "<":
            return v.compare(c) < 0
        if op in (">=", "=>"):
            return v.compare(c) >= 0
        if op in ("<=", "=<"):
            if not self.dirty:
                return v.compare(c) <= 0
            if v.major != c.major:
                return v.major < c.major
            if self.minor_dirty:
                return True
            if self.patch_dirty:
                return v.minor <= c.minor
            return v.compare(c) <= 0
        if op in ("~", "~>"):
            if v.compare(c) < 0:
                return False
            if c.minor == 0 and c.patch == 0 and not self.minor_dirty and not self.patch_dirty:
                return v.major == c.major
            if v.major != c.major:
                return False
            if v.minor != c.minor and not self.minor_dirty:
                return False
            return True
        if op == "^":
            if v.compare(c) < 0:
                return False
            if c.major > 0 or self.minor_dirty:
                return v.major == c.major
            if c.minor > 0 or self.patch_dirty:
                return v.major == c.major and v.minor == c.minor
            return v.major == c.major and v.minor == c.minor and v.patch == c.patch
        return False


def _parse_constraints(text: str) -> list[list[_C]]:
    text = _RANGE.sub(lambda m: f" >= {m.group(1)}, <= {m.group(11)} ", text)
    ors = []
    for part in text.split("||"):
        found = [m.group(0) for m in _FIND.finditer(part)]
        if not found or not part.strip():
            raise SemverError(f"improper constraint: {part}")
        rest = _FIND.sub("", part)
        if rest.replace(",", "").strip():
            raise SemverError(f"improper constraint: {part}")
        ors.append([_C(f) for f in found])
    return ors


def constraint_check(constraint: str, version: str) -> bool:
    """sprig semverCompare / Masterminds Constraints.Check."""
    cons = _parse_constraints(constraint)
    v = parse_version(version)
    return any(all(c.check(v) for c in group) for group in cons)


_ = _VALID
