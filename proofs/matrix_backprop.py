"""Backpropagation in matrix form: the seed's chain (2) with a vector per layer, and softmax cross-entropy.

Seed sections: 3(1) 梯度消失 (vanishing gradients, formula (2)) and 4(4) 交叉熵函数
(the cross-entropy function).

Main statements
- ``matrix-backprop-chain``: for four sigmoid layers z_l = W_l·h_{l−1} + b_l,
  h_l = σ(z_l), h₀ = x, C = ½‖h₄ − y‖², with matrix nodes of symbolic widths
  n₀, …, n₄, the reverse pass gives δ_l = ∂C/∂z_l = (W_{l+1}ᵀ·δ_{l+1}) ⊙ σ′(z_l),
  δ₄ = (h₄ − y) ⊙ σ′(z₄), ∂C/∂W_l = δ_l·h_{l−1}ᵀ and ∂C/∂b_l = δ_l (the
  textbook's BP1–BP4); with every width 1, ∂C/∂b₁ is the seed's product (2).
- ``matrix-softmax-cross-entropy``: for a linear layer o = W·x + b and
  l = CE(o, y) = −Σ y ⊙ log softmax(o), with labels y that sum to 1 (one-hot or
  probabilities), ∂l/∂o = ŷ − y with ŷ = softmax(o), ∂l/∂W = (ŷ − y)·xᵀ and
  ∂l/∂b = ŷ − y; for labels that need not sum to 1, ∂l/∂o = ŷ·Σy − y.

Notation
x : (n₀ × 1) the input, W_l : (n_l × n_{l−1}), b_l, z_l, h_l : (n_l × 1); ⊙ the
elementwise (Hadamard) product, ·ᵀ the transpose, σ′ the sigmoid's derivative
applied entry by entry; x̄ = ∂C/∂x the adjoint of a node (shaped like it); δ_l the
textbook's name for z̄_l.  For the linear layer W : (K × n), K classes.

Implementation notes
The networks are :class:`derive.graph.Graph` s of matrix nodes
(:mod:`derive.matrix`); ``grad(C, every parameter)`` runs the reverse pass with
the matrix table's own VJP rules, never SymPy's ``MatrixSymbol`` calculus.
Three checks: (1) symbolic: each adjoint written out in node names
(``adjoint_values``) is compared, as a tree of matrix operations, with the
textbook's formula built from the same constructors (``@``, ``.T``, ⊙, σ′), for
every width at once; (2) exact: the shapes instantiated small (n₀, …, n₄ =
2, 3, 2, 1, 2; n = 3, K = 2) and every entry of every gradient compared with
``sympy.diff`` of the expanded loss and with the scalar engine
(:func:`derive.matrix.expand.entry_check`); (3) numeric: central finite
differences in float64.  Reducing every width to 1 turns the 1 × 1 entries into
the seed's scalar chain (:mod:`proofs.backprop`), compared with its formula (2)
in the seed's node names.

References
Nielsen, *Neural Networks and Deep Learning* (2015), ch. 2, equations BP1–BP4;
Goodfellow, Bengio, Courville, *Deep Learning* (2016), §6.5.4 and §6.2.2.3;
the d2l textbook, §3.4.6 and §5.3 (backpropagation).
"""
from dataclasses import replace

import sympy as sp

from derive import sigmoid
from derive.catalogue import Derivation, Proof
from derive.graph import Graph
from derive.matrix import broadcast, cross_entropy, elementwise, softmax, sqnorm, total
from derive.matrix.checks import default_sizes, evaluate
from derive.matrix.expand import entry_check, expand
from derive.matrix.expr import adjoint_ref, node_ref
from derive.matrix.functions import Fn
from derive.matrix.shapes import shape_text
from derive.matrix.table import TABLE
from derive.render.printing import text
from derive.symbols import symbol
from proofs.backprop import seed_factors, seed_network, to_nodes

LAYERS = 4  # the seed's chain has four sigmoid layers
WIDTHS = tuple(f"n{l}" for l in range(LAYERS + 1))  # n0 prints n₀; the checks print names as they are
CHAIN_SIZES = {"n0": 2, "n1": 3, "n2": 2, "n3": 1, "n4": 2}  # the exact check's instantiation
LAYER_SIZES = {"n": 3, "K": 2}


def vector_chain():
    """The seed's chain with a vector per layer: z_l = W_l·h_{l−1} + b_l, h_l = σ(z_l), C = ½‖h₄ − y‖²."""
    g = Graph()
    h = g.input("x", shape=(WIDTHS[0], 1))
    for l in range(1, LAYERS + 1):
        W = g.param(f"W_{l}", shape=(WIDTHS[l], WIDTHS[l - 1]))
        b = g.param(f"b_{l}", shape=(WIDTHS[l], 1))
        z = g.let(f"z_{l}", W @ h + b)
        h = g.let(f"h_{l}", elementwise("sigmoid", z))
    y = g.input("y", shape=(WIDTHS[-1], 1))
    g.let("C", sqnorm(h - y) / 2)
    return g


def linear_layer(distribution=True):
    """o = W·x + b, l = CE(o, y); ``distribution``: the labels y are declared to sum to 1."""
    g = Graph()
    x, y = g.input("x", shape=("n", 1)), g.input("y", shape=("K", 1), distribution=distribution)
    W, b = g.param("W", shape=("K", "n")), g.param("b", shape=("K", 1))
    o = g.let("o", W @ x + b)
    g.let("l", cross_entropy(o, y))
    return g


def parameters(g):
    """The parameters of ``g``, in the order they were declared."""
    return [n.name for n in g.nodes if n.kind == "param"]


def leaf(g, name):
    """The matrix leaf of node ``name``, as the graph's own expressions refer to it."""
    node = g.node(name)
    return node_ref(name, node.shape, node.distribution)


def sigma_prime(z):
    """σ′(z) entry by entry, the textbook's factor (the op table's derivative of the sigmoid)."""
    return elementwise(Fn.of("sigmoid").derivative(), z)


def weight_gradient(delta, before):
    """The textbook's ∂C/∂W_l = δ_l·h_{l−1}ᵀ (BP4)."""
    return delta @ before.T


def textbook_chain(g, weight=weight_gradient):
    """The textbook's δ_l (BP1, BP2) and gradients (BP3, ``weight`` for BP4), written out in node names.

    Returns ``(forms, recursions)``: ``forms`` maps z_l, W_l, b_l to δ_l, weight(δ_l, h_{l−1}), δ_l
    with every δ written out; ``recursions`` maps l to δ_l in terms of the leaf δ_{l+1}, as printed.
    """
    forms, recursions = {}, {}
    delta = None
    for l in range(LAYERS, 0, -1):
        z, before = leaf(g, f"z_{l}"), leaf(g, "x" if l == 1 else f"h_{l - 1}")
        if delta is None:
            delta = recursions[l] = (leaf(g, f"h_{l}") - leaf(g, "y")) * sigma_prime(z)
        else:
            W = leaf(g, f"W_{l + 1}")
            recursions[l] = (W.T @ node_ref(f"delta_{l + 1}", delta.shape)) * sigma_prime(z)
            delta = (W.T @ delta) * sigma_prime(z)
        forms.update({f"z_{l}": delta, f"W_{l}": weight(delta, before), f"b_{l}": delta})
    return forms, recursions


def textbook_layer(g):
    """The textbook's ∂l/∂o, ∂l/∂W, ∂l/∂b for o = W·x + b: ŷ − y, or ŷ·Σy − y for labels not summing to 1."""
    o, y, x = leaf(g, "o"), leaf(g, "y"), leaf(g, "x")
    yhat = softmax(o)
    error = yhat - y if g.node("y").distribution is not None else yhat * broadcast(total(y, 0), o.shape) - y
    return {"o": error, "W": error @ x.T, "b": error}


def differing(grad, forms) -> list:
    """The nodes whose adjoint, written out in node names, is not the same matrix expression as ``forms``'s."""
    values = grad.adjoint_values
    return [name for name, form in forms.items() if values[name] != form]


def reverse_pass(d, grad):
    """Record each line of the reverse pass, with the table rules that gave it."""
    for a in grad.program:
        if a.node == grad.output:
            why = f"the output: ∂{text(symbol(a.node))}/∂{text(symbol(a.node))} = 1"
        else:
            rules = dict.fromkeys(r for _, used in a.sources for r in used)
            said = "; ".join(TABLE[r].says for r in rules if TABLE[r].says)
            why = f"reverse pass, {shape_text(a.shape)}: {said}"
        d.define(adjoint_ref(a.node, a.shape), a.expr, why)


class MatrixBackpropChain(Proof):
    id = "matrix-backprop-chain"
    section = "3(1) 梯度消失"
    title = "Formula (2) in matrix form: the reverse pass over weight matrices and vectors"
    quote = (r"$$\frac{\partial C}{\partial b_1} = \frac{\partial C}{\partial y_4} \frac{\partial y_4}{\partial z_4} "
             r"\frac{\partial z_4}{\partial x_4} \frac{\partial x_4}{\partial z_3} \frac{\partial z_3}{\partial x_3} "
             r"\frac{\partial x_3}{\partial z_2} \frac{\partial z_2}{\partial x_2} \frac{\partial x_2}{\partial z_1} "
             r"\frac{\partial z_1}{\partial b_1}  " "\n"
             r"= \frac{\partial C}{\partial y_4} \sigma'(z_4) w_4 \sigma'(z_3) w_3 \sigma'(z_2) w_2 \sigma'(z_1) (2)$$")
    statement = (r"For four sigmoid layers $z_l = W_l h_{l-1} + b_l$, $h_l = \sigma(z_l)$, $h_0 = x$, with "
                 r"$W_l$ of $n_l \times n_{l-1}$ entries for symbolic widths $n_0, \dots, n_4$ and "
                 r"$C = \frac{1}{2} \lVert h_4 - y \rVert^2$, the matrix reverse pass gives "
                 r"$\delta_l = \partial C/\partial z_l = (W_{l+1}^\top \delta_{l+1}) \odot \sigma'(z_l)$ with "
                 r"$\delta_4 = (h_4 - y) \odot \sigma'(z_4)$, $\partial C/\partial W_l = \delta_l h_{l-1}^\top$ and "
                 r"$\partial C/\partial b_l = \delta_l$ for every width; with every width 1, "
                 "∂C/∂b₁ is the seed's product (2).")

    def derive(self):
        d = Derivation()
        g = vector_chain()
        grad = g.grad(g["C"], parameters(g))
        d.note(r"The seed's chain with a vector per layer: $z_l = W_l h_{l-1} + b_l$, $h_l = \sigma(z_l)$ for "
               r"l = 1, …, 4, $h_0 = x$, $C = \frac{1}{2} \lVert h_4 - y \rVert^2$; "
               r"$W_l$ is $n_l \times n_{l-1}$ and $b_l$, $z_l$, $h_l$ are $n_l \times 1$, the widths symbols",
               "a graph of matrix nodes, every shape checked as it is built")
        reverse_pass(d, grad)
        forms, recursions = textbook_chain(g)
        for l in range(LAYERS, 0, -1):
            delta, before = text(symbol(f"delta_{l}")), text(symbol("x" if l == 1 else f"h_{l - 1}"))
            bp = "BP1, the output layer" if l == LAYERS else f"BP2, layer {l} from layer {l + 1}"
            d.define(node_ref(f"delta_{l}", recursions[l].shape), recursions[l], f"the textbook's error: {bp}")
            bars = ", ".join(text(adjoint_ref(f"{v}_{l}", (1, 1))) for v in "zWb")
            wrong = differing(grad, {k: forms[k] for k in (f"z_{l}", f"W_{l}", f"b_{l}")})
            d.equal(sp.Integer(len(wrong)), 0,
                    f"layer {l}: how many of {bars} (written out in node names) differ, as matrix expressions, "
                    f"from {delta}, {delta}·{before}ᵀ (BP4) and {delta} (BP3), every δ written out")
        self._width_one(d, grad)
        return d

    @staticmethod
    def _width_one(d, grad):
        """Every width 1: the 1 × 1 entry of ∂C/∂b₁ is the seed's formula (2), in the seed's node names."""
        g = grad.graph
        ones = {dim: 1 for dim in default_sizes(g)}
        _, entries = expand(g, ones)
        leaves = {n.name: entries[n.name] for n in g.nodes if n.kind != "let"}
        entry = evaluate(grad.expr[grad.wrt.index("b_1")], lambda e: leaves[e.attr.name], "entries", ones)[0, 0]
        seed = seed_network("squared")
        names = {leaves["x"][0, 0]: seed["x_1"], leaves["y"][0, 0]: seed["y"]}
        for k in range(1, LAYERS + 1):
            names.update({leaves[f"W_{k}"][0, 0]: seed[f"w_{k}"], leaves[f"b_{k}"][0, 0]: seed[f"b_{k}"]})
        ours = to_nodes(seed, entry.xreplace(names))
        d.define(sp.Symbol("∂C/∂b₁ at n₀ = … = n₄ = 1"), ours,
                 "the matrix gradient's closed form at 1 × 1 entries, renamed Wₖ → wₖ, x → x₁ and written in "
                 "the seed's node names (hₖ → xₖ₊₁, h₄ → y₄)")
        through_z = {seed[f"x_{k + 1}"]: sigmoid(seed[f"z_{k}"]) for k in range(1, LAYERS)}
        through_z[seed["y_4"]] = sigmoid(seed[f"z_{LAYERS}"])
        product = sp.Mul(*seed_factors(seed, seed["y_4"] - seed["y"]))
        d.equal(ours.xreplace(through_z), product.xreplace(through_z),
                r"the seed's formula (2), ∂C/∂y₄ · σ′(z₄) · w₄ · σ′(z₃) · w₃ · σ′(z₂) · w₂ · σ′(z₁) with "
                r"$\sigma'(z) = e^{-z}/(1 + e^{-z})^2$, both sides in zₖ, wₖ and y (xₖ₊₁ = σ(zₖ), y₄ = σ(z₄)): "
                "the matrix form reduces to the seed's scalar chain")

    def evidence(self):
        g = vector_chain()
        grad = g.grad(g["C"], parameters(g))
        return [entry_check(grad, CHAIN_SIZES), grad.check(n=10, seed=0)]


class MatrixSoftmaxCrossEntropy(Proof):
    id = "matrix-softmax-cross-entropy"
    section = "4(4) 交叉熵函数"
    title = "Softmax cross-entropy of a linear layer in matrix form: ∂l/∂W = (ŷ − y)·xᵀ"
    quote = (r"我们假设 $y,\hat y$ 分别表示任何标签以及我们预测的结，那么我们就可以得到对应的损失函数： … "
             r"$$l(y,\hat y) = - \sum_{j=1} ^ q {y_j log \hat y_j}$$")
    statement = (r"For a linear layer o = W·x + b with W : (K × n), ŷ = softmax(o) and "
                 r"$l = -\sum_j y_j \log \hat y_j$, the matrix reverse pass gives ∂l/∂o = ŷ − y, "
                 r"∂l/∂W = (ŷ − y)·xᵀ and ∂l/∂b = ŷ − y for labels that sum to 1 (one-hot or probabilities), "
                 "for every n and K; for labels that need not sum to 1, ∂l/∂o = ŷ·Σy − y.")

    def derive(self):
        d = Derivation()
        g = linear_layer(distribution=True)
        grad = g.grad(g["l"], parameters(g))
        d.note("a linear layer o = W·x + b, W : (K × n), x : (n × 1), and l = CE(o, y) = −Σ y ⊙ log softmax(o), "
               "the labels y : (K × 1) declared to sum to 1", "a graph of matrix nodes, n and K symbols")
        reverse_pass(d, grad)
        d.equal(sp.Integer(len(differing(grad, textbook_layer(g)))), 0,
                "the adjoints ō, W̄, b̄ that differ as matrix expressions from the textbook's ŷ − y, (ŷ − y)·xᵀ "
                "and ŷ − y, with ŷ = softmax(o)")
        general = linear_layer(distribution=False)
        loose = general.grad(general["l"], parameters(general))
        d.note("the same layer with labels y that need not sum to 1 (any real vector)", "a second graph")
        reverse_pass(d, loose)
        d.equal(sp.Integer(len(differing(loose, textbook_layer(general)))), 0,
                "the adjoints ō, W̄, b̄ that differ as matrix expressions from ŷ·Σy − y, (ŷ·Σy − y)·xᵀ and "
                "ŷ·Σy − y, with Σy the sum of the labels")
        self._excess(d, general)
        d.note("The seed's labels are one-hot (4(3) 独热编码), so Σy = 1 and the gradient is ŷ − y; the seed "
               "defines l for any label (任何标签) and states no gradient. For labels that do not sum to 1 the "
               "gradient keeps the term ŷ·(Σy − 1).", "from the two reverse passes above")
        return d

    @staticmethod
    def _excess(d, g):
        """At n = 1, K = 2 with free labels: ∂l/∂b₁ − (ŷ₁ − y₁) = ŷ₁·(y₁ + y₂ − 1), from sympy.diff."""
        sizes = {dim: 2 if dim.name == "K" else 1 for dim in default_sizes(g)}
        scalar, entries = expand(g, sizes)
        loss = scalar.closed_form(entries["l"][0, 0])
        o, y = list(entries["o"]), list(entries["y"])
        in_logits = {scalar.closed_form(v): v for v in o}
        yhat = sp.exp(o[0]) / (sp.exp(o[0]) + sp.exp(o[1]))
        excess = (sp.diff(loss, entries["b"][0]) - (yhat.xreplace({v: k for k, v in in_logits.items()}) - y[0]))
        shown = excess.xreplace(in_logits)
        d.define(sp.Symbol("∂l/∂b₁ − (ŷ₁ − y₁) at n = 1, K = 2"), shown,
                 "sympy.diff of the expanded loss, labels y₁, y₂ free, written in the logits o₁, o₂")
        d.equal(shown, yhat * (y[0] + y[1] - 1), "= ŷ₁·(y₁ + y₂ − 1): zero exactly when the labels sum to 1")

    def evidence(self):
        evidence = []
        for distribution, labels in ((True, "labels summing to 1"), (False, "free labels")):
            g = linear_layer(distribution)
            grad = g.grad(g["l"], parameters(g))
            for e in (entry_check(grad, LAYER_SIZES), grad.check(n=20, seed=1)):
                evidence.append(replace(e, method=f"{e.method}, {labels}"))  # which graph each check ran on
        return evidence
