"""Matrix nodes in a Graph: shapes checked at every node, the textbook's backward pass, and checks that can fail."""
import dataclasses

import pytest

from derive import nets
from derive.graph import Graph, GraphError
from derive.matrix import ShapeError, cross_entropy, elementwise, sqnorm, total
from derive.matrix.backward import MatrixGradientError
from derive.matrix.expand import entry_check


def linear(square=False):
    g = Graph()
    n = "m" if square else "n"
    x, y = g.input("x", shape=(n, 1)), g.input("y", shape=("m", 1))
    W, b = g.param("W", shape=("m", n)), g.param("b", shape=("m", 1))
    C = g.let("C", sqnorm(g.let("r", W @ x + b - y)) / 2)
    return g, C


def test_a_mismatched_product_names_both_operands_and_shapes():
    g = Graph()
    W, x = g.param("W", shape=(3, 2)), g.input("x", shape=(3, 1))
    with pytest.raises(ShapeError, match=r"W·x: W is \(3 × 2\) and x is \(3 × 1\), so 2 ≠ 3"):
        W @ x
    with pytest.raises(ShapeError, match=r"\(2 × 1\) and \(3 × 1\)"):
        W.T @ x + x


def test_graph_errors_for_mixed_or_foreign_nodes():
    g = Graph()
    x = g.input("x", shape=("n", 1))
    with pytest.raises(GraphError, match="matrix node 'x' in a scalar expression"):
        g.let("s", g["x"] * 2)
    other = Graph().input("u", shape=("n", 1))
    with pytest.raises(GraphError, match="'u', which is not an earlier node"):
        g.let("v", x + other)
    with pytest.raises(GraphError, match="not both"):
        g.input("w", size=2, shape=(2, 1))
    z = g.let("z", elementwise("tanh", x))
    with pytest.raises(MatrixGradientError, match=r"\(n × 1\)"):
        g.grad(z, x)


def test_the_textbook_backward_pass_of_a_linear_layer():
    g, C = linear()
    d = g.grad(C, [g["W"], g["b"], g["x"]])
    assert [str(a) for a in d.program] == [
        "C̄ = 1 : (1 × 1)", "r̄ = C̄·r : (m × 1)", "W̄ = r̄·xᵀ : (m × n)", "b̄ = r̄ : (m × 1)", "x̄ = Wᵀ·r̄ : (n × 1)"]
    assert str(d.expr[0]) == "(W·x + b − y)·xᵀ"
    assert d.check().passed and entry_check(d).passed


def test_a_minibatch_bias_gradient_sums_over_the_batch_with_its_one_over_B():
    g, C = nets.mlp(("n", "q"), matrix=True, batch="B")
    d = g.grad(C, [g["W_1"], g["b_1"]])
    shown = [str(a) for a in d.program]
    assert "Ȳhat = (1/B)·C̄·(Yhat − Y) : (B × q)" in shown
    assert "b̄₁ = 𝟏ᵀ·Ȳhat : (1 × q)" in shown and "W̄₁ = Xᵀ·Ȳhat : (n × q)" in shown
    assert d.check().passed and entry_check(d, {"B": 3, "n": 2, "q": 2}).passed


def test_cross_entropy_gives_softmax_minus_y_only_for_labels_that_sum_to_one():
    for labels, expected in ((True, "ō = l̄·(softmax(o) − y) : (K × 1)"),
                             (False, "ō = l̄·(softmax(o)·𝟏ᵀ·y − y) : (K × 1)")):
        g = Graph()
        o, y = g.input("o", shape=("K", 1)), g.input("y", shape=("K", 1), distribution=labels)
        d = g.grad(g.let("l", cross_entropy(o, y)), o)
        assert str(d.program[1]) == expected
        assert d.check().passed and entry_check(d, {"K": 3}).passed


def test_a_node_off_the_path_gets_a_zero_adjoint():
    g = Graph()
    x, u = g.param("x", shape=(2, 1)), g.param("u", shape=(2, 1))
    g.let("f", total(elementwise("exp", x)))
    d = g.grad("f", [x, u])
    assert str(d.program[-1]) == "ū = 0 : (2 × 1)"
    assert d.check().passed


def test_the_checks_catch_a_transposed_gradient():
    g, C = linear(square=True)
    d = g.grad(C, g["W"])
    wrong = [dataclasses.replace(a, expr=a.expr.T) if a.node == "W" else a for a in d.program]
    d.program = tuple(wrong)
    d.__dict__.pop("adjoint_values", None), d.__dict__.pop("expr", None)
    assert not d.check().passed
    assert not entry_check(d, {"m": 2}).passed


def test_graph_text_and_edges_show_shapes_and_the_adjoints_that_flow_back():
    g, l = nets.mlp((3, 2), matrix=True, loss="cross_entropy")
    assert str(g).splitlines() == ["inputs      x : (3 × 1), y : (2 × 1)", "parameters  W₁ : (2 × 3), b₁ : (2 × 1)",
                                   "  o = W₁·x + b₁ : (2 × 1)", "  l = CE(o, y) : (1 × 1)"]
    dot = g.to_dot(wrt=g["W_1"])
    assert '"W_1" -> "o" [label="ō·xᵀ"' in dot and '"o" -> "l" [label="l̄·(softmax(o) − y)"' in dot


def test_explain_names_each_rule_and_latex_has_the_shapes():
    g, C = nets.mlp(("n", "m", "q"), activation="sigmoid", matrix=True)
    d = g.grad(C, g["W_1"])
    text = d.explanation()
    assert "z̄₁ = h̄₁ ⊙ σ′(z₁) : (m × 1)" in text and "H = φ(Z): Z̄ = H̄ ⊙ φ′(Z)" in text
    assert r"\sigma'\left(z_{1}\right)" in d.latex() and r"m \times n" in d.latex()
    assert d._repr_latex_().startswith("$$")
