"""Tokenizer for the mini-shell: words (with quoting and expansions split into parts), operators, heredocs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# ----------------------------------------------------------------------------------------------------------
# Errors


class ShSyntaxError(ValueError):
    """A shell syntax error; str() is the full message the shell prints (e.g. `sh: syntax error: ...`)."""

    def __init__(
        self,
        message: str,
        *,
        kind: str = "token",
        token: str | None = None,
        expecting: str | None = None,
        incomplete: bool = False,
        quote: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind  # "token" (unexpected token), "eof" (unexpected end of file), "quote" (unterminated)
        self.token = token
        self.expecting = expecting
        self.incomplete = incomplete
        self.quote = quote

    def __str__(self) -> str:
        return self.message

    def formatted(self, name: str = "sh", dialect: str = "busybox") -> str:
        """The message as shell `name` in `dialect` ("busybox" or "bash") prints it, without newline."""
        if dialect == "bash":
            if self.kind == "quote":
                return f"{name}: unexpected EOF while looking for matching `{self.quote}'"
            if self.kind == "eof":
                return f"{name}: syntax error: unexpected end of file"
            return f"{name}: syntax error near unexpected token `{self.token}'"
        if self.kind == "quote":
            return f"{name}: syntax error: unterminated quoted string"
        if self.kind == "eof":
            what = "end of file"
        elif self.token in ("newline", "word", "redirection"):
            what = str(self.token)
        else:
            what = f'"{self.token}"'
        exp = f' (expecting "{self.expecting}")' if self.expecting else ""
        return f"{name}: syntax error: unexpected {what}{exp}"


def _incomplete(kind: str, quote: str = "", expecting: str | None = None) -> ShSyntaxError:
    err = ShSyntaxError("", kind=kind, incomplete=True, quote=quote, expecting=expecting)
    err.message = err.formatted()
    return err


# ----------------------------------------------------------------------------------------------------------
# Word parts


@dataclass
class Lit:
    """Literal text; quoted text is exempt from field splitting and globbing."""

    text: str
    quoted: bool = False


@dataclass
class Param:
    """A parameter expansion: $name, ${name}, ${name:-arg}, ${#name}, ${name#pat} ..."""

    name: str
    op: str = ""
    arg: str | None = None
    quoted: bool = False
    length: bool = False


@dataclass
class CmdSub:
    """A command substitution $(...) or `...` holding the inner script text (parsed lazily)."""

    script: str
    quoted: bool = False
    ast: Any = None


@dataclass
class Arith:
    """An arithmetic expansion $((...)) holding the raw expression text."""

    expr: str
    quoted: bool = False


Part = Lit | Param | CmdSub | Arith


@dataclass
class Word:
    """A shell word: its source text and its parts."""

    raw: str
    parts: list[Part] = field(default_factory=list)

    @property
    def plain(self) -> str | None:
        """The literal text when the word has no quoting or expansion at all, else None."""
        if len(self.parts) == 1 and isinstance(self.parts[0], Lit) and not self.parts[0].quoted:
            return self.parts[0].text
        return None


@dataclass
class HereDoc:
    """A here-document: delimiter, whether it was quoted (no expansion), <<- tab stripping, and its body."""

    delimiter: str
    quoted: bool
    strip_tabs: bool
    body: str = ""
    word: Word | None = None
    complete: bool = False


@dataclass
class Token:
    """A lexical token: kind is WORD, OP, NEWLINE or EOF."""

    kind: str
    value: str
    word: Word | None = None
    fd: int | None = None
    heredoc: HereDoc | None = None
    line: int = 1


OPERATORS = sorted(
    [
        "&&",
        "||",
        ";;",
        "<<-",
        "<<",
        ">>",
        "&>>",
        "&>",
        ">&",
        "<&",
        ">|",
        "<>",
        ";",
        "&",
        "|",
        "(",
        ")",
        "<",
        ">",
    ],
    key=len,
    reverse=True,
)
REDIR_OPS = {"<<-", "<<", ">>", "&>>", "&>", ">&", "<&", ">|", "<>", "<", ">"}
_META = set(" \t\n;&|<>()")
_SPECIAL_PARAMS = set("?$#@*!-0123456789")


def _is_name_start(c: str) -> bool:
    return c.isalpha() or c == "_"


def _is_name_char(c: str) -> bool:
    return c.isalnum() or c == "_"


# ----------------------------------------------------------------------------------------------------------
# Scanners for nested constructs


def find_matching_paren(s: str, i: int) -> int:
    """Given s[i] just after an opening '(' return the index of its matching ')'; raise when unterminated."""
    depth = 1
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "'":
            j = s.find("'", i + 1)
            if j < 0:
                raise _incomplete("quote", "'")
            i = j + 1
            continue
        if c == '"':
            i = _skip_dquote(s, i + 1)
            continue
        if c == "`":
            i = _skip_backtick(s, i + 1)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise _incomplete("eof", expecting=")")


def _skip_dquote(s: str, i: int) -> int:
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == '"':
            return i + 1
        if c == "$" and s.startswith("$(", i):
            i = find_matching_paren(s, i + 2) + 1
            continue
        if c == "`":
            i = _skip_backtick(s, i + 1)
            continue
        i += 1
    raise _incomplete("quote", '"')


def _skip_backtick(s: str, i: int) -> int:
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "`":
            return i + 1
        i += 1
    raise _incomplete("quote", "`")


def _find_brace_end(s: str, i: int) -> int:
    depth = 1
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "'":
            j = s.find("'", i + 1)
            if j < 0:
                raise _incomplete("quote", "'")
            i = j + 1
            continue
        if c == '"':
            i = _skip_dquote(s, i + 1)
            continue
        if c == "$" and s.startswith("${", i):
            depth += 1
            i += 2
            continue
        if c == "$" and s.startswith("$(", i):
            i = find_matching_paren(s, i + 2) + 1
            continue
        if c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise _incomplete("eof", expecting="}")


def _unescape_backtick(text: str) -> str:
    out = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in "$`\\":
            out.append(text[i + 1])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def scan_dollar(s: str, i: int, quoted: bool) -> tuple[Part, int]:
    """Scan an expansion starting at s[i] == '$'; return the part and the index after it."""
    n = len(s)
    j = i + 1
    if j >= n:
        return Lit("$", quoted), j
    c = s[j]
    if s.startswith("((", j):
        # $(( expr )) -- find the matching close of the outer paren
        end = find_matching_paren(s, j + 1)
        inner = s[j + 1 : end]
        if inner.startswith("(") and inner.endswith(")"):
            return Arith(inner[1:-1], quoted), end + 1
        return CmdSub(inner, quoted), end + 1
    if c == "(":
        end = find_matching_paren(s, j + 1)
        return CmdSub(s[j + 1 : end], quoted), end + 1
    if c == "{":
        end = _find_brace_end(s, j + 1)
        return _parse_braced(s[j + 1 : end], quoted), end + 1
    if _is_name_start(c):
        k = j
        while k < n and _is_name_char(s[k]):
            k += 1
        return Param(s[j:k], quoted=quoted), k
    if c in _SPECIAL_PARAMS:
        return Param(c, quoted=quoted), j + 1
    return Lit("$", quoted), j


def _parse_braced(body: str, quoted: bool) -> Part:
    if body.startswith("#") and len(body) > 1:
        return Param(body[1:], quoted=quoted, length=True)
    k = 0
    if body and body[0] in _SPECIAL_PARAMS:
        k = 1
        if body[0].isdigit():
            while k < len(body) and body[k].isdigit():
                k += 1
    else:
        while k < len(body) and _is_name_char(body[k]):
            k += 1
    name = body[:k]
    rest = body[k:]
    if not name:
        return Param(body, op="bad", quoted=quoted)
    if not rest:
        return Param(name, quoted=quoted)
    for op in (":-", ":=", ":+", ":?", "##", "%%", "-", "=", "+", "?", "#", "%", "//", "/"):
        if rest.startswith(op):
            return Param(name, op=op, arg=rest[len(op) :], quoted=quoted)
    return Param(name, op="bad", arg=rest, quoted=quoted)


def parse_word_parts(s: str, *, heredoc: bool = False) -> list[Part]:
    """Split the text of one word (or an unquoted heredoc body when heredoc=True) into parts."""
    parts: list[Part] = []
    buf: list[str] = []
    bq = False  # whether buf holds quoted text

    def flush() -> None:
        nonlocal buf
        if buf:
            parts.append(Lit("".join(buf), bq))
            buf = []

    def add(text: str, quoted: bool) -> None:
        nonlocal bq
        if buf and bq != quoted:
            flush()
        bq = quoted
        buf.append(text)

    i = 0
    n = len(s)
    in_dq = heredoc
    while i < n:
        c = s[i]
        if c == "\\":
            if i + 1 >= n:
                add("\\", in_dq)
                i += 1
                continue
            nxt = s[i + 1]
            if nxt == "\n":
                i += 2
                continue
            if in_dq:
                if nxt in ('$`\\"' if not heredoc else "$`\\"):
                    add(nxt, True)
                else:
                    add("\\" + nxt, True)
            else:
                add(nxt, True)
            i += 2
            continue
        if c == "'" and not in_dq:
            j = s.find("'", i + 1)
            if j < 0:
                raise _incomplete("quote", "'")
            add(s[i + 1 : j], True)
            if j == i + 1:
                flush()
                parts.append(Lit("", True))
            i = j + 1
            continue
        if c == '"' and not heredoc:
            if in_dq:
                in_dq = False
                i += 1
                continue
            in_dq = True
            # an empty "" still makes a (quoted, empty) field
            if s.startswith('""', i):
                add("", True)
                flush()
                parts.append(Lit("", True))
                in_dq = False
                i += 2
                continue
            i += 1
            continue
        if c == "$":
            part, i = scan_dollar(s, i, in_dq)
            if isinstance(part, Lit):
                add(part.text, in_dq)
            else:
                flush()
                parts.append(part)
            continue
        if c == "`":
            end = _skip_backtick(s, i + 1)
            flush()
            parts.append(CmdSub(_unescape_backtick(s[i + 1 : end - 1]), in_dq))
            i = end
            continue
        add(c, in_dq)
        i += 1
    if in_dq and not heredoc:
        raise _incomplete("quote", '"')
    flush()
    return parts


# ----------------------------------------------------------------------------------------------------------
# The tokenizer


def _scan_word_end(s: str, i: int) -> int:
    """Return the index just past the word starting at i (quotes and expansions may contain metachars)."""
    n = len(s)
    while i < n:
        c = s[i]
        if c in _META:
            return i
        if c == "\\":
            i += 2
            continue
        if c == "'":
            j = s.find("'", i + 1)
            if j < 0:
                raise _incomplete("quote", "'")
            i = j + 1
            continue
        if c == '"':
            i = _skip_dquote(s, i + 1)
            continue
        if c == "`":
            i = _skip_backtick(s, i + 1)
            continue
        if c == "$" and i + 1 < n and s[i + 1] == "(":
            i = find_matching_paren(s, i + 2) + 1
            continue
        if c == "$" and i + 1 < n and s[i + 1] == "{":
            i = _find_brace_end(s, i + 2) + 1
            continue
        i += 1
    return min(i, n)


def _unquote_delimiter(raw: str) -> tuple[str, bool]:
    quoted = any(ch in raw for ch in "'\"\\")
    out = []
    i = 0
    q = ""
    while i < len(raw):
        c = raw[i]
        if q:
            if c == q:
                q = ""
            elif c == "\\" and q == '"' and i + 1 < len(raw):
                out.append(raw[i + 1])
                i += 1
            else:
                out.append(c)
        elif c in "'\"":
            q = c
        elif c == "\\" and i + 1 < len(raw):
            out.append(raw[i + 1])
            i += 1
        else:
            out.append(c)
        i += 1
    return "".join(out), quoted


def tokenize(s: str, *, strict_heredoc: bool = False) -> list[Token]:
    """Turn a script into tokens, reading here-document bodies after the line that introduces them."""
    toks: list[Token] = []
    pending: list[HereDoc] = []
    want_delim: HereDoc | None = None
    i = 0
    n = len(s)
    line = 1
    while i < n:
        c = s[i]
        if c in " \t":
            i += 1
            continue
        if c == "\\" and i + 1 < n and s[i + 1] == "\n":
            i += 2
            line += 1
            continue
        if c == "\\" and i + 1 == n:
            raise _incomplete("eof")
        if c == "#":
            j = s.find("\n", i)
            i = n if j < 0 else j
            continue
        if c == "\n":
            toks.append(Token("NEWLINE", "\n", line=line))
            i += 1
            line += 1
            if want_delim is not None:
                raise ShSyntaxError("", kind="token", token="newline")
            for hd in pending:
                i, line = _read_heredoc(s, i, line, hd, strict_heredoc)
            pending = []
            continue
        op = None
        fd = None
        if c.isdigit():
            j = i
            while j < n and s[j].isdigit():
                j += 1
            if j < n and s[j] in "<>":
                fd = int(s[i:j])
                i = j
                c = s[i]
        for cand in OPERATORS:
            if s.startswith(cand, i):
                op = cand
                break
        if op is not None:
            if want_delim is not None:
                raise ShSyntaxError("", kind="token", token=op)
            tok = Token("OP", op, fd=fd, line=line)
            if op in ("<<", "<<-"):
                hd = HereDoc("", False, op == "<<-")
                tok.heredoc = hd
                want_delim = hd
            toks.append(tok)
            i += len(op)
            continue
        end = _scan_word_end(s, i)
        raw = s[i:end]
        line += raw.count("\n")
        if want_delim is not None:
            want_delim.delimiter, want_delim.quoted = _unquote_delimiter(raw)
            pending.append(want_delim)
            toks.append(Token("WORD", raw, Word(raw, [Lit(want_delim.delimiter)]), line=line))
            want_delim = None
        else:
            toks.append(Token("WORD", raw, Word(raw, parse_word_parts(raw)), line=line))
        i = end
    if want_delim is not None:
        raise _incomplete("eof")
    for hd in pending:
        if strict_heredoc:
            raise _incomplete("eof")
        hd.complete = False
        hd.word = Word(hd.body, [Lit("", True)] if hd.quoted else [])
    toks.append(Token("EOF", "", line=line))
    return toks


def _read_heredoc(s: str, i: int, line: int, hd: HereDoc, strict: bool) -> tuple[int, int]:
    n = len(s)
    body: list[str] = []
    while i < n:
        j = s.find("\n", i)
        text = s[i:] if j < 0 else s[i:j]
        nxt = n if j < 0 else j + 1
        line += 1
        check = text.lstrip("\t") if hd.strip_tabs else text
        if check == hd.delimiter:
            hd.complete = True
            i = nxt
            break
        body.append(check + "\n")
        i = nxt
    else:
        if strict:
            raise _incomplete("eof")
    hd.body = "".join(body)
    if hd.quoted:
        hd.word = Word(hd.body, [Lit(hd.body, True)])
    else:
        hd.word = Word(hd.body, parse_word_parts(hd.body, heredoc=True))
    return i, line
