"""The verifier cannot be fooled cheaply: planted violations are refuted, and verdicts mean what they say.

Property tests plant a violation where a sampler does not look: in a narrow
window far out, at a constant of the formula, at an integer, at the one
point where a strict inequality reaches equality, far beyond the sampled
range, or a hair below a true bound.  Each must come back ``refuted``, with a
counterexample that an independent mpmath evaluation (written here by hand,
at 50 digits) confirms.  The rest pin the verdict semantics: ``supported``
is not success, a counterexample outside the assumptions never counts, a
variable ``e`` is not Euler's number.
"""
from __future__ import annotations

import random
from fractions import Fraction

import mpmath
import pytest

from derive import verify
from derive.verifier import EXIT_CODES

mp = mpmath.mp


def _value(text):
    """A counterexample coordinate ('-1/2', '0.82', '1e400') as an exact mpmath number at 60 digits."""
    with mpmath.workdps(60):
        if "/" in text:
            p, q = text.split("/")
            return mpmath.mpf(int(p)) / int(q)
        return mpmath.mpf(text)


def _violates(rel, lhs, rhs):
    with mpmath.workdps(50):
        gap = lhs - rhs
        return {"=": gap != 0, ">=": gap < 0, ">": gap <= 0, "<=": gap > 0, "<": gap >= 0}[rel]


def _refuted_by(claim, rel, sides, assume=None):
    """verify(claim) is refuted, and the hand-written ``sides(point)`` confirms its counterexample."""
    v = verify(claim, assume or [])
    assert v.status == "refuted", f"{claim}: {v.status} ({v.reason})"
    with mpmath.workdps(50):
        point = {k: _value(val) for k, val in v.counterexample.items()}
        lhs, rhs = sides(**point)
        assert _violates(rel, lhs, rhs), f"{claim}: {v.counterexample} does not violate it at 50 digits"
    return v, point


relu = lambda t: max(t, 0)


@pytest.mark.parametrize("seed", range(4))
def test_narrow_window_far_out(seed):
    rng = random.Random(seed)
    a = rng.randint(-900, 900)
    width = Fraction(1, rng.choice([1, 10, 1000]))
    k = 4 * (abs(a) + 2) ** 2 / width ** 2 + 1  # K·(w/2)² exceeds x² + 1 in the window
    claim = f"x**2 + 1 - {k}*relu(x - ({a}))*relu({a} + {width} - x) >= 0"
    _refuted_by(claim, ">=", lambda x: (x**2 + 1 - mpmath.mpf(k.numerator) / k.denominator
                                        * relu(x - a) * relu(a + mpmath.mpf(width.numerator) / width.denominator - x),
                                        0))


@pytest.mark.parametrize("seed", range(4))
def test_at_a_constant_of_the_formula(seed):
    rng = random.Random(100 + seed)
    c = Fraction(rng.randint(-10**6, 10**6), rng.randint(3, 10**4))
    d = Fraction(1, rng.choice([5000, 10**6, 10**9]))
    claim = f"Max(abs(x - {c}), {d}) = abs(x - {c})"
    cm = mpmath.mpf(c.numerator) / c.denominator
    v, point = _refuted_by(claim, "=", lambda x: (max(abs(x - cm), mpmath.mpf(1) / d.denominator), abs(x - cm)))
    assert "kink" not in str(v.steps[-1].relation), "a smooth counterexample exists and is preferred"


@pytest.mark.parametrize("seed", range(4))
def test_only_at_an_integer(seed):
    k = random.Random(200 + seed).randint(-50, 50)
    _refuted_by(f"sign(x - ({k}))**2 = 1", "=", lambda x: (mpmath.sign(x - k) ** 2, 1))
    _refuted_by("floor(x) < x", "<", lambda x: (mpmath.floor(x), x), [f"x in ({k - 1/2}, {k + 1/2})"])


def test_ceil_minus_floor_on_an_interval_with_an_integer():
    _refuted_by("ceil(x) - floor(x) = 1", "=", lambda x: (mpmath.ceil(x) - mpmath.floor(x), 1), ["x in (0, 3)"])


@pytest.mark.parametrize("seed", range(4))
def test_strict_inequality_reaching_equality(seed):
    c = Fraction(random.Random(300 + seed).randint(-10**5, 10**5), 7)
    v = verify(f"(x - {c})**2 > 0")
    assert v.status == "refuted", (v.status, v.reason)
    assert (Fraction(v.counterexample["x"]) - c) ** 2 == 0  # exact: equality where > was claimed


# Each: a strict claim, its assumptions, the one point where it reaches equality (worked out by hand),
# and lhs − rhs written by hand for mpmath.  No rational point violates these: only the exact minimiser does.
_EQUAL_AT_AN_IRRATIONAL_POINT = [
    ("x*log(x) > -exp(-1)", ["x > 0"], lambda: mpmath.exp(-1), lambda x: x * mpmath.log(x) + mpmath.exp(-1)),
    ("(x - sqrt(2))**2 > 0", [], lambda: mpmath.sqrt(2), lambda x: (x - mpmath.sqrt(2)) ** 2),
    ("log(x) < x*exp(-1)", ["x > 0"], lambda: mpmath.e, lambda x: x * mpmath.exp(-1) - mpmath.log(x)),
    ("x**2 + 1/x > 3/2*2**(1/3)", ["x > 0"], lambda: mpmath.cbrt(mpmath.mpf(1) / 2),
     lambda x: x**2 + 1 / x - mpmath.mpf(3) / 2 * mpmath.cbrt(2)),
    ("(x**2 - 2)**2 > 0", [], lambda: -mpmath.sqrt(2), lambda x: (x**2 - 2) ** 2),
]


@pytest.mark.parametrize("claim, assume, where, margin", _EQUAL_AT_AN_IRRATIONAL_POINT,
                         ids=[c[0] for c in _EQUAL_AT_AN_IRRATIONAL_POINT])
def test_strict_inequality_reaching_equality_at_an_irrational_point(claim, assume, where, margin):
    import sympy as sp
    from derive.lang import parse_expression
    v = verify(claim, assume)
    assert v.status == "refuted", (v.status, v.reason)
    assert "0 exactly" in str(v.steps[-1].relation)
    (text,) = v.counterexample.values()
    with mpmath.workdps(60):
        at = mpmath.mpf(str(sp.N(parse_expression(text), 60)))
        assert abs(at - where()) < mpmath.mpf(10) ** -50, (text, where())  # the hand-derived minimiser
        assert abs(margin(where())) < mpmath.mpf(10) ** -50  # the hand label, at 50 digits: equality there
    weak = claim.replace(">", ">=").replace("<", "<=")
    assert verify(weak, assume).status == "proved", weak  # and nowhere below it: the only violation


# Periodic: the critical points never end, so one closed period is searched.  Each: the claim, a
# minimiser worked out by hand, and lhs − rhs (or rhs − lhs) by hand for mpmath.
_EQUAL_ONCE_A_PERIOD = [
    ("cos(x) > -1", lambda: mpmath.pi, lambda x: mpmath.cos(x) + 1),
    ("sin(x)**2 + cos(x) < 5/4", lambda: mpmath.pi / 3, lambda x: mpmath.mpf(5) / 4 - mpmath.sin(x)**2 - mpmath.cos(x)),
    ("sin(x)*cos(x) < 1/2", lambda: mpmath.pi / 4, lambda x: mpmath.mpf(1) / 2 - mpmath.sin(x) * mpmath.cos(x)),
    # cos²x − sin(2x)/3 = 1/2 + (√13/6)·cos(2x + atan(2/3)): least at 2x + atan(2/3) = π
    ("cos(x)**2 - sin(2*x)/3 > 1/2 - sqrt(13)/6", lambda: mpmath.pi / 2 - mpmath.atan(mpmath.mpf(2) / 3) / 2,
     lambda x: mpmath.cos(x)**2 - mpmath.sin(2 * x) / 3 - mpmath.mpf(1) / 2 + mpmath.sqrt(13) / 6),
]


@pytest.mark.parametrize("claim, where, margin", _EQUAL_ONCE_A_PERIOD, ids=[c[0] for c in _EQUAL_ONCE_A_PERIOD])
def test_a_periodic_strict_claim_reaching_equality_is_refuted(claim, where, margin):
    import sympy as sp
    from derive.lang import parse_expression
    v = verify(claim)
    assert v.status == "refuted", (v.status, v.reason)
    with mpmath.workdps(60):
        assert abs(margin(where())) < mpmath.mpf(10) ** -50  # the hand label: equality at the hand minimiser
        at = mpmath.mpf(str(sp.N(parse_expression(v.counterexample["x"]), 60)))
        assert abs(margin(at)) < mpmath.mpf(10) ** -50, v.counterexample  # and at the tool's point
    weak = claim.replace(">", ">=").replace("<", "<=")
    assert verify(weak).status == "proved", weak


def test_an_irrational_minimiser_is_shown_by_a_shorter_point_that_also_violates():
    v, point = _refuted_by("exp(x) > 3*x", ">", lambda x: (mpmath.exp(x), 3 * x))  # minimiser log 3 ≈ 1.0986
    assert v.counterexample == {"x": "1"}, v.counterexample  # one digit already violates it: e < 3
    assert "x = log(3)" in v.steps[-1].why  # and the step still names the minimiser
    v, point = _refuted_by("x*log(x) >= -0.3678", ">=", lambda x: (x * mpmath.log(x), mpmath.mpf("-0.3678")),
                           ["x > 0"])
    assert len(v.counterexample["x"]) <= 8 and "exp(-1)" in v.steps[-1].why


@pytest.mark.parametrize("n", [10, 50, 100])
def test_violation_beyond_the_sampled_range(n):
    _refuted_by(f"(1 + x/{n})**{n} <= exp(x)", "<=", lambda x: ((1 + x / n) ** n, mpmath.exp(x)))


@pytest.mark.parametrize("digits", [4, 8, 12])
def test_a_bound_a_hair_off(digits):
    bound = mpmath.nstr(-1 / mpmath.e, digits + 5)[: digits + 3]  # −1/e cut short: slightly above the minimum
    _refuted_by(f"x*exp(x) >= {bound}", ">=", lambda x: (x * mpmath.exp(x), mpmath.mpf(bound)))


def test_infimum_approached_at_an_end_not_attained():
    _refuted_by("exp(-x**2) >= 0.001", ">=", lambda x: (mpmath.exp(-x**2), mpmath.mpf("0.001")))
    _refuted_by("sigmoid(x) >= 1e-9", ">=", lambda x: (1 / (1 + mpmath.exp(-x)), mpmath.mpf("1e-9")))


def test_narrow_window_between_two_constants():
    _refuted_by("relu(x - 500)*relu(501 - x) = 0", "=", lambda x: (relu(x - 500) * relu(501 - x), 0))


def test_variable_e_is_not_eulers_number():
    _refuted_by("E*y = e*y", "=", lambda e, y: (mpmath.e * y, e * y))


def test_counterexample_respects_a_bound_past_the_largest_float():
    v = verify("x >= 0", ["x > 1e309"])
    assert v.status == "proved", (v.status, v.reason)
    v, point = _refuted_by("x < 1e309", "<", lambda x: (x, mpmath.mpf("1e309")), ["x > 1e309"])
    assert point["x"] > mpmath.mpf("1e309")


def test_supported_is_not_success():
    assert EXIT_CODES["supported"] not in (EXIT_CODES["proved"], EXIT_CODES["refuted"], 2, EXIT_CODES["unknown"])
    assert EXIT_CODES["proved"] == 0


def test_a_proof_never_reads_contradicted():
    for claim, assume in [("x >= 0", ["x > 1e309"]), ("(x - 1)**2 > 0", []), ("x*exp(x) >= -0.3678", [])]:
        v = verify(claim, assume)
        assert not (v.status == "proved" and "contradict" in v.reason), (claim, v.reason)


@pytest.mark.parametrize("claim, assume", [
    ("x**2 + y**2 >= 2*x*y", []),
    ("(a + b)/2 >= sqrt(a*b)", ["a > 0", "b > 0"]),
    ("diff(sigmoid(x), x) <= 1/4", []),
    ("exp(x) >= 1 + x", []),
    ("log(x) <= x - 1", ["x > 0"]),
    ("abs(x + y) <= abs(x) + abs(y)", []),
])
def test_textbook_inequalities_are_proved(claim, assume):
    v = verify(claim, assume)
    assert v.status == "proved", (claim, v.status, v.reason)


def test_an_infimum_attained_at_a_closed_end_ties_with_an_open_ends_limit():
    """|1 − 4h| < 1 on (0, 1/2]: the margin tends to 0 as h → 0 (not attained) and is 0 at h = 1/2 (attained).
    The tie is attained, so the strict claim is false; a fresh claim set found this in the extremum argument."""
    v = verify("abs(1 - 4*h) < 1", ["h in (0, 1/2]"])
    assert v.status == "refuted" and v.counterexample == {"h": "1/2"}, (v.status, v.reason)
    assert verify("abs(1 - 4*h) < 1", ["h in (0, 1/2)"]).status == "proved"


def test_an_expectation_with_erfc_in_its_value_is_decided():
    assert verify("E(exp(x), x ~ Normal(0, s)) = exp(s**2/2)", ["s > 0"]).status == "proved"
    v = verify("E(exp(x), x ~ Normal(0, s)) = exp(s**2)", ["s > 0"])
    assert v.status == "refuted", (v.status, v.reason)


def test_the_exact_fast_paths_of_the_search_agree_with_sympy():
    """Membership, the symbols' facts and float conversion by integer arithmetic give SymPy's own answers."""
    from itertools import product

    import sympy as sp

    from derive.numeric.membership import _FACTS, _in_rational_interval, admissible, contains
    from derive.numeric.search import _float
    ends = [sp.Integer(0), sp.Integer(-1), sp.Rational(1, 3), sp.Rational(-7, 2), sp.Integer(10) ** 300, sp.oo, -sp.oo]
    values = [sp.Integer(0), sp.Integer(-1), sp.Rational(1, 3), sp.Rational(-7, 2), sp.Rational(2, 7),
              sp.Integer(10) ** 300, sp.Integer(10) ** 300 + 1, sp.Rational(0.1), sp.Integer(-3)]
    for lo, hi, left, right in product(ends, ends, (False, True), (False, True)):
        interval = sp.Interval(lo, hi, left, right)
        for v in values:
            expected = interval.contains(v) is sp.true
            assert contains(interval, v) == expected
            assert _in_rational_interval(interval, v) in (None, expected)
    for fact, _, _ in _FACTS:
        s = sp.Symbol("q", **{fact: True})
        for v in values[:5] + [sp.Integer(k) for k in range(-3, 4)]:
            assert admissible(s, v) == all(bool(test(v)) for f, test, _ in _FACTS if getattr(s, "is_" + f) is True)
    tiny = [sp.Rational(1, 3) * sp.Integer(10) ** -300, sp.Integer(7) * sp.Integer(10) ** -320]  # normal, subnormal
    for v in values[:5] + [sp.Rational(2**53 + 1, 2)] + tiny:
        assert _float(v) == float(v)


def test_the_search_keeps_each_candidate_where_it_first_occurs():
    """derive.numeric.search._first_of_each (a lexsort) against the plain dict-of-tuples reading."""
    import numpy as np
    from derive.numeric.search import _first_of_each
    rng = np.random.default_rng(7)
    for _ in range(500):
        k, n, span = (int(v) for v in (rng.integers(1, 5), rng.integers(0, 80), rng.integers(1, 6)))
        rows = rng.integers(0, span, (n, k)).astype(np.int64)
        expected = [list(r) for r in dict.fromkeys(map(tuple, rows.tolist()))]
        assert _first_of_each(rows).tolist() == expected


# A parabola in w whose coefficients hold other variables: the vertex is the extremiser only where the
# leading coefficient keeps its sign over the whole range of those variables.  Labels by hand: ridge
# shrinkage a/(1 + l) for (w − a)²/2 + l·w²/2; with l·w² (no 1/2) it is a/(1 + 2l); min of l·w² − 2w is −1/l.
@pytest.mark.parametrize("claim, assume, status", [
    ("argmax(-((w - a)**2/2 + l*w**2/2), w) = a/(1 + l)", ["l > 0"], "proved"),
    ("argmax(-((w - a)**2/2 + l*w**2), w) = a/(1 + 2*l)", ["l > 0"], "proved"),
    ("min(l*w**2 - 2*w, w) = -1/l", ["l > 0"], "proved"),
    ("argmax(-(w - a)**2 + l*w**2, w) = a/(1 - l)", ["l in [0, 1)"], "proved"),
    ("argmax(-((w - a)**2/2 + l*w**2), w) = a/(1 + l)", ["l > 0"], "refuted"),
    # the parabola turns over inside the range: never proved (l = 1 leaves no maximum, l ≤ 0 no minimum)
    ("argmax(-(w - a)**2 + l*w**2, w) = a/(1 - l)", ["l in [0, 1]"], "unknown"),
    ("min(l*w**2 - 2*w, w) = -1/l", ["l >= 0"], "unknown"),
    ("argmax(-((w - a)**2/2 + l*w**2/2), w) = a/(1 + l)", [], "unknown"),
])
def test_a_parametric_parabola_is_decided_by_its_vertex_only_where_it_keeps_its_shape(claim, assume, status):
    v = verify(claim, assume)
    assert v.status == status, (v.status, v.reason)
    if status == "refuted":  # a = 1, l = 1: the maximiser of −((w − 1)²/2 + w²) is 1/3, not 1/2
        a, l = (Fraction(v.counterexample[k]) for k in ("a", "l"))
        assert a / (1 + 2 * l) != a / (1 + l)
