"""Softmax: a probability distribution that keeps the order of the logits, its Jacobian, and temperature.

Seed section: 4(1) 基本 (softmax basics) and 4(2) 温度 (temperature).

Main statements
- ``softmax-distribution``: ŷᵢ = e^{oᵢ}/Σₖe^{oₖ} > 0 and Σᵢŷᵢ = 1, for K = 3 and for
  every K (SymPy ``Sum``); the seed writes ŷ = softmax(ô) but yᵢ = …, a slip.
- ``softmax-argmax-shift``: ŷᵢ/ŷⱼ = e^{oᵢ−oⱼ}, so oᵢ > oⱼ ⇒ ŷᵢ > ŷⱼ and
  argmaxⱼ ŷⱼ = argmaxⱼ oⱼ; softmax(o + c) = softmax(o) for every constant c.
- ``softmax-jacobian``: ∂ŷᵢ/∂oⱼ = ŷᵢ(δᵢⱼ − ŷⱼ), all 9 entries for K = 3 and
  for general K with ``Sum`` and ``KroneckerDelta``.
- ``softmax-temperature``: with ŷᵢ(T) = e^{oᵢ/T}/Σₖe^{oₖ/T}, T → 0⁺ gives the
  one-hot vector of the largest logit, T → ∞ the uniform 1/K, and the entropy
  rises with T (dH/dT = Var_ŷ(o)/T³ ≥ 0).  Dividing by T favours the small
  logits only when T > 1; T < 1 sharpens ŷ toward the largest.

Notation
o = (o₁, …, o_K) the logits (the seed's ô), ŷ = softmax(o) the output, T > 0
the temperature, δᵢⱼ the Kronecker delta, H(T) = −Σᵢŷᵢ log ŷᵢ the entropy,
Var_ŷ(o) = Σᵢŷᵢoᵢ² − (Σᵢŷᵢoᵢ)².

Implementation notes
The forward expressions and the Jacobian rule come from the rule table's
family entry ``OPS["softmax"]``; ``sympy.diff`` gives the independent
derivative.  General K uses an ``IndexedBase`` o and ``Sum``; the rule table
differentiates a Sum term by term with ∂oₖ/∂oⱼ = δₖⱼ.  The limits in T are
taken after dividing numerator and denominator by e^{o_max/T} (SymPy's
``limit`` cannot decide the sign of a free logit), with distinct logits
written o₁ > o₁ − p > o₁ − p − q, p, q > 0.  Numerically: the stable
log-sum-exp softmax of the op table (``OPS["softmax"].numpy``) on random logits (large ones
included), finite differences of the Jacobian and of H(T).

References
Bridle (1990), probabilistic interpretation of network outputs; the d2l
textbook, §3.4; Hinton, Vinyals & Dean, *Distilling the Knowledge in a
Neural Network* (2015), §2, for temperature.
"""
import numpy as np
import sympy as sp

from derive.catalogue import Derivation, Proof
from derive.render.figures import Figure
from derive.numeric import Evidence, check_gradient, check_values
from derive.lang import Domain
from derive.ops import OPS, derivative
from derive.render.printing import latex
from derive.symbols import symbol

SOFTMAX = OPS["softmax"]
o1, o2, o3 = LOGITS = tuple(symbol(f"o{k}") for k in range(1, 4))
c = symbol("c")
t = symbol("t", positive=True)
T = symbol("T", positive=True)
p, q = symbol("p", positive=True), symbol("q", positive=True)
K = symbol("K", integer=True, positive=True)
i, j, k = (sp.Symbol(n, integer=True) for n in "ijk")
O = sp.IndexedBase("o", real=True)
POSITIVE = Domain(sp.Interval.open(0, sp.oo))


def softmax(*logits):
    """The K component expressions e^{oᵢ}/Σₖe^{oₖ} (the rule table's forward)."""
    return SOFTMAX.forward(*logits)


def entropy(probs):
    """H = −Σ pᵢ log pᵢ."""
    return -sp.Add(*[pr * sp.log(pr) for pr in probs])


def variance(probs, values):
    """Var_p(v) = Σ pᵢvᵢ² − (Σ pᵢvᵢ)²."""
    first = sp.Add(*[pr * v for pr, v in zip(probs, values)])
    return sp.Add(*[pr * v ** 2 for pr, v in zip(probs, values)]) - first ** 2


class SoftmaxDistribution(Proof):
    id = "softmax-distribution"
    section = "4(1) 基本"
    title = "Softmax outputs are positive and sum to 1"
    quote = (r"$$\hat y = softmax(\hat o)  \quad其中 \quad y_i ={e^{o_i} \over \sum_k {e^{o_k}}}$$"
             " … 可以看出，这个公式很好的满足了所以的输出值和为1")
    statement = (r"$\hat y_i = e^{o_i} / \sum_k e^{o_k} > 0$ for every i and Σᵢ ŷᵢ = 1, for K = 3 and for every "
                 "K ≥ 1: ŷ is a probability distribution over the K classes.")
    erratum = True
    why_wrong = ("The formula does give a probability distribution, but its symbols are inconsistent: the logits "
                 "are o, not ô, and the components are ŷᵢ, not yᵢ, which the seed later uses for the one-hot "
                 "label.")
    correction = (r"ŷ = softmax(o) with $\hat y_i = e^{o_i} / \sum_k e^{o_k}$: the logits are o (not ô) and the "
                  "components are ŷᵢ (not yᵢ, which the seed later uses for the one-hot label).")

    def derive(self):
        d = Derivation()
        probs = softmax(*LOGITS)
        d.define(sp.Symbol("ŷ₁"), probs[0], "rule table: softmax's forward, K = 3")
        for n, pr in enumerate(probs, 1):
            d.holds(pr, ">", 0, rf"$\hat y_{n} > 0$: $e^x > 0$, and a sum of such terms is > 0")
        d.equal(sp.Add(*probs), 1, "Σᵢŷᵢ = 1 for K = 3")
        total = sp.Sum(sp.exp(O[k]), (k, 1, K))
        d.define(sp.Symbol("ŷᵢ"), sp.exp(O[i]) / total, "general K ≥ 1, with indexed logits oₖ")
        sign_total, sign_prob = sp.sign(total), sp.sign(sp.exp(O[i]) / total)
        d.define(sp.Symbol(r"$\operatorname{sign}\left(\sum_k e^{o_k}\right)$"), sign_total,
                 r"SymPy's sign rules: K ≥ 1 terms, each $e^{o_k} > 0$")
        d.define(sp.Symbol("sign(ŷᵢ)"), sign_prob, "SymPy's sign rules: a positive term over a positive sum")
        d.equal(sign_prob, 1, "so ŷᵢ > 0 for every K")
        same_dummy = sp.Sum(sp.exp(O[i]), (i, 1, K))  # the bound index renamed k → i, so the sums match
        d.equal(sp.Sum(sp.exp(O[i]) / same_dummy, (i, 1, K)), 1,
                r"$\sum_i \hat y_i = \sum_i e^{o_i} / \sum_k e^{o_k} = 1$: the denominator does not depend on i")
        d.note(r"The seed writes ŷ = softmax(ô) and then $y_i = e^{o_i} / \sum_k e^{o_k}$: the output components are ŷᵢ "
               "and the argument is the logit vector o (as in its own formula); yᵢ is the label later "
               "(交叉熵). A notational slip, not a mathematical error.", "notation")
        return d

    def evidence(self):
        rng = np.random.default_rng(0)
        identity = check_values(sp.Add(*softmax(*LOGITS)), sp.Integer(1), list(LOGITS), n=300)
        wide = rng.normal(0.0, 1000.0, size=(20_000, 10))        # logits up to ~±4000: exp overflows
        probs = OPS["softmax"].numpy(wide)
        sum_err = float(np.abs(probs.sum(axis=1) - 1).max())
        moderate = OPS["softmax"].numpy(rng.uniform(-30, 30, size=(20_000, 10)))
        ok = bool(np.all(np.isfinite(probs)) and sum_err < 1e-12 and moderate.min() > 0
                  and np.abs(moderate.sum(axis=1) - 1).max() < 1e-12)
        stable = Evidence(
            "stable softmax on random logits", wide.size + moderate.size, sum_err, sum_err, "atol 1e-12", ok,
            f"N(0, 1000²) logits (seed 0): all finite, max |Σŷ − 1| = {sum_err:.2g} "
            f"({int((np.abs(wide) > 709.78).sum())} raw exponentials would overflow or underflow); "
            f"logits in [−30, 30]: "
            f"min ŷ = {moderate.min():.3g} > 0")
        return [identity, stable]


class SoftmaxArgmaxShift(Proof):
    id = "softmax-argmax-shift"
    section = "4(1) 基本"
    title = "Softmax keeps the order of the logits and ignores a common shift"
    quote = (r"softmax 函数并没有改变各个变量之间的相对大小关系 … "
             r"$$argmax_j \hat y_j =argmax _j \hat o_j$$")
    statement = (r"$\hat y_i / \hat y_j = e^{o_i - o_j}$; hence oᵢ > oⱼ ⇒ ŷᵢ > ŷⱼ, so argmaxⱼ ŷⱼ = argmaxⱼ oⱼ; "
                 "and softmax(o + c·1) = softmax(o) for every real c (K = 3).")

    def derive(self):
        d = Derivation()
        probs = softmax(*LOGITS)
        d.equal(probs[0] / probs[1], sp.exp(o1 - o2), r"$\hat y_1 / \hat y_2 = e^{o_1 - o_2}$: the denominators cancel")
        ordered = [e.subs(o1, o2 + t) for e in probs]
        d.equal(ordered[0] / ordered[1], sp.exp(t), "with o₁ = o₂ + t, t > 0: ŷ₁/ŷ₂ = eᵗ")
        d.holds(sp.exp(t) - 1, ">", 0, "eᵗ > 1 for t > 0", assume={"t": POSITIVE})
        d.holds(ordered[1], ">", 0, "ŷ₂ > 0")
        d.equal(ordered[0] - ordered[1], ordered[1] * (sp.exp(t) - 1), "so ŷ₁ − ŷ₂ = ŷ₂(eᵗ − 1) > 0")
        d.note("The same holds for every pair i, j: softmax is strictly increasing in the order of the "
               "logits, so the largest ŷⱼ sits at the largest oⱼ — argmaxⱼ ŷⱼ = argmaxⱼ oⱼ "
               "(the seed's ô is the logit vector o).", "by symmetry in the indices")
        shifted = softmax(o1 + c, o2 + c, o3 + c)
        for n, (a, b) in enumerate(zip(shifted, probs), 1):
            d.equal(a, b, rf"$\operatorname{{softmax}}(o + c)_{n} = \operatorname{{softmax}}(o)_{n}$: $e^c$ cancels")
        return d

    def evidence(self):
        rng = np.random.default_rng(1)
        logits = rng.normal(0.0, 5.0, size=(100_000, 6))
        same = np.argmax(OPS["softmax"].numpy(logits), axis=1) == np.argmax(logits, axis=1)
        shifts = rng.normal(0.0, 300.0, size=(100_000, 1))
        shift_err = float(np.abs(OPS["softmax"].numpy(logits + shifts) - OPS["softmax"].numpy(logits)).max())
        argmax = Evidence("argmax of softmax vs argmax of logits", int(same.size), float((~same).sum()), 0.0,
                          "exact", bool(same.all()), "100000 rows of 6 N(0, 25) logits (seed 1)")
        shift = Evidence("shift invariance", logits.size, shift_err, shift_err, "atol 1e-12", shift_err < 1e-12,
                         "shifts c ~ N(0, 300²) (seed 1)")
        ratio = check_values(softmax(*LOGITS)[0] / softmax(*LOGITS)[2], sp.exp(o1 - o3), list(LOGITS), n=200)
        return [argmax, shift, ratio]


class SoftmaxJacobian(Proof):
    id = "softmax-jacobian"
    section = "4(1) 基本"
    title = "The softmax Jacobian is ŷᵢ(δᵢⱼ − ŷⱼ)"
    quote = "并且依旧让模型就有可导的性质，可以提供合适的损失函数来激励网络的学习（交叉熵函数）"
    statement = "∂ŷᵢ/∂oⱼ = ŷᵢ(δᵢⱼ − ŷⱼ) for all i, j: the 9 entries for K = 3, and for every K."

    def derive(self):
        d = Derivation()
        probs = softmax(*LOGITS)
        table = SOFTMAX.partials(tuple(probs), *LOGITS)
        d.define(sp.Symbol("∂ŷ₁/∂o₂"), table[0][1], "rule table: softmax family rule ŷᵢ(δᵢⱼ − ŷⱼ)")
        for a in range(3):
            for b in range(3):
                d.equal(sp.diff(probs[a], LOGITS[b]), table[a][b],
                        rf"$\partial \hat y_{a + 1} / \partial o_{b + 1}$: SymPy's derivative of the quotient "
                        "equals the rule")
        total = sp.Sum(sp.exp(O[k]), (k, 1, K))
        y = lambda n: sp.exp(O[n]) / total
        general = derivative(y(i), O[j])
        d.define(sp.Symbol("∂ŷᵢ/∂oⱼ"), general,
                 r"general K: the rule table on $e^{o_i} / \sum_k e^{o_k}$, with $\partial o_k / \partial o_j = \delta_{kj}$")
        sifting = sp.Sum(sp.exp(O[k]) * sp.KroneckerDelta(j, k), (k, 1, K))
        value = sifting.doit()
        d.define(sifting, value, "SymPy sums the Kronecker delta")
        (picked, condition), _ = value.args
        d.note(f"For an index j of the output, 1 ≤ j ≤ K, so SymPy's condition ${latex(condition)}$ holds and "
               r"the sum is $e^{o_j}$.", "sifting property of δ")
        d.equal(general.xreplace({sifting: picked}), y(i) * (sp.KroneckerDelta(i, j) - y(j)),
                "∂ŷᵢ/∂oⱼ = ŷᵢ(δᵢⱼ − ŷⱼ) for every K")
        return d

    def evidence(self):
        probs = softmax(*LOGITS)
        table = SOFTMAX.partials(tuple(probs), *LOGITS)
        return [check_gradient(probs[a], dict(zip(LOGITS, table[a])), list(LOGITS), n=100, seed=a)
                for a in range(3)]


def temperature_figure(fig):
    """Softmax of the logits (2, 1, 0.1) at T = 0.25, 1, 4, and the probabilities against T."""
    logits = np.array([2.0, 1.0, 0.1])
    left, right = fig.subplots(1, 2, width_ratios=(1, 1.15))
    for i, t in enumerate((0.25, 1.0, 4.0)):
        left.bar(np.arange(3) + (i - 1) * 0.27, OPS["softmax"].numpy(logits / t), 0.27, label=f"T = {t:g}")
    left.set(xticks=range(3), xticklabels=[f"o = {v:g}" for v in logits], ylim=(0, 1.05), xlabel="logit",
             ylabel="softmax(o/T)", title="Three temperatures")
    left.legend(loc="upper right")
    t = np.geomspace(0.05, 20, 300)
    probs = OPS["softmax"].numpy(logits[None, :] / t[:, None])
    for j, v in enumerate(logits):
        right.semilogx(t, probs[:, j], label=f"o = {v:g}")
    right.axhline(1 / 3, color="0.4", lw=0.8, ls="--", label="1/3")
    right.set(xlabel="temperature T", ylabel="ŷᵢ", ylim=(0, 1.05), title="Against T")
    right.legend(loc="upper right", handlelength=1.2, labelspacing=0.3, borderpad=0.3)


class SoftmaxTemperature(Proof):
    id = "softmax-temperature"
    section = "4(2) 温度"
    title = "Temperature: T → 0 gives the argmax, T → ∞ the uniform distribution"
    quote = (r"$$\hat y = softmax(\hat o)  \quad其中 \quad y_i ={e^{o_i \over T} \over \sum_k {e^{o_k \over T}}}$$"
             r" … 其中我们让 $o_i \over T$ 。"
             r"这可以让我们更偏向 $o_i$ 较小的值，也就是那些概率较小的类别也更容易被选中了。")
    statement = (r"$\hat y_i(T) = e^{o_i/T} / \sum_k e^{o_k/T}$: for distinct logits, ŷ → one-hot at the argmax "
                 r"as T → 0⁺ and ŷᵢ → 1/K as T → ∞; $dH/dT = \operatorname{Var}_{\hat y}(o) / T^3 \ge 0$ (K = 2); "
                 r"the ratio $\hat y_{\text{small}} / \hat y_{\text{large}} = e^{-\Delta/T}$ rises with T, and "
                 "exceeds its T = 1 value iff T > 1.")
    erratum = True
    why_wrong = (r"Dividing by T favours the smaller logits only for T > 1 (the ratio "
                 r"$\hat y_{\text{small}} / \hat y_{\text{large}} = e^{-\Delta/T}$ exceeds its T = 1 value iff "
                 "T > 1); for T < 1 it sharpens ŷ toward the largest logit.")
    correction = ("dividing by T > 1 flattens ŷ (small logits gain probability); T < 1 sharpens it "
                  "toward the largest logit; T = 1 is the plain softmax.")
    figures = (Figure(
        "temperature",
        "Softmax of the logits o = (2, 1, 0.1) divided by a temperature T: small T concentrates the "
        "probability on the largest logit (the argmax), large T flattens it toward the uniform 1/3.",
        temperature_figure),)

    def derive(self):
        d = Derivation()
        tempered = softmax(o1 / T, (o1 - p) / T, (o1 - p - q) / T)
        scaled = softmax(sp.S.Zero, -p / T, -(p + q) / T)
        for n, (a, b) in enumerate(zip(tempered, scaled), 1):
            d.equal(a, b, rf"$\hat y_{n}(T)$ with logits o₁ > o₁ − p > o₁ − p − q: divide by $e^{{o_1/T}}$")
        for n, b in enumerate(scaled, 1):
            cold, hot = sp.limit(b, T, 0, "+"), sp.limit(b, T, sp.oo)
            d.define(sp.Symbol(rf"$\lim_{{T \to 0^+}} \hat y_{n}$"), cold, "SymPy's limit")
            d.define(sp.Symbol(rf"$\lim_{{T \to \infty}} \hat y_{n}$"), hot, "SymPy's limit")
            d.equal(cold, 1 if n == 1 else 0, "T → 0⁺: the one-hot vector of the largest logit")
            d.equal(hot, sp.Rational(1, 3), "T → ∞: the uniform distribution 1/K, K = 3")
        two = softmax(o1 / T, o2 / T)
        spread = variance(two, (o1, o2))
        d.equal(sp.diff(entropy(two), T), spread / T ** 3, r"K = 2: $dH/dT = \operatorname{Var}_{\hat y}(o) / T^3$")
        d.equal(spread, two[0] * two[1] * (o1 - o2) ** 2, r"$\operatorname{Var}_{\hat y}(o) = \hat y_1 \hat y_2 (o_1 - o_2)^2$ for K = 2")
        d.holds(two[0] * two[1] * (o1 - o2) ** 2 / T ** 3, ">=", 0, "so the entropy never falls as T rises")
        d.note("This bears out the seed's '温度值越高 … 更具有创意性': a higher T gives a flatter ŷ with higher "
               "entropy. (With tied largest logits the T → 0⁺ limit splits the mass equally between them.)",
               "from dH/dT ≥ 0")
        self._seed_claim(d)
        return d

    @staticmethod
    def _seed_claim(d):
        """When dividing by T favours the smaller logit: only for T > 1."""
        gap, u = symbol("Delta", positive=True), symbol("u", positive=True)
        small, large = softmax((o1 - gap) / T, o1 / T)
        ratio = sp.exp(-gap / T)
        d.equal(small / large, ratio, r"$\hat y_{\text{small}} / \hat y_{\text{large}} = e^{-\Delta/T}$ for logits o₁ − Δ < o₁")
        d.equal(sp.diff(ratio, T), gap * ratio / T ** 2, r"$\frac{d}{dT} \, e^{-\Delta/T} = \Delta e^{-\Delta/T} / T^2$")
        d.holds(gap * ratio / T ** 2, ">", 0, "the ratio rises with T: higher T favours the smaller logit")
        d.equal(-gap / (1 + u) + gap, gap * u / (1 + u), "T = 1 + u > 1: exponent −Δ/T minus −Δ (its T = 1 value)")
        d.holds(gap * u / (1 + u), ">", 0, r"so for T > 1 the ratio exceeds $e^{-\Delta}$: the seed's claim holds")
        d.equal(-gap * (1 + u) + gap, -gap * u, "T = 1/(1 + u) < 1: exponent −Δ/T minus −Δ")
        d.holds(-gap * u, "<", 0, r"so for T < 1 the ratio falls below $e^{-\Delta}$: ŷ sharpens toward the largest logit")
        at_one, at_half = (sp.Integer(1) / (1 + sp.exp(sp.Integer(1) / s)) for s in (1, sp.Rational(1, 2)))
        d.define(sp.Symbol(r"$\hat y_{\text{small}}(T = 1)$, logits (0, 1)"), at_one, "1/(1 + e)")
        d.define(sp.Symbol(r"$\hat y_{\text{small}}(T = 1/2)$, logits (0, 1)"), at_half, "1/(1 + e²)")
        d.holds(at_one - at_half, ">", 0, "a counterexample to '除以 T 偏向较小的 oᵢ' for T = 1/2")
        d.note("The seed says dividing by T favours small oᵢ (更偏向 oᵢ 较小的值): true only for T > 1. "
               r"For 0 < T < 1 it does the opposite (logits (0, 1): $\hat y_{\text{small}}$ drops from 0.269 at T = 1 to "
               "0.119 at T = 1/2), and T = 1 changes nothing.", "imprecise: needs T > 1")

    def evidence(self):
        rng = np.random.default_rng(2)
        logits = [sp.Rational(int(v), 1000) for v in rng.integers(-3000, 3000, size=5)]
        probs = softmax(*(v / T for v in logits))
        entropy_check = check_gradient(entropy(probs), {T: variance(probs, logits) / T ** 3}, T, [T], n=100,
                                       domains={T: sp.Interval(sp.Rational(1, 5), 5)})
        row = np.array([float(v) for v in logits])
        cold = OPS["softmax"].numpy(row / 1e-3)
        hot = OPS["softmax"].numpy(row / 1e4)
        one_hot = np.eye(row.size)[np.argmax(row)]
        limit_err = max(float(np.abs(cold - one_hot).max()), float(np.abs(hot - 1 / row.size).max()))
        limits = Evidence("softmax(o/T) at T = 1e-3 and T = 1e4 (K = 5)", 2 * row.size, limit_err, limit_err,
                          "atol 1e-3", limit_err < 1e-3,
                          "logits " + ", ".join(f"{v:g}" for v in row).replace("-", "−") + " (seed 2)")
        small = [float(OPS["softmax"].numpy(np.array([0.0, 1.0]) / temp)[0]) for temp in (0.5, 1.0, 2.0)]
        expected = [1 / (1 + np.exp(1 / temp)) for temp in (0.5, 1.0, 2.0)]
        err = max(abs(a - b) for a, b in zip(small, expected))
        sharpen = Evidence(r"$\hat y_{\text{small}}$ for logits (0, 1) at T = 1/2, 1, 2", 3, err, err,
                           "atol 1e-15, rising in T", err < 1e-15 and small[0] < small[1] < small[2],
                           r"$\hat y_{\text{small}}$ = " + ", ".join(f"{v:.4f}" for v in small))
        return [entropy_check, limits, sharpen]
