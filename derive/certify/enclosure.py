"""The tree walk: :func:`enclose` a SymPy expression over a box, and certified signs at points.

Main statements
    :func:`enclose` — a rigorous :class:`~derive.certify.intervals.Interval`
    of an expression over a box; :func:`sign_at` — the certified sign at an
    exact point (rational, or such as exp(−1), put in exactly), by arb at
    rising precision; :func:`value_at` — the
    value and its ball, for display.

Implementation notes
    Dispatch is on the op table: an entry's ``interval`` field is its kernel,
    taking one Interval per argument.  The exponent of a power is a SymPy
    number, so ``pow`` is called with the Interval of the base and of the
    exponent, the latter carrying its exact value.  An operation without a
    kernel is enclosed through its exact definition
    (:func:`derive.ops.to_elementary`).  A Piecewise takes the branch its
    conditions certainly select, else the hull of the possible branches; with
    ``interior=True`` an affine condition is decided on the open box (used for
    the sign of a derivative, where a kink on a face does not matter).

>>> x = sp.Symbol('x', real=True)
>>> enclose(sp.exp(x) - x, {x: (0, 1)})  # wide: the two x vary independently
Interval(0.0, 2.7182818)
>>> sign_at(x * sp.exp(x) + sp.Rational(3678, 10000), {x: -1})
-1
"""
from __future__ import annotations

from functools import lru_cache

import mpmath
import sympy as sp
from flint import arb

from ..limits import StepTimeout, time_limit
from ..ops import OPS, ActivationBase, op_of, to_elementary
from .intervals import INF, Interval, Unenclosable, precision

__all__ = ["enclose", "sign_at", "value_at", "specialise", "PRECISIONS"]

PRECISIONS = (64, 256, 1024, 4000)  # bits tried by sign_at, in turn
EXACT_ZERO_SECONDS = 2  # the time limit of the exact check that a value is 0

WORK = [0]  # nodes enclosed so far, in this process: branch and bound's budget, the same on any machine

_CONSTANTS = {sp.pi: arb.pi, sp.E: arb.const_e, sp.EulerGamma: arb.const_euler, sp.Catalan: arb.const_catalan}


def _end(v):
    if v is sp.oo or v == sp.oo:
        return INF
    if v is sp.S.NegativeInfinity or v == -sp.oo:
        return -INF
    return None


def _range(lo, hi) -> Interval:
    """The Interval of a box side with exact SymPy ends."""
    lo, hi = sp.sympify(lo, strict=True), sp.sympify(hi, strict=True)  # box ends: numbers, never text
    if lo == hi and _end(lo) is None:
        return Interval.point(lo)
    low = -INF if _end(lo) is not None else Interval.point(lo).lo
    high = INF if _end(hi) is not None else Interval.point(hi).hi
    if _end(lo) == INF or _end(hi) == -INF:
        raise Unenclosable(f"empty box side [{lo}, {hi}]")
    return Interval(low, high)


def _side(value):
    """(lo, hi) of a box entry: a pair or a SymPy Interval (its closure)."""
    if isinstance(value, sp.Interval):
        return value.inf, value.sup
    return value


def _number(e) -> Interval:
    if e.is_Rational:
        return Interval.point(e)
    if e.is_Float:
        return Interval(mpmath.mp.make_mpf(e._mpf_), mpmath.mp.make_mpf(e._mpf_))
    if e in _CONSTANTS:
        return Interval.from_ball(_CONSTANTS[e]())
    if e is sp.GoldenRatio:
        return Interval.from_ball((1 + arb(5).sqrt()) / 2)
    raise Unenclosable(f"no enclosure of the number {e}")


@lru_cache(maxsize=4096)
def _affine(d, symbols):
    """{symbol: coefficient} if d is affine in ``symbols`` with rational coefficients, else None."""
    try:
        poly = sp.Poly(d, *symbols)
    except sp.PolynomialError:
        return None
    if poly.total_degree() > 1 or not all(c.is_Rational for c in poly.coeffs()):
        return None
    return {s: poly.coeff_monomial(s) for s in symbols}


_RELATIONS = {sp.StrictGreaterThan: ">", sp.GreaterThan: ">=", sp.StrictLessThan: "<", sp.LessThan: "<=",
              sp.Equality: "=", sp.Unequality: "!="}


def _decide(d: Interval, rel: str, open_box: bool):
    """True, False or None: is ``d rel 0`` certainly true/false (on the open box, if ``open_box``)?"""
    if d.exact is not None:
        v = d.exact
        return bool({">": v > 0, ">=": v >= 0, "<": v < 0, "<=": v <= 0, "=": v == 0, "!=": v != 0}[rel])  # not SymPy's true
    if open_box:  # d is affine and not constant on the box: it is 0 only on a face
        positive, negative = d.lo >= 0, d.hi <= 0
        table = {">": (positive, negative), ">=": (positive, negative), "<": (negative, positive),
                 "<=": (negative, positive), "=": (False, True), "!=": (True, False)}
        true, false = table[rel]
        return True if true else False if false else None
    if rel in (">", ">=", "<", "<="):
        if rel in ("<", "<="):
            d, rel = -d, ">" if rel == "<" else ">="
        if d.lo > 0 or rel == ">=" and d.lo >= 0:
            return True
        if d.hi < 0 or rel == ">" and d.hi <= 0:
            return False
        return None
    if not d.contains_zero():
        return rel == "!="
    return None


def _half_line(cond, free):
    """(s, closure of the condition's region, closure of its complement) for ``a·s + b rel 0``, else None."""
    rel = _RELATIONS.get(type(cond))
    if rel not in (">", ">=", "<", "<=") or not free:
        return None
    coeffs = _affine(cond.lhs - cond.rhs, free)
    if coeffs is None or sum(1 for c in coeffs.values() if c != 0) != 1:
        return None
    s = next(v for v, c in coeffs.items() if c != 0)
    d = cond.lhs - cond.rhs
    root = -d.xreplace({v: 0 for v in free}) / coeffs[s]
    above = (rel in (">", ">=")) == (coeffs[s] > 0)  # the region is s ≥ root
    upper, lower = (root, sp.oo), (-sp.oo, root)
    return (s, upper, lower) if above else (s, lower, upper)


def _meet(sides, s, lo, hi):
    """The box ``sides`` with side s cut to [lo, hi], or None when empty."""
    a, b = sides[s]
    a, b = (lo if a == -sp.oo or lo != -sp.oo and lo > a else a), (hi if b == sp.oo or hi != sp.oo and hi < b else b)
    if a != -sp.oo and b != sp.oo and a > b or a == sp.oo or b == -sp.oo:
        return None
    return {**sides, s: (a, b)}


def enclose(expr, box, *, interior=False) -> Interval:
    """A rigorous enclosure of ``expr`` over ``box`` ({symbol: (lo, hi)}, exact ends, ±oo allowed).

    Raises :class:`Unenclosable` if ``expr`` is undefined somewhere on the box.

    >>> x = sp.Symbol('x', real=True)
    >>> enclose(OPS['sigmoid'].forward(x), {x: (-sp.oo, 0)})
    Interval(0.0, 0.5)
    >>> enclose(sp.log(x), {x: (0, 1)})
    Traceback (most recent call last):
    ...
    derive.certify.intervals.Unenclosable: log is undefined on [0.0, 1.0] (needs x > 0)
    """
    sides = {s: _side(v) for s, v in box.items()}
    ranges = {s: _range(*v) for s, v in sides.items()}
    free = tuple(sorted((s for s, (a, b) in sides.items() if a != b), key=sp.default_sort_key))
    memo: dict = {}

    def condition(c):
        if c is sp.true or c is sp.false:
            return bool(c)
        if isinstance(c, sp.And) or isinstance(c, sp.Or):
            parts = [condition(a) for a in c.args]
            want = isinstance(c, sp.And)
            if any(p is (not want) for p in parts):
                return not want
            return want if all(p is want for p in parts) else None
        if isinstance(c, sp.Not):
            inner = condition(c.args[0])
            return None if inner is None else not inner
        rel = _RELATIONS.get(type(c))
        if rel is None:
            raise Unenclosable(f"cannot decide the condition {c}")
        d = c.lhs - c.rhs
        coeffs = _affine(d, free) if interior and free else None
        open_box = coeffs is not None and any(coeffs[s] != 0 for s in free)
        return _decide(walk(d), rel, open_box)

    def piecewise(e):
        out, remaining = None, dict(sides)
        for value, cond in e.args:
            holds = condition(cond)
            if holds is False:
                continue
            cut = _half_line(cond, free) if holds is None else None
            if cut is None:
                part = walk(value) if remaining == sides else enclose(value, remaining, interior=interior)
            else:  # the branch on the part of the box where its condition can hold (a closed half-line)
                s, (lo, hi), rest = cut
                region = _meet(remaining, s, lo, hi)
                remaining = _meet(remaining, s, *rest)
                if region is None or interior and region[s][0] == region[s][1]:
                    part = None  # empty, or a face: no interior point takes this branch
                else:
                    part = enclose(value, region, interior=interior)
                if remaining is None:
                    holds = True
            if part is not None:
                out = part if out is None else out.hull(part)
            if holds is True:
                break
        if out is None:
            raise Unenclosable(f"no branch of {e} holds on the box")
        return out

    def walk(e):
        WORK[0] += 1
        if e.is_Symbol:
            if e not in ranges:
                raise Unenclosable(f"no range for the symbol {e}")
            return ranges[e]
        if e.is_Atom:
            return _number(e)
        if e in memo:
            return memo[e]
        if isinstance(e, sp.Piecewise):
            result = piecewise(e)
        else:
            op = OPS.get(op_of(e))
            if op is not None and op.interval is not None:
                result = op.interval(*(walk(a) for a in e.args))
            elif isinstance(e, ActivationBase):
                result = walk(e.elementary())
            elif isinstance(e, sp.erfc):  # not in the table: through erf, rigorous though loose far right
                result = walk(1 - sp.erf(e.args[0]))
            else:
                raise Unenclosable(f"no interval kernel for {op_of(e)!r} (in {e})")
        memo[e] = result
        return result

    return walk(sp.sympify(expr, strict=True))  # strict: a SymPy expression or a number, never text


def _sign_on(expr, box):
    """1 if expr ≥ 0 on the closed box, −1 if ≤ 0, else None."""
    try:
        v = enclose(expr, box)
    except Unenclosable:
        return None
    return 1 if v.lo >= 0 else -1 if v.hi <= 0 else None


def specialise(expr, box):
    """``expr`` with the kinked ops whose branch is fixed on the (closed) box written as that branch:
    the same function on the box, in a form whose enclosure and derivatives are tighter.

    >>> x = sp.Symbol('x', real=True)
    >>> specialise(sp.Abs(x) + OPS['relu'].forward(x - 5), {x: (1, 2)})
    x
    """
    relu, leaky = OPS["relu"].forward, OPS["leaky_relu"].forward

    def branch(e):
        if isinstance(e, (relu, sp.Abs)) or isinstance(e, leaky):
            sign = _sign_on(e.args[0], box)
            if sign is None:
                return e
            u = e.args[0]
            if isinstance(e, relu):
                return u if sign > 0 else sp.S.Zero
            if isinstance(e, sp.Abs):
                return u if sign > 0 else -u
            return u if sign > 0 else (e.args[1] * u if len(e.args) > 1 else e.func(u))
        if isinstance(e, (sp.Max, sp.Min)) and len(e.args) == 2:
            sign = _sign_on(e.args[0] - e.args[1], box)
            if sign is None:
                return e
            first = (sign > 0) == isinstance(e, sp.Max)
            return e.args[0] if first else e.args[1]
        return e
    return expr.replace(lambda e: isinstance(e, (relu, leaky, sp.Abs, sp.Max, sp.Min)), branch)


EXACT_ZERO_BITS = 64  # coordinates beyond this size are not handed to SymPy's simplify
EXACT_ZERO_MAGNITUDE = 1000  # nor beyond this magnitude, where e^(−x) is below any ball's resolution


def _exactly_zero(expr, point) -> bool:
    """Is ``expr`` at the point exactly 0?  SymPy's own simplification, under a time limit.

    Only for moderate points: at x = 10³⁰⁰ SymPy's simplification of e^(−x)
    would try to build the number itself, so there the answer is "not shown".
    """
    if any(max(abs(v.p).bit_length(), v.q.bit_length()) > EXACT_ZERO_BITS or abs(v) > EXACT_ZERO_MAGNITUDE
           for v in point.values()):
        return False  # (a rational expression is exact already: Interval.exact; this is for the rest)
    value = to_elementary(expr).xreplace(point)
    try:
        if value.is_zero:
            return True
        with time_limit(EXACT_ZERO_SECONDS):
            return sp.simplify(value) == 0  # bounded last resort: only a proof of 0 counts
    except (StepTimeout, OverflowError, MemoryError, RecursionError, ValueError, TypeError, ZeroDivisionError):
        return False


def _at(expr, point):
    """(``expr`` with the point's other exact coordinates put in, the box of its rational ones).

    A rational coordinate (or a float, taken at its exact value) becomes a
    one-point box.  Another real number without floats in it, such as a
    minimiser exp(−1) or √2 that SymPy solved for, is substituted exactly, and
    SymPy's exact evaluation (log(e⁻¹) = −1) leaves a constant for arb.

    >>> x, y = sp.symbols('x y', real=True)
    >>> _at(x * sp.log(x) + y, {x: sp.exp(-1), y: 2})
    (y - exp(-1), {y: (2, 2)})
    """
    box, exact = {}, {}
    for s, v in point.items():
        if isinstance(v, (int, float, sp.Rational, sp.Float)):
            box[s] = (sp.Rational(v), sp.Rational(v))
        elif isinstance(v, sp.Expr) and v.is_number and v.is_real is True and not v.has(sp.Float):
            exact[s] = v
        else:
            raise TypeError(f"not an exact real coordinate: {v}")
    return (expr.xreplace(exact) if exact else expr), box


def sign_at(expr, point, *, max_bits=4000, exact_zero=True) -> int | None:
    """The certified sign of ``expr`` at the exact ``point``: −1, +1, 0 (shown exactly) or None.

    Raises :class:`Unenclosable` when ``expr`` is undefined at the point.
    With ``exact_zero=False`` a value whose ball never leaves 0 is None at
    once, without the costly exact check (a caller that only needs ±1).

    >>> sign_at(sp.E - sp.Rational(271828182845904523536, 10**20), {})  # e − 2.718…536 ≈ 2.9e-22
    1
    >>> x = sp.Symbol('x', real=True)
    >>> sign_at(sp.exp(x) - 1 - x, {x: 0}), sign_at(sp.sqrt(2)**2 - 2, {})
    (0, 0)
    >>> sign_at(sp.Piecewise((1, x > 0), (0, True)) - 1, {x: -1})  # the condition decided exactly
    -1
    >>> sign_at(x * sp.log(x) + sp.exp(-1), {x: sp.exp(-1)})  # an irrational point, put in exactly
    0
    """
    expr, box = _at(expr, point)
    for bits in [b for b in PRECISIONS if b < max_bits] + [max_bits]:
        with precision(bits):
            value = enclose(expr, box)
        if value.exact is not None:
            return int(sp.sign(value.exact))
        if value.lo > 0:
            return 1
        if value.hi < 0:
            return -1
    if not exact_zero:
        return None
    return 0 if _exactly_zero(sp.sympify(expr, strict=True), {s: v[0] for s, v in box.items()}) else None


def value_at(expr, point, dps=50) -> tuple:
    """(midpoint as an mpmath mpf, the arb ball) of ``expr`` at the exact ``point``, for display.

    >>> mid, ball = value_at(sp.log(2), {}, dps=20)
    >>> mpmath.nstr(mid, 10), ball.rad() < 1e-20
    ('0.6931471806', True)
    """
    expr, box = _at(expr, point)
    with precision(int(dps * 3.33) + 16):
        value = enclose(expr, box)
        ball = value.ball()
        return mpmath.mp.make_mpf(ball.mid()._mpf_), ball

