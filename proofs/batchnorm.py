"""BatchNorm: the moments of a standardised batch, and why inputs near 0 help the sigmoid.

Seed section: 3(4) 解决梯度问题 (fixing gradient problems): 采用BatchNorm.

Main statements
- ``batchnorm-moments``: over a batch of m values, x̂ᵢ = (xᵢ − μ_B)/√(σ_B² + ε)
  has mean exactly 0 and (biased) variance σ_B²/(σ_B² + ε) < 1; y = γx̂ + β
  has mean β and variance γ²σ_B²/(σ_B² + ε).  Standardising is an increasing
  affine map, so it keeps the skewness (the shape) of the batch: the seed's
  "均值为0，方差为 1 的正态分布" is refuted by the batch {0, 0, 0, 1}.
- ``batchnorm-sigmoid-gradient``: for z ~ N(μ, 1), g(μ) = E[σ′(z)] is even in
  μ and strictly decreasing in |μ|, so the expected sigmoid gradient is
  largest for inputs centred at 0; σ′ ≤ 1/4 < 1 everywhere, so "梯度小于1"
  is no property of the normalised region.

Notation
x₁, …, x_m a batch; μ_B = (1/m)Σxᵢ, σ_B² = (1/m)Σ(xᵢ − μ_B)² (the biased
batch variance BatchNorm uses); ε > 0 the stabiliser; skew = m₃/m₂^{3/2}
with m_k the k-th central moment.  σ the sigmoid, φ the N(0, 1) density.

Implementation notes
The moments are shown for a symbolic batch of m = 4 values and for general
m with SymPy ``Sum`` over an ``IndexedBase`` (√(σ_B² + ε) does not depend on
the summation index, so cancellation pulls it out).  The refutation is
exact: the standardised batch {0, 0, 0, 1} has skewness 2√3/3, a normal
distribution 0.  For g(μ) = ∫σ′(μ + z)φ(z)dz: evenness by the substitution
z ↦ −z, monotonicity by folding g′(μ) = ∫σ″(w)φ(w − μ)dw at w = 0 (σ″ is
odd) into ∫₀^∞ σ″(w)φ(w − μ)(1 − e^{−2wμ})dw, whose integrand is negative
for w, μ > 0.  Numerically: random batches in float64, mpmath quadrature
(20 digits) against Gauss–Hermite, finite differences of g, Monte Carlo.

References
Ioffe & Szegedy, *Batch Normalization* (ICML 2015), Algorithm 1;
Goodfellow, Bengio, Courville, *Deep Learning* (2016), §8.7.1.
"""
import mpmath
import numpy as np
import sympy as sp

from derive import sigmoid
from derive.catalogue import Derivation, Proof
from derive.numeric import Evidence, check_expectation, check_gradient
from derive.lang import Domain
from derive.ops import derivative
from derive.symbols import symbol

EPS = 1e-5                      # PyTorch's BatchNorm default ε
xs = [symbol(f"x{i}") for i in range(1, 5)]
eps = symbol("epsilon", positive=True)
gamma, beta = symbol("gamma"), symbol("beta")
scale, shift = symbol("a", positive=True), symbol("b")
var_sym = symbol("s", nonnegative=True)   # σ_B² as a number ≥ 0
m = symbol("m", integer=True, positive=True)
i = sp.Symbol("i", integer=True)
X = sp.IndexedBase("x", real=True)
POSITIVE = Domain(sp.Interval.open(0, sp.oo))


def mean(values):
    """(1/m)Σ values."""
    return sp.Add(*values) / len(values)


def central_moment(values, k):
    """(1/m)Σ (v − mean)^k, the biased k-th central moment."""
    centre = mean(values)
    return sp.Add(*[(v - centre) ** k for v in values]) / len(values)


def standardise(values, epsilon):
    """x̂ᵢ = (xᵢ − μ_B)/√(σ_B² + ε)."""
    centre, spread = mean(values), central_moment(values, 2)
    return [(v - centre) / sp.sqrt(spread + epsilon) for v in values]


def skewness(values):
    """m₃/m₂^{3/2}."""
    return central_moment(values, 3) / central_moment(values, 2) ** sp.Rational(3, 2)


class BatchNormMoments(Proof):
    id = "batchnorm-moments"
    section = "3(4) 解决梯度问题"
    title = "A standardised batch has mean 0 and variance σ²/(σ² + ε), and keeps its shape"
    quote = "BatchNorm就是将神经元的输出都拉到均值为0，方差为 1 的正态分布中"
    statement = (r"For a batch $x_1, \dots, x_m$ and ε > 0, $\hat x_i = (x_i - \mu_B)/\sqrt{\sigma_B^2 + \varepsilon}$ "
                 r"has mean 0 and variance $\sigma_B^2/(\sigma_B^2 + \varepsilon) < 1$; y = γx̂ + β has mean β and "
                 r"variance $\gamma^2\sigma_B^2/(\sigma_B^2 + \varepsilon)$; skew(a·x + b) = skew(x) for a > 0, so "
                 r"standardising does not make a batch normal: $\{0, 0, 0, 1\}$ stays two-point with skewness "
                 r"$2\sqrt{3}/3 \ne 0$.")
    expected = "refuted"
    erratum = True
    why_wrong = ("Standardising gives mean 0 and variance σ²/(σ² + ε) < 1 but leaves the shape of the distribution "
                 "unchanged (skewness is invariant under x → ax + b, a > 0), so the outputs are not normal: the "
                 r"batch $\{0, 0, 0, 1\}$ stays two-point with skewness $2\sqrt{3}/3$.")
    correction = ("BatchNorm standardises to mean 0 and variance σ²/(σ²+ε) ≈ 1 (then γ, β), "
                  "without changing the distribution's shape")

    def derive(self):
        d = Derivation()
        xh = standardise(xs, eps)
        d.define(sp.Symbol("x̂ᵢ"), (sp.Symbol("x_i") - sp.Symbol("μ_B")) / sp.sqrt(sp.Symbol("σ_B") ** 2 + eps),
                 "BatchNorm's standardisation; first for a symbolic batch x₁, …, x₄ (m = 4)")
        d.equal(mean(xh), 0, "the mean of the standardised batch (m = 4)")
        spread = central_moment(xs, 2)
        d.equal(central_moment(xh, 2), spread / (spread + eps), "its biased variance (m = 4)")
        hs = [symbol(f"h{k}") for k in range(1, 4)]
        hs.append(-sp.Add(*hs))  # standardised values h₁…h₄ with mean 0, as just shown
        ys = [gamma * v + beta for v in hs]
        d.equal(mean(ys), beta, "after the learnable affine map y = γx̂ + β (x̂ = h, mean 0): mean β")
        d.equal(central_moment(ys, 2), gamma ** 2 * central_moment(hs, 2), "and variance γ²·Var(x̂)")
        self._general_m(d)
        d.equal(1 - var_sym / (var_sym + eps), eps / (var_sym + eps), "1 − σ²/(σ² + ε), with σ² = s ≥ 0")
        d.holds(eps / (var_sym + eps), ">", 0, "so the variance σ²/(σ² + ε) is strictly below 1 for ε > 0")
        d.note(r"The seed's '方差为 1' is approximate: the variance is $\sigma_B^2/(\sigma_B^2 + \varepsilon)$, "
               r"≈ 1 only when $\sigma_B^2$ ≫ ε (0 for a constant batch), and after γ, β it is "
               r"$\gamma^2\sigma_B^2/(\sigma_B^2 + \varepsilon)$.",
               "from the two identities above")
        self._shape(d)
        return d

    @staticmethod
    def _general_m(d):
        """Mean 0 and variance σ²/(σ² + ε) for a batch of any size m (SymPy Sum)."""
        centre = sp.Sum(X[i], (i, 1, m)) / m
        spread = sp.Sum((X[i] - centre) ** 2, (i, 1, m)) / m
        xh = (X[i] - centre) / sp.sqrt(spread + eps)
        deviations = sp.Sum(X[i] - centre, (i, 1, m))
        d.equal(sp.Sum(xh, (i, 1, m)) / m, deviations / (m * sp.sqrt(spread + eps)),
                r"general m: $\sqrt{\sigma_B^2 + \varepsilon}$ does not depend on i and leaves the sum")
        total, repeated = sp.Sum(X[i], (i, 1, m)), sp.Sum(centre, (i, 1, m))
        d.equal(deviations, total - repeated, "linearity of Σ")
        summed = repeated.doit()
        d.define(repeated, summed, r"$\sum_{i=1}^m \mu_B = m \cdot \mu_B$ ($\mu_B$ does not depend on i)")
        d.equal(total - summed, 0, r"so $\sum_i (x_i - \mu_B) = 0$")
        d.equal((deviations / (m * sp.sqrt(spread + eps))).xreplace({deviations: sp.S.Zero}), 0,
                "so the mean of x̂ is 0 for every m")
        d.equal(sp.Sum(xh ** 2, (i, 1, m)) / m, spread / (spread + eps),
                r"general m: $(1/m)\sum_i \hat x_i^2 = \sigma_B^2/(\sigma_B^2 + \varepsilon)$")

    @staticmethod
    def _shape(d):
        """Skewness is unchanged by x ↦ a·x + b (a > 0); {0, 0, 0, 1} refutes normality."""
        zs = [scale * v + shift for v in xs]
        d.equal(central_moment(zs, 2), scale ** 2 * central_moment(xs, 2), "m₂(a·x + b) = a²·m₂(x)")
        d.equal(central_moment(zs, 3), scale ** 3 * central_moment(xs, 3), "m₃(a·x + b) = a³·m₃(x)")
        m2, m3 = symbol("M2", positive=True), symbol("M3")
        d.equal(scale ** 3 * m3 / (scale ** 2 * m2) ** sp.Rational(3, 2), m3 / m2 ** sp.Rational(3, 2),
                r"$\operatorname{skew}(a \cdot x + b) = a^3 m_3/(a^2 m_2)^{3/2} = m_3/m_2^{3/2} = \operatorname{skew}(x)$ "
                "for a > 0")
        batch = [sp.Integer(v) for v in (0, 0, 0, 1)]
        xh = [v.subs(dict(zip(xs, batch))) for v in standardise(xs, eps)]
        d.define(sp.Symbol(r"$\hat x(\{0, 0, 0, 1\})$"), sp.Tuple(*xh), r"the batch $\{0, 0, 0, 1\}$ standardised")
        d.define(sp.Symbol("distinct values"), sp.Integer(len(set(xh))),
                 "a two-point batch: mass 3/4 on one value, 1/4 on the other")
        batch_skew = skewness(batch)
        d.define(sp.Symbol(r"$\operatorname{skew}(\{0, 0, 0, 1\})$"), batch_skew,
                 r"$m_3/m_2^{3/2} = (3/32)/(3/16)^{3/2}$")
        d.equal(skewness(xh), batch_skew, "the standardised batch has the same skewness, whatever ε > 0")
        t = symbol("t")
        normal_skew = sp.diff(sp.exp(t ** 2 / 2), t, 3).subs(t, 0)
        d.define(sp.Symbol("skew(N(0, 1))"), normal_skew,
                 r"E[Z³] = M‴(0) with $M(t) = e^{t^2/2}$, the moment generating function of N(0, 1) (m₂ = 1)")
        d.refuted_by(sp.Ne(batch_skew, normal_skew),
                     r"standardising leaves the batch skewed ($2\sqrt{3}/3 \ne 0$): BatchNorm does not produce "
                     "a normal distribution")

    def evidence(self):
        rng = np.random.default_rng(0)
        batches = rng.exponential(size=(2000, 64)) * rng.uniform(0.1, 10, (2000, 1)) + rng.normal(0, 5, (2000, 1))
        centre, spread = batches.mean(axis=1, keepdims=True), batches.var(axis=1, keepdims=True)
        xh = (batches - centre) / np.sqrt(spread + EPS)
        mean_err = float(np.abs(xh.mean(axis=1)).max())
        target = (spread / (spread + EPS)).ravel()
        var_err = float(np.abs(xh.var(axis=1) - target).max())

        def skew(a):
            c = a - a.mean(axis=1, keepdims=True)
            return (c ** 3).mean(axis=1) / (c ** 2).mean(axis=1) ** 1.5
        skew_err = float(np.abs(skew(xh) - skew(batches)).max())
        two_point = (np.array([[0.0, 0.0, 0.0, 1.0]]) - 0.25) / np.sqrt(3 / 16 + EPS)
        distinct = np.unique(two_point).size
        moments = Evidence(
            "random batches (float64)", batches.size, max(mean_err, var_err), var_err, "atol 1e-12",
            mean_err < 1e-12 and var_err < 1e-12,
            f"2000 exponential batches of 64 (seed 0), ε = {EPS:g}: max |mean x̂| = {mean_err:.2g}, "
            f"max |var x̂ − σ²/(σ²+ε)| = {var_err:.2g}")
        shape = Evidence(
            "skewness before and after (float64)", batches.shape[0], skew_err, skew_err, "atol 1e-9",
            skew_err < 1e-9 and distinct == 2 and float(skew(batches).mean()) > 1.0,
            f"max |skew x̂ − skew x| = {skew_err:.2g}; mean batch skewness {float(skew(batches).mean()):.3f} "
            f"(far from a normal's 0); $\\{{0, 0, 0, 1\\}}$ standardises to {distinct} distinct values")
        return [moments, shape]


w = symbol("w")
mu = symbol("mu")
z = symbol("z")


def phi(v):
    """The N(0, 1) density."""
    return sp.exp(-v ** 2 / 2) / sp.sqrt(2 * sp.pi)


def _sigmoid_slope(v):
    """σ′(v) = e^{−|v|}/(1 + e^{−|v|})², stable for large |v|."""
    e = np.exp(-np.abs(v))
    return e / (1 + e) ** 2


def _sigmoid_curvature(v):
    """σ″(v) = σ′(v)·(1 − 2σ(v)) = −σ′(v)·tanh(v/2)."""
    return -_sigmoid_slope(v) * np.tanh(v / 2)


HERMITE_Z, HERMITE_W = np.polynomial.hermite_e.hermegauss(200)
HERMITE_W = HERMITE_W / np.sqrt(2 * np.pi)   # ∫f(z)φ(z)dz ≈ Σ wₖ f(zₖ)


def gauss_hermite(f, centres):
    """E[f(μ + Z)], Z ~ N(0, 1), for each μ in ``centres`` (200-node Gauss–Hermite)."""
    centres = np.asarray(centres, dtype=np.float64)
    return f(centres[..., None] + HERMITE_Z) @ HERMITE_W


def expected_slope_mp(centre, dps=20):
    """g(μ) = ∫σ′(μ + z)φ(z)dz by mpmath quadrature at ``dps`` digits.

    σ′(v) = 1/(4cosh²(v/2)); the tails beyond |z| = 14 weigh less than φ(14) < 1e-42.
    """
    with mpmath.workdps(dps):
        c = mpmath.mpf(centre)
        k = 1 / mpmath.sqrt(2 * mpmath.pi)
        integrand = lambda t: k * mpmath.exp(-t * t / 2) / (4 * mpmath.cosh((c + t) / 2) ** 2)
        return mpmath.quad(integrand, [-14, -c, 14] if c else [-14, 0, 14])


class BatchNormSigmoidGradient(Proof):
    id = "batchnorm-sigmoid-gradient"
    section = "3(4) 解决梯度问题"
    title = "Centred inputs maximise the expected sigmoid gradient"
    quote = ("**防止梯度下降原理**：因为在均值为0，方差为 1 的正态分布区间中，激活函数的变化较为敏感，"
             "也就是输入一个小变化就可能会导致梯度的变化较大，从而引起损失函数变化较大。"
             " … **防止梯度爆炸原理**：正则化后的输入值所在区域的梯度小于1。")
    statement = ("For z ~ N(μ, 1), g(μ) = E[σ′(z)] = ∫σ′(μ + z)φ(z)dz satisfies g(−μ) = g(μ) and g′(μ) < 0 "
                 "for μ > 0: the expected gradient is largest (≈ 0.2066) for inputs centred at 0. "
                 "σ′ ≤ 1/4 < 1 everywhere, and σ″(0) = 0.")
    erratum = True
    why_wrong = ("It names the wrong problem (梯度下降 for 梯度消失) and the wrong mechanism: near 0 the slope σ′ is "
                 "largest, so the expected gradient E[σ′(z)] is greatest for centred inputs, while the gradient "
                 "itself changes least there (σ″(0) = 0); and σ′ ≤ 1/4 < 1 for every input, so 'a gradient below 1 "
                 "in the normalised region' explains nothing about exploding gradients.")
    correction = ("防止梯度消失 (vanishing, not 梯度下降): near 0 the sigmoid's slope σ′ is largest, so the "
                  "expected gradient E[σ′(z)] is maximal for centred inputs; the gradient itself changes "
                  "least there (σ″(0) = 0). σ′ ≤ 1/4 < 1 holds for every input, so 'gradient < 1 in the "
                  "normalised region' does not explain BatchNorm's effect on exploding gradients.")

    def derive(self):
        d = Derivation()
        slope = derivative(sigmoid(w), w)
        curvature = derivative(slope, w)
        d.define(sp.Symbol("g(μ)"), sp.Integral(slope.subs(w, mu + z) * phi(z), (z, -sp.oo, sp.oo)),
                 "E[σ′(z)] for z = μ + Z, Z ~ N(0, 1)")
        d.equal(slope.subs(w, -w), slope, "σ′ is even")
        d.equal(phi(-z), phi(z), "φ is even")
        integrand = lambda c, v: slope.subs(w, c + v) * phi(v)
        d.equal(integrand(-mu, -z), integrand(mu, z),
                "so after z ↦ −z (dz on ℝ is symmetric) g(−μ) = ∫σ′(−μ − z)φ(−z)dz = g(μ): g is even")
        d.equal(curvature, slope * (1 - 2 * sigmoid(w)), "σ″ = σ′·(1 − 2σ)")
        d.equal(1 - 2 * sigmoid(w), -sp.tanh(w / 2), "1 − 2σ(w) = −tanh(w/2)")
        d.equal(curvature.subs(w, -w), -curvature, "σ″ is odd")
        logistic = sp.exp(-w) / (1 + sp.exp(-w)) ** 2
        d.equal(slope, logistic, r"$\sigma'(w) = e^{-w}/(1 + e^{-w})^2$")
        d.holds(logistic, ">", 0, "σ′ > 0 everywhere")
        d.holds(-sp.tanh(w / 2), "<", 0, "and 1 − 2σ(w) < 0 for w > 0, so σ″(w) < 0 for w > 0",
                assume={"w": POSITIVE})
        d.note("g′(μ) = ∫σ″(μ + z)φ(z)dz = ∫σ″(w)φ(w − μ)dw (w = μ + z; differentiating under the "
               r"integral is allowed: |σ″| ≤ $1/(6\sqrt{3})$ and φ is integrable); split at w = 0 and map w ↦ −w "
               "on the negative half-line:", "change of variables")
        d.equal(curvature * phi(w - mu) + curvature.subs(w, -w) * phi(-w - mu),
                curvature * phi(w - mu) * (1 - sp.exp(-2 * w * mu)),
                r"$g'(\mu) = \int_0^\infty \sigma″(w) \varphi(w - \mu)(1 - e^{-2w\mu})\,dw$, using σ″(−w) = −σ″(w) and "
                r"$\varphi(w + \mu)/\varphi(w - \mu) = e^{-2w\mu}$")
        d.equal(phi(w + mu) / phi(w - mu), sp.exp(-2 * w * mu), "the ratio of the two Gaussian factors")
        d.equal((w + mu) ** 2 - (w - mu) ** 2, 4 * w * mu, "the exponents differ by (w + μ)² − (w − μ)² = 4wμ")
        d.holds(4 * w * mu, ">", 0, r"> 0 for w, μ > 0, so $e^{-2w\mu} < 1$ (exp is increasing)",
                assume={"w": POSITIVE, "mu": POSITIVE})
        d.note(r"For μ > 0 the folded integrand is $(\sigma″(w) < 0) \cdot (\varphi > 0) \cdot (1 - e^{-2w\mu} > 0) < 0$ "
               "on w > 0, so "
               "g′(μ) < 0; by evenness g′(μ) > 0 for μ < 0. Hence g has its unique maximum at μ = 0 and "
               "decreases as |μ| grows: centring the inputs (BatchNorm) maximises the expected σ′.",
               "sign of the integrand")
        d.equal(curvature.subs(w, 0), 0, "σ″(0) = 0: near 0 the gradient σ′ itself barely changes")
        d.equal(sp.Rational(1, 4) - slope, (1 - 2 * sigmoid(w)) ** 2 / 4, "1/4 − σ(1 − σ) = (1 − 2σ)²/4")
        d.holds(sp.tanh(w / 2) ** 2 / 4, ">=", 0,
                "(1 − 2σ)²/4 = tanh²(w/2)/4 ≥ 0 by the identity above: σ′ ≤ 1/4 < 1 for every input, "
                "not only in the normalised region")
        d.note("The seed's heading '防止梯度下降原理' means 防止梯度消失 (vanishing gradients). Its reason "
               "('a small input change makes the gradient change a lot') mixes up σ′ and σ″: what is large "
               "near 0 is the slope σ′ (the output's sensitivity), while σ″(0) = 0. Its '梯度爆炸' reason, "
               "gradient < 1 in the normalised region, holds for the sigmoid at every input (σ′ ≤ 1/4), so "
               "it is no argument for BatchNorm.", "typo and imprecise reasoning")
        return d

    def evidence(self):
        centres = [0.0, 0.5, 1.0, 2.0, 3.0, 4.0]
        quad = [expected_slope_mp(c) for c in centres]
        hermite = gauss_hermite(_sigmoid_slope, centres)
        err = max(abs(float(q) - float(h)) for q, h in zip(quad, hermite))
        falling = all(a > b for a, b in zip(quad, quad[1:]))
        shown = ", ".join(f"g({c:g}) = {float(q):.6f}" for c, q in zip(centres, quad))
        values = Evidence("mpmath quadrature (20 digits) vs Gauss–Hermite (200 nodes)", len(centres), err,
                          err / float(quad[-1]), "atol 1e-12, and strictly decreasing", err < 1e-12 and falling,
                          shown)
        grid = np.linspace(-6, 6, 1201)
        g = gauss_hermite(_sigmoid_slope, grid)
        even_err = float(np.abs(g - g[::-1]).max())
        slope_right = gauss_hermite(_sigmoid_curvature, grid[grid > 0])
        evenness = Evidence("Gauss–Hermite on μ ∈ [−6, 6], step 0.01", grid.size, even_err, even_err,
                            "atol 1e-14; g′ < 0 on μ > 0", even_err < 1e-14 and bool(np.all(slope_right < 0)),
                            f"max |g(μ) − g(−μ)| = {even_err:.2g}; max g′ on μ > 0 is {float(slope_right.max()):.3g}")
        derivative_check = check_gradient(
            lambda pts: gauss_hermite(_sigmoid_slope, pts[mu]),
            lambda pts: {mu: gauss_hermite(_sigmoid_curvature, pts[mu])},
            mu, [mu], n=100, domains={mu: sp.Interval(-5, 5)})
        monte_carlo = check_expectation(lambda rng, n: _sigmoid_slope(1.0 + rng.standard_normal(n)),
                                        float(quad[2]), n=400_000, seed=1)
        return [values, evenness, derivative_check, monte_carlo]
