"""Go's text/template in Python: lexer, parser and executor with Go's semantics and error texts."""

from .execute import MISSING, ExecError, FuncError, Template, new_template, truth
from .gofmt import GoObject, go_quote, go_type, sprint, sprintf, sprintln, to_str
from .parse import ParseError

__all__ = [
    "ExecError",
    "FuncError",
    "GoObject",
    "MISSING",
    "ParseError",
    "Template",
    "go_quote",
    "go_type",
    "new_template",
    "sprint",
    "sprintf",
    "sprintln",
    "to_str",
    "truth",
]
