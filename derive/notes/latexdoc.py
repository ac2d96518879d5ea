r"""Reading a LaTeX note: where its formulas are, the section and the prose around each.

:func:`read_tex` scans a ``.tex`` note once with a hand-written tokeniser
(one regular expression, searched forward; no recursion, no expansion) and
finds the maths written ``$…$``, ``$$…$$``, ``\(…\)``, ``\[…\]`` or in one of
:data:`MATH_ENVIRONMENTS`.  It gives the note's paragraphs, each a list of
prose strings and formulas; a formula is a dict with its ``line`` and ``col``
(1-based, of its first character after the opening delimiter and any blank),
its ``source`` (the LaTeX between the delimiters, stripped), ``display``,
``section`` (the titles of the ``\part`` … ``\subsubsection`` above it) and
``environment``.  :func:`derive.notes.extract.extract` turns them into
:class:`~derive.notes.extract.Found`.

>>> paragraphs = read_tex(r"\section{损失}其中 $y$ 是结果 % 注释 $z$" "\n" r"\[ E = \sum_i e_i \]")
>>> [(f["line"], f["col"], f["source"], f["display"]) for p in paragraphs for f in p if isinstance(f, dict)]
[(1, 17, 'y', False), (2, 4, 'E = \\sum_i e_i', True)]
>>> [f["section"] for p in paragraphs for f in p if isinstance(f, dict)]
[('损失',), ('损失',)]

As TeX reads it
---------------
- ``%`` starts a comment to the end of the line; ``\%``, ``\$`` are characters.
- ``verbatim``, ``lstlisting``, ``minted`` … (:data:`VERBATIM_ENVIRONMENTS`),
  ``\verb|…|`` and ``\lstinline|…|`` hold no maths.
- Maths cannot cross a paragraph break (a blank line or ``\par``): an opener
  with no closer before it is not maths, as TeX would stop there too.  In
  ``$…$`` the first ``$`` closes, so ``$a$$b$`` is two formulas.
- Only the body between ``\begin{document}`` and ``\end{document}`` is read
  when they are there.

Nothing is run: no macro is expanded, ``\input``/``\include`` are never
followed (their argument is dropped from the prose), ``\catcode``,
``\csname``, ``\def`` and ``^^5c`` are not interpreted (maths made by a user
macro is not found).  Braces are matched with a stack, never by recursion,
and every closer is found by bisection in a list made in the one pass, so a
hostile note takes linear time.

>>> [f["source"] for p in read_tex(r"\input{/etc/passwd} \verb|$x$| $a$$b$ \begin{align}c &= d\end{align}")
...  for f in p if isinstance(f, dict)]
['a', 'b', 'c &= d']
"""
from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right

from .markdown import MAX_NOTE_CHARS

MATH_ENVIRONMENTS = {  # name -> display
    "math": False, "displaymath": True,
    **{name + star: True for name in ("equation", "align", "gather", "multline", "eqnarray", "flalign", "alignat")
       for star in ("", "*")},
}
VERBATIM_ENVIRONMENTS = frozenset({"verbatim", "verbatim*", "Verbatim", "Verbatim*", "BVerbatim", "LVerbatim",
                                   "lstlisting", "minted", "comment", "filecontents", "filecontents*"})
SECTIONS = {"part": 0, "chapter": 1, "section": 2, "subsection": 3, "subsubsection": 4}
# macros whose braced argument is not prose: it is dropped from the text around a formula
DROP_ARGUMENT = frozenset({"label", "ref", "eqref", "pageref", "autoref", "cref", "Cref", "cite", "citep", "citet",
                           "url", "href", "includegraphics", "input", "include", "bibliography", "bibliographystyle",
                           "usepackage", "documentclass", "hspace", "vspace", "newcommand", "renewcommand",
                           "setlength", "addtocounter", "setcounter"})
# control words that end a paragraph of prose (the text around a formula stays within one)
BREAKS = frozenset({"par", "item", "maketitle", "caption"})
WORDS = {"LaTeX": "LaTeX", "TeX": "TeX", "ldots": "…", "dots": "…", "quad": " ", "qquad": " ",
         "textbackslash": "\\", "S": "§", "newline": " ", "linebreak": " "}
SYMBOLS = {"%": "%", "$": "$", "&": "&", "#": "#", "_": "_", "{": "{", "}": "}", " ": " ", "\n": " ", "\\": " ",
           ",": " ", ";": " ", ":": " "}
MAX_TITLE_CHARS = 300

_TOKEN = re.compile(r"""
  (?P<par>\n[ \t]*\n(?:[ \t]*\n)*)
| (?P<comment>%[^\n]*)
| (?P<env>\\(?P<side>begin|end)[ \t]*\{[ \t]*(?P<name>[A-Za-z]{1,40}\*?)[ \t]*\})
| (?P<verb>\\(?:verb|lstinline|mintinline)\*?(?![A-Za-z]))
| (?P<word>\\[A-Za-z]+)
| (?P<sym>\\.)
| (?P<dollar>\$)
| (?P<brace>[{}])
""", re.VERBOSE | re.DOTALL)
_OPTIONS = re.compile(r"\s*\*?\s*(?:\[[^\]\n]{0,200}\])?\s*\Z")
_ALIGNAT = re.compile(r"[ \t]*\{[^{}]{0,20}\}")

# token kinds, one character each: p paragraph break, % comment, b \begin, e \end, v verbatim text,
# w control word, s control symbol, $ dollar, { }, braces


class _Tokens:
    """The note's tokens: ``kinds`` (a string, one character per token), ``starts``, ``ends``, ``values``."""

    def __init__(self, text: str):
        kinds, starts, ends, values = [], array("l"), array("l"), {}
        pos, search = 0, _TOKEN.search
        while True:
            m = search(text, pos)
            if m is None:
                break
            group, start, end = m.lastgroup, m.start(), m.end()
            if group == "env":
                name, kind = m.group("name"), "b" if m.group("side") == "begin" else "e"
                if kind == "b" and name in VERBATIM_ENVIRONMENTS:
                    close = text.find("\\end{%s}" % name, end)
                    end, kind = (len(text) if close < 0 else close + len(name) + 6), "v"
                values[len(kinds)] = name
            elif group == "verb":  # \verb|…|, \lstinline{…}: to the same character (or brace), on the line
                if text.startswith("mintinline", start + 1) and text.startswith("{", end):
                    language = text.find("}", end, end + 40)  # \mintinline{python}|…|
                    end = language + 1 if language > 0 else end
                mark = text[end] if end < len(text) else " "
                close = -1 if mark.isspace() else text.find("}" if mark == "{" else mark, end + 1)
                newline = text.find("\n", end)
                if close < 0 or 0 <= newline < close:  # not one that ends on its line: a control word
                    kind, values[len(kinds)] = "w", text[start + 1:end].rstrip("*")
                else:
                    kind, end = "v", close + 1
            elif group == "word":
                kind, values[len(kinds)] = "w", text[start + 1:end]
            elif group == "sym":
                kind, values[len(kinds)] = "s", text[start + 1]
            else:
                kind = {"par": "p", "comment": "%", "dollar": "$"}.get(group) or text[start]
            kinds.append(kind)
            starts.append(start)
            ends.append(end)
            pos = end
        self.kinds, self.starts, self.ends, self.values = "".join(kinds), starts, ends, values

    def where(self, kind: str, value=None) -> array:
        """The indices of the tokens of ``kind`` (and ``value``), in order."""
        found = array("l")
        at = self.kinds.find(kind)
        while at >= 0:
            if value is None or self.values.get(at) == value:
                found.append(at)
            at = self.kinds.find(kind, at + 1)
        return found


def _after(indices, i):
    """The first of the sorted ``indices`` past ``i``, or None."""
    k = bisect_right(indices, i)
    return indices[k] if k < len(indices) else None


class _Reader:
    r"""One pass over the tokens of a note: its paragraphs of prose and formulas, its sections.

    Every closer a formula can need (``$``, a ``$$`` pair, ``\)``, ``\]``, each
    ``\end{…}``) and every paragraph break is listed by token index once, so
    finding an opener's closer is a bisection, never a scan.
    """

    def __init__(self, text: str, limit: int):
        self.text, self.limit = text, limit
        tok = self.tok = _Tokens(text)
        kinds = tok.kinds
        self.dollars = tok.where("$")
        # $$: two dollar tokens touching; a $$ closes at the first pair after it
        self.pairs = array("l", (i for i in self.dollars
                                 if kinds[i + 1:i + 2] == "$" and tok.starts[i + 1] == tok.ends[i]))
        self.pars = array("l", sorted(list(tok.where("p")) + list(tok.where("w", "par"))))
        self.closers = {")": tok.where("s", ")"), "]": tok.where("s", "]")}
        self.ends = {}
        for i in tok.where("e"):
            self.ends.setdefault(tok.values[i], array("l")).append(i)
        self.braces, stack = {}, []
        for i, kind in enumerate(kinds):  # matching braces with a stack: no recursion on depth
            if kind == "{":
                stack.append(i)
            elif kind == "}" and stack:
                self.braces[stack.pop()] = i
        self.line_starts = array("l", [0] + [m.end() for m in re.finditer("\n", text)])
        self.paragraphs, self.pieces, self.section, self.count = [], [], [], 0

    # -- output ---------------------------------------------------------------
    def flush(self):
        """End the paragraph: keep it if it holds a formula."""
        if any(isinstance(p, dict) for p in self.pieces):
            self.paragraphs.append(self.pieces)
        self.pieces = []

    def prose(self, text: str):
        if text:
            self.pieces.append(text.replace("~", " "))

    def formula(self, start: int, end: int, display: bool, environment):
        """Note the formula written in ``text[start:end]``, unless it is blank or past the limit."""
        source = self.text[start:end]
        stripped = source.strip()
        if not stripped or self.count > self.limit:
            return
        at = start + len(source) - len(source.lstrip())
        line = bisect_right(self.line_starts, at)
        self.count += 1
        self.pieces.append({"line": line, "col": at - self.line_starts[line - 1] + 1, "source": stripped,
                            "display": display, "section": tuple(t for _, t in self.section),
                            "environment": environment})

    # -- reading ----------------------------------------------------------------
    def boundary(self, i: int, hi: int) -> int:
        """The index of the first paragraph break after token ``i`` (or ``hi``): no maths crosses it."""
        k = _after(self.pars, i)
        return hi if k is None else min(k, hi)

    def maths(self, i: int, hi: int):
        """If token ``i`` opens maths that closes in its paragraph: read it, give the index after it."""
        tok, kind = self.tok, self.tok.kinds[i]
        stop = self.boundary(i, hi)
        if kind == "$":
            if tok.kinds[i + 1:i + 2] == "$" and tok.starts[i + 1] == tok.ends[i]:
                k = bisect_left(self.pairs, i + 2)
                j = self.pairs[k] if k < len(self.pairs) else None
                if j is None or j + 1 >= stop:
                    return i + 2  # $$ never closed: not maths, and not two $ either
                self.formula(tok.ends[i + 1], tok.starts[j], True, None)
                return j + 2
            j = _after(self.dollars, i)
            if j is None or j >= stop:
                return None
            self.formula(tok.ends[i], tok.starts[j], False, None)
            return j + 1
        if kind == "s" and tok.values[i] in "([":
            j = _after(self.closers[")" if tok.values[i] == "(" else "]"], i)
            if j is None or j >= stop:
                return None
            self.formula(tok.ends[i], tok.starts[j], tok.values[i] == "[", None)
            return j + 1
        if kind == "b" and tok.values[i] in MATH_ENVIRONMENTS:
            name = tok.values[i]
            j = _after(self.ends.get(name, ()), i)
            if j is None or j >= stop:
                return None
            start = tok.ends[i]
            if name.startswith("alignat"):  # \begin{alignat}{2}: the column count is not maths
                m = _ALIGNAT.match(self.text, start)
                start = m.end() if m and m.end() <= tok.starts[j] else start
            self.formula(start, tok.starts[j], MATH_ENVIRONMENTS[name], name)
            return j + 1
        return None

    def argument(self, i: int):
        """The index of the ``{`` and of its ``}`` of the argument of the control word ``i``, or None."""
        tok = self.tok
        if tok.kinds[i + 1:i + 2] != "{" or not _OPTIONS.match(self.text[tok.ends[i]:tok.starts[i + 1]]):
            return None
        close = self.braces.get(i + 1)
        return None if close is None else (i + 1, close)

    def read(self) -> list:
        """The paragraphs holding maths, read from the body of the document (all of the note if none)."""
        text, tok = self.text, self.tok
        kinds, starts, ends, values = tok.kinds, tok.starts, tok.ends, tok.values
        lo, hi = 0, len(kinds)
        begin = _after(tok.where("b", "document"), -1)
        if begin is not None:
            lo = begin + 1
        end = _after(tok.where("e", "document"), lo - 1)
        if end is not None:
            hi = end
        prev, i, title_end = ends[lo - 1] if lo else 0, lo, -1
        while i < hi and self.count <= self.limit:
            self.prose(text[prev:starts[i]])
            kind = kinds[i]
            after = self.maths(i, hi) if kind in "$sb" else None
            if after is not None:
                i, prev = after, ends[after - 1]
                continue
            value = values.get(i)
            if kind == "p" or (kind in "be" and value not in MATH_ENVIRONMENTS) or i == title_end:
                self.flush()
            elif kind == "w" and value in BREAKS:
                self.flush()
            elif kind == "w" and (value in SECTIONS or value in DROP_ARGUMENT):
                group = self.argument(i)
                if group and value in DROP_ARGUMENT:
                    i, prev = group[1] + 1, ends[group[1]]
                    continue
                if group and group[1] < self.boundary(i, hi):
                    self.flush()
                    level = SECTIONS[value]
                    heading = self.heading(*group)
                    self.section = [s for s in self.section if s[0] < level] + ([(level, heading)] if heading else [])
                    title_end, i, prev = group[1], group[0], starts[group[0]]
                    continue
            elif kind == "w":
                self.prose(WORDS.get(value, ""))
            elif kind == "s":
                self.prose(SYMBOLS.get(value, ""))
            elif kind == "$":
                self.prose("$")
            prev, i = ends[i], i + 1
        if self.count <= self.limit:
            self.prose(text[prev:starts[hi] if hi < len(kinds) else len(text)])
        self.flush()
        return self.paragraphs

    def heading(self, a: int, b: int) -> str:
        """The plain text of a heading's argument, tokens ``a`` (``{``) to ``b`` (``}``), maths kept as ``$…$``."""
        tok, out, i = self.tok, [], a + 1
        prev = tok.ends[a]
        while i < b:
            out.append(self.text[prev:tok.starts[i]])
            kind, prev = tok.kinds[i], tok.ends[i]
            if kind == "$":
                j = _after(self.dollars, i)
                if j is not None and j < b:
                    out.append(self.text[tok.starts[i]:tok.ends[j]])
                    i, prev = j + 1, tok.ends[j]
                    continue
            elif kind == "s":
                out.append(SYMBOLS.get(tok.values[i], ""))
            elif kind == "w":
                out.append(WORDS.get(tok.values[i], ""))
            i += 1
        out.append(self.text[prev:tok.starts[b]])
        return " ".join("".join(out).replace("~", " ").split())[:MAX_TITLE_CHARS]


def read_tex(text: str, limit: int = 5_000) -> list:
    r"""The paragraphs of the LaTeX note ``text`` that hold maths: lists of prose strings and formula dicts.

    At most ``limit`` + 1 formulas are read (one more than wanted, so the caller
    can tell the note had more).  Raises ValueError for a note longer than
    :data:`~derive.notes.markdown.MAX_NOTE_CHARS`.

    >>> [p for p in read_tex("a $x$ b\n\nno maths here")]
    [['a ', {'line': 1, 'col': 4, 'source': 'x', 'display': False, 'section': (), 'environment': None}, ' b']]
    """
    if len(text) > MAX_NOTE_CHARS:
        raise ValueError(f"the note is longer than {MAX_NOTE_CHARS} characters")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _Reader(text, limit).read()
