"""Kinked entries of the operation table: abs, sign, max, min, floor, ceil, ReLU, LeakyReLU, HardTanh.

Kink convention: at a kink the derivative is the one of the ``x ≤ 0`` branch
(PyTorch's backward passes): ReLU′(0) = 0, LeakyReLU′(0) = a, HardTanh′(±1) = 0,
and a tie of ``Max`` sends the gradient nowhere, so ``Max(x, 0)`` agrees with
ReLU.  Arguments that are *identically* equal are one argument, never a tie:
``Max(f, f)`` differentiates to f′ (:func:`merge_identical`).

>>> import sympy as sp
>>> from derive.ops import OPS, derivative
>>> x = sp.Symbol('x', real=True)
>>> derivative(OPS['hardtanh'].forward(x), x)
Piecewise((1, (x > -1) & (x < 1)), (0, True))
>>> derivative(sp.Max(sp.Abs(x), sp.sqrt(x**2)), x)
sign(x)
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .base import ActivationBase, as_float64, step
from .table import defop

MAX_EXTREMUM_ARGS = 8  # SymPy's Max/Min compare their arguments pairwise
LEAKY_RELU_DEFAULT_SLOPE = sp.Rational(1, 100)  # PyTorch's negative_slope


def _canonical(e):
    """A form in which identically equal expressions usually coincide (cheap: no simplify)."""
    from .base import to_elementary
    try:
        return sp.expand(to_elementary(e).rewrite(sp.Abs), deep=True)
    except Exception:  # a form SymPy cannot rewrite: compare as written
        return e


def merge_identical(expr, closed=_canonical):
    """``Max``/``Min`` with arguments whose ``closed`` forms are equal kept once (the first).

    >>> x = sp.Symbol('x', real=True)
    >>> u, v = sp.symbols('u v', real=True)
    >>> merge_identical(sp.Max(u, v, x), {u: sp.Abs(x), v: sp.Abs(x), x: x}.get)
    Max(u, x)
    """
    kept, seen = [], []
    for a in expr.args:
        form = closed(a)
        if not any(form == s or sp.expand(form - s) == 0 for s in seen):
            kept.append(a)
            seen.append(form)
    if len(kept) == len(expr.args):
        return expr
    return kept[0] if len(kept) == 1 else expr.func(*kept, evaluate=False)


def _extremum_grad(strictly_wins):
    def grad(out, *args):
        merged = merge_identical(out.func(*args, evaluate=False))
        winners = merged.args if merged.func == out.func else (merged,)
        partials = []
        for a in args:
            if not any(a is w or a == w for w in winners):
                partials.append(sp.S.Zero)  # a copy of an argument kept earlier: counted there
            elif len(winners) == 1:
                partials.append(sp.S.One)
            else:
                wins = sp.And(*(strictly_wins(a, b) for b in winners if b is not a and b != a))
                partials.append(sp.Piecewise((sp.S.One, wins), (sp.S.Zero, True)))
        return tuple(partials)
    return grad


def _pairwise(*args):
    return [a - b for i, a in enumerate(args) for b in args[i + 1:]]


def max_interval(*args):
    return type(args[0]).extremum(args, largest=True)


def min_interval(*args):
    return type(args[0]).extremum(args, largest=False)


max_grad = _extremum_grad(lambda a, b: a > b)  # a tie sends the gradient nowhere: relu′(0) = 0
defop("max", max_grad, forward=sp.Max, numpy=np.maximum, names=("Max",), arity=(2, MAX_EXTREMUM_ARGS), kinks=_pairwise,
      latex=r"\max", text="max", interval=max_interval)
min_grad = _extremum_grad(lambda a, b: a < b)
defop("min", min_grad, forward=sp.Min, numpy=np.minimum, names=("Min",), arity=(2, MAX_EXTREMUM_ARGS), kinks=_pairwise,
      latex=r"\min", text="min", interval=min_interval)


def abs_grad(out, x):
    return (sp.sign(x),)
defop("abs", abs_grad, forward=sp.Abs, numpy=np.abs, names=("abs",), kinks=lambda x: [x], latex=r"\left|\cdot\right|",
      text="|·|", notation=True, interval=abs)


def sign_grad(out, x):
    return (sp.S.Zero,)  # zero away from the jump at 0
def sign_interval(x):
    return x.monotone(lambda b: b.sgn(), limits=(-1, 1))  # sign is nondecreasing
defop("sign", sign_grad, forward=sp.sign, numpy=np.sign, names=("sign",), kinks=lambda x: [x], latex=r"\operatorname{sign}",
      text="sign", interval=sign_interval)


def _to_nearest_integer(a):
    return [a - sp.floor(a + sp.S.Half)]  # the signed distance to the nearest integer


def floor_grad(out, x):
    return (sp.S.Zero,)  # zero away from the integers, where floor jumps
def floor_interval(x):
    return x.monotone(lambda b: b.floor())
defop("floor", floor_grad, forward=sp.floor, numpy=np.floor, names=("floor",), kinks=_to_nearest_integer, size="rounding",
      latex=r"\lfloor\cdot\rfloor", text="floor", interval=floor_interval)


def ceil_grad(out, x):
    return (sp.S.Zero,)
def ceil_interval(x):
    return x.monotone(lambda b: b.ceil())
defop("ceil", ceil_grad, forward=sp.ceiling, numpy=np.ceil, names=("ceil",), kinks=_to_nearest_integer, size="rounding",
      latex=r"\lceil\cdot\rceil", text="ceil", interval=ceil_interval)


# --- activations with kinks ----------------------------------------------------------------

class relu(ActivationBase):
    """ReLU(x) = max(x, 0).

    >>> relu(-3), relu(sp.Rational(5, 2))
    (0, 5/2)
    """

    op, nargs = "relu", 1

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


def relu_kernel(x):
    """max(x, 0) in float64.

    >>> float(relu_kernel(-2.0)), float(relu_kernel(3.0))
    (0.0, 3.0)
    """
    return np.maximum(as_float64(x), 0.0)


def relu_grad(out, x):
    return (step(x),)


def relu_interval(x):
    return type(x).extremum((x, type(x).point(0)))
defop("relu", relu_grad, forward=relu, numpy=relu_kernel, names=("relu",), kinks=lambda x: [x],
      latex=r"\operatorname{ReLU}", text="ReLU", notation=True, activation=relu, interval=relu_interval)


class leaky_relu(ActivationBase):
    """LeakyReLU(x, a) = x for x > 0, a·x otherwise (a defaults to 1/100).

    >>> leaky_relu(-2, sp.Rational(1, 10)), leaky_relu(-100)
    (-1/5, -1)
    """

    op, nargs = "leaky_relu", (1, 2)

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


def leaky_relu_kernel(x, a):
    """x for x > 0, a·x otherwise.

    >>> float(leaky_relu_kernel(-2.0, 0.1))
    -0.2
    """
    x = as_float64(x)
    return np.where(x > 0, x, a * x)


def leaky_relu_grad(out, x, a):
    return sp.Piecewise((1, x > 0), (a, True)), sp.Piecewise((0, x > 0), (x, True))


def leaky_relu_interval(x, a):
    """The hull of x on the part x ≥ 0 and of a·x on the part x ≤ 0."""
    negative, positive = x.pieces()
    parts = [p for p in (positive, negative if negative is None else a * negative) if p is not None]
    return parts[0] if len(parts) == 1 else parts[0].hull(parts[1])
defop("leaky_relu", leaky_relu_grad, forward=leaky_relu, numpy=leaky_relu_kernel, names=("leaky_relu",),
      arity=(1, 2), kinks=lambda x, a=None: [x], latex=r"\operatorname{LeakyReLU}", text="LeakyReLU",
      notation=True, activation=lambda z: leaky_relu(z, LEAKY_RELU_DEFAULT_SLOPE), interval=leaky_relu_interval)


class hardtanh(ActivationBase):
    """HardTanh(x) = −1 for x < −1, x on [−1, 1], 1 for x > 1 (PyTorch's min_val = −1, max_val = 1).

    >>> hardtanh(-3), hardtanh(sp.Rational(1, 2)), hardtanh(7)
    (-1, 1/2, 1)
    """

    op, nargs = "hardtanh", 1

    @classmethod
    def eval(cls, x):
        if x.is_number and x.is_extended_real:
            return sp.Max(-1, sp.Min(1, x))
        return None

    def elementary(self):
        x = self.args[0]
        return sp.Piecewise((-1, x < -1), (1, x > 1), (x, True))


def hardtanh_kernel(x):
    """clip(x, −1, 1) in float64.

    >>> hardtanh_kernel(np.array([-3.0, 0.25, 9.0])).tolist()
    [-1.0, 0.25, 1.0]
    """
    return np.clip(as_float64(x), -1.0, 1.0)


def hardtanh_grad(out, x):
    """1 strictly inside (−1, 1), 0 outside and at ±1, as PyTorch's hardtanh_backward."""
    return (sp.Piecewise((sp.S.One, sp.And(x > -1, x < 1)), (sp.S.Zero, True)),)
def hardtanh_interval(x):
    return x.monotone(lambda b: b.max(-1).min(1), limits=(-1, 1))
defop("hardtanh", hardtanh_grad, forward=hardtanh, numpy=hardtanh_kernel, names=("hardtanh",),
      kinks=lambda x: [x - 1, x + 1], latex=r"\operatorname{HardTanh}", text="HardTanh", notation=True,
      activation=hardtanh, interval=hardtanh_interval)
