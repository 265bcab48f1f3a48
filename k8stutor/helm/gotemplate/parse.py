"""Lexer and parser for Go's text/template syntax (a port of text/template/parse).

The tree mirrors Go's parse nodes; positions are byte offsets into the template text so errors can be
reported as ``name:line:col`` exactly like Go's ``Tree.ErrorContext``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["ParseError", "Tree", "parse"]


class ParseError(Exception):
    """A template failed to parse; str() is Go's ``template: name:line: message``."""


# ---------------------------------------------------------------------------------------------------------
# Nodes
# ---------------------------------------------------------------------------------------------------------


class Node:
    """Base of every parse node: ``pos`` is the byte offset in ``tree.text``."""

    __slots__ = ("pos", "tree")

    def __init__(self, pos: int, tree: Tree) -> None:
        self.pos = pos
        self.tree = tree


class ListNode(Node):
    __slots__ = ("nodes",)

    def __init__(self, pos: int, tree: Tree) -> None:
        super().__init__(pos, tree)
        self.nodes: list[Node] = []

    def __str__(self) -> str:
        return "".join(str(n) for n in self.nodes)


class TextNode(Node):
    __slots__ = ("text",)

    def __init__(self, pos: int, tree: Tree, text: str) -> None:
        super().__init__(pos, tree)
        self.text = text

    def __str__(self) -> str:
        return repr(self.text)


class CommentNode(Node):
    __slots__ = ("text",)

    def __init__(self, pos: int, tree: Tree, text: str) -> None:
        super().__init__(pos, tree)
        self.text = text

    def __str__(self) -> str:
        return "{{" + self.text + "}}"


class PipeNode(Node):
    __slots__ = ("is_assign", "decl", "cmds", "line")

    def __init__(self, pos: int, tree: Tree, decl: list[VariableNode]) -> None:
        super().__init__(pos, tree)
        self.is_assign = False
        self.decl = decl
        self.cmds: list[CommandNode] = []

    def __str__(self) -> str:
        s = ""
        if self.decl:
            s = ", ".join(str(v) for v in self.decl) + (" = " if self.is_assign else " := ")
        return s + " | ".join(str(c) for c in self.cmds)


class ActionNode(Node):
    __slots__ = ("pipe",)

    def __init__(self, pos: int, tree: Tree, pipe: PipeNode) -> None:
        super().__init__(pos, tree)
        self.pipe = pipe

    def __str__(self) -> str:
        return "{{" + str(self.pipe) + "}}"


class CommandNode(Node):
    __slots__ = ("args",)

    def __init__(self, pos: int, tree: Tree) -> None:
        super().__init__(pos, tree)
        self.args: list[Node] = []

    def __str__(self) -> str:
        parts = []
        for a in self.args:
            if isinstance(a, PipeNode):
                parts.append("(" + str(a) + ")")
            else:
                parts.append(str(a))
        return " ".join(parts)


class IdentifierNode(Node):
    __slots__ = ("ident",)

    def __init__(self, pos: int, tree: Tree, ident: str) -> None:
        super().__init__(pos, tree)
        self.ident = ident

    def __str__(self) -> str:
        return self.ident


class VariableNode(Node):
    __slots__ = ("ident",)

    def __init__(self, pos: int, tree: Tree, ident: list[str]) -> None:
        super().__init__(pos, tree)
        self.ident = ident

    def __str__(self) -> str:
        return ".".join(self.ident)


class DotNode(Node):
    __slots__ = ()

    def __str__(self) -> str:
        return "."


class NilNode(Node):
    __slots__ = ()

    def __str__(self) -> str:
        return "nil"


class FieldNode(Node):
    __slots__ = ("ident",)

    def __init__(self, pos: int, tree: Tree, ident: list[str]) -> None:
        super().__init__(pos, tree)
        self.ident = ident

    def __str__(self) -> str:
        return "".join("." + i for i in self.ident)


class ChainNode(Node):
    __slots__ = ("node", "field")

    def __init__(self, pos: int, tree: Tree, node: Node) -> None:
        super().__init__(pos, tree)
        self.node = node
        self.field: list[str] = []

    def __str__(self) -> str:
        s = str(self.node)
        if isinstance(self.node, PipeNode):
            s = "(" + s + ")"
        return s + "".join("." + f for f in self.field)


class BoolNode(Node):
    __slots__ = ("value",)

    def __init__(self, pos: int, tree: Tree, value: bool) -> None:
        super().__init__(pos, tree)
        self.value = value

    def __str__(self) -> str:
        return "true" if self.value else "false"


class NumberNode(Node):
    __slots__ = ("text", "value")

    def __init__(self, pos: int, tree: Tree, text: str, value: Any) -> None:
        super().__init__(pos, tree)
        self.text = text
        self.value = value  # int or float, already Go-typed as an untyped constant would be

    def __str__(self) -> str:
        return self.text


class StringNode(Node):
    __slots__ = ("quoted", "text")

    def __init__(self, pos: int, tree: Tree, quoted: str, text: str) -> None:
        super().__init__(pos, tree)
        self.quoted = quoted
        self.text = text

    def __str__(self) -> str:
        return self.quoted


class BranchNode(Node):
    __slots__ = ("pipe", "list", "else_list", "line")

    keyword = ""

    def __init__(
        self, pos: int, tree: Tree, pipe: PipeNode, lst: ListNode, else_list: ListNode | None
    ) -> None:
        super().__init__(pos, tree)
        self.pipe = pipe
        self.list = lst
        self.else_list = else_list

    def __str__(self) -> str:
        s = "{{" + self.keyword + " " + str(self.pipe) + "}}" + str(self.list)
        if self.else_list is not None:
            s += "{{else}}" + str(self.else_list)
        return s + "{{end}}"


class IfNode(BranchNode):
    keyword = "if"


class RangeNode(BranchNode):
    keyword = "range"


class WithNode(BranchNode):
    keyword = "with"


class BreakNode(Node):
    __slots__ = ()

    def __str__(self) -> str:
        return "{{break}}"


class ContinueNode(Node):
    __slots__ = ()

    def __str__(self) -> str:
        return "{{continue}}"


class TemplateNode(Node):
    __slots__ = ("name", "pipe")

    def __init__(self, pos: int, tree: Tree, name: str, pipe: PipeNode | None) -> None:
        super().__init__(pos, tree)
        self.name = name
        self.pipe = pipe

    def __str__(self) -> str:
        if self.pipe is None:
            return f"{{{{template {_go_quote(self.name)}}}}}"
        return f"{{{{template {_go_quote(self.name)} {self.pipe}}}}}"


def _go_quote(s: str) -> str:
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


@dataclass
class Tree:
    """A parsed template: ``name`` is the template name, ``parse_name`` the file it came from."""

    name: str
    parse_name: str
    text: str
    root: ListNode | None = None
    defines: dict[str, Tree] = field(default_factory=dict)

    def location(self, pos: int) -> str:
        """Go's ErrorContext location ``parse_name:line:col`` (col is a 0-based byte offset)."""
        text = self.text[:pos]
        nl = text.rfind("\n")
        col = len(text.encode()) if nl < 0 else len(text[nl + 1 :].encode())
        return f"{self.parse_name}:{1 + text.count(chr(10))}:{col}"


# ---------------------------------------------------------------------------------------------------------
# Lexer
# ---------------------------------------------------------------------------------------------------------

# token kinds
T_ERROR, T_EOF, T_TEXT, T_LEFT, T_RIGHT, T_SPACE, T_IDENT, T_FIELD, T_VAR, T_DOT = range(10)
T_STRING, T_RAW, T_CHAR, T_NUMBER, T_BOOL, T_NIL, T_PIPE, T_DECLARE, T_ASSIGN, T_LPAREN = range(10, 20)
T_RPAREN, T_COMMA, T_KEYWORD, T_COMMENT = range(20, 24)

_KEYWORDS = {"block", "break", "continue", "define", "else", "end", "if", "range", "template", "with"}
_SPACE = " \t\r\n"


@dataclass(slots=True)
class Tok:
    kind: int
    val: str
    pos: int
    line: int


def _is_alnum(c: str) -> bool:
    return c == "_" or c.isalnum()


def lex(text: str, name: str) -> list[Tok]:
    """Tokenise a whole template (Go's lexer, delimiters ``{{``/``}}``)."""
    toks: list[Tok] = []
    n = len(text)
    i = 0
    line = 1

    def err(msg: str, ln: int) -> ParseError:
        return ParseError(f"template: {name}:{ln}: {msg}")

    while i < n:
        j = text.find("{{", i)
        if j < 0:
            toks.append(Tok(T_TEXT, text[i:], i, line))
            line += text.count("\n", i)
            i = n
            break
        # trim marker on the left delimiter
        trim_left = j + 3 < n and text[j + 2] == "-" and text[j + 3] in _SPACE
        end_text = j
        if trim_left:
            while end_text > i and text[end_text - 1] in _SPACE:
                end_text -= 1
        if end_text > i:
            toks.append(Tok(T_TEXT, text[i:end_text], i, line))
        line += text.count("\n", i, j)
        start_line = line
        k = j + 2 + (2 if trim_left else 0)
        toks.append(Tok(T_LEFT, "{{", j, line))
        # comment?
        if text.startswith("/*", k):
            close = text.find("*/", k + 2)
            if close < 0:
                raise err("unclosed comment", line)
            line += text.count("\n", k, close)
            m = close + 2
            if m + 1 < n and text[m] in _SPACE and text[m + 1] == "-" and text.startswith("}}", m + 2):
                m += 4
                while m < n and text[m] in _SPACE:
                    if text[m] == "\n":
                        line += 1
                    m += 1
            elif text.startswith("}}", m):
                m += 2
            else:
                raise err("comment ends before closing delimiter", line)
            toks.pop()  # comments produce no left delimiter
            toks.append(Tok(T_COMMENT, "", j, start_line))
            i = m
            continue
        # inside action
        depth = 0
        while True:
            if k >= n:
                raise err("unclosed action", start_line)
            c = text[k]
            # right delimiter with trim marker
            if c in _SPACE:
                s = k
                while k < n and text[k] in _SPACE:
                    k += 1
                if text.startswith("-}}", k) and k > s:
                    # trim marker
                    line += text.count("\n", s, k)
                    if depth:
                        raise err("unclosed left paren", line)
                    toks.append(Tok(T_RIGHT, "}}", k, line))
                    k += 3
                    while k < n and text[k] in _SPACE:
                        if text[k] == "\n":
                            line += 1
                        k += 1
                    break
                line += text.count("\n", s, k)
                toks.append(Tok(T_SPACE, text[s:k], s, line))
                continue
            if text.startswith("}}", k):
                if depth:
                    raise err("unclosed left paren", line)
                toks.append(Tok(T_RIGHT, "}}", k, line))
                k += 2
                break
            if c == "|":
                toks.append(Tok(T_PIPE, "|", k, line))
                k += 1
            elif c == ":":
                if text.startswith(":=", k):
                    toks.append(Tok(T_DECLARE, ":=", k, line))
                    k += 2
                else:
                    raise err("expected :=", line)
            elif c == "=":
                toks.append(Tok(T_ASSIGN, "=", k, line))
                k += 1
            elif c == ",":
                toks.append(Tok(T_COMMA, ",", k, line))
                k += 1
            elif c == "(":
                depth += 1
                toks.append(Tok(T_LPAREN, "(", k, line))
                k += 1
            elif c == ")":
                depth -= 1
                if depth < 0:
                    raise err("unexpected right paren", line)
                toks.append(Tok(T_RPAREN, ")", k, line))
                k += 1
            elif c == '"':
                m = k + 1
                while True:
                    if m >= n or text[m] == "\n":
                        raise err("unterminated quoted string", line)
                    if text[m] == "\\":
                        m += 2
                        continue
                    if text[m] == '"':
                        break
                    m += 1
                toks.append(Tok(T_STRING, text[k : m + 1], k, line))
                k = m + 1
            elif c == "`":
                m = text.find("`", k + 1)
                if m < 0:
                    raise err("unterminated raw quoted string", line)
                toks.append(Tok(T_RAW, text[k : m + 1], k, line))
                line += text.count("\n", k, m)
                k = m + 1
            elif c == "'":
                m = k + 1
                while True:
                    if m >= n or text[m] == "\n":
                        raise err("unterminated character constant", line)
                    if text[m] == "\\":
                        m += 2
                        continue
                    if text[m] == "'":
                        break
                    m += 1
                toks.append(Tok(T_CHAR, text[k : m + 1], k, line))
                k = m + 1
            elif c == "$":
                m = k + 1
                while m < n and _is_alnum(text[m]):
                    m += 1
                toks.append(Tok(T_VAR, text[k:m], k, line))
                k = m
            elif c == ".":
                if k + 1 < n and text[k + 1].isdigit():
                    m = _scan_number(text, k)
                    toks.append(Tok(T_NUMBER, text[k:m], k, line))
                    k = m
                else:
                    m = k + 1
                    while m < n and _is_alnum(text[m]):
                        m += 1
                    if m == k + 1:
                        toks.append(Tok(T_DOT, ".", k, line))
                    else:
                        toks.append(Tok(T_FIELD, text[k:m], k, line))
                    k = m
            elif c.isdigit() or (c in "+-" and k + 1 < n and (text[k + 1].isdigit() or text[k + 1] == ".")):
                m = _scan_number(text, k)
                if m < n and _is_alnum(text[m]):
                    raise err(f"bad number syntax: {_go_quote(text[k : m + 1])}", line)
                toks.append(Tok(T_NUMBER, text[k:m], k, line))
                k = m
            elif _is_alnum(c):
                m = k
                while m < n and _is_alnum(text[m]):
                    m += 1
                word = text[k:m]
                if word in _KEYWORDS:
                    kind = T_KEYWORD
                elif word in ("true", "false"):
                    kind = T_BOOL
                elif word == "nil":
                    kind = T_NIL
                else:
                    kind = T_IDENT
                toks.append(Tok(kind, word, k, line))
                k = m
            else:
                raise err(f"unexpected {_quote_rune(c)} in command", line)
        i = k
    toks.append(Tok(T_EOF, "", n, line))
    return toks


def _quote_rune(c: str) -> str:
    if c == "'":
        return "'\\''"
    return "'" + c + "'" if c.isprintable() else f"'\\x{ord(c):02x}'"


def _scan_number(text: str, k: int) -> int:
    n = len(text)
    m = k
    if m < n and text[m] in "+-":
        m += 1
    digits = "0123456789_"
    if text.startswith(("0x", "0X"), m):
        m += 2
        digits = "0123456789abcdefABCDEF_"
    elif text.startswith(("0o", "0O"), m):
        m += 2
        digits = "01234567_"
    elif text.startswith(("0b", "0B"), m):
        m += 2
        digits = "01_"
    while m < n and text[m] in digits:
        m += 1
    if m < n and text[m] == ".":
        m += 1
        while m < n and text[m] in digits:
            m += 1
    if len(digits) == 11 and m < n and text[m] in "eE":
        m += 1
        if m < n and text[m] in "+-":
            m += 1
        while m < n and text[m] in "0123456789_":
            m += 1
    if len(digits) == 23 and m < n and text[m] in "pP":
        m += 1
        if m < n and text[m] in "+-":
            m += 1
        while m < n and text[m] in "0123456789_":
            m += 1
    if m < n and text[m] == "i":
        m += 1
    return m


_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    "'": "'",
    '"': '"',
}


def unquote(s: str) -> str:
    """Go's strconv.Unquote for "..." and `...` literals (and '.' characters)."""
    if s[0] == "`":
        return s[1:-1].replace("\r", "")
    body = s[1:-1]
    out: list[str] = []
    i = 0
    n = len(body)
    while i < n:
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        i += 1
        if i >= n:
            raise ValueError("invalid syntax")
        e = body[i]
        if e in _ESCAPES:
            out.append(_ESCAPES[e])
            i += 1
        elif e == "x":
            out.append(chr(int(body[i + 1 : i + 3], 16)))
            i += 3
        elif e == "u":
            out.append(chr(int(body[i + 1 : i + 5], 16)))
            i += 5
        elif e == "U":
            out.append(chr(int(body[i + 1 : i + 9], 16)))
            i += 9
        elif e in "01234567":
            out.append(chr(int(body[i : i + 3], 8)))
            i += 3
        else:
            raise ValueError("invalid syntax")
    return "".join(out)


def _number_value(text: str) -> Any:
    """An untyped Go constant as the value a template passes to an interface{} argument."""
    t = text.replace("_", "")
    if t.endswith("i"):
        raise ValueError("complex constants are not supported")
    low = t.lower()
    is_hex = low.lstrip("+-").startswith("0x")
    if not is_hex and any(ch in low for ch in ".e") or (is_hex and "p" in low):
        return float.fromhex(t) if is_hex else float(t)
    sign = -1 if t.startswith("-") else 1
    body = t.lstrip("+-")
    lb = body.lower()
    if lb.startswith("0x"):
        v = int(body[2:], 16)
    elif lb.startswith("0o"):
        v = int(body[2:], 8)
    elif lb.startswith("0b"):
        v = int(body[2:], 2)
    elif len(body) > 1 and body.startswith("0"):
        v = int(body[1:], 8)
    else:
        v = int(body)
    return sign * v


# ---------------------------------------------------------------------------------------------------------
# Parser
# ---------------------------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, name: str, text: str, funcs: Any) -> None:
        self.name = name
        self.text = text
        self.funcs = funcs
        self.toks = lex(text, name)
        self.i = 0
        self.vars: list[str] = ["$"]
        self.tree = Tree(name, name, text)
        self.trees: dict[str, Tree] = {}
        self.range_depth = 0

    # token helpers -------------------------------------------------------------------------------------
    def next(self) -> Tok:
        t = self.toks[self.i]
        self.i += 1
        return t

    def backup(self) -> None:
        self.i -= 1

    def peek(self) -> Tok:
        return self.toks[self.i]

    def next_non_space(self) -> Tok:
        while True:
            t = self.next()
            if t.kind != T_SPACE:
                return t

    def peek_non_space(self) -> Tok:
        t = self.next_non_space()
        self.backup()
        return t

    def errorf(self, msg: str, tok: Tok | None = None) -> ParseError:
        line = (tok or self.toks[max(self.i - 1, 0)]).line
        return ParseError(f"template: {self.tree.parse_name}:{line}: {msg}")

    def unexpected(self, tok: Tok, context: str) -> ParseError:
        if tok.kind == T_ERROR:
            return self.errorf(tok.val, tok)
        return self.errorf(f"unexpected {_tok_str(tok)} in {context}", tok)

    def expect(self, kind: int, context: str) -> Tok:
        t = self.next_non_space()
        if t.kind != kind:
            raise self.unexpected(t, context)
        return t

    # structure -----------------------------------------------------------------------------------------
    def parse(self) -> dict[str, Tree]:
        root = ListNode(0, self.tree)
        self.tree.root = root
        while self.peek().kind != T_EOF:
            if self.peek().kind == T_LEFT:
                save = self.i
                self.next()
                nt = self.next_non_space()
                if nt.kind == T_KEYWORD and nt.val == "define":
                    self.parse_define()
                    continue
                self.i = save
            node = self.text_or_action()
            if isinstance(node, (EndMarker, ElseMarker)):
                raise self.errorf(f"unexpected {node}")
            if node is not None:
                root.nodes.append(node)
        # Go: a template that is only whitespace/comments is "empty" and does not replace a definition
        self.trees[self.tree.name] = self.tree
        return self.trees

    def parse_define(self) -> None:
        name_tok = self.next_non_space()
        if name_tok.kind not in (T_STRING, T_RAW):
            raise self.unexpected(name_tok, "define clause")
        name = unquote(name_tok.val)
        self.expect(T_RIGHT, "define clause")
        outer_tree, outer_vars = self.tree, self.vars
        sub = Tree(name, self.tree.parse_name, self.text)
        self.tree = sub
        self.vars = ["$"]
        lst, end = self.item_list()
        if not isinstance(end, EndMarker):
            raise self.errorf(f"unexpected {end} in define clause")
        sub.root = lst
        self.tree, self.vars = outer_tree, outer_vars
        if not _is_empty(lst) or name not in self.trees:
            self.trees[name] = sub

    def item_list(self) -> tuple[ListNode, Node]:
        lst = ListNode(self.peek_non_space().pos, self.tree)
        while self.peek_non_space().kind != T_EOF:
            n = self.text_or_action()
            if isinstance(n, (EndMarker, ElseMarker)):
                return lst, n
            if n is not None:
                lst.nodes.append(n)
        raise self.errorf("unexpected EOF")

    def text_or_action(self) -> Node | None:
        t = self.next_non_space()
        if t.kind == T_TEXT:
            return TextNode(t.pos, self.tree, t.val)
        if t.kind == T_COMMENT:
            return None
        if t.kind == T_LEFT:
            return self.action()
        raise self.unexpected(t, "input")

    def action(self) -> Node:
        t = self.next_non_space()
        if t.kind == T_KEYWORD:
            kw = t.val
            if kw == "block":
                return self.block_control(t)
            if kw == "break":
                return self.break_control(t, "break")
            if kw == "continue":
                return self.break_control(t, "continue")
            if kw == "else":
                return self.else_control(t)
            if kw == "end":
                self.expect(T_RIGHT, "end")
                return EndMarker(t.pos, self.tree)
            if kw == "if":
                return self.branch(IfNode, "if", t)
            if kw == "range":
                return self.branch(RangeNode, "range", t)
            if kw == "template":
                return self.template_control(t)
            if kw == "with":
                return self.branch(WithNode, "with", t)
            if kw == "define":
                raise self.errorf("unexpected <define> in command", t)
        self.backup()
        pipe = self.pipeline("command", T_RIGHT)
        return ActionNode(t.pos, self.tree, pipe)

    def break_control(self, t: Tok, name: str) -> Node:
        tok = self.next_non_space()
        if tok.kind != T_RIGHT:
            raise self.unexpected(tok, f"{{{{{name}}}}}")
        if self.range_depth == 0:
            raise self.errorf(f"{{{{{name}}}}} outside {{{{range}}}}", t)
        return BreakNode(t.pos, self.tree) if name == "break" else ContinueNode(t.pos, self.tree)

    def else_control(self, t: Tok) -> Node:
        p = self.peek_non_space()
        if p.kind == T_KEYWORD and p.val in ("if", "with"):
            return ElseMarker(t.pos, self.tree, p.val)
        self.expect(T_RIGHT, "else")
        return ElseMarker(t.pos, self.tree, "")

    def branch(self, cls: type[BranchNode], context: str, t: Tok) -> Node:
        mark = len(self.vars)
        pipe = self.pipeline(context, T_RIGHT)
        if context == "range":
            self.range_depth += 1
        lst, nxt = self.item_list()
        if context == "range":
            self.range_depth -= 1
        else_list: ListNode | None = None
        if isinstance(nxt, ElseMarker):
            if nxt.chain in ("if", "with") and nxt.chain == context:
                # {{else if}} / {{else with}}: treat as {{else}}{{if ...}}...{{end}}{{end}}
                else_list = ListNode(nxt.pos, self.tree)
                kw = self.next_non_space()  # the keyword
                inner = self.branch(IfNode if context == "if" else WithNode, context, kw)
                else_list.nodes.append(inner)
                del self.vars[mark:]
                return cls(t.pos, self.tree, pipe, lst, else_list)
            if nxt.chain:
                raise self.errorf(f"unexpected <{nxt.chain}> in input")
            else_list, nxt = self.item_list()
            if not isinstance(nxt, EndMarker):
                raise self.errorf(f"expected end; found {nxt}")
        del self.vars[mark:]
        return cls(t.pos, self.tree, pipe, lst, else_list)

    def block_control(self, t: Tok) -> Node:
        name_tok = self.next_non_space()
        if name_tok.kind not in (T_STRING, T_RAW):
            raise self.unexpected(name_tok, "block clause")
        name = unquote(name_tok.val)
        pipe = self.pipeline("block clause", T_RIGHT)
        outer_tree, outer_vars = self.tree, self.vars
        sub = Tree(name, self.tree.parse_name, self.text)
        self.tree = sub
        self.vars = ["$"]
        lst, end = self.item_list()
        if not isinstance(end, EndMarker):
            raise self.errorf(f"unexpected {end} in block clause")
        sub.root = lst
        self.tree, self.vars = outer_tree, outer_vars
        self.trees[name] = sub
        return TemplateNode(t.pos, self.tree, name, pipe)

    def template_control(self, t: Tok) -> Node:
        name_tok = self.next_non_space()
        if name_tok.kind not in (T_STRING, T_RAW):
            raise self.unexpected(name_tok, "template clause")
        name = unquote(name_tok.val)
        pipe: PipeNode | None = None
        if self.next_non_space().kind != T_RIGHT:
            self.backup()
            pipe = self.pipeline("template clause", T_RIGHT)
        return TemplateNode(t.pos, self.tree, name, pipe)

    # pipelines -----------------------------------------------------------------------------------------
    def pipeline(self, context: str, end: int) -> PipeNode:
        decl: list[VariableNode] = []
        token = self.peek_non_space()
        pipe = PipeNode(token.pos, self.tree, decl)
        # declarations
        while True:
            save = self.i
            v = self.next_non_space()
            if v.kind != T_VAR:
                self.i = save
                break
            tn = self.next_non_space()
            if tn.kind in (T_ASSIGN, T_DECLARE):
                pipe.is_assign = tn.kind == T_ASSIGN
                decl.append(VariableNode(v.pos, self.tree, [v.val]))
                self.vars.append(v.val)
                break
            if tn.kind == T_COMMA:
                decl.append(VariableNode(v.pos, self.tree, [v.val]))
                self.vars.append(v.val)
                if context == "range" and len(decl) < 2:
                    if self.peek_non_space().kind in (T_VAR, T_RIGHT, T_RPAREN):
                        continue
                    raise self.errorf("range can only initialize variables")
                raise self.errorf(f"too many declarations in {context}")
            self.i = save
            break
        if len(decl) == 2 and not (context == "range"):
            raise self.errorf(f"too many declarations in {context}")
        while True:
            t = self.next_non_space()
            if t.kind == end:
                self.check_pipeline(pipe, context)
                return pipe
            if t.kind in (
                T_BOOL,
                T_CHAR,
                T_DOT,
                T_FIELD,
                T_IDENT,
                T_NUMBER,
                T_NIL,
                T_RAW,
                T_STRING,
                T_VAR,
                T_LPAREN,
            ):
                self.backup()
                pipe.cmds.append(self.command())
            else:
                raise self.unexpected(t, context)

    def check_pipeline(self, pipe: PipeNode, context: str) -> None:
        if not pipe.cmds:
            raise self.errorf(f"missing value for {context}")
        for c in pipe.cmds[1:]:
            first = c.args[0]
            if isinstance(first, (BoolNode, DotNode, NilNode, NumberNode, StringNode)):
                raise self.errorf(f"non executable command in pipeline stage {pipe.cmds.index(c) + 1}")

    def command(self) -> CommandNode:
        cmd = CommandNode(self.peek_non_space().pos, self.tree)
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                cmd.args.append(operand)
            t = self.next()
            if t.kind == T_SPACE:
                continue
            if t.kind in (T_RIGHT, T_RPAREN):
                self.backup()
            elif t.kind == T_PIPE:
                pass
            else:
                raise self.unexpected(t, "operand")
            break
        if not cmd.args:
            raise self.errorf("empty command")
        return cmd

    def operand(self) -> Node | None:
        node = self.term()
        if node is None:
            return None
        if self.peek().kind == T_FIELD:
            chain = ChainNode(self.peek().pos, self.tree, node)
            while self.peek().kind == T_FIELD:
                chain.field.append(self.next().val[1:])
            if isinstance(node, FieldNode):
                return FieldNode(node.pos, self.tree, node.ident + chain.field)
            if isinstance(node, VariableNode):
                return VariableNode(node.pos, self.tree, node.ident + chain.field)
            if isinstance(node, (BoolNode, StringNode, NumberNode, NilNode, DotNode)):
                raise self.errorf(f"unexpected . after term {_go_quote(str(node))}")
            return chain
        return node

    def term(self) -> Node | None:
        t = self.next_non_space()
        k = t.kind
        if k == T_IDENT:
            if not self.has_function(t.val):
                raise self.errorf(f"function {_go_quote(t.val)} not defined", t)
            return IdentifierNode(t.pos, self.tree, t.val)
        if k == T_DOT:
            return DotNode(t.pos, self.tree)
        if k == T_NIL:
            return NilNode(t.pos, self.tree)
        if k == T_VAR:
            if t.val not in self.vars:
                raise self.errorf(f"undefined variable {_go_quote(t.val)}", t)
            return VariableNode(t.pos, self.tree, [t.val])
        if k == T_FIELD:
            return FieldNode(t.pos, self.tree, [t.val[1:]])
        if k == T_BOOL:
            return BoolNode(t.pos, self.tree, t.val == "true")
        if k == T_CHAR:
            try:
                ch = unquote('"' + t.val[1:-1] + '"') if t.val != "'\"'" else '"'
            except ValueError:
                raise self.errorf(f"malformed character constant: {t.val}", t) from None
            return NumberNode(t.pos, self.tree, t.val, ord(ch))
        if k == T_NUMBER:
            try:
                value = _number_value(t.val)
            except ValueError:
                raise self.errorf(f"illegal number syntax: {_go_quote(t.val)}", t) from None
            return NumberNode(t.pos, self.tree, t.val, value)
        if k == T_LPAREN:
            return self.pipeline("parenthesized pipeline", T_RPAREN)
        if k in (T_STRING, T_RAW):
            try:
                s = unquote(t.val)
            except ValueError:
                raise self.errorf("invalid syntax", t) from None
            return StringNode(t.pos, self.tree, t.val, s)
        self.backup()
        return None

    def has_function(self, name: str) -> bool:
        return name in self.funcs


class EndMarker(Node):
    def __str__(self) -> str:
        return "{{end}}"


class ElseMarker(Node):
    __slots__ = ("chain",)

    def __init__(self, pos: int, tree: Tree, chain: str) -> None:
        super().__init__(pos, tree)
        self.chain = chain

    def __str__(self) -> str:
        return "{{else}}"


def _tok_str(t: Tok) -> str:
    if t.kind == T_EOF:
        return "EOF"
    if t.kind == T_RIGHT:
        return "<}}>" if False else '"}}"'
    if t.kind == T_KEYWORD:
        return f"<{t.val}>"
    if t.kind == T_SPACE:
        return "space"
    if t.kind == T_TEXT:
        return _go_quote(t.val)
    return f"{_go_quote(t.val)}" if t.kind in (T_STRING,) else f'"{t.val}"'


def _is_empty(n: Node | None) -> bool:
    if n is None:
        return True
    if isinstance(n, ListNode):
        return all(_is_empty(x) for x in n.nodes)
    if isinstance(n, TextNode):
        return not n.text.strip(" \t\r\n")
    return False


def is_empty_tree(t: Tree) -> bool:
    """Go's IsEmptyTree: only whitespace text (and comments)."""
    return _is_empty(t.root)


def parse(name: str, text: str, funcs: Any) -> dict[str, Tree]:
    """Parse ``text`` as template ``name``; returns it and every ``define``/``block`` in it by name."""
    try:
        return _Parser(name, text, funcs).parse()
    except RecursionError:
        raise ParseError(f"template: {name}: too deeply nested") from None
