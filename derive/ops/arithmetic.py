"""Arithmetic entries of the operation table: add, sub, mul, div, pow, sqrt.

Their NumPy halves are NumPy's own operators; the claim language writes them
as operators, so (but for ``sqrt``) they have no parser name.

>>> import sympy as sp
>>> from derive.ops import OPS
>>> a, b = sp.symbols('a b', real=True)
>>> OPS['div'].partials(a / b, a, b)
(1/b, -a/b**2)
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .table import defop


def _others(args, i):
    if len(args) == 2:
        return args[1 - i]
    return sp.Mul(*(a for j, a in enumerate(args) if j != i))


def add_grad(out, *args):
    return (sp.S.One,) * len(args)


def add_interval(*args):
    total = args[0]
    for a in args[1:]:
        total = total + a
    return total
defop("add", add_grad, forward=sp.Add, numpy=np.add, latex="+", text="+", interval=add_interval)


def sub_grad(out, a, b):
    return sp.S.One, sp.S.NegativeOne


def sub_interval(a, b):
    return a - b
defop("sub", sub_grad, forward=lambda a, b: a - b, numpy=np.subtract, latex="-", text="−", interval=sub_interval)


def mul_grad(out, *args):
    return tuple(_others(args, i) for i in range(len(args)))


def mul_interval(*args):
    product = args[0]
    for a in args[1:]:
        product = product * a
    return product
defop("mul", mul_grad, forward=sp.Mul, numpy=np.multiply, latex=r"\cdot", text="·", interval=mul_interval)


def div_grad(out, a, b):
    return 1 / b, -a / b**2


def div_interval(a, b):
    return a / b  # raises Unenclosable when 0 is in b
defop("div", div_grad, forward=lambda a, b: a / b, numpy=np.divide, latex="/", text="/", interval=div_interval)


def pow_grad(out, base, exponent):
    return exponent * base ** (exponent - 1), out * sp.log(base)


def pow_interval(base, exponent):
    """bⁿ for an exact integer n, b^r (b ≥ 0) for an exact rational r, else exp(e·log b) with b > 0."""
    e = exponent.exact
    if e is not None and e.is_Integer:
        return base.power(int(e))
    if e is not None:
        return base.root(e)
    base.require(0, True, "a power with a varying exponent")
    log_base = base.monotone(lambda b: b.log(), domain=(0, True), name="log")
    return (exponent * log_base).monotone(lambda b: b.exp(), limits=(0, None))
defop("pow", pow_grad, forward=sp.Pow, numpy=np.power, latex="^", text="^", interval=pow_interval)


def sqrt_grad(out, x, *half):
    """SymPy stores √x as x**(1/2): the constant exponent is an input too."""
    return (1 / (2 * out),) + tuple(out * sp.log(x) for _ in half)


def sqrt_interval(x, *half):
    return x.root(sp.S.Half)  # needs x ≥ 0
defop("sqrt", sqrt_grad, forward=sp.sqrt, numpy=np.sqrt, names=("sqrt",), latex=r"\sqrt", text="√",
      interval=sqrt_interval)
