r"""derive's own prose: Unicode text with its maths in ``$…$``, as Markdown and Jupyter write it.

The catalogue's titles, statements, justifications and captions, and the
display names of symbols, are *markup*: prose in Unicode, and LaTeX maths
between dollars where the maths needs scripts, fractions or limits
(``"the limit $\lim_{t\to 0^+} t/t$ is 1"``).  ``\$`` is a literal dollar.
The maths is read by the safe reader (:mod:`derive.lang.texreader`), so only
allow-listed LaTeX reaches the report; the terminal gets the same maths as
Unicode (:func:`to_text`), JSON keeps the markup as written.

>>> to_text(r"the limit $\lim_{t\to 0^+} t/t$ is 1")
'the limit lim_(t→0⁺) t/t is 1'
>>> to_latex(r"the limit $\lim_{t\to 0^+} t/t$ is 1")
'the limit $\\lim_{t\\to0^{+}}t/t$ is 1'
>>> markup_problems("lim_{t→0⁺} t")
['ASCII markup outside $…$: _{', 'ASCII markup outside $…$: }']
"""
from __future__ import annotations

import re

from ..lang.texreader import read
from . import texmath
from .escape import escape

OUTSIDE = re.compile(r"[_^\\{}]+")


def split(markup: str) -> list[tuple[str, str]]:
    r"""``markup`` as ("text", …) and ("math", …) pieces; an unclosed ``$`` leaves the rest as text.

    >>> split(r"costs \$5, $x^2$ more")
    [('text', 'costs $5, '), ('math', 'x^2'), ('text', ' more')]
    """
    pieces, text, i, s = [], [], 0, str(markup)
    while i < len(s):
        if s.startswith("\\$", i):
            text.append("$")
            i += 2
            continue
        if s[i] == "$":
            end = _closing(s, i + 1)
            if end is not None:
                if text:
                    pieces.append(("text", "".join(text)))
                    text = []
                pieces.append(("math", s[i + 1:end]))
                i = end + 1
                continue
        text.append(s[i])
        i += 1
    if text:
        pieces.append(("text", "".join(text)))
    return pieces


def _closing(s: str, start: int):
    i = start
    while i < len(s):
        if s[i] == "\\":
            i += 2
            continue
        if s[i] == "$":
            return i if i > start else None
        i += 1
    return None


def markup_problems(markup: str) -> list[str]:
    """What in ``markup`` the report could not typeset as meant: raw markup, unknown or broken maths."""
    found = []
    s = str(markup)
    bare = s.replace("\\$", "")
    if bare.count("$") % 2:
        found.append("an unclosed $")
    for kind, piece in split(s):
        if kind == "text":
            found += [f"ASCII markup outside $…$: {m.group(0)}" for m in OUTSIDE.finditer(piece)]
        else:
            formula = read(piece)
            found += [f"not on the LaTeX allow-list: {u}" for u in formula.unknown]
            found += [f"in ${piece}$: {p}" for p in formula.problems]
    return found


def to_latex(markup: str, text=escape) -> str:
    """Text-mode LaTeX: the prose through ``text`` (default :func:`escape`), the maths as ``$…$``."""
    out = []
    for kind, piece in split(markup):
        out.append(text(piece) if kind == "text" else "$%s$" % texmath.to_latex(read(piece), text))
    return "".join(out)


def to_math(markup: str, prose) -> str:
    """Maths-mode LaTeX (for MathJax): the prose through ``prose`` (a ``\\text{…}`` maker), maths as it is."""
    return "".join(prose(piece) if kind == "text" else "{%s}" % texmath.to_latex(read(piece), escape)
                   for kind, piece in split(markup))


def to_text(markup: str) -> str:
    """One line of Unicode: the prose as it is, the maths through :func:`derive.render.texmath.to_text`."""
    return "".join(piece if kind == "text" else texmath.to_text(read(piece)) for kind, piece in split(markup))
