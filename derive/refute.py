"""Refutation: a counterexample certified by ball arithmetic, never judged by a float tolerance.

:func:`find_counterexample` asks :mod:`derive.numeric.search` for exact
candidate points (the formula's constants, kinks, thresholds, integers, far
ends, random points), lets float64 rank them, zooms in on the closest calls,
and certifies each candidate in turn with :func:`derive.certify.sign_at`: the
sign of lhs − rhs at the exact point, from arb balls at rising precision.  A
strict inequality that reaches equality is refuted only where the difference
is shown to be exactly 0.  Every point is inside its variables' domains,
checked exactly.  A point where every function is smooth is preferred; one at
a kink relies on a convention (relu′(0), say) and is the last resort, said so.

>>> import sympy as sp
>>> x = sp.Symbol('x', real=True)
>>> c = find_counterexample((x - 1)**2, sp.Integer(0), ">", {})
>>> c.point, c.equality
({x: 1}, True)
>>> find_counterexample(x * sp.exp(x), sp.Rational(-3678, 10000), ">=", {}).point
{x: -1}
"""
from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np
import sympy as sp

from .numeric.evaluate import numpy_function
from .numeric.membership import admissible, contains
from .numeric.search import FLOAT_LIMIT, rank_candidates
from .ops import kinks

__all__ = ["Counterexample", "certify_point", "find_counterexample", "SIDE_DIGITS"]

SIDE_DIGITS = 50          # both sides at a counterexample are shown to 50 digits
MAX_CERTIFY = 48          # candidate points certified per claim
ZOOM_STEPS, ZOOM_WIDTH = 12, 41


@dataclass(frozen=True)
class Counterexample:
    """A certified violation: the exact point, both sides to 50 digits, and how it was found."""

    point: dict
    lhs: str
    rhs: str
    equality: bool = False   # a strict inequality met with equality, shown exactly
    at_kink: bool = False    # some function is not smooth at the point
    how: str = ""


def _violated(sign, rel) -> bool:
    if rel == "=":
        return sign != 0
    return {">=": sign < 0, ">": sign <= 0, "<=": sign > 0, "<": sign >= 0}[rel]


def certify_point(lhs, rhs, rel, point, domains=None, how="") -> Counterexample | None:
    """A :class:`Counterexample` if ``lhs rel rhs`` is certainly false at the exact ``point``, else None.

    The point must lie in ``domains`` ({name: Domain}), both sides must be
    defined there, and the sign of lhs − rhs must be certified.

    >>> x = sp.Symbol('x', real=True)
    >>> certify_point(x**2, sp.Abs(x), ">=", {x: sp.Rational(1, 2)}).lhs[:6]
    '0.25'
    >>> certify_point(x**2, sp.Abs(x), ">=", {x: sp.Integer(2)}) is None
    True
    """
    difference = lhs - rhs
    if difference.is_Rational and not _violated((difference.p > 0) - (difference.p < 0), rel):
        return None  # lhs − rhs is a constant that satisfies the relation (x = x): no point can violate it
    from .certify import sign_at, value_at  # arb, imported when a point is certified, not at start-up
    domains = domains or {}
    if not all(contains(domains.get(s.name), v) and admissible(s, v) for s, v in point.items()):
        return None
    try:  # exact zeros matter only where the claim is strict
        sign = sign_at(difference, point, exact_zero=rel in ("<", ">"))
        if sign is None or not _violated(sign, rel):
            return None
        left, right = value_at(lhs, point, SIDE_DIGITS + 5)[0], value_at(rhs, point, SIDE_DIGITS + 5)[0]
    except (ValueError, ArithmeticError, TypeError):
        return None  # a side undefined at the point: not a counterexample
    at_kink = any(_is_zero(k, point) for k in kinks(lhs) + kinks(rhs))
    with mpmath.workdps(SIDE_DIGITS + 5):
        shown = (mpmath.nstr(left, SIDE_DIGITS), mpmath.nstr(right, SIDE_DIGITS))
    return Counterexample(dict(point), *shown, equality=sign == 0, at_kink=at_kink, how=how)


def _is_zero(expr, point) -> bool:
    from .certify import sign_at
    try:
        return sign_at(expr, point, exact_zero=False) in (0, None)  # at the kink, or not shown away from it
    except (ValueError, ArithmeticError, TypeError):
        return False


def _zoom(lhs, rhs, rel, symbols, start, domains):
    """Zoom in on the float minimum of the margin near ``start``, one coordinate at a time."""
    if not symbols or any(abs(start[s]) >= FLOAT_LIMIT for s in symbols):
        return None
    diff = (lhs - rhs) if rel in (">=", ">") else (rhs - lhs)
    f = numpy_function(diff if rel != "=" else -abs(lhs - rhs), symbols)
    point = {s: float(start[s]) for s in symbols}
    for s in symbols:
        width = 0.1 * max(1.0, abs(point[s]))
        for _ in range(ZOOM_STEPS):
            grid = point[s] + width * np.linspace(-1, 1, ZOOM_WIDTH)
            values = f({**{t: np.full(ZOOM_WIDTH, point[t]) for t in symbols}, s: grid})
            values = np.where(np.isfinite(values), values, np.inf)
            best = int(np.argmin(values))
            if not np.isfinite(values[best]):
                break
            point[s] = float(grid[best])
            width /= 8
    exact = {s: sp.Rational(point[s]) for s in symbols}
    if all(contains(domains.get(s.name), v) for s, v in exact.items()):
        return exact
    return None


def _complexity(point):
    """How hard a point is to read: digits of its numerators and denominators (0 and ±1 first)."""
    return (*_size(point), sum(abs(v) for v in point.values()), tuple(-v for v in point.values()))


def _size(point):
    """The first two parts of :func:`_complexity`, in integers: digits, then height."""
    digits = sum(len(str(abs(v.p))) + len(str(v.q)) if v.is_Rational else 100 for v in point.values())
    height = sum(max(abs(v.p), v.q) if v.is_Rational else 10**9 for v in point.values())
    return digits, height


def _simplest(points, n):
    """``sorted(points, key=_complexity)[:n]``, the SymPy parts of the key computed only for the
    points whose integer parts (:func:`_size`) can place them among the first ``n``.

    >>> x = sp.Symbol('x', real=True)
    >>> points = [{x: sp.Integer(5)}, {x: sp.Rational(-1, 3)}, {x: sp.Integer(-5)}, {x: sp.Integer(7)}]
    >>> _simplest(points, 2), _simplest(points, 3) == sorted(points, key=_complexity)[:3]
    ([{x: -1/3}, {x: 5}], True)
    """
    if len(points) <= n:
        return sorted(points, key=_complexity)
    sizes = [_size(p) for p in points]
    cut = sorted(sizes)[n - 1]  # at least n points are this simple: no point above it is among the first n
    return sorted((p for p, size in zip(points, sizes) if size <= cut), key=_complexity)[:n]


def _smooth_nearby(lhs, rhs, rel, point, domains):
    """A certified violation a little away from a kink, if the violation holds on an open set."""
    for step in (sp.Rational(1, 10**6), sp.Rational(1, 10**3), sp.Rational(1, 10**9)):
        for s in point:
            for sign in (1, -1):
                moved = {**point, s: point[s] + sign * step * max(1, abs(point[s]))}
                found = certify_point(lhs, rhs, rel, moved, domains, "beside a kink, where every function is smooth")
                if found is not None and not found.at_kink:
                    return found
    return None


def find_counterexample(lhs, rhs, rel, domains, *, seed=0, thorough=True) -> Counterexample | None:
    """Search the structural and random candidates of ``lhs rel rhs`` and certify the best; None if none holds.

    ``domains`` maps variable names to :class:`~derive.lang.Domain`.  Without
    ``thorough`` (the cross-check of a claim already proved) only the points
    float64 says violate it are certified; with it, also the points of least
    margin and the float minimum zoomed in on, where a violation below float
    resolution would hide.

    >>> x = sp.Symbol('x', real=True)
    >>> c = find_counterexample(sp.Max(sp.Abs(x - sp.Rational(1, 7)), sp.Rational(1, 5000)), sp.Abs(x - sp.Rational(1, 7)), "=", {})
    >>> c.at_kink, abs(c.point[x] - sp.Rational(1, 7)) < sp.Rational(1, 5000)
    (False, True)
    """
    symbols = sorted(lhs.free_symbols | rhs.free_symbols, key=sp.default_sort_key)
    by_symbol = {s: domains.get(s.name) for s in symbols}
    ranked = rank_candidates(lhs, rhs, rel, symbols, by_symbol, seed=seed)
    if ranked is None:
        return None
    simplest = _simplest(ranked.violations, MAX_CERTIFY // 4)
    worst = [p for p in ranked.violations[:MAX_CERTIFY // 4] if p not in simplest]
    queue = [(p, "a point the formula's structure or the sampler proposed, certified with arb")
             for p in simplest + worst]
    queue += [(p, "a point float64 cannot evaluate, certified with arb") for p in ranked.unevaluated]
    if thorough:
        queue += [(p, "the point of least float margin, certified with arb") for p in ranked.closest]
    kinked, tried = None, 0
    for point, how in queue:
        if tried >= MAX_CERTIFY:
            break
        tried += 1
        found = certify_point(lhs, rhs, rel, point, domains, how)
        if found is not None:
            if not found.at_kink:
                return found
            kinked = kinked or found
    for start in ranked.closest[:3] if thorough else ():
        zoomed = _zoom(lhs, rhs, rel, symbols, start, domains)
        found = zoomed and certify_point(lhs, rhs, rel, zoomed, domains,
                                         "the float minimum of the margin, zoomed in on, certified with arb")
        if found:
            if not found.at_kink:
                return found
            kinked = kinked or found
    if kinked is not None:
        return _smooth_nearby(lhs, rhs, rel, kinked.point, domains) or kinked
    return None
