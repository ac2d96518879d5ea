"""Studying in the REPL and Jupyter: the network builders, explain(), str and LaTeX of every
result object, DOT and matplotlib drawings, and a quick ``import derive``."""
import io
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from derive import nets, verify
from derive.catalogue import Result, get
from derive.numeric import Evidence
from derive.ops import to_elementary
from derive.graph import Graph, GraphError, Vector
from derive.render.graphs import _dot_string
from derive.steps import Rel, Step
from derive.symbols import symbol
from derive.verifier import Verdict

ROOT = Path(__file__).resolve().parents[1]
EDGE = re.compile(r'^  "(\w+)" -> "(\w+)" \[label="((?:[^"\\]|\\.)*)"(, color="#d62728", penwidth=2)?\];$')


def assert_matches_sympy_diff(g, loss, wrt, seed=0, points=3):
    """Our reverse-mode closed form equals sympy.diff of the nested expression at 30 digits."""
    grad = g.grad(loss, wrt)
    closed = g.closed_form(loss)
    leaves = sorted(closed.free_symbols, key=lambda s: s.name)
    rng = np.random.default_rng(seed)
    for _ in range(points):
        point = {s: sp.Rational(round(float(v), 3)) + sp.Rational(1, 7919) for s, v in zip(leaves, rng.uniform(-2, 2, len(leaves)))}
        for w, ours in zip(wrt, grad.expr):
            a = sp.N(to_elementary(ours).subs(point), 30)
            b = sp.N(to_elementary(sp.diff(closed, w)).subs(point), 30)
            assert abs(a - b) <= 1e-20 * max(1, abs(b)), (w, point, a, b)
    return grad


# -- the builders ----------------------------------------------------------------------------


@pytest.mark.parametrize("activation", sorted(nets.ACTIVATIONS))
def test_mlp_gradients_equal_sympy_diff_and_finite_differences(activation):
    g, C = nets.mlp(widths=(2, 3, 1), activation=activation)
    wrt = [g["w_111"], g["b_12"], g["w_213"], g["b_21"]]
    grad = assert_matches_sympy_diff(g, C, wrt, seed=len(activation))
    assert grad.check(n=60).passed


def test_mlp_has_one_node_per_unit_and_every_parameter():
    widths = (3, 4, 2, 2)
    g, C = nets.mlp(widths=widths, activation="sigmoid")
    params = [n for n in g.nodes if n.kind == "param"]
    assert len(params) == sum((a + 1) * b for a, b in zip(widths, widths[1:]))
    lets = [n.name for n in g.nodes if n.kind == "let"]
    hidden = sum(widths[1:-1])
    assert len(lets) == 2 * hidden + widths[-1] + 1  # z and h per hidden unit, the outputs, the loss
    assert lets[-1] == "C" and g.closed_form(C).free_symbols == set(g.leaves())
    assert [n.name for n in g.nodes if n.kind == "input"] == ["x_1", "x_2", "x_3", "y_1", "y_2"]


def test_mlp_names_stay_distinct_when_a_width_reaches_ten():
    g, C = nets.mlp(widths=(11, 1, 1), activation="tanh")
    assert g["w_1_1_11"] in g and g["w_2_1_1"] in g
    names = [n.name for n in g.nodes]
    assert len(names) == len(set(names))


def test_mlp_with_cross_entropy_is_softmax_over_the_logits():
    g, loss = nets.mlp(widths=(2, 2, 3), activation="relu", loss="cross_entropy")
    logits, labels = g.vector("o"), [g[f"y_{i}"] for i in (1, 2, 3)]
    assert g.node(g["p_1"]).rule == "softmax"
    grad = g.grad(loss, list(logits))
    run = grad.numeric()
    rng = np.random.default_rng(1)
    point = {s: rng.normal(size=20) for s in g.leaves()}
    onehot = np.eye(3)[rng.integers(0, 3, 20)].T
    point.update(zip(labels, onehot))
    z = np.array(list(_logits(g, point)))
    point.update(zip(logits, z))  # a gradient with respect to nodes takes their values as inputs
    p = np.exp(z) / np.exp(z).sum(axis=0)
    _, grads = run(point)
    for j, o in enumerate(logits):
        assert np.allclose(grads[o], p[j] - onehot[j], atol=1e-12)
    assert g.grad(loss, g["w_111"]).check(n=40).passed


def _logits(g, point):
    """The logits o_1 … o_3 of the mlp at ``point``, computed from their closed forms with NumPy."""
    for o in g.vector("o"):
        expr = g.closed_form(o)
        args = sorted(expr.free_symbols, key=lambda s: s.name)
        yield sp.lambdify(args, expr, "numpy")(*(point[a] for a in args))


@pytest.mark.parametrize("block", ["tanh", "sigmoid", "relu", "softplus"])
def test_residual_chain_gradients_equal_sympy_diff(block):
    g, C = nets.residual_chain(depth=3, block=block)
    wrt = [g["b_1"], g["w_2"], g["a_1"]]
    grad = assert_matches_sympy_diff(g, C, wrt, seed=3)
    assert grad.check(n=60).passed


def test_residual_chain_sums_over_the_skip_paths():
    g, C = nets.residual_chain(depth=4)
    d = g.grad(C, g["b_1"])
    assert len(d.factors) == 2 ** 3  # each later block: through it, or around it
    assert sp.simplify(to_elementary(d.factors.value - d.adjoint_values[d.program[-1].target])) == 0
    # x_{l+1} = x_l + a_l·tanh(w_l·x_l + b_l): the skip path keeps ∂C/∂x₁ at (x₅ − y) when every a_l = 0
    zero = {g[f"a_{l}"]: 0 for l in range(1, 5)}
    assert sp.simplify(g.grad(C, g["x_1"]).expr.subs(zero) - (g["x_1"] - g["y"])) == 0


@pytest.mark.parametrize("K", [2, 3, 5])
def test_softmax_cross_entropy_gradient_is_p_times_sum_y_minus_y(K):
    g, l = nets.softmax_cross_entropy(K)
    o, y, p = g.vector("o"), g.vector("y"), g.vector("p")
    assert len(o) == len(y) == len(p) == K
    d = g.grad(l, o)
    for j in range(K):
        target = g.closed_form(p[j]) * sp.Add(*y) - y[j]
        assert sp.simplify(d.expr[j] - target) == 0
    assert_matches_sympy_diff(g, l, list(o)[:2], seed=K, points=2)
    assert d.check(n=40).passed


def test_sigmoid_chain_matches_sympy_diff():
    g, C = nets.sigmoid_chain(depth=3)
    assert_matches_sympy_diff(g, C, [g["b_1"], g["w_2"]], seed=1)


@pytest.mark.parametrize("call, message", [
    (lambda: nets.mlp(widths=(2,)), "at least two"),
    (lambda: nets.mlp(widths=(2, 0, 1)), "positive integer"),
    (lambda: nets.mlp(activation="gaussian"), "unknown activation 'gaussian'"),
    (lambda: nets.mlp(loss="hinge"), "unknown loss"),
    (lambda: nets.residual_chain(depth=0), "positive integer"),
    (lambda: nets.residual_chain(block="swish"), "unknown activation"),
    (lambda: nets.softmax_cross_entropy(K=True), "positive integer"),
    (lambda: nets.sigmoid_chain(depth=2.0), "positive integer"),
])
def test_builders_reject_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_builders_are_exported():
    assert set(nets.__all__) >= {"sigmoid_chain", "mlp", "residual_chain", "softmax_cross_entropy"}
    for name in nets.__all__:
        assert getattr(nets, name).__doc__ or name == "ACTIVATIONS"


# -- explain() ------------------------------------------------------------------------------


def test_gradient_explain_names_the_rule_and_the_factor_at_each_node(capsys):
    g, C = nets.sigmoid_chain(depth=4)
    d = g.grad(C, g["b_1"])
    assert d.explain() is None
    out = capsys.readouterr().out
    lines = out.splitlines()
    numbered = [line for line in lines if re.match(r"  \d+\. ", line)]
    assert [int(line.split(".")[0]) for line in numbered] == list(range(1, len(d.program) + 1))
    assert "3. z̄₄ = ȳ₄ · σ′(z₄)    [node y₄ = σ(z₄): rule sigmoid, local factor ∂y₄/∂z₄ = σ′(z₄) = " \
           "(1 − σ(z₄))·σ(z₄)]" in out
    assert "4. x̄₄ = z̄₄ · w₄    [node z₄ = b₄ + w₄·x₄: rule add, mul, local factor ∂z₄/∂x₄ = w₄]" in out
    assert "rule mul, pow, add, local factor ∂C/∂y₄ = y₄ − y" in out
    assert "= (y₄ − y) · σ′(z₄) · w₄ · σ′(z₃) · w₃ · σ′(z₂) · w₂ · σ′(z₁)" in out
    assert lines[-1].strip().startswith("∂C/∂b₁ = w₂·w₃·w₄·")  # the closed form comes last
    assert out == d.explanation() + "\n"


def test_gradient_explain_writes_to_a_file_and_covers_families_and_several_paths():
    g, l = nets.softmax_cross_entropy(3)
    o = g.vector("o")
    buf = io.StringIO()
    g.grad(l, o[0]).explain(file=buf)
    text = buf.getvalue()
    assert "rule softmax, local factor ∂p₂/∂o₁ = −p₁·p₂" in text
    assert "ō₁ = p̄₁ · p₁·(1 − p₁) + p̄₂ · (−p₁·p₂) + p̄₃ · (−p₁·p₃)" in text
    assert "along each path (summed over the paths) from o₁ to l" in text
    relu_net, C = nets.mlp(widths=(1, 1, 1), activation="relu")
    shown = relu_net.grad(C, relu_net["w_111"]).explanation()
    assert "rule relu, local factor ∂h₁₁/∂z₁₁ = ReLU′(z₁₁)" in shown


def test_gradient_explain_with_several_variables_and_one_off_the_path():
    g = Graph()
    x, w, u = g.input("x"), g.param("w"), g.param("u")
    f = g.let("f", g.let("z", w * x) ** 2)
    text = g.grad(f, [w, u]).explanation()
    assert "ū = 0    [no path joins u to f]" in text
    assert "∂f/∂u = 0" in text and "∂f/∂w = 2·w·x²" in text


def test_verdict_explain_shows_steps_counterexample_sides_and_evidence(capsys):
    v = verify("w**2 >= abs(w)")
    assert v.explain() is None
    out = capsys.readouterr().out
    assert out.startswith("claim: w**2 >= abs(w)\nverdict: REFUTED — a counterexample")
    assert "  1. margin m(w) = w² − |w| must stay ≥ 0    [the inequality as a sign condition]" in out
    assert "counterexample: w = -1/2\n  lhs = 0.25\n  rhs = 0.5\n" in out
    assert "the claim needs lhs ≥ rhs, but lhs − rhs = -0.25" in out
    proved = verify("p*0 + (1-p)*x/(1-p) = x", assume=["p in (0,1)"]).explanation()
    assert "assuming: p in (0,1)" in proved and "verdict: PROVED" in proved
    assert "numeric evidence:\n  numeric identity: 433 points" in proved


def test_verdict_explain_of_an_unknown_verdict_gives_the_reason():
    v = Verdict("a = b", "unknown", reason="the worker ran out of time")
    text = v.explanation()
    assert "verdict: UNKNOWN" in text and "why: the worker ran out of time" in text
    assert "no symbolic step" in text and "numeric evidence: none" in text


def result(status="proved", expected="proved", erratum=False, steps=None):
    """A Result as the catalogue makes it, without running a proof."""
    x = symbol("x")
    steps = steps if steps is not None else [
        Step(Rel(sp.Derivative(x ** 2, x), "=", 2 * x), "power rule"), Step("a sentence: 50% & {x}_1 #", "a $ note")]
    return Result("sigmoid-derivative", "3(1) 梯度消失", "A title", "x² has derivative 2x", "y'=2x", expected, status,
                  erratum, "the correction" if erratum else None, steps,
                  [Evidence("finite differences", 100, 1e-10, 1e-9, "atol 1e-05, rtol 0.001", True)],
                  0.5, "", 1, ["w = 1 breaks it"] if status == "refuted" else [])


def test_result_str_is_what_derive_show_prints(monkeypatch, capsys):
    from derive import catalogue, cli
    r = result(status="refuted", expected="refuted", erratum=True)
    monkeypatch.setattr(catalogue, "run", lambda pid, *args, **kwargs: r)
    assert cli.main(["show", "sigmoid-derivative"]) == 0
    assert capsys.readouterr().out == str(r) + "\n"
    shown = str(r)
    assert shown.splitlines()[-1] == "verdict       REFUTED (as expected)"
    assert "  1. d/dx (x²) = 2·x    [power rule]" in shown and "correction    the correction" in shown


def test_result_str_marks_an_unexpected_verdict():
    shown = str(result(status="unknown", expected="proved"))
    assert "verdict       UNKNOWN (EXPECTED PROVED)" in shown


def test_result_explain_says_why_the_verdict_follows(capsys):
    r = result(status="refuted", expected="refuted", erratum=True)
    assert r.explain() is None
    out = capsys.readouterr().out
    assert "  1. d/dx (x²) = 2·x    [power rule]" in out
    assert "how the seed's statement was refuted:\n  - w = 1 breaks it" in out
    assert "verdict: REFUTED, because the seed's statement was refuted" in out
    assert "erratum: the seed's statement is wrong; correction: the correction" in out
    assert "because every symbolic obligation (1)" in result().explanation()


def test_result_explain_of_a_real_proof():
    from derive.catalogue import run_in_process
    r = run_in_process(get("sigmoid-derivative"))
    text = r.explanation()
    assert r.status in str(r).splitlines()[-1].lower()
    assert f"verdict: {r.status.upper()}, because" in text
    assert all(f"  {i}. " in text for i in range(1, len(r.steps) + 1))


# -- LaTeX for Jupyter -------------------------------------------------------------------------


def test_repr_latex_of_gradient_verdict_and_result_is_maths():
    g, C = nets.sigmoid_chain(depth=2)
    shown = [g.grad(C, g["b_1"])._repr_latex_(), verify("w**2 >= abs(w)")._repr_latex_(), result()._repr_latex_()]
    for latex in shown:
        assert latex.startswith("$") and latex.endswith("$")
        assert latex.count("{") == latex.count("}")
    assert r"\sigma'\left(z_{1}\right)" in shown[0]
    assert r"\frac{d}{d x} x^{2} = 2 x" in shown[2]


def test_result_repr_latex_makes_tex_specials_in_prose_harmless():
    latex = result()._repr_latex_()
    prose = re.findall(r"\\text(?:bf)?\{([^{}]*)\}", latex)
    assert "a sentence: 50％ ＆ ｛x｝＿1 ＃" in prose and "(a ＄ note)" in prose
    assert not [p for p in prose if set(p) & set("\\{}$%&#^_~")]


# -- DOT and drawings ----------------------------------------------------------------------------


def test_to_dot_is_dot_with_one_labelled_edge_per_graph_edge():
    g, C = nets.sigmoid_chain(depth=4)
    dot = g.to_dot(wrt=g["b_1"])
    lines = dot.splitlines()
    assert lines[0] == "digraph derive {" and lines[-1] == "}"
    assert dot.count("{") == dot.count("}") == 1
    edges = [EDGE.match(line) for line in lines if " -> " in line]
    assert all(edges), [line for line in lines if " -> " in line and not EDGE.match(line)]
    expected = {(p.name, c.name) for c in (n.symbol for n in g.nodes if n.kind == "let") for p in g.node(c).parents}
    assert sorted((m.group(1), m.group(2)) for m in edges) == sorted(expected)
    labels = {(m.group(1), m.group(2)): m.group(3) for m in edges}
    assert labels[("z_4", "y_4")] == "σ′(z₄)" and labels[("x_4", "z_4")] == "w₄"
    red = {(m.group(1), m.group(2)) for m in edges if m.group(4)}
    assert ("b_1", "z_1") in red and ("w_1", "z_1") not in red and ("y_4", "C") in red
    nodes = [line for line in lines if re.match(r'^  "\w+" \[label=', line)]
    assert len(nodes) == len(g)


def test_to_dot_escapes_quotes_backslashes_and_newlines():
    assert _dot_string('say "hi"\\n') == r'"say \"hi\"\\n"'
    assert _dot_string("a\nb") == r'"a\nb"'
    g = Graph()
    x = g.input("x")
    g.let("f", sp.Piecewise((x, x > 0), (0, True)))
    g.let("h", x ** 2)
    dot = g.to_dot(output=g["f"])  # only the ancestors of f
    assert '"h"' not in dot and dot.count(" -> ") == 1


def test_draw_returns_a_matplotlib_figure_with_every_edge_labelled():
    from matplotlib.figure import Figure
    g, C = nets.residual_chain(depth=2)
    fig = g.draw(wrt=g["b_1"])
    assert isinstance(fig, Figure)
    edges = [t for t in fig.axes[0].texts if (t.get_gid() or "").startswith("edge ")]
    assert len(edges) == len(g.edges())
    assert fig._repr_png_().startswith(b"\x89PNG\r\n")  # what Jupyter shows for the cell's last value
    plain = g.draw()
    assert isinstance(plain, Figure) and "Red" not in plain.axes[0].get_title()
    with pytest.raises(GraphError):
        Graph().draw()


# -- the Graph helpers the builders rely on --------------------------------------------------------


def test_graph_vector_rules_and_str():
    g, l = nets.softmax_cross_entropy(2)
    assert g.vector("p") == Vector("p", (g["p_1"], g["p_2"]))
    with pytest.raises(GraphError, match="no family"):
        g.vector("q")
    assert g.rules(g["p_1"], g["o_2"]) == ("softmax",)
    assert g.rules(l, g["p_1"]) == ("add", "mul", "log")
    assert str(g).splitlines()[:2] == ["inputs      o₁, o₂, y₁, y₂", "  p₁ = exp(o₁)/(exp(o₁) + exp(o₂))"]


# -- a quick import ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [
    "import derive",
    "import derive.nets, derive.grad; g, C = derive.nets.mlp(); g.grad(C, g['b_11']).explanation(); g.to_dot()",
])
def test_import_derive_does_not_import_matplotlib(code):
    probe = f"{code}; import sys; print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib'))"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout[:300]
