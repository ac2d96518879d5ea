"""A derivation step: a SymPy relation and the one-line reason it holds.

The verifier and the proof catalogue both return lists of :class:`Step`;
they are data: :mod:`derive.render.text` lays them out for terminals,
:mod:`derive.render.latex` for reports and Jupyter.

>>> import sympy as sp
>>> x = sp.Symbol('x', real=True)
>>> print(Step(sp.Eq(sp.Derivative(x**2, x), 2*x), "power rule"))
d/dx (x²) = 2·x    [power rule]
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp



@dataclass(frozen=True)
class Rel:
    """``lhs op rhs`` exactly as written: SymPy would turn ``Eq(a, a)`` into ``True``."""

    lhs: object
    op: str
    rhs: object

    def text(self) -> str:
        from .render.text import as_text
        return as_text(self)

    def latex(self) -> str:
        from .render.latex import as_latex
        return as_latex(self)


class Phrase(tuple):
    """A sentence with formulas in it: text pieces (str) and SymPy objects, each printed by its own printer.

    The terminal gets the text printer's Unicode, the report and Jupyter the
    LaTeX printer's maths, so no formula is flattened into a string early.

    >>> x = sp.Symbol('x_1', real=True)
    >>> p = phrase("so ", x**2, " ≥ 0")
    >>> p.text(), p.latex()
    ('so x₁² ≥ 0', 'so $x_{1}^{2}$ ≥ 0')
    """

    def text(self) -> str:
        from .render.printing import text
        return "".join(part if isinstance(part, str) else text(part) for part in self)

    def latex(self, prose=str, maths="$%s$") -> str:
        """Text-mode LaTeX: the text through ``prose`` (the report's escaper), each formula in ``maths``."""
        from .render.printing import latex
        return "".join(prose(part) if isinstance(part, str) else maths % latex(part) for part in self)

    def __str__(self):
        return self.text()


def joined(items, sep=", ") -> list:
    """``items`` with ``sep`` between them, for :func:`phrase`."""
    out = []
    for k, item in enumerate(items):
        out += [sep, item] if k else [item]
    return out


def at_point(point) -> list:
    """A point ``{name: exact text}`` as parts ``x = 1/2, y = 0``, each name printed as a symbol."""
    return joined([[sp.Symbol(name), " = " + str(value)] for name, value in point.items()])


def phrase(*parts) -> Phrase:
    """A :class:`Phrase` of ``parts`` (lists are spliced in); adjacent strings are joined."""
    def spliced(items):
        for item in items:
            if isinstance(item, (list, tuple)) and not isinstance(item, sp.Basic):
                yield from spliced(item)
            else:
                yield item

    out = []
    for part in spliced(parts):
        if isinstance(part, str) and out and isinstance(out[-1], str):
            out[-1] += part
        elif part != "":
            out.append(part)
    return Phrase(out)


@dataclass(frozen=True)
class Step:
    """``relation`` (a SymPy Eq, Le, …, or any expression) justified by ``why``."""

    relation: object
    why: str

    def text(self) -> str:
        """The relation as one line of Unicode (a sentence as it is)."""
        from .render.text import relation
        return relation(self.relation)

    def latex(self) -> str:
        """The relation in LaTeX (a sentence as escaped ``\\text{…}``)."""
        from .render.latex import as_latex
        return as_latex(self)

    def as_dict(self) -> dict:
        return {"relation": self.text(), "latex": self.latex(), "justification": self.why}

    def __str__(self):
        from .render.text import as_text
        return as_text(self)


def eq(lhs, rhs, why) -> Step:
    """A step ``lhs = rhs`` kept unevaluated, so it shows both sides as written.

    >>> x = sp.Symbol('x', real=True)
    >>> print(eq(x + x, 2*x, "collect"))
    2·x = 2·x    [collect]
    """
    return Step(Rel(lhs, "=", rhs), why)
