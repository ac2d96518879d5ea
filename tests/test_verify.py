"""The claim verifier: true claims are proved (or at least supported), false claims are
refuted with a counterexample confirmed by mpmath; soundness over everything else."""
import json

import pytest
import sympy as sp

from derive.numeric import confirm_counterexample
from derive.lang import ParseError, parse_claim
from derive.verifier import verify

TRUE_CLAIMS = [
    ("diff(sigmoid(x), x) = sigmoid(x)*(1 - sigmoid(x))", []),
    ("diff(sigmoid(x), x) = exp(-x)/(1 + exp(-x))**2", []),
    ("max(diff(sigmoid(x), x), x) = 1/4", []),
    ("diff(sigmoid(x), x) <= 1/4", []),
    ("p*0 + (1-p)*x/(1-p) = x", ["p in (0,1)"]),
    ("sigmoid(x) + sigmoid(-x) = 1", []),
    ("tanh(x) = 2*sigmoid(2*x) - 1", []),
    ("diff(softplus(x), x) = sigmoid(x)", []),
    ("log(sigmoid(x)) = -softplus(-x)", []),
    ("relu(x) - relu(-x) = x", []),
    ("relu(x) = (x + abs(x))/2", []),
    ("exp(x) >= 1 + x", []),
    ("x**2 + 1 >= 2*x", []),
    ("abs(x) >= 0", []),
    ("w**2 >= abs(w)", ["w >= 1"]),
    ("diff(tanh(x), x) = 1 - tanh(x)**2", []),
    ("diff(x**3/3 - x, x) = x**2 - 1", []),
    ("min(x**2 - 2*x, x) = -1", []),
    ("diff(leaky_relu(x, 1/10), x) >= 1/10", []),
    ("elu(x, 1) >= -1", []),
    ("sigmoid(x) < 1", []),
    ("exp(x/T)/(exp(x/T) + exp(y/T)) + exp(y/T)/(exp(x/T) + exp(y/T)) = 1", ["T > 0"]),
    ("softplus(x) - softplus(-x) = x", []),
]

FALSE_CLAIMS = [
    ("diff(sigmoid(x), x) <= 1/5", []),
    ("w**2 >= abs(w)", []),
    ("diff(sigmoid(x), x) = sigmoid(x)**2", []),
    ("max(diff(sigmoid(x), x), x) = 1/2", []),
    ("sqrt(x**2) = x", []),
    ("relu(x) >= x + 1/10", []),
    ("exp(x) <= 1 + x + x**2", []),
    ("x**2 >= 2*x", []),
    ("sigmoid(x) <= 1/2", []),
    ("tanh(x) = sigmoid(x)", []),
    ("log(1 + x) >= x", ["x > -1"]),
    ("abs(x + y) = abs(x) + abs(y)", []),
    ("(x + y)**2 = x**2 + y**2", []),
    ("diff(relu(x), x) = 1", []),
    ("p*0 + (1-p)*x/(1-p) = x*(1-p)", ["p in (0,1)"]),
    ("softplus(x) <= x", []),
    ("elu(x, 2) >= -1", []),
    ("x/(1-p) <= x", ["p in (0,1)", "x > 0"]),
    ("leaky_relu(x, 1/10) = relu(x)", []),
    ("1/(1 + x**2) <= 1/2", []),
    ("diff(x**3, x) = 2*x**2", []),
]


@pytest.mark.parametrize("claim, assume", TRUE_CLAIMS)
def test_true_claims_hold(claim, assume):
    v = verify(claim, assume)
    assert v.status in ("proved", "supported"), str(v)
    assert v.exit_code == 0
    assert v.evidence and v.evidence[0].passed


@pytest.mark.parametrize("claim, assume", TRUE_CLAIMS[:12])
def test_claims_sympy_can_do_are_proved(claim, assume):
    assert verify(claim, assume).status == "proved"


@pytest.mark.parametrize("claim, assume", FALSE_CLAIMS)
def test_false_claims_are_refuted_with_a_confirmed_counterexample(claim, assume):
    v = verify(claim, assume)
    assert v.status == "refuted", str(v)
    assert v.exit_code == 1
    # the counterexample, re-evaluated here independently, really violates the claim
    parsed = parse_claim(claim)
    point = {s: sp.Rational(v.counterexample[s.name]) for s in parsed.symbols}
    lhs, rhs = parsed.lhs.doit(), parsed.rhs.doit()
    if not (lhs.atoms(sp.Function) and any(type(f).__name__ in ("Supremum", "Infimum") for f in lhs.atoms(sp.Function))):
        assert confirm_counterexample(lhs, rhs, parsed.rel, point, dps=40)[2]


def test_required_examples_of_the_issue():
    v = verify("max(diff(sigmoid(x), x), x) = 1/4")
    assert v.status == "proved"
    assert any("attained at x = 0" in s.text() for s in v.steps)
    v = verify("diff(sigmoid(x), x) <= 1/5")
    assert v.status == "refuted" and abs(float(sp.Rational(v.counterexample["x"]))) < 0.6
    v = verify("w**2 >= abs(w)")
    assert v.status == "refuted" and 0 < abs(float(sp.Rational(v.counterexample["w"]))) < 1


def test_verdict_json_round_trips():
    v = verify("w**2 >= abs(w)")
    data = json.loads(json.dumps(v.as_dict()))
    assert data["status"] == "refuted"
    assert set(data["counterexample"]) == {"w"}
    assert data["steps"] and all({"relation", "justification"} <= set(s) for s in data["steps"])


def test_a_claim_over_its_time_limit_is_unknown_and_says_why():
    v = verify("exp(x) >= 1 + x", timeout=0.01)
    assert v.status == "unknown" and v.exit_code == 3
    assert "timed out" in v.reason


def test_unused_assumption_is_bad_input():
    with pytest.raises(ParseError, match="does not use"):
        verify("x = x", ["q > 0"])


def test_refutation_keeps_the_assumptions_of_integer_variables():
    v = verify("n**2 >= 2*n", ["n integer >= 1"])
    assert v.status == "refuted" and v.counterexample == {"n": "1"}


def test_an_identity_that_holds_by_the_assumptions_alone_is_proved():
    assert verify("abs(x) = x", ["x > 0"]).status == "proved"
    assert verify("abs(x) = x").status == "refuted"


def test_a_variable_that_cancels_still_gets_a_counterexample():
    v = verify("x + 1 = x")
    assert v.status == "refuted" and set(v.counterexample) <= {"x"}
