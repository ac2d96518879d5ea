"""Residual connections and the gradient through a stack of blocks.

Seed section: 3(4) 解决梯度问题 (remedies for gradient problems), 残差结构与LSTM.

Main statements
- ``residual-gradient``: ∂(x + F(x))/∂x = 1 + F′(x); through L blocks xₗ = xₗ₋₁ + Fₗ(xₗ₋₁),
  ∂x_L/∂x₀ = ∏ₗ (1 + Fₗ′(xₗ₋₁)) = 1 + Σₗ Fₗ′ + …, whose term 1 is the all-skip path, against
  ∏ₗ Fₗ′ for the plain chain xₗ = Fₗ(xₗ₋₁).  If |Fₗ′| ≤ ε < 1 then |∂x_L/∂x₀| ≥ (1 − ε)^L while the
  plain chain has |∏ Fₗ′| ≤ ε^L.  The total is not lossless: Fₗ′ = −1 gives 0.

Notation
x₀ the input, Fₗ the residual branch of block l (in the graphs Fₗ(x) = aₗ·tanh(x),
aₗ a parameter); f(l) stands for Fₗ′(xₗ₋₁) in the general-L argument.

Implementation notes
For L = 3 the :class:`~derive.graph.Graph` enumerates the 2³ paths from x₀ to
x₃; their sum equals the expanded product, and the path through the three
skips has the value 1.  General L by induction (one appended block multiplies
by 1 + F′, SymPy's ``product_simplify`` merges the factor) and the product
lemma of :mod:`proofs.vanishing`.  Numerically: finite differences for L = 3,
and 20-block stacks (NumPy forward pass) for the bounds and the two
counterexamples.

References
He, Zhang, Ren, Sun, "Deep Residual Learning for Image Recognition" (CVPR
2016) and "Identity Mappings in Deep Residual Networks" (ECCV 2016), eq. (5);
Hochreiter and Schmidhuber, "Long Short-Term Memory" (1997); d2l §8.6.
"""
import numpy as np
import sympy as sp
from sympy.simplify.simplify import product_simplify

from derive.catalogue import Derivation, Proof
from derive.numeric import Evidence
from derive.graph import Graph
from derive.lang import Domain
from derive.ops import derivative
from derive.symbols import symbol
from proofs.vanishing import abs_multiplicative, product_lemma

NONNEG = Domain(sp.Interval(0, sp.oo))
l = symbol("l", integer=True)
L = symbol("L", integer=True, positive=True)
f = sp.Function("f", real=True)  # f(l) = F_l′(x_{l−1})
DEPTH = 20
EPS = 0.1


def stack(depth, skip=True):
    """x₀ → x_depth through blocks xₗ = xₗ₋₁ + aₗ·tanh(xₗ₋₁) (or xₗ = aₗ·tanh(xₗ₋₁) without skips)."""
    g = Graph()
    h = g.input("x_0")
    params, xs = [], [h]
    for k in range(1, depth + 1):
        a = g.param(f"a_{k}")
        branch = g.let(f"F_{k}", a * g.let(f"t_{k}", sp.tanh(h)))
        h = g.let(f"x_{k}", h + branch if skip else branch)
        params.append(a)
        xs.append(h)
    return g, params, xs


def branch_slope(a, h):
    """Fₗ′(h) = a·tanh′(h) from the rule table."""
    return a * derivative(sp.tanh(h), h)


def forward(x0, a, skip=True):
    """NumPy forward pass: ∂x_L/∂x₀ as the product of the blocks' slopes."""
    h, slope = x0, np.ones_like(x0)
    for ak in a:
        local = ak * (1.0 - np.tanh(h) ** 2)
        slope = slope * ((1.0 + local) if skip else local)
        h = h + ak * np.tanh(h) if skip else ak * np.tanh(h)
    return slope


class ResidualGradient(Proof):
    id = "residual-gradient"
    section = "3(4) 解决梯度问题"
    title = "The gradient through residual blocks is ∏(1 + Fₗ′)"
    quote = "**残差结构与LSTM**可以有效防止**梯度消失** … 其中跨层连接就提供了无损的梯度连接，这样就可以很好得防止梯度消失"
    statement = (r"∂(x + F(x))/∂x = 1 + F′(x); for xₗ = xₗ₋₁ + Fₗ(xₗ₋₁), l = 1…L: "
                 r"$\partial x_L/\partial x_0 = \prod_{l=1}^{L} (1 + F_l'(x_{l-1}))$ "
                 "= 1 + Σₗ Fₗ′ + (products of two or more Fₗ′), the 1 being the path through every skip; "
                 "the plain chain xₗ = Fₗ(xₗ₋₁) gives ∏ₗ Fₗ′.  If |Fₗ′| ≤ ε < 1 for all l then "
                 r"$|\partial x_L/\partial x_0| \ge (1 - \varepsilon)^L$ and $|\prod_l F_l'| \le \varepsilon^L$.  "
                 "With Fₗ′ = −1 (F(x) = −tanh x at x = 0) ∂x₁/∂x₀ = 0, and with Fₗ′ = −1/2 at every block "
                 r"$\partial x_L/\partial x_0 = 2^{-L}$.")
    erratum = True
    why_wrong = (r"Through residual blocks $\partial x_L/\partial x_0 = \prod_l (1 + F_l')$, which the skip "
                 "connection keeps from collapsing when every |Fₗ′| is small but which is not lossless: it shrinks "
                 "or vanishes when Fₗ′ is negative (Fₗ′ = −1 gives 0, Fₗ′ = −1/2 at every block gives "
                 r"$2^{-L}$).")
    correction = ("The skip connection passes the upstream gradient through unchanged on its own path (the term 1 "
                  "of ∏ₗ(1 + Fₗ′)), but the total gradient is not lossless: it equals ∏ₗ(1 + Fₗ′(xₗ₋₁)), which can "
                  r"shrink or vanish (Fₗ′ = −1 gives 0); it stays $\ge (1 - \varepsilon)^L$ when every "
                  r"|Fₗ′| ≤ ε < 1, whereas a plain chain falls to $\varepsilon^L$.  In an LSTM the cell path "
                  "carries the forget gate fₜ, lossless only at fₜ = 1.")

    def derive(self):
        d = Derivation()
        xv, F = symbol("x"), sp.Function("F")
        d.equal(sp.diff(xv + F(xv), xv), 1 + sp.Derivative(F(xv), xv), "sum rule, any differentiable F")

        # L = 3: every path from x₀ to x₃, from the graph
        g, params, xs = stack(3)
        paths = g.grad(xs[-1], xs[0]).factors
        d.define(sp.Symbol("paths"), sp.Integer(len(paths)),
                 "the graph's gradient: paths from x₀ to x₃ (skip or branch per block)")
        slopes = [branch_slope(a, h) for a, h in zip(params, xs)]
        for path in paths:
            d.note(f"path {path.labels()} contributes {path}", "product of the local factors (rule table)")
        skip_only = [p for p in paths if all(factor.value == 1 for factor in p)]
        d.equal(skip_only[0].value, 1, "the path through the three skips: every factor ∂xₗ/∂xₗ₋₁ (direct) is 1")
        product = sp.Mul(*(1 + q for q in slopes))
        d.equal(paths.value, product, "the sum over the 8 paths is ∏ₗ(1 + Fₗ′(xₗ₋₁))")
        q1, q2, q3 = (symbol(f"q_{k}") for k in (1, 2, 3))
        d.equal((1 + q1) * (1 + q2) * (1 + q3), 1 + q1 + q2 + q3 + q1 * q2 + q1 * q3 + q2 * q3 + q1 * q2 * q3,
                "expanded (qₗ = Fₗ′): 1 + Σ qₗ + Σ qᵢqⱼ + q₁q₂q₃, one term per path")
        g_plain, params_plain, xs_plain = stack(3, skip=False)
        plain = g_plain.grad(xs_plain[-1], xs_plain[0]).factors
        d.note(f"plain chain: ∂x₃/∂x₀ = {plain}", "the graph's gradient: a single path, no skip")
        d.equal(plain.value, sp.Mul(*(branch_slope(a, h) for a, h in zip(params_plain, xs_plain))),
                "∏ₗ Fₗ′(xₗ₋₁): no term 1")

        # every L, by induction: one more block multiplies by 1 + F′
        g1 = Graph()
        h = g1.input("x_L")
        a = g1.param("a_next")
        x_next = g1.let("x_next", h + g1.let("F_next", a * g1.let("t_next", sp.tanh(h))))
        local = g1.grad(x_next, h).factors
        d.equal(local.value, 1 + branch_slope(a, h),
                r"appended block (graph): $\partial x_{next}/\partial x_L = 1 + F'(x_L)$, skip + branch")
        residual = sp.Product(1 + f(l), (l, 1, L))
        d.equal(residual.subs(L, 1).doit(), 1 + f(1), "L = 1: ∂x₁/∂x₀ = 1 + F₁′(x₀)")
        d.equal(product_simplify(residual * sp.Product(1 + f(l), (l, L + 1, L + 1))), residual.subs(L, L + 1),
                r"∏ₗ₌₁ᴸ(1 + f(l)) · (1 + f(L+1)) = ∏ₗ₌₁ᴸ⁺¹(1 + f(l)): so $\partial x_L/\partial x_0$ = ∏ₗ(1 + Fₗ′) "
                "for every L")
        d.equal(residual.replace(f, lambda arg: sp.S.Zero).doit(), 1,
                "with every Fₗ′ = 0 the product is 1: the constant term, the all-skip path, for every L")

        # bounds when |F_l′| ≤ ε < 1
        product_lemma(d)
        abs_multiplicative(d)
        eps, e = symbol("epsilon"), symbol("e")
        d.holds(1 + (e - eps), ">=", 1 - eps, "Fₗ′ = −ε + e with e ≥ 0 (since |Fₗ′| ≤ ε): 1 + Fₗ′ ≥ 1 − ε > 0",
                assume={"e": NONNEG})
        d.note(r"$\prod_{l=1}^{L+1} (1 + F_l') = \prod_{l=1}^{L} (1 + F_l') \cdot (1 + F'_{L+1}) "
               r"\ge (1 - \varepsilon)^L \cdot (1 - \varepsilon)$: $|\partial x_L/\partial x_0| \ge (1 - \varepsilon)^L$",
               r"induction; lemma with $A = (1 - \varepsilon)^L$, B = 1 − ε ≥ 0")
        d.note(r"$|\prod_l F_l'| = \prod_l |F_l'| \le \varepsilon^L$",
               r"|·| multiplicative; induction with the lemma, A = |∏ₗ₌₁ᴸ Fₗ′|, $B = |F'_{L+1}|$")

        # the total is not lossless
        g1b, (a1,), xs1 = stack(1)
        one_block = g1b.grad(xs1[-1], xs1[0]).expr
        zero = one_block.subs({a1: -1, xs1[0]: 0})
        d.define(sp.Symbol("J"), zero, "J = ∂x₁/∂x₀ of one block at a₁ = −1, x₀ = 0 (closed form of the graph's "
                 "gradient): F(x) = −tanh x has F′(0) = −1, the branch cancels the skip")
        d.equal(zero, 0, "so ∂x₁/∂x₀ = 1 + F′(0) = 0: the gradient is lost entirely")
        halves = g.grad(xs[-1], xs[0]).expr.subs({**{p: -sp.S.Half for p in params}, xs[0]: 0})
        d.equal(halves, sp.Rational(1, 8), "L = 3 with aₗ = −1/2 at x₀ = 0 (every xₗ = 0): ∂x₃/∂x₀ = (1/2)³")
        d.equal(sp.Product(1 - sp.S.Half, (l, 1, L)).doit(), 2 ** (-L),
                r"every Fₗ′ = −1/2: $\prod_l (1 - 1/2) = 2^{-L} \to 0$")
        d.note("the seed calls the skip connection 无损 (lossless): true of the skip path alone, whose term 1 passes "
               "the upstream gradient unchanged; the total ∏ₗ(1 + Fₗ′) can shrink or vanish, as computed above",
               "imprecise: skips prevent vanishing when the branches' slopes are small, not unconditionally")

        # LSTM: the cell path c_t = f_t·c_{t−1} + i_t·g_t
        lstm = Graph()
        c_prev, gate_f, gate_i, cand = (lstm.input(name) for name in ("c_prev", "f_t", "i_t", "g_t"))
        cell = lstm.let("c_t", gate_f * c_prev + gate_i * cand)
        d.equal(lstm.grad(cell, c_prev).expr, gate_f,
                "LSTM cell path (gates held fixed): ∂cₜ/∂cₜ₋₁ = fₜ, the identity only when fₜ = 1")
        return d

    def evidence(self):
        g3, _, xs3 = stack(3)
        evidence = [g3.grad(xs3[-1], xs3[0]).check(n=200, seed=5)]
        rng = np.random.default_rng(11)
        m = 20_000
        x0 = rng.uniform(-3.0, 3.0, m)
        a = rng.uniform(-EPS, EPS, (DEPTH, m))  # |F′| = |a|·tanh′ ≤ 0.1
        values = {}
        for skip in (True, False):
            g, params, xs = stack(DEPTH, skip)
            _, grads = g.grad(xs[-1], xs[0]).numeric()({xs[0]: x0, **{p: a[k] for k, p in enumerate(params)}})
            got, ref = grads[xs[0]], forward(x0, a, skip)
            rel = float((np.abs(got - ref) / np.abs(ref)).max())
            evidence.append(Evidence("reverse pass vs product formula", m, float(np.abs(got - ref).max()), rel,
                                     "rel 1e-12", rel < 1e-12,
                                     f"{'residual' if skip else 'plain'} stack, {DEPTH} blocks, aₗ ~ U(−{EPS}, {EPS}), "
                                     f"x₀ ~ U(−3, 3), {m} samples (seed 11)"))
            values[skip] = np.abs(got)
        low, high = (1 - EPS) ** DEPTH, EPS ** DEPTH
        violations = int((values[True] < low * (1 - 1e-12)).sum() + (values[False] > high * (1 + 1e-12)).sum())
        evidence.append(Evidence("bound check", 2 * m, 0.0 if violations == 0 else float("inf"), 0.0, "rel 1e-12",
                                 violations == 0,
                                 f"{violations} violations of |residual| ≥ 0.9²⁰ = {low:.3g} and |plain| ≤ 0.1²⁰; "
                                 f"median residual {np.median(values[True]):.3g} (min {values[True].min():.3g}), "
                                 f"median plain {np.median(values[False]):.3g}"))
        # the counterexamples, in float64: F′ = −1 gives 0; F′ = −1/2 at every block gives 2^−20
        g1, (a1,), xs1 = stack(1)
        _, zero = g1.grad(xs1[-1], xs1[0]).numeric()({xs1[0]: np.array([0.0]), a1: np.array([-1.0])})
        g, params, xs = stack(DEPTH)
        run = g.grad(xs[-1], xs[0]).numeric()
        _, halves = run({xs[0]: np.array([0.0]), **{p: np.array([-0.5]) for p in params}})
        got = (float(zero[xs1[0]][0]), float(halves[xs[0]][0]))
        err = max(abs(got[0]), abs(got[1] - 2.0 ** -DEPTH))
        evidence.append(Evidence("counterexample", 2, err, err / 2.0 ** -DEPTH, "exact", err == 0.0,
                                 f"∂x₁/∂x₀ = {got[0]!r} at a = −1, x₀ = 0; ∂x₂₀/∂x₀ = {got[1]!r} = 2⁻²⁰ at aₗ = −1/2"))
        return evidence
