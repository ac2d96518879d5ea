"""The random candidate values, read from PCG64's raw words, against the same draws made call by call."""
import math

import numpy as np
import pytest
import sympy as sp

from derive.lang import Domain
from derive.numeric.search import FLOAT_LIMIT, _membership, _random


def one_call_at_a_time(rng, domain, m, integer):
    """The values as the Generator's own methods draw them, one call per draw."""
    interval = getattr(domain, "interval", domain) if domain is not None else sp.S.Reals
    lo, hi = interval.inf, interval.sup
    flo = float(lo) if lo.is_finite and abs(lo) < FLOAT_LIMIT else (-math.inf if lo.is_infinite or lo < 0 else math.inf)
    fhi = float(hi) if hi.is_finite and abs(hi) < FLOAT_LIMIT else (math.inf if hi.is_infinite or hi > 0 else -math.inf)
    out, inside = [], _membership(domain)
    if not math.isfinite(flo) and not math.isfinite(fhi) and flo == fhi:
        return out
    for _ in range(m):
        scale = 10.0 ** rng.uniform(-3, 3)
        if math.isfinite(flo) and math.isfinite(fhi):
            if rng.random() < 0.7:
                v = flo + (fhi - flo) * rng.random()
            elif rng.random() < 0.5:
                v = flo + min(scale, fhi - flo) * rng.random()
            else:
                v = fhi - min(scale, fhi - flo) * rng.random()
        elif math.isfinite(flo):
            v = flo + scale * rng.random()
        elif math.isfinite(fhi):
            v = fhi - scale * rng.random()
        else:
            sign = (-1.0, 1.0)[rng.integers(0, 2)]
            v = scale * sign * rng.random()
        p, q = (round(v), 1) if integer else v.as_integer_ratio()
        if inside(p, q):
            out.append(sp.Rational.from_coprime_ints(p, q))
    return out


DOMAINS = [
    None, sp.Interval(0, 1), sp.Interval.open(0, sp.oo), sp.Interval(-sp.oo, 3), sp.Interval.Lopen(0, sp.Rational(1, 10**5)),
    sp.Interval(-sp.Integer(10)**310, sp.Integer(10)**310), sp.Interval(sp.Integer(10)**400, sp.oo),
    sp.Interval(-sp.oo, -sp.Integer(10)**305), Domain(sp.Interval(-5, 5), integer=True),
    Domain(sp.Interval.Ropen(0, sp.oo), integer=True), sp.Interval(sp.Rational(-1, 3), sp.pi),
]


@pytest.mark.parametrize("domain", DOMAINS, ids=str)
@pytest.mark.parametrize("m", [1, 7, 600])
def test_the_values_and_the_generator_are_those_of_one_call_at_a_time(domain, m):
    integer = bool(getattr(domain, "integer", False))
    for seed in (0, 1, 2):
        ours, theirs = np.random.default_rng(seed), np.random.default_rng(seed)
        for _ in range(3):  # one after another: the kept 32-bit half carries from one call to the next
            assert _random(ours, domain, m, integer) == one_call_at_a_time(theirs, domain, m, integer)
            assert ours.bit_generator.state == theirs.bit_generator.state
        assert ours.integers(0, 2, size=5).tolist() == theirs.integers(0, 2, size=5).tolist()
        assert ours.random() == theirs.random()


def test_a_kept_half_from_before_is_used_first():
    ours, theirs = np.random.default_rng(5), np.random.default_rng(5)
    ours.integers(0, 2), theirs.integers(0, 2)  # each now keeps the other 32-bit half of a word
    assert ours.bit_generator.state["has_uint32"] == 1
    assert _random(ours, None, 9, False) == one_call_at_a_time(theirs, None, 9, False)
    assert ours.bit_generator.state == theirs.bit_generator.state


def test_only_pcg64_is_read():
    with pytest.raises(TypeError, match="PCG64"):
        _random(np.random.Generator(np.random.MT19937(0)), None, 3, False)
