"""Rigorous enclosures of SymPy expressions over boxes, with arb ball arithmetic.

Main statements
    :func:`enclose` — an :class:`Interval` containing every value of an
    expression on a box (a map from symbols to exact ``(lo, hi)``, ends may be
    ``±oo``); :class:`Unenclosable` when the expression is undefined somewhere
    on the box (log of a range reaching ≤ 0, a divisor whose range holds 0).

Notation
    An :class:`Interval` ``[lo, hi]`` is a closed interval of the extended
    reals: its ends are exact binary numbers (mpmath ``mpf``) or ``±inf``.
    Every finite end is a rigorous bound computed by python-flint's ``arb``:
    a function is evaluated at an end as a ball, and the ball's ``lower()`` or
    ``upper()`` is kept.  ``exact`` holds the SymPy Rational when the interval
    is that one rational number (it flows through + − × ÷ and integer powers,
    so the conditions of a Piecewise at a rational point are decided exactly).

Implementation notes
    The generic kernels are methods (:meth:`Interval.monotone`,
    :meth:`Interval.unimodal`, :meth:`Interval.sinusoid`, …); each operation's
    own kernel is the ``interval`` field of its entry in the op table
    (``derive.ops``), which calls those methods on its arguments, so the op
    modules import nothing from here.  The tree walk itself is in
    :mod:`derive.certify.enclosure`.

References
    F. Johansson, *Arb: efficient arbitrary-precision midpoint-radius interval
    arithmetic*, IEEE Trans. Computers 66 (2017); R. E. Moore, R. B. Kearfott,
    M. J. Cloud, *Introduction to Interval Analysis*, SIAM 2009, ch. 4–5.

>>> x = Interval.point(sp.Rational(1, 3))
>>> y = x * x - x
>>> y.lo <= -sp.Rational(2, 9) <= y.hi, y.exact
(True, -2/9)
>>> Interval(0, mpmath.inf).monotone(lambda b: b.exp(), limits=(0, None))
Interval(1.0, +inf)
"""
from __future__ import annotations

from contextlib import contextmanager
from fractions import Fraction

import mpmath
import sympy as sp
from flint import arb, ctx, fmpq

__all__ = ["Interval", "Unenclosable", "precision", "DEFAULT_BITS"]

INF = mpmath.inf
DEFAULT_BITS = 64  # working precision of an enclosure; sign_at raises it


class Unenclosable(ArithmeticError):
    """The expression is undefined somewhere on the box, or has no kernel; the message says which."""


@contextmanager
def precision(bits):
    """Run the body with arb's working precision set to ``bits`` (restored after).

    >>> with precision(200):
    ...     ctx.prec
    200
    """
    old = ctx.prec
    ctx.prec = int(bits)
    try:
        yield
    finally:
        ctx.prec = old


def _mpf(value) -> mpmath.mpf:
    """An exact mpf of an exact arb, an int, a Fraction of a power of two, or ±inf."""
    if isinstance(value, mpmath.mpf):
        return value
    if isinstance(value, arb):
        return mpmath.mp.make_mpf(value._mpf_)  # no rounding
    if isinstance(value, float):
        return mpmath.mp.make_mpf(mpmath.libmp.from_float(value))  # exact, and ±inf
    if isinstance(value, (int, Fraction, sp.Rational)):
        q = sp.Rational(value)
        if q.q & (q.q - 1):
            raise TypeError(f"{q} is not a binary number: enclose it with Interval.point")
        return mpmath.mp.make_mpf(mpmath.libmp.from_man_exp(int(q.p), -(int(q.q).bit_length() - 1)))
    raise TypeError(f"not an exact end: {value!r}")


def _neg(v) -> mpmath.mpf:
    """−v, exactly (mpmath's own ``-v`` rounds to its working precision)."""
    return mpmath.mp.make_mpf(mpmath.libmp.mpf_neg(v._mpf_))


def _ball(v) -> arb:
    return arb(v)  # exact for a finite mpf


def _down(b: arb):
    """A lower bound of the ball (``-inf`` if it is unbounded); a NaN ball is undefined."""
    if b.is_nan():
        raise Unenclosable("undefined value (NaN ball)")
    return _mpf(b.lower()) if b.is_finite() else -INF


def _up(b: arb):
    if b.is_nan():
        raise Unenclosable("undefined value (NaN ball)")
    return _mpf(b.upper()) if b.is_finite() else INF


def _end_product(p, q, lower):
    """p·q rounded outward, with 0·∞ = 0 (the closed extended-interval rule)."""
    if p == 0 or q == 0:
        return mpmath.mpf(0)
    if mpmath.isinf(p) or mpmath.isinf(q):
        return INF if (p > 0) == (q > 0) else -INF
    b = _ball(p) * _ball(q)
    return _down(b) if lower else _up(b)


def _end_sum(p, q, lower):
    if lower and -INF in (p, q) or not lower and INF in (p, q):
        return -INF if lower else INF
    b = _ball(p) + _ball(q)
    return _down(b) if lower else _up(b)


EXACT_BITS = 4096  # exact rational results are carried only up to this size


def _bits(q) -> int:
    return max(abs(int(q.p)).bit_length(), int(q.q).bit_length())


class Interval:
    """A closed interval [lo, hi] of the extended reals with rigorous ends.

    >>> Interval(-1, 2) * Interval(3, mpmath.inf)
    Interval(-inf, +inf)
    >>> 1 / Interval(-1, 1)
    Traceback (most recent call last):
    ...
    derive.certify.intervals.Unenclosable: division by an interval containing 0: [-1.0, 1.0]
    """

    __slots__ = ("lo", "hi", "exact")

    def __init__(self, lo, hi, exact=None):
        self.lo, self.hi, self.exact = _mpf(lo), _mpf(hi), exact
        if not self.lo <= self.hi or self.lo == INF or self.hi == -INF:
            raise Unenclosable(f"not an interval: [{self.lo}, {self.hi}]")

    # --- construction ------------------------------------------------------------------
    @classmethod
    def point(cls, q) -> "Interval":
        """The rational ``q`` (or an exact binary number), enclosed at the working precision."""
        q = sp.Rational(q)
        b = arb(fmpq(int(q.p), int(q.q)))
        return cls(_down(b), _up(b), exact=q)

    @classmethod
    def from_ball(cls, b: arb) -> "Interval":
        return cls(_down(b), _up(b))

    @classmethod
    def coerce(cls, v) -> "Interval":
        return v if isinstance(v, Interval) else cls.point(v)

    def __repr__(self):
        return f"Interval({mpmath.nstr(self.lo, 8)}, {mpmath.nstr(self.hi, 8)})"

    def __str__(self):
        return f"[{mpmath.nstr(self.lo, 6)}, {mpmath.nstr(self.hi, 6)}]"

    def contains(self, v) -> bool:
        """Whether the real number ``v`` (mpf, int, exact) lies in the interval."""
        return bool(self.lo <= v <= self.hi)

    def contains_zero(self) -> bool:
        return self.lo <= 0 <= self.hi

    def hull(self, other: "Interval") -> "Interval":
        """The smallest interval holding both."""
        same = self.exact if self.exact is not None and self.exact == other.exact else None
        return Interval(min(self.lo, other.lo), max(self.hi, other.hi), same)

    def meet(self, lo=-INF, hi=INF):
        """The part of the interval in [lo, hi], or None when they are disjoint."""
        a, b = max(self.lo, _mpf(lo)), min(self.hi, _mpf(hi))
        return Interval(a, b) if a <= b else None

    def ball(self) -> arb:
        """The interval as one arb ball (finite intervals only)."""
        if mpmath.isinf(self.lo) or mpmath.isinf(self.hi):
            raise Unenclosable(f"an unbounded interval {self} is no ball")
        return _ball(self.lo).union(_ball(self.hi))

    # --- arithmetic -------------------------------------------------------------------
    def __neg__(self):
        return Interval(_neg(self.hi), _neg(self.lo), None if self.exact is None else -self.exact)

    def __add__(self, other):
        other = Interval.coerce(other)
        if self.exact is not None and other.exact is not None:
            return Interval.point(self.exact + other.exact)
        return Interval(_end_sum(self.lo, other.lo, True), _end_sum(self.hi, other.hi, False))

    __radd__ = __add__

    def __sub__(self, other):
        return self + (-Interval.coerce(other))

    def __rsub__(self, other):
        return Interval.coerce(other) - self

    def __mul__(self, other):
        other = Interval.coerce(other)
        if self.exact is not None and other.exact is not None:
            return Interval.point(self.exact * other.exact)
        ends = [(p, q) for p in (self.lo, self.hi) for q in (other.lo, other.hi)]
        return Interval(min(_end_product(p, q, True) for p, q in ends),
                        max(_end_product(p, q, False) for p, q in ends))

    __rmul__ = __mul__

    def reciprocal(self):
        """1/x; raises :class:`Unenclosable` when 0 is in the interval."""
        if self.contains_zero():
            raise Unenclosable(f"division by an interval containing 0: {self}")
        if self.exact is not None:
            return Interval.point(1 / self.exact)
        lo = mpmath.mpf(0) if mpmath.isinf(self.hi) else _down(1 / _ball(self.hi))
        hi = mpmath.mpf(0) if mpmath.isinf(self.lo) else _up(1 / _ball(self.lo))
        return Interval(lo, hi)

    def __truediv__(self, other):
        return self * Interval.coerce(other).reciprocal()

    def __rtruediv__(self, other):
        return Interval.coerce(other) * self.reciprocal()

    def __abs__(self):
        if self.exact is not None:
            return Interval.point(abs(self.exact))
        if self.lo >= 0:
            return self
        if self.hi <= 0:
            return -self
        return Interval(0, max(_neg(self.lo), self.hi))

    def power(self, n: int) -> "Interval":
        """xⁿ for an integer n (negative: the reciprocal, which needs 0 ∉ x)."""
        n = int(n)
        if self.exact is not None and (n >= 0 or self.exact != 0) and _bits(self.exact) * abs(n) <= EXACT_BITS:
            return Interval.point(self.exact ** n)  # exact while small: (1 − p)**n at n = 10**300 is not
        if n < 0:
            return self.power(-n).reciprocal()
        if n == 0:
            return Interval.point(1)
        if n % 2 == 0:
            return abs(self).monotone(lambda b: b ** n)
        return self.monotone(lambda b: b ** n)

    def root(self, r) -> "Interval":
        """x**r for a rational r that is not an integer: SymPy's real branch needs x ≥ 0 (x > 0 if r < 0)."""
        r = sp.Rational(r)
        exponent = arb(fmpq(int(r.p), int(r.q)))
        if r > 0:
            return self.monotone(lambda b: b ** exponent if b != 0 else arb(0), domain=(0, False),
                                 name=f"x**({r})")
        return self.monotone(lambda b: b ** exponent, increasing=False, limits=(None, 0), domain=(0, True),
                             name=f"x**({r})")

    # --- generic kernels ------------------------------------------------------------
    def require(self, bound, strict, name):
        """Raise :class:`Unenclosable` unless every point is ≥ bound (> bound if strict)."""
        if self.lo < bound or strict and self.lo == bound:
            raise Unenclosable(f"{name} is undefined on {self} (needs x {'>' if strict else '≥'} {bound})")

    def monotone(self, f, increasing=True, limits=(None, None), domain=None, name="f"):
        """f over the interval, for f monotone: f at the two ends as arb balls.

        ``f`` maps an arb ball to an arb ball; ``limits`` are f's limits at
        −∞ and +∞ (None: unbounded that way); ``domain`` is ``(bound, strict)``
        with f defined only for x ≥ bound (> bound if strict).

        >>> Interval(-mpmath.inf, 0).monotone(lambda b: 1 / (1 + (-b).exp()), limits=(0, 1))
        Interval(0.0, 0.5)
        """
        if domain is not None:
            self.require(domain[0], domain[1], name)

        def at(v, lower):
            if mpmath.isinf(v):
                lim = limits[0] if v < 0 else limits[1]
                if lim is None:
                    return -INF if (v > 0) != increasing else INF
                return _mpf(lim)
            b = f(_ball(v))
            return _down(b) if lower else _up(b)

        if increasing:
            return Interval(at(self.lo, True), at(self.hi, False))
        return Interval(at(self.hi, True), at(self.lo, False))

    def unimodal(self, f, argmin, limits=(None, None)):
        """f over the interval, for f falling until a minimum at ``argmin[0] ± argmin[1]`` and rising after.

        ``argmin`` is (midpoint, radius), exact binary floats, of an interval
        known to hold the minimiser (the tests certify that f′ changes sign
        across it); f over that ball, in arb, bounds the minimum.

        >>> Interval(-5, 3).unimodal(lambda b: b * b, argmin=(0.0, 0.125))
        Interval(-0.015625, 25.0)
        """
        argmin = arb(argmin[0], argmin[1])
        left, right = _mpf(argmin.lower()), _mpf(argmin.upper())
        if not (mpmath.isinf(self.lo) or mpmath.isinf(self.hi)) and self.hi - self.lo <= right - left:
            return Interval.from_ball(f(self.ball()))  # thinner than the bracket (a point): f of the ball itself
        if self.hi <= left:
            return self.monotone(f, increasing=False, limits=limits)
        if self.lo >= right:
            return self.monotone(f, increasing=True, limits=limits)
        falling = Interval(self.lo, left).monotone(f, increasing=False, limits=limits) if self.lo < left else None
        rising = Interval(right, self.hi).monotone(f, increasing=True, limits=limits) if self.hi > right else None
        out = Interval.from_ball(f(argmin))
        for part in (falling, rising):
            out = out if part is None else out.hull(part)
        return out

    def sinusoid(self, f, offset_over_pi):
        """f = sin or cos (as an arb function), whose extremes ±1 are at offset + kπ, f there (−1)ᵏ·f(offset).

        >>> Interval(0, 1).sinusoid(lambda b: b.cos(), offset_over_pi=0).hi
        mpf('1.0')
        """
        if mpmath.isinf(self.lo) or mpmath.isinf(self.hi):
            return Interval(-1, 1)
        pi = arb.pi()
        offset = pi * offset_over_pi
        first = (_ball(self.lo) - offset) / pi
        last = (_ball(self.hi) - offset) / pi
        if not (first.is_finite() and last.is_finite()) or _up(last) - _down(first) > 4:
            return Interval(-1, 1)
        out = Interval.from_ball(f(_ball(self.lo))).hull(Interval.from_ball(f(_ball(self.hi))))
        top = f(offset)  # ±1
        for k in range(int(mpmath.floor(_down(first))), int(mpmath.ceil(_up(last))) + 1):
            peak = offset + k * pi
            if _up(peak) >= self.lo and _down(peak) <= self.hi:  # maybe inside: include its value
                out = out.hull(Interval.from_ball(top if k % 2 == 0 else -top))
        return out.meet(-1, 1)

    def pieces(self):
        """(the part ≤ 0, the part ≥ 0), either None when empty: for kernels with a kink at 0."""
        return self.meet(hi=0), self.meet(lo=0)

    @staticmethod
    def extremum(args, largest=True):
        """Max (or Min) of intervals, end by end."""
        pick = max if largest else min
        exact = [a.exact for a in args]
        if all(e is not None for e in exact):
            return Interval.point(pick(exact))
        return Interval(pick(a.lo for a in args), pick(a.hi for a in args))
