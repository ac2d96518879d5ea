"""Tests of derive.numeric, the numeric cross-checker: every check here can fail."""
import json
from dataclasses import dataclass

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.numeric import (GRADCHECK, Evidence, Tolerance, check_expectation, check_gradient,
                            check_values, confirm_counterexample, mp_value, numpy_function, sample_points)
from derive.ops import elu, kinks, leaky_relu, relu, sigmoid, step
from derive.ops import derivative
from derive.symbols import symbol

x, y, w, b = (symbol(name) for name in "xywb")


@dataclass(frozen=True)
class Domain:  # the shape of derive.lang.Domain, duck-typed by derive.numeric
    interval: sp.Interval
    integer: bool = False


# --- gradients -------------------------------------------------------------------

def test_correct_gradient_passes():
    f = sigmoid(w * x + b) ** 2
    ev = check_gradient(f, {s: derivative(f, s) for s in (w, x, b)}, [w, x, b])
    assert ev.passed, ev.detail
    assert ev.method == "finite differences" and ev.points == 100
    assert ev.max_abs_err < 1e-8


def test_wrong_gradient_fails_and_reports_the_worst_point():
    ev = check_gradient(x**3, {x: 2 * x**2}, x)  # d/dx x³ is 3x², not 2x²
    assert not ev.passed
    assert set(ev.worst) == {"x"}
    xw = ev.worst["x"]
    assert not GRADCHECK.agrees(2 * xw**2, 3 * xw**2)  # the reported point really disagrees
    assert abs(xw) > 2.5  # the largest error of x² on [-3, 3] is near the ends
    assert "worst d/dx at x=" in ev.detail and "disagrees" in str(ev)


def test_one_wrong_partial_among_several_fails():
    f = x**2 * y
    assert check_gradient(f, {x: 2 * x * y, y: x**2}, [x, y]).passed
    ev = check_gradient(f, {x: 2 * x * y, y: x}, [x, y])
    assert not ev.passed and "worst d/dy" in ev.detail


def test_callable_function_and_gradient():
    f = lambda p: np.sin(p[x]) * p[y]
    good = lambda p: {x: np.cos(p[x]) * p[y], y: np.sin(p[x])}
    bad = lambda p: {x: -np.cos(p[x]) * p[y], y: np.sin(p[x])}
    assert check_gradient(f, good, [x, y]).passed
    assert not check_gradient(f, bad, [x, y]).passed


@pytest.mark.parametrize("f, right, wrong", [
    (relu(x), step(x), step(-x)),
    (sp.Abs(x), sp.sign(x), sp.Integer(1)),
    (leaky_relu(x, sp.Rational(1, 10)), sp.Piecewise((1, x > 0), (sp.Rational(1, 10), True)), step(x)),
    (elu(x), derivative(elu(x), x), step(x)),
    (sp.Max(x, y), sp.Piecewise((1, x > y), (0, True)), sp.Piecewise((1, x < y), (0, True))),
])
def test_kinked_gradients_never_straddle_the_kink(f, right, wrong):
    ev = check_gradient(f, {x: right}, x, [x, y], n=500)
    assert ev.passed, ev.detail
    assert ev.points == 500 and ev.max_abs_err < 1e-6  # no difference quotient crossed a kink
    assert not check_gradient(f, {x: wrong}, x, [x, y], n=500).passed


def test_kink_avoidance_in_a_window_around_the_kink():
    # in [-2e-3, 2e-3] a plain sampler would put points within one step of 0; the checker rejects them
    ev = check_gradient(relu(x), {x: step(x)}, x, domains={x: (-2e-3, 2e-3)}, n=500)
    assert ev.passed and ev.points == 500, ev.detail
    rejected = int(ev.detail.split("rejected ")[1].split(" near a kink")[0])
    assert rejected > 500
    pts = sample_points([x], 500, domains={x: (-2e-3, 2e-3)}, avoid=[x])
    assert np.abs(pts[x]).min() > 1e-3


def test_float_artifact_in_finite_differences_is_settled_by_mpmath():
    # f = x + 10¹²: the difference quotient is rounding noise, mpmath's derivative is exactly 1
    ev = check_gradient(x + 10**12, {x: 1}, x)
    assert ev.passed and "settled by mpmath" in ev.detail
    assert not check_gradient(x + 10**12, {x: 2}, x).passed
    # without expressions nothing can be settled, so the float disagreement stands
    assert not check_gradient(lambda p: p[x] + 1e12, lambda p: {x: np.ones_like(p[x])}, x).passed


def test_gradient_wrt_integer_variable_is_refused():
    n = symbol("n", integer=True)
    with pytest.raises(ValueError, match="integer"):
        check_gradient(x**n, {n: x**n * sp.log(x)}, n)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_gradient_verdicts_hold_for_any_seed(seed):
    f = sp.log(1 + sp.exp(w * x + b))
    right = {s: derivative(f, s) for s in (w, b)}
    assert check_gradient(f, right, [w, b], seed=seed).passed
    assert not check_gradient(f, {w: right[w], b: right[b] + 0.1}, [w, b], seed=seed).passed


# --- values and domains -------------------------------------------------------------

def test_identity_passes_and_non_identity_fails():
    assert check_values(sigmoid(-x), 1 - sigmoid(x)).passed
    ev = check_values(sigmoid(-x), sigmoid(x))
    assert not ev.passed and "disagreements" in ev.detail
    ev = check_values(2 * x, x)
    assert ev.max_rel_err == pytest.approx(1.0) and ev.max_abs_err == pytest.approx(20.0)  # edge x = ±20


def test_nan_candidate_against_finite_reference_fails():
    ev = check_values(lambda p: np.full_like(p[x], np.nan), x**2, [x])
    assert not ev.passed and ev.max_abs_err == np.inf
    assert not check_values(sp.nan * x, x**2).passed
    assert not check_values(sp.zoo * x, x**2, [x]).passed


def test_complex_values_are_not_real_agreement():
    assert np.isnan(numpy_function(sp.exp(sp.I * x), [x])({x: np.array([1.0])})).all()
    assert not check_values(sp.exp(sp.I * x), sp.cos(x)).passed


def test_points_where_an_intermediate_overflows_are_rejected():
    # at the edge points x = ±20, exp(x⁴) overflows although exp(-exp(x⁴)) is a finite 0
    naive = lambda p: np.exp(-np.exp(p[x]**4)) * np.exp(p[x]**4) / np.exp(p[x]**4)
    ev = check_values(naive, sp.exp(-sp.exp(x**4)), [x])
    assert ev.passed, ev.detail
    assert ev.points == check_values(x, x).points - 2


def test_infinity_never_agrees():
    tol = Tolerance()
    assert not tol.agrees(np.inf, np.inf) and not tol.agrees(np.nan, np.nan)
    assert not tol.agrees(1.0, np.inf) and not tol.agrees(np.inf, 1.0)
    assert tol.agrees(1.0 + 1e-4, 1.0) and not tol.agrees(1.01, 1.0)


@pytest.mark.parametrize("domain", [Domain(sp.Interval.open(0, sp.oo)), (1e-6, 5.0), sp.Interval.open(0, 3)])
def test_log_domain_samples_only_positive_values(domain):
    pts = sample_points([x], 1000, domains={x: domain})
    assert pts[x].shape == (1000,) and (pts[x] > 0).all()
    assert check_values(2 * sp.log(x), sp.log(x**2), domains={x: domain}).passed


def test_without_the_domain_the_log_identity_fails():
    assert not check_values(2 * sp.log(x), sp.log(x**2)).passed  # 2 log x is NaN for x < 0


def test_reference_outside_its_domain_is_resampled_and_counted():
    ev = check_values(sp.sqrt(x), sp.sqrt(x))  # half of [-3, 3] lies outside the domain
    assert ev.passed
    assert "0 where the reference is not finite" not in ev.detail


def test_too_few_valid_points_fails_with_a_reason():
    ev = check_values(x, sp.sqrt(-1 - x**2))  # the reference is never real
    assert not ev.passed and ev.points == 0
    assert "valid points" in ev.detail


def test_open_and_infinite_domains():
    pts = sample_points([x, y], 500, domains={x: Domain(sp.Interval.open(0, 1)),
                                              y: Domain(sp.Interval(-sp.oo, -2, right_open=True))})
    assert ((pts[x] > 0) & (pts[x] < 1)).all()
    assert ((pts[y] < -2) & (pts[y] >= -8)).all() and pts[y].min() < -7  # window [hi - 6, hi)
    wrong_at_0 = lambda p: np.where(p[x] == 0.0, 1.0, p[x])  # 0 is an edge point unless the end is open
    assert check_values(wrong_at_0, x, [x], domains={x: Domain(sp.Interval.open(0, 1))}).passed
    assert not check_values(wrong_at_0, x, [x], domains={x: Domain(sp.Interval(0, 1))}).passed


def test_integer_domains_sample_integers():
    k = symbol("k")
    pts = sample_points([k], 500, domains={k: Domain(sp.Interval.Lopen(0, sp.oo), integer=True)})
    assert (pts[k] == np.round(pts[k])).all() and pts[k].min() >= 1 and pts[k].max() <= 51
    n = symbol("n", integer=True, positive=True)  # assumptions give the default domain
    pts = sample_points([n], 200)
    assert (pts[n] == np.round(pts[n])).all() and pts[n].min() >= 1
    with pytest.raises(ValueError, match="no integer points"):
        sample_points([k], 10, domains={k: Domain(sp.Interval(0.2, 0.8), integer=True)})


def test_geometric_series_with_integer_exponent():
    n = symbol("n", integer=True, positive=True)
    k = symbol("k", integer=True)
    total = sp.Sum(x**k, (k, 0, n - 1)).doit()
    assert check_values(total, (1 - x**n) / (1 - x), domains={x: (-0.9, 0.9)}).passed
    assert not check_values(total, (1 - x**(n + 1)) / (1 - x), domains={x: (-0.9, 0.9)}).passed


def test_edge_points_are_evaluated():
    wrong_at_20 = lambda p: np.where(p[x] == 20.0, 0.0, p[x])  # never hit by uniform [-3, 3]
    ev = check_values(wrong_at_20, x, [x])
    assert not ev.passed and ev.worst == {"x": 20.0}
    assert ev.points > 200


def test_edge_points_near_kinks_are_excluded():
    ev = check_values(relu(x), sp.Max(x, 0))
    assert ev.passed
    edges = ev.points - 200
    assert 0 < edges < check_values(x, x).points - 200  # 0 and ±1e-3 sit on the kink


def test_sampling_avoids_kinks_by_a_margin():
    pts = sample_points([x, y], 2000, avoid=kinks(relu(x - y) + sp.Abs(2 * y)))
    assert np.abs(pts[x] - pts[y]).min() > 1e-3 and np.abs(2 * pts[y]).min() > 1e-3
    steep = sample_points([x], 2000, domains={x: (-0.01, 0.01)}, avoid=[1000 * x])
    assert np.abs(steep[x]).min() > 5e-4  # the margin grows with the kink's slope


def test_float_artifact_in_values_is_settled_by_mpmath():
    # (eˣ − 1 − x)/x² near x = 1e-8 cancels catastrophically in float64; it tends to 1/2
    near_zero = {x: (1e-8, 2e-8)}
    ev = check_values((sp.exp(x) - 1 - x) / x**2, sp.S.Half + x / 6, domains=near_zero)
    assert ev.passed and "settled by mpmath" in ev.detail
    assert not check_values((sp.exp(x) - 1 - x) / x**2, sp.Integer(1), domains=near_zero).passed


def test_constant_comparison():
    assert check_values(sp.Integer(2) / 4, sp.S.Half).passed
    assert not check_values(sp.Integer(1), sp.Integer(2)).passed


def test_strings_are_refused():
    with pytest.raises(TypeError):
        numpy_function("x + 1", [x])


# --- evidence -------------------------------------------------------------------------

def test_evidence_is_deterministic_for_a_seed():
    runs = [check_values(sp.tanh(x), 2 * sigmoid(2 * x) - 1, seed=7).as_dict() for _ in range(2)]
    assert runs[0] == runs[1]
    grads = [check_gradient(x**3, {x: 2 * x**2}, x, seed=3).as_dict() for _ in range(2)]
    assert grads[0] == grads[1]
    assert check_gradient(x**3, {x: 2 * x**2}, x, seed=4).as_dict() != grads[0]


def test_as_dict_is_json_even_with_inf_and_nan():
    ev = check_values(lambda p: np.full_like(p[x], np.inf), x, [x])
    d = ev.as_dict()
    assert d["max_abs_err"] == "inf"
    assert json.loads(json.dumps(d, allow_nan=False))["passed"] is False
    nan_ev = Evidence("mpmath", 1, float("nan"), float("-inf"), "dps 30", False, worst={"x": float("nan")})
    assert json.loads(json.dumps(nan_ev.as_dict(), allow_nan=False))["worst"] == {"x": "nan"}


def test_str_is_one_readable_line():
    text = str(check_gradient(x**2, {x: 2 * x}, x))
    assert "\n" not in text
    assert text.startswith("finite differences: 100 points, max abs err ")
    assert text.endswith("(atol 1e-05, rtol 0.001) — agrees")


# --- Monte Carlo ------------------------------------------------------------------------

def dropout_draw(x_value, p):
    return lambda rng, n: (rng.random(n) >= p) * x_value / (1 - p)


def test_dropout_expectation_is_x():
    ev = check_expectation(dropout_draw(2.5, 0.3), 2.5)
    assert ev.passed, ev.detail
    assert ev.method == "Monte Carlo" and ev.points == 200_000 and "99.9% CI" in ev.tolerance


def test_dropout_wrong_expectation_fails():
    ev = check_expectation(dropout_draw(2.5, 0.3), 2.5 * (1 - 0.3))
    assert not ev.passed and "CI" in ev.detail


def test_expectation_with_non_finite_samples_fails():
    assert not check_expectation(lambda rng, n: np.full(n, np.nan), 0.0).passed


# --- mpmath -------------------------------------------------------------------------------

def test_mp_value_is_high_precision_and_rejects_non_real():
    import mpmath
    with mpmath.workdps(40):
        assert abs(mp_value(sigmoid(x), {x: 0.0}) - mpmath.mpf(1) / 2) < mpmath.mpf(10) ** -29
    with pytest.raises(ValueError):
        mp_value(sp.log(x), {x: -1.0})
    with pytest.raises(ValueError):
        mp_value(1 / x, {x: 0.0})


def test_confirm_counterexample_sigmoid_slope():
    slope = derivative(sigmoid(x), x)  # σ'(0) = 1/4
    left, right, violated = confirm_counterexample(slope, sp.Rational(1, 5), "<=", {x: 0.0})
    assert violated and float(left) == 0.25 and float(right) == 0.2
    assert not confirm_counterexample(slope, sp.Rational(1, 4), "<=", {x: 0.0})[2]
    assert not confirm_counterexample(slope, sp.Rational(1, 3), "<=", {x: 0.0})[2]
    assert not confirm_counterexample(slope, sp.Rational(1, 5), ">", {x: 0.0})[2]
    assert confirm_counterexample(slope, sp.Rational(1, 3), ">=", {x: 0.0})[2]
    assert confirm_counterexample(slope, sp.Rational(1, 5), "=", {x: 0.0})[2]


def test_confirm_counterexample_rejects_float_artifacts():
    lhs = (x + 1)**2 - x**2 - 2 * x  # exactly 1 for every x
    assert numpy_function(lhs, [x])({x: np.array([1e8])})[0] != 1  # float64 says otherwise
    assert not confirm_counterexample(lhs, sp.Integer(1), "=", {x: 1e8})[2]
    assert not confirm_counterexample(lhs - 1, sp.Integer(0), ">=", {x: 1e8})[2]
    cancel = sp.sqrt(x**2 + 1) - 1  # float64 gives 0 at 1e-9, the truth is 5e-19
    assert not confirm_counterexample(cancel, x**2 / (sp.sqrt(x**2 + 1) + 1), "=", {x: 1e-9})[2]
    tiny = x + sp.Rational(1, 10**20)  # a real difference, but below 10^-(dps//2)
    assert not confirm_counterexample(tiny, x, "=", {x: 1.0})[2]
    assert not confirm_counterexample(tiny, x, "<=", {x: 1.0})[2]
    assert confirm_counterexample(tiny, x, "<=", {x: 1.0}, dps=50)[2]
    with pytest.raises(ValueError):
        confirm_counterexample(x, x, "!=", {x: 1.0})


# --- kinks ----------------------------------------------------------------------------------

def test_kinks_finds_every_kind():
    expr = (relu(x) + leaky_relu(y - 1) + elu(2 * x) + sp.Abs(x + y) + sp.sign(y) + sp.Heaviside(x - 3)
            + sp.floor(x) + sp.Min(x, y, 1) + sp.Piecewise((x, y > 2), (0, True)))
    found = set(kinks(expr)) | {-k for k in kinks(expr)}  # a kink's sign does not matter
    assert {x, y - 1, 2 * x, x + y, y, x - 3, x - y, x - 1, y - 1, y - 2} <= found
    assert x - sp.floor(x + sp.S.Half) in found
    assert kinks(sigmoid(x) * x**2) == []
