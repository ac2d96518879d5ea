"""Graphs and the reverse pass: the seed's formula (2), random graphs against sympy.diff,
linear program size, several paths, families (softmax and cross-entropy)."""
import random

import mpmath
import numpy as np
import pytest
import sympy as sp

from derive import elu, leaky_relu, relu, sigmoid, softplus
from derive.ops import to_elementary
from derive.graph import Graph, GraphError, Vector, softmax
from derive.nets import sigmoid_chain
from derive.grad import Path, PathSum
from derive.symbols import symbol


def seed_chain(depth=4):
    """The seed's network, from the library's builder."""
    return sigmoid_chain(depth=depth)


def test_formula_2_factors_in_the_seeds_order():
    g, C = seed_chain()
    grad = g.grad(C, g["b_1"])
    factors = grad.factors
    assert isinstance(factors, Path)
    assert [(f.child.name, f.parent.name) for f in factors] == [
        ("C", "y_4"), ("y_4", "z_4"), ("z_4", "x_4"), ("x_4", "z_3"), ("z_3", "x_3"),
        ("x_3", "z_2"), ("z_2", "x_2"), ("x_2", "z_1"), ("z_1", "b_1")]
    s = {n: symbol(n) for n in ["y", "y_4", "z_1", "z_2", "z_3", "z_4", "w_2", "w_3", "w_4"]}
    sigma_prime = lambda z: sigmoid(z) * (1 - sigmoid(z))
    expected = [s["y_4"] - s["y"], sigma_prime(s["z_4"]), s["w_4"], sigma_prime(s["z_3"]), s["w_3"],
                sigma_prime(s["z_2"]), s["w_2"], sigma_prime(s["z_1"]), 1]
    assert [sp.expand(f.value - e) for f, e in zip(factors, expected)] == [0] * 9
    assert str(factors) == "(y₄ − y) · σ′(z₄) · w₄ · σ′(z₃) · w₃ · σ′(z₂) · w₂ · σ′(z₁)"
    assert [f.rule for f in factors] == [None, "sigmoid", None, "sigmoid", None, "sigmoid", None, "sigmoid", None]


def test_formula_2_equals_sympy_diff_and_finite_differences():
    g, C = seed_chain()
    b1 = g["b_1"]
    ours = g.grad(C, b1).expr
    theirs = sp.diff(g.closed_form(C), b1)
    assert sp.simplify(to_elementary(ours - theirs)) == 0
    assert g.grad(C, b1).check(n=50).passed


def test_program_has_one_assignment_per_node_on_a_path():
    g, C = seed_chain()
    params = [n.symbol for n in g.nodes if n.kind == "param"]
    program = g.grad(C, params).program
    on_path = [n for n in g.nodes if n.kind != "input"]
    assert len(program) == len(on_path)
    assert len({a.target for a in program}) == len(program)


@pytest.mark.parametrize("small, large", [(16, 64), (32, 128)])
def test_program_size_grows_linearly(small, large):
    sizes = {}
    for n in (small, large):
        g, C = seed_chain(n)
        params = [s.symbol for s in g.nodes if s.kind == "param"]
        sizes[n] = sum(sp.count_ops(a.expr) for a in g.grad(C, params).program)
    ratio = sizes[large] / sizes[small]
    assert 0.9 * large / small <= ratio <= 1.1 * large / small, sizes


def test_several_paths_sum():
    g = Graph()
    x = g.input("x")
    a = g.let("a", sp.sin(x) if False else x**2)
    b = g.let("b", 3 * x)
    f = g.let("f", a * b)
    grad = g.grad(f, x)
    assert isinstance(grad.factors, PathSum) and len(grad.factors) == 2
    assert sp.expand(grad.expr - sp.diff(3 * x**3, x)) == 0
    assert sp.expand(grad.factors.value.subs({a: x**2, b: 3 * x}) - 9 * x**2) == 0


def test_gradient_with_respect_to_an_unrelated_node_is_zero():
    g = Graph()
    x, q = g.input("x"), g.param("q")
    f = g.let("f", x**2)
    grad = g.grad(f, [x, q])
    assert grad.expr == (2 * x, 0)


def test_relu_kink_convention_in_a_graph():
    g = Graph()
    x = g.input("x")
    f = g.let("f", relu(x))
    assert g.grad(f, x).expr.subs(x, 0) == 0
    assert g.grad(f, x).expr.subs(x, 1) == 1


def test_let_rejects_forward_references_and_duplicates():
    g = Graph()
    x = g.input("x")
    with pytest.raises(GraphError, match="not an earlier node"):
        g.let("f", x + symbol("later"))
    g.let("f", x)
    with pytest.raises(GraphError, match="already defined"):
        g.let("f", 2 * x)


def test_softmax_cross_entropy_gradient_is_p_minus_y():
    K = 4
    g = Graph()
    o = g.param("o", size=K)
    y = g.input("y", size=K)
    p = g.let("p", softmax(o))
    loss = g.let("l", -sum(y[j] * sp.log(p[j]) for j in range(K)))
    assert isinstance(p, Vector) and len(p) == K
    grad = g.grad(loss, list(o))
    # local Jacobian of the family rule: p_i (δ_ij − p_j)
    assert g.local(p[0], o[1]) == -p[0] * p[1]
    run = grad.numeric()
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(K, 50))
    labels = np.eye(K)[rng.integers(0, K, size=50)].T  # one-hot: Σ y = 1
    points = {**{o[j]: logits[j] for j in range(K)}, **{y[j]: labels[j] for j in range(K)}}
    _, grads = run(points)
    probs = np.exp(logits) / np.exp(logits).sum(axis=0)
    for j in range(K):
        assert np.allclose(grads[o[j]], probs[j] - labels[j], rtol=1e-12, atol=1e-12)
    assert grad.check(n=40).passed


OPS = [
    ("add", 2, lambda a, b: a + b), ("sub", 2, lambda a, b: a - b), ("mul", 2, lambda a, b: a * b),
    ("div", 2, lambda a, b: a / (b**2 + 1)), ("pow", 1, lambda a: a**3), ("exp", 1, lambda a: sp.exp(a / 4)),
    ("log", 1, lambda a: sp.log(a**2 + 1)), ("sqrt", 1, lambda a: sp.sqrt(a**2 + 1)), ("tanh", 1, sp.tanh),
    ("sigmoid", 1, sigmoid), ("softplus", 1, softplus), ("abs", 1, sp.Abs), ("relu", 1, relu),
    ("leaky_relu", 1, lambda a: leaky_relu(a, sp.Rational(1, 10))), ("elu", 1, lambda a: elu(a, 2)),
    ("max", 2, sp.Max), ("min", 2, sp.Min),
]


def random_graph(rng, size):
    g = Graph()
    pool = [g.input("x"), g.param("w"), g.param("b")]
    for i in range(size):
        name, arity, fn = rng.choice(OPS)
        args = [rng.choice(pool[-4:] if rng.random() < 0.7 else pool) for _ in range(arity)]
        pool.append(g.let(f"v{i}", fn(*args)))
    return g, pool[-1]


@pytest.mark.parametrize("seed", range(40))
def test_random_graphs_match_sympy_diff(seed):
    rng = random.Random(seed)
    g, out = random_graph(rng, rng.randint(2, 7))
    wrt = [g["x"], g["w"], g["b"]]
    grad = g.grad(out, wrt)
    closed = g.closed_form(out)
    mpmath.mp.dps = 30
    point_rng = np.random.default_rng(seed)
    checked = 0
    for _ in range(6):
        point = {s: sp.Rational(round(float(v), 3)) + sp.Rational(1, 7919) for s, v in zip(wrt, point_rng.uniform(-2, 2, 3))}
        for w, ours in zip(wrt, grad.expr):
            theirs = sp.diff(closed, w)
            a = sp.N(to_elementary(ours).subs(point), 30)
            b = sp.N(to_elementary(theirs).subs(point), 30)
            if b.has(sp.Heaviside, sp.DiracDelta, sp.Subs, sp.Derivative):
                continue
            assert abs(a - b) <= 1e-20 * max(1, abs(b)), (seed, w, point, a, b)
            checked += 1
    assert checked > 0
    assert grad.check(n=40, seed=seed).passed


def test_several_paths_print():
    g = Graph()
    x = g.input("x")
    f = g.let("f", g.let("a", x**2) * g.let("b", 3 * x))
    shown = str(g.grad(f, x))
    assert shown.count("[") == 2 and "∂f/∂x" in shown


def test_gradient_of_one_softmax_component_is_closed_and_checks():
    g = Graph()
    o = g.input("o", size=3)
    y = g.let("y", softmax(o))
    d = g.grad(y[0], o[1])
    assert d.expr.free_symbols <= set(o)
    assert d.check(n=30).passed


def test_let_refuses_text_so_nothing_is_evaluated(tmp_path):
    g = Graph()
    g.input("x")
    marker = tmp_path / "ran"
    with pytest.raises(Exception):
        g.let("f", f"__import__('os').system('touch {marker}')")
    assert not marker.exists()
