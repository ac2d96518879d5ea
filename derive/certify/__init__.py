"""Certified numerics: rigorous enclosures with arb balls, certified signs, and branch and bound.

- :mod:`derive.certify.intervals`: the :class:`Interval` type over the extended
  reals, with rigorous ends, and its generic kernels;
- :mod:`derive.certify.enclosure`: :func:`enclose` (an expression over a box),
  :func:`sign_at` and :func:`value_at` (at an exact point);
- :mod:`derive.certify.boxes`: :func:`prove_nonnegative`, interval branch and
  bound with monotonicity, returning a Certificate, a Violation or None.

>>> import sympy as sp
>>> x = sp.Symbol('x', real=True)
>>> sign_at(sp.exp(x) - 1 - x, {x: sp.Rational(1, 10**6)})
1
"""
from .intervals import Interval, Unenclosable, precision
from .enclosure import enclose, sign_at, value_at

__all__ = ["Interval", "Unenclosable", "precision", "enclose", "sign_at", "value_at"]
