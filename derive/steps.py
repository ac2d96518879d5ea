"""A derivation step: a SymPy relation and the one-line reason it holds.

The verifier and the proof catalogue both return lists of :class:`Step`;
terminals show them with :func:`derive.printing.text`, reports and Jupyter
with :func:`derive.printing.latex`.

>>> import sympy as sp
>>> x = sp.Symbol('x', real=True)
>>> print(Step(sp.Eq(sp.Derivative(x**2, x), 2*x), "power rule"))
d/dx (x²) = 2·x    [power rule]
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .printing import latex, text


_TEXT_OP = {"=": "=", "<=": "≤", "<": "<", ">=": "≥", ">": ">"}
_LATEX_OP = {"=": "=", "<=": r"\le", "<": "<", ">=": r"\ge", ">": ">"}


@dataclass(frozen=True)
class Rel:
    """``lhs op rhs`` exactly as written: SymPy would turn ``Eq(a, a)`` into ``True``."""

    lhs: object
    op: str
    rhs: object

    def text(self) -> str:
        return "%s %s %s" % (text(self.lhs), _TEXT_OP[self.op], text(self.rhs))

    def latex(self) -> str:
        return "%s %s %s" % (latex(self.lhs), _LATEX_OP[self.op], latex(self.rhs))


@dataclass(frozen=True)
class Step:
    """``relation`` (a SymPy Eq, Le, …, or any expression) justified by ``why``."""

    relation: object
    why: str

    def text(self) -> str:
        r = self.relation
        return r if isinstance(r, str) else r.text() if isinstance(r, Rel) else text(r)

    def latex(self) -> str:
        r = self.relation
        return r"\text{%s}" % r if isinstance(r, str) else r.latex() if isinstance(r, Rel) else latex(r)

    def as_dict(self) -> dict:
        return {"relation": self.text(), "latex": self.latex(), "justification": self.why}

    def __str__(self):
        return "%s    [%s]" % (self.text(), self.why)


def eq(lhs, rhs, why) -> Step:
    """A step ``lhs = rhs`` kept unevaluated, so it shows both sides as written.

    >>> x = sp.Symbol('x', real=True)
    >>> print(eq(x + x, 2*x, "collect"))
    2·x = 2·x    [collect]
    """
    return Step(Rel(lhs, "=", rhs), why)
