"""The textbook constructs of the claim language: parse, print, lower, and refuse bad forms."""
import math
import time

import mpmath
import pytest
import sympy as sp

from derive.lang import ParseError, parse_expression, prepare
from derive.lang.expectations import Expectation, sample
from derive.lang.lowering import Undecidable, expand_expectations, instances, needs_lowering, resolve_limits
from derive.render.printing import latex, text
from derive.symbols import symbol

HANG_GUARD = 5.0


def lowered(claim_text, assume, sizes=range(1, 5)):
    return list(instances(prepare(claim_text, assume), sizes=sizes))


def value(expr, point):
    return float(expr.xreplace({symbol(k): sp.Float(v, 30) for k, v in point.items()}).evalf(30))


# 1. sums and products
def test_sum_stays_unevaluated_and_prints_as_written():
    e = parse_expression("sum(i**2, (i, 1, 3))")
    assert isinstance(e, sp.Sum) and e.limits[0][0].is_integer
    assert text(e) == "∑_{i=1}^{3} i²"
    assert latex(e) == r"\sum_{i=1}^{3} i^{2}"
    assert text(parse_expression("prod(1 + x/k, (k, 1, n))")) == "∏_{k=1}^{n} (1 + x/k)"


def test_symbolic_sum_lowers_for_each_allowed_length():
    out = lowered("sum(i, (i, 1, n)) = n*(n + 1)/2", ["n integer >= 2"])
    assert [n for n, _ in out] == [{"n": 2}, {"n": 3}, {"n": 4}]
    for sizes, claim in out:
        k = sizes["n"]
        assert claim.lhs == k * (k + 1) // 2 == claim.rhs
        assert f"n = {k}" in claim.assumptions


def test_sum_bound_must_be_an_integer_variable():
    with pytest.raises(ParseError, match="must be an integer"):
        prepare("sum(i, (i, 1, n)) >= 0")


def test_huge_range_stays_symbolic_and_errors_only_when_expanded():
    start = time.monotonic()
    claim = prepare("sum(i, (i, 1, 10**9)) >= 0")
    assert time.monotonic() - start < HANG_GUARD
    with pytest.raises(ParseError, match="too many terms"):
        list(instances(claim))
    assert time.monotonic() - start < HANG_GUARD


# 4. where
def test_where_is_a_piecewise():
    e = parse_expression("where(x > 0, x, a*x)")
    assert e == sp.Piecewise((symbol("x"), symbol("x") > 0), (symbol("a") * symbol("x"), True))
    assert text(e) == "{x if x > 0; a·x otherwise}"
    assert "cases" in latex(e)


# 5. expectations
@pytest.mark.parametrize("claim, assume", [
    ("E(m*x/(1 - p), m ~ Bernoulli(1 - p)) = x", ["p in (0, 1)"]),
    ("Var(m*x/(1 - p), m ~ Bernoulli(1 - p)) = p*x**2/(1 - p)", ["p in (0, 1)"]),
    ("E(x**2, x ~ Normal(0, s)) = s**2", ["s > 0"]),
    ("Var(x, x ~ Uniform(-a, a)) = a**2/3", ["a > 0"]),
    ("E(m1*m2, m1 ~ Bernoulli(p), m2 ~ Bernoulli(q)) = p*q", []),
    ("E(v, v ~ Discrete([1, 2, 3], [1/2, 1/4, 1/4])) = 7/4", []),
    ("Var(x, x ~ Normal(mu, s)) = s**2", ["s > 0"]),
])
def test_expectations_carry_their_exact_value(claim, assume):
    c = prepare(claim, assume)
    assert needs_lowering(c)
    assert sp.simplify(expand_expectations(c.lhs) - c.rhs) == 0


def test_expectation_prints():
    e = parse_expression("E(m*x, m ~ Bernoulli(p))")
    assert str(e) == "E(m*x, m ~ Bernoulli(p))"
    assert text(e) == "E_{m∼Bernoulli(p)}[m·x]"
    assert latex(e) == r"\mathbb{E}_{m \sim \operatorname{Bernoulli}\left(p\right)}\left[m x\right]"
    assert text(parse_expression("Var(x, x ~ Uniform(0, 1))")) == "Var_{x∼Uniform(0, 1)}[x]"
    assert parse_expression("E") == sp.E
    assert e.free_symbols == {symbol("x"), symbol("p")}


def test_expectation_against_mpmath_and_monte_carlo():
    e = parse_expression("E(exp(x), x ~ Normal(0, s))")
    exact = value(expand_expectations(e), {"s": 0.7})
    quad = mpmath.quad(lambda z: mpmath.exp(0.7 * z) * mpmath.npdf(z), [-mpmath.inf, mpmath.inf])
    assert math.isclose(exact, float(quad), rel_tol=1e-12)
    draws = sample(e, {symbol("s"): 0.7}, 200000, seed=0)
    assert math.isclose(float(sum(math.exp(v) for v in draws[symbol("x")][:20000]) / 20000), exact, rel_tol=0.05)
    assert draws[symbol("x")].dtype.name == "float64"


def test_an_expectation_sympy_cannot_find_says_so():
    e = parse_expression("E(sigmoid(x), x ~ Normal(0, 1))")
    assert isinstance(e, Expectation) and e.value is None
    with pytest.raises(Undecidable, match="could not find"):
        expand_expectations(e)


# 2. vectors
def test_softmax_sums_to_one_in_each_instance():
    out = lowered("sum(softmax(o)[j], (j, 1, n)) = 1", ["o in R^n", "n integer >= 1"])
    assert [n["n"] for n, _ in out] == [1, 2, 3, 4]
    for sizes, c in out:
        assert sorted(c.domains) == [f"o_{k}" for k in range(1, sizes["n"] + 1)]
        assert math.isclose(value(c.lhs, {f"o_{k}": 0.3 * k - 1 for k in range(1, 5)}), 1.0, rel_tol=1e-12)


def test_logsumexp_and_max_write_out():
    (_, three), = lowered("logsumexp(o) <= max(o) + log(n)", ["o in R^n", "n integer >= 1"], sizes=[3])
    point = {"o_1": 0.5, "o_2": -1.0, "o_3": 2.0}
    assert math.isclose(value(three.lhs, point), float(mpmath.log(sum(mpmath.exp(v) for v in point.values()))))
    assert math.isclose(value(three.rhs, point), 2.0 + math.log(3))
    assert text(parse_expression("logsumexp(o) - max(o)")) == "logsumexp(o) − max(o)"


def test_norm_and_dot():
    (_, c), = lowered("dot(w, x) <= norm(w)*norm(x)", ["w in R^3", "x in R^3"])
    point = {"w_1": 1, "w_2": -2, "w_3": 0.5, "x_1": 3, "x_2": 1, "x_3": -1}
    assert value(c.lhs, point) == 0.5
    assert math.isclose(value(c.rhs, point), math.sqrt(5.25) * math.sqrt(11))
    (_, c), = lowered("norm(g) <= norm(g, 1)", ["g in R^2"])
    assert c.rhs == sp.Abs(symbol("g_1")) + sp.Abs(symbol("g_2"))
    assert text(parse_expression("norm(g, 1) + dot(w, x)")) == "‖g‖₁ + ⟨w, x⟩"
    assert latex(parse_expression("norm(g)")) == r"\left\lVert g \right\rVert"


def test_entries_print_and_take_domains():
    e = parse_expression("o[1] + softmax(o)[j]")
    assert text(e) == "o₁ + softmax(o)_j"
    assert latex(parse_expression("o[i]")) == "o_{i}"
    (_, c), = lowered("o[1] + o[2] >= 0", ["o in R^2", "o > 0"])
    assert c.domains["o_1"].interval == sp.Interval.open(0, sp.oo)


def test_gibbs_inequality_lowers_over_the_simplex():
    out = lowered("sum(p[i]*log(p[i]/q[i]), (i, 1, n)) >= 0", ["p in simplex^n", "q in simplex^n", "n integer >= 1"])
    sizes, c = out[2]
    assert sizes == {"n": 3} and any("simplex" in a for a in c.assumptions)
    point = {"p_w1": 1, "p_w2": 2, "p_w3": 3, "q_w1": 3, "q_w2": 1, "q_w3": 1}
    p, q = [1 / 6, 2 / 6, 3 / 6], [3 / 5, 1 / 5, 1 / 5]
    assert math.isclose(value(c.lhs, point), sum(a * math.log(a / b) for a, b in zip(p, q)), rel_tol=1e-12)
    assert all(d.interval == sp.Interval.open(0, sp.oo) for d in c.domains.values())


def test_length_inferred_from_the_sum():
    c = prepare("sum(o[i], (i, 1, n)) <= n*max(o)", ["n integer >= 1"])
    assert c.domains["o"].length == symbol("n")


# 3. argmax and limits
def test_limits_and_argmax():
    e = parse_expression("limit(sigmoid(x), x, oo)")
    assert resolve_limits(e) == 1 and text(e) == "lim_{x→∞} σ(x)"
    assert latex(e) == r"\lim_{x \to \infty} \left(\sigma\left(x\right)\right)"
    right = parse_expression("limit(1/x, x, 0, '+')")
    assert right.value == sp.oo and text(right) == "lim_{x→0⁺} 1/x"
    assert parse_expression("limit(exp(-x), x, -oo)").value == sp.oo
    a = parse_expression("argmax(x*(1 - x), x)")
    assert text(a) == "argmax_x (x·(1 − x))" and a.free_symbols == set()
    assert needs_lowering(prepare("argmax(x*(1 - x), x) = 1/2", ["x in (0, 1)"]))


# bad forms
@pytest.mark.parametrize("bad, fragment", [
    ("x[1] + x", "both as a vector"),
    ("(x + 1)[0]", "subscripts"),
    ("sigmoid(x)[1]", "subscripts"),
    ("o[1:2]", "one index"),
    ("o[i].real", "attribute"),
    ("o[i.__class__]", "attribute"),
    ("x > 0", "comparison"),
    ("sigmoid(x > 0)", "comparison"),
    ("where(x, 1, 0)", "one comparison"),
    ("m ~ Bernoulli(p)", "'~'"),
    ("sigmoid(m ~ Bernoulli(p))", "'~'"),
    ("E(m, m @ Bernoulli(p))", "@"),
    ("~x", "~ is not allowed"),
    ("E(m, m ~ eval(p))", "distribution"),
    ("E(m, m ~ Bernoulli(2))", "probability"),
    ("E(m, m ~ Bernoulli(m))", "parameters"),
    ("E(m, m ~ Discrete([1, 2], [1/2, 1/4]))", "sum to 1"),
    ("limit(x, x, 0, '*')", "'+' or '-'"),
    ("limit(x, x, oo, '+')", "no side"),
    ("sigmoid('+')", "strings"),
    ("x + oo", "oo"),
    ("__import__('os')", "__import__"),
    ("sum(i, (i, 1, n, 2))", "sum(expr, (i, a, b))"),
    ("sum(i, (i, 1, 1/2))", "integers"),
    ("softmax(o)", "softmax(o)[j]"),
    ("norm(g, 3)", "p = 1 or 2"),
    ("norm(g + 1)", "vector argument"),
])
def test_bad_forms_are_one_line_parse_errors(bad, fragment):
    start = time.monotonic()
    with pytest.raises(ParseError) as info:
        prepare(f"{bad} >= 0") if "both as" in fragment else parse_expression(bad)
    message = str(info.value)
    assert "\n" not in message and fragment in message, message
    assert time.monotonic() - start < HANG_GUARD


def test_vector_without_length_says_how_to_declare_it():
    with pytest.raises(ParseError, match=r"declare it with an assumption such as 'g in R\^n'"):
        prepare("norm(g) >= 0")
    with pytest.raises(ParseError, match="from 1 to 64"):
        prepare("norm(g) >= 0", ["g in R^65"])
    with pytest.raises(ParseError, match="index out of range"):
        lowered("o[4] >= 0", ["o in R^3"])
