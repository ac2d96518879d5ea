"""The key of ``mixed_cnn.md`` (Chinese and English): conv and pooling output sizes, parameter counts,
convolution and cross-correlation sums, and the shapes of attention.

Planted errors: floor((28 - 3)/2) + 1 = 14 (arithmetic, line 13), a 2-D sum over b whose
body uses the free tau instead (line 33), and S = Q^T K, whose shapes do not conform
(line 39).
"""
from __future__ import annotations

import mpmath as mp

from .referee import Label, fixed, identity, integer, nonconforming, real, vector, witness

NOTE = "mixed_cnn.md"


def _label(line, source, truth, kind, why, check=None):
    return Label(NOTE, line, source, truth, kind, why, check)


def _layer(rng):
    n, p, s = integer(rng, 1, 64), integer(rng, 0, 3), integer(rng, 1, 4)
    return n, integer(rng, 1, n + 2 * p), p, s


def _windows(n, k, p, s):
    """How many windows of width k fit in the padded length n + 2p, starting every s steps."""
    count, start = 0, 0
    while start + k <= n + 2 * p:
        count, start = count + 1, start + s
    return count


def _signal(rng):
    return vector(rng, integer(rng, 1, 6)), vector(rng, integer(rng, 1, 4))


def _at(x, n):
    """x[n], zero outside the signal."""
    return x[n] if 0 <= n < len(x) else mp.mpf(0)


def _conv(x, w, n):
    """The note's sum: sum_{i=0}^{k-1} x[n - i] w[i]."""
    return mp.fsum(_at(x, n - i) * w[i] for i in range(0, len(w)))


def _poly_product(x, w):
    """The coefficients of (sum x_a t^a)(sum w_b t^b): convolution as polynomial multiplication."""
    c = [mp.mpf(0)] * (len(x) + len(w) - 1)
    for a, xa in enumerate(x):
        for b, wb in enumerate(w):
            c[a + b] += xa * wb
    return c


def _xcorr(x, w, n):
    """The note's sum: sum_{i=0}^{k-1} x[n + i] w[i]."""
    return mp.fsum(_at(x, n + i) * w[i] for i in range(0, len(w)))


def _xcorr_by_flip(x, w, n):
    """Cross-correlation as convolution with the flipped kernel, shifted by k - 1."""
    return _conv(x, w[::-1], n + len(w) - 1)


def _offsets(x, w):
    return range(-len(w) + 1, len(x))


def _attention_sizes(rng):
    n, m, dk, dv = (integer(rng, 1, 4) for _ in range(4))
    mat = lambda r, c: mp.matrix([[real(rng, -2, 2) for _ in range(c)] for _ in range(r)])  # noqa: E731
    return mat(n, dk), mat(m, dk), mat(m, dv)


def _output_shape(q, k, v):
    s = q * k.T / mp.sqrt(q.cols)
    for i in range(s.rows):
        top = max(s[i, j] for j in range(s.cols))
        total = mp.fsum(mp.exp(s[i, j] - top) for j in range(s.cols))
        for j in range(s.cols):
            s[i, j] = mp.exp(s[i, j] - top) / total
    out = s * v
    return [out.rows, out.cols], [q.rows, v.cols]


def _sum_with_tau(x, w, tau):
    """The note's 2-D sum at (i, j) = (0, 0), literally: the body uses tau, not b."""
    k = len(w)
    return mp.fsum(mp.mpf(x[a][0 + tau]) * w[a][b] for a in range(k) for b in range(k))


def _xcorr_2d(x, w):
    """The 2-D cross-correlation at (0, 0): sum over a and b of x[a, b] w[a, b]."""
    k = len(w)
    return mp.fsum(mp.mpf(x[a][b]) * w[a][b] for a in range(k) for b in range(k))


LABELS = [
    _label(7, r"o = \left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1", "correct", "textbook",
           "the number of stride-s windows of width k in the padded length n + 2p",
           identity(_layer, lambda n, k, p, s: (mp.floor(mp.mpf(n + 2 * p - k) / s) + 1, _windows(n, k, p, s)))),
    _label(9, r"\frac{32 + 2\times 2 - 5}{1} + 1 = 32", "correct", "textbook", "31 + 1",
           fixed(lambda: (mp.mpf(32 + 2 * 2 - 5) / 1 + 1, 32))),
    _label(13, r"\left\lfloor \frac{28 - 3}{2} \right\rfloor + 1 = 14", "wrong", "arithmetic",
           "floor(25/2) = 12, so the output is 13, not 14",
           witness(lambda: (mp.floor(mp.mpf(28 - 3) / 2) + 1, 14))),
    _label(15, r"\lfloor (13 - 2)/2 \rfloor + 1 = 6", "correct", "textbook", "floor(11/2) + 1 = 5 + 1",
           fixed(lambda: (mp.floor(mp.mpf(13 - 2) / 2) + 1, 6))),
    _label(19, r"(3 \times 3 \times 3 + 1) \times 16 = 448", "correct", "textbook", "28 weights per filter, 16 filters",
           fixed(lambda: (mp.mpf(3 * 3 * 3 + 1) * 16, 448))),
    _label(25, r"(x * w)[n] = \sum_{i=0}^{k-1} x[n - i]\, w[i]", "correct", "textbook",
           "discrete convolution: the coefficients of the product of the two polynomials",
           identity(_signal, lambda x, w: ([_conv(x, w, n) for n in range(len(x) + len(w) - 1)],
                                           _poly_product(x, w)))),
    _label(29, r"y[n] = \sum_{i=0}^{k-1} x[n + i]\, w[i]", "correct", "textbook",
           "cross-correlation: convolution with the flipped kernel",
           identity(_signal, lambda x, w: ([_xcorr(x, w, n) for n in _offsets(x, w)],
                                           [_xcorr_by_flip(x, w, n) for n in _offsets(x, w)]))),
    _label(33, r"x[i + a,\, j + \tau]\, w[a, b]", "wrong", "unused-index",
           "the sum binds b but the body never uses it, while tau is free: with tau = 0, x = [[0, 1], [0, 0]] "
           "and w all ones it gives 0 at (0, 0), the 2-D cross-correlation gives 1",
           witness(lambda: (_sum_with_tau([[0, 1], [0, 0]], [[1, 1], [1, 1]], 0),
                            _xcorr_2d([[0, 1], [0, 0]], [[1, 1], [1, 1]])))),
    _label(39, r"Q \in \mathbb{R}^{n\times d_k}", "not-a-claim", "notation", "states the shape of Q"),
    _label(39, r"K \in \mathbb{R}^{m\times d_k}", "not-a-claim", "notation", "states the shape of K"),
    _label(39, r"V \in \mathbb{R}^{m\times d_v}", "not-a-claim", "notation", "states the shape of V"),
    _label(39, r"S = Q^\top K \in \mathbb{R}^{n\times m}", "wrong", "shape",
           "Q^T is d_k x n and K is m x d_k: they do not conform (the scores are Q K^T, n x m)",
           nonconforming(lambda: mp.matrix([[1, 2, 3], [4, 5, 6]]).T * mp.matrix([[1, 0, 0]] * 4))),
    _label(39, r"\mathrm{softmax}(S/\sqrt{d_k})\,V \in \mathbb{R}^{n\times d_v}", "correct", "textbook",
           "with the scores n x m, the product with V (m x d_v) is n x d_v",
           identity(_attention_sizes, _output_shape)),
    _label(41, r"d_k = 512 / 8", "not-a-claim", "definition", "defines d_k as d_model / h"),
    _label(41, r"512 / 8 = 64", "correct", "textbook", "8 * 64 = 512",
           fixed(lambda: (mp.mpf(512) / 8, 64))),
]

