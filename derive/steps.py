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
