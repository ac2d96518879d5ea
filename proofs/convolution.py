"""Convolution: the MLP parameter count, the definitions, CNN "convolution", its properties.

Seed section: 5 卷积 (convolution) and 5(1) 性质 (its properties).

Main statements
- ``mlp-parameter-count``: a dense layer of h units on an H×W×C image has H·W·C·h weights
  (+ h biases); 12M pixels × 3 channels × 100 units = 3.6·10⁹, as the seed says.
- ``convolution-definitions`` (erratum): the continuous definition is right; the discrete one
  sums over i a summand in τ, which diverges; (x * y)(n) = Σ_τ x(τ) y(n − τ) is commutative.
- ``cnn-cross-correlation``: the CNN "convolution" is cross-correlation, a convolution with the
  flipped kernel: (x ⋆ k)[i] = (x * flip k)[i + K − 1], in 1-D and 2-D.
- ``worked-sum``: the seed's 2 − 10 + 1 − 5 + 23 − 24 = −13.
- ``translation-equivariance`` (erratum): convolution is translation-equivariant, not invariant;
  a global max on top of a circular correlation is invariant.
- ``convolution-locality``: ∂y[i]/∂x[j] = k[j − i] for 0 ≤ j − i < K, else 0; two stacked
  3-wide layers see 5 inputs.

Notation
x = (x₀, …, x_{n−1}) an input, k = (k₀, …, k_{K−1}) a kernel, both symbols from
:mod:`derive.symbols`.  (x ⋆ k)[i] = Σ_a x[i + a] k[a] ("valid" cross-correlation, the CNN
layer), (x * y)[m] = Σ_τ x[τ] y[m − τ] (convolution, finite supports), flip k[a] = k[K − 1 − a],
(S x)[i] = x[i − 1] the shift (cyclic for the circular correlation).

Implementation notes
Every operation is a small Python function on lists of SymPy expressions (1-D and 2-D
correlation and convolution, circular correlation, cyclic shift); the numeric checks run the
same functions on floats and compare them with NumPy's independent implementations.
Identities are proved component by component with ``d.equal``; a whole Jacobian row is
compared through its product with a tangent of independent symbols t_j (a polynomial identity
in the t_j, so it states every pair (i, j) at once).  The divergent seed sum uses SymPy's
``Sum(...).doit()`` and ``limit``; the continuous example integrates two Gaussians exactly.
The 2-D reference uses ``sliding_window_view`` (SciPy is not installed); all data are seeded.

References
Goodfellow, Bengio, Courville, *Deep Learning* (2016), §9.1–9.3 (convolution, cross-correlation,
equivariance, pooling); Zhang et al., *Dive into Deep Learning*, §7.1–7.2; Oppenheim & Willsky,
*Signals and Systems* (1997), §2.1–2.2.
"""
import numpy as np
import sympy as sp
from numpy.lib.stride_tricks import sliding_window_view

from derive.catalogue import Derivation, Proof
from derive.numeric import Evidence, check_gradient
from derive.ops import derivative
from derive.symbols import symbol

SEED = 0


# --- the operations, on lists of SymPy expressions or NumPy arrays -------------------------------

def symbols_of(name, n):
    """[name_0, …, name_{n−1}], real symbols."""
    return [symbol(f"{name}_{i}") for i in range(n)]


def correlate(x, k):
    """'valid' cross-correlation, the CNN layer: out[i] = Σ_a x[i + a]·k[a]."""
    return [sp.Add(*(x[i + a] * k[a] for a in range(len(k)))) for i in range(len(x) - len(k) + 1)]


def convolve(x, y):
    """Full convolution of finite sequences: out[m] = Σ_τ x[τ]·y[m − τ] over the supports.

    The entries may be SymPy expressions or floats (the evidence runs it on float64 draws, in float64).
    """
    return [sum(x[t] * y[m - t] for t in range(len(x)) if 0 <= m - t < len(y))
            for m in range(len(x) + len(y) - 1)]


def correlate2d(X, K):
    """'valid' 2-D cross-correlation: out[i][j] = Σ_{a,b} X[i + a][j + b]·K[a][b]."""
    p, q = len(K), len(K[0])
    return [[sp.Add(*(X[i + a][j + b] * K[a][b] for a in range(p) for b in range(q)))
             for j in range(len(X[0]) - q + 1)] for i in range(len(X) - p + 1)]


def convolve2d(X, Y):
    """Full 2-D convolution: out[m][l] = Σ_{s,t} X[s][t]·Y[m − s][l − t] over the supports."""
    rows, cols = len(X) + len(Y) - 1, len(X[0]) + len(Y[0]) - 1
    return [[sp.Add(*(X[s][t] * Y[m - s][l - t] for s in range(len(X)) for t in range(len(X[0]))
                      if 0 <= m - s < len(Y) and 0 <= l - t < len(Y[0])))
             for l in range(cols)] for m in range(rows)]


def correlate_circular(x, k):
    """Circular cross-correlation: out[i] = Σ_a x[(i + a) mod n]·k[a]."""
    n = len(x)
    return [sp.Add(*(x[(i + a) % n] * k[a] for a in range(len(k)))) for i in range(n)]


def roll(x, s):
    """The cyclic shift by s: (Sˢx)[i] = x[(i − s) mod n]."""
    return [x[(i - s) % len(x)] for i in range(len(x))]


def band(k, i, j):
    """∂(x ⋆ k)[i]/∂x[j] as claimed: k[j − i] on the window 0 ≤ j − i < K, else 0."""
    return k[j - i] if 0 <= j - i < len(k) else sp.Integer(0)


def numpy_convolve2d(X, Y):
    """Full 2-D convolution by its definition, with NumPy loops over the kernel."""
    out = np.zeros((X.shape[0] + Y.shape[0] - 1, X.shape[1] + Y.shape[1] - 1))
    for s in range(X.shape[0]):
        for t in range(X.shape[1]):
            out[s:s + Y.shape[0], t:t + Y.shape[1]] += X[s, t] * Y
    return out


def agreement(method, actual, reference, detail, tol=1e-9):
    """Evidence that two float64 arrays agree to ``tol`` (absolute, relative to max(1, |ref|))."""
    actual, reference = np.asarray(actual, dtype=np.float64), np.asarray(reference, dtype=np.float64)
    err = np.abs(actual - reference)
    rel = err / np.maximum(1.0, np.abs(reference))
    return Evidence(method, int(reference.size), float(err.max()), float(rel.max()), f"rel {tol:g}",
                    bool(np.all(np.isfinite(actual)) and rel.max() <= tol), detail)


# --- 5 卷积: why not an MLP ----------------------------------------------------------------------

class MlpParameterCount(Proof):
    id = "mlp-parameter-count"
    section = "5 卷积"
    title = "A dense layer on a 12-megapixel photo has 3.6 billion weights"
    quote = ("一张照片的像素假设为12M ，那么对于 RGB 三色就有 36M 个元素，那么如果使用一个大小为100的 MLP 处理，"
             "那么参数就可以达到 3.6B")
    statement = ("A dense layer of h units on an H×W×C input has H·W·C·h weights and h biases. With "
                 "H·W = 12·10⁶ pixels, C = 3, h = 100: 3.6·10⁷ inputs and 3.6·10⁹ weights "
                 "(3 600 000 100 parameters with the biases), as the seed says.")

    def derive(self):
        d = Derivation()
        H, W, C, h = (symbol(s, integer=True, positive=True) for s in ("H", "W", "C", "h"))
        weights_shape, bias_shape = (h, H * W * C), (h,)
        params = d.define(symbol("params"), sp.Mul(*weights_shape) + sp.Mul(*bias_shape),
                          "a weight matrix of shape (h, H·W·C) and a bias vector of shape (h,)")
        d.equal(params, h * (H * W * C + 1), "factor out the width h")
        photo = {H: 4000, W: 3000, C: 3, h: 100}  # a 12-megapixel photo, 4000 × 3000
        d.equal((H * W).subs(photo), 12 * 10**6, "12M pixels (M = 10⁶), e.g. 4000 × 3000; only H·W matters")
        d.equal((H * W * C).subs(photo), 36 * 10**6, "the seed's 36M elements (12M × 3 colours)")
        d.equal(sp.Mul(*weights_shape).subs(photo), sp.Rational(36, 10) * 10**9, "the seed's 3.6B weights")
        total = d.define(symbol("params_total"), params.subs(photo), "weights plus the 100 biases")
        d.holds((total - sp.Rational(36, 10) * 10**9) / total, "<", sp.Rational(1, 10**7),
                "the biases change 3.6B by less than one part in 10⁷")
        d.note("The seed's numbers are consistent: 12M × 3 = 36M, and 36M × 100 = 3.6B.",
               "the equalities above")
        d.note("The count is for the first (input) layer alone; an MLP with more layers has more "
               "parameters, so 3.6B is a lower bound for the whole network.", "reading of the seed")
        return d

    def evidence(self):
        rng = np.random.default_rng(SEED)
        counted, formula = [], []
        for _ in range(50):
            H, W, C, h = (int(v) for v in rng.integers(1, 9, size=4))
            image = rng.standard_normal((H, W, C))
            weight, bias = rng.standard_normal((h, H * W * C)), rng.standard_normal(h)
            out = weight @ image.reshape(-1) + bias  # the dense layer really runs on the image
            counted.append(weight.size + bias.size if out.shape == (h,) else -1)
            formula.append(H * W * C * h + h)
        counted.append(np.float64(4000 * 3000) * 3 * 100)  # and the seed's layer, in float64
        formula.append(3.6e9)
        return [agreement("dense layers built with NumPy", counted, formula, "parameters counted from array "
                          "sizes of 50 random layers (seed 0) vs H·W·C·h + h; 12e6·3·100 vs 3.6e9", 0.0)]


# --- 5 卷积: the signal-processing definitions ------------------------------------------------------

class ConvolutionDefinitions(Proof):
    id = "convolution-definitions"
    section = "5 卷积"
    title = "The continuous and discrete convolution"
    quote = (r"$$f(x) * g(x)=\int_{-\infty}^{\infty} f(\tau)g(x-\tau) d\tau$$ … "
             r"$$x(n) * y(n) = \sum_{i=-\infty}^{\infty} x(\tau) y(n-\tau)$$ … 其中 $n$ 要求为整数。")
    statement = (r"(f * g)(x) = ∫ f(τ) g(x − τ) dτ is right (example: "
                 r"$e^{-\tau^2} * e^{-2\tau^2} = \sqrt{\pi/3}\, e^{-2x^2/3}$, and f * g = g * f). The discrete "
                 r"formula as written sums over i a term that does not contain i: "
                 r"$\sum_{i=-N}^{N} x(\tau) y(n - \tau) = (2N + 1)\, x(\tau) y(n - \tau)$, which diverges and "
                 r"depends on a free τ; for x = y = δ at n = τ = 0 it tends to ∞, not (δ * δ)(0) = 1.")
    expected = "refuted"
    erratum = True
    why_wrong = ("The discrete formula sums over i a term that does not contain i: over i = −N…N it is (2N + "
                 "1)·x(τ)y(n − τ), which diverges and depends on a free τ; the summation index must be τ.")
    correction = (r"$(x * y)(n) = \sum_{\tau=-\infty}^{\infty} x(\tau)\, y(n - \tau)$ for integer n (summation "
                  r"index τ); it is commutative: substituting τ → n − τ gives "
                  r"$\sum_\tau y(\tau)\, x(n - \tau) = (y * x)(n)$.")

    def derive(self):
        d = Derivation()
        t, x, u = symbol("tau"), symbol("x"), symbol("u")
        f, g = sp.Lambda(t, sp.exp(-t**2)), sp.Lambda(t, sp.exp(-2 * t**2))
        outside = sp.exp(-2 * x**2 / 3)
        values = []
        for first, second, centre in ((f, g, 2 * x / 3), (g, f, x / 3)):
            d.equal(first(t) * second(x - t), outside * sp.exp(-3 * (t - centre)**2),
                    "complete the square in the exponent")
            bell = sp.integrate(sp.exp(-3 * (t - centre)**2), (t, -sp.oo, sp.oo))
            d.define(sp.Integral(sp.exp(-3 * (t - centre)**2), (t, -sp.oo, sp.oo)), bell, "SymPy's integrate")
            values.append(outside * bell)
        d.equal(values[0], sp.sqrt(sp.pi / 3) * outside,
                r"(f * g)(x) is the known Gaussian convolution $\sqrt{\pi/(a+b)}\, e^{-ab x^2/(a+b)}$, a = 1, b = 2")
        d.equal(values[1], values[0], "and (g * f)(x) = (f * g)(x) on the example")
        F, G = sp.Function("f"), sp.Function("g")
        general = sp.Integral(F(t) * G(x - t), (t, -sp.oo, sp.oo))
        d.define(general, general.transform(t, (x - u, u)),
                 "SymPy's change of variables τ = x − u in the integral: dτ = −du and the limits swap back")
        d.equal(general.transform(t, (x - u, u)), sp.Integral(G(u) * F(x - u), (u, -sp.oo, sp.oo)),
                "so f * g = g * f for all integrable f, g")
        d.note("The continuous definition is correct; writing f(x) * g(x) for (f * g)(x) is the usual "
               "signals-textbook shorthand.", "Oppenheim & Willsky §2.5")

        n, tau, i, v = (symbol(s, integer=True) for s in ("n", "tau", "i", "v"))
        N = symbol("N", integer=True, positive=True)
        X, Y = sp.Function("x"), sp.Function("y")
        seed_window = sp.Sum(X(tau) * Y(n - tau), (i, -N, N))
        d.define(seed_window, seed_window.doit(),
                 "SymPy evaluates the sum: it runs over i, but its term contains τ, not i: 2N + 1 equal terms")
        delta = lambda m: sp.KroneckerDelta(m, 0)
        seed_at = {s: sp.Sum(delta(s) * delta(-s), (i, -N, N)).doit() for s in (0, 1)}
        d.define(sp.Sum(delta(0) * delta(0), (i, -N, N)), seed_at[0], "x = y = δ, n = 0, τ = 0")
        d.define(sp.Sum(delta(1) * delta(-1), (i, -N, N)), seed_at[1], "x = y = δ, n = 0, τ = 1: another value")
        seed_limit = sp.limit(seed_at[0], N, sp.oo)
        d.define(sp.Limit(seed_at[0], N, sp.oo), seed_limit, "SymPy's limit: the seed's sum diverges")
        right = sp.Sum(delta(tau) * delta(-tau), (tau, -N, N)).doit()
        d.define(sp.Sum(delta(tau) * delta(-tau), (tau, -N, N)), right, "the convolution (δ * δ)(0), summed over τ")
        d.refuted_by(sp.Ne(seed_limit, sp.limit(right, N, sp.oo)),
                     "the seed's sum is ∞ where (δ * δ)(0) = 1 (and at τ = 1 it is 0: it depends on the free τ)")

        d.note("Correction: the summation index must be τ, the variable in x(τ) y(n − τ).", "erratum")
        corrected = sp.Sum(X(tau) * Y(n - tau), (tau, -sp.oo, sp.oo))
        swapped = corrected.change_index(tau, n - tau, v)
        d.define(corrected, swapped, "SymPy's change of summation index: v = n − τ runs over all integers as τ does")
        d.equal(swapped, sp.Sum(Y(v) * X(n - v), (v, -sp.oo, sp.oo)), "so x * y = y * x")
        a, b = symbols_of("a", 3), symbols_of("b", 4)
        for m, (ab, ba) in enumerate(zip(convolve(a, b), convolve(b, a))):
            d.equal(ab, ba, f"(a * b)[{m}] = (b * a)[{m}] for sequences supported on 0…2 and 0…3")
        return d

    def evidence(self):
        rng = np.random.default_rng(SEED)
        mine, numpys, swapped = [], [], []
        for _ in range(100):
            a, b = rng.standard_normal(rng.integers(1, 12)), rng.standard_normal(rng.integers(1, 12))
            mine.append(np.array(convolve(list(a), list(b)), dtype=np.float64))
            numpys.append(np.convolve(a, b))
            swapped.append(np.convolve(b, a))
        mine, numpys, swapped = (np.concatenate(v) for v in (mine, numpys, swapped))
        grid = np.linspace(-10.0, 10.0, 20_001)
        xs = rng.uniform(-3.0, 3.0, 50)
        trapezoid = lambda f: float((f[1:] + f[:-1]).sum() * (grid[1] - grid[0]) / 2)
        quad = [trapezoid(np.exp(-grid**2) * np.exp(-2 * (x - grid)**2)) for x in xs]
        closed = np.sqrt(np.pi / 3) * np.exp(-2 * xs**2 / 3)
        windows = np.arange(0, 51)  # the seed's sum adds the term δ(0)δ(0) = 1 once per i in −N..N
        seed_sums = [np.ones(2 * w + 1).sum() for w in windows]
        return [agreement("corrected definition vs NumPy's convolve", mine, numpys,
                          "100 random sequence pairs of lengths 1 to 11 (seed 0)"),
                agreement("commutativity, NumPy's convolve", numpys, swapped,
                          "NumPy's convolution of a with b vs of b with a"),
                agreement("Gaussian convolution by quadrature", quad, closed,
                          r"trapezoid rule on [−10, 10], step 1e-3, at 50 random x vs "
                          r"$\sqrt{\pi/3}\, e^{-2x^2/3}$", 1e-8),
                agreement("seed's window sum on impulses", seed_sums, 2 * windows + 1,
                          r"$\sum_{i=-N}^{N} \delta(0)\delta(0)$ for N = 0…50 is 2N + 1, unbounded "
                          "(the convolution is 1)", 0.0)]


# --- 5 卷积: the CNN "convolution" --------------------------------------------------------------

class CnnCrossCorrelation(Proof):
    id = "cnn-cross-correlation"
    section = "5 卷积"
    title = "The CNN 'convolution' is cross-correlation, i.e. convolution with a flipped kernel"
    quote = ("但是很可惜，卷积神经网络中的卷积并不是这个定义 … 也就是对应位相乘之和相加 … "
             "有点类似离散卷积。所以我们后面也就是叫他卷积了。")
    statement = ("(x ⋆ k)[i] = Σₐ x[i + a] k[a] = (x * flip k)[i + K − 1] with flip k[a] = k[K − 1 − a]; "
                 "in 2-D (X ⋆ K)[i, j] = (X * rot180 K)[i + p − 1, j + q − 1] for a p×q kernel.")

    def derive(self):
        d = Derivation()
        x, k = symbols_of("x", 5), symbols_of("k", 3)
        flipped = convolve(x, k[::-1])
        for i, out in enumerate(correlate(x, k)):
            d.equal(out, flipped[i + 2], f"(x ⋆ k)[{i}] = (x * flip k)[{i + 2}], n = 5, K = 3")
        X = [symbols_of(f"X{r}", 4) for r in range(4)]
        K = [symbols_of(f"K{r}", 3) for r in range(3)]
        rotated = convolve2d(X, [row[::-1] for row in K[::-1]])
        for i, row in enumerate(correlate2d(X, K)):
            for j, out in enumerate(row):
                d.equal(out, rotated[i + 2][j + 2], f"(X ⋆ K)[{i},{j}] = (X * rot180 K)[{i + 2},{j + 2}], 4×4 input, 3×3 kernel")
        unflipped = convolve(x, k)[2]
        d.define(symbol("x_conv_k_2"), unflipped, "the true convolution (x * k)[2], without the flip")
        d.note("(x * k)[2] = x₀k₂ + x₁k₁ + x₂k₀ differs from (x ⋆ k)[0] = x₀k₀ + x₁k₁ + x₂k₂ unless k₀ = k₂: "
               "the only difference between the two operations is the kernel flip.", "the definitions")
        d.note("The seed is right that the CNN operation is not the signal-processing definition and that it "
               "is still called convolution; since the kernel is learned, the flip is immaterial.",
               "Goodfellow et al. §9.1")
        return d

    def evidence(self):
        rng = np.random.default_rng(SEED)
        direct, corr, conv = [], [], []
        for _ in range(100):
            x, k = rng.standard_normal(rng.integers(5, 20)), rng.standard_normal(rng.integers(1, 5))
            direct.append(np.array(correlate(list(x), list(k)), dtype=np.float64))
            corr.append(np.correlate(x, k, "valid"))
            conv.append(np.convolve(x, k[::-1], "valid"))
        direct, corr, conv = (np.concatenate(v) for v in (direct, corr, conv))
        windows, rotated = [], []
        for _ in range(50):
            X, K = rng.standard_normal((rng.integers(3, 9), rng.integers(3, 9))), rng.standard_normal((3, 3))
            windows.append(np.einsum("ijab,ab->ij", sliding_window_view(X, K.shape), K).ravel())
            rotated.append(numpy_convolve2d(X, K[::-1, ::-1])[2:X.shape[0], 2:X.shape[1]].ravel())
        return [agreement("multiply-and-add vs NumPy's correlate", direct, corr, "100 random (x, k) pairs (seed 0)"),
                agreement("NumPy's correlate vs its convolve with the flipped kernel", corr, conv, "'valid' mode, same pairs"),
                agreement("2-D: sliding windows vs full convolution with rot180 K", np.concatenate(windows),
                          np.concatenate(rotated), "50 random images up to 8×8, 3×3 kernels (seed 0)")]


class WorkedSum(Proof):
    id = "worked-sum"
    section = "5 卷积"
    title = "The worked example 2 − 10 + 1 − 5 + 23 − 24 = −13"
    quote = "所以也就是： $2-10+1-5+23-24=-13$。"
    statement = "2 − 10 + 1 − 5 + 23 − 24 = −13."

    TERMS = (2, -10, 1, -5, 23, -24)

    def derive(self):
        d = Derivation()
        kept = lambda v: sp.UnevaluatedExpr(sp.Integer(abs(v))) * (1 if v > 0 else -1)  # shown as written
        d.equal(sp.Add(*map(kept, self.TERMS)), sp.Integer(-13), "exact integer arithmetic, term by term")
        positive, negative = sum(v for v in self.TERMS if v > 0), sum(v for v in self.TERMS if v < 0)
        d.equal(kept(positive) + kept(negative), sp.Integer(-13), "the positive terms add to 26, the negative to −39")
        d.note("Only the arithmetic can be checked: the kernel and the image are pictures (links in the text), "
               "so whether these six products are the right window entries, and why a 3×3 window gives six "
               "non-zero products, cannot be verified from the text.", "the seed's figures are not in the text")
        return d

    def evidence(self):
        values = np.array(self.TERMS, dtype=np.float64)
        return [agreement("float64 sum", [values.sum()], [-13.0], "numpy sum of the six terms", 0.0)]


# --- 5(1) 性质: translation and locality -------------------------------------------------------------

class TranslationEquivariance(Proof):
    id = "translation-equivariance"
    section = "5(1) 性质：平移不变性"
    title = "Convolution is translation-equivariant, not invariant"
    quote = ("因为卷积核不依赖物体的位置，只依赖自己的值以及物体的值，所以就算一个物体出现在一张图片中的不同位置，"
             "卷积操作也可以得到同样的结果，这就是卷积的**平移不变性**。")
    statement = ("Shifting the input does not leave the output the same: an impulse at position 2 or 3 gives "
                 "different outputs. Instead conv(S x) = S conv(x): exactly for the circular correlation, and "
                 r"in the interior for the 'valid' one; $\max_i$ of a circular correlation is shift-invariant.")
    expected = "refuted"
    erratum = True
    why_wrong = ("Shifting the input shifts the output instead of leaving it the same (an impulse at position 2 or "
                 "3 gives different outputs): convolution is translation-equivariant, conv(Sx) = S conv(x), and "
                 "invariance needs pooling on top.")
    correction = ("Convolution is translation-equivariant: shifting the input shifts the output by the same "
                  "amount (conv(Sx) = S conv(x)); invariance needs pooling or a global aggregation on top, e.g. "
                  "the global max of a circular correlation is invariant under circular shifts.")

    def derive(self):
        d = Derivation()
        k = symbols_of("k", 3)
        impulse = lambda p: [sp.Integer(int(j == p)) for j in range(6)]
        here, there = correlate(impulse(2), k), correlate(impulse(3), k)
        d.define(symbol("out_at_2"), sp.Matrix([here]), "x ⋆ k for an impulse at position 2, n = 6")
        d.define(symbol("out_at_3"), sp.Matrix([there]), "the same object moved one place to the right")
        d.refute(there[0], "=", here[0], "the first output of the shifted object is not the same")

        x, kc = symbols_of("x", 6), symbols_of("k", 3)
        moved, original = correlate_circular(roll(x, 1), kc), roll(correlate_circular(x, kc), 1)
        for i, (a, b) in enumerate(zip(moved, original)):
            d.equal(a, b, f"circular: (Sx ⋆ k)[{i}] = (S(x ⋆ k))[{i}], n = 6; Sˢ follows by iterating S")
        xv = symbols_of("x", 7)
        shifted = [sp.Integer(0)] + xv[:-1]  # shift right by one, a zero enters at the border
        valid_moved, valid = correlate(shifted, kc), correlate(xv, kc)
        for i in range(1, len(valid)):
            d.equal(valid_moved[i], valid[i - 1], f"'valid', interior: (Sx ⋆ k)[{i}] = (x ⋆ k)[{i - 1}], n = 7")
        d.note("At the border (output 0) the 'valid' correlation sees the entering zero, so equivariance "
               "holds only away from the edges.", "the window of output 0 contains the new entry")
        w = symbol("w")
        d.equal(sp.Mul(*(w - o for o in moved)), sp.Mul(*(w - o for o in correlate_circular(x, kc))),
                "∏ᵢ(w − outᵢ) agree as polynomials in w: Sx ⋆ k is a permutation of x ⋆ k")
        d.note("The two outputs are the same multiset, so their global max (and any symmetric pooling: "
               "sum, mean) is the same: max ∘ (· ⋆ k) is invariant under cyclic shifts.", "the roots of the polynomial")
        return d

    def evidence(self):
        rng = np.random.default_rng(SEED)
        circ = lambda x, k: np.array([np.roll(x, -i)[:k.size] @ k for i in range(x.size)])
        eq_l, eq_r, inv_l, inv_r, gaps = [], [], [], [], []
        for _ in range(200):
            x, k, s = rng.standard_normal(rng.integers(5, 30)), rng.standard_normal(3), int(rng.integers(1, 5))
            eq_l.append(circ(np.roll(x, s), k))
            eq_r.append(np.roll(circ(x, k), s))
            inv_l.append(circ(np.roll(x, s), k).max())
            inv_r.append(circ(x, k).max())
            gaps.append(np.abs(np.correlate(np.roll(x, s), k, "valid") - np.correlate(x, k, "valid")).max())
        gaps = np.array(gaps)
        return [agreement("circular equivariance", np.concatenate(eq_l), np.concatenate(eq_r),
                          "200 random x, k and shifts 1 to 4 (seed 0)"),
                agreement("global max invariance", inv_l, inv_r, "same draws"),
                Evidence("outputs change under a shift", gaps.size, float(gaps.min()), float("inf"),
                         "min gap > 0.1", bool(gaps.min() > 0.1),
                         f"max |x⋆k − Sx⋆k| over the output is at least {gaps.min():.3g} on every draw: not invariant")]


class ConvolutionLocality(Proof):
    id = "convolution-locality"
    section = "5(1) 性质：局部性"
    title = "Each output depends only on its window; the receptive field grows with depth"
    quote = ("因为卷积操作只依赖于卷积核的大小，如果卷积核加大，那么可以理解为看的视野变大了，卷积核变小了，"
             "看的视野也就变小了，这就是卷积操作的**局部性**。")
    statement = (r"For y = x ⋆ k (n = 7, K = 3): ∂y[i]/∂x[j] = k[j − i] if 0 ≤ j − i < 3, else 0. For two "
                 r"stacked layers z = (x ⋆ k) ⋆ q: "
                 r"$\partial z[i]/\partial x[j] = \sum_b q[b]\, k[j - i - b] = (k * q)[j - i]$, "
                 r"non-zero exactly for 0 ≤ j − i ≤ 4, a receptive field of 5 = 3 + 3 − 1 inputs.")

    def derive(self):
        d = Derivation()
        x, k, q, t = symbols_of("x", 7), symbols_of("k", 3), symbols_of("q", 3), symbols_of("t", 7)
        y = correlate(x, k)
        for i, out in enumerate(y):
            row = [derivative(out, xj) for xj in x]
            d.equal(sp.Add(*(tj * r for tj, r in zip(t, row))), sp.Add(*(t[j] * band(k, i, j) for j in range(7))),
                    f"row {i} of the Jacobian (rule table) times a tangent t of independent symbols")
        d.note("Each row identity is a polynomial identity in the independent tⱼ, so it states "
               "∂y[i]/∂x[j] = k[j − i] on the window and 0 off it for all 5 × 7 = 35 pairs.", "coefficients of tⱼ")

        z = correlate(y, q)
        reach = lambda i, j: sp.Add(*(q[b] * k[j - i - b] for b in range(3) if 0 <= j - i - b < 3))
        fields = []
        for i, out in enumerate(z):
            row = [sp.expand(derivative(out, xj)) for xj in x]
            d.equal(sp.Add(*(tj * r for tj, r in zip(t, row))), sp.Add(*(t[j] * reach(i, j) for j in range(7))),
                    rf"two layers, row {i}: $\partial z[{i}]/\partial x[j] = \sum_b q[b]\, k[j - {i} - b]$")
            fields.append([j for j, r in enumerate(row) if r != 0])
        d.define(symbol("receptive_fields"), sp.Matrix(fields), "the j with ∂z[i]/∂x[j] ≢ 0, for i = 0, 1, 2")
        d.equal(sp.Integer(len(fields[0])), 3 + 3 - 1, "two 3-wide layers see K + K − 1 = 5 inputs")
        d.note("The seed's locality is right in spirit: one layer sees a window as wide as its kernel. Stacking "
               "layers widens the view (L layers of width K see L(K − 1) + 1 inputs).", "the receptive field")
        return d

    def evidence(self):
        x, k = symbols_of("x", 7), symbols_of("k", 3)
        y = correlate(x, k)
        evidence = [check_gradient(y[i], {xj: band(k, i, j) for j, xj in enumerate(x)}, x, n=60, seed=i)
                    for i in (0, 2, 4)]
        rng = np.random.default_rng(SEED)
        h, found, expected = 1e-6, {1: [], 2: []}, {1: [], 2: []}
        for _ in range(20):
            xv, kv, qv = rng.standard_normal(7), rng.standard_normal(3), rng.standard_normal(3)
            layers = {1: (lambda v: np.correlate(v, kv, "valid"), kv),
                      2: (lambda v: np.correlate(np.correlate(v, kv, "valid"), qv, "valid"), np.convolve(kv, qv))}
            for depth, (layer, kernel) in layers.items():  # two layers act with the kernel k * q
                jac = np.array([(layer(xv + h * e) - layer(xv - h * e)) / (2 * h) for e in np.eye(7)]).T
                found[depth].append(jac.ravel())
                expected[depth].append([band(kernel, i, j) for i in range(jac.shape[0]) for j in range(7)])
        return evidence + [
            agreement(f"NumPy Jacobian, {depth} layer{'s' if depth > 1 else ''}", np.concatenate(found[depth]),
                      np.concatenate(expected[depth]),
                      f"central differences (h = 1e-6) of NumPy's correlate at 20 random x, k, q (seed 0) vs the band "
                      f"of width {3 if depth == 1 else 5}", 1e-7) for depth in (1, 2)]
