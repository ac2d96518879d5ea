"""The rational-function zero test: True only for expressions that are 0, checked at 50 digits.

:func:`derive.rational_zero.zero_as_rational_function` decides the
"cancel common factors" step of every identity and the matrix entry check, so
a True on a nonzero expression would let a false formula through.  Each case
below is labelled by hand; the label is checked independently by evaluating
the expression with mpmath at 50 digits at seeded points.
"""
import mpmath
import numpy as np
import pytest
import sympy as sp

from derive import sigmoid
from derive.prove import _cancelled
from derive.rational_zero import MAX_POWER, zero_as_rational_function

x, y, z = sp.symbols("x y z", real=True)
s = sigmoid(2 * x + y)
e_x = 1 / (1 + sp.exp(-x))

ZERO = [  # 0, and shown by this test
    s * (1 - s) * (x + y) - (x * s + y * s - x * s**2 - y * s**2),
    x / (x + 1) + 1 / (x + 1) - 1,
    e_x * (1 - e_x) - e_x + e_x**2,
    1 / (x - y) + 1 / (y - x),
    (x**2 - y**2) / (x - y) - x - y,
    sp.sqrt(x**2 + 1) * (x / sp.sqrt(x**2 + 1))**2 - x**2 / sp.sqrt(x**2 + 1),
    (1 + x)**12 - sp.expand((1 + x)**12),
    sp.exp(x) * sp.exp(y) - sp.exp(x + y),
    sp.exp(x / 3) ** 3 * sp.exp(-y / 2) - sp.exp(x - y / 2),
    x / sp.sqrt(x**2 + 1) - x * (x**2 + 1) ** sp.Rational(-1, 2),
    (x + 1) ** sp.Rational(3, 2) * (x + 1) ** sp.Rational(-1, 2) * sp.sqrt(x + 1) - (x + 1) ** sp.Rational(3, 2),
    sp.Sum(x * z, (z, 1, 3)) * (1 - y) - sp.Sum(x * z, (z, 1, 3)) + y * sp.Sum(x * z, (z, 1, 3)),
]

NOT_SHOWN = [  # 0, but only with a rule about a function: the test says False, never a wrong True
    sp.sqrt(x) * sp.sqrt(x * y) - x * sp.sqrt(y),  # at positive x, y
    sp.log(x * y) - sp.log(x) - sp.log(y),
    sigmoid(x) + sigmoid(-x) - 1,
]

NONZERO = [  # not 0: sign flips, constants a hair off, a term missing
    s * (1 - s) - s,
    x / (x + 1) + 1 / (x + 1) - 1 + sp.Rational(1, 10**30),
    e_x * (1 + e_x) - e_x + e_x**2,
    (x**2 - y**2) / (x - y) - x + y,
    (1 + x)**12 - sp.expand((1 + x)**12) + x**11,
    1 / (x - y) - 1 / (y - x),
    sp.exp(x) - sp.exp(y),
    sp.exp(x / 3) ** 3 * sp.exp(-y / 2) - sp.exp(x + y / 2),
    sp.exp(x) * sp.exp(y) - sp.exp(x + y) * (1 + sp.Rational(1, 10**30)),
    x / sp.sqrt(x**2 + 1) - x * (x**2 + 1) ** sp.Rational(-1, 3),
    x**(MAX_POWER + 1) - x * x**MAX_POWER + 1,
    sp.Add(sp.Float(0.1) * x, sp.Float(0.2) * x, -3 * x / 10, evaluate=False),  # a float: never exact
]


def value_at_50_digits(e, rng):
    """``e`` at a seeded point in mpmath at 50 digits (x, y, z positive and apart, so defined)."""
    point = {v: sp.Rational(int(rng.integers(1, 10**6)), 10**5) + k for k, v in enumerate((x, y, z))}
    return sp.N(e.doit().rewrite(sp.exp).xreplace(point), 50)


@pytest.mark.parametrize("e", ZERO, ids=range(len(ZERO)))
def test_zero_is_shown_and_is_zero(e):
    rng = np.random.default_rng(0)
    assert all(abs(value_at_50_digits(e, rng)) < sp.Float(10)**-40 for _ in range(3))
    assert zero_as_rational_function(e) is True
    assert _cancelled(e) == 0


@pytest.mark.parametrize("e", NOT_SHOWN, ids=range(len(NOT_SHOWN)))
def test_identities_needing_function_rules_are_not_shown(e):
    rng = np.random.default_rng(1)
    assert all(abs(value_at_50_digits(e, rng)) < sp.Float(10)**-40 for _ in range(3))
    assert zero_as_rational_function(e) is False


@pytest.mark.parametrize("e", NONZERO, ids=range(len(NONZERO)))
def test_nonzero_is_never_called_zero(e):
    rng = np.random.default_rng(2)
    with mpmath.workdps(50):
        assert any(abs(value_at_50_digits(e, rng)) > sp.Float(10)**-40 for _ in range(3))
    assert zero_as_rational_function(e) is False


def test_a_zero_denominator_gives_no_answer():
    assert zero_as_rational_function(sp.Mul(x, sp.Pow(sp.Add(x, -x, evaluate=False), -1, evaluate=False),
                                            evaluate=False)) is False


def test_numbers_alone():
    assert zero_as_rational_function(sp.Integer(0)) is True
    assert zero_as_rational_function(sp.Rational(1, 3) - sp.Rational(2, 6)) is True
    assert zero_as_rational_function(sp.pi - sp.pi) is True
    assert zero_as_rational_function(sp.pi - 3) is False
    assert zero_as_rational_function(sp.oo) is False
