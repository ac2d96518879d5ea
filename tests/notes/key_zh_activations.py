"""The key of ``zh_activations.md`` (Chinese): sigmoid, tanh, the ReLU family, softplus and SiLU.

Planted errors: sigma'(0) = 1/2 (a wrong constant, line 15), the derivative of sigma(2x)
without the inner factor 2 (line 18), and tanh' = 1 + tanh^2 (a sign, line 27).
"""
from __future__ import annotations

import mpmath as mp

from .referee import Label, d, fixed, identity, nonzero, real, relu, sig, unit, witness

NOTE = "zh_activations.md"


def _label(line, source, truth, kind, why, check=None):
    return Label(NOTE, line, source, truth, kind, why, check)


def _x(rng):
    return (real(rng, -6, 6),)


LABELS = [
    _label(9, r"\sigma(x) = \frac{1}{1+e^{-x}}", "correct", "textbook",
           "the logistic sigmoid; equal to (1 + tanh(x/2)) / 2",
           identity(_x, lambda x: (1 / (1 + mp.exp(-x)), (1 + mp.tanh(x / 2)) / 2))),
    _label(13, r"\sigma'(x) = \frac{e^{-x}}{(1+e^{-x})^2}", "correct", "textbook",
           "link 1: d/dx (1+e^-x)^-1 = e^-x / (1+e^-x)^2",
           identity(_x, lambda x: (d(sig, x), mp.exp(-x) / (1 + mp.exp(-x)) ** 2))),
    _label(13, r"\frac{e^{-x}}{(1+e^{-x})^2} = \sigma(x)\big(1-\sigma(x)\big)", "correct", "textbook",
           "link 2: 1 - sigma(x) = e^-x / (1+e^-x)",
           identity(_x, lambda x: (mp.exp(-x) / (1 + mp.exp(-x)) ** 2, sig(x) * (1 - sig(x))))),
    _label(15, r"\sigma(-x) = 1 - \sigma(x)", "correct", "textbook",
           "1/(1+e^x) = e^-x/(1+e^-x) = 1 - 1/(1+e^-x)",
           identity(_x, lambda x: (sig(-x), 1 - sig(x)))),
    _label(15, r"\sigma'(0) = \frac{1}{2}", "wrong", "constant",
           "sigma'(0) = sigma(0)(1 - sigma(0)) = 1/4, not 1/2",
           witness(lambda: (d(sig, 0), mp.mpf(1) / 2))),
    _label(18, r"\frac{d}{dx}\,\sigma(2x) = \sigma(2x)\big(1-\sigma(2x)\big)", "wrong", "derivative",
           "the chain rule gives a factor 2: at x = 0 the derivative is 1/2, the note says 1/4",
           witness(lambda x: (d(lambda t: sig(2 * t), x), sig(2 * x) * (1 - sig(2 * x))), 0)),
    _label(24, r"\tanh(x) = \frac{e^{x}-e^{-x}}{e^{x}+e^{-x}}", "correct", "textbook",
           "link 1: the definition of tanh",
           identity(_x, lambda x: (mp.tanh(x), (mp.exp(x) - mp.exp(-x)) / (mp.exp(x) + mp.exp(-x))))),
    _label(24, r"\frac{e^{x}-e^{-x}}{e^{x}+e^{-x}} = 2\sigma(2x) - 1", "correct", "textbook",
           "link 2: 2/(1+e^-2x) - 1 = (1 - e^-2x)/(1 + e^-2x); multiply by e^x/e^x",
           identity(_x, lambda x: ((mp.exp(x) - mp.exp(-x)) / (mp.exp(x) + mp.exp(-x)), 2 * sig(2 * x) - 1))),
    _label(27, r"\frac{d}{dx}\tanh(x) = 1 + \tanh^2(x)", "wrong", "sign",
           "tanh' = 1 - tanh^2 (= sech^2 <= 1); at x = 1: 0.42 against 1.58",
           witness(lambda x: (d(mp.tanh, x), 1 + mp.tanh(x) ** 2), 1)),
    _label(29, r"\sigma(0) = 0.5", "correct", "textbook", "1/(1+1) = 1/2",
           fixed(lambda: (sig(mp.mpf(0)), mp.mpf(1) / 2))),
    _label(29, r"\tanh(0) = 0", "correct", "textbook", "(1 - 1)/(1 + 1) = 0",
           fixed(lambda: (mp.tanh(0), 0))),
    _label(33, r"\mathrm{ReLU}(x) = \max(0, x)", "correct", "textbook",
           "the rectifier; equal to (x + |x|) / 2",
           identity(_x, lambda x: (max(mp.mpf(0), x), (x + abs(x)) / 2))),
    _label(37, r"\mathrm{ReLU}'(x) = \begin{cases} 1, & x > 0 \\ 0, & x < 0 \end{cases}", "correct", "textbook",
           "slope 1 on the right, 0 on the left; x = 0 is left out, where ReLU has no derivative",
           identity(lambda r: (nonzero(r),), lambda x: (d(relu, x), 1 if x > 0 else 0))),
    _label(41, r"\mathrm{LeakyReLU}(x) = \max(\alpha x, x)", "correct", "textbook",
           "for 0 < alpha < 1 the max picks x when x > 0 and alpha x when x < 0",
           identity(lambda r: (real(r, -6, 6), unit(r)),
                    lambda x, a: (max(a * x, x), x if x > 0 else a * x))),
    _label(41, r"\alpha = 0.01", "not-a-claim", "definition", "sets the hyperparameter alpha"),
    _label(47, r"\frac{d}{dx}\log\big(1+e^{x}\big) = \sigma(x)", "correct", "textbook",
           "d/dx log(1+e^x) = e^x/(1+e^x) = sigma(x)",
           identity(_x, lambda x: (d(lambda t: mp.log(1 + mp.exp(t)), x), sig(x)))),
    _label(51, r"\frac{d}{dx}\big(x\,\sigma(x)\big) = \sigma(x)\big(1 + x(1-\sigma(x))\big)", "correct",
           "textbook", "product rule: sigma(x) + x sigma(x)(1 - sigma(x))",
           identity(_x, lambda x: (d(lambda t: t * sig(t), x), sig(x) * (1 + x * (1 - sig(x)))))),
]
