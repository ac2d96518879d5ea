r"""Finding the formulas of a note: where each one is, its LaTeX, its section and the prose around it.

:func:`extract` reads a Markdown note (:mod:`derive.notes.markdown`) or a
LaTeX note (:mod:`derive.notes.latexdoc`) and gives one :class:`Found` per
formula, in the order of the note, with the line and column of its first
character: what ``derive audit`` prints as ``notes.md:LINE:COL``.

>>> note = "## 正则化\n\n其中 $w_i$ 是权重，损失为：\n\n$$real\\_loss = loss + \\sum_i |w_i| \\tag{2}$$\n"
>>> for f in extract(note, "md"):
...     print(f.line, f.col, f.display, f.section, repr(f.source), repr(f.before))
3 5 False ('正则化',) 'w_i' '其中'
5 3 True ('正则化',) 'real\\_loss = loss + \\sum_i |w_i| \\tag{2}' '其中 $w_i$ 是权重，损失为：'
>>> [(f.line, f.col, f.environment, f.source) for f in extract("\\begin{align*}\n  a &= b\n\\end{align*}", "tex")]
[(2, 3, 'align*', 'a &= b')]

Conventions
-----------
- Lines are broken at ``\n``, ``\r\n`` and ``\r`` (as editors and TeX do;
  ``str.splitlines`` also breaks at ``\x0b``, ``\x0c``, ``\x1c``–``\x1e``,
  ``\x85``, ``\u2028`` and ``\u2029``, these do not); the column counts
  characters (code points), a tab is one.  A NUL character reads as U+FFFD,
  as CommonMark says.
- ``source`` is the LaTeX between the delimiters, verbatim but for the blanks
  around it, which are stripped; a formula of blanks only is no formula.
  Equation numbers (``(2)``, ``\tag{2}``) and ``\label`` stay in it.  In a
  Markdown list or quote, a formula over several lines loses the prefixes
  (``>``, indents) of its lines.
- ``environment`` names the environment the formula came in: its delimiter
  (``\begin{align}`` … ``\end{align}``, whose body is then the source), or
  the one environment wrapping the whole source (``$$\begin{aligned} …
  \end{aligned}$$``: ``'aligned'``, the source keeping ``\begin``/``\end``).
- ``display`` is True for ``$$ … $$`` (also inside a paragraph), ``\[ … \]``
  and the display environments.
- ``before``/``after``: the plain prose of the formula's paragraph before
  it (the last :data:`BEFORE_CHARS` characters) and after it (the first
  :data:`AFTER_CHARS`), blanks collapsed, other formulas kept as ``$…$`` or
  ``$$…$$``, inline code in backticks; markup, HTML comments and macros
  dropped.  A Markdown display block, a paragraph of its own, takes the
  paragraphs next to it (skipping other display blocks).
- A formula in a heading is found too; its ``section`` ends with that heading.

Limits
------
A note longer than :data:`MAX_NOTE_CHARS`, one that is not a ``str``, or
one that does not look like text (more than 1 % control characters) raises
a one-line ValueError.  At most :data:`MAX_FORMULAS` formulas are given, the
first ones; the list's ``truncated`` attribute then says the note had more,
for the caller to say so.  No formula length is capped here: the LaTeX
reader (:func:`derive.lang.texreader.read`) caps what it reads.  Nothing
recurses on the input's depth and nothing in the note is run or opened.

>>> found = extract("$a$ " * 6000, "md")
>>> len(found), found.truncated
(5000, True)
>>> extract(b"$x$", "md")
Traceback (most recent call last):
ValueError: the note is not text (it is bytes); decode it first
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import latexdoc
from .markdown import MAX_NOTE_CHARS, read_markdown

__all__ = ["Found", "Formulas", "extract", "MAX_NOTE_CHARS", "MAX_FORMULAS", "BEFORE_CHARS", "AFTER_CHARS"]

MAX_FORMULAS = 5_000
BEFORE_CHARS = 300
AFTER_CHARS = 200
KINDS = ("md", "tex")

_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffd\ud800-\udfff]")
_BEGIN = re.compile(r"\\begin\{([A-Za-z]+\*?)\}")


@dataclass(frozen=True)
class Found:
    r"""One formula of a note: where it is (``line``, ``col``: 1-based, its first character), its LaTeX and context.

    >>> Found(3, 5, "x^2", False, ("损失",), "其中", "是平方", None).source
    'x^2'
    """

    line: int
    col: int
    source: str
    display: bool
    section: tuple
    before: str
    after: str
    environment: str | None


class Formulas(list):
    """A list of :class:`Found`; ``truncated`` is True when the note had more than :data:`MAX_FORMULAS`."""

    truncated = False


def _checked(text) -> str:
    if not isinstance(text, str):
        raise ValueError(f"the note is not text (it is {type(text).__name__}); decode it first")
    if len(text) > MAX_NOTE_CHARS:
        raise ValueError(f"the note is longer than {MAX_NOTE_CHARS} characters")
    bad = len(_CONTROL.findall(text))
    if bad > 8 and bad * 100 > len(text):
        raise ValueError(f"the note does not look like text: {bad} control characters in {len(text)}")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", "\ufffd")


def wrapping_environment(source: str) -> str | None:
    r"""The environment wrapping the whole of ``source``, if one does.

    >>> wrapping_environment(r"\begin{aligned} a &= b \\ &= c \end{aligned}")
    'aligned'
    >>> wrapping_environment(r"\begin{aligned} a \end{aligned} = \begin{aligned} b \end{aligned}") is None
    True
    """
    m = _BEGIN.match(source)
    if not m:
        return None
    closing = "\\end{%s}" % m.group(1)
    at = source.find(closing)
    return m.group(1) if at >= 0 and at == len(source) - len(closing) else None


def _shown(piece) -> str:
    return piece if isinstance(piece, str) else ("$$%s$$" if piece["display"] else "$%s$") % piece["source"]


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def _span_pieces(block) -> list:
    """A Markdown paragraph or heading as prose strings and formula dicts."""
    pieces = []
    for span in block.spans:
        if span.kind == "math":
            if span.text.strip():
                pieces.append({"line": span.line or block.first, "col": span.col or 1, "source": span.text.strip(),
                               "display": span.display, "section": block.section, "environment": None})
        elif span.kind == "code":
            pieces.append("`%s`" % span.text)
        elif span.kind in ("text", "break") and not span.text.startswith("<!--"):
            pieces.append(span.text if span.kind == "text" else " ")
    return pieces


def _body(block) -> str:
    """A display block's formula: an amsmath environment's body, or the text between the ``$$``."""
    if not block.environment:
        return block.text
    text = block.text
    opener, closer = "\\begin{%s}" % block.environment, "\\end{%s}" % block.environment
    if text.startswith(opener):
        text = text[len(opener):]
    if text.rstrip().endswith(closer):
        text = text.rstrip()[:-len(closer)]
    return text.strip()


def _markdown_paragraphs(text: str, limit: int) -> list:
    blocks = read_markdown(text)
    prose = {}

    def prose_of(i):  # the plain text of block i if it is a paragraph, else ""
        if i not in prose:
            ok = 0 <= i < len(blocks) and blocks[i].kind == "paragraph"
            prose[i] = "".join(_shown(p) for p in _span_pieces(blocks[i])) if ok else ""
        return prose[i]

    paragraphs, count = [], 0
    for i, block in enumerate(blocks):
        if count > limit:
            break
        if block.kind in ("paragraph", "heading"):
            pieces = _span_pieces(block)
            count += sum(1 for p in pieces if isinstance(p, dict))
            paragraphs.append(pieces)
        elif block.kind == "math" and _body(block):
            before, after = i - 1, i + 1
            while before >= 0 and blocks[before].kind == "math":
                before -= 1
            while after < len(blocks) and blocks[after].kind == "math":
                after += 1
            formula = {"line": block.line or block.first, "col": block.col or 1, "source": _body(block),
                       "display": True, "section": block.section, "environment": block.environment}
            paragraphs.append([prose_of(before), formula, prose_of(after)])
            count += 1
    return paragraphs


def extract(text: str, kind: str) -> list[Found]:
    r"""The formulas of the note ``text``, a Markdown (``kind`` ``'md'``) or LaTeX (``'tex'``) note, in order.

    Gives a :class:`Formulas` list; raises a one-line ValueError for a note
    too large or not text, or an unknown ``kind``.

    >>> [(f.line, f.col, f.source) for f in extract("价格 \\$5，`$x$` 不是公式，$y$ 是。", "md")]
    [(1, 20, 'y')]
    >>> [(f.line, f.col, f.source) for f in extract("价格 \\$5，\\verb|$x$| 不是公式，$y$ 是。", "tex")]
    [(1, 25, 'y')]
    """
    if kind not in KINDS:
        raise ValueError(f"the kind of note must be one of {', '.join(KINDS)}, not {kind!r}")
    text = _checked(text)
    paragraphs = _markdown_paragraphs(text, MAX_FORMULAS) if kind == "md" else latexdoc.read_tex(text, MAX_FORMULAS)
    out = Formulas()
    for pieces in paragraphs:
        parts = [_shown(p) for p in pieces]
        shown, at = "".join(parts), 0  # the paragraph as prose, and where in it the piece ends
        for piece, part in zip(pieces, parts):
            start, at = at, at + len(part)
            if isinstance(piece, str):
                continue
            if len(out) == MAX_FORMULAS:
                out.truncated = True
                return out
            before = _collapsed(shown[max(0, start - 4 * BEFORE_CHARS):start])[-BEFORE_CHARS:]
            after = _collapsed(shown[at:at + 4 * AFTER_CHARS])[:AFTER_CHARS]
            environment = piece["environment"] or wrapping_environment(piece["source"])
            out.append(Found(piece["line"], piece["col"], piece["source"], piece["display"], piece["section"],
                             before, after, environment))
    return out
