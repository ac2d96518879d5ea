"""The activations as SymPy functions: sigmoid, relu, leaky_relu, elu, softplus.

They stay unevaluated in formulas, so a derivation reads ``σ(z₁)`` rather than
``1/(1 + exp(-z₁))``.  They differentiate through the rule table
(:mod:`derive.rules`), evaluate with ``evalf`` at any precision, and lambdify
to the stable NumPy code of :mod:`derive.numeric`.

Kink convention.  At a kink the derivative is the one of the ``x ≤ 0``
branch, as in PyTorch's backward passes (``x > 0 ? g : …``) and the d2l
textbook: ReLU′(0) = 0, LeakyReLU′(0) = a, ELU′(0) = a.

>>> import sympy as sp
>>> x = sp.Symbol('x', real=True)
>>> sp.diff(sigmoid(x), x)
(1 - sigmoid(x))*sigmoid(x)
>>> sigmoid(x).evalf(subs={x: 0})
0.500000000000000
>>> sp.diff(relu(x), x).subs(x, 0)
0
>>> f = sp.lambdify(x, sigmoid(x))
>>> float(f(-1000.0)), float(f(0.0))
(0.0, 0.5)
"""
from __future__ import annotations

import sympy as sp
from sympy.core.logic import fuzzy_and

LEAKY_RELU_DEFAULT_SLOPE = sp.Rational(1, 100)  # PyTorch's negative_slope
ELU_DEFAULT_ALPHA = sp.Integer(1)  # PyTorch's alpha


def step(x):
    """The step [x > 0] with step(0) = 0, written as a ``Piecewise``.

    >>> step(sp.Integer(0)), step(sp.Integer(2))
    (0, 1)
    """
    return sp.Piecewise((sp.S.One, x > 0), (sp.S.Zero, True))


class ActivationBase(sp.Function):
    """Common behaviour: real-valued, rule-table derivatives, stable printing.

    A subclass sets ``op`` (its key in :data:`derive.rules.RULES`) and
    implements :meth:`elementary`, the same function written with SymPy's
    elementary functions, used by ``evalf`` and the mpmath printer.
    """

    op = ""

    def elementary(self):  # pragma: no cover - every subclass overrides
        raise TypeError(f"{type(self).__name__} must define elementary()")  # each activation does

    def fdiff(self, argindex=1):
        from .rules import RULES
        return RULES[self.op].grad(self, *self.args)[argindex - 1]

    def _eval_is_extended_real(self):
        return fuzzy_and(a.is_extended_real for a in self.args)

    def _eval_evalf(self, prec):
        return self.elementary()._eval_evalf(prec)

    def _eval_rewrite_as_exp(self, *args, **kwargs):
        return self.func(*args).elementary()

    _eval_rewrite_as_Piecewise = _eval_rewrite_as_exp

    def _numpycode(self, printer):
        name = printer._module_format("derive.numeric." + self.op)
        return "%s(%s)" % (name, ", ".join(printer._print(a) for a in self.args))

    def _elementary_code(self, printer):
        return printer._print(self.elementary())

    _mpmathcode = _pythoncode = _elementary_code


class sigmoid(ActivationBase):
    """σ(x) = 1/(1 + e^{-x}).

    >>> sigmoid(0), sigmoid(sp.oo)
    (1/2, 1)
    """

    op = "sigmoid"
    nargs = 1

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return sp.S.Half
        if x is sp.S.Infinity:
            return sp.S.One
        if x is sp.S.NegativeInfinity:
            return sp.S.Zero
        return None

    def elementary(self):
        return 1 / (1 + sp.exp(-self.args[0]))


class softplus(ActivationBase):
    """softplus(x) = log(1 + e^x), whose derivative is σ(x).

    >>> softplus(0)
    log(2)
    """

    op = "softplus"
    nargs = 1

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return sp.log(2)
        return None

    def elementary(self):
        return sp.log(1 + sp.exp(self.args[0]))


class relu(ActivationBase):
    """ReLU(x) = max(x, 0).

    >>> relu(-3), relu(sp.Rational(5, 2))
    (0, 5/2)
    """

    op = "relu"
    nargs = 1

    @classmethod
    def eval(cls, x):
        if x.is_extended_nonnegative:
            return x
        if x.is_extended_nonpositive:
            return sp.S.Zero
        return None

    def elementary(self):
        x = self.args[0]
        return sp.Piecewise((x, x > 0), (0, True))

    def _eval_rewrite_as_Max(self, x, **kwargs):
        return sp.Max(x, 0)


class leaky_relu(ActivationBase):
    """LeakyReLU(x, a) = x for x > 0, a·x otherwise (a defaults to 1/100).

    >>> leaky_relu(-2, sp.Rational(1, 10)), leaky_relu(-100)
    (-1/5, -1)
    """

    op = "leaky_relu"
    nargs = (1, 2)

    @classmethod
    def eval(cls, x, a=None):
        if a is None:
            return cls(x, LEAKY_RELU_DEFAULT_SLOPE)
        if x.is_extended_positive:
            return x
        if x.is_extended_nonpositive:
            return a * x
        return None

    def elementary(self):
        x, a = self.args
        return sp.Piecewise((x, x > 0), (a * x, True))


class elu(ActivationBase):
    """ELU(x, a) = x for x > 0, a·(e^x − 1) otherwise (a defaults to 1).

    >>> elu(0, 2), elu(3, 2)
    (0, 3)
    """

    op = "elu"
    nargs = (1, 2)

    @classmethod
    def eval(cls, x, a=None):
        if a is None:
            return cls(x, ELU_DEFAULT_ALPHA)
        if x.is_extended_positive:
            return x
        if x.is_zero:
            return sp.S.Zero
        if x.is_extended_negative and x.is_number:
            return a * (sp.exp(x) - 1)
        return None

    def elementary(self):
        x, a = self.args
        return sp.Piecewise((x, x > 0), (a * (sp.exp(x) - 1), True))


ACTIVATIONS = (sigmoid, relu, leaky_relu, elu, softplus)


def to_elementary(expr):
    """Rewrite every activation in ``expr`` with elementary functions.

    >>> x = sp.Symbol('x', real=True)
    >>> to_elementary(sigmoid(x) + relu(x))
    Piecewise((x, x > 0), (0, True)) + 1/(1 + exp(-x))
    """
    return expr.replace(lambda e: isinstance(e, ActivationBase), lambda e: e.elementary())
