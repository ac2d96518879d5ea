"""The key of ``en_backprop.md`` (English): backprop through a two-layer scalar net, then vectors.

Planted errors: dL/db1 losing the factor w2 in the second link of its chain (line 34),
0.5 x 2 x 0.25 x 1 = 0.5 (arithmetic, line 46), and dL/dx = W delta, whose shapes do not
conform (it is W^T delta, line 56).
"""
from __future__ import annotations

import mpmath as mp

from .referee import Label, d, fixed, identity, integer, nonconforming, num, partial, real, sig, vector, witness

NOTE = "en_backprop.md"


def _label(line, source, truth, kind, why, check=None):
    return Label(NOTE, line, source, truth, kind, why, check)


def _forward(x, y, w1, b1, w2, b2):
    """(z1, h, y_hat, L) of the note's network."""
    z1 = w1 * x + b1
    h = sig(z1)
    y_hat = w2 * h + b2
    return z1, h, y_hat, (y_hat - y) ** 2 / 2


def _loss(x, y, w1, b1, w2, b2):
    return _forward(x, y, w1, b1, w2, b2)[3]


def _net(rng):
    return tuple(real(rng, -3, 3) for _ in range(6))


EXAMPLE = ("1", "1", "0", "0", "2", "1/2")   # x, y, w1, b1, w2, b2 of the worked example


def _at_example(sides):
    """A one-point check at the worked example's values."""
    return fixed(lambda: sides(*num(list(EXAMPLE))))


def _dw2(x, y, w1, b1, w2, b2):
    return partial(_loss, (x, y, w1, b1, w2, b2), 4)


def _dw1(x, y, w1, b1, w2, b2):
    return partial(_loss, (x, y, w1, b1, w2, b2), 2)


def _chain_w1(x, y, w1, b1, w2, b2):
    """The four local derivatives of the chain, each taken numerically from its own stage."""
    z1, h, y_hat, _ = _forward(x, y, w1, b1, w2, b2)
    return (d(lambda t: (t - y) ** 2 / 2, y_hat) * d(lambda t: w2 * t + b2, h) * d(sig, z1)
            * d(lambda t: t * x + b1, w1))


def _dense(rng):
    m, n = integer(rng, 1, 3), integer(rng, 1, 3)
    w = mp.matrix([[real(rng) for _ in range(n)] for _ in range(m)])
    return w, vector(rng, n), vector(rng, m)


def _dense_loss(w, x, c):
    """L(h) = sum c_i h_i + sum h_i^2 / 2 at h = W x, so delta = c + h."""
    h = w * mp.matrix(x)
    return mp.fsum(c[i] * h[i] + h[i] ** 2 / 2 for i in range(h.rows))


def _grad_w(w, x, c):
    m, n = w.rows, w.cols
    h = w * mp.matrix(x)
    delta = mp.matrix([c[i] + h[i] for i in range(m)])

    def entry(a, b):
        def moved(t):
            u = w.copy()
            u[a, b] = t
            return _dense_loss(u, x, c)
        return mp.diff(moved, w[a, b])
    numeric = mp.matrix([[entry(a, b) for b in range(n)] for a in range(m)])
    return numeric, delta * mp.matrix(x).T


def _shape(a):
    return [a.rows, a.cols]


LABELS = [
    _label(9, r"z_1 &= w_1 x + b_1", "not-a-claim", "definition", "defines the pre-activation z1"),
    _label(9, r"h &= \sigma(z_1)", "not-a-claim", "definition", "defines the hidden unit h"),
    _label(9, r"\hat{y} &= w_2 h + b_2", "not-a-claim", "definition", "defines the output y_hat"),
    _label(9, r"L &= \tfrac{1}{2}(\hat{y} - y)^2", "not-a-claim", "definition", "defines the loss L"),
    _label(22, r"\frac{\partial L}{\partial \hat{y}} = \hat{y} - y", "correct", "textbook",
           "d/dy_hat (y_hat - y)^2 / 2 = y_hat - y",
           identity(_net, lambda *a: (d(lambda t: (t - a[1]) ** 2 / 2, _forward(*a)[2]), _forward(*a)[2] - a[1]))),
    _label(26, r"\frac{\partial L}{\partial w_2} = (\hat{y} - y)\,h", "correct", "textbook",
           "y_hat depends on w2 through w2 h",
           identity(_net, lambda *a: (_dw2(*a), (_forward(*a)[2] - a[1]) * _forward(*a)[1]))),
    _label(26, r"\frac{\partial L}{\partial b_2} = \hat{y} - y", "correct", "textbook",
           "y_hat depends on b2 with slope 1",
           identity(_net, lambda *a: (partial(_loss, a, 5), _forward(*a)[2] - a[1]))),
    _label(30, r"\frac{\partial L}{\partial w_1} = \frac{\partial L}{\partial \hat{y}}\frac{\partial \hat{y}}{\partial h}",
           "correct", "textbook", "link 1: the chain rule through y_hat, h and z1",
           identity(_net, lambda *a: (_dw1(*a), _chain_w1(*a)))),
    _label(30, r"\frac{\partial z_1}{\partial w_1} = (\hat{y} - y)\, w_2\, \sigma(z_1)\big(1-\sigma(z_1)\big)\, x",
           "correct", "textbook", "link 2: the four local factors; (5) is an equation tag",
           identity(_net, lambda *a: (_chain_w1(*a), (_forward(*a)[2] - a[1]) * a[4] * sig(_forward(*a)[0])
                                      * (1 - sig(_forward(*a)[0])) * a[0]))),
    _label(34, r"\frac{\partial L}{\partial b_1} = (\hat{y} - y)\, w_2\, \sigma'(z_1)", "correct", "textbook",
           "link 1: the chain of dL/dw1 with dz1/db1 = 1 instead of x",
           identity(_net, lambda *a: (partial(_loss, a, 3), (_forward(*a)[2] - a[1]) * a[4]
                                      * d(sig, _forward(*a)[0])))),
    _label(34, r"w_2\, \sigma'(z_1) = (\hat{y} - y)\,\sigma(z_1)\big(1-\sigma(z_1)\big)", "wrong", "chain-link",
           "link 2 drops the factor w2: at the worked example (w2 = 2) it is 0.25 against 0.125",
           witness(lambda x, y, w1, b1, w2, b2: ((_forward(x, y, w1, b1, w2, b2)[2] - y) * w2 * d(sig, w1 * x + b1),
                                                 (_forward(x, y, w1, b1, w2, b2)[2] - y) * sig(w1 * x + b1)
                                                 * (1 - sig(w1 * x + b1))), *EXAMPLE)),
    _label(38, r"x = 1,\ y = 1,\ w_1 = b_1 = 0,\ w_2 = 2,\ b_2 = 0.5", "not-a-claim", "definition",
           "sets the values of the worked example"),
    _label(40, r"z_1 = 0", "correct", "textbook", "w1 x + b1 = 0 * 1 + 0",
           _at_example(lambda *a: (_forward(*a)[0], 0))),
    _label(40, r"h = \sigma(0)", "correct", "textbook", "h = sigma(z1) with z1 = 0",
           _at_example(lambda *a: (_forward(*a)[1], sig(mp.mpf(0))))),
    _label(40, r"\sigma(0) = 0.5", "correct", "textbook", "1/(1 + e^0) = 1/2",
           fixed(lambda: (sig(mp.mpf(0)), mp.mpf(1) / 2))),
    _label(40, r"\hat{y} = 2 \cdot 0.5 + 0.5", "correct", "textbook", "y_hat = w2 h + b2 with the example's values",
           _at_example(lambda *a: (_forward(*a)[2], 2 * mp.mpf(1) / 2 + mp.mpf(1) / 2))),
    _label(40, r"2 \cdot 0.5 + 0.5 = 1.5", "correct", "textbook", "1 + 0.5",
           fixed(lambda: (2 * mp.mpf(1) / 2 + mp.mpf(1) / 2, mp.mpf(3) / 2))),
    _label(42, r"L = \tfrac{1}{2}(1.5 - 1)^2", "correct", "textbook", "the loss at the example",
           _at_example(lambda *a: (_loss(*a), (mp.mpf(3) / 2 - 1) ** 2 / 2))),
    _label(42, r"\tfrac{1}{2}(1.5 - 1)^2 = 0.125", "correct", "textbook", "0.25 / 2",
           fixed(lambda: ((mp.mpf(3) / 2 - 1) ** 2 / 2, mp.mpf(1) / 8))),
    _label(44, r"\frac{\partial L}{\partial w_2} = (1.5 - 1) \times 0.5", "correct", "textbook",
           "(y_hat - y) h at the example",
           _at_example(lambda *a: (_dw2(*a), (mp.mpf(3) / 2 - 1) * mp.mpf(1) / 2))),
    _label(44, r"(1.5 - 1) \times 0.5 = 0.25", "correct", "textbook", "0.5 * 0.5",
           fixed(lambda: ((mp.mpf(3) / 2 - 1) * mp.mpf(1) / 2, mp.mpf(1) / 4))),
    _label(46, r"\frac{\partial L}{\partial w_1} = 0.5 \times 2 \times 0.25 \times 1", "correct", "textbook",
           "(y_hat - y) w2 sigma'(0) x at the example",
           _at_example(lambda *a: (_dw1(*a), mp.mpf(1) / 2 * 2 * mp.mpf(1) / 4 * 1))),
    _label(46, r"0.5 \times 2 \times 0.25 \times 1 = 0.5", "wrong", "arithmetic",
           "0.5 * 2 = 1 and 1 * 0.25 = 0.25, not 0.5",
           witness(lambda: (mp.mpf(1) / 2 * 2 * mp.mpf(1) / 4 * 1, mp.mpf(1) / 2))),
    _label(48, r"w_2 \leftarrow w_2 - \eta\,\frac{\partial L}{\partial w_2}", "not-a-claim", "update",
           "an assignment: the SGD step"),
    _label(48, r"\eta = 0.1", "not-a-claim", "definition", "sets the learning rate"),
    _label(48, r"w_2 = 2 - 0.1 \times 0.25", "correct", "textbook", "the new w2 is w2 - eta dL/dw2 at the example",
           _at_example(lambda *a: (a[4] - mp.mpf(1) / 10 * _dw2(*a), 2 - mp.mpf(1) / 10 * mp.mpf(1) / 4))),
    _label(48, r"2 - 0.1 \times 0.25 = 1.975", "correct", "textbook", "2 - 0.025",
           fixed(lambda: (2 - mp.mpf(1) / 10 * mp.mpf(1) / 4, mp.mpf(1975) / 1000))),
    _label(52, r"\mathbf{h} = W\mathbf{x}", "not-a-claim", "definition", "defines the layer's output"),
    _label(52, r"W \in \mathbb{R}^{m\times n}", "not-a-claim", "notation", "states the weight's shape"),
    _label(52, r"\boldsymbol{\delta} = \partial L/\partial \mathbf{h} \in \mathbb{R}^{m}", "not-a-claim",
           "definition", "names the upstream gradient and its shape"),
    _label(54, r"\frac{\partial L}{\partial W} = \boldsymbol{\delta}\,\mathbf{x}^\top", "correct", "textbook",
           "dL/dW_ab = delta_a x_b, the outer product",
           identity(_dense, _grad_w)),
    _label(54, r"\boldsymbol{\delta}\,\mathbf{x}^\top \in \mathbb{R}^{m\times n}", "correct", "textbook",
           "an m-vector times a 1 x n row is m x n, the shape of W",
           identity(_dense, lambda w, x, c: (_shape(mp.matrix(c) * mp.matrix(x).T), _shape(w)))),
    _label(56, r"\frac{\partial L}{\partial \mathbf{x}} = W\boldsymbol{\delta}", "wrong", "shape",
           "W is m x n and delta has m entries: W delta does not conform when m != n (it is W^T delta)",
           nonconforming(lambda: mp.matrix([[1, 2, 3], [4, 5, 6]]) * mp.matrix([1, 1]))),
]
