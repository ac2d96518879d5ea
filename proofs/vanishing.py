"""Vanishing and exploding gradients in a chain of sigmoid layers.

Seed section: 3(1) 梯度消失 (vanishing gradients) and 3(2) 梯度爆炸 (exploding gradients).

Main statements
- ``vanishing-gradient-bound``: in the n-layer chain zᵢ = wᵢxᵢ + bᵢ, xᵢ₊₁ = σ(zᵢ), yₙ = σ(zₙ),
  ∂C/∂b₁ = ∂C/∂yₙ · ∏ᵢ₌₁ⁿ σ′(zᵢ) · ∏ᵢ₌₂ⁿ wᵢ (w₁ is not a factor), hence
  |∂C/∂b₁| ≤ |∂C/∂yₙ| · (1/4)ⁿ · ∏ᵢ₌₂ⁿ |wᵢ|; and ∂C/∂bₖ = ∂C/∂bₖ₊₁ · wₖ₊₁σ′(zₖ).
- ``exploding-gradient``: ∂C/∂b₁ = ∂C/∂yₙ · σ′(z₁) · ∏ᵢ₌₂ⁿ wᵢσ′(zᵢ); if |wᵢσ′(zᵢ)| ≥ c > 1 for
  i = 2…n then |∂C/∂b₁| ≥ |∂C/∂yₙ| σ′(z₁) cⁿ⁻¹; with the sigmoid |wσ′(z)| ≤ |w|/4, so this
  needs |wᵢ| > 4.

Notation
σ(x) = 1/(1 + e^{−x}), σ′ = σ(1 − σ) from the rule table; C = (yₙ − y)²/2 is the
loss of the graphs, but only its factor ∂C/∂yₙ enters.  In the general-n
argument s(i) stands for σ′(zᵢ) and w(i) for wᵢ; ∏ is SymPy's ``Product``.

Implementation notes
The product form is read off :class:`derive.graph.Graph` for n = 1…6 (the
seed's formula (2) is n = 4) and proved for every n by induction: a one-layer
graph shows that appending a layer multiplies ∂y/∂b₁ by σ′(z)·w, and SymPy's
``product_simplify`` merges the new factor into the product.  The bound
follows from 0 < σ′ ≤ 1/4 (1/4 − σ(1 − σ) = (σ − 1/2)², a faster argument than
the extremum of ``sigmoid-derivative-max``) and a lemma, 0 ≤ A ≤ A′, 0 ≤ B ≤ B′ ⇒ AB ≤ A′B′, applied in the
inductive step.  Numerically: finite differences of the graph, and random
12-layer chains (NumPy forward pass) compared with the bounds.

References
Goodfellow, Bengio, Courville, *Deep Learning* (2016), §8.2.5 and §10.7;
Glorot and Bengio, "Understanding the difficulty of training deep
feedforward neural networks" (AISTATS 2010); d2l §5.4.1.
"""
from collections import namedtuple

import numpy as np
import sympy as sp
from sympy.simplify.simplify import product_simplify

from derive import sigmoid
from derive.catalogue import Derivation, Proof
from derive.render.figures import Figure
from derive.numeric import Evidence, check_relation
from derive.graph import Graph
from derive.lang import Domain
from derive.ops import OPS, derivative
from derive.symbols import symbol

QUARTER = sp.Rational(1, 4)
NONNEG = Domain(sp.Interval(0, sp.oo))
POSITIVE = Domain(sp.Interval.open(0, sp.oo))
x = symbol("x")
SLOPE = derivative(sigmoid(x), x)  # σ′(x) = σ(x)(1 − σ(x)), from the rule table
i = symbol("i", integer=True)
n = symbol("n", integer=True, positive=True)
s = sp.Function("s", positive=True)  # s(i) = σ′(zᵢ)
w = sp.Function("w", real=True)      # w(i) = wᵢ
DEPTHS = range(1, 7)
DEPTH = 12  # depth of the random chains of the numeric checks

Chain = namedtuple("Chain", "graph loss output z w b")


def sigmoid_chain(depth):
    """The seed's chain of ``depth`` sigmoid layers with the loss C = (yₙ − y)²/2."""
    g = Graph()
    h, target = g.input("x_1"), g.input("y")
    zs, ws, bs = [], [], []
    for k in range(1, depth + 1):
        wk, bk = g.param(f"w_{k}"), g.param(f"b_{k}")
        zs.append(g.let(f"z_{k}", wk * h + bk))
        ws.append(wk)
        bs.append(bk)
        h = g.let(f"x_{k + 1}" if k < depth else f"y_{depth}", sigmoid(zs[-1]))
    loss = g.let("C", (h - target) ** 2 / 2)
    return Chain(g, loss, h, zs, ws, bs)


def slope_at(z):
    """σ′(z) as the rule table writes it."""
    return SLOPE.xreplace({x: z})


def merge(d, product, f, k, why):
    """Show product·f(k) = ∏ up to k, for ``product`` = ∏ f(i) up to k − 1, with product_simplify."""
    last = sp.Product(f, (i, k, k))
    d.equal(last.doit(), f.xreplace({i: k}), "a product over one index is its single factor")
    merged = product_simplify(product * last)
    lo = product.limits[0][1]
    d.equal(merged, sp.Product(f, (i, lo, k)), why)
    return merged


def product_lemma(d):
    """0 ≤ A ≤ A′ and 0 ≤ B ≤ B′ imply AB ≤ A′B′ (used in every inductive step below)."""
    a, a_hi, b, b_hi, gap_a, gap_b = (symbol(name) for name in ("A", "A_hi", "B", "B_hi", "gap_A", "gap_B"))
    d.note(r"lemma: $0 \le A \le A_{hi}$ and $0 \le B \le B_{hi}$ imply $A \cdot B \le A_{hi} \cdot B_{hi}$",
           "monotonicity of products")
    d.equal(a_hi * b_hi - a * b, (a_hi - a) * b_hi + a * (b_hi - b), "regroup the difference")
    d.holds(gap_a * b_hi + a * gap_b, ">=", 0,
            r"with $gap_A = A_{hi} - A \ge 0$ and $gap_B = B_{hi} - B \ge 0$ every term is ≥ 0",
            assume={"gap_A": NONNEG, "gap_B": NONNEG, "A": NONNEG, "B_hi": NONNEG})


def sigmoid_slope_bounds(d):
    """0 < σ′(x) ≤ 1/4 for every real x, by completing the square in u = σ(x)."""
    u = symbol("u")
    d.equal(SLOPE.xreplace({sigmoid(x): u}), u * (1 - u), "σ′(x) = u(1 − u) with u = σ(x) (rule table)")
    d.equal(QUARTER - u * (1 - u), (u - sp.S.Half) ** 2, "complete the square")
    d.holds((u - sp.S.Half) ** 2, ">=", 0, "a square: so σ′ ≤ 1/4, with equality only at σ(x) = 1/2, x = 0")
    positive = sp.exp(-x) / (1 + sp.exp(-x)) ** 2
    d.equal(SLOPE, positive, "σ′ with exponentials (the seed's formula)")
    d.holds(positive, ">", 0, "σ′ > 0")


def abs_multiplicative(d):
    """|a·b| = |a|·|b| for real a, b: both sides are ≥ 0 and their squares agree."""
    a, b = symbol("a"), symbol("b")
    d.equal(sp.Abs(a * b) ** 2, (sp.Abs(a) * sp.Abs(b)) ** 2, "|a·b|² = a²b² = (|a|·|b|)²; both sides are ≥ 0")


def layer_step(d):
    """Appending one layer y′ = σ(w′y + b′) multiplies ∂y/∂b₁ by σ′(z′)·w′ (one-layer graph)."""
    g = Graph()
    y_prev = g.input("y_n")
    w_next, b_next = g.param("w_next"), g.param("b_next")
    z_next = g.let("z_next", w_next * y_prev + b_next)
    y_next = g.let("y_next", sigmoid(z_next))
    local = g.grad(y_next, y_prev).factors
    d.note(r"$\partial y_{next}/\partial y_n = " + local.latex() + "$",
           r"the graph's gradient through one appended layer $z_{next} = w_{next} \cdot y_n + b_{next}$")
    d.equal(local.value, slope_at(z_next) * w_next, r"the local factor is $\sigma'(z_{next}) \cdot w_{next}$")
    d.note(r"$b_1$ reaches $y_{next}$ only through $y_n$, so "
           r"$\partial y_{next}/\partial b_1 = \sigma'(z_{next}) w_{next} \cdot \partial y_n/\partial b_1$",
           "chain rule along the single path")


def numeric_chain(rng, m, depth, weights, biases=None, z_window=None):
    """Random inputs of a depth-``depth`` chain; biases either given or set so zᵢ lie in ``z_window``.

    Returns the leaf values for the compiled graph and the forward pass (z, y) in NumPy.
    """
    x1 = rng.uniform(-3, 3, m)
    target = rng.uniform(0, 1, m)
    h, zs, bs = x1, [], []
    for k in range(depth):
        if biases is not None:
            bk = biases[k]
        else:  # place z_k inside the window: b_k = z_k − w_k·h
            bk = rng.uniform(*z_window, m) - weights[k] * h
        zs.append(weights[k] * h + bk)
        bs.append(bk)
        h = np.exp(-np.logaddexp(0.0, -zs[-1]))
    return x1, target, np.array(zs), np.array(bs), h


def run_chain(compiled, chain, x1, target, weights, biases):
    points = {chain.graph["x_1"]: x1, chain.graph["y"]: target}
    points.update({chain.w[k]: weights[k] for k in range(len(chain.w))})
    points.update({chain.b[k]: biases[k] for k in range(len(chain.b))})
    _, grads = compiled(points)
    return np.array([grads[b] for b in chain.b])


def sigma_prime(z):
    sig = np.exp(-np.logaddexp(0.0, -z))
    return sig * (1.0 - sig)


FIGURE_DEPTH, FIGURE_WIDTH, FIGURE_SEEDS = 30, 32, tuple(range(9))  # the depth figure's chains


def chain_gradients(kind, depth=FIGURE_DEPTH, width=FIGURE_WIDTH, seed=0):
    """‖∂C/∂b₁‖ for the chains of 1…``depth`` layers of one random network, and the bound (1/4)ⁿ∏ᵢ₌₂ⁿ‖Wᵢ‖₂.

    Layer l: zₗ = Wₗxₗ (biases 0), xₗ₊₁ = φ(zₗ) for "sigmoid" and "relu", xₗ₊₁ = xₗ + σ(zₗ) for
    "residual"; weights N(0, 1/width) (2/width for ReLU, He's scale), x₁ ~ N(0, I), ∂C/∂xₙ₊₁ = u a
    seeded unit vector.  The gradient is the product of local factors uᵀJₙ…J₂D₁, Dₗ = diag φ′(zₗ),
    Jₗ = DₗWₗ (+ I with the skip), in NumPy; width 1 is the scalar chain of the seed's formula (2).

    >>> g, bound = chain_gradients("sigmoid", depth=3, width=1, seed=0)
    >>> bool(np.all(g <= bound))
    True
    """
    rng = np.random.default_rng(seed)
    scale = np.sqrt((2.0 if kind == "relu" else 1.0) / width)
    weights = rng.normal(0.0, scale, (depth, width, width))
    x, u = rng.normal(size=width), rng.normal(size=width)
    u /= np.linalg.norm(u)
    slopes = []
    for w in weights:
        z = w @ x
        if kind == "relu":
            slopes.append(np.heaviside(z, 0.0))
            x = OPS["relu"].numpy(z)
        else:
            s = OPS["sigmoid"].numpy(z)
            slopes.append(s * (1 - s))
            x = x + s if kind == "residual" else s
    grads = np.empty(depth)
    for n in range(1, depth + 1):
        v = u
        for l in range(n - 1, 0, -1):
            v = (v * slopes[l]) @ weights[l] + (v if kind == "residual" else 0.0)
        grads[n - 1] = np.linalg.norm(v * slopes[0])
    norms = np.linalg.norm(weights, ord=2, axis=(1, 2))
    bound = 0.25 ** np.arange(1, depth + 1) * np.cumprod(np.concatenate([[1.0], norms[1:]]))
    return grads, bound


def depth_figure(fig):
    """Median ‖∂C/∂b₁‖ against depth for sigmoid, ReLU and residual chains (log y)."""
    ax = fig.add_subplot()
    n = np.arange(1, FIGURE_DEPTH + 1)
    labels = {"sigmoid": "sigmoid chain", "relu": "ReLU chain (He scale)", "residual": "residual: x + σ(Wx)"}
    for colour, (kind, label) in zip(("C0", "C2", "C1"), labels.items()):
        runs = [chain_gradients(kind, seed=s) for s in FIGURE_SEEDS]
        ax.semilogy(n, np.median([g for g, _ in runs], axis=0), "o-", ms=3, color=colour, label=label)
        if kind == "sigmoid":
            ax.semilogy(n, np.median([b for _, b in runs], axis=0), "--", color=colour,
                        label="bound (1/4)ⁿ ∏ ‖Wᵢ‖₂")
    ax.set(xlabel="depth n (layers)", ylabel="‖∂C/∂b₁‖  (‖∂C/∂xₙ₊₁‖ = 1)", xlim=(0.5, FIGURE_DEPTH + 0.5),
           title=f"Gradient at the first layer, median of {len(FIGURE_SEEDS)} networks")
    ax.legend(loc="lower left")


class VanishingGradientBound(Proof):
    id = "vanishing-gradient-bound"
    section = "3(1) 梯度消失"
    title = "The vanishing-gradient product and its (1/4)ⁿ bound"
    quote = (r"$$\frac{\partial C}{\partial b_1} = \frac{\partial C}{\partial y_4} \frac{\partial y_4}{\partial z_4} "
             r"\frac{\partial z_4}{\partial x_4} \frac{\partial x_4}{\partial z_3} \frac{\partial z_3}{\partial x_3} "
             r"\frac{\partial x_3}{\partial z_2} \frac{\partial z_2}{\partial x_2} \frac{\partial x_2}{\partial z_1} "
             "\\frac{\\partial z_1}{\\partial b_1}  \n"
             r"= \frac{\partial C}{\partial y_4} \sigma'(z_4) w_4 \sigma'(z_3) w_3 \sigma'(z_2) w_2 \sigma'(z_1) (2)$$"
             r" … 我们通过相关的计算就可以得到其导数最大值也只有 $1\over 4$ 。"
             " … 其中距离输出层最远的那一层的参数也就最有可能出现梯度消失的问题")
    statement = ("For the chain zᵢ = wᵢxᵢ + bᵢ, xᵢ₊₁ = σ(zᵢ), yₙ = σ(zₙ) and every n ≥ 1: "
                 "∂C/∂b₁ = ∂C/∂yₙ · ∏ᵢ₌₁ⁿ σ′(zᵢ) · ∏ᵢ₌₂ⁿ wᵢ (no w₁), so "
                 "|∂C/∂b₁| ≤ |∂C/∂yₙ| · (1/4)ⁿ · ∏ᵢ₌₂ⁿ |wᵢ|; layer by layer ∂C/∂bₖ = ∂C/∂bₖ₊₁ · wₖ₊₁σ′(zₖ), "
                 "so |∂C/∂bₖ| ≤ (|wₖ₊₁|/4)|∂C/∂bₖ₊₁| shrinks towards the input when every |wᵢ| < 4.")
    figures = (Figure(
        "depth",
        f"The gradient reaching the first bias of a chain of n layers of width {FIGURE_WIDTH} (random weights, "
        f"median over {len(FIGURE_SEEDS)} seeds, computed as the product of the local Jacobians). Through sigmoid "
        "layers it shrinks geometrically, below the bound (1/4)ⁿ∏‖Wᵢ‖₂; ReLU layers at He's scale "
        "keep its size, and so do the same sigmoid layers with skip connections (each block's factor I + DW).",
        depth_figure),)

    def derive(self):
        d = Derivation()
        for depth in DEPTHS:  # the product of local factors, read off the graph
            chain = sigmoid_chain(depth)
            path = chain.graph.grad(chain.loss, chain.b[0]).factors
            d.note(f"n = {depth}: ∂C/∂b₁ = {path}", "the graph's local factors along the single path")
            claimed = chain.graph.local(chain.loss, chain.output) * sp.Mul(*map(slope_at, chain.z)) \
                * sp.Mul(*chain.w[1:])
            d.equal(path.value, claimed,
                    rf"$\partial C/\partial y_{depth} \cdot \sigma'(z_1) \cdots \sigma'(z_{depth}) \cdot "
                    rf"w_2 \cdots w_{depth}$: no $w_1$"
                    if depth > 1 else r"$\partial C/\partial y_1 \cdot \sigma'(z_1)$: no weight at all")
        d.note("n = 4 is the seed's formula (2), factor for factor", "the seed's chain-rule product is right")

        # the product form for every n, by induction on the number of layers
        product = sp.Product(s(i), (i, 1, n)) * sp.Product(w(i), (i, 2, n))
        d.define(sp.Symbol("P_n"), product, "definition, s(i) = σ′(zᵢ), w(i) = wᵢ; to show: ∂yₙ/∂b₁ = Pₙ")
        one = sigmoid_chain(1)
        base = one.graph.grad(one.output, one.b[0]).factors.value
        d.equal(base, slope_at(one.z[0]), "n = 1 (graph): ∂y₁/∂b₁ = σ′(z₁)")
        d.equal(product.subs(n, 1).doit(), s(1), "P₁ = s(1): the product over i = 2…1 is empty")
        layer_step(d)
        merged = merge(d, sp.Product(s(i), (i, 1, n)), s(i), n + 1, "∏ᵢ₌₁ⁿ s(i) · s(n+1) = ∏ᵢ₌₁ⁿ⁺¹ s(i)") \
            * merge(d, sp.Product(w(i), (i, 2, n)), w(i), n + 1, "∏ᵢ₌₂ⁿ w(i) · w(n+1) = ∏ᵢ₌₂ⁿ⁺¹ w(i)")
        d.equal(merged, product.subs(n, n + 1), "so Pₙ · s(n+1)·w(n+1) = Pₙ₊₁: the induction closes")
        d.note("∂C/∂b₁ = ∂C/∂yₙ · Pₙ for every n ≥ 1", "chain rule through yₙ, and the induction above")

        # the bound: 0 < σ′ ≤ 1/4, then ∏ σ′(zᵢ) ≤ 4⁻ⁿ by induction
        sigmoid_slope_bounds(d)
        product_lemma(d)
        d.equal(sp.Product(s(i), (i, 1, 1)).doit(), s(1), "base: ∏ᵢ₌₁¹ s(i) = s(1) ≤ 1/4 = 4⁻¹")
        d.note("step: ∏ᵢ₌₁ⁿ⁺¹ s(i) = (∏ᵢ₌₁ⁿ s(i))·s(n+1) ≤ 4⁻ⁿ · 1/4",
               "merge above; lemma with A = ∏ᵢ₌₁ⁿ s(i) ≤ 4⁻ⁿ, B = s(n+1) ≤ 1/4")
        d.equal(4 ** (-n) * QUARTER, 4 ** (-(n + 1)), "4⁻ⁿ/4 = 4⁻⁽ⁿ⁺¹⁾: so ∏ᵢ₌₁ⁿ σ′(zᵢ) ≤ 4⁻ⁿ for every n")
        abs_multiplicative(d)
        d.note("so |∂C/∂b₁| = |∂C/∂yₙ|·∏σ′(zᵢ)·|∏ᵢ₌₂ⁿ wᵢ| (σ′ > 0) and |Wₙ·wₙ₊₁| = |Wₙ|·|wₙ₊₁|, "
               "hence by induction |∏ᵢ₌₂ⁿ wᵢ| = ∏ᵢ₌₂ⁿ |wᵢ|", "|·| is multiplicative")
        merge(d, sp.Product(sp.Abs(w(i)), (i, 2, n)), sp.Abs(w(i)), n + 1, "∏ᵢ₌₂ⁿ |w(i)| · |w(n+1)| merges")
        d.note("|∂C/∂b₁| = |∂C/∂yₙ|·∏σ′(zᵢ)·∏ᵢ₌₂ⁿ|wᵢ| ≤ |∂C/∂yₙ|·(1/4)ⁿ·∏ᵢ₌₂ⁿ|wᵢ|",
               r"lemma with A = ∏σ′(zᵢ) ≤ 4⁻ⁿ, $B = B_{hi} = |\partial C/\partial y_n| \cdot \prod |w_i|$; "
               "the weights run over i = 2…n")

        # layer by layer: the gradient of the bias k is the one of bias k + 1 times w_{k+1}σ′(z_k)
        chain = sigmoid_chain(4)
        grads = chain.graph.grad(chain.loss, chain.b)
        for k in range(3):
            d.equal(grads.factors[chain.b[k]].value,
                    grads.factors[chain.b[k + 1]].value * chain.w[k + 1] * slope_at(chain.z[k]),
                    rf"$\partial C/\partial b_{k + 1} = \partial C/\partial b_{k + 2} \cdot w_{k + 2} "
                    rf"\sigma'(z_{k + 1})$ (graph, n = 4)")
        d.note("|∂C/∂bₖ| = |wₖ₊₁|σ′(zₖ)|∂C/∂bₖ₊₁| ≤ (|wₖ₊₁|/4)|∂C/∂bₖ₊₁|: smaller at every layer towards "
               "the input when |wᵢ| < 4, so the layer farthest from the output has the smallest gradient",
               "lemma with B = σ′(zₖ) ≤ 1/4; the seed's 最有可能 holds under this condition")
        return d

    def evidence(self):
        chain4 = sigmoid_chain(4)
        evidence = [chain4.graph.grad(chain4.loss, chain4.b[0]).check(n=200, seed=1)]
        chain = sigmoid_chain(DEPTH)
        compiled = chain.graph.grad(chain.loss, chain.b).numeric()
        rng = np.random.default_rng(20240601)
        m = 20_000
        for label, weights in (("N(0, 3²) weights", rng.normal(0.0, 3.0, (DEPTH, m))),
                               ("|wᵢ| ≤ 1", rng.uniform(-1.0, 1.0, (DEPTH, m)))):
            biases = rng.normal(0.0, 1.0, (DEPTH, m))
            x1, target, zs, _, y = numeric_chain(rng, m, DEPTH, weights, biases)
            grads = run_chain(compiled, chain, x1, target, weights, biases)
            upstream = y - target
            # ∂C/∂b_k = D · ∏_{i≥k} σ′(z_i) · ∏_{i>k} w_i  (a chain of depth DEPTH − k + 1)
            slopes = sigma_prime(zs)
            formula = np.array([upstream * np.prod(slopes[k:], axis=0) * np.prod(weights[k + 1:], axis=0)
                                for k in range(DEPTH)])
            bound = np.array([np.abs(upstream) * 0.25 ** (DEPTH - k) * np.prod(np.abs(weights[k + 1:]), axis=0)
                              for k in range(DEPTH)])
            rel = np.abs(grads - formula) / np.maximum(np.abs(formula), 1e-300)
            evidence.append(Evidence("reverse pass vs product formula", grads.size,
                                     float(np.abs(grads - formula).max()), float(rel.max()), "rel 1e-12",
                                     bool(rel.max() < 1e-12),
                                     f"{label}: depth {DEPTH}, {m} chains, every bias (seed 20240601)"))
            excess = np.abs(grads) - bound * (1 + 1e-12)
            violations = int((excess > 0).sum())
            detail = (rf"{label}: $|\partial C/\partial b_k| \le |\partial C/\partial y| \cdot 4^{{-(n-k+1)}} "
                      rf"\cdot \prod_{{i>k}} |w_i|$; {violations} violations")
            if label == "|wᵢ| ≤ 1":
                ratio = np.abs(grads) / np.abs(upstream)
                medians = np.median(ratio, axis=1)  # depth DEPTH − k for row k
                detail += r"; median $|\partial C/\partial b_k| / |\partial C/\partial y|$ by depth n: " + ", ".join(
                    f"n={DEPTH - k}: {medians[k]:.1e}" for k in (11, 8, 5, 2, 0))
                violations += int((ratio * 4.0 ** (DEPTH - np.arange(DEPTH))[:, None] > 1 + 1e-12).sum())
            evidence.append(Evidence("bound check", grads.size, float(max(excess.max(), 0.0)),
                                     float(max((excess / np.maximum(bound, 1e-300)).max(), 0.0)),
                                     "rel 1e-12", violations == 0, detail))
        return evidence


class ExplodingGradient(Proof):
    id = "exploding-gradient"
    section = "3(2) 梯度爆炸"
    title = "Exploding gradients need |wᵢσ′(zᵢ)| > 1, i.e. |wᵢ| > 4"
    quote = "我们对于浅层网络求微分后，如果得到的是多个数相乘的情况下，这多个数很多都大于 1，那么我们相乘得到的结果就会很大很大"
    statement = ("∂C/∂b₁ = ∂C/∂yₙ · σ′(z₁) · ∏ᵢ₌₂ⁿ wᵢσ′(zᵢ); if |wᵢσ′(zᵢ)| ≥ c > 1 for i = 2…n then "
                 "|∂C/∂b₁| ≥ |∂C/∂yₙ| σ′(z₁) cⁿ⁻¹ → ∞ geometrically.  Since |wσ′(z)| ≤ |w|/4, a factor "
                 "|wᵢσ′(zᵢ)| > 1 requires |wᵢ| > 4 (and is reached at zᵢ = 0 when |wᵢ| > 4).")
    erratum = True
    why_wrong = ("The multiplied numbers are the products wᵢσ′(zᵢ), and σ′ ≤ 1/4, so a factor above 1 needs |wᵢ| > "
                 "4 and zᵢ near 0; numbers merely larger than 1, or a few large ones, do not make the gradient "
                 "explode.")
    correction = ("The multiplied numbers are the pairs wᵢσ′(zᵢ), and σ′ ≤ 1/4: the gradient explodes "
                  "when |wᵢσ′(zᵢ)| ≥ c > 1 along the chain, which with the sigmoid needs |wᵢ| > 4 and zᵢ near 0; "
                  "weights that are merely larger than 1 (or a few large factors) do not make it explode.")

    def derive(self):
        d = Derivation()
        for depth in DEPTHS:
            chain = sigmoid_chain(depth)
            path = chain.graph.grad(chain.loss, chain.b[0]).factors
            paired = sp.Mul(*(wk * slope_at(zk) for wk, zk in zip(chain.w[1:], chain.z[1:])))
            d.equal(path.value, chain.graph.local(chain.loss, chain.output) * slope_at(chain.z[0]) * paired,
                    rf"n = {depth} (graph): $\partial C/\partial y_{depth} \cdot \sigma'(z_1) \cdot "
                    rf"\prod_{{i=2}}^{{{depth}}} w_i \sigma'(z_i)$")
        grouped = s(1) * sp.Product(s(i) * w(i), (i, 2, n))
        d.define(sp.Symbol("Q_n"), grouped, "definition, the factors paired as wᵢσ′(zᵢ); to show: ∂yₙ/∂b₁ = Qₙ")
        d.equal(grouped.subs(n, 1).doit(), s(1), "n = 1: Q₁ = σ′(z₁) = ∂y₁/∂b₁")
        layer_step(d)
        step = sp.Product(s(i) * w(i), (i, n + 1, n + 1))
        d.equal(product_simplify(grouped * step), grouped.subs(n, n + 1),
                "Qₙ · s(n+1)w(n+1) = Qₙ₊₁ (SymPy's product simplification): the same recursion, "
                "so ∂yₙ/∂b₁ = Qₙ")

        # the lower bound, by induction: |Q_n| ≥ σ′(z₁) c^(n−1)
        product_lemma(d)
        abs_multiplicative(d)
        c, s1 = symbol("c"), symbol("s_1")
        d.note("hypothesis: mᵢ = |wᵢσ′(zᵢ)| ≥ c > 1 for i = 2…n; claim |Qₙ| ≥ σ′(z₁)·cⁿ⁻¹", "to show")
        d.equal((s1 * c ** (n - 1)).subs(n, 1), s1, "base n = 1: |Q₁| = σ′(z₁) = σ′(z₁)·c⁰")
        d.note("step: |Qₙ₊₁| = |Qₙ|·mₙ₊₁ ≥ σ′(z₁)cⁿ⁻¹ · c",
               "|·| is multiplicative; lemma with A = σ′(z₁)cⁿ⁻¹ ≤ |Qₙ|, B = c ≤ mₙ₊₁")
        d.equal(s1 * c ** (n - 1) * c, s1 * c ** n, "σ′(z₁)cⁿ⁻¹·c = σ′(z₁)cⁿ: the induction closes")
        excess = symbol("epsilon", positive=True)
        growth = sp.limit((1 + excess) ** (n - 1), n, sp.oo)
        d.define(sp.Limit((1 + excess) ** (n - 1), n, sp.oo), growth, "SymPy's limit with c = 1 + ε, ε > 0")

        # with the sigmoid, |w σ′(z)| > 1 needs |w| > 4
        sigmoid_slope_bounds(d)
        d.note("|w·σ′(z)| = |w|·σ′(z) ≤ |w|/4",
               r"|·| multiplicative, σ′ > 0; lemma with $A = A_{hi} = |w|$, B = σ′(z) ≤ 1/4")
        d.note("so |w| ≤ 4 ⇒ |wσ′(z)| ≤ |w|/4 ≤ 1: a factor |wσ′(z)| > 1 needs |w| > 4", "contrapositive")
        at_zero = slope_at(sp.Integer(0))
        d.equal(at_zero, QUARTER, "σ′(0) = 1/4")
        a = symbol("a")
        d.holds((4 + a) * QUARTER, ">", 1, "|w| = 4 + a with a > 0: |w|σ′(0) = (4 + a)/4 > 1",
                assume={"a": POSITIVE})
        d.note("the seed says the factors are 'many greater than 1'; the factors σ′(zᵢ) never exceed 1/4, "
               "so what matters is each pair wᵢσ′(zᵢ), and weights with 1 < |wᵢ| ≤ 4 still shrink the gradient",
               "imprecise: the seed's condition is neither necessary nor sufficient as written")
        return d

    def evidence(self):
        wv, zv = symbol("w"), symbol("z")
        evidence = [check_relation(sp.Abs(wv) * slope_at(zv), 1, "<=", [wv, zv], n=2000, seed=3,
                                   domains={wv: sp.Interval(-4, 4)})]
        chain = sigmoid_chain(DEPTH)
        compiled = chain.graph.grad(chain.loss, chain.b).numeric()
        rng = np.random.default_rng(7)
        m = 20_000
        # |w| ∈ [6, 10] with z_i kept in [−0.3, 0.3]: every pair |w_i σ′(z_i)| > 1
        weights = rng.choice([-1.0, 1.0], (DEPTH, m)) * rng.uniform(6.0, 10.0, (DEPTH, m))
        x1, target, zs, biases, y = numeric_chain(rng, m, DEPTH, weights, z_window=(-0.3, 0.3))
        grads = run_chain(compiled, chain, x1, target, weights, biases)
        upstream, slopes = np.abs(y - target), sigma_prime(zs)
        pairs = np.abs(weights * slopes)
        lower, violations, worst = [], 0, 0.0
        for k in range(DEPTH):
            c = pairs[k + 1:].min(axis=0) if k + 1 < DEPTH else np.ones(m)
            bound = upstream * slopes[k] * c ** (DEPTH - k - 1)
            short = bound * (1 - 1e-12) - np.abs(grads[k])
            violations += int((short > 0).sum())
            worst = max(worst, float((short / bound).max()))
            lower.append(np.median(np.abs(grads[k]) / upstream))
        detail = (f"|w| ∈ [6, 10], z ∈ [−0.3, 0.3], depth {DEPTH}, {m} chains (seed 7); min pair "
                  f"|wσ′(z)| = {pairs[1:].min():.3f}; {violations} violations of "
                  r"$|\partial C/\partial b_k| \ge |\partial C/\partial y| \sigma'(z_k) c^{n-k}$; "
                  r"median $|\partial C/\partial b_k| / |\partial C/\partial y|$ for depth 1, 4, 8, 12: "
                  + ", ".join(f"{lower[DEPTH - q]:.3g}" for q in (1, 4, 8, 12)))
        evidence.append(Evidence("bound check", grads.size, max(worst, 0.0), max(worst, 0.0), "rel 1e-12",
                                 violations == 0 and pairs[1:].min() > 1 and lower[0] > 100 * lower[DEPTH - 1],
                                 detail))
        # weights all larger than 1 (|w| ∈ [1.5, 3.5]) with random biases: no explosion
        weights = rng.choice([-1.0, 1.0], (DEPTH, m)) * rng.uniform(1.5, 3.5, (DEPTH, m))
        biases = rng.normal(0.0, 1.0, (DEPTH, m))
        x1, target, zs, _, y = numeric_chain(rng, m, DEPTH, weights, biases)
        grads = run_chain(compiled, chain, x1, target, weights, biases)
        ratio = float((np.abs(grads[0]) / np.abs(y - target)).max())
        evidence.append(Evidence("bound check", m, max(ratio - 0.25 * (3.5 / 4) ** (DEPTH - 1), 0.0), 0.0,
                                 "≤ (1/4)·(3.5/4)ⁿ⁻¹", ratio <= 0.25 * (3.5 / 4) ** (DEPTH - 1),
                                 f"all |wᵢ| ∈ [1.5, 3.5] > 1, depth {DEPTH}, {m} chains: "
                                 f"max |∂C/∂b₁|/|∂C/∂y| = {ratio:.3g} — the gradient still shrinks"))
        return evidence
