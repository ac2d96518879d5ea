"""Every entry of the op table, everywhere a function works: its rule against sympy.diff and
finite differences, its float64 kernel against mpmath at 50 digits, and the function in claims,
in ``derive grad``, in graphs and network builders, and in the printers.

Adding an operation is one entry in a module of ``derive/ops/`` plus its row in ``CASES`` (and,
for a function of one variable, in ``CLAIMS``); the tests below then cover it.
"""
import math
import subprocess
import sys
from pathlib import Path

import mpmath

import numpy as np
import pytest
import sympy as sp

import derive
from derive import (OPS, MissingRule, derivative, elu, gelu, hardtanh, leaky_relu, mish, relu, selu, sigmoid, silu,
                    softplus, softsign)
from derive.numeric import check_gradient, check_values
from derive.ops import to_elementary
from derive.lang import Domain
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
    "gelu": (gelu(x), (x,), {}),
    "erf": (sp.erf(x), (x,), {}),
    "silu": (silu(x), (x,), {}),
    "mish": (mish(x), (x,), {}),
    "softsign": (softsign(x), (x,), {}),
    "selu": (selu(x), (x,), {}),
    "hardtanh": (hardtanh(x), (x,), {}),
    "sin": (sp.sin(x), (x,), {}),
    "cos": (sp.cos(x), (x,), {}),
    "sinh": (sp.sinh(x), (x,), {}),
    "cosh": (sp.cosh(x), (x,), {}),
    "atan": (sp.atan(x), (x,), {}),
}
ROOT = Path(__file__).resolve().parents[1]
# Functions of one variable: a claim each that the verifier must prove (a textbook identity or
# bound), the name the claim language calls it by, and the points its kernel is checked at.
CLAIMS = {
    "gelu": "diff(gelu(x), x) = (1 + erf(x/sqrt(2)))/2 + x*exp(-x**2/2)/sqrt(2*pi)",
    "erf": "erf(-x) = -erf(x)",
    "silu": "silu(x) = x*sigmoid(x)",
    "mish": "mish(x) = x*tanh(softplus(x))",
    "softsign": "abs(softsign(x)) < 1",
    "selu": "diff(selu(x), x) > 0",
    "hardtanh": "hardtanh(x) = Max(-1, Min(1, x))",
    "sin": "sin(x)**2 + cos(x)**2 = 1",
    "cos": "cos(-x) = cos(x)",
    "cosh": "cosh(x) >= 1",
    "atan": "atan(x) < 2",
    "sign": "sign(x)*abs(x) = x",
}
KERNEL_POINTS = [-700.0, -30.0, -5.5, -1.0, -1e-3, -1e-12, 0.0, 1e-12, 1e-3, 0.37, 1.0, 5.5, 30.0, 700.0]
SCALAR_OPS = sorted(set(OPS) - {"softmax", "sum"})


def test_every_scalar_rule_has_a_case():
    assert sorted(CASES) == SCALAR_OPS


def _binary(op):
    a, b = x, y
    return OPS[op].forward(a, b), (a, b)


@pytest.mark.parametrize("op", SCALAR_OPS)
def test_rule_against_sympy_diff_and_finite_differences(op):
    expr, variables, domains = CASES[op]
    if op in ("sub", "div"):  # built by the forward of the table entry itself
        expr = OPS[op].forward(x, y)
    ours = {v: derivative(expr, v) for v in variables}
    # against SymPy's own differentiation of the elementary form (away from kinks)
    theirs = {v: sp.diff(to_elementary(expr), v) for v in variables}
    for v, d in theirs.items():  # SymPy leaves d floor/dx unevaluated and gives sign′ = 2δ(x):
        if d.has(sp.Derivative, sp.DiracDelta):  # both are 0 away from the jumps
            assert op in ("floor", "ceil", "sign", "softsign", "hardtanh")
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
    rule = OPS[name]
    points = np.linspace(-30, 30, 61) + 0.37
    got = rule.numpy(points)
    for p, value in zip(points, got):
        exact = sp.N(to_elementary(rule.forward(sp.Rational(p))), 40)
        assert math.isclose(float(value), float(exact), rel_tol=1e-12, abs_tol=1e-300)


@pytest.mark.parametrize("name", ["leaky_relu", "elu"])
def test_two_argument_numpy_implementations(name):
    rule = OPS[name]
    points = np.array([-5.5, -1.25, -0.001, 0.001, 2.5])
    for p in points:
        exact = sp.N(to_elementary(rule.forward(sp.Rational(p), sp.Rational(1, 5))), 30)
        assert math.isclose(float(rule.numpy(p, 0.2)), float(exact), rel_tol=1e-12)


def test_stable_kernels_do_not_overflow():
    big = np.array([-1000.0, 1000.0])
    for name in ("sigmoid", "softplus"):
        assert np.all(np.isfinite(OPS[name].numpy(big)))
    assert np.allclose(OPS["softmax"].numpy(np.array([1000.0, 999.0])).sum(), 1.0)


@pytest.mark.parametrize("f, expected", [(relu(x), 0), (leaky_relu(x, y), y), (elu(x, y), y)])
def test_kink_convention_takes_the_left_branch(f, expected):
    assert derivative(f, x).subs(x, 0) == expected


def test_sympy_diff_uses_the_table_for_activations():
    assert sp.diff(sigmoid(x), x) == OPS["sigmoid"].grad(sigmoid(x), x)[0]
    assert sp.diff(softplus(x), x) == sigmoid(x)


def test_softmax_jacobian_rule():
    o = sp.symbols("o1:4", real=True)
    p = OPS["softmax"].forward(*o)
    jac = OPS["softmax"].partials(p, *o)
    for i in range(3):
        for j in range(3):
            assert sp.simplify(jac[i][j] - sp.diff(p[i], o[j])) == 0


def test_missing_rule_names_the_operation():
    with pytest.raises(MissingRule, match="'gamma'"):
        derivative(sp.gamma(x), x)


def test_rule_returning_wrong_arity_fails_loudly():
    from derive.ops import Op
    broken = Op("broken", sp.Add, lambda out, a, b: (1,), np.add)
    with pytest.raises(AssertionError, match="broken"):
        broken.partials(x + y, x, y)


def test_indexed_sum_rule():
    o = sp.IndexedBase("o")
    k, j, K = sp.symbols("k j K", integer=True, positive=True)
    total = sp.Sum(sp.exp(o[k]), (k, 1, K))
    d = derivative(total, o[j])
    assert d == sp.Sum(sp.exp(o[k]) * sp.KroneckerDelta(k, j), (k, 1, K))
    assert sp.simplify(d.subs(K, 3).doit().subs(j, 2)) == sp.exp(o[2])


# --- every function of one variable, everywhere ---------------------------------------------

UNARY = sorted(op for op, (expr, variables, _) in CASES.items()
               if len(variables) == 1 and OPS[op].names and OPS[op].numpy is not None and op != "sqrt"
               and op != "log")


def exact_value(op, p):
    """The op at p in mpmath at 50 digits, from its SymPy definition (never from the kernel)."""
    with mpmath.workdps(60):
        value = sp.N(to_elementary(OPS[op].forward(sp.Rational(p))), 50, maxn=4000)  # exact input: evalf adapts
    return value


@pytest.mark.parametrize("op", UNARY)
def test_kernel_agrees_with_mpmath_at_50_digits(op):
    got = OPS[op].numpy(np.array(KERNEL_POINTS))
    for p, value in zip(KERNEL_POINTS, got):
        exact = exact_value(op, p)
        if exact == 0 or exact._prec < 100:  # beyond what 50 digits resolve: the value underflows float64
            assert abs(value) < 1e-300 and abs(float(exact)) < 1e-150, (op, p, value, exact)
            continue
        if exact.is_finite is False or abs(float(exact)) > 1.7e308:
            assert not np.isfinite(value) or abs(value) > 1e300, (op, p, value)  # cosh(700) is huge
            continue
        assert np.isfinite(value), (op, p, value)
        tolerance = 1e-12 * abs(float(exact)) + 1e-300  # gelu(−30) is ill-conditioned: 1.2e-13 relative
        assert abs(float(value) - float(exact)) <= tolerance, (op, p, float(value), exact)


@pytest.mark.parametrize("op", sorted(CLAIMS))
def test_claims_with_the_function_are_proved(op):
    verdict = derive.verify(CLAIMS[op])
    assert verdict.status == "proved", (op, verdict)


def test_swish_is_silu_in_claims():
    assert derive.verify("swish(x) = silu(x)").status == "proved"
    assert derive.verify("silu(x) = x*sigmoid(2*x)").status == "refuted"


@pytest.mark.parametrize("op", UNARY)
def test_the_function_in_a_graph_its_gradient_checks(op):
    from derive.graph import Graph
    w, b = symbol("w"), symbol("b")
    g, f = Graph.from_expr(OPS[op].forward(w * x + b) * x / 2, params=["w", "b"])
    d = g.grad(f, [g["w"], g["b"]])
    evidence = d.check()
    assert evidence.passed, (op, evidence)
    if OPS[op].notation:  # the local derivative is written the textbook's way, f′(u)
        assert f"{OPS[op].text}′(" in str(d), (op, str(d))


@pytest.mark.parametrize("name", sorted(derive.nets.ACTIVATIONS))
def test_every_activation_builds_a_network_whose_gradient_checks(name):
    g, loss = derive.nets.mlp((2, 2, 1), activation=name)
    assert g.grad(loss, g["b_11"]).check().passed, name


def test_the_builders_take_every_activation_of_the_table():
    assert {"gelu", "silu", "mish", "softsign", "selu", "hardtanh"} <= set(derive.nets.ACTIVATIONS)


@pytest.mark.parametrize("op", UNARY)
def test_the_function_prints_in_text_and_latex(op):
    from derive.render.printing import latex, text
    e = OPS[op].forward(x)
    shown, tex = text(e), latex(e)
    assert OPS[op].text in shown or op in shown or shown == "|x|", (op, shown)
    assert "x" in tex and "?" not in tex, (op, tex)


def test_derive_grad_on_the_command_line_takes_the_new_functions():
    r = subprocess.run([sys.executable, "-m", "derive", "grad", "gelu(w*x) + mish(x) + cosh(w)", "--wrt", "w"],
                       capture_output=True, text=True, cwd=ROOT, stdin=subprocess.DEVNULL, timeout=300,
                       env={**__import__("os").environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "GELU′(" in r.stdout and "agrees" in r.stdout


def test_a_tie_of_identical_arguments_is_one_argument():
    """Max(f, f) is f, so its derivative is f′, also when the copies are different graph nodes."""
    from derive.graph import Graph
    assert derivative(sp.Max(sp.Abs(x), sp.sqrt(x**2)), x) == sp.sign(x)
    g = Graph()
    u0 = g.input("x")
    u1 = g.let("u1", sp.Abs(u0))
    u2 = g.let("u2", sp.Abs(u1))
    f = g.let("f", sp.Max(u1, u2))
    d = g.grad(f, u0)
    assert sp.simplify(d.expr - sp.sign(u0)) == 0
    assert d.check().passed
    # a genuine tie at one point (a kink) still sends the gradient nowhere: Max(x, 0)′(0) = 0 = relu′(0)
    assert derivative(sp.Max(x, 0), x).subs(x, 0) == 0
