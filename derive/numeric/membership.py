"""Whether an exact number may stand for a variable: in its domain, and with the facts its symbol carries.

The counterexample search (:mod:`derive.numeric.search`) asks this of every
candidate coordinate, and :mod:`derive.refute` of every point it certifies.
A rational p/q is tested by integer arithmetic wherever the domain's ends are
rational or infinite; SymPy's ``Interval.contains`` decides only otherwise.

>>> x = sp.Symbol('x', positive=True)
>>> contains(sp.Interval.Ropen(0, 1), sp.Rational(1, 2)), admissible(x, sp.Integer(0))
(True, False)
"""
from __future__ import annotations

from functools import lru_cache

import sympy as sp


def contains(domain, value) -> bool:
    """Is the exact number ``value`` in ``domain`` (a Domain, a SymPy interval, or None for the line)?

    >>> from derive.lang import Domain
    >>> contains(Domain(sp.Interval.open(0, 1), integer=True), sp.Integer(1)), contains(None, sp.Integer(-5))
    (False, True)
    """
    if domain is None:
        return True
    interval = getattr(domain, "interval", domain)
    if getattr(domain, "integer", False) and not value.is_integer:
        return False
    inside = _in_rational_interval(interval, value)
    return inside if inside is not None else bool(interval.contains(value) is sp.true)


def _in_rational_interval(interval, value):
    """Is the rational ``value`` in ``interval`` (:func:`_rational_test`); None unless both ends are
    rational or infinite (then SymPy's ``Interval.contains`` decides: the same answer, much slower).

    >>> _in_rational_interval(sp.Interval.Lopen(0, 1), sp.Integer(0)), _in_rational_interval(sp.Interval(0, sp.pi), 1)
    (False, None)
    """
    inside = _rational_test(interval) if isinstance(value, sp.Rational) else None
    return None if inside is None else inside(value.p, value.q)


def _rational_test(interval):
    """``inside(p, q)``: is p/q (q > 0) in ``interval``, by integer arithmetic; None unless both ends
    are rational or infinite.  An infinite end is taken as ±1/0, which every p/q is within.

    >>> inside = _rational_test(sp.Interval.Lopen(0, sp.Rational(1, 3)))
    >>> inside(1, 3), inside(0, 1), _rational_test(sp.Interval(0, sp.pi)) is None
    (True, False, True)
    """
    if not isinstance(interval, sp.Interval):
        return None
    lo, hi, left_open, right_open = interval.start, interval.end, interval.left_open, interval.right_open
    if not (lo.is_Rational or lo is sp.S.NegativeInfinity) or not (hi.is_Rational or hi is sp.S.Infinity):
        return None
    (a, b), (c, d) = (lo.p, lo.q) if lo.is_Rational else (-1, 0), (hi.p, hi.q) if hi.is_Rational else (1, 0)
    return lambda p, q: ((p * b > a * q) if left_open else (p * b >= a * q)) and (
        (p * d < c * q) if right_open else (p * d <= c * q))


def _membership(domain):
    """``inside(p, q)``: :func:`contains` of the rational p/q (coprime, q > 0) in ``domain``, by
    integer arithmetic where the ends are rational or infinite (the number is built only otherwise).

    >>> from derive.lang import Domain
    >>> inside = _membership(Domain(sp.Interval.Ropen(0, 3), integer=True))
    >>> inside(2, 1), inside(3, 1), inside(1, 2)
    (True, False, False)
    >>> _membership(sp.Interval(0, sp.pi))(22, 7), _membership(None)(-5, 1)
    (False, True)
    """
    if domain is None:
        return lambda p, q: True
    between = _rational_test(getattr(domain, "interval", domain))
    if between is None:
        return lambda p, q: contains(domain, sp.Rational.from_coprime_ints(p, q))
    integer = bool(getattr(domain, "integer", False))
    return lambda p, q: (q == 1 or not integer) and between(p, q)


_FACTS = (  # (fact, its test of a number, the same test of a rational p/q by integer arithmetic, q > 0)
    ("positive", lambda v: v > 0, lambda p, q: p > 0),
    ("negative", lambda v: v < 0, lambda p, q: p < 0),
    ("nonnegative", lambda v: v >= 0, lambda p, q: p >= 0),
    ("nonpositive", lambda v: v <= 0, lambda p, q: p <= 0),
    ("nonzero", lambda v: v != 0, lambda p, q: p != 0),
    ("zero", lambda v: v == 0, lambda p, q: p == 0),
    ("integer", lambda v: v.is_integer, lambda p, q: q == 1),
    ("even", lambda v: v.is_integer and v % 2 == 0, lambda p, q: q == 1 and p % 2 == 0),
    ("odd", lambda v: v.is_integer and v % 2 == 1, lambda p, q: q == 1 and p % 2 == 1))


def admissible(symbol, value) -> bool:
    """Does the exact ``value`` satisfy the facts the symbol itself carries (``nonzero``, ``positive``, …)?

    >>> admissible(sp.Symbol('q', nonzero=True), sp.Integer(0)), admissible(sp.Symbol('q'), sp.Integer(0))
    (False, True)
    >>> admissible(sp.Symbol('n', odd=True), sp.Integer(-3)), admissible(sp.Symbol('n', even=True), sp.Rational(4, 3))
    (True, False)
    """
    facts = _facts_of(symbol)
    if isinstance(value, sp.Rational):
        return all(rational(value.p, value.q) for _, _, rational in facts)
    return all(bool(test(value)) for _, test, _ in facts)


@lru_cache(maxsize=1024)
def _facts_of(symbol) -> tuple:
    """The facts ``symbol`` carries, as rows of ``_FACTS`` (its assumptions are fixed: looked up once)."""
    return tuple(row for row in _FACTS if getattr(symbol, "is_" + row[0]) is True)
