"""The least-squares line: gradient, normal equations, closed form, minimum.

Seed section: 1 损失函数 (the loss function).

Main statements
- ``least-squares-line``: for E(a, b) = Σᵢ (yᵢ − (a xᵢ + b))² the gradient,
  the normal equations, the closed-form minimiser
  a* = (nΣxy − ΣxΣy)/(nΣx² − (Σx)²), b* = ȳ − a* x̄, and that it is the
  unique global minimum when the xᵢ are not all equal.
- ``least-squares-vertical-distance``: E sums squared *vertical* residuals,
  not squared distances to the line: dist((xᵢ, yᵢ), line)² = rᵢ²/(1 + a²),
  and the least-squares line does not minimise Σ dist² unless a* = 0 or the
  fit is exact.

Notation
rᵢ = yᵢ − a xᵢ − b (the residual); Sx = Σxᵢ, Sy = Σyᵢ, Sxx = Σxᵢ²,
Sxy = Σxᵢyᵢ, Syy = Σyᵢ² (sums over i = 1 … n, n symbolic);
D = n Sxx − Sx²; x̄ = Sx/n.

Implementation notes
E is a SymPy ``Sum`` over a symbolic n; its partials come from the rule
table (term by term), and each identity written in the five sums is shown
against the ``Sum`` form itself (linearity of Σ, ``Σ 1 = n``, found by the
claim verifier's transforms).
The normal equations are solved by ``sympy.solve``; the minimum by the exact
expansion of E around the solution (E is quadratic) and completing the
square; the strict positivity of D by the Lagrange form
n Σx² − (Σx)² = Σ_{i<j} (xᵢ − xⱼ)² at n = 3.  Numerically: the closed form
against ``numpy.polyfit`` and ``numpy.linalg.lstsq`` on seeded data, and the
gradient against finite differences at n = 3.

References
Hastie, Tibshirani, Friedman, *The Elements of Statistical Learning* (2009),
§3.2; Golub & Van Loan, *Matrix Computations* (2013), §5.3 and §6.3 (total
least squares).
"""
import numpy as np
import sympy as sp

from derive.catalogue import Derivation, Proof
from derive.numeric import Evidence, check_gradient
from derive.ops import derivative
from derive.symbols import symbol

i = sp.Symbol("i", integer=True, positive=True)
j = sp.Symbol("j", integer=True, positive=True)
n = symbol("n", integer=True, positive=True)
X, Y = sp.IndexedBase("x", real=True), sp.IndexedBase("y", real=True)
a, b, t = symbol("a"), symbol("b"), symbol("t")
Sx, Sy, Sxx, Sxy, Syy = (symbol(s) for s in ("Sx", "Sy", "Sxx", "Sxy", "Syy"))
SUMS = {Sx: X[i], Sy: Y[i], Sxx: X[i] ** 2, Sxy: X[i] * Y[i], Syy: Y[i] ** 2}
LOSS = sp.Sum((Y[i] - (a * X[i] + b)) ** 2, (i, 1, n))
A_SEED = (n * Sxy - Sx * Sy) / (n * Sxx - Sx ** 2)
B_SEED = (Sxx * Sy - Sx * Sxy) / (n * Sxx - Sx ** 2)


def S(term):
    """Σᵢ₌₁ⁿ term."""
    return sp.Sum(term, (i, 1, n))


def as_sums(expr):
    """Replace the sum symbols Sx, … by the Sums they stand for."""
    return expr.xreplace({s: sp.Sum(term, (i, 1, n)) for s, term in SUMS.items()})


def least_squares_numpy(x, y):
    """The seed's closed form a*, b* in float64 (sums, as in the formula)."""
    m = x.size
    den = m * np.dot(x, x) - x.sum() ** 2
    slope = (m * np.dot(x, y) - x.sum() * y.sum()) / den
    return slope, (np.dot(x, x) * y.sum() - x.sum() * np.dot(x, y)) / den


class LeastSquaresLine(Proof):
    id = "least-squares-line"
    section = "1 损失函数"
    title = "The least-squares line: normal equations and closed form"
    quote = r"$$E(θ)=\sum_{i=1}^n(y_i−f(x_i,θ))^2$$"
    statement = ("For f(x, θ) = a x + b and E(a, b) = Σᵢ₌₁ⁿ (yᵢ − a xᵢ − b)²: ∂E/∂a = 2(a Sxx + b Sx − Sxy), "
                 "∂E/∂b = 2(a Sx + n b − Sy); the normal equations have the unique solution "
                 "a* = (n Sxy − Sx Sy)/(n Sxx − Sx²), b* = (Sxx Sy − Sx Sxy)/(n Sxx − Sx²) = ȳ − a* x̄ "
                 "whenever the xᵢ are not all equal, and then E(a* + p, b* + q) − E(a*, b*) = "
                 "Sxx p² + 2 Sx p q + n q² > 0 for (p, q) ≠ 0: the unique global minimum.")

    def derive(self):
        d = Derivation()
        d.define(sp.Symbol("E(a, b)"), LOSS, "the seed's loss with the line f(x, θ) = a x + b, θ = (a, b)")
        for s, term in SUMS.items():
            d.define(s, sp.Sum(term, (i, 1, n)), "notation")
        grad_a, grad_b = derivative(LOSS, a), derivative(LOSS, b)
        d.define(sp.Symbol("∂E/∂a"), grad_a, "rule table, term by term")
        d.define(sp.Symbol("∂E/∂b"), grad_b, "rule table, term by term")
        g_a, g_b = 2 * (a * Sxx + b * Sx - Sxy), 2 * (a * Sx + n * b - Sy)
        d.equal(grad_a, as_sums(g_a), "linearity of Σ: ∂E/∂a = 2(a Sxx + b Sx − Sxy)")
        d.equal(grad_b, 2 * a * S(X[i]) + 2 * S(b) - 2 * S(Y[i]), "linearity of Σ")
        d.define(S(b), S(b).doit(), "a constant summed n times: so ∂E/∂b = 2(a Sx + n b − Sy)")
        # the concrete case n = 3, fully expanded, as a cross-check of the Σ manipulation
        x3, y3 = [symbol(f"x_{k}") for k in (1, 2, 3)], [symbol(f"y_{k}") for k in (1, 2, 3)]
        e3 = sum((yk - a * xk - b) ** 2 for xk, yk in zip(x3, y3))
        at3 = {Sx: sum(x3), Sy: sum(y3), Sxx: sum(v ** 2 for v in x3), Sxy: sum(u * v for u, v in zip(x3, y3))}
        d.equal(derivative(e3, a), g_a.xreplace({**at3, n: 3}), "n = 3 written out")
        d.equal(derivative(e3, b), g_b.xreplace({**at3, n: 3}), "n = 3 written out")
        # the normal equations and their solution
        d.note("normal equations: a Sxx + b Sx = Sxy and a Sx + n b = Sy", "∇E = 0")
        (sol,) = sp.solve([g_a, g_b], [a, b], dict=True)
        a_star = d.define(sp.Symbol("a*"), sol[a], "SymPy's solve")
        b_star = d.define(sp.Symbol("b*"), sol[b], "SymPy's solve")
        d.equal(a_star, A_SEED, "the closed form (n Σxy − Σx Σy)/(n Σx² − (Σx)²)")
        d.equal(b_star, B_SEED, "the closed form for the intercept")
        d.equal(b_star, Sy / n - a_star * Sx / n, "b* = ȳ − a* x̄: the line passes through (x̄, ȳ)")
        # the Hessian and its determinant
        hess = sp.Matrix([[2 * Sxx, 2 * Sx], [2 * Sx, 2 * n]])
        for r, c in ((0, 0), (0, 1), (1, 0)):
            u, v = (a, b)[r], (a, b)[c]
            d.equal(derivative(derivative(LOSS, u), v), as_sums(hess[r, c]),
                    f"∂²E/∂{u}∂{v} by the rule table and linearity of Σ")
        d.define(sp.Symbol("∂²E/∂b²"), derivative(derivative(LOSS, b), b).doit(), "rule table, then the sum evaluated")
        det = d.define(sp.Symbol("det ∇²E"), hess.det(), "determinant of [[2Sxx, 2Sx], [2Sx, 2n]]")
        m = symbol("m")
        d.equal(S((X[i] - m) ** 2), as_sums(Sxx - 2 * m * Sx) + S(m ** 2), "linearity of Σ, for any constant m")
        d.define(S(m ** 2), S(m ** 2).doit(), "the sum evaluated")
        d.equal(n * (Sxx - 2 * m * Sx + n * m ** 2).xreplace({m: Sx / n}), det / 4,
                "m = x̄ = Sx/n: det ∇²E = 4 n Σ(xᵢ − x̄)² = 4 D")
        d.note("for every n, D = n Σ(xᵢ − x̄)² is a sum of squares, 0 only when every xᵢ = x̄",
               "so D > 0 exactly when the xᵢ are not all equal; at n = 3 explicitly:")
        lagrange = sum((x3[r] - x3[c]) ** 2 for r in range(3) for c in range(r + 1, 3))
        d.equal(3 * sum(v ** 2 for v in x3) - sum(x3) ** 2, lagrange,
                r"Lagrange's form at n = 3: $n \sum x^2 - (\sum x)^2 = \sum_{i<j} (x_i - x_j)^2$")
        d.holds(lagrange - (x3[0] - x3[1]) ** 2, ">=", 0, "the other terms are squares")
        delta = symbol("delta", positive=True)
        d.holds(((x3[0] - x3[1]) ** 2).xreplace({x3[1]: x3[0] + delta}), ">", 0,
                "some two xᵢ differ; call them x₁ and x₂ = x₁ + δ, δ > 0: so D > 0 (the xᵢ not all equal)")
        # E is quadratic, so its expansion is exact
        p, q = symbol("p"), symbol("q")
        e_sums = Syy - 2 * a * Sxy - 2 * b * Sy + a ** 2 * Sxx + 2 * a * b * Sx + n * b ** 2
        d.equal(LOSS, as_sums(e_sums - n * b ** 2) + S(b ** 2), "linearity of Σ: E in the five sums")
        d.define(S(b ** 2), S(b ** 2).doit(), "the sum evaluated")
        form = Sxx * p ** 2 + 2 * Sx * p * q + n * q ** 2
        d.equal(e_sums.xreplace({a: a + p, b: b + q}) - e_sums, p * g_a + q * g_b + form,
                "exact second-order expansion: E(a + p, b + q) − E(a, b) = p ∂E/∂a + q ∂E/∂b + Q(p, q)")
        d.equal(g_a.xreplace(sol), 0, "∂E/∂a = 0 at (a*, b*)")
        d.equal(g_b.xreplace(sol), 0, "∂E/∂b = 0 at (a*, b*): so E(a* + p, b* + q) − E(a*, b*) = Q(p, q)")
        D = symbol("D", positive=True)
        square = n * (q + Sx * p / n) ** 2 + D * p ** 2 / n
        d.equal(form, square.xreplace({D: n * Sxx - Sx ** 2}), "completing the square")
        d.holds(square, ">=", 0, "n > 0 and D > 0")
        d.holds(square.xreplace({p: symbol("p", nonzero=True)}), ">", 0, "p ≠ 0: D p²/n > 0")
        d.holds(square.xreplace({p: 0, q: symbol("q", nonzero=True)}), ">", 0, "p = 0, q ≠ 0: n q² > 0")
        d.note("so (a*, b*) is the unique global minimiser of E when the xᵢ are not all equal",
               "E(a* + p, b* + q) > E(a*, b*) for every (p, q) ≠ (0, 0)")
        return d

    def evidence(self):
        rng = np.random.default_rng(0)
        worst, worst_fit = 0.0, 0.0
        trials = 200
        for _ in range(trials):
            m = int(rng.integers(3, 60))
            x = rng.normal(0.0, 2.0, m)
            y = 1.5 * x - 0.7 + rng.normal(0.0, 0.5, m)
            slope, intercept = least_squares_numpy(x, y)
            poly = np.polyfit(x, y, 1)
            lst = np.linalg.lstsq(np.column_stack([x, np.ones(m)]), y, rcond=None)[0]
            mine = np.array([slope, intercept])
            worst = max(worst, float(np.max(np.abs(mine - poly))), float(np.max(np.abs(mine - lst))))
            worst_fit = max(worst_fit, float(np.max(np.abs(mine))))
        closed = Evidence("closed form vs NumPy's polyfit and lstsq", trials, worst,
                          worst / worst_fit, "atol 1e-10", worst < 1e-10,
                          f"{trials} seeded data sets (seed 0), n from 3 to 59, y = 1.5x − 0.7 + noise")
        x3, y3 = [symbol(f"x_{k}") for k in (1, 2, 3)], [symbol(f"y_{k}") for k in (1, 2, 3)]
        e3 = sum((yk - a * xk - b) ** 2 for xk, yk in zip(x3, y3))
        claimed = {a: -2 * sum(xk * (yk - a * xk - b) for xk, yk in zip(x3, y3)),
                   b: -2 * sum(yk - a * xk - b for xk, yk in zip(x3, y3))}
        return [closed, check_gradient(e3, claimed, [a, b], n=100, seed=1)]


class LeastSquaresVerticalDistance(Proof):
    id = "least-squares-vertical-distance"
    section = "1 损失函数"
    title = "Least squares measures vertical residuals, not distances to the line"
    quote = r"也就是让所有点距离我们的直线更近，化成数学的语言也就是： … $$E(θ)=\sum_{i=1}^n(y_i−f(x_i,θ))^2$$"
    statement = ("The distance from (xᵢ, yᵢ) to the line y = a x + b satisfies dist² = rᵢ²/(1 + a²) with "
                 "rᵢ = yᵢ − a xᵢ − b, so E = (1 + a²)·Σ distᵢ²; at the least-squares solution, "
                 "∂/∂a Σ distᵢ² = −2 a* E(a*, b*)/(1 + a*²)², which is ≠ 0 when a* ≠ 0 and the points are "
                 "not collinear: the least-squares line is then not the line closest to the points.")
    erratum = True
    why_wrong = ("E sums squared vertical residuals yᵢ − f(xᵢ, θ), not squared distances to the line (those are "
                 "rᵢ²/(1 + a²)), so minimising E does not bring the line closest to the points: at the least-"
                 "squares fit the sum of squared distances still has slope −2a*E/(1 + a*²)² ≠ 0 in a when a* ≠ 0 "
                 "and the points are not collinear.")
    correction = ("E sums squared vertical residuals yᵢ − f(xᵢ, θ), not squared distances to the line "
                  "(those are rᵢ²/(1 + a²), minimised by total least squares); the two fits coincide only "
                  "when a* = 0 or the points are collinear.")

    def derive(self):
        d = Derivation()
        u, v = symbol("u"), symbol("v")
        dist2 = (u - t) ** 2 + (v - a * t - b) ** 2
        d.define(sp.Symbol("|(u, v) − (t, a t + b)|²"), dist2, "squared distance to the point of the line at t")
        t_star = (u + a * (v - b)) / (1 + a ** 2)
        r = v - a * u - b
        d.equal(dist2, (1 + a ** 2) * (t - t_star) ** 2 + r ** 2 / (1 + a ** 2),
                "completing the square in t")
        d.holds((1 + a ** 2) * (t - t_star) ** 2, ">=", 0, "a square times 1 + a² > 0: minimum at t = t*")
        d.equal(dist2.xreplace({t: t_star}), r ** 2 / (1 + a ** 2),
                "dist² = r²/(1 + a²), strictly less than r² when a ≠ 0")
        d.note("so E(a, b) = Σ rᵢ² = (1 + a²)·Σ distᵢ²: E is not the sum of squared distances",
               "the seed's '距离我们的直线更近' (closer to our line) is measured vertically")
        e = sp.Function("E")
        total = e(a, b) / (1 + a ** 2)
        slope = sp.diff(total, a)
        d.define(sp.Symbol("∂/∂a Σ distᵢ²"), slope, "quotient rule")
        at_star = slope.subs(sp.Derivative(e(a, b), a), 0)
        d.equal(at_star, -2 * a * e(a, b) / (1 + a ** 2) ** 2, "at (a*, b*) the normal equation ∂E/∂a = 0 holds")
        # a concrete data set: (0, 0), (1, 0), (2, 3)
        data = [(0, 0), (1, 0), (2, 3)]
        sums = {n: 3, Sx: sum(p for p, _ in data), Sy: sum(q for _, q in data),
                Sxx: sum(p * p for p, _ in data), Sxy: sum(p * q for p, q in data), Syy: sum(q * q for _, q in data)}
        a_num, b_num = A_SEED.xreplace(sums), B_SEED.xreplace(sums)
        e_num = sum((yv - a_num * xv - b_num) ** 2 for xv, yv in data)
        d.define(sp.Symbol("(a*, b*, E*)"), sp.Tuple(a_num, b_num, e_num), "data (0, 0), (1, 0), (2, 3)")
        d.holds(-2 * a_num * e_num / (1 + a_num ** 2) ** 2, "<", 0,
                "the sum of squared distances still decreases: the least-squares line is not the closest")
        return d

    def evidence(self):
        rng = np.random.default_rng(2)
        trials, gaps = 200, []
        for _ in range(trials):
            m = int(rng.integers(5, 40))
            x = rng.normal(0.0, 1.0, m)
            y = 2.0 * x + 0.3 + rng.normal(0.0, 0.8, m)
            slope, intercept = least_squares_numpy(x, y)
            centred = np.column_stack([x - x.mean(), y - y.mean()])
            normal = np.linalg.svd(centred)[2][-1]  # total least squares: the direction of least spread
            tls_slope = -normal[0] / normal[1]
            tls_intercept = y.mean() - tls_slope * x.mean()
            dist2 = lambda s, c: float(np.sum((y - s * x - c) ** 2) / (1 + s * s))
            gaps.append(dist2(slope, intercept) - dist2(tls_slope, tls_intercept))
        gaps = np.array(gaps)
        misses = int(np.sum(gaps <= 1e-9))
        return [Evidence("least squares vs total least squares (SVD)", trials, float(misses), misses / trials,
                         "Σ dist² larger at the least-squares line by > 1e-9", misses == 0,
                         f"{trials} seeded data sets (seed 2); err = number of data sets where the least-squares line "
                         f"is as close as the SVD line; smallest excess of Σ dist²: {gaps.min():.3g}")]
