"""The claim language's operators over a bound variable: ``diff(f, x)``, ``max(f, x)``, ``min(f, x)``.

They stay unevaluated in a claim, so the verifier can show each as a step.
:class:`Diff` computes its derivative once, by the rule table, when it is made,
and carries it as its third argument: reading it again costs nothing, and it
travels with the claim into the verifier's worker.

>>> from derive.symbols import symbol
>>> x, y = symbol('x'), symbol('y')
>>> d = Diff(x**3, x)
>>> d, d.value
(diff(x**3, x), 3*x**2)
>>> Supremum(-(x - y)**2, x).free_symbols
{y}
"""
from __future__ import annotations

import sympy as sp

from ..ops import derivative

__all__ = ["Diff", "Supremum", "Infimum", "resolve_derivatives"]


class _Extremum(sp.Function):
    """``expr`` optimised over the bound variable ``var``; stays unevaluated."""

    nargs = 2
    word = ""

    @property
    def free_symbols(self):
        expr, var = self.args
        return expr.free_symbols - {var}

    def _eval_subs(self, old, new):
        return self if old == self.args[1] else None

    def _sympystr(self, printer):
        return f"{self.word}({printer._print(self.args[0])}, {printer._print(self.args[1])})"

    def _latex(self, printer):
        expr, var = self.args
        return rf"\{self.word}_{{{printer._print(var)}}} \left({printer._print(expr)}\right)"


class Supremum(_Extremum):
    r"""sup over ``var`` of ``expr``, written ``max(expr, var)`` in a claim.

    >>> from derive.symbols import symbol
    >>> s = Supremum(-(symbol('x') - symbol('y'))**2, symbol('x'))
    >>> s, s.free_symbols, sp.latex(s)
    (max(-(x - y)**2, x), {y}, '\\max_{x} \\left(- \\left(x - y\\right)^{2}\\right)')
    """

    word = "max"


class Infimum(_Extremum):
    """inf over ``var`` of ``expr``, written ``min(expr, var)`` in a claim.

    >>> from derive.symbols import symbol
    >>> Infimum(symbol('x')**2, symbol('x')).subs(symbol('x'), 3)
    min(x**2, x)
    """

    word = "min"


class Diff(sp.Function):
    """``diff(expr, x)`` kept as written in a claim, with its rule-table derivative.

    ``Diff(expr, x)`` computes the derivative (:func:`derive.ops.derivative`)
    once and keeps it as a third argument, :attr:`value`; :meth:`doit` returns
    it.  Only ``expr`` and ``x`` are printed.

    >>> from derive.symbols import symbol
    >>> x = symbol('x')
    >>> d = Diff(Diff(x**4, x), x)
    >>> d, d.doit()
    (diff(diff(x**4, x), x), 12*x**2)
    """

    nargs = 3

    def __new__(cls, expr, var, value=None, **options):
        if value is None:
            value = derivative(resolve_derivatives(expr), var)
        return super().__new__(cls, expr, var, value, **options)

    @property
    def value(self) -> sp.Expr:
        """The derivative, computed when the Diff was made."""
        return self.args[2]

    def doit(self, **hints):
        return self.args[2]

    def _sympystr(self, printer):
        expr, var, _ = self.args
        return f"diff({printer._print(expr)}, {printer._print(var)})"

    def _latex(self, printer):
        expr, var, _ = self.args
        return rf"\frac{{d}}{{d{printer._print(var)}}} \left({printer._print(expr)}\right)"


def resolve_derivatives(expr):
    """``expr`` with every :class:`Diff` replaced by the derivative it carries.

    >>> from derive.symbols import symbol
    >>> x = symbol('x')
    >>> resolve_derivatives(1 + Diff(Diff(x**4, x), x))
    12*x**2 + 1
    """
    if not expr.has(Diff):
        return expr
    return expr.xreplace({d: d.value for d in expr.atoms(Diff)})  # top-down: the outermost ones win
