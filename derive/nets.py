"""Builders for the networks the source text discusses, one line each.

>>> g, C = sigmoid_chain(depth=4)
>>> print(g.grad(C, g['b_1']).factors)
(y₄ − y) · σ′(z₄) · w₄ · σ′(z₃) · w₃ · σ′(z₂) · w₂ · σ′(z₁)
"""
from __future__ import annotations

from .functions import sigmoid
from .graph import Graph


def sigmoid_chain(depth=4, loss="squared"):
    """The seed's network for formula (2): z_i = w_i x_i + b_i, x_{i+1} = σ(z_i), y_n = σ(z_n).

    Returns ``(graph, C)`` with C = (y_n − y)²/2 (``loss="squared"``).  The
    nodes are named as in the seed: inputs ``x_1`` and ``y``, parameters
    ``w_i`` and ``b_i``, nodes ``z_i``, ``x_i`` and ``y_n``.

    >>> g, C = sigmoid_chain(depth=2)
    >>> [n.name for n in g.nodes if n.kind == 'let']
    ['z_1', 'x_2', 'z_2', 'y_2', 'C']
    """
    if not isinstance(depth, int) or depth < 1:
        raise ValueError(f"depth must be a positive integer, got {depth!r}")
    if loss != "squared":
        raise ValueError(f"unknown loss {loss!r}: only 'squared' is built in")
    g = Graph()
    h, y = g.input("x_1"), g.input("y")
    for i in range(1, depth + 1):
        w, b = g.param(f"w_{i}"), g.param(f"b_{i}")
        z = g.let(f"z_{i}", w * h + b)
        h = g.let(f"x_{i + 1}" if i < depth else f"y_{depth}", sigmoid(z))
    return g, g.let("C", (h - y) ** 2 / 2)
