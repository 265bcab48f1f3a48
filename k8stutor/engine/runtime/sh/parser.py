"""Recursive-descent parser for the mini-shell: tokens to an AST of lists, pipelines and compound commands."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexer import HereDoc, Lit, ShSyntaxError, Token, Word, tokenize

# ----------------------------------------------------------------------------------------------------------
# AST


@dataclass
class Redirect:
    """A redirection: fd, operator (`>`, `>>`, `<`, `>&`, `<&`, `&>`, `&>>`, `<<`, `<<-`, `<>`) and target."""

    fd: int
    op: str
    target: Word
    heredoc: HereDoc | None = None


@dataclass
class Node:
    """Base class of AST nodes."""


@dataclass
class SimpleCommand(Node):
    """Assignments, words and redirections of one simple command."""

    assigns: list[tuple[str, Word]] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)


@dataclass
class Pipeline(Node):
    """Commands joined by `|`, optionally negated with `!`."""

    commands: list[Node]
    negate: bool = False


@dataclass
class AndOr(Node):
    """A pipeline followed by `&&`/`||` pipelines."""

    first: Node
    rest: list[tuple[str, Node]] = field(default_factory=list)


@dataclass
class Sequence(Node):
    """Commands separated by `;`, `&` or newlines; background flags are kept (run in foreground)."""

    items: list[tuple[Node, bool]] = field(default_factory=list)


@dataclass
class Compound(Node):
    """Base of compound commands, which may carry redirections."""

    redirects: list[Redirect] = field(default_factory=list, kw_only=True)


@dataclass
class Subshell(Compound):
    """`( list )`."""

    body: Sequence


@dataclass
class Group(Compound):
    """`{ list; }`."""

    body: Sequence


@dataclass
class If(Compound):
    """`if/elif/else/fi`: (condition, body) clauses and an optional else body."""

    clauses: list[tuple[Sequence, Sequence]]
    orelse: Sequence | None = None


@dataclass
class While(Compound):
    """`while`/`until` loops."""

    cond: Sequence
    body: Sequence
    until: bool = False


@dataclass
class For(Compound):
    """`for NAME [in WORDS]; do ...; done` (no `in` means "$@")."""

    var: str
    words: list[Word] | None
    body: Sequence


@dataclass
class Case(Compound):
    """`case WORD in PATTERNS) LIST;; ... esac`."""

    word: Word
    items: list[tuple[list[Word], Sequence]]


@dataclass
class FuncDef(Node):
    """`name() compound-command`."""

    name: str
    body: Node


_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
_ASSIGN_RE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")
RESERVED = {
    "if",
    "then",
    "else",
    "elif",
    "fi",
    "do",
    "done",
    "case",
    "esac",
    "while",
    "until",
    "for",
    "{",
    "}",
    "!",
    "in",
}
_STOP = {"then", "else", "elif", "fi", "do", "done", "esac", "}"}


class Parser:
    """Parser over a token list; use parse() instead of this class directly."""

    def __init__(self, tokens: list[Token]) -> None:
        self.toks = tokens
        self.pos = 0

    # -- helpers ---------------------------------------------------------------------------------------------
    def peek(self) -> Token:
        return self.toks[self.pos]

    def next(self) -> Token:
        tok = self.toks[self.pos]
        if tok.kind != "EOF":
            self.pos += 1
        return tok

    def is_op(self, *ops: str) -> bool:
        tok = self.peek()
        return tok.kind == "OP" and tok.value in ops

    def is_word(self, *words: str) -> bool:
        tok = self.peek()
        return tok.kind == "WORD" and tok.word is not None and tok.word.plain in words

    def error(self, expecting: str | None = None) -> ShSyntaxError:
        tok = self.peek()
        if tok.kind == "EOF":
            err = ShSyntaxError("", kind="eof", expecting=expecting, incomplete=True)
        elif tok.kind == "NEWLINE":
            err = ShSyntaxError("", kind="token", token="newline", expecting=expecting)
        elif tok.kind == "OP" and tok.value in (
            "<",
            ">",
            ">>",
            "<<",
            "<<-",
            ">&",
            "<&",
            "&>",
            "&>>",
            "<>",
            ">|",
        ):
            err = ShSyntaxError("", kind="token", token=tok.value, expecting=expecting)
            err.busybox_token = "redirection"  # type: ignore[attr-defined]
        elif tok.kind == "WORD" and (tok.word is None or tok.word.plain not in RESERVED):
            err = ShSyntaxError("", kind="token", token=tok.value, expecting=expecting)
            err.busybox_token = "word"  # type: ignore[attr-defined]
        else:
            err = ShSyntaxError("", kind="token", token=tok.value, expecting=expecting)
        err.message = err.formatted()
        return err

    def skip_newlines(self) -> None:
        while self.peek().kind == "NEWLINE":
            self.next()

    def expect_word(self, word: str) -> None:
        if not self.is_word(word):
            raise self.error(expecting=word)
        self.next()

    # -- grammar ---------------------------------------------------------------------------------------------
    def parse_program(self) -> Sequence:
        seq = self.parse_list(top=True)
        if self.peek().kind != "EOF":
            raise self.error()
        return seq

    def parse_list(self, top: bool = False) -> Sequence:
        seq = Sequence()
        self.skip_newlines()
        while True:
            tok = self.peek()
            if tok.kind == "EOF":
                break
            if tok.kind == "OP" and tok.value in (")", ";;"):
                break
            if tok.kind == "WORD" and tok.word is not None and tok.word.plain in _STOP:
                break
            node = self.parse_and_or()
            bg = False
            if self.is_op("&"):
                self.next()
                bg = True
            elif self.is_op(";"):
                self.next()
            elif self.peek().kind == "NEWLINE":
                pass
            else:
                seq.items.append((node, bg))
                break
            seq.items.append((node, bg))
            self.skip_newlines()
        return seq

    def parse_body(self, expecting: str) -> Sequence:
        seq = self.parse_list()
        if not seq.items:
            raise self.error(expecting=None if self.peek().kind != "EOF" else expecting)
        return seq

    def parse_and_or(self) -> Node:
        first = self.parse_pipeline()
        rest: list[tuple[str, Node]] = []
        while self.is_op("&&", "||"):
            op = self.next().value
            self.skip_newlines()
            rest.append((op, self.parse_pipeline()))
        return first if not rest else AndOr(first, rest)

    def parse_pipeline(self) -> Node:
        negate = False
        if self.is_word("!"):
            self.next()
            negate = True
        cmds = [self.parse_command()]
        while self.is_op("|"):
            self.next()
            self.skip_newlines()
            cmds.append(self.parse_command())
        if len(cmds) == 1 and not negate:
            return cmds[0]
        return Pipeline(cmds, negate)

    def parse_command(self) -> Node:
        tok = self.peek()
        if tok.kind == "OP" and tok.value == "(":
            self.next()
            body = self.parse_list()
            if not self.is_op(")"):
                raise self.error(expecting=")")
            self.next()
            return self._redirects_after(Subshell(body))
        if tok.kind == "WORD" and tok.word is not None:
            w = tok.word.plain
            if w == "{":
                self.next()
                body = self.parse_body("}")
                self.expect_word("}")
                return self._redirects_after(Group(body))
            if w == "if":
                return self._redirects_after(self.parse_if())
            if w in ("while", "until"):
                self.next()
                cond = self.parse_body("do")
                self.expect_word("do")
                body = self.parse_body("done")
                self.expect_word("done")
                return self._redirects_after(While(cond, body, until=(w == "until")))
            if w == "for":
                return self._redirects_after(self.parse_for())
            if w == "case":
                return self._redirects_after(self.parse_case())
            if w in RESERVED and w != "in":
                raise self.error()
            # function definition: name ( )
            nxt = self.toks[self.pos + 1] if self.pos + 1 < len(self.toks) else None
            if (
                w is not None
                and _NAME_RE.match(w)
                and nxt is not None
                and nxt.kind == "OP"
                and nxt.value == "("
                and self.pos + 2 < len(self.toks)
                and self.toks[self.pos + 2].kind == "OP"
                and self.toks[self.pos + 2].value == ")"
            ):
                self.pos += 3
                self.skip_newlines()
                return FuncDef(w, self.parse_command())
        return self.parse_simple()

    def _redirects_after(self, node: Compound) -> Compound:
        while self.peek().kind == "OP" and self.peek().value in _REDIR_SET:
            node.redirects.append(self.parse_redirect())
        return node

    def parse_if(self) -> If:
        self.next()
        clauses = []
        cond = self.parse_body("then")
        self.expect_word("then")
        body = self.parse_body("fi")
        clauses.append((cond, body))
        orelse = None
        while True:
            if self.is_word("elif"):
                self.next()
                c = self.parse_body("then")
                self.expect_word("then")
                b = self.parse_body("fi")
                clauses.append((c, b))
                continue
            if self.is_word("else"):
                self.next()
                orelse = self.parse_body("fi")
            self.expect_word("fi")
            return If(clauses, orelse)

    def parse_for(self) -> For:
        self.next()
        tok = self.next()
        if (
            tok.kind != "WORD"
            or tok.word is None
            or tok.word.plain is None
            or not _NAME_RE.match(tok.word.plain)
        ):
            self.pos -= 1 if tok.kind != "EOF" else 0
            raise self.error()
        var = tok.word.plain
        words: list[Word] | None = None
        self.skip_newlines()
        if self.is_word("in"):
            self.next()
            words = []
            while self.peek().kind == "WORD":
                w = self.next().word
                assert w is not None
                words.append(w)
            if self.is_op(";"):
                self.next()
            elif self.peek().kind != "NEWLINE":
                raise self.error(expecting="do")
        elif self.is_op(";"):
            self.next()
        self.skip_newlines()
        self.expect_word("do")
        body = self.parse_body("done")
        self.expect_word("done")
        return For(var, words, body)

    def parse_case(self) -> Case:
        self.next()
        tok = self.next()
        if tok.kind != "WORD" or tok.word is None:
            self.pos -= 1 if tok.kind != "EOF" else 0
            raise self.error()
        word = tok.word
        self.skip_newlines()
        self.expect_word("in")
        self.skip_newlines()
        items: list[tuple[list[Word], Sequence]] = []
        while not self.is_word("esac"):
            if self.is_op("("):
                self.next()
            pats: list[Word] = []
            while True:
                t = self.next()
                if t.kind != "WORD" or t.word is None:
                    self.pos -= 1 if t.kind != "EOF" else 0
                    raise self.error(expecting=")" if pats else None)
                pats.append(t.word)
                if self.is_op("|"):
                    self.next()
                    continue
                break
            if not self.is_op(")"):
                raise self.error(expecting=")")
            self.next()
            body = self.parse_list()
            items.append((pats, body))
            if self.is_op(";;"):
                self.next()
                self.skip_newlines()
                continue
            if not self.is_word("esac"):
                raise self.error(expecting="esac")
        self.next()
        return Case(word, items)

    def parse_redirect(self) -> Redirect:
        tok = self.next()
        op = tok.value
        target = self.next()
        if target.kind != "WORD" or target.word is None:
            self.pos -= 1 if target.kind != "EOF" else 0
            raise self.error()
        if op in ("<<", "<<-"):
            assert tok.heredoc is not None
            return Redirect(0 if tok.fd is None else tok.fd, op, target.word, tok.heredoc)
        default_fd = 0 if op in ("<", "<&", "<>") else 1
        return Redirect(default_fd if tok.fd is None else tok.fd, op, target.word)

    def parse_simple(self) -> SimpleCommand:
        cmd = SimpleCommand()
        while True:
            tok = self.peek()
            if tok.kind == "OP" and tok.value in _REDIR_SET:
                cmd.redirects.append(self.parse_redirect())
                continue
            if tok.kind != "WORD" or tok.word is None:
                break
            w = tok.word
            if not cmd.words:
                first = w.parts[0] if w.parts else None
                if isinstance(first, Lit) and not first.quoted:
                    m = _ASSIGN_RE.match(first.text)
                    if m:
                        rest_parts = list(w.parts)
                        rest_text = first.text[m.end() :]
                        rest_parts[0] = Lit(rest_text)
                        if not rest_text:
                            rest_parts = rest_parts[1:]
                        cmd.assigns.append((m.group(1), Word(w.raw[m.end() :], rest_parts)))
                        self.next()
                        continue
            cmd.words.append(w)
            self.next()
        if not cmd.words and not cmd.assigns and not cmd.redirects:
            raise self.error()
        return cmd


_REDIR_SET = {"<<-", "<<", ">>", "&>>", "&>", ">&", "<&", ">|", "<>", "<", ">"}


def parse(script: str, *, name: str = "sh", dialect: str | None = None) -> Sequence:
    """Parse a script into an AST; raise ShSyntaxError with the message shell `name` would print."""
    dialect = dialect or ("bash" if name == "bash" else "busybox")
    try:
        return Parser(tokenize(script)).parse_program()
    except ShSyntaxError as err:
        _finish(err, name, dialect)
        raise
    except RecursionError:
        deep = ShSyntaxError("", kind="token", token="(")
        _finish(deep, name, dialect)
        raise deep from None


def _finish(err: ShSyntaxError, name: str, dialect: str) -> None:
    if dialect == "busybox" and getattr(err, "busybox_token", None):
        saved = err.token
        err.token = err.busybox_token  # type: ignore[attr-defined]
        err.message = err.formatted(name, dialect)
        err.token = saved
    else:
        err.message = err.formatted(name, dialect)
    err.args = (err.message,)


def needs_more_input(text: str) -> bool:
    """Whether text is an unfinished command (open quote, heredoc, if/while/for/case, `|`, `&&`, `\\`)."""
    try:
        Parser(tokenize(text, strict_heredoc=True)).parse_program()
    except ShSyntaxError as err:
        return err.incomplete
    except RecursionError:
        return False
    return False
