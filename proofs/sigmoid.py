"""The sigmoid's derivative and its maximum of 1/4.

Seed section: 3(1) 梯度消失 (vanishing gradients).

Main statements
- ``sigmoid-derivative``: the seed's y′ = e^{−x}/(1+e^{−x})² equals σ(x)(1 − σ(x)).
- ``sigmoid-derivative-max``: σ′ has the global maximum 1/4, attained only at x = 0.

Notation
σ(x) = 1/(1 + e^{−x}); σ′ its derivative, from the rule table of
:mod:`derive.ops`.

Implementation notes
The derivative comes from the rule table and is compared with the seed's
formula by cancellation; the maximum by the critical-point argument of
:mod:`derive.extrema` (solve σ″ = 0, values at the critical point, limits at
±∞, a sign test).  Numerically: central finite differences of σ, and a dense
grid for the maximum.

References
Goodfellow, Bengio, Courville, *Deep Learning* (2016), §6.3.2; the d2l
textbook, §4.1.2.2.
"""
import numpy as np
import sympy as sp

from derive import sigmoid
from derive.catalogue import Derivation, Proof
from derive.render.figures import Figure
from derive.numeric import check_gradient, check_values
from derive.extrema import extremum
from derive.ops import OPS, derivative
from derive.symbols import symbol

x = symbol("x")
SEED_DERIVATIVE = sp.exp(-x) / (1 + sp.exp(-x)) ** 2


class SigmoidDerivative(Proof):
    id = "sigmoid-derivative"
    section = "3(1) 梯度消失"
    title = "The sigmoid's derivative"
    quote = r"$$y'={e^{-x} \over (1+e^{-x})^2}$$"
    statement = r"$\sigma'(x) = e^{-x}/(1 + e^{-x})^2 = \sigma(x)(1 - \sigma(x))$ for every real x."

    def derive(self):
        d = Derivation()
        d.define(sp.Symbol("σ(x)"), 1 / (1 + sp.exp(-x)), "definition of the sigmoid")
        slope = derivative(sigmoid(x), x)
        d.define(sp.Derivative(sigmoid(x), x), slope, "rule table: σ′ = σ·(1 − σ)")
        d.equal(sp.diff(1 / (1 + sp.exp(-x)), x), SEED_DERIVATIVE, r"quotient rule on $1/(1 + e^{-x})$")
        d.equal(slope, SEED_DERIVATIVE, "the seed's formula")
        return d

    def evidence(self):
        return [check_gradient(sigmoid(x), {x: SEED_DERIVATIVE}, x, n=200),
                check_values(derivative(sigmoid(x), x), SEED_DERIVATIVE, [x], n=200)]


def sigmoid_figure(fig):
    """σ and σ′ = σ(1 − σ) on [−8, 8], with the maximum σ′(0) = 1/4 marked."""
    ax = fig.add_subplot()
    x = np.linspace(-8, 8, 401)
    s = OPS["sigmoid"].numpy(x)
    ax.plot(x, s, label="σ(x)")
    ax.plot(x, s * (1 - s), label="σ′(x) = σ(x)(1 − σ(x))")
    ax.axhline(0.25, color="0.5", lw=0.8, ls=":")
    ax.plot([0], [0.25], "o", color="C3", zorder=3)
    ax.annotate("maximum σ′(0) = 1/4", xy=(0, 0.25), xytext=(1.6, 0.42), color="C3",
                arrowprops=dict(arrowstyle="->", color="C3"))
    ax.set(xlim=(-8, 8), ylim=(-0.03, 1.05), xlabel="x", ylabel="value",
           title="The sigmoid and its derivative")
    ax.legend(loc="upper left")


class SigmoidDerivativeMax(Proof):
    id = "sigmoid-derivative-max"
    section = "3(1) 梯度消失"
    title = "σ′ is at most 1/4"
    quote = r"我们通过相关的计算就可以得到其导数最大值也只有 $1\over 4$ 。"
    statement = r"$\max_x \sigma'(x) = 1/4$, attained only at x = 0; so σ′(x) ≤ 1/4 everywhere."
    figures = (Figure(
        "sigmoid",
        "The sigmoid σ and its derivative σ′ = σ(1 − σ): σ′ is largest at x = 0, where it equals 1/4, "
        "so the factor σ′(zᵢ) that each sigmoid layer puts into a gradient is at most 1/4.",
        sigmoid_figure),)

    def derive(self):
        d = Derivation()
        slope = derivative(sigmoid(x), x)
        top = extremum(slope, x, kind="max")
        d.extend(top.steps)
        d.equal(top.value, sp.Rational(1, 4), "the largest candidate value")
        d.holds(slope, "<=", sp.Rational(1, 4), "the bound used by the vanishing-gradient argument")
        return d

    def evidence(self):
        grid = np.linspace(-40, 40, 800_001)
        values = np.exp(-np.logaddexp(0, -grid)) * np.exp(-np.logaddexp(0, grid))
        from derive.numeric import Evidence
        worst = float(values.max())
        at = float(grid[values.argmax()])
        return [Evidence("dense grid", grid.size, abs(worst - 0.25), abs(worst - 0.25) / 0.25,
                         "max equals 1/4 to 1e-12, at |x| ≤ 1e-4", abs(worst - 0.25) < 1e-12 and abs(at) <= 1e-4,
                         f"max σ′ on [−40, 40] step 1e-4 is {worst!r} at x = {at:.1e}")]
