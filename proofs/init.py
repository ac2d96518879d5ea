"""Initialisation: constant weights never break symmetry; random weights need the right variance.

Seed section: 3(4) 解决梯度问题 (fixing gradient problems: initialisation).

Main statements
- ``constant-init-symmetry``: in a network with one hidden layer of two units,
  if the two units start with equal incoming weights and biases and equal
  outgoing weights, their gradients are equal, so every gradient-descent step
  keeps them equal (induction): the layer behaves as one unit forever.  With
  all weights zero the hidden weights get no gradient at all.
- ``init-variance-scaling``: for y = Σᵢ₌₁ⁿ wᵢxᵢ with independent wᵢ, xᵢ and
  E[wᵢ] = 0, Var(y) = n Var(w) E[x²] (= n Var(w) Var(x) when E[x] = 0), so
  Var(w) = 1/n keeps the variance (LeCun; Xavier averages fan-in and
  fan-out); for symmetric z, E[ReLU(z)²] = Var(z)/2, so ReLU layers need
  Var(w) = 2/n (He).

Notation
Hidden unit j ∈ {1, 2}: z_j = u_{j1}x₁ + u_{j2}x₂ + c_j, h_j = σ(z_j); output
ŷ = v₁h₁ + v₂h₂ + b_o, loss C = (ŷ − y)²/2.  σ_w² = Var(w), m₂ = E[x²].

Implementation notes
The network is a :class:`derive.graph.Graph`; its reverse-pass gradient is
evaluated at the symmetric point and the two units' partials are compared
with ``d.equal``.  Expectations of polynomials in independent variables are
computed monomial by monomial from the moments (independence factorises
each monomial; zero mean kills the odd powers of w), for n = 1 … 6 and, with
``Sum``, for symbolic n.  The ReLU half-moment uses the change of variables
z ↦ −z in the integral and symmetry of the density; the Gaussian case is
integrated exactly.  Numerically: gradient-descent runs in float64 from
constant and random starts, and Monte Carlo means with 99.9% intervals.

References
LeCun, Bottou, Orr, Müller, "Efficient BackProp" (1998); Glorot & Bengio,
"Understanding the difficulty of training deep feedforward neural networks"
(AISTATS 2010); He, Zhang, Ren, Sun, "Delving deep into rectifiers"
(ICCV 2015); Goodfellow, Bengio, Courville, *Deep Learning* (2016), §8.4.
"""
import numpy as np
import sympy as sp

from derive import sigmoid
from derive.catalogue import Derivation, Proof
from derive.numeric import Evidence, check_expectation
from derive.graph import Graph
from derive.symbols import symbol

alpha = symbol("alpha")


def two_unit_network():
    """The graph of one hidden layer with two sigmoid units and a linear output."""
    g = Graph()
    x1, x2, y = g.input("x_1"), g.input("x_2"), g.input("y")
    hidden = []
    for j in (1, 2):
        u1, u2, c = g.param(f"u_{j}1"), g.param(f"u_{j}2"), g.param(f"c_{j}")
        z = g.let(f"z_{j}", u1 * x1 + u2 * x2 + c)
        hidden.append(g.let(f"h_{j}", sigmoid(z)))
    v1, v2, bo = g.param("v_1"), g.param("v_2"), g.param("b_o")
    out = g.let("yhat", v1 * hidden[0] + v2 * hidden[1] + bo)
    g.let("C", (out - y) ** 2 / 2)
    return g


UNIT_PARAMS = (("u_11", "u_21"), ("u_12", "u_22"), ("c_1", "c_2"), ("v_1", "v_2"))
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def shown(name):
    """A parameter's name as a reader sees it: "u_11" → "u₁₁"."""
    return name.replace("_", "").translate(SUBSCRIPTS)


def symmetric_point(g):
    """Unit 2's parameters set equal to unit 1's: u_2k = a_k, c_2 = c_1, v_2 = v_1 (and unit 1 likewise)."""
    shared = {"u_11": "a_1", "u_21": "a_1", "u_12": "a_2", "u_22": "a_2", "c_1": "c", "c_2": "c",
              "v_1": "v", "v_2": "v"}
    return {g[name]: symbol(s) for name, s in shared.items()}


class ConstantInitSymmetry(Proof):
    id = "constant-init-symmetry"
    section = "3(4) 解决梯度问题"
    title = "Constant initialisation never breaks the symmetry of hidden units"
    quote = "**使用合适的初始化方式**。初始化方式一般有三种： … 2.随机初始化 … 3.固定初始化"
    statement = ("For ŷ = v₁σ(u₁·x + c₁) + v₂σ(u₂·x + c₂) + bₒ and C = (ŷ − y)²/2: C is invariant under "
                 "swapping the two units; at any point with u₁ = u₂, c₁ = c₂, v₁ = v₂ the two units' partials "
                 "are equal (∂C/∂u₁ₖ = ∂C/∂u₂ₖ, ∂C/∂c₁ = ∂C/∂c₂, ∂C/∂v₁ = ∂C/∂v₂), so the gradient-descent "
                 "step θ ← θ − α∇C keeps them equal and, by induction, the units stay identical at every "
                 "step (for any data, the batch gradient being a sum of such gradients); when v₁ = v₂ = 0 "
                 "(e.g. the all-zero start) ∂C/∂uⱼₖ = 0.")
    erratum = True
    why_wrong = ("With constant weights the hidden units get equal gradients and stay equal at every step, so the "
                 "layer acts as a single unit (all-zero weights even give the hidden weights zero gradient): "
                 "constant initialisation is not a usable way to initialise weights.")
    correction = ("Constant ('fixed') initialisation is fine for biases but not for the weights of a hidden "
                  "layer: equal weights get equal gradients and stay equal, so the layer acts as a single unit "
                  "(all-zero weights even give the hidden weights zero gradient at the first step).  Weights "
                  "must be random to break the symmetry, with variance scaled by the fan-in (LeCun/Xavier 1/n, "
                  "He 2/n).")

    def derive(self):
        d = Derivation()
        g = two_unit_network()
        whole = g.closed_form(g["C"])
        d.define(sp.Symbol("C"), whole, "the network, closed form")
        swap = {}
        for one, two in UNIT_PARAMS:
            swap[g[one]], swap[g[two]] = g[two], g[one]
        d.equal(whole.xreplace(swap), whole, "swapping the two hidden units leaves C unchanged")
        params = [g[name] for pair in UNIT_PARAMS for name in pair]
        grads = dict(zip(params, g.grad(g["C"], params).expr))
        at = symmetric_point(g)
        for one, two in UNIT_PARAMS:
            d.equal(grads[g[one]].xreplace(at), grads[g[two]].xreplace(at),
                    f"reverse pass at the symmetric point: ∂C/∂{shown(one)} = ∂C/∂{shown(two)}")
        for one, two in UNIT_PARAMS:
            d.equal((g[one] - alpha * grads[g[one]]).xreplace(at), (g[two] - alpha * grads[g[two]]).xreplace(at),
                    f"after one step θ − α∇C, still {shown(one)} = {shown(two)}")
        d.note("by induction on the step count, a start with equal units (constant initialisation) keeps "
               "them equal forever; a batch gradient is a sum of per-example gradients, each symmetric",
               "the step maps the symmetric set into itself")
        yhat = g.closed_form(g["yhat"]).xreplace(at)
        a1, a2, c, v = (symbol(s) for s in ("a_1", "a_2", "c", "v"))
        d.equal(yhat, 2 * v * sigmoid(a1 * g["x_1"] + a2 * g["x_2"] + c) + g["b_o"],
                "so the network is one hidden unit with output weight 2v: the second unit is wasted")
        d.define(sp.Symbol("∂C/∂u₁₁"), grads[g["u_11"]], "reverse pass: every ∂C/∂uⱼₖ carries the factor vⱼ")
        for name in ("u_11", "u_12", "u_21", "u_22"):
            d.equal(grads[g[name]].xreplace({g["v_1"]: 0, g["v_2"]: 0}), 0,
                    f"v₁ = v₂ = 0 (e.g. all weights 0): ∂C/∂{shown(name)} = 0, the first step leaves it unchanged")
        d.note("the seed lists 固定初始化 (constant initialisation) beside random initialisation as a way to "
               "address gradient problems, without saying that constant hidden weights can never break this "
               "symmetry; it is usable for biases only", "the invariance proved above")
        return d

    def evidence(self):
        g = two_unit_network()
        params = [g[name] for pair in UNIT_PARAMS for name in pair] + [g["b_o"]]
        grad = g.grad(g["C"], params)
        run = grad.numeric()
        rng = np.random.default_rng(0)
        data = {g["x_1"]: rng.normal(size=64), g["x_2"]: rng.normal(size=64)}
        data[g["y"]] = np.tanh(2 * data[g["x_1"]] - data[g["x_2"]])

        def train(theta, steps=300, rate=0.5):
            theta = dict(theta)
            for _ in range(steps):
                _, partial = run({**data, **theta})
                theta = {p: theta[p] - rate * float(np.mean(partial[p])) for p in params}
            return theta

        constant = train({p: 0.3 for p in params})
        gap_constant = max(abs(constant[g[one]] - constant[g[two]]) for one, two in UNIT_PARAMS)
        start = {p: float(rng.normal(0, 0.5)) for p in params}
        random_end = train(start)
        gap_random = max(abs(random_end[g[one]] - random_end[g[two]]) for one, two in UNIT_PARAMS)
        runs = Evidence("gradient descent from constant and random starts", 2 * 300, gap_constant, gap_constant,
                        "constant start: units equal to 1e-12; random start: they differ by > 1e-2",
                        gap_constant <= 1e-12 and gap_random > 1e-2,
                        f"64 seeded examples (seed 0), 300 full-batch steps of rate 0.5; largest unit gap "
                        f"{gap_constant:.3g} from the constant start, {gap_random:.3g} from a random start")
        return [grad.check(n=100, seed=1), runs]


class InitVarianceScaling(Proof):
    id = "init-variance-scaling"
    section = "3(4) 解决梯度问题"
    title = "Variance-preserving random initialisation (LeCun/Xavier, He)"
    quote = "初始化方式一般有三种： … 2.随机初始化"
    statement = (r"For y = Σᵢ₌₁ⁿ wᵢxᵢ with all wᵢ, xᵢ independent, E[wᵢ] = 0, Var(wᵢ) = $\sigma_w^2$, E[xᵢ²] = m₂: "
                 r"E[y] = 0 and Var(y) = n $\sigma_w^2$ m₂ (= n Var(w) Var(x) when E[x] = 0), so $\sigma_w^2 = 1/n$ "
                 r"gives Var(y) = Var(x); for z with a symmetric density, E[ReLU(z)²] = Var(z)/2, so after a ReLU "
                 r"layer Var(y) = n $\sigma_w^2$ Var(z)/2 and $\sigma_w^2 = 2/n$ preserves the variance.")

    def derive(self):
        d = Derivation()
        sw2, mu, sx2 = symbol("sigma_w", positive=True) ** 2, symbol("mu_x"), symbol("sigma_x", positive=True) ** 2
        m2 = sx2 + mu ** 2
        moments = {"w": {0: 1, 1: 0, 2: sw2}, "x": {0: 1, 1: mu, 2: m2}}

        def expect(poly, ws, xs):
            """E[poly] for independent ws, xs: each monomial factorises into moments."""
            total = sp.S.Zero
            gens = list(ws) + list(xs)
            for powers, coeff in sp.Poly(sp.expand(poly), *gens).terms():
                term = coeff
                for k, p in enumerate(powers):
                    term *= moments["w" if k < len(ws) else "x"][p]
                total += term
            return total

        for size in range(1, 7):
            ws = [symbol(f"w_{k}") for k in range(1, size + 1)]
            xs = [symbol(f"x_{k}") for k in range(1, size + 1)]
            y = sum(w * x for w, x in zip(ws, xs))
            first, second = expect(y, ws, xs), expect(y ** 2, ws, xs)
            d.define(sp.Symbol("(E[y], E[y²])"), sp.Tuple(first, second),
                     f"n = {size}: expand y and y², factorise each monomial's expectation by independence")
            d.equal(second - first ** 2, size * sw2 * m2, rf"n = {size}: Var(y) = n $\sigma_w^2$ E[x²], and E[y] = 0")
        i, n = symbol("i", integer=True, positive=True), symbol("n", integer=True, positive=True)
        diagonal = sp.Sum(moments["w"][2] * m2, (i, 1, n)).doit()
        d.define(sp.Symbol("Σᵢ E[wᵢ²]E[xᵢ²]"), diagonal, "the i = j terms of E[y²] = Σᵢ Σⱼ E[wᵢwⱼ]E[xᵢxⱼ]")
        d.note("for i ≠ j, E[wᵢwⱼ] = E[wᵢ]E[wⱼ] = 0: only the n diagonal terms remain", "independence")
        d.equal(diagonal, n * sw2 * m2, r"every n: Var(y) = E[y²] = n $\sigma_w^2$ E[x²]")
        d.equal(diagonal.xreplace({mu: 0}), n * sw2 * sx2, "E[x] = 0: Var(y) = n Var(w) Var(x)")
        d.equal((n * sw2 * sx2).subs(sw2, 1 / n), sx2, "Var(w) = 1/n: Var(y) = Var(x) (LeCun)")
        # ReLU halves the second moment of a symmetric input
        z, s = symbol("z"), symbol("s", positive=True)
        p = sp.Function("p")
        negative = sp.Integral(z ** 2 * p(z), (z, -sp.oo, 0))
        positive = sp.Integral(z ** 2 * p(z), (z, 0, sp.oo))
        moved = negative.transform(-z, z)
        d.define(negative, moved, "change of variables z ↦ −z")
        d.equal(moved.xreplace({p(-z): p(z)}), positive, "p(−z) = p(z): the two halves of E[z²] are equal")
        d.note(r"$E[\operatorname{ReLU}(z)^2] = \int_0^\infty z^2 p(z)\, dz$ is one half of E[z²] = Var(z) "
               "(E[z] = 0 by symmetry)",
               "ReLU(z)² = z² for z > 0 and 0 otherwise")
        gauss = sp.exp(-z ** 2 / (2 * s ** 2)) / (s * sp.sqrt(2 * sp.pi))
        d.equal(sp.integrate(z ** 2 * gauss, (z, 0, sp.oo)), s ** 2 / 2,
                r"z ~ N(0, s²): $\int_0^\infty z^2 \varphi(z)\, dz = s^2/2$ (SymPy's integrate)")
        d.equal((n * sw2 * s ** 2 / 2).subs(sw2, 2 / n), s ** 2,
                r"He: after ReLU, Var(y) = n $\sigma_w^2$ Var(z)/2 equals Var(z) for $\sigma_w^2 = 2/n$")
        d.note("the seed lists random initialisation without its scale; the scale is what keeps the "
               "forward signal (and, by the same argument for the transposed weights, the gradient) from "
               "shrinking or growing geometrically with depth", "the variance computation above")
        return d

    def evidence(self):
        fan_in = 16

        def linear(rng, m):  # uniform weights of variance 1/n, uniform inputs of variance 1/3
            w = rng.uniform(-1, 1, (m, fan_in)) * np.sqrt(3.0 / fan_in)
            x = rng.uniform(-1, 1, (m, fan_in))
            return np.sum(w * x, axis=1) ** 2

        def relu_laplace(rng, m):  # Laplace(0, b): Var = 2b², so E[ReLU(z)²] = b²
            return np.maximum(rng.laplace(0.0, 1.5, m), 0.0) ** 2

        def he_layer(rng, m):  # z ~ N(0, 1), weights N(0, 2/n): the next pre-activation keeps variance 1
            z = rng.normal(0.0, 1.0, (m, fan_in))
            w = rng.normal(0.0, np.sqrt(2.0 / fan_in), (m, fan_in))
            return np.sum(w * np.maximum(z, 0.0), axis=1) ** 2

        return [check_expectation(linear, 1.0 / 3.0, n=100_000, seed=0),
                check_expectation(relu_laplace, 1.5 ** 2, n=200_000, seed=1),
                check_expectation(he_layer, 1.0, n=100_000, seed=2)]
