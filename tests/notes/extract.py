"""An independent, deliberately small finder of the formulas in the test notes.

Imports nothing from ``derive``: it exists so the keys can be checked against
the notes (every label sits on a formula, every formula has a label) without
trusting the audit's own extractor.  It knows only what the test notes use:

- Markdown: ``$$ … $$`` (also inside a paragraph and over several lines),
  ``$ … $`` on one line, ``\\$`` as a literal dollar; fenced code blocks,
  inline code spans and HTML comments hold no maths;
- LaTeX: ``$ … $``, ``\\[ … \\]``, ``\\( … \\)`` and the environments
  equation, align, gather, multline (starred or not); ``%`` comments
  (but not ``\\%``) hold no maths.

A :class:`Formula` records the 1-based line and column of its opening
delimiter, the line of its closing delimiter, and its LaTeX between the
delimiters (for an environment: the whole ``\\begin … \\end``).

>>> [(f.line, f.latex) for f in formulas("a $x$ b\\n\\n```\\n$y$\\n```\\n<!-- $z$ -->\\n$$w = 1$$\\n")]
[(1, 'x'), (7, 'w = 1')]
>>> [(f.line, f.latex) for f in formulas("% $no$\\n\\\\[ a = b \\\\]\\n50\\\\% $c$\\n", tex=True)]
[(2, ' a = b '), (3, 'c')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Formula", "formulas", "read_formulas"]

_ENVS = r"(?P<env>equation|align|gather|multline)(?P<star>\*?)"


@dataclass(frozen=True)
class Formula:
    line: int
    column: int
    end_line: int
    latex: str


def _blank(text: str, start: int, end: int) -> str:
    """The text with [start, end) replaced by spaces, newlines kept (so positions stay put)."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def _hide_markdown(text: str) -> str:
    out, fence = [], None
    for line in text.split("\n"):
        opener = re.match(r"^ {0,3}(`{3,}|~{3,})", line)
        if fence is None and opener:
            fence = opener.group(1)[0] * 3
            out.append(" " * len(line))
        elif fence is not None:
            if line.lstrip().startswith(fence):
                fence = None
            out.append(" " * len(line))
        else:
            out.append(line)
    hidden = "\n".join(out)
    for pattern in (r"<!--.*?-->", r"(`+)[^`\n].*?\1"):
        for m in list(re.finditer(pattern, hidden, flags=re.S)):
            hidden = _blank(hidden, m.start(), m.end())
    return hidden


def _hide_tex(text: str) -> str:
    for m in list(re.finditer(r"(?<!\\)%[^\n]*", text)):
        text = _blank(text, m.start(), m.end())
    return text


_MD = re.compile(r"(?<!\\)\$\$(?P<d>.+?)(?<!\\)\$\$|(?<![\\$])\$(?P<i>[^$\n]+?)(?<!\\)\$", re.S)
_TEX = re.compile(r"(?<!\\)\$\$(?P<d>.+?)(?<!\\)\$\$|\\\[(?P<b>.+?)\\\]|\\\((?P<p>.+?)\\\)"
                  r"|(?P<e>\\begin\{" + _ENVS + r"\}.*?\\end\{(?P=env)(?P=star)\})|(?<![\\$])\$(?P<i>[^$]+?)(?<!\\)\$", re.S)


def formulas(text: str, tex: bool = False) -> list[Formula]:
    """The formulas of a note's text, in order (see the module docstring)."""
    hidden = _hide_tex(text) if tex else _hide_markdown(text)
    found = []
    for m in (_TEX if tex else _MD).finditer(hidden):
        group = next(g for g in ("d", "b", "p", "e", "i") if g in m.groupdict() and m.group(g) is not None)
        start, end = m.span(group)
        line = text.count("\n", 0, m.start()) + 1
        column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        found.append(Formula(line, column, text.count("\n", 0, m.end()) + 1, text[start:end]))
    return found


def read_formulas(path) -> list[Formula]:
    """The formulas of the note at ``path`` (a .tex file is read as LaTeX)."""
    path = Path(path)
    return formulas(path.read_text(encoding="utf-8"), tex=path.suffix == ".tex")
