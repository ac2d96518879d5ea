"""Backpropagation: the seed's chain-rule formula (2), and what computes the gradient.

Seed sections: 3(1) 梯度消失 (vanishing gradients, formula (2)) and 2(3) 算法流程
(the algorithm).

Main statements
- ``formula-2-chain-rule``: in the seed's four-layer sigmoid chain the
  reverse pass gives ∂C/∂b₁ as the product, in the seed's order, of
  ∂C/∂y₄ · σ′(z₄) · w₄ · σ′(z₃) · w₃ · σ′(z₂) · w₂ · σ′(z₁) · ∂z₁/∂b₁ (= 1),
  each factor equal to the seed's, the product equal to the derivative of
  the closed form; only the first factor depends on the loss.
- ``backprop-computes-gradients``: the reverse pass alone (no update, no
  learning rate) yields the exact gradient of every parameter; a gradient
  descent step θ ← θ − αg is a separate map that consumes it.  The seed's
  "通过梯度下降或者其他优化算法来计算每一层的误差梯度" mixes the two.

Notation
zᵢ = wᵢxᵢ + bᵢ, xᵢ₊₁ = σ(zᵢ) (i = 1, 2, 3), y₄ = σ(z₄); C = (y₄ − y)²/2 or the
binary cross-entropy −y log y₄ − (1 − y) log(1 − y₄); σ′(z) = e^{−z}/(1 + e^{−z})²
is the seed's formula for the sigmoid's derivative.

Implementation notes
The network is a :class:`derive.graph.Graph`; ``grad(C, b₁).factors`` is the
path of local derivatives read off the reverse pass (rule table, no
``sympy.diff``).  Each factor is compared with the seed's by ``d.equal``; the
product, and the whole reverse-pass gradient, with ``sympy.diff`` of the closed
form.  Numerically: the compiled reverse pass against finite differences, and
a gradient-descent step at random points.

References
Rumelhart, Hinton, Williams, "Learning representations by back-propagating
errors", Nature 323 (1986); Goodfellow, Bengio, Courville, *Deep Learning*
(2016), §6.5; Baydin et al., "Automatic differentiation in machine learning:
a survey", JMLR 18 (2018).
"""
import numpy as np
import sympy as sp

from derive import sigmoid
from derive.catalogue import Derivation, Proof
from derive.render.figures import Figure
from derive.numeric import Evidence, check_gradient
from derive.graph import Graph
from derive.symbols import adjoint, is_adjoint, symbol

alpha = symbol("alpha")


def seed_network(loss="squared"):
    """The seed's chain: z_i = w_i x_i + b_i, x_{i+1} = σ(z_i), y_4 = σ(z_4), then C."""
    g = Graph()
    x, y = g.input("x_1"), g.input("y")
    for k in range(1, 5):
        w, b = g.param(f"w_{k}"), g.param(f"b_{k}")
        z = g.let(f"z_{k}", w * x + b)
        x = g.let(f"x_{k + 1}" if k < 4 else "y_4", sigmoid(z))
    if loss == "squared":
        g.let("C", (x - y) ** 2 / 2)
    else:
        g.let("C", -y * sp.log(x) - (1 - y) * sp.log(1 - x))
    return g


def seed_slope(z):
    """The seed's σ′: e^{−z}/(1 + e^{−z})²."""
    return sp.exp(-z) / (1 + sp.exp(-z)) ** 2


# the seed's formula (2): (child, parent) of each factor, in order
SEED_LABELS = [("C", "y_4"), ("y_4", "z_4"), ("z_4", "x_4"), ("x_4", "z_3"), ("z_3", "x_3"),
               ("x_3", "z_2"), ("z_2", "x_2"), ("x_2", "z_1"), ("z_1", "b_1")]


def seed_factors(g, first):
    """The seed's right-hand side of (2), factor by factor, ending with ∂z₁/∂b₁ = 1."""
    z = [g[f"z_{k}"] for k in range(1, 5)]
    w = [g[f"w_{k}"] for k in range(1, 5)]
    return [first, seed_slope(z[3]), w[3], seed_slope(z[2]), w[2], seed_slope(z[1]), w[1],
            seed_slope(z[0]), sp.S.One]


def closed(g, expr):
    """``expr`` (in node symbols) written in inputs and parameters."""
    return expr.xreplace({s: g.closed_form(s) for s in expr.free_symbols if s in g})


def to_nodes(g, expr):
    """A closed-form ``expr`` rewritten in the node names (each node's closed form by its symbol)."""
    return expr.xreplace({g.closed_form(n.symbol): n.symbol for n in g.nodes
                          if n.kind == "let" and n.symbol != g["C"]})


def params(g):
    return [g[f"{p}_{k}"] for k in range(1, 5) for p in ("w", "b")]


def chain_graph_figure():
    """The seed's four-layer sigmoid chain as a computation graph, the path from b₁ to C in red."""
    from derive.nets import sigmoid_chain
    from derive.render.graphs import graph_drawing
    g, C = sigmoid_chain(depth=4)
    return graph_drawing(g, C, g["b_1"])


class Formula2ChainRule(Proof):
    id = "formula-2-chain-rule"
    section = "3(1) 梯度消失"
    title = "The seed's chain-rule formula (2) for ∂C/∂b₁"
    quote = (r"$$\frac{\partial C}{\partial b_1} = \frac{\partial C}{\partial y_4} \frac{\partial y_4}{\partial z_4} "
             r"\frac{\partial z_4}{\partial x_4} \frac{\partial x_4}{\partial z_3} \frac{\partial z_3}{\partial x_3} "
             r"\frac{\partial x_3}{\partial z_2} \frac{\partial z_2}{\partial x_2} \frac{\partial x_2}{\partial z_1} "
             r"\frac{\partial z_1}{\partial b_1}  " "\n"
             r"= \frac{\partial C}{\partial y_4} \sigma'(z_4) w_4 \sigma'(z_3) w_3 \sigma'(z_2) w_2 \sigma'(z_1) (2)$$")
    statement = ("In the chain zᵢ = wᵢxᵢ + bᵢ, xᵢ₊₁ = σ(zᵢ), y₄ = σ(z₄), the reverse pass gives ∂C/∂b₁ as the "
                 "product of the nine local derivatives ∂C/∂y₄ · ∂y₄/∂z₄ · ∂z₄/∂x₄ · … · ∂z₁/∂b₁ in the seed's "
                 "order, equal factor by factor to ∂C/∂y₄ · σ′(z₄) · w₄ · σ′(z₃) · w₃ · σ′(z₂) · w₂ · σ′(z₁) · 1 "
                 r"with $\sigma'(z) = e^{-z}/(1 + e^{-z})^2$; the product is the derivative of the closed form, for "
                 "the squared error and for the cross-entropy (only ∂C/∂y₄ changes).")
    figures = (Figure(
        "chain-graph",
        "The seed's 4-layer sigmoid chain as a computation graph. Each edge carries its local "
        "derivative ∂child/∂parent; the highlighted path from b₁ to C multiplies to formula (2).",
        chain_graph_figure, size=None),)

    def derive(self):
        d = Derivation()
        tails = []
        losses = (("squared", "C = (y₄ − y)²/2"), ("cross-entropy", "C = −y log y₄ − (1 − y) log(1 − y₄)"))
        for loss, first_name in losses:
            g = seed_network(loss)
            y4, y, b1 = g["y_4"], g["y"], g["b_1"]
            grad = g.grad(g["C"], b1)
            path = grad.factors
            d.note(f"∂C/∂b₁ = {path.labels()} = {path}",
                   f"reverse pass over the graph, {first_name}; local factors from the rule table")
            labels = [(f.child.name, f.parent.name) for f in path]
            mismatched = sum(1 for got, want in zip(labels, SEED_LABELS) if got != want)
            mismatched += abs(len(labels) - len(SEED_LABELS))
            d.equal(sp.Integer(mismatched), 0, "factors whose ∂child/∂parent differ from the seed's, in order")
            first = (y4 - y) if loss == "squared" else -y / y4 + (1 - y) / (1 - y4)
            d.equal(sp.diff(g.node(g["C"]).expr, y4), first, "∂C/∂y₄ (the seed leaves it symbolic)")
            for k, (factor, want) in enumerate(zip(path, seed_factors(g, first))):
                child, parent = sp.latex(factor.child), sp.latex(factor.parent)
                d.equal(factor.value, want, rf"factor {k + 1}: $\partial {child}/\partial {parent}$ is the seed's")
            product = path.value
            d.equal(to_nodes(g, closed(g, product)), to_nodes(g, sp.diff(g.closed_form(g["C"]), b1)),
                    "the product is d/db₁ of the closed form, differentiated by SymPy, both written in the node names")
            d.equal(to_nodes(g, grad.expr), to_nodes(g, closed(g, product)), "and the reverse pass's gradient")
            tails.append(sp.Mul(*(f.value for f in path[1:])))
        d.equal(tails[0], tails[1], "the factors after ∂C/∂y₄ do not depend on the loss")
        return d

    def evidence(self):
        evidence = []
        for loss in ("squared", "cross-entropy"):
            g = seed_network(loss)
            evidence.append(g.grad(g["C"], g["b_1"]).check(n=100, seed=0))
        g = seed_network("squared")
        seed_product = sp.Mul(*seed_factors(g, g["y_4"] - g["y"]))
        evidence.append(check_gradient(g.closed_form(g["C"]), {g["b_1"]: closed(g, seed_product)}, g["b_1"],
                                       n=100, seed=1))
        return evidence


class BackpropComputesGradients(Proof):
    id = "backprop-computes-gradients"
    section = "2(3) 算法流程"
    title = "Backpropagation computes the gradient; the optimiser only uses it"
    quote = ("2、我们到达输出层后，通过损失函数从输出层向输入层的方向通过梯度下降或者其他优化算法来计算每一层的误差梯度。"
             "实现对网络中参数的更新。")
    statement = ("For the seed's four-layer sigmoid chain with C = (y₄ − y)²/2, the reverse pass (the chain rule "
                 "applied from the output towards the input, one adjoint per node, no learning rate and no "
                 "update) gives ∂C/∂θ exactly for all eight parameters θ = (w₁, b₁, …, w₄, b₄); a gradient "
                 "descent step θ ← θ − α∇C is a separate map that takes this gradient as input, and it lowers "
                 "C to first order: d/dα C(θ − α∇C)|₀ = −‖∇C‖².")
    erratum = True
    why_wrong = ("Backpropagation, the chain rule from output to input, computes every layer's gradient exactly "
                 "with no learning rate and no update; gradient descent is a separate step that takes those "
                 "gradients as input, so it does not compute them.")
    correction = ("The gradients of every layer are computed by backpropagation (the chain rule, output to "
                  "input); gradient descent or another optimiser (momentum, Adam, …) then uses them to update "
                  "the parameters.")

    def derive(self):
        d = Derivation()
        g = seed_network("squared")
        theta = params(g)
        grad = g.grad(g["C"], theta)
        for a in grad.program:
            d.define(a.target, a.expr, "reverse pass: x̄ = Σ over children c of c̄ · ∂c/∂x")
        used = set().union(*(a.expr.free_symbols for a in grad.program))
        foreign = {u for u in used if u not in g and not is_adjoint(u)}
        d.equal(sp.Integer(len(foreign)), 0,
                "symbols of the reverse pass that are neither nodes nor adjoints: no learning rate, no update")
        whole = g.closed_form(g["C"])
        for p, value in zip(theta, grad.expr):
            d.equal(to_nodes(g, value), to_nodes(g, sp.diff(whole, p)),
                    rf"$\partial C/\partial {sp.latex(p)}$: the reverse pass equals SymPy's derivative of the "
                    "closed form (both in the node names)")
        # the optimiser is a different map, fed with the gradient
        bars = sp.Matrix([adjoint(p) for p in theta])
        d.define(sp.Symbol("θ′"), sp.Matrix(theta) - alpha * bars,
                 "one gradient-descent step θ′ = θ − α∇C(θ), with ∇C = (w̄₁, b̄₁, …) from the reverse pass")
        mu, v = symbol("mu"), sp.Matrix([symbol(f"v_{k}") for k in range(1, 9)])
        d.define(sp.Symbol("(v′, θ′)"), sp.Matrix([mu * v + bars, sp.Matrix(theta) - alpha * (mu * v + bars)]),
                 "another optimiser (heavy-ball momentum) consumes the same ∇C")
        # first-order decrease along the step, shown on one layer to keep it small
        h = Graph()
        xs, ys, w, b = h.input("x"), h.input("y"), h.param("w"), h.param("b")
        out = h.let("out", sigmoid(w * xs + b))
        loss = h.let("C", (out - ys) ** 2 / 2)
        gw, gb = h.grad(loss, [w, b]).expr
        moved = h.closed_form(loss).xreplace({w: w - alpha * gw, b: b - alpha * gb})
        d.equal(sp.diff(moved, alpha).xreplace({alpha: 0}), -(gw ** 2 + gb ** 2),
                "one neuron: d/dα C(θ − α∇C) at α = 0 is −‖∇C‖², so the update lowers C for small α")
        d.note("so computing the gradient (backpropagation) and updating (gradient descent or another "
               "optimiser) are two steps; the seed says the gradients are computed 'by gradient descent'",
               "the reverse pass above has no α and no update")
        return d

    def evidence(self):
        g = seed_network("squared")
        theta = params(g)
        grad = g.grad(g["C"], theta)
        fd = grad.check(n=100, seed=0)
        run = grad.numeric()
        rng = np.random.default_rng(3)
        m = 2000
        point = {s: rng.uniform(-2.0, 2.0, m) for s in run.arguments}
        point[g["y"]] = rng.uniform(0.0, 1.0, m)
        before, grads = run(point)
        sq = sum(grads[p] ** 2 for p in theta)
        keep = sq > 1e-12
        step = 1e-2
        after, _ = run({**point, **{p: point[p] - step * grads[p] for p in theta}})
        worse = int(np.sum(keep & (after >= before)))
        return [fd, Evidence("one gradient-descent step, α = 0.01", int(keep.sum()), float(worse),
                             worse / max(1, int(keep.sum())), "C decreases at every point with ∇C ≠ 0", worse == 0,
                             "2000 seeded points (seed 3), parameters and x₁ in [−2, 2], y in [0, 1]; "
                             "err = number of points where C did not decrease")]
