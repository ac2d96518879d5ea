"""The limit of f(x) as x approaches an end of an interval: exact shortcuts first, then SymPy's ``limit``.

SymPy's ``limit`` runs the Gruntz algorithm: tenths of a second for a
sigmoid's derivative at ±∞, each time an extremum or a certified tail asks.
Two shapes of f have limits that integer arithmetic settles exactly:

- a rational function p(x)/q(x) with rational coefficients: at ±∞ the
  degrees and the leading coefficients of p and q decide.  At a rational end
  a, once p and q are divided by their gcd, f is continuous at a if q(a) ≠ 0;
  else q = (x − a)ᵐ·r with r(a) ≠ 0 and p(a) ≠ 0, and f tends to ±∞ with
  the sign of p(a)·r(a)·(x − a)ᵐ on the side x comes from;
- a rational function of u = exp(d·x), d > 0 rational: every exp in f is
  exp(k·d·x) for an integer k, and x occurs nowhere else.  exp is increasing,
  so x → ∞ is u → ∞, x → −∞ is u → 0⁺, and x → 0 from one side is u → 1
  from the same side; the first shape then decides in u.

A sum whose terms have limits (numbers or ±∞) that do not meet as ∞ − ∞ has
their sum for its limit: each term goes through this function in turn, and
``sympy.limit`` then works on the small terms (``log(1 + exp(−w))`` alone,
not ``log(1 + exp(−w)) − |w| + 10``).

Anything else goes to ``sympy.limit``.  The shortcuts give the values SymPy
gives: the catalogue's output is the same with or without them, and
tests/test_limit_at.py compares them with ``sympy.limit`` shape by shape.

>>> x = sp.Symbol('x', real=True)
>>> limit_at(-(1 - 1/(1 + sp.exp(-x)))/(1 + sp.exp(-x)) + sp.Rational(1, 4), x, sp.oo, "-")
1/4
>>> limit_at((x - 1)**2 - x**2, x, -sp.oo, "+"), limit_at(x/(x + 1), x, 0, "+"), limit_at(1/x, x, 0, "+")
(oo, 0, oo)
"""
from __future__ import annotations

import sympy as sp
from sympy.polys.polyerrors import BasePolynomialError

__all__ = ["limit_at"]


def limit_at(f, x, end, side="+"):
    """``sympy.limit(f, x, end, side)``, by a shortcut of this module where one applies."""
    end = sp.Integer(end) if isinstance(end, int) else end
    for shortcut in (_rational_limit, _exp_limit, _termwise_limit):
        value = shortcut(f, x, end, side)
        if value is not None:
            return value
    return sp.limit(f, x, end, side)


def _poly(e, x):
    """``e`` as a polynomial in ``x`` with integer or rational coefficients, else None."""
    try:
        poly = sp.Poly(e, x)
    except BasePolynomialError:  # not a polynomial in x (PolynomialError), or coefficients it cannot hold
        return None
    return poly if poly.domain.is_ZZ or poly.domain.is_QQ else None


def _rational_limit(f, x, end, side):
    """The limit of a rational function with rational coefficients, or None.

    >>> x = sp.Symbol('x')
    >>> _rational_limit(-2*x**3/(x + 1), x, -sp.oo, "+"), _rational_limit((x**2 - 1)/(x - 1), x, sp.S.One, "-")
    (-oo, 2)
    >>> _rational_limit(x/(x - 1)**3, x, sp.S.One, "-"), _rational_limit(x/(x - 1)**2, x, sp.S.One, "-")
    (-oo, oo)
    """
    if not f.is_rational_function(x):  # a structural test: exp, log, |x| leave before together() is built
        return None
    num, den = sp.fraction(sp.together(f))
    p, q = _poly(num, x), _poly(den, x)
    if p is None or q is None or q.is_zero:
        return None
    if p.is_zero:
        return sp.S.Zero
    if end in (sp.oo, -sp.oo):
        gap, lead = p.degree() - q.degree(), p.LC() / q.LC()
        if gap <= 0:
            return lead if gap == 0 else sp.S.Zero
        sign = lead.p if end is sp.oo or gap % 2 == 0 else -lead.p
        return sp.oo if sign > 0 else -sp.oo
    if not end.is_Rational:
        return None
    common = p.gcd(q)  # Poly.eval below is the value of a polynomial at an exact number, no text
    p, q = p.quo(common), q.quo(common)
    at = q.eval(end)
    if at != 0:
        return p.eval(end) / at
    if side not in ("+", "-"):
        return None
    order, beside = 0, sp.Poly(x - end, x)
    while q.eval(end) == 0:  # q = (x - a)**order * r with r(a) != 0; p(a) != 0 as p and q are coprime
        q, order = q.quo(beside), order + 1
    sign = sp.sign(p.eval(end)) * sp.sign(q.eval(end)) * (-1 if side == "-" and order % 2 else 1)
    return sp.oo if sign > 0 else -sp.oo


def _exp_limit(f, x, end, side):
    """The limit through u = exp(d·x) when f is a rational function of u, or None.

    >>> x = sp.Symbol('x', real=True)
    >>> _exp_limit((sp.exp(2*x) - 1)/(sp.exp(2*x) + sp.exp(x)), x, -sp.oo, "+")
    -oo
    >>> _exp_limit(sp.exp(x)/x, x, sp.oo, "-") is None
    True
    """
    if end not in (sp.oo, -sp.oo, sp.S.Zero):
        return None
    powers = {}
    for e in f.atoms(sp.exp):
        if e.has(x):
            rate = e.args[0].as_coefficient(x)
            if rate is None or not rate.is_Rational:
                return None
            powers[e] = rate
    if not powers:
        return None
    d = abs(sp.gcd(list(powers.values())))
    u = sp.Dummy("u", positive=True)
    g = f.xreplace({e: u ** (rate / d) for e, rate in powers.items()})
    if g.has(x):
        return None
    target = sp.oo if end is sp.oo else sp.S.Zero if end is sp.S.NegativeInfinity else sp.S.One
    return _rational_limit(g, u, target, "+" if end is sp.S.NegativeInfinity else side)


def _termwise_limit(f, x, end, side):
    """The limit of a sum as the sum of its terms' limits, or None when one has none or ∞ meets −∞.

    >>> w = sp.Symbol('w', real=True)
    >>> _termwise_limit(sp.log(1 + sp.exp(-w)) - sp.Abs(w) + 10, w, sp.oo, "-")
    -oo
    >>> _termwise_limit(sp.log(1 + sp.exp(-w)) - sp.Abs(w) + 10, w, -sp.oo, "+") is None  # ∞ − ∞
    True
    >>> _termwise_limit(sp.sin(w) + w, w, sp.oo, "-") is None  # sin has no limit at ∞
    True
    """
    if not f.is_Add:
        return None
    total, infinite = sp.S.Zero, set()
    for term in f.args:
        value = limit_at(term, x, end, side) if term.has(x) else term
        if value is sp.oo or value is sp.S.NegativeInfinity:
            infinite.add(value)
            if len(infinite) > 1:
                return None
        elif value.is_extended_real and value.is_finite and not value.has(sp.AccumBounds, sp.Limit):  # a number
            total += value
        else:  # no limit (AccumBounds, which calls itself finite), a complex value, zoo: sympy.limit decides
            return None
    return infinite.pop() if infinite else total
