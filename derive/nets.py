"""Builders for the networks the source text discusses, one line each.

Each builder returns ``(graph, loss)``: a :class:`~derive.graph.Graph` with
one node per unit and the symbol of its scalar loss, ready for
``graph.grad(loss, graph['b_1'])``, ``.explain()``, ``.to_dot()`` and
``.draw()``.

- :func:`sigmoid_chain`: the seed's formula (2), a chain of sigmoid layers;
- :func:`mlp`: a fully connected network with a chosen activation;
- :func:`residual_chain`: x_{l+1} = x_l + a_l·f(w_l x_l + b_l), the skip connections of 3(4);
- :func:`softmax_cross_entropy`: softmax over K classes with the cross-entropy loss of 4(4).

>>> g, C = sigmoid_chain(depth=4)
>>> print(g.grad(C, g['b_1']).factors)
(y₄ − y) · σ′(z₄) · w₄ · σ′(z₃) · w₃ · σ′(z₂) · w₂ · σ′(z₁)
"""
from __future__ import annotations

import sympy as sp

from .ops import network_activations, sigmoid
from .graph import Graph, softmax

__all__ = ["ACTIVATIONS", "sigmoid_chain", "mlp", "matrix_mlp", "residual_chain", "softmax_cross_entropy"]

#: The activations a builder accepts, by name (from the op table): each maps a node to its
#: activated expression. LeakyReLU has slope a = 1/100 and ELU a = 1 for x ≤ 0 (PyTorch's defaults).
ACTIVATIONS = network_activations()
LOSSES = ("squared", "cross_entropy")


def _positive(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return value


def _activation(name):
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown activation {name!r}: use one of {', '.join(ACTIVATIONS)}") from None


def sigmoid_chain(depth=4, loss="squared"):
    """The seed's network for formula (2): z_i = w_i x_i + b_i, x_{i+1} = σ(z_i), y_n = σ(z_n).

    Returns ``(graph, C)`` with C = (y_n − y)²/2 (``loss="squared"``).  The
    nodes are named as in the seed: inputs ``x_1`` and ``y``, parameters
    ``w_i`` and ``b_i``, nodes ``z_i``, ``x_i`` and ``y_n``.

    >>> g, C = sigmoid_chain(depth=2)
    >>> [n.name for n in g.nodes if n.kind == 'let']
    ['z_1', 'x_2', 'z_2', 'y_2', 'C']
    >>> g.grad(C, g['w_1']).check().passed
    True
    """
    _positive("depth", depth)
    if loss != "squared":
        raise ValueError(f"unknown loss {loss!r}: only 'squared' is built in")
    g = Graph()
    h, y = g.input("x_1"), g.input("y")
    for i in range(1, depth + 1):
        w, b = g.param(f"w_{i}"), g.param(f"b_{i}")
        z = g.let(f"z_{i}", w * h + b)
        h = g.let(f"x_{i + 1}" if i < depth else f"y_{depth}", sigmoid(z))
    return g, g.let("C", (h - y) ** 2 / 2)


def mlp(widths=(2, 3, 1), activation="relu", loss="squared", matrix=False, batch=None):
    """A fully connected network, one graph node per unit (or per layer, ``matrix=True``); returns ``(graph, loss)``.

    ``matrix=True`` builds the textbook's matrix MLP (:func:`matrix_mlp`);
    the rest of this docstring is the scalar one.

    ``widths`` = (n₀, n₁, …, n_L): n₀ inputs, hidden layers of n₁ … n_{L−1}
    units, n_L outputs.  Layer l computes, for each unit i,
    z_li = Σⱼ w_lij·h_(l−1)j + b_li and h_li = φ(z_li) with φ the
    ``activation`` (a name of :data:`ACTIVATIONS`); h_0j = x_j.  The output
    layer is linear: ŷ_i = Σⱼ w_Lij·h_(L−1)j + b_Li.

    ``loss="squared"``: C = Σᵢ (ŷᵢ − yᵢ)²/2, the outputs named ``yhat_i``.
    ``loss="cross_entropy"``: the outputs are logits ``o_i``, p = softmax(o),
    l = −Σᵢ yᵢ log pᵢ.  ``graph.vector(name)`` gives the families ``x``,
    ``y``, ``yhat`` (or ``o`` and ``p``) back.

    The indices are written together (``w_123`` is w₁₂₃: layer 1, unit 2,
    input 3); when a width or the depth reaches 10 they are separated by
    ``_`` (``w_1_10_3``) so that no two names can clash.

    >>> g, C = mlp(widths=(2, 2, 1), activation="tanh")
    >>> print(g)
    inputs      x₁, x₂, y₁
    parameters  w₁₁₁, w₁₁₂, b₁₁, w₁₂₁, w₁₂₂, b₁₂, w₂₁₁, w₂₁₂, b₂₁
      z₁₁ = b₁₁ + w₁₁₁·x₁ + w₁₁₂·x₂
      h₁₁ = tanh(z₁₁)
      z₁₂ = b₁₂ + w₁₂₁·x₁ + w₁₂₂·x₂
      h₁₂ = tanh(z₁₂)
      yhat₁ = b₂₁ + h₁₁·w₂₁₁ + h₁₂·w₂₁₂
      C = (yhat₁ − y₁)²/2
    >>> d = g.grad(C, g['w_111'])
    >>> print(d.factors)
    (yhat₁ − y₁) · w₂₁₁ · tanh′(z₁₁) · x₁
    >>> d.check().passed
    True
    >>> g, l = mlp((3, 4, 2), activation="relu", loss="cross_entropy")
    >>> g.grad(l, g['b_14']).check().passed
    True
    """
    if matrix or batch is not None:
        return matrix_mlp(widths, activation, loss, batch)
    if not isinstance(widths, (list, tuple)) or len(widths) < 2:
        raise ValueError(f"widths must list at least two layer sizes, got {widths!r}")
    for n in widths:
        _positive("every width", n)
    phi = _activation(activation)
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}: use one of {', '.join(LOSSES)}")
    depth = len(widths) - 1
    sep = "_" if max(max(widths), depth) >= 10 else ""
    idx = lambda *ks: sep.join(str(k) for k in ks)
    g = Graph()
    h, y = g.input("x", size=widths[0]), g.input("y", size=widths[-1])
    for l in range(1, depth + 1):
        totals = []
        for i in range(1, widths[l] + 1):
            w = [g.param(f"w_{idx(l, i, j)}") for j in range(1, widths[l - 1] + 1)]
            b = g.param(f"b_{idx(l, i)}")
            totals.append(sp.Add(*(wj * hj for wj, hj in zip(w, h))) + b)
            if l < depth:
                totals[-1] = g.let(f"h_{idx(l, i)}", phi(g.let(f"z_{idx(l, i)}", totals[-1])))
        h = totals if l < depth else g.let("yhat" if loss == "squared" else "o", totals)
    if loss == "squared":
        return g, g.let("C", sp.Add(*((hi - yi) ** 2 for hi, yi in zip(h, y))) / 2)
    p = g.let("p", softmax(h))
    return g, g.let("l", -sp.Add(*(yi * sp.log(pi) for yi, pi in zip(y, p))))


def matrix_mlp(widths=("n", "m", "q"), activation="relu", loss="squared", batch=None):
    """The matrix MLP: one node per layer, z_l = W_l·h_{l−1} + b_l, h_l = φ(z_l); returns ``(graph, loss)``.

    ``widths`` are sizes or names of symbolic sizes.  The output layer is
    linear; ``loss="squared"`` gives C = ½‖ŷ − y‖² with the output named
    ``yhat``, ``loss="cross_entropy"`` the logits ``o`` and l = CE(o, y) with
    ``y`` declared a distribution (one-hot labels or probabilities).

    With ``batch`` (a size or a name such as ``'B'``) the samples are the rows
    of X : (B × n₀), as in d2l: Z_l = H_{l−1}·W_l + b_l with W_l : (n_{l−1} × n_l)
    and a row bias b_l : (1 × n_l) broadcast over the batch, and the loss is
    the mean over the batch, with its 1/B.

    >>> g, C = matrix_mlp(("n", "m", "q"), activation="sigmoid")
    >>> print(g.grad(C, g['W_1']))
    ∂C/∂W₁ = ((W₂ᵀ·(yhat − y)) ⊙ σ′(z₁))·xᵀ : (m × n)
           = ((W₂ᵀ·(W₂·σ(W₁·x + b₁) + b₂ − y)) ⊙ σ′(W₁·x + b₁))·xᵀ
    >>> g, l = matrix_mlp((4, 3), loss="cross_entropy", batch="B")
    >>> for a in g.grad(l, [g['W_1'], g['b_1']]).program: print(a)
    l̄ = 1 : (1 × 1)
    Ō = (1/B)·l̄·(softmax(O) − Y) : (B × 3)
    W̄₁ = Xᵀ·Ō : (4 × 3)
    b̄₁ = 𝟏ᵀ·Ō : (1 × 3)
    """
    from .matrix import cross_entropy, elementwise, sqnorm
    if not isinstance(widths, (list, tuple)) or len(widths) < 2:
        raise ValueError(f"widths must list at least two layer sizes, got {widths!r}")
    for n in widths:
        if not isinstance(n, str):
            _positive("every width", n)
    _activation(activation)
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}: use one of {', '.join(LOSSES)}")
    depth, g = len(widths) - 1, Graph()
    labels = loss == "cross_entropy"
    if batch is None:
        h, y = g.input("x", shape=(widths[0], 1)), g.input("y", shape=(widths[-1], 1), distribution=labels)
    else:
        h, y = g.input("X", shape=(batch, widths[0])), g.input("Y", shape=(batch, widths[-1]), distribution=labels)
    for l in range(1, depth + 1):
        if batch is None:
            W, b = g.param(f"W_{l}", shape=(widths[l], widths[l - 1])), g.param(f"b_{l}", shape=(widths[l], 1))
            z = W @ h + b
        else:
            W, b = g.param(f"W_{l}", shape=(widths[l - 1], widths[l])), g.param(f"b_{l}", shape=(1, widths[l]))
            z = h @ W + b
        if l < depth:
            z = g.let(f"{'z' if batch is None else 'Z'}_{l}", z)
            h = g.let(f"{'h' if batch is None else 'H'}_{l}", elementwise(activation, z))
    out = ("yhat" if loss == "squared" else "o") if batch is None else ("Yhat" if loss == "squared" else "O")
    o = g.let(out, z)
    count = 1 if batch is None else o.shape[0]
    if loss == "squared":
        return g, g.let("C", sqnorm(o - y) / (2 * count))
    return g, g.let("l", cross_entropy(o, y) / count)


def residual_chain(depth=4, block="tanh", loss="squared"):
    """A chain of residual blocks, x_{l+1} = x_l + a_l·f(w_l·x_l + b_l); returns ``(graph, C)``.

    The skip connection of the seed's 3(4): each block adds its input back,
    so ∂x_{l+1}/∂x_l = 1 + a_l·f′(z_l)·w_l and the gradient reaching ``b_1``
    is a sum over 2^(depth−1) paths, one of them through the skips alone.
    Nodes: input ``x_1``, target ``y``, parameters ``w_l``, ``b_l``, ``a_l``,
    nodes ``z_l`` = w_l·x_l + b_l, ``h_l`` = f(z_l), ``x_{l+1}``, and the
    loss C = (x_{n+1} − y)²/2.  ``block`` names the activation f (see
    :data:`ACTIVATIONS`).

    >>> g, C = residual_chain(depth=2)
    >>> print(g)
    inputs      x₁, y
    parameters  w₁, b₁, a₁, w₂, b₂, a₂
      z₁ = b₁ + w₁·x₁
      h₁ = tanh(z₁)
      x₂ = a₁·h₁ + x₁
      z₂ = b₂ + w₂·x₂
      h₂ = tanh(z₂)
      x₃ = a₂·h₂ + x₂
      C = (x₃ − y)²/2
    >>> d = g.grad(C, g['b_1'])
    >>> print(d.factors)
    [(x₃ − y) · a₂ · tanh′(z₂) · w₂ · a₁ · tanh′(z₁)] + [(x₃ − y) · a₁ · tanh′(z₁)]
    >>> d.check().passed
    True
    """
    _positive("depth", depth)
    f = _activation(block)
    if loss != "squared":
        raise ValueError(f"unknown loss {loss!r}: only 'squared' is built in")
    g = Graph()
    x, y = g.input("x_1"), g.input("y")
    for l in range(1, depth + 1):
        w, b, a = g.param(f"w_{l}"), g.param(f"b_{l}"), g.param(f"a_{l}")
        h = g.let(f"h_{l}", f(g.let(f"z_{l}", w * x + b)))
        x = g.let(f"x_{l + 1}", x + a * h)
    return g, g.let("C", (x - y) ** 2 / 2)


def softmax_cross_entropy(K=3):
    """Softmax over K classes with the cross-entropy loss; returns ``(graph, l)``.

    Inputs: the logits ``o_1 … o_K`` and the label ``y_1 … y_K`` (one-hot
    or any distribution); nodes p = softmax(o) (the family primitive
    :func:`derive.graph.softmax`, with Jacobian ∂pᵢ/∂oⱼ = pᵢ(δᵢⱼ − pⱼ)) and
    l = −Σⱼ yⱼ log pⱼ.  ``graph.vector('o')`` gives the logits back.  The
    gradient is ∂l/∂oⱼ = pⱼ·Σᵢyᵢ − yⱼ, which is pⱼ − yⱼ when Σᵢyᵢ = 1.

    >>> g, l = softmax_cross_entropy(K=3)
    >>> o, y, p = g.vector('o'), g.vector('y'), g.vector('p')
    >>> d = g.grad(l, o)
    >>> print(d.factors[o[0]])
    [(−y₁/p₁) · p₁·(1 − p₁)] + [(−y₂/p₂) · (−p₁·p₂)] + [(−y₃/p₃) · (−p₁·p₃)]
    >>> sp.simplify(d.expr[0] - (g.closed_form(p[0]) * sum(y) - y[0]))
    0
    >>> d.check().passed
    True
    """
    _positive("K", K)
    g = Graph()
    o, y = g.input("o", size=K), g.input("y", size=K)
    p = g.let("p", softmax(o))
    return g, g.let("l", -sp.Add(*(yj * sp.log(pj) for yj, pj in zip(y, p))))
