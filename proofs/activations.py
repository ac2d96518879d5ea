"""ReLU, LeakyReLU and ELU: their derivatives on each side of the kink.

Seed section: 3(4) 解决梯度问题 (fixing gradient problems): 换用ReLU、LeakyReLU、ELU等激活函数.

Main statements
- ``relu-derivative``: ReLU′(x) = 1 for x > 0 and 0 for x < 0; the one-sided
  derivatives at 0 are 1 and 0, so ReLU has no derivative there (the
  convention ReLU′(0) = 0).  The seed's "导数恒为1" holds on x > 0 only.
- ``leaky-relu-derivative``: LeakyReLU′(x) = 1 for x > 0 and a for x < 0;
  for a > 0 the gradient never vanishes on x < 0; differentiable at 0 iff a = 1.
- ``elu-derivative``: ELU′(x) = 1 for x > 0 and a·eˣ for x < 0; ELU is
  continuous at 0 for every a, its derivative is continuous at 0 iff a = 1,
  and ELU(x) → −a as x → −∞.

Notation
ReLU(x) = max(x, 0); LeakyReLU(x, a) = x (x > 0), a·x (x ≤ 0);
ELU(x, a) = x (x > 0), a·(eˣ − 1) (x ≤ 0).  ``t`` is a positive symbol: the
two sides of the kink are x = t and x = −t.

Implementation notes
The derivatives come from the rule table (:func:`derive.ops.derivative`)
and are evaluated on each side by substituting x = ±t with t > 0.  The
one-sided derivatives at 0 are limits of difference quotients, computed on
the branch that applies (x = ±t): SymPy's ``limit`` of a ``Piecewise``
quotient such as Piecewise((h, h > 0), (0, True))/h as h → 0⁺ returns 0
(wrong), so the branch is chosen first by the sign of t.  Numerically:
central finite differences away from the kink, and the difference
quotients at 0 themselves.

References
Nair & Hinton (2010) for ReLU; Maas, Hannun & Ng (2013) for LeakyReLU;
Clevert, Unterthiner & Hochreiter (2016) for ELU; the d2l textbook, §5.1.2.
"""
import numpy as np
import sympy as sp

from derive import elu, leaky_relu, relu
from derive.catalogue import Derivation, Proof
from derive.render.figures import Figure
from derive.numeric import Evidence, check_gradient
from derive.ops import OPS, derivative
from derive.symbols import symbol

x = symbol("x")
t = symbol("t", positive=True)   # x = t > 0 or x = −t < 0
a = symbol("a", positive=True)   # the negative-side slope (LeakyReLU) or scale (ELU)
a_any = symbol("a")              # the same parameter with no sign assumed


def one_sided(f, side):
    """The one-sided derivative of ``f(x)`` at 0: lim_{t→0⁺} (f(±t) − f(0))/(±t).

    The branch is fixed by the sign of t before the limit is taken.

    >>> one_sided(relu(x), +1), one_sided(relu(x), -1)
    (1, 0)
    """
    h = side * t
    quotient = (f.subs(x, h) - f.subs(x, 0)) / h
    return sp.limit(quotient, t, 0, "+")


def quotient_evidence(f_numeric, expected_right, expected_left, label):
    """Difference quotients (f(±h) − f(0))/(±h) at h = 10⁻¹…10⁻⁸ against the one-sided limits."""
    hs = 10.0 ** -np.arange(1, 9)
    right = (f_numeric(hs) - f_numeric(0.0)) / hs
    left = (f_numeric(-hs) - f_numeric(0.0)) / (-hs)
    err = np.concatenate([np.abs(right - expected_right), np.abs(left - expected_left)])
    allowed = np.concatenate([hs, hs]) + 1e-7  # truncation ≤ h·max|f″|/2 with |f″| ≤ 1 here
    return Evidence("one-sided difference quotients at 0", 2 * hs.size, float(err.max()), float(err.max()),
                    "atol h + 1e-7", bool(np.all(err <= allowed)),
                    f"{label}: (f(h) − f(0))/h → {expected_right:g}, (f(−h) − f(0))/(−h) → {expected_left:g} "
                    f"for h = 10⁻¹ … 10⁻⁸")


def activations_figure(fig):
    """ReLU, LeakyReLU (a = 0.1), ELU (a = 1) and their derivatives from the rule table (kink: left branch)."""
    from derive.numeric import lambdify_numpy
    z, x = symbol("z"), np.linspace(-3, 3, 601)
    neg = x <= 0
    left, right = fig.subplots(1, 2)
    for colour, label, f, values in (("C0", "ReLU", relu(z), OPS["relu"].numpy(x)),
                                     ("C2", "LeakyReLU, a = 0.1", leaky_relu(z, sp.Rational(1, 10)),
                                      OPS["leaky_relu"].numpy(x, 0.1)),
                                     ("C3", "ELU, a = 1", elu(z, 1), OPS["elu"].numpy(x, 1.0))):
        slope = lambdify_numpy([z], derivative(f, z))
        left.plot(x[neg], values[neg], color=colour, label=label)
        right.plot(x[neg], np.broadcast_to(slope(x[neg]), x[neg].shape), color=colour)
        right.plot([0], [slope(0.0)], "o", color=colour, ms=4.5, zorder=4)
    left.plot(x[~neg], x[~neg], color="k", label="all three, x > 0")
    right.plot(x[~neg], np.ones((~neg).sum()), color="k")
    right.plot([0], [1], "o", mfc="white", color="k", ms=4.5, zorder=3)
    left.set(xlabel="x", ylabel="f(x)", ylim=(-1.2, 3.1), title="Activations")
    left.legend(loc="upper left")
    right.set(xlabel="x", ylabel="f′(x)", ylim=(-0.1, 1.15), title="Derivatives (• value at x = 0)")


class ReluDerivative(Proof):
    id = "relu-derivative"
    section = "3(4) 解决梯度问题"
    title = "ReLU′ is 1 on x > 0 and 0 on x < 0"
    quote = "ReLU: 可以使得导数恒为1，但是小于 0 的范围导数为0，可能导致一些神经元没法激活。"
    statement = ("ReLU′(x) = 1 for x > 0 and ReLU′(x) = 0 for x < 0; at 0 the right derivative is 1 and "
                 "the left derivative 0, so ReLU′(0) does not exist (frameworks set ReLU′(0) = 0); "
                 "a unit whose input stays negative gets gradient 0 (a dead neuron).")
    erratum = True
    why_wrong = ("ReLU′(x) = 1 only for x > 0; it is 0 for x < 0 and undefined at 0, so the derivative is not "
                 "constantly 1.")
    correction = ("ReLU′(x) = 1 only for x > 0; ReLU′(x) = 0 for x < 0 and ReLU′(0) is undefined "
                  "(0 by convention), so the derivative is not 'constantly 1'.")
    figures = (Figure(
        "activations",
        "ReLU, LeakyReLU (a = 0.1) and ELU (a = 1) with their derivatives. The derivative jumps at 0 "
        "for ReLU and LeakyReLU (for ELU with a = 1 it is continuous); the filled dot is the value the "
        "rule table uses at the kink, the left branch (0 for ReLU, a for LeakyReLU and ELU).",
        activations_figure),)

    def derive(self):
        d = Derivation()
        d.define(relu(x), sp.Piecewise((x, x > 0), (0, True)), "definition: ReLU(x) = max(x, 0)")
        slope = derivative(relu(x), x)
        d.define(sp.Derivative(relu(x), x), slope, "rule table: the step [x > 0], with ReLU′(0) = 0")
        d.equal(slope.subs(x, t), 1, "ReLU′(t) for t > 0: the condition t > 0 holds, the branch x ↦ x")
        d.equal(slope.subs(x, -t), 0, "ReLU′(−t) for t > 0: the branch x ↦ 0 (the dead side)")
        right, left = one_sided(relu(x), +1), one_sided(relu(x), -1)
        d.define(sp.Symbol("ReLU′(0⁺)"), right,
                 r"$\lim_{t\to 0^+} (\operatorname{ReLU}(t) - \operatorname{ReLU}(0))/t = \lim_{t\to 0^+} t/t$")
        d.define(sp.Symbol("ReLU′(0⁻)"), left,
                 r"$\lim_{t\to 0^+} (\operatorname{ReLU}(-t) - \operatorname{ReLU}(0))/(-t) = \lim_{t\to 0^+} 0/(-t)$")
        d.holds(right - left, ">", 0, "the one-sided derivatives at 0 differ: ReLU is not differentiable at 0")
        d.equal(slope.subs(x, 0), left, "the rule table's convention ReLU′(0) = 0 is the left derivative")
        d.note("The seed's '导数恒为1' (the derivative is constantly 1) contradicts its own next clause: "
               "the derivative is 1 only for x > 0, 0 for x < 0, and undefined at 0.",
               "imprecise wording")
        d.note("The dead-neuron remark is right: ReLU′(x) = 0 for every x < 0, so a unit whose "
               "pre-activation is negative on every input passes no gradient back.",
               "from ReLU′(−t) = 0 for all t > 0")
        return d

    def evidence(self):
        return [check_gradient(relu(x), {x: derivative(relu(x), x)}, x, n=200),
                quotient_evidence(lambda v: np.maximum(v, 0.0), 1.0, 0.0, "ReLU")]


class LeakyReluDerivative(Proof):
    id = "leaky-relu-derivative"
    section = "3(4) 解决梯度问题"
    title = "LeakyReLU′ is 1 on x > 0 and a on x < 0"
    quote = "LeakyReLU：解决了ReLU中 0 区间带来的影响。"
    statement = ("LeakyReLU′(x) = 1 for x > 0 and a for x < 0; for a > 0 the gradient on x < 0 never "
                 "vanishes; the one-sided derivatives at 0 are 1 and a, equal only when a = 1.")

    def derive(self):
        d = Derivation()
        f = leaky_relu(x, a)
        d.define(f, sp.Piecewise((x, x > 0), (a * x, True)), "definition, slope a > 0 on the negative side")
        slope = derivative(f, x)
        d.define(sp.Derivative(f, x), slope, "rule table")
        d.equal(slope.subs(x, t), 1, "LeakyReLU′(t) for t > 0: the branch x ↦ x")
        d.equal(slope.subs(x, -t), a, "LeakyReLU′(−t) for t > 0: the branch x ↦ a·x")
        d.holds(slope.subs(x, -t), ">", 0, "for a > 0 the gradient on x < 0 is a > 0: no dead side")
        g = leaky_relu(x, a_any)
        right, left = one_sided(g, +1), one_sided(g, -1)
        d.define(sp.Symbol("LeakyReLU′(0⁺)"), right, r"$\lim_{t\to 0^+} t/t$")
        d.define(sp.Symbol("LeakyReLU′(0⁻)"), left, r"$\lim_{t\to 0^+} (-a \cdot t)/(-t)$")
        (only,) = sp.solve(sp.Eq(right, left), a_any)
        d.define(sp.Symbol("a*"), only, "solve 1 = a: the one value with equal one-sided derivatives")
        d.equal(only, 1, "differentiable at 0 only for a = 1, where LeakyReLU(x) = x")
        d.note("The seed's claim that LeakyReLU removes ReLU's zero-gradient region holds for a > 0 "
               "(PyTorch's default a = 1/100): the gradient on x < 0 is a, small but never 0.",
               "from LeakyReLU′(−t) = a > 0")
        return d

    def evidence(self):
        f = leaky_relu(x, a)
        grad = check_gradient(f, {x: derivative(f, x)}, x, [x, a], n=200,
                              domains={a: sp.Interval(sp.Rational(1, 100), sp.Rational(1, 2))})
        return [grad, quotient_evidence(lambda v: np.where(v > 0, v, 0.1 * v), 1.0, 0.1, "LeakyReLU, a = 0.1")]


class EluDerivative(Proof):
    id = "elu-derivative"
    section = "3(4) 解决梯度问题"
    title = "ELU′ is 1 on x > 0 and a·eˣ on x < 0"
    quote = "ELU：和LeakyReLU一样，都是为了解决0区间问题，相对于来，ELU计算更耗时一些"
    statement = ("ELU′(x) = 1 for x > 0 and a·eˣ for x < 0 (> 0 when a > 0); ELU is continuous at 0 "
                 "for every a; its derivative is continuous at 0 iff a = 1; ELU(x) → −a as x → −∞ "
                 "(and ELU′(x) → 0 there).")

    def derive(self):
        d = Derivation()
        f = elu(x, a)
        d.define(f, sp.Piecewise((x, x > 0), (a * (sp.exp(x) - 1), True)), "definition, a > 0")
        slope = derivative(f, x)
        d.define(sp.Derivative(f, x), slope, "rule table")
        d.equal(slope.subs(x, t), 1, "ELU′(t) for t > 0: the branch x ↦ x")
        d.equal(slope.subs(x, -t), a * sp.exp(-t), "ELU′(−t) for t > 0: the branch x ↦ a·(eˣ − 1)")
        d.equal(sp.diff(a * (sp.exp(x) - 1), x).subs(x, -t), slope.subs(x, -t),
                "differentiating the branch a·(eˣ − 1) by hand agrees")
        d.holds(slope.subs(x, -t), ">", 0, "for a > 0 the gradient on x < 0 is positive")
        g = elu(x, a_any)
        value_right = sp.limit(g.subs(x, t), t, 0, "+")
        value_left = sp.limit(g.subs(x, -t), t, 0, "+")
        d.define(sp.Symbol("ELU(0⁺)"), value_right, r"$\lim_{t\to 0^+} t$")
        d.define(sp.Symbol("ELU(0⁻)"), value_left, r"$\lim_{t\to 0^+} a \cdot (e^{-t} - 1)$")
        d.equal(value_right, value_left, "ELU is continuous at 0, whatever a is")
        d.equal(value_left, g.subs(x, 0), "and both limits equal ELU(0) = 0")
        slope_any = derivative(g, x)
        right = sp.limit(slope_any.subs(x, t), t, 0, "+")
        left = sp.limit(slope_any.subs(x, -t), t, 0, "+")
        d.define(sp.Symbol("ELU′(0⁺)"), right, r"$\lim_{t\to 0^+}$ of the derivative on x > 0")
        d.define(sp.Symbol("ELU′(0⁻)"), left, r"$\lim_{t\to 0^+} a \cdot e^{-t} = a \cdot e^0$")
        (only,) = sp.solve(sp.Eq(left, right), a_any)
        d.define(sp.Symbol("a*"), only, "solve a·e⁰ = 1")
        d.equal(only, 1, "ELU′ is continuous at 0 (ELU is C¹) iff a = 1, PyTorch's default")
        floor = sp.limit(f, x, -sp.oo)
        d.define(sp.Symbol(r"$\lim_{x\to-\infty} \operatorname{ELU}(x, a)$"), floor,
                 r"$\lim_{x\to-\infty} a \cdot (e^x - 1)$")
        d.equal(floor, -a, "ELU saturates to −a for very negative inputs")
        decay = sp.limit(slope.subs(x, -t), t, sp.oo)
        d.define(sp.Symbol(r"$\lim_{t\to\infty} \operatorname{ELU}'(-t)$"), decay, r"$\lim_{t\to\infty} a \cdot e^{-t}$")
        d.note("So ELU, like LeakyReLU, has a nonzero gradient at every x < 0 (the seed's '解决0区间问题'), "
               "but the gradient a·eˣ decays to 0 as x → −∞, where ELU saturates; its x ≤ 0 branch needs "
               "an exponential, which is the seed's '计算更耗时'.",
               "from the limits above")
        return d

    def evidence(self):
        f = elu(x, a)
        grad = check_gradient(f, {x: derivative(f, x)}, x, [x, a], n=200,
                              domains={a: sp.Interval(sp.Rational(1, 10), 2)})
        return [grad, quotient_evidence(lambda v: np.where(v > 0, v, 1.0 * np.expm1(np.minimum(v, 0.0))),
                                        1.0, 1.0, "ELU, a = 1 (C¹)")]
