r"""The safe LaTeX maths reader: an allow-list over pylatexenc's tokeniser.

:func:`read` turns the LaTeX of one formula (what a note writes between
dollars) into a small tree of :class:`Node`.  Only the control sequences and
environments of :mod:`derive.lang.texmacros` become nodes; anything else (a
macro not on the list, ``\input``, ``\csname``, ``\catcode``, ``^^5c``, a
stray ``$``, an unmatched ``\end``) is kept as a ``raw`` node, shown later as
escaped text, and listed in :attr:`Formula.unknown`.  Nothing is evaluated or
expanded: pylatexenc only splits the text into tokens (a character that
stands for itself is taken without asking it; ``tests/test_render_speed.py``
checks the tokens are pylatexenc's), and this module never calls it to
parse, so its recursion cannot be reached by deep input.

The input is bounded: at most :data:`MAX_CHARS` characters and groups nested
at most :data:`MAX_DEPTH` deep (checked on the tokens before any recursion);
a formula past either is one ``raw`` node with the reason in
:attr:`Formula.problems`.  Unbalanced braces are closed or kept as text, and
said.

The tree is printed by :mod:`derive.render.texmath` (LaTeX for the report,
Unicode for the terminal); the audit reads it into the claim language.

>>> f = read(r"\frac{\partial C}{\partial b_1} = \sigma'(z_4) w_4")
>>> f.ok, f.unknown
(True, [])
>>> f = read(r"x \input{/etc/passwd} + \csname relax\endcsname")
>>> f.unknown
['\\input', '\\csname', '\\endcsname']
>>> read("{" * 10000 + "x").problems
['groups nested deeper than 60']
"""
from __future__ import annotations

import re
from collections import namedtuple
from dataclasses import dataclass, field

from .texmacros import (ARRAY_SPEC, DELIMITER_CHARS, DELIMITER_MACROS, ENVIRONMENTS, MACROS)

MAX_CHARS = 20_000
MAX_DEPTH = 60
MAX_TOKENS = 20_000


@dataclass(frozen=True)
class Node:
    r"""One piece of a formula.

    ``kind`` is ``char`` (``value`` one character), ``macro`` (``value`` its name,
    ``args`` its argument groups, ``option`` an optional argument), ``group``
    (``args`` its items), ``scripts`` (``args`` = (base, sub or None, sup or None)),
    ``frac`` (from ``\over``: ``args`` = (numerator, denominator)), ``delimited``
    (``\left … \right``: ``value`` = (left, right) delimiters, ``args`` the items),
    ``env`` (``value`` its name, ``args`` its rows, each a tuple of cells (groups),
    ``option`` an array's column spec), ``text`` (``value`` the text of ``\text{…}``),
    ``delimiter`` (``\big(``: ``value`` the sizing macro, ``option`` the delimiter),
    ``raw`` (``value`` source text not on the allow-list, shown as text).
    """

    kind: str
    value: object = None
    args: tuple = ()
    option: object = None


def group(items) -> Node:
    return Node("group", args=tuple(items))


@dataclass
class Formula:
    """What :func:`read` gives: the items of the formula and what it could not read."""

    source: str
    items: tuple = ()
    unknown: list = field(default_factory=list)   # control sequences not on the allow-list, in order
    problems: list = field(default_factory=list)  # structural faults: unbalanced, too deep, too long

    @property
    def ok(self) -> bool:
        """Whether every part of the formula was read (nothing shown as raw text)."""
        return not self.unknown and not self.problems


@dataclass(frozen=True)
class Token:
    kind: str     # char, macro, open, close, special, comment, math, begin, end
    value: str
    pos: int
    space: bool   # whitespace before it


# What pylatexenc does not read as a one-character token of itself: a macro, a group, maths, a comment,
# the first character of one of its specials (& ~ `` '' -- --- !` ?`), and whitespace (isspace)
_NOT_PLAIN = frozenset("\\%{}$&~`'-!?")
_BRACES = {"{": "open", "}": "close"}
_CONTROL_WORD = re.compile(r"\\([A-Za-z]+)")
_KINDS = {"brace_open": "open", "brace_close": "close", "specials": "special", "mathmode_inline": "math",
          "mathmode_display": "math", "begin_environment": "begin", "end_environment": "end"}


def tokens(source: str):
    r"""pylatexenc's tokens of ``source`` as :class:`Token`; an untokenisable tail becomes chars.

    >>> [(t.kind, t.value) for t in tokens(r"x_{1} \le y")]
    [('char', 'x'), ('char', '_'), ('open', '{'), ('char', '1'), ('close', '}'), ('macro', 'le'), ('char', 'y')]
    """
    return [Token(*tok) for tok in _tokens(source)]


_Tok = namedtuple("_Tok", "kind value pos space")  # a Token's fields, for the parser: quicker to make


def _tokens(source: str, fast: bool = True) -> list:
    """The tokens of :func:`tokens`, each a ``_Tok``.

    pylatexenc reads every token but the commonest, which are taken here
    without the call (:func:`_quick`) when only spaces (U+0020) come before
    them.  ``fast=False`` gives pylatexenc's reading of every token; a test
    compares the two on every formula the report prints and on random text.
    Every call gets the same parsing state, and every walker the same
    context (pylatexenc builds them anew for each token and walker otherwise).
    """
    from pylatexenc.latexwalker import LatexWalkerEndOfStream, LatexWalkerError
    walker = state = None
    out, pos, n = [], 0, len(source)
    while pos < n and len(out) <= MAX_TOKENS:
        char = source[pos]
        if fast:
            at = pos
            while at < n and source[at] == " ":
                at += 1
            quick = _quick(source, at, at > pos) if at < n else None
            if quick is not None:
                out.append(quick[0])
                pos = quick[1]
                continue
        if walker is None:
            walker, state = _walker(source)
        try:
            tok = walker.get_token(pos, environments=True, parsing_state=state)
        except LatexWalkerEndOfStream:
            break
        except (LatexWalkerError, ValueError, IndexError):
            out.append(_Tok("char", char, pos, False))
            pos += 1
            continue
        space = bool(tok.pre_space)
        kind = _KINDS.get(tok.tok, tok.tok)
        value = tok.arg.specials_chars if kind == "special" else str(tok.arg)
        if kind == "macro" and len(value) > 1 and not value.isascii():
            # TeX's control words are ASCII letters: \quad其中 is \quad, then 其中
            name = value[:len(value) - len(value.lstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"))]
            if name:
                out.append(_Tok("macro", name, tok.pos, space))
                out += [_Tok("char", ch, tok.pos + 1 + len(name) + k, False) for k, ch in enumerate(value[len(name):])]
                pos = max(tok.pos + tok.len, pos + 1)
                continue
        out.append(_Tok(kind, value, tok.pos, space))
        pos = max(tok.pos + tok.len, pos + 1)
    return out


def _quick(source, at, space):
    """(token at ``at``, where the next starts) when pylatexenc's reading is plain, else None.

    Plain: a character that stands for itself (not a special's first character
    nor whitespace), a brace, or a control word of ASCII letters, not ``begin``
    or ``end``, followed by neither a letter (pylatexenc's name takes every
    ``isalpha`` character) nor whitespace (which pylatexenc keeps with the name).
    """
    char = source[at]
    if char not in _NOT_PLAIN and not char.isspace():
        return _Tok("char", char, at, space), at + 1
    if char in _BRACES:
        return _Tok(_BRACES[char], char, at, space), at + 1
    if char == "\\":
        word = _CONTROL_WORD.match(source, at)
        if word is not None and word.group(1) not in ("begin", "end"):
            end = word.end()
            after = source[end] if end < len(source) else ""
            if not after.isalpha() and not after.isspace():
                return _Tok("macro", word.group(1), at, space), end
    return None


_CONTEXT = []  # pylatexenc's default context, made once


def _walker(source):
    from pylatexenc.latexwalker import LatexWalker, get_default_latex_context_db
    if not _CONTEXT:
        _CONTEXT.append(get_default_latex_context_db())
    walker = LatexWalker(source, latex_context=_CONTEXT[0], tolerant_parsing=False)
    return walker, walker.make_parsing_state()  # the default state, made once rather than in every get_token call


def read(source: str) -> Formula:
    """Read one formula (maths mode, no dollars) into a :class:`Formula`; never raises on any input."""
    formula = Formula(source)
    if len(source) > MAX_CHARS:
        formula.problems.append(f"longer than {MAX_CHARS} characters")
        formula.items = (Node("raw", source[:200] + " …"),)
        return formula
    toks = _tokens(source)
    if len(toks) > MAX_TOKENS:
        formula.problems.append(f"more than {MAX_TOKENS} tokens")
        formula.items = (Node("raw", source[:200] + " …"),)
        return formula
    depth = deepest = 0
    for t in toks:
        depth += (t.kind in ("open", "begin")) - (t.kind in ("close", "end"))
        deepest = max(deepest, depth)
    if deepest > MAX_DEPTH // 2:  # \left…\right and scripts add levels of their own: half for braces
        formula.problems.append(f"groups nested deeper than {MAX_DEPTH}")
        formula.items = (Node("raw", source[:200] + (" …" if len(source) > 200 else "")),)
        return formula
    parser = _Parser(source, toks, formula)
    formula.items = tuple(parser.items(stop=()))
    while parser.i < len(toks):  # a stray closing brace or \end at the top: keep it as text, go on
        tok = toks[parser.i]
        parser.i += 1
        formula.problems.append(f"unmatched {'}' if tok.kind == 'close' else chr(92) + 'end{' + tok.value + '}'}")
        formula.items += (Node("raw", "}" if tok.kind == "close" else "\\end{%s}" % tok.value),
                          *parser.items(stop=()))
    return formula


class _Parser:
    """Recursive descent over the tokens; depth is bounded by :func:`read`'s check."""

    def __init__(self, source, toks, formula):
        self.source, self.toks, self.formula, self.i = source, toks, formula, 0

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self):
        tok = self.peek()
        self.i += 1
        return tok

    def unknown(self, text):
        self.formula.unknown.append(text)
        return Node("raw", text)

    # -- sequences ---------------------------------------------------------------------

    def items(self, stop):
        """Items up to (not including) a token whose (kind, value) is in ``stop``, or a close/end."""
        out = []
        while True:
            tok = self.peek()
            if tok is None or tok.kind in ("close", "end") or (tok.kind, tok.value) in stop:
                break
            if tok.kind == "macro" and tok.value in ("over", "choose") and MACROS.get(tok.value):
                self.take()
                rest = self.items(stop)
                out = [Node("frac", tok.value, (group(out), group(rest)))]
                break
            item = self.atom()
            if item is None:
                continue
            out.append(self.scripts(item))
        return out

    def scripts(self, base):
        sub = sup = None
        while True:
            tok = self.peek()
            if tok is None or tok.kind != "char" or tok.value not in "_^":
                break
            if tok.value == "^" and self.i + 1 < len(self.toks) and self.toks[self.i + 1].value == "^":
                break  # ^^: TeX's character code notation, never read
            self.take()
            arg = self.argument()
            if arg is None:
                self.formula.problems.append(f"{tok.value} with nothing after it")
                break
            if (tok.value == "_" and sub is not None) or (tok.value == "^" and sup is not None):
                base, sub, sup = Node("scripts", args=(base, sub, sup)), None, None  # x^a^b: {x^a}^b
            if tok.value == "_":
                sub = arg
            else:
                sup = arg
        if sub is None and sup is None:
            return base
        return Node("scripts", args=(base, sub, sup))

    def argument(self):
        """One argument: a braced group, or the next single token (``x^2``, ``\\hat y``)."""
        tok = self.peek()
        while tok is not None and tok.kind == "comment":
            self.take()
            tok = self.peek()
        if tok is None or tok.kind in ("close", "end"):
            return None
        if tok.kind == "open":
            return self.braced()
        if tok.kind == "char" and tok.value in "_^":
            return None
        item = self.atom()
        return group([item]) if item is not None else None

    def braced(self):
        self.take()  # {
        inner = self.items(stop=())
        tok = self.peek()
        if tok is not None and tok.kind == "close":
            self.take()
        else:
            self.formula.problems.append("an unclosed {")
        return group(inner)

    # -- atoms ----------------------------------------------------------------------------

    def atom(self):
        tok = self.take()
        if tok.kind == "comment":
            return None
        if tok.kind == "char":
            if tok.value == "^" and self.peek() is not None and self.peek().value == "^":
                run = "^"
                while self.peek() is not None and self.peek().kind == "char" and len(run) < 4:
                    run += self.take().value
                return self.unknown(run)
            if tok.value in "_^":
                return Node("char", "")  # a script with no base: x_1 after nothing
            return Node("char", tok.value)
        if tok.kind == "open":
            self.i -= 1
            return self.braced()
        if tok.kind == "special":
            return Node("char", {"~": " ", "&": "&"}.get(tok.value, tok.value))
        if tok.kind == "math":
            return self.unknown("$")
        if tok.kind == "begin":
            return self.environment(tok)
        return self.macro(tok)

    def macro(self, tok):
        name = tok.value
        spec = MACROS.get(name)
        if spec is None:
            return self.unknown("\\" + name)
        kind = spec.kind
        if kind == "text":
            return self.text_argument(name)
        if kind == "delimiter":
            return self.delimited(name)
        if kind == "sqrt":
            option = self.optional()
            arg = self.argument()
            return Node("macro", name, (arg or group([]),), option)
        if kind == "newline":
            self.optional()  # \\[2pt]
            return Node("macro", "\\")
        args = []
        for _ in range(spec.args):
            arg = self.argument()
            if arg is None:
                self.formula.problems.append(f"\\{name} is missing an argument")
                arg = group([])
            args.append(arg)
        return Node("macro", name, tuple(args))

    def optional(self):
        """An optional ``[…]`` argument's items, or None."""
        tok = self.peek()
        if tok is None or tok.kind != "char" or tok.value != "[":
            return None
        self.take()
        inner = self.items(stop={("char", "]")})
        if self.peek() is not None and self.peek().value == "]":
            self.take()
        return group(inner)

    def text_argument(self, name):
        """``\\text{…}``: the characters of the group, read as text; macros inside are raw."""
        tok = self.peek()
        if tok is None or tok.kind != "open":
            arg = self.argument()
            return Node("text", "" if arg is None else "".join(n.value for n in arg.args if n.kind == "char"))
        self.take()
        parts, depth = [], 0
        while self.peek() is not None:
            tok = self.take()
            if tok.kind == "close" and depth == 0:
                break
            depth += (tok.kind == "open") - (tok.kind == "close")
            space = " " if tok.space and parts else ""
            if tok.kind == "char":
                parts.append(space + tok.value)
            elif tok.kind == "special":
                parts.append(space + {"~": " "}.get(tok.value, tok.value))
            elif tok.kind == "macro" and MACROS.get(tok.value) is not None and MACROS[tok.value].kind in ("symbol", "space"):
                parts.append(space + (MACROS[tok.value].text if tok.value not in "{}_%$#&" else tok.value))
            elif tok.kind == "macro":
                self.formula.unknown.append("\\" + tok.value)
                parts.append(space + "\\" + tok.value)
            elif tok.kind == "math":
                parts.append(space + "$")
        else:
            self.formula.problems.append(f"an unclosed \\{name}{{")
        return Node("text", "".join(parts))

    def delimiter(self):
        tok = self.peek()
        if tok is None:
            return "."
        if tok.kind == "char" and tok.value in DELIMITER_CHARS:
            self.take()
            return tok.value
        if tok.kind == "macro" and tok.value in DELIMITER_MACROS:
            self.take()
            return "\\" + tok.value
        return "."

    def delimited(self, name):
        delim = self.delimiter()
        if name == "left":
            inner = self.items(stop={("macro", "right")})
            right = "."
            if self.peek() is not None and self.peek().kind == "macro" and self.peek().value == "right":
                self.take()
                right = self.delimiter()
            else:
                self.formula.problems.append("a \\left with no \\right")
            return Node("delimited", (delim, right), tuple(inner))
        if name == "right":  # a stray \right: its delimiter as it is
            self.formula.problems.append("a \\right with no \\left")
        return Node("delimiter", name, (), delim)  # \big( and friends: the delimiter, sized

    def environment(self, tok):
        name = tok.value
        if name not in ENVIRONMENTS:
            return self.unknown("\\begin{%s}" % name)
        option = None
        if name == "array":
            if self.peek() is not None and self.peek().kind == "open":
                spec = self.braced()
                option = "".join(n.value for n in spec.args if n.kind == "char")
                if not ARRAY_SPEC.match(option or ""):
                    self.formula.problems.append(f"an array column spec {option!r}")
                    option = "l" * 8
        rows, cells = [], []
        while True:
            cell = self.items(stop={("special", "&"), ("macro", "\\"), ("macro", "cr")})
            cells.append(group(cell))
            tok = self.peek()
            if tok is None:
                self.formula.problems.append(f"a \\begin{{{name}}} with no \\end")
                break
            if tok.kind == "special":
                self.take()
                continue
            if tok.kind == "macro":
                self.take()
                self.optional()
                rows.append(tuple(cells))
                cells = []
                continue
            if tok.kind == "end" and tok.value == name:
                self.take()
                break
            self.take()  # a } or a different \end inside: an error of the note, kept as text
            self.formula.problems.append(f"{'}' if tok.kind == 'close' else chr(92) + 'end{' + tok.value + '}'} "
                                         f"inside \\begin{{{name}}}")
        if any(c.args for c in cells) or not rows:
            rows.append(tuple(cells))
        return Node("env", name, tuple(rows), option)
