"""The float64 kernels of the op table against mpmath at 50 digits, for inputs up to ±1000.

Where the exact value is a normal float the relative error must be at most
1e-13; below the smallest normal float (2.2e-308) the absolute error must be
at most 1e-13 of it.  Inputs are the exact floats given to the kernel, so the
reference is the correctly rounded answer to the same question.
"""
import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.ops import OPS
from derive.ops import families as numeric_kernels

RTOL = 1e-13
TINY = np.finfo(np.float64).tiny  # the smallest normal float64
ATOL = RTOL * TINY
DPS = 50
BIG = 1000.0
FUZZ = settings(deadline=None, max_examples=150, derandomize=True, database=None)

EDGES = [-BIG, -745.2, -745.0, -709.0, -708.4, -700.0, -100.0, -40.0, -37.0, -36.0, -20.0, -1.0, -1e-8,
         -5e-324, -0.0, 0.0, 5e-324, 1e-300, 1e-8, 0.5, 1.0, 20.0, 36.0, 37.0, 40.0, 100.0, 700.0,
         709.0, 709.8, 710.0, 745.0, BIG]
SCALARS = st.one_of(st.sampled_from(EDGES), st.floats(-BIG, BIG, allow_nan=False, allow_infinity=False),
                    st.floats(-40, 40, allow_nan=False))
VECTOR_ENTRIES = st.one_of(st.sampled_from([-BIG, 0.0, BIG, -0.0]), st.floats(-BIG, BIG), st.floats(-50, 50))
VECTORS = st.lists(VECTOR_ENTRIES, min_size=1, max_size=8)


def mp(value):
    return mpmath.mpf(float(value))  # the exact binary value


def close(got, exact) -> bool:
    """``got`` (a float) is within the tolerance of ``exact`` (an mpf)."""
    got = float(got)
    if not math.isfinite(got):
        return False
    error = abs(mpmath.mpf(got) - exact)
    if abs(exact) >= TINY:
        return error <= RTOL * abs(exact)
    return error <= ATOL


def ref_sigmoid(x):
    return 1 / (1 + mpmath.exp(-x))


def ref_softplus(x):
    return mpmath.log1p(mpmath.exp(x))


def ref_log_softmax(o):
    """o − logsumexp(o), each term exact in mpmath: log1p of the terms other than the maximum."""
    values = [mp(v) for v in o]
    top = max(range(len(values)), key=lambda i: values[i])
    shifted = [v - values[top] for v in values]
    rest = mpmath.fsum(mpmath.exp(d) for i, d in enumerate(shifted) if i != top)
    return [d - mpmath.log1p(rest) for d in shifted]


@pytest.fixture(autouse=True)
def fifty_digits():
    with mpmath.workdps(DPS):
        yield


@pytest.mark.parametrize("name, reference", [("sigmoid", ref_sigmoid), ("softplus", ref_softplus)])
def test_scalar_kernels_at_the_edges(name, reference):
    kernel = OPS[name].numpy
    got = kernel(np.array(EDGES))
    assert np.all(np.isfinite(got))
    for x, value in zip(EDGES, got):
        assert close(value, reference(mp(x))), (name, x, float(value), reference(mp(x)))


@FUZZ
@given(SCALARS)
def test_sigmoid_matches_mpmath(x):
    with mpmath.workdps(DPS):
        assert close(OPS["sigmoid"].numpy(x), ref_sigmoid(mp(x))), x


@FUZZ
@given(SCALARS)
def test_softplus_matches_mpmath(x):
    with mpmath.workdps(DPS):
        assert close(OPS["softplus"].numpy(x), ref_softplus(mp(x))), x


def test_sigmoid_and_softplus_at_plus_and_minus_1000():
    assert OPS["sigmoid"].numpy(BIG) == 1.0 and OPS["sigmoid"].numpy(-BIG) == 0.0
    assert OPS["softplus"].numpy(BIG) == BIG and OPS["softplus"].numpy(-BIG) == 0.0
    assert OPS["sigmoid"].numpy(-0.0) == 0.5 and OPS["softplus"].numpy(-0.0) == math.log(2)
    # σ(−40) ≈ 4.2e-18 and softplus(−40) are far below 1 − eps: no 1 − σ(40) cancellation
    assert close(OPS["sigmoid"].numpy(-40.0), ref_sigmoid(mp(-40.0)))
    assert close(OPS["softplus"].numpy(-40.0), ref_softplus(mp(-40.0)))


MIXED = [
    [BIG, 0.0, -BIG],
    [-BIG, -BIG, 0.0],
    [BIG, BIG],
    [-BIG, -BIG, -BIG],
    [0.0, -40.0],
    [0.0, -30.0, -BIG],
    [BIG, BIG - 30.0, 0.0],
    [-BIG, BIG, 0.0, -0.0, 1.0],
    [806.1891921, 703.03247082],
    [0.0],
    [-BIG],
]


def check_vector(o):
    o = np.array(o, dtype=np.float64)
    exact = ref_log_softmax(o)
    log_p, p = numeric_kernels.log_softmax_kernel(o), OPS["softmax"].numpy(o)
    assert log_p.shape == p.shape == o.shape
    assert np.all(np.isfinite(log_p)) and np.all(np.isfinite(p))
    for i, value in enumerate(exact):
        assert close(log_p[i], value), ("log_softmax", list(o), i, float(log_p[i]), value)
        assert close(p[i], mpmath.exp(value)), ("softmax", list(o), i, float(p[i]), mpmath.exp(value))
        onehot = np.zeros_like(o)
        onehot[i] = 1.0
        assert close(numeric_kernels.cross_entropy_kernel(onehot, o), -value), ("cross_entropy", list(o), i)
    weights = np.linspace(1.0, 2.0, len(o))
    weights /= weights.sum()
    expected = -mpmath.fsum(mp(w) * v for w, v in zip(weights, exact))
    assert close(numeric_kernels.cross_entropy_kernel(weights, o), expected), ("soft cross_entropy", list(o))
    assert abs(float(np.sum(p)) - 1.0) <= 1e-15 * len(o) + 1e-16


@pytest.mark.parametrize("o", MIXED, ids=[str(o) for o in MIXED])
def test_softmax_family_on_vectors_mixing_plus_minus_1000_and_0(o):
    check_vector(o)


@FUZZ
@given(VECTORS)
def test_softmax_family_matches_mpmath(o):
    with mpmath.workdps(DPS):
        check_vector(o)


def test_a_log_probability_near_zero_keeps_its_digits():
    """log softmax([0, −40])₀ = −log(1 + e^−40) ≈ −4.25e-18: a log of the rounded sum 1 would say 0."""
    value = float(numeric_kernels.log_softmax_kernel(np.array([0.0, -40.0]))[0])
    assert value != 0.0 and close(value, -mpmath.log1p(mpmath.exp(-40)))
    loss = float(numeric_kernels.cross_entropy_kernel(np.array([1.0, 0.0]), np.array([0.0, -40.0])))
    assert loss > 0 and close(loss, mpmath.log1p(mpmath.exp(-40)))


def test_batched_axis_agrees_with_one_row_at_a_time():
    rng = np.random.default_rng(0)
    o = rng.choice([-BIG, 0.0, BIG, 3.5, -7.25], size=(6, 5))
    for axis in (0, 1, -1):
        rows = np.moveaxis(o, axis, -1)
        one_by_one = np.stack([numeric_kernels.log_softmax_kernel(r) for r in rows.reshape(-1, rows.shape[-1])])
        batched = np.moveaxis(numeric_kernels.log_softmax_kernel(o, axis=axis), axis, -1).reshape(one_by_one.shape)
        assert np.array_equal(batched, one_by_one)
        assert np.allclose(OPS["softmax"].numpy(o, axis=axis).sum(axis=axis), 1.0, rtol=0, atol=1e-15)
