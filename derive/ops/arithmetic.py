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
defop("add", add_grad, forward=sp.Add, numpy=np.add, latex="+", text="+")


def sub_grad(out, a, b):
    return sp.S.One, sp.S.NegativeOne
defop("sub", sub_grad, forward=lambda a, b: a - b, numpy=np.subtract, latex="-", text="−")


def mul_grad(out, *args):
    return tuple(_others(args, i) for i in range(len(args)))
defop("mul", mul_grad, forward=sp.Mul, numpy=np.multiply, latex=r"\cdot", text="·")


def div_grad(out, a, b):
    return 1 / b, -a / b**2
defop("div", div_grad, forward=lambda a, b: a / b, numpy=np.divide, latex="/", text="/")


def pow_grad(out, base, exponent):
    return exponent * base ** (exponent - 1), out * sp.log(base)
defop("pow", pow_grad, forward=sp.Pow, numpy=np.power, latex="^", text="^")


def sqrt_grad(out, x, *half):
    """SymPy stores √x as x**(1/2): the constant exponent is an input too."""
    return (1 / (2 * out),) + tuple(out * sp.log(x) for _ in half)
defop("sqrt", sqrt_grad, forward=sp.sqrt, numpy=np.sqrt, names=("sqrt",), latex=r"\sqrt", text="√")
