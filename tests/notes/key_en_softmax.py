"""The key of ``en_softmax.md`` (English): softmax, its Jacobian, the p - y gradient, log-sum-exp,
temperature and the scaling of dot-product attention.

Planted errors: softmax called scale-invariant (line 10), and the temperature gradient
multiplied by T instead of divided (line 43).
"""
from __future__ import annotations

import itertools

import mpmath as mp

from .referee import (Label, cross_entropy, identity, holds, integer, lse, partial, positive, real, simplex,
                      softmax, vector, witness)

NOTE = "en_softmax.md"


def _label(line, source, truth, kind, why, check=None):
    return Label(NOTE, line, source, truth, kind, why, check)


def _logits(rng):
    return (vector(rng, integer(rng, 2, 6), -6, 6),)


def _logits_and_index(rng):
    z = vector(rng, integer(rng, 2, 6), -6, 6)
    return z, integer(rng, 1, len(z))


def _as_written(z, i):
    """e^{z_i} / sum_{j=1}^{K} e^{z_j}, with no max subtracted."""
    return mp.exp(z[i - 1]) / mp.fsum(mp.exp(z[j - 1]) for j in range(1, len(z) + 1))


def _jacobian(rng):
    z, i = _logits_and_index(rng)
    return z, i, integer(rng, 1, len(z))


def _ce_of_logits(y):
    return lambda *z: -mp.fsum(a * mp.log(b) for a, b in zip(y, softmax(list(z))))


def _gradient_case(rng):
    z, i = _logits_and_index(rng)
    return z, simplex(rng, len(z)), i


def _row1(z, y, i):
    """-sum_k y_k d(log p_k)/dz_i, each derivative taken numerically."""
    return -mp.fsum(y[k] * partial(lambda *u: mp.log(softmax(list(u))[k]), z, i - 1) for k in range(len(z)))


def _row2(z, y, i):
    p = softmax(z)
    return -mp.fsum(y[k] * ((1 if k == i - 1 else 0) - p[i - 1]) for k in range(len(z)))


def _row3(z, y, i):
    return -y[i - 1] + softmax(z)[i - 1] * mp.fsum(y)


def _unit_law(rng):
    """A random discrete law with mean 0 and variance 1: [(value, probability), ...]."""
    while True:
        values = vector(rng, integer(rng, 2, 3), -3, 3)
        probs = simplex(rng, len(values))
        mean = mp.fdot(values, probs)
        var = mp.fdot([(v - mean) ** 2 for v in values], probs)
        if var > mp.mpf(1) / 100:
            return [((v - mean) / mp.sqrt(var), p) for v, p in zip(values, probs)]


def _variance(laws, fn):
    """Var fn(values) when each value is drawn independently from its law (by enumeration)."""
    first = second = mp.mpf(0)
    for combo in itertools.product(*laws):
        weight = mp.fprod(p for _, p in combo)
        value = fn([v for v, _ in combo])
        first += weight * value
        second += weight * value ** 2
    return second - first ** 2


def _dot_laws(rng):
    dk = integer(rng, 1, 3)
    return dk, [_unit_law(rng) for _ in range(2 * dk)]


def _attention_case(rng):
    n, m, dk, dv = (integer(rng, 1, 3) for _ in range(4))
    mat = lambda r, c: mp.matrix([[real(rng, -2, 2) for _ in range(c)] for _ in range(r)])  # noqa: E731
    return mat(n, dk), mat(m, dk), mat(m, dv)


def _attention_matrix(q, k, v):
    """softmax(Q K^T / sqrt(d_k)) V with matrix products, softmax along each row."""
    s = q * k.T / mp.sqrt(q.cols)
    a = mp.matrix(s.rows, s.cols)
    for i in range(s.rows):
        row = softmax([s[i, j] for j in range(s.cols)])
        for j in range(s.cols):
            a[i, j] = row[j]
    return a * v


def _attention_loops(q, k, v):
    """Each output row is a weighted average of the rows of V, weights exp(q.k / sqrt(d)) normalised."""
    out = mp.matrix(q.rows, v.cols)
    for i in range(q.rows):
        weights = [mp.exp(mp.fsum(q[i, t] * k[j, t] for t in range(q.cols)) / mp.sqrt(q.cols))
                   for j in range(k.rows)]
        total = mp.fsum(weights)
        for c in range(v.cols):
            out[i, c] = mp.fsum(w * v[j, c] for j, w in enumerate(weights)) / total
    return out


def _temperature_grad(z1, z2, y1, y2, t):
    z, y = [z1, z2], [y1, y2]
    loss = lambda *u: -mp.fsum(a * mp.log(b) for a, b in zip(y, softmax([x / t for x in u])))  # noqa: E731
    p = softmax([x / t for x in z])
    return partial(loss, z, 0), t * (p[0] - y[0])


LABELS = [
    _label(7, r"\mathrm{softmax}(z)_i = \frac{e^{z_i}}{\sum_{j=1}^{K} e^{z_j}}", "correct", "textbook",
           "the softmax over all K logits; the same as exp(z_i - logsumexp(z))",
           identity(_logits_and_index, lambda z, i: (_as_written(z, i), mp.exp(z[i - 1] - lse(z))))),
    _label(9, r"p = \mathrm{softmax}(z)", "not-a-claim", "definition", "names the probabilities p"),
    _label(10, r"\mathrm{softmax}(z - c)_i = \mathrm{softmax}(z)_i", "correct", "textbook",
           "e^{-c} cancels between numerator and denominator",
           identity(lambda r: _logits_and_index(r) + (real(r, -5, 5),),
                    lambda z, i, c: (_as_written([v - c for v in z], i), _as_written(z, i)))),
    _label(10, r"\mathrm{softmax}(cz)_i = \mathrm{softmax}(z)_i", "wrong", "constant",
           "scaling the logits is a temperature change: softmax((0, 2))_1 = 0.119 but softmax((0, 1))_1 = 0.269",
           witness(lambda z1, z2, c: (_as_written([c * z1, c * z2], 1), _as_written([z1, z2], 1)), 0, 1, 2)),
    _label(14, r"\frac{\partial p_i}{\partial z_j} = p_i(\delta_{ij} - p_j)", "correct", "textbook",
           "quotient rule: p_i - p_i^2 on the diagonal and -p_i p_j off it",
           identity(_jacobian, lambda z, i, j: (partial(lambda *u: softmax(list(u))[i - 1], z, j - 1),
                                                softmax(z)[i - 1] * ((1 if i == j else 0) - softmax(z)[j - 1])))),
    _label(18, r"L = -\sum_{k=1}^{K} y_k \log p_k", "correct", "textbook",
           "cross-entropy of the label vector y against p, over all K classes",
           identity(lambda r: (lambda k: (simplex(r, k), simplex(r, k)))(integer(r, 2, 6)),
                    lambda y, p: (-mp.fsum(a * mp.log(b) for a, b in zip(y, p)), cross_entropy(y, p)))),
    _label(20, r"\frac{\partial L}{\partial z_i} &= -\sum_{k=1}^{K} y_k \frac{\partial \log p_k}{\partial z_i}",
           "correct", "textbook", "link 1: differentiate the sum term by term",
           identity(_gradient_case, lambda z, y, i: (partial(_ce_of_logits(y), z, i - 1), _row1(z, y, i)))),
    _label(20, r"&= -\sum_{k=1}^{K} y_k (\delta_{ki} - p_i)", "correct", "textbook",
           "link 2: d log p_k / dz_i = delta_ki - p_i",
           identity(_gradient_case, lambda z, y, i: (_row1(z, y, i), _row2(z, y, i)))),
    _label(20, r"&= -y_i + p_i \sum_{k=1}^{K} y_k", "correct", "textbook",
           "link 3: the delta picks y_i; p_i comes out of the sum",
           identity(_gradient_case, lambda z, y, i: (_row2(z, y, i), _row3(z, y, i)))),
    _label(20, r"&= p_i - y_i", "correct", "textbook",
           "link 4: the labels sum to one (stated in the prose); (4) is an equation number",
           identity(_gradient_case, lambda z, y, i: (_row3(z, y, i), softmax(z)[i - 1] - y[i - 1]))),
    _label(33, r"m = \max_j z_j", "not-a-claim", "definition", "names the largest logit m"),
    _label(35, r"\log\sum_{j=1}^{K} e^{z_j} = m + \log\sum_{j=1}^{K} e^{z_j - m}", "correct", "textbook",
           "factor e^m out of the sum",
           identity(_logits, lambda z: (mp.log(mp.fsum(mp.exp(v) for v in z)),
                                        max(z) + mp.log(mp.fsum(mp.exp(v - max(z)) for v in z))))),
    _label(37, r"\max_j z_j \le \log\sum_{j=1}^{K} e^{z_j}", "correct", "textbook",
           "the sum contains the term e^max and the others are positive",
           holds(_logits, lambda z: (max(z), mp.log(mp.fsum(mp.exp(v) for v in z))))),
    _label(37, r"\log\sum_{j=1}^{K} e^{z_j} \le \max_j z_j + \log K", "correct", "textbook",
           "each of the K terms is at most e^max; equality when all logits are equal",
           holds(_logits, lambda z: (mp.log(mp.fsum(mp.exp(v) for v in z)), max(z) + mp.log(len(z))))),
    _label(41, r"p_i(T) = \frac{e^{z_i/T}}{\sum_{j=1}^{K} e^{z_j/T}}", "correct", "textbook",
           "softmax with temperature: the softmax of z / T",
           identity(lambda r: _logits_and_index(r) + (positive(r, "0.1", 10),),
                    lambda z, i, t: (mp.exp(z[i - 1] / t) / mp.fsum(mp.exp(v / t) for v in z),
                                     softmax([v / t for v in z])[i - 1]))),
    _label(41, r"\qquad T > 0", "not-a-claim", "condition", "the temperature's domain"),
    _label(43, r"p_i(T) \to 1/K", "not-a-claim", "limit",
           "a limit stated in prose (true: every e^{z/T} tends to 1)"),
    _label(43, r"\frac{\partial L}{\partial z_i} = T\,(p_i(T) - y_i)", "wrong", "constant",
           "through z/T the chain rule divides by T: (p - y)/T; at z = (0, 0), y = (1, 0), T = 2 "
           "it is -1/4, the note says -1",
           witness(_temperature_grad, 0, 0, 1, 0, 2)),
    _label(47, r"\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\!\left(\frac{QK^\top}{\sqrt{d_k}}\right)V",
           "correct", "textbook", "scaled dot-product attention: rows of V averaged with softmax weights",
           identity(_attention_case, lambda q, k, v: (_attention_matrix(q, k, v), _attention_loops(q, k, v)))),
    _label(51, r"\mathrm{Var}(q \cdot k) = \mathrm{Var}\Big(\sum_{i=1}^{d_k} q_i k_i\Big)", "correct", "textbook",
           "link 1: the dot product is the sum of d_k products",
           identity(_dot_laws, lambda dk, laws: (_variance(laws, lambda u: mp.fdot(u[:dk], u[dk:])),
                                                 _variance(laws, lambda u: mp.fsum(u[i] * u[dk + i]
                                                                                   for i in range(dk)))))),
    _label(51, r"\Big) = d_k", "correct", "textbook",
           "link 2: independent products with mean 0 and variance E[q^2] E[k^2] = 1 add up to d_k",
           identity(_dot_laws, lambda dk, laws: (_variance(laws, lambda u: mp.fdot(u[:dk], u[dk:])), dk))),
    _label(53, r"\mathrm{Var}\big(q\cdot k/\sqrt{d_k}\big) = 1", "correct", "textbook",
           "dividing by sqrt(d_k) divides the variance by d_k",
           identity(_dot_laws, lambda dk, laws: (_variance(laws, lambda u: mp.fdot(u[:dk], u[dk:]) / mp.sqrt(dk)),
                                                 1))),
]
