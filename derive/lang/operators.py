"""The claim language's operators over a bound variable: ``diff(f, x)``, ``max(f, x)``, ``min(f, x)``,
``argmax(f, x)`` and ``limit(f, x, a)``.

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

import time

import sympy as sp

from ..limits import StepTimeout, time_limit
from ..ops import derivative

__all__ = ["Carrier", "checked_args", "Diff", "Supremum", "Infimum", "Argmax", "LimitAt", "resolve_derivatives", "LIMIT_SECONDS"]

LIMIT_SECONDS = 2.0  # SymPy's limit() is given this long when a LimitAt is made
_SIDES = {1: "+", -1: "-", 0: ""}


class Carrier:
    """A node that carries a value computed when it was made (a derivative, an expectation, a limit):
    the parser's size checks walk :attr:`checked_args`, not that value."""

    @property
    def checked_args(self):
        return self.args[:2]


def checked_args(expr) -> tuple:
    """The arguments of ``expr`` the parser checks: all of them, except a carried value.

    >>> from derive.symbols import symbol
    >>> checked_args(Diff(symbol('x')**2, symbol('x')))
    (x**2, x)
    """
    return expr.checked_args if isinstance(expr, Carrier) else expr.args


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


class Argmax(_Extremum):
    """The unique maximiser over ``var`` (within its domain) of ``expr``, written ``argmax(expr, var)``.

    >>> from derive.symbols import symbol
    >>> x = symbol('x')
    >>> Argmax(x*(1 - x), x), Argmax(x*(1 - x), x).free_symbols
    (argmax(x*(1 - x), x), set())
    """

    word = "argmax"


class LimitAt(Carrier, sp.Function):
    """``limit(expr, x, a)`` (or ``a`` from the right '+' / left '-'), with SymPy's value carried.

    The value is computed once, when the LimitAt is made, by :func:`sympy.limit`
    given :data:`LIMIT_SECONDS`; :attr:`value` is None if SymPy could not.

    >>> from derive.symbols import symbol
    >>> x = symbol('x')
    >>> lim = LimitAt(sp.sin(x)/x, x, 0)
    >>> lim, lim.value, LimitAt(1/x, x, 0, '+').value
    (limit(sin(x)/x, x, 0), 1, oo)
    """

    nargs = 5

    def __new__(cls, expr, var, point, direction="", value=None, **options):
        if not isinstance(direction, sp.Integer):  # carried as +1 ('+'), -1 ('-') or 0 (two-sided)
            direction = sp.Integer({"+": 1, "-": -1, "": 0}[direction])
        point = sp.Integer(point) if isinstance(point, int) else point
        if value is None:
            value = sp.Tuple(*_limit_value(expr, var, point, _SIDES[int(direction)]))
        return super().__new__(cls, expr, var, point, direction, value, **options)

    @property
    def checked_args(self):
        expr, var, point = self.args[:3]
        return (expr, var) if point.is_infinite else (expr, var, point)

    @property
    def direction(self) -> str:
        """'+', '-' or '' (two-sided, or at ±oo)."""
        return _SIDES[int(self.args[3])]

    @property
    def value(self):
        """The limit computed when the node was made, or None."""
        return self.args[4][0] if self.args[4] else None

    @property
    def free_symbols(self):
        expr, var, point = self.args[:3]
        return (expr.free_symbols - {var}) | point.free_symbols

    def _eval_subs(self, old, new):
        return self if old == self.args[1] else None

    def doit(self, **hints):
        return self if self.value is None else self.value

    def _sympystr(self, printer):
        expr, var, point = (printer._print(a) for a in self.args[:3])
        side = f", '{self.direction}'" if self.direction else ""
        return f"limit({expr}, {var}, {point}{side})"


def _limit_value(expr, var, point, direction) -> tuple:
    """(the limit,) or () if SymPy cannot find it in time or finds no single value."""
    start = time.monotonic()
    try:
        with time_limit(LIMIT_SECONDS):
            value = sp.limit(resolve_derivatives(expr), var, point, direction or "+-") \
                if point.is_finite else sp.limit(resolve_derivatives(expr), var, point)
    except StepTimeout:
        if time.monotonic() - start < LIMIT_SECONDS:
            raise  # an enclosing limit expired
        return ()
    except (ValueError, NotImplementedError, TypeError, ArithmeticError, RecursionError):
        return ()
    if value.has(sp.Limit, sp.AccumBounds, sp.nan, sp.zoo) or not value.is_extended_real:
        return ()
    return (value,)


class Diff(Carrier, sp.Function):
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
