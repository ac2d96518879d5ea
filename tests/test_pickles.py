"""What a worker sends and the cache stores keeps each expression as it was built (derive.pickles)."""
import pickle

import sympy as sp

from derive.catalogue import discover, get, run_in_process
from derive.limits import run_limited
from derive.pickles import dumps
from derive.render.text import numbered

x, y = sp.symbols("x y", real=True)
f = sp.Function("f")

UNEVALUATED = [
    sp.Add(sp.Mul(x, 0, evaluate=False), sp.Mul(1 - x, y / (1 - x), evaluate=False), evaluate=False),
    sp.Mul(2, x + 1, evaluate=False),  # what factor() gives: an evaluated Mul would distribute the 2
    sp.Pow(4, sp.Rational(1, 2), evaluate=False),
    sp.Eq(x + x, 2 * x, evaluate=False),
    sp.exp(0, evaluate=False),
    sp.Limit(sp.Mul(x / y, y / x, evaluate=False), x, sp.oo),
]
EVALUATED = [x**2 + 3 * x * y - sp.sin(y) / 7, sp.Piecewise((x, x > 0), (-x, True)), f(x).diff(x),
             sp.Integral(sp.exp(-x**2), (x, -sp.oo, sp.oo)), sp.Max(x, y, 1), sp.Matrix([[x, 1], [0, y]]),
             sp.Eq(x, y), sp.Abs(x - y) + sp.sqrt(2)]


def structure(e):
    return sp.srepr(e)


def test_unevaluated_expressions_come_back_as_built():
    for e in UNEVALUATED:
        back = pickle.loads(dumps(e))
        assert structure(back) == structure(e), e


def test_sympys_own_pickle_evaluates_them():
    """Why derive.pickles exists: the plain pickle changes each of these."""
    for e in UNEVALUATED:
        assert structure(pickle.loads(pickle.dumps(e))) != structure(e), e


def test_evaluated_expressions_come_back_the_same_as_with_pickle():
    for e in EVALUATED:
        back = pickle.loads(dumps(e))
        assert back == e and structure(back) == structure(e) == structure(pickle.loads(pickle.dumps(e))), e


def test_a_proof_from_a_worker_shows_the_steps_it_built():
    """dropout-unbiased shows the seed's p·0 + (1 − p)·x/(1 − p) = x; from a worker it once read x = x."""
    discover()
    proof = get("dropout-unbiased")
    here = run_in_process(proof)
    there = run_limited(run_in_process, proof, timeout=120)
    assert there.ok, there.reason
    assert numbered(there.value.steps) == numbered(here.steps)
    assert not any(line.split("[")[0].strip().endswith("x = x") for line in numbered(there.value.steps))


def test_derives_own_nodes_come_back_the_same():
    """LimitAt, Diff and Expectation carry their values as arguments: rebuilt, they keep them."""
    from derive.lang import prepare
    for text in ("limit(sin(x)/x, x, 0) = 1", "diff(sigmoid(x), x) = sigmoid(x)*(1 - sigmoid(x))",
                 "E(x**2, x ~ Normal(0, 1)) = 1", "Max(x, 0) >= x"):
        claim = prepare(text)
        for side in (claim.lhs, claim.rhs):
            back = pickle.loads(dumps(side))
            assert back == side and structure(back) == structure(side), text
