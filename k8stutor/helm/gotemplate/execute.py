"""Executing parsed templates with Go's text/template semantics (missingkey=zero, as Helm sets it)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from .gofmt import GoObject, go_quote, go_type, sprint, sprintf, sprintln
from .parse import (
    ActionNode,
    BoolNode,
    BreakNode,
    ChainNode,
    CommandNode,
    ContinueNode,
    DotNode,
    FieldNode,
    IdentifierNode,
    IfNode,
    ListNode,
    NilNode,
    Node,
    NumberNode,
    ParseError,
    PipeNode,
    RangeNode,
    StringNode,
    TemplateNode,
    TextNode,
    Tree,
    VariableNode,
    WithNode,
    is_empty_tree,
    parse,
)

__all__ = ["ExecError", "FuncError", "Template", "truth", "MISSING"]

MAX_DEPTH = 100000


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


class ExecError(Exception):
    """A template execution failed; str() is Go's ``template: loc: executing "name" at <ctx>: msg``."""

    def __init__(self, message: str, location: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.location = location


class FuncError(Exception):
    """A template function failed; the executor reports ``error calling NAME: <message>``."""


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class _NilPointer:
    """A nil interface found inside a map: field access on it is an error, unlike an invalid value."""


def truth(v: Any) -> bool:
    """Go's template truth: false, 0, nil, empty string/collection are false."""
    if v is None:
        return False
    if isinstance(v, (bool, int, float, str, dict, list, tuple, bytes)):
        return bool(v)
    return True


class _Func:
    __slots__ = ("fn", "min", "max", "name")

    def __init__(self, name: str, fn: Callable[..., Any]) -> None:
        self.name = name
        self.fn = fn
        try:
            sig = inspect.signature(fn)
        except (TypeError, ValueError):
            self.min, self.max = 0, None
            return
        lo = 0
        hi: int | None = 0
        for p in sig.parameters.values():
            if p.kind == p.VAR_POSITIONAL:
                hi = None
            elif p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                if p.default is p.empty:
                    lo += 1
                if hi is not None:
                    hi += 1
        self.min, self.max = lo, hi


class Template:
    """A set of named templates sharing one function map (Go's *template.Template with associated trees)."""

    def __init__(self, funcs: dict[str, Callable[..., Any]]) -> None:
        self.funcs: dict[str, _Func] = {k: _Func(k, f) for k, f in funcs.items()}
        self.trees: dict[str, Tree] = {}

    def add_func(self, name: str, fn: Callable[..., Any]) -> None:
        """Add or replace a function (must happen before parsing templates that call it)."""
        self.funcs[name] = _Func(name, fn)

    def parse(self, name: str, text: str) -> dict[str, Tree]:
        """Parse text as template ``name`` and add it with every ``define`` in it (see add_trees)."""
        trees = parse(name, text, self.funcs)
        self.add_trees(trees)
        return trees

    def add_trees(self, trees: dict[str, Tree]) -> None:
        """Go's associate(): a later definition replaces an earlier one unless it is empty."""
        for tname, tree in trees.items():
            if tname in self.trees and is_empty_tree(tree):
                continue
            self.trees[tname] = tree

    def copy(self) -> Template:
        """A new set sharing the parsed trees and functions (later additions stay separate)."""
        t = Template.__new__(Template)
        t.funcs = dict(self.funcs)
        t.trees = dict(self.trees)
        return t

    def lookup(self, name: str) -> Tree | None:
        """The template of that name, or None."""
        return self.trees.get(name)

    def execute(self, name: str, data: Any, parent: str = "") -> str:
        """Execute the named template with ``data`` as dot and ``$``; raises ExecError."""
        tree = self.trees.get(name)
        if tree is None:
            raise ExecError(
                "template: no template {} associated with template {}".format(
                    go_quote(name), go_quote(parent or "gotpl")
                )
            )
        st = _State(self, tree)
        st.vars = [("$", data)]
        out: list[str] = []
        st.out = out
        try:
            st.walk(data, tree.root)
        except RecursionError:
            raise ExecError(f"template: {name}: exceeded maximum template depth (100000)") from None
        return "".join(out)


class _State:
    __slots__ = ("t", "tree", "vars", "out", "node", "depth")

    def __init__(self, t: Template, tree: Tree) -> None:
        self.t = t
        self.tree = tree
        self.vars: list[tuple[str, Any]] = []
        self.out: list[str] = []
        self.node: Node | None = None
        self.depth = 0

    # errors ------------------------------------------------------------------------------------------------
    def errorf(self, msg: str) -> ExecError:
        name = self.tree.name
        if self.node is None:
            return ExecError(f"template: {name}: {msg}")
        loc = self.node.tree.location(self.node.pos)
        ctx = str(self.node)
        return ExecError(f"template: {loc}: executing {go_quote(name)} at <{ctx}>: {msg}", loc)

    # variables ---------------------------------------------------------------------------------------------
    def var_value(self, name: str) -> Any:
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                return self.vars[i][1]
        raise self.errorf(f"undefined variable: {name}")

    def set_var(self, name: str, value: Any) -> None:
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                self.vars[i] = (name, value)
                return
        raise self.errorf(f"undefined variable: {name}")

    # walking -----------------------------------------------------------------------------------------------
    def walk(self, dot: Any, node: Node | None) -> None:
        if node is None:
            return
        cls = type(node)
        if cls is ListNode:
            for n in node.nodes:  # type: ignore[attr-defined]
                self.walk(dot, n)
        elif cls is TextNode:
            self.out.append(node.text)  # type: ignore[attr-defined]
        elif cls is ActionNode:
            pipe = node.pipe  # type: ignore[attr-defined]
            val = self.eval_pipeline(dot, pipe)
            if not pipe.decl:
                self.node = node
                self.out.append(_print(val))
        elif cls is IfNode or cls is WithNode:
            mark = len(self.vars)
            val = self.eval_pipeline(dot, node.pipe)  # type: ignore[attr-defined]
            if truth(val):
                self.walk(val if cls is WithNode else dot, node.list)  # type: ignore[attr-defined]
            elif node.else_list is not None:  # type: ignore[attr-defined]
                self.walk(dot, node.else_list)  # type: ignore[attr-defined]
            del self.vars[mark:]
        elif cls is RangeNode:
            self.walk_range(dot, node)  # type: ignore[arg-type]
        elif cls is TemplateNode:
            self.walk_template(dot, node)  # type: ignore[arg-type]
        elif cls is BreakNode:
            raise _Break()
        elif cls is ContinueNode:
            raise _Continue()
        else:
            raise self.errorf(f"unknown node: {node}")

    def walk_range(self, dot: Any, r: RangeNode) -> None:
        self.node = r
        mark = len(self.vars)
        val = self.eval_pipeline(dot, r.pipe)
        decl = r.pipe.decl
        assign = r.pipe.is_assign
        ndecl = len(decl)
        mark2 = len(self.vars)

        def one(index: Any, elem: Any) -> bool:
            if ndecl:
                if assign:
                    self.set_var(decl[0].ident[0], index if ndecl > 1 else elem)
                else:
                    self.vars[mark2 - 1] = (self.vars[mark2 - 1][0], elem)
            if ndecl > 1:
                if assign:
                    self.set_var(decl[1].ident[0], elem)
                else:
                    self.vars[mark2 - 2] = (self.vars[mark2 - 2][0], index)
            try:
                self.walk(elem, r.list)
            except _Continue:
                pass
            except _Break:
                del self.vars[mark2:]
                return False
            del self.vars[mark2:]
            return True

        ran = False
        if isinstance(val, (list, tuple)):
            for i, e in enumerate(val):
                ran = True
                if not one(i, e):
                    break
        elif isinstance(val, dict):
            for k in sorted(val, key=_sort_key):
                ran = True
                if not one(k, val[k]):
                    break
        elif isinstance(val, int) and not isinstance(val, bool):
            if ndecl > 1:
                self.node = r
                raise self.errorf(f"can't use {val} to iterate over more than one variable")
            for i in range(val):
                ran = True
                if not one(i, i):
                    break
        elif val is None:
            pass
        elif isinstance(val, GoObject) and hasattr(val, "go_range"):
            items = val.go_range()  # type: ignore[attr-defined]
            for i, e in enumerate(items):
                ran = True
                if not one(i, e):
                    break
        else:
            self.node = r
            raise self.errorf(f"range can't iterate over {sprint(val)}")
        if not ran and r.else_list is not None:
            self.walk(dot, r.else_list)
        del self.vars[mark:]

    def walk_template(self, dot: Any, t: TemplateNode) -> None:
        self.node = t
        tree = self.t.trees.get(t.name)
        if tree is None:
            raise self.errorf(f"template {go_quote(t.name)} not defined")
        if self.depth >= MAX_DEPTH:
            raise self.errorf(f"exceeded maximum template depth ({MAX_DEPTH})")
        newdot = self.eval_pipeline(dot, t.pipe) if t.pipe is not None else None
        st = _State(self.t, tree)
        st.depth = self.depth + 1
        st.vars = [("$", newdot)]
        st.out = self.out
        st.walk(newdot, tree.root)

    # evaluation --------------------------------------------------------------------------------------------
    def eval_pipeline(self, dot: Any, pipe: PipeNode) -> Any:
        self.node = pipe
        value: Any = MISSING
        for cmd in pipe.cmds:
            value = self.eval_command(dot, cmd, value)
            if value.__class__ is _NilPointer:
                value = None
        if value is MISSING:
            value = None
        for v in pipe.decl:
            if pipe.is_assign:
                self.set_var(v.ident[0], value)
            else:
                self.vars.append((v.ident[0], value))
        return value

    def not_a_function(self, args: list[Node], final: Any) -> None:
        if len(args) > 1 or final is not MISSING:
            raise self.errorf(f"can't give argument to non-function {args[0]}")

    def eval_command(self, dot: Any, cmd: CommandNode, final: Any) -> Any:
        first = cmd.args[0]
        cls = type(first)
        if cls is FieldNode:
            return self.eval_field_chain(dot, dot, first, first.ident, cmd.args, final)  # type: ignore
        if cls is IdentifierNode:
            return self.eval_function(dot, first, cmd, cmd.args, final)  # type: ignore[arg-type]
        if cls is VariableNode:
            return self.eval_variable(dot, first, cmd.args, final)  # type: ignore[arg-type]
        if cls is ChainNode:
            return self.eval_chain(dot, first, cmd.args, final)  # type: ignore[arg-type]
        if cls is PipeNode:
            self.not_a_function(cmd.args, final)
            return self.eval_pipeline(dot, first)  # type: ignore[arg-type]
        self.node = first
        self.not_a_function(cmd.args, final)
        if cls is BoolNode:
            return first.value  # type: ignore[attr-defined]
        if cls is DotNode:
            return dot
        if cls is NilNode:
            raise self.errorf("nil is not a command")
        if cls is NumberNode:
            return first.value  # type: ignore[attr-defined]
        if cls is StringNode:
            return first.text  # type: ignore[attr-defined]
        raise self.errorf(f"can't evaluate command {first}")

    def eval_variable(self, dot: Any, v: VariableNode, args: list[Node], final: Any) -> Any:
        self.node = v
        value = self.var_value(v.ident[0])
        if len(v.ident) == 1:
            self.not_a_function(args, final)
            return value
        return self.eval_field_chain(dot, value, v, v.ident[1:], args, final)

    def eval_chain(self, dot: Any, chain: ChainNode, args: list[Node], final: Any) -> Any:
        if len(chain.field) == 0:
            raise self.errorf("internal error: no fields in evalChainNode")
        if isinstance(chain.node, NilNode):
            raise self.errorf(f"indirection through explicit nil in {chain}")
        pipe = self.eval_arg(dot, chain.node)
        return self.eval_field_chain(dot, pipe, chain, chain.field, args, final)

    def eval_field_chain(
        self, dot: Any, receiver: Any, node: Node, ident: list[str], args: list[Node], final: Any
    ) -> Any:
        n = len(ident)
        for i in range(n - 1):
            receiver = self.eval_field(dot, ident[i], node, None, MISSING, receiver)
        return self.eval_field(dot, ident[n - 1], node, args, final, receiver)

    def eval_field(
        self, dot: Any, name: str, node: Node, args: list[Node] | None, final: Any, receiver: Any
    ) -> Any:
        if receiver is None:
            return None  # an invalid receiver yields an invalid value (missingkey=zero)
        has_args = (args is not None and len(args) > 1) or final is not MISSING
        if type(receiver) is dict:
            if has_args:
                self.node = node
                raise self.errorf(f"{name} is not a method but has arguments")
            if name in receiver:
                v = receiver[name]
                return _NIL if v is None else v
            return _NIL
        if receiver.__class__ is _NilPointer:
            self.node = node
            raise self.errorf(f"nil pointer evaluating interface {{}}.{name}")
        if isinstance(receiver, GoObject):
            m = receiver.go_method(name)
            if m is not None:
                return self.eval_call(dot, m, node, name, args, final)
            found, v = receiver.go_field(name)
            if found:
                if has_args:
                    self.node = node
                    raise self.errorf(f"{name} has arguments but cannot be invoked as function")
                return _NIL if v is None else v
            if isinstance(receiver, dict):
                return _NIL
        self.node = node
        raise self.errorf(f"can't evaluate field {name} in type {go_type(receiver)}")

    def eval_function(
        self, dot: Any, node: IdentifierNode, cmd: CommandNode, args: list[Node], final: Any
    ) -> Any:
        self.node = node
        name = node.ident
        if name == "and" or name == "or":
            return self.eval_and_or(dot, name, cmd, args, final)
        f = self.t.funcs.get(name)
        if f is None:
            raise self.errorf(f"{go_quote(name)} is not a defined function")
        return self.eval_call(dot, f, cmd, name, args, final)

    def eval_and_or(self, dot: Any, name: str, cmd: CommandNode, args: list[Node], final: Any) -> Any:
        rest = args[1:]
        n = len(rest) + (0 if final is MISSING else 1)
        if n < 1:
            self.node = cmd
            raise self.errorf(f"wrong number of args for {name}: want at least 1 got 0")
        v: Any = None
        for a in rest:
            v = self.eval_arg(dot, a)
            if v.__class__ is _NilPointer:
                v = None
            t = truth(v)
            if (name == "and" and not t) or (name == "or" and t):
                return v
        if final is not MISSING:
            v = final
        return v

    def eval_call(self, dot: Any, fn: Any, node: Node, name: str, args: list[Node] | None, final: Any) -> Any:
        argv: list[Any] = []
        if args:
            for a in args[1:]:
                v = self.eval_arg(dot, a)
                if v.__class__ is _NilPointer:
                    v = None
                argv.append(v)
        if final is not MISSING:
            argv.append(final)
        if isinstance(fn, _Func):
            nargs = len(argv)
            if nargs < fn.min or (fn.max is not None and nargs > fn.max):
                self.node = node
                if fn.max is None:
                    raise self.errorf(f"wrong number of args for {name}: want at least {fn.min} got {nargs}")
                raise self.errorf(f"wrong number of args for {name}: want {fn.max} got {nargs}")
            call = fn.fn
        else:
            call = fn
        try:
            return call(*argv)
        except FuncError as e:
            self.node = node
            raise self.errorf(f"error calling {name}: {e}") from None
        except ExecError as e:
            self.node = node
            raise self.errorf(f"error calling {name}: {e.message}") from None
        except (_Break, _Continue):
            raise
        except RecursionError:
            raise
        except Exception as e:  # a Go panic inside a function is recovered and reported the same way
            self.node = node
            raise self.errorf(f"error calling {name}: {e}") from None

    def eval_arg(self, dot: Any, n: Node) -> Any:
        self.node = n
        cls = type(n)
        if cls is DotNode:
            return dot
        if cls is NilNode:
            return None
        if cls is FieldNode:
            return self.eval_field_chain(dot, dot, n, n.ident, [n], MISSING)  # type: ignore[attr-defined]
        if cls is VariableNode:
            return self.eval_variable(dot, n, [n], MISSING)  # type: ignore[arg-type]
        if cls is PipeNode:
            return self.eval_pipeline(dot, n)  # type: ignore[arg-type]
        if cls is IdentifierNode:
            cmd = CommandNode(n.pos, n.tree)
            cmd.args = [n]
            return self.eval_function(dot, n, cmd, [n], MISSING)  # type: ignore[arg-type]
        if cls is ChainNode:
            return self.eval_chain(dot, n, [n], MISSING)  # type: ignore[arg-type]
        if cls is BoolNode or cls is NumberNode:
            return n.value  # type: ignore[attr-defined]
        if cls is StringNode:
            return n.text  # type: ignore[attr-defined]
        raise self.errorf(f"can't handle {n} for arg")


_NIL: Any = _NilPointer()


def _sort_key(k: Any) -> Any:
    return k


def _print(v: Any) -> str:
    if v is None:
        return "<no value>"
    if type(v) is str:
        return v
    return sprint(v)


def _builtins() -> dict[str, Callable[..., Any]]:
    from . import builtins

    return builtins.FUNCS


def new_template(funcs: dict[str, Callable[..., Any]] | None = None) -> Template:
    """A template set with Go's builtin functions plus ``funcs``."""
    fm: dict[str, Callable[..., Any]] = dict(_builtins())
    if funcs:
        fm.update(funcs)
    return Template(fm)


__all__ += ["new_template", "ParseError", "sprintf", "sprintln"]
