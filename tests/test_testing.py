"""derive.testing: each helper passes on true facts, fails on false ones with the verdict, the
counterexample with both sides, the steps tried and the evidence; strings and SymPy objects both
work; hostile strings are refused before anything runs."""
import numpy as np
import pytest
import sympy as sp

from derive import sigmoid, softplus
from derive.numeric import Evidence
from derive.graph import Graph
from derive.lang import Domain, ParseError, parse_claim
from derive.symbols import symbol
from derive.testing import (ClaimFailed, assert_bound, assert_claim, assert_grad, assert_identity, assert_max,
                            assert_numeric_grad, check_claim, explain)

x, w, y = sp.symbols("x w y")  # plain SymPy symbols: the helpers make them derive's real symbols


def failure(call, *args, **kwargs) -> str:
    """The message of the ClaimFailed that ``call`` raises."""
    with pytest.raises(ClaimFailed) as info:
        call(*args, **kwargs)
    return str(info.value)


def assert_readable(message, claim, status, at, lhs, rhs, evidence=True):
    """The first line names the claim and its verdict, the second gives the counterexample and both sides,
    then come the numbered steps that were tried and the numeric evidence."""
    lines = message.splitlines()
    assert lines[0].startswith(f"claim {claim}") and lines[0].endswith(f" is {status}")
    assert lines[1] == f"  counterexample at {at}: lhs = {lhs}, rhs = {rhs}"
    assert lines[2] == "steps tried:" and lines[3].startswith("  1. ")
    assert ("evidence:" in lines) is evidence


# --- assert_identity -------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("sigmoid(-x)", "1 - sigmoid(x)"),                    # two strings
    ("diff(softplus(x), x) = sigmoid(x)",),               # one claim string
    (sigmoid(-x), 1 - sigmoid(x)),                        # SymPy objects
    (sp.Eq(sp.Derivative(softplus(x), x), sigmoid(x)),),  # a SymPy relation, unevaluated derivative
    ("tanh(x)", 2 * sigmoid(2 * x) - 1),                  # mixed
])
def test_identity_passes_for_strings_and_sympy_objects(args):
    verdict = assert_identity(*args)
    assert verdict.status == "proved" and verdict.steps


def test_a_sympy_derivative_is_shown_as_a_rule_table_step():
    steps = assert_identity(sp.Derivative(sigmoid(x), x), sigmoid(x) * (1 - sigmoid(x))).steps
    assert "rule table: sigmoid" in steps[0].why


def test_identity_fails_with_counterexample_both_sides_and_steps():
    message = failure(assert_identity, "diff(tanh(x), x)", "1 - tanh(x)")
    assert_readable(message, "diff(tanh(x), x) = 1 - tanh(x)", "REFUTED", "x = 1", "0.419974341614", "0.238405844044")
    assert "[rule table: tanh]" in message and "numeric identity" in message


def test_identity_with_sympy_objects_fails_readably():
    message = failure(assert_identity, sigmoid(x) + sigmoid(-x), 2)
    assert message.startswith("claim sigmoid(-x) + sigmoid(x) = 2 is REFUTED")
    assert "lhs = 1.0, rhs = 2.0" in message


@pytest.mark.parametrize("assume", ["p > 0", ["p > 0", "p < 10"], {"p": Domain(sp.Interval.open(0, sp.oo))}])
def test_assumptions_as_a_string_a_list_or_domains(assume):
    verdict = assert_identity("sqrt(p**2)", "p", assume=assume)
    assert verdict.status == "proved" and verdict.assumptions


def test_without_the_assumption_the_same_identity_is_refuted():
    message = failure(assert_identity, "sqrt(p**2)", "p")
    assert "is REFUTED" in message and "counterexample at p = -" in message


def test_a_symbols_own_assumptions_are_used():
    p = sp.Symbol("p", positive=True)
    verdict = assert_identity(sp.sqrt(p**2), p)
    assert verdict.status == "proved" and verdict.assumptions == ("p > 0",)


# --- assert_bound ----------------------------------------------------------------------------

def test_bound_passes_upper_lower_and_as_a_claim_string():
    assert assert_bound(sp.diff(sigmoid(x), x), sp.Rational(1, 4)).status == "proved"
    assert assert_bound("tanh(x)", -1, kind="lower").status == "proved"
    assert assert_bound("-p*log(p) - (1-p)*log(1-p) >= 0", assume="p in (0, 1)").status == "proved"


def test_bound_fails_with_the_textbook_counterexample():
    message = failure(assert_bound, "diff(sigmoid(x), x)", 0.2)
    assert_readable(message, "diff(sigmoid(x), x) <= 0.2", "REFUTED", "x = 0", "0.25", "0.2", evidence=False)
    assert "inf f = −1/20, attained at x = 0" in message


def test_bound_claim_string_reports_the_minimiser():
    message = failure(assert_bound, "w**2 >= abs(w)")
    assert_readable(message, "w**2 >= abs(w)", "REFUTED", "w = -1/2", "0.25", "0.5", evidence=False)


def test_bound_refuses_an_equation_and_a_bad_kind():
    with pytest.raises(ParseError, match="expected a claim with"):
        assert_bound("x = 1")
    with pytest.raises(ValueError, match="kind"):
        assert_bound("x", "1", kind="sideways")


# --- assert_max ------------------------------------------------------------------------------

def test_max_passes_and_gives_the_argument():
    verdict = assert_max("diff(sigmoid(x), x)", "x", "1/4")
    assert any("sup f = 1/4, attained at x = 0" in step.text() for step in verdict.steps)
    assert assert_max(x**2 - x, x, sp.Rational(-1, 4), kind="min").status == "proved"
    assert assert_max("x*exp(-x)", x, "exp(-1)").status == "proved"


def test_max_fails_with_both_values_and_where_the_max_is():
    message = failure(assert_max, "x*exp(-x)", "x", "1/2")
    assert message.startswith("claim max(x*exp(-x), x) = 1/2 is REFUTED")
    assert "lhs = 0.367879441171, rhs = 0.5" in message
    assert "sup f = exp(−1), attained at x = 1" in message


def test_max_over_a_domain():
    assert assert_max("x*(1 - x)", "x", "1/4", assume="x in [0, 1]").status == "proved"


# --- assert_grad -----------------------------------------------------------------------------

def test_grad_of_expressions_is_proved_and_checked_numerically():
    verdict = assert_grad("softplus(x)", "x", "sigmoid(x)")
    assert verdict.status == "proved" and verdict.evidence[-1].method == "finite differences"
    assert verdict.evidence[-1].passed
    assert assert_grad((w * x - y)**2 / 2, w, (w * x - y) * x).status == "proved"
    assert [v.status for v in assert_grad("w*x + b", ["w", "b"], ["x", "1"])] == ["proved", "proved"]


def _network():
    g = Graph()
    x_, y_, w_, b_ = g.input("x"), g.input("y"), g.param("w"), g.param("b")
    h = g.let("h", sigmoid(g.let("z", w_ * x_ + b_)))
    return g, g.let("C", (h - y_)**2 / 2)


def test_grad_of_a_graph_and_of_a_gradient():
    g, C = _network()
    s = "sigmoid(w*x + b)"
    verdict = assert_grad((g, C), "b", f"({s} - y)*{s}*(1 - {s})")
    assert verdict.status == "proved" and len(verdict.evidence) == 3  # identity, reverse pass, expected
    assert assert_grad(g.grad(C, g["w"]), None, f"({s} - y)*{s}*(1 - {s})*x").status == "proved"


def test_grad_fails_with_the_counterexample():
    g, C = _network()
    message = failure(assert_grad, (g, C), "b", "(sigmoid(w*x + b) - y)*sigmoid(w*x + b)")
    assert_readable(message, "diff(C, b)", "REFUTED", "b = 0, w = 0, x = 0, y = 0", "0.125", "0.25")
    message = failure(assert_grad, x**3, x, 2 * x**2)
    assert "diff(x**3, x) = 2*x**2 is REFUTED" in message and "[rule table" in message


def test_grad_at_a_kink():
    """relu′ = 1 fails on the whole open half-line x < 0: a smooth point is given, not the kink x = 0."""
    message = failure(assert_grad, "relu(x)", "x", "1")
    assert "counterexample at x = -1: lhs = 0.0, rhs = 1.0" in message and "kink" not in message


# --- assert_numeric_grad ---------------------------------------------------------------------

def test_numeric_grad_passes_for_strings_sympy_and_callables():
    assert assert_numeric_grad("x**2*y", {"x": "2*x*y", "y": "x**2"}).passed
    assert assert_numeric_grad(sp.log(w), 1 / w, w, assume="w > 0").points == 100
    xs = symbol("x")
    evidence = assert_numeric_grad(lambda pts: np.sin(pts[xs]), lambda pts: {xs: np.cos(pts[xs])}, "x")
    assert isinstance(evidence, Evidence) and evidence.passed


def test_numeric_grad_fails_with_the_worst_point():
    with pytest.raises(ClaimFailed) as info:
        assert_numeric_grad(x**3, {x: 2 * x**2})
    message = str(info.value)
    assert message.startswith("the gradient of x**3 disagrees with finite differences")
    assert "worst d/dx at x=" in message and "vs reference" in message
    assert info.value.evidence is not None and not info.value.evidence.passed


def test_numeric_grad_needs_a_partial_for_each_variable():
    with pytest.raises(ValueError, match="one claimed partial for each of x, y"):
        assert_numeric_grad("x*y", {"x": "y"})


# --- assert_claim, check_claim, explain --------------------------------------------------------

def test_assert_claim_for_errata_and_true_claims():
    assert assert_claim("w**2 >= abs(w)", expect="refuted").counterexample == {"w": "-1/2"}
    assert assert_claim(parse_claim("log(sigmoid(x)) <= 0")).status == "proved"
    assert assert_claim(sp.Le(sp.log(1 + x**2), x**2)).status == "proved"
    message = failure(assert_claim, "sigmoid(x) + sigmoid(-x) = 1", expect="refuted")
    assert message.startswith("claim sigmoid(x) + sigmoid(-x) = 1 is PROVED, but it was expected to be refuted")


def test_numeric_support_passes_only_when_allowed():
    kl = "p*log(p/q) + (1-p)*log((1-p)/(1-q)) >= 0"  # Gibbs' inequality: true, and beyond today's provers
    assume = ["p in (0, 1)", "q in (0, 1)"]
    message = failure(assert_bound, kl, assume=assume)
    assert message.startswith(f"claim {kl} is SUPPORTED")
    assert "allow_numeric=True" in message and "numeric relation" in message
    assert assert_bound(kl, assume=assume, allow_numeric=True).status == "supported"


def test_a_timeout_is_unknown_and_fails(monkeypatch):
    """The mechanism, not the clock: the worker's decision never ends (the fork inherits the patch),
    so the verdict is the time-out whatever the load or the state of SymPy's cache."""
    import sys
    import time

    def never_ends(claim):
        while True:
            time.sleep(1)

    monkeypatch.setattr(sys.modules["derive.verifier"], "decide", never_ends)  # the module, not the function
    message = failure(assert_bound, "exp(x) + exp(y)", "2*exp((x + y)/2)", kind="lower", timeout=0.5)
    assert message.splitlines() == ["claim exp(x) + exp(y) >= 2*exp((x + y)/2) is UNKNOWN (timed out after 0.5 s)",
                                    "steps tried: none recorded"]


def test_check_claim_does_not_raise_and_explain_formats_it():
    verdict = check_claim("x**2 >= x")
    assert verdict.status == "refuted" and not verdict.ok
    text = explain(verdict)
    assert text.splitlines()[:3] == ["claim x**2 >= x is REFUTED",
                                     "  counterexample at x = 1/2: lhs = 0.25, rhs = 0.5", "steps tried:"]


def test_claim_failed_is_an_assertion_error_with_the_verdict():
    with pytest.raises(AssertionError) as info:
        assert_identity("x + 1", "2*x")
    assert isinstance(info.value, ClaimFailed) and info.value.verdict.status == "refuted"


# --- bad and hostile input ---------------------------------------------------------------------

HOSTILE = [
    "__import__('os').system('touch {marker}') = 0",
    "exec('open(\"{marker}\", \"w\")') = 0",
    "().__class__.__bases__[0].__subclasses__() = 0",
    "x.__class__ = 1",
    "eval('1') <= 2",
    "(lambda: open('{marker}', 'w'))() = 0",
    "open('{marker}', 'w') = 0",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_claims_are_refused_and_never_run(text, tmp_path):
    marker = tmp_path / "pwned"
    claim = text.format(marker=marker)
    for call in (lambda: assert_claim(claim), lambda: assert_identity(claim), lambda: check_claim(claim)):
        with pytest.raises(ParseError) as info:
            call()
        assert "\n" not in str(info.value)
    assert not marker.exists()


def test_hostile_sides_variables_and_assumptions_are_refused(tmp_path):
    marker = tmp_path / "pwned"
    evil = f"__import__('os').system('touch {marker}')"
    cases = [lambda: assert_identity(evil, "0"), lambda: assert_bound("x", evil),
             lambda: assert_max("x**2", "__class__", "0"), lambda: assert_max("x**2", evil, "0"),
             lambda: assert_grad(evil, "x", "0"), lambda: assert_numeric_grad("x**2", {evil: "2*x"}),
             lambda: assert_identity("p", "p", assume=f"p in (0, {evil})")]
    for call in cases:
        with pytest.raises(ParseError):
            call()
    assert not marker.exists()


def test_bad_input_is_a_clean_error():
    with pytest.raises(TypeError, match="SymPy already evaluated"):
        assert_claim(sp.Eq(x, x))
    with pytest.raises(TypeError, match="claim string or a SymPy expression"):
        assert_identity([1], 1)
    with pytest.raises(ParseError, match="which the claim does not use"):
        assert_identity("x", "x", assume="q > 0")
    with pytest.raises(ParseError, match="expected a claim with ="):
        assert_identity("x <= 1")
