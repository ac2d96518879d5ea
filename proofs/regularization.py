"""L1 and L2 regularisation: the sign of the penalty, its gradient, its name.

Seed section: 3(3) 过拟合和欠拟合 (over- and underfitting), the paragraphs on 正则化.

Main statements
- ``l1-sign``: the seed's real_loss = loss − Σ|wᵢ| rewards large weights and is
  unbounded below; the L1 penalty is + λΣ|wᵢ|, λ > 0.
- ``l2-sign``: the same for real_loss = loss − Σwᵢ²; the L2 penalty is + λΣwᵢ².
- ``l1-l2-gradients``: ∂(λ|w|)/∂w = λ·sign(w) (w ≠ 0, subdifferential [−λ, λ]
  at 0), ∂(λw²)/∂w = 2λw; an L2 gradient step is weight decay by 1 − 2αλ.
- ``l2-stronger``: "L2 惩罚力度更强" is false for |w| < 1: w² ≥ |w| ⇔ |w| ≥ 1 or
  w = 0; near 0 the L1 gradient stays λ while the L2 gradient 2λw vanishes,
  so L1 zeroes weights (sparsity) and L2 only shrinks them.
- ``l2-norm-name``: Σwᵢ² is the squared L2 norm, not a norm; ‖w‖₂ = √(Σwᵢ²).

Notation
loss is the unregularised objective, λ > 0 the penalty weight, α the learning
rate, G = ∂loss/∂w.  One-weight examples use softplus(−w), the logistic loss
of one example with label 1 and input 1, and the quadratic loss (w − 1)².

Implementation notes
The seed's objectives are refuted by exact limits (``sp.limit`` → −∞) and by
counterexamples to a lower bound that the claim verifier confirms in mpmath.
The corrections are shown by SymPy's sign rules (λ|w| ≥ 0, λw² ≥ 0), by
completing the square, and by the global-minimum argument of
:mod:`derive.extrema`.  Derivatives come from the rule table; w > 0 and w < 0
are handled with signed symbols, so sign(w) evaluates.  Numerically: gradient
descent on the seed's and the corrected objectives (divergence versus
convergence to the closed-form minimiser), finite differences, sampled
relations, and a grid search for the L1 / L2 minimisers.

References
Goodfellow, Bengio, Courville, *Deep Learning* (2016), §7.1 (parameter norm
penalties, eq. 7.1–7.5 and §7.1.2 on L1 sparsity); Tibshirani (1996), the
lasso; the d2l textbook, §3.7 (weight decay).
"""
import numpy as np
import sympy as sp

from derive import softplus
from derive.ops import to_elementary
from derive.catalogue import Derivation, Proof
from derive.render.figures import Figure
from derive.numeric import Evidence, check_gradient, check_relation, check_values
from derive.extrema import extremum
from derive.lang import Domain
from derive.ops import derivative
from derive.symbols import symbol

SECTION = "3(3) 过拟合和欠拟合"
w, v, G, loss = symbol("w"), symbol("v"), symbol("G"), symbol("loss")
w1, w2, w3 = symbol("w_1"), symbol("w_2"), symbol("w_3")
lam, alpha = symbol("lambda", positive=True), symbol("alpha", positive=True)
w_pos, w_neg = symbol("w", positive=True), symbol("w", negative=True)
c_pos, c = symbol("c", positive=True), symbol("c")
POSITIVE = Domain(sp.Interval.open(0, sp.oo))
WEIGHTS = (w1, w2, w3)
EXAMPLE_LAMBDA = sp.Rational(1, 10)


def _descent(grad, w0, rate, steps):
    """Plain gradient descent on one weight; the iterates, as a float64 array."""
    path = [float(w0)]
    for _ in range(steps):
        path.append(path[-1] - rate * grad(path[-1]))
    return np.array(path)


def _diverges(name, objective, grad, rate):
    """Evidence that gradient descent on the seed's objective runs off to −∞."""
    path = _descent(grad, 0.5, rate, 1000)
    values = objective(path)
    falling = bool(np.all(np.diff(values) < 0))
    ok = falling and values[-1] < -100 and path[-1] > 100
    return Evidence("gradient descent (seed objective)", path.size - 1, float(-values[-1]), float("inf"),
                    "objective < −100 and strictly falling", ok,
                    f"{name}: w₀ = 0.5, α = {rate}; after 1000 steps w = {path[-1]:.6g}, "
                    f"objective {values[-1]:.6g}, " + ("strictly falling" if falling else "not strictly falling"))


def _converges(name, grad, target, rate):
    """Evidence that gradient descent on the corrected objective reaches its minimiser."""
    path = _descent(grad, 0.5, rate, 2000)
    err = abs(path[-1] - target)
    return Evidence("gradient descent (corrected objective)", path.size - 1, err, err / abs(target),
                    "|w − w*| ≤ 1e-9", err <= 1e-9,
                    f"{name}: w₀ = 0.5, α = {rate}; w after 2000 steps {float(path[-1])!r}, minimiser {target!r}")


class L1Sign(Proof):
    id = "l1-sign"
    section = SECTION
    title = "The L1 penalty is added, not subtracted"
    quote = r"$$real\_loss=loss-\sum_i |w_i|$$"
    statement = (r"With $\text{real\_loss} = \text{loss} - \sum_i |w_i|$ the added term is ≤ 0, so it lowers the objective for every "
                 "nonzero weight; for the logistic loss softplus(−w) the objective softplus(−w) − |w| → −∞ as "
                 "w → ∞, so minimising it drives |w| to infinity. The L1-regularised loss is "
                 "loss + λΣᵢ|wᵢ| (λ > 0): it is ≥ loss, hence bounded below by inf loss.")
    expected = "refuted"
    erratum = True
    why_wrong = ("Subtracting Σ|wᵢ| rewards large weights instead of penalising them: for the logistic loss, "
                 "softplus(−w) − |w| → −∞ as w → ∞, so the objective has no minimum; the penalty must be added, "
                 "loss + λΣ|wᵢ|.")
    correction = r"$\text{real\_loss} = \text{loss} + \lambda \sum_i |w_i|$ with a hyperparameter λ > 0 (a penalty, added)."

    def derive(self):
        d = Derivation()
        seed = softplus(-w) - sp.Abs(w)
        d.define(sp.Function("real_loss")(w), seed, "the seed's formula, one weight, loss = softplus(−w)")
        d.holds(seed, "<=", softplus(-w), "the seed's 'penalty' −|w| never raises the loss")
        slope = derivative(seed, w)
        d.define(sp.Derivative(seed, w), slope, "rule table")
        d.holds(to_elementary(slope.subs(w, w_pos)), "<", 0,
                r"for w > 0 the seed's objective falls as w grows ($\sigma(-w) = 1/(1 + e^w)$): large weights are rewarded")
        limit = sp.limit(seed, w, sp.oo)
        d.define(sp.Limit(seed, w, sp.oo), limit, "SymPy's limit")
        d.refuted_by(sp.Eq(limit, -sp.oo), "the seed's objective is unbounded below: no minimiser exists")
        d.refute(seed, ">=", -10, "a lower bound that any usable objective would satisfy")
        # the correction
        weights = sum(sp.Abs(wi) for wi in WEIGHTS)
        d.holds(loss + lam * weights, ">=", loss, "λΣ|wᵢ| ≥ 0: the penalty only adds",
                assume={"lambda": POSITIVE})
        fixed = softplus(-w) + EXAMPLE_LAMBDA * sp.Abs(w)
        best = extremum(fixed, w, kind="min")
        d.extend(best.steps)
        d.holds(best.value, ">", 0, "the corrected objective (λ = 1/10) tends to ∞ at both ends and is "
                "bounded below by this minimum")
        d.equal(best.points[0], sp.log(9), "the minimiser solves σ(−w) = λ: w* = log(1/λ − 1)")
        return d

    def evidence(self):
        sig = lambda t: 0.5 * (1 + np.tanh(t / 2))
        sp_neg = lambda t: np.logaddexp(0, -t)
        seed_grad = lambda t: -sig(-t) - np.sign(t)
        fixed_grad = lambda t: -sig(-t) + 0.1 * np.sign(t)
        return [_diverges("softplus(−w) − |w|", lambda t: sp_neg(t) - np.abs(t), seed_grad, 0.1),
                _converges("softplus(−w) + |w|/10", fixed_grad, float(np.log(9)), 0.5),
                check_gradient(softplus(-w) + lam * sp.Abs(w), {w: derivative(softplus(-w) + lam * sp.Abs(w), w)},
                               w, [w, lam], n=200)]


class L2Sign(Proof):
    id = "l2-sign"
    section = SECTION
    title = "The L2 penalty is added, not subtracted"
    quote = r"$$real\_loss=loss-\sum_i {w_i}^2$$"
    statement = (r"With $\text{real\_loss} = \text{loss} - \sum_i w_i^2$ even the convex quadratic loss (w − 1)² becomes "
                 "(w − 1)² − w² = 1 − 2w, unbounded below. The L2-regularised loss loss + λΣᵢwᵢ² (λ > 0) is "
                 "≥ loss; for (w − 1)² it equals (1 + λ)(w − 1/(1 + λ))² + λ/(1 + λ): strictly convex, "
                 "bounded below, minimised at w* = 1/(1 + λ), shrunk towards 0.")
    expected = "refuted"
    erratum = True
    why_wrong = ("Subtracting Σwᵢ² makes even the convex loss (w − 1)² unbounded below, (w − 1)² − w² = 1 − 2w, so "
                 "the penalty must be added, loss + λΣwᵢ².")
    correction = r"$\text{real\_loss} = \text{loss} + \lambda \sum_i w_i^2$ with λ > 0 (weight decay)."

    def derive(self):
        d = Derivation()
        quad = (w - 1) ** 2
        seed = quad - w ** 2
        d.equal(seed, 1 - 2 * w, "expand: the seed's objective for loss (w − 1)² is linear")
        limit = sp.limit(seed, w, sp.oo)
        d.define(sp.Limit(seed, w, sp.oo), limit, "SymPy's limit")
        d.refuted_by(sp.Eq(limit, -sp.oo), "the seed's objective is unbounded below, so it has no minimiser")
        d.refute(seed, ">=", -10, "a lower bound that any usable objective would satisfy")
        # the correction
        d.holds(loss + lam * sum(wi ** 2 for wi in WEIGHTS), ">=", loss, "λΣwᵢ² ≥ 0: the penalty only adds",
                assume={"lambda": POSITIVE})
        fixed = quad + lam * w ** 2
        square = (1 + lam) * (w - 1 / (1 + lam)) ** 2 + lam / (1 + lam)
        d.equal(fixed, square, "complete the square")
        d.holds(square, ">", 0, "bounded below (by λ/(1 + λ), attained at w = 1/(1 + λ))")
        d.holds(sp.diff(fixed, w, 2), ">", 0, "second derivative 2 + 2λ > 0: strictly convex")
        d.holds(1 / (1 + lam), "<", 1, "the minimiser 1/(1 + λ) is shrunk towards 0 from the unpenalised 1",
                assume={"lambda": POSITIVE})
        d.note("for any convex loss, loss + λΣwᵢ² has Hessian ∇²loss + 2λI ≻ 0, so it is strictly convex",
               "a positive semidefinite matrix plus 2λI is positive definite")
        return d

    def evidence(self):
        return [_diverges("(w − 1)² − w²", lambda t: 1 - 2 * t, lambda t: -2.0 + 0 * t, 0.1),
                _converges("(w − 1)² + w²/2", lambda t: 2 * (t - 1) + t, 2 / 3, 0.1),
                check_relation((w - 1) ** 2 + lam * w ** 2, lam / (1 + lam), ">=", [w, lam], n=400,
                               domains={lam: POSITIVE})]


class L1L2Gradients(Proof):
    id = "l1-l2-gradients"
    section = SECTION
    title = "Gradients of the L1 and L2 penalties; L2 is weight decay"
    quote = "正则化通过在损失函数中添加权重的惩罚，使得权重不能变化过大"
    statement = ("∂(λ|w|)/∂w = λ·sign(w) for w ≠ 0, with one-sided derivatives ±λ at 0 (subdifferential "
                 "[−λ, λ], which contains the rule table's sign(0) = 0); ∂(λΣᵢwᵢ²)/∂wⱼ = 2λwⱼ; a gradient step "
                 "on loss + λw² is w ← w − α(G + 2λw) = (1 − 2αλ)w − αG (decay by 1 − 2αλ), on loss + λ|w| "
                 "it is w ← w − αλ·sign(w) − αG (a constant pull towards 0).")

    def derive(self):
        d = Derivation()
        l1 = derivative(lam * sp.Abs(w), w)
        d.define(sp.Derivative(lam * sp.Abs(w), w), l1, "rule table: |·|′ = sign")
        d.equal(l1.subs(w, w_pos), lam, "w > 0: sign(w) = 1")
        d.equal(l1.subs(w, w_neg), -lam, "w < 0: sign(w) = −1")
        right = sp.limit(lam * sp.Abs(v) / v, v, 0, "+")
        left = sp.limit(lam * sp.Abs(v) / v, v, 0, "-")
        d.equal(right, lam, "SymPy's limit of (λ|h| − 0)/h as h → 0⁺: the right derivative at 0")
        d.equal(left, -lam, "SymPy's limit as h → 0⁻: the left derivative at 0")
        d.note("so the subdifferential of λ|w| at 0 is [−λ, λ]; the rule table's λ·sign(0) = 0 lies in it",
               "for a convex function of one variable the subdifferential is [left, right derivative]")
        penalty = lam * sum(wi ** 2 for wi in WEIGHTS)
        for wi in WEIGHTS:
            d.equal(derivative(penalty, wi), 2 * lam * wi,
                    rf"rule table: $\partial(\lambda \sum_i w_i^2) / \partial {wi}$ only sees ${wi}^2$")
        step_l2 = w - alpha * (G + derivative(lam * w ** 2, w))
        d.equal(step_l2, (1 - 2 * alpha * lam) * w - alpha * G, "collect w: weight decay by the factor 1 − 2αλ")
        step_l1 = w_pos - alpha * (G + l1.subs(w, w_pos))
        d.equal(step_l1, w_pos - alpha * lam - alpha * G, "w > 0: every L1 step pulls by the constant αλ")
        return d

    def evidence(self):
        mu = symbol("mu", positive=True)
        f = softplus(-w) + lam * sp.Abs(w) + mu * w ** 2
        step = lambda pts: {w: pts[w] - pts[alpha] * (pts[G] + 2 * pts[lam] * pts[w])}
        return [check_gradient(f, {w: derivative(f, w)}, w, [w, lam, mu], n=300),
                check_gradient(lam * sum(wi ** 2 for wi in WEIGHTS), {wi: 2 * lam * wi for wi in WEIGHTS},
                               list(WEIGHTS), [*WEIGHTS, lam], n=200),
                check_values(lambda pts: step(pts)[w], (1 - 2 * alpha * lam) * w - alpha * G,
                             [w, G, alpha, lam], n=300)]


def penalties_figure(fig):
    """|w| and w² on [−2, 2]: |w| is larger for |w| < 1, w² for |w| > 1."""
    ax = fig.add_subplot()
    w = np.linspace(-2, 2, 401)
    ax.plot(w, np.abs(w), label="L1 penalty |w|")
    ax.plot(w, w ** 2, label="L2 penalty w²")
    ax.fill_between(w, w ** 2, np.abs(w), where=np.abs(w) <= 1, color="C0", alpha=0.2,
                    label="|w| > w²  (0 < |w| < 1)")
    ax.fill_between(w, np.abs(w), w ** 2, where=np.abs(w) >= 1, color="C1", alpha=0.2,
                    label="w² > |w|  (|w| > 1)")
    ax.plot([-1, 0, 1], [1, 0, 1], "o", color="k", ms=4, zorder=3)
    ax.annotate("equal at |w| = 1", xy=(1, 1), xytext=(0.25, 2.6), arrowprops=dict(arrowstyle="->"))
    ax.set(xlim=(-2, 2), ylim=(-0.1, 4.1), xlabel="weight w", ylabel="penalty",
           title="The L1 and L2 penalties of one weight")
    ax.legend(loc="upper center", ncol=2, bbox_to_anchor=(0.5, -0.2))


class L2Stronger(Proof):
    id = "l2-stronger"
    section = SECTION
    title = "L2 is not a stronger L1: w² < |w| for 0 < |w| < 1"
    quote = "他发挥的功能与 $L_1$ 正则化相同，只不过惩罚力度更强。"
    statement = ("The claim 'the L2 penalty is stronger', w² ≥ |w| for all w, is false: w² ≥ |w| exactly when "
                 "|w| ≥ 1 or w = 0, and w² < |w| for 0 < |w| < 1. Near 0 the L1 gradient keeps size λ while "
                 "the L2 gradient 2λw → 0 (their ratio is 2|w|), so L1 sets weights exactly to 0: "
                 "argmin ½(w − ½)² + |w| = 0, while argmin ½(w − ½)² + w² = 1/6 ≠ 0.")
    expected = "refuted"
    erratum = True
    why_wrong = ("w² ≥ |w| fails for 0 < |w| < 1, where the L1 penalty is the larger, and near 0 the L1 gradient "
                 "keeps its size while the L2 gradient 2λw fades, so L1 sets weights to exactly 0 and L2 does not: "
                 "L2 is not a stronger L1.")
    correction = ("The two penalties act differently: w² ≥ |w| only for |w| ≥ 1; for small weights L1 penalises "
                  "more and, with its constant-size gradient, drives weights to exactly 0 (sparsity), while L2 "
                  "shrinks every weight proportionally (weight decay) without zeroing it.")
    figures = (Figure(
        "penalties",
        "The penalties |w| and w² cross at |w| = 1: for small weights (0 < |w| < 1) the L1 penalty is "
        "the larger, for large weights the L2 one, so L2 is not simply a stronger L1.",
        penalties_figure),)

    def derive(self):
        d = Derivation()
        d.refute(w ** 2, ">=", sp.Abs(w), "the seed's 'stronger penalty' read for every weight")
        region = sp.solveset(w ** 2 - sp.Abs(w) >= 0, w, sp.S.Reals)
        d.define(sp.Symbol(r"$\{w : w^2 \ge |w|\}$"), region, "SymPy solves the inequality over the reals")
        d.holds(w ** 2, ">=", sp.Abs(w), "w ≥ 1: L2 penalises more", assume={"w": Domain(sp.Interval(1, sp.oo))})
        d.holds(w ** 2, "<", sp.Abs(w), "0 < w < 1: L1 penalises more", assume={"w": Domain(sp.Interval.open(0, 1))})
        d.equal((-w) ** 2 - sp.Abs(-w), w ** 2 - sp.Abs(w), "both penalties are even: w ≤ −1 and −1 < w < 0 "
                "follow from the two cases above")
        ratio = (derivative(lam * w ** 2, w) / derivative(lam * sp.Abs(w), w)).subs(w, w_pos)
        d.equal(ratio, 2 * w_pos, "w > 0: L2 gradient over L1 gradient")
        d.define(sp.Limit(ratio, w_pos, 0), sp.limit(ratio, w_pos, 0, "+"), "SymPy's limit: the L2 pull dies out near 0")
        half = sp.Rational(1, 2)
        lasso = extremum(half * (w - half) ** 2 + sp.Abs(w), w, kind="min")
        d.extend(lasso.steps)
        d.equal(lasso.points[0], 0, "L1 (λ = 1): the minimiser is exactly 0, a sparse weight")
        ridge = extremum(half * (w - half) ** 2 + w ** 2, w, kind="min")
        d.extend(ridge.steps)
        d.equal(ridge.points[0], sp.Rational(1, 6), "L2 (λ = 1): shrunk to a/(1 + 2λ) = 1/6, not 0")
        d.note("so the two penalties do not 'have the same function': L1 selects weights, L2 shrinks them",
               "soft thresholding sign(a)·max(|a| − λ, 0) versus a/(1 + 2λ)")
        return d

    def evidence(self):
        rng = np.random.default_rng(0)
        a, lam_ = rng.uniform(-2, 2, 100), rng.uniform(0.1, 1.5, 100)
        grid = np.arange(-30_000, 30_001) / 10_000  # step 1e-4, contains 0 exactly
        l1 = grid[np.argmin(0.5 * (grid[None, :] - a[:, None]) ** 2 + lam_[:, None] * np.abs(grid), axis=1)]
        l2 = grid[np.argmin(0.5 * (grid[None, :] - a[:, None]) ** 2 + lam_[:, None] * grid ** 2, axis=1)]
        soft, shrink = np.sign(a) * np.maximum(np.abs(a) - lam_, 0), a / (1 + 2 * lam_)
        err = float(max(np.abs(l1 - soft).max(), np.abs(l2 - shrink).max()))
        zeros = int(np.sum(l1 == 0)), int(np.sum(l2 == 0))
        return [check_relation(w ** 2, sp.Abs(w), ">=", [w], domains={w: Domain(sp.Interval(1, 50))}),
                check_relation(w ** 2, sp.Abs(w), "<", [w], domains={w: Domain(sp.Interval.open(0, 1))}),
                Evidence("grid search", a.size, err, float("inf"), "within half the grid step", err <= 0.5e-4 + 1e-12,
                         f"argmin ½(w−a)² + λ|w| = soft threshold and argmin ½(w−a)² + λw² = a/(1+2λ) for 100 "
                         f"seeded (a, λ) (seed 0); exact zeros: L1 {zeros[0]}, L2 {zeros[1]}")]


class L2NormName(Proof):
    id = "l2-norm-name"
    section = SECTION
    title = "Σwᵢ² is the squared L2 norm"
    quote = r"而 $\sum_i {w_i}^2$ 是平方之和，称为 **$L_2$ 范数**"
    statement = ("N(w) = Σᵢwᵢ² is not a norm: N(2w) = 4N(w) ≠ 2N(w) (no absolute homogeneity) and "
                 "N(a + b) ≤ N(a) + N(b) fails (a = b = 1). The L2 norm is ‖w‖₂ = √(Σᵢwᵢ²), with "
                 "‖cw‖₂ = |c|·‖w‖₂ and the Cauchy–Schwarz (Lagrange) identity behind its triangle inequality; "
                 "Σwᵢ² = ‖w‖₂². The L1 statement (Σ|wᵢ| is the L1 norm) is right.")
    expected = "refuted"
    erratum = True
    why_wrong = ("Σᵢwᵢ² is not a norm: N(2w) = 4N(w) ≠ 2N(w), and N(a + b) ≤ N(a) + N(b) fails at a = b = 1; it is "
                 "the squared L2 norm ‖w‖₂².")
    correction = "Σᵢ wᵢ² is the squared L2 norm ‖w‖₂²; the L2 norm is ‖w‖₂ = √(Σᵢ wᵢ²)."

    def derive(self):
        d = Derivation()
        sq = lambda *ws: sum(wi ** 2 for wi in ws)
        d.refute(sq(2 * w1, 2 * w2, 2 * w3), "=", 2 * sq(*WEIGHTS), "homogeneity N(2w) = |2|·N(w), required of a norm")
        d.refute(sq(w1 + w2), "<=", sq(w1) + sq(w2), "the triangle inequality, one component")
        norm = lambda *ws: sp.sqrt(sq(*ws))
        d.equal(norm(*(c * wi for wi in WEIGHTS)), sp.Abs(c) * norm(*WEIGHTS), "‖cw‖₂ = |c|·‖w‖₂")
        d.equal(norm(*WEIGHTS) ** 2, sq(*WEIGHTS), "Σwᵢ² is the square of the norm")
        a1, a2, b1, b2 = (symbol(n) for n in ("a_1", "a_2", "b_1", "b_2"))
        d.equal(sq(a1, a2) * sq(b1, b2) - (a1 * b1 + a2 * b2) ** 2, (a1 * b2 - a2 * b1) ** 2,
                "Lagrange's identity: ‖a‖²‖b‖² − (a·b)² ≥ 0, Cauchy–Schwarz")
        d.equal(norm(a1 + b1, a2 + b2) ** 2, sq(a1, a2) + sq(b1, b2) + 2 * (a1 * b1 + a2 * b2),
                "‖a + b‖² = ‖a‖² + ‖b‖² + 2a·b ≤ (‖a‖ + ‖b‖)² by Cauchy–Schwarz: the triangle inequality")
        l1 = lambda *ws: sum(sp.Abs(wi) for wi in ws)
        d.equal(l1(*(c_pos * wi for wi in WEIGHTS)), c_pos * l1(*WEIGHTS), "L1: c > 0 factors out of |·|")
        d.equal(l1(*(-wi for wi in WEIGHTS)), l1(*WEIGHTS), "L1: |−wᵢ| = |wᵢ|, so Σ|c wᵢ| = |c| Σ|wᵢ|")
        return d

    def evidence(self):
        rng = np.random.default_rng(0)
        vecs = rng.normal(size=(1000, 5))
        err = float(np.abs(np.linalg.norm(vecs, axis=1) - np.sqrt(np.sum(vecs ** 2, axis=1))).max())
        quad = np.sum((2 * vecs) ** 2, axis=1) / np.sum(vecs ** 2, axis=1)
        norm = lambda *ws: sp.sqrt(sum(wi ** 2 for wi in ws))
        return [check_values(norm(*(c * wi for wi in WEIGHTS)), sp.Abs(c) * norm(*WEIGHTS), [c, *WEIGHTS], n=300),
                Evidence("NumPy reference", vecs.shape[0], err, float("inf"), "≤ 1e-12",
                         err <= 1e-12 and bool(np.allclose(quad, 4.0, rtol=1e-12, atol=0)),
                         "NumPy's Euclidean norm of w = √(Σw²) for 1000 seeded 5-vectors (seed 0); "
                         f"Σ(2w)²/Σw² = 4 for all (range {quad.min():.15g}–{quad.max():.15g})")]
