"""The key of ``en_optimisers.md`` (English): SGD, momentum, Adam, clipping by norm, Xavier and He.

Planted errors: the Adam weight sum starting at i = 0 (an off-by-one bound, line 33), the
clipped norm as a max instead of a min (line 49), and the He-uniform bound sqrt(3/n)
(a wrong constant, line 68).
"""
from __future__ import annotations

import mpmath as mp

from .referee import (Label, fixed, identity, integer, num, positive, real, relu, unit, vector, witness)

NOTE = "en_optimisers.md"


def _label(line, source, truth, kind, why, check=None):
    return Label(NOTE, line, source, truth, kind, why, check)


def _objective(theta):
    """A concrete smooth loss for the optimiser checks."""
    return theta ** 2 / 2 + mp.sin(3 * theta)


def _grad(theta):
    return mp.diff(_objective, theta)


def _momentum_case(rng):
    return real(rng, -2, 2), positive(rng, "0.001", "0.3"), unit(rng), integer(rng, 1, 6)


def _momentum_pair(theta0, eta, mu, steps):
    """The note's (v, theta) recursion against heavy-ball: theta - eta g + mu (theta - theta_prev)."""
    v, theta = mp.mpf(0), theta0
    for _ in range(steps):
        v = mu * v + _grad(theta)
        theta = theta - eta * v
    prev, ball = theta0, theta0
    for _ in range(steps):
        prev, ball = ball, ball - eta * _grad(ball) + mu * (ball - prev)
    return theta, ball


def _gradients(rng):
    return vector(rng, integer(rng, 1, 7)), unit(rng)


def _ema(beta, gs, square=False):
    m = mp.mpf(0)
    for g in gs:
        m = beta * m + (1 - beta) * (g * g if square else g)
    return m


def _unrolled_velocity(gs, mu):
    v = mp.mpf(0)
    for g in gs:
        v = mu * v + g
    return v


def _adam_case(rng):
    return (real(rng, -2, 2), real(rng, -2, 2), positive(rng, "0", 3), unit(rng), unit(rng),
            integer(rng, 1, 50), positive(rng, "0.0001", "0.1"), positive(rng, "0.00000001", "0.001"))


def _adam_step(theta, m, v, b1, b2, t, eta, eps):
    """The note's update from bias-corrected moments."""
    return theta - eta * (m / (1 - b1 ** t)) / (mp.sqrt(v / (1 - b2 ** t)) + eps)


def _adam_paper(theta, m, v, b1, b2, t, eta, eps):
    """Kingma and Ba, section 2: step size eta sqrt(1 - b2^t) / (1 - b1^t), epsilon-hat = eps sqrt(1 - b2^t)."""
    alpha = eta * mp.sqrt(1 - b2 ** t) / (1 - b1 ** t)
    return theta - alpha * m / (mp.sqrt(v) + eps * mp.sqrt(1 - b2 ** t))


def _clip_case(rng):
    return vector(rng, integer(rng, 1, 4), -3, 3), positive(rng, "0.1", 6)


def _clip_cases(g, c):
    """The note's cases: g when ||g|| <= c, else c g / ||g||."""
    norm = mp.sqrt(mp.fsum(v * v for v in g))
    return list(g) if norm <= c else [c * v / norm for v in g]


def _fans(rng):
    return integer(rng, 1, 1000), integer(rng, 1, 1000)


def _uniform_variance(a):
    """Var U[-a, a] by quadrature of x^2 / (2a)."""
    return mp.quad(lambda x: x * x / (2 * a), [-a, a])


def _relu_second_moment(s):
    """E[ReLU(z)^2] for z ~ N(0, s^2), by quadrature."""
    return mp.quad(lambda z: relu(z) ** 2 * mp.npdf(z, 0, s), [0, mp.inf])


LABELS = [
    _label(5, r"g_t = \nabla_\theta L(\theta_{t-1})", "not-a-claim", "definition", "names the gradient g_t"),
    _label(7, r"\theta_t = \theta_{t-1} - \eta\, g_t", "correct", "textbook",
           "a step against the gradient; for L = a(theta - b)^2 / 2 it is theta - eta a (theta - b)",
           identity(lambda r: (real(r), positive(r, "0.01", 1), positive(r, "0.1", 3), real(r)),
                    lambda th, eta, a, b: (th - eta * mp.diff(lambda u: a * (u - b) ** 2 / 2, th),
                                           th - eta * a * (th - b)))),
    _label(11, r"v_t &= \mu\, v_{t-1} + g_t", "correct", "textbook",
           "the velocity of PyTorch's momentum; with the next row it equals heavy-ball momentum",
           identity(_momentum_case, _momentum_pair)),
    _label(11, r"\theta_t &= \theta_{t-1} - \eta\, v_t", "correct", "textbook",
           "the step along the velocity; with the previous row it equals heavy-ball momentum",
           identity(_momentum_case, _momentum_pair)),
    _label(18, r"v_0 = 0", "not-a-claim", "definition", "the initial velocity"),
    _label(18, r"v_t = \sum_{i=1}^{t} \mu^{t-i} g_i", "correct", "textbook",
           "unrolling v_t = mu v_{t-1} + g_t from v_0 = 0",
           identity(_gradients, lambda gs, mu: (_unrolled_velocity(gs, mu),
                                                mp.fsum(mu ** (len(gs) - i) * gs[i - 1]
                                                        for i in range(1, len(gs) + 1))))),
    _label(22, r"m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t", "correct", "textbook",
           "Adam's first moment, an EMA: equal to (1 - b1) sum b1^{t-i} g_i from m_0 = 0",
           identity(_gradients, lambda gs, b: (_ema(b, gs), (1 - b) * mp.fsum(b ** (len(gs) - i) * gs[i - 1]
                                                                               for i in range(1, len(gs) + 1))))),
    _label(22, r"v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2", "correct", "textbook",
           "Adam's second moment, the EMA of squared gradients",
           identity(_gradients, lambda gs, b: (_ema(b, gs, square=True),
                                               (1 - b) * mp.fsum(b ** (len(gs) - i) * gs[i - 1] ** 2
                                                                 for i in range(1, len(gs) + 1))))),
    _label(22, r"\hat{m}_t &= \frac{m_t}{1-\beta_1^t}", "correct", "textbook",
           "bias correction: with a constant gradient g, m_t / (1 - b1^t) = g exactly",
           identity(lambda r: (real(r), unit(r), integer(r, 1, 30)),
                    lambda g, b, t: (_ema(b, [g] * t) / (1 - b ** t), g))),
    _label(22, r"\hat{v}_t = \frac{v_t}{1-\beta_2^t}", "correct", "textbook",
           "bias correction: with a constant gradient g, v_t / (1 - b2^t) = g^2",
           identity(lambda r: (real(r), unit(r), integer(r, 1, 30)),
                    lambda g, b, t: (_ema(b, [g] * t, square=True) / (1 - b ** t), g * g))),
    _label(22, r"\theta_t &= \theta_{t-1} - \eta\,\frac{\hat{m}_t}{\sqrt{\hat{v}_t} + \epsilon}", "correct",
           "textbook", "Adam's step; the paper's efficient form with epsilon-hat = eps sqrt(1 - b2^t) agrees",
           identity(_adam_case, lambda *a: (_adam_step(*a), _adam_paper(*a)))),
    _label(31, r"m_0 = 0", "not-a-claim", "definition", "the initial first moment"),
    _label(33, r"(1-\beta_1)\sum_{i=0}^{t}\beta_1^{t-i} = 1 - \beta_1^{t}", "wrong", "bound",
           "the gradients are g_1 .. g_t: from i = 0 the sum is 1 - b1^{t+1}; at b1 = 0.9, t = 1: 0.19, not 0.1",
           witness(lambda b, t: ((1 - b) * mp.fsum(b ** (t - i) for i in range(0, int(t) + 1)), 1 - b ** t),
                   "9/10", 1)),
    _label(37, r"m_1 = (1 - 0.9) \times 2", "correct", "textbook", "m_1 = b1 m_0 + (1 - b1) g with m_0 = 0",
           fixed(lambda: (_ema(num("0.9"), [2]), (1 - num("0.9")) * 2))),
    _label(37, r"(1 - 0.9) \times 2 = 0.2", "correct", "textbook", "0.1 * 2",
           fixed(lambda: ((1 - num("0.9")) * 2, num("0.2")))),
    _label(37, r"\hat{m}_1 = \frac{0.2}{1 - 0.9}", "correct", "textbook", "m_1 / (1 - b1^1)",
           fixed(lambda: (_ema(num("0.9"), [2]) / (1 - num("0.9")), num("0.2") / (1 - num("0.9"))))),
    _label(37, r"\frac{0.2}{1 - 0.9} = 2", "correct", "textbook", "0.2 / 0.1",
           fixed(lambda: (num("0.2") / (1 - num("0.9")), 2))),
    _label(39, r"|\theta_1 - \theta_0| \approx \eta", "not-a-claim", "approximation",
           "an approximation (the first step is eta |g| / (|g| + eps))"),
    _label(45, r"\tilde{g} = \begin{cases} g, & \|g\|_2 \le c", "correct", "textbook",
           "clipping by norm; the same as g min(1, c / ||g||)",
           identity(_clip_case, lambda g, c: (_clip_cases(g, c),
                                              [v * min(1, c / mp.sqrt(mp.fsum(u * u for u in g))) for v in g]))),
    _label(49, r"\|\tilde{g}\|_2 = \max(\|g\|_2, c)", "wrong", "min-max",
           "clipping can only shorten: ||g~|| = min(||g||, c); at g = (3, 4), c = 1 it is 1, not 5",
           witness(lambda g1, g2, c: (mp.sqrt(mp.fsum(v * v for v in _clip_cases([g1, g2], c))),
                                      max(mp.sqrt(g1 * g1 + g2 * g2), c)), 3, 4, 1)),
    _label(60, r"\mathrm{Var}(W_{ij}) = \frac{2}{n_{\text{in}} + n_{\text{out}}}", "correct", "textbook",
           "Glorot and Bengio: the compromise 1 / mean(n_in, n_out) of the forward and backward conditions",
           identity(_fans, lambda a, b: (mp.mpf(2) / (a + b), 1 / ((mp.mpf(a) + b) / 2)))),
    _label(62, r"U[-a, a]", "not-a-claim", "notation", "names the uniform distribution"),
    _label(62, r"a = \sqrt{\frac{6}{n_{\text{in}} + n_{\text{out}}}}", "correct", "textbook",
           "Xavier-uniform: this a gives Var U[-a, a] = a^2/3 = 2 / (n_in + n_out)",
           identity(_fans, lambda a, b: (_uniform_variance(mp.sqrt(mp.mpf(6) / (a + b))), mp.mpf(2) / (a + b)),
                    points=20)),
    _label(62, r"\mathrm{Var}(U[-a,a]) = \frac{a^2}{3}", "correct", "textbook",
           "the integral of x^2 / (2a) over [-a, a]",
           identity(lambda r: (positive(r, "0.01", 10),), lambda a: (_uniform_variance(a), a * a / 3))),
    _label(64, r"\mathbb{E}[\mathrm{ReLU}(z)^2] = \frac{1}{2}\mathrm{Var}(z)", "correct", "textbook",
           "for a zero-mean symmetric z, z^2 is shared equally by the two half-lines (checked for normal z)",
           identity(lambda r: (positive(r, "0.1", 5),), lambda s: (_relu_second_moment(s), s * s / 2))),
    _label(66, r"\mathrm{Var}(W_{ij}) = \frac{2}{n_{\text{in}}}", "correct", "textbook",
           "He et al.: n_in Var(W) E[ReLU(z)^2] / Var(z) = 1 keeps the signal's variance",
           identity(lambda r: (integer(r, 1, 1000), positive(r, "0.1", 3)),
                    lambda n, s: (n * (mp.mpf(2) / n) * _relu_second_moment(s) / (s * s), 1))),
    _label(68, r"a = \sqrt{3 / n_{\text{in}}}", "wrong", "constant",
           "He-uniform needs a^2/3 = 2/n_in, so a = sqrt(6/n_in); at n_in = 100 this a gives variance 0.01, not 0.02",
           witness(lambda n: (_uniform_variance(mp.sqrt(3 / n)), 2 / n), 100)),
]

