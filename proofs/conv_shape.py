"""The output shape of a convolution with stride and padding.

Seed section: 5(2) 步幅（stride）和填充（padding） (stride and padding).

Main statements
- ``conv-output-shape``: along one axis, an input of length n, a kernel of
  length k, p zeros of padding on each side, stride s and dilation d give
  ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1 output positions; this is d2l's
  ⌊(n − k + p_h + s)/s⌋ with p_h = 2p, d = 1; padding keeps the size (s = 1)
  iff 2p = d(k − 1); and a stride s divides the stride-1 output by s,
  rounded up.

Notation
n input length, k kernel length, p padding per side (the seed's number of
"rings of zeros"), s stride, d dilation (d = 1 is the seed's convolution);
n, k, s, d are positive integers, p ≥ 0.  A 2-D convolution applies the
count to each axis separately.

Implementation notes
The formula is derived by counting the window positions j·s, j = 0, 1, …, in
the padded input (a SymPy ``Sum`` counts them); SymPy's integer-part rules
for ⌊·⌋ and ⌈·⌉ give the d2l form, the s = 1 case and the ceiling form.  The
numeric checks are exhaustive: every small (n, k, p, s, d) against the
window-enumerating :func:`derive.conv.reference_conv1d`, whose values are
themselves compared with NumPy's ``correlate``; and the identity
⌊m/s⌋ + 1 = ⌈(m + 1)/s⌉ over a grid of integers in exact integer arithmetic.

References
Dumoulin and Visin, *A guide to convolution arithmetic for deep learning*
(2016), relationships 1–6; the d2l textbook, §6.3 (padding and stride);
PyTorch's ``torch.nn.Conv1d`` documentation (output shape).
"""
import math

import numpy as np
import sympy as sp

from derive.catalogue import Derivation, Proof
from derive.render.figures import Figure
from derive.numeric import Evidence
from derive.conv import conv_output_formula, conv_output_size, reference_conv1d
from derive.symbols import symbol

FORMULA = conv_output_formula()
n, k, s, d = (symbol(name, integer=True, positive=True) for name in "nksd")
p = symbol("p", integer=True, nonnegative=True)
j, m, q, r = (symbol(name, integer=True, nonnegative=True) for name in "jmqr")
SPAN = d * (k - 1) + 1                      # elements covered by one window
LAST = n + 2 * p - d * (k - 1) - 1          # the last admissible start position, m
GRID = dict(n=range(1, 13), k=range(1, 6), p=range(0, 4), s=range(1, 5), d=range(1, 4))


def conv_size_figure(fig):
    """Output size ⌊(n + 2p − k)/s⌋ + 1 against kernel size: strides (n = 32, p = 0) and paddings."""
    n = 32
    left, right = fig.subplots(1, 2, sharey=True)
    k = np.arange(1, n + 1)
    for s, style in ((1, "o-"), (2, "s-"), (3, "^-")):
        left.plot(k, [conv_output_size(n, int(j), stride=s) for j in k], style, ms=2.5, lw=1, label=f"s = {s}")
    left.set(xlabel="kernel size k", ylabel="output size", title="n = 32, no padding, stride s")
    left.legend(loc="upper right")
    odd = np.arange(1, 16, 2)
    for p, style, label in ((0, "o-", "p = 0"), (2, "s-", "p = 2"), (4, "^-", "p = 4"),
                            (None, "D-", "p = (k − 1)/2: same")):
        sizes = [conv_output_size(n, int(kk), padding=int(kk) // 2 if p is None else p) for kk in odd]
        right.plot(odd, sizes, style, ms=3, lw=1, label=label)
    right.set(xlabel="kernel size k (odd)", title="n = 32, stride 1, padding p")
    right.legend(loc="lower left")


class ConvOutputShape(Proof):
    id = "conv-output-shape"
    section = "5(2) 步幅（stride）和填充（padding）"
    title = "Output size of a convolution with padding and stride"
    quote = ("所谓填充就是在原来的矩阵周围填充几圈0，填充的圈数我们可以自己设置，所以我们就可以控制输出的矩阵大小了。"
             " … 填充在输入周围添加额外的行/列，来控制输出形状的减少量"
             " … 步幅是每次滑动核窗口时的行/列的步长，可以成倍的减少输出形状")
    statement = ("Along one axis the output has ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1 positions "
                 "(n input, k kernel, p zeros per side, stride s, dilation d; the window must fit: "
                 "d(k − 1) + 1 ≤ n + 2p). It equals d2l's ⌊(n − k + 2p + s)/s⌋ for d = 1; for s = 1 it is "
                 "n + 2p − d(k − 1), which equals n iff 2p = d(k − 1) (p = (k − 1)/2, k odd, for d = 1); "
                 "for any s it is ⌈(n + 2p − d(k − 1))/s⌉, the stride-1 output divided by s and rounded up.")
    figures = (Figure(
        "conv-size",
        "The output size ⌊(n + 2p − k)/s⌋ + 1 of a convolution of an input of size n = 32: it shrinks "
        "by k − 1 at stride 1 and roughly by the factor s at stride s; padding p adds 2p, and "
        "p = (k − 1)/2 keeps the size (\"same\" padding, odd k).",
        conv_size_figure),)

    def derive(self):
        dv = Derivation()
        dv.note("the window starting at position t of the padded input (length n + 2p) reads "
                "t, t + d, …, t + d(k − 1): it spans d(k − 1) + 1 elements",
                "dilation d spaces the k kernel taps d apart")
        dv.note("the starts are t = j·s, j = 0, 1, 2, …; window j fits iff j·s + d(k − 1) ≤ n + 2p − 1, "
                "i.e. j·s ≤ m with m = n + 2p − d(k − 1) − 1 ≥ 0",
                "the last element read must be inside the padded input")
        dv.define(m, LAST, "the last admissible start position")
        dv.note("for an integer j ≥ 0: j·s ≤ m ⟺ j ≤ m/s ⟺ j ≤ ⌊m/s⌋, so the windows are j = 0, 1, …, ⌊m/s⌋",
                "⌊m/s⌋ is the largest integer ≤ m/s (s > 0)")
        count = sp.Sum(1, (j, 0, sp.floor(LAST / s)))
        dv.define(count, count.doit(), "SymPy counts the integers 0 … ⌊m/s⌋")
        dv.equal(count.doit(), FORMULA, "this count is the output-size formula of derive's convolution module")

        # s = 1: the familiar n − k + 1 (with p and d)
        out1 = n + 2 * p - d * (k - 1)
        _substitute(dv, FORMULA, s, 1, out1, "s = 1: ⌊N⌋ = N for an integer N")
        _substitute(dv, out1, (p, d), (0, 1), n - k + 1,
                    "no padding, no dilation: n − k + 1 (the seed's 3×3 kernel shrinks each axis by 2)")
        dv.equal(out1.subs(k, k + 1) - out1, -d,
                 "s = 1: a kernel one longer gives d fewer positions, as the seed says "
                 "(for s > 1 the floor makes the size only non-increasing in k)")

        # d2l's form with total padding p_h = 2p and d = 1
        dv.equal((n - k + 2 * p + s) / s, (n + 2 * p - k) / s + 1, "split the fraction")
        dv.equal(sp.floor((n - k + 2 * p + s) / s), FORMULA.subs(d, 1),
                 r"⌊x + 1⌋ = ⌊x⌋ + 1, so d2l's $\lfloor (n - k + p_h + s)/s \rfloor$ with $p_h = 2p$ is the same count")

        # padding that keeps the size
        keep = sp.solve(sp.Eq(out1, n), p)
        dv.define(sp.Symbol("p*"), keep[0], "solve n + 2p − d(k − 1) = n for p (the only solution)")
        _substitute(dv, out1, p, keep[0], n, "with p = d(k − 1)/2 the output has the input's size")
        rr = symbol("r_k", integer=True, nonnegative=True)
        _substitute(dv, keep[0], (d, k), (1, 2 * rr + 1), rr, "d = 1, odd k = 2r + 1: p = r = (k − 1)/2 rings of zeros")
        even = keep[0].subs({d: 1, k: 2 * rr + 2})
        dv.define(sp.Symbol("p*(k = 2r + 2)"), even,
                  f"d = 1, even k: solving gives r + 1/2, "
                  f"{'not an integer' if even.is_integer is False else 'not known to be an integer'}, "
                  "so no padding keeps the size")
        dv.note("the seed's claim holds: p controls how much the output shrinks, by 2p − d(k − 1) relative to n",
                "output − n = 2p − d(k − 1) for s = 1")

        # the stride: the ceiling form
        dv.equal(sp.floor((q * s + r) / s) + 1, q + sp.floor(r / s) + 1,
                 "write m = q·s + r, 0 ≤ r ≤ s − 1: the integer q leaves the floor")
        dv.equal(sp.ceiling((q * s + r + 1) / s), q + sp.ceiling((r + 1) / s),
                 "and leaves the ceiling of (m + 1)/s")
        dv.note("0 ≤ r/s < 1 gives ⌊r/s⌋ = 0, and 0 < (r + 1)/s ≤ 1 gives ⌈(r + 1)/s⌉ = 1: both are q + 1, "
                "so ⌊m/s⌋ + 1 = ⌈(m + 1)/s⌉ for every integer m ≥ 0",
                "definitions of ⌊·⌋ and ⌈·⌉ (and exhaustively checked in exact integers below)")
        _substitute(dv, m + 1, m, LAST, out1, "m + 1 is the stride-1 output N₁")
        dv.note("so the output with stride s is ⌈(n + 2p − d(k − 1))/s⌉ = ⌈(stride-1 output)/s⌉",
                "the identity above with m = n + 2p − d(k − 1) − 1")
        ratio = sp.Limit(sp.Mul(out1 / s, 1 / ((n + 2 * p) / s), evaluate=False), n, sp.oo)
        _computed(dv, ratio, ratio.doit(), 1, "for n ≫ k the output ⌈N₁/s⌉ ≈ (n + 2p)/s, "
                  "the size reduced by the factor s up to rounding", "SymPy's limit")
        dv.note("the seed's '可以成倍的减少输出形状' is right in this precise sense: stride s gives "
                "⌈N₁/s⌉ positions where stride 1 gives N₁ (exactly N₁/s when s divides N₁); "
                "padding p means p zeros on each side, 2p in all",
                "the two results above")
        return dv

    def evidence(self):
        return [self._exhaustive(), self._reference_values(), self._ceiling_identity()]

    @staticmethod
    def _exhaustive():
        """Every (n, k, p, s, d) of GRID: reference length = library = formula = d2l = ceiling form."""
        formula = sp.lambdify(sorted(FORMULA.free_symbols, key=str), FORMULA, "math")
        names = [str(x) for x in sorted(FORMULA.free_symbols, key=str)]
        cases = mismatches = unfit = worst = 0
        rng = np.random.default_rng(0)
        for nn in GRID["n"]:
            x = rng.standard_normal(nn)
            for kk in GRID["k"]:
                w = rng.standard_normal(kk)
                for pp in GRID["p"]:
                    for ss in GRID["s"]:
                        for dd in GRID["d"]:
                            if dd * (kk - 1) + 1 > nn + 2 * pp:
                                unfit += _raises(nn, kk, pp, ss, dd)
                                continue
                            cases += 1
                            values = dict(n=nn, k=kk, p=pp, s=ss, d=dd)
                            counted = reference_conv1d(x, w, pp, ss, dd).size
                            sizes = [conv_output_size(nn, kk, pp, ss, dd),
                                     int(formula(*(values[v] for v in names))),
                                     -(-(nn + 2 * pp - dd * (kk - 1)) // ss)]
                            if dd == 1:
                                sizes.append((nn - kk + 2 * pp + ss) // ss)
                            err = max(abs(v - counted) for v in sizes)
                            worst = max(worst, err)
                            mismatches += err != 0
        total = math.prod(len(v) for v in GRID.values())
        return Evidence("exhaustive enumeration", cases, float(worst), float(worst), "exact integers",
                        mismatches == 0 and cases + unfit == total,
                        f"n ≤ 12, k ≤ 5, p ≤ 3, s ≤ 4, d ≤ 3: {cases} cases where the window fits, "
                        f"{mismatches} mismatches between the enumerated window count, the library's output size, "
                        f"the SymPy formula, the ceiling form and (d = 1) d2l's form; "
                        f"{unfit} cases where it does not fit, all refused with an error")

    @staticmethod
    def _reference_values():
        """reference_conv1d against NumPy's correlate on the zero-padded input with a dilated kernel."""
        rng = np.random.default_rng(1)
        worst, count = 0.0, 0
        for _ in range(400):
            nn, kk, pp, ss, dd = (int(rng.integers(1, 13)), int(rng.integers(1, 6)), int(rng.integers(0, 4)),
                                  int(rng.integers(1, 5)), int(rng.integers(1, 4)))
            if dd * (kk - 1) + 1 > nn + 2 * pp:
                continue
            x, w = rng.standard_normal(nn), rng.standard_normal(kk)
            dilated = np.zeros(dd * (kk - 1) + 1)
            dilated[::dd] = w
            expected = np.correlate(np.pad(x, pp), dilated, "valid")[::ss]
            got = reference_conv1d(x, w, pp, ss, dd)
            worst = max(worst, float(np.max(np.abs(got - expected))) if got.size == expected.size else math.inf)
            count += 1
        return Evidence("NumPy reference", count, worst, worst, "abs err ≤ 1e-12", worst <= 1e-12,
                        f"{count} random (n, k, p, s, d) and data (seed 1): window values match NumPy's "
                        "'valid' correlation of the zero-padded input with the dilated kernel, every s-th position")

    @staticmethod
    def _ceiling_identity():
        """⌊m/s⌋ + 1 = ⌈(m + 1)/s⌉ for 0 ≤ m < 2000, 1 ≤ s ≤ 64, in exact integers."""
        mm, ss = np.meshgrid(np.arange(2000, dtype=np.int64), np.arange(1, 65, dtype=np.int64))
        lhs, rhs = mm // ss + 1, -(-(mm + 1) // ss)
        bad = int(np.count_nonzero(lhs != rhs))
        return Evidence("exhaustive enumeration", int(mm.size), float(np.max(np.abs(lhs - rhs))), 0.0,
                        "exact integers", bad == 0,
                        f"⌊m/s⌋ + 1 = ⌈(m + 1)/s⌉ for all 0 ≤ m < 2000, 1 ≤ s ≤ 64: {bad} mismatches")


def _substitute(dv, expr, old, new, expected, why):
    """Record Subs(expr, old, new) = its value (SymPy substitutes), and show the value is ``expected``."""
    value = expr.subs(dict(zip(old, new)) if isinstance(old, tuple) else {old: new})
    return _computed(dv, sp.Subs(expr, old, new), value, expected, why, "substitute")


def _computed(dv, shown, value, expected, why, how):
    """Record ``shown`` = ``value`` (computed by SymPy); prove value = expected unless it is verbatim."""
    if value == expected:
        dv.define(shown, value, f"{how}: {why}")
        return True
    dv.define(shown, value, how)
    return dv.equal(value, expected, why)


def _raises(*args) -> int:
    """1 if both conv_output_size and reference_conv1d refuse a kernel that does not fit, else 0."""
    refused = 0
    calls = (lambda: conv_output_size(*args),
             lambda: reference_conv1d(np.ones(args[0]), np.ones(args[1]), *args[2:]))
    for call in calls:
        try:
            call()
        except ValueError:
            refused += 1
    return int(refused == 2)
