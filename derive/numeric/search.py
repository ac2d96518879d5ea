"""Where to look for a counterexample: the points a formula's structure names, and seeded random ones.

A float tolerance never decides a claim.  This module only *proposes* exact
points, and ranks them by how badly float64 says they violate the claim;
:mod:`derive.refute` certifies the best of them with ball arithmetic.  The
points come from the formula itself:

- the constants that appear in it (``1/7`` in ``abs(x - 1/7)``), the points
  where a kink or a piece of a Piecewise begins (the zeros of
  :func:`derive.ops.kinks`, and the thresholds of every comparison), and
  each of them nudged by 10⁻¹ … 10⁻¹² (relative) either way;
- the midpoints between consecutive such points (``relu(x - 500)*relu(501 - x)``
  is non-zero only between 500 and 501);
- integers and half-integers around them, for floor/ceil or an integer domain;
- the ends of the domain and far out along it: ±10ᵏ up to 10³⁰⁰ and, past
  the largest float, exact values only mpmath and arb can evaluate;
- seeded random points over several scales.

Every point lies in its variables' domains, checked exactly.

>>> import sympy as sp
>>> x = sp.Symbol('x', real=True)
>>> vals = special_values(sp.Max(sp.Abs(x - sp.Rational(1, 7)), sp.Rational(1, 5000)), x, sp.Reals)
>>> sp.Rational(1, 7) in vals, sp.Rational(1, 7) + sp.Rational(1, 5000) in vals
(True, True)
"""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp

from ..limits import StepTimeout, time_limit
from ..ops import kinks
from .evaluate import numpy_function

__all__ = ["special_values", "candidate_points", "rank_points", "Ranked", "contains", "admissible"]

NUDGES = (sp.Rational(1, 10), sp.Rational(1, 1000), sp.Rational(1, 10**6), sp.Rational(1, 10**9),
          sp.Rational(1, 10**12))
SCALES = tuple(sp.Integer(10) ** k for k in (0, 1, 2, 3, 6, 12, 50, 300)) + (
    sp.Rational(1, 2), sp.Integer(2), sp.Integer(3), sp.Integer(30), sp.Rational(1, 1000))
MAX_BASES = 40         # structural values per variable before nudging
MAX_VALUES = 160       # values per variable in all
MAX_GRID = 2500        # points of the product grid of the values
RANDOM_POINTS = 600
SOLVE_SECONDS = 1.0
FLOAT_LIMIT = sp.Integer(10) ** 300  # beyond this a coordinate is evaluated by mpmath/arb only
_FLOAT_LIMIT_INT = int(FLOAT_LIMIT)
_FAR = sp.Integer(10) ** 400


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
    """Is the rational ``value`` in ``interval``, by integer arithmetic; None unless both ends are
    rational or infinite (then SymPy's ``Interval.contains`` decides).

    The same exact answer as ``Interval.contains``, without building and
    simplifying the relational ``And`` it evaluates (most of the time of a
    counterexample search went there).

    >>> _in_rational_interval(sp.Interval.Lopen(0, sp.Rational(1, 3)), sp.Rational(1, 3))
    True
    >>> _in_rational_interval(sp.Interval.Lopen(0, 1), sp.Integer(0))
    False
    >>> _in_rational_interval(sp.Interval(0, sp.pi), sp.Integer(1)) is None
    True
    """
    if not isinstance(interval, sp.Interval) or not isinstance(value, sp.Rational):
        return None
    lo, hi = interval.start, interval.end
    if not (lo.is_Rational or lo is sp.S.NegativeInfinity) or not (hi.is_Rational or hi is sp.S.Infinity):
        return None
    p, q = value.p, value.q  # q > 0, and so are the ends' denominators
    above = lo is sp.S.NegativeInfinity or (p * lo.q > lo.p * q if interval.left_open else p * lo.q >= lo.p * q)
    below = hi is sp.S.Infinity or (p * hi.q < hi.p * q if interval.right_open else p * hi.q <= hi.p * q)
    return above and below


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


def _floatable(v) -> bool:
    """``abs(v) < FLOAT_LIMIT``, exactly; for a rational by integer arithmetic."""
    if isinstance(v, sp.Rational):
        return abs(v.p) < _FLOAT_LIMIT_INT * v.q
    return bool(abs(v) < FLOAT_LIMIT)


def _float(v) -> float:
    """``float(v)`` of an exact number below FLOAT_LIMIT; a rational's by integer division.

    Both round to nearest, ties to even, so they agree wherever the result is
    a normal float; below that (subnormal or 0) SymPy's own conversion is used.

    >>> _float(sp.Rational(1, 3)) == float(sp.Rational(1, 3)), _float(sp.Integer(10)**-320 * 7)
    (True, 7e-320)
    """
    if isinstance(v, sp.Rational):
        f = v.p / v.q
        if abs(f) >= sys.float_info.min:
            return f
    return float(v)


def _rational(v):
    """An exact number near the numeric expression ``v``: itself if rational, else 30 digits of it."""
    if v.is_Rational:
        return v
    approx = sp.N(v, 30)
    if not approx.is_real or not approx.is_finite:
        return None
    return sp.Rational(str(approx))


def _numbers(expr):
    """The numeric constants of ``expr``, as exact rationals (irrational ones to 30 digits)."""
    found = set()
    for node in sp.preorder_traversal(expr):
        if node.is_number and not node.is_Integer or node.is_Integer and abs(node) > 1:
            r = _rational(node) if node.is_finite else None
            if r is not None and abs(r) < _FAR:
                found.update((r, -r))
    return found


def _zeros(e, x, interval):
    """The real zeros of ``e`` in ``x`` when SymPy finds them quickly: a few exact values."""
    if e.free_symbols != {x}:
        return set()
    try:
        with time_limit(SOLVE_SECONDS):
            roots = sp.solveset(e, x, interval)
    except (StepTimeout, NotImplementedError, ValueError, TypeError, AttributeError, RecursionError):
        return set()
    if not isinstance(roots, sp.FiniteSet) or len(roots) > MAX_BASES:
        return set()
    return {r for r in (_rational(v) for v in roots) if r is not None}


def _thresholds(expr, x, interval):
    """Where a kink or a piece begins: zeros of the kinks and of every comparison's two sides."""
    found = set()
    for k in kinks(expr):
        found |= _zeros(k, x, interval)
    for rel in expr.atoms(sp.Rel):
        found |= _zeros(rel.lhs - rel.rhs, x, interval)
    return found


def _spread(values, limit):
    values = sorted(values)
    if len(values) <= limit:
        return values
    step = (len(values) - 1) / (limit - 1)
    return sorted({values[round(i * step)] for i in range(limit)})


def special_values(expr, x, domain, *, integer=False) -> list:
    """The exact values of ``x`` the structure of ``expr`` points at, inside ``domain``, sorted.

    >>> x = sp.Symbol('x', real=True)
    >>> vs = special_values(sp.ceiling(x) - sp.floor(x), x, sp.Interval(0, 3))
    >>> [v for v in vs if v.is_integer][:4], sp.Rational(1, 2) in vs
    ([0, 1, 2, 3], True)
    """
    interval = getattr(domain, "interval", domain) if domain is not None else sp.S.Reals
    integer = integer or bool(getattr(domain, "integer", False))
    lo, hi = interval.inf, interval.sup
    bases = {sp.Integer(0)} | _numbers(expr) | _thresholds(expr, x, interval)
    for end in (lo, hi):
        if end.is_finite:
            bases |= {end, end + 1, end - 1, end * 2, end / 2} if abs(end) > 1 else {end}
    bases = set(_spread(bases, MAX_BASES))
    values = set(bases)
    for b in bases:
        size = max(1, abs(b))
        values.update(b + s * d * size for d in NUDGES for s in (1, -1))
    ordered = sorted(bases)
    values.update((a + b) / 2 for a, b in zip(ordered, ordered[1:]))
    for s in SCALES:
        values.update((s, -s))
        for end in (lo, hi):
            if end.is_finite and end != 0:
                values.update((end + s, end - s, end * (1 + 1 / s), end * (1 - 1 / s)))
    if integer or expr.has(sp.floor, sp.ceiling):
        near = {sp.floor(v) + k for v in bases for k in (-1, 0, 1)}
        values.update(near)
        if not integer:
            values.update(n + sp.Rational(1, 2) for n in near)
    if integer:
        values = {sp.Integer(sp.floor(v)) for v in values} | {sp.Integer(sp.ceiling(v)) for v in values}
    values = {v for v in values if abs(v) < _FAR and contains(interval, v)}
    if integer:
        values = {v for v in values if v.is_integer}
    return _spread(values, MAX_VALUES)


def _random(rng, domain, m, integer):
    """Seeded random values over several scales, kept to the domain, as exact numbers."""
    interval = getattr(domain, "interval", domain) if domain is not None else sp.S.Reals
    lo, hi = interval.inf, interval.sup
    flo = float(lo) if lo.is_finite and abs(lo) < FLOAT_LIMIT else (-math.inf if lo.is_infinite or lo < 0 else math.inf)
    fhi = float(hi) if hi.is_finite and abs(hi) < FLOAT_LIMIT else (math.inf if hi.is_infinite or hi > 0 else -math.inf)
    out = []
    if not math.isfinite(flo) and not math.isfinite(fhi) and flo == fhi:  # the domain lies past the floats
        return out
    for _ in range(m):
        scale = 10.0 ** rng.uniform(-3, 3)
        if math.isfinite(flo) and math.isfinite(fhi):
            v = flo + (fhi - flo) * rng.random() if rng.random() < 0.7 else (
                flo + min(scale, fhi - flo) * rng.random() if rng.random() < 0.5 else fhi - min(scale, fhi - flo) * rng.random())
        elif math.isfinite(flo):
            v = flo + scale * rng.random()
        elif math.isfinite(fhi):
            v = fhi - scale * rng.random()
        else:
            sign = (-1.0, 1.0)[rng.integers(0, 2)]  # the draw of rng.choice((-1.0, 1.0)), without making an array
            v = scale * sign * rng.random()
        v = round(v) if integer else v
        exact = sp.Integer(int(v)) if integer else sp.Rational(v)
        if contains(domain, exact):
            out.append(exact)
    return out


def candidate_points(exprs, symbols, domains, *, seed=0, n_random=RANDOM_POINTS) -> list:
    """Exact candidate points {symbol: value}: the product grid of the special values (or a seeded
    sample of it), each special value with the other variables random, and random points.

    >>> x, y = sp.symbols('x y', real=True)
    >>> pts = candidate_points([sp.Max(x - 500, 0) * sp.Max(501 - x, 0)], [x], {})
    >>> any(500 < p[x] < 501 for p in pts)
    True
    """
    symbols = list(symbols)
    rng = np.random.default_rng(seed)
    expr = sp.Add(*exprs)
    values = {s: special_values(expr, s, domains.get(s), integer=_integer(domains.get(s))) for s in symbols}
    randoms = {s: _random(rng, domains.get(s), n_random, _integer(domains.get(s))) for s in symbols}
    if not symbols:
        return [{}]
    pool = {s: values[s] + randoms[s] for s in symbols}
    if any(not pool[s] for s in symbols):
        return []
    points, seen = [], set()
    constrained = [s for s in symbols if _facts_of(s)]  # admissible() holds for the others at any value

    def add(p):
        key = tuple(p[s] for s in symbols)
        if key not in seen and all(admissible(s, p[s]) for s in constrained):
            seen.add(key)
            points.append(p)

    simple = (sp.Integer(0), sp.Integer(1), sp.Integer(-1), sp.Rational(1, 2), sp.Integer(2))
    if len(symbols) <= 4:  # the simplest points first: every coordinate one of 0, ±1, 1/2, 2
        for combo in np.ndindex(*(len(simple),) * len(symbols)):
            p = {s: simple[i] for s, i in zip(symbols, combo)}
            if all(contains(domains.get(s), p[s]) for s in symbols):
                add(p)
    size = math.prod(len(values[s]) for s in symbols)
    if 0 < size <= MAX_GRID:
        for combo in np.ndindex(*(len(values[s]) for s in symbols)):
            add({s: values[s][i] for s, i in zip(symbols, combo)})
    else:
        for _ in range(MAX_GRID):
            add({s: values[s][rng.integers(len(values[s]))] if values[s] else randoms[s][0] for s in symbols})
    for s in symbols:  # each special value with the others random
        for v in values[s]:
            add({t: v if t == s else pool[t][rng.integers(len(pool[t]))] for t in symbols})
    cycled = [(s, randoms[s] or values[s]) for s in symbols]
    for i in range(n_random):
        add({s: source[i % len(source)] for s, source in cycled})
    return points


def _integer(domain) -> bool:
    return bool(getattr(domain, "integer", False))


@dataclass(frozen=True)
class Ranked:
    """Candidates in the order to certify them: float violations first (worst first), then the
    points of smallest margin (where a violation below float resolution hides), then the points
    float64 cannot evaluate (overflow, or beyond its range)."""

    violations: list
    closest: list
    unevaluated: list


def rank_points(lhs, rhs, rel, symbols, points, *, closest=6, unevaluated=12) -> Ranked:
    """Order ``points`` by the float64 violation of ``lhs rel rhs`` (a suggestion only).

    >>> x = sp.Symbol('x', real=True)
    >>> r = rank_points(x**2, sp.Abs(x), ">=", [x], [{x: sp.Rational(1, 2)}, {x: sp.Integer(3)}])
    >>> r.violations
    [{x: 1/2}]
    """
    symbols = list(symbols)
    floatable = [all(_floatable(p[s]) for s in symbols) for p in points]
    inside = [p for p, ok in zip(points, floatable) if ok]
    beyond = [p for p, ok in zip(points, floatable) if not ok]
    if not inside:
        return Ranked([], [], beyond[:unevaluated])
    sampled = symbols or [sp.Symbol("_row", real=True)]
    arrays = {s: np.array([_float(p[s]) for p in inside]) for s in symbols} or {sampled[0]: np.zeros(len(inside))}
    try:
        left = numpy_function(lhs, sampled)(arrays)
        right = numpy_function(rhs, sampled)(arrays)
    except (TypeError, ValueError, NameError, ZeroDivisionError, OverflowError):  # no float64 form: arb only
        return Ranked([], [], points[:unevaluated])
    with np.errstate(all="ignore"):
        scale = 1 + np.abs(left) + np.abs(right)
        if rel == "=":
            score = np.abs(left - right) / scale
            violated = score > 0
        else:
            margin = (left - right) if ">" in rel else (right - left)
            score = -margin / scale
            violated = score >= 0 if rel in ("<", ">") else score > 0
    finite = np.isfinite(score)
    order = np.argsort(-np.where(finite, score, -np.inf), kind="stable")
    bad = [inside[i] for i in order if finite[i] and violated[i]]
    near = [inside[i] for i in np.argsort(np.where(finite, np.abs(score), np.inf), kind="stable")
            if finite[i] and not violated[i]][:closest]
    odd = [inside[i] for i in range(len(inside)) if not finite[i]]
    return Ranked(bad, near, (odd + beyond)[:unevaluated])
