"""Exact numbers as short text that reads back as exactly the same number: counterexample coordinates.

>>> import sympy as sp
>>> [shown(v) for v in (sp.Rational(-1, 2), sp.Rational(1, 10**9), sp.Integer(10)**400, sp.Rational(1, 7))]
['-1/2', '1e-9', '1e400', '1/7']
"""
from __future__ import annotations

import sympy as sp

__all__ = ["shown", "exact_point"]


def shown(v):
    """A point's coordinate as text that reads back as exactly this number, kept short where it can be.

    Integers and short fractions are themselves, a terminating decimal its
    digits ('-1e-9', '0.001'), a power of ten beyond the floats '1e400', a
    float's exact value its repr; anything else its fraction.
    """
    v = sp.sympify(v, strict=True)  # a number the tool computed; strict: never text
    if not v.is_Rational:
        return str(v)
    if v.is_Integer:
        return decimal(v) if abs(v) >= 10**21 else str(v)
    if v.q <= 10**6 and abs(v.p) < 10**21:
        return str(v)
    shown = decimal(v)
    if shown is not None and len(shown) <= 24:
        return shown
    if abs(v) < sp.Float("1e300") and sp.Rational(float(v)) == v:
        return repr(float(v))
    return shown or str(v)


def decimal(v):
    """A rational with a terminating decimal expansion, as short exact text; None otherwise."""
    q, twos, fives = v.q, 0, 0
    while q % 2 == 0:
        q, twos = q // 2, twos + 1
    while q % 5 == 0:
        q, fives = q // 5, fives + 1
    if q != 1:
        return None if not v.is_Integer else str(v)
    digits = max(twos, fives)
    mantissa = v.p * 10**digits // v.q  # exact: v = mantissa / 10**digits
    sign, mantissa = ("-" if mantissa < 0 else ""), abs(mantissa)
    exponent = -digits
    while mantissa and mantissa % 10 == 0:
        mantissa, exponent = mantissa // 10, exponent + 1
    text_digits = str(mantissa)
    if -6 <= exponent <= 0 and len(text_digits) <= 20:
        padded = text_digits.rjust(-exponent + 1, "0")
        return sign + (padded[:exponent] + "." + padded[exponent:] if exponent else padded)
    if 0 < exponent and len(text_digits) + exponent <= 21:
        return sign + text_digits + "0" * exponent
    head, tail = text_digits[0], text_digits[1:]
    return f"{sign}{head}{'.' + tail if tail else ''}e{exponent + len(tail)}"


def exact_point(point):
    """{name: shown value} of a point {symbol: exact number}."""
    return {s.name: shown(v) for s, v in point.items()}
