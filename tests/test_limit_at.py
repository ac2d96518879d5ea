"""derive.limit_at's shortcuts against sympy.limit, shape by shape, and the shapes they must leave alone."""
import pytest
import sympy as sp

from derive.limit_at import _exp_limit, _rational_limit, _termwise_limit, limit_at

x = sp.Symbol("x", real=True)
a = sp.Symbol("a", positive=True)
e = sp.exp
oo = sp.oo

# (f, end, side): each one a shortcut settles
SETTLED = [
    (x**3 - 100 * x**2, oo, "-"), (x**3 - 100 * x**2, -oo, "+"), (-x**4 + x, -oo, "+"), (-x**4 + x, oo, "-"),
    ((x - 1)**2 - x**2, oo, "-"), ((x - 1)**2 - x**2, -oo, "+"), (sp.Integer(7), oo, "-"),
    ((3 * x**2 + 1) / (-6 * x**2 + x), oo, "-"), ((3 * x**2 + 1) / (-6 * x**2 + x), -oo, "+"),
    (-2 * x**3 / (x + 1), -oo, "+"), (-2 * x**3 / (x + 1), oo, "-"), (x**2 / (x**5 + 1), -oo, "+"),
    (-(2 * x + 1)**2 - 3 * (6 * x + 1)**2 + 4, 0, "+"), (1 - (1 - x)**2, 0, "+"), (x / (x + 1), 0, "-"),
    ((x**2 - 1) / (x - 1), 1, "-"), ((x**2 - 1) / (x - 1), 1, "+"),
    (x / (x - 1)**3, 1, "-"), (x / (x - 1)**3, 1, "+"), (-x / (x - 1)**2, 1, "-"), (-x / (x - 1)**2, 1, "+"),
    (1 / x, 0, "+"), (1 / x, 0, "-"), ((x - sp.Rational(1, 3)) / (3 * x - 1)**2, sp.Rational(1, 3), "-"),
    (-(1 - 1 / (1 + e(-x))) / (1 + e(-x)) + sp.Rational(1, 4), oo, "-"),
    (-(1 - 1 / (1 + e(-x))) / (1 + e(-x)) + sp.Rational(1, 4), -oo, "+"),
    ((1 - 1 / (1 + e(-x))) / (1 + e(-x)), oo, "-"), ((1 - 1 / (1 + e(-x))) / (1 + e(-x)), -oo, "+"),
    ((e(2 * x) - 1) / (e(2 * x) + e(x)), -oo, "+"), ((e(2 * x) - 1) / (e(2 * x) + e(x)), oo, "-"),
    ((e(x) - e(-x)) / (e(x) + e(-x)), oo, "-"), ((e(x) - e(-x)) / (e(x) + e(-x)), -oo, "+"),
    (e(x / 2) - e(x / 3), oo, "-"), (e(x / 2) - e(x / 3), -oo, "+"), (e(-3 * x) * 5 - 2, oo, "-"),
    (e(x) - 1, 0, "+"), ((e(x) + 1) / (e(x) - 1), 0, "+"), ((e(x) + 1) / (e(x) - 1), 0, "-"),
]

# shapes no shortcut may take: other functions, parameters, floats, irrational coefficients, x beside exp
LEFT = [
    (e(x) / x, oo, "-"), (x * e(-x), oo, "-"), (sp.log(1 + e(-x)) - sp.Abs(x), oo, "-"), (sp.sin(x) / x, 0, "+"),
    (e(x / a), oo, "-"), (a * x**2, oo, "-"), (sp.Float(0.5) * x**2 - x, oo, "-"), (sp.sqrt(2) * x - x, oo, "-"),
    (x - sp.log(x) - 1, 0, "+"), (1 / (e(-1 / x) + 1), 0, "+"), (e(x**2) / (e(x**2) + 1), oo, "-"),
    (e(sp.sqrt(2) * x) - e(x), oo, "-"), (x / (x + 1), sp.pi, "-"),
]


@pytest.mark.parametrize("f, end, side", SETTLED)
def test_a_shortcut_gives_sympy_s_limit(f, end, side):
    end = sp.sympify(end)
    ours = _rational_limit(f, x, end, side)
    if ours is None:
        ours = _exp_limit(f, x, end, side)
    assert ours is not None, "no shortcut took it"
    assert ours == sp.limit(f, x, end, side)
    assert limit_at(f, x, end, side) == ours


@pytest.mark.parametrize("f, end, side", LEFT)
def test_other_shapes_go_to_sympy(f, end, side):
    end = sp.sympify(end)
    assert _rational_limit(f, x, end, side) is None and _exp_limit(f, x, end, side) is None
    assert limit_at(f, x, end, side) == sp.limit(f, x, end, side)


def test_complex_infinity_and_irrational_ends_are_left_to_sympy():
    for end in (sp.zoo, sp.pi, sp.sqrt(2)):
        assert _rational_limit(x**2 + 1, x, end, "+") is None and _exp_limit(sp.exp(x), x, end, "+") is None


# sums the termwise shortcut settles: every term has a limit and no ∞ meets −∞
SUMS = [
    (sp.log(1 + e(-x)) - sp.Abs(x) + 10, oo, "-"), (sp.log(1 + e(-x)) + sp.Abs(x) / 10, oo, "-"),
    (sp.log(1 + e(-x)) + sp.Abs(x) / 10, -oo, "+"), (-sp.log(x) / 3 - 2 * sp.log(1 - x) / 3, 1, "-"),
    (-sp.log(x) / 3 - 2 * sp.log(1 - x) / 3, 0, "+"), (x - sp.log(x) - 1, 0, "+"), (-x**2 + sp.Abs(x), 1, "-"),
    ((x - sp.Rational(1, 2))**2 / 2 + sp.Abs(x), -oo, "+"), (sp.atan(x) + e(-x) + sp.log(2), oo, "-"),
    (sp.sqrt(x) + sp.log(x), oo, "-"),
]
# sums it must leave to sympy.limit on the whole: ∞ − ∞, a term without a limit
UNSETTLED = [
    (sp.log(1 + e(-x)) - sp.Abs(x) + 10, -oo, "+"), (x - sp.log(x) - 1, oo, "-"), (x**2 - sp.Abs(x), oo, "-"),
    (sp.sin(x) + x, oo, "-"), (sp.sqrt(x**2 + x) - x, oo, "-"), (sp.cos(1 / x) + 1, 0, "+"),
]


@pytest.mark.parametrize("f, end, side", SUMS)
def test_a_sum_of_limits_is_sympy_s_limit_of_the_sum(f, end, side):
    end = sp.sympify(end)
    ours = _termwise_limit(f, x, end, side)
    assert ours is not None
    assert ours == sp.limit(f, x, end, side)
    assert limit_at(f, x, end, side) == ours


@pytest.mark.parametrize("f, end, side", UNSETTLED)
def test_sums_that_cancel_or_oscillate_go_to_sympy(f, end, side):
    end = sp.sympify(end)
    assert _termwise_limit(f, x, end, side) is None
    assert limit_at(f, x, end, side) == sp.limit(f, x, end, side)
