"""Smooth elementary functions of the operation table: exp, log, tanh, sin, cos, sinh, cosh, atan, erf.

Each is SymPy's own class, so SymPy's printers and ``evalf`` know it; the
table adds its derivative rule, its claim-language name and, where NumPy has
none, a float64 kernel (``erf`` through the C library's ``erf``/``erfc``).

>>> import sympy as sp
>>> from derive.ops import derivative
>>> x = sp.Symbol('x', real=True)
>>> derivative(sp.erf(x), x)
2*exp(-x**2)/sqrt(pi)
>>> derivative(sp.cosh(x) * sp.sin(x), x)
sin(x)*sinh(x) + cos(x)*cosh(x)
"""
from __future__ import annotations

import math

import numpy as np
import sympy as sp

from .base import as_float64
from .table import defop


def exp_grad(out, x):
    return (out,)


def exp_interval(x):
    return x.monotone(lambda b: b.exp(), limits=(0, None))
defop("exp", exp_grad, forward=sp.exp, numpy=np.exp, names=("exp",), size="exponential", latex=r"\exp", text="exp",
      notation=True, interval=exp_interval)


def log_grad(out, x):
    return (1 / x,)


def log_interval(x, *base):
    if base:  # log(x, b) = log x / log b
        return log_interval(x) / log_interval(base[0])
    return x.monotone(lambda b: b.log(), domain=(0, True), name="log")
defop("log", log_grad, forward=sp.log, numpy=np.log, names=("log",), latex=r"\log", text="log", notation=True,
      interval=log_interval)


def tanh_grad(out, x):
    return (1 - out**2,)


def tanh_interval(x):
    return x.monotone(lambda b: b.tanh(), limits=(-1, 1))
defop("tanh", tanh_grad, forward=sp.tanh, numpy=np.tanh, names=("tanh",), size="exponential", latex=r"\tanh", text="tanh",
      notation=True, activation=sp.tanh, interval=tanh_interval)


def sin_grad(out, x):
    return (sp.cos(x),)


def sin_interval(x):
    """sin: its extremes ±1 are at π/2 + kπ."""
    return x.sinusoid(lambda b: b.sin(), offset_over_pi=0.5)
defop("sin", sin_grad, forward=sp.sin, numpy=np.sin, names=("sin",), size="rounding", latex=r"\sin", text="sin",
      notation=True, interval=sin_interval)


def cos_grad(out, x):
    return (-sp.sin(x),)


def cos_interval(x):
    """cos: its extremes ±1 are at kπ."""
    return x.sinusoid(lambda b: b.cos(), offset_over_pi=0)
defop("cos", cos_grad, forward=sp.cos, numpy=np.cos, names=("cos",), size="rounding", latex=r"\cos", text="cos",
      notation=True, interval=cos_interval)


def sinh_grad(out, x):
    return (sp.cosh(x),)


def sinh_interval(x):
    return x.monotone(lambda b: b.sinh())
defop("sinh", sinh_grad, forward=sp.sinh, numpy=np.sinh, names=("sinh",), size="exponential", latex=r"\sinh", text="sinh",
      notation=True, interval=sinh_interval)


def cosh_grad(out, x):
    return (sp.sinh(x),)


def cosh_interval(x):
    """cosh is even and rises on [0, ∞): cosh of |x|."""
    return abs(x).monotone(lambda b: b.cosh())
defop("cosh", cosh_grad, forward=sp.cosh, numpy=np.cosh, names=("cosh",), size="exponential", latex=r"\cosh", text="cosh",
      notation=True, interval=cosh_interval)


def atan_grad(out, x):
    return (1 / (1 + x**2),)


def atan_interval(x):
    """atan rises from −π/2 to π/2; ±2 bounds its limits rigorously (a rounded π/2 might not)."""
    return x.monotone(lambda b: b.atan(), limits=(-2, 2))
defop("atan", atan_grad, forward=sp.atan, numpy=np.arctan, names=("atan", "arctan"), latex=r"\arctan", text="atan",
      notation=True, interval=atan_interval)


_erf, _erfc = np.frompyfunc(math.erf, 1, 1), np.frompyfunc(math.erfc, 1, 1)


def _scalar_map(ufunc, x):
    """A Python float function over a float64 array; NaN stays NaN, ±inf is its limit."""
    x = as_float64(x)
    out = np.asarray(ufunc(np.nan_to_num(x, nan=0.0)), dtype=np.float64)
    return np.where(np.isnan(x), np.nan, out)


def erf_kernel(x):
    """erf(x) in float64, from the C library's erf.

    >>> [round(float(v), 12) for v in erf_kernel(np.array([0.0, 1.0, -30.0]))]
    [0.0, 0.84270079295, -1.0]
    """
    return _scalar_map(_erf, x)


def erf_grad(out, x):
    return (2 / sp.sqrt(sp.pi) * sp.exp(-x**2),)


def erf_interval(x):
    return x.monotone(lambda b: b.erf(), limits=(-1, 1))
defop("erf", erf_grad, forward=sp.erf, numpy=erf_kernel, names=("erf",), size="exponential",
      latex=r"\operatorname{erf}", text="erf", notation=True, interval=erf_interval)


def erfc_kernel(x):
    """erfc(x) = 1 − erf(x) in float64, accurate where it is tiny (x large).

    >>> float(erfc_kernel(np.array([10.0]))[0])
    2.088487583762545e-45
    """
    return _scalar_map(_erfc, x)

