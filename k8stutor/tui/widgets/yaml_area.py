"""A TextArea that highlights YAML with pygments (no tree-sitter needed) and marks problem lines."""

from __future__ import annotations

from typing import Any

from pygments.lexers.data import YamlLexer
from pygments.token import Token
from textual.widgets import TextArea

# pygments token → TextArea theme highlight name.
_NAMES = [
    (Token.Comment, "comment"),
    (Token.Name.Tag, "yaml.field"),
    (Token.Literal.String, "string"),
    (Token.Literal.Number, "number"),
    (Token.Keyword.Constant, "boolean"),
    (Token.Keyword, "keyword"),
    (Token.Name.Constant, "boolean"),
    (Token.Punctuation, "punctuation.delimiter"),
    (Token.Name.Variable, "tag"),
    (Token.Name.Label, "tag"),
]


def _name_for(tok: Any) -> str | None:
    for t, name in _NAMES:
        if tok in t:
            return name
    return None


def yaml_highlights(text: str) -> dict[int, list[tuple[int, int | None, str]]]:
    """Highlight ranges per line (byte columns, as TextArea wants them) for YAML text."""
    out: dict[int, list[tuple[int, int | None, str]]] = {}
    row, col = 0, 0
    for _pos, ttype, val in YamlLexer().get_tokens_unprocessed(text) if text else ():
        name = _name_for(ttype)
        parts = val.split("\n")
        for i, part in enumerate(parts):
            if i:
                row += 1
                col = 0
            n = len(part.encode("utf-8"))
            if name and n:
                out.setdefault(row, []).append((col, col + n, name))
            col += n
    return out


class YamlArea(TextArea):
    """The manifest editor's text area."""

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        super().__init__(
            text, soft_wrap=False, show_line_numbers=True, tab_behavior="indent", theme="monokai", **kwargs
        )
        self.indent_width = 2

    def _build_highlight_map(self) -> None:
        self._line_cache.clear()
        highlights = self._highlights
        highlights.clear()
        for row, items in yaml_highlights(self.text).items():
            highlights[row].extend(items)
