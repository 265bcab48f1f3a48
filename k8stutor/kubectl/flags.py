"""pflag-compatible flag parsing: flags anywhere, ``--flag=value``/``--flag value``, short flags, ``--``.

Errors carry cobra's exact wording (``unknown flag: --replicas``, ``flag needs an argument: 'n' in -n``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Flag:
    name: str
    kind: str = "string"  # bool | string | int | stringArray | stringSlice | duration
    short: str = ""
    default: Any = None
    help: str = ""
    # Optional value when given without "=" (pflag NoOptDefVal), e.g. --dry-run -> "unchanged".
    no_opt_default: str | None = None
    hidden: bool = False


class FlagError(Exception):
    """A flag could not be parsed; str() is cobra's message (without the ``Error: `` prefix)."""


@dataclass
class Parsed:
    args: list[str] = field(default_factory=list)
    flags: dict[str, Any] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)
    after_dash: list[str] = field(default_factory=list)
    dash_index: int = -1

    def get(self, name: str, default: Any = None) -> Any:
        return self.flags.get(name, default)


_TRUE = {"1", "t", "T", "true", "TRUE", "True"}
_FALSE = {"0", "f", "F", "false", "FALSE", "False"}


def _convert(flag: Flag, value: str, shown: str) -> Any:
    if flag.kind == "bool":
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise FlagError(f'invalid argument "{value}" for "{shown}" flag: strconv.ParseBool: parsing "{value}": '
                        "invalid syntax")
    if flag.kind == "int":
        try:
            return int(value, 10)
        except ValueError:
            raise FlagError(f'invalid argument "{value}" for "{shown}" flag: strconv.ParseInt: parsing "{value}": '
                            "invalid syntax") from None
    if flag.kind == "duration":
        from .durations import DurationError, parse_duration

        try:
            return parse_duration(value)
        except DurationError:
            raise FlagError(f'invalid argument "{value}" for "{shown}" flag: time: invalid duration "{value}"') from None
    return value


def parse(argv: list[str], flags: list[Flag], stop_at_first_arg: bool = False) -> Parsed:
    """Parse ``argv`` against ``flags``. Repeated array flags accumulate; slices also split on commas."""
    by_name = {f.name: f for f in flags}
    by_short = {f.short: f for f in flags if f.short}
    p = Parsed()
    for f in flags:
        if f.kind in ("stringArray", "stringSlice"):
            p.flags[f.name] = list(f.default or [])
        else:
            p.flags[f.name] = f.default

    def setv(f: Flag, value: str, shown: str) -> None:
        v = _convert(f, value, shown)
        if f.kind == "stringArray":
            if f.name not in p.changed:
                p.flags[f.name] = []
            p.flags[f.name].append(v)
        elif f.kind == "stringSlice":
            if f.name not in p.changed:
                p.flags[f.name] = []
            p.flags[f.name].extend([x for x in v.split(",")] if v else [])
        else:
            p.flags[f.name] = v
        p.changed.add(f.name)

    i = 0
    n = len(argv)
    while i < n:
        a = argv[i]
        if a == "--":
            p.dash_index = len(p.args)
            p.after_dash = argv[i + 1:]
            break
        if a.startswith("--") and len(a) > 2:
            body = a[2:]
            name, eq, value = body.partition("=")
            fl = by_name.get(name)
            if fl is None:
                raise FlagError(f"unknown flag: --{name}")
            f = fl
            if eq:
                setv(f, value, f"--{name}" if not f.short else f"-{f.short}, --{name}")
            elif f.kind == "bool":
                setv(f, "true", f"--{name}")
            elif f.no_opt_default is not None:
                setv(f, f.no_opt_default, f"--{name}")
            else:
                if i + 1 >= n:
                    raise FlagError(f"flag needs an argument: --{name}")
                i += 1
                setv(f, argv[i], f"-{f.short}, --{name}" if f.short else f"--{name}")
        elif a.startswith("-") and len(a) > 1 and a != "-":
            shorts = a[1:]
            j = 0
            while j < len(shorts):
                c = shorts[j]
                fs = by_short.get(c)
                if fs is None:
                    raise FlagError(f"unknown shorthand flag: '{c}' in {a}")
                f = fs
                rest = shorts[j + 1:]
                shown = f"-{c}, --{f.name}"
                if f.kind == "bool":
                    if rest.startswith("="):
                        setv(f, rest[1:], shown)
                        break
                    setv(f, "true", shown)
                    j += 1
                    continue
                if rest.startswith("="):
                    setv(f, rest[1:], shown)
                elif rest:
                    setv(f, rest, shown)
                elif f.no_opt_default is not None:
                    setv(f, f.no_opt_default, shown)
                else:
                    if i + 1 >= n:
                        raise FlagError(f"flag needs an argument: '{c}' in -{c}")
                    i += 1
                    setv(f, argv[i], shown)
                break
        else:
            p.args.append(a)
            if stop_at_first_arg:
                p.args.extend(argv[i + 1:])
                break
        i += 1
    return p
