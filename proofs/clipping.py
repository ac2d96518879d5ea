"""Gradient clipping by norm: g ← min(1, θ/‖g‖)·g.

Seed section: 3(4) 解决梯度问题 (remedies for gradient problems), 梯度裁剪.

Main statements
- ``gradient-clipping``: for ‖g‖ > 0 and θ > 0 the clipped vector g′ = c·g, c = min(1, θ/‖g‖) > 0,
  has ‖g′‖ = min(‖g‖, θ) ≤ θ, the direction of g, g′ = g when ‖g‖ ≤ θ and ‖g′‖ = θ when ‖g‖ > θ.

Notation
g ∈ ℝⁿ (components g[i], i = 1…n), ‖g‖ = (Σᵢ g[i]²)^½, r = ‖g‖, t = r/θ.

Implementation notes
The two cases are separate substitutions that SymPy's ``Min`` settles from
the symbols' assumptions: r = θ/(1 + s) with s ≥ 0 (no clipping) and
r = θ(1 + s) with s > 0 (clipping); the combined form min(1, 1/t)·t = min(t, 1)
goes through a ``Piecewise``.  Norm and direction are shown for every n with
SymPy ``Sum``s.  g = 0 makes θ/‖g‖ a division by zero; frameworks use
θ/(‖g‖ + ε) clamped at 1 (PyTorch ``clip_grad_norm_``, ε = 10⁻⁶), which is shown
to keep ‖g′‖ < θ.  Numerically: random vectors in six dimensions over six
decades of norm, and the derive checker on the scalar identity.

References
Pascanu, Mikolov, Bengio, "On the difficulty of training recurrent neural
networks" (ICML 2013), Algorithm 1; Goodfellow et al. (2016) §10.11.1;
d2l §9.5.3; PyTorch ``torch.nn.utils.clip_grad_norm_``.
"""
import numpy as np
import sympy as sp

from derive.catalogue import Derivation, Proof
from derive.numeric import Evidence, check_values
from derive.lang import Domain
from derive.symbols import symbol

POSITIVE = Domain(sp.Interval.open(0, sp.oo))
NONNEG = Domain(sp.Interval(0, sp.oo))
DIMENSIONS = (1, 2, 3, 10, 100, 1000)


class GradientClipping(Proof):
    id = "gradient-clipping"
    section = "3(4) 解决梯度问题"
    title = "Clipping by norm caps ‖g‖ at θ and keeps the direction"
    quote = r"$$g \leftarrow min(1, {θ \over ||g||})g$$ … 也就是我们要求裁剪过后的向量的范数不能超过 $θ$"
    statement = ("For θ > 0 and g ≠ 0, g′ = min(1, θ/‖g‖)·g satisfies ‖g′‖ = min(‖g‖, θ) ≤ θ; g′ = c·g with "
                 "c > 0, so g′/‖g′‖ = g/‖g‖ (cosine 1); g′ = g when ‖g‖ ≤ θ and ‖g′‖ = θ exactly when ‖g‖ > θ.  "
                 "At g = 0 the formula divides by 0 (its continuous extension is g′ = 0).")

    def derive(self):
        d = Derivation()
        i = symbol("i", integer=True)
        n = symbol("n", integer=True, positive=True)
        g = sp.IndexedBase("g", real=True)
        c = symbol("c", positive=True)
        norm = sp.sqrt(sp.Sum(g[i] ** 2, (i, 1, n)))
        d.define(sp.Symbol("‖g‖"), norm, "Euclidean norm of g ∈ ℝⁿ")

        # the factor is positive, so the norm scales and the direction stays
        t = symbol("t")
        d.holds(sp.Min(1, 1 / t), ">", 0, "c = min(1, θ/‖g‖) = min(1, 1/t) > 0 with t = ‖g‖/θ > 0",
                assume={"t": POSITIVE})
        clipped_norm = sp.sqrt(sp.Sum((c * g[i]) ** 2, (i, 1, n)))
        d.equal(clipped_norm, c * norm, "‖c·g‖ = c·‖g‖ for c > 0, in every dimension n")
        d.equal(c * g[i] / clipped_norm, g[i] / norm, "g′/‖g′‖ = g/‖g‖: the direction is kept")
        d.equal(sp.Sum(c * g[i] * g[i], (i, 1, n)) / (clipped_norm * norm), 1, "cos(g′, g) = 1")

        # case ‖g‖ ≤ θ: r = θ/(1 + s), s ≥ 0
        theta, s0, s1 = symbol("theta", positive=True), symbol("s", nonnegative=True), symbol("s", positive=True)
        small = theta / (1 + s0)
        factor = sp.Min(1, theta / small)
        d.define(sp.Symbol("c_small"), factor, "c at ‖g‖ = θ/(1 + s), s ≥ 0 (SymPy's min with θ/‖g‖ = 1 + s ≥ 1)")
        d.equal(factor, 1, "so g′ = 1·g = g: no clipping when ‖g‖ ≤ θ")
        th, sv = symbol("theta"), symbol("s")
        d.equal(th - th / (1 + sv), th * sv / (1 + sv), "θ − ‖g‖ with ‖g‖ = θ/(1 + s)")
        d.holds(th * sv / (1 + sv), ">=", 0, "so ‖g′‖ = ‖g‖ ≤ θ", assume={"theta": POSITIVE, "s": NONNEG})

        # case ‖g‖ > θ: r = θ(1 + s), s > 0
        large = theta * (1 + s1)
        factor = sp.Min(1, theta / large)
        d.define(sp.Symbol("c_large"), factor, "c at ‖g‖ = θ(1 + s), s > 0 (SymPy's min with θ/‖g‖ = 1/(1 + s) < 1)")
        d.equal(factor * large, theta, "‖g′‖ = c·‖g‖ = θ exactly when ‖g‖ > θ")

        # both cases at once, in t = ‖g‖/θ
        both = sp.Piecewise((1, t <= 1), (1 / t, True))
        d.equal(sp.Min(1, 1 / t), both, "min(1, 1/t) by cases", assume={"t": POSITIVE})
        d.equal(t * both, sp.Min(t, 1), "‖g′‖/θ = t·min(1, 1/t) = min(t, 1): ‖g′‖ = min(‖g‖, θ) ≤ θ",
                assume={"t": POSITIVE})

        # g = 0, and the frameworks' ε
        d.define(sp.Symbol("θ/‖0‖"), theta / sp.Integer(0), "SymPy: θ/0 is complex infinity, the formula is undefined")
        d.note("for 0 < ‖g‖ ≤ θ the map is the identity (case above), so g′ → 0 as g → 0: the continuous "
               "extension is g′ = 0; frameworks divide by ‖g‖ + ε or skip g = 0", "the seed does not mention g = 0")
        r, e = symbol("r"), symbol("epsilon")
        d.equal(th - th * r / (r + e), th * e / (r + e), "PyTorch's factor θ/(‖g‖ + ε) ≤ 1 gives ‖g′‖ = θr/(r + ε)")
        d.holds(th * e / (r + e), ">", 0, "so ‖g′‖ < θ, slightly below θ, also with the ε",
                assume={"theta": POSITIVE, "r": POSITIVE, "epsilon": POSITIVE})
        d.note("the seed's reading, 裁剪过后的向量的范数不能超过 θ, is exactly ‖g′‖ ≤ θ", "correct as stated")
        return d

    def evidence(self):
        t = symbol("t")
        evidence = [check_values(t * sp.Min(1, 1 / t), sp.Min(t, 1), [t], n=400, seed=2,
                                 domains={t: sp.Interval.open(0, sp.oo)})]
        rng = np.random.default_rng(13)
        over, angle, exact, identity, count = 0.0, 0.0, 0.0, True, 0
        for dim in DIMENSIONS:
            m = 2000
            theta = rng.uniform(0.1, 10.0, m)
            direction = rng.normal(size=(m, dim))
            direction /= np.linalg.norm(direction, axis=1, keepdims=True)
            g = direction * (theta * 10.0 ** rng.uniform(-3, 3, m))[:, None]
            r = np.linalg.norm(g, axis=1)
            clipped = np.minimum(1.0, theta / r)[:, None] * g
            r2 = np.linalg.norm(clipped, axis=1)
            over = max(over, float(((r2 - theta) / theta).max()))
            cosine = np.einsum("ij,ij->i", clipped, g) / (r2 * r)
            angle = max(angle, float(np.abs(1.0 - cosine).max()))
            big = r > theta
            exact = max(exact, float((np.abs(r2[big] - theta[big]) / theta[big]).max()))
            identity &= bool(np.array_equal(clipped[~big], g[~big]))
            count += m
        worst = max(over, 0.0)
        evidence.append(Evidence("norm bound", count, worst, worst, "rel 1e-12", worst <= 1e-12,
                                 f"dimensions {DIMENSIONS}, ‖g‖/θ log-uniform in [1e-3, 1e3] (seed 13): "
                                 f"max (‖g′‖ − θ)/θ = {over:.2g}"))
        evidence.append(Evidence("direction", count, angle, angle, "1e-12", angle <= 1e-12,
                                 f"max |1 − cos(g′, g)| = {angle:.2g}"))
        evidence.append(Evidence("cases", count, exact, exact, "rel 1e-12; exact identity",
                                 exact <= 1e-12 and identity,
                                 f"‖g‖ > θ: max |‖g′‖ − θ|/θ = {exact:.2g}; "
                                 f"‖g‖ ≤ θ: g′ {'=' if identity else '≠'} g bitwise"))
        return evidence
