"""Global maxima and minima of a function of one real variable, with the argument.

The argument is the one a student writes: split the domain at the kinks,
solve f′(x) = 0 on each piece, evaluate f at the critical points, the kinks
and the closed ends, take the limits at the open ends, and compare.  A sign
test of f′ between consecutive critical points shows where f rises and falls.
Every step that SymPy cannot settle raises :class:`Undecided`; nothing here
guesses.

>>> import sympy as sp
>>> from derive import sigmoid
>>> from derive.ops import derivative
>>> x = sp.Symbol('x', real=True)
>>> r = extremum(derivative(sigmoid(x), x), x, kind="max")
>>> r.value, r.points
(1/4, (0,))
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import mpmath
import sympy as sp
from sympy.functions.elementary.trigonometric import TrigonometricFunction

from .limit_at import limit_at
from .limits import StepTimeout, time_limit
from .ops import derivative, kinks, to_elementary
from .steps import Step, eq, joined, phrase

PRECISION = 50  # digits of a value shown or used to order points (values are compared exactly: _order)


class Undecided(Exception):
    """The extremum could not be settled symbolically; the message says why, in one short line.

    >>> len(str(Undecided("SymPy could not list the critical points: " + "x + " * 500)))
    160
    """

    LIMIT = 160  # characters: an expression SymPy could not solve can fill a screen

    def __init__(self, message: str):
        flat = " ".join(str(message).split())
        super().__init__(flat if len(flat) <= self.LIMIT else flat[:self.LIMIT - 1] + "…")


@dataclass(frozen=True)
class Extremum:
    """The supremum (``kind='max'``) or infimum of f over an interval."""

    kind: str
    value: sp.Expr
    points: tuple  # where the value is attained; empty when only approached
    steps: tuple

    @property
    def attained(self) -> bool:
        return bool(self.points)


def _numeric(v):
    """A value at PRECISION digits, or ±inf; complex or undefined raises Undecided."""
    if v in (sp.oo, -sp.oo):
        return mpmath.inf if v == sp.oo else -mpmath.inf
    n = sp.N(v, PRECISION)
    if not n.is_real or not n.is_finite:
        raise Undecided(f"cannot evaluate {v} to a real number")
    return mpmath.mpf(sp.Float(n, PRECISION)._mpf_) if n.is_Float else mpmath.mpf(str(n))


def _order(a, b) -> int:
    """The sign of a − b for two candidate values (exact constants or ±∞), certified; Undecided if unknown.

    Never decided by digits: 1 and 1 + 10⁻⁶⁰ agree to 50 of them.

    >>> _order(sp.Integer(1), 1 + sp.Rational(1, 10**60)), _order(sp.sqrt(2)**2, sp.Integer(2))
    (-1, 0)
    """
    if a == b:
        return 0
    ends = {sp.oo: 1, -sp.oo: -1}
    if a in ends or b in ends:
        return 1 if ends.get(a, 0) > ends.get(b, 0) else -1
    from .certify import Unenclosable, sign_at  # arb, imported when values are compared, not at start-up
    try:
        sign = sign_at(a - b, {})
    except (Unenclosable, ValueError, TypeError):
        sign = None
    if sign is None:
        raise Undecided(f"cannot decide which of {a} and {b} is larger")
    return sign


def _largest(items, sign):
    """(the largest ``sign`` · value of the (value, point) ``items``, the points where it is taken); (None, [])."""
    best, where = None, []
    for value, point in items:
        order = 1 if best is None else sign * _order(value, best)
        if order > 0:
            best, where = value, [point]
        elif order == 0:
            where.append(point)
    return best, where


def _branch(expr, point):
    """Replace every Piecewise by the branch that holds at ``point`` (a dict)."""
    def choose(pw):
        for value, cond in pw.args:
            if cond is sp.true or bool(cond.subs(point)):
                return value
        raise Undecided(f"no branch of {pw} holds at {point}")
    while expr.has(sp.Piecewise):
        expr = expr.replace(lambda e: isinstance(e, sp.Piecewise), choose)
    return expr


def _solve(expr, x, domain, what):
    """The finite set of solutions of expr = 0 in ``domain``, or Undecided."""
    numer = sp.numer(sp.together(expr))
    with time_limit(5):
        sols = sp.solveset(numer, x, domain)
    if isinstance(sols, sp.FiniteSet):
        return sorted(sols, key=_numeric)
    if sols is sp.S.EmptySet:
        return []
    raise Undecided(f"SymPy could not list the {what}: {sols}")


def _kinks(f, x, interval):
    """The points of ``interval`` where ``f`` has a kink: zeros of the op table's kink expressions."""
    points = set()
    for k in kinks(f):
        points.update(_solve(k, x, interval, "kinks"))
    return sorted(points, key=_numeric)


def _period(f, x):
    """A period T > 0 of ``f`` that SymPy finds and the zero test of f(x + T) − f(x) confirms; else None."""
    if not f.has(TrigonometricFunction, sp.Mod):  # nothing else derive writes repeats: skip SymPy's search
        return None
    try:
        with time_limit(5):
            period = sp.periodicity(f, x)
            if period is None or not (period.is_positive and period.is_finite):
                return None
            return period if sp.simplify(f.subs(x, x + period) - f) == 0 else None
    except (StepTimeout, NotImplementedError, ValueError, TypeError, RecursionError):
        return None


def _covering(interval) -> list:
    """Expressions in a fresh sign-known variable whose values, together, are exactly ``interval``.

    >>> len(_covering(sp.Interval(0, 1))), len(_covering(sp.Interval.open(0, 1)))  # [0, 1): 0 + t/(1 + t), t ≥ 0
    (2, 1)
    >>> _covering(sp.Interval.open(2, sp.oo))[0].free_symbols.pop().is_positive  # 2 + t, t > 0
    True
    """
    lo, hi = interval.inf, interval.sup
    closed_lo, closed_hi = lo in interval, hi in interval
    if lo.is_infinite and hi.is_infinite:
        return [sp.Dummy("r", real=True)]
    if hi.is_infinite:
        return [lo + sp.Dummy("t", **({"nonnegative": True} if closed_lo else {"positive": True}))]
    if lo.is_infinite:
        return [hi - sp.Dummy("t", **({"nonnegative": True} if closed_hi else {"positive": True}))]
    width = hi - lo  # t/(1 + t) runs over [0, 1) for t ≥ 0: one map from each closed end
    t = sp.Dummy("t", nonnegative=True)
    if closed_lo or closed_hi:
        return ([lo + width * t / (1 + t)] if closed_lo else []) + ([hi - width * t / (1 + t)] if closed_hi else [])
    t = sp.Dummy("t", positive=True)
    return [lo + width * t / (1 + t)]


def vertex(f, x, kind, ranges) -> Extremum | None:
    """The extremum over ℝ of ``f``, a parabola in ``x`` whose coefficients hold other variables; else None.

    ``ranges`` maps each other variable to its interval.  The leading
    coefficient A must have the right sign (A < 0 for a maximum) for every
    value in those ranges, shown by SymPy's sign rules after each variable
    is written through a variable of known sign (:func:`_covering`).  Then
    the vertex −B/(2A) is the one extremiser.

    >>> w, a, l = sp.symbols('w a l', real=True)
    >>> r = vertex(-((w - a)**2 + l*w**2) / 2, w, "max", {l: sp.Interval.open(0, sp.oo)})
    >>> r.points, sp.factor(r.value)
    ((a/(l + 1),), -a**2*l/(2*(l + 1)))
    >>> vertex(-((w - a)**2 + l*w**2) / 2, w, "max", {}) is None  # l < −1 would make it convex
    True
    """
    try:
        poly = sp.Poly(to_elementary(f), x)
    except sp.PolynomialError:
        return None
    if poly.degree() != 2:
        return None
    A, B, C = poly.all_coeffs()
    sign = 1 if kind == "max" else -1
    names = sorted(A.free_symbols, key=sp.default_sort_key)
    for values in itertools.product(*(_covering(ranges.get(v, sp.S.Reals)) for v in names)):
        if sp.together((-sign * A).xreplace(dict(zip(names, values)))).is_positive is not True:
            return None
    point = sp.factor(-B / (2 * A))
    value = sp.factor(C - B**2 / (4 * A))
    where = "maximum" if kind == "max" else "minimum"
    others = ", ".join(sorted(v.name for v in A.free_symbols))
    steps = (Step(phrase("f = ", poly.as_expr(), "; the coefficient of ", x, "², ", A, ", is ",
                         "< 0" if sign > 0 else "> 0"),
                  f"a parabola in {x} opening {'down' if sign > 0 else 'up'}"
                  + (f", for every admissible {others} (SymPy's sign rules)" if others else "")),
             Step(phrase("f′(", x, ") = 0 at ", x, " = ", point, "; f there = ", value),
                  f"its vertex, the one {where}"))
    return Extremum(kind, value, (point,), steps)


def _midpoint(a, b):
    if a == -sp.oo and b == sp.oo:
        return sp.S.Zero
    if a == -sp.oo:
        return b - 1
    if b == sp.oo:
        return a + 1
    return (a + b) / 2


def extremum(f, x, interval=sp.S.Reals, kind="max") -> Extremum:
    """The global maximum (or minimum) of ``f`` over ``interval`` in ``x``, argued step by step.

    >>> x = sp.Symbol('x', real=True)
    >>> r = extremum(x**2 - sp.Abs(x), x, kind="min")
    >>> r.value, r.points
    (-1/4, (-1/2, 1/2))
    >>> r = extremum(sp.cos(x), x, kind="min")  # periodic: over one closed period [0, 2π]
    >>> r.value, r.points
    (-1, (pi,))
    """
    if f.free_symbols - {x}:
        raise Undecided("the extremum depends on other variables: "
                        + ", ".join(sorted(s.name for s in f.free_symbols - {x})))
    sign = 1 if kind == "max" else -1
    fe = sp.piecewise_fold(to_elementary(f))
    steps = []
    period = _period(fe, x) if interval == sp.S.Reals else None
    if period is not None:  # cos x on ℝ: critical points without end; one closed period holds every value
        steps.append(Step(phrase("f(", x, " + ", period, ") − f(", x, ") = 0"),
                          f"f is periodic, so its {'sup' if kind == 'max' else 'inf'} over ℝ is that over "
                          "one closed period, and attained"))
        interval = sp.Interval(0, period)
    lo, hi = interval.inf, interval.sup
    kinks = _kinks(fe, x, interval)
    if kinks:
        steps.append(Step(phrase("kinks at ", x, " = ", joined(kinks)), "where a piece ends"))
    cuts = [lo] + kinks + [hi]
    candidates = {}  # point -> exact value
    critical_all = []
    for a, b in zip(cuts, cuts[1:]):
        piece = _branch(fe, {x: _midpoint(a, b)})
        slope = to_elementary(derivative(piece, x))
        with time_limit(5):
            poles = _solve(1 / sp.together(piece), x, sp.Interval.open(a, b), "poles") \
                if sp.denom(sp.together(piece)).has(x) else []
        if poles:
            raise Undecided(f"f has a pole at {x} = {poles[0]}")
        critical = _solve(slope, x, sp.Interval.open(a, b), "critical points")
        if len(cuts) == 2:
            steps.append(eq(sp.Derivative(f, x), derivative(f, x), "rule table"))
        steps.append(Step(phrase("f′(", x, ") = 0 on (", a, ", ", b, ") at ", joined(critical) or "no point"),
                          "SymPy's solveset on the numerator of f′"))
        critical_all += critical
        for c in critical:
            candidates[c] = sp.simplify(piece.subs(x, c))
        # sign test between consecutive critical points
        marks = [a] + critical + [b]
        trend = []
        for u, v in zip(marks, marks[1:]):
            s = _numeric(slope.subs(x, _midpoint(u, v)))
            trend.append(["rising" if s > 0 else "falling" if s < 0 else "flat", " on (", u, ", ", v, ")"])
        steps.append(Step(phrase("f is ", joined(trend, "; ")), "sign of f′ at a point of each interval"))
    for k in kinks:
        candidates[k] = sp.simplify(fe.subs(x, k))
    ends = []
    for end, side, closed in ((lo, "+", lo in interval), (hi, "-", hi in interval)):
        if closed:
            candidates[end] = sp.simplify(fe.subs(x, end))
        else:
            piece = _branch(fe, {x: _midpoint(*((cuts[0], cuts[1]) if side == "+" else (cuts[-2], cuts[-1])))})
            with time_limit(5):
                lim = limit_at(piece, x, end, side)
            if not (lim.is_real or lim in (sp.oo, -sp.oo)):
                raise Undecided(f"cannot take the limit of f as {x} → {end}")
            ends.append((end, lim))
            steps.append(Step(phrase("lim f as ", x, " → ", end, " = ", lim), "limit at an open end"))
    for c, v in candidates.items():
        steps.append(Step(phrase("f(", c, ") = ", v), "value at a candidate point"))
        _numeric(v)  # a complex or undefined value is Undecided
    best, attained = _largest([(v, c) for c, v in candidates.items()], sign)
    best_end, _ = _largest([(lim, end) for end, lim in ends], sign)
    if best is None or (best_end is not None and sign * _order(best_end, best) > 0):  # a tie is attained
        if best_end is None:
            raise Undecided("no candidate points")
        value, points = best_end, ()
    else:
        value, points = best, tuple(sorted(attained, key=_numeric))
    where = ["attained at ", x, " = ", joined(points)] if points else "approached at an end, not attained"
    steps.append(Step(phrase("sup" if kind == "max" else "inf", " f = ", value, ", ", where),
                      "largest of the candidate values and end limits" if kind == "max"
                      else "smallest of the candidate values and end limits"))
    return Extremum(kind, value, points, tuple(steps))
