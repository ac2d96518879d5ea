"""One-hot labels, the cross-entropy loss, its gradient through softmax, and its minimum.

Seed section: 4(3) 独热编码 (one-hot encoding) and 4(4) 交叉熵函数 (the
cross-entropy function).

Main statements
- ``one-hot-cross-entropy``: with a one-hot label y = e_t the loss
  l(y, ŷ) = −Σⱼ yⱼ log ŷⱼ is −log ŷ_t; the seed's example gives −log 0.8 ≈ 0.2231.
- ``softmax-cross-entropy-gradient``: for ŷ = softmax(o) and Σᵢ yᵢ = 1,
  ∂l/∂oⱼ = ŷⱼ − yⱼ, for every number of classes K; without Σ y = 1 it is ŷⱼ·Σᵢyᵢ − yⱼ.
- ``cross-entropy-minimum``: Gibbs' inequality H(y, q) ≥ H(y, y) = H(y), with
  equality iff q = y; the minimum is 0 only for a one-hot y.

Notation
y the label distribution (one-hot or soft), ŷ or q the model's probabilities
(all > 0), o the logits, K the number of classes (the seed's q), log the
natural logarithm.  H(y, q) = −Σⱼ yⱼ log qⱼ, H(y) = H(y, y), with 0·log 0 = 0.

Implementation notes
The gradient for general K is derived with ``IndexedBase`` and ``Sum``: the
rule table differentiates under the sum with ∂o_k/∂o_j = δ_kj, SymPy's
``doit`` evaluates the Kronecker-delta sums (the branch 1 ≤ j ≤ K is taken
explicitly), and ``cancel`` collects the result; the constraint Σ y = 1 is
substituted last, so its role is visible.  The same gradient comes out of the
reverse pass of a K = 4 graph with the softmax family node.  Gibbs'
inequality rests on log t ≤ t − 1, whose global minimum argument is run by
:mod:`derive.extrema`.  Numerically: finite differences, Dirichlet-sampled
distributions (seeded), and a Monte Carlo check that H(y, ŷ) is the mean
surprisal −log ŷ_J of labels J drawn from y.

References
Cover and Thomas, *Elements of Information Theory* (2006), Thm 2.6.3
(information inequality); Goodfellow et al., *Deep Learning* (2016), §6.2.2.3;
the d2l textbook, §3.4.6–3.4.7 (softmax regression, cross-entropy).
"""
import math

import numpy as np
import sympy as sp

from derive.catalogue import Derivation, Proof
from derive.numeric import Evidence, check_expectation, check_gradient
from derive.extrema import extremum
from derive.graph import Graph, softmax
from derive.lang import Domain
from derive.ops import derivative
from derive.render.printing import latex
from derive.symbols import symbol

UNIT = Domain(sp.Interval.Lopen(0, 1))
POSITIVE = Domain(sp.Interval.open(0, sp.oo))


def cross_entropy(y, q):
    """H(y, q) = −Σⱼ yⱼ log qⱼ of two sequences (SymPy or NumPy along the last axis)."""
    if isinstance(y, np.ndarray):
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(y > 0, y * np.log(np.where(y > 0, q, 1.0)), 0.0)
        return -terms.sum(axis=-1)
    return -sp.Add(*(yj * sp.log(qj) for yj, qj in zip(y, q) if yj != 0))


class OneHotCrossEntropy(Proof):
    id = "one-hot-cross-entropy"
    section = "4(3) 独热编码"
    title = r"Cross-entropy with a one-hot label is $-\log \hat y_t$"
    quote = ("显然如果图片描述的对象是狗的话，那么三个变量的取值就应该是 ${0,1,0}$ 。我们可以写作: $ Y = [0,1,0]$ "
             "其中 $\\bar y$ 就是由 $y_1,y_2,y_3$ 组成的向量。 … $$l(y,\\hat y) = - \\sum_{j=1} ^ q {y_j log \\hat y_j}$$"
             " … 例如，我们预测值是 [0.1,0.8,0.1],对应的真正结果是 [0,1,0] ，那么我们的交叉熵损失就是：  $-log (0.8)$")
    statement = (r"For a one-hot $y = e_t$ ($y_t = 1$, yⱼ = 0 otherwise), "
                 r"$l(y, \hat y) = -\sum_j y_j \log \hat y_j = -\log \hat y_t$; for ŷ = [0.1, 0.8, 0.1], "
                 r"y = [0, 1, 0] it is −log 0.8 = log(5/4) ≈ 0.2231, and $-\log \hat y_t$ decreases in "
                 r"$\hat y_t \in (0, 1]$, to +∞ as $\hat y_t \to 0$.")
    erratum = True
    why_wrong = (r"The one label is written three ways, Y, $\bar y$ and $\{0,1,0\}$ (with set braces, which make "
                 r"the set $\{0, 1\}$); it is one vector y = (0, 1, 0), and its loss is −log ŷ₂ = −ln 0.8 ≈ 0.2231 "
                 "with the natural log.")
    correction = (r"The one-hot label of 'dog' is the vector y = (y₁, y₂, y₃) = (0, 1, 0): one symbol for it "
                  r"(the seed writes Y, then calls it $\bar y$, and writes $\{0,1,0\}$ with set braces, which would "
                  r"be the set $\{0, 1\}$); the loss is then −log ŷ₂ (natural log: −ln 0.8 ≈ 0.2231).")

    def derive(self):
        d = Derivation()
        d.note(r"the seed writes the label as '$\{0,1,0\}$' (set braces: as a set that is $\{0, 1\}$), names "
               r"it Y, and then says '$\bar y$ is the vector made of y₁, y₂, y₃': three names for one vector",
               "notation slip; the content (an ordered vector with a single 1) is right")
        ys, yh = [symbol(f"y_{i}") for i in (1, 2, 3)], [symbol(f"yhat_{i}") for i in (1, 2, 3)]
        loss = cross_entropy(ys, yh)
        d.define(sp.Symbol("l(y, ŷ)"), loss, "the seed's loss with q = 3 classes")
        for t in (1, 2, 3):
            onehot = tuple(int(i == t) for i in (1, 2, 3))
            substitute(d, loss, tuple(ys), onehot, -sp.log(yh[t - 1]), f"$y = e_{t}$: only the term j = {t} survives")
        tt, jj = symbol("t", integer=True), symbol("j", integer=True)
        K = symbol("K", integer=True, positive=True)
        yhat = sp.IndexedBase("yhat", positive=True)
        general = -sp.Sum(sp.KroneckerDelta(jj, tt) * sp.log(yhat[jj]), (jj, 1, K))
        d.define(general, _in_range(general.doit(), tt, K),
                 r"any K, $y = e_t$ (yⱼ = δⱼₜ): SymPy evaluates the sum, keeping j = t (branch 1 ≤ t ≤ K)")
        example = substitute(d, loss, tuple(ys) + tuple(yh), (0, 1, 0) + SEED_PREDICTION,
                             -sp.log(sp.Rational(8, 10)), "the seed's example in exact rationals: −log(0.8)")
        d.equal(example, sp.log(sp.Rational(5, 4)), "= log(5/4)")
        d.define(sp.Symbol("−log(0.8) to 10 digits"), sp.N(example, 10), "SymPy's numerical evaluation")
        u = symbol("u")
        slope = derivative(-sp.log(u), u)
        d.define(sp.Derivative(-sp.log(u), u), slope, "rule table")
        d.holds(slope, "<", 0, "the lower the predicted probability of the true class, the larger the loss",
                assume={"u": UNIT})
        d.define(sp.Limit(-sp.log(u), u, 0, "+"), sp.limit(-sp.log(u), u, 0, "+"),
                 r"SymPy's limit: the loss is unbounded as $\hat y_t \to 0$")
        return d

    def evidence(self):
        rng = np.random.default_rng(0)
        logits = rng.normal(0.0, 3.0, (100_000, 3))
        probs = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs /= probs.sum(axis=1, keepdims=True)
        labels = rng.integers(0, 3, 100_000)
        onehot = np.eye(3)[labels]
        full = cross_entropy(onehot, probs)
        picked = -np.log(probs[np.arange(labels.size), labels])
        err = float(np.max(np.abs(full - picked)))
        seed_value = float(cross_entropy(np.array([0.0, 1.0, 0.0]), np.array([0.1, 0.8, 0.1])))
        exact = math.log(1.25)
        return [Evidence("numeric identity", labels.size, err, err, "abs err ≤ 1e-12",
                         err <= 1e-12, "100000 random softmax outputs (K = 3, logits N(0, 9)) and one-hot labels "
                         r"(seed 0): $-\sum_j y_j \log \hat y_j = -\log \hat y_t$"),
                Evidence("seed's example", 1, abs(seed_value - exact), abs(seed_value - exact) / exact,
                         "abs err ≤ 1e-15", abs(seed_value - exact) <= 1e-15,
                         f"−Σ yⱼ log ŷⱼ at [0.1, 0.8, 0.1], [0, 1, 0] is {seed_value:.10f} = log(5/4)")]


SEED_PREDICTION = (sp.Rational(1, 10), sp.Rational(8, 10), sp.Rational(1, 10))


def substitute(d, expr, old, new, expected, why):
    """Record Subs(expr, old, new) = its value (SymPy substitutes); show the value is ``expected``.

    When SymPy's substitution already gives ``expected`` verbatim the step
    says so; otherwise :meth:`Derivation.equal` must show the two agree.
    """
    value = expr.subs(dict(zip(old, new)))
    if value == expected:
        d.define(sp.Subs(expr, old, new), value, f"substitute: {why}")
    else:
        d.define(sp.Subs(expr, old, new), value, "substitute")
        d.equal(value, expected, why)
    return value


def _summand(expr):
    """c·f(i) for an expression c·Sum(f(i), limits): the signed summand."""
    coefficient, total = expr.as_coeff_Mul()
    if not isinstance(total, sp.Sum):
        raise ValueError(f"not a multiple of one sum: {expr}")
    return coefficient * total.function


def _in_range(expr, j, K):
    """Take the branch 1 ≤ j ≤ K of each Piecewise that SymPy's Kronecker-delta sums produce."""
    wanted = {sp.Ge(j, 1).canonical, sp.Le(j, K).canonical}

    def pick(pw):
        value, cond = pw.args[0]
        if not (isinstance(cond, sp.And) and {c.canonical for c in cond.args} == wanted):
            raise ValueError(f"unexpected branch condition {cond}")
        return value
    return expr.replace(lambda e: isinstance(e, sp.Piecewise), pick)


class SoftmaxCrossEntropyGradient(Proof):
    id = "softmax-cross-entropy-gradient"
    section = "4(4) 交叉熵函数"
    title = "The gradient of cross-entropy through softmax is ŷ − y"
    quote = ("当我们使用 softmax 函数计算结果时，我们就可以使用独热编码和 softmax 函数来得到一个合适的损失函数来激励网络的学习。"
             " … $$l(y,\\hat y) = - \\sum_{j=1} ^ q {y_j log \\hat y_j}$$")
    statement = ("For ŷ = softmax(o) over K classes and l = −Σᵢ yᵢ log ŷᵢ: ∂l/∂oⱼ = ŷⱼ·Σᵢ yᵢ − yⱼ for every K, "
                 "so ∂l/∂oⱼ = ŷⱼ − yⱼ when Σᵢ yᵢ = 1 (a one-hot or soft label); for y = [1, 1, 0, 0] it is 2ŷⱼ − yⱼ.")

    def derive(self):
        d = Derivation()
        o, y = sp.IndexedBase("o", real=True), sp.IndexedBase("y", real=True)
        i, j, k = (symbol(name, integer=True) for name in "ijk")
        K = symbol("K", integer=True, positive=True)
        total = sp.Sum(sp.exp(o[k]), (k, 1, K))
        yhat = lambda a: sp.exp(o[a]) / total
        loss = -sp.Sum(y[i] * sp.log(yhat(i)), (i, 1, K))
        d.define(sp.Symbol("l"), loss, "cross-entropy of softmax(o), K classes")
        grad = derivative(loss, o[j])
        d.define(sp.Derivative(sp.Symbol("l"), o[j]), grad, r"rule table under the sum, $\partial o_k / \partial o_j = \delta_{kj}$")
        inner = sp.Sum(sp.exp(o[k]) * sp.KroneckerDelta(j, k), (k, 1, K))
        picked = _in_range(inner.doit(), j, K)
        d.define(inner, picked, "the delta picks k = j (SymPy evaluates the sum, branch 1 ≤ j ≤ K)")
        grad = grad.xreplace({inner: picked})
        jacobian_form = -sp.Sum(y[i] * (sp.KroneckerDelta(i, j) - yhat(j)), (i, 1, K))
        d.equal(_summand(grad), _summand(jacobian_form),
                "summand by summand: −yᵢ·(∂ŷᵢ/∂oⱼ)/ŷᵢ = −yᵢ(δᵢⱼ − ŷⱼ), the softmax Jacobian ŷᵢ(δᵢⱼ − ŷⱼ)")
        d.note(rf"so $\partial l / \partial o_j = {latex(jacobian_form)}$",
               "the two sums have the same limits and equal summands")
        evaluated = _in_range(jacobian_form.doit(), j, K)
        d.define(jacobian_form, evaluated, "SymPy evaluates the sum: Σᵢ yᵢ δᵢⱼ = yⱼ (branch 1 ≤ j ≤ K)")
        sum_y = sp.Sum(y[i], (i, 1, K))
        general = yhat(j) * sum_y - y[j]
        d.equal(evaluated, general, "take the constant ŷⱼ out of the sum: ∂l/∂oⱼ = ŷⱼ·Σᵢ yᵢ − yⱼ")
        d.define(sp.Symbol("∂l/∂oⱼ (for Σᵢ yᵢ = 1)"), general.xreplace({sum_y: 1}),
                 "substitute Σᵢ yᵢ = 1 (y a distribution): ŷⱼ − yⱼ")
        self._graph(d)
        return d

    @staticmethod
    def build():
        """The K = 4 graph: p = softmax(o), l = −Σ yⱼ log pⱼ; returns (graph, o, y, p, gradient)."""
        g = Graph()
        o, y = g.input("o", size=4), g.input("y", size=4)
        p = g.let("p", softmax(o))
        loss = g.let("l", -sp.Add(*(yj * sp.log(pj) for yj, pj in zip(y, p))))
        return g, o, y, p, g.grad(loss, list(o))

    def _graph(self, d):
        _, o, y, _, grad = self.build()
        total = sp.Add(*(sp.exp(oj) for oj in o))
        sum_y = sp.Add(*y)
        d.note("the same loss as a graph, K = 4: p = softmax(o) (a family node with Jacobian pᵢ(δᵢⱼ − pⱼ)), "
               "l = −Σⱼ yⱼ log pⱼ; reverse pass over o₁ … o₄", "derive's computational graph")
        normalised = {y[3]: 1 - y[0] - y[1] - y[2]}
        unnormalised = dict(zip(y, (1, 1, 0, 0)))
        for jj, (oj, yj) in enumerate(zip(o, y)):
            soft = sp.exp(oj) / total
            d.equal(grad.expr[jj], soft * sum_y - yj,
                    rf"reverse pass, closed form: $\partial l / \partial o_{jj + 1} = p_{jj + 1} \sum_k y_k - y_{jj + 1}$")
            d.equal(grad.expr[jj].xreplace(normalised), soft - yj.xreplace(normalised),
                    f"with y₄ = 1 − y₁ − y₂ − y₃ (Σy = 1): $p_{jj + 1} - y_{jj + 1}$")
        first = grad.expr[0].xreplace(unnormalised)
        d.define(sp.Symbol("∂l/∂o₁ at y = [1, 1, 0, 0]"), first, "the graph's gradient, computed")
        d.define(sp.Symbol("∂l/∂o₁ − (p₁ − y₁) at y = [1, 1, 0, 0]"), first - (sp.exp(o[0]) / total - 1),
                 "SymPy: the excess is p₁·(Σy − 1) = p₁ > 0, so the formula ŷ − y needs Σy = 1")
        d.note("so ∂l/∂oⱼ = ŷⱼ − yⱼ is a consequence of Σy = 1; for an unnormalised y the extra term "
               "ŷⱼ(Σy − 1) remains (shown for y = [1, 1, 0, 0] above and numerically below)",
               "the general formula ŷⱼ·Σy − yⱼ")

    def evidence(self):
        _, o, y, _, grad = self.build()
        run = grad.numeric()
        rng = np.random.default_rng(0)
        logits = rng.normal(0.0, 2.0, (4, 20_000))
        labels = rng.dirichlet(np.ones(4), 20_000).T
        soft = np.exp(logits - logits.max(axis=0))
        soft /= soft.sum(axis=0)
        _, got = run({**dict(zip(o, logits)), **dict(zip(y, labels))})
        err = max(float(np.max(np.abs(got[oj] - (soft[r] - labels[r])))) for r, oj in enumerate(o))
        _, raw = run({**dict(zip(o, logits)), **{yj: np.full(20_000, float(v)) for yj, v in zip(y, (1, 1, 0, 0))}})
        off = min(float(np.min(np.abs(raw[oj] - (soft[r] - (r < 2))))) for r, oj in enumerate(o))
        unnorm = max(float(np.max(np.abs(raw[oj] - (2 * soft[r] - (r < 2))))) for r, oj in enumerate(o))
        fixed = (sp.Rational(1, 10), sp.Rational(2, 10), sp.Rational(3, 10), sp.Rational(4, 10))
        total = sp.Add(*(sp.exp(oj) for oj in o))
        loss = -sp.Add(*(yj * (oj - sp.log(total)) for yj, oj in zip(fixed, o)))
        claimed = {oj: sp.exp(oj) / total - yj for oj, yj in zip(o, fixed)}
        return [grad.check(),
                check_gradient(loss, claimed, list(o), n=100, seed=1),
                Evidence("compiled reverse pass", 20_000, err, err, "abs err ≤ 1e-12", err <= 1e-12,
                         "20000 Dirichlet labels y and N(0, 4) logits (seed 0): graph gradient = softmax(o) − y"),
                Evidence("compiled reverse pass", 20_000, unnorm, unnorm, "abs err ≤ 1e-12",
                         unnorm <= 1e-12 and off > 0,
                         f"y = [1, 1, 0, 0]: gradient = 2·softmax(o) − y; it differs from softmax(o) − y "
                         f"at every point by at least {off:.3g} (= the smallest pⱼ)")]


class CrossEntropyMinimum(Proof):
    id = "cross-entropy-minimum"
    section = "4(4) 交叉熵函数"
    title = "Cross-entropy is smallest when the prediction equals the label (Gibbs' inequality)"
    quote = ("交叉熵函数描述的是一个从我们主观概率为 $y$ 的观测者取观测结果为 $\\hat y$ 的惊讶程度，很显然，如果 $\\hat y =y$ ，"
             "那么我们就不会有惊讶，对应的交叉熵最小，反之则最大。")
    statement = ("For probability vectors y and q (qⱼ > 0): H(y, q) = −Σⱼ yⱼ log qⱼ ≥ H(y, y) = H(y), with equality "
                 r"iff q = y. H(y, q) is the expected surprisal $-\log q_J$ of an observer holding q when $J \sim y$; "
                 "its minimum H(y) is 0 only for a one-hot y (H([1/2, 1/2]) = log 2 > 0), and it has no maximum.")
    erratum = True
    why_wrong = ("The roles are reversed (H(y, ŷ) is the expected surprise of an observer holding ŷ at outcomes "
                 "drawn from y), the minimum at ŷ = y is the entropy H(y), which is 0, 'no surprise', only for a "
                 "one-hot y (H([1/2, 1/2]) = log 2), and there is no maximum: H grows without bound.")
    correction = ("H(y, ŷ) is the average surprise of an observer whose subjective probabilities are ŷ (the model) "
                  "at outcomes drawn from y (the labels), not the other way round. It is smallest at ŷ = y "
                  "(Gibbs' inequality), but the smallest value is the entropy H(y) ≥ 0, which is zero ('no "
                  "surprise') only for a one-hot y; away from ŷ = y it grows without bound (no maximum).")

    def derive(self):
        d = Derivation()
        d.note(r"the seed swaps the roles: $H(y, \hat y) = \mathbb{E}_{J \sim y}[-\log \hat y_J]$ averages the surprisal under ŷ "
               "(the observer's beliefs) over outcomes J drawn from y (the labels)",
               "definition of cross-entropy; checked by Monte Carlo below")
        t = symbol("t")
        d.holds(sp.log(t), "<=", t - 1, "lemma: log t ≤ t − 1 for t > 0", assume={"t": POSITIVE})
        d.note("equality log t = t − 1 only at t = 1",
               "t = 1 is the only critical point of the margin t − 1 − log t, and its global minimiser (above)")
        yj, qj = symbol("y_j", positive=True), symbol("q_j", positive=True)
        term = yj * sp.log(qj / yj) - (qj - yj)
        d.equal(term, yj * (sp.log(qj / yj) - qj / yj + 1),
                "each yⱼ > 0: yⱼ log(qⱼ/yⱼ) − (qⱼ − yⱼ) = yⱼ·(log t − t + 1) with t = qⱼ/yⱼ, ≤ 0 by the lemma")
        d.equal(-yj * sp.log(qj) + yj * sp.log(yj), -yj * sp.log(qj / yj),
                "H(y, q) − H(y) term by term: −yⱼ log qⱼ + yⱼ log yⱼ = −yⱼ log(qⱼ/yⱼ)")
        q, y = sp.IndexedBase("q", real=True), sp.IndexedBase("y", real=True)
        j = symbol("j", integer=True)
        K = symbol("K", integer=True, positive=True)
        spread = sp.Sum(q[j] - y[j], (j, 1, K))
        d.equal(spread, sp.Sum(q[j], (j, 1, K)) - sp.Sum(y[j], (j, 1, K)), "the sum of the bounds qⱼ − yⱼ")
        sum_q, sum_y = sp.Sum(q[j], (j, 1, K)), sp.Sum(y[j], (j, 1, K))
        d.define(sp.Symbol("Σⱼ (qⱼ − yⱼ) (for Σq = Σy = 1)"), (sum_q - sum_y).xreplace({sum_q: 1, sum_y: 1}),
                 "substitute: both sum to 1")
        d.note("so Σⱼ yⱼ log(qⱼ/yⱼ) ≤ Σⱼ (qⱼ − yⱼ) = 0 over the j with yⱼ > 0 (over that support Σ qⱼ ≤ 1, "
               "which only helps; terms with yⱼ = 0 vanish from both H(y, q) and H(y) as 0·log 0 = 0), "
               r"i.e. H(y, q) ≥ H(y); equality needs qⱼ/yⱼ = 1 on the support and $\sum_{j \in \text{support}} q_j = 1$, "
               "i.e. q = y",
               "sum the termwise bound (Gibbs' inequality)")
        uu = symbol("u")
        d.define(sp.Limit(uu * sp.log(uu), uu, 0, "+"), sp.limit(uu * sp.log(uu), uu, 0, "+"),
                 "SymPy's limit: the convention 0·log 0 = 0")
        self._examples(d)
        return d

    @staticmethod
    def _examples(d):
        qq = symbol("q")
        y2 = (sp.Rational(1, 3), sp.Rational(2, 3))
        curve = cross_entropy(y2, (qq, 1 - qq))
        best = extremum(curve, qq, sp.Interval.open(0, 1), "min")
        d.extend(best.steps)
        d.equal(best.value, cross_entropy(y2, y2), "K = 2, y = (1/3, 2/3): min over q of H(y, (q, 1 − q)) is H(y)")
        d.note(f"attained only at q = {', '.join(map(str, best.points))}, i.e. at ŷ = y", "the minimiser above")
        d.define(sp.Limit(curve, qq, 0, "+"), sp.limit(curve, qq, 0, "+"),
                 "no maximum: H(y, ŷ) → ∞ as ŷ puts vanishing mass on an outcome y can produce")
        half = (sp.Rational(1, 2), sp.Rational(1, 2))
        soft = cross_entropy(half, half)
        d.define(sp.Symbol("H([1/2, 1/2])"), soft, "exact entropy of a soft label: −2·(1/2)·log(1/2)")
        d.holds(soft, ">", 0, "a soft label leaves surprise even at ŷ = y: the minimum is not 0")
        d.define(sp.Symbol("H([0, 1, 0])"), cross_entropy((0, 1, 0), (0, 1, 0)), "one-hot: −1·log 1 (0·log 0 = 0)")
        u = symbol("u")
        d.holds(-u * sp.log(u), ">", 0, "each term −yⱼ log yⱼ > 0 for 0 < yⱼ < 1, so H(y) = 0 iff y is one-hot",
                assume={"u": Domain(sp.Interval.open(0, 1))})
        quarter = (sp.Rational(1, 4), sp.Rational(3, 4))
        d.holds(cross_entropy(half, quarter) - cross_entropy(quarter, half), ">", 0,
                "H(y, ŷ) ≠ H(ŷ, y): for y = (1/2, 1/2), ŷ = (1/4, 3/4) the roles cannot be swapped")

    def evidence(self):
        rng = np.random.default_rng(0)
        worst, zero_gap, count = math.inf, 0.0, 0
        for K in range(2, 11):
            y = rng.dirichlet(np.full(K, 0.5), 20_000)
            y[:2000] = np.eye(K)[rng.integers(0, K, 2000)]  # some one-hot labels
            q = rng.dirichlet(np.ones(K), 20_000)
            gap = cross_entropy(y, q) - cross_entropy(y, y)
            worst = min(worst, float(gap.min()))
            zero_gap = max(zero_gap, float(np.max(np.abs(cross_entropy(y, y) - cross_entropy(y, y)))))
            count += y.shape[0]
        y3, q3 = np.array([0.2, 0.5, 0.3]), np.array([0.6, 0.1, 0.3])
        target = float(cross_entropy(y3, q3))
        return [Evidence("random distributions", count, max(0.0, -worst), 0.0, "H(y, q) − H(y) ≥ −1e-12",
                         worst >= -1e-12,
                         f"K = 2 … 10, 20000 pairs each (Dirichlet(1/2) labels, 10% one-hot; Dirichlet(1) "
                         f"predictions; seed 0): smallest H(y, q) − H(y) = {worst:.3g}"),
                check_expectation(lambda r, n: -np.log(q3[r.choice(3, size=n, p=y3)]), target, n=200_000, seed=1)]
