"""The key of ``zh_regularisation.md`` (Chinese): L2 and L1 penalties, inverted dropout, BatchNorm.

Planted errors: weight decay written as (1 + eta lambda) w (a sign, line 15), the vector
form of dropout scaled by 1/p with p the drop rate (line 37), and "variance 1" after
BatchNorm, which the epsilon forbids (line 56).
"""
from __future__ import annotations

import mpmath as mp

from .referee import (Label, bernoulli_mean, identity, integer, nonzero, partial, positive, real, unit, vector,
                      witness)

NOTE = "zh_regularisation.md"


def _label(line, source, truth, kind, why, check=None):
    return Label(NOTE, line, source, truth, kind, why, check)


def _loss(*w):
    """A concrete data loss L(w) for the checks: any smooth function will do."""
    return mp.fsum(mp.sin(k * v) for k, v in enumerate(w, start=1)) + mp.fsum(w) ** 2 / 3


def _weights(rng):
    return vector(rng, integer(rng, 1, 5)), positive(rng, "0.01", 2)


def _l2_objective(lam, w):
    """L(w) + lambda/2 ||w||_2^2, the norm taken as a square root and squared back."""
    return _loss(*w) + lam / 2 * mp.sqrt(mp.fsum(v * v for v in w)) ** 2


def _grad_l2(w, lam):
    lhs = [partial(lambda *u: _l2_objective(lam, u), w, k) for k in range(len(w))]
    rhs = [partial(_loss, w, k) + lam * w[k] for k in range(len(w))]
    return lhs, rhs


def _l1_grad(rng):
    n = integer(rng, 1, 5)
    return [nonzero(rng) for _ in range(n)], positive(rng, "0.01", 2), integer(rng, 1, n)


def _batch(rng):
    m = integer(rng, 2, 8)
    return vector(rng, m, -5, 5), positive(rng, "0.00001", "0.1")


def _bn(x, eps):
    """BatchNorm's normalised batch, with the variance as E[x^2] - E[x]^2."""
    m = len(x)
    mu = mp.fsum(x) / m
    var = mp.fsum(v * v for v in x) / m - mu * mu
    return [(v - mu) / mp.sqrt(var + eps) for v in x], mu, var


def _dropout(p, h):
    """Inverted dropout with drop rate p, as the note defines it: m h / (1 - p)."""
    return lambda m: m * h / (1 - p)


LABELS = [
    _label(7, r"\tilde{L}(w) = L(w) + \frac{\lambda}{2}\|w\|_2^2", "correct", "textbook",
           "the L2 penalty is added to the loss; ||w||_2^2 is the sum of squares",
           identity(_weights, lambda w, lam: (_l2_objective(lam, w), _loss(*w) + lam / 2 * mp.fsum(v * v for v in w)))),
    _label(9, r"\|w\|_2 = \sqrt{\sum_{i=1}^{d} w_i^2}", "correct", "textbook",
           "the Euclidean norm: the square root of the sum of squares",
           identity(_weights, lambda w, lam: (mp.norm(mp.matrix(w), 2), mp.sqrt(mp.fsum(v * v for v in w))))),
    _label(11, r"\nabla_w \tilde{L} = \nabla_w L + \lambda w", "correct", "textbook",
           "the gradient of lambda/2 sum w_i^2 is lambda w",
           identity(_weights, _grad_l2)),
    _label(13, r"\eta", "not-a-claim", "notation", "names the learning rate"),
    _label(15, r"w \leftarrow w - \eta\big(\nabla_w L + \lambda w\big)", "not-a-claim", "update",
           "an assignment: the gradient step on the regularised loss"),
    _label(15, r"w - \eta\big(\nabla_w L + \lambda w\big) = (1 + \eta\lambda)\,w - \eta\nabla_w L", "wrong", "sign",
           "expanding gives (1 - eta lambda) w: at w = 1, grad L = 0, eta = 1/10, lambda = 1 it is 0.9, not 1.1",
           witness(lambda w, g, eta, lam: (w - eta * (g + lam * w), (1 + eta * lam) * w - eta * g),
                   1, 0, "1/10", 1)),
    _label(19, r"\tilde{L}(w) = L(w) + \lambda\sum_{i=1}^{d}|w_i|", "correct", "textbook",
           "the L1 penalty lambda ||w||_1 is added to the loss",
           identity(_weights, lambda w, lam: (_loss(*w) + lam * mp.fsum(abs(v) for v in w),
                                              _loss(*w) + lam * mp.norm(mp.matrix(w), 1)))),
    _label(21, r"w_i \neq 0", "not-a-claim", "condition", "the condition under which the next formula holds"),
    _label(23, r"\frac{\partial}{\partial w_i}\Big(\lambda\sum_{j=1}^{d}|w_j|\Big) = \lambda\,\mathrm{sign}(w_i)",
           "correct", "textbook", "d|w_i|/dw_i = sign(w_i) away from 0; the other terms do not depend on w_i",
           identity(_l1_grad, lambda w, lam, i: (partial(lambda *u: lam * mp.fsum(abs(v) for v in u), w, i - 1),
                                                 lam * mp.sign(w[i - 1])))),
    _label(29, r"m_i \sim \mathrm{Bernoulli}(1-p)", "not-a-claim", "definition",
           "introduces the keep mask: 1 with probability 1 - p"),
    _label(31, r"\tilde{h}_i = \frac{m_i h_i}{1-p}", "correct", "textbook",
           "inverted dropout with drop rate p divides by the keep probability 1 - p, so E[h~] = h",
           identity(lambda r: (unit(r), real(r)), lambda p, h: (bernoulli_mean(_dropout(p, h), 1 - p), h))),
    _label(35, r"\mathbb{E}[\tilde{h}_i] = (1-p)\cdot\frac{h_i}{1-p} + p\cdot 0", "correct", "textbook",
           "link 1: the mask is 1 with probability 1 - p and 0 with probability p",
           identity(lambda r: (unit(r), real(r)),
                    lambda p, h: (bernoulli_mean(_dropout(p, h), 1 - p), (1 - p) * h / (1 - p) + p * 0))),
    _label(35, r"p\cdot 0 = h_i", "correct", "textbook", "link 2: (1 - p) h / (1 - p) = h",
           identity(lambda r: (unit(r), real(r)), lambda p, h: ((1 - p) * h / (1 - p) + p * 0, h))),
    _label(37, r"\tilde{h} = \frac{1}{p}\, m \odot h", "wrong", "dropout-scale",
           "p is the drop rate here, so the scale must be 1/(1 - p): E[m h / p] = (1 - p) h / p, "
           "4 h at p = 1/5 instead of h",
           witness(lambda p, h: (bernoulli_mean(lambda m: m * h / p, 1 - p), h), "1/5", 1)),
    _label(45, r"\mu_B &= \frac{1}{m}\sum_{i=1}^{m} x_i", "correct", "textbook",
           "BatchNorm's batch mean over all m values",
           identity(_batch, lambda x, eps: (mp.fsum(x[i - 1] for i in range(1, len(x) + 1)) / len(x), _bn(x, eps)[1]))),
    _label(45, r"\sigma_B^2 &= \frac{1}{m}\sum_{i=1}^{m} (x_i - \mu_B)^2", "correct", "textbook",
           "BatchNorm's biased batch variance; equal to E[x^2] - E[x]^2",
           identity(_batch, lambda x, eps: (mp.fsum((v - _bn(x, eps)[1]) ** 2 for v in x) / len(x), _bn(x, eps)[2]))),
    _label(45, r"\hat{x}_i &= \frac{x_i - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}}", "correct", "textbook",
           "the normalisation step, with epsilon inside the square root",
           identity(_batch, lambda x, eps: ((x[0] - _bn(x, eps)[1]) * (_bn(x, eps)[2] + eps) ** mp.mpf(-0.5),
                                            _bn(x, eps)[0][0]))),
    _label(45, r"y_i &= \gamma\,\hat{x}_i + \beta", "correct", "textbook",
           "the learned scale and shift; the output batch mean is then beta",
           identity(lambda r: _batch(r) + (real(r), real(r)),
                    lambda x, eps, g, b: (mp.fsum(g * v + b for v in _bn(x, eps)[0]) / len(x), b,
                                          mp.fsum(abs(g * v) for v in _bn(x, eps)[0]) / len(x)))),
    _label(56, r"\frac{1}{m}\sum_{i=1}^{m}\hat{x}_i = 0", "correct", "textbook",
           "the centred values sum to zero whatever epsilon is",
           identity(_batch, lambda x, eps: (mp.fsum(_bn(x, eps)[0]) / len(x), 0,
                                            mp.fsum(abs(v) for v in _bn(x, eps)[0]) / len(x)))),
    _label(56, r"\frac{1}{m}\sum_{i=1}^{m}\hat{x}_i^2 = 1", "wrong", "constant",
           "the mean square is var / (var + epsilon) < 1; at x = (0, 1), epsilon = 1e-5 it is 0.99996",
           witness(lambda x0, x1, eps: (mp.fsum(v * v for v in _bn([x0, x1], eps)[0]) / 2, 1), 0, 1, "1e-5")),
    _label(58, r"\gamma", "not-a-claim", "notation", "names the learned scale"),
    _label(58, r"\beta", "not-a-claim", "notation", "names the learned shift"),
]
