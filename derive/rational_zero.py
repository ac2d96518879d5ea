"""An exact, cheap zero test: is an expression 0 as a rational function of its leaves?

:func:`zero_as_rational_function` reads an expression as a fraction of two
polynomials over ℚ in unknowns that stand for its leaves:

- a symbol, π, a function application (``sigmoid(W·x + b)``, ``log(x)``), a
  sum with limits: an unknown of its own;
- a root ``a**(p/q)``: the ``p``-th power of the unknown for ``a**(1/q)``, so
  ``sqrt(a)`` and ``1/sqrt(a)`` are ``u`` and ``1/u``;
- ``exp(c₁·m₁ + c₂·m₂ + …)`` with rational ``cₖ``: the product of powers
  ``vₖ**(cₖ·Q)`` of the unknowns for ``exp(mₖ/Q)``, ``Q`` the common
  denominator of the coefficients of ``mₖ`` in the whole expression, so
  ``exp(a)·exp(−b)`` and ``exp(a − b)`` are the same fraction.

Each rewriting is an identity wherever the expression is defined (``exp`` is a
homomorphism; a principal root's integer powers are the principal powers), and
the unknowns are treated as independent.  So the answer True is exact: the
numerator is the zero polynomial, and substituting the leaves back keeps it 0
wherever the expression is defined.  False says only that this test did not
show it (``log(a·b) − log(a) − log(b)`` needs a rule it does not know); the
caller then goes on to ``together``, ``cancel`` and ``expand``, which know
more and are many times slower on the fractions of a gradient.  A float
outside a leaf gives False: it is never exact.

The arithmetic is SymPy's sparse polynomial ring (:mod:`sympy.polys.rings`);
fractions are kept as (numerator, denominator) pairs without a greatest
common divisor, which only the zero test would need and it does not.

>>> import sympy as sp
>>> x, y = sp.symbols('x y', real=True)
>>> s = 1 / (1 + sp.exp(-x))
>>> zero_as_rational_function(s * (1 - s) - s + s**2)
True
>>> zero_as_rational_function(x / (x + 1) + 1 / (x + 1) - 1)
True
>>> zero_as_rational_function(sp.exp(x / 2) * sp.exp(-y) - sp.exp((x - 2 * y) / 2))
True
>>> zero_as_rational_function(x / sp.sqrt(x**2 + 1) - x * (x**2 + 1)**sp.Rational(-1, 2))
True
>>> zero_as_rational_function(sp.log(x * y) - sp.log(x) - sp.log(y))  # true for x, y > 0, but not shown here
False
>>> zero_as_rational_function(sp.Add(sp.Float(0.1) * x, sp.Float(0.2) * x, -3 * x / 10, evaluate=False))
False
"""
from __future__ import annotations

import math

import sympy as sp
from sympy.polys.rings import ring

__all__ = ["zero_as_rational_function", "MAX_POWER"]

MAX_POWER = 64  # an integer power above this is not expanded: the test says False


class _Inexact(Exception):
    """A float, an infinity, 1/0 or a power too large: the test has no answer."""


def _plan(node, plans, leaves, scales):
    """Fill ``plans`` {node: how to build it} for ``node`` and below; ``leaves`` collects the unknowns'
    keys, ``scales`` each exponential term's common denominator Q (the unknown stands for exp(m/Q))."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n in plans:
            continue
        if n.is_Add or n.is_Mul:
            plans[n] = ("add" if n.is_Add else "mul", n.args)
            stack.extend(n.args)
        elif n.is_Rational:
            plans[n] = ("number", n)
        elif n.is_Float or n in (sp.nan, sp.zoo, sp.oo, -sp.oo):
            raise _Inexact
        elif n.is_Pow and n.exp.is_Rational:
            p, q = n.exp.p, n.exp.q
            if abs(p) > MAX_POWER:
                raise _Inexact
            if q == 1:
                plans[n] = ("power", n.base, p)
                stack.append(n.base)
            else:
                root = sp.Pow(n.base, sp.Rational(1, q), evaluate=False)
                plans[n] = ("leaves", ((root, p),))
                leaves.setdefault(root, None)
        elif isinstance(n, sp.exp):
            terms = [t.as_coeff_Mul() for t in sp.Add.make_args(sp.expand_mul(n.exp))]
            if any(not c.is_Rational for c, _ in terms):
                plans[n] = ("leaves", ((n, 1),))
                leaves.setdefault(n, None)
                continue
            plans[n] = ("exp", tuple(terms))
            for c, m in terms:
                scales[m] = math.lcm(scales.get(m, 1), int(c.q))
        else:
            plans[n] = ("leaves", ((n, 1),))
            leaves.setdefault(n, None)


def zero_as_rational_function(e) -> bool:
    """True if ``e`` is 0 as a rational function over ℚ of its leaves (see the module's docstring)."""
    e = sp.sympify(e, strict=True)  # derive's own expressions, or a Python number; strict: never text
    plans, leaves, scales = {}, {}, {}
    try:
        _plan(e, plans, leaves, scales)
    except _Inexact:
        return False
    keys = list(leaves) + [("exp", m) for m in scales]
    if not keys:
        return e == 0
    R, *unknowns = ring([sp.Symbol(f"z{i}") for i in range(len(keys))], sp.QQ)  # names private to the ring
    at = dict(zip(keys, unknowns))  # whether the numerator is 0 does not depend on their order
    memo = {}

    def power(p, q, k):
        if k < 0:
            if not p:
                raise _Inexact
            p, q, k = q, p, -k
        if k > MAX_POWER:
            raise _Inexact
        return p**k, q**k

    def build(n):
        """(numerator, denominator) of node ``n`` in the ring."""
        if n in memo:
            return memo[n]
        kind, *rest = plans[n]
        if kind == "number":
            out = (R.ground_new(sp.QQ.convert(rest[0])), R.one)
        elif kind == "add":
            num, den = R.zero, R.one
            for a in rest[0]:
                p, q = build(a)
                num, den = (num + p, den) if q == den else (num * q + p * den, den * q)
            out = (num, den)
        elif kind in ("mul", "leaves", "exp"):
            factors = ([build(a) for a in rest[0]] if kind == "mul" else
                       [power(at[key], R.one, k) for key, k in rest[0]] if kind == "leaves" else
                       [power(at[("exp", m)], R.one, int(c * scales[m])) for c, m in rest[0]])
            num, den = R.one, R.one
            for p, q in factors:
                num, den = num * p, den * q
            out = (num, den)
        else:  # an integer power
            out = power(*build(rest[0]), rest[1])
        memo[n] = out
        return out

    try:
        numerator, _ = build(e)
    except (_Inexact, RecursionError):  # 1/0 somewhere, a power too large, a very deep tree: no answer here
        return False
    return not numerator
