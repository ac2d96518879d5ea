"""Certified numerics: enclosures hold mpmath's 50-digit values, signs are certified, branch and bound decides.

Every enclosure is checked against mpmath (an independent evaluator), never
against derive's own code; no assertion depends on wall-clock time.
"""
import random

import mpmath
import pytest
import sympy as sp

from derive.certify import Interval, Unenclosable, enclose, precision, sign_at, value_at
from derive.certify.boxes import Certificate, Violation, prove_nonnegative
from derive.ops import (derivative, elu, gelu, hardtanh, leaky_relu, mish, relu, selu, sigmoid, silu, softplus,
                        softsign, to_elementary)

x, y = sp.symbols("x y", real=True)
LINE = (-sp.oo, sp.oo)

UNARY = {
    "exp": sp.exp, "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh, "sin": sp.sin, "cos": sp.cos, "erf": sp.erf,
    "atan": sp.atan,
    "erfc": sp.erfc, "abs": sp.Abs, "sigmoid": sigmoid, "softplus": softplus, "relu": relu, "gelu": gelu,
    "silu": silu, "mish": mish, "softsign": softsign, "hardtanh": hardtanh, "elu": elu, "selu": selu,
    "leaky_relu": leaky_relu, "floor": sp.floor, "ceiling": sp.ceiling, "square": lambda t: t**2,
    "cube": lambda t: t**3, "max": lambda t: sp.Max(t, 1 - t), "min": lambda t: sp.Min(t, t**2),
    "piecewise": lambda t: sp.Piecewise((t**2, t > 1), (-t, True)), "mixed": lambda t: t * sp.exp(-t) + sp.log(2),
}
POSITIVE = {"log": sp.log, "sqrt": sp.sqrt, "power": lambda t: t**sp.Rational(3, 2) + t**-2,
            "real_power": lambda t: t**sp.sqrt(2)}


def mp_value(expr, point):
    value = to_elementary(expr).xreplace(point).evalf(50, strict=True, maxn=20000)  # raises if not 50 digits
    return mpmath.mpf(sp.Float(value, 50))


def random_box(rng, low, high):
    a, b = sorted(sp.Rational(rng.randint(low, high), rng.choice([1, 3, 8])) for _ in range(2))
    return a, b if b > a else a + 1


def random_points(rng, a, b, n=8):
    return [a, b] + [a + (b - a) * sp.Rational(rng.randint(0, 1000), 1000) for _ in range(n)]


@pytest.mark.parametrize("name", sorted(UNARY) + sorted(POSITIVE))
def test_the_enclosure_holds_mpmath_values_at_random_points(name):
    f = {**UNARY, **POSITIVE}[name]
    rng = random.Random(name)
    for _ in range(12):
        a, b = random_box(rng, 1, 40) if name in POSITIVE else random_box(rng, -40, 40)
        value = enclose(f(x), {x: (a, b)})
        for p in random_points(rng, a, b):
            with mpmath.workdps(50):
                assert value.lo <= mp_value(f(x), {x: p}) <= value.hi, (name, a, b, p, value)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_the_enclosure_on_a_half_line_holds_far_values(name):
    f = UNARY[name]
    left, right = enclose(f(x), {x: (-sp.oo, -2)}), enclose(f(x), {x: (2, sp.oo)})
    for p in (-2, -7, -sp.Rational(61, 3)):
        with mpmath.workdps(50):
            assert left.lo <= mp_value(f(x), {x: p}) <= left.hi, (name, p)
            assert right.lo <= mp_value(f(x), {x: -p}) <= right.hi, (name, -p)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_enclosures_shrink_with_the_box(name):
    f = UNARY[name]
    boxes = [(-5, 5), (-2, 3), (-1, 2), (0, 1), (sp.Rational(1, 4), sp.Rational(1, 2))]
    values = [enclose(f(x), {x: b}) for b in boxes]
    for outer, inner in zip(values, values[1:]):
        assert outer.lo <= inner.lo and inner.hi <= outer.hi, (name, outer, inner)


def test_two_variables_and_irrational_constants():
    e = sp.exp(x - y) * sp.log(2) + sp.sqrt(2) * y - sp.exp(-1) + sp.pi
    value = enclose(e, {x: (0, 1), y: (-1, 2)})
    rng = random.Random(7)
    for _ in range(30):
        p = {x: sp.Rational(rng.randint(0, 100), 100), y: sp.Rational(rng.randint(-100, 200), 100)}
        assert value.lo <= mp_value(e, p) <= value.hi


@pytest.mark.parametrize("expr, box", [
    (sp.log(x), (-1, 1)), (sp.log(x), (0, 1)), (1 / x, (-1, 1)), (sp.sqrt(x), (-1, 4)), (x**-2, (0, 3)),
    (x**sp.Rational(1, 3), (-8, 1)), (x**x, (0, 1)),
])
def test_undefined_somewhere_on_the_box_raises(expr, box):
    with pytest.raises(Unenclosable):
        enclose(expr, {x: box})


def test_the_unimodal_brackets_hold_the_minimisers():
    for f, (mid, rad) in ((gelu, (-0.75, 1 / 64)), (silu, (-1.28125, 1 / 32)), (mish, (-1.1875, 1 / 16))):
        slope = derivative(f(x), x)
        assert sign_at(slope, {x: sp.Rational(mid - rad)}) == -1
        assert sign_at(slope, {x: sp.Rational(mid + rad)}) == 1


def test_sign_at_tiny_margins():
    assert sign_at(x * sp.exp(x) + sp.Rational(3678, 10000), {x: -1}) == -1  # −1/e + 0.3678 ≈ −8e-5
    assert sign_at(x * sp.exp(x) + sp.Rational(3679, 10000), {x: -1}) == 1
    assert sign_at(sp.E - sp.Rational(271828182845904523536, 10**20), {}) == 1
    assert sign_at(sp.E - sp.Rational(271828182845904523537, 10**20), {}) == -1
    assert sign_at(sp.pi - sp.Rational(314159265358979323846264338327950288419716939937510, 10**50), {}) == 1
    assert sign_at(sp.exp(sp.Rational(1, 10**30)) - 1 - sp.Rational(1, 10**30), {}) == 1


def test_sign_at_reports_zero_only_when_exact():
    assert sign_at(sp.exp(x) - 1 - x, {x: 0}) == 0
    assert sign_at(sp.log(2) + sp.log(3) - sp.log(6), {}) == 0
    assert sign_at(sigmoid(x) - sp.Rational(1, 2), {x: 0}) == 0
    assert sign_at(sp.exp(-sp.Integer(10)**5), {}, max_bits=64) == 1
    assert sign_at(sp.exp(-sp.Integer(10)**4) * (1 - (1 + sp.Rational(1, 10**2000))), {}) == -1
    tiny = sp.E - sp.Rational(int(sp.floor(sp.E * 10**100)), 10**100)  # ≈ 1e-100: beyond 64 bits, not 0
    assert sign_at(tiny, {}, max_bits=64) is None and sign_at(tiny, {}) == 1


def test_sign_at_an_irrational_point():
    """A minimiser SymPy solved for (exp(−1), √2, 2^(−1/3)) is put in exactly, not rounded."""
    assert sign_at(x * sp.log(x) + sp.exp(-1), {x: sp.exp(-1)}) == 0
    assert sign_at(x**2 - 2, {x: sp.sqrt(2)}) == 0
    assert sign_at(x**2 - 2, {x: sp.sqrt(2)}, exact_zero=False) in (0, None)
    assert sign_at(x**2 - 2 - sp.Rational(1, 10**40), {x: sp.sqrt(2)}) == -1  # a hair below: not 0
    assert sign_at(x**2 + 1 / x - sp.Rational(3, 2) * 2 ** sp.Rational(1, 3), {x: 2 ** sp.Rational(-1, 3)}) == 0
    assert sign_at(x - y, {x: sp.pi, y: sp.Rational(314159, 10**5)}) == 1  # one coordinate of each kind
    mid, _ = value_at(sp.log(x), {x: sp.E ** 2}, dps=30)
    assert abs(mid - 2) < mpmath.mpf(10) ** -28
    for bad in (sp.I, sp.oo, sp.Symbol("t"), sp.sqrt(2) * sp.Float(1.0)):  # complex, infinite, free, inexact
        with pytest.raises(TypeError):
            sign_at(x, {x: bad})


def test_value_at_gives_the_ball():
    mid, ball = value_at(sp.exp(x), {x: 1}, dps=40)
    with mpmath.workdps(40):
        assert abs(mid - mpmath.e) < mpmath.mpf(10) ** -38
    assert ball.rad() < 1e-38


def test_intervals_follow_the_extended_rules():
    inf = mpmath.inf
    assert (Interval(0, 1) * Interval(1, inf)).lo == 0
    assert (Interval(1, 2) / Interval(1, inf)).lo == 0
    assert (Interval(-inf, -1).reciprocal()).hi == 0
    with pytest.raises(Unenclosable):
        Interval(-1, 1).reciprocal()
    third = Interval.point(sp.Rational(1, 3))
    assert (third * 3 - 1).exact == 0


TRUE = [
    ("exp(x) ≥ 1 + x", sp.exp(x) - 1 - x, {x: LINE}, False),
    ("σ′ ≤ 1/4", sp.Rational(1, 4) - derivative(sigmoid(x), x), {x: LINE}, False),
    ("softplus ≥ max(0, x)", softplus(x) - sp.Max(0, x), {x: LINE}, False),
    ("softplus ≤ max(0, x) + log 2", sp.log(2) + sp.Max(0, x) - softplus(x), {x: LINE}, False),
    ("(x − y)² ≥ 0", x**2 + y**2 - 2 * x * y, {x: (-3, 3), y: (-3, 3)}, False),
    ("tanh² < 1", 1 - sp.tanh(x)**2, {x: LINE}, True),
    ("log x ≤ x − 1", x - 1 - sp.log(x), {x: sp.Interval.open(0, sp.oo)}, False),
    ("relu ≥ 0", relu(x - 3) * relu(4 - x), {x: LINE}, False),
]


@pytest.mark.parametrize("name, margin, box, strict", TRUE, ids=[t[0] for t in TRUE])
def test_branch_and_bound_proves(name, margin, box, strict):
    result = prove_nonnegative(margin, box, strict=strict, deadline_seconds=120)
    assert isinstance(result, Certificate), result
    assert result.boxes >= 1 and result.steps() and result.as_dict()["boxes"] == result.boxes


FALSE = [
    ("(x − 1)² > 0", (x - 1)**2, {x: LINE}, True),
    ("x eˣ ≥ −0.3678", x * sp.exp(x) + sp.Rational(3678, 10000), {x: LINE}, False),
    ("exp(−x²) ≥ 1/1000", sp.exp(-x**2) - sp.Rational(1, 1000), {x: LINE}, False),
    ("relu window ≤ 0", -relu(x - 500) * relu(501 - x), {x: LINE}, False),
    ("log x ≥ 0 on (0, 2]", sp.log(x), {x: sp.Interval.Lopen(0, 2)}, False),
]


@pytest.mark.parametrize("name, margin, box, strict", FALSE, ids=[t[0] for t in FALSE])
def test_branch_and_bound_certifies_a_violation(name, margin, box, strict):
    result = prove_nonnegative(margin, box, strict=strict, deadline_seconds=120)
    assert isinstance(result, Violation), result
    sign = sign_at(margin, result.point)  # checked again, independently of the search
    assert sign == -1 or strict and sign == 0
    with mpmath.workdps(50):
        assert mp_value(margin, result.point) <= 0


def test_integer_variables_are_split_at_integers():
    n = sp.Symbol("n", integer=True)
    assert isinstance(prove_nonnegative(n**2 - n, {n: (-50, 50)}, integers=frozenset({n})), Certificate)
    found = prove_nonnegative(n**2 - 3 * n + sp.Rational(9, 4) - sp.Rational(1, 8), {n: (-50, 50)},
                              integers=frozenset({n}))
    assert isinstance(found, Certificate)  # (n − 3/2)² ≥ 1/4 > 1/8 at every integer, though not at 3/2


def test_out_of_budget_is_undecided_not_wrong():
    # cos x + 1 > 0 fails only at x = ±π, where no rational point is: neither shown nor refuted
    assert prove_nonnegative(sp.cos(x) + 1, {x: (-4, 4)}, strict=True, max_boxes=300, deadline_seconds=120) is None
    assert isinstance(prove_nonnegative(sp.cos(x) + 1, {x: (-4, 4)}), Certificate)
    assert prove_nonnegative(sp.exp(-x**2) - sp.Rational(1, 1000), {x: LINE}, max_boxes=1) is None


IDENTITIES = [sp.sin(x)**2 + sp.cos(x)**2 - 1, sp.cosh(x)**2 - sp.sinh(x)**2 - 1, sigmoid(x) + sigmoid(-x) - 1,
              softplus(x) - softplus(-x) - x, sp.exp(x) * sp.exp(-x) - 1, sp.tanh(x) - (1 - 2 * sigmoid(-2 * x))]


@pytest.mark.parametrize("identity", IDENTITIES, ids=str)
def test_an_identity_never_gets_a_sign(identity, monkeypatch):
    """The value is 0, so every enclosure holds 0 and sign_at never says ±1 (a rounding leak would)."""
    monkeypatch.setattr("derive.certify.enclosure.EXACT_ZERO_SECONDS", 0.5)  # 0 or None both pass here
    rng = random.Random(str(identity))
    for _ in range(15):
        p = sp.Rational(rng.randint(-3000, 3000), rng.choice([1, 7, 64, 1000]))
        for bits in (53, 64, 256):
            with precision(bits):
                assert enclose(identity, {x: (p, p)}).contains_zero(), (identity, p, bits)
        assert sign_at(identity, {x: p}) in (0, None), (identity, p)
