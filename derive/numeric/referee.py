"""The mpmath referee: values at 30 digits, and counterexamples confirmed beyond rounding.

Float disagreements found by the checks are re-evaluated here, at exact
rational points, so neither an agreement nor a refutation is a float artifact.

>>> x = sp.Symbol('x', real=True)
>>> confirm_counterexample(sp.exp(x), 1 + x, "<=", {x: 1.0})[2]
True
"""
from __future__ import annotations

import mpmath
import sympy as sp

from ..ops import to_elementary
from .evaluate import _as_expr

__all__ = ["MP_DPS", "mp_value", "confirm_counterexample"]

MP_DPS = 30                # digits of the mpmath referee


def _mp_agrees(actual, reference, tol):
    with mpmath.workdps(MP_DPS):
        return abs(actual - reference) <= tol.atol + tol.rtol * abs(reference)



def _exact(value):
    """The exact rational value of a float or mpf (SymPy numbers pass through)."""
    if isinstance(value, sp.Basic):
        return value
    m = value if isinstance(value, mpmath.mpf) else mpmath.mpf(float(value))
    if not mpmath.isfinite(m):
        raise ValueError(f"non-finite point value {value}")
    sign, man, exp, _ = m._mpf_
    return (-1) ** sign * sp.Integer(man) * sp.Integer(2) ** exp


def mp_value(expr, point: dict, dps=MP_DPS) -> mpmath.mpf:
    """``expr`` at ``point`` to ``dps`` digits: exact rationals of the floats, evaluated by evalf.

    Activations are rewritten by :func:`~derive.ops.to_elementary`.  Raises
    ValueError for a non-real or non-finite result.  Do arithmetic on the result
    under ``mpmath.workdps(dps)``.

    >>> x = sp.Symbol('x', real=True)
    >>> with mpmath.workdps(30): print(mp_value(sp.exp(x), {x: 1.0}))
    2.71828182845904523536028747135
    """
    value = to_elementary(_as_expr(expr)).xreplace({s: _exact(v) for s, v in point.items()}).evalf(dps)
    if value.free_symbols:
        raise ValueError(f"no value for {sorted(map(str, value.free_symbols))}")
    re, im = value.as_real_imag()
    if not (re.is_number and im.is_number) or re.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise ValueError(f"{expr} is not finite at {point}")
    if im != 0 and abs(im) > sp.Float(10, dps) ** (-dps) * max(1, abs(re)):
        raise ValueError(f"{expr} is not real at {point}")
    with mpmath.workdps(dps):
        return mpmath.mpf(sp.Float(re, dps))


def confirm_counterexample(lhs, rhs, rel, point, dps=MP_DPS) -> tuple:
    """Evaluate ``lhs rel rhs`` at ``point`` in mpmath; is it violated beyond doubt?

    The violation must exceed 10^-(dps//2)·max(1, |l|, |r|), so a float
    artifact is never a refutation.  Returns ``(l, r, violated)``.

    >>> x = sp.Symbol('x', real=True)
    >>> confirm_counterexample(x**2, 2*x, "<=", {x: 3.0})[2]
    True
    >>> confirm_counterexample((x + 1)**2 - x**2 - 2*x, sp.Integer(1), "=", {x: 1e8})[2]
    False
    """
    if rel not in ("=", "<=", "<", ">=", ">"):
        raise ValueError(f"unknown relation {rel!r}")
    left, right = mp_value(lhs, point, dps), mp_value(rhs, point, dps)
    with mpmath.workdps(dps):
        margin = mpmath.mpf(10) ** (-(dps // 2)) * max(1, abs(left), abs(right))
        gap = abs(left - right) if rel == "=" else (left - right if "<" in rel else right - left)
        return left, right, bool(gap > margin)

