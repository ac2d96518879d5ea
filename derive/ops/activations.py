"""Smooth (or once-kinked) activations: sigmoid, softplus, ELU, SELU, GELU, SiLU/swish, Mish, softsign.

Each is an :class:`~derive.ops.base.ActivationBase` with its exact definition
(:meth:`elementary`), its derivative rule, and a float64 kernel that stays
finite and accurate for large |x|; tests/test_ops.py checks every kernel
against mpmath at 50 digits.  Constants are PyTorch's: ELU's α = 1, SELU's
λ and α to the digits PyTorch uses, GELU exact (with erf, ``approximate='none'``).

>>> import sympy as sp
>>> x = sp.Symbol('x', real=True)
>>> sp.diff(silu(x), x)
x*(1 - sigmoid(x))*sigmoid(x) + sigmoid(x)
>>> gelu(x).elementary()
x*(erf(sqrt(2)*x/2) + 1)/2
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .base import ActivationBase, as_float64, one_minus, unevaluated_product
from .elementary import erfc_kernel
from .table import defop

ELU_DEFAULT_ALPHA = sp.Integer(1)  # PyTorch's alpha
SELU_LAMBDA = sp.Rational("1.0507009873554804934193349852946")  # PyTorch's scale
SELU_ALPHA = sp.Rational("1.6732632423543772848170429916717")  # PyTorch's alpha


class sigmoid(ActivationBase):
    """σ(x) = 1/(1 + e^{-x}).

    >>> sigmoid(0), sigmoid(sp.oo)
    (1/2, 1)
    """

    op, nargs = "sigmoid", 1

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


def sigmoid_kernel(x):
    """σ(x) = exp(−log(1 + e^{−x})), finite for every float.

    >>> float(sigmoid_kernel(0.0)), float(sigmoid_kernel(-1000.0))
    (0.5, 0.0)
    """
    return np.exp(-np.logaddexp(0.0, -as_float64(x)))


def sigmoid_grad(out, x):
    return (unevaluated_product(out, one_minus(out)),)
def _sigmoid_ball(b):
    return 1 / (1 + (-b).exp())


def sigmoid_interval(x):
    return x.monotone(_sigmoid_ball, limits=(0, 1))
defop("sigmoid", sigmoid_grad, forward=sigmoid, numpy=sigmoid_kernel, names=("sigmoid",), size="exponential",
      latex=r"\sigma", text="σ", notation=True, activation=sigmoid, interval=sigmoid_interval)


class softplus(ActivationBase):
    """softplus(x) = log(1 + e^x), whose derivative is σ(x).

    >>> softplus(0)
    log(2)
    """

    op, nargs = "softplus", 1

    @classmethod
    def eval(cls, x):
        return sp.log(2) if x.is_zero else None

    def elementary(self):
        return sp.log(1 + sp.exp(self.args[0]))


def softplus_kernel(x):
    """log(1 + e^x) without overflow.

    >>> round(float(softplus_kernel(0.0)), 12), float(softplus_kernel(1000.0))
    (0.69314718056, 1000.0)
    """
    return np.logaddexp(0.0, as_float64(x))


def softplus_grad(out, x):
    return (sigmoid(x),)
def _softplus_ball(b):
    return b.exp().log1p()


def softplus_interval(x):
    return x.monotone(_softplus_ball, limits=(0, None))
defop("softplus", softplus_grad, forward=softplus, numpy=softplus_kernel, names=("softplus",),
      size="exponential", latex=r"\operatorname{softplus}", text="softplus", notation=True,
      activation=softplus, interval=softplus_interval)


class elu(ActivationBase):
    """ELU(x, a) = x for x > 0, a·(e^x − 1) otherwise (a defaults to 1).

    >>> elu(0, 2), elu(3, 2)
    (0, 3)
    """

    op, nargs = "elu", (1, 2)

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


def elu_kernel(x, a):
    """x for x > 0, a·(e^x − 1) otherwise (``expm1`` keeps small x exact).

    >>> round(float(elu_kernel(-1.0, 1.0)), 6)
    -0.632121
    """
    x = as_float64(x)
    return np.where(x > 0, x, a * np.expm1(np.minimum(x, 0.0)))


def elu_grad(out, x, a):
    return (sp.Piecewise((1, x > 0), (a * sp.exp(x), True)),
            sp.Piecewise((0, x > 0), (sp.exp(x) - 1, True)))
def _kinked_at_zero(x, right, left):
    """The hull of ``right`` on the part x ≥ 0 and ``left`` on the part x ≤ 0 (either may be empty)."""
    negative, positive = x.pieces()
    parts = [f(p) for f, p in ((right, positive), (left, negative)) if p is not None]
    return parts[0] if len(parts) == 1 else parts[0].hull(parts[1])


def _expm1(x):
    return x.monotone(lambda b: b.expm1(), limits=(-1, None))


def elu_interval(x, a):
    return _kinked_at_zero(x, lambda p: p, lambda n: a * _expm1(n))
defop("elu", elu_grad, forward=elu, numpy=elu_kernel, names=("elu",), arity=(1, 2), kinks=lambda x, a=None: [x],
      size="exponential", latex=r"\operatorname{ELU}", text="ELU", notation=True,
      activation=lambda z: elu(z, 1), interval=elu_interval)


class selu(ActivationBase):
    """SELU(x) = λ·x for x > 0, λ·α·(e^x − 1) otherwise, with PyTorch's λ ≈ 1.0507 and α ≈ 1.6733.

    >>> selu(0), selu(1) == SELU_LAMBDA
    (0, True)
    """

    op, nargs = "selu", 1

    @classmethod
    def eval(cls, x):
        if x.is_zero:
            return sp.S.Zero
        if x.is_extended_positive and x.is_number:
            return SELU_LAMBDA * x
        return None

    def elementary(self):
        x = self.args[0]
        return sp.Piecewise((SELU_LAMBDA * x, x > 0), (SELU_LAMBDA * SELU_ALPHA * (sp.exp(x) - 1), True))


def selu_kernel(x):
    """λ·x for x > 0, λ·α·expm1(x) otherwise.

    >>> round(float(selu_kernel(-1.0)), 6), round(float(selu_kernel(2.0)), 6)
    (-1.111331, 2.101402)
    """
    x = as_float64(x)
    lam, alpha = float(SELU_LAMBDA), float(SELU_ALPHA)
    return np.where(x > 0, lam * x, lam * alpha * np.expm1(np.minimum(x, 0.0)))


def selu_grad(out, x):
    return (sp.Piecewise((SELU_LAMBDA, x > 0), (SELU_LAMBDA * SELU_ALPHA * sp.exp(x), True)),)
def selu_interval(x):
    scale = type(x).point(SELU_LAMBDA)
    return _kinked_at_zero(x, lambda p: scale * p, lambda n: scale * type(x).point(SELU_ALPHA) * _expm1(n))
defop("selu", selu_grad, forward=selu, numpy=selu_kernel, names=("selu",), kinks=lambda x: [x],
      size="exponential", latex=r"\operatorname{SELU}", text="SELU", notation=True, activation=selu,
      interval=selu_interval)


class gelu(ActivationBase):
    """GELU(x) = x·Φ(x) = x·(1 + erf(x/√2))/2, exact (PyTorch's ``approximate='none'``).

    >>> gelu(0)
    0
    """

    op, nargs = "gelu", 1

    @classmethod
    def eval(cls, x):
        return sp.S.Zero if x.is_zero else None

    def elementary(self):
        x = self.args[0]
        return x * (1 + sp.erf(x / sp.sqrt(2))) / 2


def gelu_kernel(x):
    """x·erfc(−x/√2)/2: erfc keeps the tiny values far left accurate (1 + erf would cancel).

    >>> float(gelu_kernel(1.0)), float(gelu_kernel(-10.0))
    (0.8413447460685429, -7.619853024160593e-23)
    """
    x = as_float64(x)
    return x * erfc_kernel(-x / np.sqrt(2.0)) / 2


def gelu_grad(out, x):
    """Φ(x) + x·φ(x): the normal CDF and the density."""
    return ((1 + sp.erf(x / sp.sqrt(2))) / 2 + x * sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi),)
GELU_ARGMIN = (-0.75, 1 / 64)  # GELU falls, then rises: its minimiser −0.7518 ∈ −3/4 ± 1/64 (tests certify it)


def _gelu_ball(b):
    return b * (-b / (0 * b + 2).sqrt()).erfc() / 2


def gelu_interval(x):
    return x.unimodal(_gelu_ball, GELU_ARGMIN, limits=(0, None))
defop("gelu", gelu_grad, forward=gelu, numpy=gelu_kernel, names=("gelu",), size="exponential",
      latex=r"\operatorname{GELU}", text="GELU", notation=True, activation=gelu, interval=gelu_interval)


class silu(ActivationBase):
    """SiLU(x) = swish(x) = x·σ(x).

    >>> silu(0)
    0
    """

    op, nargs = "silu", 1

    @classmethod
    def eval(cls, x):
        return sp.S.Zero if x.is_zero else None

    def elementary(self):
        x = self.args[0]
        return x / (1 + sp.exp(-x))


def silu_kernel(x):
    """x·σ(x) with the stable sigmoid.

    >>> float(silu_kernel(0.0)), float(silu_kernel(-1000.0))
    (0.0, -0.0)
    """
    x = as_float64(x)
    return x * sigmoid_kernel(x)


def silu_grad(out, x):
    """σ(x) + x·σ(x)(1 − σ(x))."""
    s = sigmoid(x)
    return (s + x * unevaluated_product(s, one_minus(s)),)
SILU_ARGMIN = (-1.28125, 1 / 32)  # the minimiser −1.2785 of SiLU


def silu_interval(x):
    return x.unimodal(lambda b: b * _sigmoid_ball(b), SILU_ARGMIN, limits=(0, None))
defop("silu", silu_grad, forward=silu, numpy=silu_kernel, names=("silu", "swish"), size="exponential",
      latex=r"\operatorname{SiLU}", text="SiLU", notation=True, activation=silu, interval=silu_interval)


class mish(ActivationBase):
    """Mish(x) = x·tanh(softplus(x)).

    >>> mish(0)
    0
    """

    op, nargs = "mish", 1

    @classmethod
    def eval(cls, x):
        return sp.S.Zero if x.is_zero else None

    def elementary(self):
        x = self.args[0]
        return x * sp.tanh(sp.log(1 + sp.exp(x)))


def mish_kernel(x):
    """x·tanh(softplus(x)), softplus through ``logaddexp``.

    >>> round(float(mish_kernel(1.0)), 6), float(mish_kernel(1000.0))
    (0.865098, 1000.0)
    """
    x = as_float64(x)
    return x * np.tanh(softplus_kernel(x))


def mish_grad(out, x):
    """tanh(softplus x) + x·σ(x)·(1 − tanh²(softplus x))."""
    t = sp.tanh(softplus(x))
    return (t + x * sigmoid(x) * (1 - t**2),)
MISH_ARGMIN = (-1.1875, 1 / 16)  # the minimiser −1.1922 of Mish


def mish_interval(x):
    return x.unimodal(lambda b: b * _softplus_ball(b).tanh(), MISH_ARGMIN, limits=(0, None))
defop("mish", mish_grad, forward=mish, numpy=mish_kernel, names=("mish",), size="exponential",
      latex=r"\operatorname{Mish}", text="Mish", notation=True, activation=mish, interval=mish_interval)


class softsign(ActivationBase):
    """softsign(x) = x/(1 + |x|).

    >>> softsign(1), softsign(-3)
    (1/2, -3/4)
    """

    op, nargs = "softsign", 1

    @classmethod
    def eval(cls, x):
        return x / (1 + abs(x)) if x.is_number and x.is_Rational else None

    def elementary(self):
        x = self.args[0]
        return x / (1 + sp.Abs(x))


def softsign_kernel(x):
    """x/(1 + |x|).

    >>> float(softsign_kernel(3.0))
    0.75
    """
    x = as_float64(x)
    return x / (1.0 + np.abs(x))


def softsign_grad(out, x):
    return (1 / (1 + sp.Abs(x))**2,)
def softsign_interval(x):
    return x.monotone(lambda b: b / (1 + abs(b)), limits=(-1, 1))
defop("softsign", softsign_grad, forward=softsign, numpy=softsign_kernel, names=("softsign",),
      interval=softsign_interval,
      latex=r"\operatorname{softsign}", text="softsign", notation=True, activation=softsign)
