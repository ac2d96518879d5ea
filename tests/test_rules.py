"""Every rule of the table: its symbolic rule against sympy.diff and finite differences,
its NumPy implementation against mpmath."""
import math

import numpy as np
import pytest
import sympy as sp

from derive import RULES, MissingRule, derivative, elu, leaky_relu, relu, sigmoid, softplus
from derive.check import check_gradient, check_values
from derive.functions import to_elementary
from derive.parse import Domain
from derive.symbols import symbol

x, y = symbol("x"), symbol("y")
POSITIVE = Domain(sp.Interval.open(sp.Rational(1, 10), 5))

# op -> (expression using the op, the variables, domains)
CASES = {
    "add": (x + y, (x, y), {}),
    "sub": (x - y, (x, y), {}),
    "mul": (x * y, (x, y), {}),
    "div": (x / y, (x, y), {y: POSITIVE}),
    "pow": (x**y, (x, y), {x: POSITIVE}),
    "sqrt": (sp.sqrt(x), (x,), {x: POSITIVE}),
    "exp": (sp.exp(x), (x,), {}),
    "log": (sp.log(x), (x,), {x: POSITIVE}),
    "tanh": (sp.tanh(x), (x,), {}),
    "abs": (sp.Abs(x), (x,), {}),
    "max": (sp.Max(x, y), (x, y), {}),
    "min": (sp.Min(x, y), (x, y), {}),
    "floor": (sp.floor(x), (x,), {}),
    "ceil": (sp.ceiling(x), (x,), {}),
    "sign": (sp.sign(x), (x,), {}),
    "sigmoid": (sigmoid(x), (x,), {}),
    "softplus": (softplus(x), (x,), {}),
    "relu": (relu(x), (x,), {}),
    "leaky_relu": (leaky_relu(x, y), (x, y), {}),
    "elu": (elu(x, y), (x, y), {}),
}
SCALAR_OPS = sorted(set(RULES) - {"softmax", "sum"})


def test_every_scalar_rule_has_a_case():
    assert sorted(CASES) == SCALAR_OPS


def _binary(op):
    a, b = x, y
    return RULES[op].forward(a, b), (a, b)


@pytest.mark.parametrize("op", SCALAR_OPS)
def test_rule_against_sympy_diff_and_finite_differences(op):
    expr, variables, domains = CASES[op]
    if op in ("sub", "div"):  # built by the forward of the table entry itself
        expr = RULES[op].forward(x, y)
    ours = {v: derivative(expr, v) for v in variables}
    # against SymPy's own differentiation of the elementary form (away from kinks)
    theirs = {v: sp.diff(to_elementary(expr), v) for v in variables}
    for v, d in theirs.items():  # SymPy leaves d floor/dx unevaluated and gives sign′ = 2δ(x):
        if d.has(sp.Derivative, sp.DiracDelta):  # both are 0 away from the jumps
            assert op in ("floor", "ceil", "sign")
            theirs[v] = d.replace(lambda e: isinstance(e, (sp.Derivative, sp.DiracDelta)), lambda e: sp.S.Zero)
    for v in variables:
        evidence = check_values(ours[v], theirs[v], list(variables), n=150, seed=1, domains=domains)
        assert evidence.passed, (op, v, evidence)
    # against central finite differences of the forward expression
    evidence = check_gradient(expr, ours, list(variables), list(variables), n=150, seed=2, domains=domains)
    assert evidence.passed, (op, evidence)


def test_a_wrong_rule_is_caught_by_the_same_checks():
    wrong = {x: sp.exp(x) * (1 - sp.exp(x))}  # not the sigmoid derivative
    assert not check_gradient(sigmoid(x), wrong, [x], [x], n=50).passed


@pytest.mark.parametrize("name", ["sigmoid", "softplus", "relu", "tanh", "exp"])
def test_numpy_implementation_matches_mpmath(name):
    rule = RULES[name]
    points = np.linspace(-30, 30, 61) + 0.37
    got = rule.numpy(points)
    for p, value in zip(points, got):
        exact = sp.N(to_elementary(rule.forward(sp.Rational(p))), 40)
        assert math.isclose(float(value), float(exact), rel_tol=1e-12, abs_tol=1e-300)


@pytest.mark.parametrize("name", ["leaky_relu", "elu"])
def test_two_argument_numpy_implementations(name):
    rule = RULES[name]
    points = np.array([-5.5, -1.25, -0.001, 0.001, 2.5])
    for p in points:
        exact = sp.N(to_elementary(rule.forward(sp.Rational(p), sp.Rational(1, 5))), 30)
        assert math.isclose(float(rule.numpy(p, 0.2)), float(exact), rel_tol=1e-12)


def test_stable_kernels_do_not_overflow():
    big = np.array([-1000.0, 1000.0])
    for name in ("sigmoid", "softplus"):
        assert np.all(np.isfinite(RULES[name].numpy(big)))
    assert np.allclose(RULES["softmax"].numpy(np.array([1000.0, 999.0])).sum(), 1.0)


@pytest.mark.parametrize("f, expected", [(relu(x), 0), (leaky_relu(x, y), y), (elu(x, y), y)])
def test_kink_convention_takes_the_left_branch(f, expected):
    assert derivative(f, x).subs(x, 0) == expected


def test_sympy_diff_uses_the_table_for_activations():
    assert sp.diff(sigmoid(x), x) == RULES["sigmoid"].grad(sigmoid(x), x)[0]
    assert sp.diff(softplus(x), x) == sigmoid(x)


def test_softmax_jacobian_rule():
    o = sp.symbols("o1:4", real=True)
    p = RULES["softmax"].forward(*o)
    jac = RULES["softmax"].partials(p, *o)
    for i in range(3):
        for j in range(3):
            assert sp.simplify(jac[i][j] - sp.diff(p[i], o[j])) == 0


def test_missing_rule_names_the_operation():
    with pytest.raises(MissingRule, match="'gamma'"):
        derivative(sp.gamma(x), x)


def test_rule_returning_wrong_arity_fails_loudly():
    from derive.rules import Rule
    broken = Rule("broken", sp.Add, lambda out, a, b: (1,), np.add, "+", "+")
    with pytest.raises(AssertionError, match="broken"):
        broken.partials(x + y, x, y)


def test_indexed_sum_rule():
    o = sp.IndexedBase("o")
    k, j, K = sp.symbols("k j K", integer=True, positive=True)
    total = sp.Sum(sp.exp(o[k]), (k, 1, K))
    d = derivative(total, o[j])
    assert d == sp.Sum(sp.exp(o[k]) * sp.KroneckerDelta(k, j), (k, 1, K))
    assert sp.simplify(d.subs(K, 3).doit().subs(j, 2)) == sp.exp(o[2])
