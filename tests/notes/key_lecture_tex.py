"""The key of ``lecture.tex`` (English, LaTeX): logistic regression, L1/L2, dropout, MSE,
LayerNorm, log-sum-exp and a clipping example.

Planted errors: d/dx log(1 + e^{-x}) without the inner -1 (a wrong derivative, line 30),
the L1 penalty subtracted (a sign, line 36), inverted dropout scaled by (1 - p) instead
of divided (lines 42: the definition and the expectation that then fails), and the MSE
summed to n - 1 (an off-by-one bound, line 50).
"""
from __future__ import annotations

import mpmath as mp

from .referee import (Label, bce, bernoulli_mean, d, fixed, identity, integer, num, real, sig,
                      softmax, unit, vector, witness)

NOTE = "lecture.tex"


def _label(line, source, truth, kind, why, check=None):
    return Label(NOTE, line, source, truth, kind, why, check)


def _z(rng):
    return (real(rng, -8, 8),)


def _y_z(rng):
    return unit(rng), real(rng, -8, 8)


def _loss(y, z):
    """The note's equation (eq:bce)."""
    return -(y * mp.log(sig(z)) + (1 - y) * mp.log(1 - sig(z)))


def _row1(y, z):
    ds = sig(z) * (1 - sig(z))
    return -y / sig(z) * ds + (1 - y) / (1 - sig(z)) * ds


def _row2(y, z):
    return -y * (1 - sig(z)) + (1 - y) * sig(z)


def _regression(rng):
    n = integer(rng, 1, 6)
    return vector(rng, n), vector(rng, n)


LABELS = [
    _label(16, r"\sigma(z) = \frac{1}{1 + e^{-z}}", "correct", "textbook", "the logistic function",
           identity(_z, lambda z: (1 / (1 + mp.exp(-z)), (1 + mp.tanh(z / 2)) / 2))),
    _label(17, r"\tanh(x) = 2\sigma(2x) - 1", "correct", "textbook",
           "2/(1 + e^{-2x}) - 1 = (1 - e^{-2x})/(1 + e^{-2x}) = tanh x",
           identity(_z, lambda x: (mp.tanh(x), 2 * sig(2 * x) - 1))),
    _label(17, r"y \in \{0, 1\}", "not-a-claim", "notation", "the label's domain"),
    _label(18, r"L = -\left[ y \log \sigma(z) + (1 - y) \log\left(1 - \sigma(z)\right) \right]", "correct",
           "textbook", "binary cross-entropy with p = sigma(z)",
           identity(_y_z, lambda y, z: (_loss(y, z), bce(y, sig(z))))),
    _label(22, r"\sigma'(z) = \sigma(z)(1-\sigma(z))", "correct", "textbook",
           "the logistic derivative e^{-z}/(1+e^{-z})^2",
           identity(_z, lambda z: (d(sig, z), sig(z) * (1 - sig(z))))),
    _label(23, r"&= -\frac{y}{\sigma(z)}\,\sigma'(z) + \frac{1 - y}{1 - \sigma(z)}\,\sigma'(z)", "correct",
           "textbook", "link 1: d log sigma = sigma'/sigma and d log(1 - sigma) = -sigma'/(1 - sigma)",
           identity(_y_z, lambda y, z: (d(lambda t: _loss(y, t), z), _row1(y, z)))),
    _label(23, r"&= -y\left(1 - \sigma(z)\right) + (1 - y)\,\sigma(z)", "correct", "textbook",
           "link 2: sigma' = sigma (1 - sigma) cancels both denominators",
           identity(_y_z, lambda y, z: (_row1(y, z), _row2(y, z)))),
    _label(23, r"&= \sigma(z) - y", "correct", "textbook", "link 3: -y + y sigma + sigma - y sigma",
           identity(_y_z, lambda y, z: (_row2(y, z), sig(z) - y))),
    _label(30, r"\frac{d}{dx} \log\left(1 + e^{-x}\right) = \frac{1}{1 + e^{-x}}", "wrong", "derivative",
           "the inner derivative of e^{-x} is -e^{-x}: the slope is -1/(1 + e^x); at x = 0 it is -1/2, not 1/2",
           witness(lambda x: (d(lambda t: mp.log(1 + mp.exp(-t)), x), 1 / (1 + mp.exp(-x))), 0)),
    _label(35, r"\lambda > 0", "not-a-claim", "condition", "the penalty strength's domain"),
    _label(36, r"J(w) = L(w) - \lambda \sum_{i=1}^{d} \lvert w_i \rvert", "wrong", "sign",
           "a penalty is added: the L1 objective is L + lambda ||w||_1; at L = 0, w = (1), lambda = 1: -1 against 1",
           witness(lambda loss, w1, lam: (loss - lam * abs(w1), loss + lam * abs(w1)), 0, 1, 1)),
    _label(38, r"\|w\|_2^2 = \sum_{i=1}^{d} w_i^2", "correct", "textbook", "the squared Euclidean norm",
           identity(lambda r: (vector(r, integer(r, 1, 6)),),
                    lambda w: (mp.norm(mp.matrix(w), 2) ** 2, mp.fsum(w[i - 1] ** 2 for i in range(1, len(w) + 1))))),
    _label(41, r"p", "not-a-claim", "notation", "names the drop rate"),
    _label(42, r"\tilde{h}_i &= (1 - p)\, m_i h_i", "wrong", "dropout-scale",
           "inverted dropout divides by the keep probability: m h / (1 - p); at m = 1, h = 1, p = 1/2: 1/2 against 2",
           witness(lambda m, h, p: ((1 - p) * m * h, m * h / (1 - p)), 1, 1, "1/2")),
    _label(42, r"m_i \sim \mathrm{Bernoulli}(1 - p)", "not-a-claim", "definition", "the keep mask"),
    _label(42, r"\mathbb{E}[\tilde{h}_i] &= h_i", "wrong", "dropout-scale",
           "with the scale (1 - p) of the row above, E[h~] = (1 - p)^2 h: 1/4 at p = 1/2, h = 1",
           witness(lambda p, h: (bernoulli_mean(lambda m: (1 - p) * m * h, 1 - p), h), "1/2", 1)),
    _label(49, r"n", "not-a-claim", "notation", "names the number of samples"),
    _label(50, r"\mathrm{MSE} = \frac{1}{n} \sum_{i=1}^{n-1} \left(y_i - \hat{y}_i\right)^2", "wrong", "bound",
           "the sum must run to n: at y = (0, 0), y_hat = (0, 1) it gives 0 instead of 1/2",
           witness(lambda y1, y2, h1, h2: ((y1 - h1) ** 2 / 2, ((y1 - h1) ** 2 + (y2 - h2) ** 2) / 2), 0, 0, 0, 1)),
    _label(53, r"H", "not-a-claim", "notation", "names the number of hidden units"),
    _label(53, r"\mu = \frac{1}{H}\sum_{i=1}^{H} a_i", "correct", "textbook", "LayerNorm's mean over the H units",
           identity(lambda r: (vector(r, integer(r, 1, 8)),),
                    lambda a: (mp.fsum(a[i - 1] for i in range(1, len(a) + 1)) / len(a),
                               mp.fsum(a) / len(a), mp.fsum(abs(v) for v in a) / len(a)))),
    _label(55, r"\frac{\partial}{\partial z_i} \log \sum_{j=1}^{K} e^{z_j} = \frac{e^{z_i}}{\sum_{j=1}^{K} e^{z_j}}",
           "correct", "textbook", "the gradient of log-sum-exp is the softmax",
           identity(lambda r: (lambda z: (z, integer(r, 1, len(z))))(vector(r, integer(r, 2, 6))),
                    lambda z, i: (mp.diff(lambda t: mp.log(mp.fsum(mp.exp(v) for v in z[:i - 1] + [t] + z[i:])),
                                          z[i - 1]), softmax(z)[i - 1]))),
    _label(61, r"g = (3, 4)", "not-a-claim", "definition", "sets the example's gradient"),
    _label(61, r"\|g\|_2 = \sqrt{3^2 + 4^2}", "correct", "textbook", "the norm of (3, 4)",
           fixed(lambda: (mp.norm(mp.matrix([3, 4]), 2), mp.sqrt(3 ** 2 + 4 ** 2)))),
    _label(61, r"\sqrt{3^2 + 4^2} = 5", "correct", "textbook", "sqrt(25)",
           fixed(lambda: (mp.sqrt(3 ** 2 + 4 ** 2), 5))),
    _label(61, r"c = 1", "not-a-claim", "definition", "sets the clipping threshold"),
    _label(62, r"\frac{c}{\|g\|_2}\, g = (0.6, 0.8)", "correct", "textbook", "(3, 4) / 5",
           fixed(lambda: ([num(1) / 5 * 3, num(1) / 5 * 4], [num("0.6"), num("0.8")]))),
]
