"""The matrix-form backpropagation proofs: their verdicts, and checks that reject a wrong textbook formula.

The proofs compare the reverse pass with the textbook's formulas as matrix
expressions (:func:`proofs.matrix_backprop.differing`) and entry by entry
(:func:`derive.matrix.expand.entry_check`); here a transposed ∂C/∂W = h·δᵀ
and the formula ŷ − y for labels that do not sum to 1 must both be rejected,
so a passing proof is not a check that cannot fail.  The report's printer and
line breaker take matrix expressions too.
"""
from types import SimpleNamespace

import pytest

from derive.catalogue import load_catalogue, run_in_process
from derive.matrix import softmax
from derive.matrix.expand import entry_check
from derive.render.layout import break_relation, width
from derive.render.printing import latex, text
from derive.steps import Rel, Step

load_catalogue()
from proofs.matrix_backprop import (  # noqa: E402  (derive's own proofs/, loaded above)
    LAYERS, MatrixBackpropChain, MatrixSoftmaxCrossEntropy, differing, leaf, linear_layer, parameters,
    textbook_chain, textbook_layer, vector_chain)


def transposed(delta, before):
    """The wrong ∂C/∂W_l = h_{l−1}·δ_lᵀ."""
    return before @ delta.T


@pytest.fixture(scope="module")
def chain():
    g = vector_chain()
    return g, g.grad(g["C"], parameters(g))


@pytest.mark.parametrize("cls", [MatrixBackpropChain, MatrixSoftmaxCrossEntropy])
def test_the_proofs_have_their_expected_verdicts(cls):
    result = run_in_process(cls)
    assert (result.status, result.expected) == ("proved", "proved"), result.reason
    assert result.obligations >= 3 and all(e.passed for e in result.evidence)
    assert [e.method.split(",")[0] for e in result.evidence][:2] == ["exact", "finite differences"]


def test_the_reverse_pass_is_the_textbook_s_backpropagation(chain):
    g, grad = chain
    forms, recursions = textbook_chain(g)
    assert differing(grad, forms) == []
    assert len(forms) == 3 * LAYERS and sorted(recursions) == list(range(1, LAYERS + 1))
    assert str(recursions[2]) == "(W₃ᵀ·δ₃) ⊙ σ′(z₂)"


def test_a_transposed_weight_gradient_is_rejected_as_a_matrix_expression(chain):
    g, grad = chain
    forms, _ = textbook_chain(g, weight=transposed)
    assert differing(grad, forms) == [f"W_{l}" for l in range(LAYERS, 0, -1)]


def test_a_transposed_weight_gradient_fails_the_entry_check():
    """At square sizes the transpose has the right shape, so only the entries can tell."""
    g = linear_layer()
    grad = g.grad(g["l"], parameters(g))
    square = {"n": 2, "K": 2}

    def claimed(form):
        """A gradient whose closed form is ``form``, for the entry check."""
        return SimpleNamespace(graph=g, output="l", wrt=("W",), single=True, expr=form.xreplace(grad.closed_forms))

    error, x = textbook_layer(g)["o"], leaf(g, "x")
    assert entry_check(claimed(error @ x.T), square).passed
    wrong = x @ error.T
    assert wrong.shape == (error @ x.T).shape[::-1]
    assert not entry_check(claimed(wrong), square).passed


def test_y_hat_minus_y_is_rejected_for_labels_that_do_not_sum_to_one():
    g = linear_layer(distribution=False)
    grad = g.grad(g["l"], parameters(g))
    error = softmax(leaf(g, "o")) - leaf(g, "y")
    naive = {"o": error, "W": error @ leaf(g, "x").T, "b": error}
    assert differing(grad, naive) == ["o", "W", "b"]
    assert differing(grad, textbook_layer(g)) == []


def test_matrix_expressions_in_steps_print_as_maths(chain):
    g, grad = chain
    forms, recursions = textbook_chain(g)
    step = Step(Rel(grad.program[-1].expr, "=", recursions[1]), "why")
    tex = step.latex()
    assert r"\odot" in tex and r"\sigma'" in tex and "σ" not in tex and "⊙" not in tex
    assert "⊙" in step.text() and latex(forms["W_1"]) == forms["W_1"].latex()
    wide = forms["W_1"]  # δ₁·xᵀ written out: wider than the report's formula column
    assert width(latex(wide)) > 262
    shown, lines = break_relation(grad.program[-1].expr, "=", wide, 262.0, None)
    assert lines >= 1 and wide.latex() in shown and text(wide) == str(wide)
