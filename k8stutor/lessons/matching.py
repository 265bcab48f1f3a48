"""Matching the learner's command lines against patterns (``command_used``, ``command_avoided``, disabled).

A pattern is a command written the way a person would: ``kubectl get nodes`` matches ``k get no -o wide`` and
``kubectl get node``. Both sides are normalized (``k`` -> ``kubectl``, resource short names and singulars ->
plurals, ``-n`` -> ``--namespace``, ``--flag=value`` -> ``--flag value``) and the pattern's words must appear
in the command in order, starting at its first word (a flag and the value after it may appear anywhere);
``*`` in a pattern word is a wildcard. With ``regex: true``
the pattern is a Python regular expression searched in the raw command line.
"""

from __future__ import annotations

import fnmatch
import re
import shlex
from functools import lru_cache

from ..engine.registry import Registry

_SPLIT = re.compile(r"\|\||&&|[|;\n]|\$\(|`|\)")
_SHORT_FLAGS = {
    "-n": "--namespace",
    "-A": "--all-namespaces",
    "-o": "--output",
    "-l": "--selector",
    "-f": "--filename",
    "-c": "--container",
    "-w": "--watch",
    "-i": "--stdin",
    "-t": "--tty",
    "-R": "--recursive",
    "-L": "--label-columns",
    "-p": "--previous",
}
_ALIASES = {"k": "kubectl"}


class PatternError(ValueError):
    """A pattern that cannot be used (bad regular expression, empty)."""


@lru_cache(maxsize=1)
def _registry() -> Registry:
    return Registry()


@lru_cache(maxsize=4096)
def _resource_word(word: str) -> str:
    """``no`` -> ``nodes``, ``deploy/web`` -> ``deployments/web``; other words unchanged."""
    if not word or word.startswith("-") or "=" in word:
        return word
    head, sep, rest = word.partition("/")
    parts = head.split(",")
    out = []
    for p in parts:
        rt = _registry().resolve(p) if re.fullmatch(r"[A-Za-z][A-Za-z0-9.-]*", p) else None
        out.append(rt.plural if rt is not None else p)
    return ",".join(out) + sep + rest


def normalize(segment: str) -> list[str]:
    """The words of one simple command, normalized for matching."""
    try:
        words = shlex.split(segment, comments=True)
    except ValueError:
        words = segment.split()
    while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):
        words = words[1:]  # VAR=value cmd
    if not words:
        return []
    words[0] = _ALIASES.get(words[0], words[0])
    out: list[str] = []
    kube = words[0] in ("kubectl", "helm")
    for w in words:
        if w.startswith("--") and "=" in w:
            flag, _, val = w.partition("=")
            out += [flag, val]
            continue
        if re.fullmatch(r"-[A-Za-z]", w):
            out.append(_SHORT_FLAGS.get(w, w) if kube else w)
            continue
        if re.fullmatch(r"-[a-zA-Z][^-=\s].*", w) and kube and w[:2] in _SHORT_FLAGS:
            out += [_SHORT_FLAGS[w[:2]], w[2:]]  # -nkube-system
            continue
        out.append(_resource_word(w) if kube and len(out) >= 2 else w)
    return out


def segments(line: str) -> list[list[str]]:
    """The simple commands of a command line (pipes, ``&&``, ``;`` and ``$(...)`` split it)."""
    return [w for w in (normalize(s) for s in _SPLIT.split(line)) if w]


class CommandPattern:
    """A compiled pattern; ``matches(line)`` tells whether a command line uses it."""

    def __init__(self, pattern: str, regex: bool = False) -> None:
        if not pattern or not pattern.strip():
            raise PatternError("the pattern is empty")
        self.text = pattern
        self.regex: re.Pattern[str] | None = None
        if regex:
            try:
                self.regex = re.compile(pattern)
            except re.error as e:
                raise PatternError(f"bad regular expression {pattern!r}: {e}") from None
            self.words: list[str] = []
        else:
            self.words = normalize(pattern)
            if not self.words:
                raise PatternError(f"the pattern {pattern!r} has no words")

    def matches(self, line: str) -> bool:
        """True when one of the line's simple commands matches."""
        if self.regex is not None:
            return self.regex.search(line) is not None
        return any(self._match_words(seg) for seg in segments(line))

    def _match_words(self, cmd: list[str]) -> bool:
        # Positional words match in order; a flag (with the value written after it) matches anywhere.
        if not fnmatch.fnmatchcase(cmd[0], self.words[0]):
            return False
        i = 1
        for group in self._groups:
            if group[0].startswith("-"):
                if not any(
                    all(fnmatch.fnmatchcase(cmd[k + n], g) for n, g in enumerate(group))
                    for k in range(1, len(cmd) - len(group) + 1)
                ):
                    return False
                continue
            while i < len(cmd) and not fnmatch.fnmatchcase(cmd[i], group[0]):
                i += 1
            if i >= len(cmd):
                return False
            i += 1
        return True

    @property
    def _groups(self) -> list[list[str]]:
        groups: list[list[str]] = []
        words = self.words[1:]
        j = 0
        while j < len(words):
            w = words[j]
            if w.startswith("-") and j + 1 < len(words) and not words[j + 1].startswith("-"):
                groups.append([w, words[j + 1]])
                j += 2
            else:
                groups.append([w])
                j += 1
        return groups
