r"""The source passage a proof checks: found in the note, typeset in the report, shown in the terminal.

A proof's ``quote`` is the source's words verbatim, fragments joined by
`` … ``.  :func:`locate` finds each fragment in the note (``proofs/seed.md``)
and returns the Markdown blocks that hold them, with their lines and section:
the passage.  :func:`to_latex` typesets it: prose through the report's
escaper, bold and struck-out text as such, each formula read by the safe
reader and emitted from the allow-list (display formulas broken into lines
to fit, never scaled), images and code as what they are.  Raw source LaTeX
never reaches the compiler.  :func:`to_text` gives the quote as Unicode.

>>> p = locate("显然，我们应该往这个点的负梯度方向走。")
>>> p.lines, p.section[-1]
((35, 35), '（1）梯度下降')
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from ..lang.texreader import read
from ..notes.markdown import read_markdown
from . import texmath
from .escape import escape
from .layout import break_source

SEED = Path(__file__).resolve().parents[2] / "proofs" / "seed.md"
GAP = " … "


@dataclass(frozen=True)
class Passage:
    """The blocks of the note a quote comes from; ``lines`` (first, last); ``found`` whether every fragment was."""

    blocks: tuple
    lines: tuple
    section: tuple
    found: bool


@functools.lru_cache(maxsize=4)
def _note(path: str):
    source = Path(path).read_text(encoding="utf-8")
    return source, read_markdown(source)


def locate(quote: str, path=SEED) -> Passage:
    """The passage of the note at ``path`` holding every fragment of ``quote``."""
    source, blocks = _note(str(path))
    wanted, found = [], True
    for fragment in quote.split(GAP):
        offset = source.find(fragment.strip())
        if offset < 0:
            found = False
            continue
        first = source.count("\n", 0, offset) + 1
        last = first + fragment.strip().count("\n")
        wanted += [b for b in blocks if b.kind != "heading" and b.first <= last and b.last >= first]
    chosen = tuple(dict.fromkeys(wanted))
    if not chosen:
        return Passage((), (0, 0), (), False)
    return Passage(chosen, (chosen[0].first, chosen[-1].last), chosen[0].section, found)


def _span_latex(span, text) -> str:
    if span.kind == "math":
        return "$%s$" % texmath.to_latex(read(span.text), text)
    if span.kind == "code":
        return r"\texttt{%s}" % text(span.text)
    if span.kind == "image":
        return r"\emph{[an image]}"
    if span.kind == "break":
        return " "
    shown = text(span.text)
    if span.bold:
        shown = r"\textbf{%s}" % shown
    if span.italic:
        shown = r"\emph{%s}" % shown
    if span.struck:
        shown = r"\textcolor{gray}{[struck out: %s]}" % shown
    return shown


def to_latex(passage, text=escape, limit=430.0) -> str:
    """The passage as LaTeX paragraphs and displays; ``[…]`` between blocks that are not adjacent."""
    out, previous = [], None
    for block in passage.blocks:
        if previous is not None and block.first > previous.last + 2:
            out.append(r"\par[\ldots]\par")
        if block.kind == "paragraph":
            out.append(r"\par " + "".join(_span_latex(s, text) for s in block.spans))
        elif block.kind == "math":
            out.append(r"\[%s\]" % break_source(read(block.text), limit, text))
        elif block.kind == "rule":
            continue
        else:  # code, html: the note's text as text
            out.append(r"\par " + text(block.text.strip()))
        previous = block
    return "\n".join(out)


def to_text(quote: str) -> str:
    """The quote as Unicode: its formulas through :func:`derive.render.texmath.to_text`."""
    passage = locate(quote)
    if not passage.found:
        return quote
    out = []
    for block in read_markdown(quote.replace(GAP, "\n\n")):
        if block.kind == "math":
            out.append(texmath.to_text(read(block.text)))
        elif block.kind in ("paragraph", "heading"):
            out.append("".join(texmath.to_text(read(s.text)) if s.kind == "math" else s.text for s in block.spans))
        else:
            out.append(block.text.strip())
    return " … ".join(o for o in out if o)
