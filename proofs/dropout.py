"""Dropout: unbiased in expectation, and the identity at inference.

Seed section: 3(3) 过拟合和欠拟合 (over- and underfitting), the paragraphs on 丢弃法.

Main statements
- ``dropout-unbiased``: x′ = 0 with probability p and x/(1 − p) with
  probability 1 − p has E[x′] = x and Var[x′] = p·x²/(1 − p), for p ∈ (0, 1).
- ``dropout-inference``: for a linear layer the expectation over independent
  masks of the training-time output equals the inference output (dropout
  switched off, no rescaling); through a nonlinearity this holds only in
  general approximately (exactly for ReLU, not for σ).

Notation
p is the drop probability, q = 1 − p the keep probability, mᵢ ∈ {0, 1} the
keep masks (independent, P(mᵢ = 1) = 1 − p), xᵢ′ = mᵢxᵢ/(1 − p) the
"inverted dropout" output of the seed's formula.

Implementation notes
Expectations over the masks are written out as finite sums over {0, 1}ⁿ with
their probabilities and reduced by cancellation under p ∈ (0, 1).  The gap
E[σ(x′)] − σ(x) is evaluated exactly at one point and its sign decided by
SymPy; it is recorded as a computed value (it illustrates the limits of the
statement, it does not refute the seed).  Numerically: seeded Monte Carlo
means with 99.9 % confidence intervals for the mean, the variance, a 3-input
linear layer and a sigmoid after dropout.

References
Srivastava, Hinton, Krizhevsky, Sutskever, Salakhutdinov, "Dropout", JMLR 15
(2014), §10 (the weight-scaling inference rule); Goodfellow et al., *Deep
Learning* (2016), §7.12; the d2l textbook, §4.6 (dropout, inverted form).
"""
from itertools import product

import numpy as np
import sympy as sp

from derive import relu, sigmoid
from derive.ops import to_elementary
from derive.catalogue import Derivation, Proof
from derive.render.figures import Figure
from derive.numeric import Evidence, check_expectation, check_values
from derive.lang import Domain
from derive.render.printing import text
from derive.symbols import symbol

SECTION = "3(3) 过拟合和欠拟合"
p, x, b = symbol("p"), symbol("x"), symbol("b")
q = symbol("q", positive=True)
x_pos, x_neg = symbol("x", positive=True), symbol("x", negative=True)
PROB = {"p": Domain(sp.Interval.open(0, 1))}
E = sp.Function("E")
INPUTS = tuple(symbol(f"x_{i}") for i in (1, 2, 3))
WEIGHTS = tuple(symbol(f"w_{i}") for i in (1, 2, 3))


def dropout_draw(x_value, p_value):
    """A sampler ``(rng, n) -> n`` draws of the seed's x′ (inverted dropout of one input)."""
    def draw(rng, n):
        keep = rng.random(n) >= p_value
        return np.where(keep, x_value / (1 - p_value), 0.0)
    return draw


def mask_expectation(f, inputs, keep_prob):
    """E over independent keep masks of f(x′): Σ over m ∈ {0,1}ⁿ of P(m)·f(m·x/keep_prob), exactly."""
    total = sp.S.Zero
    for mask in product((0, 1), repeat=len(inputs)):
        weight = sp.Mul(*(keep_prob if m else 1 - keep_prob for m in mask))
        total += weight * f(*(m * xi / keep_prob for m, xi in zip(mask, inputs)))
    return total


def two_point(dropped, kept):
    """p·dropped + (1 − p)·kept, kept unevaluated so the derivation shows the seed's sum as written."""
    return sp.Add(sp.Mul(p, dropped, evaluate=False), sp.Mul(1 - p, kept, evaluate=False), evaluate=False)


def dropout_figure(fig):
    """The running Monte-Carlo mean of inverted dropout x′ (p = 0.5, x = 1) with a 99.9 % band."""
    from statistics import NormalDist
    p, x, n_max = 0.5, 1.0, 100_000
    draws = dropout_draw(x, p)(np.random.default_rng(0), n_max)
    n = np.unique(np.geomspace(1, n_max, 600).astype(int))
    mean = np.cumsum(draws)[n - 1] / n
    half = NormalDist().inv_cdf(0.9995) * np.sqrt(p * x ** 2 / (1 - p)) / np.sqrt(n)
    ax = fig.add_subplot()
    ax.fill_between(n, x - half, x + half, color="C0", alpha=0.2, label="99.9 % band  x ± 3.29·σ/√n")
    ax.semilogx(n, mean, color="C0", lw=1.2, label="running mean of x′")
    ax.axhline(x, color="k", lw=0.8, ls="--", label="E[x′] = x = 1")
    ax.set(xlim=(1, n_max), ylim=(-0.1, 2.1), xlabel="number of samples n", ylabel="mean of x′",
           title="Inverted dropout, p = 0.5: Monte-Carlo mean")
    ax.legend(loc="upper right")


class DropoutUnbiased(Proof):
    id = "dropout-unbiased"
    section = SECTION
    title = "Inverted dropout is unbiased; its variance is p·x²/(1 − p)"
    quote = r"$$E(x_i')=0\times p + (1-p) \times {x_i \over 1-p} = x_i$$"
    statement = ("For p ∈ (0, 1) and x′ = 0 with probability p, x/(1 − p) with probability 1 − p: "
                 "E[x′] = p·0 + (1 − p)·x/(1 − p) = x, E[x′²] = x²/(1 − p), and "
                 "Var[x′] = E[x′²] − x² = p·x²/(1 − p), which grows without bound as p → 1.")
    figures = (Figure(
        "dropout",
        "The mean of n draws of the inverted-dropout output x′ (0 with probability p = 0.5, x/(1 − p) "
        "otherwise; x = 1, seed 0) approaches E[x′] = x inside the pointwise 99.9 % band "
        "x ± 3.29·σ/√n, where σ² = p·x²/(1 − p).",
        dropout_figure),)

    def derive(self):
        d = Derivation()
        mean = two_point(0, x / (1 - p))
        d.note(f"E[x′] = {text(mean)}", "the two outcomes weighted by their probabilities, as the seed writes it")
        d.equal(mean, x, "the seed's computation: (1 − p) cancels, p ≠ 1")
        second = two_point(0, (x / (1 - p)) ** 2)
        d.note(f"E[x′²] = {text(second)}", "the same for x′²")
        d.equal(second, x ** 2 / (1 - p), "E[x′²]: (1 − p) cancels once, p ≠ 1")
        d.equal(second - x ** 2, p * x ** 2 / (1 - p), "Var[x′] = E[x′²] − E[x′]²", assume=PROB)
        variance = p * x_pos ** 2 / (1 - p)
        d.define(sp.Limit(variance, p, 1, "-"), sp.limit(variance, p, 1, "-"),
                 "SymPy's limit (x ≠ 0): dropping almost everything makes x′ very noisy")
        d.note("unbiased means the mean is kept; the noise p·x²/(1 − p) is what regularises",
               "the seed states the mean only")
        return d

    def evidence(self):
        evidence = []
        for k, (p_value, x_value) in enumerate(((0.3, 2.5), (0.7, -1.2))):
            draw = dropout_draw(x_value, p_value)
            evidence.append(check_expectation(draw, x_value, seed=k))
            evidence.append(check_expectation(lambda rng, n: (draw(rng, n) - x_value) ** 2,
                                              p_value * x_value ** 2 / (1 - p_value), seed=10 + k))
        evidence.append(check_values(two_point(0, x / (1 - p)), x, [p, x], n=200,
                                     domains={p: Domain(sp.Interval.open(0, 1))}))
        return evidence


class DropoutInference(Proof):
    id = "dropout-inference"
    section = SECTION
    title = "Dropout is switched off at inference; exact in expectation for a linear layer"
    quote = "正则化的方法只是在训练的时候用到，影响所有权重，而不会在推理的时候用到！"
    statement = ("With inverted dropout on the inputs of y = b + Σᵢ wᵢxᵢ (3 inputs, independent masks, "
                 r"p ∈ (0, 1)): $\mathbb{E}_{\text{masks}}[y_{\text{train}}] = b + \sum_i w_i x_i = y_{\text{inference}}$, "
                 "so the network is used at "
                 "inference without dropout and without rescaling. Through a nonlinearity this is not exact "
                 "in general: E[σ(x′)] = p·σ(0) + (1 − p)·σ(x/(1 − p)), which at p = 1/2, x = 1 is "
                 "1/4 + σ(2)/2 < σ(1); for ReLU, E[ReLU(x′)] = ReLU(x) exactly.")

    def derive(self):
        d = Derivation()
        layer = lambda *xs: b + sum(wi * xi for wi, xi in zip(WEIGHTS, xs))
        expected = mask_expectation(layer, INPUTS, 1 - p)
        d.define(E(symbol("y_train")), expected,
                 r"sum over the 8 masks $m \in \{0, 1\}^3$ with $P(m) = \prod_i (1 - p)^{m_i} p^{1 - m_i}$")
        d.equal(mask_expectation(lambda *xs: sp.S.One, INPUTS, 1 - p), 1, "the mask probabilities sum to 1")
        d.equal(expected, layer(*INPUTS), r"linearity of expectation: $\mathbb{E}[y_{\text{train}}] = y_{\text{inference}}$", assume=PROB)
        d.note("penalties λΣ|wᵢ|, λΣwᵢ² enter only the training loss and dropout only the training forward pass; "
               "inference evaluates f(x; w) with the trained weights",
               "the regulariser acts through the weights it produced")
        d.note("'影响所有权重': the L2 term adds 2λwⱼ to every weight's gradient (see l1-l2-gradients); "
               "in practice biases are often exempt", "rule-table gradient of λΣwᵢ²")
        relu_mean = mask_expectation(relu, (x_pos,), q)
        d.equal(relu_mean, relu(x_pos), "x > 0: E[ReLU(x′)] = q·x/q = ReLU(x) (ReLU is positively homogeneous)")
        d.equal(mask_expectation(relu, (x_neg,), q), relu(x_neg), "x < 0: both sides are 0")
        half = sp.Rational(1, 2)
        sig_mean = mask_expectation(sigmoid, (x,), 1 - p)
        d.equal(sig_mean, p * sigmoid(0) + (1 - p) * sigmoid(x / (1 - p)), "E[σ(x′)] over the two outcomes")
        gap = sig_mean.subs({p: half, x: 1}) - sigmoid(1)
        d.define(sp.Function("gap")(half, 1), gap, "E[σ(x′)] − σ(x) at p = 1/2, x = 1, computed")
        d.note(f"gap(1/2, 1) ≈ {float(gap.evalf(20)):.10f}", "evaluated to 20 digits")
        d.holds(to_elementary(gap), "<", 0, "a sigmoid after dropout is biased: the identity is exact only before a nonlinearity")
        d.note("so switching dropout off at inference is exact in expectation for each layer's pre-activation, "
               "and an approximation (the weight-scaling rule) for the network as a whole",
               "Srivastava et al. 2014, §10")
        return d

    def evidence(self):
        w_val, x_val, b_val, p_val = np.array([0.8, -1.3, 0.5]), np.array([1.5, 2.0, -0.7]), 0.1, 0.3

        def layer_draw(rng, n):
            keep = rng.random((n, 3)) >= p_val
            return b_val + (keep * x_val / (1 - p_val)) @ w_val
        y_inference = b_val + float(w_val @ x_val)
        sig = lambda t: 0.5 * (1 + np.tanh(t / 2))
        p2, x2, n = 0.5, 1.0, 400_000
        sig_draw = lambda rng, m: sig(dropout_draw(x2, p2)(rng, m))
        formula = p2 * sig(0.0) + (1 - p2) * sig(x2 / (1 - p2))
        samples = sig_draw(np.random.default_rng(3), n)
        half = 3.2905 * samples.std(ddof=1) / np.sqrt(n)  # the 99.9 % normal quantile
        gap = float(samples.mean() - sig(x2))
        return [check_expectation(layer_draw, y_inference, seed=1),
                check_expectation(sig_draw, formula, n=n, seed=3),
                Evidence("Monte Carlo (nonlinear gap)", n, abs(gap), abs(gap) / sig(x2),
                         "|gap| > 5 × 99.9% CI half-width", abs(gap) > 5 * half,
                         f"p = {p2}, x = {x2}: mean σ(x′) = {samples.mean():.6f} ± {half:.1e}, "
                         f"σ(x) = {sig(x2):.6f}, gap {gap:.6f} (seed 3)")]
