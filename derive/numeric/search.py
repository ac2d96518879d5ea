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
from functools import cmp_to_key

import numpy as np
import sympy as sp

from ..limits import StepTimeout, time_limit
from ..ops import kinks
from .evaluate import numpy_function
from .membership import _facts_of, _membership, admissible, contains

__all__ = ["special_values", "candidate_points", "rank_points", "rank_candidates", "Ranked", "contains",
           "admissible"]

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
_FAR_INT = 10 ** 400


def _floatable(v, limit=_FLOAT_LIMIT_INT) -> bool:
    """``abs(v) < limit`` (FLOAT_LIMIT unless told), exactly; for a rational by integer arithmetic."""
    if isinstance(v, sp.Rational):
        return abs(v.p) < limit * v.q
    return bool(abs(v) < limit)


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
            if r is not None and _floatable(r, _FAR_INT):
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


# A sort key: ``<`` of exact numbers, of two rationals by integer arithmetic (what SymPy computes, faster).
_EXACT = cmp_to_key(lambda a, b: -(a.p * b.q < b.p * a.q if a.is_Rational and b.is_Rational else bool(a < b)))


def _spread(values, limit):
    """At most ``limit`` of ``values``, evenly spread over them in order, sorted.

    >>> _spread([sp.pi, sp.Integer(3), sp.Rational(-1, 3), sp.Integer(4)], 3)
    [-1/3, pi, 4]
    """
    values = sorted(values, key=_EXACT)
    if len(values) <= limit:
        return values
    step = (len(values) - 1) / (limit - 1)
    return sorted({values[round(i * step)] for i in range(limit)}, key=_EXACT)


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
    ordered = sorted(bases, key=_EXACT)
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
    values = {v for v in values if _floatable(v, _FAR_INT) and contains(interval, v)}
    if integer:
        values = {v for v in values if v.is_integer}
    return _spread(values, MAX_VALUES)


def _random(rng, domain, m, integer):
    """Seeded random values over several scales, kept to the domain, as exact numbers.

    Each value takes, in this order, ``rng.uniform(-3, 3)`` for its scale and
    then, between two finite ends, ``rng.random()`` (below 0.7: uniform over
    the interval) and one or two more; beside one finite end ``rng.random()``;
    on the whole line ``rng.integers(0, 2)`` for the sign and ``rng.random()``.
    Those calls are not made one by one (they were half of the time): the
    values are read from the bit generator's raw 64-bit words, as PCG64 makes
    them (a double is a word's top 53 bits; ``integers(0, 2)`` is the top bit
    of a 32-bit half, the other half kept for the next), and the generator is
    left where the calls would leave it (tests/test_random_points.py compares
    both, value by value and state by state).

    >>> vs = _random(np.random.default_rng(0), sp.Interval(0, 1), 3, False)
    >>> len(vs), all(0 <= v <= 1 for v in vs)
    (3, True)
    """
    interval = getattr(domain, "interval", domain) if domain is not None else sp.S.Reals
    lo, hi = interval.inf, interval.sup
    flo = float(lo) if lo.is_finite and abs(lo) < FLOAT_LIMIT else (-math.inf if lo.is_infinite or lo < 0 else math.inf)
    fhi = float(hi) if hi.is_finite and abs(hi) < FLOAT_LIMIT else (math.inf if hi.is_infinite or hi > 0 else -math.inf)
    out, inside = [], _membership(domain)
    if not math.isfinite(flo) and not math.isfinite(fhi) and flo == fhi:  # the domain lies past the floats
        return out
    bits = rng.bit_generator
    if type(bits) is not np.random.PCG64:
        raise TypeError(f"_random reads PCG64's words, not {type(bits).__name__}'s")
    start = bits.state
    raw = bits.random_raw(4 * m)  # the most m values take: 4 words each, between two finite ends
    words, doubles = raw.tolist(), ((raw >> np.uint64(11)) * _DOUBLE).tolist()
    has_half, half = start["has_uint32"], start["uinteger"]
    both, width, i = math.isfinite(flo) and math.isfinite(fhi), fhi - flo, 0
    for _ in range(m):
        scale = 10.0 ** (-3.0 + 6.0 * doubles[i])
        if both:
            if doubles[i + 1] < 0.7:
                v, i = flo + width * doubles[i + 2], i + 3
            elif doubles[i + 2] < 0.5:
                v, i = flo + min(scale, width) * doubles[i + 3], i + 4
            else:
                v, i = fhi - min(scale, width) * doubles[i + 3], i + 4
        elif math.isfinite(flo):
            v, i = flo + scale * doubles[i + 1], i + 2
        elif math.isfinite(fhi):
            v, i = fhi - scale * doubles[i + 1], i + 2
        else:
            if has_half:
                top, has_half, i = half >> 31, 0, i + 1
            else:
                top, half, has_half, i = (words[i + 1] & 0xFFFFFFFF) >> 31, words[i + 1] >> 32, 1, i + 2
            v, i = scale * (-1.0, 1.0)[top] * doubles[i], i + 1
        p, q = (round(v), 1) if integer else v.as_integer_ratio()  # sp.Rational(v), exactly
        if inside(p, q):
            out.append(sp.Rational.from_coprime_ints(p, q))
    bits.state = start
    bits.random_raw(i)
    if (has_half, half) != (start["has_uint32"], start["uinteger"]):
        bits.state = {**bits.state, "has_uint32": has_half, "uinteger": half}
    return out


_DOUBLE = 2.0 ** -53  # PCG64's next double: the top 53 bits of a word, times this


def candidate_points(exprs, symbols, domains, *, seed=0, n_random=RANDOM_POINTS) -> list:
    """Exact candidate points {symbol: value}: the product grid of the special values (or a seeded
    sample of it), each special value with the other variables random, and random points.

    The ``symbols`` are distinct; each point is new and admissible (:func:`admissible`).

    >>> x, y = sp.symbols('x y', real=True)
    >>> pts = candidate_points([sp.Max(x - 500, 0) * sp.Max(501 - x, 0)], [x], {})
    >>> any(500 < p[x] < 501 for p in pts)
    True
    """
    symbols = list(symbols)
    return _points(symbols, *_candidates(exprs, symbols, domains, seed, n_random))


_SIMPLE = (sp.Integer(0), sp.Integer(1), sp.Integer(-1), sp.Rational(1, 2), sp.Integer(2))


def _candidates(exprs, symbols, domains, seed, n_random):
    """(rows, columns): the points of :func:`candidate_points` as rows of value numbers, and each
    variable's values (``columns[j][rows[i, j]]`` is the j-th coordinate of point i).

    In order: the simplest points (every coordinate one of 0, ±1, 1/2, 2), the grid (or MAX_GRID
    draws from it), each special value with the others drawn from all the values, and the random
    values side by side; the rng draws are the same and in the same order as one call at a time.
    """
    rng = np.random.default_rng(seed)
    expr = sp.Add(*exprs)
    values = [special_values(expr, s, domains.get(s), integer=_integer(domains.get(s))) for s in symbols]
    randoms = [_random(rng, domains.get(s), n_random, _integer(domains.get(s))) for s in symbols]
    k = len(symbols)
    if not k:
        return np.zeros((1, 0), dtype=np.int64), []
    if any(not v and not r for v, r in zip(values, randoms)):
        return np.zeros((0, k), dtype=np.int64), [[] for _ in symbols]
    columns = [_Column() for _ in symbols]
    vids = [c.number(v) for c, v in zip(columns, values)]
    rids = [c.number(r) for c, r in zip(columns, randoms)]
    pools = [np.concatenate((v, r)) for v, r in zip(vids, rids)]
    blocks = []
    if k <= 4:
        blocks.append(_product([c.number([v for v in _SIMPLE if contains(domains.get(s), v)])
                                for c, s in zip(columns, symbols)]))
    size = math.prod(len(v) for v in values)
    drawn = [j for j in range(k) if values[j]] if not 0 < size <= MAX_GRID else []
    highs = [len(values[j]) for j in drawn] * MAX_GRID + [
        len(pools[t]) for j in range(k) for _ in values[j] for t in range(k) if t != j]
    draws = rng.integers(0, np.array(highs, dtype=np.int64)) if highs else np.zeros(0, dtype=np.int64)
    if 0 < size <= MAX_GRID:
        blocks.append(_product(vids))
    else:
        grid = np.empty((MAX_GRID, k), dtype=np.int64)
        grid[:] = [rids[j][0] if not values[j] else 0 for j in range(k)]
        sample, draws = draws[:MAX_GRID * len(drawn)].reshape(MAX_GRID, len(drawn)), draws[MAX_GRID * len(drawn):]
        for c, j in enumerate(drawn):
            grid[:, j] = vids[j][sample[:, c]]
        blocks.append(grid)
    for j in range(k):  # each special value with the others random
        others = [t for t in range(k) if t != j]
        block = np.empty((len(values[j]), k), dtype=np.int64)
        block[:, j] = vids[j]
        sample, draws = draws[:block.size - len(block)].reshape(len(block), k - 1), draws[block.size - len(block):]
        for c, t in enumerate(others):
            block[:, t] = pools[t][sample[:, c]]
        blocks.append(block)
    cycle = np.arange(n_random)
    blocks.append(np.stack([(r if len(r) else v)[cycle % len(r if len(r) else v)] for v, r in zip(vids, rids)], 1))
    rows = np.concatenate(blocks)
    for j, s in enumerate(symbols):
        if _facts_of(s):  # admissible() holds for the others at any value
            rows = rows[np.array([admissible(s, v) for v in columns[j].values], dtype=bool)[rows[:, j]]]
    return _first_of_each(rows), [c.values for c in columns]


def _first_of_each(rows) -> np.ndarray:
    """The distinct rows of an integer array, each where it first occurs, in their order.

    >>> _first_of_each(np.array([[1, 2], [0, 5], [1, 2], [0, 5], [3, 3]])).tolist()
    [[1, 2], [0, 5], [3, 3]]
    """
    if len(rows) < 2:
        return rows
    order = np.lexsort(rows.T[::-1])  # stable: equal rows stay in their order, the first one first
    ranked = rows[order]
    starts = np.ones(len(rows), dtype=bool)
    starts[1:] = np.any(ranked[1:] != ranked[:-1], axis=1)
    return rows[np.sort(order[starts])]


def _points(symbols, rows, columns) -> list:
    """The points {symbol: value} that ``rows`` of value numbers stand for (see :func:`_candidates`).

    >>> x, y = sp.symbols('x y')
    >>> _points([x, y], np.array([[0, 1], [1, 0]]), [[sp.Integer(0), sp.pi], [sp.Integer(5), sp.Integer(7)]])
    [{x: 0, y: 7}, {x: pi, y: 5}]
    """
    return [dict(zip(symbols, map(list.__getitem__, columns, row))) for row in rows.tolist()]


class _Column:
    """The distinct values of one variable, numbered in order of appearance (a rational by its p, q).

    >>> c = _Column()
    >>> c.number([sp.Integer(3), sp.Rational(1, 2), sp.Integer(3), sp.pi]).tolist(), c.values
    ([0, 1, 0, 2], [3, 1/2, pi])
    """

    def __init__(self):
        self._numbered = {}  # {key: (number, value)}, in order of appearance

    def number(self, values) -> np.ndarray:
        numbered = self._numbered
        return np.array([numbered.setdefault((v.p, v.q) if isinstance(v, sp.Rational) else v, (len(numbered), v))[0]
                         for v in values], dtype=np.int64)

    @property
    def values(self) -> list:
        return [v for _, v in self._numbered.values()]


def _product(columns) -> np.ndarray:
    """Every row of one entry per column, the last column varying fastest (as ``np.ndindex``).

    >>> _product([np.array([0, 1]), np.array([5, 6, 7])]).tolist()[:4]
    [[0, 5], [0, 6], [0, 7], [1, 5]]
    """
    return np.stack([g.ravel() for g in np.meshgrid(*columns, indexing="ij")], 1).astype(np.int64)


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
    symbols, columns = list(symbols), [_Column() for _ in symbols]
    rows = np.stack([c.number([p[s] for p in points]) for c, s in zip(columns, symbols)], 1) if symbols else (
        np.zeros((len(points), 0), dtype=np.int64))
    return _rank(lhs, rhs, rel, symbols, rows, [c.values for c in columns], lambda chosen: [points[i] for i in chosen],
                 closest, unevaluated)


def rank_candidates(lhs, rhs, rel, symbols, domains, *, seed=0) -> Ranked | None:
    """:func:`rank_points` of the :func:`candidate_points` of ``lhs rel rhs`` (None if there are none),
    building only the points it ranks.

    >>> x = sp.Symbol('x', real=True)
    >>> ranked = rank_candidates(x**2, sp.Abs(x), ">=", [x], {})
    >>> ranked == rank_points(x**2, sp.Abs(x), ">=", [x], candidate_points([x**2, sp.Abs(x)], [x], {}))
    True
    """
    symbols = list(symbols)
    rows, columns = _candidates([lhs, rhs], symbols, domains, seed, RANDOM_POINTS)
    if not len(rows):
        return None
    return _rank(lhs, rhs, rel, symbols, rows, columns, lambda chosen: _points(symbols, rows[chosen], columns), 6, 12)


def _rank(lhs, rhs, rel, symbols, rows, columns, pick, closest, unevaluated) -> Ranked:
    """:func:`rank_points` of the points ``rows`` of value numbers stand for (see :func:`_candidates`),
    each distinct value converted to float once; ``pick(indices)`` builds the points at those rows."""
    fits, floats = np.ones(len(rows), dtype=bool), []
    for j, values in enumerate(columns):
        fit, approx = np.zeros(len(values), dtype=bool), np.full(len(values), np.nan)
        for i in np.flatnonzero(np.bincount(rows[:, j], minlength=len(values))).tolist():  # the values some point has
            if _floatable(values[i]):
                fit[i], approx[i] = True, _float(values[i])
        fits &= fit[rows[:, j]]
        floats.append(approx[rows[:, j]])
    inside, beyond = np.flatnonzero(fits), np.flatnonzero(~fits)
    if not len(inside):
        return Ranked([], [], pick(beyond[:unevaluated]))
    sampled = symbols or [sp.Symbol("_row", real=True)]
    arrays = {s: f[fits] for s, f in zip(symbols, floats)} or {sampled[0]: np.zeros(len(inside))}
    try:
        left = numpy_function(lhs, sampled)(arrays)
        right = numpy_function(rhs, sampled)(arrays)
    except (TypeError, ValueError, NameError, ZeroDivisionError, OverflowError):  # no float64 form: arb only
        return Ranked([], [], pick(np.arange(min(len(fits), unevaluated))))
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
    by_margin = np.argsort(np.where(finite, np.abs(score), np.inf), kind="stable")
    bad = inside[order[(finite & violated)[order]]]
    near = inside[by_margin[(finite & ~violated)[by_margin]][:closest]]
    return Ranked(pick(bad), pick(near), pick(np.concatenate((inside[~finite], beyond))[:unevaluated]))
