"""Seeded sampling for the checks: windows over the domains, kink avoidance, rejection sampling.

A variable's domain (an interval, a :class:`~derive.lang.Domain`, or its
symbol's sign assumptions) becomes a bounded window.  Points are drawn from a
seeded generator, so a seed always gives the same points; points within
max(1e-3, 100·h·(1 + slope)) of a kink (the zeros of :func:`derive.ops.kinks`,
the one kink finder) are rejected, so no central difference of step h
straddles one, and so are points where the reference is not finite.

>>> x = sp.Symbol('x', real=True)
>>> pts = sample_points([x], 4, seed=1, domains={x: sp.Interval(0, 1)})
>>> pts[x].shape, bool(((0 <= pts[x]) & (pts[x] <= 1)).all())
((4,), True)
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..ops import kinks
from .evaluate import _shape, numpy_function

__all__ = ["sample_points", "FD_FACTOR", "MAX_ROUNDS"]

FD_FACTOR = float(np.finfo(np.float64).eps) ** (1 / 3)  # central-difference step h = FD_FACTOR·max(1, |x|)
KINK_MARGIN_MIN = 1e-3     # sampled points stay farther than max(1e-3, 100·h·(1 + kink slope)) from a kink,
KINK_MARGIN_STEPS = 100    # so no central difference ever straddles one
FLOAT_WINDOW = 6.0         # (lo, oo) is sampled in [lo, lo + 6], (-oo, hi) in [hi - 6, hi], the line in [-3, 3]
INT_WINDOW = 50            # integer domains: at most 51 consecutive integers
EDGE_VALUES = (0.0, 1.0, -1.0, 1e-3, -1e-3, 20.0, -20.0)  # plus the (nudged) domain ends
MAX_ROUNDS = 50            # rejection sampling gives up after 50 rounds of candidates
_SIGNED = (("positive", sp.Interval.open(0, sp.oo)), ("nonnegative", sp.Interval(0, sp.oo)),
           ("negative", sp.Interval.open(-sp.oo, 0)), ("nonpositive", sp.Interval(-sp.oo, 0)))
_CONSTANT_ROW = sp.Symbol("_row", real=True)  # sampled when nothing else is (not a valid user name)


def _step(x):
    """The central-difference step h = eps**(1/3)·max(1, |x|), elementwise."""
    return FD_FACTOR * np.maximum(1.0, np.abs(x))



@dataclass(frozen=True)
class _Window:
    lo: float       # the sampling window
    hi: float
    dom_lo: float   # the domain, open ends nudged inward (may be infinite)
    dom_hi: float
    integer: bool

    def draw(self, rng, m):
        if self.integer:
            return rng.integers(int(self.lo), int(self.hi) + 1, size=m).astype(np.float64)
        return self.lo + (self.hi - self.lo) * rng.random(m)

    def edges(self):
        return [v for v in dict.fromkeys(EDGE_VALUES + (self.dom_lo, self.dom_hi)) if math.isfinite(v)
                and self.dom_lo <= v <= self.dom_hi and (not self.integer or float(v).is_integer())]


def _inward(end, is_open, integer, direction):
    """A finite domain end moved inside: to an integer, or by a relative 1e-9 if open."""
    if not math.isfinite(end):
        return end
    if integer:
        inner = math.ceil(end) if direction > 0 else math.floor(end)
        return inner + direction if is_open and inner == end else inner
    return end + direction * 1e-9 * max(1.0, abs(end)) if is_open else end


def _window(sym, domain) -> _Window:
    """The window of a (lo, hi) tuple, a SymPy Interval, or a Domain(interval, integer)."""
    integer = bool(sym.is_integer)
    if domain is None:  # from the symbol's assumptions
        interval = next((iv for sign, iv in _SIGNED if getattr(sym, "is_" + sign)), sp.Reals)
    elif isinstance(domain, (tuple, list)):
        interval = sp.Interval(float(domain[0]), float(domain[1]))
    elif isinstance(domain, sp.Set):
        interval = domain
    else:  # duck-typed Domain(interval=..., integer=...) of derive.lang
        interval, integer = domain.interval, bool(getattr(domain, "integer", integer))
    if not isinstance(interval, sp.Interval):
        raise TypeError(f"the domain of {sym} must be an interval, not {interval}")
    span = INT_WINDOW if integer else FLOAT_WINDOW
    lo = _inward(float(interval.start), interval.left_open, integer, 1)
    hi = _inward(float(interval.end), interval.right_open, integer, -1)
    w_lo = lo if math.isfinite(lo) else (hi - span if math.isfinite(hi) else -(span // 2))
    if not w_lo <= hi:
        raise ValueError(f"the domain {interval} of {sym} has no {'integer ' if integer else ''}points")
    return _Window(float(w_lo), float(min(hi, w_lo + span)), lo, hi, integer)


def _kink_clear(kink_fns, points, symbols):
    """Points farther from every kink than max(1e-3, 100·h·(1 + the kink's slope))."""
    ok = np.ones(_shape(points), dtype=bool)
    h = np.max([_step(points[s]) for s in symbols], axis=0)
    for kink in kink_fns:
        slope = sum(np.abs(kink({**points, s: points[s] + _step(points[s])})
                           - kink({**points, s: points[s] - _step(points[s])})) / (2 * _step(points[s]))
                    for s in symbols)
        margin = np.maximum(KINK_MARGIN_MIN, KINK_MARGIN_STEPS * h * (1 + slope))
        with np.errstate(invalid="ignore"):
            ok &= np.isfinite(margin) & (np.abs(kink(points)) > margin)
    return ok


def _draw(symbols, n, seed, windows, kink_fns, reference_ok):
    """Rejection sampling: (points, how many were found, what was rejected)."""
    rng, chunks, found, near_kink, off_domain = np.random.default_rng(seed), [], 0, 0, 0
    for _ in range(MAX_ROUNDS):
        if found >= n:
            break
        cand = {s: windows[s].draw(rng, max(2 * (n - found), 16)) for s in symbols}
        clear = _kink_clear(kink_fns, cand, symbols)
        valid = clear & reference_ok(cand)
        near_kink, off_domain = near_kink + int((~clear).sum()), off_domain + int((clear & ~valid).sum())
        keep = np.flatnonzero(valid)[: n - found]
        chunks.append({s: cand[s][keep] for s in symbols})
        found += keep.size
    rejected = f"rejected {near_kink} near a kink, {off_domain} where the reference is not finite"
    return {s: np.concatenate([c[s] for c in chunks]) for s in symbols}, found, rejected


def _plan(exprs, symbols, domains):
    """Sorted symbols, the symbols to sample (a placeholder for constants), windows, kink evaluators."""
    if symbols is None:
        symbols = sorted(set().union(*(e.free_symbols for e in exprs)), key=sp.default_sort_key)
    sampled = list(symbols) or [_CONSTANT_ROW]
    windows = {s: _window(s, (domains or {}).get(s)) for s in sampled}
    return list(symbols), sampled, windows, [numpy_function(k, sampled) for e in exprs for k in kinks(e)]


def sample_points(symbols, n, *, seed=0, domains=None, avoid=()) -> dict:
    """``n`` seeded random points in the domains, away from the zeros of the ``avoid`` kinks.

    Raises ValueError when fewer than ``n`` such points turn up in a bounded number of tries.

    >>> x = sp.Symbol('x', real=True)
    >>> pts = sample_points([x], 500, domains={x: sp.Interval.open(0, sp.oo)}, avoid=[x - 1])
    >>> bool(pts[x].min() > 0 and np.abs(pts[x] - 1).min() > 1e-3)
    True
    """
    symbols, sampled, windows, _ = _plan([], symbols, domains)
    kink_fns = [numpy_function(k, sampled) for k in avoid]
    everywhere = lambda points: np.ones(_shape(points), dtype=bool)
    points, found, _ = _draw(sampled, n, seed, windows, kink_fns, everywhere)
    if found < n:
        raise ValueError(f"only {found} of {n} points avoid the kinks after {MAX_ROUNDS} rounds")
    return {s: points[s] for s in symbols}

