"""Gradient descent: the steepest direction, its sign, and the learning rate.

Seed sections: 2(1) 梯度下降 (gradient descent) and 2(2) 学习率 (learning rate).

Main statements
- ``steepest-descent``: among unit vectors u the directional derivative ∇f·u
  is smallest, −‖∇f‖, exactly at u = −∇f/‖∇f‖; and a small step along −∇f
  lowers f, since d/dα f(θ − α∇f)|₀ = −‖∇f‖².
- ``gradient-direction``: the seed's "向着梯度的方向走" (walk along the
  gradient) is wrong: f(θ + α∇f) > f(θ) for small α > 0 whenever ∇f ≠ 0.
- ``learning-rate-quadratic``: on f(θ) = Lθ²/2 gradient descent gives
  θ_k = (1 − αL)^k θ₀; it converges iff 0 < α < 2/L, monotonically for
  α ≤ 1/L, with alternating sign for 1/L < α < 2/L; it does not converge for
  α ≥ 2/L.

Notation
g = ∇f(θ) (the seed's Y); ‖g‖ the Euclidean norm; α > 0 the learning rate;
ĝ = g/‖g‖; t = αL (the learning rate in units of 1/L).

Implementation notes
Cauchy–Schwarz comes from Lagrange's identity in ℝ³ (``expand``); the
minimiser and its uniqueness from the exact identity
g·u = (‖g‖/2)(‖u + ĝ‖² − ‖u‖² − 1).  The first-order change of f along ±g is
the derivative of α ↦ f(θ ∓ αg) at 0 by the rule table, for a non-quadratic
f; for quadratics the expansion is exact.  The learning-rate regimes are
one-variable inequalities in t, settled by the claim verifier (sign rules or
a global minimum); limits by ``sympy.limit``.  Numerically: random unit
directions, finite differences, and gradient-descent runs in float64.

References
Nocedal & Wright, *Numerical Optimization* (2006), §2.2 and §3.1;
Goodfellow, Bengio, Courville, *Deep Learning* (2016), §4.3;
Boyd & Vandenberghe, *Convex Optimization* (2004), §9.3.
"""
import numpy as np
import sympy as sp

from derive import softplus
from derive.catalogue import Derivation, Proof
from derive.render.figures import Figure
from derive.numeric import Evidence, check_gradient, check_relation, lambdify_numpy
from derive.lang import Domain
from derive.ops import derivative
from derive.symbols import symbol

alpha = symbol("alpha")
G = [symbol(f"g_{k}") for k in (1, 2, 3)]
U = [symbol(f"u_{k}") for k in (1, 2, 3)]
TH = [symbol(f"theta_{k}") for k in (1, 2)]
SMOOTH = softplus(TH[0] - 2 * TH[1]) + TH[0] ** 2 * TH[1] ** 2 / 4 + TH[1] ** 2 / 2  # not a quadratic
QUAD = TH[0] ** 2 + 3 * TH[1] ** 2  # curvatures 2 and 6


def gradient(f):
    """∇f in (θ₁, θ₂) by the rule table."""
    return [derivative(f, v) for v in TH]


def along(f, sign):
    """α ↦ f(θ + sign·α∇f), the loss along the (negative) gradient."""
    g = gradient(f)
    return f.xreplace({v: v + sign * alpha * gv for v, gv in zip(TH, g)})


def numeric_smooth():
    """f and ∇f of SMOOTH as NumPy functions of (θ₁, θ₂)."""
    f = lambdify_numpy(TH, SMOOTH.rewrite(sp.exp))
    g = [lambdify_numpy(TH, gv.rewrite(sp.exp)) for gv in gradient(SMOOTH)]
    return f, lambda a, b: (g[0](a, b), g[1](a, b))


class SteepestDescent(Proof):
    id = "steepest-descent"
    section = "2(1) 梯度下降"
    title = "The negative gradient is the direction of steepest descent"
    quote = "显然，我们应该往这个点的负梯度方向走。"
    statement = ("For g = ∇f(θ) ≠ 0 and every unit vector u: g·u ≥ −‖g‖, with equality only at "
                 "u = −g/‖g‖ (Cauchy–Schwarz; shown in ℝ³); and d/dα f(θ − αg) = −‖g‖² < 0 at α = 0, so "
                 "f(θ − αg) = f(θ) − α‖g‖² + o(α) < f(θ) for all small α > 0; for f(θ) = ½θᵀAθ "
                 "exactly f(θ − αg) = f(θ) − α‖g‖² + ½α² gᵀAg.")

    def derive(self):
        d = Derivation()
        dot = sum(gk * uk for gk, uk in zip(G, U))
        gg, uu = sum(v ** 2 for v in G), sum(v ** 2 for v in U)
        cross = sum((G[r] * U[c] - G[c] * U[r]) ** 2 for r in range(3) for c in range(r + 1, 3))
        d.equal(gg * uu - dot ** 2, cross,
                r"Lagrange's identity: $\|g\|^2 \|u\|^2 - (g \cdot u)^2 = \sum_{i<j} (g_i u_j - g_j u_i)^2$")
        d.holds(cross, ">=", 0, "a sum of squares: so (g·u)² ≤ ‖g‖²‖u‖² (Cauchy–Schwarz)")
        norm = sp.sqrt(gg)
        shifted = sum((uk + gk / norm) ** 2 for uk, gk in zip(U, G))
        d.equal(dot, norm / 2 * (shifted - uu - 1), "g·u = (‖g‖/2)(‖u + ĝ‖² − ‖u‖² − 1), g ≠ 0")
        N = symbol("N", positive=True)
        d.holds(N / 2 * sum((uk + gk / N) ** 2 for uk, gk in zip(U, G)), ">=", 0,
                "N = ‖g‖ > 0; so for ‖u‖ = 1: g·u = −‖g‖ + (‖g‖/2)‖u + ĝ‖² ≥ −‖g‖")
        d.note("equality needs ‖u + ĝ‖ = 0, i.e. u = −ĝ = −g/‖g‖: the unique steepest unit direction",
               "‖g‖ > 0")
        best = [-gk / norm for gk in G]
        d.equal(sum(v ** 2 for v in best), 1, "−ĝ is a unit vector")
        d.equal(sum(gk * bk for gk, bk in zip(G, best)), -norm, "and attains g·(−ĝ) = −‖g‖")
        # a small step along −∇f lowers a (non-quadratic) f
        d.define(sp.Symbol("f(θ)"), SMOOTH, "a smooth, non-quadratic loss")
        g = gradient(SMOOTH)
        d.define(sp.Symbol("∇f"), sp.Matrix(g), "rule table")
        slope = derivative(along(SMOOTH, -1), alpha).xreplace({alpha: 0})
        d.equal(slope, -(g[0] ** 2 + g[1] ** 2), "chain rule: d/dα f(θ − α∇f) at α = 0 is −‖∇f‖²")
        d.note("so f(θ − α∇f) = f(θ) − α‖∇f‖² + o(α): below f(θ) for 0 < α < α₀ when ∇f ≠ 0",
               "definition of the derivative at α = 0")
        # quadratics: the expansion is exact
        p, q, r = symbol("p"), symbol("q"), symbol("r")
        quad = (p * TH[0] ** 2 + 2 * r * TH[0] * TH[1] + q * TH[1] ** 2) / 2
        gq = gradient(quad)
        hess = gq[0] * (p * gq[0] + r * gq[1]) + gq[1] * (r * gq[0] + q * gq[1])
        d.equal(along(quad, -1), quad - alpha * (gq[0] ** 2 + gq[1] ** 2) + alpha ** 2 / 2 * hess,
                r"f = ½θᵀAθ, $A = \begin{pmatrix} p & r \\ r & q \end{pmatrix}$: "
                "f(θ − αg) = f(θ) − α‖g‖² + ½α² gᵀAg exactly")
        return d

    def evidence(self):
        rng = np.random.default_rng(0)
        worst_gap, worst_angle, trials = 0.0, 0.0, 50
        for _ in range(trials):
            g = rng.normal(size=3) * rng.uniform(0.1, 5.0)
            u = rng.normal(size=(20_000, 3))
            u /= np.linalg.norm(u, axis=1, keepdims=True)
            values = u @ g
            norm = np.linalg.norm(g)
            worst_gap = max(worst_gap, float(np.max(-norm - values)))  # > 0 would violate g·u ≥ −‖g‖
            best = u[np.argmin(values)]
            worst_angle = max(worst_angle, float(np.arccos(np.clip(-best @ g / norm, -1, 1))))
        directions = Evidence("random unit directions", trials * 20_000, max(worst_gap, 0.0), 0.0,
                              "g·u ≥ −‖g‖ − 1e-12; best sampled u within 0.1 rad of −ĝ",
                              worst_gap <= 1e-12 and worst_angle < 0.1,
                              f"{trials} seeded gradients in ℝ³ × 20000 unit vectors (seed 0); "
                              f"largest angle from the best sample to −ĝ: {worst_angle:.3g} rad")
        f, grad = numeric_smooth()
        th = rng.uniform(-2.0, 2.0, size=(2, 500))
        g1, g2 = grad(*th)
        sq = g1 ** 2 + g2 ** 2
        errs = []
        for a in (1e-3, 1e-4):
            first = (f(th[0] - a * g1, th[1] - a * g2) - f(*th)) / a
            errs.append(np.abs(first + sq) / np.maximum(1.0, sq))
        shrinks = bool(np.all(errs[1] <= errs[0] * 0.2 + 1e-9))
        first_order = Evidence("first-order change along −∇f", th.shape[1], float(errs[1].max()),
                               float(errs[1].max()), "|Δf/α + ‖g‖²| → 0 linearly in α",
                               shrinks and float(errs[1].max()) < 1e-2,
                               f"500 seeded θ in [−2, 2]² (seed 0), α = 1e-3 and 1e-4; the error "
                               f"shrank from {errs[0].max():.2g} to {errs[1].max():.2g}")
        return [directions, first_order, check_gradient(SMOOTH, dict(zip(TH, gradient(SMOOTH))), TH, n=100)]


class GradientDirection(Proof):
    id = "gradient-direction"
    section = "2(1) 梯度下降"
    title = "Walking along the gradient increases the loss"
    quote = "然后，我们只需要向着梯度的方向走一段距离就可以了。"
    statement = ("The seed's 'walk a distance in the direction of the gradient' is false as a descent step: "
                 "for f(θ) = θ₁² + 3θ₂² at θ = (1, 1), f(θ + α∇f) > f(θ) for 0 < α ≤ 1/10; in general "
                 "d/dα f(θ + α∇f)|₀ = +‖∇f‖² > 0.  The step must go along −∇f: here "
                 "f(θ − α∇f) ≤ f(θ) for 0 < α < 1/3.")
    expected = "refuted"
    erratum = True
    why_wrong = ("Along +∇f the loss rises to first order, d/dα f(θ + α∇f) at α = 0 is +‖∇f‖² > 0 (for f = θ₁² + "
                 "3θ₂² at (1, 1), f(θ + α∇f) > f(θ) for 0 < α ≤ 1/10), so a descent step must go along −∇f.")
    correction = ("Walk in the direction of the negative gradient: θ ← θ − α∇f(θ) (as the seed's previous "
                  "sentence says); along +∇f the loss increases for small steps.")

    def derive(self):
        d = Derivation()
        g = gradient(QUAD)
        d.define(sp.Symbol("f(θ)"), QUAD, "a convex quadratic")
        d.define(sp.Symbol("∇f"), sp.Matrix(g), "rule table")
        up, down = along(QUAD, +1), along(QUAD, -1)
        at = {TH[0]: 1, TH[1]: 1}
        d.refute(up.xreplace(at), "<=", QUAD.xreplace(at),
                 "the seed's step along +∇f, at θ = (1, 1), for 0 < α ≤ 1/10",
                 assume={"alpha": Domain(sp.Interval.Lopen(0, sp.Rational(1, 10)))})
        sq = g[0] ** 2 + g[1] ** 2
        excess = alpha ** 2 * (4 * TH[0] ** 2 + 108 * TH[1] ** 2)
        d.equal(up - QUAD - alpha * sq, excess, "f(θ + αg) − f(θ) − α‖g‖², exactly")
        d.holds(excess, ">=", 0, "so f(θ + α∇f) ≥ f(θ) + α‖∇f‖² > f(θ) for every α > 0 and θ ≠ 0")
        gs = gradient(SMOOTH)
        d.equal(derivative(along(SMOOTH, +1), alpha).xreplace({alpha: 0}), gs[0] ** 2 + gs[1] ** 2,
                "for any smooth f (here a non-quadratic one): d/dα f(θ + α∇f) at 0 is +‖∇f‖²")
        # the corrected step
        s = symbol("s", positive=True)
        drop = -4 * alpha * (1 - alpha) * TH[0] ** 2 - 36 * alpha * (1 - 3 * alpha) * TH[1] ** 2
        d.equal(down - QUAD, drop, "f(θ − α∇f) − f(θ), exactly")
        shown = -4 * (2 + s) * TH[0] ** 2 / (3 + s) ** 2 - 36 * s * TH[1] ** 2 / (3 + s) ** 2
        d.equal(drop.xreplace({alpha: 1 / (3 + s)}), shown, "α = 1/(3 + s), s > 0: every α in (0, 1/3)")
        d.holds(shown, "<=", 0, "the negative-gradient step never increases f for 0 < α < 1/3")
        d.holds(shown.xreplace({TH[0]: symbol("theta_1", nonzero=True)}), "<", 0,
                "and strictly lowers it when θ₁ ≠ 0 (likewise θ₂ ≠ 0)")
        return d

    def evidence(self):
        a = sp.Rational(1, 100)
        rise = check_relation(along(QUAD, +1).xreplace({alpha: a}), QUAD, ">=", TH, n=400, seed=0)
        fall = check_relation(along(QUAD, -1).xreplace({alpha: a}), QUAD, "<=", TH, n=400, seed=1)
        f, grad = numeric_smooth()
        rng = np.random.default_rng(2)
        th = rng.uniform(-2.0, 2.0, size=(2, 2000))
        g1, g2 = grad(*th)
        keep = g1 ** 2 + g2 ** 2 > 1e-6
        step = 1e-4
        up = f(th[0] + step * g1, th[1] + step * g2) - f(*th)
        down = f(th[0] - step * g1, th[1] - step * g2) - f(*th)
        wrong = int(np.sum(keep & ((up <= 0) | (down >= 0))))
        smooth = Evidence("non-quadratic f, α = 1e-4", int(keep.sum()), float(wrong), wrong / max(1, keep.sum()),
                          "f rises along +∇f and falls along −∇f at every point", wrong == 0,
                          "2000 seeded θ in [−2, 2]² (seed 2) with ‖∇f‖² > 1e-6; err = number of exceptions")
        return [rise, fall, smooth]


def learning_rate_figure(fig):
    """Gradient descent θₖ₊₁ = θₖ − αLθₖ on f = Lθ²/2, L = 1, for α = 0.5, 1.5, 2.1."""
    ax = fig.add_subplot()
    k = np.arange(13)
    for alpha, style, what in ((0.5, "o-", "monotone"), (1.5, "s-", "oscillates,\nconverges"),
                               (2.1, "^-", "diverges")):
        ax.plot(k, (1 - alpha) ** k, style, ms=4, label=f"α = {alpha}: {what}")
    ax.axhline(0, color="0.4", lw=0.8)
    ax.set(xlabel="iteration k", ylabel="θₖ  (θ₀ = 1)", xlim=(-0.5, 12.5), ylim=(-3.4, 3.4),
           title="Gradient descent on f(θ) = Lθ²/2, L = 1")
    fig.legend(loc="outside right center")


class LearningRateQuadratic(Proof):
    id = "learning-rate-quadratic"
    section = "2(2) 学习率"
    title = "Learning-rate regimes of gradient descent on a quadratic"
    quote = (r"我们假设得到的梯度为 $Y$ ，那么我们最后走的距离也就是 $\alpha Y$ 。 … 对于学习率，我们不可以设置地太大，"
             "这样子可能会导致移动的步伐太大，模型的损失值一直震荡，没有办法收敛。")
    statement = (r"On f(θ) = Lθ²/2 (L > 0), θₖ₊₁ = θₖ − α f′(θₖ) gives $\theta_k = (1 - \alpha L)^k\, \theta_0$ and "
                 r"$f(\theta_k) = (1 - \alpha L)^{2k}\, f(\theta_0)$.  With t = αL > 0: θₖ → 0 for every θ₀ iff "
                 r"0 < t < 2; no sign change for 0 < t ≤ 1 (one step to the minimum at t = 1); alternating sign yet "
                 r"convergence for 1 < t < 2; $\theta_k = (-1)^k\, \theta_0$ at t = 2; |θₖ| → ∞ for t > 2 (θ₀ ≠ 0).  "
                 r"The step is −αY, of length α‖Y‖.")
    erratum = True
    why_wrong = (r"The step is −αY, not αY, and on f = Lθ²/2 the iterates $\theta_k = (1 - \alpha L)^k\, \theta_0$ "
                 r"fail to converge only from α ≥ 2/L: for 1/L < α < 2/L they alternate in sign yet converge, and "
                 r"the loss $f(\theta_k) = (1 - \alpha L)^{2k}\, f(\theta_0)$ never oscillates.")
    correction = ("The step is −αY (length α‖Y‖).  Too large a rate prevents convergence only from α ≥ 2/L "
                  "(L the largest curvature); for 1/L < α < 2/L the iterates oscillate in sign but still "
                  "converge, and on a quadratic the loss itself never oscillates: "
                  r"$f(\theta_k) = (1 - \alpha L)^{2k}\, f(\theta_0)$.")
    figures = (Figure(
        "learning-rate",
        "Gradient descent on f(θ) = θ²/2 gives θₖ = (1 − α)ᵏθ₀: α = 0.5 decreases monotonically, "
        "α = 1.5 alternates in sign but converges, α = 2.1 > 2/L diverges.",
        learning_rate_figure),)

    def derive(self):
        d = Derivation()
        L, theta, theta0 = symbol("L", positive=True), symbol("theta"), symbol("theta_0")
        t, c = symbol("t"), symbol("c", positive=True)
        k = symbol("k", integer=True, nonnegative=True)
        f = L * theta ** 2 / 2
        step = theta - alpha * derivative(f, theta)
        d.equal(step, (1 - alpha * L) * theta, "θ − α f′(θ), f′ by the rule table")
        d.equal(step - theta, -alpha * derivative(f, theta),
                "the move is −αY with Y = f′(θ): against the gradient, of length α|Y| (the seed's 'αY')")
        closed = (1 - alpha * L) ** k * theta0
        d.equal(step.xreplace({theta: closed}), (1 - alpha * L) ** (k + 1) * theta0,
                r"induction step: $\theta_k = (1 - \alpha L)^k\, \theta_0$ (θ at k = 0 is θ₀)")
        d.equal(f.xreplace({theta: closed}), (1 - alpha * L) ** (2 * k) * f.xreplace({theta: theta0}),
                r"$f(\theta_k) = (1 - \alpha L)^{2k}\, f(\theta_0)$: the loss ratio (1 − αL)² ≥ 0, "
                "so the loss is monotone")
        d.equal((1 - alpha * L).xreplace({alpha: t / L}), 1 - t, "α = t/L")
        d.holds((1 - t) ** 2, "<", 1, "0 < t < 2: |1 − t| < 1", assume={"t": Domain(sp.Interval.open(0, 2))})
        d.equal(sp.limit((1 + c) ** -k, k, sp.oo), 0,
                r"SymPy's limit; with |1 − t| = 1/(1 + c) < 1 (c > 0; or |1 − t| = 0): "
                r"$|\theta_k| = |1 - t|^k\, |\theta_0| \to 0$")
        d.holds(1 - t, ">=", 0, "0 < t ≤ 1 (α ≤ 1/L): 1 − t ≥ 0, θₖ never changes sign",
                assume={"t": Domain(sp.Interval.Lopen(0, 1))})
        d.equal(step.xreplace({alpha: 1 / L}), 0, "t = 1 (α = 1/L): the minimum in one step")
        d.holds(1 - t, "<", 0, r"1 < t < 2: 1 − t < 0, $\theta_{k+1} \theta_k = (1 - t)^{2k+1} \theta_0^2 < 0$: "
                "alternating sign, yet |1 − t| < 1 above, so θₖ → 0", assume={"t": Domain(sp.Interval.open(1, 2))})
        flip = (1 - t).xreplace({t: 2}) ** k * theta0
        d.equal(flip.xreplace({k: k + 1}) - flip, -2 * (-1) ** k * theta0,
                r"t = 2 (α = 2/L): $\theta_k = (-1)^k\, \theta_0$ and |θₖ₊₁ − θₖ| = 2|θ₀|: no limit for θ₀ ≠ 0, "
                "while f(θₖ) = f(θ₀)")
        d.holds((1 - t) ** 2, ">", 1, "t > 2: |1 − t| > 1", assume={"t": Domain(sp.Interval.open(2, sp.oo))})
        d.note(r"|1 − t| = 1 + c, c > 0: $1/|\theta_k| = (1 + c)^{-k}/|\theta_0| \to 0$ by the limit above, "
               "so |θₖ| → ∞ for θ₀ ≠ 0", "t > 2")
        d.note("the seed says too large a rate makes 'the loss oscillate and never converge'; in fact "
               "oscillation (1/L < α < 2/L) still converges, non-convergence needs α ≥ 2/L, and on a "
               "quadratic the loss never oscillates (its ratio (1 − αL)² is ≥ 0); the seed's step 'αY' "
               "also lacks the minus sign", "the regimes above")
        return d

    def evidence(self):
        L, theta0, steps = 2.5, 1.3, 60
        regimes = {0.5: "monotone", 1.0: "monotone", 1.5: "alternating", 1.9: "alternating",
                   2.0: "bounded", 2.1: "diverges"}
        worst, wrong, lines = 0.0, 0, []
        for t, kind in regimes.items():
            a, th, path = t / L, theta0, [theta0]
            for _ in range(steps):
                th = th - a * L * th  # gradient descent on f = Lθ²/2
                path.append(th)
            path = np.array(path)
            closed = (1 - t) ** np.arange(steps + 1) * theta0
            worst = max(worst, float(np.max(np.abs(path - closed) / np.maximum(1.0, np.abs(closed)))))
            signs = np.sign(path[:-1] * path[1:])
            seen = ("monotone" if np.all(signs >= 0) and abs(path[-1]) < 1e-6 else
                    "alternating" if np.all(signs < 0) and abs(path[-1]) < 1e-2 else
                    "bounded" if np.all(signs < 0) and abs(abs(path[-1]) - theta0) < 1e-12 else
                    "diverges" if abs(path[-1]) > 1e2 else "other")
            wrong += seen != kind
            lines.append(f"t = {t}: {seen}")
        return [Evidence("gradient-descent runs", len(regimes) * steps, worst, worst,
                         "closed form to 1e-12; regime as predicted", worst < 1e-12 and wrong == 0,
                         f"L = {L}, θ₀ = {theta0}, {steps} steps; " + ", ".join(lines))]
