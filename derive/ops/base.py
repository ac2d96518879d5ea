"""The base class of the table's own SymPy functions (sigmoid, ReLU, GELU, …).

An :class:`ActivationBase` stays unevaluated in formulas, so a derivation reads
``σ(z₁)`` rather than ``1/(1 + exp(-z₁))``.  It differentiates through its
table entry (``fdiff`` calls :meth:`derive.ops.Op.partials`), evaluates with
``evalf`` at any precision through :meth:`ActivationBase.elementary` (the same
function in SymPy's elementary functions), prints to mpmath the same way, and
lambdifies to its entry's float64 kernel.

Kink convention.  At a kink the derivative is the one of the ``x ≤ 0``
branch, as in PyTorch's backward passes (``x > 0 ? g : …``) and the d2l
textbook: ReLU′(0) = 0, LeakyReLU′(0) = a, ELU′(0) = a.

>>> import sympy as sp
>>> from derive.ops import OPS
>>> sigmoid, x = OPS['sigmoid'].forward, sp.Symbol('x', real=True)
>>> sp.diff(sigmoid(x), x)
(1 - sigmoid(x))*sigmoid(x)
>>> sigmoid(x).evalf(subs={x: 0})
0.500000000000000
"""
from __future__ import annotations

import sympy as sp
from sympy.core.logic import fuzzy_and

from .table import OPS


class ActivationBase(sp.Function):  # SymPy's printers dispatch past Function only to names ending in "Base"
    """Real-valued, differentiated and printed through its table entry ``OPS[op]``.

    A subclass sets ``op`` (its key in the table) and implements
    :meth:`elementary`.
    """

    op = ""

    def elementary(self):
        raise TypeError(f"{type(self).__name__} must define elementary()")  # each entry does

    def fdiff(self, argindex=1):
        return OPS[self.op].partials(self, *self.args)[argindex - 1]

    def _eval_is_extended_real(self):
        return fuzzy_and(a.is_extended_real for a in self.args)

    def _eval_evalf(self, prec):
        return self.elementary()._eval_evalf(prec)

    def _eval_rewrite_as_exp(self, *args, **kwargs):
        return self.func(*args).elementary()

    _eval_rewrite_as_Piecewise = _eval_rewrite_as_exp

    def _numpycode(self, printer):  # the entry's kernel, imported by the code lambdify writes
        kernel = OPS[self.op].numpy
        name = printer._module_format(f"{kernel.__module__}.{kernel.__name__}")
        return "%s(%s)" % (name, ", ".join(printer._print(a) for a in self.args))

    def _elementary_code(self, printer):
        return printer._print(self.elementary())

    _mpmathcode = _pythoncode = _elementary_code


def to_elementary(expr):
    """Rewrite every table function in ``expr`` with SymPy's elementary functions.

    >>> x = sp.Symbol('x', real=True)
    >>> to_elementary(OPS['sigmoid'].forward(x) + OPS['relu'].forward(x))
    Piecewise((x, x > 0), (0, True)) + 1/(1 + exp(-x))
    """
    return expr.replace(lambda e: isinstance(e, ActivationBase), lambda e: e.elementary())


def step(x):
    """The step [x > 0] with step(0) = 0, written as a ``Piecewise``.

    >>> step(sp.Integer(0)), step(sp.Integer(2))
    (0, 1)
    """
    return sp.Piecewise((sp.S.One, x > 0), (sp.S.Zero, True))


def unevaluated_product(*factors):
    """The product as written: σ·(1 − σ).

    Built with ``Mul._from_args``, which skips SymPy's canonical ordering and
    its cache; the reverse pass builds thousands of these (see benchmarks/).
    """
    return sp.Mul._from_args(factors, is_commutative=True)  # real scalars commute


def one_minus(e):
    """1 − e as written (unevaluated, hence cheap)."""
    return sp.Add._from_args((sp.S.One, unevaluated_product(sp.S.NegativeOne, e)), is_commutative=True)


def as_float64(x):
    """``x`` as a float64 array, the input of every kernel."""
    import numpy as np
    return np.asarray(x, dtype=np.float64)
