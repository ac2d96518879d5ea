"""The key of ``zh_losses.md`` (Chinese): MSE, cross-entropy, BCE and two worked examples.

Planted errors: the sign of the half-squared-error derivative (line 15), the sign of
dBCE/dp (line 41), and a dropped square in the worked MSE example (line 47, middle link).
"""
from __future__ import annotations

import mpmath as mp

from .referee import (Label, bce, cross_entropy, d, fixed, identity, integer, mse, onehot, partial, real, sig,
                      simplex, unit, vector, witness)

NOTE = "zh_losses.md"


def _label(line, source, truth, kind, why, check=None):
    return Label(NOTE, line, source, truth, kind, why, check)


def _regression(rng):
    n = integer(rng, 1, 6)
    return n, vector(rng, n), vector(rng, n)


def _mse_as_written(n, y, y_hat):
    """(1/n) sum_{i=1}^{n} (y_i - y_hat_i)^2 with the note's 1-based bounds."""
    return mp.fsum((y[i - 1] - y_hat[i - 1]) ** 2 for i in range(1, n + 1)) / n


def _mse_expanded(y, y_hat):
    """The same mean, by expanding the square: (sum y^2 - 2 sum y y_hat + sum y_hat^2) / n."""
    n = len(y)
    return (mp.fsum(a * a for a in y) - 2 * mp.fdot(y, y_hat) + mp.fsum(b * b for b in y_hat)) / n


def _grad_mse(n, y, y_hat, i):
    return partial(lambda *yh: mse(y, list(yh)), y_hat, i - 1), 2 * (y_hat[i - 1] - y[i - 1]) / n


def _classes(rng):
    k = integer(rng, 2, 6)
    return k, integer(rng, 1, k), simplex(rng, k)


def _labels_and_probs(rng):
    k = integer(rng, 2, 6)
    return simplex(rng, k), simplex(rng, k)


def _bce_written(y, p):
    return -(y * mp.log(p) + (1 - y) * mp.log(1 - p))


def _bce_logit_expanded(y, z):
    return -y * mp.log(sig(z)) - (1 - y) * mp.log(1 - sig(z))


def _y_z(rng):
    return unit(rng), real(rng, -8, 8)


LABELS = [
    _label(3, "n", "not-a-claim", "notation", "n names the number of samples"),
    _label(7, "y_i", "not-a-claim", "notation", "names the i-th target"),
    _label(7, r"\hat{y}_i", "not-a-claim", "notation", "names the i-th prediction"),
    _label(9, r"\mathrm{MSE} = \frac{1}{n}\sum_{i=1}^{n}(y_i - \hat{y}_i)^2", "correct", "textbook",
           "the mean of the n squared residuals, summed over all n samples; (1) is an equation number",
           identity(_regression, lambda n, y, yh: (_mse_as_written(n, y, yh), _mse_expanded(y, yh)))),
    _label(13, r"\frac{\partial\,\mathrm{MSE}}{\partial \hat{y}_i} = \frac{2}{n}(\hat{y}_i - y_i)", "correct",
           "textbook", "only the i-th term depends on y_hat_i: d/dy_hat (y - y_hat)^2 / n = 2 (y_hat - y) / n",
           identity(lambda r: (lambda n, y, yh: (n, y, yh, integer(r, 1, n)))(*_regression(r)), _grad_mse)),
    _label(15, r"L = \frac{1}{2}(y - \hat{y})^2", "not-a-claim", "definition",
           "defines L as half the squared error of one sample"),
    _label(15, r"\frac{\partial L}{\partial \hat{y}} = y - \hat{y}", "wrong", "sign",
           "d/dy_hat (y - y_hat)^2 / 2 = y_hat - y; at y = 0, y_hat = 1 it is 1, the note says -1",
           witness(lambda y, yh: (d(lambda t: (y - t) ** 2 / 2, yh), y - yh), 0, 1)),
    _label(23, r"L_{\mathrm{CE}} = -\sum_{k=1}^{K} y_k \log p_k", "correct", "textbook",
           "cross-entropy over all K classes; equals entropy(y) + KL(y || p)",
           identity(_labels_and_probs,
                    lambda y, p: (-mp.fsum(a * mp.log(b) for a, b in zip(y, p)), cross_entropy(y, p)))),
    _label(25, r"L_{\mathrm{CE}} = -\log p_c", "correct", "textbook",
           "with y one-hot at class c only the c-th term of the sum survives",
           identity(_classes, lambda k, c, p: (-mp.fsum(a * mp.log(b) for a, b in zip(onehot(k, c), p)),
                                               -mp.log(p[c - 1])))),
    _label(31, r"\mathrm{BCE}(y, p) = -\big[y\log p + (1-y)\log(1-p)\big]", "correct", "textbook",
           "the two-class cross-entropy of (1-y, y) against (1-p, p)",
           identity(lambda r: (unit(r), unit(r)), lambda y, p: (_bce_written(y, p), bce(y, p)))),
    _label(35, r"\mathrm{BCE} = -y\log\sigma(z) - (1-y)\log\big(1-\sigma(z)\big)", "correct", "textbook",
           "link 1: the definition with p = sigma(z) substituted",
           identity(_y_z, lambda y, z: (_bce_written(y, sig(z)), _bce_logit_expanded(y, z)))),
    _label(35, r"(1-y)\log\big(1-\sigma(z)\big) = \log\big(1+e^{z}\big) - yz", "correct", "textbook",
           "link 2: log sigma(z) = z - log(1+e^z) and log(1 - sigma(z)) = -log(1+e^z)",
           identity(_y_z, lambda y, z: (_bce_logit_expanded(y, z), mp.log(1 + mp.exp(z)) - y * z))),
    _label(39, r"\frac{\partial\,\mathrm{BCE}}{\partial z} = \sigma(z) - y", "correct", "textbook",
           "d/dz [log(1+e^z) - yz] = sigma(z) - y; \\tag{3} is an equation number",
           identity(_y_z, lambda y, z: (d(lambda t: _bce_written(y, sig(t)), z), sig(z) - y))),
    _label(41, r"\frac{\partial\,\mathrm{BCE}}{\partial p} = \frac{y}{p} - \frac{1-y}{1-p}", "wrong", "sign",
           "dBCE/dp = -y/p + (1-y)/(1-p); at y = 1, p = 1/2 it is -2, the note says 2",
           witness(lambda y, p: (d(lambda t: _bce_written(y, t), p), y / p - (1 - y) / (1 - p)), 1, "1/2")),
    _label(41, r"\sigma'(z)", "not-a-claim", "notation", "names the sigmoid's derivative, no relation"),
    _label(47, r"\mathrm{MSE} = \frac{1}{4}\left[(1-2)^2", "correct", "textbook",
           "link 1: MSE of targets (1,2,3,4) against predictions all 2, written out term by term",
           fixed(lambda: (mse([1, 2, 3, 4], [2, 2, 2, 2]),
                          ((1 - 2) ** 2 + (2 - 2) ** 2 + (3 - 2) ** 2 + (4 - 2) ** 2) / mp.mpf(4)))),
    _label(47, r"(4-2)^2\right] = \frac{1}{4}(1 + 0 + 1 + 2)", "wrong", "arithmetic",
           "link 2: (4-2)^2 = 4, not 2, so the bracket is 6, not 4 (1.5 against 1)",
           witness(lambda: (((1 - 2) ** 2 + (2 - 2) ** 2 + (3 - 2) ** 2 + (4 - 2) ** 2) / mp.mpf(4),
                            (1 + 0 + 1 + 2) / mp.mpf(4)))),
    _label(47, r"\frac{1}{4}(1 + 0 + 1 + 2) = 1", "correct", "textbook", "link 3: 4/4 = 1",
           fixed(lambda: ((1 + 0 + 1 + 2) / mp.mpf(4), 1))),
    _label(49, r"L_{\mathrm{CE}} = -\log 0.7", "correct", "textbook",
           "link 1: the one-hot loss of class 1 with probabilities (0.7, 0.2, 0.1)",
           fixed(lambda: (cross_entropy(onehot(3, 1), [mp.mpf(7) / 10, mp.mpf(2) / 10, mp.mpf(1) / 10]),
                          -mp.log(mp.mpf(7) / 10)))),
    _label(49, r"-\log 0.7 \approx 0.357", "not-a-claim", "approximation",
           "an approximation, not an equality (-log 0.7 = 0.35667..., right to three places)"),
]
