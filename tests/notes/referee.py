"""The referee of the note keys: the :class:`Label`, the 50-digit checks, and hand-written kernels.

Imports nothing from ``derive``.  Every number is an mpmath number at
``DPS = 50`` digits (each check runs inside ``mp.workdps(50)``, so the caller's
precision does not matter), and every random point is an exact rational drawn
from ``random.Random(seed)``.

Definitions, with ``scale = max(|lhs|, |rhs|, s)`` where ``s`` is an optional
magnitude a check may give when the sides cancel to zero (e.g. a mean that
should vanish: ``s`` is the mean of the absolute terms):

- sides **agree** when ``|lhs - rhs| <= 1e-40 * scale`` (``AGREE``), element by
  element for vectors and matrices, which must also have the same shape;
- sides are **apart** when ``|lhs - rhs| > 1e-20 * scale`` (``APART``, far above
  the 1e-30 that rounding at 50 digits could ever reach) for some element;
- a non-strict inequality ``lhs <= rhs`` **holds** at a point when
  ``lhs - rhs <= 1e-40 * scale`` (an equality case rounds either way), and is
  **violated** when ``lhs - rhs > 1e-20 * scale``.

Check builders (each returns a zero-argument function that returns a bool):

- :func:`identity` (a correct equation): agree at ``POINTS = 20`` seeded points
  (one point when the formula has no free variable);
- :func:`holds` (a correct inequality): holds at ``POINTS`` seeded points;
- :func:`witness` (a wrong equation): apart at one hand-found point;
- :func:`violated` (a wrong inequality): violated at one hand-found point;
- :func:`nonconforming` (a wrong shape): a concrete product of mpmath matrices
  raises because the shapes do not conform.

>>> check = identity(lambda r: (unit(r),), lambda p: (p * (1 - p), p - p * p))
>>> check()
True
>>> witness(lambda x: (x ** 2, abs(x)), "1/2")()
True
>>> witness(lambda x: (x ** 2, x * x), "1/2")()
False
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable

import mpmath as mp

__all__ = ["Label", "TRUTHS", "DPS", "POINTS", "AGREE", "APART", "num", "gap", "identity", "holds",
           "fixed", "witness", "violated", "nonconforming", "real", "nonzero", "positive", "unit", "integer",
           "vector", "simplex", "onehot", "sig", "relu", "softmax", "lse", "d", "partial", "bernoulli_mean",
           "mse", "cross_entropy", "bce"]

DPS = 50
POINTS = 20
TRUTHS = ("correct", "wrong", "not-a-claim")


@dataclass(frozen=True)
class Label:
    """One hand-made verdict on one formula (or one link of a chain) of a note.

    ``line`` is the 1-based line of the formula's opening delimiter (``$``, ``$$``,
    ``\\[``, ``\\begin{...}``), which is where the formula's first character is;
    ``source`` is an exact substring of that formula's LaTeX.
    """

    note: str
    line: int
    source: str
    truth: str
    kind: str
    why: str
    check: Callable[[], bool] | None = None

    def __post_init__(self):
        if self.truth not in TRUTHS:
            raise ValueError(f"{self.note}:{self.line}: truth {self.truth!r} not in {TRUTHS}")
        if (self.check is None) != (self.truth == "not-a-claim"):
            raise ValueError(f"{self.note}:{self.line}: a check exactly for correct and wrong labels")
        if self.truth == "correct" and self.kind != "textbook":
            raise ValueError(f"{self.note}:{self.line}: a correct label has kind 'textbook'")


AGREE, APART = "1e-40", "1e-20"   # the relative tolerances, as text: their mpf values are made at DPS


def num(value):
    """An mpmath number (or a list of them) at the working precision from an int, Fraction or text.

    >>> with mp.workdps(50): print(num("1/3") * 3 == 1, num(["0.5", 2]))
    True [mpf('0.5'), mpf('2.0')]
    """
    if isinstance(value, (list, tuple)):
        return [num(v) for v in value]
    if isinstance(value, mp.mpf):
        return value
    q = Fraction(value) if not isinstance(value, float) else None
    if q is None:
        raise TypeError("floats are not exact: write the witness as text")
    return mp.mpf(q.numerator) / q.denominator


def _flat(value):
    """(shape, list of mpf) of a scalar, a list or an mp.matrix."""
    if isinstance(value, mp.matrix):
        return (value.rows, value.cols), [value[i, j] for i in range(value.rows) for j in range(value.cols)]
    if isinstance(value, (list, tuple)):
        return (len(value),), [mp.mpf(v) for v in value]
    return (), [mp.mpf(value)]


def gap(lhs, rhs, scale=0):
    """The largest relative difference of the sides, element by element (inf when shapes differ)."""
    (shape_l, left), (shape_r, right) = _flat(lhs), _flat(rhs)
    if shape_l != shape_r:
        return mp.inf
    worst = mp.mpf(0)
    for a, b in zip(left, right):
        size = max(abs(a), abs(b), abs(mp.mpf(scale)))
        if size != 0:
            worst = max(worst, abs(a - b) / size)
    return worst


def _sides(result):
    return (result[0], result[1], result[2] if len(result) > 2 else 0)


def identity(sample, sides, points=POINTS, seed=13):
    """Check a correct equation: ``sides(*sample(rng))`` agree at ``points`` seeded points."""
    def check():
        with mp.workdps(DPS):
            rng = random.Random(seed)
            for _ in range(points):
                lhs, rhs, scale = _sides(sides(*sample(rng)))
                if not gap(lhs, rhs, scale) <= mp.mpf(AGREE):
                    return False
            return True
    return check


def fixed(sides):
    """Check a correct closed-form equation (no free variable): one point."""
    return identity(lambda rng: (), sides, points=1)


def holds(sample, sides, points=POINTS, seed=13):
    """Check a correct inequality ``lhs <= rhs`` at ``points`` seeded points."""
    def check():
        with mp.workdps(DPS):
            rng = random.Random(seed)
            for _ in range(points):
                lhs, rhs, scale = _sides(sides(*sample(rng)))
                size = max(abs(lhs), abs(rhs), abs(mp.mpf(scale)))
                if lhs - rhs > mp.mpf(AGREE) * size:
                    return False
            return True
    return check


def witness(sides, *point):
    """Check a wrong equation: at the hand-found point (exact values as text) the sides are apart."""
    def check():
        with mp.workdps(DPS):
            lhs, rhs, scale = _sides(sides(*num(list(point))))
            return bool(gap(lhs, rhs, scale) > mp.mpf(APART))
    return check


def violated(sides, *point):
    """Check a wrong inequality ``lhs <= rhs``: violated at the hand-found point."""
    def check():
        with mp.workdps(DPS):
            lhs, rhs, scale = _sides(sides(*num(list(point))))
            size = max(abs(lhs), abs(rhs), abs(mp.mpf(scale)))
            return bool(lhs - rhs > mp.mpf(APART) * size)
    return check


def nonconforming(build):
    """Check a wrong shape: ``build()`` multiplies concrete mp.matrix values that do not conform."""
    def check():
        with mp.workdps(DPS):
            try:
                build()
            except ValueError:
                return True
            return False
    return check


# ---------------------------------------------------------------- seeded points (exact rationals)
def real(rng, lo=-4, hi=4, digits=6):
    """A rational in [lo, hi] with ``digits`` decimals, as an mpf."""
    k = 10 ** digits
    return mp.mpf(rng.randint(lo * k, hi * k)) / k


def nonzero(rng, hi=4):
    """A rational of either sign with 1/100 <= |x| <= hi."""
    x = max(real(rng, 0, hi), mp.mpf(1) / 100)
    return x if rng.random() < 0.5 else -x


def positive(rng, lo="0.01", hi=4):
    lo = num(lo)
    return lo + (num(hi) - lo) * mp.mpf(rng.randint(0, 10 ** 6)) / 10 ** 6


def unit(rng):
    """A rational strictly inside (0, 1)."""
    return mp.mpf(rng.randint(1, 10 ** 6 - 1)) / 10 ** 6


def integer(rng, lo, hi):
    return rng.randint(lo, hi)


def vector(rng, n, lo=-4, hi=4):
    return [real(rng, lo, hi) for _ in range(n)]


def simplex(rng, k):
    """k positive numbers summing to one."""
    w = [mp.mpf(rng.randint(1, 10 ** 6)) for _ in range(k)]
    s = mp.fsum(w)
    return [v / s for v in w]


def onehot(k, c):
    """The one-hot vector of length k with a 1 at the 1-based position c."""
    return [mp.mpf(1) if i == c else mp.mpf(0) for i in range(1, k + 1)]


# ---------------------------------------------------------------- hand-written kernels
def sig(x):
    return 1 / (1 + mp.exp(-x))


def relu(x):
    return x if x > 0 else mp.mpf(0)


def softmax(z):
    top = max(z)
    e = [mp.exp(v - top) for v in z]
    s = mp.fsum(e)
    return [v / s for v in e]


def lse(z):
    top = max(z)
    return top + mp.log(mp.fsum(mp.exp(v - top) for v in z))


def d(fn, x):
    """The derivative of fn at x by mpmath's high-precision differencing (no algebra)."""
    return mp.diff(fn, x)


def partial(fn, args, k):
    """The partial derivative of fn(*args) in its k-th argument (0-based)."""
    args = list(args)

    def along(t):
        moved = list(args)
        moved[k] = t
        return fn(*moved)
    return mp.diff(along, args[k])


def bernoulli_mean(fn, keep):
    """E[fn(m)] for m ~ Bernoulli(keep), by its two outcomes."""
    return keep * fn(mp.mpf(1)) + (1 - keep) * fn(mp.mpf(0))


def mse(y, y_hat):
    """The mean squared error, as the mean of the squared residuals."""
    return mp.fsum((a - b) ** 2 for a, b in zip(y, y_hat)) / len(y)


def cross_entropy(y, p):
    """-sum y log p, written as entropy plus KL divergence (0 log 0 = 0)."""
    entropy = -mp.fsum(a * mp.log(a) for a in y if a != 0)
    kl = mp.fsum(a * mp.log(a / b) for a, b in zip(y, p) if a != 0)
    return entropy + kl


def bce(y, p):
    """Binary cross-entropy as the two-class cross-entropy of (1-y, y) against (1-p, p)."""
    return cross_entropy([1 - y, y], [1 - p, p])
