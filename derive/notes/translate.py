r"""Reading a note's LaTeX into the claim language: relations, links of a chain, and what was assumed.

:func:`translate` takes one formula as the safe reader gives it
(:func:`derive.lang.texreader.read`: an allow-listed tree, nothing evaluated)
and writes each link of its chain of relations as claim-language text, which
the allow-list parser of :mod:`derive.lang` then reads like any claim typed
by a user.  No note text reaches ``eval``, ``sympify`` or ``parse_expr``: this
module only writes names it has checked and operators it knows.

The reading is strict and says what it chose (:attr:`Reading.notes`) or why it
stopped (:class:`Unreadable`): an unknown macro, a function the note never
defined (``f(x)`` might be a product), matrix notation, ``\approx``.

>>> r = translate(r"\sigma'(x) = \sigma(x)\left(1-\sigma(x)\right)")
>>> [(l.lhs, l.rel, l.rhs) for l in r.links]
[('diff(sigmoid(x), x)', '=', 'sigmoid(x)*(1 - sigmoid(x))')]
>>> r = translate(r"\|w\|_2 = \sum_{i=1}^{n} w_i^2")
>>> r.links[0].rhs
'sum(w[i]**2, (i, 1, n))'
>>> translate(r"a = b = c").links[1].lhs
'b'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..lang.texreader import Formula, read
from .texnodes import (LAYOUT_ENVIRONMENTS, _EQUATION_NUMBER, _ch, FUNCTION_NAMES, RELATIONS, Definition, Unreadable, _blank, _starts_with_relation,
                       expand, substitute_params)
from .translate_expr import _Parser

__all__ = ["Definition", "Link", "Reading", "Unreadable", "translate", "expand", "substitute_params", "RELATIONS",
           "FUNCTION_NAMES"]

@dataclass(frozen=True)
class Link:
    """One relation of a formula: ``lhs rel rhs`` in claim-language text; ``kind`` from :data:`RELATIONS`."""

    lhs: str
    rel: str
    rhs: str
    kind: str = "claim"

    @property
    def claim(self) -> str:
        return f"{self.lhs} {self.rel} {self.rhs}"


@dataclass
class Reading:
    """What :func:`translate` made of a formula: its links, the choices it made, the symbols it used.

    ``head`` says what the first side is when it could be defined: ``("name", y)``
    or ``("call", f, ("x",))``; ``unused`` lists sums whose index their term never
    uses, as (Σ or ∏, index, term, low, high).
    """

    formula: Formula
    links: list = field(default_factory=list)
    notes: list = field(default_factory=list)       # readings chosen where LaTeX is ambiguous, said
    head: tuple | None = None
    unused: list = field(default_factory=list)
    used: set = field(default_factory=set)          # definitions the reading wrote out
    sides: list = field(default_factory=list)       # the reader's nodes of each side, as written
    outcomes: tuple = ()                            # cases with probabilities: (value, probability) pairs
    points: dict = field(default_factory=dict)      # σ′(0): a derivative's own variable -> the point
    opaque: bool = False                            # a side holds a call of a function nothing defines

    def link_text(self, k: int) -> str:
        """Link ``k`` (0-based) as the note wrote it, in Unicode: ``σ′(x) = σ(x)(1 − σ(x))``."""
        from ..render.texmath import to_text
        left, right = (to_text(Formula("", items=self.sides[j])) for j in (k, k + 1))
        return f"{left} {self.links[k].rel.replace('<=', '≤').replace('>=', '≥')} {right}"


def translate(source: str, definitions=None, formula: Formula | None = None) -> Reading:
    r"""The :class:`Reading` of one formula's LaTeX; raises :class:`Unreadable` with the reason.

    ``definitions`` ({name: :class:`Definition`}) are what the note defined
    before: a defined function's calls are written out, and so are defined
    names under a derivative.  Any other ``f(…)`` of a letter that names
    functions is refused, not guessed; the first side may define one.

    >>> translate(r"x(x-1) = x^2 - x").notes
    ['read x(…) as a product']
    >>> translate(r"g(3) + 1 = 10")
    Traceback (most recent call last):
    ...
    derive.notes.texnodes.Unreadable: g(…) is a function the note has not defined
    >>> translate(r"f(x) = x^2").head
    ('call', 'f', ('x',))
    >>> f = {"f()": Definition("f", ("x",), "x**2")}
    >>> translate(r"f(3) = 9", f).links[0].lhs
    '((3)**2)'
    >>> translate(r"\sum_{i=1}^{n} x_j = n x_j").unused
    [('sum', 'i', 'x_j', '1', 'n')]
    """
    formula = formula or read(source)
    if formula.problems:
        raise Unreadable(f"the LaTeX is malformed: {formula.problems[0]}")
    if formula.unknown:
        raise Unreadable(f"notation the reader does not know: {formula.unknown[0]}")
    reading = Reading(formula)
    parser = _Parser(reading, dict(definitions or {}))
    try:
        sides, rels = parser.chain(_rows(formula.items, numbered=bool(_EQUATION_NUMBER.search(source))))
    except Unreadable as error:
        error.reading = reading
        raise
    if not rels:
        error = Unreadable("no relation: an expression, not a claim")
        error.reading = reading
        raise error
    reading.links = [Link(sides[k], rel, sides[k + 1], kind) for k, (kind, rel) in enumerate(rels)]
    return reading


def _rows(items, numbered=False) -> list:
    """The formula's items as one sequence: aligned rows joined, tags and (when ``numbered``) a hand-written
    equation number ``(2)`` at the end dropped."""
    out = []
    for node in items:
        if node.kind == "macro" and node.value in ("tag", "tag*"):
            continue
        if node.kind == "env" and node.value in LAYOUT_ENVIRONMENTS:
            rows = [[it for cell in row for it in cell.args] for row in node.args]
            rows = [r for r in rows if any(not _blank(n) for n in r)]
            for k, row in enumerate(rows):
                row = _rows(row)
                if k and out and not _starts_with_relation(row):
                    raise Unreadable("an aligned block of several formulas: each row is read on its own")
                out += row
            continue
        out.append(node)
    while out and _blank(out[-1]):
        out.pop()
    tail = [n for n in out[-8:]]
    last = next((k for k in range(len(tail) - 1, -1, -1) if _ch(tail[k], "(")), None)
    digits = "".join(str(n.value) for n in tail[last + 1:-1]) if last is not None else ""
    if numbered and last is not None and _ch(tail[-1], ")") and re.fullmatch(r"\d+(\.\d+)*", digits) \
            and all(n.kind == "char" for n in tail[last:]):  # "… (2)": an equation number written by hand
        k = len(out)
        while k > 0:
            k -= 1
            if out[k].kind == "char" and out[k].value == "(":
                break
        out = out[:k]
        while out and _blank(out[-1]):
            out.pop()
    return out
